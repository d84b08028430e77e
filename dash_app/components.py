"""Dash components the callbacks fill in: KPI cards and the needs and comparison tables.

Each takes what :mod:`dash_app.views` computed and returns Dash components; no data work.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
import numpy as np
import pandas as pd
from dash import html

from dash_app.text import CENTRAL_LABEL, beyond_text, format_count, range_text, service_label, signed
from dash_app.views import Kpi, NeedsView
from dash_app.views.baseline import comparison_rows

__all__ = ["compare_table_component", "kpi_card", "needs_table_component"]


def _baseline_line(kpi: Kpi) -> html.Div | str:
    """The card's line on a baseline scenario B: B's figures and A - B, now and at peak."""
    baseline = kpi.baseline
    if baseline is None:
        return ""
    return html.Div(
        [
            html.Strong(f"B ({baseline.name}), central "),
            f"{format_count(baseline.now)} now, A − B {signed(baseline.now_difference)}",
            html.Br(),
            f"peak {format_count(baseline.peak)}, A − B {signed(baseline.peak_difference)}",
        ],
        className="small mt-1 kpi-baseline",
        id=f"kpi-{kpi.service}-baseline",
    )


def _unmodified_line(kpi: Kpi, label: str) -> str:
    """The card's line on the run without the what-if, e.g. ``without the what-if: 1,234 now, 2,345 at peak``."""
    if kpi.unmodified_now is None:
        return ""
    return f"{label}: {format_count(kpi.unmodified_now)} now, {format_count(kpi.unmodified_peak)} at peak"


def _central_line(kpi: Kpi) -> html.Div | str:
    """The card's reference line: the central estimate now, at its peak and when 90 % is back."""
    if kpi.statistic == CENTRAL_LABEL:  # no samples: the central estimate leads the card itself
        return ""
    peak = f"peak {format_count(kpi.central_peak)} on {kpi.peak_time}" if kpi.peak_time else "no outage"
    back = f", 90 % back {kpi.restored_by}" if kpi.peak_time else ""
    return html.Div(
        [html.Strong(f"{CENTRAL_LABEL}: "), f"{format_count(kpi.central_now)} now, {peak}{back}"],
        className="small text-muted mt-1",
        id=f"kpi-{kpi.service}-central",
    )


def kpi_card(kpi: Kpi, unmodified_label: str = "without the what-if") -> dbc.Col:
    """One KPI card: the planning statistic (named) leads, the central estimate is a reference line;
    ``unmodified_label`` names the run without the what-if (when one is on screen)."""
    restore_range = range_text(kpi.restore_hours_low, kpi.restore_hours_high, " h after peak")
    now = [
        f"{kpi.statistic} at the cursor · {100 * kpi.now / max(kpi.population, 1):.0f} % of population",
        html.Br(),
        range_text(kpi.now_low, kpi.now_high),
    ]
    if kpi.statistic == CENTRAL_LABEL:
        peak_figure = f"{format_count(kpi.peak)} on {kpi.peak_time}" if kpi.peak_time else "none"
        back = kpi.restored_by or "no outage"
    else:
        peak_figure = f"{format_count(kpi.peak)} ({kpi.statistic})"
        back = "no outage" if kpi.restore_hours == 0 else _hours_after_peak(kpi)
    peak = [
        html.Strong("Peak "),
        peak_figure,
        html.Br(),
        html.Span(range_text(kpi.peak_low, kpi.peak_high), className="text-muted"),
    ]
    restore = [html.Strong("90 % back "), back, html.Br()]
    body = [
        html.H3(f"Without {service_label(kpi.service).lower()}", className="h6 mb-1"),
        html.Div(format_count(kpi.now), className="fs-4 fw-bold", id=f"kpi-{kpi.service}-now"),
        html.Div(now, className="small text-muted", id=f"kpi-{kpi.service}-statistic"),
        html.Div(peak, className="small mt-1"),
        html.Div([*restore, html.Span(restore_range, className="text-muted")], className="small mt-1"),
        html.Div(beyond_text(kpi.beyond), className="small mt-1", id=f"kpi-{kpi.service}-beyond"),
        _central_line(kpi),
        html.Div(_unmodified_line(kpi, unmodified_label), className="small text-primary mt-1"),
        _baseline_line(kpi),
    ]
    return dbc.Col(dbc.Card(dbc.CardBody(body), className=f"h-100 border-top border-4 kpi-{kpi.service}"), md=4)


def _hours_after_peak(kpi: Kpi) -> str:
    """``105 h after the peak (median)``; ``not within the horizon (median)``."""
    hours = kpi.restore_hours
    when = f"{format_count(hours)} h after the peak" if np.isfinite(hours) else "not within the horizon"
    return f"{when} ({kpi.statistic})"


def _needs_cell(row: dict, prefix: str, band: str, digits: str = ",.0f") -> list:
    """A need's leading figure (the planning statistic, or the central estimate without samples), its
    quantile range on a second line and the central estimate on a third."""
    lead = row[prefix]
    cell: list = [html.Strong("–" if lead is None else format(lead, digits))]
    low, high = row[f"{prefix}_low"], row[f"{prefix}_high"]
    if low is not None and high is not None:
        cell += [html.Br(), html.Span(f"{band}: {format(low, digits)}–{format(high, digits)}", className="text-muted")]
    central = row.get(f"{prefix}_central")
    if central is not None:
        cell += [html.Br(), html.Span(f"central: {format(central, digits)}", className="text-muted")]
    return cell


def needs_table_component(view: NeedsView) -> list:
    """The needs table's header and body for a :class:`~dash_app.views.NeedsView`."""
    headers = [html.Th("day"), html.Th("hours", className="text-end")]
    headers += [html.Th(header, className="text-end") for _prefix, header in view.columns]
    rows = [
        html.Tr(
            [
                html.Td(row["day"]),
                html.Td(f"{row['hours']:g}", className="text-end"),
                *[html.Td(_needs_cell(row, prefix, view.band), className="text-end") for prefix, _h in view.columns],
            ]
        )
        for row in view.rows
    ]
    empty = [html.Tr(html.Td("No day in the time window.", colSpan=2 + len(view.columns)))]
    return [html.Thead(html.Tr(headers)), html.Tbody(rows or empty)]


def _peak_cell(value: str, band: str) -> list:
    return [html.Strong(value), html.Br(), html.Span(band, className="text-muted")] if band else [value]


def compare_table_component(summary: pd.DataFrame) -> list:
    """The comparison table's header and body: per service person-hours and peaks of A, B and A - B."""
    headers = ["person-hours A", "person-hours B", "A − B", "peak A", "peak B", "A − B", "peak time A", "peak time B"]
    head = html.Thead(html.Tr([html.Th("service"), *[html.Th(h, className="text-end") for h in headers]]))
    body = html.Tbody(
        [
            html.Tr(
                [
                    html.Td(row["service"]),
                    html.Td(row["hours_a"], className="text-end"),
                    html.Td(row["hours_b"], className="text-end"),
                    html.Td(row["hours_difference"], className="text-end fw-semibold"),
                    html.Td(_peak_cell(row["peak_a"], row["peak_range_a"]), className="text-end"),
                    html.Td(_peak_cell(row["peak_b"], row["peak_range_b"]), className="text-end"),
                    html.Td(row["peak_difference"], className="text-end fw-semibold"),
                    html.Td(row["peak_time_a"], className="text-end"),
                    html.Td(row["peak_time_b"], className="text-end"),
                ]
            )
            for row in comparison_rows(summary)
        ]
    )
    return [head, body]
