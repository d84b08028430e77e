"""The bundled scenario ``odesa-2025-12`` as its README describes it, and the rules of the script
that builds it (``scripts/build_odesa_dataset.py``) on small hand-made shapes and numbers."""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from pathlib import Path

import pandas as pd
import pytest
import shapely
from shapely.geometry import MultiPolygon, Point, box

import impact
from impact.scenario.bundled import find_bundled

ROOT = Path(__file__).resolve().parents[1]
FOLDER = find_bundled("odesa-2025-12")


def _build_module():
    spec = importlib.util.spec_from_file_location("build_odesa_dataset", ROOT / "scripts" / "build_odesa_dataset.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


build = _build_module()


@pytest.fixture(scope="module")
def odesa() -> impact.Scenario:
    return impact.load_scenario("odesa-2025-12")


def test_areas_are_the_oblast_its_7_raions_and_91_hromadas(odesa) -> None:
    areas = odesa.areas.set_index("area_id")
    assert areas["admin_level"].value_counts().sort_index().tolist() == [1, 7, 91]
    hromadas = areas[areas["admin_level"] == 3]
    assert hromadas["population"].sum() == 2_351_392  # State Statistics Service, 1 January 2022
    assert areas.loc["UA51", "population"] == 2_351_392
    for raion, people in hromadas.groupby("parent_id")["population"].sum().items():
        assert areas.loc[raion, "population"] == people
    assert areas.loc["UA5110027", ["name", "name_uk", "population"]].tolist() == ["Odeska", "Одеська", 1_010_537]
    assert areas["name_uk"].str.len().min() > 0
    renamed = areas.loc["UA5110041", "source"]
    assert "renamed Pivdennivska (Південнівська) on 26 Nov 2025" in renamed and "COD name predates" in renamed


def test_every_area_has_a_polygon_around_its_point(odesa) -> None:
    boundaries = odesa.boundaries
    assert boundaries is not None and len(boundaries) == 99
    assert "© OpenStreetMap contributors" in boundaries.attribution
    for row in odesa.areas.itertuples():
        polygon = boundaries.get(row.area_id)
        # a point inside the polygon, rounded to 2 decimals: at most 0.005 degrees away from it
        assert polygon.distance(Point(row.longitude, row.latitude)) <= 0.005 * 2**0.5 + 1e-9, row.area_id


def test_vylkivska_is_derived_from_its_raion_and_says_so(odesa) -> None:
    features = json.loads((FOLDER / "boundaries.geojson").read_text(encoding="utf-8"))["features"]
    (vylkivska,) = [f for f in features if f["properties"]["area_id"] == "UA5108001"]
    assert vylkivska["properties"]["derivation"].startswith("missing from the OSM source: Izmailskyi raion (UA5108)")
    shapes = odesa.boundaries
    others = shapely.union_all(
        [shapes.get(p) for p in ("UA5108003", "UA5108005", "UA5108007", "UA5108009", "UA5108011")]
    )
    assert shapes.get("UA5108001").intersection(others).area < 1e-6  # it only borders them
    assert shapes.get("UA5108001").difference(shapes.get("UA5108").buffer(1e-3)).area < 1e-6  # inside its raion
    assert len(shapes.get("UA5108001").geoms) == 2  # the delta and Zmiinyi (Snake) Island


def test_links_follow_the_stated_rules(odesa) -> None:
    links = odesa.service_links
    own = links["asset_id"] == "own_power"
    total = links[~own].groupby(["area_id", "service"])["share"].sum()
    assert (total.xs("power", level="service") == 1).all() and len(total.xs("power", level="service")) == 91
    assert total[("UA5110027", "water")] == pytest.approx(0.95)  # the city: 0.95 on piped water
    assert total[("UA5102001", "water")] == pytest.approx(0.26)  # no urban population: 0.26
    assert total[("UA5110027", "heat")] == pytest.approx(0.65)  # CHP 0.30 and boiler houses 0.35
    assert sorted(total.xs("heat", level="service").index) == sorted(["UA5110027", *build.DISTRICT_HEATING])
    # own_power: every hromada, water and heat; the city 0.6 x its 0.05 on own wells, 0.8 x its 0.35 heated alone
    mine = links[own].set_index(["area_id", "service"])
    assert len(mine) == 2 * 91 and set(mine.index.get_level_values("service")) == {"water", "heat"}
    assert mine.loc[("UA5110027", "water"), "share"] == pytest.approx(0.03)
    assert mine.loc[("UA5110027", "water"), "buffer_hours"] == 6
    assert mine.loc[("UA5110027", "heat"), "share"] == pytest.approx(0.28)
    assert mine.loc[("UA5110027", "heat"), "buffer_hours"] == 0
    assert mine.loc[("UA5102001", "heat"), "share"] == pytest.approx(0.5)  # no urban population: 0.5
    assert links[~own]["buffer_hours"].isna().all()


def test_grid_zones_and_capacities_follow_the_stated_rule(odesa) -> None:
    areas = odesa.areas.set_index("area_id")
    leaves = areas[areas["admin_level"] == 3]
    expected = ["odesa" if area.startswith("UA5110") else "rest" for area in leaves.index]
    assert leaves["grid_zone"].tolist() == expected
    assert (areas.loc[areas["admin_level"] < 3, "grid_zone"] == "").all()  # zones are set on leaves only
    assets = odesa.assets.set_index("asset_id")
    capacity = assets["capacity_mw"].dropna().to_dict()
    # Odesa zone: 1,378,490 people x 0.5 kW = 689.245 MW; (1.2 x 689.245 - CHP 68 - ring 100) / 2 = 329.5 -> 330
    assert capacity == {
        "SUB-BB-1": 330, "SUB-BB-2": 330, "CHP-1": 68, "LINE-RING-5": 100,
        "SUB-BB-3": 327, "SUB-BB-4": 132, "SUB-BB-5": 124,
    }  # fmt: skip
    # the rest: 1.2 x 486.451 MW = 583.7 MW split by the residents behind each node's first feed
    assert sum(capacity[n] for n in ("SUB-BB-3", "SUB-BB-4", "SUB-BB-5")) == pytest.approx(1.2 * 486.451, abs=1)
    assert assets["source"].str.contains("capacity_mw: assumption").sum() == 7
    assert odesa.config.grid.present and not odesa.config.grid.partial_damage and odesa.config.grid.queues == 6


def test_observations_are_the_reported_without_figures_with_their_role() -> None:
    frame = pd.read_csv(FOLDER / "observations.csv")
    assert frame["role"].value_counts().to_dict() == {"held out": 6, "calibration": 3}
    assert set(frame.loc[frame["role"] == "calibration", "service"]) == {"power"}
    assert set(frame["unit"]) == {"people", "households", "consumers"}
    assert frame["source"].str.startswith("https://").all()


def test_water_and_heat_shares_by_hand() -> None:
    population = {"UA5199001": (1000, 500), "UA5110027": (1000, 1000), "UA5110037": (100, 90)}
    assert build.water_share("UA5199001", population) == 0.555  # 0.85 x 0.5 + 0.26 x 0.5
    assert build.water_share("UA5110027", population) == 0.95  # a large city, all urban
    assert build.water_share("UA5110037", population) == round(0.95 * 0.9 + 0.26 * 0.1, 3)  # 0.881
    assert build.heat_share("UA5110037", population) == 0.54  # 0.6 of the urban 90 %
    assert build.heat_share("UA5199001", population) == 0.0


def test_vylkivska_rule_on_hand_made_shapes() -> None:
    """Raion 0-10 x 0-2 with Izmailska (a hole for a lake), Reniiska, Safianivska and Suvorovska in
    the west, Kiliiska 4-8; an island east of it and a sliver along Kiliiska's north edge."""
    raion = shapely.union_all([box(0, 0, 10, 2), box(11, 0, 11.1, 0.1), box(4, 2, 8, 2.001)])
    shapes = {
        "UA5108": raion,
        "UA5108003": box(0, 0, 2, 2).difference(box(0.5, 0.5, 1, 1)),  # the lake is left out, as OSM does
        "UA5108007": box(2, 0, 3, 1),
        "UA5108009": box(2, 1, 3, 2),
        "UA5108011": box(3, 0, 4, 2),
        "UA5108005": box(4, 0, 8, 2),
    }
    derived = build.derive_vylkivska(shapes, [*shapes.keys() - {"UA5108"}, "UA5108001"])
    assert isinstance(derived, MultiPolygon)
    assert derived.area == pytest.approx(2 * 2 + 0.1 * 0.1)  # the east end and the island; no lake, no sliver
    assert derived.equals(MultiPolygon([box(8, 0, 10, 2), box(11, 0, 11.1, 0.1)]))


def test_build_refuses_a_folder_without_the_reference_files(tmp_path, capsys) -> None:
    out = tmp_path / "out"
    assert build.main(["--reference", str(tmp_path / "nothing"), "--out", str(out)]) == 2
    assert "odesa_oblast_pcodes.csv: file not found" in capsys.readouterr().err
    assert not out.exists()


def test_simplification_per_level_keeps_neighbours_touching() -> None:
    """The script's fallback for a file over 1 MB: each admin level simplified as one coverage."""
    wiggle = [(1, y / 100 + (0.00005 if y % 2 else 0)) for y in range(101)]  # a shared edge wiggling by 5e-5
    west = shapely.Polygon([(0, 0), *wiggle, (0, 1)])
    east = shapely.Polygon([(2, 0), (2, 1), *reversed(wiggle)])
    out = build.simplified({"W": west, "E": east, "UP": box(0, 0, 2, 1)}, {"W": 2, "E": 2, "UP": 1})
    assert list(out) == ["W", "E", "UP"]
    assert len(out["W"].exterior.coords) < len(west.exterior.coords)  # the wiggle is gone
    assert out["W"].intersection(out["E"]).area == pytest.approx(0, abs=1e-12)  # no overlap
    assert out["W"].union(out["E"]).area == pytest.approx(2.0, abs=1e-4)  # no gap
    assert out["UP"].equals(box(0, 0, 2, 1))


# ------------------------------------------------------------------ docs/validation.md


def _validation_module():
    spec = importlib.util.spec_from_file_location("odesa_validation", ROOT / "scripts" / "odesa_validation.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def run() -> impact.Result:
    return impact.run("odesa-2025-12")  # the scenario's 500 samples and seed 20251219


def _people_days(result: impact.Result) -> dict[str, tuple[int, int]]:
    summary = result.summary()
    return {
        s: (int(summary.loc[s, "peak_central"]), round(summary.loc[s, "person_days_central"])) for s in summary.index
    }


def test_cut_figures_quoted_in_validation_md(run) -> None:
    figures = {(f.zone, f.date, f.statistic): f for f in _validation_module().cut_figures(run)}
    central = {d: figures[("odesa", d, "central")] for d in ("2025-12-17", "2025-12-20", "2025-12-21")}
    assert [f.consumers_with_cuts for f in central.values()] == [455_694, 469_038, 478_107]
    assert [(f.hours_off_mean, f.hours_off_min, f.hours_off_max) for f in central.values()] == [
        (7.0, 6, 8),
        (3.8, 1, 6),
        (3.8, 1, 5),
    ]
    band = {(d, q): figures[("odesa", d, q)].hours_off_mean for d in central for q in ("q05", "q95")}
    assert band == {
        ("2025-12-17", "q05"): 3.8, ("2025-12-17", "q95"): 20.0,
        ("2025-12-20", "q05"): 0.0, ("2025-12-20", "q95"): 19.8,
        ("2025-12-21", "q05"): 0.0, ("2025-12-21", "q95"): 20.0,
    }  # fmt: skip
    assert figures[("odesa", "2025-12-17", "q05")].consumers_with_cuts == 455_694
    assert figures[("odesa", "2025-12-21", "q05")].consumers_with_cuts == 0
    assert all(f.consumers_with_cuts == 0 for (zone, _d, _s), f in figures.items() if zone == "rest")
    # the model / reported factors of the table
    assert round(455_694 / 400_000, 2) == 1.14 and round(3.8 / 8, 2) == 0.47 and round(7.0 / 22, 2) == 0.32


def test_strike_component_and_scores_quoted_in_validation_md(run) -> None:
    ds = run.dataset
    cuts = ds["people_without_scheduled_central"].sel(service="power", area="UA51")
    strikes = ds["people_without_central"].sel(service="power", area="UA51") - cuts
    assert int(strikes.max()) == 1_613_578  # the calibrated fit is unchanged by the grid
    at = {t: pd.Timestamp(t).tz_convert("UTC").tz_localize(None).floor("h") for t in (
        "2025-12-15T10:50+02:00", "2025-12-16T09:00+02:00", "2025-12-17T12:00+02:00")}  # fmt: skip
    assert [int(strikes.sel(time=t)) for t in at.values()] == [1_112_534, 757_903, 80_843]
    assert [int(cuts.sel(time=t)) for t in at.values()] == [221_631, 517_157, 216_278]
    scores = run.observation_scores().set_index(["area_id", "service", "value_people"])
    assert scores.loc[("UA51", "power", 83_980.0), "central"] == 297_121
    assert scores.loc[("UA51", "power", 749_320.0), "central"] == 1_275_060
    assert _people_days(run) == {
        "power": (1_755_082, 8_404_824),
        "water": (1_496_401, 4_967_474),
        "heat": (1_431_812, 5_803_308),
    }


def test_heating_places_against_the_visits_quoted_in_validation_md(run) -> None:
    """Section 3: exposure, places and their ratio to the visits of 15 December 2025."""
    from impact.needs import NeedsSettings

    day = "2025-12-15"
    nd = impact.needs(run).sel(day=day)
    heat_only = impact.needs(run, settings=NeedsSettings(power_after_hours=1e6)).sel(day=day)
    exposed = {a: int(nd["cold_exposed"].sel(area=a, quantile=0.5)) for a in ("UA51", "UA5110027")}
    assert exposed == {"UA51": 1_318_637, "UA5110027": 1_010_537}
    assert int(heat_only["cold_exposed"].sel(area="UA51", quantile=0.5)) == 1_114_584
    assert int(heat_only["cold_exposed"].sel(area="UA5110027", quantile=0.5)) == 939_799
    places = nd["heating_places"].sel(area="UA51").values.tolist()
    assert places == [21_774, 65_932, 71_205]
    assert nd["heating_places"].sel(area="UA5110027").values.tolist() == [16_674, 50_527, 50_527]
    assert round(65_932 / 19_000, 1) == 3.5 and round(50_527 / 13_840, 1) == 3.7


def _variant(tmp_path: Path, name: str, grid: bool, own_power: bool, partial: bool = False) -> Path:
    folder = tmp_path / name
    shutil.copytree(FOLDER, folder)
    if not own_power:
        links = pd.read_csv(folder / "service_links.csv", dtype=str, keep_default_na=False)
        links[links["asset_id"] != "own_power"].to_csv(folder / "service_links.csv", index=False)
    if not grid:
        assets = pd.read_csv(folder / "assets.csv", dtype=str, keep_default_na=False)
        assets["capacity_mw"], assets["grid_zone"] = "", ""
        assets.to_csv(folder / "assets.csv", index=False)
        text = (folder / "scenario.toml").read_text(encoding="utf-8")
        (folder / "scenario.toml").write_text(text[: text.index("\n# The grid balance")] + "\n", encoding="utf-8")
    if partial:
        text = (folder / "scenario.toml").read_text(encoding="utf-8")
        (folder / "scenario.toml").write_text(text.replace("partial_damage = false", "partial_damage = true"))
    return folder


def test_before_and_after_figures_quoted_in_validation_md(tmp_path) -> None:
    """Without the new inputs the dataset gives the figures of before issue 14 (the ring asset
    without capacity is a pass-through); each new input alone, and partial damage."""
    before = impact.run(_variant(tmp_path, "before", grid=False, own_power=False))
    assert _people_days(before) == {
        "power": (1_613_578, 5_329_321),
        "water": (1_310_144, 4_576_074),
        "heat": (751_071, 2_953_575),
    }
    grid_only = _people_days(impact.run(_variant(tmp_path, "grid", grid=True, own_power=False)))
    assert grid_only["power"] == (1_755_082, 8_404_824) and grid_only["heat"] == (751_071, 2_953_575)
    own_only = _people_days(impact.run(_variant(tmp_path, "own", grid=False, own_power=True)))
    assert own_only == {
        "power": (1_613_578, 5_329_321),
        "water": (1_492_250, 4_857_005),
        "heat": (1_349_071, 4_636_931),
    }
    partial = impact.run(_variant(tmp_path, "partial", grid=True, own_power=True, partial=True))
    assert _people_days(partial)["power"][0] == 1_208_674
