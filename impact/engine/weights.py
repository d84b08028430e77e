"""Whole persons per service link (shared by the compile steps)."""

from __future__ import annotations

import numpy as np

__all__ = ["link_weight"]


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
