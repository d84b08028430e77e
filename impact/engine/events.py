"""Assets' down time as step ranges, and the link events gathered from them.

After :func:`impact.engine.intervals.to_steps`, every asset's effective outage is a set of
step ranges ``[first, stop)`` per sample. :class:`AssetSteps` holds them for all assets in
flat arrays (one row per range, grouped by asset, sample order within an asset), so that the
ranges of any list of links can be gathered with a few vectorised operations
(:func:`gather`), whatever the number of links.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from impact.engine import intervals as iv

__all__ = ["AssetSteps", "gather"]


@dataclass(frozen=True)
class AssetSteps:
    """Step ranges in which each asset is down, all assets in flat arrays.

    Attributes
    ----------
    samples : int
        Number of Monte Carlo samples N.
    steps : int
        Number of time steps T.
    sample, first, stop : ndarray of int64, shape (M,)
        One row per down range: the sample, the first step down and the first step up
        again (``stop`` may equal T: down past the horizon).
    offset : ndarray of int64, shape (J + 1,)
        Rows ``offset[j]:offset[j + 1]`` belong to asset j.
    grid_deficit : ndarray of float, shape (N, Z, T), or None
        Each grid zone's deficit share in each sample [1] (docs/method.md, section 4b); None
        without a capacity balance.
    alias : ndarray of int64, shape (J,), or None
        Asset j is down exactly when ``alias[j]`` is, and has no rows of its own when they
        differ (helper assets of cuts that never happen, :func:`impact.engine.fast.link_factors`);
        None: every asset has its own rows. :meth:`down_counts` and :meth:`down_steps` give
        an aliased asset its target's figures.
    """

    samples: int
    steps: int
    sample: np.ndarray
    first: np.ndarray
    stop: np.ndarray
    offset: np.ndarray
    grid_deficit: np.ndarray | None = None
    alias: np.ndarray | None = None

    @classmethod
    def from_intervals(
        cls,
        outages: list[iv.Intervals],
        time_hours: np.ndarray,
        samples: int,
        grid_deficit: np.ndarray | None = None,
        alias: np.ndarray | None = None,
    ) -> AssetSteps:
        """Convert each asset's outage interval set to step ranges.

        Parameters
        ----------
        outages : list of Intervals
            Effective outage of each asset [hours since start], indexed by asset.
        time_hours : ndarray of float, shape (T,)
            Time of each step [hours since start].
        samples : int
        grid_deficit : ndarray of float, shape (N, Z, T), optional
        """
        nothing = iv.empty(samples)
        parts = [
            iv.to_steps(nothing if alias is not None and alias[j] != j else outage, time_hours)
            for j, outage in enumerate(outages)
        ]
        lengths = np.array([len(part[0]) for part in parts], dtype=np.int64)
        offset = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)

        def column(i: int) -> np.ndarray:
            return np.concatenate([np.zeros(0, np.int64)] + [part[i].astype(np.int64) for part in parts])

        return cls(samples, len(time_hours), column(0), column(1), column(2), offset, grid_deficit, alias)

    @classmethod
    def concatenate(cls, blocks: list[AssetSteps]) -> AssetSteps:
        """Join blocks of consecutive samples (each numbering its samples from 0) into one."""
        if len(blocks) == 1:
            return blocks[0]
        assets = len(blocks[0].offset) - 1
        sample_base = np.cumsum([0] + [block.samples for block in blocks])
        identity = np.arange(assets, dtype=np.int64)
        aliases = [identity if block.alias is None else block.alias for block in blocks]
        # an alias all blocks agree on stays; otherwise the asset gets its rows back from each
        # block's target (an aliased asset is down exactly when its target is)
        alias = np.where(np.all([a == aliases[0] for a in aliases], axis=0), aliases[0], identity)
        pieces: dict[str, list[np.ndarray]] = {"sample": [], "first": [], "stop": []}
        lengths = np.zeros(assets, dtype=np.int64)
        for j in range(assets):
            if alias[j] != j:
                continue
            for base, block, block_alias in zip(sample_base, blocks, aliases, strict=False):
                source = int(block_alias[j])
                rows = slice(block.offset[source], block.offset[source + 1])
                pieces["sample"].append(block.sample[rows] + base)
                pieces["first"].append(block.first[rows])
                pieces["stop"].append(block.stop[rows])
                lengths[j] += rows.stop - rows.start
        offset = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        empty = np.zeros(0, np.int64)
        return cls(
            int(sample_base[-1]),
            blocks[0].steps,
            np.concatenate([empty, *pieces["sample"]]),
            np.concatenate([empty, *pieces["first"]]),
            np.concatenate([empty, *pieces["stop"]]),
            offset,
            None if blocks[0].grid_deficit is None else np.concatenate([block.grid_deficit for block in blocks]),
            None if (alias == identity).all() else alias,
        )

    def down_counts(self) -> np.ndarray:
        """Number of samples in which each asset is down at each step, shape (J, T)."""
        assets = len(self.offset) - 1
        asset = np.repeat(np.arange(assets), np.diff(self.offset))
        # one (J, T) array: +1 where a range starts, -1 where it ends within the horizon, summed
        # over time in place (no temporaries the size of the result)
        counts = np.zeros((assets, self.steps), dtype=np.int64)
        flat = counts.reshape(-1)
        np.add.at(flat, asset * self.steps + self.first, 1)
        ends = self.stop < self.steps
        np.add.at(flat, (asset * self.steps + self.stop)[ends], -1)
        np.cumsum(counts, axis=1, out=counts)
        return counts if self.alias is None else counts[self.alias]

    def down_steps(self) -> np.ndarray:
        """Number of steps each asset is down in each sample, shape (J, N)."""
        assets = len(self.offset) - 1
        asset = np.repeat(np.arange(assets), np.diff(self.offset))
        length = np.minimum(self.stop, self.steps) - self.first
        flat = np.bincount(
            asset * self.samples + self.sample, weights=length.astype(np.float64), minlength=assets * self.samples
        )
        steps = np.rint(flat).astype(np.int64).reshape(assets, self.samples)
        return steps if self.alias is None else steps[self.alias]


def gather(steps: AssetSteps, link_asset: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The down ranges of a list of links.

    Parameters
    ----------
    steps : AssetSteps
    link_asset : ndarray of int, shape (K,)
        Asset index of each link; an asset may appear in several links.

    Returns
    -------
    link, sample, first, stop : ndarray of int64, shape (R,)
        One row per (link, down range of its asset): the link's position in
        ``link_asset`` and the range's sample and steps. Rows are grouped by link.
    """
    link_asset = np.asarray(link_asset, dtype=np.int64)
    begin = steps.offset[link_asset]
    lengths = steps.offset[link_asset + 1] - begin
    total = int(lengths.sum())
    link = np.repeat(np.arange(len(link_asset), dtype=np.int64), lengths)
    row = np.arange(total, dtype=np.int64) + np.repeat(begin - (np.cumsum(lengths) - lengths), lengths)
    return link, steps.sample[row], steps.first[row], steps.stop[row]
