"""Routes of the pages: `/` (runner page), `/admin` (operator dashboard), `/web/specs.json` and
`/static/*`. The data the dashboard reads are API routes (`src/api/dashboard.py`, `src/api/ops.py`);
`src/app.py` mounts these pages beside them.

Everything a page needs is rendered or serialised once, when the app is built; a page request
only returns prepared bytes.
"""

from __future__ import annotations

import html
import logging
from pathlib import Path
from typing import Any

import orjson
from fastapi import APIRouter, FastAPI, Response
from fastapi.staticfiles import StaticFiles

from src.catalog import CatalogError, load_catalog
from src.config import SHOE_TYPES, Settings
from src.recommender.questionnaire import accepted_answers
from src.recommender.road_recommender import RoadQuestionnaire
from src.recommender.trail_recommender import TrailQuestionnaire

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


def install(app: FastAPI, settings: Settings) -> None:
    """Add the pages and their static files to `app`."""
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
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
