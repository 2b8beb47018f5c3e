"""Issue 11: networks from frames and files, round trips, and plain graphs for other tools."""

from __future__ import annotations

import json
import math

import geopandas as gpd
import networkx as nx
import pandas as pd
import pytest
from shapely.geometry import LineString, Point

import transcaspian as tc
from transcaspian.interop.columns import network_differences
from transcaspian.interop.graph import put_flows

MINI = "tests/fixtures/mini"


@pytest.fixture(scope="module")
def bundled():
    return tc.load_network()


@pytest.fixture(scope="module")
def outage(bundled):
    # a network after a scenario: disabled and derated elements must round-trip too
    sc = tc.Scenario.from_yaml("cpc_outage")
    net = sc.apply(bundled)
    assert net.nodes["disabled"].any() or net.links["disabled"].any()
    return net


def _frames(**link_extra):
    nodes = gpd.GeoDataFrame(
        {"id": ["a", "b", "c"], "name": ["A", "B", "C"], "kind": ["oil_field", "port", "market"], "country": ["KAZ", "AZE", "TUR"]},
        geometry=[Point(51.0, 43.6), Point(49.9, 40.4), Point(41.0, 41.0)],
        crs=4326,
    )
    links = gpd.GeoDataFrame(
        {
            "id": ["ab", "bc"], "name": ["AB", "BC"], "from_node": ["a", "b"], "to_node": ["b", "c"],
            "mode": ["ferry", "pipeline"], "commodities": [["crude"], "crude"], "capacity": [5.0, 3.0], "unit": ["Mt/y", "Mt/y"],
            "cost": [12.0, '{"crude": 20.0}'], "time_days": [2.0, 4.0], **link_extra,
        },
        geometry=[LineString([(51.0, 43.6), (49.9, 40.4)]), LineString([(49.9, 40.4), (41.0, 41.0)])],
        crs=4326,
    )
    return nodes, links


# ----------------------------------------------------------------------------- frames
def test_frames_round_trip_the_bundled_network_strictly(bundled):
    nodes, links = bundled.to_frames()
    back = tc.network_from_frames(
        nodes, links, strict=True, sources=bundled.sources, baseline=bundled.baseline, parameters=bundled.parameters, events=bundled.events
    )
    assert network_differences(bundled, back.replace(as_of=bundled.as_of, applied=bundled.applied)) == []
    assert tc.solve(back, commodity="crude").total_cost == pytest.approx(tc.solve(bundled, commodity="crude").total_cost, rel=1e-9)


def test_frames_fill_schema_defaults_and_solve():
    nodes, links = _frames()
    net = tc.network_from_frames(nodes, links, supplies={"crude": {"a": 4.0}}, markets={"crude": ["c"]})
    assert net.links.loc["bc", "commodities"] == ["crude"] and net.links.loc["bc", "cost"] == {"crude": 20.0}
    assert net.links.loc["ab", "status"] == "operating" and not net.links.loc["ab", "bidirectional"]
    assert {"disabled", "derate", "length_confidence", "transit_countries"} <= set(net.links.columns)
    # geodesic length, checked against pyproj's own inverse problem
    from pyproj import Geod

    _, _, d = Geod(ellps="WGS84").inv(49.9, 40.4, 41.0, 41.0)
    assert net.links.loc["bc", "length_km"] == pytest.approx(d / 1000, rel=1e-9)
    res = tc.solve(net)
    assert res.summary()["delivered"] == {"crude": 3.0}  # the 3 Mt/y pipeline is the bottleneck
    assert res.total_cost == pytest.approx(3e6 * (12 + 20), rel=1e-6)


def test_lenient_flags_unsourced_figures_and_strict_refuses_them():
    nodes, links = _frames()
    net = tc.network_from_frames(nodes, links)
    assert net.links.loc["ab", "unsourced"] == ["capacity", "cost", "time"]
    with pytest.raises(tc.ValidationError) as err:
        tc.network_from_frames(nodes, links, strict=True)
    fields = {(p.element, p.field) for p in err.value.problems}
    assert {("ab", "capacity_confidence"), ("bc", "cost_confidence"), ("ab", "time_confidence")} <= fields
    assert all(p.file == "frames:links" for p in err.value.problems)


def test_every_problem_is_reported_at_once():
    nodes, links = _frames()
    nodes.loc[1, "kind"] = "harbour"
    links.loc[0, "mode"] = "zeppelin"
    links.loc[1, "to_node"] = "nowhere"
    with pytest.raises(tc.ValidationError) as err:
        tc.network_from_frames(nodes, links)
    got = {(p.file, p.element, p.field) for p in err.value.problems}
    assert {("frames:nodes", "b", "kind"), ("frames:links", "ab", "mode"), ("frames:links", "bc", "to_node")} <= got
    text = str(err.value)
    assert "use one of" in text and "unknown endpoint 'nowhere'" in text


def test_crs_is_converted_or_required():
    nodes, links = _frames()
    net = tc.network_from_frames(nodes.to_crs(3857), links.to_crs(3857))
    assert net.nodes.crs.to_epsg() == 4326
    assert net.nodes.loc["b"].geometry.distance(Point(49.9, 40.4)) < 1e-9
    with pytest.raises(tc.ValidationError, match="no CRS"):
        tc.network_from_frames(nodes.set_crs(None, allow_override=True), links)
    ok = tc.network_from_frames(nodes.set_crs(None, allow_override=True), links.set_crs(None, allow_override=True), crs=4326)
    assert len(ok.links) == 2
    with pytest.raises(tc.InputError, match="GeoDataFrame"):
        tc.network_from_frames(nodes.drop(columns="geometry").to_dict(), links)  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- files
@pytest.mark.parametrize("suffix", [".gpkg", ".parquet", ""])
def test_files_round_trip_exactly(bundled, outage, tmp_path, suffix):
    for i, net in enumerate((bundled, outage)):
        path = net.to_file(tmp_path / f"net{i}{suffix}")
        back = tc.read_network(path)
        assert network_differences(net, back) == [], path
        assert back.path == path


def test_lenient_network_round_trips_and_files_store_json(tmp_path):
    nodes, links = _frames()
    net = tc.network_from_frames(nodes, links, supplies={"crude": {"a": 4.0}}, markets={"crude": ["c"]})
    path = net.to_file(tmp_path / "mine.gpkg")
    assert network_differences(net, tc.read_network(path)) == []
    import pyogrio

    raw = pyogrio.read_dataframe(path, layer="links")
    assert json.loads(raw.loc[0, "cost"]) == {"crude": 12.0}  # JSON text, not a Python repr
    assert json.loads(raw.loc[0, "commodities"]) == ["crude"]


def test_read_network_errors_name_the_file(tmp_path):
    with pytest.raises(tc.NetworkDataError, match="no such file"):
        tc.read_network(tmp_path / "missing.gpkg")
    gdf = gpd.GeoDataFrame({"id": ["a"]}, geometry=[Point(0, 0)], crs=4326)
    gdf.to_file(tmp_path / "other.gpkg", layer="points")
    with pytest.raises(tc.NetworkDataError, match="no layer links, nodes"):
        tc.read_network(tmp_path / "other.gpkg")
    with pytest.raises(tc.InputError, match="unknown suffix"):
        tc.load_network(MINI).to_file(tmp_path / "net.shp")


# ----------------------------------------------------------------------------- graph
def test_commodity_graph_attributes_are_plain_and_agree_with_find_routes(bundled):
    G = bundled.graph(commodity="crude")
    for _, _, d in G.edges(data=True):
        assert all(isinstance(v, str | float | int | bool) for v in d.values()), d
        assert math.isfinite(d["cost"]) and d.get("capacity", 1.0) >= 0
    best = tc.find_routes(bundled, "tengiz", "europe", commodity="crude", k=1)[0]
    length = nx.shortest_path_length(G, "tengiz", "europe", weight="cost")
    assert length == pytest.approx(best.cost, rel=1e-9)


def test_commodity_graph_writes_graphml_gexf_and_node_link(tmp_path, bundled):
    G = bundled.graph(commodity="crude")
    nx.write_graphml(G, tmp_path / "g.graphml")
    nx.write_gexf(G, tmp_path / "g.gexf")
    (tmp_path / "g.json").write_text(json.dumps(nx.node_link_data(G, edges="links")))
    H = nx.read_graphml(tmp_path / "g.graphml", force_multigraph=True)
    X = nx.read_gexf(tmp_path / "g.gexf")
    J = nx.node_link_graph(json.loads((tmp_path / "g.json").read_text()), edges="links")
    for other in (H, X, J):
        assert other.number_of_nodes() == G.number_of_nodes() and other.number_of_edges() == G.number_of_edges()
    assert nx.shortest_path_length(H, "tengiz", "europe", weight="cost") == pytest.approx(
        nx.shortest_path_length(G, "tengiz", "europe", weight="cost"), rel=1e-12
    )


def test_flows_on_the_graph_conserve_at_nodes():
    net = tc.load_network(MINI)
    res = tc.solve(net)
    G = put_flows(net.graph(commodity="crude"), res.flows)
    into_markets = sum(d["flow"] for _, v, d in G.edges(data=True) if v in ("europe", "china"))
    assert into_markets == pytest.approx(res.total_delivered["crude"], rel=1e-9)
    # a max-flow over the graph's capacities bounds what the LP delivered
    assert all(d["flow"] <= d.get("capacity", math.inf) * (1 + 1e-9) for _, _, d in G.edges(data=True))


# ----------------------------------------------------------------------------- results
def test_result_tables_write_and_read_back(tmp_path):
    import pandas as pd
    import pyogrio

    from transcaspian.interop.results import result_frame, simulation_frame

    net = tc.load_network(MINI)
    res = tc.solve(net)
    tidy = result_frame(res)
    links = tidy[(tidy["table"] == "links") & (tidy["variable"] == "flow")].set_index(["element", "commodity"])["value"]
    assert links.to_dict() == pytest.approx(res.flows.reset_index().set_index(["link", "commodity"])["flow"].to_dict())
    for suffix in (".parquet", ".csv"):
        written = tc.write_table(res, tmp_path / f"r{suffix}")
        back = pd.read_parquet(written) if suffix == ".parquet" else pd.read_csv(written)
        assert len(back) == len(tidy) and back["value"].sum() == pytest.approx(tidy["value"].sum())
    gpkg = tc.write_table(res, tmp_path / "r.gpkg")
    layers = {name for name, _ in pyogrio.list_layers(gpkg)}
    assert {"flows", "node_flows", "routes", "delivered", "unserved"} <= layers
    flows = pyogrio.read_dataframe(gpkg, layer="flows")
    assert flows.geometry.geom_type.eq("LineString").all() and flows["flow"].sum() == pytest.approx(res.flows["flow"].sum())
    crit = tc.criticality(net, commodity="crude")
    tc.write_table(crit, gpkg, layer="criticality")
    assert "criticality" in {name for name, _ in pyogrio.list_layers(gpkg)} and "flows" in {n for n, _ in pyogrio.list_layers(gpkg)}
    sim = tc.simulate(net, start="2025-11", end="2025-12")
    st = simulation_frame(sim)
    delivered = st[(st["table"] == "delivered") & (st["variable"] == "value")].groupby("period")["value"].sum()
    assert delivered.to_dict() == pytest.approx(sim.delivered.groupby("period")["value"].sum().to_dict())
    assert len(pd.read_parquet(tc.write_table(sim, tmp_path / "s.parquet"))) == len(st)
    with pytest.raises(tc.InputError, match="unknown suffix"):
        tc.write_table(res, tmp_path / "r.xlsx")


def test_cli_out_takes_gpkg_and_parquet(tmp_path):
    import pyogrio

    from transcaspian.cli import main

    assert main(["solve", "--data", MINI, "--out", str(tmp_path / "res.gpkg")]) == 0
    assert "flows" in {n for n, _ in pyogrio.list_layers(tmp_path / "res.gpkg")}
    assert main(["solve", "--data", MINI, "--out", str(tmp_path / "res.parquet")]) == 0
    assert (tmp_path / "res.parquet").stat().st_size > 0


def test_result_to_frame_is_the_tidy_table():
    from transcaspian.interop.tidy import result_frame

    res = tc.solve(tc.load_network("tests/fixtures/mini"))
    pd.testing.assert_frame_equal(res.to_frame(), result_frame(res))
    assert res.to_frame().query("table == 'delivered'")["value"].sum() == pytest.approx(sum(res.total_delivered.values()))
