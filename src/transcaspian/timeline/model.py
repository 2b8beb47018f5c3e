"""The time-expanded LP: one block of the flow LP per period, coupled by storage, deferral and contracts.

The flow LP of :mod:`transcaspian.flow.lp` is built once (:meth:`FlowLP.build`) and
repeated block-diagonally, one block per period, with the right-hand sides of that
period: link and node capacities from the day-by-day availability summed over the
period's days (``capacity x factor / 365`` per day; a terminal with moorings takes the
smaller of its capacity and the moorings in service times the rate), market caps and
supplies times ``days / 365``. Coupling columns and rows:

* **storage** ``s[node, class, t]``, the stock at the end of period ``t``: it enters the
  node's conservation row of its class (``... + s[t] - s[t-1] = supply``); the classes'
  stocks add up to at most the capacity and at least the minimum level; the initial
  stock is split freely between the classes; by default the stock ends where it
  started (``storage_end="initial"``), so storage shifts volume in time but adds none;
* **deferral** ``f[origin, t]``: output shut in, in the origin's conservation row like
  unserved supply, for origins with a production response in time.yaml; its change of
  rate between consecutive periods is limited by ``ramp_down_per_day`` (shutting in)
  and ``ramp_up_per_day`` after ``restart_lag_days`` (restarting), as shares of the
  planned rate;
* **contracts** (annual plans and allocations of baseline.yaml) bound the flow summed
  over the horizon, times ``horizon days / 365``.

Objective, lexicographic like :func:`transcaspian.solve`: phase 1 minimises weighted
unserved supply, stranded or deferred (the most delivered); phase 2 holds it and
minimises cost (or time, or emissions), so who is curtailed follows the same rule as in
``solve`` and one period equals ``solve``; phase 3 holds both and minimises the stranded
part, so that crude which cannot move is shut in where the ramp limits allow rather than
produced and left without an outlet. (The penalty form weighs stranding with
:data:`STRANDED_TIEBREAK`, far below any cost.) Arcs no class can use on an origin-to-market
path are fixed at zero, which the solver's presolve removes.
"""

from __future__ import annotations

import copy
import dataclasses
import logging
import time
from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import breadth_first_order

from ..errors import ScenarioError
from ..flow.highs import OptimizeResult
from ..flow.lp import FlowLP, Row, _linprog, _linprog_if_feasible, _marginals, _solver_name
from ..schema import DELIVERED_TOL
from ._rows import _held, _tile, _Triplets
from .allocation import allocation_month, floor_rows, period_fair_shares
from .outages import Availability
from .periods import DAYS_PER_YEAR, Period
from .timedata import TimeData

__all__ = ["TimeExpandedLP", "TimeSolution", "StorageCols", "DeferralCols", "STRANDED_TIEBREAK"]

log = logging.getLogger(__name__)

#: Phase-2 cost (scaled units, routes cost up to 1 per arc) per unit of stock away from the initial
#: level per period: tanks keep their working level unless filling or drawing them saves cost, instead
#: of drifting arbitrarily among equally cheap solutions.
STORAGE_HOLD = 1e-4
#: How the phases are solved: two LPs (exact lexicographic, as solve), or one LP with a penalty on
#: unserved supply above any route's cost (the same optimum for a network flow; half the time).
METHODS = ("auto", "lexicographic", "penalty")
#: ``method="auto"`` solves the penalty form above this many columns.
AUTO_PENALTY_COLUMNS = 50_000
#: The penalty form's weight on stranded volume: this many times the costliest conceivable route.
#: Penalty form: weight of a unit stranded rather than deferred (x the unserved weight's scale, so it clears the
#: solver's tolerances), far below any scaled route cost.
STRANDED_TIEBREAK = 1e-7
PENALTY_FACTOR = 10.0
#: The penalty form's weight on undelivered volume (stranded or deferred), times the stranded one:
#: delivering comes first unless ramp limits chain a trade over more than this many periods.
PENALTY_DELIVERY = 1e3


@dataclasses.dataclass
class StorageCols:
    """Columns of one storage node: initial split per class, then stock per period and class."""

    node: str
    commodity: str
    classes: list[int]
    s0: np.ndarray  # (n_classes,)
    s: np.ndarray  # (T, n_classes)
    capacity: float
    initial: float
    minimum: float
    dev: np.ndarray  # (T, 2): stock below and above the initial level (cost STORAGE_HOLD)


@dataclasses.dataclass
class DeferralCols:
    """Deferral columns of one origin: per class holding it, one column per period."""

    origin: str
    members: list[tuple[int, int]]  # (class, index of the origin in the class's supplies)
    f: np.ndarray  # (T, n_members)
    planned_rate: float  # Mt/day (canonical unit per day) at the baseline


@dataclasses.dataclass
class TimeSolution:
    """The solved time-expanded LP, split by period."""

    z: np.ndarray
    x: list[list[np.ndarray]]  # [t][class] flow per arc
    u: list[list[np.ndarray]]  # [t][class] stranded per origin
    d: list[list[np.ndarray]]  # [t][class] delivered per market
    supply: np.ndarray  # (T, total origins over classes), available supply per period
    planned: np.ndarray  # (T, total origins), planned (before events)
    rhs: dict[tuple[str, str], np.ndarray]  # (kind, element) -> capacity per period
    storage: list[StorageCols]
    deferral: list[DeferralCols]
    relaxed: dict[int, float]
    objective_value: float
    meta: dict[str, Any]


class TimeExpandedLP:
    """Build and solve the LP of ``lp`` over ``periods`` (see the module docstring)."""

    def __init__(
        self,
        lp: FlowLP,
        periods: Sequence[Period],
        avail: Availability,
        td: TimeData,
        *,
        storage_end: str = "initial",
        method: str = "auto",
        transit_delay: bool = False,
        allocation: str = "cost",
        contracts: str = "month",
    ) -> None:
        if storage_end not in ("initial", "free"):
            raise ScenarioError(f"storage_end {storage_end!r} is unknown (fix: use 'initial' or 'free')")
        if method not in METHODS:
            raise ScenarioError(f"method {method!r} is unknown (fix: use one of {', '.join(METHODS)})")
        self.method = method
        self.allocation = allocation
        if contracts not in ("month", "horizon"):
            raise ScenarioError(f"contracts {contracts!r} is unknown (fix: use 'month' or 'horizon')")
        self.contracts = contracts
        self.transit_delay = transit_delay
        self.lp, self.periods, self.avail, self.td = lp, list(periods), avail, td
        self.storage_end = storage_end
        self.T = len(self.periods)
        self.origin_day = self.periods[0].start
        self._starts = np.array([(p.start - self.origin_day).days for p in self.periods], dtype=int)
        self.n = lp.n_vars

    # ------------------------------------------------------------- inputs
    def _daily_capacity(self, kind: str, element: str) -> np.ndarray:
        """Capacity per day of a link or node (canonical unit per year)."""
        lp = self.lp
        if kind == "link":
            i = lp.link_pos[element]
            static, raw = float(lp.link_cap[i]), float(lp.net.links["capacity"].iloc[i])
        else:
            i = lp.node_pos[element]
            static, raw = float(lp.node_cap[i]), float(lp.net.nodes["capacity"].iloc[i])
        f = self.avail.factor.get(element)
        daily = np.full(self.avail.n_days, static) if f is None else raw * f
        moor = self.td.moorings.get(element) if kind == "node" else None
        if moor is not None:
            out = self.avail.moorings_out.get(element, np.zeros(self.avail.n_days))
            in_service = np.clip(moor.count - out, 0.0, float(moor.in_service))
            daily = np.minimum(daily, in_service * moor.rate_per_year)
            if moor.cargo > 0:  # a weather halt stops new moorings: the tankers at berth finish, half a cargo each
                before = daily.copy()
                off = self.avail.window_off.get(element)
                for i in self.avail.weather_starts.get(element, []):
                    # not when an outage window shuts the terminal that day, nor when it was not loading the day before
                    if off is not None and off[i] or i > 0 and before[i - 1] <= 0.0:
                        continue
                    if daily[i] <= 0.0:
                        daily[i] = min(in_service[i] * moor.cargo / 2 * DAYS_PER_YEAR, in_service[i] * moor.rate_per_year)
        return daily

    def _per_period(self, daily: np.ndarray) -> np.ndarray:
        """Sum of ``daily / 365`` over each period's days."""
        return np.add.reduceat(daily, self._starts) / DAYS_PER_YEAR

    def _supplies(self) -> tuple[np.ndarray, np.ndarray, list[tuple[int, int, str]]]:
        """Available and planned supply per period and (class, origin), and the (class, index, origin) list."""
        lp = self.lp
        members = [(k, i, lp.node_ids[o]) for k in range(len(lp.classes)) for i, o in enumerate(lp.origins[k])]
        totals: dict[str, float] = {}
        for k, i, o in members:
            totals[o] = totals.get(o, 0.0) + float(lp.supply[k][i])
        avail = np.zeros((self.T, len(members)))
        planned = np.zeros((self.T, len(members)))
        for j, (k, i, o) in enumerate(members):
            rate = self._planned_rate(o, totals[o]) * float(lp.supply[k][i])  # per year, per day
            planned[:, j] = self._per_period(rate)
            avail[:, j] = self._per_period(rate * self.avail.factor_of(o))
        return avail, planned, members

    def _planned_rate(self, origin: str, total: float) -> np.ndarray:
        """Per day, the planned output of ``origin`` as a share of its baseline supply."""
        share = np.ones(self.avail.n_days)
        prod = self.td.production.get(origin)
        if prod is None or not prod.profile or total <= 0:
            return share
        for first, last, value in prod.profile:
            a = max((first - self.origin_day).days, 0)
            b = min((last - self.origin_day).days + 1, self.avail.n_days)
            if a < b:
                share[a:b] = value / total
        return share

    # ------------------------------------------------------------- build
    def build(self) -> tuple[sp.csr_matrix, np.ndarray, sp.csr_matrix, np.ndarray, list[Row], np.ndarray]:
        """A_eq, b_eq, A_ub, b_ub, the inequality rows' meaning and the bounds of the whole horizon."""
        A_eq0, _, A_ub0, b_ub0, rows0, bounds0 = self.lp.build()
        self.supply, self.planned, self.members = self._supplies()
        self.member_pos = {(k, i): j for j, (k, i, _) in enumerate(self.members)}
        self._add_columns()
        A_eq, b_eq = self._equalities(A_eq0.tocoo(), A_eq0.shape[0])
        ub = _Triplets()
        self._capacity_rows(ub, A_ub0, rows0)
        self._contract_rows(ub, A_ub0, b_ub0, rows0)
        self._storage_rows(ub)
        self._ramp_rows(ub)
        A_ub, b_ub = ub.matrix(self.N)
        return A_eq, b_eq, A_ub, b_ub, ub.rows, self._bounds(bounds0)

    def _add_columns(self) -> None:
        """Columns after the period blocks: storage (initial split, stock, deviation), then deferral."""
        lp, T = self.lp, self.T
        col = T * self.n
        self.storage: list[StorageCols] = []
        for st in self.td.storage.values():
            pos = lp.node_pos.get(st.node)
            if pos is None or st.commodity not in lp.commodities:
                continue
            ks = [k for k, cl in enumerate(lp.classes) if cl.commodity == st.commodity and (k, pos) in lp.eq_rows]
            if not ks:
                log.info("storage at %s: no %s flow can reach it; ignored", st.node, st.commodity)
                continue
            nk = len(ks)
            s0 = np.arange(col, col + nk)
            s = np.arange(col + nk, col + nk + T * nk).reshape(T, nk)
            dev = np.arange(col + nk + T * nk, col + nk + T * nk + 2 * T).reshape(T, 2)  # below / above initial
            col += nk + T * nk + 2 * T
            self.storage.append(StorageCols(st.node, st.commodity, ks, s0, s, st.capacity, st.initial, st.minimum, dev))
        self.deferral: list[DeferralCols] = []
        by_origin: dict[str, list[tuple[int, int]]] = {}
        for k, i, o in self.members:
            if o in self.td.production:
                by_origin.setdefault(o, []).append((k, i))
        for o, mem in by_origin.items():
            f = np.arange(col, col + T * len(mem)).reshape(T, len(mem))
            col += T * len(mem)
            rate = sum(float(lp.supply[k][i]) for k, i in mem) / DAYS_PER_YEAR
            self.deferral.append(DeferralCols(o, mem, f, rate))
        self.N = col

    def _equalities(self, A_eq0: sp.coo_matrix, m_eq: int) -> tuple[sp.csr_matrix, np.ndarray]:
        """Conservation per period (supplies of the period), storage and deferral terms, storage levels."""
        lp, T = self.lp, self.T
        er, ec, ev = self._conservation_triplets(A_eq0, m_eq)
        b_eq = np.zeros(T * m_eq)
        steps = m_eq * np.arange(T)
        for j, (k, _i, o) in enumerate(self.members):
            b_eq[lp.eq_rows[(k, lp.node_pos[o])] + steps] += self.supply[:, j]
        for sc in self.storage:
            for c, k in enumerate(sc.classes):
                r = lp.eq_rows[(k, lp.node_pos[sc.node])] + steps
                prev = np.concatenate([[sc.s0[c]], sc.s[:-1, c]])
                er += [*r.tolist(), *r.tolist()]
                ec += [*sc.s[:, c].tolist(), *prev.tolist()]
                ev += [1.0] * T + [-1.0] * T
        for dc in self.deferral:
            for c, (k, _i) in enumerate(dc.members):
                er += (lp.eq_rows[(k, lp.node_pos[dc.origin])] + steps).tolist()
                ec += dc.f[:, c].tolist()
                ev += [1.0] * T
        extra_b: list[float] = []
        n_eq = T * m_eq
        for sc in self.storage:
            ends = [sc.s0, sc.s[T - 1]] if self.storage_end == "initial" else [sc.s0]
            for cols in ends:  # the initial stock; with storage_end="initial" also the final one
                er += [n_eq] * len(cols)
                ec += cols.tolist()
                ev += [1.0] * len(cols)
                extra_b.append(sc.initial)
                n_eq += 1
        return sp.csr_matrix((ev, (er, ec)), shape=(n_eq, self.N)), np.concatenate([b_eq, extra_b])

    def _capacity_rows(self, ub: _Triplets, A_ub0: sp.csr_matrix, rows0: list[Row]) -> None:
        """Link, node and market capacities, one block per period with the period's capacities."""
        cap_idx = [i for i, r in enumerate(rows0) if r.kind in ("link", "node", "market")]
        self.rhs: dict[tuple[str, str], np.ndarray] = {}
        if not cap_idx:
            return
        per_row = []
        for i in cap_idx:
            r = rows0[i]
            if r.kind == "market":
                per_row.append(np.array([r.capacity * p.year_fraction for p in self.periods]))
            else:
                rhs = self._per_period(self._daily_capacity(r.kind, r.element))
                self.rhs[(r.kind, r.element)] = rhs
                per_row.append(rhs)
        rr, cc, vv = _tile(A_ub0[cap_idx].tocoo(), self.T, len(cap_idx), self.n)
        # row meaning: the element's row, repeated per period (the period's capacity is in b_ub)
        ub.add_block(rr, cc, vv, np.column_stack(per_row).ravel(), [rows0[i] for i in cap_idx] * self.T)

    def _contract_rows(self, ub: _Triplets, A_ub0: sp.csr_matrix, b_ub0: np.ndarray, rows0: list[Row]) -> None:
        """Contracts bound the flow summed over each contract window, times ``window days / 365``.

        The window is the calendar month (``contracts="month"``, the default: transit quotas
        and shippers' programmes are scheduled month by month) or the whole horizon
        (``contracts="horizon"``: a yearly plan may be lifted faster in one month and slower
        in another).
        """
        ct_idx = [i for i, r in enumerate(rows0) if r.kind.startswith("contract")]
        A_ct = A_ub0[ct_idx].tocoo()
        windows: dict[str, list[int]] = {}
        for t, p in enumerate(self.periods):
            key = "horizon" if self.contracts == "horizon" else allocation_month(p)
            windows.setdefault(key, []).append(t)
        #: ub row -> (contract window, its length in years): to report relaxed minima per year
        self.contract_windows: dict[int, tuple[str, float]] = {}
        for key, ts in windows.items():
            span = sum(self.periods[t].days for t in ts) / DAYS_PER_YEAR
            offsets = self.n * np.array(ts)
            for j, i in enumerate(ct_idx):
                sel = A_ct.row == j
                cols = (A_ct.col[sel][None, :] + offsets[:, None]).ravel()
                vals = np.tile(A_ct.data[sel], len(ts))
                self.contract_windows[ub.n] = (key, span)
                ub.add(cols, vals, float(b_ub0[i]) * span, dataclasses.replace(rows0[i], capacity=rows0[i].capacity * span))

    def _storage_rows(self, ub: _Triplets) -> None:
        """Per storage node and period: at most the capacity, at least the minimum, the deviation from the initial level."""
        for sc in self.storage:
            for t in range(self.T):
                cols = sc.s[t].tolist()
                ones = [1.0] * len(cols)
                ub.add(cols, ones, sc.capacity, Row("storage_max", sc.node, sc.capacity, "", sc.commodity))
                ub.add(cols, [-1.0] * len(cols), -sc.minimum, Row("storage_min", sc.node, sc.minimum, "", sc.commodity))
                below, above = int(sc.dev[t, 0]), int(sc.dev[t, 1])
                ub.add([*cols, below], [-1.0] * (len(cols) + 1), -sc.initial,
                       Row("storage_below_initial", sc.node, sc.initial, "", sc.commodity))
                ub.add([*cols, above], [*ones, -1.0], sc.initial,
                       Row("storage_above_initial", sc.node, sc.initial, "", sc.commodity))

    def _ramp_rows(self, ub: _Triplets) -> None:
        """Change of the shut-in rate between consecutive periods within the ramp limits."""
        for dc in self.deferral:
            prod = self.td.production[dc.origin]
            for t in range(self.T):
                d_t = self.periods[t].days
                gap = (self.periods[t - 1].days + d_t) / 2 if t else d_t / 2
                limits = ((1.0, prod.ramp_down_per_day * gap), (-1.0, prod.ramp_up_per_day * max(0.0, gap - prod.restart_lag_days)))
                for sign, limit in limits:
                    if not np.isfinite(limit) or (t == 0 and sign < 0):  # nothing shut in before the horizon
                        continue
                    cols = dc.f[t].tolist()
                    vals = [sign / d_t] * len(cols)
                    if t:
                        cols += dc.f[t - 1].tolist()
                        vals += [-sign / self.periods[t - 1].days] * len(dc.members)
                    rhs = limit * dc.planned_rate
                    ub.add(cols, vals, rhs, Row("ramp_down" if sign > 0 else "ramp_up", dc.origin, rhs))

    def _bounds(self, bounds0: np.ndarray) -> np.ndarray:
        """Per period: stranded at most the period's supply, dead arcs and switched-off uncapacitated elements at 0."""
        lp, n = self.lp, self.n
        dead = self._dead_arcs()
        bounds = np.zeros((self.N, 2))
        bounds[:, 1] = np.inf
        u_cols = [lp.blocks[k][1] + i for k, i, _ in self.members]
        for t in range(self.T):
            b = bounds0.copy()
            b[u_cols, 1] = self.supply[t]
            self._switch_off_uncapacitated(b, t)
            b[dead, 1] = 0.0
            bounds[t * n:(t + 1) * n] = b
        for dc in self.deferral:
            for c, (k, i) in enumerate(dc.members):
                bounds[dc.f[:, c], 1] = self.supply[:, self.member_pos[(k, i)]]
        return bounds

    def _arc_lags(self) -> np.ndarray:
        """Per column of a period block: the periods an arc's flow takes to arrive (0 without transit delay)."""
        lags = np.zeros(self.n, dtype=int)
        if not self.transit_delay:
            return lags
        lp = self.lp
        step_days = float(np.median([p.days for p in self.periods]))
        times = lp.net.links["time_days"].to_numpy(dtype=float)
        for k, cl in enumerate(lp.classes):
            arcs = lp.arcs[cl.commodity]
            x0 = lp.blocks[k][0]
            t = np.nan_to_num(times[arcs.link])
            lags[x0:x0 + len(arcs.link)] = np.rint(t / step_days).astype(int)
        return lags

    def _conservation_triplets(self, A: sp.coo_matrix, m_eq: int) -> tuple[list[int], list[int], list[float]]:
        """The conservation blocks of every period; with transit delay, arrivals moved to later periods.

        An arc whose ``time_days`` is ``L`` periods (rounded) leaves its tail in period
        ``t`` and reaches its head in ``t + L``; what leaves in the last ``L`` periods is
        still in transit at the end. Arrivals in the first ``L`` periods come from before
        the horizon and are taken equal to the first period's departures (the line is full
        at the start).
        """
        T, n = self.T, self.n
        rows, cols, vals = _tile(A, T, m_eq, n)
        lags = self._arc_lags()
        self.lags = lags
        if not lags.any():
            return list(rows), list(cols), list(vals)
        j = cols % n  # column within the period block
        t = cols // n
        arrival = (vals < 0) & (lags[j] > 0)  # head entries of delayed arcs (-1 in the head's row)
        keep_r, keep_c, keep_v = rows[~arrival], cols[~arrival], vals[~arrival]
        r, c, v, L = rows[arrival], cols[arrival], vals[arrival], lags[j[arrival]]
        t_arr = t[arrival] + L
        ok = t_arr < T
        out_r = [keep_r, r[ok] + L[ok] * m_eq]
        out_c = [keep_c, c[ok]]
        out_v = [keep_v, v[ok]]
        first = t[arrival] == 0  # the line full at the start: period 0's departures also arrive in 0..L-1
        for lag in np.unique(L[first]):
            sel = first & (L == lag)
            for tt in range(min(int(lag), T)):
                out_r.append(r[sel] + tt * m_eq)
                out_c.append(c[sel])
                out_v.append(v[sel])
        return (list(np.concatenate(out_r)), list(np.concatenate(out_c)), list(np.concatenate(out_v)))

    def _dead_arcs(self) -> np.ndarray:
        """Columns (of one period block) of arcs no flow of their class can use: not on any origin-to-market path.

        Fixing them at 0 changes no optimum (flow on them could only circulate) and
        lets the solver's presolve drop them: in the corridor network about half the
        arc columns, since classes bound for one market touch only its corridor.
        """
        lp = self.lp
        N = len(lp.node_ids)
        dead: list[int] = []
        for k, cl in enumerate(lp.classes):
            arcs = lp.arcs[cl.commodity]
            if not len(arcs.tail):
                continue
            G = sp.csr_matrix((np.ones(len(arcs.tail)), (arcs.tail, arcs.head)), shape=(N, N))
            reach = np.zeros(N, bool)
            for o in lp.origins[k]:
                reach[breadth_first_order(G, o, directed=True, return_predecessors=False)] = True
            back = np.zeros(N, bool)
            GT = G.T.tocsr()
            for m in lp.markets[k]:
                back[breadth_first_order(GT, m, directed=True, return_predecessors=False)] = True
            ok = reach & back
            x0 = lp.blocks[k][0]
            dead += [x0 + int(j) for j in np.flatnonzero(~(ok[arcs.tail] & ok[arcs.head]))]
        return np.array(dead, dtype=int)

    def _switch_off_uncapacitated(self, b: np.ndarray, t: int) -> None:
        """Period ``t``: arcs of links, and of nodes, that have no capacity row and are off all period, fixed at 0."""
        lp = self.lp
        sl = self.periods[t].day_range(self.origin_day)
        for eid, f in self.avail.factor.items():
            if f[sl].max(initial=0.0) > 0.0:
                if f[sl].min(initial=1.0) < 1.0 and not self._capacitated(eid):
                    log.debug("%s is derated but has no capacity: no effect", eid)
                continue
            if self._capacitated(eid):
                continue
            is_link = eid in lp.link_pos
            pos = lp.link_pos[eid] if is_link else lp.node_pos.get(eid)
            if pos is None:
                continue
            for k, cl in enumerate(lp.classes):
                arcs = lp.arcs[cl.commodity]
                x0, _, d0, _ = lp.blocks[k]
                hit = (arcs.link == pos) if is_link else ((arcs.tail == pos) | (arcs.head == pos))
                b[x0 + np.flatnonzero(hit), 1] = 0.0
                if not is_link:
                    for j, m in enumerate(lp.markets[k]):
                        if m == pos:
                            b[d0 + j, 1] = 0.0

    def _capacitated(self, eid: str) -> bool:
        lp = self.lp
        if eid in lp.link_pos:
            return bool(np.isfinite(lp.link_cap[lp.link_pos[eid]]))
        pos = lp.node_pos.get(eid)
        return pos is not None and bool(np.isfinite(lp.node_cap[pos]))

    # ------------------------------------------------------------- solve
    def _relax_contracts(self, A_eq: sp.csr_matrix, b_eq: np.ndarray, A_ub: sp.csr_matrix, b_ub: np.ndarray,
                         rows: list[Row], bounds: np.ndarray) -> tuple[np.ndarray, dict[int, float]]:
        """FlowLP's phase 0 on the horizon's matrices: the new right-hand sides and the relaxed minima by contract."""
        shim = copy.copy(self.lp)
        shim.n_vars = self.N
        b_new, _ = FlowLP._relax_contracts(shim, A_eq, b_eq, A_ub, b_ub, rows, bounds)
        # each contract has one minimum row per window (month): per contract, its relaxed minima over the
        # horizon as a rate per year (the contract's unit), and per window in self.relaxed_windows
        volume: dict[int, float] = {}
        years: dict[int, float] = {}
        self.relaxed_windows: dict[int, dict[str, float]] = {}
        for i, (key, span) in self.contract_windows.items():
            index = rows[i].contract
            if rows[i].kind != "contract_min" or span <= 0 or index is None:
                continue
            ct = int(index)
            volume[ct] = volume.get(ct, 0.0) - float(b_new[i])
            years[ct] = years.get(ct, 0.0) + span
            if b_new[i] != b_ub[i]:
                self.relaxed_windows.setdefault(ct, {})[key] = -float(b_new[i]) / span
        return b_new, {ct: volume[ct] / years[ct] for ct in self.relaxed_windows}

    def solve(self) -> TimeSolution:
        """Phase 1 (most delivered), phase 2 (least cost), phase 3 (least stranded: the rest deferred)."""
        t0 = time.perf_counter()
        A_eq, b_eq, A_ub, b_ub, rows, bounds = self.build()
        t_build = time.perf_counter() - t0
        shares: dict[tuple[str, str, str], float] = {}
        relaxed: dict[int, float] = {}
        if self.allocation == "pro_rata":  # served shares per (period, origin) become floors
            # min_flow contracts the horizon cannot meet are relaxed first, as the cost phases would
            # relax them: the progressive filling needs a feasible horizon
            if _linprog_if_feasible(np.zeros(self.N), A_ub, b_ub, A_eq, b_eq, bounds, phase="simulate (feasible?)") is None:
                b_ub, relaxed = self._relax_contracts(A_eq, b_eq, A_ub, b_ub, rows, bounds)
            shares = period_fair_shares(self, A_eq, b_eq, A_ub, b_ub, bounds, linprog=_linprog)
            A_f, b_f = floor_rows(self, shares)
            A_ub, b_ub = sp.vstack([A_ub, A_f]).tocsr(), np.concatenate([b_ub, b_f])
            rows = [*rows, *(Row("share_floor", str(key[2]), float("nan"), "", str(key[1])) for key in shares)]
        lp, T, n = self.lp, self.T, self.n
        # phase 1 weights: unserved supply, stranded or deferred, weighted as in solve
        c1 = np.zeros(self.N)
        for t in range(T):
            for k, cl in enumerate(lp.classes):
                _, u0, d0, _ = lp.blocks[k]
                c1[t * n + u0:t * n + d0] = lp.weights[cl.commodity]
        for dc in self.deferral:
            k = dc.members[0][0]
            c1[dc.f.ravel()] = lp.weights[lp.classes[k].commodity]

        def first(c: np.ndarray, phase: str) -> OptimizeResult:
            """Solve; if infeasible, relax min_flow contracts with the solver's phase 0 and solve again."""
            nonlocal b_ub, relaxed
            res = _linprog_if_feasible(c, A_ub, b_ub, A_eq, b_eq, bounds, phase=phase)
            if res is None:
                b_ub, relaxed = self._relax_contracts(A_eq, b_eq, A_ub, b_ub, rows, bounds)
                res = _linprog(c, A_ub, b_ub, A_eq, b_eq, bounds, phase=phase)
            return res

        c3 = np.zeros(self.N)
        base_c, scale = lp.objective_vector()
        for t in range(T):
            c3[t * n:(t + 1) * n] = base_c
        for sc in self.storage:  # tanks hold their working level unless moving crude pays
            c3[sc.dev.ravel()] = STORAGE_HOLD
        ref = 1.0 / min((w for w in lp.weights.values() if w > 0), default=1.0)
        tols: dict[str, float] = {}
        # weights of what is not delivered (stranded or deferred), and of the stranded part alone
        undelivered = c1
        stranded_w = undelivered.copy()
        for dc in self.deferral:
            stranded_w[dc.f.ravel()] = 0.0
        if self.method == "auto":
            self.method = "penalty" if self.N > AUTO_PENALTY_COLUMNS else "lexicographic"
        if self.method == "penalty":
            # one LP: not delivering (stranded or deferred) costs more than any route (scaled costs
            # are <= 1 per arc, so a route costs at most the arcs of a period block)
            strand = PENALTY_FACTOR * max(1, max((len(a.link) for a in lp.arcs.values()), default=1)) * ref
            # ... and, far below any cost, stranding rather than deferring (phase 3 of the
            # lexicographic form: cost first, then the least stranded)
            extra = strand * PENALTY_DELIVERY * undelivered + STRANDED_TIEBREAK * ref * stranded_w
            res3 = first(c3 + extra, "simulate (penalty form)")
            res1 = res3
            tols["penalty_stranded"] = strand
            tols["penalty_undelivered"] = strand * PENALTY_DELIVERY
            fun3 = float(res3.fun - extra @ res3.x)
        else:
            res1 = first(undelivered, "simulate phase 1 (max delivered)")
            # phase 2: the cheapest among the most-delivered solutions, as in solve, so that who is
            # curtailed follows the allocation rule and one period equals solve
            held_A = [sp.csr_matrix(undelivered.reshape(1, -1) * ref)]
            held_b = [float(undelivered @ res1.x) * ref]
            tols["phase1"] = DELIVERED_TOL
            res3, tol3 = _held(c3, A_ub, b_ub, held_A, held_b, A_eq, b_eq, bounds, ref,
                               f"simulate phase 2 (min {lp.objective})")
            tols["phase2"] = tol3
            if self.deferral:
                # phase 3: with delivered and cost held, as much of the curtailed supply as the ramp
                # limits allow is deferred (shut in) rather than produced and stranded
                cost_row = sp.csr_matrix(c3.reshape(1, -1))
                res3, tol4 = _held(stranded_w, A_ub, b_ub, [*held_A, cost_row], [*held_b, float(res3.fun)],
                                   A_eq, b_eq, bounds, ref, "simulate phase 3 (least stranded)")
                tols["phase3"] = tol4
            fun3 = float(res3.fun)
        z = res3.x
        x, u, d = [], [], []
        for t in range(T):
            xs, us, ds = lp._split(z[t * n:(t + 1) * n])
            x.append(xs)
            u.append(us)
            d.append(ds)
        meta = {
            "solver": _solver_name(None),  # each phase a fresh HiGHS model (highspy; scipy only as the tests' oracle)
            "periods": T,
            "variables": int(self.N),
            "equality_rows": int(A_eq.shape[0]),
            "inequality_rows": int(A_ub.shape[0]),
            "nonzeros": int(A_eq.nnz + A_ub.nnz),
            "build_seconds": t_build,
            "solve_seconds": time.perf_counter() - t0 - t_build,
            "tolerances": tols,
            "method": self.method,
            "phases": 1 if self.method == "penalty" else 2,
            "fixed_dead_arcs_per_period": int(len(self._dead_arcs())),
            "duals_phase1": _marginals(res1, len(rows)),
            "allocation": self.allocation,
            "served_share": shares,
            "relaxed_by_window": getattr(self, "relaxed_windows", {}),
        }
        return TimeSolution(z, x, u, d, self.supply, self.planned, self.rhs, self.storage, self.deferral,
                            relaxed, fun3 * scale, meta)
