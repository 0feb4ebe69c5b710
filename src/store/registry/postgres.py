"""The registry job on PostgreSQL (server times; an artifact written in one transaction; the CT
leadership a session advisory lock)."""

from __future__ import annotations

from src.store.backends.postgres import PostgresBackend
from src.store.registry.leadership import AdvisoryLeadership, Leadership
from src.store.registry.sql import SQLRegistry
from src.store.rows import CFVersion, ProcessBeat, artifact_chunks, beat_row
from src.store.sql import BEAT_COLS


class PostgresRegistry(SQLRegistry, PostgresBackend):
    _CT_POLL_SQL = "SELECT * FROM ct_poll()"

    def _publish(self, draft: CFVersion) -> tuple[int, str]:
        from psycopg.types.json import Jsonb

        v = draft
        with self._tx() as conn:
            version_id, created_at = conn.execute(
                "SELECT * FROM record_cf_version(%s, %s, %s, %s, %s, %s)",
                (v.watermark, v.status, v.mode, v.claims_through, Jsonb(v.figures), v.reason),
            ).fetchone()
        return int(version_id), created_at.isoformat()

    def put_cf_artifact(self, artifact_id: str, kind: str, base_id: str | None, blob: bytes) -> None:
        chunks = artifact_chunks(blob)
        with self._tx() as conn:  # one transaction: readers never see it half-written
            inserted = conn.execute(
                "INSERT INTO cf_artifacts (artifact_id, kind, base_id, n_bytes, n_chunks)"
                " VALUES (%s, %s, %s, %s, %s) ON CONFLICT (artifact_id) DO NOTHING RETURNING 1",
                (artifact_id, kind, base_id, len(blob), len(chunks)),
            ).fetchone()
            if inserted is None:
                return
            with conn.cursor() as cur:
                cur.executemany(
                    "INSERT INTO cf_artifact_chunks (artifact_id, chunk_no, data) VALUES (%s, %s, %s)",
                    [(artifact_id, i, c) for i, c in enumerate(chunks)],
                )

    def heartbeat(
        self, role: str, cf_version: int | None, state: str, *, host: str, pid: int, forget_after_s: float
    ) -> None:
        with self._tx() as conn:
            conn.execute(
                "INSERT INTO serving_processes (host, pid, role, cf_version, state) VALUES (%s, %s, %s, %s, %s)"
                " ON CONFLICT (host, pid) DO UPDATE SET role = EXCLUDED.role, cf_version = EXCLUDED.cf_version,"
                " state = EXCLUDED.state, last_seen = now()",
                (host, pid, role, cf_version, state),
            )
            conn.execute(
                "DELETE FROM serving_processes WHERE last_seen < now() - make_interval(secs => %s)",
                (forget_after_s,),
            )

    def serving_processes(self, max_age_s: float) -> list[ProcessBeat]:
        with self._tx() as conn:
            rows = conn.execute(
                f"SELECT {BEAT_COLS} FROM serving_processes"
                " WHERE last_seen >= now() - make_interval(secs => %s) ORDER BY role, host, pid",
                (max_age_s,),
            ).fetchall()
            now = conn.execute("SELECT now()").fetchone()[0]
        return [beat_row(r, now) for r in rows]

    def ct_leadership(self) -> Leadership:
        return AdvisoryLeadership(self.url, self.settings.db_timeout_s)
