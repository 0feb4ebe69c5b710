"""Supabase hardening on the real PostgreSQL: after the migrations every table has row-level
security, and Supabase's client roles (`anon`, `authenticated`: the keys a browser holds) can neither
read nor write the tables nor call record_interaction(), even where they had been granted everything
by default (as a Supabase project does)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

import psycopg
import pytest
from psycopg import sql

from src.config import Settings
from src.store import create_store

pytestmark = pytest.mark.postgres

CLIENT_ROLES = ("anon", "authenticated")


def _ensure_roles(admin_url: str) -> None:
    """Roles are cluster-wide; create them if missing (another test may race us: fine)."""
    with psycopg.connect(admin_url, autocommit=True) as conn:
        for role in CLIENT_ROLES:
            with contextlib.suppress(psycopg.errors.DuplicateObject, psycopg.errors.UniqueViolation):
                conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(role)))


def test_every_table_has_rls_and_client_roles_cannot_touch_data(
    pg_admin_url: str, pg_url: str, settings_factory: Callable[..., Settings]
) -> None:
    _ensure_roles(pg_admin_url)
    with psycopg.connect(pg_url, autocommit=True) as conn:
        # what a Supabase project grants its client roles on everything created in public
        conn.execute("GRANT USAGE ON SCHEMA public TO anon, authenticated")
        conn.execute("ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON TABLES TO anon, authenticated")
        conn.execute(
            "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON SEQUENCES TO anon, authenticated"
        )
        conn.execute(
            "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT EXECUTE ON FUNCTIONS TO anon, authenticated"
        )

    store = create_store(settings_factory(database_url=pg_url))
    store.init()  # applies every migration
    store.record_like(1, "R001")  # the service itself still writes
    store.close()

    with psycopg.connect(pg_url, autocommit=True) as conn:
        tables = conn.execute(
            "SELECT c.relname, c.relrowsecurity FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY 1"
        ).fetchall()
        names = {name for name, _ in tables}
        assert {"shoes", "favorites", "reviews", "interaction_events", "ct_settings", "store_meta"} <= names
        assert [name for name, rls in tables if not rls] == []

        for role in CLIENT_ROLES:
            conn.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(role)))
            try:
                for statement in (
                    "SELECT count(*) FROM favorites",
                    "INSERT INTO favorites (user_id, shoe_id) VALUES (2, 'R001')",
                    "INSERT INTO reviews (user_id, shoe_id, rating) VALUES (2, 'R001', 5)",
                    "UPDATE ct_settings SET threshold = 1",
                    "SELECT * FROM ct_state",  # the counter's view (migration 0012)
                    "SELECT newest_settled_event_id()",
                    "SELECT * FROM record_interaction(2, 'R001', 'like', NULL, 50)",
                ):
                    with pytest.raises(psycopg.errors.InsufficientPrivilege):
                        conn.execute(statement)
            finally:
                conn.execute("RESET ROLE")
        assert conn.execute("SELECT count(*) FROM favorites").fetchone() == (1,)
