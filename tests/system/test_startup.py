"""`python -m src.main` as the README runs it: a bad configuration stops start-up with one clear line,
and a missing model is trained first, saying so in one line."""

from __future__ import annotations

import subprocess
from pathlib import Path

import httpx
import pytest

from src.config import PROJECT_ROOT
from tests.plugins.service import run_to_exit, running_service, service_env, workdir_env


def run_main(
    env_overrides: dict[str, str], tmp_path: Path, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    env = service_env(
        SQLITE_PATH=str(tmp_path / "store.sqlite3"),
        ARTIFACTS_DIR=str(tmp_path / "artifacts"),
        **env_overrides,
    )
    return run_to_exit(env, timeout)


def last_line(proc: subprocess.CompletedProcess[str]) -> str:
    return proc.stderr.strip().splitlines()[-1]


def test_malformed_catalog_stops_start_up_naming_row_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "road.csv"
    lines = (PROJECT_ROOT / "data" / "road_dataset.csv").read_text().splitlines()
    header = lines[0].split(",")
    row = lines[3].split(",")
    row[header.index("drop_mm")] = "40"
    lines[3] = ",".join(row)
    bad.write_text("\n".join(lines) + "\n")
    proc = run_main({"ROAD_CATALOG": str(bad)}, tmp_path)
    assert proc.returncode != 0
    line = last_line(proc)
    assert line.startswith("sonix: cannot start:")
    assert "row 3" in line and "drop_mm" in line
    assert "Traceback" not in proc.stderr


def test_malformed_database_url_stops_start_up_in_one_line(tmp_path: Path) -> None:
    proc = run_main({"DATABASE_URL": "postgresql://user:secret@host:notaport/db"}, tmp_path)
    assert proc.returncode != 0
    line = last_line(proc)
    assert line.startswith("sonix: cannot start: DATABASE_URL")
    assert "secret" not in proc.stderr  # the password never reaches the logs
    assert "Traceback" not in proc.stderr


@pytest.mark.postgres
def test_unreachable_database_stops_start_up_in_one_line(tmp_path: Path) -> None:
    proc = run_main({"DATABASE_URL": "postgresql://postgres@127.0.0.1:1/nodb", "DB_TIMEOUT_S": "1"}, tmp_path)
    assert proc.returncode != 0
    line = last_line(proc)
    assert line.startswith("sonix: cannot start:") and "127.0.0.1:1" in line and "unreachable" in line
    assert "Traceback" not in proc.stderr


@pytest.mark.slow
def test_missing_models_are_trained_first_then_served(tmp_path: Path) -> None:
    env = workdir_env(
        tmp_path, TRAIN_EPOCHS="3", DEMO_USERS="100", WORKERS="1"
    )  # no artifacts: trained first
    log = tmp_path / "out.log"
    with running_service(env, log, timeout_s=240) as base:
        announcements = [line for line in log.read_text().splitlines() if "training now" in line]
        assert len(announcements) == 1
        assert "no trained road/trail model found" in announcements[0]
        r = httpx.post(f"{base}/recommend/trail", json={"terrain": "Muddy"})
        assert r.status_code == 200 and len(r.json()["data"]) == 10
        assert (tmp_path / "artifacts" / "road").is_dir() and (tmp_path / "artifacts" / "cf").is_dir()


def test_every_version_corrupt_without_tensorflow_stops_in_one_line(
    tmp_path: Path, content_artifacts: Path
) -> None:
    """The serving image has no TensorFlow: start-up names the problem and the training command."""
    import shutil

    artifacts = tmp_path / "artifacts"
    shutil.copytree(content_artifacts, artifacts)
    for version in (artifacts / "road").iterdir():  # the last-known-good copy too
        npz = version / "serving.npz"
        if npz.is_file():
            npz.write_bytes(npz.read_bytes()[:100])
    no_tf = tmp_path / "no_tensorflow"
    for module in ("keras", "tensorflow"):
        (no_tf / module).mkdir(parents=True)
        (no_tf / module / "__init__.py").write_text(
            f"raise ModuleNotFoundError(\"No module named '{module}'\", name='{module}')\n"
        )
    proc = run_main({"PYTHONPATH": f"{no_tf}:{PROJECT_ROOT}"}, tmp_path, timeout=120)
    assert proc.returncode != 0
    line = last_line(proc)
    assert line.startswith("sonix: cannot start: every saved road model version is corrupt")
    assert "No module named" in line
    assert "src.training.training_engine --type road" in line
    assert "Traceback" not in proc.stderr
    assert len([ln for ln in proc.stderr.splitlines() if ln.startswith("sonix:")]) == 1


def test_an_api_key_setting_without_a_key_stops_start_up_in_one_line(tmp_path: Path) -> None:
    proc = run_main({"API_KEY": " , "}, tmp_path)
    assert proc.returncode != 0
    line = last_line(proc)
    assert line.startswith("sonix: cannot start: bad settings: API_KEY:") and "holds no key" in line
    assert "Traceback" not in proc.stderr


@pytest.mark.slow
def test_a_stopped_service_leaves_no_metrics_directory_behind(
    tmp_path: Path, content_artifacts: Path
) -> None:
    import tempfile

    env = workdir_env(tmp_path, content_artifacts, DEMO_USERS="50", WORKERS="2")
    metrics_dirs = lambda: set(Path(tempfile.gettempdir()).glob("sonix-metrics-*"))  # noqa: E731
    before = metrics_dirs()
    with running_service(env, tmp_path / "out.log") as base:
        assert httpx.get(f"{base}/health").status_code == 200
        made = metrics_dirs() - before
        assert len(made) == 1 and any(next(iter(made)).iterdir())  # the run's one shared directory
    assert metrics_dirs() - before == set(), "the stopped service left its metrics directory behind"


def test_a_bad_experiment_arm_stops_start_up_naming_the_arm(tmp_path: Path) -> None:
    proc = run_main({"EXPERIMENT_ARMS": '{"served": {}, "odd": {"item_weight": 2}}'}, tmp_path)
    assert proc.returncode != 0
    line = last_line(proc)
    assert line.startswith("sonix: cannot start: EXPERIMENT_ARMS['odd']") and "item_weight" in line
    assert "Traceback" not in proc.stderr
