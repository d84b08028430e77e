"""What the page shows, computed from a result: pure functions, no Dash import.

The callbacks call these and turn their output into components; tests call them directly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import xarray as xr

from dash_app.text import statistic_label
from dash_app.views.baseline import BaselineFigures
from impact.areas import AreaTree, ancestors_attribute
from impact.dataset import (
    beyond_label,
    local_times,
    plan_quantile_of,
    plan_values,
    quantiles_of,
    samples_of,
    timezone_of,
    top_area,
)
from impact.scenario.weighted import alternative_values

__all__ = [
    "INDENT",
    "MOST_AREA_LINES",
    "MOST_ASSET_LINES",
    "MOST_MAP_AREAS",
    "NEEDS_BY_SERVICE",
    "REST_AREA",
    "Kpi",
    "NeedsView",
    "area_lines",
    "area_options",
    "beyond_field",
    "busiest_assets",
    "children",
    "default_window",
    "descendants",
    "kpis",
    "local_label",
    "local_labels",
    "map_level",
    "needs_view",
    "plan_of",
    "ranked_areas",
    "time_marks",
    "view_dataset",
]

#: Indentation per hierarchy level in the area picker (an em space).
INDENT = "\u2003"


def _tree(ds: xr.Dataset) -> AreaTree:
    """The areas of ``ds`` and their parents (the dataset's own areas only)."""
    return AreaTree.from_pairs(ds["area"].values, ds["parent_id"].values)


def area_options(ds: xr.Dataset) -> list[dict[str, str]]:
    """Dropdown options in hierarchy order (oblast, its raions, their hromadas), indented by level."""
    name = dict(zip((str(a) for a in ds["area"].values), (str(n) for n in ds["name"].values), strict=True))
    return [{"label": f"{INDENT * depth}{name[area]} ({area})", "value": area} for area, depth in _tree(ds).hierarchy()]


def descendants(ds: xr.Dataset, area: str) -> list[str]:
    """``area`` and every area below it, in dataset order."""
    return _tree(ds).descendants_of(area)


def local_labels(ds: xr.Dataset) -> list[str]:
    """Local time of every step, ``2025-12-19 04:00 +02:00``."""
    times = local_times(ds["time"].values, timezone_of(ds))
    return [f"{t:%Y-%m-%d %H:%M} {t.isoformat()[-6:]}" for t in times]


def local_label(ds: xr.Dataset, step: int) -> str:
    """Local time of one step, ``2025-12-19 04:00 +02:00``."""
    moment = local_times(ds["time"].values[step : step + 1], timezone_of(ds))[0]
    return f"{moment:%Y-%m-%d %H:%M} {moment.isoformat()[-6:]}"


def time_marks(ds: xr.Dataset, most: int = 8) -> dict[int, str]:
    """Slider marks at local midnights, at most ``most`` of them, labelled ``19 Dec``."""
    times = local_times(ds["time"].values, timezone_of(ds))
    midnights = [k for k, t in enumerate(times) if t.hour == 0 and t.minute == 0]
    if not midnights:
        midnights = [0]
    stride = max(1, int(np.ceil(len(midnights) / most)))
    return {int(k): f"{times[k]:%d %b}" for k in midnights[::stride]}


def default_window(ds: xr.Dataset, margin_steps: int = 48, shortest_steps: int = 168) -> tuple[int, int]:
    """Time window shown first: from the start to ``margin_steps`` after the last step at which
    anyone in the top area is without a service (central estimate), at least ``shortest_steps``."""
    steps = ds.sizes["time"]
    outage = (ds["people_without_central"].sel(area=top_area(ds)) > 0).any("service").values
    last = int(np.flatnonzero(outage)[-1]) if outage.any() else 0
    return 0, int(min(steps - 1, max(last + margin_steps, shortest_steps)))


@dataclass(frozen=True)
class Kpi:
    """Figures of one KPI card (one service in one area) [persons unless stated].

    ``now``, ``peak`` and ``restore_hours`` lead the card: the planning statistic named by
    ``statistic`` (``median``, ``90th percentile``), or the central estimate for a run
    without samples. ``central_now``, ``central_peak``, ``peak_time`` and ``restored_by``
    are the central estimate, the card's reference line. ``beyond`` pairs each outage length
    [hours] with the probability that the outage lasts beyond it [1].
    """

    service: str
    now: float
    now_low: float
    now_high: float
    peak: float
    peak_low: float
    peak_high: float
    peak_time: str
    restored_by: str
    restore_hours_low: float
    restore_hours_high: float
    population: int
    unmodified_now: float | None = None
    unmodified_peak: float | None = None
    baseline: BaselineFigures | None = None
    statistic: str = "central (every repair at its median)"
    central_now: float = np.nan
    central_peak: float = np.nan
    restore_hours: float = np.nan
    beyond: tuple[tuple[float, float], ...] = ()


def _local(ds: xr.Dataset, value: np.datetime64) -> pd.Timestamp | None:
    if pd.isna(value):
        return None
    return pd.Timestamp(value).tz_localize("UTC").tz_convert(timezone_of(ds))


def plan_of(ds: xr.Dataset, plan_quantile: float | None = None) -> float | None:
    """The planning statistic the page leads with: ``plan_quantile`` (default the run's) when the
    run has samples and that quantile, else None (the central estimate leads) [1]."""
    plan = plan_quantile_of(ds) if plan_quantile is None else float(plan_quantile)
    sampled = samples_of(ds) > 0 and plan in quantiles_of(ds)
    return plan if sampled else None


def _lead(array: xr.DataArray, central: xr.DataArray, plan: float | None) -> float:
    """The planning statistic of ``array`` (quantile dimension), or ``central`` without one."""
    return float(central) if plan is None else float(plan_values(array, plan))


def kpis(
    ds: xr.Dataset,
    area: str,
    step: int,
    unmodified: xr.Dataset | None = None,
    baseline: dict[str, BaselineFigures] | None = None,
    plan_quantile: float | None = None,
) -> list[Kpi]:
    """KPI figures per service for ``area`` at time step ``step``.

    ``now`` is the planning statistic (``plan_quantile``, default the run's; the central
    estimate without samples) at the cursor with the lowest-highest quantile range; ``peak``
    the planning statistic of the per-sample peaks with their range; ``restore_hours`` that
    of the per-sample hours from peak to 90 % restored, with their range. The central
    estimate is the reference: ``central_now``, ``central_peak``, its peak time and
    ``restored_by``, the local time at which 90 % of the central peak is back (empty when
    not within the horizon). ``beyond``: the probability that the outage lasts beyond each
    of the run's ``beyond_hours``. ``unmodified`` (the run without the what-if on screen)
    adds its figures now and at peak, in the same statistic; ``baseline`` (per service, a
    baseline scenario B's central figures and A - B, see
    :func:`dash_app.views.baseline.baseline_figures`) adds those.
    """
    at = ds.sel(area=area)
    has_quantiles = ds.sizes["quantile"] > 0
    plan = plan_of(ds, plan_quantile)
    other = None if unmodified is None else unmodified.sel(area=area)
    cards = []
    for service in (str(s) for s in ds["service"].values):
        s = at.sel(service=service)
        quantile = s["people_without"].isel(time=step) if has_quantiles else None
        peak_time = _local(ds, s["peak_time_central"].values)
        restore = float(s["restore_90_hours_central"])
        restored = ""
        if peak_time is not None and np.isfinite(restore):
            back = peak_time + pd.Timedelta(hours=restore)
            restored = f"{back:%d %b %H:%M}"
        elif peak_time is not None:
            restored = "not within horizon"
        central_now = s["people_without_central"].isel(time=step)
        beyond = s["outage_beyond_probability"] if "outage_beyond_probability" in s else None
        cards.append(
            Kpi(
                service=service,
                now=_lead(quantile, central_now, plan),
                now_low=float(quantile.isel(quantile=0)) if has_quantiles else np.nan,
                now_high=float(quantile.isel(quantile=-1)) if has_quantiles else np.nan,
                peak=_lead(s["peak_people_without"], s["peak_people_without_central"], plan),
                peak_low=float(s["peak_people_without"].isel(quantile=0)) if has_quantiles else np.nan,
                peak_high=float(s["peak_people_without"].isel(quantile=-1)) if has_quantiles else np.nan,
                peak_time=f"{peak_time:%d %b %H:%M}" if peak_time is not None else "",
                restored_by=restored,
                restore_hours_low=float(s["restore_90_hours"].isel(quantile=0)) if has_quantiles else np.nan,
                restore_hours_high=float(s["restore_90_hours"].isel(quantile=-1)) if has_quantiles else np.nan,
                population=int(at["population"]),
                unmodified_now=_unmodified(other, service, step, plan),
                unmodified_peak=_unmodified(other, service, None, plan),
                baseline=(baseline or {}).get(service),
                statistic=statistic_label(plan),
                central_now=float(central_now),
                central_peak=float(s["peak_people_without_central"]),
                restore_hours=_lead(s["restore_90_hours"], s["restore_90_hours_central"], plan),
                beyond=()
                if beyond is None
                else tuple(zip(beyond["beyond_hours"].values.tolist(), beyond.values.tolist(), strict=True)),
            )
        )
    return cards


def _unmodified(at: xr.Dataset | None, service: str, step: int | None, plan: float | None) -> float | None:
    """The run without the what-if in the card's statistic: now (``step``) or at peak (None); None without it."""
    if at is None:
        return None
    s = at.sel(service=service)
    if step is None:
        return _lead(s["peak_people_without"], s["peak_people_without_central"], plan)
    return _lead(s["people_without"].isel(time=step), s["people_without_central"].isel(time=step), plan)


def beyond_field(hours: float) -> str:
    """Field of the areas table holding the probability that the outage lasts beyond ``hours``: ``beyond_24h``."""
    return f"beyond_{beyond_label(hours).replace('.', '_')}"


def ranked_areas(
    ds: xr.Dataset, service: str, step: int, area: str | None = None, plan_quantile: float | None = None
) -> list[dict]:
    """Rows of the areas table: areas under ``area`` (default all) ranked by people without at ``step``.

    Each row: ``area_id``, ``name``, ``admin_level``, ``people_without`` (the planning
    statistic, ``plan_quantile`` or the run's; central without samples) [persons],
    ``central`` [persons], ``low`` / ``high`` (lowest / highest quantile) [persons],
    ``population`` [persons], ``share`` of ``people_without`` [%, 0-100], and per outage
    length X of the run ``beyond_{X}h`` (:func:`beyond_field`): the probability that the
    outage lasts beyond X hours [%, 0-100; None without samples].
    """
    ids = descendants(ds, area or top_area(ds))
    at = ds.isel(time=step).sel(service=service, area=ids)
    plan = plan_of(ds, plan_quantile)
    central = at["people_without_central"].values
    lead = central if plan is None else plan_values(at["people_without"], plan).values
    population = at["population"].values.astype(float)
    has_quantiles = ds.sizes["quantile"] > 0
    low = at["people_without"].isel(quantile=0).values if has_quantiles else np.full(len(ids), np.nan)
    high = at["people_without"].isel(quantile=-1).values if has_quantiles else np.full(len(ids), np.nan)
    beyond = {}
    if "outage_beyond_probability" in at:
        for hours in at["beyond_hours"].values:
            shares = 100.0 * at["outage_beyond_probability"].sel(beyond_hours=hours).values
            beyond[beyond_field(hours)] = [None if np.isnan(v) else round(float(v), 1) for v in shares]
    rows = [
        {
            "area_id": a,
            "name": str(n),
            "admin_level": int(lv),
            "people_without": float(c),
            "central": float(centre),
            "low": None if np.isnan(lo) else float(lo),
            "high": None if np.isnan(hi) else float(hi),
            "population": int(p),
            "share": round(float(100.0 * c / p), 1) if p > 0 else 0.0,
            **{field: values[k] for field, values in beyond.items()},
        }
        for k, (a, n, lv, c, centre, lo, hi, p) in enumerate(
            zip(ids, at["name"].values, at["admin_level"].values, lead, central, low, high, population, strict=True)
        )
    ]
    return sorted(rows, key=lambda row: (-row["people_without"], row["area_id"]))


#: Needs the needs panel shows per service: (variable prefix, column header, whether it has quantiles).
NEEDS_BY_SERVICE: dict[str, tuple[tuple[str, str, bool], ...]] = {
    "water": (
        ("water_people", "people without water (mean over the day)", True),
        ("water_litres", "water to deliver [litres]", True),
        ("water_truck_trips", "water-truck trips", True),
        ("site_water_litres", "water for critical sites [litres] (central)", False),
    ),
    "heat": (
        ("cold_exposed", "people exposed to cold (most at once)", True),
        ("heating_places", "heating-point places (most at once)", True),
    ),
    "power": (
        ("generator_hours", "generator hours at critical sites (central estimate)", False),
        ("generator_gap_hours", "hours at critical sites without a generator (central)", False),
        ("generator_fuel_litres", "generator fuel [litres] (central)", False),
    ),
}


@dataclass(frozen=True)
class NeedsView:
    """What the needs panel shows: one area, one service, the days of the time window.

    Attributes
    ----------
    title : str
        Area and days shown.
    columns : list of (str, str)
        Variable prefix and header of each need column.
    rows : list of dict
        One per local day: ``day`` (``YYYY-MM-DD``), ``hours`` of the day on the time axis,
        and per need ``<prefix>`` (central), ``<prefix>_low`` and ``<prefix>_high`` (lowest
        and highest quantile; None when there is none). Litres [L], trips, places [persons],
        generator hours [hours].
    band : str
        The quantile range, e.g. ``5–95 %`` ("" without Monte Carlo samples).
    note : str
        The planning figures used and where their definitions are.
    statistic : str
        What each row's ``<prefix>`` is: the planning statistic (``median``, ``90th
        percentile``), then ``<prefix>_central`` is the central estimate; without samples the
        central estimate itself (``<prefix>_central`` then None).
    """

    title: str
    columns: list[tuple[str, str]]
    rows: list[dict]
    band: str
    note: str
    statistic: str = "central (every repair at its median)"


def _maybe(value: float) -> float | None:
    return None if not np.isfinite(value) else float(value)


def needs_view(nd: xr.Dataset, ds: xr.Dataset, service: str, area: str, window: tuple[int, int]) -> NeedsView:
    """Needs of ``area`` for the service ``service`` on the local days of the time window.

    Parameters
    ----------
    nd : xarray.Dataset
        Needs of the run (:func:`impact.needs`).
    ds : xarray.Dataset
        The run's result dataset (for the time axis of the window). Each need leads with
        ``nd``'s planning statistic (``<need>_plan``), the central estimate its reference.
    service : str
        Selected service: water shows people without water, water to deliver and truck
        trips; heat heating-point places; power the generator hours of critical sites.
    area : str
    window : (int, int)
        First and last time step of the window (inclusive).

    Returns
    -------
    NeedsView
    """
    first, last = int(window[0]), int(window[1])
    days_in_window = set(local_times(ds["time"].values[first : last + 1], timezone_of(ds)).strftime("%Y-%m-%d"))
    at = nd.sel(area=area)
    quantiles = [float(q) for q in nd["quantile"].values]
    sampled = bool(quantiles) and bool(np.isfinite(at["water_litres"].values).any()) and "water_litres_plan" in nd
    band = f"{quantiles[0] * 100:g}–{quantiles[-1] * 100:g} %" if sampled else ""
    needs = NEEDS_BY_SERVICE.get(service, NEEDS_BY_SERVICE["water"])
    rows = []
    for d, day in enumerate(str(v) for v in nd["day"].values):
        if day not in days_in_window:
            continue
        row: dict = {"day": day, "hours": float(nd["hours"].values[d])}
        for prefix, _header, has_range in needs:
            central = _maybe(float(at[f"{prefix}_central"].values[d]))
            planned = has_range and sampled
            row[prefix] = _maybe(float(at[f"{prefix}_plan"].values[d])) if planned else central
            row[f"{prefix}_central"] = central if planned else None
            low = high = None
            if planned:
                low = _maybe(float(at[prefix].values[d, 0]))
                high = _maybe(float(at[prefix].values[d, -1]))
            row[f"{prefix}_low"], row[f"{prefix}_high"] = low, high
        rows.append(row)
    name = str(at["name"].values) if "name" in at.coords else area
    shown = "no day" if not rows else rows[0]["day"] if len(rows) == 1 else f"{rows[0]['day']} to {rows[-1]['day']}"
    note = (
        f"Water {nd.attrs['water_litres_per_person_day']:g} L per person per day (Sphere), trucks of "
        f"{nd.attrs['truck_capacity_litres']:,.0f} L; heating-point places for heat outages of "
        f"{nd.attrs['heating_after_hours']:g} h or more; generator hours: critical sites without grid power "
        f"(central estimate). {nd.attrs['temperature']}. Definitions and sources: docs/needs.md."
    )
    return NeedsView(
        title=f"Needs per day in {name} ({area}), {shown}",
        columns=[(prefix, header) for prefix, header, _ in needs],
        rows=rows,
        band=band,
        note=note,
        statistic=statistic_label(float(nd.attrs["plan_quantile"]) if sampled else None),
    )


def view_dataset(ds: xr.Dataset, service: str, area: str, window: tuple[int, int]) -> xr.Dataset:
    """The part of a result on screen: one service, the area and those below it, the time window.

    Parameters
    ----------
    ds : xarray.Dataset
        Full result.
    service : str
    area : str
    window : (int, int)
        First and last time step shown (inclusive).

    Returns
    -------
    xarray.Dataset
        A result dataset of the same structure, exportable with :func:`impact.export.export`.
    """
    first, last = int(window[0]), int(window[1])
    keep = descendants(ds, area)
    view = ds.sel(service=[service], area=keep).isel(time=slice(first, last + 1))
    view.attrs = dict(
        ds.attrs,
        view=f"service {service}, area {area} and below, steps {first}-{last}",
        view_note="summaries (peaks, person-hours, restoration) are those of the full run",
        ancestors=ancestors_attribute(ds, area),
    )
    return view


# --- what the charts draw at scale --------------------------------------------------------

#: Most lines of the "one line per area below" timeline; the rest are summed into one more line.
MOST_AREA_LINES = 8

#: Most bubbles on the map; with more leaf areas it draws a coarser admin level.
MOST_MAP_AREAS = 300

#: Most assets in the asset status chart; with more struck assets it draws those down longest.
MOST_ASSET_LINES = 15

#: Id of the line that sums the areas not drawn one by one.
REST_AREA = "rest"


def children(ds: xr.Dataset, area: str) -> list[str]:
    """Areas whose parent is ``area``, in dataset order."""
    return _tree(ds).children(area)


def area_lines(
    ds: xr.Dataset, service: str, area: str, most: int = MOST_AREA_LINES
) -> tuple[xr.Dataset, list[str], str]:
    """What the "one line per area below" timeline draws: ``area``'s children, at most ``most`` one by one.

    With more than ``most + 1`` children, the ``most`` with the highest central peak of
    ``service`` are drawn one by one and the others summed into one line (id
    :data:`REST_AREA`): exact totals, fewer lines than colours to tell apart.

    Parameters
    ----------
    ds : xarray.Dataset
        A result.
    service, area : str
    most : int
        Lines drawn one by one.

    Returns
    -------
    lines : xarray.Dataset
        ``people_without_central`` (service, area, time) [persons] of the lines, with
        ``name`` on ``area`` and ``ds``'s attributes; ``ds`` itself when nothing is summed.
    areas : list of str
        Area ids of the lines, in drawing order (:data:`REST_AREA` last when present).
    note : str
        What was summed (empty when nothing was), for the figure.
    """
    below = children(ds, area) or [area]
    if len(below) <= most + 1:
        return ds, below, ""
    peaks = ds["peak_people_without_central"].sel(service=service, area=below).values
    order = sorted(range(len(below)), key=lambda k: (-np.nan_to_num(peaks[k], nan=-1.0), below[k]))
    drawn = [below[k] for k in order[:most]]
    rest = [below[k] for k in order[most:]]
    central = ds["people_without_central"].sel(service=[service])
    shown = central.sel(area=drawn).reset_coords(drop=True)
    summed = central.sel(area=rest).sum("area").reset_coords(drop=True).expand_dims(area=[REST_AREA], axis=1)
    names = [str(n) for n in ds["name"].sel(area=drawn).values] + [f"{len(rest)} other areas, summed"]
    lines = xr.Dataset({"people_without_central": xr.concat([shown, summed], dim="area")}, attrs=ds.attrs)
    lines = lines.assign_coords(name=("area", names))
    parent = str(ds["name"].sel(area=area).values)
    note = (
        f"the {most} of {len(below)} areas below {parent} with the highest peak; "
        f"the other {len(rest)} summed in one line"
    )
    return lines, [*drawn, REST_AREA], note


def map_level(ds: xr.Dataset, most: int = MOST_MAP_AREAS) -> tuple[int | None, str]:
    """Admin level the map draws: the leaf areas (None) when at most ``most``, else the finest level that fits.

    Returns
    -------
    level : int or None
        For :func:`impact.figures.area_map`'s ``level``; None for the leaf areas.
    note : str
        Empty for the leaves; else which level is drawn and why, for the figure.
    """
    leaves = len(_tree(ds).leaves())
    if leaves <= most:
        return None, ""
    counts = pd.Series(ds["admin_level"].values.astype(int)).value_counts()
    fitting = sorted(level for level, count in counts.items() if count <= most)
    level = int(fitting[-1]) if fitting else int(counts.index.min())
    drawn = int(counts[level])
    return level, (
        f"admin level {level} ({drawn:,} area{'' if drawn == 1 else 's'}): the {leaves:,} smallest "
        "areas are too many to draw"
    )


def busiest_assets(ds: xr.Dataset, most: int = MOST_ASSET_LINES) -> tuple[list[str] | None, str]:
    """Assets the asset status chart draws: every struck one, or the ``most`` expected down longest.

    Returns
    -------
    assets : list of str or None
        The struck assets (in strike order, as :func:`impact.figures.asset_status` draws
        them by default) when there are at most ``most``; else the ``most`` struck assets
        with the most expected hours down (sum over time of the probability down, or of
        the central 0/1 status without samples), in strike order. None when nothing is
        struck (the chart's default then applies).
    note : str
        Empty, or how many were left out, for the figure.
    """
    if "strike_asset" not in ds.coords or "asset" not in ds.dims:
        return None, ""
    known = {str(a) for a in ds["asset"].values}
    named = (a for cell in ds["strike_asset"].values for a in alternative_values(str(cell), known))  # candidates too
    struck = [a for a in dict.fromkeys(named) if a in known]
    if not struck:
        return None, ""
    if len(struck) <= most:
        return struck, ""
    down = ds["asset_down_probability"].sel(asset=struck).sum("time").values
    if not np.isfinite(down).any() or not down.any():
        down = ds["asset_down_central"].sel(asset=struck).sum("time").values.astype(float)
    order = sorted(range(len(struck)), key=lambda k: (-np.nan_to_num(down[k], nan=-1.0), k))
    keep = set(order[:most])
    return [a for k, a in enumerate(struck) if k in keep], (
        f"the {most} of {len(struck)} struck assets with the most expected hours down"
    )
