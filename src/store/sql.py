"""SQL text shared by the SQLite and PostgreSQL backends, and what differs between their dialects.

A statement with a `{p}` (or a named `{after}`, `{upto}` ...) field is formatted with the
backend's parameter mark: `?` / `:name` for SQLite, `%s` / `%(name)s` for PostgreSQL.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class Dialect:
    """How one SQL backend spells what the shared statements leave open."""

    name: str
    mark: str  # a positional parameter
    named: Callable[[str], str]  # a named parameter
    json: str  # the cast of a JSON parameter ("" where JSON is text)
    time: Callable[[datetime], Any]  # a time as a created_at column compares with it
    retire_missing_shoes: str  # one parameter: the catalog's shoe ids, as `id_list` gives them
    id_list: Callable[[list[str]], Any]
    insert_impression: str
    # after seeding demo runners, so their events do not count towards continuous training; None
    # where the counter is a row that seeding never bumps (SQLite)
    uncount_seeded_events: str | None


USER_ROWS_SQL = (
    "SELECT shoe_id, 'like', NULL FROM favorites WHERE user_id = {p} "
    "UNION ALL SELECT shoe_id, 'rate', rating FROM reviews WHERE user_id = {p}"
)
ALL_ROWS_SQL = (
    "SELECT user_id, shoe_id, 'like', NULL FROM favorites "
    "UNION ALL SELECT user_id, shoe_id, 'rate', rating FROM reviews"
)


# {p}: the backend's parameter mark; the runner's id, twice. Positives = a like or 4+ stars.
NEAREST_RUNNERS_SQL = (
    "WITH pos AS (SELECT user_id, shoe_id FROM favorites"
    " UNION SELECT user_id, shoe_id FROM reviews WHERE rating >= 4),"
    " mine AS (SELECT shoe_id FROM pos WHERE user_id = {p}),"
    " shared AS (SELECT pos.user_id, COUNT(*) AS n FROM pos JOIN mine ON pos.shoe_id = mine.shoe_id"
    " WHERE pos.user_id <> {p} GROUP BY pos.user_id),"
    " sizes AS (SELECT user_id, COUNT(*) AS total FROM pos GROUP BY user_id)"
    " SELECT shared.user_id, shared.n, sizes.total, (SELECT COUNT(*) FROM mine)"
    " FROM shared JOIN sizes ON sizes.user_id = shared.user_id"
)

# {p}: the backend's parameter mark; both parameters are the same "since" time
OVERVIEW_SQL = (
    "SELECT (SELECT COUNT(*) FROM (SELECT user_id FROM favorites UNION SELECT user_id FROM reviews) AS u),"
    " (SELECT COUNT(*) FROM shoes), (SELECT COUNT(*) FROM favorites), (SELECT COUNT(*) FROM reviews),"
    " (SELECT COUNT(*) FROM favorites WHERE created_at >= {p}),"
    " (SELECT COUNT(*) FROM reviews WHERE created_at >= {p})"
)


CT_STATE_SQL = (
    "SELECT pending, rebuilds_claimed, (SELECT COALESCE(MAX(event_id), 0) FROM interaction_events)"
    " FROM ct_state WHERE id = 1"
)
SHOE_COLS = [
    "shoe_id", "shoe_type", "name", "brand", "release_year", "spec_source", "status", "features",
    "attributes", "provenance",
]  # fmt: skip
# Superseded = a newer event of the same runner, shoe and action (a like and a rating of one shoe
# both count) exists at or below the watermark. Only
# superseding events newer than the previous compaction can supersede an event still present, so
# each compaction touches just the pairs changed since the last one (named parameters w, prev).
SUPERSEDED_EVENTS_SQL = (
    "SELECT o.event_id FROM interaction_events n JOIN interaction_events o ON o.user_id = n.user_id"
    " AND o.shoe_id = n.shoe_id AND o.action_type = n.action_type AND o.event_id < n.event_id"
    " WHERE n.event_id > {prev} AND n.event_id <= {w}"
)
# ids per compaction window: the work is the window's rows (a range scan) and one index seek each,
# never the whole log; what goes is found in a read transaction, without the writer's lock
COMPACTION_BATCH = 5_000
# rows deleted per write transaction by a compaction: a few milliseconds of the writer's lock, so a
# compaction in the niced CT process that loses its core mid-transaction holds up no request for long
DELETE_BATCH = 100
# The pairs with an event in (after, upto], each with its like state and stars as of upto
# (named parameters after, upto): the newest like/unlike and the newest rate/unrate event at or below
# upto decide, found by a backward seek on interaction_events_pair_idx (user_id, shoe_id, event_id)
# that stops at the first event of that kind. A runner with a forget in the window (whose older
# events forget_user deleted) has all their remaining pairs re-read instead, and one extra row
# with no shoe marks them reset. The window itself is a range scan of the event id.
PAIR_SCORES_CHANGED_SQL = (
    "WITH win AS (SELECT user_id, shoe_id, action_type FROM interaction_events"
    " WHERE event_id > {after} AND event_id <= {upto}),"
    " reset AS (SELECT DISTINCT user_id FROM win WHERE action_type = 'forget'),"
    " pairs AS (SELECT user_id, shoe_id FROM win"
    " WHERE action_type <> 'forget' AND user_id NOT IN (SELECT user_id FROM reset)"
    " UNION SELECT e.user_id, e.shoe_id FROM interaction_events e"
    " WHERE e.user_id IN (SELECT user_id FROM reset) AND e.event_id <= {upto}"
    " AND e.action_type <> 'forget')"
    " SELECT p.user_id, p.shoe_id,"
    " (SELECT l.action_type = 'like' FROM interaction_events l"
    " WHERE l.user_id = p.user_id AND l.shoe_id = p.shoe_id AND l.event_id <= {upto}"
    " AND l.action_type IN ('like', 'unlike') ORDER BY l.event_id DESC LIMIT 1) AS liked,"
    " (SELECT CASE r.action_type WHEN 'rate' THEN r.value END FROM interaction_events r"
    " WHERE r.user_id = p.user_id AND r.shoe_id = p.shoe_id AND r.event_id <= {upto}"
    " AND r.action_type IN ('rate', 'unrate') ORDER BY r.event_id DESC LIMIT 1) AS stars"
    " FROM pairs p"
    " UNION ALL SELECT user_id, NULL, NULL, NULL FROM reset"
)
SHOES_SQL = (
    "SELECT shoe_id, shoe_type, name, brand, release_year, spec_source, status, features, attributes,"
    " provenance FROM shoes "
    "ORDER BY CASE shoe_type WHEN 'road' THEN 0 ELSE 1 END, shoe_id"
)

CF_VERSION_COLS = "version_id, watermark, status, mode, claims_through, figures, reason, created_at"
BEAT_COLS = "host, pid, role, cf_version, state, started_at, last_seen"


# The full artifacts none of the given ids (named parameter list {keep}) descends from: each kept
# id's chain is walked back to its root through base_id; dropping a root cascades to its deltas.
# the artifacts the kept ones ({keep}) are built on, themselves included
_KEPT_CHAINS = (
    "WITH RECURSIVE chain (id) AS (SELECT artifact_id FROM cf_artifacts WHERE artifact_id IN ({keep})"
    " UNION SELECT a.base_id FROM cf_artifacts a JOIN chain c ON a.artifact_id = c.id"
    " WHERE a.base_id IS NOT NULL)"
)
PRUNE_CF_ARTIFACTS_SQL = (
    _KEPT_CHAINS
    + " DELETE FROM cf_artifacts WHERE base_id IS NULL AND artifact_id NOT IN (SELECT id FROM chain)"
)
# every artifact PRUNE_CF_ARTIFACTS_SQL drops (a chain root no kept artifact is built on, and the
# deltas built on it), with its chunk count
PRUNABLE_CF_ARTIFACTS_SQL = (
    _KEPT_CHAINS + ", doomed (id) AS (SELECT artifact_id FROM cf_artifacts WHERE base_id IS NULL"
    " AND artifact_id NOT IN (SELECT id FROM chain)"
    " UNION SELECT a.artifact_id FROM cf_artifacts a JOIN doomed d ON a.base_id = d.id)"
    " SELECT a.artifact_id, a.n_chunks FROM cf_artifacts a JOIN doomed d ON a.artifact_id = d.id"
)
ARTIFACT_CHUNKS_PER_TX = 4  # chunks per write transaction: the embedded store's lock is held ~10 ms


IMPRESSION_COLS = "user_id, shown_at, source, model_version, arm, first_position, shoe_ids"
# A page repeated verbatim after its first showing (impression ids in (prev, upto]): the metrics read
# only each pair's first showing, so the repeat carries nothing (named parameters prev, upto). The
# older copy is found by its page key on impressions_page_idx, one probe per new row; the columns
# are compared too, so a hash collision never deletes a page.
REPEATED_IMPRESSIONS_SQL = (
    "SELECT n.impression_id FROM impressions n"
    " WHERE n.impression_id > {prev} AND n.impression_id <= {upto} AND n.page_key IS NOT NULL"
    " AND EXISTS (SELECT 1 FROM impressions o WHERE o.user_id = n.user_id AND o.page_key = n.page_key"
    " AND o.impression_id < n.impression_id AND o.shoe_ids = n.shoe_ids"
    " AND o.first_position = n.first_position AND o.source = n.source AND o.arm = n.arm"
    " AND COALESCE(o.model_version, '') = COALESCE(n.model_version, ''))"
)
# impressions past the retention, oldest first, a batch per transaction (named parameters before, n)
EXPIRE_IMPRESSIONS_SQL = (
    "DELETE FROM impressions WHERE impression_id IN (SELECT impression_id FROM impressions"
    " WHERE shown_at < {before} ORDER BY shown_at LIMIT {n})"
)
IMPRESSIONS_PER_TX = 16  # impressions per write transaction (see SQLOnline.record_impressions)
READ_BATCH = 20_000  # rows per read transaction where a job reads a whole window (SQLOnline._keyset)
# one page, unless its runner was forgotten after it was shown (it waited in a worker's buffer)
INSERT_IMPRESSION_SQL = (
    f"INSERT INTO impressions ({IMPRESSION_COLS}, page_key) SELECT {{values}} WHERE NOT EXISTS ("
    "SELECT 1 FROM forgotten_runners f WHERE f.user_id = {user} AND f.forgotten_at >= {at})"
)
# like, or a rating of 4 or more (a rating event's value is its stars)
POSITIVE_EVENTS_WHERE = "(action_type = 'like' OR (action_type = 'rate' AND value >= 4))"


# store_meta, read and written alike by both dialects (SQLite has upserts since 3.24)
GET_META_SQL = "SELECT value FROM store_meta WHERE key = {p}"
SET_META_SQL = (
    "INSERT INTO store_meta (key, value) VALUES ({p}, {p})"
    " ON CONFLICT (key) DO UPDATE SET value = excluded.value"
)
_SHOE_VALUES = [
    "shoe_id", "shoe_type", "name", "brand", "release_year", "spec_source", "status",
]  # fmt: skip
_SHOE_JSON = ["features", "attributes", "provenance"]


def upsert_shoe_sql(d: Dialect) -> str:
    """Insert or update one shoe, a row of `seed.catalog_rows` (named parameters)."""
    values = [d.named(c) for c in _SHOE_VALUES] + [d.named(c) + d.json for c in _SHOE_JSON]
    return (
        f"INSERT INTO shoes ({', '.join(_SHOE_VALUES + _SHOE_JSON)}) VALUES ({', '.join(values)})"
        " ON CONFLICT (shoe_id) DO UPDATE SET "
        + ", ".join(f"{c} = excluded.{c}" for c in _SHOE_VALUES[1:] + _SHOE_JSON)
    )


# the demo runners' rows, one statement per table ({p}: the parameter mark)
DEMO_LIKE_SQL = (
    "INSERT INTO favorites (user_id, shoe_id, created_at) VALUES ({p}, {p}, {p}) ON CONFLICT DO NOTHING"
)
DEMO_RATE_SQL = (
    "INSERT INTO reviews (user_id, shoe_id, rating, created_at) VALUES ({p}, {p}, {p}, {p})"
    " ON CONFLICT (user_id, shoe_id) DO UPDATE SET rating = excluded.rating"
)
INSERT_EVENT_SQL = (
    "INSERT INTO interaction_events (user_id, shoe_id, action_type, value, created_at)"
    " VALUES ({p}, {p}, {p}, {p}, {p})"
)
EVENTS_EMPTY_SQL = "SELECT NOT EXISTS (SELECT 1 FROM interaction_events)"
USER_LAST_EVENT_SQL = "SELECT COALESCE(MAX(event_id), 0) FROM interaction_events WHERE user_id = {p}"
USERS_CHANGED_SQL = (
    "SELECT DISTINCT user_id FROM interaction_events WHERE event_id > {p} AND event_id <= {p}"
    " ORDER BY user_id"
)


def _sqlite_time(at: datetime) -> str:
    return at.astimezone(UTC).isoformat()  # created_at is written as UTC ISO text


def _postgres_time(at: datetime) -> datetime:
    return at


_PG_IMPRESSION = ("bigint", "double precision", "text", "text", "text", "integer", "text", "bigint")
SQLITE = Dialect(
    "sqlite", "?", ":{}".format, "", _sqlite_time,
    "UPDATE shoes SET status = 'retired' WHERE shoe_id NOT IN (SELECT value FROM json_each(?))", json.dumps,
    INSERT_IMPRESSION_SQL.format(values=", ".join(["?"] * 8), user="?", at="?"),
    None,
)  # fmt: skip
POSTGRES = Dialect(
    "postgres", "%s", "%({})s".format, "::jsonb", _postgres_time,
    "UPDATE shoes SET status = 'retired' WHERE NOT (shoe_id = ANY(%s))", list,
    INSERT_IMPRESSION_SQL.format(
        values=", ".join(f"%s::{t}" for t in _PG_IMPRESSION), user="%s::bigint", at="%s::double precision"
    ),
    # migration 0012: the counter is read off the event ids above counted_from
    "UPDATE ct_settings SET counted_from = (SELECT COALESCE(MAX(event_id), 0) FROM interaction_events)",
)  # fmt: skip

# PostgreSQL advisory lock keys (SQLite's single writer serialises these on its own)
SEED_LOCK_KEY = 7860  # one initialiser at a time
EVENT_COMPACTION_LOCK_KEY = 7861  # one event compaction at a time (the migration lock's key too)
IMPRESSION_COMPACTION_LOCK_KEY = 7863  # one impression compaction at a time (7862: CT leadership)
