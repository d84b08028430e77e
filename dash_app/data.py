"""The dashboard's server-side state: one scenario, its baseline run (in the background), its runs cached."""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

import impact
from dash_app.cache import BoundedCache
from dash_app.progress import RunProgress, Status
from impact.compare import CompareError, check_scenarios
from impact.scenario.problems import ScenarioError
from impact.whatif import WhatIf, apply_whatif

#: Scenario opened when none is given.
DEFAULT_SCENARIO = "odesa-2025-12"

#: Memory the cached runs may hold [bytes]; a national run (1,635 areas x 2,160 hours) holds about 0.47 GB.
DEFAULT_CACHE_BYTES = 2_000_000_000

log = logging.getLogger(__name__)


def _load(source) -> tuple[Any, list[str]]:
    """A scenario and no problems, or None and the problems that stopped it loading."""
    try:
        return impact.load_scenario(source), []
    except ScenarioError as error:
        return None, [str(problem) for problem in error.problems]
    except (FileNotFoundError, NotADirectoryError, PermissionError) as error:
        return None, [str(error)]


def _label(scenario, source: str) -> str:
    return str(getattr(scenario, "id", "") or Path(source).name or source)


class DashboardData:
    """A loaded scenario (or the problems that stopped it loading) and its cached runs.

    The scenario is loaded (and validated) at once; the baseline run, which takes seconds
    for a national scenario, starts in a background thread with :meth:`start_baseline`
    and reports its stages to :attr:`progress`, which the page polls.

    With a baseline scenario B (``baseline=``, ``impact serve A --baseline B``) the page
    shows this scenario (A) against B. B is loaded and checked against A at once (a B that
    fails validation, or that has no area or time step in common with A, is a problem of
    the page); the background thread runs A, then B with A's samples, seed and quantiles
    (common random numbers), and the page opens when both are done. In this module
    "baseline" alone means the run of A without a what-if; B's run is the *reference*
    (:meth:`reference_result`).

    Parameters
    ----------
    scenario : str, Path or Scenario, optional
        Bundled id, folder or loaded scenario; default :data:`DEFAULT_SCENARIO`.
    baseline : str, Path or Scenario, optional
        Baseline scenario B to compare A with: bundled id, folder or loaded scenario.
    show_assets : bool
        Whether asset positions may be sent to the browser.
    samples, seed : int, optional
        Monte Carlo settings; default the scenario's own.
    cache_size : int
        Runs kept on the server (baseline and what-ifs), least recently used dropped first.
    cache_bytes : int
        Memory those runs may hold together [bytes] (the most recent run is kept whatever
        its size, and the baseline is always kept besides).
    """

    def __init__(
        self,
        scenario=None,
        *,
        baseline=None,
        show_assets: bool = False,
        samples: int | None = None,
        seed: int | None = None,
        cache_size: int = 16,
        cache_bytes: int = DEFAULT_CACHE_BYTES,
    ) -> None:
        self.source = str(scenario if scenario is not None else DEFAULT_SCENARIO)
        self.show_assets = show_assets
        self.scenario, self.problems = _load(scenario if scenario is not None else DEFAULT_SCENARIO)
        #: Baseline scenario B as given (None without one), the loaded scenario and its problems.
        self.reference_source = None if baseline is None else str(baseline)
        self.reference = None
        self.reference_problems: list[str] = []
        if baseline is not None:
            self.reference, self.reference_problems = _load(baseline)
            if self.scenario is not None and self.reference is not None:
                try:
                    check_scenarios(self.scenario, self.reference)
                except CompareError as error:
                    self.reference_problems = [f"cannot compare {self.source} with {self.reference_source}: {error}"]
        self.samples = self.seed = None
        if self.scenario is not None:
            self.samples = self.scenario.config.samples if samples is None else samples
            self.seed = self.scenario.config.seed if seed is None else seed
        #: Labels of A and B on the page: the scenario ids, else the folder names, else "A" and "B".
        self.names = (_label(self.scenario, self.source), _label(self.reference, self.reference_source or "B"))
        if self.names[0] == self.names[1]:
            self.names = (Path(self.source).name or "A", Path(self.reference_source or "B").name or "B")
            if self.names[0] == self.names[1]:
                self.names = ("A", "B")
        self._runs: BoundedCache[impact.Result] = BoundedCache(
            cache_size, max_bytes=cache_bytes, weigh=lambda result: int(result.dataset.nbytes)
        )
        self._stages = 4 if self.samples else 3
        #: Progress of the baseline run, and then of B's (stages as :func:`impact.run` reports them).
        self.progress = RunProgress(self._stages * (2 if self.has_reference else 1))
        self._baseline: impact.Result | None = None
        self._reference_run: impact.Result | None = None
        self._reference_cache: BoundedCache[impact.Result] = BoundedCache(1)
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._derived: weakref.WeakKeyDictionary[impact.Result, dict[str, Any]] = weakref.WeakKeyDictionary()

    @property
    def ok(self) -> bool:
        """Whether the scenario (and the baseline scenario B, when given) loaded and can be compared."""
        return self.scenario is not None and not self.reference_problems

    @property
    def has_reference(self) -> bool:
        """Whether the page shows a baseline scenario B beside this one."""
        return self.reference is not None and not self.reference_problems

    def _key(self, whatif: WhatIf) -> tuple:
        return (
            self.source,
            self.samples,
            self.seed,
            whatif.repair_time_factor,
            whatif.extra_backup_hours,
            tuple(sorted(whatif.disabled_strikes)),
        )

    def result(self, whatif: WhatIf | None = None) -> impact.Result:
        """The run of the scenario (with ``whatif`` applied), from the cache when possible.

        The baseline is kept for the life of the dashboard once computed. While it is being
        computed (by the background run or another callback), this waits for that run
        rather than starting a second one.

        Raises
        ------
        Exception
            Whatever :func:`impact.run` raised (the baseline's failure is also in :attr:`progress`).
        """
        whatif = whatif or WhatIf()
        if whatif.is_baseline:
            if self._baseline is not None:
                return self._baseline
            return self._runs.get(self._key(whatif), self._run_baseline)
        return self._runs.get(
            self._key(whatif),
            lambda: impact.run(apply_whatif(self.scenario, whatif), samples=self.samples, seed=self.seed),
        )

    def _run_baseline(self) -> impact.Result:
        """Run the baseline, reporting its stages to :attr:`progress` (called once, by the cache)."""
        self.progress.start()
        try:
            result = impact.run(self.scenario, samples=self.samples, seed=self.seed, progress=self.progress.advance)
        except Exception as error:
            self.progress.fail(error)
            raise
        self._baseline = result
        if not self.has_reference:  # else B's run comes next, and finishes the progress
            self.progress.finish()
        return result

    def reference_result(self) -> impact.Result:
        """The run of the baseline scenario B, with this scenario's samples, seed and quantiles.

        Kept for the life of the dashboard. While it is being computed (by the background
        thread), this waits for that run.

        Raises
        ------
        ValueError
            Without a baseline scenario.
        Exception
            Whatever :func:`impact.run` raised (also in :attr:`progress`).
        """
        if not self.has_reference:
            raise ValueError("this dashboard has no baseline scenario to compare with")
        if self._reference_run is not None:
            return self._reference_run
        return self._reference_cache.get("reference", self._run_reference)

    def _run_reference(self) -> impact.Result:
        """Run B, reporting its stages after A's to :attr:`progress` (called once, by its cache)."""
        label = f"baseline {self.names[1]}: "
        try:
            result = impact.run(
                self.reference,
                samples=self.samples,
                seed=self.seed,
                quantiles=self.scenario.config.quantiles,
                progress=lambda stage: self.progress.advance(label + str(stage)),
            )
        except Exception as error:
            self.progress.fail(error, context=f"the run of the baseline scenario {self.reference_source}: ")
            raise
        self._reference_run = result
        self.progress.finish()
        return result

    def start_baseline(self) -> None:
        """Start the baseline run in a background thread (once; nothing when already started or done)."""
        with self._lock:
            if self._thread is not None or self.scenario is None or self._baseline is not None:
                return
            self._thread = threading.Thread(target=self._background, name=f"baseline run of {self.source}", daemon=True)
            self._thread.start()

    def _background(self) -> None:
        try:
            self.result()
        except Exception:  # the page shows it from self.progress; the log keeps the traceback
            log.exception("the baseline run of %s failed", self.source)
            return
        if self.has_reference:
            try:
                self.reference_result()
            except Exception:
                log.exception("the run of the baseline scenario %s failed", self.reference_source)

    def baseline_status(self) -> Status:
        """Where the baseline run stands (see :class:`dash_app.progress.Status`)."""
        return self.progress.snapshot()

    def wait_for_baseline(self, timeout: float | None = None) -> Status:
        """Wait until the background runs (the baseline, then B's) have ended (at most ``timeout`` [s]); the status."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return self.baseline_status()

    def derived(self, result: impact.Result, name: str, build: Callable[[], Any]) -> Any:
        """A value computed from ``result`` once (e.g. the page body, strike markers), kept while it lives."""
        with self._lock:
            found = self._derived.setdefault(result, {})
            if name in found:
                return found[name]
        value = build()
        with self._lock:
            return self._derived.setdefault(result, {}).setdefault(name, value)

    def asset_positions(self) -> pd.DataFrame | None:
        """Asset positions for the map, only when the operator started with ``--show-assets``."""
        if not self.show_assets or self.scenario is None:
            return None
        return self.scenario.assets[["asset_id", "name", "kind", "latitude", "longitude"]].dropna(
            subset=["latitude", "longitude"]
        )

    @property
    def title(self) -> str:
        """Page title."""
        if self.scenario is None:
            return f"Scenario {Path(self.source).name} could not be loaded"
        if self.reference_problems:
            return f"Baseline scenario {Path(self.reference_source).name} could not be used"
        return self.scenario.title
