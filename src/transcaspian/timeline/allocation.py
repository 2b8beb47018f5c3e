"""Pro-rata allocation in every month of a simulation: max-min fair served shares per (month, origin).

With ``allocation="pro_rata"``, :func:`transcaspian.simulate` serves every origin that
shares a bottleneck the same share of what it could produce **in each month**, as a
shared export system rations its space by monthly programme (CPC cut every shipper when
one mooring was left, Tengiz, Kashagan and Karachaganak alike). Monthly steps are
allocated period by period; daily and weekly steps by the calendar month they fall in
(:func:`allocation_month`); a year step per year. What an origin does not get
is deferred (shut in) where its production response allows, else stranded; both count
as not served.

The shares are max-min fair over all ``(month, commodity, origin)`` pairs, found by
progressive filling on the whole horizon's LP, as :mod:`transcaspian.flow.allocation`
does for one period:

1. raise one share ``t`` for every pair not yet fixed as far as the horizon allows; then,
   with ``t`` held, raise the sum of the shares, so that a pair left at ``t`` is one that
   may be blocked;
2. a pair at ``t`` is *blocked* when its share cannot rise above ``t`` with every other
   pair kept at its level (one small LP per such pair): blocked pairs are fixed at ``t``;
3. repeat with the others until every pair is fixed.

The levels become floors (``unserved <= (1 - share) x available``) and the delivered,
cost and stranded phases run as usual. A one-period horizon gives the shares of
:func:`transcaspian.solve` with ``allocation="pro_rata"``.

Examples
--------
>>> import transcaspian as tc
>>> net = tc.load_network("tests/fixtures/mini")
>>> cut = tc.Scenario(name="half", derate={"terminal": 0.5})
>>> sim = tc.simulate(net, cut, start="2025-01", end="2025-02", allocation="pro_rata", events=False)
>>> sorted({(o, round(s, 3)) for (_, _, o), s in sim.meta["served_share"].items()})
[('field_a', 0.578), ('field_b', 0.578)]
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import scipy.sparse as sp

from ..flow.allocation import SHARE_TOL
from ..flow.allocation import share_rows as _share_rows

if TYPE_CHECKING:
    from .model import TimeExpandedLP

__all__ = ["period_keys", "period_fair_shares", "allocation_month", "floor_rows"]

#: A (month, commodity, origin) pair of the allocation.
Key = tuple[str, str, str]
Keys = dict[Key, tuple[list[int], float]]


def share_rows(n: int, keys: Keys, levels: dict[Key, float], t_col: int | None = None) -> tuple[sp.csr_matrix, np.ndarray]:
    """:func:`transcaspian.flow.allocation.share_rows` for (month, commodity, origin) keys."""
    return _share_rows(n, cast(Any, keys), cast(Any, levels), t_col)

log = logging.getLogger(__name__)



def period_keys(model: TimeExpandedLP) -> Keys:
    """Per (period, commodity, origin): its unserved columns (stranded and deferred) and its available supply."""
    lp, n = model.lp, model.n
    keys: Keys = {}
    deferred: dict[tuple[int, int, int], int] = {}  # (t, class, index) -> deferral column
    for dc in model.deferral:
        for m, (k, i) in enumerate(dc.members):
            for t in range(model.T):
                deferred[(t, k, i)] = int(dc.f[t, m])
    for t, period in enumerate(model.periods):
        month = allocation_month(period)
        for j, (k, i, origin) in enumerate(model.members):
            supply = float(model.supply[t, j])
            key = (month, lp.classes[k].commodity, origin)
            cols = [t * n + lp.blocks[k][1] + i]
            if (t, k, i) in deferred:
                cols.append(deferred[(t, k, i)])
            old_cols, old_supply = keys.get(key, ([], 0.0))
            keys[key] = ([*old_cols, *cols], old_supply + supply)
    return {key: v for key, v in keys.items() if v[1] > 1e-12}


def allocation_month(period: Any) -> str:
    """The allocation period of a simulation period: its calendar month (``YYYY-MM``), or itself if longer.

    Shared systems ration by monthly programme (CPC's shippers nominate and are cut month
    by month), so daily and weekly steps are allocated per month: a week that starts in a
    month counts in that month.
    """
    return str(period.label) if period.days > 31 else f"{period.start:%Y-%m}"


def period_fair_shares(
    model: TimeExpandedLP,
    A_eq: sp.csr_matrix,
    b_eq: np.ndarray,
    A_ub: sp.csr_matrix,
    b_ub: np.ndarray,
    bounds: np.ndarray,
    *,
    linprog: Callable[..., Any],
) -> dict[Key, float]:
    """Max-min fair served share per (period, commodity, origin), by progressive filling (module docstring)."""
    N = model.N
    keys = period_keys(model)
    index = {key: i for i, key in enumerate(keys)}
    levels: dict[Key, float] = {}
    eq_t = sp.hstack([A_eq, sp.csr_matrix((A_eq.shape[0], 1))]).tocsr()
    ub_t = sp.hstack([A_ub, sp.csr_matrix((A_ub.shape[0], 1))]).tocsr()
    bounds_t = np.vstack([bounds, [[0.0, 1.0]]])
    share_c = np.zeros(N)  # the sum of the free pairs' unserved shares
    rounds = 0
    while len(levels) < len(keys):
        rounds += 1
        free = [key for key in keys if key not in levels]
        A_s, b_s = share_rows(N, keys, levels, t_col=N)
        c = np.zeros(N + 1)
        c[N] = -1.0
        A_round = sp.vstack([ub_t, A_s]).tocsr()
        b_round = np.concatenate([b_ub, b_s])
        res = linprog(c, A_round, b_round, eq_t, b_eq, bounds_t, phase=f"simulate pro-rata round {rounds} (common share)")
        t = float(res.x[N])
        if t >= 1.0 - SHARE_TOL:
            levels.update({key: 1.0 for key in free})
            break
        # with t held, serve the free pairs as much as possible: a pair still at t may be blocked
        share_c[:] = 0.0
        for key in free:
            ucols, supply = keys[key]
            share_c[ucols] += 1.0 / supply
        bounds_h = bounds_t.copy()
        bounds_h[N] = [max(0.0, t - SHARE_TOL), 1.0]
        res2 = linprog(np.append(share_c, 0.0), A_round, b_round, eq_t, b_eq, bounds_h,
                       phase=f"simulate pro-rata round {rounds} (serve the rest)")
        x = res2.x
        at_t = [key for key in free if 1.0 - x[keys[key][0]].sum() / keys[key][1] <= t + 1e-7]
        trial = {**levels, **{key: t for key in free}}
        A_h, b_h = share_rows(N, keys, trial)
        A_hold = sp.vstack([A_ub, A_h]).tocsr()
        b_hold = np.concatenate([b_ub, b_h])
        blocked = []
        for key in at_t:
            ucols, supply = keys[key]
            c_k = np.zeros(N)
            c_k[ucols] = 1.0 / supply
            b_try = b_hold.copy()
            b_try[A_ub.shape[0] + index[key]] = supply  # lift this pair's own floor
            r = linprog(c_k, A_hold, b_try, A_eq, b_eq, bounds, phase=f"simulate pro-rata round {rounds} (can {key} rise?)")
            if float(r.fun) >= (1.0 - t) - 1e-7:
                blocked.append(key)
        if not blocked:  # numerically every pair can still rise a hair: fix those at t
            blocked = at_t or free
        levels.update({key: t for key in blocked})
        log.debug("simulate pro-rata round %d: share %.6f fixed for %d pairs", rounds, t, len(blocked))
    return levels


def floor_rows(model: TimeExpandedLP, levels: dict[Key, float]) -> tuple[sp.csr_matrix, np.ndarray]:
    """The floors ``unserved <= (1 - share) x available`` of the fixed shares, as rows over the horizon's columns."""
    keys = period_keys(model)
    return share_rows(model.N, {k: keys[k] for k in levels}, levels)
