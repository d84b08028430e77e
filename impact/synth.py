"""Synthetic national scenarios: a Ukraine-shaped network for benchmarks and tests.

:func:`write_synthetic` writes a scenario folder (``docs/data-format.md``) that loads with
:func:`impact.load_scenario`, is reproducible from its seed (same arguments give the same
bytes) and has the shape of the real problem without being real data:

* areas: the country ``UA`` -> 27 oblast-level units (the real COD P-codes and names of the
  oblasts, Crimea, Kyiv and Sevastopol) -> raions (``UA0502``) -> hromadas (``UA0502001``);
  more than 1,469 leaf areas switch to settlement scale, with settlement leaves
  (``UA0502001003``) under the hromadas. About 41 million people, heavy-tailed across leaves
  (one large centre per oblast, lognormal elsewhere); parents' populations are left empty.
* assets: transmission and distribution substations, power and CHP plants, gas nodes, water
  intakes, treatment plants, reservoirs and pumping stations, boiler houses and a few ports,
  each at the (coarse, synthetic) centroid of the area it lies in.
* dependencies in layers (gas -> generation -> transmission -> distribution -> water -> heat),
  so there is never a cycle, with OR-groups and buffers (generators, storage, reserve fuel).
* service links: every leaf gets power (1-4 substations, up to 12 for the largest cities) and
  water; urban leaves get heat.
* strikes in night-time waves, mostly on substations, damage skewed to moderate and extensive,
  some assets struck more than once.
* boundaries (``boundaries.geojson``): each leaf's polygon is the Voronoi cell of its point,
  clipped to a hull of all the points (:func:`voronoi_cells`); each parent's is the union of
  its children's, so every level of the map has polygons without dissolving anything.

Nothing here is a map of real infrastructure: oblast names, P-code shapes and oblast
population weights are real (rounded); every raion, hromada, settlement, asset, link,
strike and boundary is random. See ``docs/synthetic.md``.
"""

from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from impact.areas import AreaTree
from impact.boundaries import BOUNDARIES_FILE, COORDINATE_DECIMALS, Boundaries
from impact.export.atomic import atomic_folder

__all__ = [
    "BBOX",
    "BOUNDARIES_ATTRIBUTION",
    "FIRST_DAY",
    "GENERATOR_VERSION",
    "HROMADAS",
    "MAX_LINKS",
    "MIN_AREAS",
    "MIN_ASSETS",
    "POPULATION",
    "RAIONS",
    "SETTLEMENTS",
    "TIMEZONE",
    "URBAN_PEOPLE",
    "build_synthetic",
    "voronoi_cells",
    "write_synthetic",
]

#: Version of the generator; part of the README so a folder says what wrote it.
GENERATOR_VERSION = "1"

#: Hromadas in Ukraine after the 2020 reform; more leaf areas than this means settlement scale.
HROMADAS = 1469
#: Settlements in Ukraine after the 2020 decentralisation reform (136 raions, 1,469 hromadas).
SETTLEMENTS = 28656
#: Level-2 units at national scale: 136 raions plus one each for Kyiv and Sevastopol cities.
RAIONS = 138
#: People in all (about 41 million, State Statistics Service estimate for 2022).
POPULATION = 41_000_000
#: Time zone of the scenario.
TIMEZONE = "Europe/Kyiv"
#: First wave day (local midnight is the start of the time axis): early winter, heating season.
FIRST_DAY = (2025, 11, 15)
#: Ukraine's bounding box (degrees): south, north, west, east.
BBOX = (44.4, 52.4, 22.1, 40.2)
#: Smallest sizes the generator supports.
MIN_AREAS = 27
MIN_ASSETS = 50

# Oblast-level units: P-code, name, population in thousands (rounded 2022 estimates, used only
# as relative weights), raions (2020 reform), hromadas (2020 reform; synthetic for Crimea),
# largest city in thousands (rounded, used as the size of the oblast's centre), centroid
# latitude and longitude, spread of the synthetic raion centroids (degrees), coastal.
_OBLASTS: tuple[tuple[str, str, int, int, int, int, float, float, float, bool], ...] = (
    ("UA01", "Autonomous Republic of Crimea", 1900, 10, 30, 340, 45.30, 34.20, 0.40, True),
    ("UA05", "Vinnytska oblast", 1510, 6, 63, 370, 49.10, 28.50, 0.60, False),
    ("UA07", "Volynska oblast", 1020, 4, 54, 215, 51.20, 24.90, 0.55, False),
    ("UA12", "Dnipropetrovska oblast", 3100, 7, 86, 970, 48.40, 35.00, 0.70, False),
    ("UA14", "Donetska oblast", 4060, 8, 66, 900, 48.00, 37.80, 0.60, True),
    ("UA18", "Zhytomyrska oblast", 1180, 4, 66, 264, 50.50, 28.50, 0.60, False),
    ("UA21", "Zakarpatska oblast", 1245, 6, 64, 115, 48.40, 23.30, 0.40, False),
    ("UA23", "Zaporizka oblast", 1640, 5, 67, 710, 47.30, 35.50, 0.55, True),
    ("UA26", "Ivano-Frankivska oblast", 1350, 6, 62, 238, 48.80, 24.50, 0.45, False),
    ("UA32", "Kyivska oblast", 1795, 7, 69, 210, 50.30, 30.60, 0.70, False),
    ("UA35", "Kirovohradska oblast", 905, 4, 49, 222, 48.40, 32.00, 0.60, False),
    ("UA44", "Luhanska oblast", 2100, 8, 37, 400, 48.90, 39.20, 0.55, False),
    ("UA46", "Lvivska oblast", 2480, 7, 73, 717, 49.80, 24.00, 0.55, False),
    ("UA48", "Mykolaivska oblast", 1090, 4, 52, 470, 47.30, 31.80, 0.55, True),
    ("UA51", "Odeska oblast", 2350, 7, 91, 1016, 46.70, 29.90, 0.70, True),
    ("UA53", "Poltavska oblast", 1350, 4, 60, 279, 49.60, 34.00, 0.60, False),
    ("UA56", "Rivnenska oblast", 1140, 4, 64, 244, 51.00, 26.50, 0.55, False),
    ("UA59", "Sumska oblast", 1035, 5, 51, 259, 51.00, 34.20, 0.60, False),
    ("UA61", "Ternopilska oblast", 1020, 3, 55, 225, 49.40, 25.60, 0.45, False),
    ("UA63", "Kharkivska oblast", 2600, 7, 56, 1420, 49.60, 36.50, 0.65, False),
    ("UA65", "Khersonska oblast", 1000, 5, 49, 283, 46.60, 33.50, 0.55, True),
    ("UA68", "Khmelnytska oblast", 1230, 3, 60, 274, 49.40, 27.00, 0.55, False),
    ("UA71", "Cherkaska oblast", 1160, 4, 66, 272, 49.20, 31.50, 0.55, False),
    ("UA73", "Chernivetska oblast", 890, 3, 52, 265, 48.30, 25.90, 0.35, False),
    ("UA74", "Chernihivska oblast", 960, 5, 57, 285, 51.40, 32.00, 0.65, False),
    ("UA80", "Kyiv city", 2950, 1, 1, 2950, 50.45, 30.52, 0.03, False),
    ("UA85", "Sevastopol city", 430, 1, 1, 430, 44.60, 33.50, 0.03, True),
)
#: Oblast-level units that are a single city (one raion, one hromada).
_CITIES = frozenset({"UA80", "UA85"})
#: Oblasts given a port, in order (Odesa oblast has three of the first six).
_PORT_OBLASTS = ("UA51", "UA48", "UA51", "UA65", "UA51", "UA23", "UA14", "UA01")
#: Oblasts near the front line: waves focus on them more often.
_EAST = frozenset({"UA14", "UA44", "UA63", "UA23", "UA65", "UA12", "UA59", "UA48"})

# Shares of all assets by role; distribution substations take the rest.
_FRACTIONS = {
    "transmission": (132 / 2000, 3),
    "power_plant": (0.006, 1),
    "chp_plant": (0.006, 1),
    "gas_node": (0.03, 2),
    "water_intake": (0.02, 1),
    "water_treatment": (0.02, 1),
    "pumping_station": (0.12, 3),
    "reservoir": (0.04, 1),
    "boiler_house": (0.10, 2),
}
# role -> kind, restoration class, id prefix, generic name
_ROLES = {
    "transmission": ("substation", "electric_substation", "TS", "Transmission substation (330/110 kV)"),
    "distribution": ("substation", "electric_substation", "DS", "Distribution substation (110/10 kV)"),
    "power_plant": ("power_plant", "generation_plant", "PP", "Power plant"),
    "chp_plant": ("chp_plant", "chp_plant", "CHP", "CHP plant"),
    "gas_node": ("gas_node", "gas_node", "GAS", "Gas distribution node"),
    "water_intake": ("water_intake", "pumping_plant", "WI", "Water intake"),
    "water_treatment": ("water_treatment", "water_treatment_plant", "WTP", "Water treatment plant"),
    "reservoir": ("reservoir", "water_storage_tank", "RES", "Clean-water reservoir"),
    "pumping_station": ("pumping_station", "pumping_plant", "PS", "Water pumping station"),
    "boiler_house": ("boiler_house", "boiler_house", "BH", "Boiler house cluster"),
    "port": ("port", "port", "PORT", "Sea port"),
}
_ROLE_ORDER = tuple(_ROLES)
_ROLE_NAMES = {
    "transmission": "transmission substations",
    "distribution": "distribution substations",
    "power_plant": "power plants",
    "chp_plant": "CHP plants",
    "gas_node": "gas nodes",
    "water_intake": "water intakes",
    "water_treatment": "water treatment plants",
    "reservoir": "reservoirs",
    "pumping_station": "pumping stations",
    "boiler_house": "boiler houses",
    "port": "ports",
}
# Strike targets: role -> weight.
_TARGETS = {
    "transmission": 0.40,
    "distribution": 0.22,
    "power_plant": 0.04,
    "chp_plant": 0.05,
    "gas_node": 0.05,
    "pumping_station": 0.06,
    "water_treatment": 0.02,
    "water_intake": 0.02,
    "reservoir": 0.01,
    "boiler_house": 0.08,
    "port": 0.05,
}
_DAMAGE = ("none", "slight", "moderate", "extensive", "complete")
_DAMAGE_P = (0.05, 0.12, 0.38, 0.33, 0.12)
#: Largest number of links of one (leaf, service) (the fast engine counts levels up to 12).
MAX_LINKS = 12
#: Leaves with at least this many people count as urban (district heating).
URBAN_PEOPLE = 10_000
_SOURCE = "synthetic: impact.synth"
#: Attribution of the synthetic boundaries, written to ``[boundaries]`` and the GeoJSON file.
BOUNDARIES_ATTRIBUTION = "SYNTHETIC boundaries: Voronoi cells of random points (impact.synth), not real borders"
#: Hull around the leaves' points: ratio of :func:`shapely.concave_hull` (0 most concave, 1 the
#: convex hull) and buffer [degrees of latitude, about 28 km]. Assumption, chosen by eye so the
#: national outline has no deep notches between oblasts.
_HULL_RATIO = 0.4
_HULL_BUFFER = 0.25
#: Radius of the circle the sites of leaves sharing a point are spread on [degrees, about 1 m]:
#: far below the coordinates' rounding, so the shared point becomes the corner of every cell.
_SHARED_POINT_SPREAD = 1e-5


@dataclass
class _Areas:
    """Leaf areas as arrays, plus the rows of areas.csv."""

    rows: list[list[str]]
    leaf_ids: list[str]
    leaf_oblast: np.ndarray  # int, index into _OBLASTS
    leaf_lat: np.ndarray
    leaf_lon: np.ndarray
    leaf_pop: np.ndarray  # int64
    level: int  # admin level of the leaves
    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class _Assets:
    """Assets as parallel lists and arrays."""

    ids: list[str] = field(default_factory=list)
    role: list[str] = field(default_factory=list)
    leaf: list[int] = field(default_factory=list)
    by_role: dict[str, np.ndarray] = field(default_factory=dict)


def _apportion(total: int, weights: np.ndarray, minimum: int = 0) -> np.ndarray:
    """Split ``total`` into whole parts proportional to ``weights`` (largest remainder)."""
    weights = np.asarray(weights, dtype=np.float64)
    count = len(weights)
    rest = total - minimum * count
    if rest < 0:
        raise ValueError(f"cannot give {count} parts at least {minimum} each out of {total}")
    exact = weights / weights.sum() * rest
    parts = np.floor(exact).astype(np.int64)
    left = rest - int(parts.sum())
    order = np.argsort(-(exact - parts), kind="stable")
    parts[order[:left]] += 1
    return parts + minimum


def _fmt(value: float, digits: int = 4) -> str:
    """Deterministic decimal text: rounded, trailing zeros dropped."""
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _scatter(rng: np.random.Generator, lat: np.ndarray, lon: np.ndarray, spread: np.ndarray):
    """Points scattered around centres, clipped to Ukraine's bounding box, rounded to 3 decimals."""
    south, north, west, east = BBOX
    new_lat = lat + rng.normal(0.0, 1.0, len(lat)) * spread
    new_lon = lon + rng.normal(0.0, 1.0, len(lon)) * spread * 1.5
    return (np.round(np.clip(new_lat, south, north), 3), np.round(np.clip(new_lon, west, east), 3))


# --------------------------------------------------------------------------- areas


def _build_areas(rng: np.random.Generator, areas: int) -> _Areas:
    """The admin tree and the leaves' populations and centroids."""
    settlement_scale = areas > HROMADAS
    hromadas = min(HROMADAS, max(MIN_AREAS, round(areas * HROMADAS / SETTLEMENTS))) if settlement_scale else areas
    raions_total = min(hromadas, max(MIN_AREAS, round(RAIONS * hromadas / HROMADAS)))
    codes = [o[0] for o in _OBLASTS]
    cities = np.array([code in _CITIES for code in codes])
    n_oblasts = len(_OBLASTS)

    # hromadas per oblast: city units get one, the others share the rest by their real counts
    hromadas_per = np.ones(n_oblasts, dtype=np.int64)
    hromadas_per[~cities] = _apportion(
        hromadas - int(cities.sum()), np.array([o[4] for o in _OBLASTS])[~cities], minimum=1
    )
    scale = (raions_total - int(cities.sum())) / (RAIONS - int(cities.sum()))
    raions_per = np.array(
        [
            1 if city else min(int(h), max(1, round(o[3] * scale)))
            for o, city, h in zip(_OBLASTS, cities, hromadas_per, strict=True)
        ]
    )

    # oblast populations (exact total), centre and lognormal hromada sizes
    oblast_pop = _apportion(POPULATION, np.array([o[2] for o in _OBLASTS], dtype=np.float64))

    rows: list[list[str]] = [["UA", "Ukraine (SYNTHETIC)", "0", "", "", "48.4", "31.2", _SOURCE]]
    raion_rows: list[list[str]] = []
    hromada_rows: list[list[str]] = []
    h_ids: list[str] = []
    h_oblast: list[int] = []
    h_lat: list[float] = []
    h_lon: list[float] = []
    h_pop: list[int] = []
    h_centre: list[bool] = []
    for o, (code, name, _pop_k, _r, _h, centre_k, lat, lon, spread, _coast) in enumerate(_OBLASTS):
        rows.append([code, name, "1", "UA", "", _fmt(lat, 3), _fmt(lon, 3), _SOURCE])
        n_r, n_h = int(raions_per[o]), int(hromadas_per[o])
        r_lat, r_lon = _scatter(rng, np.full(n_r, lat), np.full(n_r, lon), np.full(n_r, spread))
        per_raion = _apportion(n_h, rng.lognormal(0.0, 0.35, n_r), minimum=1)
        weights = rng.lognormal(0.0, 0.85, n_h)
        centre = int(rng.integers(n_h))
        total = int(oblast_pop[o])
        if n_h == 1:
            pops = np.array([total], dtype=np.int64)
        else:
            centre_pop = round(total * min(0.9, centre_k / _pop_k))
            weights[centre] = 0.0
            pops = _apportion(total - centre_pop, weights, minimum=0)
            pops[centre] = centre_pop
            pops = np.maximum(pops, 1)
        k = 0
        for r in range(n_r):
            raion = f"{code}{2 * (r + 1):02d}"
            raion_rows.append(
                [raion, f"Raion {raion} (synthetic)", "2", code, "", _fmt(r_lat[r], 3), _fmt(r_lon[r], 3), _SOURCE]
            )
            m = int(per_raion[r])
            lats, lons = _scatter(rng, np.full(m, r_lat[r]), np.full(m, r_lon[r]), np.full(m, spread / 3))
            for i in range(m):
                hromada = f"{raion}{2 * i + 1:03d}"
                is_centre = k == centre
                label = f"Hromada {hromada}" + (f" (centre of {name}, synthetic)" if is_centre else " (synthetic)")
                hromada_rows.append([hromada, label, "3", raion, "", _fmt(lats[i], 3), _fmt(lons[i], 3), _SOURCE])
                h_ids.append(hromada)
                h_oblast.append(o)
                h_lat.append(float(lats[i]))
                h_lon.append(float(lons[i]))
                h_pop.append(int(pops[k]))
                h_centre.append(is_centre)
                k += 1
    rows += raion_rows
    counts = {"oblasts": n_oblasts, "raions": len(raion_rows), "hromadas": len(hromada_rows)}

    if not settlement_scale:
        for row, pop in zip(hromada_rows, h_pop, strict=True):
            row[4] = str(pop)
        rows += hromada_rows
        return _Areas(
            rows,
            h_ids,
            np.array(h_oblast),
            np.array(h_lat),
            np.array(h_lon),
            np.array(h_pop, dtype=np.int64),
            3,
            counts,
        )

    # settlement scale: hromadas stay as parents (population empty), settlements are the leaves
    rows += hromada_rows
    single = np.array([codes[o] in _CITIES for o in h_oblast])
    per_hromada = np.ones(len(h_ids), dtype=np.int64)
    per_hromada[~single] = _apportion(
        areas - int(single.sum()), rng.lognormal(0.0, 0.6, int((~single).sum())), minimum=1
    )
    if per_hromada.max() > 999:
        raise ValueError(f"areas={areas} needs more than 999 settlements in one hromada; use fewer areas")
    s_ids, s_oblast, s_pop = [], [], []
    s_lat_list, s_lon_list = [], []
    for j, hromada in enumerate(h_ids):
        m = int(per_hromada[j])
        total = h_pop[j]
        if m == 1:
            pops = np.array([total], dtype=np.int64)
        else:
            weights = rng.lognormal(0.0, 1.0, m)
            share = 0.92 if h_centre[j] else rng.uniform(0.35, 0.75)
            weights[0] = 0.0
            weights = weights / weights.sum() * (1 - share)
            weights[0] = share
            pops = _apportion(total, weights, minimum=1) if total >= m else _apportion(total, weights)
        lats, lons = _scatter(rng, np.full(m, h_lat[j]), np.full(m, h_lon[j]), np.full(m, 0.04))
        lats[0], lons[0] = h_lat[j], h_lon[j]
        for i in range(m):
            settlement = f"{hromada}{i + 1:03d}"
            rows.append(
                [
                    settlement,
                    f"Settlement {settlement} (synthetic)",
                    "4",
                    hromada,
                    str(int(pops[i])),
                    _fmt(lats[i], 3),
                    _fmt(lons[i], 3),
                    _SOURCE,
                ]
            )
            s_ids.append(settlement)
            s_oblast.append(h_oblast[j])
            s_pop.append(int(pops[i]))
            s_lat_list.append(float(lats[i]))
            s_lon_list.append(float(lons[i]))
    counts["settlements"] = len(s_ids)
    return _Areas(
        rows,
        s_ids,
        np.array(s_oblast),
        np.array(s_lat_list),
        np.array(s_lon_list),
        np.array(s_pop, dtype=np.int64),
        4,
        counts,
    )


# --------------------------------------------------------------------------- geometry


_COS_LAT = math.cos(math.radians(48.5))


def _nearest(src_lat, src_lon, src_oblast, dst_lat, dst_lon, dst_oblast, k: int, penalty: float = 100.0):
    """Indices of the ``k`` nearest destinations of every source, same-oblast ones first.

    ``penalty`` (degrees) is added to the distance of destinations in another oblast; 0 makes
    the choice purely geographic. Ties keep destination order (stable sort).
    """
    k = min(k, len(dst_lat))
    result = np.empty((len(src_lat), k), dtype=np.int64)
    for o in np.unique(src_oblast):
        rows = np.flatnonzero(src_oblast == o)
        dy = src_lat[rows, None] - dst_lat[None, :]
        dx = (src_lon[rows, None] - dst_lon[None, :]) * _COS_LAT
        distance = np.sqrt(dx * dx + dy * dy) + penalty * (dst_oblast[None, :] != o)
        if k < distance.shape[1]:
            part = np.argpartition(distance, k, axis=1)[:, : k + 1]
            # re-sort the candidates (k + 1 of them, to keep ties stable) by (distance, index)
            cand_d = np.take_along_axis(distance, part, axis=1)
            order = np.lexsort((part, cand_d), axis=1)
            result[rows] = np.take_along_axis(part, order, axis=1)[:, :k]
        else:
            result[rows] = np.lexsort(
                (np.broadcast_to(np.arange(distance.shape[1]), distance.shape), distance), axis=1
            )[:, :k]
    return result


# --------------------------------------------------------------------------- assets


def _role_counts(assets: int, ports: int) -> dict[str, int]:
    counts = {role: max(minimum, round(assets * fraction)) for role, (fraction, minimum) in _FRACTIONS.items()}
    counts["port"] = ports
    counts["distribution"] = assets - sum(counts.values())
    return counts


def _place(
    rng, count: int, tree: _Areas, leaf_weight: np.ndarray, oblast_weight: np.ndarray, minimum_per_oblast: int = 0
) -> np.ndarray:
    """Home leaves of ``count`` assets: oblasts by ``oblast_weight``, leaves within by ``leaf_weight``."""
    n_oblasts = len(_OBLASTS)
    if count >= n_oblasts * minimum_per_oblast and minimum_per_oblast:
        per_oblast = _apportion(count, oblast_weight, minimum=minimum_per_oblast)
    else:
        per_oblast = _apportion(count, oblast_weight)
    homes = []
    for o in range(n_oblasts):
        n = int(per_oblast[o])
        if not n:
            continue
        leaves = np.flatnonzero(tree.leaf_oblast == o)
        w = leaf_weight[leaves]
        if w.sum() <= 0:
            w = np.ones(len(leaves))
        homes.append(rng.choice(leaves, size=n, replace=True, p=w / w.sum()))
    return np.sort(np.concatenate(homes)) if homes else np.zeros(0, dtype=np.int64)


def _build_assets(rng: np.random.Generator, tree: _Areas, assets: int) -> tuple[_Assets, list[list[str]]]:
    codes = [o[0] for o in _OBLASTS]
    ports = min(6, max(1, round(assets * 0.003)))
    counts = _role_counts(assets, ports)
    pop = tree.leaf_pop.astype(np.float64)
    n_oblasts = len(_OBLASTS)
    oblast_pop = np.bincount(tree.leaf_oblast, weights=pop, minlength=n_oblasts)
    urban = pop >= URBAN_PEOPLE
    even = np.ones(n_oblasts)

    homes: dict[str, np.ndarray] = {}
    homes["transmission"] = _place(
        rng,
        counts["transmission"],
        tree,
        np.ones(len(pop)),
        0.5 * oblast_pop / oblast_pop.sum() + 0.5 * even / n_oblasts,
        1,
    )
    homes["distribution"] = _place(rng, counts["distribution"], tree, pop**0.8, oblast_pop, 1)
    homes["power_plant"] = _place(rng, counts["power_plant"], tree, np.ones(len(pop)), even)
    biggest = np.argsort(-pop, kind="stable")
    chp = counts["chp_plant"]
    homes["chp_plant"] = np.sort(biggest[np.arange(chp) % len(pop)])
    homes["gas_node"] = _place(rng, counts["gas_node"], tree, pop**0.5, oblast_pop)
    homes["water_intake"] = _place(rng, counts["water_intake"], tree, pop, oblast_pop)
    homes["water_treatment"] = _place(rng, counts["water_treatment"], tree, pop, oblast_pop)
    homes["reservoir"] = _place(rng, counts["reservoir"], tree, pop, oblast_pop)
    homes["pumping_station"] = _place(rng, counts["pumping_station"], tree, pop**0.8, oblast_pop, 1)
    homes["boiler_house"] = _place(
        rng, counts["boiler_house"], tree, np.where(urban, pop, 0.0) if urban.any() else pop, oblast_pop
    )
    port_homes = []
    for p in range(ports):
        o = codes.index(_PORT_OBLASTS[p % len(_PORT_OBLASTS)])
        leaves = np.flatnonzero(tree.leaf_oblast == o)
        first = p == _PORT_OBLASTS.index(_PORT_OBLASTS[p % len(_PORT_OBLASTS)])
        port_homes.append(int(leaves[np.argmax(pop[leaves])]) if first else int(rng.choice(leaves)))
    homes["port"] = np.array(port_homes, dtype=np.int64)

    table = _Assets()
    rows: list[list[str]] = []
    serial: dict[tuple[str, str], int] = {}
    for role in _ROLE_ORDER:
        kind, klass, prefix, label = _ROLES[role]
        start = len(table.ids)
        for leaf in homes[role]:
            oblast = codes[int(tree.leaf_oblast[leaf])]
            number = serial[(prefix, oblast)] = serial.get((prefix, oblast), 0) + 1
            asset_id = f"{prefix}-{oblast}-{number:03d}"
            table.ids.append(asset_id)
            table.role.append(role)
            table.leaf.append(int(leaf))
            rows.append(
                [
                    asset_id,
                    f"{label} {oblast}-{number} (synthetic)",
                    kind,
                    tree.leaf_ids[leaf],
                    _fmt(tree.leaf_lat[leaf], 3),
                    _fmt(tree.leaf_lon[leaf], 3),
                    klass,
                    _SOURCE,
                ]
            )
        table.by_role[role] = np.arange(start, len(table.ids))
    return table, rows


# --------------------------------------------------------------------------- dependencies


def _build_dependencies(rng: np.random.Generator, tree: _Areas, assets: _Assets) -> list[list[str]]:
    """Layered dependencies (suppliers always come from an earlier layer: no cycles)."""
    leaf = np.array(assets.leaf, dtype=np.int64)
    lat, lon, oblast = tree.leaf_lat[leaf], tree.leaf_lon[leaf], tree.leaf_oblast[leaf]
    rows: list[list[str]] = []

    def suppliers(users: np.ndarray, pool: np.ndarray, k: int, penalty: float = 100.0) -> np.ndarray:
        found = _nearest(lat[users], lon[users], oblast[users], lat[pool], lon[pool], oblast[pool], k, penalty)
        return pool[found]

    def add(user: int, members, group: str, buffer: int, kind: str, note: str = "") -> None:
        members = list(dict.fromkeys(int(m) for m in members))
        name = group if len(members) > 1 else ""
        for member in members:
            rows.append([assets.ids[user], assets.ids[member], name, str(buffer) if buffer else "", kind, note])

    role = assets.by_role
    generation = np.concatenate([role["power_plant"], role["chp_plant"]])
    # power plants: about half are gas-fired, with a day or two of reserve fuel
    if len(role["gas_node"]):
        gas_for_plants = suppliers(role["power_plant"], role["gas_node"], 1)
        for i, user in enumerate(role["power_plant"]):
            if rng.random() < 0.5:
                add(int(user), gas_for_plants[i], "gas", int(rng.integers(12, 49)), "gas", "reserve fuel")
        # CHP plants: gas from one or two nodes, reserve fuel oil for 1-3 days
        near = suppliers(role["chp_plant"], role["gas_node"], 2)
        for i, user in enumerate(role["chp_plant"]):
            add(
                int(user),
                near[i, : int(rng.integers(1, 3))],
                "gas",
                int(rng.integers(24, 73)),
                "gas",
                "reserve fuel oil",
            )
    # transmission substations: any of their 2-3 nearest plants (the grid is meshed)
    near = suppliers(role["transmission"], generation, 3, penalty=0.0)
    for i, user in enumerate(role["transmission"]):
        add(int(user), near[i, : int(rng.integers(2, 4))], "generation", 0, "power")
    # distribution substations: one to three nearest transmission substations, any one suffices
    near = suppliers(role["distribution"], role["transmission"], 3, penalty=0.0)
    for i, user in enumerate(role["distribution"]):
        add(int(user), near[i, : int(rng.choice([1, 2, 2, 3]))], "grid", 0, "power")

    def powered(users: np.ndarray, most: int, generator_share: float, low: int, high: int) -> None:
        near = suppliers(users, role["distribution"], most)
        for i, user in enumerate(users):
            buffer = int(rng.integers(low, high + 1)) if rng.random() < generator_share else 0
            add(
                int(user),
                near[i, : int(rng.integers(1, most + 1))],
                "power",
                buffer,
                "power",
                f"generator about {buffer} h" if buffer else "",
            )

    powered(role["water_intake"], 2, 0.3, 2, 4)
    powered(role["water_treatment"], 2, 0.6, 2, 12)
    powered(role["pumping_station"], 3, 0.7, 2, 12)
    powered(role["boiler_house"], 2, 0.4, 2, 6)
    powered(role["port"], 2, 1.0, 4, 8)

    if len(role["water_intake"]):
        near = suppliers(role["water_treatment"], role["water_intake"], 2)
        for i, user in enumerate(role["water_treatment"]):
            add(int(user), near[i, : int(rng.integers(1, 3))], "raw", 0, "water")
    near = suppliers(role["reservoir"], role["water_treatment"], 1)
    for i, user in enumerate(role["reservoir"]):
        buffer = int(rng.integers(6, 25))
        add(int(user), near[i], "treated", buffer, "water", f"storage: feeds the network about {buffer} h")
    # about 60 % of pumping stations lift treated water from reservoirs; the rest pump from wells
    near = suppliers(role["pumping_station"], role["reservoir"], 2)
    for i, user in enumerate(role["pumping_station"]):
        if rng.random() < 0.6:
            add(int(user), near[i, : int(rng.integers(1, 3))], "storage", 0, "water")
    # boiler houses: gas (sometimes reserve fuel) and make-up water (the network holds 1-2 days)
    near_gas = suppliers(role["boiler_house"], role["gas_node"], 2)
    near_water = suppliers(role["boiler_house"], role["pumping_station"], 1)
    for i, user in enumerate(role["boiler_house"]):
        buffer = int(rng.integers(6, 13)) if rng.random() < 0.3 else 0
        add(int(user), near_gas[i, : int(rng.integers(1, 3))], "gas", buffer, "gas", "reserve fuel" if buffer else "")
        add(int(user), near_water[i], "make_up", int(rng.integers(24, 49)), "water", "make-up water")
    return rows


# --------------------------------------------------------------------------- service links


def _split(rng: np.random.Generator, total_units: int, k: int) -> list[int]:
    """Split a share (in units of 1e-4) into k positive whole parts."""
    return [int(x) for x in _apportion(total_units, rng.dirichlet(np.full(k, 2.0)), minimum=1)]


def _build_links(rng: np.random.Generator, tree: _Areas, assets: _Assets) -> list[list[str]]:
    leaf = np.array(assets.leaf, dtype=np.int64)
    a_lat, a_lon, a_oblast = tree.leaf_lat[leaf], tree.leaf_lon[leaf], tree.leaf_oblast[leaf]
    pop = tree.leaf_pop
    n = len(pop)
    role = assets.by_role

    def nearest(pool: np.ndarray) -> np.ndarray:
        found = _nearest(
            tree.leaf_lat, tree.leaf_lon, tree.leaf_oblast, a_lat[pool], a_lon[pool], a_oblast[pool], MAX_LINKS
        )
        return pool[found]

    def how_many(low: int, high: int, people_per_link: int, available: int) -> np.ndarray:
        base = rng.integers(low, high + 1, n)
        need = np.ceil(pop / people_per_link).astype(np.int64)
        return np.minimum(np.minimum(np.maximum(base, need), MAX_LINKS), available)

    power_pool = role["distribution"]
    water_pool = role["pumping_station"]
    heat_pool = np.concatenate([role["chp_plant"], role["boiler_house"]])
    plans = [
        (
            "power",
            nearest(power_pool),
            how_many(1, 4, 250_000, len(power_pool)),
            np.where(rng.random(n) < 0.9, rng.uniform(0.9, 1.0, n), rng.uniform(0.6, 0.9, n)),
        ),
        (
            "water",
            nearest(water_pool),
            how_many(1, 3, 300_000, len(water_pool)),
            np.where(pop >= URBAN_PEOPLE, rng.uniform(0.7, 0.95, n), rng.uniform(0.3, 0.7, n)),
        ),
        (
            "heat",
            nearest(heat_pool),
            how_many(1, 4, 250_000, len(heat_pool)),
            np.clip(0.2 + 0.25 * (np.log10(np.maximum(pop, 1)) - 4) + rng.normal(0, 0.08, n), 0.15, 0.9),
        ),
    ]
    urban = pop >= URBAN_PEOPLE
    if not urban.any():
        urban[np.argmax(pop)] = True
    rows: list[list[str]] = []
    for a in range(n):
        area_id = tree.leaf_ids[a]
        for service, near, k, share in plans:
            if service == "heat" and not urban[a]:
                continue
            units = round(float(share[a]) * 10_000)
            count = int(k[a])
            for asset, part in zip(near[a, :count], _split(rng, units, count), strict=True):
                rows.append([area_id, service, assets.ids[int(asset)], _fmt(part / 10_000), ""])
    return rows


# --------------------------------------------------------------------------- strikes


def _build_strikes(
    rng: np.random.Generator, tree: _Areas, assets: _Assets, strikes: int, days: int, start: datetime
) -> list[list[str]]:
    """Night-time waves of strikes, times written in UTC (+00:00)."""
    if strikes == 0:
        return []
    codes = [o[0] for o in _OBLASTS]
    zone = ZoneInfo(TIMEZONE)
    waves = min(max(6, min(10, round(days / 10))), days, strikes)
    later = (
        rng.choice(
            np.arange(1, max(2, int(days * 0.85))), size=min(waves - 1, max(0, int(days * 0.85) - 1)), replace=False
        )
        if waves > 1
        else np.zeros(0, dtype=np.int64)
    )
    wave_days = np.concatenate([[0], np.sort(later)]).astype(np.int64)
    sizes = _apportion(strikes, rng.dirichlet(np.full(len(wave_days), 3.0)), minimum=1)

    leaf = np.array(assets.leaf, dtype=np.int64)
    asset_oblast = tree.leaf_oblast[leaf]
    roles = [r for r in _TARGETS if len(assets.by_role.get(r, ()))]
    role_p = np.array([_TARGETS[r] for r in roles])
    role_p /= role_p.sum()
    struck = np.zeros(len(assets.ids))
    east = np.array([code in _EAST for code in codes])
    oblast_w = np.where(east, 3.0, 1.0)
    rows: list[tuple[datetime, str, str, str]] = []
    for w, (day, size) in enumerate(zip(wave_days, sizes, strict=True)):
        focus = rng.choice(len(codes), size=int(rng.integers(3, 9)), replace=False, p=oblast_w / oblast_w.sum())
        in_focus = np.isin(asset_oblast, focus)
        local = datetime(start.year, start.month, start.day, tzinfo=zone) + timedelta(days=int(day))
        begin = local.replace(hour=int(rng.integers(0, 5)), minute=int(rng.integers(0, 60)))
        length = int(rng.integers(60, 301))  # minutes
        offsets = np.sort(rng.integers(0, length + 1, int(size)))
        previous = -1
        for minutes in offsets:
            if previous >= 0 and rng.random() < 0.08:
                target = previous  # a second hit on the same site within the wave
            else:
                pick = roles[int(rng.choice(len(roles), p=role_p))]
                pool = assets.by_role[pick]
                weight = np.where(in_focus[pool], 4.0, 0.5) * np.where(struck[pool] > 0, 2.5, 1.0)
                target = int(pool[int(rng.choice(len(pool), p=weight / weight.sum()))])
            struck[target] += 1
            previous = target
            state = _DAMAGE[int(rng.choice(len(_DAMAGE), p=_DAMAGE_P))]
            moment = (begin + timedelta(minutes=int(minutes))).astimezone(ZoneInfo("UTC"))
            rows.append((moment, assets.ids[target], state, f"wave {w + 1}"))
    rows.sort(key=lambda row: row[0])
    width = max(4, len(str(len(rows))))
    return [
        [f"S{i + 1:0{width}d}", moment.strftime("%Y-%m-%dT%H:%M:00+00:00"), asset_id, state, "", "", _SOURCE, note]
        for i, (moment, asset_id, state, note) in enumerate(rows)
    ]


# --------------------------------------------------------------------------- boundaries


def _hull(points: BaseGeometry) -> BaseGeometry:
    """The land the synthetic leaves cover: a concave hull of their points, buffered."""
    hull = shapely.concave_hull(points, ratio=_HULL_RATIO)
    return shapely.buffer(hull, _HULL_BUFFER, quad_segs=2)


def voronoi_cells(lon: np.ndarray, lat: np.ndarray) -> list[BaseGeometry]:
    """A polygon for each point: its Voronoi cell, clipped to a hull of all points.

    Parameters
    ----------
    lon, lat : array-like of float
        Longitudes and latitudes of the points [degrees], at least one; points may repeat.

    Returns
    -------
    list of shapely Polygon or MultiPolygon
        One per point, in their order, in longitude/latitude [degrees]. Together they are a
        coverage: neighbours share edges, vertex for vertex (GEOS computes each Voronoi vertex
        once), and their union is the hull (a concave hull of the points, buffered by
        0.25 degrees of latitude, about 28 km).

    Notes
    -----
    Cells are computed on a plane where a degree of longitude is shortened by cos(48.5 degrees),
    so they split the distance between neighbours fairly in kilometres. Points given more than
    once (three-decimal coordinates can coincide at settlement scale) get sites spread evenly on
    a tiny circle around them, the first due east, so their cells are equal-angle sectors meeting
    within a metre of the point; rounding the coordinates to
    :data:`impact.boundaries.COORDINATE_DECIMALS` decimals, as :meth:`Boundaries.to_geojson`
    does, makes the point a corner of each of them.
    """
    plane = np.column_stack([np.asarray(lon, dtype=np.float64) * _COS_LAT, np.asarray(lat, dtype=np.float64)])
    _, owner, shared = np.unique(plane, axis=0, return_inverse=True, return_counts=True)
    owner = owner.ravel()
    sites = plane.copy()
    for group in np.flatnonzero(shared > 1):
        leaves = np.flatnonzero(owner == group)
        angles = 2 * math.pi * np.arange(len(leaves)) / len(leaves)
        sites[leaves] += _SHARED_POINT_SPREAD * np.column_stack([np.cos(angles), np.sin(angles)])
    points = shapely.multipoints(sites)
    hull = _hull(points)
    voronoi = shapely.get_parts(shapely.voronoi_polygons(points, extend_to=hull))
    # match cells to sites by position (every site lies strictly inside exactly one cell)
    site_index, cell_index = shapely.STRtree(voronoi).query(shapely.points(sites), predicate="within")
    if not np.array_equal(np.sort(site_index), np.arange(len(sites))):
        raise RuntimeError("the Voronoi cells do not match the leaf points one to one")
    cell_of_site = np.empty(len(sites), dtype=np.int64)
    cell_of_site[site_index] = cell_index
    cells = voronoi[cell_of_site]
    shapely.prepare(hull)
    cut = ~shapely.within(cells, hull)  # most cells lie inside the hull and are kept as they are
    cells[cut] = shapely.intersection(cells[cut], hull)
    return list(shapely.transform(cells, lambda xy: xy / np.array([_COS_LAT, 1.0])))


def _boundaries_text(tree: _Areas) -> str:
    """``boundaries.geojson``: every leaf's cell (:func:`voronoi_cells`) and every parent dissolved
    from its children; one feature per line, in the order of ``areas.csv``."""
    # coordinates rounded as the file keeps them, so parents are dissolved from what is written
    # (numpy's rounding moves shared vertices alike: the cells stay a coverage)
    cells = shapely.transform(
        np.array(voronoi_cells(tree.leaf_lon, tree.leaf_lat), dtype=object),
        lambda xy: np.round(xy, COORDINATE_DECIMALS),
    )
    leaves = Boundaries(dict(zip(tree.leaf_ids, cells, strict=True)), BOUNDARIES_ATTRIBUTION)
    areas = AreaTree.from_pairs((row[0] for row in tree.rows), (row[3] for row in tree.rows))
    levels = {row[0]: {"admin_level": int(row[2])} for row in tree.rows}
    # the leaves' cells form a coverage: with_parents merges each parent's with the fast coverage union
    collection = leaves.with_parents(areas).to_geojson(levels)
    features = [json.dumps(feature, ensure_ascii=False, separators=(",", ":")) for feature in collection["features"]]
    head = json.dumps(
        {key: value for key, value in collection.items() if key != "features"},
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return head[:-1] + ',"features":[\n' + ",\n".join(features) + "\n]}\n"


# --------------------------------------------------------------------------- writing


def _toml(scenario_id: str, title: str, description: str, start: datetime, days: int, samples: int, seed: int) -> str:
    return (
        "[scenario]\n"
        f'id = "{scenario_id}"\n'
        f'title = "{title}"\n'
        f'description = "{description}"\n'
        f'timezone = "{TIMEZONE}"\n'
        f'start = "{start.isoformat()}"\n'
        f"horizon_hours = {days * 24}\n"
        "step_minutes = 60\n"
        "persons_per_household = 2.6\n"
        "\n[run]\n"
        f"samples = {samples}\n"
        f"seed = {seed}\n"
        "quantiles = [0.05, 0.5, 0.95]\n"
        "\n[boundaries]\n"
        f'attribution = "{BOUNDARIES_ATTRIBUTION}"\n'
    )


def _readme(
    scenario_id: str, arguments: dict[str, int], tree: _Areas, asset_counts: dict[str, int], counts: dict[str, int]
) -> str:
    args = " ".join(f"--{k} {v}" for k, v in arguments.items() if k != "samples")
    py_args = ", ".join(f"{k}={v}" for k, v in arguments.items())
    level = "hromadas (admin level 3)" if tree.level == 3 else "settlements (admin level 4)"
    tiers = ", ".join(f"{v:,} {k}" for k, v in tree.counts.items())
    lines = [
        f"# {scenario_id}: SYNTHETIC Ukraine-scale scenario",
        "",
        "> **SYNTHETIC DATA. Nothing in this folder describes real infrastructure, real strikes or real",
        "> populations of real places.** Only the 27 oblast-level P-codes and names are real, and the",
        "> oblast population weights are rounded public estimates. Every raion, hromada and settlement",
        "> (their ids are P-code shaped but random), every asset, dependency, service link and strike",
        "> was drawn at random. Use it to benchmark and test the model, never to plan a response.",
        "",
        "## How it was generated",
        "",
        f"Generator `impact.synth` version {GENERATOR_VERSION}, with:",
        "",
        "```",
        f"impact synth {args} --samples {arguments['samples']} --out DIR",
        "```",
        "",
        "or in Python:",
        "",
        "```python",
        "from impact.synth import write_synthetic",
        f'write_synthetic(Path("DIR"), {py_args})',
        "```",
        "",
        "The same arguments give a byte-identical folder.",
        "",
        "## What is in it",
        "",
        f"- Areas: the country, {tiers}; the {tree.leaf_pop.size:,} leaves are {level}. "
        f"{int(tree.leaf_pop.sum()):,} people in all, given on the leaves only (parents sum their children).",
        f"- Assets: {', '.join(f'{v:,} {k}' for k, v in asset_counts.items())}.",
        f"- {counts['dependencies']:,} dependency rows, {counts['links']:,} service links, "
        f"{counts['strikes']:,} strikes.",
        f"- Boundaries (`{BOUNDARIES_FILE}`): SYNTHETIC, not real borders. Each leaf's polygon is the "
        "Voronoi cell of its random point, clipped to a hull of all the points; every parent's is the "
        "union of its children's.",
        "",
        "See `docs/synthetic.md` in the project for the structure and its caveats.",
        "",
    ]
    return "\n".join(lines)


def build_synthetic(
    *, areas: int = HROMADAS, assets: int = 2000, strikes: int = 300, days: int = 90, seed: int = 1, samples: int = 500
) -> dict[str, str]:
    """The files of a synthetic scenario, as ``{file name: text}`` (see :func:`write_synthetic`)."""
    for name, value, low in (
        ("areas", areas, MIN_AREAS),
        ("assets", assets, MIN_ASSETS),
        ("strikes", strikes, 0),
        ("days", days, 1),
        ("seed", seed, 0),
        ("samples", samples, 0),
    ):
        if not isinstance(value, int | np.integer) or isinstance(value, bool) or value < low:
            raise ValueError(f"{name} must be a whole number >= {low}, not {value!r}")
    rng = np.random.default_rng(np.random.SeedSequence([seed, 20251115]))
    start = datetime(*FIRST_DAY, tzinfo=ZoneInfo(TIMEZONE))
    tree = _build_areas(rng, areas)
    table, asset_rows = _build_assets(rng, tree, assets)
    dependency_rows = _build_dependencies(rng, tree, table)
    link_rows = _build_links(rng, tree, table)
    strike_rows = _build_strikes(rng, tree, table, strikes, days, start)
    boundaries_text = _boundaries_text(tree)  # no random draws: the other files are unchanged

    scenario_id = f"synthetic-ua-{areas}-{seed}"
    scale = "hromada" if tree.level == 3 else "settlement"
    title = f"SYNTHETIC Ukraine, {areas:,} {scale}s, {assets:,} assets, {strikes:,} strikes (generated, not real data)"
    description = (
        f"Synthetic scenario written by impact.synth (seed {seed}): random raions, {scale}s, "
        "assets, links and strikes with real oblast P-codes only. For benchmarks and tests; "
        "not a map of real infrastructure. See README.md."
    )
    asset_counts = {_ROLE_NAMES[role]: len(table.by_role[role]) for role in _ROLE_ORDER}
    counts = {"dependencies": len(dependency_rows), "links": len(link_rows), "strikes": len(strike_rows)}
    arguments = {"areas": areas, "assets": assets, "strikes": strikes, "days": days, "seed": seed, "samples": samples}

    files: dict[str, str] = {}

    def table_text(header: list[str], rows: list[list[str]]) -> str:
        import io

        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        return buffer.getvalue()

    files["scenario.toml"] = _toml(scenario_id, title, description, start, days, samples, seed)
    files["README.md"] = _readme(scenario_id, arguments, tree, asset_counts, counts)
    files["areas.csv"] = table_text(
        ["area_id", "name", "admin_level", "parent_id", "population", "latitude", "longitude", "source"], tree.rows
    )
    files["assets.csv"] = table_text(
        ["asset_id", "name", "kind", "area_id", "latitude", "longitude", "restoration_class", "source"], asset_rows
    )
    files["dependencies.csv"] = table_text(
        ["asset_id", "depends_on", "group", "buffer_hours", "kind", "notes"], dependency_rows
    )
    files["service_links.csv"] = table_text(["area_id", "service", "asset_id", "share", "notes"], link_rows)
    files["strikes.csv"] = table_text(
        ["strike_id", "time", "asset_id", "damage_state", "killed", "injured", "source", "notes"], strike_rows
    )
    files[BOUNDARIES_FILE] = boundaries_text
    return files


def write_synthetic(
    out: Path,
    *,
    areas: int = HROMADAS,
    assets: int = 2000,
    strikes: int = 300,
    days: int = 90,
    seed: int = 1,
    samples: int = 500,
) -> Path:
    """Write a synthetic Ukraine-scale scenario folder.

    Parameters
    ----------
    out : Path
        Folder to create. It must not exist or be empty; its parent folders are created.
    areas : int
        Leaf areas (>= 27). Up to 1,469 they are hromadas (admin level 3); more means
        settlement scale: settlement leaves (level 4) under about ``areas / 19.5`` hromadas
        (1,469 at 28,656 areas).
    assets : int
        Assets in all (>= 50); about 6.6 % transmission substations, most of the rest
        distribution substations.
    strikes : int
        Strikes in all (>= 0), in 6-10 night-time waves (fewer for short horizons).
    days : int
        Horizon [days]; the time axis starts at local midnight of the first wave day.
    seed : int
        Seed of the generator, also written as the run seed.
    samples : int
        Monte Carlo samples written to ``[run]``.

    Returns
    -------
    Path
        ``out``.

    Raises
    ------
    ValueError
        If ``out`` exists and is not an empty folder, or an argument is out of range.
    """
    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ValueError(
            f"{str(out)!r} already exists and is not an empty folder; choose a new folder (nothing was overwritten)"
        )
    files = build_synthetic(areas=areas, assets=assets, strikes=strikes, days=days, seed=seed, samples=samples)
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        atomic_folder(out, files)
    except FileExistsError:
        raise ValueError(f"{str(out)!r} was filled while the scenario was generated; nothing was overwritten") from None
    return out
