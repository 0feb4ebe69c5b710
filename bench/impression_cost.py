"""What recording impressions costs a request, measured in-process (no HTTP, no load generator), so
the small difference is not lost in the noise of a shared machine.

Two FeedServices on one embedded store (the demo runners), one recording impressions (its writer
thread running and flushing every IMPRESSION_FLUSH_S as in production) and one not, timed in
alternating rounds on the two calls the issue names: a warm feed page (a cache hit, the cheapest
request and so the largest relative cost) and a like with the feed it returns. Best round per side.
Then the writer thread's own cost: flushing 1,000 buffered pages of 20 shoes, per page.

    python -m bench.impression_cost [--rounds 7] [--calls 2000]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


def main() -> None:
    from src.config import Settings
    from src.engine.versions import sync_cache
    from src.serving.feed import FeedService
    from src.serving.feed_pages import FeedPage, feed_body
    from src.store import create_store

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--out", type=Path, default=RESULTS / "impression_cost.json")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="impression_cost_"))
    base: dict[str, Any] = {
        "sqlite_path": tmp / "s.sqlite3",
        "artifacts_dir": tmp / "artifacts",
        "ct_threshold": 10_000_000,
        "log_json": False,
    }
    store = create_store(Settings(**base))
    store.init()
    from src.ct.rebuild import bootstrap

    bootstrap(store, Settings(**base))
    snapshot = sync_cache(store, Settings(**base))
    services = {
        "off": FeedService(Settings(**base, impressions_enabled=False), store, snapshot),
        "on": FeedService(Settings(**base, impressions_enabled=True), store, snapshot),
    }
    services["on"].impressions.start()  # type: ignore[union-attr]
    page = FeedPage(20)
    users = list(range(1, 201))
    for service in services.values():  # warm both caches
        for user in users:
            feed_body(service, {}, user, page)

    def feed_round(service: FeedService) -> float:
        t0 = time.perf_counter()
        for i in range(args.calls):
            feed_body(service, {}, users[i % len(users)], page)
        return (time.perf_counter() - t0) / args.calls * 1e6

    shoes = [s["shoe_id"] for s in store.all_shoes()]
    counter = {"off": 0, "on": 0}

    def like_round(service: FeedService, name: str) -> float:
        t0 = time.perf_counter()
        n = args.calls // 4
        for _ in range(n):
            k = counter[name]
            counter[name] += 1
            user = (300_000 if name == "on" else 200_000) + k // 5
            outcome = store.record_like(user, shoes[(k * 7) % len(shoes)])
            service.after_write(user, outcome.user)
        return (time.perf_counter() - t0) / n * 1e6

    best: dict[str, dict[str, float]] = {"feed": {}, "interact": {}}
    for r in range(args.rounds):
        order = ("off", "on") if r % 2 == 0 else ("on", "off")
        for name in order:
            us = feed_round(services[name])
            best["feed"][name] = min(best["feed"].get(name, us), us)
        for name in order:
            us = like_round(services[name], name)
            best["interact"][name] = min(best["interact"].get(name, us), us)
    recorded = services["on"].impressions
    recorded.close()  # type: ignore[union-attr]
    # the writer thread's side: one flush of a second's worth of pages at ~1,000 pages/s
    from src.serving.impressions import ImpressionBuffer

    writer = ImpressionBuffer(store, 10_000, 60)
    flush_us = []
    ranked = services["on"].ranking(1)
    shoes_shown = tuple(item[0] for item in ranked.items[:20]) if ranked else tuple(shoes[:20])
    for r in range(5):
        for i in range(1000):  # other runners each round: a runner's same page again is not buffered
            writer.add(400_000 + 1000 * r + i, "collaborative", "v000001", "served", shoes_shown)
        t0 = time.perf_counter()
        writer.flush()
        flush_us.append((time.perf_counter() - t0) / 1000 * 1e6)
    result = {
        "unit": "microseconds per call, best of rounds, in-process",
        "rounds": args.rounds,
        "calls": args.calls,
        **{
            call: {
                "off_us": round(v["off"], 1),
                "on_us": round(v["on"], 1),
                "overhead": round(v["on"] / v["off"] - 1, 4),
                "throughput_ratio": round(v["off"] / v["on"], 4),
            }
            for call, v in best.items()
        },
        "flush_us_per_page": round(min(flush_us), 1),
        "impressions_recorded": recorded.recorded,  # type: ignore[union-attr]
        "impressions_dropped": recorded.dropped,  # type: ignore[union-attr]
    }
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
