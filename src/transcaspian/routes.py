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
import itertools
import logging
import math
from collections.abc import Iterable
from typing import Any

import networkx as nx
import pandas as pd

from .countries import check_countries
from .elements import (
    crosses_countries,
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


def route_graph(
    net: CorridorNetwork, commodity: str, *, weight: str = "cost", avoid_nodes: Iterable[str] = (), avoid_countries: Iterable[str] = ()
) -> nx.DiGraph:
    """Simple DiGraph of the usable links for ``commodity``, best parallel link per pair.

    Edge attributes: ``link``, ``weight`` (the ranked value), ``cost``, ``time_days``,
    ``length_km``, ``mode``, ``capacity`` (canonical unit). Links with no effective
    capacity, and nodes with none for the commodity, are left out.
    """
    check_commodity(commodity)
    attr = WEIGHTS[weight]
    nodes, links = net.nodes, net.links
    ok = usable_nodes(nodes)
    banned = _resolve_all(net, avoid_nodes)
    try:
        countries = set(check_countries(avoid_countries))
    except ValueError as exc:
        raise InputError(f"avoid_countries: {exc}") from None
    node_cap: dict[str, float] = {}
    G = nx.DiGraph()
    for nid, row in nodes.iterrows():
        if not ok[nid] or nid in banned or row["country"] in countries:
            continue
        cap = effective_capacity(row)
        if math.isfinite(cap) and commodity in node_capacity_commodities(row, [commodity]):
            node_cap[nid] = cap / factor(commodity, row["unit"])
            if node_cap[nid] <= 0:
                continue
        G.add_node(nid, capacity=node_cap.get(nid, math.inf), country=row["country"])
    mask = usable_links(net, commodity) & ~crosses_countries(links, countries)
    for lid, row in links[mask].iterrows():
        cap = effective_capacity(row)
        cap = cap if math.isinf(cap) else cap / factor(commodity, row["unit"])
        if cap <= 0:
            continue
        data = {
            "link": lid,
            "cost": link_cost(row, commodity),
            "time_days": float(row["time_days"]),
            "length_km": float(row["length_km"]),
            "mode": str(row["mode"]),
            "capacity": cap,
        }
        w = data[attr]
        if w is None or math.isnan(w):
            log.warning("link %s has no %s for %s; left out of routes", lid, attr, commodity)
            continue
        data["weight"] = w
        ends = [(row["from_node"], row["to_node"])]
        if bool(row["bidirectional"]):
            ends.append((row["to_node"], row["from_node"]))
        for u, v in ends:
            if u not in G or v not in G:
                continue
            old = G.get_edge_data(u, v)
            if old is None or (w, lid) < (old["weight"], old["link"]):
                G.add_edge(u, v, **data)
    return G


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
        raise ValueError(f"weight must be one of cost, time, distance; not {weight!r}")
    if int(k) < 1:
        raise ValueError(f"k must be at least 1, not {k}")
    src = net.resolve(str(origin), kind="node")
    dst = net.resolve(str(destination), kind="node")
    G = route_graph(net, commodity, weight=weight, avoid_nodes=avoid_nodes, avoid_countries=avoid_countries)
    if src not in G or dst not in G:
        return []
    if src == dst:
        return [_route(G, net, commodity, [src], weight)]
    try:
        gen = nx.shortest_simple_paths(G, src, dst, weight="weight")
        found: list[tuple[tuple[float, int, tuple[str, ...]], list[str]]] = []
        for path in itertools.islice(gen, int(k) + 200):
            total = round(sum(G.edges[u, v]["weight"] for u, v in itertools.pairwise(path)), _TIE)
            if len(found) >= k and total > found[k - 1][0][0]:
                break
            found.append(((total, len(path), tuple(path)), path))
            found.sort(key=lambda t: t[0])
    except nx.NetworkXNoPath:
        return []
    return [_route(G, net, commodity, p, weight) for _, p in found[: int(k)]]


def _route(G: nx.DiGraph, net: CorridorNetwork, commodity: str, path: list[str], weight: str) -> Route:
    edges = [G.edges[u, v] for u, v in itertools.pairwise(path)]
    caps = [e["capacity"] for e in edges] + [G.nodes[n]["capacity"] for n in path]
    return Route(
        commodity=commodity,
        path=tuple(path),
        links=tuple(e["link"] for e in edges),
        modes=tuple(e["mode"] for e in edges),
        countries=tuple(dict.fromkeys(G.nodes[n]["country"] for n in path)),
        cost=float(sum(e["cost"] for e in edges)),
        time_days=float(sum(e["time_days"] for e in edges)),
        distance_km=float(sum(e["length_km"] for e in edges)),
        bottleneck=float(min(caps)) if caps else math.inf,
        weight=weight,
        passages=link_passages(net, [e["link"] for e in edges]),
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
