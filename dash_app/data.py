"""The dashboard's server-side state: one scenario, its first run (in the background), its runs cached."""

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
from impact.compare import CompareError, check_scenarios, side_names
from impact.figures import check_tile_template, map_areas
from impact.scenario.problems import ScenarioError
from impact.whatif import WhatIf, apply_whatif

__all__ = ["DEFAULT_CACHE_BYTES", "DEFAULT_SCENARIO", "PLAN_CHOICES", "DashboardData"]

#: Planning statistics the page offers (its control): the median and the 75th, 90th and 95th
#: percentiles over samples [1]; every run of the page has these quantiles.
PLAN_CHOICES: tuple[float, ...] = (0.5, 0.75, 0.9, 0.95)

#: Scenario opened when none is given.
DEFAULT_SCENARIO = "odesa-2025-12"

#: Memory the cached runs may hold [bytes]; a national run (1,635 areas x 2,160 hours) holds about 0.65 GB
#: (with the two quantiles of the planning statistic control besides the scenario's three).
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


class DashboardData:
    """A loaded scenario (or the problems that stopped it loading) and its cached runs.

    The scenario is loaded (and validated) at once; its unmodified run (no what-if), which
    takes seconds for a national scenario, starts in a background thread with
    :meth:`start_runs` and reports its stages to :attr:`progress`, which the page polls.

    With a baseline scenario B (``baseline=``, ``impact serve A --baseline B``) the page
    shows this scenario (A) against B. B is loaded and checked against A at once (a B that
    fails validation, or that has no area or time step in common with A, is a problem of
    the page); the background thread runs A, then B with A's samples, seed and quantiles
    (common random numbers), and the page opens when both are done. "Baseline" means B
    (:meth:`baseline_result`); A without a what-if is the *unmodified* run
    (:meth:`unmodified_result`).

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
        Runs kept on the server (the unmodified run and what-ifs), least recently used dropped first.
    cache_bytes : int
        Memory those runs may hold together [bytes] (the most recent run is kept whatever
        its size, and the unmodified run is always kept besides).
    tiles : str, optional
        XYZ tile URL template drawn under the map (``impact serve --tiles``); default none.
    tiles_attribution : str
        Credit the tile server asks for, shown under the map.

    Raises
    ------
    ValueError
        ``tiles`` is not an http(s) URL template with ``{z}``, ``{x}`` and ``{y}``.
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
        tiles: str | None = None,
        tiles_attribution: str = "",
    ) -> None:
        #: Tile URL template of the map (None: no tiles, nothing fetched) and the tiles' credit line.
        self.tiles = None if tiles is None else check_tile_template(tiles)
        self.tiles_attribution = tiles_attribution
        self.source = str(scenario if scenario is not None else DEFAULT_SCENARIO)
        self.show_assets = show_assets
        self.scenario, self.problems = _load(scenario if scenario is not None else DEFAULT_SCENARIO)
        #: Baseline scenario B as given (None without one), the loaded scenario and its problems.
        self.baseline_source = None if baseline is None else str(baseline)
        self.baseline_scenario = None
        self.baseline_problems: list[str] = []
        if baseline is not None:
            self.baseline_scenario, self.baseline_problems = _load(baseline)
            if self.scenario is not None and self.baseline_scenario is not None:
                try:
                    check_scenarios(self.scenario, self.baseline_scenario)
                except CompareError as error:
                    self.baseline_problems = [f"cannot compare {self.source} with {self.baseline_source}: {error}"]
        self.samples = self.seed = None
        #: Choices of the planning statistic (:data:`PLAN_CHOICES` and the scenario's own) and the
        #: quantiles of every run: the scenario's and those choices [1].
        self.plan_choices: tuple[float, ...] = PLAN_CHOICES
        self.quantiles: tuple[float, ...] = ()
        if self.scenario is not None:
            self.samples = self.scenario.config.samples if samples is None else samples
            self.seed = self.scenario.config.seed if seed is None else seed
            self.plan_choices = tuple(sorted({*PLAN_CHOICES, self.scenario.config.plan_quantile}))
            self.quantiles = tuple(sorted({*self.scenario.config.quantiles, *self.plan_choices}))
        #: Labels of A and B on the page: the scenario ids, else the folder names, else "A" and "B".
        self.names = side_names(
            (getattr(self.scenario, "id", None), getattr(self.baseline_scenario, "id", None)),
            (self.source, self.baseline_source),
        )
        self._runs: BoundedCache[impact.Result] = BoundedCache(
            cache_size, max_bytes=cache_bytes, weigh=lambda result: int(result.dataset.nbytes)
        )
        self._stages = 4 if self.samples else 3
        #: Progress of the unmodified run, and then of B's (stages as :func:`impact.run` reports them).
        self.progress = RunProgress(self._stages * (2 if self.has_baseline else 1))
        self._unmodified: impact.Result | None = None
        self._baseline_run: impact.Result | None = None
        self._baseline_cache: BoundedCache[impact.Result] = BoundedCache(1)
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._derived: weakref.WeakKeyDictionary[impact.Result, dict[str, Any]] = weakref.WeakKeyDictionary()

    @property
    def ok(self) -> bool:
        """Whether the scenario (and the baseline scenario B, when given) loaded and can be compared."""
        return self.scenario is not None and not self.baseline_problems

    @property
    def has_baseline(self) -> bool:
        """Whether the page shows a baseline scenario B beside this one."""
        return self.baseline_scenario is not None and not self.baseline_problems

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

        The unmodified run is kept for the life of the dashboard once computed. While it is being
        computed (by the background run or another callback), this waits for that run
        rather than starting a second one.

        Raises
        ------
        Exception
            Whatever :func:`impact.run` raised (the unmodified run's failure is also in :attr:`progress`).
        """
        whatif = whatif or WhatIf()
        if whatif.is_identity:
            if self._unmodified is not None:
                return self._unmodified
            return self._runs.get(self._key(whatif), self._run_unmodified)
        return self._runs.get(
            self._key(whatif),
            lambda: impact.run(
                apply_whatif(self.scenario, whatif), samples=self.samples, seed=self.seed, quantiles=self.quantiles
            ),
        )

    def unmodified_result(self) -> impact.Result:
        """The run of the scenario without a what-if (:meth:`result` with none)."""
        return self.result()

    def _run_unmodified(self) -> impact.Result:
        """Run the scenario unmodified, reporting its stages to :attr:`progress` (called once, by the cache)."""
        self.progress.start()
        try:
            result = impact.run(
                self.scenario,
                samples=self.samples,
                seed=self.seed,
                quantiles=self.quantiles,
                progress=self.progress.advance,
            )
        except Exception as error:
            self.progress.fail(error)
            raise
        self._unmodified = result
        if not self.has_baseline:  # else B's run comes next, and finishes the progress
            self.progress.finish()
        return result

    def baseline_result(self) -> impact.Result:
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
        if not self.has_baseline:
            raise ValueError("this dashboard has no baseline scenario to compare with")
        if self._baseline_run is not None:
            return self._baseline_run
        return self._baseline_cache.get("baseline", self._run_baseline_scenario)

    def _run_baseline_scenario(self) -> impact.Result:
        """Run B, reporting its stages after A's to :attr:`progress` (called once, by its cache)."""
        label = f"baseline {self.names[1]}: "
        try:
            result = impact.run(
                self.baseline_scenario,
                samples=self.samples,
                seed=self.seed,
                quantiles=self.quantiles,
                plan_quantile=self.scenario.config.plan_quantile,
                progress=lambda stage: self.progress.advance(label + str(stage)),
            )
        except Exception as error:
            self.progress.fail(error, context=f"the run of the baseline scenario {self.baseline_source}: ")
            raise
        self._baseline_run = result
        self.progress.finish()
        return result

    def start_runs(self) -> None:
        """Start the unmodified run (then B's) in a background thread (once; nothing when started or done)."""
        with self._lock:
            if self._thread is not None or self.scenario is None or self._unmodified is not None:
                return
            self._thread = threading.Thread(target=self._background, name=f"first run of {self.source}", daemon=True)
            self._thread.start()

    def _background(self) -> None:
        try:
            result = self.result()
        except Exception:  # the page shows it from self.progress; the log keeps the traceback
            log.exception("the run of %s failed", self.source)
            return
        self._prepare_map(result)
        if self.has_baseline:
            try:
                self.baseline_result()
            except Exception:
                log.exception("the run of the baseline scenario %s failed", self.baseline_source)

    def _prepare_map(self, result: impact.Result) -> None:
        """Simplify the map's polygons of every admin level once, now (the figures cache them per
        boundaries, for every later run): the first view of each level is then as quick as the next."""
        if self.scenario.boundaries is None:
            return
        try:
            for level in sorted({int(v) for v in result.dataset["admin_level"].values}):
                map_areas(result, level)
        except Exception:  # the map callback will meet the same problem and show it
            log.exception("the map's polygons of %s could not be prepared", self.source)

    def run_status(self) -> Status:
        """Where the background runs stand (see :class:`dash_app.progress.Status`)."""
        return self.progress.snapshot()

    def wait_for_runs(self, timeout: float | None = None) -> Status:
        """Wait until the background runs (unmodified, then B's) have ended (at most ``timeout`` [s]); the status."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return self.run_status()

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
        if self.baseline_problems:
            return f"Baseline scenario {Path(self.baseline_source).name} could not be used"
        return self.scenario.title
