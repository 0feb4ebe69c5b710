"""The registry job: published CF versions and their artifacts, the reload generation, process
heartbeats and the CT leadership."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import replace
from typing import Any

from src.store.core import StoreCore
from src.store.registry.leadership import Leadership
from src.store.rows import CFArtifact, CFVersion, CTPoll, ProcessBeat


class RegistryJob(StoreCore):
    """What the CT process publishes and every API worker follows."""

    @abstractmethod
    def ct_poll(self) -> CTPoll: ...

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
        draft = CFVersion(0, watermark, status, mode, claims_through, figures, reason, "")
        version_id, created_at = self._publish(draft)
        return replace(draft, version_id=version_id, created_at=created_at)

    @abstractmethod
    def _publish(self, draft: CFVersion) -> tuple[int, str]:
        """Insert `draft` (its id and time left blank) as `record_cf_version` says: (id, created_at)."""

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
