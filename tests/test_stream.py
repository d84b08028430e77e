"""Results written block by block (``impact.run_to_netcdf``) equal the in-memory result's export."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

import impact
from impact import runner
from impact.cli import main
from impact.synth import write_synthetic


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    return write_synthetic(
        tmp_path_factory.mktemp("synth") / "s", areas=150, assets=120, strikes=40, days=7, seed=3, samples=50
    )


def exported(scenario, path, **run_options):
    impact.run(scenario, **run_options).export(path)
    return path


@pytest.mark.parametrize("block", [1, 5, 12, 1000])
def test_blocks_of_any_size_give_the_exported_file(tmp_path, block):
    expected = exported("odesa-2025-12", tmp_path / "full.nc", samples=60, seed=2)
    streamed = runner.run_to_netcdf("odesa-2025-12", tmp_path / "streamed.nc", samples=60, seed=2, area_block=block)
    with xr.open_dataset(expected) as a, xr.open_dataset(streamed) as b:
        xr.testing.assert_identical(a, b)


def test_planning_statistic_and_outage_lengths_stream_identically(tmp_path):
    options = {"samples": 30, "seed": 4, "plan_quantile": 0.9, "beyond_hours": (12, 48)}
    expected = exported("odesa-2025-12", tmp_path / "full.nc", **options)
    streamed = runner.run_to_netcdf("odesa-2025-12", tmp_path / "streamed.nc", area_block=7, **options)
    with xr.open_dataset(expected) as a, xr.open_dataset(streamed) as b:
        xr.testing.assert_identical(a, b)
        assert b.attrs["plan_quantile"] == 0.9 and b["beyond_hours"].values.tolist() == [12.0, 48.0]
        assert b["outage_beyond_probability"].dims == ("service", "area", "beyond_hours")
        assert b["person_hours_without_sample"].sizes["sample"] == 30


def test_synthetic_national_shape_streams_identically(tmp_path, synthetic):
    expected = exported(synthetic, tmp_path / "full.nc", samples=40, seed=9)
    labels: list[str] = []
    streamed = runner.run_to_netcdf(
        synthetic, tmp_path / "streamed.nc", samples=40, seed=9, area_block=37, progress=labels.append
    )
    with xr.open_dataset(expected) as a, xr.open_dataset(streamed) as b:
        xr.testing.assert_identical(a, b)
        assert b["people_without"].encoding["chunksizes"][1] <= 37
    assert labels[0] == "compiling" and labels[-1] == "done"
    assert sum(label.startswith("areas ") for label in labels) == -(-b.sizes["area"] // 37)


def test_central_only(tmp_path):
    expected = exported("odesa-2025-12", tmp_path / "full.nc", samples=0)
    streamed = runner.run_to_netcdf("odesa-2025-12", tmp_path / "streamed.nc", samples=0, area_block=4)
    with xr.open_dataset(expected) as a, xr.open_dataset(streamed) as b:
        xr.testing.assert_identical(a, b)
        assert np.isnan(b["people_without"].values).all()


def test_a_failure_midway_leaves_no_file(tmp_path, monkeypatch):
    calls = {"count": 0}
    real = runner.compute_from_steps

    def failing(*args, **kwargs):
        calls["count"] += 1
        if calls["count"] > 3:
            raise RuntimeError("simulated failure in the third block")
        return real(*args, **kwargs)

    monkeypatch.setattr(runner, "compute_from_steps", failing)
    target = tmp_path / "out.nc"
    with pytest.raises(RuntimeError, match="simulated"):
        runner.run_to_netcdf("odesa-2025-12", target, samples=20, area_block=4)
    assert list(tmp_path.iterdir()) == []


def test_result_bytes_counts_quantiles_mean_and_central():
    scenario = impact.load_scenario("odesa-2025-12")
    assert runner.result_bytes(scenario, [0.5]) == 3 * 99 * 744 * 3 * 8


def test_result_bytes_count_people_cold_and_drained():
    from test_heat import boiler_scenario

    frost, mild = boiler_scenario([(0, -10.0)]), boiler_scenario([(0, 5.0)])
    # 2 areas, 96 steps, quantile 0.5 + mean + central; cold and drained in frost, cold alone at +5 C
    assert runner.result_bytes(frost, [0.5]) == (3 + 2) * 2 * 96 * 3 * 8
    assert runner.result_bytes(mild, [0.5]) == (3 + 1) * 2 * 96 * 3 * 8
    ds = impact.run(frost, samples=5, seed=1, quantiles=[0.5]).dataset
    people = [name for name in ds.data_vars if name.startswith(("people_without", "people_cold", "people_drained"))]
    assert len(people) == 9 and sum(ds[name].nbytes for name in people) == runner.result_bytes(frost, [0.5])


def test_cli_area_block_streams_and_prints_the_summary(tmp_path, capsys):
    out = tmp_path / "r.nc"
    assert main(["run", "odesa-2025-12", "--samples", "30", "--area-block", "5", "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert "blocks of 5 areas" in captured.err and "power" in captured.out and f"wrote {out}" in captured.out
    expected = exported("odesa-2025-12", tmp_path / "full.nc", samples=30)
    with xr.open_dataset(expected) as a, xr.open_dataset(out) as b:
        xr.testing.assert_identical(a, b)


def test_cli_area_block_needs_a_netcdf_output(tmp_path, capsys):
    assert main(["run", "odesa-2025-12", "--area-block", "5", "--out", str(tmp_path / "r.csv")]) == 2
    assert "needs --out FILE.nc" in capsys.readouterr().err
    assert not (tmp_path / "r.csv").exists()


def test_cli_streams_automatically_above_the_threshold(tmp_path, capsys, monkeypatch):
    from impact.cli import run as run_command

    monkeypatch.setattr(run_command, "STREAM_BYTES", 1000)
    out = tmp_path / "r.nc"
    assert main(["run", "odesa-2025-12", "--samples", "10", "--out", str(out)]) == 0
    assert f"blocks of {runner.AREA_BLOCK} areas" in capsys.readouterr().err
    assert out.exists()
