"""The page's words and number formats: one table of service names, one number formatter.

Pure functions, no Dash import.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from impact.dataset import statistic_name

__all__ = [
    "CENTRAL_ESTIMATE",
    "CENTRAL_LABEL",
    "GRID_NONE",
    "GRID_TAB",
    "GRID_ZONE_LABEL",
    "SERVICES",
    "SERVICE_LABELS",
    "SERVICE_WORDS",
    "UNMODIFIED_STATUS",
    "beyond_text",
    "day_label",
    "format_count",
    "grid_note",
    "percent",
    "plan_choice_label",
    "probability",
    "range_text",
    "service_label",
    "service_word",
    "signed",
    "statistic_label",
]

#: Each service's name as a label (filters, headings) and as a word in running text and table rows.
SERVICES: dict[str, tuple[str, str]] = {
    "power": ("Electricity", "electricity"),
    "water": ("Water", "water"),
    "heat": ("Heating", "heating"),
}

#: Labels of the services (``power`` -> ``Electricity``), from :data:`SERVICES`.
SERVICE_LABELS: dict[str, str] = {service: label for service, (label, _word) in SERVICES.items()}

#: Words of the services in running text (``power`` -> ``electricity``), from :data:`SERVICES`.
SERVICE_WORDS: dict[str, str] = {service: word for service, (_label, word) in SERVICES.items()}


#: The what-if status line while no what-if is on screen (the page shows the unmodified run).
UNMODIFIED_STATUS = "Showing the unmodified run."

#: How the central estimate is named wherever it is shown beside the planning statistic.
CENTRAL_LABEL = "central (every repair at its median)"

#: The same in running text.
CENTRAL_ESTIMATE = "central estimate (every repair at its median)"


#: The label of the tab of the grid's capacity balance (shown only when the run has a grid).
GRID_TAB = "Grid: demand not met"

#: The grid tab's note for a run without a grid (the tab is not shown then; a what-if keeps the grid).
GRID_NONE = "This run has no grid capacity balance: no asset of assets.csv has capacity_mw."

#: The label of the grid zone picker (shown only when the grid has several zones).
GRID_ZONE_LABEL = "Grid zone"


def grid_note(samples: int | None) -> str:
    """How to read the grid tab: what the deficit share is, how it is shed, the band over ``samples`` samples
    (none without samples)."""
    band = f"the shaded band is the range over the {samples:,} samples its legend names; " if samples else ""
    return (
        "Share of the zone's electricity demand that its supply still up (capacity_mw of assets.csv, "
        "plants and substations after the cascade) cannot meet; demand from [grid] of scenario.toml. "
        "The grid sheds that share by rotating cuts among the zone's customers, queue after queue, "
        "critical sites (pumping stations, water treatment, boiler houses) excepted: those cuts are the "
        f"shaded 'emergency and scheduled cuts' on the electricity timeline. Central line: every repair "
        f"at its median; {band}Hover for the zone's demand and the shortfall [MW]."
    )


def statistic_label(q: float | None) -> str:
    """What a headline figure is: ``median``, ``90th percentile``; the central estimate for None (no samples)."""
    return CENTRAL_LABEL if q is None else statistic_name(q)


def plan_choice_label(q: float) -> str:
    """A choice of the planning statistic control: ``median`` for 0.5, else the percentage, ``90 %``."""
    return "median" if float(q) == 0.5 else f"{float(q) * 100:g} %"


def probability(share: float) -> str:
    """A probability as a whole percentage, ``86 %``; ``–`` when missing."""
    if share is None or not np.isfinite(share):
        return "–"
    return f"{share * 100:.0f} %"


def beyond_text(beyond: tuple[tuple[float, float], ...]) -> str:
    """``outage beyond 24 h: 100 %, 72 h: 86 %, 168 h: 22 %``; empty without any (or without samples)."""
    shown = [(hours, share) for hours, share in beyond if share is not None and np.isfinite(share)]
    if not shown:
        return ""
    return "outage beyond " + ", ".join(f"{hours:g} h: {probability(share)}" for hours, share in shown)


def service_label(service: str) -> str:
    """``Electricity`` for ``power``; an unknown service as it is."""
    return SERVICE_LABELS.get(str(service), str(service))


def service_word(service: str) -> str:
    """``electricity`` for ``power``; an unknown service as it is."""
    return SERVICE_WORDS.get(str(service), str(service))


def format_count(value: Any) -> str:
    """A count of people or hours as the page prints it: ``1,234``; ``–`` when missing or not finite."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return "–"
    return f"{number:,.0f}" if np.isfinite(number) else "–"


def range_text(low: float, high: float, unit: str = "") -> str:
    """The 5–95 % range of a figure, e.g. ``5–95 %: 1,000–2,000 h after peak``; empty without ``low``."""
    if low is None or not np.isfinite(low):
        return ""
    if high is None or not np.isfinite(high):  # e.g. hours to 90 % restored: some samples never within the horizon
        return f"5–95 %: {format_count(low)}{unit} to beyond the horizon"
    if low == high:
        return f"5–95 %: {format_count(low)}{unit} (no spread)"
    return f"5–95 %: {format_count(low)}–{format_count(high)}{unit}"


def signed(value: float, relative: float | None = None) -> str:
    """A difference with its sign (``+1,234``, ``−56``, ``0``) and the relative change, e.g. ``(+12 %)``."""
    if value is None or not np.isfinite(value):
        return "–"
    text = "0" if round(value) == 0 else f"{value:+,.0f}".replace("-", "−")
    if relative is not None and np.isfinite(relative) and round(value) != 0:
        text += f" ({relative * 100:+.0f} %)".replace("-", "−")
    return text


def percent(fraction: float) -> str:
    """A signed fraction as a percentage with a space before the sign, e.g. ``+6 %``, ``−12 %``;
    one decimal under 1 % so that a small error keeps its sign and size (``−0.5 %``, never ``−0 %``)."""
    value = fraction * 100
    digits = 1 if 0 < abs(value) < 0.95 else 0
    return f"{value:+.{digits}f} %".replace("-", "−")


def day_label(text: str) -> str:
    """``2025-12-19T04:00:00+02:00`` as ``19 Dec 04:00``; empty as ``no outage``."""
    if not text:
        return "no outage"
    return f"{pd.Timestamp(text):%d %b %H:%M}"
