"""Following the versions the CT process publishes, in one API worker.

Every SNAPSHOT_POLL_S the poller reads one row (`Store.ct_poll`) and, when a newer version is
published, maps it (`engine.versions.follow_served`: the version's artifact from the host cache;
a worker never trains) and swaps it in; in-flight requests keep the snapshot they read. The A/B
arms' engines named by that version's row are mapped beside it. An admin reload bumps a
generation in the store that every worker's poller also watches. Each poll also refreshes what
/health says about the publication (the newest rebuild, refusals in a row) and this worker's
heartbeat.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import threading
from collections.abc import Callable

from src.artifacts import ArtifactError
from src.config import Settings
from src.engine.arms import ArmAssigner, arm_entries, check_arms
from src.engine.cf_artifacts import served_arm_snapshot
from src.engine.heartbeat import Heartbeat
from src.engine.versions import REFUSALS_COUNTED, consecutive_refusals, follow_served, holds, version_id_of
from src.metrics import set_model_version
from src.recommender.cf_snapshot import CFSnapshot
from src.store import CFVersion, Store, StoreError

log = logging.getLogger(__name__)


class VersionFollower:
    """The served snapshot of one worker (and its A/B arms'), kept at the newest published version."""

    def __init__(self, settings: Settings, store: Store, snapshot: CFSnapshot | None) -> None:
        self.settings = settings
        self.store = store
        self._snapshot = snapshot
        self._swap_lock = threading.Lock()
        self.reload_generation: int | None = None  # learnt on the first poll
        self.claims_handled: int | None = None
        self.last_rebuild: CFVersion | None = None  # the newest finished rebuild, for /health
        self.refusals = 0  # rebuilds refused by the gate in a row, for /health
        self.on_reload: list[Callable[[], None]] = []  # run (in a thread) when an admin reload is seen
        self._heartbeat = Heartbeat(store, "api", settings.heartbeat_s)
        set_model_version("cf", snapshot.version if snapshot else None)
        # A/B: the first arm is served by `_snapshot`; the others by their own engines, built by
        # the CT process with that version and mapped here (`sync_arms`). A runner whose arm is
        # not loaded at that version is served the first arm, and the impression says so.
        check_arms(settings)
        self.arms = ArmAssigner.from_settings(settings)
        self._arm_snapshots: dict[str, CFSnapshot] = {}

    @property
    def snapshot(self) -> CFSnapshot | None:
        return self._snapshot

    def snapshot_for(self, user_id: int) -> tuple[str, CFSnapshot | None]:
        """(arm, snapshot) that serves this runner: their arm's engine at the served version, or
        the first arm's while theirs is not loaded at that version."""
        main = self._snapshot
        arm = self.arms.arm_of(user_id)
        if arm == self.arms.default_arm:
            return arm, main
        own = self._arm_snapshots.get(arm)
        if own is None or main is None or own.version != main.version:
            return self.arms.default_arm, main
        return arm, own

    def swap(self, snapshot: CFSnapshot) -> bool:
        """Serve `snapshot` from now on unless it is the one being served. In-flight requests keep
        the reference they already read, so nothing waits."""
        with self._swap_lock:
            current = self._snapshot
            if current is snapshot:
                return False
            self._snapshot = snapshot
            set_model_version("cf", snapshot.version, current.version if current else None)
            log.info("serving CF version %s", snapshot.version)
            return True

    def sync(self, *, force_full: bool = False) -> bool:
        """One poll: follow the newest published version, note an admin reload. True if the
        served version changed."""
        poll = self.store.ct_poll()
        reload_seen = self.reload_generation is not None and poll.reload_generation != self.reload_generation
        self.reload_generation = poll.reload_generation
        if poll.claims_handled != self.claims_handled or self.last_rebuild is None:
            found = self.store.cf_versions(REFUSALS_COUNTED)
            self.last_rebuild = found[0] if found else None
            self.refusals = consecutive_refusals(found)
            self.claims_handled = poll.claims_handled
        if reload_seen:
            for callback in self.on_reload:
                callback()
        swapped = False
        if poll.version_id is not None and (
            force_full or not holds(self._snapshot, poll.version_id, poll.watermark)
        ):
            base = None if force_full else self._snapshot
            snapshot = follow_served(self.store, self.settings, base, poll.version_id)
            swapped = snapshot is not None and self.swap(snapshot)
        self.sync_arms()
        self.heartbeat(force=swapped or reload_seen)  # the dashboard counts the workers that reloaded
        return swapped

    def sync_arms(self) -> None:
        """Map every other arm's engine named by the served version's row (built and gated by the
        CT process; a worker never fits one). An arm the row does not name (an older CT, an engine
        without serving arrays) is served the first arm's engine, and its impressions say so."""
        main = self._snapshot
        if main is None or len(self.arms.arms) == 1:
            return
        entries = arm_entries(main.manifest)
        for arm in self.arms.arms[1:]:
            artifact = (entries.get(arm) or {}).get("artifact")
            current = self._arm_snapshots.get(arm)
            if not artifact:
                self._arm_snapshots.pop(arm, None)
                continue
            if current is not None and (current.manifest.get("artifact") or {}).get("id") == artifact["id"]:
                if current.version != main.version:  # the same engine, named by a newer row
                    self._arm_snapshots[arm] = dataclasses.replace(
                        current, version=main.version, last_event_id=main.last_event_id
                    )
                continue
            try:
                self._arm_snapshots[arm] = served_arm_snapshot(self.store, self.settings, main, artifact)
            except (ArtifactError, OSError, ValueError, KeyError) as exc:
                log.warning(
                    "arm %s: artifact %s unusable (%s); its runners see %s",
                    arm,
                    artifact["id"],
                    exc,
                    self.arms.default_arm,
                )
                continue
            log.info("arm %s serves CF version %s", arm, main.version)

    def heartbeat(self, *, force: bool = False) -> None:
        # the admin reload generation this worker has applied, for the dashboard's "reloaded in n/m"
        state = "serving" if self.reload_generation is None else f"serving, reload {self.reload_generation}"
        self._heartbeat.beat(version_id_of(self._snapshot), state, force=force)

    async def poll_forever(self) -> None:
        """Every SNAPSHOT_POLL_S: follow published versions and admin reloads (store down: keep serving)."""
        while True:
            try:
                await asyncio.to_thread(self.sync)
            except StoreError as exc:
                log.warning("CF version poll failed: %s", exc)
            except Exception:  # the poller must outlive any one bad version
                log.exception("CF version poll failed")
            await asyncio.sleep(self.settings.snapshot_poll_s)
