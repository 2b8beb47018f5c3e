"""Allocation between shippers (issue 8, A10): pro_rata is max-min fair, then cheapest."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import transcaspian as tc
from netbuild import build_network


def _shared(s1, s2, s3, cap, private):
    """Three fields behind one export link of capacity ``cap``; field c may also use a private line."""
    links = [
        {"id": "a_j", "from": "a", "to": "j", "capacity": None, "cost": 1},
        {"id": "b_j", "from": "b", "to": "j", "capacity": None, "cost": 5},
        {"id": "c_j", "from": "c", "to": "j", "capacity": None, "cost": 9},
        {"id": "j_m", "from": "j", "to": "m", "capacity": cap, "cost": 1},
        {"id": "c_m", "from": "c", "to": "m", "capacity": private, "cost": 20},
    ]
    return build_network([{"id": i} for i in "abcjm"], links, supplies={"crude": {"a": s1, "b": s2, "c": s3}},
                         markets={"crude": ["m"]})


def _brute_force_shares(s, cap, private):
    """Max-min fair shares of this topology, worked by hand.

    Raise one share t for all three fields. Field c's volume uses its private line first,
    so the shared link carries t*s1 + t*s2 + max(0, t*s3 - private) <= cap.
    - If c fits on its private line at the a/b level (t_ab * s3 <= private, t_ab = cap/(s1+s2)),
      a and b are blocked at t_ab and c rises alone to min(1, private/s3).
    - Otherwise all three share: t = (cap + private) / (s1 + s2 + s3).
    """
    s1, s2, s3 = s
    t_ab = min(1.0, cap / (s1 + s2))
    if t_ab * s3 <= private:
        return [t_ab, t_ab, min(1.0, private / s3)]
    t = min(1.0, (cap + private) / (s1 + s2 + s3))
    return [t, t, t]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.tuples(st.integers(1, 30), st.integers(1, 30), st.integers(1, 30)), st.integers(1, 40), st.integers(0, 20))
def test_pro_rata_shares_are_max_min_fair(supplies, cap, private):
    s = [float(v) for v in supplies]
    res = tc.solve(_shared(*s, float(cap), float(private)), allocation="pro_rata")
    got = [res.unserved.loc[("crude", o), "delivered"] / v for o, v in zip("abc", s)]
    want = _brute_force_shares(s, float(cap), float(private))
    assert got == pytest.approx(want, abs=1e-6)
    # max-min fair and efficient here: as much delivered as max-flow
    assert res.total_delivered["crude"] == pytest.approx(min(sum(s), cap + min(private, s[2])), abs=1e-6)


def test_cost_and_pro_rata_strand_different_origins():
    net = _shared(20.0, 20.0, 20.0, 30.0, 0.0)
    by_cost = tc.solve(net)
    fair = tc.solve(net, allocation="pro_rata")
    assert by_cost.total_delivered["crude"] == pytest.approx(30) == fair.total_delivered["crude"]
    # by cost, the dearest field (c) is stranded whole; pro rata every field gets half
    assert by_cost.unserved.loc[("crude", "c"), "delivered"] == pytest.approx(0)
    for o in "abc":
        assert fair.unserved.loc[("crude", o), "delivered"] == pytest.approx(10)
    assert fair.total_cost > by_cost.total_cost
    assert fair.meta["served_share"] == pytest.approx({"crude@a": 0.5, "crude@b": 0.5, "crude@c": 0.5})


def test_allocation_from_the_scenario_and_its_checks():
    net = _shared(20.0, 20.0, 20.0, 30.0, 0.0)
    res = tc.solve(net, tc.Scenario.from_dict({"name": "fair", "allocation": "pro_rata"}))
    assert res.meta["allocation"] == "pro_rata"
    with pytest.raises(tc.ScenarioError, match="allocation.*pro_rata"):
        tc.Scenario.from_dict({"name": "x", "allocation": "prorata"})
    with pytest.raises(tc.ScenarioError, match="allocation"):
        tc.solve(net, allocation="fair")


def test_compare_refuses_two_allocation_rules():
    net = _shared(20.0, 20.0, 20.0, 30.0, 0.0)
    with pytest.raises(tc.ComparisonError, match="allocation"):
        tc.compare(tc.solve(net), tc.solve(net, allocation="pro_rata"))


def test_pro_rata_on_the_cpc_outage_serves_every_cpc_shipper_alike(net):
    out = tc.Scenario.from_yaml("cpc_outage")
    fair = tc.solve(net, out, commodity="crude", allocation="pro_rata")
    shares = fair.meta["served_share"]
    cpc = [shares[f"crude@{o}"] for o in ("tengiz", "kashagan", "karachaganak")]
    # every field behind the closed terminal is served the same share, none stranded whole
    assert max(cpc) - min(cpc) < 1e-6 and 0 < cpc[0] < 1
    by_cost = tc.solve(net, out, commodity="crude")
    assert fair.total_delivered["crude"] <= by_cost.total_delivered["crude"] + 1e-6


def test_the_readme_outage_table_is_what_the_model_says(net):
    """README's outage paragraph is recomputed under both rules: every figure there matches a solve."""
    import re
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    rows = {m.group(1): (float(m.group(2)), float(m.group(3)))
            for m in re.finditer(r"^\| ([^|]+?) \| ([\d.]+) \| ([\d.]+) \|$", text, flags=re.M)}
    out = tc.Scenario.from_yaml("cpc_outage")
    runs = [tc.solve(net, out, commodity="crude", allocation=a) for a in ("cost", "pro_rata")]
    names = {"Tengiz": "tengiz", "Kashagan": "kashagan", "Karachaganak": "karachaganak",
             "Russian CPC crude (Komsomolskaya)": "komsomolskaya", "Atyrau-region producers": "atyrau",
             "Mangystau (Uzen)": "uzen"}
    for label, origin in names.items():
        for want, res in zip(rows[label], runs):
            assert res.unserved.loc[("crude", origin), "unserved"] == pytest.approx(want, abs=0.006), (label, want)
    for want, res in zip(rows["total"], runs):
        assert res.total_unserved["crude"] == pytest.approx(want, abs=0.006)
