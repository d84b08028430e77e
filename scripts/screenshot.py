#!/usr/bin/env python3
"""Screenshots of the dashboard for the README and docs, taken with headless Chromium.

Starts ``python -m dash_app`` on a free loopback port, lets headless Chromium load the page
and writes two PNGs:

* ``docs/img/dashboard.png``: what a 1366×768 laptop shows without scrolling;
* ``docs/img/dashboard-full.png``: the same page 1366×1400, down to the areas table.

Then stops the server. Nothing but the loopback interface is used: Chromium runs with its
background networking off and a host resolver that refuses every name but 127.0.0.1.

Usage::

    python scripts/screenshot.py [SCENARIO] [--out-dir docs/img] [--chromium PATH]
"""

from __future__ import annotations

import argparse
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: (file name, window width, window height) of each screenshot.
SHOTS = (("dashboard.png", 1366, 768), ("dashboard-full.png", 1366, 1400))

#: Chromium flags: headless, no sandbox (containers run as root), no request beyond loopback.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--metrics-recording-only",
    "--disable-features=Translate,OptimizationHints,MediaRouter",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
)


def free_port() -> int:
    """A TCP port free on the loopback interface now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def find_chromium(given: str | None) -> str:
    for candidate in [given] if given else ["chromium", "chromium-browser", "google-chrome"]:
        path = shutil.which(candidate) or (candidate if candidate and Path(candidate).is_file() else None)
        if path:
            return path
    sys.exit("screenshot: Chromium not found (apt-get install chromium, or pass --chromium PATH)")


def wait_for(url: str, server: subprocess.Popen, timeout: float = 120.0) -> None:
    """Until ``url`` answers 200 (the server loads and runs the scenario first)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if server.poll() is not None:
            sys.exit(f"screenshot: the dashboard exited with code {server.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.3)
    sys.exit(f"screenshot: {url} did not answer within {timeout:.0f} s")


def shoot(chromium: str, url: str, path: Path, width: int, height: int) -> None:
    with tempfile.TemporaryDirectory(prefix="impact-screenshot-") as profile:
        command = [
            chromium,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            f"--window-size={width},{height}",
            "--virtual-time-budget=20000",
            f"--screenshot={path}",
            url,
        ]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    if done.returncode != 0 or not path.is_file():
        sys.exit(f"screenshot: Chromium failed ({done.returncode}):\n{done.stderr[-2000:]}")
    print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: {width}x{height}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenario", nargs="?", help="bundled scenario id or folder (default: the bundled Odesa one)")
    parser.add_argument("--out-dir", type=Path, default=ROOT / "docs" / "img", help="where the PNGs go")
    parser.add_argument("--chromium", help="Chromium executable (default: chromium on PATH)")
    args = parser.parse_args(argv)

    chromium = find_chromium(args.chromium)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    command = [
        sys.executable,
        "-m",
        "dash_app",
        *([args.scenario] if args.scenario else []),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    with tempfile.TemporaryFile(mode="w+") as log:  # the server logs every request: not into a pipe
        server = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, text=True)
        try:
            wait_for(url, server)
            for name, width, height in SHOTS:
                shoot(chromium, url, args.out_dir.resolve() / name, width, height)
        except SystemExit:
            log.seek(0)
            print(log.read()[-3000:], file=sys.stderr)
            raise
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
