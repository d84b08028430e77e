"""Vectorised interval sets (impact.engine.intervals) against a plain Python implementation."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from impact.engine import intervals as iv

INF = math.inf


# --- the plain implementation -----------------------------------------------------------------


def py_normalize(pairs: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Drop empty intervals, sort, merge overlapping or touching ones."""
    out: list[list[float]] = []
    for start, end in sorted(p for p in pairs if p[0] < p[1]):
        if out and start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return [(a, b) for a, b in out]


def py_union(first, second):
    return py_normalize(first + second)


def py_intersect(first, second):
    return py_normalize([(max(a, c), min(b, d)) for a, b in first for c, d in second])


def py_shorten(pairs, buffer):
    return py_normalize([(a + buffer, b) for a, b in pairs])


def py_to_steps(rows, time_hours):
    """(sample, first, stop) of every interval covering a step, in row-major slot order."""
    out = []
    for n, row in enumerate(rows):
        for a, b in row:
            covered = [k for k, t in enumerate(time_hours) if a <= t < b]
            if covered:
                out.append((n, covered[0], covered[-1] + 1))
    return out


# --- conversions ------------------------------------------------------------------------------


def to_arrays(rows: list[list[tuple[float, float]]], pad: tuple[float, float] = (INF, INF)) -> iv.Intervals:
    width = max([len(row) for row in rows] + [1])  # the engine never has zero slots
    starts = np.full((len(rows), width), pad[0])
    ends = np.full((len(rows), width), pad[1])
    for n, row in enumerate(rows):
        for m, (a, b) in enumerate(row):
            starts[n, m], ends[n, m] = a, b
    return starts, ends


def from_arrays(intervals: iv.Intervals) -> list[list[tuple[float, float]]]:
    """Rows of a canonical set, after checking the canonical form and the padding."""
    starts, ends = intervals
    assert starts.shape == ends.shape and starts.ndim == 2 and starts.shape[1] >= 1
    assert starts.dtype == ends.dtype == np.float64
    rows = []
    for n in range(starts.shape[0]):
        used = int(np.isfinite(starts[n]).sum())
        assert np.all(np.isfinite(starts[n, :used]))
        assert np.all(starts[n, used:] == INF) and np.all(ends[n, used:] == INF), "padding is (inf, inf)"
        row = [(float(a), float(b)) for a, b in zip(starts[n, :used], ends[n, :used], strict=True)]
        assert all(a < b for a, b in row), "non-empty"
        assert all(row[i][1] < row[i + 1][0] for i in range(len(row) - 1)), "sorted, disjoint, not touching"
        rows.append(row)
    assert starts.shape[1] == max([len(row) for row in rows] + [1]), "trimmed to the widest row"
    return rows


# --- strategies -------------------------------------------------------------------------------

#: Bounds on a half-hour grid (many ties and touching ends) or arbitrary floats.
bound = st.one_of(
    st.integers(-8, 30).map(lambda k: k / 2),
    st.floats(-10, 40, allow_nan=False, allow_infinity=False),
)
raw_pair = st.tuples(bound, bound)  # may be empty or reversed
open_pair = st.tuples(bound, st.just(INF))  # down beyond any time
any_pair = st.one_of(raw_pair, raw_pair, raw_pair, open_pair)
raw_rows = st.lists(st.lists(any_pair, max_size=7), min_size=1, max_size=6)
canonical_rows = raw_rows.map(lambda rows: [py_normalize(row) for row in rows])


@st.composite
def two_sets(draw):
    """Two canonical sets with the same number of samples."""
    first = draw(canonical_rows)
    second = [
        py_normalize(row)
        for row in draw(st.lists(st.lists(any_pair, max_size=7), min_size=len(first), max_size=len(first)))
    ]
    return first, second


SETTINGS = settings(max_examples=300, deadline=None)


@SETTINGS
@given(raw_rows, st.sampled_from([(INF, INF), (5.0, 5.0), (7.0, -1.0)]))
def test_normalize(rows, pad):
    """Empty padding of any kind, unsorted, overlapping and touching intervals."""
    starts, ends = to_arrays(rows, pad)
    assert from_arrays(iv.normalize(starts, ends)) == [py_normalize(row) for row in rows]


@SETTINGS
@given(two_sets())
def test_union(sets):
    first, second = sets
    result = iv.union(to_arrays(first), to_arrays(second))
    assert from_arrays(result) == [py_union(a, b) for a, b in zip(first, second, strict=True)]


@SETTINGS
@given(two_sets())
def test_intersect(sets):
    first, second = sets
    result = iv.intersect(to_arrays(first), to_arrays(second))
    assert from_arrays(result) == [py_intersect(a, b) for a, b in zip(first, second, strict=True)]


@SETTINGS
@given(canonical_rows, st.one_of(st.sampled_from([0.0, 0.5, 1.0, 2.25, 100.0]), st.floats(0, 20, allow_nan=False)))
def test_shorten(rows, buffer):
    result = iv.shorten(to_arrays(rows), buffer)
    assert from_arrays(result) == [py_shorten(row, buffer) for row in rows]


@SETTINGS
@given(canonical_rows, st.sampled_from([0.25, 0.5, 1.0]), st.integers(1, 40))
def test_to_steps(rows, step, count):
    time_hours = np.arange(count, dtype=np.float64) * step
    sample, first, stop = iv.to_steps(to_arrays(rows), time_hours)
    got = list(zip(sample.tolist(), first.tolist(), stop.tolist(), strict=True))
    assert got == py_to_steps(rows, time_hours.tolist())


@SETTINGS
@given(st.data())
def test_from_strikes(data):
    count = data.draw(st.integers(0, 5))
    samples = data.draw(st.integers(1, 5))
    hours = data.draw(st.lists(bound, min_size=count, max_size=count))
    durations = data.draw(
        st.lists(
            st.lists(st.one_of(st.integers(0, 12).map(float), st.floats(0, 20)), min_size=count, max_size=count),
            min_size=samples,
            max_size=samples,
        )
    )
    strike_hours = np.array(hours, dtype=np.float64)
    duration_array = np.array(durations, dtype=np.float64).reshape(samples, count)
    result = iv.from_strikes(strike_hours, duration_array)
    expected = [py_normalize([(s, s + d) for s, d in zip(hours, row, strict=True)]) for row in durations]
    assert from_arrays(result) == expected


def test_empty():
    starts, ends = iv.empty(3)
    assert starts.shape == ends.shape == (3, 1)
    assert from_arrays((starts, ends)) == [[], [], []]


def test_normalize_with_no_slots():
    assert from_arrays(iv.normalize(np.zeros((2, 0)), np.zeros((2, 0)))) == [[], []]


def test_shorten_by_zero_is_the_identity():
    sets = to_arrays([[(0.0, 1.0)], [(2.0, 4.0), (5.0, 6.0)]])
    assert iv.shorten(sets, 0.0) is sets


@pytest.mark.parametrize("seed", range(40))
def test_large_random_batches(seed):
    """Many samples and slots at once, composing the operations like the engine does."""
    rng = np.random.default_rng(seed)
    samples, slots = int(rng.integers(1, 60)), int(rng.integers(1, 12))
    grid = rng.random() < 0.5

    def draw(shape):
        values = rng.integers(-6, 40, size=shape) / 2 if grid else rng.uniform(-6, 20, size=shape)
        return values.astype(np.float64)

    a_start, a_length = draw((samples, slots)), np.abs(draw((samples, slots)))
    b_start, b_length = draw((samples, slots)), np.abs(draw((samples, slots)))
    rows_a = [
        py_normalize(list(zip(s.tolist(), (s + d).tolist(), strict=True)))
        for s, d in zip(a_start, a_length, strict=True)
    ]
    rows_b = [
        py_normalize(list(zip(s.tolist(), (s + d).tolist(), strict=True)))
        for s, d in zip(b_start, b_length, strict=True)
    ]
    first = iv.normalize(a_start, a_start + a_length)
    second = iv.normalize(b_start, b_start + b_length)
    assert from_arrays(first) == rows_a
    buffer = float(rng.choice([0.0, 0.5, 1.75, 3.0]))
    combined = iv.union(first, iv.intersect(iv.shorten(first, buffer), second))
    expected = [py_union(a, py_intersect(py_shorten(a, buffer), b)) for a, b in zip(rows_a, rows_b, strict=True)]
    assert from_arrays(combined) == expected
    time_hours = np.arange(int(rng.integers(1, 80)), dtype=np.float64) * float(rng.choice([0.25, 0.5, 1.0]))
    got = list(zip(*(part.tolist() for part in iv.to_steps(combined, time_hours)), strict=True))
    assert got == py_to_steps(expected, time_hours.tolist())
