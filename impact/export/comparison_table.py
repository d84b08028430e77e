"""A comparison as tables: one row per (service, area), and the time series, with HXL hashtags.

The comparison itself is computed by :func:`impact.compare.compare`; this module lays its
dataset out for the CSV and Excel exports (``difference = A - B``, ``relative_difference =
(A - B) / B``; see :mod:`impact.compare` for the sign convention).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from impact.dataset import iso_local, quantile_label, timezone_of
from impact.export.columns import OutputColumn

__all__ = [
    "COMPARISON_METADATA_KEYS",
    "SIDES",
    "STATISTICS",
    "comparison_columns",
    "comparison_table",
    "time_series_table",
]

#: Suffix of each side's variables and columns: A, B, A - B, (A - B) / B.
SIDES: tuple[str, ...] = ("a", "b", "difference", "relative_difference")

#: Per (service, area) statistics compared: (variable, HXL base, HXL base of the relative difference, unit,
#: description).
STATISTICS: tuple[tuple[str, str, str, str, str], ...] = (
    (
        "person_hours_without",
        "#indicator+num+person_hours",
        "#indicator+num+person_hours",
        "person hours",
        "Person-hours without the service over the compared window",
    ),
    ("peak_people_without", "#affected+ind+peak", "#indicator+num+peak", "persons", "Peak people without the service"),
)

#: HXL attribute of each side.
_SIDE_HXL = {
    "a": "+scenario",
    "b": "+baseline",
    "difference": "+difference",
    "relative_difference": "+relative_difference",
}

#: Attributes of a comparison dataset listed in the ``metadata`` sheet, in order.
COMPARISON_METADATA_KEYS: tuple[str, ...] = (
    "title",
    "sign_convention",
    "name_a",
    "name_b",
    "scenario_id_a",
    "scenario_id_b",
    "scenario_title_a",
    "scenario_title_b",
    "samples_a",
    "samples_b",
    "seed_a",
    "seed_b",
    "timezone",
    "window_start",
    "window_end",
    "step_minutes",
    "areas_only_in_a",
    "areas_only_in_b",
    "model_version",
    "units",
)


def _ids(values: Any) -> list[str]:
    return [str(v) for v in np.asarray(values)]


def comparison_columns(dataset: xr.Dataset) -> list[OutputColumn]:
    """Columns of :func:`comparison_table`, in order, with HXL hashtags, units and meanings.

    Parameters
    ----------
    dataset : xarray.Dataset
        A comparison dataset (:attr:`impact.compare.Comparison.dataset`).

    Returns
    -------
    list of OutputColumn
    """
    tz = timezone_of(dataset)
    a, b = dataset.attrs.get("name_a", "A"), dataset.attrs.get("name_b", "B")
    side_text = {
        "a": f"A ({a})",
        "b": f"B ({b})",
        "difference": "A minus B",
        "relative_difference": "(A minus B) / B, a fraction; empty where B is 0 and A is not",
    }
    columns = [
        OutputColumn("area_id", "#x_area+code", "", "Area identifier (OCHA COD P-code where one exists)."),
        OutputColumn("area_name", "#x_area+name", "", "Area name."),
        OutputColumn("admin_level", "#x_area+admin_level", "", "Administrative level of the area."),
        OutputColumn("parent_id", "#x_area+parent+code", "", "Parent area; empty for the top area."),
        OutputColumn("service", "#service+name", "", "Service: power, water or heat."),
        OutputColumn(
            "population_a", "#population+scenario", "persons", f"People living in the area, {side_text['a']}."
        ),
        OutputColumn(
            "population_b", "#population+baseline", "persons", f"People living in the area, {side_text['b']}."
        ),
    ]
    labels = [quantile_label(q) for q in dataset["quantile"].values]
    for stat, hxl, relative_hxl, unit, description in STATISTICS:
        kinds = [("central", "+central", "central estimate"), ("mean", "+mean", "Monte Carlo mean")]
        kinds += [
            (label, f"+{label}", f"Monte Carlo quantile {q:g} (each side's quantile)")
            for label, q in zip(labels, dataset["quantile"].values, strict=True)
        ]
        for kind, kind_hxl, kind_text in kinds:
            for side in SIDES:
                relative = side == "relative_difference"
                base = relative_hxl if relative else hxl
                columns.append(
                    OutputColumn(
                        f"{stat}_{kind}_{side}",
                        base + kind_hxl + _SIDE_HXL[side],
                        "1" if relative else unit,
                        f"{description}, {kind_text}, {side_text[side]}.",
                    )
                )
    columns += [
        OutputColumn(
            "peak_time_local_central_a",
            "#date+peak+central+scenario",
            "",
            f"Time of the central peak in A, local time ({tz}); empty if no outage.",
        ),
        OutputColumn(
            "peak_time_local_central_b",
            "#date+peak+central+baseline",
            "",
            f"Time of the central peak in B, local time ({tz}); empty if no outage.",
        ),
        OutputColumn(
            "peak_time_shift_hours",
            "#indicator+num+peak_shift_hours+central",
            "hours",
            "Time of the central peak, A minus B (positive: A peaks later); empty if either has no outage.",
        ),
    ]
    return columns


def comparison_table(dataset: xr.Dataset) -> pd.DataFrame:
    """One row per (service, area): every statistic for A, B, A - B and (A - B) / B.

    Parameters
    ----------
    dataset : xarray.Dataset
        A comparison dataset (:attr:`impact.compare.Comparison.dataset`).

    Returns
    -------
    pandas.DataFrame
        Columns as :func:`comparison_columns`: area id, name, admin level, parent,
        service, populations [persons], ``person_hours_without_{central,mean,qNN}_{a,b,
        difference,relative_difference}`` [person hours; relative: 1],
        ``peak_people_without_..._...`` [persons; relative: 1], the local time of each
        central peak and ``peak_time_shift_hours`` [hours]. Rows by service, then area.
    """
    services = _ids(dataset["service"].values)
    areas = _ids(dataset["area"].values)
    n_s, n_a = len(services), len(areas)
    area_index = np.tile(np.arange(n_a), n_s)

    def coord(name: str, default: Any) -> np.ndarray:
        if name in dataset.coords:
            return np.asarray(["" if v is None else v for v in dataset[name].values], dtype=object)
        return np.full(n_a, default, dtype=object)

    data: dict[str, Any] = {
        "area_id": np.asarray(areas, dtype=object)[area_index],
        "area_name": coord("name", "")[area_index],
        "admin_level": coord("admin_level", 0).astype(np.int64)[area_index],
        "parent_id": coord("parent_id", "")[area_index],
        "service": np.repeat(np.asarray(services, dtype=object), n_a),
        "population_a": dataset["population_a"].values[area_index],
        "population_b": dataset["population_b"].values[area_index],
    }
    labels = [quantile_label(q) for q in dataset["quantile"].values]
    for stat, *_ in STATISTICS:
        for side in SIDES:
            for kind in ("central", "mean"):
                data[f"{stat}_{kind}_{side}"] = (
                    dataset[f"{stat}_{kind}_{side}"].transpose("service", "area").values.reshape(-1)
                )
            if labels:
                values = dataset[f"{stat}_{side}"].transpose("service", "area", "quantile").values
                for j, label in enumerate(labels):
                    data[f"{stat}_{label}_{side}"] = values[:, :, j].reshape(-1)
    tz = timezone_of(dataset)
    for side in ("a", "b"):
        data[f"peak_time_local_central_{side}"] = iso_local(
            dataset[f"peak_time_central_{side}"].transpose("service", "area").values.reshape(-1), tz
        )
    data["peak_time_shift_hours"] = dataset["peak_time_shift_hours"].transpose("service", "area").values.reshape(-1)
    columns = comparison_columns(dataset)
    return pd.DataFrame({c.name: data[c.name] for c in columns})


def time_series_table(dataset: xr.Dataset) -> tuple[pd.DataFrame, list[OutputColumn]]:
    """Central and mean people without per (service, area, time): A, B and A - B.

    Parameters
    ----------
    dataset : xarray.Dataset
        A comparison dataset (:attr:`impact.compare.Comparison.dataset`).

    Returns
    -------
    pandas.DataFrame
        One row per (service, area, local time): ``area_id``, ``area_name``, ``service``,
        ``time_local`` and ``people_without_{central,mean}_{a,b,difference}`` [persons].
    list of OutputColumn
        Its columns.
    """
    services, areas = _ids(dataset["service"].values), _ids(dataset["area"].values)
    n_s, n_a, n_t = len(services), len(areas), dataset.sizes["time"]
    area_index = np.tile(np.repeat(np.arange(n_a), n_t), n_s)
    names = (
        np.asarray(dataset["name"].values, dtype=object) if "name" in dataset.coords else np.full(n_a, "", dtype=object)
    )
    tz = timezone_of(dataset)
    data: dict[str, Any] = {
        "area_id": np.asarray(areas, dtype=object)[area_index],
        "area_name": names[area_index],
        "service": np.repeat(np.asarray(services, dtype=object), n_a * n_t),
        "time_local": np.tile(iso_local(dataset["time"].values, tz), n_s * n_a),
    }
    columns = [
        OutputColumn("area_id", "#x_area+code", "", "Area identifier."),
        OutputColumn("area_name", "#x_area+name", "", "Area name."),
        OutputColumn("service", "#service+name", "", "Service: power, water or heat."),
        OutputColumn("time_local", "#date", "", f"Time step start, local time ({tz}) with UTC offset."),
    ]
    for series, text in (("people_without_central", "central estimate"), ("people_without_mean", "Monte Carlo mean")):
        kind = series.rsplit("_", 1)[1]
        for side, hxl, side_text in (
            ("a", "+scenario", "A"),
            ("b", "+baseline", "B"),
            ("difference", "+difference", "A minus B"),
        ):
            name = f"{series}_{side}"
            data[name] = dataset[name].transpose("service", "area", "time").values.reshape(-1)
            columns.append(
                OutputColumn(
                    name,
                    f"#affected+ind+{kind}{hxl}",
                    "persons",
                    f"People without the service at this time, {text}, {side_text}.",
                )
            )
    return pd.DataFrame({c.name: data[c.name] for c in columns}), columns
