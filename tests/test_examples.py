"""Every example script runs against the bundled data, and every example scenario solves."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

import transcaspian as tc

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SCRIPTS = sorted(EXAMPLES.glob("*.py"))
SCENARIOS = sorted((EXAMPLES / "scenarios").glob("*.yaml"))


def test_examples_exist():
    assert len(SCRIPTS) >= 5
    names = {p.stem for p in SCENARIOS}
    assert {"baseline", "cpc_outage", "cpc_one_mooring", "bypass_russia", "kashagan_to_china", "middle_corridor_minerals"} <= names


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_script_runs(script, capsys):
    runpy.run_path(str(script), run_name="__main__")
    assert capsys.readouterr().out.strip()


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_scenario_solves_and_round_trips(path, net, tmp_path):
    sc = tc.Scenario.from_yaml(path)
    assert sc.description.strip(), "every example explains itself"
    res = tc.solve(net, sc)
    assert sum(res.total_delivered.values()) > 0
    again = tc.Scenario.from_yaml(tmp_path / "x.yaml") if sc.to_yaml(tmp_path / "x.yaml") else None
    assert again == sc


def test_headline_numbers(net):
    """The CPC outage strands Kazakh crude; one mooring strands less; bypassing Russia more."""
    load = lambda name: tc.solve(net, tc.Scenario.from_yaml(EXAMPLES / "scenarios" / f"{name}.yaml"))  # noqa: E731
    base, out, one, bypass = load("baseline"), load("cpc_outage"), load("cpc_one_mooring"), load("bypass_russia")
    kaz = lambda r: sum(v for (c, o), v in r.unserved["unserved"].items() if net.nodes.at[o, "country"] == "KAZ")  # noqa: E731
    assert kaz(base) < 1e-6
    assert kaz(bypass) > kaz(out) > kaz(one) > 0
    assert out.total_delivered["crude"] < one.total_delivered["crude"] < base.total_delivered["crude"]



@pytest.mark.parametrize("name", ["baseline", "cpc_outage", "cpc_one_mooring", "bypass_russia"])
def test_physical_ceiling_equals_networkx_max_flow(net, name):
    """On the real network, what the solver delivers is networkx's maximum flow.

    With every contract lifted and every supply free to reach any crude market, the
    scenario is a single-commodity problem, so the delivered total must equal the
    max-flow value that networkx computes on a graph built independently from the
    GeoDataFrames (node capacities as split nodes, both directions of bidirectional
    links sharing nothing but the test's own construction).
    """
    import networkx as nx

    from netbuild import nx_flow_graph

    sc = tc.Scenario.from_yaml(EXAMPLES / "scenarios" / f"{name}.yaml")
    free = {e["origin"]: {"value": e["value"]} for e in net.baseline["supplies"]["crude"]}
    physical = tc.Scenario.from_dict({**sc.to_dict(), "name": f"{name}_physical", "drop_contracts": ["all"],
                                      "supplies": {"crude": free}})
    res = tc.solve(net, physical, commodity="crude")
    G, s, t = nx_flow_graph(physical.apply(net), "crude")
    assert res.total_delivered["crude"] == pytest.approx(nx.maximum_flow_value(G, s, t), abs=1e-6)
    # contracts and market restrictions only ever lower what the network delivers
    assert tc.solve(net, sc).total_delivered["crude"] <= res.total_delivered["crude"] + 1e-6
