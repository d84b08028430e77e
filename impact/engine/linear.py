"""Statistics that are linear in the links, computed for every area at once.

The sum over samples of people without service at a step is the sum over links of
weight x (samples in which the link's asset is down), and a sample's person-steps is the sum
over links of weight x (steps its asset is down in that sample). A parent's value is the sum
of its leaves'. Both need only per-asset counts, never a per-area (sample x time) array, and
stay in int64, so they are exact.
"""

from __future__ import annotations

import numpy as np

from impact.model import Model

#: Rows of the (links x columns) product taken at a time [cells]; bounds temporary memory.
CHUNK_CELLS = 1 << 22


def leaf_link_sums(model: Model, service: int, per_asset: np.ndarray,
                   areas: np.ndarray | None = None) -> np.ndarray:
    """Sum over each area's links (through its leaves) of weight x a per-asset row.

    Parameters
    ----------
    model : Model
    service : int
        Service index.
    per_asset : ndarray of int64, shape (J, X)
        One row per asset (e.g. samples down per step, or steps down per sample).
    areas : ndarray of int, optional
        Areas to compute (default all), leaves or parents.

    Returns
    -------
    ndarray of int64, shape (len(areas), X)
        ``sum over links (asset j, weight w) of the area's leaves of w * per_asset[j]``.
    """
    areas = np.arange(len(model.area_ids)) if areas is None else np.asarray(areas, dtype=np.int64)
    leaves = np.unique(np.concatenate([np.zeros(0, np.int64)] + [model.area_leaves[a] for a in areas]))
    width = per_asset.shape[1]
    leaf_rows = {int(leaf): row for row, leaf in enumerate(leaves)}
    by_leaf = np.zeros((len(leaves), width), dtype=np.int64)
    linked = [(leaf_rows[int(leaf)], asset, weight) for leaf in leaves for asset, weight in model.links[service][leaf]]
    if linked:
        row, asset, weight = (np.array(column, dtype=np.int64) for column in zip(*linked, strict=True))
        chunk = max(1, CHUNK_CELLS // max(width, 1))
        for begin in range(0, len(row), chunk):
            part = slice(begin, begin + chunk)
            rows = row[part]
            starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])  # links come grouped by leaf
            by_leaf[rows[starts]] += np.add.reduceat(weight[part, None] * per_asset[asset[part]], starts, axis=0)
    result = np.zeros((len(areas), width), dtype=np.int64)
    for position, area in enumerate(areas):
        under = [leaf_rows[int(leaf)] for leaf in model.area_leaves[area]]
        result[position] = by_leaf[under].sum(axis=0)
    return result
