-- depends: 0005_row_level_security
-- Taking back and forgetting: new event actions (unlike, unrate, forget) and saved questionnaires.
-- SQLite cannot alter a CHECK constraint, so interaction_events is rebuilt with the wider one,
-- keeping every event id (AUTOINCREMENT's counter follows the copied ids).
CREATE TABLE IF NOT EXISTS interaction_events_v2 (
    event_id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL, shoe_id TEXT NOT NULL,
    action_type TEXT NOT NULL CHECK (action_type IN ('like', 'rate', 'unlike', 'unrate', 'forget')),
    value INTEGER, created_at TEXT NOT NULL
);
INSERT OR IGNORE INTO interaction_events_v2 (event_id, user_id, shoe_id, action_type, value, created_at)
    SELECT event_id, user_id, shoe_id, action_type, value, created_at FROM interaction_events;
DROP TABLE interaction_events;
ALTER TABLE interaction_events_v2 RENAME TO interaction_events;
CREATE INDEX IF NOT EXISTS interaction_events_user_idx ON interaction_events (user_id, event_id);
-- the rebuilt table needs 0004's compaction index again
CREATE INDEX IF NOT EXISTS interaction_events_pair_idx ON interaction_events (user_id, shoe_id, event_id);

-- One saved questionnaire per runner (the newest replaces the older one).
CREATE TABLE IF NOT EXISTS saved_questionnaires (
    user_id INTEGER PRIMARY KEY CHECK (user_id > 0),
    shoe_type TEXT NOT NULL CHECK (shoe_type IN ('road', 'trail')),
    answers TEXT NOT NULL,
    saved_at TEXT NOT NULL
);
INSERT OR REPLACE INTO store_meta (key, value) VALUES ('schema_version', '6');
