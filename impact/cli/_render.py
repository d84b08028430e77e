"""The rich tables and lines the ``impact`` commands print: a run's summary, needs per day,
a comparison of two scenarios and what drives the range."""

from __future__ import annotations

import numpy as np
import xarray as xr
from rich.console import Console
from rich.table import Table

from impact.compare import Comparison
from impact.dataset import top_area
from impact.result import Result

__all__ = [
    "CENTRAL",
    "MOST_SENSITIVITY_ROWS",
    "comparison_table",
    "needs_table_for",
    "print_observation_scores",
    "sensitivity_table_for",
    "short_time",
    "summary_table",
]

#: Strikes printed one row each by :func:`sensitivity_table_for`; one more row gives the largest share of the others.
MOST_SENSITIVITY_ROWS = 20


def short_time(iso: str) -> str:
    """``2025-12-19T04:00:00+02:00`` -> ``2025-12-19 04:00 +02:00``."""
    if not iso:
        return "-"
    return f"{iso[:10]} {iso[11:16]} {iso[19:]}"


#: How the central estimate is named wherever it is shown beside the planning statistic.
CENTRAL = "central (every repair at its median)"


def _restore_text(hours: float) -> str:
    return "not within horizon" if hours != hours else f"{hours:g}"


def summary_table(result: Result) -> Table:
    """A rich table of :meth:`impact.Result.summary` for the top area.

    Each service has a row of the planning statistic (the result's ``plan_quantile`` over
    samples, named in the row: ``median``, ``90th percentile``), with the lowest-highest
    quantile range of the peak and the probability that the outage lasts beyond each of
    ``beyond_hours``, then a reference row of the central estimate. A run without samples
    has the central rows alone.
    """
    frame = result.summary()
    dataset = result.dataset
    quantiles = dataset["quantile"].values
    low = f"{quantiles[0] * 100:g}" if len(quantiles) else "-"
    high = f"{quantiles[-1] * 100:g}" if len(quantiles) else "-"
    area = top_area(dataset)
    statistic = frame.attrs["plan_statistic"]
    sampled = bool(np.isfinite(frame["peak_plan"]).any())
    beyond = [column for column in frame.columns if column.startswith("outage_beyond_")]
    lead = (
        f"the {statistic} over samples leads; P(> X h): probability that the outage lasts beyond X hours; "
        if sampled
        else "no samples: "
    )
    table = Table(
        title=f"{dataset.attrs['scenario_title']}\npeople without service in {area} "
        f"({dataset.attrs['samples']} samples, seed {dataset.attrs['seed']})\n{lead}"
        f"central = {CENTRAL.removeprefix('central (').removesuffix(')')}" + (", for reference" if sampled else "")
    )
    headers = ["service", "statistic", "peak", f"peak {low}-{high} %", "central peak at", "person-days"]
    headers += ["h to 90 % back"] + [_beyond_header(column) for column in beyond]
    for header in headers:
        table.add_column(header, justify="left" if header in ("service", "statistic") else "right", no_wrap=True)
    for service, row in frame.iterrows():
        spread = "-" if row["peak_low"] != row["peak_low"] else f"{row['peak_low']:,.0f}-{row['peak_high']:,.0f}"
        if sampled:
            table.add_row(
                str(service),
                statistic,
                f"{row['peak_plan']:,.0f}",
                spread,
                "",
                f"{row['person_days_plan']:,.0f}",
                _restore_text(row["restore_90_hours_plan"]),
                *[f"{row[column]:.0%}" for column in beyond],
            )
        table.add_row(
            "" if sampled else str(service),
            "central",
            f"{row['peak_central']:,.0f}",
            "" if sampled else spread,
            short_time(row["peak_time"]),
            f"{row['person_days_central']:,.0f}",
            _restore_text(row["restore_90_hours_central"]),
            *["" if sampled else "-" for _ in beyond],
            style="dim" if sampled else None,
        )
    return table


def _beyond_header(column: str) -> str:
    """``outage_beyond_24h_probability`` -> ``P(> 24 h)``: the probability that the outage lasts beyond 24 h."""
    return f"P(> {column.removeprefix('outage_beyond_').removesuffix('h_probability')} h)"


def print_observation_scores(result: Result, console: Console) -> None:
    """One line per service comparing the model with ``observations.csv``, if there are any."""
    scores = result.observation_summary()
    for service, row in scores.iterrows():
        console.print(
            f"observations, {service}: {int(row.observations)} reported, {row.share_inside_band:.0%} inside the "
            f"5-95 % band; central estimate minus reported: mean {row.mean_error:+,.0f} persons "
            f"(mean absolute {row.mean_absolute_error:,.0f})",
            markup=False,
        )


def needs_table_for(nd: xr.Dataset, area: str) -> Table:
    """A rich table of one area's needs per local day.

    Each cell leads with the planning statistic (``<need>_plan``; the needs' ``plan_statistic``,
    named in the title), then the lowest-highest quantile range and the central estimate for
    reference; without samples, the central estimate alone. Generator hours are central.
    """
    at = nd.sel(area=area)
    quantiles = nd["quantile"].values
    sampled = "water_litres_plan" in nd and bool(np.isfinite(nd["water_litres_plan"].values).any())
    band = f"{quantiles[0] * 100:g}-{quantiles[-1] * 100:g} %" if len(quantiles) and sampled else ""
    statistic = str(nd.attrs.get("plan_statistic", "median"))
    lead = (
        f"each figure the {statistic} over samples, then the {band} range and the central estimate "
        "(every repair at its median)"
        if sampled
        else "no samples: the central estimate (every repair at its median)"
    )
    table = Table(
        title=f"needs per day in {area} ({at['name'].item() if 'name' in at.coords else area}); "
        f"{nd.attrs['samples']} samples, seed {nd.attrs['seed']}\n{lead}; generator hours: central"
    )
    headers = (
        "day",
        "hours",
        "people without water",
        "water [L]",
        "truck trips",
        "exposed to cold",
        "heating places",
        "generator hours",
        "no generator [h]",
        "fuel [L]",
    )
    for header in headers:
        table.add_column(header, justify="left" if header == "day" else "right")

    def cell(name: str, day: int) -> str:
        central = float(at[f"{name}_central"].values[day])
        central_text = "-" if central != central else f"{central:,.0f}"
        if not sampled:
            return central_text
        plan = float(at[f"{name}_plan"].values[day])
        text = f"{statistic} {'-' if plan != plan else f'{plan:,.0f}'}"
        low, high = (float(at[name].values[day, i]) for i in (0, -1))
        if low == low and high == high:
            text += f"\n{low:,.0f}-{high:,.0f}"
        return text + f"\ncentral {central_text}"

    for d, day in enumerate(nd["day"].values):
        table.add_row(
            str(day),
            f"{float(nd['hours'].values[d]):g}",
            cell("water_people", d),
            cell("water_litres", d),
            cell("water_truck_trips", d),
            cell("cold_exposed", d),
            cell("heating_places", d),
            f"{float(at['generator_hours_central'].values[d]):,.0f}",
            f"{float(at['generator_gap_hours_central'].values[d]):,.0f}",
            f"{float(at['generator_fuel_litres_central'].values[d]):,.0f}",
        )
    return table


def comparison_table(comparison: Comparison, area: str) -> Table:
    """A rich table of :meth:`impact.compare.Comparison.summary` for one area: A, B, A - B and the change."""
    frame = comparison.summary(area)
    ds = comparison.dataset
    name_a, name_b = comparison.names
    place = str(ds["name"].sel(area=area).item()) if "name" in ds.coords else area
    table = Table(
        title=f"{name_a} (A) against {name_b} (B)\npeople without service in {area} ({place}); "
        f"difference = A - B, positive: A is worse\ncentral estimates; {ds.attrs['samples_a']} "
        f"samples, seed {ds.attrs['seed_a']}",
        show_edge=False,
    )
    for header in (
        "service",
        "person-days A",
        "person-days B",
        "A - B (change)",
        "peak A",
        "peak B",
        "A - B (change) ",
        "peak time A (local)",
        "peak time B (local)",
    ):
        table.add_column(header, justify="left" if header == "service" else "right")

    def difference(value: float, relative: float) -> str:
        return f"{value:+,.0f}" + ("" if relative != relative else f" ({relative:+.0%})")

    for service, row in frame.iterrows():
        table.add_row(
            str(service),
            f"{row['person_hours_central_a'] / 24:,.0f}",
            f"{row['person_hours_central_b'] / 24:,.0f}",
            difference(row["person_hours_central_difference"] / 24, row["person_hours_central_relative_difference"]),
            f"{row['peak_central_a']:,.0f}",
            f"{row['peak_central_b']:,.0f}",
            difference(row["peak_central_difference"], row["peak_central_relative_difference"]),
            short_time(row["peak_time_a"]),
            short_time(row["peak_time_b"]),
        )
    return table


def _percent(share: float, noise: float = 0.0) -> str:
    """A share in per cent; in brackets when it does not pass its sampling noise (a share of an input that
    does not vary, noise 0, is not); ``-`` when empty."""
    if share != share:
        return "-"
    text = f"{share * 100:.0f} %"
    return text if share > noise or noise == 0 else f"({text})"


def sensitivity_table_for(shares: xr.Dataset, area: str) -> Table:
    """A rich table of one area's variance shares (:func:`impact.sensitivity`): one row per strike or kind
    of input, one column per service, the largest shares first (in brackets when within their sampling
    noise); then the sampling noise of one strike and the person-days."""
    at = shares.sel(area=area)
    by = str(shares.attrs["by"])
    services = [str(s) for s in shares["service"].values]
    values = np.asarray(at["variance_share"].transpose(by, "service").values, dtype=np.float64)
    noise = np.asarray(at["variance_share_noise"].transpose(by, "service").values, dtype=np.float64)
    place = str(at["name"].item()) if "name" in at.coords else area
    table = Table(
        title=f"what drives the range of person-days without service in {area} ({place}), by "
        f"{'strike' if by == 'strike' else 'kind of input'}\n{shares.attrs.get('samples')} samples, seed "
        f"{shares.attrs.get('seed', '-')}; share of the variance over samples explained by each, first order "
        "(docs/method.md, section 5a, 'What drives the range')",
        caption="(in brackets): within sampling noise, cannot be told from an input without effect; "
        "shares need not sum to 100 %",
        show_edge=False,
    )
    if by == "strike":
        labels = [str(s) for s in shares["strike"].values]
        struck = shares["strike_asset"].values if "strike_asset" in shares.coords else [""] * len(labels)
        second = [str(a) for a in struck]
        headers = ("strike", "asset")
    else:
        labels = [str(v) for v in shares["input_label"].values]
        second = [f"{int(c)}" for c in shares["input_variables"].values]
        headers = ("input", "variables that vary")
    for header in (*headers, *services):
        table.add_column(header, justify="left" if header in headers else "right")
    order = np.argsort(-np.nan_to_num(values, nan=-1.0).max(axis=1), kind="stable")
    shown = order[:MOST_SENSITIVITY_ROWS] if by == "strike" else order
    for i in shown:
        table.add_row(labels[i], second[i], *(_percent(v, n) for v, n in zip(values[i], noise[i], strict=True)))
    rest = order[len(shown) :]
    if len(rest):
        most = np.nanmax(values[rest], axis=0, initial=0.0)
        table.add_row(f"{len(rest)} other strikes", "each at most", *(_percent(v) for v in most))
    table.add_section()
    if by == "strike" and len(labels):
        table.add_row("sampling noise", "one strike", *(_percent(v) for v in np.nanmax(noise, axis=0, initial=0.0)))
    mean = at["person_days_mean"].sel(service=services).values
    std = at["person_days_std"].sel(service=services).values
    table.add_row("person-days", "mean ± sd", *(f"{m:,.0f} ± {s:,.0f}" for m, s in zip(mean, std, strict=True)))
    return table
