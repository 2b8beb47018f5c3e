"""The highspy core (flow/highs.py) against the scipy ``linprog`` reference oracle."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

import transcaspian as tc
from transcaspian.flow import lp as lp_mod
from transcaspian.flow.highs import HighsLP, solve_lp

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((ROOT / "examples" / "scenarios").glob("*.yaml"))


@pytest.fixture
def reference(monkeypatch):
    """Switch the package to the scipy path: cold ``linprog`` for every phase."""

    def use() -> None:
        monkeypatch.setattr(lp_mod, "_highs", lp_mod._highs_scipy)
        monkeypatch.setattr(lp_mod, "PERSISTENT", False)

    return use


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_every_example_scenario_matches_scipy(path, net, reference):
    fast = tc.solve(net, path, commodity="all")
    assert fast.meta["solver"].startswith("highspy")
    reference()
    ref = tc.solve(net, path, commodity="all")
    assert ref.meta["solver"].startswith("scipy")
    for c, v in ref.total_delivered.items():
        assert fast.total_delivered[c] == pytest.approx(v, rel=1e-7, abs=1e-6), c
    assert fast.total_cost == pytest.approx(ref.total_cost, rel=1e-6, abs=1e-3)


@pytest.mark.parametrize("allocation", ["cost", "pro_rata"])
def test_outage_scenario_matches_scipy_both_allocations(net, reference, allocation):
    path = ROOT / "examples" / "scenarios" / "cpc_outage.yaml"
    fast = tc.solve(net, path, allocation=allocation)
    reference()
    ref = tc.solve(net, path, allocation=allocation)
    assert fast.total_delivered["crude"] == pytest.approx(ref.total_delivered["crude"], rel=1e-7)
    assert fast.total_cost == pytest.approx(ref.total_cost, rel=1e-6)
    # shadow prices come from the duals: same binding rows, same values
    a = fast.shadow_prices.set_index("element")["usd_per_unit"].sort_index()
    b = ref.shadow_prices.set_index("element")["usd_per_unit"].sort_index()
    assert a.index.tolist() == b.index.tolist()


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_interior_point_path_matches_simplex(path, net, monkeypatch):
    """The large-problem path (interior point with crossover, lp.IPM_MIN_VARS) solves to the simplex's optimum."""
    simplex = tc.solve(net, path, commodity="all")
    monkeypatch.setattr(lp_mod, "IPM_MIN_VARS", 0)
    ipm = tc.solve(net, path, commodity="all")
    persistent = simplex.meta["allocation"] != "pro_rata"  # pro rata runs its own cold LPs
    assert ("interior point" in ipm.meta["solver"]) == persistent
    assert "interior point" not in simplex.meta["solver"]
    for c, v in simplex.total_delivered.items():
        assert ipm.total_delivered[c] == pytest.approx(v, rel=1e-7, abs=1e-6), c
    assert ipm.total_cost == pytest.approx(simplex.total_cost, rel=1e-6, abs=1e-3)


def _random_lp(draw_seed: int):
    rng = np.random.default_rng(draw_seed)
    n, m, e = rng.integers(2, 8), rng.integers(1, 6), rng.integers(0, 3)
    A = sp.csr_matrix(rng.random((m, n)) * (rng.random((m, n)) < 0.7))
    b = rng.random(m) * 5
    Ae = sp.csr_matrix(rng.random((e, n)))
    be = Ae @ (rng.random(n) * 0.2)  # feasible by construction when A x <= b holds at that point
    c = rng.normal(size=n)
    bounds = np.column_stack([np.zeros(n), rng.random(n) * 3 + 0.5])
    return c, A, b, Ae, be, bounds


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000))
def test_solve_lp_equals_linprog(seed):
    c, A, b, Ae, be, bounds = _random_lp(seed)
    kw = {"A_eq": Ae, "b_eq": be} if Ae.shape[0] else {}
    ref = linprog(c, A_ub=A, b_ub=b, bounds=bounds, method="highs", **kw)
    got = solve_lp(c, A, b, Ae, be, bounds)
    assert (ref.status == 2) == (got.status == 2)
    if ref.status == 0:
        assert got.status == 0
        assert got.fun == pytest.approx(ref.fun, abs=1e-8)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10_000), st.data())
def test_warm_bound_changes_equal_cold_solves(seed, data):
    """Fix columns at 0 in place, re-solve warm, restore: each answer equals a cold solve."""
    c, A, b, Ae, be, bounds = _random_lp(seed)
    m = HighsLP(Ae, be, A, b, bounds)
    m.set_cost(c)
    base = m.run("base")
    for _ in range(3):
        col = data.draw(st.integers(0, len(c) - 1))
        m.set_col_bounds(np.array([col]), np.zeros(1), np.zeros(1))
        cut = bounds.copy()
        cut[col] = 0.0
        warm = m.run("cut")
        cold = solve_lp(c, A, b, Ae, be, cut)
        assert (warm is None) == (cold.status == 2)
        if warm is not None:
            assert warm.fun == pytest.approx(cold.fun, abs=1e-8)
        m.set_col_bounds(np.array([col]), bounds[col : col + 1, 0], bounds[col : col + 1, 1])
    again = m.run("restored")
    assert (again is None) == (base is None)
    if base is not None and again is not None:
        assert again.fun == pytest.approx(base.fun, abs=1e-8)


def test_a_model_without_columns_is_optimal_when_its_rows_allow_zero():
    """HiGHS calls a model with no columns "Empty"; HighsLP answers x = [] (or infeasible when a row needs more)."""
    ok = HighsLP(sp.csr_matrix((1, 0)), np.zeros(1), sp.csr_matrix((1, 0)), np.ones(1), np.zeros((0, 2)))
    res = ok.run("empty")
    assert res is not None and res.x.size == 0 and res.fun == 0.0 and res.eqlin.marginals.tolist() == [0.0]
    bad = HighsLP(sp.csr_matrix((1, 0)), np.ones(1), sp.csr_matrix((0, 0)), np.zeros(0), np.zeros((0, 2)))
    assert bad.run("empty") is None
