"""Print a SHA-256 digest of every output the project writes, for checking a refactor.

Run it before and after a change that must not change results and compare the two listings::

    python scripts/output_digests.py > before.txt
    # ... change the code ...
    python scripts/output_digests.py > after.txt
    diff before.txt after.txt

It writes, through the command line as a user would, every export of the bundled scenario
(CSV, Excel, NetCDF whole and streamed, Parquet, needs, comparison, ACLED import), the same for
the bundled scenario with status reports, temperatures, rolling cuts and needs settings added,
and for a synthetic scenario; and the JSON of every library figure. Byte identity holds for the
same versions of the project's libraries (``docs/robustness.md``).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from test_fuzz import EXTRA_TABLES, NEEDS  # noqa: E402  (the fuzzers' base: reports, temperatures, cuts, needs)

ACLED = (
    "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,admin1,admin2,"
    "location,latitude,longitude,source,notes,fatalities\n"
    "UKR1001,2025-12-19,2025,1,Political violence,Explosions/Remote violence,Air/drone strike,Military Forces of "
    'Russia (2000-),Odesa,Odeskyi,Odesa,46.4775,30.7326,Suspilne,"Russian drones struck an electrical substation '
    'in Odesa; minor damage.",0\n'
    "UKR1002,20-12-2025,2025,2,Political violence,Explosions/Remote violence,Shelling/artillery/missile attack,"
    "Military Forces of Russia (2000-),Odesa,Odeskyi,Odesa,46.4775,30.7326,Suspilne,A missile hit a water "
    "reservoir in Odesa. The reservoir was completely destroyed.,2\n"
)


def cli(*args: str) -> None:
    """Run the ``impact`` command line in this process; stop on a non-zero exit."""
    from impact.cli import main

    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()) as err:
        code = main(list(args))
    if code != 0:
        raise SystemExit(f"impact {' '.join(args)} exited {code}: {err.getvalue()}")


def digest(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def scenario_outputs(name: str, scenario: str, out: Path) -> list[tuple[str, Path]]:
    """Every export of one scenario through the command line."""
    written = []
    for suffix in (".csv", ".xlsx", ".nc", ".parquet"):
        path = out / f"{name}-run{suffix}"
        cli("run", scenario, "--samples", "60", "--seed", "7", "--out", str(path))
        written.append((path.name, path))
    path = out / f"{name}-streamed.nc"
    cli("run", scenario, "--samples", "40", "--seed", "3", "--area-block", "2", "--out", str(path))
    written.append((path.name, path))
    path = out / f"{name}-central.csv"
    cli("run", scenario, "--samples", "0", "--out", str(path))
    written.append((path.name, path))
    for suffix in (".csv", ".xlsx"):
        path = out / f"{name}-needs{suffix}"
        cli("needs", scenario, "--samples", "30", "--seed", "5", "--out", str(path))
        written.append((path.name, path))
    return written


def figure_digests(scenario: str) -> list[tuple[str, str]]:
    """JSON digests of the library figures of one run."""
    import impact

    result = impact.run(impact.load_scenario(scenario), samples=30, seed=2)
    top = impact.figures.top_area(result.dataset)
    figures = {
        "timeline": impact.figures.timeline(result, "power", top),
        "services_timeline": impact.figures.services_timeline(result, top),
        "areas_timeline": impact.figures.areas_timeline(result, "water"),
        "area_map": impact.figures.area_map(result, "heat"),
        "asset_status": impact.figures.asset_status(result),
    }
    return [(f"figure-{name}", hashlib.sha256(fig.to_json().encode()).hexdigest()) for name, fig in figures.items()]


def main() -> int:
    """Write everything into a temporary folder and print ``name digest`` lines."""
    from impact.scenario.bundled import find_bundled
    from impact.synth import write_synthetic

    with tempfile.TemporaryDirectory(prefix="impact-digests-") as tmp:
        root = Path(tmp)
        out = root / "out"
        out.mkdir()
        odesa = root / "odesa"
        shutil.copytree(find_bundled("odesa-2025-12"), odesa)
        extended = root / "odesa-extended"
        shutil.copytree(odesa, extended)
        for file_name, text in EXTRA_TABLES.items():
            (extended / file_name).write_text(text, encoding="utf-8")
        with (extended / "scenario.toml").open("a", encoding="utf-8") as handle:
            handle.write(NEEDS)
        synthetic = root / "synthetic"
        write_synthetic(synthetic, areas=60, assets=80, strikes=20, days=10, seed=3, samples=50)

        written: list[tuple[str, Path]] = []
        written += scenario_outputs("odesa", str(odesa), out)
        written += scenario_outputs("extended", str(extended), out)
        written += scenario_outputs("synthetic", str(synthetic), out)
        for suffix in (".csv", ".xlsx"):
            path = out / f"compare{suffix}"
            cli("compare", str(extended), str(odesa), "--samples", "30", "--seed", "4", "--out", str(path))
            written.append((path.name, path))
        acled = root / "acled.csv"
        acled.write_text(ACLED, encoding="utf-8")
        strikes, report = out / "acled-strikes.csv", out / "acled-report.csv"
        cli("import-acled", str(acled), "--scenario", str(odesa), "--out", str(strikes), "--report", str(report))
        written += [(strikes.name, strikes), (report.name, report)]

        for name, path in written:
            print(name, digest(path))
        for name, value in figure_digests(str(extended)):
            print(name, value)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
