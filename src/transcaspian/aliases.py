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

import unicodedata
from collections.abc import Iterable

import pandas as pd

__all__ = ["normalize_key", "build_alias_index"]


def normalize_key(text: str) -> str:
    """Fold case, accents and separators so 'Novorossiïsk' finds 'novorossiisk'.

    Examples
    --------
    >>> normalize_key("Novorossiïsk") == normalize_key("novorossiisk")
    True
    >>> normalize_key("Baku-Tbilisi Ceyhan")
    'baku_tbilisi_ceyhan'
    """
    decomposed = unicodedata.normalize("NFKD", str(text))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    out = []
    for ch in stripped.casefold().strip():
        out.append(ch if ch.isalnum() else "_")
    key = "".join(out)
    while "__" in key:
        key = key.replace("__", "_")
    return key.strip("_")


def build_alias_index(nodes: pd.DataFrame, links: pd.DataFrame) -> dict[str, tuple[str, str]]:
    """Folded key -> (``"node"`` or ``"link"``, id) for every id, name and alias.

    A node wins over a link on a clash of names or aliases; an id always wins over
    any name or alias.

    Examples
    --------
    >>> nodes = pd.DataFrame({"name": ["Sea Terminal"], "aliases": [["Terminal maritime"]]}, index=["terminal"])
    >>> links = pd.DataFrame({"name": ["Hub - Terminal"], "aliases": [[]]}, index=["hub_terminal"])
    >>> index = build_alias_index(nodes, links)
    >>> index["terminal_maritime"], index["hub_terminal"]
    (('node', 'terminal'), ('link', 'hub_terminal'))
    """
    index: dict[str, tuple[str, str]] = {}
    for kind, frame in (("link", links), ("node", nodes)):  # nodes win on a clash
        for eid, row in frame.iterrows():
            keys: Iterable[str] = [eid, row.get("name") or "", *(row.get("aliases") or [])]
            for k in keys:
                nk = normalize_key(k)
                if nk:
                    index[nk] = (kind, eid)
    # ids always win over aliases and names
    for kind, frame in (("link", links), ("node", nodes)):
        for eid in frame.index:
            index[normalize_key(eid)] = (kind, eid)
    return index
