"""Tests of impact.export: tidy tables, CSV (HXL), Excel, NetCDF, Parquet, atomic writes."""

from __future__ import annotations

import csv
import errno
import os
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
import xarray as xr
from factories import make_result_dataset

from impact.dataset import quantile_label
from impact.export import (
    SUFFIXES,
    export,
    to_long_dataframe,
    write_csv,
    write_excel,
    write_netcdf,
    write_parquet,
)
from impact.export.atomic import atomic_path, atomic_write
from impact.export.cells import neutralise
from impact.export.frames import to_summary_dataframe
from impact.export.hxl_csv import format_numbers

INJECTED = '=HYPERLINK("http://example.invalid","x")'


class _Result:
    """Stand-in for impact.Result: any object with ``.dataset`` is accepted."""

    def __init__(self, ds: xr.Dataset) -> None:
        self.dataset = ds


@pytest.fixture
def ds() -> xr.Dataset:
    return make_result_dataset()


# --------------------------------------------------------------------------- tidy


def test_quantile_labels() -> None:
    assert [quantile_label(q) for q in (0.05, 0.5, 0.95, 0.025, 0.975, 0.001, 1.0)] == [
        "q05",
        "q50",
        "q95",
        "q025",
        "q975",
        "q001",
        "q100",
    ]
    with pytest.raises(ValueError, match="not in"):
        quantile_label(1.5)


def test_long_dataframe_shape_order_and_columns(ds: xr.Dataset) -> None:
    df = to_long_dataframe(ds)
    n_s, n_a, n_t = ds.sizes["service"], ds.sizes["area"], ds.sizes["time"]
    assert len(df) == n_s * n_a * n_t
    assert list(df.columns) == [
        "area_id",
        "area_name",
        "area_name_uk",
        "admin_level",
        "adm1_code",
        "adm1_name",
        "adm2_code",
        "adm2_name",
        "adm3_code",
        "adm3_name",
        "service",
        "time_local",
        "population",
        "population_source",
        "people_without_plan_q50",
        "people_without_central",
        "people_without_mean",
        "people_without_q05",
        "people_without_q50",
        "people_without_q95",
        "outage_beyond_24h_probability",
        "outage_beyond_72h_probability",
        "outage_beyond_168h_probability",
    ]
    # sorted by service (dataset order), area (dataset order), time
    assert list(dict.fromkeys(df["service"])) == list(ds["service"].values)
    first = df[df["service"] == "power"]
    assert list(dict.fromkeys(first["area_id"])) == list(ds["area"].values)
    assert df["time_local"].iloc[0] == "2025-12-19T00:00:00+02:00"
    assert df["time_local"].iloc[1] == "2025-12-19T01:00:00+02:00"
    # values line up with the dataset
    sel = {"service": "water", "area": "UA5110027"}
    rows = df[(df["service"] == "water") & (df["area_id"] == "UA5110027")]
    np.testing.assert_array_equal(rows["people_without_central"], ds["people_without_central"].sel(sel).values)
    np.testing.assert_array_equal(
        rows["people_without_q95"], ds["people_without"].sel({**sel, "quantile": 0.95}).values
    )
    assert (rows["population"] == 1_015_826).all()


def test_long_dataframe_ancestors(ds: xr.Dataset) -> None:
    df = to_long_dataframe(ds).drop_duplicates("area_id").set_index("area_id")
    hromada = df.loc["UA5110027"]
    assert (hromada["adm1_code"], hromada["adm2_code"], hromada["adm3_code"]) == (
        "UA51",
        "UA5110",
        "UA5110027",
    )
    assert (hromada["adm1_name"], hromada["adm2_name"], hromada["adm3_name"]) == (
        "Odeska",
        "Odeskyi",
        "Odeska",
    )
    raion = df.loc["UA5104"]
    assert (raion["adm1_code"], raion["adm2_code"], raion["adm3_code"]) == ("UA51", "UA5104", "")
    oblast = df.loc["UA51"]
    assert (oblast["adm2_code"], oblast["adm3_name"]) == ("", "")


def test_long_dataframe_other_quantiles() -> None:
    ds = make_result_dataset(quantiles=(0.025, 0.5, 0.975))
    cols = [c for c in to_long_dataframe(ds).columns if c.startswith("people_without_q")]
    assert cols == ["people_without_q025", "people_without_q50", "people_without_q975"]


def test_summary_dataframe(ds: xr.Dataset) -> None:
    df = to_summary_dataframe(ds)
    assert len(df) == ds.sizes["service"] * ds.sizes["area"]
    row = df[(df["service"] == "power") & (df["area_id"] == "UA51")].iloc[0]
    assert row["peak_people_without_central"] == 609_496  # 0.6 × 1,015,826 rounded
    assert row["peak_time_local_central"] == "2025-12-20T03:00:00+02:00"
    none = df[(df["service"] == "power") & (df["area_id"] == "UA5104")].iloc[0]
    assert none["peak_time_local_central"] == ""
    assert np.isnan(none["restore_90_hours_central"])


def test_accepts_result_objects(ds: xr.Dataset) -> None:
    pd.testing.assert_frame_equal(to_long_dataframe(_Result(ds)), to_long_dataframe(ds))
    with pytest.raises(TypeError, match=r"xarray\.Dataset"):
        to_long_dataframe(object())


def test_neutralise() -> None:
    for text in ("=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert neutralise(text) == "'" + text
    assert neutralise("Odeska") == "Odeska"
    assert neutralise(-5.0) == -5.0
    assert neutralise(-3) == -3


def test_format_numbers() -> None:
    values = np.array([1.0, 0.1, 1e-5, 2351392.0, -3.0, np.nan, 1234.5666666666666])
    assert list(format_numbers(values)) == [
        "1",
        "0.1",
        "0.00001",
        "2351392",
        "-3",
        "",
        "1234.5666666666666",
    ]
    assert list(format_numbers(np.array([1, 2], dtype=np.int64))) == ["1", "2"]


# --------------------------------------------------------------------------- CSV


def test_csv_round_trip(ds: xr.Dataset, tmp_path: Path) -> None:
    path = write_csv(ds, tmp_path / "out.csv")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[1].startswith("#")
    tags = next(csv.reader([lines[1]]))
    assert tags[:5] == ["#x_area+code", "#x_area+name", "#x_area+name+i_uk", "#x_area+admin_level", "#adm1+code"]
    assert "#date" in tags and "#population" in tags and "#service+name" in tags
    assert tags[-9:] == [
        "#affected+ind+plan+q50",
        "#affected+ind+central",
        "#affected+ind+mean",
        "#affected+ind+q05",
        "#affected+ind+q50",
        "#affected+ind+q95",
        "#indicator+num+outage_probability+beyond_24h",
        "#indicator+num+outage_probability+beyond_72h",
        "#indicator+num+outage_probability+beyond_168h",
    ]
    back = pd.read_csv(path, skiprows=[1], keep_default_na=False, na_values=[""])
    expected = to_long_dataframe(ds)
    assert list(back.columns) == list(expected.columns)
    for col in expected.columns:
        if expected[col].dtype.kind in "if":
            np.testing.assert_array_equal(back[col].to_numpy(dtype=float), expected[col].to_numpy(dtype=float))
        else:
            assert ["" if pd.isna(v) else str(v) for v in back[col]] == expected[col].tolist(), col
    # plain numbers: no exponent notation, integers without ".0"
    assert ",1272444," in lines[2]
    body = "\n".join(lines[2:])
    assert "e+" not in body and "e-" not in body and ".0," not in body


def test_csv_is_utf8_and_neutralises_formulas(tmp_path: Path) -> None:
    ds = make_result_dataset(area_names={"UA5110037": INJECTED, "UA5104": "Білгород-Дністровський"})
    path = write_csv(ds, tmp_path / "out.csv")
    back = pd.read_csv(path, skiprows=[1], encoding="utf-8")
    names = set(back["area_name"])
    assert "'" + INJECTED in names and INJECTED not in names
    assert "Білгород-Дністровський" in names
    assert not path.read_bytes().startswith(b"\xef\xbb\xbf")
    # numbers are never quoted or prefixed, even negative ones
    assert back["people_without_central"].dtype.kind in "if"


def test_csv_samples_zero_writes_empty_cells(tmp_path: Path) -> None:
    ds = make_result_dataset(samples=0)
    path = write_csv(ds, tmp_path / "out.csv")
    back = pd.read_csv(path, skiprows=[1])
    assert back["people_without_mean"].isna().all()
    assert back["people_without_q50"].isna().all()
    assert back["people_without_central"].notna().all()


# --------------------------------------------------------------------------- Excel


def test_excel_sheets_and_cells(tmp_path: Path) -> None:
    ds = make_result_dataset(area_names={"UA5110037": INJECTED})
    path = write_excel(ds, tmp_path / "out.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["summary", "time_series", "assets", "strikes", "metadata"]

    ts = wb["time_series"]
    header = [c.value for c in ts[1]]
    hxl = [c.value for c in ts[2]]
    assert header == list(to_long_dataframe(ds).columns)
    assert all(isinstance(t, str) and t.startswith("#") for t in hxl)
    assert hxl[header.index("people_without_central")] == "#affected+ind+central"
    assert ts.max_row == 2 + ds.sizes["service"] * ds.sizes["area"] * ds.sizes["time"]
    pop = ts.cell(row=3, column=header.index("population") + 1)
    assert pop.data_type == "n" and pop.value == 1_272_444

    summary = wb["summary"]
    s_header = [c.value for c in summary[1]]
    assert summary.cell(row=2, column=1).value == "#x_area+code"
    peak = summary.cell(row=3, column=s_header.index("peak_people_without_central") + 1)
    assert isinstance(peak.value, int | float) and peak.value == 609_496

    # formula injection: the cell holds text with a leading quote, never a formula
    names = [ts.cell(row=r, column=2) for r in range(3, ts.max_row + 1)]
    assert all(c.data_type != "f" for c in names)
    assert "'" + INJECTED in {c.value for c in names}

    meta = {(r[0], r[1]): r[2] for r in wb["metadata"].iter_rows(min_row=2, values_only=True)}
    assert meta[("parameter", "seed")] == 20251219
    assert meta[("parameter", "scenario_id")] == "test-2025-12"
    assert meta[("source", 1)].startswith("OCHA COD-AB")
    assert meta[("column", "time_series.people_without_q05")] == "#affected+ind+q05"
    assert wb.properties.created == wb.properties.modified


def test_excel_strikes_and_assets(ds: xr.Dataset, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(write_excel(ds, tmp_path / "out.xlsx"))
    strikes = list(wb["strikes"].iter_rows(min_row=3, values_only=True))
    assert strikes[0][:5] == (
        "S1",
        "2025-12-19T18:00:00+02:00",
        "PRT-01",
        "Port terminal",
        "complete",
    )
    assert strikes[0][5:] == (8, 27)
    assert strikes[1][5:] == (None, None)  # unknown casualties are empty, not 0
    assets = wb["assets"]
    assert assets.max_row == 2 + ds.sizes["time"]
    header = [c.value for c in assets[1]]
    assert header == ["time_local", *ds["asset"].values]
    assert assets.cell(row=2, column=2).value == "#indicator+num+down_probability"
    last = [c.value for c in assets[assets.max_row]]
    np.testing.assert_allclose(last[1:], ds["asset_down_probability"].values[:, -1])
    meta = {r[1]: r[4] for r in wb["metadata"].iter_rows(min_row=2, values_only=True)}
    assert meta["assets.SUB-01"].startswith("Substation 1 (substation, area UA5110027)")


def test_excel_assets_without_samples(tmp_path: Path) -> None:
    ds = make_result_dataset(samples=0)
    wb = openpyxl.load_workbook(write_excel(ds, tmp_path / "out.xlsx"))
    assets = wb["assets"]
    assert assets.cell(row=2, column=2).value == "#indicator+num+down+central"
    column = [assets.cell(row=r, column=2).value for r in range(3, assets.max_row + 1)]
    assert column == ds["asset_down_central"].sel(asset="SUB-01").values.tolist()


def test_excel_too_many_rows(ds: xr.Dataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from impact.export import workbook

    monkeypatch.setattr(workbook, "EXCEL_MAX_ROWS", 100)
    with pytest.raises(ValueError, match=r"time_series sheet would have 1,082 rows.*\.csv"):
        write_excel(ds, tmp_path / "out.xlsx")
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------- NetCDF


def test_netcdf_round_trip_and_cf(ds: xr.Dataset, tmp_path: Path) -> None:
    path = write_netcdf(ds, tmp_path / "out.nc")
    with xr.open_dataset(path) as back:
        back.load()
    for name in ds.variables:
        a, b = ds[name].values, back[name].values
        if a.dtype.kind in "OUT":
            assert [str(v) for v in a.ravel()] == [str(v) for v in b.ravel()], name
        else:
            assert a.dtype == b.dtype, name
            np.testing.assert_array_equal(a, b, err_msg=name)
    assert back.attrs["Conventions"] == "CF-1.8"
    assert back.attrs["featureType"] == "timeSeries"
    for key in ("title", "institution", "source", "history", "references", "comment"):
        assert back.attrs[key], key
    assert back.attrs["seed"] == 20251219 and back.attrs["scenario_id"] == "test-2025-12"
    assert back["area"].attrs["cf_role"] == "timeseries_id"
    assert back["time"].attrs["standard_name"] == "time"
    assert back["time"].encoding["units"] == "hours since 2025-12-18T22:00:00"
    assert back["time"].encoding["calendar"] == "standard"
    assert back["people_without"].attrs["units"] == "1"
    assert back["population"].attrs["units"] == "1"
    assert back["person_hours_without_central"].attrs["units"] == "h"
    # the input dataset is not modified
    assert "Conventions" not in ds.attrs and "cf_role" not in ds["area"].attrs


def test_netcdf_sub_hourly_steps(tmp_path: Path) -> None:
    ds = make_result_dataset(hours=6, step_minutes=15, samples=0)
    path = write_netcdf(ds, tmp_path / "out.nc")
    with xr.open_dataset(path) as back:
        np.testing.assert_array_equal(back["time"].values, ds["time"].values)
        assert back["people_without"].isnull().all()


# --------------------------------------------------------------------------- Parquet


def test_parquet_round_trip(ds: xr.Dataset, tmp_path: Path) -> None:
    path = write_parquet(ds, tmp_path / "out.parquet")
    back = pd.read_parquet(path)
    expected = to_long_dataframe(ds)
    assert list(back.columns) == list(expected.columns)
    for col in expected.columns:
        assert back[col].tolist() == expected[col].tolist() or np.allclose(
            back[col], expected[col], equal_nan=True, rtol=0, atol=0
        ), col


# --------------------------------------------------------------------------- dispatch


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".nc", ".parquet"])
def test_repeated_writes_are_byte_identical(ds: xr.Dataset, tmp_path: Path, suffix: str) -> None:
    a = export(ds, tmp_path / f"a{suffix}")
    os.utime(tmp_path, (0, 0))  # nothing should depend on the clock or the folder
    b = export(_Result(ds), tmp_path / f"b{suffix}")
    assert a.read_bytes() == b.read_bytes()
    assert a.stat().st_size > 0


def test_export_suffix_dispatch(ds: xr.Dataset, tmp_path: Path) -> None:
    assert set(SUFFIXES) == {".csv", ".xlsx", ".nc", ".parquet"}
    assert export(ds, tmp_path / "UPPER.CSV").read_text().splitlines()[1].startswith("#")
    with pytest.raises(ValueError, match=r"\.csv, \.xlsx, \.nc, \.parquet"):
        export(ds, tmp_path / "out.json")
    assert not (tmp_path / "out.json").exists()


def test_export_missing_folder(ds: xr.Dataset, tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="does not exist"):
        export(ds, tmp_path / "nope" / "out.csv")


def test_export_rejects_non_results(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="missing people_without"):
        export(xr.Dataset(), tmp_path / "out.csv")
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------- atomic


def test_atomic_write_success(tmp_path: Path) -> None:
    path = atomic_write(tmp_path / "x.txt", lambda tmp: Path(tmp).write_text("done"))
    assert path.read_text() == "done"
    assert [p.name for p in tmp_path.iterdir()] == ["x.txt"]


@pytest.mark.parametrize("error", [RuntimeError("boom"), KeyboardInterrupt()])
def test_atomic_write_failure_leaves_nothing(tmp_path: Path, error: BaseException) -> None:
    def writer(tmp: Path) -> None:
        Path(tmp).write_text("partial")
        raise error

    with pytest.raises(type(error)):
        atomic_write(tmp_path / "x.csv", writer)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("code", "fails"), [(errno.ENOSPC, True), (errno.EIO, True), (errno.EINVAL, False)])
def test_atomic_write_fsync_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, fails: bool) -> None:
    """A full disk or an I/O error reported only at fsync (network file systems) fails the write and
    leaves the earlier file; a file system that cannot fsync (EINVAL) does not."""
    target = tmp_path / "x.csv"
    target.write_text("old")
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        if os.path.isdir(f"/proc/self/fd/{fd}"):  # the folder, after the rename
            return real_fsync(fd)
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(os, "fsync", fsync)
    if fails:
        with pytest.raises(OSError) as raised:
            atomic_write(target, lambda tmp: Path(tmp).write_text("new"))
        assert raised.value.errno == code
        assert target.read_text() == "old"
    else:
        atomic_write(target, lambda tmp: Path(tmp).write_text("new"))
        assert target.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["x.csv"]


def test_atomic_write_failure_keeps_previous_file(tmp_path: Path) -> None:
    target = tmp_path / "x.csv"
    target.write_text("old")

    def writer(tmp: Path) -> None:
        Path(tmp).write_text("partial")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        atomic_write(target, writer)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["x.csv"]


def test_atomic_path_context_manager(tmp_path: Path) -> None:
    with atomic_path(tmp_path / "y.bin") as tmp:
        assert tmp.parent == tmp_path and tmp.exists()
        tmp.write_bytes(b"\x00\x01")
        assert not (tmp_path / "y.bin").exists()
    assert (tmp_path / "y.bin").read_bytes() == b"\x00\x01"


def test_atomic_write_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="create it first"):
        atomic_write(tmp_path / "missing" / "x.txt", lambda tmp: None)


def test_exporters_leave_nothing_on_failure(ds: xr.Dataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(xr.Dataset, "to_netcdf", fail)
    with pytest.raises(KeyboardInterrupt):
        write_netcdf(ds, tmp_path / "out.nc")
    assert list(tmp_path.iterdir()) == []
