-- depends: 0008_catalog_provenance
-- Collaborative artifacts (issue 21): each version's serving arrays as an immutable blob named by its
-- SHA-256, in chunks of at most 1 MiB, in the same database file. See the PostgreSQL migration.
CREATE TABLE IF NOT EXISTS cf_artifacts (
    artifact_id TEXT PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('full', 'delta')),
    base_id     TEXT REFERENCES cf_artifacts (artifact_id) ON DELETE CASCADE,
    n_bytes     INTEGER NOT NULL CHECK (n_bytes >= 0),
    n_chunks    INTEGER NOT NULL CHECK (n_chunks >= 0),
    created_at  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS cf_artifact_chunks (
    artifact_id TEXT NOT NULL REFERENCES cf_artifacts (artifact_id) ON DELETE CASCADE,
    chunk_no    INTEGER NOT NULL CHECK (chunk_no >= 0),
    data        BLOB NOT NULL,
    PRIMARY KEY (artifact_id, chunk_no)
);
INSERT OR REPLACE INTO store_meta (key, value) VALUES ('schema_version', '9');
