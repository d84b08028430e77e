"""Factories that build small, valid objects for tests.

``make_result_dataset`` builds a result :class:`xarray.Dataset` by hand, with the layout the
engine produces (``docs/user-guide.md``, section 3), so that exports and figures can be tested without
running the engine. The numbers come from a tiny, transparent model of four assets and three
strikes; they are consistent (parents are sums of their children, quantiles are ordered,
summaries agree with the series) but the factory is not an oracle for the engine.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

#: Areas: (area_id, name, admin_level, parent_id, population of a leaf or None for a parent).
AREAS: tuple[tuple[str, str, int, str, int | None], ...] = (
    ("UA51", "Odeska", 1, "", None),
    ("UA5110", "Odeskyi", 2, "UA51", None),
    ("UA5110027", "Odeska", 3, "UA5110", 1_015_826),
    ("UA5110037", "Chornomorska", 3, "UA5110", 60_000),
    ("UA5104", "Bilhorod-Dnistrovskyi", 2, "UA51", 196_618),
)

#: Assets: (asset_id, name, kind, area_id).
ASSETS: tuple[tuple[str, str, str, str], ...] = (
    ("SUB-01", "Substation 1", "substation", "UA5110027"),
    ("PMP-01", "Pumping station 1", "pumping_station", "UA5110027"),
    ("BLR-01", "Boiler house 1", "boiler_house", "UA5110037"),
    ("PRT-01", "Port terminal", "port", "UA5110027"),
)

#: Strikes: (strike_id, local time, asset_id, damage_state, median hours down, killed, injured).
STRIKES: tuple[tuple[str, str, str, str, float, float, float], ...] = (
    ("S1", "2025-12-19T18:00:00+02:00", "PRT-01", "complete", 60.0, 8.0, 27.0),
    ("S2", "2025-12-20T03:00:00+02:00", "SUB-01", "extensive", 20.0, np.nan, np.nan),
    ("S3", "2025-12-20T06:00:00+02:00", "BLR-01", "moderate", 30.0, 0.0, 2.0),
)

#: Service links: (area_id, service, asset_id, share of the leaf's population [1]).
LINKS: tuple[tuple[str, str, str, float], ...] = (
    ("UA5110027", "power", "SUB-01", 0.6),
    ("UA5110027", "water", "PMP-01", 0.8),
    ("UA5110027", "heat", "SUB-01", 0.3),
    ("UA5110037", "heat", "BLR-01", 0.5),
)

#: PMP-01 needs SUB-01 (no buffer).
DEPENDS_ON: dict[str, str] = {"PMP-01": "SUB-01"}

SERVICES: tuple[str, ...] = ("power", "water", "heat")

#: Outage lengths of ``outage_beyond_probability`` [hours] (the run's default).
BEYOND_HOURS: tuple[float, ...] = (24.0, 72.0, 168.0)


def _down(start_h: np.ndarray, durations_h: np.ndarray, hours: np.ndarray) -> np.ndarray:
    """Down indicator [bool] of shape (..., time) for outages [start, start + duration)."""
    return (hours >= start_h[..., None]) & (hours < (start_h + durations_h)[..., None])


def _summaries(
    series: np.ndarray, times: np.ndarray, step_hours: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Peak, time of peak, person-hours and hours to 90 % restoration of (..., time) series."""
    peak = series.max(axis=-1)
    i_peak = series.argmax(axis=-1)
    peak_time = np.where(peak > 0, times[i_peak], np.datetime64("NaT", "ns"))
    person_hours = series.sum(axis=-1) * step_hours
    n_t = series.shape[-1]
    idx = np.arange(n_t)
    after = (idx >= i_peak[..., None]) & (series <= 0.1 * peak[..., None])
    has = after.any(axis=-1) & (peak > 0)
    first = np.where(has, after.argmax(axis=-1), 0)
    restore = np.where(has, (first - i_peak) * step_hours, np.nan)
    return peak, peak_time, person_hours, restore


def make_result_dataset(
    *,
    hours: int = 72,
    step_minutes: int = 60,
    quantiles: tuple[float, ...] = (0.05, 0.5, 0.95),
    samples: int = 40,
    seed: int = 20251219,
    timezone: str = "Europe/Kyiv",
    start: str = "2025-12-19T00:00:00+02:00",
    area_names: dict[str, str] | None = None,
    asset_names: dict[str, str] | None = None,
    **attrs: Any,
) -> xr.Dataset:
    """Build a small valid result dataset by hand.

    Parameters
    ----------
    hours : int
        Horizon [hours].
    step_minutes : int
        Time step [minutes].
    quantiles : tuple of float
        Quantiles reported [1].
    samples : int
        Monte Carlo samples; 0 leaves every Monte Carlo variable NaN.
    seed : int
        Seed of the generator for the sampled durations.
    timezone : str
        IANA time zone stored in the attributes.
    start : str
        ISO 8601 start with a UTC offset.
    area_names, asset_names : dict of str to str, optional
        Replacement names by id (e.g. to test formula-injection neutralisation).
    **attrs
        Extra or replacement dataset attributes.

    Returns
    -------
    xarray.Dataset
        A result dataset as the engine returns it.
    """
    t0 = pd.Timestamp(start).tz_convert("UTC").tz_localize(None)
    n_t = int(hours * 60 // step_minutes)
    times = pd.date_range(t0, periods=n_t, freq=f"{step_minutes}min").values.astype("datetime64[ns]")
    step_hours = step_minutes / 60.0
    hours_axis = np.arange(n_t) * step_hours

    names = {a[0]: a[1] for a in AREAS} | (area_names or {})
    area_ids = [a[0] for a in AREAS]
    leaves = [a[0] for a in AREAS if a[4] is not None]
    leaf_pop = {a[0]: a[4] for a in AREAS if a[4] is not None}
    parent = {a[0]: a[3] for a in AREAS}

    def descendants_leaves(area: str) -> list[str]:
        out = []
        for leaf in leaves:
            node = leaf
            while node:
                if node == area:
                    out.append(leaf)
                    break
                node = parent[node]
        return out

    population = np.array([sum(leaf_pop[x] for x in descendants_leaves(a)) for a in area_ids], dtype=np.int64)

    strike_h = np.array(
        [(pd.Timestamp(s[1]).tz_convert("UTC").tz_localize(None) - t0) / pd.Timedelta("1h") for s in STRIKES]
    )
    medians = np.array([s[4] for s in STRIKES])
    rng = np.random.default_rng(seed)
    n_s = max(samples, 0)
    draws = medians * rng.lognormal(0.0, 0.5, size=(n_s, len(STRIKES)))
    asset_ids = [a[0] for a in ASSETS]

    def asset_down(durations: np.ndarray) -> np.ndarray:
        """Effective down indicator (..., asset, time) from (..., strike) durations."""
        own = _down(np.broadcast_to(strike_h, durations.shape), durations, hours_axis)
        out = np.zeros((*durations.shape[:-1], len(asset_ids), n_t), dtype=bool)
        for k, s in enumerate(STRIKES):
            out[..., asset_ids.index(s[2]), :] |= own[..., k, :]
        for child, supply in DEPENDS_ON.items():
            out[..., asset_ids.index(child), :] |= out[..., asset_ids.index(supply), :]
        return out

    def people(down: np.ndarray) -> np.ndarray:
        """People without (..., service, area, time) from (..., asset, time) indicators."""
        leaf_values = np.zeros((*down.shape[:-2], len(SERVICES), len(area_ids), n_t))
        for area, service, asset, share in LINKS:
            leaf_values[..., SERVICES.index(service), area_ids.index(area), :] += (
                leaf_pop[area] * share * down[..., asset_ids.index(asset), :]
            )
        out = np.zeros_like(leaf_values)
        for i, area in enumerate(area_ids):
            for leaf in descendants_leaves(area):
                out[..., i, :] += leaf_values[..., area_ids.index(leaf), :]
        return np.round(out)

    central_down = asset_down(medians)
    central = people(central_down)
    shape3 = (len(SERVICES), len(area_ids), n_t)
    nq = len(quantiles)
    if n_s > 0:
        sample_down = asset_down(draws)
        sampled = people(sample_down)
        mean = sampled.mean(axis=0)
        q = np.moveaxis(np.quantile(sampled, quantiles, axis=0, method="linear"), 0, -1)
        prob = sample_down.mean(axis=0)
        s_peak, _, s_ph, s_rest = _summaries(sampled, times, step_hours)
        # restore_90 beyond X hours: NaN with a peak is "not restored within the horizon", beyond any X
        lasting = np.where(np.isnan(s_rest), np.where(s_peak > 0, np.inf, 0.0), s_rest)
        beyond = (lasting[..., None] > np.asarray(BEYOND_HOURS)).mean(axis=0)
        sample_ph = np.moveaxis(s_ph, 0, -1)
        mc = {
            "peak_people_without": s_peak,
            "person_hours_without": s_ph,
            "restore_90_hours": s_rest,
        }
        with warnings.catch_warnings():
            # Areas that never lose service have no restoration time in any sample.
            warnings.simplefilter("ignore", RuntimeWarning)
            mc_q = {
                k: np.moveaxis(np.nanquantile(v, quantiles, axis=0, method="linear"), 0, -1)
                if nq
                else np.zeros((*v.shape[1:], 0))
                for k, v in mc.items()
            }
            mc_mean = {k: np.nanmean(v, axis=0) for k, v in mc.items()}
    else:
        mean = np.full(shape3, np.nan)
        q = np.full((*shape3, nq), np.nan)
        prob = np.full((len(asset_ids), n_t), np.nan)
        nan2 = np.full(shape3[:2], np.nan)
        mc_q = {
            k: np.full((*shape3[:2], nq), np.nan)
            for k in ("peak_people_without", "person_hours_without", "restore_90_hours")
        }
        mc_mean = dict.fromkeys(mc_q, nan2)
        beyond = np.full((*shape3[:2], len(BEYOND_HOURS)), np.nan)
        sample_ph = np.zeros((*shape3[:2], 0))
    c_peak, c_time, c_ph, c_rest = _summaries(central, times, step_hours)

    sa = ("service", "area")
    saq = ("service", "area", "quantile")

    def var(dims, values, units, long_name):
        return xr.Variable(dims, values, {"units": units, "long_name": long_name})

    data_vars = {
        "people_without": var(("service", "area", "time", "quantile"), q, "persons", "people without service"),
        "people_without_mean": var(("service", "area", "time"), mean, "persons", "people without service, mean"),
        "people_without_central": var(
            ("service", "area", "time"), central, "persons", "people without service, central"
        ),
        "population": var(("area",), population, "persons", "population"),
        "asset_down_probability": var(("asset", "time"), prob, "1", "probability that the asset is down"),
        "asset_down_central": var(("asset", "time"), central_down.astype(np.int8), "1", "asset down, central"),
        "peak_people_without_central": var(sa, c_peak, "persons", "peak people without"),
        "peak_time_central": xr.Variable(sa, c_time.astype("datetime64[ns]"), {"long_name": "time of the peak (UTC)"}),
        "person_hours_without_central": var(sa, c_ph, "person hours", "person-hours without"),
        "restore_90_hours_central": var(sa, c_rest, "hours", "hours to restore 90 %"),
    }
    long_names = {
        "peak_people_without": ("persons", "peak people without"),
        "person_hours_without": ("person hours", "person-hours without"),
        "restore_90_hours": ("hours", "hours to restore 90 %"),
    }
    for key, (units, long_name) in long_names.items():
        data_vars[key] = var(saq, mc_q[key], units, f"{long_name}, quantiles")
        data_vars[f"{key}_mean"] = var(sa, mc_mean[key], units, f"{long_name}, mean")
    data_vars["peak_time_central"].attrs["units"] = "UTC"
    data_vars["outage_beyond_probability"] = var(
        ("service", "area", "beyond_hours"), beyond, "1", "probability that the outage lasts beyond beyond_hours"
    )
    data_vars["person_hours_without_sample"] = var(
        ("service", "area", "sample"), sample_ph, "person hours", "person-hours without, per sample"
    )

    anames = {a[0]: a[1] for a in ASSETS} | (asset_names or {})
    coords = {
        "service": ("service", np.array(SERVICES, dtype=object)),
        "area": ("area", np.array(area_ids, dtype=object)),
        "name": ("area", np.array([names[a] for a in area_ids], dtype=object)),
        "admin_level": ("area", np.array([a[2] for a in AREAS], dtype=np.int64)),
        "parent_id": ("area", np.array([a[3] for a in AREAS], dtype=object)),
        "time": ("time", times),
        "quantile": ("quantile", np.array(quantiles, dtype=np.float64)),
        "beyond_hours": ("beyond_hours", np.array(BEYOND_HOURS, dtype=np.float64), {"units": "hours"}),
        "asset": ("asset", np.array(asset_ids, dtype=object)),
        "asset_name": ("asset", np.array([anames[a] for a in asset_ids], dtype=object)),
        "asset_kind": ("asset", np.array([a[2] for a in ASSETS], dtype=object)),
        "asset_area": ("asset", np.array([a[3] for a in ASSETS], dtype=object)),
        "strike": ("strike", np.array([s[0] for s in STRIKES], dtype=object)),
        "strike_time": (
            "strike",
            np.array(
                [pd.Timestamp(s[1]).tz_convert("UTC").tz_localize(None) for s in STRIKES],
                dtype="datetime64[ns]",
            ),
        ),
        "strike_asset": ("strike", np.array([s[2] for s in STRIKES], dtype=object)),
        "damage_state": ("strike", np.array([s[3] for s in STRIKES], dtype=object)),
        "killed": ("strike", np.array([s[5] for s in STRIKES], dtype=np.float64)),
        "injured": ("strike", np.array([s[6] for s in STRIKES], dtype=np.float64)),
    }
    ds_attrs: dict[str, Any] = {
        "scenario_id": "test-2025-12",
        "scenario_title": "Test scenario: strikes on Odesa, December 2025",
        "timezone": timezone,
        "start": start,
        "step_minutes": step_minutes,
        "horizon_hours": hours,
        "samples": samples,
        "seed": seed,
        "model_version": "0.1.0",
        "quantile_method": "linear",
        "plan_quantile": 0.5,
        "plan_statistic": "median",
        "sources": "OCHA COD-AB Ukraine (HDX cod-ab-ukr)\nHAZUS EQ Technical Manual",
        "caveats": "Illustrative test data; not a forecast.",
        "persons_per_household": 2.6,
    }
    ds_attrs.update(attrs)
    return xr.Dataset(data_vars, coords=coords, attrs=ds_attrs)
