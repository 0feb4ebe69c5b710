"""glibc's mmap threshold is kept (src/memory.py): a large block freed after another of its size goes
back to the kernel instead of staying in the heap. Run in fresh processes, as the service's are."""

from __future__ import annotations

import subprocess
import sys

import pytest

from src.config import PROJECT_ROOT

# Allocates a 4 MB block twice and prints how much RSS the second one's free gave back (KiB). glibc
# mmaps the first (past its 128 KiB threshold, or the 1 MiB one kept); freeing it raises the threshold
# to 4 MB unless it was fixed, and the second then comes from the heap, which keeps it.
PROBE = """
import ctypes, os, sys
from src.memory import keep_mmap_threshold
kept = keep_mmap_threshold() if sys.argv[1] == "keep" else False
libc = ctypes.CDLL(None)
libc.malloc.restype = ctypes.c_void_p
libc.free.argtypes = [ctypes.c_void_p]
page = os.sysconf("SC_PAGE_SIZE")
def rss_kib():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * page // 1024
size = 4 * 1024 * 1024
first = libc.malloc(size); ctypes.memset(first, 1, size); libc.free(first)
second = libc.malloc(size); ctypes.memset(second, 1, size)
before = rss_kib(); libc.free(second); after = rss_kib()
print(kept, before - after)
"""


def _returned_kib(mode: str) -> tuple[bool, int]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, mode],
        capture_output=True,
        text=True,
        check=True,
        cwd=PROJECT_ROOT,
        env={"PATH": ""},  # no MALLOC_MMAP_THRESHOLD_ from the caller
    )
    kept, returned = done.stdout.split()
    return kept == "True", int(returned)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc")
def test_a_freed_large_block_leaves_rss_only_with_the_threshold_kept() -> None:
    kept, returned = _returned_kib("keep")
    assert kept and returned >= 3 * 1024  # the 4 MB went back to the kernel
    kept, returned = _returned_kib("default")
    assert not kept and returned < 1024  # glibc's default: it stayed in the heap
