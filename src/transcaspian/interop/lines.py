"""A network from bare lines: ends snapped into nodes, geodesic lengths, attributes by parameter.

:func:`network_from_lines` takes any lines (a GeoDataFrame of LineStrings or
MultiLineStrings, or a GeoJSON FeatureCollection such as the global maritime network
the ``searoute`` package ships) and makes a :class:`~transcaspian.network.CorridorNetwork`:

* longitudes are wrapped into [-180, 180) (a line drawn past the antimeridian meets
  the lines on the other side); the ends of the lines (or, with ``nodes_at="vertices"``, every vertex, each segment
  becoming a link) are clustered within ``snap_tolerance_m`` (geodesic distance on
  the unit sphere, a k-d tree) into nodes; each line's ends are moved onto its nodes;
* ``length_km`` is the WGS84 geodesic length of each line (:class:`pyproj.Geod`);
* which column (or which constant) is the capacity, cost, mode, commodities, name,
  time is given by parameters; ``time_days`` may come from a speed.

:func:`shortest_route` answers route queries on such a network (and any other) from
a compressed sparse graph kept per network and weight.

Examples
--------
>>> import geopandas as gpd
>>> from shapely.geometry import LineString
>>> lines = gpd.GeoDataFrame({"lane": ["x", "y"]}, geometry=[LineString([(30, 43), (29, 41.2)]),
...                          LineString([(29.0001, 41.2001), (26, 40)])], crs=4326)
>>> net = network_from_lines(lines, snap_tolerance_m=50, mode="tanker", commodities=["crude"], cost=1.0, name="lane")
>>> len(net.nodes), list(net.links["from_node"]), list(net.links["to_node"])
(3, ['n0', 'n1'], ['n1', 'n2'])
>>> r = shortest_route(net, "n0", "n2")
>>> r.nodes, bool(round(r.length_km, 1) == round(net.links["length_km"].sum(), 1))
(['n0', 'n1', 'n2'], True)
"""

from __future__ import annotations

import dataclasses
import logging
import math
import weakref
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import Geod

from ..errors import InputError, UnitError, ValidationError
from ..loader import LINK_DEFAULTS, NODE_DEFAULTS
from ..network import CRS, CorridorNetwork
from ..schema import COMMODITIES, MODES, NUMERIC_FIELDS
from ..validation import Problem

__all__ = ["network_from_lines", "shortest_route", "Route", "snap_points", "maritime_lines", "maritime_network", "EARTH_RADIUS_M"]

log = logging.getLogger(__name__)

#: Mean Earth radius (m) for the snapping tolerance on the sphere.
EARTH_RADIUS_M = 6_371_008.8
_GEOD = Geod(ellps="WGS84")


def snap_points(lon: np.ndarray, lat: np.ndarray, tolerance_m: float) -> np.ndarray:
    """Cluster label (0..k-1, in order of first appearance) of each point; points within ``tolerance_m`` share one.

    Clusters are the connected components of "closer than the tolerance" (single linkage).

    Examples
    --------
    >>> snap_points(np.array([0.0, 0.0, 1.0]), np.array([0.0, 0.00001, 0.0]), 5.0).tolist()
    [0, 0, 1]
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components
    from scipy.spatial import cKDTree

    lo, la = np.radians(lon), np.radians(lat)
    xyz = np.column_stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])
    n = len(xyz)
    chord = 2.0 * math.sin(min(tolerance_m / EARTH_RADIUS_M, math.pi) / 2.0)
    pairs = cKDTree(xyz).query_pairs(chord, output_type="ndarray") if tolerance_m > 0 else np.empty((0, 2), dtype=int)
    # exact duplicates always merge, whatever the tolerance
    _, first, inverse = np.unique(xyz.round(12), axis=0, return_index=True, return_inverse=True)
    dup = np.column_stack([np.arange(n), first[inverse.ravel()]])
    edges = np.vstack([pairs, dup]) if len(pairs) else dup
    graph = coo_matrix((np.ones(len(edges)), (edges[:, 0], edges[:, 1])), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    # renumber by first appearance, so node ids follow the input order
    order: dict[int, int] = {}
    out = np.empty(n, dtype=int)
    for i, lab in enumerate(labels):
        out[i] = order.setdefault(int(lab), len(order))
    return out


def maritime_lines() -> dict[str, Any]:
    """The global maritime network that the ``searoute`` package ships (its marnet GeoJSON), as read from the installed package.

    About 4,100 lines (9,700 vertices) with ``passage`` set on the straits and canals
    (``bosporus``, ``dardanelles``, ``suez``, ``gibraltar``, ...). Never downloaded.

    Raises
    ------
    InputError
        If searoute is not installed (``pip install 'transcaspian[sealanes]'``).
    """
    import importlib.resources
    import json

    try:
        text = (importlib.resources.files("searoute") / "data" / "marnet_searoute.geojson").read_text(encoding="utf-8")
    except ModuleNotFoundError:
        raise InputError("the maritime network comes with the searoute package: pip install 'transcaspian[sealanes]'") from None
    data: dict[str, Any] = json.loads(text)
    return data


def maritime_network(*, snap_tolerance_m: float = 1.0, **options: Any) -> CorridorNetwork:
    """:func:`maritime_lines` through :func:`network_from_lines`: every vertex a node, tanker links keeping ``passage``.

    Examples
    --------
    >>> net = maritime_network()
    >>> len(net.nodes) > 9000, shortest_route(net, "n0", "n100").length_km > 0
    (True, True)
    """
    opts: dict[str, Any] = {"nodes_at": "vertices", "keep": ["passage"], "cost_per_km": 0.01, "mode": "tanker", **options}
    return network_from_lines(maritime_lines(), snap_tolerance_m=snap_tolerance_m, **opts)


def _as_frame(lines: Any) -> tuple[pd.DataFrame, list[list[np.ndarray]]]:
    """The lines' attributes (one row per line) and each line's parts as coordinate arrays (lon, lat)."""
    if isinstance(lines, gpd.GeoDataFrame):
        if lines.crs is None:
            raise InputError("network_from_lines: the lines have no CRS; set it (lines.set_crs(4326) for lon/lat degrees)")
        frame = lines.to_crs(4326) if lines.crs.to_epsg() != 4326 else lines
        parts: list[list[np.ndarray]] = []
        for geom in frame.geometry:
            if geom is None or geom.is_empty:
                parts.append([])
            else:
                gs = [geom] if geom.geom_type == "LineString" else list(getattr(geom, "geoms", []))
                parts.append([np.asarray(g.coords, dtype=float) for g in gs])
        return frame, parts
    if isinstance(lines, Mapping) and lines.get("type") == "FeatureCollection":
        # read the coordinates straight from the GeoJSON (GeoJSON is lon/lat in WGS84 by definition)
        feats = lines.get("features") or []
        frame = pd.DataFrame([dict((f or {}).get("properties") or {}) for f in feats])
        parts = []
        for f in feats:
            g = (f or {}).get("geometry") or {}
            kind, c = g.get("type"), g.get("coordinates") or []
            seq = [c] if kind == "LineString" else (c if kind == "MultiLineString" else [])
            parts.append([np.asarray(x, dtype=float) for x in seq if len(x) >= 2])
        return frame, parts
    raise InputError(f"network_from_lines: expected a GeoDataFrame or a GeoJSON FeatureCollection, got {type(lines).__name__}")


def _pieces(parts: list[list[np.ndarray]], nodes_at: str) -> tuple[list[np.ndarray], np.ndarray]:
    """Coordinate arrays of each link and the input row each came from."""
    coords: list[np.ndarray] = []
    rows: list[int] = []
    for i, row_parts in enumerate(parts):
        for part in row_parts:
            if part.ndim != 2 or len(part) < 2:
                continue
            c = part[:, :2].copy()
            # longitudes past the antimeridian (marnet has 187.69 for -172.31) wrap into [-180, 180)
            c[:, 0] = (c[:, 0] + 180.0) % 360.0 - 180.0
            if nodes_at == "vertices":
                coords.extend(c[j : j + 2] for j in range(len(c) - 1))
                rows.extend([i] * (len(c) - 1))
            else:
                coords.append(c)
                rows.append(i)
    return coords, np.asarray(rows, dtype=int)


def _values(frame: pd.DataFrame, rows: np.ndarray, spec: Any, default: Any) -> list[Any]:
    """Per link: the column named ``spec``, else ``spec`` itself as a constant (callable: called with the row)."""
    if spec is None:
        return [default] * len(rows)
    if isinstance(spec, str) and spec in frame.columns:
        col = frame[spec].to_numpy()
        return [None if isinstance(v, float) and math.isnan(v) else v for v in col[rows]]
    if callable(spec):
        return [spec(frame.iloc[int(r)]) for r in rows]
    return [spec] * len(rows)


def network_from_lines(
    lines: Any,
    *,
    snap_tolerance_m: float = 100.0,
    nodes_at: str = "ends",
    mode: str = "tanker",
    commodities: Sequence[str] | str = ("crude",),
    capacity: Any = None,
    unit: str | None = None,
    cost: Any = None,
    cost_per_km: float | None = None,
    time_days: Any = None,
    speed_kmh: float | None = None,
    name: Any = None,
    keep: Sequence[str] = (),
    bidirectional: bool = True,
    node_prefix: str = "n",
    link_prefix: str = "l",
    country: str | Callable[[float, float], str] | None = None,
    strict: bool = False,
    **kwargs: Any,
) -> CorridorNetwork:
    """A network from lines whose ends (or vertices) become nodes.

    Parameters
    ----------
    lines : GeoDataFrame or GeoJSON FeatureCollection (mapping)
        LineStrings or MultiLineStrings (each part a link); converted to EPSG:4326.
    snap_tolerance_m : float, default 100
        Ends closer than this (metres, geodesic on the sphere) are one node. A line
        whose two ends become one node (a ring) is left out, with a log message.
    nodes_at : {"ends", "vertices"}
        ``"vertices"``: every vertex is a node and every segment a link.
    mode, commodities, capacity, unit, cost, time_days, name :
        A column name of ``lines`` (its value per line), a callable of the row, or a
        constant for every link. ``cost`` is per unit moved (a number for every
        commodity, or a mapping); ``capacity`` None means uncapacitated.
    cost_per_km : float, optional
        Cost = this times the link's length, when ``cost`` is not given.
    speed_kmh : float, optional
        ``time_days`` = length / speed / 24 when ``time_days`` is not given (default 1 day per 500 km, about 11 knots).
    keep : sequence of str
        Columns of ``lines`` copied onto the links as they are (e.g. ``"passage"``).
    bidirectional : bool, default True
    node_prefix, link_prefix : str
        Ids are ``<prefix><number>``, numbered in input order.
    country : str or callable (lon, lat) -> str, optional
        ISO 3166-1 alpha-3 of the nodes (empty when None: junctions at sea).
    strict : bool, default False
        Lines carry no sources: in strict mode every link's cost is a problem. When
        False, the column ``unsourced`` lists each link's figures given without one.
    **kwargs
        ``sources``, ``baseline``, ``supplies``, ``markets``, ``parameters`` as in
        :func:`~transcaspian.interop.frames.network_from_frames`.

    Returns
    -------
    CorridorNetwork

    Raises
    ------
    ValidationError
        Listing every bad value mapped onto the links or nodes (mode, commodities,
        capacity, unit, cost, time, country), each with the link id and the fix.
    InputError
        For bad options or input that holds no lines.

    Notes
    -----
    The frames are built column-wise and only the mapped values are checked (the
    geometry, ids and references are right by construction), so the maritime network
    of ``searoute`` (9,700 nodes and 15,900 links with ``nodes_at="vertices"``) loads
    in well under two seconds (benchmarks/interop.py).
    """
    if nodes_at not in ("ends", "vertices"):
        raise InputError(f"nodes_at must be 'ends' or 'vertices', not {nodes_at!r}")
    if snap_tolerance_m < 0 or not math.isfinite(snap_tolerance_m):
        raise InputError(f"snap_tolerance_m must be a distance >= 0 in metres, not {snap_tolerance_m!r}")
    frame, parts = _as_frame(lines)
    coords, rows = _pieces(parts, nodes_at)
    if not coords:
        raise InputError("network_from_lines: no line with two or more points")
    ends = np.vstack([np.vstack([c[0], c[-1]]) for c in coords])
    labels = snap_points(ends[:, 0], ends[:, 1], snap_tolerance_m)
    k = int(labels.max()) + 1
    node_xy = np.zeros((k, 2))
    seen = np.zeros(k, dtype=bool)
    for (x, y), lab in zip(ends, labels):  # a node sits at the first end snapped into it
        if not seen[lab]:
            node_xy[lab], seen[lab] = (x, y), True
    frm, to = labels[0::2], labels[1::2]
    loops = frm == to  # a closed ring, or a line shorter than the tolerance: no use for routing
    if loops.any():
        log.info("network_from_lines: %d line(s) start and end at the same node; left out", int(loops.sum()))
        keep_idx = np.flatnonzero(~loops)
        coords, rows, frm, to = [coords[i] for i in keep_idx], rows[keep_idx], frm[keep_idx], to[keep_idx]
    # the geodesic length of every line, all segments in one vectorised call
    seg_a = np.vstack([c[:-1] for c in coords])
    seg_b = np.vstack([c[1:] for c in coords])
    _, _, seg = _GEOD.inv(seg_a[:, 0], seg_a[:, 1], seg_b[:, 0], seg_b[:, 1])
    counts = np.array([len(c) - 1 for c in coords])
    length_km = np.add.reduceat(np.asarray(seg, dtype=float), np.r_[0, np.cumsum(counts)[:-1]]) / 1000.0
    problems: list[Problem] = []
    nodes = _node_frame(node_xy, node_prefix, country, problems)
    links = _link_frame(
        frame, rows, coords, frm, to, node_xy, length_km, problems, node_prefix=node_prefix, link_prefix=link_prefix,
        mode=mode, commodities=commodities, capacity=capacity, unit=unit, cost=cost, cost_per_km=cost_per_km,
        time_days=time_days, speed_kmh=speed_kmh, name=name, keep=keep, bidirectional=bidirectional,
    )
    if strict:
        problems += [Problem("lines", str(lid), "cost_sources", "cost cites no source", "give sources, or build with strict=False")
                     for lid in links.index]
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise ValidationError(errors)
    from .frames import _short_baseline

    baseline = kwargs.pop("baseline", None)
    supplies, markets = kwargs.pop("supplies", None), kwargs.pop("markets", None)
    base = dict(baseline) if baseline is not None else _short_baseline(supplies, markets)
    unknown = set(kwargs) - {"sources", "parameters", "events"}
    if unknown:
        raise InputError(f"network_from_lines: unknown option(s) {', '.join(sorted(unknown))}")
    log.info("network_from_lines: %d nodes, %d links", len(nodes), len(links))
    return CorridorNetwork(
        nodes=nodes, links=links, sources=dict(kwargs.get("sources") or {}), baseline=base,
        parameters=dict(kwargs.get("parameters") or {}), events=tuple(dict(e) for e in kwargs.get("events") or ()),
    )


def _frame(columns: dict[str, Any], ids: list[str], geometry: Any, defaults: Mapping[str, Any]) -> gpd.GeoDataFrame:
    """A network frame: the given columns, every other schema column at its default, then disabled/derate."""
    n = len(ids)
    data: dict[str, Any] = {}
    for col, default in defaults.items():
        if col in columns:
            data[col] = columns[col]
        elif callable(default):
            data[col] = [default() for _ in range(n)]
        else:
            data[col] = [default] * n
    data.update({c: v for c, v in columns.items() if c not in data})
    df = pd.DataFrame(data, index=pd.Index(ids, name="id"))
    for col in df.columns:
        if col in NUMERIC_FIELDS:
            df[col] = pd.to_numeric(df[col], errors="coerce").astype(float)
    gdf = gpd.GeoDataFrame(df, geometry=geometry, crs=CRS)
    gdf["disabled"] = False
    gdf["derate"] = 1.0
    return gdf


def _node_frame(node_xy: np.ndarray, prefix: str, country: Any, problems: list[Problem]) -> gpd.GeoDataFrame:
    import shapely

    from ..countries import is_country

    ids = [f"{prefix}{i}" for i in range(len(node_xy))]
    if callable(country):
        countries = [country(float(x), float(y)) for x, y in node_xy]
    else:
        countries = [country or ""] * len(ids)
    for nid, c in zip(ids, countries):
        if c and not is_country(c):
            problems.append(Problem("lines", nid, "country", f"country {c!r} is not an ISO 3166-1 alpha-3 code", "give the alpha-3 code, e.g. TUR"))
    cols = {"name": ids, "kind": ["junction"] * len(ids), "country": countries, "location": ["offshore"] * len(ids),
            "unsourced": [[] for _ in ids]}
    return _frame(cols, ids, shapely.points(node_xy), NODE_DEFAULTS)


def _check_link_values(lid: str, mode: Any, cs: list[Any], cap: Any, unit: Any, cost: Any, t: float, problems: list[Problem]) -> None:
    from ..units import capacity_factor

    add = lambda field, msg, fix: problems.append(Problem("lines", lid, field, msg, fix))  # noqa: E731
    if mode not in MODES:
        add("mode", f"mode {mode!r} unknown", f"use one of {', '.join(sorted(MODES))} (the mode= parameter or its column)")
    bad = [c for c in cs if c not in COMMODITIES]
    if bad or not cs:
        add("commodities", f"unknown commodities {bad}" if bad else "no commodities", f"use {', '.join(COMMODITIES)}")
    if cap is not None and not (isinstance(cap, int | float) and math.isfinite(cap) and cap >= 0):
        add("capacity", f"capacity {cap!r} is not a number >= 0", "give capacities in the unit= unit, or None for uncapacitated")
    if cap is not None and unit:
        for c in cs:
            if c in COMMODITIES:
                try:
                    capacity_factor(c, str(unit))
                except UnitError as exc:
                    add("unit", str(exc), "give a unit the commodity converts to")
    if not isinstance(cost, Mapping):
        add("cost", "no cost", "pass cost= (a column, a number or a mapping) or cost_per_km=")
    else:
        for c in cs:
            v = cost.get(c)
            if not (isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) and v >= 0):
                add("cost", f"no valid cost for {c} (got {v!r})", f"give cost.{c} >= 0 in the commodity's cost unit")
    if not (math.isfinite(t) and t >= 0):
        add("time_days", f"time_days {t!r} is not a duration >= 0", "pass time_days= or speed_kmh=")


def _link_frame(frame: pd.DataFrame, rows: np.ndarray, coords: list[np.ndarray], frm: np.ndarray, to: np.ndarray,
                node_xy: np.ndarray, length_km: np.ndarray, problems: list[Problem], *, node_prefix: str, link_prefix: str,
                **opts: Any) -> gpd.GeoDataFrame:
    import shapely

    modes = _values(frame, rows, opts["mode"], "tanker")
    comms = _values(frame, rows, opts["commodities"], ["crude"])
    caps = _values(frame, rows, opts["capacity"], None)
    units = _values(frame, rows, opts["unit"], None)
    costs = _values(frame, rows, opts["cost"], None)
    times = _values(frame, rows, opts["time_days"], None)
    names = _values(frame, rows, opts["name"], None)
    speed = opts["speed_kmh"] or 500.0 / 24.0
    ids = [f"{link_prefix}{j}" for j in range(len(coords))]
    cols: dict[str, list[Any]] = {k: [] for k in ("name", "commodities", "cost", "time_days", "unit", "unsourced")}
    for j, lid in enumerate(ids):
        cs = [comms[j]] if isinstance(comms[j], str) else list(comms[j] or [])
        cost = costs[j]
        if cost is None and opts["cost_per_km"] is not None:
            cost = opts["cost_per_km"] * float(length_km[j])
        if isinstance(cost, int | float) and not isinstance(cost, bool):
            cost = {x: float(cost) for x in cs}
        t = float(times[j]) if times[j] is not None else float(length_km[j]) / speed / 24.0
        _check_link_values(lid, modes[j], cs, caps[j], units[j], cost, t, problems)
        cols["name"].append(str(names[j]) if names[j] is not None else lid)
        cols["commodities"].append(cs)
        cols["cost"].append(dict(cost) if isinstance(cost, Mapping) else {})
        cols["time_days"].append(t)
        cols["unit"].append(units[j] if units[j] is not None else ("Mt/y" if caps[j] is not None else None))
        cols["unsourced"].append([f for f, v in (("capacity", caps[j]), ("cost", cost), ("time", t)) if v is not None])
    lines = [c.copy() for c in coords]
    for j, line in enumerate(lines):  # each line starts and ends exactly at its nodes
        line[0], line[-1] = node_xy[frm[j]], node_xy[to[j]]
    flat = np.vstack(lines)
    geometry = shapely.linestrings(flat, indices=np.repeat(np.arange(len(lines)), [len(c) for c in lines]))
    cols.update({
        "from_node": [f"{node_prefix}{i}" for i in frm], "to_node": [f"{node_prefix}{i}" for i in to], "mode": modes,
        "capacity": [np.nan if c is None else c for c in caps], "length_km": length_km.astype(float).tolist(),
        "bidirectional": [bool(opts["bidirectional"])] * len(ids),
    })
    for c in opts["keep"]:
        cols[c] = _values(frame, rows, c, None)
    order = {c: cols[c] for c in ("name", "from_node", "to_node", "mode", "commodities", "capacity", "unit", "cost", "time_days", "length_km", "bidirectional")}
    return _frame({**order, **cols}, ids, geometry, LINK_DEFAULTS)


@dataclasses.dataclass(frozen=True)
class Route:
    """A shortest route: its nodes, links and total weight."""

    nodes: list[str]
    links: list[str]
    weight: str
    total: float
    length_km: float


_CACHE: weakref.WeakKeyDictionary[CorridorNetwork, dict[str, Any]] = weakref.WeakKeyDictionary()


def _csr(net: CorridorNetwork, weight: str) -> Any:
    """The link graph as a CSR matrix (best parallel link per ordered pair), kept per network and weight."""
    from scipy.sparse import csr_matrix

    per = _CACHE.setdefault(net, {})
    if weight in per:
        return per[weight]
    links = net.links
    ids = {nid: i for i, nid in enumerate(net.nodes.index)}
    u = links["from_node"].map(ids).to_numpy()
    v = links["to_node"].map(ids).to_numpy()
    if weight == "cost":
        raise InputError("shortest_route: weight 'cost' is per commodity; use tc.find_routes, or length_km / time_days")
    w = links[weight].to_numpy(dtype=float)
    lid = np.arange(len(links))
    ok = ~links["disabled"].to_numpy(dtype=bool)
    bidir = links["bidirectional"].to_numpy(dtype=bool) & ok
    uu, vv = np.r_[u[ok], v[bidir]], np.r_[v[ok], u[bidir]]
    ww, ll = np.r_[w[ok], w[bidir]], np.r_[lid[ok], lid[bidir]]
    order = np.lexsort((ww, vv, uu))  # per (u, v) the lightest first
    uu, vv, ww, ll = uu[order], vv[order], ww[order], ll[order]
    first = np.r_[True, (uu[1:] != uu[:-1]) | (vv[1:] != vv[:-1])]
    uu, vv, ww, ll = uu[first], vv[first], ww[first], ll[first]
    n = len(ids)
    # a zero weight would vanish from a sparse matrix: store a tiny one instead
    mat = csr_matrix((np.maximum(ww, 1e-12), (uu, vv)), shape=(n, n))
    link_of = {(int(a), int(b)): int(x) for a, b, x in zip(uu, vv, ll)}
    per[weight] = (mat, ids, list(net.nodes.index), link_of)
    return per[weight]


def shortest_route(net: CorridorNetwork, origin: str, destination: str, *, weight: str = "length_km") -> Route:
    """The lightest route between two nodes by ``weight`` (``length_km`` or ``time_days``), ignoring disabled links.

    The first query on a network builds its sparse graph (kept while the network lives);
    later ones run Dijkstra (:func:`scipy.sparse.csgraph.dijkstra`) from ``origin`` only.

    Raises
    ------
    UnknownElementError
        For an unknown node.
    InputError
        If no route exists, or for another weight.
    """
    from scipy.sparse.csgraph import dijkstra

    if weight not in ("length_km", "time_days", "cost"):
        raise InputError(f"shortest_route: weight must be length_km or time_days, not {weight!r}")
    mat, ids, names, link_of = _csr(net, weight)
    s, t = ids[net.resolve(origin, kind="node")], ids[net.resolve(destination, kind="node")]
    dist, pred = dijkstra(mat, directed=True, indices=s, return_predecessors=True)
    if not np.isfinite(dist[t]):
        raise InputError(f"no route from {origin!r} to {destination!r} over usable links")
    path = [t]
    while path[-1] != s:
        path.append(int(pred[path[-1]]))
    path.reverse()
    links = [str(net.links.index[link_of[(a, b)]]) for a, b in zip(path, path[1:])]
    length = float(net.links.loc[links, "length_km"].sum()) if links else 0.0
    return Route([names[i] for i in path], links, weight, float(dist[t]), length)


