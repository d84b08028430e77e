"""The area tree (impact.areas.AreaTree): hand-made hierarchies with known answers."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from impact.areas import AreaTree

#: O is the top; R1 has hromadas H1, H2; R2 has H3; H2 has settlement S1.
IDS = ("O", "R1", "H1", "R2", "H2", "H3", "S1")
PARENTS = ("", "O", "R1", "O", "R1", "R2", "H2")


@pytest.fixture
def tree() -> AreaTree:
    return AreaTree.from_pairs(IDS, PARENTS)


def test_parents_children_and_leaves(tree: AreaTree) -> None:
    assert tree.parent("H2") == "R1"
    assert tree.parent("O") == ""
    assert tree.tops() == ["O"]
    assert tree.children("O") == ["R1", "R2"]
    assert tree.children("R1") == ["H1", "H2"]
    assert tree.leaves() == ["H1", "H3", "S1"]
    assert tree.is_leaf("H1") and not tree.is_leaf("H2")
    assert tree.leaf_mask().tolist() == [False, False, True, False, False, True, True]
    assert tree.parent_indices().tolist() == [-1, 0, 1, 0, 1, 3, 4]


def test_walks_up_and_down(tree: AreaTree) -> None:
    assert tree.ancestors_of("S1") == ["H2", "R1", "O"]
    assert tree.depth("S1") == 4
    assert tree.depth("O") == 1
    assert tree.leaves_of("O") == ["H1", "S1", "H3"]  # depth first, children in order
    assert tree.leaves_of("H1") == ["H1"]
    assert tree.descendants_of("R1") == ["R1", "H1", "H2", "S1"]  # in the given order
    assert tree.hierarchy() == [("O", 0), ("R1", 1), ("H1", 2), ("H2", 2), ("S1", 3), ("R2", 1), ("H3", 2)]
    assert tree.bottom_up() == ["S1", "H1", "H2", "H3", "R1", "R2", "O"]


def test_sum_leaves_ignores_parent_rows(tree: AreaTree) -> None:
    values = np.array([[1000.0], [500.0], [1.0], [500.0], [99.0], [10.0], [100.0]])
    totals = tree.sum_leaves(values)
    assert totals[:, 0].tolist() == [111.0, 101.0, 1.0, 10.0, 100.0, 10.0, 100.0]


def test_from_table_reads_empty_and_missing_parents_as_tops() -> None:
    frame = pd.DataFrame({"area_id": ["A", "B", "C"], "parent_id": ["", np.nan, "A"]})
    tree = AreaTree.from_table(frame)
    assert tree.tops() == ["A", "B"]
    assert tree.leaves() == ["B", "C"]


def test_cycles_are_found_once_and_walks_stop() -> None:
    tree = AreaTree.from_pairs(["T", "A", "B", "C", "D"], ["", "B", "C", "A", "D"])
    assert tree.cycles() == [["A", "B", "C"], ["D"]]
    assert tree.ancestors_of("A") == ["B", "C"]
    assert tree.leaves_of("A") == []  # every area below A is a parent of another
    assert tree.hierarchy() == [("T", 0)]
    assert AreaTree.from_pairs(IDS, PARENTS).cycles() == []


def test_deep_chains_need_no_recursion() -> None:
    n = 20_000
    ids = [f"A{i}" for i in range(n)]
    tree = AreaTree.from_pairs(ids, ["", *ids[:-1]])
    assert tree.leaves_of("A0") == [f"A{n - 1}"]
    assert len(tree.ancestors_of(f"A{n - 1}")) == n - 1
    assert len(tree.hierarchy()) == n
    assert tree.sum_leaves(np.ones(n))[0] == 1.0


def test_from_dataset_walks_up_through_named_ancestors() -> None:
    ancestors = {"UA51": ["Odeska", 1, ""], "UA5102": ["Odeskyi", 2, "UA51"], "H1": ["ignored", 3, "X"]}
    ds = xr.Dataset(
        coords={"area": ["H1", "H2"], "parent_id": ("area", ["UA5102", "UA5102"])},
        attrs={"ancestors": json.dumps(ancestors)},
    )
    tree = AreaTree.from_dataset(ds)
    assert tree.ids == ("H1", "H2")
    assert tree.ancestors_of("H1") == ["UA5102", "UA51"]  # the dataset's own parent wins
    assert tree.leaves() == ["H1", "H2"]
    assert tree.depth("H2") == 3
    assert "UA51" not in tree


def test_from_dataset_without_parents_makes_every_area_a_top() -> None:
    tree = AreaTree.from_dataset(xr.Dataset(coords={"area": ["A", "B"]}))
    assert tree.tops() == ["A", "B"]


@pytest.mark.parametrize("seed", range(20))
def test_linear_depths_agree_with_walking_each_chain(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 40
    ids = [f"A{i}" for i in range(n)]
    parents = ["" if rng.random() < 0.15 else ids[int(rng.integers(n))] for _ in ids]  # cycles allowed
    tree = AreaTree.from_pairs(ids, parents)
    depths = [tree.depth(a) for a in ids]
    order = np.argsort(-np.array(depths), kind="stable")
    assert tree.bottom_up() == [ids[int(i)] for i in order]


def test_leaf_ranges_make_every_areas_leaves_consecutive(tree: AreaTree) -> None:
    order, begin, end = tree.leaf_ranges()
    assert [IDS[i] for i in order] == ["H1", "S1", "H3"]
    ranges = {area: [IDS[i] for i in order[begin[k] : end[k]]] for k, area in enumerate(IDS)}
    assert ranges == {
        "O": ["H1", "S1", "H3"],
        "R1": ["H1", "S1"],
        "H1": ["H1"],
        "R2": ["H3"],
        "H2": ["S1"],
        "H3": ["H3"],
        "S1": ["S1"],
    }


def test_a_subsets_ancestors_round_trip() -> None:
    from impact.areas import ancestors_attribute, read_ancestors

    ds = xr.Dataset(
        coords={
            "area": list(IDS),
            "parent_id": ("area", list(PARENTS)),
            "name": ("area", [f"name {a}" for a in IDS]),
            "admin_level": ("area", [1, 2, 3, 2, 3, 3, 4]),
        }
    )
    text = ancestors_attribute(ds, "S1")
    assert json.loads(text) == {"H2": ["name H2", 3, "R1"], "R1": ["name R1", 2, "O"], "O": ["name O", 1, ""]}
    subset = ds.sel(area=["S1"]).assign_attrs(ancestors=text)
    assert read_ancestors(subset)["R1"] == ("name R1", 2, "O")
    assert AreaTree.from_dataset(subset).ancestors_of("S1") == ["H2", "R1", "O"]
