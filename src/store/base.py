"""The store's interface: one `Store` type, made of one interface per job (as gorse splits storage).

- `data.DataJob`          the catalog, interactions, saved questionnaires, forgetting a runner;
- `events.EventsJob`      the event log: the CT counter, replay as of a watermark, deltas, compaction;
- `registry.RegistryJob`  CF versions and artifacts, the reload generation, heartbeats, leadership;
- `online.OnlineJob`      impressions and online-metrics reports.

Each job is a package with one module per backend (`sqlite`, `postgres`, `supabase`) and, where
SQLite and PostgreSQL run the same statements, a `sql` module they share; a backend's `Store`
(`src/store/{sqlite,postgres,supabase}.py`) composes its four jobs on its connection
(`src/store/backends/`).

Every write is one transaction that records the interaction, appends it to `interaction_events`
and bumps the shared continuous-training counter, so the counter is global across workers and
nothing is ever half-written. Scores are computed in Python from raw rows (`recommender.scores`)
so the conversion lives in exactly one place.
"""

from __future__ import annotations

from src.store.data import DataJob
from src.store.events import EventsJob
from src.store.online import OnlineJob
from src.store.registry import RegistryJob


class Store(DataJob, EventsJob, RegistryJob, OnlineJob):
    """The interface the rest of the code uses. Implementations are thread-safe."""
