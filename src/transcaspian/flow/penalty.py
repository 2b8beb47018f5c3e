"""One LP instead of two, with a proof: the penalty form and a max-flow certificate (internal).

The two-phase LP (:meth:`.lp.FlowLP.solve`) maximises the delivered volume, then
minimises cost holding it. On a large network each phase is one interior-point solve
that cannot start warm. For a plain network flow (one commodity, one flow class, no
contracts, allocation by cost, no negative coefficient: :func:`.netflow.ineligible_reason`)
one LP gives the same optimum:

    minimise  c2 . x  +  M * (unserved)        with  M = sum(c2) + 1

(``c2`` the scaled phase-2 coefficients, all >= 0). Moving a volume from unserved to
delivered along an augmenting path changes the objective by (the path's cost - M) per
unit, and no path costs ``sum(c2)`` or more, so at the optimum no augmenting path is
left: the flow is a maximum flow; and it is the cheapest of the flows that deliver as
much, because any of those is feasible here with the same penalty. In exact arithmetic.

In floating point :func:`solve_penalty` does not take that on trust. It checks the
solution for what makes it a maximum flow: no path from the supply to the markets in
the residual graph (a breadth-first search over arcs with more than ``tol`` left, ``tol``
a 1e-13 share of the supply per arc, so what the search cannot see sums to at most 1e-8
of the supply). If a path is found, or the solver stops short, it returns ``None`` and
the caller solves the two phases. The duals of the penalty LP mix both phases; reading
``shadow_prices`` solves the two-phase LP for them (:func:`.netflow.with_lp_duals`).
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from ..errors import SolverError
from .highs import HighsLP
from .lp import IPM_MIN_VARS, LPSolution
from .netflow import ineligible_reason, netflow_graph

if TYPE_CHECKING:
    from .lp import FlowLP

__all__ = ["PENALTY_MIN_VARS", "CERTIFICATE_RTOL", "eligible", "solve_penalty"]

log = logging.getLogger(__name__)

#: Smallest LP (columns) solved in the penalty form by ``method="auto"``: where the
#: two-phase LP runs the interior point twice (below it, phase 2 starts warm from phase 1).
PENALTY_MIN_VARS = IPM_MIN_VARS
#: What the certificate's search may miss, in all, as a share of the total supply.
CERTIFICATE_RTOL = 1e-8


def eligible(lp: FlowLP) -> bool:
    """Whether ``lp`` is a plain network flow large enough for the penalty form."""
    return lp.n_vars >= PENALTY_MIN_VARS and len(lp.classes) == 1 and ineligible_reason(lp) is None


def solve_penalty(lp: FlowLP) -> LPSolution | None:
    """The lexicographic optimum of a plain network-flow ``lp`` from one LP, or ``None``.

    ``None`` when the max-flow certificate fails or HiGHS stops short: solve the two
    phases then (:meth:`.lp.FlowLP.solve`).
    """
    t0 = time.perf_counter()
    sc = lp.scaled()
    big = _penalty(sc.c2)
    m = HighsLP(sc.A_eq, sc.b_eq, sc.A_ub, sc.b_ub, sc.bounds, solver="ipm")
    m.set_cost(sc.c2 + big * sc.c1)
    t_build = time.perf_counter() - t0
    try:
        res = m.run("penalty LP", duals=False)
    except SolverError as exc:
        log.info("penalty form: %s; solving the two phases", exc)
        return None
    if res is None:
        return None
    z = np.asarray(res.x) * sc.D
    x, u, d = lp._split(z)
    missed = _augmenting_path(lp, x[0], u[0], d[0])
    if missed:
        log.info("penalty form: the certificate found an augmenting path (%s); solving the two phases", missed)
        return None
    opt1 = float(sc.c1 @ res.x)
    meta = {
        "solver": "HiGHS interior point with crossover (highspy), one penalty LP with a max-flow certificate",
        "variables": int(lp.n_vars),
        "equality_rows": int(sc.n_eq),
        "inequality_rows": int(len(sc.rows)),
        "build_seconds": t_build,
        "solve_seconds": time.perf_counter() - t0 - t_build,
        "phase1_status": "maximum flow: no augmenting path in the residual graph (certificate)",
        "phase2_status": res.message,
        "delivered_tolerance": CERTIFICATE_RTOL,
        "weights": dict(lp.weights),
        "emission_factors_source": lp.ef_source,
        "allocation": lp.allocation,
        "served_share": {},
        "penalty": {"M": big, "certificate_rtol": CERTIFICATE_RTOL},
        "duals_deferred": True,
        "shadow_prices": "not yet computed: the first read of shadow_prices solves the two-phase LP for its duals",
    }
    zeros = np.zeros(0)
    return LPSolution(
        x=x, u=u, d=d, rows=[], row_activity=zeros, dual_phase1=zeros, dual_phase2=zeros,
        objective_value=float(sc.c2 @ np.clip(res.x, 0, None)) * sc.s2 * sc.scale, objective_scale=sc.scale,
        phase1_value=opt1, relaxed={}, meta=meta,
    )


def _penalty(c2: np.ndarray) -> float:
    """``M``: more than any augmenting path can cost (the sum of the scaled coefficients, plus 1).

    Examples
    --------
    >>> _penalty(np.array([0.5, 1.0, 0.0]))
    2.5
    """
    return float(np.clip(c2, 0.0, None).sum()) + 1.0


def _augmenting_path(lp: FlowLP, x: np.ndarray, u: np.ndarray, d: np.ndarray) -> str:
    """A description of a supply-to-market path with room left, or ``""`` when there is none.

    The residual graph of the network-flow form (:func:`.netflow.netflow_graph`): an arc
    with more than ``tol`` of capacity left runs forward, an arc carrying more than
    ``tol`` runs backward. Opposite arcs of a bidirectional link count separately, which
    only adds room, so the check can fail a maximum flow (then the two phases run) but
    never pass one that is not.
    """
    from scipy.sparse.csgraph import breadth_first_order  # noqa: PLC0415 (only on the penalty path: start-up)

    g = netflow_graph(lp)
    n_arcs = len(g.tail)
    tol = CERTIFICATE_RTOL * g.total_supply / max(n_arcs, 1)
    flow = np.zeros(n_arcs)
    flow[: g.n_link] = x[g.link_arc]
    o0 = g.n_link + g.n_split
    m0 = o0 + g.n_origin
    flow[o0:m0] = np.asarray(lp.supply[0], dtype=float) - u
    flow[m0:] = d
    if g.n_split:  # a split node's in -> out arc carries what leaves its out copy
        leaving = np.bincount(g.tail[: g.n_link].astype(int), weights=flow[: g.n_link], minlength=g.n_nodes)
        leaving += np.bincount(g.tail[m0:].astype(int), weights=flow[m0:], minlength=g.n_nodes)
        flow[g.n_link:o0] = leaving[g.head[g.n_link:o0].astype(int)]
    room = np.where(np.isfinite(g.cap), g.cap - flow, np.inf)
    fwd = room > tol
    bwd = flow > tol
    tails = np.concatenate([g.tail[fwd], g.head[bwd]]).astype(int)
    heads = np.concatenate([g.head[fwd], g.tail[bwd]]).astype(int)
    R = sp.csr_matrix((np.ones(len(tails)), (tails, heads)), shape=(g.n_nodes, g.n_nodes))
    reached = breadth_first_order(R, g.source, directed=True, return_predecessors=False)
    if g.sink in set(reached.tolist()):
        return f"the sink is reachable with more than {tol:g} of room on every arc"
    return ""
