"""Turn an LP solution into the tables of a FlowResult (internal).

:func:`assemble` decomposes each flow class into routes (:mod:`.decompose`), totals
the routes per link and node (:class:`_Tally`), then builds one table per function:
link flows, node flows, routes, delivered, unserved, saturated elements, shadow
prices, emissions and contracts. Tolerances come from :mod:`transcaspian.schema`.
"""

from __future__ import annotations

import dataclasses
import math
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd

from ..elements import factor, is_missing, node_capacity_commodities, usable_links
from ..errors import UnitError
from ..parameters import tonnes_per_unit, usd_factor
from ..schema import BINDING_RTOL, DUAL_EPS, ROUND_OFF, SATURATION_RTOL, Objective
from ..units import CANONICAL_UNITS, cost_unit
from .decompose import PathFlow, cancel_cycles, decompose
from .lp import G_PER_TONNE, Arcs, FlowLP, LPSolution, Row
from .result import FlowResult

if TYPE_CHECKING:
    from ..scenario import Scenario

#: One array per commodity (over links or over nodes).
PerCommodity = dict[str, np.ndarray]

#: Unit of the phase-2 objective value, per objective.
OBJECTIVE_UNITS: dict[str, str] = {"cost": "USD/y", "time": "tonne-days/y", "emissions": "tCO2/y"}

ROUTE_COLUMNS = [
    "commodity", "origin", "market", "path", "links", "modes", "countries", "volume", "unit",
    "unit_cost", "cost_unit", "cost_usd", "time_days", "distance_km", "kind", "class",
]
SHADOW_COLUMNS = [
    "element", "kind", "name", "capacity", "unit", "commodity", "usd_per_unit", "objective_per_unit", "delivered_per_unit",
]
CONTRACT_COLUMNS = ["link", "commodity", "origin", "min_flow", "max_flow", "flow", "relaxed_min", "status"]

# Column types of the result tables, so that a table with no rows (no commodity, nothing binding)
# has the columns and types of one with rows: "text" is pandas' string type ("str" in pandas 3).
T, F, B, OBJ = "text", "float", "bool", "object"
FLOW_TYPES = dict(commodity=T, name=T, from_node=T, to_node=T, mode=T, status=T, usable=B, flow=F, forward=F,
                  backward=F, unit=T, capacity=F, capacity_unit=T, utilisation=F, cost=F, cost_unit=T, cost_usd=F,
                  time_days=F, length_km=F, tonne_km=F, co2_t=F, disabled=B, derate=F)
NODE_TYPES = dict(commodity=T, name=T, kind=T, country=T, supply=F, sent=F, delivered=F, inflow=F, outflow=F,
                  throughput=F, capacity=F, unit=T, utilisation=F, disabled=B, derate=F)
ROUTE_TYPES = dict(commodity=T, origin=T, market=T, path=OBJ, links=OBJ, modes=OBJ, countries=OBJ, volume=F, unit=T,
                   unit_cost=F, cost_unit=T, cost_usd=F, time_days=F, distance_km=F, kind=T, **{"class": T})
SHADOW_TYPES = dict(element=T, kind=T, name=T, capacity=F, unit=T, commodity=T, usd_per_unit=F,
                    objective_per_unit=F, delivered_per_unit=F)
SATURATED_TYPES = dict(element=T, kind=T, name=T, capacity=F, unit=T, utilisation=F)
DELIVERED_TYPES = dict(volume=F, unit=T, cap=F)
UNSERVED_TYPES = dict(supply=F, delivered=F, unserved=F, unit=T)
CONTRACT_TYPES = dict(link=T, commodity=T, origin=T, min_flow=F, max_flow=F, flow=F, relaxed_min=F, status=T)


def assemble(lp: FlowLP, sol: LPSolution, *, scenario: Scenario | None, objective: Objective) -> FlowResult:
    """Decompose the flow into routes and build every table of the result."""
    coef = {c: lp.arc_coefficients(c) for c in lp.commodities}
    tally = _route_classes(lp, sol, coef)
    flows = _flows_frame(lp, tally.fwd, tally.bwd)
    node_flows = _node_frame(lp, tally)
    gross = {c: tally.fwd[c] + tally.bwd[c] for c in lp.commodities}
    through = {c: tally.outflow[c] + tally.got[c] for c in lp.commodities}
    return FlowResult(
        network=lp.net,
        scenario=scenario,
        commodities=lp.commodities,
        objective=objective,
        flows=flows,
        node_flows=node_flows,
        routes=_routes_frame(tally.routes, lp.commodities),
        delivered=_delivered_frame(lp, tally.got),
        unserved=_unserved_frame(lp, tally.sent, sol),
        total_cost=float(flows["cost_usd"].sum()) if len(flows) else 0.0,
        saturated=_saturated_frame(flows, node_flows),
        shadow_prices=_shadow_frame(lp, sol, gross, through, objective),
        emissions=_emissions_frame(lp, tally.fwd, tally.bwd, coef),
        status="optimal",
        meta=_meta(lp, sol, tally, coef, scenario=scenario, objective=objective),
        contracts=_contracts_frame(lp, sol, tally.fwd),
    )


# --------------------------------------------------------------------------- routes


@dataclasses.dataclass
class _Tally:
    """Route volumes summed per link direction and node, per commodity, and the route rows."""

    fwd: PerCommodity  # per link, along from_node -> to_node
    bwd: PerCommodity  # per link, against it
    inflow: PerCommodity  # per node
    outflow: PerCommodity
    sent: PerCommodity  # per node: volume its routes start with (circulations excluded)
    got: PerCommodity  # per node: volume delivered there
    routes: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    dropped: float = 0.0

    @classmethod
    def zeros(cls, lp: FlowLP) -> _Tally:
        """All totals zero, no routes."""
        L, N = len(lp.link_ids), len(lp.node_ids)

        def per(n: int) -> PerCommodity:
            return {c: np.zeros(n) for c in lp.commodities}

        return cls(per(L), per(L), per(N), per(N), per(N), per(N))

    def add(self, c: str, arcs: Arcs, p: PathFlow) -> None:
        """Count route ``p`` of commodity ``c`` (``arcs``: the commodity's :class:`~.lp.Arcs`)."""
        a = np.array(p.arcs, dtype=int)
        li = arcs.link[a]
        f = arcs.forward[a]
        np.add.at(self.fwd[c], li[f], p.volume)
        np.add.at(self.bwd[c], li[~f], p.volume)
        np.add.at(self.outflow[c], arcs.tail[a], p.volume)
        np.add.at(self.inflow[c], arcs.head[a], p.volume)
        if not p.circulation:
            self.sent[c][p.origin] += p.volume
            self.got[c][p.market] += p.volume


def _route_classes(lp: FlowLP, sol: LPSolution, coef: dict[str, PerCommodity]) -> _Tally:
    """Routes of every flow class, totalled, with one row per route."""
    tally = _Tally.zeros(lp)
    modes = lp.net.links["mode"].to_numpy()
    countries = lp.net.nodes["country"].to_numpy()
    for k, cl in enumerate(lp.classes):
        c = cl.commodity
        paths, drop = _class_paths(lp, sol, k)
        tally.dropped += drop
        for p in paths:
            tally.add(c, lp.arcs[c], p)
            tally.routes.append(_route_row(lp, k, p, coef[c], modes, countries))
    return tally


def _class_paths(lp: FlowLP, sol: LPSolution, k: int) -> tuple[list[PathFlow], float]:
    """Class ``k``'s flow without cycles (but those a min_flow contract holds), as routes."""
    arcs = lp.arcs[lp.classes[k].commodity]
    supply = lp.supply[k]
    eps = ROUND_OFF * max(1.0, float(supply.max()) if supply.size else 1.0)
    x = cancel_cycles(sol.x[k], arcs.tail, arcs.head, eps=eps, protected=_protected_arcs(lp, k))
    return decompose(
        x,
        arcs.tail,
        arcs.head,
        lp.origins[k],
        np.clip(supply - sol.u[k], 0.0, None),
        lp.markets[k],
        sol.d[k],
        eps=eps,
    )


def _protected_arcs(lp: FlowLP, k: int) -> list[int]:
    """Arcs of class ``k`` (positions within its block) under a min_flow contract."""
    c = lp.classes[k].commodity
    x0, u0 = lp.blocks[k][0], lp.blocks[k][1]
    return [
        col - x0
        for ct in lp.contracts
        if ct.commodity == c and ct.min_flow > 0
        for col in lp.contract_cols.get(ct.index, [])
        if x0 <= col < u0
    ]


def _route_row(
    lp: FlowLP, k: int, p: PathFlow, coef: PerCommodity, modes: np.ndarray, countries: np.ndarray
) -> dict[str, Any]:
    """One row of the routes table for route ``p`` of class ``k``."""
    cl = lp.classes[k]
    c = cl.commodity
    a = np.array(p.arcs, dtype=int)
    li = lp.arcs[c].link[a]
    unit_cost = float(coef["unit_cost"][a].sum())
    return {
        "commodity": c,
        "origin": lp.node_ids[p.origin],
        "market": lp.node_ids[p.market],
        "path": tuple(lp.node_ids[n] for n in p.nodes),
        "links": tuple(lp.link_ids[i] for i in li),
        "modes": tuple(str(modes[i]) for i in li),
        "countries": tuple(dict.fromkeys(str(countries[n]) for n in p.nodes)),
        "volume": p.volume,
        "unit": CANONICAL_UNITS[c],
        "unit_cost": unit_cost,
        "cost_unit": cost_unit(c),
        "cost_usd": p.volume * unit_cost * usd_factor(c),
        "time_days": float(coef["time_days"][a].sum()),
        "distance_km": float(coef["length_km"][a].sum()),
        "kind": "circulation" if p.circulation else "path",
        "class": cl.label,
    }


def _routes_frame(rows: list[dict[str, Any]], commodities: tuple[str, ...]) -> pd.DataFrame:
    """Routes by commodity, then largest volume first (ties by origin, market, path)."""
    df = typed(pd.DataFrame(rows, columns=ROUTE_COLUMNS), ROUTE_TYPES)
    if not rows:
        return df
    order = {c: i for i, c in enumerate(commodities)}
    df["_c"] = df["commodity"].map(order)
    df["_p"] = df["path"].map(lambda p: "/".join(p))
    df = df.sort_values(
        ["_c", "volume", "origin", "market", "_p"], ascending=[True, False, True, True, True], kind="stable"
    )
    return df.drop(columns=["_c", "_p"]).reset_index(drop=True)


def _meta(
    lp: FlowLP,
    sol: LPSolution,
    tally: _Tally,
    coef: dict[str, PerCommodity],
    *,
    scenario: Scenario | None,
    objective: Objective,
) -> dict[str, Any]:
    """The solver's meta data plus the method, objective, round-off dropped and provenance."""
    routes = meta_routes(lp, tally, coef)
    meta: dict[str, Any] = {}
    for k, v in meta_now(lp, sol, scenario=scenario, objective=objective).items():
        meta[k] = v
        if k == "phase1_weighted_unserved":
            meta["dropped_roundoff"] = routes["dropped_roundoff"]
    meta["tonne_days"] = routes["tonne_days"]
    return meta


def meta_now(lp: FlowLP, sol: LPSolution, *, scenario: Scenario | None, objective: Objective) -> dict[str, Any]:
    """The meta data known before the routes: the solver's, the method, objective and provenance."""
    net = lp.net
    labels = {ct.index: ct.label for ct in lp.contracts}
    meta = dict(sol.meta)
    meta.update(
        {
            "method": "lexicographic LP: phase 1 max delivered (unserved weighted 1/total supply per commodity), "
            "phase 2 min " + objective,
            "objective_value": sol.objective_value,
            "objective_unit": OBJECTIVE_UNITS[objective],
            "phase1_weighted_unserved": sol.phase1_value,
            "relaxed_contracts": {labels[i]: v for i, v in sol.relaxed.items()},
            "flow_classes": [cl.label for cl in lp.classes],
            "scenario": getattr(scenario, "name", None),
            "as_of": net.as_of.isoformat() if net.as_of else None,
            "applied": list(net.applied),
        }
    )
    return meta


def meta_routes(lp: FlowLP, tally: _Tally, coef: dict[str, PerCommodity]) -> dict[str, float]:
    """The meta data of the routes: volume dropped as round-off, and tonne-days of the flow."""
    tonne_days = sum((coef[c]["tonne_days"] * _arc_flow(lp, c, tally.fwd, tally.bwd)).sum() for c in lp.commodities)
    return {"dropped_roundoff": tally.dropped, "tonne_days": float(tonne_days)}


def _arc_flow(lp: FlowLP, c: str, fwd: PerCommodity, bwd: PerCommodity) -> np.ndarray:
    """Flow per arc of commodity ``c`` from the per-link directional totals."""
    arcs = lp.arcs[c]
    flow: np.ndarray = np.where(arcs.forward, fwd[c][arcs.link], bwd[c][arcs.link])
    return flow


# --------------------------------------------------------------------------- links


def _flows_frame(lp: FlowLP, fwd: PerCommodity, bwd: PerCommodity) -> gpd.GeoDataFrame:
    """One row per link and commodity it carries (index ``link``)."""
    links = lp.net.links
    cap, util = _link_utilisation(lp, fwd, bwd)
    frames = [_link_table(lp, c, fwd, bwd, cap, util) for c in lp.commodities]
    if frames:
        df = pd.concat(frames, ignore_index=True)
    else:
        df = typed(pd.DataFrame(columns=["link", *FLOW_TYPES]), {"link": T, **FLOW_TYPES})
        df["geometry"] = gpd.GeoSeries([], crs=links.crs)
    return gpd.GeoDataFrame(df.set_index("link"), geometry="geometry", crs=links.crs)


def _link_utilisation(lp: FlowLP, fwd: PerCommodity, bwd: PerCommodity) -> tuple[np.ndarray, np.ndarray]:
    """Per link: effective capacity (NaN = none) and joint utilisation over the commodities."""
    units_ = lp.net.links["unit"].to_numpy()
    used = np.zeros(len(lp.link_ids))
    for c in lp.commodities:
        moved = np.flatnonzero(fwd[c] + bwd[c])
        f = np.array([factor(c, units_[i]) for i in moved])
        used[moved] += (fwd[c][moved] + bwd[c][moved]) * f
    cap = np.where(np.isinf(lp.link_cap), np.nan, lp.link_cap)  # tables: no capacity = blank
    return cap, _utilisation(used, cap)


def _utilisation(used: np.ndarray, cap: np.ndarray) -> np.ndarray:
    """``used / cap``, NaN where there is no positive capacity."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(np.isnan(cap) | (cap <= 0), np.nan, used / cap)


def _link_table(
    lp: FlowLP, c: str, fwd: PerCommodity, bwd: PerCommodity, cap: np.ndarray, util: np.ndarray
) -> pd.DataFrame:
    """The links listing commodity ``c``, with its flows, costs and emissions."""
    net = lp.net
    links = net.links
    idx = np.flatnonzero(links["commodities"].map(lambda cs: c in (cs or [])).to_numpy())
    per = lp.link_unit_costs(c)[idx]
    length = links["length_km"].to_numpy(dtype=float)[idx]
    gross = fwd[c][idx] + bwd[c][idx]
    tpu = tonnes_per_unit(c, net.parameters)
    ef = lp.link_emission_factors(c)[idx]
    return pd.DataFrame(
        {
            "link": links.index[idx],
            "commodity": c,
            "name": links["name"].to_numpy()[idx],
            "from_node": links["from_node"].to_numpy()[idx],
            "to_node": links["to_node"].to_numpy()[idx],
            "mode": links["mode"].to_numpy()[idx],
            "status": links["status"].to_numpy()[idx],
            "usable": usable_links(net, c).to_numpy()[idx],
            "flow": fwd[c][idx] - bwd[c][idx],
            "forward": fwd[c][idx],
            "backward": bwd[c][idx],
            "unit": CANONICAL_UNITS[c],
            "capacity": cap[idx],
            "capacity_unit": [_unit(u) or CANONICAL_UNITS[c] for u in links["unit"].to_numpy()[idx]],
            "utilisation": util[idx],
            "cost": per,
            "cost_unit": cost_unit(c),
            "cost_usd": gross * np.nan_to_num(per) * usd_factor(c),
            "time_days": links["time_days"].to_numpy(dtype=float)[idx],
            "length_km": length,
            "tonne_km": gross * np.nan_to_num(length) * tpu,
            "co2_t": gross * np.nan_to_num(length) * tpu * ef / G_PER_TONNE,
            "disabled": links["disabled"].to_numpy(dtype=bool)[idx],
            "derate": links["derate"].to_numpy(dtype=float)[idx],
            "geometry": links.geometry.to_numpy()[idx],
        }
    )


def _unit(u: Any) -> str:
    """A unit cell as text ("" when missing)."""
    return "" if is_missing(u) else str(u)


# --------------------------------------------------------------------------- nodes


def _node_frame(lp: FlowLP, tally: _Tally) -> pd.DataFrame:
    """Throughput per node and commodity it touches (index ``node``)."""
    cap, util = _node_utilisation(lp, tally.outflow, tally.got)
    supply = _node_supply(lp)
    frames = [_node_table(lp, c, tally, supply, cap, util) for c in lp.commodities]
    if not frames:
        return typed(pd.DataFrame(columns=["node", *NODE_TYPES]), {"node": T, **NODE_TYPES}).set_index("node")
    return pd.concat(frames, ignore_index=True).set_index("node")


def _node_utilisation(lp: FlowLP, outflow: PerCommodity, got: PerCommodity) -> tuple[np.ndarray, np.ndarray]:
    """Per node: effective capacity (NaN = none) and joint utilisation of the commodities it counts."""
    nodes = lp.net.nodes
    cap = np.where(np.isinf(lp.node_cap), np.nan, lp.node_cap)  # tables: no capacity = blank
    units_ = nodes["unit"].to_numpy()
    used = np.zeros(len(nodes))
    counted = {
        i: set(node_capacity_commodities(nodes.iloc[i], lp.commodities)) for i in range(len(nodes)) if not np.isnan(cap[i])
    }
    for c in lp.commodities:
        through = outflow[c] + got[c]
        for i, cs in counted.items():
            if c in cs:
                used[i] += through[i] * factor(c, units_[i])
    return cap, _utilisation(used, cap)


def _node_supply(lp: FlowLP) -> PerCommodity:
    """Supply per node and commodity, over all classes."""
    supply = {c: np.zeros(len(lp.node_ids)) for c in lp.commodities}
    for k, cl in enumerate(lp.classes):
        np.add.at(supply[cl.commodity], np.array(lp.origins[k], int), lp.supply[k])
    return supply


def _touched_nodes(lp: FlowLP, c: str, supply: PerCommodity) -> np.ndarray:
    """Positions of the nodes commodity ``c`` concerns: link ends, origins and markets."""
    links = lp.net.links
    carries = links["commodities"].map(lambda cs: c in (cs or []))
    touched = set(links.loc[carries, "from_node"]) | set(links.loc[carries, "to_node"])
    touched |= {lp.node_ids[i] for i in np.flatnonzero(supply[c])}
    touched |= {m for cl in lp.classes if cl.commodity == c for m in cl.markets}
    return np.array([i for i, n in enumerate(lp.node_ids) if n in touched], dtype=int)


def _node_table(
    lp: FlowLP, c: str, tally: _Tally, supply: PerCommodity, cap: np.ndarray, util: np.ndarray
) -> pd.DataFrame:
    """The nodes commodity ``c`` touches, with its supply, flows and throughput."""
    nodes = lp.net.nodes
    idx = _touched_nodes(lp, c, supply)
    return pd.DataFrame(
        {
            "node": nodes.index[idx],
            "commodity": c,
            "name": nodes["name"].to_numpy()[idx],
            "kind": nodes["kind"].to_numpy()[idx],
            "country": nodes["country"].to_numpy()[idx],
            "supply": supply[c][idx],
            "sent": tally.sent[c][idx],
            "delivered": tally.got[c][idx],
            "inflow": tally.inflow[c][idx],
            "outflow": tally.outflow[c][idx],
            "throughput": tally.outflow[c][idx] + tally.got[c][idx],
            "capacity": cap[idx],
            "unit": [_unit(u) for u in nodes["unit"].to_numpy()[idx]],
            "utilisation": util[idx],
            "disabled": nodes["disabled"].to_numpy(dtype=bool)[idx],
            "derate": nodes["derate"].to_numpy(dtype=float)[idx],
        }
    )


# --------------------------------------------------------------------------- markets and origins


def _delivered_frame(lp: FlowLP, got: PerCommodity) -> pd.DataFrame:
    """Delivered volume per commodity and market (index ``commodity``, ``market``), with its cap."""
    rows = []
    for c in lp.commodities:
        caps = _market_caps(lp, c)
        for m in sorted(caps, key=lambda m: lp.node_pos[m]):
            vol = float(got[c][lp.node_pos[m]])
            rows.append({"commodity": c, "market": m, "volume": vol, "unit": CANONICAL_UNITS[c], "cap": caps[m]})
    cols = ["commodity", "market", "volume", "unit", "cap"]
    types = {"commodity": T, "market": T, **DELIVERED_TYPES}
    return typed(pd.DataFrame(rows, columns=cols), types).set_index(["commodity", "market"])


def _market_caps(lp: FlowLP, c: str) -> dict[str, float]:
    """Markets of commodity ``c`` (those of its classes, then any other capped one) and their caps."""
    given = lp.market_caps.get(c, {})
    caps: dict[str, float] = {}
    for cl in lp.classes:
        if cl.commodity == c:
            for m in cl.markets:
                caps.setdefault(m, given.get(m, math.inf))
    for m in list(given):
        caps.setdefault(m, given[m])
    return caps


def _unserved_frame(lp: FlowLP, sent: PerCommodity, sol: LPSolution) -> pd.DataFrame:
    """Supply, delivered and unserved per commodity and origin (index ``commodity``, ``origin``).

    ``delivered`` is what the routes carry. An origin strands ``supply - delivered`` only where
    the solver left some of it unserved: where it did not, the difference is a route piece
    below the round-off (counted in ``meta["dropped_roundoff"]``), not a stranded volume.
    """
    rows = []
    for c in lp.commodities:
        supply: dict[str, float] = {}
        left: dict[str, float] = {}  # the solver's own unserved volume per origin
        for k, cl in enumerate(lp.classes):
            if cl.commodity == c:
                for j, (o, v) in enumerate(cl.supplies):
                    supply[o] = supply.get(o, 0.0) + v
                    left[o] = left.get(o, 0.0) + (float(sol.u[k][j]) if len(sol.u[k]) > j else 0.0)
        # round-off as the routes define it: 1e-9 of the largest supply of a class
        eps = ROUND_OFF * max([1.0, *(float(np.max(lp.supply[k])) for k, cl in enumerate(lp.classes)
                                      if cl.commodity == c and len(lp.supply[k]))])
        for o in sorted(supply, key=lambda o: lp.node_pos[o]):
            s = supply[o]
            dv = min(float(sent[c][lp.node_pos[o]]), s)
            un = s - dv if left[o] > eps else 0.0
            rows.append(
                {
                    "commodity": c,
                    "origin": o,
                    "supply": s,
                    "delivered": dv,
                    "unserved": un if un > eps else 0.0,
                    "unit": CANONICAL_UNITS[c],
                }
            )
    cols = ["commodity", "origin", "supply", "delivered", "unserved", "unit"]
    types = {"commodity": T, "origin": T, **UNSERVED_TYPES}
    return typed(pd.DataFrame(rows, columns=cols), types).set_index(["commodity", "origin"])


# --------------------------------------------------------------------------- capacities


def _saturated_frame(flows: pd.DataFrame, node_flows: pd.DataFrame) -> pd.DataFrame:
    """Links and nodes at capacity (utilisation within :data:`~transcaspian.schema.SATURATION_RTOL` of 1)."""
    cols = ["element", "kind", "name", "capacity", "unit", "utilisation"]
    parts = []
    for frame, kind in ((flows, "link"), (node_flows, "node")):
        if len(frame) == 0:
            continue
        df = pd.DataFrame(frame)[["name", "capacity", "unit", "utilisation"]]
        df = df[~df.index.duplicated()]
        df = df[df["utilisation"].astype(float) >= 1.0 - SATURATION_RTOL]
        df = df.rename_axis("element").reset_index()
        df.insert(1, "kind", kind)
        parts.append(df[cols])
    parts = [p for p in parts if len(p)]
    df = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=cols)
    df = typed(df, SATURATED_TYPES)
    return df.sort_values(["kind", "element"], kind="stable").reset_index(drop=True)


_DTYPES: dict[str, Any] = {T: pd.Series(["x"]).dtype, F: float, B: bool, OBJ: object}


def typed(df: pd.DataFrame, types: dict[str, str]) -> pd.DataFrame:
    """``df`` with the column types of ``types`` (``T``, ``F``, ``B``, ``OBJ`` per column: the ``*_TYPES`` tables
    above, or the time model's).

    A frame with no rows has ``object`` columns; typed, it concatenates and compares like
    one with rows. Text columns take pandas' string type for text (``str`` in pandas 3).
    """
    return df.astype({c: _DTYPES[t] for c, t in types.items() if c in df.columns})


def _shadow_frame(
    lp: FlowLP, sol: LPSolution, gross: PerCommodity, through: PerCommodity, objective: Objective
) -> pd.DataFrame:
    """Shadow prices of the binding (or priced) link, node and market capacities."""
    nodes, links = lp.net.nodes["name"], lp.net.links["name"]
    rows = []
    for i in np.flatnonzero(_priced_rows(sol)):
        r = sol.rows[i]
        if r.kind in ("link", "node", "market"):
            frame = links if r.kind == "link" else nodes
            names = {r.element: frame.at[r.element]} if r.element in frame.index else {}
            rows.append(_shadow_row(lp, sol, int(i), r, names, gross, through, objective))
    df = typed(pd.DataFrame(rows, columns=SHADOW_COLUMNS), SHADOW_TYPES)
    for col in ("objective_per_unit", "delivered_per_unit"):
        df[col] = df[col].astype(float).clip(lower=0.0) + 0.0
    if objective == "cost":
        df["usd_per_unit"] = df["objective_per_unit"]
    return df.sort_values(
        ["delivered_per_unit", "objective_per_unit", "element"], ascending=[False, False, True], kind="stable"
    ).reset_index(drop=True)


def _priced_rows(sol: LPSolution) -> np.ndarray:
    """Per row: binding, or a non-zero dual in either phase ."""
    if not sol.rows:
        return np.zeros(0, dtype=bool)
    cap = np.array([r.capacity for r in sol.rows], dtype=float)
    with np.errstate(invalid="ignore"):
        binding = sol.row_activity >= cap - BINDING_RTOL * np.maximum(1.0, np.abs(cap))
    return binding | (np.abs(sol.dual_phase1) > DUAL_EPS) | (np.abs(sol.dual_phase2) > DUAL_EPS)


def _shadow_row(
    lp: FlowLP,
    sol: LPSolution,
    i: int,
    r: Row,
    names: dict[Any, Any],
    gross: PerCommodity,
    through: PerCommodity,
    objective: Objective,
) -> dict[str, Any]:
    """Row ``i``'s duals per unit of capacity: objective saved (phase 2) and volume gained (phase 1)."""
    com = r.commodity or _dominant(lp, r, gross, through)
    w = lp.weights.get(com, 0.0)
    per_unit = -float(sol.dual_phase2[i]) * sol.objective_scale
    return {
        "element": r.element,
        "kind": r.kind,
        "name": names.get(r.element, r.element),
        "capacity": r.capacity,
        "unit": r.unit or CANONICAL_UNITS.get(com, ""),
        "commodity": com,
        "usd_per_unit": per_unit if objective == "cost" else math.nan,
        "objective_per_unit": per_unit,
        "delivered_per_unit": (-float(sol.dual_phase1[i]) / w) if w > 0 else 0.0,
    }


def _dominant(lp: FlowLP, row: Row, gross: PerCommodity, through: PerCommodity) -> str:
    """The commodity using most of an element's capacity (first solved one if idle)."""
    if len(lp.commodities) == 1:
        return lp.commodities[0]
    if row.kind == "link":
        i = lp.link_pos[row.element]
        use = {c: gross[c][i] for c in lp.commodities}
    else:
        i = lp.node_pos[row.element]
        use = {c: through[c][i] for c in lp.commodities}
    scaled = {}
    for c, v in use.items():
        try:
            scaled[c] = v * factor(c, row.unit or None)
        except UnitError:  # a commodity this capacity does not limit (gas through an oil port)
            continue
    if not scaled:
        return lp.commodities[0]
    best = max(scaled, key=lambda c: (scaled[c], -lp.commodities.index(c)))
    return best if scaled[best] > 0 else next(iter(scaled))


# --------------------------------------------------------------------------- emissions and contracts


def _emissions_frame(lp: FlowLP, fwd: PerCommodity, bwd: PerCommodity, coef: dict[str, PerCommodity]) -> pd.DataFrame:
    """Tonne-km and CO2 per mode (index ``mode``)."""
    modes = lp.net.links["mode"].to_numpy()
    tkm: dict[str, float] = {}
    co2: dict[str, float] = {}
    for c in lp.commodities:
        arcs = lp.arcs[c]
        f = _arc_flow(lp, c, fwd, bwd)
        for m in sorted(set(modes[arcs.link])):
            sel = modes[arcs.link] == m
            tkm[m] = tkm.get(m, 0.0) + float((f[sel] * coef[c]["tonne_km"][sel]).sum())
            co2[m] = co2.get(m, 0.0) + float((f[sel] * coef[c]["co2_t"][sel]).sum())
    df = pd.DataFrame({"tonne_km": tkm, "co2_t": co2}, columns=["tonne_km", "co2_t"], dtype=float).sort_index()
    df.index = df.index.astype(_DTYPES[T]).rename("mode")
    return df


def _contracts_frame(lp: FlowLP, sol: LPSolution, fwd: PerCommodity) -> pd.DataFrame:
    """Each contract's flow and whether it was met, relaxed, or its link was not usable."""
    rows = []
    for ct in lp.contracts:
        relaxed = sol.relaxed.get(ct.index, math.nan)
        if not lp.contract_cols.get(ct.index) and ct.min_flow > 0:
            status, relaxed = "relaxed: link not usable", 0.0
        elif not math.isnan(relaxed):
            status = "relaxed"
        else:
            status = "met"
        rows.append(
            {
                "link": ct.link,
                "commodity": ct.commodity,
                "origin": "+".join(ct.origins),
                "min_flow": ct.min_flow,
                "max_flow": ct.max_flow,
                "flow": _contract_flow(lp, sol, fwd, ct.index),
                "relaxed_min": relaxed,
                "status": status,
            }
        )
    return typed(pd.DataFrame(rows, columns=CONTRACT_COLUMNS), CONTRACT_TYPES)


def _contract_flow(lp: FlowLP, sol: LPSolution, fwd: PerCommodity, index: int) -> float:
    """Flow along a contract's link(s) (from_node -> to_node), of its origins' classes if it names any."""
    ct = next(c for c in lp.contracts if c.index == index)
    lis = [lp.link_pos[lid] for lid in ct.links]
    if not ct.origins:
        return float(sum(fwd[ct.commodity][li] for li in lis))
    return sum(
        float(sol.x[k][np.flatnonzero(np.isin(lp.arcs[cl.commodity].link, lis) & lp.arcs[cl.commodity].forward)].sum())
        for k, cl in enumerate(lp.classes)
        if cl.commodity == ct.commodity and cl.origin in ct.origins
    )
