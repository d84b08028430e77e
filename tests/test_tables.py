"""Unit tests of :mod:`impact.scenario.csv_text` and :mod:`impact.scenario.cells`.

Reading CSV bytes, cell checks, typed tables.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from impact.scenario.cells import check_cells, parse_time, to_typed
from impact.scenario.csv_text import BROKEN, LINE, frame_to_text, parse_csv_bytes, read_text_table
from impact.scenario.problems import Problem
from impact.scenario.schema import AREAS, RESTORATION, SERVICE_LINKS, STRIKES, TABLES

STRIKES_HEADER = "strike_id,time,asset_id,damage_state"
T = "2025-12-19T03:00:00+02:00"


def parse(text: str | bytes, table=STRIKES) -> tuple[pd.DataFrame | None, list[str]]:
    raw = text.encode("utf-8") if isinstance(text, str) else text
    frame, problems = parse_csv_bytes(raw, table)
    return frame, [str(p) for p in problems]


def cells(table, header: str, *rows: str) -> list[str]:
    """Problem lines of check_cells on a small CSV text (rows start on line 2)."""
    frame, problems = parse("\n".join([header, *rows]) + "\n", table)
    assert problems == []
    return sorted(str(p) for p in check_cells(frame, table))


# --- parse_csv_bytes -------------------------------------------------------------------------


def test_plain_file_gives_text_cells_and_line_numbers() -> None:
    frame, problems = parse(f"{STRIKES_HEADER}\nS1,{T},A,none\nS2,{T},B,slight\n")
    assert problems == []
    assert list(frame.columns) == ["strike_id", "time", "asset_id", "damage_state", LINE, BROKEN]
    assert frame[BROKEN].tolist() == [False, False]
    assert frame["strike_id"].tolist() == ["S1", "S2"]
    assert frame[LINE].tolist() == [2, 3]
    assert all(isinstance(v, str) for v in frame["time"])


def test_byte_order_mark_is_accepted() -> None:
    raw = f"{STRIKES_HEADER}\nS1,{T},A,none\n".encode("utf-8-sig")
    assert raw.startswith(b"\xef\xbb\xbf")
    frame, problems = parse(raw)
    assert problems == []
    assert frame.columns[0] == "strike_id"
    assert frame[LINE].tolist() == [2]


def test_blank_lines_are_skipped_and_later_rows_keep_their_lines() -> None:
    text = f"{STRIKES_HEADER}\n\nS1,{T},A,none\n   \n,,,\n\nS2,{T},B,none\n\n"
    frame, problems = parse(text)
    assert problems == []
    assert frame["strike_id"].tolist() == ["S1", "S2"]
    assert frame[LINE].tolist() == [3, 7]


def test_quoted_fields_with_line_breaks_keep_line_numbers() -> None:
    text = (
        f"{STRIKES_HEADER},notes\n"
        f'S1,{T},A,none,"two\nlines"\n'  # lines 2-3
        "\n"  # line 4
        f'S2,{T},B,none,"a\n\nb\n"\n'  # lines 5-8
        f"S3,{T},C,none,\n"  # line 9
        f"S4,{T},D,none,x,extra\n"  # line 10
    )
    frame, problems = parse(text)
    assert problems == ["strikes.csv:10: -: row has 6 fields but the header has 5"]
    assert frame["strike_id"].tolist() == ["S1", "S2", "S3", "S4"]
    assert frame[LINE].tolist() == [2, 5, 9, 10]
    assert frame["notes"].tolist() == ["two\nlines", "a\n\nb", "", "x"]
    assert frame[BROKEN].tolist() == [False, False, False, True]


def test_windows_and_old_mac_line_endings() -> None:
    for newline in ("\r\n", "\r"):
        text = newline.join([STRIKES_HEADER, f"S1,{T},A,none", "", f"S2,{T},B,none", ""])
        frame, problems = parse(text)
        assert problems == []
        assert frame[LINE].tolist() == [2, 4], repr(newline)
        assert frame["damage_state"].tolist() == ["none", "none"]


def test_cells_and_header_are_stripped_and_extra_columns_kept() -> None:
    frame, problems = parse(f" strike_id , time ,asset_id,damage_state,remark\n S1 , {T} ,A,none, r \n")
    assert problems == []
    assert frame.loc[0, "strike_id"] == "S1"
    assert frame.loc[0, "time"] == T
    assert frame.loc[0, "remark"] == "r"


def test_row_with_wrong_number_of_fields_is_reported_once_and_kept_marked_broken() -> None:
    # Broken rows are padded or cut to the header so their ids stay known to the
    # cross-table checks; their cells are checked but not reported again.
    frame, problems = parse(f"{STRIKES_HEADER}\nS1,{T},A\nS2,{T},B,none\nS3,{T},C,none,x\n")
    assert problems == [
        "strikes.csv:2: -: row has 3 fields but the header has 4",
        "strikes.csv:4: -: row has 5 fields but the header has 4",
    ]
    assert frame["strike_id"].tolist() == ["S1", "S2", "S3"]
    assert frame["damage_state"].tolist() == ["", "none", "none"]
    assert frame[BROKEN].tolist() == [True, False, True]
    assert check_cells(frame, STRIKES) == []


def test_duplicate_header_column() -> None:
    frame, problems = parse(f"{STRIKES_HEADER},time\nS1,{T},A,none,{T}\n")
    assert frame is None
    assert problems == ["strikes.csv:1: time: column appears twice in the header"]


def test_empty_column_name_in_header() -> None:
    frame, problems = parse(f"{STRIKES_HEADER},\nS1,{T},A,none,\n")
    assert frame is None
    assert problems == ["strikes.csv:1: -: header has an empty column name"]


def test_two_empty_column_names_are_one_problem() -> None:
    frame, problems = parse(f"{STRIKES_HEADER},,\nS1,{T},A,none,,\n")
    assert frame is None
    assert problems == ["strikes.csv:1: -: header has an empty column name"]


def test_missing_required_columns_are_each_reported() -> None:
    frame, problems = parse("strike_id,asset_id\nS1,A\n")
    assert frame is None
    assert problems == [
        "strikes.csv:1: time: required column is missing from the header",
        "strikes.csv:1: damage_state: required column is missing from the header",
    ]


def test_missing_optional_columns_are_fine() -> None:
    frame, problems = parse(
        "restoration_class,damage_state,distribution,median_days,dispersion\nx,slight,fixed,1,\n", RESTORATION
    )
    assert problems == []
    assert "source" not in frame.columns


def test_header_only_file_gives_an_empty_frame() -> None:
    frame, problems = parse(f"{STRIKES_HEADER}\n")
    assert problems == []
    assert len(frame) == 0
    assert LINE in frame.columns


@pytest.mark.parametrize("raw", [b"", b"\n\n", b"  \r\n\t\n", b"\xef\xbb\xbf"])
def test_empty_file(raw: bytes) -> None:
    frame, problems = parse(raw)
    assert frame is None
    assert problems == [
        "strikes.csv:0: -: file is empty; expected a header row with columns strike_id, time, asset_id, damage_state",
    ]


def test_not_utf8_names_line_and_byte() -> None:
    raw = f"{STRIKES_HEADER},notes\nS1,{T},A,none,\nS2,{T},B,none,caf\u00e9\n".encode("cp1252")
    offset = raw.index(b"\xe9")
    frame, problems = parse(raw)
    assert frame is None
    assert problems == [f"strikes.csv:3: -: not valid UTF-8 (byte 0xe9 at offset {offset}); save the file as UTF-8"]


def test_utf16_file_is_not_utf8() -> None:
    frame, problems = parse(f"{STRIKES_HEADER}\n".encode("utf-16"))
    assert frame is None
    assert problems == ["strikes.csv:0: -: file is UTF-16; save it as UTF-8 (CSV UTF-8 in spreadsheet programs)"]


def test_other_separators_are_named() -> None:
    for separator, label in ((";", "semicolons"), ("\t", "tabs")):
        row = separator.join(["S1", T, "A", "none"])
        frame, problems = parse(f"{STRIKES_HEADER.replace(',', separator)}\n{row}\n")
        assert frame is None
        assert problems == [
            f"strikes.csv:1: -: the header is separated by {label}, not commas; save the file as comma-separated CSV"
        ]


def test_misspelt_or_capitalised_columns_get_a_suggestion() -> None:
    frame, problems = parse(f"strike_id,time,Asset_ID,damage_state,sorce\nS1,{T},A,none,x\n")
    assert frame is None
    assert problems == [
        "strikes.csv:1: Asset_ID: unknown column; did you mean 'asset_id'? "
        "(column names are lower case, as in docs/data-format.md)",
        "strikes.csv:1: sorce: unknown column; did you mean 'source'? "
        "(column names are lower case, as in docs/data-format.md)",
        "strikes.csv:1: asset_id: required column is missing from the header",
    ]
    frame, problems = parse(f"{STRIKES_HEADER},remark\nS1,{T},A,none,r\n")
    assert problems == [] and "remark" in frame.columns  # other extra columns are kept


def test_nul_byte() -> None:
    frame, problems = parse(f"{STRIKES_HEADER}\nS1,{T},A,none\nS2\x00,{T},B,none\n")
    assert frame is None
    assert problems == ["strikes.csv:3: -: contains a NUL byte; this is not a text CSV file"]


def test_blank_lines_before_the_header_are_skipped() -> None:
    frame, problems = parse(f"\n{STRIKES_HEADER}\nS1,{T},A,none\n")
    assert problems == []
    assert frame[LINE].tolist() == [3]


def test_unclosed_quote_is_named() -> None:
    _frame, problems = parse(f'{STRIKES_HEADER}\nS1,{T},"A,none\nS2,{T},B,none\n')
    assert len(problems) == 1
    assert problems[0].startswith("strikes.csv:2: ")
    assert "quote" in problems[0]


def test_quote_inside_an_unquoted_cell_is_kept() -> None:
    frame, problems = parse(f'{STRIKES_HEADER}\nS1,{T},A"1,none\n')
    assert problems == []
    assert frame.loc[0, "asset_id"] == 'A"1'


def test_read_text_table_missing_files(tmp_path) -> None:
    assert read_text_table(tmp_path, STRIKES) == (
        None,
        [Problem("strikes.csv", 0, "-", "required file is missing from the scenario folder")],
    )
    assert read_text_table(tmp_path, RESTORATION) == (None, [])
    (tmp_path / "strikes.csv").write_bytes(f"{STRIKES_HEADER}\nS1,{T},A,none\n".encode())
    frame, problems = read_text_table(tmp_path, STRIKES)
    assert problems == []
    assert frame[LINE].tolist() == [2]


def test_read_text_table_folder_pipe_and_unreadable_file_are_problems(tmp_path, monkeypatch) -> None:
    (tmp_path / "strikes.csv").mkdir()
    (tmp_path / "restoration.csv").mkdir()  # an optional table too: present, but not a file
    assert read_text_table(tmp_path, STRIKES) == (
        None,
        [Problem("strikes.csv", 0, "-", "is a folder, not a file; replace it with a CSV file")],
    )
    assert read_text_table(tmp_path, RESTORATION) == (
        None,
        [Problem("restoration.csv", 0, "-", "is a folder, not a file; replace it with a CSV file")],
    )
    if hasattr(os, "mkfifo"):  # reading a pipe would block until something writes to it
        os.mkfifo(tmp_path / "areas.csv")
        assert read_text_table(tmp_path, AREAS) == (
            None,
            [
                Problem(
                    "areas.csv", 0, "-", "is not a regular file (a pipe, socket or device); replace it with a CSV file"
                )
            ],
        )
    (tmp_path / "service_links.csv").write_text("area_id,service,asset_id,share\n", encoding="utf-8")
    for error, reason in (
        (PermissionError(13, "Permission denied"), "Permission denied"),
        (OSError(5, "Input/output error"), "Input/output error"),
        (OSError("no errno"), "OSError"),
    ):
        monkeypatch.setattr(Path, "read_bytes", _raising(error))  # chmod 000 does not stop root
        assert read_text_table(tmp_path, SERVICE_LINKS) == (
            None,
            [Problem("service_links.csv", 0, "-", f"cannot be read: {reason}; check that the file is readable")],
        )


def _raising(error: OSError):
    """A stand-in for :meth:`Path.read_bytes` that raises ``error`` (its path added)."""

    def read_bytes(path: Path) -> bytes:
        raise type(error)(*error.args, str(path)) if error.errno else error

    return read_bytes


# --- check_cells -----------------------------------------------------------------------------

AREAS_HEADER = "area_id,name,admin_level,parent_id,population,households,latitude"


def test_valid_cells_give_no_problem() -> None:
    assert (
        cells(
            AREAS, AREAS_HEADER, "UA51,Oblast,1,,,,", "UA5101,North,2,UA51,1e3,12.5,-90", "UA5102,South,2.0,UA51,0,0,90"
        )
        == []
    )


def test_number_messages() -> None:
    assert cells(AREAS, AREAS_HEADER, "A,x,1.5,,-1,abc,91", "B,y,10,A,inf,1e999,-90.5", "C,z,1,,2.5,nan,") == sorted(
        [
            "areas.csv:2: admin_level: '1.5' is not a whole number",
            "areas.csv:2: population: '-1' is out of range; must be >= 0",
            "areas.csv:2: households: 'abc' is not a number",
            "areas.csv:2: latitude: '91' is out of range; must be >= -90 and <= 90",
            "areas.csv:3: admin_level: '10' is out of range; must be >= 0 and <= 9",
            "areas.csv:3: population: 'inf' is not a whole number",
            "areas.csv:3: households: '1e999' is not a number",
            "areas.csv:3: latitude: '-90.5' is out of range; must be >= -90 and <= 90",
            "areas.csv:4: population: '2.5' is not a whole number",
            "areas.csv:4: households: 'nan' is not a number",
        ]
    )


def test_whole_number_too_large_for_int64_is_a_problem() -> None:
    assert cells(AREAS, AREAS_HEADER, "A,x,1,,1e19,,") != []


def test_exclusive_minimum_message() -> None:
    assert cells(
        SERVICE_LINKS, "area_id,service,asset_id,share", "A,power,S,0", "A,water,S,1.0000001", "A,heat,S,1"
    ) == [
        "service_links.csv:2: share: '0' is out of range; must be > 0 and <= 1",
        "service_links.csv:3: share: '1.0000001' is out of range; must be > 0 and <= 1",
    ]


def test_choice_time_id_and_empty_messages() -> None:
    assert cells(
        STRIKES,
        STRIKES_HEADER + ",killed",
        "S1,2025-12-19T03:00:00,A,destroyed,",
        "S;2,19.12.2025,,none,x",
        f",{T},A,None,0",
    ) == sorted(
        [
            "strikes.csv:2: time: '2025-12-19T03:00:00' is not an ISO 8601 time with a UTC offset "
            "(e.g. 2025-12-19T19:00:00+02:00)",
            "strikes.csv:2: damage_state: 'destroyed' is not a valid damage_state; "
            "choose one of none, slight, moderate, extensive, complete",
            "strikes.csv:3: strike_id: 'S;2' is not a valid id (no commas, semicolons, tabs or line breaks)",
            "strikes.csv:3: time: '19.12.2025' is not an ISO 8601 time with a UTC offset "
            "(e.g. 2025-12-19T19:00:00+02:00)",
            "strikes.csv:3: asset_id: is empty; a value is required",
            "strikes.csv:3: killed: 'x' is not a whole number",
            "strikes.csv:4: strike_id: is empty; a value is required",
            "strikes.csv:4: damage_state: 'None' is not a valid damage_state (did you mean 'none'?); "
            "choose one of none, slight, moderate, extensive, complete",
        ]
    )


FORMULA_RULE = (
    "ids must not start with =, +, -, @, a tab or a carriage return (spreadsheets would read them as formulas)"
)


@pytest.mark.parametrize("first", ["=", "+", "-", "@"])
def test_ids_starting_like_a_formula_are_rejected(first: str) -> None:
    assert cells(STRIKES, STRIKES_HEADER, f"{first}S1,{T},{first}SUB,none", f"S2,{T},SUB,none") == [
        f"strikes.csv:2: asset_id: '{first}SUB' starts with '{first}'; {FORMULA_RULE}",
        f"strikes.csv:2: strike_id: '{first}S1' starts with '{first}'; {FORMULA_RULE}",
    ]


def test_every_id_column_rejects_formula_starts_after_surrounding_whitespace_is_stripped() -> None:
    for table in TABLES:
        ids = [column.name for column in table.columns if column.dtype == "id"]
        frame = frame_to_text(pd.DataFrame({name: ["\t=X", "\r\n@Y", " +Z", "-1"] for name in ids}))
        found = sorted((p.line, p.column, p.message) for p in check_cells(frame, table))
        assert found == sorted(
            (line, name, f"{value!r} starts with {value[0]!r}; {FORMULA_RULE}")
            for name in ids
            for line, value in ((2, "=X"), (3, "@Y"), (4, "+Z"), (5, "-1"))
        ), table


def test_ids_may_hold_formula_characters_elsewhere_and_neutralised_ids_load() -> None:
    assert cells(STRIKES, STRIKES_HEADER, f"S=1,{T},SUB-2+,none", f"'=S2,{T},a@b,none") == []


def test_an_id_with_a_comma_and_a_formula_start_is_reported_once() -> None:
    assert cells(STRIKES, STRIKES_HEADER, f'"=S1,b",{T},SUB,none') == [
        "strikes.csv:2: strike_id: '=S1,b' is not a valid id (no commas, semicolons, tabs or line breaks)",
    ]


def test_restoration_damage_state_excludes_none() -> None:
    assert cells(
        RESTORATION,
        "restoration_class,damage_state,distribution,median_days,dispersion",
        "x,none,fixed,1,",
        "x,slight,gamma,1,",
    ) == [
        "restoration.csv:2: damage_state: 'none' is not a valid damage_state; "
        "choose one of slight, moderate, extensive, complete",
        "restoration.csv:3: distribution: 'gamma' is not a valid distribution; choose one of normal, lognormal, fixed",
    ]


def test_check_cells_uses_the_line_column() -> None:
    frame, _ = parse(f"{STRIKES_HEADER}\n\n\nS1,{T},A,none\n\nS2,soon,B,none\n")
    assert [str(p) for p in check_cells(frame, STRIKES)] == [
        "strikes.csv:6: time: 'soon' is not an ISO 8601 time with a UTC offset (e.g. 2025-12-19T19:00:00+02:00)",
    ]


def test_check_cells_on_a_filtered_frame() -> None:
    frame, _ = parse(f"{STRIKES_HEADER}\nS1,x,A,none\nS2,y,B,none\nS3,{T},C,bad\n")
    problems = check_cells(frame.iloc[[1, 2]], STRIKES)
    assert sorted(p.line for p in problems) == [3, 4]


# --- to_typed --------------------------------------------------------------------------------


def test_to_typed_types() -> None:
    frame, _ = parse(f"{STRIKES_HEADER},killed,notes\nS1,{T},A,none,3,n\nS2,2025-12-19T01:00:00Z,B,slight,,\n")
    assert check_cells(frame, STRIKES) == []
    typed = to_typed(frame, STRIKES)
    assert list(typed.columns) == [c.name for c in STRIKES.columns] + [LINE]
    assert isinstance(typed["time"].dtype, pd.DatetimeTZDtype)
    assert str(typed["time"].dtype.tz) == "UTC"
    assert typed["time"].tolist() == [pd.Timestamp("2025-12-19T01:00:00Z")] * 2
    assert str(typed["killed"].dtype) == "Int64"
    assert typed["killed"].iloc[0] == 3 and typed["killed"].isna().tolist() == [False, True]
    assert typed["injured"].isna().all()  # optional column absent from the file
    assert typed["notes"].tolist() == ["n", ""]
    assert typed["source"].tolist() == ["", ""]
    assert all(isinstance(v, str) for v in typed["damage_state"])
    assert typed[LINE].tolist() == [2, 3]


def test_to_typed_numbers() -> None:
    frame, _ = parse(f"{AREAS_HEADER}\nA,x,1,,1e3,2.5,\nB,y,2.0,A,,,46.5\n", AREAS)
    typed = to_typed(frame, AREAS)
    assert typed["population"].tolist()[0] == 1000 and pd.isna(typed["population"].iloc[1])
    assert typed["admin_level"].tolist() == [1, 2]
    assert typed["households"].dtype == np.float64
    assert typed["households"].iloc[0] == 2.5 and np.isnan(typed["households"].iloc[1])
    assert np.isnan(typed["longitude"]).all()
    assert typed["parent_id"].tolist() == ["", "A"]


def test_to_typed_resets_the_index_and_keeps_lines() -> None:
    frame, _ = parse(f"{STRIKES_HEADER}\nS1,{T},A,none\nS2,{T},B,none\nS3,{T},C,none\n")
    typed = to_typed(frame.iloc[[0, 2]], STRIKES)
    assert typed.index.tolist() == [0, 1]
    assert typed[LINE].tolist() == [2, 4]


def test_to_typed_empty_frame() -> None:
    frame, _ = parse(f"{STRIKES_HEADER}\n")
    typed = to_typed(frame, STRIKES)
    assert len(typed) == 0
    assert isinstance(typed["time"].dtype, pd.DatetimeTZDtype)


# --- parse_time and frame_to_text ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "utc"),
    [
        ("2025-12-19T19:00:00+02:00", "2025-12-19T17:00:00Z"),
        ("2025-12-19T19:00:00Z", "2025-12-19T19:00:00Z"),
        ("2025-12-19 19:00+00:00", "2025-12-19T19:00:00Z"),
        ("2025-12-19T19:00:00-05:30", "2025-12-20T00:30:00Z"),
    ],
)
def test_parse_time(text: str, utc: str) -> None:
    assert parse_time(text) == pd.Timestamp(utc)
    assert str(parse_time(text).tz) == "UTC"


@pytest.mark.parametrize("text", ["2025-12-19T19:00:00", "2025-12-19", "tomorrow", ""])
def test_parse_time_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_time(text)


def test_frame_to_text() -> None:
    frame = pd.DataFrame(
        {
            "strike_id": ["S1", " S2 "],
            "time": [pd.Timestamp("2025-12-19T03:00:00+02:00"), pd.NaT],
            "killed": [3.0, np.nan],
            "share": [0.25, 1.0],
            "asset_id": ["A", None],
        },
        index=[7, 3],
    )
    text = frame_to_text(frame)
    assert text["strike_id"].tolist() == ["S1", "S2"]
    assert text["time"].tolist() == ["2025-12-19T03:00:00+02:00", ""]
    assert text["killed"].tolist() == ["3", ""]
    assert text["share"].tolist() == ["0.25", "1"]
    assert text["asset_id"].tolist() == ["A", ""]
    assert text[LINE].tolist() == [2, 3]


def test_frame_to_text_nullable_missing_values() -> None:
    frame = pd.DataFrame(
        {"population": pd.array([1000, None], dtype="Int64"), "parent_id": pd.array([None, "UA51"], dtype="string")}
    )
    text = frame_to_text(frame)
    assert text["population"].tolist() == ["1000", ""]
    assert text["parent_id"].tolist() == ["", "UA51"]
