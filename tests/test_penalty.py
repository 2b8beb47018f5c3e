"""method="auto" on a large plain network flow: one penalty LP with a max-flow certificate (transcaspian.flow.penalty).

Small networks are pushed onto that path by lowering ``PENALTY_MIN_VARS``; every answer is
compared with the two-phase LP (``method="lp"``) and with networkx.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings

import transcaspian as tc
from netbuild import build_network, nx_flow_graph, random_networks
from profiles import examples
from transcaspian.flow import penalty

SETTINGS = settings(max_examples=examples(25), deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                                    HealthCheck.function_scoped_fixture])


@pytest.fixture
def every_size(monkeypatch):
    monkeypatch.setattr(penalty, "PENALTY_MIN_VARS", 0)


def _penalty_used(res) -> bool:
    return "penalty" in res.meta.get("method", "")


@SETTINGS
@given(random_networks())
def test_random_networks_same_optimum_as_the_two_phases_and_networkx(every_size, net):
    auto, lp = tc.solve(net), tc.solve(net, method="lp")
    assert _penalty_used(auto) and not _penalty_used(lp)
    total = sum(e["value"] for e in net.baseline["supplies"]["crude"])
    G, s, t = nx_flow_graph(net)
    flow = nx.max_flow_min_cost(G, s, t)
    assert abs(auto.total_delivered.get("crude", 0.0) - nx.maximum_flow_value(G, s, t)) <= 1e-8 * total
    assert abs(auto.total_delivered.get("crude", 0.0) - lp.total_delivered.get("crude", 0.0)) <= 1e-8 * total
    assert auto.total_cost / 1e6 == pytest.approx(nx.cost_of_flow(G, flow), rel=1e-6, abs=1e-6)
    assert auto.total_cost == pytest.approx(lp.total_cost, rel=1e-6, abs=1e-3)
    # flows within capacity, nothing on a disabled element, mass conserved (the tables are the routes')
    f = auto.flows
    assert (f["forward"] + f["backward"] <= f["capacity"].fillna(np.inf) + 1e-9).all()
    un = auto.unserved
    assert (un["delivered"] + un["unserved"] <= un["supply"] + 1e-9).all()


def test_shadow_prices_are_the_two_phase_lps(every_size, mini_net):
    auto, lp = tc.solve(mini_net), tc.solve(mini_net, method="lp")
    assert _penalty_used(auto) and "not yet computed" in auto.meta["shadow_prices"]
    assert len(lp.shadow_prices) > 0
    pd.testing.assert_frame_equal(auto.shadow_prices, lp.shadow_prices, check_exact=False, rtol=1e-6, atol=1e-6)
    assert auto.meta["shadow_prices"].startswith("duals of the LP")


def test_a_failed_certificate_falls_back_to_the_two_phases(every_size, monkeypatch, mini_net):
    """With no penalty on unserved volume the LP sends nothing (every route costs); the certificate
    sees the open paths, and the two phases give the answer."""
    monkeypatch.setattr(penalty, "_penalty", lambda c2: 0.0)
    from transcaspian.flow.solver import prepare

    assert penalty.solve_penalty(prepare(mini_net, ("crude",), objective="cost")) is None
    res = tc.solve(mini_net)
    assert not _penalty_used(res)
    assert res.total_delivered["crude"] == pytest.approx(41.0)


def test_the_certificate_rejects_a_flow_that_is_not_maximal(mini_net):
    """The check itself, on a flow that delivers nothing although paths are open."""
    from transcaspian.flow.solver import prepare

    lp = prepare(mini_net, ("crude",), objective="cost")
    zero = penalty._augmenting_path(lp, np.zeros(len(lp.arcs["crude"].link)), np.asarray(lp.supply[0]),
                                    np.zeros(len(lp.markets[0])))
    assert "reachable" in zero
    best = tc.solve(mini_net, method="lp")
    sol = lp.solve()
    assert penalty._augmenting_path(lp, sol.x[0], sol.u[0], sol.d[0]) == ""
    assert best.total_delivered["crude"] == pytest.approx(41.0)


@pytest.mark.parametrize("scenario", [
    {"name": "pro rata", "allocation": "pro_rata"},
    {"name": "restricted", "supplies": {"crude": {"field_b": {"markets": ["europe"]}}}},
])
def test_problems_that_are_not_a_plain_network_flow_keep_the_two_phases(every_size, mini_net, scenario):
    res = tc.solve(mini_net, tc.Scenario.from_dict(scenario))
    assert not _penalty_used(res)


def test_below_the_size_threshold_auto_is_the_two_phase_lp(mini_net):
    assert not _penalty_used(tc.solve(mini_net))


def test_a_large_grid_takes_the_penalty_path_and_matches():
    """A network past PENALTY_MIN_VARS (about 4,600 links: a column per arc) with the default threshold."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from solve import grid

    net = grid(5000)
    auto, lp = tc.solve(net), tc.solve(net, method="lp")
    assert _penalty_used(auto) and auto.meta["variables"] >= penalty.PENALTY_MIN_VARS
    total = sum(e["value"] for e in net.baseline["supplies"]["crude"])
    assert abs(auto.total_delivered["crude"] - lp.total_delivered["crude"]) <= 1e-8 * total
    assert auto.total_cost == pytest.approx(lp.total_cost, rel=1e-7)
    G, s, t = nx_flow_graph(net)
    assert abs(auto.total_delivered["crude"] - nx.maximum_flow_value(G, s, t)) <= 1e-8 * total


def test_a_tiny_network_by_hand(every_size):
    """a -> b narrow and cheap, a -> c -> b wide and dear: 4 + 6 delivered, 4*1 + 6*10 = 64 per unit."""
    net = build_network(
        nodes=[{"id": "a"}, {"id": "c"}, {"id": "b", "kind": "market"}],
        links=[{"id": "ab", "from": "a", "to": "b", "capacity": 4, "cost": 1},
               {"id": "ac", "from": "a", "to": "c", "capacity": 6, "cost": 5},
               {"id": "cb", "from": "c", "to": "b", "capacity": 100, "cost": 5}],
        supplies={"crude": {"a": 12}}, markets={"crude": ["b"]},
    )
    res = tc.solve(net)
    assert _penalty_used(res)
    assert res.total_delivered["crude"] == pytest.approx(10.0, abs=1e-9)
    assert res.total_unserved["crude"] == pytest.approx(2.0, abs=1e-9)
    assert res.total_cost == pytest.approx((4 * 1 + 6 * 10) * 1e6, rel=1e-9)


@pytest.mark.parametrize("case", ["market cap", "avoid a country", "node capacity"])
def test_caps_avoided_countries_and_node_capacities_match_the_two_phases(every_size, case):
    """The certificate's graph carries market caps, a class's avoided arcs and split nodes."""
    nodes = [{"id": "a"}, {"id": "b", "country": "RUS"}, {"id": "c", "capacity": 5 if case == "node capacity" else None},
             {"id": "m", "kind": "market"}, {"id": "n", "kind": "market"}]
    links = [{"id": "ab", "from": "a", "to": "b", "capacity": 8, "cost": 1},
             {"id": "bm", "from": "b", "to": "m", "capacity": 20, "cost": 1},
             {"id": "ac", "from": "a", "to": "c", "capacity": 9, "cost": 4, "bidirectional": True},
             {"id": "cm", "from": "c", "to": "m", "capacity": 20, "cost": 4},
             {"id": "cn", "from": "c", "to": "n", "capacity": 20, "cost": 6}]
    supply = {"a": {"value": 15, "avoid_countries": ["RUS"]}} if case == "avoid a country" else {"a": 15}
    markets = {"crude": {"m": 6, "n": 100}} if case == "market cap" else {"crude": ["m", "n"]}
    net = build_network(nodes, links, supplies={"crude": supply}, markets=markets)
    auto, lp = tc.solve(net), tc.solve(net, method="lp")
    assert _penalty_used(auto)
    assert auto.total_delivered["crude"] == pytest.approx(lp.total_delivered["crude"], abs=1e-9)
    assert auto.total_cost == pytest.approx(lp.total_cost, rel=1e-9)
    pd.testing.assert_frame_equal(auto.delivered, lp.delivered, check_exact=False, atol=1e-9)
    if case == "avoid a country":  # networkx's graph knows no countries: by hand, only a -> c (9) avoids b
        assert auto.total_delivered["crude"] == pytest.approx(9.0, abs=1e-9)
    else:
        G, s, t = nx_flow_graph(net)
        assert auto.total_delivered["crude"] == pytest.approx(nx.maximum_flow_value(G, s, t), abs=1e-9)
