"""TEMPORARY stub (lead), replaced by the inputs branch."""
import pandas as pd

from impact.areas import AreaTree


def leaf_grid_zones(scenario):
    tree = AreaTree.from_table(scenario.areas)
    leaves = [a for a, leaf in zip(tree.ids, tree.leaf_mask()) if leaf]
    zones = {}
    col = scenario.areas.set_index("area_id")["grid_zone"] if "grid_zone" in scenario.areas.columns else None
    for leaf in leaves:
        z = None if col is None else col.get(leaf)
        zones[leaf] = "all" if z is None or pd.isna(z) else str(z)
    return zones


def asset_grid_zones(scenario):
    a = scenario.assets
    out = {}
    leafz = leaf_grid_zones(scenario)
    for row in a.itertuples(index=False):
        if pd.isna(row.capacity_mw):
            continue
        z = getattr(row, "grid_zone", None)
        out[row.asset_id] = str(z) if z is not None and not pd.isna(z) else sorted(set(leafz.values()))[0]
    return out


def asset_is_critical(scenario):
    kinds = ["water_intake", "water_treatment", "pumping_station", "well", "boiler_house"]
    out = {}
    for row in scenario.assets.itertuples(index=False):
        c = getattr(row, "critical", None)
        out[row.asset_id] = (row.kind in kinds) if c is None or pd.isna(c) else bool(c)
    return out
