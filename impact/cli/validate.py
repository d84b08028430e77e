"""``impact validate``: check a scenario."""

from __future__ import annotations

from typing import Annotated

import typer

from impact.cli._exits import load, stdout

__all__ = ["validate"]


def validate(
    scenario: Annotated[str, typer.Argument(help="Bundled scenario id or folder.")],
) -> None:
    """Check a scenario; print every problem as file:line: column: message (exit 2) or one line of counts
    (and a note when boundaries have no attribution)."""
    loaded = load(scenario)
    stdout().print(f"ok: {loaded.counts()}", markup=False)
    if loaded.boundaries is not None and not loaded.boundaries.attribution.strip():
        stdout().print(
            "note: boundaries.geojson has no attribution; if the boundaries' licence asks for credit (ODbL for "
            "OpenStreetMap, CC BY-IGO for OCHA COD-AB), set [boundaries] attribution in scenario.toml",
            markup=False,
        )
