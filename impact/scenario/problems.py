"""Problems found in a scenario, and the error that carries them."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from impact.boundaries import BOUNDARIES_FILE
from impact.scenario.schema import SETTINGS_FILE, TABLES

__all__ = ["Problem", "ScenarioError", "did_you_mean"]


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in a scenario, located as precisely as the input allows.

    Parameters
    ----------
    file : str
        File name relative to the scenario folder (``assets.csv``, ``scenario.toml``).
    line : int
        1-based line in the file; 1 is the header row of a CSV file, 0 means the file
        as a whole.
    column : str
        Column (or TOML key) concerned; ``-`` when none applies.
    message : str
        What is wrong and, where possible, how to fix it.
    """

    file: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.column}: {self.message}"


def did_you_mean(value: object, choices: Iterable[str]) -> str:
    """A hint naming the choice closest to a misspelt ``value``, or "" when none is close.

    Parameters
    ----------
    value : object
        What was written (compared as lower-case text).
    choices : iterable of str
        The valid values.

    Returns
    -------
    str
        `` (did you mean 'x'?)`` (with a leading space, ready to follow the quoted value),
        or "" when no choice is close enough (:func:`difflib.get_close_matches`, cutoff 0.6).
    """
    close = difflib.get_close_matches(str(value).lower(), list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


class ScenarioError(ValueError):
    """A scenario failed validation; ``problems`` lists every problem found.

    Parameters
    ----------
    problems : list of Problem
        All problems, in file and line order.
    source : str
        The scenario folder or id that was read.
    """

    def __init__(self, problems: list[Problem], source: str = "") -> None:
        self.problems = sorted(set(problems), key=_problem_order)
        self.source = source
        head = f"{source}: " if source else ""
        count = len(self.problems)
        lines = "\n".join(str(problem) for problem in self.problems)
        super().__init__(f"{head}{count} problem{'s' if count != 1 else ''} found\n{lines}")


#: Files in the order problems are listed: the settings, then the tables as declared, then the
#: boundaries; any other file after them, by name.
_FILE_ORDER: tuple[str, ...] = (SETTINGS_FILE, *(table.name for table in TABLES), BOUNDARIES_FILE)


def _problem_order(problem: Problem) -> tuple[int, str, int, str, str]:
    rank = _FILE_ORDER.index(problem.file) if problem.file in _FILE_ORDER else len(_FILE_ORDER)
    return (rank, problem.file, problem.line, problem.column, problem.message)
