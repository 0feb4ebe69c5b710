"""Train once, serve everywhere (issue 21), on SQLite and the real PostgreSQL: artifact blobs in the
store, the per-host cache of memory-mapped arrays, deltas, corrupt artifacts never loaded, and a new
replica serving the published version without reading the event log."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from src.artifacts import MANIFEST, ArtifactError
from src.config import Settings
from src.ct.loop import CTLoop
from src.engine import cf_artifacts
from src.engine.cf_artifacts import artifact_id_of, host_dir, load_served, materialise, pack, unpack
from src.engine.versions import follow_served, sync_cache
from src.recommender.runner_space import RunnerSpaceRecommender
from src.store import Store, create_store
from src.store.rows import ARTIFACT_CHUNK_BYTES
from tests.plugins.ct import like_many as spread_likes


def mapped_file(arr: np.ndarray) -> Path | None:
    """The file an array's memory is mapped from (through its chain of views), None if in RAM."""
    base: object = arr
    while isinstance(base, np.ndarray):
        if isinstance(base, np.memmap) and base.filename is not None:
            return Path(base.filename)
        base = base.base
    return None


def like_many(store: Store, n: int, first_user: int = 500) -> None:
    spread_likes(store, n, first_user, stride=7)


def test_blobs_round_trip_in_chunks_and_are_immutable(store: Store) -> None:
    blob = bytes(range(256)) * (ARTIFACT_CHUNK_BYTES * 5 // 2 // 256)  # 2.5 MiB: three chunks
    artifact_id = artifact_id_of(blob)
    store.put_cf_artifact(artifact_id, "full", None, blob)
    store.put_cf_artifact(artifact_id, "full", None, b"ignored: the id is taken")
    found = store.cf_artifact(artifact_id)
    assert found is not None and found.blob == blob and found.kind == "full" and found.base_id is None
    store.put_cf_artifact("d" * 64, "delta", artifact_id, b"small")
    delta = store.cf_artifact("d" * 64)
    assert delta is not None and (delta.kind, delta.base_id, delta.blob) == ("delta", artifact_id, b"small")
    assert store.cf_artifact("0" * 64) is None


def test_pruning_keeps_the_chains_of_the_kept_artifacts_only(store: Store) -> None:
    # two chains: full A <- delta A1 <- delta A2, and full B <- delta B1; plus a lone full C
    for artifact_id, kind, base in [
        ("a" * 64, "full", None),
        ("a1" + "0" * 62, "delta", "a" * 64),
        ("a2" + "0" * 62, "delta", "a1" + "0" * 62),
        ("b" * 64, "full", None),
        ("b1" + "0" * 62, "delta", "b" * 64),
        ("c" * 64, "full", None),
    ]:
        store.put_cf_artifact(artifact_id, kind, base, artifact_id.encode() * 10)
    # following A2 needs A1 and A; following C needs C: chain B goes, its delta with it
    assert store.prune_cf_artifacts(["a2" + "0" * 62, "c" * 64]) == 2
    assert store.cf_artifact("b" * 64) is None and store.cf_artifact("b1" + "0" * 62) is None
    for kept in ("a" * 64, "a1" + "0" * 62, "a2" + "0" * 62, "c" * 64):
        found = store.cf_artifact(kept)
        assert found is not None and found.blob == kept.encode() * 10
    assert store.prune_cf_artifacts(["a2" + "0" * 62, "c" * 64]) == 0
    assert store.prune_cf_artifacts([]) == 0  # nothing named: nothing is dropped


def test_pruning_a_chain_of_many_chunks_leaves_none_behind(store: Store) -> None:
    """A chain's chunks go a few per transaction (the writer lock is never held for a whole
    chain): every chunk of the dropped chain goes, every chunk of the kept one stays."""
    big = bytes(range(256)) * (4096 * 11)  # 11 MiB: 11 chunks, more than one transaction's worth
    store.put_cf_artifact("e" * 64, "full", None, big)
    store.put_cf_artifact("e1" + "0" * 62, "delta", "e" * 64, big[: 3 << 20])
    store.put_cf_artifact("f" * 64, "full", None, big[::-1])
    assert store.prune_cf_artifacts(["f" * 64]) == 2
    assert store.cf_artifact("e" * 64) is None and store.cf_artifact("e1" + "0" * 62) is None
    kept = store.cf_artifact("f" * 64)
    assert kept is not None and kept.blob == big[::-1]
    with store._tx() as tx:  # type: ignore[attr-defined]
        left = tx.execute("SELECT DISTINCT artifact_id FROM cf_artifact_chunks").fetchall()
    assert [r[0] for r in left] == ["f" * 64]


def test_an_artifact_cut_short_is_written_again_whole(settings_factory: Callable[..., Settings]) -> None:
    # the CT process killed between the chunk transactions of the embedded store: the head is
    # there, the chunks are not all; readers take it for absent and the next publication completes it
    store = create_store(settings_factory())
    store.init()
    blob = bytes(range(256)) * (ARTIFACT_CHUNK_BYTES * 5 // 256)  # five chunks: two transactions
    artifact_id = artifact_id_of(blob)
    store.put_cf_artifact(artifact_id, "full", None, blob)
    with store._tx(write=True) as tx:  # type: ignore[attr-defined]
        tx.execute("DELETE FROM cf_artifact_chunks WHERE artifact_id = ? AND chunk_no >= 4", (artifact_id,))
    assert store.cf_artifact(artifact_id) is None
    store.put_cf_artifact(artifact_id, "full", None, blob)
    found = store.cf_artifact(artifact_id)
    assert found is not None and found.blob == blob
    store.close()


def test_the_ct_loop_keeps_only_the_chains_of_its_newest_versions(
    backend_settings_factory: Callable[..., Settings],
) -> None:
    settings = backend_settings_factory(
        ct_threshold=5, ct_min_interval_s=0, quality_gate_tolerance=1.0, full_rebuild_every=2, keep_versions=1
    )
    store = create_store(settings)
    store.init()
    like_many(store, 60, first_user=1)
    loop = CTLoop(store, settings)
    loop.start()  # v1: full
    for batch in range(3):  # v2 delta on v1, v3 full, v4 delta on v3
        like_many(store, 9, first_user=300 + 10 * batch)
        result = loop.step()
        assert result is not None and result.outcome == "published", result.reason
    loop.compact()
    kinds = [v.figures["artifact"]["kind"] for v in reversed(store.cf_versions(10, status="published"))]
    assert kinds == ["full", "delta", "full", "delta"]
    newest, *older = store.cf_versions(10, status="published")
    assert store.cf_artifact(newest.figures["artifact"]["id"]) is not None
    assert store.cf_artifact(newest.figures["artifact"]["base"]) is not None  # its chain's full
    assert [store.cf_artifact(v.figures["artifact"]["id"]) for v in older[1:]] == [None, None]
    store.close()


def served_feed(snapshot: Any, user_id: int, scores: dict[str, float]) -> list[tuple[str, float, bool]]:
    return snapshot.recommend(user_id, scores, 10)  # type: ignore[no-any-return]


def test_a_replica_starts_from_the_published_artifact_with_an_empty_event_log_window(
    ct_settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    store = create_store(ct_settings)
    store.init()
    like_many(store, 60, first_user=1)
    loop = CTLoop(store, ct_settings)
    loop.start()  # the first version: a full artifact
    like_many(store, 12, first_user=300)  # new runners
    store.record_rating(1, store.all_shoes()[0]["shoe_id"], 1)  # a like turned into a 1-star
    result = loop.step()  # an incremental version: a delta artifact on the first
    assert result is not None and result.outcome == "published", result.reason
    latest = store.latest_cf_version()
    assert latest is not None and latest.figures["artifact"]["kind"] == "delta"
    # the changed items' rows of TR (here unprojected: 20 shoes are fewer than tensor_rank, so a
    # row is T's 1,540 monomials), the changed cells of G and L, the rows; not the whole arrays
    arrays, meta = unpack(store.cf_artifact(latest.figures["artifact"]["id"]).blob)  # type: ignore[union-attr]
    assert meta["delta_format"] == 2 and arrays["tr_items"].size < len(store.all_shoes())
    assert latest.figures["artifact"]["bytes"] < 20_000 + arrays["tr_rows"].nbytes

    # another host: its own ARTIFACTS_DIR, and a store whose event log must not be read
    other = ct_settings.model_copy(update={"artifacts_dir": tmp_path / "other-host"})
    replica_store = create_store(other)

    def no_replay(*_: Any, **__: Any) -> Any:
        raise AssertionError("a replica replayed the event log")

    for name in ("scores_as_of", "pair_scores_changed_between", "interaction_scores", "interactions_as_of"):
        monkeypatch.setattr(replica_store, name, no_replay)
    served = sync_cache(replica_store, other)  # start-up, before the workers fork
    assert served is not None and served.version == latest.label
    assert isinstance(served.engine, RunnerSpaceRecommender) and not served.engine.has_rows
    worker = follow_served(replica_store, other, None, latest.version_id)  # a worker: maps the files
    assert worker is not None and mapped_file(worker.engine._TR) is not None

    ct = loop.snapshot
    assert ct is not None
    mine, theirs = worker.engine.to_arrays()[0], ct.engine.to_arrays()[0]  # type: ignore[union-attr]
    for name in ("TR", "G", "L", "df", "pos_sum", "pop_order"):  # the CT's own numbers, bit for bit
        assert mine[name].tobytes() == np.ascontiguousarray(theirs[name]).tobytes(), name
    for user_id in (1, 2, 300, 777):
        scores = store.user_state(user_id).scores
        mine = served_feed(worker, user_id, scores)
        theirs = served_feed(ct, user_id, scores)
        assert [s for s, _, _ in mine] == [s for s, _, _ in theirs]
        np.testing.assert_allclose([v for _, v, _ in mine], [v for _, v, _ in theirs], rtol=1e-6)


def test_a_corrupt_artifact_is_never_loaded_and_keeps_what_is_served(ct_settings: Settings) -> None:
    store = create_store(ct_settings)
    store.init()
    like_many(store, 45, first_user=1)
    loop = CTLoop(store, ct_settings)
    loop.start()
    first = store.latest_cf_version()
    assert first is not None
    serving = follow_served(store, ct_settings, None, first.version_id)
    assert serving is not None
    directory = host_dir(ct_settings) / first.figures["artifact"]["id"]
    assert (directory / MANIFEST).is_file()

    # a flipped byte in a mapped file: the checksum refuses it
    target = directory / "TR.npy"
    raw = bytearray(target.read_bytes())
    raw[-1] ^= 0xFF
    target.write_bytes(bytes(raw))
    cf_artifacts._verified.clear()  # as another worker of the host: it did not write nor hash it
    with pytest.raises(ArtifactError):
        load_served(directory)
    kept = follow_served(store, ct_settings, _other(serving), first.version_id)
    assert kept is None  # the worker keeps serving what it has

    # a blob whose bytes do not match its name is refused when fetched
    blob = pack({"x": np.zeros(3)}, {"kind": "full"})
    store.put_cf_artifact("f" * 64, "full", None, blob)
    with pytest.raises(ArtifactError, match="SHA-256"):
        materialise(store, ct_settings, "f" * 64)
    assert not (host_dir(ct_settings) / ("f" * 64)).exists()


def _other(snapshot: Any) -> Any:
    """The served snapshot labelled as another version (so following `first` is a change)."""
    return dataclasses.replace(snapshot, manifest={**snapshot.manifest, "cf_version_id": -1})


def test_workers_of_one_host_map_one_copy(ct_settings: Settings) -> None:
    store = create_store(ct_settings)
    store.init()
    like_many(store, 45, first_user=1)
    CTLoop(store, ct_settings).start()
    latest = store.latest_cf_version()
    assert latest is not None
    a = follow_served(store, ct_settings, None, latest.version_id)
    b = follow_served(store, ct_settings, None, latest.version_id)
    assert a is not None and b is not None
    for name in ("_TR", "_G", "_B", "_V"):
        arr_a, arr_b = getattr(a.engine, name), getattr(b.engine, name)
        assert mapped_file(arr_a) is not None and mapped_file(arr_a) == mapped_file(arr_b)
    dirs = [p for p in host_dir(ct_settings).iterdir() if p.is_dir() and not p.name.startswith(".")]
    assert len(dirs) == 1
    manifest = json.loads((dirs[0] / MANIFEST).read_text())
    assert set(manifest["files"]) == {f"{n}.npy" for n in RunnerSpaceRecommender.ARRAYS}
