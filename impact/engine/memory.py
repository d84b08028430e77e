"""Large result arrays that cost memory only where they are written.

numpy asks Linux for transparent huge pages for every array of 4 MiB or more
(``madvise(MADV_HUGEPAGE)``). For an array that is written sparsely, as the engine's
(service x area x step x quantile) result is (only the areas where somebody is ever without
a service are written; the rest stay zero), every written area then brings in and clears a
whole 2 MiB page, and in virtual machines each such page costs far more than the data it
holds: on the national case of ``benchmarks/bench_national.py`` placing the results took
1.6 s with huge pages (docs/performance.md, "Sparse result arrays").
"""

from __future__ import annotations

import mmap

import numpy as np

__all__ = ["sparse_zeros"]


def sparse_zeros(shape: tuple[int, ...], dtype=np.float64) -> np.ndarray:
    """A writable array of zeros whose memory is taken page by page as it is written.

    A private anonymous memory map of ordinary pages (not advised to huge pages; a system
    whose transparent huge pages are ``always`` may still use them): pages never written read
    as the kernel's shared zero page and take no memory. (A *shared* anonymous map would
    allocate a page on the first read too, and would share writes with a forked child.)

    Parameters
    ----------
    shape : tuple of int
    dtype : data type, default float64

    Returns
    -------
    ndarray
        Zeros of that shape and type, C order, backed by the map (kept alive by the array).
    """
    dtype = np.dtype(dtype)
    size = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if size == 0:
        return np.zeros(shape, dtype=dtype)
    if hasattr(mmap, "MAP_PRIVATE"):
        buffer = mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    else:  # Windows: page-file backed, committed as written
        buffer = mmap.mmap(-1, size)
    return np.frombuffer(buffer, dtype=dtype).reshape(shape)
