"""find_routes against brute-force enumeration, and its rules on the mini network."""

from __future__ import annotations

import itertools
import math

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import transcaspian as tc
from netbuild import build_network, random_networks
from transcaspian.routes import WEIGHTS, routes_frame


def brute_force(net, origin, dest, commodity, weight, k):
    """Every simple path over every choice of parallel link, best link per hop, sorted."""
    attr = WEIGHTS[weight]
    M = nx.MultiDiGraph()
    for lid, r in net.links.iterrows():
        ends_ok = all(not net.nodes.at[n, "disabled"] and net.nodes.at[n, "status"] == "operating"
                      for n in (r["from_node"], r["to_node"]))
        cap = r["capacity"] * r["derate"]
        if r["disabled"] or r["status"] != "operating" or commodity not in r["commodities"] or not ends_ok or cap == 0:
            continue
        w = r["cost"][commodity] if attr == "cost" else r[attr]
        M.add_edge(r["from_node"], r["to_node"], key=lid, w=w)
        if r["bidirectional"]:
            M.add_edge(r["to_node"], r["from_node"], key=lid, w=w)
    for nid, r in net.nodes.iterrows():
        cap = r["capacity"] * r["derate"]
        if (not math.isnan(cap) and cap == 0) and nid in M:
            M.remove_node(nid)
    if origin not in M or dest not in M:
        return []
    out = []
    for path in nx.all_simple_paths(nx.DiGraph(M), origin, dest):
        total = sum(min(d["w"] for d in M.get_edge_data(u, v).values()) for u, v in itertools.pairwise(path))
        out.append((round(total, 9), len(path), tuple(path)))
    return sorted(out)[:k]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_networks(max_nodes=6, max_links=12), st.sampled_from(["cost", "time", "distance"]), st.integers(1, 5), st.data())
def test_k_best_equal_brute_force(net, weight, k, data):
    o = data.draw(st.sampled_from(list(net.nodes.index)))
    d = data.draw(st.sampled_from([n for n in net.nodes.index if n != o]))
    got = tc.find_routes(net, o, d, commodity="crude", k=k, weight=weight)
    want = brute_force(net, o, d, "crude", weight, k)
    assert [r.path for r in got] == [p for _, _, p in want]
    assert [round(r.total, 9) for r in got] == [t for t, _, _ in want]


def test_routes_on_mini(mini_net):
    routes = tc.find_routes(mini_net, "Field A", "europe", commodity="crude", k=3)
    assert [r.links for r in routes] == [
        ("a_hub", "hub_terminal", "terminal_europe"),
        ("a_hub", "hub_port", "port_europe"),
        ("a_port", "port_europe"),
    ]
    best = routes[0]
    assert best.cost == 39.0 and best.time_days == 17.0 and best.modes == ("pipeline", "pipeline", "tanker")
    assert best.countries == ("KAZ", "RUS", "ITA")
    assert best.bottleneck == 30.0  # the terminal's node capacity
    assert best.distance_km == pytest.approx(159.9 + 1139.6 + 1867.4)
    assert routes[1].bottleneck == 4.0 and routes[2].bottleneck == 5.0
    assert "bottleneck 30 Mt/y" in str(best) and best.cost_unit == "USD/t"


def test_bidirectional_link_used_backwards(mini_net):
    paths = [r.path for r in tc.find_routes(mini_net, "field_a", "europe", commodity="crude", k=10)]
    assert ("field_a", "port_w", "hub", "terminal", "europe") in paths


def test_avoid_countries_and_nodes(mini_net):
    no_rus = tc.find_routes(mini_net, "field_a", "europe", commodity="crude", avoid_countries=["rus"])
    assert all("RUS" not in r.countries for r in no_rus) and len(no_rus) == 2
    no_hub = tc.find_routes(mini_net, "field_a", "europe", commodity="crude", avoid_nodes=["Хаб"])
    assert [r.path for r in no_hub] == [("field_a", "port_w", "europe")]


def test_disabled_derated_and_other_commodity(mini_net):
    off = tc.Scenario(name="x", disable=["terminal"], derate={"hub_port": 0.0}).apply(mini_net)
    assert [r.path for r in tc.find_routes(off, "field_a", "europe", commodity="crude")] == [("field_a", "port_w", "europe")]
    half = tc.Scenario(name="y", derate={"terminal": 0.5}).apply(mini_net)
    assert tc.find_routes(half, "field_a", "europe", commodity="crude", k=1)[0].bottleneck == 15.0
    assert tc.find_routes(mini_net, "field_a", "europe", commodity="gas") == []


def test_weights_and_errors(mini_net):
    fast = tc.find_routes(mini_net, "field_a", "europe", commodity="crude", k=1, weight="time")[0]
    assert fast.time_days == 17.0
    short = tc.find_routes(mini_net, "field_a", "europe", commodity="crude", k=1, weight="distance")[0]
    assert short.path == ("field_a", "hub", "terminal", "europe")
    with pytest.raises(tc.UnknownElementError, match="terminal"):
        tc.find_routes(mini_net, "field_a", "termnal", commodity="crude")
    with pytest.raises(ValueError, match="weight"):
        tc.find_routes(mini_net, "field_a", "europe", commodity="crude", weight="beauty")
    with pytest.raises(ValueError, match="k must"):
        tc.find_routes(mini_net, "field_a", "europe", commodity="crude", k=0)


def test_parallel_links_best_one_and_ties():
    net = build_network(
        nodes=[{"id": "a"}, {"id": "b"}, {"id": "c"}],
        links=[{"id": "ab2", "from": "a", "to": "b", "cost": 3}, {"id": "ab1", "from": "a", "to": "b", "cost": 3},
               {"id": "ab3", "from": "a", "to": "b", "cost": 5},
               {"id": "bc", "from": "b", "to": "c", "cost": 1}, {"id": "ac", "from": "a", "to": "c", "cost": 4}],
    )
    routes = tc.find_routes(net, "a", "c", commodity="crude", k=2)
    # tie at 4: fewer links first; between equal parallel links, the smaller id
    assert [r.links for r in routes] == [("ac",), ("ab1", "bc")]
    df = routes_frame(routes)
    assert df["rank"].tolist() == [1, 2] and df["cost"].tolist() == [4.0, 4.0]
    assert routes[0].to_dict()["path"] == ["a", "c"]
