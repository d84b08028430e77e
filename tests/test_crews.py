"""Limited repair crews (impact.engine.crews): hand-computed cases, the vectorised loop
against the plain event loop (equal floats), and invariants.

Hand cases give strikes as ``(hours, asset, work)`` in one sample; both implementations run
every hand case. Assets are indices; unless a case says otherwise every asset has priority
1 and its index as its place in the sorted asset ids.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from impact.engine import crews
from impact.engine.crews import crew_outage_hours, crew_outage_hours_reference

INF = math.inf
IMPLEMENTATIONS = pytest.mark.parametrize(
    "function", [crew_outage_hours_reference, crew_outage_hours], ids=["reference", "vectorised"]
)


def schedule(function, strikes, pools, crews_of_pool, priority=None, order=None):
    """Outage and wait [hours] of each strike of one sample, as lists."""
    assets = len(pools)
    outage, wait = function(
        np.array([hours for hours, _, _ in strikes], dtype=float),
        np.array([[asset for _, asset, _ in strikes]], dtype=np.int64),
        np.array([[work for _, _, work in strikes]], dtype=float),
        np.array(pools, dtype=np.int64),
        np.ones(assets) if priority is None else np.array(priority, dtype=float),
        np.arange(assets) if order is None else np.array(order, dtype=np.int64),
        np.array(crews_of_pool, dtype=np.int64),
    )
    return outage[0].tolist(), wait[0].tolist()


# --- hand-computed cases ----------------------------------------------------------------------


@IMPLEMENTATIONS
def test_one_crew_two_repairs_the_second_waits(function) -> None:
    # A: [0, 5). B struck at 1 waits for the crew until 5: [5, 8), outage 7 = wait 4 + work 3.
    outage, wait = schedule(function, [(0, 0, 5), (1, 1, 3)], pools=[0, 0], crews_of_pool=[1])
    assert outage == [5, 7]
    assert wait == [0, 4]


@IMPLEMENTATIONS
def test_priority_beats_an_earlier_strike(function) -> None:
    # X holds the crew until 10. A (priority 2, struck at 1) and B (priority 1, struck at 2)
    # wait; at 10 B goes first: B [10, 13), A [13, 15).
    strikes = [(0, 0, 10), (1, 1, 2), (2, 2, 3)]
    outage, wait = schedule(function, strikes, pools=[0, 0, 0], crews_of_pool=[1], priority=[1, 2, 1])
    assert outage == [10, 14, 11]
    assert wait == [0, 12, 8]


@IMPLEMENTATIONS
def test_equal_priority_the_earlier_strike_first(function) -> None:
    # Same strikes, equal priorities: A (struck at 1) [10, 12), then B [12, 15).
    strikes = [(0, 0, 10), (1, 1, 2), (2, 2, 3)]
    outage, wait = schedule(function, strikes, pools=[0, 0, 0], crews_of_pool=[1], priority=[1, 1, 1])
    assert outage == [10, 11, 13]
    assert wait == [0, 9, 10]


@IMPLEMENTATIONS
def test_no_priority_given_comes_after_every_priority(function) -> None:
    # A has no priority (inf), B priority 5 struck later: B first.
    strikes = [(0, 0, 10), (1, 1, 2), (2, 2, 3)]
    outage, wait = schedule(function, strikes, pools=[0, 0, 0], crews_of_pool=[1], priority=[1, INF, 5])
    assert outage == [10, 14, 11]
    assert wait == [0, 12, 8]


@IMPLEMENTATIONS
def test_equal_priority_and_time_the_asset_id_order(function) -> None:
    # A (asset 1) and B (asset 2) struck together at 2; B's id sorts first (order 0).
    strikes = [(0, 0, 10), (2, 1, 2), (2, 2, 3)]
    outage, wait = schedule(function, strikes, pools=[0, 0, 0], crews_of_pool=[1], order=[2, 1, 0])
    assert outage == [10, 13, 11]  # B [10, 13), A [13, 15)
    assert wait == [0, 11, 8]
    outage, wait = schedule(function, strikes, pools=[0, 0, 0], crews_of_pool=[1], order=[0, 1, 2])
    assert outage == [10, 10, 13]  # A [10, 12), B [12, 15)
    assert wait == [0, 8, 10]


@IMPLEMENTATIONS
def test_strike_on_an_asset_under_repair_longer_new_draw(function) -> None:
    # A under repair [0, 10); struck again at 4 with 8 h: end = max(10, 4 + 8) = 12.
    # B (struck at 1, 2 h) waits for the crew until 12.
    strikes = [(0, 0, 10), (4, 0, 8), (1, 1, 2)]
    outage, wait = schedule(function, strikes, pools=[0, 0], crews_of_pool=[1])
    assert outage == [12, 8, 13]
    assert wait == [0, 0, 11]


@IMPLEMENTATIONS
def test_strike_on_an_asset_under_repair_shorter_new_draw(function) -> None:
    # A under repair [0, 10); struck again at 4 with 3 h: 4 + 3 < 10, the end stays 10.
    strikes = [(0, 0, 10), (4, 0, 3), (1, 1, 2)]
    outage, wait = schedule(function, strikes, pools=[0, 0], crews_of_pool=[1])
    assert outage == [10, 6, 11]
    assert wait == [0, 0, 9]


@IMPLEMENTATIONS
def test_strike_on_a_waiting_asset_keeps_the_longer_work(function) -> None:
    # X holds the crew until 10; A struck at 1 (3 h) waits; struck again at 5 with 4 h: the
    # waiting job's work becomes max(3, 4) = 4, so A is repaired on [10, 14).
    strikes = [(0, 0, 10), (1, 1, 3), (5, 1, 4)]
    outage, wait = schedule(function, strikes, pools=[0, 0], crews_of_pool=[1])
    assert outage == [10, 13, 9]
    assert wait == [0, 9, 5]
    # A shorter new draw (2 h) keeps 3 h: [10, 13).
    outage, wait = schedule(function, [(0, 0, 10), (1, 1, 3), (5, 1, 2)], pools=[0, 0], crews_of_pool=[1])
    assert outage == [10, 12, 8]
    assert wait == [0, 9, 5]


@IMPLEMENTATIONS
def test_strike_after_the_repair_is_a_new_job(function) -> None:
    # A repaired on [0, 2); struck again at 5: a new job [5, 8).
    outage, wait = schedule(function, [(0, 0, 2), (5, 0, 3)], pools=[0], crews_of_pool=[1])
    assert outage == [2, 3]
    assert wait == [0, 0]


@IMPLEMENTATIONS
def test_strike_at_the_end_of_a_repair_is_a_new_job(function) -> None:
    # A under repair [0, 4); B (priority 1, struck at 1) waits. A is struck again at 4, when
    # its repair ends: a new job (priority 2), which waits behind B: B [4, 6), A [6, 9).
    # (Merged into the old job it would have ended at 4 + 3 = 7.)
    strikes = [(0, 0, 4), (1, 1, 2), (4, 0, 3)]
    outage, wait = schedule(function, strikes, pools=[0, 0], crews_of_pool=[1], priority=[2, 1])
    assert outage == [4, 5, 5]
    assert wait == [0, 3, 2]


@IMPLEMENTATIONS
def test_a_repair_ending_at_t_frees_its_crew_for_a_strike_at_t(function) -> None:
    outage, wait = schedule(function, [(0, 0, 4), (4, 1, 2)], pools=[0, 0], crews_of_pool=[1])
    assert outage == [4, 2]
    assert wait == [0, 0]


@IMPLEMENTATIONS
def test_two_pools_are_independent(function) -> None:
    # Pool 0 (one crew): A [0, 5), B waits until 5. Pool 1 (one crew): C at 1, no wait.
    strikes = [(0, 0, 5), (1, 1, 1), (1, 2, 2)]
    outage, wait = schedule(function, strikes, pools=[0, 0, 1], crews_of_pool=[1, 1])
    assert outage == [5, 5, 2]
    assert wait == [0, 4, 0]


@IMPLEMENTATIONS
def test_an_asset_without_a_pool_is_repaired_at_once_while_others_queue(function) -> None:
    strikes = [(0, 0, 5), (1, 1, 2), (1, 2, 2), (2, 2, 1)]
    outage, wait = schedule(function, strikes, pools=[0, 0, -1], crews_of_pool=[1])
    assert outage == [5, 6, 2, 1]  # no pool: outage = work for each strike, no merging
    assert wait == [0, 4, 0, 0]


@IMPLEMENTATIONS
def test_zero_work_is_no_job(function) -> None:
    # A's strike at 0 has no work: no job, the crew takes B at once.
    outage, wait = schedule(function, [(0, 0, 0), (0, 1, 3)], pools=[0, 0], crews_of_pool=[1])
    assert outage == [0, 3]
    assert wait == [0, 0]


@IMPLEMENTATIONS
def test_zero_work_on_an_asset_with_a_job_joins_it(function) -> None:
    # X holds the crew until 10; A (3 h, struck at 1) waits; a zero-work strike on A at 2
    # joins the waiting job (down until its end 13). A zero-work strike on A at 0 (before A's
    # job) is no job. With another strike on the same asset at the same time, a zero-work
    # strike joins the job whatever the order of the strikes.
    strikes = [(0, 0, 10), (1, 1, 3), (2, 1, 0), (0, 1, 0)]
    outage, wait = schedule(function, strikes, pools=[0, 0], crews_of_pool=[1])
    assert outage == [10, 12, 11, 0]
    assert wait == [0, 9, 8, 0]
    for strikes in ([(0, 0, 10), (1, 1, 0), (1, 1, 3)], [(0, 0, 10), (1, 1, 3), (1, 1, 0)]):
        outage, wait = schedule(function, strikes, pools=[0, 0], crews_of_pool=[1])
        assert outage == [10, 12, 12]
        assert wait == [0, 9, 9]


@IMPLEMENTATIONS
def test_strikes_at_one_time_on_one_asset_open_one_job_with_the_longest_work(function) -> None:
    outage, wait = schedule(function, [(0, 0, 2), (0, 0, 5), (0, 1, 1)], pools=[0, 0], crews_of_pool=[1])
    assert outage == [5, 5, 6]
    assert wait == [0, 0, 5]


@IMPLEMENTATIONS
def test_strikes_in_any_order(function) -> None:
    # The first case with the strikes listed latest first.
    outage, wait = schedule(function, [(1, 1, 3), (0, 0, 5)], pools=[0, 0], crews_of_pool=[1])
    assert outage == [7, 5]
    assert wait == [4, 0]


@IMPLEMENTATIONS
def test_two_crews_third_repair_takes_the_first_free_crew(function) -> None:
    # Three repairs at 0 (priorities 1, 1, 2) and two crews: the third starts at 3.
    strikes = [(0, 0, 3), (0, 1, 5), (0, 2, 2)]
    outage, wait = schedule(function, strikes, pools=[0, 0, 0], crews_of_pool=[2], priority=[1, 1, 2])
    assert outage == [3, 5, 5]
    assert wait == [0, 0, 3]


@IMPLEMENTATIONS
def test_a_repair_that_never_ends_holds_its_crew(function) -> None:
    outage, wait = schedule(function, [(0, 0, INF), (1, 1, 2), (1, 2, 2)], pools=[0, 0, -1], crews_of_pool=[1])
    assert outage == [INF, INF, 2]
    assert wait == [0, INF, 0]


@IMPLEMENTATIONS
def test_the_asset_hit_differs_between_samples(function) -> None:
    # Strike 1 hits A (pool 0, behind strike 0) in sample 0 and C (no pool) in sample 1.
    outage, wait = function(
        np.array([0.0, 1.0]),
        np.array([[1, 0], [1, 2]]),
        np.array([[5.0, 3.0], [5.0, 3.0]]),
        np.array([0, 0, -1]),
        np.ones(3),
        np.arange(3),
        np.array([1]),
    )
    np.testing.assert_array_equal(outage, [[5, 7], [5, 3]])
    np.testing.assert_array_equal(wait, [[0, 4], [0, 0]])


@IMPLEMENTATIONS
def test_more_crews_can_lengthen_the_total_outage(function) -> None:
    """Repairs are not interrupted, so a spare crew can start a long low-priority repair that
    later keeps urgent ones waiting (the rule of impact/engine/crews.py, not an error)."""
    # Assets Y S X Z H1 H2 H3, one strike each; priorities 3 2 3 3 1 1 1.
    strikes = [(0, 0, 5), (1, 1, 1), (3, 2, 20), (4, 3, 20), (6, 4, 1), (6, 5, 1), (6, 6, 1)]
    priority = [3, 2, 3, 3, 1, 1, 1]
    # One crew: Y [0,5), S [5,6), H1 [6,7), H2 [7,8), H3 [8,9), X [9,29), Z [29,49).
    outage, wait = schedule(function, strikes, pools=[0] * 7, crews_of_pool=[1], priority=priority)
    assert outage == [5, 5, 26, 45, 1, 2, 3]
    assert wait == [0, 4, 6, 25, 0, 1, 2]
    # Two crews: Y [0,5) and Z [5,25) on one; S [1,2) and X [3,23) on the other; the urgent
    # H1 [23,24), H2 [24,25), H3 [25,26) wait for them.
    outage, wait = schedule(function, strikes, pools=[0] * 7, crews_of_pool=[2], priority=priority)
    assert outage == [5, 1, 20, 21, 18, 19, 20]
    assert wait == [0, 0, 0, 1, 17, 18, 19]
    assert sum(outage) == 104 > 87


def test_without_pools_outage_is_the_work() -> None:
    rng = np.random.default_rng(5)
    work = rng.exponential(10.0, (4, 6))
    for function in (crew_outage_hours_reference, crew_outage_hours):
        outage, wait = function(
            rng.uniform(0, 10, 6), rng.integers(0, 3, (4, 6)), work, [-1, -1, -1], np.ones(3), np.arange(3), [2]
        )
        assert outage is not work
        np.testing.assert_array_equal(outage, work)
        np.testing.assert_array_equal(wait, np.zeros_like(work))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"work_hours": np.ones((2, 2))}, "work_hours"),
        ({"strike_asset": np.zeros((2, 2), dtype=int)}, "strike_asset"),
        ({"strike_asset": np.array([[0, 5]])}, "asset indices"),
        ({"pool_crews": np.array([0])}, "pool_crews"),
        ({"asset_pool": np.array([0, 1])}, "asset_pool"),
        ({"asset_order": np.array([0, 0])}, "asset_order"),
        ({"work_hours": np.array([[1.0, -1.0]])}, "work_hours"),
        ({"strike_hours": np.array([0.0, np.nan])}, "strike_hours"),
    ],
)
@IMPLEMENTATIONS
def test_malformed_arguments_are_refused(function, change, message) -> None:
    arguments = {
        "strike_hours": np.array([0.0, 1.0]),
        "strike_asset": np.array([[0, 1]]),
        "work_hours": np.array([[1.0, 2.0]]),
        "asset_pool": np.array([0, 0]),
        "asset_priority": np.ones(2),
        "asset_order": np.arange(2),
        "pool_crews": np.array([1]),
    } | change
    with pytest.raises(ValueError, match=message):
        function(**arguments)


# --- the two implementations give the same floats ---------------------------------------------


def random_case(rng: np.random.Generator, strikes: int | None = None, samples: int | None = None) -> dict:
    """Random arguments: ties in time, repeated assets, zero and huge works, per-sample assets."""
    strikes = int(rng.integers(0, 30)) if strikes is None else strikes
    samples = int(rng.integers(1, 6)) if samples is None else samples
    assets, pools = int(rng.integers(1, 9)), int(rng.integers(1, 4))
    if rng.random() < 0.5:
        hours = rng.choice([0.0, 1.0, 2.5, 3.0, 6.0, 7.0], strikes)  # many ties
    else:
        hours = rng.uniform(0.0, 40.0, strikes)
    if rng.random() < 0.5:
        work = rng.choice([0.0, 0.5, 1.0, 2.0, 3.5, 4.0, 6.0], (samples, strikes))
    else:
        work = rng.lognormal(1.0, 1.0, (samples, strikes))
    work[rng.random(work.shape) < 0.15] = 0.0
    work[rng.random(work.shape) < 0.02] = rng.choice([1e300, INF])
    return {
        "strike_hours": hours,
        "strike_asset": rng.integers(0, assets, (samples, strikes)),
        "work_hours": work,
        "asset_pool": rng.integers(-1, pools, assets),
        "asset_priority": rng.choice([1.0, 2.0, 3.0, INF], assets),
        "asset_order": rng.permutation(assets),
        "pool_crews": rng.integers(1, 4, pools),
    }


def assert_same(arguments: dict) -> tuple[np.ndarray, np.ndarray]:
    expected = crew_outage_hours_reference(**arguments)
    actual = crew_outage_hours(**arguments)
    np.testing.assert_array_equal(actual[0], expected[0])
    np.testing.assert_array_equal(actual[1], expected[1])
    return actual


def test_vectorised_equals_reference_on_random_cases() -> None:
    rng = np.random.default_rng(13)
    waited = 0
    for _ in range(300):
        _outage, wait = assert_same(random_case(rng))
        waited += int((wait > 0).sum())
    assert waited > 300  # the cases do make repairs wait


def test_vectorised_equals_reference_with_long_queues() -> None:
    # More than 64 strikes in one (sample, pool): several words of the waiting-queue bitmap.
    # Most strikes open a job of their own (many assets), one crew: every job waits its turn.
    rng = np.random.default_rng(14)
    for strikes in (65, 130, 300):
        assets = 2 * strikes
        arguments = random_case(rng, strikes=strikes, samples=3) | {
            "strike_asset": rng.integers(0, assets, (3, strikes)),
            "asset_pool": np.zeros(assets, dtype=np.int64),
            "asset_priority": rng.choice([1.0, 2.0, INF], assets),
            "asset_order": rng.permutation(assets),
            "pool_crews": np.array([1]),
        }
        _outage, wait = assert_same(arguments)
        assert (wait > 0).sum() > strikes


def test_vectorised_equals_reference_when_sort_keys_do_not_fit_one_integer(monkeypatch) -> None:
    rng = np.random.default_rng(15)
    cases = [random_case(rng) for _ in range(40)]
    packed = [crew_outage_hours(**arguments) for arguments in cases]
    monkeypatch.setattr(crews, "_KEY_LIMIT", 0)
    for arguments, (outage, wait) in zip(cases, packed, strict=True):
        np.testing.assert_array_equal(assert_same(arguments)[0], outage)
        np.testing.assert_array_equal(crew_outage_hours(**arguments)[1], wait)


# --- invariants ---------------------------------------------------------------------------------


def grid_case(rng: np.random.Generator, samples: int = 40) -> dict:
    """A random case on a quarter-hour grid, where every sum and difference is exact."""
    arguments = random_case(rng, strikes=int(rng.integers(1, 25)), samples=samples)
    arguments["strike_hours"] = np.round(arguments["strike_hours"] * 4) / 4
    arguments["work_hours"] = np.round(np.minimum(arguments["work_hours"], 50.0) * 4) / 4
    return arguments


def union(pieces: list[tuple[float, float]]) -> list[tuple[float, float]]:
    merged: list[list[float]] = []
    for start, end in sorted(piece for piece in pieces if piece[0] < piece[1]):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def asset_outages(arguments: dict, lengths: np.ndarray, sample: int) -> dict[int, list[tuple[float, float]]]:
    """Union of ``[s, s + length)`` over the strikes of each asset in one sample."""
    hours, assets = arguments["strike_hours"], arguments["strike_asset"][sample]
    return {
        int(asset): union([(hours[i], hours[i] + lengths[sample, i]) for i in np.flatnonzero(assets == asset)])
        for asset in np.unique(assets)
    }


def test_outage_covers_wait_and_work() -> None:
    rng = np.random.default_rng(16)
    for _ in range(100):
        arguments = grid_case(rng)
        outage, wait = crew_outage_hours(**arguments)
        assert (wait >= 0).all()
        assert (outage >= wait + arguments["work_hours"]).all()
        unpooled = arguments["asset_pool"][arguments["strike_asset"]] < 0
        np.testing.assert_array_equal(outage[unpooled], arguments["work_hours"][unpooled])
        np.testing.assert_array_equal(wait[unpooled], 0.0)


def most_assets_down_at_once(arguments: dict, pool: int) -> int:
    """Largest number of the pool's assets down at one time without crews, over samples."""
    most = 0
    for n in range(arguments["work_hours"].shape[0]):
        changes = sorted(
            (moment, step)
            for asset, pieces in asset_outages(arguments, arguments["work_hours"], n).items()
            if arguments["asset_pool"][asset] == pool
            for start, end in pieces
            for moment, step in ((start, 1), (end, -1))
        )  # at one moment, ends (-1) before starts: [a, b) and [b, c) are not at once
        down = 0
        for _moment, step in changes:
            down += step
            most = max(most, down)
    return most


def test_enough_crews_give_the_outage_without_crews() -> None:
    rng = np.random.default_rng(17)
    checked = 0
    for _ in range(100):
        arguments = grid_case(rng)
        pools = len(arguments["pool_crews"])
        arguments["pool_crews"] = np.array([max(1, most_assets_down_at_once(arguments, p)) for p in range(pools)])
        outage, wait = crew_outage_hours(**arguments)
        np.testing.assert_array_equal(wait, 0.0)
        for n in range(outage.shape[0]):
            assert asset_outages(arguments, outage, n) == asset_outages(arguments, arguments["work_hours"], n)
        checked += 1
        # One crew fewer in a pool that needed more than one makes some repair wait.
        short = np.flatnonzero(arguments["pool_crews"] > 1)
        if short.size:
            arguments["pool_crews"][short[0]] -= 1
            assert (crew_outage_hours(**arguments)[1] > 0).any()
    assert checked == 100
