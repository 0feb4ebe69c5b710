"""Client keys and the admin token: who may read and change what.

`API_KEY` (comma-separated, so a new key can be rolled out before the old one is withdrawn) guards
three kinds of route, each one plain `async` dependency reading the headers itself (FastAPI's
security classes would add two more dependency resolutions to every request of the hot routes):

| check | routes | without API_KEY | with API_KEY |
|---|---|---|---|
| `RunnerKey` | one runner's data: `POST /interact`, the feed, the saved questionnaire (GET) | open | key required |
| `EditKey` | taking back and erasing: the like/rating DELETEs, the questionnaire PUT, `DELETE /users/{id}` | 403 unless `DEMO_OPEN_EDITS=true` | key required |
| `ReadKey` | public reads: catalog, similar shoes, questionnaire recommendations | open | open, or key required with `API_KEY_FOR_READS=true` |

The admin routes have their own token (`ADMIN_TOKEN`) and are disabled (403) without one. The
document declares on every route what its check does under the running settings (`declared_security`):
the key where it is required, `{}` (anonymous) beside it where the route is open.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request

from src.api.state import app_state
from src.config import Settings

SECURITY_SCHEMES: dict[str, dict[str, Any]] = {
    "ApiKey": {
        "type": "apiKey",
        "in": "header",
        "name": "X-API-Key",
        "description": "A client key from the API_KEY setting (required when the service sets API_KEY)",
    },
    "ApiKeyBearer": {
        "type": "http",
        "scheme": "bearer",
        "description": "The same client key as `Authorization: Bearer <key>`",
    },
    "AdminToken": {
        "type": "http",
        "scheme": "bearer",
        "description": "`Authorization: Bearer <ADMIN_TOKEN>`; the admin routes are disabled without it",
    },
}
Security = list[dict[str, list[str]]]
KEY_SECURITY: Security = [{"ApiKey": []}, {"ApiKeyBearer": []}]
OPTIONAL_KEY_SECURITY: Security = [{}, *KEY_SECURITY]  # open; a key is accepted and ignored
ADMIN_SECURITY: Security = [{"AdminToken": []}]
EDITS_DISABLED = (
    "taking back likes and ratings, saving answers and erasing runners need a client key: set API_KEY "
    "and send it as 'X-API-Key: <key>', or set DEMO_OPEN_EDITS=true for a demo without keys"
)


def _matches(candidate: str, keys: tuple[str, ...]) -> bool:
    # compare against every key (no early exit), in constant time per key
    found = False
    for key in keys:
        found |= hmac.compare_digest(candidate.encode(), key.encode())
    return found


def _bearer(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def _check_key(request: Request, keys: tuple[str, ...]) -> None:
    candidate = request.headers.get("x-api-key") or _bearer(request)
    if candidate is None:
        raise HTTPException(
            401,
            detail="an API key is required: send it as 'X-API-Key: <key>' or 'Authorization: Bearer <key>'",
            headers={"WWW-Authenticate": "Bearer"},
        )
    if not _matches(candidate, keys):
        raise HTTPException(401, detail="the API key is not valid", headers={"WWW-Authenticate": "Bearer"})


def _settings(request: Request) -> Settings:
    return app_state(request).settings


# async on purpose: a sync dependency would cost a thread-pool hop on the async routes
async def require_runner_key(request: Request) -> None:
    settings = _settings(request)
    if settings.api_keys:
        _check_key(request, settings.api_keys)


async def require_edit_key(request: Request) -> None:
    settings = _settings(request)
    if settings.api_keys:
        _check_key(request, settings.api_keys)
    elif not settings.demo_open_edits:
        raise HTTPException(403, detail=EDITS_DISABLED)


def has_runner_key(request: Request) -> bool:
    """Whether this request may speak for a runner: no keys are configured, or it carries a valid one
    (for an optional runner id on an open route: without it the id is ignored, nothing is refused)."""
    keys = _settings(request).api_keys
    if not keys:
        return True
    candidate = request.headers.get("x-api-key") or _bearer(request)
    return candidate is not None and _matches(candidate, keys)


async def require_read_key(request: Request) -> None:
    settings = _settings(request)
    if settings.api_keys and settings.api_key_for_reads:
        _check_key(request, settings.api_keys)


async def require_admin(request: Request) -> None:
    settings = _settings(request)
    if not settings.admin_token:
        raise HTTPException(403, detail="admin endpoints are disabled: set ADMIN_TOKEN to enable them")
    token = _bearer(request)
    if token is None or not _matches(token, (settings.admin_token,)):
        raise HTTPException(
            401,
            detail="a valid 'Authorization: Bearer <ADMIN_TOKEN>' header is required",
            headers={"WWW-Authenticate": "Bearer"},
        )


def declared_security(check: Callable[..., Any], settings: Settings) -> tuple[Security, tuple[str, ...]]:
    """What the document says of a route guarded by `check` under `settings`: its security
    requirement and the error statuses the check itself can answer."""
    keyed = bool(settings.api_keys)
    if check is require_admin:
        return ADMIN_SECURITY, ("401", "403")
    if check is require_runner_key:
        return (KEY_SECURITY, ("401",)) if keyed else (OPTIONAL_KEY_SECURITY, ())
    if check is require_edit_key:
        if keyed:
            return KEY_SECURITY, ("401",)
        return (OPTIONAL_KEY_SECURITY, ()) if settings.demo_open_edits else (KEY_SECURITY, ("403",))
    if keyed and settings.api_key_for_reads:
        return KEY_SECURITY, ("401",)
    return OPTIONAL_KEY_SECURITY, ()


SECURITY_CHECKS = (require_runner_key, require_edit_key, require_read_key, require_admin)

RunnerKey = Annotated[None, Depends(require_runner_key)]
EditKey = Annotated[None, Depends(require_edit_key)]
ReadKey = Annotated[None, Depends(require_read_key)]
AdminToken = Annotated[None, Depends(require_admin)]
