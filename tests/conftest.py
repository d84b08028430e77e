"""Project-wide pytest setup: headless Chromium for ``dash_duo`` and the skip rule of browser tests.

Browser tests (``@pytest.mark.browser``) need Chromium and chromedriver on PATH. Outside CI
they skip, with the reason, when either is missing; under ``CI=true`` they always run (and
fail loudly if the browser is absent).
"""

from __future__ import annotations

import itertools
import os
import shutil
import socket

import pytest

#: Chromium flags: headless, no sandbox (CI runs as root), and nothing that talks to Google.
CHROME_ARGUMENTS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--window-size=1366,768",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--metrics-recording-only",
    "--no-default-browser-check",
    "--disable-features=Translate,OptimizationHints,MediaRouter",
)


def in_ci() -> bool:
    """Whether we run under CI (``CI`` set to anything but empty, 0 or false)."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def browser_missing() -> str | None:
    """Why browser tests cannot run here, or None when they can."""
    try:
        import dash.testing.plugin  # noqa: F401
        import selenium  # noqa: F401
    except ImportError as error:
        return f"dash[testing] is not installed ({error}); pip install -e '.[test]'"
    missing = [name for name in ("chromedriver",) if shutil.which(name) is None]
    if not any(shutil.which(name) for name in ("chromium", "chromium-browser", "google-chrome")):
        missing.insert(0, "chromium")
    if missing:
        return (
            f"{' and '.join(missing)} not on PATH (apt-get install chromium chromium-driver); "
            "browser tests run whenever CI=true"
        )
    return None


def pytest_configure(config: pytest.Config) -> None:
    # dash[testing] adds --headless (and allows downloads through CDP) when this option is set
    # make headless the default in this project
    if hasattr(config.option, "headless"):
        config.option.headless = True


def pytest_setup_options():
    """Chrome options for dash[testing]'s webdriver (hook of ``dash.testing.newhooks``; dash uses the first result)."""
    from selenium.webdriver.chrome.options import Options

    options = Options()
    for argument in CHROME_ARGUMENTS:
        options.add_argument(argument)
    return options


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if in_ci():
        return
    reason = browser_missing()
    if reason is None:
        return
    skip = pytest.mark.skip(reason=f"browser test skipped outside CI: {reason}")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


#: Ports the test dashboards listen on: below Linux's ephemeral range (32768–60999), which
#: chromedriver and every outgoing connection draw from. dash[testing] counts up from 58050,
#: inside that range; when one of those is taken it retries, and its retry kills the threads
#: started meanwhile (the dashboard's first run among them), so the page never fills.
DASHBOARD_PORTS = range(20000, 32000)
_dashboards_started = itertools.count()


def free_dashboard_port() -> int:
    """A port no socket is bound to now, outside the ephemeral range; each call (and process) starts elsewhere."""
    start = os.getpid() * 101 + 17 * next(_dashboards_started)
    for step in range(len(DASHBOARD_PORTS)):
        port = DASHBOARD_PORTS[(start + step) % len(DASHBOARD_PORTS)]
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
        return port
    raise RuntimeError(f"no free port in {DASHBOARD_PORTS.start}–{DASHBOARD_PORTS.stop - 1}")


@pytest.fixture
def dash_duo(dash_duo):
    """dash[testing]'s ``dash_duo``, its server on a free port (:func:`free_dashboard_port`), given time to start."""
    start_server = dash_duo.start_server

    def start_on_a_free_port(app, navigate=True, **kwargs):
        kwargs.setdefault("port", free_dashboard_port())
        # dash waits 3 s for the first answer, then retries (killing threads, see above); a
        # loaded two-core machine may need longer for the first page
        kwargs.setdefault("start_timeout", 60)
        # dash sets the port in the server's thread; its first readiness check may run before,
        # on the default port 8050 (where a dashboard of one's own may be listening)
        dash_duo.server.port = kwargs["port"]
        return start_server(app, navigate=navigate, **kwargs)

    dash_duo.start_server = start_on_a_free_port
    return dash_duo
