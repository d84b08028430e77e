"""Print the shell command of README.md's code block that follows a given line.

Used by ``.ci/run`` so that CI runs the README's commands verbatim::

    python3 .ci/readme_command.py "Install and run the tests:"
"""

from __future__ import annotations

import sys
from pathlib import Path


def command_after(text: str, heading: str) -> str:
    """The first line of the first fenced code block after the line ``heading``."""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip() == heading), None)
    if start is None:
        raise SystemExit(f"README.md: no line {heading!r}")
    fence = next(i for i in range(start + 1, len(lines)) if lines[i].startswith("```"))
    return lines[fence + 1].strip()


if __name__ == "__main__":
    readme = Path(__file__).resolve().parent.parent / "README.md"
    print(command_after(readme.read_text(encoding="utf-8"), sys.argv[1]))
