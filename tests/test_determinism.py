"""Same seed, same bytes -- across processes, under concurrent load and at interpreter shutdown
(issue 6, part 6: invariants under fault).

- Two separate processes, with different hash seeds and working folders, write byte-identical
  files for every output format (results, needs, comparison); another seed changes them.
- Many runs at once on a thread pool (each run itself multi-threaded) give exactly the
  results of the same runs one at a time, and keep the result invariants.
- The dashboard's run cache under concurrent what-ifs (more than it holds, so runs are
  evicted and computed again) gives exactly the runs of :func:`impact.run`, and concurrent
  downloads the bytes of a download made alone.
- A thread pool refusing work because the interpreter is shutting down (a daemon thread
  still computing) makes the engine finish serially, with the same numbers.
"""

from __future__ import annotations

import base64
import concurrent.futures.thread
import json
import os
import shutil
import subprocess
import sys
import textwrap
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from invariants import check_result
from scenario_factory import RANDOM_QUANTILES, random_scenario

import impact
from dash_app import ids
from dash_app.app import build_app
from impact.engine import fast
from impact.scenario.bundled import find_bundled
from impact.synth import write_synthetic
from impact.whatif import WhatIf, apply_whatif

#: Outputs of the determinism check: (file name, command before ``--out``).
OUTPUTS = {
    "run.csv": ["run", "{scenario}", "--samples", "40", "--seed", "{seed}"],
    "run.xlsx": ["run", "{scenario}", "--samples", "40", "--seed", "{seed}"],
    "run.nc": ["run", "{scenario}", "--samples", "40", "--seed", "{seed}"],
    "run.parquet": ["run", "{scenario}", "--samples", "40", "--seed", "{seed}"],
    "streamed.nc": ["run", "{scenario}", "--samples", "40", "--seed", "{seed}", "--area-block", "7"],
    "needs.csv": ["needs", "{scenario}", "--samples", "40", "--seed", "{seed}"],
    "needs.xlsx": ["needs", "{scenario}", "--samples", "40", "--seed", "{seed}"],
    "compare.xlsx": ["compare", "{scenario}", "{scenario}", "--samples", "40", "--seed", "{seed}"],
}


@pytest.fixture(scope="module")
def bundled_week(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled scenario cut to its first week (168 of its 744 hourly steps): every output
    format and every feature, a quarter of the rows (a full-run workbook of 220,968 rows takes
    about 45 s to write, and these tests write many)."""
    folder = tmp_path_factory.mktemp("bundled") / "odesa-week"
    bundled = find_bundled("odesa-2025-12")
    assert bundled is not None
    shutil.copytree(bundled, folder)
    settings = folder / "scenario.toml"
    text = settings.read_text(encoding="utf-8")
    assert "horizon_hours = 744\n" in text
    settings.write_text(text.replace("horizon_hours = 744\n", "horizon_hours = 168\n"), encoding="utf-8")
    return folder


WRITER = textwrap.dedent("""
    import json, sys
    from impact.cli import main
    for name, argv in json.loads(sys.argv[1]).items():
        code = main([*argv, "--out", name])
        if code:
            sys.exit(f"{name}: exit {code}")
""")


def write_all(folder: Path, scenario: str, seed: int, hash_seed: str) -> dict[str, bytes]:
    """Write every output of :data:`OUTPUTS` in a fresh Python process working in ``folder``."""
    folder.mkdir(parents=True)
    commands = {name: [part.format(scenario=scenario, seed=seed) for part in argv] for name, argv in OUTPUTS.items()}
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    done = subprocess.run(
        [sys.executable, "-c", WRITER, json.dumps(commands)],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    return {name: (folder / name).read_bytes() for name in OUTPUTS}


@pytest.mark.slow
def test_same_seed_same_bytes_in_separate_processes(tmp_path: Path, bundled_week: Path) -> None:
    scenario = str(bundled_week)
    first = write_all(tmp_path / "first", scenario, 7, hash_seed="1")
    second = write_all(tmp_path / "second", scenario, 7, hash_seed="2")
    differing = [name for name in OUTPUTS if first[name] != second[name]]
    assert not differing, f"same seed, different bytes: {differing}"
    other = write_all(tmp_path / "other", scenario, 8, hash_seed="1")
    assert other["run.nc"] != first["run.nc"] and other["run.csv"] != first["run.csv"]
    with xr.open_dataset(tmp_path / "first" / "run.nc") as written:
        check_result(written.load())


def _run(scenario, seed: int) -> xr.Dataset:
    return impact.run(scenario, samples=30, seed=seed, quantiles=RANDOM_QUANTILES).dataset


@pytest.mark.slow
def test_concurrent_runs_equal_runs_one_at_a_time() -> None:
    scenarios = {seed: random_scenario(seed) for seed in range(24)}
    alone = {seed: _run(scenario, seed) for seed, scenario in scenarios.items()}
    with ThreadPoolExecutor(max_workers=8) as pool:  # 8 runs at once, each on its own thread pool
        together = dict(zip(scenarios, pool.map(lambda item: _run(item[1], item[0]), scenarios.items()), strict=True))
    for seed, ds in together.items():
        xr.testing.assert_identical(ds, alone[seed])
        check_result(ds)


@pytest.mark.slow
def test_concurrent_exports_write_the_bytes_of_one_export(tmp_path: Path, bundled_week: Path) -> None:
    result = impact.run(bundled_week, samples=40, seed=3)
    suffixes = (".csv", ".xlsx", ".nc", ".parquet")
    alone = {suffix: result.export(tmp_path / f"alone{suffix}").read_bytes() for suffix in suffixes}
    jobs = [(suffix, k) for k in range(3) for suffix in suffixes]
    with ThreadPoolExecutor(max_workers=8) as pool:
        paths = list(pool.map(lambda job: result.export(tmp_path / f"{job[1]}{job[0]}"), jobs))
    for (suffix, _), path in zip(jobs, paths, strict=True):
        assert path.read_bytes() == alone[suffix], path.name


@pytest.fixture(scope="module")
def dashboard():
    return build_app(samples=20, seed=5)


#: More what-ifs than the dashboard's run cache holds (16), so runs are evicted and recomputed.
WHATIFS = [
    WhatIf(repair_time_factor=factor, extra_backup_hours=backup)
    for factor in (0.5, 0.75, 1.5, 2.0, 3.0)
    for backup in (0, 6, 12, 48)
]


@pytest.mark.slow
def test_dashboard_runs_under_concurrent_whatifs_equal_impact_run(dashboard) -> None:
    _app, data, _cb = dashboard
    assert len(WHATIFS) > 16
    expected = {
        w: impact.run(apply_whatif(data.scenario, w), samples=20, seed=5, quantiles=data.quantiles).dataset
        for w in WHATIFS
    }  # the page's runs have the quantiles of its planning statistic control besides the scenario's
    order = WHATIFS * 3  # each what-if three times, from 8 threads at once
    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(lambda w: (w, data.result(w).dataset), order))
    for whatif, ds in got:
        xr.testing.assert_identical(ds, expected[whatif])
    check_result(got[0][1])


def _download(cb, trigger: str, store: dict | None) -> bytes:
    sent, status = cb.download(1, None, None, None, None, None, "power", "UA51", [0, 719], store, trigger=trigger)
    assert str(status).startswith("Sent "), status
    return base64.b64decode(sent["content"]) if sent.get("base64") else sent["content"].encode()


@pytest.mark.slow
def test_concurrent_dashboard_downloads_equal_one_download(dashboard) -> None:
    _app, data, cb = dashboard
    data.wait_for_runs(120)
    triggers = (ids.DOWNLOAD_FULL_NC, ids.DOWNLOAD_FULL_CSV, ids.DOWNLOAD_VIEW_XLSX, ids.DOWNLOAD_NEEDS_CSV)
    whatif = WHATIFS[3]
    stores = (
        None,
        {
            "repair_time_factor": whatif.repair_time_factor,
            "extra_backup_hours": whatif.extra_backup_hours,
            "disabled_strikes": [],
        },
    )
    alone = {(t, k): _download(cb, t, store) for t in triggers for k, store in enumerate(stores)}
    jobs = list(alone) * 3
    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(lambda job: _download(cb, job[0], stores[job[1]]), jobs))
    for job, content in zip(jobs, got, strict=True):
        assert content == alone[job], job


def test_engine_finishes_serially_when_the_interpreter_shuts_down(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A daemon thread's run at interpreter shutdown: pools refuse work, the engine goes on serially."""
    scenario = impact.load_scenario(
        write_synthetic(tmp_path / "s", areas=40, assets=80, strikes=12, days=3, samples=10)
    )
    expected = impact.run(scenario, samples=10).dataset
    monkeypatch.setattr(fast, "available_cpus", lambda: 2)  # the default mapper: a pool of 2 threads
    monkeypatch.setattr(concurrent.futures.thread, "_shutdown", True)
    with pytest.raises(RuntimeError, match="interpreter shutdown"):
        ThreadPoolExecutor(max_workers=2).submit(int)  # what the engine meets
    xr.testing.assert_identical(impact.run(scenario, samples=10).dataset, expected)


def test_a_pool_error_other_than_shutdown_still_raises() -> None:
    def broken(_shared, item):
        raise RuntimeError(f"task {item} failed")

    with pytest.raises(RuntimeError, match=r"task \d failed"):
        fast.thread_mapper(2)(broken, None, [1, 2, 3])


@pytest.mark.parametrize(
    "corrupt", ["negative", "above population", "parent not the sum", "quantiles crossed", "probability above 1", "nan"]
)
def test_the_invariant_check_catches_broken_results(corrupt: str) -> None:
    """``check_result`` is not vacuous: each kind of broken result fails it."""
    ds = impact.run("odesa-2025-12", samples=20, seed=1).dataset.copy(deep=True)
    check_result(ds)
    leaf = {"service": "power", "area": "UA5110027"}
    if corrupt == "negative":
        ds["people_without_mean"].loc[leaf] = -1.0
    elif corrupt == "above population":
        ds["people_without"].loc[leaf] = float(ds["population"].sel(area="UA5110027")) + 1
    elif corrupt == "parent not the sum":
        ds["people_without_central"].loc[leaf] = ds["people_without_central"].loc[leaf] + 1
    elif corrupt == "quantiles crossed":
        ds["people_without"].loc[dict(leaf, quantile=0.05)] = ds["people_without"].loc[dict(leaf, quantile=0.95)] + 1
    elif corrupt == "probability above 1":
        ds["asset_down_probability"][0, 0] = 1.5
    else:
        ds["people_without"][0, 0, 0, 0] = np.nan
    with pytest.raises(AssertionError):
        check_result(ds)


@pytest.mark.slow
def test_a_comparison_names_its_scenarios_not_the_paths_typed(tmp_path: Path) -> None:
    """The same comparison named by absolute and by relative paths gives the same bytes, and no path."""
    from impact.cli import main

    folder = write_synthetic(tmp_path / "variant", areas=27, assets=50, strikes=4, days=2, samples=5)
    outputs = []
    for k, spelling in enumerate((str(folder), os.path.relpath(folder))):
        out = tmp_path / f"c{k}.xlsx"
        assert main(["compare", spelling, spelling, "--samples", "3", "--out", str(out)]) == 0
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    with zipfile.ZipFile(tmp_path / "c0.xlsx") as book:
        text = b"".join(book.read(name) for name in book.namelist())
    assert str(tmp_path).encode() not in text and b"variant" not in text  # same id and folder: "A" and "B"
