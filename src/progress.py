"""Progress of long offline work (training epochs, evaluated users).

On a terminal a tqdm bar; anywhere else (logs, CI, a pipe) at most `lines` plain one-line
reports per task, so logs stay short. tqdm (a training requirement) is imported only when a bar is
drawn, and where it is not installed the plain lines are used even on a terminal.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Iterator
from types import TracebackType
from typing import Any, TextIO, TypeVar

T = TypeVar("T")


def is_terminal(stream: TextIO) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def report_points(total: int, lines: int) -> set[int]:
    """The counts at which a plain report is written: evenly spaced, always the first and last."""
    if total <= 0:
        return set()
    step = max(1, -(-total // max(1, lines)))  # ceil: at most `lines` reports besides the first
    return {1, total, *range(step, total + 1, step)}


class Progress:
    """`with Progress(total, "road epochs") as p: ... p.update(loss=0.01)`."""

    def __init__(
        self,
        total: int,
        desc: str,
        *,
        stream: TextIO | None = None,
        lines: int = 10,
        log: Callable[[str], None] | None = None,
    ) -> None:
        self.total = total
        self.desc = desc
        self.count = 0
        self.stream = stream if stream is not None else sys.stderr
        self._log = log or (lambda line: print(line, file=self.stream, flush=True))
        self._started = time.perf_counter()
        self._bar: Any = None
        self._points: set[int] = set()
        if is_terminal(self.stream):
            try:
                from tqdm import tqdm
            except ImportError:  # an image without the training requirements: plain lines instead
                tqdm = None
            if tqdm is not None:
                self._bar = tqdm(total=total, desc=desc, file=self.stream, dynamic_ncols=True, leave=True)
        if self._bar is None:
            self._points = report_points(total, lines)

    def update(self, n: int = 1, **postfix: float) -> None:
        self.count += n
        if self._bar is not None:
            if postfix:
                self._bar.set_postfix({k: f"{v:.4g}" for k, v in postfix.items()}, refresh=False)
            self._bar.update(n)
            return
        if any(self.count - n < point <= self.count for point in self._points):
            figures = "".join(f"  {k} {v:.5g}" for k, v in postfix.items())
            elapsed = time.perf_counter() - self._started
            self._log(
                f"{self.desc} {self.count:>{len(str(self.total))}}/{self.total}{figures}  ({elapsed:.1f}s)"
            )

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def track(iterable: Iterable[T], total: int, desc: str, *, stream: TextIO | None = None) -> Iterator[T]:
    """Iterate and report progress, one step per item."""
    with Progress(total, desc, stream=stream) as progress:
        for item in iterable:
            yield item
            progress.update()
