-- depends: 0009_cf_artifacts
-- Online evaluation (docs/online_evaluation.md): what was shown to whom, and the metrics computed from it.
-- One row per served page: the shoes in order (comma-separated; positions first_position, +1, ...),
-- where they came from, the model version and A/B arm that served them, and when (unix seconds).
CREATE TABLE IF NOT EXISTS impressions (
    impression_id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL CHECK (user_id > 0),
    shown_at REAL NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('collaborative', 'popular', 'questionnaire')),
    model_version TEXT,
    arm TEXT NOT NULL,
    first_position INTEGER NOT NULL CHECK (first_position >= 1),
    shoe_ids TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS impressions_user_idx ON impressions (user_id, impression_id);
CREATE INDEX IF NOT EXISTS impressions_time_idx ON impressions (shown_at);
-- When each runner was last forgotten: a page shown before that and still in a worker's buffer
-- (written up to IMPRESSION_FLUSH_S later) is not recorded (the id and a time, nothing else).
CREATE TABLE IF NOT EXISTS forgotten_runners (
    user_id INTEGER PRIMARY KEY,
    forgotten_at REAL NOT NULL
);
-- The metrics the CT process computes, newest last (GET /v1/admin/online-metrics).
CREATE TABLE IF NOT EXISTS online_metric_reports (
    report_id INTEGER PRIMARY KEY AUTOINCREMENT,
    computed_at TEXT NOT NULL,
    body TEXT NOT NULL
);
INSERT OR REPLACE INTO store_meta (key, value) VALUES ('schema_version', '10');
