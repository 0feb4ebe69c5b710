"""Continuous training as its own process, unit by unit, on SQLite and the real PostgreSQL:
the store's CT methods (replay as of a watermark, publish with its claims in one transaction,
reload generation, heartbeats, leadership), the loop's claim rule, pacing, watchdog and
no-half-publish, and a replica reaching a version exactly (incrementally or cold)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from src.config import Settings
from src.ct.loop import CTLoop, rebuild_pause
from src.ct.rebuild import RebuildResult, bootstrap, rebuild
from src.engine.versions import follow, snapshot_at
from src.recommender.cf_snapshot import CFSnapshot
from src.store import LeadershipTimeout, Store, StoreError, create_store
from tests.plugins.ct import like_many
from tests.plugins.waiting import wait_until


def as_dict(triples: list[Any]) -> dict[tuple[int, str], float]:
    return {(t.user_id, t.shoe_id): t.score for t in triples}


# --- the store -------------------------------------------------------------------------------


def test_scores_as_of_replays_the_event_log(store: Store) -> None:
    store.record_like(1, "R001")
    store.record_rating(1, "R002", 5)
    store.record_like(2, "R001")
    mark = store.newest_event_id()
    store.record_rating(1, "R002", 1)  # replaces the 5 stars
    store.record_like(1, "R003")
    store.record_like(1, "R001")  # no change: no event
    # like +1; 5 stars +2, 1 star -2 (README scores)
    assert as_dict(store.scores_as_of(mark)) == {(1, "R001"): 1.0, (1, "R002"): 2.0, (2, "R001"): 1.0}
    now = store.newest_event_id()
    assert now == mark + 2
    assert as_dict(store.scores_as_of(now)) == {
        (1, "R001"): 1.0,
        (1, "R002"): -2.0,
        (1, "R003"): 1.0,
        (2, "R001"): 1.0,
    }
    assert as_dict(store.scores_as_of(now, [2])) == {(2, "R001"): 1.0}
    # replaying up to the newest event gives exactly the live tables
    assert as_dict(store.scores_as_of(now)) == as_dict(store.interaction_scores())
    assert store.users_changed_between(mark, now) == [1]
    assert store.users_changed_between(0, now) == [1, 2]
    assert store.users_changed_between(now, now) == []


def test_a_version_and_its_claims_are_recorded_together(store: Store) -> None:
    poll = store.ct_poll()
    assert (poll.claims_handled, poll.version_id, poll.watermark) == (0, None, None)
    refused = store.record_cf_version(
        watermark=7,
        status="refused",
        mode="full",
        claims_through=2,
        figures={"gate": {"x": 1.0}},
        reason="no",
    )
    poll = store.ct_poll()
    assert poll.claims_handled == 2 and poll.version_id is None  # handled, but nothing to serve
    published = store.record_cf_version(
        watermark=9, status="published", mode="incremental", claims_through=3, figures={"n_users": 4}
    )
    assert published.version_id > refused.version_id and published.label.startswith("v0000")
    poll = store.ct_poll()
    assert (poll.claims_handled, poll.version_id, poll.watermark) == (3, published.version_id, 9)
    # claims handled never go back (a late, older answer cannot reopen them)
    store.record_cf_version(watermark=9, status="failed", mode="full", claims_through=1, figures={})
    assert store.ct_poll().claims_handled == 3
    latest = store.latest_cf_version()
    assert latest is not None and latest.version_id == published.version_id
    assert latest.figures == {"n_users": 4} and latest.mode == "incremental"
    assert [v.status for v in store.cf_versions(5)] == ["failed", "published", "refused"]
    assert store.cf_version(refused.version_id).reason == "no"  # type: ignore[union-attr]
    assert store.cf_version(10_000) is None


def test_a_failed_publish_changes_nothing(store: Store) -> None:
    """The version row and the claims are one transaction: if the row cannot be written, the
    claims stay pending (what a CT process killed mid-publish leaves behind)."""
    store.record_cf_version(watermark=1, status="published", mode="full", claims_through=1, figures={})
    before = store.ct_poll()
    with pytest.raises(Exception):  # noqa: B017 - the CHECK constraint, whatever the driver calls it
        store.record_cf_version(watermark=2, status="bogus", mode="full", claims_through=5, figures={})
    assert store.ct_poll() == before
    assert len(store.cf_versions(10)) == 1


def test_reload_generation_is_shared(store: Store, store_factory: Callable[..., Store]) -> None:
    other = store_factory()  # another process's connection to the same database
    assert store.ct_poll().reload_generation == 0
    assert store.bump_reload_generation() == 1
    assert other.bump_reload_generation() == 2
    assert store.ct_poll().reload_generation == 2


def test_heartbeats_show_live_processes(store: Store) -> None:
    store.heartbeat("api", None, "serving", host="h1", pid=11, forget_after_s=60)
    store.heartbeat("ct", 4, "rebuilding", host="h2", pid=22, forget_after_s=60)
    store.heartbeat("api", 3, "serving", host="h1", pid=11, forget_after_s=60)  # an update, not a row
    beats = store.serving_processes(30)
    assert [(b.role, b.host, b.pid, b.cf_version, b.state) for b in beats] == [
        ("api", "h1", 11, 3, "serving"),
        ("ct", "h2", 22, 4, "rebuilding"),
    ]
    assert all(0 <= b.age_s < 30 for b in beats)
    # silent longer than the next beat's forget_after_s (0.2 s), so that beat forgets them
    wait_until(lambda: store.serving_processes(0.2) == [], 10, "the beats are older than 0.2 s")
    assert store.serving_processes(0.1) == []  # silent longer than asked: not live
    store.heartbeat("api", 3, "serving", host="h3", pid=33, forget_after_s=0.2)  # forgets the others
    assert [b.pid for b in store.serving_processes(30)] == [33]


def test_ct_leadership_is_exclusive_and_released(store: Store, store_factory: Callable[..., Store]) -> None:
    first = store.ct_leadership()
    first.acquire(timeout_s=1)
    assert first.still_held()
    second = store_factory().ct_leadership()
    started = time.monotonic()
    with pytest.raises(LeadershipTimeout):
        second.acquire(timeout_s=0.3)
    # about time itself: the whole timeout is waited out (a lower bound only; a busy machine is slower)
    assert time.monotonic() - started >= 0.25
    first.release()
    second.acquire(timeout_s=2)
    assert second.still_held()
    second.release()


# --- the loop --------------------------------------------------------------------------------


def test_every_claim_is_answered_by_exactly_one_rebuild(ct_settings: Settings) -> None:
    store = create_store(ct_settings)
    store.init()
    like_many(store, 12, first_user=1)
    loop = CTLoop(store, ct_settings)
    loop.start()  # the first version, covering everything so far
    first = store.latest_cf_version()
    assert first is not None and first.claims_through == 2
    assert loop.step() is None  # nothing pending
    like_many(store, 13)  # 12 + 13 = 25: claims 3, 4 and 5
    assert store.ct_poll().rebuilds_claimed == 5
    result = loop.step()
    assert result is not None and result.outcome == "published" and result.mode == "incremental"
    assert loop.step() is None  # the one rebuild answered all three pending claims
    latest = store.latest_cf_version()
    assert latest is not None and latest.claims_through == 5 and store.ct_poll().claims_handled == 5
    assert latest.watermark == store.newest_event_id()
    assert loop.snapshot is not None and loop.snapshot.version == latest.label
    like_many(store, 5, first_user=900)  # claim 6
    assert loop.step() is not None and loop.step() is None
    assert len(store.cf_versions(100)) == 3


def test_the_loop_paces_itself(ct_settings: Settings) -> None:
    settings = ct_settings.model_copy(update={"ct_min_interval_s": 3600})
    store = create_store(settings)
    store.init()
    like_many(store, 6, first_user=1)
    loop = CTLoop(store, settings)
    loop.start()
    like_many(store, 5)
    assert store.ct_poll().rebuilds_claimed > store.ct_poll().claims_handled
    assert loop.step() is None  # a claim is pending, but the last rebuild was just now
    loop.last_rebuild_at = time.monotonic() - 3601
    assert loop.step() is not None


def test_rebuild_pause_keeps_the_rebuilds_cpu_to_its_share() -> None:
    assert rebuild_pause(0.1, 0.3, 5.0, 0.05, 30.0) == 5.0  # cheap: 0.1 / 0.05 = 2 s < the minimum
    # 0.6 s of CPU in 12 s from its start
    assert rebuild_pause(0.6, 1.0, 5.0, 0.05, 30.0) == pytest.approx(11.0)
    assert rebuild_pause(3.0, 2.0, 5.0, 0.05, 30.0) == 30.0  # 58 s would leave the version too stale
    assert rebuild_pause(0.6, 1.0, 0.0, 0.05, 30.0) == 0.0  # CT_MIN_INTERVAL_S 0: no pacing at all
    assert rebuild_pause(0.6, 1.0, 5.0, 0.0, 30.0) == 5.0  # CT_CPU_SHARE 0: the minimum alone


def test_the_loop_waits_longer_after_an_incremental_rebuild_that_took_more_cpu(ct_settings: Settings) -> None:
    settings = ct_settings.model_copy(update={"ct_min_interval_s": 0.001, "ct_cpu_share": 0.01})
    store = create_store(settings)
    store.init()
    like_many(store, 6, first_user=1)
    loop = CTLoop(store, settings)
    loop.start()
    assert loop.pause_s == 0.001

    def costly(*args: Any, **kwargs: Any) -> RebuildResult:
        started = time.process_time()
        while time.process_time() - started < 0.05:  # 50 ms of CPU: 5 s at a 1 % share
            pass
        return rebuild(*args, **kwargs)

    loop.rebuild_fn = costly
    like_many(store, 5)
    time.sleep(0.01)  # past the 1 ms minimum
    cpu, wall = time.process_time(), time.monotonic()
    result = loop.step()
    cpu, wall = time.process_time() - cpu, time.monotonic() - wall
    assert result is not None and result.mode == "incremental"
    # its CPU (50 ms burnt, plus the rebuild's own) over 1 %, less the time it took
    assert 0.05 / 0.01 - wall <= loop.pause_s <= cpu / 0.01
    like_many(store, 5, first_user=700)
    assert loop.step() is None  # a claim is pending, but its CPU's share is not yet paid for
    loop.last_rebuild_at = time.monotonic() - loop.pause_s - 0.01
    assert loop.step() is not None


def test_a_hung_rebuild_is_recorded_and_ends_the_process(ct_settings: Settings) -> None:
    settings = ct_settings.model_copy(update={"ct_rebuild_timeout_s": 0.3})
    store = create_store(settings)
    store.init()
    like_many(store, 6, first_user=1)
    timeouts: list[float] = []
    fired = threading.Event()
    loop = CTLoop(store, settings, on_timeout=lambda: (timeouts.append(time.monotonic()), fired.set()))
    loop.start()
    like_many(store, 5)
    claimed = store.ct_poll().rebuilds_claimed

    def hangs(*_args: Any, **_kwargs: Any) -> RebuildResult:
        assert fired.wait(20), "the watchdog never fired"  # hung until the watchdog has fired
        return RebuildResult("failed", "incremental", 1.0, reason="still hung")

    loop.rebuild_fn = hangs
    started = time.monotonic()
    loop.step()
    assert len(timeouts) == 1 and timeouts[0] - started >= 0.25  # not before CT_REBUILD_TIMEOUT_S
    newest = store.cf_versions(1)[0]
    assert newest.status == "failed" and "timed out after 0.3 s" in (newest.reason or "")
    assert store.ct_poll().claims_handled == claimed  # a rebuild that always hangs is not retried
    assert store.latest_cf_version().label == loop.snapshot.version  # type: ignore[union-attr]


def test_a_rebuild_that_lost_the_leadership_publishes_nothing(ct_settings: Settings) -> None:
    store = create_store(ct_settings)
    store.init()
    like_many(store, 6, first_user=1)
    parent = bootstrap(store, ct_settings)
    like_many(store, 5)
    before = store.cf_versions(10)
    result = rebuild(store, ct_settings, parent, claims_through=9, still_leader=lambda: False)
    assert result.outcome == "failed" and "leadership" in (result.reason or "")
    assert store.cf_versions(10) == before
    assert store.ct_poll().claims_handled < 9


def test_a_standby_ct_waits_for_the_leader(ct_settings: Settings) -> None:
    store = create_store(ct_settings)
    store.init()
    like_many(store, 6, first_user=1)
    with store.held_leadership(timeout_s=1):
        stop = threading.Event()
        standby = CTLoop(create_store(ct_settings), ct_settings)
        thread = threading.Thread(target=standby.run_forever, args=(stop,))
        thread.start()
        wait_until(lambda: standby.state == "standby", 20, "the standby tries the lock and waits")
        assert store.latest_cf_version() is None  # the standby did nothing while the lock was held
    wait_until(store.latest_cf_version, 20, "the standby takes over once the leader lets go")
    stop.set()
    thread.join(timeout=20)
    assert store.latest_cf_version() is not None  # it took over once the leader let go


# --- replicas reach a version exactly ---------------------------------------------------------


def matrix_by_user(snapshot: CFSnapshot) -> dict[int, dict[str, float]]:
    X = snapshot.engine.user_items.tocsr()
    out: dict[int, dict[str, float]] = {}
    for row, user in enumerate(snapshot.user_ids.tolist()):
        cols = X.indices[X.indptr[row] : X.indptr[row + 1]]
        vals = X.data[X.indptr[row] : X.indptr[row + 1]]
        out[int(user)] = {str(snapshot.shoe_ids[c]): float(v) for c, v in zip(cols, vals, strict=True)}
    return {u: r for u, r in out.items() if r}


def test_replicas_reach_the_same_version_incrementally_or_cold(ct_settings: Settings) -> None:
    store = create_store(ct_settings)
    store.init()
    like_many(store, 30, first_user=1)
    loop = CTLoop(store, ct_settings)
    loop.start()
    v1 = store.ct_poll().version_id
    assert v1 is not None
    replica_a = follow(store, ct_settings, None, v1)  # cold: the whole log as of v1
    assert replica_a is not None
    store.record_rating(1, store.all_shoes()[0]["shoe_id"], 1)  # a like turned into a 1-star too
    like_many(store, 9, first_user=700)
    loop.step()
    v2 = store.ct_poll().version_id
    assert v2 is not None and v2 != v1
    store.record_like(999, "R001")  # after v2: must not leak into it
    warm = follow(store, ct_settings, replica_a, v2)  # replica A: only the changed runners
    cold = follow(store, ct_settings, None, v2)  # replica B, starting now
    assert warm is not None and cold is not None
    assert warm.version == cold.version == loop.snapshot.version  # type: ignore[union-attr]
    assert matrix_by_user(warm) == matrix_by_user(cold) == matrix_by_user(loop.snapshot)  # type: ignore[arg-type]
    assert 999 not in matrix_by_user(cold)
    # and they serve the same feed (the item-space engine sums its float32 tensor in another
    # order when updated than when fitted: equal to rounding; replicas mapping the published
    # artifact serve identical bytes, see test_cf_artifacts)
    scores = {s["shoe_id"]: 1.0 for s in store.all_shoes()[:2]}
    warm_feed, cold_feed = warm.recommend(1, scores, 10), cold.recommend(1, scores, 10)
    assert [(s, f) for s, _, f in warm_feed] == [(s, f) for s, _, f in cold_feed]
    np.testing.assert_allclose([v for _, v, _ in warm_feed], [v for _, v, _ in cold_feed], rtol=1e-6)


def test_a_version_the_store_does_not_hold_is_not_followed(ct_settings: Settings) -> None:
    store = create_store(ct_settings)
    store.init()
    like_many(store, 6, first_user=1)
    refused = store.record_cf_version(
        watermark=store.newest_event_id(), status="refused", mode="full", claims_through=0, figures={}
    )
    assert follow(store, ct_settings, None, refused.version_id) is None
    assert follow(store, ct_settings, None, 12345) is None
    latest = bootstrap(store, ct_settings)
    version = store.latest_cf_version()
    assert latest is not None and version is not None
    again = snapshot_at(store, ct_settings, version, latest)  # same watermark: nothing re-read
    assert again.engine is latest.engine and np.array_equal(again.user_ids, latest.user_ids)


def test_the_store_being_down_is_a_store_error(ct_settings: Settings) -> None:
    store = create_store(ct_settings)
    store.init()
    store.close()
    if store.backend == "postgres":
        store.url = "postgresql://postgres@127.0.0.1:1/none?connect_timeout=1"  # type: ignore[attr-defined]
    else:
        store.path = store.path.parent / "missing-dir" / "x" / "db"  # type: ignore[attr-defined]
        store.path.parent.parent.write_text("a file, not a directory")  # type: ignore[attr-defined]
    with pytest.raises(StoreError):
        store.ct_poll()


def test_a_cache_of_other_data_is_not_taken_for_the_version(ct_settings: Settings) -> None:
    """Same version id, other watermark (a cache left by another database): caught up, not served."""
    import dataclasses

    store = create_store(ct_settings)
    store.init()
    like_many(store, 6, first_user=1)
    served = bootstrap(store, ct_settings)
    version = store.latest_cf_version()
    assert served is not None and version is not None
    assert follow(store, ct_settings, served, version.version_id) is served
    stale = dataclasses.replace(served, last_event_id=served.last_event_id - 3)
    again = follow(store, ct_settings, stale, version.version_id)
    assert again is not None and again is not stale and again.last_event_id == version.watermark


def test_the_leading_ct_process_computes_the_online_metrics_on_its_schedule(ct_settings: Settings) -> None:
    settings = ct_settings.model_copy(update={"online_metrics_every_s": 0.2, "ct_poll_s": 0.05})
    store = create_store(settings)
    store.init()
    like_many(store, 3, first_user=1)
    from src.recommender.online_metrics import Impression

    store.record_impressions([Impression(1, time.time(), "collaborative", None, "served", ("R001",))])
    loop = CTLoop(store, settings)
    assert not loop.online_metrics_due()  # not at start-up: one interval after it
    stop = threading.Event()
    thread = threading.Thread(target=loop.run_forever, args=(stop,))
    thread.start()
    try:
        wait_until(store.online_reports, 20, "the CT loop reports online metrics")
    finally:
        stop.set()
        thread.join(timeout=20)
    reports = store.online_reports()
    assert reports and reports[0]["arms"]["served"]["runners"] == 1
