"""How failures become HTTP answers: validation, unknown shoes, the store being down, crashes."""

from __future__ import annotations

import logging
import math

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

log = logging.getLogger("sonix")


def _validation_detail(exc: RequestValidationError) -> str:
    """One readable line per problem, naming the field: `pace: Input should be 'Easy', ...`."""
    parts = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path")]
        msg = str(err.get("msg", "invalid value")).removeprefix("Value error, ")
        if err.get("type") == "extra_forbidden":
            msg = "unknown field (not accepted)"
        elif err.get("type") == "missing":
            msg = "field required"
        parts.append(f"{'.'.join(loc) or 'body'}: {msg}")
    return "; ".join(parts) or "invalid request"


def install_error_handlers(app: FastAPI) -> None:
    from src.store import StoreUnavailable, UnknownShoeError

    @app.exception_handler(RequestValidationError)
    async def on_validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": _validation_detail(exc)}, status_code=422)

    @app.exception_handler(UnknownShoeError)
    async def on_unknown_shoe(_: Request, exc: UnknownShoeError) -> JSONResponse:
        shoe_id = str(exc).split()[-1] if str(exc) else "?"
        return JSONResponse({"detail": f"shoe_id: unknown shoe {shoe_id!r}"}, status_code=404)

    @app.exception_handler(StoreUnavailable)
    async def on_store_down(_: Request, exc: StoreUnavailable) -> JSONResponse:
        return JSONResponse(
            {"detail": f"the data store is unavailable, nothing was changed: {exc}"},
            status_code=503,
            headers={"Retry-After": str(math.ceil(exc.retry_after_s))},
        )

    @app.exception_handler(Exception)
    async def on_crash(_: Request, exc: Exception) -> JSONResponse:
        from src.api.observability import request_id_var

        log.exception("unhandled error")
        return JSONResponse(
            {"detail": f"internal error (request id {request_id_var.get()})"}, status_code=500
        )
