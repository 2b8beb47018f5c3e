"""The LP core on highspy: one persistent HiGHS model, bounds changed in place, warm re-solves (internal).

:func:`solve_lp` is a drop-in for ``scipy.optimize.linprog(method="highs")`` (the same
HiGHS, without scipy's per-call copies and checks): it returns an
:class:`~scipy.optimize.OptimizeResult` with ``x``, ``fun``, ``status`` (0 optimal, 2
infeasible, 4 other), ``message`` and ``ineqlin.marginals`` / ``eqlin.marginals``.

:class:`HighsLP` keeps one model of ``A_eq z = b_eq, A_ub z <= b_ub, lo <= z <= hi`` (plus
extra rows, such as the held phase-1 objective) alive between solves. Changing a cost
vector, a column's bounds or a row's bounds keeps the last basis, so the next
:meth:`HighsLP.run` is a warm simplex re-solve: phase 2 starts from phase 1's basis, and a
knock-out starts from the baseline's.

Examples
--------
>>> import numpy as np, scipy.sparse as sp
>>> A = sp.csr_matrix([[1.0, 1.0]])
>>> res = solve_lp(np.array([1.0, 2.0]), A, np.array([4.0]), sp.csr_matrix((0, 2)), np.zeros(0),
...                np.array([[1.0, 3.0], [0.0, 3.0]]))
>>> res.status, float(res.fun), res.x.tolist()
(0, 1.0, [1.0, 0.0])
>>> m = HighsLP(sp.csr_matrix((0, 2)), np.zeros(0), A, np.array([4.0]), np.array([[0.0, 3.0], [0.0, 3.0]]))
>>> m.set_cost(np.array([-1.0, -1.0]))
>>> float(m.run("max").fun)
-4.0
>>> m.set_col_bounds(np.array([1]), np.zeros(1), np.zeros(1))  # knock the second column out
>>> float(m.run("max").fun)
-3.0
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp
from highspy import _core

from ..errors import InfeasibleError, SolverError
from ..schema import SOLVER_FEAS_TOL

__all__ = ["HighsLP", "solve_lp", "INFEASIBLE", "OptimizeResult"]


class OptimizeResult(dict):
    """A result as :func:`scipy.optimize.linprog` gives it: a dict whose keys read as attributes.

    Defined here so that a solve does not import :mod:`scipy.optimize` (0.4 s) for its
    result type alone.

    Examples
    --------
    >>> OptimizeResult(x=1, status=0).status
    0
    """

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    __setattr__ = dict.__setitem__
    __delattr__ = dict.__delitem__

#: ``status`` of an infeasible result (as scipy's linprog).
INFEASIBLE = 2
_STATUS = {
    _core.HighsModelStatus.kOptimal: 0,
    _core.HighsModelStatus.kInfeasible: INFEASIBLE,
    _core.HighsModelStatus.kUnboundedOrInfeasible: INFEASIBLE,
    _core.HighsModelStatus.kUnbounded: 3,
    _core.HighsModelStatus.kIterationLimit: 1,
    _core.HighsModelStatus.kTimeLimit: 1,
}


def _new_highs() -> Any:
    """A silent HiGHS instance at :data:`~transcaspian.schema.SOLVER_FEAS_TOL`.

    ``highspy._core._Highs`` rather than ``highspy.Highs``: the latter wires Python
    callbacks into every solve and prints a banner to the process's stdout.
    """
    h = _core._Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("primal_feasibility_tolerance", SOLVER_FEAS_TOL)
    h.setOptionValue("dual_feasibility_tolerance", SOLVER_FEAS_TOL)
    return h


class HighsLP:
    """One HiGHS model kept between solves; rows are ``A_eq``, then ``A_ub``, then ``extra``.

    Parameters
    ----------
    A_eq, b_eq : sparse matrix, ndarray
        Equality rows.
    A_ub, b_ub : sparse matrix, ndarray
        ``<=`` rows.
    bounds : ndarray, shape (n, 2)
        Column bounds (``inf`` allowed).
    extra : sparse matrix, optional
        More rows, free (``-inf``, ``inf``) until :meth:`set_row_bounds` bounds them.
    solver : {"simplex", "ipm", "ipm-first"}
        HiGHS' dual simplex (warm re-solves from the last basis; the default) or its
        interior point method with crossover (a basic optimum too, but every
        :meth:`run` starts cold: faster for one large solve, slower for sweeps).
        ``"ipm-first"``: the first :meth:`run` by interior point (a large base), then
        warm simplex re-solves from the basis its crossover left (a large sweep).
    """

    def __init__(
        self,
        A_eq: sp.spmatrix,
        b_eq: np.ndarray,
        A_ub: sp.spmatrix,
        b_ub: np.ndarray,
        bounds: np.ndarray,
        *,
        extra: sp.spmatrix | None = None,
        solver: str = "simplex",
    ) -> None:
        if solver not in ("simplex", "ipm", "ipm-first"):
            raise ValueError(f"solver must be 'simplex', 'ipm' or 'ipm-first', not {solver!r}")
        n = int(bounds.shape[0])
        blocks = [sp.csr_matrix(A_eq, shape=(A_eq.shape[0], n)), sp.csr_matrix(A_ub, shape=(A_ub.shape[0], n))]
        n_extra = 0 if extra is None else int(extra.shape[0])
        if extra is not None:
            blocks.append(sp.csr_matrix(extra))
        A = sp.vstack(blocks).tocsc()
        A.sort_indices()
        self.n_cols, self.n_eq, self.n_ub = n, int(A_eq.shape[0]), int(A_ub.shape[0])
        self.n_rows = self.n_eq + self.n_ub + n_extra
        lp = _core.HighsLp()
        lp.num_col_, lp.num_row_ = n, self.n_rows
        lp.col_cost_ = np.zeros(n)
        lp.col_lower_ = np.asarray(bounds[:, 0], dtype=float)
        lp.col_upper_ = np.asarray(bounds[:, 1], dtype=float)
        b_eq = np.asarray(b_eq, dtype=float)
        lp.row_lower_ = np.concatenate([b_eq, np.full(self.n_ub + n_extra, -np.inf)])
        lp.row_upper_ = np.concatenate([b_eq, np.asarray(b_ub, dtype=float), np.full(n_extra, np.inf)])
        lp.a_matrix_.format_ = _core.MatrixFormat.kColwise
        lp.a_matrix_.start_ = A.indptr.astype(np.int32)
        lp.a_matrix_.index_ = A.indices.astype(np.int32)
        lp.a_matrix_.value_ = A.data.astype(float)
        self.h = _new_highs()
        self.solver = solver
        if solver != "simplex":
            self.h.setOptionValue("solver", "ipm")
        self.h.passModel(lp)
        self._all = np.arange(n, dtype=np.int32)
        self._saved: Any = None
        self._moved = False

    def set_cost(self, c: np.ndarray) -> None:
        """Replace the whole cost vector (the basis is kept)."""
        self.h.changeColsCost(self.n_cols, self._all, np.asarray(c, dtype=float))

    def set_col_bounds(self, cols: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> None:
        """Change the bounds of columns ``cols``."""
        if len(cols):
            self.h.changeColsBounds(len(cols), np.asarray(cols, dtype=np.int32), np.asarray(lo, float), np.asarray(hi, float))

    def set_row_bounds(self, rows: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> None:
        """Change the bounds of rows ``rows`` (numbered over all blocks: eq, ub, extra)."""
        if len(rows):
            self.h.changeRowsBounds(len(rows), np.asarray(rows, dtype=np.int32), np.asarray(lo, float), np.asarray(hi, float))

    def set_ub_rhs(self, b_ub: np.ndarray) -> None:
        """New right-hand sides for every ``A_ub`` row."""
        idx = np.arange(self.n_eq, self.n_eq + self.n_ub)
        self.set_row_bounds(idx, np.full(self.n_ub, -np.inf), b_ub)

    def save_basis(self) -> None:
        """Remember the current basis (:meth:`restore_basis` goes back to it)."""
        self._saved = self.h.getBasis()
        self._moved = False

    def restore_basis(self) -> None:
        """Start the next :meth:`run` from the basis :meth:`save_basis` kept.

        A sweep restores its base's basis before each knock-out, so a knock-out's
        optimum (which vertex, when several are optimal) does not depend on which
        knock-outs ran before it, or on which worker ran it.
        """
        if self._moved:  # untouched since: nothing to refactor
            self.h.setBasis(self._saved)
            self._moved = False

    def run(self, phase: str, *, duals: bool = True) -> OptimizeResult | None:
        """Solve warm from the last basis; ``None`` when infeasible (``duals=False``: primal values only).

        Raises
        ------
        SolverError
            HiGHS stopped without an optimum (and without proving infeasibility).
        """
        self.h.run()
        self._moved = True
        if self.solver == "ipm-first":
            self.h.setOptionValue("solver", "simplex")
            self.solver = "simplex"
        if self.h.getModelStatus() == _core.HighsModelStatus.kModelEmpty:  # no columns (no supply): x = []
            return self._empty_result(duals=duals)
        status = _STATUS.get(self.h.getModelStatus(), 4)
        if status == INFEASIBLE:
            return None
        if status != 0:
            msg = self.h.modelStatusToString(self.h.getModelStatus())
            raise SolverError(f"{phase}: HiGHS did not reach an optimum (status {status}: {msg})")
        return self._result(duals=duals)

    def _empty_result(self, *, duals: bool) -> OptimizeResult | None:
        """A model without columns: optimal at ``x = []`` when every row holds 0, else infeasible."""
        lp = self.h.getLp()
        lo, hi = np.asarray(lp.row_lower_, dtype=float), np.asarray(lp.row_upper_, dtype=float)
        if np.any(lo > SOLVER_FEAS_TOL) or np.any(hi < -SOLVER_FEAS_TOL):
            return None
        zeros = np.zeros(self.n_rows)
        res = OptimizeResult(x=np.zeros(0), fun=0.0, status=0, success=True, message="Empty model: nothing to solve")
        if duals:
            e, u = self.n_eq, self.n_eq + self.n_ub
            res.update(eqlin=OptimizeResult(marginals=zeros[:e]), ineqlin=OptimizeResult(marginals=zeros[e:u]),
                       extra_duals=zeros[u:], row_activity=zeros)
        return res

    def _result(self, *, duals: bool = True) -> OptimizeResult:
        sol = self.h.getSolution()
        x = np.asarray(sol.col_value, dtype=float)
        fun = float(self.h.getInfo().objective_function_value)
        if not duals:
            return OptimizeResult(x=x, fun=fun, status=0, success=True, message="Optimization terminated successfully. (HiGHS Status 7: Optimal)")
        dual = np.asarray(sol.row_dual, dtype=float)
        e, u = self.n_eq, self.n_eq + self.n_ub
        return OptimizeResult(
            x=x,
            fun=fun,
            status=0,
            success=True,
            message="Optimization terminated successfully. (HiGHS Status 7: Optimal)",
            eqlin=OptimizeResult(marginals=dual[:e]),
            ineqlin=OptimizeResult(marginals=dual[e:u]),
            extra_duals=dual[u:],
            row_activity=np.asarray(sol.row_value, dtype=float),
        )


def solve_lp(
    c: np.ndarray,
    A_ub: sp.spmatrix,
    b_ub: np.ndarray,
    A_eq: sp.spmatrix,
    b_eq: np.ndarray,
    bounds: np.ndarray,
) -> OptimizeResult:
    """One cold HiGHS solve; an infeasible problem gives ``status == 2`` (no exception)."""
    m = HighsLP(A_eq, b_eq, A_ub, b_ub, np.asarray(bounds, dtype=float))
    m.set_cost(c)
    res = m.run("lp")
    if res is None:
        return OptimizeResult(x=None, fun=np.nan, status=INFEASIBLE, success=False, message="The problem is infeasible.")
    return res


def check(res: OptimizeResult | None, phase: str) -> OptimizeResult:
    """``res`` unless it is ``None`` (infeasible): then :class:`InfeasibleError`."""
    if res is None:
        raise InfeasibleError(f"{phase}: the flow problem has no feasible solution; check contracts and market caps")
    return res
