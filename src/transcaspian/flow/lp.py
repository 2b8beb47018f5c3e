"""The min-cost multi-commodity flow as a sparse linear program, solved in phases (internal).

See docs/methodology.md for the formulation. Variables, per flow class (a commodity,
or a commodity from origins restricted to some markets):

* ``x[a]`` >= 0, flow on arc ``a`` (a link direction; a bidirectional link has two arcs);
* ``u[o]`` in [0, supply], unserved supply at origin ``o``;
* ``d[m]`` >= 0, volume delivered at market ``m``.

Rows: conservation per class and node (equality), joint link and node capacities,
market caps and contract bounds (inequalities), one method per family, composed by
:meth:`FlowLP.build`. Phase 1 minimises weighted unserved supply; phase 2 holds it
(within a tolerance) and minimises cost, time or emissions. Tolerances come from
:mod:`transcaspian.schema`.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..elements import (
    crosses_countries,
    effective_capacities,
    factor,
    link_costs,
    node_capacity_commodities,
    usable_links,
    usable_nodes,
)
from ..errors import InfeasibleError, SolverError
from ..parameters import emission_factors, factor_for, tonnes_per_unit, usd_factor
from ..schema import (
    CONTRACT_TOL,
    DELIVERED_TOL,
    DELIVERED_TOL_RETRY,
    OBJECTIVES,
    SOLVER_FEAS_TOL,
    Objective,
)
from .allocation import SHARE_TOL, Allocation, fair_shares, origin_keys, share_rows
from .highs import HighsLP, OptimizeResult, solve_lp
from .inputs import Contract, FlowClass

if TYPE_CHECKING:
    from ..network import CorridorNetwork

__all__ = ["Arcs", "Row", "LPSolution", "FlowLP", "OBJECTIVES"]

log = logging.getLogger(__name__)

#: The arc coefficient phase 2 minimises, per objective.
OBJECTIVE_COEFFICIENT: dict[str, str] = {"cost": "usd", "time": "tonne_days", "emissions": "co2_t"}
#: Grams per tonne (emission factors are g CO2 per tonne-km).
G_PER_TONNE = 1e6


@dataclasses.dataclass
class Arcs:
    """Arcs usable by one commodity."""

    link: np.ndarray  # position in net.links
    tail: np.ndarray  # position in net.nodes
    head: np.ndarray
    forward: np.ndarray  # bool: along from_node -> to_node


@dataclasses.dataclass
class Row:
    """What an inequality row of the LP stands for."""

    kind: str  # "link", "node", "market", "contract_min" or "contract_max"
    element: str
    capacity: float = math.nan
    unit: str = ""
    commodity: str = ""
    #: For contract rows: the contract's index in baseline.yaml.
    contract: int | None = None


@dataclasses.dataclass
class LPSolution:
    """Phase-2 primal solution and both phases' duals on the inequality rows."""

    x: list[np.ndarray]  # per class, flow per arc of its commodity
    u: list[np.ndarray]  # per class, unserved per origin
    d: list[np.ndarray]  # per class, delivered per market
    rows: list[Row]
    row_activity: np.ndarray
    dual_phase1: np.ndarray
    dual_phase2: np.ndarray
    objective_value: float
    objective_scale: float
    phase1_value: float
    relaxed: dict[int, float]
    meta: dict[str, Any]


#: Phases 1 and 2 in one persistent highspy model (phase 2 warm). The tests turn it off,
#: with :func:`_highs_scipy` in place of :func:`_highs`, for the scipy reference path.
PERSISTENT = True


@dataclasses.dataclass
class Scaled:
    """The LP scaled for the solver (see :meth:`FlowLP.scaled`); ``z = D * (scaled z)``."""

    A_eq: sp.csr_matrix
    b_eq: np.ndarray
    A_ub: sp.csr_matrix
    b_ub: np.ndarray
    bounds: np.ndarray
    rows: list[Row]
    D: np.ndarray
    r_ub: np.ndarray
    c1: np.ndarray
    c2: np.ndarray
    s2: float
    scale: float
    A_ub_raw: sp.csr_matrix
    n_eq: int


#: From this many LP columns on, one solve runs HiGHS' interior point method (with
#: crossover) for both phases instead of the dual simplex with a warm phase 2: measured in
#: benchmarks/solve.py, the two cost the same at about 1,000 links and the interior point
#: is 3x faster at 10,000 links and more at 50,000 (docs/performance.md). Sweeps keep the
#: simplex, whose warm re-solves they need.
IPM_MIN_VARS = 5000


def _solver_name(m: HighsLP | None) -> str:
    """What ran the phases, for ``meta["solver"]``."""
    if m is not None and m.solver == "ipm":
        return "highspy (persistent, interior point with crossover)"
    if m is not None:
        return "highspy (persistent, phase 2 warm)"
    return "scipy.optimize.linprog(method='highs')" if _highs is _highs_scipy else "highspy"


def _phase1(m: HighsLP | None, sc: Scaled, phase: str) -> OptimizeResult | None:
    """Phase 1 (min shortfall) in the persistent model ``m``, or cold when ``m`` is None; None if infeasible."""
    if m is None:
        return _linprog_if_feasible(sc.c1, sc.A_ub, sc.b_ub, sc.A_eq, sc.b_eq, sc.bounds, phase=phase)
    m.set_cost(sc.c1)
    m.set_row_bounds(np.array([m.n_rows - 1]), np.array([-np.inf]), np.array([np.inf]))
    return m.run(phase)


class _Inequalities:
    """Collects the inequality rows ``A_ub @ z <= b_ub`` one at a time, with their meaning."""

    def __init__(self) -> None:
        self.rows: list[Row] = []
        self._r: list[int] = []
        self._c: list[int] = []
        self._v: list[float] = []
        self._b: list[float] = []

    def add(self, row: Row, cols: Sequence[int] | np.ndarray, vals: Sequence[float] | np.ndarray, rhs: float) -> None:
        """Append the row ``sum(vals * z[cols]) <= rhs``."""
        i = len(self.rows)
        self.rows.append(row)
        self._r.extend([i] * len(cols))
        self._c.extend(int(c) for c in cols)
        self._v.extend(float(v) for v in vals)
        self._b.append(rhs)

    def add_block(self, rows: list[Row], lengths: np.ndarray, cols: np.ndarray, vals: np.ndarray, rhs: np.ndarray) -> None:
        """Append many rows at once: row ``i`` has the next ``lengths[i]`` entries of ``cols``/``vals``."""
        first = len(self.rows)
        self.rows.extend(rows)
        self._r.extend((first + np.repeat(np.arange(len(rows)), lengths)).tolist())
        self._c.extend(np.asarray(cols, dtype=int).tolist())
        self._v.extend(np.asarray(vals, dtype=float).tolist())
        self._b.extend(np.asarray(rhs, dtype=float).tolist())

    def matrix(self, n_vars: int) -> tuple[sp.csr_matrix, np.ndarray]:
        """``A_ub`` (sparse, ``n_vars`` columns) and ``b_ub``."""
        A = sp.csr_matrix((self._v, (self._r, self._c)), shape=(len(self.rows), n_vars))
        return A, np.array(self._b, dtype=float)


class FlowLP:
    """Build the LP for a network, the commodities solved together and their classes."""

    def __init__(
        self,
        net: CorridorNetwork,
        classes: list[FlowClass],
        market_caps: dict[str, dict[str, float]],
        contracts: list[Contract],
        *,
        objective: Objective,
        allocation: Allocation = "cost",
    ) -> None:
        self.net, self.classes, self.contracts, self.objective = net, classes, contracts, objective
        self.allocation = allocation
        self.market_caps = market_caps
        self.commodities: tuple[str, ...] = tuple(dict.fromkeys(c.commodity for c in classes))
        nodes, links = net.nodes, net.links
        self.node_ids: list[str] = nodes.index.tolist()  # tolist: list() walks an Arrow index element by element
        self.link_ids: list[str] = links.index.tolist()
        self.node_pos = {n: i for i, n in enumerate(self.node_ids)}
        self.link_pos = {lid: i for i, lid in enumerate(self.link_ids)}
        self.node_ok: np.ndarray = usable_nodes(nodes).to_numpy()
        self.link_cap = effective_capacities(links)
        self.node_cap = effective_capacities(nodes)
        self.arcs: dict[str, Arcs] = {c: self._arcs(c) for c in self.commodities}
        self.ef_table, self.ef_source = emission_factors(net.parameters)
        self.weights = self._weights()
        self._coef: dict[str, dict[str, np.ndarray]] = {}
        self._unit_cost: dict[str, np.ndarray] = {}
        self._layout()
        #: Per contract index: the columns its bounds sum over (empty: link not usable).
        self.contract_cols = self._contract_columns()

    def _weights(self) -> dict[str, float]:
        """Phase-1 weight of a commodity's unserved volume: 1 / its total supply (0 if none)."""
        weights = {}
        for c in self.commodities:
            total = sum(v for k in self.classes if k.commodity == c for _, v in k.supplies)
            weights[c] = 1.0 / total if total > 0 else 0.0
        return weights

    # ------------------------------------------------------------------ arcs
    def _arcs(self, commodity: str) -> Arcs:
        """Usable links of ``commodity`` as arcs: every link forward, then bidirectional ones backward."""
        links = self.net.links
        mask = usable_links(self.net, commodity).to_numpy()
        idx = np.flatnonzero(mask)
        frm = np.array([self.node_pos[n] for n in links["from_node"].to_numpy()[idx]], dtype=int)
        to = np.array([self.node_pos[n] for n in links["to_node"].to_numpy()[idx]], dtype=int)
        bidi = links["bidirectional"].to_numpy(dtype=bool)[idx]
        return Arcs(
            link=np.concatenate([idx, idx[bidi]]).astype(int),
            tail=np.concatenate([frm, to[bidi]]).astype(int),
            head=np.concatenate([to, frm[bidi]]).astype(int),
            forward=np.concatenate([np.ones(len(idx), bool), np.zeros(int(bidi.sum()), bool)]),
        )

    def link_unit_costs(self, commodity: str) -> np.ndarray:
        """Unit cost of ``commodity`` per link of ``net.links`` (its cost unit; NaN when absent)."""
        return link_costs(self.net.links["cost"].tolist(), commodity)

    def link_emission_factors(self, commodity: str) -> np.ndarray:
        """gCO2 per tonne-km per link: the link's own ``emission_factor``, else its mode's."""
        links = self.net.links
        ef = np.array([factor_for(self.ef_table, str(m), commodity) for m in links["mode"].to_numpy()], dtype=float)
        if "emission_factor" in links.columns:
            own = pd.to_numeric(links["emission_factor"], errors="coerce").to_numpy(dtype=float)
            ef = np.where(np.isfinite(own), own, ef)
        return ef

    def arc_coefficients(self, commodity: str) -> dict[str, np.ndarray]:
        """Per-arc unit cost (cost unit), USD/y per flow unit, time, length, tonne-km and CO2 per flow unit."""
        if commodity not in self._coef:
            self._coef[commodity] = self._coefficients(commodity)
        return self._coef[commodity]

    def objective_coefficients(self, commodity: str) -> np.ndarray:
        """Per-arc phase-2 coefficient of ``commodity`` (:data:`OBJECTIVE_COEFFICIENT`), without the others when cost."""
        key = OBJECTIVE_COEFFICIENT[self.objective]
        if key != "usd" or commodity in self._coef:
            return self.arc_coefficients(commodity)[key]
        return self._arc_unit_costs(commodity) * usd_factor(commodity)

    def _arc_unit_costs(self, commodity: str) -> np.ndarray:
        """Unit cost per arc of ``commodity`` (a missing cost counts as 0, with one warning)."""
        if commodity not in self._unit_cost:
            arcs = self.arcs[commodity]
            cost = self.link_unit_costs(commodity)[arcs.link]
            if np.isnan(cost).any():
                bad = sorted({self.link_ids[i] for i in arcs.link[np.isnan(cost)]})
                log.warning("no %s cost on links %s; counted as 0", commodity, ", ".join(bad))
                cost = np.nan_to_num(cost)
            self._unit_cost[commodity] = cost
        return self._unit_cost[commodity]

    def _coefficients(self, commodity: str) -> dict[str, np.ndarray]:
        links = self.net.links
        arcs = self.arcs[commodity]
        cost = self._arc_unit_costs(commodity)
        t = np.nan_to_num(links["time_days"].to_numpy(dtype=float)[arcs.link])
        km = np.nan_to_num(links["length_km"].to_numpy(dtype=float)[arcs.link])
        tonnes = tonnes_per_unit(commodity, self.net.parameters)
        ef = self.link_emission_factors(commodity)[arcs.link]
        return {
            "unit_cost": cost,
            "usd": cost * usd_factor(commodity),
            "time_days": t,
            "length_km": km,
            "tonne_days": t * tonnes,
            "tonne_km": km * tonnes,
            "co2_t": km * tonnes * ef / G_PER_TONNE,
        }

    # ---------------------------------------------------------------- layout
    def _layout(self) -> None:
        """Column blocks: per class its arcs ``x``, then unserved ``u`` per origin, then delivered ``d`` per market."""
        self.blocks: list[tuple[int, int, int, int]] = []  # (x0, u0, d0, end) per class
        self.origins: list[list[int]] = []
        self.supply: list[np.ndarray] = []
        self.markets: list[list[int]] = []
        start = 0
        for cl in self.classes:
            n_x = len(self.arcs[cl.commodity].link)
            orig = [self.node_pos[o] for o, _ in cl.supplies]
            mk = [self.node_pos[m] for m in cl.markets if self.node_ok[self.node_pos[m]]]
            self.origins.append(orig)
            self.supply.append(np.array([v for _, v in cl.supplies], dtype=float))
            self.markets.append(mk)
            x0, u0 = start, start + n_x
            d0 = u0 + len(orig)
            end = d0 + len(mk)
            self.blocks.append((x0, u0, d0, end))
            start = end
        self.n_vars = start

    def build(self) -> tuple[sp.csr_matrix, np.ndarray, sp.csr_matrix, np.ndarray, list[Row], np.ndarray]:
        """A_eq, b_eq, A_ub, b_ub, the inequality rows' meaning and the variable bounds.

        Equality rows are flow conservation, class by class. Inequality rows come in a
        fixed order: joint link capacities, joint node capacities, market caps, then
        contract bounds.

        Examples
        --------
        >>> import transcaspian as tc
        >>> from transcaspian.flow.solver import prepare
        >>> lp = prepare(tc.load_network("tests/fixtures/mini"), ("crude",), objective="cost")
        >>> A_eq, b_eq, A_ub, b_ub, rows, bounds = lp.build()
        >>> A_eq.shape[1] == A_ub.shape[1] == len(bounds) == lp.n_vars
        True
        >>> sorted({r.kind for r in rows})
        ['link', 'node']
        """
        A_eq, b_eq = self._conservation()
        ub = _Inequalities()
        self._link_capacity_rows(ub)
        self._node_capacity_rows(ub)
        self._market_cap_rows(ub)
        self._contract_rows(ub)
        A_ub, b_ub = ub.matrix(self.n_vars)
        return A_eq, b_eq, A_ub, b_ub, ub.rows, self._bounds()

    def _conservation(self) -> tuple[sp.csr_matrix, np.ndarray]:
        """Flow conservation per class and node: outflow - inflow + unserved + delivered = supply.

        Only the nodes a class touches get a row; rows are numbered class after class.
        """
        er, ec, ev, b_eq = [], [], [], []
        n_eq = 0
        #: (class index, node position) -> its conservation row; read by the time-expanded model.
        self.eq_rows: dict[tuple[int, int], int] = {}
        for k in range(len(self.classes)):
            rows, cols, vals, rhs = self._conservation_block(k, n_eq)
            er.append(rows)
            ec.append(cols)
            ev.append(vals)
            b_eq.append(rhs)
            n_eq += len(rhs)
        A_eq = sp.csr_matrix(
            (np.concatenate(ev) if ev else [], (np.concatenate(er) if er else [], np.concatenate(ec) if ec else [])),
            shape=(n_eq, self.n_vars),
        )
        return A_eq, np.concatenate(b_eq) if b_eq else np.zeros(0)

    def _conservation_block(self, k: int, first_row: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Row indices, columns, values and right-hand sides of class ``k``'s conservation rows."""
        N = len(self.node_ids)
        x0, u0, d0, end = self.blocks[k]
        arcs = self.arcs[self.classes[k].commodity]
        n_x = len(arcs.link)
        origins = np.array(self.origins[k], int)
        r_rows = np.concatenate([arcs.tail, arcs.head, origins, np.array(self.markets[k], int)])
        cols = np.concatenate([np.arange(x0, u0), np.arange(x0, u0), np.arange(u0, d0), np.arange(d0, end)])
        vals = np.concatenate([np.ones(n_x), -np.ones(n_x), np.ones(d0 - u0), np.ones(end - d0)])
        rhs = np.zeros(N)
        np.add.at(rhs, origins, self.supply[k])
        used = np.unique(np.concatenate([r_rows, origins]))
        remap = -np.ones(N, dtype=int)
        remap[used] = np.arange(len(used)) + first_row
        self.eq_rows.update({(k, int(n)): int(remap[n]) for n in used})
        return remap[r_rows], cols, vals, rhs[used]

    def _link_capacity_rows(self, ub: _Inequalities) -> None:
        """Joint link capacities: every class's arcs on a capacitated link, in the link's unit.

        Built from arrays (one factor per distinct unit and commodity), rows in link order,
        each row's columns in class order then arc order.
        """
        link_units = self.net.links["unit"].to_numpy()
        finite = np.isfinite(self.link_cap)
        li_parts, col_parts, val_parts = [], [], []
        for k, cl in enumerate(self.classes):
            li = np.asarray(self.arcs[cl.commodity].link, dtype=int)
            keep = np.flatnonzero(finite[li]) if li.size else np.zeros(0, dtype=int)
            if not keep.size:
                continue
            units = link_units[li[keep]]
            memo: dict[Any, float] = {}
            vals = np.fromiter((memo[u] if u in memo else memo.setdefault(u, factor(cl.commodity, u)) for u in units),
                               dtype=float, count=len(units))
            li_parts.append(li[keep])
            col_parts.append(self.blocks[k][0] + keep)
            val_parts.append(vals)
        if not li_parts:
            return
        li_all, cols_all, vals_all = np.concatenate(li_parts), np.concatenate(col_parts), np.concatenate(val_parts)
        order = np.argsort(li_all, kind="stable")
        li_all, cols_all, vals_all = li_all[order], cols_all[order], vals_all[order]
        links, starts = np.unique(li_all, return_index=True)
        caps = self.link_cap[links].astype(float)
        rows = [Row("link", self.link_ids[li], float(cap), str(link_units[li] or "")) for li, cap in zip(links, caps, strict=True)]
        ub.add_block(rows, np.diff(np.append(starts, len(li_all))), cols_all, vals_all, caps)

    def _node_capacity_rows(self, ub: _Inequalities) -> None:
        """Joint node throughput capacities: outflow plus delivered of the commodities the node counts."""
        nodes = self.net.nodes
        node_units = nodes["unit"].to_numpy()
        cap_nodes = [i for i in range(len(self.node_ids)) if np.isfinite(self.node_cap[i]) and self.node_ok[i]]
        counted = {i: set(node_capacity_commodities(nodes.iloc[i], self.commodities)) for i in cap_nodes}
        per_node: dict[int, tuple[list[int], list[float]]] = {i: ([], []) for i in cap_nodes}
        for k, cl in enumerate(self.classes):
            x0, _, d0, _ = self.blocks[k]
            c = cl.commodity
            for j, t in enumerate(self.arcs[c].tail):
                if t in per_node and c in counted[t]:
                    per_node[t][0].append(x0 + j)
                    per_node[t][1].append(factor(c, node_units[t]))
            for j, m in enumerate(self.markets[k]):
                if m in per_node and c in counted[m]:
                    per_node[m][0].append(d0 + j)
                    per_node[m][1].append(factor(c, node_units[m]))
        for i in cap_nodes:
            cols, vals = per_node[i]
            if cols:
                cap = float(self.node_cap[i])
                ub.add(Row("node", self.node_ids[i], cap, str(node_units[i] or "")), cols, vals, cap)

    def _market_cap_rows(self, ub: _Inequalities) -> None:
        """Market caps: what a market takes of a commodity, shared by the commodity's classes."""
        for c in self.commodities:
            for m, cap in sorted(self.market_caps.get(c, {}).items()):
                if not math.isfinite(cap):
                    continue
                cols = [
                    self.blocks[k][2] + j
                    for k, cl in enumerate(self.classes)
                    if cl.commodity == c
                    for j, mi in enumerate(self.markets[k])
                    if self.node_ids[mi] == m
                ]
                if cols:
                    ub.add(Row("market", m, cap, "", c), cols, [1.0] * len(cols), cap)

    def _contract_columns(self) -> dict[int, list[int]]:
        """Per contract index: the forward-arc columns its bounds sum over.

        All classes of the contract's commodity, or only the classes of its origins; over
        every link of a group contract.
        """
        out: dict[int, list[int]] = {}
        for ct in self.contracts:
            lis = [self.link_pos[lid] for lid in ct.links]
            out[ct.index] = [
                self.blocks[k][0] + int(j)
                for k, cl in enumerate(self.classes)
                if cl.commodity == ct.commodity and (not ct.origins or cl.origin in ct.origins)
                for j in np.flatnonzero(np.isin(self.arcs[cl.commodity].link, lis) & self.arcs[cl.commodity].forward)
            ]
        return out

    def _contract_rows(self, ub: _Inequalities) -> None:
        """Contract bounds on the flow from_node -> to_node: a max row, then a min row (negated)."""
        for ct in self.contracts:
            cols = self.contract_cols[ct.index]
            if not cols:
                continue
            if math.isfinite(ct.max_flow):
                row = Row("contract_max", ct.link, ct.max_flow, "", ct.commodity, ct.index)
                ub.add(row, cols, [1.0] * len(cols), ct.max_flow)
            if ct.min_flow > 0:
                row = Row("contract_min", ct.link, ct.min_flow, "", ct.commodity, ct.index)
                ub.add(row, cols, [-1.0] * len(cols), -ct.min_flow)

    def _bounds(self) -> np.ndarray:
        """Variable bounds: ``0 <= x``, ``0 <= u <= supply``, ``0 <= d``; arcs a class avoids fixed at 0."""
        bounds = np.zeros((self.n_vars, 2))
        bounds[:, 1] = np.inf
        countries = self.net.nodes["country"].reindex(self.node_ids).astype(str).to_numpy()
        for k, cl in enumerate(self.classes):
            x0, u0, d0, _ = self.blocks[k]
            bounds[u0:d0, 1] = self.supply[k]
            if cl.avoid:  # this class may not touch nodes in these countries, nor links crossing them
                arcs = self.arcs[cl.commodity]
                banned = np.isin(countries[arcs.tail], cl.avoid) | np.isin(countries[arcs.head], cl.avoid)
                banned |= crosses_countries(self.net.links, cl.avoid)[arcs.link]
                bounds[x0 + np.flatnonzero(banned), 1] = 0.0
        return bounds

    # ---------------------------------------------------------------- solve
    def objective_vector(self) -> tuple[np.ndarray, float]:
        """Phase-2 cost vector (scaled to max |c| = 1) and the scale."""
        c = np.zeros(self.n_vars)
        key = OBJECTIVE_COEFFICIENT[self.objective]
        for k, cl in enumerate(self.classes):
            x0, u0, _, _ = self.blocks[k]
            c[x0:u0] = self.arc_coefficients(cl.commodity)[key]
        scale = float(np.abs(c).max()) if c.size and np.abs(c).max() > 0 else 1.0
        return c / scale, scale

    def phase1_vector(self) -> np.ndarray:
        """Phase-1 cost vector: unserved volume weighted by its commodity's weight."""
        c = np.zeros(self.n_vars)
        for k, cl in enumerate(self.classes):
            _, u0, d0, _ = self.blocks[k]
            c[u0:d0] = self.weights[cl.commodity]
        return c

    def column_scale(self) -> np.ndarray:
        """Per column, the volume unit it is solved in: its commodity's total supply (1 if none).

        Solving every commodity in units of its own total supply, with rows equilibrated
        (:func:`_row_scale`), keeps supplies and capacities from
        :data:`~transcaspian.schema.VOLUME_MIN` to :data:`~transcaspian.schema.VOLUME_MAX`
        within the solver's absolute tolerances at one relative precision.
        """
        D = np.ones(self.n_vars)
        for k, cl in enumerate(self.classes):
            x0, _, _, end = self.blocks[k]
            w = self.weights[cl.commodity]
            D[x0:end] = 1.0 / w if w > 0 else 1.0
        return D

    def scaled(self) -> Scaled:
        """The LP built and scaled: ``R A D`` (columns in units of their commodity's total supply, rows equilibrated)."""
        A_eq, b_eq, A_ub, b_ub, rows, bounds = self.build()
        D = self.column_scale()
        r_eq, r_ub = _row_scale(A_eq, D), _row_scale(A_ub, D)
        c2, scale = self.objective_vector()
        c2s = c2 * D
        s2 = float(np.abs(c2s).max()) if c2s.size and np.abs(c2s).max() > 0 else 1.0
        return Scaled(
            A_eq=(sp.diags(r_eq) @ A_eq @ sp.diags(D)).tocsr(),
            b_eq=b_eq * r_eq,
            A_ub=(sp.diags(r_ub) @ A_ub @ sp.diags(D)).tocsr(),
            b_ub=b_ub * r_ub,
            bounds=bounds / D[:, None],
            rows=rows,
            D=D,
            r_ub=r_ub,
            c1=self.phase1_vector() * D,  # 1 per unserved column: the shortfall as a share of supply
            c2=c2s / s2,
            s2=s2,
            scale=scale,
            A_ub_raw=A_ub,
            n_eq=int(A_eq.shape[0]),
        )

    def model(self, sc: Scaled, *, solver: str = "simplex") -> HighsLP:
        """The persistent highspy model of ``sc``, with the held phase-1 objective as its last (free) row."""
        return HighsLP(sc.A_eq, sc.b_eq, sc.A_ub, sc.b_ub, sc.bounds, extra=sp.csr_matrix(sc.c1.reshape(1, -1)),
                       solver=solver)

    def solve(self) -> LPSolution:
        """Phase 1 (most delivered; phase 0 first if min_flow contracts make it infeasible), then phase 2.

        Both phases run on the scaled problem (:meth:`scaled`) in one persistent highspy
        model (:meth:`model`): phase 2 adds the held phase-1 objective and re-solves warm
        from phase 1's basis. Solutions, duals and relaxed contract minima are returned
        in canonical units.
        """
        t0 = time.perf_counter()
        sc = self.scaled()
        rows, D, r_ub = sc.rows, sc.D, sc.r_ub
        t_build = time.perf_counter() - t0
        relaxed: dict[int, float] = {}
        if self.n_vars == 0:
            return self._empty(rows, t_build)
        phase1 = "phase 1 (max delivered)"
        persistent = PERSISTENT and self.allocation != "pro_rata"
        m = self.model(sc, solver="ipm" if self.n_vars >= IPM_MIN_VARS else "simplex") if persistent else None
        res1 = _phase1(m, sc, phase1)
        s_bub = sc.b_ub
        if res1 is None:
            s_bub, relaxed_s = self._relax_contracts(sc.A_eq, sc.b_eq, sc.A_ub, sc.b_ub, rows, sc.bounds)
            relaxed = {i: v / r_ub[row] for i, (row, v) in relaxed_s.items()}
            sc = dataclasses.replace(sc, b_ub=s_bub)
            if m is not None:
                m.set_ub_rhs(s_bub)
            res1 = _phase1(m, sc, phase1)
            if res1 is None:
                raise InfeasibleError(f"{phase1}: the flow problem has no feasible solution; check contracts and market caps")
        opt1 = float(res1.fun)
        shares: dict[tuple[str, str], float] = {}
        if self.allocation == "pro_rata":
            shares = fair_shares(self, D, sc.A_eq, sc.b_eq, sc.A_ub, s_bub, sc.bounds, linprog=_linprog)
            A_f, b_f = share_rows(self.n_vars, origin_keys(self, D), shares)
            res2 = _linprog(sc.c2, sp.vstack([sc.A_ub, A_f]).tocsr(), np.concatenate([s_bub, b_f]), sc.A_eq, sc.b_eq,
                            sc.bounds, phase=f"pro-rata phase 2 (min {self.objective})")
            tol = SHARE_TOL
            opt1 = float(sc.c1 @ res2.x)
        elif m is not None:
            res2, tol = self._phase2_warm(m, sc, opt1)
        else:
            res2, tol = self._phase2(sc.c1, sc.c2, opt1, sc.A_eq, sc.b_eq, sc.A_ub, s_bub, sc.bounds)
        z = res2.x * D
        n_rows = len(rows)
        meta = {
            "solver": _solver_name(m),
            "variables": int(self.n_vars),
            "equality_rows": int(sc.n_eq),
            "inequality_rows": int(n_rows),
            "build_seconds": t_build,
            "solve_seconds": time.perf_counter() - t0 - t_build,
            "phase1_status": res1.message,
            "phase2_status": res2.message,
            "delivered_tolerance": tol,
            "weights": dict(self.weights),
            "emission_factors_source": self.ef_source,
            "allocation": self.allocation,
            "served_share": {f"{c}@{o}": v for (c, o), v in shares.items()},
        }
        x, u, d = self._split(z)
        return LPSolution(
            x=x,
            u=u,
            d=d,
            rows=rows,
            row_activity=(sc.A_ub_raw @ z) if n_rows else np.zeros(0),
            dual_phase1=_marginals(res1, n_rows) * r_ub,
            dual_phase2=_marginals(res2, n_rows) * r_ub * sc.s2,
            objective_value=float(sc.c2 @ np.clip(res2.x, 0, None)) * sc.s2 * sc.scale,  # of the flows reported (clipped at 0), not the solver's noise below 0
            objective_scale=sc.scale,
            phase1_value=opt1,
            relaxed=relaxed,
            meta=meta,
        )

    def _phase2_warm(self, m: HighsLP, sc: Scaled, opt1: float) -> tuple[OptimizeResult, float]:
        """Phase 2 in the persistent model: hold the phase-1 objective, minimise ``c2`` from phase 1's basis."""
        phase = f"phase 2 (min {self.objective})"
        held = np.array([m.n_rows - 1])
        m.set_cost(sc.c2)
        for tol in (DELIVERED_TOL, DELIVERED_TOL_RETRY):
            m.set_row_bounds(held, np.array([-np.inf]), np.array([opt1 + tol]))
            res = m.run(phase)
            if res is not None:
                return res, tol
            log.debug("phase 2 infeasible with delivered tolerance %g; retrying looser", tol)
        raise InfeasibleError(f"{phase}: infeasible even with the delivered tolerance {DELIVERED_TOL_RETRY:g}")

    def _phase2(
        self,
        c1: np.ndarray,
        c2: np.ndarray,
        opt1: float,
        A_eq: sp.csr_matrix,
        b_eq: np.ndarray,
        A_ub: sp.csr_matrix,
        b_ub: np.ndarray,
        bounds: np.ndarray,
    ) -> tuple[OptimizeResult, float]:
        """Minimise ``c2`` with the phase-1 objective held at ``opt1``; the result and the tolerance used.

        The held objective is the total shortfall as a share of supply (summed over
        commodities), so the slack (:data:`~transcaspian.schema.DELIVERED_TOL`) is a share
        of supply; if it is numerically infeasible, the looser
        :data:`~transcaspian.schema.DELIVERED_TOL_RETRY` is tried. Cold (a fresh LP each
        time): the reference path, with :data:`PERSISTENT` off.
        """
        A2 = sp.vstack([A_ub, sp.csr_matrix(c1.reshape(1, -1))]).tocsr()
        phase = f"phase 2 (min {self.objective})"

        def held(tol: float) -> np.ndarray:
            return np.append(b_ub, opt1 + tol)

        res2 = _linprog_if_feasible(c2, A2, held(DELIVERED_TOL), A_eq, b_eq, bounds, phase=phase)
        if res2 is not None:
            return res2, DELIVERED_TOL
        log.debug("phase 2 infeasible with delivered tolerance %g; retrying looser", DELIVERED_TOL)
        return _linprog(c2, A2, held(DELIVERED_TOL_RETRY), A_eq, b_eq, bounds, phase=phase), DELIVERED_TOL_RETRY

    def _split(self, z: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray], list[np.ndarray]]:
        """Per class ``x``, ``u`` and ``d`` out of the solution vector, clipped at 0."""
        x, u, d = [], [], []
        for x0, u0, d0, end in self.blocks:
            x.append(np.clip(z[x0:u0], 0, None))
            u.append(np.clip(z[u0:d0], 0, None))
            d.append(np.clip(z[d0:end], 0, None))
        return x, u, d

    def _empty(self, rows: list[Row], t_build: float) -> LPSolution:
        """Nothing to route (no supply): an all-zero solution."""
        n = len(self.classes)
        z = [np.zeros(0)] * n
        meta = {
            "solver": "none (no variables)",
            "variables": 0,
            "build_seconds": t_build,
            "solve_seconds": 0.0,
            "delivered_tolerance": DELIVERED_TOL,
            "weights": dict(self.weights),
            "emission_factors_source": self.ef_source,
        }
        zeros = np.zeros(len(rows))
        return LPSolution(list(z), list(z), list(z), rows, zeros, zeros, zeros, 0.0, 1.0, 0.0, {}, meta)

    def _relax_contracts(
        self,
        A_eq: sp.csr_matrix,
        b_eq: np.ndarray,
        A_ub: sp.csr_matrix,
        b_ub: np.ndarray,
        rows: list[Row],
        bounds: np.ndarray,
    ) -> tuple[np.ndarray, dict[int, tuple[int, float]]]:
        """Phase 0: the smallest total (relative) shortfall on min_flow contracts.

        Works on the scaled problem (a min_flow row reads ``-flow <= -min``); returns
        the new right-hand sides and, per relaxed contract, its row and scaled new minimum.
        """
        mins = [i for i, r in enumerate(rows) if r.kind == "contract_min"]
        if not mins:
            raise InfeasibleError("the flow problem is infeasible although no min_flow contract binds; check the data")
        n = self.n_vars
        caps = [-float(b_ub[i]) for i in mins]
        slack = sp.csr_matrix((-np.ones(len(mins)), (mins, np.arange(len(mins)))), shape=(len(rows), len(mins)))
        A0 = sp.hstack([A_ub, slack]).tocsr()
        A0_eq = sp.hstack([A_eq, sp.csr_matrix((A_eq.shape[0], len(mins)))]).tocsr()
        c0 = np.concatenate([np.zeros(n), [1.0 / cap for cap in caps]])
        b0 = np.vstack([bounds, np.array([[0.0, cap] for cap in caps])])
        res0 = _linprog(c0, A0, b_ub, A0_eq, b_eq, b0, phase="phase 0 (contract shortfall)")
        short = res0.x[n:]
        b_new = b_ub.copy()
        relaxed: dict[int, tuple[int, float]] = {}
        ct_by_index: dict[int | None, Contract] = {ct.index: ct for ct in self.contracts}
        for i, cap, s in zip(mins, caps, short, strict=True):
            slack_tol = CONTRACT_TOL * cap
            if s <= slack_tol:
                continue
            new_min = max(0.0, cap - s - slack_tol)
            b_new[i] = -new_min
            ct = ct_by_index[rows[i].contract]
            relaxed[ct.index] = (i, new_min)
            # reported in FlowResult.contracts and the summary; log at INFO to avoid saying it twice
            log.info(
                "contract %s: min_flow %g cannot be met in this scenario; relaxed to %g",
                ct.label, rows[i].capacity, new_min * rows[i].capacity / cap,
            )
        return b_new, relaxed


def _highs(
    c: np.ndarray,
    A_ub: sp.csr_matrix,
    b_ub: np.ndarray,
    A_eq: sp.csr_matrix,
    b_eq: np.ndarray,
    bounds: np.ndarray,
) -> OptimizeResult:
    """One HiGHS run at :data:`~transcaspian.schema.SOLVER_FEAS_TOL`, on highspy (:func:`.highs.solve_lp`)."""
    return solve_lp(c, A_ub, b_ub, A_eq, b_eq, bounds)


def _highs_scipy(
    c: np.ndarray,
    A_ub: sp.csr_matrix,
    b_ub: np.ndarray,
    A_eq: sp.csr_matrix,
    b_eq: np.ndarray,
    bounds: np.ndarray,
) -> OptimizeResult:
    """The reference oracle: the same LP through ``scipy.optimize.linprog(method="highs")``.

    Not used by the package; the tests swap it in for :func:`_highs` (and turn off the
    persistent model, :data:`PERSISTENT`) to check the highspy core against it.
    """
    from scipy.optimize import linprog  # noqa: PLC0415 (reference path only)

    kw: dict[str, Any] = {
        "method": "highs",
        "bounds": bounds,
        "options": {"primal_feasibility_tolerance": SOLVER_FEAS_TOL, "dual_feasibility_tolerance": SOLVER_FEAS_TOL},
    }
    if A_ub.shape[0]:
        kw.update(A_ub=A_ub, b_ub=b_ub)
    if A_eq.shape[0]:
        kw.update(A_eq=A_eq, b_eq=b_eq)
    return linprog(c, **kw)


def _check(res: OptimizeResult, phase: str) -> OptimizeResult:
    """``res`` if HiGHS reached an optimum, else the matching error."""
    if res.status == 2:
        raise InfeasibleError(
            f"{phase}: the flow problem has no feasible solution ({res.message}); check contracts and market caps"
        )
    if res.status != 0:
        raise SolverError(f"{phase}: HiGHS did not reach an optimum (status {res.status}: {res.message})")
    return res


def _linprog(
    c: np.ndarray,
    A_ub: sp.csr_matrix,
    b_ub: np.ndarray,
    A_eq: sp.csr_matrix,
    b_eq: np.ndarray,
    bounds: np.ndarray,
    *,
    phase: str,
) -> OptimizeResult:
    """Solve, raising :class:`InfeasibleError` or :class:`SolverError` unless optimal."""
    return _check(_highs(c, A_ub, b_ub, A_eq, b_eq, bounds), phase)


def _linprog_if_feasible(
    c: np.ndarray,
    A_ub: sp.csr_matrix,
    b_ub: np.ndarray,
    A_eq: sp.csr_matrix,
    b_eq: np.ndarray,
    bounds: np.ndarray,
    *,
    phase: str,
) -> OptimizeResult | None:
    """Like :func:`_linprog`, but ``None`` when the problem is infeasible."""
    res = _highs(c, A_ub, b_ub, A_eq, b_eq, bounds)
    return None if res.status == 2 else _check(res, phase)


def _row_scale(A: sp.csr_matrix, D: np.ndarray) -> np.ndarray:
    """Per row of ``A @ diag(D)``, 1 / its largest absolute coefficient (1 for an empty row)."""
    if A.shape[0] == 0:
        return np.ones(0)
    m = abs(A @ sp.diags(D)).max(axis=1).toarray().ravel()
    return np.where(m > 0, 1.0 / np.where(m > 0, m, 1.0), 1.0)


def _marginals(res: OptimizeResult, n_rows: int) -> np.ndarray:
    """Duals of the first ``n_rows`` inequality rows (zeros when HiGHS gave none)."""
    ineq = getattr(res, "ineqlin", None)
    m = getattr(ineq, "marginals", None) if ineq is not None else None
    if m is None or len(m) < n_rows:
        return np.zeros(n_rows)
    return np.asarray(m[:n_rows], dtype=float)
