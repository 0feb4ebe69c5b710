"""The registry job's statements that SQLite and PostgreSQL run alike."""

from __future__ import annotations

from collections.abc import Sequence

from src.store.backends.sql import SQLBackend
from src.store.rows import CFArtifact, CFVersion, CTPoll, cf_version_row
from src.store.sql import (
    ARTIFACT_CHUNKS_PER_TX,
    CF_VERSION_COLS,
    PRUNABLE_CF_ARTIFACTS_SQL,
    PRUNE_CF_ARTIFACTS_SQL,
)


class SQLRegistry(SQLBackend):
    # what replicas and the CT process poll, one statement (every worker runs it every SNAPSHOT_POLL_S):
    # (claimed, handled, generation, newest published version id, its watermark)
    _CT_POLL_SQL: str

    def ct_poll(self) -> CTPoll:
        return CTPoll.from_row(self._read_one(self._CT_POLL_SQL))

    def cf_versions(self, limit: int = 10, status: str | None = None) -> list[CFVersion]:
        m = self.dialect.mark
        where = "" if status is None else f" WHERE status = {m}"
        with self._tx() as tx:
            rows = tx.execute(
                f"SELECT {CF_VERSION_COLS} FROM cf_versions{where} ORDER BY version_id DESC LIMIT {m}",
                (*([status] if status else []), limit),
            ).fetchall()
        return [cf_version_row(r) for r in rows]

    def cf_version(self, version_id: int) -> CFVersion | None:
        row = self._read_one(
            f"SELECT {CF_VERSION_COLS} FROM cf_versions WHERE version_id = {self.dialect.mark}", (version_id,)
        )
        return None if row is None else cf_version_row(row)

    def prune_cf_artifacts(self, keep: Sequence[str]) -> int:
        if not keep:
            return 0
        m = self.dialect.mark
        marks = ", ".join([m] * len(keep))
        with self._tx() as tx:
            doomed = [
                (str(a), int(n))
                for a, n in tx.execute(PRUNABLE_CF_ARTIFACTS_SQL.format(keep=marks), tuple(keep))
            ]
        # A chain is tens of MB: its chunks go a few per write transaction (the embedded store's
        # writer lock held ~10 ms each, as when they were written), then the rows in one. A reader
        # meanwhile finds an artifact short of its chunks and takes it for absent; none is kept.
        for artifact_id, n_chunks in doomed:
            for start in range(0, n_chunks, ARTIFACT_CHUNKS_PER_TX):
                with self._tx(write=True) as tx:
                    tx.execute(
                        f"DELETE FROM cf_artifact_chunks WHERE artifact_id = {m}"
                        f" AND chunk_no >= {m} AND chunk_no < {m}",
                        (artifact_id, start, start + ARTIFACT_CHUNKS_PER_TX),
                    )
        with self._tx(write=True) as tx:
            before = int(tx.execute("SELECT COUNT(*) FROM cf_artifacts").fetchone()[0])
            tx.execute(PRUNE_CF_ARTIFACTS_SQL.format(keep=marks), tuple(keep))
            return before - int(tx.execute("SELECT COUNT(*) FROM cf_artifacts").fetchone()[0])

    def cf_artifact(self, artifact_id: str) -> CFArtifact | None:
        m = self.dialect.mark
        with self._tx() as tx:
            head = tx.execute(
                f"SELECT kind, base_id, n_chunks FROM cf_artifacts WHERE artifact_id = {m}", (artifact_id,)
            ).fetchone()
            if head is None:
                return None
            rows = tx.execute(
                f"SELECT data FROM cf_artifact_chunks WHERE artifact_id = {m} ORDER BY chunk_no",
                (artifact_id,),
            ).fetchall()
        if len(rows) != int(head[2]):
            return None
        return CFArtifact(artifact_id, str(head[0]), head[1], b"".join(bytes(r[0]) for r in rows))

    def bump_reload_generation(self) -> int:
        with self._tx(write=True) as tx:
            return int(
                tx.execute(
                    "UPDATE ct_control SET reload_generation = reload_generation + 1 WHERE id = 1"
                    " RETURNING reload_generation"
                ).fetchall()[0][0]  # fetchall: a RETURNING statement must run to completion (SQLite)
            )
