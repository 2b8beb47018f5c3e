"""Sparse row assembly and the held-objective solve of the time-expanded LP (internal)."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

from ..flow.highs import OptimizeResult
from ..flow.lp import Row, _linprog, _linprog_if_feasible
from ..schema import DELIVERED_TOL, DELIVERED_TOL_RETRY

__all__ = ["_Triplets", "_tile", "_held"]

log = logging.getLogger(__name__)


class _Triplets:
    """Inequality rows collected as sparse triplets, with their right-hand sides and meaning."""

    def __init__(self) -> None:
        self.r: list[np.ndarray] = []
        self.c: list[np.ndarray] = []
        self.v: list[np.ndarray] = []
        self.b: list[np.ndarray] = []
        self.rows: list[Row] = []
        self.n = 0

    def add(self, cols: Sequence[int] | np.ndarray, vals: Sequence[float] | np.ndarray, rhs: float, row: Row) -> None:
        """One row ``sum(vals * z[cols]) <= rhs``."""
        self.add_block(np.zeros(len(cols), dtype=int), np.asarray(cols, dtype=int), np.asarray(vals, dtype=float),
                       np.array([rhs], dtype=float), [row])

    def add_block(self, rows: np.ndarray, cols: np.ndarray, vals: np.ndarray, rhs: np.ndarray, meaning: list[Row]) -> None:
        """Rows numbered from 0 within the block, appended after the rows so far."""
        self.r.append(np.asarray(rows, dtype=int) + self.n)
        self.c.append(np.asarray(cols, dtype=int))
        self.v.append(np.asarray(vals, dtype=float))
        self.b.append(np.asarray(rhs, dtype=float))
        self.rows.extend(meaning)
        self.n += len(meaning)

    def matrix(self, n_cols: int) -> tuple[sp.csr_matrix, np.ndarray]:
        cat = (lambda xs, dt: np.concatenate(xs) if xs else np.zeros(0, dtype=dt))  # noqa: E731
        A = sp.csr_matrix((cat(self.v, float), (cat(self.r, int), cat(self.c, int))), shape=(self.n, n_cols))
        return A, cat(self.b, float)


def _tile(A: sp.coo_matrix, T: int, m: int, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Triplets of ``A`` repeated ``T`` times on the block diagonal (block size ``m x n``)."""
    off = np.arange(T)
    rows = (A.row[None, :] + (off * m)[:, None]).ravel()
    cols = (A.col[None, :] + (off * n)[:, None]).ravel()
    return rows, cols, np.tile(A.data, T)


def _held(
    c: np.ndarray,
    A_ub: sp.csr_matrix,
    b_ub: np.ndarray,
    held_A: list[sp.csr_matrix],
    held_b: list[float],
    A_eq: sp.csr_matrix,
    b_eq: np.ndarray,
    bounds: np.ndarray,
    ref: float,
    phase: str,
) -> tuple[OptimizeResult, float]:
    """Minimise ``c`` with the earlier phases' objectives held (the solver's tolerances, tight then loose)."""
    A2 = sp.vstack([A_ub, *held_A]).tocsr()

    def rhs(tol: float) -> np.ndarray:
        return np.concatenate([b_ub, [b + tol * max(1.0, ref) for b in held_b]])

    res = _linprog_if_feasible(c, A2, rhs(DELIVERED_TOL), A_eq, b_eq, bounds, phase=phase)
    if res is not None:
        return res, DELIVERED_TOL
    log.debug("%s infeasible with tolerance %g; retrying looser", phase, DELIVERED_TOL)
    return _linprog(c, A2, rhs(DELIVERED_TOL_RETRY), A_eq, b_eq, bounds, phase=phase), DELIVERED_TOL_RETRY
