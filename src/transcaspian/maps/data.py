"""What a map shows, as plain frames: links, nodes and stranded volume (internal).

Both the static maps (:mod:`~transcaspian.maps.static`) and the interactive map
(:mod:`~transcaspian.maps.interactive`) draw from :func:`map_frames`, so they agree on
what is disabled, derated, saturated or stranded. An element is drawn saturated by
the solver's own rule (:func:`transcaspian.schema.is_saturated`), so a map marks
exactly the elements the result lists in ``saturated``.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd

from ..errors import ComparisonError, InputError, UnitError
from ..schema import COMMODITIES, FLOW_EPS, is_saturated
from ..units import CANONICAL_UNITS

if TYPE_CHECKING:
    from ..flow.result import FlowResult
    from ..network import CorridorNetwork

__all__ = ["MapFrames", "map_frames", "flow_changes", "resolve_ids", "data_bounds", "check_extent", "check_pair"]


@dataclasses.dataclass(frozen=True)
class MapFrames:
    """Everything a map draws, in lon/lat (EPSG:4326).

    Attributes
    ----------
    links : geopandas.GeoDataFrame
        One row per link (index ``id``): ``name``, ``mode``, ``status``,
        ``commodities``, ``capacity``, ``unit``, ``disabled``, ``derate``,
        ``sources``, ``geometry``.
    flows : geopandas.GeoDataFrame
        One row per link and commodity with a flow (columns ``link``, ``commodity``,
        ``flow`` (absolute), ``signed``, ``capacity``, ``unit``, ``utilisation``,
        ``saturated``, ``mode``, ``geometry``); empty without a result.
    nodes : geopandas.GeoDataFrame
        One row per node (index ``id``): ``name``, ``kind``, ``status``,
        ``disabled``, ``derate``, ``saturated``, ``throughput`` (dict per
        commodity), ``sources``, ``geometry``.
    stranded : pandas.DataFrame
        Columns ``origin``, ``commodity``, ``unserved``, ``supply``, ``unit``; only
        rows with stranded volume.
    commodities : tuple of str
        Commodities shown.
    has_result : bool
    """

    links: gpd.GeoDataFrame
    flows: gpd.GeoDataFrame
    nodes: gpd.GeoDataFrame
    stranded: pd.DataFrame
    commodities: tuple[str, ...]
    has_result: bool


def _bool(v: Any) -> bool:
    try:
        return bool(v) and not (isinstance(v, float) and math.isnan(v))
    except (TypeError, ValueError):
        return False


def _float(v: Any, default: float = math.nan) -> float:
    try:
        out = float(v)
    except (TypeError, ValueError):
        return default
    return out


def _check_commodity(commodity: str | None, available: Iterable[str]) -> None:
    if commodity is None:
        return
    avail = list(available)
    if commodity not in avail:
        if not avail:
            raise UnitError(
                f"commodity {commodity!r} is not in this map's data: the result has no flows of any commodity "
                "(fix: solve a commodity with supply in this network, or draw the network without a result)"
            )
        raise UnitError(
            f"commodity {commodity!r} is not in this map's data (fix: use one of {', '.join(avail)})"
        )


def map_frames(net: CorridorNetwork, result: FlowResult | None = None, *, commodity: str | None = None) -> MapFrames:
    """Collect the links, flows, nodes and stranded volume to draw.

    Parameters
    ----------
    net : CorridorNetwork
        The network. With a result, the flags (disabled, derate) come from
        ``result.network`` (the scenario applied) and the result's frames.
    result : FlowResult, optional
    commodity : str, optional
        Keep only this commodity (links that cannot carry it are kept as backdrop;
        nodes that no link of it reaches are left out).

    Returns
    -------
    MapFrames

    Examples
    --------
    >>> import transcaspian as tc
    >>> frames = map_frames(tc.load_network("tests/fixtures/mini"), commodity="crude")
    >>> frames.commodities, frames.has_result, len(frames.flows)
    (('crude',), False, 0)
    """
    source = result.network if result is not None and getattr(result, "network", None) is not None else net
    links = source.links.copy()
    nodes = source.nodes.copy()
    for frame in (links, nodes):
        frame["disabled"] = frame.get("disabled", False)
        frame["disabled"] = frame["disabled"].map(_bool)
        frame["derate"] = frame.get("derate", 1.0)
        frame["derate"] = frame["derate"].map(lambda v: _float(v, 1.0))
        frame["name"] = [str(n) if str(n or "").strip() else str(i) for i, n in zip(frame.index, frame["name"], strict=True)]

    if result is not None:
        commodities = tuple(c for c in COMMODITIES if c in set(result.commodities)) or tuple(result.commodities)
    else:
        commodities = tuple(net.commodities)
    _check_commodity(commodity, commodities if result is not None else COMMODITIES)
    if commodity is not None:
        commodities = (commodity,)
        # a one-commodity map shows only the nodes that commodity can pass through
        # (plus any disabled or derated node, so a scenario's marks stay visible)
        carries = links["commodities"].map(lambda cs: commodity in (cs or ()))
        ends = set(links.loc[carries, "from_node"]) | set(links.loc[carries, "to_node"])
        keep = nodes.index.isin(list(ends)) | nodes["disabled"].to_numpy() | (nodes["derate"] < 1.0).to_numpy()
        nodes = nodes[keep].copy()

    flows = _flow_rows(result, links, commodities) if result is not None else _empty_flows()
    if result is not None:
        _merge_flags(result, links, nodes)
    nodes["saturated"] = False
    nodes["throughput"] = [{} for _ in range(len(nodes))]
    if result is not None:
        _node_flows(result, nodes, commodities)
    stranded = _stranded(result, commodities) if result is not None else _empty_stranded()
    return MapFrames(
        links=links,
        flows=flows,
        nodes=nodes,
        stranded=stranded,
        commodities=commodities,
        has_result=result is not None,
    )


def _empty_flows() -> gpd.GeoDataFrame:
    cols = ["link", "commodity", "flow", "signed", "capacity", "unit", "utilisation", "saturated", "mode"]
    return gpd.GeoDataFrame({c: [] for c in cols}, geometry=[], crs="EPSG:4326")


def _empty_stranded() -> pd.DataFrame:
    return pd.DataFrame({c: [] for c in ("origin", "commodity", "unserved", "supply", "unit")})


def _utilisation_saturated(util: float) -> bool:
    """The solver's rule on a utilisation (flow over capacity); NaN is never saturated."""
    return is_saturated(util, 1.0)


def _saturated_ids(result: FlowResult) -> tuple[set[str], set[str]]:
    sat = getattr(result, "saturated", None)
    if sat is None or len(sat) == 0:
        return set(), set()
    sat = sat.reset_index() if "element" not in sat.columns else sat
    kinds = sat["kind"] if "kind" in sat.columns else pd.Series(["link"] * len(sat))
    nodes = {str(e) for e, k in zip(sat["element"], kinds, strict=True) if k == "node"}
    links = {str(e) for e, k in zip(sat["element"], kinds, strict=True) if k != "node"}
    return nodes, links


def _flow_rows(result: FlowResult, links: gpd.GeoDataFrame, commodities: tuple[str, ...]) -> gpd.GeoDataFrame:
    df = result.flows
    if df is None or len(df) == 0:
        return _empty_flows()
    df = df.reset_index()
    if "link" not in df.columns:
        df = df.rename(columns={df.columns[0]: "link"})
    df = df[df["commodity"].isin(commodities)]
    _, sat_links = _saturated_ids(result)
    rows = []
    for r in df.itertuples(index=False):
        signed = _float(getattr(r, "flow", 0.0), 0.0)
        util = _float(getattr(r, "utilisation", math.nan))
        lid = str(r.link)
        geom = getattr(r, "geometry", None)
        if geom is None or getattr(geom, "is_empty", True):
            geom = links.geometry.get(lid)
        mode = getattr(r, "mode", None) or (links.at[lid, "mode"] if lid in links.index else "")
        rows.append(
            {
                "link": lid,
                "commodity": str(r.commodity),
                "flow": abs(signed),
                "signed": signed,
                "capacity": _float(getattr(r, "capacity", math.nan)),
                "unit": getattr(r, "unit", None) or CANONICAL_UNITS.get(str(r.commodity), ""),
                "utilisation": util,
                "saturated": abs(signed) > FLOW_EPS and (lid in sat_links or _utilisation_saturated(util)),
                "mode": str(mode),
                "geometry": geom,
            }
        )
    if not rows:
        return _empty_flows()
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")


def _merge_flags(result: FlowResult, links: gpd.GeoDataFrame, nodes: gpd.GeoDataFrame) -> None:
    """OR the disabled flags and take the smallest derate from the result's frames."""
    for frame, source in ((links, result.flows), (nodes, getattr(result, "node_flows", None))):
        if source is None or len(source) == 0:
            continue
        src = source.reset_index()
        key = src.columns[0]
        for col, how in (("disabled", "any"), ("derate", "min")):
            if col not in src.columns:
                continue
            agg = src.groupby(key)[col].agg(how)
            for eid, val in agg.items():
                if eid not in frame.index:
                    continue
                if col == "disabled":
                    frame.at[eid, col] = bool(frame.at[eid, col]) or _bool(val)
                else:
                    frame.at[eid, col] = min(float(frame.at[eid, col]), _float(val, 1.0))


def _node_flows(result: FlowResult, nodes: gpd.GeoDataFrame, commodities: tuple[str, ...]) -> None:
    sat_nodes, _ = _saturated_ids(result)
    nf = getattr(result, "node_flows", None)
    through: dict[str, dict[str, float]] = {}
    if nf is not None and len(nf):
        src = nf.reset_index()
        key = src.columns[0]
        for r in src.itertuples(index=False):
            nid, com = str(getattr(r, key)), str(getattr(r, "commodity", ""))
            if com not in commodities:
                continue
            t = _float(getattr(r, "throughput", 0.0), 0.0)
            through.setdefault(nid, {})[com] = through.get(nid, {}).get(com, 0.0) + t
            util = _float(getattr(r, "utilisation", math.nan))
            if t > FLOW_EPS and _utilisation_saturated(util):
                sat_nodes.add(nid)
    for nid in nodes.index:
        nodes.at[nid, "throughput"] = through.get(str(nid), {})
        nodes.at[nid, "saturated"] = str(nid) in sat_nodes and not bool(nodes.at[nid, "disabled"])


def _stranded(result: FlowResult, commodities: tuple[str, ...]) -> pd.DataFrame:
    un = getattr(result, "unserved", None)
    if un is None or len(un) == 0:
        return _empty_stranded()
    df = un.reset_index()
    rows = []
    for r in df.itertuples(index=False):
        com = str(getattr(r, "commodity", ""))
        vol = _float(getattr(r, "unserved", 0.0), 0.0)
        if com not in commodities or vol <= FLOW_EPS:
            continue
        rows.append(
            {
                "origin": str(r.origin),
                "commodity": com,
                "unserved": vol,
                "supply": _float(getattr(r, "supply", math.nan)),
                "unit": getattr(r, "unit", None) or CANONICAL_UNITS.get(com, ""),
            }
        )
    return pd.DataFrame(rows) if rows else _empty_stranded()


def flow_changes(base: MapFrames, other: MapFrames) -> gpd.GeoDataFrame:
    """Change of absolute flow per link and commodity, ``other`` minus ``base``.

    Returns a GeoDataFrame with ``link``, ``commodity``, ``before``, ``after``,
    ``delta``, ``unit``, ``mode``, ``geometry`` (links with no flow in either are left out).
    """
    b, a = _flow_by_link(base.flows), _flow_by_link(other.flows)
    idx = b.index.union(a.index)
    if len(idx) == 0:
        cols = ["link", "commodity", "before", "after", "delta", "unit", "mode"]
        return gpd.GeoDataFrame({c: [] for c in cols}, geometry=[], crs="EPSG:4326")
    df = pd.DataFrame({"before": b.reindex(idx).fillna(0.0), "after": a.reindex(idx).fillna(0.0)})
    df["delta"] = df["after"] - df["before"]
    df = df[(df["before"] > FLOW_EPS) | (df["after"] > FLOW_EPS)].reset_index()
    links = other.links
    df["unit"] = [CANONICAL_UNITS.get(c, "") for c in df["commodity"]]
    df["mode"] = [str(links.at[lid, "mode"]) if lid in links.index else "" for lid in df["link"]]
    geoms = [links.geometry.get(lid) for lid in df["link"]]
    return gpd.GeoDataFrame(df, geometry=geoms, crs="EPSG:4326")


def _flow_by_link(flows: gpd.GeoDataFrame) -> pd.Series:
    """Absolute flow summed per (link, commodity)."""
    if not len(flows):
        return pd.Series(dtype=float)
    return pd.DataFrame(flows.drop(columns="geometry")).groupby(["link", "commodity"])["flow"].sum()


def resolve_ids(net: CorridorNetwork, keys: Iterable[str] | str) -> set[str]:
    """Ids of the elements named by ``keys`` (ids or aliases); one string is one key.

    Raises
    ------
    UnknownElementError
        If a key names nothing (the message lists close matches).
    """
    if isinstance(keys, str):  # highlight="atyrau" names one element, not a, t, y ...
        keys = [keys]
    return {net.resolve(str(k)) for k in keys}


def check_extent(extent: Any) -> tuple[float, float, float, float]:
    """A map extent as four finite floats, min lon < max lon and min lat < max lat.

    Raises
    ------
    InputError
        For anything else (three numbers, text, NaN, corners swapped).

    Examples
    --------
    >>> check_extent([45, 38, 60, 50])
    (45.0, 38.0, 60.0, 50.0)
    """
    fix = "(fix: give extent=(min lon, min lat, max lon, max lat), e.g. (46, 36, 56, 48) for the Caspian)"
    try:
        values = tuple(float(v) for v in extent) if not isinstance(extent, str | bytes) else ()
    except (TypeError, ValueError):
        raise InputError(f"extent {extent!r} is not four numbers {fix}") from None
    if len(values) != 4:
        raise InputError(f"extent {extent!r} is not four numbers {fix}")
    x0, y0, x1, y1 = values
    if not all(math.isfinite(v) for v in values) or not (x0 < x1 and y0 < y1):
        raise InputError(f"extent {extent!r} needs finite values with min < max {fix}")
    return x0, y0, x1, y1


def data_bounds(frames: MapFrames) -> tuple[float, float, float, float] | None:
    """Lon/lat bounds of the nodes and links (``None`` when empty)."""
    parts = [g.total_bounds for g in (frames.nodes.geometry, frames.links.geometry) if len(g)]
    parts = [p for p in parts if np.all(np.isfinite(p))]
    if not parts:
        return None
    arr = np.array(parts)
    return (float(arr[:, 0].min()), float(arr[:, 1].min()), float(arr[:, 2].max()), float(arr[:, 3].max()))


def check_pair(base: FlowResult, other: FlowResult, commodity: str | None) -> None:
    """Refuse a comparison map of results that do not solve the same commodities.

    A commodity solved in only one of them would be drawn as gained (or lost) on every
    link it uses, though nothing moved.

    Raises
    ------
    ComparisonError
        If ``commodity`` is not in both results, or (without it) their commodities differ.
    """
    cb = tuple(c for c in COMMODITIES if c in set(base.commodities)) or tuple(base.commodities)
    co = tuple(c for c in COMMODITIES if c in set(other.commodities)) or tuple(other.commodities)
    a = getattr(getattr(base, "scenario", None), "name", None) or "base"
    b = getattr(getattr(other, "scenario", None), "name", None) or "other"
    if commodity is not None:
        shared = [c for c in cb if c in co]
        if commodity in cb and commodity in co:
            return
        fix = f"use commodity= one both solved ({', '.join(shared)})" if shared else "solve both for this commodity"
        raise ComparisonError(
            f"cannot map the comparison of {commodity!r}: {a!r} solved {', '.join(cb) or 'nothing'}, "
            f"{b!r} solved {', '.join(co) or 'nothing'} (fix: {fix})"
        )
    if set(cb) != set(co):
        shared = [c for c in cb if c in co]
        hint = f", or pass commodity= one both solved ({', '.join(shared)})" if shared else ""
        raise ComparisonError(
            f"cannot map the comparison of {a!r} ({', '.join(cb) or 'nothing'}) with {b!r} "
            f"({', '.join(co) or 'nothing'}): a commodity solved in one only would show as gained or lost "
            f"everywhere (fix: solve both for the same commodities{hint})"
        )
