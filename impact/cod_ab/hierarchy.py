"""The area hierarchy of imported boundary features: one area per P-code, its parent and level.

Areas come from the features read (:mod:`impact.cod_ab.layers`) and from the ancestors they
name (``ADMk_PCODE`` fields or the P-code prefix rule). Rules:

- one P-code, one polygon: the same P-code twice with the same polygon (the same layer read
  twice) is kept once and noted; with a different polygon it is a problem naming both features;
- one P-code, one level and one parent: features that disagree are a problem;
- an area whose parent no feature states gets the longest other P-code that begins its own
  (at a lower level), or none: a top area;
- ``within`` keeps only the named areas and the areas below them (the named ones become tops);
- areas are ordered depth first, children by P-code.

Parents without a polygon of their own are dissolved from their children by
:meth:`impact.boundaries.Boundaries.with_parents`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from shapely.geometry.base import BaseGeometry

from impact.areas import AreaTree
from impact.cod_ab.layers import Feature, Layer, same_shape

__all__ = ["Area", "Hierarchy", "build_hierarchy"]


@dataclass
class Area:
    """One area of the hierarchy being built.

    Parameters
    ----------
    pcode : str
        Area id.
    level : int
        Admin level.
    name, name_uk : str
        Names ("" when no feature gives one).
    parent : str or None
        Parent P-code; "" for a top area; None while no feature states it.
    feature : Feature or None
        The feature that gives the area its polygon; None when it is dissolved from its children.
    parent_stated_by : str
        The feature that stated the parent (for messages).
    """

    pcode: str
    level: int
    name: str = ""
    name_uk: str = ""
    parent: str | None = None
    feature: Feature | None = None
    parent_stated_by: str = ""
    level_stated_by: str = ""

    @property
    def geometry(self) -> BaseGeometry | None:
        """The area's own polygon, or None."""
        return None if self.feature is None else self.feature.geometry


@dataclass(frozen=True)
class Hierarchy:
    """The areas built, in depth-first order.

    Parameters
    ----------
    areas : tuple of Area
        Depth first, children by P-code.
    notes : tuple of str
        Duplicates dropped, parents assumed by prefix, leaves above the deepest level.
    outside : int
        Features left out by ``within``.
    """

    areas: tuple[Area, ...]
    notes: tuple[str, ...] = ()
    outside: int = 0
    tree: AreaTree = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "tree", AreaTree.from_pairs([a.pcode for a in self.areas], [a.parent or "" for a in self.areas])
        )

    def leaves(self) -> list[str]:
        """Areas without children, in order."""
        return [a.pcode for a in self.areas if self.tree.is_leaf(a.pcode)]


class _Builder:
    def __init__(self) -> None:
        self.areas: dict[str, Area] = {}
        self.notes: list[str] = []
        self.problems: list[str] = []

    def area(self, pcode: str, level: int, where: str) -> Area | None:
        area = self.areas.get(pcode)
        if area is None:
            area = self.areas[pcode] = Area(pcode, level, level_stated_by=where)
        elif area.level != level:
            self.problems.append(
                f"{where}: {pcode} is at level {level} here but at level {area.level} in {area.level_stated_by}"
            )
            return None
        return area

    def set_parent(self, area: Area, parent: str, where: str) -> None:
        if area.parent is None:
            area.parent, area.parent_stated_by = parent, where
        elif area.parent != parent:
            shown = parent or "none (a top area)"
            self.problems.append(
                f"{where}: the parent of {area.pcode} is {shown} here but {area.parent or 'none'} in "
                f"{area.parent_stated_by}"
            )

    def add(self, feature: Feature) -> None:
        area = self.area(feature.pcode, feature.level, feature.where)
        if area is None:
            return
        if area.feature is not None:
            if same_shape(area.feature.geometry, feature.geometry):
                self.notes.append(f"{feature.where}: same P-code and polygon as {area.feature.where}; kept once")
            else:
                self.problems.append(
                    f"{feature.where}: duplicate P-code {feature.pcode} with a different polygon from "
                    f"{area.feature.where}; keep one of them"
                )
            return
        area.feature = feature
        area.name = feature.name or area.name
        area.name_uk = feature.name_uk or area.name_uk
        child = area
        for ancestor in feature.ancestors:
            if ancestor.level >= child.level:
                self.problems.append(
                    f"{feature.where}: ancestor {ancestor.pcode} (level {ancestor.level}) is not above "
                    f"{child.pcode} (level {child.level})"
                )
                return
            self.set_parent(child, ancestor.pcode, feature.where)
            parent = self.area(ancestor.pcode, ancestor.level, feature.where)
            if parent is None:
                return
            if parent.feature is None:
                parent.name = parent.name or ancestor.name
                parent.name_uk = parent.name_uk or ancestor.name_uk
            child = parent
        if child.level == 0:
            self.set_parent(child, "", feature.where)

    def resolve_unstated_parents(self) -> None:
        """Parent by the longest P-code prefix among the areas (at a lower level), else a top area."""
        by_length = sorted(self.areas, key=len, reverse=True)
        for area in self.areas.values():
            if area.parent is not None:
                continue
            candidates = (
                p
                for p in by_length
                if len(p) < len(area.pcode) and area.pcode.startswith(p) and self.areas[p].level < area.level
            )
            parent = next(candidates, "")
            area.parent = parent
            if parent and area.feature is not None and not area.feature.ancestors:
                self.notes.append(
                    f"{area.feature.where}: no parent field; parent {parent} taken from the P-code prefix"
                )


def _within(areas: dict[str, Area], tops: Sequence[str]) -> tuple[dict[str, Area], list[str]]:
    """Only the areas at or below ``tops`` (which become top areas), and the problems."""
    missing = [t for t in tops if t not in areas]
    if missing:
        return areas, [f"--within {t}: no area has this P-code" for t in missing]
    tree = AreaTree.from_pairs(list(areas), [a.parent or "" for a in areas.values()])
    keep = {d for t in tops for d in tree.descendants_of(t)}
    kept = {p: a for p, a in areas.items() if p in keep}
    for t in tops:
        kept[t].parent = ""
    return kept, []


def _depth_first(areas: dict[str, Area]) -> list[Area]:
    children: dict[str, list[str]] = {}
    for pcode, area in areas.items():
        children.setdefault(area.parent or "", []).append(pcode)
    ordered: list[Area] = []
    stack = sorted(children.get("", []), reverse=True)
    while stack:
        pcode = stack.pop()
        ordered.append(areas[pcode])
        stack += sorted(children.get(pcode, []), reverse=True)
    return ordered


def build_hierarchy(layers: Iterable[Layer], within: Sequence[str] = ()) -> tuple[Hierarchy | None, list[str]]:
    """The areas of ``layers``, or (None, problems).

    Parameters
    ----------
    layers : iterable of Layer
        Layers read by :func:`impact.cod_ab.layers.read_layers`.
    within : sequence of str
        P-codes to keep (with the areas below them); empty keeps everything.

    Returns
    -------
    tuple of (Hierarchy or None, list of str)
    """
    builder = _Builder()
    features = [f for layer in layers for f in layer.features]
    for feature in features:
        builder.add(feature)
    if builder.problems:
        return None, builder.problems
    builder.resolve_unstated_parents()
    areas = builder.areas
    if within:
        areas, problems = _within(areas, [w.strip().upper() for w in within])
        if problems:
            return None, problems
    ordered = _depth_first(areas)
    notes = list(builder.notes)
    hierarchy = Hierarchy(tuple(ordered), (), sum(1 for f in features if f.pcode not in areas))
    leaves = hierarchy.leaves()
    deepest = max((a.level for a in ordered), default=0)
    shallow = [p for p in leaves if areas[p].level < deepest]
    if shallow:
        shown = ", ".join(f"{p} (level {areas[p].level})" for p in shallow[:10])
        more = f" and {len(shallow) - 10} more" if len(shallow) > 10 else ""
        notes.append(f"leaf areas above level {deepest} (no area below them was read): {shown}{more}")
    for area in ordered:
        if not area.name:
            area.name = area.name_uk or area.pcode
    unnamed = [a.pcode for a in ordered if a.name == a.pcode]
    if unnamed:
        notes.append(f"areas without a name in the files, named by their P-code: {', '.join(unnamed)}")
    return Hierarchy(hierarchy.areas, tuple(notes), hierarchy.outside), []
