"""The ``impact`` command line (DESIGN section 5).

Bad input never gives a traceback: problems are printed as ``file:line: column: message``
on standard error and the exit code is 2. Output files are written atomically: a failed
write (a full disk included) exits with 2 and leaves no partial file, and SIGINT or SIGTERM
stop the command with one line and exit code 130 or 143 (see :func:`main`).
"""

from __future__ import annotations

import errno
import gc
import signal
import sys
import threading
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from impact.dataset import top_area
from impact.distributed import DaskUnavailable
from impact.scenario.bundled import bundled_table
from impact.scenario.problems import ScenarioError
from impact.scenario.schema import MAX_SEED

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


def _write_failed(out: Path | str, error: BaseException) -> typer.Exit:
    """Print a one-line error for a failed write of ``out`` and return the exit to raise (code 2).

    A full disk (``ENOSPC``) or exceeded quota (``EDQUOT``) is named plainly; the export
    was atomic, so no partial file is left at ``out``.
    """
    if isinstance(error, OSError) and error.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        reason = "no space left on device; free some space or write to another folder"
    else:
        reason = str(getattr(error, "strerror", None) or error)
    return _fail(f"error: could not write {str(out)!r}: {reason}; no partial file was left")


def _compare_names(loaded_a, loaded_b, a: str, b: str) -> tuple[str, str]:
    """Labels of A and B in a comparison: the scenario ids, else the folder names, else A and B.

    Never the paths as typed, which would write absolute paths into the files and make the
    same comparison give other bytes when a scenario is named another way.
    """
    for names in ((loaded_a.id, loaded_b.id), (Path(a).name, Path(b).name)):
        if all(names) and names[0] != names[1]:
            return names
    return ("A", "B")


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
    except OSError as error:  # missing, not a folder, unreadable...
        raise _fail(f"error: {error}") from None


def _parse_quantiles(text: str | None) -> tuple[float, ...] | None:
    if text is None:
        return None
    try:
        values = tuple(float(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise _fail(f"error: --quantiles {text!r} must be numbers separated by commas, e.g. 0.05,0.5,0.95") from None
    from impact.scenario.settings import check_quantiles

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
    table = Table(
        title=f"{dataset.attrs['scenario_title']}\npeople without service in {area} "
        f"({dataset.attrs['samples']} samples, seed {dataset.attrs['seed']})"
    )
    for header in (
        "service",
        "peak (central)",
        f"peak {low}-{high} %",
        "peak time (local)",
        "person-days",
        "hours to 90 % restored",
    ):
        table.add_column(header, justify="left" if header == "service" else "right")
    for service, row in frame.iterrows():
        spread = "-" if row["peak_low"] != row["peak_low"] else f"{row['peak_low']:,.0f} - {row['peak_high']:,.0f}"
        restore = row["restore_90_hours_central"]
        table.add_row(
            str(service),
            f"{row['peak_central']:,.0f}",
            spread,
            _short_time(row["peak_time"]),
            f"{row['person_days_central']:,.0f}",
            "not within horizon" if restore != restore else f"{restore:g}",
        )
    return table


def _print_observation_scores(result) -> None:
    """One line per service comparing the model with ``observations.csv``, if there are any."""
    scores = result.observation_summary()
    for service, row in scores.iterrows():
        _stdout().print(
            f"observations, {service}: {int(row.observations)} reported, {row.share_inside_band:.0%} inside the "
            f"5-95 % band; central estimate minus reported: mean {row.mean_error:+,.0f} persons "
            f"(mean absolute {row.mean_absolute_error:,.0f})",
            markup=False,
        )


def _short_time(iso: str) -> str:
    """``2025-12-19T04:00:00+02:00`` -> ``2025-12-19 04:00 +02:00``."""
    if not iso:
        return "-"
    return f"{iso[:10]} {iso[11:16]} {iso[19:]}"


@app.command()
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
) -> None:
    """Run a scenario, print the summary and optionally write FILE."""
    from impact.export import SUFFIXES, export

    quantile_values = _parse_quantiles(quantiles)
    if out is not None:
        if out.suffix.lower() not in SUFFIXES:
            raise _fail(
                f"error: --out {str(out)!r}: {out.suffix or 'no suffix'} is not a valid output type; "
                f"choose one of {', '.join(SUFFIXES)}"
            )
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
        raise _fail(
            f"error: not enough memory for {count} samples x {loaded.config.steps} steps; "
            "use fewer --samples or a shorter horizon"
        ) from None
    for note in result.dataset.attrs.get("status_updates", "").splitlines()[1:]:
        console.print(f"note: {note}", markup=False)
    _stdout().print(summary_table(result))
    _print_observation_scores(result)
    if out is not None:
        try:
            written = export(result, out)
        except (OSError, ValueError) as error:  # ValueError: e.g. more rows than an Excel sheet holds
            raise _write_failed(out, error) from None
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
                **cluster,
            )
    except DaskUnavailable as error:
        raise _fail(f"error: {error}") from None
    except OSError as error:
        raise _write_failed(out, error) from None
    with xr.open_dataset(written) as dataset:
        _stdout().print(summary_table(Result(dataset, loaded)))
        _print_observation_scores(Result(dataset, loaded))
    _stdout().print(f"wrote {written}", markup=False)


def _run_with_progress(loaded, console: Console, samples, seed, quantiles, cluster: dict):
    """Run the scenario, with a stage progress bar when standard error is a terminal."""
    from impact.result import run as run_scenario

    if not console.is_terminal:
        return run_scenario(loaded, samples=samples, seed=seed, quantiles=quantiles, **cluster)
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description:<20}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
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
    scenario: Annotated[
        str | None, typer.Argument(help="Bundled scenario id or folder (default odesa-2025-12).")
    ] = None,
    host: Annotated[
        str, typer.Option(help="Interface to listen on; 127.0.0.1 keeps it on this machine.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = 8050,
    show_assets: Annotated[bool, typer.Option("--show-assets", help="Send asset positions to the browser.")] = False,
    baseline: Annotated[
        str | None,
        typer.Option(
            metavar="B",
            help="Baseline scenario (bundled id or folder): show SCENARIO against it, A - B; both run "
            "with SCENARIO's samples and seed.",
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            min=1,
            metavar="N",
            help="Serve with gunicorn and N worker processes (pip install "
            "'humanitarian-impact[serve]'); default the single-process server.",
        ),
    ] = None,
) -> None:
    """Open the dashboard (http://127.0.0.1:8050 by default; debug always off).

    A --host other than loopback prints a warning: put the dashboard behind a reverse proxy
    with TLS and authentication instead.
    """
    from dash_app.serve import ServeError
    from dash_app.serve import serve as serve_dashboard

    try:
        serve_dashboard(scenario, baseline=baseline, host=host, port=port, show_assets=show_assets, workers=workers)
    except ServeError as error:
        raise _fail(f"error: {error}") from None


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
        written = write_synthetic(
            out, areas=areas, assets=assets, strikes=strikes, days=days, seed=seed, samples=samples
        )
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


@app.command("import-acled")
def import_acled_command(
    file: Annotated[Path, typer.Argument(help="ACLED-format CSV export (UTF-8, comma-separated, header row).")],
    scenario: Annotated[str, typer.Option(help="Bundled scenario id or folder whose assets events are matched to.")],
    out: Annotated[Path, typer.Option(help="strikes.csv to write (atomically; an existing file is replaced).")],
    report: Annotated[
        Path | None,
        typer.Option(help="Also write a CSV with one row per input row: imported, or the reason it was not."),
    ] = None,
    radius_km: Annotated[
        float,
        typer.Option(
            help="Search radius in km: the event within it of an area centroid or asset, the struck asset within "
            "it of the event."
        ),
    ] = 25.0,
    time_of_day: Annotated[
        str, typer.Option(help="Local time HH:MM given to each event day (ACLED dates are days).")
    ] = "00:00",
    damage_state: Annotated[
        str,
        typer.Option(
            help="Damage state when the notes contain no damage phrase: none, slight, moderate, extensive or complete."
        ),
    ] = "moderate",
    damage_rules: Annotated[
        Path | None,
        typer.Option(
            help="CSV with columns keyword,damage_state replacing the built-in damage phrases (first match wins)."
        ),
    ] = None,
    skip_bad_rows: Annotated[
        bool,
        typer.Option(
            "--skip-bad-rows",
            help="Skip unreadable rows (bad date, coordinates, fatalities) and list them in the "
            "report instead of stopping.",
        ),
    ] = False,
) -> None:
    """Write strikes.csv rows for a scenario from ACLED events (strikes on its assets, in its time window)."""
    from impact.acled import AcledError, import_acled, parse_time_of_day
    from impact.scenario.schema import DAMAGE_STATES

    if not (radius_km > 0 and radius_km != float("inf")):
        raise _fail(f"error: --radius-km {radius_km:g} must be a distance in km > 0")
    try:
        parse_time_of_day(time_of_day)
    except ValueError as error:
        raise _fail(f"error: --time-of-day {error}") from None
    if damage_state not in DAMAGE_STATES:
        raise _fail(
            f"error: --damage-state {damage_state!r} is not a damage state; choose one of {', '.join(DAMAGE_STATES)}"
        )
    outputs = {"--out": out, "--report": report}
    for option, path in outputs.items():
        if path is None:
            continue
        if path.suffix.lower() != ".csv":
            raise _fail(f"error: {option} {str(path)!r}: write a .csv file")
        if not path.parent.resolve().is_dir():
            raise _fail(f"error: {option} {str(path)!r}: folder {str(path.parent)!r} does not exist")
        if path.resolve() == file.resolve():
            raise _fail(f"error: {option} {str(path)!r} is the input file; choose another name")
    if report is not None and report.resolve() == out.resolve():
        raise _fail("error: --out and --report name the same file")
    loaded = _load(scenario)
    try:
        imported = import_acled(
            file,
            loaded,
            radius_km=radius_km,
            time_of_day=time_of_day,
            default_damage_state=damage_state,
            damage_rules=damage_rules,
            skip_bad_rows=skip_bad_rows,
        )
    except AcledError as error:
        console = _stderr()
        for problem in error.problems:
            console.print(str(problem), markup=False)
        hint = "; add --skip-bad-rows to import the other rows" if error.skippable else ""
        console.print(f"{error.source}: {len(error.problems)} problem(s); nothing was written{hint}", markup=False)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except ValueError as error:
        raise _fail(f"error: {error}") from None
    target = out
    try:
        written = [imported.write_strikes(out)]
        if report is not None:
            target = report
            written.append(imported.write_account(report))
    except OSError as error:
        raise _write_failed(target, error) from None
    console = _stdout()
    rows, strikes = len(imported.account), len(imported.strikes)
    console.print(
        f"{loaded.id}: {strikes} strike{'' if strikes == 1 else 's'} from {rows} row"
        f"{'' if rows == 1 else 's'} of {file} (event day at {imported.time_of_day:%H:%M} "
        f"{loaded.config.timezone}, precise to a day; radius {imported.radius_km:g} km)",
        markup=False,
    )
    table = Table(title="rows of the ACLED file")
    for header in ("reason", "rows", "lines"):
        table.add_column(header, justify="right" if header == "rows" else "left")
    for row in imported.summary(max_ranges=12).itertuples(index=False):
        table.add_row(row.reason_code, str(row.rows), row.lines)
    console.print(table)
    for path in written:
        console.print(f"wrote {path}", markup=False)
    if report is None:
        console.print("the reason for every row: add --report FILE", markup=False)


# --- command needs (issue 5) ---

#: Output types of ``impact needs --out``.
NEEDS_SUFFIXES = (".csv", ".xlsx")


def needs_table_for(nd, area: str) -> Table:
    """A rich table of one area's needs per local day: central, with the lowest-highest quantile range."""
    at = nd.sel(area=area)
    quantiles = nd["quantile"].values
    band = f"{quantiles[0] * 100:g}-{quantiles[-1] * 100:g} %" if len(quantiles) else ""
    table = Table(
        title=f"needs per day in {area} ({at['name'].item() if 'name' in at.coords else area}); "
        f"{nd.attrs['samples']} samples, seed {nd.attrs['seed']}; central" + (f" and {band}" if band else "")
    )
    headers = ("day", "hours", "people without water", "water [L]", "truck trips", "heating places", "generator hours")
    for header in headers:
        table.add_column(header, justify="left" if header == "day" else "right")

    def cell(name: str, day: int) -> str:
        central = float(at[f"{name}_central"].values[day])
        text = "-" if central != central else f"{central:,.0f}"
        if len(quantiles):
            low, high = (float(at[name].values[day, i]) for i in (0, -1))
            if low == low and high == high:
                text += f"\n{low:,.0f}-{high:,.0f}"
        return text

    for d, day in enumerate(nd["day"].values):
        table.add_row(
            str(day),
            f"{float(nd['hours'].values[d]):g}",
            cell("water_people", d),
            cell("water_litres", d),
            cell("water_truck_trips", d),
            cell("heating_places", d),
            f"{float(at['generator_hours_central'].values[d]):,.0f}",
        )
    return table


@app.command("needs")
def needs_command(
    scenario: Annotated[str, typer.Argument(help="Bundled scenario id (see `impact datasets`) or folder.")],
    out: Annotated[
        Path | None,
        typer.Option(help="Write the needs of every area and day to FILE: .csv (HXL hashtag row as line 2) or .xlsx."),
    ] = None,
    area: Annotated[str | None, typer.Option(help="Area whose needs are printed (default: the top area).")] = None,
    samples: Annotated[int | None, typer.Option(min=0, help="Monte Carlo samples; 0 = central estimate only.")] = None,
    seed: Annotated[int | None, typer.Option(min=0, max=MAX_SEED, help="Seed of the random generator.")] = None,
    quantiles: Annotated[str | None, typer.Option(help="Comma-separated quantiles, e.g. 0.05,0.5,0.95.")] = None,
) -> None:
    """Run a scenario and print its needs per day (water, truck trips, heating places, generator hours).

    The planning figures come from the scenario's [needs] section of scenario.toml (defaults:
    Sphere's 15 L per person per day, 10,000 L trucks, heating places after 24 h without heat);
    docs/needs.md gives every definition and source.
    """
    from impact.export.excel import write_needs_excel
    from impact.export.hxl_csv import write_needs_csv
    from impact.needs import needs as compute_needs

    quantile_values = _parse_quantiles(quantiles)
    if out is not None:
        if out.suffix.lower() not in NEEDS_SUFFIXES:
            raise _fail(
                f"error: --out {str(out)!r}: {out.suffix or 'no suffix'} is not a valid output type; "
                f"choose one of {', '.join(NEEDS_SUFFIXES)}"
            )
        if not out.parent.resolve().is_dir():
            raise _fail(f"error: --out {str(out)!r}: folder {str(out.parent)!r} does not exist")
    loaded = _load(scenario)
    if area is not None and area not in set(loaded.areas["area_id"]):
        raise _fail(
            f"error: --area {area!r} is not an area of {loaded.id}; choose one of "
            f"{', '.join(list(loaded.areas['area_id'])[:20])}"
        )
    try:
        result = _run_with_progress(
            loaded, _stderr(), samples, seed, quantile_values, {"workers": None, "scheduler": None}
        )
    except MemoryError:
        count = samples if samples is not None else loaded.config.samples
        raise _fail(
            f"error: not enough memory for {count} samples x {loaded.config.steps} steps; "
            "use fewer --samples or a shorter horizon"
        ) from None
    for note in result.dataset.attrs.get("status_updates", "").splitlines()[1:]:
        _stderr().print(f"note: {note}", markup=False)
    nd = compute_needs(result)
    console = _stdout()
    console.print(needs_table_for(nd, area or top_area(result.dataset)))
    console.print(
        f"water {nd.attrs['water_litres_per_person_day']:g} L per person per day; trucks of "
        f"{nd.attrs['truck_capacity_litres']:,.0f} L; heating places after "
        f"{nd.attrs['heating_after_hours']:g} h without heat; {nd.attrs['temperature']}",
        markup=False,
    )
    if out is not None:
        writer = write_needs_csv if out.suffix.lower() == ".csv" else write_needs_excel
        try:
            written = writer(nd, out)
        except (OSError, ValueError) as error:
            raise _write_failed(out, error) from None
        console.print(f"wrote {written}", markup=False)


# --- command compare (issue 5) ---

#: Output types of ``impact compare --out``.
COMPARE_SUFFIXES = (".csv", ".xlsx")


def comparison_table(comparison, area: str) -> Table:
    """A rich table of :meth:`impact.compare.Comparison.summary` for one area: A, B, A - B and the change."""
    frame = comparison.summary(area)
    ds = comparison.dataset
    name_a, name_b = comparison.names
    place = str(ds["name"].sel(area=area).item()) if "name" in ds.coords else area
    table = Table(
        title=f"{name_a} (A) against {name_b} (B)\npeople without service in {area} ({place}); "
        f"difference = A - B, positive: A is worse\ncentral estimates; {ds.attrs['samples_a']} "
        f"samples, seed {ds.attrs['seed_a']}",
        show_edge=False,
    )
    for header in (
        "service",
        "person-days A",
        "person-days B",
        "A - B (change)",
        "peak A",
        "peak B",
        "A - B (change) ",
        "peak time A (local)",
        "peak time B (local)",
    ):
        table.add_column(header, justify="left" if header == "service" else "right")

    def difference(value: float, relative: float) -> str:
        return f"{value:+,.0f}" + ("" if relative != relative else f" ({relative:+.0%})")

    for service, row in frame.iterrows():
        table.add_row(
            str(service),
            f"{row['person_hours_central_a'] / 24:,.0f}",
            f"{row['person_hours_central_b'] / 24:,.0f}",
            difference(row["person_hours_central_difference"] / 24, row["person_hours_central_relative_difference"]),
            f"{row['peak_central_a']:,.0f}",
            f"{row['peak_central_b']:,.0f}",
            difference(row["peak_central_difference"], row["peak_central_relative_difference"]),
            _short_time(row["peak_time_a"]),
            _short_time(row["peak_time_b"]),
        )
    return table


@app.command("compare")
def compare_command(
    a: Annotated[str, typer.Argument(metavar="A", help="Scenario assessed: bundled scenario id or folder.")],
    b: Annotated[str, typer.Argument(metavar="B", help="Baseline: bundled scenario id or folder.")],
    samples: Annotated[
        int | None,
        typer.Option(
            min=0, help="Monte Carlo samples of both runs (default: A's scenario.toml); 0 = central estimates only."
        ),
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option(
            min=0, max=MAX_SEED, help="Seed of both runs (default: A's scenario.toml), so common random numbers apply."
        ),
    ] = None,
    area: Annotated[str | None, typer.Option(help="Area of the printed table (default: the top area).")] = None,
    out: Annotated[
        Path | None,
        typer.Option(help="Write every area and service to FILE: .csv (HXL hashtag row as line 2) or .xlsx."),
    ] = None,
) -> None:
    """Run scenarios A and B with the same seed and print A minus B per service (positive: A is worse).

    Person-hours and peaks of people without power, water and heat, over the areas and time steps both have.
    """
    from impact.compare import CompareError, check_scenarios
    from impact.compare import compare as compare_results
    from impact.result import run_settings

    if out is not None:
        if out.suffix.lower() not in COMPARE_SUFFIXES:
            raise _fail(
                f"error: --out {str(out)!r}: {out.suffix or 'no suffix'} is not a valid output type; "
                f"choose one of {', '.join(COMPARE_SUFFIXES)}"
            )
        if not out.parent.resolve().is_dir():
            raise _fail(f"error: --out {str(out)!r}: folder {str(out.parent)!r} does not exist")
    loaded_a, loaded_b = _load(a), _load(b)
    try:
        window = check_scenarios(loaded_a, loaded_b)
        settings = run_settings(loaded_a, samples, seed, None)
    except CompareError as error:
        raise _fail(f"error: cannot compare {a} with {b}: {error}") from None
    except ValueError as error:
        raise _fail(f"error: {error}") from None
    if area is not None and area not in window.areas:
        where = (
            "it is only in A"
            if area in window.areas_only_in_a
            else "it is only in B"
            if area in window.areas_only_in_b
            else "it is in neither"
        )
        raise _fail(
            f"error: --area {area!r} is not an area of both scenarios ({where}); choose one of "
            f"{', '.join(window.areas[:20])}"
        )
    console = _stderr()
    results = []
    for loaded in (loaded_a, loaded_b):
        try:
            results.append(_run_with_progress(loaded, console, *settings, {"workers": None, "scheduler": None}))
        except MemoryError:
            raise _fail(
                f"error: not enough memory for {settings[0]} samples x {loaded.config.steps} steps; "
                "use fewer --samples or a shorter horizon"
            ) from None
    try:
        comparison = compare_results(*results, names=_compare_names(loaded_a, loaded_b, a, b))
    except CompareError as error:
        raise _fail(f"error: cannot compare {a} with {b}: {error}") from None
    for note in comparison.notes:
        console.print(f"note: {note}", markup=False)
    _stdout().print(comparison_table(comparison, area or top_area(comparison.dataset)))
    if out is not None:
        try:
            written = comparison.export(out)
        except (OSError, ValueError) as error:
            raise _write_failed(out, error) from None
        _stdout().print(f"wrote {written}", markup=False)


class Signalled(BaseException):
    """Raised by the CLI's signal handler on SIGINT or SIGTERM.

    A ``BaseException`` (not ``KeyboardInterrupt``) so that neither click nor any
    ``except Exception`` in the model swallows it: it unwinds through
    :func:`impact.export.atomic.atomic_path`, which removes the temporary file.

    Parameters
    ----------
    signum : int
        The signal number.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        """``128 + signum``: 130 for SIGINT, 143 for SIGTERM."""
        return 128 + self.signum

    @property
    def name(self) -> str:
        """``"interrupted"`` (SIGINT) or ``"terminated"`` (SIGTERM)."""
        return "interrupted" if self.signum == signal.SIGINT else "terminated"


def _raise_signalled(signum: int, _frame: object) -> None:
    # Further signals while the exception unwinds (and temporary files are removed) are ignored.
    for number in _HANDLED_SIGNALS:
        signal.signal(number, signal.SIG_IGN)
    raise Signalled(signum)


#: Signals turned into :class:`Signalled` by :func:`main`.
_HANDLED_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def _install_signal_handlers(argv: list[str] | None) -> dict[int, object] | None:
    """Route SIGINT and SIGTERM to :func:`_raise_signalled`; return the old handlers.

    Nothing is changed (None is returned) off the main thread or for ``impact serve``, whose
    web server handles its own signals.
    """
    args = sys.argv[1:] if argv is None else argv
    command = next((arg for arg in args if not arg.startswith("-")), None)
    if command == "serve" or threading.current_thread() is not threading.main_thread():
        return None
    return {number: signal.signal(number, _raise_signalled) for number in _HANDLED_SIGNALS}


def _restore_signal_handlers(old: dict[int, object] | None) -> None:
    for number, handler in (old or {}).items():
        signal.signal(number, handler)


def main(argv: list[str] | None = None) -> int:
    """Run the ``impact`` command with ``argv`` (default: the process arguments); return the exit code.

    Usage errors (unknown command or option, bad option value) exit with 2 like every
    other kind of bad input.

    Notes
    -----
    SIGINT (Ctrl-C) and SIGTERM stop the command cleanly: the file being written is
    removed (exports are atomic, see :mod:`impact.export.atomic`), one line saying what
    happened goes to standard error and the exit code is 130 (SIGINT) or 143 (SIGTERM),
    as a shell reports a process killed by that signal. Signals arriving while the
    command unwinds are ignored. ``impact serve`` keeps its web server's own handling.
    """
    old = _install_signal_handlers(argv)
    unraisable = sys.unraisablehook
    try:
        stopped: tuple[str, int, int] | None = None
        try:
            app(args=argv, prog_name="impact", standalone_mode=True)
        except SystemExit as done:
            return done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
        except Signalled as stop:
            sys.unraisablehook = _ignore_unraisable  # see below
            stopped = (stop.name, stop.signum, stop.exit_code)
        except KeyboardInterrupt:
            sys.unraisablehook = _ignore_unraisable
            stopped = ("interrupted", signal.SIGINT, 130)
        if stopped is None:
            return 0
        # The interrupted command's frames are freed as the exception is dropped: a writer cut
        # off mid-file (openpyxl's write-only sheet generators) then complains "Exception
        # ignored in ...". That is expected after a stop, so it is silenced until they are gone.
        gc.collect()
        name, signum, code = stopped
        _stderr().print(
            f"{name} ({signal.Signals(signum).name}); stopped, no partial output file was left", markup=False
        )
        return code
    finally:
        sys.unraisablehook = unraisable
        _restore_signal_handlers(old)


def _ignore_unraisable(_unraisable) -> None:
    """An unraisable-exception hook that prints nothing (used only while a stopped command unwinds)."""


def entry_point() -> None:
    """Console-script entry point: run :func:`main` and exit with its code."""
    sys.exit(main())
