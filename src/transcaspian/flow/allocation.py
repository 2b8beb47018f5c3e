"""Allocation between shippers: who is stranded when a bottleneck binds.

``cost`` (the default) serves the most volume and then the cheapest: an origin far from
the sea is stranded first, which is what a single owner of every barrel would do.
``pro_rata`` is how shared export systems ration space (CPC allocates capacity among its
shippers in proportion to their nominations): every origin that shares a bottleneck is
served the same share of its supply, and among such allocations the cheapest is taken.

The served shares are max-min fair, found by progressive filling on the flow LP:

1. raise one share ``t`` for every origin not yet fixed, as far as the network allows;
2. an origin is *blocked* when its own delivered volume cannot rise above ``t * supply``
   with every other origin kept at its level (one small LP per origin): blocked origins
   are fixed at ``t``;
3. repeat with the others until every origin is fixed.

Each round fixes at least one origin, so a network with ``n`` origins takes at most ``n``
rounds. The levels then become floors (``delivered >= share * supply``) and the cost
phase runs as usual. See docs/methodology.md.

Examples
--------
>>> import transcaspian as tc
>>> net = tc.load_network("tests/fixtures/mini")
>>> cut = tc.Scenario(name="half", derate={"terminal": 0.5})  # 26 of 45 Mt/y can leave
>>> res = tc.solve(net, cut, allocation="pro_rata")
>>> sorted((k, round(v, 3)) for k, v in res.meta["served_share"].items())
[('crude@field_a', 0.578), ('crude@field_b', 0.578)]
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sp

from ..schema import ALLOCATIONS, Allocation

if TYPE_CHECKING:
    from .lp import FlowLP

__all__ = ["Allocation", "ALLOCATIONS", "fair_shares", "share_rows"]

log = logging.getLogger(__name__)

#: Relative slack under which an origin's served share counts as not rising (blocked).
SHARE_TOL = 1e-9


def origin_keys(lp: FlowLP, D: np.ndarray) -> dict[tuple[str, str], tuple[list[int], float]]:
    """Per (commodity, origin): its unserved columns across classes and its supply in scaled units."""
    keys: dict[tuple[str, str], tuple[list[int], float]] = {}
    for k, cl in enumerate(lp.classes):
        _, u0, _, _ = lp.blocks[k]
        for j, (origin, value) in enumerate(cl.supplies):
            cols, total = keys.get((cl.commodity, origin), ([], 0.0))
            keys[(cl.commodity, origin)] = ([*cols, u0 + j], total + value / D[u0 + j])
    return {key: v for key, v in keys.items() if v[1] > 0}


def share_rows(n: int, keys: dict[tuple[str, str], tuple[list[int], float]], levels: dict[tuple[str, str], float],
               t_col: int | None = None) -> tuple[sp.csr_matrix, np.ndarray]:
    """Rows ``sum(u_key) <= (1 - level) * supply``; for keys without a level, ``sum(u_key) + t * supply <= supply``."""
    rows, cols, vals, rhs = [], [], [], []
    for i, (key, (ucols, supply)) in enumerate(keys.items()):
        rows += [i] * len(ucols)
        cols += ucols
        vals += [1.0] * len(ucols)
        if key in levels:
            rhs.append((1.0 - levels[key]) * supply + SHARE_TOL * supply)
        else:
            assert t_col is not None
            rows.append(i)
            cols.append(t_col)
            vals.append(supply)
            rhs.append(supply)
    width = n + (0 if t_col is None else 1)
    return sp.csr_matrix((vals, (rows, cols)), shape=(len(keys), width)), np.array(rhs)


def fair_shares(lp: FlowLP, D: np.ndarray, S_eq: sp.csr_matrix, b_eq: np.ndarray, S_ub: sp.csr_matrix,
                b_ub: np.ndarray, bounds: np.ndarray, *, linprog: Callable[..., Any]) -> dict[tuple[str, str], float]:
    """Max-min fair served share per (commodity, origin), by progressive filling (module docstring).

    The matrices are the scaled flow LP (``D``: its column scale); ``linprog`` solves one
    LP and raises unless optimal (:func:`transcaspian.flow.lp._linprog`).
    """
    _linprog = linprog
    n = lp.n_vars
    keys = origin_keys(lp, D)
    levels: dict[tuple[str, str], float] = {}
    eq = sp.hstack([S_eq, sp.csr_matrix((S_eq.shape[0], 1))]).tocsr()
    ub_t = sp.hstack([S_ub, sp.csr_matrix((S_ub.shape[0], 1))]).tocsr()
    bounds_t = np.vstack([bounds, [[0.0, 1.0]]])
    rounds = 0
    while len(levels) < len(keys):
        rounds += 1
        A_s, b_s = share_rows(n, keys, levels, t_col=n)
        c = np.zeros(n + 1)
        c[n] = -1.0
        res = _linprog(c, sp.vstack([ub_t, A_s]).tocsr(), np.concatenate([b_ub, b_s]), eq, b_eq, bounds_t,
                       phase=f"pro-rata round {rounds} (raise the common share)")
        t = float(res.x[n])
        free = [key for key in keys if key not in levels]
        if t >= 1.0 - SHARE_TOL:
            levels.update({key: 1.0 for key in free})
            break
        # with every free origin held at t, which of them can still rise?
        trial = {**levels, **{key: t for key in free}}
        A_h, b_h = share_rows(n, keys, trial)
        A_ub = sp.vstack([S_ub, A_h]).tocsr()
        b_all = np.concatenate([b_ub, b_h])
        blocked = []
        for i, key in enumerate(keys):
            if key not in free:
                continue
            ucols, supply = keys[key]
            c = np.zeros(n)
            c[ucols] = 1.0 / supply  # the key's unserved share: as small as it gets
            b_try = b_all.copy()
            b_try[S_ub.shape[0] + i] = supply  # lift this key's own floor
            r = _linprog(c, A_ub, b_try, S_eq, b_eq, bounds, phase=f"pro-rata round {rounds} (can {key[1]} rise?)")
            if float(r.fun) >= (1.0 - t) - 1e-7:
                blocked.append(key)
        if not blocked:  # numerically every origin can still rise a hair: fix them all
            blocked = free
        levels.update({key: t for key in blocked})
        log.debug("pro-rata round %d: share %.6f fixed for %s", rounds, t, ", ".join(o for _, o in blocked))
    return levels
