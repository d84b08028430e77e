"""``impact datasets``: list the bundled scenarios."""

from __future__ import annotations

from rich.table import Table

from impact.cli._exits import stdout
from impact.scenario.bundled import bundled_table

__all__ = ["datasets"]


def datasets() -> None:
    """List the bundled scenarios."""
    table = Table(title="bundled scenarios")
    for header in ("id", "title", "path"):
        table.add_column(header)
    for row in bundled_table():
        table.add_row(row["id"], row["title"], row["path"])
    stdout().print(table)
