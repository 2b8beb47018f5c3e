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
