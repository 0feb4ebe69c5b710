"""`python -m src.ct`: the continuous-training process (ROLE=ct, or started by `python -m src.main`'s
supervisor with ROLE=all). No HTTP server: it talks to the store only."""

from __future__ import annotations

import logging
import os
import signal
import socket
import sys
import threading
from types import FrameType

from src.config import Settings, get_settings

log = logging.getLogger("sonix.ct")


def check(settings: Settings) -> int:
    """`python -m src.ct --check` (the container healthcheck): 0 if a CT process on this host sent
    a heartbeat to the store recently, 1 otherwise."""
    from src.store import StoreError, create_store

    store = create_store(settings)
    try:
        beats = store.serving_processes(3 * settings.heartbeat_s + 5)
    except StoreError as exc:
        print(f"sonix-ct: store unreachable: {exc}", file=sys.stderr)
        return 1
    finally:
        store.close()
    here = socket.gethostname()
    alive = [b for b in beats if b.role == "ct" and b.host == here]
    print(f"sonix-ct: {'alive' if alive else 'no recent heartbeat'} on {here}")
    return 0 if alive else 1


def lower_priority(nice: int) -> None:
    """Lower this process's CPU priority by `nice` (never raise it): the requests of the API workers
    on the same cores come first."""
    if nice > 0:
        try:
            os.nice(nice)
        except OSError as exc:  # e.g. a container without the capability: keep the priority
            log.warning("CT process: cannot lower its priority (%s)", exc)


def main() -> int:
    if "--check" in sys.argv[1:]:
        return check(get_settings())
    # The rebuild math is single-threaded by design (it must not take every core from the API).
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    from src.catalog import CatalogError
    from src.ct.loop import CTLoop
    from src.logs import configure_logging
    from src.store import StoreConfigError, StoreUnavailable, create_store

    settings = get_settings()
    configure_logging(settings.log_level, settings.log_json)
    lower_priority(settings.ct_nice)
    store = create_store(settings)
    stop = threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        log.info("CT process stopping (signal %d)", signum)
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    while not stop.is_set():
        try:
            store.init()  # migrations under their own lock; the embedded store seeds itself
            break
        except (CatalogError, StoreConfigError) as exc:
            print(f"sonix-ct: cannot start: {exc}", file=sys.stderr)
            return 2
        except StoreUnavailable as exc:
            log.warning("CT waiting for the store: %s", exc)
            stop.wait(settings.ct_poll_s)
    CTLoop(store, settings).run_forever(stop)
    store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
