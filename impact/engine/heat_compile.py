"""Compile drained district-heating buildings into helper assets (docs/method.md, section 4d).

See :mod:`impact.engine.heat` for what the helpers mean; this module decides which exist.
"""

from __future__ import annotations

import numpy as np

from impact.areas import AreaTree
from impact.engine.grid_compile import scenario_outdoor
from impact.engine.heat import Drain, cold_spans
from impact.scenario import Scenario

__all__ = ["add_drains"]


def add_drains(
    scenario: Scenario,
    tree: AreaTree,
    time_hours: np.ndarray,
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
    first of them in ``areas.csv`` order.

    Parameters
    ----------
    scenario : Scenario
    tree : AreaTree
        The scenario's areas (index = area index of the model).
    time_hours : ndarray of float, shape (T,)
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
    outdoor = scenario_outdoor(scenario, tree)
    if outdoor is None:
        return []
    heat = scenario.config.heat
    spans_of: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    made: dict[tuple[int, bytes], int] = {}
    drains: list[Drain] = []
    for area, area_links in enumerate(heat_links):
        if not area_links:
            continue
        if area not in spans_of:
            spans_of[area] = cold_spans(outdoor[area], time_hours, heat.drain_below_celsius)
        start, end = spans_of[area]
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
                key_of_stream = f"{asset_ids[asset]};{tree.ids[area]}"
                drains.append(Drain(drained, asset, key_of_stream, start, end, heat.drain_after_hours))
            area_links[position] = (made[(asset, key)], weight)
            if drained_links is not None:
                drained_links[area].append((made[(asset, key)] - 1, weight))  # D is made just before H
    return drains


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
