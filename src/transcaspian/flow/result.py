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
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import pandas as pd

from ..interop.tidy import result_frame
from ..parameters import usd_factor
from ..units import CANONICAL_UNITS, cost_unit

if TYPE_CHECKING:
    from ..network import CorridorNetwork
    from ..scenario import Scenario

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
    contracts : pandas.DataFrame
        One row per contract on the solved commodities: ``link``, ``commodity``,
        ``min_flow``, ``max_flow``, ``flow`` (along from_node -> to_node),
        ``relaxed_min`` (the min_flow actually imposed when the original could not be
        met, else NaN) and ``status`` (``met``, ``relaxed``, ``relaxed: link not usable``).

    Notes
    -----
    Columns beyond those listed may be present: ``flows`` also has ``name``,
    ``status``, ``usable``, ``cost_unit``, ``cost_usd`` (USD/y on the link),
    ``time_days``, ``length_km``, ``tonne_km``, ``co2_t``; ``node_flows`` has ``supply``,
    ``sent``, ``delivered``, ``inflow``, ``outflow``; ``routes`` has ``modes``,
    ``countries``, ``unit``, ``cost_unit``, ``cost_usd``, ``kind`` (``path`` or
    ``circulation``) and ``class``; ``shadow_prices`` has ``commodity`` and
    ``objective_per_unit`` (the phase-2 dual in the objective's unit).
    """

    network: CorridorNetwork
    scenario: Scenario | None
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
    contracts: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame)

    @property
    def total_delivered(self) -> dict[str, float]:
        """Delivered volume per commodity."""
        return _by_commodity(self.delivered.groupby(level="commodity")["volume"].sum())

    @property
    def total_unserved(self) -> dict[str, float]:
        """Stranded volume per commodity."""
        return _by_commodity(self.unserved.groupby(level="commodity")["unserved"].sum())

    @property
    def cost_by_commodity(self) -> dict[str, float]:
        """Transport cost per commodity, USD per year."""
        if len(self.flows) == 0:
            return {}
        return _by_commodity(self.flows.groupby("commodity")["cost_usd"].sum())

    @property
    def unit_cost(self) -> dict[str, float]:
        """Average transport cost per unit delivered, in each commodity's cost unit (e.g. USD/t).

        NaN for a commodity with nothing delivered.
        """

        out = {}
        delivered = self.total_delivered
        for c, usd in self.cost_by_commodity.items():
            vol = delivered.get(c, 0.0)
            out[c] = usd / (vol * usd_factor(c)) if vol > 0 else float("nan")
        return out

    def to_frame(self) -> pd.DataFrame:
        """Links, nodes, delivered and unserved as one tidy table (:func:`transcaspian.interop.tidy.result_frame`)."""
        return result_frame(self)

    def link_users(self, link: str) -> pd.DataFrame:
        """Which origins use ``link``, how much and for which markets (select-link).

        Sums the route decomposition (:attr:`routes`) over routes through the link.

        Parameters
        ----------
        link : str
            Link id or alias.

        Returns
        -------
        pandas.DataFrame
            Index (``commodity``, ``origin``, ``market``): ``volume`` (canonical unit),
            ``unit`` and ``share`` (of the link's volume), largest first.

        Raises
        ------
        UnknownElementError
            ``link`` names no link.

        Examples
        --------
        >>> import transcaspian as tc
        >>> res = tc.solve(tc.load_network("tests/fixtures/mini"))
        >>> users = res.link_users("a_hub")
        >>> users.index.get_level_values("origin").unique().tolist()
        ['field_a']
        >>> f = res.flows.loc["a_hub"]
        >>> bool(abs(users["volume"].sum() - (f["forward"] + f["backward"])) < 1e-6)
        True
        """
        lid = self.network.resolve(link, kind="link")
        idx = ["commodity", "origin", "market"]
        r = self.routes
        if r.empty:
            return pd.DataFrame(columns=["volume", "unit", "share"], index=pd.MultiIndex.from_tuples([], names=idx))
        hit = r[r["links"].map(lambda ls: lid in ls)]
        out = hit.groupby(idx)["volume"].sum().to_frame()
        out["unit"] = [CANONICAL_UNITS[c] for c in out.index.get_level_values("commodity")]
        total = out.groupby(level="commodity")["volume"].transform("sum")
        out["share"] = out["volume"] / total.where(total > 0, 1.0)
        return out.sort_values("volume", ascending=False, kind="stable")

    @property
    def co2_t(self) -> float:
        """Total CO2 of the transport, tonnes per year."""
        return float(self.emissions["co2_t"].sum()) if len(self.emissions) else 0.0

    def summary(self) -> dict[str, Any]:
        """Headline figures as plain JSON-serialisable data.

        Examples
        --------
        >>> import transcaspian as tc
        >>> s = tc.solve(tc.load_network("tests/fixtures/mini")).summary()
        >>> s["delivered"], s["unserved"]
        ({'crude': 41.0}, {'crude': 4.0})
        """

        def clean(v: float) -> float | None:
            return None if v != v else float(v)  # NaN -> None

        as_of = getattr(self.network, "as_of", None)
        return {
            "scenario": getattr(self.scenario, "name", None) or "baseline",
            "as_of": as_of.isoformat() if as_of else None,
            "commodities": list(self.commodities),
            "objective": self.objective,
            "units": {c: CANONICAL_UNITS[c] for c in self.commodities},
            "delivered": {c: round(v, 6) for c, v in self.total_delivered.items()},
            "delivered_by_market": {k: round(v, 6) for k, v in _by_pair(self.delivered["volume"])},
            "unserved": {c: round(v, 6) for c, v in self.total_unserved.items()},
            "unserved_by_origin": {k: round(v, 6) for k, v in _by_pair(self.unserved["unserved"]) if v > 0},
            "total_cost_usd": round(self.total_cost, 2),
            "unit_cost": {c: clean(v) for c, v in self.unit_cost.items()},
            "cost_units": {c: cost_unit(c) for c in self.commodities},
            "co2_t": round(self.co2_t, 3),
            "saturated": [f"{k}:{e}" for e, k in zip(self.saturated["element"], self.saturated["kind"], strict=True)],
            "relaxed_contracts": dict(self.meta.get("relaxed_contracts", {})),
            "ineffective_changes": self.scenario.ineffective_changes(self.network) if self.scenario is not None else [],
            "status": self.status,
        }

    def __repr__(self) -> str:
        d = ", ".join(f"{c} {v:.4g}" for c, v in self.total_delivered.items())
        u = ", ".join(f"{c} {v:.4g}" for c, v in self.total_unserved.items())
        name = getattr(self.scenario, "name", None) or "baseline"
        return f"<FlowResult {name}: delivered {d}; unserved {u}; cost {self.total_cost:,.0f} USD/y>"


def _by_commodity(series: pd.Series) -> dict[str, float]:
    """A Series indexed by commodity as a plain dict."""
    return {str(c): float(v) for c, v in series.items()}


def _by_pair(series: pd.Series) -> list[tuple[str, float]]:
    """``("a:b", value)`` for each entry of a Series indexed by pairs ``(a, b)``."""
    idx = series.index
    pairs = zip(idx.get_level_values(0), idx.get_level_values(1), series.to_numpy(dtype=float), strict=True)
    return [(f"{a}:{b}", float(v)) for a, b, v in pairs]
