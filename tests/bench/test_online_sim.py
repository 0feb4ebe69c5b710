"""The online simulation's own parts, on small generated ratings (never the evaluation dataset)."""

from __future__ import annotations

import math
from pathlib import Path

from bench.online_sim import load_ratings, ndcg_at_10, split


def test_ndcg_at_10_by_hand() -> None:
    assert ndcg_at_10(["a", "b", "c"], {"a"}) == 1.0
    # one relevant item at position 2 of 10: (1/log2 3) / 1
    assert math.isclose(ndcg_at_10(["x", "a"], {"a"}), 1 / math.log2(3))
    # two relevant, found at 1 and 3: (1 + 1/2) / (1 + 1/log2 3)
    assert math.isclose(ndcg_at_10(["a", "x", "b"], {"a", "b"}), 1.5 / (1 + 1 / math.log2(3)))
    assert ndcg_at_10(["x"] * 10, {"a"}) == 0.0 and ndcg_at_10(["a"], set()) == 0.0


def test_split_maps_the_most_rated_items_onto_the_catalog_and_hides_positives(tmp_path: Path) -> None:
    lines = []
    for user in range(1, 41):
        for item in range(1, 21):
            if (user + item) % 3:  # item 1..20, about two thirds rated by each user
                lines.append(f"{user}\t{item}\t{1 + (user * item) % 5}\t0")
    path = tmp_path / "u.data"
    path.write_text("\n".join(lines) + "\n")
    rows = load_ratings(path)
    assert len(rows) == len(lines)
    history, hidden = split(rows, ["S1", "S2", "S3", "S4", "S5"], seed=1)
    # only the 5 most-rated items become shoes
    assert {s for rs in history.values() for s, _ in rs} <= {"S1", "S2", "S3", "S4", "S5"}
    for user, shoes in hidden.items():
        assert shoes and history[user]
        seen = {s for s, _ in history[user]}
        assert not shoes & seen  # a hidden positive is never in the runner's history
    again = split(rows, ["S1", "S2", "S3", "S4", "S5"], seed=1)
    assert again == (history, hidden)  # seeded: the same split every run
