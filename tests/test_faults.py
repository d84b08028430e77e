"""Nothing lost (issue 6): signals and a full disk leave no partial output file.

``impact run`` is killed with a real SIGINT or SIGTERM while it writes a NetCDF file block by
block: the CLI prints one line, exits with 130 or 143 and leaves neither the file nor its
temporary file. A full disk (``OSError(ENOSPC)`` raised half-way through the write) gives a
one-line error naming the file and exit code 2, again with no partial file.

Invariants under fault (issue 6, part 6): after each fault the same command is run again, to
the end, and must write exactly the bytes an undisturbed run writes (same seed, same bytes);
the file read back keeps the result invariants of ``invariants.check_result``.
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import xarray as xr
from invariants import check_result

from impact.cli import main
from impact.synth import write_synthetic

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic scenario taking several seconds to stream into NetCDF two areas at a time."""
    return write_synthetic(
        tmp_path_factory.mktemp("faults") / "big", areas=60, assets=200, strikes=40, days=30, samples=200
    )


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_synthetic(
        tmp_path_factory.mktemp("faults") / "small", areas=27, assets=50, strikes=5, days=2, samples=5
    )


def _temp_files(folder: Path) -> list[Path]:
    return sorted(folder.glob(".*.tmp"))


class CleanRuns:
    """Bytes written by undisturbed runs, one per command, made on first use (the oracle for re-runs)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.found: dict[tuple[str, ...], bytes] = {}

    def bytes_of(self, argv: list[str], name: str) -> bytes:
        """What ``impact *argv --out <name>`` writes when nothing goes wrong."""
        key = (*argv, name)
        if key not in self.found:
            out = self.folder / f"{len(self.found)}-{name}"
            assert main([*argv, "--out", str(out)]) == 0
            self.found[key] = out.read_bytes()
        return self.found[key]


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> CleanRuns:
    return CleanRuns(tmp_path_factory.mktemp("clean"))


def assert_rerun_matches(argv: list[str], out: Path, clean: CleanRuns) -> None:
    """Run ``argv`` again to the end: the same bytes as an undisturbed run, and sound numbers."""
    assert main([*argv, "--out", str(out)]) == 0
    assert out.read_bytes() == clean.bytes_of(argv, out.name), f"{out.name}: a re-run after a fault differs"
    assert _temp_files(out.parent) == []
    if out.suffix == ".nc" and argv[0] == "run":
        with xr.open_dataset(out) as written:
            check_result(written.load())


@pytest.mark.slow
@pytest.mark.parametrize(
    ("signum", "code", "word"), [(signal.SIGTERM, 143, "terminated"), (signal.SIGINT, 130, "interrupted")]
)
def test_signal_during_run_leaves_nothing(
    big: Path, tmp_path: Path, clean: CleanRuns, signum: int, code: int, word: str
) -> None:
    out = tmp_path / "x.nc"
    argv = ["run", str(big), "--area-block", "1"]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "impact", *argv, "--out", str(out)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while not _temp_files(tmp_path):  # wait until the atomic writer has started
            assert process.poll() is None, f"impact run ended before writing: {process.communicate()}"
            assert time.monotonic() < deadline, "no temporary file appeared"
            time.sleep(0.02)
        process.send_signal(signum)
        stdout, stderr = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == code, (stdout, stderr)
    assert not out.exists()
    assert _temp_files(tmp_path) == []
    lines = [line for line in stderr.splitlines() if line.strip() and word in line]
    assert lines, stderr
    assert f"{word} ({signal.Signals(signum).name})" in lines[-1]
    assert "Traceback" not in stderr
    assert_rerun_matches(argv, out, clean)


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(argv)
    return code, capsys.readouterr().err


def _half_then_full(original):
    """A replacement for ``Path.write_bytes`` that writes half the data, then fails with ENOSPC."""

    def write_bytes(self: Path, data: bytes) -> int:
        original(self, data[: len(data) // 2])
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))

    return write_bytes


@pytest.mark.slow
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_full_disk_csv_excel(
    small: Path,
    tmp_path: Path,
    suffix: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    clean: CleanRuns,
) -> None:
    out = tmp_path / f"x{suffix}"
    argv = ["run", str(small), "--samples", "3"]
    monkeypatch.setattr(Path, "write_bytes", _half_then_full(Path.write_bytes))
    code, err = _run([*argv, "--out", str(out)], capsys)
    assert code == 2
    assert f"could not write {str(out)!r}: no space left on device" in err
    assert "Traceback" not in err
    assert not out.exists()
    assert _temp_files(tmp_path) == []
    monkeypatch.undo()  # space again
    assert_rerun_matches(argv, out, clean)


@pytest.mark.slow
def test_full_disk_needs_and_compare(
    small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], clean: CleanRuns
) -> None:
    monkeypatch.setattr(Path, "write_bytes", _half_then_full(Path.write_bytes))
    commands = (
        (["needs", str(small), "--samples", "3"], tmp_path / "n.xlsx"),
        (["compare", str(small), str(small), "--samples", "3"], tmp_path / "c.csv"),
    )
    for argv, out in commands:
        code, err = _run([*argv, "--out", str(out)], capsys)
        assert code == 2, err
        assert "no space left on device" in err and str(out) in err
        assert not out.exists()
    assert _temp_files(tmp_path) == []
    monkeypatch.undo()
    for argv, out in commands:
        assert_rerun_matches(argv, out, clean)


@pytest.mark.slow
@pytest.mark.parametrize("stream", [False, True], ids=["whole", "streamed"])
def test_full_disk_netcdf(
    small: Path,
    tmp_path: Path,
    stream: bool,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    clean: CleanRuns,
) -> None:
    out = tmp_path / "x.nc"
    original = xr.Dataset.to_netcdf

    def to_netcdf(self: xr.Dataset, path=None, *args, **kwargs):
        original(self, path, *args, **kwargs)
        with open(path, "r+b") as handle:  # a partly written file, then the disk is full
            handle.truncate(os.path.getsize(path) // 2)
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr(xr.Dataset, "to_netcdf", to_netcdf)
    argv = ["run", str(small), "--samples", "3"] + (["--area-block", "5"] if stream else [])
    code, err = _run([*argv, "--out", str(out)], capsys)
    assert code == 2, err
    assert f"could not write {str(out)!r}: no space left on device" in err
    assert len([line for line in err.splitlines() if "error" in line]) == 1
    assert not out.exists()
    assert _temp_files(tmp_path) == []
    monkeypatch.undo()
    assert_rerun_matches(argv, out, clean)


def test_full_disk_import_acled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], clean: CleanRuns
) -> None:
    acled = tmp_path / "acled.csv"
    acled.write_text(
        "event_id_cnty,event_date,event_type,sub_event_type,location,latitude,longitude,notes,"
        "fatalities\nUKR1,2025-12-19,Explosions/Remote violence,Air/drone strike,Odesa,46.4775,"
        "30.7326,Russian drones struck an electrical substation in Odesa.,0\n",
        encoding="utf-8",
    )
    original = Path.write_text

    def write_text(self: Path, data: str, *args, **kwargs) -> int:
        original(self, data[: len(data) // 2], *args, **kwargs)
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))

    out = tmp_path / "strikes.csv"
    monkeypatch.setattr(Path, "write_text", write_text)
    argv = ["import-acled", str(acled), "--scenario", "odesa-2025-12"]
    code, err = _run([*argv, "--out", str(out)], capsys)
    assert code == 2, err
    assert f"could not write {str(out)!r}: no space left on device" in err
    assert not out.exists()
    assert _temp_files(tmp_path) == []
    monkeypatch.undo()
    assert_rerun_matches(argv, out, clean)


def _file_size_limit(limit: int):
    """``preexec_fn`` for a child whose files may not grow past ``limit`` bytes: a real write failure (EFBIG)."""

    def apply() -> None:
        import resource

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # fail the write instead of killing the process
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


@pytest.mark.slow
@pytest.mark.parametrize(
    ("command", "name"),
    [
        ("run", "x.csv"),
        ("run", "x.xlsx"),
        ("run", "x.nc"),
        ("run streamed", "x.nc"),
        ("run", "x.parquet"),
        ("needs", "n.xlsx"),
        ("compare", "c.xlsx"),
    ],
)
def test_a_real_write_failure_in_any_library_is_one_line(small: Path, tmp_path: Path, command: str, name: str) -> None:
    """The libraries themselves fail to write (file size limit): netCDF-C/HDF5, lxml, pyarrow, Python."""
    out = tmp_path / name
    argv = {
        "run": ["run", str(small)],
        "run streamed": ["run", str(small), "--area-block", "5"],
        "needs": ["needs", str(small)],
        "compare": ["compare", str(small), str(small)],
    }[command]
    done = subprocess.run(
        [sys.executable, "-m", "impact", *argv, "--samples", "3", "--out", str(out)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=_file_size_limit(30_000),
    )
    assert done.returncode == 2, done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("error")]
    assert len(errors) == 1 and f"could not write {str(out)!r}" in errors[0], done.stderr
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr
    assert not out.exists()
    assert _temp_files(tmp_path) == []


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_signal_while_building_a_workbook_prints_one_line(big: Path, tmp_path: Path, signum: int) -> None:
    """Stopped while openpyxl writes its sheets: one line, no "Exception ignored" from its generators."""
    out = tmp_path / "x.xlsx"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "impact", "run", str(big), "--out", str(out)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        printed = ""
        while "people without service" not in printed:  # the summary: the export comes next
            line = process.stdout.readline()
            assert line, f"impact run ended early: {process.communicate()}"
            printed += line
        time.sleep(1.0)
        assert process.poll() is None, "the workbook was written before the signal"
        process.send_signal(signum)
        _stdout, stderr = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 128 + signum, stderr
    assert stderr.strip().splitlines() == [
        f"{'terminated' if signum == signal.SIGTERM else 'interrupted'} "
        f"({signal.Signals(signum).name}); stopped, no partial output file "
        "was left"
    ], stderr
    assert not out.exists()
    assert _temp_files(tmp_path) == []


def test_a_result_too_big_for_excel_is_one_line(
    small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import impact.export.workbook as workbook

    monkeypatch.setattr(workbook, "EXCEL_MAX_ROWS", 100)
    out = tmp_path / "x.xlsx"
    code, err = _run(["run", str(small), "--samples", "3", "--out", str(out)], capsys)
    assert code == 2
    assert f"could not write {str(out)!r}: the summary sheet" in err or "Excel holds at most 100 rows" in err, err
    assert not out.exists()
