"""Benchmark the national choropleth (issue 12): the map's payload and build time per admin level.

Generates ``impact synth --areas 1469 --assets 2000 --strikes 300 --days 90 --seed 1`` into a
temporary folder (unless ``--scenario`` names one; its ``boundaries.geojson`` is synthetic:
Voronoi cells, ``docs/synthetic.md``), runs it at ``--samples`` samples, then for the leaves
and each other admin level builds :func:`impact.figures.area_map` at the step when most people
are without power, and prints:

- the payload: ``len(fig.to_json())`` [bytes], what a page receives for that figure;
- the polygon vertices drawn and the area traces;
- the build time: the first build (the level's polygons simplified, then cached per
  ``Boundaries`` object) and the median of ``--repeats`` later builds at other steps (what a
  move of the time cursor costs);
- the same for :func:`impact.figures.area_map_dict`, the plain-dict figure the dashboard sends
  (payload: its plotly JSON, ``plotly.io.json.to_json_plotly``; build: median of the repeats).

    python benchmarks/bench_map.py [--scenario DIR] [--samples 50] [--repeats 5]

Target (issue 12): map payload at national scale <= 3 MB (3,000,000 bytes) at every level.
The machine is noisy: read medians.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

#: Issue 12's ceiling on the national map's payload [bytes].
PAYLOAD_TARGET = 3_000_000


def _vertices(figure) -> int:
    """Polygon vertices in the figure's filled area traces (the NaNs between rings not counted)."""
    import base64

    import numpy as np

    total = 0
    for trace in figure.data:
        if getattr(trace, "fill", None) != "toself" or trace.x is None:
            continue
        x = trace.x
        if isinstance(x, dict):  # a plotly typed array: {"dtype": "f4", "bdata": base64}
            x = np.frombuffer(base64.b64decode(x["bdata"]), dtype=np.dtype(x["dtype"]).newbyteorder("<"))
        total += int(np.count_nonzero(~np.isnan(np.asarray(x, dtype=np.float64))))
    return total


def main() -> None:
    """Print the national map's payload and build time per level."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", type=Path, default=None, help="existing scenario folder with boundaries")
    parser.add_argument("--samples", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    import numpy as np
    from plotly.io.json import to_json_plotly

    import impact
    from impact.areas import AreaTree
    from impact.figures import area_map, area_map_dict
    from impact.synth import write_synthetic

    with tempfile.TemporaryDirectory(prefix="impact-map-") as tmp:
        begin = time.perf_counter()
        folder = args.scenario or write_synthetic(
            Path(tmp) / "ua1469", areas=1469, assets=2000, strikes=300, days=90, seed=1
        )
        generated = time.perf_counter() - begin
        begin = time.perf_counter()
        scenario = impact.load_scenario(folder)
        loaded = time.perf_counter() - begin
        result = impact.run(scenario, samples=args.samples, seed=1)

    if scenario.boundaries is None:
        raise SystemExit(f"{folder} has no boundaries.geojson: nothing to draw as a choropleth")
    ds = result.dataset
    levels = ds["admin_level"].values.astype(int)
    leaves = len(AreaTree.from_dataset(ds).leaves())
    top = str(ds["area"].values[int(np.argmin(levels))])
    power = ds["people_without_central"].sel(area=top, service="power").values
    steps = ds["time"].values
    peak = int(np.argmax(power))
    others = [int(s) for s in np.linspace(0, len(steps) - 1, args.repeats + 2).astype(int) if int(s) != peak]
    others = others[: args.repeats]

    if args.scenario is None:
        print(f"impact synth (national preset): {generated:.2f} s")
    print(
        f"{scenario.id}: {len(scenario.areas)} areas, boundaries for {len(scenario.boundaries)}; "
        f"load_scenario {loaded:.2f} s; run at {args.samples} samples; map at the power peak, step {peak}"
    )
    print(
        f"{'level':>8} {'areas':>6} {'traces':>6} {'vertices':>9} {'payload':>11} {'first build':>11} "
        f"{'later':>7} {'dict payload':>12} {'dict build':>10}"
    )
    worst = 0
    for level in [None, *sorted({int(v) for v in levels})[::-1]]:
        begin = time.perf_counter()
        figure = area_map(result, "power", steps[peak], level=level)
        first = time.perf_counter() - begin
        later = []
        for step in others:
            begin = time.perf_counter()
            area_map(result, "power", steps[step], level=level)
            later.append(time.perf_counter() - begin)
        dict_times = []
        for step in others:
            begin = time.perf_counter()
            plain = area_map_dict(result, "power", steps[step], level=level)
            dict_times.append(time.perf_counter() - begin)
        plain = area_map_dict(result, "power", steps[peak], level=level)
        dict_payload = len(to_json_plotly(plain))
        payload = len(figure.to_json())
        worst = max(worst, payload, dict_payload)
        traces = sum(1 for trace in figure.data if getattr(trace, "fill", None) == "toself")
        count = int((levels == level).sum()) if level is not None else leaves
        name = "leaves" if level is None else str(level)
        print(
            f"{name:>8} {count:>6} {traces:>6} {_vertices(figure):>9} {payload:>11,} {first:>9.2f} s "
            f"{statistics.median(later):>5.2f} s {dict_payload:>12,} {statistics.median(dict_times):>8.3f} s"
        )
    verdict = "PASS" if worst <= PAYLOAD_TARGET else "FAIL"
    print(f"{verdict}  largest payload {worst:,} bytes; target (issue 12) <= {PAYLOAD_TARGET:,} bytes at every level")


if __name__ == "__main__":
    main()
