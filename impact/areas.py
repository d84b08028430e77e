"""The admin-area hierarchy: parents, children, leaves, ancestors, bottom-up order and sums.

Every walk over the area tree in the package goes through :class:`AreaTree`, so the rules are
written once:

- an area's parent is ``parent_id``; an empty ``parent_id`` marks a top area;
- a *leaf* has no child among the tree's areas; people live on leaves and a parent's
  figures are the sums of its leaves';
- every walk is iterative (no recursion, whatever the depth) and cycle-safe (a walk stops at
  the first area it has already visited; :mod:`impact.scenario.consistency` reports cycles);
- orders are deterministic: children, leaves and descendants come in the order of the areas
  as given (file or dataset order); :meth:`AreaTree.bottom_up` lists deeper areas first,
  ties in that order.

A tree built from a result dataset (:meth:`AreaTree.from_dataset`) also knows the ancestors
that a subset of a result names in ``attrs["ancestors"]`` (JSON: id → ``[name, admin_level,
parent_id]``), so the ancestors of a dashboard view of one raion still reach the oblast.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import xarray as xr

__all__ = ["AreaTree", "ancestors_attribute", "read_ancestors"]


def _text(value: object) -> str:
    """A parent id as text: ``""`` for an empty, missing or NaN value."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return str(value)


@dataclass(frozen=True, eq=False)
class AreaTree:
    """An area hierarchy.

    Parameters
    ----------
    ids : tuple of str
        The tree's areas, in their given order.
    parents : tuple of str
        Parent id of each area (``""`` for a top area); a parent need not be one of ``ids``.
    extra_parents : dict of str to str, optional
        Parents of areas outside ``ids`` (ancestors named by a result subset), used only to
        walk up from an area: they are never children, leaves or members.
    """

    ids: tuple[str, ...]
    parents: tuple[str, ...]
    extra_parents: dict[str, str] = field(default_factory=dict)
    _index: dict[str, int] = field(init=False, repr=False, compare=False)
    _children: dict[str, list[str]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if len(self.ids) != len(self.parents):
            raise ValueError(f"{len(self.ids)} areas but {len(self.parents)} parent ids")
        index = {area: i for i, area in enumerate(self.ids)}
        children: dict[str, list[str]] = {}
        for area, parent in zip(self.ids, self.parents, strict=True):
            children.setdefault(parent, []).append(area)
        object.__setattr__(self, "_index", index)
        object.__setattr__(self, "_children", children)

    # ------------------------------------------------------------------ construction

    @classmethod
    def from_pairs(cls, ids: Iterable[object], parents: Iterable[object]) -> AreaTree:
        """A tree from area ids and their parent ids (empty or NaN for a top)."""
        return cls(tuple(str(a) for a in ids), tuple(_text(p) for p in parents))

    @classmethod
    def from_table(cls, areas: pd.DataFrame) -> AreaTree:
        """A tree from an areas table with columns ``area_id`` and ``parent_id`` (file order)."""
        return cls.from_pairs(areas["area_id"], areas["parent_id"])

    @classmethod
    def from_dataset(cls, ds: xr.Dataset) -> AreaTree:
        """A tree from a result dataset's ``area`` and ``parent_id`` coordinates and ``attrs["ancestors"]``.

        Without a ``parent_id`` coordinate every area is a top. The dataset's own
        ``parent_id`` wins over ``attrs["ancestors"]`` for an area in both.
        """
        ids = [str(a) for a in ds["area"].values]
        parents = [_text(p) for p in ds["parent_id"].values] if "parent_id" in ds.coords else [""] * len(ids)
        extra: dict[str, str] = {}
        known = set(ids)
        for area, (_name, _level, parent) in read_ancestors(ds).items():
            if area not in known:
                extra.setdefault(area, parent)
        return cls(tuple(ids), tuple(parents), extra)

    # ------------------------------------------------------------------ one area

    def __len__(self) -> int:
        return len(self.ids)

    def __contains__(self, area: object) -> bool:
        return area in self._index

    def index(self, area: str) -> int:
        """Position of ``area`` in :attr:`ids`."""
        return self._index[area]

    def parent(self, area: str) -> str:
        """Parent id of ``area`` (``""`` for a top); works for the extra ancestors too."""
        if area in self._index:
            return self.parents[self._index[area]]
        return self.extra_parents.get(area, "")

    def children(self, area: str) -> list[str]:
        """Areas whose parent is ``area``, in order; ``children("")`` gives the tops."""
        return list(self._children.get(area, []))

    def is_leaf(self, area: str) -> bool:
        """True when no area of the tree has ``area`` as its parent."""
        return area not in self._children

    def ancestors_of(self, area: str) -> list[str]:
        """Parent, grandparent, ... of ``area`` up to its top; stops before repeating an area."""
        chain: list[str] = []
        seen = {area}
        node = self.parent(area)
        while node and node not in seen:
            chain.append(node)
            seen.add(node)
            node = self.parent(node)
        return chain

    def depth(self, area: str) -> int:
        """Areas on the chain from ``area`` to its top, ``area`` included (a top has depth 1)."""
        return 1 + len(self.ancestors_of(area))

    def descendants_of(self, area: str) -> list[str]:
        """``area`` (when it is one of :attr:`ids`) and every area below it, in :attr:`ids` order."""
        below = set(self._walk_down(area))
        return [a for a in self.ids if a in below]

    def leaves_of(self, area: str) -> list[str]:
        """The leaves below ``area`` (itself when it is a leaf), depth first, children in order."""
        return [node for node in self._walk_down(area) if self.is_leaf(node) and node in self._index]

    def _walk_down(self, area: str) -> list[str]:
        """``area`` and everything below it, depth first (pre-order), children in order, cycle-safe."""
        order: list[str] = []
        seen, stack = {area}, [area]
        while stack:
            node = stack.pop()
            order.append(node)
            for child in reversed(self._children.get(node, [])):
                if child not in seen:
                    seen.add(child)
                    stack.append(child)
        return order

    # ------------------------------------------------------------------ the whole tree

    def tops(self) -> list[str]:
        """Areas with an empty ``parent_id``, in order."""
        return self.children("")

    def leaves(self) -> list[str]:
        """Every leaf, in :attr:`ids` order."""
        return [a for a in self.ids if self.is_leaf(a)]

    def hierarchy(self) -> list[tuple[str, int]]:
        """``(area, indent)`` from each top down, depth first, children in order.

        ``indent`` is :meth:`depth` - 1: 0 for a top, 1 for its children...

        The order of an indented list: the oblast, its first raion, that raion's hromadas,
        the next raion... Areas below no top (in a cycle, or under an unknown parent) are
        left out.
        """
        out: list[tuple[str, int]] = []
        stack = [(top, 0) for top in reversed(self.tops())]
        seen = {top for top, _ in stack}
        while stack:
            node, depth = stack.pop()
            out.append((node, depth))
            for child in reversed(self._children.get(node, [])):
                if child not in seen:
                    seen.add(child)
                    stack.append((child, depth + 1))
        return out

    def leaf_ranges(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Leaves depth first from the tops (children in order), every area's leaves consecutive.

        Returns
        -------
        order : numpy.ndarray of int64, shape (leaves,)
            Indices into :attr:`ids` of the leaves below a top, depth first.
        begin, end : numpy.ndarray of int64, shape (A,)
            The leaves of area ``ids[a]`` are ``order[begin[a]:end[a]]`` (empty for an area
            below no top).
        """
        n = len(self.ids)
        begin = np.zeros(n, dtype=np.int64)
        end = np.zeros(n, dtype=np.int64)
        order: list[int] = []
        # A walk down from the tops meets each area once: an area in a cycle has no top above it.
        stack = [(self._index[top], False) for top in reversed(self.tops())]
        while stack:
            i, leaving = stack.pop()
            if leaving:
                end[i] = len(order)
                continue
            begin[i] = len(order)
            area = self.ids[i]
            if self.is_leaf(area):
                order.append(i)
            stack.append((i, True))
            stack += [(self._index[child], False) for child in reversed(self._children.get(area, []))]
        return np.array(order, dtype=np.int64), begin, end

    def bottom_up(self) -> list[str]:
        """Every area, deeper ones first (ties in :attr:`ids` order): each child before its parent."""
        depths = np.array(self._depths(), dtype=np.int64)
        return [self.ids[int(i)] for i in np.argsort(-depths, kind="stable")]

    def _depths(self) -> list[int]:
        """:meth:`depth` of every area, in linear time (each chain is walked once)."""
        known: dict[str, int] = {}
        for area in self.ids:
            path: list[str] = []
            on_path: set[str] = set()
            node = area
            while node and node not in known and node not in on_path:
                path.append(node)
                on_path.add(node)
                node = self.parent(node)
            if node in on_path:  # a cycle (invalid input): each area's own walk decides
                known.update((p, self.depth(p)) for p in path)
                continue
            depth = known[node] if node else 0
            for p in reversed(path):
                depth += 1
                known[p] = depth
        return [known[a] for a in self.ids]

    def parent_indices(self) -> np.ndarray:
        """Index in :attr:`ids` of each area's parent, -1 for a top or a parent outside the tree."""
        return np.array([self._index.get(p, -1) if p else -1 for p in self.parents], dtype=np.int64)

    def leaf_mask(self) -> np.ndarray:
        """Boolean mask over :attr:`ids`: True for leaves."""
        return np.array([self.is_leaf(a) for a in self.ids], dtype=bool)

    def cycles(self) -> list[list[str]]:
        """Every cycle of parent links, each once, in the order a walk up from the areas finds them.

        Each cycle is listed from the area where the walk entered it, following parents. An
        area that is its own parent is a cycle of one.
        """
        found: list[list[str]] = []
        in_cycle: set[str] = set()
        walked: dict[str, int] = {}  # area -> number of the walk that first reached it
        for walk, area in enumerate(self.ids):
            path: list[str] = []
            current = area
            while current and current in self._index and current not in walked:
                walked[current] = walk
                path.append(current)
                current = self.parent(current)
            if not (current and walked.get(current) == walk) or current in in_cycle:
                continue  # reached a top, an unknown parent or an earlier walk
            cycle = path[path.index(current) :]
            in_cycle.update(cycle)
            found.append(cycle)
        return found

    def sum_leaves(self, values: np.ndarray) -> np.ndarray:
        """Each area's total of its leaves' ``values``.

        Parameters
        ----------
        values : numpy.ndarray, shape (A, ...)
            One row per area of :attr:`ids`; rows of parents are ignored.

        Returns
        -------
        numpy.ndarray, shape (A, ...), float
            Leaves keep their values; each parent gets the sum of the leaves below it, added
            in :meth:`bottom_up` order (so the floating-point result is reproducible).
        """
        leaf = self.leaf_mask().reshape((-1,) + (1,) * (values.ndim - 1))
        total = np.where(leaf, values, 0.0)
        parent = self.parent_indices()
        for area in self.bottom_up():
            i = self._index[area]
            if parent[i] >= 0:
                total[parent[i]] += total[i]
        return total


def read_ancestors(ds: xr.Dataset) -> dict[str, tuple[str, int, str]]:
    """The ancestors a result subset names in ``attrs["ancestors"]``: id → (name, admin_level, parent_id).

    Empty when the attribute is absent (a whole result names its areas' parents itself).
    """
    text = ds.attrs.get("ancestors", "{}") or "{}"
    return {str(area): (str(name), int(level), str(parent)) for area, (name, level, parent) in json.loads(text).items()}


def ancestors_attribute(ds: xr.Dataset, area: str) -> str:
    """``attrs["ancestors"]`` for a subset of ``ds`` made of ``area`` and the areas below it.

    JSON, sorted keys: each ancestor of ``area`` in ``ds`` → ``[name, admin_level, parent_id]``,
    so that the subset's exports still fill the ``adm1_code`` … columns of its oblast and raion.
    """
    tree = AreaTree.from_pairs(ds["area"].values, ds["parent_id"].values)
    ancestors = {}
    for node in tree.ancestors_of(area):
        if node not in tree:
            break
        at = ds.sel(area=node)
        ancestors[node] = [str(at["name"].values), int(at["admin_level"].values), tree.parent(node)]
    return json.dumps(ancestors, sort_keys=True)
