"""Supabase's connection: the official client over PostgREST (REST, no session, no DDL)."""

from __future__ import annotations

import json
from typing import Any

from src.config import Settings
from src.store.base import Store
from src.store.errors import StoreConfigError, StoreUnavailable, UnknownShoeError
from src.store.seed import catalog_rows


class SupabaseBackend(Store):
    """Talks to a Supabase project over its REST API. The schema must have been migrated (see
    `src.store.migrate`; PostgREST cannot run DDL); writes go through the SQL functions of the
    migrations (`record_interaction` ...) so each stays one transaction."""

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

    def _rpc_row(self, function: str, params: dict[str, Any]) -> dict[str, Any]:
        """The one row a SQL function returns (PostgREST answers a list or the row itself)."""
        data = self._run(self.client.rpc(function, params)).data
        return dict(data[0] if isinstance(data, list) else data)

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
