"""The ``impact`` command line (docs/user-guide.md, section 2): one module per command.

Bad input never gives a traceback: problems are printed as ``file:line: column: message``
on standard error and the exit code is 2 (:mod:`impact.cli._exits`). Output files are written
atomically: a failed write (a full disk included) exits with 2 and leaves no partial file, and
SIGINT or SIGTERM stop the command with one line and exit code 130 or 143 (see :func:`main`).
"""

from __future__ import annotations

import gc
import signal
import sys
import threading
from typing import Any

import typer

from impact.cli import (
    compare,
    datasets,
    import_acled,
    import_areas,
    needs,
    run,
    sensitivity,
    serve,
    synth,
    validate,
)
from impact.cli._exits import EXIT_BAD_INPUT, stderr
from impact.cli._render import comparison_table, needs_table_for, summary_table

__all__ = [
    "EXIT_BAD_INPUT",
    "Signalled",
    "app",
    "comparison_table",
    "entry_point",
    "main",
    "needs_table_for",
    "summary_table",
]

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Humanitarian infrastructure impact model: people without power, water and heat after strikes.",
)
app.command("run")(run.run)
app.command("validate")(validate.validate)
app.command("serve", context_settings=serve.CONTEXT_SETTINGS, add_help_option=False)(serve.serve)
app.command("synth")(synth.synth)
app.command("datasets")(datasets.datasets)
app.command("import-acled")(import_acled.import_acled_command)
app.command("import-areas")(import_areas.import_areas_command)
app.command("needs")(needs.needs)
app.command("compare")(compare.compare)
app.command("sensitivity")(sensitivity.sensitivity)


class Signalled(BaseException):
    """Raised by the CLI's signal handler on SIGINT or SIGTERM.

    A ``BaseException`` (not ``KeyboardInterrupt``) so that neither click nor any
    ``except Exception`` in the model swallows it: it unwinds through
    :func:`impact.export.atomic.atomic_path`, which removes the temporary file.

    Parameters
    ----------
    signum : int
        The signal number.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        """``128 + signum``: 130 for SIGINT, 143 for SIGTERM."""
        return 128 + self.signum

    @property
    def name(self) -> str:
        """``"interrupted"`` (SIGINT) or ``"terminated"`` (SIGTERM)."""
        return "interrupted" if self.signum == signal.SIGINT else "terminated"


def _raise_signalled(signum: int, _frame: object) -> None:
    # Further signals while the exception unwinds (and temporary files are removed) are ignored.
    for number in _HANDLED_SIGNALS:
        signal.signal(number, signal.SIG_IGN)
    raise Signalled(signum)


#: Signals turned into :class:`Signalled` by :func:`main`.
_HANDLED_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def _install_signal_handlers(argv: list[str] | None) -> dict[int, Any] | None:
    """Route SIGINT and SIGTERM to :func:`_raise_signalled`; return the old handlers.

    Nothing is changed (None is returned) off the main thread or for ``impact serve``, whose
    web server handles its own signals.
    """
    args = sys.argv[1:] if argv is None else argv
    command = next((arg for arg in args if not arg.startswith("-")), None)
    if command == "serve" or threading.current_thread() is not threading.main_thread():
        return None
    return {number: signal.signal(number, _raise_signalled) for number in _HANDLED_SIGNALS}


def _restore_signal_handlers(old: dict[int, Any] | None) -> None:
    for number, handler in (old or {}).items():
        signal.signal(number, handler)


def main(argv: list[str] | None = None) -> int:
    """Run the ``impact`` command with ``argv`` (default: the process arguments); return the exit code.

    Usage errors (unknown command or option, bad option value) exit with 2 like every
    other kind of bad input.

    Notes
    -----
    SIGINT (Ctrl-C) and SIGTERM stop the command cleanly: the file being written is
    removed (exports are atomic, see :mod:`impact.export.atomic`), one line saying what
    happened goes to standard error and the exit code is 130 (SIGINT) or 143 (SIGTERM),
    as a shell reports a process killed by that signal. Signals arriving while the
    command unwinds are ignored. ``impact serve`` keeps its web server's own handling.
    """
    old = _install_signal_handlers(argv)
    unraisable = sys.unraisablehook
    try:
        stopped: tuple[str, int, int] | None = None
        try:
            app(args=argv, prog_name="impact", standalone_mode=True)
        except SystemExit as done:
            return done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
        except Signalled as stop:
            sys.unraisablehook = _ignore_unraisable  # see below
            stopped = (stop.name, stop.signum, stop.exit_code)
        except KeyboardInterrupt:
            sys.unraisablehook = _ignore_unraisable
            stopped = ("interrupted", signal.SIGINT, 130)
        if stopped is None:
            return 0
        # The interrupted command's frames are freed as the exception is dropped: a writer cut
        # off mid-file (openpyxl's write-only sheet generators) then complains "Exception
        # ignored in ...". That is expected after a stop, so it is silenced until they are gone.
        gc.collect()
        name, signum, code = stopped
        stderr().print(
            f"{name} ({signal.Signals(signum).name}); stopped, no partial output file was left", markup=False
        )
        return code
    finally:
        sys.unraisablehook = unraisable
        _restore_signal_handlers(old)


def _ignore_unraisable(_unraisable) -> None:
    """An unraisable-exception hook that prints nothing (used only while a stopped command unwinds)."""


def entry_point() -> None:
    """Console-script entry point: run :func:`main` and exit with its code."""
    sys.exit(main())
