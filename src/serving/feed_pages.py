"""Feed pages: slices of a runner's ranking with their evidence, the cold start from a saved
questionnaire, and the ETag that lets an unchanged page answer 304.

A ranking is computed once per (runner's newest event, CF version) and cached (`FeedService`), so
every page of it comes from the same ordering: paging is stable for one CF version.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Protocol

import orjson

from src.serving.ranking import Ranking

if TYPE_CHECKING:
    from src.config import Settings
    from src.recommender.cf_snapshot import EvidenceItem
    from src.serving.follower import VersionFollower
    from src.serving.impressions import ImpressionBuffer
    from src.store import SavedQuestionnaire, Store


class FeedSource(Protocol):
    """What the pages read from the worker's feed service (`serving.feed.FeedService`)."""

    settings: Settings
    store: Store
    impressions: ImpressionBuffer | None
    versions: VersionFollower

    def shoe_prefix(self, shoe_id: str) -> bytes: ...

    def name_json(self, shoe_id: str) -> bytes: ...

    def ranking(
        self, user_id: int, depth: int | None = None, newest_event: int | None = None
    ) -> Ranking | None: ...


NOTICE_POPULAR = (
    "no runners with tastes like yours yet: these are popular shoes; like or rate a few to personalise"
)
NOTICE_EXHAUSTED = "you have liked or rated every shoe here: there is nothing new to suggest"
NOTICE_NO_SIGNAL = "no other runner has liked a shoe here that you have not seen yet: nothing to suggest; browse GET /v1/shoes"
NOTICE_NO_VERSION_YET = (
    "your interaction is stored; no collaborative model is published yet (the continuous-training "
    "process publishes the first one shortly), so there is no feed to show"
)
NOTICE_COLD_START = "from your saved questionnaire: like or rate shoes to get picks from runners like you"


@dataclass(frozen=True, slots=True)
class FeedPage:
    limit: int
    offset: int = 0
    shoe_type: Literal["road", "trail"] | None = None


def evidence(liked_by: int, n_neighbours: int, anchor: str | None = None) -> tuple[str, str]:
    """(reason, evidence) for one feed item, from the numbers that ranked it. With an `anchor` (a
    shoe the runner liked, by name): liked_by of the n_neighbours runners who liked the anchor also
    liked this shoe (the item-space engine's co-like counts); without: liked_by of the runner's
    n_neighbours most similar runners liked it (the top-k user-KNN)."""
    if liked_by < 0:
        return "popular", "popular overall"
    if liked_by == 0:  # ranked by the engine's item component alone (shoes liked together)
        return "similar_runners", "often liked together with shoes you liked"
    if anchor is not None:
        return "similar_runners", f"liked by {liked_by} of the {n_neighbours} runners who also liked {anchor}"
    return "similar_runners", f"liked by {liked_by} of the {n_neighbours} runners most like you"


def name_of(shoe_id: str, feed: FeedSource) -> str:
    """A shoe's name as the evidence names it (its id when it has none)."""
    shoe = feed.store.shoe(shoe_id)
    return shoe_id if shoe is None else str(shoe.get("name") or shoe_id)


def _reason_json(liked_by: int, n_neighbours: int) -> bytes:
    """`,"reason":...,"evidence":...}` for the evidence kinds without numbers, from `evidence`."""
    reason, why = evidence(liked_by, n_neighbours)
    return b"," + orjson.dumps({"reason": reason, "evidence": why})[1:]


_POPULAR_JSON = _reason_json(-1, 0)
_TOGETHER_JSON = _reason_json(0, 0)
# the texts of `evidence` with numbers, as %-templates of bytes
_ANCHORED_JSON = b',"reason":"similar_runners","evidence":"liked by %d of the %d runners who also liked %s"}'
_NEIGHBOURS_JSON = b',"reason":"similar_runners","evidence":"liked by %d of the %d runners most like you"}'


def item_json(
    prefix: bytes, score: float, liked_by: int, out_of: int, anchor_name_json: bytes | None
) -> bytes:
    """One feed item, byte for byte `prefix` + orjson of {match_score, reason, evidence} with the
    texts of `evidence` (tests/serving check both agree), formatted without building a dict: a page
    is rendered for every write's answer."""
    head = prefix + b'"match_score":' + orjson.dumps(round(score, 4))
    if liked_by < 0:
        return head + _POPULAR_JSON
    if liked_by == 0:
        return head + _TOGETHER_JSON
    if anchor_name_json is not None:
        return head + _ANCHORED_JSON % (liked_by, out_of, anchor_name_json)
    return head + _NEIGHBOURS_JSON % (liked_by, out_of)


def page_envelope(
    items: list[bytes],
    page: FeedPage,
    total: int | None,
    has_more: bool,
    notice: str | None,
    source: str,
    cf_version: str | None,
) -> bytes:
    head = orjson.dumps(
        {
            "status": "success",
            "source": source,
            "cf_version": cf_version,
            "limit": page.limit,
            "offset": page.offset,
            "total": total,
            "has_more": has_more,
            "notice": notice,
        }
    )
    return head[:-1] + b',"data":[' + b",".join(items) + b"]}"


def _type_of(shoe_id: str, feed: FeedSource) -> str | None:
    shoe = feed.store.shoe(shoe_id)
    return None if shoe is None else str(shoe["shoe_type"])


def render_ranking(ranking: Ranking, page: FeedPage, feed: FeedSource) -> bytes:
    """One page of a collaborative ranking (rendered once per ranking and page, then reused)."""
    key = (page.limit, page.offset, page.shoe_type)
    body = ranking.pages.get(key)
    if body is None:
        body = _render(ranking, page, feed)
        if len(ranking.pages) < ranking.MAX_PAGES:
            ranking.pages[key] = body
    return body


def _window(ranking: Ranking, page: FeedPage, feed: FeedSource) -> list[EvidenceItem]:
    items = ranking.items
    if page.shoe_type is not None:
        items = [it for it in items if _type_of(it[0], feed) == page.shoe_type]
    return items[page.offset : page.offset + page.limit]


def record_page(feed: FeedSource, user_id: int, ranking: Ranking, page: FeedPage) -> None:
    """Buffer what this page shows (src/serving/impressions.py): an append, no I/O. A page of
    popular backfill only is recorded as `popular`."""
    buffer = feed.impressions
    if buffer is None:
        return
    key = (page.limit, page.offset, page.shoe_type)
    shown = ranking.shown.get(key)
    if shown is None:
        window = _window(ranking, page, feed)
        popular = window and all(item[2] < 0 for item in window)  # liked_by < 0: popular backfill
        source = "popular" if popular else "collaborative"
        shoe_ids = tuple(item[0] for item in window)
        page_hash = hash((source, ranking.cf_version, ranking.arm, page.offset + 1, shoe_ids))
        shown = (source, shoe_ids, page_hash)
        if len(ranking.shown) < ranking.MAX_PAGES:
            ranking.shown[key] = shown
    buffer.add(
        user_id, shown[0], ranking.cf_version, ranking.arm, shown[1], page.offset + 1, page_hash=shown[2]
    )


def _render(ranking: Ranking, page: FeedPage, feed: FeedSource) -> bytes:
    """Each item with its reason and evidence; a `notice` says when the page holds only popular
    shoes or when nothing is left to suggest."""
    items = ranking.items
    if page.shoe_type is not None:
        items = [it for it in items if _type_of(it[0], feed) == page.shoe_type]
    window = items[page.offset : page.offset + page.limit]
    parts = [
        item_json(
            feed.shoe_prefix(shoe_id),
            score,
            liked_by,
            out_of,
            None if anchor is None else feed.name_json(anchor),
        )
        for shoe_id, score, liked_by, out_of, anchor in window
    ]
    notice = None
    if not items:
        everything = {
            s["shoe_id"] for s in feed.store.all_shoes() if page.shoe_type in (None, s["shoe_type"])
        }
        notice = NOTICE_EXHAUSTED if everything.issubset(ranking.seen) else NOTICE_NO_SIGNAL
    elif window and all(item[2] < 0 for item in window):
        notice = NOTICE_POPULAR
    has_more = len(items) > page.offset + page.limit
    # counted only where the whole ranking is needed anyway (a type filter), never because this
    # worker happens to hold a deeper ranking: one version and one runner give one body
    total = len(items) if page.shoe_type is not None else None
    return page_envelope(parts, page, total, has_more, notice, "collaborative", ranking.cf_version)


def render_cold_start(
    saved: SavedQuestionnaire,
    model: Any,
    page: FeedPage,
    prefix: Callable[[str], bytes],
) -> bytes:
    """A feed for a runner without interactions, seeded from their saved questionnaire: the
    questionnaire's top picks, each with the answers it meets and misses (reason `your_answers`)."""
    ranked = [] if page.shoe_type not in (None, saved.shoe_type) else model.items_json(saved.answers)
    window = ranked[page.offset : page.offset + page.limit]
    parts = [
        prefix(model.shoe_ids[i])
        + b'"match_score":%.4f,"reason":"your_answers","evidence":"matches your saved %s questionnaire"'
        % (score, saved.shoe_type.encode())
        + reasons
        + b"}"
        for i, score, reasons in window
    ]
    has_more = len(ranked) > page.offset + page.limit
    return page_envelope(parts, page, len(ranked), has_more, NOTICE_COLD_START, "questionnaire", None)


def etag_of(body: bytes) -> str:
    """A strong validator of the exact bytes served."""
    return '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    return any(tag.strip().removeprefix("W/") == etag for tag in if_none_match.split(","))


def page_depth(page: FeedPage) -> int | None:
    """How much of the ranking a page needs: a type filter needs all of it (None); otherwise one item
    past the page tells has_more."""
    return None if page.shoe_type else page.offset + page.limit + 1


def ranking_body(feed: FeedSource, user_id: int, ranking: Ranking, page: FeedPage) -> bytes:
    """The page of `ranking` to serve (rendered once per ranking), its impression recorded."""
    body = render_ranking(ranking, page, feed)
    record_page(feed, user_id, ranking, page)
    return body


def feed_body(
    feed: FeedSource,
    content: Mapping[str, Any],
    user_id: int,
    page: FeedPage,
    newest_event: int | None = None,
) -> bytes | None:
    """The page to serve: the collaborative ranking, else a cold start from a saved questionnaire
    (when its content model is loaded), else None (the API answers 404). `newest_event`: the
    runner's newest event id if already read."""
    ranking = feed.ranking(user_id, page_depth(page), newest_event)
    if ranking is not None:
        return ranking_body(feed, user_id, ranking, page)
    return cold_start_body(feed, content, user_id, page)


def cold_start_body(
    feed: FeedSource, content: Mapping[str, Any], user_id: int, page: FeedPage
) -> bytes | None:
    """A runner without interactions: a page from their saved questionnaire (when its content model
    is loaded), else None (the API answers 404)."""
    saved = feed.store.load_questionnaire(user_id)
    model = content.get(saved.shoe_type) if saved is not None else None
    if saved is None or model is None:
        return None
    body = render_cold_start(saved, model, page, feed.shoe_prefix)
    if feed.impressions is not None and page.shoe_type in (None, saved.shoe_type):
        ranked = model.items_json(saved.answers)[page.offset : page.offset + page.limit]
        shoes = tuple(model.shoe_ids[i] for i, _, _ in ranked)
        version = getattr(model, "version", None)
        feed.impressions.add(
            user_id, "questionnaire", version, feed.versions.arms.arm_of(user_id), shoes, page.offset + 1
        )
    return body
