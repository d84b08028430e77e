"""Synthetic national scenarios (impact.synth): valid, reproducible, shaped like Ukraine."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import impact
from impact.synth import BBOX, POPULATION, write_synthetic

SMALL = {"areas": 60, "assets": 120, "strikes": 30, "days": 10}
FILES = (
    "README.md",
    "scenario.toml",
    "areas.csv",
    "assets.csv",
    "dependencies.csv",
    "service_links.csv",
    "strikes.csv",
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
