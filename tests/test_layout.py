"""The layout shows what serves and what trains: serving code never imports the offline training package,
and no store backend imports training code (checked on the source, statically, every import included)."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at any depth (lazy imports inside functions included)."""
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
            modules.update(f"{node.module}.{alias.name}" for alias in node.names)
    return modules


def test_imported_modules_sees_lazy_and_from_imports(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("import os\ndef f():\n    from src.training import evaluate\n")
    assert {"os", "src.training", "src.training.evaluate"} <= imported_modules(sample)


@pytest.mark.parametrize("package", ["api", "serving", "store"])
def test_package_never_imports_offline_training(package: str) -> None:
    offenders = {
        str(path.relative_to(SRC)): sorted(m for m in imported_modules(path) if m.startswith("src.training"))
        for path in sorted((SRC / package).rglob("*.py"))
    }
    assert {k: v for k, v in offenders.items() if v} == {}


@pytest.mark.parametrize("package", ["serving", "store"])
def test_serving_and_store_never_import_continuous_training(package: str) -> None:
    """API workers follow published versions and never rebuild: the rebuild code is not even importable
    from what they serve with (only the single-process test set-up in api/app.py reaches it)."""
    offenders = {
        str(path.relative_to(SRC)): sorted(m for m in imported_modules(path) if m.startswith("src.ct"))
        for path in sorted((SRC / package).rglob("*.py"))
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_one_version_everywhere() -> None:
    import tomllib

    from src.config import PROJECT_ROOT, VERSION

    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    assert project["version"] == VERSION
    assert json.loads((PROJECT_ROOT / "openapi.json").read_text())["info"]["version"] == VERSION
