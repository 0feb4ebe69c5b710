"""PostgreSQL writers run side by side (migration 0012), and the CT watermark stays exact.

Each test holds one write open in its own transaction (a connection that has called the write
function and not committed: what a writer in the middle of its commit's WAL flush looks like to the
others) and checks what the other connections may and may not do meanwhile.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import psycopg
import pytest

from src.config import Settings
from src.store import Store, create_store
from tests.plugins.store import SettingsFactory

pytestmark = pytest.mark.postgres

RECORD = "SELECT * FROM record_interaction(%s, %s, 'like', NULL, 50)"


@pytest.fixture
def pg_store(pg_url: str, settings_factory: SettingsFactory) -> Iterator[tuple[Store, Settings]]:
    settings = settings_factory(database_url=pg_url)
    store = create_store(settings)
    store.init()
    yield store, settings
    store.close()


@pytest.fixture
def open_write(pg_url: str) -> Iterator[psycopg.Connection]:
    """A connection whose like of R001 by runner 1 is written and not yet committed."""
    conn = psycopg.connect(pg_url)  # not autocommit: the function's work stays in an open transaction
    conn.execute(RECORD, (1, "R001"))
    yield conn
    conn.rollback()
    conn.close()


def test_another_runner_writes_while_a_write_is_uncommitted(
    pg_store: tuple[Store, Settings], open_write: psycopg.Connection, pg_url: str
) -> None:
    with psycopg.connect(pg_url, autocommit=True) as other:
        other.execute("SET lock_timeout = '2s'")  # before 0012 this waited for the open write's commit
        event_id, changed, *_ = other.execute(RECORD, (2, "R002")).fetchone()
    assert changed and event_id > 0


def test_the_same_runner_waits_for_their_own_open_write(
    pg_store: tuple[Store, Settings], open_write: psycopg.Connection, pg_url: str
) -> None:
    with psycopg.connect(pg_url, autocommit=True) as same:
        same.execute("SET lock_timeout = '300ms'")
        with pytest.raises(psycopg.errors.LockNotAvailable):
            same.execute(RECORD, (1, "R002"))


def test_the_watermark_waits_for_an_uncommitted_lower_event_id(
    pg_store: tuple[Store, Settings], open_write: psycopg.Connection
) -> None:
    store, _ = pg_store
    held = open_write.execute("SELECT MAX(event_id) FROM interaction_events").fetchone()[0]
    later = store.record_like(2, "R002")  # commits an id above the uncommitted one
    assert later.event_id > held
    assert store.ct_state().max_event_id == later.event_id  # MAX alone would skip the open write

    got: list[int] = []
    reader = threading.Thread(target=lambda: got.append(store.newest_event_id()))
    reader.start()
    reader.join(0.5)
    assert reader.is_alive() and got == []  # no watermark while an id below it may still commit

    open_write.commit()
    reader.join(10)
    assert got == [later.event_id]
    seen = {r[0] for r in store.interaction_rows([1, 2])}
    assert seen == {1, 2}  # both events are at or below the watermark, and both are visible


def test_the_counter_is_read_off_the_event_ids(pg_store: tuple[Store, Settings]) -> None:
    store, settings = pg_store
    threshold = settings.ct_threshold
    outcomes = [store.record_like(100 + i, "R001") for i in range(threshold + 2)]
    claims = [o for o in outcomes if o.rebuild_claimed]
    assert len(claims) == 1 and claims[0].ct_pending == 0
    assert [o.ct_pending for o in outcomes[-2:]] == [1, 2]
    state = store.ct_state()
    assert (state.pending, state.rebuilds_claimed) == (2, 1)
    assert store.ct_poll().rebuilds_claimed == 1
    unchanged = store.record_like(100, "R001")
    assert not unchanged.changed and unchanged.ct_pending == 2


def test_a_new_threshold_restarts_the_claims(pg_store: tuple[Store, Settings], pg_url: str) -> None:
    store, _ = pg_store
    for i in range(12):
        store.record_like(200 + i, "R001")
    with psycopg.connect(pg_url, autocommit=True) as conn:
        assert conn.execute("SELECT * FROM record_interaction(300, 'R001', 'like', NULL, 5)").fetchone()[1]
        # 13 counted events at threshold 5: 2 claims, both taken as handled by the change
        assert conn.execute("SELECT pending, rebuilds_claimed FROM ct_state").fetchone() == (3, 2)
    poll = store.ct_poll()
    assert (poll.rebuilds_claimed, poll.claims_handled) == (2, 2)
    with psycopg.connect(pg_url, autocommit=True) as conn:
        claimed = [conn.execute(RECORD.replace("50", "5"), (400 + i, "R001")).fetchone()[3] for i in range(2)]
    assert claimed == [False, True]  # the 15th counted event is the next claim
    assert store.ct_poll().rebuilds_claimed == 3
