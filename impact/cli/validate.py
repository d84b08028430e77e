"""``impact validate``: check a scenario."""

from __future__ import annotations

from typing import Annotated

import typer

from impact.cli._exits import load, stdout

__all__ = ["validate"]


def validate(
    scenario: Annotated[str, typer.Argument(help="Bundled scenario id or folder.")],
) -> None:
    """Check a scenario; print every problem as file:line: column: message (exit 2) or one line of counts."""
    loaded = load(scenario)
    stdout().print(f"ok: {loaded.counts()}", markup=False)
