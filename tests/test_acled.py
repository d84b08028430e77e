"""Strikes from ACLED-format data: matching, reasons, dates, damage rules, bad input, CLI, round trip.

Every ACLED file here is written by hand in the test (``tmp_path``) with the column layout of
ACLED's exports; events are matched against the bundled scenario ``odesa-2025-12`` whose
assets sit at the representative points of their areas (Odesa city 46.49 N 30.68 E, Izmail
45.36 N 28.84 E, Odeskyi raion 46.53 N 30.32 E...).
"""

from __future__ import annotations

import csv
import dataclasses
import shutil
from datetime import date, time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import impact
from impact.acled import (
    ACCOUNT_COLUMNS,
    REASONS,
    STRIKE_COLUMNS,
    AcledError,
    distance_km,
    import_acled,
    line_ranges,
    parse_event_date,
    parse_time_of_day,
)
from impact.acled_rules import DAMAGE_RULES, KIND_KEYWORDS, DamageRule, kind_mentions, phrase_pattern
from impact.cli import main
from impact.scenario.bundled import find_bundled

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
    """(line, reason code, asset, damage state) of every row."""
    frame = result.account
    return list(zip(frame["line"], frame["reason_code"], frame["asset_id"], frame["damage_state"], strict=True))


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
    assert account_of(result) == [
        (2, "imported", "SUB-ODE-1", "slight"),
        (3, "imported", "RES-1", "complete"),
        (4, "imported", "PORT-IZM", "extensive"),
        (5, "not_a_strike", "", ""),
        (6, "not_a_strike", "", ""),
        (7, "outside_time_window", "", ""),
        (8, "outside_areas", "", ""),
        (9, "no_kind_in_notes", "", ""),
        (10, "no_asset_in_range", "", ""),
        (11, "imported", "SUB-ODE-1", "moderate"),
        (12, "outside_time_window", "", ""),
        (13, "duplicate_event", "", ""),
    ]
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
    assert (
        result.account["status"] == np.where(result.account["reason_code"] == "imported", "imported", "skipped")
    ).all()


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
    assert "time of day 00:00 assumed" in strikes["notes"].iloc[0]
    text = result.strikes_csv().splitlines()
    assert text[0] == "strike_id,time,asset_id,damage_state,killed,source,notes"
    assert text[1].startswith("UKR1001,2025-12-19T00:00:00+02:00,SUB-ODE-1,slight,0,UKR1001,")
    assert text[3].startswith("UKR1003,2025-12-21T00:00:00+02:00,PORT-IZM,extensive,,UKR1003,")


def test_imported_row_explains_its_match(tmp_path: Path, odesa) -> None:
    result = import_acled(write_acled(tmp_path / "acled.csv", MIXED_ROWS[:1]), odesa)
    row = result.account.iloc[0]
    assert (row["kind"], row["keyword"], row["damage_keyword"]) == ("substation", "substation", "minor damage")
    assert row["distance_km"] == pytest.approx(4.26, abs=0.05)
    assert row["alternatives"].startswith("SUB-ODE-2 (4.3 km); SUB-ODE-3 (4.3 km)")
    assert row["reason"] == "substation SUB-ODE-1 named by 'substation', 4.3 km away; damage slight"


def test_summary_counts_rows_per_reason(tmp_path: Path, odesa) -> None:
    summary = import_acled(write_acled(tmp_path / "acled.csv", MIXED_ROWS), odesa).summary()
    assert summary[["reason_code", "rows", "lines"]].values.tolist() == [
        ["imported", 4, "2-4, 11"],
        ["duplicate_event", 1, "13"],
        ["not_a_strike", 2, "5-6"],
        ["outside_time_window", 2, "7, 12"],
        ["outside_areas", 1, "8"],
        ["no_kind_in_notes", 1, "9"],
        ["no_asset_in_range", 1, "10"],
    ]


@pytest.mark.parametrize(
    ("notes", "place", "asset_id", "keyword"),
    [
        ("Drones hit energy infrastructure.", ODESA, "SUB-ODE-1", "energy"),
        ("A port and a substation were hit.", ODESA, "PORT-ODE", "port"),
        ("A substation and the port were hit.", ODESA, "SUB-ODE-1", "substation"),
        ("Grain terminal damaged.", ODESA, "PORT-ODE", "Grain"),
        ("Strike on a thermal power plant.", ODESA, "CHP-1", "thermal"),  # the scenario's only generation plant
        ("A boiler house was hit.", ODESA, "BH-ODE-1", "boiler"),
        ("District heating disrupted after the strike.", ODESA, "BH-ODE-1", "heating"),
        ("Strike on a water pumping station.", ODESA, "PS-ODE-1", "pumping"),
        ("Water supply facilities were hit.", ODESA, "PS-ODE-1", "Water"),
        ("Warehouses of a logistics company burned.", TEPLODAR, "HUB-1", "Warehouses"),
        ("Drones hit port and energy facilities.", PODILSK, "SUB-POD", "energy"),  # no port in range: generic
        ("Missile strike on a power-plant.", ODESA, "CHP-1", "power-plant"),
    ],
)
def test_kind_keywords_choose_the_asset(
    tmp_path: Path, odesa, notes: str, place: dict, asset_id: str, keyword: str
) -> None:
    result = import_acled(write_acled(tmp_path / "acled.csv", [event("UKR1", notes, place)]), odesa)
    row = result.account.iloc[0]
    assert (row["reason_code"], row["asset_id"], row["keyword"]) == ("imported", asset_id, keyword)


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
            event("UKR2", "The port of Izmail was hit.", IZMAIL),
        ],
    )
    result = import_acled(path, folder)
    assert account_of(result) == [
        (2, "no_restoration_curve", "PORT-IZM", "extensive"),
        (3, "imported", "PORT-IZM", "moderate"),
    ]
    assert result.account["reason"].iloc[0] == (
        "asset PORT-IZM (class 'test_only') has no restoration curve at "
        "'extensive'; add a row to the scenario's restoration.csv"
    )


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
    assert result.strikes["asset_id"].tolist() == ["SUB-ODE-1"]
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
        (3, "imported", "SUB-ODE-1", "extensive"),
        (4, "imported", "BH-ODE-1", "moderate"),
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
    assert import_acled(path, odesa).account["reason_code"].tolist() == [
        "outside_time_window",
        "imported",
        "imported",
        "outside_time_window",
    ]
    short = odesa.with_config(horizon_hours=36)  # ends 2025-12-14 10:00: that day starts before the end
    path = write_acled(
        tmp_path / "short.csv",
        [
            event("UKR1", "substation hit", event_date="2025-12-14"),
            event("UKR2", "substation hit", event_date="2025-12-15"),
        ],
    )
    assert import_acled(path, short).account["reason_code"].tolist() == ["imported", "outside_time_window"]


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
    ("notes", "state"),
    [
        ("The substation was completely destroyed.", "complete"),
        ("The substation was destroyed.", "extensive"),
        ("A fire broke out at the substation.", "extensive"),
        ("The substation was heavily damaged.", "extensive"),
        ("Minor damage to the substation.", "slight"),
        ("Debris fell near the substation; no damage was reported.", "none"),
        ("The substation was damaged.", "moderate"),
        ("A drone hit the substation.", "moderate"),  # no damage phrase: the default
        ("Shells fell near the substation; artillery fire continued.", "moderate"),  # "fire" alone is not a blaze
    ],
)
def test_default_damage_rules(tmp_path: Path, odesa, notes: str, state: str) -> None:
    result = import_acled(write_acled(tmp_path / "acled.csv", [event("UKR1", notes)]), odesa)
    assert result.strikes["damage_state"].tolist() == [state]


def test_default_damage_state_applies_only_without_a_damage_phrase(tmp_path: Path, odesa) -> None:
    path = write_acled(
        tmp_path / "acled.csv",
        [event("UKR1", "A drone hit the substation."), event("UKR2", "The substation was destroyed.")],
    )
    result = import_acled(path, odesa, default_damage_state="slight")
    assert result.strikes["damage_state"].tolist() == ["slight", "extensive"]


def test_damage_rules_file_replaces_the_built_in_rules(tmp_path: Path, odesa) -> None:
    rules = tmp_path / "rules.csv"
    rules.write_text("keyword,damage_state\ntransformer,complete\nhit,slight\n", encoding="utf-8")
    path = write_acled(
        tmp_path / "acled.csv",
        [
            event("UKR1", "A drone hit the substation; a transformer burned."),
            event("UKR2", "A drone hit the substation."),
            event("UKR3", "The substation was destroyed."),  # 'destroyed' is no longer a rule
        ],
    )
    result = import_acled(path, odesa, damage_rules=rules)
    assert result.strikes["damage_state"].tolist() == ["complete", "slight", "moderate"]
    as_objects = import_acled(path, odesa, damage_rules=[DamageRule("substation", "none")])
    assert as_objects.strikes["damage_state"].tolist() == ["none", "none", "none"]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (
            "keyword,damage_state\nhit,severe\n",
            "rules.csv:2: damage_state: 'severe' is not a valid damage_state; choose one of none, slight, moderate, "
            "extensive, complete",
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


def test_damage_rules_run_from_most_to_least_severe() -> None:
    states = [rule.damage_state for rule in DAMAGE_RULES]
    assert states == sorted(states, key=["complete", "extensive", "slight", "none", "moderate"].index)


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


def test_keyword_and_damage_tables_are_documented() -> None:
    guide = (Path(__file__).resolve().parents[1] / "docs" / "user-guide.md").read_text(encoding="utf-8")
    section = guide[guide.index("## 6. Strikes from ACLED") :]
    table_rows = {line for line in section.splitlines() if line.startswith("| ")}
    for rule in KIND_KEYWORDS:
        kinds = ", ".join(f"`{kind}`" for kind in rule.kinds)
        assert any(f" {rule.keyword}," in row.replace(" |", ",") and f"| {kinds} |" in row for row in table_rows), rule
    for rule in DAMAGE_RULES:
        assert any(
            row.startswith(f"| `{rule.damage_state}` |") and f" {rule.keyword}," in row.replace(" |", ",")
            for row in table_rows
        ), rule


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
    assert result.account["reason_code"].tolist() == ["bad_row", "imported", "bad_row"]
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


def test_written_strikes_validate_and_run_with_the_bundled_scenario(tmp_path: Path, odesa, capsys) -> None:
    result = import_acled(write_acled(tmp_path / "acled.csv", MIXED_ROWS), odesa)
    folder = copy_bundled(tmp_path / "scenario")
    result.write_strikes(folder / "strikes.csv")
    loaded = impact.load_scenario(folder)
    assert loaded.strikes["strike_id"].tolist() == ["UKR1001", "UKR1002", "UKR1003", "UKR1010"]
    assert loaded.strikes["asset_id"].tolist() == ["SUB-ODE-1", "RES-1", "PORT-IZM", "SUB-ODE-1"]
    assert loaded.strikes["time"].iloc[0] == pd.Timestamp("2025-12-18T22:00:00Z")
    run = impact.run(loaded, samples=0)
    assert run.dataset["asset_down_central"].sel(asset="PORT-IZM").any()
    assert main(["validate", str(folder)]) == 0
    assert "4 strikes" in capsys.readouterr().out
    in_memory = result.scenario_with_strikes()
    assert in_memory.strikes.drop(columns="__line__").equals(loaded.strikes.drop(columns="__line__"))


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
    assert "event day at 00:00 Europe/Kyiv, precise to a day; radius 25 km" in stdout
    assert f"wrote {out}" in stdout and f"wrote {report}" in stdout
    assert "no_asset_in_range" in stdout
    written = pd.read_csv(report, keep_default_na=False)
    assert written["line"].tolist() == list(range(2, 14))
    assert written["reason_code"].tolist()[:4] == ["imported", "imported", "imported", "not_a_strike"]
    assert out.read_text(encoding="utf-8").splitlines()[1].startswith("UKR1001,2025-12-19T00:00:00+02:00,SUB-ODE-1")
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
    assert lines[1].startswith("UKR1,2025-12-19T12:00:00+02:00,SUB-ODE-1,slight,0,UKR1,")
    assert lines[2].startswith("UKR2,2025-12-19T12:00:00+02:00,WELL-1,complete,0,UKR2,")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--radius-km", "0"], "error: --radius-km 0 must be a distance in km > 0"),
        (["--time-of-day", "25:00"], "error: --time-of-day '25:00' is not a time of day"),
        (["--damage-state", "severe"], "error: --damage-state 'severe' is not a damage state"),
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
