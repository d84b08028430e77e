"""Consistency checks across the tables of a scenario.

Each check is a named function taking typed tables and returning problems that name
the offending file, line and column, e.g.
``strikes.csv:14: asset_id: 'PRT-07' is not in assets.csv``.
"""

from __future__ import annotations

import pandas as pd

from impact.areas import AreaTree
from impact.scenario.csv_text import LINE
from impact.scenario.grid import area_zones, has_capacity, leaf_zones
from impact.scenario.problems import Problem, did_you_mean
from impact.scenario.schema import CREWS, DEFAULT_GRID_ZONE, OWN_POWER, POWER_KINDS, SETTINGS_FILE, Table
from impact.scenario.weighted import ALTERNATIVE_SEPARATOR, WEIGHT_SEPARATOR, parse_weighted

__all__ = [
    "POPULATION_TOLERANCE",
    "SHARE_TOLERANCE",
    "check_area_tree",
    "check_asset_classes",
    "check_blackouts",
    "check_buffer_ranges",
    "check_capacity",
    "check_crew_pools",
    "check_curve_rows",
    "check_dependencies",
    "check_grid_zones",
    "check_links",
    "check_own_power_links",
    "check_references",
    "check_reserved_asset_ids",
    "check_strike_assets",
    "check_strike_curves",
    "check_unique",
    "population_used",
    "strike_candidates",
    "unused_crew_pools",
    "written_cells",
]

#: Parent populations may differ from the sum of their children by this fraction.
POPULATION_TOLERANCE = 0.005

#: Shares of one (area, service) may exceed 1 by this much (rounding in spreadsheets).
SHARE_TOLERANCE = 1e-9


def _choices(values: list[str], limit: int = 12) -> str:
    shown = ", ".join(values[:limit])
    return shown + (f", ... ({len(values)} in all)" if len(values) > limit else "")


def written_cells(text: pd.DataFrame | None, columns: tuple[str, ...]) -> dict[tuple[int, str], str]:
    """The cells of ``columns`` as written in the file, by (line, column).

    Typed tables hold times in UTC; messages quote the text the user wrote instead.

    Parameters
    ----------
    text : DataFrame or None
        A text frame (:func:`impact.scenario.csv_text.read_text_table`) with ``__line__``.
    columns : tuple of str
        Columns wanted (those absent from the frame are skipped).

    Returns
    -------
    dict
        ``{(line, column): cell text}``; empty when ``text`` is None.
    """
    if text is None:
        return {}
    cells: dict[tuple[int, str], str] = {}
    for column in columns:
        if column in text.columns:
            for line, value in zip(text[LINE], text[column], strict=True):
                cells[(int(line), column)] = str(value)
    return cells


def check_unique(frame: pd.DataFrame, table: Table) -> list[Problem]:
    """Rows whose key (``table.key``) repeats an earlier row's."""
    if not table.key or frame is None:
        return []
    problems = []
    first: dict[tuple, int] = {}
    for row in frame[[*table.key, LINE]].itertuples(index=False):
        key, line = tuple(row[:-1]), row[-1]
        if "" in key:
            continue
        if key in first:
            shown = ", ".join(f"{k}={v!r}" for k, v in zip(table.key, key, strict=True))
            problems.append(
                Problem(table.name, line, table.key[-1], f"duplicate row ({shown}); first on line {first[key]}")
            )
        else:
            first[key] = line
    return problems


def check_references(frame: pd.DataFrame | None, file: str, column: str, known: set[str], target: str) -> list[Problem]:
    """Cells of ``column`` that name an id missing from ``target``.

    Empty cells are skipped: either the column allows them or the cell failed its own check
    and was reported already.
    """
    if frame is None:
        return []
    problems = []
    for value, line in zip(frame[column], frame[LINE], strict=True):
        if value == "":
            continue
        if value not in known:
            problems.append(Problem(file, line, column, f"{value!r} is not in {target}"))
    return problems


def strike_candidates(text: str, asset_ids: set[str]) -> tuple[tuple[tuple[str, float], ...] | None, str]:
    """The candidate assets of a ``strikes.csv`` ``asset_id`` cell and their weights, or why there are none.

    A cell that is a known asset id as it stands is that asset, even when the id holds ``:`` or
    ``|``. A cell without ``|`` is read as ``ASSET:WEIGHT`` only when the text before its last
    ``:`` is a known asset (``SUB-1:1``); otherwise it is one asset id, and an unknown one is
    reported as before weights existed (``'PRT:07' is not in assets.csv``).

    Parameters
    ----------
    text : str
        The cell as written (non-empty).
    asset_ids : set of str
        The ids of assets.csv.

    Returns
    -------
    candidates : tuple of (str, float) or None
        ``((asset_id, weight), ...)`` in the order written; None when the cell is wrong.
    message : str
        What is wrong, quoting the cell; "" when the candidates are given.
    """
    if text in asset_ids:
        return ((text, 1.0),), ""
    head = text.rpartition(WEIGHT_SEPARATOR)[0].strip()
    if ALTERNATIVE_SEPARATOR not in text and head not in asset_ids:
        return None, f"{text!r} is not in assets.csv"
    try:
        pairs = parse_weighted(text, asset_ids)
    except ValueError as error:
        return None, f"{text!r}: {error}"
    unknown = [value for value, _ in pairs if value not in asset_ids]
    if unknown:
        named = ", ".join(map(repr, unknown))
        return None, (
            f"candidate {named} in {text!r} is not in assets.csv"
            if len(unknown) == 1
            else f"candidates {named} in {text!r} are not in assets.csv"
        )
    return pairs, ""


def check_strike_assets(strikes: pd.DataFrame | None, asset_ids: set[str]) -> list[Problem]:
    """Strikes whose asset, or one of whose candidate assets, is not in assets.csv, and candidate
    weights that are wrong (not a number, not > 0, not summing to 1, a candidate listed twice, a
    missing weight), each located at the cell: ``strikes.csv:4: asset_id: ...``.

    Empty cells are skipped (reported by the cell checks).
    """
    if strikes is None:
        return []
    problems = []
    for text, line in zip(strikes["asset_id"], strikes[LINE], strict=True):
        if text == "":
            continue
        candidates, message = strike_candidates(str(text), asset_ids)
        if candidates is None:
            problems.append(Problem("strikes.csv", int(line), "asset_id", message))
    return problems


def check_area_tree(areas: pd.DataFrame, bad_cells: set[tuple[int, str]] = frozenset()) -> list[Problem]:
    """Parent links, hierarchy cycles, levels and populations of ``areas.csv``.

    Every walk over the hierarchy goes through :class:`~impact.areas.AreaTree` (iterative and
    linear in the number of areas), so a hierarchy of any depth is checked without recursion.

    Parameters
    ----------
    areas : DataFrame
        Typed areas, one row per id.
    bad_cells : set of (line, column)
        Cells that failed their own check (already reported); checks depending on them
        are skipped.
    """
    problems: list[Problem] = []
    has_top = bool((areas["parent_id"] == "").any())
    areas = areas[areas["area_id"] != ""]  # an area whose id cell failed its own check is left out
    ids = set(areas["area_id"])
    problems += check_references(areas, "areas.csv", "parent_id", ids, "areas.csv (area_id)")
    parent = dict(zip(areas["area_id"], areas["parent_id"], strict=True))
    line = dict(zip(areas["area_id"], areas[LINE], strict=True))
    level = dict(zip(areas["area_id"], areas["admin_level"], strict=True))
    own_parent = [area_id for area_id, parent_id in parent.items() if parent_id == area_id]
    for area_id in own_parent:
        problems.append(
            Problem(
                "areas.csv",
                line[area_id],
                "parent_id",
                f"{area_id!r} is its own parent; leave parent_id empty for the top area",
            )
        )
    if not own_parent and not has_top and not any((ln, "parent_id") in bad_cells for ln in line.values()):
        problems.append(Problem("areas.csv", 0, "parent_id", "no top area: one area must have an empty parent_id"))
    in_cycle: set[str] = set(own_parent)
    tree = AreaTree.from_table(areas)
    for cycle in tree.cycles():
        if len(cycle) == 1:  # an area that is its own parent, reported above
            continue
        in_cycle.update(cycle)
        first = min(cycle, key=lambda a: line[a])
        start = cycle.index(first)
        shown = " -> ".join([*cycle[start:], *cycle[:start], first])
        problems.append(Problem("areas.csv", line[first], "parent_id", f"area hierarchy has a cycle: {shown}"))
    for area_id, parent_id in parent.items():
        if area_id in in_cycle or parent_id not in level:
            continue
        if not pd.isna(level[area_id]) and not pd.isna(level[parent_id]) and level[area_id] <= level[parent_id]:
            problems.append(
                Problem(
                    "areas.csv",
                    line[area_id],
                    "admin_level",
                    f"admin_level {level[area_id]} must be greater than that of its "
                    f"parent {parent_id!r} ({level[parent_id]})",
                )
            )
    if in_cycle:
        return problems
    stated = dict(zip(areas["area_id"], areas["population"], strict=True))
    summed, complete = _leaf_population_sums(tree, stated)
    for area_id in areas["area_id"]:
        value = stated[area_id]
        if (line[area_id], "population") in bad_cells:
            continue
        if tree.is_leaf(area_id):
            if pd.isna(value):
                problems.append(
                    Problem("areas.csv", line[area_id], "population", "is empty; population is required on leaf areas")
                )
            continue
        if pd.isna(value) or not complete[area_id]:
            continue
        total = float(summed[area_id])
        if abs(float(value) - total) > POPULATION_TOLERANCE * max(total, 1.0):
            problems.append(
                Problem(
                    "areas.csv",
                    line[area_id],
                    "population",
                    f"{int(value):,} differs from the sum of its children {total:,.0f} by more than 0.5 %",
                )
            )
    if "population_current" in areas.columns:
        problems += _check_current_population(areas, tree, line, bad_cells)
    return problems


def population_used(areas: pd.DataFrame) -> pd.Series:
    """The population the model uses for each row of ``areas.csv``: ``population_current`` where
    given, else ``population`` (nullable Int64) [persons]."""
    base = areas["population"].astype("Int64")
    if "population_current" not in areas.columns:
        return base
    return areas["population_current"].astype("Int64").fillna(base)


def _check_current_population(
    areas: pd.DataFrame, tree: AreaTree, line: dict[str, int], bad_cells: set[tuple[int, str]]
) -> list[Problem]:
    """A parent's ``population_current`` against the sum of its leaves' population used."""
    problems = []
    used = dict(zip(areas["area_id"], population_used(areas), strict=True))
    summed, complete = _leaf_population_sums(tree, used)
    for area_id, value in zip(areas["area_id"], areas["population_current"], strict=True):
        if tree.is_leaf(area_id) or pd.isna(value) or not complete[area_id]:
            continue
        if (line[area_id], "population_current") in bad_cells:
            continue
        total = float(summed[area_id])
        if abs(float(value) - total) > POPULATION_TOLERANCE * max(total, 1.0):
            problems.append(
                Problem(
                    "areas.csv",
                    line[area_id],
                    "population_current",
                    f"{int(value):,} differs from the sum of its children's population used (population_current "
                    f"where given, else population) {total:,.0f} by more than 0.5 %; the model sums the leaves, "
                    "so give population_current on the leaf areas",
                )
            )
    return problems


def _leaf_population_sums(tree: AreaTree, stated: dict[str, object]) -> tuple[dict[str, int], dict[str, bool]]:
    """Sum of the stated populations of the leaves below each area [persons], and whether all are stated.

    Children before parents (:meth:`~impact.areas.AreaTree.bottom_up`), linear in the number
    of areas; the hierarchy must have no cycle. Sums are of whole numbers, so their order does
    not matter.
    """
    summed: dict[str, int] = {}
    complete: dict[str, bool] = {}
    for node in tree.bottom_up():  # every child before its parent
        below = tree.children(node)
        if not below:
            value = stated.get(node)
            complete[node] = value is not None and not pd.isna(value)
            summed[node] = int(value) if complete[node] else 0
        else:
            summed[node] = sum(summed[child] for child in below)
            complete[node] = all(complete[child] for child in below)
    return summed, complete


def check_asset_classes(assets: pd.DataFrame, classes: set[str]) -> list[Problem]:
    """Assets naming a restoration class that no curve defines."""
    problems = []
    for value, line in zip(assets["restoration_class"], assets[LINE], strict=True):
        if value and value not in classes:
            hint = did_you_mean(value, classes)
            problems.append(
                Problem(
                    "assets.csv",
                    line,
                    "restoration_class",
                    f"{value!r} is not a restoration class{hint}; choose one of "
                    f"{_choices(sorted(classes))} or add rows to restoration.csv",
                )
            )
    return problems


def check_strike_curves(strikes: pd.DataFrame, classes_of: dict[str, str], curves: pd.DataFrame) -> list[Problem]:
    """Strikes that may leave an asset in a (class, damage state) without a restoration curve.

    Every candidate asset of a strike and every damage state it may have (other than ``none``)
    need a curve for the candidate's class; one problem per missing (class, state) of a strike.
    Cells that are wrong themselves (reported elsewhere) are skipped.
    """
    have = set(zip(curves["restoration_class"], curves["damage_state"], strict=True))
    problems = []
    known = {klass for klass, _state in have}
    asset_ids = set(classes_of)
    for asset_cell, state_cell, line in zip(strikes["asset_id"], strikes["damage_state"], strikes[LINE], strict=True):
        if state_cell in ("none", "") or asset_cell == "":
            continue
        candidates, _message = strike_candidates(str(asset_cell), asset_ids)
        try:
            states = [state for state, _weight in parse_weighted(str(state_cell)) if state != "none"]
        except ValueError:  # a wrong cell is reported by the cell checks (and emptied)
            continue
        if candidates is None:
            continue
        weighted = len(candidates) > 1
        missing: dict[tuple[str, str], str] = {}
        for asset_id, _weight in candidates:
            klass = classes_of[asset_id]
            if klass not in known:  # an unknown class is reported on assets.csv (or the kind is bad)
                continue
            for state in states:
                if (klass, state) not in have:
                    missing.setdefault((klass, state), asset_id)
        for (klass, state), asset_id in missing.items():
            of = f" (of candidate {asset_id!r})" if weighted else ""
            problems.append(
                Problem(
                    "strikes.csv",
                    line,
                    "damage_state",
                    f"no restoration curve for class {klass!r}{of} at {state!r}; add a row to restoration.csv",
                )
            )
    return problems


def check_curve_rows(curves: pd.DataFrame) -> list[Problem]:
    """Curves whose dispersion does not fit their distribution."""
    problems = []
    for row in curves[["distribution", "dispersion", LINE]].itertuples(index=False):
        if row.distribution in ("normal", "lognormal") and pd.isna(row.dispersion):
            problems.append(
                Problem(
                    "restoration.csv", row[2], "dispersion", f"is empty; a {row.distribution} curve needs a dispersion"
                )
            )
        elif row.distribution == "fixed" and not pd.isna(row.dispersion) and row.dispersion != 0:
            problems.append(
                Problem(
                    "restoration.csv",
                    row[2],
                    "dispersion",
                    f"{row.dispersion:g} given for a fixed curve; leave it empty",
                )
            )
    return problems


def check_dependencies(dependencies: pd.DataFrame) -> list[Problem]:
    """Self-dependencies and dependency cycles."""
    problems = []
    needs: dict[str, list[str]] = {}
    line: dict[tuple[str, str], int] = {}
    for asset_id, supplier, row_line in zip(
        dependencies["asset_id"], dependencies["depends_on"], dependencies[LINE], strict=True
    ):
        if "" in (asset_id, supplier):
            continue
        if asset_id == supplier:
            problems.append(Problem("dependencies.csv", row_line, "depends_on", f"{asset_id!r} depends on itself"))
            continue
        needs.setdefault(asset_id, []).append(supplier)
        line.setdefault((asset_id, supplier), row_line)
    state: dict[str, int] = {}  # 1 while on the current path, 2 once every supplier below is done
    depth: dict[str, int] = {}  # place on the current path
    reported: set[frozenset[str]] = set()
    for root in sorted(needs):
        if root in state:
            continue
        # Depth-first without recursion: the path and, per node on it, the next supplier to look at.
        state[root], depth[root] = 1, 0
        path: list[str] = [root]
        position: list[int] = [0]
        while path:
            node = path[-1]
            suppliers = needs.get(node, [])
            if position[-1] == len(suppliers):
                state[node] = 2
                path.pop()
                position.pop()
                continue
            supplier = suppliers[position[-1]]
            position[-1] += 1
            if state.get(supplier) == 1:
                cycle = [*path[depth[supplier] :], supplier]
                members = frozenset(cycle)
                if members not in reported:
                    reported.add(members)
                    problems.append(
                        Problem(
                            "dependencies.csv",
                            line[(node, supplier)],
                            "depends_on",
                            "dependency cycle: " + " -> ".join(cycle),
                        )
                    )
            elif state.get(supplier) is None:
                state[supplier], depth[supplier] = 1, len(path)
                path.append(supplier)
                position.append(0)
    return problems


def check_links(links: pd.DataFrame, leaves: set[str], areas: set[str]) -> list[Problem]:
    """Links to non-leaf areas and shares of one (area, service) summing over 1."""
    problems = []
    for area_id, line in zip(links["area_id"], links[LINE], strict=True):
        if area_id in areas and area_id not in leaves:
            problems.append(
                Problem(
                    "service_links.csv",
                    line,
                    "area_id",
                    f"{area_id!r} has child areas; service links must point at leaf areas",
                )
            )
    valid = links[links["share"].notna()]
    for (area_id, service), group in valid.groupby(["area_id", "service"], sort=False):
        total = float(group["share"].sum())
        if total > 1 + SHARE_TOLERANCE:
            problems.append(
                Problem(
                    "service_links.csv",
                    int(group[LINE].max()),
                    "share",
                    f"shares of ({area_id}, {service}) sum to {total:.6g}, more than 1 "
                    f"(lines {', '.join(map(str, group[LINE]))})",
                )
            )
    return problems


def check_blackouts(
    blackouts: pd.DataFrame, bad_cells: set[tuple[int, str]], areas: pd.DataFrame, text: pd.DataFrame | None = None
) -> list[Problem]:
    """Schedules that end before they start, and schedules of one leaf area that overlap in time.

    Parameters
    ----------
    blackouts : DataFrame
        Typed ``blackouts.csv`` (with line numbers).
    bad_cells : set of (line, column)
        Cells already reported.
    areas : DataFrame
        Typed ``areas.csv``.
    text : DataFrame, optional
        The table as read (text cells with ``__line__``), so that messages show times as
        written in the file; without it they are shown in UTC.
    """
    problems: list[Problem] = []
    if blackouts is None or len(blackouts) == 0:
        return problems
    # Leaves depth first and cycle-safe (a cycle in the area hierarchy is reported by the area checks).
    tree = AreaTree.from_table(areas)
    written = written_cells(text, ("start", "end"))
    windows: dict[str, list[tuple[object, object, int]]] = {}
    rows = zip(blackouts["area_id"], blackouts["start"], blackouts["end"], blackouts[LINE], strict=True)
    for area, begin, finish, line in rows:
        line = int(line)
        if any((line, column) in bad_cells for column in ("area_id", "start", "end")) or area not in tree:
            continue
        if pd.isna(begin) or pd.isna(finish):
            continue
        if finish <= begin:
            shown_end = written.get((line, "end")) or finish.isoformat()
            shown_start = written.get((line, "start")) or begin.isoformat()
            problems.append(Problem("blackouts.csv", line, "end", f"{shown_end} is not after start {shown_start}"))
            continue
        clash = next(
            (
                (leaf, other)
                for leaf in tree.leaves_of(area)
                for start, end, other in windows.get(leaf, [])
                if begin < end and start < finish
            ),
            None,
        )
        if clash:
            problems.append(
                Problem(
                    "blackouts.csv",
                    line,
                    "start",
                    f"the schedule overlaps the one on line {clash[1]} for area {clash[0]!r}",
                )
            )
            continue
        for leaf in tree.leaves_of(area):
            windows.setdefault(leaf, []).append((begin, finish, line))
    return problems


def check_buffer_ranges(dependencies: pd.DataFrame | None, text: pd.DataFrame | None = None) -> list[Problem]:
    """Dependencies whose ``buffer_hours_max`` is less than their ``buffer_hours`` (empty counting as 0).

    Parameters
    ----------
    dependencies : DataFrame or None
        Typed ``dependencies.csv`` (cells that failed their own check are empty, so skipped).
    text : DataFrame, optional
        The table as read, so that messages quote the cells as written.
    """
    if dependencies is None or "buffer_hours_max" not in dependencies.columns:
        return []
    written = written_cells(text, ("buffer_hours", "buffer_hours_max"))
    problems = []
    for low, high, line in zip(
        dependencies["buffer_hours"], dependencies["buffer_hours_max"], dependencies[LINE], strict=True
    ):
        if pd.isna(high):
            continue
        shortest = 0.0 if pd.isna(low) else float(low)
        if float(high) < shortest:
            line = int(line)
            shown_high = written.get((line, "buffer_hours_max")) or f"{float(high):g}"
            shown_low = written.get((line, "buffer_hours")) or f"{shortest:g}"
            problems.append(
                Problem(
                    "dependencies.csv",
                    line,
                    "buffer_hours_max",
                    f"{shown_high!r} is less than buffer_hours {shown_low!r}; the buffer is drawn between the two, "
                    "so buffer_hours_max must be at least buffer_hours",
                )
            )
    return problems


def check_crew_pools(assets: pd.DataFrame | None, crews: pd.DataFrame | None, crews_missing: bool) -> list[Problem]:
    """Assets naming a crew pool that crews.csv does not list, or crews.csv missing while pools are named.

    Parameters
    ----------
    assets : DataFrame or None
        Typed ``assets.csv``.
    crews : DataFrame or None
        Typed ``crews.csv`` (empty when absent).
    crews_missing : bool
        Whether the scenario has no crews.csv: then one problem on ``crews.csv`` names the pools
        and where they are named. (A crews.csv that could not be read is reported as such; the
        loader does not call this check then.)

    Returns
    -------
    list of Problem
        ``assets.csv:5: crew_pool: 'grdi' is not in crews.csv (did you mean 'grid'?)``.
    """
    if assets is None or "crew_pool" not in assets.columns:
        return []
    named = [(str(pool), int(line)) for pool, line in zip(assets["crew_pool"], assets[LINE], strict=True) if pool != ""]
    if not named:
        return []
    if crews_missing:
        first: dict[str, int] = {}
        for pool, line in named:
            first.setdefault(pool, line)
        shown = _choices([f"{pool!r} (line {line})" for pool, line in first.items()])
        return [
            Problem(
                CREWS.name,
                0,
                "-",
                f"is missing, but assets.csv names crew pools: {shown}; add {CREWS.name} with a row "
                "(crew_pool, crews) for each pool, or leave crew_pool empty",
            )
        ]
    pools = set(crews["crew_pool"]) - {""} if crews is not None else set()
    problems = []
    for pool, line in named:
        if pool not in pools:
            listed = f"; crews.csv lists {_choices(sorted(pools))}" if pools else ""
            problems.append(
                Problem(
                    "assets.csv", line, "crew_pool", f"{pool!r} is not in crews.csv{did_you_mean(pool, pools)}{listed}"
                )
            )
    return problems


def unused_crew_pools(assets: pd.DataFrame, crews: pd.DataFrame) -> list[Problem]:
    """Pools of crews.csv that no asset names: not a fault (their crews repair nothing), a note.

    Returns
    -------
    list of Problem
        ``crews.csv:3: crew_pool: 'spare' is named by no asset in assets.csv; its crews repair nothing``,
        for ``impact validate`` to print as notes.
    """
    if crews is None or len(crews) == 0:
        return []
    used = set(assets["crew_pool"]) if "crew_pool" in assets.columns else set()
    return [
        Problem(
            CREWS.name,
            int(line),
            "crew_pool",
            f"{pool!r} is named by no asset in assets.csv; its crews repair nothing",
        )
        for pool, line in zip(crews["crew_pool"], crews[LINE], strict=True)
        if pool != "" and pool not in used
    ]


# --- the grid model (issue 14): capacities, zones, own_power links -----------------------------


def _written(value: object) -> str:
    """A text cell as written, "" when empty or missing."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value)


def check_reserved_asset_ids(assets: pd.DataFrame | None) -> list[Problem]:
    """Assets whose id is the reserved word ``own_power`` of service_links.csv.

    Returns
    -------
    list of Problem
        ``assets.csv:6: asset_id: 'own_power' is reserved: ...``.
    """
    if assets is None:
        return []
    return [
        Problem(
            "assets.csv",
            int(line),
            "asset_id",
            f"{OWN_POWER!r} is reserved: in service_links.csv it stands for households whose water or heat "
            "needs their own power; give the asset another id",
        )
        for asset, line in zip(assets["asset_id"], assets[LINE], strict=True)
        if asset == OWN_POWER
    ]


def check_own_power_links(links: pd.DataFrame | None, bad_cells: set[tuple[int, str]] = frozenset()) -> list[Problem]:
    """``own_power`` on a power link, and ``buffer_hours`` on a link that is not ``own_power``.

    Parameters
    ----------
    links : DataFrame or None
        Typed ``service_links.csv``.
    bad_cells : set of (line, column)
        Cells that failed their own check (already reported).

    Returns
    -------
    list of Problem
        ``service_links.csv:5: asset_id: 'own_power' is for water and heat only; ...`` and
        ``service_links.csv:4: buffer_hours: buffer_hours applies to own_power links only; an
        asset's buffer is in dependencies.csv``.
    """
    if links is None:
        return []
    problems = []
    buffers = links["buffer_hours"] if "buffer_hours" in links.columns else pd.Series(float("nan"), index=links.index)
    for asset, service, buffer, line in zip(links["asset_id"], links["service"], buffers, links[LINE], strict=True):
        line = int(line)
        if asset == OWN_POWER and service == "power":
            problems.append(
                Problem(
                    "service_links.csv",
                    line,
                    "asset_id",
                    f"{OWN_POWER!r} is for water and heat only (households whose own pumps or boilers need "
                    "power); a power link names the asset the power comes through",
                )
            )
        if not pd.isna(buffer) and asset != OWN_POWER and (line, "asset_id") not in bad_cells:
            problems.append(
                Problem(
                    "service_links.csv",
                    line,
                    "buffer_hours",
                    "buffer_hours applies to own_power links only; an asset's buffer is in dependencies.csv",
                )
            )
    return problems


def check_capacity(assets: pd.DataFrame | None, bad_cells: set[tuple[int, str]] = frozenset()) -> list[Problem]:
    """``capacity_mw`` on an asset that is not of a power kind, and ``grid_zone`` without ``capacity_mw``.

    Parameters
    ----------
    assets : DataFrame or None
        Typed ``assets.csv``.
    bad_cells : set of (line, column)
        Cells that failed their own check (already reported); a rule depending on one is skipped.

    Returns
    -------
    list of Problem
        ``assets.csv:4: capacity_mw: given for a pumping_station; ...``.
    """
    if assets is None or "capacity_mw" not in assets.columns:
        return []
    problems = []
    zones = assets["grid_zone"] if "grid_zone" in assets.columns else pd.Series("", index=assets.index)
    for kind, capacity, zone, line in zip(assets["kind"], assets["capacity_mw"], zones, assets[LINE], strict=True):
        line = int(line)
        if not pd.isna(capacity) and kind and kind not in POWER_KINDS:
            problems.append(
                Problem(
                    "assets.csv",
                    line,
                    "capacity_mw",
                    f"given for a {kind}; capacity_mw is the supply of a power asset: {', '.join(POWER_KINDS)}",
                )
            )
        zone = _written(zone)
        if zone and pd.isna(capacity) and (line, "capacity_mw") not in bad_cells:
            problems.append(
                Problem(
                    "assets.csv",
                    line,
                    "grid_zone",
                    f"{zone!r} given without capacity_mw; grid_zone names the zone an asset's capacity serves, "
                    "so give capacity_mw or leave grid_zone empty",
                )
            )
    return problems


def check_grid_zones(
    areas: pd.DataFrame,
    assets: pd.DataFrame | None,
    grid_written: bool = False,
    grid_line: int = 0,
    bad_cells: dict[str, set[tuple[int, str]]] | None = None,
) -> list[Problem]:
    """Grid zones of areas and capacity assets, and a ``[grid]`` section without any capacity.

    - ``grid_zone`` on an area with child areas (zones are set on leaves);
    - ``[grid]`` written while no asset has ``capacity_mw`` (then it has no effect);
    - with some capacity (the grid model active): a capacity asset without ``grid_zone`` whose
      area's leaves span several zones; a capacity asset's ``grid_zone`` that no leaf has; a zone
      with leaves but no capacity asset serving it.

    Parameters
    ----------
    areas : DataFrame
        Typed ``areas.csv``.
    assets : DataFrame or None
        Typed ``assets.csv``.
    grid_written : bool
        Whether ``scenario.toml`` has a ``[grid]`` section.
    grid_line : int
        Line of its ``[grid]`` header (0 when not known, e.g. settings given as a dict).
    bad_cells : dict of str to set of (line, column), optional
        Cells of each file that failed their own check (already reported).

    Returns
    -------
    list of Problem
    """
    bad = bad_cells or {}
    bad_areas, bad_assets = bad.get("areas.csv", set()), bad.get("assets.csv", set())
    tree = AreaTree.from_table(areas)
    if tree.cycles():  # reported by the area checks; zones of a cycle mean nothing
        return []
    problems: list[Problem] = []
    area_line = dict(zip(areas["area_id"], areas[LINE], strict=True))
    if "grid_zone" in areas.columns:
        for area, zone, line in zip(areas["area_id"], areas["grid_zone"], areas[LINE], strict=True):
            zone = _written(zone)
            if zone and area in tree and not tree.is_leaf(area):
                problems.append(
                    Problem(
                        "areas.csv",
                        int(line),
                        "grid_zone",
                        f"{zone!r} given on an area with child areas; grid zones are set on leaf areas (the zones "
                        "of a parent are those of its leaves)",
                    )
                )
    active = assets is not None and bool(has_capacity(assets).any())
    capacity_bad = any(column == "capacity_mw" for _line, column in bad_assets)
    if not active:
        if grid_written and assets is not None and not capacity_bad:
            problems.append(
                Problem(
                    SETTINGS_FILE, grid_line, "grid", "[grid] has no effect: no asset in assets.csv has capacity_mw"
                )
            )
        return problems
    assert assets is not None
    leaves = leaf_zones(areas)
    known = sorted(set(leaves.values()))
    below = area_zones(areas)
    served: set[str] = set()
    zones = assets["grid_zone"] if "grid_zone" in assets.columns else pd.Series("", index=assets.index)
    rows = zip(assets["area_id"], zones, has_capacity(assets), assets[LINE], strict=True)
    for area, zone, has, line in rows:
        line = int(line)
        if not has:
            continue
        zone = _written(zone)
        if zone:
            served.add(zone)
            if zone not in known and (line, "grid_zone") not in bad_assets:
                problems.append(
                    Problem(
                        "assets.csv",
                        line,
                        "grid_zone",
                        f"{zone!r} is the grid zone of no leaf area{did_you_mean(zone, known)}; zones of areas.csv: "
                        f"{_choices(known)}",
                    )
                )
            continue
        if area not in below or (line, "area_id") in bad_assets:
            continue  # an unknown area is reported by the reference checks
        spanned = sorted(below[area])
        if len(spanned) == 1:
            served.add(spanned[0])
        else:
            problems.append(
                Problem(
                    "assets.csv",
                    line,
                    "grid_zone",
                    f"is empty, and the leaves of area {area!r} are in several grid zones ({_choices(spanned)}); "
                    "name the zone the asset's capacity serves",
                )
            )
    if problems or capacity_bad or any(column == "grid_zone" for _line, column in bad_areas | bad_assets):
        # A zone misspelt, ambiguous or failing its own check, or a capacity that failed its own, would
        # leave its zone unserved: reported once, where it is wrong.
        return problems
    members: dict[str, list[str]] = {}
    for leaf, zone in leaves.items():
        members.setdefault(zone, []).append(leaf)
    for zone, zone_leaves in members.items():
        if zone in served:
            continue
        first = min(zone_leaves, key=lambda leaf: int(area_line[leaf]))
        which = " (leaf areas without a grid_zone)" if zone == DEFAULT_GRID_ZONE else ""
        problems.append(
            Problem(
                "areas.csv",
                int(area_line[first]),
                "grid_zone",
                f"no asset with capacity_mw serves grid zone {zone!r}{which}, which has leaf areas "
                f"{_choices(zone_leaves, 5)}; give a supply asset of the zone a capacity_mw",
            )
        )
    return problems
