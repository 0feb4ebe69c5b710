"""Routes of the pages: `/` (runner page), `/admin` (operator dashboard), `/static/*`, and the
admin data the dashboard reads besides `/admin/model-status` and `/health`.

Everything a page needs is rendered or serialised once, when the app is built; a page request
only returns prepared bytes.
"""

from __future__ import annotations

import html
import logging
import time
from pathlib import Path
from typing import Any, Literal

import orjson
from fastapi import APIRouter, FastAPI, HTTPException, Request, Response
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field

from src.api.deps import StoreDep
from src.api.ops import AdminDep
from src.catalog import CatalogError, load_catalog
from src.config import SHOE_TYPES, Settings
from src.recommender.questionnaire import accepted_answers
from src.recommender.road_recommender import RoadQuestionnaire
from src.recommender.trail_recommender import TrailQuestionnaire
from src.store import Store, StoreError
from src.web import admin_lookup
from src.web.traffic import traffic

log = logging.getLogger(__name__)

WEB_DIR = Path(__file__).resolve().parent
STATIC_DIR = WEB_DIR / "static"
TEMPLATES_DIR = WEB_DIR / "templates"
HTML = "text/html; charset=utf-8"
JSON = "application/json"

# The pages load nothing from anywhere but this service; blob: is the admin's token-fetched images.
PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' blob: data:; script-src 'self'; style-src 'self'; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}

QUESTION_LABELS: dict[str, str] = {
    "pace": "Usual pace",
    "arch_type": "Arch type",
    "strike_pattern": "Foot strike",
    "foot_width": "Foot width",
    "season": "Season",
    "orthotic_usage": "Do you run with orthotics?",
    "running_purpose": "What is the shoe for?",
    "cushion_preferences": "Cushioning you like",
    "stability_need": "Stability",
    "terrain": "Terrain",
    "rock_sensitive": "Sensitive to rocks underfoot?",
    "water_resistance": "Water resistance",
}

# Key specs shown beside a result (catalog columns; the page formats them and draws the bars).
SPEC_COLUMNS = (
    "weight_g",
    "drop_mm",
    "heel_stack_mm",
    "forefoot_stack_mm",
    "midsole_softness",
    "plate",
    "stability",
    "use_daily",
    "use_tempo",
    "use_race",
    "water_resistance",
    "lug_depth_mm",
    "rock_plate",
    "width_narrow",
    "width_regular",
    "width_wide",
    "family",
    "release_year",
)
# Columns drawn as bars: the page scales each between its type's catalog minimum and maximum.
BAR_COLUMNS = ("midsole_softness", "drop_mm", "weight_g", "heel_stack_mm")


def question_fields() -> str:
    """The questionnaire as labelled <select>s; `data-types` says which shoe types ask each one."""
    per_type = {"road": accepted_answers(RoadQuestionnaire), "trail": accepted_answers(TrailQuestionnaire)}
    names = list(dict.fromkeys([*per_type["road"], *per_type["trail"]]))
    parts: list[str] = []
    for name in names:
        types = " ".join(t for t in SHOE_TYPES if name in per_type[t])
        answers = per_type["road"].get(name) or per_type["trail"][name]
        options = "".join(f'<option value="{html.escape(a)}">{html.escape(a)}</option>' for a in answers)
        label = html.escape(QUESTION_LABELS.get(name, name.replace("_", " ").capitalize()))
        parts.append(
            f'<div class="question" data-types="{types}">'
            f'<label for="q-{name}">{label}</label>'
            f'<select id="q-{name}" name="{name}"><option value="">No preference</option>{options}</select>'
            "</div>"
        )
    return "\n".join(parts)


def render_runner_page() -> bytes:
    template = (TEMPLATES_DIR / "index.html").read_text(encoding="utf-8")
    return template.replace("<!--QUESTIONS-->", question_fields()).encode()


def catalog_specs(settings: Settings) -> dict[str, Any]:
    """The key specs the runner page shows next to a result, column-wise to keep the file small:
    {"columns": [...], "shoes": {shoe_id: [value per column, null where a type lacks it]},
    "ranges": {shoe_type: {bar column: [catalog min, catalog max]}}}."""
    shoes: dict[str, list[float | int | str | None]] = {}
    ranges: dict[str, dict[str, list[float]]] = {}
    for shoe_type, path in (("road", settings.road_catalog), ("trail", settings.trail_catalog)):
        try:
            rows = load_catalog(path, shoe_type)  # type: ignore[arg-type]
        except CatalogError as exc:  # start-up validation reports this; the page just shows less
            log.warning("runner page without %s specs: %s", shoe_type, exc)
            continue
        for row in rows:
            values = (row.get(c) for c in SPEC_COLUMNS)
            shoes[row["shoe_id"]] = [int(v) if isinstance(v, float) and v.is_integer() else v for v in values]
        ranges[shoe_type] = {
            c: [float(min(r[c] for r in rows)), float(max(r[c] for r in rows))] for c in BAR_COLUMNS if rows
        }
    return {"columns": list(SPEC_COLUMNS), "shoes": shoes, "ranges": ranges}


HISTORY_LIMIT = 50


def rebuild_history(store: Store, limit: int = HISTORY_LIMIT) -> list[dict[str, Any]]:
    """The last `limit` finished CT rebuilds as the store recorded them (published, refused or
    failed), oldest first, with the gate's figures: kept when old snapshot files are pruned."""
    rows: list[dict[str, Any]] = []
    for version in reversed(store.cf_versions(limit)):
        gate = version.figures.get("gate") or {}
        rows.append(
            {
                "version": version.label,
                "created_at": version.created_at,
                "mode": version.mode,
                "outcome": version.status,
                "duration_s": version.figures.get("build_seconds"),
                "n_users": version.figures.get("n_users"),
                "candidate_ndcg": gate.get("candidate_ndcg"),
                "serving_ndcg": gate.get("serving_ndcg"),
                "reason": version.reason,
            }
        )
    return rows


class TrafficRow(BaseModel):
    route: str
    method: str
    requests: int
    errors_4xx: int
    errors_5xx: int
    expected_404: int = Field(
        0, description="404s that are ordinary answers (a new runner's feed, no saved questionnaire)"
    )
    p50_ms: float | None
    p90_ms: float | None
    p99_ms: float | None


class TrafficResponse(BaseModel):
    collected_at: float = Field(description="Unix time of the reading")
    routes: list[TrafficRow]


class Rebuild(BaseModel):
    version: str
    created_at: str
    mode: str
    outcome: Literal["published", "refused", "failed"]
    duration_s: float | None
    n_users: int | None
    candidate_ndcg: float | None = Field(description="Gate NDCG@10 of the candidate")
    serving_ndcg: float | None = Field(description="Gate NDCG@10 of the serving engine, same slice")
    reason: str | None = Field(description="Why a rebuild was refused or failed")


class HistoryResponse(BaseModel):
    rebuilds: list[Rebuild] = Field(description=f"The last {HISTORY_LIMIT} rebuilds, oldest first")
    gate_tolerance: float | None = Field(
        None,
        description="QUALITY_GATE_TOLERANCE: a candidate this far below the serving NDCG@10 still passes",
    )


def install(app: FastAPI, settings: Settings) -> None:
    """Add the pages, their static files and the dashboard's admin data routes to `app`."""
    runner_page = render_runner_page()
    admin_page = (TEMPLATES_DIR / "admin.html").read_bytes()
    specs_json = orjson.dumps(catalog_specs(settings))
    router = APIRouter(include_in_schema=False)

    @router.get("/")
    async def runner() -> Response:
        return Response(runner_page, media_type=HTML, headers=PAGE_HEADERS)

    @router.get("/admin")
    async def admin() -> Response:
        return Response(admin_page, media_type=HTML, headers=PAGE_HEADERS)

    @router.get("/web/specs.json")
    async def specs() -> Response:
        return Response(specs_json, media_type=JSON, headers={"Cache-Control": "max-age=3600"})

    app.include_router(router)

    admin_router = APIRouter(prefix="/admin", tags=["operations"])

    @admin_router.get(
        "/traffic",
        response_model=TrafficResponse,
        summary="Requests, errors and latency percentiles per endpoint",
    )
    def admin_traffic(_: AdminDep) -> Response:
        """Counted since the service started, over every worker; latencies in ms estimated from
        the latency histogram. A client derives request rates from two readings."""
        body = {"collected_at": time.time(), "routes": traffic()}
        return Response(orjson.dumps(body), media_type=JSON)

    @admin_router.get(
        "/history",
        response_model=HistoryResponse,
        summary="The last CT rebuilds with outcome, duration and gate figures (from the store)",
        responses={503: {"description": "The store is unreachable"}},
    )
    def admin_history(_: AdminDep, store: StoreDep) -> Response:
        try:
            body = {"rebuilds": rebuild_history(store), "gate_tolerance": settings.quality_gate_tolerance}
        except StoreError as exc:
            raise HTTPException(503, detail=f"rebuild history unavailable: {exc}") from exc
        return Response(orjson.dumps(body, default=str), media_type=JSON)

    @admin_router.get(
        "/report/{shoe_type}",
        summary="The serving content model's training report (PNG)",
        response_class=FileResponse,
        responses={200: {"content": {"image/png": {}}}, 404: {"description": "No model or no report"}},
    )
    def admin_report(shoe_type: Literal["road", "trail"], request: Request, _: AdminDep) -> FileResponse:
        model = request.app.state.content.get(shoe_type)
        version = getattr(model, "version", None)
        path = settings.artifacts_dir / shoe_type / str(version) / "report.png"
        if not version or not path.is_file():
            raise HTTPException(404, detail=f"no training report for the serving {shoe_type} model")
        return FileResponse(path, media_type="image/png", headers={"Cache-Control": "private, max-age=60"})

    app.include_router(admin_router)
    app.include_router(admin_lookup.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
