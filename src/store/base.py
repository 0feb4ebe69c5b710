"""The store's interface, row types and errors, shared by every backend.

Every write is one transaction that records the interaction, appends it to `interaction_events`
and bumps the shared continuous-training counter, so the counter is global across workers and
nothing is ever half-written. Scores are computed in Python from raw rows (`recommender.scores`)
so the conversion lives in exactly one place.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple

from src.config import METADATA_COLUMNS, Settings, ShoeType
from src.recommender.online_metrics import Feedback, Impression
from src.recommender.scores import aggregate_scores, pair_score, score_of

log = logging.getLogger(__name__)


class UserRow(NamedTuple):
    """One stored interaction of a known user."""

    shoe_id: str
    action: str  # like | rate
    value: int | None  # the stars of a rating, None for a like


class InteractionRow(NamedTuple):
    """One stored interaction: who, which shoe, like or rate, stars."""

    user_id: int
    shoe_id: str
    action: str
    value: int | None


class ScoreTriple(NamedTuple):
    """A user's summed score for one shoe."""

    user_id: int
    shoe_id: str
    score: float


class StoreError(RuntimeError):
    """Base class for store failures."""


class WriteWouldWait(Exception):
    """Raised instead of waiting for the write lock inside `first_write_must_not_wait()`: nothing
    was written, so the caller repeats the work where waiting is allowed."""


# a one-element list while the current work's first write must not wait (see below)
_FIRST_WRITE_MUST_NOT_WAIT: ContextVar[list[bool] | None] = ContextVar(
    "first_write_must_not_wait", default=None
)


@contextmanager
def first_write_must_not_wait() -> Iterator[None]:
    """Inside, the first write transaction that would wait for another writer raises WriteWouldWait
    (later ones wait as usual: the work has written by then and must not be repeated). The embedded
    store's request path runs on the event loop, where any wait stalls every request of the worker;
    a store whose writers never wait on each other in-process ignores it."""
    token = _FIRST_WRITE_MUST_NOT_WAIT.set([True])
    try:
        yield
    finally:
        _FIRST_WRITE_MUST_NOT_WAIT.reset(token)


def write_must_not_wait() -> list[bool] | None:
    """The current work's flag: `[True]` until its first write took the lock, else None or `[False]`."""
    return _FIRST_WRITE_MUST_NOT_WAIT.get()


class StoreUnavailable(StoreError):
    """The store cannot be reached right now (the API answers 503 with `Retry-After`)."""

    def __init__(self, message: str, retry_after_s: float = 1.0) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class StoreConfigError(StoreError):
    """The store is misconfigured (start-up stops with this one-line message)."""


class UnknownShoeError(LookupError):
    """The shoe id is not in the catalog (the API answers 404)."""


@dataclass(frozen=True, slots=True)
class UserState:
    """One user's interactions as stored, and the id of their newest event (0 if none)."""

    rows: list[UserRow]
    last_event_id: int

    @property
    def scores(self) -> dict[str, float]:
        return aggregate_scores(self.rows)


@dataclass(frozen=True, slots=True)
class RecordOutcome:
    """What one write did: whether anything changed, the CT counter after it, and the user's rows."""

    event_id: int
    changed: bool
    ct_pending: int
    rebuild_claimed: bool
    user: UserState


@dataclass(frozen=True, slots=True)
class ForgetOutcome:
    """What forgetting a runner erased (counts of rows), and whether it claimed a CT rebuild."""

    favorites: int
    reviews: int
    events: int
    questionnaires: int
    rebuild_claimed: bool

    @property
    def anything(self) -> bool:
        return bool(self.favorites or self.reviews or self.events or self.questionnaires)


@dataclass(frozen=True, slots=True)
class Overview:
    """The operator dashboard's counters: runners with any like or rating, catalog shoes, likes and
    ratings held, and those made since `since` (None when the backend keeps no times)."""

    runners: int
    shoes: int
    likes: int
    ratings: int
    likes_since: int | None
    ratings_since: int | None


@dataclass(frozen=True, slots=True)
class SavedQuestionnaire:
    """A runner's saved questionnaire: which shoe type and the answers given (unanswered left out)."""

    shoe_type: ShoeType
    answers: dict[str, str | int]  # every answer a string but budget_usd


@dataclass(frozen=True, slots=True)
class CTState:
    pending: int
    rebuilds_claimed: int
    max_event_id: int


@dataclass(frozen=True, slots=True)
class PairDelta:
    """What the events in (after, upto] changed, as of `upto`.

    `scores`: every (runner, shoe) pair with an event in the window, with its score as of `upto`
    (0.0 where nothing live is left); for a runner in `reset_users` (a `forget` in the window, or
    a backend that only re-reads whole runners) every pair they have as of `upto` instead, so their
    row is exactly these cells."""

    scores: list[ScoreTriple]
    reset_users: list[int]

    @property
    def user_ids(self) -> list[int]:
        """Every runner the window touched, ascending."""
        return sorted({t.user_id for t in self.scores}.union(self.reset_users))


def pair_delta_from_rows(rows: Iterable[Sequence[Any]]) -> PairDelta:
    """A PairDelta from `PAIR_SCORES_CHANGED_SQL` rows (user_id, shoe_id, liked, stars); a row with
    no shoe names a runner reset by a forget."""
    scores: list[ScoreTriple] = []
    reset: list[int] = []
    for user_id, shoe_id, liked, stars in rows:
        if shoe_id is None:
            reset.append(int(user_id))
        else:
            score = pair_score(bool(liked), None if stars is None else int(stars))
            scores.append(ScoreTriple(int(user_id), str(shoe_id), score))
    return PairDelta(scores, reset)


@dataclass(frozen=True, slots=True)
class CFVersion:
    """One finished CT rebuild as recorded in the store. `watermark`: every event with an id at or
    below it, and no other, is in the version's matrix (rebuilt anywhere with `scores_as_of`)."""

    version_id: int
    watermark: int
    status: str  # published | refused | failed
    mode: str  # full | incremental
    claims_through: int  # ct_state.rebuilds_claimed this rebuild answered
    figures: dict[str, Any]
    reason: str | None
    created_at: str

    @property
    def label(self) -> str:
        return version_label(self.version_id)


@dataclass(frozen=True, slots=True)
class CFArtifact:
    """An immutable collaborative artifact blob (issue 21), named by its SHA-256 (`artifact_id`).
    kind "full": every serving array of a version; "delta": what turns `base_id`'s arrays into
    the next version's."""

    artifact_id: str
    kind: str
    base_id: str | None
    blob: bytes


ARTIFACT_CHUNK_BYTES = 1 << 20  # one stored row per MiB (PostgreSQL bytea, SQLite blob)


# The full artifacts none of the given ids (named parameter list {keep}) descends from: each kept
# id's chain is walked back to its root through base_id; dropping a root cascades to its deltas.
PRUNE_CF_ARTIFACTS_SQL = (
    "WITH RECURSIVE chain (id) AS (SELECT artifact_id FROM cf_artifacts WHERE artifact_id IN ({keep})"
    " UNION SELECT a.base_id FROM cf_artifacts a JOIN chain c ON a.artifact_id = c.id"
    " WHERE a.base_id IS NOT NULL)"
    " DELETE FROM cf_artifacts WHERE base_id IS NULL AND artifact_id NOT IN (SELECT id FROM chain)"
)
ARTIFACT_CHUNKS_PER_TX = 4  # chunks per write transaction: the embedded store's lock is held ~10 ms


def artifact_chunks(blob: bytes) -> list[bytes]:
    return [blob[i : i + ARTIFACT_CHUNK_BYTES] for i in range(0, len(blob), ARTIFACT_CHUNK_BYTES)]


def version_label(version_id: int) -> str:
    """`12` -> `v000012`: what /health and the metrics show; orders like the id."""
    return f"v{version_id:06d}"


@dataclass(frozen=True, slots=True)
class CTPoll:
    """What replicas and the CT process poll, in one round trip."""

    rebuilds_claimed: int
    claims_handled: int
    reload_generation: int
    version_id: int | None  # the newest published version, None before the first
    watermark: int | None

    @classmethod
    def from_row(cls, row: Sequence[Any]) -> CTPoll:
        """From (claimed, handled, generation, version_id, watermark) as any backend returns them."""
        claimed, handled, generation, version_id, watermark = row
        return cls(
            int(claimed),
            int(handled),
            int(generation),
            None if version_id is None else int(version_id),
            None if watermark is None else int(watermark),
        )


@dataclass(frozen=True, slots=True)
class ProcessBeat:
    """An API worker or CT process as its last heartbeat described it."""

    host: str
    pid: int
    role: str  # api | ct
    cf_version: int | None
    state: str  # idle | rebuilding (CT); serving (API)
    started_at: str
    last_seen: str
    age_s: float


class LeadershipTimeout(TimeoutError):
    """Another CT process holds the leadership."""


class Leadership(ABC):
    """The right to rebuild and publish, held by one CT process per database."""

    @abstractmethod
    def acquire(self, timeout_s: float) -> None:
        """Take it, or raise LeadershipTimeout after `timeout_s`."""

    @abstractmethod
    def still_held(self) -> bool:
        """False when the lock was lost (e.g. its PostgreSQL session died): stop publishing."""

    @abstractmethod
    def release(self) -> None: ...


class FileLeadership(Leadership):
    """A file lock beside the store: one CT per host (the embedded store, or Supabase's REST API,
    which cannot hold a session lock). The OS drops it when the process dies, even on kill -9."""

    def __init__(self, path: str) -> None:
        from filelock import FileLock

        self._lock = FileLock(path)

    def acquire(self, timeout_s: float) -> None:
        from filelock import Timeout

        try:
            self._lock.acquire(timeout=timeout_s)
        except Timeout:
            raise LeadershipTimeout(f"another CT process holds {self._lock.lock_file}") from None

    def still_held(self) -> bool:
        return bool(self._lock.is_locked)

    def release(self) -> None:
        self._lock.release(force=True)


def shoe_record(row: dict[str, Any]) -> dict[str, Any]:
    """Flatten a stored shoe (metadata + JSON features) into the catalog record shape."""
    features = row["features"]
    if isinstance(features, str):
        features = json.loads(features)
    record = {col: row.get(col) for col in METADATA_COLUMNS}
    record["release_year"] = int(record["release_year"]) if record["release_year"] is not None else None
    record["status"] = record["status"] or "active"
    record["shoe_type"] = row["shoe_type"]
    record.update({k: float(v) for k, v in features.items()})
    attributes = row.get("attributes") or {}
    if isinstance(attributes, str):
        attributes = json.loads(attributes)
    record.update(attributes)
    provenance = row.get("provenance") or {}
    record["provenance"] = json.loads(provenance) if isinstance(provenance, str) else dict(provenance)
    return record


class Store(ABC):
    """The interface the rest of the code uses. Implementations are thread-safe."""

    backend: str = "abstract"
    # Statements are local calls (an embedded file), short enough to run on the event loop; False
    # for a store behind a network round trip, whose calls go to the thread pool.
    in_process: bool = False

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    # --- lifecycle
    @abstractmethod
    def init(self) -> None:
        """Create the schema if needed and seed the catalog (and demo data where enabled)."""

    @abstractmethod
    def ping(self) -> None:
        """Raise StoreUnavailable unless the store answers a trivial query."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections."""

    # --- catalog
    _catalog: list[dict[str, Any]] | None = None
    _catalog_by_id: dict[str, dict[str, Any]] = {}  # noqa: RUF012 - replaced per instance

    @abstractmethod
    def _fetch_shoes(self) -> list[dict[str, Any]]:
        """Every shoe record from the store, road then trail, each in id order."""

    def all_shoes(self) -> list[dict[str, Any]]:
        """Every active shoe, road then trail: what is browsed, trained on and recommended. A retired
        shoe is only found by `shoe(id)`. The catalog only changes when the store is seeded, so it is
        read once per process (and again after `init`)."""
        if self._catalog is None:
            catalog = self._fetch_shoes()
            self._catalog_by_id = {s["shoe_id"]: s for s in catalog}
            self._catalog = [s for s in catalog if s["status"] == "active"]
        return self._catalog

    def shoes(self, shoe_type: ShoeType) -> list[dict[str, Any]]:
        return [s for s in self.all_shoes() if s["shoe_type"] == shoe_type]

    def shoe(self, shoe_id: str) -> dict[str, Any] | None:
        """Any shoe ever stored, retired ones included (a runner's history stays readable)."""
        self.all_shoes()
        return self._catalog_by_id.get(shoe_id)

    # --- interactions
    def record_like(self, user_id: int, shoe_id: str) -> RecordOutcome:
        return self._record(user_id, shoe_id, "like", None)

    def record_rating(self, user_id: int, shoe_id: str, rating: int) -> RecordOutcome:
        score_of("rate", rating)  # validates 1-5 before touching the store
        return self._record(user_id, shoe_id, "rate", rating)

    @abstractmethod
    def _record(self, user_id: int, shoe_id: str, action: str, value: int | None) -> RecordOutcome: ...

    def remove_like(self, user_id: int, shoe_id: str) -> RecordOutcome:
        """Take back a like (an `unlike` event, counted towards CT); changed=False if there was none."""
        return self._delete(user_id, shoe_id, "unlike")

    def remove_rating(self, user_id: int, shoe_id: str) -> RecordOutcome:
        """Take back a rating (an `unrate` event, counted towards CT); changed=False if there was none."""
        return self._delete(user_id, shoe_id, "unrate")

    @abstractmethod
    def _delete(self, user_id: int, shoe_id: str, action: str) -> RecordOutcome: ...

    @abstractmethod
    def forget_user(self, user_id: int) -> ForgetOutcome:
        """Erase a runner in one transaction: favorites, reviews, their event rows and the saved
        questionnaire. One `forget` event (user id and time, nothing else) is left so continuous
        training re-reads the runner and drops their row. Idempotent."""

    @abstractmethod
    def save_questionnaire(self, user_id: int, saved: SavedQuestionnaire) -> None:
        """Store (or replace) a runner's questionnaire."""

    @abstractmethod
    def load_questionnaire(self, user_id: int) -> SavedQuestionnaire | None: ...

    @abstractmethod
    def user_state(self, user_id: int) -> UserState: ...

    @abstractmethod
    def user_last_event(self, user_id: int) -> int: ...

    @abstractmethod
    def interaction_rows(self, user_ids: Sequence[int] | None = None) -> list[InteractionRow]:
        """Raw (user_id, shoe_id, action_type, value) rows, for everyone or for the given users."""

    def nearest_runners(self, user_id: int, limit: int = 10) -> list[tuple[int, float, int]]:
        """The runners whose liked shoes (a like or 4+ stars) overlap this runner's most, as (runner,
        cosine of the two sets of liked shoes, shoes in common), best first: what an operator looks up
        (the served engine weighs every runner by a power of this kind of similarity, but its API
        workers keep no runner rows). This default reads every row; the SQL backends answer in one
        statement."""
        liked: dict[int, set[str]] = {}
        for r in self.interaction_rows():
            if r.action == "like" or (r.value or 0) >= 4:
                liked.setdefault(r.user_id, set()).add(r.shoe_id)
        mine = liked.get(user_id, set())
        counts = [
            (other, len(shoes & mine), len(shoes), len(mine))
            for other, shoes in liked.items()
            if other != user_id and shoes & mine
        ]
        return rank_nearest(counts, limit)

    def overview(self, since: datetime) -> Overview:
        """Counters for the operator dashboard. This default reads every row and knows no times;
        the SQL backends answer in one statement."""
        rows = self.interaction_rows()
        likes = sum(1 for r in rows if r.action == "like")
        return Overview(
            len({r.user_id for r in rows}), len(self.all_shoes()), likes, len(rows) - likes, None, None
        )

    def interaction_scores(self, user_ids: Sequence[int] | None = None) -> list[ScoreTriple]:
        """(user_id, shoe_id, summed score) for every interacting pair (optionally some users only)."""
        totals: dict[tuple[int, str], float] = {}
        for user_id, shoe_id, action, value in self.interaction_rows(user_ids):
            key = (user_id, shoe_id)
            totals[key] = totals.get(key, 0.0) + score_of(action, value)
        return [ScoreTriple(u, s, v) for (u, s), v in totals.items()]

    @abstractmethod
    def ct_state(self) -> CTState: ...

    def compact_events(self, through_event_id: int) -> int:
        """Fold the event log: drop every event up to `through_event_id` (a published CF version's
        watermark) that a newer event of the same runner and shoe, also up to it, supersedes.
        The interactions themselves live in favorites/reviews; the log only has to tell which runners
        changed after a watermark and each runner's newest event, and both survive. Returns the
        number of events removed. Backends that cannot run it (the REST client) keep everything."""
        return 0

    # --- online evaluation: impressions and the metrics computed from them
    def record_impressions(self, rows: Sequence[Impression]) -> int:
        """Append served pages (one batch, one transaction); returns how many were written: a page
        shown before its runner was forgotten (it waited in a worker's buffer) is not."""
        raise NotImplementedError(f"the {self.backend} store does not record impressions")

    def impressions_since(self, since: float) -> list[Impression]:
        """Every impression shown at or after `since` (unix seconds), oldest first."""
        return []

    def positive_feedback_since(self, since: float) -> list[Feedback]:
        """Likes and ratings of 4 stars or more recorded at or after `since`, from the event log."""
        return []

    def compact_impressions(self, older_than: float) -> int:
        """Drop impressions shown before `older_than`, and pages repeated verbatim (same runner,
        shoes, positions, source, version and arm) after their first showing: the metrics read
        only the first showing of each pair. Returns the rows removed."""
        return 0

    def save_online_report(self, body: dict[str, Any], keep: int = 500) -> None:  # noqa: B027 - optional
        """Store a computed metrics report (the newest `keep` are kept)."""

    def online_reports(self, limit: int = 1) -> list[dict[str, Any]]:
        """The newest stored reports, newest first, each with its `computed_at`."""
        return []

    @property
    def threshold(self) -> int:
        return self.settings.ct_threshold

    # --- continuous training across processes and hosts
    @abstractmethod
    def interactions_as_of(
        self, watermark: int, user_ids: Sequence[int] | None = None
    ) -> list[InteractionRow]:
        """The interactions as they stood right after event `watermark`, replayed from the event log
        (a like once, the newest rating), for everyone or for the given users."""

    def scores_as_of(self, watermark: int, user_ids: Sequence[int] | None = None) -> list[ScoreTriple]:
        """(user_id, shoe_id, summed score) as of event `watermark`: the same on every replica."""
        totals: dict[tuple[int, str], float] = {}
        for user_id, shoe_id, action, value in self.interactions_as_of(watermark, user_ids):
            key = (user_id, shoe_id)
            totals[key] = totals.get(key, 0.0) + score_of(action, value)
        return [ScoreTriple(u, s, v) for (u, s), v in totals.items()]

    def newest_event_id(self) -> int:
        """The newest committed event id. Events commit in id order (SQLite has one writer;
        PostgreSQL's record_interaction() takes the ct_state row lock before the insert), so every
        event at or below it is visible: a safe watermark with no settling delay."""
        return self.ct_state().max_event_id

    @abstractmethod
    def users_changed_between(self, after: int, upto: int) -> list[int]:
        """Users with an event id in (after, upto], ascending."""

    def pair_scores_changed_between(self, after: int, upto: int) -> PairDelta:
        """The (runner, shoe) pairs with an event in (after, upto], each scored as of `upto`: what a
        snapshot at `after` needs to reach `upto` (`cf_snapshot.with_changed_cells`).

        This default re-reads every changed runner's whole history (all of them reset); SQLite
        and PostgreSQL read only the window's pairs (`PAIR_SCORES_CHANGED_SQL`), so following a
        version costs the events since the last one, not the changed runners' histories."""
        users = self.users_changed_between(after, upto)
        return PairDelta(self.scores_as_of(upto, users) if users else [], users)

    @abstractmethod
    def ct_poll(self) -> CTPoll: ...

    @abstractmethod
    def record_cf_version(
        self,
        *,
        watermark: int,
        status: str,
        mode: str,
        claims_through: int,
        figures: dict[str, Any],
        reason: str | None = None,
    ) -> CFVersion:
        """Record a finished rebuild and mark claims up to `claims_through` handled, in one
        transaction (nothing is half-published)."""

    @abstractmethod
    def cf_versions(self, limit: int = 10, status: str | None = None) -> list[CFVersion]:
        """The newest recorded rebuilds first (only those with `status` if given)."""

    def latest_cf_version(self) -> CFVersion | None:
        found = self.cf_versions(1, "published")
        return found[0] if found else None

    @abstractmethod
    def cf_version(self, version_id: int) -> CFVersion | None: ...

    def put_cf_artifact(self, artifact_id: str, kind: str, base_id: str | None, blob: bytes) -> None:
        """Store an artifact blob under its SHA-256 (idempotent: an id already stored is kept).
        Backends without artifact tables raise NotImplementedError (replicas then follow a
        version by replaying the event log, as before)."""
        raise NotImplementedError(f"{type(self).__name__} stores no CF artifacts")

    def cf_artifact(self, artifact_id: str) -> CFArtifact | None:
        """The artifact stored under `artifact_id` (None if there is none), blob unverified."""
        raise NotImplementedError(f"{type(self).__name__} stores no CF artifacts")

    def prune_cf_artifacts(self, keep: Sequence[str]) -> int:
        """Drop every artifact chain (a full artifact and the deltas built on it) that none of
        `keep` belongs to; returns the artifacts removed. The CT process calls it after each
        publication with the artifacts of the versions still worth following."""
        raise NotImplementedError(f"{type(self).__name__} stores no CF artifacts")

    @abstractmethod
    def bump_reload_generation(self) -> int:
        """Ask every API worker of every replica to reload its models; returns the new generation."""

    @abstractmethod
    def heartbeat(
        self, role: str, cf_version: int | None, state: str, *, host: str, pid: int, forget_after_s: float
    ) -> None:
        """Upsert this process's row; forget processes silent for longer than `forget_after_s`."""

    @abstractmethod
    def serving_processes(self, max_age_s: float) -> list[ProcessBeat]:
        """Processes seen within `max_age_s`, API workers then CT, by host and pid."""

    @abstractmethod
    def ct_leadership(self) -> Leadership:
        """The lock that makes one CT process the only one rebuilding (see Leadership)."""

    def held_leadership(self, timeout_s: float) -> AbstractContextManager[Leadership]:
        """`with store.held_leadership(30) as lead:` acquire, and always release."""
        from contextlib import contextmanager

        @contextmanager
        def held() -> Iterator[Leadership]:
            lead = self.ct_leadership()
            lead.acquire(timeout_s)
            try:
                yield lead
            finally:
                lead.release()

        return held()


_USER_ROWS_SQL = (
    "SELECT shoe_id, 'like', NULL FROM favorites WHERE user_id = {p} "
    "UNION ALL SELECT shoe_id, 'rate', rating FROM reviews WHERE user_id = {p}"
)
_ALL_ROWS_SQL = (
    "SELECT user_id, shoe_id, 'like', NULL FROM favorites "
    "UNION ALL SELECT user_id, shoe_id, 'rate', rating FROM reviews"
)


def rank_nearest(counts: Sequence[tuple[int, int, int, int]], limit: int) -> list[tuple[int, float, int]]:
    """(runner, cosine, shared) best first from (runner, shared, their liked, my liked) counts; ties by
    more shoes in common, then the lower id."""
    scored = [
        (int(u), shared / math.sqrt(theirs * mine), int(shared))
        for u, shared, theirs, mine in counts
        if shared > 0 and theirs > 0 and mine > 0
    ]
    scored.sort(key=lambda t: (-t[1], -t[2], t[0]))
    return [(u, round(cos, 4), shared) for u, cos, shared in scored[:limit]]


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
_OVERVIEW_SQL = (
    "SELECT (SELECT COUNT(*) FROM (SELECT user_id FROM favorites UNION SELECT user_id FROM reviews) AS u),"
    " (SELECT COUNT(*) FROM shoes), (SELECT COUNT(*) FROM favorites), (SELECT COUNT(*) FROM reviews),"
    " (SELECT COUNT(*) FROM favorites WHERE created_at >= {p}),"
    " (SELECT COUNT(*) FROM reviews WHERE created_at >= {p})"
)


def _now_iso() -> str:
    return datetime.now(UTC).isoformat()


_CT_STATE_SQL = (
    "SELECT pending, rebuilds_claimed, (SELECT COALESCE(MAX(event_id), 0) FROM interaction_events)"
    " FROM ct_state WHERE id = 1"
)
_SHOE_COLS = [
    "shoe_id", "shoe_type", "name", "brand", "release_year", "spec_source", "status", "features",
    "attributes", "provenance",
]  # fmt: skip
# Superseded = a newer event of the same runner, shoe and action (a like and a rating of one shoe
# both count) exists at or below the watermark. Only
# superseding events newer than the previous compaction can supersede an event still present, so
# each compaction touches just the pairs changed since the last one (named parameters w, prev).
COMPACT_EVENTS_SQL = (
    "DELETE FROM interaction_events WHERE event_id IN ("
    "SELECT o.event_id FROM interaction_events n JOIN interaction_events o ON o.user_id = n.user_id"
    " AND o.shoe_id = n.shoe_id AND o.action_type = n.action_type AND o.event_id < n.event_id"
    " WHERE n.event_id > {prev} AND n.event_id <= {w})"
)
# events per compaction transaction: the work is the window's events (a range scan) and one pair
# index seek each, never the whole log, and the write lock is never held long
COMPACTION_BATCH = 5_000
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
_SHOES_SQL = (
    "SELECT shoe_id, shoe_type, name, brand, release_year, spec_source, status, features, attributes,"
    " provenance FROM shoes "
    "ORDER BY CASE shoe_type WHEN 'road' THEN 0 ELSE 1 END, shoe_id"
)

_CF_VERSION_COLS = "version_id, watermark, status, mode, claims_through, figures, reason, created_at"
_BEAT_COLS = "host, pid, role, cf_version, state, started_at, last_seen"


def cf_version_row(row: Sequence[Any]) -> CFVersion:
    version_id, watermark, status, mode, claims_through, figures, reason, created_at = row
    if isinstance(figures, str):
        figures = json.loads(figures)
    return CFVersion(
        int(version_id),
        int(watermark),
        str(status),
        str(mode),
        int(claims_through),
        dict(figures or {}),
        reason,
        created_at.isoformat() if isinstance(created_at, datetime) else str(created_at),
    )


def beat_row(row: Sequence[Any], now: datetime) -> ProcessBeat:
    host, pid, role, cf_version, state, started_at, last_seen = row
    seen = last_seen if isinstance(last_seen, datetime) else datetime.fromisoformat(str(last_seen))
    started = started_at if isinstance(started_at, datetime) else datetime.fromisoformat(str(started_at))
    return ProcessBeat(
        str(host),
        int(pid),
        str(role),
        None if cf_version is None else int(cf_version),
        str(state),
        started.isoformat(),
        seen.isoformat(),
        round((now - seen).total_seconds(), 3),
    )


IMPRESSION_COLS = "user_id, shown_at, source, model_version, arm, first_position, shoe_ids"
# A page repeated verbatim after its first showing (impression ids in (prev, upto]): the metrics read
# only each pair's first showing, so the repeat carries nothing (named parameters prev, upto). The
# older copy is found by its page key on impressions_page_idx, one probe per new row; the columns
# are compared too, so a hash collision never deletes a page.
COMPACT_IMPRESSIONS_SQL = (
    "DELETE FROM impressions WHERE impression_id IN (SELECT n.impression_id FROM impressions n"
    " WHERE n.impression_id > {prev} AND n.impression_id <= {upto} AND n.page_key IS NOT NULL"
    " AND EXISTS (SELECT 1 FROM impressions o WHERE o.user_id = n.user_id AND o.page_key = n.page_key"
    " AND o.impression_id < n.impression_id AND o.shoe_ids = n.shoe_ids"
    " AND o.first_position = n.first_position AND o.source = n.source AND o.arm = n.arm"
    " AND COALESCE(o.model_version, '') = COALESCE(n.model_version, '')))"
)
# impressions past the retention, oldest first, a batch per transaction (named parameters before, n)
EXPIRE_IMPRESSIONS_SQL = (
    "DELETE FROM impressions WHERE impression_id IN (SELECT impression_id FROM impressions"
    " WHERE shown_at < {before} ORDER BY shown_at LIMIT {n})"
)
# one page, unless its runner was forgotten after it was shown (it waited in a worker's buffer)
INSERT_IMPRESSION_SQL = (
    f"INSERT INTO impressions ({IMPRESSION_COLS}, page_key) SELECT {{values}} WHERE NOT EXISTS ("
    "SELECT 1 FROM forgotten_runners f WHERE f.user_id = {user} AND f.forgotten_at >= {at})"
)
# like, or a rating of 4 or more (a rating event's value is its stars)
POSITIVE_EVENTS_WHERE = "(action_type = 'like' OR (action_type = 'rate' AND value >= 4))"


def impression_params(imp: Impression) -> tuple[Any, ...]:
    """The values of INSERT_IMPRESSION_SQL: the row, then the runner and time the forget check reads."""
    return (
        imp.user_id,
        imp.shown_at,
        imp.source,
        imp.model_version,
        imp.arm,
        imp.first_position,
        ",".join(imp.shoe_ids),
        page_key(imp),
        imp.user_id,
        imp.shown_at,
    )


def page_key(imp: Impression) -> int:
    """What identifies a page for compaction: a signed 63-bit hash of everything but runner and time."""
    text = f"{imp.source}|{imp.model_version or ''}|{imp.arm}|{imp.first_position}|{','.join(imp.shoe_ids)}"
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big") >> 1


def impression_row(row: Sequence[Any]) -> Impression:
    user_id, shown_at, source, version, arm, first_position, shoe_ids = row
    return Impression(
        int(user_id),
        float(shown_at),
        str(source),
        version,
        str(arm),
        tuple(str(shoe_ids).split(",")) if shoe_ids else (),
        int(first_position),
    )


def epoch_of(value: Any) -> float:
    """A stored timestamp (datetime or ISO text) as unix seconds."""
    if isinstance(value, datetime):
        return value.timestamp()
    return datetime.fromisoformat(str(value)).timestamp()
