-- depends: 0006_forget_and_questionnaires
-- Only the schema version: on SQLite forget_user runs in one BEGIN IMMEDIATE transaction, which already
-- holds the database's write lock before its first delete (the PostgreSQL function now does the same).
INSERT OR REPLACE INTO store_meta (key, value) VALUES ('schema_version', '7');
