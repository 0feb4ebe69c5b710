"""Client keys and the admin token, as documented security schemes.

`API_KEY` (comma-separated, so a new key can be rolled out before the old one is withdrawn): when
set, writes need one of them in `X-API-Key` or `Authorization: Bearer`; `API_KEY_FOR_READS=true`
requires it for reads too. The runners' backend holds the key; browsers never do. The admin
endpoints have their own token (`ADMIN_TOKEN`) and are disabled (403) without one.
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, HTTPException, Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from src.config import Settings

api_key_header = APIKeyHeader(
    name="X-API-Key",
    scheme_name="ApiKey",
    description="A client key from the API_KEY setting (needed for writes when API_KEY is set)",
    auto_error=False,
)
api_key_bearer = HTTPBearer(
    scheme_name="ApiKeyBearer",
    description="The same client key as `Authorization: Bearer <key>`",
    auto_error=False,
)
admin_bearer = HTTPBearer(
    scheme_name="AdminToken",
    description="`Authorization: Bearer <ADMIN_TOKEN>`; the admin endpoints are disabled without it",
    auto_error=False,
)


def _matches(candidate: str, keys: tuple[str, ...]) -> bool:
    # compare against every key (no early exit), in constant time per key
    found = False
    for key in keys:
        found |= hmac.compare_digest(candidate.encode(), key.encode())
    return found


def _check_key(
    keys: tuple[str, ...], header_key: str | None, bearer: HTTPAuthorizationCredentials | None
) -> None:
    candidate = header_key or (bearer.credentials if bearer is not None else None)
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
async def require_write_key(
    request: Request,
    header_key: Annotated[str | None, Security(api_key_header)],
    bearer: Annotated[HTTPAuthorizationCredentials | None, Security(api_key_bearer)],
) -> None:
    settings = _settings(request)
    if settings.api_keys:
        _check_key(settings.api_keys, header_key, bearer)


async def require_read_key(
    request: Request,
    header_key: Annotated[str | None, Security(api_key_header)],
    bearer: Annotated[HTTPAuthorizationCredentials | None, Security(api_key_bearer)],
) -> None:
    settings = _settings(request)
    if settings.api_keys and settings.api_key_for_reads:
        _check_key(settings.api_keys, header_key, bearer)


async def require_admin(
    request: Request,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Security(admin_bearer)],
) -> None:
    settings = _settings(request)
    if not settings.admin_token:
        raise HTTPException(403, detail="admin endpoints are disabled: set ADMIN_TOKEN to enable them")
    if bearer is None or not _matches(bearer.credentials, (settings.admin_token,)):
        raise HTTPException(
            401,
            detail="a valid 'Authorization: Bearer <ADMIN_TOKEN>' header is required",
            headers={"WWW-Authenticate": "Bearer"},
        )


WriteKey = Annotated[None, Depends(require_write_key)]
ReadKey = Annotated[None, Depends(require_read_key)]
AdminToken = Annotated[None, Depends(require_admin)]
