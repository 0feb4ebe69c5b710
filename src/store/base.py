"""The store's interface, row types and errors, shared by every backend.

Every write is one transaction that records the interaction, appends it to `interaction_events`
and bumps the shared continuous-training counter, so the counter is global across workers and
nothing is ever half-written. Scores are computed in Python from raw rows (`recommender.scores`)
so the conversion lives in exactly one place.
"""

from __future__ import annotations

import json
import logging
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple

from src.config import METADATA_COLUMNS, Settings, ShoeType
from src.recommender.scores import aggregate_scores, score_of

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


class StoreUnavailable(StoreError):
    """The store cannot be reached right now (the API answers 503)."""


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
class SavedQuestionnaire:
    """A runner's saved questionnaire: which shoe type and the answers given (unanswered left out)."""

    shoe_type: ShoeType
    answers: dict[str, str]


@dataclass(frozen=True, slots=True)
class CTState:
    pending: int
    rebuilds_claimed: int
    max_event_id: int


@dataclass(frozen=True, slots=True)
class ChangedUsers:
    """Users whose rows changed after an event id, and how far it is safe to advance the watermark."""

    user_ids: list[int]
    max_event_id: int
    watermark: int


def shoe_record(row: dict[str, Any]) -> dict[str, Any]:
    """Flatten a stored shoe (metadata + JSON features) into the catalog record shape."""
    features = row["features"]
    if isinstance(features, str):
        features = json.loads(features)
    record = {col: row[col] for col in METADATA_COLUMNS}
    record["release_year"] = int(record["release_year"]) if record["release_year"] is not None else None
    record["shoe_type"] = row["shoe_type"]
    record.update({k: float(v) for k, v in features.items()})
    return record


class Store(ABC):
    """The interface the rest of the code uses. Implementations are thread-safe."""

    backend: str = "abstract"

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
        """Every shoe, road then trail. The catalog only changes when the store is seeded, so it is
        read once per process (and again after `init`)."""
        if self._catalog is None:
            catalog = self._fetch_shoes()
            self._catalog_by_id = {s["shoe_id"]: s for s in catalog}
            self._catalog = catalog
        return self._catalog

    def shoes(self, shoe_type: ShoeType) -> list[dict[str, Any]]:
        return [s for s in self.all_shoes() if s["shoe_type"] == shoe_type]

    def shoe(self, shoe_id: str) -> dict[str, Any] | None:
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

    def interaction_scores(self, user_ids: Sequence[int] | None = None) -> list[ScoreTriple]:
        """(user_id, shoe_id, summed score) for every interacting pair (optionally some users only)."""
        totals: dict[tuple[int, str], float] = {}
        for user_id, shoe_id, action, value in self.interaction_rows(user_ids):
            key = (user_id, shoe_id)
            totals[key] = totals.get(key, 0.0) + score_of(action, value)
        return [ScoreTriple(u, s, v) for (u, s), v in totals.items()]

    @abstractmethod
    def changed_users_since(self, event_id: int, settle_s: float = 2.0) -> ChangedUsers:
        """Users with events after `event_id`. The watermark stops short of events younger than
        `settle_s`, because a concurrent transaction may still commit a lower event id."""

    @abstractmethod
    def ct_state(self) -> CTState: ...

    def event_watermark(self, settle_s: float = 2.0) -> int:
        """The newest event id that no concurrent transaction can still precede (see changed_users_since).
        Backends that commit writers in order (SQLite) simply return the newest id."""
        return self.ct_state().max_event_id

    @property
    def threshold(self) -> int:
        return self.settings.ct_threshold


_USER_ROWS_SQL = (
    "SELECT shoe_id, 'like', NULL FROM favorites WHERE user_id = {p} "
    "UNION ALL SELECT shoe_id, 'rate', rating FROM reviews WHERE user_id = {p}"
)
_ALL_ROWS_SQL = (
    "SELECT user_id, shoe_id, 'like', NULL FROM favorites "
    "UNION ALL SELECT user_id, shoe_id, 'rate', rating FROM reviews"
)


def _now_iso() -> str:
    return datetime.now(UTC).isoformat()


_CT_STATE_SQL = (
    "SELECT pending, rebuilds_claimed, (SELECT COALESCE(MAX(event_id), 0) FROM interaction_events)"
    " FROM ct_state WHERE id = 1"
)
_SHOE_COLS = ["shoe_id", "shoe_type", "name", "brand", "release_year", "spec_source", "features"]
_SHOES_SQL = (
    "SELECT shoe_id, shoe_type, name, brand, release_year, spec_source, features FROM shoes "
    "ORDER BY CASE shoe_type WHEN 'road' THEN 0 ELSE 1 END, shoe_id"
)
