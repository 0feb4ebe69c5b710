"""Train once, serve everywhere (issue 21): the CT process publishes each collaborative version's
serving arrays into the store, and API workers memory-map them instead of rebuilding the version.

- **Publish** (CT, `publish_version_artifact`): a full build stores every serving array of the
  engine (`RunnerSpaceRecommender.to_arrays`: items x items matrices and per-item vectors, a few
  MB whatever the number of runners) as one blob; an incremental build stores a *delta* on the
  parent's artifact: the item-level result of the change, the CT's own numbers (the rows of TR
  and the cells of G and L that differ, the per-item vectors, the EASE weights;
  `RunnerSpaceRecommender.item_delta`), so a worker applies it by assignments alone
  (`with_item_delta`: no per-runner math, no inverse). A delta also keeps the changed runners'
  old and new rows, which is all a delta of format 1 held: a worker of the previous release
  follows a new delta from them, and a new worker still follows a format-1 delta by the rows'
  terms (`with_row_terms`), so a deployment upgrading mid-chain keeps following. A blob is named
  by its SHA-256 and stored before the version row that names it (in the row's figures), so a
  published version always has a complete artifact.
- **Host cache** (`materialise`): the first process of a host that needs a version fetches its blob,
  checks the SHA-256, applies a delta to its base (materialised the same way), and writes the
  arrays as .npy files plus a manifest with a SHA-256 per file into a hidden directory renamed
  into place under `ARTIFACTS_DIR/cf_host/<artifact id>/`: readers never see half a version, and
  two processes racing write the same bytes (the loser's copy is dropped).
- **Serve** (`load_served`): every worker of the host maps those files read-only
  (np.load(mmap_mode="r")), so the host's page cache holds one copy whatever the worker count. A
  directory whose checksums do not verify is never loaded; the worker keeps what it serves.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import io
import json
import logging
import os
import shutil
import time
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix

from src.artifacts import MANIFEST, ArtifactError, read_manifest, sha256_file
from src.config import Settings
from src.recommender.cf_snapshot import CFSnapshot
from src.recommender.runner_space import ItemDelta, RunnerSpaceRecommender
from src.store import CFVersion, Store

log = logging.getLogger(__name__)

HOST_DIR = "cf_host"
# a delta's format (its meta's "delta_format"; absent: 1): 1 = the changed runners' rows only;
# 2 = those rows plus the item-level result (`ItemDelta`), which a worker applies by assignments
DELTA_FORMAT = 2
# the `ItemDelta` fields as a delta blob stores them (`n_users`, `fitted_item_l2` in its meta)
_ITEM_ARRAYS = {
    "tr_items": "tr_items",
    "tr_rows": "tr_rows",
    "cells": "cells",
    "g_cells": "G_cells",
    "l_cells": "L_cells",
    "df": "df",
    "pos_sum": "pos_sum",
    "pop_order": "pop_order",
    "B": "B",
}
_TMP = ".tmp-"
# host-cache directories this process has hashed (written, or verified on load), by manifest
# identity: a worker re-mapping one (a delta applied to the base it serves) does not hash it again
_verified: set[tuple[Path, int, int]] = set()


def _identity(directory: Path) -> tuple[Path, int, int] | None:
    try:
        st = (directory / MANIFEST).stat()
    except OSError:
        return None
    return directory, st.st_mtime_ns, st.st_size


def host_dir(settings: Settings) -> Path:
    return Path(settings.artifacts_dir) / HOST_DIR


# --- blobs ---------------------------------------------------------------------------------------
def pack(arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> bytes:
    buf = io.BytesIO()
    save: Any = np.savez  # numpy's stub types **kwds as its allow_pickle flag
    save(buf, __meta__=np.array(json.dumps(meta, sort_keys=True)), **arrays)
    return buf.getvalue()


def unpack(blob: bytes) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    with np.load(io.BytesIO(blob), allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files if k != "__meta__"}
        meta = json.loads(str(z["__meta__"]))
    return arrays, meta


def full_blob(snapshot: CFSnapshot) -> bytes:
    engine = snapshot.engine
    if not isinstance(engine, RunnerSpaceRecommender):
        raise TypeError(f"{type(engine).__name__} has no serving arrays")
    arrays, meta = engine.to_arrays()
    meta.update(kind="full", shoe_ids=[str(s) for s in snapshot.shoe_ids])
    return pack(arrays, meta)


def _csr_arrays(prefix: str, X: csr_matrix) -> dict[str, np.ndarray]:
    return {f"{prefix}_data": X.data, f"{prefix}_indices": X.indices, f"{prefix}_indptr": X.indptr}


def _csr_from(prefix: str, arrays: dict[str, np.ndarray], n_items: int) -> csr_matrix:
    indptr = arrays[f"{prefix}_indptr"]
    return csr_matrix(
        (arrays[f"{prefix}_data"], arrays[f"{prefix}_indices"], indptr), shape=(indptr.size - 1, n_items)
    )


def delta_blob(parent: CFSnapshot, candidate: CFSnapshot, user_ids: Sequence[int]) -> bytes:
    """What turns the parent's serving arrays into the candidate's (format `DELTA_FORMAT`): the
    item-level result of the change (`RunnerSpaceRecommender.item_delta`: the rows of TR and the
    cells of G and L that differ, df, pos_sum, pop_order and the EASE weights, the candidate's
    own numbers) plus, for workers of format 1, the rows of `user_ids` (every runner whose row may
    differ) before and after, by their row in the candidate. Raises ValueError when the candidate
    is not an incremental build of the parent (then it is published whole)."""
    engine, base = candidate.engine, parent.engine
    if not isinstance(engine, RunnerSpaceRecommender) or not isinstance(base, RunnerSpaceRecommender):
        raise ValueError("a delta needs two RunnerSpaceRecommender engines")
    items = engine.item_delta(base)
    ids = sorted({int(u) for u in user_ids if int(u) in candidate.user_index})
    rows = np.asarray([candidate.user_index[u] for u in ids], dtype=np.int64)
    n_parent = len(parent.user_ids)
    known = rows < n_parent
    n_items = len(candidate.shoe_ids)
    old = csr_matrix((rows.size, n_items))
    if known.any():
        parent_rows = base.user_rows(rows[known])
        old = csr_matrix(
            (parent_rows.data, parent_rows.indices, _spread(parent_rows.indptr, known)),
            shape=(rows.size, n_items),
        )
    new = engine.user_rows(rows)
    meta = {
        "kind": "delta",
        "delta_format": DELTA_FORMAT,
        "n_new_users": int(len(candidate.user_ids) - n_parent),
        "n_items": n_items,
        "n_users": items.n_users,
        "fitted_item_l2": items.fitted_item_l2,
        "shoe_ids": [str(s) for s in candidate.shoe_ids],
    }
    # the EASE weights (items x items float32, ~1.1 MiB at 540 shoes) are most of it: workers never
    # invert a matrix
    arrays: dict[str, np.ndarray] = {
        **{stored: getattr(items, field) for field, stored in _ITEM_ARRAYS.items()},
        "users": rows,
        **_csr_arrays("old", old),
        **_csr_arrays("new", new),
    }
    return pack(arrays, meta)


def apply_delta(
    base: RunnerSpaceRecommender, arrays: dict[str, np.ndarray], meta: dict[str, Any]
) -> RunnerSpaceRecommender:
    """The engine a delta blob's arrays and meta make of `base` (its base artifact, as served):
    format 2 by assignments (`with_item_delta`), format 1 (rows only, from a CT of the previous
    release) by the changed rows' terms (`with_row_terms`), as such deltas always were. A format
    this code does not know raises ArtifactError (the worker keeps what it serves)."""
    fmt = int(meta.get("delta_format", 1))
    if fmt == 1:
        n_items = int(meta["n_items"])
        return base.with_row_terms(
            arrays["users"],
            _csr_from("old", arrays, n_items),
            _csr_from("new", arrays, n_items),
            int(meta["n_new_users"]),
            item_weights=arrays.get("B"),
        )
    if fmt == 2:
        l2 = meta.get("fitted_item_l2")
        delta = ItemDelta(
            n_users=int(meta["n_users"]),
            fitted_item_l2=None if l2 is None else float(l2),
            **{field: arrays[stored] for field, stored in _ITEM_ARRAYS.items()},
        )
        return base.with_item_delta(delta)
    raise ArtifactError(f"delta format {fmt} is newer than this code's ({DELTA_FORMAT})")


def _spread(indptr: np.ndarray, present: np.ndarray) -> np.ndarray:
    """The indptr of a matrix whose rows `present` are the given rows in order, the others empty."""
    lengths = np.zeros(present.size, dtype=np.int64)
    lengths[present] = np.diff(indptr)
    return np.concatenate([[0], np.cumsum(lengths)])


def artifact_id_of(blob: bytes) -> str:
    return hashlib.sha256(blob).hexdigest()


def publish_version_artifact(
    store: Store, candidate: CFSnapshot, parent: CFSnapshot | None, changed_users: Sequence[int] | None
) -> dict[str, Any] | None:
    """Store the candidate's artifact (a delta on the parent's when `changed_users` is given and the
    parent has one) and return what the version row's figures record about it; None when the
    store keeps no artifacts or the engine has no serving arrays (replicas then replay the log)."""
    if not isinstance(candidate.engine, RunnerSpaceRecommender):
        return None
    base = None if parent is None else (parent.manifest.get("artifact") or {}).get("id")
    if parent is not None and not parent.manifest.get("artifact_chain"):
        # a parent rebuilt from the event log (a CT restart) may order its rows otherwise than the
        # chain the replicas hold, and the tensor's runner sample is by row: start a new chain
        base = None
    started = time.perf_counter()
    blob = None
    if changed_users is not None and base is not None and parent is not None:
        try:
            blob = delta_blob(parent, candidate, changed_users)
        except ValueError as exc:  # not an incremental build of the parent after all
            log.warning("CF artifact published whole, not as a delta: %s", exc)
    if blob is not None:
        kind = "delta"
    else:
        kind, blob, base = "full", full_blob(candidate), None
    artifact_id = artifact_id_of(blob)
    try:
        store.put_cf_artifact(artifact_id, kind, base, blob)
    except NotImplementedError:
        return None
    return {
        "id": artifact_id,
        "kind": kind,
        "base": base,
        "bytes": len(blob),
        "seconds": round(time.perf_counter() - started, 4),
    }


# --- the host cache ------------------------------------------------------------------------------
@contextlib.contextmanager
def _host_lock(root: Path) -> Iterator[None]:
    """One materialiser per host at a time (the others then find the directory written)."""
    root.mkdir(parents=True, exist_ok=True)
    fd = os.open(root / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _write_dir(root: Path, artifact_id: str, arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> Path:
    final = root / artifact_id
    tmp = root / f"{_TMP}{uuid.uuid4().hex}"
    tmp.mkdir(parents=True)
    try:
        files = {}
        for name, arr in arrays.items():
            path = tmp / f"{name}.npy"
            np.save(path, np.ascontiguousarray(arr), allow_pickle=False)
            files[path.name] = sha256_file(path)
        manifest = {"artifact_id": artifact_id, "meta": meta, "files": files}
        with (tmp / MANIFEST).open("w") as fh:
            json.dump(manifest, fh, sort_keys=True)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.rename(tmp, final)
        except OSError:
            if not (final / MANIFEST).is_file():
                raise
            return final  # another process won the race: its copy is verified when mapped
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    identity = _identity(final)
    if identity is not None:
        _verified.add(identity)  # hashed just now, while writing
    return final


def materialise(store: Store, settings: Settings, artifact_id: str, _depth: int = 0) -> Path:
    """The host-cache directory of `artifact_id`, fetched (and its delta chain applied) if needed.
    Raises ArtifactError when the store has no such artifact or its bytes do not match the id."""
    root = host_dir(settings)
    final = root / artifact_id
    if (final / MANIFEST).is_file():
        return final
    if _depth > 1000:
        raise ArtifactError(f"artifact chain too long at {artifact_id}")
    with _host_lock(root):
        if (final / MANIFEST).is_file():
            return final
        found = store.cf_artifact(artifact_id)
        if found is None:
            raise ArtifactError(f"the store holds no CF artifact {artifact_id}")
        if artifact_id_of(found.blob) != artifact_id:
            raise ArtifactError(f"CF artifact {artifact_id}: SHA-256 mismatch (corrupt blob)")
        arrays, meta = unpack(found.blob)
    if found.kind == "delta":
        if found.base_id is None:
            raise ArtifactError(f"delta artifact {artifact_id} names no base")
        base, _ = load_served(materialise(store, settings, found.base_id, _depth + 1))
        engine = apply_delta(base, arrays, meta)
        arrays, engine_meta = engine.to_arrays()
        meta = {**engine_meta, "kind": "full", "shoe_ids": meta["shoe_ids"], "from_delta_on": found.base_id}
    with _host_lock(root):
        path = _write_dir(root, artifact_id, arrays, meta)
    prune_host_cache(settings, keep=max(settings.keep_versions, 2) * 4)
    return path


def load_served(directory: Path, *, verify: bool = True) -> tuple[RunnerSpaceRecommender, dict[str, Any]]:
    """A serving engine over the directory's arrays, memory-mapped read-only, after every file's
    SHA-256 is checked against the manifest (a corrupt directory raises ArtifactError). A directory
    this process wrote or already verified (same manifest) is not hashed again."""
    identity = _identity(directory)
    manifest = read_manifest(directory, verify_checksums=verify and identity not in _verified)
    if identity is not None:
        _verified.add(identity)
    # plain ndarray views of the maps: the same shared pages, without np.memmap's Python-level
    # bookkeeping on every slice a query takes
    arrays = {
        name: np.asarray(np.load(directory / f"{name}.npy", mmap_mode="r", allow_pickle=False))
        for name in RunnerSpaceRecommender.ARRAYS
    }
    meta = dict(manifest["meta"])
    return RunnerSpaceRecommender.from_arrays(arrays, meta), meta


def prune_host_cache(settings: Settings, keep: int) -> None:
    """Keep the `keep` most recently written directories (a mapped file outlives its unlink)."""
    root = host_dir(settings)
    dirs = sorted(
        (p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for old in dirs[keep:]:
        shutil.rmtree(old, ignore_errors=True)


def served_snapshot(store: Store, settings: Settings, version: CFVersion) -> CFSnapshot | None:
    """`version` as a worker serves it: mapped from the host cache (fetched from the store when the
    host has not got it yet). None when the version names no artifact."""
    from src.engine.snapshots import version_manifest

    artifact = version.figures.get("artifact")
    if not artifact:
        return None
    engine, meta = load_served(materialise(store, settings, str(artifact["id"])))
    manifest = version_manifest(version, engine.n_users, engine.n_items)
    manifest["artifact"] = artifact
    return CFSnapshot.create(
        engine,
        np.zeros(0, dtype=np.int64),  # a worker knows no runner rows: the runner's row comes from the store
        meta["shoe_ids"],
        version.watermark,
        version.label,
        manifest,
        user_index={},
    )


def served_arm_snapshot(
    store: Store, settings: Settings, main: CFSnapshot, artifact: dict[str, Any]
) -> CFSnapshot:
    """An A/B arm's engine as a worker serves it beside `main` (the served version): its artifact
    mapped from the host cache, labelled with main's version (the row that names it)."""
    engine, meta = load_served(materialise(store, settings, str(artifact["id"])))
    return CFSnapshot.create(
        engine,
        np.zeros(0, dtype=np.int64),
        meta["shoe_ids"],
        main.last_event_id,
        main.version,
        {"artifact": artifact},
        user_index={},
    )
