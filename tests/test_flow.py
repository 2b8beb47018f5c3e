"""The flow solver against hand-computed answers on small networks."""

from __future__ import annotations

import copy

import pandas as pd
import pytest
from geopandas.testing import assert_geodataframe_equal

import transcaspian as tc
from netbuild import build_network

# a -> b -> d is cheap but narrow; a -> c -> d is dear and wide.
DIAMOND = dict(
    nodes=[{"id": "a"}, {"id": "b"}, {"id": "c"}, {"id": "d", "kind": "market"}],
    links=[
        {"id": "ab", "from": "a", "to": "b", "capacity": 4, "cost": 1, "time_days": 10, "length_km": 100},
        {"id": "bd", "from": "b", "to": "d", "capacity": 10, "cost": 1, "time_days": 10, "length_km": 100},
        {"id": "ac", "from": "a", "to": "c", "capacity": 10, "cost": 5, "time_days": 1, "length_km": 300, "mode": "rail"},
        {"id": "cd", "from": "c", "to": "d", "capacity": 10, "cost": 5, "time_days": 1, "length_km": 300, "mode": "rail"},
    ],
    supplies={"crude": {"a": 10}},
    markets={"crude": ["d"]},
)


def diamond(**changes):
    spec = copy.deepcopy(DIAMOND)
    spec.update(changes)
    return build_network(**spec)


def test_mini_baseline(mini_net):
    res = tc.solve(mini_net)
    # max flow: terminal node 30 + hub_gate 6 + port_w node 5 = 41 of 45
    assert res.total_delivered["crude"] == pytest.approx(41.0, abs=1e-6)
    assert res.total_unserved["crude"] == pytest.approx(4.0, abs=1e-6)
    assert res.unserved.loc[("crude", "field_a"), "unserved"] == pytest.approx(4.0, abs=1e-6)
    assert set(res.saturated["element"]) == {"terminal", "hub_gate", "hub_port", "port_w"}
    assert res.commodities == ("crude",) and res.objective == "cost"
    # cost: 25 via terminal at 39, 5 at 38.5, 6 to China at 45.5, 4 via hub_port at 55.5, 1 by rail at 70
    assert res.total_cost == pytest.approx((25 * 39 + 5 * 38.5 + 6 * 45.5 + 4 * 55.5 + 1 * 70) * 1e6, rel=1e-8)


def test_cheapest_first_then_overflow():
    res = tc.solve(diamond())
    f = res.flows["flow"]
    assert f["ab"] == pytest.approx(4) and f["ac"] == pytest.approx(6)
    assert res.total_cost == pytest.approx((4 * 2 + 6 * 10) * 1e6)
    assert res.unit_cost["crude"] == pytest.approx(6.8)
    assert res.flows.loc["ab", "utilisation"] == pytest.approx(1.0)


def test_time_and_emissions_objectives():
    net = diamond()
    fast = tc.solve(net, objective="time")
    assert fast.flows["flow"]["ac"] == pytest.approx(10)  # 2 days beats 20
    assert fast.meta["objective_value"] == pytest.approx(10 * 2 * 1e6)  # tonne-days
    green = tc.solve(net, objective="emissions")
    # pipeline 200 km at 5 g/tkm = 1000 g/t beats rail 600 km at 25 g/tkm = 15000 g/t
    assert green.flows["flow"]["ab"] == pytest.approx(4)
    co2 = green.emissions["co2_t"].sum()
    assert co2 == pytest.approx((4e6 * 200 * 5 + 6e6 * 600 * 25) / 1e6)
    assert green.meta["emission_factors_source"].startswith("built-in")
    assert green.emissions.loc["rail", "tonne_km"] == pytest.approx(6e6 * 600)


def test_emission_factors_from_parameters():
    net = diamond(parameters={"emission_factors": {"unit": "kgCO2/tkm", "pipeline": 0.01, "rail": {"crude": 0.02}}})
    res = tc.solve(net)
    assert res.emissions.loc["pipeline", "co2_t"] == pytest.approx(4e6 * 200 * 10 / 1e6)
    assert res.emissions.loc["rail", "co2_t"] == pytest.approx(6e6 * 600 * 20 / 1e6)
    assert "parameters.yaml" in res.meta["emission_factors_source"]


def test_shadow_prices():
    res = tc.solve(diamond())
    sp = res.shadow_prices.set_index("element")
    # one more Mt/y on ab saves 10 - 2 = 8 USD/t on 1 Mt
    assert sp.loc["ab", "usd_per_unit"] == pytest.approx(8e6)
    assert sp.loc["ab", "delivered_per_unit"] == pytest.approx(0.0)
    short = tc.solve(diamond(supplies={"crude": {"a": 30}}))
    sp = short.shadow_prices.set_index("element")
    assert short.total_delivered["crude"] == pytest.approx(14)
    assert sp.loc["ab", "delivered_per_unit"] == pytest.approx(1.0)


def _types(frame):
    levels = frame.index.levels if isinstance(frame.index, pd.MultiIndex) else [frame.index]
    return frame.dtypes.to_dict(), [level.dtype for level in levels]


@pytest.mark.parametrize("method", ["lp", "netflow"])
def test_tables_keep_their_column_types_when_empty(method):
    """A table with no rows has the columns and types of one with rows (found by CI: netflow's empty
    shadow prices were ``object`` where the LP's were ``str``; with no supply, ``flows`` had no columns)."""
    full = tc.solve(diamond(supplies={"crude": {"a": 30}}), method=method)
    wide = [{**link, "capacity": 100} for link in DIAMOND["links"]]
    idle = tc.solve(diamond(supplies={"crude": {"a": 1}}, links=wide), method=method)
    for table in ("shadow_prices", "saturated"):
        assert len(getattr(full, table)) > 0 and len(getattr(idle, table)) == 0, table
        assert _types(getattr(idle, table)) == _types(getattr(full, table)), table
    nothing = tc.solve(diamond(supplies={}), method="lp")
    tables = ("flows", "node_flows", "routes", "delivered", "unserved", "emissions", "shadow_prices", "saturated")
    for table in tables:
        assert len(getattr(full, table)) > 0 and len(getattr(nothing, table)) == 0, table
        assert _types(getattr(nothing, table)) == _types(getattr(full, table)), table
    assert nothing.flows.crs == full.flows.crs


def test_bidirectional_link_runs_backwards():
    net = build_network(
        nodes=[{"id": "a"}, {"id": "b"}, {"id": "m"}],
        links=[{"id": "ab", "from": "a", "to": "b", "capacity": 5, "cost": 1, "bidirectional": True},
               {"id": "am", "from": "a", "to": "m", "capacity": 5, "cost": 1}],
        supplies={"crude": {"b": 3}}, markets={"crude": ["m"]},
    )
    res = tc.solve(net)
    assert res.flows.loc["ab", "flow"] == pytest.approx(-3) and res.flows.loc["ab", "backward"] == pytest.approx(3)
    assert res.routes.iloc[0]["path"] == ("b", "a", "m")


def test_bidirectional_capacity_is_shared():
    net = build_network(
        nodes=[{"id": "a"}, {"id": "b"}, {"id": "ma"}, {"id": "mb"}],
        links=[{"id": "ab", "from": "a", "to": "b", "capacity": 4, "cost": 1, "bidirectional": True},
               {"id": "a_ma", "from": "a", "to": "ma", "capacity": 10}, {"id": "b_mb", "from": "b", "to": "mb", "capacity": 10}],
        supplies={"crude": {"a": 10, "b": 10}}, markets={"crude": {"mb": None, "ma": None}},
    )
    res = tc.solve(net, tc.Scenario(name="x", disable=["a_ma", "b_mb"]))
    assert res.total_delivered["crude"] == pytest.approx(0)
    net2 = net.replace(baseline={**net.baseline, "markets": {"crude": ["mb", "ma"]}})
    res = tc.solve(tc.Scenario(name="y", disable=["a_ma"]).apply(net2))
    # a can only reach a market through ab (towards mb): 4 on the shared capacity
    assert res.flows.loc["ab", "forward"] + res.flows.loc["ab", "backward"] <= 4 + 1e-9


def test_disabled_and_planned_elements_carry_nothing():
    net = diamond(links=[*DIAMOND["links"][:2], {**DIAMOND["links"][2], "status": "planned"}, DIAMOND["links"][3]])
    res = tc.solve(net)
    assert res.total_delivered["crude"] == pytest.approx(4)
    assert not res.flows.loc["ac", "usable"] and res.flows.loc["ac", "flow"] == 0
    on = tc.solve(net, tc.Scenario(name="on", add_links=["ac"]))
    assert on.total_delivered["crude"] == pytest.approx(10)


def test_node_capacity_limits_throughput():
    spec = copy.deepcopy(DIAMOND)
    spec["nodes"][1] = {"id": "b", "capacity": 2.5}
    res = tc.solve(build_network(**spec))
    assert res.flows.loc["ab", "flow"] == pytest.approx(2.5)
    assert res.node_flows.loc["b", "utilisation"] == pytest.approx(1.0)
    assert ("b", "node") in set(zip(res.saturated["element"], res.saturated["kind"], strict=True))


def test_market_cap_and_restricted_supply():
    net = build_network(
        nodes=[{"id": "o1"}, {"id": "o2"}, {"id": "h"}, {"id": "eu"}, {"id": "cn"}],
        links=[{"id": "o1h", "from": "o1", "to": "h"}, {"id": "o2h", "from": "o2", "to": "h"},
               {"id": "heu", "from": "h", "to": "eu", "cost": 1},
               {"id": "hcn", "from": "h", "to": "cn", "cost": 3, "capacity": 4}],
        supplies={"crude": {"o1": {"value": 10, "markets": ["cn"]}, "o2": 7}},
        markets={"crude": {"eu": 7, "cn": None}},
    )
    res = tc.solve(net)
    assert res.delivered.loc[("crude", "eu"), "volume"] == pytest.approx(7)
    assert res.delivered.loc[("crude", "cn"), "volume"] == pytest.approx(4)
    o1 = res.routes[res.routes["origin"] == "o1"]
    assert set(o1["market"]) == {"cn"} and o1["volume"].sum() == pytest.approx(4)
    assert res.unserved.loc[("crude", "o1"), "unserved"] == pytest.approx(6)
    assert res.unserved.loc[("crude", "o2"), "unserved"] == pytest.approx(0)
    assert len(res.meta["flow_classes"]) == 2


def test_contracts_bind_then_relax_without_raising():
    contracts = [{"link": "ac", "commodity": "crude", "min_flow": 8, "sources": []},
                 {"link": "ab", "commodity": "crude", "max_flow": 1}]
    res = tc.solve(diamond(contracts=contracts))
    assert res.flows.loc["ac", "flow"] == pytest.approx(9)  # min 8, ab capped at 1
    assert res.flows.loc["ab", "flow"] == pytest.approx(1)
    assert list(res.contracts["status"]) == ["met", "met"]
    cut = tc.solve(diamond(contracts=contracts), tc.Scenario(name="half", derate={"cd": 0.5}))
    row = cut.contracts.set_index("link").loc["ac"]
    assert row["status"] == "relaxed" and row["relaxed_min"] == pytest.approx(5, abs=1e-6)
    assert cut.flows.loc["ac", "flow"] == pytest.approx(5)
    assert "ac:crude" in cut.meta["relaxed_contracts"]
    off = tc.solve(diamond(contracts=contracts), tc.Scenario(name="off", disable=["ac"]))
    assert off.contracts.set_index("link").loc["ac", "status"] == "relaxed: link not usable"


def test_origin_contract_binds_only_that_origin():
    # two origins share the cheap narrow path a-b-d; an allocation keeps "a2" off it
    spec = copy.deepcopy(DIAMOND)
    spec["nodes"].append({"id": "a2"})
    spec["links"].append({"id": "a2a", "from": "a2", "to": "a", "capacity": 10, "cost": 0})
    spec["supplies"] = {"crude": {"a": 3, "a2": 3}}
    free = tc.solve(build_network(**spec))
    assert free.flows.loc["ab", "flow"] == pytest.approx(4)
    spec["contracts"] = [{"link": "ab", "commodity": "crude", "origin": "a2", "max_flow": 0.5}]
    res = tc.solve(build_network(**spec))
    # a's 3 plus at most 0.5 of a2's take the cheap path; the rest of a2 goes round
    assert res.flows.loc["ab", "flow"] == pytest.approx(3.5)
    assert res.flows.loc["ac", "flow"] == pytest.approx(2.5)
    row = res.contracts.iloc[0]
    assert row["origin"] == "a2" and row["flow"] == pytest.approx(0.5) and row["status"] == "met"
    a2 = res.routes[res.routes["origin"] == "a2"]
    assert a2["volume"].sum() == pytest.approx(3)
    assert a2.loc[a2["links"].map(lambda ls: "ab" in ls), "volume"].sum() == pytest.approx(0.5)
    assert "crude@a2" in res.meta["flow_classes"]
    # a floor for one origin pushes that origin's volume onto the dear path
    spec["contracts"] = [{"link": "ac", "commodity": "crude", "origin": "a", "min_flow": 2}]
    res = tc.solve(build_network(**spec))
    a = res.routes[res.routes["origin"] == "a"]
    assert a.loc[a["links"].map(lambda ls: "ac" in ls), "volume"].sum() == pytest.approx(2)
    assert res.flows.loc["ab", "flow"] == pytest.approx(4)  # a2 fills the cheap path
    assert res.total_delivered["crude"] == pytest.approx(6)


def test_relaxing_one_of_two_origin_contracts_on_a_link_names_the_right_one():
    spec = copy.deepcopy(DIAMOND)
    spec["nodes"].append({"id": "a2"})
    spec["links"].append({"id": "a2a", "from": "a2", "to": "a", "capacity": 10, "cost": 0})
    spec["supplies"] = {"crude": {"a": 3, "a2": 3}}
    # 2 + 3 > the 4 the cheap path holds: the relative shortfall is smallest on a2's floor
    spec["contracts"] = [{"link": "ab", "commodity": "crude", "origin": "a", "min_flow": 2},
                         {"link": "ab", "commodity": "crude", "origin": "a2", "min_flow": 3}]
    res = tc.solve(build_network(**spec))
    rows = res.contracts.set_index("origin")
    assert rows.loc["a", "status"] == "met" and rows.loc["a", "flow"] == pytest.approx(2)
    assert rows.loc["a2", "status"] == "relaxed"
    assert rows.loc["a2", "relaxed_min"] == pytest.approx(2, abs=1e-6)
    assert list(res.meta["relaxed_contracts"]) == ["ab:crude@a2"]


def test_supply_avoid_countries_keeps_that_volume_out():
    spec = copy.deepcopy(DIAMOND)
    spec["nodes"][1]["country"] = "RUS"  # b
    spec["supplies"] = {"crude": {"a": {"value": 10, "avoid_countries": ["rus"]}}}
    res = tc.solve(build_network(**spec))
    assert res.flows.loc["ab", "flow"] == pytest.approx(0)
    assert res.flows.loc["ac", "flow"] == pytest.approx(10)
    # the same answer as taking Russia out of the network for everyone
    spec["supplies"] = {"crude": {"a": 10}}
    ref = tc.solve(build_network(**spec), tc.Scenario(name="no_rus", avoid_countries=["RUS"]))
    assert res.total_cost == pytest.approx(ref.total_cost)
    # another origin without the restriction still uses the cheap path
    spec["nodes"].append({"id": "a2"})
    spec["links"].append({"id": "a2a", "from": "a2", "to": "a", "capacity": 10, "cost": 0})
    spec["supplies"] = {"crude": {"a": {"value": 5, "avoid_countries": ["RUS"]}, "a2": 5}}
    mixed = tc.solve(build_network(**spec))
    assert mixed.flows.loc["ab", "flow"] == pytest.approx(4)
    rus = mixed.routes[mixed.routes["origin"] == "a"]
    assert not rus["links"].map(lambda ls: "ab" in ls).any()


def test_contradictory_contract_raises():
    bad = [{"link": "ab", "commodity": "crude", "min_flow": 5, "max_flow": 2}]
    with pytest.raises(tc.InfeasibleError, match="min_flow 5 exceeds max_flow 2"):
        tc.solve(diamond(contracts=bad))


def test_joint_capacity_across_commodities():
    net = build_network(
        nodes=[{"id": "a"}, {"id": "b"}],
        links=[{"id": "ferry", "from": "a", "to": "b", "capacity": 1.0, "unit": "Mt/y", "mode": "ferry",
                "commodities": ["crude", "containers", "rare_earths"], "cost": {"crude": 1, "containers": 1, "rare_earths": 1}}],
        supplies={"crude": {"a": 0.5}, "containers": {"a": 40000}, "rare_earths": {"a": 200}},
        markets={"crude": ["b"], "containers": ["b"], "rare_earths": ["b"]},
    )
    res = tc.solve(net, commodity="all")
    assert res.commodities == ("crude", "containers", "rare_earths")
    used = sum(res.flows.loc[res.flows["commodity"] == c, "flow"].iloc[0] * f
               for c, f in (("crude", 1.0), ("containers", 1e-5), ("rare_earths", 1e-3)))
    assert used == pytest.approx(1.0, abs=1e-9)
    # weighted phase 1: every commodity's share delivered counts the same; 1.1 Mt wanted, 1 fits
    assert sum(res.total_unserved.values()) > 0
    assert res.flows["utilisation"].tolist() == pytest.approx([1.0] * 3)


def test_commodity_options(mini_net):
    with pytest.raises(tc.UnitError, match="unknown commodity"):
        tc.solve(mini_net, commodity="oil")
    assert tc.solve(mini_net, commodity="all").commodities == ("crude",)
    with pytest.raises(tc.ScenarioError):
        tc.solve(mini_net, objective="speed")


def test_solve_reads_scenario_file(mini_net, tmp_path):
    p = tmp_path / "cut.yaml"
    p.write_text("name: cut\ndisable: [terminal]\nobjective: time\n", encoding="utf-8")
    res = tc.solve(mini_net, p)
    assert res.objective == "time" and res.scenario.name == "cut"
    assert res.total_delivered["crude"] == pytest.approx(11)


def test_input_network_untouched_and_result_deterministic(mini_net):
    nodes, links, base = mini_net.nodes.copy(deep=True), mini_net.links.copy(deep=True), copy.deepcopy(dict(mini_net.baseline))
    sc = tc.Scenario(name="x", derate={"terminal": 0.5}, disable=["a_port"])
    r1, r2 = tc.solve(mini_net, sc), tc.solve(mini_net, sc)
    assert_geodataframe_equal(mini_net.nodes, nodes)
    assert_geodataframe_equal(mini_net.links, links)
    assert dict(mini_net.baseline) == base
    assert_geodataframe_equal(r1.flows, r2.flows)
    for name in ("node_flows", "routes", "delivered", "unserved", "saturated", "shadow_prices", "emissions"):
        pd.testing.assert_frame_equal(getattr(r1, name), getattr(r2, name))


def test_flows_frame_contract(mini_net):
    res = tc.solve(mini_net)
    need = {"commodity", "from_node", "to_node", "mode", "flow", "forward", "backward", "capacity", "unit",
            "utilisation", "cost", "disabled", "derate", "geometry"}
    assert need <= set(res.flows.columns) and res.flows.index.name == "link"
    assert res.flows.crs.to_epsg() == 4326 and len(res.flows) == len(mini_net.links)
    assert {"commodity", "throughput", "capacity", "utilisation", "disabled", "derate"} <= set(res.node_flows.columns)
    assert res.delivered.index.names == ["commodity", "market"]
    assert res.unserved.index.names == ["commodity", "origin"]
    assert {"element", "kind", "usd_per_unit", "delivered_per_unit"} <= set(res.shadow_prices.columns)
    assert res.emissions.index.name == "mode" and list(res.emissions.columns) == ["tonne_km", "co2_t"]
    s = res.summary()
    assert s["delivered"]["crude"] == pytest.approx(41) and s["scenario"] == "baseline"
    assert "delivered crude 41" in repr(res)


def test_no_supply_is_not_an_error():
    net = diamond(supplies={})
    res = tc.solve(net)
    assert res.total_delivered == {} and res.total_cost == 0 and res.routes.empty


def test_gas_through_a_node_with_an_oil_capacity():
    """A node capacity in Mt/y limits crude only; gas passing through is not counted."""
    net = build_network(
        nodes=[{"id": "a"}, {"id": "port", "capacity": 2.0, "unit": "Mt/y"}, {"id": "m"}],
        links=[{"id": "oil1", "from": "a", "to": "port", "commodities": ["crude"]},
               {"id": "oil2", "from": "port", "to": "m", "commodities": ["crude"]},
               {"id": "gas1", "from": "a", "to": "port", "commodities": ["gas"], "capacity": 9, "unit": "bcm/y"},
               {"id": "gas2", "from": "port", "to": "m", "commodities": ["gas"]}],
        supplies={"crude": {"a": 5}, "gas": {"a": 5}}, markets={"crude": ["m"], "gas": ["m"]},
    )
    res = tc.solve(net, commodity="all")
    assert res.total_delivered == pytest.approx({"crude": 2.0, "gas": 5.0})
    sp = res.shadow_prices.set_index("element")
    assert sp.loc["port", "commodity"] == "crude" and sp.loc["port", "delivered_per_unit"] == pytest.approx(1.0)
    assert res.node_flows.loc[res.node_flows["commodity"] == "crude", "utilisation"]["port"] == pytest.approx(1.0)
