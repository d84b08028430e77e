"""Housing types and the housing of each leaf (``housing_types.csv``, ``housing.csv``; docs/method.md, section 4e)."""

from __future__ import annotations

from importlib import resources

import numpy as np
import pandas as pd

from impact.areas import AreaTree
from impact.scenario.cells import check_cells, to_typed
from impact.scenario.csv_text import LINE, parse_csv_bytes
from impact.scenario.problems import Problem
from impact.scenario.schema import HOUSING, HOUSING_TYPES

__all__ = ["check_housing", "default_housing_types", "leaf_housing", "merge_housing_types"]

#: Largest amount by which an area's shares may exceed 1 (rounding in the source tables).
SHARE_TOLERANCE = 1e-6


def default_housing_types() -> pd.DataFrame:
    """The package table of housing types (``impact/data/housing_types.csv``).

    Returns
    -------
    DataFrame
        Columns ``housing_type``, ``time_constant_hours`` [hours], ``floor_celsius`` [°C, NaN:
        none], ``reheat_hours`` [hours], ``source``.
    """
    raw = resources.files("impact.data").joinpath("housing_types.csv").read_bytes()
    frame, problems = parse_csv_bytes(raw, HOUSING_TYPES)
    problems += check_cells(frame, HOUSING_TYPES) if frame is not None else []
    if problems:  # pragma: no cover - the shipped table is tested
        raise RuntimeError("the package table of housing types is invalid: " + "; ".join(map(str, problems)))
    return to_typed(frame, HOUSING_TYPES).drop(columns=LINE)


def merge_housing_types(scenario_types: pd.DataFrame | None) -> pd.DataFrame:
    """The package's housing types with the scenario's rows replacing or adding types (column ``origin``)."""
    package = default_housing_types().assign(origin="package")
    if scenario_types is None or len(scenario_types) == 0:
        return package.reset_index(drop=True)
    own = scenario_types.drop(columns=[LINE], errors="ignore").assign(origin="scenario")
    kept = package[~package["housing_type"].isin(set(own["housing_type"]))]
    return pd.concat([kept, own[list(package.columns)]], ignore_index=True)


def check_housing(
    housing: pd.DataFrame | None,
    types: pd.DataFrame,
    default_type: str | None,
    bad_cells: set[tuple[int, str]] = frozenset(),
) -> list[Problem]:
    """Housing types named in housing.csv and ``[heat] default_housing_type`` exist; each area's
    shares sum to at most 1.

    Parameters
    ----------
    housing : DataFrame or None
        Typed ``housing.csv`` (area references are checked with the other tables).
    types : DataFrame
        :func:`merge_housing_types`.
    default_type : str or None
        ``[heat] default_housing_type`` (None when the settings could not be read).
    bad_cells : set of (int, str)
        (line, column) of cells already reported.
    """
    known = sorted(set(types["housing_type"]))
    problems: list[Problem] = []
    if default_type is not None and default_type not in known:
        problems.append(
            Problem(
                "scenario.toml",
                0,
                "heat.default_housing_type",
                f"{default_type!r} is not a housing type; known: {', '.join(known)}",
            )
        )
    if housing is None or len(housing) == 0:
        return problems
    for area, housing_type, line in zip(housing["area_id"], housing["housing_type"], housing[LINE], strict=True):
        if (int(line), "housing_type") in bad_cells or pd.isna(housing_type):
            continue
        if housing_type not in known:
            problems.append(
                Problem(
                    HOUSING.name,
                    int(line),
                    "housing_type",
                    f"{housing_type!r} (area {area!r}) is not a housing type of the package table or of "
                    f"housing_types.csv; known: {', '.join(known)}",
                )
            )
    shares = housing.dropna(subset=["share"]).groupby("area_id", sort=False)
    for area, rows in shares:
        total = float(rows["share"].sum())
        if total > 1 + SHARE_TOLERANCE:
            problems.append(
                Problem(
                    HOUSING.name,
                    int(rows[LINE].max()),
                    "share",
                    f"the shares of area {area!r} sum to {total:g}, more than 1",
                )
            )
    return problems


def leaf_housing(housing: pd.DataFrame | None, tree: AreaTree, default_type: str) -> dict[str, list[tuple[str, float]]]:
    """Each leaf's housing: (housing type, share of residents) pairs summing to 1.

    A leaf takes its own rows of ``housing.csv``, else those of its nearest ancestor with
    rows; what they leave uncovered (or everything, without rows) is ``default_type``.
    Rows of share 0 count as rows (an area whose rows are all 0 is all ``default_type``, not
    its ancestor's mix) but add no type. Types come in the order of the rows, the default
    last; a type listed twice (a row and the remainder) is merged.
    """
    rows_of: dict[str, list[tuple[str, float]]] = {}
    if housing is not None and len(housing):
        rows = zip(housing["area_id"], housing["housing_type"], housing["share"], strict=True)
        for area, housing_type, share in rows:
            own = rows_of.setdefault(str(area), [])
            if float(share) > 0:
                own.append((str(housing_type), float(share)))
    result: dict[str, list[tuple[str, float]]] = {}
    mix_of: dict[str | None, list[tuple[str, float]]] = {}  # by the area whose rows a leaf takes
    for leaf in tree.ids:
        if not tree.is_leaf(leaf):
            continue
        source = next((a for a in (leaf, *tree.ancestors_of(leaf)) if a in rows_of), None)
        if source not in mix_of:
            rows = rows_of[source] if source is not None else []
            covered = float(np.sum([share for _type, share in rows])) if rows else 0.0
            merged: dict[str, float] = {}
            for housing_type, share in rows:  # shares over 1 by rounding (within SHARE_TOLERANCE) are scaled to 1
                merged[housing_type] = merged.get(housing_type, 0.0) + share / max(covered, 1.0)
            if covered < 1:
                merged[default_type] = merged.get(default_type, 0.0) + (1.0 - covered)
            mix_of[source] = list(merged.items())
        result[leaf] = list(mix_of[source])
    return result
