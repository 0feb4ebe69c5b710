"""The per-worker feed cache (src/serving/feed.py): TTL, size bound, and no build-up of expired
entries from runners who never read their feed."""

from __future__ import annotations

from src.serving.ranking import FeedCache, Ranking


def _ranking(last_event_id: int) -> Ranking:
    return Ranking([("R001", 1.0, 3)], 5, "v000001", last_event_id, ("R002",), 21)


def test_an_entry_is_served_until_its_ttl_then_forgotten() -> None:
    cache = FeedCache(ttl_s=10.0, max_entries=100)
    cache.put(1, 7, _ranking(7), now=100.0)
    entry = cache.get(1, now=109.9)
    assert entry is not None and entry.last_event_id == 7
    assert cache.get(1, now=110.0) is None
    assert len(cache) == 0


def test_expired_entries_leave_as_new_ones_arrive_even_if_never_read() -> None:
    cache = FeedCache(ttl_s=10.0, max_entries=1_000)
    for user_id in range(100):  # one write each at t = 0..99 s, none read again
        cache.put(user_id, 1, _ranking(1), now=float(user_id))
    # at t = 99 only the writes of the last 10 s (t > 89) are alive
    assert len(cache) == 10
    assert cache.get(89, now=99.0) is None
    assert cache.get(90, now=99.0) is not None


def test_the_size_bound_evicts_the_oldest_write_first() -> None:
    cache = FeedCache(ttl_s=1_000.0, max_entries=3)
    for user_id in (1, 2, 3):
        cache.put(user_id, 1, _ranking(1), now=0.0)
    cache.put(1, 2, _ranking(2), now=1.0)  # rewritten: now the newest
    cache.put(4, 1, _ranking(1), now=2.0)
    assert len(cache) == 3
    assert cache.get(2, now=3.0) is None  # the oldest untouched entry went
    assert [cache.get(u, now=3.0) is not None for u in (1, 3, 4)] == [True, True, True]


def test_a_zero_ttl_caches_nothing() -> None:
    cache = FeedCache(ttl_s=0.0, max_entries=100)
    cache.put(1, 1, _ranking(1), now=0.0)
    assert cache.get(1, now=0.0) is None
