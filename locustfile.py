"""Load test: the original SONIX RUSH AI traffic mix.

    locust -f locustfile.py --headless -u 50 -r 10 -t 60s --host http://127.0.0.1:7860 \
        --csv bench/results/locust

Mix (task weights): `POST /v1/interact` ×3 (likes and 1-5 star ratings), `GET /v1/recommend/feed/{user_id}`
×1, `GET /v1/health` ×1. Requests are named by route template (`/v1/recommend/feed/[user_id]`) so the
stats group per endpoint. Bodies are built and answers parsed with the typed client generated from
openapi.json (`clients/python`), so a drift between the document and the service fails the run.

Ids are realistic: shoe ids come from data/road_dataset.csv and data/trail_dataset.csv (the catalog
the store is seeded from); users are the synthetic demo runners 1..LOCUST_DEMO_USERS (every one has
at least 3 interactions, so their feed is a 200) plus a share of new runners (ids from 1,000,000 up)
whose first interaction creates them. A feed is only requested for a user known to exist (a demo user
or a new user this process has already recorded an interaction for), so a 404 there is a failure.
With LOCUST_COLD_FEED_RATIO > 0, that share of feed requests goes to never-seen users, for which a
404 is the expected answer and counts as a success.

Environment (all optional):
  LOCUST_DEMO_USERS        demo users seeded in the store (default: DEMO_USERS or 2000)
  LOCUST_NEW_USER_RATIO    share of interactions from new runners (default 0.15)
  LOCUST_COLD_FEED_RATIO   share of feed requests for never-seen users, expecting 404 (default 0)
  LOCUST_WAIT_MIN/MAX      think time between tasks in seconds (default 0.1 / 0.5)
  LOCUST_API_KEY           sent as X-API-Key (for a service with API_KEY set)
"""

from __future__ import annotations

import csv
import itertools
import os
import random
import sys
from pathlib import Path

from locust import FastHttpUser, between, task

sys.path.insert(0, str(Path(__file__).resolve().parent / "clients" / "python"))

from sonix_rush_client.models import FeedResponse, HealthResponse, Like, Rating

DATA_DIR = Path(__file__).resolve().parent / "data"
API_KEY = os.environ.get("LOCUST_API_KEY")

DEMO_USERS = int(os.environ.get("LOCUST_DEMO_USERS") or os.environ.get("DEMO_USERS") or 2000)
NEW_USER_RATIO = float(os.environ.get("LOCUST_NEW_USER_RATIO", "0.15"))
COLD_FEED_RATIO = float(os.environ.get("LOCUST_COLD_FEED_RATIO", "0"))
WAIT_MIN = float(os.environ.get("LOCUST_WAIT_MIN", "0.1"))
WAIT_MAX = float(os.environ.get("LOCUST_WAIT_MAX", "0.5"))

NEW_USER_BASE = 1_000_000  # far above any demo id
COLD_USER_BASE = 900_000_000  # never written by this scenario


def load_shoe_ids() -> list[str]:
    ids: list[str] = []
    for name in ("road_dataset.csv", "trail_dataset.csv"):
        with (DATA_DIR / name).open(newline="", encoding="utf-8") as fh:
            ids.extend(row["shoe_id"] for row in csv.DictReader(fh) if row.get("shoe_id"))
    if not ids:
        raise RuntimeError(f"no shoe ids found in {DATA_DIR}")
    return ids


SHOE_IDS = load_shoe_ids()
# New runner ids: offset by process id so several locust workers do not share them.
_new_user_ids = itertools.count(NEW_USER_BASE + (os.getpid() % 1000) * 100_000)
_known_new_users: list[int] = []  # new runners with at least one recorded interaction
_known_new_set: set[int] = set()


class Runner(FastHttpUser):
    wait_time = between(WAIT_MIN, WAIT_MAX)

    def on_start(self) -> None:
        self.rng = random.Random()
        self.own_new_user: int | None = None
        self.headers = {"X-API-Key": API_KEY} if API_KEY else {}

    def _interacting_user(self) -> int:
        if self.rng.random() < NEW_USER_RATIO:
            # A new runner keeps interacting for a while (their history grows), then another one.
            if self.own_new_user is None or self.rng.random() < 0.2:
                self.own_new_user = next(_new_user_ids)
            return self.own_new_user
        return self.rng.randint(1, DEMO_USERS)

    @task(3)
    def interact(self) -> None:
        user_id = self._interacting_user()
        shoe_id = self.rng.choice(SHOE_IDS)
        body = (
            Like(user_id=user_id, shoe_id=shoe_id, action_type="like")
            if self.rng.random() < 0.5
            else Rating(user_id=user_id, shoe_id=shoe_id, action_type="rate", value=self.rng.randint(1, 5))
        )
        with self.client.post(
            "/v1/interact",
            json=body.to_dict(),
            headers=self.headers,
            name="/v1/interact",
            catch_response=True,
        ) as resp:
            if resp.status_code != 200:
                resp.failure(f"HTTP {resp.status_code}: {(resp.text or '')[:200]}")
                return
            if not FeedResponse.from_dict(resp.json()).data:
                resp.failure("empty feed in the /v1/interact response")
                return
            resp.success()
        if user_id >= NEW_USER_BASE and user_id not in _known_new_set:
            _known_new_set.add(user_id)
            _known_new_users.append(user_id)

    @task(1)
    def feed(self) -> None:
        expect_404 = COLD_FEED_RATIO > 0 and self.rng.random() < COLD_FEED_RATIO
        if expect_404:
            user_id = COLD_USER_BASE + self.rng.randint(0, 99_999_999)
        elif _known_new_users and self.rng.random() < NEW_USER_RATIO:
            user_id = self.rng.choice(_known_new_users)
        else:
            user_id = self.rng.randint(1, DEMO_USERS)
        with self.client.get(
            f"/v1/recommend/feed/{user_id}",
            headers=self.headers,
            name="/v1/recommend/feed/[user_id]",
            catch_response=True,
        ) as resp:
            if resp.status_code == 404 and expect_404:
                resp.success()
            elif resp.status_code != 200:
                resp.failure(f"HTTP {resp.status_code} for user {user_id}: {(resp.text or '')[:200]}")
            elif not FeedResponse.from_dict(resp.json()).data:
                resp.failure(f"empty feed for user {user_id}")
            else:
                resp.success()

    @task(1)
    def health(self) -> None:
        with self.client.get("/v1/health", name="/v1/health", catch_response=True) as resp:
            if resp.status_code != 200:
                resp.failure(f"HTTP {resp.status_code}")
                return
            status = HealthResponse.from_dict(resp.json()).status
            if status != "healthy":
                resp.failure(f"status {status!r}")
            else:
                resp.success()
