"""Comparisons and criticality on the mini network (hand-checked numbers)."""

from __future__ import annotations

import pytest

import transcaspian as tc


@pytest.fixture(scope="module")
def cut(mini_net):
    return tc.compare(tc.solve(mini_net), tc.solve(mini_net, tc.Scenario(name="cut", disable=["terminal"])))


def test_tables(cut):
    d = cut.delivered
    assert d.loc[("crude", "europe"), ["baseline", "cut", "change"]].tolist() == pytest.approx([35, 5, -30], abs=1e-6)
    assert d.loc[("crude", "china"), "change"] == 0
    u = cut.unserved
    assert u.loc[("crude", "field_a"), ["baseline", "cut"]].tolist() == pytest.approx([4, 29], abs=1e-6)
    links = cut.links
    assert list(links["link"][:2]) == ["hub_terminal", "terminal_europe"]  # |change| 30, ties by id
    assert (links["change"].abs().diff().dropna() <= 1e-9).all()  # sorted by |change|
    assert links.set_index("link").loc["hub_terminal", "cut"] == 0
    uc = cut.unit_cost.loc["crude"]
    assert uc["baseline"] == pytest.approx(1732.5 / 41, rel=1e-6) and uc["cut"] == pytest.approx(565 / 11, rel=1e-6)
    assert cut.total_cost["change"] == pytest.approx(-1167.5e6, rel=1e-6)


def test_lines_are_built_from_the_data(cut):
    text = "\n".join(cut.lines)
    assert cut.lines[0] == "Sea Terminal (terminal) is disabled."
    assert "Delivered crude falls from 41.00 to 11.00 Mt/y (-30.00)." in text
    assert "34.00 Mt/y of Kazakh crude is stranded, up from 4.00 (Field A 29.00, Field B 5.00)." in text
    assert "Deliveries of crude to Europe fall from 35.00 to 5.00 Mt/y." in text
    assert "Transport cost of delivered crude rises from 42.26 to 51.36 USD/t" in text


def test_str_renders_everything(cut):
    s = str(cut)
    for part in ("baseline -> cut", "Delivered by market", "Unserved (stranded) by origin",
                 "Links that gained or lost flow", "Unit cost", "Total transport cost"):
        assert part in s
    d = cut.to_dict()
    assert d["other"] == "cut" and d["lines"] == cut.lines and d["delivered"][0]["market"] == "europe"


def test_derate_and_rise_sentences(mini_net):
    base = tc.solve(mini_net)
    half = tc.solve(mini_net, tc.Scenario(name="half", derate={"terminal": 0.5}, disable=["hub_gate"]))
    cmp = tc.compare(base, half)
    text = "\n".join(cmp.lines)
    assert "Sea Terminal (terminal) runs at 50% of capacity (15.00 Mt/y)." in text
    assert "Hub Gate (hub_gate) is disabled." in text
    same = tc.compare(base, tc.solve(mini_net))
    assert same.lines == ["Nothing changes: same deliveries, same flows, same cost."]
    assert same.links.empty


def test_criticality_ranks_by_loss_then_cost(mini_net):
    crit = tc.criticality(mini_net, commodity="crude", elements="nodes")
    # markets are demand proxies: left out unless asked for
    assert crit.index.tolist()[:2] == ["hub", "terminal"] and "europe" not in crit.index
    assert tc.criticality(mini_net, candidates=["europe"]).loc["europe", "lost"] > 0
    assert crit.loc["hub", "lost"] == pytest.approx(36) and crit.loc["hub", "rank"] == 1
    assert crit.loc["terminal", "lost_share"] == pytest.approx(30 / 45)
    # origins (fields stranding their own supply) are ranked apart, after transit infrastructure
    assert crit.loc[["field_a", "field_b"], "role"].eq("origin").all() and crit.loc["hub", "role"] == "transit"
    for _, part in crit.groupby("role", sort=False):
        assert (part["lost_share"].diff().dropna() <= 1e-9).all() and part["rank"].tolist() == list(range(1, len(part) + 1))
    links = tc.criticality(mini_net, elements="links")
    # hub_terminal and terminal_europe lose the same 30: hub_terminal first by cost change, then id
    assert links.index.tolist()[:2] == ["hub_terminal", "terminal_europe"]
    assert links.loc["hub_port", "lost"] == 0 and links.loc["hub_port", "cost_change"] > 0
    few = tc.criticality(mini_net, elements="links", candidates=["A Port"])
    assert few.index.tolist() == ["a_port"]
    with pytest.raises(ValueError, match="elements"):
        tc.criticality(mini_net, elements="ports")
