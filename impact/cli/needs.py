"""``impact needs``: run a scenario and print its needs per day."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from impact.cli._exits import (
    check_out,
    fail,
    load,
    parse_plan_quantile,
    parse_quantiles,
    print_notes,
    run_or_exit,
    status_notes,
    stdout,
    write_failed,
)
from impact.cli._render import needs_table_for
from impact.cli.run import PLAN_HELP
from impact.dataset import top_area
from impact.export import NEEDS_SUFFIXES, write_needs
from impact.needs import needs as compute_needs
from impact.scenario.schema import MAX_SEED

__all__ = ["needs"]


def needs(
    scenario: Annotated[str, typer.Argument(help="Bundled scenario id (see `impact datasets`) or folder.")],
    out: Annotated[
        Path | None,
        typer.Option(help="Write the needs of every area and day to FILE: .csv (HXL hashtag row as line 2) or .xlsx."),
    ] = None,
    area: Annotated[str | None, typer.Option(help="Area whose needs are printed (default: the top area).")] = None,
    samples: Annotated[int | None, typer.Option(min=0, help="Monte Carlo samples; 0 = central estimate only.")] = None,
    seed: Annotated[int | None, typer.Option(min=0, max=MAX_SEED, help="Seed of the random generator.")] = None,
    quantiles: Annotated[str | None, typer.Option(help="Comma-separated quantiles, e.g. 0.05,0.5,0.95.")] = None,
    plan_quantile: Annotated[float | None, typer.Option(help=PLAN_HELP)] = None,
) -> None:
    """Run a scenario and print its needs per day (water, truck trips, heating places, generator hours).

    The planning figures come from the scenario's [needs] section of scenario.toml (defaults:
    Sphere's 15 L per person per day, 10,000 L trucks, heating places after 24 h without heat);
    docs/needs.md gives every definition and source. Each figure leads with the planning
    statistic (--plan-quantile, the median by default), the central estimate below it.
    """
    quantile_values = parse_quantiles(quantiles)
    plan = parse_plan_quantile(plan_quantile)
    check_out(out, NEEDS_SUFFIXES)
    loaded = load(scenario)
    if area is not None and area not in set(loaded.areas["area_id"]):
        raise fail(
            f"error: --area {area!r} is not an area of {loaded.id}; choose one of "
            f"{', '.join(list(loaded.areas['area_id'])[:20])}"
        )
    result = run_or_exit(loaded, samples, seed, quantile_values, plan_quantile=plan)
    print_notes(status_notes(result))
    nd = compute_needs(result)
    console = stdout()
    console.print(needs_table_for(nd, area or top_area(result.dataset)))
    console.print(
        f"water {nd.attrs['water_litres_per_person_day']:g} L per person per day; trucks of "
        f"{nd.attrs['truck_capacity_litres']:,.0f} L; heating places after "
        f"{nd.attrs['heating_after_hours']:g} h without heat; {nd.attrs['temperature']}",
        markup=False,
    )
    if out is not None:
        try:
            written = write_needs(nd, out)
        except (OSError, ValueError) as error:
            raise write_failed(out, error) from None
        console.print(f"wrote {written}", markup=False)
