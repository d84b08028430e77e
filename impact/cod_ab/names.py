"""Area names from the attributes of a boundary feature, and Ukrainian names in Latin letters.

COD-AB layers name a unit at level ``k`` in fields ``ADMk_EN`` (English), ``ADMk_UA``
(Ukrainian) and others, or, in OCHA's newer schema, ``admk_name``, ``admk_name1``... whose
languages are given per feature by ``lang``, ``lang1``... (``en``, ``uk``). OSM-style files
have ``name_en`` or ``name:en`` and ``name_uk`` or ``name:uk``. Field names are matched in
either case.

Where a file gives only a Ukrainian name, the English name is its transliteration by the
official rule of Ukraine (Cabinet of Ministers of Ukraine, resolution No. 55 of 27 January
2010, the system OCHA's COD names for Ukraine follow): ``Великоплосківська`` →
``Velykoploskivska``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

__all__ = ["cod_names", "osm_names", "transliterate_uk"]

#: Letters of Ukrainian in Latin letters (resolution No. 55 of 2010); the apostrophe and the soft sign are dropped.
_LETTERS: dict[str, str] = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "h",
    "ґ": "g",
    "д": "d",
    "е": "e",
    "є": "ie",
    "ж": "zh",
    "з": "z",
    "и": "y",
    "і": "i",
    "ї": "i",
    "й": "i",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "kh",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ь": "",
    "ю": "iu",
    "я": "ia",
}

#: Letters written differently at the start of a word.
_WORD_START: dict[str, str] = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}

_APOSTROPHES = "'’ʼ`"


#: Any Cyrillic letter.
_CYRILLIC = re.compile("[\u0400-\u04ff]")


def transliterate_uk(text: str) -> str:
    """Ukrainian text in Latin letters by the official rule of 2010 (resolution No. 55).

    ``зг`` is written ``zgh`` (``Згурівка`` → ``Zghurivka``); ``є ї й ю я`` are ``ye yi y yu
    ya`` at the start of a word and ``ie i i iu ia`` elsewhere; the soft sign and the
    apostrophe are dropped. Other characters are kept as they are.

    Examples
    --------
    >>> transliterate_uk("Білгород-Дністровський")
    'Bilhorod-Dnistrovskyi'
    >>> transliterate_uk("Знам'янка")
    'Znamianka'
    """
    out: list[str] = []
    previous = " "  # the start of the text is the start of a word
    for ch in text:
        lower = ch.lower()
        if lower in _APOSTROPHES:
            previous = lower
            continue
        if lower not in _LETTERS:
            out.append(ch)
            previous = ch
            continue
        word_start = not (previous.isalpha() or previous in _APOSTROPHES)
        latin = _WORD_START[lower] if word_start and lower in _WORD_START else _LETTERS[lower]
        if lower == "г" and previous.lower() == "з":
            latin = "gh"
        if ch != lower and latin:
            latin = latin[0].upper() + latin[1:]
        out.append(latin)
        previous = ch
    return "".join(out)


def _text(row: Mapping[str, object], key: str) -> str:
    """The stripped text of field ``key`` (lower case) of ``row``, "" when absent or empty."""
    value = row.get(key)
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value).strip()


def cod_names(row: Mapping[str, object], level: int) -> tuple[str, str]:
    """English and Ukrainian names of the level-``level`` unit of a COD-AB feature.

    Parameters
    ----------
    row : mapping
        The feature's attributes, keys in lower case.
    level : int
        Admin level (0–4).

    Returns
    -------
    tuple of (str, str)
        (name, name_uk); the name falls back on ``admk_name`` in any language, then on the
        transliterated Ukrainian name, then on "" (the caller uses the P-code).
    """
    prefix = f"adm{level}_"
    by_language: dict[str, str] = {}
    for suffix, lang_key in (("name", "lang"), *((f"name{j}", f"lang{j}") for j in range(1, 4))):
        name = _text(row, prefix + suffix)
        language = _text(row, lang_key).lower()
        if name and language and language not in by_language:
            by_language[language] = name
    name_uk = _text(row, prefix + "ua") or _text(row, prefix + "uk") or by_language.get("uk", "")
    name = _text(row, prefix + "en") or by_language.get("en", "") or _text(row, prefix + "name")
    return name or transliterate_uk(name_uk), name_uk


def osm_names(row: Mapping[str, object]) -> tuple[str, str]:
    """English and Ukrainian names of an OSM-style feature (``name_en``/``name:en``, ``name_uk``/``name:uk``).

    OSM's plain ``name`` is in the local language: in Cyrillic it is taken as the Ukrainian
    name when none is given. The name falls back on the transliterated Ukrainian name, then on
    ``name``, then on "".
    """
    plain = _text(row, "name")
    name_uk = _text(row, "name_uk") or _text(row, "name:uk") or (plain if _CYRILLIC.search(plain) else "")
    name = _text(row, "name_en") or _text(row, "name:en") or _text(row, "name_en_osm")
    return name or transliterate_uk(name_uk) or plain, name_uk
