"""The flow problem of one commodity as a PyPSA network (the ``pypsa`` extra).

:func:`to_pypsa` writes the problem :func:`transcaspian.solve` solves as a
:class:`pypsa.Network` of one snapshot, so its optimum is the same:

* per flow class (a commodity, or its origins restricted to some markets;
  :func:`transcaspian.flow.inputs.flow_classes`) a copy of every usable node as a
  ``Bus`` (``<node>|<class>``);
* every usable link direction as a ``Link`` per class (``<link>|fwd|<class>``,
  ``|rev|`` for the way back of a bidirectional link), ``marginal_cost`` its cost per
  unit (the commodity's cost unit, e.g. USD/t), ``p_nom`` its effective capacity in the
  commodity's canonical unit (uncapacitated: the total supply, which no flow exceeds);
* supplies as ``Generator`` (``supply|<origin>|<class>``, ``p_nom`` the supply, cost 0);
* markets as absorbing ``Generator`` (``market|<node>|<class>``, ``p_min_pu=-1``,
  ``p_max_pu=0``) whose ``marginal_cost`` is a reward ``M`` per unit delivered, larger
  than the cost of any route, so the optimum first delivers the most and then at the
  least cost - tc.solve's two phases in one objective;
* a capacitated node as two buses (in, out) joined by a throughput ``Link``
  (outflow plus delivered), a capped market behind a ``Link`` of its cap;
* a capacity shared by several such links (both directions of a bidirectional link,
  every class) as one linear constraint per element added to the linopy model by
  :func:`constraints` (pass it as ``extra_functionality``).

Contracts (minimum and maximum flows) are not exported: a scenario with
``drop_contracts`` (or a network without contracts) is required.

Examples
--------
>>> import transcaspian as tc
>>> net = tc.load_network("tests/fixtures/mini")
>>> n = tc.to_pypsa(net, commodity="crude")
>>> n.optimize(solver_name="highs", extra_functionality=constraints)
('ok', 'optimal')
>>> round(summary(n)["delivered"], 6) == round(tc.solve(net, commodity="crude").total_delivered["crude"], 6)
True
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from ..elements import (
    crosses_countries,
    effective_capacity,
    factor,
    link_cost,
    node_capacity_commodities,
    usable_links,
    usable_nodes,
)
from ..errors import InputError
from ..flow.inputs import contracts_for, flow_classes, markets_for
from ..parameters import usd_factor

if TYPE_CHECKING:
    from ..network import CorridorNetwork
    from ..scenario import Scenario

__all__ = ["to_pypsa", "constraints", "summary", "solve_pypsa"]


def _import_pypsa() -> Any:
    try:
        import pypsa
    except ModuleNotFoundError:
        raise InputError("to_pypsa needs PyPSA: pip install 'transcaspian[pypsa]'") from None
    return pypsa


def to_pypsa(net: CorridorNetwork, scenario: Scenario | None = None, *, commodity: str = "crude") -> Any:
    """A :class:`pypsa.Network` whose optimum is ``tc.solve(net, scenario, commodity=commodity)``'s.

    Parameters
    ----------
    net : CorridorNetwork
    scenario : Scenario, optional
        Applied first, as :func:`transcaspian.solve` does.
    commodity : str

    Returns
    -------
    pypsa.Network
        Solve with ``n.optimize(solver_name="highs", extra_functionality=constraints)``
        (or :func:`solve_pypsa`); ``n.meta["transcaspian"]`` holds the shared
        capacities, the reward and the cost factor.

    Raises
    ------
    InputError
        If PyPSA is missing, or the problem has contracts (drop them with a
        scenario's ``drop_contracts``).
    """
    pypsa = _import_pypsa()
    if scenario is not None:
        net = scenario.apply(net)
    contracts = contracts_for(net, (commodity,))
    if contracts:
        names = ", ".join(sorted({c.label for c in contracts}))
        raise InputError(f"to_pypsa: {commodity} has contracts ({names}), which PyPSA's components cannot state; solve a scenario with drop_contracts")
    classes = flow_classes(net, commodity)
    caps = markets_for(net, commodity)
    node_ok = usable_nodes(net.nodes)
    ok_nodes = [str(nid) for nid in net.nodes.index if node_ok[nid]]
    links = net.links[usable_links(net, commodity)]
    total = sum(v for cl in classes for _, v in cl.supplies) or 1.0
    costs = {str(lid): link_cost(row, commodity) for lid, row in links.iterrows()}
    reward = 10.0 * (1.0 + 2.0 * sum(costs.values()))
    node_cap: dict[str, float] = {}
    for nid in ok_nodes:
        row = net.nodes.loc[nid]
        cap = effective_capacity(row)
        if math.isfinite(cap) and commodity in node_capacity_commodities(row, [commodity]):
            node_cap[nid] = cap / factor(commodity, row["unit"])
    b = _Builder(total)
    for k, cl in enumerate(classes):
        b.add_class(net, links, f"c{k}", cl, ok_nodes, node_cap, caps, costs, reward)
    comp, groups = b.comp, b.groups
    n = pypsa.Network()
    n.set_snapshots([0])
    n.add("Carrier", commodity)
    n.add("Bus", comp["Bus"]["name"], carrier=commodity)
    lk = comp["Link"]
    n.add("Link", lk["name"], bus0=lk["bus0"], bus1=lk["bus1"], p_nom=lk["p_nom"], marginal_cost=lk["marginal_cost"], efficiency=1.0, carrier=commodity)
    g = comp["Generator"]
    n.add("Generator", g["name"], bus=g["bus"], p_nom=g["p_nom"], p_min_pu=g["p_min_pu"], p_max_pu=g["p_max_pu"], marginal_cost=g["marginal_cost"], carrier=commodity)
    # a capacity shared by several PyPSA links (both directions, several classes) needs a constraint of its own
    shared = {k: v for k, v in groups.items() if len(v[1]) > 1}
    n.meta = {"transcaspian": {"commodity": commodity, "reward": reward, "usd_factor": usd_factor(commodity), "shared": shared}}
    return n


class _Builder:
    """Columns of the PyPSA components, and the capacities several links share."""

    def __init__(self, total: float) -> None:
        self.total = total
        self.comp: dict[str, dict[str, list[Any]]] = {
            "Bus": {"name": []},
            "Link": {"name": [], "bus0": [], "bus1": [], "p_nom": [], "marginal_cost": []},
            "Generator": {"name": [], "bus": [], "p_nom": [], "p_min_pu": [], "p_max_pu": [], "marginal_cost": []},
        }
        self.groups: dict[str, tuple[float, list[str]]] = {}

    def link(self, name: str, bus0: str, bus1: str, p_nom: float, cost: float, group: str, cap: float) -> None:
        for key, v in zip(("name", "bus0", "bus1", "p_nom", "marginal_cost"), (name, bus0, bus1, min(p_nom, self.total), cost)):
            self.comp["Link"][key].append(v)
        if math.isfinite(cap):
            self.groups.setdefault(group, (cap, []))[1].append(name)

    def gen(self, name: str, bus: str, p_nom: float, lo: float, hi: float, cost: float) -> None:
        for key, v in zip(("name", "bus", "p_nom", "p_min_pu", "p_max_pu", "marginal_cost"), (name, bus, p_nom, lo, hi, cost)):
            self.comp["Generator"][key].append(v)

    def add_class(self, net: CorridorNetwork, links: Any, tag: str, cl: Any, ok_nodes: list[str], node_cap: dict[str, float],
                  caps: dict[str, float], costs: dict[str, float], reward: float) -> None:
        """One flow class: its copy of the nodes, link directions, supplies and markets."""
        # a capacitated node is two buses, in and out, joined by its throughput link (outflow plus delivered)
        into = {nid: f"{nid}|{tag}" + ("|in" if nid in node_cap else "") for nid in ok_nodes}
        out = {nid: f"{nid}|{tag}" for nid in ok_nodes}
        for nid in ok_nodes:
            self.comp["Bus"]["name"].append(out[nid])
            if nid in node_cap:
                self.comp["Bus"]["name"].append(into[nid])
                self.link(f"node|{nid}|{tag}", into[nid], out[nid], node_cap[nid], 0.0, f"node|{nid}", node_cap[nid])
        avoid = set(cl.avoid)
        banned = np.asarray(crosses_countries(links, cl.avoid), dtype=bool) if cl.avoid else np.zeros(len(links), dtype=bool)
        countries = net.nodes["country"]
        for (lid, row), ban in zip(links.iterrows(), banned):
            if ban or (avoid and {countries[row["from_node"]], countries[row["to_node"]]} & avoid):
                continue
            cap = effective_capacity(row)
            cap = cap / factor(cl.commodity, row["unit"]) if math.isfinite(cap) else math.inf
            if cap <= 0 or row["from_node"] not in out or row["to_node"] not in out:
                continue
            ends = [("fwd", row["from_node"], row["to_node"])]
            if bool(row["bidirectional"]):
                ends.append(("rev", row["to_node"], row["from_node"]))
            for way, u, v in ends:
                self.link(f"{lid}|{way}|{tag}", out[u], into[v], cap, costs[str(lid)], f"link|{lid}", cap)
        for origin, value in cl.supplies:
            if origin in into:
                self.gen(f"supply|{origin}|{tag}", into[origin], float(value), 0.0, 1.0, 0.0)
        for m in cl.markets:
            if m in out:
                sink = f"{m}|{tag}|market"
                self.comp["Bus"]["name"].append(sink)
                self.link(f"market|{m}|{tag}", out[m], sink, caps.get(m, math.inf), 0.0, f"market|{m}", caps.get(m, math.inf))
                self.gen(f"market|{m}|{tag}", sink, self.total, -1.0, 0.0, reward)


def constraints(n: Any, snapshots: Any) -> None:
    """The capacities :func:`to_pypsa` shares between several links, as one linopy constraint (``extra_functionality``)."""
    import xarray as xr

    shared = n.meta["transcaspian"]["shared"]
    if not shared:
        return
    names = [name for _, members in shared.values() for name in members]
    labels = [group for group, (_, members) in shared.items() for _ in members]
    p = n.model.variables["Link-p"]
    dim = p.dims[1]
    lhs = p.sel({dim: names}).groupby(xr.DataArray(labels, coords={dim: names}, dims=dim, name="group")).sum()
    rhs = xr.DataArray([shared[g][0] for g in lhs.coords["group"].values], coords={"group": lhs.coords["group"].values}, dims="group")
    n.model.add_constraints(lhs <= rhs, name="tc-shared-capacity")


def solve_pypsa(n: Any, *, solver_name: str = "highs") -> dict[str, float]:
    """Optimise ``n`` with the shared capacities and return :func:`summary`."""
    status, condition = n.optimize(solver_name=solver_name, extra_functionality=constraints, include_objective_constant=False)
    if status != "ok":
        raise InputError(f"PyPSA optimisation ended {status} ({condition})")
    return summary(n)


def summary(n: Any) -> dict[str, float]:
    """Delivered volume (canonical unit) and transport cost (USD/y) of an optimised :func:`to_pypsa` network."""
    meta = n.meta["transcaspian"]
    gen = n.generators_t.p.iloc[0]
    delivered = float(-gen[[g for g in gen.index if g.startswith("market|")]].sum())
    flows = n.links_t.p0.iloc[0]
    cost = float(np.dot(flows.to_numpy(), n.links.loc[flows.index, "marginal_cost"].to_numpy())) * meta["usd_factor"]
    # the links of node throughputs and markets cost nothing: the sum is the transport cost
    return {"delivered": delivered, "total_cost": cost}
