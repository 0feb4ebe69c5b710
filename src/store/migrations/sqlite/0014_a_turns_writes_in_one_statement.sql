-- depends: 0013_writes_skip_a_kept_runners_rows
-- Nothing changes here. On PostgreSQL this migration adds the function that records a turn's writes
-- in one statement; on SQLite they already share one local transaction (src/store/data/sqlite.py).
-- The number keeps both dialects on one schema version.
INSERT INTO store_meta (key, value) VALUES ('schema_version', '14')
ON CONFLICT (key) DO UPDATE SET value = excluded.value;
