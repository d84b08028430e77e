"""``impact import-acled``: strikes.csv rows for a scenario from ACLED events."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from impact.acled import GEO_PRECISION_RADIUS_FACTOR, PLACE_MARGIN_KM, AcledError, import_acled, parse_time_of_day
from impact.acled_rules import DEFAULT_DAMAGE_STATE, parse_damage_weights
from impact.cli._exits import EXIT_BAD_INPUT, check_out, fail, load, stderr, stdout, write_failed

__all__ = ["import_acled_command"]


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
            help="Search radius in km for ACLED geo_precision 1: the event within it of an area centroid or asset, "
            "the candidate assets within it of the event. Twice it for geo_precision 2, four times for 3."
        ),
    ] = 25.0,
    place_margin_km: Annotated[
        float,
        typer.Option(
            help="With geo_precision 1, assets of the named kinds up to this many km farther than the nearest one "
            "are candidates too (0: only the nearest place)."
        ),
    ] = PLACE_MARGIN_KM,
    time_of_day: Annotated[
        str, typer.Option(help="Local time HH:MM given to each event day (ACLED dates are days).")
    ] = "00:00",
    damage_state: Annotated[
        str,
        typer.Option(
            help="Damage state when the notes contain no damage phrase: none, slight, moderate, extensive or "
            "complete, or weights such as moderate:0.6|extensive:0.4."
        ),
    ] = DEFAULT_DAMAGE_STATE,
    damage_rules: Annotated[
        Path | None,
        typer.Option(
            help="CSV with columns keyword,damage_state (a state or weights) replacing the built-in damage phrases "
            "(rows tried top to bottom; negated phrases skipped)."
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
    if not (radius_km > 0 and radius_km != float("inf")):
        raise fail(f"error: --radius-km {radius_km:g} must be a distance in km > 0")
    if not (place_margin_km >= 0 and place_margin_km != float("inf")):
        raise fail(f"error: --place-margin-km {place_margin_km:g} must be a distance in km >= 0")
    try:
        parse_time_of_day(time_of_day)
    except ValueError as error:
        raise fail(f"error: --time-of-day {error}") from None
    try:
        parse_damage_weights(damage_state)
    except ValueError as error:
        raise fail(f"error: --damage-state {error}") from None
    for option, path in {"--out": out, "--report": report}.items():
        if path is None:
            continue
        check_out(path, (".csv",), option)
        if path.resolve() == file.resolve():
            raise fail(f"error: {option} {str(path)!r} is the input file; choose another name")
    if report is not None and report.resolve() == out.resolve():
        raise fail("error: --out and --report name the same file")
    loaded = load(scenario)
    try:
        imported = import_acled(
            file,
            loaded,
            radius_km=radius_km,
            place_margin_km=place_margin_km,
            time_of_day=time_of_day,
            default_damage_state=damage_state,
            damage_rules=damage_rules,
            skip_bad_rows=skip_bad_rows,
        )
    except AcledError as error:
        console = stderr()
        for problem in error.problems:
            console.print(str(problem), markup=False)
        hint = "; add --skip-bad-rows to import the other rows" if error.skippable else ""
        console.print(f"{error.source}: {len(error.problems)} problem(s); nothing was written{hint}", markup=False)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except ValueError as error:
        raise fail(f"error: {error}") from None
    target = out
    try:
        written = [imported.write_strikes(out)]
        if report is not None:
            target = report
            written.append(imported.write_account(report))
    except OSError as error:
        raise write_failed(target, error) from None
    console = stdout()
    rows, strikes = len(imported.account), len(imported.strikes)
    console.print(
        f"{loaded.id}: {strikes} strike{'' if strikes == 1 else 's'} from {rows} row"
        f"{'' if rows == 1 else 's'} of {file} (event day at {imported.time_of_day:%H:%M} "
        f"{loaded.config.timezone}, precise to a day; radius {imported.radius_km:g} km, "
        + ", ".join(
            f"{imported.radius_km * factor:g} km at geo_precision {level}"
            for level, factor in GEO_PRECISION_RADIUS_FACTOR.items()
            if level > 1
        )
        + ")",
        markup=False,
    )
    table = Table(title="rows of the ACLED file")
    for header in ("reason", "rows", "lines"):
        table.add_column(header, justify="right" if header == "rows" else "left")
    for row in imported.summary(max_ranges=12).itertuples(index=False):
        table.add_row(str(row.reason_code), str(row.rows), str(row.lines))
    console.print(table)
    for path in written:
        console.print(f"wrote {path}", markup=False)
    if report is None:
        console.print("the reason for every row: add --report FILE", markup=False)
