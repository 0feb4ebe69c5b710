"""Publishing a candidate's serving artifact into the store, before the version row names it."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from src.recommender.cf_snapshot import CFSnapshot
from src.store import Store, StoreError

log = logging.getLogger(__name__)


def publish_artifact(
    store: Store, candidate: CFSnapshot, parent: CFSnapshot | None, changed: Sequence[int] | None
) -> dict[str, Any] | None:
    """The candidate's serving artifact stored before its version row names it (issue 21; a
    failure only leaves replicas replaying the event log for this version)."""
    from src.engine.cf_artifacts import publish_version_artifact

    try:
        return publish_version_artifact(store, candidate, parent, changed)
    except StoreError:
        raise
    except Exception:
        log.exception("could not publish the CF artifact (replicas will replay the event log)")
        return None
