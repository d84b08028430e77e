"""The inputs of the grid model: grid zones of leaf areas and supply assets, critical assets.

The grid model (``[grid]`` of ``scenario.toml``, docs/method.md) is active when any asset of
``assets.csv`` has a ``capacity_mw``. Each leaf area is in one grid zone (``areas.csv``
``grid_zone``, :data:`~impact.scenario.schema.DEFAULT_GRID_ZONE` when empty); each supply asset
with a capacity serves one zone (its own ``grid_zone``, else the zone of the leaves under its
``area_id``). Critical assets sit on protected lines that load shedding never cuts (``critical``,
else whether their kind is in ``[needs] critical_kinds``).

The frame functions (:func:`leaf_zones`, :func:`area_zones`, :func:`capacity_zones`,
:func:`critical_assets`) work on typed tables and are what the consistency checks use; the
scenario functions (:func:`leaf_grid_zones`, :func:`asset_grid_zones`, :func:`asset_is_critical`,
:func:`grid_active`) are what the compile step calls on a validated scenario. A table without the
optional columns gets their defaults.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import pandas as pd

from impact.areas import AreaTree
from impact.scenario.schema import DEFAULT_GRID_ZONE

if TYPE_CHECKING:  # typing only: impact.scenario.load imports the checks that use this module
    from impact.scenario.load import Scenario

__all__ = [
    "area_zones",
    "asset_grid_zones",
    "asset_is_critical",
    "capacity_zones",
    "critical_assets",
    "grid_active",
    "has_capacity",
    "leaf_grid_zones",
    "leaf_zones",
]


def _column(frame: pd.DataFrame, name: str, empty: object) -> pd.Series:
    """Column ``name`` of ``frame``, or ``empty`` on every row when the table has no such column."""
    if name in frame.columns:
        return frame[name]
    return pd.Series([empty] * len(frame), index=frame.index, dtype=object)


def _zone_text(value: object) -> str:
    """A ``grid_zone`` cell as text, "" when empty."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value)


def has_capacity(assets: pd.DataFrame) -> pd.Series:
    """Boolean mask over the rows of ``assets``: the asset has a ``capacity_mw`` (all False without the column)."""
    return _column(assets, "capacity_mw", float("nan")).astype(float).notna()


def leaf_zones(areas: pd.DataFrame) -> dict[str, str]:
    """The grid zone of every leaf area.

    Parameters
    ----------
    areas : DataFrame
        Typed ``areas.csv`` (``area_id``, ``parent_id``, optional ``grid_zone``).

    Returns
    -------
    dict of str to str
        ``{leaf area id: zone}`` in file order; a leaf without a ``grid_zone`` is in
        :data:`~impact.scenario.schema.DEFAULT_GRID_ZONE` (``"all"``).
    """
    tree = AreaTree.from_table(areas)
    written = dict(zip(areas["area_id"], map(_zone_text, _column(areas, "grid_zone", "")), strict=True))
    return {leaf: written.get(leaf) or DEFAULT_GRID_ZONE for leaf in tree.leaves()}


def area_zones(areas: pd.DataFrame) -> dict[str, frozenset[str]]:
    """The grid zones of the leaves under every area (a leaf's own zone for a leaf).

    Children before parents (:meth:`~impact.areas.AreaTree.bottom_up`): linear in the number of
    areas times the number of zones. In a hierarchy with a cycle (an invalid one, reported by the
    area checks) an area of the cycle has no zones.

    Parameters
    ----------
    areas : DataFrame
        Typed ``areas.csv``.

    Returns
    -------
    dict of str to frozenset of str
        ``{area id: zones of its leaves}``.
    """
    tree = AreaTree.from_table(areas)
    leaves = leaf_zones(areas)
    zones: dict[str, frozenset[str]] = {}
    for area in tree.bottom_up():
        if area in leaves:
            zones[area] = frozenset((leaves[area],))
        else:
            zones[area] = frozenset().union(*(zones.get(child, frozenset()) for child in tree.children(area)))
    return zones


def capacity_zones(assets: pd.DataFrame, areas: pd.DataFrame) -> dict[str, str]:
    """The grid zone each supply asset with a ``capacity_mw`` serves.

    Parameters
    ----------
    assets : DataFrame
        Typed ``assets.csv`` (optional ``capacity_mw`` and ``grid_zone``).
    areas : DataFrame
        Typed ``areas.csv``.

    Returns
    -------
    dict of str to str
        ``{asset id: zone}`` for the assets with a capacity, in file order: the asset's own
        ``grid_zone``, else the one zone of the leaves under its ``area_id``. An asset whose
        area's leaves span several zones, or whose area is unknown, is left out (both are
        reported by :func:`impact.scenario.consistency.check_grid_zones`).
    """
    mask = has_capacity(assets).to_numpy()
    if not mask.any():
        return {}
    below = area_zones(areas)
    zones: dict[str, str] = {}
    rows = zip(assets["asset_id"], assets["area_id"], map(_zone_text, _column(assets, "grid_zone", "")), strict=True)
    for has, (asset, area, written) in zip(mask, rows, strict=True):
        if not has:
            continue
        if written:
            zones[str(asset)] = written
        elif len(below.get(area, ())) == 1:
            (zones[str(asset)],) = below[area]
    return zones


def critical_assets(assets: pd.DataFrame, critical_kinds: Iterable[str]) -> dict[str, bool]:
    """Whether each asset is critical: on a protected line that load shedding never cuts.

    Parameters
    ----------
    assets : DataFrame
        Typed ``assets.csv`` (optional ``critical``, nullable boolean).
    critical_kinds : iterable of str
        Kinds that are critical by default (``[needs] critical_kinds``).

    Returns
    -------
    dict of str to bool
        ``{asset id: critical}`` for every asset, in file order: its ``critical`` cell, else
        whether its kind is in ``critical_kinds``.
    """
    kinds = set(critical_kinds)
    flags = _column(assets, "critical", pd.NA)
    return {
        str(asset): bool(kind in kinds) if pd.isna(flag) else bool(flag)
        for asset, kind, flag in zip(assets["asset_id"], assets["kind"], flags, strict=True)
    }


def grid_active(scenario: Scenario) -> bool:
    """Whether the scenario's grid model is active: some asset has a ``capacity_mw``."""
    return bool(has_capacity(scenario.assets).any())


def leaf_grid_zones(scenario: Scenario) -> dict[str, str]:
    """The grid zone of every leaf area of a scenario (:func:`leaf_zones`).

    Returns
    -------
    dict of str to str
        ``{leaf area id: zone}``; ``"all"`` for the leaves without a ``grid_zone``.
    """
    return leaf_zones(scenario.areas)


def asset_grid_zones(scenario: Scenario) -> dict[str, str]:
    """The grid zone each capacity asset of a validated scenario serves (:func:`capacity_zones`).

    Returns
    -------
    dict of str to str
        ``{asset id: zone}`` for every asset with a ``capacity_mw`` (empty when the grid model
        is not active).
    """
    return capacity_zones(scenario.assets, scenario.areas)


def asset_is_critical(scenario: Scenario) -> dict[str, bool]:
    """Whether each asset of a scenario is critical (:func:`critical_assets` with ``[needs] critical_kinds``).

    Returns
    -------
    dict of str to bool
        ``{asset id: critical}`` for every asset.
    """
    return critical_assets(scenario.assets, scenario.config.needs.critical_kinds)
