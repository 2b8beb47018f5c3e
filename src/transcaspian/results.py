"""Result of a flow solve (the contract between the solver, comparisons, tables and maps).

Examples
--------
>>> import transcaspian as tc
>>> res = tc.solve(tc.load_network(), commodity="crude")
>>> set(res.flows.columns) >= {"flow", "capacity", "utilisation", "commodity"}
True
"""

from __future__ import annotations

import dataclasses
from typing import Any

import geopandas as gpd
import pandas as pd

__all__ = ["FlowResult"]


@dataclasses.dataclass(frozen=True, eq=False)
class FlowResult:
    """Flows, routes and what was stranded, for one network and scenario.

    Attributes
    ----------
    network : CorridorNetwork
        The network the problem was solved on (scenario already applied).
    scenario : Scenario or None
    commodities : tuple of str
        Commodities solved together.
    objective : str
        ``"cost"``, ``"time"`` or ``"emissions"``.
    flows : geopandas.GeoDataFrame
        One row per link and commodity (index ``link``, columns ``commodity``,
        ``from_node``, ``to_node``, ``mode``, ``flow`` (net, signed: positive along
        from_node->to_node), ``forward``, ``backward``, ``capacity`` (effective, in
        the link's unit), ``unit``, ``utilisation`` (0-1, joint over commodities),
        ``cost``, ``disabled``, ``derate``, ``geometry``).
    node_flows : pandas.DataFrame
        Throughput per node and commodity (index ``node``; ``commodity``,
        ``throughput``, ``capacity``, ``utilisation``, ``disabled``, ``derate``).
    routes : pandas.DataFrame
        Path decomposition: ``commodity``, ``origin``, ``market``, ``path`` (tuple of
        node ids), ``links`` (tuple of link ids), ``volume``, ``unit_cost``,
        ``time_days``, ``distance_km``; summing ``volume`` over routes through a link
        gives its flow.
    delivered : pandas.DataFrame
        Index (``commodity``, ``market``): ``volume``, ``unit``.
    unserved : pandas.DataFrame
        Index (``commodity``, ``origin``): ``supply``, ``delivered``, ``unserved``,
        ``unit`` - the stranded volume.
    total_cost : float
        USD per year.
    saturated : pandas.DataFrame
        Elements at capacity: ``element``, ``kind`` (node/link), ``capacity``,
        ``unit``, ``utilisation``.
    shadow_prices : pandas.DataFrame
        Per binding capacity: ``element``, ``kind``, ``usd_per_unit`` (USD saved per
        year per extra unit of capacity, delivered volume held fixed) and
        ``delivered_per_unit`` (extra volume delivered per extra unit of capacity).
    emissions : pandas.DataFrame
        Index ``mode``: ``tonne_km``, ``co2_t``.
    status : str
        Solver status message.
    meta : dict
        Solver, timings, penalty and tolerances.
    """

    network: Any
    scenario: Any
    commodities: tuple[str, ...]
    objective: str
    flows: gpd.GeoDataFrame
    node_flows: pd.DataFrame
    routes: pd.DataFrame
    delivered: pd.DataFrame
    unserved: pd.DataFrame
    total_cost: float
    saturated: pd.DataFrame
    shadow_prices: pd.DataFrame
    emissions: pd.DataFrame
    status: str = "optimal"
    meta: dict[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def total_delivered(self) -> dict[str, float]:
        """Delivered volume per commodity."""
        return self.delivered.groupby(level="commodity")["volume"].sum().to_dict()

    @property
    def total_unserved(self) -> dict[str, float]:
        """Stranded volume per commodity."""
        return self.unserved.groupby(level="commodity")["unserved"].sum().to_dict()
