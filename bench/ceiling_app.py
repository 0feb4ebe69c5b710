"""The ceiling: the fastest honest FastAPI app with the service's endpoint shapes and response sizes.

    gunicorn bench.ceiling_app:app -k uvicorn.workers.UvicornWorker -w 4 -b 127.0.0.1:7861

Every endpoint returns a prebuilt `Response(content=<bytes>, media_type="application/json")`; the
bytes are built once at import from the real catalog (data/*.csv), with the same number of items
and the same fields as the real responses:

    POST /interact, GET /recommend/feed/{user_id}  20 x {shoe_id, name, brand, match_score, reason}
    POST /recommend/road, POST /recommend/trail    10 x {shoe_id, name, brand, cluster, match_score}
    GET  /health                                   the service's /health keys, constant values

No body parsing, no store, no model: what FastAPI + uvicorn + gunicorn cost per request, which is
the upper bound the service is compared with (bench/http_bench.py).

CEILING_SIZES (optional, JSON, e.g. {"interact": 1750, "feed": 1750, "road": 980, "trail": 990, "health": 700}):
response sizes in bytes measured on the real service; each payload is then fitted to its target
(list endpoints: the window of catalog shoes whose serialised size is closest; /health: a filler
in a string field), so the comparison carries the same bytes per response.
"""

from __future__ import annotations

import csv
import json
import os
import random
from pathlib import Path
from typing import Any

import orjson
from fastapi import FastAPI, Response

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
JSON = "application/json"
FEED_SIZE = 20
ROAD_SIZE = 10


def _catalog(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(newline="", encoding="utf-8") as fh:
        return [{"shoe_id": r["shoe_id"], "name": r["name"], "brand": r["brand"]} for r in csv.DictReader(fh)]


def _feed_items(shoes: list[dict[str, str]]) -> list[dict[str, Any]]:
    rng = random.Random(7)
    scores = sorted((round(rng.uniform(0.3, 2.4), 4) for _ in shoes), reverse=True)
    return [
        {**s, "match_score": score, "reason": "similar_runners" if i < len(shoes) * 3 // 4 else "popular"}
        for i, (s, score) in enumerate(zip(shoes, scores, strict=True))
    ]


def _road_items(shoes: list[dict[str, str]]) -> list[dict[str, Any]]:
    rng = random.Random(11)
    scores = sorted((round(rng.uniform(0.55, 0.97), 4) for _ in shoes), reverse=True)
    return [
        {**s, "cluster": rng.randint(0, 4), "match_score": score}
        for s, score in zip(shoes, scores, strict=True)
    ]


def _list_payload(catalog: list[dict[str, str]], n: int, make: Any, target: int | None) -> bytes:
    """`{"status":"success","data":[n items]}`: the first n shoes, or, with a target size, the window
    of n consecutive shoes (catalog sorted by name+brand length) whose serialised size is closest."""

    def dump(shoes: list[dict[str, str]]) -> bytes:
        return orjson.dumps({"status": "success", "data": make(shoes)})

    if not target:
        return dump(catalog[:n])
    ordered = sorted(catalog, key=lambda s: len(s["name"]) + len(s["brand"]))
    best = min(
        (ordered[i : i + n] for i in range(max(1, len(ordered) - n + 1))),
        key=lambda window: abs(len(dump(window)) - target),
    )
    return dump(best)


def _health_payload(target: int | None) -> bytes:
    body: dict[str, Any] = {
        "status": "healthy",
        "worker_pid": os.getpid(),
        "store": "sqlite",
        "ct_sync_progress": "12/50",
        "ct_rebuilds_claimed": 3,
        "cf_engine": {
            "version": "v_20250601_120000",
            "users": 2000,
            "shoes": 529,
            "last_event_id": 38412,
            "ndcg_at_10": 0.2841,
        },
        "content_models": {"road": "v_20250601_115500", "trail": "v_20250601_115530"},
        "last_rebuild": {
            "mode": "incremental",
            "outcome": "published",
            "version": "v_20250601_120000",
            "reason": "",
            "duration_s": 0.412,
        },
    }
    raw = orjson.dumps(body)
    if target and target > len(raw):
        body["last_rebuild"]["reason"] = "x" * (target - len(raw))
        raw = orjson.dumps(body)
    return raw


_SIZES: dict[str, int] = json.loads(os.environ.get("CEILING_SIZES") or "{}")
_ROAD, _TRAIL = _catalog("road_dataset.csv"), _catalog("trail_dataset.csv")
FEED_BODY = _list_payload(_ROAD + _TRAIL, FEED_SIZE, _feed_items, _SIZES.get("feed"))
INTERACT_BODY = _list_payload(_ROAD + _TRAIL, FEED_SIZE, _feed_items, _SIZES.get("interact"))
ROAD_BODY = _list_payload(_ROAD, ROAD_SIZE, _road_items, _SIZES.get("road"))
TRAIL_BODY = _list_payload(_TRAIL, ROAD_SIZE, _road_items, _SIZES.get("trail"))
HEALTH_BODY = _health_payload(_SIZES.get("health"))
LIVE_BODY = b'{"status":"alive"}'

app = FastAPI(title="SONIX RUSH AI ceiling", docs_url=None, redoc_url=None, openapi_url=None)


@app.post("/interact")
async def interact() -> Response:
    return Response(content=INTERACT_BODY, media_type=JSON)


@app.get("/recommend/feed/{user_id}")
async def feed(user_id: int) -> Response:
    return Response(content=FEED_BODY, media_type=JSON)


@app.get("/health")
async def health() -> Response:
    return Response(content=HEALTH_BODY, media_type=JSON)


@app.post("/recommend/road")
async def road() -> Response:
    return Response(content=ROAD_BODY, media_type=JSON)


@app.post("/recommend/trail")
async def trail() -> Response:
    return Response(content=TRAIL_BODY, media_type=JSON)


@app.get("/health/live")
async def live() -> Response:
    return Response(content=LIVE_BODY, media_type=JSON)


@app.get("/health/ready")
async def ready() -> Response:
    return Response(content=b'{"status":"ready"}', media_type=JSON)
