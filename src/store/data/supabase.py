"""The data job on Supabase (PostgREST): reads page through tables, writes are SQL functions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from src.config import SHOE_TYPES
from src.store.backends.supabase import SupabaseBackend
from src.store.rows import (
    ForgetOutcome,
    InteractionRow,
    RecordOutcome,
    SavedQuestionnaire,
    UserState,
    shoe_record,
    user_state_of,
)
from src.store.sql import SHOE_COLS


class SupabaseData(SupabaseBackend):
    def _fetch_shoes(self) -> list[dict[str, Any]]:
        rows = self._all("shoes", ",".join(SHOE_COLS), lambda q: q.order("shoe_id"))
        records = [shoe_record(r) for r in rows]
        records.sort(key=lambda s: (SHOE_TYPES.index(s["shoe_type"]), s["shoe_id"]))
        return records

    def _record(self, user_id: int, shoe_id: str, action: str, value: int | None) -> RecordOutcome:
        params = {"p_user_id": user_id, "p_shoe_id": shoe_id, "p_action": action, "p_value": value}
        return self._outcome(
            user_id, self._rpc_row("record_interaction", {**params, "p_threshold": self.threshold})
        )

    def _delete(self, user_id: int, shoe_id: str, action: str) -> RecordOutcome:
        params = {"p_user_id": user_id, "p_shoe_id": shoe_id, "p_action": action}
        return self._outcome(
            user_id, self._rpc_row("delete_interaction", {**params, "p_threshold": self.threshold})
        )

    def _outcome(self, user_id: int, row: dict[str, Any]) -> RecordOutcome:
        return RecordOutcome(
            int(row["event_id"]),
            bool(row["changed"]),
            int(row["ct_pending"]),
            bool(row["rebuild_claimed"]),
            self.user_state(user_id),
        )

    def forget_user(self, user_id: int) -> ForgetOutcome:
        row = self._rpc_row("forget_user", {"p_user_id": user_id, "p_threshold": self.threshold})
        return ForgetOutcome(
            int(row["favorites"]),
            int(row["reviews"]),
            int(row["events"]),
            int(row["questionnaires"]),
            bool(row["rebuild_claimed"]),
        )

    def save_questionnaire(self, user_id: int, saved: SavedQuestionnaire) -> None:
        row = {"user_id": user_id, "shoe_type": saved.shoe_type, "answers": saved.answers}
        self._run(self.client.table("saved_questionnaires").upsert(row, on_conflict="user_id"))

    def load_questionnaire(self, user_id: int) -> SavedQuestionnaire | None:
        data = self._run(
            self.client.table("saved_questionnaires").select("shoe_type,answers").eq("user_id", user_id)
        ).data
        return SavedQuestionnaire(data[0]["shoe_type"], dict(data[0]["answers"])) if data else None

    def user_state(self, user_id: int) -> UserState:
        # Offset pagination needs a total order, or rows can repeat or vanish between pages.
        likes = self._all("favorites", "shoe_id", lambda q: q.eq("user_id", user_id).order("shoe_id"))
        rates = self._all("reviews", "shoe_id,rating", lambda q: q.eq("user_id", user_id).order("shoe_id"))
        rows = [(r["shoe_id"], "like", None) for r in likes] + [
            (r["shoe_id"], "rate", r["rating"]) for r in rates
        ]
        return user_state_of(rows, self.user_last_event(user_id))

    def user_last_event(self, user_id: int) -> int:
        data = self._run(
            self.client.table("interaction_events")
            .select("event_id")
            .eq("user_id", user_id)
            .order("event_id", desc=True)
            .limit(1)
        ).data
        return int(data[0]["event_id"]) if data else 0

    def interaction_rows(self, user_ids: Sequence[int] | None = None) -> list[InteractionRow]:
        def scope(q: Any) -> Any:
            q = q if user_ids is None else q.in_("user_id", list(user_ids))
            return q.order("user_id").order("shoe_id")  # a total order for offset pagination

        likes = self._all("favorites", "user_id,shoe_id", scope)
        rates = self._all("reviews", "user_id,shoe_id,rating", scope)
        out = [InteractionRow(int(r["user_id"]), r["shoe_id"], "like", None) for r in likes]
        out += [InteractionRow(int(r["user_id"]), r["shoe_id"], "rate", int(r["rating"])) for r in rates]
        return out
