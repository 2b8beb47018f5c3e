"""find_routes where totals tie (integer costs on grids), and its cached route arcs."""

from __future__ import annotations

import itertools
import math

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import transcaspian as tc
from netbuild import build_network
from test_routes import brute_force
from transcaspian import routes
from transcaspian.routes import route_graph


def tied_grid(rows: int, cols: int, costs: list[int], *, diagonal: bool = True, both: list[bool] | None = None):
    nid = lambda r, c: f"n{r}_{c}"  # noqa: E731
    nodes = [{"id": nid(r, c)} for r in range(rows) for c in range(cols)]
    links = []
    steps = ((0, 1), (1, 0), (1, 1)) if diagonal else ((0, 1), (1, 0))
    for r, c, (dr, dc) in itertools.product(range(rows), range(cols), steps):
        if r + dr < rows and c + dc < cols:
            i = len(links)
            links.append({"id": f"l{i:03d}", "from": nid(r, c), "to": nid(r + dr, c + dc), "cost": costs[i % len(costs)],
                          "time_days": 1 + i % 2, "length_km": 10.0, "bidirectional": bool(both and both[i % len(both)])})
    return build_network(nodes, links)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(2, 3), st.integers(2, 4), st.lists(st.integers(0, 2), min_size=1, max_size=7),
       st.lists(st.booleans(), min_size=1, max_size=5), st.sampled_from(["cost", "time"]), st.integers(1, 8))
def test_tied_grids_equal_brute_force(rows, cols, costs, both, weight, k):
    net = tied_grid(rows, cols, costs, both=both)
    o, d = "n0_0", f"n{rows - 1}_{cols - 1}"
    got = tc.find_routes(net, o, d, commodity="crude", k=k, weight=weight)
    want = brute_force(net, o, d, "crude", weight, k)
    assert [r.path for r in got] == [p for _, _, p in want]
    back = tc.find_routes(net, d, o, commodity="crude", k=k, weight=weight)
    assert [r.path for r in back] == [p for _, _, p in brute_force(net, d, o, "crude", weight, k)]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(2, 3), st.integers(2, 4), st.lists(st.sampled_from([0.1, 0.2, 0.3, 0.7, 1.1]), min_size=1, max_size=7),
       st.lists(st.booleans(), min_size=1, max_size=5), st.integers(1, 8))
def test_decimal_costs_tie_to_1e_9_like_brute_force(rows, cols, costs, both, k):
    # 0.1 + 0.2 != 0.3 in floating point: totals equal to 1e-9 are ties all the same
    net = tied_grid(rows, cols, costs, both=both)
    o, d = "n0_0", f"n{rows - 1}_{cols - 1}"
    got = tc.find_routes(net, o, d, commodity="crude", k=k)
    want = brute_force(net, o, d, "crude", "cost", k)
    assert [r.path for r in got] == [p for _, _, p in want]
    assert [round(r.total, 9) for r in got] == [t for t, _, _ in want]


def test_all_equal_costs_give_the_fewest_links_then_the_smallest_ids():
    net = tied_grid(4, 4, [1], diagonal=False)
    got = tc.find_routes(net, "n0_0", "n3_3", commodity="crude", k=25)
    # 20 monotone lattice paths all cost 6 with 7 nodes; they come in the order of their ids
    monotone = sorted(tuple(p) for p in nx.all_simple_paths(route_graph(net, "crude"), "n0_0", "n3_3") if len(p) == 7)
    assert len(monotone) == 20
    assert [r.path for r in got[:20]] == monotone
    assert all(r.cost == 6 for r in got) and len(got) == 20  # links run east and south only


def test_the_route_graph_equals_the_row_by_row_definition(corridor):
    G = route_graph(corridor, "crude")
    # the definition: every usable link, best parallel link per pair by (cost, id)
    want: dict[tuple[str, str], tuple[float, str]] = {}
    for lid, row in corridor.links.iterrows():
        if (row["disabled"] or row["status"] not in ("operating", "disrupted") or "crude" not in row["commodities"]
                or row["from_node"] not in G or row["to_node"] not in G):
            continue
        cap = row["capacity"] * row["derate"]
        cost = row["cost"].get("crude") if isinstance(row["cost"], dict) else row["cost"]
        if cap == 0 or cost is None or (isinstance(cost, float) and math.isnan(cost)):
            continue
        ends = [(row["from_node"], row["to_node"])] + ([(row["to_node"], row["from_node"])] if row["bidirectional"] else [])
        for e in ends:
            want[e] = min(want.get(e, (math.inf, "~")), (float(cost), lid))
    assert {e: (d["weight"], d["link"]) for e, d in ((e, G.edges[e]) for e in G.edges)} == want


@pytest.fixture(scope="module")
def corridor():
    return tc.load_network()


def test_the_arcs_are_cached_per_network_and_a_scenario_gets_its_own(corridor):
    first = tc.find_routes(corridor, "uzen", "tikhoretsk", commodity="crude", k=3)
    cached = routes._ARCS[corridor][("crude", "cost")]
    assert len(first) == 3
    cut = tc.Scenario(name="cut", disable=(first[0].links[0],)).apply(corridor)
    after = tc.find_routes(cut, first[0].path[0], first[0].path[-1], commodity="crude", k=3)
    assert routes._ARCS[corridor][("crude", "cost")] is cached  # the original's arcs are untouched
    assert all(first[0].links[0] not in r.links for r in after)
    assert [r.path for r in tc.find_routes(corridor, first[0].path[0], first[0].path[-1], commodity="crude", k=3)] == \
        [r.path for r in first]


def test_avoid_countries_picks_the_next_parallel_link():
    # two parallel links a->b: the cheaper one crosses RUS; avoiding RUS uses the dearer one
    nodes = [{"id": "a"}, {"id": "b"}]
    links = [{"id": "cheap", "from": "a", "to": "b", "cost": 1}, {"id": "dear", "from": "a", "to": "b", "cost": 5}]
    net = build_network(nodes, links)
    links_frame = net.links.copy()
    links_frame["transit_countries"] = [["RUS"], []]
    net = net.replace(links=links_frame)
    assert [r.links for r in tc.find_routes(net, "a", "b", commodity="crude")] == [("cheap",)]
    assert [r.links for r in tc.find_routes(net, "a", "b", commodity="crude", avoid_countries=["RUS"])] == [("dear",)]
    assert [r.links for r in tc.find_routes(net, "a", "b", commodity="crude")] == [("cheap",)]
