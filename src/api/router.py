"""Which routes the service has, and under which paths.

Every public route lives under `/v1`. The paths of release 1.0 (`/interact`, `/recommend/road`, …)
stay as aliases for one release, marked deprecated in the document. To add a domain, write its
`APIRouter` (paths without the version) and append it to `V1_ROUTERS`; its operation ids are the
route function names (`recommend_road`, `get_feed`, `interact`), so name those as a generated
client should call them.
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute

from src.api import collaborative, content, dashboard, ops, shoes, users

API_PREFIX = "/v1"

# Public routers, served under /v1 and (deprecated) at their unversioned paths.
V1_ROUTERS: list[APIRouter] = [
    collaborative.router,
    content.router,
    ops.admin_router,
]
# New in /v1: no unversioned alias.
V1_ONLY_ROUTERS: list[APIRouter] = [shoes.router, users.router]
# Served under /v1 and unversioned, both current: probes and monitors call the plain paths.
UNVERSIONED_ROUTERS: list[APIRouter] = [ops.health_router]
# Never in the document.
INTERNAL_ROUTERS: list[APIRouter] = [ops.internal_router]
# The operator dashboard's data (`/admin/traffic`, …): unversioned only, read by the page at /admin.
DASHBOARD_ROUTERS: list[APIRouter] = [dashboard.router]

_LEGACY_SUFFIX = "_unversioned"


def operation_id(route: APIRoute) -> str:
    """`recommend_road` for /v1 routes; the unversioned copies get a suffix (ids must be unique)."""
    return route.name if route.path.startswith(API_PREFIX + "/") else route.name + _LEGACY_SUFFIX


def include_routes(app: FastAPI) -> None:
    # A request is matched against the routes in the order they were included, each in turn (about
    # 3 µs a route), so the busiest come first: the probes' and the runners' paths. No two routes
    # match the same method and path, so the order changes nothing else.
    for router in UNVERSIONED_ROUTERS:
        app.include_router(router)
        app.include_router(router, prefix=API_PREFIX)
    for router in [*V1_ROUTERS, *V1_ONLY_ROUTERS]:
        app.include_router(router, prefix=API_PREFIX)
    for router in V1_ROUTERS:
        app.include_router(router, deprecated=True)
    for router in [*INTERNAL_ROUTERS, *DASHBOARD_ROUTERS]:
        app.include_router(router)
