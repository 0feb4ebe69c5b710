"""Store round trips on both backends (embedded SQLite and the real PostgreSQL server).

Every test runs twice through the parametrized `store` / `store_factory` fixtures
(tests/plugins/store.py): once on a tmp SQLite file and once on a throwaway PostgreSQL database.
"""

from __future__ import annotations

import importlib.util
import multiprocessing
import threading
from pathlib import Path
from typing import Any

import pytest

from src.config import ATTRIBUTE_COLUMNS, EXTRA_COLUMNS, FEATURES, METADATA_COLUMNS, Settings
from src.store import Store, UnknownShoeError
from src.store.sqlite import SQLiteStore
from tests.plugins.store import (
    N_ROAD,
    N_TRAIL,
    SettingsFactory,
    StoreFactory,
    catalog_rows,
    write_catalog_csv,
    write_state,
)

ROAD_IDS = [f"R{i:03d}" for i in range(1, N_ROAD + 1)]
TRAIL_IDS = [f"T{i:03d}" for i in range(1, N_TRAIL + 1)]
ALL_IDS = ROAD_IDS + TRAIL_IDS


# --- catalog ------------------------------------------------------------------------------------


def test_catalog_is_seeded_road_first_then_trail(store: Store) -> None:
    shoes = store.all_shoes()
    assert [s["shoe_id"] for s in shoes] == ALL_IDS
    assert [s["shoe_id"] for s in store.shoes("road")] == ROAD_IDS
    assert [s["shoe_id"] for s in store.shoes("trail")] == TRAIL_IDS


def test_catalog_record_shape_and_values(store: Store) -> None:
    expected = {r["shoe_id"]: (r, "road") for r in catalog_rows("road", N_ROAD)}
    expected.update({r["shoe_id"]: (r, "trail") for r in catalog_rows("trail", N_TRAIL)})
    for shoe in store.all_shoes():
        source, shoe_type = expected[shoe["shoe_id"]]
        assert shoe["shoe_type"] == shoe_type
        assert set(shoe) == {
            *METADATA_COLUMNS, "shoe_type", *FEATURES[shoe_type], *ATTRIBUTE_COLUMNS, *EXTRA_COLUMNS
        }  # fmt: skip
        assert shoe["status"] == "active" and shoe["price_usd"] == source["price_usd"]
        assert shoe["provenance"]["weight_g"] == "lab" and shoe["provenance"]["release_year"] == "brand"
        assert shoe["name"] == source["name"]
        assert shoe["brand"] == source["brand"]
        assert shoe["spec_source"] == source["spec_source"]
        assert shoe["release_year"] == source["release_year"]
        assert isinstance(shoe["release_year"], int)
        for feature in FEATURES[shoe_type]:
            assert type(shoe[feature]) is float, feature
            assert shoe[feature] == pytest.approx(float(source[feature])), feature


def test_shoe_lookup_hit_and_miss(store: Store) -> None:
    hit = store.shoe("T003")
    assert hit is not None
    assert hit["shoe_id"] == "T003"
    assert hit["shoe_type"] == "trail"
    assert hit["lug_depth_mm"] == pytest.approx(4.5)  # 2.5 + 2
    assert store.shoe("R999") is None
    assert store.shoe("") is None


def test_init_is_idempotent(store: Store, store_factory: StoreFactory) -> None:
    store.record_like(1, "R001")
    store.init()
    again = store_factory()  # a second process-like instance on the same file / database
    assert [s["shoe_id"] for s in again.all_shoes()] == ALL_IDS
    assert [s["shoe_id"] for s in store.all_shoes()] == ALL_IDS
    assert again.interaction_rows() == [(1, "R001", "like", None)]


def test_catalog_change_is_reflected_on_next_init(
    store: Store, store_factory: StoreFactory, tmp_path: Path
) -> None:
    assert store.shoe("R002") is not None
    rows = catalog_rows("road", N_ROAD)
    rows[1]["name"] = "Renamed Racer"
    rows[1]["weight_g"] = 333.5
    edited = write_catalog_csv(tmp_path / "road_edited.csv", "road", rows)

    updated = store_factory(road_catalog=edited)
    shoe = updated.shoe("R002")
    assert shoe is not None
    assert shoe["name"] == "Renamed Racer"
    assert shoe["weight_g"] == pytest.approx(333.5)
    assert [s["shoe_id"] for s in updated.all_shoes()] == ALL_IDS  # updated in place, not duplicated
    assert updated.shoe("R001") == store.shoe("R001")  # untouched rows stay as they were

    reverted = store_factory()  # the original CSV again: seeded back
    assert reverted.shoe("R002")["name"] == "Test Road 2"  # type: ignore[index]
    assert len(reverted.all_shoes()) == len(ALL_IDS)


# --- likes and ratings --------------------------------------------------------------------------


def test_like_is_recorded_and_liking_twice_is_still_one_like(store: Store) -> None:
    first = store.record_like(7, "R001")
    assert first.changed is True
    assert first.event_id > 0
    assert first.ct_pending == 1
    assert first.rebuild_claimed is False
    assert first.user.rows == [("R001", "like", None)]
    assert first.user.last_event_id == first.event_id

    second = store.record_like(7, "R001")
    assert second.changed is False
    assert second.event_id == 0
    assert second.ct_pending == 1  # counter not bumped
    assert second.rebuild_claimed is False
    assert second.user.rows == [("R001", "like", None)]
    assert second.user.last_event_id == first.event_id  # no new event

    assert store.interaction_rows() == [(7, "R001", "like", None)]
    ct = store.ct_state()
    assert (ct.pending, ct.rebuilds_claimed, ct.max_event_id) == (1, 0, first.event_id)


def test_rerating_replaces_the_rating(store: Store) -> None:
    first = store.record_rating(3, "T002", 2)
    assert first.changed is True
    assert first.user.rows == [("T002", "rate", 2)]

    second = store.record_rating(3, "T002", 4)
    assert second.changed is True
    assert second.event_id > first.event_id
    assert second.ct_pending == 2
    assert second.user.rows == [("T002", "rate", 4)]
    assert store.user_state(3).rows == [("T002", "rate", 4)]
    assert store.interaction_rows() == [(3, "T002", "rate", 4)]


def test_same_rating_again_changes_nothing(store: Store) -> None:
    first = store.record_rating(3, "R004", 5)
    before = write_state(store)
    again = store.record_rating(3, "R004", 5)
    assert again.changed is False
    assert again.event_id == 0
    assert again.ct_pending == first.ct_pending
    assert again.user.last_event_id == first.event_id
    assert write_state(store) == before


@pytest.mark.parametrize(("stars", "expected"), [(5, 3.0), (4, 2.0), (3, 1.1), (2, 0.0), (1, -1.0)])
def test_like_and_rating_on_the_same_shoe_are_summed(store: Store, stars: int, expected: float) -> None:
    store.record_like(11, "R005")
    outcome = store.record_rating(11, "R005", stars)
    assert outcome.user.scores == pytest.approx({"R005": expected})
    assert store.user_state(11).scores == pytest.approx({"R005": expected})
    assert store.interaction_scores() == [(11, "R005", pytest.approx(expected))]


@pytest.mark.parametrize("action", ["like", "rate"])
def test_unknown_shoe_raises_and_writes_nothing(store: Store, action: str) -> None:
    store.record_like(1, "R001")
    before = write_state(store)
    with pytest.raises(UnknownShoeError):
        if action == "like":
            store.record_like(2, "R999")
        else:
            store.record_rating(2, "X001", 4)
    assert write_state(store) == before
    assert store.user_state(2).rows == []
    assert store.user_last_event(2) == 0
    assert store.pair_scores_changed_between(before[3], store.newest_event_id()).user_ids == []


@pytest.mark.parametrize("rating", [0, 6, -1])
def test_invalid_rating_is_rejected_before_writing(store: Store, rating: int) -> None:
    before = write_state(store)
    with pytest.raises(ValueError, match="1-5"):
        store.record_rating(4, "R001", rating)
    with pytest.raises(ValueError):  # validated before the shoe is even looked up
        store.record_rating(4, "R999", rating)
    assert write_state(store) == before
    assert store.user_state(4).rows == []


# --- reads for training -------------------------------------------------------------------------


def _record_mixed_history(store: Store) -> None:
    store.record_like(1, "R001")
    store.record_rating(1, "R001", 4)
    store.record_rating(1, "R002", 3)
    store.record_rating(2, "T001", 1)
    store.record_like(2, "T002")
    store.record_rating(2, "R003", 2)
    store.record_rating(2, "R003", 5)  # replaces the 2★
    store.record_like(3, "R005")
    store.record_like(3, "R005")  # repeated like: still one
    store.record_rating(3, "T008", 2)


# Worked by hand from DEVELOPERS.md: like +1; 5★ +2, 4★ +1, 3★ +0.1, 2★ -1, 1★ -2; summed per shoe.
EXPECTED_SCORES: dict[tuple[int, str], float] = {
    (1, "R001"): 1.0 + 1.0,
    (1, "R002"): 0.1,
    (2, "T001"): -2.0,
    (2, "T002"): 1.0,
    (2, "R003"): 2.0,
    (3, "R005"): 1.0,
    (3, "T008"): -1.0,
}


def test_interaction_scores_aggregate_per_user_and_shoe(store: Store) -> None:
    _record_mixed_history(store)
    scores = store.interaction_scores()
    assert len(scores) == len(EXPECTED_SCORES)  # one entry per (user, shoe)
    assert {(u, s): v for u, s, v in scores} == pytest.approx(EXPECTED_SCORES)


def test_interaction_scores_restricted_to_some_users(store: Store) -> None:
    _record_mixed_history(store)
    some = {(u, s): v for u, s, v in store.interaction_scores(user_ids=[2, 3, 99])}
    assert some == pytest.approx({k: v for k, v in EXPECTED_SCORES.items() if k[0] in (2, 3)})
    assert store.interaction_scores(user_ids=[99]) == []
    assert store.interaction_scores(user_ids=[]) == []
    rows = store.interaction_rows(user_ids=[1])
    assert sorted(map(tuple, rows), key=repr) == sorted(
        [(1, "R001", "like", None), (1, "R001", "rate", 4), (1, "R002", "rate", 3)], key=repr
    )


def test_user_last_event_is_monotonic_and_per_user(store: Store) -> None:
    assert store.user_last_event(5) == 0
    seen: list[int] = []
    for shoe in ("R001", "R002", "T001"):
        outcome = store.record_like(5, shoe)
        store.record_like(6, shoe)  # another user's events do not move user 5's
        assert store.user_last_event(5) == outcome.event_id
        seen.append(outcome.event_id)
    assert seen == sorted(seen)
    assert len(set(seen)) == len(seen)
    store.record_like(5, "R001")  # unchanged: no new event
    assert store.user_last_event(5) == seen[-1]
    assert store.user_state(5).last_event_id == seen[-1]
    assert store.user_last_event(6) > seen[-1]


def test_the_runners_a_window_of_events_changed(store: Store) -> None:
    """What following a version reads (`pair_scores_changed_between`): the runners with events in
    (after, upto], and no runner whose write changed nothing."""
    assert store.newest_event_id() == 0
    assert store.pair_scores_changed_between(0, 0).user_ids == []

    for user in (1, 2, 3):
        store.record_like(user, "R001")
    mark = store.newest_event_id()
    assert store.pair_scores_changed_between(0, mark).user_ids == [1, 2, 3]

    store.record_like(5, "R002")
    store.record_rating(2, "R002", 4)
    store.record_like(5, "R003")
    store.record_like(1, "R001")  # unchanged: user 1 has no new event
    newest = store.newest_event_id()
    assert newest == store.ct_state().max_event_id > mark

    assert store.pair_scores_changed_between(mark, newest).user_ids == [2, 5]
    assert store.pair_scores_changed_between(newest, newest).user_ids == []


# --- continuous-training counter ----------------------------------------------------------------


def test_ct_counter_claims_every_threshold_crossing(store_factory: StoreFactory) -> None:
    store = store_factory(ct_threshold=3)
    pendings: list[int] = []
    claims: list[bool] = []
    for i, shoe in enumerate(["R001", "R002", "R003", "R004", "R005", "R006"]):
        outcome = store.record_like(20, shoe)
        pendings.append(outcome.ct_pending)
        claims.append(outcome.rebuild_claimed)
        repeat = store.record_like(20, shoe)  # unchanged writes neither count nor claim
        assert (repeat.changed, repeat.rebuild_claimed, repeat.ct_pending) == (False, False, pendings[-1])
        assert store.ct_state().rebuilds_claimed == (i + 1) // 3
    assert pendings == [1, 2, 0, 1, 2, 0]
    assert claims == [False, False, True, False, False, True]
    state = store.ct_state()
    assert (state.pending, state.rebuilds_claimed) == (0, 2)


def test_ct_counter_is_shared_between_store_instances(store_factory: StoreFactory) -> None:
    a = store_factory(ct_threshold=3)
    b = store_factory(ct_threshold=3)  # another worker on the same store
    assert a.record_like(1, "R001").ct_pending == 1
    assert b.record_like(2, "R001").ct_pending == 2
    third = a.record_rating(3, "R001", 5)
    assert (third.ct_pending, third.rebuild_claimed) == (0, True)
    assert b.ct_state().rebuilds_claimed == 1


# --- demo seeding -------------------------------------------------------------------------------


def _demo_generator_available() -> bool:
    return importlib.util.find_spec("src.demo_data") is not None


needs_demo = pytest.mark.skipif(
    not _demo_generator_available(),
    reason="src.demo_data (generate_demo_interactions) is not importable yet",
)


def test_no_demo_data_unless_enabled(store: Store) -> None:
    assert store.interaction_rows() == []
    assert store.ct_state().max_event_id == 0


@needs_demo
def test_demo_seeding_when_enabled_and_only_once(store_factory: StoreFactory) -> None:
    store = store_factory(seed_demo_interactions=True, demo_users=12)
    rows = store.interaction_rows()
    assert rows, "demo seeding produced no interactions"
    users = {u for u, *_ in rows}
    assert 1 <= len(users) <= 12
    assert {s for _, s, *_ in rows} <= set(ALL_IDS)
    assert all(a in ("like", "rate") for _, _, a, _ in rows)
    assert all(v in (1, 2, 3, 4, 5) for _, _, a, v in rows if a == "rate")
    before = write_state(store)
    assert before[3] > 0  # seeded interactions are in the event log too
    assert before[1:3] == (0, 0)  # ... but do not count towards continuous training

    store.init()
    again = store_factory(seed_demo_interactions=True, demo_users=12)
    assert write_state(store) == before
    assert write_state(again) == before


@needs_demo
def test_demo_seeding_default_depends_on_backend(store_factory: StoreFactory) -> None:
    # None = seed the embedded store only; never a real PostgreSQL by accident.
    store = store_factory(seed_demo_interactions=None, demo_users=5)
    rows = store.interaction_rows()
    if store.backend == "sqlite":
        assert rows
    else:
        assert rows == []


# --- concurrency --------------------------------------------------------------------------------

N_THREADS = 8
PER_THREAD = 25
CT_THRESHOLD = 10


def _writes(worker: int) -> list[tuple[int, str]]:
    """PER_THREAD distinct (user, shoe) pairs per worker, distinct across workers too."""
    return [(1000 * (worker + 1) + k, ALL_IDS[(worker + k) % len(ALL_IDS)]) for k in range(PER_THREAD)]


def test_concurrent_threads_lose_no_update_and_claim_exactly(store_factory: StoreFactory) -> None:
    store = store_factory(ct_threshold=CT_THRESHOLD, db_pool_size=N_THREADS, db_timeout_s=30.0)
    barrier = threading.Barrier(N_THREADS)
    results: list[list[Any]] = [[] for _ in range(N_THREADS)]
    errors: list[BaseException] = []

    def run(worker: int) -> None:
        try:
            barrier.wait()
            for i, (user, shoe) in enumerate(_writes(worker)):
                if i % 2:
                    results[worker].append(store.record_like(user, shoe))
                else:
                    results[worker].append(store.record_rating(user, shoe, 1 + i % 5))
        except BaseException as exc:
            errors.append(exc)
        finally:
            if isinstance(store, SQLiteStore):
                store.close()  # closes this thread's connection

    threads = [threading.Thread(target=run, args=(w,)) for w in range(N_THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []

    outcomes = [o for per in results for o in per]
    total = N_THREADS * PER_THREAD
    assert len(outcomes) == total
    assert all(o.changed for o in outcomes)
    assert len({o.event_id for o in outcomes}) == total  # every write got its own event
    assert sum(o.rebuild_claimed for o in outcomes) == total // CT_THRESHOLD  # no stampede
    assert len(store.interaction_rows()) == total  # no lost update
    state = store.ct_state()
    assert state.rebuilds_claimed == total // CT_THRESHOLD
    assert state.pending == total % CT_THRESHOLD
    assert state.max_event_id == max(o.event_id for o in outcomes)
    assert len(store.pair_scores_changed_between(0, state.max_event_id).user_ids) == total


N_PROCESSES = 3


def _process_worker(settings: Settings, worker: int, barrier: Any, queue: Any) -> None:
    store = SQLiteStore(settings)
    try:
        barrier.wait(timeout=60)
        outcomes = [store.record_like(user, shoe) for user, shoe in _writes(worker)]
        queue.put((worker, [(o.event_id, o.changed, o.rebuild_claimed) for o in outcomes], None))
    except BaseException as exc:
        queue.put((worker, [], repr(exc)))
    finally:
        store.close()


@pytest.mark.slow
def test_sqlite_concurrent_processes_exact_counts(settings_factory: SettingsFactory) -> None:
    settings = settings_factory(ct_threshold=CT_THRESHOLD, db_timeout_s=30.0)
    parent = SQLiteStore(settings)
    parent.init()
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(N_PROCESSES)
    queue = ctx.Queue()
    procs = [
        ctx.Process(target=_process_worker, args=(settings, w, barrier, queue)) for w in range(N_PROCESSES)
    ]
    for p in procs:
        p.start()
    reports = [queue.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    assert [err for _, _, err in reports if err] == []

    outcomes = [o for _, per, _ in reports for o in per]
    total = N_PROCESSES * PER_THREAD
    assert len(outcomes) == total
    assert all(changed for _, changed, _ in outcomes)
    assert len({event_id for event_id, _, _ in outcomes}) == total
    assert sum(claimed for _, _, claimed in outcomes) == total // CT_THRESHOLD
    assert len(parent.interaction_rows()) == total
    state = parent.ct_state()
    assert (state.pending, state.rebuilds_claimed, state.max_event_id) == (
        total % CT_THRESHOLD,
        total // CT_THRESHOLD,
        total,
    )
    parent.close()


def test_nearest_runners_are_ranked_by_the_cosine_of_their_liked_shoes(store: Store) -> None:
    from src.store.base import Store as StoreBase

    for user, shoes in ((1, ("R001", "R002")), (2, ("R001", "R002")), (3, ("R001", "R003", "R004"))):
        for shoe in shoes:
            store.record_like(user, shoe)
    store.record_rating(4, "R001", 3)  # 3 stars: not a liked shoe
    store.record_rating(5, "R002", 5)
    expected = [(2, 1.0, 2), (5, round(1 / 2**0.5, 4), 1), (3, round(1 / 6**0.5, 4), 1)]
    assert store.nearest_runners(1) == expected
    assert StoreBase.nearest_runners(store, 1) == expected  # the row-reading default agrees
    assert store.nearest_runners(1, limit=1) == expected[:1]
    assert store.nearest_runners(99) == []
