-- depends: 0011_impression_page_key
-- Nothing changes here. On PostgreSQL this migration takes the CT counter out of the write path
-- (writers ran one after another on its row lock, each through its commit's WAL flush); SQLite has
-- a single writer anyway, and its counter row costs no wait of its own, so it keeps it. The number
-- keeps both dialects on one schema version.
INSERT INTO store_meta (key, value) VALUES ('schema_version', '12')
ON CONFLICT (key) DO UPDATE SET value = excluded.value;
