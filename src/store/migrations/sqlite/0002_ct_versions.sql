-- depends: 0001_initial
-- Continuous training as its own process: versions published through the store (every replica
-- follows the newest published row), claims handled, the admin reload generation, and heartbeats.
-- Idempotent like 0001 (new tables only: SQLite has no ADD COLUMN IF NOT EXISTS).

-- One row per finished rebuild. Only status = 'published' rows are served; 'refused' (quality
-- gate) and 'failed' (error, timeout) rows say why a claim produced no version.
CREATE TABLE IF NOT EXISTS cf_versions (
    version_id     INTEGER PRIMARY KEY AUTOINCREMENT,
    watermark      INTEGER NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('published', 'refused', 'failed')),
    mode           TEXT NOT NULL CHECK (mode IN ('full', 'incremental')),
    claims_through INTEGER NOT NULL,
    figures        TEXT NOT NULL,
    reason         TEXT,
    created_at     TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS cf_versions_status_idx ON cf_versions (status, version_id);

-- One row: how many claims (ct_state.rebuilds_claimed) the CT process has handled, and the admin
-- reload generation every replica watches.
CREATE TABLE IF NOT EXISTS ct_control (
    id                INTEGER PRIMARY KEY CHECK (id = 1),
    claims_handled    INTEGER NOT NULL DEFAULT 0,
    reload_generation INTEGER NOT NULL DEFAULT 0
);
INSERT OR IGNORE INTO ct_control (id) VALUES (1);

-- Heartbeats of every API worker and CT process: what each serves, seen when.
CREATE TABLE IF NOT EXISTS serving_processes (
    host       TEXT NOT NULL,
    pid        INTEGER NOT NULL,
    role       TEXT NOT NULL CHECK (role IN ('api', 'ct')),
    cf_version INTEGER,
    state      TEXT NOT NULL DEFAULT 'idle',
    started_at TEXT NOT NULL,
    last_seen  TEXT NOT NULL,
    PRIMARY KEY (host, pid)
);

INSERT OR REPLACE INTO store_meta (key, value) VALUES ('schema_version', '2');
