"""Validation of whole scenarios: the malformed corpus, several faults at once, DataFrames, CLI.

Every folder of ``tests/malformed/`` is a complete scenario with one fault and an
``expected.txt`` holding the exact problem lines (``file:line: column: message``) the loader
must report for it -- those lines and nothing else. A ``*`` in an expected line matches any
text. ``tests/malformed/_valid`` is the fault-free base the cases were derived from.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pandas as pd
import pytest

import impact

CORPUS = Path(__file__).parent / "malformed"
VALID = CORPUS / "_valid"
REPO = Path(__file__).resolve().parents[1]
TABLE_FILES = (
    "areas.csv", "assets.csv", "dependencies.csv", "service_links.csv", "strikes.csv",
    "restoration.csv", "observations.csv", "status_updates.csv", "temperature.csv", "blackouts.csv",
)
REQUIRED_FILES = ("scenario.toml", "areas.csv", "assets.csv", "service_links.csv", "strikes.csv")
LINE_FORMAT = re.compile(r"[a-z_]+\.(csv|toml):\d+: [^ ]+: \S.*")

CASES = sorted(p.name for p in CORPUS.iterdir() if p.is_dir() and not p.name.startswith("_"))

#: Cases whose fault is in the bytes of a file, so that DataFrames cannot carry it.
FILE_LEVEL_CASES = {"nul-byte", "not-utf8-areas", "row-extra-field-strikes", "row-missing-field-assets",
                    "unterminated-quote"}


def _case(case: str) -> object:
    return case


def expected_lines(folder: Path) -> list[str]:
    """The expected problem lines of a corpus folder."""
    return (folder / "expected.txt").read_text(encoding="utf-8").splitlines()


def matches(expected: str, actual: str) -> bool:
    """Whether ``actual`` equals ``expected``, where ``*`` in ``expected`` matches any text."""
    pattern = ".*".join(re.escape(part) for part in expected.split("*"))
    return re.fullmatch(pattern, actual, flags=re.DOTALL) is not None


def assert_lines(actual: list[str], expected: list[str]) -> None:
    """Assert the problem lines match the expected ones exactly, one to one and in order."""
    if len(actual) == len(expected) and all(map(matches, expected, actual)):
        return
    assert actual == expected


def problem_lines(source: str | Path) -> list[str]:
    """The problem lines ``load_scenario`` reports for ``source``."""
    with pytest.raises(impact.ScenarioError) as caught:
        impact.load_scenario(source)
    return [str(problem) for problem in caught.value.problems]


# --- the corpus ------------------------------------------------------------------------------

def test_corpus_has_enough_complete_cases() -> None:
    assert len(CASES) >= 24
    for case in CASES:
        folder = CORPUS / case
        assert expected_lines(folder), case
        for name in REQUIRED_FILES:
            missing_on_purpose = case == f"missing-file-{name.replace('.', '-').replace('_', '-')}"
            assert (folder / name).is_file() != missing_on_purpose, (case, name)


def test_expected_lines_have_the_documented_format() -> None:
    for case in CASES:
        for line in expected_lines(CORPUS / case):
            assert LINE_FORMAT.fullmatch(line), (case, line)


def test_matches_wildcards() -> None:
    assert matches("a.csv:2: x: 'v' is (bad)", "a.csv:2: x: 'v' is (bad)")
    assert not matches("a.csv:2: x: 'v'", "a.csv:2: x: 'v' is bad")
    assert matches("a.csv:2: x: *bad*", "a.csv:2: x: 'v' is bad here")
    assert not matches("a.csv:2: x: *bad*", "a.csv:3: x: 'v' is bad")


def test_base_of_the_corpus_loads_cleanly() -> None:
    scenario = impact.load_scenario(VALID)
    assert scenario.counts() == (
        "mini: 3 areas, 4 assets, 3 dependencies, 3 service links, 2 strikes, 2 restoration curves, "
        "1 observation, 0 status updates"
    )


@pytest.mark.parametrize("case", [_case(c) for c in CASES])
def test_malformed_scenario_reports_exactly_its_fault(case: str) -> None:
    folder = CORPUS / case
    with pytest.raises(impact.ScenarioError) as caught:
        impact.load_scenario(folder)
    assert caught.value.source == str(folder)
    assert_lines([str(p) for p in caught.value.problems], expected_lines(folder))


def test_scenario_error_message_lists_every_problem() -> None:
    with pytest.raises(impact.ScenarioError) as caught:
        impact.load_scenario(CORPUS / "toml-missing-scenario-section")
    text = str(caught.value)
    assert text.splitlines()[0].endswith("6 problems found")
    assert text.splitlines()[1:] == expected_lines(CORPUS / "toml-missing-scenario-section")


# --- several faults at once ------------------------------------------------------------------

def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, (path.name, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_several_faults_in_several_files_are_reported_at_once(tmp_path: Path) -> None:
    folder = tmp_path / "many-faults"
    shutil.copytree(VALID, folder)
    _edit(folder / "scenario.toml", '"Europe/Kyiv"', '"Europe/Kyyiv"')
    _edit(folder / "areas.csv", "Oblast,1,,", "Oblast,1,,9999")
    _edit(folder / "assets.csv", "boiler_house,UA5102", "boiler_house,UA5199")
    _edit(folder / "dependencies.csv", "BLR-1,SUB-2,,6", "BLR-1,BLR-1,,6")
    _edit(folder / "service_links.csv", "UA5102,heat,BLR-1,0.5", "UA5102,heat,BLR-1,2")
    _edit(folder / "strikes.csv", "BLR-1,moderate", "BLR-1,destroyed")
    _edit(folder / "restoration.csv", "lognormal,3,0.5", "normal,3,")
    _edit(folder / "observations.csv", "households", "homes")
    assert problem_lines(folder) == [
        "scenario.toml:4: scenario.timezone: 'Europe/Kyyiv' is not an IANA time zone (e.g. Europe/Kyiv)",
        "areas.csv:2: population: 9,999 differs from the sum of its children 3,000 by more than 0.5 %",
        "assets.csv:5: area_id: 'UA5199' is not in areas.csv",
        "dependencies.csv:4: depends_on: 'BLR-1' depends on itself",
        "service_links.csv:4: share: '2' is out of range; must be > 0 and <= 1",
        "strikes.csv:3: damage_state: 'destroyed' is not a valid damage_state; "
        "choose one of none, slight, moderate, extensive, complete",
        "restoration.csv:2: dispersion: is empty; a normal curve needs a dispersion",
        "observations.csv:2: unit: 'homes' is not a valid unit; choose one of people, households, consumers",
    ]


def test_several_faults_in_one_file_are_all_reported(tmp_path: Path) -> None:
    folder = tmp_path / "one-file"
    shutil.copytree(VALID, folder)
    (folder / "strikes.csv").write_text(
        "strike_id,time,asset_id,damage_state\n"
        "S1,2025-12-19T03:00:00,SUB-9,extensive\n"
        "\n"
        "S1,2025-12-19T04:00:00+02:00,BLR-1,broken\n"
        "S3,2025-12-19T05:00:00+02:00,SUB-2\n",
        encoding="utf-8",
    )
    # Every fault of a row is reported, not only the first: the row with a bad time also
    # names an unknown asset, and the row with a bad damage state repeats a strike id.
    assert problem_lines(folder) == [
        "strikes.csv:2: asset_id: 'SUB-9' is not in assets.csv",
        "strikes.csv:2: time: '2025-12-19T03:00:00' is not an ISO 8601 time with a UTC offset "
        "(e.g. 2025-12-19T19:00:00+02:00)",
        "strikes.csv:4: damage_state: 'broken' is not a valid damage_state; "
        "choose one of none, slight, moderate, extensive, complete",
        "strikes.csv:4: strike_id: duplicate row (strike_id='S1'); first on line 2",
        "strikes.csv:5: -: row has 3 fields but the header has 4",
    ]


def test_parent_population_within_half_a_percent_is_accepted(tmp_path: Path) -> None:
    folder = tmp_path / "close-enough"
    shutil.copytree(VALID, folder)
    _edit(folder / "areas.csv", "Oblast,1,,", "Oblast,1,,3014")
    assert impact.load_scenario(folder).areas["population"].iloc[0] == 3014


# --- bundled scenario ------------------------------------------------------------------------

def test_bundled_scenario_loads_cleanly() -> None:
    scenario = impact.load_scenario("odesa-2025-12")
    assert scenario.id == "odesa-2025-12"
    assert len(scenario.areas) and len(scenario.assets) and len(scenario.strikes)
    assert scenario.counts().startswith("odesa-2025-12: ")


def test_unknown_scenario_is_a_file_not_found_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="neither a scenario folder nor a bundled scenario"):
        impact.load_scenario(tmp_path / "nowhere")


# --- DataFrames ------------------------------------------------------------------------------

def _settings(folder: Path) -> dict:
    return tomllib.loads((folder / "scenario.toml").read_text(encoding="utf-8"))


def _frames(folder: Path, **read_csv: object) -> dict[str, pd.DataFrame]:
    return {
        name.removesuffix(".csv"): pd.read_csv(folder / name, **read_csv)
        for name in TABLE_FILES if (folder / name).is_file()
    }


def _frame_problems(settings: dict, frames: dict[str, pd.DataFrame | None]) -> list[str]:
    with pytest.raises(impact.ScenarioError) as caught:
        impact.scenario_from_frames(settings, **frames)
    return [str(problem) for problem in caught.value.problems]


def _frame_cases() -> list[object]:
    eligible = []
    for case in CASES:
        lines = expected_lines(CORPUS / case)
        located = [re.match(r"([a-z_]+\.csv):(\d+):", line) for line in lines]
        if case not in FILE_LEVEL_CASES and all(m and int(m.group(2)) >= 2 for m in located):
            eligible.append(_case(case))
    return eligible


FRAME_CASES = _frame_cases()


def test_frame_cases_cover_cell_and_cross_table_faults() -> None:
    assert len(FRAME_CASES) >= 20


#: How a user may read the CSV files: as text, or with pandas' own types (float with NaN, int, str).
READERS = {"text": {"dtype": str, "keep_default_na": False}, "typed": {}}


@pytest.mark.parametrize("reader", sorted(READERS))
@pytest.mark.parametrize("case", FRAME_CASES)
def test_frames_report_the_same_problems_as_csv_files(case: str, reader: str) -> None:
    folder = CORPUS / case
    frames = _frames(folder, **READERS[reader])
    assert_lines(_frame_problems(_settings(folder), frames), expected_lines(folder))


def test_frames_of_the_valid_base_build_a_scenario() -> None:
    scenario = impact.scenario_from_frames(_settings(VALID), **_frames(VALID))
    assert scenario.counts() == impact.load_scenario(VALID).counts()
    assert scenario.strikes["__line__"].tolist() == [2, 3]


def test_frames_line_numbers_ignore_the_index() -> None:
    frames = _frames(VALID)
    strikes = frames["strikes"]
    strikes.index = [40, 10]
    strikes.loc[10, "asset_id"] = "NOPE"
    assert _frame_problems(_settings(VALID), frames) == ["strikes.csv:3: asset_id: 'NOPE' is not in assets.csv"]


def test_frames_with_datetimes() -> None:
    frames = _frames(VALID)
    aware = frames["strikes"].assign(time=pd.to_datetime(frames["strikes"]["time"]))
    scenario = impact.scenario_from_frames(_settings(VALID), **{**frames, "strikes": aware})
    assert str(scenario.strikes["time"].iloc[0]) == "2025-12-19 01:00:00+00:00"
    naive = aware.assign(time=aware["time"].dt.tz_localize(None))
    assert _frame_problems(_settings(VALID), {**frames, "strikes": naive}) == [
        f"strikes.csv:{line}: time: '2025-12-19T0{hour}:00:00' is not an ISO 8601 time with a UTC offset "
        "(e.g. 2025-12-19T19:00:00+02:00)"
        for line, hour in ((2, 3), (3, 4))
    ]


def test_frames_missing_column_table_and_settings() -> None:
    frames: dict[str, pd.DataFrame | None] = dict(_frames(VALID))
    frames["assets"] = frames["assets"].drop(columns="kind")
    frames["strikes"] = None
    settings = _settings(VALID)
    del settings["scenario"]["start"]
    assert _frame_problems(settings, frames) == [
        "scenario.toml:0: scenario.start: required key is missing",
        "assets.csv:1: kind: required column is missing from the header",
        "strikes.csv:0: -: required table is missing",
    ]


def test_frames_with_nullable_dtypes() -> None:
    frames = _frames(VALID)
    frames["areas"] = frames["areas"].convert_dtypes()
    scenario = impact.scenario_from_frames(_settings(VALID), **frames)
    assert scenario.areas["parent_id"].tolist() == ["", "UA51", "UA51"]


def test_frames_with_settings_section_not_a_table() -> None:
    assert _frame_problems({"scenario": "mini"}, dict(_frames(VALID))) == [
        "scenario.toml:0: scenario: [scenario] must be a table",
    ]


# --- command line ----------------------------------------------------------------------------

@pytest.mark.parametrize("case", [_case(c) for c in CASES])
def test_cli_validate_prints_every_problem_and_exits_2(case: str, capsys: pytest.CaptureFixture[str]) -> None:
    cli = pytest.importorskip("impact.cli")
    folder = CORPUS / case
    code = cli.main(["validate", str(folder)])
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    lines = err.splitlines()
    assert_lines(lines[:-1], expected_lines(folder))
    assert "problem" in lines[-1]
    assert "Traceback" not in err


def _run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    pytest.importorskip("impact.cli")
    return subprocess.run(
        [sys.executable, "-m", "impact", *args], capture_output=True, text=True, cwd=REPO, timeout=120,
        env={**os.environ, "PYTHONPATH": str(REPO), "PYTHONIOENCODING": "utf-8", "COLUMNS": "80"},
        check=False,
    )


def test_cli_subprocess_malformed_scenario() -> None:
    folder = CORPUS / "dependency-cycle-3"
    done = _run_cli("validate", str(folder))
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert done.stderr.splitlines()[:-1] == expected_lines(folder)


def test_cli_subprocess_several_faults_not_wrapped(tmp_path: Path) -> None:
    folder = tmp_path / "faults"
    shutil.copytree(VALID, folder)
    _edit(folder / "assets.csv", "Substation 2,substation", "Substation 2,transformer")
    _edit(folder / "strikes.csv", "+02:00,SUB-1", ",SUB-1")
    done = _run_cli("validate", str(folder))
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert lines[0].startswith("assets.csv:3: kind: 'transformer' is not a valid kind; choose one of ")
    assert lines[0].endswith(", logistics_hub")  # one line however wide, not wrapped at COLUMNS
    assert lines[-2].startswith("strikes.csv:2: time: '2025-12-19T03:00:00' is not an ISO 8601 time")


def test_cli_subprocess_bundled_scenario_prints_one_line_of_counts() -> None:
    done = _run_cli("validate", "odesa-2025-12")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 1
    assert "odesa-2025-12" in lines[0] and " areas, " in lines[0] and " strikes" in lines[0]
    assert done.stderr == ""


def test_cli_subprocess_missing_folder_exits_2_without_traceback(tmp_path: Path) -> None:
    done = _run_cli("validate", str(tmp_path / "nowhere"))
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "nowhere" in done.stderr
