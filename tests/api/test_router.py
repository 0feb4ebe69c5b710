"""The route table: the busiest routes are matched first (src/api/router.py), which is safe only while
no route shadows another, i.e. no earlier route answers a method and path a later one declares."""

from __future__ import annotations

import re

from fastapi.routing import APIRoute, iter_route_contexts
from starlette.routing import compile_path

from src.app import create_app
from src.config import Settings

SAMPLE_VALUES = {"user_id": "17", "shoe_id": "R001", "shoe_type": "road", "name": "x.js"}


def _sample_path(path: str) -> str:
    """The route's path with a plausible value in each parameter."""
    return re.sub(r"{(\w+)(:\w+)?}", lambda m: SAMPLE_VALUES.get(m.group(1), "7"), path)


def _table() -> list[tuple[str, frozenset[str]]]:
    app = create_app(Settings(_env_file=None))  # type: ignore[call-arg]
    return [
        (c.path, frozenset(c.route.methods or ()))
        for c in iter_route_contexts(app.routes)
        if isinstance(c.route, APIRoute)
    ]


def test_no_route_answers_for_a_later_one() -> None:
    table = _table()
    for i, (path, methods) in enumerate(table):
        sample = _sample_path(path)
        for earlier, earlier_methods in table[:i]:
            regex = compile_path(earlier)[0]
            assert not (regex.match(sample) and methods & earlier_methods), (
                f"{sorted(methods)} {path} is shadowed by the earlier route {earlier}"
            )


def test_the_busiest_routes_are_matched_first() -> None:
    order = [path for path, _ in _table()]
    busiest = ["/v1/health", "/v1/interact", "/v1/recommend/feed/{user_id}"]
    assert max(order.index(p) for p in busiest) < 12 < len(order)
    assert order.index("/health") < order.index("/v1/interact")  # the probes' path too
