-- depends: 0003_interact_one_round_trip
-- Row-level security is a PostgreSQL/Supabase concern (see postgres/0004); the embedded store has
-- no other clients, so this migration only keeps the two dialects' version numbers in step.
INSERT OR REPLACE INTO store_meta (key, value) VALUES ('schema_version', '4');
