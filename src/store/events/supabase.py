"""The events job on Supabase (PostgREST: the SQL functions of migration 0002 do the work)."""

from __future__ import annotations

from collections.abc import Sequence

from src.store.backends.supabase import SupabaseBackend
from src.store.rows import CTState, InteractionRow


class SupabaseEvents(SupabaseBackend):
    def ct_state(self) -> CTState:
        state = self._run(self.client.table("ct_state").select("pending,rebuilds_claimed").eq("id", 1)).data[
            0
        ]
        newest = self._run(
            self.client.table("interaction_events").select("event_id").order("event_id", desc=True).limit(1)
        ).data
        return CTState(
            int(state["pending"]), int(state["rebuilds_claimed"]), int(newest[0]["event_id"]) if newest else 0
        )

    def newest_event_id(self) -> int:
        """The SQL function of migration 0012: waits for the event writers in flight first."""
        return int(self._run(self.client.rpc("newest_settled_event_id", {})).data or 0)

    def interactions_as_of(
        self, watermark: int, user_ids: Sequence[int] | None = None
    ) -> list[InteractionRow]:
        params = {"p_watermark": watermark, "p_user_ids": None if user_ids is None else list(user_ids)}
        out: list[InteractionRow] = []
        start = 0
        while True:  # a set-returning rpc pages like a table
            query = (
                self.client.rpc("interactions_as_of", params)
                .order("user_id")
                .order("shoe_id")
                .order("action_type")
                .range(start, start + self._PAGE - 1)
            )
            page = self._run(query).data
            out += [
                InteractionRow(int(r["user_id"]), r["shoe_id"], r["action_type"], r["value"]) for r in page
            ]
            if len(page) < self._PAGE:
                return out
            start += self._PAGE

    def users_changed_between(self, after: int, upto: int) -> list[int]:
        rows = self._all(
            "interaction_events",
            "event_id,user_id",
            lambda q: q.gt("event_id", after).lte("event_id", upto).order("event_id"),
        )
        return sorted({int(r["user_id"]) for r in rows})
