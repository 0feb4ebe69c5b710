-- depends: 0012_writes_without_a_shared_row
-- Nothing changes here. On PostgreSQL this migration adds the functions that send a runner's rows
-- back only when a worker's kept state of them is behind; on SQLite the worker reads its runner's
-- newest event id in its own write transaction (src/store/data/sqlite.py). The number keeps both
-- dialects on one schema version.
INSERT INTO store_meta (key, value) VALUES ('schema_version', '13')
ON CONFLICT (key) DO UPDATE SET value = excluded.value;
