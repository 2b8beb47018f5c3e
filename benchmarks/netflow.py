"""Benchmark tc.solve(method="netflow") against OR-Tools alone (not a test; run by hand).

On the synthetic grids of benchmarks/solve.py (one commodity, no node capacities), per size:

* ``OR-Tools alone``: ``SimpleMinCostFlow`` fed the same arcs in the same order (every
  link forward, the bidirectional ones backward too, a super source to the origins, the
  markets to a super sink; checked against tc's graph, :func:`same_arcs`) as integer
  numpy arrays built beforehand from the links, then
  ``solve_max_flow_with_min_cost`` and the arc flows read back: the solver and nothing
  else (``ratio vs alone + arrays`` adds the time to build those arrays from the
  frames with plain pandas, as a script using OR-Tools by hand would);
* ``tc netflow``: ``tc.solve(net, method="netflow")``, everything from the network to the
  (lazy) result: reading the network, building the arcs, scaling to integers, OR-Tools,
  the solution mapped back; ``ratio`` = tc netflow / OR-Tools alone (target: within 2x);
* ``+ tables``: building every table of that result afterwards (routes, link and node
  tables: what an eager result would have cost on top), but ``shadow_prices``, whose
  first read solves the LP for its duals (``tc lp``'s time);
* ``tc lp``: ``tc.solve(net)`` (the LP path, eager tables), for scale.

``same``: the netflow path's delivered total and cost are OR-Tools alone's (rel 1e-9);
``lp same``: the LP path's are too, within its tolerances (rel 1e-6; the LP's phase 2
holds the delivered volume to 1e-11 of supply, and its route decomposition drops
round-off, so it lands within about 1e-8 of the integer optimum at 50,000 links).

OR-Tools alone and tc netflow: best of ``--repeat`` consecutive runs each (see :func:`best`).

Usage: python benchmarks/netflow.py [--sizes 1000 10000 50000] [--repeat 7] [--lp-max 50000]
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from _timing import timed  # noqa: E402
from solve import grid, show  # noqa: E402

import transcaspian as tc  # noqa: E402

#: The tables a lazy result builds from its flow (all but shadow_prices, which solve the LP for duals).
TABLES = ("flows", "node_flows", "routes", "delivered", "unserved", "total_cost", "saturated", "emissions", "contracts")


def ortools_arrays(net) -> dict[str, np.ndarray]:
    """The grid's min-cost max-flow as OR-Tools' integer arrays (no transcaspian code)."""
    links = net.links
    pos = {n: i for i, n in enumerate(net.nodes.index.tolist())}
    frm = np.array([pos[n] for n in links["from_node"].tolist()], dtype=np.int32)
    to = np.array([pos[n] for n in links["to_node"].tolist()], dtype=np.int32)
    cap = links["capacity"].to_numpy(dtype=float).astype(np.int64)
    cost = np.array([c["crude"] for c in links["cost"].tolist()], dtype=np.int64)
    bidi = links["bidirectional"].to_numpy(dtype=bool)
    n = len(pos)
    source, sink = n, n + 1
    supplies = sorted(net.baseline["supplies"]["crude"], key=lambda e: e["origin"])  # tc's order (arc order matters)
    origins = np.array([pos[e["origin"]] for e in supplies], dtype=np.int32)
    supply = np.array([int(e["value"]) for e in supplies], dtype=np.int64)
    markets = np.array([pos[m] for m in net.baseline["markets"]["crude"]], dtype=np.int32)
    total = int(supply.sum())
    return {
        "tail": np.concatenate([frm, to[bidi], np.full(len(origins), source, np.int32), markets]).astype(np.int32),
        "head": np.concatenate([to, frm[bidi], origins, np.full(len(markets), sink, np.int32)]).astype(np.int32),
        "cap": np.concatenate([cap, cap[bidi], supply, np.full(len(markets), total, np.int64)]),
        "cost": np.concatenate([cost, cost[bidi], np.zeros(len(origins) + len(markets), np.int64)]),
        "ends": np.array([source, sink], dtype=np.int32),
        "supply": np.array([total, -total], dtype=np.int64),
    }


def same_arcs(net, a: dict[str, np.ndarray]) -> None:
    """Check that tc's network flow of ``net`` has exactly these arcs, capacities and (scaled) costs, in this order."""
    from transcaspian.flow.netflow import cost_scale, netflow_graph
    from transcaspian.flow.solver import prepare

    g = netflow_graph(prepare(net, ("crude",), objective="cost"))
    cap = np.where(np.isfinite(g.cap), g.cap, a["cap"].max())
    assert (g.tail == a["tail"]).all() and (g.head == a["head"]).all()
    assert (np.minimum(cap, a["supply"][0]) == np.minimum(a["cap"], a["supply"][0])).all()
    assert (np.round(g.cost * cost_scale(g)[0]) == a["cost"]).all()


def ortools_alone(a: dict[str, np.ndarray]) -> tuple[int, int]:
    """Solve the arrays with OR-Tools; the maximum flow and its (integer) min cost."""
    from ortools.graph.python import min_cost_flow

    smcf = min_cost_flow.SimpleMinCostFlow()
    smcf.add_arcs_with_capacity_and_unit_cost(a["tail"], a["head"], a["cap"], a["cost"])
    smcf.set_nodes_supplies(a["ends"], a["supply"])
    status = smcf.solve_max_flow_with_min_cost()
    assert status == smcf.OPTIMAL, status
    smcf.flows(np.arange(smcf.num_arcs()))
    return smcf.maximum_flow(), smcf.optimal_cost()


def best(fn, repeat: int) -> tuple[float, Any]:
    """Best of ``repeat`` consecutive runs of ``fn`` and the last result.

    Consecutive, not alternating with the other contender: measured at 10,000 links, OR-Tools
    alone right after a ``tc.solve`` runs about 1.8x slower than after itself (caches and
    allocator state), which would flatter whichever runs second. Best rather than median:
    the machine may be shared, and the best run is the least disturbed.
    """
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def bench(sizes: list[int], repeat: int, lp_max: int) -> list[dict]:
    rows = []
    for n in sizes:
        net = grid(n)
        arrays = ortools_arrays(net)
        same_arcs(net, arrays)
        tc.solve(net, method="netflow")  # warm: imports, caches
        t_or, (flow, cost) = best(lambda arrays=arrays: ortools_alone(arrays), repeat)
        t_nf, res = best(lambda net=net: tc.solve(net, method="netflow"), repeat)
        t_arr, _ = timed(lambda net=net: ortools_arrays(net), repeat)
        t0 = time.perf_counter()
        for name in TABLES:
            getattr(res, name)
        t_tables = time.perf_counter() - t0
        same = math.isclose(res.total_delivered["crude"], flow, rel_tol=1e-9) and math.isclose(
            res.total_cost / 1e6, cost, rel_tol=1e-9)
        row = {
            "case": f"grid ~{n}", "links": len(net.links), "arcs": len(arrays["tail"]),
            "OR-Tools alone": t_or, "tc netflow": t_nf, "ratio": t_nf / t_or,
            "ratio vs alone + arrays": t_nf / (t_or + t_arr),
            "  of which OR-Tools": res.meta["solve_seconds"], "+ tables": t_tables,
        }
        if len(net.links) <= lp_max:
            t_lp, lp = timed(lambda net=net: tc.solve(net), 1)
            row["tc lp"] = t_lp
            row["lp same"] = math.isclose(lp.total_delivered["crude"], flow, rel_tol=1e-6) and math.isclose(
                lp.total_cost / 1e6, cost, rel_tol=1e-6)
        row["same"] = bool(same)
        rows.append(row)
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000, 50000])
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--lp-max", type=int, default=50000, help="time the LP path only up to this many links")
    args = ap.parse_args(argv)
    print("Synthetic grids, one commodity (seconds, best of", args.repeat, "runs; tc lp: one run)")
    show(bench(args.sizes, args.repeat, args.lp_max))
    return 0


if __name__ == "__main__":
    sys.exit(main())
