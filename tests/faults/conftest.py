"""Fixtures of the fault-injection suite: a throwaway PostgreSQL cluster it may stop and kill."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.faults.pg_cluster import ThrowawayCluster, postgres_available


@pytest.fixture(scope="module")
def pg_cluster() -> Iterator[ThrowawayCluster]:
    if not postgres_available():
        pytest.skip("initdb/pg_ctl not installed: the outage scenarios need a throwaway cluster")
    cluster = ThrowawayCluster()
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.destroy()
