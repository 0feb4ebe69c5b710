"""What every store is before its jobs: settings and lifecycle."""

from __future__ import annotations

from abc import ABC, abstractmethod

from src.config import Settings


class StoreCore(ABC):
    """The part of the store that every job shares. Implementations are thread-safe."""

    backend: str = "abstract"
    # Statements are local calls (an embedded file), short enough to run on the event loop; False
    # for a store behind a network round trip, whose calls go to the thread pool.
    in_process: bool = False

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    # --- lifecycle
    @abstractmethod
    def init(self) -> None:
        """Create the schema if needed and seed the catalog (and demo data where enabled)."""

    @abstractmethod
    def ping(self) -> None:
        """Raise StoreUnavailable unless the store answers a trivial query."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections."""

    @property
    def threshold(self) -> int:
        return self.settings.ct_threshold
