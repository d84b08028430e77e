"""Order-statistic quantiles reproduce numpy's "linear" quantile bit for bit."""

from __future__ import annotations

import numpy as np
import pytest

from impact.engine.stats import (
    SAMPLE_STATS,
    dense_quantiles,
    dense_sample_stats,
    lerp,
    order_statistic_quantiles,
    summarise_samples,
)


def via_order_statistics(values: np.ndarray, quantiles: np.ndarray) -> np.ndarray:
    ordered = np.sort(values).astype(np.float64)
    below, above, gamma = order_statistic_quantiles(len(values), quantiles)
    assert below.dtype.kind == above.dtype.kind == "i"
    assert np.all((0 <= below) & (below <= above) & (above < len(values)))
    return lerp(ordered[below], ordered[above], gamma)


def same_bits(first: np.ndarray, second: np.ndarray) -> bool:
    first, second = np.asarray(first, dtype=np.float64), np.asarray(second, dtype=np.float64)
    return first.shape == second.shape and np.array_equal(first.view(np.int64), second.view(np.int64))


def quantiles_for(n: int, rng: np.random.Generator) -> np.ndarray:
    """Edges, tiny ones, exact ranks k / (n - 1), their neighbours and random ones."""
    fixed = [0.0, 1.0, 0.5, 0.05, 0.95, 0.333, 1e-12, 5e-324, 1 - 1e-16, np.nextafter(1.0, 0.0), 0.25, 0.75]
    ranks = [k / (n - 1) for k in rng.integers(0, n, size=5)] if n > 1 else []
    nudged = [np.nextafter(q, 1.0) for q in ranks] + [np.nextafter(q, 0.0) for q in ranks]
    return np.clip(np.array(fixed + ranks + nudged + list(rng.random(20))), 0.0, 1.0)


SIZES = [1, 2, 3, 4, 5, 7, 10, 19, 20, 21, 33, 50, 99, 100, 101, 255, 256, 500, 999, 1000]


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("kind", ["small", "wide", "ties", "zeros"])
def test_matches_numpy_linear_bit_for_bit(n, kind):
    rng = np.random.default_rng([n, len(kind)])
    for _ in range(5):
        if kind == "small":
            values = rng.integers(0, 10, size=n)
        elif kind == "wide":
            values = rng.integers(0, 10**9, size=n)
        elif kind == "ties":
            values = rng.choice([0, 3, 1_000_003, 2**40], size=n)
        else:
            values = np.where(rng.random(n) < 0.9, 0, rng.integers(1, 10**6, size=n))
        quantiles = quantiles_for(n, rng)
        expected = np.quantile(values.astype(np.float64), quantiles, method="linear")
        assert same_bits(via_order_statistics(values, quantiles), expected)


@pytest.mark.parametrize("seed", range(30))
def test_random_sizes(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 1001))
    values = rng.integers(0, int(rng.choice([2, 100, 10**7])), size=n).astype(np.int64)
    quantiles = quantiles_for(n, rng)
    expected = np.quantile(values.astype(np.float64), quantiles, method="linear")
    assert same_bits(via_order_statistics(values, quantiles), expected)
    assert same_bits(dense_quantiles(values[:, None], quantiles)[:, 0], expected)


def test_single_quantile_positions():
    below, above, gamma = order_statistic_quantiles(5, np.array([0.0, 0.5, 0.6, 1.0]))
    assert below.tolist() == [0, 2, 2, 4]
    assert above.tolist() == [1, 3, 3, 4]
    assert gamma[:3].tolist() == [0.0, 0.0, 4 * 0.6 - 2]
    below, above, gamma = order_statistic_quantiles(1, np.array([0.0, 0.3, 1.0]))
    assert below.tolist() == above.tolist() == [0, 0, 0]


def test_dense_quantiles_over_a_matrix():
    rng = np.random.default_rng(7)
    values = rng.integers(0, 50, size=(37, 11))
    quantiles = np.array([0.0, 0.05, 0.5, 0.95, 1.0])
    result = dense_quantiles(values, quantiles)
    assert result.shape == (5, 11)
    assert same_bits(result, np.quantile(values.astype(np.float64), quantiles, axis=0, method="linear"))


def plain_sample_stats(row: list[int]) -> tuple[float, float, float]:
    peak = max(row)
    if peak == 0:
        return 0.0, float(sum(row)), 0.0
    first = row.index(peak)
    later = [k for k in range(first + 1, len(row)) if 10 * row[k] <= peak]
    return float(peak), float(sum(row)), float(later[0] - first) if later else np.inf


@pytest.mark.parametrize("seed", range(20))
def test_dense_sample_stats(seed):
    rng = np.random.default_rng(seed)
    values = rng.choice([0, 0, 0, 5, 50, 100, 1000], size=(int(rng.integers(1, 30)), int(rng.integers(1, 40))))
    stats = dense_sample_stats(values.astype(np.int64))
    assert set(stats) == set(SAMPLE_STATS)
    for n, row in enumerate(values.tolist()):
        assert (stats["peak"][n], stats["person_steps"][n], stats["restore_steps"][n]) == plain_sample_stats(row)


def test_sample_stats_by_hand():
    stats = dense_sample_stats(
        np.array(
            [[0, 500, 950, 950, 500, 95, 0], [0, 0, 0, 0, 0, 0, 0], [10, 10, 10, 2, 1, 0, 0], [0, 0, 7, 7, 7, 7, 7]]
        )
    )
    assert stats["peak"].tolist() == [950, 0, 10, 7]
    assert stats["person_steps"].tolist() == [2995, 0, 33, 35]
    assert stats["restore_steps"].tolist() == [3, 0, 4, np.inf]


def test_summarise_samples():
    rng = np.random.default_rng(3)
    stats = {name: rng.integers(0, 100, size=(25, 3, 4)).astype(np.float64) for name in SAMPLE_STATS}
    quantiles = np.array([0.05, 0.5, 0.95])
    stat_quantiles, stat_means = summarise_samples(stats, quantiles)
    for name, values in stats.items():
        assert stat_quantiles[name].shape == (3, 4, 3)
        assert same_bits(stat_quantiles[name], np.moveaxis(np.quantile(values, quantiles, axis=0), 0, -1))
        assert same_bits(stat_means[name], values.sum(axis=0) / 25)


def test_dense_quantiles_equal_numpy_bit_for_bit_int32_and_int64_paths() -> None:
    from impact.engine.stats import dense_quantiles

    rng = np.random.default_rng(8)
    quantiles = np.array([0.0, 1e-9, 0.05, 0.333, 0.5, 0.95, 0.9999, 1.0])
    for samples in (1, 2, 3, 7, 100, 501):
        small = rng.integers(0, 4 * 10**7, size=(samples, 40))  # fits int32: the fast path
        large = rng.integers(0, 2**40, size=(samples, 40))  # does not: sorted as int64
        for values in (small, large):
            assert np.array_equal(
                dense_quantiles(values, quantiles), np.quantile(values.astype(np.float64), quantiles, axis=0)
            )
