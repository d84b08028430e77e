"""What drives the range (impact.sensitivity; docs/method.md, section 5a, 'What drives the range'): the estimator on
hand-computable cases, on datasets laid out as the result's per-sample variables."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

import impact
from impact.export import sensitivity_columns, sensitivity_table, write_sensitivity
from impact.sensitivity import (
    BY,
    INPUTS,
    MIN_SAMPLES,
    SensitivityError,
    bin_count,
    first_order_shares,
    input_bins,
    nested_bins,
    sensitivity,
)

#: Areas of the hand-made datasets: (area_id, name, admin_level, parent_id).
AREAS = (("UA51", "Odeska", 1, ""), ("UA5110", "Odeskyi", 2, "UA51"), ("UA5104", "Bilhorod", 2, "UA51"))
SERVICES = ("power", "water", "heat")


def sample_dataset(
    response,
    *,
    outage=None,
    assets=None,
    states=None,
    quantiles=None,
    repair=None,
    buffers=None,
    waits=None,
    strike_ids=None,
) -> xr.Dataset:
    """A result dataset holding only what the contract names for the shares.

    ``response`` (N,) person-days of power in every area (water: twice, heat: none), or
    (service, area, N). Per strike (N, S) arrays: ``outage`` drawn outage hours, ``assets``
    drawn asset ids, ``states`` drawn damage states, ``quantiles`` drawn repair quantiles,
    ``repair`` drawn repair (work) hours, ``waits`` crew waiting hours; ``buffers`` (N, B)
    drawn buffer hours. Defaults: one asset, state and quantile per strike that never vary,
    repair hours equal to the outage hours, no buffer, no waiting.
    """
    response = np.asarray(response, dtype=np.float64)
    if response.ndim == 1:
        n = len(response)
        days = np.zeros((len(SERVICES), len(AREAS), n))
        days[0] = response
        days[1] = 2 * response
    else:
        days = response
        n = days.shape[-1]
    outage = np.zeros((n, 1)) if outage is None else np.asarray(outage, dtype=np.float64)
    n_strikes = outage.shape[1]
    strike_ids = strike_ids or [f"S{i + 1}" for i in range(n_strikes)]
    assets = np.full((n, n_strikes), "SUB-1") if assets is None else np.asarray(assets, dtype=str)
    states = np.full((n, n_strikes), "moderate") if states is None else np.asarray(states, dtype=str)
    quantiles = np.full((n, n_strikes), 0.5) if quantiles is None else np.asarray(quantiles)
    repair = outage if repair is None else np.asarray(repair, dtype=np.float64)
    buffers = np.zeros((n, 0)) if buffers is None else np.asarray(buffers, dtype=np.float64)
    waits = np.zeros((n, n_strikes)) if waits is None else np.asarray(waits, dtype=np.float64)
    per_strike = ("sample", "strike")
    return xr.Dataset(
        {
            "person_hours_without_sample": (("service", "area", "sample"), days * 24.0),
            "drawn_repair_hours": (per_strike, repair),
            "drawn_outage_hours": (per_strike, outage),
            "drawn_repair_quantile": (per_strike, quantiles),
            "drawn_damage_state": (per_strike, states),
            "drawn_asset": (per_strike, assets),
            "drawn_buffer_hours": (("sample", "dependency"), buffers),
            "crew_wait_hours": (per_strike, waits),
        },
        coords={
            "service": list(SERVICES),
            "area": [a[0] for a in AREAS],
            "name": ("area", [a[1] for a in AREAS]),
            "admin_level": ("area", [a[2] for a in AREAS]),
            "parent_id": ("area", [a[3] for a in AREAS]),
            "strike": strike_ids,
            "strike_asset": ("strike", [str(a) for a in assets[0]]),
            "dependency": [f"PMP-{k}|SUB-{k}" for k in range(buffers.shape[1])],
        },
        attrs={"samples": n, "seed": 7, "scenario_id": "hand", "timezone": "Europe/Kyiv"},
    )


def power_share(ds: xr.Dataset, area: str = "UA51") -> np.ndarray:
    return ds["variance_share"].sel(service="power", area=area).values


# ------------------------------------------------------------------ the estimator by hand


def test_share_of_a_hand_computed_case() -> None:
    # Y = 1..6, bins {1,2,3} {4,5,6}: SS_total 17.5, SS_between 13.5, SS_within 4, B = 2, MS_within 4 / 4 = 1
    shares = first_order_shares([[1, 2, 3, 4, 5, 6]], [0, 0, 0, 1, 1, 1])
    assert shares == pytest.approx([(13.5 - 1) / (17.5 + 1)])


def test_share_is_nan_without_spread_and_one_bin_explains_nothing() -> None:
    shares = first_order_shares([[4, 4, 4, 4], [1, 2, 3, 5]], [0, 1, 0, 1])
    assert np.isnan(shares[0]) and np.isfinite(shares[1])
    assert first_order_shares([[1, 2, 3, 5]], [0, 0, 0, 0]) == pytest.approx([0.0])


def test_bias_correction_centres_an_input_without_effect_on_zero() -> None:
    # 400 inputs unrelated to Y, 100 samples in 10 bins: the plain ratio averages (B-1)/(N-1) = 0.09
    rng = np.random.default_rng(3)
    n, bins = 100, 10
    y = rng.normal(size=(1, n))
    corrected, plain = [], []
    for _ in range(400):
        codes = input_bins(rng.uniform(size=n), bins)
        corrected.append(first_order_shares(y, codes)[0])
        centred = y[0] - y[0].mean()
        group_sums = np.bincount(codes, centred)
        plain.append((group_sums**2 / np.bincount(codes)).sum() / (centred**2).sum())
    assert np.mean(plain) == pytest.approx(9 / 99, abs=0.01)
    assert abs(np.mean(corrected)) < 0.01


def test_bins_of_numbers_have_equal_counts_and_keep_ties_together() -> None:
    values = np.arange(100.0)[::-1]
    codes = input_bins(values, 10)
    assert np.bincount(codes).tolist() == [10] * 10
    assert codes[0] == 9 and codes[-1] == 0  # the largest value in the last bin
    tied = np.r_[np.zeros(30), np.arange(1.0, 71.0)]
    codes = input_bins(tied, 10)
    assert len(set(codes[:30])) == 1 and (np.bincount(codes) > 0).all()


def test_bins_of_text_and_of_few_numbers_are_their_values() -> None:
    assert input_bins(np.array(["b", "a", "b", "c"]), 2).tolist() == [1, 0, 1, 2]
    assert input_bins(np.array([5.0, 1.0, 5.0]), 2).tolist() == [1, 0, 1]


def test_nested_bins_cross_the_group_with_bins_of_the_values() -> None:
    groups = np.repeat(["A", "B"], [75, 25])
    values = np.tile(np.arange(25.0), 4)
    cells = nested_bins(groups, values, 8)
    assert set(cells[:75]).isdisjoint(cells[75:])
    assert len(set(cells[:75])) == 6 and len(set(cells[75:])) == 2  # round(8 * 75 / 100), round(8 * 25 / 100)


def test_bin_count_is_about_the_square_root_of_the_samples() -> None:
    assert [bin_count(n) for n in (20, 60, 500, 100_000)] == [4, 8, 22, 50]


# ------------------------------------------------------------------ by strike


#: Sampling error of an estimated share S from N samples: about 2 sqrt(S) (1 - S) / sqrt(N) (that of a squared
#: correlation), and sqrt(2 (B - 1)) / N for an input without effect. The tolerances below are at least 4 times
#: sqrt(4 S (1 - S) / N), larger than both.


def test_one_strike_drives_everything_the_other_nothing() -> None:
    rng = np.random.default_rng(1)
    outage = rng.uniform(0, 100, size=(4000, 2))
    shares = power_share(sensitivity(sample_dataset(3 * outage[:, 0], outage=outage)))
    assert shares[0] == pytest.approx(1.0, abs=0.02)
    assert shares[1] == pytest.approx(0.0, abs=0.03)


def test_two_independent_strikes_split_the_variance_by_their_own() -> None:
    # Y = X1 + 2 X2 with independent uniforms: Var(E[Y|X1]) / Var(Y) = 1/5, X2: 4/5
    rng = np.random.default_rng(2)
    outage = rng.uniform(size=(10_000, 2))
    ds = sensitivity(sample_dataset(outage[:, 0] + 2 * outage[:, 1], outage=outage))
    assert power_share(ds) == pytest.approx([0.2, 0.8], abs=0.04)
    water = ds["variance_share"].sel(service="water", area="UA51").values
    assert water == pytest.approx(power_share(ds))  # twice the person-days, the same shares
    assert ds["person_days_std"].sel(service="power", area="UA51") == pytest.approx(np.sqrt(5 / 12), rel=0.03)


def test_a_candidate_asset_is_part_of_its_strike() -> None:
    # Y = 10 when the strike hit A (half the samples), plus noise of sd 1: share 25 / 26
    rng = np.random.default_rng(4)
    n = 5000
    hit = rng.choice(["A", "B"], size=n)
    outage = rng.uniform(10, 20, size=(n, 2))
    y = 10.0 * (hit == "A") + rng.normal(size=n)
    assets = np.stack([hit, np.full(n, "C")], axis=1)
    shares = power_share(sensitivity(sample_dataset(y, outage=outage, assets=assets)))
    assert shares[0] == pytest.approx(25 / 26, abs=0.03)
    assert shares[1] == pytest.approx(0.0, abs=0.03)


def test_a_strike_whose_draws_do_not_vary_has_share_zero() -> None:
    rng = np.random.default_rng(5)
    outage = np.stack([rng.uniform(size=200), np.full(200, 12.0)], axis=1)
    ds = sensitivity(sample_dataset(outage[:, 0], outage=outage))
    assert ds["strike_draws_vary"].values.tolist() == [True, False]
    assert power_share(ds)[1] == 0.0


def test_no_spread_gives_nan_shares_and_zero_std() -> None:
    rng = np.random.default_rng(6)
    ds = sensitivity(sample_dataset(rng.uniform(size=100), outage=rng.uniform(size=(100, 2))))
    heat = ds["variance_share"].sel(service="heat")  # no heat person-days in any sample
    assert heat.isnull().all()
    assert (ds["person_days_std"].sel(service="heat") == 0).all()


# ------------------------------------------------------------------ by kind of input


def test_damage_state_and_repair_time_split_with_their_interaction_left_out() -> None:
    # Y = a_s (0.5 + q): a = 10 or 50 by state (half each), q uniform. Var(Y) = 1300 * 13/12 - 900;
    # Var(E[Y|s]) = 400, Var(E[Y|q]) = 900 / 12 = 75; the rest (33.3) is their interaction.
    rng = np.random.default_rng(7)
    n = 50_000
    states = rng.choice(["moderate", "extensive"], size=(n, 1))
    q = rng.uniform(size=(n, 1))
    hours = np.where(states == "moderate", 10.0, 50.0) * (0.5 + q)
    ds = sensitivity(sample_dataset(hours[:, 0], outage=hours, states=states, quantiles=q, repair=hours), by="input")
    total = 1300 * 13 / 12 - 900
    shares = dict(zip(INPUTS, power_share(ds), strict=True))
    assert shares["damage_state"] == pytest.approx(400 / total, abs=0.02)
    assert shares["repair_time"] == pytest.approx(75 / total, abs=0.02)
    assert shares["asset"] == shares["buffer"] == shares["crews"] == 0.0
    assert ds["input_variables"].values.tolist() == [1, 0, 1, 0, 0, 0]
    assert shares["damage_state"] + shares["repair_time"] < 0.97  # first order: interactions in no share


def test_repair_time_of_a_fixed_curve_is_not_an_input() -> None:
    # repair hours fixed per damage state: the drawn quantile does nothing and is not counted
    rng = np.random.default_rng(8)
    n = 300
    states = rng.choice(["moderate", "extensive"], size=(n, 1))
    hours = np.where(states == "moderate", 24.0, 96.0)
    ds = sensitivity(
        sample_dataset(hours[:, 0], outage=hours, states=states, quantiles=rng.uniform(size=(n, 1)), repair=hours),
        by="input",
    )
    assert ds["input_variables"].sel(input="repair_time") == 0
    assert ds["variance_share"].sel(service="power", area="UA51", input="damage_state") == pytest.approx(1.0, abs=0.01)


def test_a_kind_sums_its_variables_and_buffers_and_crews_are_inputs() -> None:
    # Y = B1 + B2 + W: three independent uniforms of equal variance; buffers explain 2/3, crews 1/3
    rng = np.random.default_rng(9)
    n = 40_000
    buffers = rng.uniform(0, 12, size=(n, 3))
    buffers[:, 2] = 6.0  # a fixed buffer: not an input
    waits = np.zeros((n, 2))
    waits[:, 0] = rng.uniform(0, 6, size=n)
    waits[:, 1] = rng.uniform(0, 6, size=n)  # total waiting = sum over strikes
    y = buffers[:, 0] + buffers[:, 1] + 2 * (waits[:, 0] + waits[:, 1])
    ds = sensitivity(sample_dataset(y, outage=np.ones((n, 2)), buffers=buffers, waits=waits), by="input")
    shares = dict(zip(INPUTS, power_share(ds), strict=True))
    # Var(B) = 12; total waiting W = w1 + w2 (each var 3), 2W has var 24: buffers 24/48, crews 24/48
    assert shares["buffer"] == pytest.approx(0.5, abs=0.03)
    assert shares["crews"] == pytest.approx(0.5, abs=0.03)
    assert ds["input_variables"].sel(input="buffer") == 2


def test_a_kind_is_the_clipped_sum_of_its_unclipped_shares() -> None:
    # 40 strikes whose repair times do nothing to Y: each estimate is noise around 0, and the kind's share
    # sums them before clipping (clipping each first would add up only the positive noise)
    rng = np.random.default_rng(10)
    n = 400
    repair = rng.uniform(1, 50, size=(n, 40))
    quantiles = rng.uniform(size=(n, 40))
    y = rng.normal(size=n)
    ds = sensitivity(sample_dataset(y, outage=repair, quantiles=quantiles, repair=repair), by="input")
    each = np.array([first_order_shares(y[None], input_bins(quantiles[:, i], bin_count(n)))[0] for i in range(40)])
    assert ds["input_variables"].sel(input="repair_time") == 40
    expected = np.clip(each.sum(), 0, 1)
    assert float(ds["variance_share"].sel(service="power", area="UA51", input="repair_time")) == pytest.approx(expected)
    assert (each < 0).sum() > 10  # the noise goes both ways


# ------------------------------------------------------------------ the dataset and its errors


def test_dataset_keeps_labels_units_and_subsets() -> None:
    rng = np.random.default_rng(11)
    outage = rng.uniform(size=(60, 2))
    ds = sensitivity(sample_dataset(outage.sum(axis=1), outage=outage), services="water", areas=["UA5110"])
    assert ds["variance_share"].dims == ("service", "area", "strike")
    assert ds["service"].values.tolist() == ["water"] and ds["area"].values.tolist() == ["UA5110"]
    assert ds["name"].values.tolist() == ["Odeskyi"] and ds["strike_asset"].values.tolist() == ["SUB-1", "SUB-1"]
    assert ds["variance_share"].attrs["units"] == "1" and ds["person_days_mean"].attrs["units"] == "person days"
    assert ds.attrs["by"] == "strike" and ds.attrs["samples"] == 60 and ds.attrs["bins"] == 8
    assert '"UA51"' in ds.attrs["ancestors"]
    assert "docs/method.md" in ds.attrs["method"]


def test_a_result_without_samples_is_refused() -> None:
    ds = sample_dataset(np.arange(30.0), outage=np.ones((30, 1))).isel(sample=slice(0, 0))
    ds.attrs["samples"] = 0
    with pytest.raises(SensitivityError, match="no Monte Carlo samples"):
        sensitivity(ds)


def test_too_few_samples_are_refused() -> None:
    n = MIN_SAMPLES - 1
    with pytest.raises(SensitivityError, match=f"{n} Monte Carlo samples.*at least {MIN_SAMPLES}"):
        sensitivity(sample_dataset(np.arange(float(n)), outage=np.ones((n, 1))))


@pytest.mark.parametrize("by", ["strike", "input"])
def test_a_result_without_per_sample_variables_is_refused(by: str) -> None:
    ds = sample_dataset(np.arange(30.0), outage=np.ones((30, 1))).drop_vars(
        ["person_hours_without_sample", "drawn_asset"]
    )
    with pytest.raises(SensitivityError, match=r"person_hours_without_sample, drawn_asset missing.*older NetCDF"):
        sensitivity(ds, by=by)


def test_bad_choices_are_refused_with_the_choices() -> None:
    ds = sample_dataset(np.arange(30.0), outage=np.ones((30, 1)))
    with pytest.raises(ValueError, match=r"by='asset'.*strike, input"):
        sensitivity(ds, by="asset")
    with pytest.raises(ValueError, match="'UA99' not in the result; choose among UA51"):
        sensitivity(ds, areas="UA99")
    with pytest.raises(ValueError, match="'gas' not in the result"):
        sensitivity(ds, services=["gas"])


def test_front_door() -> None:
    assert impact.sensitivity is sensitivity


# ------------------------------------------------------------------ the table and its files


def hand_shares(by: str = "strike") -> xr.Dataset:
    rng = np.random.default_rng(12)
    outage = rng.uniform(size=(80, 2))
    return sensitivity(sample_dataset(outage[:, 0] + 3 * outage[:, 1], outage=outage), by=by)


@pytest.mark.parametrize(("by", "keys"), [("strike", ["strike_id", "asset_id"]), ("input", ["input", "input_label"])])
def test_table_has_one_row_per_area_service_and_strike_or_input(by: str, keys: list[str]) -> None:
    ds = hand_shares(by)
    table = sensitivity_table(ds)
    assert len(table) == 3 * 3 * ds.sizes[by]
    assert [c.name for c in sensitivity_columns(ds)] == list(table.columns)
    row = table[(table["area_id"] == "UA5110") & (table["service"] == "water")].iloc[-1]
    last = ds[by].values[-1]
    assert row[keys[0]] == last and row["adm1_code"] == "UA51" and row["adm2_code"] == "UA5110"
    assert row["variance_share"] == ds["variance_share"].sel(service="water", area="UA5110", **{by: last})
    assert row["person_days_std"] == ds["person_days_std"].sel(service="water", area="UA5110")
    heat = table[table["service"] == "heat"]
    assert heat["variance_share"].isna().all()


def test_csv_and_excel_carry_hxl_hashtags_and_read_back(tmp_path) -> None:
    import openpyxl
    import pandas as pd

    ds = hand_shares()
    table = sensitivity_table(ds)
    written = write_sensitivity(ds, tmp_path / "drivers.csv")
    lines = written.read_text(encoding="utf-8").splitlines()
    assert lines[0].split(",")[:1] == ["area_id"]
    assert "#indicator+num+variance_share" in lines[1].split(",") and "#event+code" in lines[1].split(",")
    back = pd.read_csv(written, skiprows=[1], keep_default_na=False, na_values=[""])
    assert np.allclose(back["variance_share"], table["variance_share"], equal_nan=True, rtol=0, atol=0)
    path = write_sensitivity(ds, tmp_path / "drivers.xlsx")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["sensitivity", "metadata"]
    rows = list(book["sensitivity"].iter_rows(values_only=True))
    assert rows[1][rows[0].index("variance_share")] == "#indicator+num+variance_share"
    assert len(rows) == 2 + len(table)
    metadata = [row for row in book["metadata"].iter_rows(values_only=True)]
    assert any(row[1] == "method" and "docs/method.md" in str(row[2]) for row in metadata)
    first = path.read_bytes()
    assert write_sensitivity(ds, tmp_path / "again.xlsx").read_bytes() == first  # reproducible


def test_writers_refuse_other_suffixes_and_other_datasets(tmp_path) -> None:
    with pytest.raises(ValueError, match=r"\.nc is not a valid sensitivity output type; choose one of \.csv, \.xlsx"):
        write_sensitivity(hand_shares(), tmp_path / "x.nc")
    with pytest.raises(TypeError, match="expected a sensitivity dataset"):
        sensitivity_table(sample_dataset(np.arange(30.0), outage=np.ones((30, 1))))


def test_no_exported_cell_starts_like_a_formula(tmp_path) -> None:
    ds = hand_shares().assign_coords(name=("area", ["=cmd|' /C calc'!A0", "+1", "Bilhorod"]))
    text = write_sensitivity(ds, tmp_path / "drivers.csv").read_text(encoding="utf-8")
    assert "\n=cmd" not in text and ",=cmd" not in text and ",'=cmd" in text


# ------------------------------------------------------------------ the figure


def test_figure_has_one_bar_per_strike_largest_on_top_and_marks_the_noise() -> None:
    ds = hand_shares()
    fig = impact.figures.sensitivity(ds, "water", "UA5110")
    bars, marks = fig.data
    at = {"service": "water", "area": "UA5110"}
    shares = ds["variance_share"].sel(at).values
    assert list(bars.y) == ["S2 · SUB-1", "S1 · SUB-1"]  # Y = X1 + 3 X2: S2 drives it
    assert np.allclose(bars.x, shares[::-1] * 100)
    assert marks.name == "sampling noise" and np.allclose(
        marks.x, ds["variance_share_noise"].sel(at).values[::-1] * 100
    )
    assert "Odeskyi (UA5110)" in fig.layout.title.text and "by strike" in fig.layout.title.text
    assert "need not sum to 100 %" in fig.layout.annotations[0].text


def test_figure_shows_the_largest_strikes_and_pales_those_within_noise() -> None:
    rng = np.random.default_rng(13)
    outage = rng.uniform(size=(200, 6))
    ds = sensitivity(sample_dataset(outage @ np.array([6.0, 5.0, 4.0, 0.0, 0.0, 0.0]), outage=outage))
    fig = impact.figures.sensitivity(ds, most=4)
    bars, _marks = fig.data
    shares = power_share(ds)
    assert list(bars.y)[:3] == ["S1 · SUB-1", "S2 · SUB-1", "S3 · SUB-1"] and len(bars.y) == 4
    assert f"the 4 largest of 6 strikes; each other explains at most {np.sort(shares)[-5] * 100:.0f} %" in (
        fig.layout.annotations[0].text
    )
    noise = ds["variance_share_noise"].sel(service="power", area="UA51").values
    order = np.argsort(-shares, kind="stable")[:4]
    assert list(bars.marker.opacity) == [1.0 if shares[i] > noise[i] else 0.4 for i in order]
    assert list(bars.marker.opacity)[:3] == [1.0, 1.0, 1.0]  # the three strikes with an effect pass their noise


def test_figure_by_input_from_a_result_names_fixed_kinds() -> None:
    rng = np.random.default_rng(14)
    states = rng.choice(["moderate", "extensive"], size=(100, 1))
    hours = np.where(states == "moderate", 24.0, 96.0)
    result = sample_dataset(hours[:, 0], outage=hours, states=states, repair=hours)
    fig = impact.figures.sensitivity(result, "power", by="input")
    bars, _marks = fig.data
    assert bars.y[0] == "damage state" and bars.x[0] == pytest.approx(100.0)
    assert set(bars.y) == {"damage state", "asset hit", "repair time", "buffers", "crew waiting", "heating restart"}
    assert [row[0] for row in bars.customdata].count("fixed in this scenario") == 5


def test_figure_without_spread_says_so_and_refuses_bad_choices() -> None:
    fig = impact.figures.sensitivity(hand_shares(), "heat")
    assert fig.data == () and "do not vary between samples" in fig.layout.annotations[0].text
    with pytest.raises(ValueError, match="'gas' is not a valid service"):
        impact.figures.sensitivity(hand_shares(), "gas")
    with pytest.raises(ValueError, match="'UA99' is not a valid area"):
        impact.figures.sensitivity(hand_shares(), "power", "UA99")
    with pytest.raises(SensitivityError, match="no per-sample variables"):
        impact.figures.sensitivity(sample_dataset(np.arange(30.0)).drop_vars("drawn_asset"))


# ------------------------------------------------------------------ the command


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--by", "asset"], "--by 'asset' is not a valid choice; choose one of strike, input"),
        (["--service", "gas"], "--service 'gas' is not a service; choose one of power, water, heat"),
        (["--area", "UA99"], "--area 'UA99' is not an area of odesa-2025-12"),
        (["--samples", "5"], f"needs at least {MIN_SAMPLES} Monte Carlo samples, not 5"),
        (["--samples", "0"], f"needs at least {MIN_SAMPLES} Monte Carlo samples, not 0"),
        (["--out", "x.nc"], ".nc is not a valid output type; choose one of .csv, .xlsx"),
    ],
)
def test_command_refuses_bad_input_with_one_line_and_exit_2(args: list[str], message: str, capsys) -> None:
    from impact.cli import main

    code = main(["sensitivity", "odesa-2025-12", *args])
    err = capsys.readouterr().err
    assert code == 2
    assert message in err and "Traceback" not in err


def test_printed_table_lists_the_largest_shares_first_brackets_those_within_noise() -> None:
    from rich.console import Console

    from impact.cli._render import _percent, sensitivity_table_for

    console = Console(width=200, record=True)
    ds = hand_shares()
    console.print(sensitivity_table_for(ds, "UA51"))
    text = console.export_text()
    assert text.index("S2") < text.index("S1")  # S2 drives it (Y = X1 + 3 X2)
    power = ds["variance_share"].sel(service="power", area="UA51").values
    noise = ds["variance_share_noise"].sel(service="power", area="UA51").values
    assert f"{power[1] * 100:.0f} %" in text and f"{noise.max() * 100:.0f} %" in text
    assert "sampling noise" in text and "mean ± sd" in text and "80 samples, seed 7" in text
    assert "(in brackets): within sampling noise" in text
    console = Console(width=200, record=True)
    rng = np.random.default_rng(12)
    outage = rng.uniform(size=(80, 2))
    quantiles = rng.uniform(size=(80, 2))
    by_input = sensitivity(sample_dataset(rng.normal(size=80), outage=outage, quantiles=quantiles), by="input")
    console.print(sensitivity_table_for(by_input, "UA51"))
    rows = {line.split()[0]: line for line in console.export_text().splitlines() if line.split()}
    at = {"service": "power", "area": "UA51", "input": "repair_time"}
    repair, noise = by_input["variance_share"].sel(at).item(), by_input["variance_share_noise"].sel(at).item()
    shown = f"{repair * 100:.0f} %"
    assert (f"({shown})" if repair <= noise else f" {shown}") in rows["repair"]
    assert "0 %" in rows["crew"] and "(0 %)" not in rows["crew"]  # nothing uncertain: no noise either
    assert [_percent(0.05, 0.1), _percent(0.15, 0.1), _percent(0.0, 0.0), _percent(np.nan)] == [
        "(5 %)",
        "15 %",
        "0 %",
        "-",
    ]


# ------------------------------------------------------------------ the dashboard's presenter


def test_dashboard_view_draws_the_library_bars_and_says_how_to_read_them() -> None:
    from dash_app.views.sensitivity import area_shares, sensitivity_view

    rng = np.random.default_rng(15)
    outage = rng.uniform(size=(80, 2))
    result = sample_dataset(outage[:, 0] + 3 * outage[:, 1], outage=outage)
    shares = area_shares(result, "UA5110", "strike")
    assert shares["area"].values.tolist() == ["UA5110"]
    view = sensitivity_view(shares, "water", "UA5110", "strike", "odesa-2025-12")
    bars, _marks = view.figure["data"]
    assert bars["type"] == "bar" and list(bars["y"]) == ["S2 · SUB-1", "S1 · SUB-1"]
    assert "80 samples" in view.note and "`impact sensitivity odesa-2025-12 --by strike --out FILE.xlsx`" in view.note
    assert "need not add to 100 %" in view.note


def test_dashboard_view_without_shares_says_why() -> None:
    from dash_app.views.sensitivity import area_shares, sensitivity_view

    result = sample_dataset(np.arange(10.0), outage=np.ones((10, 1)))
    reason = area_shares(result, "UA51", "input")
    assert isinstance(reason, str) and "10 Monte Carlo samples" in reason
    view = sensitivity_view(reason, "power", "UA51", "input", "odesa-2025-12")
    assert view.figure["data"] == [] and view.note.startswith("No shares: the result has 10 Monte Carlo samples")


@pytest.mark.parametrize("by", ["strike", "input"])
def test_a_result_without_strikes_has_nothing_to_split(by: str) -> None:
    ds = sensitivity(sample_dataset(np.zeros(30), outage=np.zeros((30, 0))), by=by)
    assert ds["variance_share"].sizes[by] == (0 if by == "strike" else len(INPUTS))
    assert ds["variance_share"].isnull().all()


# ------------------------------------------------------------------ the sampling noise of a share


def test_noise_level_is_two_standard_deviations_of_a_share_without_effect() -> None:
    # normal Y, 400 samples in 20 bins: the share of an input without effect has sd sqrt(2 * 19) / 400
    rng = np.random.default_rng(16)
    outage = rng.uniform(size=(400, 2))
    ds = sensitivity(sample_dataset(rng.normal(size=400), outage=outage))
    noise = ds["variance_share_noise"].sel(service="power", area="UA51").values
    assert noise == pytest.approx(np.full(2, 2 * np.sqrt(38) / 400), rel=0.3)  # from 50 random inputs: +- 10 %
    assert noise[0] == noise[1]
    assert ds["variance_share_noise"].sel(service="heat").isnull().all()  # no spread, no noise


@pytest.mark.slow
def test_inputs_without_effect_rarely_pass_the_noise_level() -> None:
    # 600 runs of 100 samples, Y unrelated to the strike's draws: about 4.5 % pass (2 sd of a skewed share),
    # binomial error 0.85 %
    rng = np.random.default_rng(17)
    passed = 0
    for _ in range(600):
        outage = rng.uniform(size=(100, 1))
        ds = sensitivity(sample_dataset(rng.lognormal(size=100), outage=outage), services="power", areas="UA51")
        passed += int(ds["variance_share"].item() > ds["variance_share_noise"].item())
    assert 0.015 < passed / 600 < 0.075


def test_noise_of_a_kind_grows_with_its_variables_and_is_zero_without_any() -> None:
    rng = np.random.default_rng(18)
    n = 200
    repair = rng.uniform(1, 50, size=(n, 4))
    ds = sensitivity(
        sample_dataset(rng.normal(size=n), outage=repair, quantiles=rng.uniform(size=(n, 4)), repair=repair),
        by="input",
    )
    noise = ds["variance_share_noise"].sel(service="power", area="UA51")
    by_strike = sensitivity(sample_dataset(rng.normal(size=n), outage=repair))
    assert float(noise.sel(input="repair_time")) == pytest.approx(
        2 * float(by_strike["variance_share_noise"].sel(service="power", area="UA51", strike="S1")), rel=0.35
    )  # sqrt(4) times one variable's (two estimates of the same noise, each +- 10 %)
    assert float(noise.sel(input="damage_state")) == 0.0 and float(noise.sel(input="crews")) == 0.0


# ------------------------------------------------------------------ the bundled scenario, end to end


@pytest.fixture(scope="module")
def bundled() -> impact.Result:
    return impact.run("odesa-2025-12", samples=60, seed=3)


def test_bundled_oblast_power_range_is_driven_by_the_strike_on_node_one(bundled: impact.Result) -> None:
    # S01 hits SUB-BB-1; with SUB-BB-2 destroyed by S02, Odesa depends on node 1 alone until it is repaired
    # (datasets/odesa-2025-12/strikes.csv): how long S01's repair takes is the largest part of the spread;
    # S02's repair comes second, since it decides how long the Odesa grid zone is short (rotating cuts)
    ds = impact.sensitivity(bundled)
    at = {"service": "power", "area": "UA51"}
    power = ds["variance_share"].sel(at)
    assert power.idxmax().item() == "S01"
    assert power.sel(strike="S01") > 0.4 and power.sortby(power, ascending=False).strike.values[1] == "S02"
    assert power.sel(strike="S01") > ds["variance_share_noise"].sel(at).sel(strike="S01")
    shares = ds["variance_share"]
    assert (((shares >= 0) & (shares <= 1)) | shares.isnull()).all()
    varies = bundled.dataset["person_hours_without_sample"].std("sample") > 0
    assert (shares.notnull().all("strike") == varies).all()  # empty exactly where person-days do not vary
    assert ds["person_days_mean"].sel(at) == pytest.approx(
        float(bundled.dataset["person_hours_without_sample"].sel(at).mean()) / 24
    )


def test_bundled_by_input_only_repair_times_are_uncertain(bundled: impact.Result) -> None:
    # the bundled scenario has no weighted cells, buffer ranges, crews or temperatures (so no
    # drains); every strike's curve has a spread
    ds = impact.sensitivity(bundled, by="input", areas=["UA51", "UA5110027"])
    assert dict(zip(ds["input"].values.tolist(), ds["input_variables"].values.tolist(), strict=True)) == {
        "damage_state": 0,
        "asset": 0,
        "repair_time": 16,
        "buffer": 0,
        "crews": 0,
        "restart": 0,
    }
    fixed = ds["variance_share"].sel(input=["damage_state", "asset", "buffer", "crews", "restart"])
    assert ((fixed == 0) | fixed.isnull()).all()
    assert ds["variance_share"].sel(service="power", area="UA51", input="repair_time") > 0.5


def test_bundled_shares_survive_the_netcdf_round_trip(bundled: impact.Result, tmp_path) -> None:
    back = impact.open_result(bundled.export(tmp_path / "odesa.nc"))
    try:
        for by in BY:
            before = sensitivity(bundled, by=by, areas="UA5110027")
            after = sensitivity(back, by=by, areas="UA5110027")
            for name in ("variance_share", "variance_share_noise"):
                xr.testing.assert_equal(before[name].reset_coords(drop=True), after[name].reset_coords(drop=True))
    finally:
        back.dataset.close()


def test_an_older_netcdf_without_per_sample_variables_is_refused(bundled: impact.Result, tmp_path) -> None:
    from impact.export import write_netcdf

    per_sample = [name for name, var in bundled.dataset.data_vars.items() if "sample" in var.dims]
    path = write_netcdf(bundled.dataset.drop_vars(per_sample), tmp_path / "old.nc")
    old = impact.open_result(path)
    try:
        with pytest.raises(SensitivityError, match=r"no per-sample variables.*older NetCDF"):
            sensitivity(old)
    finally:
        old.dataset.close()


def test_bundled_figure_from_a_result(bundled: impact.Result) -> None:
    fig = impact.figures.sensitivity(bundled, "water", "UA5110027", by="input")
    bars, _marks = fig.data
    assert bars.y[0] == "repair time" and "Odeska (UA5110027)" in fig.layout.title.text


def test_command_prints_the_shares_and_writes_every_area(tmp_path, capsys) -> None:
    import openpyxl

    from impact.cli import main

    out = tmp_path / "drivers.xlsx"
    code = main(["sensitivity", "odesa-2025-12", "--samples", "60", "--seed", "3", "--out", str(out)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    rows = [line.split() for line in captured.out.splitlines() if line.startswith(" S")]
    assert rows[0][:2] == ["S01", "│"] and len(rows) == 16
    assert "60 samples, seed 3" in captured.out and f"wrote {out}" in captured.out
    sheet = list(openpyxl.load_workbook(out)["sensitivity"].iter_rows(values_only=True))
    assert len(sheet) == 2 + 3 * 99 * 16  # services x areas x strikes


def test_command_by_input_for_one_service_and_area(capsys) -> None:
    from impact.cli import main

    code = main(
        ["sensitivity", "odesa-2025-12", "--by", "input", "--service", "heat", "--area", "UA5110027", "--samples", "40"]
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "in UA5110027 (Odeska), by kind of input" in captured.out
    header = next(line for line in captured.out.splitlines() if line.startswith(" input"))
    assert "heat" in header and "power" not in header
    assert next(line for line in captured.out.splitlines() if line.startswith(" ") and "│" in line).startswith(
        " repair time"
    )


def test_dashboard_tab_draws_the_selected_area_while_open() -> None:
    from dash import no_update

    from dash_app.app import build_app

    _app, data, cb = build_app(samples=60, seed=3)
    assert data.wait_for_runs(60).state == "done"
    figure, note = cb.sensitivity_panel("power", "UA51", "strike", None, "sensitivity")
    assert figure["data"][0]["y"][0] == "S01 · SUB-BB-1" and "60 samples" in note
    figure, _note = cb.sensitivity_panel("heat", "UA5110027", "input", None, "sensitivity")
    assert figure["data"][0]["y"][0] == "repair time"
    assert cb.sensitivity_panel("power", "UA51", "strike", None, "needs") == (no_update, no_update)
