"""``impact import-areas``: COD-AB and OSM-style boundaries to areas.csv and boundaries.geojson.

Every boundary file here is written by the test through geopandas and pyogrio (GeoPackage,
zipped Shapefile in a projected CRS, GeoJSON) and read back by :mod:`impact.cod_ab`. The
synthetic area: oblast UA51 = the box 30–31 E, 46–47 N; raion UA5102 its southern half,
UA5104 its northern half; four hromadas, one quarter each:

    47.0 +-----------+-----------+
         | UA5104001 | UA5104003 |   (raion UA5104)
    46.5 +-----------+-----------+
         | UA5102001 | UA5102003 |   (raion UA5102)
    46.0 +-----------+-----------+
        30.0        30.5        31.0

The point inside a box (:func:`shapely.point_on_surface`) is its centre, so latitudes and
longitudes are known by hand: UA5102001 at 46.25 N 30.25 E, raion UA5102 at 46.25 N 30.5 E,
the oblast at 46.5 N 30.5 E.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from shapely.geometry import LineString, Polygon, box

import impact
from impact.cli import main
from impact.cod_ab import (
    COD_AB_ATTRIBUTION,
    OSM_ATTRIBUTION,
    CodAbError,
    GeoUnavailable,
    import_areas,
    pcode_from_katotth,
    transliterate_uk,
)
from impact.cod_ab.names import cod_names
from impact.cod_ab.pcodes import ua_parent
from impact.export.atomic import atomic_folder

ROOT = Path(__file__).resolve().parent.parent

OBLAST = box(30.0, 46.0, 31.0, 47.0)
RAIONS = {"UA5102": box(30.0, 46.0, 31.0, 46.5), "UA5104": box(30.0, 46.5, 31.0, 47.0)}
HROMADAS = {
    "UA5102001": box(30.0, 46.0, 30.5, 46.5),
    "UA5102003": box(30.5, 46.0, 31.0, 46.5),
    "UA5104001": box(30.0, 46.5, 30.5, 47.0),
    "UA5104003": box(30.5, 46.5, 31.0, 47.0),
}
HROMADA_NAMES = {
    "UA5102001": ("Alpha", "Альфа"),
    "UA5102003": ("Beta", "Бета"),
    "UA5104001": ("Gamma", "Гамма"),
    "UA5104003": ("Delta", "Дельта"),
}
RAION_NAMES = {"UA5102": ("Berezivskyi", "Березівський"), "UA5104": ("Bilhorod", "Білгород")}
#: File order of the hromada layer: not sorted, so that the written order is the hierarchy's.
HROMADA_ORDER = ("UA5104003", "UA5102001", "UA5102003", "UA5104001")


def adm3_frame(lower: bool = False, crs: int | None = 4326) -> gpd.GeoDataFrame:
    """The hromada layer with COD-AB fields (upper case, or lower case)."""
    rows = []
    for pcode in HROMADA_ORDER:
        raion = pcode[:6]
        rows.append(
            {
                "ADM3_PCODE": pcode,
                "ADM3_EN": HROMADA_NAMES[pcode][0],
                "ADM3_UA": HROMADA_NAMES[pcode][1],
                "ADM2_PCODE": raion,
                "ADM2_EN": RAION_NAMES[raion][0],
                "ADM2_UA": RAION_NAMES[raion][1],
                "ADM1_PCODE": "UA51",
                "ADM1_EN": "Odeska",
                "ADM1_UA": "Одеська",
            }
        )
    frame = gpd.GeoDataFrame(rows, geometry=[HROMADAS[p] for p in HROMADA_ORDER], crs=4326)
    if lower:
        frame = frame.rename(columns={c: c.lower() for c in frame.columns if c != "geometry"})
    return frame if crs in (None, 4326) else frame.to_crs(crs)


def adm1_frame() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        [{"ADM1_PCODE": "UA51", "ADM1_EN": "Odeska", "ADM1_UA": "Одеська"}], geometry=[OBLAST], crs=4326
    )


def write_gpkg(path: Path) -> Path:
    """A GeoPackage with two layers: adm1 (the oblast) and adm3 (the hromadas)."""
    adm1_frame().to_file(path, layer="adm1", driver="GPKG", engine="pyogrio")
    adm3_frame().to_file(path, layer="adm3", driver="GPKG", engine="pyogrio")
    return path


def write_zipped_shapefile(folder: Path, epsg: int = 32636, layers: tuple[str, ...] = ("adm3",)) -> Path:
    """A zip of Shapefiles (with .prj and .cpg) in a projected CRS."""
    frames = {"adm3": adm3_frame(crs=epsg), "adm1": adm1_frame().to_crs(epsg)}
    shapes = folder / "shp"
    shapes.mkdir()
    for layer in layers:
        frames[layer].to_file(shapes / f"{layer}.shp", engine="pyogrio", encoding="UTF-8")
    archive = folder / "areas_shp.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        for file in sorted(shapes.iterdir()):
            bundle.write(file, file.name)
    return archive


def write_geojson(path: Path, frame: gpd.GeoDataFrame) -> Path:
    frame.to_file(path, driver="GeoJSON", engine="pyogrio")
    return path


def write_json(path: Path, features: list[dict]) -> Path:
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return path


def feature(properties: dict, geometry: object) -> dict:
    return {
        "type": "Feature",
        "properties": properties,
        "geometry": None if geometry is None else shapely.geometry.mapping(geometry),
    }


POPULATION_CSV = (
    "ADM1_PCODE,ADM2_PCODE,ADM3_PCODE,ADM3_EN,T_TL,F_TL\n"
    "#adm1+code,#adm2+code,#adm3+code,#adm3+name,#population+total,#population+f\n"
    "UA51,UA5102,UA5102001,Alpha,1200,600\n"
    'UA51,UA5102,UA5102003,Beta,"2,500.4",1250\n'
    "UA51,UA5104,UA5104001,Gamma,800,400\n"
    "UA51,UA5199,UA5199001,Ghost,50,25\n"
)

#: areas.csv from the GeoPackage (oblast layer + hromada layer), without population.
EXPECTED_AREAS = """\
area_id,name,name_uk,admin_level,parent_id,population,latitude,longitude,source
UA51,Odeska,Одеська,1,,,46.50,30.50,"boundary: areas.gpkg (layer adm1), feature 0"
UA5102,Berezivskyi,Березівський,2,UA51,,46.25,30.50,boundary: dissolved from the areas below it
UA5102001,Alpha,Альфа,3,UA5102,,46.25,30.25,"boundary: areas.gpkg (layer adm3), feature 1"
UA5102003,Beta,Бета,3,UA5102,,46.25,30.75,"boundary: areas.gpkg (layer adm3), feature 2"
UA5104,Bilhorod,Білгород,2,UA51,,46.75,30.50,boundary: dissolved from the areas below it
UA5104001,Gamma,Гамма,3,UA5104,,46.75,30.25,"boundary: areas.gpkg (layer adm3), feature 3"
UA5104003,Delta,Дельта,3,UA5104,,46.75,30.75,"boundary: areas.gpkg (layer adm3), feature 0"
"""


def run_cli(args: list[str], capsys) -> tuple[int, str, str]:
    code = main(["import-areas", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def shapes_of(folder: Path) -> dict[str, object]:
    collection = json.loads((folder / "boundaries.geojson").read_text(encoding="utf-8"))
    return {f["properties"]["area_id"]: shapely.geometry.shape(f["geometry"]) for f in collection["features"]}


# --- P-codes and names ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("katotth", "pcode", "level"),
    [
        ("UA51140030000062458", "UA5114003", 3),
        ("UA51080000000061776", "UA5108", 2),
        ("UA51000000000030969", "UA51", 1),
        ("UA51140030010012345", "UA5114003001", 4),
    ],
)
def test_pcode_from_katotth(katotth: str, pcode: str, level: int) -> None:
    assert pcode_from_katotth(katotth) == (pcode, level)


@pytest.mark.parametrize("bad", ["UA5114003", "UA5114003000006245X", "XX51140030000062458", "UA00000000000000000"])
def test_pcode_from_katotth_refuses_what_is_not_a_code(bad: str) -> None:
    with pytest.raises(ValueError, match="KATOTTH"):
        pcode_from_katotth(bad)


def test_ua_parent_follows_the_cod_prefix_rule() -> None:
    assert [ua_parent(p) for p in ("UA5114003001", "UA5114003", "UA5114", "UA51", "AF0101", "UA511")] == [
        "UA5114003",
        "UA5114",
        "UA51",
        None,
        None,
        None,
    ]


#: Examples of the table of resolution No. 55 of the Cabinet of Ministers of Ukraine (27 January 2010).
OFFICIAL_EXAMPLES = {
    "Алушта": "Alushta",
    "Борщагівка": "Borshchahivka",
    "Вінниця": "Vinnytsia",
    "Гадяч": "Hadiach",
    "Згорани": "Zghorany",
    "Ґалаґан": "Galagan",
    "Єнакієве": "Yenakiieve",
    "Гайок": "Haiok",
    "Житомир": "Zhytomyr",
    "Закарпаття": "Zakarpattia",
    "Їжакевич": "Yizhakevych",
    "Кадиївка": "Kadyivka",
    "Йосипівка": "Yosypivka",
    "Стрий": "Stryi",
    "Київ": "Kyiv",
    "Ужгород": "Uzhhorod",
    "Харків": "Kharkiv",
    "Біла Церква": "Bila Tserkva",
    "Гоща": "Hoshcha",
    "Юрій": "Yurii",
    "Корюківка": "Koriukivka",
    "Яготин": "Yahotyn",
    "Ічня": "Ichnia",
    "Знам'янка": "Znamianka",
    "Розгон": "Rozghon",
}


@pytest.mark.parametrize(("ukrainian", "latin"), OFFICIAL_EXAMPLES.items())
def test_transliteration_matches_the_official_examples(ukrainian: str, latin: str) -> None:
    assert transliterate_uk(ukrainian) == latin


def test_cod_names_in_both_schemas() -> None:
    assert cod_names({"adm3_en": "Alpha", "adm3_ua": "Альфа"}, 3) == ("Alpha", "Альфа")
    newer = {"adm3_name": "Alpha", "adm3_name1": "Альфа", "lang": "en", "lang1": "uk"}
    assert cod_names(newer, 3) == ("Alpha", "Альфа")
    assert cod_names({"adm2_ua": "Березівський"}, 2) == ("Berezivskyi", "Березівський")
    assert cod_names({}, 1) == ("", "")


# --- COD-AB layers ----------------------------------------------------------------------------


def test_geopackage_with_two_layers_writes_areas_and_boundaries(tmp_path: Path, capsys) -> None:
    gpkg = write_gpkg(tmp_path / "areas.gpkg")
    out = tmp_path / "area"
    code, stdout, err = run_cli([str(gpkg), "--out", str(out)], capsys)
    assert code == 0, err
    assert (out / "areas.csv").read_text(encoding="utf-8") == EXPECTED_AREAS
    assert sorted(p.name for p in out.iterdir()) == ["README.md", "areas.csv", "boundaries.geojson"]
    shapes = shapes_of(out)
    assert list(shapes) == ["UA51", "UA5102", "UA5102001", "UA5102003", "UA5104", "UA5104001", "UA5104003"]
    for pcode, expected in {"UA51": OBLAST, **RAIONS, **HROMADAS}.items():
        assert shapes[pcode].symmetric_difference(expected).area == pytest.approx(0.0, abs=1e-12), pcode
    collection = json.loads((out / "boundaries.geojson").read_text(encoding="utf-8"))
    assert collection["attribution"] == COD_AB_ATTRIBUTION
    assert collection["features"][2]["properties"] == {
        "area_id": "UA5102001",
        "name": "Alpha",
        "name_uk": "Альфа",
        "admin_level": 3,
    }
    assert "no population table given: the population of the 4 leaf area(s) is empty" in err
    assert f"wrote {out / 'areas.csv'}" in stdout
    readme = (out / "README.md").read_text(encoding="utf-8")
    assert "`areas.gpkg (layer adm3)`: 4 feature(s), COD-AB, P-codes from `ADM3_PCODE`, CRS EPSG:4326" in readme
    assert f'attribution = "{COD_AB_ATTRIBUTION}"' in readme
    assert "| 2 | 2 | 0 | 0 | 2 |" in readme  # both raions dissolved from their hromadas


def test_one_layer_of_a_geopackage(tmp_path: Path) -> None:
    gpkg = write_gpkg(tmp_path / "areas.gpkg")
    imported = import_areas([f"{gpkg}:adm3"])
    areas = imported.areas.set_index("area_id")
    assert list(areas.index) == ["UA51", "UA5102", "UA5102001", "UA5102003", "UA5104", "UA5104001", "UA5104003"]
    assert areas.loc["UA51", "source"] == "boundary: dissolved from the areas below it"
    assert areas.loc["UA51", "name"] == "Odeska"  # from the hromadas' ADM1_EN
    assert imported.boundaries.get("UA51").symmetric_difference(OBLAST).area == pytest.approx(0.0, abs=1e-12)
    with pytest.raises(CodAbError, match=r"has no layer 'adm2'; its layers are: adm1, adm3"):
        import_areas([f"{gpkg}:adm2"])


def test_the_same_layer_twice_is_kept_once(tmp_path: Path) -> None:
    gpkg = write_gpkg(tmp_path / "areas.gpkg")
    geojson = write_geojson(tmp_path / "adm3.geojson", adm3_frame())
    imported = import_areas([gpkg, geojson])
    assert len(imported.areas) == 7
    assert (
        f"{geojson}: feature 1 (UA5102001): same P-code and polygon as {gpkg} (layer adm3): feature 1 (UA5102001); "
        "kept once"
    ) in imported.notes
    assert "- adm3.geojson: feature 1 (UA5102001): same P-code and polygon as areas.gpkg (layer adm3)" in (
        imported.readme()
    )  # the README names files without their folders


def test_zipped_shapefile_in_a_projected_crs_is_reprojected(tmp_path: Path) -> None:
    archive = write_zipped_shapefile(tmp_path, 32636, ("adm3", "adm1"))
    imported = import_areas([archive])
    assert {layer.crs for layer in imported.layers} == {"EPSG:32636"}
    for pcode, expected in {"UA51": OBLAST, **HROMADAS}.items():
        got = imported.boundaries.get(pcode)
        assert shapely.equals_exact(shapely.normalize(got), shapely.normalize(expected), tolerance=1e-7), pcode
    areas = imported.areas.set_index("area_id")
    assert areas.loc["UA5104003", ["latitude", "longitude"]].tolist() == [46.75, 30.75]
    assert areas.loc["UA51", "source"] == "boundary: areas_shp.zip (layer adm1), feature 0"
    assert "CRS EPSG:32636 reprojected to WGS84" in imported.readme()


def test_geojson_with_lower_case_fields_gives_the_same_areas(tmp_path: Path) -> None:
    gpkg = write_gpkg(tmp_path / "areas.gpkg")
    lower = write_geojson(tmp_path / "adm3_lower.geojson", adm3_frame(lower=True))
    from_gpkg = import_areas([f"{gpkg}:adm3"]).areas.drop(columns="source")
    from_geojson = import_areas([lower]).areas.drop(columns="source")
    pd.testing.assert_frame_equal(from_geojson, from_gpkg)


def test_within_keeps_one_raion(tmp_path: Path) -> None:
    gpkg = write_gpkg(tmp_path / "areas.gpkg")
    imported = import_areas([gpkg], within=["ua5102"])
    assert imported.areas[["area_id", "parent_id"]].values.tolist() == [
        ["UA5102", ""],
        ["UA5102001", "UA5102"],
        ["UA5102003", "UA5102"],
    ]
    assert imported.outside == 3  # the oblast and the two hromadas of UA5104
    with pytest.raises(CodAbError, match="--within UA5199: no area has this P-code"):
        import_areas([gpkg], within=["UA5199"])


def test_invalid_bow_tie_is_repaired_with_a_note(tmp_path: Path, capsys) -> None:
    frame = adm3_frame()
    # UA5102003 drawn as a bow tie: its ring crosses itself at (30.75, 46.25).
    bow_tie = Polygon([(30.5, 46.0), (31.0, 46.5), (31.0, 46.0), (30.5, 46.5), (30.5, 46.0)])
    frame.loc[frame["ADM3_PCODE"] == "UA5102003", "geometry"] = bow_tie
    path = write_geojson(tmp_path / "bow.geojson", frame)
    out = tmp_path / "area"
    code, stdout, err = run_cli([str(path), "--out", str(out)], capsys)
    assert code == 0, err
    note = (
        f"{path}: feature 2 (UA5102003): invalid geometry (Self-intersection[30.75 46.25]) repaired with "
        "shapely.make_valid; polygonal parts kept: 2 polygons"
    )
    assert f"note: {note}" in stdout
    assert "- bow.geojson: feature 2 (UA5102003): invalid geometry" in (out / "README.md").read_text("utf-8")
    repaired = shapes_of(out)["UA5102003"]
    assert repaired.is_valid and repaired.geom_type == "MultiPolygon"
    assert repaired.area == pytest.approx(0.125)  # two triangles of a quarter of the 0.5 x 0.5 box each


# --- OSM-style files --------------------------------------------------------------------------


def osm_features() -> list[dict]:
    return [
        feature({"pcode": "UA51", "admin_level": 1, "name_uk": "Одеська область", "katotth": None}, OBLAST),
        feature(
            {"pcode": "UA5102", "admin_level": 2, "name_uk": "Березівський район", "katotth": "UA51020000000012345"},
            RAIONS["UA5102"],
        ),
        feature(
            {"admin_level": 3, "name_uk": "Андрієво-Іванівська сільська громада", "katotth": "UA51020010000012345"},
            HROMADAS["UA5102001"],
        ),
        feature(
            {"admin_level": 3, "name_uk": "Знам'янська сільська громада", "katotth": "UA51020030000054321"},
            HROMADAS["UA5102003"],
        ),
    ]


def test_osm_style_file_takes_pcodes_from_katotth(tmp_path: Path) -> None:
    path = write_json(tmp_path / "osm.geojson", osm_features())
    imported = import_areas([path])
    assert imported.areas[["area_id", "name", "admin_level", "parent_id"]].values.tolist() == [
        ["UA51", "Odeska oblast", 1, ""],
        ["UA5102", "Berezivskyi raion", 2, "UA51"],
        ["UA5102001", "Andriievo-Ivanivska silska hromada", 3, "UA5102"],
        ["UA5102003", "Znamianska silska hromada", 3, "UA5102"],
    ]
    assert imported.areas["name_uk"].iloc[3] == "Знам'янська сільська громада"
    assert imported.attribution == OSM_ATTRIBUTION and imported.attribution_assumed


def test_osm_style_hromadas_alone_get_their_parents_by_prefix(tmp_path: Path) -> None:
    path = write_json(tmp_path / "osm.geojson", osm_features()[2:])
    imported = import_areas([path], attribution="© OpenStreetMap contributors, ODbL 1.0")
    assert imported.areas[["area_id", "name", "parent_id"]].values.tolist() == [
        ["UA51", "UA51", ""],
        ["UA5102", "UA5102", "UA51"],
        ["UA5102001", "Andriievo-Ivanivska silska hromada", "UA5102"],
        ["UA5102003", "Znamianska silska hromada", "UA5102"],
    ]
    assert "areas without a name in the files, named by their P-code: UA51, UA5102" in imported.notes
    assert imported.boundaries.attribution == "© OpenStreetMap contributors, ODbL 1.0"
    assert not imported.attribution_assumed


# --- population -------------------------------------------------------------------------------


def test_population_join_reports_unmatched_rows_and_leaves(tmp_path: Path, capsys) -> None:
    gpkg = write_gpkg(tmp_path / "areas.gpkg")
    table = tmp_path / "pop.csv"
    table.write_text(POPULATION_CSV, encoding="utf-8")
    out = tmp_path / "area"
    code, stdout, err = run_cli([str(gpkg), "--population", str(table), "--out", str(out)], capsys)
    assert code == 0, err
    areas = pd.read_csv(out / "areas.csv", keep_default_na=False, dtype=str).set_index("area_id")
    assert areas["population"].to_dict() == {
        "UA51": "",
        "UA5102": "",
        "UA5102001": "1200",
        "UA5102003": "2500",
        "UA5104": "",
        "UA5104001": "800",
        "UA5104003": "",
    }
    assert areas.loc["UA5102003", "source"] == (
        "boundary: areas.gpkg (layer adm3), feature 2; population: pop.csv, line 4"
    )
    assert f"population: 3 of 4 leaf areas from {table} (4,500 persons)" in stdout
    assert "line 6: UA5199001: no area with this P-code" in stdout
    assert f"warning: 1 leaf area(s) got no population from {table}: UA5104003" in err
    readme = (out / "README.md").read_text(encoding="utf-8")
    assert "- line 6: `UA5199001`: no area with this P-code" in readme
    assert "- `UA5104003` Delta" in readme
    assert "pop.csv: 1 population value(s) with decimals rounded to whole persons" in readme


def test_population_from_a_workbook_sheet_and_named_columns(tmp_path: Path) -> None:
    gpkg = write_gpkg(tmp_path / "areas.gpkg")
    book = tmp_path / "pop.xlsx"
    with pd.ExcelWriter(book, engine="openpyxl") as writer:
        pd.DataFrame({"adm2_pcode": ["UA5102"], "t_tl": [3700]}).to_excel(writer, sheet_name="adm2", index=False)
        pd.DataFrame(
            {"adm2_pcode": ["UA5102"] * 2, "adm3_pcode": ["UA5102001", "UA5102003"], "t_tl": [1200, 2500]}
        ).to_excel(writer, sheet_name="adm3", index=False)
    imported = import_areas([gpkg], population=book, within=["UA5102"])
    assert imported.population.values == {"UA5102001": 1200, "UA5102003": 2500}
    assert imported.population.rows["UA5102003"].where == "sheet adm3, row 3"
    assert imported.warnings() == []
    parent_rows = import_areas([gpkg], population=f"{book}:adm2", within=["UA5102"]).population.unmatched
    assert [(row.pcode, reason) for row, reason in parent_rows] == [
        ("UA5102", "a parent area (level 2): populations go on leaf areas, parents are their sums")
    ]
    plain = tmp_path / "people.csv"
    plain.write_text("code;people\nUA5102001;10\nUA5102003;20\nUA5104001;30\nUA5104003;40\n", encoding="utf-8")
    named = import_areas([gpkg], population=plain, pcode_column="CODE", population_column="People")
    assert named.population.values == {"UA5102001": 10, "UA5102003": 20, "UA5104001": 30, "UA5104003": 40}


# --- bad input --------------------------------------------------------------------------------


def _corrupt(tmp_path: Path) -> tuple[list[str], list[str]]:
    path = tmp_path / "broken.gpkg"
    path.write_bytes(b"this is not a GeoPackage\n" * 10)
    return [str(path)], [f"{path}: cannot be read as a GIS file"]


def _no_pcode_field(tmp_path: Path) -> tuple[list[str], list[str]]:
    path = write_json(tmp_path / "names.geojson", [feature({"name": "Alpha"}, HROMADAS["UA5102001"])])
    return [str(path)], [f"{path}: no P-code field: expected ADMn_PCODE", "its fields are: name"]


def _projected_without_crs(tmp_path: Path) -> tuple[list[str], list[str]]:
    shapefile = tmp_path / "adm3.shp"
    adm3_frame(crs=32636).to_file(shapefile, engine="pyogrio")
    shapefile.with_suffix(".prj").unlink()
    return [str(shapefile)], [f"{shapefile}: no coordinate reference system (for a Shapefile: no .prj file)"]


def _empty_geometry(tmp_path: Path) -> tuple[list[str], list[str]]:
    features = [
        feature({"ADM3_PCODE": "UA5102001"}, HROMADAS["UA5102001"]),
        feature({"ADM3_PCODE": "UA5102003"}, None),
    ]
    path = write_json(tmp_path / "empty.geojson", features)
    return [str(path)], [f"{path}: feature 1 (UA5102003): has no geometry"]


def _line_geometry(tmp_path: Path) -> tuple[list[str], list[str]]:
    path = write_json(
        tmp_path / "line.geojson", [feature({"ADM3_PCODE": "UA5102001"}, LineString([(30, 46), (31, 47)]))]
    )
    return [str(path)], [f"{path}: feature 0 (UA5102001): is a LineString; areas need a Polygon or MultiPolygon"]


def _duplicate_pcode(tmp_path: Path) -> tuple[list[str], list[str]]:
    features = [
        feature({"ADM3_PCODE": "UA5102001"}, HROMADAS["UA5102001"]),
        feature({"ADM3_PCODE": "UA5102001"}, HROMADAS["UA5102003"]),
    ]
    path = write_json(tmp_path / "twice.geojson", features)
    return [str(path)], [
        f"{path}: feature 1 (UA5102001): duplicate P-code UA5102001 with a different polygon from {path}: feature 0"
    ]


def _empty_pcode(tmp_path: Path) -> tuple[list[str], list[str]]:
    path = write_json(tmp_path / "blank.geojson", [feature({"ADM3_PCODE": " "}, HROMADAS["UA5102001"])])
    return [str(path)], [f"{path}: feature 0: ADM3_PCODE: the P-code is empty"]


def _parent_conflict(tmp_path: Path) -> tuple[list[str], list[str]]:
    raion = write_json(
        tmp_path / "adm2.geojson", [feature({"ADM2_PCODE": "UA5102", "ADM1_PCODE": "UA52"}, RAIONS["UA5102"])]
    )
    hromadas = write_geojson(tmp_path / "adm3.geojson", adm3_frame())
    return [str(raion), str(hromadas)], [
        f"{hromadas}: feature 1 (UA5102001): the parent of UA5102 is UA51 here but UA52 in {raion}: feature 0 (UA5102)"
    ]


def _bad_katotth(tmp_path: Path) -> tuple[list[str], list[str]]:
    path = write_json(tmp_path / "osm.geojson", [feature({"katotth": "UA5102"}, HROMADAS["UA5102001"])])
    return [str(path)], [f"{path}: feature 0: katotth: 'UA5102' is not a KATOTTH code (UA and 17 digits)"]


def _bad_population(tmp_path: Path) -> tuple[list[str], list[str]]:
    gpkg = write_gpkg(tmp_path / "areas.gpkg")
    table = tmp_path / "pop.csv"
    table.write_text("ADM3_PCODE,T_TL\nUA5102001,many\nUA5102003,-5\nUA5104001,1e30\n", encoding="utf-8")
    return [str(gpkg), "--population", str(table)], [
        f"{table}: line 2: T_TL: 'many' is not a number of persons",
        f"{table}: line 3: T_TL: '-5' must be a number >= 0",
        f"{table}: line 4: T_TL: '1e30' is more than 9,007,199,254,740,992 persons",
    ]


def _no_population_column(tmp_path: Path) -> tuple[list[str], list[str]]:
    gpkg = write_gpkg(tmp_path / "areas.gpkg")
    table = tmp_path / "pop.csv"
    table.write_text("ADM3_PCODE,total\nUA5102001,5\n", encoding="utf-8")
    return [str(gpkg), "--population", str(table)], [
        f"{table}: no population column (T_TL, either case); name it with --population-column"
    ]


@pytest.mark.parametrize(
    "make",
    [
        _corrupt,
        _no_pcode_field,
        _projected_without_crs,
        _empty_geometry,
        _line_geometry,
        _duplicate_pcode,
        _empty_pcode,
        _parent_conflict,
        _bad_katotth,
        _bad_population,
        _no_population_column,
    ],
    ids=lambda f: f.__name__.strip("_"),
)
def test_bad_input_exits_2_naming_file_and_feature_and_writes_nothing(make, tmp_path: Path, capsys) -> None:
    args, messages = make(tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    out = tmp_path / "area"
    code, _, err = run_cli([*args, "--out", str(out)], capsys)
    assert code == 2
    for message in messages:
        assert message in err
    assert "nothing was written" in err and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no folder, no temporary left


def test_every_problem_of_every_file_is_reported_at_once(tmp_path: Path) -> None:
    (_, first), (_, second) = _corrupt(tmp_path), _empty_geometry(tmp_path)
    with pytest.raises(CodAbError) as caught:
        import_areas([tmp_path / "broken.gpkg", tmp_path / "empty.geojson", tmp_path / "missing.shp"])
    problems = "\n".join(caught.value.problems)
    assert first[0] in problems and second[0] in problems and f"{tmp_path / 'missing.shp'}: no such file" in problems


def test_an_existing_folder_is_not_overwritten(tmp_path: Path, capsys) -> None:
    gpkg = write_gpkg(tmp_path / "areas.gpkg")
    out = tmp_path / "area"
    out.mkdir()
    (out / "keep.txt").write_text("mine", encoding="utf-8")
    code, _, err = run_cli([str(gpkg), "--out", str(out)], capsys)
    assert code == 2 and "already exists and is not an empty folder" in err
    assert [p.name for p in out.iterdir()] == ["keep.txt"]


def test_without_the_geo_extra_the_command_says_what_to_install(tmp_path: Path, monkeypatch, capsys) -> None:
    gpkg = write_gpkg(tmp_path / "areas.gpkg")
    monkeypatch.setitem(sys.modules, "pyogrio", None)  # import pyogrio now raises ImportError
    with pytest.raises(GeoUnavailable):
        import_areas([gpkg])
    code, _, err = run_cli([str(gpkg), "--out", str(tmp_path / "area")], capsys)
    assert code == 2 and 'pip install "humanitarian-impact[geo]"' in err
    assert not (tmp_path / "area").exists()


def test_importing_the_package_needs_no_gdal() -> None:
    code = (
        "import sys, impact, impact.cod_ab, impact.cli; "
        "print(sorted(m for m in ('geopandas', 'pyogrio', 'pyproj', 'fiona') if m in sys.modules))"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert done.stdout.strip() == "[]"


# --- atomic folder ----------------------------------------------------------------------------


def test_atomic_folder_leaves_nothing_when_the_rename_fails(tmp_path: Path, monkeypatch) -> None:
    def refuse(*_args) -> None:
        raise OSError("disk on fire")

    monkeypatch.setattr(os, "rename", refuse)
    with pytest.raises(OSError, match="disk on fire"):
        atomic_folder(tmp_path / "out", {"a.txt": "a"})
    assert list(tmp_path.iterdir()) == []


def test_atomic_folder_writes_into_an_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    atomic_folder(tmp_path / "out", {"a.txt": "α\n", "b.csv": "x\r\n"})
    assert (tmp_path / "out" / "a.txt").read_bytes() == "α\n".encode()
    assert (tmp_path / "out" / "b.csv").read_bytes() == b"x\r\n"
    with pytest.raises(ValueError, match="not a plain file name"):
        atomic_folder(tmp_path / "other", {"../escape.txt": ""})


# --- the written folder as a scenario ---------------------------------------------------------

SCENARIO_TOML = """\
[scenario]
id = "own-area"
title = "Own area from COD-AB (test)"
timezone = "Europe/Kyiv"
start = "2025-12-19T00:00:00+02:00"
horizon_hours = 48
step_minutes = 60

[run]
samples = 5
seed = 1

[boundaries]
attribution = "{attribution}"
"""


def test_written_folder_with_a_network_loads_as_a_scenario(tmp_path: Path, capsys) -> None:
    gpkg = write_gpkg(tmp_path / "areas.gpkg")
    table = tmp_path / "pop.csv"
    table.write_text(POPULATION_CSV + "UA51,UA5104,UA5104003,Delta,1000,500\n", encoding="utf-8")
    folder = tmp_path / "area"
    code, _, err = run_cli([str(gpkg), "--population", str(table), "--out", str(folder)], capsys)
    assert code == 0 and "warning" not in err
    (folder / "assets.csv").write_text("asset_id,name,kind,area_id\nSUB1,Substation 1,substation,UA5102\n", "utf-8")
    (folder / "service_links.csv").write_text(
        "area_id,service,asset_id,share\nUA5102001,power,SUB1,1.0\nUA5102003,power,SUB1,0.5\n", "utf-8"
    )
    (folder / "strikes.csv").write_text(
        "strike_id,time,asset_id,damage_state\nS1,2025-12-19T02:00:00+02:00,SUB1,moderate\n", "utf-8"
    )
    (folder / "scenario.toml").write_text(SCENARIO_TOML.format(attribution=COD_AB_ATTRIBUTION), "utf-8")
    scenario = impact.load_scenario(folder)
    areas = scenario.areas.set_index("area_id")
    assert len(areas) == 7
    assert areas.loc[["UA5102001", "UA5102003", "UA5104001", "UA5104003"], "population"].tolist() == [
        1200,
        2500,
        800,
        1000,
    ]
    assert areas.loc["UA5102001", "name_uk"] == "Альфа"
    boundaries = scenario.boundaries
    assert boundaries is not None and boundaries.attribution == COD_AB_ATTRIBUTION
    assert list(boundaries.area_ids) == list(areas.index)
    for pcode, expected in {"UA51": OBLAST, **RAIONS, **HROMADAS}.items():
        assert boundaries.get(pcode).symmetric_difference(expected).area == pytest.approx(0.0, abs=1e-12), pcode
    assert main(["validate", str(folder)]) == 0
    printed = capsys.readouterr().out
    assert "7 areas" in printed and "boundaries for 7 of 7 areas" in printed


def test_layers_without_polygons_are_skipped_with_a_note(tmp_path: Path) -> None:
    gpkg = write_gpkg(tmp_path / "areas.gpkg")
    lines = gpd.GeoDataFrame({"ADM1_PCODE": ["UA51"]}, geometry=[OBLAST.boundary], crs=4326)
    lines.to_file(gpkg, layer="adm1_lines", driver="GPKG", engine="pyogrio")
    imported = import_areas([gpkg])
    assert len(imported.areas) == 7
    assert f"{gpkg}: layers without polygons skipped: adm1_lines (linestring)" in imported.notes


def test_parents_of_overlapping_children_are_their_full_union(tmp_path: Path) -> None:
    frame = adm3_frame()
    # UA5102003 reaches 0.1 degree into UA5102001: the children are no clean coverage.
    frame.loc[frame["ADM3_PCODE"] == "UA5102003", "geometry"] = box(30.4, 46.0, 31.0, 46.5)
    imported = import_areas([write_geojson(tmp_path / "overlap.geojson", frame)])
    raion = imported.boundaries.get("UA5102")
    assert raion.is_valid and raion.area == pytest.approx(0.5)  # not 0.25 + 0.30
    assert raion.symmetric_difference(RAIONS["UA5102"]).area == pytest.approx(0.0, abs=1e-12)
    assert imported.boundaries.get("UA5104").symmetric_difference(RAIONS["UA5104"]).area == pytest.approx(
        0.0, abs=1e-12
    )  # a clean coverage: the fast union


def test_cli_options_within_columns_and_attribution(tmp_path: Path, capsys) -> None:
    gpkg = write_gpkg(tmp_path / "areas.gpkg")
    table = tmp_path / "people.csv"
    table.write_text("code,people\nUA5102001,10\nUA5102003,20\nUA5104001,30\nUA0101001,7\n", encoding="utf-8")
    out = tmp_path / "area"
    args = [f"{gpkg}:adm3", "--within", "UA5102", "--within", "UA5104", "--population", str(table)]
    args += ["--pcode-column", "code", "--population-column", "people", "--attribution", "Test credit"]
    code, stdout, err = run_cli([*args, "--out", str(out)], capsys)
    assert code == 0, err
    areas = pd.read_csv(out / "areas.csv", keep_default_na=False, dtype=str)
    assert areas[["area_id", "parent_id", "population"]].values.tolist() == [
        ["UA5102", "", ""],
        ["UA5102001", "UA5102", "10"],
        ["UA5102003", "UA5102", "20"],
        ["UA5104", "", ""],
        ["UA5104001", "UA5104", "30"],
        ["UA5104003", "UA5104", ""],
    ]
    assert f"population: 3 of 4 leaf areas from {table} (60 persons); 1 row(s) outside UA5102, UA5104 ignored" in (
        stdout
    )
    assert "attribution: Test credit" in stdout and "assumed" not in stdout
    assert json.loads((out / "boundaries.geojson").read_text(encoding="utf-8"))["attribution"] == "Test credit"
    assert "warning: 1 leaf area(s) got no population" in err and "UA5104003" in err


def test_cli_column_options_need_a_population_table(tmp_path: Path, capsys) -> None:
    gpkg = write_gpkg(tmp_path / "areas.gpkg")
    code, _, err = run_cli([str(gpkg), "--pcode-column", "code", "--out", str(tmp_path / "area")], capsys)
    assert code == 2 and "name columns of the --population table: give one" in err
    assert not (tmp_path / "area").exists()


def test_an_osm_plain_name_in_cyrillic_is_the_ukrainian_name() -> None:
    from impact.cod_ab.names import osm_names

    assert osm_names({"name": "Балтська міська громада"}) == ("Baltska miska hromada", "Балтська міська громада")
    assert osm_names({"name": "Balta", "name_uk": "Балтська"}) == ("Baltska", "Балтська")
    assert osm_names({"name": "Balta"}) == ("Balta", "")  # a Latin name is no Ukrainian name
