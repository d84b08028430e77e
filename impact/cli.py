"""The ``impact`` command line (DESIGN section 5).

Bad input never gives a traceback: problems are printed as ``file:line: column: message``
on standard error and the exit code is 2. Output files are written atomically.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from impact.bundled import bundled_table
from impact.distributed import DaskUnavailable
from impact.figures.base import top_area
from impact.problems import ScenarioError

#: Exit code for bad input (scenario, options or output path).
EXIT_BAD_INPUT = 2

#: Stages :func:`impact.run` reports through its ``progress`` callback.
RUN_STAGES = 4

#: Results larger than this stream block by block when written to NetCDF [bytes].
STREAM_BYTES = 2 << 30

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Humanitarian infrastructure impact model: people without power, water and heat after strikes.",
)


def _stdout() -> Console:
    console = Console(highlight=False, soft_wrap=True)
    if not console.is_terminal:
        console = Console(highlight=False, soft_wrap=True, width=160)
    return console


def _stderr() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)


def _fail(message: str) -> typer.Exit:
    _stderr().print(message, markup=False)
    return typer.Exit(EXIT_BAD_INPUT)


def _load(scenario: str):
    from impact.scenario import load_scenario

    try:
        return load_scenario(scenario)
    except ScenarioError as error:
        console = _stderr()
        for problem in error.problems:
            console.print(str(problem), markup=False)
        console.print(f"{scenario}: {len(error.problems)} problem(s); nothing was run", markup=False)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except (FileNotFoundError, NotADirectoryError, PermissionError) as error:
        raise _fail(f"error: {error}") from None


def _parse_quantiles(text: str | None) -> tuple[float, ...] | None:
    if text is None:
        return None
    try:
        values = tuple(float(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise _fail(f"error: --quantiles {text!r} must be numbers separated by commas, e.g. 0.05,0.5,0.95") from None
    from impact.config import check_quantiles

    reason = check_quantiles(list(values))
    if reason:
        raise _fail(f"error: --quantiles {reason}")
    return values


def summary_table(result) -> Table:
    """A rich table of :meth:`impact.Result.summary` for the top area."""
    frame = result.summary()
    dataset = result.dataset
    quantiles = dataset["quantile"].values
    low = f"{quantiles[0] * 100:g}" if len(quantiles) else "-"
    high = f"{quantiles[-1] * 100:g}" if len(quantiles) else "-"
    area = top_area(dataset)
    table = Table(title=f"{dataset.attrs['scenario_title']}\npeople without service in {area} "
                        f"({dataset.attrs['samples']} samples, seed {dataset.attrs['seed']})")
    for header in ("service", "peak (central)", f"peak {low}-{high} %", "peak time (local)",
                   "person-days", "hours to 90 % restored"):
        table.add_column(header, justify="left" if header == "service" else "right")
    for service, row in frame.iterrows():
        spread = ("-" if row["peak_low"] != row["peak_low"]
                  else f"{row['peak_low']:,.0f} - {row['peak_high']:,.0f}")
        restore = row["restore_90_hours_central"]
        table.add_row(
            str(service), f"{row['peak_central']:,.0f}", spread, _short_time(row["peak_time"]),
            f"{row['person_days_central']:,.0f}", "not within horizon" if restore != restore else f"{restore:g}",
        )
    return table


def _short_time(iso: str) -> str:
    """``2025-12-19T04:00:00+02:00`` -> ``2025-12-19 04:00 +02:00``."""
    if not iso:
        return "-"
    return f"{iso[:10]} {iso[11:16]} {iso[19:]}"


@app.command()
def run(
    scenario: Annotated[str, typer.Argument(help="Bundled scenario id (see `impact datasets`) or folder.")],
    samples: Annotated[int | None, typer.Option(min=0, help="Monte Carlo samples; 0 = central estimate only.")] = None,
    seed: Annotated[int | None, typer.Option(min=0, help="Seed of the random generator.")] = None,
    quantiles: Annotated[str | None, typer.Option(help="Comma-separated quantiles, e.g. 0.05,0.5,0.95.")] = None,
    out: Annotated[Path | None, typer.Option(help="Write results to FILE (.csv, .xlsx, .nc, .parquet).")] = None,
    workers: Annotated[int | None, typer.Option(
        min=1, help="Run on a local dask cluster of N worker processes (extra [dask]).")] = None,
    scheduler: Annotated[str | None, typer.Option(
        help="Run on an existing dask.distributed cluster, e.g. tcp://10.0.0.5:8786 (extra [dask]).")] = None,
    area_block: Annotated[int | None, typer.Option(
        min=1, help="Compute and write N areas at a time into a .nc --out (streaming; automatic when the "
                    "result would exceed 2 GB).")] = None,
) -> None:
    """Run a scenario, print the summary and optionally write FILE."""
    from impact.export import SUFFIXES, export

    quantile_values = _parse_quantiles(quantiles)
    if out is not None:
        if out.suffix.lower() not in SUFFIXES:
            raise _fail(f"error: --out {str(out)!r}: {out.suffix or 'no suffix'} is not a valid output type; "
                        f"choose one of {', '.join(SUFFIXES)}")
        if not out.parent.resolve().is_dir():
            raise _fail(f"error: --out {str(out)!r}: folder {str(out.parent)!r} does not exist")
    if workers is not None and scheduler is not None:
        raise _fail("error: give --workers or --scheduler, not both")
    loaded = _load(scenario)
    console = _stderr()
    cluster = {"workers": workers, "scheduler": scheduler}
    block = _streaming_block(loaded, samples, quantile_values, out, area_block)
    if block is not None:
        _stream(loaded, console, out, block, samples, seed, quantile_values, cluster)
        return
    try:
        result = _run_with_progress(loaded, console, samples, seed, quantile_values, cluster)
    except DaskUnavailable as error:
        raise _fail(f"error: {error}") from None
    except MemoryError:
        count = samples if samples is not None else loaded.config.samples
        raise _fail(f"error: not enough memory for {count} samples x {loaded.config.steps} steps; "
                    "use fewer --samples or a shorter horizon") from None
    if len(loaded.status_updates):
        console.print(f"note: {len(loaded.status_updates)} status update(s) read but not used yet: conditioning "
                      "on operator reports (DESIGN 3.4) is not implemented", markup=False)
    _stdout().print(summary_table(result))
    if out is not None:
        try:
            written = export(result, out)
        except OSError as error:
            raise _fail(f"error: could not write {str(out)!r}: {error.strerror or error}") from None
        _stdout().print(f"wrote {written}", markup=False)


def _streaming_block(loaded, samples, quantiles, out: Path | None, area_block: int | None) -> int | None:
    """Areas per block when the run should stream into a NetCDF file, else None."""
    from impact.stream import AREA_BLOCK, result_bytes

    netcdf = out is not None and out.suffix.lower() == ".nc"
    if area_block is not None:
        if not netcdf:
            raise _fail("error: --area-block writes the result block by block and needs --out FILE.nc")
        return area_block
    if netcdf and result_bytes(loaded, quantiles) > STREAM_BYTES:
        return AREA_BLOCK
    return None


def _stream(loaded, console: Console, out: Path, block: int, samples, seed, quantiles, cluster: dict) -> None:
    """Run block by block into ``out`` (NetCDF), then print the summary read back from it."""
    import xarray as xr

    from impact.result import Result
    from impact.stream import run_to_netcdf

    console.print(f"writing {out} in blocks of {block} areas", markup=False)
    try:
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=console,
                      transient=True, disable=not console.is_terminal) as bar:
            task = bar.add_task("starting")
            written = run_to_netcdf(loaded, out, samples, seed, quantiles, area_block=block,
                                    progress=lambda label: bar.update(task, description=label), **cluster)
    except DaskUnavailable as error:
        raise _fail(f"error: {error}") from None
    except OSError as error:
        raise _fail(f"error: could not write {str(out)!r}: {error.strerror or error}") from None
    with xr.open_dataset(written) as dataset:
        _stdout().print(summary_table(Result(dataset, loaded)))
    _stdout().print(f"wrote {written}", markup=False)


def _run_with_progress(loaded, console: Console, samples, seed, quantiles, cluster: dict):
    """Run the scenario, with a stage progress bar when standard error is a terminal."""
    from impact.result import run as run_scenario

    if not console.is_terminal:
        return run_scenario(loaded, samples=samples, seed=seed, quantiles=quantiles, **cluster)
    with Progress(SpinnerColumn(), TextColumn("{task.description:<20}"), BarColumn(), TaskProgressColumn(),
                  TimeElapsedColumn(), console=console, transient=True) as bar:
        task = bar.add_task("starting", total=RUN_STAGES)

        def advance(label: str) -> None:
            bar.update(task, description=label, advance=1)

        result = run_scenario(loaded, samples=samples, seed=seed, quantiles=quantiles, progress=advance, **cluster)
        bar.update(task, completed=RUN_STAGES)
    return result


@app.command()
def validate(
    scenario: Annotated[str, typer.Argument(help="Bundled scenario id or folder.")],
) -> None:
    """Check a scenario; print every problem as file:line: column: message (exit 2) or one line of counts."""
    loaded = _load(scenario)
    _stdout().print(f"ok: {loaded.counts()}", markup=False)


@app.command()
def serve(
    scenario: Annotated[str | None, typer.Argument(help="Bundled scenario id or folder (default odesa-2025-12).")]
    = None,
    host: Annotated[str, typer.Option(help="Interface to listen on; 127.0.0.1 keeps it on this machine.")]
    = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = 8050,
    show_assets: Annotated[bool, typer.Option("--show-assets", help="Send asset positions to the browser.")] = False,
) -> None:
    """Open the dashboard (http://127.0.0.1:8050 by default)."""
    from dash_app.serve import serve as serve_dashboard

    serve_dashboard(scenario, host=host, port=port, show_assets=show_assets)


@app.command()
def synth(
    out: Annotated[Path, typer.Option(help="Folder to write (must not exist or be empty).")],
    areas: Annotated[int, typer.Option(min=27, help="Leaf areas: 1469 hromadas; more adds settlements.")] = 1469,
    assets: Annotated[int, typer.Option(min=50, help="Assets.")] = 2000,
    strikes: Annotated[int, typer.Option(min=0, help="Strikes, in waves.")] = 300,
    days: Annotated[int, typer.Option(min=1, help="Horizon [days].")] = 90,
    seed: Annotated[int, typer.Option(min=0, help="Seed: same arguments, same files.")] = 1,
    samples: Annotated[int, typer.Option(min=0, help="Monte Carlo samples written to scenario.toml.")] = 500,
) -> None:
    """Write a SYNTHETIC national-scale scenario folder (not real data), reproducible from its seed."""
    from impact.synth import write_synthetic

    try:
        written = write_synthetic(out, areas=areas, assets=assets, strikes=strikes, days=days, seed=seed,
                                  samples=samples)
    except (ValueError, OSError) as error:
        raise _fail(f"error: {error}") from None
    _stdout().print(f"wrote {written}", markup=False)


@app.command()
def datasets() -> None:
    """List the bundled scenarios."""
    table = Table(title="bundled scenarios")
    for header in ("id", "title", "path"):
        table.add_column(header)
    for row in bundled_table():
        table.add_row(row["id"], row["title"], row["path"])
    _stdout().print(table)


# --- command import-acled (issue 5) ---


# --- command needs (issue 5) ---


# --- command compare (issue 5) ---


def main(argv: list[str] | None = None) -> int:
    """Run the ``impact`` command with ``argv`` (default: the process arguments); return the exit code.

    Usage errors (unknown command or option, bad option value) exit with 2 like every
    other kind of bad input.
    """
    try:
        app(args=argv, prog_name="impact", standalone_mode=True)
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    except KeyboardInterrupt:
        _stderr().print("interrupted; no output file was written", markup=False)
        return 130
    return 0


def entry_point() -> None:
    """Console-script entry point: run :func:`main` and exit with its code."""
    sys.exit(main())
