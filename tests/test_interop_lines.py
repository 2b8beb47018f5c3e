"""network_from_lines on synthetic lines and on the global maritime network that searoute ships."""

from __future__ import annotations

import math

import geopandas as gpd
import networkx as nx
import numpy as np
import pytest
from pyproj import Geod
from shapely.geometry import LineString, MultiLineString

import transcaspian as tc
from transcaspian.interop.lines import maritime_lines, maritime_network, shortest_route, snap_points

GEOD = Geod(ellps="WGS84")


def test_snap_points_merges_within_tolerance_only():
    # two points 8 m apart (0.0001 deg of latitude is about 11 m; of longitude at 60N about 5.6 m)
    lon = np.array([10.0, 10.0001, 10.0003, 179.99999, -180.0])
    lat = np.array([60.0, 60.0, 60.0, 0.0, 0.0])
    assert snap_points(lon, lat, 10.0).tolist() == [0, 0, 1, 2, 2]  # and across the antimeridian
    assert snap_points(lon, lat, 20.0).tolist() == [0, 0, 0, 1, 1]  # chained: single linkage
    assert snap_points(lon, lat, 0.0).tolist() == [0, 1, 2, 3, 4]


def test_lines_map_attributes_and_lengths():
    lines = gpd.GeoDataFrame(
        {"cap": [10.0, None], "kind": ["pipeline", "rail"], "usd": [5.0, 7.0], "what": ["crude", "containers"]},
        geometry=[LineString([(50, 45), (51, 45), (52, 46)]), MultiLineString([[(52.00001, 46), (53, 46)], [(53, 46), (53, 47)]])],
        crs=4326,
    )
    net = tc.network_from_lines(lines, snap_tolerance_m=5, mode="kind", capacity="cap", cost="usd", commodities="what", speed_kmh=50)
    assert len(net.nodes) == 4 and len(net.links) == 3
    assert net.links["mode"].tolist() == ["pipeline", "rail", "rail"]
    assert net.links.loc["l0", "cost"] == {"crude": 5.0} and net.links.loc["l1", "cost"] == {"containers": 7.0}
    assert net.links.loc["l0", "capacity"] == 10.0 and math.isnan(net.links.loc["l1", "capacity"])
    _, _, a = GEOD.inv(50, 45, 51, 45)
    _, _, b = GEOD.inv(51, 45, 52, 46)
    assert net.links.loc["l0", "length_km"] == pytest.approx((a + b) / 1000, rel=1e-12)
    assert net.links.loc["l0", "time_days"] == pytest.approx((a + b) / 1000 / 50 / 24)
    assert net.links.loc["l1", "from_node"] == net.links.loc["l0", "to_node"]  # snapped
    assert net.links.loc["l1"].geometry.coords[0] == net.nodes.loc[net.links.loc["l1", "from_node"]].geometry.coords[0]
    assert net.links.loc["l0", "unsourced"] == ["capacity", "cost", "time"]
    # round trip through a file keeps it
    from transcaspian.interop.columns import network_differences

    assert network_differences(net, tc.read_network(net.to_frames() and net.to_file(_tmp() / "lines.gpkg"))) == []


def _tmp():
    import tempfile
    from pathlib import Path

    return Path(tempfile.mkdtemp())


def test_bad_mapped_values_are_all_reported():
    lines = gpd.GeoDataFrame({"m": ["barge", "tanker"]}, geometry=[LineString([(0, 0), (1, 1)]), LineString([(1, 1), (2, 2)])], crs=4326)
    with pytest.raises(tc.ValidationError) as err:
        tc.network_from_lines(lines, mode="m", commodities=["crude", "coal"], capacity=-1)
    got = {(p.element, p.field) for p in err.value.problems}
    assert {("l0", "mode"), ("l0", "commodities"), ("l1", "commodities"), ("l0", "capacity"), ("l0", "cost")} <= got
    with pytest.raises(tc.InputError, match="nodes_at"):
        tc.network_from_lines(lines, nodes_at="all")


# --------------------------------------------------------------------------- the maritime network
@pytest.fixture(scope="module")
def marnet():
    pytest.importorskip("searoute", reason="the sealanes extra (in .[test]) ships the maritime network")
    return maritime_network()


def _raw_graph():
    """An independent graph from the raw GeoJSON: exact vertex coordinates (longitude wrapped), geodesic segments."""
    G = nx.Graph()
    for f in maritime_lines()["features"]:
        g = f["geometry"]
        parts = [g["coordinates"]] if g["type"] == "LineString" else g["coordinates"]
        for part in parts:
            pts = [(round(((x + 180) % 360) - 180, 7), round(y, 7)) for x, y, *_ in part]
            for a, b in zip(pts, pts[1:]):
                if a == b:
                    continue
                d = GEOD.inv(a[0], a[1], b[0], b[1])[2] / 1000
                if not G.has_edge(a, b) or G[a][b]["w"] > d:
                    G.add_edge(a, b, w=d)
    return G


def _nearest(net, lon, lat):
    xy = np.column_stack([net.nodes.geometry.x, net.nodes.geometry.y])
    d = GEOD.inv(np.full(len(xy), lon), np.full(len(xy), lat), xy[:, 0], xy[:, 1])[2]
    return net.nodes.index[int(np.argmin(d))]


def test_maritime_network_size_and_passages(marnet):
    assert 9000 < len(marnet.nodes) < 10500 and 15000 < len(marnet.links) < 16500
    passages = set(marnet.links["passage"].dropna())
    assert {"bosporus", "dardanelles", "suez", "gibraltar"} <= passages


PORTS = {  # lon, lat
    "novorossiysk": (37.8, 44.7), "rotterdam": (4.0, 52.0), "ceyhan": (35.9, 36.8), "trieste": (13.7, 45.6),
    "shanghai": (122.5, 31.0), "houston": (-94.8, 29.3), "anchorage": (-150.0, 61.0), "yokohama": (139.7, 35.4),
}


def test_maritime_routes_agree_with_an_independent_shortest_path(marnet):
    G = _raw_graph()
    nodes = {name: _nearest(marnet, *xy) for name, xy in PORTS.items()}
    pairs = [("novorossiysk", "rotterdam"), ("ceyhan", "trieste"), ("novorossiysk", "shanghai"), ("houston", "rotterdam"),
             ("anchorage", "yokohama")]
    for a, b in pairs:
        ours = shortest_route(marnet, nodes[a], nodes[b])
        pa, pb = (tuple(round(v, 7) for v in marnet.nodes.loc[nodes[k]].geometry.coords[0]) for k in (a, b))
        ref = nx.dijkstra_path_length(G, pa, pb, weight="w")
        assert ours.length_km == pytest.approx(ref, rel=1e-3), (a, b)
        assert ours.total == pytest.approx(ours.length_km, rel=1e-9)
    route = shortest_route(marnet, nodes["novorossiysk"], nodes["rotterdam"])
    crossed = set(marnet.links.loc[route.links, "passage"].dropna())
    assert {"bosporus", "dardanelles", "gibraltar"} <= crossed


def test_maritime_route_avoids_a_closed_passage(marnet):
    a, b = _nearest(marnet, *PORTS["ceyhan"]), _nearest(marnet, *PORTS["shanghai"])
    open_route = shortest_route(marnet, a, b)
    assert "suez" in set(marnet.links.loc[open_route.links, "passage"].dropna())
    closed = marnet.links["passage"] == "suez"
    links = marnet.links.copy()
    links.loc[closed, "disabled"] = True
    around = shortest_route(marnet.replace(links=links), a, b)
    assert "suez" not in set(marnet.links.loc[around.links, "passage"].dropna())
    assert around.length_km > open_route.length_km + 5000  # round the Cape
