"""Calibration of the 5-95 % band (issue 13): on scenarios whose truth is drawn from the same
priors as the model's samples, the band holds the truth in 90 % +- 3 % of cases.

Each case is a random scenario with every uncertain input switched on (weighted damage
states, candidate assets, buffer ranges, correlated repairs, crew pools:
:func:`test_uncertainty.uncertain`). The model's band is the 5 % and 95 % quantiles (numpy's
"linear" method, as in the results) of the person-hours without service of the (service,
area) with the most central person-hours, over 300 samples drawn with one seed; the truths
are 60 further outcomes drawn with another seed (samples are independent, so one draw of 60
samples is 60 independent truths). Person-hours are linear in the links, so each sample's are
``sum(weight x steps down)`` over the area's links (:meth:`AssetSteps.down_steps`).

Outcomes have atoms (no outage at all, an outage lasting past the horizon), where a closed band
holds more than 90 % of truths by construction (a band of 0 to 0 holds every truth of 0). The
test therefore uses the randomised probability integral transform (Czado, Gneiting & Held
2009, Biometrics 65: 1254-1261): a truth t has PIT = F(t-) + V (F(t) - F(t-)), V uniform, F the
band samples' empirical distribution; it lies in the band when 0.05 <= PIT <= 0.95, which for
a calibrated model happens with probability 0.90 whatever the atoms. Without atoms it is the
plain "q05 <= t <= q95" up to the empirical quantiles' interpolation.
"""

from __future__ import annotations

import numpy as np
import pytest
from scenario_factory import random_scenario
from test_uncertainty import uncertain

from impact.engine import fast
from impact.engine.compile import CompiledScenario, compile_scenario

SCENARIOS = 24
BAND_SAMPLES = 300
TRUTHS = 60


def person_steps(model: CompiledScenario, draws, service: int, area: int) -> np.ndarray:
    """Person-steps without ``service`` in ``area`` in each sample, shape (N,)."""
    down = fast.outage_steps(model, draws).down_steps()  # (J, N)
    total = np.zeros(down.shape[1], dtype=np.int64)
    for leaf in model.area_leaves[area]:
        for asset, weight in model.links[service][leaf]:
            total += weight * down[asset]
    return total


def most_affected(model: CompiledScenario) -> tuple[int, int]:
    """The (service, area) with the most person-steps in the central estimate."""
    best, where = -1, (0, 0)
    central = model.central_draws()
    for service in range(len(model.services)):
        for area in range(len(model.area_ids)):
            value = int(person_steps(model, central, service, area)[0])
            if value > best:
                best, where = value, (service, area)
    return where


@pytest.mark.slow
def test_the_5_95_band_holds_the_truth_in_90_percent_of_cases():
    covered, cases, widths = 0, 0, []
    jitter = np.random.default_rng(2009)
    for seed in range(SCENARIOS):
        model = uncertain(compile_scenario(random_scenario(seed)), seed)
        service, area = most_affected(model)
        band = np.sort(person_steps(model, model.sample_draws(BAND_SAMPLES, 1000 + seed), service, area))
        truths = person_steps(model, model.sample_draws(TRUTHS, 5000 + seed), service, area)
        below = np.searchsorted(band, truths, side="left") / BAND_SAMPLES
        at_most = np.searchsorted(band, truths, side="right") / BAND_SAMPLES
        pit = below + jitter.random(TRUTHS) * (at_most - below)
        covered += int(((pit >= 0.05) & (pit <= 0.95)).sum())
        cases += TRUTHS
        low, high = np.quantile(band.astype(np.float64), [0.05, 0.95], method="linear")
        widths.append(high - low)
    share = covered / cases
    assert sum(width > 0 for width in widths) >= SCENARIOS // 2  # most bands have a spread, not a point
    assert abs(share - 0.90) <= 0.03, f"the 5-95 % band held the truth in {share:.1%} of {cases} cases"
