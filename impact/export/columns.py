"""Output columns: every column of every exported table, declared once as data.

Each column (:class:`OutputColumn`) has a name, an HXL hashtag, a unit and a description, so
the hashtag rows of the CSV and Excel files and the column documentation in the Excel
``metadata`` sheet come from the same place. The tables themselves are built in
:mod:`impact.export.frames`.

HXL hashtags used (``docs/user-guide.md`` lists the exports):

=================================  ===============================================
column                             hashtag
=================================  ===============================================
``area_id``                        ``#x_area+code`` (custom: the row's own area)
``area_name``                      ``#x_area+name``
``area_name_uk``                   ``#x_area+name+i_uk`` (HXL language attribute)
``admin_level``                    ``#x_area+admin_level``
``adm1_code`` … ``adm3_name``      ``#adm1+code``, ``#adm1+name`` … ``#adm3+name``
``service``                        ``#service+name``
``time_local``                     ``#date``
``population``                     ``#population``
``population_source``              ``#meta+source+population``
``people_without_central``         ``#affected+ind+central``
``people_without_mean``            ``#affected+ind+mean``
``people_without_q05`` …           ``#affected+ind+q05`` …
``peak_people_without_*``          ``#affected+ind+peak+central`` / ``+mean`` / ``+q05``
``peak_time_local_central``        ``#date+peak+central``
``person_hours_without_*``         ``#indicator+num+person_hours+central`` …
``restore_90_hours_*``             ``#indicator+num+restore90_hours+central`` …
``*_plan_q50`` …                   ``…+plan+q50`` (the planning statistic)
``outage_beyond_24h_probability``  ``#indicator+num+outage_probability+beyond_24h``
``asset_id``, ``asset_name``       ``#x_asset+code``, ``#x_asset+name``
``asset_kind``                     ``#x_asset+type``
``down_probability``               ``#indicator+num+down_probability``
``down_central``                   ``#indicator+num+down+central``
``strike_id``                      ``#event+code``
``damage_state``                   ``#x_damage_state``
``killed``, ``injured``            ``#affected+killed``, ``#affected+injured``
``input``, ``input_label``         ``#x_input+type``, ``#x_input+name``
``input_variables``                ``#indicator+num+inputs``
``variance_share``                 ``#indicator+num+variance_share``
``variance_share_noise``           ``#indicator+num+variance_share+noise``
``person_days_mean``, ``_std``     ``#indicator+num+person_days+mean`` / ``+sd``
=================================  ===============================================

``+ind`` marks counts of individuals (not households). ``+central`` is the deterministic
estimate from every curve's median, ``+mean`` the Monte Carlo mean and ``+qNN`` the
Monte Carlo quantile NN % (see :func:`impact.dataset.quantile_label`). ``+plan+qNN`` (column
``<statistic>_plan_qNN``, the first of each statistic) is the planning statistic every
headline figure leads with, the result's ``plan_quantile`` (:func:`plan_quantile_for`): the
same numbers as ``<statistic>_qNN``, named so that a table says which statistic leads.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import xarray as xr

from impact.dataset import (
    beyond_label,
    plan_quantile_of,
    quantile_label,
    quantile_labels,
    quantiles_of,
    statistic_name,
    timezone_of,
)

__all__ = [
    "ADMIN_LEVELS",
    "AREA_COLUMNS",
    "POPULATION",
    "POPULATION_SOURCE",
    "SERVICE",
    "OutputColumn",
    "assets_columns",
    "beyond_column_name",
    "beyond_columns",
    "long_columns",
    "plan_column",
    "plan_quantile_for",
    "sensitivity_columns",
    "stat_columns",
    "strikes_columns",
    "summary_columns",
]

#: Admin levels that get ancestor columns (``adm1_code`` … ``adm3_name``).
ADMIN_LEVELS: tuple[int, ...] = (1, 2, 3)


@dataclass(frozen=True)
class OutputColumn:
    """One column of an exported table.

    Parameters
    ----------
    name : str
        Column header.
    hxl : str
        HXL hashtag with attributes, e.g. ``#affected+ind+central``.
    unit : str
        Unit of the values ("" for text).
    description : str
        What the column holds.
    """

    name: str
    hxl: str
    unit: str
    description: str


AREA_COLUMNS: tuple[OutputColumn, ...] = (
    OutputColumn("area_id", "#x_area+code", "", "Area identifier (OCHA COD P-code where one exists)."),
    OutputColumn("area_name", "#x_area+name", "", "Area name."),
    OutputColumn("area_name_uk", "#x_area+name+i_uk", "", "Area name in Ukrainian; empty when not given."),
    OutputColumn("admin_level", "#x_area+admin_level", "", "Administrative level of the area."),
    *(
        col
        for level in ADMIN_LEVELS
        for col in (
            OutputColumn(
                f"adm{level}_code",
                f"#adm{level}+code",
                "",
                f"P-code of the area's admin level {level} unit (itself or an ancestor); "
                "empty when the area is above that level.",
            ),
            OutputColumn(f"adm{level}_name", f"#adm{level}+name", "", f"Name of that ADM{level} unit."),
        )
    ),
)

SERVICE = OutputColumn("service", "#service+name", "", "Service: power, water or heat.")
POPULATION = OutputColumn(
    "population",
    "#population",
    "persons",
    "People living in the area: population_current of areas.csv where given (e.g. adjusted for "
    "displacement), else population.",
)
POPULATION_SOURCE = OutputColumn(
    "population_source",
    "#meta+source+population",
    "",
    "Where the population comes from when population_current is given (areas.csv population_source); empty otherwise.",
)


def plan_quantile_for(ds: xr.Dataset) -> float | None:
    """The planning statistic of a result or needs dataset when it has that quantile, else None [1].

    ``attrs["plan_quantile"]`` (0.5 when absent, :func:`impact.dataset.plan_quantile_of`)
    when it is one of the dataset's quantiles: the tables then lead each statistic with its
    :func:`plan_column`.
    """
    plan = plan_quantile_of(ds)
    return plan if plan in quantiles_of(ds) else None


def plan_column(prefix: str, hxl: str, unit: str, what: str, plan_quantile: float) -> OutputColumn:
    """The planning statistic's column of one statistic: ``{prefix}_plan_qNN``, hashtag ``{hxl}+plan+qNN``.

    Parameters
    ----------
    prefix, hxl, unit, what
        As :func:`stat_columns`.
    plan_quantile : float
        The planning statistic [1].

    Returns
    -------
    OutputColumn
    """
    label = quantile_label(plan_quantile)
    return OutputColumn(
        f"{prefix}_plan_{label}",
        f"{hxl}+plan+{label}",
        unit,
        f"{what}, planning statistic: the {statistic_name(plan_quantile)} over Monte Carlo samples (quantile "
        f"{float(plan_quantile):g}), the headline figure; the same numbers as {prefix}_{label}.",
    )


def stat_columns(
    prefix: str, hxl: str, unit: str, what: str, quantiles: Sequence[float], plan_quantile: float | None = None
) -> list[OutputColumn]:
    """The planning, central, mean and quantile columns of one statistic.

    Parameters
    ----------
    prefix : str
        Column name prefix, e.g. ``people_without``.
    hxl : str
        HXL hashtag base, e.g. ``#affected+ind``; ``+central``, ``+mean`` or ``+qNN`` is added.
    unit : str
        Unit of the values, e.g. ``persons``.
    what : str
        What the statistic is, in words (start of each description).
    quantiles : sequence of float
        Monte Carlo quantiles [1], each giving a ``{prefix}_qNN`` column.
    plan_quantile : float, optional
        The planning statistic [1]: its :func:`plan_column` comes first.

    Returns
    -------
    list of OutputColumn
        ``{prefix}_plan_qNN`` (with ``plan_quantile``), ``{prefix}_central``,
        ``{prefix}_mean``, then one column per quantile.
    """
    cols = [] if plan_quantile is None else [plan_column(prefix, hxl, unit, what, plan_quantile)]
    cols += [
        OutputColumn(
            f"{prefix}_central",
            f"{hxl}+central",
            unit,
            f"{what}, central estimate (every restoration curve at its median).",
        ),
        OutputColumn(f"{prefix}_mean", f"{hxl}+mean", unit, f"{what}, Monte Carlo mean."),
    ]
    for q, label in zip(quantiles, quantile_labels(quantiles), strict=True):
        cols.append(
            OutputColumn(
                f"{prefix}_{label}",
                f"{hxl}+{label}",
                unit,
                f"{what}, Monte Carlo quantile {float(q):g} (numpy 'linear' method).",
            )
        )
    return cols


def beyond_column_name(hours: float) -> str:
    """Column of ``outage_beyond_probability`` at ``hours``: ``outage_beyond_24h_probability``."""
    return f"outage_beyond_{beyond_label(hours)}_probability"


def beyond_columns(ds: xr.Dataset) -> list[OutputColumn]:
    """One column per outage length of ``outage_beyond_probability`` (none when the dataset has none).

    Parameters
    ----------
    ds : xarray.Dataset
        A result dataset (its ``beyond_hours`` coordinate).

    Returns
    -------
    list of OutputColumn
        ``outage_beyond_{X}h_probability`` [1], hashtag
        ``#indicator+num+outage_probability+beyond_{X}h``.
    """
    if "outage_beyond_probability" not in ds.variables:
        return []
    return [
        OutputColumn(
            beyond_column_name(hours),
            f"#indicator+num+outage_probability+beyond_{beyond_label(hours).replace('.', '_')}",
            "1",
            f"Probability that the outage lasts beyond {np.format_float_positional(float(hours), trim='-')} h: "
            "share of Monte Carlo samples whose hours from the peak until at most 10 % of the peak are without "
            "the service exceed it (not restored within the horizon counts as beyond); empty without samples.",
        )
        for hours in ds["beyond_hours"].values
    ]


def long_columns(ds: xr.Dataset) -> list[OutputColumn]:
    """Columns of :func:`impact.export.frames.to_long_dataframe` for this dataset, in order.

    Parameters
    ----------
    ds : xarray.Dataset
        A result dataset (its quantiles name the quantile columns).

    Returns
    -------
    list of OutputColumn
    """
    tz = timezone_of(ds)
    return [
        *AREA_COLUMNS,
        SERVICE,
        OutputColumn("time_local", "#date", "", f"Time step start, local time ({tz}) with UTC offset."),
        POPULATION,
        POPULATION_SOURCE,
        *stat_columns(
            "people_without",
            "#affected+ind",
            "persons",
            "People without the service at this time",
            quantiles_of(ds),
            plan_quantile_for(ds),
        ),
        *heat_state_columns(ds),
        *outdoor_columns(ds),
        *beyond_columns(ds),
    ]


def outdoor_columns(ds: xr.Dataset) -> list[OutputColumn]:
    """The ``outdoor_temperature`` column of the long table, when the result has the variable."""
    if "outdoor_temperature" not in ds.variables:
        return []
    return [
        OutputColumn(
            "outdoor_temperature",
            "#indicator+num+temperature+outdoor",
            "°C",
            "Outdoor air temperature of the area at this time (temperature.csv; empty before the first reading).",
        )
    ]


#: Variables of the heat rows of the long table (issue 15): column prefix -> (HXL base, description).
HEAT_STATES: dict[str, tuple[str, str]] = {
    "people_cold": (
        "#affected+ind+cold",
        "People in homes below the cold threshold ([heat] cold_below_celsius) at this time; on heat rows "
        "only (empty on power and water rows)",
    ),
    "people_drained": (
        "#affected+ind+drained",
        "People whose building heating systems are drained (district heating in frost) at this time; on heat rows only",
    ),
}


def heat_state_columns(ds: xr.Dataset) -> list[OutputColumn]:
    """The ``people_cold_*`` and ``people_drained_*`` columns of the long table, for the variables
    the result has (with ``temperature.csv``; docs/method.md, sections 4d and 4e)."""
    columns: list[OutputColumn] = []
    for prefix, (hxl, what) in HEAT_STATES.items():
        if f"{prefix}_central" in ds.variables:
            columns += stat_columns(prefix, hxl, "persons", what, quantiles_of(ds), plan_quantile_for(ds))
    return columns


def summary_columns(ds: xr.Dataset) -> list[OutputColumn]:
    """Columns of :func:`impact.export.frames.to_summary_dataframe` for this dataset, in order.

    Parameters
    ----------
    ds : xarray.Dataset
        A result dataset.

    Returns
    -------
    list of OutputColumn
    """
    tz = timezone_of(ds)
    qs = quantiles_of(ds)
    plan = plan_quantile_for(ds)
    return [
        *AREA_COLUMNS,
        SERVICE,
        POPULATION,
        POPULATION_SOURCE,
        *stat_columns("peak_people_without", "#affected+ind+peak", "persons", "Peak people without", qs, plan),
        OutputColumn(
            "peak_time_local_central",
            "#date+peak+central",
            "",
            f"Time of the central peak, local time ({tz}); empty if no outage.",
        ),
        *stat_columns(
            "person_hours_without",
            "#indicator+num+person_hours",
            "person hours",
            "Person-hours without the service over the horizon",
            qs,
            plan,
        ),
        *stat_columns(
            "restore_90_hours",
            "#indicator+num+restore90_hours",
            "hours",
            "Hours from the peak until people without first fall to 10 % of the peak or "
            "fewer; empty if not within the horizon",
            qs,
            plan,
        ),
        *beyond_columns(ds),
    ]


def assets_columns(ds: xr.Dataset) -> list[OutputColumn]:
    """Columns of :func:`impact.export.frames.to_assets_dataframe`, in order."""
    tz = timezone_of(ds)
    return [
        OutputColumn("asset_id", "#x_asset+code", "", "Asset identifier."),
        OutputColumn("asset_name", "#x_asset+name", "", "Asset name."),
        OutputColumn("asset_kind", "#x_asset+type", "", "Asset kind."),
        OutputColumn("area_id", "#x_area+code", "", "Area the asset is in."),
        OutputColumn("time_local", "#date", "", f"Time step start, local time ({tz}) with UTC offset."),
        OutputColumn(
            "down_probability",
            "#indicator+num+down_probability",
            "1",
            "Share of Monte Carlo samples in which the asset is down (own damage or a lost "
            "supply); empty without samples.",
        ),
        OutputColumn(
            "down_central",
            "#indicator+num+down+central",
            "1",
            "1 if the asset is down in the central estimate, else 0.",
        ),
    ]


def strikes_columns(ds: xr.Dataset) -> list[OutputColumn]:
    """Columns of :func:`impact.export.frames.to_strikes_dataframe`, in order."""
    tz = timezone_of(ds)
    return [
        OutputColumn("strike_id", "#event+code", "", "Strike identifier."),
        OutputColumn("time_local", "#date", "", f"Time of the strike, local time ({tz})."),
        OutputColumn("asset_id", "#x_asset+code", "", "Asset struck."),
        OutputColumn("asset_name", "#x_asset+name", "", "Name of the asset struck."),
        OutputColumn("damage_state", "#x_damage_state", "", "HAZUS damage state."),
        OutputColumn("killed", "#affected+killed", "persons", "People killed; empty if unknown."),
        OutputColumn("injured", "#affected+injured", "persons", "People injured; empty if unknown."),
    ]


def sensitivity_columns(ds: xr.Dataset) -> list[OutputColumn]:
    """Columns of :func:`impact.export.sensitivity_table.sensitivity_table`, in order.

    Parameters
    ----------
    ds : xarray.Dataset
        A sensitivity dataset of :func:`impact.sensitivity` (``attrs["by"]``: ``strike`` or
        ``input``).

    Returns
    -------
    list of OutputColumn
    """
    samples = ds.attrs.get("samples", "the")
    if ds.attrs.get("by") == "input":
        what = [
            OutputColumn(
                "input",
                "#x_input+type",
                "",
                "Kind of input: damage_state, asset (the asset hit, among candidates), repair_time (the drawn "
                "quantile of the repair-time curve), buffer (drawn buffer hours) or crews (total crew-waiting hours).",
            ),
            OutputColumn("input_label", "#x_input+name", "", "The kind of input in words."),
            OutputColumn(
                "input_variables",
                "#indicator+num+inputs",
                "1",
                "How many variables of this kind vary between samples (0: not uncertain in this scenario).",
            ),
        ]
        share = "the kind of input: the sum of the first-order shares of its variables"
    else:
        what = [
            OutputColumn("strike_id", "#event+code", "", "Strike identifier."),
            OutputColumn(
                "asset_id", "#x_asset+code", "", "Asset struck, as in strikes.csv (candidates with their weights)."
            ),
        ]
        share = "the strike's own draws (its outage hours after crews and, with candidates, the asset hit)"
    return [
        *AREA_COLUMNS,
        SERVICE,
        *what,
        OutputColumn(
            "variance_share",
            "#indicator+num+variance_share",
            "1",
            f"Share of the variance over {samples} samples of person-days without the service explained by "
            f"{share}; first order, bias-corrected, in [0, 1] (docs/method.md, section 5a, 'What "
            "drives the range'). Shares need not sum to 1. Empty where person-days do not vary.",
        ),
        OutputColumn(
            "variance_share_noise",
            "#indicator+num+variance_share+noise",
            "1",
            "Sampling noise of the share: 2 standard deviations of the share of inputs without effect binned "
            "alike (about 95 % of them stay below); a share below it cannot be told from noise.",
        ),
        OutputColumn(
            "person_days_mean",
            "#indicator+num+person_days+mean",
            "person days",
            "Person-days without the service over the horizon, mean over samples.",
        ),
        OutputColumn(
            "person_days_std",
            "#indicator+num+person_days+sd",
            "person days",
            "Person-days without the service over the horizon, standard deviation over samples.",
        ),
    ]
