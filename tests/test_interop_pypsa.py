"""tc.to_pypsa: the PyPSA model of a flow problem solves to tc.solve's optimum (the pypsa extra, in .[test])."""

from __future__ import annotations

import dataclasses
import logging

import pytest

import transcaspian as tc

pypsa = pytest.importorskip("pypsa", reason="the pypsa extra (in .[test]) runs this check")

from transcaspian.interop.pypsa import solve_pypsa, to_pypsa  # noqa: E402


@pytest.fixture(autouse=True)
def _quiet(caplog):
    caplog.set_level(logging.WARNING)


def test_pypsa_optimum_equals_tc_solve_on_the_bundled_crude_outage():
    # the CPC terminal out, contracts dropped: six flow classes (origins restricted to markets),
    # node capacities, market caps, bidirectional links and a stranded volume
    net = tc.load_network()
    sc = dataclasses.replace(tc.Scenario.from_yaml("cpc_outage"), drop_contracts=("all",))
    res = tc.solve(net, sc, commodity="crude")
    n = to_pypsa(net, sc, commodity="crude")
    assert len(n.links) > 100 and n.meta["transcaspian"]["shared"]
    got = solve_pypsa(n)
    assert got["delivered"] == pytest.approx(res.total_delivered["crude"], rel=1e-7)
    assert got["total_cost"] == pytest.approx(res.total_cost, rel=1e-6)
    assert res.total_unserved["crude"] > 1.0  # the case is not trivial: something is stranded


def test_to_pypsa_refuses_contracts_with_the_fix():
    with pytest.raises(tc.InputError, match="drop_contracts"):
        to_pypsa(tc.load_network(), commodity="crude")
