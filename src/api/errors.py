"""One error model for every 4xx/5xx: RFC 9457 problem details (`application/problem+json`).

Every body carries the request id (also in the `X-Request-ID` header and the log line); a 422 adds
`errors`, one entry per bad field naming the field and the values it accepts. Store failures are
answered without internals (host, port, database, file path): those go to the log only.
"""

from __future__ import annotations

import logging
import math
from http import HTTPStatus
from typing import Any

import orjson
from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from src.api.schemas import ACCEPTED
from src.logs import request_id_var

log = logging.getLogger("sonix")

PROBLEM_JSON = "application/problem+json"

STORE_UNAVAILABLE = "the data store is unavailable; nothing was changed, retry later"


class FieldProblem(BaseModel):
    """One invalid field of a 422."""

    field: str = Field(description="Dotted path of the field, e.g. `user_id` or `body`", examples=["user_id"])
    message: str = Field(examples=["Input should be a valid integer"])
    type: str = Field(description="Machine-readable error code", examples=["int_type"])
    accepted: str | None = Field(
        default=None,
        description="What the field accepts",
        examples=["an integer from 1 to 9007199254740991"],
    )


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str = Field(default="about:blank", description="Problem type URI (`about:blank`: see `status`)")
    title: str = Field(examples=["Unprocessable Content"])
    status: int = Field(ge=400, le=599, examples=[422])
    detail: str = Field(examples=["user_id: Input should be a valid integer"])
    instance: str = Field(description="This occurrence: the request id", examples=["7f9c0e3a2b"])
    request_id: str = Field(description="Same as the X-Request-ID response header", examples=["7f9c0e3a2b"])
    errors: list[FieldProblem] | None = Field(default=None, description="422 only: one entry per bad field")


def problem_body(
    status: int, detail: str, request_id: str, errors: list[dict[str, Any]] | None = None
) -> bytes:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": request_id,
        "request_id": request_id,
    }
    if errors is not None:
        body["errors"] = errors
    return orjson.dumps(body)


def problem(status: int, detail: str, *, errors: list[dict[str, Any]] | None = None, **kw: Any) -> Response:
    """A problem-details response for the current request."""
    return Response(
        problem_body(status, detail, request_id_var.get(), errors),
        status_code=status,
        media_type=PROBLEM_JSON,
        **kw,
    )


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` entries documenting these statuses with the Problem schema (the OpenAPI hook
    moves them under `application/problem+json`)."""
    return {s: {"model": Problem, "description": HTTPStatus(s).phrase} for s in statuses}


# the tags of the discriminated unions in request bodies (interactions, saved questionnaires)
_UNION_TAGS = ("like", "rate", "road", "trail")


MAX_LISTED_ERRORS = 10  # a 422 lists this many fields, then says how many more: it never outgrows its request
MAX_FIELD_CHARS = 64  # an echoed field name is cut here


def _short(name: str) -> str:
    return name if len(name) <= MAX_FIELD_CHARS else name[:MAX_FIELD_CHARS] + "…"


def _field_problems(exc: RequestValidationError) -> list[dict[str, Any]]:
    out = []
    errors = exc.errors()
    for err in errors[:MAX_LISTED_ERRORS]:
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path", "header")]
        # a discriminated union adds the tag as a path step: body.rate.value -> value
        tag = loc[0] if len(loc) > 1 and loc[0] in _UNION_TAGS else None
        if tag:
            loc = loc[1:]
        field = _short(".".join(loc)) or "body"
        kind = str(err.get("type", "value_error"))
        ctx = err.get("ctx") or {}
        msg = str(err.get("msg", "invalid value")).removeprefix("Value error, ")
        accepted = ACCEPTED.get(loc[-1] if loc else "")
        if kind == "literal_error" and "expected" in ctx:
            accepted = str(ctx["expected"])
        elif kind in ("union_tag_invalid", "union_tag_not_found"):
            # the union's own tag field: action_type (interactions) or shoe_type (saved questionnaires)
            field = str(ctx.get("discriminator", "'action_type'")).strip("'")
            accepted = ACCEPTED.get(field) or str(ctx.get("expected_tags", "")) or None
            msg = "field required" if kind == "union_tag_not_found" else f"Input should be {accepted}"
        elif kind == "extra_forbidden":
            accepted = None
            msg = "unknown field"
        elif kind == "none_required" and (tag, field) == ("like", "value"):
            accepted = "null or nothing (a like takes no value)"
            msg = "a like takes no value (omit it or send null)"
        elif kind == "missing":
            msg = "field required"
        out.append({"field": field, "message": msg, "type": kind, "accepted": accepted})
    if len(errors) > MAX_LISTED_ERRORS:
        more = len(errors) - MAX_LISTED_ERRORS
        out.append(
            {"field": "body", "message": f"and {more} more", "type": "too_many_errors", "accepted": None}
        )
    return out


def _allowed_methods(request: Request) -> str:
    methods: set[str] = set()
    for route in request.app.router.routes:
        match, _ = route.matches(request.scope)
        if match is not Match.NONE:
            methods |= getattr(route, "methods", None) or set()
    return ", ".join(sorted(methods))


def install_error_handlers(app: FastAPI) -> None:
    from src.serving.feed import FeedUnavailable
    from src.store import StoreUnavailable, UnknownShoeError

    @app.exception_handler(RequestValidationError)
    async def on_validation(_: Request, exc: RequestValidationError) -> Response:
        errors = _field_problems(exc) or [
            {"field": "body", "message": "invalid request", "type": "value_error", "accepted": None}
        ]
        detail = "; ".join(
            f"{e['field']}: {e['message']}"
            + (f" (accepted: {e['accepted']})" if e["accepted"] and e["accepted"] not in e["message"] else "")
            for e in errors
        )
        return problem(422, detail, errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def on_http_error(request: Request, exc: StarletteHTTPException) -> Response:
        headers = exc.headers
        if exc.status_code == 405:
            # Starlette names only the first route's methods; a path served by several routes
            # (GET and PUT of a questionnaire) must list them all
            headers = {**(headers or {}), "Allow": _allowed_methods(request)}
        return problem(exc.status_code, str(exc.detail), headers=headers)

    @app.exception_handler(UnknownShoeError)
    async def on_unknown_shoe(_: Request, exc: UnknownShoeError) -> Response:
        return problem(404, "shoe_id: unknown shoe (catalog ids look like R001 or T001)")

    @app.exception_handler(StoreUnavailable)
    async def on_store_down(_: Request, exc: StoreUnavailable) -> Response:
        log.warning("store unavailable: %s", exc)  # the details stay in the log
        return problem(503, STORE_UNAVAILABLE, headers={"Retry-After": str(math.ceil(exc.retry_after_s))})

    @app.exception_handler(FeedUnavailable)
    async def on_feed_unavailable(_: Request, exc: FeedUnavailable) -> Response:
        return problem(503, str(exc), headers={"Retry-After": "5"})
