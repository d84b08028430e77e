"""Dashboard security (issue 6, part 4): response headers, CSP in a browser, ``impact serve`` options, gunicorn.

The headers are checked on every kind of route through Flask's test client and on every
response of a browser session; the page must render with the policy and without a CSP
violation in the console. ``impact serve`` binds loopback by default, warns on any other
host, never turns debug on, and with ``--workers`` runs under gunicorn (started here as a
subprocess on a free loopback port and stopped again).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import dash
import pytest
import requests

from dash_app import build_app
from dash_app.security import MAX_REQUEST_BYTES, STATIC_HEADERS
from dash_app.serve import is_loopback

ODESA = Path(__file__).resolve().parents[1] / "datasets" / "odesa-2025-12"
SECURITY_HEADERS = ("Content-Security-Policy", *STATIC_HEADERS)


def _check_headers(headers, where: str) -> None:
    for name, value in STATIC_HEADERS.items():
        assert headers.get(name) == value, (where, name, headers.get(name))
    policy = headers.get("Content-Security-Policy", "")
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'self'", where
    assert directives["frame-ancestors"] == "'none'", where
    assert directives["object-src"] == "'none'", where
    assert "'unsafe-eval'" not in policy and "'unsafe-inline'" not in directives["script-src"], where
    assert "*" not in policy and "http" not in policy, where


@pytest.fixture(scope="module")
def client():
    app, data, _ = build_app(ODESA, samples=0)
    data.result()
    return app.server.test_client()


def test_every_route_carries_the_security_headers(client):
    page = client.get("/")
    assert page.status_code == 200
    _check_headers(page.headers, "/")
    html = page.get_data(as_text=True)
    scripts = [part.split('"', 1)[0] for part in html.split('<script src="')[1:]]
    assert scripts, "no script on the page"
    css = client.get("/assets/vendor/bootstrap-5.3.8.min.css")
    assert css.status_code == 200
    _check_headers(css.headers, "asset")
    css.close()
    for path in ("/_dash-layout", "/_dash-dependencies", scripts[0].split("?")[0] + "?" + scripts[0].split("?")[-1]):
        response = client.get(path)
        assert response.status_code == 200, path
        _check_headers(response.headers, path)
        response.close()
    missing = client.get("/no/such/page.txt")
    _check_headers(missing.headers, "404")
    # a component update: the first callback of the page, with the inputs it declares left empty
    dependency = client.get("/_dash-dependencies").get_json()[0]
    body = {
        "output": dependency["output"],
        "outputs": dependency.get("outputs", dependency["output"]),
        "inputs": [dict(i, value=None) for i in dependency["inputs"]],
        "state": [dict(s, value=None) for s in dependency.get("state", [])],
        "changedPropIds": [],
    }
    update = client.post("/_dash-update-component", json=body)
    _check_headers(update.headers, f"_dash-update-component ({update.status_code})")
    garbled = client.post("/_dash-update-component", data="not json", content_type="application/json")
    _check_headers(garbled.headers, f"garbled update ({garbled.status_code})")


def test_request_bodies_are_limited(client):
    """A callback request larger than MAX_REQUEST_BYTES is refused (413) before any callback runs."""
    body = json.dumps(
        {
            "output": "x",
            "outputs": [],
            "inputs": [{"id": "x", "property": "value", "value": "a" * (MAX_REQUEST_BYTES + 1)}],
        }
    )
    refused = client.post("/_dash-update-component", data=body, content_type="application/json")
    assert refused.status_code == 413
    _check_headers(refused.headers, "413")


def test_the_policy_allows_the_renderers_inline_script_by_hash(client):
    page = client.get("/").get_data(as_text=True)
    policy = client.get("/").headers["Content-Security-Policy"]
    hashes = [part for part in policy.split() if part.startswith("'sha256-")]
    assert hashes and "new DashRenderer" in page


def test_headers_already_set_are_kept():
    app, _, _ = build_app(ODESA, samples=0)

    @app.server.route("/framed")
    def framed():
        return "x", 200, {"X-Frame-Options": "SAMEORIGIN"}

    response = app.server.test_client().get("/framed")
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


# ----------------------------------------------------------------------------------- impact serve


@pytest.fixture
def no_run(monkeypatch):
    """``dash.Dash.run`` recording its arguments instead of serving; build_app with 0 samples."""
    import dash_app.app

    seen: dict = {}
    real = dash_app.app.build_app
    monkeypatch.setattr(dash_app.app, "build_app", lambda scenario=None, **kw: real(scenario, **dict(kw, samples=0)))
    monkeypatch.setattr(dash.Dash, "run", lambda self, **kw: seen.update(kw))
    return seen


def test_serve_binds_loopback_by_default_without_debug(no_run, monkeypatch, capsys):
    from impact.cli import main

    monkeypatch.setenv("DASH_DEBUG", "true")
    monkeypatch.setenv("FLASK_DEBUG", "1")
    assert main(["serve", "odesa-2025-12", "--port", "8998"]) == 0
    assert no_run["host"] == "127.0.0.1" and no_run["port"] == 8998
    assert no_run["debug"] is False
    assert "warning" not in capsys.readouterr().err


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::", "dashboard.example.org"])
def test_serve_on_another_host_warns(no_run, host, capsys):
    from impact.cli import main

    assert main(["serve", "odesa-2025-12", "--host", host]) == 0
    assert no_run["host"] == host and no_run["debug"] is False
    err = " ".join(capsys.readouterr().err.split())
    assert f"warning: listening on {host}" in err
    assert "sensitive" in err and "reverse proxy with TLS and authentication" in err


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]"])
def test_loopback_hosts(host):
    assert is_loopback(host)


def test_serve_workers_without_gunicorn_says_so(monkeypatch, capsys):
    from impact.cli import main

    monkeypatch.setitem(sys.modules, "gunicorn", None)
    assert main(["serve", "odesa-2025-12", "--workers", "2"]) != 0
    err = " ".join(capsys.readouterr().err.split())
    assert "--workers needs gunicorn, which is not installed" in err and "pip install" in err


def test_serve_workers_must_be_positive(capsys):
    from impact.cli import main

    assert main(["serve", "--workers", "0"]) != 0


def test_python_m_dash_app_is_its_own_entry_point(no_run, capsys):
    """``python -m dash_app`` parses its arguments in dash_app (``dash_app.serve.main``), not
    through ``impact.cli``; ``impact serve`` hands them over unchanged."""
    from dash_app.serve import main as serve_main
    from impact.cli import main

    assert serve_main(["odesa-2025-12", "--port", "8997", "--host", "::1"]) == 0
    assert no_run["host"] == "::1" and no_run["port"] == 8997 and no_run["debug"] is False
    assert serve_main(["--workers", "0"]) == 2
    assert serve_main(["--help"], prog_name="python -m dash_app") == 0
    assert "--show-assets" in capsys.readouterr().out
    assert main(["serve", "--help"]) == 0
    assert "impact serve" in capsys.readouterr().out
    assert main(["serve", "--no-such-option"]) == 2


def test_wsgi_factory_reads_the_environment(monkeypatch):
    import dash_app.app
    from dash_app.wsgi import create_server

    seen = {}
    real = dash_app.app.build_app

    def build(scenario=None, **kw):
        seen.update(kw, scenario=scenario)
        return real(scenario, **dict(kw, samples=0))

    monkeypatch.setattr(dash_app.app, "build_app", build)
    monkeypatch.setenv("IMPACT_SCENARIO", str(ODESA))
    monkeypatch.setenv("IMPACT_SHOW_ASSETS", "yes")
    server = create_server()
    assert seen == {
        "scenario": str(ODESA),
        "baseline": None,
        "show_assets": True,
        "tiles": None,
        "tiles_attribution": "",
    }
    _check_headers(server.test_client().get("/_dash-layout").headers, "wsgi")
    # map tiles: that host alone may serve images
    monkeypatch.setenv("IMPACT_TILES", "https://tiles.example.org/{z}/{x}/{y}.png")
    monkeypatch.setenv("IMPACT_TILES_ATTRIBUTION", "© Example tiles")
    server = create_server()
    assert (seen["tiles"], seen["tiles_attribution"]) == (
        "https://tiles.example.org/{z}/{x}/{y}.png",
        "© Example tiles",
    )
    policy = server.test_client().get("/_dash-layout").headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["img-src"] == "'self' data: blob: https://tiles.example.org"
    assert [name for name, value in directives.items() if "example" in value] == ["img-src"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="gunicorn does not run on Windows")
def test_impact_serve_with_gunicorn_workers(tmp_path):
    pytest.importorskip("gunicorn")
    with (tmp_path / "serve.log").open("a+") as log:  # O_APPEND: the offset is shared with the child
        _serve_and_stop(log, _free_port())


def _serve_and_stop(log, port: int) -> None:
    """Start ``impact serve --workers 2`` on ``port``, check two routes, stop it; all output to ``log``."""
    url = f"http://127.0.0.1:{port}"
    command = [
        sys.executable,
        "-c",
        "from impact.cli import entry_point; entry_point()",
        "serve",
        "odesa-2025-12",
        "--workers",
        "2",
        "--port",
        str(port),
    ]
    process = subprocess.Popen(
        command,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        env=dict(os.environ, PYTHONUNBUFFERED="1"),
    )
    try:
        end = time.monotonic() + 20
        page = None
        while time.monotonic() < end and process.poll() is None:
            try:
                page = requests.get(f"{url}/", timeout=2)
                break
            except (requests.ConnectionError, requests.Timeout):  # not bound yet, or a worker still booting
                time.sleep(0.2)
        log.seek(0)
        assert page is not None, f"gunicorn did not answer: {log.read()}"
        assert page.status_code == 200 and "DashRenderer" in page.text
        _check_headers(page.headers, "gunicorn /")
        layout = requests.get(f"{url}/_dash-layout", timeout=10)
        assert layout.status_code == 200 and layout.headers["Server"].startswith("gunicorn")
        _check_headers(layout.headers, "gunicorn /_dash-layout")
        json.loads(layout.text)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
    # the master took its workers down with it: nothing left in the process group
    time.sleep(0.2)
    with pytest.raises(ProcessLookupError):
        os.killpg(process.pid, 0)
    log.seek(0)
    text = log.read()
    assert "with 2 gunicorn worker(s)" in text and text.count("Booting worker") == 2, text
    assert process.returncode == 0, text


# ---------------------------------------------------------------------------------------- browser

#: Records every Content-Security-Policy violation of the page (installed before its scripts run).
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', function (e) {
    window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI);
});
"""


@pytest.mark.browser
def test_page_renders_under_the_policy_without_violations(dash_duo):
    from werkzeug.datastructures import Headers

    app, _, _ = build_app(ODESA)
    seen: list = []
    inner = app.server.wsgi_app

    def recording(environ, start_response):  # headers as they leave the server
        def record(status, headers, *args):
            seen.append((environ["PATH_INFO"], Headers(headers)))
            return start_response(status, headers, *args)

        return inner(environ, record)

    app.server.wsgi_app = recording
    dash_duo.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORD_VIOLATIONS})
    dash_duo.start_server(app)
    dash_duo.wait_for_element("#kpi-power-now", timeout=30)
    dash_duo.wait_for_element("#map-graph .js-plotly-plot", timeout=20)
    dash_duo.find_element("#filter-service input[value='water']").click()
    dash_duo.wait_for_contains_text("#map-graph .gtitle", "Without water", timeout=15)
    time.sleep(1.5)
    violations = dash_duo.driver.execute_script("return window.__cspViolations;")
    assert violations == [], f"CSP violations: {violations}"
    logs = dash_duo.get_logs()
    assert logs == [], f"browser console errors: {json.dumps(logs, indent=1)}"
    paths = {path for path, _ in seen}
    assert {"/", "/_dash-layout", "/_dash-dependencies", "/_dash-update-component"} <= paths, paths
    assert any(p.startswith("/_dash-component-suites/") for p in paths), paths
    for path, headers in seen:
        _check_headers(headers, path)


def _record_bodies(app) -> list:
    """Wrap ``app``'s WSGI app: every response's (path, content type, body) as it leaves the server."""
    import gzip

    from werkzeug.datastructures import Headers

    bodies: list = []
    inner = app.server.wsgi_app

    def recording(environ, start_response):
        meta = {}
        if environ.get("HTTP_ACCEPT_ENCODING"):  # gzip only (not br/zstd): decompressed below with the stdlib
            environ["HTTP_ACCEPT_ENCODING"] = "gzip"

        def record(status, headers, *args):
            meta["headers"] = Headers(headers)
            return start_response(status, headers, *args)

        result = inner(environ, record)
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        headers = meta["headers"]
        data = gzip.decompress(body) if headers.get("Content-Encoding") == "gzip" else body
        bodies.append((environ["PATH_INFO"], headers.get("Content-Type", ""), data.decode("utf-8", "replace")))
        return [body]

    app.server.wsgi_app = recording
    return bodies


def _leaks(bodies: list, assets) -> tuple[list, int]:
    """Asset coordinates found in the page's own responses (HTML and JSON; not library scripts)."""
    from test_dashboard_browser import _numbers_and_strings

    from impact.figures.tiles import mercator_y

    numbers: set = set()
    strings: set = set()
    searched = 0
    texts = []
    for path, kind, text in bodies:
        if path.startswith(("/_dash-component-suites/", "/assets/")) or not text.strip():
            continue
        searched += 1
        texts.append(text)
        if "json" in kind and text.lstrip()[:1] in ("{", "["):
            _numbers_and_strings(json.loads(text), numbers, strings)
    rounded = {round(float(n), 6) for n in numbers if isinstance(n, int | float) and abs(n) < 1e300}
    joined = "\n".join(texts)
    found = []
    for column in ("latitude", "longitude"):
        for value in assets[column]:
            # a choropleth draws latitudes on its Web-Mercator plane: search for those values too
            drawn = round(float(mercator_y(float(value))), 6) if column == "latitude" else None
            if value in joined or round(float(value), 6) in rounded or drawn in rounded:
                found.append(value)
    return found, searched


@pytest.mark.browser
@pytest.mark.parametrize("show_assets", [False, True])
def test_every_response_of_a_session_searched_for_asset_coordinates(dash_duo, tmp_path, show_assets):
    from test_dashboard_browser import RAION, _asset_copy, _click, _select_area, _settle

    from dash_app import ids

    folder, assets = _asset_copy(tmp_path)
    app, _, _ = build_app(folder, show_assets=show_assets)
    bodies = _record_bodies(app)
    dash_duo.start_server(app)
    dash_duo.wait_for_element("#kpi-power-now", timeout=30)
    _settle(dash_duo)
    for service in ("water", "heat", "power"):
        _click(dash_duo, f"#{ids.FILTER_SERVICE} input[value='{service}']")
        _settle(dash_duo)
    _select_area(dash_duo, RAION)
    _settle(dash_duo)
    for tab in range(2, 4):
        _click(dash_duo, f"#{ids.TABS} .tab:nth-child({tab})")
        _settle(dash_duo)
    paths = {path for path, _, _ in bodies}
    assert {"/", "/_dash-layout", "/_dash-update-component"} <= paths, paths
    found, searched = _leaks(bodies, assets)
    assert searched >= 10
    if show_assets:
        assert len(found) == 2 * len(assets), "the search does not find coordinates that are sent"
    else:
        assert found == [], f"asset coordinates sent to the browser: {found}"
    assert dash_duo.get_logs() == []
