"""The Supabase backend at the HTTP boundary.

The REAL `supabase` client (and its postgrest sub-client) runs; only the network is replaced by an
`httpx.MockTransport` that replays PostgREST 12 exchanges from tests/store/recordings/supabase/*.json.
The transport fails the test on any request that is not the next recorded one, and every test
checks that all recorded exchanges were used, so a missing or an unexpected call is caught.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from supabase import create_client
from supabase.lib.client_options import SyncClientOptions

from src.config import ATTRIBUTE_COLUMNS, EXTRA_COLUMNS, FEATURES, METADATA_COLUMNS
from src.store import CTState, StoreConfigError, StoreUnavailable, UnknownShoeError, UserState
from src.store.migrate import code_version
from src.store.supabase import SupabaseStore
from tests.plugins.store import SettingsFactory, catalog_rows, write_catalog_csv

RECORDINGS = Path(__file__).parent / "recordings" / "supabase"
SUPABASE_URL = "https://sonixtest.supabase.co"
# A syntactically valid (unsigned, fake) anon JWT; never sent anywhere but the mock transport.
SUPABASE_KEY = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJyb2xlIjoiYW5vbiJ9.ZmFrZS1zaWduYXR1cmU"


def _normalise_query(pairs: list[list[str]] | list[tuple[str, str]]) -> list[tuple[str, str]]:
    out = []
    for key, value in pairs:
        if key == "columns":  # built from a set by postgrest-py: the order is not stable
            value = ",".join(sorted(c.strip('"') for c in value.split(",")))
        out.append((key, value))
    return sorted(out)


@dataclass
class Replay:
    """Serves recorded exchanges strictly in order; anything else fails the test."""

    name: str
    exchanges: list[dict[str, Any]]
    used: int = 0
    problems: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, name: str) -> Replay:
        # CODE_SCHEMA_VERSION: the newest migration of this release, whatever it is when the test runs
        text = (RECORDINGS / f"{name}.json").read_text()
        data = json.loads(text.replace("CODE_SCHEMA_VERSION", str(code_version("postgres"))))
        return cls(name, list(data["exchanges"]))

    def _mismatch(self, expected: dict[str, Any], request: httpx.Request) -> str | None:
        got_query = _normalise_query(list(request.url.params.multi_items()))
        got_body = json.loads(request.content) if request.content else None
        checks = [
            ("method", expected["method"], request.method),
            ("path", expected["path"], request.url.path),
            ("query", _normalise_query(expected["query"]), got_query),
            ("body", expected["body"], got_body),
            ("apikey", SUPABASE_KEY, request.headers.get("apikey")),
            ("authorization", f"Bearer {SUPABASE_KEY}", request.headers.get("authorization")),
        ]
        checks += [(f"header {k}", v, request.headers.get(k)) for k, v in expected.get("headers", {}).items()]
        for what, want, got in checks:
            if want != got:
                return f"{what}: expected {want!r}, got {got!r}"
        return None

    def handler(self, request: httpx.Request) -> httpx.Response:
        described = f"{request.method} {request.url}"
        if self.used >= len(self.exchanges):
            self.problems.append(f"unexpected request (all {self.used} recorded exchanges used): {described}")
            raise AssertionError(self.problems[-1])
        expected = self.exchanges[self.used]
        mismatch = self._mismatch(expected["request"], request)
        if mismatch:
            self.problems.append(f"request #{self.used + 1} of {self.name} does not match: {mismatch}")
            raise AssertionError(self.problems[-1])
        self.used += 1
        response = expected["response"]
        if "raise" in response:
            raise getattr(httpx, response["raise"])(response["message"], request=request)
        return httpx.Response(
            response["status"],
            headers=response["headers"],
            content=json.dumps(response["body"]).encode(),
            request=request,
        )

    def assert_done(self) -> None:
        assert self.problems == []
        assert self.used == len(self.exchanges), f"only {self.used}/{len(self.exchanges)} exchanges used"


MakeStore = Callable[..., tuple[SupabaseStore, Replay]]


@pytest.fixture
def supabase_store(settings_factory: SettingsFactory) -> Iterator[MakeStore]:
    """make(recording, **settings_overrides) -> (SupabaseStore on the real client, its Replay)."""
    replays: list[Replay] = []
    clients: list[httpx.Client] = []

    def make(name: str, **overrides: Any) -> tuple[SupabaseStore, Replay]:
        replay = Replay.load(name)
        http = httpx.Client(transport=httpx.MockTransport(replay.handler))
        client = create_client(SUPABASE_URL, SUPABASE_KEY, options=SyncClientOptions(httpx_client=http))
        settings = settings_factory(supabase_url=SUPABASE_URL, supabase_key=SUPABASE_KEY, **overrides)
        assert settings.store_backend == "supabase"
        replays.append(replay)
        clients.append(http)
        return SupabaseStore(settings, client=client), replay

    yield make
    for http in clients:
        http.close()
    problems = [p for r in replays for p in r.problems]
    assert problems == [], problems  # an unexpected call the code under test swallowed


def test_the_injected_httpx_client_is_the_one_postgrest_uses(supabase_store: MakeStore) -> None:
    store, replay = supabase_store("ct_state")
    assert store.client.postgrest.session is store.client.options.httpx_client
    store.ct_state()
    replay.assert_done()


def test_all_shoes_paginates_until_a_short_page(
    supabase_store: MakeStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(SupabaseStore, "_PAGE", 2)
    store, replay = supabase_store("all_shoes_two_pages")
    shoes = store.all_shoes()
    replay.assert_done()
    assert [s["shoe_id"] for s in shoes] == ["R001", "R002", "T001"]
    assert [s["shoe_type"] for s in shoes] == ["road", "road", "trail"]
    expected = {r["shoe_id"]: r for r in [*catalog_rows("road", 2), *catalog_rows("trail", 1)]}
    for shoe in shoes:
        assert set(shoe) == {
            *METADATA_COLUMNS, "shoe_type", *FEATURES[shoe["shoe_type"]], *ATTRIBUTE_COLUMNS, *EXTRA_COLUMNS
        }  # fmt: skip
        assert shoe["status"] == "active" and shoe["provenance"]["weight_g"] == "lab"
        for feature in FEATURES[shoe["shoe_type"]]:
            assert type(shoe[feature]) is float
            assert shoe[feature] == pytest.approx(expected[shoe["shoe_id"]][feature])
    # cached: no more requests (the replay would fail on any)
    assert store.shoe("T001") is shoes[2]
    assert store.shoe("R999") is None
    assert [s["shoe_id"] for s in store.shoes("road")] == ["R001", "R002"]


def test_record_like_calls_the_rpc_and_returns_the_outcome(supabase_store: MakeStore) -> None:
    store, replay = supabase_store("record_like")
    outcome = store.record_like(7, "R001")
    replay.assert_done()
    assert outcome.event_id == 41
    assert outcome.changed is True
    assert outcome.ct_pending == 3
    assert outcome.rebuild_claimed is False
    assert outcome.user == UserState([("R001", "like", None), ("T001", "rate", 4)], 41)
    assert outcome.user.scores == pytest.approx({"R001": 1.0, "T001": 1.0})


def test_record_rating_sends_the_value_and_threshold_and_reports_the_claim(
    supabase_store: MakeStore,
) -> None:
    store, replay = supabase_store("record_rating_claims_rebuild", ct_threshold=5)
    outcome = store.record_rating(8, "R002", 5)
    replay.assert_done()
    assert (outcome.event_id, outcome.changed, outcome.ct_pending, outcome.rebuild_claimed) == (
        50,
        True,
        0,
        True,
    )
    assert outcome.user.scores == pytest.approx({"R002": 3.0})


def test_unchanged_like_is_reported_unchanged(supabase_store: MakeStore) -> None:
    store, replay = supabase_store("record_like_unchanged")
    outcome = store.record_like(7, "R001")
    replay.assert_done()
    assert (outcome.event_id, outcome.changed, outcome.rebuild_claimed) == (0, False, False)
    assert outcome.user.last_event_id == 41


def test_invalid_rating_never_reaches_the_network(supabase_store: MakeStore) -> None:
    store, replay = supabase_store("rpc_unknown_shoe")
    with pytest.raises(ValueError):
        store.record_rating(7, "R001", 6)
    assert replay.used == 0


def test_p0002_from_the_rpc_is_unknown_shoe(supabase_store: MakeStore) -> None:
    store, replay = supabase_store("rpc_unknown_shoe")
    with pytest.raises(UnknownShoeError, match="R999"):
        store.record_like(7, "R999")
    replay.assert_done()  # and nothing else was asked for


def test_503_from_postgrest_is_unavailable(supabase_store: MakeStore) -> None:
    store, replay = supabase_store("rpc_database_unreachable")
    with pytest.raises(StoreUnavailable, match="Database connection error"):
        store.record_like(7, "R001")
    replay.assert_done()


def test_connection_error_is_unavailable(supabase_store: MakeStore) -> None:
    store, replay = supabase_store("rpc_connection_refused")
    with pytest.raises(StoreUnavailable) as info:
        store.record_like(7, "R001")
    replay.assert_done()
    assert SUPABASE_URL in str(info.value)
    assert SUPABASE_KEY not in str(info.value)


def test_500_on_a_read_is_unavailable(supabase_store: MakeStore) -> None:
    store, replay = supabase_store("ct_state_internal_error")
    with pytest.raises(StoreUnavailable):
        store.ct_state()
    replay.assert_done()


def test_user_state_builds_rows_from_favorites_and_reviews(supabase_store: MakeStore) -> None:
    store, replay = supabase_store("user_state")
    state = store.user_state(12)
    replay.assert_done()
    assert state.rows == [
        ("R001", "like", None),
        ("T001", "like", None),
        ("R001", "rate", 4),
        ("R002", "rate", 1),
    ]
    assert state.last_event_id == 97
    assert state.scores == pytest.approx({"R001": 2.0, "T001": 1.0, "R002": -2.0})


def test_user_state_of_a_user_without_rows(supabase_store: MakeStore) -> None:
    store, replay = supabase_store("user_state_unknown_user")
    assert store.user_state(404) == UserState([], 0)
    replay.assert_done()


def test_ct_state(supabase_store: MakeStore) -> None:
    store, replay = supabase_store("ct_state")
    assert store.ct_state() == CTState(pending=7, rebuilds_claimed=3, max_event_id=1234)
    replay.assert_done()


def test_ct_state_without_events(supabase_store: MakeStore) -> None:
    store, replay = supabase_store("ct_state_no_events")
    assert store.ct_state() == CTState(pending=0, rebuilds_claimed=0, max_event_id=0)
    replay.assert_done()


def test_interaction_scores_for_some_users(supabase_store: MakeStore) -> None:
    store, replay = supabase_store("interaction_rows_some_users")
    scores = {(u, s): v for u, s, v in store.interaction_scores(user_ids=[1, 2])}
    replay.assert_done()
    assert scores == pytest.approx({(1, "R001"): 3.0, (1, "R002"): 0.1, (2, "T001"): -1.0})


def test_init_with_a_filled_catalog_only_counts(supabase_store: MakeStore) -> None:
    store, replay = supabase_store("init_existing_catalog")
    store.init()
    replay.assert_done()


def test_init_seeds_an_empty_project_with_one_upsert(supabase_store: MakeStore, tmp_path: Path) -> None:
    road = write_catalog_csv(tmp_path / "road.csv", "road", catalog_rows("road", 2))
    trail = write_catalog_csv(tmp_path / "trail.csv", "trail", catalog_rows("trail", 1))
    store, replay = supabase_store("init_seeds_empty_project", road_catalog=road, trail_catalog=trail)
    store.init()
    replay.assert_done()


def test_init_without_the_schema_is_a_config_error_with_the_fix(supabase_store: MakeStore) -> None:
    store, replay = supabase_store("init_missing_schema")
    with pytest.raises(StoreConfigError, match=r"supabase/migrations.*python -m src\.store\.migrate") as info:
        store.init()
    replay.assert_done()
    assert "\n" not in str(info.value)


def test_init_on_an_older_schema_names_the_command_that_upgrades_it(supabase_store: MakeStore) -> None:
    store, replay = supabase_store("init_old_schema")
    with pytest.raises(StoreConfigError, match=r"version 0 and this release needs \d+.*supabase db push"):
        store.init()
    replay.assert_done()


def test_init_on_a_newer_schema_names_both_versions(supabase_store: MakeStore) -> None:
    store, replay = supabase_store("init_newer_schema")
    with pytest.raises(
        StoreConfigError, match=r"version 999, newer than this release understands \(up to \d+\)"
    ):
        store.init()
    replay.assert_done()


def test_a_request_that_is_not_recorded_fails(supabase_store: MakeStore) -> None:
    # The guard itself: user_state() is not in the ct_state recording, so the transport refuses it.
    store, replay = supabase_store("ct_state")
    with pytest.raises(AssertionError, match="does not match"):
        store.user_state(1)
    assert replay.used == 0
    replay.problems.clear()  # expected here; the fixture would otherwise fail the test


def test_newest_event_id_is_the_settled_one_from_the_rpc(supabase_store: MakeStore) -> None:
    store, replay = supabase_store("newest_event_id")
    assert store.newest_event_id() == 1234  # not ct_state's MAX: that one may have uncommitted ids below
    replay.assert_done()


def test_forget_user_calls_the_rpc_and_reports_what_was_erased(supabase_store: MakeStore) -> None:
    store, replay = supabase_store("forget_user")
    outcome = store.forget_user(7)
    replay.assert_done()
    assert (outcome.favorites, outcome.reviews, outcome.events, outcome.questionnaires) == (2, 1, 4, 1)
    assert outcome.rebuild_claimed is True


def test_questionnaire_is_upserted_and_read_back(supabase_store: MakeStore) -> None:
    from src.store import SavedQuestionnaire

    store, replay = supabase_store("saved_questionnaire")
    store.save_questionnaire(7, SavedQuestionnaire("trail", {"terrain": "Rocky"}))
    assert store.load_questionnaire(7) == SavedQuestionnaire("trail", {"terrain": "Rocky"})
    assert store.load_questionnaire(8) is None
    replay.assert_done()


def test_remove_like_calls_the_rpc_and_returns_the_rows_left(supabase_store: MakeStore) -> None:
    store, replay = supabase_store("remove_like")
    outcome = store.remove_like(7, "R002")
    replay.assert_done()
    assert (outcome.event_id, outcome.changed, outcome.ct_pending) == (42, True, 4)
    assert outcome.user == UserState([("R001", "like", None), ("T001", "rate", 4)], 42)


def test_impressions_are_inserted_in_one_request_and_read_back_by_time(supabase_store: MakeStore) -> None:
    from src.recommender.online_metrics import Impression

    store, replay = supabase_store("impressions")
    rows = [
        Impression(7, 100.5, "collaborative", "v000003", "served", ("R001", "R002")),
        Impression(8, 200.0, "questionnaire", None, "item_led", ("T001",), first_position=11),
    ]
    assert store.record_impressions(rows) == 2
    assert store.impressions_since(150.0) == rows[1:]
    replay.assert_done()
