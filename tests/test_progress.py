"""Progress: a bar on a terminal, a few plain lines anywhere else; used by training and evaluation."""

from __future__ import annotations

import io

import numpy as np
import pytest
from scipy.sparse import csr_matrix

from src.progress import Progress, report_points, track
from src.recommender.baselines import PopularityRecommender
from src.recommender.evaluation import evaluate_model


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_report_points_are_even_and_include_first_and_last() -> None:
    assert report_points(100, 10) == {1, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100}
    assert report_points(7, 3) == {1, 3, 6, 7}  # step ceil(7/3) = 3
    assert report_points(3, 10) == {1, 2, 3}
    assert report_points(0, 10) == set()


def test_plain_lines_when_not_a_terminal() -> None:
    stream = io.StringIO()
    with Progress(100, "epochs", stream=stream) as progress:
        for i in range(100):
            progress.update(loss=1.0 / (i + 1))
    lines = stream.getvalue().splitlines()
    assert len(lines) == 11
    assert lines[0].startswith("epochs   1/100  loss 1 ")
    assert lines[4].startswith("epochs  40/100  loss 0.025 ")
    assert lines[-1].startswith("epochs 100/100  loss 0.01 ")
    assert "\r" not in stream.getvalue()


def test_a_step_of_several_counts_reports_the_points_it_crosses_once() -> None:
    lines: list[str] = []
    progress = Progress(10, "users", stream=io.StringIO(), lines=2, log=lines.append)
    progress.update(4)  # crosses 1
    progress.update(6)  # crosses 5 and 10: one line
    assert [line.rsplit("  (", 1)[0] for line in lines] == ["users  4/10", "users 10/10"]


def test_a_bar_on_a_terminal() -> None:
    stream = Terminal()
    assert list(track(range(50), 50, "scoring", stream=stream)) == list(range(50))
    out = stream.getvalue()
    assert "scoring" in out and "50/50" in out and "\r" in out  # tqdm redraws in place


def test_plain_lines_on_a_terminal_without_tqdm(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "tqdm", None)  # import tqdm now raises ImportError
    stream = Terminal()
    assert list(track(range(3), 3, "seeding", stream=stream)) == [0, 1, 2]
    assert [line.rsplit("  (", 1)[0] for line in stream.getvalue().splitlines()] == [
        "seeding 1/3",
        "seeding 2/3",
        "seeding 3/3",
    ]


def test_evaluation_reports_progress_only_when_asked(capsys: pytest.CaptureFixture[str]) -> None:
    X = csr_matrix(np.eye(4, 6) + np.eye(4, 6, k=1) + np.eye(4, 6, k=2))
    test = {0: np.array([3]), 1: np.array([4]), 2: np.array([5])}
    quiet = evaluate_model(PopularityRecommender(), X, test, N=2)
    assert capsys.readouterr().err == ""
    loud = evaluate_model(PopularityRecommender(), X, test, N=2, progress="popularity")
    err = capsys.readouterr().err.splitlines()
    assert [line.rsplit("  (", 1)[0] for line in err] == [
        "popularity: users scored 1/3",
        "popularity: users scored 2/3",
        "popularity: users scored 3/3",
    ]
    assert {k: v for k, v in loud.items() if k not in ("recommend_ms", "fit_s")} == pytest.approx(
        {k: v for k, v in quiet.items() if k not in ("recommend_ms", "fit_s")}
    )
