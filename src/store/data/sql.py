"""The data job's statements that SQLite and PostgreSQL run alike."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from src.store.backends.sql import SQLBackend
from src.store.rows import Overview, RunnerStates, SavedQuestionnaire, rank_nearest, shoe_record
from src.store.sql import NEAREST_RUNNERS_SQL, OVERVIEW_SQL, SHOE_COLS, SHOES_SQL, USER_LAST_EVENT_SQL


class SQLData(SQLBackend):
    _states: RunnerStates | None = None

    @property
    def runner_states(self) -> RunnerStates:
        """This process's recent runners' states, each valid while their newest event id is."""
        if self._states is None:
            self._states = RunnerStates(self.settings.runner_state_cache_rows)
        return self._states

    def init(self) -> None:
        super().init()
        self.runner_states.clear()  # a reseed may rewrite rows

    def _fetch_shoes(self) -> list[dict[str, Any]]:
        with self._tx() as tx:
            rows = tx.execute(SHOES_SQL).fetchall()
        return [shoe_record(dict(zip(SHOE_COLS, r, strict=True))) for r in rows]

    def load_questionnaire(self, user_id: int) -> SavedQuestionnaire | None:
        row = self._read_one(
            f"SELECT shoe_type, answers FROM saved_questionnaires WHERE user_id = {self.dialect.mark}",
            (user_id,),
        )
        if row is None:
            return None
        answers = json.loads(row[1]) if isinstance(row[1], str) else dict(row[1])  # SQLite keeps text
        return SavedQuestionnaire(row[0], answers)

    def user_last_event(self, user_id: int) -> int:
        return int(self._read_one(USER_LAST_EVENT_SQL.format(p=self.dialect.mark), (user_id,))[0])

    def nearest_runners(self, user_id: int, limit: int = 10) -> list[tuple[int, float, int]]:
        with self._tx() as tx:
            counts = tx.execute(
                NEAREST_RUNNERS_SQL.format(p=self.dialect.mark), (user_id, user_id)
            ).fetchall()
        return rank_nearest(counts, limit)

    def overview(self, since: datetime) -> Overview:
        at = self.dialect.time(since)
        return Overview(*(int(v) for v in self._read_one(OVERVIEW_SQL.format(p=self.dialect.mark), (at, at))))
