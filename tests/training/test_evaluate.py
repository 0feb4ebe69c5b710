from __future__ import annotations

import json
from math import log2
from pathlib import Path

import numpy as np
import pytest
from scipy.sparse import csr_matrix

from src.recommender.baselines import EASERecommender, PopularityRecommender
from src.recommender.collaborative_filtering import UserCollaborativeRecommender
from src.recommender.evaluation import dcg_at_k, evaluate_model, ndcg_at_k, ranking_metrics, split_holdout
from src.recommender.scores import stars_to_score
from src.training.evaluate import evaluate_all, load_ratings, main

ML100K = Path("/work/shared/datasets/movielens-100k/u.data")


def test_stars_to_score() -> None:
    stars = np.array([5, 4.5, 4, 3.5, 3, 2.5, 2, 1.5, 1, 0.5])
    np.testing.assert_array_equal(
        stars_to_score(stars), [2.0, 2.0, 1.0, 1.0, 0.1, 0.1, -1.0, -1.0, -2.0, -2.0]
    )


def _protocol_matrix() -> csr_matrix:
    D = np.zeros((5, 12))
    D[0, [0, 2, 4, 6, 8]] = [2, 1, 2, 1, 2]  # 5 positives -> 1 held out
    D[0, [1, 3]] = [0.1, -1]  # non-positives stay in train
    D[1, [0, 1, 2, 3]] = 2  # 4 positives -> not evaluated
    D[2, :12] = 1.0  # 12 positives -> round(2.4) = 2 held out
    D[3, [5, 6, 7, 8, 9, 10, 11]] = [1, 1, 1, 1, 1, 1, 0.5]  # 0.5 is not a positive: 6 -> 1
    D[4, [0, 1, 2, 3, 4, 5, 6, 7]] = [2, 2, 2, 2, 2, 2, 2, 2]  # 8 -> round(1.6) = 2
    return csr_matrix(D)


def test_split_invariants() -> None:
    X = _protocol_matrix()
    train, test = split_holdout(X)
    assert sorted(test) == [0, 2, 3, 4]
    assert {u: len(v) for u, v in test.items()} == {0: 1, 2: 2, 3: 1, 4: 2}
    D = X.toarray()
    T = train.toarray()
    rebuilt = T.copy()
    for u, items in test.items():
        assert np.all(D[u, items] > 0.5)  # held-out items were positives
        assert np.all(T[u, items] == 0)
        rebuilt[u, items] = D[u, items]
    np.testing.assert_array_equal(rebuilt, D)  # train + test = original
    assert train.nnz + sum(len(v) for v in test.values()) == X.nnz
    assert T[0, 1] == 0.1 and T[0, 3] == -1  # non-positive interactions are training
    assert T[3, 11] == 0.5


def test_split_follows_the_rng_draws() -> None:
    X = _protocol_matrix()
    _, test = split_holdout(X)
    # one rng for the whole split, users ascending, positives in ascending item order
    rng = np.random.default_rng(42)
    expected = {
        0: np.array([0, 2, 4, 6, 8])[rng.choice(5, 1, replace=False)],
        2: np.arange(12)[rng.choice(12, 2, replace=False)],
        3: np.array([5, 6, 7, 8, 9, 10])[rng.choice(6, 1, replace=False)],
        4: np.arange(8)[rng.choice(8, 2, replace=False)],
    }
    for u, items in expected.items():
        np.testing.assert_array_equal(test[u], np.sort(items))
    # golden values pin numpy's Generator stream (numpy 2.x PCG64)
    golden = {u: v.tolist() for u, v in test.items()}
    assert golden == {0: [0], 2: [7, 8], 3: [7], 4: [0, 6]}, golden


def test_split_with_other_seed_differs_but_keeps_sizes() -> None:
    X = _protocol_matrix()
    _, a = split_holdout(X, seed=42)
    _, b = split_holdout(X, seed=7)
    assert {u: len(v) for u, v in a.items()} == {u: len(v) for u, v in b.items()}


def test_metrics_by_hand() -> None:
    ranked = [5, 1, 9, 2]
    relevant = {1, 2, 7}
    # hits at ranks 1 and 3 (0-based): DCG = 1/log2(3) + 1/log2(5)
    dcg = 1 / log2(3) + 1 / log2(5)
    assert dcg_at_k(ranked, relevant, 10) == pytest.approx(dcg)
    idcg = 1 + 1 / log2(3) + 1 / log2(4)
    assert ndcg_at_k(ranked, relevant, 10) == pytest.approx(dcg / idcg)
    m = ranking_metrics(ranked, relevant, 10)
    assert m["precision"] == pytest.approx(2 / 10)
    assert m["recall"] == pytest.approx(2 / 3)
    assert m["hit_rate"] == 1.0
    # ideal DCG over min(k, |relevant|): one relevant item at rank 0 -> NDCG 1
    assert ndcg_at_k([7, 1], {7}, 10) == pytest.approx(1.0)
    # cut at k
    assert ndcg_at_k([0, 1, 2], {2}, 2) == 0.0
    assert ranking_metrics([], {1}, 10) == {"precision": 0.0, "recall": 0.0, "ndcg": 0.0, "hit_rate": 0.0}


class _Fixed(PopularityRecommender):
    """Recommends a fixed list (for an end-to-end metric check)."""

    def __init__(self, ranking: dict[int, list[int]]) -> None:
        self.ranking = ranking

    def fit(self, user_items: csr_matrix) -> _Fixed:
        return self

    def recommend(self, userid, user_items_row, N=10):  # type: ignore[no-untyped-def]
        ids = np.array(self.ranking[userid][:N])
        return ids, -np.arange(ids.size, dtype=float)


def test_evaluate_model_averages() -> None:
    train = csr_matrix(np.ones((2, 10)))
    test = {0: np.array([1]), 1: np.array([2, 3])}
    model = _Fixed({0: [1, 0], 1: [0, 3]})
    r = evaluate_model(model, train, test, N=2)
    assert r["precision"] == pytest.approx((1 / 2 + 1 / 2) / 2)
    assert r["recall"] == pytest.approx((1 + 1 / 2) / 2)
    assert r["ndcg"] == pytest.approx((1 + (1 / log2(3)) / (1 + 1 / log2(3))) / 2)
    assert r["hit_rate"] == 1.0
    assert r["coverage"] == pytest.approx(3 / 10)
    assert r["users"] == 2
    sub = evaluate_model(model, train, test, N=2, max_users=1)
    assert sub["users"] == 1


def test_loaders(tmp_path: Path) -> None:
    ml = tmp_path / "u.data"
    ml.write_text("10\t5\t5\t1\n2\t5\t1\t2\n10\t30\t3\t3\n2\t7\t4\t4\n")
    X, users, items = load_ratings(ml, "movielens")
    assert users.tolist() == [2, 10]  # numeric ids sorted numerically
    assert items.tolist() == [5, 7, 30]
    np.testing.assert_array_equal(X.toarray(), [[-2.0, 1.0, 0.0], [2.0, 0.0, 0.1]])

    csv = tmp_path / "ratings.csv"
    csv.write_text("userId,movieId,rating,timestamp\n1,100,4.5,9\n1,20,2.5,9\n3,20,1.5,9\n1,100,0.5,9\n")
    X, users, items = load_ratings(csv, "csv")
    assert users.tolist() == [1, 3]
    assert items.tolist() == [20, 100]
    # (1, 100) appears twice: summed like the store (+2 + -2)
    np.testing.assert_array_equal(X.toarray(), [[0.1, 0.0], [-1.0, 0.0]])
    assert X.nnz == 3  # the summed zero stays stored: it was an interaction

    bad = tmp_path / "bad.csv"
    bad.write_text("user,item\n1,2\n")
    with pytest.raises(ValueError):
        load_ratings(bad, "csv")


def _synthetic(seed: int = 0) -> csr_matrix:
    rng = np.random.default_rng(seed)
    D = np.where(rng.random((60, 25)) < 0.35, rng.choice([2.0, 1.0, 0.1, -1.0], size=(60, 25)), 0.0)
    return csr_matrix(D)


def test_evaluate_all_and_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    X = _synthetic()
    rows = evaluate_all(X)
    names = [r["model"] for r in rows]
    assert names[0].startswith("engine")
    assert any("EASE" in n for n in names) and "popularity" in names
    for r in rows:
        assert 0.0 <= r["ndcg"] <= 1.0 and 0.0 <= r["coverage"] <= 1.0
        json.dumps(r)

    ml = tmp_path / "u.data"
    D = X.toarray()
    lines = [
        f"{u + 1}\t{i + 1}\t{5 if D[u, i] > 1.5 else 4 if D[u, i] > 0.5 else 3 if D[u, i] > 0 else 2}\t0"
        for u, i in zip(*np.nonzero(D), strict=True)
    ]
    ml.write_text("\n".join(lines) + "\n")
    assert main(["--ratings", str(ml), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["users"] == 60 and len(out["rows"]) == len(rows)
    assert main(["--ratings", str(ml)]) == 0
    assert "| model |" in capsys.readouterr().out


def test_recall_at_20_uses_the_same_ranking() -> None:
    X = _synthetic(2)
    train, test = split_holdout(X)
    at10 = evaluate_model(EASERecommender(l2=10.0), train, test)
    both = evaluate_model(EASERecommender(l2=10.0), train, test, recall_k=20)
    for key in ("precision", "recall", "ndcg", "hit_rate", "coverage"):
        assert both[key] == at10[key]  # the @10 metrics come from the first 10 of the 20
    assert at10["recall"] <= both["recall@20"] <= 1.0
    assert both["recall@20"] > at10["recall"]  # 25 items, ~9 positives per user: more hits at 20


def test_served_engine_is_evaluated_with_backfill() -> None:
    X = _synthetic(1)
    train, test = split_holdout(X)
    r = evaluate_model(UserCollaborativeRecommender(), train, test)
    assert r["users"] == len(test) and r["ndcg"] > 0


@pytest.mark.skipif(not ML100K.exists(), reason=f"MovieLens 100K not present at {ML100K}")
def test_movielens_100k_reference_numbers() -> None:
    X, _, _ = load_ratings(ML100K, "movielens")
    train, test = split_holdout(X)
    assert len(test) == 943 or len(test) > 900
    first = evaluate_model(UserCollaborativeRecommender.as_first_described(), train, test)
    ease = evaluate_model(EASERecommender(l2=250.0), train, test)
    engine = evaluate_model(UserCollaborativeRecommender(), train, test)
    assert first["ndcg"] == pytest.approx(0.325, abs=0.002)
    assert ease["ndcg"] == pytest.approx(0.393, abs=0.002)
    assert engine["ndcg"] > first["ndcg"] + 0.03
