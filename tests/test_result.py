"""The result object (docs/user-guide.md, section 3) on the bundled scenario."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr

import impact


@pytest.fixture(scope="module")
def result() -> impact.Result:
    return impact.run("odesa-2025-12", samples=200, seed=1)


def test_dataset_has_the_contracted_coords_variables_and_attrs(result) -> None:
    ds = result.dataset
    assert list(ds["service"].values) == ["power", "water", "heat"]
    for coord in ("name", "admin_level", "parent_id"):
        assert ds[coord].dims == ("area",)
    assert ds["people_without"].dims == ("service", "area", "time", "quantile")
    for name in ("people_without_mean", "people_without_central"):
        assert ds[name].dims == ("service", "area", "time")
    assert ds["population"].dims == ("area",)
    for name in ("asset_down_probability", "asset_down_central"):
        assert ds[name].dims == ("asset", "time")
    assert list(ds["quantile"].values) == [0.05, 0.5, 0.95]
    assert ds.sizes["time"] == 744
    assert pd.Timestamp(ds["time"].values[0]) == pd.Timestamp("2025-12-12T20:00:00")  # 22:00 +02:00 in UTC
    for key in ("scenario_id", "seed", "samples", "model_version", "sources", "caveats", "timezone"):
        assert key in ds.attrs
    assert ds.attrs["samples"] == 200 and ds.attrs["seed"] == 1
    for name, variable in ds.data_vars.items():
        if name != "peak_time_central":
            assert "units" in variable.attrs, name


def test_parent_population_is_sum_of_leaves_and_people_within_bounds(result) -> None:
    ds = result.dataset
    assert int(ds["population"].sel(area="UA51")) == 2_351_392
    central = ds["people_without_central"]
    assert (central >= 0).all() and (central <= ds["population"]).all()
    leaves = [a for a in ds["area"].values if a not in set(ds["parent_id"].values)]
    top_children = ds["area"].values[ds["parent_id"].values == "UA51"]
    assert np.array_equal(central.sel(area="UA51"), central.sel(area=list(top_children)).sum("area"))
    assert len(leaves) == 91


def test_central_peak_reaches_reported_magnitude(result) -> None:
    ds = result.dataset
    # people disconnected by strikes: the central estimate without the emergency and scheduled cuts
    strikes = ds["people_without_central"] - ds["people_without_scheduled_central"]
    peak = float(strikes.sel(service="power", area="UA51").max())
    assert peak == pytest.approx(616_000 * 2.6, rel=0.01)  # about 616,000 households lost power on 13 Dec


def test_ports_show_in_asset_outputs(result) -> None:
    ds = result.dataset
    # struck at 21:05 (extensive: Normal(14, 7) days truncated at 0); at the next step, 22:00, the samples
    # whose draw is below 55 min are already repaired: P(D < 0.038 d) = (Phi(-1.995) - Phi(-2)) / (1 - Phi(-2))
    # = 0.0003 (before the truncation, 0.023 of the draws were an instant repair)
    assert float(ds["asset_down_probability"].sel(asset="HUB-1").max()) >= 0.99
    assert int(ds["asset_down_central"].sel(asset="HUB-1").max()) == 1
    assert int(ds["asset_down_central"].sel(asset="HUB-1").sel(time="2025-12-19T20:00").item()) == 1


def test_summary_and_dataframe(result) -> None:
    summary = result.summary()
    assert list(summary.index) == ["power", "water", "heat"]
    assert summary.loc["power", "peak_central"] == 1_755_082
    assert summary.loc["power", "peak_low"] <= summary.loc["power", "peak_high"]
    assert summary.loc["power", "peak_time"].endswith("+02:00")
    frame = result.to_dataframe()
    assert len(frame) == 3 * 99 * 744
    with pytest.raises(ValueError, match="not an area"):
        result.summary(area="XX")


def test_samples_zero_gives_central_only() -> None:
    ds = impact.run("odesa-2025-12", samples=0).dataset
    assert ds.attrs["samples"] == 0
    assert np.isnan(ds["people_without"]).all() and np.isnan(ds["asset_down_probability"]).all()
    assert float(ds["peak_people_without_central"].sel(service="power", area="UA51")) == 1_755_082
    assert float(ds["restore_90_hours_central"].sel(service="power", area="UA51")) == 79.0


def test_same_seed_same_numbers_other_seed_other_numbers() -> None:
    first = impact.run("odesa-2025-12", samples=40, seed=3).dataset
    again = impact.run("odesa-2025-12", samples=40, seed=3).dataset
    other = impact.run("odesa-2025-12", samples=40, seed=4).dataset
    assert first.identical(again)
    assert not np.array_equal(first["people_without_mean"], other["people_without_mean"])


def test_run_rejects_bad_parameters() -> None:
    with pytest.raises(ValueError, match="samples"):
        impact.run("odesa-2025-12", samples=-1)
    with pytest.raises(ValueError, match="quantiles"):
        impact.run("odesa-2025-12", samples=1, quantiles=[1.5])
    with pytest.raises(FileNotFoundError, match="bundled"):
        impact.run("nope")


@pytest.mark.parametrize("seed", [2**64 + 5, 2**63, -1, 1.5, True])
def test_run_and_run_to_netcdf_refuse_a_seed_out_of_range(seed, tmp_path) -> None:
    """The seed's range is scenario.toml's and the command line's: 0 to 2**63 - 1 (a NetCDF
    attribute), checked before anything runs, not a TypeError when the result is exported."""
    scenario = impact.load_scenario("odesa-2025-12")
    with pytest.raises(ValueError, match=r"seed .*whole number"):
        impact.run(scenario, samples=2, seed=seed)
    with pytest.raises(ValueError, match=r"seed .*whole number"):
        impact.run_to_netcdf(scenario, tmp_path / "r.nc", samples=2, seed=seed)
    assert list(tmp_path.iterdir()) == []


def test_the_seed_message_names_the_range() -> None:
    with pytest.raises(ValueError, match=r"0 to 2\*\*63 - 1 \(9,223,372,036,854,775,807\)"):
        impact.run("odesa-2025-12", samples=2, seed=2**64 + 5)


def test_the_largest_seed_runs_and_exports(tmp_path) -> None:
    result = impact.run("odesa-2025-12", samples=2, seed=np.int64(2**63 - 1))
    back = impact.open_result(result.export(tmp_path / "r.nc"))
    try:
        assert int(back.dataset.attrs["seed"]) == 2**63 - 1
    finally:
        back.dataset.close()


def test_open_result_round_trips_a_netcdf_export(result, tmp_path) -> None:
    path = result.export(tmp_path / "r.nc")
    back = impact.open_result(path, "odesa-2025-12")
    try:
        assert isinstance(back, impact.Result) and back.scenario is not None
        pd.testing.assert_frame_equal(back.summary(), result.summary())
        pd.testing.assert_frame_equal(back.observation_summary(), result.observation_summary())
        for name in ("people_without", "people_without_central", "asset_down_probability", "population"):
            np.testing.assert_array_equal(back.dataset[name].values, result.dataset[name].values)
        for key in ("scenario_id", "samples", "seed", "timezone", "status_updates"):
            assert back.dataset.attrs[key] == result.dataset.attrs[key]
    finally:
        back.dataset.close()
    alone = impact.open_result(path)
    try:
        assert alone.scenario is None
        pd.testing.assert_frame_equal(alone.summary(), result.summary())
        with pytest.raises(ValueError, match="no scenario"):
            alone.observation_scores()
    finally:
        alone.dataset.close()


def test_open_result_refuses_a_file_that_is_not_a_result(tmp_path) -> None:
    path = tmp_path / "other.nc"
    xr.Dataset({"x": ("y", [1.0, 2.0])}).to_netcdf(path)
    with pytest.raises(ValueError, match="not a result dataset"):
        impact.open_result(path)


def test_run_with_the_reference_engine_equals_the_fast_one() -> None:
    fast = impact.run("odesa-2025-12", samples=20, seed=5).dataset
    reference = impact.run("odesa-2025-12", samples=20, seed=5, engine="reference").dataset
    xr.testing.assert_identical(fast, reference)
    with pytest.warns(DeprecationWarning, match="engine="):
        old = impact.run("odesa-2025-12", samples=0, engine_name="fast").dataset
    assert old.attrs["samples"] == 0
    with pytest.raises(ValueError, match="not a valid engine"):
        impact.run("odesa-2025-12", samples=0, engine="slow")


def test_fast_engine_equals_reference_on_bundled_scenario() -> None:
    from impact.engine import fast, reference
    from impact.engine.compile import compile_scenario

    model = compile_scenario(impact.load_scenario("odesa-2025-12"))
    quantiles = np.array([0.0, 0.05, 0.5, 0.95, 1.0])
    for durations in (model.central_durations(), model.sample_durations(120, 11)):
        a, b = fast.compute(model, durations, quantiles), reference.compute(model, durations, quantiles)
        assert np.array_equal(a.people_quantiles, b.people_quantiles)
        assert np.array_equal(a.people_mean, b.people_mean)
        assert np.array_equal(a.asset_down_count, b.asset_down_count)
        for name in a.stat_quantiles:
            assert np.array_equal(a.stat_quantiles[name], b.stat_quantiles[name], equal_nan=True)
            assert np.array_equal(a.stat_means[name], b.stat_means[name], equal_nan=True)


def test_data_format_doc_is_generated_from_schema() -> None:
    from impact import docgen

    assert docgen.TARGET.read_text(encoding="utf-8") == docgen.render(), "run python -m impact.docgen"
