"""Build small valid scenarios in memory for engine tests.

``make_scenario`` takes any table (a DataFrame, a list of dicts, or None for an empty
optional table) and fills the rest with small defaults; ``random_scenario`` draws a
varied valid scenario from a seed (area trees, dependency DAGs with OR-groups and
buffers, repeated strikes, off-grid times, custom restoration curves...).

Times are written as ISO 8601 with the +02:00 offset of Europe/Kyiv in winter.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from impact import scenario_from_frames
from impact.scenario import Scenario
from impact.scenario.schema import DAMAGE_STATES, KINDS, SERVICES

START = "2025-12-19T00:00:00+02:00"

#: Columns of each table, in CSV order (required ones first).
COLUMNS: dict[str, tuple[str, ...]] = {
    "areas": ("area_id", "name", "admin_level", "parent_id", "population"),
    "assets": ("asset_id", "name", "kind", "area_id", "restoration_class"),
    "dependencies": ("asset_id", "depends_on", "group", "buffer_hours"),
    "service_links": ("area_id", "service", "asset_id", "share"),
    "strikes": ("strike_id", "time", "asset_id", "damage_state"),
    "restoration": ("restoration_class", "damage_state", "distribution", "median_days", "dispersion", "source"),
    "status_updates": ("time", "asset_id", "status", "source"),
    "observations": ("time", "area_id", "service", "value", "unit", "source"),
    "blackouts": ("area_id", "start", "end", "hours_off_per_day", "queues", "source"),
    "crews": ("crew_pool", "crews"),
    "temperature": ("time", "temperature_c", "area_id"),
    "housing": ("area_id", "housing_type", "share"),
    "housing_types": ("housing_type", "time_constant_hours", "floor_celsius", "reheat_hours"),
}

#: Default tables: a region with two districts, a substation feeding a pumping station.
DEFAULT_AREAS = [
    {"area_id": "R", "name": "Region", "admin_level": 1, "parent_id": "", "population": None},
    {"area_id": "R1", "name": "District 1", "admin_level": 2, "parent_id": "R", "population": 1000},
    {"area_id": "R2", "name": "District 2", "admin_level": 2, "parent_id": "R", "population": 500},
]
DEFAULT_ASSETS = [
    {"asset_id": "SUB", "name": "Substation", "kind": "substation", "area_id": "R1"},
    {"asset_id": "PMP", "name": "Pumping station", "kind": "pumping_station", "area_id": "R1"},
]
DEFAULT_LINKS = [
    {"area_id": "R1", "service": "power", "asset_id": "SUB", "share": 1.0},
    {"area_id": "R2", "service": "water", "asset_id": "PMP", "share": 0.5},
]


def at(hours: float = 0.0, minutes: float = 0.0, start: str = START) -> str:
    """ISO time ``hours`` + ``minutes`` after ``start``, with the start's UTC offset."""
    moment = pd.Timestamp(start) + pd.Timedelta(hours=hours) + pd.Timedelta(minutes=minutes)
    return moment.isoformat()


def strike(
    strike_id: str, asset_id: str, hours: float = 0.0, damage_state: str = "moderate", minutes: float = 0.0
) -> dict:
    """One strikes.csv row at ``hours`` (+ ``minutes``) after the default start."""
    return {"strike_id": strike_id, "time": at(hours, minutes), "asset_id": asset_id, "damage_state": damage_state}


def fixed_curve(restoration_class: str, hours: float, damage_state: str = "moderate") -> dict:
    """A restoration.csv row: always ``hours`` of repair."""
    return {
        "restoration_class": restoration_class,
        "damage_state": damage_state,
        "distribution": "fixed",
        "median_days": hours / 24,
        "dispersion": None,
        "source": "test",
    }


def fixed_curves(restoration_class: str, hours: float) -> list[dict]:
    """Fixed rows of ``restoration_class`` for every damage state."""
    return [fixed_curve(restoration_class, hours, state) for state in DAMAGE_STATES[1:]]


def _frame(rows: pd.DataFrame | Iterable[Mapping] | None, table: str) -> pd.DataFrame | None:
    if rows is None:
        return None
    if isinstance(rows, pd.DataFrame):
        return rows
    rows = list(rows)
    columns = list(COLUMNS[table])
    for row in rows:
        columns += [key for key in row if key not in columns]
    return pd.DataFrame([{c: row.get(c) for c in columns} for row in rows], columns=columns)


def make_settings(
    *,
    id: str = "test",
    title: str = "Test scenario",
    timezone: str = "Europe/Kyiv",
    start: str = START,
    horizon_hours: float = 48,
    step_minutes: float = 60,
    samples: int = 20,
    seed: int = 1,
    quantiles: Iterable[float] = (0.05, 0.5, 0.95),
    grid: Mapping[str, object] | None = None,
    heat: Mapping[str, object] | None = None,
    **scenario_keys: object,
) -> dict:
    """``scenario.toml`` settings as a dict.

    ``grid`` is the ``[grid]`` section (``{"queues": 4, "demand_kw_per_person": 1.0}``; ``{}`` writes
    an empty section); None (the default) leaves the section out. ``heat`` likewise for ``[heat]``.
    """
    settings: dict = {
        "scenario": {
            "id": id,
            "title": title,
            "timezone": timezone,
            "start": start,
            "horizon_hours": horizon_hours,
            "step_minutes": step_minutes,
            **scenario_keys,
        },
        "run": {"samples": samples, "seed": seed, "quantiles": list(quantiles)},
    }
    if grid is not None:
        settings["grid"] = dict(grid)
    if heat is not None:
        settings["heat"] = dict(heat)
    return settings


_DEFAULT = object()


def make_scenario(
    *,
    areas=_DEFAULT,
    assets=_DEFAULT,
    dependencies=None,
    service_links=_DEFAULT,
    strikes=_DEFAULT,
    restoration=None,
    status_updates=None,
    observations=None,
    blackouts=None,
    boundaries=None,
    crews=None,
    temperature=None,
    housing=None,
    housing_types=None,
    **settings: object,
) -> Scenario:
    """A valid scenario from the given tables and small defaults.

    Parameters
    ----------
    areas, assets, service_links, strikes : DataFrame or list of dict, optional
        Required tables; defaults: region R with districts R1 (1000 people) and R2 (500),
        substation SUB and pumping station PMP in R1, R1 power through SUB, half of R2's
        water through PMP, one moderate strike on SUB at 02:00 local.
    dependencies, restoration, status_updates, observations, blackouts, crews : DataFrame or list of dict, optional
        Optional tables (absent by default).
    temperature : DataFrame or list of dict, optional
        Outdoor temperature readings (``time``, ``temperature_c``, ``area_id``); absent by default.
    housing, housing_types : DataFrame or list of dict, optional
        ``housing.csv`` and ``housing_types.csv``; absent by default.
    boundaries : Boundaries or GeoJSON dict, optional
        Area polygons (none by default).
    **settings
        ``scenario.toml`` keys (``horizon_hours=48``, ``step_minutes=60``, ``start``,
        ``samples``, ``seed``, ``quantiles``...), and ``grid={...}`` for the ``[grid]`` section
        (:func:`make_settings`).
    """
    if strikes is _DEFAULT:
        strikes = [strike("S1", "SUB", 2.0)]
    return scenario_from_frames(
        make_settings(**settings),
        areas=_frame(DEFAULT_AREAS if areas is _DEFAULT else areas, "areas"),
        assets=_frame(DEFAULT_ASSETS if assets is _DEFAULT else assets, "assets"),
        dependencies=_frame(dependencies, "dependencies"),
        service_links=_frame(DEFAULT_LINKS if service_links is _DEFAULT else service_links, "service_links"),
        strikes=_frame(strikes, "strikes"),
        restoration=_frame(restoration, "restoration"),
        status_updates=_frame(status_updates, "status_updates"),
        observations=_frame(observations, "observations"),
        blackouts=_frame(blackouts, "blackouts"),
        crews=_frame(crews, "crews"),
        temperature=_frame(temperature, "temperature"),
        housing=_frame(housing, "housing"),
        housing_types=_frame(housing_types, "housing_types"),
        boundaries=boundaries,
    )


# --- random scenarios ------------------------------------------------------------------------

#: Quantiles used by the random tests (unsorted on purpose, with odd ones).
RANDOM_QUANTILES = (0.0, 1.0, 0.05, 0.5, 0.95, 0.333, 0.25, 0.9999, 1e-9)


def _area_tree(rng: np.random.Generator) -> list[dict]:
    depth = int(rng.integers(2, 5))  # 2-4 levels
    rows = [{"area_id": "A", "name": "Area A", "admin_level": 1, "parent_id": "", "population": None}]
    frontier = ["A"]
    for level in range(2, depth + 1):
        next_frontier = []
        for parent in frontier:
            if level > 2 and rng.random() < 0.25:
                continue  # an uneven tree: this node stays a leaf
            for c in range(int(rng.integers(1, 4))):
                area_id = f"{parent}{c}"
                rows.append(
                    {
                        "area_id": area_id,
                        "name": f"Area {area_id}",
                        "admin_level": level,
                        "parent_id": parent,
                        "population": None,
                    }
                )
                next_frontier.append(area_id)
        frontier = next_frontier
    parents = {row["parent_id"] for row in rows}
    for row in rows:
        if row["area_id"] not in parents:
            row["population"] = int(
                rng.choice([0, 1, 3, 7, 120, 999, 25_000, 1_000_003])
                if rng.random() < 0.3
                else rng.integers(0, 200_000)
            )
    return rows


def _curves(rng: np.random.Generator, step_hours: float) -> list[dict]:
    """Own restoration classes with medians of hours, some on the step grid, some not."""
    hours_pool = [0.0, step_hours, 2 * step_hours, 3 * step_hours, 0.5, 1.0, 1.75, 2.5, 4.0, 7.25, 12.0, 24.0, 40.0]
    rows = []
    for klass in range(int(rng.integers(1, 5))):
        kind = rng.choice(["fixed", "normal", "normal_wide", "lognormal"])
        for state in DAMAGE_STATES[1:]:
            hours = float(rng.choice(hours_pool))
            if kind == "fixed":
                distribution, dispersion = "fixed", None
            elif kind == "normal":
                distribution, dispersion = "normal", float(rng.choice([0.0, 0.01, 0.1, 0.25]))
            elif kind == "normal_wide":  # many draws clip at 0
                distribution, dispersion = "normal", float(rng.choice([0.5, 1.0, 3.0]))
            else:
                distribution, dispersion = "lognormal", float(rng.choice([0.0, 0.2, 0.6, 1.5]))
            rows.append(
                {
                    "restoration_class": f"cls{klass}",
                    "damage_state": state,
                    "distribution": distribution,
                    "median_days": hours / 24,
                    "dispersion": dispersion,
                    "source": "test assumption",
                }
            )
    return rows


def random_scenario(
    seed: int, *, max_assets: int = 30, samples: int = 30, grid: bool = False, heat: bool = False
) -> Scenario:
    """A varied valid scenario drawn from ``seed`` (deterministic): :func:`random_tables` loaded."""
    return make_scenario(**random_tables(seed, max_assets=max_assets, samples=samples, grid=grid, heat=heat))


def random_tables(
    seed: int, *, max_assets: int = 30, samples: int = 30, grid: bool = False, heat: bool = False
) -> dict:
    """The tables and settings of a varied valid scenario drawn from ``seed``, as keywords of
    :func:`make_scenario` (deterministic).

    Parameters
    ----------
    seed : int
        Seed of everything drawn.
    max_assets : int
        Upper bound of the number of assets (at least 1).
    samples : int
        ``[run] samples`` of the scenario.
    grid : bool
        Add issue 14's inputs (:func:`_add_grid`, from their own random stream: the rest of
        the scenario is the one without them).
    heat : bool
        Add issue 15's inputs (:func:`_add_heat`, from a stream of their own likewise).
    """
    rng = np.random.default_rng(seed)
    step_minutes = int(rng.choice([15, 30, 60]))
    step_hours = step_minutes / 60
    steps = int(rng.integers(4, 49))
    horizon_hours = steps * step_hours

    areas = _area_tree(rng)
    parents = {row["parent_id"] for row in areas}
    leaves = [row["area_id"] for row in areas if row["area_id"] not in parents]
    all_areas = [row["area_id"] for row in areas]

    curves = _curves(rng, step_hours)
    classes = sorted({row["restoration_class"] for row in curves})
    median_days = {(row["restoration_class"], row["damage_state"]): row["median_days"] for row in curves}
    # Mostly small networks; sometimes large ones so that a leaf can have > 12 links.
    count = int(rng.integers(1, 6)) if rng.random() < 0.5 else int(rng.integers(1, max_assets + 1))
    assets = []
    for j in range(count):
        kind = str(rng.choice(KINDS))
        klass = str(rng.choice(classes)) if rng.random() < 0.8 else ""
        assets.append(
            {
                "asset_id": f"X{j}",
                "name": f"Asset {j}",
                "kind": kind,
                "area_id": str(rng.choice(all_areas)),
                "restoration_class": klass,
            }
        )
    asset_ids = [row["asset_id"] for row in assets]

    # Dependency DAG over a random order: an asset only needs assets earlier in the order.
    order = [asset_ids[i] for i in rng.permutation(count)]
    chain = rng.random() < 0.3
    buffers = [None, 0.0, 0.0, 0.25, 0.5, 1.0, 1.75, step_hours, 2 * step_hours, 5.0, 100.0]
    dependencies = []
    for position, asset in enumerate(order[1:], start=1):
        earlier = order[:position]
        used: set[str] = set()
        if chain:  # a deep chain through every asset
            used.add(order[position - 1])
            dependencies.append(
                {
                    "asset_id": asset,
                    "depends_on": order[position - 1],
                    "group": "",
                    "buffer_hours": buffers[int(rng.integers(len(buffers)))],
                }
            )
        if rng.random() < 0.5:
            continue
        for g in range(int(rng.integers(1, 3))):
            members = [s for s in rng.permutation(earlier)[: int(rng.integers(1, 4))] if s not in used]
            named = len(members) > 1 or rng.random() < 0.5
            for member in members:
                used.add(str(member))
                dependencies.append(
                    {
                        "asset_id": asset,
                        "depends_on": str(member),
                        "group": f"g{g}" if named else "",
                        "buffer_hours": buffers[int(rng.integers(len(buffers)))],
                    }
                )

    links = []
    for leaf in leaves:
        for service in SERVICES:
            if rng.random() < 0.35:
                continue
            top = min(14, count)
            k = top if rng.random() < 0.15 else int(rng.integers(1, top + 1))
            chosen = rng.choice(asset_ids, size=k, replace=False)
            total = 1.0 if rng.random() < 0.4 else float(rng.uniform(0.05, 1.0))
            weights = rng.uniform(0.01, 1.0, size=k)
            shares = total * weights / weights.sum()
            for asset, share in zip(chosen, shares, strict=True):
                links.append(
                    {"area_id": leaf, "service": service, "asset_id": str(asset), "share": float(min(share, 1.0))}
                )
    if not links:
        links.append({"area_id": leaves[0], "service": "power", "asset_id": asset_ids[0], "share": 1.0})

    strikes = []
    horizon_minutes = horizon_hours * 60
    for _ in range(int(rng.integers(1, 2 * count + 3))):
        asset = str(rng.choice(asset_ids))
        choice = rng.random()
        if choice < 0.5:  # on the step grid
            minutes = float(step_minutes * rng.integers(-steps // 2, steps + 2))
        elif choice < 0.85:  # off the grid, whole minutes
            minutes = float(rng.integers(-int(horizon_minutes), int(1.3 * horizon_minutes) + 1))
        elif choice < 0.93:  # before the start
            minutes = float(rng.integers(-3000, 0))
        else:  # after the horizon
            minutes = float(horizon_minutes + rng.integers(0, 600))
        state = str(rng.choice(DAMAGE_STATES, p=[0.1, 0.25, 0.25, 0.2, 0.2]))
        strikes.append(
            {"strike_id": f"S{len(strikes)}", "time": at(minutes=minutes), "asset_id": asset, "damage_state": state}
        )
        if rng.random() < 0.3:  # strike the same asset again: overlapping or touching
            again = minutes + float(rng.choice([0, 30, 60, 90, step_minutes, 24 * 60]))
            klass = assets[asset_ids.index(asset)]["restoration_class"]
            if klass and state != "none" and rng.random() < 0.5:  # starts where the first ends
                again = minutes + 60 * 24 * median_days[(klass, state)]
            strikes.append(
                {
                    "strike_id": f"S{len(strikes)}",
                    "time": at(minutes=again),
                    "asset_id": asset,
                    "damage_state": str(rng.choice(DAMAGE_STATES[1:])),
                }
            )

    tables = {
        "areas": areas,
        "assets": assets,
        "dependencies": dependencies or None,
        "service_links": links,
        "strikes": strikes,
        "restoration": curves,
        "id": f"random-{seed}",
        "step_minutes": step_minutes,
        "horizon_hours": horizon_hours,
        "samples": samples,
        "seed": seed,
        "quantiles": RANDOM_QUANTILES,
    }
    if grid:
        _add_grid(np.random.default_rng([seed, 14]), tables, leaves, all_areas)
    if heat:
        _add_heat(np.random.default_rng([seed, 15]), tables, leaves, all_areas)
    return tables


def _add_heat(rng: np.random.Generator, tables: dict, leaves: list[str], all_areas: list[str]) -> None:
    """Issue 15's inputs on a random scenario's tables (in place): district heating links to
    real assets, outdoor temperatures around the drain threshold (for every area and for some
    areas of their own, with gaps) and a random ``[heat]``."""
    assets = [row["asset_id"] for row in tables["assets"]]
    links = tables["service_links"]
    heated = {row["area_id"] for row in links if row["service"] == "heat"}
    for leaf in leaves:
        if leaf not in heated and rng.random() < 0.7:
            links.append({"area_id": leaf, "service": "heat", "asset_id": str(rng.choice(assets)), "share": 0.5})
    horizon = int(tables["horizon_hours"])
    readings = []
    for area in ["", *rng.choice(all_areas, size=int(rng.integers(0, 3)), replace=False).tolist()]:
        choices = np.arange(-3, max(horizon, 1))
        hours = np.sort(rng.choice(choices, size=min(len(choices), int(rng.integers(1, 8))), replace=False))
        readings += [
            {
                "time": at(float(h), minutes=float(rng.choice([0, 10]))),
                "temperature_c": float(rng.choice([-9, -3, -1, 4])),
                "area_id": area,
            }
            for h in hours
        ]
    tables["temperature"] = readings
    types = ["panel_high_rise", "panel_mid_rise", "brick_mid_rise", "private_house"]
    if rng.random() < 0.5:
        tables["housing_types"] = [
            {"housing_type": "fast_cooling", "time_constant_hours": 0.7, "floor_celsius": None, "reheat_hours": 0.0},
            {"housing_type": "panel_mid_rise", "time_constant_hours": 3.0, "floor_celsius": 13.0, "reheat_hours": 2},
        ]
        types.append("fast_cooling")
    housing = []
    for area in rng.choice(all_areas, size=int(rng.integers(0, 3)), replace=False).tolist():
        left = 1.0
        for housing_type in rng.choice(types, size=int(rng.integers(1, 4)), replace=False).tolist():
            share = float(rng.choice([0.1, 0.25, 0.5])) if left > 0.5 else round(left, 3)
            housing.append({"area_id": area, "housing_type": housing_type, "share": share})
            left -= share
            if left <= 1e-9:
                break
    tables["housing"] = housing or None
    distribution = str(rng.choice(["fixed", "lognormal", "normal"]))
    tables["heat"] = {
        "drain_below_celsius": float(rng.choice([-3, 0])),
        "drain_after_hours": float(rng.choice([0, 0.5, 2, 6])),
        "restart_distribution": distribution,
        "restart_median_hours": float(rng.choice([0, 1, 5.5, 24])),
        "restart_dispersion": float(rng.choice([0, 0.5, 3])),
        "cold_below_celsius": float(rng.choice([12, 15])),
        "indoor_celsius": float(rng.choice([16, 20])),
        "default_housing_type": str(rng.choice(types)),
    }


def _add_grid(rng: np.random.Generator, tables: dict, leaves: list[str], all_areas: list[str]) -> None:
    """Issue 14's inputs on a random scenario's tables (in place): zones, supply assets with
    capacities (struck, some with weighted states), supplies they give, critical flags,
    own_power links with buffers, a rolling-cut schedule, temperatures and a random ``[grid]``."""
    population = {row["area_id"]: row["population"] or 0 for row in tables["areas"]}
    zones = [f"z{i}" for i in range(int(rng.integers(1, 4)))]
    zone_of = {}
    for row in tables["areas"]:
        if row["area_id"] in leaves:
            zone = str(rng.choice(zones)) if rng.random() < 0.9 else None
            row["grid_zone"] = zone
            zone_of[row["area_id"]] = zone or "all"
    used = sorted(set(zone_of.values()))
    kw = float(rng.choice([0.05, 0.3, 0.5, 1.0]))
    assets, strikes, dependencies = tables["assets"], tables["strikes"], list(tables["dependencies"] or [])
    existing = [row["asset_id"] for row in assets]
    klass = [c["restoration_class"] for c in tables["restoration"]]
    # supplies of supply assets have no supplies of their own and never need a supply asset: no cycle
    users: set[str] = set()
    suppliers: set[str] = set()
    for zone in used:
        demand = kw * sum(population[a] for a, z in zone_of.items() if z == zone) / 1000  # MW
        for g in range(int(rng.integers(1, 4))):
            asset_id = f"G{zone}{g}"
            factor = float(rng.choice([0.0, 0.2, 0.4, 0.6, 1.0, 3.0]))
            assets.append(
                {
                    "asset_id": asset_id,
                    "name": f"Supply {asset_id}",
                    "kind": str(rng.choice(["power_plant", "chp_plant", "substation"])),
                    "area_id": str(rng.choice(all_areas)),
                    "restoration_class": str(rng.choice(klass)),
                    "capacity_mw": round(factor * demand, 3),
                    "grid_zone": zone,
                }
            )
            for _ in range(int(rng.integers(0, 3))):
                minutes = float(rng.integers(-120, int(tables["horizon_hours"] * 60)))
                state = str(rng.choice(DAMAGE_STATES[1:]))
                if rng.random() < 0.3:
                    state = f"{state}:0.5|{DAMAGE_STATES[1 + int(rng.integers(0, 4))]}:0.5"
                    if state.split(":")[0] == state.split("|")[1].split(":")[0]:
                        state = state.split(":")[0]
                strikes.append(
                    {
                        "strike_id": f"S{len(strikes)}",
                        "time": at(minutes=minutes),
                        "asset_id": asset_id,
                        "damage_state": state,
                    }
                )
            roots = [a for a in existing if a not in users and not any(d["asset_id"] == a for d in dependencies)]
            if roots and rng.random() < 0.4:  # a supply that needs another asset (gas, make-up water...)
                supplier = str(rng.choice(roots))
                suppliers.add(supplier)
                dependencies.append(
                    {
                        "asset_id": asset_id,
                        "depends_on": supplier,
                        "group": "",
                        "buffer_hours": float(rng.choice([0.0, 3.0])),
                    }
                )
            candidates = [u for u in existing if u not in suppliers]
            for user in rng.choice(candidates, size=min(len(candidates), int(rng.integers(0, 3))), replace=False):
                users.add(str(user))
                if not any(d["asset_id"] == user and d["depends_on"] == asset_id for d in dependencies):
                    dependencies.append(
                        {
                            "asset_id": str(user),
                            "depends_on": asset_id,
                            "group": "grid" if rng.random() < 0.5 else "",
                            "buffer_hours": float(rng.choice([0.0, 0.5, 2.0])),
                        }
                    )
    for row in assets[: len(existing)]:
        if rng.random() < 0.4:
            row["critical"] = str(rng.choice(["true", "false"]))
    links = tables["service_links"]
    for leaf in leaves:
        for service in ("water", "heat"):
            taken = sum(link["share"] for link in links if link["area_id"] == leaf and link["service"] == service)
            if rng.random() < 0.5 and taken < 0.95:
                links.append(
                    {
                        "area_id": leaf,
                        "service": service,
                        "asset_id": "own_power",
                        "share": round(float(rng.uniform(0.01, 1.0 - taken)), 4),
                        "buffer_hours": rng.choice([None, 0.0, 1.0, 3.5]),
                    }
                )
    if rng.random() < 0.4:
        start = float(rng.integers(0, max(1, int(tables["horizon_hours"]))))
        tables["blackouts"] = [
            {
                "area_id": str(rng.choice(all_areas)),
                "start": at(start),
                "end": at(start + float(rng.integers(1, 30))),
                "hours_off_per_day": float(rng.choice([2, 8, 16, 24])),
                "queues": int(rng.integers(1, 5)),
            }
        ]
    if rng.random() < 0.5:
        tables["temperature"] = [
            {
                "time": at(float(h)),
                "temperature_c": float(rng.integers(-20, 15)),
                "area_id": str(rng.choice([*all_areas, ""])),
            }
            for h in range(-2, int(tables["horizon_hours"]), 5)
        ]
    tables["dependencies"] = dependencies or None
    tables["grid"] = {
        "demand_kw_per_person": kw,
        "demand_profile": [float(v) for v in rng.choice([0.5, 1.0, 1.3], size=24)],
        "demand_change_per_degree": float(rng.choice([0.0, 0.02])),
        "queues": int(rng.integers(1, 9)),
        "cut_block_hours": float(rng.choice([0.25, 1.0, 2.0, 4.0, 7.0])),
        "partial_damage": bool(rng.random() < 0.5),
        "kept_capacity": {state: float(rng.choice([0.0, 0.3, 0.5, 1.0])) for state in DAMAGE_STATES[1:]},
    }
