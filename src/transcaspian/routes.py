"""The k best routes between two places, by cost, time or distance.

Examples
--------
>>> import transcaspian as tc
>>> net = tc.load_network("tests/fixtures/mini")
>>> [r.path for r in tc.find_routes(net, "Field A", "europe", commodity="crude", k=2)]
[('field_a', 'hub', 'terminal', 'europe'), ('field_a', 'hub', 'port_w', 'europe')]
"""

from __future__ import annotations

import dataclasses
import heapq
import itertools
import logging
import math
import weakref
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .countries import check_countries
from .elements import (
    crosses_countries,
    effective_capacities,
    effective_capacity,
    factor,
    link_cost,
    node_capacity_commodities,
    usable_links,
    usable_nodes,
)
from .errors import InputError
from .guards import check_routes
from .network import CorridorNetwork
from .units import CANONICAL_UNITS, check_commodity, cost_unit

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["Route", "find_routes", "routes_frame", "WEIGHTS"]

log = logging.getLogger(__name__)

#: Weight names and the link attribute each one sums.
WEIGHTS = {"cost": "cost", "time": "time_days", "time_days": "time_days", "distance": "length_km", "length_km": "length_km"}
_TIE = 9  # decimals: totals equal to 1e-9 are ties, broken by hops then path


@dataclasses.dataclass(frozen=True)
class Route:
    """A simple path through the network for one commodity.

    Attributes
    ----------
    commodity : str
    path : tuple of str
        Node ids, origin first.
    links : tuple of str
        Link ids, in travel order.
    modes : tuple of str
        Mode of each link.
    countries : tuple of str
        Countries crossed (of the path's nodes), in order, without repeats.
    cost : float
        Sum of link costs, in the commodity's cost unit (e.g. USD/t).
    time_days : float
    distance_km : float
    bottleneck : float
        Smallest effective capacity along the path (links and node throughputs), in
        the commodity's canonical unit; ``inf`` if nothing on it is capacitated.
    weight : str
        What the route was ranked by.
    passages : tuple of str
        Named straits and canals the route's links cross (their ``passages``), in
        travel order, without repeats; a scenario's ``close_passages`` closes them.
    """

    commodity: str
    path: tuple[str, ...]
    links: tuple[str, ...]
    modes: tuple[str, ...]
    countries: tuple[str, ...]
    cost: float
    time_days: float
    distance_km: float
    bottleneck: float
    weight: str = "cost"
    passages: tuple[str, ...] = ()

    @property
    def unit(self) -> str:
        """Canonical unit of the bottleneck (e.g. Mt/y)."""
        return CANONICAL_UNITS[self.commodity]

    @property
    def cost_unit(self) -> str:
        """Unit of :attr:`cost` (e.g. USD/t)."""
        return cost_unit(self.commodity)

    @property
    def total(self) -> float:
        """The ranked total (cost, time or distance)."""
        return {"cost": self.cost, "time_days": self.time_days, "length_km": self.distance_km}[WEIGHTS[self.weight]]

    def to_dict(self) -> dict[str, Any]:
        """Plain data (tuples as lists) for JSON."""
        d = dataclasses.asdict(self)
        return {k: list(v) if isinstance(v, tuple) else v for k, v in d.items()}

    def __str__(self) -> str:
        cap = "uncapacitated" if math.isinf(self.bottleneck) else f"{self.bottleneck:.4g} {self.unit}"
        return (
            f"{' -> '.join(self.path)}: {self.cost:.4g} {self.cost_unit}, {self.time_days:.4g} days, "
            f"{self.distance_km:,.0f} km, bottleneck {cap}"
        )


def _resolve_all(net: CorridorNetwork, keys: Iterable[str]) -> set[str]:
    return {net.resolve(str(k), kind="node") for k in keys}


@dataclasses.dataclass(frozen=True, eq=False)
class _Arcs:
    """Every usable arc of one commodity and weight, best first within each node pair (cached per network).

    Nodes are positions in ``ids``; ``rank`` orders them as their ids sort, so tuples
    of ranks compare as tuples of ids. An arc is one direction of a link with
    capacity left and a known weight, between two nodes that carry the commodity;
    the arcs of one (tail, head) pair are sorted by (weight, link id), so the first
    one left after masking is the pair's best parallel link.
    """

    ids: list[str]
    rank: list[int]
    node_ok: np.ndarray  # usable for the commodity (before avoid_nodes / avoid_countries)
    node_cap: list[float]  # canonical unit; inf if uncapacitated
    country: list[Any]
    tail: np.ndarray
    head: np.ndarray
    link: np.ndarray  # position in net.links
    weight: np.ndarray
    cost: np.ndarray
    time_days: np.ndarray
    length_km: np.ndarray
    capacity: np.ndarray  # canonical unit
    link_ids: list[str]
    modes: list[str]
    unweighted: np.ndarray  # positions in net.links of usable links without the weight (left out)
    passages: list[Any]  # per link of net.links, its ``passages``
    pos: dict[Any, int]  # node id -> position


#: Route arcs per network by (commodity, weight attribute), and the last few query graphs;
#: a network is never changed in place, so neither goes stale.
_ARCS: weakref.WeakKeyDictionary[CorridorNetwork, dict[tuple[str, str], _Arcs]] = weakref.WeakKeyDictionary()
_GRAPHS: weakref.WeakKeyDictionary[CorridorNetwork, dict[tuple[Any, ...], _Graph]] = weakref.WeakKeyDictionary()
_GRAPHS_KEPT = 8


def _arcs(net: CorridorNetwork, commodity: str, attr: str) -> _Arcs:
    per_net = _ARCS.setdefault(net, {})
    hit = per_net.get((commodity, attr))
    if hit is None:
        hit = per_net[(commodity, attr)] = _build_arcs(net, commodity, attr)
    return hit


def _build_arcs(net: CorridorNetwork, commodity: str, attr: str) -> _Arcs:
    """The arcs of :class:`_Arcs` from the frames' columns (the link rules of :func:`route_graph`)."""
    nodes, links = net.nodes, net.links
    ids = nodes.index.tolist()
    order = sorted(range(len(ids)), key=ids.__getitem__)
    rank = [0] * len(ids)
    for r, i in enumerate(order):
        rank[i] = r
    pos = {nid: i for i, nid in enumerate(ids)}
    node_ok = usable_nodes(nodes).to_numpy(dtype=bool).copy()
    node_cap = [math.inf] * len(ids)
    cols = [c for c in ("disabled", "capacity", "derate", "unit", "capacity_commodities") if c in nodes.columns]
    for i, values in enumerate(zip(*(nodes[c].tolist() for c in cols), strict=True)):
        if not node_ok[i]:
            continue
        row = dict(zip(cols, values, strict=True))
        cap = effective_capacity(row)
        if math.isfinite(cap) and commodity in node_capacity_commodities(row, [commodity]):
            node_cap[i] = cap / factor(commodity, row["unit"])
            if node_cap[i] <= 0:
                node_ok[i] = False
    country = nodes["country"].tolist() if "country" in nodes.columns else [None] * len(ids)

    usable = usable_links(net, commodity).to_numpy(dtype=bool)
    lcap = effective_capacities(links)
    units = links["unit"].tolist() if "unit" in links.columns else [None] * len(links)
    factors: dict[Any, float] = {}
    for j in np.flatnonzero(usable & np.isfinite(lcap)):
        u = units[j]
        key = u if isinstance(u, str) or u is None else repr(u)
        if key not in factors:
            factors[key] = factor(commodity, u)
        lcap[j] = lcap[j] / factors[key]
    costs = np.array([link_cost({"cost": v}, commodity) for v in links["cost"].tolist()], dtype=float) \
        if "cost" in links.columns else np.full(len(links), np.nan)
    columns = {
        "cost": costs,
        "time_days": links["time_days"].to_numpy(dtype=float),
        "length_km": links["length_km"].to_numpy(dtype=float),
    }
    weight = columns[attr]
    keep = usable & (lcap > 0)
    link_ids = links.index.tolist()
    unweighted = np.flatnonzero(keep & np.isnan(weight))
    keep &= ~np.isnan(weight)
    frm = np.array([pos.get(n, -1) for n in links["from_node"].tolist()], dtype=np.int64)
    to = np.array([pos.get(n, -1) for n in links["to_node"].tolist()], dtype=np.int64)
    both = links["bidirectional"].to_numpy().astype(bool)
    fwd = np.flatnonzero(keep & (frm >= 0) & (to >= 0))
    bwd = fwd[both[fwd]]
    tail = np.concatenate([frm[fwd], to[bwd]])
    head = np.concatenate([to[fwd], frm[bwd]])
    link = np.concatenate([fwd, bwd])
    # within a (tail, head) pair: by weight, then link id (a tie of ids: the forward arc first)
    lid_rank = np.empty(len(links), dtype=np.int64)
    lid_rank[sorted(range(len(links)), key=link_ids.__getitem__)] = np.arange(len(links))
    order_arcs = np.lexsort((lid_rank[link], weight[link], head, tail))
    tail, head, link = tail[order_arcs], head[order_arcs], link[order_arcs]
    return _Arcs(
        ids=ids, rank=rank, node_ok=node_ok, node_cap=node_cap, country=country,
        tail=tail, head=head, link=link, weight=weight[link], cost=costs[link],
        time_days=columns["time_days"][link], length_km=columns["length_km"][link], capacity=lcap[link],
        link_ids=link_ids, modes=[str(m) for m in links["mode"].tolist()], unweighted=unweighted,
        passages=links["passages"].tolist() if "passages" in links.columns else [None] * len(links), pos=pos,
    )


@dataclasses.dataclass(frozen=True, eq=False)
class _Graph:
    """The arcs usable in one query (avoids applied), best parallel link per pair, as adjacency lists."""

    arcs: _Arcs
    nodes: np.ndarray  # bool per node: in the graph
    sel: np.ndarray  # positions in ``arcs`` of the chosen arc of each pair
    out: list[list[tuple[int, float, int]]]  # node -> (head, weight, arc) in head order
    into: list[list[tuple[int, float]]]  # node -> (tail, weight)
    potentials: dict[int, list[float]] = dataclasses.field(default_factory=dict)  # by destination (the last few)


def _graph(net: CorridorNetwork, commodity: str, weight: str, avoid_nodes: Iterable[str], avoid_countries: Iterable[str]) -> _Graph:
    check_commodity(commodity)
    attr = WEIGHTS[weight]
    banned = _resolve_all(net, avoid_nodes)
    try:
        countries = set(check_countries(avoid_countries))
    except ValueError as exc:
        raise InputError(f"avoid_countries: {exc}") from None
    A = _arcs(net, commodity, attr)
    crossing = crosses_countries(net.links, countries) if countries else np.zeros(len(A.link_ids), dtype=bool)
    for j in A.unweighted.tolist():
        if not crossing[j]:
            log.warning("link %s has no %s for %s; left out of routes", A.link_ids[j], attr, commodity)
    per_net = _GRAPHS.setdefault(net, {})
    key = (commodity, attr, frozenset(banned), frozenset(countries))
    hit = per_net.get(key)
    if hit is None:
        hit = _query_graph(A, banned, countries, crossing)
        if len(per_net) >= _GRAPHS_KEPT:
            per_net.pop(next(iter(per_net)))
        per_net[key] = hit
    return hit


def _query_graph(A: _Arcs, banned: set[str], countries: set[str], crossing: np.ndarray) -> _Graph:
    ok = A.node_ok.copy()
    if banned or countries:
        for i, (nid, c) in enumerate(zip(A.ids, A.country, strict=True)):
            if nid in banned or c in countries:
                ok[i] = False
    mask = ok[A.tail] & ok[A.head] & ~crossing[A.link]
    idx = np.flatnonzero(mask)
    if len(idx):  # the first arc of each pair left is its best
        first = np.ones(len(idx), dtype=bool)
        first[1:] = (A.tail[idx[1:]] != A.tail[idx[:-1]]) | (A.head[idx[1:]] != A.head[idx[:-1]])
        idx = idx[first]
    out: list[list[tuple[int, float, int]]] = [[] for _ in A.ids]
    into: list[list[tuple[int, float]]] = [[] for _ in A.ids]
    for a, u, v, w in zip(idx.tolist(), A.tail[idx].tolist(), A.head[idx].tolist(), A.weight[idx].tolist(), strict=True):
        out[u].append((v, w, a))
        into[v].append((u, w))
    return _Graph(A, ok, idx, out, into)


def route_graph(
    net: CorridorNetwork, commodity: str, *, weight: str = "cost", avoid_nodes: Iterable[str] = (), avoid_countries: Iterable[str] = ()
) -> nx.DiGraph:
    """Simple DiGraph of the usable links for ``commodity``, best parallel link per pair.

    Edge attributes: ``link``, ``weight`` (the ranked value), ``cost``, ``time_days``,
    ``length_km``, ``mode``, ``capacity`` (canonical unit). Links with no effective
    capacity, and nodes with none for the commodity, are left out. Node attributes:
    ``capacity`` (canonical unit, ``inf`` if uncapacitated) and ``country``.

    Examples
    --------
    >>> import transcaspian as tc
    >>> G = route_graph(tc.load_network("tests/fixtures/mini"), "crude")
    >>> G.edges["field_a", "hub"]["link"], G.nodes["terminal"]["capacity"]
    ('a_hub', 30.0)
    """
    import networkx as nx  # noqa: PLC0415 (find_routes itself needs no networkx)

    g = _graph(net, commodity, weight, avoid_nodes, avoid_countries)
    A = g.arcs
    G = nx.DiGraph()
    for i in np.flatnonzero(g.nodes).tolist():
        G.add_node(A.ids[i], capacity=A.node_cap[i], country=A.country[i])
    for a in g.sel.tolist():
        G.add_edge(A.ids[int(A.tail[a])], A.ids[int(A.head[a])], **_edge(A, a))
    return G


def _edge(A: _Arcs, a: int) -> dict[str, Any]:
    return {
        "link": A.link_ids[int(A.link[a])],
        "cost": float(A.cost[a]),
        "time_days": float(A.time_days[a]),
        "length_km": float(A.length_km[a]),
        "mode": A.modes[int(A.link[a])],
        "capacity": float(A.capacity[a]),
        "weight": float(A.weight[a]),
    }


def find_routes(
    net: CorridorNetwork,
    origin: str,
    destination: str,
    *,
    commodity: str,
    k: int = 3,
    weight: str = "cost",
    avoid_nodes: Iterable[str] = (),
    avoid_countries: Iterable[str] = (),
) -> list[Route]:
    """The ``k`` best simple paths from ``origin`` to ``destination``.

    Only usable links that carry ``commodity`` count: not disabled, status
    operating or disrupted (planned links only once a scenario switches them on),
    with capacity left after derating; bidirectional links both ways. Between two
    nodes only the best parallel link (by ``weight``, then id) is considered.

    Parameters
    ----------
    net : CorridorNetwork
        Apply a scenario first (``sc.apply(net)``) to route on a changed network.
    origin, destination : str
        Node ids or aliases.
    commodity : str
    k : int, default 3
    weight : {"cost", "time", "distance"}
        Rank by the sum of link costs (commodity's cost unit), transit days or km.
    avoid_nodes : iterable of str
        Ids or aliases of nodes the path must not touch.
    avoid_countries : iterable of str
        ISO3 codes: no node of the path may lie there.

    Returns
    -------
    list of Route
        Best first; ties (equal to 1e-9) go to fewer links, then the path's ids.
        Empty when no path exists.

    Raises
    ------
    UnknownElementError
        An unknown origin, destination or avoided node (close matches listed).
    InputError
        A country in ``avoid_countries`` that is not an ISO 3166-1 alpha-3 code (the
        message suggests the code meant: ``RU`` -> ``RUS``).
    ValueError
        Unknown ``weight`` or ``k`` < 1.

    Notes
    -----
    Yen's algorithm on the route arcs of the network (built from its columns once
    per commodity and weight, and cached with the network). Each spur path is an A*
    search guided by the exact distances to the destination, and a tie is broken
    inside the search (fewer links, then the smaller ids), so ties cost nothing:
    the ``k`` paths are the first ``k`` of the order above, never picked from a
    longer list.

    Examples
    --------
    >>> import transcaspian as tc
    >>> net = tc.load_network("tests/fixtures/mini")
    >>> r = tc.find_routes(net, "field_a", "china", commodity="crude", k=1, weight="time")[0]
    >>> r.links, r.time_days, r.bottleneck
    (('a_hub', 'hub_gate', 'gate_china'), 15.0, 6.0)
    """
    check_routes(net, origin, destination, k)
    if weight not in WEIGHTS:
        raise InputError(f"weight must be one of cost, time, distance; not {weight!r}")
    if int(k) < 1:
        raise InputError(f"k must be at least 1, not {k}")
    src_id = net.resolve(str(origin), kind="node")
    dst_id = net.resolve(str(destination), kind="node")
    g = _graph(net, commodity, weight, avoid_nodes, avoid_countries)
    src, dst = g.arcs.pos[src_id], g.arcs.pos[dst_id]
    if not (g.nodes[src] and g.nodes[dst]):
        return []
    paths = [[src]] if src == dst else _k_best(g, src, dst, int(k))
    return [_route(g, commodity, p, weight) for p in paths]


def _key(d: float, h: int) -> tuple[float, int]:
    return (round(d, _TIE), h)


def _potential(g: _Graph, dst: int) -> list[float]:
    """Exact distance from every node to ``dst`` (``inf`` if it cannot get there): the A* guide."""
    dist = [math.inf] * len(g.out)
    dist[dst] = 0.0
    heap = [(0.0, dst)]
    done = [False] * len(g.out)
    while heap:
        d, v = heapq.heappop(heap)
        if done[v]:
            continue
        done[v] = True
        for u, w in g.into[v]:
            nd = d + w
            if nd < dist[u]:
                dist[u] = nd
                heapq.heappush(heap, (nd, u))
    return dist


def _spur(g: _Graph, s: int, t: int, pot: list[float], blocked: set[int], cut: set[int]) -> list[int] | None:
    """The best path from ``s`` to ``t`` by (length, links, ids), not through ``blocked``, not out of ``s`` to ``cut``.

    A* with the exact distances ``pot`` (a lower bound once nodes are blocked). Every
    predecessor that ties a node's best (length, links) is kept, and the path is then
    read forward from ``s`` taking the smallest id at each step among the tied
    successors that still lead to ``t``: the smallest sequence of ids of them all.
    """
    if math.isinf(pot[s]):
        return None
    label: dict[int, tuple[float, int]] = {s: (0.0, 0)}
    best: dict[int, tuple[float, int]] = {s: _key(0.0, 0)}
    preds: dict[int, list[int]] = {s: []}
    done: set[int] = set()
    heap = [(_key(pot[s], 0), s)]
    out = g.out
    while heap:
        _, u = heapq.heappop(heap)
        if u in done:
            continue
        done.add(u)
        if u == t:
            break
        du, hu = label[u]
        for v, w, _ in out[u]:
            if v in blocked or v in done or (u == s and v in cut) or math.isinf(pot[v]):
                continue
            dv = du + w
            kv = _key(dv, hu + 1)
            old = best.get(v)
            if old is None or kv < old:
                label[v], best[v], preds[v] = (dv, hu + 1), kv, [u]
                heapq.heappush(heap, (_key(dv + pot[v], hu + 1), v))
            elif kv == old:
                preds[v].append(u)
    if t not in done:
        return None
    # the nodes on tied best paths to t, then the smallest sequence of ids among them
    on: set[int] = {t}
    stack = [t]
    succ: dict[int, list[int]] = {}
    while stack:
        v = stack.pop()
        for u in preds[v]:
            succ.setdefault(u, []).append(v)
            if u not in on:
                on.add(u)
                stack.append(u)
    path = [s]
    rank = g.arcs.rank
    while path[-1] != t:
        path.append(min(succ[path[-1]], key=rank.__getitem__))
    return path


def _weight(g: _Graph, u: int, v: int) -> float:
    for x, w, _ in g.out[u]:
        if x == v:
            return w
    raise KeyError((u, v))  # pragma: no cover - a path uses arcs of the graph only


def _k_best(g: _Graph, src: int, dst: int, k: int) -> list[list[int]]:
    """Yen's k shortest simple paths, ordered by (total to 1e-9, links, ids)."""
    pot = g.potentials.get(dst)
    if pot is None:
        if len(g.potentials) >= _GRAPHS_KEPT:
            g.potentials.pop(next(iter(g.potentials)))
        pot = g.potentials[dst] = _potential(g, dst)
    first = _spur(g, src, dst, pot, set(), set())
    if first is None:
        return []
    rank = g.arcs.rank

    def key(path: list[int]) -> tuple[float, int, list[int]]:
        return (round(sum(_weight(g, u, v) for u, v in itertools.pairwise(path)), _TIE), len(path), [rank[n] for n in path])

    found = [first]
    seen = {tuple(first)}
    heap: list[tuple[tuple[float, int, list[int]], list[int]]] = []
    while len(found) < k:
        prev = found[-1]
        for i in range(len(prev) - 1):
            root = prev[: i + 1]
            cut = {p[i + 1] for p in found if len(p) > i + 1 and p[: i + 1] == root}
            spur = _spur(g, prev[i], dst, pot, set(root[:-1]), cut)
            if spur is None:
                continue
            path = root[:-1] + spur
            if tuple(path) not in seen:
                seen.add(tuple(path))
                heapq.heappush(heap, (key(path), path))
        if not heap:
            break
        found.append(heapq.heappop(heap)[1])
    return found


def _route(g: _Graph, commodity: str, path: list[int], weight: str) -> Route:
    A = g.arcs
    arcs = []
    for u, v in itertools.pairwise(path):
        arcs.append(next(a for x, _, a in g.out[u] if x == v))
    edges = [_edge(A, a) for a in arcs]
    caps = [e["capacity"] for e in edges] + [A.node_cap[n] for n in path]
    return Route(
        commodity=commodity,
        path=tuple(A.ids[n] for n in path),
        links=tuple(e["link"] for e in edges),
        modes=tuple(e["mode"] for e in edges),
        countries=tuple(dict.fromkeys(A.country[n] for n in path)),
        cost=float(sum(e["cost"] for e in edges)),
        time_days=float(sum(e["time_days"] for e in edges)),
        distance_km=float(sum(e["length_km"] for e in edges)),
        bottleneck=float(min(caps)) if caps else math.inf,
        weight=weight,
        passages=tuple(dict.fromkeys(p for a in arcs for p in (A.passages[int(A.link[a])] or []))),
    )


def link_passages(net: CorridorNetwork, links: Iterable[str]) -> tuple[str, ...]:
    """Named passages the links cross, in travel order, without repeats.

    Examples
    --------
    >>> import transcaspian as tc
    >>> link_passages(tc.load_network(), ["cpc_terminal_bosporus", "bosporus_europe"])
    ('bosporus', 'dardanelles')
    """
    if "passages" not in net.links:
        return ()
    col = net.links["passages"]
    return tuple(dict.fromkeys(p for lid in links for p in (col.get(lid) or [])))


def routes_frame(routes: Iterable[Route]) -> pd.DataFrame:
    """Routes as a table (one row per route, rank from 1).

    Examples
    --------
    >>> import transcaspian as tc
    >>> net = tc.load_network("tests/fixtures/mini")
    >>> routes_frame(tc.find_routes(net, "field_b", "europe", commodity="crude"))["cost"].tolist()
    [38.5, 55.5]
    """
    rows = []
    for i, r in enumerate(routes, 1):
        rows.append(
            {
                "rank": i,
                "path": " > ".join(r.path),
                "links": ", ".join(r.links),
                "modes": ", ".join(dict.fromkeys(r.modes)),
                "countries": ", ".join(r.countries),
                "cost": r.cost,
                "cost_unit": r.cost_unit,
                "time_days": r.time_days,
                "distance_km": r.distance_km,
                "bottleneck": r.bottleneck,
                "unit": r.unit,
            }
        )
    cols = ["rank", "path", "links", "modes", "countries", "cost", "cost_unit", "time_days", "distance_km", "bottleneck", "unit"]
    return pd.DataFrame(rows, columns=cols)
