"""Hand-made FlowResult objects for map tests (independent of the solver).

``make_result(net, flows, ...)`` fills the FlowResult contract (src/transcaspian/results.py)
from a network and made-up link flows, so the maps can be tested without tc.solve.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import geopandas as gpd
import pandas as pd

from transcaspian.flow.result import FlowResult
from transcaspian.schema import is_saturated
from transcaspian.units import CANONICAL_UNITS

#: Mini fixture, base year: the sea terminal and the China line both full.
MINI_BASE = {
    "a_hub": 30.0, "b_hub": 15.0, "hub_terminal": 35.0, "terminal_europe": 35.0,
    "hub_gate": 6.0, "gate_china": 6.0, "hub_port": 4.0, "port_europe": 4.0,
}
#: Mini fixture with the sea terminal out: rail to the west port and the China line full.
MINI_OUTAGE = {"a_port": 5.0, "b_hub": 6.0, "hub_gate": 6.0, "gate_china": 6.0, "port_europe": 5.0}


class FakeScenario:
    def __init__(self, name: str) -> None:
        self.name = name


def make_result(
    net,
    flows: Mapping[str, float],
    *,
    commodity: str = "crude",
    disable: Sequence[str] = (),
    derate: Mapping[str, float] | None = None,
    supplies: Mapping[str, float] | None = None,
    scenario: str | None = None,
) -> FlowResult:
    """A FlowResult for ``net`` with the given link flows (signed, canonical unit)."""
    derate = dict(derate or {})
    n = net.copy()
    for eid in disable:
        frame = n.nodes if eid in n.nodes.index else n.links
        frame.loc[eid, "disabled"] = True
    for eid, f in derate.items():
        frame = n.nodes if eid in n.nodes.index else n.links
        frame.loc[eid, "derate"] = float(f)
    unit = CANONICAL_UNITS[commodity]
    rows = []
    for lid, row in n.links.iterrows():
        if commodity not in row["commodities"]:
            continue
        cap = 0.0 if row["disabled"] else float(row["capacity"]) * float(row["derate"])
        f = float(flows.get(lid, 0.0))
        rows.append(
            {
                "link": lid,
                "commodity": commodity,
                "from_node": row["from_node"],
                "to_node": row["to_node"],
                "mode": row["mode"],
                "flow": f,
                "forward": max(f, 0.0),
                "backward": max(-f, 0.0),
                "capacity": cap,
                "unit": unit,
                "utilisation": abs(f) / cap if cap > 0 else 0.0,
                "cost": float(row["cost"].get(commodity, 0.0)),
                "disabled": bool(row["disabled"]),
                "derate": float(row["derate"]),
                "geometry": row.geometry,
            }
        )
    fl = gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326").set_index("link")
    through: dict[str, float] = {}
    for _, r in fl.iterrows():
        if r["flow"] > 0:
            through[r["to_node"]] = through.get(r["to_node"], 0.0) + r["flow"]
        elif r["flow"] < 0:
            through[r["from_node"]] = through.get(r["from_node"], 0.0) - r["flow"]
    sup = dict(supplies or {s["origin"]: float(s["value"]) for s in net.baseline.get("supplies", {}).get(commodity, [])})
    out_of: dict[str, float] = {}
    for _, r in fl.iterrows():
        src = r["from_node"] if r["flow"] >= 0 else r["to_node"]
        out_of[src] = out_of.get(src, 0.0) + abs(r["flow"])
    nrows = []
    for nid, row in n.nodes.iterrows():
        t = through.get(nid, 0.0) + (out_of.get(nid, 0.0) if nid in sup else 0.0)
        cap = row["capacity"]
        eff = 0.0 if row["disabled"] else (math.inf if pd.isna(cap) else float(cap) * float(row["derate"]))
        nrows.append(
            {
                "node": nid,
                "commodity": commodity,
                "throughput": t,
                "capacity": eff,
                "utilisation": (t / eff) if 0 < eff < math.inf else 0.0,
                "disabled": bool(row["disabled"]),
                "derate": float(row["derate"]),
            }
        )
    nf = pd.DataFrame(nrows).set_index("node")
    markets = net.baseline.get("markets", {}).get(commodity, [])
    deliv = pd.DataFrame(
        [{"commodity": commodity, "market": m, "volume": through.get(m, 0.0), "unit": unit} for m in markets],
        columns=["commodity", "market", "volume", "unit"],
    ).set_index(["commodity", "market"])
    un = pd.DataFrame(
        [
            {
                "commodity": commodity, "origin": o, "supply": s, "delivered": min(s, out_of.get(o, 0.0)),
                "unserved": max(0.0, s - out_of.get(o, 0.0)), "unit": unit,
            }
            for o, s in sup.items()
        ]
    ).set_index(["commodity", "origin"])
    sat = [
        {"element": lid, "kind": "link", "capacity": r["capacity"], "unit": unit, "utilisation": r["utilisation"]}
        for lid, r in fl.iterrows()
        if is_saturated(abs(r["flow"]), r["capacity"])
    ] + [
        {"element": nid, "kind": "node", "capacity": r["capacity"], "unit": unit, "utilisation": r["utilisation"]}
        for nid, r in nf.iterrows()
        if is_saturated(r["throughput"], r["capacity"])
    ]
    saturated = pd.DataFrame(sat, columns=["element", "kind", "capacity", "unit", "utilisation"])
    return FlowResult(
        network=n,
        scenario=FakeScenario(scenario) if scenario else None,
        commodities=(commodity,),
        objective="cost",
        flows=fl,
        node_flows=nf,
        routes=pd.DataFrame(
            columns=["commodity", "origin", "market", "path", "links", "volume", "unit_cost", "time_days", "distance_km"]
        ),
        delivered=deliv,
        unserved=un,
        total_cost=0.0,
        saturated=saturated,
        shadow_prices=pd.DataFrame(columns=["element", "kind", "usd_per_unit", "delivered_per_unit"]),
        emissions=pd.DataFrame(columns=["tonne_km", "co2_t"]),
        status="optimal (test factory)",
    )


def mini_pair(net):
    """(baseline, outage) results on the mini fixture: the terminal out, a link derated."""
    base = make_result(net, MINI_BASE)
    out = make_result(net, MINI_OUTAGE, disable=["terminal"], derate={"hub_port": 0.5}, scenario="terminal outage")
    return base, out
