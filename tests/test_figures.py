"""Tests of impact.figures: traces, local time axis, strikes, choices in errors; the maps on hand-made squares."""

from __future__ import annotations

import base64
import itertools
import json
import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest
import xarray as xr
from factories import make_result_dataset
from shapely.geometry import Point, box

from impact import figures
from impact.areas import AreaTree
from impact.boundaries import Boundaries
from impact.figures import map_shapes, maps, tiles
from impact.figures.maps import map_areas


class _Result:
    def __init__(self, ds: xr.Dataset) -> None:
        self.dataset = ds


@pytest.fixture
def ds() -> xr.Dataset:
    return make_result_dataset()


def _by_name(fig: go.Figure) -> dict[str, object]:
    return {t.name: t for t in fig.data}


def test_timeline_traces(ds: xr.Dataset) -> None:
    fig = figures.timeline(ds, service="water", area="UA5110027")
    names = [t.name for t in fig.data]
    assert names == [
        "5–95 % range (upper)",
        "5–95 % range",
        "median over samples",
        "central (every repair at its median)",
        "Monte Carlo mean",
        "strikes",
    ]
    traces = _by_name(fig)
    assert all(isinstance(t, go.Scatter) for t in fig.data)  # short series: SVG
    central = traces["central (every repair at its median)"]
    np.testing.assert_array_equal(central.y, ds["people_without_central"].sel(service="water", area="UA5110027").values)
    assert central.line.dash == "dash" and traces["median over samples"].line.dash is None
    np.testing.assert_array_equal(
        traces["median over samples"].y,
        ds["people_without"].sel(service="water", area="UA5110027", quantile=0.5).values,
    )
    assert traces["Monte Carlo mean"].line.dash == "dot"
    lower, upper = traces["5–95 % range"], traces["5–95 % range (upper)"]
    assert lower.fill == "tonexty"
    np.testing.assert_array_equal(
        upper.y,
        ds["people_without"].sel(service="water", area="UA5110027", quantile=0.95).values,
    )
    assert "Odeska" in fig.layout.title.text and "water" in fig.layout.title.text


def test_timeline_local_time_axis(ds: xr.Dataset) -> None:
    fig = figures.timeline(ds)
    central = _by_name(fig)["central (every repair at its median)"]
    # first step is 2025-12-18T22:00 UTC = 2025-12-19T00:00 in Kyiv (UTC+2)
    assert pd.Timestamp(central.x[0]) == pd.Timestamp("2025-12-19T00:00:00")
    assert "Europe/Kyiv" in fig.layout.xaxis.title.text
    assert "UTC+02:00" in fig.layout.xaxis.title.text


def test_timeline_defaults_to_top_area(ds: xr.Dataset) -> None:
    fig = figures.timeline(_Result(ds))
    assert "(UA51)" in fig.layout.title.text
    np.testing.assert_array_equal(
        _by_name(fig)["central (every repair at its median)"].y,
        ds["people_without_central"].sel(service="power", area="UA51").values,
    )


def test_timeline_strikes(ds: xr.Dataset) -> None:
    fig = figures.timeline(ds)
    strikes = _by_name(fig)["strikes"]
    assert strikes.mode == "markers"
    assert len(strikes.x) == ds.sizes["strike"]
    assert pd.Timestamp(strikes.x[0]) == pd.Timestamp("2025-12-19T18:00:00")
    text = strikes.hovertext[0]
    for part in ("S1", "PRT-01", "Port terminal", "complete", "killed: 8", "injured: 27"):
        assert part in text
    assert "killed: unknown" in strikes.hovertext[1]
    assert len(fig.layout.shapes) == ds.sizes["strike"]  # one vertical line per strike


def test_timeline_without_band_or_samples() -> None:
    ds = make_result_dataset(samples=0)
    fig = figures.timeline(ds)
    assert [t.name for t in fig.data] == ["central (every repair at its median)", "strikes"]
    assert fig.data[0].line.dash is None  # without samples the central line leads, solid
    names = [t.name for t in figures.timeline(make_result_dataset(), show_band=False).data]
    assert names == ["median over samples", "central (every repair at its median)", "Monte Carlo mean", "strikes"]
    names = [t.name for t in figures.timeline(make_result_dataset(), show_band=False, plan_quantile=0.95).data]
    assert names[0] == "95th percentile over samples"


def test_timeline_observations(ds: xr.Dataset) -> None:
    obs = pd.DataFrame(
        {
            "time": pd.to_datetime(["2025-12-20T10:00:00+02:00", "2025-12-20T12:00:00+02:00"]),
            "value_people": [500_000, 450_000],
            "source": ["operator report", "regional administration"],
            "area_id": ["UA51", "UA5110"],
            "service": ["power", "power"],
        }
    )
    fig = figures.timeline(ds, observations=obs)
    observed = _by_name(fig)["observed"]
    assert observed.mode == "markers"
    assert list(observed.y) == [500_000]  # only the row for the area drawn
    assert pd.Timestamp(observed.x[0]) == pd.Timestamp("2025-12-20T10:00:00")
    assert list(observed.hovertext) == ["operator report"]
    with pytest.raises(ValueError, match="value_people"):
        figures.timeline(ds, observations=obs.drop(columns="value_people"))


def test_timeline_uses_webgl_for_long_series() -> None:
    ds = make_result_dataset(hours=24 * 50, samples=4)
    assert ds.sizes["time"] > figures.WEBGL_THRESHOLD
    fig = figures.timeline(ds)
    line_traces = [t for t in fig.data if t.name != "strikes"]
    assert line_traces and all(isinstance(t, go.Scattergl) for t in line_traces)


def test_timeline_errors_list_choices(ds: xr.Dataset) -> None:
    with pytest.raises(ValueError, match="choose one of power, water, heat"):
        figures.timeline(ds, service="gas")
    with pytest.raises(ValueError, match="'UA99' is not a valid area; choose one of UA51, "):
        figures.timeline(ds, area="UA99")


def test_asset_status_defaults_to_struck_assets(ds: xr.Dataset) -> None:
    fig = figures.asset_status(ds)
    lines = [t for t in fig.data if t.name != "strikes"]
    assert [t.name for t in lines] == [
        "Port terminal (PRT-01)",
        "Substation 1 (SUB-01)",
        "Boiler house 1 (BLR-01)",
    ]
    np.testing.assert_array_equal(lines[1].y, ds["asset_down_probability"].sel(asset="SUB-01").values)
    assert tuple(fig.layout.yaxis.range) == (-0.02, 1.08)


def test_asset_status_selection_and_central_fallback() -> None:
    ds = make_result_dataset(samples=0)
    fig = figures.asset_status(ds, assets="PMP-01")
    lines = [t for t in fig.data if t.name != "strikes"]
    assert [t.name for t in lines] == ["Pumping station 1 (PMP-01)"]
    np.testing.assert_array_equal(lines[0].y, ds["asset_down_central"].sel(asset="PMP-01"))
    with pytest.raises(ValueError, match="choose one of SUB-01, PMP-01, BLR-01, PRT-01"):
        figures.asset_status(ds, assets=["NOPE"])


def test_figures_serialise(ds: xr.Dataset) -> None:
    for fig in (figures.timeline(ds), figures.asset_status(ds)):
        assert fig.to_json()


def test_timeline_of_a_result_draws_the_scenarios_observations_in_people() -> None:
    import impact

    result = impact.run("odesa-2025-12", samples=20, seed=2)
    figure = impact.figures.timeline(result, service="power", area="UA51")
    (observed,) = [trace for trace in figure.data if trace.name == "observed"]
    # 430,000 and 32,300 consumers, 288,200 households and 74,500 consumers at 2.6 persons each
    assert list(observed.y) == [1_118_000.0, 749_320.0, 83_980.0, 193_700.0]
    water = impact.figures.timeline(result, service="water", area="UA51")
    (observed,) = [trace for trace in water.data if trace.name == "observed"]
    assert list(observed.y) == [0.0]  # "all settlements have water", in people
    raion = impact.figures.timeline(result, service="water", area="UA5110")
    assert "observed" not in [trace.name for trace in raion.data]


def test_observations_in_people_converts_households_and_consumers() -> None:
    import pandas as pd

    from impact.observations import observations_in_people

    frame = pd.DataFrame(
        {
            "time": pd.to_datetime(["2025-12-20T10:00:00Z"] * 3),
            "area_id": ["A"] * 3,
            "service": ["power"] * 3,
            "value": [100.0, 100.0, 100.0],
            "unit": ["people", "households", "consumers"],
            "source": ["x"] * 3,
        }
    )
    assert observations_in_people(frame, 2.5)["value_people"].tolist() == [100.0, 250.0, 250.0]


def test_offsets_label_names_every_offset_of_the_horizon():
    from impact.dataset import offsets_label

    times = pd.date_range("2026-03-28", periods=72, freq="h").values
    assert (
        offsets_label(xr.Dataset(coords={"time": times}, attrs={"timezone": "Europe/Kyiv"}))
        == "Europe/Kyiv, UTC+02:00/+03:00"
    )
    assert (
        offsets_label(xr.Dataset(coords={"time": times}, attrs={"timezone": "America/St_Johns"}))
        == "America/St_Johns, UTC-02:30"
    )  # Newfoundland daylight time since 8 March
    assert offsets_label(xr.Dataset(coords={"time": times}, attrs={"timezone": "UTC"})) == "UTC"


def test_timeline_compare_with_and_unmodified_lines(ds: xr.Dataset) -> None:
    """A baseline run is the grey dotted line; the unmodified run a faded dotted one in the run's colour."""
    other = ds.copy(deep=True)
    other["people_without_central"] = other["people_without_central"] * 0.5
    fig = figures.timeline(
        ds,
        service="water",
        area="UA5110027",
        label="A: now",
        compare_with=other,
        compare_label="B: last week",
        unmodified=_Result(other),
        unmodified_label="A without the what-if",
    )
    traces = _by_name(fig)
    assert [t.name for t in fig.data][-3:] == ["B: last week (central)", "A without the what-if (central)", "strikes"]
    assert "A: now (central)" in traces and "A: now (median)" in traces
    assert "central (every repair at its median)" not in traces
    expected = other["people_without_central"].sel(service="water", area="UA5110027").values
    np.testing.assert_array_equal(traces["B: last week (central)"].y, expected)
    np.testing.assert_array_equal(traces["A without the what-if (central)"].y, expected)
    assert traces["B: last week (central)"].line.dash == "dot"
    assert traces["A without the what-if (central)"].opacity == 0.5
    assert traces["B: last week (central)"].hovertemplate.endswith("<extra>B: last week</extra>")


def test_timeline_baseline_keyword_is_a_deprecated_alias_of_compare_with(ds: xr.Dataset) -> None:
    with pytest.warns(DeprecationWarning, match="compare_with"):
        old = figures.timeline(ds, service="water", baseline=ds)
    new = figures.timeline(ds, service="water", compare_with=ds)
    assert old.to_json() == new.to_json()
    assert "baseline (central)" in _by_name(new)


def test_strike_marks_are_the_timelines_strikes_once(ds: xr.Dataset) -> None:
    shapes, trace = figures.strike_marks(ds)
    drawn = figures.timeline(ds, service="water").to_plotly_json()
    assert trace is not None and trace["name"] == "strikes"
    assert len(shapes) == len({s["x0"] for s in drawn["layout"]["shapes"]})
    bare = {"data": [], "layout": {}}
    figures.add_strike_marks(bare, (shapes, trace), 7.0)
    assert bare["layout"]["shapes"] == shapes and list(bare["data"][0]["y"]) == [7.0] * len(trace["x"])
    cursor = figures.cursor_shape(ds, ds["time"].values[3])
    assert cursor["name"] == "cursor" and cursor["yref"] == "paper"


# --- maps ---------------------------------------------------------------------------------------

#: Hand-made squares for the factory's leaves: Odeska and Chornomorska side by side (1 x 1
#: degree each), Bilhorod-Dnistrovskyi under both (2 x 1). Odeskyi raion (UA5110) and the
#: oblast (UA51) have no polygon of their own: they are dissolved from their children.
SQUARES = {
    "UA5110027": box(30, 46, 31, 47),
    "UA5110037": box(31, 46, 32, 47),
    "UA5104": box(30, 45, 32, 46),
}
OSM = "© OpenStreetMap contributors"
#: 20 Dec 12:00 local: SUB-01 (S2, 03:00, 20 h) and BLR-01 (S3, 06:00, 30 h) are both down, so
#: 30 % of Odeska (SUB-01 heats 0.3) and 50 % of Chornomorska (BLR-01 heats 0.5) are without heat.
NOON = "2025-12-20T12:00:00+02:00"


def _squares(**changes) -> Boundaries:
    return Boundaries({**SQUARES, **changes}, OSM)


def _decoded(values) -> np.ndarray:
    """A trace's x or y as numbers (plotly typed arrays ``{"dtype", "bdata"}`` decoded)."""
    if isinstance(values, dict):
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).astype(float)
    return np.asarray(values, dtype=float)


def _rings(trace) -> list[list[tuple[float, float]]]:
    """The rings of a trace (NaN separates them), as (longitude, Mercator y) pairs."""
    x, y = _decoded(trace.x), _decoded(trace.y)
    rings, ring = [], []
    for a, b in zip(x, y, strict=True):
        if np.isnan(a):
            rings.append(ring)
            ring = []
        else:
            ring.append((float(a), float(b)))
    return [*rings, ring]


def _signed_area(ring: list[tuple[float, float]]) -> float:
    """Shoelace area: positive for a counter-clockwise ring."""
    return 0.5 * sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in itertools.pairwise(ring))


def _mercator(latitude: float) -> float:
    """Web-Mercator y in degrees, written out: degrees(ln(tan(45° + latitude / 2)))."""
    return math.degrees(math.log(math.tan(math.pi / 4 + math.radians(latitude) / 2)))


def test_mercator_y_and_its_inverse() -> None:
    # tan(67.5°) = 1 + sqrt(2) and ln(1 + sqrt(2)) = asinh(1) = 0.881374 rad = 50.4990°
    assert tiles.mercator_y(45.0) == pytest.approx(50.498986, abs=1e-6)
    assert tiles.mercator_y(0.0) == 0.0 and tiles.mercator_y(-45.0) == pytest.approx(-50.498986, abs=1e-6)
    assert tiles.latitude_of(tiles.mercator_y([46.48, -33.9])) == pytest.approx([46.48, -33.9])
    assert tiles.mercator_y(tiles.MAX_LATITUDE) == pytest.approx(180.0)  # the Web-Mercator world is square


def test_latitude_ticks_are_round_latitudes_placed_in_mercator() -> None:
    values, text = tiles.latitude_ticks(45.2, 47.9, beyond=0)  # 2.7 degrees: every half degree
    assert text == ["45.5°N", "46.0°N", "46.5°N", "47.0°N", "47.5°N"]
    assert values == pytest.approx([_mercator(v) for v in (45.5, 46, 46.5, 47, 47.5)])
    assert tiles.latitude_ticks(-1, 1, beyond=0)[1] == ["1.0°S", "0.5°S", "0.0°", "0.5°N", "1.0°N"]
    assert tiles.latitude_ticks(10, 10) == ([], [])


def test_tile_images_place_a_known_tile_at_its_mercator_bounds() -> None:
    template = "https://tiles.example.org/{z}/{x}/{y}.png"
    # zoom 1: tile x=1, y=0 is the north-east quarter of the world: longitude 0-180, Mercator y 0-180
    (image,) = tiles.tile_images(template, 10, 10, 20, 20, zoom=1)
    assert image["source"] == "https://tiles.example.org/1/1/0.png"
    assert (image["x"], image["y"], image["sizex"], image["sizey"]) == (0.0, 180.0, 180.0, 180.0)
    assert (image["xref"], image["yref"], image["xanchor"], image["yanchor"]) == ("x", "y", "left", "top")
    assert image["layer"] == "below"
    # zoom 8 over Odesa (30.72°E, 46.48°N): x = floor(210.72 / 360 * 256) = 149; Mercator y of 46.48° is
    # 52.44°, so y = floor((180 - 52.44) / 360 * 256) = 90; the tile spans 360 / 256 = 1.40625°
    (odesa,) = tiles.tile_images(template, 30.72, 46.48, 30.72, 46.48, zoom=8)
    assert odesa["source"] == "https://tiles.example.org/8/149/90.png"
    assert odesa["x"] == pytest.approx(-180 + 149 * 1.40625) and odesa["y"] == pytest.approx(180 - 90 * 1.40625)
    assert odesa["x"] <= 30.72 < odesa["x"] + 1.40625
    assert odesa["y"] - 1.40625 <= _mercator(46.48) < odesa["y"]


def test_tile_zoom_gives_four_to_eight_tiles_across() -> None:
    for west, south, east, north in [(28.5, 45.2, 31.0, 48.0), (22, 44, 40, 52.5), (30.6, 46.4, 30.8, 46.5)]:
        zoom = tiles.tile_zoom(west, south, east, north)
        span = max(east - west, _mercator(north) - _mercator(south))
        assert 4 <= span / tiles.tile_size(zoom) < 8


def test_tile_templates_are_checked() -> None:
    assert tiles.tile_origin("https://tile.example.org:8443/{z}/{x}/{y}.png") == "https://tile.example.org:8443"
    with pytest.raises(ValueError, match=r"lacks \{y\}"):
        tiles.check_tile_template("https://tile.example.org/{z}/{x}.png")
    with pytest.raises(ValueError, match="not an http"):
        tiles.check_tile_template("file:///tiles/{z}/{x}/{y}.png")


@pytest.mark.parametrize(
    ("template", "origin"),
    [
        ("http://127.0.0.1:8081/{z}/{x}/{y}.png", "http://127.0.0.1:8081"),
        ("https://user@tiles.example.org/t/{z}/{x}/{y}.png", "https://tiles.example.org"),
        ("http://[::1]:9000/{z}/{x}/{y}.png", "http://[::1]:9000"),
        ("https://Tiles.Example.org/{z}/{x}/{y}.png?key=abc", "https://tiles.example.org"),
    ],
)
def test_the_tile_origin_is_rebuilt_from_the_parsed_host_and_port(template: str, origin: str) -> None:
    assert tiles.tile_origin(template) == origin


@pytest.mark.parametrize(
    ("template", "why"),
    [
        ("https://evil.example;script-src *;/{z}/{x}/{y}.png", "contains ' ' '\\*' ';'"),  # would add a CSP rule
        ("https://*/{z}/{x}/{y}.png", "contains '\\*'"),  # every host
        ("https://a.example,b.example/{z}/{x}/{y}.png", "contains ','"),
        ("https://a.example/{z}/{x}/{y}.png?x='a'", 'contains "\'"'),
        ("https://a.example:99999/{z}/{x}/{y}.png", "invalid port"),
        ("https://{s}.tile.example.org/{z}/{x}/{y}.png", "subdomain placeholder"),
        ("https://-a.example/{z}/{x}/{y}.png", "plain host name"),
        ("https://a.example/{z}/{x}/{y}.png\r\nX: 1", "contains"),
    ],
)
def test_tile_templates_that_could_widen_the_policy_are_refused(template: str, why: str) -> None:
    with pytest.raises(ValueError, match=why):
        tiles.check_tile_template(template)


def test_map_areas_are_the_polygons_of_the_level_largest_first(ds: xr.Dataset) -> None:
    squares = _squares()
    # Bilhorod-Dnistrovskyi (2 square degrees) first; the two 1-degree squares in the dataset's order
    assert map_areas(ds, boundaries=squares) == ["UA5104", "UA5110027", "UA5110037"]
    # Odeskyi raion dissolved from its two hromadas: 2 square degrees as well, first in the dataset
    assert map_areas(ds, level=2, boundaries=squares) == ["UA5110", "UA5104"]
    assert map_areas(ds, level=1, boundaries=squares) == ["UA51"]
    assert map_areas(ds) == ["UA5110027", "UA5110037", "UA5104"]  # no boundaries: the bubbles' order
    fig = figures.area_map(ds, "heat", NOON, boundaries=squares)
    assert [t.name for t in fig.data] == [
        "UA5104",
        "UA5110027",
        "UA5110037",
        "colour scale",
        "outline",
        "strikes (at area centre)",
    ]


def test_area_polygons_are_drawn_on_the_mercator_plane(ds: xr.Dataset) -> None:
    fig = figures.area_map(ds, "heat", NOON, boundaries=_squares())
    traces = _by_name(fig)
    (ring,) = _rings(traces["UA5104"])
    assert ring[0] == ring[-1]  # closed
    assert _signed_area(ring) > 0  # counter-clockwise
    corners = {(30.0, 50.498986), (32.0, 50.498986), (32.0, _mercator(46)), (30.0, _mercator(46))}
    np.testing.assert_allclose(sorted(ring[:-1]), sorted(corners), atol=1e-5)
    for area in SQUARES:
        assert traces[area].fill == "toself" and traces[area].hoveron == "fills"
    assert fig.layout.yaxis.scaleanchor == "x" and fig.layout.yaxis.scaleratio == 1
    assert "46.0°N" in fig.layout.yaxis.ticktext
    k = fig.layout.yaxis.ticktext.index("46.0°N")
    assert fig.layout.yaxis.tickvals[k] == pytest.approx(_mercator(46))
    # the outline of everything drawn: the oblast's 2 x 2 degrees
    outline = _rings(traces["outline"])
    assert [len(r) for r in outline] == [len(outline[0])]
    xs, ys = zip(*outline[0], strict=True)
    assert (min(xs), max(xs), min(ys), max(ys)) == pytest.approx((30, 32, 50.498986, _mercator(47)), abs=1e-5)
    assert traces["outline"].hoverinfo == "skip"


def test_areas_are_coloured_by_share_or_by_people(ds: xr.Dataset) -> None:
    squares = _squares()
    traces = _by_name(figures.area_map(ds, "heat", NOON, boundaries=squares))
    # Cividis has 10 colours at k / 9: #00224e (0), #123570, #3b496c, #575d6d, #707173, #8a8678 (5 / 9), ...
    # 0.3 is 70 % of the way from #3b496c (59, 73, 108) to #575d6d (87, 93, 109): (78.6, 87, 108.7);
    # 0.5 half way from #707173 (112, 113, 115) to #8a8678 (138, 134, 120): (125, 123.5, 117.5)
    expected = {
        "UA5110027": "rgba(79, 87, 109, 1)",
        "UA5110037": "rgba(125, 124, 118, 1)",
        "UA5104": "rgba(0, 34, 78, 1)",
    }
    assert {area: traces[area].fillcolor for area in expected} == expected
    scale = traces["colour scale"].marker
    assert (scale.cmin, scale.cmax, scale.showscale, scale.colorbar.tickformat) == (0, 1, True, ".0%")
    # by people: 0 to the most people without heat in a drawn area at any time (Odeska: 1,015,826 x 0.3)
    traces = _by_name(figures.area_map(ds, "heat", NOON, boundaries=squares, colour_by="people"))
    assert traces["colour scale"].marker.cmax == 304_748
    assert traces["UA5110027"].fillcolor == "rgba(254, 232, 56, 1)"  # the top of Cividis
    # 30,000 / 304,748 = 0.0984: 88.6 % of the way from #00224e (0, 34, 78) to #123570 (18, 53, 112)
    assert traces["UA5110037"].fillcolor == "rgba(16, 51, 108, 1)"
    with pytest.raises(ValueError, match="choose one of share, people"):
        figures.area_map(ds, "heat", NOON, boundaries=squares, colour_by="colour")


def test_area_hover_gives_names_pcode_range_share_and_population(ds: xr.Dataset) -> None:
    band = ds["people_without"].sel(service="heat", area="UA5110027", time=pd.Timestamp(NOON).tz_convert(None))
    low, high = (f"{float(band.sel(quantile=q)):,.0f}" for q in (0.05, 0.95))
    shares = ds["outage_beyond_probability"].sel(service="heat", area="UA5110027").values
    beyond = ", ".join(f"{h:g} h: {p:.0%}".replace("%", " %") for h, p in zip((24, 72, 168), shares, strict=True))
    traces = _by_name(figures.area_map(ds, "heat", NOON, boundaries=_squares()))
    assert traces["UA5110027"].hoverinfo == "text"
    assert traces["UA5110027"].text == (
        "<b>Odeska</b><br>P-code UA5110027<br>304,748 without heat (central estimate)<br>"
        f"5–95 %: {low}–{high}<br>30.0% of the population<br>population 1,015,826<br>"
        f"outage lasts beyond {beyond}"
    )
    adjusted = ds.assign_coords(
        name_uk=("area", ["Одеська", "Одеський", "Одеська", "", "Білгород-Дністровський"]),
        population_source=("area", ["", "", "displacement estimate", "", ""]),
        population_base=("area", np.array([0, 0, 1_100_000, 60_000, 196_618], dtype=np.int64)),
    )
    texts = {t.name: t.text for t in figures.area_map(adjusted, "heat", NOON, boundaries=_squares()).data}
    assert texts["UA5110027"].startswith("<b>Odeska</b> (Одеська)<br>P-code UA5110027<br>")
    assert texts["UA5110027"].endswith(
        f"population 1,015,826 (displacement estimate; 1,100,000 before adjustment)<br>outage lasts beyond {beyond}"
    )
    assert texts["UA5110037"].startswith("<b>Chornomorska</b><br>")  # no Ukrainian name given
    assert "<br>population 60,000<br>outage lasts beyond 24 h: " in texts["UA5110037"]  # not adjusted: no source
    no_samples = figures.area_map(make_result_dataset(samples=0), "heat", NOON, boundaries=_squares())
    assert "5–95 %" not in _by_name(no_samples)["UA5110027"].text
    assert _by_name(no_samples)["UA5110027"].text.endswith("population 1,015,826")  # no probability


def test_holes_stay_empty_and_enclaves_are_drawn_in_them(ds: xr.Dataset) -> None:
    """Odeska with a hole where Chornomorska lies: plotly fills with SVG's nonzero rule, so the hole
    must turn the other way (clockwise) and the enclave comes on top, with its own hover."""
    hole = box(30.5, 46.25, 31.0, 46.75)
    squares = _squares(UA5110027=box(30, 46, 31.5, 47).difference(hole), UA5110037=hole)
    assert map_areas(ds, boundaries=squares)[-1] == "UA5110037"  # the smallest, drawn last: on top
    traces = _by_name(figures.area_map(ds, "heat", NOON, boundaries=squares))
    exterior, inner = _rings(traces["UA5110027"])
    assert _signed_area(exterior) > 0 > _signed_area(inner)
    xs, _ys = zip(*inner, strict=True)
    assert (min(xs), max(xs)) == (30.5, 31.0)
    (enclave,) = _rings(traces["UA5110037"])
    assert _signed_area(enclave) > 0


def test_outlines_leave_out_the_gaps_between_areas(ds: xr.Dataset) -> None:
    """A hole no area fills (a gap in the source) stays empty, but the outline drawn for bearings
    and the selected area's are their outer rings only."""
    hole = box(30.5, 46.25, 31.0, 46.75)
    squares = _squares(UA5110027=box(30, 46, 31.5, 47).difference(hole), UA5110037=box(31.5, 46, 32, 47))
    traces = _by_name(figures.area_map(ds, "heat", NOON, boundaries=squares, selected="UA5110"))
    assert len(_rings(traces["UA5110027"])) == 2  # its hole is drawn
    assert len(_rings(traces["outline"])) == 1 and len(_rings(traces["selected"])) == 1


def test_selected_area_is_outlined(ds: xr.Dataset) -> None:
    squares = _squares()
    traces = _by_name(figures.area_map(ds, "heat", NOON, boundaries=squares, selected="UA5110"))
    names = list(traces)
    assert names.index("selected") > names.index("outline")
    assert traces["selected"].line.width == 3 and traces["selected"].hoverinfo == "skip"
    (ring,) = _rings(traces["selected"])  # Odeskyi raion: its two hromadas together
    xs, ys = zip(*ring, strict=True)
    assert (min(xs), max(xs), min(ys), max(ys)) == pytest.approx((30, 32, _mercator(46), _mercator(47)), abs=1e-5)
    # a hromada selected while raions are drawn: its own square
    traces = _by_name(figures.area_map(ds, "heat", NOON, level=2, boundaries=squares, selected="UA5110027"))
    (ring,) = _rings(traces["selected"])
    xs, _ys = zip(*ring, strict=True)
    assert (min(xs), max(xs)) == (30, 31)
    assert "selected" not in _by_name(figures.area_map(ds, "heat", NOON, boundaries=squares))
    with pytest.raises(ValueError, match="not a valid selected area"):
        figures.area_map(ds, "heat", NOON, boundaries=squares, selected="UA99")


def test_strikes_are_marked_inside_their_area_unless_asset_positions_are_given(ds: xr.Dataset) -> None:
    squares = _squares()
    fig = figures.area_map(ds, "heat", NOON, boundaries=squares)
    strikes = _by_name(fig)["strikes (at area centre)"]
    # S1 (port) and S2 (substation) are both in Odeska: one mark, both in its hover; S3 in Chornomorska
    assert list(strikes.x) == [30.5, 31.5]
    assert list(strikes.y) == pytest.approx([_mercator(46.5)] * 2)
    assert strikes.text[0].startswith("strike S1 19 Dec 18:00: PRT-01 (complete), Odeska (UA5110027)<br>strike S2")
    assert strikes.text[1] == "strike S3 20 Dec 06:00: BLR-01 (moderate), Chornomorska (UA5110037)"
    assert list(strikes.customdata) == ["UA5110027", "UA5110037"]  # a click on a mark picks its area
    assert strikes.marker.size <= 8 and fig.layout.hoverdistance <= 8  # small: the area under it stays hoverable
    early = figures.area_map(ds, "heat", "2025-12-19T20:00+02:00", boundaries=squares)
    assert list(_by_name(early)["strikes (at area centre)"].x) == [30.5]  # only S1 by then
    assets = pd.DataFrame(
        {
            "asset_id": ["SUB-01", "PMP-01", "BLR-01", "PRT-01"],
            "name": ["Substation 1", "Pumping station 1", "Boiler house 1", "Port terminal"],
            "kind": ["substation", "pumping_station", "boiler_house", "port"],
            "latitude": [46.2, 46.3, 46.4, 46.6],
            "longitude": [30.1, 30.2, 31.3, 30.4],
        }
    )
    traces = _by_name(figures.area_map(ds, "heat", NOON, boundaries=squares, assets=assets))
    assert list(traces["strikes"].x) == [30.4, 30.1, 31.3]  # S1 at the port, S2 the substation, S3 the boiler
    assert list(traces["strikes"].y) == pytest.approx([_mercator(v) for v in (46.6, 46.2, 46.4)])
    assert list(traces["assets"].y) == pytest.approx([_mercator(v) for v in assets["latitude"]])


def test_attribution_is_shown_under_the_map(ds: xr.Dataset) -> None:
    fig = figures.area_map(ds, "heat", NOON, boundaries=_squares())
    (note,) = fig.layout.annotations
    # under the map, right-aligned below the longitude ticks, in a bottom margin grown for it
    assert note.text == OSM and (note.xref, note.yref, note.x, note.y) == ("paper", "paper", 1, 0)
    assert (note.xanchor, note.yanchor, note.yshift) == ("right", "top", -maps.CREDIT_TICKS_PX)
    assert fig.layout.margin.b == 40 + maps.CREDIT_LINE_PX
    assert fig.layout.images == ()  # no tiles: nothing to fetch
    unattributed = figures.area_map(ds, "heat", NOON, boundaries=Boundaries(SQUARES))
    assert unattributed.layout.annotations == ()


def test_a_long_attribution_is_wrapped_to_the_map_width(ds: xr.Dataset) -> None:
    credit = (
        "Boundaries © OpenStreetMap contributors, ODbL 1.0 (openstreetmap.org/copyright), via "
        "github.com/darmat1/ukraine-geo-data; P-codes: OCHA COD-AB Ukraine"
    )
    fig = figures.area_map(ds, "heat", NOON, boundaries=Boundaries(SQUARES, credit))
    lines = fig.layout.annotations[0].text.split("<br>")
    assert lines == [
        "Boundaries © OpenStreetMap contributors, ODbL 1.0",
        "(openstreetmap.org/copyright), via",
        "github.com/darmat1/ukraine-geo-data; P-codes: OCHA",
        "COD-AB Ukraine",
    ]
    assert max(len(line) for line in lines) <= maps.ATTRIBUTION_LINE_CHARS
    assert " ".join(lines) == credit  # every word kept, in order


def test_tiles_go_under_semi_transparent_polygons(ds: xr.Dataset) -> None:
    template = "https://tiles.example.org/{z}/{x}/{y}.png"
    fig = figures.area_map(ds, "heat", NOON, boundaries=_squares(), tiles=template, tiles_attribution="© Test tiles")
    assert fig.layout.annotations[0].text == f"{OSM}<br>Tiles: © Test tiles"
    images = fig.layout.images
    zoom = int(images[0].source.split("/")[3])
    assert {int(i.source.split("/")[3]) for i in images} == {zoom}
    size = tiles.tile_size(zoom)
    # the tiles cover the polygons (30-32 °E, 45-47 °N), each placed at its own column and row
    assert min(i.x for i in images) <= 30 and max(i.x for i in images) + size >= 32
    assert min(i.y for i in images) - size <= 50.498986 and max(i.y for i in images) >= _mercator(47)
    for image in images:
        _z, x, y = (int(v) for v in image.source.removesuffix(".png").split("/")[3:])
        assert (image.x, image.y) == pytest.approx((-180 + x * size, 180 - y * size))
        assert image.layer == "below" and image.sizex == image.sizey == size
    assert _by_name(fig)["UA5104"].fillcolor.endswith(", 0.6)")
    bare = figures.area_map(ds, "heat", NOON, boundaries=_squares(), tiles=template)
    assert bare.layout.annotations[0].text == f"{OSM}<br>Tiles: https://tiles.example.org"


def test_area_map_without_polygons_draws_bubbles(ds: xr.Dataset) -> None:
    fig = figures.area_map(ds, "heat", NOON)
    assert fig.data[0].name == "areas" and fig.data[0].mode == "markers+text"
    assert list(fig.data[0].customdata[:, 0]) == ["UA5110027", "UA5110037", "UA5104"]
    # a Result whose scenario has boundaries draws them without being told
    result = SimpleNamespace(dataset=ds, scenario=SimpleNamespace(boundaries=_squares()))
    assert [t.name for t in figures.area_map(result, "heat", NOON).data][:3] == ["UA5104", "UA5110027", "UA5110037"]
    assert map_areas(result) == ["UA5104", "UA5110027", "UA5110037"]
    # boundaries of none of the areas drawn: bubbles again
    elsewhere = Boundaries({"UA99": box(0, 0, 1, 1)}, OSM)
    assert figures.area_map(ds, "heat", NOON, boundaries=elsewhere).data[0].name == "areas"


def test_areas_without_a_polygon_are_markers_at_their_centroid(ds: xr.Dataset) -> None:
    located = ds.assign_coords(
        latitude=("area", [46.7, 46.55, 46.48, 46.3, 45.5]), longitude=("area", [29.9, 30.55, 30.72, 30.65, 30.9])
    )
    squares = Boundaries({a: g for a, g in SQUARES.items() if a != "UA5104"}, OSM)
    fig = figures.area_map(located, "heat", NOON, boundaries=squares)
    assert map_areas(located, boundaries=squares) == ["UA5110027", "UA5110037"]
    markers = _by_name(fig)["areas without boundary"]
    assert list(markers.customdata) == ["UA5104"]
    assert (markers.x[0], markers.y[0]) == pytest.approx((30.9, _mercator(45.5)))
    assert markers.text[0].startswith("<b>Bilhorod-Dnistrovskyi</b><br>P-code UA5104<br>")
    # the outline: the oblast's own polygon is missing too, so the union of the hromadas drawn
    _xs, ys = zip(*_rings(_by_name(fig)["outline"])[0], strict=True)
    assert (min(ys), max(ys)) == pytest.approx((_mercator(46), _mercator(47)), abs=1e-5)


def test_map_levels_errors_and_payload(ds: xr.Dataset) -> None:
    with pytest.raises(ValueError, match=r"no area at admin level 4; the result has levels \[1, 2, 3\]"):
        figures.area_map(ds, "heat", NOON, level=4, boundaries=_squares())
    fig = figures.area_map(ds, "heat", NOON, level=1, boundaries=_squares())
    assert [t.name for t in fig.data][:1] == ["UA51"]
    assert len(fig.to_json()) < 20_000


def test_simplification_keeps_a_level_under_its_vertex_budget(monkeypatch) -> None:
    circle = Point(30.5, 46.5).buffer(0.5, quad_segs=256)  # 1,025 vertices
    areas = AreaTree.from_pairs(["A"], [""])
    drawn = map_shapes.map_shapes(Boundaries({"A": circle}), areas, ["A"], 3)
    assert drawn.tolerance == map_shapes.MAP_TOLERANCE_DEGREES[3] and drawn.vertices > 200
    monkeypatch.setattr(map_shapes, "MOST_MAP_VERTICES", 200)
    coarse = map_shapes.map_shapes(Boundaries({"A": circle}), areas, ["A"], 3)
    assert coarse.vertices <= 200 and coarse.tolerance > drawn.tolerance
    assert coarse.tolerance / drawn.tolerance in {2.0**k for k in range(1, 11)}
    assert map_shapes.level_tolerance(None) == map_shapes.FINEST_TOLERANCE_DEGREES


def _plain(value):
    """A figure's JSON with typed arrays decoded and numbers rounded, to compare two encodings."""
    if isinstance(value, dict):
        if "bdata" in value:
            return [round(v, 4) for v in _decoded(value).tolist()]
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return round(value, 4) if isinstance(value, float) else value


def test_area_map_dict_is_the_same_figure_unvalidated(ds: xr.Dataset) -> None:
    tiled = {"tiles": "https://tiles.example.org/{z}/{x}/{y}.png", "level": 2}
    for kwargs in ({"selected": "UA5110", "colour_by": "people"}, tiled):
        kwargs["boundaries"] = _squares()
        validated = json.loads(figures.area_map(ds, "heat", NOON, **kwargs).to_json())
        plain = figures.area_map_dict(ds, "heat", NOON, **kwargs)
        assert isinstance(plain, dict)
        assert _plain(json.loads(pio.to_json(plain))) == _plain(validated)
