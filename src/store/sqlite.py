"""The embedded default store: a WAL-mode SQLite file, created and seeded on first use."""

from __future__ import annotations

from src.store.data.sqlite import SQLiteData
from src.store.events.sqlite import SQLiteEvents
from src.store.online.sql import SQLOnline
from src.store.registry.sqlite import SQLiteRegistry


class SQLiteStore(SQLiteData, SQLiteEvents, SQLiteRegistry, SQLOnline):
    """Its jobs on one SQLite file (`backends.sqlite`)."""
