"""tc.solve(method="netflow") (OR-Tools min-cost max-flow) against the LP path and networkx."""

from __future__ import annotations

import dataclasses
import math
import pickle
import sys

import networkx as nx
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings

import transcaspian as tc
from netbuild import build_network, nx_flow_graph, random_networks
from profiles import examples
from test_flow_properties import _spread_networks
from transcaspian.errors import InputError
from transcaspian.flow.inputs import markets_for
from transcaspian.flow.lazy import LazyFlowResult
from transcaspian.flow.result import FlowResult

RTOL = 1e-6
SETTINGS = settings(max_examples=examples(15), deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _nx(net, commodity="crude"):
    """networkx's max-flow value and the min cost of a max flow (USD/y per 1e6: the test costs are per unit)."""
    G, s, t = nx_flow_graph(net, commodity)
    flow = nx.max_flow_min_cost(G, s, t)
    return nx.maximum_flow_value(G, s, t), nx.cost_of_flow(G, flow)


def _same(lp, nf):
    """The netflow result has the LP's delivered volume and objective (and so cost, when that is it; rel 1e-6)."""
    for c in lp.commodities:
        assert nf.total_delivered[c] == pytest.approx(lp.total_delivered[c], rel=RTOL, abs=1e-9)
        assert nf.total_unserved[c] == pytest.approx(lp.total_unserved[c], rel=RTOL, abs=1e-6)
    if lp.objective == "cost":  # another objective's optimum may have several costs
        assert nf.total_cost == pytest.approx(lp.total_cost, rel=RTOL, abs=1e-6)
    assert nf.meta["objective_value"] == pytest.approx(lp.meta["objective_value"], rel=RTOL, abs=1e-6)


def _physical(net):
    """The corridor's crude with every contract lifted and every supply free to reach every crude market."""
    mk = list(markets_for(net, "crude"))
    free = {e["origin"]: {"markets": mk} for e in net.baseline["supplies"]["crude"]}
    return tc.Scenario.from_dict({"name": "physical", "drop_contracts": ["all"], "supplies": {"crude": free}})


# ------------------------------------------------------------------ same optimum


@pytest.mark.parametrize("objective", ["cost", "time", "emissions"])
def test_mini_same_as_lp_and_networkx(mini_net, objective):
    lp = tc.solve(mini_net, objective=objective)
    nf = tc.solve(mini_net, objective=objective, method="netflow")
    _same(lp, nf)
    value, cost = _nx(mini_net)
    assert nf.total_delivered["crude"] == pytest.approx(value, rel=RTOL)
    if objective == "cost":
        assert nf.total_cost / 1e6 == pytest.approx(cost, rel=RTOL)
    assert nf.meta["netflow"]["exact"]
    assert "OR-Tools" in nf.meta["solver"]


def test_mini_tables_match_the_lp(mini_net):
    lp = tc.solve(mini_net)
    nf = tc.solve(mini_net, method="netflow")
    for name in ("flows", "node_flows", "delivered", "unserved", "emissions", "saturated"):
        a = pd.DataFrame(getattr(lp, name)).drop(columns="geometry", errors="ignore")
        b = pd.DataFrame(getattr(nf, name)).drop(columns="geometry", errors="ignore")
        pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=RTOL, atol=1e-6, obj=name)
    key = ["origin", "market", "volume"]
    assert sorted(map(tuple, nf.routes[key].round(6).to_numpy())) == sorted(map(tuple, lp.routes[key].round(6).to_numpy()))
    assert "not yet computed" in nf.meta["shadow_prices"]
    assert len(lp.shadow_prices) > 0
    pd.testing.assert_frame_equal(nf.shadow_prices, lp.shadow_prices, check_exact=False, rtol=RTOL, atol=1e-6)
    assert nf.meta["shadow_prices"].startswith("duals of the LP")


@pytest.mark.parametrize("scenario", [
    tc.Scenario(name="no terminal", disable=["terminal"]),
    tc.Scenario(name="half hub", derate={"hub_gate": 0.5, "terminal": 0.3}),
])
def test_mini_scenarios(mini_net, scenario):
    lp = tc.solve(mini_net, scenario)
    nf = tc.solve(mini_net, scenario, method="netflow")
    _same(lp, nf)
    value, cost = _nx(scenario.apply(mini_net))
    assert nf.total_delivered["crude"] == pytest.approx(value, rel=RTOL, abs=1e-9)
    assert nf.total_cost / 1e6 == pytest.approx(cost, rel=RTOL, abs=1e-6)


def test_one_class_avoiding_a_country_drops_those_arcs(mini_net):
    sc = tc.Scenario(name="no RUS", supplies={"crude": {o: {"avoid_countries": ["RUS"]} for o in ("field_a", "field_b")}})
    lp, nf = tc.solve(mini_net, sc), tc.solve(mini_net, sc, method="netflow")
    assert nf.meta["flow_classes"] == ["crude!RUS"]
    _same(lp, nf)
    assert lp.total_delivered["crude"] < tc.solve(mini_net).total_delivered["crude"]  # the terminal (RUS) is avoided
    assert "terminal" not in set(nf.node_flows.index[nf.node_flows["throughput"] > 0])


@pytest.fixture(scope="module")
def corridor():
    return tc.load_network()


@pytest.mark.parametrize("outage", [None, "cpc_outage"])
def test_corridor_crude_same_as_lp_and_networkx(corridor, outage):
    sc = _physical(corridor)
    if outage:
        cut = tc.Scenario.from_yaml(f"examples/scenarios/{outage}.yaml")
        sc = tc.Scenario.from_dict({**cut.to_dict(), **{k: v for k, v in sc.to_dict().items() if k != "name"}})
    lp = tc.solve(corridor, sc, commodity="crude")
    nf = tc.solve(corridor, sc, commodity="crude", method="netflow")
    _same(lp, nf)
    G, s, t = nx_flow_graph(sc.apply(corridor), "crude")
    assert nf.total_delivered["crude"] == pytest.approx(nx.maximum_flow_value(G, s, t), rel=RTOL)
    bounds = nf.meta["netflow"]
    assert bounds["delivered_bound"] <= 1e-7 * sum(e["value"] for e in corridor.baseline["supplies"]["crude"])
    assert bounds["objective_bound"] <= 1e-7 * nf.meta["objective_value"]


@SETTINGS
@given(random_networks())
def test_random_networks_same_as_lp_and_networkx(net):
    lp = tc.solve(net)
    nf = tc.solve(net, method="netflow")
    _same(lp, nf)
    value, cost = _nx(net)
    assert nf.total_delivered.get("crude", 0.0) == pytest.approx(value, rel=RTOL, abs=1e-9)
    assert nf.total_cost / 1e6 == pytest.approx(cost, rel=RTOL, abs=1e-6)
    # the LP's duals price the network flow too: every non-zero shadow price is there, with its value
    def priced(res):
        sp = res.shadow_prices
        sp = sp[(sp["objective_per_unit"].abs() > 1e-9) | (sp["delivered_per_unit"].abs() > 1e-9)]
        return sp.set_index(["element", "kind"])[["objective_per_unit", "delivered_per_unit"]].sort_index()

    pd.testing.assert_frame_equal(priced(nf), priced(lp), check_exact=False, rtol=RTOL, atol=1e-6)
    # a bidirectional link carries one way only, within its capacity
    f = nf.flows
    assert ((f["forward"] <= 1e-9) | (f["backward"] <= 1e-9)).all()
    cap = f["capacity"].fillna(math.inf)
    assert (f["forward"] + f["backward"] <= cap + 1e-9).all()


@SETTINGS
@given(_spread_networks())
def test_volumes_thirteen_orders_of_magnitude_apart(net):
    """Supplies from VOLUME_MIN to VOLUME_MAX in one network: delivered is networkx's max flow to 1e-9 of supply.

    Paths below the round-off (1e-9 of the largest supply) are left out of the tables and
    reported in ``meta["dropped_roundoff"]`` (found by CI: an optimum sending 3e-6 of 3000
    Mt/y down a second path); delivered plus that is the max flow, and it stays within the
    documented 1e-8 of the supply.
    """
    total = sum(e["value"] for e in net.baseline["supplies"]["crude"])
    G, s, t = nx_flow_graph(net)
    nf = tc.solve(net, method="netflow")
    delivered = nf.total_delivered.get("crude", 0.0)  # builds the routes, and meta's dropped_roundoff
    dropped = nf.meta["dropped_roundoff"]
    assert abs(delivered + dropped - nx.maximum_flow_value(G, s, t)) <= 1e-9 * total
    assert dropped <= 1e-8 * total
    assert nf.meta["netflow"]["delivered_bound"] <= 1e-7 * total


def test_a_path_below_round_off_is_reported_as_dropped():
    """CI's example, by hand: OR-Tools sends 3e-6 of 3000 Mt/y down a narrow link, a piece below the
    routes' round-off (1e-9 of the largest supply). It is left out of the tables and counted in
    ``meta["dropped_roundoff"]`` (it was lost without a word), and no origin is shown stranding it."""
    net = build_network(
        nodes=[{"id": "n0"}, {"id": "n1"}, {"id": "n3", "kind": "market"}],
        links=[{"id": "l1", "from": "n0", "to": "n1", "bidirectional": True, "cost": 0},
               {"id": "l3", "from": "n0", "to": "n3", "capacity": 3e-6, "cost": 0},
               {"id": "l7", "from": "n3", "to": "n0", "bidirectional": True, "cost": 0}],
        supplies={"crude": {"n0": 3000, "n1": 0.001}}, markets={"crude": ["n3"]},
    )
    G, s, t = nx_flow_graph(net)
    for method in ("netflow", "lp"):
        res = tc.solve(net, method=method)
        delivered, dropped = res.total_delivered["crude"], res.meta["dropped_roundoff"]
        assert delivered + dropped == pytest.approx(nx.maximum_flow_value(G, s, t), rel=1e-12), method
        assert dropped <= 1e-8 * 3000.001
        assert res.total_unserved["crude"] <= 1e-8 * 3000.001, method
        assert (res.unserved["unserved"] == 0).all(), method


def test_fractional_data_is_rounded_within_the_reported_bounds():
    """Supplies, capacities and costs that no power of two makes integers: rounded, bounded, the LP's answer."""
    net = build_network(
        nodes=[{"id": "a"}, {"id": "b"}, {"id": "c", "capacity": 7.3}, {"id": "d"}],
        links=[
            {"id": "ab", "from": "a", "to": "b", "capacity": 10 / 3, "cost": 1.1},
            {"id": "bd", "from": "b", "to": "d", "capacity": 9.7, "cost": 0.37},
            {"id": "ac", "from": "a", "to": "c", "capacity": 8.05, "cost": 2.2, "bidirectional": True},
            {"id": "cd", "from": "c", "to": "d", "cost": 1 / 7},
        ],
        supplies={"crude": {"a": 12.34567}}, markets={"crude": ["d"]},
    )
    lp = tc.solve(net)
    nf = tc.solve(net, method="netflow")
    info = nf.meta["netflow"]
    assert not info["exact"]
    assert 0 < info["max_capacity_rounding"] <= 1 / info["flow_scale"]
    _same(lp, nf)
    assert abs(nf.total_delivered["crude"] - lp.total_delivered["crude"]) <= info["delivered_bound"] + 1e-9
    assert nf.total_delivered["crude"] == pytest.approx(10 / 3 + 7.3, rel=RTOL)


def test_too_coarse_integers_are_refused():
    """Costs 20 orders of magnitude apart cannot share one integer scale: refused, naming the rounding."""
    net = build_network(
        nodes=[{"id": "a"}, {"id": "b"}, {"id": "d"}],
        links=[
            {"id": "ab", "from": "a", "to": "b", "capacity": 5, "cost": 1e12},
            {"id": "bd", "from": "b", "to": "d", "capacity": 5, "cost": 1e12},
            {"id": "ad", "from": "a", "to": "d", "capacity": 5, "cost": 1.2345678e-3},
        ],
        supplies={"crude": {"a": 5}}, markets={"crude": ["d"]},
    )
    with pytest.raises(InputError, match=r"does not fit OR-Tools' integers exactly enough.*method='lp'"):
        tc.solve(net, method="netflow")
    assert tc.solve(net).total_delivered["crude"] == pytest.approx(5.0)


# ------------------------------------------------------------------ refusals


def _two_commodities():
    return build_network(
        nodes=[{"id": "a"}, {"id": "b"}],
        links=[{"id": "ab", "from": "a", "to": "b", "capacity": 5, "cost": 1, "commodities": ["crude", "rare_earths"],
                "unit": "Mt/y"}],
        supplies={"crude": {"a": 3}, "rare_earths": {"a": 2000}}, markets={"crude": ["b"], "rare_earths": ["b"]},
    )


def test_ineligible_problems_raise_naming_why(mini_net):
    cases = [
        (dict(net=_two_commodities(), commodity=["crude", "rare_earths"]), "2 commodities together"),
        (dict(net=mini_net, allocation="pro_rata"), "pro rata"),
        (dict(net=mini_net, scenario=tc.Scenario(name="r", supplies={"crude": {"field_b": {"markets": ["china"]}}})),
         "2 flow classes"),
        (dict(net=build_network(
            nodes=[{"id": "a"}, {"id": "b"}], links=[{"id": "ab", "from": "a", "to": "b", "capacity": 5, "cost": 1}],
            supplies={"crude": {"a": 3}}, markets={"crude": ["b"]},
            contracts=[{"link": "ab", "commodity": "crude", "min_flow": 1}])), "contract"),
        (dict(net=build_network(
            nodes=[{"id": "a"}, {"id": "b"}], links=[{"id": "ab", "from": "a", "to": "b", "capacity": 5, "cost": -1}],
            supplies={"crude": {"a": 3}}, markets={"crude": ["b"]})), "negative cost"),
    ]
    for kw, why in cases:
        net = kw.pop("net")
        with pytest.raises(InputError, match=rf"method='netflow'.*{why}.*fix: method='lp'"):
            tc.solve(net, method="netflow", **kw)
        tc.solve(net, method="lp", **kw)  # the LP solves it


def test_a_commodity_without_supply_is_an_empty_result(mini_net):
    nf, lp = tc.solve(mini_net, commodity="gas", method="netflow"), tc.solve(mini_net, commodity="gas")
    assert nf.total_delivered == lp.total_delivered == {} and nf.total_cost == lp.total_cost == 0.0


def test_unknown_method_names_the_allowed_values(mini_net):
    for bad in ("simplex", 3, None):
        with pytest.raises(InputError, match="method: got .*'auto', 'lp', 'netflow'"):
            tc.solve(mini_net, method=bad)


def test_auto_and_lp_are_the_lp(mini_net):
    a, b = tc.solve(mini_net, method="auto"), tc.solve(mini_net, method="lp")
    assert a.meta["solver"] == b.meta["solver"] and "highspy" in a.meta["solver"]
    assert not isinstance(a, LazyFlowResult)


def test_missing_ortools_names_the_extra(mini_net, monkeypatch):
    monkeypatch.setitem(sys.modules, "ortools.graph.python.min_cost_flow", None)
    with pytest.raises(InputError, match=r"needs OR-Tools.*pip install transcaspian\[netflow\]"):
        tc.solve(mini_net, method="netflow")


# ------------------------------------------------------------------ the lazy result


def test_lazy_result_builds_tables_on_demand_and_copies_plain(mini_net):
    nf = tc.solve(mini_net, method="netflow")
    assert isinstance(nf, FlowResult) and "flows" not in vars(nf) and "routes" not in vars(nf)
    assert "dropped_roundoff" not in nf.meta
    nf.routes  # noqa: B018 (builds)
    assert "routes" in vars(nf) and "flows" not in vars(nf) and nf.meta["dropped_roundoff"] == 0.0
    plain = pickle.loads(pickle.dumps(nf))
    assert type(plain) is FlowResult and plain.total_cost == pytest.approx(nf.total_cost)
    copy = dataclasses.replace(nf, status="copied")
    assert copy.status == "copied" and copy.total_delivered == nf.total_delivered
    full = nf.materialize()
    assert type(full) is FlowResult and full.summary() == nf.summary()
    with pytest.raises(AttributeError):
        nf.no_such_table  # noqa: B018


@pytest.mark.parametrize("supply", [0.1, 1e-6, 3.3, 12345.678])
def test_a_fractional_supply_above_every_capacity_is_not_rounded_away(supply):
    """Found in CI: one origin of 0.1 Mt/y on uncapacitated links was scaled by 1 (the supply, being the
    total, was left out of the scale) and rounded to 0; the reported bound said 0 too."""
    net = build_network([{"id": "a"}, {"id": "b"}, {"id": "c"}],
                        [{"id": "ab", "from": "a", "to": "b", "cost": 1}, {"id": "ab2", "from": "a", "to": "b", "cost": 2},
                         {"id": "bc", "from": "b", "to": "c", "cost": 1, "capacity": 10 * supply}],
                        supplies={"crude": {"a": supply}}, markets={"crude": ["c"]})
    nf = tc.solve(net, method="netflow")
    lp = tc.solve(net)
    assert nf.total_delivered["crude"] == pytest.approx(supply, rel=1e-9)
    assert nf.total_delivered["crude"] == pytest.approx(lp.total_delivered["crude"], rel=1e-9)
    assert nf.meta["netflow"]["delivered_bound"] <= 1e-9 * supply
