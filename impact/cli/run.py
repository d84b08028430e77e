"""``impact run``: run a scenario, print its summary and optionally write a file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from impact.cli._exits import (
    check_out,
    check_plan,
    fail,
    load,
    parse_beyond_hours,
    parse_plan_quantile,
    parse_quantiles,
    print_notes,
    run_or_exit,
    status_notes,
    stderr,
    stdout,
    write_failed,
)
from impact.cli._render import print_observation_scores, summary_table
from impact.distributed import DaskUnavailable
from impact.export import SUFFIXES
from impact.result import open_result
from impact.runner import AREA_BLOCK, result_bytes, run_to_netcdf
from impact.scenario import Scenario
from impact.scenario.schema import MAX_SEED

__all__ = ["BEYOND_HELP", "PLAN_HELP", "STREAM_BYTES", "run"]

#: Results larger than this stream block by block when written to NetCDF [bytes].
STREAM_BYTES = 2 << 30

#: Help of ``--plan-quantile`` (``impact run`` and ``impact needs``).
PLAN_HELP = (
    "Planning statistic the headline figures lead with: a quantile over samples in (0, 1], e.g. 0.5 (the "
    "median, the default) or 0.9 (the 90th percentile); added to the quantiles."
)

#: Help of ``--beyond-hours``.
BEYOND_HELP = (
    "Comma-separated outage lengths [hours] for the probability that an area's outage lasts beyond each "
    "(default 24,72,168)."
)


def run(
    scenario: Annotated[str, typer.Argument(help="Bundled scenario id (see `impact datasets`) or folder.")],
    samples: Annotated[int | None, typer.Option(min=0, help="Monte Carlo samples; 0 = central estimate only.")] = None,
    seed: Annotated[int | None, typer.Option(min=0, max=MAX_SEED, help="Seed of the random generator.")] = None,
    quantiles: Annotated[str | None, typer.Option(help="Comma-separated quantiles, e.g. 0.05,0.5,0.95.")] = None,
    out: Annotated[Path | None, typer.Option(help="Write results to FILE (.csv, .xlsx, .nc, .parquet).")] = None,
    workers: Annotated[
        int | None, typer.Option(min=1, help="Run on a local dask cluster of N worker processes (extra [dask]).")
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(help="Run on an existing dask.distributed cluster, e.g. tcp://10.0.0.5:8786 (extra [dask])."),
    ] = None,
    area_block: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Compute and write N areas at a time into a .nc --out (streaming; automatic when the "
            "result would exceed 2 GB).",
        ),
    ] = None,
    plan_quantile: Annotated[float | None, typer.Option(help=PLAN_HELP)] = None,
    beyond_hours: Annotated[str | None, typer.Option(help=BEYOND_HELP)] = None,
) -> None:
    """Run a scenario, print the summary and optionally write FILE.

    The summary leads with the planning statistic (--plan-quantile, the median by default) and
    keeps the central estimate (every repair at its median) as a reference row.
    """
    quantile_values = parse_quantiles(quantiles)
    plan = {"plan_quantile": parse_plan_quantile(plan_quantile), "beyond_hours": parse_beyond_hours(beyond_hours)}
    check_out(out, SUFFIXES)
    if workers is not None and scheduler is not None:
        raise fail("error: give --workers or --scheduler, not both")
    loaded = load(scenario)
    check_plan(loaded, quantile_values, plan["plan_quantile"])
    block = _streaming_block(loaded, quantile_values, out, area_block, plan["plan_quantile"])
    if out is not None and block is not None:
        _stream(loaded, out, block, samples, seed, quantile_values, workers, scheduler, plan)
        return
    result = run_or_exit(loaded, samples, seed, quantile_values, workers, scheduler, **plan)
    print_notes(status_notes(result))
    console = stdout()
    console.print(summary_table(result))
    print_observation_scores(result, console)
    if out is not None:
        try:
            written = result.export(out)
        except (OSError, ValueError) as error:  # ValueError: e.g. more rows than an Excel sheet holds
            raise write_failed(out, error) from None
        console.print(f"wrote {written}", markup=False)


def _streaming_block(
    loaded: Scenario,
    quantiles: tuple[float, ...] | None,
    out: Path | None,
    area_block: int | None,
    plan_quantile: float | None = None,
) -> int | None:
    """Areas per block when the run should stream into a NetCDF file, else None."""
    netcdf = out is not None and out.suffix.lower() == ".nc"
    if area_block is not None:
        if not netcdf:
            raise fail("error: --area-block writes the result block by block and needs --out FILE.nc")
        return area_block
    plan = loaded.config.plan_quantile if plan_quantile is None else plan_quantile
    if netcdf and result_bytes(loaded, quantiles, plan) > STREAM_BYTES:
        return AREA_BLOCK
    return None


def _stream(
    loaded: Scenario,
    out: Path,
    block: int,
    samples: int | None,
    seed: int | None,
    quantiles: tuple[float, ...] | None,
    workers: int | None,
    scheduler: str | None,
    plan: dict,
) -> None:
    """Run block by block into ``out`` (NetCDF), then print the summary read back from it."""
    console: Console = stderr()
    console.print(f"writing {out} in blocks of {block} areas", markup=False)
    try:
        with Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
            disable=not console.is_terminal,
        ) as bar:
            task = bar.add_task("starting")
            written = run_to_netcdf(
                loaded,
                out,
                samples,
                seed,
                quantiles,
                area_block=block,
                progress=lambda label: bar.update(task, description=label),
                workers=workers,
                scheduler=scheduler,
                **plan,
            )
    except DaskUnavailable as error:
        raise fail(f"error: {error}") from None
    except OSError as error:
        raise write_failed(out, error) from None
    result = open_result(written, loaded)
    try:
        printer = stdout()
        printer.print(summary_table(result))
        print_observation_scores(result, printer)
    finally:
        result.dataset.close()
    stdout().print(f"wrote {written}", markup=False)
