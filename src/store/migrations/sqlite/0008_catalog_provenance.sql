-- depends: 0007_forget_locks_the_counter_first
-- The catalog from measurements (issue 22): a shoe's status (a retired shoe stays readable for the
-- runners who liked or rated it, and is never recommended), its attributes from the original
-- system's sheets (price, audience score, rocker...) and where each of its figures comes from.
-- Every shoe stored by an earlier release keeps its id and row; it is active until the next seed.
ALTER TABLE shoes ADD COLUMN status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'retired'));
ALTER TABLE shoes ADD COLUMN attributes TEXT NOT NULL DEFAULT '{}';
ALTER TABLE shoes ADD COLUMN provenance TEXT NOT NULL DEFAULT '{}';
-- the seed compares this hash to decide whether to re-read the CSVs: force it once
DELETE FROM store_meta WHERE key = 'catalog_hash';
INSERT OR REPLACE INTO store_meta (key, value) VALUES ('schema_version', '8');
