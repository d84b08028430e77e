"""Sparse result arrays (impact/engine/memory.py): zeros, writable, and no memory for pages never written."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from impact.engine.memory import sparse_zeros


def test_sparse_zeros_is_a_writable_c_order_array_of_zeros():
    array = sparse_zeros((3, 4, 5))
    assert array.shape == (3, 4, 5) and array.dtype == np.float64 and array.flags.c_contiguous
    assert array.flags.writeable and not array.any()
    array[1, 2] = 7.0
    assert array.sum() == 35.0
    assert sparse_zeros((2, 3), dtype=np.int64).dtype == np.int64
    assert sparse_zeros((0, 3)).shape == (0, 3)


def _resident_kib() -> int:
    """Anonymous and shared resident memory of this process [KiB] (Linux)."""
    fields = {}
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            name, _, value = line.partition(":")
            fields[name] = value
    return sum(int(fields[name].split()[0]) for name in ("RssAnon", "RssShmem"))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/status")
def test_pages_never_written_take_no_memory_even_when_read():
    size = 64 << 20  # 64 MiB
    array = sparse_zeros((size // 8,))
    before = _resident_kib()
    assert array.sum() == 0.0  # reads every page
    assert _resident_kib() - before < 8 << 10  # well below the 64 MiB a written array takes
    array[: size // 16] = 1.0  # half the pages written
    assert _resident_kib() - before > 24 << 10
