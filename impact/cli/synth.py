"""``impact synth``: write a synthetic national-scale scenario folder."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from impact.cli._exits import fail, stdout
from impact.synth import write_synthetic

__all__ = ["synth"]


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
    try:
        written = write_synthetic(
            out, areas=areas, assets=assets, strikes=strikes, days=days, seed=seed, samples=samples
        )
    except (ValueError, OSError) as error:
        raise fail(f"error: {error}") from None
    stdout().print(f"wrote {written}", markup=False)
