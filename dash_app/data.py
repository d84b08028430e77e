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
from impact.problems import ScenarioError
from impact.whatif import WhatIf, apply_whatif

#: Scenario opened when none is given.
DEFAULT_SCENARIO = "odesa-2025-12"

#: Memory the cached runs may hold [bytes]; a national run (1,635 areas x 2,160 hours) holds about 0.47 GB.
DEFAULT_CACHE_BYTES = 2_000_000_000

log = logging.getLogger(__name__)


class DashboardData:
    """A loaded scenario (or the problems that stopped it loading) and its cached runs.

    The scenario is loaded (and validated) at once; the baseline run, which takes seconds
    for a national scenario, starts in a background thread with :meth:`start_baseline`
    and reports its stages to :attr:`progress`, which the page polls.

    Parameters
    ----------
    scenario : str, Path or Scenario, optional
        Bundled id, folder or loaded scenario; default :data:`DEFAULT_SCENARIO`.
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

    def __init__(self, scenario=None, *, show_assets: bool = False, samples: int | None = None,
                 seed: int | None = None, cache_size: int = 16, cache_bytes: int = DEFAULT_CACHE_BYTES) -> None:
        self.source = str(scenario if scenario is not None else DEFAULT_SCENARIO)
        self.show_assets = show_assets
        self.problems: list[str] = []
        self.scenario = None
        try:
            self.scenario = impact.load_scenario(scenario if scenario is not None else DEFAULT_SCENARIO)
        except ScenarioError as error:
            self.problems = [str(problem) for problem in error.problems]
        except (FileNotFoundError, NotADirectoryError, PermissionError) as error:
            self.problems = [str(error)]
        self.samples = self.seed = None
        if self.scenario is not None:
            self.samples = self.scenario.config.samples if samples is None else samples
            self.seed = self.scenario.config.seed if seed is None else seed
        self._runs: BoundedCache[impact.Result] = BoundedCache(
            cache_size, max_bytes=cache_bytes, weigh=lambda result: int(result.dataset.nbytes))
        #: Progress of the baseline run (stages as :func:`impact.run` reports them).
        self.progress = RunProgress(4 if self.samples else 3)
        self._baseline: impact.Result | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._derived: weakref.WeakKeyDictionary[impact.Result, dict[str, Any]] = weakref.WeakKeyDictionary()

    @property
    def ok(self) -> bool:
        """Whether the scenario loaded."""
        return self.scenario is not None

    def _key(self, whatif: WhatIf) -> tuple:
        return (self.source, self.samples, self.seed, whatif.repair_time_factor, whatif.extra_backup_hours,
                tuple(sorted(whatif.disabled_strikes)))

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
        return self._runs.get(self._key(whatif), lambda: impact.run(apply_whatif(self.scenario, whatif),
                                                                    samples=self.samples, seed=self.seed))

    def _run_baseline(self) -> impact.Result:
        """Run the baseline, reporting its stages to :attr:`progress` (called once, by the cache)."""
        self.progress.start()
        try:
            result = impact.run(self.scenario, samples=self.samples, seed=self.seed, progress=self.progress.advance)
        except Exception as error:
            self.progress.fail(error)
            raise
        self._baseline = result
        self.progress.finish()
        return result

    def start_baseline(self) -> None:
        """Start the baseline run in a background thread (once; nothing when already started or done)."""
        with self._lock:
            if self._thread is not None or self.scenario is None or self._baseline is not None:
                return
            self._thread = threading.Thread(target=self._background, name=f"baseline run of {self.source}",
                                            daemon=True)
            self._thread.start()

    def _background(self) -> None:
        try:
            self.result()
        except Exception:  # the page shows it from self.progress; the log keeps the traceback
            log.exception("the baseline run of %s failed", self.source)

    def baseline_status(self) -> Status:
        """Where the baseline run stands (see :class:`dash_app.progress.Status`)."""
        return self.progress.snapshot()

    def wait_for_baseline(self, timeout: float | None = None) -> Status:
        """Wait until the background baseline run has ended (at most ``timeout`` [s]); its status."""
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
            subset=["latitude", "longitude"])

    @property
    def title(self) -> str:
        """Page title."""
        if self.scenario is None:
            return f"Scenario {Path(self.source).name} could not be loaded"
        return self.scenario.title
