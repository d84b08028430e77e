"""Benchmark the dashboard's callbacks on a scenario (default the bundled Odesa one).

Prints, per callback, the server time (p50 / p95 over ``--calls`` calls with varied, realistic
inputs) measured two ways: a direct call of the plain function from ``build_app(...)[2]``, and
a POST to ``/_dash-update-component`` through the Flask test client with the JSON body the
browser sends (Dash's dispatch and JSON serialisation included). The length of that response
body is the number of bytes sent to the browser per update. Groups:

- page load: ``/_dash-layout`` and the callbacks that fire when the page opens;
- view changes: service, area (in Odesa oblast UA51, raion UA5110, hromada UA5110027; in any other
  scenario the top area and the first area of each level below it; and the others),
  timeline mode ('band' / 'services' / 'areas'), band toggle, time window, cursor steps (the
  cursor's timeline update is the ``Patch`` callback), the map's level and colour, clicks on
  the timeline and on the map; with and without a what-if on screen;
- the map's payload: the bytes of the map figure in the callback's response at each level
  (plain and gzipped; at most 1 MB for Odesa, issue 12);
- what-if re-runs: new parameters on every call, so the server cache misses; at the
  scenario's samples and at 200 samples; ``run_whatif`` alone and the whole chain the click
  sets off (``run_whatif`` then the timeline, KPI/map/table and asset callbacks);
- downloads: current view and full run as CSV, Excel and NetCDF (time and bytes).

Ends with PASS / FAIL against targets: on the bundled Odesa scenario those of issue 3 (p95 <= 150 ms
for view changes, <= 1.5 s for a what-if re-run at 200 samples, <= 1 MB per update); on any other
scenario (e.g. the national synthetic one) those of issue 4 (p95 <= 300 ms for view changes,
<= 1 MB per update; what-if re-runs are reported without a target).

    python benchmarks/bench_dashboard.py [--calls 50] [--download-calls 10] [--scenario odesa-2025-12]
                                         [--whatif-samples 500 200] [--whatif-calls N] [--profile]
    python benchmarks/bench_dashboard.py --scenario /tmp/ua1469 --calls 20 --download-calls 2

(``/tmp/ua1469`` from ``impact synth --areas 1469 --assets 2000 --strikes 300 --days 90 --seed 1
--out /tmp/ua1469``.) Before the callbacks, it times the first page load of the fresh scenario:
how soon ``/_dash-layout`` answers (the progress page) and how long until the background run is done.

The machine is noisy: read medians, and p95 with care. ``--profile`` adds a cProfile summary of
the slowest view-change callback and of a what-if re-run.
"""

from __future__ import annotations

import argparse
import base64
import cProfile
import gzip
import io
import json
import pstats
import random
import statistics
import time
from dataclasses import dataclass, field

import numpy as np

from dash_app import ids
from dash_app.app import build_app
from dash_app.callbacks import DOWNLOADS, MOST_TABLE_ROWS
from dash_app.layout import POLL_MS
from dash_app.views import local_labels, map_level
from dash_app.views.maps import level_options, level_value
from impact.dataset import top_area

#: Areas the benchmark always visits in the bundled Odesa scenario: oblast, raion, hromada.
NAMED_AREAS = ("UA51", "UA5110", "UA5110027")

#: The scenario whose targets are those of issue 3.
ODESA = "odesa-2025-12"


@dataclass(frozen=True)
class Targets:
    """What the benchmark checks: p95 server times [s] and bytes per update."""

    issue: str
    view_p95_s: float
    whatif_p95_s: float | None
    update_bytes: int = 1_000_000
    map_bytes: int = 1_000_000


#: Issue 3 (bundled Odesa scenario) and issue 4 (dashboard at scale: any other scenario); the map's
#: payload: at most 1 MB for Odesa, 3 MB at national scale (issue 12).
ISSUE_3 = Targets("issue 3", view_p95_s=0.150, whatif_p95_s=1.5)
ISSUE_4 = Targets("issue 4", view_p95_s=0.300, whatif_p95_s=None, map_bytes=3_000_000)


def targets_for(scenario_id: str) -> Targets:
    """Issue 3's targets for the bundled Odesa scenario, issue 4's for any other."""
    return ISSUE_3 if scenario_id == ODESA else ISSUE_4


def named_areas(ds) -> tuple[str, ...]:
    """Areas every third view change visits.

    :data:`NAMED_AREAS` when the scenario's top area is the first of them and it has them all
    (the bundled Odesa scenario); otherwise the top area and, going down, the first child of
    each area reached (e.g. country, first oblast, its first raion, that raion's first hromada).
    A national scenario may hold the Odesa P-codes too, but its heaviest area is the country.
    """
    ids = [str(a) for a in ds["area"].values]
    if top_area(ds) == NAMED_AREAS[0] and set(NAMED_AREAS) <= set(ids):
        return NAMED_AREAS
    first_child: dict[str, str] = {}
    for area, parent in zip(ids, (str(p) for p in ds["parent_id"].values), strict=True):
        first_child.setdefault(parent, area)
    chain = [top_area(ds)]
    while chain[-1] in first_child and len(chain) <= len(ids):
        chain.append(first_child[chain[-1]])
    return tuple(chain)


@dataclass
class Figures:
    """Timings [s] and response sizes [bytes] of one callback or action."""

    group: str
    name: str
    direct: list[float] = field(default_factory=list)
    http: list[float] = field(default_factory=list)
    sent: list[int] = field(default_factory=list)
    gzipped: list[int] = field(default_factory=list)
    largest: bytes = b""


def _percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def _ms(seconds: float) -> str:
    return "-" if not np.isfinite(seconds) else f"{1000 * seconds:,.0f}"


def _kb(size: float) -> str:
    return "-" if not np.isfinite(size) else f"{size / 1000:,.1f}"


# --- the HTTP path -----------------------------------------------------------------------


def _outputs(output: str):
    """The ``outputs`` member of the request body, from the callback's output string."""
    if output.startswith("..") and output.endswith(".."):
        return [dict(zip(("id", "property"), part.split(".", 1), strict=True)) for part in output[2:-2].split("...")]
    component, prop = output.split(".", 1)
    return {"id": component, "property": prop}


class Client:
    """Posts callback requests to the app as the browser does and times them."""

    def __init__(self, app) -> None:
        self.client = app.server.test_client()
        # keyed by the component id of the first output; the Patch callback (a second writer of the
        # timeline figure, ``allow_duplicate=True``) under "patch"
        self.specs = {}
        for spec in app._callback_list:
            first = spec["output"].lstrip(".").split(".", 1)[0]
            self.specs["patch" if "@" in spec["output"].split("...")[0] else first] = spec

    def body(self, output: str, values: dict, changed: list[str]) -> dict:
        """The JSON body of ``/_dash-update-component`` for the callback whose first output is ``output``."""
        spec = self.specs[output]
        return {
            "output": spec["output"],
            "outputs": _outputs(spec["output"]),
            "inputs": [dict(item, value=values.get(item["id"])) for item in spec["inputs"]],
            "state": [dict(item, value=values.get(item["id"])) for item in spec["state"]],
            "changedPropIds": changed,
        }

    def post(self, output: str, values: dict, changed: list[str]) -> tuple[float, bytes]:
        """(seconds, response body) of one callback request; a response of 204 means no update."""
        body = json.dumps(self.body(output, values, changed))
        begin = time.perf_counter()
        response = self.client.post("/_dash-update-component", data=body, content_type="application/json")
        seconds = time.perf_counter() - begin
        if response.status_code not in (200, 204):
            raise RuntimeError(f"{output}: HTTP {response.status_code}: {response.get_data(as_text=True)[:500]}")
        return seconds, response.get_data()


def _timed(function, *args) -> float:
    begin = time.perf_counter()
    function(*args)
    return time.perf_counter() - begin


# --- the inputs a planner produces -------------------------------------------------------

#: Callbacks, by the component id of their first output ("patch": the cursor's Patch of the timeline).
TIMELINE = ids.TIMELINE_GRAPH
CURSOR_VIEWS = ids.KPI_ROW
MAP = ids.MAP_GRAPH
MAP_CLICK = ids.FILTER_AREA
ASSETS = ids.ASSETS_GRAPH
WHATIF = ids.STORE_WHATIF
CLICK = ids.CURSOR_SLIDER
DOWNLOAD = ids.DOWNLOAD


class Planner:
    """A reproducible stream of page states, one small change at a time."""

    def __init__(self, ds, strikes: list[str], seed: int = 1) -> None:
        self.random = random.Random(seed)
        self.steps = ds.sizes["time"]
        self.named = named_areas(ds)
        self.areas = list(self.named) + [str(a) for a in ds["area"].values if str(a) not in self.named]
        self.services = [str(s) for s in ds["service"].values]
        self.strikes = strikes
        self.labels = [label[:16] for label in local_labels(ds)]
        last = self.steps - 1
        self.windows = [[0, last], [0, 167], [24, 71], [0, 47], [96, 263], [last - 167, last], [12, 300]]
        self.levels = [option["value"] for option in level_options(ds)]
        self.state = {
            ids.FILTER_SERVICE: "power",
            ids.FILTER_AREA: self.named[0],
            ids.FILTER_MODE: "band",
            ids.FILTER_BAND: ["band"],
            ids.FILTER_WINDOW: [0, last],
            ids.STORE_WHATIF: None,
            ids.CURSOR_SLIDER: 40,
            ids.MAP_LEVEL: level_value(ds, map_level(ds)[0]),
            ids.MAP_COLOUR: "share",
            ids.MAP_MEASURE: "without",
            ids.WHATIF_REPAIR: 1,
            ids.WHATIF_BACKUP: 0,
            ids.WHATIF_STRIKES: list(strikes),
            ids.WHATIF_RUN: None,
            ids.WHATIF_RESET: None,
            **{button: None for button in DOWNLOADS},
        }
        self._seen_whatifs: set = set()

    def area(self, k: int) -> str:
        # every third call visits the named areas (e.g. oblast, raion and hromada) in turn; the others any area
        return self.named[(k // 3) % len(self.named)] if k % 3 == 0 else self.random.choice(self.areas)

    def change(self, what: str, k: int) -> dict:
        """The page state after the planner changes ``what`` for the ``k``-th time."""
        s = self.state
        if what == "service":
            s[ids.FILTER_SERVICE] = self.services[(self.services.index(s[ids.FILTER_SERVICE]) + 1) % len(self.services)]
        elif what == "area":
            s[ids.FILTER_AREA] = self.area(k)
        elif what == "mode":
            s[ids.FILTER_MODE] = ("band", "services", "areas")[k % 3]
            s[ids.FILTER_AREA] = self.named[(k // 3) % len(self.named)] if k % 2 == 0 else self.area(k)
        elif what == "band":
            s[ids.FILTER_BAND] = [] if s[ids.FILTER_BAND] else ["band"]
            s[ids.FILTER_MODE] = "band"
        elif what == "window":
            s[ids.FILTER_WINDOW] = list(self.windows[k % len(self.windows)])
        elif what == "cursor":
            # drags (a few hours either way) with the odd jump across the horizon
            step = s[ids.CURSOR_SLIDER]
            step = self.random.randrange(self.steps) if k % 5 == 4 else step + self.random.choice((-6, -3, 1, 3, 12))
            s[ids.CURSOR_SLIDER] = min(max(step, 0), self.steps - 1)
        elif what == "level":
            s[ids.MAP_LEVEL] = self.levels[k % len(self.levels)]
        elif what == "colour":
            s[ids.MAP_COLOUR] = "people" if s[ids.MAP_COLOUR] == "share" else "share"
        elif what == "map click":
            # a click inside the k-th polygon (a fill: no pointNumber), on a bubble or a marker it is any trace
            s["map click"] = {"points": [{"curveNumber": k % 8}]}
        elif what == "click":
            step = self.random.randrange(self.steps)
            s["click"] = {
                "points": [
                    {"curveNumber": 0, "pointNumber": step, "pointIndex": step, "x": self.labels[step], "y": 1000.0}
                ]
            }
        return dict(s)

    def whatif(self) -> tuple[float, float, list[str]]:
        """New what-if parameters (never the baseline, never seen before): repair factor, backup hours, strikes on."""
        while True:
            repair = self.random.choice([0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 2.5, 3.0])
            backup = self.random.choice([0, 2, 4, 6, 8, 12, 24, 48, 72, 168])
            off = self.random.sample(self.strikes, self.random.choice((0, 0, 1, 1, 2)))
            key = (repair, backup, tuple(sorted(off)))
            if key not in self._seen_whatifs and (repair != 1.0 or backup or off):
                self._seen_whatifs.add(key)
                return repair, backup, [s for s in self.strikes if s not in off]


# --- the groups --------------------------------------------------------------------------

#: View changes: what the planner changes -> the callbacks the browser then calls.
ACTIONS = {
    "service": ("service", [TIMELINE, CURSOR_VIEWS, MAP]),
    "area": ("area", [TIMELINE, CURSOR_VIEWS, MAP]),
    "timeline mode": ("mode", [TIMELINE]),
    "band toggle": ("band", [TIMELINE]),
    "time window": ("window", [TIMELINE, ASSETS]),
    "cursor": ("cursor", ["patch", CURSOR_VIEWS, MAP]),
    "map level": ("level", [MAP]),
    "map colour": ("colour", [MAP]),
}

CHANGED = {
    "service": f"{ids.FILTER_SERVICE}.value",
    "area": f"{ids.FILTER_AREA}.value",
    "mode": f"{ids.FILTER_MODE}.value",
    "band": f"{ids.FILTER_BAND}.value",
    "window": f"{ids.FILTER_WINDOW}.value",
    "cursor": f"{ids.CURSOR_SLIDER}.value",
    "level": f"{ids.MAP_LEVEL}.value",
    "colour": f"{ids.MAP_COLOUR}.value",
}


def _direct(cb, output: str, s: dict):
    """The plain-function call the HTTP request for ``output`` ends in."""
    if output == TIMELINE:
        return cb.timeline_figure(
            s[ids.FILTER_SERVICE],
            s[ids.FILTER_AREA],
            s[ids.FILTER_MODE],
            s[ids.FILTER_BAND],
            s[ids.FILTER_WINDOW],
            s[ids.STORE_WHATIF],
            s[ids.CURSOR_SLIDER],
        )
    if output == "patch":
        return cb.move_cursor(s[ids.CURSOR_SLIDER], s[ids.STORE_WHATIF])
    if output == CURSOR_VIEWS:
        return cb.cursor_views(s[ids.FILTER_SERVICE], s[ids.FILTER_AREA], s[ids.CURSOR_SLIDER], s[ids.STORE_WHATIF])
    if output == MAP:
        return cb.map_figure(
            s[ids.FILTER_SERVICE],
            s[ids.FILTER_AREA],
            s[ids.MAP_LEVEL],
            s[ids.MAP_COLOUR],
            s[ids.MAP_MEASURE],
            s[ids.CURSOR_SLIDER],
            s[ids.STORE_WHATIF],
        )
    if output == MAP_CLICK:
        return cb.click_to_area(s["map click"], s[ids.MAP_LEVEL], s[ids.STORE_WHATIF])
    if output == ASSETS:
        return cb.assets_figure(s[ids.STORE_WHATIF], s[ids.FILTER_WINDOW])
    if output == CLICK:
        return cb.click_to_cursor(s["click"])
    raise KeyError(output)


def _http(client: Client, output: str, s: dict, changed: list[str]) -> tuple[float, bytes]:
    values = dict(s, **{ids.TIMELINE_GRAPH: s.get("click"), ids.MAP_GRAPH: s.get("map click")})
    return client.post(output, values, changed)


def _label(output: str) -> str:
    return {
        TIMELINE: "timeline_figure",
        "patch": "move_cursor (Patch)",
        CURSOR_VIEWS: "cursor_views",
        MAP: "map_figure",
        MAP_CLICK: "click_to_area (map)",
        ASSETS: "assets_figure",
        CLICK: "click_to_cursor",
        WHATIF: "run_whatif",
    }[output]


def _record(figures: Figures, direct: float | None, http: float | None, body: bytes | None) -> None:
    if direct is not None:
        figures.direct.append(direct)
    if http is not None:
        figures.http.append(http)
    if body is not None:
        figures.sent.append(len(body))
        figures.gzipped.append(len(gzip.compress(body, 6)))
        figures.largest = max(figures.largest, body, key=len)


@dataclass
class FirstLoad:
    """The first visit of a fresh scenario: the progress page, then polls until the dashboard comes."""

    rows: list[Figures]
    layout_s: float
    run_under_way: bool
    run_state: str
    run_s: float
    polls: int


def first_load(data, client: Client) -> FirstLoad:
    """Open the page while the baseline run is under way, then poll as the browser does until it is done."""
    group = "first load (fresh scenario)"
    layout = Figures(group, "/_dash-layout (progress page)")
    begin = time.perf_counter()
    response = client.client.get("/_dash-layout")
    layout_s = time.perf_counter() - begin
    _record(layout, None, layout_s, response.get_data())
    under_way = ids.PROGRESS_BAR.encode() in response.get_data()
    running = Figures(group, "poll_progress (run under way)")
    swap = Figures(group, "poll_progress (the dashboard comes)")
    polls = 0
    finished = not under_way
    while not finished:
        time.sleep(POLL_MS / 1000)
        polls += 1
        seconds, body = client.post(
            ids.PAGE_BODY, {ids.PROGRESS_INTERVAL: polls}, [f"{ids.PROGRESS_INTERVAL}.n_intervals"]
        )
        finished = json.loads(body)["response"][ids.PROGRESS_INTERVAL]["disabled"]
        _record(swap if finished else running, None, seconds, body)
    status = data.run_status()
    return FirstLoad(
        [f for f in (layout, running, swap) if f.http], layout_s, under_way, status.state, status.elapsed_s, polls
    )


def page_load(app, cb, planner: Planner, client: Client, calls: int) -> list[Figures]:
    """``/_dash-layout`` and the callbacks that fire when the page opens (all caches warm)."""
    layout = Figures("page load", "/_dash-layout")
    for _ in range(max(5, calls // 5)):
        begin = time.perf_counter()
        response = client.client.get("/_dash-layout")
        _record(layout, None, time.perf_counter() - begin, response.get_data())
    found = [layout]
    s = dict(planner.state)
    changed: list[str] = []  # the initial call of a callback names no changed input
    for output in (TIMELINE, CURSOR_VIEWS, MAP, ASSETS):
        figures = Figures("page load", _label(output))
        for _ in range(max(5, calls // 5)):
            direct = _timed(_direct, cb, output, s)
            seconds, body = _http(client, output, s, changed)
            _record(figures, direct, seconds, body)
        found.append(figures)
    return found


def view_changes(cb, planner: Planner, client: Client, calls: int, whatif_store: dict | None) -> list[Figures]:
    """Each view change ``calls`` times; per callback and per action (the callbacks the change sets off)."""
    group = "view changes" + (" (what-if shown)" if whatif_store else "")
    planner.state[ids.STORE_WHATIF] = whatif_store
    by_callback: dict[str, Figures] = {}
    by_mode: dict[str, Figures] = {}
    found = []
    for action, (what, outputs) in ACTIONS.items():
        total = Figures(group, f"= action: {action}")
        for k in range(calls):
            s = planner.change(what, k)
            changed = [CHANGED[what]]
            sum_direct = sum_http = 0.0
            biggest = b""
            for output in outputs:
                figures = by_callback.setdefault(output, Figures(group, _label(output)))
                direct = _timed(_direct, cb, output, s)
                seconds, body = _http(client, output, s, changed)
                _record(figures, direct, seconds, body)
                if output == TIMELINE:
                    mode = s[ids.FILTER_MODE]
                    _record(
                        by_mode.setdefault(mode, Figures(group, f"  timeline_figure, mode '{mode}'")),
                        direct,
                        seconds,
                        body,
                    )
                sum_direct += direct
                sum_http += seconds
                biggest = max(biggest, body, key=len)
            _record(total, sum_direct, sum_http, biggest)
        found.append(total)
    click = Figures(group, _label(CLICK))
    for k in range(calls):
        s = planner.change("click", k)
        direct = _timed(_direct, cb, CLICK, s)
        seconds, body = _http(client, CLICK, s, [f"{ids.TIMELINE_GRAPH}.clickData"])
        _record(click, direct, seconds, body)
    map_click = Figures(group, _label(MAP_CLICK))
    for k in range(calls):
        s = planner.change("map click", k)
        direct = _timed(_direct, cb, MAP_CLICK, s)
        seconds, body = _http(client, MAP_CLICK, s, [f"{ids.MAP_GRAPH}.clickData"])
        _record(map_click, direct, seconds, body)
    timeline = by_callback.pop(TIMELINE)
    modes = [by_mode[mode] for mode in ("band", "services", "areas") if mode in by_mode]
    return [timeline, *modes, *by_callback.values(), click, map_click, *found]


def map_payloads(cb, planner: Planner, client: Client) -> list[tuple[str, int, int, int, float]]:
    """The map at each level: (level, traces, bytes of the map figure in the response, gzipped, seconds)."""
    found = []
    s = dict(planner.state, **{ids.STORE_WHATIF: None})
    for level in planner.levels:
        s[ids.MAP_LEVEL] = level
        _direct(cb, MAP, s)  # its polygons simplified once (cached)
        seconds, body = _http(client, MAP, s, [f"{ids.MAP_LEVEL}.value"])
        figure = json.loads(body)["response"][ids.MAP_GRAPH]["figure"]
        sent = json.dumps(figure, separators=(",", ":")).encode()
        found.append((level, len(figure["data"]), len(sent), len(gzip.compress(sent, 6)), seconds))
    return found


def _map_table(payloads: list[tuple[str, int, int, int, float]], targets: Targets) -> None:
    print("\nthe map's payload per level (the map figure in the callback response; kB = 1000 bytes)")
    for level, traces, sent, gzipped, seconds in payloads:
        print(
            f"  level {level:>6}: {traces:>5} traces, {sent / 1000:9,.1f} kB, gzip {gzipped / 1000:8,.1f} kB, "
            f"{1000 * seconds:,.0f} ms"
        )
    largest = max((sent for _level, _traces, sent, _gzipped, _seconds in payloads), default=0)
    print(
        f"  {_verdict(largest <= targets.map_bytes)}  map payload <= {targets.map_bytes / 1e6:g} MB at every level "
        f"(largest {largest / 1e6:.3f} MB)"
    )


def whatif_reruns(cb, planner: Planner, client: Client, calls: int, samples: int) -> list[Figures]:
    """What-if re-runs with new parameters each call (cache misses), directly and over HTTP."""
    group = f"what-if re-run, {samples} samples"
    alone = Figures(group, "run_whatif")
    chain = Figures(group, "= action: run what-if (run_whatif + 4 views)")
    outputs = (TIMELINE, CURSOR_VIEWS, MAP, ASSETS)
    view = dict(
        planner.state, **{ids.FILTER_AREA: planner.named[0], ids.FILTER_MODE: "band", ids.FILTER_BAND: ["band"]}
    )
    # warm-up: the first what-if pays for imports and compilation
    cb.run_whatif(1, None, *planner.whatif(), trigger=ids.WHATIF_RUN)
    for k in range(calls):
        repair, backup, active = planner.whatif()
        begin = time.perf_counter()
        cb.run_whatif(k + 1, None, repair, backup, active, trigger=ids.WHATIF_RUN)
        direct = time.perf_counter() - begin

        repair, backup, active = planner.whatif()
        values = dict(
            view,
            **{ids.WHATIF_RUN: k + 1, ids.WHATIF_REPAIR: repair, ids.WHATIF_BACKUP: backup, ids.WHATIF_STRIKES: active},
        )
        seconds, body = client.post(WHATIF, values, [f"{ids.WHATIF_RUN}.n_clicks"])
        _record(alone, direct, seconds, body)
        store = json.loads(body)["response"][ids.STORE_WHATIF]["data"]
        values[ids.STORE_WHATIF] = store
        sum_http, biggest = seconds, body
        for output in outputs:
            more, sent = client.post(output, values, [f"{ids.STORE_WHATIF}.data"])
            sum_http += more
            biggest = max(biggest, sent, key=len)
        _record(chain, None, sum_http, biggest)
    return [alone, chain]


def downloads(cb, planner: Planner, client: Client, calls: int) -> tuple[list[Figures], dict[str, list[int]], int]:
    """Each download button ``calls`` times (view downloads with varied service, area and window).

    Returns the figures, the sizes of the files sent per button [bytes] and how many downloads
    the dashboard refused (too many rows for a table, or the exporter's own refusal).
    """
    found = []
    files: dict[str, list[int]] = {}
    refused = 0
    for button, (which, suffix) in DOWNLOADS.items():
        name = f"{which} {suffix[1:].upper()}"
        figures = Figures("downloads", name)
        files[name] = []
        for k in range(calls):
            s = planner.change("area", k)
            s = planner.change("window", k) if which == "view" else s
            args = [None] * len(DOWNLOADS)
            args[list(DOWNLOADS).index(button)] = k + 1
            args += [s[ids.FILTER_SERVICE], s[ids.FILTER_AREA], s[ids.FILTER_WINDOW], s[ids.STORE_WHATIF]]
            begin = time.perf_counter()
            sent, _status = cb.download(*args, trigger=button)
            direct = time.perf_counter() - begin
            if not isinstance(sent, dict):  # refused: the status line says why
                refused += 1
            else:
                content = base64.b64decode(sent["content"]) if sent.get("base64") else sent["content"].encode()
                files[name].append(len(content))
            values = dict(s, **{button: k + 1})
            seconds, body = client.post(DOWNLOAD, values, [f"{button}.n_clicks"])
            _record(figures, direct, seconds, body)
        found.append(figures)
    return found, files, refused


# --- reporting ---------------------------------------------------------------------------


def _table(rows: list[Figures], files: dict[str, list[int]]) -> None:
    header = (
        f"{'group':<34} {'callback / action':<46} {'n':>3} {'direct p50':>10} {'p95':>7} "
        f"{'HTTP p50':>9} {'p95':>7} {'sent kB p50':>11} {'max':>8} {'gzip max':>8}"
    )
    print(header)
    print("-" * len(header))
    group = None
    for f in rows:
        n = max(len(f.direct), len(f.http))
        print(
            f"{f.group if f.group != group else '':<34} {f.name:<46} {n:>3} "
            f"{_ms(_percentile(f.direct, 50)):>10} {_ms(_percentile(f.direct, 95)):>7} "
            f"{_ms(_percentile(f.http, 50)):>9} {_ms(_percentile(f.http, 95)):>7} "
            f"{_kb(_percentile(f.sent, 50)):>11} {_kb(max(f.sent, default=np.nan)):>8} "
            f"{_kb(max(f.gzipped, default=np.nan)):>8}"
        )
        group = f.group
    print(
        "times in ms (direct: the plain function; HTTP: POST /_dash-update-component through the Flask test "
        "client, dispatch and JSON included); sent: response body [kB = 1000 bytes]; gzip: the same body "
        "gzipped, which is what travels: the app is built with compress=True)"
    )
    if files:
        print(
            "download file sizes [kB, median / max]: "
            + ", ".join(
                f"{name} {_kb(statistics.median(sizes)) if sizes else 'none sent'} / {_kb(max(sizes, default=np.nan))}"
                for name, sizes in files.items()
            )
        )


def _where_the_bytes_go(rows: list[Figures]) -> None:
    """For the largest response of each figure callback: the share of x arrays, y arrays and the layout."""

    def size(value) -> int:
        return len(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode())

    print("\nwhere the bytes go (largest response of each figure callback, view changes without what-if)")
    for f in rows:
        if f.group != "view changes" or not f.largest or f.name.startswith("="):
            continue
        for component, props in json.loads(f.largest)["response"].items():
            figure = props.get("figure")
            if not isinstance(figure, dict) or "data" not in figure:
                continue
            parts = {"x": 0, "y": 0}
            for trace in figure["data"]:
                for key in ("x", "y"):
                    parts[key] += size(trace.get(key, []))
            example = next(
                (trace["x"][0] for trace in figure["data"] if isinstance(trace.get("x"), list) and trace["x"]),
                "base64 typed array",
            )
            layout = size(figure.get("layout", {}))
            print(
                f"  {f.name.strip()} ({component}): {len(f.largest) / 1000:,.1f} kB, {len(figure['data'])} traces; "
                f"x arrays {100 * parts['x'] / len(f.largest):.0f} % (e.g. {example!r}), y arrays "
                f"{100 * parts['y'] / len(f.largest):.0f} %, layout {100 * layout / len(f.largest):.0f} %"
            )


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def _targets(rows: list[Figures], whatif_samples: int | None, targets: Targets) -> None:
    print(f"\ntargets ({targets.issue}), on the HTTP timings")
    limit = targets.update_bytes
    view = [f for f in rows if f.group.startswith(("view changes", "page load")) and f.name != "/_dash-layout"]
    for f in view:
        p95 = _percentile(f.http, 95)
        reading = " (sum of the callbacks it sets off, served one after another)" if f.name.startswith("=") else ""
        print(
            f"  {_verdict(p95 <= targets.view_p95_s)}  view change p95 <= {_ms(targets.view_p95_s)} ms: "
            f"{f.group}: {f.name}: {_ms(p95)} ms{reading}"
        )
    for f in (f for f in rows if f.group.startswith("what-if re-run")):
        p95 = _percentile(f.http, 95)
        if targets.whatif_p95_s is None:
            print(f"  info  {f.group}: {f.name}: p95 {p95:.2f} s (no target in {targets.issue})")
        elif f.group == f"what-if re-run, {whatif_samples} samples":
            print(
                f"  {_verdict(p95 <= targets.whatif_p95_s)}  what-if re-run p95 <= {targets.whatif_p95_s} s at "
                f"{whatif_samples} samples: {f.name}: {p95:.2f} s"
            )
    updates = [f for f in rows if f.group != "downloads" and not f.name.startswith("=")]
    biggest = max(updates, key=lambda f: max(f.sent, default=0))
    size = max(biggest.sent, default=0)
    print(
        f"  {_verdict(size <= limit)}  <= 1 MB per update (largest: {biggest.group}: {biggest.name}, "
        f"{size / 1e6:.3f} MB)"
    )
    biggest_wire = max(updates, key=lambda f: max(f.gzipped, default=0))
    print(
        f"  {_verdict(max(biggest_wire.gzipped, default=0) <= limit)}  <= 1 MB per update on the wire "
        f"(gzip, as the app serves it; largest: {biggest_wire.name}, {max(biggest_wire.gzipped) / 1e6:.3f} MB)"
    )
    files = [f for f in rows if f.group == "downloads" and f.sent]
    if files:
        largest = max(files, key=lambda f: max(f.gzipped, default=0))
        size = max(largest.gzipped, default=0)
        print(
            f"  {_verdict(size <= limit)}  <= 1 MB per update counting downloads, on the wire (the file "
            f"goes base64 inside the gzipped callback response; largest: {largest.name}, {size / 1e6:.3f} MB; "
            f"uncompressed {max(largest.sent) / 1e6:.3f} MB)"
        )


def _profile(label: str, function, repeats: int = 10) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    for k in range(repeats):
        function(k)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
    print(f"\ncProfile: {label} ({repeats} calls), top 25 by cumulative time")
    print("\n".join(line for line in out.getvalue().splitlines()[4:] if line.strip()))


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="odesa-2025-12")
    parser.add_argument("--calls", type=int, default=50, help="calls per callback (default 50)")
    parser.add_argument("--download-calls", type=int, default=10, help="calls per download button (default 10)")
    parser.add_argument(
        "--whatif-samples",
        type=int,
        nargs="*",
        default=None,
        help="sample counts for the what-if re-runs (default: the scenario's and 200)",
    )
    parser.add_argument(
        "--whatif-calls",
        type=int,
        default=None,
        help="what-if re-runs per sample count (default: --calls on the Odesa scenario, at most 3 "
        "on any other, where one run takes seconds)",
    )
    parser.add_argument("--profile", action="store_true", help="add cProfile summaries")
    args = parser.parse_args()

    begin = time.perf_counter()
    app, data, cb = build_app(args.scenario)
    built = time.perf_counter() - begin
    if cb is None:
        raise SystemExit(f"scenario {args.scenario} did not load: {data.problems}")
    client = Client(app)
    fresh = first_load(data, client)
    if fresh.run_state != "done":
        raise SystemExit(f"the baseline run of {args.scenario} failed: {data.run_status().error}")
    ds = data.result().dataset
    strikes = list(data.scenario.strikes["strike_id"])
    planner = Planner(ds, strikes)
    sample_counts = (
        args.whatif_samples if args.whatif_samples is not None else sorted({data.samples, 200}, reverse=True)
    )
    targets = targets_for(data.scenario.id)
    whatif_calls = (
        args.whatif_calls
        if args.whatif_calls is not None
        else (args.calls if targets is ISSUE_3 else min(args.calls, 3))
    )

    # warm imports and caches
    for output in (TIMELINE, CURSOR_VIEWS, MAP, ASSETS):
        _direct(cb, output, planner.state)

    payloads = map_payloads(cb, planner, client)
    rows = fresh.rows + page_load(app, cb, planner, client, args.calls)
    rows += view_changes(cb, planner, client, args.calls, None)
    shown = cb.run_whatif(1, None, *planner.whatif(), trigger=ids.WHATIF_RUN)[0]
    rows += view_changes(cb, planner, client, args.calls, shown)
    planner.state[ids.STORE_WHATIF] = None

    for samples in sample_counts:
        if samples == data.samples:
            rows += whatif_reruns(cb, planner, client, whatif_calls, samples)
        else:
            other_app, other_data, other_cb = build_app(args.scenario, samples=samples)
            other_data.result()
            rows += whatif_reruns(other_cb, planner, Client(other_app), whatif_calls, samples)
    download_rows, files, refused = downloads(cb, planner, client, args.download_calls)
    rows += download_rows

    print(
        f"scenario {data.scenario.id}: {ds.sizes['area']} areas, {len(data.scenario.assets)} assets, "
        f"{len(strikes)} strikes, {ds.sizes['time']} steps, {data.samples} samples; app built in {built:.2f} s "
        f"(the baseline run in the background)"
    )
    print(
        f"first load: the page answered in {1000 * fresh.layout_s:,.0f} ms with "
        f"{'the progress panel' if fresh.run_under_way else 'the dashboard (run already done)'}; the run was done "
        f"after {fresh.run_s:.1f} s and {fresh.polls} polls every {POLL_MS} ms"
    )
    print(
        f"{args.calls} calls per callback ({args.download_calls} per download button), inputs varied: services "
        f"{', '.join(planner.services)}; areas {', '.join(planner.named)} and the rest of the hierarchy; "
        f"{len(planner.windows)} time windows; cursor drags and jumps; timeline modes band / services / areas\n"
    )
    _table(rows, files)
    if refused:
        print(
            f"{refused} download(s) refused with a message on the page (a table of more rows than "
            f"{', '.join(f'{most:,} as {suffix[1:].upper()}' for suffix, most in MOST_TABLE_ROWS.items())}, "
            "or the exporter's own refusal)"
        )
    _where_the_bytes_go(rows)
    _map_table(payloads, targets)
    _targets(rows, 200 if 200 in sample_counts else None, targets)
    print(
        f"  {_verdict(fresh.layout_s <= targets.view_p95_s)}  first load: the page answers within "
        f"{_ms(targets.view_p95_s)} ms without waiting for the run ({_ms(fresh.layout_s)} ms"
        f"{', run under way' if fresh.run_under_way else ''})"
    )

    if args.profile:
        view = [f for f in rows if f.group == "view changes" and not f.name.startswith("=")]
        slowest = max(view, key=lambda f: _percentile(f.http, 95))
        output = {_label(o): o for o in (TIMELINE, "patch", CURSOR_VIEWS, MAP, ASSETS, CLICK, MAP_CLICK)}[slowest.name]
        what = {
            TIMELINE: "mode",
            "patch": "cursor",
            CURSOR_VIEWS: "area",
            MAP: "cursor",
            ASSETS: "window",
            CLICK: "click",
            MAP_CLICK: "map click",
        }[output]
        _profile(f"view change {slowest.name}", lambda k: _direct(cb, output, planner.change(what, k)))
        _profile(
            "what-if re-run (run_whatif)",
            lambda k: cb.run_whatif(k + 1, None, *planner.whatif(), trigger=ids.WHATIF_RUN),
            repeats=5,
        )


if __name__ == "__main__":
    main()
