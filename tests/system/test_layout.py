"""The layout's arrows run one way (issue 23), checked statically on the source with every import
included (lazy ones inside functions, `TYPE_CHECKING` blocks and relative imports too):

    main.py, app.py              the process entry point and the composer: nothing imports them
    api/          web/           the HTTP routes; the pages (neither imports the other)
    serving/      ct/            an API worker's state; the CT process (neither imports the other)
    engine/                      published CF versions, shared by serving/ and ct/
    store/                       data access
    recommender/                 the models and the evaluation protocol
    config, catalog, artifacts, metrics, logs, progress, demo_data, memory    the ground floor (imports no package)

    training/                    offline (TensorFlow): imports the store and the recommender, and
                                 nothing that serves imports it
"""

from __future__ import annotations

import ast
import json
from collections.abc import Iterable, Mapping
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"

# What each package never imports: the arrows that would run back up, or across into the other
# process. The packages of `src/` not named here are TOP or GROUND_FLOOR modules (test below).
NEVER: dict[str, frozenset[str]] = {
    "api": frozenset({"web", "ct", "training"}),
    "web": frozenset({"api", "serving", "ct", "training"}),
    "serving": frozenset({"api", "web", "ct", "training"}),
    "ct": frozenset({"api", "web", "serving", "training"}),
    "engine": frozenset({"api", "web", "serving", "ct", "training"}),
    "store": frozenset({"api", "web", "serving", "ct", "engine", "training"}),
    "recommender": frozenset({"api", "web", "serving", "ct", "engine", "store", "training"}),
    "training": frozenset({"api", "web", "serving", "ct", "engine"}),
}
TOP = frozenset({"main", "app"})  # only each other import them
GROUND_FLOOR = frozenset(
    {"config", "catalog", "artifacts", "metrics", "logs", "progress", "demo_data", "memory"}
)

# Module-level import cycles that remain, each with why. FeedService renders its pages through
# feed_pages, which reads the service back (its store, cache and impression buffer): splitting the
# renderer out of FeedService is issue 23's part 2.
KNOWN_CYCLES: list[frozenset[str]] = []


def module_name(path: Path, root: Path) -> str:
    """`root/serving/feed.py` -> `src.serving.feed` (root's own name first; a package is its __init__)."""
    parts = [root.name, *path.relative_to(root).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path, root: Path | None = None) -> set[str]:
    """Every module a file imports, at any depth; relative imports resolved when `root` is given."""
    modules: set[str] = set()
    # the package `from . import x` means: the file's folder (for an __init__.py too)
    package = "" if root is None else ".".join([root.name, *path.relative_to(root).parts[:-1]])
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                if not package:
                    continue
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{node.module}" if node.module else base
            elif node.module:
                module = node.module
            else:
                continue
            modules.add(module)
            modules.update(f"{module}.{alias.name}" for alias in node.names)
    return modules


def _owner(path: Path, root: Path) -> str:
    """The package (or top-level module) of `root` that a file belongs to."""
    rel = path.relative_to(root)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def violations(root: Path, never: Mapping[str, Iterable[str]] = NEVER) -> dict[str, list[str]]:
    """File (relative to root) -> the imports of it that break a rule."""
    found: dict[str, list[str]] = {}
    for path in sorted(root.rglob("*.py")):
        owner = _owner(path, root)
        bad = set()
        for module in imported_modules(path, root):
            parts = module.split(".")
            if parts[0] != root.name or len(parts) < 2 or parts[1] == owner:
                continue
            target = parts[1]
            if (
                (target in TOP and owner not in TOP)
                or target in set(never.get(owner, ()))
                or (owner in GROUND_FLOOR and target not in GROUND_FLOOR)
            ):
                bad.add(module)
        if bad:
            found[str(path.relative_to(root))] = sorted(bad)
    return found


def import_cycles(root: Path) -> list[frozenset[str]]:
    """The groups of modules that import each other, directly or round a loop (Tarjan's SCCs)."""
    paths = {module_name(p, root): p for p in root.rglob("*.py")}
    graph = {m: {d for d in imported_modules(p, root) if d in paths and d != m} for m, p in paths.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[frozenset[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = set()
            while True:
                w = stack.pop()
                group.add(w)
                if w == v:
                    break
            if len(group) > 1:
                cycles.append(frozenset(group))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return cycles


# --- the checker, on a tiny synthetic tree -------------------------------------------------------
def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "src"
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    for directory in [root, *(p for p in root.rglob("*") if p.is_dir())]:
        (directory / "__init__.py").touch()
    return root


def test_imported_modules_sees_lazy_type_checking_and_relative_imports(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "serving/feed.py": (
                "import os\nfrom typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from src.api import deps\n"
                "def f():\n    from src.training import evaluate\nfrom . import arms\nfrom ..store.base import Store\n"
            )
        },
    )
    found = imported_modules(root / "serving" / "feed.py", root)
    assert {
        "os",
        "src.api.deps",
        "src.training.evaluate",
        "src.serving.arms",
        "src.store.base.Store",
    } <= found


def test_the_checker_finds_each_kind_of_arrow_running_back_up(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "api/app.py": "from src.web import pages\nfrom src.serving.feed import FeedService\n",
            "web/pages.py": "from ..api import deps\n",
            "serving/feed.py": "def f():\n    from src.ct.loop import CTLoop\nfrom src.engine import versions\n",
            "ct/loop.py": "import src.serving.feed\nfrom src.engine.versions import follow\n",
            "store/base.py": "import src.app\n",
            "recommender/base.py": "from src.store import Store\n",
            "config.py": "from src.store import Store\n",
            "catalog.py": "from src.config import Settings\n",
            "app.py": "from src.api.app import create_api\nfrom src.web.pages import install\n",
            "main.py": "from src.app import create_app\n",
        },
    )
    assert violations(root) == {
        "api/app.py": ["src.web", "src.web.pages"],
        "web/pages.py": ["src.api", "src.api.deps"],
        "serving/feed.py": ["src.ct.loop", "src.ct.loop.CTLoop"],
        "ct/loop.py": ["src.serving.feed"],
        "store/base.py": ["src.app"],
        "recommender/base.py": ["src.store", "src.store.Store"],
        "config.py": ["src.store", "src.store.Store"],
    }


def test_the_checker_finds_import_cycles(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "serving/a.py": "from src.serving import b\n",
            "serving/b.py": "def f():\n    from src.serving.c import g\n",
            "serving/c.py": "from src.serving.a import x\n",
            "serving/d.py": "from src.serving import a\n",
        },
    )
    assert import_cycles(root) == [frozenset({"src.serving.a", "src.serving.b", "src.serving.c"})]


# --- the source itself ---------------------------------------------------------------------------
def test_every_package_and_module_has_its_place() -> None:
    """A new package or top-level module must be placed in the rules above before it is checked."""
    placed = set(NEVER) | TOP | GROUND_FLOOR
    owners = {_owner(p, SRC) for p in SRC.rglob("*.py")} - {"__init__"}
    assert owners - placed == set()


def test_no_import_runs_back_up() -> None:
    assert violations(SRC) == {}


def test_no_new_import_cycles() -> None:
    found = import_cycles(SRC)
    assert [c for c in found if c not in KNOWN_CYCLES] == [], "modules that import each other"
    assert [c for c in KNOWN_CYCLES if c not in found] == [], (
        "a known cycle is gone: drop it from KNOWN_CYCLES"
    )


def test_one_version_everywhere() -> None:
    import tomllib

    from src.config import PROJECT_ROOT, VERSION

    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    assert project["version"] == VERSION
    assert json.loads((PROJECT_ROOT / "openapi.json").read_text())["info"]["version"] == VERSION


def test_no_test_module_imports_another() -> None:
    """Shared test helpers live in tests/plugins/ (issue 23): a test module imports none of another."""
    tests = SRC.parent / "tests"
    found = []
    for path in sorted(tests.rglob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            names += [a.name for a in node.names] if isinstance(node, ast.Import) else []
            found += [
                f"{path.relative_to(tests)}: {name}"
                for name in names
                if name.startswith("tests.") and name.rsplit(".", 1)[-1].startswith("test_")
            ]
    assert found == []
