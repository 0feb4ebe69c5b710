"""Versioned model artifacts: written atomically with a manifest, verified before loading.

Layout: `<root>/<kind>/v_YYYYMMDD_HHMMSS[_N]/` holding the files plus `manifest.json`, which
lists a SHA-256 for every other file. A version is built in a hidden temporary directory next to
its final place and renamed into place only once complete, so readers never see half a version.
`os.rename` of a directory onto an existing non-empty one fails, which makes the name claim safe
across processes: the loser simply takes the next suffix.

A writer may also keep `<root>/<kind>/last_known_good/`: a verified copy of the newest version it
published, which pruning never removes (its name is no version name). When every version on disk is
corrupt, a process that has to load (a respawned worker, a restart) serves that copy instead of nothing.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"
_VERSION_RE = re.compile(r"^v_(\d{8}_\d{6})(?:_(\d+))?$")
_TMP_PREFIX = ".tmp-"
LAST_KNOWN_GOOD = "last_known_good"
_STALE_TMP_S = 3600.0

T = TypeVar("T")


class ArtifactError(RuntimeError):
    """A version directory is incomplete, corrupt or otherwise unusable."""


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _version_key(name: str) -> tuple[str, int] | None:
    match = _VERSION_RE.match(name)
    if not match:
        return None
    return match.group(1), int(match.group(2) or 0)


def list_versions(kind_dir: Path) -> list[Path]:
    """Version directories of one kind, newest first (by name, which encodes the UTC time)."""
    if not kind_dir.is_dir():
        return []
    keyed = [(key, p) for p in kind_dir.iterdir() if p.is_dir() and (key := _version_key(p.name))]
    return [p for _, p in sorted(keyed, key=lambda kp: kp[0], reverse=True)]


def read_manifest(version_dir: Path, *, verify_checksums: bool = True) -> dict[str, Any]:
    """The manifest of a version, after checking that every listed file is present and intact."""
    manifest_path = version_dir / MANIFEST
    if not manifest_path.is_file():
        raise ArtifactError(f"{version_dir.name}: no {MANIFEST}")
    try:
        manifest = json.loads(manifest_path.read_text())
    except (OSError, ValueError) as exc:
        raise ArtifactError(f"{version_dir.name}: unreadable {MANIFEST}: {exc}") from exc
    files = manifest.get("files")
    if not isinstance(files, dict) or not files:
        raise ArtifactError(f"{version_dir.name}: {MANIFEST} lists no files")
    for rel, expected in files.items():
        path = version_dir / rel
        if not path.is_file():
            raise ArtifactError(f"{version_dir.name}: missing {rel}")
        if verify_checksums and sha256_file(path) != expected:
            raise ArtifactError(f"{version_dir.name}: checksum mismatch for {rel}")
    return manifest


def write_version(
    kind_dir: Path,
    build: Callable[[Path], dict[str, Any]],
    *,
    keep: int | None = None,
    now: datetime | None = None,
    last_known_good: bool = False,
) -> Path:
    """Build a new version with `build(tmp_dir) -> manifest fields`, then publish it atomically.

    `build` writes its files into `tmp_dir` and returns extra manifest fields. The manifest gets
    `version`, `created_at` and a SHA-256 per file, and is written last. If `build` raises, the
    temporary directory is removed and nothing is published. `last_known_good`: also refresh the
    kind's last-known-good copy from the new version (for small artifacts such as content models).
    """
    kind_dir.mkdir(parents=True, exist_ok=True)
    _remove_stale_tmp(kind_dir)
    tmp = kind_dir / f"{_TMP_PREFIX}{uuid.uuid4().hex}"
    tmp.mkdir()
    try:
        extra = build(tmp)
        files = {
            str(p.relative_to(tmp)): sha256_file(p)
            for p in sorted(tmp.rglob("*"))
            if p.is_file() and p.name != MANIFEST
        }
        if not files:
            raise ArtifactError("build wrote no files")
        stamp = (now or datetime.now(UTC)).strftime("%Y%m%d_%H%M%S")
        manifest: dict[str, Any] = dict(extra)
        manifest.update({"created_at": datetime.now(UTC).isoformat(timespec="seconds"), "files": files})
        final = _publish(kind_dir, tmp, stamp, manifest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if last_known_good:
        keep_last_known_good(kind_dir, final)
    if keep is not None:
        prune(kind_dir, keep)
    return final


def keep_last_known_good(kind_dir: Path, version_dir: Path) -> None:
    """Make `kind_dir/last_known_good` a verified copy of `version_dir`, swapped in whole (a reader
    sees the old copy or the new one). A failure leaves the previous copy in place."""
    tmp = kind_dir / f"{_TMP_PREFIX}lkg-{uuid.uuid4().hex}"
    target = kind_dir / LAST_KNOWN_GOOD
    try:
        shutil.copytree(version_dir, tmp)
        read_manifest(tmp)  # the copy itself verifies
        _fsync_dir(tmp)
        old = kind_dir / f"{_TMP_PREFIX}lkg-old-{uuid.uuid4().hex}"
        if target.exists():
            os.rename(target, old)
        os.rename(tmp, target)
        _fsync_dir(kind_dir)
        shutil.rmtree(old, ignore_errors=True)
    except (OSError, ArtifactError) as exc:
        log.warning("could not refresh %s from %s: %s", target, version_dir.name, exc)
        shutil.rmtree(tmp, ignore_errors=True)


def _publish(kind_dir: Path, tmp: Path, stamp: str, manifest: dict[str, Any]) -> Path:
    for suffix in range(0, 1000):
        name = f"v_{stamp}" if suffix == 0 else f"v_{stamp}_{suffix}"
        if (kind_dir / name).exists():
            continue
        manifest["version"] = name
        _write_json_durably(tmp / MANIFEST, manifest)
        _fsync_dir(tmp)
        try:
            os.rename(tmp, kind_dir / name)
        except OSError:
            continue  # another process claimed this name between the check and the rename
        _fsync_dir(kind_dir)
        return kind_dir / name
    raise ArtifactError(f"no free version name for {stamp}")


def _write_json_durably(path: Path, payload: dict[str, Any]) -> None:
    with path.open("w") as fh:
        json.dump(payload, fh, indent=2, sort_keys=True, default=str)
        fh.flush()
        os.fsync(fh.fileno())


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_stale_tmp(kind_dir: Path) -> None:
    cutoff = time.time() - _STALE_TMP_S
    for p in kind_dir.glob(f"{_TMP_PREFIX}*"):
        try:
            if p.stat().st_mtime < cutoff:
                shutil.rmtree(p, ignore_errors=True)
        except OSError:
            pass


def prune(kind_dir: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` valid-looking versions; returns what was removed."""
    removed = []
    for old in list_versions(kind_dir)[keep:]:
        shutil.rmtree(old, ignore_errors=True)
        removed.append(old)
    return removed


# Versions this process found unusable, keyed by directory and the manifest's identity (a version
# rewritten in place is tried again). Each is reported once and skipped by the pollers after that,
# instead of being re-hashed and re-logged every SNAPSHOT_POLL_S by every worker.
_bad_versions: dict[Path, tuple[int, int] | None] = {}


def _manifest_identity(version_dir: Path) -> tuple[int, int] | None:
    try:
        st = (version_dir / MANIFEST).stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


def is_known_bad(version_dir: Path) -> bool:
    """Whether this exact version already failed to load in this process."""
    return version_dir in _bad_versions and _bad_versions[version_dir] == _manifest_identity(version_dir)


def _mark_bad(version_dir: Path, exc: BaseException) -> None:
    if is_known_bad(version_dir):
        return
    _bad_versions[version_dir] = _manifest_identity(version_dir)
    log.warning("skipping artifact version %s: %s", version_dir, exc)


def load_newest_valid(
    kind_dir: Path, loader: Callable[[Path, dict[str, Any]], T]
) -> tuple[T, dict[str, Any]] | None:
    """Load the newest version that verifies and loads; skip any that do not (each logged once).
    When none does, the last-known-good copy (if there is one and it loads)."""
    candidates = list_versions(kind_dir)
    last_known_good = kind_dir / LAST_KNOWN_GOOD
    if last_known_good.is_dir():
        candidates.append(last_known_good)
    for version_dir in candidates:
        if is_known_bad(version_dir):
            continue
        try:
            manifest = read_manifest(version_dir)
            loaded = loader(version_dir, manifest)
        except Exception as exc:  # a corrupt version must never stop the service from starting
            _mark_bad(version_dir, exc)
            continue
        if version_dir is last_known_good:
            log.warning(
                "every version under %s is corrupt or missing: serving the last known good copy of %s",
                kind_dir,
                manifest.get("version"),
            )
        return loaded, manifest
    return None


def newest_version_name(kind_dir: Path) -> str | None:
    """Cheap check (no hashing) used by workers polling for a newer snapshot: the newest version
    with a manifest that has not already failed to load here."""
    for version_dir in list_versions(kind_dir):
        if (version_dir / MANIFEST).is_file() and not is_known_bad(version_dir):
            return version_dir.name
    return None
