"""The ``impact`` command line: summary, outputs, exit codes, no tracebacks, no partial files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from impact.cli import main


def _run(args: list[str], capsys) -> tuple[int, str, str]:
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_run_prints_summary_of_top_area(capsys) -> None:
    code, out, err = _run(["run", "odesa-2025-12", "--samples", "50", "--seed", "7"], capsys)
    assert code == 0, err
    assert "people without service in UA51" in out
    for service in ("power", "water", "heat"):
        assert service in out
    assert "1,755,082" in out  # central peak without power (strikes and rotating cuts), dataset README (Results)
    assert "+02:00" in out
    assert "Traceback" not in err


@pytest.mark.slow
@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".nc", ".parquet"])
def test_run_writes_identical_files_for_identical_commands(tmp_path: Path, suffix: str, capsys) -> None:
    first, second = tmp_path / f"a{suffix}", tmp_path / f"b{suffix}"
    for path in (first, second):
        code, out, err = _run(["run", "odesa-2025-12", "--samples", "30", "--seed", "7", "--out", str(path)], capsys)
        assert code == 0, err
        assert f"wrote {path}" in out
    assert first.read_bytes() == second.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == [first.name, second.name]  # no temporary files left


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "no-such-scenario"], "neither a scenario folder nor a bundled scenario"),
        (["run", "odesa-2025-12", "--quantiles", "0.5,1.5"], "--quantiles 1.5 is not a number in [0, 1]"),
        (["run", "odesa-2025-12", "--quantiles", "a,b"], "must be numbers separated by commas"),
        (["run", "odesa-2025-12", "--out", "x.txt"], ".txt is not a valid output type"),
        (["run", "odesa-2025-12", "--out", "/no/such/folder/x.csv"], "does not exist"),
        (["validate", "no-such-scenario"], "neither a scenario folder nor a bundled scenario"),
    ],
)
def test_bad_input_exits_2_with_message_and_no_traceback(args, message, capsys) -> None:
    code, _out, err = _run(args, capsys)
    assert code == 2
    assert message in err
    assert "Traceback" not in err


@pytest.mark.slow
def test_usage_errors_exit_2() -> None:
    for args in (["run", "odesa-2025-12", "--samples", "-1"], ["no-such-command"]):
        result = subprocess.run([sys.executable, "-m", "impact", *args], capture_output=True, text=True)
        assert result.returncode == 2
        assert "Traceback" not in result.stderr


def test_invalid_scenario_reports_problems_and_writes_nothing(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "broken"
    source = Path(__file__).resolve().parent.parent / "datasets" / "odesa-2025-12"
    folder.mkdir()
    for file in source.iterdir():
        (folder / file.name).write_bytes(file.read_bytes())
    strikes = folder / "strikes.csv"
    strikes.write_text(strikes.read_text(encoding="utf-8").replace("SUB-BB-2", "SUB-XX-9", 1), encoding="utf-8")
    out = tmp_path / "result.csv"
    code, _out, err = _run(["run", str(folder), "--out", str(out)], capsys)
    assert code == 2
    assert "strikes.csv:3: asset_id: 'SUB-XX-9' is not in assets.csv" in err
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken"]


def test_validate_prints_counts(capsys) -> None:
    code, out, _err = _run(["validate", "odesa-2025-12"], capsys)
    assert code == 0
    assert out.strip().startswith("ok: odesa-2025-12: 99 areas, 102 assets")
    assert len(out.strip().splitlines()) == 1


def test_datasets_lists_bundled(capsys) -> None:
    code, out, _err = _run(["datasets"], capsys)
    assert code == 0
    assert "odesa-2025-12" in out and "ILLUSTRATIVE" in out


@pytest.mark.slow
def test_python_dash_m_entry_point() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "impact", "validate", "odesa-2025-12"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok: odesa-2025-12")


def test_synth_writes_a_valid_scenario_and_refuses_to_overwrite(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "syn"
    args = ["synth", "--out", str(folder), "--areas", "40", "--assets", "80", "--strikes", "12", "--days", "5"]
    code, out, err = _run(args, capsys)
    assert code == 0, err
    assert f"wrote {folder}" in out
    code, out, _err = _run(["validate", str(folder)], capsys)
    assert code == 0 and out.startswith("ok: synthetic-ua-40-1:")
    code, _out, err = _run(args, capsys)
    assert code == 2 and "nothing was overwritten" in err
