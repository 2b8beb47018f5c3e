"""Group contracts, link emission factors and transit countries (issue 8, part B needs)."""

from __future__ import annotations

import pytest

import transcaspian as tc
from netbuild import build_network


def _two_routes(contracts=(), transit=None, ef=None):
    net = build_network(
        [{"id": "f"}, {"id": "g"}, {"id": "a"}, {"id": "b"}, {"id": "m"}],
        [{"id": "f_a", "from": "f", "to": "a", "capacity": None, "cost": 1},
         {"id": "g_b", "from": "g", "to": "b", "capacity": None, "cost": 1},
         {"id": "a_m", "from": "a", "to": "m", "capacity": 10.0, "cost": 1, "length_km": 1000.0},
         {"id": "b_m", "from": "b", "to": "m", "capacity": 10.0, "cost": 1}],
        supplies={"crude": {"f": 10.0, "g": 10.0}}, markets={"crude": ["m"]}, contracts=contracts,
    )
    links = net.links.copy()
    if transit is not None:
        links["transit_countries"] = [transit if lid == "a_m" else [] for lid in links.index]
    if ef is not None:
        links["emission_factor"] = [ef if lid == "a_m" else float("nan") for lid in links.index]
    return net.replace(links=links)


def test_a_group_contract_bounds_the_sum_over_its_links():
    free = tc.solve(_two_routes())
    assert free.total_delivered["crude"] == pytest.approx(20)
    net = _two_routes([{"name": "quota", "links": ["a_m", "b_m"], "commodity": "crude", "max_flow": 12.0}])
    res = tc.solve(net)
    assert res.total_delivered["crude"] == pytest.approx(12)
    row = res.contracts.iloc[0]
    assert row["link"] == "a_m+b_m" and row["flow"] == pytest.approx(12)
    assert "quota:crude" in res.summary()["saturated"] or row["flow"] == pytest.approx(row["max_flow"])


def test_a_group_contract_counts_only_its_origins():
    net = _two_routes([{"links": ["a_m", "b_m"], "origins": ["f"], "commodity": "crude", "max_flow": 4.0}])
    res = tc.solve(net)
    # f's crude is held to 4; g's is not counted and fills its own route
    assert res.unserved.loc[("crude", "f"), "delivered"] == pytest.approx(4)
    assert res.unserved.loc[("crude", "g"), "delivered"] == pytest.approx(10)


def test_a_group_min_flow_is_met_over_the_group():
    net = _two_routes([{"links": ["a_m", "b_m"], "commodity": "crude", "min_flow": 15.0, "max_flow": 15.0}])
    res = tc.solve(net)
    assert res.total_delivered["crude"] == pytest.approx(15)
    assert res.contracts.iloc[0]["status"] == "met"


def test_drop_contracts_by_a_link_of_a_group_lifts_the_group():
    net = _two_routes([{"name": "quota", "links": ["a_m", "b_m"], "commodity": "crude", "max_flow": 12.0}])
    res = tc.solve(net, tc.Scenario(name="free", drop_contracts=("b_m",)))
    assert res.total_delivered["crude"] == pytest.approx(20)
    res = tc.solve(net, tc.Scenario(name="free", drop_contracts=("quota:crude",)))
    assert res.total_delivered["crude"] == pytest.approx(20)


def test_group_contract_entries_are_validated(tmp_path, mini_path):
    import shutil

    folder = tmp_path / "net"
    shutil.copytree(mini_path, folder)
    text = (folder / "baseline.yaml").read_text(encoding="utf-8")
    bad = text.replace("contracts: []", "contracts:\n  - links: [hub_terminal, no_such_link]\n    origins: [nowhere]\n"
                       "    commodity: crude\n    max_flow: 3\n    confidence: estimate\n    note: test\n", 1)
    assert bad != text
    (folder / "baseline.yaml").write_text(bad, encoding="utf-8")
    report = tc.validate_network(folder)
    msgs = [(p.field, p.message) for p in report.problems]
    assert ("links", "unknown link 'no_such_link'") in msgs
    assert ("origins", "unknown origin 'nowhere'") in msgs


def test_avoid_countries_keeps_flow_off_links_crossing_them():
    net = _two_routes(transit=["BLR"])
    sc = tc.Scenario.from_dict({"name": "no_blr", "supplies": {"crude": {"f": {"avoid_countries": ["BLR"]}}}})
    res = tc.solve(net, sc)
    assert res.flows.loc["a_m", "flow"] == pytest.approx(0)
    assert res.unserved.loc[("crude", "f"), "unserved"] == pytest.approx(10)
    res = tc.solve(net, tc.Scenario(name="no_blr", avoid_countries=("BLR",)))
    assert bool(res.flows.loc["a_m", "disabled"])
    routes = tc.find_routes(net, "f", "m", commodity="crude", avoid_countries=["BLR"])
    assert routes == []


def test_a_link_emission_factor_overrides_its_mode():
    base = tc.solve(_two_routes())
    own = tc.solve(_two_routes(ef=40.0))
    # a_m: 10 Mt over 1,000 km = 1e10 tkm; 40 g instead of the pipeline's default
    assert own.flows.loc["a_m", "co2_t"] == pytest.approx(10e6 * 1000 * 40 / 1e6)
    assert own.co2_t > base.co2_t
