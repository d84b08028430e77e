"""Weighted cells (issue 13): their grammar (:mod:`impact.scenario.weighted`) and the readers of
``strikes.csv`` ``asset_id`` / ``damage_state`` that must take candidates and weighted states as
written: what-if labels, strike hovers of the timelines and maps, the strikes table of the exports
and the default assets of the asset chart.

The readers get a result of the corpus base (``tests/malformed/_valid``) whose strike coordinates
are replaced by weighted cells, so they are tested whatever the engines make of such strikes.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from shapely.geometry import box

import impact
from impact import figures
from impact.boundaries import Boundaries
from impact.export.frames import to_strikes_dataframe
from impact.scenario.weighted import (
    WEIGHT_TOLERANCE,
    alternative_values,
    describe_weighted,
    format_weighted,
    is_weighted,
    parse_weighted,
    primary_value,
)
from impact.whatif import WhatIf, apply_whatif, strike_labels

CORPUS = Path(__file__).parent / "malformed"

# --- the grammar ---------------------------------------------------------------------------------


def test_a_plain_cell_is_one_value_with_weight_one() -> None:
    assert parse_weighted("moderate") == (("moderate", 1.0),)
    assert parse_weighted("  SUB-1 ") == (("SUB-1", 1.0),)
    assert not is_weighted("SUB-1")


def test_alternatives_keep_their_order_and_weights() -> None:
    assert parse_weighted("moderate:0.6|extensive:0.4") == (("moderate", 0.6), ("extensive", 0.4))
    assert parse_weighted(" A : 0.25 | B:0.75 ") == (("A", 0.25), ("B", 0.75))
    assert parse_weighted("SUB-1:1") == (("SUB-1", 1.0),)


def test_known_values_holding_the_separators_are_taken_as_they_stand() -> None:
    known = {"SUB:1", "A|B", "C"}
    assert parse_weighted("SUB:1", known) == (("SUB:1", 1.0),)
    assert parse_weighted("A|B", known) == (("A|B", 1.0),)
    assert not is_weighted("A|B", known) and is_weighted("A|B")
    # In a weighted cell the weight follows the last ':', so an id with ':' can be a candidate.
    assert parse_weighted("SUB:1:0.5|C:0.5", known) == (("SUB:1", 0.5), ("C", 0.5))


def test_weights_summing_to_one_within_the_tolerance_are_accepted() -> None:
    assert parse_weighted("a:0.1|b:0.2|c:0.7")  # 0.1 + 0.2 + 0.7 is not 1.0 in floats
    assert parse_weighted(f"a:0.5|b:{0.5 + WEIGHT_TOLERANCE / 2}")
    with pytest.raises(ValueError, match=r"^the weights sum to 1.000002; they must sum to 1$"):
        parse_weighted(f"a:0.5|b:{0.5 + 2 * WEIGHT_TOLERANCE}")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a|b", "'a' has no weight; write alternatives as VALUE:WEIGHT separated by '|', e.g. a:0.5|b:0.5"),
        ("a:0.5|b", "'b' has no weight; write alternatives as VALUE:WEIGHT separated by '|', e.g. a:0.5|b:0.5"),
        ("a|b|c", "'a' has no weight; write alternatives as VALUE:WEIGHT separated by '|', e.g. a:0.33|b:0.33|c:0.34"),
        (":0.5|b:0.5", "':0.5' has no value before its weight; write alternatives as VALUE:WEIGHT"),
        ("a:0.5|", "an alternative is empty; write alternatives as VALUE:WEIGHT separated by one '|'"),
        ("a:0.5||b:0.5", "an alternative is empty; write alternatives as VALUE:WEIGHT separated by one '|'"),
        ("a:half|b:0.5", "the weight 'half' of 'a' is not a number"),
        ("a:|b:1", "the weight '' of 'a' is not a number"),
        ("a:0|b:1", "the weight of 'a' must be a number > 0, not '0'"),
        ("a:-0.5|b:1.5", "the weight of 'a' must be a number > 0, not '-0.5'"),
        ("a:nan|b:1", "the weight of 'a' must be a number > 0, not 'nan'"),
        ("a:inf|b:1", "the weight of 'a' must be a number > 0, not 'inf'"),
        ("a:0.5|a:0.5", "'a' is listed more than once"),
        ("a:0.5|b:0.4", "the weights sum to 0.9; they must sum to 1"),
        ("a:0.5", "the weights sum to 0.5; they must sum to 1"),
    ],
)
def test_malformed_cells_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_weighted(text)
    assert str(caught.value) == message


def test_primary_value_is_the_most_likely_and_the_first_on_a_tie() -> None:
    assert primary_value("SUB-1") == "SUB-1"
    assert primary_value("a:0.3|b:0.7") == "b"
    assert primary_value("a:0.5|b:0.5") == "a"
    assert primary_value("A|B", {"A|B"}) == "A|B"


def test_format_weighted_writes_what_parse_weighted_reads() -> None:
    for text in ("moderate", "moderate:0.6|extensive:0.4", "a:0.1|b:0.2|c:0.7"):
        assert format_weighted(parse_weighted(text)) == text
    assert parse_weighted(format_weighted([("a", 1 / 3), ("b", 2 / 3)]))


def test_readers_take_a_cell_that_does_not_parse_as_written() -> None:
    assert alternative_values("a:0.5|b:0.5") == ("a", "b")
    assert alternative_values("A|B", {"A|B"}) == ("A|B",)
    assert alternative_values("a:x|b") == ("a:x|b",)
    assert describe_weighted("moderate:0.6|extensive:0.4") == "moderate (60 %) or extensive (40 %)"
    assert describe_weighted("a:0.5|b:0.5", label=str.upper) == "A (50 %) or B (50 %)"
    assert describe_weighted("SUB-1", label=lambda a: f"Substation ({a})") == "Substation (SUB-1)"
    assert describe_weighted("a:x|b") == "a:x|b"


# --- readers of weighted strikes -----------------------------------------------------------------

CANDIDATES = "SUB-1:0.3|SUB-2:0.7"
STATES = "moderate:0.6|extensive:0.4"


@pytest.fixture(scope="module")
def weighted_ds() -> xr.Dataset:
    """A result of the corpus base, its strikes rewritten: S1 hit SUB-1 or (more likely) SUB-2; S2's state is
    weighted; the areas get coordinates for the bubble map."""
    ds = impact.run(impact.load_scenario(CORPUS / "_valid"), samples=5, seed=1).dataset
    return ds.assign_coords(
        strike_asset=("strike", np.array([CANDIDATES, "BLR-1"], dtype=object)),
        damage_state=("strike", np.array(["extensive", STATES], dtype=object)),
        latitude=("area", [46.5, 46.7, 46.3]),
        longitude=("area", [30.5, 30.2, 30.8]),
    )


def test_a_result_keeps_the_cells_as_written() -> None:
    scenario = impact.load_scenario(CORPUS / "_valid_uncertain")
    assert list(scenario.strikes["asset_id"]) == ["SUB-1:0.5|SUB-2:0.5", "BLR-1", "PMP-1:0.7|BLR-1:0.3"]
    assert list(scenario.strikes["damage_state"]) == ["extensive", STATES, "none:0.2|slight:0.8"]


def test_whatif_labels_list_candidates_and_states() -> None:
    scenario = impact.load_scenario(CORPUS / "_valid_uncertain")
    labels = dict(zip(*strike_labels(scenario).to_dict("list").values(), strict=True))
    assert labels["S1"] == "S1 19 Dec 03:00 Substation 1 (50 %) or Substation 2 (50 %) (extensive)"
    assert labels["S2"] == "S2 19 Dec 04:00 Boiler house 1 (moderate (60 %) or extensive (40 %))"
    plain = impact.load_scenario(CORPUS / "_valid")
    assert strike_labels(plain)["label"].tolist() == [
        "S1 19 Dec 03:00 Substation 1 (extensive)",
        "S2 19 Dec 04:00 Boiler house 1 (moderate)",
    ]


def test_whatif_switches_a_weighted_strike_off_and_moves_buffer_ranges_with_the_backup() -> None:
    scenario = impact.load_scenario(CORPUS / "_valid_uncertain")
    changed = apply_whatif(scenario, WhatIf(extra_backup_hours=5, disabled_strikes=frozenset({"S2"})))
    assert list(changed.strikes["damage_state"]) == ["extensive", "none", "none:0.2|slight:0.8"]
    assert list(changed.strikes["asset_id"]) == list(scenario.strikes["asset_id"])
    deps = changed.dependencies
    # PMP-1 and BLR-1 on grid power get 5 h more: a range moves up at both ends, a fixed buffer stays fixed.
    assert deps["buffer_hours"].tolist() == [5.0, 5.0, 11.0]
    assert deps["buffer_hours_max"].tolist()[1:] == [9.0, 17.0] and np.isnan(deps["buffer_hours_max"].iloc[0])


def test_timeline_hover_lists_candidates_and_states(weighted_ds: xr.Dataset) -> None:
    fig = figures.timeline(weighted_ds, "power", "UA51")
    strikes = next(trace for trace in fig.data if trace.name == "strikes")
    first, second = strikes.hovertext
    assert "asset: Substation 1 (SUB-1) (30 %) or Substation 2 (SUB-2) (70 %)" in first
    assert "damage state: extensive" in first
    assert "asset: Boiler house 1 (BLR-1)" in second
    assert "damage state: moderate (60 %) or extensive (40 %)" in second


def test_bubble_map_draws_a_candidate_strike_at_its_most_likely_asset(weighted_ds: xr.Dataset) -> None:
    fig = figures.area_map(weighted_ds, "power", "2025-12-19T12:00")
    strikes = next(trace for trace in fig.data if trace.name == "strikes (at area centroid)")
    # S1 is drawn in SUB-2's area (UA5102, 70 %), S2 in BLR-1's (UA5102).
    assert list(strikes.x) == [30.8, 30.8] and list(strikes.y) == [46.3, 46.3]
    assert strikes.text[0] == "strike S1 19 Dec 03:00<br>SUB-1 (30 %) or SUB-2 (70 %) (extensive)"
    assert strikes.text[1] == "strike S2 19 Dec 04:00<br>BLR-1 (moderate (60 %) or extensive (40 %))"


def test_choropleth_draws_a_candidate_strike_at_its_most_likely_asset(weighted_ds: xr.Dataset) -> None:
    squares = Boundaries({"UA5101": box(30, 46, 31, 47), "UA5102": box(31, 46, 32, 47)}, "test squares")
    fig = figures.area_map(weighted_ds, "power", "2025-12-19T12:00", boundaries=squares)
    strikes = next(trace for trace in fig.data if str(trace.name).startswith("strikes"))
    assert list(strikes.customdata) == ["UA5102"]  # both strikes at one place in UA5102
    assert "S1 19 Dec 03:00: SUB-1 (30 %) or SUB-2 (70 %) (extensive), South (UA5102)" in strikes.text[0]
    assert "S2 19 Dec 04:00: BLR-1 (moderate (60 %) or extensive (40 %)), South (UA5102)" in strikes.text[0]
    assets = pd.DataFrame(
        {
            "asset_id": ["SUB-1", "SUB-2", "PMP-1", "BLR-1"],
            "name": ["a", "b", "c", "d"],
            "kind": ["substation", "substation", "pumping_station", "boiler_house"],
            "latitude": [46.2, 46.8, 46.5, 46.4],
            "longitude": [30.2, 31.8, 30.5, 31.4],
        }
    )
    sited = figures.area_map(weighted_ds, "power", "2025-12-19T12:00", boundaries=squares, assets=assets)
    marks = next(trace for trace in sited.data if trace.name == "strikes")
    assert list(marks.x) == [31.8, 31.4]  # S1 at SUB-2's site, S2 at BLR-1's


def test_strikes_table_keeps_the_cells_and_names_the_candidates(weighted_ds: xr.Dataset) -> None:
    table = to_strikes_dataframe(weighted_ds)
    assert table["asset_id"].tolist() == [CANDIDATES, "BLR-1"]
    assert table["asset_name"].tolist() == ["Substation 1 (30 %) or Substation 2 (70 %)", "Boiler house 1"]
    assert table["damage_state"].tolist() == ["extensive", STATES]


def test_asset_chart_draws_every_candidate_by_default(weighted_ds: xr.Dataset) -> None:
    fig = figures.asset_status(weighted_ds)
    assert [trace.name for trace in fig.data if trace.name != "strikes"] == [
        "Substation 1 (SUB-1)",
        "Substation 2 (SUB-2)",
        "Boiler house 1 (BLR-1)",
    ]
