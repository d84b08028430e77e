"""``impact compare``: run scenarios A and B with the same seed and print A minus B."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from impact.cli._exits import check_out, fail, load, print_notes, run_or_exit, stderr, stdout, write_failed
from impact.cli._render import comparison_table
from impact.compare import CompareError, check_scenarios, side_names
from impact.compare import compare as compare_results
from impact.dataset import top_area
from impact.export import COMPARISON_SUFFIXES
from impact.runner import run_settings
from impact.scenario.schema import MAX_SEED

__all__ = ["compare"]


def compare(
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
    check_out(out, COMPARISON_SUFFIXES)
    loaded_a, loaded_b = load(a), load(b)
    try:
        window = check_scenarios(loaded_a, loaded_b)
        run_samples, run_seed, run_quantiles = run_settings(loaded_a, samples, seed, None)
    except CompareError as error:
        raise fail(f"error: cannot compare {a} with {b}: {error}") from None
    except ValueError as error:
        raise fail(f"error: {error}") from None
    if area is not None and area not in window.areas:
        where = (
            "it is only in A"
            if area in window.areas_only_in_a
            else "it is only in B"
            if area in window.areas_only_in_b
            else "it is in neither"
        )
        raise fail(
            f"error: --area {area!r} is not an area of both scenarios ({where}); choose one of "
            f"{', '.join(window.areas[:20])}"
        )
    quantiles = tuple(float(q) for q in run_quantiles)
    results = [run_or_exit(loaded, run_samples, run_seed, quantiles) for loaded in (loaded_a, loaded_b)]
    try:
        comparison = compare_results(*results, names=side_names((loaded_a.id, loaded_b.id), (a, b)))
    except CompareError as error:
        raise fail(f"error: cannot compare {a} with {b}: {error}") from None
    print_notes(comparison.notes, stderr())
    stdout().print(comparison_table(comparison, area or top_area(comparison.dataset)))
    if out is not None:
        try:
            written = comparison.export(out)
        except (OSError, ValueError) as error:
            raise write_failed(out, error) from None
        stdout().print(f"wrote {written}", markup=False)
