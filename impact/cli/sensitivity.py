"""``impact sensitivity``: run a scenario and print what drives the range of its person-days."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from impact.cli._exits import check_out, fail, load, print_notes, run_or_exit, status_notes, stdout, write_failed
from impact.cli._render import sensitivity_table_for
from impact.dataset import top_area
from impact.export import SENSITIVITY_SUFFIXES, write_sensitivity
from impact.runner import run_settings
from impact.scenario.schema import MAX_SEED, SERVICES
from impact.sensitivity import BY, MIN_SAMPLES
from impact.sensitivity import sensitivity as compute_sensitivity

__all__ = ["sensitivity"]


def sensitivity(
    scenario: Annotated[str, typer.Argument(help="Bundled scenario id (see `impact datasets`) or folder.")],
    by: Annotated[
        str,
        typer.Option(help="Split the variance by 'strike' (each strike's own draws) or 'input' (kind of input)."),
    ] = "strike",
    service: Annotated[str | None, typer.Option(help="Service printed (default: every service).")] = None,
    area: Annotated[str | None, typer.Option(help="Area printed (default: the top area).")] = None,
    samples: Annotated[
        int | None, typer.Option(min=0, help=f"Monte Carlo samples (at least {MIN_SAMPLES}; default scenario.toml's).")
    ] = None,
    seed: Annotated[int | None, typer.Option(min=0, max=MAX_SEED, help="Seed of the random generator.")] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            help="Write the shares of every area and service to FILE: .csv (HXL hashtag row as line 2) or .xlsx."
        ),
    ] = None,
) -> None:
    """Run a scenario and print what drives the range of person-days without service: the share of their
    variance over the samples explained by each strike, or by each kind of input (damage state, asset hit,
    repair time, buffers, crew waiting, heating restart).

    First-order shares from the samples of the one run (no second run); they need not sum to 100 %.
    docs/method.md, section 5a, 'What drives the range', gives the method and its limits.
    """
    if by not in BY:
        raise fail(f"error: --by {by!r} is not a valid choice; choose one of {', '.join(BY)}")
    if service is not None and service not in SERVICES:
        raise fail(f"error: --service {service!r} is not a service; choose one of {', '.join(SERVICES)}")
    check_out(out, SENSITIVITY_SUFFIXES)
    loaded = load(scenario)
    if area is not None and area not in set(loaded.areas["area_id"]):
        raise fail(
            f"error: --area {area!r} is not an area of {loaded.id}; choose one of "
            f"{', '.join(list(loaded.areas['area_id'])[:20])}"
        )
    try:
        run_samples, run_seed, _quantiles = run_settings(loaded, samples, seed, None)
    except ValueError as error:
        raise fail(f"error: {error}") from None
    if run_samples < MIN_SAMPLES:
        raise fail(
            f"error: what drives the range needs at least {MIN_SAMPLES} Monte Carlo samples, not {run_samples}; "
            "use --samples 500 or more for shares steady to a few per cent"
        )
    result = run_or_exit(loaded, run_samples, run_seed, None)
    print_notes(status_notes(result))
    shown_area = area or top_area(result.dataset)
    try:
        shares = compute_sensitivity(result, by=by, areas=None if out is not None else shown_area)
    except ValueError as error:
        raise fail(f"error: {error}") from None
    console = stdout()
    printed = shares if service is None else shares.sel(service=[service])
    console.print(sensitivity_table_for(printed, shown_area))
    if out is not None:
        try:
            written = write_sensitivity(shares, out)
        except (OSError, ValueError) as error:
            raise write_failed(out, error) from None
        console.print(f"wrote {written}", markup=False)
