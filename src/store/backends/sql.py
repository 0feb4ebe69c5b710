"""What the SQLite and PostgreSQL backends both provide, so that a job's statements are written once
(the `sql` module of each job package) and run on either."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from typing import Any

import src.store.sql as sql
from src.store.base import Store
from src.store.seed import seed


class SQLBackend(Store):
    dialect: sql.Dialect

    @abstractmethod
    def _tx(self, write: bool = False) -> AbstractContextManager[Any]:
        """One transaction on a connection (`execute(sql, params)` returns a DB-API cursor); `write`
        takes the writer's turn where the backend has one."""

    @abstractmethod
    def _read_one(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """One read statement on its own (no explicit transaction), its first row."""

    def _serialise(self, tx: Any, key: int) -> None:  # SQLite: its writer is alone already
        """Hold `key` until `tx` ends, so that one process at a time does the work (PostgreSQL)."""

    @abstractmethod
    def _prepare_schema(self) -> None:
        """Check the connection and apply pending migrations (start-up only)."""

    def init(self) -> None:
        self._prepare_schema()
        with self._tx(write=True) as tx:
            self._serialise(tx, sql.SEED_LOCK_KEY)
            seed(tx, self.settings, self.dialect)
        self._catalog = None

    def ping(self) -> None:
        self._read_one("SELECT 1 FROM ct_state WHERE id = 1")

    def _compact_windows(
        self, meta_key: str, lock_key: int, newest: Callable[[Any], int], doomed: str, table: str, key: str
    ) -> int:
        """Delete from `table` the rows whose `key` the query `doomed` (named parameters prev, upto)
        returns, over the ids after the checkpoint `meta_key` up to `newest(tx)`,
        `sql.COMPACTION_BATCH` ids per window: each window's rows are found in a read transaction
        and deleted `sql.DELETE_BATCH` per write transaction, the last one moving the checkpoint
        (the writer's lock is never held long). Deleting a row again is a no-op, so a second
        compactor at the same window only finds less to do. Returns the rows removed."""
        get_meta, set_meta = (
            sql.GET_META_SQL.format(p=self.dialect.mark),
            sql.SET_META_SQL.format(p=self.dialect.mark),
        )
        removed = 0
        while True:
            with self._tx() as tx:
                row = tx.execute(get_meta, (meta_key,)).fetchone()
                prev = int(row[0]) if row else 0
                target = newest(tx)
                if target <= prev:
                    return removed
                upto = min(target, prev + sql.COMPACTION_BATCH)
                ids = sorted({int(r[0]) for r in tx.execute(doomed, {"prev": prev, "upto": upto}).fetchall()})
            chunks = [ids[i : i + sql.DELETE_BATCH] for i in range(0, len(ids), sql.DELETE_BATCH)] or [[]]
            for n, chunk in enumerate(chunks, 1):
                with self._tx(write=True) as tx:
                    self._serialise(tx, lock_key)  # one compaction at a time; readers never wait
                    if chunk:
                        marks = ",".join([self.dialect.mark] * len(chunk))
                        removed += tx.execute(f"DELETE FROM {table} WHERE {key} IN ({marks})", chunk).rowcount
                    if n == len(chunks):
                        tx.execute(set_meta, (meta_key, str(upto)))
