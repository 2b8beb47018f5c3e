"""Scenarios: YAML round trip, extends, validation messages, and apply() never mutating."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from geopandas.testing import assert_geodataframe_equal

import transcaspian as tc
from transcaspian.scenario import Scenario


def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_yaml_round_trip(tmp_path):
    sc = Scenario(
        name="full", description="every field", as_of=dt.date(2025, 12, 1), disable=("terminal",),
        derate={"hub_terminal": 0.5}, avoid_countries=("CHN",), markets={"crude": ["europe"]},
        supplies={"crude": {"field_a": {"value": 10.0, "markets": ["europe"]}}},
        add_links=({"id": "new", "from": "field_b", "to": "port_w", "mode": "rail", "commodities": ["crude"],
                    "capacity": 2.0, "cost": 9.0, "time_days": 3.0},),
        objective="time", commodity="crude",
    )
    p = tmp_path / "full.yaml"
    text = sc.to_yaml(p)
    assert p.read_text(encoding="utf-8") == text
    back = Scenario.from_yaml(p)
    assert back == sc and back.source == p


def test_extends_merges_relative_to_file(tmp_path):
    (tmp_path / "sub").mkdir()
    write(tmp_path, "parent.yaml", "name: parent\ndescription: p\ndisable: [terminal]\nderate: {hub_port: 0.5, a_port: 0.2}\nobjective: time\n")
    child = write(tmp_path / "sub", "child.yaml", "name: child\nextends: ../parent.yaml\ndisable: [hub_gate]\nderate: {a_port: 0.9}\n")
    with pytest.raises(tc.ScenarioError, match="outside the scenario's folder"):  # ../ needs the flag (issue 12)
        Scenario.from_yaml(child)
    sc = Scenario.from_yaml(child, allow_outside=True)
    assert sc.name == "child" and sc.description == ""
    assert sc.disable == ("terminal", "hub_gate")
    assert dict(sc.derate) == {"hub_port": 0.5, "a_port": 0.9}
    assert sc.objective == "time"


def test_extends_cycle_and_missing_file(tmp_path):
    write(tmp_path, "a.yaml", "extends: b.yaml\n")
    write(tmp_path, "b.yaml", "extends: a.yaml\n")
    with pytest.raises(tc.ScenarioError, match="circular"):
        Scenario.from_yaml(tmp_path / "a.yaml")
    with pytest.raises(tc.ScenarioError, match="not found"):
        Scenario.from_yaml(tmp_path / "nope.yaml")


def test_bad_fields_reported_with_file_field_and_fix(tmp_path):
    p = write(tmp_path, "bad.yaml", "name: bad\ndisabel: [terminal]\n")
    with pytest.raises(tc.ScenarioError) as err:
        Scenario.from_yaml(p)
    msg = str(err.value)
    assert str(p) in msg and "disabel" in msg and "did you mean 'disable'" in msg
    p = write(tmp_path, "bad2.yaml", "name: bad\nderate: {terminal: 1.5, hub: low}\nobjective: fastest\n")
    with pytest.raises(tc.ScenarioError) as err:
        Scenario.from_yaml(p)
    msg = str(err.value)
    assert "3 problem(s)" in msg and "derate.terminal" in msg and "0-1" in msg and "fix:" in msg
    assert "derate.hub" in msg and "objective" in msg
    with pytest.raises(tc.ScenarioError, match="as_of"):
        Scenario.from_dict({"as_of": "yesterday"})
    assert isinstance(tc.ScenarioError("x"), ValueError)


def test_unknown_id_names_file_and_close_matches(tmp_path, mini_net):
    p = write(tmp_path, "typo.yaml", "name: typo\ndisable: [termnal]\n")
    with pytest.raises(tc.ScenarioError) as err:
        Scenario.from_yaml(p).apply(mini_net)
    msg = str(err.value)
    assert str(p) in msg and "disable[0]" in msg and "termnal" in msg and "terminal" in msg


def test_apply_never_mutates_input(mini_net):
    nodes, links = mini_net.nodes.copy(deep=True), mini_net.links.copy(deep=True)
    baseline = copy.deepcopy(dict(mini_net.baseline))
    sc = Scenario(
        name="all", disable=("terminal",), derate={"a_port": 0.5}, avoid_countries=("CHN",),
        markets={"crude": {"europe": 10}}, supplies={"crude": {"field_b": 1.0}}, as_of=dt.date(2025, 12, 31),
        add_links=({"id": "x", "from": "field_b", "to": "europe", "mode": "rail", "commodities": ["crude"]},),
    )
    out = sc.apply(mini_net)
    assert_geodataframe_equal(mini_net.nodes, nodes)
    assert_geodataframe_equal(mini_net.links, links)
    assert dict(mini_net.baseline) == baseline and mini_net.applied == ()
    assert out is not mini_net and out.nodes.at["terminal", "disabled"]
    assert out.applied == ("terminal_strike", "scenario:all")


def test_avoid_countries_disables_nodes_and_their_links(mini_net):
    out = Scenario(name="no rus", avoid_countries=("rus",)).apply(mini_net)
    assert out.nodes.at["terminal", "disabled"]
    assert out.links.at["hub_terminal", "disabled"] and out.links.at["terminal_europe", "disabled"]
    assert not out.links.at["a_hub", "disabled"]
    res = tc.solve(mini_net, Scenario(name="no rus", avoid_countries=("RUS",)))
    assert res.total_delivered["crude"] == pytest.approx(11)


def test_markets_overall_and_per_commodity(mini_net):
    china = tc.solve(mini_net, Scenario.from_dict({"name": "east", "markets": ["China"]}))
    assert china.total_delivered["crude"] == pytest.approx(6)
    capped = tc.solve(mini_net, Scenario.from_dict({"name": "cap", "markets": {"crude": {"europe": 10, "china": None}}}))
    assert capped.delivered.loc[("crude", "europe"), "volume"] == pytest.approx(10)


def test_supplies_override_and_restriction(mini_net):
    sc = Scenario.from_dict({"name": "s", "supplies": {"crude": {"Field A": 5, "field_b": {"value": 10, "markets": ["china"]}}}})
    out = sc.apply(mini_net)
    entries = {e["origin"]: e for e in out.baseline["supplies"]["crude"]}
    assert entries["field_a"]["value"] == 5 and entries["field_b"]["markets"] == ["china"]
    res = tc.solve(mini_net, sc)
    assert res.unserved.loc[("crude", "field_b"), "delivered"] == pytest.approx(6)  # hub_gate
    assert set(res.routes.loc[res.routes["origin"] == "field_b", "market"]) == {"china"}


def test_add_links_by_id_and_by_definition(mini_net):
    planned = mini_net.replace(links=mini_net.links.assign(status=lambda d: d["status"].where(d.index != "hub_gate", "planned")))
    assert tc.solve(planned).delivered.loc[("crude", "china"), "volume"] == 0
    on = Scenario(name="on", add_links=("hub_gate",)).apply(planned)
    assert on.links.at["hub_gate", "status"] == "operating"
    sc = Scenario.from_dict({"name": "new", "add_links": [
        {"id": "b_china", "from": "field_b", "to": "China", "mode": "rail", "commodities": "crude",
         "capacity": 3, "cost": 20, "time_days": 9}]})
    out = sc.apply(mini_net)
    row = out.links.loc["b_china"]
    assert row["from_node"] == "field_b" and row["to_node"] == "china" and row["unit"] == "Mt/y"
    assert row.geometry.geom_type == "LineString" and row["length_km"] > 2000
    assert out.resolve("b_china") == "b_china"
    res = tc.solve(mini_net, sc)
    assert res.flows.loc["b_china", "flow"] == pytest.approx(3)
    with pytest.raises(tc.ScenarioError, match=r"add_links\[0\].mode"):
        Scenario.from_dict({"add_links": [{"id": "z", "from": "hub", "to": "china", "mode": "teleport", "commodities": ["crude"]}]}).apply(mini_net)


def test_as_of(mini_net, mini_path):
    sc = Scenario.from_dict({"name": "dec", "as_of": "2025-12"})
    assert sc.as_of == dt.date(2025, 12, 31)
    assert sc.apply(mini_net).effective_capacity("terminal") == 15.0
    later = tc.load_network(mini_path, as_of="2026-01-01")
    with pytest.raises(tc.ScenarioError, match="already has events"):
        Scenario(name="early", as_of=dt.date(2025, 1, 1)).apply(later)


def test_solve_uses_scenario_defaults(mini_net):
    sc = Scenario(name="t", objective="time", commodity="crude")
    assert tc.solve(mini_net, sc).objective == "time"
    assert tc.solve(mini_net, sc, objective="cost").objective == "cost"


def test_supply_restriction_keeps_baseline_volume(mini_net):
    sc = Scenario.from_dict({"name": "east", "supplies": {"crude": {"field_a": {"markets": ["china"]}}}})
    entry = next(e for e in sc.apply(mini_net).baseline["supplies"]["crude"] if e["origin"] == "field_a")
    assert entry["value"] == 30.0 and entry["markets"] == ["china"]
    res = tc.solve(mini_net, sc)
    assert set(res.routes.loc[res.routes["origin"] == "field_a", "market"]) == {"china"}


def test_overall_market_restriction_narrows_restricted_supplies(mini_net):
    sc = Scenario.from_dict({"name": "s", "supplies": {"crude": {"field_b": {"markets": ["europe", "china"]}}},
                             "markets": {"crude": ["china"]}})
    res = tc.solve(mini_net, sc)
    assert set(res.routes["market"]) == {"china"}
    assert res.total_delivered["crude"] == pytest.approx(6)


def test_drop_contracts_all_by_link_and_by_label(net):
    base = net.baseline["contracts"]
    on_link = [c for c in base if c.get("link") == "aktau_baku_tanker"]
    assert len(on_link) >= 2
    assert tc.Scenario(name="x", drop_contracts=("all",)).apply(net).baseline["contracts"] == []
    by_link = tc.Scenario(name="x", drop_contracts=("aktau_baku_tanker",)).apply(net).baseline["contracts"]
    assert len(by_link) == len(base) - len(on_link)
    one = tc.Scenario(name="x", drop_contracts=("aktau_baku_tanker:crude@tengiz",)).apply(net).baseline["contracts"]
    assert len(one) == len(base) - 1
    assert not any(c.get("link") == "aktau_baku_tanker" and c.get("origin") == "tengiz" for c in one)
    assert net.baseline["contracts"] == base  # the input is untouched


def test_drop_contracts_errors_name_field_and_close_matches(net):
    with pytest.raises(tc.ScenarioError, match=r"drop_contracts\[0\].*close matches: aktau_baku_tanker:crude@tengiz"):
        tc.Scenario(name="x", drop_contracts=("aktau_baku_tanker:crude@tengis",)).apply(net)
    with pytest.raises(tc.ScenarioError, match=r"drop_contracts\[0\].*has no contract"):
        tc.Scenario(name="x", drop_contracts=("btc",)).apply(net)
    with pytest.raises(tc.ScenarioError, match=r"drop_contracts\[0\]"):
        tc.Scenario(name="x", drop_contracts=("no_such_link",)).apply(net)


def test_compare_names_lifted_contracts(net):
    out = tc.solve(net, tc.Scenario(name="cut", disable=("novorossiysk_cpc_terminal",)))
    free = tc.solve(net, tc.Scenario(name="free", disable=("novorossiysk_cpc_terminal",), drop_contracts=("atyrau_samara",)))
    text = str(tc.compare(out, free))
    # by link: every contract on atyrau_samara, the Transneft group quota over it included
    assert ("2 contract(s) of the base case are lifted "
            "(atyrau_samara:crude@uzen, transneft_quota:crude)") in text
    assert free.total_delivered["crude"] > out.total_delivered["crude"]


def test_every_field_check_reports_in_field_order():
    with pytest.raises(tc.ScenarioError) as err:
        Scenario(
            name="", disable=(1,), derate={"a": 2}, drop_contracts=(3,), avoid_countries=("RU",),
            markets={"milk": ["a"], "crude": {"a": -1}, "gas": 4}, supplies={"milk": {}, "gas": 4, "crude": {"a": -1}},
            add_links=(3,), objective="fast", commodity=["milk"],
        )
    assert str(err.value) == "\n".join([
        "scenario '': 14 problem(s):",
        "  - name: missing name (fix: give the scenario a short name)",
        "  - disable[0]: 1 is not an id (fix: list node or link ids)",
        "  - derate.a: factor 2 is not within 0-1 "
        "(fix: give the remaining share of capacity, e.g. 0.6 for 60%; use disable for 0)",
        "  - drop_contracts[0]: 3 is not a link id or contract label (fix: write 'all', a link id or link:commodity[@origin])",
        "  - avoid_countries[0]: 'RU' is not an ISO 3166-1 alpha-3 country code (fix: did you mean RUS (Russian Federation)?)",
        "  - markets.milk: unknown commodity 'milk' (fix: use crude, gas, containers, rare_earths, uranium)",
        "  - markets.crude.a: cap -1 is not a volume >= 0 (fix: give the cap in the commodity's unit, or null)",
        "  - markets.gas: not a list of market ids (fix: write a list of node ids)",
        "  - supplies.milk: unknown commodity 'milk' (fix: use crude, gas, containers, rare_earths, uranium)",
        "  - supplies.gas: not a mapping (fix: write {origin: value})",
        "  - supplies.crude.a: -1 is not a volume >= 0 (fix: give the supply in Mt/y)",
        "  - add_links[0]: 3 is neither a link id nor a link definition (fix: give an id or {id, from, to, mode, ...})",
        "  - objective: unknown objective 'fast' (fix: use one of cost, time, emissions)",
        "  - commodity: unknown commodity 'milk' (fix: use crude, gas, containers, rare_earths, uranium or all)",
    ])


def test_new_link_definition_problems(mini_net):
    bad = {"id": "hub", "from": "hubb", "mode": "boat", "commodities": "milk", "capacity": -1, "cost": "x", "time_days": -2}
    with pytest.raises(tc.ScenarioError) as err:
        Scenario(name="x", add_links=(bad,)).apply(mini_net)
    assert str(err.value) == "\n".join([
        "scenario 'x': 8 problem(s):",
        "  - add_links[0].id: id 'hub' already exists (fix: use a new id, or give just the id to switch on a planned link)",
        f"  - add_links[0].from: no node named 'hubb' in {mini_net.path}; did you mean hub? "
        "(fix: use an id or alias from `transcaspian validate --list`)",
        "  - add_links[0].to: missing end node (fix: give to: <node id>)",
        "  - add_links[0].mode: mode 'boat' unknown (fix: use one of pipeline, tanker, ferry, rail, road)",
        "  - add_links[0].commodities: ['milk'] is not a list of known commodities "
        "(fix: use crude, gas, containers, rare_earths, uranium)",
        "  - add_links[0].capacity: -1 is not a capacity >= 0 (fix: give a number in the unit, or null for uncapacitated)",
        "  - add_links[0].cost: 'x' is not a cost per commodity (fix: write cost: 12.0 or cost: {crude: 12.0})",
        "  - add_links[0].time_days: -2 is not a duration >= 0 (fix: give days)",
    ])
