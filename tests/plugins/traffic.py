"""Client traffic for the tests against real processes: random interactions and a concurrent sender."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence

import httpx
import numpy as np


def interaction_bodies(users: Iterable[int], shoes: Sequence[str], seed: int) -> list[dict[str, object]]:
    """Five distinct shoes a runner, each liked or rated 1-5 stars at random (a fixed seed)."""
    rng = np.random.default_rng(seed)
    out: list[dict[str, object]] = []
    for user in users:
        for shoe in rng.choice(list(shoes), size=5, replace=False):
            if rng.random() < 0.5:
                out.append({"user_id": user, "shoe_id": str(shoe), "action_type": "like"})
            else:
                out.append(
                    {
                        "user_id": user,
                        "shoe_id": str(shoe),
                        "action_type": "rate",
                        "value": int(rng.integers(1, 6)),
                    }
                )
    return out


async def fire_over(bases: list[str], bodies: list[dict[str, object]], concurrency: int = 16) -> list[int]:
    """POST each body to `/interact` of the replica after the previous one's (round robin),
    `concurrency` at a time; the statuses in order."""
    sem = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(timeout=30) as client:

        async def one(i: int, body: dict[str, object]) -> int:
            async with sem:
                return (await client.post(f"{bases[i % len(bases)]}/interact", json=body)).status_code

        return await asyncio.gather(*(one(i, b) for i, b in enumerate(bodies)))


def like_each(base: str, users: Iterable[int], shoe: str) -> None:
    """Each runner likes `shoe`; every answer is 200."""
    for user in users:
        r = httpx.post(f"{base}/interact", json={"user_id": user, "shoe_id": shoe, "action_type": "like"})
        assert r.status_code == 200, r.text
