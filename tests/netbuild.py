"""Build small CorridorNetworks from Python lists, for solver tests.

>>> net = build_network(
...     nodes=[{"id": "a"}, {"id": "b"}],
...     links=[{"id": "ab", "from": "a", "to": "b", "capacity": 5, "cost": 2}],
...     supplies={"crude": {"a": 3}}, markets={"crude": ["b"]})
>>> len(net.links)
1
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import networkx as nx
from hypothesis import strategies as st

from transcaspian.loader import LINK_DEFAULTS, NODE_DEFAULTS, frame_from_features
from transcaspian.network import CorridorNetwork
from transcaspian.units import CANONICAL_UNITS


def _pos(i: int, n: int) -> tuple[float, float]:
    ang = 2 * math.pi * i / max(n, 1)
    return (50.0 + 5 * math.cos(ang), 45.0 + 5 * math.sin(ang))


def build_network(
    nodes: Iterable[Mapping[str, Any]],
    links: Iterable[Mapping[str, Any]],
    *,
    supplies: Mapping[str, Mapping[str, Any]] | None = None,
    markets: Mapping[str, Any] | None = None,
    contracts: Iterable[Mapping[str, Any]] = (),
    parameters: Mapping[str, Any] | None = None,
) -> CorridorNetwork:
    """A network from node and link dicts.

    Nodes: ``id`` plus optional ``country`` (KAZ), ``kind`` (junction), ``capacity``,
    ``unit`` (Mt/y), ``capacity_commodities``, ``status``, ``xy``.
    Links: ``id``, ``from``, ``to`` plus optional ``capacity`` (None = uncapacitated),
    ``unit``, ``cost`` (number -> every commodity, or dict), ``time_days``,
    ``length_km``, ``commodities`` (["crude"]), ``bidirectional``, ``mode``, ``status``.
    Supplies: ``{commodity: {origin: value | {value, markets}}}``; markets:
    ``{commodity: [ids] | {id: cap}}``.
    """
    nodes = list(nodes)
    pos = {}
    feats = []
    for i, n in enumerate(nodes):
        xy = n.get("xy") or _pos(i, len(nodes))
        pos[n["id"]] = xy
        props = {
            "id": n["id"], "name": n.get("name", n["id"].replace("_", " ").title()), "kind": n.get("kind", "junction"),
            "country": n.get("country", "KAZ"), "aliases": list(n.get("aliases", [])), "status": n.get("status", "operating"),
        }
        if n.get("capacity") is not None:
            props.update(capacity=float(n["capacity"]), unit=n.get("unit", "Mt/y"))
            if n.get("capacity_commodities"):
                props["capacity_commodities"] = list(n["capacity_commodities"])
        feats.append({"type": "Feature", "id": n["id"], "properties": props,
                      "geometry": {"type": "Point", "coordinates": list(xy)}})
    node_frame = frame_from_features(feats, NODE_DEFAULTS)
    lfeats = []
    for ln in links:
        comms = list(ln.get("commodities", ["crude"]))
        cost = ln.get("cost", 1.0)
        cost = dict(cost) if isinstance(cost, Mapping) else {c: float(cost) for c in comms}
        cap = ln.get("capacity")
        props = {
            "id": ln["id"], "name": ln.get("name", ln["id"]), "from_node": ln["from"], "to_node": ln["to"],
            "mode": ln.get("mode", "pipeline"), "commodities": comms,
            "capacity": None if cap is None else float(cap),
            "unit": ln.get("unit", CANONICAL_UNITS[comms[0]]) if cap is not None else None,
            "cost": cost, "time_days": float(ln.get("time_days", 1.0)), "length_km": float(ln.get("length_km", 100.0)),
            "status": ln.get("status", "operating"), "bidirectional": bool(ln.get("bidirectional", False)),
        }
        coords = [list(pos[ln["from"]]), list(pos[ln["to"]])]
        lfeats.append({"type": "Feature", "id": ln["id"], "properties": props,
                       "geometry": {"type": "LineString", "coordinates": coords}})
    link_frame = frame_from_features(lfeats, LINK_DEFAULTS) if lfeats else frame_from_features(
        [{"type": "Feature", "id": "_", "properties": {"id": "_", "from_node": "", "to_node": ""},
          "geometry": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}}], LINK_DEFAULTS).iloc[:0]
    baseline: dict[str, Any] = {"year": 2025, "supplies": {}, "markets": {}, "contracts": list(contracts)}
    for c, per in (supplies or {}).items():
        entries = []
        for origin, v in per.items():
            e = {"origin": origin, "unit": CANONICAL_UNITS[c]}
            if isinstance(v, Mapping):
                e.update(v)
            else:
                e["value"] = float(v)
            entries.append(e)
        baseline["supplies"][c] = entries
    for c, ms in (markets or {}).items():
        if isinstance(ms, Mapping):
            baseline["markets"][c] = [{"node": m, "cap": cap} if cap is not None else m for m, cap in ms.items()]
        else:
            baseline["markets"][c] = list(ms)
    return CorridorNetwork(nodes=node_frame, links=link_frame, baseline=baseline, parameters=dict(parameters or {}))


# ------------------------------------------------------------------ hypothesis
@st.composite
def random_networks(
    draw: Any,
    *,
    max_nodes: int = 7,
    max_links: int = 12,
    commodities: tuple[str, ...] = ("crude",),
    node_caps: bool = True,
    uncapacitated: bool = True,
) -> CorridorNetwork:
    """Small random networks: integer capacities and costs, some bidirectional links,
    some node capacities, one or two origins and markets per commodity."""
    n = draw(st.integers(3, max_nodes))
    ids = [f"n{i}" for i in range(n)]
    nodes = []
    for nid in ids:
        cap = draw(st.one_of(st.none(), st.integers(0, 25))) if node_caps else None
        nodes.append({"id": nid, "capacity": cap, "unit": "Mt/y"})
    m = draw(st.integers(2, max_links))
    links = []
    for j in range(m):
        a = draw(st.sampled_from(ids))
        b = draw(st.sampled_from([i for i in ids if i != a]))
        comms = list(draw(st.sets(st.sampled_from(commodities), min_size=1))) if len(commodities) > 1 else list(commodities)
        comms = [c for c in commodities if c in comms]
        cap = draw(st.one_of(st.none(), st.integers(0, 30))) if uncapacitated else draw(st.integers(0, 30))
        unit = "Mt/y" if all(CANONICAL_UNITS[c] in ("Mt/y", "kt/y") for c in comms) else CANONICAL_UNITS[comms[0]]
        links.append({
            "id": f"l{j}", "from": a, "to": b, "commodities": comms, "capacity": cap, "unit": unit,
            "cost": {c: float(draw(st.integers(0, 9))) for c in comms},
            "time_days": float(draw(st.integers(0, 5))), "length_km": float(draw(st.integers(1, 9)) * 100),
            "bidirectional": draw(st.booleans()), "mode": draw(st.sampled_from(["pipeline", "rail", "tanker"])),
        })
    supplies, markets = {}, {}
    for c in commodities:
        origins = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=2, unique=True))
        rest = [i for i in ids if i not in origins]
        mk = draw(st.lists(st.sampled_from(rest), min_size=1, max_size=2, unique=True))
        scale = 1.0 if CANONICAL_UNITS[c] == "Mt/y" else 1000.0
        supplies[c] = {o: float(draw(st.integers(1, 30))) * scale for o in origins}
        markets[c] = list(mk)
    return build_network(nodes, links, supplies=supplies, markets=markets)


# ------------------------------------------------------------- reference answers
def nx_flow_graph(net: CorridorNetwork, commodity: str = "crude") -> tuple[nx.DiGraph, str, str]:
    """Single-commodity networkx graph with super source ``S`` and sink ``T``.

    Each link direction becomes ``u_out -> (link, dir) -> v_in`` so parallel links stay
    distinct; a node is split ``v_in -> v_out`` carrying its capacity (throughput =
    inflow + supply = outflow + delivered). Disabled or non-operating elements get
    capacity 0. Costs are the link costs (integers in the tests).
    """
    from transcaspian.elements import effective_capacity, usable_links, usable_nodes

    G = nx.DiGraph()
    ok_nodes = usable_nodes(net.nodes)
    for nid, row in net.nodes.iterrows():
        cap = effective_capacity(row) if ok_nodes[nid] else 0.0
        attrs = {"weight": 0}
        if math.isfinite(cap):
            attrs["capacity"] = cap
        G.add_edge(f"{nid}_in", f"{nid}_out", **attrs)
    usable = usable_links(net, commodity)
    for lid, row in net.links.iterrows():
        if commodity not in row["commodities"]:
            continue
        cap = effective_capacity(row) if usable[lid] else 0.0
        cost = row["cost"][commodity]
        dirs = [(row["from_node"], row["to_node"], "f")]
        if row["bidirectional"]:
            dirs.append((row["to_node"], row["from_node"], "b"))
        for u, v, d in dirs:
            mid = f"{lid}_{d}"
            attrs = {"weight": cost}
            if math.isfinite(cap):
                attrs["capacity"] = cap
            G.add_edge(f"{u}_out", mid, **attrs)
            G.add_edge(mid, f"{v}_in", weight=0)
    for e in net.baseline["supplies"].get(commodity, []):
        G.add_edge("S", f"{e['origin']}_in", capacity=float(e["value"]), weight=0)
    for m in net.baseline["markets"].get(commodity, []):
        nid, cap = (m["node"], m.get("cap")) if isinstance(m, Mapping) else (m, None)
        attrs = {"weight": 0}
        if cap is not None:
            attrs["capacity"] = float(cap)
        G.add_edge(f"{nid}_out", "T", **attrs)
    G.add_node("S")
    G.add_node("T")
    return G, "S", "T"
