"""Compile drained district-heating buildings and cold homes into helper assets (docs/method.md,
sections 4d and 4e).

See :mod:`impact.engine.heat` and :mod:`impact.engine.cooling` for what the helpers mean; this
module decides which exist.
"""

from __future__ import annotations

import hashlib

import numpy as np

from impact.areas import AreaTree
from impact.engine.cooling import Cooling, cooling_spans
from impact.engine.heat import Drain, cold_spans
from impact.engine.weights import link_weight
from impact.scenario import Scenario
from impact.scenario.housing import leaf_housing

__all__ = ["add_cooling", "add_drains", "spans_digest"]


def spans_digest(start: np.ndarray, end: np.ndarray) -> str:
    """Eight hex digits naming a set of cold spans [hours since start] (SHA-256 of their text)."""
    text = ";".join(f"{a!r}-{b!r}" for a, b in zip(start.tolist(), end.tolist(), strict=True))
    return hashlib.sha256(text.encode("ascii")).hexdigest()[:8]


def add_drains(
    scenario: Scenario,
    tree: AreaTree,
    time_hours: np.ndarray,
    outdoor: np.ndarray | None,
    real_assets: int,
    asset_ids: list[str],
    groups: list[list[list[tuple[int, float]]]],
    group_columns: list[list[list[int]]],
    fixed_outages: list[list[tuple[float, float]]],
    heat_links: list[list[tuple[int, int]]],
    drained_links: list[list[tuple[int, int]]] | None = None,
) -> list[Drain]:
    """Route the heat links to district-heating assets through drain helpers (in place).

    A heat link of a leaf to a real asset X (district heating; ``own_power`` links go through
    helpers and are individual heating, never drained) is taken through ``~heat|{X}|{area}``
    when the leaf's outdoor temperature is ever at or below ``[heat] drain_below_celsius``.
    Leaves heated by X with the same cold spans share one pair of helpers, named after the
    first of them in ``areas.csv`` order; their restart delays come from the random stream
    ``{X};{digest of the cold spans}`` (:func:`spans_digest`), the same whatever the order of
    the rows and whichever leaves X heats.

    Parameters
    ----------
    scenario : Scenario
    tree : AreaTree
        The scenario's areas (index = area index of the model).
    time_hours : ndarray of float, shape (T,)
    outdoor : ndarray of float, shape (A, T), or None
        Outdoor temperature of every area at every step [°C]
        (:func:`impact.engine.grid_compile.scenario_outdoor`); None without readings.
    real_assets : int
        Assets of ``assets.csv`` (the first ones).
    asset_ids, groups, group_columns, fixed_outages : list
        The model's helper lists, extended in place.
    heat_links : list of list of (int, int)
        ``links[heat][area]``, rerouted in place.
    drained_links : list of list of (int, int), optional
        Per area, filled in place with a link to the drained-state helper for each rerouted
        heat link, with its weight: the people whose building systems are drained are the
        people without the pseudo-service :data:`impact.engine.heat.DRAINED`.

    Returns
    -------
    list of Drain
        One per drained-state helper, in the order they were made.
    """
    if outdoor is None:
        return []
    heat = scenario.config.heat
    spans_of: dict[bytes, tuple[np.ndarray, np.ndarray]] = {}
    made: dict[tuple[int, bytes], int] = {}
    drains: list[Drain] = []
    for area, area_links in enumerate(heat_links):
        if not area_links:
            continue
        series = outdoor[area].tobytes()  # leaves of one series (an oblast's, say) share its spans
        if series not in spans_of:
            spans_of[series] = cold_spans(outdoor[area], time_hours, heat.drain_below_celsius)
        start, end = spans_of[series]
        if len(start) == 0:
            continue
        key = np.concatenate([start, end]).tobytes()
        for position, (asset, weight) in enumerate(area_links):
            if asset < 0 or asset >= real_assets:
                continue
            if (asset, key) not in made:
                name = f"{asset_ids[asset]}|{tree.ids[area]}"
                drained = _helper(asset_ids, groups, group_columns, fixed_outages, f"~drained|{name}", [[(asset, 0.0)]])
                made[(asset, key)] = _helper(
                    asset_ids, groups, group_columns, fixed_outages, f"~heat|{name}", [[(asset, 0.0)], [(drained, 0.0)]]
                )
                key_of_stream = f"{asset_ids[asset]};{spans_digest(start, end)}"
                drains.append(Drain(drained, asset, key_of_stream, start, end, heat.drain_after_hours))
            area_links[position] = (made[(asset, key)], weight)
            if drained_links is not None:
                drained_links[area].append((made[(asset, key)] - 1, weight))  # D is made just before H
    return drains


def add_cooling(
    scenario: Scenario,
    tree: AreaTree,
    time_hours: np.ndarray,
    outdoor: np.ndarray | None,
    asset_ids: list[str],
    groups: list[list[list[tuple[int, float]]]],
    group_columns: list[list[list[int]]],
    fixed_outages: list[list[tuple[float, float]]],
    heat_links: list[list[tuple[int, int]]],
    cold_links: list[list[tuple[int, int]]],
) -> list[Cooling]:
    """Add a cold-home helper per (heat link asset, housing type, outdoor series) (in place).

    Each heat link of W people of a leaf with residents R is split over the leaf's housing
    types (:func:`impact.scenario.housing.leaf_housing`) in proportion to their shares
    (rounded on the running total, like links): the part of type h is cold while the helper
    ``~cold|{asset}|{h}|{area}`` is down, and ``cold_links[area]`` gets a link to it. Leaves
    whose outdoor series has no reading get none (their homes never cool).

    Parameters
    ----------
    outdoor : ndarray of float, shape (A, T), or None
        As for :func:`add_drains`.
    heat_links : list of list of (int, int)
        ``links[heat][area]`` after drains (:func:`add_drains`) and ``own_power`` links.
    cold_links : list of list of (int, int)
        Filled in place: per area, the links of the pseudo-service
        :data:`impact.engine.cooling.COLD`.

    Returns
    -------
    list of Cooling
        One per helper, in the order they were made.
    """
    if outdoor is None:
        return []
    heat = scenario.config.heat
    housing = leaf_housing(scenario.housing, tree, heat.default_housing_type)
    types = {
        str(row.housing_type): (
            float(row.time_constant_hours),
            -np.inf if np.isnan(row.floor_celsius) else float(row.floor_celsius),
            float(row.reheat_hours),
        )
        for row in scenario.housing_types.itertuples(index=False)
    }
    made: dict[tuple[int, str, bytes], int] = {}
    coolings: list[Cooling] = []
    spans: dict[tuple[str, bytes], tuple[np.ndarray, np.ndarray]] = {}
    for area, area_links in enumerate(heat_links):
        if not area_links or np.isnan(outdoor[area]).all():
            continue
        series = outdoor[area].tobytes()
        mix = housing[tree.ids[area]]
        for asset, weight in area_links:
            before = 0.0
            for housing_type, share in mix:
                people = link_weight(weight, before, before + share)
                before += share
                if people == 0:
                    continue
                time_constant, floor, reheat = types[housing_type]
                if (housing_type, series) not in spans:
                    spans[(housing_type, series)] = cooling_spans(outdoor[area], time_hours, floor)
                key = (asset, housing_type, series)
                if key not in made:
                    made[key] = _helper(
                        asset_ids,
                        groups,
                        group_columns,
                        fixed_outages,
                        f"~cold|{asset_ids[asset]}|{housing_type}|{tree.ids[area]}",
                        [[(asset, 0.0)]],
                    )
                    span_start, equilibrium = spans[(housing_type, series)]
                    coolings.append(
                        Cooling(
                            made[key],
                            asset,
                            span_start,
                            equilibrium,
                            time_constant,
                            reheat,
                            heat.indoor_celsius,
                            heat.cold_below_celsius,
                        )
                    )
                cold_links[area].append((made[key], people))
    return coolings


def _helper(
    asset_ids: list[str],
    groups: list[list[list[tuple[int, float]]]],
    group_columns: list[list[list[int]]],
    fixed_outages: list[list[tuple[float, float]]],
    name: str,
    asset_groups: list[list[tuple[int, float]]],
) -> int:
    """Append one helper asset; its index."""
    asset_ids.append(name)
    groups.append(asset_groups)
    group_columns.append([[-1] * len(group) for group in asset_groups])
    fixed_outages.append([])
    return len(asset_ids) - 1
