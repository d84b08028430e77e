"""Project-wide pytest setup: headless Chromium for ``dash_duo`` and the skip rule of browser tests.

Browser tests (``@pytest.mark.browser``) need Chromium and chromedriver on PATH. Outside CI
they skip, with the reason, when either is missing; under ``CI=true`` they always run (and
fail loudly if the browser is absent).
"""

from __future__ import annotations

import os
import shutil

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
