"""The dashboard's server-side state: one scenario, its runs cached by parameters."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

import impact
from dash_app.cache import BoundedCache
from impact.problems import ScenarioError
from impact.whatif import WhatIf, apply_whatif

#: Scenario opened when none is given.
DEFAULT_SCENARIO = "odesa-2025-12"


class DashboardData:
    """A loaded scenario (or the problems that stopped it loading) and its cached runs.

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
    """

    def __init__(self, scenario=None, *, show_assets: bool = False, samples: int | None = None,
                 seed: int | None = None, cache_size: int = 16) -> None:
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
        if self.scenario is not None:
            self.samples = self.scenario.config.samples if samples is None else samples
            self.seed = self.scenario.config.seed if seed is None else seed
        self._runs: BoundedCache[impact.Result] = BoundedCache(cache_size)

    @property
    def ok(self) -> bool:
        """Whether the scenario loaded."""
        return self.scenario is not None

    def result(self, whatif: WhatIf | None = None) -> impact.Result:
        """The run of the scenario (with ``whatif`` applied), from the cache when possible."""
        whatif = whatif or WhatIf()
        key = (self.source, self.samples, self.seed, whatif.repair_time_factor, whatif.extra_backup_hours,
               tuple(sorted(whatif.disabled_strikes)))
        return self._runs.get(key, lambda: impact.run(apply_whatif(self.scenario, whatif), samples=self.samples,
                                                       seed=self.seed))

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
