"""Fuzzed-but-valid input (issue 6, part 6): the same scenario written in many valid ways gives
exactly the same result, and the result keeps every invariant.

A scenario's tables are first written canonically (UTF-8, comma, LF, columns in the documented
order, times with the scenario's +02:00 offset). Hypothesis then rewrites them in ways the data
format allows and that mean the same thing:

- rows of every table in another order, columns in another order;
- CRLF line endings, a UTF-8 byte order mark, every cell quoted;
- every time written with another UTC offset (``Z``, ``+05:30``, ``-03:00``...) for the same instant;
- decimal numbers written in another exact form (``0.5``, ``5.0000000000000000e-01``);
- an empty optional table written as a header alone, or left out;
- ``scenario.toml`` with its keys in another order.

Each rewritten folder must load and run to a result identical to the canonical one's (after
putting areas, assets and strikes in the same order), keep ``invariants.check_result``, and --
for the small random scenarios -- the fast engine must equal the reference engine on it.

Bases: the bundled ``odesa-2025-12`` (with status updates, temperature readings and rolling
blackouts of ``test_fuzz.EXTRA_TABLES`` added) and random scenarios of ``scenario_factory``.
``benchmarks/fuzz_loaders.py --valid`` runs the same strategies for minutes.
"""

from __future__ import annotations

import csv
import io
import random
import shutil
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from invariants import check_result
from scenario_factory import random_scenario
from test_fuzz import EXTRA_TABLES

import impact
from impact.engine import fast, reference
from impact.engine.compile import compile_scenario
from impact.scenario.bundled import find_bundled

#: Columns holding times (ISO 8601 with a UTC offset), by file.
TIME_COLUMNS = {
    "strikes.csv": ("time",),
    "status_updates.csv": ("time",),
    "observations.csv": ("time",),
    "temperature.csv": ("time",),
    "blackouts.csv": ("start", "end"),
}
#: Columns holding decimal numbers, by file (integers such as population stay as written).
DECIMAL_COLUMNS = {
    "areas.csv": ("latitude", "longitude"),
    "assets.csv": ("latitude", "longitude"),
    "dependencies.csv": ("buffer_hours",),
    "service_links.csv": ("share",),
    "restoration.csv": ("median_days", "dispersion"),
    "observations.csv": ("value",),
    "temperature.csv": ("temperature_c",),
    "blackouts.csv": ("hours_off_per_day",),
}
OPTIONAL_TABLES = (
    "dependencies.csv",
    "restoration.csv",
    "status_updates.csv",
    "observations.csv",
    "temperature.csv",
    "blackouts.csv",
)
OFFSETS = ("+02:00", "Z", "+00:00", "+05:30", "-03:00", "+14:00", "-11:00")

#: A folder as text: scenario.toml's sections (key -> TOML value text) and each table as strings.
Tables = dict[str, pd.DataFrame]


@dataclass(frozen=True)
class Form:
    """How to write a scenario: everything here leaves its meaning unchanged."""

    seed: int
    shuffle_rows: bool
    shuffle_columns: bool
    line_end: str
    bom: bool
    quote_all: bool
    offsets: tuple[str, ...]
    number_format: str
    empty_tables: str  # "header" or "absent"


CANONICAL = Form(
    seed=0,
    shuffle_rows=False,
    shuffle_columns=False,
    line_end="\n",
    bom=False,
    quote_all=False,
    offsets=("+02:00",),
    number_format="as written",
    empty_tables="absent",
)


def forms() -> st.SearchStrategy[Form]:
    return st.builds(
        Form,
        seed=st.integers(0, 2**31),
        shuffle_rows=st.booleans(),
        shuffle_columns=st.booleans(),
        line_end=st.sampled_from(["\n", "\r\n"]),
        bom=st.booleans(),
        quote_all=st.booleans(),
        offsets=st.lists(st.sampled_from(OFFSETS), min_size=1, max_size=3).map(tuple),
        number_format=st.sampled_from(["as written", "repr", "%.17g", "%.17e"]),
        empty_tables=st.sampled_from(["header", "absent"]),
    )


# --- canonical text of a scenario ----------------------------------------------------------------


def _read_folder(folder: Path) -> tuple[dict[str, dict[str, str]], Tables]:
    """scenario.toml (as TOML value text per key) and every table as strings, from a folder."""
    import tomllib

    document = tomllib.loads((folder / "scenario.toml").read_text(encoding="utf-8"))
    toml = {section: {key: _toml_value(value) for key, value in values.items()} for section, values in document.items()}
    tables = {path.name: pd.read_csv(path, dtype=str, keep_default_na=False) for path in sorted(folder.glob("*.csv"))}
    return toml, tables


def _toml_value(value: object) -> str:
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, float):
        return repr(value)
    return str(value)


@cache
def odesa_text() -> tuple[dict[str, dict[str, str]], Tables]:
    toml, tables = _read_folder(find_bundled("odesa-2025-12"))
    for name, text in EXTRA_TABLES.items():
        tables[name] = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    toml["run"]["samples"] = "30"
    return toml, tables


def _text_cell(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.tz_convert("Europe/Kyiv").isoformat()
    if isinstance(value, float | np.floating):
        return repr(float(value))
    return str(value)


@cache
def random_text(seed: int) -> tuple[dict[str, dict[str, str]], Tables]:
    """A random scenario of ``scenario_factory`` as canonical text."""
    scenario = random_scenario(seed)
    config = scenario.config
    toml = {
        "scenario": {
            "id": _toml_value(config.id),
            "title": _toml_value(config.title),
            "timezone": _toml_value(config.timezone),
            "start": _toml_value(config.start.tz_convert(config.timezone).isoformat()),
            "horizon_hours": repr(float(config.horizon_hours)),
            "step_minutes": repr(float(config.step_minutes)),
        },
        "run": {"samples": "20", "seed": str(config.seed), "quantiles": _toml_value(list(config.quantiles))},
    }
    tables = {}
    for name in ("areas", "assets", "dependencies", "service_links", "strikes", "restoration"):
        frame = getattr(scenario, name)
        if name == "restoration":
            frame = frame[frame["origin"] == "scenario"].drop(columns="origin")
        frame = frame.drop(columns=["__line__"], errors="ignore")
        tables[f"{name}.csv"] = frame.map(_text_cell).astype(str)
    return toml, tables


# --- writing a scenario in a given form -----------------------------------------------------------


def _number(text: str, number_format: str) -> str:
    if not text or number_format == "as written":
        return text
    value = float(text)
    return repr(value) if number_format == "repr" else number_format % value


def _time(text: str, offset: str) -> str:
    if not text:
        return text
    moment = pd.Timestamp(text).tz_convert("UTC")
    if offset == "Z":
        return moment.strftime("%Y-%m-%dT%H:%M:%S") + "Z"
    sign = 1 if offset[0] == "+" else -1
    hours, minutes = int(offset[1:3]), int(offset[4:6])
    shift = pd.Timedelta(hours=hours, minutes=minutes) * sign
    return (moment + shift).strftime("%Y-%m-%dT%H:%M:%S") + offset


def write_form(text: tuple[dict[str, dict[str, str]], Tables], form: Form, folder: Path) -> Path:
    """Write a scenario (as text) into ``folder`` in ``form``."""
    rng = random.Random(form.seed)
    toml, tables = text
    folder.mkdir(parents=True)
    lines = []
    for section, values in toml.items():
        keys = list(values)
        if form.shuffle_columns:
            rng.shuffle(keys)
        lines += [f"[{section}]", *(f"{key} = {values[key]}" for key in keys), ""]
    (folder / "scenario.toml").write_text("\n".join(lines), encoding="utf-8")
    for name, frame in tables.items():
        if not len(frame) and name in OPTIONAL_TABLES and form.empty_tables == "absent":
            continue
        frame = frame.copy()
        for column in TIME_COLUMNS.get(name, ()):
            if column in frame:
                frame[column] = [_time(v, rng.choice(form.offsets)) for v in frame[column]]
        for column in DECIMAL_COLUMNS.get(name, ()):
            if column in frame:
                frame[column] = [_number(v, form.number_format) for v in frame[column]]
        if form.shuffle_rows:
            frame = frame.iloc[rng.sample(range(len(frame)), len(frame))]
        if form.shuffle_columns:
            frame = frame[rng.sample(list(frame.columns), frame.shape[1])]
        buffer = io.StringIO()
        frame.to_csv(
            buffer,
            index=False,
            lineterminator=form.line_end,
            quoting=csv.QUOTE_ALL if form.quote_all else csv.QUOTE_MINIMAL,
        )
        (folder / name).write_text(buffer.getvalue(), encoding="utf-8-sig" if form.bom else "utf-8", newline="")
    return folder


# --- the checks -----------------------------------------------------------------------------------


def _aligned(ds: xr.Dataset) -> xr.Dataset:
    """``ds`` with areas, assets, strikes and observations in a fixed order (by id, then time)."""
    ds = ds.sortby("area").sortby("asset").sortby("strike")
    if ds.sizes.get("observation", 0) > 1:
        order = np.lexsort(
            (
                ds["observation_service"].values.astype(str),
                ds["observation_area"].values.astype(str),
                ds["observation_time"].values,
            )
        )
        ds = ds.isel(observation=order)
    return ds


@cache
def canonical_result(base: str) -> xr.Dataset:
    with tempfile.TemporaryDirectory() as folder:
        return _run(write_form(_text_of(base), CANONICAL, Path(folder) / "s"))


def _text_of(base: str) -> tuple[dict[str, dict[str, str]], Tables]:
    return odesa_text() if base == "odesa" else random_text(int(base))


def _run(folder: Path) -> xr.Dataset:
    return _aligned(impact.run(impact.load_scenario(folder)).dataset)


def check_form(base: str, form: Form) -> None:
    """The scenario ``base`` written in ``form`` loads, runs to the canonical result, keeps the invariants."""
    with tempfile.TemporaryDirectory() as folder:
        written = write_form(_text_of(base), form, Path(folder) / "s")
        ds = _run(written)
        scenario = impact.load_scenario(written)
    xr.testing.assert_identical(ds, canonical_result(base))
    check_result(ds)
    if base != "odesa":  # small: the reference engine too
        model = compile_scenario(scenario)
        durations = model.sample_durations(8, 1)
        quantiles = np.array([0.0, 0.5, 1.0])
        got, want = fast.compute(model, durations, quantiles), reference.compute(model, durations, quantiles)
        assert np.array_equal(got.people_quantiles, want.people_quantiles)
        assert np.array_equal(got.people_mean, want.people_mean)
        assert np.array_equal(got.asset_down_count, want.asset_down_count)


VALID = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def test_the_canonical_forms_load_and_keep_the_invariants() -> None:
    for base in ("odesa", "0", "1", "2"):
        check_result(canonical_result(base))
    assert canonical_result("odesa").attrs["samples"] == 30
    assert {"status_updates.csv", "temperature.csv", "blackouts.csv"} <= set(odesa_text()[1])


@pytest.mark.slow
@VALID
@given(form=forms())
def test_odesa_written_any_valid_way_gives_the_same_result(form: Form) -> None:
    check_form("odesa", form)


@pytest.mark.slow
@settings(VALID, max_examples=60)
@given(seed=st.integers(0, 10_000), form=forms())
def test_random_scenarios_written_any_valid_way_give_the_same_result(seed: int, form: Form) -> None:
    check_form(str(seed), form)


@pytest.mark.parametrize("change", ["shift a strike by an hour", "drop a row"])
def test_a_change_of_meaning_is_noticed(change: str, tmp_path: Path) -> None:
    """The comparison is not vacuous: changing what the files say changes the result."""
    toml, tables = odesa_text()
    tables = dict(tables)
    strikes = tables["strikes.csv"].copy()
    if change == "drop a row":
        strikes = strikes.iloc[1:]
    else:
        strikes.loc[0, "time"] = (pd.Timestamp(strikes.loc[0, "time"]) + pd.Timedelta(hours=1)).isoformat()
    tables["strikes.csv"] = strikes
    ds = _run(write_form((toml, tables), CANONICAL, tmp_path / "s"))
    with pytest.raises(AssertionError):
        xr.testing.assert_identical(ds, canonical_result("odesa"))
    shutil.rmtree(tmp_path / "s")
