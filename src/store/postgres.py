"""PostgreSQL (`DATABASE_URL`; a Supabase project's own Postgres connection string works too)."""

from __future__ import annotations

from src.store.data.postgres import PostgresData
from src.store.events.postgres import PostgresEvents
from src.store.online.sql import SQLOnline
from src.store.registry.postgres import PostgresRegistry


class PostgresStore(PostgresData, PostgresEvents, PostgresRegistry, SQLOnline):
    """Its jobs on one PostgreSQL database through a pool (`backends.postgres`, `backends.pg_pool`)."""
