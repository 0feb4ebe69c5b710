-- depends: 0010_impressions
-- A page's identity (a 63-bit hash of its shoes, first position, source, arm and model version),
-- indexed with its runner: compaction finds a repeated page by one index probe per new row instead
-- of comparing it with every older page of the runner (quadratic for a runner with many pages).
-- Rows written before this migration have none and are never taken for repeats.
ALTER TABLE impressions ADD COLUMN IF NOT EXISTS page_key BIGINT;
CREATE INDEX IF NOT EXISTS impressions_page_idx ON impressions (user_id, page_key, impression_id);

INSERT INTO store_meta (key, value) VALUES ('schema_version', '11')
ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value;
