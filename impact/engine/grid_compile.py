"""Compile the grid's capacity balance and households that need power (docs/method.md, sections 4b and 4c).

Adds helper assets after the real ones, like the rolling cuts of ``blackouts.csv``
(:func:`impact.engine.compile.add_blackouts`):

- ``~grid:{zone}:queue{q}``: down while queue q of the zone is cut; its outage is computed by
  the engines from the zone's capacity balance (:mod:`impact.engine.grid`).
- ``~{asset}|grid:{zone}:queue{q}``: each power link (asset j, w people) of a leaf in the zone
  is split into one link per queue through a helper that needs both j and the queue's supply.
- Non-critical assets supplied by grid power (neither ``critical`` nor a power kind) get the
  queue of their zone as one more supply, with the buffer of their power supply.
- ``~own_power|{asset}|{buffer}h``: people whose water or heat needs their own power (an
  ``own_power`` link) lose it when their power link is down for longer than the buffer.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from impact.areas import AreaTree
from impact.engine.grid import GridModel
from impact.engine.weights import link_weight
from impact.scenario import Scenario, population_used
from impact.scenario.grid import asset_grid_zones, asset_is_critical, leaf_grid_zones
from impact.scenario.schema import DAMAGE_STATES, POWER_KINDS

__all__ = ["add_own_power", "compile_grid", "outdoor_temperature", "scenario_outdoor", "zone_demand_kw"]


def outdoor_temperature(temperature: pd.DataFrame | None, tree: AreaTree, times: np.ndarray) -> np.ndarray | None:
    """Outdoor temperature of every area at every step [°C]; None without readings.

    At each step an area takes the reading of its own series, else that of its nearest
    ancestor whose series has one at that step, else the one for every area (empty
    ``area_id``). A reading holds from its time until the next one of its series; steps that
    no series covers (before every first reading, areas without any) are NaN.

    Parameters
    ----------
    temperature : DataFrame or None
        ``temperature.csv``.
    tree : AreaTree
    times : ndarray of datetime64[ns], shape (T,)
        Time of each step (UTC, without a zone).

    Returns
    -------
    ndarray of float, shape (A, T), or None
    """
    if temperature is None or len(temperature) == 0:
        return None
    readings: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for area, rows in temperature.groupby("area_id", sort=False, dropna=False):
        rows = rows.sort_values("time", kind="stable")
        at = rows["time"].dt.tz_convert("UTC").dt.tz_localize(None).to_numpy(dtype="datetime64[ns]")
        key = "" if pd.isna(area) else str(area)
        readings[key] = (at, rows["temperature_c"].to_numpy(dtype=np.float64))
    cache: dict[str, np.ndarray] = {}
    values = np.full((len(tree.ids), len(times)), np.nan)
    for key, (at, reading) in readings.items():
        position = np.searchsorted(at, times, side="right") - 1
        cache[key] = np.where(position >= 0, reading[np.maximum(position, 0)], np.nan)
    merged: dict[tuple[str, ...], np.ndarray] = {}  # areas with the same series from near to far share a row
    for i, area in enumerate(tree.ids):
        chain = tuple(key for key in [area, *tree.ancestors_of(area), ""] if key in cache)
        if chain not in merged:
            row = np.full(len(times), np.nan)
            for key in chain:  # the nearest series with a reading, step by step
                row = np.where(np.isnan(row), cache[key], row)
            merged[chain] = row
        values[i] = merged[chain]
    return values


def scenario_outdoor(scenario: Scenario, tree: AreaTree) -> np.ndarray | None:
    """:func:`outdoor_temperature` of a scenario's areas at its time steps [°C], shape (A, T); None without readings."""
    config = scenario.config
    moments = config.start + pd.to_timedelta(np.arange(config.steps) * config.step_minutes, unit="min")
    times = moments.tz_convert("UTC").tz_localize(None).to_numpy(dtype="datetime64[ns]")
    return outdoor_temperature(scenario.temperature, tree, times)


def zone_demand_kw(scenario: Scenario, zone_of_leaf: dict[str, str], zone_ids: list[str]) -> np.ndarray:
    """Demand of each zone at each step [kW] (docs/method.md, section 4b).

    ``demand_kw_per_person`` x residents of each leaf x ``demand_profile`` of the local hour x
    ``max(0, 1 + demand_change_per_degree x (demand_reference_celsius - T))`` with the leaf's
    outdoor temperature T (factor 1 where there is no reading), summed over the zone's leaves.

    Returns
    -------
    ndarray of float, shape (Z, T)
    """
    config = scenario.config
    grid = config.grid
    steps = config.steps
    moments = config.start + pd.to_timedelta(np.arange(steps) * config.step_minutes, unit="min")
    local_hour = np.asarray(moments.tz_convert(config.timezone).hour, dtype=np.int64)
    profile = np.asarray(grid.demand_profile, dtype=np.float64)[local_hour]
    tree = AreaTree.from_table(scenario.areas)
    temperature = scenario_outdoor(scenario, tree)
    position = {area: i for i, area in enumerate(tree.ids)}
    population = dict(zip(scenario.areas["area_id"], population_used(scenario.areas), strict=True))
    zone_index = {zone: z for z, zone in enumerate(zone_ids)}
    demand = np.zeros((len(zone_ids), steps))
    for leaf in sorted(zone_of_leaf):
        people = population.get(leaf)
        if people is None or pd.isna(people):
            continue
        factor = np.ones(steps)
        if temperature is not None:
            outdoor = temperature[position[leaf]]
            change = 1.0 + grid.demand_change_per_degree * (grid.demand_reference_celsius - outdoor)
            factor = np.where(np.isnan(outdoor), 1.0, np.maximum(0.0, change))
        demand[zone_index[zone_of_leaf[leaf]]] += float(people) * grid.demand_kw_per_person * profile * factor
    return demand


def _ancestors(assets: list[int], groups: list[list[list[tuple[int, float]]]]) -> set[int]:
    """Every asset the given assets need, directly or through others (themselves included)."""
    seen, todo = set(assets), list(assets)
    while todo:
        asset = todo.pop()
        for group in groups[asset]:
            for member, _buffer in group:
                if member not in seen:
                    seen.add(member)
                    todo.append(member)
    return seen


def compile_grid(
    scenario: Scenario,
    asset_ids: list[str],
    groups: list[list[list[tuple[int, float]]]],
    group_columns: list[list[list[int]]],
    fixed_outages: list[list[tuple[float, float]]],
    power_links: list[list[tuple[int, int]]],
    area_ids: list[str],
    after: dict[int, list[int]],
    *,
    shed: bool = True,
) -> GridModel | None:
    """The capacity balance of a scenario, with the helper assets of its rotating cuts (in place).

    Parameters
    ----------
    scenario : Scenario
    asset_ids, groups, group_columns, fixed_outages : list
        The model's assets so far, extended in place with the helper assets.
    power_links : list of list of (int, int)
        Power links of each area (leaves), split in place into one link per queue.
    area_ids : list of str
    after : dict of int to list of int
        Filled in place: each queue helper asset -> the supply assets it must come after in
        the topological order (every zone's: the engines balance all zones at once, at the
        first queue helper they meet).
    shed : bool
        Add the rotating cuts; False keeps the capacity balance (and partial damage) alone.

    Returns
    -------
    GridModel or None
        None when no asset has ``capacity_mw``.
    """
    assets = scenario.assets
    if "capacity_mw" not in assets.columns or not assets["capacity_mw"].notna().any():
        return None
    config = scenario.config
    grid = config.grid
    real = len(assets)
    asset_index = {asset_id: j for j, asset_id in enumerate(asset_ids[:real])}
    zone_of_leaf = leaf_grid_zones(scenario)
    zone_of_asset = asset_grid_zones(scenario)
    zone_ids = sorted(set(zone_of_leaf.values()) | set(zone_of_asset.values()))
    zone_index = {zone: z for z, zone in enumerate(zone_ids)}
    capacity_kw = {
        str(asset_id): round(float(mw) * 1000.0)
        for asset_id, mw in zip(assets["asset_id"], assets["capacity_mw"], strict=True)
        if not pd.isna(mw)
    }
    supply: list[list[int]] = [[] for _ in zone_ids]
    for asset_id in sorted(zone_of_asset, key=lambda a: asset_index[a]):
        supply[zone_index[zone_of_asset[asset_id]]].append(asset_index[asset_id])
    kept_kw: dict[int, np.ndarray] = {}
    if grid.partial_damage:
        reported = set(scenario.status_updates["asset_id"]) if len(scenario.status_updates) else set()
        for asset_id in zone_of_asset:
            if asset_id in reported:
                continue  # a status report settles up or down: on/off semantics (docs/method.md, 4b)
            full = capacity_kw[asset_id]
            kept = [full] + [round(full * float(grid.kept_capacity[state])) for state in DAMAGE_STATES[1:]]
            kept_kw[asset_index[asset_id]] = np.array(kept, dtype=np.int64)
    queues = int(grid.queues)
    block_steps = max(1, round(float(grid.cut_block_hours) * 60 / config.step_minutes))
    queue_assets = np.full((len(zone_ids), queues), -1, dtype=np.int64)
    demand_kw = zone_demand_kw(scenario, zone_of_leaf, zone_ids)
    if shed:
        can_shed = _zones_that_can_shed(scenario, asset_index, groups, supply, capacity_kw, asset_ids, demand_kw)
        for z, zone in enumerate(zone_ids):
            if not can_shed[z]:
                continue
            for q in range(queues):
                asset_ids.append(f"~grid:{zone}:queue{q + 1}")
                groups.append([])
                group_columns.append([])
                fixed_outages.append([])
                queue_assets[z, q] = len(asset_ids) - 1
                # after every zone's supply assets: the engines balance all zones at the first queue
                after[len(asset_ids) - 1] = [j for members in supply for j in members]
        _split_power_links(
            asset_ids,
            groups,
            group_columns,
            fixed_outages,
            power_links,
            area_ids,
            zone_of_leaf,
            zone_index,
            queue_assets,
        )
        _shed_assets(scenario, asset_ids, groups, group_columns, supply, zone_of_leaf, zone_index, queue_assets)
    return GridModel(
        zone_ids=zone_ids,
        queues=queues,
        block_steps=block_steps,
        demand_kw=demand_kw,
        supply_assets=tuple(np.array(s, dtype=np.int64) for s in supply),
        supply_kw=tuple(np.array([capacity_kw[asset_ids[j]] for j in s], dtype=np.int64) for s in supply),
        kept_kw=kept_kw,
        queue_assets=queue_assets,
    )


def _zones_that_can_shed(
    scenario: Scenario,
    asset_index: dict[str, int],
    groups: list[list[list[tuple[int, float]]]],
    supply: list[list[int]],
    capacity_kw: dict[str, int],
    asset_ids: list[str],
    demand_kw: np.ndarray,
) -> list[bool]:
    """Whether each zone can ever have a deficit: its full capacity falls short of its demand at
    some step, or a strike may hit one of its supply assets or an asset they need.

    A zone that cannot gets no queues: its results are those of a scenario without the grid,
    computed without the helper assets of cuts that would never happen.
    """
    from impact.scenario.weighted import parse_weighted

    known = set(asset_index)
    targets = {
        asset_index[asset]
        for cell in scenario.strikes["asset_id"]
        for asset, _weight in parse_weighted(str(cell), known)
        if asset in asset_index
    }
    can_shed = []
    for z, members in enumerate(supply):
        full = sum(capacity_kw[asset_ids[j]] for j in members)
        short = bool((demand_kw[z] > full).any())
        can_shed.append(short or bool(_ancestors(members, groups) & targets))
    return can_shed


def _split_power_links(
    asset_ids: list[str],
    groups: list[list[list[tuple[int, float]]]],
    group_columns: list[list[list[int]]],
    fixed_outages: list[list[tuple[float, float]]],
    power_links: list[list[tuple[int, int]]],
    area_ids: list[str],
    zone_of_leaf: dict[str, str],
    zone_index: dict[str, int],
    queue_assets: np.ndarray,
) -> None:
    """Split every leaf's power links into one link per queue of its zone (w / Q people each,
    rounded on the running total), through helpers that need both the asset and the queue."""
    queues = queue_assets.shape[1]
    through: dict[tuple[int, int, int], int] = {}
    for area, area_id in enumerate(area_ids):
        if area_id not in zone_of_leaf or not power_links[area]:
            continue
        z = zone_index[zone_of_leaf[area_id]]
        if queue_assets[z, 0] < 0:
            continue  # a zone that can never shed
        split: list[tuple[int, int]] = []
        for asset, weight in power_links[area]:
            for q in range(queues):
                people = link_weight(weight, q / queues, (q + 1) / queues)
                if people == 0:
                    continue
                key = (asset, z, q)
                if key not in through:
                    asset_ids.append(f"~{asset_ids[asset]}|grid:{asset_ids[queue_assets[z, q]][6:]}")
                    groups.append([[(asset, 0.0)], [(int(queue_assets[z, q]), 0.0)]])
                    group_columns.append([[-1], [-1]])
                    fixed_outages.append([])
                    through[key] = len(asset_ids) - 1
                split.append((through[key], people))
        power_links[area] = split


def _shed_assets(
    scenario: Scenario,
    asset_ids: list[str],
    groups: list[list[list[tuple[int, float]]]],
    group_columns: list[list[list[int]]],
    supply: list[list[int]],
    zone_of_leaf: dict[str, str],
    zone_index: dict[str, int],
    queue_assets: np.ndarray,
) -> None:
    """Give every non-critical asset supplied by grid power the queue of its zone as a supply.

    Such an asset (neither ``critical`` nor a power kind, with at least one supply from a power
    kind, in one zone) is cut with its queue, after the shortest ``buffer_hours`` of its power
    supplies; queues are dealt out in order of asset id within a zone. Assets a supply asset
    or a critical site needs are never cut.
    """
    assets = scenario.assets
    real = len(assets)
    critical = asset_is_critical(scenario)
    kinds = dict(zip(assets["asset_id"], assets["kind"], strict=True))
    # never cut: what a supply asset needs (the balance would depend on itself) and what a
    # critical site needs (the cascade to water and heat follows real outages only)
    critical_sites = [j for j in range(real) if critical.get(asset_ids[j], True)]
    protected = _ancestors([j for s in supply for j in s] + critical_sites, groups)
    tree = AreaTree.from_table(scenario.areas)
    leaf_order, begin, end = tree.leaf_ranges()
    area_position = {area: i for i, area in enumerate(tree.ids)}
    queues = queue_assets.shape[1]
    by_zone: dict[int, list[tuple[str, int, float]]] = {}
    for j in range(real):
        asset_id = asset_ids[j]
        if critical.get(asset_id, True) or kinds[asset_id] in POWER_KINDS or j in protected:
            continue
        power_buffers = [
            buffer
            for group in groups[j]
            for member, buffer in group
            if member < real and kinds[asset_ids[member]] in POWER_KINDS
        ]
        if not power_buffers:
            continue
        area = area_position[str(assets["area_id"].iloc[j])]
        leaves = {zone_of_leaf.get(tree.ids[leaf]) for leaf in leaf_order[begin[area] : end[area]]}
        if len(leaves) != 1 or None in leaves:
            continue
        by_zone.setdefault(zone_index[leaves.pop()], []).append((asset_id, j, min(power_buffers)))
    for z, members in by_zone.items():
        if queue_assets[z, 0] < 0:
            continue
        for position, (_asset_id, j, buffer) in enumerate(sorted(members)):
            groups[j].append([(int(queue_assets[z, position % queues]), buffer)])
            group_columns[j].append([-1])


def add_own_power(
    asset_ids: list[str],
    groups: list[list[list[tuple[int, float]]]],
    group_columns: list[list[list[int]]],
    fixed_outages: list[list[tuple[float, float]]],
    links: list[list[list[tuple[int, int]]]],
    own_power: dict[tuple[int, int, int], float],
    power_service: int,
    population: np.ndarray,
) -> None:
    """Replace each ``own_power`` link by links through the area's power links (in place).

    An ``own_power`` link (placeholder asset -1) of W people of a leaf with residents P is
    split over the leaf's power links (after any rolling cuts split them) in proportion to
    their people: link i of w_i people carries ``W x w_i / P`` of them (rounded on the
    running total). Those people are without the service while that power link is down for
    longer than the link's buffer (a helper asset ``~own_power|{asset}|{buffer}h`` that needs
    the power link's asset with that buffer). The rest of the W (the share of residents not
    on any power link) never lose it, like everyone outside the links.

    Parameters
    ----------
    links : list of list of list of (int, int)
        ``links[v][a]``, with -1 for the asset of each own_power link; replaced in place.
    own_power : dict of (int, int, int) to float
        (service, area, position in ``links[v][a]``) of each own_power link -> its buffer [hours].
    power_service : int
    population : ndarray of int64
        Residents of each area [persons].
    """
    through: dict[tuple[int, float], int] = {}
    for (service, area, position), buffer in sorted(own_power.items(), reverse=True):
        _asset, weight = links[service][area][position]
        residents = int(population[area])
        parts: list[tuple[int, int]] = []
        before = 0
        for power_asset, power_weight in links[power_service][area]:
            after = before + power_weight
            people = link_weight(weight, before / residents, after / residents) if residents else 0
            before = after
            if people == 0:
                continue
            key = (power_asset, buffer)
            if key not in through:
                asset_ids.append(f"~own_power|{asset_ids[power_asset]}|{buffer:g}h")
                groups.append([[(power_asset, buffer)]])
                group_columns.append([[-1]])
                fixed_outages.append([])
                through[key] = len(asset_ids) - 1
            parts.append((through[key], people))
        links[service][area][position : position + 1] = parts
