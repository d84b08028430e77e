"""Running on dask.distributed (extra ``[dask]``) gives results identical to one process.

A LocalCluster of 2 worker processes on loopback (127.0.0.1) stands in for a real cluster:
``impact.run(workers=2)`` starts its own, ``--scheduler ADDRESS`` connects to the one this
module starts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from test_engine_random import assert_same

import impact
from impact import distributed as impact_distributed
from impact.cli import main
from impact.engine import fast
from impact.engine.compile import compile_scenario
from impact.synth import write_synthetic

distributed = pytest.importorskip("distributed")

QUANTILES = np.array([0.05, 0.5, 0.95])


@pytest.fixture(scope="module")
def cluster():
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=":0"
        ) as local,
        distributed.Client(local) as client,
    ):
        yield local, client


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    """A small national-shaped synthetic scenario (27 oblasts, raions, hromadas)."""
    return write_synthetic(
        tmp_path_factory.mktemp("synth") / "s", areas=120, assets=150, strikes=60, days=10, seed=5, samples=80
    )


@pytest.mark.slow
def test_dask_mapper_equals_one_process_on_a_synthetic_scenario(cluster, synthetic):
    _local, client = cluster
    model = compile_scenario(impact.load_scenario(synthetic))
    durations = model.sample_durations(80, 5)
    expected = fast.compute(model, durations, QUANTILES, mapper=fast.serial_mapper)
    mapper = impact_distributed.dask_mapper(client)
    assert_same(fast.compute(model, durations, QUANTILES, mapper=mapper, sample_blocks=4), expected)


@pytest.mark.slow
def test_run_with_a_local_cluster_of_two_workers_is_identical():
    single = impact.run("odesa-2025-12", samples=120, seed=4)
    spread = impact.run("odesa-2025-12", samples=120, seed=4, workers=2)
    assert spread.dataset.identical(single.dataset)


@pytest.mark.slow
def test_cli_scheduler_gives_the_same_file(cluster, synthetic, tmp_path):
    local, _client = cluster
    alone, remote = tmp_path / "alone.csv", tmp_path / "remote.csv"
    assert main(["run", str(synthetic), "--samples", "60", "--out", str(alone)]) == 0
    assert (
        main(["run", str(synthetic), "--samples", "60", "--out", str(remote), "--scheduler", local.scheduler_address])
        == 0
    )
    assert remote.read_bytes() == alone.read_bytes()
    assert len(pd.read_csv(remote, skiprows=[1])) > 0


def test_cli_refuses_workers_and_scheduler_together(capsys):
    assert main(["run", "odesa-2025-12", "--workers", "2", "--scheduler", "tcp://127.0.0.1:1"]) == 2
    assert "not both" in capsys.readouterr().err


def test_cli_without_dask_says_what_to_install(monkeypatch, capsys, tmp_path):
    def missing():
        raise impact_distributed.DaskUnavailable(
            f"--workers and --scheduler need dask.distributed; {impact_distributed.INSTALL_HINT}"
        )

    monkeypatch.setattr(impact_distributed, "_import_distributed", missing)
    out = tmp_path / "r.csv"
    assert main(["run", "odesa-2025-12", "--samples", "10", "--workers", "2", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "pip install 'humanitarian-impact[dask]'" in err and "Traceback" not in err
    assert not out.exists()


def test_cli_unreachable_scheduler_is_a_clear_error(monkeypatch, capsys):
    def refuse(*_args, **_kwargs):
        raise OSError("Timed out trying to connect to tcp://127.0.0.1:1 after 20 s")

    monkeypatch.setattr(distributed, "Client", refuse)
    assert main(["run", "odesa-2025-12", "--samples", "10", "--scheduler", "tcp://127.0.0.1:1"]) == 2
    err = capsys.readouterr().err
    assert "could not reach the dask scheduler 'tcp://127.0.0.1:1'" in err and "Traceback" not in err
