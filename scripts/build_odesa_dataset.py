#!/usr/bin/env python3
"""Build the bundled scenario ``datasets/odesa-2025-12`` from the reference data.

Usage::

    python scripts/build_odesa_dataset.py --reference DIR [--out FOLDER]

``DIR`` holds the four reference files (their sources and licences are listed in the
dataset's README):

* ``odesa_oblast_pcodes.csv``: OCHA COD-AB P-codes and names of Odesa oblast, its 7 raions and
  91 hromadas (HDX ``cod-ab-ukr``; CC BY-IGO);
* ``ua_hromada_population_2022.csv``: present population of every hromada on 1 January 2022
  (State Statistics Service of Ukraine, as parsed by github.com/kse-ua/KSE-Loc-Data-Hub);
* ``odesa_oblast_boundaries_osm.geojson``: OpenStreetMap boundaries of the oblast, its raions
  and 90 hromadas (via github.com/darmat1/ukraine-geo-data; ODbL 1.0);
* ``odesa_2025_12_reported.csv``: figures officials reported during the December 2025
  campaign, one source URL per row.

The script writes, into ``FOLDER`` (default: the bundled dataset folder), ``areas.csv``,
``boundaries.geojson``, ``assets.csv``, ``dependencies.csv``, ``service_links.csv``,
``strikes.csv``, ``restoration.csv`` and ``observations.csv``. ``scenario.toml`` and
``README.md`` are written by hand. Every file is written to a temporary name first and
renamed, so a failed build leaves the old files in place. The same reference files always
give the same output bytes.

The network (assets, dependencies, service links), the strike targets, hours and damage
states are ILLUSTRATIVE assumptions written down in the tables of this script; each table
row carries its source or the word "assumption". The README of the dataset explains them.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import shapely
from shapely.geometry import MultiPolygon, Polygon, shape
from shapely.geometry.base import BaseGeometry

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from impact.boundaries import Boundaries  # noqa: E402
from impact.export.atomic import atomic_write  # noqa: E402

#: Default output folder.
DATASET = ROOT / "datasets" / "odesa-2025-12"

#: Reference files read from ``--reference``.
PCODES_FILE = "odesa_oblast_pcodes.csv"
POPULATION_FILE = "ua_hromada_population_2022.csv"
BOUNDARIES_FILE = "odesa_oblast_boundaries_osm.geojson"
REPORTED_FILE = "odesa_2025_12_reported.csv"

#: The oblast and the sum of its hromadas' present population on 1 January 2022 [persons].
OBLAST = "UA51"
OBLAST_POPULATION = 2_351_392

#: Hromada missing from the OSM file, derived from its raion.
VYLKIVSKA, IZMAILSKYI = "UA5108001", "UA5108"

#: Parts of the derived Vylkivska polygon that border these hromadas are gaps of the OSM
#: coverage on the raion's western lakes (Yalpuh, Kahul, Kuhurlui, Kartal) and the Danube near
#: Reni, not Vylkivska, whose only neighbour in the raion is Kiliiska (UA5108005).
NOT_VYLKIVSKA_NEIGHBOURS = ("UA5108003", "UA5108007", "UA5108009", "UA5108011")

#: A derived part thinner than this (area / perimeter squared; a square has 1/16) is a sliver.
SLIVER_THINNESS = 0.005

#: Coverage simplification per admin level when the file would exceed this size [bytes].
MAX_BOUNDARY_BYTES = 1_000_000
#: Tolerance of that simplification [degrees] (about 30 m).
SIMPLIFY_TOLERANCE = 0.0003

#: Persons per household: the dataset's scenario.toml setting (used for the README only).
PERSONS_PER_HOUSEHOLD = 2.6

POPULATION_SOURCE = (
    "State Statistics Service of Ukraine, present population on 1 January 2022, table by territorial "
    "community (as parsed in github.com/kse-ua/KSE-Loc-Data-Hub data/derived/ua-pop-2022.csv)"
)
COD_SOURCE = "P-code and English name: OCHA COD-AB Ukraine (HDX cod-ab-ukr)"
OSM_SOURCE = "boundary: OpenStreetMap contributors (ODbL)"

#: Hromadas renamed by the Cabinet of Ministers on 26 November 2025: P-code -> (English, Ukrainian).
RENAMED = {
    "UA5102001": ("Chernivska", "Чернівська"),
    "UA5106005": ("Budzhatska", "Буджацька"),
    "UA5106017": ("Bessarabska", "Бессарабська"),
    "UA5108011": ("Katlabuzka", "Катлабузька"),
    "UA5110041": ("Pivdennivska", "Південнівська"),
}
RENAMING_SOURCE = (
    "Cabinet of Ministers of Ukraine, 26 Nov 2025, as reported by odesa.novyny.live (29 Nov 2025, "
    "https://odesa.novyny.live/na-odeshchini-pereimenuvali-gromadi-shcho-shche-zminilosia-v-oblasti-297033.html) "
    "and Bessarabia INFORM (https://bessarabiainform.com/2025/11/na-pivdni-odeschyny-uryad-ofitsiyno-pereymenuvav-"
    "try-hromady)"
)

#: The two hromadas named Chornomorska, told apart by their type in the OSM names.
CHORNOMORSKA_NOTE = {
    "UA5110037": "city hromada of Chornomorsk (міська громада), the port city",
    "UA5110039": "settlement hromada of Chornomorske (селищна громада), north-east of Odesa",
}


# ------------------------------------------------------------------ reference data


class ReferenceError(ValueError):
    """A reference file is missing or does not hold what the build needs."""


@dataclass(frozen=True)
class Reference:
    """The reference tables, read and checked."""

    units: list[dict[str, str]]
    population: dict[str, tuple[int, int]]
    boundaries: dict
    reported: list[dict[str, str]]


def read_csv(path: Path) -> list[dict[str, str]]:
    """Rows of a UTF-8 CSV file as dictionaries."""
    if not path.is_file():
        raise ReferenceError(f"{path}: file not found")
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def read_reference(folder: Path) -> Reference:
    """Read and check the four reference files of ``folder``.

    Raises
    ------
    ReferenceError
        A file is missing, a hromada has no population, or the population does not sum to
        the official oblast total.
    """
    units = read_csv(folder / PCODES_FILE)
    rows = read_csv(folder / POPULATION_FILE)
    population = {r["pcode"]: (int(r["population_2022"]), int(r["urban_population_2022"])) for r in rows}
    hromadas = [u["pcode"] for u in units if u["admin_level"] == "3"]
    missing = [p for p in hromadas if p not in population]
    if missing:
        raise ReferenceError(f"{POPULATION_FILE}: no population for {', '.join(missing)}")
    total = sum(population[p][0] for p in hromadas)
    if len(hromadas) != 91 or total != OBLAST_POPULATION:
        raise ReferenceError(
            f"{PCODES_FILE}: expected 91 hromadas summing to {OBLAST_POPULATION:,}; "
            f"got {len(hromadas)} summing to {total:,}"
        )
    path = folder / BOUNDARIES_FILE
    if not path.is_file():
        raise ReferenceError(f"{path}: file not found")
    boundaries = json.loads(path.read_text(encoding="utf-8"))
    return Reference(units, population, boundaries, read_csv(folder / REPORTED_FILE))


# ------------------------------------------------------------------ boundaries


def polygonal(geometry: BaseGeometry) -> BaseGeometry:
    """The polygonal part of ``geometry`` after :func:`shapely.make_valid`."""
    geometry = shapely.make_valid(geometry)
    if isinstance(geometry, Polygon | MultiPolygon):
        return geometry
    parts = [g for g in getattr(geometry, "geoms", []) if isinstance(g, Polygon | MultiPolygon)]
    return shapely.union_all(parts)


def parts_of(geometry: BaseGeometry) -> list[Polygon]:
    """The polygons of a Polygon or MultiPolygon."""
    return list(geometry.geoms) if isinstance(geometry, MultiPolygon) else [geometry]


def derive_vylkivska(shapes: Mapping[str, BaseGeometry], siblings: Sequence[str]) -> BaseGeometry:
    """Vylkivska hromada: Izmailskyi raion minus the union of its five other hromadas.

    The difference is repaired (make_valid, polygonal part); parts thinner than
    :data:`SLIVER_THINNESS` and parts bordering the western hromadas (lakes and the Danube
    strip the OSM hromada polygons leave out) are dropped. Zmiinyi (Snake) Island, a small
    detached part in the sea, is kept: it belongs to the hromada.
    """
    others = [shapes[p] for p in siblings if p != VYLKIVSKA]
    difference = polygonal(shapes[IZMAILSKYI].difference(shapely.union_all(others)))
    western = shapely.union_all([shapes[p] for p in NOT_VYLKIVSKA_NEIGHBOURS]).buffer(1e-4)
    kept = [
        part
        for part in parts_of(difference)
        if part.area / part.length**2 >= SLIVER_THINNESS and not part.intersects(western)
    ]
    if not kept:
        raise ReferenceError(f"{BOUNDARIES_FILE}: nothing of {IZMAILSKYI} is left for {VYLKIVSKA}")
    return MultiPolygon(kept) if len(kept) > 1 else kept[0]


def area_shapes(reference: Reference) -> tuple[dict[str, BaseGeometry], dict[str, dict[str, object]]]:
    """Polygons of every area (OSM; Vylkivska derived) and their GeoJSON properties."""
    units = {u["pcode"]: u for u in reference.units}
    shapes: dict[str, BaseGeometry] = {}
    properties: dict[str, dict[str, object]] = {}
    for index, feature in enumerate(reference.boundaries["features"]):
        pcode = feature["properties"].get("pcode")
        if pcode not in units:
            raise ReferenceError(f"{BOUNDARIES_FILE}: feature {index}: pcode {pcode!r} is not in {PCODES_FILE}")
        shapes[pcode] = polygonal(shape(feature["geometry"]))
        properties[pcode] = {"source": "OpenStreetMap", "osm_id": feature["properties"].get("osm_id") or ""}
    siblings = [p for p, u in units.items() if u["parent_pcode"] == IZMAILSKYI]
    shapes[VYLKIVSKA] = derive_vylkivska(shapes, siblings)
    properties[VYLKIVSKA] = {
        "source": "derived from OpenStreetMap",
        "osm_id": "",
        "derivation": (
            "missing from the OSM source: Izmailskyi raion (UA5108) minus the union of its five other "
            "hromadas, repaired (make_valid), slivers and the western lake gaps dropped"
        ),
    }
    missing = [p for p in units if p not in shapes]
    if missing:
        raise ReferenceError(f"{BOUNDARIES_FILE}: no polygon for {', '.join(missing)}")
    for pcode, unit in units.items():
        properties[pcode] = {
            "name": unit["name_en"],
            "name_uk": unit["name_uk"],
            "admin_level": int(unit["admin_level"]),
            **properties[pcode],
        }
    ordered = {p: shapes[p] for p in units}
    return ordered, {p: properties[p] for p in units}


def geojson_bytes(shapes: Mapping[str, BaseGeometry], properties: Mapping, attribution: str) -> bytes:
    """The FeatureCollection as compact UTF-8 JSON (coordinates rounded by :class:`Boundaries`)."""
    collection = Boundaries(shapes, attribution).to_geojson(properties)
    return (json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def simplified(shapes: Mapping[str, BaseGeometry], levels: Mapping[str, int]) -> dict[str, BaseGeometry]:
    """Each admin level simplified together with :func:`shapely.coverage_simplify` (shared edges kept)."""
    out: dict[str, BaseGeometry] = {}
    for level in sorted(set(levels.values())):
        ids = [a for a in shapes if levels[a] == level]
        geometries = shapely.coverage_simplify(list(shapes[a] for a in ids), SIMPLIFY_TOLERANCE)
        out.update({a: polygonal(g) for a, g in zip(ids, geometries, strict=True)})
    return {a: out[a] for a in shapes}


ATTRIBUTION = (
    "Boundaries © OpenStreetMap contributors, ODbL 1.0 (openstreetmap.org/copyright), via "
    "github.com/darmat1/ukraine-geo-data; P-codes: OCHA COD-AB Ukraine"
)


def build_boundaries(reference: Reference) -> tuple[bytes, dict[str, BaseGeometry], bool]:
    """GeoJSON bytes, the unsimplified shapes (for representative points) and whether it was simplified."""
    shapes, properties = area_shapes(reference)
    data = geojson_bytes(shapes, properties, ATTRIBUTION)
    if len(data) <= MAX_BOUNDARY_BYTES:
        return data, shapes, False
    levels = {p: int(properties[p]["admin_level"]) for p in shapes}  # type: ignore[call-overload]
    return geojson_bytes(simplified(shapes, levels), properties, ATTRIBUTION), shapes, True


# ------------------------------------------------------------------ areas


def area_source(pcode: str, level: int) -> str:
    """The ``source`` cell of an area row."""
    population = POPULATION_SOURCE if level == 3 else f"sum of its hromadas: {POPULATION_SOURCE}"
    parts = [f"population: {population}", COD_SOURCE]
    if pcode in RENAMED:
        english, ukrainian = RENAMED[pcode]
        parts.append(
            f"renamed {english} ({ukrainian}) on 26 Nov 2025 ({RENAMING_SOURCE}); the COD name predates the renaming"
        )
    if pcode in CHORNOMORSKA_NOTE:
        parts.append(CHORNOMORSKA_NOTE[pcode] + " (type from the OSM name)")
    if pcode == VYLKIVSKA:
        parts.append("boundary derived: Izmailskyi raion minus its five other hromadas (OSM has no polygon)")
    else:
        parts.append(OSM_SOURCE)
    return "; ".join(parts)


def build_areas(reference: Reference, shapes: Mapping[str, BaseGeometry]) -> list[dict[str, object]]:
    """Rows of ``areas.csv``: the oblast, raions and hromadas, parents with their children's sum."""
    rows = []
    totals: dict[str, int] = {}
    for unit in reference.units:
        if unit["admin_level"] == "3":
            people = reference.population[unit["pcode"]][0]
            totals[unit["parent_pcode"]] = totals.get(unit["parent_pcode"], 0) + people
            totals[OBLAST] = totals.get(OBLAST, 0) + people
    for unit in reference.units:
        pcode, level = unit["pcode"], int(unit["admin_level"])
        point = shapes[pcode].point_on_surface()
        rows.append(
            {
                "area_id": pcode,
                "name": unit["name_en"],
                "name_uk": unit["name_uk"],
                "admin_level": level,
                "parent_id": unit["parent_pcode"],
                "population": reference.population[pcode][0] if level == 3 else totals[pcode],
                "latitude": f"{point.y:.2f}",
                "longitude": f"{point.x:.2f}",
                "grid_zone": grid_zone_of(pcode) if level == 3 else "",
                "source": area_source(pcode, level),
            }
        )
    return rows


# ------------------------------------------------------------------ the illustrative network


@dataclass(frozen=True)
class Zone:
    """A 110 kV distribution zone: one aggregate substation feeding whole hromadas.

    ``feeds`` are the backbone nodes it can take power from (any one suffices); ``water`` is
    how its piped water is supplied: ``"odesa"`` (the Odesa city system, through the city's
    reservoirs), ``"local"`` (the zone's own wells and pumping stations) or ``"danube"``.
    """

    code: str
    name: str
    raion: str
    hromadas: tuple[str, ...]
    feeds: tuple[str, ...]
    water: str = "local"


#: Backbone 330 kV nodes: id -> (name, area, what it feeds). Assumption: illustrative.
BACKBONE = {
    "SUB-BB-1": ("Backbone substation 1 (330 kV, Odesa node)", "UA5110", "Odesa city and its suburbs"),
    "SUB-BB-2": ("Backbone substation 2 (330 kV, Odesa node)", "UA5110", "Odesa city, the Dniester side, the coast"),
    "SUB-BB-3": ("Backbone substation 3 (330 kV, Bessarabian corridor)", "UA5104", "the raions west of the Dniester"),
    "SUB-BB-4": ("Backbone substation 4 (330 kV, north)", "UA5112", "Podilskyi raion"),
    "SUB-BB-5": ("Backbone substation 5 (330 kV, centre)", "UA5114", "Rozdilnianskyi, Berezivskyi, a 110 kV ring"),
}

#: The 110 kV ring from the centre node towards Odesa: an asset of its own (kind power_line, never
#: struck), so that the transfer it brings into the Odesa grid zone has a capacity of its own.
#: In the cascade it is up exactly when SUB-BB-5 is, as the ring was before it was an asset.
RING = "LINE-RING-5"

# ------------------------------------------------------------------ the grid balance ([grid], issue 14)

#: Grid zones of the leaf areas. The Odesa node: Odeskyi raion (UA5110), whose 22 hromadas take
#: their power from the two Odesa 330 kV nodes (SUB-BB-1, SUB-BB-2), the CHP and the ring from
#: node 5; the rest of the oblast: the six other raions, on SUB-BB-3, SUB-BB-4 and SUB-BB-5.
#: Assumption (the illustrative network's own split). The 110 kV second feeds that cross the two
#: zones (Ovidiopol from SUB-BB-3; Bilhorod-Dnistrovskyi and Rozdilna from SUB-BB-2) keep their
#: role in the cascade but bring no capacity to the other zone's balance.
ODESA_ZONE, REST_ZONE = "odesa", "rest"
ODESA_RAION = "UA5110"

#: Demand per resident at the evening peak [kW/person]: the [grid] default, Ukraine's pre-war winter
#: peak of about 20 GW for about 41 million people (unconfirmed; docs/data-format.md): an assumption. The
#: scenario has no temperature.csv, so the temperature factor is 1.
DEMAND_KW_PER_PERSON = 0.5

#: Capacity of a zone with all its supply up = this x its peak demand. Assumption: a 20 % reserve
#: over the peak. Capacities of Ukrainian grid nodes are not public; this rule stands in for them.
#: It was chosen before the first run with cuts and not changed after it (docs/validation.md).
CAPACITY_MARGIN = 1.2

#: Electric output of the Odesa CHP plant [MW]. Assumption: 68 MW, the installed electric capacity
#: usually quoted for the Odesa CHP (unconfirmed; its wartime output is not public).
CHP_CAPACITY_MW = 68

#: Transfer capacity of the 110 kV ring from node 5 into the Odesa zone [MW]. Assumption: two
#: 110 kV circuits of about 50 MW each (a 110 kV circuit carries some 50-100 MW).
RING_CAPACITY_MW = 100

CAPACITY_RULE = (
    f"assumption (grid-node capacities are not public): the zone's supply with everything up = {CAPACITY_MARGIN:g} x "
    f"its peak demand at {DEMAND_KW_PER_PERSON:g} kW/person (1 Jan 2022 population)"
)


def zone_peak_mw(population: Mapping[str, tuple[int, int]], zone: str) -> float:
    """Peak demand of a grid zone [MW]: its residents x :data:`DEMAND_KW_PER_PERSON`."""
    people = sum(p for pcode, (p, _urban) in population.items() if grid_zone_of(pcode) == zone)
    return people * DEMAND_KW_PER_PERSON / 1000


def grid_zone_of(pcode: str) -> str:
    """Grid zone of a hromada: the Odesa node for Odeskyi raion, the rest of the oblast otherwise."""
    return ODESA_ZONE if pcode.startswith(ODESA_RAION) else REST_ZONE


def capacities(population: Mapping[str, tuple[int, int]]) -> dict[str, tuple[int, str, str]]:
    """capacity_mw, grid zone and derivation of every supply asset.

    The Odesa zone: the margin x its peak demand, less the CHP and the ring, in equal halves for
    SUB-BB-1 and SUB-BB-2 (the two nodes share the city). The rest: the margin x its peak demand,
    split between SUB-BB-3, SUB-BB-4 and SUB-BB-5 in proportion to the residents of the 110 kV
    zones whose first feed each node is. Whole MW.
    """
    oblast = hromadas_population(population)
    hromadas = {pcode: people for pcode, (people, _urban) in oblast.items()}
    odesa, rest = zone_peak_mw(oblast, ODESA_ZONE), zone_peak_mw(oblast, REST_ZONE)
    half = round((CAPACITY_MARGIN * odesa - CHP_CAPACITY_MW - RING_CAPACITY_MW) / 2)
    out = {
        "CHP-1": (CHP_CAPACITY_MW, ODESA_ZONE, "assumption: 68 MW, the installed electric output usually quoted "
                  "for the Odesa CHP (unconfirmed)"),
        RING: (RING_CAPACITY_MW, ODESA_ZONE, "assumption: two 110 kV circuits of about 50 MW"),
    }  # fmt: skip
    for node in ("SUB-BB-1", "SUB-BB-2"):
        out[node] = (half, ODESA_ZONE, f"{CAPACITY_RULE}: ({CAPACITY_MARGIN:g} x {odesa:.1f} MW - CHP "
                     f"{CHP_CAPACITY_MW} MW - ring {RING_CAPACITY_MW} MW) / 2 nodes")  # fmt: skip
    first = {node: 0 for node in ("SUB-BB-3", "SUB-BB-4", "SUB-BB-5")}
    for zone in ZONES:
        if zone.raion != ODESA_RAION:
            first[zone.feeds[0]] += sum(hromadas[p] for p in zone.hromadas)
    total = sum(first.values())
    for node, people in first.items():
        out[node] = (round(CAPACITY_MARGIN * rest * people / total), REST_ZONE,
                     f"{CAPACITY_RULE}: {CAPACITY_MARGIN:g} x {rest:.1f} MW x {people:,} / {total:,} residents of "
                     "the zones whose first feed it is")  # fmt: skip
    return out


def hromadas_population(population: Mapping[str, tuple[int, int]]) -> dict[str, tuple[int, int]]:
    """The population table restricted to the oblast's hromadas (9-character P-codes)."""
    return {p: v for p, v in population.items() if p.startswith(OBLAST) and len(p) == 9}


#: Odesa city zones: substation number -> share of the city's population. Unequal on purpose:
#: zone 6 is a smaller district. Assumption.
CITY = "UA5110027"
CITY_SHARES = {1: 0.134, 2: 0.134, 3: 0.134, 4: 0.134, 5: 0.134, 6: 0.08, 7: 0.125, 8: 0.125}
#: Backbone feeds of the city substations (zones 7 and 8 also through the 110 kV ring from node 5).
CITY_FEEDS = {k: ("SUB-BB-1", "SUB-BB-2") for k in range(1, 7)} | {
    7: ("SUB-BB-2", RING),
    8: ("SUB-BB-2", RING),
}
#: Generator hours of the city's district pumping stations. Assumption: 2-6 h of fuel on site.
CITY_PUMP_GENERATOR_HOURS = {1: 2, 2: 6, 3: 2, 4: 4, 5: 2, 6: 4, 7: 6, 8: 2}

ZONES = (
    # Odeskyi raion (UA5110) outside the city
    Zone("CHO", "Chornomorsk and the south coast", "UA5110", ("UA5110037", "UA5110007", "UA5110013"),
         ("SUB-BB-2", RING), "odesa"),
    Zone("WEST", "western suburbs of Odesa", "UA5110", ("UA5110001", "UA5110029", "UA5110005"),
         ("SUB-BB-2", RING), "odesa"),
    Zone("NORTH", "northern suburbs of Odesa", "UA5110", ("UA5110033", "UA5110015", "UA5110023", "UA5110019"),
         ("SUB-BB-1", RING), "odesa"),
    Zone("PIV", "Pivdenne and the north-east", "UA5110",
         ("UA5110041", "UA5110039", "UA5110035", "UA5110011", "UA5110017"), ("SUB-BB-1", RING)),
    Zone("OVD", "Ovidiopol and the Dniester estuary", "UA5110", ("UA5110025", "UA5110021"), ("SUB-BB-2", "SUB-BB-3")),
    Zone("BIL", "Biliaivka, Teplodar and the Dniester", "UA5110",
         ("UA5110003", "UA5110031", "UA5110043", "UA5110009"), ("SUB-BB-2", RING)),
    # Bilhorod-Dnistrovskyi raion (UA5104)
    Zone("BD", "Bilhorod-Dnistrovskyi and the coast", "UA5104",
         ("UA5104001", "UA5104031", "UA5104005", "UA5104013", "UA5104011", "UA5104021"), ("SUB-BB-3", "SUB-BB-2")),
    Zone("SAR", "Sarata and the north of the raion", "UA5104",
         ("UA5104019", "UA5104023", "UA5104015", "UA5104029", "UA5104017"), ("SUB-BB-3", "SUB-BB-5")),
    Zone("TAT", "Tatarbunary and the south of the raion", "UA5104",
         ("UA5104025", "UA5104009", "UA5104003", "UA5104007", "UA5104027"), ("SUB-BB-3",)),
    # Bolhradskyi raion (UA5106)
    Zone("ART", "Artsyz, Tarutyne and the north", "UA5106",
         ("UA5106001", "UA5106017", "UA5106005", "UA5106015", "UA5106019"), ("SUB-BB-3",)),
    Zone("BOL", "Bolhrad and the south", "UA5106",
         ("UA5106003", "UA5106007", "UA5106009", "UA5106011", "UA5106013"), ("SUB-BB-3",)),
    # Izmailskyi raion (UA5108)
    Zone("IZM", "Izmail and its villages", "UA5108", ("UA5108003", "UA5108009", "UA5108011"), ("SUB-BB-3",),
         "danube"),
    Zone("KIL", "Kiliia and Vylkove", "UA5108", ("UA5108005", "UA5108001"), ("SUB-BB-3",)),
    Zone("REN", "Reni", "UA5108", ("UA5108007",), ("SUB-BB-3",)),
    # Podilskyi raion (UA5112)
    Zone("POD", "Podilsk and the west", "UA5112", ("UA5112019", "UA5112023", "UA5112011", "UA5112015"),
         ("SUB-BB-4", "SUB-BB-5")),
    Zone("BAL", "Balta, Kodyma and the north", "UA5112", ("UA5112003", "UA5112009", "UA5112017", "UA5112021"),
         ("SUB-BB-4",)),
    Zone("ANA", "Ananiv, Liubashivka and the east", "UA5112", ("UA5112001", "UA5112013", "UA5112005", "UA5112007"),
         ("SUB-BB-4", "SUB-BB-5")),
    # Rozdilnianskyi raion (UA5114)
    Zone("ROZ", "Rozdilna and the south", "UA5114",
         ("UA5114013", "UA5114009", "UA5114015", "UA5114011", "UA5114001"), ("SUB-BB-5", "SUB-BB-2")),
    Zone("ZAK", "Zakharivka and the north", "UA5114", ("UA5114007", "UA5114005", "UA5114017", "UA5114003"),
         ("SUB-BB-5",)),
    # Berezivskyi raion (UA5102)
    Zone("BER", "Berezivka and the east", "UA5102",
         ("UA5102003", "UA5102021", "UA5102017", "UA5102013", "UA5102005", "UA5102023", "UA5102015", "UA5102011",
          "UA5102009"), ("SUB-BB-5",)),
    Zone("SHY", "Shyriaieve and the west", "UA5102",
         ("UA5102031", "UA5102007", "UA5102019", "UA5102029", "UA5102025", "UA5102001", "UA5102027"),
         ("SUB-BB-5", "SUB-BB-4")),
)  # fmt: skip

#: Share of people on centralised (piped) water. Assumption built on national figures: 65 % of
#: Ukraine's population, 98 % of cities and about a quarter of villages have centralised water
#: (Accounting Chamber of Ukraine, 14 June 2023, https://rp.gov.ua/PressCenter/News/?id=1561);
#: 74 % of rural residents had none in 2010 (solutionsforwater.org, Ukrainian government
#: programme). Urban 0.85 and rural 0.26 reproduce the national 65 %; the five large cities 0.95.
WATER_URBAN, WATER_RURAL, WATER_CITY = 0.85, 0.26, 0.95
LARGE_CITIES = ("UA5110027", "UA5110037", "UA5110041", "UA5108003", "UA5104001", "UA5112019")
WATER_SOURCE = (
    "assumption: piped-water share = 0.85 of the urban and 0.26 of the rural population (0.95 of the urban "
    "population of the large cities), consistent with the national 65 % of the Accounting Chamber of Ukraine "
    "(2023, https://rp.gov.ua/PressCenter/News/?id=1561); urban and rural population: State Statistics Service, "
    "1 Jan 2022; the rest use their own wells"
)

#: Odesa city heat: the CHP plant's share of the city (about 300,000 residents of about 1 million:
#: Interfax-Ukraine, https://ru.interfax.com.ua/news/general/456808-amp.html) and the district
#: boiler houses' share (assumption), split over the city zones.
CITY_CHP_SHARE, CITY_BOILER_SHARE = 0.30, 0.35

#: District heating outside Odesa city: hromada -> (boiler id, town, share of the URBAN population
#: heated centrally). Assumption: apartment blocks of the larger towns; everyone else heats
#: individually (gas, electricity, solid fuel) and is not linked.
DISTRICT_HEATING = {
    "UA5110037": ("BH-CHO", "Chornomorsk", 0.6),
    "UA5110041": ("BH-PIV", "Pivdenne", 0.7),
    "UA5110031": ("BH-TEP", "Teplodar", 0.6),
    "UA5108003": ("BH-IZM", "Izmail", 0.3),
    "UA5104001": ("BH-BD", "Bilhorod-Dnistrovskyi", 0.3),
    "UA5112019": ("BH-POD", "Podilsk", 0.25),
    "UA5106003": ("BH-BOL", "Bolhrad", 0.1),
    "UA5106001": ("BH-ART", "Artsyz", 0.1),
    "UA5108007": ("BH-REN", "Reni", 0.1),
    "UA5108005": ("BH-KIL", "Kiliia", 0.1),
    "UA5112003": ("BH-BAL", "Balta", 0.1),
    "UA5114013": ("BH-ROZ", "Rozdilna", 0.1),
    "UA5102003": ("BH-BER", "Berezivka", 0.1),
}
HEAT_SOURCE = "the rest heat individually and are not linked (their gas boilers also stop without power: not modelled)"

#: Households whose water and heat need their own power (service_links.csv ``own_power``, issue 14).
#: Water: of the people NOT on piped water (own wells, the rule above), the share whose well has an
#: electric pump (submersible or surface pump, hydrophore). Assumption: 0.6. Context, not a share:
#: in 2010 74 % of Ukraine's rural residents had no centralised water and drew groundwater from over
#: 2.1 million shallow wells, about 80,000 artesian and over 350,000 deep wells (Ukrainian government
#: programme, via solutionsforwater.org); shallow wells are often, deep wells always, pumped.
OWN_WELL_POWERED = 0.6
#: Hours a household on its own pump keeps water after its power is lost. Assumption: buckets and a
#: pressure or roof tank cover a usual cut block (4 h) but not a day.
OWN_WELL_BUFFER_HOURS = 6
#: Heat: of the people NOT on district heating, the share whose individual heating stops without
#: power (gas boilers with electric ignition and circulation pumps, electric heaters, heat pumps);
#: solid-fuel stoves and old non-electric gas boilers keep going. Assumption: 0.8 of the urban
#: (apartment and house gas boilers) and 0.5 of the rural population (more solid fuel).
OWN_HEAT_POWERED_URBAN, OWN_HEAT_POWERED_RURAL = 0.8, 0.5
#: Hours individual heating keeps going after power is lost. 0 (the boiler stops at once), as the
#: district boiler houses, which have no buffer on their power either; the home then cools for hours.
OWN_HEAT_BUFFER_HOURS = 0
OWN_POWER = "own_power"

ASSUMED = "assumption: illustrative asset, generic name"


def zone_of(pcode: str) -> Zone:
    """The zone that feeds a hromada (other than Odesa city)."""
    for zone in ZONES:
        if pcode in zone.hromadas:
            return zone
    raise KeyError(pcode)


def where(area: str, points: Mapping[str, tuple[float, float]]) -> tuple[str, str, str]:
    """(area_id, latitude, longitude) of an asset placed at an area's representative point."""
    lat, lon = points[area]
    return area, f"{lat:.2f}", f"{lon:.2f}"


class Network:
    """Assets, dependencies and service links, built row by row."""

    def __init__(self, points: Mapping[str, tuple[float, float]]) -> None:
        self.points = points
        self.assets: list[dict[str, object]] = []
        self.dependencies: list[dict[str, object]] = []
        self.links: list[dict[str, object]] = []

    def asset(
        self,
        asset_id: str,
        name: str,
        kind: str,
        area: str,
        notes: str = "",
        restoration: str = "",
        capacity: tuple[int, str, str] | None = None,
    ) -> None:
        """One asset row; ``capacity`` is (capacity_mw, grid_zone, how it was derived)."""
        area_id, lat, lon = where(area, self.points)
        source = f"{ASSUMED}, location = representative point of area {area_id} (coarse)"
        if capacity is not None:
            source = f"{source}; capacity_mw: {capacity[2]}"
        self.assets.append(
            {
                "asset_id": asset_id,
                "name": name,
                "kind": kind,
                "area_id": area_id,
                "latitude": lat,
                "longitude": lon,
                "restoration_class": restoration,
                "capacity_mw": "" if capacity is None else capacity[0],
                "grid_zone": "" if capacity is None else capacity[1],
                "source": source,
                "notes": notes,
            }
        )

    def needs(
        self, asset_id: str, supplies: Iterable[str], kind: str, group: str = "", buffer: float = 0, note: str = ""
    ) -> None:
        if buffer and not note.startswith("assumption"):
            note = f"assumption: {note}"
        for supply in supplies:
            self.dependencies.append(
                {
                    "asset_id": asset_id,
                    "depends_on": supply,
                    "group": group,
                    "buffer_hours": f"{buffer:g}" if buffer else "",
                    "kind": kind,
                    "notes": note,
                }
            )

    def feeds(
        self, asset_id: str, supplies: Sequence[str], kind: str, buffer: float = 0, note: str = "", group: str = ""
    ) -> None:
        """One supply group: alternatives when there are several (the group is named ``group``, else ``kind``)."""
        self.needs(asset_id, supplies, kind, (group or kind) if len(supplies) > 1 else "", buffer, note)

    def link(
        self, area: str, service: str, asset_id: str, share: float, note: str, buffer: float | None = None
    ) -> None:
        """One service link; ``buffer`` (hours) on ``own_power`` links only."""
        if share > 0:
            self.links.append(
                {
                    "area_id": area,
                    "service": service,
                    "asset_id": asset_id,
                    "share": f"{share:.6g}",
                    "buffer_hours": "" if buffer is None else f"{buffer:g}",
                    "notes": note,
                }
            )


def water_share(pcode: str, population: Mapping[str, tuple[int, int]]) -> float:
    """Share of a hromada on piped water (see :data:`WATER_SOURCE`), rounded to 3 decimals."""
    total, urban = population[pcode]
    urban_share = urban / total if total else 0.0
    on_urban = WATER_CITY if pcode in LARGE_CITIES else WATER_URBAN
    return round(on_urban * urban_share + WATER_RURAL * (1 - urban_share), 3)


def water_note(pcode: str, population: Mapping[str, tuple[int, int]]) -> str:
    """How a hromada's piped-water share was computed."""
    total, urban = population[pcode]
    on_urban = WATER_CITY if pcode in LARGE_CITIES else WATER_URBAN
    return (
        f"assumption: {on_urban:g} of the urban ({urban / total:.0%}) and {WATER_RURAL:g} of the rural population "
        "on piped water; the rest on own wells"
    )


def heat_share(pcode: str, population: Mapping[str, tuple[int, int]]) -> float:
    """Share of a hromada on district heating (see :data:`DISTRICT_HEATING`), rounded to 3 decimals."""
    total, urban = population[pcode]
    return round(DISTRICT_HEATING[pcode][2] * urban / total, 3) if pcode in DISTRICT_HEATING else 0.0


def own_water_share(pcode: str, population: Mapping[str, tuple[int, int]]) -> float:
    """Share of a hromada on its own electric well pumps, rounded to 3 decimals."""
    return round(OWN_WELL_POWERED * (1 - water_share(pcode, population)), 3)


def own_heat_share(pcode: str, population: Mapping[str, tuple[int, int]]) -> float:
    """Share of a hromada whose individual heating needs power, rounded to 3 decimals.

    Odesa city's district share (CHP and boiler houses, 0.65) counts as urban; elsewhere
    :func:`heat_share` is a share of the urban population already.
    """
    total, urban = population[pcode]
    district = CITY_CHP_SHARE + CITY_BOILER_SHARE if pcode == CITY else heat_share(pcode, population)
    urban_share = urban / total if total else 0.0
    individual_urban = max(0.0, urban_share - district)
    return round(OWN_HEAT_POWERED_URBAN * individual_urban + OWN_HEAT_POWERED_RURAL * (1 - urban_share), 3)


def build_own_power(net: Network, population: Mapping[str, tuple[int, int]]) -> None:
    """``own_power`` water and heat links of every hromada: own pumps and individual heating."""
    for pcode in sorted(population):
        if not (pcode.startswith(OBLAST) and len(pcode) == 9):
            continue
        total, urban = population[pcode]
        net.link(pcode, "water", OWN_POWER, own_water_share(pcode, population),
                 f"assumption: {OWN_WELL_POWERED:g} of the people on own wells pump with electricity; "
                 f"{OWN_WELL_BUFFER_HOURS} h of stored water", OWN_WELL_BUFFER_HOURS)  # fmt: skip
        net.link(pcode, "heat", OWN_POWER, own_heat_share(pcode, population),
                 f"assumption: individual heating that needs power, {OWN_HEAT_POWERED_URBAN:g} of the urban "
                 f"({urban / total:.0%}) not on district heat and {OWN_HEAT_POWERED_RURAL:g} of the rural population",
                 OWN_HEAT_BUFFER_HOURS)  # fmt: skip


def build_power(net: Network, supply: Mapping[str, tuple[int, str, str]]) -> None:
    """Backbone nodes (with their capacity), the ring from node 5, the city substations and one
    aggregate substation per zone."""
    for asset_id, (name, area, note) in BACKBONE.items():
        net.asset(asset_id, name, "substation", area, f"feeds {note}", "transformer_missile", supply[asset_id])
    net.asset(RING, "110 kV ring from backbone node 5 towards Odesa", "power_line", ODESA_RAION,
              "second feed of city zones 7-8 and the suburbs; its transfer into the Odesa grid zone is limited",
              capacity=supply[RING])  # fmt: skip
    net.feeds(RING, ("SUB-BB-5",), "power")
    for k, feeds in CITY_FEEDS.items():
        net.asset(f"SUB-ODE-{k}", f"Distribution substation Odesa {k} (110 kV)", "substation", CITY,
                  f"city zone {k}: {CITY_SHARES[k]:.3g} of the city's people")  # fmt: skip
        net.feeds(f"SUB-ODE-{k}", feeds, "power", group="grid")
    net.asset("SUB-PORT", "Port substation (110 kV)", "substation", CITY, "feeds the port of Odesa")
    net.feeds("SUB-PORT", ("SUB-BB-1", "SUB-BB-2"), "power", group="grid")
    for zone in ZONES:
        net.asset(f"SUB-{zone.code}", f"Distribution substations, {zone.name} (aggregate, 110 kV)", "substation",
                  zone.hromadas[0], f"feeds {len(zone.hromadas)} hromadas of raion {zone.raion}")  # fmt: skip
        note = "" if len(zone.feeds) > 1 else "single 110 kV feed"
        net.feeds(f"SUB-{zone.code}", zone.feeds, "power", note=note, group="grid")
    net.asset("GAS-1", "Gas supply node 1", "gas_node", "UA5110", "gas distribution station for Odesa city")
    net.asset("GAS-2", "Gas supply node 2", "gas_node", "UA5110", "gas distribution station for the towns around Odesa")


def build_water(net: Network, population: Mapping[str, tuple[int, int]]) -> None:
    """The Odesa water system (intake, treatment, reservoirs, city pumping) and one aggregate
    pumping asset per other zone."""
    net.asset("WI-1", "Water intake 1 (Dniester river)", "water_intake", "UA5110003", "main raw-water source of Odesa")
    net.feeds("WI-1", ("SUB-BIL", "SUB-OVD"), "power", note="large pumps, no generator")
    net.asset("WELL-1", "Well field (second source of Odesa)", "well", "UA5110003", "smaller second raw-water source")
    net.feeds("WELL-1", ("SUB-BIL",), "power", 4, "generator about 4 h")
    net.asset("WTP-1", "Water treatment plant (Odesa system)", "water_treatment", "UA5110003")
    net.feeds("WTP-1", ("WI-1", "WELL-1"), "raw", note="either source suffices at reduced output")
    net.feeds("WTP-1", ("SUB-BIL", "SUB-OVD"), "power", 3, "backup generator about 3 h")
    net.asset("PS-MAIN", "Main pumping station (treated water to Odesa)", "pumping_station", "UA5110003")
    net.feeds("PS-MAIN", ("WTP-1",), "water")
    net.feeds("PS-MAIN", ("SUB-BIL", "SUB-WEST"), "power")
    for number, hours in ((1, 10), (2, 8)):
        net.asset(f"RES-{number}", f"Clean-water reservoir {number} (Odesa)", "reservoir", CITY)
        net.feeds(f"RES-{number}", ("PS-MAIN",), "water", hours, f"storage: feeds the city network about {hours} h")
    reservoirs = ("RES-1", "RES-2")
    for k, share in CITY_SHARES.items():
        hours = CITY_PUMP_GENERATOR_HOURS[k]
        net.asset(f"PS-ODE-{k}", f"Distribution pumping station Odesa {k}", "pumping_station", CITY, f"city zone {k}")
        net.feeds(f"PS-ODE-{k}", reservoirs, "water")
        net.feeds(f"PS-ODE-{k}", (f"SUB-ODE-{k}",), "power", hours, f"generator about {hours} h")
        net.link(CITY, "water", f"PS-ODE-{k}", WATER_CITY * share,
                 f"zone {k}: {share:.3g} of the city x 0.95 on piped water (assumption)")  # fmt: skip
    net.asset("WI-2", "Water intake 2 (Danube river)", "water_intake", "UA5108003")
    net.feeds("WI-2", ("SUB-IZM",), "power", 2, "generator about 2 h")
    for zone in ZONES:
        asset_id = f"PS-{zone.code}"
        net.asset(asset_id, f"Water pumping stations, {zone.name} (aggregate)", "pumping_station", zone.hromadas[0],
                  {"odesa": "fed from the Odesa system", "danube": "fed from the Danube intake"}.get(zone.water,
                  "local wells and water towers"))  # fmt: skip
        if zone.water == "odesa" and zone.code == "CHO":
            net.feeds(asset_id, ("PS-MAIN",), "water", 12, "local reservoir about 12 h")
        elif zone.water == "odesa":
            net.feeds(asset_id, reservoirs, "water")
        elif zone.water == "danube":
            net.feeds(asset_id, ("WI-2",), "water", 6, "clean-water tank about 6 h")
        net.feeds(asset_id, (f"SUB-{zone.code}",), "power", 4, "generators about 4 h")
        for pcode in zone.hromadas:
            net.link(pcode, "water", asset_id, water_share(pcode, population), water_note(pcode, population))


def build_heat(
    net: Network, population: Mapping[str, tuple[int, int]], supply: Mapping[str, tuple[int, str, str]]
) -> None:
    """Odesa's CHP plant and district boiler houses, and the boiler houses of the other towns."""
    net.asset("CHP-1", "CHP plant (Odesa)", "chp_plant", CITY, "district heat for about 300,000 people of the city",
              capacity=supply["CHP-1"])  # fmt: skip
    net.feeds("CHP-1", ("SUB-ODE-1", "SUB-ODE-2"), "power", note="auxiliaries and network pumps; no black start")
    net.feeds("CHP-1", ("GAS-1", "GAS-2"), "gas")
    net.feeds("CHP-1", ("PS-MAIN",), "water", 24, "make-up water; tanks for about a day")
    net.link(CITY, "heat", "CHP-1", CITY_CHP_SHARE, "about 300,000 of the city's residents (Interfax-Ukraine)")
    for k, share in CITY_SHARES.items():
        asset_id = f"BH-ODE-{k}"
        net.asset(asset_id, f"District boiler houses, Odesa zone {k} (aggregate)", "boiler_house", CITY)
        net.feeds(asset_id, (f"SUB-ODE-{k}",), "power", note="circulation pumps")
        net.feeds(asset_id, ("GAS-1",), "gas")
        net.feeds(asset_id, (f"PS-ODE-{k}",), "water", 24, "make-up water; the network holds about a day")
        net.link(CITY, "heat", asset_id, CITY_BOILER_SHARE * share,
                 f"zone {k}: {share:.3g} of the city x 0.35 on district boiler houses (assumption)")  # fmt: skip
    for pcode, (asset_id, town, town_share) in DISTRICT_HEATING.items():
        zone = zone_of(pcode)
        net.asset(asset_id, f"Boiler houses, {town} (aggregate)", "boiler_house", pcode, "district heating")
        net.feeds(asset_id, (f"SUB-{zone.code}",), "power", note="circulation pumps")
        if zone.raion == "UA5110":
            net.feeds(asset_id, ("GAS-2",), "gas")
        net.feeds(asset_id, (f"PS-{zone.code}",), "water", 24, "make-up water")
        total, urban = population[pcode]
        note = (
            f"assumption: {town_share:g} of the urban population ({urban / total:.0%}) of {town} on district "
            f"heating; {HEAT_SOURCE}"
        )
        net.link(pcode, "heat", asset_id, heat_share(pcode, population), note)


def build_ports(net: Network) -> None:
    """Ports, the port logistics site and the port's storage tanks; no population is linked."""
    net.asset("PORT-ODE", "Port of Odesa", "port", CITY)
    net.feeds("PORT-ODE", ("SUB-PORT", "SUB-ODE-7"), "power", 6, "generators about 6 h")
    net.asset("PORT-CHO", "Port of Chornomorsk", "port", "UA5110037")
    net.feeds("PORT-CHO", ("SUB-CHO",), "power", 6, "generators about 6 h")
    net.asset("PORT-PIV", "Port Pivdennyi", "port", "UA5110041")
    net.feeds("PORT-PIV", ("SUB-PIV",), "power", 6, "generators about 6 h")
    net.asset("TANKS-PIV", "Storage tanks (reservoirs), port Pivdennyi", "port", "UA5110041",
              "storage tanks of the port, not drinking water")  # fmt: skip
    net.asset("PORT-IZM", "Port of Izmail", "port", "UA5108003")
    net.feeds("PORT-IZM", ("SUB-IZM",), "power", 6, "generators about 6 h")
    net.asset("HUB-1", "Port logistics site (Odeskyi raion)", "logistics_hub", "UA5110",
              "truck parking and warehouses of a port; exact place not reported")  # fmt: skip
    net.feeds("HUB-1", ("SUB-PIV",), "power", 4, "generators about 4 h")


def build_network(reference: Reference, points: Mapping[str, tuple[float, float]]) -> Network:
    """The whole illustrative network and every leaf's service links."""
    net = Network(points)
    supply = capacities(reference.population)
    build_power(net, supply)
    for k, share in CITY_SHARES.items():
        net.link(CITY, "power", f"SUB-ODE-{k}", share, f"assumption: city zone {k}")
    for zone in ZONES:
        for pcode in zone.hromadas:
            net.link(pcode, "power", f"SUB-{zone.code}", 1.0, "assumption: everyone on the grid of this zone")
    build_water(net, reference.population)
    build_heat(net, reference.population, supply)
    build_own_power(net, reference.population)
    build_ports(net)
    return net


# ------------------------------------------------------------------ strikes, curves, observations

#: Sources of the December 2025 events.
NIGHT_ATTACK = (
    "night attack of 12-13 Dec 2025 on the energy system of Odesa oblast, one of the most massive (Odesa oblast "
    "military administration via liga.net, https://news.liga.net/ua/politics/news/rosiiany-atakuvaly-raketamy-y-"
    "dronamy-odeshchynu-ta-mykolaivshchynu; DTEK: outages in parts of Odeskyi, Bilhorod-Dnistrovskyi and Podilskyi "
    "raions and four districts of Odesa; ten substations reported damaged, telegraf.com.ua, https://news.telegraf.com"
    ".ua/ukr/ukraina/2025-12-13/5928000-odesa-u-temryavi-pislya-nichnoi-ataki-rf-shcho-vidomo-pro-situatsiyu-zi-"
    "svitlom)"
)
CALIBRATED = "assumption: target, hour and damage state illustrative, set against the 13-17 Dec power figures (README)"
ENERGY_19 = (
    "pre-dawn attack of 19 Dec 2025: an energy facility in Odesa damaged, one of the city's largest residential "
    "areas without electricity, water and heat (Odesa oblast military administration via UNN, https://unn.ua/en/news/"
    "one-of-odesas-largest-residential-areas-without-electricity-water-and-heating-due-to-russian-attack-"
    "consequences-shown)"
)
PORT_19 = (
    "ballistic missile strike on a port infrastructure facility in Odeskyi raion on the evening of 19 Dec 2025: "
    "8 killed, 27 injured, a bus at the epicentre, trucks burning in the parking (State Emergency Service via Kyiv "
    "Independent, https://kyivindependent.com/russia-attacks-odesa-oblast-with-ballistic-missiles-at-least-7-"
    "killed-15-injured; Air Force warning 21:00, explosions minutes later, towards Pivdenne: liga.net, "
    "https://news.liga.net/en/region_news/news/russians-attack-port-infrastructure-in-odesa-region-seven-people-"
    "killed)"
)
TANKS_20 = (
    "attack on Saturday 20 Dec 2025 on reservoirs in the port Pivdennyi (Deputy Prime Minister Kuleba, via Reuters "
    "and Devdiscourse, https://www.devdiscourse.com/article/headlines/3737097-russia-targets-ukraines-key-"
    "reservoirs-in-odesa-region)"
)

#: (id, local time +02:00, asset, damage state, killed, injured, source, notes).
STRIKES = (
    ("S01", "2025-12-13T03:10", "SUB-BB-1", "moderate", "", "", f"{NIGHT_ATTACK}; {CALIBRATED}",
     "autotransformer damaged"),
    ("S02", "2025-12-13T03:20", "SUB-BB-2", "extensive", "", "", f"{NIGHT_ATTACK}; {CALIBRATED}",
     "autotransformers destroyed: Odesa depends on node 1 alone until it is rebuilt"),
    ("S03", "2025-12-13T03:40", "SUB-ODE-7", "moderate", "", "", f"{NIGHT_ATTACK}; {CALIBRATED}", ""),
    ("S04", "2025-12-13T03:45", "SUB-ODE-8", "moderate", "", "", f"{NIGHT_ATTACK}; {CALIBRATED}", ""),
    ("S05", "2025-12-13T04:00", "SUB-ODE-6", "extensive", "", "", f"{NIGHT_ATTACK}; {CALIBRATED}",
     "heavy damage: the last part of the city to be reconnected"),
    ("S06", "2025-12-13T04:30", "SUB-CHO", "moderate", "", "", f"{NIGHT_ATTACK}; {CALIBRATED}", ""),
    ("S07", "2025-12-13T05:00", "SUB-PIV", "slight", "", "", f"{NIGHT_ATTACK}; {CALIBRATED}", ""),
    ("S08", "2025-12-13T05:30", "SUB-BIL", "slight", "", "", f"{NIGHT_ATTACK}; {CALIBRATED}", ""),
    ("S09", "2025-12-13T05:40", "SUB-NORTH", "slight", "", "", f"{NIGHT_ATTACK}; {CALIBRATED}", ""),
    ("S10", "2025-12-13T05:50", "SUB-WEST", "slight", "", "", f"{NIGHT_ATTACK}; {CALIBRATED}", ""),
    ("S11", "2025-12-13T06:10", "SUB-BD", "slight", "", "", f"{NIGHT_ATTACK}; {CALIBRATED}", ""),
    ("S12", "2025-12-13T06:30", "SUB-POD", "slight", "", "", f"{NIGHT_ATTACK}; {CALIBRATED}", ""),
    ("S13", "2025-12-13T07:00", "SUB-BB-4", "slight", "", "", f"{NIGHT_ATTACK}; {CALIBRATED}", ""),
    ("S14", "2025-12-19T04:00", "SUB-ODE-3", "moderate", "", "", f"{ENERGY_19}; assumption: substation, hour and "
     "damage state chosen from the wording, not from the reported counts (held out)", "a large residential district"),
    ("S15", "2025-12-19T21:05", "HUB-1", "extensive", "8", "27", f"{PORT_19}; assumption: damage state",
     "logistics site: bus at the epicentre, trucks burning"),
    ("S16", "2025-12-20T03:00", "TANKS-PIV", "moderate", "", "", f"{TANKS_20}; assumption: hour and damage state",
     "storage tanks of the port (not drinking water)"),
)  # fmt: skip

#: Restoration class of the backbone nodes. Assumption; the moderate median is calibrated.
TRANSFORMER_SOURCE = (
    "assumption: missile damage to 330 kV autotransformers; HAZUS substation medians (1/3/7/30 days) are seismic "
    "and assume spares at hand; large transformers are scarce, so medians 1.5/4/14/45 days with a lognormal "
    "spread (long right tail); the moderate median (4 days) is set against the reported restoration of 13-17 Dec "
    "2025 (README)"
)
RESTORATION = (
    ("transformer_missile", "slight", "lognormal", "1.5", "0.5"),
    ("transformer_missile", "moderate", "lognormal", "4", "0.6"),
    ("transformer_missile", "extensive", "lognormal", "14", "0.7"),
    ("transformer_missile", "complete", "lognormal", "45", "0.8"),
)

#: Reported figures the network and damage states were set against; every other "without"
#: figure is held out (not looked at while choosing inputs).
CALIBRATION = {
    ("2025-12-15T10:50:00+02:00", OBLAST, "power"),
    ("2025-12-16T09:00:00+02:00", OBLAST, "power"),
    ("2025-12-17T12:00:00+02:00", OBLAST, "power"),
}


def build_strikes() -> list[dict[str, object]]:
    """Rows of ``strikes.csv``."""
    columns = ("strike_id", "time", "asset_id", "damage_state", "killed", "injured", "source", "notes")
    rows = [dict(zip(columns, row, strict=True)) for row in STRIKES]
    for row in rows:
        row["time"] = f"{row['time']}:00+02:00"
    return rows


def build_restoration() -> list[dict[str, object]]:
    """Rows of ``restoration.csv``."""
    columns = ("restoration_class", "damage_state", "distribution", "median_days", "dispersion")
    return [dict(zip(columns, row, strict=True)) | {"source": TRANSFORMER_SOURCE} for row in RESTORATION]


def build_observations(reported: Iterable[Mapping[str, str]]) -> list[dict[str, object]]:
    """The reported "without" figures, each with its role (calibration or held out)."""
    rows = []
    for row in reported:
        if row["kind"] != "without":
            continue
        key = (row["time"], row["area_id"], row["service"])
        rows.append(
            {
                "time": row["time"],
                "area_id": row["area_id"],
                "service": row["service"],
                "value": row["value"],
                "unit": row["unit"],
                "source": f"{row['source']} ({row['note']})",
                "role": "calibration" if key in CALIBRATION else "held out",
            }
        )
    return rows


# ------------------------------------------------------------------ writing


def csv_bytes(rows: Sequence[Mapping[str, object]]) -> bytes:
    """Rows as UTF-8 CSV with a header (LF line ends, minimal quoting)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def build(reference_folder: Path, out: Path) -> dict[str, bytes]:
    """Every generated file of the dataset, by file name."""
    reference = read_reference(reference_folder)
    geojson, shapes, _simplified = build_boundaries(reference)
    areas = build_areas(reference, shapes)
    points = {str(a["area_id"]): (float(a["latitude"]), float(a["longitude"])) for a in areas}  # type: ignore[arg-type]
    net = build_network(reference, points)
    return {
        "areas.csv": csv_bytes(areas),
        "boundaries.geojson": geojson,
        "assets.csv": csv_bytes(net.assets),
        "dependencies.csv": csv_bytes(net.dependencies),
        "service_links.csv": csv_bytes(net.links),
        "strikes.csv": csv_bytes(build_strikes()),
        "restoration.csv": csv_bytes(build_restoration()),
        "observations.csv": csv_bytes(build_observations(reference.reported)),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reference", type=Path, required=True, help="folder of the reference files")
    parser.add_argument("--out", type=Path, default=DATASET, help="dataset folder to write (default: %(default)s)")
    args = parser.parse_args(argv)
    try:
        files = build(args.reference, args.out)
    except (ReferenceError, KeyError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        atomic_write(args.out / name, lambda path, data=data: path.write_bytes(data))
        print(f"{args.out / name}: {len(data):,} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
