"""Strikes from ACLED-format data: matching, reasons, dates, damage rules, bad input, CLI, round trip.

Every ACLED file here is written by hand in the test (``tmp_path``) with the column layout of
ACLED's exports; events are matched against the bundled scenario ``odesa-2025-12`` whose
assets sit at the representative points of their areas (Odesa city 46.49 N 30.68 E, Izmail
45.36 N 28.84 E, Odeskyi raion 46.53 N 30.32 E...). Many of them share a point (nine
substations at the centre of Odesa), so an event there has candidate assets (issue 13, part 7).
"""

from __future__ import annotations

import csv
import dataclasses
import io
import math
import shutil
from datetime import date, time
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import impact
from impact.acled import (
    ACCOUNT_COLUMNS,
    GEO_PRECISION_RADIUS_FACTOR,
    REASONS,
    STRIKE_COLUMNS,
    AcledError,
    distance_km,
    import_acled,
    line_ranges,
    parse_event_date,
    parse_time_of_day,
    weighted_cell,
)
from impact.acled_rules import (
    DAMAGE_RULES,
    DEFAULT_DAMAGE_STATE,
    EFFECT_PATTERNS,
    KIND_KEYWORDS,
    DamageRule,
    is_negated,
    kind_mentions,
    mask_effects,
    parse_damage_weights,
    phrase_pattern,
    read_damage,
)
from impact.cli import main
from impact.scenario.bundled import find_bundled
from impact.scenario.schema import DAMAGE_STATES
from impact.scenario.weighted import WEIGHT_TOLERANCE, parse_weighted

#: The columns of an ACLED export, in ACLED's order.
HEADER = (
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
)

ODESA = {"location": "Odesa", "latitude": "46.4775", "longitude": "30.7326", "admin2": "Odeskyi"}
IZMAIL = {"location": "Izmail", "latitude": "45.3503", "longitude": "28.8374", "admin2": "Izmailskyi"}
PODILSK = {"location": "Podilsk", "latitude": "47.75", "longitude": "29.53", "admin2": "Podilskyi"}
TEPLODAR = {"location": "Teplodar", "latitude": "46.5046", "longitude": "30.3235", "admin2": "Odeskyi"}
KYIV = {"location": "Kyiv", "latitude": "50.45", "longitude": "30.5234", "admin1": "Kyiv City", "admin2": "Kyiv"}
DRONE = {"event_type": "Explosions/Remote violence", "sub_event_type": "Air/drone strike"}
MISSILE = {"event_type": "Explosions/Remote violence", "sub_event_type": "Shelling/artillery/missile attack"}


def event(event_id: str, notes: str, place: dict | None = None, kind: dict | None = None, **cells: str) -> dict:
    """One ACLED row: a drone strike in Odesa on 19 December 2025 unless told otherwise."""
    row = {
        "event_id_cnty": event_id,
        "event_date": "2025-12-19",
        "year": "2025",
        "time_precision": "1",
        "disorder_type": "Political violence",
        "actor1": "Military Forces of Russia (2000-)",
        "inter1": "State forces",
        "actor2": "Civilians (Ukraine)",
        "inter2": "Civilians",
        "interaction": "State forces-Civilians",
        "civilian_targeting": "",
        "iso": "804",
        "region": "Europe",
        "country": "Ukraine",
        "admin1": "Odesa",
        "admin3": "",
        "geo_precision": "1",
        "source": "Suspilne",
        "source_scale": "National",
        "notes": notes,
        "fatalities": "0",
        "tags": "",
        "timestamp": "1766500000",
    }
    row.update(ODESA if place is None else place)
    row.update(DRONE if kind is None else kind)
    row.update(cells)
    return row


def write_acled(path: Path, rows: list[dict], header: tuple[str, ...] = HEADER) -> Path:
    """Write rows as an ACLED-format CSV file (UTF-8, comma, header row)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(header), extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture(scope="module")
def odesa() -> impact.Scenario:
    return impact.load_scenario("odesa-2025-12")


def copy_bundled(folder: Path) -> Path:
    """A copy of the bundled scenario folder (found with :mod:`impact.scenario.bundled`)."""
    shutil.copytree(find_bundled("odesa-2025-12"), folder)
    return folder


def account_of(result) -> list[tuple[int, str, str, str]]:
    """(line, reason code, asset cell, damage-state cell) of every row."""
    frame = result.account
    return list(zip(frame["line"], frame["reason_code"], frame["asset_id"], frame["damage_state"], strict=True))


def weights(cell: str) -> dict[str, float]:
    """The alternatives of a weighted cell (one value: weight 1), parsed as the scenario loader does."""
    return dict(parse_weighted(cell))


def cell_of(**alternatives: float) -> str:
    """A weighted cell of damage states, written as the import writes it (``moderate=0.6`` ...)."""
    return weighted_cell(alternatives.items())


#: The nine substations at the centre of Odesa (one point, 4.3 km from ACLED's point of Odesa).
ODESA_SUBSTATIONS = [*(f"SUB-ODE-{i}" for i in range(1, 9)), "SUB-PORT"]

#: Their candidate cell: equal weights; the millionth missing from 1 after rounding down goes to the first.
ODESA_SUBSTATIONS_CELL = "SUB-ODE-1:0.111112|" + "|".join(f"{asset}:0.111111" for asset in ODESA_SUBSTATIONS[1:])

#: Damage-state cell of notes without a damage phrase (the default weights).
DEFAULT_CELL = "slight:0.25|moderate:0.5|extensive:0.25"


# --- matching and reasons ---------------------------------------------------------------------

MIXED_ROWS = [
    event("UKR1001", "Russian drones struck an electrical substation in Odesa; minor damage.", fatalities="0"),
    event(
        "UKR1002",
        "A missile hit a water reservoir in Odesa. The reservoir was completely destroyed.",
        kind=MISSILE,
        event_date="20-12-2025",
        fatalities="2",
    ),
    event(
        "UKR1003",
        "Drones struck the port of Izmail; grain storage facilities caught fire.",
        IZMAIL,
        event_date="21 December 2025",
        fatalities="",
    ),
    event(
        "UKR1004", "Armed clash near the front line.", kind={"event_type": "Battles", "sub_event_type": "Armed clash"}
    ),
    event(
        "UKR1005",
        "A landmine exploded near a substation.",
        kind={"event_type": "Explosions/Remote violence", "sub_event_type": "Remote explosive/landmine/IED"},
    ),
    event("UKR1006", "Drone strike on a substation.", event_date="2025-12-11"),
    event("UKR1007", "Drone strike on a substation.", KYIV),
    event("UKR1008", "Shelling damaged a residential building and cars.", kind=MISSILE),
    event("UKR1009", "Drones attacked port infrastructure.", PODILSK),
    event("UKR1010", "Energy infrastructure was hit in Odesa.", event_date="2026-01-12"),
    event("UKR1011", "Drone strike on energy infrastructure.", event_date="2026-01-13"),
    event("UKR1001", "The same event exported twice: substation.", fatalities="0"),
]


def test_every_row_is_imported_or_skipped_with_its_reason(tmp_path: Path, odesa) -> None:
    result = import_acled(write_acled(tmp_path / "acled.csv", MIXED_ROWS), odesa)
    energy = "|".join(f"{asset}:0.074074" for asset in ODESA_SUBSTATIONS) + "|CHP-1:0.333334"
    assert account_of(result) == [
        (2, "imported_candidates", ODESA_SUBSTATIONS_CELL, "slight"),
        (3, "imported_candidates", "RES-1:0.5|RES-2:0.5", "complete"),
        (4, "imported", "PORT-IZM", "moderate:0.4|extensive:0.6"),  # "caught fire"
        (5, "not_a_strike", "", ""),
        (6, "not_a_strike", "", ""),
        (7, "outside_time_window", "", ""),
        (8, "outside_areas", "", ""),
        (9, "no_kind_in_notes", "", ""),
        (10, "no_asset_in_range", "", ""),
        (11, "imported_candidates", energy, DEFAULT_CELL),  # substations named first: 2/3, the CHP 1/3
        (12, "outside_time_window", "", ""),
        (13, "duplicate_event", "", ""),
    ]
    assert result.account["candidates"].tolist() == [9, 2, 1, 0, 0, 0, 0, 0, 0, 10, 0, 0]
    reasons = dict(zip(result.account["line"], result.account["reason"], strict=True))
    assert reasons[5] == "event type 'Battles' is not a strike"
    assert reasons[6].startswith("sub-event type 'Remote explosive/landmine/IED' is not a strike")
    assert reasons[7] == "outside the time window: 2025-12-11 is before the scenario's first day 2025-12-12"
    assert reasons[8].startswith("outside the scenario's areas: no area centroid or asset within 25 km (nearest ")
    assert reasons[9].startswith("no asset kind named in the notes")
    assert reasons[10] == (
        "no asset of a kind named in the notes (port ('port')) within 25 km (nearest PORT-ODE, 164.9 km)"
    )
    assert reasons[12] == (
        "outside the time window: 2026-01-13 starts at or after the end of the horizon (2026-01-12 22:00 +02:00)"
    )
    assert reasons[13] == (
        "same event_id_cnty UKR1001 as line 2, the row considered instead (the latest ACLED "
        "timestamp, else the first row)"
    )
    assert list(result.account.columns) == list(ACCOUNT_COLUMNS)
    assert set(result.account["reason_code"]) <= set(REASONS)
    imported = result.account["reason_code"].isin(["imported", "imported_candidates"])
    assert (result.account["status"] == np.where(imported, "imported", "skipped")).all()
    assert imported.sum() == len(result.strikes)


def test_strikes_carry_ids_times_fatalities_and_sources(tmp_path: Path, odesa) -> None:
    result = import_acled(write_acled(tmp_path / "acled.csv", MIXED_ROWS), odesa)
    strikes = result.strikes
    assert list(strikes.columns) == list(STRIKE_COLUMNS)
    assert strikes["strike_id"].tolist() == ["UKR1001", "UKR1002", "UKR1003", "UKR1010"]  # by time
    assert strikes["source"].tolist() == strikes["strike_id"].tolist()
    assert [t.isoformat() for t in strikes["time"]] == [
        "2025-12-19T00:00:00+02:00",
        "2025-12-20T00:00:00+02:00",
        "2025-12-21T00:00:00+02:00",
        "2026-01-12T00:00:00+02:00",
    ]
    assert strikes["killed"].tolist()[:2] == [0, 2]
    assert pd.isna(strikes["killed"].iloc[2])
    assert strikes["notes"].iloc[0].startswith("Russian drones struck an electrical substation in Odesa; minor damage.")
    assert "damage slight by the phrase 'minor damage'" in strikes["notes"].iloc[0]
    assert "9 candidate assets (substation) named by 'substation', 4.3 km from the event" in strikes["notes"].iloc[0]
    assert "(ACLED geo_precision 1: radius 25 km)" in strikes["notes"].iloc[0]
    assert "time of day 00:00 assumed" in strikes["notes"].iloc[0]
    assert "asset named by 'port', 1.1 km from the event" in strikes["notes"].iloc[2]
    text = result.strikes_csv().splitlines()
    assert text[0] == "strike_id,time,asset_id,damage_state,killed,source,notes"
    assert text[1].startswith(f"UKR1001,2025-12-19T00:00:00+02:00,{ODESA_SUBSTATIONS_CELL},slight,0,UKR1001,")
    assert text[3].startswith("UKR1003,2025-12-21T00:00:00+02:00,PORT-IZM,moderate:0.4|extensive:0.6,,UKR1003,")


def test_imported_row_explains_its_match(tmp_path: Path, odesa) -> None:
    result = import_acled(write_acled(tmp_path / "acled.csv", MIXED_ROWS[:1]), odesa)
    row = result.account.iloc[0]
    assert (row["kind"], row["keyword"], row["damage_keyword"]) == ("substation", "substation", "minor damage")
    assert row["distance_km"] == pytest.approx(4.26, abs=0.05)
    assert (row["geo_precision"], row["radius_km"], row["candidates"]) == ("1", 25.0, 9)
    # the other substations in range, farther than the nearest place: not candidates
    assert row["alternatives"] == "SUB-WEST (10.1 km); SUB-CHO (17.9 km)"
    assert row["reason"] == (
        "9 candidates (substation) named by 'substation', 4.3 km away (the nearest place, up to 5 km farther "
        "than the nearest); damage slight"
    )
    single = import_acled(
        write_acled(tmp_path / "izmail.csv", [event("UKR2", "Strike on a boiler house.", IZMAIL)]), odesa
    )
    assert single.account["reason"].iloc[0] == (
        f"boiler_house BH-IZM named by 'boiler', 1.1 km away; damage {DEFAULT_CELL}"
    )


def test_summary_counts_rows_per_reason(tmp_path: Path, odesa) -> None:
    summary = import_acled(write_acled(tmp_path / "acled.csv", MIXED_ROWS), odesa).summary()
    assert summary[["reason_code", "rows", "lines"]].values.tolist() == [
        ["imported", 1, "4"],
        ["imported_candidates", 3, "2-3, 11"],
        ["duplicate_event", 1, "13"],
        ["not_a_strike", 2, "5-6"],
        ["outside_time_window", 2, "7, 12"],
        ["outside_areas", 1, "8"],
        ["no_kind_in_notes", 1, "9"],
        ["no_asset_in_range", 1, "10"],
    ]


def _each(assets: list[str], total: float) -> dict[str, float]:
    return {asset: total / len(assets) for asset in assets}


ODESA_PUMPS = [f"PS-ODE-{i}" for i in range(1, 9)]
ODESA_BOILERS = [f"BH-ODE-{i}" for i in range(1, 9)]


@pytest.mark.parametrize(
    ("notes", "place", "candidates", "keyword"),
    [
        # the kind named first weighs 1, the next 1/2..., renormalised; shared equally within a kind
        ("Drones hit energy infrastructure.", ODESA, {**_each(ODESA_SUBSTATIONS, 2 / 3), "CHP-1": 1 / 3}, "energy"),
        ("A port and a substation were hit.", ODESA, {"PORT-ODE": 2 / 3, **_each(ODESA_SUBSTATIONS, 1 / 3)}, "port"),
        (
            "A substation and the port were hit.",
            ODESA,
            {**_each(ODESA_SUBSTATIONS, 2 / 3), "PORT-ODE": 1 / 3},
            "substation",
        ),
        ("Grain terminal damaged.", ODESA, {"PORT-ODE": 1.0}, "Grain"),  # the logistics hub is 32 km away
        ("Strike on a thermal power plant.", ODESA, {"CHP-1": 1.0}, "thermal"),  # the only generation plant
        ("A boiler house was hit.", ODESA, _each(ODESA_BOILERS, 1.0), "boiler"),
        ("A district heating plant was hit.", ODESA, {**_each(ODESA_BOILERS, 2 / 3), "CHP-1": 1 / 3}, "heating"),
        ("Strike on a water pumping station.", ODESA, _each(ODESA_PUMPS, 1.0), "pumping"),
        (
            "Water supply facilities were hit.",
            ODESA,
            {**_each(ODESA_PUMPS, 2 / 3), **_each(["RES-1", "RES-2"], 1 / 3)},
            "Water",
        ),
        ("Warehouses of a logistics company burned.", TEPLODAR, {"HUB-1": 1.0}, "Warehouses"),
        ("Drones hit port and energy facilities.", PODILSK, {"SUB-POD": 1.0}, "energy"),  # no port in range: generic
        ("Missile strike on a power-plant.", ODESA, {"CHP-1": 1.0}, "power-plant"),
    ],
)
def test_kind_keywords_choose_the_candidates(
    tmp_path: Path, odesa, notes: str, place: dict, candidates: dict[str, float], keyword: str
) -> None:
    result = import_acled(write_acled(tmp_path / "acled.csv", [event("UKR1", notes, place)]), odesa)
    row = result.account.iloc[0]
    assert row["reason_code"] == ("imported" if len(candidates) == 1 else "imported_candidates")
    assert row["keyword"].split(", ")[0] == keyword
    assert weights(row["asset_id"]) == pytest.approx(candidates, abs=1e-6)
    assert list(weights(row["asset_id"])) == list(candidates)  # kinds in the order named, then nearest first
    assert row["candidates"] == len(candidates)


# --- candidates, geo_precision, effects (issue 13, part 7) -----------------------------------


def test_assets_at_the_nearest_place_are_candidates(tmp_path: Path, odesa) -> None:
    # from Teplodar: two backbone substations at 2.8 km, Biliaivka's at 5.2 km, two more at 24 km
    path = write_acled(tmp_path / "acled.csv", [event("UKR1", "Strike on a substation.", TEPLODAR)])
    row = import_acled(path, odesa).account.iloc[0]
    assert row["asset_id"] == "SUB-BB-1:0.333334|SUB-BB-2:0.333333|SUB-BIL:0.333333"
    assert row["alternatives"] == "SUB-OVD (24.1 km); SUB-WEST (24.2 km)"
    nearest_point = import_acled(path, odesa, place_margin_km=0).account.iloc[0]  # only assets sharing a point
    assert nearest_point["asset_id"] == "SUB-BB-1:0.5|SUB-BB-2:0.5"
    assert nearest_point["alternatives"].startswith("SUB-BIL (5.2 km); ")
    wide = import_acled(path, odesa, place_margin_km=30).account.iloc[0]  # capped by the 25 km radius
    assert list(weights(wide["asset_id"])) == ["SUB-BB-1", "SUB-BB-2", "SUB-BIL", "SUB-OVD", "SUB-WEST"]
    assert wide["alternatives"] == ""


def _substations_within(odesa, place: dict, radius: float) -> set[str]:
    """Substations of the scenario within ``radius`` km of an ACLED place (computed here, independently)."""
    subs = odesa.assets[odesa.assets["kind"] == "substation"]
    far = distance_km(
        float(place["latitude"]), float(place["longitude"]), subs["latitude"].to_numpy(), subs["longitude"].to_numpy()
    )
    return set(subs.loc[far <= radius, "asset_id"])


@pytest.mark.parametrize(("geo_precision", "radius"), [("1", 25.0), ("2", 50.0), ("3", 100.0), ("", 25.0)])
def test_geo_precision_widens_the_radius(tmp_path: Path, odesa, geo_precision: str, radius: float) -> None:
    path = write_acled(tmp_path / "acled.csv", [event("UKR1", "Strike on a substation.", geo_precision=geo_precision)])
    row = import_acled(path, odesa).account.iloc[0]
    assert row["radius_km"] == radius
    assert row["reason_code"] == "imported_candidates"
    candidates = weights(row["asset_id"])
    if radius == 25.0:  # the nearest place only
        assert set(candidates) == set(ODESA_SUBSTATIONS)
    else:  # anywhere around: every substation within the widened radius, equally likely
        assert set(candidates) == _substations_within(odesa, ODESA, radius)
        assert len(candidates) > 9 and row["alternatives"] == ""
    assert all(abs(weight - 1 / len(candidates)) < 1e-6 for weight in candidates.values())  # equal, as written


def test_geo_precision_decides_whether_an_event_is_in_the_scenario(tmp_path: Path, odesa) -> None:
    sea = {"location": "Black Sea", "latitude": "46.0", "longitude": "31.3"}  # 61.9 km from the nearest centroid
    rows = [event(f"UKR{level}", "Strike on a substation.", sea, geo_precision=level) for level in "123"]
    rows.append(event("UKR4", "Strike on a well field.", geo_precision="1"))  # the well field is 36.5 km away
    rows.append(event("UKR5", "Strike on a well field.", geo_precision="2"))
    result = import_acled(write_acled(tmp_path / "acled.csv", rows), odesa)
    assert account_of(result)[:2] == [(2, "outside_areas", "", ""), (3, "outside_areas", "", "")]
    assert (
        result.account["reason"]
        .iloc[1]
        .startswith("outside the scenario's areas: no area centroid or asset within 50 km")
    )
    assert result.account["reason_code"].tolist()[2:] == ["imported_candidates", "no_asset_in_range", "imported"]
    assert set(weights(result.account["asset_id"].iloc[2])) == _substations_within(odesa, sea, 100.0)
    assert result.account["asset_id"].iloc[4] == "WELL-1"


def test_bad_geo_precision_is_a_bad_row(tmp_path: Path, odesa) -> None:
    path = write_acled(
        tmp_path / "acled.csv", [event("UKR1", "substation hit", geo_precision="4"), event("UKR2", "substation hit")]
    )
    with pytest.raises(AcledError) as raised:
        import_acled(path, odesa)
    assert [str(p) for p in raised.value.problems] == [
        f"{path}:2: geo_precision: '4' is out of range; must be >= 1 and <= 3"
    ]
    assert import_acled(path, odesa, skip_bad_rows=True).account["reason_code"].tolist() == [
        "bad_row",
        "imported_candidates",
    ]


@pytest.mark.parametrize(
    ("notes", "reason_code", "kinds", "effects"),
    [
        # the effect alone would have made a substation (power) or boiler houses (heating) the target
        ("A drone hit a residential building, causing power outages.", "effects_only", "", "power outages"),
        (
            "A drone hit an apartment block, leaving 2,000 people without heating.",
            "effects_only",
            "",
            "without heating",
        ),
        ("District heating disrupted after the strike.", "effects_only", "", "heating disrupted"),
        (
            "Shelling resulted in blackouts and water supply interruptions.",
            "effects_only",
            "",
            "blackouts; water supply interruptions",
        ),
        ("Shelling of the city centre, resulting in blackouts.", "no_kind_in_notes", "", "blackouts"),
        # what was hit stays the target; the effect is only reported
        (
            "Energy infrastructure was hit, leaving residents without heating.",
            "imported_candidates",
            "substation, chp_plant",  # not boiler houses: "heating" was an effect
            "without heating",
        ),
        (
            "Drones struck a substation, causing power outages and leaving residents without water and heat.",
            "imported_candidates",
            "substation",
            "power outages; without water and heat",
        ),
        (
            "A missile hit the power plant; power was restored in the evening.",
            "imported",
            "chp_plant",
            "power was restored",
        ),
        ("Strikes on the power grid caused blackouts.", "imported_candidates", "substation, chp_plant", "blackouts"),
        (
            "Water supply facilities were hit, causing power outages.",
            "imported_candidates",
            "pumping_station, reservoir",
            "power outages",
        ),
    ],
)
def test_effects_are_not_targets(tmp_path: Path, odesa, notes: str, reason_code: str, kinds: str, effects: str) -> None:
    result = import_acled(write_acled(tmp_path / "acled.csv", [event("UKR1", notes)]), odesa)
    row = result.account.iloc[0]
    assert (row["reason_code"], row["kind"], row["effects"]) == (reason_code, kinds, effects)
    if reason_code == "effects_only":
        assert row["reason"].startswith("the notes name asset kinds only in effects ('")
        assert result.strikes.empty
    if effects and reason_code.startswith("imported"):
        assert "effects not read as targets: '" in result.strikes["notes"].iloc[0]


@pytest.mark.parametrize("pattern", EFFECT_PATTERNS, ids=[pattern.name for pattern in EFFECT_PATTERNS])
def test_every_documented_effect_example_is_masked(pattern) -> None:
    for example in pattern.examples:
        assert pattern.pattern.search(example), example
        masked, effects = mask_effects(example)
        assert effects and len(masked) == len(example)
        assert kind_mentions(masked, KIND_KEYWORDS) == [], example


@pytest.mark.parametrize(
    "text",
    [
        "a power plant was hit",
        "power lines were cut by debris",
        "water supply facilities were hit",
        "the heating plant was knocked out",
        "energy infrastructure was affected",
        "drones attacked the power grid",
        "the gas distribution station was hit",
        "a powerful explosion",
    ],
)
def test_targets_that_look_like_services_are_not_effects(text: str) -> None:
    assert mask_effects(text) == (text, ())


def test_every_row_is_accounted_for_with_the_new_outcomes(tmp_path: Path, odesa) -> None:
    scenario = dataclasses.replace(
        odesa, assets=odesa.assets.replace({"asset_id": {"BH-IZM": "BH|IZM"}})
    )  # matching reads assets only
    rows = [
        *MIXED_ROWS,
        event("UKR2001", "A drone hit a residential building, causing a power outage."),
        event("UKR2002", "Boiler houses in Izmail were hit.", IZMAIL),  # alone: the id needs no weight
        event("UKR2003", "Heating facilities in Izmail were hit.", IZMAIL, geo_precision="2"),  # with others: no cell
    ]
    result = import_acled(write_acled(tmp_path / "acled.csv", rows), scenario)
    codes = result.account["reason_code"].tolist()
    assert codes[-3:] == ["effects_only", "imported", "pipe_in_candidate_id"]
    assert result.account["asset_id"].iloc[-2] == "BH|IZM"
    assert result.account["reason"].iloc[-1].startswith("4 candidate assets and the id of BH|IZM contains '|'")
    summary = import_acled(write_acled(tmp_path / "acled.csv", rows), scenario).summary()
    assert summary["rows"].sum() == len(rows) == len(result.account)
    assert summary["reason_code"].tolist() == [code for code in REASONS if code in codes]  # the order of REASONS
    imported = result.account[result.account["status"] == "imported"]
    assert len(imported) == len(result.strikes) == 5
    assert imported["candidates"].tolist() == [
        len(parse_weighted(cell, known=set(scenario.assets["asset_id"]))) for cell in imported["asset_id"]
    ]
    assert (result.account.loc[result.account["status"] == "skipped", "candidates"] == 0).all()


@pytest.mark.parametrize(
    ("pairs", "cell"),
    [
        ([("A", 1.0)], "A"),
        ([("A", 0.5), ("B", 0.5)], "A:0.5|B:0.5"),
        ([("A", 1 / 3), ("B", 1 / 3), ("C", 1 / 3)], "A:0.333334|B:0.333333|C:0.333333"),
        ([("A", 2 / 3), ("B", 1 / 3)], "A:0.666667|B:0.333333"),
        ([("A", 1 / 7)] + [(f"B{i}", 1 / 7) for i in range(6)], None),
        ([("A", 2.0), ("B", 6.0)], "A:0.25|B:0.75"),  # rescaled to sum to 1
    ],
)
def test_weighted_cell_sums_to_one_as_written(pairs: list, cell: str | None) -> None:
    written = weighted_cell(pairs)
    if cell is not None:
        assert written == cell
    parsed = parse_weighted(written)
    assert [value for value, _ in parsed] == [value for value, _ in pairs]
    total = math.fsum(weight for _, weight in pairs)
    assert all(abs(got - weight / total) < 1e-6 for (_, got), (_, weight) in zip(parsed, pairs, strict=True))
    if len(pairs) > 1:
        assert sum(Decimal(part.rpartition(":")[2]) for part in written.split("|")) == 1


def test_weighted_cell_refuses_a_weight_too_small_to_write() -> None:
    with pytest.raises(ValueError, match="below 1e-6"):
        weighted_cell([("A", 1.0), ("B", 1e-9)])


def test_radius_option_limits_the_search(tmp_path: Path, odesa) -> None:
    path = write_acled(tmp_path / "acled.csv", [event("UKR1", "Strike on a well field.")])
    wide = import_acled(path, odesa, radius_km=40)
    assert wide.account["asset_id"].tolist() == ["WELL-1"]
    assert wide.account["distance_km"].iloc[0] == pytest.approx(36.48, abs=0.01)
    narrow = import_acled(path, odesa)  # the default radius, 25 km
    assert narrow.account["reason"].tolist() == [
        "no asset of a kind named in the notes (well ('well field')) within 25 km (nearest WELL-1, 36.5 km)"
    ]
    assert narrow.strikes.empty


def test_kind_absent_from_the_scenario(tmp_path: Path, odesa) -> None:
    assets = odesa.assets[odesa.assets["kind"] != "well"]
    scenario = dataclasses.replace(odesa, assets=assets.reset_index(drop=True))  # matching reads assets only
    result = import_acled(write_acled(tmp_path / "acled.csv", [event("UKR1", "Strike on a well field.")]), scenario)
    assert result.account["reason"].tolist() == [
        "no asset of a kind named in the notes: the scenario has no well ('well field')"
    ]


def test_missing_restoration_curve_is_a_reason(tmp_path: Path) -> None:
    folder = copy_bundled(tmp_path / "scenario")
    assets = (folder / "assets.csv").read_text(encoding="utf-8")
    (folder / "assets.csv").write_text(
        assets.replace(
            "PORT-IZM,Port of Izmail,port,UA5108003,45.36,28.84,,",
            "PORT-IZM,Port of Izmail,port,UA5108003,45.36,28.84,test_only,",
        ),
        encoding="utf-8",
    )
    with (folder / "restoration.csv").open("a", encoding="utf-8") as handle:
        handle.write("test_only,moderate,fixed,3,,assumption: test\n")
    path = write_acled(
        tmp_path / "acled.csv",
        [
            event("UKR1", "The port of Izmail was destroyed.", IZMAIL),
            event("UKR2", "The port of Izmail was damaged, not destroyed.", IZMAIL),
            event("UKR3", "The port of Izmail was hit.", IZMAIL),  # the default weights: slight to extensive
        ],
    )
    result = import_acled(path, folder)
    assert account_of(result) == [
        (2, "no_restoration_curve", "PORT-IZM", "extensive:0.6|complete:0.4"),
        (3, "imported", "PORT-IZM", "moderate"),  # moderate:0.6|extensive:0.4 capped below extensive
        (4, "no_restoration_curve", "PORT-IZM", DEFAULT_CELL),
    ]
    assert result.account["reason"].iloc[0] == (
        "asset PORT-IZM (class 'test_only') has no restoration curve at "
        "'extensive', 'complete'; add rows to the scenario's restoration.csv"
    )
    assert (
        result.account["reason"]
        .iloc[2]
        .startswith("asset PORT-IZM (class 'test_only') has no restoration curve at 'slight', 'extensive';")
    )
    assert result.account["candidates"].tolist() == [0, 1, 0]
    assert result.strikes["strike_id"].tolist() == ["UKR2"]


def test_time_precision_above_one_is_noted(tmp_path: Path, odesa) -> None:
    path = write_acled(
        tmp_path / "acled.csv", [event("UKR1", "substation hit", time_precision="2"), event("UKR2", "substation hit")]
    )
    notes = import_acled(path, odesa).account["date_note"].tolist()
    assert notes[0].startswith("ACLED time_precision 2: the date is less certain than the day")
    assert notes[1] == ""


def test_only_the_needed_columns_are_required(tmp_path: Path, odesa) -> None:
    header = ("event_id_cnty", "event_date", "event_type", "sub_event_type", "latitude", "longitude", "notes")
    result = import_acled(write_acled(tmp_path / "acled.csv", [event("UKR1", "substation hit")], header), odesa)
    assert result.strikes["asset_id"].tolist() == [ODESA_SUBSTATIONS_CELL]
    assert result.account["radius_km"].tolist() == [25.0]  # no geo_precision column: read as 1
    assert pd.isna(result.strikes["killed"].iloc[0])


def test_the_latest_version_of_an_event_is_considered(tmp_path: Path, odesa) -> None:
    path = write_acled(
        tmp_path / "acled.csv",
        [
            event("UKR1", "A drone hit the substation.", timestamp="1766500000", fatalities="1"),
            event("UKR1", "A drone hit the substation; it was destroyed.", timestamp="1766900000", fatalities="3"),
            event("UKR2", "Strike on a boiler house.", timestamp="1766900000"),
            event("UKR2", "Strike on a boiler house, an older copy.", timestamp="1766500000"),
        ],
    )
    result = import_acled(path, odesa)
    assert account_of(result) == [
        (2, "duplicate_event", "", ""),
        (3, "imported_candidates", ODESA_SUBSTATIONS_CELL, "extensive:0.6|complete:0.4"),
        (4, "imported_candidates", "|".join(f"BH-ODE-{i}:0.125" for i in range(1, 9)), DEFAULT_CELL),
        (5, "duplicate_event", "", ""),
    ]
    assert result.account["reason"].iloc[0].startswith("same event_id_cnty UKR1 as line 3, the row considered")
    assert result.strikes["killed"].tolist() == [3, 0]


# --- dates and times --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["2025-12-20", "20-12-2025", "20 December 2025", "20-Dec-2025", "20 Sept 2025", " 2025-12-20 "]
)
def test_event_date_formats(text: str) -> None:
    expected = date(2025, 9, 20) if "Sep" in text else date(2025, 12, 20)
    assert parse_event_date(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2025/12/20", "'2025/12/20' is not a date; ACLED dates are YYYY-MM-DD, dd-mm-yyyy or like '19 December 2025'"),
        ("12-20-2025", "'12-20-2025' is not a date (month must be in 1..12)"),
        ("31-02-2025", "'31-02-2025' is not a date (day is out of range for month)"),
        ("20 Foo 2025", "'20 Foo 2025' is not a date;"),
        ("", "'' is not a date;"),
    ],
)
def test_bad_event_dates(text: str, message: str) -> None:
    with pytest.raises(ValueError, match="^" + message.replace("(", r"\(").replace(")", r"\)")):
        parse_event_date(text)


@pytest.mark.parametrize("date_text", ["2025-12-20", "20-12-2025", "20 December 2025"])
def test_both_date_formats_give_the_same_strike(tmp_path: Path, odesa, date_text: str) -> None:
    path = write_acled(tmp_path / "acled.csv", [event("UKR1", "substation hit", event_date=date_text)])
    assert [t.isoformat() for t in import_acled(path, odesa).strikes["time"]] == ["2025-12-20T00:00:00+02:00"]


def test_time_window_is_first_day_to_end_of_horizon(tmp_path: Path, odesa) -> None:
    days = ["2025-12-11", "2025-12-12", "2026-01-12", "2026-01-13"]
    path = write_acled(
        tmp_path / "acled.csv", [event(f"UKR{i}", "substation hit", event_date=day) for i, day in enumerate(days)]
    )
    assert import_acled(path, odesa).account["status"].tolist() == ["skipped", "imported", "imported", "skipped"]
    short = odesa.with_config(horizon_hours=36)  # ends 2025-12-14 10:00: that day starts before the end
    path = write_acled(
        tmp_path / "short.csv",
        [
            event("UKR1", "substation hit", event_date="2025-12-14"),
            event("UKR2", "substation hit", event_date="2025-12-15"),
        ],
    )
    assert import_acled(path, short).account["reason_code"].tolist() == ["imported_candidates", "outside_time_window"]


def test_time_of_day_and_daylight_saving(tmp_path: Path) -> None:
    folder = copy_bundled(tmp_path / "spring")
    toml = (folder / "scenario.toml").read_text(encoding="utf-8")
    spring = toml.replace('start = "2025-12-12T22:00:00+02:00"', 'start = "2025-03-29T00:00:00+02:00"')
    assert spring != toml
    toml = spring.replace("horizon_hours = 744", "horizon_hours = 96")
    (folder / "scenario.toml").write_text(toml, encoding="utf-8")
    (folder / "strikes.csv").write_text("strike_id,time,asset_id,damage_state\n", encoding="utf-8")
    path = write_acled(
        tmp_path / "acled.csv",
        [
            event("UKR1", "substation hit", event_date="2025-03-29"),
            event("UKR2", "substation hit", event_date="2025-03-30"),  # clocks go forward at 03:00 that night
            event("UKR3", "substation hit", event_date="2025-03-31"),
        ],
    )
    noon = import_acled(path, folder, time_of_day="12:00").strikes["time"]
    assert [t.isoformat() for t in noon] == [
        "2025-03-29T12:00:00+02:00",
        "2025-03-30T12:00:00+03:00",
        "2025-03-31T12:00:00+03:00",
    ]
    skipped = import_acled(path, folder, time_of_day="03:30").strikes["time"]  # 03:30 does not exist on the 30th
    assert skipped.iloc[1].isoformat() == "2025-03-30T04:00:00+03:00"


def test_parse_time_of_day() -> None:
    assert parse_time_of_day("7:05") == time(7, 5)
    assert parse_time_of_day(time(12, 0)) == time(12, 0)
    for bad in ("24:00", "noon", "12:60", "12"):
        with pytest.raises(ValueError, match="is not a time of day; write HH:MM"):
            parse_time_of_day(bad)


# --- damage states ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("notes", "cell"),
    [
        ("The substation was completely destroyed.", "complete"),
        ("The substation was destroyed.", "extensive:0.6|complete:0.4"),
        ("The substation was heavily damaged.", "extensive"),
        ("The substation was partially destroyed.", "moderate:0.3|extensive:0.7"),
        ("A fire broke out at the substation.", "moderate:0.4|extensive:0.6"),
        ("The substation was partially damaged.", "slight:0.3|moderate:0.7"),
        ("Minor damage to the substation.", "slight"),
        ("Debris fell near the substation; no damage was reported.", "none"),
        ("The substation was struck without damage.", "none"),
        ("The substation was damaged.", "moderate:0.6|extensive:0.4"),  # vague: weights
        ("A drone hit the substation.", DEFAULT_CELL),  # no damage phrase: the default weights
        ("Shells fell near the substation; artillery fire continued.", DEFAULT_CELL),  # "fire" alone is not a blaze
    ],
)
def test_default_damage_rules(tmp_path: Path, odesa, notes: str, cell: str) -> None:
    result = import_acled(write_acled(tmp_path / "acled.csv", [event("UKR1", notes)]), odesa)
    assert result.strikes["damage_state"].tolist() == [cell]


@pytest.mark.parametrize(
    ("notes", "cell", "negated"),
    [
        ("The substation was not destroyed, minor damage.", "slight", "destroyed"),
        ("The substation was damaged but not destroyed.", "moderate", "destroyed"),
        ("The substation was not destroyed.", "slight:0.333333|moderate:0.666667", "destroyed"),  # default, capped
        ("There was no serious damage to the substation.", "slight:0.333333|moderate:0.666667", "serious damage"),
        ("The substation wasn’t heavily damaged; it was damaged.", "moderate", "heavily damaged"),
        ("The substation was not completely destroyed.", "moderate:0.3|extensive:0.7", ""),  # a phrase of its own
        ("The substation wasn't damaged.", "none", ""),
        ("No fatalities and heavy damage to the substation.", "extensive", ""),  # "no" negates its own clause
        # a negation never overrides what another clause states: the statement stays
        ("It was not destroyed; the substation transformer was heavily damaged.", "extensive", "destroyed"),
    ],
)
def test_negations_lower_the_damage_state(tmp_path: Path, odesa, notes: str, cell: str, negated: str) -> None:
    result = import_acled(write_acled(tmp_path / "acled.csv", [event("UKR1", notes)]), odesa)
    row = result.account.iloc[0]
    assert (row["damage_state"], row["negated"]) == (cell, negated)
    assert result.strikes["damage_state"].tolist() == [cell]
    assert weights(cell) == pytest.approx(dict(read_damage(notes, DAMAGE_RULES).weights), abs=1e-6)


def test_negated_phrase_is_recorded_in_the_strike_notes(tmp_path: Path, odesa) -> None:
    path = write_acled(tmp_path / "acled.csv", [event("UKR1", "The substation was not destroyed, minor damage.")])
    notes = import_acled(path, odesa).strikes["notes"].iloc[0]
    assert "damage slight by the phrase 'minor damage'; negated 'destroyed' (below extensive)" in notes


@pytest.mark.parametrize(
    ("text", "phrase", "negated"),
    [
        ("not destroyed", "destroyed", True),
        ("was not completely destroyed", "completely destroyed", True),
        ("no serious damage", "serious damage", True),
        ("it wasn't burned", "burned", True),
        ("it wasn’t burned", "burned", True),  # curly apostrophe
        ("neither damaged nor destroyed", "destroyed", True),
        ("never damaged", "damaged", True),
        ("not destroyed, minor damage", "minor damage", False),  # the comma ends the clause
        ("no one was hurt but the substation was destroyed", "destroyed", False),
        ("not a single building of the area was destroyed", "destroyed", False),  # more than 3 words before
        ("the substation was destroyed", "destroyed", False),
    ],
)
def test_is_negated(text: str, phrase: str, negated: bool) -> None:
    assert is_negated(text, text.index(phrase)) is negated


def test_default_damage_state_applies_only_without_a_damage_phrase(tmp_path: Path, odesa) -> None:
    path = write_acled(
        tmp_path / "acled.csv",
        [
            event("UKR1", "A drone hit the substation."),
            event("UKR2", "The substation was destroyed."),
            event("UKR3", "The substation was not destroyed."),
        ],
    )
    result = import_acled(path, odesa, default_damage_state="slight")
    assert result.strikes["damage_state"].tolist() == ["slight", "extensive:0.6|complete:0.4", "slight"]
    extensive = import_acled(path, odesa, default_damage_state="extensive")
    # "not destroyed" caps below extensive: a default at or above the cap becomes the state just below
    assert extensive.strikes["damage_state"].tolist() == ["extensive", "extensive:0.6|complete:0.4", "moderate"]
    spread = import_acled(path, odesa, default_damage_state="moderate:0.5|extensive:0.5")
    assert spread.strikes["damage_state"].tolist() == [
        "moderate:0.5|extensive:0.5",
        "extensive:0.6|complete:0.4",
        "moderate",
    ]


def test_damage_rules_file_replaces_the_built_in_rules(tmp_path: Path, odesa) -> None:
    rules = tmp_path / "rules.csv"
    rules.write_text(
        "keyword,damage_state\ntransformer,complete\nhit,slight\nstruck,moderate:0.5|extensive:0.5\n",
        encoding="utf-8",
    )
    path = write_acled(
        tmp_path / "acled.csv",
        [
            event("UKR1", "A drone hit the substation; a transformer burned."),
            event("UKR2", "A drone hit the substation."),
            event("UKR3", "The substation was destroyed."),  # 'destroyed' is no longer a rule
            event("UKR4", "A drone struck the substation."),
            event("UKR5", "The substation was not hit."),  # negated: the default capped below slight
        ],
    )
    result = import_acled(path, odesa, damage_rules=rules)
    assert result.strikes["damage_state"].tolist() == [
        "complete",
        "slight",
        DEFAULT_CELL,
        "moderate:0.5|extensive:0.5",
        "none",
    ]
    as_objects = import_acled(path, odesa, damage_rules=[DamageRule("substation", "none")])
    assert as_objects.strikes["damage_state"].tolist() == ["none"] * 5


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (
            "keyword,damage_state\nhit,severe\n",
            "rules.csv:2: damage_state: 'severe' is not a damage state; choose one of none, slight, moderate, "
            "extensive, complete, or weights such as moderate:0.6|extensive:0.4",
        ),
        (
            "keyword,damage_state\nhit,moderate:0.6|extensive:0.6\n",
            "rules.csv:2: damage_state: the weights sum to 1.2; they must sum to 1",
        ),
        (
            "keyword,damage_state\nhit,slight\nHit,moderate\n",
            "rules.csv:3: keyword: 'Hit' repeats line 2; this row would never apply",
        ),
        ("keyword,damage_state\n,slight\n", "rules.csv:2: keyword: is empty; a value is required"),
        ("keyword,state\nhit,slight\n", "rules.csv:1: damage_state: required column is missing from the header"),
        ("", "rules.csv:0: -: file is empty; expected a header row with columns keyword, damage_state"),
        ("keyword,damage_state\n", "rules.csv:0: -: has a header but no rules; add keyword,damage_state rows"),
    ],
)
def test_bad_damage_rules_file(tmp_path: Path, odesa, content: str, problem: str) -> None:
    rules = tmp_path / "rules.csv"
    rules.write_text(content, encoding="utf-8")
    path = write_acled(tmp_path / "acled.csv", [event("UKR1", "substation hit")])
    with pytest.raises(AcledError) as raised:
        import_acled(path, odesa, damage_rules=rules)
    assert [str(p) for p in raised.value.problems] == [problem.replace("rules.csv", str(rules), 1)]


def _expected_level(rule: DamageRule) -> float:
    """The mean index of a rule's damage states in DAMAGE_STATES (0 none ... 4 complete)."""
    return sum(DAMAGE_STATES.index(state) * weight for state, weight in rule.weights)


def test_damage_rules_run_from_most_to_least_severe() -> None:
    stating = [rule for rule in DAMAGE_RULES if rule.keyword not in ("damaged", "damage")]
    levels = [_expected_level(rule) for rule in stating]
    assert levels == sorted(levels, reverse=True)
    assert [rule.keyword for rule in DAMAGE_RULES[-2:]] == ["damaged", "damage"]  # no degree stated: last


def test_every_damage_rule_and_the_default_are_valid_weights() -> None:
    for rule in DAMAGE_RULES:
        pairs = parse_damage_weights(rule.damage_state)
        assert abs(sum(weight for _, weight in pairs) - 1.0) <= WEIGHT_TOLERANCE, rule
    assert weighted_cell(parse_damage_weights(DEFAULT_DAMAGE_STATE)) == DEFAULT_CELL


# --- keyword matching -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "text", "found"),
    [
        ("port", "struck the port of Odesa", True),
        ("port", "two ports were hit", True),
        ("port", "near the airport", False),
        ("port", "transport company", False),
        ("power plant", "a power-plant", True),
        ("power plant", "power  plants", True),
        ("power", "a powerful explosion", False),
        ("CHP", "the Odesa chp", True),
    ],
)
def test_phrase_pattern_matches_whole_words(phrase: str, text: str, found: bool) -> None:
    assert bool(phrase_pattern(phrase).search(text)) is found


def test_kind_mentions_put_specific_before_generic() -> None:
    tiers = kind_mentions("Energy facilities and a port were hit; grain burned.", KIND_KEYWORDS)
    assert [tier.kinds for tier in tiers] == [
        ("port", "logistics_hub"),
        tuple(["substation", "power_plant", "chp_plant", "power_line"]),
    ]
    assert tiers[0].keywords == {"port": "port", "logistics_hub": "grain"}
    assert kind_mentions("Shelling of a residential area.", KIND_KEYWORDS) == []


def test_keyword_damage_effect_and_reason_tables_are_documented() -> None:
    guide = (Path(__file__).resolve().parents[1] / "docs" / "user-guide.md").read_text(encoding="utf-8")
    section = guide[guide.index("## 6. Strikes from ACLED") : guide.index("## 7.")]
    table_rows = {line for line in section.splitlines() if line.startswith("| ")}
    for rule in KIND_KEYWORDS:
        kinds = ", ".join(f"`{kind}`" for kind in rule.kinds)
        assert any(f" {rule.keyword}," in row.replace(" |", ",") and f"| {kinds} |" in row for row in table_rows), rule
    for rule in DAMAGE_RULES:
        cell = rule.damage_state.replace("|", "\\|")  # a pipe inside a markdown table cell is escaped
        assert any(
            row.startswith(f"| `{cell}` |") and f" {rule.keyword}," in row.replace(" |", ",") for row in table_rows
        ), rule
    for pattern in EFFECT_PATTERNS:
        row = next(row for row in table_rows if row.startswith(f"| {pattern.name}"))
        assert all(example in row for example in pattern.examples), pattern
    for code in REASONS:
        assert any(row.startswith(f"| `{code}` |") for row in table_rows), code
    for level, factor in GEO_PRECISION_RADIUS_FACTOR.items():
        radius = "`--radius-km` (default 25 km)" if factor == 1 else f"{factor:g} × `--radius-km` ({25 * factor:g} km)"
        assert any(row.startswith(f"| {level} | {radius} |") for row in table_rows), level
    assert f"default `{DEFAULT_DAMAGE_STATE}`" in section


def test_distance_and_line_ranges() -> None:
    # one degree of latitude is 111.2 km on the mean sphere
    assert distance_km(46.0, 30.0, np.array([47.0]), np.array([30.0]))[0] == pytest.approx(111.195, abs=0.001)
    assert np.isnan(distance_km(46.0, 30.0, np.array([np.nan]), np.array([30.0]))[0])
    assert line_ranges([9, 2, 3, 4, 7, 8, 12]) == "2-4, 7-9, 12"
    assert line_ranges([]) == ""
    assert line_ranges([2, 4, 6, 8, 9], max_ranges=2) == "2, 4, ... (2 more)"


# --- bad input --------------------------------------------------------------------------------


def _good_text() -> str:
    return (
        "event_id_cnty,event_date,event_type,sub_event_type,latitude,longitude,notes\n"
        "UKR1,2025-12-19,Explosions/Remote violence,Air/drone strike,46.4775,30.7326,substation hit\n"
    )


#: (case, bytes of the file, the exact problem lines).
MALFORMED = [
    (
        "empty",
        b"",
        "{f}:0: -: file is empty; expected a header row with columns event_id_cnty, event_date, "
        "event_type, sub_event_type, latitude, longitude, notes",
    ),
    (
        "header-only",
        b"event_id_cnty,event_date,event_type,sub_event_type,latitude,longitude,notes\n",
        "{f}:0: -: has a header row but no events",
    ),
    (
        "missing-column",
        _good_text().replace(",notes", "").replace(",substation hit", "").encode(),
        "{f}:1: notes: required column is missing from the header",
    ),
    (
        "utf16",
        _good_text().encode("utf-16"),
        "{f}:0: -: file is UTF-16; save it as UTF-8 (CSV UTF-8 in spreadsheet programs)",
    ),
    (
        "latin1",
        _good_text().replace("substation hit", "café substation").encode("latin-1"),
        "{f}:2: -: not valid UTF-8 (byte 0xe9 at offset 155); save the file as UTF-8",
    ),
    (
        "semicolons",
        _good_text().replace(",", ";").encode(),
        "{f}:1: -: the header is separated by semicolons, not commas; save the file as comma-separated CSV",
    ),
    (
        "misspelt-column",
        _good_text().replace("event_date", "Event Date").encode(),
        "{f}:1: Event Date: unknown column; did you mean 'event_date'? (column names are lower case, as in the "
        "ACLED codebook)\n{f}:1: event_date: required column is missing from the header",
    ),
    (
        "bad-date",
        _good_text().replace("2025-12-19", "2025/12/19").encode(),
        "{f}:2: event_date: '2025/12/19' is not a date; ACLED dates are YYYY-MM-DD, dd-mm-yyyy or like "
        "'19 December 2025'",
    ),
    (
        "bad-latitude",
        _good_text().replace("46.4775", "46,4775").encode(),
        "{f}:2: -: row has 8 fields but the header has 7",
    ),
    (
        "latitude-range",
        _good_text().replace("46.4775", "146.4775").encode(),
        "{f}:2: latitude: '146.4775' is out of range; must be >= -90 and <= 90",
    ),
    (
        "empty-longitude",
        _good_text().replace(",30.7326,", ",,").encode(),
        "{f}:2: longitude: is empty; a value is required",
    ),
    (
        "unbalanced-quote",
        _good_text().replace("substation hit", '"substation hit').encode(),
        '{f}:2: -: a quoted field opened on this line is never closed (unbalanced ")',
    ),
    (
        "nul-byte",
        _good_text().replace("substation", "sub\x00station").encode(),
        "{f}:2: -: contains a NUL byte; this is not a text CSV file",
    ),
]


@pytest.mark.parametrize(("case", "content", "problem"), MALFORMED, ids=[case for case, _c, _p in MALFORMED])
def test_malformed_acled_file(tmp_path: Path, odesa, case: str, content: bytes, problem: str) -> None:
    path = tmp_path / f"{case}.csv"
    path.write_bytes(content)
    with pytest.raises(AcledError) as raised:
        import_acled(path, odesa)
    assert [str(p) for p in raised.value.problems] == problem.format(f=path).splitlines()


def test_bad_fatalities_and_every_problem_at_once(tmp_path: Path, odesa) -> None:
    rows = [
        event("UKR1", "substation hit", fatalities="-1"),
        event("UKR2", "substation hit", event_date="19.12.2025"),
        event("", "substation hit"),
    ]
    path = write_acled(tmp_path / "acled.csv", rows)
    with pytest.raises(AcledError) as raised:
        import_acled(path, odesa)
    assert [str(p) for p in raised.value.problems] == [
        f"{path}:2: fatalities: '-1' is out of range; must be >= 0",
        f"{path}:3: event_date: '19.12.2025' is not a date; ACLED dates are YYYY-MM-DD, dd-mm-yyyy or like "
        "'19 December 2025'",
        f"{path}:4: event_id_cnty: is empty; a value is required",
    ]
    assert raised.value.skippable


def test_skip_bad_rows_lists_them_with_their_reason(tmp_path: Path, odesa) -> None:
    rows = [
        event("UKR1", "substation hit", event_date="2025/12/19"),
        event("UKR2", "substation hit"),
        event("UKR3", "substation hit", latitude="north"),
    ]
    result = import_acled(write_acled(tmp_path / "acled.csv", rows), odesa, skip_bad_rows=True)
    assert result.account["reason_code"].tolist() == ["bad_row", "imported_candidates", "bad_row"]
    assert result.account["reason"].iloc[0].startswith("bad event_date on line 2: '2025/12/19' is not a date")
    assert result.account["reason"].iloc[2] == "bad latitude on line 4: 'north' is not a number"
    assert result.strikes["strike_id"].tolist() == ["UKR2"]


def test_skip_bad_rows_covers_rows_with_a_wrong_number_of_fields(tmp_path: Path, odesa) -> None:
    path = tmp_path / "acled.csv"
    path.write_text(_good_text() + "UKR2,2025-12-19,Explosions/Remote violence\n", encoding="utf-8")
    result = import_acled(path, odesa, skip_bad_rows=True)
    assert result.account["reason"].tolist()[1] == "bad row on line 3: row has 3 fields but the header has 7"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"radius_km": 0}, "radius_km must be a number of kilometres > 0"),
        ({"radius_km": float("nan")}, "radius_km must be a number of kilometres > 0"),
        ({"time_of_day": "noon"}, "'noon' is not a time of day"),
        ({"default_damage_state": "severe"}, "'severe' is not a damage state"),
        ({"damage_rules": [DamageRule("hit", "severe")]}, "damage rule 'hit': 'severe' is not a damage state"),
    ],
)
def test_bad_options_raise_value_error(tmp_path: Path, odesa, options: dict, message: str) -> None:
    path = write_acled(tmp_path / "acled.csv", [event("UKR1", "substation hit")])
    with pytest.raises(ValueError, match=message):
        import_acled(path, odesa, **options)


def test_missing_file(tmp_path: Path, odesa) -> None:
    with pytest.raises(AcledError) as raised:
        import_acled(tmp_path / "nope.csv", odesa)
    assert [str(p) for p in raised.value.problems] == [f"{tmp_path / 'nope.csv'}:0: -: file not found"]


# --- the written strikes.csv validates and runs ---------------------------------------------


#: Rows whose strikes have one asset and one damage state each (plain cells, as before issue 13).
PLAIN_ROWS = [
    event("UKR2001", "Drones struck a substation in Izmail; minor damage.", IZMAIL),
    event("UKR2002", "The port of Izmail was heavily damaged.", IZMAIL, event_date="2025-12-20", fatalities="2"),
    event("UKR2003", "A boiler house in Izmail was completely destroyed.", IZMAIL, event_date="2025-12-21"),
]


def test_written_plain_strikes_validate_and_run_with_the_bundled_scenario(tmp_path: Path, odesa, capsys) -> None:
    result = import_acled(write_acled(tmp_path / "acled.csv", PLAIN_ROWS), odesa)
    assert result.account["reason_code"].tolist() == ["imported"] * 3
    folder = copy_bundled(tmp_path / "scenario")
    result.write_strikes(folder / "strikes.csv")
    loaded = impact.load_scenario(folder)
    assert loaded.strikes["strike_id"].tolist() == ["UKR2001", "UKR2002", "UKR2003"]
    assert loaded.strikes["asset_id"].tolist() == ["SUB-IZM", "PORT-IZM", "BH-IZM"]
    assert loaded.strikes["damage_state"].tolist() == ["slight", "extensive", "complete"]
    assert loaded.strikes["time"].iloc[0] == pd.Timestamp("2025-12-18T22:00:00Z")
    run = impact.run(loaded, samples=0)
    assert run.dataset["asset_down_central"].sel(asset="PORT-IZM").any()
    assert main(["validate", str(folder)]) == 0
    assert "3 strikes" in capsys.readouterr().out
    in_memory = result.scenario_with_strikes()
    assert in_memory.strikes.drop(columns="__line__").equals(loaded.strikes.drop(columns="__line__"))


#: Rows covering every new outcome: candidates, weights, negation, effects, geo_precision 2 and 3.
AMBIGUOUS_ROWS = [
    *MIXED_ROWS,
    event("UKR3001", "A boiler house was damaged but not destroyed.", event_date="2025-12-22"),
    event("UKR3002", "Energy infrastructure was hit, leaving residents without heating.", geo_precision="2"),
    event("UKR3003", "A substation was partially damaged.", TEPLODAR, geo_precision="3"),
]


def test_written_cells_parse_with_weights_summing_to_one(tmp_path: Path, odesa) -> None:
    """Every written asset_id and damage_state cell parses as the loader parses it (issue 13's weighted cells)."""
    result = import_acled(write_acled(tmp_path / "acled.csv", AMBIGUOUS_ROWS), odesa)
    text = result.strikes_csv()
    written = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    assert len(written) == 7
    known = set(odesa.assets["asset_id"])
    for column, values in (("asset_id", known), ("damage_state", set(DAMAGE_STATES))):
        for cell in written[column]:
            pairs = parse_weighted(cell, known=values)
            assert {value for value, _ in pairs} <= values, cell
            assert all(weight > 0 for _, weight in pairs), cell
            assert abs(sum(weight for _, weight in pairs) - 1.0) <= WEIGHT_TOLERANCE, cell
            written_weights = [part.rpartition(":")[2] if ":" in part else "1" for part in cell.split("|")]
            assert sum(map(Decimal, written_weights)) == 1, cell  # exactly 1 as written, in decimal
    assert (written["asset_id"].str.contains("|", regex=False)).sum() == 6  # all but the port of Izmail
    assert result.account["candidates"].sum() == sum(len(parse_weighted(cell)) for cell in written["asset_id"])


def test_written_ambiguous_strikes_load_with_the_bundled_scenario(tmp_path: Path, odesa, capsys) -> None:
    result = import_acled(write_acled(tmp_path / "acled.csv", AMBIGUOUS_ROWS), odesa)
    folder = copy_bundled(tmp_path / "scenario")
    result.write_strikes(folder / "strikes.csv")
    loaded = impact.load_scenario(folder)
    # the loaded strikes keep the cells as written
    assert loaded.strikes["strike_id"].tolist() == result.strikes["strike_id"].tolist()
    assert loaded.strikes["asset_id"].tolist() == result.strikes["asset_id"].tolist()
    assert loaded.strikes["damage_state"].tolist() == result.strikes["damage_state"].tolist()
    assert main(["validate", str(folder)]) == 0
    assert "7 strikes" in capsys.readouterr().out
    in_memory = result.scenario_with_strikes()
    assert in_memory.strikes.drop(columns="__line__").equals(loaded.strikes.drop(columns="__line__"))


def test_written_ambiguous_strikes_run(tmp_path: Path, odesa) -> None:
    result = import_acled(write_acled(tmp_path / "acled.csv", AMBIGUOUS_ROWS), odesa)
    folder = copy_bundled(tmp_path / "scenario")
    result.write_strikes(folder / "strikes.csv")
    run = impact.run(impact.load_scenario(folder), samples=20, seed=3)
    assert run.dataset["asset_down_central"].sel(asset="PORT-IZM").any()


# --- command line -----------------------------------------------------------------------------


def _run(args: list[str], capsys) -> tuple[int, str, str]:
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_cli_writes_strikes_and_report(tmp_path: Path, capsys) -> None:
    acled = write_acled(tmp_path / "acled.csv", MIXED_ROWS)
    out, report = tmp_path / "strikes.csv", tmp_path / "report.csv"
    code, stdout, err = _run(
        ["import-acled", str(acled), "--scenario", "odesa-2025-12", "--out", str(out), "--report", str(report)], capsys
    )
    assert code == 0, err
    assert "odesa-2025-12: 4 strikes from 12 rows" in stdout
    assert (
        "event day at 00:00 Europe/Kyiv, precise to a day; radius 25 km, 50 km at geo_precision 2, "
        "100 km at geo_precision 3)" in stdout
    )
    assert f"wrote {out}" in stdout and f"wrote {report}" in stdout
    assert "no_asset_in_range" in stdout
    written = pd.read_csv(report, keep_default_na=False)
    assert written["line"].tolist() == list(range(2, 14))
    assert written["reason_code"].tolist()[:4] == [
        "imported_candidates",
        "imported_candidates",
        "imported",
        "not_a_strike",
    ]
    assert written["candidates"].tolist()[:4] == [9, 2, 1, 0]
    assert "imported_candidates" in stdout
    assert (
        out.read_text(encoding="utf-8")
        .splitlines()[1]
        .startswith(f"UKR1001,2025-12-19T00:00:00+02:00,{ODESA_SUBSTATIONS_CELL},slight,")
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["acled.csv", "report.csv", "strikes.csv"]


def test_cli_options_change_the_result(tmp_path: Path, capsys) -> None:
    acled = write_acled(
        tmp_path / "acled.csv", [event("UKR1", "A drone hit the substation."), event("UKR2", "Strike on a well field.")]
    )
    rules = tmp_path / "rules.csv"
    rules.write_text("keyword,damage_state\nwell field,complete\n", encoding="utf-8")
    out = tmp_path / "strikes.csv"
    code, stdout, err = _run(
        [
            "import-acled",
            str(acled),
            "--scenario",
            "odesa-2025-12",
            "--out",
            str(out),
            "--radius-km",
            "40",
            "--time-of-day",
            "12:00",
            "--damage-state",
            "slight",
            "--damage-rules",
            str(rules),
        ],
        capsys,
    )
    assert code == 0, err
    assert "the reason for every row: add --report FILE" in stdout
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[1].startswith(f"UKR1,2025-12-19T12:00:00+02:00,{ODESA_SUBSTATIONS_CELL},slight,0,UKR1,")
    assert lines[2].startswith("UKR2,2025-12-19T12:00:00+02:00,WELL-1,complete,0,UKR2,")


def test_cli_damage_weights_and_place_margin(tmp_path: Path, capsys) -> None:
    acled = write_acled(tmp_path / "acled.csv", [event("UKR1", "A drone hit a substation.", TEPLODAR)])
    out = tmp_path / "strikes.csv"
    args = ["import-acled", str(acled), "--scenario", "odesa-2025-12", "--out", str(out)]
    code, _stdout, err = _run([*args, "--damage-state", "moderate:0.5|extensive:0.5", "--place-margin-km", "0"], capsys)
    assert code == 0, err
    row = out.read_text(encoding="utf-8").splitlines()[1]
    assert row.startswith("UKR1,2025-12-19T00:00:00+02:00,SUB-BB-1:0.5|SUB-BB-2:0.5,moderate:0.5|extensive:0.5,0,UKR1,")
    code, _stdout, err = _run(args, capsys)  # the defaults: a 5 km margin, the default weights
    assert code == 0, err
    row = out.read_text(encoding="utf-8").splitlines()[1]
    assert row.startswith(
        f"UKR1,2025-12-19T00:00:00+02:00,SUB-BB-1:0.333334|SUB-BB-2:0.333333|SUB-BIL:0.333333,{DEFAULT_CELL},"
    )


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--radius-km", "0"], "error: --radius-km 0 must be a distance in km > 0"),
        (["--time-of-day", "25:00"], "error: --time-of-day '25:00' is not a time of day"),
        (["--damage-state", "severe"], "error: --damage-state 'severe' is not a damage state"),
        (["--damage-state", "slight:0.5|moderate:0.4"], "error: --damage-state the weights sum to 0.9"),
        (["--place-margin-km", "-1"], "error: --place-margin-km -1 must be a distance in km >= 0"),
        (["--report", "{tmp}/report.txt"], "error: --report '{tmp}/report.txt': write a .csv file"),
        (["--report", "{tmp}/no/such/report.csv"], "does not exist"),
        (["--report", "{tmp}/strikes.csv"], "error: --out and --report name the same file"),
        (["--damage-rules", "{tmp}/missing-rules.csv"], "missing-rules.csv:0: -: cannot read the file"),
        (["--scenario", "no-such-scenario"], "neither a scenario folder nor a bundled scenario"),
    ],
)
def test_cli_bad_options_exit_2_and_write_nothing(tmp_path: Path, capsys, extra: list[str], message: str) -> None:
    acled = write_acled(tmp_path / "acled.csv", [event("UKR1", "substation hit")])
    args = [
        "import-acled",
        str(acled),
        "--scenario",
        "odesa-2025-12",
        "--out",
        str(tmp_path / "strikes.csv"),
        *[part.replace("{tmp}", str(tmp_path)) for part in extra],
    ]
    code, _out, err = _run(args, capsys)
    assert code == 2
    assert message.replace("{tmp}", str(tmp_path)) in err
    assert "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["acled.csv"]


def test_cli_refuses_to_overwrite_its_input(tmp_path: Path, capsys) -> None:
    acled = write_acled(tmp_path / "acled.csv", [event("UKR1", "substation hit")])
    before = acled.read_bytes()
    code, _out, err = _run(["import-acled", str(acled), "--scenario", "odesa-2025-12", "--out", str(acled)], capsys)
    assert code == 2
    assert "is the input file" in err
    assert acled.read_bytes() == before


@pytest.mark.parametrize(("case", "content", "problem"), MALFORMED, ids=[case for case, _c, _p in MALFORMED])
def test_cli_malformed_file_exits_2_and_keeps_the_old_output(
    tmp_path: Path, capsys, case: str, content: bytes, problem: str
) -> None:
    path = tmp_path / f"{case}.csv"
    path.write_bytes(content)
    out = tmp_path / "strikes.csv"
    out.write_text("old content\n", encoding="utf-8")
    code, stdout, err = _run(["import-acled", str(path), "--scenario", "odesa-2025-12", "--out", str(out)], capsys)
    assert code == 2
    assert err.splitlines()[:-1] == problem.format(f=path).splitlines()
    assert "nothing was written" in err.splitlines()[-1]
    assert "Traceback" not in err and stdout == ""
    assert out.read_text(encoding="utf-8") == "old content\n"  # untouched: the write is atomic
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([path.name, out.name])  # no temporary file


def test_cli_bad_rows_suggest_skipping_them(tmp_path: Path, capsys) -> None:
    acled = write_acled(
        tmp_path / "acled.csv",
        [event("UKR1", "substation hit", event_date="2025/12/19"), event("UKR2", "substation hit")],
    )
    out = tmp_path / "strikes.csv"
    code, _out, err = _run(["import-acled", str(acled), "--scenario", "odesa-2025-12", "--out", str(out)], capsys)
    assert code == 2
    assert err.splitlines() == [
        f"{acled}:2: event_date: '2025/12/19' is not a date; ACLED dates are YYYY-MM-DD, dd-mm-yyyy or like "
        "'19 December 2025'",
        f"{acled}: 1 problem(s); nothing was written; add --skip-bad-rows to import the other rows",
    ]
    assert not out.exists()
    code, stdout, err = _run(
        ["import-acled", str(acled), "--scenario", "odesa-2025-12", "--out", str(out), "--skip-bad-rows"], capsys
    )
    assert code == 0, err
    assert "bad_row" in stdout
    assert len(out.read_text(encoding="utf-8").splitlines()) == 2


def test_cli_writes_a_header_only_file_when_nothing_matches(tmp_path: Path, capsys) -> None:
    acled = write_acled(
        tmp_path / "acled.csv",
        [event("UKR1", "Clash", kind={"event_type": "Battles", "sub_event_type": "Armed clash"})],
    )
    out = tmp_path / "strikes.csv"
    code, stdout, err = _run(["import-acled", str(acled), "--scenario", "odesa-2025-12", "--out", str(out)], capsys)
    assert code == 0, err
    assert "0 strikes from 1 row" in stdout
    assert out.read_text(encoding="utf-8") == "strike_id,time,asset_id,damage_state,killed,source,notes\n"
