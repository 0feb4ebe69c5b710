"""The data store: one interface (`base.Store`, made of one interface per job), one module per backend.

- `sqlite.SQLiteStore`     — the embedded default (a WAL-mode file, created and seeded on first use).
- `postgres.PostgresStore` — `DATABASE_URL` (a Supabase project's own Postgres connection string works too).
- `supabase.SupabaseStore` — `SUPABASE_URL` + `SUPABASE_KEY` through the official `supabase` client.
"""

from __future__ import annotations

from functools import lru_cache

from src.config import Settings, get_settings
from src.store.base import Store
from src.store.errors import (
    StoreConfigError,
    StoreError,
    StoreUnavailable,
    UnknownShoeError,
    WriteWouldWait,
    first_write_must_not_wait,
)
from src.store.registry.leadership import Leadership, LeadershipTimeout
from src.store.rows import (
    CFArtifact,
    CFVersion,
    CTPoll,
    CTState,
    ForgetOutcome,
    InteractionRow,
    Overview,
    PairDelta,
    ProcessBeat,
    RecordOutcome,
    SavedQuestionnaire,
    ScoreTriple,
    UserRow,
    UserState,
    Write,
)

__all__ = [
    "CFArtifact",
    "CFVersion",
    "CTPoll",
    "CTState",
    "ForgetOutcome",
    "InteractionRow",
    "Leadership",
    "LeadershipTimeout",
    "Overview",
    "PairDelta",
    "ProcessBeat",
    "RecordOutcome",
    "SavedQuestionnaire",
    "ScoreTriple",
    "Store",
    "StoreConfigError",
    "StoreError",
    "StoreUnavailable",
    "UnknownShoeError",
    "UserRow",
    "UserState",
    "Write",
    "WriteWouldWait",
    "create_store",
    "first_write_must_not_wait",
    "get_store",
]


def create_store(settings: Settings) -> Store:
    backend = settings.store_backend
    if backend == "postgres":
        from src.store.postgres import PostgresStore

        return PostgresStore(settings)
    if backend == "supabase":
        from src.store.supabase import SupabaseStore

        return SupabaseStore(settings)
    from src.store.sqlite import SQLiteStore

    return SQLiteStore(settings)


@lru_cache
def get_store() -> Store:
    """The process-wide store for the current settings (opened lazily, per process)."""
    from src.store.sqlite import SQLiteStore

    store = create_store(get_settings())
    if isinstance(store, SQLiteStore) and not store.path.exists():
        store.init()  # the embedded default creates and seeds itself on first use
    return store
