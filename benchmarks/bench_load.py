"""Load test of the dashboard: many concurrent planners on loopback (issue 6, part 5).

Starts the dashboard of a scenario on a real threaded HTTP server on 127.0.0.1 (werkzeug, the
server ``impact serve`` uses without ``--workers``) and lets ``--clients`` threads (default
50) act as planners for ``--seconds`` (default 60): each changes service, area, timeline mode,
band, time window or cursor and posts the callbacks the browser would post, and about one
action in ``--whatif-every`` (default 8) runs a what-if with new parameters (a cache miss, so
a real model run). Each client uses its own HTTP connection (``requests.Session``).

Printed: requests and errors (any status other than 200/204, or a failed connection), p50 /
p95 / max latency overall and per callback, requests per second, and the server process's
resident memory sampled every second (printed every 10 s). "Memory flat" means the end is
within 15 % of the figure half-way through, while what-ifs keep adding runs: the run cache
is bounded (16 runs), so memory grows while it fills and the allocator's per-thread arenas
warm up, then stays level.

Ends with two verdicts, PASS or FAIL: zero errors, and memory flat. Exits 1 if either
fails (any error, or memory not flat), else 0, so that a script or CI job can rely on
the exit code.

    python benchmarks/bench_load.py [--scenario odesa-2025-12] [--clients 50] [--seconds 60]
                                    [--whatif-every 8] [--samples 200]

The machine has 2 cores and is noisy: read p50 and p95, not the maximum.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

import requests
from werkzeug.serving import make_server

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_dashboard import ACTIONS, CHANGED, WHATIF, Client, Planner

from dash_app import ids
from dash_app.app import build_app


def resident_mib() -> float:
    """Resident memory of this process [MiB] (Linux ``/proc``)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class Recorder:
    """Latencies and errors of every request, by callback, safe across threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []

    def add(self, label: str, seconds: float, error: str | None) -> None:
        with self.lock:
            self.latency[label].append(seconds)
            if error:
                self.errors.append(f"{label}: {error}")


def planner_loop(
    number: int,
    url: str,
    builder: Client,
    planner: Planner,
    stop: threading.Event,
    recorder: Recorder,
    whatif_every: int,
) -> None:
    """One planner: actions one after another until ``stop`` is set."""
    session = requests.Session()
    actions = list(ACTIONS.values())
    k = 0
    while not stop.is_set():
        k += 1
        if whatif_every and k % whatif_every == 0:
            repair, backup, active = planner.whatif()
            state = dict(
                planner.state,
                **{ids.WHATIF_RUN: k, ids.WHATIF_REPAIR: repair, ids.WHATIF_BACKUP: backup, ids.WHATIF_STRIKES: active},
            )
            calls = [(WHATIF, [f"{ids.WHATIF_RUN}.n_clicks"])]
        else:
            what, outputs = actions[(k + number) % len(actions)]
            state = planner.change(what, k)
            calls = [(output, [CHANGED[what]]) for output in outputs]
        for output, changed in calls:
            body = json.dumps(builder.body(output, state, changed))
            begin = time.perf_counter()
            error = None
            try:
                response = session.post(url, data=body, headers={"Content-Type": "application/json"}, timeout=120)
                if response.status_code not in (200, 204):
                    error = f"HTTP {response.status_code}: {response.text[:200]}"
            except requests.RequestException as failure:
                error = f"{type(failure).__name__}: {failure}"
            recorder.add("what-if run" if output == WHATIF else output, time.perf_counter() - begin, error)


def main(argv: list[str] | None = None) -> int:
    """Run the load test and print its figures.

    Parameters
    ----------
    argv : list of str, optional
        Command-line arguments (default: the process's).

    Returns
    -------
    int
        0 when both verdicts pass, 1 when any fails (errors, or memory not flat).
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="odesa-2025-12")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--whatif-every", type=int, default=8, help="one action in N is a what-if run (0: none)")
    parser.add_argument("--samples", type=int, default=200, help="Monte Carlo samples of the dashboard's runs")
    args = parser.parse_args(argv)

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    app, data, _callbacks = build_app(args.scenario, samples=args.samples)
    data.result()  # the baseline run (in the background) must be done before the load starts
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/_dash-update-component"
    builder = Client(app)
    dataset = data.result().dataset
    strikes = list(data.scenario.strikes["strike_id"])

    recorder, stop = Recorder(), threading.Event()
    memory: list[tuple[float, float]] = []
    clients = [
        threading.Thread(
            target=planner_loop,
            daemon=True,
            args=(n, url, builder, Planner(dataset, strikes, seed=n + 1), stop, recorder, args.whatif_every),
        )
        for n in range(args.clients)
    ]
    begin = time.perf_counter()
    memory.append((0.0, resident_mib()))
    for thread in clients:
        thread.start()
    while time.perf_counter() - begin < args.seconds:
        time.sleep(1.0)
        memory.append((time.perf_counter() - begin, resident_mib()))
    stop.set()
    for thread in clients:
        thread.join(timeout=180)
    elapsed = time.perf_counter() - begin
    server.shutdown()

    every = [seconds for values in recorder.latency.values() for seconds in values]
    count = len(every)
    ordered = sorted(every)

    def pct(values: list[float], q: float) -> float:
        values = sorted(values)
        return values[min(len(values) - 1, int(q * len(values)))] * 1000 if values else float("nan")

    print(
        f"scenario {data.scenario.id}, {args.samples} samples; {args.clients} concurrent clients for "
        f"{args.seconds:.0f} s on 127.0.0.1 (threaded werkzeug server, one process, 2 cores)"
    )
    print(f"requests: {count:,} ({count / elapsed:,.1f} per second); errors: {len(recorder.errors)}")
    for error in recorder.errors[:10]:
        print(f"  {error}")
    print(
        f"latency, all requests: p50 {pct(ordered, 0.5):,.0f} ms, p95 {pct(ordered, 0.95):,.0f} ms, "
        f"max {ordered[-1] * 1000 if ordered else float('nan'):,.0f} ms"
    )
    for label, values in sorted(recorder.latency.items()):
        print(
            f"  {label:<24} {len(values):>6,} requests  p50 {pct(values, 0.5):>7,.0f} ms  "
            f"p95 {pct(values, 0.95):>7,.0f} ms"
        )
    half = [mib for at, mib in memory if at >= args.seconds / 2] or [memory[-1][1]]
    peak = max(mib for _at, mib in memory)
    series = ", ".join(f"{mib:,.0f}" for at, mib in memory if int(at) % 10 == 0 or at == memory[-1][0])
    print(f"resident memory [MiB] every 10 s: {series}; peak {peak:,.0f}")
    flat = memory[-1][1] <= 1.15 * half[0]
    verdicts = {
        "zero errors": not recorder.errors,
        f"memory flat: the end ({memory[-1][1]:,.0f} MiB) within 15 % of the half-way figure "
        f"({half[0]:,.0f} MiB), while what-ifs keep adding runs": flat,
    }
    return report(verdicts)


def report(verdicts: dict[str, bool]) -> int:
    """Print one ``PASS``/``FAIL`` line per verdict; return the exit code.

    Parameters
    ----------
    verdicts : dict of str to bool
        What was checked -> whether it held.

    Returns
    -------
    int
        0 when every verdict passed, 1 when any failed.
    """
    for text, passed in verdicts.items():
        print(f"{'PASS' if passed else 'FAIL'}  {text}")
    failed = [text for text, passed in verdicts.items() if not passed]
    if failed:
        print(f"{len(failed)} verdict(s) failed; exit code 1")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
