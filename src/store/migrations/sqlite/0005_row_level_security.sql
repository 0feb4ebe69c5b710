-- depends: 0004_event_log_compaction
-- Row-level security is a PostgreSQL/Supabase concern (see postgres/0005); the embedded store has
-- no other clients, so this migration only keeps the two dialects' version numbers in step.
INSERT OR REPLACE INTO store_meta (key, value) VALUES ('schema_version', '5');
