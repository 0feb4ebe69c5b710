"""The pure functions behind reasons, similar shoes, the catalog filters and feed pages, on small
hand-checkable arrays."""

from __future__ import annotations

import numpy as np
import orjson
import pytest
from scipy.sparse import csr_matrix

from src.recommender.explain import answer_phrase, rule_met, spec_phrase
from src.serving.catalog import CatalogQuery, catalog_mask, sorted_positions
from src.serving.feed_pages import etag_matches, etag_of, evidence, item_json
from src.serving.similar import co_like_cosine, co_like_counts, latent_cosine, top_k_rows


def test_rule_met_judges_must_haves_by_range_and_preferences_by_distance_and_direction() -> None:
    # two features: a must-have flag in [1, 1] and a preference for "light" (target 0.2, mean 0.5)
    raw = np.array([[1.0, 200.0], [0.0, 200.0], [1.0, 300.0], [1.0, 150.0]])
    scaled = np.array([[1.0, 0.3], [0.0, 0.3], [1.0, 0.7], [1.0, 0.05]])
    met = rule_met(
        raw,
        scaled,
        target_scaled=np.array([1.0, 0.2]),
        center=np.array([0.5, 0.5]),
        lo=np.array([1.0, np.nan]),
        hi=np.array([1.0, np.nan]),
    )
    # shoe 0: flag set, 0.1 from the target; shoe 1: flag missing; shoe 2: 0.5 from the target on
    # the heavy side; shoe 3: lighter than asked (past the target, away from the mean) still meets
    assert met.tolist() == [True, False, False, True]


def test_phrases_use_runners_words_and_spec_values() -> None:
    assert spec_phrase("weight_g", 210.0) == "weight 210 g"
    assert spec_phrase("midsole_softness", 3.0) == "softness 3 of 10"
    assert spec_phrase("plate", 2.0) == "carbon plate"
    assert spec_phrase("width_wide", 0.0) == "not offered in wide"
    assert spec_phrase("water_resistance", 2.0) == "waterproof membrane"
    assert (
        answer_phrase((("terrain", "Rocky"), ("rock_sensitive", "Yes")))
        == "terrain: Rocky + rock_sensitive: Yes"
    )


def test_co_likes_count_runners_who_liked_both_and_cosine_normalises() -> None:
    # users x shoes: user 0 likes 0,1; user 1 likes 0,1,2; user 2 likes 2 and dislikes 0
    X = csr_matrix(np.array([[1.0, 2.0, 0.0], [1.0, 1.0, 1.0], [-2.0, 0.0, 1.0]]))
    counts = co_like_counts(X)
    assert counts.tolist() == [[0, 2, 1], [2, 0, 1], [1, 1, 0]]  # a dislike is not a like
    likers = np.array([2, 2, 2])
    cos = co_like_cosine(counts, likers)
    assert cos[0, 1] == pytest.approx(1.0) and cos[0, 2] == pytest.approx(0.5)


def test_top_k_rows_orders_best_first_and_marks_invalid() -> None:
    scores = np.array([[0.0, 0.9, 0.5, 0.9], [0.1, 0.0, 0.2, 0.3]])
    valid = np.array([[False, True, True, True], [True, False, False, False]])
    idx, best = top_k_rows(scores, 3, valid)
    assert idx.tolist() == [[1, 3, 2], [0, -1, -1]]  # ties by column
    assert best.tolist() == [[0.9, 0.9, 0.5], [0.1, 0.0, 0.0]]


def test_latent_cosine_is_centred_and_excludes_self() -> None:
    z = np.array([[1.0, 0.0], [2.0, 0.0], [0.0, 3.0]])  # mean (1, 1): centred rows (0,-1), (1,-1), (-1,2)
    sim = latent_cosine(z)
    assert np.isneginf(np.diag(sim)).all()
    assert sim[0, 1] == pytest.approx(1 / np.sqrt(2))
    assert sim[0, 2] == pytest.approx(-2 / np.sqrt(5))


def test_catalog_mask_and_sorting() -> None:
    columns = {
        "width_narrow": np.array([0.0, 1.0, 0.0]),
        "width_regular": np.array([1.0, 1.0, 1.0]),
        "width_wide": np.array([1.0, 0.0, 0.0]),
        "stability": np.array([0.0, 1.0, 0.0]),
        "water_resistance": np.array([0.0, 2.0, 1.0]),
        "plate": np.array([2.0, 0.0, 0.0]),
        "weight_g": np.array([190.0, 300.0, 250.0]),
    }
    types = np.array(["road", "trail", "road"])
    brands = np.array(["nike", "salomon", "hoka"])
    names = np.array(["vaporfly 3", "speedcross 6 gtx", "clifton 9"])
    mask = catalog_mask(columns, types, brands, names, CatalogQuery(shoe_type="road"))
    assert mask.tolist() == [True, False, True]
    assert catalog_mask(columns, types, brands, names, CatalogQuery(brand=" Hoka ")).tolist() == [
        False,
        False,
        True,
    ]
    assert catalog_mask(columns, types, brands, names, CatalogQuery(q="GTX")).tolist() == [False, True, False]
    q = CatalogQuery(water_resistance="water_repellent", width="regular")
    assert catalog_mask(columns, types, brands, names, q).tolist() == [False, False, True]
    q = CatalogQuery(ranges={"weight_g": (200.0, 260.0)})
    assert catalog_mask(columns, types, brands, names, q).tolist() == [False, False, True]
    keys = {"weight_g": columns["weight_g"], "name": names}
    assert sorted_positions(keys, np.array([0, 1, 2]), "-weight_g").tolist() == [1, 2, 0]
    assert sorted_positions(keys, np.array([0, 1, 2]), "-name").tolist() == [0, 1, 2]
    assert sorted_positions(keys, np.array([0, 2]), "name").tolist() == [2, 0]


def test_evidence_and_etags() -> None:
    assert evidence(7, 40) == ("similar_runners", "liked by 7 of the 40 runners most like you")
    assert evidence(-1, 40) == ("popular", "popular overall")
    assert evidence(0, 40) == ("similar_runners", "often liked together with shoes you liked")
    tag = etag_of(b"abc")
    assert tag != etag_of(b"abd") and tag.startswith('"')
    assert etag_matches(tag, tag) and etag_matches(f'W/{tag}, "x"', tag) and etag_matches("*", tag)
    assert not etag_matches(None, tag) and not etag_matches('"x"', tag)


def test_a_partly_missed_answer_says_which_specs_missed() -> None:
    from src.recommender.explain import sentence

    phrases = ["racer", "weight 230 g", "softness 6 of 10"]
    assert (
        sentence("purpose: Race", phrases, [True, True, True])
        == "purpose: Race (racer, weight 230 g, softness 6 of 10)"
    )
    assert (
        sentence("purpose: Race", phrases, [False] * 3)
        == "purpose: Race (racer, weight 230 g, softness 6 of 10)"
    )
    assert (
        sentence("purpose: Race", phrases, [True, False, False])
        == "purpose: Race (not met: weight 230 g, softness 6 of 10; met: racer)"
    )


@pytest.mark.parametrize(
    ("score", "liked_by", "out_of", "anchor"),
    [
        (0.98765432, 7, 40, None),
        (1.0, 12, 310, 'Speedgoat "5" — Wide\\Trail'),  # quotes, a backslash and non-ASCII in the name
        (0.5, 3, 9, "Ghost 16"),
        (0.0, -1, -1, None),  # popular backfill
        (0.31, 0, 0, None),  # ranked by the item component alone
        (1e-05, 1, 1, "Nova"),
    ],
)
def test_an_item_renders_as_the_orjson_of_its_evidence(
    score: float, liked_by: int, out_of: int, anchor: str | None
) -> None:
    prefix = orjson.dumps({"shoe_id": "R001", "name": "Pegasus", "brand": "Nike"})[:-1] + b","
    reason, why = evidence(liked_by, out_of, anchor)
    expected = prefix + orjson.dumps({"match_score": round(score, 4), "reason": reason, "evidence": why})[1:]
    name_json = None if anchor is None else orjson.dumps(anchor)[1:-1]
    got = item_json(prefix, score, liked_by, out_of, name_json)
    assert got == expected
    assert orjson.loads(b"[" + got + b"]")[0]["evidence"] == why
