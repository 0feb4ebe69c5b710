"""Request bodies whose JSON objects name a field twice are refused (400), not read last-wins.

`{"action_type": "like", "action_type": "rate", "value": 2}` is valid JSON to most parsers, and the
last key wins: a like would be stored as a 2★ rating. A route class whose requests parse JSON with a
duplicate check makes that a 400 naming the field (the routers that take a body use it).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import HTTPException, Request, Response
from fastapi.routing import APIRoute

MAX_NAME_CHARS = 64  # an echoed name is cut here: the answer must not grow with the request


def unique_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """`json.loads` object hook: the object, or a 400 naming the first field given twice."""
    obj: dict[str, Any] = {}
    for key, value in pairs:
        if key in obj:
            name = key if len(key) <= MAX_NAME_CHARS else key[:MAX_NAME_CHARS] + "…"
            raise HTTPException(400, detail=f"{name}: the field appears more than once; send it once")
        obj[key] = value
    return obj


class StrictJSONRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = json.loads(await self.body(), object_pairs_hook=unique_object)
        return self._json


class StrictJSONRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def strict(request: Request) -> Response:
            return await handler(StrictJSONRequest(request.scope, request.receive))

        return strict
