"""Compile a validated scenario into the arrays both engines work on (:class:`CompiledScenario`)."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from impact.areas import AreaTree
from impact.restoration import (
    DISTRIBUTION_CODES,
    conditional_draws,
    conditional_hours,
    median_hours,
    restoration_class_of,
    sample_hours,
)
from impact.scenario import Scenario, population_used
from impact.scenario.schema import SERVICES

__all__ = [
    "CompiledScenario",
    "Report",
    "add_blackouts",
    "compile_reports",
    "compile_scenario",
    "link_weight",
    "schedule_intervals",
    "topological_order",
]


@dataclass(frozen=True)
class CompiledScenario:
    """A scenario as arrays (``Model`` before issue 11).

    Attributes
    ----------
    time_hours : ndarray of float, shape (T,)
        Time steps since the start [hours]; step k is ``k * step_hours``.
    step_hours : float
        Time step [hours].
    asset_ids : list of str
        Asset ids in ``assets.csv`` order; asset index = position.
    topo_order : list of int
        Asset indices with every supplier before the assets that need it.
    groups : list of list of list of (int, float)
        ``groups[j]``: the dependency groups of asset j; each group is a list of
        (supplier index, buffer [hours]); any one member of a group suffices.
    strike_ids : list of str
        Strike ids (``strikes.csv`` order); they key each strike's random draws.
    strike_asset : ndarray of int, shape (S,)
        Asset index of each strike (``strikes.csv`` order).
    strike_hours : ndarray of float, shape (S,)
        Strike time since the start [hours].
    strike_distribution, strike_median_days, strike_dispersion : ndarray, shape (S,)
        Restoration curve of each strike; ``none`` damage is fixed at 0 days.
    area_ids : list of str
        Area ids in ``areas.csv`` order.
    area_parent : ndarray of int, shape (A,)
        Index of the parent area, -1 for a top area.
    area_is_leaf : ndarray of bool, shape (A,)
    area_leaves : list of ndarray of int
        Leaf areas under each area (a leaf's own index for a leaf).
    area_leaf_ranges : (ndarray, ndarray, ndarray) of int64
        :meth:`impact.areas.AreaTree.leaf_ranges`: leaves depth first and each area's
        ``[begin, end)`` in that order, computed once here for the engines' sums.
    population : ndarray of int64, shape (A,)
        Residents used: ``population_current`` of ``areas.csv`` where given, else
        ``population``; a parent's population is the sum of its leaves [persons].
    services : tuple of str
        Services in output order.
    links : list of list of list of (int, int)
        ``links[v][a]``: (asset index, weight [persons]) of leaf area a for service v, in
        ``service_links.csv`` order; weights are whole persons (see :func:`link_weight`).
    reports : list of Report
        Status updates used to condition the forecast (docs/method.md, section 3a), in time order.
    report_notes : list of str
        Status updates that could not be used, with the reason.
    real_assets : int, optional
        Assets of ``assets.csv`` (the first ones); default all. Rolling power cuts add
        helper assets after them (:func:`add_blackouts`), left out of the results.
    fixed_outages : list of list of (float, float), optional
        Per asset, outage intervals fixed in advance (a queue's scheduled cuts) [hours].
    population_base : ndarray of int64, shape (A,), optional
        The ``population`` column of ``areas.csv`` before any ``population_current``, summed
        over the leaves like ``population`` [persons]; default ``population``.
    """

    time_hours: np.ndarray
    step_hours: float
    asset_ids: list[str]
    topo_order: list[int]
    groups: list[list[list[tuple[int, float]]]]
    strike_ids: list[str]
    strike_asset: np.ndarray
    strike_hours: np.ndarray
    strike_distribution: np.ndarray
    strike_median_days: np.ndarray
    strike_dispersion: np.ndarray
    area_ids: list[str]
    area_parent: np.ndarray
    area_is_leaf: np.ndarray
    area_leaves: list[np.ndarray]
    area_leaf_ranges: tuple[np.ndarray, np.ndarray, np.ndarray]
    population: np.ndarray
    services: tuple[str, ...]
    links: list[list[list[tuple[int, int]]]]
    reports: list[Report] = field(default_factory=list)
    report_notes: list[str] = field(default_factory=list)
    real_assets: int | None = None
    fixed_outages: list[list[tuple[float, float]]] | None = None
    population_base: np.ndarray | None = None

    @property
    def assets_shown(self) -> int:
        """Number of real assets (``assets.csv``); the helper assets of rolling power cuts follow them."""
        return len(self.asset_ids) if self.real_assets is None else self.real_assets

    def fixed_outage(self, asset: int) -> list[tuple[float, float]]:
        """Scheduled outage intervals of an asset, the same in every sample [hours since start]."""
        return [] if self.fixed_outages is None else self.fixed_outages[asset]

    @property
    def steps(self) -> int:
        """Number of time steps T."""
        return len(self.time_hours)

    def central_durations(self) -> np.ndarray:
        """Every strike's median repair time, then each report's conditional median (see
        :class:`Report`), shape (1, S + R) [hours]."""
        medians = median_hours(self.strike_distribution, self.strike_median_days)
        conditioned = [self._conditioned(report, np.array([0.5]))[0] for report in self.reports]
        return np.concatenate([medians, np.array(conditioned, dtype=np.float64)])[None, :]

    def sample_durations(self, samples: int, seed: int) -> np.ndarray:
        """Seeded Monte Carlo draws of every strike's repair time, then of each report's
        conditioned repair time (see :class:`Report`), shape (samples, S + R) [hours]."""
        drawn = sample_hours(
            self.strike_distribution,
            self.strike_median_days,
            self.strike_dispersion,
            samples,
            seed,
            keys=self.strike_ids,
        )
        columns = [self._conditioned(report, conditional_draws(samples, seed, report.key)) for report in self.reports]
        return np.column_stack([drawn, *columns]) if columns else drawn

    def _conditioned(self, report: Report, probabilities: np.ndarray) -> np.ndarray:
        """Repair times of a down report's strike conditioned on lasting past the report [hours]."""
        if not report.down:
            return np.zeros(len(probabilities))
        i = report.strike
        return conditional_hours(
            int(self.strike_distribution[i]),
            float(self.strike_median_days[i]),
            float(self.strike_dispersion[i]),
            report.hours - float(self.strike_hours[i]),
            self.step_hours,
            probabilities,
        )


@dataclass(frozen=True)
class Report:
    """A status update used to condition the forecast (docs/method.md, section 3a).

    Attributes
    ----------
    asset : int
        Asset index.
    hours : float
        Report time u [hours since start].
    down : bool
        ``down`` (still down at u) or ``up`` (working at u).
    strike : int
        For a down report: the strike whose repair time is conditioned (the asset's latest
        strike at or before u); -1 for an up report.
    key : str
        Key of the report's random draws (strike id and report time).
    """

    asset: int
    hours: float
    down: bool
    strike: int
    key: str


def link_weight(population: int, share_before: float, share_after: float) -> int:
    """Whole persons served through one link [persons].

    Links of one (area, service) are rounded on their running total,
    ``round(population * share_after) - round(population * share_before)``, so their
    head counts add up to ``round(population * total share)`` and never exceed the
    population (each differs from ``population * share`` by less than one person).

    Parameters
    ----------
    population : int
        Residents of the leaf area [persons].
    share_before, share_after : float
        Running total of shares before and after this link [1].
    """

    def rounded(share: float) -> int:
        return min(int(np.rint(population * share)), population)

    return rounded(share_after) - rounded(share_before)


def topological_order(count: int, groups: list[list[list[tuple[int, float]]]]) -> list[int]:
    """Order asset indices so that suppliers come first (Kahn's algorithm, stable)."""
    needs = [{member for group in asset_groups for member, _ in group} for asset_groups in groups]
    users: list[list[int]] = [[] for _ in range(count)]
    for asset, suppliers in enumerate(needs):
        for supplier in suppliers:
            users[supplier].append(asset)
    waiting = [len(suppliers) for suppliers in needs]
    ready = deque(asset for asset in range(count) if waiting[asset] == 0)
    order: list[int] = []
    while ready:
        asset = ready.popleft()
        order.append(asset)
        for user in users[asset]:
            waiting[user] -= 1
            if waiting[user] == 0:
                ready.append(user)
    if len(order) != count:  # validation rejects cycles; this guards direct callers
        raise ValueError("the dependency graph has a cycle")
    return order


def compile_reports(
    scenario: Scenario,
    asset_index: dict[str, int],
    strike_asset: np.ndarray,
    strike_hours: np.ndarray,
    strike_ids: list[str],
) -> tuple[list[Report], list[str]]:
    """The status updates that condition the forecast, in time order, and those that cannot.

    A down report conditions the asset's latest strike at or before it. It is not used when
    the asset has no such strike, or when an up report on the asset lies between that strike
    and it (the two reports disagree about one outage).

    Returns
    -------
    reports : list of Report
    notes : list of str
        ``status_updates.csv:LINE: why the report is not used``.
    """
    updates = scenario.status_updates
    if updates is None or len(updates) == 0:
        return [], []
    start = scenario.config.start
    lines = updates["__line__"] if "__line__" in updates.columns else pd.Series(range(2, len(updates) + 2))
    # In time order; reports of one time by asset and status (``down`` before ``up``), not by
    # line, so that the rows' order in the file does not change the result.
    rows = sorted(zip(updates["time"], updates["asset_id"], updates["status"], lines, strict=True))
    reports: list[Report] = []
    notes: list[str] = []
    last_up: dict[int, float] = {}
    for time, asset_id, status, line in rows:
        asset = asset_index[asset_id]
        hours = (time - start).total_seconds() / 3600.0
        key = f"{asset_id}|{status}|{time.isoformat()}"
        where = f"status_updates.csv:{line}"
        if status == "up":
            reports.append(Report(asset, hours, False, -1, key))
            last_up[asset] = hours
            continue
        earlier = np.flatnonzero((strike_asset == asset) & (strike_hours <= hours))
        if len(earlier) == 0:
            notes.append(f"{where}: {asset_id} reported down, but no strike on it at or before then; not used")
            continue
        # the latest; on a tie the greatest strike id (not the row order: the same file with its rows
        # in another order must give the same result)
        ids = np.array([strike_ids[i] for i in earlier])
        strike = int(earlier[np.lexsort((ids, strike_hours[earlier]))[-1]])
        if last_up.get(asset, -np.inf) >= strike_hours[strike]:
            notes.append(f"{where}: {asset_id} reported down after an up report with no strike in between; not used")
            continue
        reports.append(Report(asset, hours, True, strike, f"{strike_ids[strike]}|{key}"))
    return reports, notes


def schedule_intervals(
    start: pd.Timestamp, end: pd.Timestamp, hours_off: float, queues: int, origin: pd.Timestamp, timezone: str
) -> list[list[tuple[float, float]]]:
    """Each queue's cuts of one schedule row [hours since ``origin``].

    Queue q (0-based) is off each local day from ``q x 24 / queues`` hours after local
    midnight for ``hours_off`` hours (past midnight when it wraps), within [start, end).

    Returns
    -------
    list of list of (float, float)
        Per queue, its cut intervals in time order.
    """
    first = start.tz_convert(timezone).normalize() - pd.Timedelta(days=1)
    days = pd.date_range(first, end.tz_convert(timezone), freq="D")
    per_queue: list[list[tuple[float, float]]] = [[] for _ in range(queues)]
    if hours_off <= 0:
        return per_queue
    for day in days:
        for queue in range(queues):
            cut_start = day + pd.Timedelta(hours=queue * 24 / queues)
            cut_end = cut_start + pd.Timedelta(hours=hours_off)
            begin, finish = max(cut_start, start), min(cut_end, end)
            if begin < finish:
                per_queue[queue].append(
                    ((begin - origin).total_seconds() / 3600.0, (finish - origin).total_seconds() / 3600.0)
                )
    return per_queue


def add_blackouts(
    scenario: Scenario,
    asset_ids: list[str],
    groups: list[list[list[tuple[int, float]]]],
    fixed_outages: list[list[tuple[float, float]]],
    power_links: list[list[tuple[int, int]]],
    area_leaves: list[list[int]],
    area_index: dict[str, int],
) -> None:
    """Add the rolling power cuts of ``blackouts.csv`` to the model's assets and power links (in place).

    For each schedule row and queue a helper asset is down during the queue's cuts
    (:func:`schedule_intervals`). Each power link (asset j, weight w) of a leaf under the row
    is split into one link per queue (w / queues people each, rounded on the running total
    like :func:`link_weight`) through a helper asset that needs both j and the queue's
    power: its people are without power when j is down *or* their queue is cut, and never
    counted twice. Assets themselves are not cut (pumping stations, boiler houses...).
    """
    config = scenario.config
    through: dict[tuple[int, int, int], int] = {}
    # Schedules in a fixed order (start, end, area...), not the row order: nested schedules split
    # links that earlier ones split, and the rounding must not depend on how the rows are listed.
    table = scenario.blackouts.sort_values(
        ["start", "end", "area_id", "hours_off_per_day", "queues", "__line__"], kind="stable"
    )
    rows = zip(
        table["area_id"],
        table["start"],
        table["end"],
        table["hours_off_per_day"],
        table["queues"],
        table["__line__"],
        strict=True,
    )
    for area_id, start, end, hours_off, queues, line in rows:
        count = 6 if pd.isna(queues) else int(queues)
        queue_assets = []
        for queue, intervals in enumerate(
            schedule_intervals(start, end, float(hours_off), count, config.start, config.timezone)
        ):
            asset_ids.append(f"~blackouts.csv:{line}:queue{queue + 1}")
            groups.append([])
            fixed_outages.append(intervals)
            queue_assets.append(len(asset_ids) - 1)
        for leaf in area_leaves[area_index[area_id]]:
            split: list[tuple[int, int]] = []
            for asset, weight in power_links[leaf]:
                for queue, queue_asset in enumerate(queue_assets):
                    people = link_weight(weight, queue / count, (queue + 1) / count)
                    if people == 0:
                        continue
                    key = (asset, int(line), queue)
                    if key not in through:
                        asset_ids.append(f"~{asset_ids[asset]}|blackouts.csv:{line}:queue{queue + 1}")
                        groups.append([[(asset, 0.0)], [(queue_asset, 0.0)]])
                        fixed_outages.append([])
                        through[key] = len(asset_ids) - 1
                    split.append((through[key], people))
            power_links[leaf] = split


def compile_scenario(scenario: Scenario, *, blackouts: bool = True) -> CompiledScenario:
    """Turn a validated scenario into a :class:`CompiledScenario`.

    Parameters
    ----------
    scenario : Scenario
    blackouts : bool
        Include the rolling power cuts of ``blackouts.csv`` (:func:`add_blackouts`); False
        gives the strikes' effect alone.

    Returns
    -------
    CompiledScenario
    """
    config = scenario.config
    time_hours = np.arange(config.steps, dtype=np.float64) * config.step_hours

    asset_ids = list(scenario.assets["asset_id"])
    asset_index = {asset_id: j for j, asset_id in enumerate(asset_ids)}
    groups: list[dict[tuple[str, object], list[tuple[int, float]]]] = [{} for _ in asset_ids]
    for row_number, row in enumerate(scenario.dependencies.itertuples(index=False)):
        name = ("group", row.group) if row.group else ("row", row_number)
        buffer = 0.0 if pd.isna(row.buffer_hours) else float(row.buffer_hours)
        groups[asset_index[row.asset_id]].setdefault(name, []).append((asset_index[row.depends_on], buffer))
    group_lists = [list(asset_groups.values()) for asset_groups in groups]

    classes = restoration_class_of(scenario.assets)
    curves = {(row.restoration_class, row.damage_state): row for row in scenario.restoration.itertuples(index=False)}
    strikes = scenario.strikes
    distribution, median, dispersion = [], [], []
    for asset_id, state in zip(strikes["asset_id"], strikes["damage_state"], strict=True):
        if state == "none":
            distribution.append(DISTRIBUTION_CODES["fixed"])
            median.append(0.0)
            dispersion.append(0.0)
            continue
        curve = curves[(classes[asset_id], state)]
        distribution.append(DISTRIBUTION_CODES[curve.distribution])
        median.append(float(curve.median_days))
        dispersion.append(0.0 if pd.isna(curve.dispersion) else float(curve.dispersion))
    strike_hours = np.array(
        [(moment - config.start).total_seconds() / 3600.0 for moment in strikes["time"]], dtype=np.float64
    )

    strike_ids = [str(i) for i in strikes["strike_id"]]
    strike_asset = np.array([asset_index[a] for a in strikes["asset_id"]], dtype=np.int64)
    reports, report_notes = compile_reports(scenario, asset_index, strike_asset, strike_hours, strike_ids)

    tree = AreaTree.from_table(scenario.areas)
    area_ids = list(tree.ids)
    area_index = {area_id: a for a, area_id in enumerate(area_ids)}
    parent = tree.parent_indices()
    is_leaf = tree.leaf_mask()
    leaf_order, leaf_begin, leaf_end = tree.leaf_ranges()
    # Leaf indices under each area in ascending order (the order the blackout helper assets are made in).
    leaves: list[list[int]] = [sorted(leaf_order[leaf_begin[a] : leaf_end[a]].tolist()) for a in range(len(area_ids))]
    # The population used: population_current where given, else population (docs/data-format.md).
    leaf_population = np.array([0 if pd.isna(v) else int(v) for v in population_used(scenario.areas)], dtype=np.int64)
    population = np.array([leaf_population[group].sum() for group in leaves], dtype=np.int64)
    leaf_base = np.array([0 if pd.isna(v) else int(v) for v in scenario.areas["population"]], dtype=np.int64)
    population_base = np.array([leaf_base[group].sum() for group in leaves], dtype=np.int64)

    links: list[list[list[tuple[int, int]]]] = [[[] for _ in area_ids] for _ in SERVICES]
    service_index = {service: v for v, service in enumerate(SERVICES)}
    cumulative_share: dict[tuple[int, int], float] = {}
    # Running totals in a fixed order (by asset id within an area and service), not the row
    # order: rounding on the running total would otherwise move a person between links, and
    # float sums would differ in the last bit, when the same rows come in another order.
    ordered_links = scenario.service_links.sort_values(["area_id", "service", "asset_id"], kind="stable")
    for row in ordered_links.itertuples(index=False):
        a, v = area_index[row.area_id], service_index[row.service]
        before = cumulative_share.get((v, a), 0.0)
        after = before + float(row.share)
        cumulative_share[(v, a)] = after
        links[v][a].append((asset_index[row.asset_id], link_weight(int(population[a]), before, after)))

    real_assets = len(asset_ids)
    fixed_outages: list[list[tuple[float, float]]] = [[] for _ in asset_ids]
    if blackouts and len(scenario.blackouts):
        add_blackouts(
            scenario,
            asset_ids,
            group_lists,
            fixed_outages,
            links[service_index["power"]],
            [model_leaves for model_leaves in leaves],
            area_index,
        )

    return CompiledScenario(
        time_hours=time_hours,
        step_hours=config.step_hours,
        asset_ids=asset_ids,
        topo_order=topological_order(len(asset_ids), group_lists),
        groups=group_lists,
        strike_ids=strike_ids,
        strike_asset=strike_asset,
        strike_hours=strike_hours,
        strike_distribution=np.array(distribution, dtype=np.int64),
        strike_median_days=np.array(median, dtype=np.float64),
        strike_dispersion=np.array(dispersion),
        area_ids=area_ids,
        area_parent=parent,
        area_is_leaf=is_leaf,
        area_leaves=[np.array(group, dtype=np.int64) for group in leaves],
        area_leaf_ranges=(leaf_order, leaf_begin, leaf_end),
        population=population,
        services=SERVICES,
        links=links,
        reports=reports,
        report_notes=report_notes,
        real_assets=real_assets,
        fixed_outages=fixed_outages,
        population_base=population_base,
    )
