"""Benchmark find_routes against networkx, and a knock-out against a solve (not a test).

1. ``tc.find_routes`` (k best routes) against ``networkx.shortest_simple_paths`` taking
   the first k paths of the same route graph (built beforehand, not timed), on the
   real corridor (every origin -> market pair of the baseline, crude) and on a 10k-link
   grid with integer costs, where totals tie everywhere. ``tc warm`` reuses the route
   arcs cached with the network; ``tc cold`` is the first query on a fresh network
   (the arcs built from the frames). networkx does not order tied paths; tc returns
   the first k by (total, links, ids).
2. ``Scenario.apply`` of a one-link knock-out named by an alias (the alias index) on
   the 10k grid against one ``tc.solve`` of it.

Usage: python benchmarks/routes.py [--repeat 3] [--k 3] [--size 10000]
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))

from _timing import timed  # noqa: E402
from solve import grid  # noqa: E402

import transcaspian as tc  # noqa: E402
from transcaspian.routes import route_graph  # noqa: E402


def nx_paths(G: nx.DiGraph, pairs: list[tuple[str, str]], k: int) -> list[list[list[str]]]:
    out = []
    for a, b in pairs:
        try:
            out.append(list(itertools.islice(nx.shortest_simple_paths(G, a, b, weight="weight"), k)))
        except nx.NetworkXNoPath:
            out.append([])
    return out


def tc_paths(net: tc.CorridorNetwork, pairs: list[tuple[str, str]], k: int) -> list[list[tuple[str, ...]]]:
    return [[r.path for r in tc.find_routes(net, a, b, commodity="crude", k=k)] for a, b in pairs]


def compare(label: str, make_net, pairs: list[tuple[str, str]], k: int, repeat: int) -> dict:
    net = make_net()
    G = route_graph(net, "crude")
    t_nx, nx_out = timed(lambda: nx_paths(G, pairs, k), repeat)
    fresh = make_net()
    t_cold, _ = timed(lambda: tc_paths(fresh, pairs[:1], k), 1)
    tc_paths(net, pairs[:1], k)  # the arcs cached
    t_warm, tc_out = timed(lambda: tc_paths(net, pairs, k), repeat)

    def totals(paths):
        return [[round(sum(G.edges[u, v]["weight"] for u, v in itertools.pairwise(p)), 9) for p in ps] for ps in paths]

    same_totals = totals(nx_out) == totals(tc_out)
    return {"case": label, "queries": len(pairs), "k": k, "networkx": t_nx, "tc warm": t_warm,
            "tc cold (1 query)": t_cold, "tc/nx": t_warm / t_nx, "same totals": same_totals}


def corridor_pairs(net: tc.CorridorNetwork) -> list[tuple[str, str]]:
    base = net.baseline
    supplies = (base.get("supplies") or {}).get("crude") or []
    markets = (base.get("markets") or {}).get("crude") or []
    origins = sorted({s["origin"] for s in supplies})
    dests = sorted({m["node"] if isinstance(m, dict) else m for m in markets})
    return [(o, m) for o in origins for m in dests if o != m]


def knock_out(size: int, repeat: int) -> dict:
    net = grid(size)
    lid = net.links.index[len(net.links) // 2]
    name = str(net.links.at[lid, "name"]).upper()  # found through the alias index, not as an id
    sc = tc.Scenario(name="knock-out", disable=(name,))
    t_first, out = timed(lambda: sc.apply(net), 1)  # builds the index once
    t_apply, out = timed(lambda: sc.apply(net), repeat)
    assert bool(out.links.at[lid, "disabled"])
    t_solve, _ = timed(lambda: tc.solve(out), 1)
    return {"case": f"knock-out on grid ~{size}", "links": len(net.links), "apply (first)": t_first,
            "apply": t_apply, "solve": t_solve, "apply/solve": t_apply / t_solve}


def show(rows: list[dict]) -> None:
    for row in rows:
        print("  " + ", ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in row.items()))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--k", type=int, default=3)
    ap.add_argument("--size", type=int, default=10000)
    args = ap.parse_args(argv)
    corridor = tc.load_network()
    pairs = corridor_pairs(corridor)
    g = grid(args.size)
    ids = list(g.nodes.index)
    grid_pairs = [(ids[0], ids[-1]), (ids[0], ids[len(ids) // 2])]
    print(f"find_routes vs networkx shortest_simple_paths (seconds, median of {args.repeat}; k={args.k})")
    show([
        compare("corridor crude", tc.load_network, pairs, args.k, args.repeat),
        compare(f"grid ~{args.size} links, integer costs", lambda: grid(args.size), grid_pairs, args.k, args.repeat),
    ])
    print("Scenario.apply of a knock-out named by alias vs one solve (seconds)")
    show([knock_out(args.size, args.repeat)])
    return 0


if __name__ == "__main__":
    sys.exit(main())
