"""The store's row types, and the conversions from stored rows that every backend shares."""

from __future__ import annotations

import bisect
import hashlib
import json
import math
import sys
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple

from src.config import METADATA_COLUMNS, ShoeType
from src.recommender.online_metrics import Impression
from src.recommender.scores import PAIR_CODE_ROWS, PAIR_CODE_SCORES, PAIR_LIKED, pair_code, pair_score


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


# the codes that stand for two stored rows (a like and a rating): every other kept code stands for one
_TWO_ROW_CODES = tuple(code for code, rows in enumerate(PAIR_CODE_ROWS) if rows == 2)


class UserState:
    """One runner's live likes and ratings, and the id of their newest event (0 if none).

    Packed: the shoes they liked or rated, sorted, and one code per shoe (`scores.pair_code`: the
    like and the stars in one byte), so a worker can keep many runners' states (`RunnerStates`) and
    the ranking reads their scores without a dict (`cf_snapshot.packed_row_arrays`). `rows` and
    `scores` give the stored rows and the summed scores, built when asked."""

    __slots__ = ("codes", "last_event_id", "n_rows", "shoes")

    shoes: tuple[str, ...]
    codes: bytes
    last_event_id: int
    n_rows: int  # stored rows: a like and a rating of one shoe are two

    def __init__(self, rows: Iterable[Sequence[Any]], last_event_id: int) -> None:
        """From stored (shoe_id, like | rate, stars) rows in any order."""
        codes: dict[str, int] = {}
        for shoe_id, action, value in rows:
            shoe = sys.intern(str(shoe_id))
            code = codes.get(shoe, 0)
            if action == "like":
                codes[shoe] = code | PAIR_LIKED
            elif action == "rate" and value is not None:
                codes[shoe] = pair_code(bool(code & PAIR_LIKED), int(value))
            else:
                raise ValueError(f"unknown interaction {action!r} with value {value!r}")
        shoes = tuple(sorted(codes))
        self._set(shoes, bytes([codes[s] for s in shoes]), int(last_event_id))

    def _set(self, shoes: tuple[str, ...], codes: bytes, last_event_id: int) -> None:
        self.shoes, self.codes, self.last_event_id = shoes, codes, last_event_id
        self.n_rows = len(shoes) + sum(codes.count(c) for c in _TWO_ROW_CODES)

    @classmethod
    def packed(cls, shoes: tuple[str, ...], codes: bytes, last_event_id: int) -> UserState:
        """A state from its packed parts (sorted shoes, one nonzero code each), as kept."""
        state = cls.__new__(cls)
        state._set(shoes, codes, last_event_id)
        return state

    @property
    def rows(self) -> list[UserRow]:
        """The rows a store read returns, in the stores' order: likes, then ratings, each by shoe."""
        pairs = list(zip(self.shoes, self.codes, strict=True))
        likes = [UserRow(s, "like", None) for s, c in pairs if c & PAIR_LIKED]
        return likes + [UserRow(s, "rate", c >> 1) for s, c in pairs if c >> 1]

    @property
    def scores(self) -> dict[str, float]:
        """Summed score per shoe (`aggregate_scores` of `rows`, in its order: liked shoes first)."""
        pairs = list(zip(self.shoes, self.codes, strict=True))
        ordered = [p for p in pairs if p[1] & PAIR_LIKED] + [p for p in pairs if not p[1] & PAIR_LIKED]
        return {s: float(PAIR_CODE_SCORES[c]) for s, c in ordered}

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, UserState):
            return NotImplemented
        return (self.shoes, self.codes, self.last_event_id) == (other.shoes, other.codes, other.last_event_id)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"UserState(rows={self.rows!r}, last_event_id={self.last_event_id})"


def user_state_of(rows: Iterable[Sequence[Any]], last_event_id: int) -> UserState:
    """A UserState from (shoe_id, like | rate, stars) rows."""
    return UserState(rows, last_event_id)


_CHANGES = {  # the code an event leaves, from the code before it and the event's stars
    "like": lambda code, _stars: code | PAIR_LIKED,
    "unlike": lambda code, _stars: code & ~PAIR_LIKED,
    "rate": lambda code, stars: pair_code(bool(code & PAIR_LIKED), int(stars)),
    "unrate": lambda code, _stars: code & PAIR_LIKED,
}


def state_after_write(
    state: UserState, shoe_id: str, action: str, value: int | None, event_id: int
) -> UserState:
    """The runner's state after one changed write or event (like, rate, unlike, unrate, forget),
    applied to `state`, their state as of the event just before it: what a read would return. One
    bisection and a copy of the packed parts (C-level), so a heavy runner's write costs about what
    a new runner's does."""
    if action == "forget":
        return UserState.packed((), b"", event_id)
    change = _CHANGES.get(action)
    if change is None:
        raise ValueError(f"unknown interaction event {action!r}")
    shoes, codes = state.shoes, state.codes
    i = bisect.bisect_left(shoes, shoe_id)
    held = i < len(shoes) and shoes[i] == shoe_id
    code = change(codes[i] if held else 0, value)
    if code:
        if not held:
            shoes = (*shoes[:i], sys.intern(shoe_id), *shoes[i:])
        codes = codes[:i] + bytes((code,)) + codes[i + held :]
    elif held:
        shoes, codes = shoes[:i] + shoes[i + 1 :], codes[:i] + codes[i + 1 :]
    return UserState.packed(shoes, codes, event_id)


def state_after_events(state: UserState, events: Iterable[Sequence[Any]]) -> UserState:
    """`state` brought up to date with the runner's events after it, (event_id, shoe_id, action,
    value) in id order. Exact on a compacted log too: compaction only drops an event that a later
    one of the same action on the same shoe follows, and the last of a shoe's like/unlike (and of
    its rate/unrate) events decides its row; a `forget` clears the runner (it deletes their older
    events, so nothing before it is replayed)."""
    for event_id, shoe_id, action, value in events:
        state = state_after_write(
            state, str(shoe_id), str(action), None if value is None else int(value), int(event_id)
        )
    return state


KEPT_RUNNER_ROWS = 24  # what a kept runner costs besides their rows (~220 B) in packed rows (~9 B)


def _weight(state: UserState) -> int:
    return state.n_rows + KEPT_RUNNER_ROWS


class RunnerStates:
    """The newest state this process read or wrote for each of its recent runners, the least
    recently used dropped while they weigh more than `max_rows` rows in all (0: none kept): a runner
    weighs their rows plus KEPT_RUNNER_ROWS, what their entry costs besides them. An entry
    stands for the store only while the store says the runner's newest event id is still the
    entry's: a runner's rows change only with an event, so a read that finds the same id needs no
    rows, a write that finds its runner's previous newest event to be the entry's applies itself to
    it (`state_after_write`), and an entry that is behind (another worker wrote) is brought up to
    date with the few events after it (`state_after_events`). A heavy runner's hundreds of rows are
    then read once, not on every like."""

    def __init__(self, max_rows: int) -> None:
        self.max_rows = max_rows
        self.rows = 0  # weight held in all
        self._states: OrderedDict[int, UserState] = OrderedDict()
        self._lock = threading.Lock()  # a write may run on the thread pool

    def newest(self, user_id: int) -> UserState | None:
        """The kept state of `user_id`, as of whatever event it is."""
        with self._lock:
            return self._states.get(user_id)

    def get(self, user_id: int, last_event_id: int) -> UserState | None:
        """The kept state of `user_id` if it is as of `last_event_id`, the store's newest."""
        with self._lock:
            state = self._states.get(user_id)
            if state is None or state.last_event_id != last_event_id:
                return None
            self._states.move_to_end(user_id)
            return state

    def put(self, user_id: int, state: UserState) -> UserState:
        if _weight(state) <= self.max_rows:
            with self._lock:
                old = self._states.pop(user_id, None)
                self.rows += _weight(state) - (_weight(old) if old is not None else 0)
                self._states[user_id] = state
                while self.rows > self.max_rows:
                    _, dropped = self._states.popitem(last=False)
                    self.rows -= _weight(dropped)
        return state

    def after_write(
        self, user_id: int, previous_event_id: int, event_id: int, write: tuple[str, str, int | None]
    ) -> UserState | None:
        """The runner's state after a committed write, from the kept one, or None if none is kept as
        of `previous_event_id` (their newest event before the write). `event_id` 0: nothing changed."""
        state = self.get(user_id, previous_event_id)
        if state is None or event_id == 0:
            return state
        return self.put(user_id, state_after_write(state, *write, event_id))

    def drop(self, user_id: int) -> None:
        with self._lock:
            old = self._states.pop(user_id, None)
            self.rows -= _weight(old) if old is not None else 0

    def clear(self) -> None:
        with self._lock:
            self._states.clear()
            self.rows = 0

    def __len__(self) -> int:
        return len(self._states)


@dataclass(frozen=True, slots=True)
class Write:
    """One like (`action` like, no value) or star rating (`action` rate, `value` 1-5) to record."""

    user_id: int
    shoe_id: str
    action: str
    value: int | None = None


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


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


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


ARTIFACT_CHUNK_BYTES = 1 << 20  # one stored row per MiB (PostgreSQL bytea, SQLite blob)


def artifact_chunks(blob: bytes) -> list[bytes]:
    return [blob[i : i + ARTIFACT_CHUNK_BYTES] for i in range(0, len(blob), ARTIFACT_CHUNK_BYTES)]
