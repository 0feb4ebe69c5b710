"""Store failures: clear one-line errors of the right type, and nothing ever half-written."""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from src.config import Settings
from src.store import Store, StoreConfigError, StoreUnavailable, create_store
from src.store.postgres import PostgresStore
from src.store.sqlite import SQLiteStore
from tests.plugins.store import SettingsFactory, write_state

CLOSED_PORT_URL = "postgresql://postgres:s3cret-pw@127.0.0.1:1/nodb"
FAILING_USER = 999


def _one_line(message: str) -> bool:
    return "\n" not in message and message == message.strip() and message != ""


@pytest.fixture
def closed_port_store(settings_factory: SettingsFactory) -> Iterator[PostgresStore]:
    store = create_store(settings_factory(database_url=CLOSED_PORT_URL, db_timeout_s=1.0))
    assert isinstance(store, PostgresStore)
    yield store
    store.close()


# --- PostgreSQL: bad DATABASE_URL ---------------------------------------------------------------


def test_unreachable_postgres_is_unavailable_with_host_port_and_no_password(
    closed_port_store: PostgresStore,
) -> None:
    with pytest.raises(StoreUnavailable) as info:
        closed_port_store.check_connection()
    message = str(info.value)
    assert "127.0.0.1:1" in message
    assert "s3cret-pw" not in message
    assert _one_line(message)

    with pytest.raises(StoreUnavailable) as info:
        closed_port_store.init()
    assert "s3cret-pw" not in str(info.value)


def test_store_down_during_a_write_is_unavailable(closed_port_store: PostgresStore) -> None:
    with pytest.raises(StoreUnavailable) as info:
        closed_port_store.record_like(1, "R001")
    assert "127.0.0.1:1" in str(info.value)
    assert "s3cret-pw" not in str(info.value)
    with pytest.raises(StoreUnavailable):
        closed_port_store.ping()
    with pytest.raises(StoreUnavailable):
        closed_port_store.user_state(1)


@pytest.mark.parametrize(
    "url",
    [
        "not a url at all ===",
        "postgresql://host:notaport/x",
        "postgresql://h:99999/x",
        "postgresql://u:s3cret-pw@[bad/x",
        "postgresql://u:s3cret-pw@h:5432/x?bogus=1",
    ],
)
def test_malformed_database_url_is_a_config_error_at_construction(
    settings_factory: SettingsFactory, url: str
) -> None:
    with pytest.raises(StoreConfigError) as info:
        create_store(settings_factory(database_url=url))
    message = str(info.value)
    assert _one_line(message), repr(message)
    assert "DATABASE_URL" in message
    assert "s3cret-pw" not in message


@pytest.mark.postgres
def test_missing_database_is_a_config_error_naming_it(
    pg_admin_url: str, settings_factory: SettingsFactory
) -> None:
    name = f"sonix_missing_{secrets.token_hex(4)}"
    store = create_store(settings_factory(database_url=pg_admin_url.rsplit("/", 1)[0] + "/" + name))
    try:
        with pytest.raises(StoreConfigError) as info:
            store.check_connection()
        assert name in str(info.value)
        assert _one_line(str(info.value))
        with pytest.raises(StoreConfigError):
            store.init()
    finally:
        store.close()


# --- SQLite: cannot open the file ---------------------------------------------------------------


@pytest.fixture
def unopenable_sqlite(settings_factory: SettingsFactory, tmp_path: Path) -> Iterator[SQLiteStore]:
    # Tests run as root, so permissions do not stop us: a parent that is a regular FILE does.
    blocker = tmp_path / "not_a_directory"
    blocker.write_text("I am a file")
    store = SQLiteStore(settings_factory(sqlite_path=blocker / "store.sqlite3"))
    yield store
    store.close()


def test_sqlite_unopenable_path_is_unavailable(unopenable_sqlite: SQLiteStore) -> None:
    for call in (
        unopenable_sqlite.init,
        unopenable_sqlite.ping,
        lambda: unopenable_sqlite.record_like(1, "R001"),
        lambda: unopenable_sqlite.record_rating(1, "R001", 4),
        lambda: unopenable_sqlite.user_last_event(1),
    ):
        with pytest.raises(StoreUnavailable) as info:
            call()
        assert "not_a_directory" in str(info.value)


def test_sqlite_locked_during_a_write_is_unavailable_and_writes_nothing(
    settings_factory: SettingsFactory, request: pytest.FixtureRequest
) -> None:
    store = SQLiteStore(settings_factory(db_timeout_s=0.2))
    request.addfinalizer(store.close)
    store.init()
    store.record_like(1, "R001")
    before = write_state(store)

    holder = sqlite3.connect(store.path, isolation_level=None)
    request.addfinalizer(holder.close)
    holder.execute("BEGIN EXCLUSIVE")  # another process holding the write lock past the timeout
    try:
        with pytest.raises(StoreUnavailable, match="locked"):
            store.record_like(2, "R002")
    finally:
        holder.execute("ROLLBACK")
    assert write_state(store) == before
    assert store.record_like(2, "R002").changed is True  # and the store recovers


# --- a failure in the middle of the write transaction leaves nothing ----------------------------


def _install_failing_trigger(store: Store, store_url: str | None) -> None:
    """A trigger on interaction_events that raises for FAILING_USER: the favorites/reviews row is
    written first, then the event insert fails, so only a real rollback leaves nothing behind."""
    if store.backend == "sqlite":
        assert isinstance(store, SQLiteStore)
        with sqlite3.connect(store.path) as conn:
            conn.execute(
                "CREATE TRIGGER fail_for_user BEFORE INSERT ON interaction_events"
                f" WHEN NEW.user_id = {FAILING_USER} BEGIN SELECT RAISE(ABORT, 'boom'); END"
            )
        conn.close()
        return
    import psycopg

    assert store_url is not None
    with psycopg.connect(store_url, autocommit=True) as conn:
        conn.execute(
            "CREATE FUNCTION fail_for_user() RETURNS trigger LANGUAGE plpgsql AS $$"
            f" BEGIN IF NEW.user_id = {FAILING_USER} THEN RAISE EXCEPTION 'boom'; END IF;"
            " RETURN NEW; END $$"
        )
        conn.execute(
            "CREATE TRIGGER fail_for_user BEFORE INSERT ON interaction_events"
            " FOR EACH ROW EXECUTE FUNCTION fail_for_user()"
        )


def _failure_types(store: Store) -> tuple[type[BaseException], ...]:
    if store.backend == "sqlite":
        return (sqlite3.IntegrityError,)
    import psycopg

    return (psycopg.errors.RaiseException,)


def test_failing_write_mid_transaction_leaves_nothing(store: Store, store_settings: Settings) -> None:
    liked = store.record_like(FAILING_USER, "R001")  # succeeds before the trigger exists
    store.record_rating(5, "R001", 3)
    _install_failing_trigger(store, store_settings.database_url)
    before = write_state(store)
    assert before[1] == 2

    with pytest.raises(_failure_types(store), match="boom"):
        store.record_like(FAILING_USER, "R002")
    with pytest.raises(_failure_types(store), match="boom"):
        store.record_rating(FAILING_USER, "R001", 4)

    assert write_state(store) == before  # no favorites/reviews row, no event, counter unchanged
    state = store.user_state(FAILING_USER)
    assert state.rows == [("R001", "like", None)]
    assert state.last_event_id == liked.event_id
    assert store.ct_state().pending == 2

    # the store is still usable afterwards (no connection left in an aborted transaction)
    ok = store.record_like(6, "R002")
    # PostgreSQL reads the counter off the event ids, and the two failed writes drew one each
    assert (ok.changed, ok.ct_pending) == (True, 3 if store.backend == "sqlite" else 5)


@pytest.mark.postgres
@pytest.mark.parametrize("seen_at_checkout", [True, False], ids=["seen-at-checkout", "seen-mid-statement"])
def test_postgres_pooled_connections_killed_server_side_are_replaced(
    pg_url: str,
    pg_admin_url: str,
    settings_factory: SettingsFactory,
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
    seen_at_checkout: bool,
) -> None:
    import psycopg

    from src.store.backends import pg_pool

    store = create_store(settings_factory(database_url=pg_url, db_pool_size=2, db_timeout_s=2.0))
    request.addfinalizer(store.close)
    store.init()
    store.record_like(1, "R001")
    before = write_state(store)
    if not seen_at_checkout:
        # The termination can reach the socket after the checkout check: the statement itself then
        # fails on a dead backend. One dead backend is not an outage: the write is retried on a
        # fresh connection instead of marking the store down.
        monkeypatch.setattr(pg_pool, "_check_idle_connection", lambda conn: None)

    # What a server restart or an idle-connection reaper does to the pooled connections.
    with psycopg.connect(pg_admin_url, autocommit=True) as admin:
        killed = admin.execute(
            "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = %s AND pid <> pg_backend_pid()) t",
            (pg_url.rsplit("/", 1)[1],),
        ).fetchone()
    assert killed is not None and killed[0] >= 1

    # The pool checks a connection on checkout, so the next write transparently reconnects.
    outcome = store.record_like(2, "R002")
    assert outcome.changed is True
    after = write_state(store)
    assert after[0] == sorted([*before[0], (2, "R002", "like", None)], key=repr)
    assert after[1] == before[1] + 1
    assert not store.known_down


@pytest.mark.postgres
def test_postgres_interaction_is_one_statement_and_returns_the_rows(
    pg_url: str,
    settings_factory: SettingsFactory,
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import psycopg

    store = create_store(settings_factory(database_url=pg_url))
    request.addfinalizer(store.close)
    store.init()
    store.record_like(1, "R001")  # the pool is open and warm
    sent: list[str] = []
    real_execute = psycopg.Connection.execute

    def counting_execute(self: Any, query: Any, *args: Any, **kwargs: Any) -> Any:
        sent.append(str(query))
        return real_execute(self, query, *args, **kwargs)

    monkeypatch.setattr(psycopg.Connection, "execute", counting_execute)
    outcome = store.record_rating(1, "R002", 5)
    # one statement: no BEGIN/COMMIT, no liveness query on checkout, no separate read-back
    assert len(sent) == 1 and "record_interaction_unless" in sent[0]
    assert outcome.changed and outcome.event_id > 0
    assert outcome.user.scores == {"R001": 1.0, "R002": 2.0}  # like +1, 5 stars +2
    assert outcome.user.last_event_id == outcome.event_id
    monkeypatch.undo()
    assert store.user_state(1) == outcome.user  # committed: another connection reads the same rows
