"""Single-commodity problems as an integer min-cost max-flow on OR-Tools (internal).

``tc.solve(..., method="netflow")`` solves the same lexicographic problem as the LP
(:mod:`.lp`: deliver the most, then the cheapest) with OR-Tools'
``SimpleMinCostFlow.solve_max_flow_with_min_cost`` (a max flow, then a cost-scaling
min-cost flow among the max flows), when the problem is a plain network flow:

* one commodity in one flow class (no supply restricted to some markets, no origin
  solved apart); a class avoiding countries has those arcs removed;
* no contract on the commodity, ``allocation="cost"``;
* phase-2 coefficients (cost, time or emissions per unit) that are not negative.

Anything else is refused with an :class:`~transcaspian.errors.InputError` naming why
(:func:`ineligible_reason`); the LP path (``method="lp"``) solves it. The graph is the
LP's, arc for arc (:meth:`.lp.FlowLP` ``arcs``): a link arc's capacity is the link's
effective capacity in the commodity's unit; a bidirectional link's two arcs each get the
whole capacity (at a min-cost optimum with costs >= 0 opposite flows cancel, and they are
cancelled before the result is built, so the joint capacity holds); a capacitated node
is split into ``in -> out`` carrying its throughput capacity (outflow plus delivered);
a super source feeds every origin its supply and every usable market drains into a
super sink through an arc capped by its market cap.

OR-Tools works in integers (int64). Volumes are scaled by a power of two,
``flow_scale = 2**k``: the smallest ``k`` at which every supply, capacity and cap is an
integer, else the largest with the total supply at most ``2**FLOW_BITS`` (then values
are rounded down, so the flow stays feasible). Phase-2 coefficients are scaled by the
smallest power of two or of ten at which they are all integers (to within
:data:`INTEGRAL_TOL` of a unit), else by the largest the solver's cost range allows
(``cost * (nodes + 1)`` must fit its int64 price scaling), rounded to the nearest
integer. Both roundings are reported in ``meta["netflow"]`` with rigorous bounds on what
they can change: ``delivered_bound`` (volume: the capacity rounded off, summed) and
``objective_bound`` (objective units: each coefficient's rounding times the most its arc
can carry, summed). A bound above :data:`NETFLOW_RTOL` of the total supply (or of the
objective) is refused rather than answered. A network flow gives no duals: the first
read of ``shadow_prices`` solves the LP of the same problem for them
(:func:`with_lp_duals`; ``meta["shadow_prices"]`` says when and how long it took).

Examples
--------
>>> import transcaspian as tc
>>> res = tc.solve(tc.load_network("tests/fixtures/mini"), commodity="crude", method="netflow")
>>> round(res.total_delivered["crude"], 3), res.meta["netflow"]["exact"]
(41.0, True)
"""

from __future__ import annotations

import dataclasses
import importlib
import logging
import math
import time
from typing import Any

import numpy as np
import pandas as pd

from ..elements import factor, node_capacity_commodities
from ..errors import InputError, SolverError
from .lp import FlowLP, LPSolution

__all__ = ["NETFLOW_RTOL", "FLOW_BITS", "ineligible_reason", "solve_netflow", "NetflowGraph", "netflow_graph",
           "with_lp_duals"]

log = logging.getLogger(__name__)

#: Total supply at most ``2**FLOW_BITS`` flow units once scaled (int64 sums stay far from overflow).
FLOW_BITS = 48
#: Largest scaled cost is at most ``2**COST_BITS``, and within OR-Tools' range ``2**62 / (nodes + 1)``.
COST_BITS = 40
#: A scaled value this close to an integer counts as exact (it is the value the data meant).
INTEGRAL_TOL = 1e-9
#: Largest accepted rounding bound, relative to the total supply (delivered) and to the objective.
NETFLOW_RTOL = 1e-7
#: The fix named by every refusal.
FIX = "pip install transcaspian[netflow]"


@dataclasses.dataclass
class NetflowGraph:
    """The network-flow form of a single-class :class:`~.lp.FlowLP` (float data, arcs in blocks).

    Arcs ``0 .. n_link-1`` are the LP's arcs of the class (in the LP's order; ``link_arc``
    maps them back, with the arcs a class avoids left out), then one ``in -> out`` arc per
    split node, one ``source -> origin`` arc per origin, one ``market -> sink`` arc per
    market. ``cap`` is ``inf`` for an uncapacitated arc.
    """

    tail: np.ndarray
    head: np.ndarray
    cap: np.ndarray
    cost: np.ndarray
    link_arc: np.ndarray  # per link-arc block entry: its index among the LP's arcs
    n_link: int
    n_split: int
    n_origin: int
    n_market: int
    n_nodes: int
    source: int
    sink: int
    total_supply: float


def ineligible_reason(lp: FlowLP) -> str | None:
    """Why ``lp`` is not a plain single-commodity network flow (``None`` when it is).

    Examples
    --------
    >>> import transcaspian as tc
    >>> from transcaspian.flow.solver import prepare
    >>> net = tc.load_network("tests/fixtures/mini")
    >>> ineligible_reason(prepare(net, ("crude",), objective="cost")) is None
    True
    >>> ineligible_reason(prepare(net, ("crude",), objective="cost", allocation="pro_rata"))
    "allocation='pro_rata' shares bottlenecks pro rata, which a min-cost flow cannot; use allocation='cost'"
    """
    if len(lp.commodities) != 1:
        return (f"it solves {len(lp.commodities)} commodities together ({', '.join(lp.commodities)}) and a network "
                "flow carries one; solve one commodity at a time")
    c = lp.commodities[0]
    if len(lp.classes) != 1:
        labels = ", ".join(cl.label for cl in lp.classes)
        return (f"commodity {c} has {len(lp.classes)} flow classes ({labels}): supplies restricted to some markets or "
                "avoiding different countries are a multi-commodity flow")
    if lp.contracts:
        labels = ", ".join(ct.label for ct in lp.contracts)
        return f"{len(lp.contracts)} contract(s) bound the {c} flow ({labels}); lift them with a scenario's drop_contracts"
    if lp.allocation != "cost":
        return f"allocation={lp.allocation!r} shares bottlenecks pro rata, which a min-cost flow cannot; use allocation='cost'"
    coef = lp.objective_coefficients(c)
    neg = np.flatnonzero(coef < 0)
    if neg.size:
        lid = lp.link_ids[int(lp.arcs[c].link[neg[0]])]
        return f"link {lid} has a negative {lp.objective} coefficient ({coef[neg[0]]:g}); fix the link's data"
    return None


def netflow_graph(lp: FlowLP) -> NetflowGraph:
    """The arcs, capacities and phase-2 coefficients of the network flow of ``lp`` (one class)."""
    c = lp.commodities[0]
    cl = lp.classes[0]
    arcs = lp.arcs[c]
    N = len(lp.node_ids)
    keep = np.arange(len(arcs.link))
    if cl.avoid:  # the LP fixes these arcs at 0
        x0, u0 = lp.blocks[0][0], lp.blocks[0][1]
        keep = keep[lp._bounds()[x0:u0, 1][keep] > 0]
    li = arcs.link[keep]
    codes, units = pd.factorize(lp.net.links["unit"].to_numpy()[li])  # one factor per distinct unit (-1: none)
    f = np.append(np.array([factor(c, u) for u in units], dtype=float), 1.0)[codes]
    link_cap = lp.link_cap[li] / f
    # capacitated nodes counting this commodity: split in -> out
    nodes = lp.net.nodes
    node_units = nodes["unit"].to_numpy()
    finite = np.flatnonzero(np.isfinite(lp.node_cap) & lp.node_ok)
    split = [int(i) for i in finite if c in node_capacity_commodities(nodes.iloc[int(i)], (c,))]
    out = np.arange(N)
    out[split] = N + np.arange(len(split))
    split_cap = np.array([lp.node_cap[i] / factor(c, node_units[i]) for i in split], dtype=float)
    source, sink = N + len(split), N + len(split) + 1
    origins = np.array(lp.origins[0], dtype=int)
    supply = np.asarray(lp.supply[0], dtype=float)
    markets = np.array(lp.markets[0], dtype=int)
    caps = lp.market_caps.get(c, {})
    market_cap = np.array([caps.get(lp.node_ids[m], math.inf) for m in markets], dtype=float)
    coef = lp.objective_coefficients(c)[keep]
    n_s, n_o, n_m = len(split), len(origins), len(markets)
    return NetflowGraph(
        tail=np.concatenate([out[arcs.tail[keep]], np.array(split, dtype=int), np.full(n_o, source), out[markets]]),
        head=np.concatenate([arcs.head[keep], N + np.arange(n_s), origins, np.full(n_m, sink)]),
        cap=np.concatenate([link_cap, split_cap, supply, market_cap]),
        cost=np.concatenate([coef, np.zeros(n_s + n_o + n_m)]),
        link_arc=keep,
        n_link=len(keep),
        n_split=n_s,
        n_origin=n_o,
        n_market=n_m,
        n_nodes=N + n_s + 2,
        source=source,
        sink=sink,
        total_supply=float(supply.sum()),
    )


def _integral(v: np.ndarray, scale: float) -> bool:
    """Whether every ``v * scale`` is within :data:`INTEGRAL_TOL` of an integer."""
    s = v * scale
    return bool(np.all(np.abs(s - np.round(s)) <= INTEGRAL_TOL))


def flow_scale(g: NetflowGraph) -> tuple[float, bool]:
    """``2**k`` for the volumes and whether it is exact (every supply and capacity below the total an integer).

    Examples
    --------
    >>> g = NetflowGraph(np.zeros(2, int), np.ones(2, int), np.array([1.5, np.inf]), np.zeros(2), np.zeros(0, int),
    ...                  0, 0, 0, 0, 2, 0, 1, 3.0)
    >>> flow_scale(g)
    (2.0, True)
    """
    if g.total_supply <= 0:  # nothing to send
        return 1.0, True
    o0 = g.n_link + g.n_split
    # a capacity at or above the total supply is clamped to the (integral) sum of the
    # supplies, so only smaller capacities count, but every supply must be integral:
    # a single origin's supply is the total itself
    fin = np.concatenate([g.cap[g.cap < g.total_supply], g.cap[o0:o0 + g.n_origin]])
    k_max = FLOW_BITS - math.ceil(math.log2(g.total_supply))
    for k in range(min(0, k_max), k_max + 1):
        s = math.ldexp(1.0, k)
        if np.all((fin * s) == np.floor(fin * s)):
            return s, True
    return math.ldexp(1.0, k_max), False


def cost_scale(g: NetflowGraph) -> tuple[float, bool]:
    """The scale of the phase-2 coefficients and whether it is exact.

    The smallest power of two or of ten (from ``1e-12``) at which every coefficient is an
    integer, else the largest power of two within the solver's range.

    Examples
    --------
    >>> g = NetflowGraph(np.zeros(2, int), np.ones(2, int), np.ones(2), np.array([4.35e6, 2e6]),
    ...                  np.zeros(0, int), 0, 0, 0, 0, 2, 0, 1, 1.0)
    >>> cost_scale(g)
    (0.0001, True)
    """
    top = float(np.abs(g.cost).max()) if g.cost.size else 0.0
    if top == 0:
        return 1.0, True
    limit = min(2.0 ** COST_BITS, 2.0 ** 62 / (g.n_nodes + 1) / 4)
    cands = sorted({math.ldexp(1.0, j) for j in range(-80, 81)} | {10.0 ** d for d in range(-12, 13)})
    fitting = [s for s in cands if top * s <= limit]
    for s in fitting:
        if top * s >= 1 and _integral(g.cost, s):
            return s, True
    if not fitting:
        raise InputError(f"solve: method='netflow': phase-2 coefficients up to {top:g} do not fit OR-Tools' integer "
                         "range (fix: method='lp')")
    return max(s for s in fitting if math.log2(s).is_integer()), False


def _ortools() -> Any:
    """OR-Tools' min-cost flow module, or an InputError naming the extra to install."""
    try:
        return importlib.import_module("ortools.graph.python.min_cost_flow")
    except ImportError as exc:
        raise InputError(f"solve: method='netflow' needs OR-Tools, which is not installed ({exc}) (fix: {FIX}, "
                         "or method='lp')") from None


def solve_netflow(lp: FlowLP) -> LPSolution:
    """Solve a single-commodity ``lp`` on OR-Tools; the solution in the LP's terms (no duals, no rows).

    Raises
    ------
    InputError
        The problem is not a plain network flow (:func:`ineligible_reason`), cannot be
        represented in integers within :data:`NETFLOW_RTOL`, or OR-Tools is missing.
    SolverError
        OR-Tools did not reach an optimum.
    """
    if not lp.classes:  # no supply of the commodity: nothing to route, the LP path's empty solution
        _ortools()
        return lp._empty([], 0.0)
    reason = ineligible_reason(lp)
    if reason is not None:
        raise InputError(f"solve: method='netflow': {reason} (fix: method='lp', which solves any problem)")
    mcf = _ortools()
    t0 = time.perf_counter()
    g = netflow_graph(lp)
    fs, f_exact = flow_scale(g)
    cs, c_exact = cost_scale(g)
    s_int = int(sum(math.floor(v * fs) for v in g.cap[g.n_link + g.n_split:g.n_link + g.n_split + g.n_origin]))
    cap_s = np.where(np.isfinite(g.cap), np.floor(np.minimum(g.cap * fs, float(s_int))), float(s_int))
    cap_i = cap_s.astype(np.int64)
    cost_i = np.round(g.cost * cs).astype(np.int64)
    t_build = time.perf_counter() - t0
    smcf = mcf.SimpleMinCostFlow()
    smcf.add_arcs_with_capacity_and_unit_cost(g.tail.astype(np.int32), g.head.astype(np.int32), cap_i, cost_i)
    smcf.set_nodes_supplies(np.array([g.source, g.sink], dtype=np.int32), np.array([s_int, -s_int], dtype=np.int64))
    status = smcf.solve_max_flow_with_min_cost() if s_int > 0 else smcf.OPTIMAL
    if status != smcf.OPTIMAL:
        raise SolverError(f"solve: method='netflow': OR-Tools stopped with status {status!r} (fix: method='lp')")
    flow_i = smcf.flows(np.arange(len(cap_i))) if s_int > 0 else np.zeros(len(cap_i), dtype=np.int64)
    t_solve = time.perf_counter() - t0 - t_build
    return _solution(lp, g, np.asarray(flow_i, dtype=float) / fs, fs=fs, cs=cs, exact=(f_exact, c_exact),
                     cap_i=cap_i, cost_i=cost_i, s_int=s_int, times=(t_build, t_solve))


def _solution(
    lp: FlowLP,
    g: NetflowGraph,
    flow: np.ndarray,
    *,
    fs: float,
    cs: float,
    exact: tuple[bool, bool],
    cap_i: np.ndarray,
    cost_i: np.ndarray,
    s_int: int,
    times: tuple[float, float],
) -> LPSolution:
    """Arc flows back into the LP's ``x``, ``u`` and ``d``, with the rounding bounds checked."""
    c = lp.commodities[0]
    arcs = lp.arcs[c]
    x = np.zeros(len(arcs.link))
    x[g.link_arc] = flow[: g.n_link]
    _cancel_opposite(x, arcs.link, arcs.forward)
    o0 = g.n_link + g.n_split
    m0 = o0 + g.n_origin
    u = np.clip(g.cap[o0:m0] - flow[o0:m0], 0.0, None)
    d = flow[m0:]
    coef = lp.objective_coefficients(c)
    objective = float(coef @ x)
    # rounding bounds: capacity rounded off (volume), coefficient rounding x most an arc can carry (objective)
    supply = g.total_supply
    fin = np.isfinite(g.cap)
    # against the true supply, not the rounded s_int: a supply rounded down is volume lost
    cap_off = np.where(fin, np.minimum(g.cap, supply) - cap_i / fs, 0.0)
    delivered_bound = float(np.clip(cap_off, 0.0, None).sum())
    reach = np.where(fin, np.minimum(g.cap, supply), supply)
    c_off = np.abs(g.cost - cost_i / cs)
    objective_bound = float((c_off * (flow + reach)).sum())
    info = {
        "flow_scale": fs,
        "cost_scale": cs,
        "exact": bool(exact[0] and exact[1]),
        "max_capacity_rounding": float(cap_off.max()) if cap_off.size else 0.0,
        "max_coefficient_rounding": float(c_off.max()) if c_off.size else 0.0,
        "delivered_bound": delivered_bound,
        "objective_bound": objective_bound,
        "arcs": int(len(g.tail)),
        "nodes": int(g.n_nodes),
        "split_nodes": int(g.n_split),
    }
    if delivered_bound > NETFLOW_RTOL * max(supply, 1e-300) or objective_bound > NETFLOW_RTOL * max(abs(objective), 1e-300):
        raise InputError(
            f"solve: method='netflow': the problem does not fit OR-Tools' integers exactly enough (rounding could change "
            f"the delivered volume by up to {delivered_bound:g} of {supply:g}, the {lp.objective} by up to "
            f"{objective_bound:g} of {objective:g}; the limit is {NETFLOW_RTOL:g} of each) (fix: method='lp')"
        )
    if not info["exact"]:
        log.info("netflow: rounded to integers (flow scale %g, cost scale %g); bounds: delivered %g, %s %g",
                 fs, cs, delivered_bound, lp.objective, objective_bound)
    weight = lp.weights.get(c, 0.0)
    meta = {
        "solver": "OR-Tools SimpleMinCostFlow.solve_max_flow_with_min_cost (integer network flow)",
        "variables": int(len(g.tail)),
        "equality_rows": int(g.n_nodes),
        "inequality_rows": 0,
        "build_seconds": times[0],
        "solve_seconds": times[1],
        "phase1_status": "optimal (maximum flow)",
        "phase2_status": "optimal (min-cost among maximum flows)",
        "delivered_tolerance": 0.0,
        "weights": dict(lp.weights),
        "emission_factors_source": lp.ef_source,
        "allocation": lp.allocation,
        "served_share": {},
        "netflow": info,
        "shadow_prices": "not yet computed: the first read of shadow_prices solves the LP for its duals (with_lp_duals)",
    }
    zeros = np.zeros(0)
    return LPSolution(
        x=[x], u=[u], d=[d], rows=[], row_activity=zeros, dual_phase1=zeros, dual_phase2=zeros,
        objective_value=objective, objective_scale=1.0, phase1_value=float(weight * u.sum()), relaxed={}, meta=meta,
    )


def with_lp_duals(lp: FlowLP, sol: LPSolution) -> LPSolution:
    """``sol`` (a network-flow solution of ``lp``) with the LP's rows and both phases' duals.

    A network flow gives no duals; the shadow prices need them. The LP of the same
    problem is solved (:meth:`.lp.FlowLP.solve`, the cost of a ``method="lp"`` solve) and
    its duals are kept: the set of optimal duals does not depend on which optimal flow
    is taken, so they price ``sol`` too. Row activities (which capacities bind) are those
    of ``sol``'s flow. Meant to run when ``shadow_prices`` is first read.
    """
    t0 = time.perf_counter()
    ref = lp.solve()
    _, _, A_ub, _, rows, _ = lp.build()
    z = np.zeros(lp.n_vars)
    for k, (x0, u0, d0, end) in enumerate(lp.blocks):
        z[x0:u0], z[u0:d0], z[d0:end] = sol.x[k], sol.u[k], sol.d[k]
    meta = dict(sol.meta)
    meta["shadow_prices"] = (f"duals of the LP ({ref.meta['solver']}), solved in {time.perf_counter() - t0:.3g} s "
                             "when shadow_prices was first read")
    sol.meta["shadow_prices"] = meta["shadow_prices"]
    return dataclasses.replace(
        sol, rows=rows, row_activity=(A_ub @ z) if len(rows) else np.zeros(0), dual_phase1=ref.dual_phase1,
        dual_phase2=ref.dual_phase2, objective_scale=ref.objective_scale, meta=meta,
    )


def _cancel_opposite(x: np.ndarray, link: np.ndarray, forward: np.ndarray) -> None:
    """Cancel flow running both ways on a bidirectional link (in place): the joint capacity then holds.

    Examples
    --------
    >>> x = np.array([5.0, 1.0, 3.0])
    >>> _cancel_opposite(x, np.array([0, 1, 0]), np.array([True, True, False]))
    >>> x.tolist()
    [2.0, 1.0, 0.0]
    """
    fwd = np.flatnonzero(forward)
    bwd = np.flatnonzero(~forward)
    if not bwd.size:
        return
    order = np.argsort(link[fwd], kind="stable")
    pos = fwd[order][np.searchsorted(link[fwd][order], link[bwd])]
    m = np.minimum(x[pos], x[bwd])
    x[pos] -= m
    x[bwd] -= m
