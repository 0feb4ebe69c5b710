"""Operations through HTTP: request ids, metrics, readiness, admin auth, body limit, store outages,
and the continuous-training quality gate."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from src.app import create_app
from src.config import Settings
from src.ct import rebuild as continuous
from src.recommender.collaborative_filtering import UserCollaborativeRecommender
from tests.plugins.api import NEWCOMER, seed_groups
from tests.plugins.waiting import wait_until


@pytest.fixture
def sqlite_settings(settings_factory: Callable[..., Settings]) -> Settings:
    settings = settings_factory(ct_threshold=1000, admin_token="s3cret", snapshot_poll_s=0.1)
    seed_groups(settings)
    return settings


def test_request_id_is_echoed_or_generated(sqlite_settings: Settings) -> None:
    with TestClient(create_app(sqlite_settings, initialize=True)) as client:
        r = client.get("/health/live", headers={"X-Request-ID": "abc-123"})
        assert r.headers["x-request-id"] == "abc-123"
        generated = client.get("/health/live").headers["x-request-id"]
        assert len(generated) == 32 and generated != client.get("/health/live").headers["x-request-id"]
        # errors carry it too
        assert client.get("/nope", headers={"X-Request-ID": "e1"}).headers["x-request-id"] == "e1"


def metric_value(text: str, sample: str) -> float:
    for line in text.splitlines():
        if line.startswith(sample + " "):
            return float(line.split()[-1])
    return 0.0


def test_metrics_expose_requests_interactions_and_models(sqlite_settings: Settings) -> None:
    ok = 'sonix_http_requests_total{method="POST",route="/interact",status="200"}'
    bad = 'sonix_http_requests_total{method="POST",route="/interact",status="422"}'
    liked = 'sonix_interactions_recorded_total{action="like",changed="true"}'
    with TestClient(create_app(sqlite_settings, initialize=True)) as client:
        before = client.get("/metrics").text
        client.post("/interact", json={"user_id": NEWCOMER, "shoe_id": "R001", "action_type": "like"})
        client.post("/interact", json={"user_id": NEWCOMER, "shoe_id": "R001", "action_type": "bad"})
        text = client.get("/metrics").text
        assert metric_value(text, ok) == metric_value(before, ok) + 1
        assert metric_value(text, bad) == metric_value(before, bad) + 1
        assert metric_value(text, liked) == metric_value(before, liked) + 1
        assert (
            'sonix_http_request_duration_seconds_bucket{le="0.005",method="POST",route="/interact"}' in text
        )
        version = client.app.state.feed.snapshot.version  # type: ignore[attr-defined]
        assert metric_value(text, f'sonix_model_version_info{{pipeline="cf",version="{version}"}}') == 1.0


def test_body_size_limit(settings_factory: Callable[..., Settings]) -> None:
    settings = settings_factory(max_body_bytes=512)
    with TestClient(create_app(settings, initialize=True)) as client:
        r = client.post(
            "/interact", content=b"{" + b" " * 600 + b"}", headers={"content-type": "application/json"}
        )
        assert r.status_code == 413
        assert "limit 512" in r.json()["detail"]


def test_admin_is_disabled_without_token(settings_factory: Callable[..., Settings]) -> None:
    with TestClient(create_app(settings_factory(), initialize=True)) as client:
        r = client.get("/admin/model-status", headers={"Authorization": "Bearer anything"})
        assert r.status_code == 403 and "ADMIN_TOKEN" in r.json()["detail"]
        assert client.post("/admin/reload-model").status_code == 403


def test_admin_rejects_wrong_or_missing_token(sqlite_settings: Settings) -> None:
    with TestClient(create_app(sqlite_settings, initialize=True)) as client:
        assert client.get("/admin/model-status").status_code == 401
        assert client.get("/admin/model-status", headers={"Authorization": "Bearer nope"}).status_code == 401
        assert client.get("/admin/model-status", headers={"Authorization": "Basic s3cret"}).status_code == 401
        ok = client.get("/admin/model-status", headers={"Authorization": "Bearer s3cret"})
        assert ok.status_code == 200
        body = ok.json()
        assert body["serving"]["cf"]["version"] == client.app.state.feed.snapshot.version  # type: ignore[attr-defined]
        assert body["ct"]["progress"].endswith("/1000")


def test_admin_reload_takes_effect_in_every_worker(sqlite_settings: Settings) -> None:
    """Two apps stand for two workers (or replicas): a reload asked of one reaches the other
    through the generation in the store, and both serve the newest published version."""
    auth = {"Authorization": "Bearer s3cret"}
    with (
        TestClient(create_app(sqlite_settings, initialize=True)) as w1,
        TestClient(create_app(sqlite_settings)) as w2,
    ):
        old = w2.app.state.feed.snapshot.version  # type: ignore[attr-defined]
        reloads: list[int] = []
        w2.app.state.feed.versions.on_reload.append(lambda: reloads.append(1))  # type: ignore[attr-defined]
        # a new version is published (by the CT process, or `python -m src.ct.rebuild`) ...
        store = w1.app.state.store  # type: ignore[attr-defined]
        store.record_like(NEWCOMER, "R001")
        result = continuous.rebuild(store, sqlite_settings, w1.app.state.feed.snapshot, claims_through=0)  # type: ignore[attr-defined]
        assert result.outcome == "published"
        # ... and an operator asks one worker to reload
        r = w1.post("/admin/reload-model", headers=auth)
        assert r.status_code == 200
        assert r.json()["serving"]["cf"]["version"] == result.version
        generation = r.json()["generation"]
        assert store.ct_poll().reload_generation == generation
        # the other worker reloads too, once, and serves the version
        wait_until(lambda: reloads == [1])
        wait_until(lambda: w2.app.state.feed.snapshot.version == result.version)  # type: ignore[attr-defined]
        assert old != result.version


@pytest.mark.postgres
def test_readiness_turns_unready_when_the_store_is_down(
    settings_factory: Callable[..., Settings], pg_url: str, pg_admin_url: str, content_artifacts: Path
) -> None:
    import psycopg

    artifacts = Path(settings_factory().artifacts_dir)
    shutil.copytree(content_artifacts, artifacts, dirs_exist_ok=True)
    settings = settings_factory(database_url=pg_url, db_timeout_s=1.0)
    seed_groups(settings)
    dbname = pg_url.rsplit("/", 1)[1]
    with TestClient(create_app(settings, initialize=True)) as client:
        assert client.get("/health/ready").status_code == 200
        with psycopg.connect(pg_admin_url, autocommit=True) as admin:
            admin.execute(f'ALTER DATABASE "{dbname}" WITH ALLOW_CONNECTIONS false')
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (dbname,)
            )
            try:
                r = client.get("/health/ready")
                assert r.status_code == 503 and "data store is unavailable" in r.json()["detail"]
                assert dbname not in r.text and "5432" not in r.text  # no internals in public answers
                assert client.get("/health/live").status_code == 200  # the process itself is fine
                assert client.get("/health").json()["status"] == "degraded"
                down = client.post(
                    "/interact", json={"user_id": NEWCOMER, "shoe_id": "R001", "action_type": "like"}
                )
                assert down.status_code == 503 and "store is unavailable" in down.json()["detail"]
            finally:
                admin.execute(f'ALTER DATABASE "{dbname}" WITH ALLOW_CONNECTIONS true')
        # back up: ready again within DB_REPROBE_S (the known-down store is probed in the
        # background), and the refused like was never half-written
        wait_until(lambda: client.get("/health/ready").status_code == 200, timeout_s=2.0)
        assert client.app.state.store.user_state(NEWCOMER).rows == []  # type: ignore[attr-defined]


def test_interact_is_503_and_writes_nothing_while_the_store_is_locked(
    settings_factory: Callable[..., Settings],
) -> None:
    settings = settings_factory(db_timeout_s=0.2)
    seed_groups(settings)
    with TestClient(create_app(settings, initialize=True)) as client:
        store = client.app.state.store  # type: ignore[attr-defined]
        before = store.ct_state()
        blocker = sqlite3.connect(settings.sqlite_path, isolation_level=None)
        blocker.execute("BEGIN EXCLUSIVE")  # another process holds the write lock
        try:
            r = client.post("/interact", json={"user_id": NEWCOMER, "shoe_id": "R001", "action_type": "like"})
            assert r.status_code == 503
            assert "store is unavailable" in r.json()["detail"]
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()
        assert store.ct_state() == before
        assert store.user_state(NEWCOMER).rows == []
        ok = client.post("/interact", json={"user_id": NEWCOMER, "shoe_id": "R001", "action_type": "like"})
        assert ok.status_code == 200


class _BrokenEngine(UserCollaborativeRecommender):
    """A deliberately broken rebuild: recommends the least relevant shoes."""

    def recommend(self, userid, user_items_row, N=10):  # type: ignore[no-untyped-def]
        ids, scores = super().recommend(userid, user_items_row, N=self.user_items.shape[1])
        return ids[::-1][:N], scores[::-1][:N]


def _many_runners(settings: Settings) -> None:
    """Enough users with >= 5 positives for the protocol to hold some out."""
    from src.store import create_store

    store = create_store(settings)
    store.init()
    rng = np.random.default_rng(0)
    shoes = [s["shoe_id"] for s in store.all_shoes()]
    for user in range(1, 61):
        group = shoes[:10] if user % 2 else shoes[10:]
        for shoe in rng.choice(group, size=7, replace=False):
            store.record_like(user, str(shoe))
    store.close()


def test_quality_gate_refuses_a_broken_rebuild(settings_factory: Callable[..., Settings]) -> None:
    settings = settings_factory(quality_gate_tolerance=0.02)
    _many_runners(settings)
    from src.store import create_store

    store = create_store(settings)
    good = continuous.bootstrap(store, settings)
    assert good is not None and good.manifest["evaluation"]["ndcg"] > 0.3
    broken = continuous.rebuild(
        store, settings, good, claims_through=0, force_full=True, engine_factory=_BrokenEngine
    )
    assert broken.outcome == "refused"
    assert "quality gate" in (broken.reason or "")
    # both engines were scored as they serve, on the same held-out slice of today's data
    serving_ndcg = broken.evaluation["gate"]["serving_ndcg"]
    assert broken.parent_ndcg == serving_ndcg and serving_ndcg > 0.3
    assert broken.evaluation["gate"]["candidate_ndcg"] < serving_ndcg - 0.02
    # the refusal is recorded, and the published version is still the good one
    assert store.latest_cf_version().label == good.version  # type: ignore[union-attr]
    assert store.cf_versions(1)[0].status == "refused"
    # a healthy rebuild of the same data passes the same gate
    assert continuous.rebuild(store, settings, good, claims_through=0, force_full=True).outcome == "published"


def _raise_on_fit() -> UserCollaborativeRecommender:
    raise RuntimeError("engine exploded")


def test_failed_rebuild_keeps_the_old_version_and_reports_it(sqlite_settings: Settings) -> None:
    with TestClient(create_app(sqlite_settings, initialize=True)) as client:
        feed = client.app.state.feed  # type: ignore[attr-defined]
        store = client.app.state.store  # type: ignore[attr-defined]
        version = feed.snapshot.version
        result = continuous.rebuild(
            store,
            sqlite_settings,
            feed.snapshot,
            claims_through=3,
            force_full=True,
            engine_factory=_raise_on_fit,
        )
        assert result.outcome == "failed" and "engine exploded" in (result.reason or "")
        assert store.latest_cf_version().label == version  # nothing published
        assert store.ct_poll().claims_handled == 3  # a deterministic failure is not retried forever
        wait_until(lambda: client.get("/health").json()["last_rebuild"]["outcome"] == "failed")
        public = client.get("/health").json()["last_rebuild"]
        assert "reason" not in public  # a failure's reason can name internals: admin only
        client.app.state.settings.admin_token = "t"  # type: ignore[attr-defined]
        status = client.get("/v1/admin/model-status", headers={"Authorization": "Bearer t"}).json()
        assert "engine exploded" in status["last_rebuild"]["reason"]
        assert feed.snapshot.version == version


def test_rebuild_while_the_store_is_gone_fails_and_keeps_its_claims(sqlite_settings: Settings) -> None:
    from src.store import create_store

    store = create_store(sqlite_settings)
    good = continuous.bootstrap(store, sqlite_settings)
    store.close()
    db = Path(sqlite_settings.sqlite_path)
    db.unlink()
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    db.mkdir()
    result = continuous.rebuild(store, sqlite_settings, good, claims_through=5)
    assert result.outcome == "failed"
    assert "StoreUnavailable" in (result.reason or "")


def test_version_for_another_catalog_is_rebuilt_in_full(
    settings_factory: Callable[..., Settings], tmp_path: Path
) -> None:
    from src.store import create_store
    from tests.plugins.store import catalog_rows, write_catalog_csv

    settings = settings_factory()
    seed_groups(settings)
    store = create_store(settings)
    old = continuous.bootstrap(store, settings)
    assert old is not None and len(old.shoe_ids) == 20
    # the catalog gains a shoe: the old version's columns no longer line up with the store's
    bigger = write_catalog_csv(tmp_path / "road_plus.csv", "road", catalog_rows("road", 13))
    grown = settings_factory(road_catalog=bigger)
    grown_store = create_store(grown)
    grown_store.init()
    new = continuous.rebuild(grown_store, grown, old, claims_through=0)
    assert new.outcome == "published" and new.mode == "full" and new.snapshot is not None
    assert new.version != old.version
    assert len(new.snapshot.shoe_ids) == 21 and "R013" in new.snapshot.shoe_index


def test_interact_rate_limit_per_client(settings_factory: Callable[..., Settings]) -> None:
    settings = settings_factory(write_rate_limit_per_min=3)
    seed_groups(settings)
    with TestClient(create_app(settings, initialize=True)) as client:
        codes = [
            client.post(
                "/interact", json={"user_id": NEWCOMER, "shoe_id": s, "action_type": "like"}
            ).status_code
            for s in ("R001", "R002", "R003", "R004")
        ]
        assert codes == [200, 200, 200, 429]
        assert client.app.state.store.user_state(NEWCOMER).scores.keys() == {"R001", "R002", "R003"}  # type: ignore[attr-defined]
        assert client.get(f"/recommend/feed/{NEWCOMER}").status_code == 200  # feeds are not limited


def test_health_does_not_query_the_store_per_call(settings_factory: Callable[..., Settings]) -> None:
    from src.store import create_store

    settings = settings_factory(ct_threshold=50, health_cache_s=3600)
    seed_groups(settings)
    with TestClient(create_app(settings, initialize=True)) as client:
        store = client.app.state.store  # type: ignore[attr-defined]
        calls = []
        real = store.ct_state
        store.ct_state = lambda: calls.append(1) or real()
        before = client.get("/health").json()["ct_sync_progress"]
        for _ in range(20):
            assert client.get("/health").json()["ct_sync_progress"] == before
        assert calls == []  # served from the worker's view, primed at start-up
        # this worker's own write shows at once
        client.post("/interact", json={"user_id": NEWCOMER, "shoe_id": "R001", "action_type": "like"})
        pending = int(before.split("/")[0])
        assert client.get("/health").json()["ct_sync_progress"] == f"{pending + 1}/50"
        # a write by another worker shows once the view is older than HEALTH_CACHE_S
        other = create_store(settings)
        other.record_like(NEWCOMER, "R002")
        other.close()
        assert client.get("/health").json()["ct_sync_progress"] == f"{pending + 1}/50"
        client.app.state.feed.progress.max_age_s = 0  # type: ignore[attr-defined]
        assert client.get("/health").json()["ct_sync_progress"] == f"{pending + 2}/50"
        assert calls == [1]
