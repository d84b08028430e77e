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
    "areas.csv",
    "assets.csv",
    "dependencies.csv",
    "service_links.csv",
    "strikes.csv",
    "restoration.csv",
    "crews.csv",
    "observations.csv",
    "status_updates.csv",
    "temperature.csv",
    "housing.csv",
    "housing_types.csv",
    "blackouts.csv",
)
REQUIRED_FILES = ("scenario.toml", "areas.csv", "assets.csv", "service_links.csv", "strikes.csv")
LINE_FORMAT = re.compile(r"[a-z_]+\.(csv|toml):\d+: [^ ]+: \S.*")

CASES = sorted(p.name for p in CORPUS.iterdir() if p.is_dir() and not p.name.startswith("_"))

#: Cases whose fault is in the bytes of a file, so that DataFrames cannot carry it.
FILE_LEVEL_CASES = {
    "nul-byte",
    "not-utf8-areas",
    "row-extra-field-strikes",
    "row-missing-field-assets",
    "unterminated-quote",
}


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


def _slug(name: str) -> str:
    """``scenario.toml`` -> ``scenario-toml``: a file name as it appears in case names."""
    return name.replace(".", "-").replace("_", "-")


def test_corpus_has_enough_complete_cases() -> None:
    assert len(CASES) >= 60
    for case in CASES:
        folder = CORPUS / case
        assert expected_lines(folder), case
        for name in REQUIRED_FILES:
            missing_on_purpose = case == f"missing-file-{_slug(name)}"
            folder_on_purpose = case == f"folder-instead-of-{_slug(name)}"
            assert (folder / name).is_file() != (missing_on_purpose or folder_on_purpose), (case, name)
            assert (folder / name).is_dir() == folder_on_purpose, (case, name)


def test_corpus_has_a_case_for_every_file() -> None:
    """Every table file and ``scenario.toml`` is the subject of at least one case."""
    subjects = {line.split(":", 1)[0] for case in CASES for line in expected_lines(CORPUS / case)}
    assert {"scenario.toml", *TABLE_FILES} <= subjects, sorted({"scenario.toml", *TABLE_FILES} - subjects)


def test_folder_cases_keep_their_folder_in_git() -> None:
    """A folder in place of a file holds a placeholder, as git does not keep empty folders."""
    folders = [case for case in CASES if case.startswith("folder-instead-of-")]
    assert {"folder-instead-of-areas-csv", "folder-instead-of-scenario-toml"} <= set(folders)
    for case in folders:
        name = next(n for n in ("scenario.toml", *TABLE_FILES) if case == f"folder-instead-of-{_slug(n)}")
        assert [p.name for p in (CORPUS / case / name).iterdir()] == ["README"], case


def test_expected_lines_have_the_documented_format() -> None:
    for case in CASES:
        for line in expected_lines(CORPUS / case):
            assert LINE_FORMAT.fullmatch(line), (case, line)


def test_matches_wildcards() -> None:
    assert matches("a.csv:2: x: 'v' is (bad)", "a.csv:2: x: 'v' is (bad)")
    assert not matches("a.csv:2: x: 'v'", "a.csv:2: x: 'v' is bad")
    assert matches("a.csv:2: x: *bad*", "a.csv:2: x: 'v' is bad here")
    assert not matches("a.csv:2: x: *bad*", "a.csv:3: x: 'v' is bad")


def test_heat_base_of_the_corpus_loads_cleanly_and_uses_every_heat_input() -> None:
    scenario = impact.load_scenario(CORPUS / "_valid_heat")
    assert scenario.counts().endswith("2 temperature readings, 3 housing rows")
    assert scenario.config.heat.present and "wooden_house" in set(scenario.housing_types["housing_type"])
    from impact.engine.compile import compile_scenario

    model = compile_scenario(scenario)
    assert model.drains and model.coolings  # frost at -5 °C: both kinds of helper


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


# --- files that are not files ----------------------------------------------------------------


@pytest.mark.parametrize("name", ["scenario.toml", *TABLE_FILES])
def test_a_folder_in_place_of_any_file_is_a_problem(tmp_path: Path, name: str) -> None:
    folder = tmp_path / "folder-instead"
    shutil.copytree(VALID, folder)
    (folder / name).unlink(missing_ok=True)
    (folder / name).mkdir()
    (folder / name / "README").write_text("not a table\n", encoding="utf-8")
    expected = "a TOML file" if name.endswith(".toml") else "a CSV file"
    assert problem_lines(folder) == [f"{name}:0: -: is a folder, not a file; replace it with {expected}"]


@pytest.mark.parametrize("name", ["scenario.toml", "areas.csv"])
def test_a_file_that_cannot_be_read_is_a_problem(tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "unreadable"
    shutil.copytree(VALID, folder)
    read_bytes = Path.read_bytes

    def denied(path: Path) -> bytes:  # chmod 000 does not stop root, so the error is injected
        if path.name == name:
            raise PermissionError(13, "Permission denied", str(path))
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", denied)
    assert problem_lines(folder) == [f"{name}:0: -: cannot be read: Permission denied; check that the file is readable"]


def test_a_folder_in_place_of_the_readme_is_ignored(tmp_path: Path) -> None:
    folder = tmp_path / "readme-folder"
    shutil.copytree(VALID, folder)
    (folder / "README.md").mkdir()
    assert impact.load_scenario(folder).readme == ""


# --- the inputs of issue 13: weighted strikes, buffer ranges, crews, repair correlation -------

UNCERTAIN = CORPUS / "_valid_uncertain"


def test_base_with_every_uncertain_input_loads_cleanly() -> None:
    scenario = impact.load_scenario(UNCERTAIN)
    assert scenario.counts() == (
        "mini-uncertain: 3 areas, 4 assets, 3 dependencies, 3 service links, 3 strikes, 2 restoration curves, "
        "1 observation, 0 status updates, 2 crew pools"
    )
    # Weighted cells are kept as written; the engines parse them (impact.scenario.weighted).
    assert scenario.strikes["asset_id"].tolist() == ["SUB-1:0.5|SUB-2:0.5", "BLR-1", "PMP-1:0.7|BLR-1:0.3"]
    assert scenario.strikes["damage_state"].tolist() == [
        "extensive",
        "moderate:0.6|extensive:0.4",
        "none:0.2|slight:0.8",
    ]
    assert scenario.crews[["crew_pool", "crews"]].to_dict("list") == {"crew_pool": ["grid", "water"], "crews": [1, 2]}
    assert str(scenario.crews["crews"].dtype) == "Int64"
    assert scenario.assets["crew_pool"].tolist() == ["grid", "grid", "water", ""]
    assert scenario.assets["priority"].tolist()[:2] == [1, 2] and scenario.assets["priority"].isna().tolist()[2:] == [
        True,
        True,
    ]
    assert scenario.dependencies["buffer_hours_max"].tolist()[1:] == [4.0, 12.0]
    assert scenario.dependencies["buffer_hours_max"].isna().tolist() == [True, False, False]
    assert scenario.config.repair_correlation == 0.3


def test_a_scenario_without_the_new_inputs_gets_their_empty_defaults() -> None:
    scenario = impact.load_scenario(VALID)
    assert len(scenario.crews) == 0 and list(scenario.crews.columns) == [
        "crew_pool",
        "crews",
        "source",
        "notes",
        "__line__",
    ]
    assert scenario.assets["crew_pool"].tolist() == [""] * 4 and scenario.assets["priority"].isna().all()
    assert scenario.dependencies["buffer_hours_max"].isna().all()
    assert scenario.config.repair_correlation == 0.0
    assert "crew" not in scenario.counts()


def test_frames_with_every_uncertain_input_build_the_same_scenario() -> None:
    frames = _frames(UNCERTAIN)
    assert "crews" in frames
    scenario = impact.scenario_from_frames(_settings(UNCERTAIN), **frames)
    loaded = impact.load_scenario(UNCERTAIN)
    assert scenario.counts() == loaded.counts()
    for table in ("strikes", "assets", "dependencies", "crews"):
        pd.testing.assert_frame_equal(getattr(scenario, table), getattr(loaded, table))
    assert scenario.config.repair_correlation == 0.3
    typed = _frames(UNCERTAIN, **READERS["typed"])  # priority as float with NaN, crews as int
    assert impact.scenario_from_frames(_settings(UNCERTAIN), **typed).counts() == loaded.counts()


def test_every_fault_of_the_new_inputs_is_reported_at_once(tmp_path: Path) -> None:
    folder = tmp_path / "many-new-faults"
    shutil.copytree(UNCERTAIN, folder)
    _edit(folder / "scenario.toml", "repair_correlation = 0.3", "repair_correlation = 2")
    _edit(folder / "assets.csv", ",grid,1\n", ",grid,0\n")
    _edit(folder / "assets.csv", ",water,\n", ",waterworks,\n")
    _edit(folder / "dependencies.csv", "BLR-1,SUB-2,,6,12", "BLR-1,SUB-2,,6,5")
    _edit(folder / "strikes.csv", "SUB-1:0.5|SUB-2:0.5", "SUB-1:0.5|SUB-2:0.6")
    _edit(folder / "strikes.csv", "moderate:0.6|extensive:0.4", "moderate:0.6|destroyed:0.4")
    _edit(folder / "strikes.csv", "PMP-1:0.7|BLR-1:0.3", "PMP-9:0.7|BLR-1:0.3")
    _edit(folder / "crews.csv", "water,2,", "water,two,")
    assert problem_lines(folder) == [
        "scenario.toml:14: uncertainty.repair_correlation: 2 is out of range; must be a number from 0 to 1",
        "assets.csv:2: priority: '0' is out of range; must be >= 1",
        "assets.csv:4: crew_pool: 'waterworks' is not in crews.csv (did you mean 'water'?); crews.csv lists grid, "
        "water",
        "dependencies.csv:4: buffer_hours_max: '5' is less than buffer_hours '6'; the buffer is drawn between the "
        "two, so buffer_hours_max must be at least buffer_hours",
        "strikes.csv:2: asset_id: 'SUB-1:0.5|SUB-2:0.6': the weights sum to 1.1; they must sum to 1",
        "strikes.csv:3: damage_state: 'destroyed' in 'moderate:0.6|destroyed:0.4' is not a valid damage_state; "
        "choose one of none, slight, moderate, extensive, complete",
        "strikes.csv:4: asset_id: candidate 'PMP-9' in 'PMP-9:0.7|BLR-1:0.3' is not in assets.csv",
        "crews.csv:3: crews: 'two' is not a whole number",
    ]


def test_asset_ids_holding_a_colon_or_a_bar_are_taken_as_they_stand(tmp_path: Path) -> None:
    folder = tmp_path / "separators-in-ids"
    shutil.copytree(VALID, folder)
    _edit(folder / "assets.csv", "SUB-1,Substation 1", "SUB:1,Substation 1")
    _edit(folder / "assets.csv", "SUB-2,Substation 2", "SUB|2,Substation 2")
    _edit(folder / "service_links.csv", "power,SUB-1", "power,SUB:1")
    _edit(folder / "dependencies.csv", "PMP-1,SUB-1,grid", "PMP-1,SUB:1,grid")
    _edit(folder / "dependencies.csv", "PMP-1,SUB-2,grid", "PMP-1,SUB|2,grid")
    _edit(folder / "dependencies.csv", "BLR-1,SUB-2,,6", "BLR-1,SUB|2,,6")
    _edit(folder / "strikes.csv", ",SUB-1,", ",SUB:1,")
    _edit(folder / "strikes.csv", ",BLR-1,", ",SUB|2,")
    assert impact.load_scenario(folder).strikes["asset_id"].tolist() == ["SUB:1", "SUB|2"]
    _edit(folder / "strikes.csv", ",SUB|2,", ",SUB:1:0.25|BLR-1:0.75,")  # the weight follows the last ':'
    assert impact.load_scenario(folder).strikes["asset_id"].tolist() == ["SUB:1", "SUB:1:0.25|BLR-1:0.75"]


@pytest.mark.parametrize(
    ("cell", "problem"),
    [
        ("PRT:07", "'PRT:07' is not in assets.csv"),  # an unknown id with ':' reads as before weights existed
        ("SUB-1:1", None),  # one candidate of weight 1
        ("SUB-1:0.5", "'SUB-1:0.5': the weights sum to 0.5; they must sum to 1"),
        (
            "SUB-1:0.5|SUB-9:0.25|PRT-1:0.25",
            "candidates 'SUB-9', 'PRT-1' in 'SUB-1:0.5|SUB-9:0.25|PRT-1:0.25' are not in assets.csv",
        ),
        (
            "SUB-1:0.5|",
            "'SUB-1:0.5|': an alternative is empty; write alternatives as VALUE:WEIGHT separated by one '|'",
        ),
    ],
)
def test_strike_asset_cells(tmp_path: Path, cell: str, problem: str | None) -> None:
    folder = tmp_path / "cell"
    shutil.copytree(VALID, folder)
    _edit(folder / "strikes.csv", ",SUB-1,", f",{cell},")
    if problem is None:
        assert impact.load_scenario(folder).strikes["asset_id"].iloc[0] == cell
    else:
        assert problem_lines(folder) == [f"strikes.csv:2: asset_id: {problem}"]


def test_every_missing_curve_of_a_weighted_strike_is_named_once(tmp_path: Path) -> None:
    folder = tmp_path / "curves"
    shutil.copytree(UNCERTAIN, folder)
    _edit(folder / "assets.csv", "UA5101,,grid,1", "UA5101,mobile,grid,1")
    _edit(folder / "assets.csv", "UA5102,,grid,2", "UA5102,mobile,grid,2")
    _edit(folder / "restoration.csv", "fixed,10,\n", "fixed,10,\nmobile,slight,fixed,1,\n")
    _edit(folder / "strikes.csv", ",extensive\n", ",moderate:0.5|complete:0.5\n")
    assert problem_lines(folder) == [
        f"strikes.csv:2: damage_state: no restoration curve for class 'mobile' (of candidate 'SUB-1') at '{state}'; "
        "add a row to restoration.csv"
        for state in ("complete", "moderate")  # problems of one line in the order of their text
    ]


def test_a_fixed_buffer_and_a_range_from_zero_are_accepted(tmp_path: Path) -> None:
    folder = tmp_path / "buffers"
    shutil.copytree(UNCERTAIN, folder)
    _edit(folder / "dependencies.csv", "BLR-1,SUB-2,,6,12", "BLR-1,SUB-2,,6,6")  # max = min: a fixed buffer
    _edit(folder / "dependencies.csv", "PMP-1,SUB-2,grid,,4", "PMP-1,SUB-2,grid,,0")  # empty min counts as 0
    assert impact.load_scenario(folder).dependencies["buffer_hours_max"].tolist()[1:] == [0.0, 6.0]
    _edit(folder / "dependencies.csv", "BLR-1,SUB-2,,6,6", "BLR-1,SUB-2,,6.5,6.25")
    assert problem_lines(folder) == [
        "dependencies.csv:4: buffer_hours_max: '6.25' is less than buffer_hours '6.5'; the buffer is drawn between "
        "the two, so buffer_hours_max must be at least buffer_hours"
    ]


@pytest.mark.parametrize(
    ("value", "valid"), [("0", True), ("1", True), ("0.5", True), ("1.0001", False), ("true", False)]
)
def test_repair_correlation_bounds(tmp_path: Path, value: str, valid: bool) -> None:
    folder = tmp_path / "correlation"
    shutil.copytree(UNCERTAIN, folder)
    _edit(folder / "scenario.toml", "repair_correlation = 0.3", f"repair_correlation = {value}")
    if valid:
        assert impact.load_scenario(folder).config.repair_correlation == float(value)
        assert isinstance(impact.load_scenario(folder).config.repair_correlation, float)
    else:
        message = (
            "True must be a number from 0 to 1"
            if value == "true"
            else f"{value} is out of range; must be a number from 0 to 1"
        )
        assert problem_lines(folder) == [f"scenario.toml:14: uncertainty.repair_correlation: {message}"]


def test_frames_settings_with_a_repair_correlation() -> None:
    frames = dict(_frames(VALID))
    settings = {**_settings(VALID), "uncertainty": {"repair_correlation": 0.25}}
    assert impact.scenario_from_frames(settings, **frames).config.repair_correlation == 0.25
    settings["uncertainty"] = {"repair_correlation": -1}
    assert _frame_problems(settings, frames) == [
        "scenario.toml:0: uncertainty.repair_correlation: -1 is out of range; must be a number from 0 to 1"
    ]


def test_crews_file_in_trouble_while_pools_are_named_is_reported_once(tmp_path: Path) -> None:
    folder = tmp_path / "crews-folder"
    shutil.copytree(UNCERTAIN, folder)
    (folder / "crews.csv").unlink()
    (folder / "crews.csv").mkdir()
    (folder / "crews.csv" / "README").write_text("not a table\n", encoding="utf-8")
    assert problem_lines(folder) == ["crews.csv:0: -: is a folder, not a file; replace it with a CSV file"]


def test_crews_without_pools_named_and_pools_named_by_frames() -> None:
    frames = dict(_frames(UNCERTAIN))
    plain = dict(_frames(VALID))
    # crews.csv alone (no asset names a pool) is valid: its crews repair nothing.
    assert len(impact.scenario_from_frames(_settings(VALID), **plain, crews=frames["crews"]).crews) == 2
    del frames["crews"]
    assert _frame_problems(_settings(UNCERTAIN), frames) == [
        "crews.csv:0: -: is missing, but assets.csv names crew pools: 'grid' (line 2), 'water' (line 4); add "
        "crews.csv with a row (crew_pool, crews) for each pool, or leave crew_pool empty"
    ]


def test_cli_validate_notes_crew_pools_no_asset_names(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cli = pytest.importorskip("impact.cli")
    folder = tmp_path / "spare-crews"
    shutil.copytree(UNCERTAIN, folder)
    assert cli.main(["validate", str(folder)]) == 0
    assert capsys.readouterr().out.splitlines() == [f"ok: {impact.load_scenario(folder).counts()}"]
    _edit(folder / "crews.csv", "water,2,assumption\n", "water,2,assumption\nspare,3,\n")
    assert cli.main(["validate", str(folder)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1:] == [
        "note: crews.csv:4: crew_pool: 'spare' is named by no asset in assets.csv; its crews repair nothing"
    ]


# --- bundled scenario ------------------------------------------------------------------------


def test_bundled_scenario_loads_cleanly() -> None:
    scenario = impact.load_scenario("odesa-2025-12")
    assert scenario.id == "odesa-2025-12"
    assert len(scenario.areas) and len(scenario.assets) and len(scenario.strikes)
    assert scenario.counts().startswith("odesa-2025-12: ")


def test_unknown_scenario_is_a_file_not_found_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="neither a scenario folder nor a bundled scenario"):
        impact.load_scenario(tmp_path / "nowhere")


# --- scenario.toml: lines and keys -----------------------------------------------------------


def _toml_problems(folder: Path, text: str) -> list[str]:
    (folder / "scenario.toml").write_text(text, encoding="utf-8")
    return problem_lines(folder)


def test_toml_lines_skip_multiline_strings_and_follow_quoted_and_dotted_keys(tmp_path: Path) -> None:
    folder = tmp_path / "toml-lines"
    shutil.copytree(VALID, folder)
    valid = (VALID / "scenario.toml").read_text(encoding="utf-8")
    text = valid.replace("seed = 1\n", "seed = -1\n").replace("samples = 10", "'samples' = 1.5")
    text = text.replace(
        'title = "Minimal test scenario"\n',  # a multi-line string holding key-like lines
        '"title" = "Minimal test scenario"\ndescription = """\nseed = -1\n[run]\n"""\n',
    )
    lines = text.splitlines()
    samples, seed = lines.index("'samples' = 1.5") + 1, len(lines) - lines[::-1].index("seed = -1")
    assert seed > samples
    assert _toml_problems(folder, text) == [
        f"scenario.toml:{samples}: run.samples: 1.5 must be a whole number >= 0",
        f"scenario.toml:{seed}: run.seed: -1 must be a whole number >= 0",
    ]
    dotted = "run.seed = -1\n" + valid.replace("[run]\nsamples = 10\nseed = 1\n", "")
    assert _toml_problems(folder, dotted) == ["scenario.toml:1: run.seed: -1 must be a whole number >= 0"]


@pytest.mark.parametrize(
    ("seed", "valid"),
    [(0, True), (2**63 - 1, True), (2**63, False), (2**64, False), (-1, False), (-(2**63) - 1, False)],
)
def test_toml_seed_must_fit_in_a_signed_64_bit_integer(tmp_path: Path, seed: int, valid: bool) -> None:
    folder = tmp_path / "seed"
    shutil.copytree(VALID, folder)
    _edit(folder / "scenario.toml", "seed = 1\n", f"seed = {seed}\n")
    line = (folder / "scenario.toml").read_text(encoding="utf-8").splitlines().index(f"seed = {seed}") + 1
    if valid:
        assert impact.load_scenario(folder).config.seed == seed
    elif seed < 0:
        assert problem_lines(folder) == [f"scenario.toml:{line}: run.seed: {seed} must be a whole number >= 0"]
    else:
        assert problem_lines(folder) == [
            f"scenario.toml:{line}: run.seed: {seed} is too large; the seed must be a whole number from 0 to "
            "2**63 - 1 (9,223,372,036,854,775,807)"
        ]


def test_largest_seed_runs_and_exports_to_netcdf(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The bound is the NetCDF export's: 2**63 - 1 is written as the file's ``seed`` attribute."""
    cli = pytest.importorskip("impact.cli")
    xarray = pytest.importorskip("xarray")
    folder = tmp_path / "largest-seed"
    shutil.copytree(VALID, folder)
    _edit(folder / "scenario.toml", "seed = 1\n", f"seed = {2**63 - 1}\n")
    out = tmp_path / "run.nc"
    assert cli.main(["run", str(folder), "--samples", "5", "--out", str(out)]) == 0, capsys.readouterr().err
    with xarray.open_dataset(out) as dataset:
        assert int(dataset.attrs["seed"]) == 2**63 - 1


def test_frames_settings_with_a_seed_too_large() -> None:
    assert _frame_problems({**_settings(VALID), "run": {"seed": 2**63}}, dict(_frames(VALID))) == [
        "scenario.toml:0: run.seed: 9223372036854775808 is too large; the seed must be a whole number from 0 to "
        "2**63 - 1 (9,223,372,036,854,775,807)"
    ]


def test_toml_unknown_keys_of_every_section_are_reported_with_their_lines(tmp_path: Path) -> None:
    folder = tmp_path / "toml-keys"
    shutil.copytree(VALID, folder)
    text = (
        "seed = 3\n"
        + (VALID / "scenario.toml").read_text(encoding="utf-8").replace("[run]\n", "Title = 'x'\n\n[run]\n")
        + "quantile = [0.5]\n\n[need]\ntruck_capacity_litres = 8000\n\n[output]\nformat = 'csv'\n"
    )
    lines = text.splitlines()
    at = {line: number for number, line in enumerate(lines, start=1)}
    title = at["Title = 'x'"]
    assert _toml_problems(folder, text) == [
        "scenario.toml:1: seed: key outside any section; move it below the [run] header",
        f"scenario.toml:{title}: scenario.Title: unknown key (did you mean 'title'?); "
        "valid keys: id, title, timezone, start, horizon_hours, step_minutes, persons_per_household, description",
        f"scenario.toml:{at['quantile = [0.5]']}: run.quantile: unknown key (did you mean 'quantiles'?); "
        "valid keys: samples, seed, quantiles, plan_quantile",
        f"scenario.toml:{at['[need]']}: need: unknown section (did you mean 'needs'?); "
        "valid sections: scenario, run, needs, boundaries, uncertainty, grid, heat",
        f"scenario.toml:{at['[output]']}: output: unknown section; valid sections: scenario, run, needs, "
        "boundaries, uncertainty, grid, heat",
    ]


def test_toml_keys_the_project_writes_and_documents_are_known(tmp_path: Path) -> None:
    """The bundled scenarios, the corpus base, ``impact synth`` and the documented keys all validate."""
    from impact.scenario.schema import SCENARIO_KEYS
    from impact.synth import write_synthetic

    for folder in [VALID, *sorted((REPO / "datasets").glob("*/"))]:
        if (folder / "scenario.toml").is_file():
            impact.load_scenario(folder)
    impact.load_scenario(write_synthetic(tmp_path / "synth", areas=30, assets=60, strikes=5, days=2, seed=3, samples=5))
    documented = (REPO / "docs" / "data-format.md").read_text(encoding="utf-8")
    for section, key in SCENARIO_KEYS:
        assert f"`{section}.{key}`" in documented


def test_frames_settings_with_unknown_keys() -> None:
    settings = _settings(VALID)
    settings["run"]["sampels"] = 3
    settings["output"] = {"format": "csv"}
    assert _frame_problems(settings, dict(_frames(VALID))) == [
        "scenario.toml:0: output: unknown section; valid sections: scenario, run, needs, boundaries, uncertainty, "
        "grid, heat",
        "scenario.toml:0: run.sampels: unknown key (did you mean 'samples'?); "
        "valid keys: samples, seed, quantiles, plan_quantile",
    ]


# --- deep hierarchies and chains (no recursion over user data) --------------------------------


def _depth() -> int:
    """At least 3,000, and deeper than the recursion limit (pytest's plugins may raise it)."""
    return max(3_000, sys.getrecursionlimit() + 500)


def test_area_hierarchy_deeper_than_the_recursion_limit_is_checked() -> None:
    """A 3,000-deep chain of areas: every check walks it without recursion (levels stop at 9)."""
    depth = _depth()
    frames = dict(_frames(VALID))
    ids = [f"A{i:05d}" for i in range(depth)]
    frames["areas"] = pd.DataFrame(
        {
            "area_id": ids,
            "name": ids,
            "admin_level": [min(i, 9) for i in range(depth)],
            "parent_id": ["", *ids[:-1]],
            "population": [2000] + [None] * (depth - 2) + [1000],
        }
    )
    frames["assets"] = frames["assets"].assign(area_id=ids[-1])
    frames["service_links"] = frames["service_links"].assign(area_id=ids[-1])
    frames["observations"] = frames["observations"].assign(area_id=ids[0])
    frames["blackouts"] = pd.DataFrame(
        {
            "area_id": [ids[0], ids[depth // 2]],
            "start": ["2025-12-19T00:00:00+02:00", "2025-12-19T06:00:00+02:00"],
            "end": ["2025-12-20T00:00:00+02:00", "2025-12-19T12:00:00+02:00"],
            "hours_off_per_day": [4, 4],
        }
    )
    problems = _frame_problems(_settings(VALID), frames)
    levels = [p for p in problems if ": admin_level: admin_level 9 must be greater than that of its parent" in p]
    assert len(levels) == depth - 10
    assert [p for p in problems if p not in levels] == [
        "areas.csv:2: population: 2,000 differs from the sum of its children 1,000 by more than 0.5 %",
        f"blackouts.csv:3: start: the schedule overlaps the one on line 2 for area '{ids[-1]}'",
    ]


def _chain_frames(length: int, cycle: bool = False) -> dict[str, pd.DataFrame]:
    """The corpus base with a chain of ``length`` substations, each supplied by the next."""
    frames = dict(_frames(VALID))
    ids = [f"C{i:05d}" for i in range(length)]
    frames["assets"] = pd.concat(
        [frames["assets"], pd.DataFrame({"asset_id": ids, "name": ids, "kind": "substation", "area_id": "UA5101"})],
        ignore_index=True,
    )
    suppliers = ids[1:] + ([ids[0]] if cycle else [])
    frames["dependencies"] = pd.concat(
        [frames["dependencies"], pd.DataFrame({"asset_id": ids[: len(suppliers)], "depends_on": suppliers})],
        ignore_index=True,
    )
    links = frames["service_links"]
    frames["service_links"] = links.assign(asset_id=links["asset_id"].where(links["service"] != "power", ids[0]))
    frames["strikes"] = frames["strikes"].assign(asset_id=[ids[-1], "BLR-1"])
    return frames


def test_dependency_chain_deeper_than_the_recursion_limit_validates_and_runs() -> None:
    depth = _depth()
    scenario = impact.scenario_from_frames(_settings(VALID), **_chain_frames(depth))
    assert len(scenario.dependencies) == 3 + depth - 1
    result = impact.run(scenario, samples=5)
    # The strike at 03:00 (step 3) on the chain's last asset cuts UA5101's power through the whole chain.
    central = result.dataset["people_without_central"].sel(service="power", area="UA5101").values
    assert central[2] == 0 and central[3] == 1000


def test_dependency_cycle_longer_than_the_recursion_limit_is_reported_once() -> None:
    depth = _depth()
    problems = _frame_problems(_settings(VALID), _chain_frames(depth, cycle=True))
    assert len(problems) == 1
    # Located on the row that closes the cycle: the last of the 3 + depth rows.
    assert problems[0].startswith(f"dependencies.csv:{depth + 4}: depends_on: dependency cycle: C00000 -> C00001 -> ")
    assert problems[0].endswith(f" -> C{depth - 1:05d} -> C00000")
    assert problems[0].count(" -> ") == depth


# --- DataFrames ------------------------------------------------------------------------------


def _settings(folder: Path) -> dict:
    return tomllib.loads((folder / "scenario.toml").read_text(encoding="utf-8"))


def _frames(folder: Path, **read_csv: object) -> dict[str, pd.DataFrame]:
    return {
        name.removesuffix(".csv"): pd.read_csv(folder / name, **read_csv)
        for name in TABLE_FILES
        if (folder / name).is_file()
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


@pytest.mark.slow  # the corpus again through frames: the full suite (the quick loop checks it through files)
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


@pytest.mark.slow  # the corpus again through the CLI: the full suite (the quick loop checks it through files)
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
        [sys.executable, "-m", "impact", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(REPO), "PYTHONIOENCODING": "utf-8", "COLUMNS": "80"},
        check=False,
    )


@pytest.mark.slow
def test_cli_subprocess_malformed_scenario() -> None:
    folder = CORPUS / "dependency-cycle-3"
    done = _run_cli("validate", str(folder))
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert done.stderr.splitlines()[:-1] == expected_lines(folder)


@pytest.mark.slow
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
    assert lines[0].endswith(", collective_centre")  # one line however wide, not wrapped at COLUMNS
    assert lines[-2].startswith("strikes.csv:2: time: '2025-12-19T03:00:00' is not an ISO 8601 time")


@pytest.mark.slow
def test_cli_subprocess_bundled_scenario_prints_one_line_of_counts() -> None:
    done = _run_cli("validate", "odesa-2025-12")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 1
    assert "odesa-2025-12" in lines[0] and " areas, " in lines[0] and " strikes" in lines[0]
    assert done.stderr == ""


@pytest.mark.slow
def test_cli_subprocess_missing_folder_exits_2_without_traceback(tmp_path: Path) -> None:
    done = _run_cli("validate", str(tmp_path / "nowhere"))
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "nowhere" in done.stderr
