"""The network for one commodity as a networkx graph with plain numeric attributes.

Every attribute is a number, a string or a bool, so networkx algorithms take
``weight="cost"`` and the graph writes to GraphML, GEXF and node-link JSON as it is.

Edges (a :class:`networkx.MultiDiGraph`, keyed by link id; a bidirectional link also
runs backwards with ``reverse=True``): ``link``, ``name``, ``mode``, ``status``,
``cost`` (the commodity's cost unit, e.g. USD/t), ``time_days``, ``length_km``,
``capacity`` (effective, in the commodity's canonical unit: left out when
uncapacitated, networkx's convention for an infinite capacity), ``unit``, ``reverse``.
Nodes: ``name``, ``kind``, ``country``, ``status``, ``x``, ``y`` (lon, lat) and
``capacity`` when the node limits the commodity. Only elements usable for the
commodity are included.

Examples
--------
>>> import networkx as nx, transcaspian as tc
>>> G = tc.load_network("tests/fixtures/mini").graph(commodity="crude")
>>> nx.shortest_path(G, "field_a", "europe", weight="cost")
['field_a', 'hub', 'terminal', 'europe']
>>> import io
>>> buf = io.BytesIO(); nx.write_graphml(G, buf); buf.getvalue()[:5]
b'<?xml'
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import networkx as nx

from ..elements import effective_capacity, factor, link_cost, node_capacity_commodities, usable_links, usable_nodes
from ..units import CANONICAL_UNITS, cost_unit

if TYPE_CHECKING:
    import pandas as pd

    from ..network import CorridorNetwork

__all__ = ["commodity_graph", "put_flows"]


def _plain_meta(meta: Mapping[str, Any]) -> dict[str, Any]:
    return {k: (", ".join(v) if isinstance(v, list) else ("" if v is None else v)) for k, v in meta.items()}


def commodity_graph(net: CorridorNetwork, commodity: str, *, meta: Mapping[str, Any] | None = None) -> nx.MultiDiGraph:
    """Usable nodes and links for ``commodity`` with plain numeric attributes (see the module docs).

    Raises
    ------
    UnitError
        If ``commodity`` is not known.
    """
    unit = CANONICAL_UNITS.get(commodity)
    if unit is None:
        from ..errors import UnitError

        raise UnitError(f"unknown commodity {commodity!r}; use one of {', '.join(CANONICAL_UNITS)}")
    G = nx.MultiDiGraph(**_plain_meta(meta or {}), commodity=commodity, unit=unit, cost_unit=cost_unit(commodity))
    ok = usable_nodes(net.nodes)
    for nid, row in net.nodes[ok].iterrows():
        attrs: dict[str, Any] = {
            "name": str(row["name"]), "kind": str(row["kind"]), "country": str(row["country"]), "status": str(row["status"]),
            "x": float(row.geometry.x), "y": float(row.geometry.y),
        }
        cap = effective_capacity(row)
        if math.isfinite(cap) and commodity in node_capacity_commodities(row, [commodity]):
            attrs["capacity"] = cap / factor(commodity, row["unit"])
        G.add_node(nid, **attrs)
    for lid, row in net.links[usable_links(net, commodity)].iterrows():
        data: dict[str, Any] = {
            "link": str(lid), "name": str(row["name"]), "mode": str(row["mode"]), "status": str(row["status"]),
            "cost": link_cost(row, commodity), "time_days": float(row["time_days"]), "length_km": float(row["length_km"]),
            "unit": unit,
        }
        cap = effective_capacity(row)
        if math.isfinite(cap):
            data["capacity"] = cap / factor(commodity, row["unit"])
        G.add_edge(row["from_node"], row["to_node"], key=str(lid), reverse=False, **data)
        if bool(row["bidirectional"]):
            G.add_edge(row["to_node"], row["from_node"], key=str(lid), reverse=True, **data)
    return G


def put_flows(G: nx.MultiDiGraph, flows: pd.DataFrame, *, attr: str = "flow") -> nx.MultiDiGraph:
    """Set ``G``'s edges' ``attr`` to the flows of a result (``FlowResult.flows``), in place; returns ``G``.

    A forward edge gets the link's ``forward`` flow, a reverse edge its ``backward``
    flow, for the graph's commodity; edges without a flow get 0.

    Examples
    --------
    >>> import transcaspian as tc
    >>> net = tc.load_network("tests/fixtures/mini")
    >>> G = put_flows(net.graph(commodity="crude"), tc.solve(net).flows)
    >>> round(sum(d["flow"] for _, v, d in G.edges(data=True) if v in ("europe", "china")), 6)
    41.0
    """
    commodity = G.graph.get("commodity")
    rows = flows[flows["commodity"] == commodity] if commodity is not None and "commodity" in flows else flows
    by_link = {str(lid): (float(f), float(b)) for lid, f, b in zip(rows.index, rows["forward"], rows["backward"])}
    for _, _, key, data in G.edges(keys=True, data=True):
        fwd, back = by_link.get(str(key), (0.0, 0.0))
        data[attr] = back if data.get("reverse") else fwd
    return G
