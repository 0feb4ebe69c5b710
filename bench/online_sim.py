"""Online evaluation, proven on simulated runners: do the online metrics rank two engine arms as their
offline NDCG does, with intervals that shrink as traffic grows?

- True tastes: MovieLens-100K (evaluation only; read from --ratings, never copied into the repo).
  The catalog's shoes stand in for the most-rated movies (the i-th most-rated movie is the i-th shoe).
  Each ML user's ratings of those are split at random: 80 % are loaded into the service as their
  history (ratings with their stars), the held-out 20 % rated >= 4 are what the runner secretly likes.
- Two arms of the real service (EXPERIMENT_ARMS), each runner in one by the stable hash; their
  offline NDCG@10 on the held-out positives is measured with the same snapshots the service serves.
- Runners: --clones runners per ML user (their tastes drawn from the 904 held-out users, each hashed
  to an arm on its own id). The published CF version holds the ML users' histories; the runners
  arrive after it with the same history and are served like any new runner (their rows folded into
  the engine), so every runner, and the offline NDCG, goes through the same serving path.
- Traffic through the real service (FastAPI TestClient, in-process, embedded SQLite): each runner
  opens their feed (10 shoes) and likes a shown shoe they secretly like with a position-biased
  probability (0.9 / log2(position + 1)); --rounds > 1 reads the page the last like returned too.
  Impressions are recorded by the service itself; the metrics come from GET /v1/admin/online-metrics.

    python -m bench.online_sim --ratings /work/shared/datasets/movielens-100k/u.data
"""

from __future__ import annotations

import argparse
import json
import math
import random
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

DEFAULT_RATINGS = Path("/work/shared/datasets/movielens-100k/u.data")
RESULTS = Path(__file__).resolve().parent / "results"
ADMIN = {"Authorization": "Bearer sim"}
ARMS: dict[str, dict[str, float]] = {"served": {}, "item_led": {"item_weight": 1.0}}


def load_ratings(path: Path) -> list[tuple[int, int, int]]:
    rows = []
    with path.open() as f:
        for line in f:
            user, item, stars, _ = line.split("\t")
            rows.append((int(user), int(item), int(stars)))
    return rows


def split(
    rows: list[tuple[int, int, int]], shoe_ids: list[str], seed: int, test_share: float = 0.2
) -> tuple[dict[int, list[tuple[str, int]]], dict[int, set[str]]]:
    """(history per runner: (shoe, stars); held-out positives per runner)."""
    counts: dict[int, int] = defaultdict(int)
    for _, item, _ in rows:
        counts[item] += 1
    top = sorted(counts, key=lambda i: (-counts[i], i))[: len(shoe_ids)]
    shoe_of = {item: shoe_ids[i] for i, item in enumerate(top)}
    rng = random.Random(seed)
    history: dict[int, list[tuple[str, int]]] = defaultdict(list)
    hidden: dict[int, set[str]] = defaultdict(set)
    for user, item, stars in rows:
        if item not in shoe_of:
            continue
        if rng.random() < test_share:
            if stars >= 4:
                hidden[user].add(shoe_of[item])
        else:
            history[user].append((shoe_of[item], stars))
    runners = {u for u in hidden if history.get(u)}
    return {u: history[u] for u in history}, {u: hidden[u] for u in runners}


def ndcg_at_10(ranked: list[str], relevant: set[str]) -> float:
    dcg = sum(1 / math.log2(i + 2) for i, s in enumerate(ranked[:10]) if s in relevant)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(10, len(relevant))))
    return dcg / ideal if ideal else 0.0


def offline_ndcg(feed: Any, hidden: dict[int, set[str]], runner_of: dict[int, int]) -> dict[str, float]:
    """NDCG@10 of each arm's served snapshot on every taste (one runner of each, whatever its arm),
    ranked exactly as the feed ranks a runner."""
    snapshots = {feed.versions.arms.default_arm: feed.snapshot, **feed.versions._arm_snapshots}
    out = {}
    for arm, snapshot in snapshots.items():
        total = 0.0
        for user, relevant in hidden.items():
            runner = runner_of[user]
            state = feed.store.user_state(runner)
            items, _ = snapshot.recommend_with_evidence(runner, state.scores, 10)
            total += ndcg_at_10([s for s, _, _ in items], relevant)
        out[arm] = total / len(hidden)
    return out


def runner_id(ml_user: int, clone: int) -> int:
    return 1_000_000 + clone * 10_000 + ml_user


def add_runners(
    path: Path, history: dict[int, list[tuple[str, int]]], tastes: list[int], clones: int
) -> None:
    """The runners' histories, written straight into the embedded store's tables (a bulk load: the
    interaction API would take minutes for ~10^5 ratings on this machine). After the CF version: the
    runners are new to it, as real newcomers are."""
    import sqlite3

    rows = [
        (runner_id(u, c), shoe, stars, "2000-01-01T00:00:00+00:00")
        for c in range(clones)
        for u in tastes
        for shoe, stars in history[u]
    ]
    with sqlite3.connect(path) as conn:
        conn.executemany(
            "INSERT INTO reviews (user_id, shoe_id, rating, created_at) VALUES (?, ?, ?, ?)", rows
        )
        conn.executemany(
            "INSERT INTO interaction_events (user_id, shoe_id, action_type, value, created_at)"
            " VALUES (?, ?, 'rate', ?, ?)",
            rows,
        )


def session(client: Any, user: int, relevant: set[str], rng: random.Random, rounds: int) -> int:
    """One runner reads their feed and likes what they secretly like; returns the likes."""
    page = client.get(f"/v1/recommend/feed/{user}?limit=10").json().get("data", [])
    liked: set[str] = set()
    for _ in range(rounds):
        returned = None
        for position, item in enumerate(page, start=1):
            shoe = item["shoe_id"]
            if shoe in relevant and shoe not in liked and rng.random() < 0.9 / math.log2(position + 1):
                r = client.post(
                    "/v1/interact", json={"user_id": user, "shoe_id": shoe, "action_type": "like"}
                )
                liked.add(shoe)
                returned = r.json().get("data", [])
        if returned is None:
            break
        page = returned[:10]
    return len(liked)


def arm_view(report: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for arm, m in report["arms"].items():
        pfr = m["positive_feedback_rate"]
        hit = m["hit_rate_at_10"]
        out[arm] = {
            "runners": m["runners"],
            "pfr": pfr["value"],
            "pfr_ci95": pfr["ci95"],
            "pfr_ci_width": round(pfr["ci95"][1] - pfr["ci95"][0], 6) if pfr["ci95"] else None,
            "hit_rate_at_10": hit["value"],
            "hit_ci95": hit["ci95"],
            "hit_position": m["hit_position"]["value"],
            "coverage": m["catalog_coverage"]["value"],
            "popular_only_share": m["popular_only_share"]["value"],
        }
    return out


def run(
    ratings: Path, seed: int, checkpoints: int, arms: dict[str, dict[str, float]], clones: int, rounds: int
) -> dict[str, Any]:
    from fastapi.testclient import TestClient

    from src.app import create_app
    from src.config import Settings
    from src.store import create_store

    tmp = Path(tempfile.mkdtemp(prefix="online_sim_"))
    settings = Settings(
        sqlite_path=tmp / "sim.sqlite3",
        artifacts_dir=tmp / "artifacts",
        seed_demo_interactions=False,
        ct_threshold=10_000_000,
        admin_token="sim",
        experiment_name="online-sim",
        experiment_arms=arms,
        experiment_min_runners=100,
        impression_flush_s=0.5,
        feed_size=10,
        feed_cache_ttl_s=0,
        write_rate_limit_per_min=None,
        log_json=False,
        log_level="WARNING",
    )
    store = create_store(settings)
    store.init()
    shoe_ids = [s["shoe_id"] for s in store.all_shoes()]
    history, hidden = split(load_ratings(ratings), shoe_ids, seed)
    t0 = time.perf_counter()
    for user, rows in history.items():
        for shoe, stars in rows:
            store.record_rating(user, shoe, stars)
    store.close()

    with TestClient(create_app(settings, initialize=True)) as client:  # publishes the CF version
        tastes = sorted(hidden)
        add_runners(settings.sqlite_path, history, tastes, clones)
        load_s = time.perf_counter() - t0
        feed = client.app.state.feed  # type: ignore[attr-defined]
        offline = offline_ndcg(feed, hidden, {u: runner_id(u, 0) for u in tastes})
        taste_of = {runner_id(u, c): u for c in range(clones) for u in tastes}
        runners = sorted(taste_of)
        random.Random(seed).shuffle(runners)
        rng = random.Random(seed + 1)
        steps = []
        per_step = math.ceil(len(runners) / checkpoints)
        t1 = time.perf_counter()
        likes = 0
        for k in range(checkpoints):
            for user in runners[k * per_step : (k + 1) * per_step]:
                likes += session(client, user, hidden[taste_of[user]], rng, rounds)
            report = client.get("/v1/admin/online-metrics?fresh=true&history=0", headers=ADMIN).json()[
                "latest"
            ]
            steps.append(
                {
                    "runners_so_far": min(len(runners), (k + 1) * per_step),
                    "impressions": report["impressions"],
                    "arms": arm_view(report),
                    "comparison": report["comparison"],
                }
            )
        traffic_s = time.perf_counter() - t1
    final = steps[-1]
    online_order = sorted(final["arms"], key=lambda a: -final["arms"][a]["pfr"])
    offline_order = sorted(offline, key=lambda a: -offline[a])
    widths = {arm: [s["arms"][arm]["pfr_ci_width"] for s in steps if arm in s["arms"]] for arm in offline}
    return {
        "dataset": "MovieLens-100K (u.data), most-rated movies mapped onto the catalog",
        "catalog_size": len(shoe_ids),
        "tastes": len(hidden),
        "clones": clones,
        "rounds": rounds,
        "runners": len(hidden) * clones,
        "history_ratings": sum(len(r) for r in history.values()),
        "seed": seed,
        "arms": arms,
        "offline_ndcg_at_10": {a: round(v, 4) for a, v in offline.items()},
        "offline_ndcg_difference": round(offline[offline_order[0]] - offline[offline_order[1]], 4),
        "steps": steps,
        "likes": likes,
        "online_order": online_order,
        "offline_order": offline_order,
        "same_order": online_order == offline_order,
        "ci_widths_shrink": all(w[i + 1] <= w[i] for w in widths.values() for i in range(len(w) - 1)),
        "separated": bool(final["comparison"]["significant"])
        and final["comparison"]["leader"] == offline_order[0],
        "load_s": round(load_s, 1),
        "traffic_s": round(traffic_s, 1),
    }


def markdown(result: dict[str, Any]) -> str:
    lines = [
        "# Online evaluation simulation (bench/online_sim.py)",
        "",
        f"{result['runners']} runners ({result['clones']} per taste of {result['tastes']} ML-100K users with"
        f" held-out positives), catalog {result['catalog_size']}, {result['history_ratings']} history ratings"
        f" per taste set, {result['rounds']} page round(s) per runner, seed {result['seed']},"
        f" {result['likes']} likes given.",
        "",
        "| arm | engine params | offline NDCG@10 |",
        "|---|---|---|",
    ]
    for arm, ndcg in result["offline_ndcg_at_10"].items():
        lines.append(f"| {arm} | `{json.dumps(result['arms'][arm])}` | {ndcg:.4f} |")
    lines += [
        "",
        "| runners so far | arm | runners in arm | positive-feedback rate [95 % CI] | CI width | hit rate@10 [95 % CI] |"
        " mean hit position | coverage | popular-only |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for step in result["steps"]:
        for arm, m in step["arms"].items():
            pci = m["pfr_ci95"] or [float("nan")] * 2
            hci = m["hit_ci95"] or [float("nan")] * 2
            lines.append(
                f"| {step['runners_so_far']} | {arm} | {m['runners']} | {m['pfr']:.4f} [{pci[0]:.4f}, {pci[1]:.4f}] |"
                f" {m['pfr_ci_width']:.4f} | {m['hit_rate_at_10']:.3f} [{hci[0]:.3f}, {hci[1]:.3f}] |"
                f" {m['hit_position'] or float('nan'):.2f} | {m['coverage']:.3f} | {m['popular_only_share']:.3f} |"
            )
        lines.append(f"| | **verdict** | | {step['comparison']['statement']} | | | | | |")
    lines += [
        "",
        f"- offline order {result['offline_order']}, online order {result['online_order']}: "
        f"same = {result['same_order']}",
        f"- offline NDCG difference {result['offline_ndcg_difference']:.4f}; separated (significant, right leader) = "
        f"{result['separated']}; CI widths shrink at every step = {result['ci_widths_shrink']}",
        f"- loading {result['load_s']} s, traffic {result['traffic_s']} s (in-process TestClient)",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ratings", type=Path, default=DEFAULT_RATINGS, help="ML-100K u.data")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--checkpoints", type=int, default=4)
    parser.add_argument("--clones", type=int, default=10, help="runners per ML-100K taste")
    parser.add_argument("--rounds", type=int, default=1, help="pages a runner acts on (1: the feed only)")
    parser.add_argument("--arms", type=json.loads, default=ARMS, help="EXPERIMENT_ARMS as JSON (two arms)")
    parser.add_argument("--out", type=Path, default=RESULTS / "online_sim")
    args = parser.parse_args()
    result = run(args.ratings, args.seed, args.checkpoints, args.arms, args.clones, args.rounds)
    args.out.with_suffix(".json").write_text(json.dumps(result, indent=2) + "\n")
    args.out.with_suffix(".md").write_text(markdown(result))
    print(markdown(result))


if __name__ == "__main__":
    main()
