"""``benchmarks/bench_load.py`` exits 1 when a verdict fails, so that scripts can rely on its exit code."""

from __future__ import annotations

import importlib.util
import itertools
from pathlib import Path
from types import ModuleType

import pytest

BENCH_LOAD = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_load.py"


@pytest.fixture(scope="module")
def bench_load() -> ModuleType:
    pytest.importorskip("dash")
    spec = importlib.util.spec_from_file_location("bench_load", BENCH_LOAD)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_report_exits_1_when_any_verdict_fails(bench_load: ModuleType, capsys: pytest.CaptureFixture[str]) -> None:
    assert bench_load.report({"zero errors": True, "memory flat": True}) == 0
    assert capsys.readouterr().out == "PASS  zero errors\nPASS  memory flat\n"
    assert bench_load.report({"zero errors": False, "memory flat": True}) == 1
    assert bench_load.report({"zero errors": True, "memory flat": False}) == 1
    assert capsys.readouterr().out.splitlines()[-2:] == ["FAIL  memory flat", "1 verdict(s) failed; exit code 1"]


@pytest.mark.slow
def test_main_returns_1_when_memory_grows(
    bench_load: ModuleType, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A short real run (one planner, 2 s) whose memory readings keep growing: not flat, exit code 1."""
    readings = itertools.count(100, 100)
    monkeypatch.setattr(bench_load, "resident_mib", lambda: float(next(readings)))
    code = bench_load.main(["--clients", "1", "--seconds", "2", "--samples", "5", "--whatif-every", "0"])
    out = capsys.readouterr().out
    assert "PASS  zero errors" in out
    assert "FAIL  memory flat" in out
    assert code == 1
