"""The registry job on Supabase (PostgREST); the CT leadership is a file lock, one CT host."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from src.store.backends.supabase import SupabaseBackend
from src.store.registry.leadership import FileLeadership, Leadership
from src.store.rows import CFVersion, CTPoll, ProcessBeat, beat_row, cf_version_row


class SupabaseRegistry(SupabaseBackend):
    def ct_poll(self) -> CTPoll:
        row = self._rpc_row("ct_poll", {})
        fields = ("rebuilds_claimed", "claims_handled", "reload_generation", "version_id", "watermark")
        return CTPoll.from_row([row[f] for f in fields])

    def _publish(self, draft: CFVersion) -> tuple[int, str]:
        params = {
            "p_watermark": draft.watermark,
            "p_status": draft.status,
            "p_mode": draft.mode,
            "p_claims_through": draft.claims_through,
            "p_figures": json.loads(json.dumps(draft.figures, default=str)),
            "p_reason": draft.reason,
        }
        row = self._rpc_row("record_cf_version", params)
        return int(row["version_id"]), row["created_at"]

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
        directory = Path(self.settings.artifacts_dir)
        directory.mkdir(parents=True, exist_ok=True)
        return FileLeadership(str(directory / ".ct.lock"))
