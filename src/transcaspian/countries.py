"""ISO 3166-1 alpha-3 country codes: the only country codes the toolkit accepts.

Node ``country`` fields, ``avoid_countries`` in scenarios and supplies, and
``routes --avoid-country`` all go through :func:`check_country`, so a typo such as
``RU``, ``RUSSIA`` or ``RUX`` is an error that suggests ``RUS`` instead of a
restriction that silently matches nothing. The table comes from the ``iso3166``
package (the ISO 3166-1 list, pure Python, no data download).

Examples
--------
>>> from transcaspian.countries import check_country, suggest_country
>>> check_country("rus")
'RUS'
>>> suggest_country("RU"), suggest_country("Russia"), suggest_country("RUX")
('RUS', 'RUS', 'RUS')
>>> check_country("RUSSIA")
Traceback (most recent call last):
...
ValueError: 'RUSSIA' is not an ISO 3166-1 alpha-3 country code; did you mean RUS (Russian Federation)?
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable

import iso3166

__all__ = ["ALPHA3", "is_country", "country_name", "suggest_country", "check_country", "check_countries"]

#: Every ISO 3166-1 alpha-3 code.
ALPHA3: frozenset[str] = frozenset(iso3166.countries_by_alpha3)

#: Common English short names that differ from the ISO names (the ISO list says
#: "Russian Federation", "Türkiye", "Iran, Islamic Republic of", ...).
_COMMON_NAMES: dict[str, str] = {
    "RUSSIA": "RUS",
    "TURKEY": "TUR",
    "TURKIYE": "TUR",
    "IRAN": "IRN",
    "SYRIA": "SYR",
    "UK": "GBR",
    "BRITAIN": "GBR",
    "GREAT BRITAIN": "GBR",
    "ENGLAND": "GBR",
    "USA": "USA",
    "US": "USA",
    "AMERICA": "USA",
    "SOUTH KOREA": "KOR",
    "NORTH KOREA": "PRK",
    "MOLDOVA": "MDA",
    "VIETNAM": "VNM",
    "LAOS": "LAO",
    "TAIWAN": "TWN",
    "KYRGYZSTAN": "KGZ",
    "KIRGHIZIA": "KGZ",
    "BOSNIA": "BIH",
    "CZECHIA": "CZE",
    "HOLLAND": "NLD",
}


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.upper().replace("-", " ").replace(".", " ").replace(",", " ").split())


_BY_NAME: dict[str, str] = {}
for _c in iso3166.countries:
    for _n in (_c.name, _c.apolitical_name):
        _BY_NAME[_fold(_n)] = _c.alpha3
        # "Iran, Islamic Republic of" -> also "IRAN ISLAMIC REPUBLIC OF" and "IRAN"
        _BY_NAME.setdefault(_fold(_n.split(",")[0]), _c.alpha3)
        _BY_NAME.setdefault(_fold(_n.split("(")[0]), _c.alpha3)
for _k, _v in _COMMON_NAMES.items():
    _BY_NAME.setdefault(_k, _v)


def is_country(code: object) -> bool:
    """Whether ``code`` is an ISO 3166-1 alpha-3 code (upper case, exactly).

    Examples
    --------
    >>> is_country("KAZ"), is_country("kaz"), is_country("KZ")
    (True, False, False)
    """
    return isinstance(code, str) and code in ALPHA3


def country_name(code: str) -> str:
    """The ISO short name of an alpha-3 code.

    Examples
    --------
    >>> country_name("GEO")
    'Georgia'
    """
    return str(iso3166.countries_by_alpha3[code].name)


def suggest_country(text: str) -> str | None:
    """The alpha-3 code ``text`` most likely means, or ``None``.

    Tries, in order: the code in upper case, an alpha-2 code, a country name (ISO or
    common English), a name prefix, and finally the closest alpha-3 code by spelling.

    Examples
    --------
    >>> suggest_country("kz"), suggest_country("Georgia"), suggest_country("TRK")
    ('KAZ', 'GEO', 'TUR')
    """
    folded = _fold(str(text))
    if folded in ALPHA3:
        return folded
    if len(folded) == 2 and folded in iso3166.countries_by_alpha2:
        return str(iso3166.countries_by_alpha2[folded].alpha3)
    if folded in _BY_NAME:
        return _BY_NAME[folded]
    if len(folded) >= 4:
        starts = sorted({v for k, v in _BY_NAME.items() if k.startswith(folded)})
        if len(starts) == 1:
            return starts[0]
    close = difflib.get_close_matches(folded, sorted(ALPHA3), n=1, cutoff=0.6)
    if close:
        return close[0]
    close = difflib.get_close_matches(folded, sorted(_BY_NAME), n=1, cutoff=0.75)
    return _BY_NAME[close[0]] if close else None


def _hint(text: str) -> str:
    guess = suggest_country(text)
    if guess is None:
        return "use an ISO 3166-1 alpha-3 code such as RUS, KAZ, AZE"
    return f"did you mean {guess} ({country_name(guess)})?"


def check_country(code: object) -> str:
    """``code`` as an upper-case ISO 3166-1 alpha-3 code, or ``ValueError`` with a suggestion.

    Lower case is accepted (``"rus"`` -> ``"RUS"``); anything else that is not an
    alpha-3 code is refused, naming the code it most likely meant.

    Examples
    --------
    >>> check_country("aze")
    'AZE'
    """
    if not isinstance(code, str) or not code.strip():
        raise ValueError(f"{code!r} is not an ISO 3166-1 alpha-3 country code; use e.g. RUS, KAZ, AZE")
    up = code.strip().upper()
    if up in ALPHA3:
        return up
    raise ValueError(f"{code!r} is not an ISO 3166-1 alpha-3 country code; {_hint(code)}")


def check_countries(codes: Iterable[object]) -> tuple[str, ...]:
    """Every code through :func:`check_country`; the first bad one raises.

    Examples
    --------
    >>> check_countries(["rus", "BLR"])
    ('RUS', 'BLR')
    """
    return tuple(check_country(c) for c in codes)
