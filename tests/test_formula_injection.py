"""Formula injection (issue 6): no exported CSV or Excel cell starts like a formula.

A scenario whose every free-text field (area and asset names, sources, notes, the title)
starts with a character a spreadsheet reads as the start of a formula (``= + - @``, tab,
carriage return) is run and exported in every spreadsheet format: the result CSV (HXL) and
workbook, the needs CSV and workbook, the comparison CSV and workbook, and the ``strikes.csv``
and report of ``impact import-acled``. Every file is read back; text cells must not start with
such a character, while numbers (negative ones included) stay numbers. Ids cannot start that way:
the loader rejects them (``tests/test_tables.py``, ``tests/malformed/id-formula-*``), so ids here
hold such characters only after their first.
"""

from __future__ import annotations

import csv
import math
import shutil
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from scenario_factory import at, make_scenario, strike

import impact
from impact.acled import import_acled
from impact.compare import compare
from impact.export import write_needs_csv, write_needs_excel
from impact.export.cells import FORMULA_PREFIXES
from impact.needs import needs
from impact.scenario.bundled import find_bundled

#: Characters that make a spreadsheet read a cell as a formula.
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
IDS = {"=": "=", "+": "+", "-": "-", "@": "@"}  # text that keeps its first character when read (no tab, CR)


def _scenario(char: str, struck: bool = True) -> impact.Scenario:
    """A valid scenario whose text fields all start with ``char`` (ids hold it after their first character)."""
    p = IDS.get(char, "")
    region, d1, d2, sub, pmp = f"R{p}", f"R{p}1", f"R{p}2", f"SUB{p}", f"PMP{p}"
    areas = [
        {
            "area_id": region,
            "name": f'{char}HYPERLINK("http://x")',
            "admin_level": 1,
            "parent_id": "",
            "population": None,
        },
        {"area_id": d1, "name": f"{char}1+1", "admin_level": 2, "parent_id": region, "population": 1000},
        {"area_id": d2, "name": f"{char}cmd|' /C calc'!A0", "admin_level": 2, "parent_id": region, "population": 500},
    ]
    assets = [
        {"asset_id": sub, "name": f"{char}Substation", "kind": "substation", "area_id": d1},
        {"asset_id": pmp, "name": f"{char}Pumping station", "kind": "pumping_station", "area_id": d1},
    ]
    links = [
        {"area_id": d1, "service": "power", "asset_id": sub, "share": 1.0},
        {"area_id": d2, "service": "water", "asset_id": pmp, "share": 0.5},
    ]
    strikes = [] if not struck else [{**strike(f"S{p}1", sub, 2.0), "source": f"{char}SUM(A1)", "notes": f"{char}note"}]
    observations = [
        {
            "time": at(6),
            "area_id": d1,
            "service": "power",
            "value": 100.0,
            "unit": "people",
            "source": f"{char}observer",
        }
    ]
    updates = [{"time": at(20), "asset_id": sub, "status": "up", "source": f"{char}operator"}]
    return make_scenario(
        areas=areas,
        assets=assets,
        service_links=links,
        strikes=strikes,
        observations=observations,
        status_updates=updates,
        samples=5,
        title=f"{char}Title",
        description=f"{char}description",
    )


@pytest.fixture(scope="module", params=DANGEROUS, ids=["eq", "plus", "minus", "at", "tab", "cr"])
def char(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="module")
def result(char: str) -> impact.Result:
    return impact.run(_scenario(char))


def _is_number_text(text: str) -> bool:
    try:
        return math.isfinite(float(text)) and text == text.strip()
    except ValueError:
        return False


def _assert_csv_safe(path: Path) -> list[list[str]]:
    """No text cell of the CSV at ``path`` starts like a formula (numbers may be negative)."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    for n, row in enumerate(rows, start=1):
        for value in row:
            if value.startswith(FORMULA_PREFIXES) and not _is_number_text(value):
                pytest.fail(f"{path.name} line {n}: cell {value!r} starts like a formula")
    return rows


def _assert_xlsx_safe(path: Path) -> None:
    """No text cell of any sheet of the workbook starts like a formula; numbers are numbers."""
    workbook = openpyxl.load_workbook(path)
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula: {cell.value!r}"
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(FORMULA_PREFIXES), (
                        f"{path.name} {sheet.title}!{cell.coordinate}: {cell.value!r} starts like a formula"
                    )


def _assert_numeric(frame: pd.DataFrame, columns: list[str]) -> None:
    for name in columns:
        assert pd.api.types.is_numeric_dtype(frame[name]), f"{name} is {frame[name].dtype}, not numeric"


def test_result_csv(result: impact.Result, char: str, tmp_path: Path) -> None:
    path = result.export(tmp_path / "result.csv")
    _assert_csv_safe(path)
    frame = pd.read_csv(path, skiprows=[1], keep_default_na=False, na_values=[""])
    if char in IDS:  # tabs and carriage returns are stripped when the scenario is read
        assert set(frame["area_id"]) >= {f"R{char}1"}  # not neutralised: it does not start like a formula
        assert frame["area_name"].str.startswith("'").all()
    numeric = [c for c in frame.columns if c.startswith(("people", "share", "households", "population"))]
    assert numeric
    _assert_numeric(frame, numeric)


def test_result_excel(result: impact.Result, char: str, tmp_path: Path) -> None:
    path = result.export(tmp_path / "result.xlsx")
    _assert_xlsx_safe(path)
    sheets = pd.read_excel(path, sheet_name=None, skiprows=[1])
    assert "observations" in sheets
    summary = sheets["summary"]
    _assert_numeric(summary, [c for c in summary.columns if c.startswith("people")])
    observed = sheets["observations"]
    if char in IDS:
        assert observed["source"].str.startswith("'").all()
    _assert_numeric(observed, ["reported_people", "model_central", "central_minus_reported"])


def test_needs_csv_and_excel(result: impact.Result, tmp_path: Path) -> None:
    nd = needs(result)
    rows = _assert_csv_safe(write_needs_csv(nd, tmp_path / "needs.csv"))
    assert len(rows) > 2
    frame = pd.read_csv(tmp_path / "needs.csv", skiprows=[1])
    _assert_numeric(frame, [c for c in frame.columns if c.startswith("water_litres")])
    _assert_xlsx_safe(write_needs_excel(nd, tmp_path / "needs.xlsx"))


def test_compare_csv_and_excel(result: impact.Result, char: str, tmp_path: Path) -> None:
    other = impact.run(_scenario(char), samples=3, seed=7)
    comparison = compare(result, other, names=(f"{char}A", f"{char}B"))
    path = comparison.export(tmp_path / "compare.csv")
    _assert_csv_safe(path)
    frame = pd.read_csv(path, skiprows=[1])
    numeric = [c for c in frame.columns if c.startswith(("difference", "people", "a_", "b_"))]
    _assert_numeric(frame, numeric)
    _assert_xlsx_safe(comparison.export(tmp_path / "compare.xlsx"))


def test_negative_numbers_stay_numbers(tmp_path: Path) -> None:
    """A comparison has negative differences: they are numbers in the CSV and the workbook."""
    a = impact.run(_scenario("-"), samples=0)
    b = impact.run(_scenario("-", struck=False), samples=0)
    comparison = compare(b, a)
    frame = pd.read_csv(comparison.export(tmp_path / "c.csv"), skiprows=[1])
    numbers = frame.select_dtypes("number").to_numpy(dtype=float)
    assert (numbers < 0).any()
    workbook = openpyxl.load_workbook(comparison.export(tmp_path / "c.xlsx"))
    values = [c.value for row in workbook["comparison"].iter_rows(min_row=3) for c in row]
    assert any(isinstance(v, int | float) and v < 0 for v in values)


ACLED_HEADER = (
    "event_id_cnty",
    "event_date",
    "event_type",
    "sub_event_type",
    "location",
    "latitude",
    "longitude",
    "notes",
    "fatalities",
    "timestamp",
    "source",
)


@pytest.mark.parametrize("char", ["=", "+", "-", "@"])
def test_acled_strikes_and_report(char: str, tmp_path: Path) -> None:
    """``strikes.csv`` and the report: ACLED text neutralised, and ``strikes.csv`` still loads."""
    odesa = impact.load_scenario("odesa-2025-12")
    acled = tmp_path / "acled.csv"
    with acled.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(ACLED_HEADER)
        writer.writerow(
            [
                f"{char}UKR1",
                "2025-12-19",
                "Explosions/Remote violence",
                "Air/drone strike",
                f"{char}Odesa",
                "46.4775",
                "30.7326",
                f"{char}Russian drones struck an electrical substation in Odesa; minor damage.",
                "0",
                "1766500000",
                f"{char}Suspilne",
            ]
        )
        writer.writerow(
            [
                f"{char}UKR2",
                "2025-12-19",
                "Explosions/Remote violence",
                "Air/drone strike",
                f"{char}Nowhere",
                "-45.0",
                "-30.0",
                f"{char}a drone hit a substation",
                "0",
                "1766500000",
                "x",
            ]
        )
    imported = import_acled(acled, odesa)
    assert len(imported.strikes) == 1
    strikes = imported.write_strikes(tmp_path / "strikes.csv")
    rows = _assert_csv_safe(strikes)
    header = rows[0]
    assert rows[1][header.index("strike_id")] == f"'{char}UKR1"
    assert rows[1][header.index("notes")].startswith(f"'{char}Russian")
    # strikes.csv is still a valid scenario table: it loads into a copy of the scenario folder
    folder = tmp_path / "scenario"
    shutil.copytree(find_bundled("odesa-2025-12"), folder)
    shutil.copy(strikes, folder / "strikes.csv")
    reloaded = impact.load_scenario(folder)
    assert list(reloaded.strikes["strike_id"]) == [f"'{char}UKR1"]
    report = imported.write_account(tmp_path / "report.csv")
    _assert_csv_safe(report)
    frame = pd.read_csv(report)
    _assert_numeric(frame, ["line", "latitude", "longitude"])
    assert (frame["latitude"] < 0).any() and np.isfinite(frame["latitude"]).all()
