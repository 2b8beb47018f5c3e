"""Turn an LP solution into the tables of a FlowResult (internal)."""

from __future__ import annotations

import math
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from .decompose import cancel_cycles, decompose
from ..elements import factor, link_cost, node_capacity_commodities, usable_links
from .lp import FlowLP, LPSolution
from ..parameters import factor_for, tonnes_per_unit, usd_factor
from ..errors import UnitError
from .result import FlowResult
from ..units import CANONICAL_UNITS, cost_unit

#: Utilisation at or above which a capacity counts as saturated.
SATURATED = 1.0 - 1e-6


def assemble(lp: FlowLP, sol: LPSolution, *, scenario: Any, objective: str) -> FlowResult:
    """Decompose the flow into routes and build every table of the result."""
    net = lp.net
    L, N = len(lp.link_ids), len(lp.node_ids)
    fwd = {c: np.zeros(L) for c in lp.commodities}
    bwd = {c: np.zeros(L) for c in lp.commodities}
    inflow = {c: np.zeros(N) for c in lp.commodities}
    outflow = {c: np.zeros(N) for c in lp.commodities}
    sent = {c: np.zeros(N) for c in lp.commodities}
    got = {c: np.zeros(N) for c in lp.commodities}
    route_rows: list[dict[str, Any]] = []
    dropped = 0.0
    coef = {c: lp.arc_coefficients(c) for c in lp.commodities}
    modes = net.links["mode"].to_numpy()
    countries = net.nodes["country"].to_numpy()
    for k, cl in enumerate(lp.classes):
        c = cl.commodity
        arcs = lp.arcs[c]
        supply = lp.supply[k]
        eps = 1e-9 * max(1.0, float(supply.max()) if supply.size else 1.0)
        x0 = lp.blocks[k][0]
        protected = [
            col - x0
            for ct in lp.contracts
            if ct.commodity == c and ct.min_flow > 0
            for col in lp.contract_cols.get(ct.index, [])
            if x0 <= col < lp.blocks[k][1]
        ]
        x = cancel_cycles(sol.x[k], arcs.tail, arcs.head, eps=eps, protected=protected)
        paths, drop = decompose(
            x,
            arcs.tail,
            arcs.head,
            np.arange(len(x)),
            lp.origins[k],
            np.clip(supply - sol.u[k], 0.0, None),
            lp.markets[k],
            sol.d[k],
            eps=eps,
        )
        dropped += drop
        for p in paths:
            a = np.array(p.arcs, dtype=int)
            li = arcs.link[a]
            f = arcs.forward[a]
            np.add.at(fwd[c], li[f], p.volume)
            np.add.at(bwd[c], li[~f], p.volume)
            np.add.at(outflow[c], arcs.tail[a], p.volume)
            np.add.at(inflow[c], arcs.head[a], p.volume)
            if not p.circulation:
                sent[c][p.origin] += p.volume
                got[c][p.market] += p.volume
            unit_cost = float(coef[c]["unit_cost"][a].sum())
            route_rows.append(
                {
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
                    "time_days": float(coef[c]["time_days"][a].sum()),
                    "distance_km": float(coef[c]["length_km"][a].sum()),
                    "kind": "circulation" if p.circulation else "path",
                    "class": cl.label,
                }
            )
    flows = _flows_frame(lp, fwd, bwd)
    node_flows = _node_frame(lp, inflow, outflow, sent, got)
    routes = _routes_frame(route_rows, lp.commodities)
    delivered, unserved = _market_origin_frames(lp, sent, got)
    saturated = _saturated_frame(flows, node_flows, net)
    gross = {c: fwd[c] + bwd[c] for c in lp.commodities}
    through = {c: outflow[c] + got[c] for c in lp.commodities}
    shadow = _shadow_frame(lp, sol, gross, through, objective)
    emissions = _emissions_frame(lp, fwd, bwd, coef)
    contracts = _contracts_frame(lp, sol, fwd)
    meta = dict(sol.meta)
    meta.update(
        {
            "method": "lexicographic LP: phase 1 max delivered (unserved weighted 1/total supply per commodity), "
            "phase 2 min " + objective,
            "objective_value": sol.objective_value,
            "objective_unit": {"cost": "USD/y", "time": "tonne-days/y", "emissions": "tCO2/y"}[objective],
            "phase1_weighted_unserved": sol.phase1_value,
            "dropped_roundoff": dropped,
            "relaxed_contracts": {_ct_label(lp, i): v for i, v in sol.relaxed.items()},
            "flow_classes": [cl.label for cl in lp.classes],
            "scenario": getattr(scenario, "name", None),
            "as_of": net.as_of.isoformat() if net.as_of else None,
            "applied": list(net.applied),
            "tonne_days": float(sum((coef[c]["tonne_days"] * _arc_flow(lp, c, fwd, bwd)).sum() for c in lp.commodities)),
        }
    )
    return FlowResult(
        network=net,
        scenario=scenario,
        commodities=lp.commodities,
        objective=objective,
        flows=flows,
        node_flows=node_flows,
        routes=routes,
        delivered=delivered,
        unserved=unserved,
        total_cost=float(flows["cost_usd"].sum()) if len(flows) else 0.0,
        saturated=saturated,
        shadow_prices=shadow,
        emissions=emissions,
        status="optimal",
        meta=meta,
        contracts=contracts,
    )


def _ct_label(lp: FlowLP, index: int) -> str:
    ct = next(c for c in lp.contracts if c.index == index)
    return ct.label


def _arc_flow(lp: FlowLP, c: str, fwd: dict, bwd: dict) -> np.ndarray:
    arcs = lp.arcs[c]
    return np.where(arcs.forward, fwd[c][arcs.link], bwd[c][arcs.link])


def _flows_frame(lp: FlowLP, fwd: dict, bwd: dict) -> gpd.GeoDataFrame:
    net = lp.net
    links = net.links
    units_ = links["unit"].to_numpy()
    used = np.zeros(len(links))
    for c in lp.commodities:
        moved = np.flatnonzero(fwd[c] + bwd[c])
        f = np.array([factor(c, units_[i]) for i in moved])
        used[moved] += (fwd[c][moved] + bwd[c][moved]) * f
    cap = np.where(np.isinf(lp.link_cap), np.nan, lp.link_cap)  # tables: no capacity = blank
    with np.errstate(divide="ignore", invalid="ignore"):
        util = np.where(np.isnan(cap) | (cap <= 0), np.nan, used / cap)
    frames = []
    for c in lp.commodities:
        carries = links["commodities"].map(lambda cs, c=c: c in (cs or [])).to_numpy()
        idx = np.flatnonzero(carries)
        usable = usable_links(net, c).to_numpy()[idx]
        per = np.array([_cost(v, c) for v in links["cost"].to_numpy()[idx]], dtype=float)
        length = links["length_km"].to_numpy(dtype=float)[idx]
        gross = fwd[c][idx] + bwd[c][idx]
        tpu = tonnes_per_unit(c, net.parameters)
        ef = np.array([factor_for(lp.ef_table, str(m), c) for m in links["mode"].to_numpy()[idx]])
        frames.append(
            pd.DataFrame(
                {
                    "link": links.index[idx],
                    "commodity": c,
                    "name": links["name"].to_numpy()[idx],
                    "from_node": links["from_node"].to_numpy()[idx],
                    "to_node": links["to_node"].to_numpy()[idx],
                    "mode": links["mode"].to_numpy()[idx],
                    "status": links["status"].to_numpy()[idx],
                    "usable": usable,
                    "flow": fwd[c][idx] - bwd[c][idx],
                    "forward": fwd[c][idx],
                    "backward": bwd[c][idx],
                    "capacity": cap[idx],
                    "unit": [_unit(u) or CANONICAL_UNITS[c] for u in units_[idx]],
                    "utilisation": util[idx],
                    "cost": per,
                    "cost_unit": cost_unit(c),
                    "cost_usd": gross * np.nan_to_num(per) * usd_factor(c),
                    "time_days": links["time_days"].to_numpy(dtype=float)[idx],
                    "length_km": length,
                    "tonne_km": gross * np.nan_to_num(length) * tpu,
                    "co2_t": gross * np.nan_to_num(length) * tpu * ef / 1e6,
                    "disabled": links["disabled"].to_numpy(dtype=bool)[idx],
                    "derate": links["derate"].to_numpy(dtype=float)[idx],
                    "geometry": links.geometry.to_numpy()[idx],
                }
            )
        )
    df = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame({"link": [], "geometry": []})
    return gpd.GeoDataFrame(df.set_index("link"), geometry="geometry", crs=links.crs)


def _unit(u: Any) -> str:
    return "" if u is None or (isinstance(u, float) and math.isnan(u)) else str(u)


def _cost(value: Any, c: str) -> float:
    return link_cost({"cost": value}, c)


def _node_frame(lp: FlowLP, inflow: dict, outflow: dict, sent: dict, got: dict) -> pd.DataFrame:
    net = lp.net
    nodes = net.nodes
    cap = np.where(np.isinf(lp.node_cap), np.nan, lp.node_cap)  # tables: no capacity = blank
    units_ = nodes["unit"].to_numpy()
    used = np.zeros(len(nodes))
    counted: dict[int, set[str]] = {}
    for i in range(len(nodes)):
        if not np.isnan(cap[i]):
            counted[i] = set(node_capacity_commodities(nodes.iloc[i], lp.commodities))
    for c in lp.commodities:
        through = outflow[c] + got[c]
        for i, cs in counted.items():
            if c in cs:
                used[i] += through[i] * factor(c, units_[i])
    with np.errstate(divide="ignore", invalid="ignore"):
        util = np.where(np.isnan(cap) | (cap <= 0), np.nan, used / cap)
    supply = {c: np.zeros(len(nodes)) for c in lp.commodities}
    for k, cl in enumerate(lp.classes):
        np.add.at(supply[cl.commodity], np.array(lp.origins[k], int), lp.supply[k])
    frames = []
    links = net.links
    for c in lp.commodities:
        carries = links["commodities"].map(lambda cs, c=c: c in (cs or []))
        touched = set(links.loc[carries, "from_node"]) | set(links.loc[carries, "to_node"])
        touched |= {lp.node_ids[i] for i in np.flatnonzero(supply[c])}
        touched |= {m for k, cl in enumerate(lp.classes) if cl.commodity == c for m in cl.markets}
        idx = np.array([i for i, n in enumerate(lp.node_ids) if n in touched], dtype=int)
        frames.append(
            pd.DataFrame(
                {
                    "node": nodes.index[idx],
                    "commodity": c,
                    "name": nodes["name"].to_numpy()[idx],
                    "kind": nodes["kind"].to_numpy()[idx],
                    "country": nodes["country"].to_numpy()[idx],
                    "supply": supply[c][idx],
                    "sent": sent[c][idx],
                    "delivered": got[c][idx],
                    "inflow": inflow[c][idx],
                    "outflow": outflow[c][idx],
                    "throughput": outflow[c][idx] + got[c][idx],
                    "capacity": cap[idx],
                    "unit": [_unit(u) for u in units_[idx]],
                    "utilisation": util[idx],
                    "disabled": nodes["disabled"].to_numpy(dtype=bool)[idx],
                    "derate": nodes["derate"].to_numpy(dtype=float)[idx],
                }
            )
        )
    if not frames:
        return pd.DataFrame(columns=["commodity", "throughput"]).rename_axis("node")
    return pd.concat(frames, ignore_index=True).set_index("node")


ROUTE_COLUMNS = [
    "commodity", "origin", "market", "path", "links", "modes", "countries", "volume", "unit",
    "unit_cost", "cost_unit", "cost_usd", "time_days", "distance_km", "kind", "class",
]


def _routes_frame(rows: list[dict[str, Any]], commodities: tuple[str, ...]) -> pd.DataFrame:
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in ROUTE_COLUMNS})
    df = pd.DataFrame(rows, columns=ROUTE_COLUMNS)
    order = {c: i for i, c in enumerate(commodities)}
    df["_c"] = df["commodity"].map(order)
    df["_p"] = df["path"].map(lambda p: "/".join(p))
    df = df.sort_values(["_c", "volume", "origin", "market", "_p"], ascending=[True, False, True, True, True], kind="stable")
    return df.drop(columns=["_c", "_p"]).reset_index(drop=True)


def _market_origin_frames(lp: FlowLP, sent: dict, got: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    drows, urows = [], []
    for c in lp.commodities:
        caps = {}
        for cl in lp.classes:
            if cl.commodity != c:
                continue
            for m in cl.markets:
                caps.setdefault(m, lp.market_caps.get(c, {}).get(m, math.inf))
        for m in list(lp.market_caps.get(c, {})):
            caps.setdefault(m, lp.market_caps[c][m])
        for m in sorted(caps, key=lp.node_pos.get):
            drows.append({"commodity": c, "market": m, "volume": float(got[c][lp.node_pos[m]]), "unit": CANONICAL_UNITS[c], "cap": caps[m]})
        supply: dict[str, float] = {}
        for cl in lp.classes:
            if cl.commodity == c:
                for o, v in cl.supplies:
                    supply[o] = supply.get(o, 0.0) + v
        for o in sorted(supply, key=lp.node_pos.get):
            s = supply[o]
            dv = min(float(sent[c][lp.node_pos[o]]), s)
            un = s - dv
            urows.append({"commodity": c, "origin": o, "supply": s, "delivered": dv, "unserved": un if un > 1e-9 * max(1, s) else 0.0, "unit": CANONICAL_UNITS[c]})
    dcols = ["commodity", "market", "volume", "unit", "cap"]
    ucols = ["commodity", "origin", "supply", "delivered", "unserved", "unit"]
    delivered = pd.DataFrame(drows, columns=dcols).set_index(["commodity", "market"])
    unserved = pd.DataFrame(urows, columns=ucols).set_index(["commodity", "origin"])
    return delivered, unserved


def _saturated_frame(flows: pd.DataFrame, node_flows: pd.DataFrame, net: Any) -> pd.DataFrame:
    cols = ["element", "kind", "name", "capacity", "unit", "utilisation"]
    parts = []
    for frame, kind in ((flows, "link"), (node_flows, "node")):
        if len(frame) == 0:
            continue
        df = pd.DataFrame(frame)[["name", "capacity", "unit", "utilisation"]]
        df = df[~df.index.duplicated()]
        df = df[df["utilisation"].astype(float) >= SATURATED]
        df = df.rename_axis("element").reset_index()
        df.insert(1, "kind", kind)
        parts.append(df[cols])
    parts = [p for p in parts if len(p)]
    df = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=cols)
    df["utilisation"] = df["utilisation"].astype(float)
    return df.sort_values(["kind", "element"], kind="stable").reset_index(drop=True)


def _shadow_frame(lp: FlowLP, sol: LPSolution, fwd: dict, through: dict, objective: str) -> pd.DataFrame:
    rows = []
    names = {**lp.net.nodes["name"].to_dict(), **lp.net.links["name"].to_dict()}
    for i, r in enumerate(sol.rows):
        if r.kind not in ("link", "node", "market"):
            continue
        d1, d2 = float(sol.dual_phase1[i]), float(sol.dual_phase2[i])
        binding = sol.row_activity[i] >= r.capacity - 1e-7 * max(1.0, abs(r.capacity))
        if not binding and abs(d1) <= 1e-9 and abs(d2) <= 1e-9:
            continue
        com = r.commodity or _dominant(lp, r, fwd, through)
        w = lp.weights.get(com, 0.0)
        per_unit = -d2 * sol.objective_scale
        rows.append(
            {
                "element": r.element,
                "kind": r.kind,
                "name": names.get(r.element, r.element),
                "capacity": r.capacity,
                "unit": r.unit or CANONICAL_UNITS.get(com, ""),
                "commodity": com,
                "usd_per_unit": per_unit if objective == "cost" else math.nan,
                "objective_per_unit": per_unit,
                "delivered_per_unit": (-d1 / w) if w > 0 else 0.0,
            }
        )
    cols = ["element", "kind", "name", "capacity", "unit", "commodity", "usd_per_unit", "objective_per_unit", "delivered_per_unit"]
    df = pd.DataFrame(rows, columns=cols)
    for col in ("objective_per_unit", "delivered_per_unit"):
        df[col] = df[col].astype(float).clip(lower=0.0) + 0.0
    if objective == "cost":
        df["usd_per_unit"] = df["objective_per_unit"]
    return df.sort_values(["delivered_per_unit", "objective_per_unit", "element"], ascending=[False, False, True], kind="stable").reset_index(drop=True)


def _dominant(lp: FlowLP, row: Any, fwd: dict, through: dict) -> str:
    """The commodity using most of an element's capacity (first solved one if idle)."""
    if len(lp.commodities) == 1:
        return lp.commodities[0]
    if row.kind == "link":
        i = lp.link_pos[row.element]
        use = {c: fwd[c][i] for c in lp.commodities}
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


def _emissions_frame(lp: FlowLP, fwd: dict, bwd: dict, coef: dict) -> pd.DataFrame:
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
    df = pd.DataFrame({"tonne_km": tkm, "co2_t": co2}, columns=["tonne_km", "co2_t"]).sort_index()
    df.index.name = "mode"
    return df


def _contracts_frame(lp: FlowLP, sol: LPSolution, fwd: dict) -> pd.DataFrame:
    rows = []
    for ct in lp.contracts:
        li = lp.link_pos[ct.link]
        if ct.origin is None:
            flow = float(fwd[ct.commodity][li])
        else:  # the origin's own class(es): sum their forward arcs on the link
            flow = sum(
                float(sol.x[k][np.flatnonzero((lp.arcs[cl.commodity].link == li) & lp.arcs[cl.commodity].forward)].sum())
                for k, cl in enumerate(lp.classes)
                if cl.commodity == ct.commodity and cl.origin == ct.origin
            )
        usable = bool(lp.contract_cols.get(ct.index))
        relaxed = sol.relaxed.get(ct.index, math.nan)
        if not usable and ct.min_flow > 0:
            status, relaxed = "relaxed: link not usable", 0.0
        elif not math.isnan(relaxed):
            status = "relaxed"
        else:
            status = "met"
        rows.append(
            {
                "link": ct.link,
                "commodity": ct.commodity,
                "origin": ct.origin or "",
                "min_flow": ct.min_flow,
                "max_flow": ct.max_flow,
                "flow": flow,
                "relaxed_min": relaxed,
                "status": status,
            }
        )
    return pd.DataFrame(rows, columns=["link", "commodity", "origin", "min_flow", "max_flow", "flow", "relaxed_min", "status"])
