"""The scenarios bundled with the package.

In a source checkout they live in the repository's top-level ``datasets/`` folder; in an
installed wheel they are shipped as ``impact/_bundled_datasets``.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

__all__ = ["bundled_ids", "bundled_root", "bundled_table", "find_bundled"]

#: The ``impact`` package folder (this module is in ``impact/scenario/``).
_PACKAGE = Path(__file__).resolve().parents[1]


def bundled_root() -> Path | None:
    """Folder holding the bundled scenarios, or None if there is none."""
    for candidate in (_PACKAGE / "_bundled_datasets", _PACKAGE.parent / "datasets"):
        if candidate.is_dir():
            return candidate
    return None


def bundled_ids() -> list[str]:
    """Ids (folder names) of the bundled scenarios, sorted."""
    root = bundled_root()
    if root is None:
        return []
    return sorted(p.name for p in root.iterdir() if (p / "scenario.toml").is_file())


def find_bundled(scenario_id: str) -> Path | None:
    """Folder of the bundled scenario ``scenario_id``, or None."""
    root = bundled_root()
    if root is None or scenario_id not in bundled_ids():
        return None
    return root / scenario_id


def bundled_table() -> list[dict[str, str]]:
    """Id, title and folder of every bundled scenario."""
    rows = []
    root = bundled_root()
    for scenario_id in bundled_ids():
        folder = root / scenario_id
        try:
            title = tomllib.loads((folder / "scenario.toml").read_text("utf-8"))["scenario"]["title"]
        except (OSError, KeyError, tomllib.TOMLDecodeError):
            title = "(unreadable scenario.toml)"
        rows.append({"id": scenario_id, "title": str(title), "path": str(folder)})
    return rows
