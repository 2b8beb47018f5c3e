"""One highspy model of the time-expanded LP, capacities changed per draw (internal; ensembles).

:class:`FastHorizon` builds the time model of :func:`transcaspian.simulate` once (its
penalty form: one LP), then answers "what if these outage windows came on top?" by
recomputing the per-period capacity of the elements the windows touch
(:meth:`TimeExpandedLP._daily_capacity`, summed per period), setting those rows'
right-hand sides in place, re-solving warm from the last basis and restoring them.
Only elements with a capacity row can be struck this way. Contracts the horizon
cannot meet are relaxed once, for the base; a draw that makes the relaxed contracts
infeasible returns ``None`` (callers then run :func:`transcaspian.simulate`).

Examples
--------
>>> import transcaspian as tc
>>> fh = FastHorizon(tc.load_network("tests/fixtures/mini"), None, start="2025-11", end="2026-01")
>>> base = fh.totals(())
>>> out = fh.totals(({"element": "terminal", "off": True, "from": "2025-12-01", "to": "2025-12-11"},))
>>> round(base["delivered"] - out["delivered"], 3)
0.411
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .._numeric import dot
from ..flow.highs import HighsLP
from ..flow.lp import FlowLP
from ..flow.solver import prepare, resolve_commodities
from ..network import CorridorNetwork
from ..scenario import Scenario
from .model import PENALTY_DELIVERY, PENALTY_FACTOR, STORAGE_HOLD, STRANDED_TIEBREAK, TimeExpandedLP
from .outages import Availability, apply_restart_ramps, windows_from_outages
from .periods import make_periods
from .run import _plan_windows, _static, _static_ids
from .timedata import load_time_data

__all__ = ["FastHorizon"]


class FastHorizon:
    """The penalty-form time LP of ``net`` (a scenario's static changes, events and windows applied) in one model."""

    def __init__(self, net: CorridorNetwork, scenario: Scenario | None, *, start: str | dt.date, end: str | dt.date,
                 step: str = "month", commodity: str = "crude") -> None:
        periods = make_periods(start, end, step=step, where="ensemble")
        static_sc = _static(scenario)
        applied = static_sc.apply(net) if static_sc is not None else net
        commodities = resolve_commodities(commodity, applied)
        td = load_time_data(net, None)
        lp = prepare(applied, commodities, objective="cost")
        n_days = (periods[-1].end - periods[0].start).days + 1
        avail = Availability.empty(periods[0].start, n_days)
        static_ids = _static_ids(applied, scenario)
        for eid in static_ids:
            frame = applied.nodes if eid in applied.nodes.index else applied.links
            avail.factor[eid] = np.full(n_days, 0.0 if bool(frame.at[eid, "disabled"]) else float(frame.at[eid, "derate"]))
        windows, ends = windows_from_outages(net, tuple(getattr(scenario, "outages", ()) or ()), where="ensemble",
                                             moorings=td.moorings)
        avail.add_events(net, ends=ends, skip=static_ids)
        for w in windows:
            avail.add_window(w)
        for w in _plan_windows(applied, td):  # the loading programmes, as simulate applies them
            avail.add_window(w)
        apply_restart_ramps(avail, net, td.production, ends=ends, skip=static_ids, windows=windows)
        self.net, self.commodity = net, commodities[0]
        self.model = m = TimeExpandedLP(lp, periods, avail, td, method="penalty")
        A_eq, b_eq, A_ub, b_ub, rows, bounds = m.build()
        self.b_ub = b_ub
        by: dict[tuple[str, str], list[int]] = {}
        for i, r in enumerate(rows):
            if r.kind in ("link", "node"):
                by.setdefault((r.kind, r.element), []).append(i)
        #: (kind, element) -> its capacity rows of A_ub, one per period
        self.cap_rows = {k: np.array(v, int) for k, v in by.items()}
        self.lp_model = HighsLP(A_eq, b_eq, A_ub, b_ub, bounds)
        self.lp_model.set_cost(self._objective())
        if self.lp_model.run("ensemble base (penalty form)") is None:
            # min_flow contracts the horizon cannot meet: relaxed once, as simulate does (FlowLP's phase 0)
            shim = copy.copy(lp)
            shim.n_vars = m.N
            b_ub, _ = FlowLP._relax_contracts(shim, A_eq, b_eq, A_ub, b_ub, rows, bounds)
            self.b_ub = b_ub
            self.lp_model.set_ub_rhs(b_ub)
        T, n = m.T, m.n
        self._d = np.concatenate([np.arange(t * n + lp.blocks[k][2], t * n + lp.blocks[k][3])
                                  for t in range(T) for k in range(len(lp.classes))])
        self._u = np.concatenate([np.arange(t * n + lp.blocks[k][1], t * n + lp.blocks[k][2])
                                  for t in range(T) for k in range(len(lp.classes))])
        self._f = np.concatenate([dc.f.ravel() for dc in m.deferral]) if m.deferral else np.zeros(0, int)
        usd = np.zeros(m.N)
        for t in range(T):
            for k, cl in enumerate(lp.classes):
                x0, u0, _, _ = lp.blocks[k]
                usd[t * n + x0:t * n + u0] = lp.arc_coefficients(cl.commodity)["usd"]
        self._usd = usd
        self._base: dict[str, float] | None = None
        self._base = self.totals(())
        # Every draw starts from the base's basis: a draw's answer (which optimum, when
        # several are) does not depend on the draws before it, so chunks and workers
        # cannot change it.
        self.lp_model.save_basis()

    def _objective(self) -> np.ndarray:
        """The penalty-form cost vector of :meth:`TimeExpandedLP.solve` (route cost, storage hold, undelivered)."""
        m, lp = self.model, self.model.lp
        c1 = np.zeros(m.N)
        c3 = np.zeros(m.N)
        base_c, _ = lp.objective_vector()
        for t in range(m.T):
            c3[t * m.n:(t + 1) * m.n] = base_c
            for k, cl in enumerate(lp.classes):
                _, u0, d0, _ = lp.blocks[k]
                c1[t * m.n + u0:t * m.n + d0] = lp.weights[cl.commodity]
        for dc in m.deferral:
            c1[dc.f.ravel()] = lp.weights[lp.classes[dc.members[0][0]].commodity]
        for sc in m.storage:
            c3[sc.dev.ravel()] = STORAGE_HOLD
        stranded_w = c1.copy()
        for dc in m.deferral:
            stranded_w[dc.f.ravel()] = 0.0
        ref = 1.0 / min((w for w in lp.weights.values() if w > 0), default=1.0)
        strand = PENALTY_FACTOR * max(1, max((len(a.link) for a in lp.arcs.values()), default=1)) * ref
        return c3 + strand * PENALTY_DELIVERY * c1 + STRANDED_TIEBREAK * ref * stranded_w

    def totals(self, outages: Sequence[Mapping[str, Any]]) -> dict[str, float] | None:
        """Delivered, deferred, stranded and cost (USD) over the horizon with ``outages`` on top; ``None`` if infeasible.

        Raises
        ------
        ValueError
            A window strikes an element without a capacity row (not expressible here).
        """
        if not outages and self._base is not None:
            return dict(self._base)
        windows, _ = windows_from_outages(self.net, tuple(outages), where="ensemble draw", moorings=self.model.td.moorings)
        m = self.model
        base_avail = m.avail
        avail = copy.copy(base_avail)
        avail.factor = dict(base_avail.factor)
        avail.moorings_out = dict(base_avail.moorings_out)
        avail.window_off = dict(base_avail.window_off)
        touched = []
        for w in windows:
            kind = "link" if w.element in m.lp.link_pos else "node"
            if (kind, w.element) not in self.cap_rows:
                raise ValueError(f"{w.element} has no capacity row in the time model; run simulate for it")
            store = avail.moorings_out if w.kind == "moorings_out" else avail.factor
            if w.element in store:
                store[w.element] = store[w.element].copy()
            avail.add_window(w)
            touched.append((kind, w.element))
        rows_all = []
        try:
            m.avail = avail
            for key in dict.fromkeys(touched):
                rows = self.cap_rows[key]
                rhs = m._per_period(m._daily_capacity(*key))
                self.lp_model.set_row_bounds(rows + self.lp_model.n_eq, np.full(len(rows), -np.inf), rhs)
                rows_all.append(rows)
            if self._base is not None:
                self.lp_model.restore_basis()
            res = self.lp_model.run("ensemble draw (penalty form)", duals=False)
        finally:
            m.avail = base_avail
            for rows in rows_all:
                self.lp_model.set_row_bounds(rows + self.lp_model.n_eq, np.full(len(rows), -np.inf), self.b_ub[rows])
        if res is None:
            return None
        z = np.clip(res.x, 0, None)
        return {"delivered": float(z[self._d].sum()), "deferred": float(z[self._f].sum()),
                "stranded": float(z[self._u].sum()), "cost_usd": dot(self._usd, z)}  # not `@`: see _numeric.dot
