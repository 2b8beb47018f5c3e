"""Knock-outs on one persistent model: disable elements by bounds, re-solve warm, restore (internal).

:class:`KnockoutSweep` builds the flow LP of a network (a scenario already applied)
once, solves the baseline, then answers "what if these nodes and links were out?" by
fixing their arcs at zero in place and re-running both phases from the last basis.
Fixing a link's arcs at zero is the same LP as the one :func:`transcaspian.solve`
builds without the link: an unusable link has no arcs, a disabled node no arcs and no
market column, and a contract whose links are all out loses its rows (its minimum is
then "relaxed: link not usable"). The tests check the equality against full re-solves.

Each phase has a model of its own (same rows and columns, its own objective), so a
knock-out only changes bounds and every phase re-solves from its last optimal basis.
A knock-out that leaves ``min_flow`` contracts unmeetable runs phase 0 in a third
model, as the full solve does (:meth:`FlowLP._relax_contracts`): one slack column per
minimum, free only in phase 0, gives the smallest total relative shortfall; the minima
are lowered by it for phases 1 and 2 and restored afterwards. The ``pro_rata``
allocation (a sequence of fairness LPs) is not swept here: callers re-solve in full.

Examples
--------
>>> import transcaspian as tc
>>> from transcaspian.flow.solver import prepare
>>> sw = KnockoutSweep(prepare(tc.load_network("tests/fixtures/mini"), ("crude",), objective="cost"))
>>> round(sw.base.delivered["crude"], 6)
41.0
>>> round(sw.outcome([("node", "terminal")]).delivered["crude"], 6)
11.0
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

from .._numeric import dot
from ..parameters import usd_factor
from ..schema import CONTRACT_TOL, DELIVERED_TOL, DELIVERED_TOL_RETRY
from .highs import HighsLP
from .lp import IPM_MIN_VARS, FlowLP, Scaled

__all__ = ["KnockoutSweep", "Outcome", "Element"]

#: ``("node", id)`` or ``("link", id)``.
Element = tuple[str, str]


@dataclasses.dataclass
class Outcome:
    """One solve of the sweep, in canonical units."""

    delivered: dict[str, float]  # per commodity
    cost_usd: float  # USD per year
    cost_by_commodity: dict[str, float]  # USD per year
    market: dict[tuple[str, str], float]  # (commodity, market) -> delivered
    link_flow: dict[str, np.ndarray]  # per commodity, throughput (both directions) per link of net.links
    node_flow: np.ndarray  # per node of net.nodes: any flow through or delivered there (summed over commodities)

    def unit_cost(self, commodity: str) -> float:
        """Cost per unit delivered, in the commodity's cost unit (NaN when nothing is delivered)."""
        vol = self.delivered.get(commodity, 0.0)
        return self.cost_by_commodity.get(commodity, 0.0) / (vol * usd_factor(commodity)) if vol > 0 else float("nan")


class KnockoutSweep:
    """The flow LP of ``lp.net`` in one highspy model; knock-outs by bounds.

    Parameters
    ----------
    lp : FlowLP
        Built by :func:`transcaspian.flow.solver.prepare` (``allocation="cost"``).
    """

    def __init__(self, lp: FlowLP) -> None:
        self.lp = lp
        self.sc = sc = _bounds_for_single_column_rows(lp.scaled())
        n = lp.n_vars
        mins = [i for i, r in enumerate(sc.rows) if r.kind == "contract_min"]
        self._mins = np.array(mins, int)  # ub rows of the minima
        self._caps = -sc.b_ub[self._mins]  # scaled minima
        ns = len(mins)
        self._slack = np.arange(n, n + ns)
        slack = sp.csr_matrix((-np.ones(ns), (mins, np.arange(ns))), shape=(len(sc.rows), ns))
        pad = np.zeros(ns)
        self._c1, self._c2 = np.concatenate([sc.c1, pad]), np.concatenate([sc.c2, pad])
        self._c0 = np.concatenate([np.zeros(n), 1.0 / np.where(self._caps > 0, self._caps, 1.0)])
        def model(cost: np.ndarray, slack_hi: np.ndarray) -> HighsLP:
            m = HighsLP(
                sp.hstack([sc.A_eq, sp.csr_matrix((sc.n_eq, ns))]).tocsr(),
                sc.b_eq,
                sp.hstack([sc.A_ub, slack]).tocsr(),
                sc.b_ub,
                np.vstack([sc.bounds, np.column_stack([np.zeros(ns), slack_hi])]),
                extra=sp.csr_matrix(self._c1.reshape(1, -1)),
                solver="ipm-first" if n >= IPM_MIN_VARS else "simplex",  # a large base by interior point
            )
            m.set_cost(cost)
            return m

        # One model per phase, each keeping its own objective: a knock-out changes bounds
        # only, so every phase re-solves (dual simplex) from its own last optimal basis.
        self.phase1 = model(self._c1, np.zeros(ns))
        self.phase2 = model(self._c2, np.zeros(ns))
        self.phase0 = model(self._c0, self._caps) if ns else None
        self.models = [m for m in (self.phase1, self.phase2, self.phase0) if m is not None]
        self.held = np.array([self.phase2.n_rows - 1])
        self.n_solves = 0
        n_nodes, n_links = len(lp.node_ids), len(lp.link_ids)
        cols_link: list[list[np.ndarray]] = [[] for _ in range(n_links)]
        cols_node: list[list[np.ndarray]] = [[] for _ in range(n_nodes)]
        usd = np.zeros(lp.n_vars)
        self._x: list[tuple[int, int, np.ndarray]] = []  # per class: x0, u0, arcs' links
        for k, cl in enumerate(lp.classes):
            x0, u0, d0, end = lp.blocks[k]
            arcs = lp.arcs[cl.commodity]
            usd[x0:u0] = lp.arc_coefficients(cl.commodity)["usd"]
            cols = np.arange(x0, u0)
            for pos, arr in ((arcs.link, cols_link), (arcs.tail, cols_node), (arcs.head, cols_node)):
                order = np.argsort(pos, kind="stable")
                split = np.flatnonzero(np.diff(pos[order])) + 1
                for grp in np.split(order, split):
                    if len(grp):
                        arr[int(pos[grp[0]])].append(cols[grp])
            for j, mi in enumerate(lp.markets[k]):
                cols_node[mi].append(np.array([d0 + j]))
            self._x.append((x0, u0, arcs.link))
        self._cols = {
            "link": [np.unique(np.concatenate(c)) if c else np.zeros(0, int) for c in cols_link],
            "node": [np.unique(np.concatenate(c)) if c else np.zeros(0, int) for c in cols_node],
        }
        self.usd = usd
        # contract rows (their position among all model rows) and their columns
        n_eq = sc.n_eq
        self._contract_rows = [
            (n_eq + i, np.array(lp.contract_cols[r.contract], int))
            for i, r in enumerate(sc.rows)
            if r.kind in ("contract_min", "contract_max") and r.contract is not None
        ]
        #: The base's phase-1 optimum (total shortfall, scaled), when the base met every
        #: contract minimum; a knock-out that only removes capacity cannot do better.
        self._base_opt1: float | None = None
        self._last_opt1: float | None = None
        base = self._solve_relaxing()
        if base is None:
            raise ValueError("the baseline is infeasible even with relaxed contracts")
        self.base = base
        if not self._relaxed_last:
            self._base_opt1 = self._last_opt1
        for m in self.models:  # every knock-out starts from the base's bases (history-free answers)
            m.save_basis()
        self.n_shortcuts = 0
        #: Shortcuts tried and met since the last restore: where most knock-outs lose
        #: volume (the corridor), the shortcut's failed solve is skipped until the next
        #: restore. The counts restart at every restore, so the choice depends only on
        #: the knock-outs since then (fixed places in a sweep's list), not on workers.
        self._tries = self._hits = 0

    def columns(self, element: Element) -> np.ndarray:
        """The LP columns that carry flow through ``element`` (its arcs; a market node's delivered column)."""
        kind, eid = element
        pos = self.lp.link_pos[eid] if kind == "link" else self.lp.node_pos[eid]
        return self._cols[kind][pos]

    def carries_flow(self, element: Element, outcome: Outcome, *, tol: float = 0.0) -> bool:
        """Whether ``element`` carries flow (above ``tol``, canonical units) in ``outcome``."""
        kind, eid = element
        if kind == "link":
            pos = self.lp.link_pos[eid]
            return any(f[pos] > tol for f in outcome.link_flow.values())
        return bool(outcome.node_flow[self.lp.node_pos[eid]] > tol)

    def _col_bounds(self, cols: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> None:
        for m in self.models:
            m.set_col_bounds(cols, lo, hi)

    def _row_bounds(self, rows: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> None:
        for m in self.models:
            m.set_row_bounds(rows, lo, hi)

    def outcome(self, knocked: Sequence[Element], *, restore: bool = True) -> Outcome | None:
        """Both phases with ``knocked`` out, then the bounds restored; ``None`` if infeasible even relaxed.

        ``restore``: start from the base's basis (the answer then does not depend on what
        ran before). ``False``: start warm from the last knock-out's basis, about half the
        work on a large network, but which optimum is reached, when several are, then
        depends on the sequence; a sweep restores at fixed places in its list instead
        (:data:`transcaspian.criticality.RESTORE_EVERY`).
        """
        cols = np.unique(np.concatenate([self.columns(e) for e in knocked])) if knocked else np.zeros(0, int)
        sc = self.sc
        self._col_bounds(cols, np.zeros(len(cols)), np.zeros(len(cols)))
        rows = np.zeros(0, int)
        if self._contract_rows:
            out_set = set(cols.tolist())
            rows = np.array([r for r, cc in self._contract_rows if len(cc) and out_set.issuperset(cc.tolist())], int)
        self._row_bounds(rows, np.full(len(rows), -np.inf), np.full(len(rows), np.inf))
        if restore:
            for m in self.models:
                m.restore_basis()
            self._tries = self._hits = 0
        try:
            # Freeing a contract's rows enlarges the feasible set; only a pure removal of
            # capacity may start from the base's delivered volume.
            return self._solve_relaxing(shortcut=not len(rows))
        finally:
            self._col_bounds(cols, sc.bounds[cols, 0], sc.bounds[cols, 1])
            self._row_bounds(rows, np.full(len(rows), -np.inf), sc.b_ub[rows - sc.n_eq])

    def _solve_relaxing(self, *, shortcut: bool = False) -> Outcome | None:
        """Phases 1 and 2; when the minima cannot all be met, phase 0 first (then the minima are restored)."""
        self._relaxed_last = False
        out = self._solve(shortcut=shortcut)
        if out is not None or self.phase0 is None:
            return out
        self._relaxed_last = True
        sc = self.sc
        res0 = self.phase0.run("phase 0 (contract shortfall)", duals=False)
        if res0 is None:
            return None
        short = res0.x[self._slack]
        tol = CONTRACT_TOL * self._caps
        relax = short > tol
        rows = sc.n_eq + self._mins[relax]
        new_min = np.maximum(0.0, self._caps[relax] - short[relax] - tol[relax])
        self._row_bounds(rows, np.full(len(rows), -np.inf), -new_min)
        try:
            return self._solve()
        finally:
            self._row_bounds(rows, np.full(len(rows), -np.inf), sc.b_ub[rows - sc.n_eq])

    def _solve(self, *, shortcut: bool = False) -> Outcome | None:
        """Phase 1, then phase 2 holding its optimum.

        With ``shortcut`` (a knock-out that only removes capacity from a base that met
        its contracts), phase 2 is tried first with the shortfall held at the base's:
        the knock-out cannot deliver more than the base, so when that is feasible the
        knock-out delivers as much (within :data:`DELIVERED_TOL`) and phase 1 is not
        needed; one warm solve instead of two. Otherwise (infeasible: the knock-out
        loses volume) phase 1 runs as usual.
        """
        sc = self.sc
        self.n_solves += 1
        if shortcut and self._base_opt1 is not None and (self._tries < 2 or 2 * self._hits >= self._tries):
            self._tries += 1
            self.phase2.set_row_bounds(self.held, np.array([-np.inf]), np.array([self._base_opt1 + DELIVERED_TOL]))
            res2 = self.phase2.run("phase 2 (delivered held at the base's)", duals=False)
            if res2 is not None:
                self.n_shortcuts += 1
                self._hits += 1
                return self._outcome(np.clip(res2.x[: self.lp.n_vars], 0, None) * sc.D)
        res1 = self.phase1.run("phase 1 (max delivered)", duals=False)
        if res1 is None:
            return None
        self._last_opt1 = float(res1.fun)
        for tol in (DELIVERED_TOL, DELIVERED_TOL_RETRY):
            self.phase2.set_row_bounds(self.held, np.array([-np.inf]), np.array([float(res1.fun) + tol]))
            res2 = self.phase2.run("phase 2", duals=False)
            if res2 is not None:
                return self._outcome(np.clip(res2.x[: self.lp.n_vars], 0, None) * sc.D)
        return None

    def _outcome(self, z: np.ndarray) -> Outcome:
        lp = self.lp
        delivered: dict[str, float] = {}
        cost: dict[str, float] = {}
        market: dict[tuple[str, str], float] = {}
        link_flow: dict[str, np.ndarray] = {}
        node_flow = np.zeros(len(lp.node_ids))
        for k, cl in enumerate(lp.classes):
            x0, u0, d0, end = lp.blocks[k]
            c = cl.commodity
            d = z[d0:end]
            delivered[c] = delivered.get(c, 0.0) + float(d.sum())
            cost[c] = cost.get(c, 0.0) + dot(self.usd[x0:u0], z[x0:u0])  # not `@`: see _numeric.dot
            for mi, v in zip(lp.markets[k], d, strict=True):
                key = (c, lp.node_ids[mi])
                market[key] = market.get(key, 0.0) + float(v)
            arcs = lp.arcs[c]
            flow = link_flow.setdefault(c, np.zeros(len(lp.link_ids)))
            np.add.at(flow, arcs.link, z[x0:u0])
            np.add.at(node_flow, arcs.tail, z[x0:u0])
            np.add.at(node_flow, arcs.head, z[x0:u0])
            np.add.at(node_flow, np.array(lp.markets[k], int), d)
        return Outcome(delivered, float(sum(cost.values())), cost, market, link_flow, node_flow)


def _bounds_for_single_column_rows(sc: Scaled) -> Scaled:
    """``sc`` with each link or node capacity row over one column turned into that column's bound.

    A one-way link carried by one flow class has one column: its capacity row
    ``a z_j <= b`` is the bound ``z_j <= b / a``. The LP is the same, its optimum the
    same, but the simplex basis is smaller by one row per such link (the sweep needs no
    duals, so nothing is lost); on a 10k-link grid a warm knock-out re-solve is several
    times faster. Contract and market rows are kept (rows are found by their meaning).
    """
    A = sc.A_ub.tocsr()
    nnz = np.diff(A.indptr)
    kinds = np.array([r.kind for r in sc.rows], dtype=object)
    single = np.flatnonzero((nnz == 1) & np.isin(kinds, ["link", "node"]))
    if not single.size:
        return sc
    cols = A.indices[A.indptr[single]]
    coef = A.data[A.indptr[single]]
    ok = coef > 0
    single, cols, coef = single[ok], cols[ok], coef[ok]
    bounds = sc.bounds.copy()
    np.minimum.at(bounds[:, 1], cols, sc.b_ub[single] / coef)
    keep = np.ones(A.shape[0], dtype=bool)
    keep[single] = False
    kept = np.flatnonzero(keep)
    return dataclasses.replace(
        sc,
        A_ub=A[kept],
        b_ub=sc.b_ub[kept],
        rows=[sc.rows[i] for i in kept],
        r_ub=sc.r_ub[kept],
        A_ub_raw=sc.A_ub_raw.tocsr()[kept],
        bounds=bounds,
    )
