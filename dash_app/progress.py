"""Progress of the first runs the page waits for (A, then B), shared by the run's thread and the callbacks."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

__all__ = ["RunProgress", "Status"]

#: States of a run, in order.
WAITING, RUNNING, DONE, FAILED = "waiting", "running", "done", "failed"


@dataclass(frozen=True)
class Status:
    """What the page shows about the first runs at one moment.

    Attributes
    ----------
    state : str
        ``"waiting"`` (not started), ``"running"``, ``"done"`` or ``"failed"``.
    stage : str
        Label of the stage under way, as :func:`impact.run` reports it (``"compiling"``,
        ``"central estimate"``, ``"500 samples"``, ``"labelling"``); empty before the first.
    stage_number : int
        1-based number of that stage (0 before the first).
    stages : int
        Stages of the whole run.
    elapsed_s : float
        Time since the run started [s] (to the end, once done or failed).
    error : str
        ``"ExceptionType: message"`` of a failed run, else empty.
    """

    state: str
    stage: str
    stage_number: int
    stages: int
    elapsed_s: float
    error: str = ""

    @property
    def finished(self) -> bool:
        """Whether the run is over (done or failed)."""
        return self.state in (DONE, FAILED)

    @property
    def percent(self) -> int:
        """Share of the stages completed [%, 0-100]; 100 once done."""
        if self.state == DONE:
            return 100
        return int(100 * max(self.stage_number - 1, 0) / max(self.stages, 1))

    def describe(self) -> str:
        """One line for the page, e.g. ``Step 3 of 4: 500 samples… (4 s)``."""
        seconds = f"{self.elapsed_s:.0f} s"
        if self.state == WAITING:
            return "Waiting for the model run to start…"
        if self.state == DONE:
            return f"Done in {seconds}."
        if self.state == FAILED:
            return f"The model run failed after {seconds}: {self.error}"
        if not self.stage:
            return f"Starting the model run… ({seconds})"
        return f"Step {self.stage_number} of {self.stages}: {self.stage}… ({seconds})"


class RunProgress:
    """Thread-safe record of one run's progress: the run's thread writes, callbacks read snapshots.

    Parameters
    ----------
    stages : int
        Stages :func:`impact.run` reports through its ``progress`` callback for this run
        (4 with Monte Carlo samples, 3 without).
    clock : callable
        Monotonic clock [s]; replaceable in tests.
    """

    def __init__(self, stages: int, clock=time.monotonic) -> None:
        if stages < 1:
            raise ValueError(f"stages must be >= 1, not {stages}")
        self.stages = stages
        self._clock = clock
        self._lock = threading.Lock()
        self._state = WAITING
        self._stage = ""
        self._stage_number = 0
        self._started: float | None = None
        self._ended: float | None = None
        self._error = ""

    def start(self) -> None:
        """Mark the run as started (before its first stage); a run started again begins afresh."""
        with self._lock:
            self._state, self._started, self._ended = RUNNING, self._clock(), None
            self._stage, self._stage_number, self._error = "", 0, ""

    def advance(self, label: str) -> None:
        """The run started stage ``label``: the ``progress`` callback of :func:`impact.run`."""
        with self._lock:
            if self._state == WAITING:
                self._state, self._started = RUNNING, self._clock()
            self._stage = str(label)
            self._stage_number = min(self._stage_number + 1, self.stages)

    def finish(self) -> None:
        """Mark the run as done."""
        with self._lock:
            self._state, self._ended = DONE, self._clock()

    def fail(self, error: BaseException, context: str = "") -> None:
        """Mark the run as failed with ``error`` (kept as ``"<context>Type: message"``)."""
        with self._lock:
            self._state, self._ended = FAILED, self._clock()
            self._error = f"{context}{type(error).__name__}: {error}"

    def snapshot(self) -> Status:
        """The current :class:`Status` (a consistent copy)."""
        with self._lock:
            if self._started is None:
                elapsed = 0.0
            else:
                elapsed = (self._ended if self._ended is not None else self._clock()) - self._started
            return Status(self._state, self._stage, self._stage_number, self.stages, max(elapsed, 0.0), self._error)
