-- depends: 0007_forget_locks_the_counter_first
-- The catalog from measurements (issue 22): a shoe's status (a retired shoe stays readable for the
-- runners who liked or rated it, and is never recommended), its attributes from the original
-- system's sheets (price, audience score, rocker...) and where each of its figures comes from.
-- Every shoe stored by an earlier release keeps its id and row; it is active until the next seed.
ALTER TABLE shoes ADD COLUMN IF NOT EXISTS status TEXT NOT NULL DEFAULT 'active'
    CHECK (status IN ('active', 'retired'));
ALTER TABLE shoes ADD COLUMN IF NOT EXISTS attributes JSONB NOT NULL DEFAULT '{}'::jsonb;
ALTER TABLE shoes ADD COLUMN IF NOT EXISTS provenance JSONB NOT NULL DEFAULT '{}'::jsonb;
-- the seed compares this hash to decide whether to re-read the CSVs: force it once
DELETE FROM store_meta WHERE key = 'catalog_hash';

INSERT INTO store_meta (key, value) VALUES ('schema_version', '8')
ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value;
