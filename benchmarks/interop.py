"""Benchmark network_from_lines and route queries on the global maritime network (not a test).

The searoute package's marnet (about 9,700 vertices and 15,900 segments) is built with
``tc.network_from_lines(..., nodes_at="vertices")`` and queried with
:func:`transcaspian.interop.lines.shortest_route`. References measured in the same run:

* build: ``networkx.Graph`` built edge by edge from the same GeoJSON with the same
  geodesic segment lengths (what a user would otherwise write);
* query: ``networkx.dijkstra_path_length`` on a graph of the same links (built from
  the network, so both answer the same question), and ``scipy.sparse.csgraph.dijkstra``
  on the raw edge list, whose distances ours must match to 0.1%.

Usage: python benchmarks/interop.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import networkx as nx
import numpy as np
from pyproj import Geod

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import timed  # noqa: E402

import transcaspian as tc  # noqa: E402
from transcaspian.interop.lines import maritime_lines, shortest_route  # noqa: E402

GEOD = Geod(ellps="WGS84")
PAIRS = [((37.8, 44.7), (4.0, 52.0)), ((35.9, 36.8), (122.5, 31.0)), ((-94.8, 29.3), (13.7, 45.6)), ((-150.0, 61.0), (139.7, 35.4))]


def nx_from_geojson(fc: dict) -> nx.Graph:
    G = nx.Graph()
    for f in fc["features"]:
        g = f["geometry"]
        for part in [g["coordinates"]] if g["type"] == "LineString" else g["coordinates"]:
            pts = np.asarray(part, dtype=float)[:, :2]
            pts[:, 0] = (pts[:, 0] + 180) % 360 - 180
            d = GEOD.inv(pts[:-1, 0], pts[:-1, 1], pts[1:, 0], pts[1:, 1])[2] / 1000
            for a, b, w in zip(map(tuple, pts[:-1]), map(tuple, pts[1:]), d):
                if a != b:
                    G.add_edge(a, b, w=float(w))
    return G


def nearest(net, lon, lat):
    xy = np.column_stack([net.nodes.geometry.x, net.nodes.geometry.y])
    return net.nodes.index[int(np.argmin(GEOD.inv(np.full(len(xy), lon), np.full(len(xy), lat), xy[:, 0], xy[:, 1])[2]))]


def scipy_raw(fc: dict):
    """scipy.sparse.csgraph.dijkstra over the raw edge list (coordinates as keys)."""
    import scipy.sparse as sp

    key: dict = {}
    us, vs, ws = [], [], []
    for f in fc["features"]:
        g = f["geometry"]
        for part in [g["coordinates"]] if g["type"] == "LineString" else g["coordinates"]:
            pts = [(round((x + 180) % 360 - 180, 7), round(y, 7)) for x, y, *_ in part]
            for a, b in zip(pts, pts[1:]):
                if a != b:
                    us.append(key.setdefault(a, len(key)))
                    vs.append(key.setdefault(b, len(key)))
                    ws.append(GEOD.inv(a[0], a[1], b[0], b[1])[2] / 1000)
    n = len(key)
    m = sp.coo_matrix((ws, (us, vs)), shape=(n, n)).tocsr()
    return key, m


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)
    fc = maritime_lines()
    t_ours, net = timed(lambda: tc.network_from_lines(fc, nodes_at="vertices", snap_tolerance_m=1.0, keep=["passage"], cost_per_km=0.01), args.repeat)
    t_nx_build, _ = timed(lambda: nx_from_geojson(fc), args.repeat)
    G = nx.Graph()
    for u, v, w in zip(net.links["from_node"], net.links["to_node"], net.links["length_km"]):
        if not G.has_edge(u, v) or G[u][v]["w"] > w:
            G.add_edge(u, v, w=float(w))
    ends = [(nearest(net, *a), nearest(net, *b)) for a, b in PAIRS]
    shortest_route(net, *ends[0])  # the first query builds the sparse graph
    t_q, ours = timed(lambda: [shortest_route(net, a, b).length_km for a, b in ends], args.repeat)
    t_nx, ref = timed(lambda: [nx.dijkstra_path_length(G, a, b, weight="w") for a, b in ends], args.repeat)
    key, m = scipy_raw(fc)
    from scipy.sparse.csgraph import dijkstra

    raw = []
    for a, b in ends:
        pa, pb = (tuple(round(v, 7) for v in net.nodes.loc[x].geometry.coords[0]) for x in (a, b))
        raw.append(float(dijkstra(m, directed=False, indices=key[pa])[key[pb]]))
    worst = max(abs(o - r) / r for o, r in zip(ours, raw))
    print(f"maritime network: {len(net.nodes)} nodes, {len(net.links)} links")
    print(f"{'what':<44}{'ours s':>10}{'reference s':>13}{'ratio':>8}")
    print(f"{'build (network_from_lines vs nx from GeoJSON)':<44}{t_ours:>10.3f}{t_nx_build:>13.3f}{t_ours / t_nx_build:>8.2f}")
    q = len(ends)
    print(f"{'route query (shortest_route vs nx Dijkstra)':<44}{t_q / q:>10.4f}{t_nx / q:>13.4f}{t_q / t_nx:>8.2f}")
    print(f"distances vs scipy dijkstra on the raw edge list: worst relative difference {worst:.2e} (limit 1e-3)")
    print(f"distances vs networkx: {max(abs(o - r) / r for o, r in zip(ours, ref)):.2e}")
    ok = t_ours < 2.0 and t_q <= 2 * t_nx and worst < 1e-3
    print("OK" if ok else "NOT OK: build >= 2 s, query > 2x networkx or distances off")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
