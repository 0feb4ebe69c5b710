-- depends: 0008_catalog_provenance
-- Collaborative artifacts (issue 21): the CT process publishes each version's serving arrays into the
-- store itself, so every replica reaches them without replaying the event log. An artifact is an
-- immutable blob named by its SHA-256, stored in chunks of at most 1 MiB; a version row names its
-- artifact in its figures (written with the row, in the same transaction), so a version never points
-- at a blob that is not complete. A delta artifact names the artifact it applies to (base_id).
CREATE TABLE IF NOT EXISTS cf_artifacts (
    artifact_id TEXT PRIMARY KEY,          -- SHA-256 (hex) of the whole blob
    kind        TEXT NOT NULL CHECK (kind IN ('full', 'delta')),
    base_id     TEXT REFERENCES cf_artifacts (artifact_id) ON DELETE CASCADE,
    n_bytes     BIGINT NOT NULL CHECK (n_bytes >= 0),
    n_chunks    INTEGER NOT NULL CHECK (n_chunks >= 0),
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS cf_artifact_chunks (
    artifact_id TEXT NOT NULL REFERENCES cf_artifacts (artifact_id) ON DELETE CASCADE,
    chunk_no    INTEGER NOT NULL CHECK (chunk_no >= 0),
    data        BYTEA NOT NULL,
    PRIMARY KEY (artifact_id, chunk_no)
);

-- The same lockdown as 0005 for what this migration creates.
DO $$
DECLARE
    r text;
BEGIN
    ALTER TABLE cf_artifacts ENABLE ROW LEVEL SECURITY;
    ALTER TABLE cf_artifact_chunks ENABLE ROW LEVEL SECURITY;
    FOREACH r IN ARRAY ARRAY['anon', 'authenticated'] LOOP
        IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
            EXECUTE format('REVOKE ALL ON cf_artifacts FROM %I', r);
            EXECUTE format('REVOKE ALL ON cf_artifact_chunks FROM %I', r);
        END IF;
    END LOOP;
END
$$;

INSERT INTO store_meta (key, value) VALUES ('schema_version', '9')
ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value;
