-- depends: 0002_ct_versions
-- PostgreSQL's migration 3 adds functions that answer POST /interact in one round trip; the
-- embedded store runs in-process and needs no schema change. Kept so both dialects share numbers.
INSERT OR REPLACE INTO store_meta (key, value) VALUES ('schema_version', '3');
