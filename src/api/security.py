"""Client keys and the admin token.

`API_KEY` (comma-separated, so a new key can be rolled out before the old one is withdrawn): when
set, writes need one of them in `X-API-Key` or `Authorization: Bearer`; `API_KEY_FOR_READS=true`
requires it for reads too. The runners' backend holds the key; browsers never do. The admin
endpoints have their own token (`ADMIN_TOKEN`) and are disabled (403) without one.

Each check is one plain `async` dependency reading the headers itself (FastAPI's security classes
would add two more dependency resolutions to every request of the hot routes); the document
declares the schemes below for every route that uses `WriteKey`, `ReadKey` or `AdminToken`
(`src.api.openapi` finds them in the route's dependencies).
"""

from __future__ import annotations

import hmac
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request

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
KEY_SECURITY: list[dict[str, list[str]]] = [{"ApiKey": []}, {"ApiKeyBearer": []}]
ADMIN_SECURITY: list[dict[str, list[str]]] = [{"AdminToken": []}]


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
    return request.app.state.settings  # type: ignore[no-any-return]


# async on purpose: a sync dependency would cost a thread-pool hop on the async routes
async def require_write_key(request: Request) -> None:
    settings = _settings(request)
    if settings.api_keys:
        _check_key(request, settings.api_keys)


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


# what the document declares for a route depending on each check
ROUTE_SECURITY = {
    require_write_key: KEY_SECURITY,
    require_read_key: KEY_SECURITY,
    require_admin: ADMIN_SECURITY,
}

WriteKey = Annotated[None, Depends(require_write_key)]
ReadKey = Annotated[None, Depends(require_read_key)]
AdminToken = Annotated[None, Depends(require_admin)]
