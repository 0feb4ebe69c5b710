"""The one file lock (src/store/locks.py): a bounded wait, in the main thread (an interval timer
interrupts the kernel wait) and in other threads (polling)."""

from __future__ import annotations

import signal
import threading
from pathlib import Path

from src.store.locks import FileLock


def test_a_bounded_wait_gives_up_and_leaves_no_timer_behind(tmp_path: Path) -> None:
    holder, waiter = FileLock(tmp_path / "w.lock"), FileLock(tmp_path / "w.lock")
    assert holder.acquire(wait=False)
    before = signal.getsignal(signal.SIGALRM)
    assert threading.current_thread() is threading.main_thread()
    assert waiter.acquire_timed(0.05) is False and not waiter.is_locked
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) == before
    holder.release()
    assert waiter.acquire_timed(0.05) is True and waiter.is_locked
    assert holder.acquire(wait=False) is False  # the waiter really holds it
    waiter.close()
    holder.close()


def test_a_bounded_wait_takes_the_lock_when_it_frees_in_time(tmp_path: Path) -> None:
    holder, waiter = FileLock(tmp_path / "w.lock"), FileLock(tmp_path / "w.lock")
    assert holder.acquire(wait=False)
    releasing = threading.Timer(0.05, holder.release)
    releasing.start()
    assert waiter.acquire_timed(5.0) is True  # handed over when freed, long before the bound
    releasing.join()
    waiter.close()
    holder.close()


def test_off_the_main_thread_the_wait_is_bounded_too(tmp_path: Path) -> None:
    holder, waiter = FileLock(tmp_path / "w.lock"), FileLock(tmp_path / "w.lock")
    assert holder.acquire(wait=False)
    got: list[bool] = []
    thread = threading.Thread(target=lambda: got.append(waiter.acquire_timed(0.05)))
    thread.start()
    thread.join(5)
    assert got == [False]
    holder.close()
    waiter.close()
