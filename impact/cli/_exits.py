"""How the ``impact`` commands end on bad input: one line (or one per problem) on standard
error and exit code 2, never a traceback; plus the consoles and the guarded model run they share.
"""

from __future__ import annotations

import errno
from collections.abc import Iterable
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TaskProgressColumn, TextColumn, TimeElapsedColumn

from impact.distributed import DaskUnavailable
from impact.result import Result
from impact.runner import plan_settings, run, run_settings
from impact.scenario import Scenario, load_scenario
from impact.scenario.problems import ScenarioError
from impact.scenario.settings import check_beyond_hours, check_plan_quantile, check_quantiles

__all__ = [
    "EXIT_BAD_INPUT",
    "RUN_STAGES",
    "check_out",
    "check_plan",
    "fail",
    "load",
    "parse_beyond_hours",
    "parse_plan_quantile",
    "parse_quantiles",
    "print_notes",
    "run_or_exit",
    "status_notes",
    "stderr",
    "stdout",
    "write_failed",
]

#: Exit code for bad input (scenario, options or output path).
EXIT_BAD_INPUT = 2

#: Stages :func:`impact.run` reports through its ``progress`` callback.
RUN_STAGES = 4


def stdout() -> Console:
    """A console on standard output, 160 columns wide when it is not a terminal."""
    console = Console(highlight=False, soft_wrap=True)
    if not console.is_terminal:
        console = Console(highlight=False, soft_wrap=True, width=160)
    return console


def stderr() -> Console:
    """A console on standard error."""
    return Console(stderr=True, highlight=False, soft_wrap=True)


def fail(message: str) -> typer.Exit:
    """Print ``message`` on standard error and return the exit to raise (code 2)."""
    stderr().print(message, markup=False)
    return typer.Exit(EXIT_BAD_INPUT)


def write_failed(out: Path | str, error: BaseException) -> typer.Exit:
    """Print a one-line error for a failed write of ``out`` and return the exit to raise (code 2).

    A full disk (``ENOSPC``) or exceeded quota (``EDQUOT``) is named plainly; the export
    was atomic, so no partial file is left at ``out``.
    """
    if isinstance(error, OSError) and error.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        reason = "no space left on device; free some space or write to another folder"
    else:
        reason = str(getattr(error, "strerror", None) or error)
    return fail(f"error: could not write {str(out)!r}: {reason}; no partial file was left")


def check_out(out: Path | None, suffixes: Iterable[str], option: str = "--out") -> None:
    """Exit with code 2 unless ``out`` (when given) has one of ``suffixes`` and its folder exists.

    Parameters
    ----------
    out : Path, optional
        The output file named on the command line.
    suffixes : iterable of str
        Valid suffixes, lower case with the dot (e.g. ``(".csv", ".xlsx")``).
    option : str
        The option's name in the messages.
    """
    if out is None:
        return
    valid = tuple(suffixes)
    if out.suffix.lower() not in valid:
        if len(valid) == 1:
            raise fail(f"error: {option} {str(out)!r}: write a {valid[0]} file")
        raise fail(
            f"error: {option} {str(out)!r}: {out.suffix or 'no suffix'} is not a valid output type; "
            f"choose one of {', '.join(valid)}"
        )
    if not out.parent.resolve().is_dir():
        raise fail(f"error: {option} {str(out)!r}: folder {str(out.parent)!r} does not exist")


def load(scenario: str) -> Scenario:
    """Load ``scenario`` (bundled id or folder), or print its problems and exit with code 2."""
    try:
        return load_scenario(scenario)
    except ScenarioError as error:
        console = stderr()
        for problem in error.problems:
            console.print(str(problem), markup=False)
        console.print(f"{scenario}: {len(error.problems)} problem(s); nothing was run", markup=False)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except OSError as error:  # missing, not a folder, unreadable...
        raise fail(f"error: {error}") from None


def parse_quantiles(text: str | None) -> tuple[float, ...] | None:
    """The quantiles of ``--quantiles 0.05,0.5,0.95``, or exit with code 2; None when not given."""
    if text is None:
        return None
    try:
        values = tuple(float(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise fail(f"error: --quantiles {text!r} must be numbers separated by commas, e.g. 0.05,0.5,0.95") from None
    reason = check_quantiles(list(values))
    if reason:
        raise fail(f"error: --quantiles {reason}")
    return values


def parse_plan_quantile(value: float | None) -> float | None:
    """The planning statistic of ``--plan-quantile 0.9``, or exit with code 2; None when not given."""
    if value is None:
        return None
    reason = check_plan_quantile(value)
    if reason:
        raise fail(f"error: --plan-quantile {reason}")
    return float(value)


def parse_beyond_hours(text: str | None) -> tuple[float, ...] | None:
    """The outage lengths of ``--beyond-hours 24,72,168`` [hours], or exit with code 2; None when not given."""
    if text is None:
        return None
    try:
        values = tuple(float(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise fail(f"error: --beyond-hours {text!r} must be hours separated by commas, e.g. 24,72,168") from None
    reason = check_beyond_hours(list(values))
    if reason:
        raise fail(f"error: --beyond-hours {reason}")
    return values


def check_plan(loaded: Scenario, quantiles: tuple[float, ...] | None, plan_quantile: float | None) -> None:
    """Exit with code 2 when the planning statistic cannot join the quantiles (labels that clash)."""
    try:
        plan, _hours = plan_settings(loaded, plan_quantile, None)
        run_settings(loaded, None, None, quantiles, plan)
    except ValueError as error:
        raise fail(f"error: {error}") from None


def run_or_exit(
    loaded: Scenario,
    samples: int | None,
    seed: int | None,
    quantiles: tuple[float, ...] | None,
    workers: int | None = None,
    scheduler: str | None = None,
    plan_quantile: float | None = None,
    beyond_hours: tuple[float, ...] | None = None,
) -> Result:
    """Run ``loaded`` with a stage progress bar on a terminal; exit with code 2 when the run
    cannot be done (no dask for ``workers``/``scheduler``, not enough memory).

    ``plan_quantile`` and ``beyond_hours`` go to :func:`impact.run` (parsed with
    :func:`parse_plan_quantile` and :func:`parse_beyond_hours`, checked with :func:`check_plan`).
    """
    check_plan(loaded, quantiles, plan_quantile)
    plan = {"plan_quantile": plan_quantile, "beyond_hours": beyond_hours}
    try:
        return _run_with_progress(loaded, samples, seed, quantiles, workers, scheduler, plan)
    except DaskUnavailable as error:
        raise fail(f"error: {error}") from None
    except MemoryError:
        count = samples if samples is not None else loaded.config.samples
        raise fail(
            f"error: not enough memory for {count} samples x {loaded.config.steps} steps; "
            "use fewer --samples or a shorter horizon"
        ) from None


def _run_with_progress(
    loaded: Scenario,
    samples: int | None,
    seed: int | None,
    quantiles: tuple[float, ...] | None,
    workers: int | None,
    scheduler: str | None,
    plan: dict,
) -> Result:
    """Run the scenario, with a stage progress bar when standard error is a terminal."""
    console = stderr()
    if not console.is_terminal:
        return run(
            loaded, samples=samples, seed=seed, quantiles=quantiles, workers=workers, scheduler=scheduler, **plan
        )
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description:<20}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("starting", total=RUN_STAGES)

        def advance(label: str) -> None:
            bar.update(task, description=label, advance=1)

        result = run(
            loaded,
            samples=samples,
            seed=seed,
            quantiles=quantiles,
            progress=advance,
            workers=workers,
            scheduler=scheduler,
            **plan,
        )
        bar.update(task, completed=RUN_STAGES)
    return result


def status_notes(result: Result) -> list[str]:
    """The notes on status updates of a result (why some did not condition the forecast)."""
    return str(result.dataset.attrs.get("status_updates", "")).splitlines()[1:]


def print_notes(notes: Iterable[str], console: Console | None = None) -> None:
    """Print each note as ``note: ...`` on standard error (or ``console``)."""
    console = console or stderr()
    for note in notes:
        console.print(f"note: {note}", markup=False)
