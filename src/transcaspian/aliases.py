"""Names of nodes and links: case-, accent- and separator-folding, and the alias index.

A node or link can be named by its id, its display ``name`` or any of its
``aliases`` (other spellings and scripts). Every such key is folded by
:func:`normalize_key` before it is compared, so "Novorossiïsk", "novorossiisk" and
"NOVOROSSIISK" are the same key.

Examples
--------
>>> normalize_key("Baku–Tbilisi–Ceyhan")
'baku_tbilisi_ceyhan'
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import pandas as pd

__all__ = ["normalize_key", "build_alias_index"]

#: A run of characters other than letters and digits (``\w`` matches those and ``_``).
_SEPARATORS = re.compile(r"[\W_]+")


def normalize_key(text: str) -> str:
    """Fold case, accents and separators so 'Novorossiïsk' finds 'novorossiisk'.

    Every run of characters that are not letters or digits becomes one ``_``, and
    leading and trailing ones go.

    Examples
    --------
    >>> normalize_key("Novorossiïsk") == normalize_key("novorossiisk")
    True
    >>> normalize_key("Baku-Tbilisi Ceyhan")
    'baku_tbilisi_ceyhan'
    """
    text = str(text)
    if not text.isascii():
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SEPARATORS.sub("_", text.casefold()).strip("_")


def _column(frame: pd.DataFrame, name: str) -> list[Any]:
    return frame[name].tolist() if name in frame.columns else [None] * len(frame)


def build_alias_index(nodes: pd.DataFrame, links: pd.DataFrame) -> dict[str, tuple[str, str]]:
    """Folded key -> (``"node"`` or ``"link"``, id) for every id, name and alias.

    A node wins over a link on a clash of names or aliases; an id always wins over
    any name or alias (a node's over a link's). Built from the columns, not row by
    row, and each distinct text is folded once: 10,000 links take milliseconds.

    Examples
    --------
    >>> nodes = pd.DataFrame({"name": ["Sea Terminal"], "aliases": [["Terminal maritime"]]}, index=["terminal"])
    >>> links = pd.DataFrame({"name": ["Hub - Terminal"], "aliases": [[]]}, index=["hub_terminal"])
    >>> index = build_alias_index(nodes, links)
    >>> index["terminal_maritime"], index["hub_terminal"]
    (('node', 'terminal'), ('link', 'hub_terminal'))
    """
    folded: dict[Any, str] = {}

    def fold(text: Any) -> str:
        try:
            return folded[text]
        except KeyError:
            out = folded[text] = normalize_key(text)
            return out
        except TypeError:  # an unhashable "name"
            return normalize_key(text)

    index: dict[str, tuple[str, str]] = {}
    frames = (("link", links), ("node", nodes))
    for kind, frame in frames:  # nodes win on a clash
        for eid, name, aliases in zip(frame.index.tolist(), _column(frame, "name"), _column(frame, "aliases"), strict=True):
            value = (kind, eid)
            for k in (eid, name or "", *(aliases or ())):
                nk = fold(k)
                if nk:
                    index[nk] = value
    # ids always win over aliases and names
    for kind, frame in frames:
        for eid in frame.index.tolist():
            index[fold(eid)] = (kind, eid)
    return index
