"""The OpenAPI document: built from the app, adjusted where FastAPI's defaults do not say what the
service does. Exported to `openapi.json` at the repository root (a tested artifact) by this
package's `__main__`:

    python -m src.api.openapi            # (re)write openapi.json
    python -m src.api.openapi --check    # exit 1 when openapi.json differs from the app
"""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute, iter_route_contexts

from src.api.errors import PROBLEM_JSON
from src.api.schemas import LIKE_EXAMPLES
from src.api.security import SECURITY_CHECKS, SECURITY_SCHEMES, declared_security
from src.config import PROJECT_ROOT, Settings

OPENAPI_PATH = PROJECT_ROOT / "openapi.json"

DESCRIPTION = """Running-shoe recommendations: questionnaire (content-based) and feed (collaborative).

**Versions.** Every route is under `/v1`. The unversioned paths of release 1.0 still answer the same
and are marked deprecated; they go away in the next release. `/health`, `/health/live` and
`/health/ready` stay unversioned for probes.

**Errors.** Every 4xx/5xx is an RFC 9457 problem (`application/problem+json`) with `type`, `title`,
`status`, `detail`, `instance` and `request_id` (the same as the `X-Request-ID` header, which every
response carries; send your own to correlate). A 422 lists each bad field with what it accepts.

**Keys.** With client keys configured (`API_KEY`), every route that reads or changes one runner's data
(interactions, the feed, saved answers, taking back, erasing) needs one, as `X-API-Key: <key>` or
`Authorization: Bearer <key>`; public reads (catalog, similar shoes, questionnaire recommendations)
stay open unless the service also sets `API_KEY_FOR_READS`. Without keys, runner routes are open, and
taking back, saving answers and erasing answer 403 unless the service opts in with `DEMO_OPEN_EDITS`.
Each operation's `security` says which holds for the service that serves this document. The admin
routes take `Authorization: Bearer <ADMIN_TOKEN>`.

**Rate limit.** Every write (`POST /v1/interact`, the DELETEs, the questionnaire PUT) may be limited per
client; a 429 carries `Retry-After` (seconds).
"""


def _problem_content(document: dict[str, Any]) -> None:
    """Errors are `application/problem+json`, not the `application/json` FastAPI assumes."""
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            for status, response in operation.get("responses", {}).items():
                if status[0] in "45" and not response.get("content"):  # declared without a body model
                    response["content"] = {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}
                    }
                content = response.get("content")
                if status[0] in "45" and content and "application/json" in content:
                    content[PROBLEM_JSON] = content.pop("application/json")
                    # FastAPI's default 422 (routes that do not declare one) is a problem here too
                    if (
                        content[PROBLEM_JSON]
                        .get("schema", {})
                        .get("$ref", "")
                        .endswith("/HTTPValidationError")
                    ):
                        content[PROBLEM_JSON]["schema"] = {"$ref": "#/components/schemas/Problem"}
    schemas = document.get("components", {}).get("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)


def _declare_security(app: FastAPI, document: dict[str, Any], settings: Settings) -> None:
    """Security schemes, and on every route what its key/token check does under `settings`."""
    document.setdefault("components", {})["securitySchemes"] = SECURITY_SCHEMES
    # iter_route_contexts: each route as mounted (prefix applied), as get_openapi itself walks them
    for route in iter_route_contexts(app.routes):
        if not isinstance(route.original_route, APIRoute) or not route.include_in_schema:
            continue
        calls, stack = [], [route.dependant]
        while stack:
            dependant = stack.pop()
            calls.append(dependant.call)
            stack.extend(dependant.dependencies)
        check = next((c for c in calls if c in SECURITY_CHECKS), None)
        if check is None:
            continue
        security, statuses = declared_security(check, settings)
        problem = {"$ref": "#/components/schemas/Problem"}
        for method in route.methods or ():
            operation = document["paths"][route.path_format][method.lower()]
            operation["security"] = security
            for status in statuses:  # what the check itself answers under these settings
                operation["responses"].setdefault(
                    status,
                    {
                        "description": HTTPStatus(int(status)).phrase,
                        "content": {PROBLEM_JSON: {"schema": problem}},
                    },
                )


def build_openapi(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema is None:
        document = get_openapi(
            title=app.title,
            version=app.version,
            description=app.description,
            routes=app.routes,
            tags=[
                {"name": "content-based", "description": "Questionnaire recommendations"},
                {"name": "collaborative", "description": "Likes, ratings and the personalised feed"},
                {"name": "health", "description": "Health and probes (always open)"},
                {"name": "admin", "description": "Model reload and status (admin token)"},
            ],
        )
        _problem_content(document)
        document["components"]["schemas"]["LikeInteraction"]["examples"] = LIKE_EXAMPLES
        _declare_security(app, document, app.state.settings)
        app.openapi_schema = document
    return app.openapi_schema


def install_openapi(app: FastAPI) -> None:
    app.description = DESCRIPTION
    app.openapi = lambda: build_openapi(app)  # type: ignore[method-assign]


def render(app: FastAPI) -> str:
    return json.dumps(app.openapi(), indent=2, ensure_ascii=False) + "\n"


def exported_settings() -> Settings:
    """The configuration `openapi.json` describes: a production one, with client keys (the document a
    running service serves at /openapi.json describes its own settings)."""
    return Settings(_env_file=None, api_key="example-key")  # type: ignore[call-arg]
