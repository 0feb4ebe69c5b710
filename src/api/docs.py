"""The interactive API docs (`/docs`, Swagger UI; `/redoc`, ReDoc), served wholly by the service.

FastAPI's defaults load Swagger UI and ReDoc from a CDN, with no Content-Security-Policy: an outage or
a compromised CDN would run its script against the service's origin. Here the assets come from the
`fastapi-offline` package (its bundled Swagger UI and ReDoc builds; only the files are used) and the
start-up script from `docs_static/`, all under `/docs/assets/`, and the pages carry a CSP of 'self'
(inline styles allowed: both UIs set element styles).
"""

from __future__ import annotations

import importlib.resources
from pathlib import Path

from fastapi import FastAPI, HTTPException, Response
from fastapi.responses import FileResponse

ASSETS: dict[str, tuple[Path, str]] = {}
_BUNDLED = Path(str(importlib.resources.files("fastapi_offline") / "static"))
_OURS = Path(__file__).resolve().parent / "docs_static"
for _path, _type in (
    (_BUNDLED / "swagger-ui-bundle.js", "text/javascript"),
    (_BUNDLED / "swagger-ui.css", "text/css"),
    (_BUNDLED / "redoc.standalone.js", "text/javascript"),
    (_BUNDLED / "favicon.png", "image/png"),
    (_OURS / "swagger-init.js", "text/javascript"),
):
    ASSETS[_path.name] = (_path, _type)

DOCS_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "worker-src 'self' blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)
DOCS_HEADERS = {
    "Content-Security-Policy": DOCS_CSP,
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}

_HEAD = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title><link rel="icon" href="/docs/assets/favicon.png">{style}</head>
<body>{body}</body></html>
"""
SWAGGER_PAGE = _HEAD.format(
    title="SONIX RUSH AI – API",
    style='<link rel="stylesheet" href="/docs/assets/swagger-ui.css">',
    body='<div id="swagger-ui"></div><script src="/docs/assets/swagger-ui-bundle.js"></script>'
    '<script src="/docs/assets/swagger-init.js"></script>',
)
REDOC_PAGE = _HEAD.format(
    title="SONIX RUSH AI – API reference",
    style="",
    body='<redoc spec-url="/openapi.json"></redoc><script src="/docs/assets/redoc.standalone.js"></script>',
)


def install_docs(app: FastAPI) -> None:
    """Serve /docs, /redoc and their assets (the app is built with docs_url=None, redoc_url=None)."""

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui() -> Response:
        return Response(SWAGGER_PAGE, media_type="text/html; charset=utf-8", headers=DOCS_HEADERS)

    @app.get("/redoc", include_in_schema=False)
    async def redoc() -> Response:
        return Response(REDOC_PAGE, media_type="text/html; charset=utf-8", headers=DOCS_HEADERS)

    @app.get("/docs/assets/{name}", include_in_schema=False)
    async def docs_asset(name: str) -> FileResponse:
        found = ASSETS.get(name)
        if found is None:
            raise HTTPException(404, detail=f"no such docs asset: {name[:64]}")
        path, media_type = found
        return FileResponse(path, media_type=media_type, headers={"Cache-Control": "public, max-age=86400"})
