"""``impact validate``: check a scenario."""

from __future__ import annotations

from typing import Annotated

import typer

from impact.cli._exits import load, stdout
from impact.scenario.consistency import unused_crew_pools

__all__ = ["validate"]


def validate(
    scenario: Annotated[str, typer.Argument(help="Bundled scenario id or folder.")],
) -> None:
    """Check a scenario; print every problem as file:line: column: message (exit 2) or one line of counts
    (and a note when boundaries have no attribution, or for each pool of crews.csv that no asset names)."""
    loaded = load(scenario)
    stdout().print(f"ok: {loaded.counts()}", markup=False)
    if loaded.boundaries is not None and not loaded.boundaries.attribution.strip():
        stdout().print(
            "note: boundaries.geojson has no attribution; if the boundaries' licence asks for credit (ODbL for "
            "OpenStreetMap, CC BY-IGO for OCHA COD-AB), set [boundaries] attribution in scenario.toml",
            markup=False,
        )
    for note in unused_crew_pools(loaded.assets, loaded.crews):
        stdout().print(f"note: {note}", markup=False)
