"""Columns of a network as other tools store them: lists and mappings as JSON text.

GeoPackage, GeoParquet and CSV hold scalars only. A column whose values are lists
(``aliases``, ``commodities``, the ``*_sources``) or mappings (``cost``) is written as
JSON text and decoded on reading; which columns were encoded travels with the file.

Examples
--------
>>> import pandas as pd
>>> df = pd.DataFrame({"cost": [{"crude": 12.5}], "name": ["a"]})
>>> enc, cols = encode_json_columns(df)
>>> cols, enc.loc[0, "cost"]
(['cost'], '{"crude": 12.5}')
>>> decode_json_columns(enc, cols).loc[0, "cost"]
{'crude': 12.5}
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import pandas as pd

from ..schema import LINK_FIELDS, NODE_FIELDS

if TYPE_CHECKING:
    from ..network import CorridorNetwork

__all__ = [
    "STATE_COLUMNS",
    "JSON_FIELDS",
    "encode_json_columns",
    "decode_json_columns",
    "network_frames",
    "networks_equal",
    "network_differences",
    "meta_of",
]

#: Columns a network adds to the files' properties: scenario and event state.
STATE_COLUMNS: tuple[str, ...] = ("disabled", "derate")
#: Schema fields holding lists or mappings (always encoded as JSON text).
JSON_FIELDS: frozenset[str] = frozenset(
    s.name for s in (*NODE_FIELDS.values(), *LINK_FIELDS.values()) if s.type in ("list[str]", "mapping")
)


def _is_container(v: Any) -> bool:
    return isinstance(v, list | tuple | dict)


def encode_json_columns(df: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """A copy with every list- or mapping-valued column as JSON text, and those columns' names.

    A column is encoded when it is a schema list/mapping field or when any value is a
    list, tuple or dict. ``None`` stays null.
    """
    out = df.copy()
    cols = []
    for col in out.columns:
        if col == getattr(out, "_geometry_column_name", None) or out[col].dtype != object:
            continue
        if col in JSON_FIELDS or any(_is_container(v) for v in out[col]):
            out[col] = [None if v is None else json.dumps(list(v) if isinstance(v, tuple) else v, ensure_ascii=False) for v in out[col]]
            cols.append(str(col))
    return out, cols


def decode_json_columns(df: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """A copy with the named JSON text columns decoded (null stays ``None``)."""
    out = df.copy()
    for col in columns:
        if col in out.columns:
            out[col] = [json.loads(v) if isinstance(v, str) else None for v in out[col]]
    return out


def network_frames(net: CorridorNetwork) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Copies of the node and link frames (index ``id``), every column included.

    :func:`transcaspian.network_from_frames` rebuilds the same network from them (with
    the network's sources, baseline and parameters).

    Examples
    --------
    >>> import transcaspian as tc
    >>> nodes, links = tc.load_network("tests/fixtures/mini").to_frames()
    >>> nodes.index.name, links.crs.to_string(), "disabled" in links
    ('id', 'EPSG:4326', True)
    """
    return net.nodes.copy(deep=True), net.links.copy(deep=True)


def meta_of(net: CorridorNetwork) -> dict[str, Any]:
    """Everything of a network besides its two frames, as plain YAML-able data."""
    return {
        "sources": dict(net.sources),
        "baseline": dict(net.baseline),
        "parameters": dict(net.parameters),
        "events": [dict(e) for e in net.events],
        "as_of": net.as_of.isoformat() if net.as_of else None,
        "applied": list(net.applied),
    }


def _same_value(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if _is_container(a) or _is_container(b):
        return _plain(a) == _plain(b)
    if hasattr(a, "equals") and hasattr(b, "equals") and not isinstance(a, str):
        return bool(a.equals(b))
    return bool(a == b) or (a is None and b is None)


def _plain(v: Any) -> Any:
    if isinstance(v, Mapping):
        return {k: _plain(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_plain(x) for x in v]
    return v


def _frame_differences(kind: str, a: pd.DataFrame, b: pd.DataFrame) -> list[str]:
    out = []
    if list(a.index) != list(b.index):
        return [f"{kind}: ids differ ({sorted(set(a.index) ^ set(b.index))[:5]} or order)"]
    if set(a.columns) != set(b.columns):
        return [f"{kind}: columns differ: {sorted(set(a.columns) ^ set(b.columns))}"]
    for col in a.columns:
        for eid, x, y in zip(a.index, a[col], b[col]):
            if not _same_value(x, y):
                out.append(f"{kind}: {eid}: {col}: {x!r} != {y!r}")
                break
    return out


def network_differences(a: CorridorNetwork, b: CorridorNetwork) -> list[str]:
    """What differs between two networks (frames cell by cell, then the rest); empty if equal.

    The folder or file a network came from (``path``) is not compared.

    Examples
    --------
    >>> import transcaspian as tc
    >>> net = tc.load_network("tests/fixtures/mini")
    >>> network_differences(net, net.copy())
    []
    >>> network_differences(net, net.replace(applied=("x",)))
    ["applied: [] != ['x']"]
    """
    out = _frame_differences("nodes", a.nodes, b.nodes) + _frame_differences("links", a.links, b.links)
    ma, mb = meta_of(a), meta_of(b)
    out += [f"{k}: {ma[k]!r} != {mb[k]!r}" for k in ma if _plain(ma[k]) != _plain(mb[k])]
    return out


def networks_equal(a: CorridorNetwork, b: CorridorNetwork) -> bool:
    """Whether two networks hold the same data (see :func:`network_differences`)."""
    return not network_differences(a, b)
