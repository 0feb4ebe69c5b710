"""The registry job on the embedded SQLite file (times are UTC ISO text; artifacts a few chunks per
write transaction, so the workers' writes never wait behind a whole artifact)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from src.store.backends.sqlite import SQLiteBackend
from src.store.registry.leadership import FileLeadership, Leadership
from src.store.registry.sql import SQLRegistry
from src.store.rows import CFVersion, ProcessBeat, artifact_chunks, beat_row, now_iso
from src.store.sql import ARTIFACT_CHUNKS_PER_TX, BEAT_COLS


class SQLiteRegistry(SQLRegistry, SQLiteBackend):
    _CT_POLL_SQL = (
        "SELECT s.rebuilds_claimed, c.claims_handled, c.reload_generation, v.version_id,"
        " v.watermark FROM ct_state s CROSS JOIN ct_control c LEFT JOIN (SELECT version_id,"
        " watermark FROM cf_versions WHERE status = 'published' ORDER BY version_id DESC LIMIT 1)"
        " v WHERE s.id = 1 AND c.id = 1"
    )

    def _publish(self, draft: CFVersion) -> tuple[int, str]:
        v, now = draft, now_iso()
        with self._tx(write=True) as tx:
            tx.execute(
                "UPDATE ct_control SET claims_handled = MAX(claims_handled, ?) WHERE id = 1",
                (v.claims_through,),
            )
            version_id = tx.execute(
                "INSERT INTO cf_versions (watermark, status, mode, claims_through, figures, reason, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    v.watermark,
                    v.status,
                    v.mode,
                    v.claims_through,
                    json.dumps(v.figures, default=str),
                    v.reason,
                    now,
                ),
            ).lastrowid
        return int(version_id or 0), now

    def put_cf_artifact(self, artifact_id: str, kind: str, base_id: str | None, blob: bytes) -> None:
        chunks = artifact_chunks(blob)
        with self._tx(write=True) as tx:
            head = tx.execute(
                "SELECT n_chunks FROM cf_artifacts WHERE artifact_id = ?", (artifact_id,)
            ).fetchone()
            if head is not None:
                (stored,) = tx.execute(
                    "SELECT COUNT(*) FROM cf_artifact_chunks WHERE artifact_id = ?", (artifact_id,)
                ).fetchone()
                if int(stored) == int(head[0]):
                    return
                # a publication cut short (the CT process killed mid-way): written again whole
                tx.execute("DELETE FROM cf_artifacts WHERE artifact_id = ?", (artifact_id,))
            tx.execute(
                "INSERT INTO cf_artifacts (artifact_id, kind, base_id, n_bytes, n_chunks, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (artifact_id, kind, base_id, len(blob), len(chunks), datetime.now(UTC).isoformat()),
            )
        # a few chunks per transaction: the workers' writes never wait behind a whole artifact; a
        # reader meanwhile finds the chunks short of n_chunks and takes it for absent
        for start in range(0, len(chunks), ARTIFACT_CHUNKS_PER_TX):
            with self._tx(write=True) as tx:
                tx.executemany(
                    "INSERT INTO cf_artifact_chunks (artifact_id, chunk_no, data) VALUES (?, ?, ?)",
                    [
                        (artifact_id, i, c)
                        for i, c in enumerate(chunks[start : start + ARTIFACT_CHUNKS_PER_TX], start)
                    ],
                )

    def heartbeat(
        self, role: str, cf_version: int | None, state: str, *, host: str, pid: int, forget_after_s: float
    ) -> None:
        now = datetime.now(UTC)
        with self._tx(write=True) as tx:
            tx.execute(
                "INSERT INTO serving_processes (host, pid, role, cf_version, state, started_at, last_seen)"
                " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (host, pid) DO UPDATE SET role = excluded.role,"
                " cf_version = excluded.cf_version, state = excluded.state, last_seen = excluded.last_seen",
                (host, pid, role, cf_version, state, now.isoformat(), now.isoformat()),
            )
            tx.execute(
                "DELETE FROM serving_processes WHERE last_seen < ?",
                ((now - timedelta(seconds=forget_after_s)).isoformat(),),
            )

    def serving_processes(self, max_age_s: float) -> list[ProcessBeat]:
        now = datetime.now(UTC)
        with self._tx() as tx:
            rows = tx.execute(
                f"SELECT {BEAT_COLS} FROM serving_processes WHERE last_seen >= ? ORDER BY role, host, pid",
                ((now - timedelta(seconds=max_age_s)).isoformat(),),
            ).fetchall()
        return [beat_row(r, now) for r in rows]

    def ct_leadership(self) -> Leadership:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        return FileLeadership(f"{self.path}.ct.lock")
