"""The rich tables and lines the ``impact`` commands print: a run's summary, needs per day and
a comparison of two scenarios."""

from __future__ import annotations

import xarray as xr
from rich.console import Console
from rich.table import Table

from impact.compare import Comparison
from impact.dataset import top_area
from impact.result import Result

__all__ = ["comparison_table", "needs_table_for", "print_observation_scores", "short_time", "summary_table"]


def short_time(iso: str) -> str:
    """``2025-12-19T04:00:00+02:00`` -> ``2025-12-19 04:00 +02:00``."""
    if not iso:
        return "-"
    return f"{iso[:10]} {iso[11:16]} {iso[19:]}"


def summary_table(result: Result) -> Table:
    """A rich table of :meth:`impact.Result.summary` for the top area."""
    frame = result.summary()
    dataset = result.dataset
    quantiles = dataset["quantile"].values
    low = f"{quantiles[0] * 100:g}" if len(quantiles) else "-"
    high = f"{quantiles[-1] * 100:g}" if len(quantiles) else "-"
    area = top_area(dataset)
    table = Table(
        title=f"{dataset.attrs['scenario_title']}\npeople without service in {area} "
        f"({dataset.attrs['samples']} samples, seed {dataset.attrs['seed']})"
    )
    for header in (
        "service",
        "peak (central)",
        f"peak {low}-{high} %",
        "peak time (local)",
        "person-days",
        "hours to 90 % restored",
    ):
        table.add_column(header, justify="left" if header == "service" else "right")
    for service, row in frame.iterrows():
        spread = "-" if row["peak_low"] != row["peak_low"] else f"{row['peak_low']:,.0f} - {row['peak_high']:,.0f}"
        restore = row["restore_90_hours_central"]
        table.add_row(
            str(service),
            f"{row['peak_central']:,.0f}",
            spread,
            short_time(row["peak_time"]),
            f"{row['person_days_central']:,.0f}",
            "not within horizon" if restore != restore else f"{restore:g}",
        )
    return table


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
    """A rich table of one area's needs per local day: central, with the lowest-highest quantile range."""
    at = nd.sel(area=area)
    quantiles = nd["quantile"].values
    band = f"{quantiles[0] * 100:g}-{quantiles[-1] * 100:g} %" if len(quantiles) else ""
    table = Table(
        title=f"needs per day in {area} ({at['name'].item() if 'name' in at.coords else area}); "
        f"{nd.attrs['samples']} samples, seed {nd.attrs['seed']}; central" + (f" and {band}" if band else "")
    )
    headers = ("day", "hours", "people without water", "water [L]", "truck trips", "heating places", "generator hours")
    for header in headers:
        table.add_column(header, justify="left" if header == "day" else "right")

    def cell(name: str, day: int) -> str:
        central = float(at[f"{name}_central"].values[day])
        text = "-" if central != central else f"{central:,.0f}"
        if len(quantiles):
            low, high = (float(at[name].values[day, i]) for i in (0, -1))
            if low == low and high == high:
                text += f"\n{low:,.0f}-{high:,.0f}"
        return text

    for d, day in enumerate(nd["day"].values):
        table.add_row(
            str(day),
            f"{float(nd['hours'].values[d]):g}",
            cell("water_people", d),
            cell("water_litres", d),
            cell("water_truck_trips", d),
            cell("heating_places", d),
            f"{float(at['generator_hours_central'].values[d]):,.0f}",
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
