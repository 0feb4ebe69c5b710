"""Process memory: an API worker's glibc mmap threshold stays fixed.

glibc gives an allocation of at least its mmap threshold (128 KiB at start) its own mapping, returned to
the kernel when freed; but after freeing such a block it raises the threshold to that block's size (up
to 32 MiB), and later blocks of that size come from the heap, which keeps freed space. Each CF version
replaces a worker's serving arrays (the co-counts and EASE weights are 3.2 MB each at 628 shoes), dozens
of times an hour: with the threshold raised they piled up in the heap, and worker RSS grew by a fifth
over the 10-minute realistic soak, all of it anonymous memory; with it fixed, by 3 %. Setting the
threshold turns that adjustment off (mallopt(3)). At 1 MiB a request's temporaries (a few KB to a few
hundred) stay in the heap, which costs no page faults; an operator's own MALLOC_MMAP_THRESHOLD_ is left
as it is. The CT process keeps glibc's adjustment: its large arrays are rebuilt every few seconds, and a
mapping per array would fault their pages in each time.
"""

from __future__ import annotations

import ctypes
import os
import sys

M_MMAP_THRESHOLD = -3  # mallopt's parameter number (malloc.h)
MMAP_THRESHOLD_BYTES = 1024 * 1024


def keep_mmap_threshold() -> bool:
    """Fix glibc's mmap threshold for this process and the ones it forks; False where it was not set
    (not glibc, or MALLOC_MMAP_THRESHOLD_ already sets it)."""
    if not sys.platform.startswith("linux") or "MALLOC_MMAP_THRESHOLD_" in os.environ:
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt  # this process's own C library
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES))
