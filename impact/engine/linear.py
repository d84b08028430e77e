"""Statistics that are linear in the links, computed for every area at once.

The sum over samples of people without service at a step is the sum over links of
weight x (samples in which the link's asset is down), and a sample's person-steps is the sum
over links of weight x (steps its asset is down in that sample). A parent's value is the sum
of its leaves'. Both need only per-asset counts, never a per-area (sample x time) array, and
stay in int64, so they are exact.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse

from impact.engine.compile import CompiledScenario

__all__ = ["leaf_link_sums"]


def leaf_link_sums(
    model: CompiledScenario, service: int, per_asset: np.ndarray, areas: np.ndarray | None = None
) -> np.ndarray:
    """Sum over each area's links (through its leaves) of weight x a per-asset row.

    Leaves are summed first; an area's total is then the difference of two prefix sums over
    its consecutive leaves (``model.area_leaf_ranges``), all in int64.

    Parameters
    ----------
    model : CompiledScenario
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
    order, begin, end = model.area_leaf_ranges
    areas = np.arange(len(model.area_ids)) if areas is None else np.asarray(areas, dtype=np.int64)
    needed = np.zeros(len(order), dtype=bool)
    for area in areas.tolist():
        needed[begin[area] : end[area]] = True
    positions = np.flatnonzero(needed)
    width = per_asset.shape[1]
    contributes = per_asset.any(axis=1)
    linked = [
        (row, asset, weight)
        for row, leaf in enumerate(order[positions].tolist(), start=1)
        for asset, weight in model.links[service][leaf]
        if contributes[asset]
    ]
    if linked:
        row, asset, weight = (np.array(column, dtype=np.int64) for column in zip(*linked, strict=True))
        # (1 + leaves) x assets weights times assets x columns: a sparse product in int64 (exact)
        # that builds no links x columns temporary; row 0 stays 0 for the prefix sums below
        weights = scipy.sparse.csr_array((weight, (row, asset)), shape=(len(positions) + 1, len(per_asset)))
        by_leaf = np.asarray(weights @ np.asarray(per_asset, dtype=np.int64), dtype=np.int64)
    else:
        by_leaf = np.zeros((len(positions) + 1, width), dtype=np.int64)
    prefix = np.cumsum(by_leaf, axis=0, out=by_leaf)
    low = np.searchsorted(positions, begin[areas])
    high = np.searchsorted(positions, end[areas])
    return prefix[high] - prefix[low]
