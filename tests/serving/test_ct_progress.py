"""CTProgress: /health's cached view of the shared continuous-training counter."""

from __future__ import annotations

from src.serving.ct_progress import CTProgress
from src.store import CTState, RecordOutcome, StoreUnavailable, UserState


def _write(event_id: int, pending: int, claimed: bool = False, changed: bool = True) -> RecordOutcome:
    return RecordOutcome(event_id, changed, pending, claimed, UserState([], event_id))


def test_refresh_is_claimed_once_per_max_age() -> None:
    progress = CTProgress(max_age_s=1.0)
    assert progress.claim_refresh(now=10.0) is True
    assert progress.claim_refresh(now=10.0) is False  # one refresh in flight: the others serve
    progress.observe_state(CTState(pending=7, rebuilds_claimed=2, max_event_id=100), now=10.0)
    progress._refreshing = False  # what refresh() does in its finally
    assert progress.claim_refresh(now=10.5) is False  # fresh for 1 s
    assert progress.claim_refresh(now=11.0) is True


def test_newer_events_win_whoever_reports_them() -> None:
    progress = CTProgress(max_age_s=1.0)
    progress.observe_state(CTState(pending=7, rebuilds_claimed=2, max_event_id=100), now=0.0)
    progress.observe_write(_write(event_id=101, pending=8))
    assert progress.view().pending == 8
    progress.observe_write(_write(event_id=99, pending=6))  # older than what we know: ignored
    progress.observe_write(_write(event_id=0, pending=3, changed=False))  # unchanged: no event
    assert progress.view().pending == 8
    progress.observe_write(_write(event_id=102, pending=0, claimed=True))  # crossing: one claim more
    assert (progress.view().pending, progress.view().rebuilds_claimed) == (0, 3)
    # a store read taken before our newest write does not roll it back
    progress.observe_state(CTState(pending=7, rebuilds_claimed=2, max_event_id=101), now=1.0)
    assert (progress.view().pending, progress.view().rebuilds_claimed) == (0, 3)
    progress.observe_state(CTState(pending=4, rebuilds_claimed=3, max_event_id=106), now=2.0)
    assert (progress.view().pending, progress.view().rebuilds_claimed) == (4, 3)


def test_failure_is_reported_until_the_store_answers() -> None:
    progress = CTProgress(max_age_s=1.0)
    progress.observe_state(CTState(pending=1, rebuilds_claimed=0, max_event_id=5), now=0.0)
    progress.observe_failure(StoreUnavailable("down"), now=0.2)
    assert progress.view().store_error == "down"
    assert progress.claim_refresh(now=0.5) is False  # a failure is also cached for max_age_s
    progress.observe_ok()  # e.g. the readiness ping succeeded: re-read on the next ask
    assert progress.view().store_error is None
    assert progress.claim_refresh(now=0.6) is True
