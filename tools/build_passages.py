#!/usr/bin/env python3
"""Name the straits and canals each link and node crosses, from the global maritime network.

Build-time only (needs the ``sealanes`` extra, ``searoute``; run time never does):

    python tools/build_passages.py            # write tools/geodata_src/passages.yaml
    python tools/build_geodata.py --no-png    # then rebuild the GeoJSON (it reads passages.yaml)

The maritime network that ``searoute`` ships marks its straits and canals with a
``passage`` property (bosporus, dardanelles, suez, gibraltar, ...). A tanker or ferry
link crosses a passage when its geometry comes within ``NEAR_KM`` of that passage's
lines (rail tunnels and subsea pipelines under a strait are not closed with it, and
neither is the Bosporus node, which also carries the Istanbul rail). For every sea
link the script also routes the maritime network between its end nodes
(:func:`transcaspian.interop.lines.shortest_route`) and records that route's geodesic
length and passages beside the drawn length, so the two can be compared.

The Black Sea, Bosporus, Dardanelles and Mediterranean legs (``MARNET_LINKS``) take their
geometry AND length from that route: the script writes ``tools/geodata_src/sealanes.yaml``
(the end node, the maritime network's vertices along the route, the other end node; its
geodesic length; the passages it crosses) and ``tools/build_geodata.py`` uses it instead of
the hand-drawn ``via`` (``geometry_source: marnet``, source S300). The Caspian and Baltic legs
keep their drawn lanes (docs/interop.md says why).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import yaml
from pyproj import Geod
from shapely.geometry import LineString, shape
from shapely.ops import unary_union

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import transcaspian as tc  # noqa: E402
from transcaspian.interop.lines import maritime_lines, maritime_network, shortest_route  # noqa: E402

OUT = ROOT / "tools" / "geodata_src" / "passages.yaml"
LANES_OUT = ROOT / "tools" / "geodata_src" / "sealanes.yaml"
#: Sea legs whose geometry and length come from the maritime network (the rest keep their drawn lanes).
MARNET_LINKS = (
    "cpc_terminal_bosporus", "sheskharis_bosporus", "supsa_bosporus", "batumi_bosporus",  # Black Sea to the Bosporus
    "bosporus_europe", "ceyhan_europe",  # Bosporus-Marmara-Dardanelles-Aegean-Adriatic; Ceyhan-Adriatic
    "cpc_terminal_midia", "poti_constanta_ferry", "batumi_constanta_ferry",  # across the Black Sea
    "aktau_astrakhan_tanker", "volga_don", "rostov_bosporus",  # the optional Volga-Don route (river-sea tankers)
)
#: The marnet's straits are drawn with a few vertices that cut across land (Gallipoli, the Istanbul
#: shore; Natural Earth 10m): through the Turkish straits the legs follow the drawn fairway of
#: seaways.yaml instead, and the maritime network's route joins it at its ends. Per link: the
#: drawn waypoints after the start node (``head``) and before the end node (``tail``), as
#: (seaway name, first index, last index + 1); the marnet route runs from the last head point
#: to the first tail point.
BOSPORUS_NORTH = ("black_sea_cpc", 6, 10)  # Black Sea approach to the Bosporus node
STRAITS_SOUTH = ("straits_to_trieste", 0, 24)  # Bosporus south - Marmara - Dardanelles - Aegean exit
SPLICES: dict[str, dict[str, tuple[str, int, int]]] = {
    "cpc_terminal_bosporus": {"tail": BOSPORUS_NORTH},
    "sheskharis_bosporus": {"tail": BOSPORUS_NORTH},
    "supsa_bosporus": {"head": ("black_sea_supsa", 0, 1), "tail": BOSPORUS_NORTH},  # out of the Supsa bight
    "batumi_bosporus": {"tail": BOSPORUS_NORTH},
    "rostov_bosporus": {"tail": BOSPORUS_NORTH},
    "bosporus_europe": {"head": STRAITS_SOUTH},
}
#: Maritime-network lines that cut a cape (Natural Earth 10m): (one end, other end, points to put
#: between them, taken from the drawn lanes of seaways.yaml), in either direction.
SEGMENT_FIXES: list[tuple[tuple[float, float], tuple[float, float], list[tuple[float, float]]]] = [
    ((23.6, 36.5), (22.39158, 36.3728), [(23.15, 36.0)]),  # Cape Maleas: round Kythira (straits_to_trieste)
]
#: Maritime-network lines a tanker cannot use: the Corinth Canal (21 m wide, 8 m deep), which the
#: marnet carries without a passage name; bounding box (lon0, lat0, lon1, lat1) of its isthmus.
CORINTH_BOX = (22.95, 37.90, 23.03, 37.97)
#: A link or node within this distance of a passage's lines crosses (or lies on) it.
NEAR_KM = 10.0
GEOD = Geod(ellps="WGS84")


def passage_lines() -> dict[str, object]:
    parts: dict[str, list] = {}
    for f in maritime_lines()["features"]:
        name = (f.get("properties") or {}).get("passage")
        if name:
            parts.setdefault(name, []).append(shape(f["geometry"]))
    return {name: unary_union(geoms) for name, geoms in sorted(parts.items())}


def near_km(geom, passage) -> float:
    """Geodesic distance (km) between the closest points of two lon/lat geometries."""
    from shapely.ops import nearest_points

    a, b = nearest_points(geom, passage)
    return GEOD.inv(a.x, a.y, b.x, b.y)[2] / 1000.0


def crossed(geom, passages: dict[str, object]) -> list[str]:
    return [name for name, lines in passages.items() if near_km(geom, lines) <= NEAR_KM]


def nearest(sea, lon: float, lat: float) -> str:
    xy = np.column_stack([sea.nodes.geometry.x, sea.nodes.geometry.y])
    d = GEOD.inv(np.full(len(xy), lon), np.full(len(xy), lat), xy[:, 0], xy[:, 1])[2]
    return str(sea.nodes.index[int(np.argmin(d))])


def seaway(name_range: tuple[str, int, int] | None) -> list[tuple[float, float]]:
    if name_range is None:
        return []
    name, i, j = name_range
    ways = yaml.safe_load((ROOT / "tools" / "geodata_src" / "seaways.yaml").read_text(encoding="utf-8"))["seaways"]
    return [(float(x), float(y)) for x, y in ways[name][i:j]]


def tanker_network(sea):
    """The maritime network without the lines a tanker cannot use (the Corinth Canal)."""
    from shapely.geometry import box

    links = sea.links.copy()
    links.loc[links.geometry.intersects(box(*CORINTH_BOX)), "disabled"] = True
    return sea.replace(links=links)


def lane_coords(sea, lid: str, start: tuple[float, float], stop: tuple[float, float]):
    """Geometry of a sea leg on the maritime network (with the drawn straits of ``SPLICES``) and the marnet route."""
    splice = SPLICES.get(lid, {})
    head, tail = seaway(splice.get("head")), seaway(splice.get("tail"))
    a, b = (head[-1] if head else start), (tail[0] if tail else stop)
    r = shortest_route(sea, nearest(sea, *a), nearest(sea, *b))
    return route_coords(sea, r, [start, *head], [*tail, stop]), r


def fix_segments(coords: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """``coords`` with the points of ``SEGMENT_FIXES`` put inside the marnet segments that cut a cape."""
    def same(p: tuple[float, float], q: tuple[float, float]) -> bool:
        return abs(p[0] - q[0]) < 1e-4 and abs(p[1] - q[1]) < 1e-4

    out = [coords[0]]
    for p, q in zip(coords, coords[1:]):
        for a, b, mid in SEGMENT_FIXES:
            if same(p, a) and same(q, b):
                out.extend(mid)
            elif same(p, b) and same(q, a):
                out.extend(reversed(mid))
        out.append(q)
    return out


def route_coords(sea, route, first: list[tuple[float, float]], last: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """``first``, the maritime network's vertices along ``route`` (each link oriented in travel order), ``last``."""
    coords: list[tuple[float, float]] = list(first)
    for a, lid in zip(route.nodes, route.links):
        line = list(sea.links.loc[lid].geometry.coords)
        if sea.links.at[lid, "from_node"] != a:
            line.reverse()
        coords.extend((float(x), float(y)) for x, y in line)
    coords.extend(last)
    coords = fix_segments(coords)
    out: list[tuple[float, float]] = []
    for x, y in coords:
        c = (round(x, 5), round(y, 5))
        if not out or c != out[-1]:
            out.append(c)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--lanes-out", type=Path, default=LANES_OUT)
    args = ap.parse_args(argv)
    net = tc.load_network()
    passages = passage_lines()
    # the drawn lengths are kept from the last run for the legs that now follow the maritime network
    old = yaml.safe_load(args.out.read_text(encoding="utf-8")) if args.out.exists() else {}
    lanes_drawn = {k: v["drawn_km"] for k, v in ((old or {}).get("sea_lanes") or {}).items()}
    sea = maritime_network()
    tankers = tanker_network(sea)
    links, lanes, marnet = {}, {}, {}
    for lid, row in net.links.iterrows():
        if row["medium"] not in ("sea", "mixed") or row["mode"] not in ("tanker", "ferry"):
            continue  # a strait closed to shipping leaves the rail tunnel and the subsea pipeline alone
        a, b = (net.nodes.loc[row[end]].geometry for end in ("from_node", "to_node"))
        r = shortest_route(sea, nearest(sea, a.x, a.y), nearest(sea, b.x, b.y))
        crossed_sea = sorted(set(sea.links.loc[r.links, "passage"].dropna()))
        geom = LineString(row.geometry.coords)
        if lid in MARNET_LINKS:
            coords, on_marnet = lane_coords(tankers, str(lid), (a.x, a.y), (b.x, b.y))
            geom = LineString(coords)
            km = GEOD.geometry_length(geom) / 1000.0
            marnet[str(lid)] = {"length_km": round(km, 1), "maritime_km": round(on_marnet.length_km, 1),
                                "drawn_splices": sorted(f"{n}[{i}:{j}]" for n, i, j in SPLICES.get(str(lid), {}).values()),
                                "coordinates": [list(c) for c in coords]}
        hit = crossed(geom, passages)
        if hit:
            links[str(lid)] = hit
        drawn = lanes_drawn.get(str(lid), round(float(row["length_km"]), 1))
        lanes[str(lid)] = {"drawn_km": drawn, "maritime_km": round(r.length_km, 1),
                           "maritime_passages": crossed_sea}
    doc = {
        "note": ("Generated by tools/build_passages.py from the maritime network of the searoute package "
                 f"(passages within {NEAR_KM:g} km of a link's or node's geometry); do not edit by hand."),
        "sources": ["S300"],
        "links": links,
        "sea_lanes": lanes,
    }
    args.out.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=120), encoding="utf-8")
    print(f"wrote {args.out}: {len(links)} sea links cross a passage")
    lanes_doc = {
        "note": ("Generated by tools/build_passages.py: the geometry (end node, the maritime network's vertices along its "
                 "shortest route between the network nodes nearest the link's ends, the other end node) and its geodesic "
                 "length (WGS84) for the sea legs that follow searoute's marnet; maritime_km is the route's length "
                 "between those nearest network nodes. Do not edit by hand."),
        "sources": ["S300"],
        "links": marnet,
    }
    text = yaml.safe_dump(lanes_doc, sort_keys=False, allow_unicode=True, width=120, default_flow_style=None)
    args.lanes_out.write_text(text, encoding="utf-8")
    print(f"wrote {args.lanes_out}: {len(marnet)} sea legs on the maritime network")
    for lid, lane in lanes.items():
        print(f"  {lid:<28} drawn {lane['drawn_km']:>8.1f} km   maritime {lane['maritime_km']:>8.1f} km   {', '.join(lane['maritime_passages'])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
