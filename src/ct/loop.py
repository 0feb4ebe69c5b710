"""The continuous-training loop: the one process that rebuilds, gates and publishes CF versions.

- **Leadership**: one CT process per database holds `Store.ct_leadership()` (a PostgreSQL session
  advisory lock, or a file lock on the embedded store); a second one waits as a standby. The lock
  dies with the process, so a `kill -9` hands it over at once.
- **Claims**: every `CT_THRESHOLD` changed interactions the store counts a claim. Each poll
  (`CT_POLL_S`) compares the claims with those handled; when some are pending, and the pause after
  the last rebuild is over, one rebuild answers all of them: it reads every event up to the moment
  it starts.
- **Pace**: the pause is `CT_MIN_INTERVAL_S`, whatever the write rate, or longer when the last
  incremental rebuild's CPU would otherwise exceed `CT_CPU_SHARE` of a core, up to
  `CT_MAX_INTERVAL_S` (`rebuild_pause`). Incremental rebuilds cost more as the store grows; paced by
  their CPU, the CT process's share of a host it shares with API workers stays flat, and its
  versions space out instead, never further apart than the bound.
- **Publish**: the version row and the claims it answers are recorded in one transaction; API
  replicas follow that row. A process that dies before the commit published nothing, and the
  claims it was answering are answered by its successor.
- **Watchdog**: a rebuild still running after `CT_REBUILD_TIMEOUT_S` is recorded as failed (its
  claims handled, so a rebuild that always hangs is not retried forever) and the process exits
  with the thread stacks in the log; its supervisor restarts it, and the lock is free again.
"""

from __future__ import annotations

import faulthandler
import logging
import os
import sys
import threading
import time
from collections.abc import Callable, Mapping
from typing import Protocol

from src.config import Settings
from src.ct.rebuild import RebuildResult, bootstrap, rebuild, record_failure
from src.engine.arms import arm_entries
from src.engine.heartbeat import Heartbeat
from src.engine.versions import follow, holds, load_cache, version_id_of
from src.metrics import CT_REBUILD_SECONDS, CT_REBUILDS
from src.recommender.cf_snapshot import CFSnapshot
from src.store import Leadership, LeadershipTimeout, Store, StoreError

log = logging.getLogger(__name__)

WATCHDOG_EXIT_CODE = 70


class RebuildFn(Protocol):
    def __call__(
        self,
        store: Store,
        settings: Settings,
        parent: CFSnapshot | None,
        *,
        claims_through: int,
        still_leader: Callable[[], bool],
        arm_parents: Mapping[str, CFSnapshot],
    ) -> RebuildResult: ...


class CTLoop:
    """One CT process's state: the version it serves as the parent of the next rebuild."""

    def __init__(
        self,
        store: Store,
        settings: Settings,
        *,
        rebuild_fn: RebuildFn = rebuild,
        on_timeout: Callable[[], None] | None = None,
    ) -> None:
        self.store = store
        self.settings = settings
        self.rebuild_fn = rebuild_fn
        self.on_timeout = on_timeout or self._exit_for_restart
        self.snapshot: CFSnapshot | None = None
        self.arm_snapshots: dict[str, CFSnapshot] = {}  # the A/B arms' engines at self.snapshot
        self.leadership: Leadership | None = None
        self.last_rebuild_at: float | None = None
        self.pause_s = settings.ct_min_interval_s  # after the last rebuild, before the next
        self.state = "idle"
        self._heartbeat = Heartbeat(store, "ct", settings.heartbeat_s)
        self._last_compaction = time.monotonic()
        self._last_online_metrics = time.monotonic()
        self.refusals = 0

    # --- one step at a time (the tests drive these)
    def start(self) -> None:
        """Serve the newest published version (from the local cache and the store), or publish the
        first one. Call with the leadership held."""
        latest = self.store.ct_poll().version_id
        if latest is None:
            self.snapshot = bootstrap(self.store, self.settings)
            self.last_rebuild_at = time.monotonic()
        else:
            self.snapshot = follow(self.store, self.settings, load_cache(self.settings), latest)
        self.arm_snapshots = {}  # built afresh by the next rebuild
        self.heartbeat(force=True)

    def step(self) -> RebuildResult | None:
        """Answer the pending claims with one rebuild, if there are any and the pace allows."""
        poll = self.store.ct_poll()
        if poll.version_id is not None and not holds(self.snapshot, poll.version_id, poll.watermark):
            # published by a previous leader (or `python -m src.ct.rebuild`): rebuild on top of it
            self.snapshot = follow(self.store, self.settings, self.snapshot, poll.version_id) or self.snapshot
            self.arm_snapshots = {}  # the arms of that version are fitted afresh by the next rebuild
        if poll.rebuilds_claimed <= poll.claims_handled:
            return None
        if self.last_rebuild_at is not None and time.monotonic() - self.last_rebuild_at < self.pause_s:
            return None
        return self._rebuild(poll.rebuilds_claimed)

    def _rebuild(self, claims_through: int) -> RebuildResult:
        self.state = "rebuilding"
        self.heartbeat(force=True)
        cpu_started, wall_started = time.process_time(), time.monotonic()
        watchdog = threading.Timer(
            self.settings.ct_rebuild_timeout_s, self._timed_out, kwargs={"claims_through": claims_through}
        )
        watchdog.daemon = True
        watchdog.start()
        try:
            result = self.rebuild_fn(
                self.store,
                self.settings,
                self.snapshot,
                claims_through=claims_through,
                still_leader=self._leads,
                arm_parents=self.arm_snapshots,
            )
        finally:
            watchdog.cancel()
            self.last_rebuild_at = time.monotonic()
            self.state = "idle"
        if result.snapshot is not None:
            self.snapshot = result.snapshot
            self.arm_snapshots = result.arm_snapshots
            if result.outcome == "published":
                self.compact()
        self.refusals = self.refusals + 1 if result.outcome == "refused" else 0
        if result.outcome == "refused" and self.refusals >= self.settings.gate_stall_after:
            log.warning(
                "CF publication stalled: the quality gate refused %d rebuilds in a row; %s keeps serving",
                self.refusals,
                self.snapshot.version if self.snapshot else "no version",
            )
        CT_REBUILDS.labels(result.mode, result.outcome).inc()
        CT_REBUILD_SECONDS.labels(result.mode).observe(result.duration_s)
        cpu_s = time.process_time() - cpu_started
        if result.mode == "incremental":  # a full rebuild's cost is FULL_REBUILD_EVERY's to bound
            self.pause_s = rebuild_pause(
                cpu_s,
                time.monotonic() - wall_started,
                self.settings.ct_min_interval_s,
                self.settings.ct_cpu_share,
                self.settings.ct_max_interval_s,
            )
        log.info(
            "CT rebuild %s (%s, %.2fs, %.2fs of CPU, claims through %d, next in %.1fs or more)%s",
            result.outcome,
            result.mode,
            result.duration_s,
            cpu_s,
            claims_through,
            self.pause_s,
            f": {result.reason}" if result.reason else "",
        )
        self.heartbeat(force=True)
        return result

    def compact(self) -> None:
        """Compact the event log through the serving version's watermark (events after it are
        never touched: a replay as of any published version stays exact)."""
        self._last_compaction = time.monotonic()
        if self.snapshot is not None:
            compact_event_log(self.store, int(self.snapshot.last_event_id))
        prune_artifacts(self.store, self.settings.keep_versions)

    def compaction_due(self) -> bool:
        return time.monotonic() - self._last_compaction >= self.settings.event_compaction_s

    def online_metrics_due(self) -> bool:
        return time.monotonic() - self._last_online_metrics >= self.settings.online_metrics_every_s

    def online_metrics(self) -> None:
        """Compute and store the online metrics report (docs/online_evaluation.md); a failure only
        leaves the previous report in place."""
        from src.engine.online import refresh_online_metrics

        self._last_online_metrics = time.monotonic()
        try:
            refresh_online_metrics(self.store, self.settings)
        except Exception as exc:
            log.warning("online metrics not computed: %s", exc)

    def _leads(self) -> bool:
        return self.leadership is None or self.leadership.still_held()

    def _timed_out(self, claims_through: int) -> None:
        reason = f"rebuild timed out after {self.settings.ct_rebuild_timeout_s:g} s (CT_REBUILD_TIMEOUT_S)"
        log.error("%s; the CT process exits and is restarted", reason)
        faulthandler.dump_traceback(file=sys.stderr)  # where it hung
        record_failure(self.store, "incremental", claims_through, reason, self.snapshot)
        self.on_timeout()

    @staticmethod
    def _exit_for_restart() -> None:
        # A hung thread cannot be stopped from Python: end the process, which frees the leadership.
        os._exit(WATCHDOG_EXIT_CODE)

    def heartbeat(self, *, force: bool = False) -> None:
        try:
            self._heartbeat.beat(version_id_of(self.snapshot), self.state, force=force)
        except StoreError as exc:
            log.warning("CT heartbeat failed: %s", exc)

    # --- the process
    def run_forever(self, stop: threading.Event) -> None:
        """Wait for the leadership, then poll for claims until `stop` is set."""
        lead = self.store.ct_leadership()
        while not stop.is_set():
            try:
                lead.acquire(timeout_s=max(self.settings.ct_poll_s, 1.0))
                break
            except LeadershipTimeout:
                self.state = "standby"
                self.heartbeat()
            except StoreError as exc:
                log.warning("CT cannot reach the store to take the leadership: %s", exc)
                stop.wait(self.settings.ct_poll_s)
        else:
            return
        self.leadership = lead
        log.info("CT process %d leads continuous training", os.getpid())
        try:
            self._run_leading(stop)
        finally:
            lead.release()

    def _run_leading(self, stop: threading.Event) -> None:
        started = False
        while not stop.is_set():
            if self.leadership is not None and not self.leadership.still_held():
                log.error("the CT leadership was lost; exiting so the supervisor restarts this process")
                raise SystemExit(WATCHDOG_EXIT_CODE)
            try:
                if not started:
                    self.start()
                    started = True
                self.step()
                if self.compaction_due():  # on its own schedule too: a failed one is not left for long
                    self.compact()
                if self.online_metrics_due():
                    self.online_metrics()
                self.heartbeat()
            except StoreError as exc:  # store down: keep the served version, retry next poll
                log.warning("CT poll failed: %s", exc)
            stop.wait(self.settings.ct_poll_s)


def rebuild_pause(
    cpu_s: float, wall_s: float, min_interval_s: float, cpu_share: float, max_interval_s: float
) -> float:
    """Seconds from the end of a rebuild that took `cpu_s` of CPU over `wall_s` to the next:
    `min_interval_s`, or longer so that its CPU is at most `cpu_share` of the time from its start
    to the next one's, but at most `max_interval_s` (`cpu_share` 0: `min_interval_s` alone;
    `min_interval_s` 0: no pause)."""
    if min_interval_s <= 0:
        return 0.0
    if cpu_share <= 0:
        return min_interval_s
    return max(min_interval_s, min(cpu_s / cpu_share - wall_s, max_interval_s))


def compact_event_log(store: Store, watermark: int) -> None:
    """After a publish the new version covers every event up to its watermark, so superseded ones
    can go (Store.compact_events). A failure only leaves the log longer; never stops the loop."""
    try:
        removed = store.compact_events(watermark)
    except Exception as exc:
        log.warning("event-log compaction skipped: %s", exc)
        return
    if removed:
        log.info("event log compacted through %d: %d superseded events removed", watermark, removed)


def prune_artifacts(store: Store, keep_versions: int) -> None:
    """Keep the artifact chains of the newest `keep_versions` published versions (what a worker
    or a new replica may still follow); older chains go. A failure only leaves the store larger."""
    try:
        keep = []
        for version in store.cf_versions(keep_versions, status="published"):
            named = [version.figures.get("artifact")] + [
                e.get("artifact") for e in arm_entries(version.figures).values()
            ]
            keep += [str(a["id"]) for a in named if isinstance(a, dict)]
        removed = store.prune_cf_artifacts(keep)
    except NotImplementedError:
        return
    except Exception as exc:
        log.warning("CF artifact pruning skipped: %s", exc)
        return
    if removed:
        log.info("CF artifacts pruned: %d no longer followed", removed)
