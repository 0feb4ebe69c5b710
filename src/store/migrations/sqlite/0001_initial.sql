-- Release 1.0's schema, written so that it is a no-op on a database that release created
-- (every statement IF NOT EXISTS / OR IGNORE): such a database is adopted as schema version 1.
CREATE TABLE IF NOT EXISTS shoes (
    shoe_id TEXT PRIMARY KEY,
    shoe_type TEXT NOT NULL CHECK (shoe_type IN ('road', 'trail')),
    name TEXT NOT NULL, brand TEXT NOT NULL, release_year INTEGER, spec_source TEXT,
    features TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS favorites (
    user_id INTEGER NOT NULL CHECK (user_id > 0),
    shoe_id TEXT NOT NULL REFERENCES shoes (shoe_id),
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_id, shoe_id)
);
CREATE TABLE IF NOT EXISTS reviews (
    user_id INTEGER NOT NULL CHECK (user_id > 0),
    shoe_id TEXT NOT NULL REFERENCES shoes (shoe_id),
    rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_id, shoe_id)
);
CREATE TABLE IF NOT EXISTS interaction_events (
    event_id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL, shoe_id TEXT NOT NULL,
    action_type TEXT NOT NULL CHECK (action_type IN ('like', 'rate')),
    value INTEGER, created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS interaction_events_user_idx ON interaction_events (user_id, event_id);
CREATE TABLE IF NOT EXISTS ct_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    pending INTEGER NOT NULL DEFAULT 0,
    rebuilds_claimed INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT
);
INSERT OR IGNORE INTO ct_state (id) VALUES (1);
CREATE TABLE IF NOT EXISTS store_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT OR REPLACE INTO store_meta (key, value) VALUES ('schema_version', '1');
