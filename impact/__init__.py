"""Humanitarian infrastructure impact model.

Strikes -> damaged assets -> restoration over time -> cascade from power to water to
heat (with storage and backup buffers) -> people without each service per admin area,
with Monte Carlo uncertainty.

>>> import impact
>>> sc = impact.load_scenario("odesa-2025-12")
>>> res = impact.run(sc, samples=100, seed=1)
>>> res.summary()  # doctest: +SKIP
>>> impact.needs(res)  # doctest: +SKIP
>>> impact.sensitivity(res)  # what drives the range  # doctest: +SKIP
"""

from impact import export, figures, whatif
from impact._version import __version__
from impact.compare import Comparison, compare
from impact.needs import needs
from impact.result import Result, open_result
from impact.runner import run, run_to_netcdf
from impact.scenario import Scenario, load_scenario, scenario_from_frames
from impact.scenario.bundled import bundled_ids
from impact.scenario.problems import Problem, ScenarioError
from impact.sensitivity import sensitivity

__all__ = [
    "Comparison",
    "Problem",
    "Result",
    "Scenario",
    "ScenarioError",
    "__version__",
    "bundled_ids",
    "compare",
    "export",
    "figures",
    "load_scenario",
    "needs",
    "open_result",
    "run",
    "run_to_netcdf",
    "scenario_from_frames",
    "sensitivity",
    "whatif",
]
