"""The restoration curve table of a scenario, and the restoration class of each asset.

The package ships a default table (``impact/data/restoration_defaults.csv``, every row with
its source); a scenario's ``restoration.csv`` overrides rows of it and may add classes of
its own (:func:`merge_curves`). An asset's restoration class is its own
``restoration_class``, else its kind's default (:func:`restoration_class_of`; the table of
defaults is in ``docs/data-format.md``). The repair-time distributions and their sampling are
in :mod:`impact.restoration`, which re-exports these three functions.
"""

from __future__ import annotations

from importlib import resources

import pandas as pd

from impact.scenario.cells import check_cells, to_typed
from impact.scenario.csv_text import LINE, parse_csv_bytes
from impact.scenario.schema import KIND_DEFAULT_CLASS, RESTORATION

__all__ = ["default_curves", "merge_curves", "restoration_class_of"]


def default_curves() -> pd.DataFrame:
    """The package's default restoration curves.

    Returns
    -------
    DataFrame
        Columns ``restoration_class``, ``damage_state``, ``distribution``,
        ``median_days`` [days], ``dispersion`` [days or 1], ``source``.
    """
    raw = resources.files("impact.data").joinpath("restoration_defaults.csv").read_bytes()
    frame, problems = parse_csv_bytes(raw, RESTORATION)
    problems += check_cells(frame, RESTORATION) if frame is not None else []
    if problems:  # pragma: no cover - the shipped table is tested
        raise RuntimeError("the default restoration table is invalid: " + "; ".join(map(str, problems)))
    return to_typed(frame, RESTORATION).drop(columns=LINE)


def merge_curves(defaults: pd.DataFrame, overrides: pd.DataFrame | None) -> pd.DataFrame:
    """Overlay a scenario's curves on the defaults, row by (class, damage state).

    Parameters
    ----------
    defaults : DataFrame
        Default curves.
    overrides : DataFrame or None
        Scenario curves; each replaces the default row with the same key or adds one.

    Returns
    -------
    DataFrame
        The merged table, defaults first, with an ``origin`` column (``default`` or
        ``scenario``).
    """
    merged = defaults.assign(origin="default")
    if overrides is not None and len(overrides):
        extra = overrides.drop(columns=LINE, errors="ignore").assign(origin="scenario")
        keys = set(zip(extra["restoration_class"], extra["damage_state"], strict=True))
        keep = [key not in keys for key in zip(merged["restoration_class"], merged["damage_state"], strict=True)]
        merged = pd.concat([merged[keep], extra], ignore_index=True)
    return merged.reset_index(drop=True)


def restoration_class_of(assets: pd.DataFrame) -> dict[str, str]:
    """Restoration class of every asset: its own ``restoration_class``, else its kind's default.

    Parameters
    ----------
    assets : DataFrame
        Typed ``assets.csv`` (columns ``asset_id``, ``kind``, ``restoration_class``; an empty
        ``restoration_class`` means the kind's default).

    Returns
    -------
    dict of str to str
        ``{asset_id: class}``; "" for an asset without a class of its own whose kind has no
        default (an invalid kind, reported by the cell checks).
    """
    return {
        asset_id: (own or KIND_DEFAULT_CLASS.get(kind, ""))
        for asset_id, own, kind in zip(assets["asset_id"], assets["restoration_class"], assets["kind"], strict=True)
    }
