"""Supabase through the official client (PostgREST)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from src.config import SHOE_TYPES, Settings
from src.recommender.online_metrics import Feedback, Impression
from src.store.base import (
    _SHOE_COLS,
    IMPRESSION_COLS,
    CFVersion,
    CTPoll,
    CTState,
    FileLeadership,
    ForgetOutcome,
    InteractionRow,
    Leadership,
    ProcessBeat,
    RecordOutcome,
    SavedQuestionnaire,
    Store,
    StoreConfigError,
    StoreUnavailable,
    UnknownShoeError,
    UserRow,
    UserState,
    beat_row,
    cf_version_row,
    epoch_of,
    impression_row,
    page_key,
    shoe_record,
)
from src.store.seed import catalog_rows


class SupabaseStore(Store):
    """Talks to a Supabase project over its REST API. The schema must have been migrated (see
    `src.store.migrate`; PostgREST cannot run DDL); writes go through the
    `record_interaction` function so they stay one transaction."""

    backend = "supabase"
    # PostgREST's (and Supabase's) default max rows per response; a project configured lower
    # would make a short page look like the last one, so keep "max rows" >= 1000 there.
    _PAGE = 1000

    def __init__(self, settings: Settings, client: Any = None) -> None:
        super().__init__(settings)
        self._client = client

    @property
    def client(self) -> Any:
        if self._client is None:
            from supabase import create_client
            from supabase.lib.client_options import SyncClientOptions

            # Fail fast during an outage (the client's defaults wait up to 120 s and retry GETs).
            options = SyncClientOptions(
                postgrest_client_timeout=self.settings.db_timeout_s, postgrest_client_retry=False
            )
            try:
                self._client = create_client(
                    self.settings.supabase_url or "", self.settings.supabase_key or "", options=options
                )
            except Exception as exc:
                raise StoreConfigError(f"SUPABASE_URL/SUPABASE_KEY are not usable: {exc}") from exc
        return self._client

    def _run(self, query: Any) -> Any:
        import httpx
        from postgrest.exceptions import APIError

        try:
            return query.execute()
        except APIError as exc:
            if getattr(exc, "code", None) == "P0002":
                raise UnknownShoeError(str(exc.message)) from exc
            raise StoreUnavailable(f"Supabase request failed: {exc.message}") from exc
        except httpx.HTTPError as exc:
            raise StoreUnavailable(f"Supabase at {self.settings.supabase_url} is unreachable: {exc}") from exc

    def _all(self, table: str, columns: str, build: Any = None) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        start = 0
        while True:
            query = self.client.table(table).select(columns)
            if build is not None:
                query = build(query)
            page = self._run(query.range(start, start + self._PAGE - 1)).data
            out.extend(page)
            if len(page) < self._PAGE:
                return out
            start += self._PAGE

    def init(self) -> None:
        """Check the schema version (PostgREST cannot run DDL: migrations are applied with the
        Supabase CLI or `python -m src.store.migrate --database-url`), then seed the catalog."""
        from src.store.migrate import check_schema_version

        try:
            meta = self._run(self.client.table("store_meta").select("value").eq("key", "schema_version")).data
        except StoreUnavailable as exc:
            raise StoreConfigError(
                f"{exc}. The project has no schema yet: apply supabase/migrations (`supabase db push`) or run "
                "`python -m src.store.migrate --database-url <the project's Postgres URL>`"
            ) from exc
        check_schema_version(int(meta[0]["value"]) if meta else 0)
        count = self._run(self.client.table("shoes").select("shoe_id", count="exact").limit(1)).count
        rows, _ = catalog_rows(self.settings)
        if not count:
            payload = [
                {
                    **r,
                    "features": json.loads(r["features"]),
                    "attributes": json.loads(r["attributes"]),
                    "provenance": json.loads(r["provenance"]),
                }
                for r in rows
            ]
            for i in range(0, len(payload), 500):
                self._run(self.client.table("shoes").upsert(payload[i : i + 500]))
        self._catalog = None

    def ping(self) -> None:
        self._run(self.client.table("ct_state").select("pending").eq("id", 1))

    def _fetch_shoes(self) -> list[dict[str, Any]]:
        rows = self._all("shoes", ",".join(_SHOE_COLS), lambda q: q.order("shoe_id"))
        records = [shoe_record(r) for r in rows]
        records.sort(key=lambda s: (SHOE_TYPES.index(s["shoe_type"]), s["shoe_id"]))
        return records

    def _record(self, user_id: int, shoe_id: str, action: str, value: int | None) -> RecordOutcome:
        params = {
            "p_user_id": user_id,
            "p_shoe_id": shoe_id,
            "p_action": action,
            "p_value": value,
            "p_threshold": self.threshold,
        }
        data = self._run(self.client.rpc("record_interaction", params)).data
        row = data[0] if isinstance(data, list) else data
        return RecordOutcome(
            int(row["event_id"]),
            bool(row["changed"]),
            int(row["ct_pending"]),
            bool(row["rebuild_claimed"]),
            self.user_state(user_id),
        )

    def _delete(self, user_id: int, shoe_id: str, action: str) -> RecordOutcome:
        params = {
            "p_user_id": user_id,
            "p_shoe_id": shoe_id,
            "p_action": action,
            "p_threshold": self.threshold,
        }
        data = self._run(self.client.rpc("delete_interaction", params)).data
        row = data[0] if isinstance(data, list) else data
        return RecordOutcome(
            int(row["event_id"]),
            bool(row["changed"]),
            int(row["ct_pending"]),
            bool(row["rebuild_claimed"]),
            self.user_state(user_id),
        )

    def forget_user(self, user_id: int) -> ForgetOutcome:
        params = {"p_user_id": user_id, "p_threshold": self.threshold}
        data = self._run(self.client.rpc("forget_user", params)).data
        row = data[0] if isinstance(data, list) else data
        return ForgetOutcome(
            int(row["favorites"]),
            int(row["reviews"]),
            int(row["events"]),
            int(row["questionnaires"]),
            bool(row["rebuild_claimed"]),
        )

    # --- online evaluation (compaction needs SQL: the REST client keeps every impression)
    def record_impressions(self, rows: Sequence[Impression]) -> int:
        if rows:
            payload = [
                {
                    "user_id": r.user_id,
                    "shown_at": r.shown_at,
                    "source": r.source,
                    "model_version": r.model_version,
                    "arm": r.arm,
                    "first_position": r.first_position,
                    "shoe_ids": ",".join(r.shoe_ids),
                    "page_key": page_key(r),
                }
                for r in rows
            ]
            self._run(self.client.table("impressions").insert(payload))
        return len(rows)

    def impressions_since(self, since: float) -> list[Impression]:
        cols = IMPRESSION_COLS.replace(" ", "")
        found = self._all(
            "impressions", f"impression_id,{cols}", lambda q: q.gte("shown_at", since).order("impression_id")
        )
        return [impression_row([r[c] for c in cols.split(",")]) for r in found]

    def positive_feedback_since(self, since: float) -> list[Feedback]:
        cutoff = datetime.fromtimestamp(since, UTC).isoformat()
        cols = "event_id,user_id,shoe_id,created_at"
        likes = self._all(
            "interaction_events",
            cols,
            lambda q: q.gte("created_at", cutoff).eq("action_type", "like").order("event_id"),
        )
        good = self._all(
            "interaction_events",
            cols,
            lambda q: q.gte("created_at", cutoff).eq("action_type", "rate").gte("value", 4).order("event_id"),
        )
        return [
            Feedback(int(r["user_id"]), str(r["shoe_id"]), epoch_of(r["created_at"])) for r in likes + good
        ]

    def save_online_report(self, body: dict[str, Any], keep: int = 500) -> None:
        self._run(self.client.table("online_metric_reports").insert({"body": body}))

    def online_reports(self, limit: int = 1) -> list[dict[str, Any]]:
        data = self._run(
            self.client.table("online_metric_reports")
            .select("computed_at,body")
            .order("report_id", desc=True)
            .limit(limit)
        ).data
        return [{"computed_at": str(r["computed_at"]), **dict(r["body"])} for r in data]

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
        rows = [UserRow(r["shoe_id"], "like", None) for r in likes]
        rows += [UserRow(r["shoe_id"], "rate", int(r["rating"])) for r in rates]
        return UserState(rows, self.user_last_event(user_id))

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

    # --- continuous training (PostgREST: the SQL functions of migration 0002 do the work)
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

    def ct_poll(self) -> CTPoll:
        data = self._run(self.client.rpc("ct_poll", {})).data
        row = data[0] if isinstance(data, list) else data
        fields = ("rebuilds_claimed", "claims_handled", "reload_generation", "version_id", "watermark")
        return CTPoll.from_row([row[f] for f in fields])

    def record_cf_version(
        self,
        *,
        watermark: int,
        status: str,
        mode: str,
        claims_through: int,
        figures: dict[str, Any],
        reason: str | None = None,
    ) -> CFVersion:
        params = {
            "p_watermark": watermark,
            "p_status": status,
            "p_mode": mode,
            "p_claims_through": claims_through,
            "p_figures": json.loads(json.dumps(figures, default=str)),
            "p_reason": reason,
        }
        data = self._run(self.client.rpc("record_cf_version", params)).data
        row = data[0] if isinstance(data, list) else data
        return CFVersion(
            int(row["version_id"]),
            watermark,
            status,
            mode,
            claims_through,
            figures,
            reason,
            row["created_at"],
        )

    _VERSION_COLS = "version_id,watermark,status,mode,claims_through,figures,reason,created_at"

    def cf_versions(self, limit: int = 10, status: str | None = None) -> list[CFVersion]:
        query = self.client.table("cf_versions").select(self._VERSION_COLS)
        if status is not None:
            query = query.eq("status", status)
        rows = self._run(query.order("version_id", desc=True).limit(limit)).data
        return [cf_version_row([r[c] for c in self._VERSION_COLS.split(",")]) for r in rows]

    def cf_version(self, version_id: int) -> CFVersion | None:
        rows = self._run(
            self.client.table("cf_versions").select(self._VERSION_COLS).eq("version_id", version_id)
        ).data
        return cf_version_row([rows[0][c] for c in self._VERSION_COLS.split(",")]) if rows else None

    def bump_reload_generation(self) -> int:
        # PostgREST has no atomic increment: read, then write only if nobody bumped in between.
        while True:
            current = int(
                self._run(self.client.table("ct_control").select("reload_generation").eq("id", 1)).data[0][
                    "reload_generation"
                ]
            )
            updated = self._run(
                self.client.table("ct_control")
                .update({"reload_generation": current + 1})
                .eq("id", 1)
                .eq("reload_generation", current)
            ).data
            if updated:
                return current + 1

    def heartbeat(
        self, role: str, cf_version: int | None, state: str, *, host: str, pid: int, forget_after_s: float
    ) -> None:
        now = datetime.now(UTC)
        row = {"host": host, "pid": pid, "role": role, "cf_version": cf_version, "state": state}
        self._run(self.client.table("serving_processes").upsert({**row, "last_seen": now.isoformat()}))
        cutoff = (now - timedelta(seconds=forget_after_s)).isoformat()
        self._run(self.client.table("serving_processes").delete().lt("last_seen", cutoff))

    def serving_processes(self, max_age_s: float) -> list[ProcessBeat]:
        now = datetime.now(UTC)
        cols = "host,pid,role,cf_version,state,started_at,last_seen"
        rows = self._run(
            self.client.table("serving_processes")
            .select(cols)
            .gte("last_seen", (now - timedelta(seconds=max_age_s)).isoformat())
            .order("role")
            .order("host")
            .order("pid")
        ).data
        return [beat_row([r[c] for c in cols.split(",")], now) for r in rows]

    def ct_leadership(self) -> Leadership:
        # The REST API cannot hold a session lock: one CT process, on one host, for a Supabase store.
        from pathlib import Path

        directory = Path(self.settings.artifacts_dir)
        directory.mkdir(parents=True, exist_ok=True)
        return FileLeadership(str(directory / ".ct.lock"))
