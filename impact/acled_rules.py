"""Keyword rules of the ACLED import: what the notes say was hit, what they say happened after, how badly.

ACLED records no infrastructure field: the target of a strike is only described in the free
text of ``notes`` (ACLED Codebook, "notes"). :mod:`impact.acled` reads that text with the
tables of this module (all documented in docs/user-guide.md, section 6):

- :data:`EFFECT_PATTERNS` find *effects* on services: "causing power outages", "leaving
  residents without water", "heating disrupted", "resulting in blackouts". Effects say what
  people lost, not what was hit, so they are blanked out (:func:`mask_effects`) before the
  kind keywords are looked for.
- :data:`KIND_KEYWORDS` maps words such as "substation", "reservoir" or "grain" to the asset
  ``kind`` values of :mod:`impact.scenario.schema`. *Specific* keywords name one kind of facility;
  *generic* ones ("energy", "water", "power") name a family of kinds and are used only when no
  specific keyword leads to an asset in range.
- :data:`DAMAGE_RULES` maps phrases such as "completely destroyed", "damaged" or "minor damage"
  to damage-state weights (``moderate:0.6|extensive:0.4``, the weighted-cell syntax of
  :mod:`impact.scenario.weighted`; one state is weight 1). :func:`read_damage` takes the first
  rule in table order whose phrase occurs, is not part of a longer phrase that occurs, and is
  not negated ("not destroyed"); negated phrases cap the state below theirs. Notes without a
  phrase get :data:`DEFAULT_DAMAGE_STATE`. A planner can replace the table with a CSV file of
  ``keyword,damage_state`` rows (:func:`read_damage_rules`).

Phrases are matched case-insensitively as whole words, a plural ``s``/``es`` allowed, and any
run of spaces or hyphens between words ("power-plant", "power  plant").
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path

from impact.scenario.cells import failing_cells
from impact.scenario.csv_text import LINE, parse_csv_bytes
from impact.scenario.problems import Problem
from impact.scenario.schema import DAMAGE_STATES, Column, Table
from impact.scenario.weighted import parse_weighted

__all__ = [
    "DAMAGE_RULES",
    "DAMAGE_RULES_TABLE",
    "DEFAULT_DAMAGE_STATE",
    "EFFECT_NOUNS",
    "EFFECT_PATTERNS",
    "EFFECT_SERVICES",
    "ENERGY_KINDS",
    "HEAT_KINDS",
    "KIND_KEYWORDS",
    "NEGATION_CUES",
    "NEGATION_WINDOW_WORDS",
    "WATER_KINDS",
    "DamageReading",
    "DamageRule",
    "EffectPattern",
    "KindKeyword",
    "KindMention",
    "is_negated",
    "kind_mentions",
    "mask_effects",
    "parse_damage_weights",
    "phrase_pattern",
    "read_damage",
    "read_damage_rules",
]

#: Damage-state weights of a strike whose notes contain none of the damage phrases: a report of
#: a strike without its effect. Centred on ``moderate`` (the single state used before issue 13),
#: one state either way a quarter each (assumption, docs/user-guide.md, section 6).
DEFAULT_DAMAGE_STATE = "slight:0.25|moderate:0.5|extensive:0.25"

#: Kinds an unspecific mention of energy or power may mean, most often struck first.
ENERGY_KINDS: tuple[str, ...] = ("substation", "power_plant", "chp_plant", "power_line")

#: Kinds an unspecific mention of water supply may mean.
WATER_KINDS: tuple[str, ...] = ("pumping_station", "water_treatment", "water_intake", "reservoir", "well")

#: Kinds an unspecific mention of heating may mean.
HEAT_KINDS: tuple[str, ...] = ("boiler_house", "chp_plant")

#: Words that negate a damage phrase when they stand among the :data:`NEGATION_WINDOW_WORDS`
#: words before it in the same clause; any word ending in "n't" ("wasn't") negates too.
NEGATION_CUES: tuple[str, ...] = ("not", "no", "never", "without", "neither", "nor", "nothing", "cannot")

#: How many words before a damage phrase are searched for a negation cue.
NEGATION_WINDOW_WORDS = 3

#: Where a clause ends for the negation search: punctuation, or a word that starts a new clause.
_CLAUSE_BREAK = re.compile(r"[.;:!?,()\[\]]|(?<!\w)(?:but|and|however|while|although|though|yet)(?!\w)", re.IGNORECASE)
_WORD = re.compile(r"[\w'’]+")

#: Characters before a phrase searched for its clause and negation: ample for three words.
_NEGATION_REACH = 200


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
        of spaces or hyphens between its words; a straight apostrophe also matches a curly one.

    Raises
    ------
    ValueError
        If the phrase has no word in it.
    """
    words = phrase.split()
    if not words:
        raise ValueError("a keyword must contain at least one word")
    body = r"[\s-]+".join(re.escape(word).replace("'", "['’]") for word in words)
    return re.compile(rf"(?<!\w){body}(?:s|es)?(?!\w)", re.IGNORECASE)


def parse_damage_weights(text: str) -> tuple[tuple[str, float], ...]:
    """Damage-state weights of a cell: one state (weight 1) or ``STATE:WEIGHT|STATE:WEIGHT...``.

    Parameters
    ----------
    text : str
        A damage state of :data:`impact.scenario.schema.DAMAGE_STATES`, or weights over them
        (each > 0, summing to 1 within :data:`impact.scenario.weighted.WEIGHT_TOLERANCE`).

    Returns
    -------
    tuple of (str, float)
        The states with their weights [1], in the order of ``DAMAGE_STATES``.

    Raises
    ------
    ValueError
        If a state is unknown or the weights are malformed; the message says which.
    """
    pairs = parse_weighted(text)
    for state, _weight in pairs:
        if state not in DAMAGE_STATES:
            raise ValueError(
                f"{state!r} is not a damage state; choose one of {', '.join(DAMAGE_STATES)}, "
                "or weights such as moderate:0.6|extensive:0.4"
            )
    return tuple(sorted(pairs, key=lambda pair: DAMAGE_STATES.index(pair[0])))


@dataclass(frozen=True)
class KindKeyword:
    """A keyword of ``notes`` that names one or more asset kinds.

    Parameters
    ----------
    keyword : str
        Word or phrase, matched as described in :func:`phrase_pattern`.
    kinds : tuple of str
        Asset kinds it names, most likely first (the order sets the kinds' weights among
        candidate assets, docs/user-guide.md, section 6).
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
    """A phrase of ``notes`` that sets the damage state, or weights over damage states.

    Parameters
    ----------
    keyword : str
        Word or phrase, matched as described in :func:`phrase_pattern`.
    damage_state : str
        One of :data:`impact.scenario.schema.DAMAGE_STATES`, or weights over them such as
        ``moderate:0.6|extensive:0.4`` (:func:`parse_damage_weights`).
    """

    keyword: str
    damage_state: str

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        """Compiled whole-word pattern of :attr:`keyword`."""
        return phrase_pattern(self.keyword)

    @cached_property
    def weights(self) -> tuple[tuple[str, float], ...]:
        """The damage-state weights of the rule, in the order of ``DAMAGE_STATES``."""
        return parse_damage_weights(self.damage_state)


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

#: Phrases of ``notes`` and the damage-state weights they set (documented, with the reasoning
#: behind every weight, in docs/user-guide.md, section 6). Phrases that state a degree run from
#: the most to the least severe; the bare "damaged"/"damage", which state none, come last.
#: Notes with none of them get :data:`DEFAULT_DAMAGE_STATE`.
DAMAGE_RULES: tuple[DamageRule, ...] = tuple(
    DamageRule(keyword, state)
    for state, keywords in (
        ("complete", ("completely destroyed", "totally destroyed", "fully destroyed", "destroyed completely", "razed")),
        ("extensive:0.6|complete:0.4", ("destroyed",)),
        (
            "extensive",
            (
                "heavily damaged",
                "severely damaged",
                "badly damaged",
                "seriously damaged",
                "extensively damaged",
                "significantly damaged",
                "heavy damage",
                "severe damage",
                "serious damage",
                "extensive damage",
                "significant damage",
            ),
        ),
        (
            "moderate:0.3|extensive:0.7",
            (
                "partially destroyed",
                "partly destroyed",
                "not completely destroyed",
                "not fully destroyed",
                "not totally destroyed",
            ),
        ),
        (
            "moderate:0.4|extensive:0.6",
            ("caught fire", "fire broke out", "set on fire", "on fire", "blaze", "burned", "burnt", "burning"),
        ),
        ("slight:0.3|moderate:0.7", ("partially damaged", "partly damaged", "partial damage")),
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
        ("none", ("no damage", "not damaged", "wasn't damaged", "weren't damaged", "undamaged", "without damage")),
        ("moderate:0.6|extensive:0.4", ("damaged", "damage")),
    )
    for keyword in keywords
)


# --- effects ------------------------------------------------------------------------------

#: Services whose loss the notes report as an effect (a plural and "supply"/"supplies" after
#: the word allowed).
EFFECT_SERVICES: tuple[str, ...] = (
    "electric power",
    "hot water",
    "electricity",
    "heating",
    "energy",
    "power",
    "water",
    "heat",
    "gas",
    "light",
)

#: Nouns naming the loss of a service ("power outages", "water shortage").
EFFECT_NOUNS: tuple[str, ...] = (
    "outage",
    "blackout",
    "cut",
    "cutoff",
    "cut-off",
    "shortage",
    "disruption",
    "interruption",
    "failure",
    "shutdown",
    "loss",
    "restriction",
    "rationing",
)

#: Words after a service word that make it a facility, not a service ("power plant", "water
#: tower"): a service word followed by one of these is never part of an effect.
_FACILITY_WORDS = (
    "plant|station|substation|line|grid|facilit|infrastructure|pipeline|tower|tank|intake|treatment|well|"
    "network|system|node|house|utilit|compan|main|unit|equipment|object|site|enterprise|transformer|boiler|"
    "terminal|storage|distribution|production|compressor|transmission|generat|engineer|worker"
)
_SERVICE_ONE = (
    r"(?<!\w)(?:"
    + "|".join(r"[\s-]+".join(map(re.escape, service.split())) for service in EFFECT_SERVICES)
    + r")s?(?:[\s-]+suppl(?:y|ies))?"
    + rf"(?![\s-]+(?:{_FACILITY_WORDS}))(?!\w)"
)
_SERVICES = rf"{_SERVICE_ONE}(?:\s*(?:,|and|or|&|/)\s*{_SERVICE_ONE}){{0,5}}"  # bounded: linear time
_NOUN = "(?:" + "|".join(re.escape(noun) for noun in EFFECT_NOUNS) + r")s?"
_LOST = (
    r"(?:(?:was|were|is|are|has\s+been|have\s+been|had\s+been|remains?|remained|went|goes|got|being)\s+)?"
    r"(?:(?:partially|partly|completely|temporarily|fully|largely)\s+)?"
    r"(?:cut(?:\s+off)?|disrupted|interrupted|lost|restored|suspended|knocked\s+out|off|out|unavailable|down"
    r"|de-?energi[sz]ed)(?!\w)"
)
_CUTTING = (
    r"(?<!\w)(?:disrupt(?:s|ed|ing)?|interrupt(?:s|ed|ing)?|cut(?:s|ting)?(?:\s+off)?|knock(?:s|ed|ing)?\s+out"
    r"|suspend(?:s|ed|ing)?|affect(?:s|ed|ing)?|restor(?:e|es|ed|ing)|de-?energi[sz](?:e|es|ed|ing))"
)


@dataclass(frozen=True)
class EffectPattern:
    """A form in which ``notes`` report an effect on a service rather than what was hit.

    Parameters
    ----------
    name : str
        Short description of the form.
    regex : str
        Regular expression (case-insensitive) of the form.
    examples : tuple of str
        Phrases it matches (documented and tested).
    """

    name: str
    regex: str
    examples: tuple[str, ...]

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        """The compiled, case-insensitive :attr:`regex`."""
        return re.compile(self.regex, re.IGNORECASE)


#: Forms of effects on services in ``notes`` (documented in docs/user-guide.md, section 6).
EFFECT_PATTERNS: tuple[EffectPattern, ...] = (
    EffectPattern(
        "service, then the loss",
        rf"{_SERVICES}[\s-]+{_NOUN}(?!\w)",
        ("causing power outages", "power and water cuts", "water supply disruptions", "heating failure"),
    ),
    EffectPattern(
        "without a service",
        rf"(?<!\w)(?:without|no|lost|lose|loses|losing)\s+(?:(?:any|the|their|access\s+to)\s+)*{_SERVICES}",
        ("leaving 20,000 people without water", "without heat and electricity", "residents lost power"),
    ),
    EffectPattern(
        "the loss of a service",
        rf"(?<!\w)(?:{_NOUN}|lack)\s+(?:of|in|to)\s+(?:the\s+)?{_SERVICES}",
        ("disruption of water supply", "interruptions in power supply", "loss of electricity"),
    ),
    EffectPattern(
        "cutting a service",
        rf"{_CUTTING}\s+(?:(?:the|their|its|access\s+to)\s+)*{_SERVICES}",
        ("disrupting heat supply", "cutting off power", "knocked out electricity"),
    ),
    EffectPattern(
        "a service, then lost",
        rf"{_SERVICES}\s+{_LOST}",
        ("district heating disrupted", "power was cut", "water supply was restored", "electricity went out"),
    ),
    EffectPattern(
        "a blackout",
        r"(?<!\w)(?:blackout|outage|de-?energi[sz]ation)s?(?!\w)",
        ("resulting in blackouts", "emergency outages"),
    ),
)


def mask_effects(notes: str, patterns: Iterable[EffectPattern] = EFFECT_PATTERNS) -> tuple[str, tuple[str, ...]]:
    """Blank out the effects on services in ``notes``, so that only what was hit names a target.

    Parameters
    ----------
    notes : str
        ACLED ``notes`` text.
    patterns : iterable of EffectPattern, optional
        The effect forms, :data:`EFFECT_PATTERNS` by default.

    Returns
    -------
    masked : str
        ``notes`` with every effect replaced by spaces (same length, so positions still hold).
    effects : tuple of str
        The effects as written, in the order of the notes (overlapping matches merged).
    """
    spans = sorted((match.start(), match.end()) for pattern in patterns for match in pattern.pattern.finditer(notes))
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    masked = list(notes)
    for start, end in merged:
        masked[start:end] = " " * (end - start)
    return "".join(masked), tuple(notes[start:end] for start, end in merged)


# --- negation and damage ------------------------------------------------------------------


def is_negated(notes: str, start: int) -> bool:
    """Whether the phrase starting at ``start`` in ``notes`` is negated.

    A phrase is negated when one of the last :data:`NEGATION_WINDOW_WORDS` words before it in
    its clause is a cue of :data:`NEGATION_CUES` or ends in "n't" ("not destroyed", "no serious
    damage", "wasn't burned"). The clause starts after the last punctuation mark or clause word
    (but, and, however, while, although, though, yet) before the phrase, so "not destroyed,
    minor damage" negates "destroyed" only.
    """
    before = notes[max(0, start - _NEGATION_REACH) : start]
    breaks = list(_CLAUSE_BREAK.finditer(before))
    clause = before[breaks[-1].end() :] if breaks else before
    words = [word.lower() for word in _WORD.findall(clause)[-NEGATION_WINDOW_WORDS:]]
    return any(word in NEGATION_CUES or word.endswith(("n't", "n’t")) for word in words)


@dataclass(frozen=True)
class DamageReading:
    """What the notes of one event say about the damage.

    Parameters
    ----------
    weights : tuple of (str, float)
        Damage states and their weights [1] (summing to 1), in the order of ``DAMAGE_STATES``.
    rule : DamageRule or None
        The rule that set the weights; None when the default applied.
    phrase : str
        The phrase as written in the notes ("" for the default).
    negated : tuple of str
        Damage phrases read as negated ("destroyed" in "not destroyed"), as written.
    capped_at : str or None
        When the negations lowered the state: the state from which upwards the weights were
        removed (the lowest state of the most lenient negated phrase); else None.
    """

    weights: tuple[tuple[str, float], ...]
    rule: DamageRule | None
    phrase: str = ""
    negated: tuple[str, ...] = ()
    capped_at: str | None = None

    @property
    def description(self) -> str:
        """How the weights were set, in words (for the strike's notes)."""
        text = f"the phrase '{self.phrase}'" if self.rule else "default (no damage phrase in the notes)"
        if self.negated:
            said = ", ".join(f"'{phrase}'" for phrase in self.negated)
            effect = f"below {self.capped_at}" if self.capped_at else "not lowering it"
            text += f"; negated {said} ({effect})"
        return text


def read_damage(
    notes: str, rules: Iterable[DamageRule], default: tuple[tuple[str, float], ...] | str = DEFAULT_DAMAGE_STATE
) -> DamageReading:
    """The damage-state weights the notes of one event state.

    Parameters
    ----------
    notes : str
        ACLED ``notes`` text.
    rules : iterable of DamageRule
        The rule table, tried in order.
    default : str or tuple of (str, float), optional
        Weights when no rule applies (:data:`DEFAULT_DAMAGE_STATE`).

    Returns
    -------
    DamageReading

    Notes
    -----
    Every rule's phrase is looked for. A match inside a longer match ("damaged" in "heavily
    damaged") is dropped. Of the rest, the first rule in table order whose match is not negated
    (:func:`is_negated`) sets the weights, else the default. Negated matches lower the state:
    every state at or above the lowest state of a negated rule ("destroyed": extensive) is
    removed and the remaining weights rescaled to sum to 1. When that would remove every
    weight, a phrase that is not negated is kept as it is (it says more than the negation); the
    default becomes the state just below.
    """
    base = default if isinstance(default, tuple) else parse_damage_weights(default)
    rules = tuple(rules)
    found = [
        (match.start(), match.end(), order, match.group(0))
        for order, rule in enumerate(rules)
        for match in rule.pattern.finditer(notes)
    ]
    inside: set[tuple[int, int]] = set()  # spans within a longer span that occurs
    reach = -1
    for span in sorted({(start, end) for start, end, _order, _text in found}, key=lambda span: (span[0], -span[1])):
        if span[1] <= reach:
            inside.add(span)
        reach = max(reach, span[1])
    outermost = [item for item in found if (item[0], item[1]) not in inside]
    negated = [item for item in outermost if is_negated(notes, item[0])]
    positive = sorted((item for item in outermost if item not in negated), key=lambda item: (item[2], item[0]))
    rule = rules[positive[0][2]] if positive else None
    weights = rule.weights if rule else base
    lowest = [DAMAGE_STATES.index(rules[item[2]].weights[0][0]) for item in negated]
    cap = min((level for level in lowest if level > 0), default=None)
    capped_at = None
    if cap is not None:
        kept = [(state, weight) for state, weight in weights if DAMAGE_STATES.index(state) < cap]
        if kept:
            total = math.fsum(weight for _, weight in kept)
            weights, capped_at = tuple((state, weight / total) for state, weight in kept), DAMAGE_STATES[cap]
        elif rule is None:
            weights, capped_at = ((DAMAGE_STATES[cap - 1], 1.0),), DAMAGE_STATES[cap]
    return DamageReading(
        weights=weights,
        rule=rule,
        phrase=positive[0][3] if positive else "",
        negated=tuple(item[3] for item in sorted(negated)),
        capped_at=capped_at,
    )


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
        ACLED ``notes`` text; pass it through :func:`mask_effects` first so that effects
        ("causing power outages") name no kind.
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


#: Declaration of a damage-rules CSV file (one rule per row, tried top to bottom).
DAMAGE_RULES_TABLE = Table(
    "damage_rules.csv",
    False,
    "A phrase of ACLED notes and the damage state (or weights) it sets; rows are tried top to bottom.",
    (
        Column("keyword", "text", True, "Word or phrase, matched as whole words, case-insensitive."),
        Column(
            "damage_state",
            "text",
            True,
            "Damage state set by the phrase, or weights over damage states such as moderate:0.6|extensive:0.4.",
        ),
    ),
)


def read_damage_rules(path: str | os.PathLike[str]) -> tuple[list[DamageRule], list[Problem]]:
    """Read a damage-rules CSV file (columns ``keyword``, ``damage_state``).

    Parameters
    ----------
    path : str or PathLike
        UTF-8 CSV file with a header row; ``damage_state`` is one state or weights such as
        ``moderate:0.6|extensive:0.4``. The rules are tried in file order as described in
        :func:`read_damage`. They replace :data:`DAMAGE_RULES` entirely.

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
        if not keyword or not state:  # reported by the cell checks
            continue
        try:
            parse_damage_weights(state)
        except ValueError as error:
            problems.append(Problem(name, int(line), "damage_state", str(error)))
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
    return ([] if problems else rules), sorted(problems)
