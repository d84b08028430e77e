"""Synthetic national scenarios (impact.synth): valid, reproducible, shaped like Ukraine."""

from __future__ import annotations

import json
import math
import re
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import shape

import impact
from impact.boundaries import BOUNDARIES_FILE
from impact.synth import BBOX, BOUNDARIES_ATTRIBUTION, POPULATION, voronoi_cells, write_synthetic

SMALL = {"areas": 60, "assets": 120, "strikes": 30, "days": 10}
FILES = (
    "README.md",
    "scenario.toml",
    "areas.csv",
    "assets.csv",
    "dependencies.csv",
    "service_links.csv",
    "strikes.csv",
    "boundaries.geojson",
)
PCODE = {0: r"UA", 1: r"UA\d{2}", 2: r"UA\d{4}", 3: r"UA\d{7}", 4: r"UA\d{10}"}


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    return write_synthetic(tmp_path_factory.mktemp("synth") / "small", **SMALL, seed=7, samples=20)


@pytest.fixture(scope="module")
def small_scenario(small):
    return impact.load_scenario(small)


def _bytes(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def test_small_scenario_loads_and_runs(small, small_scenario):
    assert sorted(p.name for p in small.iterdir()) == sorted(FILES)
    sc = small_scenario
    assert sc.id == "synthetic-ua-60-7"
    assert "SYNTHETIC" in sc.title
    assert sc.config.timezone == "Europe/Kyiv"
    assert sc.config.horizon_hours == 240 and sc.config.step_minutes == 60
    assert sc.config.samples == 20 and sc.config.seed == 7
    assert tuple(sc.config.quantiles) == (0.05, 0.5, 0.95)
    result = impact.run(sc, samples=20)
    ds = result.dataset
    assert ds.sizes["area"] == len(sc.areas) and ds.sizes["time"] == 240
    total = ds["people_without_central"].sel(area="UA")
    assert float(total.max()) > 0  # the strikes do something
    assert float(total.max()) <= POPULATION
    assert "SYNTHETIC" in small.joinpath("README.md").read_text(encoding="utf-8")


def test_same_arguments_give_identical_bytes(tmp_path, small):
    again = write_synthetic(tmp_path / "again", **SMALL, seed=7, samples=20)
    assert _bytes(again) == _bytes(small)
    other = write_synthetic(tmp_path / "other", **SMALL, seed=8, samples=20)
    assert _bytes(other)["strikes.csv"] != _bytes(small)["strikes.csv"]
    for path in small.iterdir():
        data = path.read_bytes()
        assert b"\r" not in data
        data.decode("utf-8")


def test_hierarchy_and_pcodes(small_scenario):
    areas = small_scenario.areas
    levels = areas["admin_level"].astype(int)
    assert levels.value_counts().to_dict()[0] == 1
    assert (levels == 1).sum() == 27
    assert 27 <= (levels == 2).sum() <= 60
    assert (levels == 3).sum() == 60
    parent = dict(zip(areas["area_id"], areas["parent_id"], strict=True))
    for area_id, level in zip(areas["area_id"], levels, strict=True):
        assert re.fullmatch(PCODE[level], area_id), area_id
        if level:
            assert area_id.startswith(parent[area_id])
            assert levels[areas["area_id"] == parent[area_id]].item() == level - 1
    assert {"UA05", "UA51", "UA80", "UA85", "UA01"} <= set(areas["area_id"])
    leaves = areas[levels == 3]
    parents = areas[levels < 3]
    assert leaves["population"].notna().all() and parents["population"].isna().all()
    assert abs(leaves["population"].sum() - POPULATION) <= 0.05 * POPULATION
    south, north, west, east = BBOX
    assert areas["latitude"].between(south, north).all() and areas["longitude"].between(west, east).all()


def test_assets_links_dependencies_strikes(small_scenario):
    sc = small_scenario
    assets = sc.assets
    kinds = set(assets["kind"])
    assert {
        "substation",
        "power_plant",
        "chp_plant",
        "gas_node",
        "water_intake",
        "water_treatment",
        "pumping_station",
        "reservoir",
        "boiler_house",
        "port",
    } <= kinds
    transmission = assets[assets["asset_id"].str.startswith("TS-")]
    assert len(transmission) and (transmission["kind"] == "substation").all()
    assert (transmission["restoration_class"] == "electric_substation").all()
    distribution = assets[assets["asset_id"].str.startswith("DS-")]
    assert len(distribution) > len(assets) / 2

    leaves = set(sc.areas.loc[sc.areas["population"].notna(), "area_id"])
    links = sc.service_links
    assert set(links["area_id"]) == leaves
    by = links.groupby(["area_id", "service"])
    counts, shares = by.size(), by["share"].sum()
    assert counts.max() == 12 and counts.min() >= 1
    assert (shares <= 1 + 1e-9).all()
    power = links[links["service"] == "power"]
    assert set(power["area_id"]) == leaves and set(links.loc[links["service"] == "water", "area_id"]) == leaves
    assert set(power["asset_id"]) <= set(distribution["asset_id"])
    heat_assets = set(links.loc[links["service"] == "heat", "asset_id"])
    assert heat_assets <= set(assets.loc[assets["kind"].isin(["boiler_house", "chp_plant"]), "asset_id"])

    deps = sc.dependencies
    assert (deps["group"] != "").any() and deps["buffer_hours"].notna().any()
    dist_deps = deps[deps["asset_id"].str.startswith("DS-")]
    assert dist_deps["depends_on"].str.startswith("TS-").all()

    strikes = sc.strikes
    assert len(strikes) == SMALL["strikes"]
    start = sc.config.start
    times = pd.to_datetime(strikes["time"], utc=True)
    assert (times >= start).all() and (times < start + timedelta(days=SMALL["days"])).all()
    assert all(text.endswith("+00:00") for text in pd.read_csv(sc.path / "strikes.csv")["time"])
    assert set(strikes["damage_state"]) <= {"none", "slight", "moderate", "extensive", "complete"}
    struck_kinds = strikes.merge(assets, on="asset_id")["kind"]
    assert (struck_kinds == "substation").mean() > 0.4
    assert start == datetime.fromisoformat("2025-11-15T00:00:00+02:00")


def test_settlement_scale(tmp_path):
    folder = write_synthetic(tmp_path / "settlements", areas=3000, assets=200, strikes=20, days=5)
    sc = impact.load_scenario(folder)
    levels = sc.areas["admin_level"].astype(int)
    assert (levels == 4).sum() == 3000
    settlements = sc.areas[levels == 4]
    assert settlements["area_id"].str.fullmatch(r"UA\d{10}").all()
    assert settlements["area_id"].str.len().eq(12).all()
    hromadas = set(sc.areas.loc[levels == 3, "area_id"])
    assert set(settlements["parent_id"]) == hromadas
    assert sc.areas.loc[levels < 4, "population"].isna().all()
    assert set(sc.service_links["area_id"]) <= set(settlements["area_id"])


def test_national_size_validates(tmp_path):
    folder = write_synthetic(tmp_path / "ua")  # areas 1469, assets 2000, strikes 300, days 90, seed 1
    sc = impact.load_scenario(folder)
    assert sc.id == "synthetic-ua-1469-1"
    levels = sc.areas["admin_level"].astype(int)
    assert (levels == 3).sum() == 1469 and (levels == 1).sum() == 27
    assert 130 <= (levels == 2).sum() <= 140
    population = sc.areas.loc[levels == 3, "population"].astype(np.int64)
    assert abs(population.sum() - 41_000_000) <= 0.05 * 41_000_000
    assert population.max() > 20 * population.median()  # heavy tail: a few big cities
    assert len(sc.assets) == 2000 and len(sc.strikes) == 300
    assert 120 <= sc.assets["asset_id"].str.startswith("TS-").sum() <= 145
    assert sc.config.horizon_hours == 90 * 24 and sc.config.samples == 500
    counts = sc.service_links.groupby(["area_id", "service"]).size()
    assert counts.max() == 12
    assert sc.strikes["asset_id"].value_counts().max() > 1  # some assets struck repeatedly


def test_refuses_to_overwrite(tmp_path):
    full = tmp_path / "full"
    full.mkdir()
    (full / "keep.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(ValueError, match="not an empty folder"):
        write_synthetic(full, **SMALL)
    assert [p.name for p in full.iterdir()] == ["keep.txt"]
    file = tmp_path / "file.csv"
    file.write_text("x", encoding="utf-8")
    with pytest.raises(ValueError, match="not an empty folder"):
        write_synthetic(file, **SMALL)
    empty = tmp_path / "empty"
    empty.mkdir()
    assert write_synthetic(empty, **SMALL) == empty
    assert (empty / "scenario.toml").exists()
    nested = write_synthetic(tmp_path / "a" / "b", **SMALL)
    assert (nested / "areas.csv").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "empty", "file.csv", "full"]  # no temp folders


@pytest.mark.parametrize("bad", [{"areas": 10}, {"assets": 5}, {"strikes": -1}, {"days": 0}, {"seed": -3}])
def test_rejects_bad_arguments(tmp_path, bad):
    with pytest.raises(ValueError):
        write_synthetic(tmp_path / "bad", **(SMALL | bad))
    assert not (tmp_path / "bad").exists()


# --------------------------------------------------------------------------- boundaries


def _boundaries(folder: Path) -> tuple[dict, dict[str, shapely.Geometry]]:
    """The folder's GeoJSON (read with json, geometries with shapely) and its polygons by area."""
    collection = json.loads(folder.joinpath(BOUNDARIES_FILE).read_text(encoding="utf-8"))
    return collection, {f["properties"]["area_id"]: shape(f["geometry"]) for f in collection["features"]}


def _leaves(scenario) -> pd.DataFrame:
    return scenario.areas[scenario.areas["population"].notna()]


def test_boundaries_give_every_area_one_valid_polygon_labelled_synthetic(small, small_scenario):
    collection, shapes = _boundaries(small)
    areas = small_scenario.areas
    assert collection["type"] == "FeatureCollection"
    assert collection["attribution"] == BOUNDARIES_ATTRIBUTION and "SYNTHETIC" in BOUNDARIES_ATTRIBUTION
    ids = [f["properties"]["area_id"] for f in collection["features"]]
    assert ids == list(areas["area_id"])  # one feature per area, leaves and parents, in areas.csv order
    levels = [f["properties"]["admin_level"] for f in collection["features"]]
    assert levels == list(areas["admin_level"].astype(int))
    for area, geometry in shapes.items():
        assert geometry.geom_type in ("Polygon", "MultiPolygon"), area
        assert geometry.is_valid and not geometry.is_empty, area
    text = small.joinpath(BOUNDARIES_FILE).read_text(encoding="utf-8")
    assert len(text.splitlines()) == len(areas) + 2  # a header line, one line per feature, the closing line
    numbers = re.findall(r"-?\d+\.\d+", text)
    assert numbers and max(len(n.split(".")[1]) for n in numbers) == 4  # rounded to 1e-4 degree


def test_leaf_cells_tile_the_hull_and_hold_their_own_point(small, small_scenario):
    _, shapes = _boundaries(small)
    leaves = _leaves(small_scenario)
    cells = np.array([shapes[a] for a in leaves["area_id"]], dtype=object)
    points = shapely.points(leaves["longitude"].to_numpy(), leaves["latitude"].to_numpy())
    assert shapely.contains(cells, points).all()  # each leaf's point strictly inside its own cell
    first, second = shapely.STRtree(cells).query(cells, predicate="intersects")
    pairs = first < second
    assert pairs.sum() >= len(cells)  # neighbours touch
    overlap = shapely.area(shapely.intersection(cells[first[pairs]], cells[second[pairs]]))
    assert overlap.max() < 1e-9  # ... and share edges only
    union = shapely.union_all(cells)
    assert shapely.covers(union, points).all()
    assert union.geom_type == "Polygon" and len(union.interiors) == 0  # no gap between cells
    assert shapely.coverage_is_valid(cells)


def test_parents_are_the_union_of_their_children(small, small_scenario):
    _, shapes = _boundaries(small)
    areas = small_scenario.areas
    children: dict[str, list[str]] = {}
    for area, parent in zip(areas["area_id"], areas["parent_id"], strict=True):
        if isinstance(parent, str) and parent:
            children.setdefault(parent, []).append(area)
    assert set(children) == set(areas.loc[areas["population"].isna(), "area_id"])
    for parent, kids in children.items():
        union = shapely.union_all([shapes[k] for k in kids])
        assert shapes[parent].symmetric_difference(union).area < 1e-9, parent
    country = shapes["UA"]
    leaves = _leaves(small_scenario)
    assert math.isclose(country.area, sum(shapes[a].area for a in leaves["area_id"]), rel_tol=1e-9)
    for level in (1, 2, 3):
        ids = areas.loc[areas["admin_level"].astype(int) == level, "area_id"]
        assert shapely.coverage_is_valid(np.array([shapes[a] for a in ids], dtype=object)), level


def test_boundaries_are_the_same_bytes_for_the_same_seed(tmp_path, small):
    again = write_synthetic(tmp_path / "again", **SMALL, seed=7, samples=20)
    assert again.joinpath(BOUNDARIES_FILE).read_bytes() == small.joinpath(BOUNDARIES_FILE).read_bytes()
    other = write_synthetic(tmp_path / "other", **SMALL, seed=8, samples=20)
    assert other.joinpath(BOUNDARIES_FILE).read_bytes() != small.joinpath(BOUNDARIES_FILE).read_bytes()


def test_voronoi_cells_of_a_lattice_are_its_squares():
    """A 3 x 3 lattice, square on the plane of the cells (a degree of longitude counts
    cos(48.5 degrees) of a degree of latitude): the centre's cell is the square halfway to its
    neighbours."""
    step_lon = 1 / math.cos(math.radians(48.5))
    lon = np.array([31.5 + (i - 1) * step_lon for j in range(3) for i in range(3)])
    lat = np.array([48.0 + j for j in range(3) for i in range(3)])
    cells = voronoi_cells(lon, lat)
    assert len(cells) == 9
    centre = cells[4]
    west, south, east, north = centre.bounds
    assert np.allclose([west, south, east, north], [lon[4] - step_lon / 2, 47.5 + 1, lon[4] + step_lon / 2, 49.5])
    assert math.isclose(centre.area, step_lon * 1.0, rel_tol=1e-12)
    assert shapely.coverage_is_valid(np.array(cells, dtype=object))
    for cell, x, y in zip(cells, lon, lat, strict=True):
        assert cell.contains(shapely.Point(x, y))


@pytest.mark.parametrize("copies", [2, 3])
def test_voronoi_cells_split_a_repeated_point_into_equal_angle_sectors(copies):
    """The lattice's centre given ``copies`` times: its square is cut into equal-angle sectors
    meeting at the point, the first centred due east. Two copies: the east and west halves.
    Three (sectors centred at 0, 120 and 240 degrees on the plane where the square has half-side
    h): the rays at +-60 degrees meet the top and bottom sides h / sqrt 3 east of the point, so
    the east sector holds 2 h^2 (1 - 1/sqrt 3) + h^2 / sqrt 3 = h^2 (2 - 1/sqrt 3) of the
    square's 4 h^2, the two others the rest equally."""
    step_lon = 1 / math.cos(math.radians(48.5))
    lon = [31.5 + (i - 1) * step_lon for j in range(3) for i in range(3)]  # the centre on the 1e-4 grid
    lat = [48.0 + j for j in range(3) for i in range(3)]
    lon += [lon[4]] * (copies - 1)
    lat += [lat[4]] * (copies - 1)
    cells = voronoi_cells(np.array(lon), np.array(lat))
    square = step_lon * 1.0
    sectors = [cells[4], *cells[9:]]
    assert len(cells) == 8 + copies
    # the copies' sites sit 1e-5 degree from the point, which moves the square's sides by as much
    assert math.isclose(sum(s.area for s in sectors), square, rel_tol=1e-4)
    rounded = shapely.set_precision(np.array(sectors, dtype=object), 1e-4)
    centre = shapely.Point(lon[4], lat[4])
    assert all(s.covers(centre) for s in rounded)  # the point is a corner of each sector once rounded
    assert all(s.distance(centre) < 1e-4 for s in sectors)
    if copies == 2:
        east, west = sectors
        assert math.isclose(east.area, square / 2, rel_tol=1e-4)
        assert east.centroid.x > lon[4] > west.centroid.x
    else:
        east_share = (2 - 1 / math.sqrt(3)) / 4
        assert math.isclose(sectors[0].area, square * east_share, rel_tol=1e-4)
        assert math.isclose(sectors[1].area, square * (1 - east_share) / 2, rel_tol=1e-4)
        assert math.isclose(sectors[2].area, sectors[1].area, rel_tol=1e-4)
        assert sectors[0].centroid.x > lon[4] and sectors[1].centroid.y > lat[4] > sectors[2].centroid.y
    assert shapely.coverage_is_valid(np.array(cells, dtype=object))


def test_settlements_sharing_a_point_share_its_cell(tmp_path):
    folder = write_synthetic(tmp_path / "settlements", areas=3000, assets=200, strikes=20, days=5)
    areas = pd.read_csv(folder / "areas.csv", dtype={"area_id": str, "parent_id": str})
    leaves = areas[areas["admin_level"] == 4]
    repeated = leaves[leaves.duplicated(["latitude", "longitude"], keep=False)]
    assert len(repeated) >= 2  # the case this test is about (rounded coordinates coincide)
    _, shapes = _boundaries(folder)
    cells = np.array([shapes[a] for a in leaves["area_id"]], dtype=object)
    points = shapely.points(leaves["longitude"].to_numpy(), leaves["latitude"].to_numpy())
    assert shapely.covers(cells, points).all()
    assert shapely.contains(cells, points).sum() == len(leaves) - len(repeated)
    assert shapely.coverage_is_valid(cells)


def test_scenario_loads_the_boundaries_with_their_synthetic_attribution(small, small_scenario):
    boundaries = small_scenario.boundaries
    assert boundaries is not None and len(boundaries) == len(small_scenario.areas)
    assert boundaries.attribution == BOUNDARIES_ATTRIBUTION
    assert small_scenario.config.boundaries_attribution == BOUNDARIES_ATTRIBUTION
    text = small.joinpath("scenario.toml").read_text(encoding="utf-8")
    assert text.endswith(f'\n[boundaries]\nattribution = "{BOUNDARIES_ATTRIBUTION}"\n')
    assert small_scenario.counts().endswith(", boundaries for 116 of 116 areas")
    result = impact.run(small_scenario, samples=2)
    assert result.dataset.attrs["boundaries_attribution"] == BOUNDARIES_ATTRIBUTION


def test_impact_validate_passes_on_the_national_preset_with_its_boundaries(tmp_path, capsys):
    from impact.cli import main

    folder = tmp_path / "ua1469"
    assert main(["synth", "--out", str(folder)]) == 0
    capsys.readouterr()
    assert main(["validate", str(folder)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("ok: synthetic-ua-1469-1:") and out.rstrip().endswith("boundaries for 1635 of 1635 areas")
    _, shapes = _boundaries(folder)
    assert len(shapes) == 1635
