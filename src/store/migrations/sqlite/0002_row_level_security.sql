-- depends: 0001_initial
-- Row-level security is a PostgreSQL/Supabase concern (see postgres/0002); the embedded store has
-- no other clients, so this migration only keeps the two dialects' version numbers in step.
INSERT OR REPLACE INTO store_meta (key, value) VALUES ('schema_version', '2');
