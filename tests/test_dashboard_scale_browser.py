"""First load of a fresh scenario in a real (headless) Chromium: progress first, then the dashboard.

The run is made slow on purpose (each stage of :func:`impact.run` pauses), so the page is
seen while it is under way. Needs Chromium and chromedriver; outside CI the test skips when
they are missing (see ``tests/conftest.py``).
"""

from __future__ import annotations

import json
import re
import time

import pytest
from conftest import in_ci

import impact
from dash_app import build_app, ids
from dash_app.views import kpis, local_labels
from impact.synth import write_synthetic

try:
    import selenium  # noqa: F401
except ImportError as error:  # dash[testing] not installed
    if in_ci():
        raise
    pytest.skip(
        f"browser tests skipped outside CI: selenium is missing ({error}); pip install -e '.[test]'",
        allow_module_level=True,
    )

pytestmark = pytest.mark.browser

#: Pause after each stage of the run [s]: four stages make the run last at least 2.4 s.
STAGE_PAUSE_S = 0.6


def test_first_load_shows_progress_then_the_kpis(dash_duo, tmp_path, monkeypatch):
    folder = write_synthetic(tmp_path / "ua60", areas=60, assets=60, strikes=24, days=4, seed=3, samples=20)
    real_run = impact.run

    def slow_run(scenario, samples=None, seed=None, quantiles=None, *, progress=None, **options):
        def paced(label: str) -> None:
            progress(label)
            time.sleep(STAGE_PAUSE_S)

        return real_run(scenario, samples=samples, seed=seed, quantiles=quantiles, progress=paced, **options)

    monkeypatch.setattr(impact, "run", slow_run)
    app, data, _ = build_app(folder)
    polls = []

    @app.server.before_request
    def count_polls():
        from flask import request

        if request.path == "/_dash-update-component" and ids.PROGRESS_INTERVAL.encode() in request.get_data():
            polls.append(time.monotonic())

    dash_duo.start_server(app)
    dash_duo.wait_for_element(f"#{ids.PROGRESS_BAR}", timeout=10)
    label = dash_duo.find_element(f"#{ids.PROGRESS_LABEL}").text
    assert data.run_status().state == "running"  # the page came while the run was under way
    assert re.fullmatch(r"(Starting the model run…|Step [1-4] of 4: .+…) \(\d+ s\)", label), label
    assert dash_duo.find_element(f"#{ids.HEADER_TITLE}").text == data.title
    assert not dash_duo.find_elements("#kpi-power-now")

    dash_duo.wait_for_element("#kpi-power-now", timeout=20)
    assert data.run_status().state == "done"
    assert polls, "the page never polled the run"
    assert not dash_duo.find_elements(f"#{ids.PROGRESS_BAR}")
    ds = data.result().dataset
    label = dash_duo.find_element(f"#{ids.CURSOR_LABEL}").text
    step = local_labels(ds).index(label)
    expected = {card.service: f"{card.now:,.0f}" for card in kpis(ds, "UA", step)}
    end = time.monotonic() + 10
    while time.monotonic() < end and {s: dash_duo.find_element(f"#kpi-{s}-now").text for s in expected} != expected:
        time.sleep(0.1)
    assert {s: dash_duo.find_element(f"#kpi-{s}-now").text for s in expected} == expected
    dash_duo.wait_for_element(f"#{ids.TIMELINE_GRAPH} .js-plotly-plot", timeout=10)

    seen = len(polls)
    time.sleep(1.5)  # three poll intervals: the interval is off now
    assert len(polls) == seen
    logs = dash_duo.get_logs()
    assert logs == [], f"browser console errors: {json.dumps(logs, indent=1)}"
