"""Benchmark the flow solver (not a test; run with `make bench`).

1. The real network: the baseline and every example scenario (tc.solve wall time).
2. Synthetic grids of about 1k and 10k links, one commodity: tc.solve against
   networkx.network_simplex and a raw scipy HiGHS LP of the same problem, in the same
   process. The reference solvers get the single-LP penalty form of the problem
   (an expensive S->T bypass arc takes what cannot be delivered), which has the same
   optimum as tc.solve's two lexicographic phases; tc.solve also decomposes the flow
   into routes and builds every result table.

Usage: python benchmarks/solve.py [--sizes 1000 10000] [--repeat 3] [--skip-real]
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import networkx as nx
import numpy as np
import scipy.sparse as sp
from scipy.optimize import linprog

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from _timing import timed  # noqa: E402

import transcaspian as tc  # noqa: E402
from netbuild import build_network  # noqa: E402


def grid(n_links: int, seed: int = 1):
    """A rows x cols grid (links east, south and south-east), sources west, sinks east."""
    rng = np.random.default_rng(seed)
    cols = max(4, int(math.sqrt(n_links / 3) * 1.5))
    rows = max(3, int(n_links / (3 * cols)) + 1)
    nid = lambda r, c: f"n{r}_{c}"  # noqa: E731
    nodes = [{"id": nid(r, c), "xy": (40 + c * 0.05, 40 + r * 0.05)} for r in range(rows) for c in range(cols)]
    links = []
    for r in range(rows):
        for c in range(cols):
            for dr, dc in ((0, 1), (1, 0), (1, 1)):
                if r + dr < rows and c + dc < cols:
                    links.append({
                        "id": f"l{len(links)}", "from": nid(r, c), "to": nid(r + dr, c + dc),
                        "capacity": int(rng.integers(1, 20)), "cost": int(rng.integers(1, 10)),
                        "bidirectional": bool(dc == 0 and rng.random() < 0.3),
                    })
    supplies = {"crude": {nid(r, 0): int(rng.integers(5, 15)) for r in range(rows)}}
    markets = {"crude": [nid(r, cols - 1) for r in range(rows)]}
    return build_network(nodes, links, supplies=supplies, markets=markets)


def penalty_graph(net):
    """networkx DiGraph of the single-LP penalty form (parallel/backward arcs via mid nodes)."""
    G = nx.DiGraph()
    total = 0
    for e in net.baseline["supplies"]["crude"]:
        G.add_edge("S", e["origin"], capacity=int(e["value"]), weight=0)
        total += int(e["value"])
    for m in net.baseline["markets"]["crude"]:
        G.add_edge(m, "T", weight=0)
    big = int(net.links["cost"].map(lambda c: c["crude"]).sum()) + 1
    G.add_edge("S", "T", weight=big)
    for lid, r in net.links.iterrows():
        cap, w = int(r["capacity"]), int(r["cost"]["crude"])
        dirs = [(r["from_node"], r["to_node"], "f")] + ([(r["to_node"], r["from_node"], "b")] if r["bidirectional"] else [])
        for u, v, d in dirs:  # a bidirectional link's two arcs each get the capacity (equivalent at the optimum)
            G.add_edge(u, f"{lid}{d}", capacity=cap, weight=w)
            G.add_edge(f"{lid}{d}", v, weight=0)
    G.nodes["S"]["demand"] = -total
    G.nodes["T"]["demand"] = total
    return G, big


def raw_highs(net, big: int, method: str = "highs"):
    """The penalty LP built directly as a sparse node-arc matrix, solved by linprog (``highs``: HiGHS' choice, the dual simplex; ``highs-ipm``)."""
    nodes = {n: i for i, n in enumerate(net.nodes.index)}
    S, T = len(nodes), len(nodes) + 1
    tail, head, cost, cap = [], [], [], []
    for _lid, r in net.links.iterrows():
        a, b = nodes[r["from_node"]], nodes[r["to_node"]]
        for u, v in [(a, b)] + ([(b, a)] if r["bidirectional"] else []):
            tail.append(u), head.append(v), cost.append(r["cost"]["crude"]), cap.append(r["capacity"])
    for e in net.baseline["supplies"]["crude"]:
        tail.append(S), head.append(nodes[e["origin"]]), cost.append(0), cap.append(e["value"])
    for m in net.baseline["markets"]["crude"]:
        tail.append(nodes[m]), head.append(T), cost.append(0), cap.append(np.inf)
    total = sum(e["value"] for e in net.baseline["supplies"]["crude"])
    tail.append(S), head.append(T), cost.append(big), cap.append(np.inf)
    n_arcs = len(tail)
    A = sp.csr_matrix(
        (np.r_[np.ones(n_arcs), -np.ones(n_arcs)], (np.r_[tail, head], np.r_[np.arange(n_arcs), np.arange(n_arcs)])),
        shape=(len(nodes) + 2, n_arcs),
    )
    b = np.zeros(len(nodes) + 2)
    b[S], b[T] = total, -total
    res = linprog(np.array(cost, float), A_eq=A, b_eq=b, bounds=list(zip([0] * n_arcs, cap, strict=True)), method=method)
    return res


def _with_tables(res):
    """``res`` with every table built (a lazy result builds them on first access)."""
    for name in ("flows", "node_flows", "routes", "delivered", "unserved", "emissions", "saturated"):
        getattr(res, name)
    return res


def bench_synthetic(sizes: list[int], repeat: int, *, nx_max: int = 20000) -> list[dict]:
    """tc.solve on grids against raw HiGHS (its default, the dual simplex, and its interior point) and networkx.

    ``tc/HiGHS`` divides ``tc.solve`` (the default, ``method="auto"``: from about 4,600
    links one penalty LP with a max-flow certificate, its tables built on first access)
    by the faster of the two raw HiGHS runs; ``with tables/HiGHS`` builds every table
    (shadow prices aside) first; ``two-phase (lp)`` is ``method="lp"``, one run.
    networkx's simplex is skipped above ``nx_max`` links (minutes at 50k).
    """
    rows = []
    for n in sizes:
        net = grid(n)
        t_solve, res = timed(lambda net=net: tc.solve(net), repeat)
        t_tc, _ = timed(lambda net=net: _with_tables(tc.solve(net)), repeat)
        t_two, _ = timed(lambda net=net: tc.solve(net, method="lp"), 1)
        G, big = penalty_graph(net)
        t_lp, lp = timed(lambda net=net, big=big: raw_highs(net, big), repeat)
        t_ipm, lp_ipm = timed(lambda net=net, big=big: raw_highs(net, big, "highs-ipm"), repeat)
        row = {
            "case": f"grid ~{n}", "links": len(net.links), "tc.solve": t_solve,
            "  of which LP": res.meta["solve_seconds"], "+ every table": t_tc, "two-phase (lp)": t_two,
            "raw HiGHS": t_lp, "raw HiGHS ipm": t_ipm,
            "tc/HiGHS": t_solve / min(t_lp, t_ipm), "with tables/HiGHS": t_tc / min(t_lp, t_ipm),
        }
        same = math.isclose(lp.fun, lp_ipm.fun, rel_tol=1e-7)
        unserved = total_supply(net) - res.total_delivered["crude"]
        same = same and math.isclose(res.total_cost / 1e6 + unserved * big, lp.fun, rel_tol=1e-7)
        if len(net.links) <= nx_max:
            t_nx, (nx_cost, _nx_flow) = timed(lambda G=G: nx.network_simplex(G), repeat)
            row["nx simplex"], row["tc/nx"] = t_nx, t_tc / t_nx
            same = same and math.isclose(lp.fun, nx_cost, rel_tol=1e-7)
        row["solver"] = ("penalty + certificate" if "penalty" in res.meta.get("method", "")
                         else res.meta["solver"].replace("highspy (persistent, ", "").rstrip(")"))
        row["same cost"] = bool(same)
        rows.append(row)
    return rows


def total_supply(net) -> float:
    return float(sum(e["value"] for e in net.baseline["supplies"]["crude"]))


def bench_real(repeat: int) -> list[dict]:
    net = tc.load_network()
    rows = []
    scenarios = [("baseline (no scenario)", None)]
    for p in sorted((ROOT / "examples" / "scenarios").glob("*.yaml")):
        scenarios.append((p.stem, tc.Scenario.from_yaml(p)))
    for name, sc in scenarios:
        t, res = timed(lambda sc=sc: tc.solve(net, sc), repeat)
        rows.append({
            "case": name, "links": len(res.network.links), "commodities": ",".join(res.commodities),
            "tc.solve": t, "  of which LP": res.meta["solve_seconds"],
            "delivered": sum(res.total_delivered.values()), "stranded": sum(res.total_unserved.values()),
        })
    return rows


def show(rows: list[dict]) -> None:
    if not rows:
        return
    cols = list(dict.fromkeys(k for r in rows for k in r))
    def cell(v):
        if isinstance(v, float):
            return f"{v:.3f}" if abs(v) < 1000 else f"{v:,.0f}"
        return str(v)
    table = [[cell(r.get(c, "")) for c in cols] for r in rows]
    widths = [max(len(c), *(len(t[i]) for t in table)) for i, c in enumerate(cols)]
    print("  ".join(c.rjust(w) for c, w in zip(cols, widths, strict=True)))
    for t in table:
        print("  ".join(v.rjust(w) for v, w in zip(t, widths, strict=True)))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--skip-real", action="store_true")
    args = ap.parse_args(argv)
    if not args.skip_real:
        print("Real network (seconds, median of", args.repeat, "runs)")
        show(bench_real(args.repeat))
        print()
    print("Synthetic grids, one commodity (seconds, median of", args.repeat, "runs)")
    show(bench_synthetic(args.sizes, args.repeat))
    return 0


if __name__ == "__main__":
    sys.exit(main())
