"""Keyword rules of the ACLED import: which asset kinds and which damage state the notes name.

ACLED records no infrastructure field: the target of a strike is only described in the free
text of ``notes`` (ACLED Codebook, "notes"). :mod:`impact.acled` reads that text with two
ordered keyword tables:

- :data:`KIND_KEYWORDS` maps words such as "substation", "reservoir" or "grain" to the asset
  ``kind`` values of :mod:`impact.scenario.schema`. *Specific* keywords name one kind of facility;
  *generic* ones ("energy", "water", "power") name a family of kinds and are used only when no
  specific keyword leads to an asset in range.
- :data:`DAMAGE_RULES` maps phrases such as "completely destroyed" or "minor damage" to a
  damage state. The first rule in table order whose phrase occurs wins, so the table runs from
  the most to the least severe, except that phrases containing a shorter one ("minor damage",
  "no damage") come before it ("damage"); notes without any of the phrases get the default
  damage state (:data:`DEFAULT_DAMAGE_STATE`). A planner can replace the table with a CSV file of
  ``keyword,damage_state`` rows (:func:`read_damage_rules`).

Phrases are matched case-insensitively as whole words, a plural ``s``/``es`` allowed, and any
run of spaces or hyphens between words ("power-plant", "power  plant"). Negation is not
understood ("not destroyed" contains "destroyed"): the per-row report of the import shows which
keyword decided, so such rows can be corrected by hand.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path

from impact.scenario.cells import failing_cells
from impact.scenario.csv_text import LINE, parse_csv_bytes
from impact.scenario.problems import Problem
from impact.scenario.schema import DAMAGE_STATES, Column, Table

__all__ = [
    "DAMAGE_RULES",
    "DAMAGE_RULES_TABLE",
    "DEFAULT_DAMAGE_STATE",
    "ENERGY_KINDS",
    "HEAT_KINDS",
    "KIND_KEYWORDS",
    "WATER_KINDS",
    "DamageRule",
    "KindKeyword",
    "KindMention",
    "first_damage_rule",
    "kind_mentions",
    "phrase_pattern",
    "read_damage_rules",
]

#: Damage state of a strike whose notes contain none of the damage phrases.
DEFAULT_DAMAGE_STATE = "moderate"

#: Kinds an unspecific mention of energy or power may mean, most often struck first.
ENERGY_KINDS: tuple[str, ...] = ("substation", "power_plant", "chp_plant", "power_line")

#: Kinds an unspecific mention of water supply may mean.
WATER_KINDS: tuple[str, ...] = ("pumping_station", "water_treatment", "water_intake", "reservoir", "well")

#: Kinds an unspecific mention of heating may mean.
HEAT_KINDS: tuple[str, ...] = ("boiler_house", "chp_plant")


def phrase_pattern(phrase: str) -> re.Pattern[str]:
    """Compile a keyword phrase into a case-insensitive whole-word pattern.

    Parameters
    ----------
    phrase : str
        One or more words, e.g. ``"power plant"``.

    Returns
    -------
    re.Pattern
        Matches the phrase as whole words, a plural ``s``/``es`` after it allowed, with any run
        of spaces or hyphens between its words.

    Raises
    ------
    ValueError
        If the phrase has no word in it.
    """
    words = phrase.split()
    if not words:
        raise ValueError("a keyword must contain at least one word")
    body = r"[\s-]+".join(re.escape(word) for word in words)
    return re.compile(rf"(?<!\w){body}(?:s|es)?(?!\w)", re.IGNORECASE)


@dataclass(frozen=True)
class KindKeyword:
    """A keyword of ``notes`` that names one or more asset kinds.

    Parameters
    ----------
    keyword : str
        Word or phrase, matched as described in :func:`phrase_pattern`.
    kinds : tuple of str
        Asset kinds it names, most likely first (the order breaks ties between equally near
        assets).
    specific : bool
        True for a keyword naming a kind of facility; False for a generic one ("energy"),
        tried only when the specific keywords of the notes lead to no asset in range.
    """

    keyword: str
    kinds: tuple[str, ...]
    specific: bool = True

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        """Compiled whole-word pattern of :attr:`keyword`."""
        return phrase_pattern(self.keyword)


@dataclass(frozen=True)
class DamageRule:
    """A phrase of ``notes`` that sets the damage state.

    Parameters
    ----------
    keyword : str
        Word or phrase, matched as described in :func:`phrase_pattern`.
    damage_state : str
        One of :data:`impact.scenario.schema.DAMAGE_STATES`.
    """

    keyword: str
    damage_state: str

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        """Compiled whole-word pattern of :attr:`keyword`."""
        return phrase_pattern(self.keyword)


def _specific(kinds: tuple[str, ...], *keywords: str) -> tuple[KindKeyword, ...]:
    return tuple(KindKeyword(keyword, kinds) for keyword in keywords)


def _generic(kinds: tuple[str, ...], *keywords: str) -> tuple[KindKeyword, ...]:
    return tuple(KindKeyword(keyword, kinds, specific=False) for keyword in keywords)


#: Keywords of ``notes`` and the asset kinds they name (documented in docs/user-guide.md).
KIND_KEYWORDS: tuple[KindKeyword, ...] = (
    *_specific(("substation",), "substation", "transformer", "autotransformer"),
    *_specific(("power_line",), "power line", "transmission line"),
    *_specific(("power_plant", "chp_plant"), "power plant", "power station", "thermal", "TPP", "TES"),
    *_specific(("power_plant",), "hydroelectric", "HPP", "solar plant"),
    *_specific(("chp_plant", "power_plant"), "CHP", "CHPP", "combined heat"),
    *_specific(("boiler_house",), "boiler"),
    *_specific(HEAT_KINDS, "heating", "heat supply"),
    *_specific(("water_intake",), "water intake"),
    *_specific(("water_treatment",), "water treatment", "treatment plant", "treatment facility"),
    *_specific(("pumping_station",), "pumping", "pump station", "water station"),
    *_specific(("reservoir",), "reservoir", "water tower", "water tank"),
    *_specific(("well",), "water well", "well field", "borehole"),
    *_specific(
        ("gas_node",),
        "gas pipeline",
        "gas distribution",
        "gas infrastructure",
        "gas facility",
        "gas compressor",
        "gas production",
        "gas storage",
        "gas transmission",
    ),
    *_specific(("port",), "port", "seaport", "harbour", "harbor", "berth", "pier"),
    *_specific(("port", "logistics_hub"), "grain"),
    *_specific(("logistics_hub",), "warehouse", "logistics"),
    *_generic(ENERGY_KINDS, "energy", "power", "electricity", "electric", "electrical", "grid"),
    *_generic(WATER_KINDS, "water", "water supply"),
    *_generic(HEAT_KINDS, "heat"),
)

#: Phrases of ``notes`` and the damage state they set, first match wins (documented in
#: docs/user-guide.md). Notes with none of them get :data:`DEFAULT_DAMAGE_STATE`.
DAMAGE_RULES: tuple[DamageRule, ...] = tuple(
    DamageRule(keyword, state)
    for state, keywords in (
        ("complete", ("completely destroyed", "totally destroyed", "fully destroyed", "destroyed completely", "razed")),
        (
            "extensive",
            (
                "destroyed",
                "heavily damaged",
                "severely damaged",
                "badly damaged",
                "seriously damaged",
                "heavy damage",
                "severe damage",
                "serious damage",
                "extensive damage",
                "significant damage",
                "caught fire",
                "fire broke out",
                "set on fire",
                "on fire",
                "blaze",
                "burned",
                "burnt",
                "burning",
            ),
        ),
        (
            "slight",
            (
                "minor damage",
                "slightly damaged",
                "slight damage",
                "light damage",
                "lightly damaged",
                "superficial damage",
            ),
        ),
        ("none", ("no damage", "not damaged", "undamaged", "without damage")),
        ("moderate", ("damaged", "damage")),
    )
    for keyword in keywords
)


def first_damage_rule(notes: str, rules: Iterable[DamageRule]) -> DamageRule | None:
    """The first rule (in table order) whose phrase occurs in ``notes``, or None."""
    for rule in rules:
        if rule.pattern.search(notes):
            return rule
    return None


@dataclass(frozen=True)
class KindMention:
    """Asset kinds named by the notes of one event.

    Parameters
    ----------
    kinds : tuple of str
        Kinds in order of preference: by the position of their first keyword in the notes,
        then by their order in the keyword's rule.
    keywords : dict of str to str
        The keyword (as written in the notes) that named each kind.
    """

    kinds: tuple[str, ...]
    keywords: dict[str, str]


def kind_mentions(notes: str, keywords: Iterable[KindKeyword]) -> list[KindMention]:
    """Kinds named by ``notes``: the specific mention first, then the generic one.

    Parameters
    ----------
    notes : str
        ACLED ``notes`` text.
    keywords : iterable of KindKeyword
        The keyword table.

    Returns
    -------
    list of KindMention
        At most two: one for the specific keywords found, one for the generic ones; tiers
        without a keyword in the notes are left out.
    """
    tiers: list[KindMention] = []
    for specific in (True, False):
        found: list[tuple[int, int, str, str]] = []
        for rule in keywords:
            if rule.specific != specific:
                continue
            for match in rule.pattern.finditer(notes):
                for rank, kind in enumerate(rule.kinds):
                    found.append((match.start(), rank, kind, match.group(0)))
        found.sort(key=lambda item: (item[0], item[1]))
        kinds: list[str] = []
        named: dict[str, str] = {}
        for _start, _rank, kind, word in found:
            if kind not in named:
                kinds.append(kind)
                named[kind] = word
        if kinds:
            tiers.append(KindMention(tuple(kinds), named))
    return tiers


#: Declaration of a damage-rules CSV file (one rule per row, first match wins).
DAMAGE_RULES_TABLE = Table(
    "damage_rules.csv",
    False,
    "A phrase of ACLED notes and the damage state it sets; rows are tried top to bottom.",
    (
        Column("keyword", "text", True, "Word or phrase, matched as whole words, case-insensitive."),
        Column("damage_state", "choice", True, "Damage state set by the phrase.", choices=DAMAGE_STATES),
    ),
)


def read_damage_rules(path: str | Path) -> tuple[list[DamageRule], list[Problem]]:
    """Read a damage-rules CSV file (columns ``keyword``, ``damage_state``).

    Parameters
    ----------
    path : str or Path
        UTF-8 CSV file with a header row; the rules are tried in file order and the first
        whose keyword occurs in the notes sets the damage state. They replace
        :data:`DAMAGE_RULES` entirely.

    Returns
    -------
    rules : list of DamageRule
        Empty when there are problems.
    problems : list of Problem
        Each naming the file (as given), line and column.
    """
    name = str(path)
    table = replace(DAMAGE_RULES_TABLE, name=name)
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        return [], [Problem(name, 0, "-", f"cannot read the file: {error.strerror or error}")]
    frame, problems = parse_csv_bytes(raw, table)
    if frame is None or problems:
        return [], problems
    problems = [problem for problem, _broken in failing_cells(frame, table)]
    first_line: dict[str, int] = {}
    rules = []
    for keyword, state, line in zip(frame["keyword"], frame["damage_state"], frame[LINE], strict=True):
        if not keyword:  # reported by the cell checks
            continue
        key = " ".join(keyword.lower().split())
        if key in first_line:
            problems.append(
                Problem(
                    name,
                    int(line),
                    "keyword",
                    f"{keyword!r} repeats line {first_line[key]}; this row would never apply",
                )
            )
            continue
        first_line[key] = int(line)
        rules.append(DamageRule(keyword, state))
    if not rules and not problems:
        problems.append(Problem(name, 0, "-", "has a header but no rules; add keyword,damage_state rows"))
    return ([] if problems else rules), problems
