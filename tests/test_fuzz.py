"""Fuzzing of the scenario loader, the ACLED importer and the CLI with hypothesis (issue 6, part 1).

Every table of a valid scenario (a copy of the bundled ``odesa-2025-12`` folder, with small valid
``status_updates.csv``, ``temperature.csv``, ``blackouts.csv`` and ``crews.csv`` added, crew pools and
priorities on its assets, buffer ranges on its dependencies, candidate assets and weighted damage states
on two strikes and ``[uncertainty]``) and its ``scenario.toml`` are
replaced by random bytes or by a mutated copy of the valid file (cells, lines and headers changed,
deleted or duplicated, the encoding or line endings changed, the file truncated...). The only allowed
outcomes are a valid :class:`impact.Scenario` (or ACLED import) or :class:`impact.ScenarioError`
(:class:`impact.acled.AcledError` for the importer): never any other exception. Through the CLI, the exit
code must be 0 or 2 and no traceback printed; ``impact run`` must also export whatever scenario loads
(to CSV, Excel, NetCDF or Parquet) without a traceback.

The runs here are short (100 or 150 examples per test, 10 per CLI test, about 35 s in all);
``benchmarks/fuzz_loaders.py`` runs the same strategies for minutes.
"""

from __future__ import annotations

import contextlib
import csv
import io
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import impact
from impact.acled import AcledError, import_acled
from impact.cli import main
from impact.scenario.bundled import find_bundled

#: Valid contents of the optional tables the bundled scenario lacks (ids of the bundled scenario).
EXTRA_TABLES = {
    "status_updates.csv": "time,asset_id,status,source\n"
    "2025-12-19T06:00:00+02:00,SUB-BB-1,down,operator\n"
    "2025-12-20T06:00:00+02:00,SUB-BB-1,up,operator\n",
    "temperature.csv": "time,temperature_c,area_id,source\n"
    "2025-12-19T00:00:00+02:00,-3,UA51,forecast\n"
    "2025-12-20T00:00:00+02:00,-5.5,,forecast\n",
    "blackouts.csv": "area_id,start,end,hours_off_per_day,queues,source\n"
    "UA51,2025-12-19T00:00:00+02:00,2025-12-22T00:00:00+02:00,4,6,oblenergo\n"
    "UA5102,2025-12-23T00:00:00+02:00,2025-12-24T00:00:00+02:00,8,,oblenergo\n",
}
NEEDS = (
    "\n[needs]\nwater_litres_per_person_day = 15\ntruck_capacity_litres = 10000\nheating_after_hours = 24\n"
    'heating_below_celsius = 0\ncritical_kinds = ["pumping_station", "boiler_house"]\n'
)

#: The inputs of issue 13 on top (kept apart: scripts/output_digests.py uses the tables and ``[needs]`` above).
UNCERTAIN_TABLES = {"crews.csv": "crew_pool,crews,source\ngrid,2,assumption\nwater,1,assumption\n"}
UNCERTAINTY = "\n[uncertainty]\nrepair_correlation = 0.2\n"


def _crew_pool(row: dict[str, str]) -> str:
    """Substations in the grid pool, water sites in the water pool, the rest repaired at once."""
    return {"substation": "grid", "pumping_station": "water", "water_treatment": "water"}.get(row["kind"], "")


#: Weighted cells on two strikes of the bundled scenario (strike id -> column -> cell).
WEIGHTED_STRIKES = {
    "S01": {"asset_id": "SUB-BB-1:0.6|SUB-BB-2:0.4"},
    "S03": {"damage_state": "slight:0.3|moderate:0.5|extensive:0.2"},
}

#: Columns of issue 13 added to (or, for weighted strikes, rewritten in) the bundled tables: name -> cell from the row.
EXTRA_COLUMNS = {
    "assets.csv": {
        "crew_pool": _crew_pool,
        "priority": lambda row: "1" if row["asset_id"].startswith("SUB-BB") else "",
    },
    "dependencies.csv": {
        "buffer_hours_max": lambda row: f"{2 * float(row['buffer_hours']):g}" if row["buffer_hours"] else "",
    },
    "strikes.csv": {
        column: lambda row, column=column: WEIGHTED_STRIKES.get(row["strike_id"], {}).get(column, row[column])
        for column in ("asset_id", "damage_state")
    },
}


def _add_columns(path: Path, columns: dict) -> None:
    """Append columns to a CSV file (or rewrite those it has), each cell computed from its row."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
        header = list(reader.fieldnames or [])
        header += [name for name in columns if name not in header]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, header, lineterminator="\n")
        writer.writeheader()
        writer.writerows({**row, **{name: cell(row) for name, cell in columns.items()}} for row in rows)


#: Header of an ACLED export and a few valid rows (events on the bundled scenario's assets).
ACLED_HEADER = (
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "admin1",
    "admin2",
    "location",
    "latitude",
    "longitude",
    "source",
    "notes",
    "fatalities",
)
ACLED_ROWS = (
    "UKR1001,2025-12-19,2025,1,Political violence,Explosions/Remote violence,Air/drone strike,Military Forces of "
    'Russia (2000-),Odesa,Odeskyi,Odesa,46.4775,30.7326,Suspilne,"Russian drones struck an electrical substation '
    'in Odesa; minor damage.",0',
    "UKR1002,20-12-2025,2025,2,Political violence,Explosions/Remote violence,Shelling/artillery/missile attack,"
    "Military Forces of Russia (2000-),Odesa,Odeskyi,Odesa,46.4775,30.7326,Suspilne,A missile hit a water "
    "reservoir in Odesa. The reservoir was completely destroyed.,2",
    "UKR1003,21 December 2025,2025,1,Political violence,Explosions/Remote violence,Air/drone strike,Military "
    "Forces of Russia (2000-),Odesa,Izmailskyi,Izmail,45.3503,28.8374,Suspilne,Drones struck the port of Izmail; "
    "grain storage facilities caught fire.,",
    "UKR1004,2025-12-19,2025,1,Political violence,Battles,Armed clash,Military Forces of Russia (2000-),Odesa,"
    "Odeskyi,Odesa,46.4775,30.7326,Suspilne,Armed clash near the front line.,1",
)
ACLED_TEXT = ",".join(ACLED_HEADER) + "\n" + "\n".join(ACLED_ROWS) + "\n"


def base_folder(folder: Path) -> Path:
    """Write the valid base scenario (bundled Odesa plus the optional tables, columns, ``[needs]`` and
    ``[uncertainty]``) to ``folder``."""
    shutil.copytree(find_bundled("odesa-2025-12"), folder)
    for name, text in {**EXTRA_TABLES, **UNCERTAIN_TABLES}.items():
        (folder / name).write_text(text, encoding="utf-8")
    for name, columns in EXTRA_COLUMNS.items():
        _add_columns(folder / name, columns)
    with (folder / "scenario.toml").open("a", encoding="utf-8") as handle:
        handle.write(NEEDS + UNCERTAINTY)
    return folder


def base_files(folder: Path) -> dict[str, bytes]:
    """The bytes of every file of the base scenario that the fuzzers replace."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.suffix in (".csv", ".toml")}


class Workspace:
    """A valid scenario folder in which one file at a time is replaced and then restored."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="impact-fuzz-"))
        self.folder = base_folder(self.root / "scenario")
        self.files = base_files(self.folder)
        self.scenario = impact.load_scenario(self.folder)
        self.acled = self.root / "acled.csv"

    @contextlib.contextmanager
    def replaced(self, name: str, content: bytes | None):
        """The folder with ``name`` replaced by ``content`` (deleted when None) inside the block."""
        path = self.folder / name
        if content is None:
            path.unlink()
        else:
            path.write_bytes(content)
        try:
            yield self.folder
        finally:
            path.write_bytes(self.files[name])

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


# --- strategies ----------------------------------------------------------------------------------

#: Cell values likely to hit edge cases of the parsers.
NASTY_CELLS = (
    "",
    " ",
    "nan",
    "NaN",
    "None",
    "null",
    "inf",
    "-inf",
    "1e309",
    "-0",
    "0",
    "-1",
    "1",
    "2.5",
    "25",
    "1e-320",
    "9" * 40,
    "0x10",
    "1_000",
    "１",
    "true",
    '"',
    '""',
    "'",
    "\\",
    ",",
    "\n",
    "\r",
    "\t",
    "\x00",
    "\ufeff",
    "é",
    "2025-12-19T00:00:00+02:00",
    "2025-12-19T00:00:00",
    "2025-12-19",
    "2025-02-30T00:00:00+02:00",
    "2025-12-19T24:00:00+02:00",
    "9999-12-31T23:59:59+14:00",
    "0001-01-01T00:00:00-12:00",
    "2025-12-19T00:00Z",
    "UA51",
    "UA5102",
    "SUB-BB-1",
    "substation",
    "boiler_house",
    "extensive",
    "lognormal",
    "fixed",
    "power",
    "heat",
    "up",
    "down",
    "people",
    "households",
    "S1",
    "SUB-BB-1:0.5|SUB-BB-2:0.5",
    "SUB-BB-1|SUB-BB-2",
    "moderate:0.6|extensive:0.4",
    "moderate:0.6|extensive:0.3",
    "none:1",
    "a:x|b:1",
    "|",
    ":",
    "grid",
    "=1+1",
    "a" * 300,
)
cells = st.one_of(st.sampled_from(NASTY_CELLS), st.text(max_size=20))


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


@st.composite
def mutated(draw: st.DrawFn, base: bytes) -> bytes:
    """``base`` (a valid file) with one to four random mutations."""
    data = base
    for _ in range(draw(st.integers(1, 4))):
        op = draw(
            st.sampled_from(
                (
                    "cell",
                    "cell",
                    "cell",
                    "delete_line",
                    "duplicate_line",
                    "swap_lines",
                    "insert_line",
                    "header",
                    "truncate",
                    "insert_bytes",
                    "encoding",
                    "line_endings",
                    "delete_column",
                )
            )
        )
        lines = _lines(data)
        if op == "cell" or op == "header":
            row = 0 if op == "header" else draw(st.integers(0, max(len(lines) - 1, 0)))
            fields = lines[row].decode("utf-8", "replace").split(",")
            column = draw(st.integers(0, len(fields) - 1))
            fields[column] = draw(cells)
            if draw(st.booleans()) and len(fields) > 1:
                fields.insert(draw(st.integers(0, len(fields))), draw(cells))
            lines[row] = ",".join(fields).encode("utf-8", "surrogatepass")
        elif op == "delete_column":
            column = draw(st.integers(0, 12))
            lines = [b",".join(f for i, f in enumerate(line.split(b",")) if i != column) for line in lines]
        elif op == "delete_line" and lines:
            del lines[draw(st.integers(0, len(lines) - 1))]
        elif op == "duplicate_line" and lines:
            row = draw(st.integers(0, len(lines) - 1))
            lines.insert(draw(st.integers(0, len(lines))), lines[row])
        elif op == "swap_lines" and len(lines) > 1:
            i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "insert_line":
            lines.insert(
                draw(st.integers(0, len(lines))),
                ",".join(draw(st.lists(cells, max_size=8))).encode("utf-8", "surrogatepass"),
            )
        elif op == "truncate":
            data = data[: draw(st.integers(0, len(data)))]
            continue
        elif op == "insert_bytes":
            at = draw(st.integers(0, len(data)))
            data = data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:]
            continue
        elif op == "encoding":
            text = data.decode("utf-8", "replace")
            codec = draw(st.sampled_from(("utf-16", "utf-16-le", "utf-8-sig", "latin-1", "cp1251", "utf-32")))
            data = text.encode(codec, "replace")
            continue
        elif op == "line_endings":
            data = data.replace(b"\n", draw(st.sampled_from((b"\r\n", b"\r", b"\n\n", b""))))
            continue
        data = b"\n".join(lines)
    return data


def file_content(files: dict[str, bytes], name: str) -> st.SearchStrategy[bytes | None]:
    """Random bytes, random text or a mutated copy of the valid ``name`` (or no file at all)."""
    return st.one_of(
        st.binary(max_size=300),
        st.text(max_size=300).map(lambda text: text.encode("utf-8", "surrogatepass")),
        mutated(files[name]),
        mutated(files[name]),
        mutated(files[name]),
        st.just(None),
    )


def scenario_cases(files: dict[str, bytes]) -> st.SearchStrategy[tuple[str, bytes | None]]:
    """(file name, new content) for any table of the scenario or its ``scenario.toml``."""
    return st.sampled_from(sorted(files)).flatmap(lambda name: st.tuples(st.just(name), file_content(files, name)))


def acled_cases() -> st.SearchStrategy[bytes]:
    """Random bytes or a mutated copy of a valid ACLED export."""
    base = ACLED_TEXT.encode("utf-8")
    return st.one_of(st.binary(max_size=300), mutated(base), mutated(base), mutated(base))


# --- checks shared with benchmarks/fuzz_loaders.py ------------------------------------------------


def check_load(workspace: Workspace, name: str, content: bytes | None) -> None:
    """Loading the scenario with ``name`` replaced gives a Scenario or a ScenarioError, nothing else."""
    with workspace.replaced(name, content) as folder:
        try:
            scenario = impact.load_scenario(folder)
        except impact.ScenarioError as error:
            assert error.problems, "a ScenarioError without problems"
            for problem in error.problems:
                assert str(problem).split(":", 1)[0] == problem.file
        else:
            assert isinstance(scenario, impact.Scenario)


def check_acled(workspace: Workspace, content: bytes, skip_bad_rows: bool) -> None:
    """Importing ``content`` as an ACLED file gives an import or an AcledError, nothing else."""
    workspace.acled.write_bytes(content)
    try:
        result = import_acled(workspace.acled, workspace.scenario, skip_bad_rows=skip_bad_rows)
    except AcledError as error:
        assert error.problems, "an AcledError without problems"
    else:
        assert len(result.account) >= len(result.strikes)


def check_cli(argv: list[str]) -> int:
    """Run the CLI; the exit code must be 0 or 2 and nothing printed may be a traceback."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    printed = out.getvalue() + err.getvalue()
    assert code in (0, 2), (code, printed)
    assert "Traceback" not in printed, printed
    return code


#: Suffixes of ``impact run --out``: every export format.
EXPORT_SUFFIXES = (".csv", ".xlsx", ".nc", ".parquet")


def check_run_export(workspace: Workspace, name: str, content: bytes | None, suffix: str) -> int:
    """``impact run --samples 5 --out run<suffix>`` on the scenario with ``name`` replaced.

    The exit code must be 0 or 2 without a traceback (:func:`check_cli`); with 0 the export
    exists and is not empty, with 2 no file is left. Scenarios that load are thereby run and
    exported, so that crashes at export time (values the loader accepts but a format cannot
    store) are found too.

    Returns
    -------
    int
        The exit code.
    """
    out = workspace.root / f"run{suffix}"
    out.unlink(missing_ok=True)
    with workspace.replaced(name, content) as folder:
        code = check_cli(["run", str(folder), "--samples", "5", "--out", str(out)])
    try:
        if code == 0:
            assert out.is_file() and out.stat().st_size > 0, (name, suffix)
        else:
            assert not out.exists(), (name, suffix)
    finally:
        out.unlink(missing_ok=True)
    return code


# --- tests ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def workspace():
    space = Workspace()
    yield space
    space.close()


#: Short runs (each scenario load validates every table, about 0.1-0.2 s); the benchmark runs for minutes.
FUZZ_HEALTH = [HealthCheck.too_slow, HealthCheck.data_too_large]
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=FUZZ_HEALTH)
FUZZ_LOADS = settings(max_examples=150, deadline=None, suppress_health_check=FUZZ_HEALTH)


def _valid_files() -> dict[str, bytes]:
    root = Path(tempfile.mkdtemp(prefix="impact-fuzz-files-"))
    try:
        return base_files(base_folder(root / "scenario"))
    finally:
        shutil.rmtree(root, ignore_errors=True)


#: The bytes of the valid files, from which the strategies start.
FILES = _valid_files()


def test_base_of_the_fuzzing_is_valid(workspace: Workspace) -> None:
    assert sorted(workspace.files) == sorted(
        [
            "areas.csv",
            "assets.csv",
            "blackouts.csv",
            "crews.csv",
            "dependencies.csv",
            "observations.csv",
            "restoration.csv",
            "scenario.toml",
            "service_links.csv",
            "status_updates.csv",
            "strikes.csv",
            "temperature.csv",
        ]
    )
    counts = workspace.scenario.counts()
    assert "2 status updates" in counts and "2 temperature readings" in counts, counts
    assert len(workspace.scenario.blackouts) == 2
    assert "2 crew pools" in counts and workspace.scenario.config.repair_correlation == 0.2
    assets = workspace.scenario.assets
    assert set(assets["crew_pool"]) == {"grid", "water", ""} and assets["priority"].notna().any()
    assert workspace.scenario.dependencies["buffer_hours_max"].notna().any()
    strikes = workspace.scenario.strikes.set_index("strike_id")
    assert strikes.loc["S01", "asset_id"] == "SUB-BB-1:0.6|SUB-BB-2:0.4"
    assert strikes.loc["S03", "damage_state"] == "slight:0.3|moderate:0.5|extensive:0.2"
    assert len(import_acled(_write(workspace.acled, ACLED_TEXT.encode()), workspace.scenario).strikes) >= 1


def _write(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


@pytest.mark.slow
@FUZZ_LOADS
@given(case=scenario_cases(FILES))
def test_any_file_of_a_scenario_loads_or_is_a_scenario_error(
    workspace: Workspace, case: tuple[str, bytes | None]
) -> None:
    check_load(workspace, *case)


@pytest.mark.slow
@settings(FUZZ_LOADS, max_examples=100)
@given(content=st.binary(max_size=500), name=st.sampled_from(sorted(FILES)))
def test_random_bytes_as_any_file_load_or_are_a_scenario_error(workspace: Workspace, content: bytes, name: str) -> None:
    check_load(workspace, name, content)


@FUZZ
@given(content=acled_cases(), skip_bad_rows=st.booleans())
def test_acled_import_gives_an_import_or_an_acled_error(
    workspace: Workspace, content: bytes, skip_bad_rows: bool
) -> None:
    check_acled(workspace, content, skip_bad_rows)


@pytest.mark.slow
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=scenario_cases(FILES))
def test_cli_validate_exits_0_or_2_without_a_traceback(workspace: Workspace, case: tuple[str, bytes | None]) -> None:
    with workspace.replaced(*case) as folder:
        check_cli(["validate", str(folder)])


def run_cases(files: dict[str, bytes]) -> st.SearchStrategy[tuple[str, bytes | None]]:
    """:func:`scenario_cases`, or now and then the valid base unchanged, so that some examples run and export."""
    return st.one_of(scenario_cases(files), st.just(("scenario.toml", files["scenario.toml"])))


@pytest.mark.slow
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=run_cases(FILES), suffix=st.sampled_from(EXPORT_SUFFIXES))
def test_cli_run_and_export_exits_0_or_2_without_a_traceback(
    workspace: Workspace, case: tuple[str, bytes | None], suffix: str
) -> None:
    check_run_export(workspace, *case, suffix)


@pytest.mark.slow
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(content=acled_cases())
def test_cli_import_acled_exits_0_or_2_without_a_traceback(workspace: Workspace, content: bytes) -> None:
    out = workspace.root / "strikes-out.csv"
    check_cli(
        [
            "import-acled",
            str(_write(workspace.acled, content)),
            "--scenario",
            str(workspace.folder),
            "--out",
            str(out),
            "--skip-bad-rows",
        ]
    )


# --- regressions found by fuzzing ----------------------------------------------------------------


def test_blackout_on_an_area_in_a_hierarchy_cycle_is_reported_not_a_recursion_error(workspace: Workspace) -> None:
    # Found by benchmarks/fuzz_loaders.py: check_blackouts walked the area tree without a guard
    # against cycles and raised RecursionError.
    text = FILES["areas.csv"].decode("utf-8")
    header = text.splitlines()[0].split(",")

    def row(**cells: str) -> str:
        return ",".join(cells.get(column, "") for column in header) + "\n"

    areas = text + row(area_id="UA5198", name="Loop A", admin_level="3", parent_id="UA5199")
    areas += row(area_id="UA5199", name="Loop B", admin_level="3", parent_id="UA5198")
    blackouts = (
        "area_id,start,end,hours_off_per_day,queues\nUA5198,2025-12-19T00:00:00+02:00,2025-12-20T00:00:00+02:00,4,6\n"
    )
    with workspace.replaced("blackouts.csv", blackouts.encode()), workspace.replaced("areas.csv", areas.encode()):
        with pytest.raises(impact.ScenarioError) as caught:
            impact.load_scenario(workspace.folder)
    assert any("area hierarchy has a cycle: UA5198 -> UA5199 -> UA5198" in str(p) for p in caught.value.problems)
