from __future__ import annotations

import json
import unittest
from math import sqrt

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse import random as sparse_random

from src.recommender.baselines import EASERecommender
from src.recommender.collaborative_filtering import (
    UserCollaborativeRecommender,
    aggregation_values,
    blend_scores,
    item_l2_for_density,
    liked_rows_sum,
    popularity_order,
    similarity_values,
)
from tests.plugins.recommender import RecommenderTestMixin

# 4 users x 5 items. Positives (score > 0.5) make the similarity; user 3 dislikes item 2.
HAND = np.array(
    [
        [1.0, 2.0, 0.0, 0.0, 0.0],  # u0: {0, 1}
        [1.0, 1.0, 1.0, 0.0, 0.0],  # u1: {0, 1, 2}
        [0.0, 1.0, 0.0, 1.0, 0.0],  # u2: {1, 3}
        [0.0, 1.0, -2.0, 0.0, 1.0],  # u3: {1, 4}, dislikes 2
    ]
)


def plain(**kw: object) -> UserCollaborativeRecommender:
    """Cosine on binary positives, linear aggregation: every value below is a hand fraction."""
    params: dict[str, object] = dict(
        k=3, alpha=1.0, idf_exponent=0.0, norm_exponent=1.0, popularity_damping=0.0,
        neutral_weight=0.0, negative_weight=1.0, item_weight=0.0,
    )  # fmt: skip
    params.update(kw)
    return UserCollaborativeRecommender(**params)  # type: ignore[arg-type]


def row(values: list[float]) -> csr_matrix:
    return csr_matrix(np.array([values]))


class EngineMixinTest(RecommenderTestMixin, unittest.TestCase):
    def _get_model(self) -> UserCollaborativeRecommender:
        return UserCollaborativeRecommender()


class UserKNNAloneMixinTest(RecommenderTestMixin, unittest.TestCase):
    def _get_model(self) -> UserCollaborativeRecommender:
        return UserCollaborativeRecommender(item_weight=0.0)


class ItemComponentOnlyMixinTest(RecommenderTestMixin, unittest.TestCase):
    def _get_model(self) -> UserCollaborativeRecommender:
        return UserCollaborativeRecommender(item_weight=1.0)


class FirstDescribedMixinTest(RecommenderTestMixin, unittest.TestCase):
    def _get_model(self) -> UserCollaborativeRecommender:
        return UserCollaborativeRecommender.as_first_described()


class HandComputedTest(unittest.TestCase):
    def setUp(self) -> None:
        self.X = csr_matrix(HAND)

    def test_neighbour_similarities(self) -> None:
        eng = plain().fit(self.X)
        users, sims = eng.similar_users(0, self.X[0])
        # cos(u0,u1) = 2/(√2·√3); cos(u0,u2) = cos(u0,u3) = 1/(√2·√2); u3's dislike adds nothing
        self.assertEqual(users.tolist(), [1, 2, 3])
        np.testing.assert_allclose(sims, [2 / sqrt(6), 1 / 2, 1 / 2])

    def test_self_excluded_only_when_userid_given(self) -> None:
        eng = plain().fit(self.X)
        users, sims = eng.similar_users(None, self.X[1])
        self.assertEqual(users[0], 1)
        self.assertAlmostEqual(sims[0], 1.0)
        users, _ = eng.similar_users(1, self.X[1])
        self.assertNotIn(1, users.tolist())

    def test_k_respected_and_positive_similarity_only(self) -> None:
        eng = plain(k=1).fit(self.X)
        users, _ = eng.similar_users(0, self.X[0])
        self.assertEqual(users.tolist(), [1])
        # a row sharing nothing positive with anyone has no neighbours
        users, _ = plain().fit(self.X).similar_users(None, row([0, 0, 0, 0, 0]))
        self.assertEqual(users.size, 0)
        users, _ = plain().fit(self.X).similar_users(None, row([0, 0, 0, 0, -2]))
        self.assertEqual(users.size, 0)

    def test_item_scores_with_negative_subtracting(self) -> None:
        eng = plain().fit(self.X)
        ids, scores, reasons = eng.recommend_with_reasons(0, self.X[0], N=3)
        # item 3: u2 (1/2); item 4: u3 (1/2); item 2: u1 (2/√6) − u3's dislike (1/2)
        self.assertEqual(ids.tolist(), [3, 4, 2])  # 3 and 4 tie -> lower index first
        np.testing.assert_allclose(scores, [1 / 2, 1 / 2, 2 / sqrt(6) - 1 / 2])
        self.assertEqual(reasons.tolist(), [True, True, True])

    def test_negative_aggregate_dropped_then_backfilled(self) -> None:
        eng = plain(negative_weight=2.0).fit(self.X)
        ids, scores, reasons = eng.recommend_with_reasons(0, self.X[0], N=3)
        # item 2: 2/√6 − 2·(1/2) < 0 -> dropped from the neighbour part; popularity refills it
        self.assertEqual(ids.tolist(), [3, 4, 2])
        np.testing.assert_allclose(scores, [1 / 2, 1 / 2, 0.0])
        self.assertEqual(reasons.tolist(), [True, True, False])

    def test_popularity_backfill_with_reasons(self) -> None:
        eng = plain(k=1).fit(self.X)
        ids, scores, reasons = eng.recommend_with_reasons(0, self.X[0], N=4)
        # only u1 -> item 2 (2/√6). Positive sums: item1 5, item0 2, items 2, 3, 4 one each.
        self.assertEqual(ids.tolist(), [2, 3, 4])  # 0 and 1 are seen; only 3 unseen items exist
        np.testing.assert_allclose(scores, [2 / sqrt(6), 0.0, 0.0])
        self.assertEqual(reasons.tolist(), [True, False, False])
        ids2, scores2 = eng.recommend(0, self.X[0], N=4)
        np.testing.assert_array_equal(ids2, ids)
        np.testing.assert_array_equal(scores2, scores)

    def test_seen_items_filtered_including_non_positive(self) -> None:
        eng = plain().fit(self.X)
        ids, _ = eng.recommend(3, self.X[3], N=5)
        self.assertFalse({1, 2, 4} & set(ids.tolist()))

    def test_injection_changes_the_result(self) -> None:
        eng = plain().fit(self.X)
        injected = row([1, 2, 0, 1, 0])  # u0 has since liked item 3 (not in the fit)
        users, sims = eng.similar_users(0, injected)
        # |u0| = √3: u1 2/(√3·√3), u2 2/(√3·√2), u3 1/(√3·√2)
        self.assertEqual(users.tolist(), [2, 1, 3])
        np.testing.assert_allclose(sims, [2 / sqrt(6), 2 / 3, 1 / sqrt(6)])
        ids, scores = eng.recommend(0, injected, N=2)
        # item 4: u3 1/√6; item 2: u1 2/3 − u3 1/√6; item 3 is now seen
        self.assertEqual(ids.tolist(), [4, 2])
        np.testing.assert_allclose(scores, [1 / sqrt(6), 2 / 3 - 1 / sqrt(6)])

    def test_new_user_none(self) -> None:
        eng = plain().fit(self.X)
        ids, scores = eng.recommend(None, row([0, 0, 0, 1, 0]), N=2)
        # only u2 shares item 3 (sim 1/√2) -> its item 1; then popularity (item 0)
        self.assertEqual(ids.tolist(), [1, 0])
        np.testing.assert_allclose(scores, [1 / sqrt(2), 0.0])

    def test_sharpening_idf_norm_and_damping(self) -> None:
        eng = plain(alpha=2.0, idf_exponent=1.0, norm_exponent=2.0, popularity_damping=1.0, k=3)
        eng.fit(self.X)
        users, sims = eng.similar_users(0, self.X[0])
        # df: item0 2, item1 4. q = (1/2, 1/4)/√2; s_v / ||s_v||²
        q0, q1 = 0.5 / sqrt(2), 0.25 / sqrt(2)
        expected = {1: (q0 + q1) / 3, 2: q1 / 2, 3: q1 / 2}
        self.assertEqual(users.tolist(), [1, 2, 3])
        np.testing.assert_allclose(sims, [expected[u] for u in users.tolist()])
        ids, scores = eng.recommend(0, self.X[0], N=3)
        s1, s2 = expected[1] ** 2, expected[2] ** 2
        # items 2 (df 1): s1 − s3; 3 (df 1): s2; 4 (df 1): s3
        item = {2: s1 - s2, 3: s2, 4: s2}
        order = sorted(item, key=lambda i: (-item[i], i))
        self.assertEqual(ids.tolist(), order)
        np.testing.assert_allclose(scores, [item[i] for i in order])

    def test_signed_first_described(self) -> None:
        eng = UserCollaborativeRecommender.as_first_described(k=50).fit(self.X)
        users, sims = eng.similar_users(0, self.X[0])
        self.assertEqual(users.tolist(), [1, 2, 3])
        # signed cosine: u0 = (1,2,0,0,0) |√5|; u1 (1,1,1) √3 -> 3/√15; u2 (0,1,0,1) √2 -> 2/√10;
        # u3 (0,1,-2,0,1) √6 -> 2/√30
        np.testing.assert_allclose(sims, [3 / sqrt(15), 2 / sqrt(10), 2 / sqrt(30)])
        ids, scores = eng.recommend(0, self.X[0], N=3)
        item = {2: 1 * 3 / sqrt(15) - 2 * 2 / sqrt(30), 3: 2 / sqrt(10), 4: 2 / sqrt(30)}
        pos = sorted((i for i in item if item[i] > 0), key=lambda i: (-item[i], i))
        self.assertEqual(ids.tolist(), pos)  # [3, 4, 2]: u3's −2 nearly cancels u1's +1 on item 2
        np.testing.assert_allclose(scores, [item[i] for i in pos])

    def test_value_maps(self) -> None:
        x = np.array([2.0, 1.0, 0.1, 0.0, -1.0, -2.0, 0.5])
        np.testing.assert_array_equal(similarity_values(x, neutral_weight=0.3), [1, 1, 0.3, 0, 0, 0, 0.3])
        np.testing.assert_array_equal(aggregation_values(x, negative_weight=0.5), [1, 1, 0, 0, -0.5, -0.5, 0])
        np.testing.assert_array_equal(similarity_values(x, "signed"), x)
        np.testing.assert_array_equal(popularity_order(np.array([1.0, 3.0, 0.0, 3.0])), [1, 3, 0])

    def test_attributes_and_params(self) -> None:
        eng = UserCollaborativeRecommender().fit(self.X)
        self.assertEqual((eng.n_users, eng.n_items), (4, 5))
        np.testing.assert_array_equal(eng.user_items.toarray(), HAND)
        json.dumps(eng.get_params())
        self.assertEqual(UserCollaborativeRecommender(**eng.get_params()).get_params(), eng.get_params())
        with self.assertRaises(IndexError):
            eng.recommend(4, self.X[0])
        with self.assertRaises(ValueError):
            eng.recommend(None, csr_matrix((1, 4)))


def random_scores(n_users: int, n_items: int, seed: int, density: float = 0.3) -> csr_matrix:
    rng = np.random.default_rng(seed)
    M = sparse_random(n_users, n_items, density=density, format="csr", random_state=seed)
    M.data = rng.choice([2.0, 1.0, 0.1, -1.0, -2.0, 3.0], size=M.nnz)
    return M


def dense_reference(
    eng: UserCollaborativeRecommender, D: np.ndarray, u: int | None, r: np.ndarray
) -> np.ndarray:
    """Item scores (before backfill) straight from the module docstring formulas, dense numpy."""
    S = similarity_values(D, eng.similarity, eng.neutral_weight)
    A = aggregation_values(D, eng.aggregate, eng.negative_weight)
    df = (D > 0.5).sum(0)
    s = similarity_values(r, eng.similarity, eng.neutral_weight)
    if eng.similarity == "positives":
        s[r < -0.5] = -eng.query_dislike_weight  # the runner's own dislikes, in the query only
    norms = np.sqrt((S**2).sum(1))
    norms[norms == 0] = 1.0
    qn = np.sqrt((s**2).sum())
    q = (s / qn if qn else s) * np.maximum(df, 1) ** -eng.idf_exponent
    sims = (S / norms[:, None] ** eng.norm_exponent) @ q
    if u is not None:
        sims[u] = 0.0
    cand = np.flatnonzero(sims > 0)
    top = cand[np.lexsort((cand, -sims[cand]))][: eng.k]
    scores = (sims[top] ** eng.alpha) @ A[top] / np.maximum(df, 1) ** eng.popularity_damping
    scores[r != 0] = 0.0
    return scores


class QueryDislikeTest(unittest.TestCase):
    """A runner's own 1-2★ pushes down the shoes liked by the runners who liked the disliked shoe."""

    X = csr_matrix(
        np.array(
            [
                [1.0, 1.0, 0.0, 1.0, 0.0],  # a: likes 0, 1, 3
                [1.0, 0.0, 1.0, 0.0, 1.0],  # b: likes 0, 2, 4
            ]
        )
    )

    def test_own_dislike_lowers_similarity_to_those_who_liked_it(self) -> None:
        query = row([1.0, -2.0, 0.0, 0.0, 0.0])  # likes 0, rated 1 one star
        eng = plain(k=2, negative_weight=0.0, query_dislike_weight=0.5).fit(self.X)
        ids, scores = eng.recommend(None, query, N=3)
        # q = (1, -0.5) / sqrt(1.25); rows normalised by sqrt(3)
        sim_a = (1 - 0.5) / np.sqrt(1.25) / np.sqrt(3)
        sim_b = 1 / np.sqrt(1.25) / np.sqrt(3)
        self.assertEqual(ids.tolist(), [2, 4, 3])
        np.testing.assert_allclose(scores, [sim_b, sim_b, sim_a])

    def test_without_the_dislike_term_both_runners_are_equal(self) -> None:
        query = row([1.0, -2.0, 0.0, 0.0, 0.0])
        eng = plain(k=2, negative_weight=0.0, query_dislike_weight=0.0).fit(self.X)
        ids, scores = eng.recommend(None, query, N=3)
        self.assertEqual(ids.tolist(), [2, 3, 4])  # ties by index
        np.testing.assert_allclose(scores, [1 / np.sqrt(3)] * 3)

    def test_a_dislike_outweighing_the_overlap_removes_the_neighbour(self) -> None:
        query = row([1.0, -2.0, 0.0, 0.0, 0.0])
        eng = plain(k=2, negative_weight=0.0, query_dislike_weight=1.5).fit(self.X)
        ids, _ = eng.similar_users(None, query)
        self.assertEqual(ids.tolist(), [1])  # a's similarity is negative: not a neighbour


class ReferenceAndUpdateTest(unittest.TestCase):
    def assert_same(
        self, a: UserCollaborativeRecommender, b: UserCollaborativeRecommender, X: csr_matrix
    ) -> None:
        for u in range(X.shape[0]):
            for uid in (u, None):
                ia, sa, ra = a.recommend_with_reasons(uid, X[u], N=6)
                ib, sb, rb = b.recommend_with_reasons(uid, X[u], N=6)
                np.testing.assert_array_equal(ia, ib)
                np.testing.assert_allclose(sa, sb, rtol=1e-12, atol=1e-14)
                np.testing.assert_array_equal(ra, rb)

    def test_engine_matches_dense_reference(self) -> None:
        for seed in range(5):
            X = random_scores(25, 12, seed)
            D = X.toarray()
            for eng in (
                UserCollaborativeRecommender(k=5, item_weight=0.0),
                plain(k=4),
                UserCollaborativeRecommender.as_first_described(k=6),
            ):
                eng.fit(X)
                for u in range(X.shape[0]):
                    expected = dense_reference(eng, D, u, D[u])
                    ids, scores, reasons = eng.recommend_with_reasons(u, X[u], N=5)
                    from_nb = ids[reasons]
                    good = np.flatnonzero(expected > 1e-12)
                    want = good[np.lexsort((good, -expected[good]))][:5]
                    np.testing.assert_array_equal(from_nb, want)
                    np.testing.assert_allclose(scores[reasons], expected[want], rtol=1e-9)

    def _updated(self, X: csr_matrix, users: np.ndarray, rows: csr_matrix) -> csr_matrix:
        D = np.zeros((max(X.shape[0], users.max() + 1), X.shape[1]))
        D[: X.shape[0]] = X.toarray()
        for i, u in enumerate(users.tolist()):
            D[u] = rows[i].toarray()
        return csr_matrix(D)

    def test_incremental_update_equals_full_fit(self) -> None:
        for seed, params in enumerate(
            [{}, {"max_column_users": 3, "rescore": 5}, {"k": 2}, {"query_budget": 12, "k": 3}]
        ):
            X = random_scores(30, 10, seed)
            eng = UserCollaborativeRecommender(**params).fit(X)
            before = [eng.recommend(u, X[u], N=6) for u in range(30)]
            users = np.array([3, 7, 30, 31, 12])  # two new users appended
            rows = random_scores(5, 10, seed + 100, density=0.4)
            new = eng.with_updated_rows(users, rows)
            X2 = self._updated(X, users, rows)
            self.assertEqual(new.n_users, 32)
            self.assert_same(new, UserCollaborativeRecommender(**params).fit(X2), X2)
            np.testing.assert_array_equal(new.user_items.toarray(), X2.toarray())
            # a second update on top of the first (overlay rows replaced again)
            users2 = np.array([7, 30, 0, 32])
            rows2 = random_scores(4, 10, seed + 200, density=0.5)
            newer = new.with_updated_rows(users2, rows2)
            X3 = self._updated(X2, users2, rows2)
            self.assert_same(newer, UserCollaborativeRecommender(**params).fit(X3), X3)
            # the old engine keeps serving exactly as before (hot-swap)
            for u in range(30):
                ids, scores = eng.recommend(u, X[u], N=6)
                np.testing.assert_array_equal(ids, before[u][0])
                np.testing.assert_array_equal(scores, before[u][1])

    def test_update_compacts_to_a_full_fit(self) -> None:
        X = random_scores(20, 8, 3)
        eng = UserCollaborativeRecommender(compact_fraction=0.0).fit(X)
        users = np.array([1, 20])
        rows = random_scores(2, 8, 9, density=0.6)
        new = eng.with_updated_rows(users, rows)
        X2 = self._updated(X, users, rows)
        self.assertIsNone(new._delta)
        self.assert_same(new, UserCollaborativeRecommender(compact_fraction=0.0).fit(X2), X2)

    def test_update_validation(self) -> None:
        eng = UserCollaborativeRecommender().fit(random_scores(5, 4, 0))
        with self.assertRaises(ValueError):
            eng.with_updated_rows(np.array([7]), random_scores(1, 4, 1))  # gap: 5, 6 missing
        with self.assertRaises(ValueError):
            eng.with_updated_rows(np.array([1, 2]), random_scores(1, 4, 1))

    def test_sampled_columns_give_exact_similarities(self) -> None:
        X = random_scores(40, 6, 4, density=0.6)
        eng = UserCollaborativeRecommender(max_column_users=4, rescore=100, k=10).fit(X)
        full = UserCollaborativeRecommender(k=40).fit(X)
        u_all, s_all = full.similar_users(0, X[0])
        exact = dict(zip(u_all.tolist(), s_all.tolist(), strict=True))
        users, sims = eng.similar_users(0, X[0])
        self.assertLessEqual(users.size, 10)
        np.testing.assert_allclose(sims, [exact[u] for u in users.tolist()])


if __name__ == "__main__":
    unittest.main()


class BlendTest(unittest.TestCase):
    """The EASE item component and its blend with the user-KNN scores."""

    def test_blend_scores_by_hand(self) -> None:
        user = np.array([2.0, 1.0, 0.0, -1.0])
        item = np.array([0.5, 1.0, 0.25, 0.0])
        # user / 2 and item / 1, then 0.5 each
        np.testing.assert_allclose(blend_scores(user, item, 0.5), [0.75, 0.75, 0.125, -0.25])
        np.testing.assert_allclose(blend_scores(user, item, 0.0), user / 2)
        np.testing.assert_allclose(blend_scores(user, item, 1.0), item)
        # a component without a positive value is not rescaled (no division by zero)
        np.testing.assert_allclose(blend_scores(user, np.zeros(4), 0.5), user / 4)

    def test_l2_from_density(self) -> None:
        self.assertAlmostEqual(item_l2_for_density(0.05), 0.13 / 0.0025)  # 52
        self.assertAlmostEqual(item_l2_for_density(0.01), 1300.0)
        self.assertEqual(item_l2_for_density(0.5), 50.0)  # clamped below
        self.assertEqual(item_l2_for_density(0.001), 5000.0)  # clamped above
        self.assertEqual(item_l2_for_density(0.0), 5000.0)

    def test_two_item_ease_weights_by_hand(self) -> None:
        # positives: u0 {0, 1}, u1 {0}, u2 {1}; counts 2, 2, co-count 1. For two items the closed
        # form is B01 = c / (n1 + λ), B10 = c / (n0 + λ).
        X = csr_matrix(np.array([[2.0, 1.0], [1.0, -2.0], [0.1, 1.0]]))
        lam = 3.0
        eng = UserCollaborativeRecommender(item_l2=lam).fit(X)
        self.assertEqual(eng.fitted_item_l2, lam)
        np.testing.assert_allclose(eng.item_component_scores(row([1.0, 0.0])), [0.0, 1 / 5])
        np.testing.assert_allclose(eng.item_component_scores(row([0.0, 2.0])), [1 / 5, 0.0])
        # only positives enter: a 3★ (0.1) or a dislike is not a liked item
        np.testing.assert_allclose(eng.item_component_scores(row([0.1, -2.0])), [0.0, 0.0])

    def test_density_rule_used_when_l2_not_given(self) -> None:
        X = random_scores(30, 10, 1)
        eng = UserCollaborativeRecommender().fit(X)
        density = float((X.data > 0.5).sum()) / (30 * 10)
        self.assertAlmostEqual(eng.fitted_item_l2, item_l2_for_density(density))  # type: ignore[arg-type]

    def test_engine_blends_the_two_rankings(self) -> None:
        X = random_scores(40, 12, 7, density=0.35)
        knn = UserCollaborativeRecommender(item_weight=0.0).fit(X)
        ease = EASERecommender(l2=100.0).fit(X)
        D = X.toarray()
        for w in (0.3, 0.5, 1.0):
            eng = UserCollaborativeRecommender(item_weight=w, item_l2=100.0).fit(X)
            for u in range(X.shape[0]):
                user_part = dense_reference(knn, D, u, D[u])  # neighbours' dislikes included
                item_part = np.zeros(12)
                ids, scores = ease.recommend(u, X[u], N=12)
                item_part[ids] = scores
                seen = X[u].indices
                user_part[seen] = item_part[seen] = 0.0
                expected = blend_scores(user_part, item_part, w)
                good = np.flatnonzero(expected > 0)
                want = good[np.lexsort((good, -expected[good]))][:5]
                got, got_scores, got_reasons = eng.recommend_with_reasons(u, X[u], N=5)
                np.testing.assert_array_equal(got[got_reasons], want)
                np.testing.assert_allclose(got_scores[got_reasons], expected[want], atol=1e-12)

    def test_item_component_alone_serves_a_runner_without_neighbours(self) -> None:
        # items 0 and 1 are always liked together; a runner who liked only item 0 has neighbours
        # (users 0, 1), but with k=1 and item_weight 1 the ranking is EASE's: item 1 first.
        X = csr_matrix(np.array([[1.0, 1.0, 0.0], [1.0, 1.0, 0.0], [0.0, 0.0, 1.0]]))
        eng = UserCollaborativeRecommender(item_weight=1.0, item_l2=1.0).fit(X)
        ids, scores, reasons = eng.recommend_with_reasons(None, row([1.0, 0.0, 0.0]), N=2)
        self.assertEqual(ids.tolist(), [1, 2])
        self.assertAlmostEqual(scores[0], 1.0)  # 2 / (2 + 1), scaled by its max
        self.assertEqual(reasons.tolist(), [True, False])  # item 2 only from popularity

    def test_off_above_the_item_limit_and_at_weight_zero(self) -> None:
        X = random_scores(30, 10, 2)
        self.assertEqual(UserCollaborativeRecommender(max_item_component_items=9).fit(X).nbytes(),
                         UserCollaborativeRecommender(item_weight=0.0).fit(X).nbytes())  # fmt: skip
        off = UserCollaborativeRecommender(max_item_component_items=9).fit(X)
        plain_knn = UserCollaborativeRecommender(item_weight=0.0).fit(X)
        self.assertIsNone(off.fitted_item_l2)
        for u in range(30):
            a, sa = off.recommend(u, X[u], N=5)
            b, sb = plain_knn.recommend(u, X[u], N=5)
            np.testing.assert_array_equal(a, b)
            np.testing.assert_array_equal(sa, sb)
        with self.assertRaises(ValueError):
            UserCollaborativeRecommender(item_weight=1.5)
        with self.assertRaises(ValueError):
            UserCollaborativeRecommender(item_l2=0.0)

    def test_update_keeps_the_item_component_and_injects_at_once(self) -> None:
        X = random_scores(200, 10, 5)
        eng = UserCollaborativeRecommender(item_l2=20.0).fit(X)
        users = np.array([3, 200])  # one replaced runner, one new runner: a small overlay
        rows = random_scores(2, 10, 11, density=0.5)
        new = eng.with_updated_rows(users, rows)
        self.assertIsNotNone(new._delta)  # not compacted: the item component was not refitted
        self.assertIs(new._item_B, eng._item_B)
        X2 = ReferenceAndUpdateTest()._updated(X, users, rows)
        # the user-KNN part equals a full fit; the item part is the parent's
        reference = UserCollaborativeRecommender(item_l2=20.0).fit(X2)
        reference._item_B = eng._item_B
        ReferenceAndUpdateTest().assert_same(new, reference, X2)
        # read-your-own-writes: the new runner's current row is served before any rebuild
        liked = row([0.0] * 9 + [2.0])
        ids, _ = new.recommend(200, liked, N=10)
        self.assertNotIn(9, ids.tolist())
        np.testing.assert_array_equal(new.item_component_scores(liked), eng._item_B[9])  # type: ignore[index]

    def test_load_refuses_another_model(self) -> None:
        import tempfile
        from pathlib import Path

        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "m.npz"
            EASERecommender().fit(random_scores(5, 4, 0)).save(path)
            with self.assertRaisesRegex(ValueError, "EASERecommender"):
                UserCollaborativeRecommender.load(path)


class StabilityTest(unittest.TestCase):
    """A runner's list does not move when runners with no shoe in common act."""

    def test_unrelated_runners_acting_leave_the_list_unchanged(self) -> None:
        rng = np.random.default_rng(0)
        D = np.zeros((60, 20))
        for u in range(60):  # two taste groups with disjoint shoes: 0-9 and 10-19
            group = np.arange(10) if u < 30 else np.arange(10, 20)
            D[u, rng.choice(group, size=4, replace=False)] = rng.choice([2.0, 1.0, -1.0], size=4)
        X = csr_matrix(D)
        eng = UserCollaborativeRecommender().fit(X)
        before = [eng.recommend(u, X[u], N=5) for u in range(30)]
        actors = np.arange(30, 36)  # group-two runners each like one more group-two shoe
        rows = X[actors].tolil()
        for r, u in enumerate(actors.tolist()):
            rows[r, int(np.setdiff1d(np.arange(10, 20), X[u].indices)[0])] = 2.0
        updated = eng.with_updated_rows(actors, csr_matrix(rows))
        for u in range(30):
            ids, scores = updated.recommend(u, X[u], N=5)
            np.testing.assert_array_equal(ids, before[u][0])
            np.testing.assert_allclose(scores, before[u][1], rtol=1e-12)


class BudgetedMixinTest(RecommenderTestMixin, unittest.TestCase):
    """The shared contract with every query over its budget (sampled columns, bounded re-scoring)."""

    def _get_model(self) -> UserCollaborativeRecommender:
        return UserCollaborativeRecommender(query_budget=4)


def dense_power_law(n_users: int, n_items: int, per_user: int, seed: int) -> csr_matrix:
    """Soak-like: every user rates `per_user` items drawn with power-law popularity."""
    rng = np.random.default_rng(seed)
    p = np.arange(1, n_items + 1, dtype=np.float64) ** -0.7
    p /= p.sum()
    D = np.zeros((n_users, n_items))
    for u in range(n_users):
        items = rng.choice(n_items, size=per_user, replace=False, p=p)
        D[u, items] = rng.choice([2.0, 1.0, 1.0, 0.1, -1.0], size=per_user)
    return csr_matrix(D)


class QueryBudgetTest(unittest.TestCase):
    """`query_budget`: exact below it, bounded work and near-exact results above it."""

    def recorded(self, eng: UserCollaborativeRecommender) -> dict[str, list[int]]:
        """Wraps the engine's column gathering and exact re-scoring to record their sizes."""
        seen: dict[str, list[int]] = {"gathered": [], "rescored": []}
        column_entries, exact = eng._column_entries, eng._exact_similarities

        def gather(cols: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool, bool]:
            out = column_entries(cols)
            seen["gathered"].append(int(out[1].size))
            return out

        def rescore(users: np.ndarray, cols: np.ndarray, q: np.ndarray) -> np.ndarray:
            seen["rescored"].append(int(users.size))
            return exact(users, cols, q)

        eng._column_entries = gather  # type: ignore[method-assign]
        eng._exact_similarities = rescore  # type: ignore[method-assign]
        return seen

    def assert_identical(
        self, a: UserCollaborativeRecommender, b: UserCollaborativeRecommender, X: csr_matrix
    ) -> None:
        for u in range(X.shape[0]):
            for uid in (u, None):
                got, want = a.recommend_with_evidence(uid, X[u], 8), b.recommend_with_evidence(uid, X[u], 8)
                for x, y in zip(got, want, strict=True):
                    np.testing.assert_array_equal(x, y)  # bit for bit
                for x, y in zip(a.similar_users(uid, X[u]), b.similar_users(uid, X[u]), strict=True):
                    np.testing.assert_array_equal(x, y)

    def test_under_the_budget_results_are_bit_identical(self) -> None:
        for seed, params in enumerate([{}, {"max_column_users": 4, "rescore": 6}, {"k": 3}]):
            X = random_scores(40, 12, seed, density=0.4)
            largest = int(np.max(np.diff(X.tocsc().indptr))) * 12  # >= any query's column entries
            budgeted = UserCollaborativeRecommender(query_budget=largest, **params).fit(X)  # type: ignore[arg-type]
            unbounded = UserCollaborativeRecommender(query_budget=10**12, **params).fit(X)  # type: ignore[arg-type]
            seen = self.recorded(budgeted)
            self.assert_identical(budgeted, unbounded, X)
            self.assertLessEqual(max(seen["gathered"]), largest)
            # and through an incremental update (overlay + stale rows)
            users, rows = np.array([2, 5, 40]), random_scores(3, 12, seed + 50, density=0.5)
            self.assert_identical(
                budgeted.with_updated_rows(users, rows), unbounded.with_updated_rows(users, rows), X
            )

    def test_default_budget_is_not_reached_by_the_tiny_matrices(self) -> None:
        X = random_scores(60, 15, 3, density=0.5)
        default = UserCollaborativeRecommender().fit(X)
        self.assertEqual(default.query_budget, 100_000)
        self.assert_identical(default, UserCollaborativeRecommender(query_budget=10**12).fit(X), X)

    def test_over_the_budget_work_is_bounded_and_the_top_stays(self) -> None:
        X = dense_power_law(400, 60, 20, seed=11)
        budget, k = 2_000, 20  # every query reads ~2,500-3,000 column entries: ~35 % are kept
        eng = UserCollaborativeRecommender(k=k, query_budget=budget).fit(X)
        exact = UserCollaborativeRecommender(k=k, query_budget=10**12).fit(X)
        everyone = UserCollaborativeRecommender(k=400, query_budget=10**12).fit(X)  # every similarity
        seen = self.recorded(eng)
        overlaps, recalls = [], []
        for u in range(0, 400, 10):
            n_cols = int(np.count_nonzero(similarity_values(X[u].data, neutral_weight=0.35)))
            before = len(seen["rescored"])
            nb, sims = eng.similar_users(u, X[u])
            self.assertLessEqual(seen["gathered"][-1], budget // 2)
            self.assertEqual(len(seen["rescored"]), before + 1)  # the query was sampled
            self.assertLessEqual(seen["rescored"][-1], max(k, budget // 2 // n_cols))
            e_nb = exact.similar_users(u, X[u])[0]
            all_nb, all_sims = everyone.similar_users(u, X[u])
            truth = dict(zip(all_nb.tolist(), all_sims.tolist(), strict=True))
            np.testing.assert_allclose(sims, [truth[v] for v in nb.tolist()])  # re-scored: exact
            recalls.append(np.isin(e_nb, nb).mean())
            ids = eng.recommend(u, X[u], N=10)[0]
            overlaps.append(np.isin(exact.recommend(u, X[u], N=10)[0], ids).mean())
        # measured: 79 % of the exact top 10 kept, 59 % of the exact neighbours found
        self.assertGreaterEqual(float(np.mean(overlaps)), 0.75)
        self.assertGreaterEqual(float(np.mean(recalls)), 0.5)

    def test_budget_cut_by_hand(self) -> None:
        from src.recommender.collaborative_filtering import budget_cut

        self.assertEqual(budget_cut(np.array([2, 10, 10]), 12), 5)  # 2 + 5 + 5
        self.assertEqual(budget_cut(np.array([3, 4, 10]), 12), 5)  # 3 + 4 + 5
        self.assertEqual(budget_cut(np.array([10, 10]), 1), 1)  # never below one entry per column

    def test_params_round_trip_and_validation(self) -> None:
        import pickle
        import tempfile
        from pathlib import Path

        X = random_scores(30, 10, 1)
        eng = UserCollaborativeRecommender(query_budget=12, k=3).fit(X)
        self.assertEqual(eng.get_params()["query_budget"], 12)
        with tempfile.TemporaryDirectory() as tmp:
            eng.save(Path(tmp) / "m.npz")
            loaded = UserCollaborativeRecommender.load(Path(tmp) / "m.npz")
        clone = pickle.loads(pickle.dumps(eng))
        for other in (loaded, clone):
            self.assertEqual(other.query_budget, 12)
            self.assert_identical(eng, other, X)
        legacy = eng.__getstate__()
        del legacy["query_budget"]  # pickled before the parameter existed
        old = UserCollaborativeRecommender.__new__(UserCollaborativeRecommender)
        old.__setstate__(legacy)
        self.assertEqual(old.query_budget, 100_000)
        with self.assertRaises(ValueError):
            UserCollaborativeRecommender(query_budget=0)


def test_liked_rows_sum_by_hand_and_on_both_sides_of_the_switch() -> None:
    B = np.arange(20, dtype=np.float64).reshape(5, 4)  # 5 items: the switch is past 1 liked
    np.testing.assert_array_equal(liked_rows_sum(B, np.array([1])), [4.0, 5.0, 6.0, 7.0])  # gathered
    np.testing.assert_array_equal(liked_rows_sum(B, np.array([0, 3])), [12.0, 14.0, 16.0, 18.0])  # product
    rng = np.random.default_rng(11)
    B = rng.normal(size=(300, 300))
    for n_liked in (0, 1, 30, 59, 61, 200, 300):
        liked = np.sort(rng.choice(300, size=n_liked, replace=False))
        got = liked_rows_sum(B, liked)
        assert got.shape == (300,)
        np.testing.assert_allclose(got, B[liked].sum(axis=0), rtol=0, atol=1e-12)
