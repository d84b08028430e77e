"""Areas and boundaries of a scenario from administrative boundary files (``impact import-areas``).

OCHA's Common Operational Datasets of administrative boundaries (COD-AB, on HDX:
https://data.humdata.org, e.g. ``cod-ab-ukr``) give each unit a P-code; population tables
(COD-PS) use the same P-codes. :func:`import_areas` reads one or more boundary layers
(:mod:`impact.cod_ab.layers`: COD-AB or OSM-style with KATOTTH codes, any CRS), builds the
area hierarchy from the P-codes (:mod:`impact.cod_ab.hierarchy`), dissolves parents without a
layer of their own from their children (:meth:`impact.boundaries.Boundaries.with_parents`),
joins a population table (:mod:`impact.cod_ab.population`) and returns an
:class:`ImportedAreas`, whose :meth:`~ImportedAreas.write` writes a folder with:

- ``areas.csv``: ``area_id`` (P-code), ``name``, ``name_uk``, ``admin_level``, ``parent_id``,
  ``population`` (leaves only: the loader sums parents; empty where the table had none),
  ``latitude``/``longitude`` (a point inside the polygon, :func:`shapely.point_on_surface`,
  rounded to 0.01 degree), ``source``;
- ``boundaries.geojson``: one feature per area with ``area_id``, ``name``, ``name_uk`` and
  ``admin_level`` (:meth:`impact.boundaries.Boundaries.to_geojson`);
- ``README.md``: the sources, the attribution their licence asks for, every repair and every
  row or area the population join could not match.

Bad input raises :class:`CodAbError` listing every problem (file, layer, feature index from 0
in file order, P-code) before anything is written.

>>> from impact.cod_ab import import_areas
>>> imported = import_areas(["adm3.shp"], population="adm3_population.csv", within=["UA51"])  # doctest: +SKIP
>>> imported.write("my-area")  # doctest: +SKIP
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from impact._version import __version__
from impact.boundaries import BOUNDARIES_FILE, Boundaries, representative_points
from impact.cod_ab.hierarchy import Area, build_hierarchy
from impact.cod_ab.layers import GEO_EXTRA_HINT, GeoUnavailable, Layer, read_layers
from impact.cod_ab.names import transliterate_uk
from impact.cod_ab.pcodes import pcode_from_katotth
from impact.cod_ab.population import PopulationJoin, PopulationTable, join_population, read_population
from impact.export.atomic import atomic_folder
from impact.export.cells import neutralise

__all__ = [
    "AREA_COLUMNS",
    "CENTROID_DECIMALS",
    "COD_AB_ATTRIBUTION",
    "GEO_EXTRA_HINT",
    "OSM_ATTRIBUTION",
    "README_FILE",
    "WRITTEN_FILES",
    "CodAbError",
    "GeoUnavailable",
    "ImportedAreas",
    "import_areas",
    "pcode_from_katotth",
    "transliterate_uk",
]

#: Columns of the ``areas.csv`` written, in order (see docs/data-format.md).
AREA_COLUMNS = (
    "area_id",
    "name",
    "name_uk",
    "admin_level",
    "parent_id",
    "population",
    "latitude",
    "longitude",
    "source",
)

#: Decimals of the latitude/longitude written to areas.csv (0.01 degree: about 1.1 km north-south).
CENTROID_DECIMALS = 2

#: README of the folder written.
README_FILE = "README.md"

#: Files of the folder :meth:`ImportedAreas.write` writes.
WRITTEN_FILES = ("areas.csv", BOUNDARIES_FILE, README_FILE)

#: Credit line assumed for COD-AB-style layers when none is given (COD-AB datasets are
#: licensed CC BY-IGO on HDX; the exact credit is on each dataset's page).
COD_AB_ATTRIBUTION = "Administrative boundaries: OCHA COD-AB via HDX (CC BY-IGO)"

#: Credit line assumed for OSM-style layers when none is given (ODbL 1.0 asks for it).
OSM_ATTRIBUTION = "© OpenStreetMap contributors (ODbL 1.0)"


class CodAbError(ValueError):
    """Boundary or population files that cannot be imported; ``problems`` lists every one.

    Parameters
    ----------
    problems : list of str
        Each naming the file (and layer), the feature index or line, and what is wrong.
    """

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        count = len(self.problems)
        super().__init__(
            f"{count} problem{'s' if count != 1 else ''}; nothing was written\n" + "\n".join(self.problems)
        )


@dataclass(frozen=True)
class ImportedAreas:
    """Areas, boundaries and populations imported, ready to write.

    Parameters
    ----------
    areas : DataFrame
        The ``areas.csv`` rows (:data:`AREA_COLUMNS`), depth first; ``population`` is a
        nullable integer [persons], ``latitude``/``longitude`` [degrees] rounded to
        :data:`CENTROID_DECIMALS`.
    boundaries : Boundaries
        A polygon for every area (parents dissolved from their children where they had none),
        with the attribution.
    layers : tuple of Layer
        The layers read.
    notes : tuple of str
        Every repair, assumption and dropped duplicate, one line each.
    population : PopulationJoin or None
        The population join, when a table was given.
    attribution : str
        Credit line for the boundaries.
    attribution_assumed : bool
        True when the attribution was not given but assumed from the layers' style.
    within : tuple of str
        P-codes the import was limited to (empty: everything).
    outside : int
        Features left out by ``within``.
    """

    areas: pd.DataFrame
    boundaries: Boundaries
    layers: tuple[Layer, ...]
    notes: tuple[str, ...]
    population: PopulationJoin | None
    attribution: str
    attribution_assumed: bool = False
    within: tuple[str, ...] = ()
    outside: int = 0

    @property
    def repairs(self) -> list[str]:
        """The notes on repaired geometry."""
        return [note for note in self.notes if "repaired" in note]

    @property
    def leaves_without_population(self) -> list[str]:
        """Leaf areas whose population is empty (all leaves when no table was given)."""
        return list(self.areas.loc[self.leaf_mask() & self.areas["population"].isna(), "area_id"])

    def leaf_mask(self) -> pd.Series:
        """True on the rows of leaf areas."""
        parents = set(self.areas["parent_id"])
        return ~self.areas["area_id"].isin(parents)

    def warnings(self) -> list[str]:
        """What the user must do before the folder loads as a scenario (empty when nothing)."""
        missing = self.leaves_without_population
        if not missing:
            return []
        if self.population is None:
            return [
                f"no population table given: the population of the {len(missing)} leaf area(s) is empty; "
                "fill it in (or import again with --population) before `impact validate` accepts areas.csv"
            ]
        shown = ", ".join(missing[:20]) + (f" and {len(missing) - 20} more" if len(missing) > 20 else "")
        return [
            f"{len(missing)} leaf area(s) got no population from {self.population.table.source}: {shown}; "
            "their population is empty: fill it in before `impact validate` accepts areas.csv"
        ]

    # ------------------------------------------------------------------ files

    def areas_csv(self) -> str:
        """The ``areas.csv`` text (text from the files neutralised for spreadsheets)."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(AREA_COLUMNS)
        for row in self.areas.itertuples(index=False):
            writer.writerow(
                [
                    row.area_id,
                    neutralise(row.name),
                    neutralise(row.name_uk),
                    int(row.admin_level),
                    row.parent_id,
                    "" if pd.isna(row.population) else int(row.population),
                    f"{row.latitude:.{CENTROID_DECIMALS}f}",
                    f"{row.longitude:.{CENTROID_DECIMALS}f}",
                    neutralise(row.source),
                ]
            )
        return buffer.getvalue()

    def boundaries_geojson(self) -> str:
        """The ``boundaries.geojson`` text: one feature per line, areas in ``areas.csv`` order."""
        properties = {
            row.area_id: {"name": row.name, "name_uk": row.name_uk, "admin_level": int(row.admin_level)}
            for row in self.areas.itertuples(index=False)
        }
        collection = self.boundaries.to_geojson(properties)
        head = {key: value for key, value in collection.items() if key != "features"}
        features = ",\n".join(json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in collection["features"])
        opening = json.dumps(head, ensure_ascii=False, separators=(",", ":"))[:-1]
        return f'{opening},"features":[\n{features}\n]}}\n'

    def readme(self) -> str:
        """The ``README.md`` text: sources, attribution, repairs, population join, next steps."""
        return _readme(self)

    def files(self) -> dict[str, str]:
        """File name → text of the folder :meth:`write` writes."""
        texts = (self.areas_csv(), self.boundaries_geojson(), self.readme())
        return dict(zip(WRITTEN_FILES, texts, strict=True))

    def write(self, out: str | Path) -> Path:
        """Write ``areas.csv``, ``boundaries.geojson`` and ``README.md`` into the new folder ``out``.

        The folder is written whole or not at all (:func:`impact.export.atomic.atomic_folder`);
        ``out`` must not exist or be empty, and its parent folder must exist.
        """
        return atomic_folder(out, self.files())


# ---------------------------------------------------------------------------- import


def _default_attribution(layers: Sequence[Layer]) -> str:
    styles = list(dict.fromkeys(layer.style for layer in layers))
    lines = {"COD-AB": COD_AB_ATTRIBUTION, "OSM-style": OSM_ATTRIBUTION}
    return "; ".join(lines[style] for style in styles)


def _area_source(area: Area, population: PopulationJoin | None) -> str:
    if area.feature is not None:
        text = f"boundary: {area.feature.source}, feature {area.feature.index}"
    else:
        text = "boundary: dissolved from the areas below it"
    if population is not None and area.pcode in population.rows:
        text += f"; population: {population.table.short}, {population.rows[area.pcode].where}"
    return text


def import_areas(
    sources: Iterable[str | Path],
    *,
    population: str | Path | None = None,
    pcode_column: str | None = None,
    population_column: str | None = None,
    within: Sequence[str] = (),
    attribution: str | None = None,
) -> ImportedAreas:
    """Read boundary layers (and a population table) into the areas of a scenario.

    Parameters
    ----------
    sources : iterable of str or Path
        Boundary files: GeoPackage, Shapefile, zipped Shapefile, GeoJSON, each optionally
        followed by ``:LAYER`` (default: every polygon layer of the file).
    population : str or Path, optional
        Population table: COD-PS style CSV or ``.xlsx`` (optionally ``:SHEET``).
    pcode_column, population_column : str, optional
        Columns of the population table (any case); defaults: the deepest ``ADMn_PCODE`` and
        ``T_TL``.
    within : sequence of str
        Keep only these areas and the areas below them (for example ``["UA51"]``: Odesa
        oblast out of a national file).
    attribution : str, optional
        Credit line for the boundaries; default assumed from the layers' style
        (:data:`COD_AB_ATTRIBUTION`, :data:`OSM_ATTRIBUTION`).

    Returns
    -------
    ImportedAreas

    Raises
    ------
    CodAbError
        With every problem found, when a file cannot be read or its contents cannot make areas.
    GeoUnavailable
        If geopandas or pyogrio (the ``geo`` extra) is missing.
    """
    sources = list(sources)
    if not sources:
        raise CodAbError(["no boundary file given"])
    if (pcode_column or population_column) and population is None:
        raise CodAbError(["--pcode-column and --population-column name columns of the --population table: give one"])
    layers, notes, problems = read_layers(sources)
    table: PopulationTable | None = None
    if population is not None:
        table, table_problems = read_population(population, pcode_column, population_column)
        problems += table_problems
    if problems:
        raise CodAbError(problems)
    hierarchy, problems = build_hierarchy(layers, within)
    if hierarchy is None:
        raise CodAbError(problems)
    notes += [note for layer in layers for note in layer.notes] + list(hierarchy.notes)
    joined = join_population(table, hierarchy, within) if table is not None else None
    if table is not None:
        notes += list(table.notes)
    read = {a.pcode: a.geometry for a in hierarchy.areas if a.geometry is not None}
    own = Boundaries(read)
    assumed = attribution is None
    credit = _default_attribution(layers) if attribution is None else attribution.strip()
    boundaries = Boundaries(own.with_parents(hierarchy.tree).shapes, credit)
    missing = [a.pcode for a in hierarchy.areas if a.pcode not in boundaries]
    if missing:  # a parent whose children's union has no area left: cannot happen with valid polygons
        raise CodAbError([f"{pcode}: no polygon could be made from the areas below it" for pcode in missing])
    points = representative_points(boundaries)
    rows = []
    for area in hierarchy.areas:
        longitude, latitude = points[area.pcode]
        value = joined.values.get(area.pcode) if joined is not None else None
        rows.append(
            {
                "area_id": area.pcode,
                "name": area.name,
                "name_uk": area.name_uk,
                "admin_level": area.level,
                "parent_id": area.parent or "",
                "population": value,
                "latitude": round(latitude, CENTROID_DECIMALS),
                "longitude": round(longitude, CENTROID_DECIMALS),
                "source": _area_source(area, joined),
            }
        )
    frame = pd.DataFrame(rows, columns=list(AREA_COLUMNS))
    frame["population"] = frame["population"].astype("Int64")
    ordered = Boundaries({a: boundaries.shapes[a] for a in frame["area_id"]}, credit)
    return ImportedAreas(
        frame,
        ordered,
        tuple(layers),
        tuple(notes),
        joined,
        credit,
        assumed,
        tuple(w.strip().upper() for w in within),
        hierarchy.outside,
    )


# ---------------------------------------------------------------------------- README


def _bullets(lines: Iterable[str]) -> list[str]:
    return [f"- {line}" for line in lines]


def _without_folders(imported: ImportedAreas) -> dict[str, str]:
    """Path as given → file name, for every file named in messages (longest first)."""
    names = {layer.file: Path(layer.file).name for layer in imported.layers}
    if imported.population is not None:
        names[imported.population.table.source] = imported.population.table.short
    return dict(sorted(names.items(), key=lambda item: -len(item[0])))


def _readme(imported: ImportedAreas) -> str:
    frame = imported.areas
    renames = _without_folders(imported)

    def short(text: str) -> str:
        for long, name in renames.items():
            text = text.replace(long, name)
        return text

    leaves = imported.leaf_mask()
    own = {f.pcode for layer in imported.layers for f in layer.features}
    out = [
        "# Areas imported from administrative boundaries",
        "",
        f"Written by `impact import-areas` (humanitarian-impact {__version__}): `areas.csv` and "
        f"`{BOUNDARIES_FILE}` for a scenario folder. Add the network (`assets.csv`, `service_links.csv`, "
        "`strikes.csv`) and `scenario.toml`, then run `impact validate FOLDER` (see docs/user-guide.md, "
        '"Your own area from COD-AB").',
        "",
        "## Sources",
        "",
    ]
    for layer in imported.layers:
        out.append(
            f"- `{layer.short}`: {len(layer.features)} feature(s), {layer.style}, P-codes from `{layer.pcode_field}`, "
            f"CRS {layer.crs}" + (" reprojected to WGS84" if layer.crs not in ("EPSG:4326", "OGC:CRS84") else "")
        )
    if imported.population is not None:
        table = imported.population.table
        out.append(
            f"- population: `{table.short}`, column `{table.population_column}` joined by `{table.pcode_column}`"
        )
    if imported.within:
        out.append(
            f"- limited to {', '.join(imported.within)} and the areas below "
            f"({imported.outside} feature(s) outside left out)"
        )
    out += [
        "",
        "## Attribution",
        "",
        f"{imported.attribution or '(none given)'}",
        "",
    ]
    if imported.attribution_assumed:
        out += [
            "This credit line was assumed from the layers' fields (COD-AB: CC BY-IGO; OSM-style: ODbL 1.0); "
            "check the licence and the credit the source's page asks for, and import again with "
            "`--attribution` if it differs.",
            "",
        ]
    out += [
        "Show it wherever the boundaries are shown: put it into the scenario's `scenario.toml`:",
        "",
        "```toml",
        "[boundaries]",
        f"attribution = {json.dumps(imported.attribution, ensure_ascii=False)}",
        "```",
        "",
        "## Areas",
        "",
        "| level | areas | leaves | polygon from the files | dissolved from the areas below |",
        "|---|---|---|---|---|",
    ]
    for level, group in frame.groupby("admin_level", sort=True):
        ids = set(group["area_id"])
        out.append(
            f"| {level} | {len(group)} | {int(leaves[group.index].sum())} | {len(ids & own)} | {len(ids - own)} |"
        )
    out += [
        "",
        f"Latitude and longitude are a point inside each polygon (`shapely.point_on_surface`), rounded to "
        f"{CENTROID_DECIMALS} decimals. Parents' populations are left empty: the loader sums their leaves.",
        "",
        "## Repairs and notes",
        "",
    ]
    out += _bullets(short(note) for note in imported.notes) or ["None: every polygon was valid."]
    out += ["", "## Population", ""]
    join = imported.population
    if join is None:
        out.append("No population table was given: fill in `population` on every leaf area.")
    else:
        out.append(
            f"{len(join.values)} of {int(leaves.sum())} leaf areas got a population from `{join.table.short}` "
            f"({sum(join.values.values()):,} persons)."
        )
        if join.outside:
            out.append(f"{join.outside} row(s) outside {', '.join(imported.within)} were ignored.")
        if join.unmatched:
            out += ["", "Rows not used:", ""]
            out += _bullets(f"{row.where}: `{row.pcode or '(empty)'}`: {reason}" for row, reason in join.unmatched)
        if join.leaves_without:
            out += ["", "Leaf areas without a population (fill them in before `impact validate`):", ""]
            names = dict(zip(frame["area_id"], frame["name"], strict=True))
            out += _bullets(f"`{pcode}` {names[pcode]}" for pcode in join.leaves_without)
    return "\n".join(out) + "\n"
