"""``impact import-areas``: areas.csv and boundaries.geojson for a scenario from COD-AB boundary files."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from impact.cli._exits import EXIT_BAD_INPUT, fail, stderr, stdout, write_failed
from impact.cod_ab import WRITTEN_FILES, CodAbError, GeoUnavailable, ImportedAreas, import_areas

__all__ = ["SHOWN_LINES", "import_areas_command"]

#: Notes, unmatched rows... printed at most; the folder's README.md lists them all.
SHOWN_LINES = 20


def _shown(lines: Sequence[str], what: str) -> list[str]:
    """At most :data:`SHOWN_LINES` of ``lines``, then a line saying where the rest are."""
    if len(lines) <= SHOWN_LINES:
        return list(lines)
    return [*lines[:SHOWN_LINES], f"... and {len(lines) - SHOWN_LINES} more {what}: all are in README.md"]


def _check_out(out: Path) -> None:
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise fail(f"error: --out {str(out)!r} already exists and is not an empty folder; choose a new folder")
    if not out.parent.resolve().is_dir():
        raise fail(f"error: --out {str(out)!r}: folder {str(out.parent)!r} does not exist")


def _print_summary(imported: ImportedAreas, out: Path) -> None:
    console = stdout()
    areas = imported.areas
    leaves = imported.leaf_mask()
    own = {f.pcode for layer in imported.layers for f in layer.features}
    table = Table(title=f"areas imported into {out}")
    for header in ("level", "areas", "leaves", "polygon from the files", "dissolved from the areas below"):
        table.add_column(header, justify="right")
    for level, group in areas.groupby("admin_level", sort=True):
        ids = set(group["area_id"])
        table.add_row(
            str(level), str(len(group)), str(int(leaves[group.index].sum())), str(len(ids & own)), str(len(ids - own))
        )
    console.print(table)
    for note in _shown(imported.notes, "notes"):
        console.print(f"note: {note}", markup=False)
    join = imported.population
    if join is not None:
        line = (
            f"population: {len(join.values)} of {int(leaves.sum())} leaf areas from {join.table.source} "
            f"({sum(join.values.values()):,} persons)"
        )
        if join.outside:
            line += f"; {join.outside} row(s) outside {', '.join(imported.within)} ignored"
        console.print(line, markup=False)
        rows = [f"{row.where}: {row.pcode or '(no P-code)'}: {reason}" for row, reason in join.unmatched]
        if rows:
            console.print(f"{len(rows)} row(s) of {join.table.source} not used:", markup=False)
        for row in _shown(rows, "rows"):
            console.print(f"  {row}", markup=False)
    assumed = " (assumed from the layers' fields; set it with --attribution)" if imported.attribution_assumed else ""
    console.print(f"attribution{assumed}: {imported.attribution}", markup=False)
    console.print(
        'put it into the scenario\'s scenario.toml under [boundaries] attribution = "..." (see README.md)',
        markup=False,
    )
    for name in WRITTEN_FILES:
        console.print(f"wrote {out / name}", markup=False)
    errors = stderr()
    for warning in imported.warnings():
        errors.print(f"warning: {warning}", markup=False)


def import_areas_command(
    boundaries: Annotated[
        list[str],
        typer.Argument(
            help="Boundary files: GeoPackage, Shapefile, zipped Shapefile or GeoJSON (COD-AB ADMn_PCODE fields, "
            "or OSM-style katotth); FILE:LAYER reads one layer, FILE every polygon layer.",
            show_default=False,
            metavar="FILE[:LAYER]",
        ),
    ],
    out: Annotated[
        Path,
        typer.Option(help="Folder to write (must not exist, or be empty): areas.csv, boundaries.geojson, README.md."),
    ],
    population: Annotated[
        str | None,
        typer.Option(
            help="Population table joined by P-code: COD-PS CSV or .xlsx (ADMn_PCODE and T_TL, either case); "
            "TABLE.xlsx:SHEET reads one sheet."
        ),
    ] = None,
    pcode_column: Annotated[
        str | None, typer.Option(help="P-code column of the population table (default: its deepest ADMn_PCODE).")
    ] = None,
    population_column: Annotated[
        str | None, typer.Option(help="Population column of the population table (default: T_TL).")
    ] = None,
    within: Annotated[
        list[str] | None,
        typer.Option(
            help="Keep only this area and the areas below it (a P-code, e.g. UA51); may be repeated.", metavar="PCODE"
        ),
    ] = None,
    attribution: Annotated[
        str | None,
        typer.Option(
            help="Credit line of the boundaries, shown under every map (default: assumed from the fields: "
            "COD-AB CC BY-IGO, or © OpenStreetMap contributors)."
        ),
    ] = None,
) -> None:
    """Write areas.csv, boundaries.geojson and README.md for a scenario from administrative boundary files."""
    _check_out(out)
    try:
        imported = import_areas(
            boundaries,
            population=population,
            pcode_column=pcode_column,
            population_column=population_column,
            within=within or (),
            attribution=attribution,
        )
    except GeoUnavailable as error:
        raise fail(f"error: {error}") from None
    except CodAbError as error:
        console = stderr()
        for problem in error.problems:
            console.print(problem, markup=False)
        count = len(error.problems)
        console.print(f"{count} problem{'s' if count != 1 else ''}; nothing was written", markup=False)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    try:
        imported.write(out)
    except FileExistsError as error:
        raise fail(f"error: {error}") from None
    except OSError as error:
        raise write_failed(out, error) from None
    _print_summary(imported, out)
