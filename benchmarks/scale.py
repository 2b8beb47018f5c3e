"""Scale and memory: a generated 100k-link network loaded, validated, solved and swept.

Not a test (run by hand: ``python benchmarks/scale.py``). Each step runs in its own child
process, so its peak resident memory (``ru_maxrss``) is its own:

1. ``write``: a grid of about 100,000 links (the grid of benchmarks/solve.py) written as a
   geodata folder (nodes.geojson, links.geojson, sources.yaml, baseline.yaml), every
   link and node with the properties validation requires.
2. ``load``: ``tc.load_network(folder)``: parse, validate every element, build the frames.
3. ``solve``: load, then ``tc.solve`` (two LP phases, route decomposition, tables).
4. references in the same run, on the same graph: the raw penalty LP by
   ``scipy.optimize.linprog(method="highs")`` (no tables, no routes), and
   ``networkx.maximum_flow_value`` (the delivered volume must equal it).
5. ``sweep``: knock out each of N links in turn (default 1,000, drawn at random) in the
   persistent sweep core (:class:`transcaspian.flow.sweep.KnockoutSweep`: one model, bounds
   changed, warm re-solves) and stream one CSV row per element (delivered, lost, cost)
   into an output set (renamed into place at the end; Parquet as well when pyarrow is
   installed). An element that carries no flow in the base solution is answered without
   a solve: the base optimum stays feasible without it and nothing can do better.
   ``--max-solves`` caps the re-solves (0, the default: none; the rest are reported as
   skipped, and the time per re-solve gives the estimate for all).

Usage: python benchmarks/scale.py [--links 100000] [--sweep 1000] [--max-solves 0] [--keep DIR]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from solve import grid, raw_highs, show  # noqa: E402

MINI = ROOT / "tests" / "fixtures" / "mini"


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _templates() -> tuple[dict, dict]:
    nodes = json.loads((MINI / "nodes.geojson").read_text())["features"]
    links = json.loads((MINI / "links.geojson").read_text())["features"]
    return next(f for f in nodes if f["properties"]["kind"] == "junction"), links[0]


def write_folder(n_links: int, folder: Path) -> dict:
    """The grid as a geodata folder; returns its counts and file sizes."""
    from transcaspian.io import write_atomic

    net = grid(n_links)
    node_t, link_t = _templates()
    xy = {nid: (float(g.x), float(g.y)) for nid, g in net.nodes.geometry.items()}
    nodes = []
    for nid in net.nodes.index:
        props = {**node_t["properties"], "id": nid, "name": nid, "aliases": []}
        nodes.append({"type": "Feature", "id": nid, "properties": props, "geometry": {"type": "Point", "coordinates": list(xy[nid])}})
    links = []
    for lid, r in net.links.iterrows():
        a, b = xy[r["from_node"]], xy[r["to_node"]]
        props = {**link_t["properties"], "id": lid, "name": lid, "from_node": r["from_node"], "to_node": r["to_node"],
                 "capacity": float(r["capacity"]), "cost": {"crude": float(r["cost"]["crude"])},
                 "bidirectional": bool(r["bidirectional"]), "length_km": 5.0}
        links.append({"type": "Feature", "id": lid, "properties": props, "geometry": {"type": "LineString", "coordinates": [list(a), list(b)]}})
    import yaml

    write_atomic(folder / "nodes.geojson", json.dumps({"type": "FeatureCollection", "features": nodes}))
    write_atomic(folder / "links.geojson", json.dumps({"type": "FeatureCollection", "features": links}))
    write_atomic(folder / "sources.yaml", (MINI / "sources.yaml").read_text())
    supplies = [{"origin": e["origin"], "value": float(e["value"]), "unit": "Mt/y", "sources": ["T1"], "confidence": "reported"}
                for e in net.baseline["supplies"]["crude"]]
    write_atomic(folder / "baseline.yaml", yaml.safe_dump({"year": 2025, "supplies": {"crude": supplies},
                                                           "markets": {"crude": list(net.baseline["markets"]["crude"])},
                                                           "contracts": []}))
    return {"nodes": len(nodes), "links": len(links),
            "nodes MB": (folder / "nodes.geojson").stat().st_size / 2**20, "links MB": (folder / "links.geojson").stat().st_size / 2**20}


# ------------------------------------------------------------------ child steps
def step_load(folder: Path) -> dict:
    import transcaspian as tc

    t0 = time.perf_counter()
    net = tc.load_network(folder)
    return {"seconds": time.perf_counter() - t0, "peak MB": _rss_mb(), "links": len(net.links)}


def step_solve(folder: Path) -> dict:
    import transcaspian as tc

    net = tc.load_network(folder)
    t0 = time.perf_counter()
    res = tc.solve(net)
    return {"seconds": time.perf_counter() - t0, "peak MB": _rss_mb(), "LP seconds": res.meta["solve_seconds"],
            "delivered": res.total_delivered["crude"], "cost": res.total_cost}


def step_highs(n_links: int) -> dict:
    net = grid(n_links)
    big = int(net.links["cost"].map(lambda c: c["crude"]).sum()) + 1
    t0 = time.perf_counter()
    lp = raw_highs(net, big)
    total = sum(e["value"] for e in net.baseline["supplies"]["crude"])
    return {"seconds": time.perf_counter() - t0, "peak MB": _rss_mb(), "delivered": total - float(lp.x[-1])}


def step_maxflow(n_links: int) -> dict:
    import networkx as nx

    from netbuild import nx_flow_graph

    net = grid(n_links)
    G, s, t = nx_flow_graph(net)
    t0 = time.perf_counter()
    value = nx.maximum_flow_value(G, s, t)
    return {"seconds": time.perf_counter() - t0, "peak MB": _rss_mb(), "delivered": float(value)}


def step_sweep(folder: Path, n: int, max_solves: int, out: Path) -> dict:
    """N elements knocked out one at a time in the persistent sweep core, one CSV row streamed per element."""
    import numpy as np

    import transcaspian as tc
    from transcaspian.flow.solver import prepare
    from transcaspian.flow.sweep import KnockoutSweep
    from transcaspian.io import OutputSet

    net = tc.load_network(folder)
    t_base = time.perf_counter()
    sweep = KnockoutSweep(prepare(net, ("crude",), objective="cost"))
    t_base = time.perf_counter() - t_base
    base = sweep.base
    rng = np.random.default_rng(7)
    elements = list(rng.choice(np.asarray(net.links.index), size=min(n, len(net.links)), replace=False))
    t0 = time.perf_counter()
    solves = skipped = idle = 0
    solve_seconds = 0.0
    cap = max_solves if max_solves > 0 else len(elements)
    with OutputSet(out) as outputs:
        path = outputs.path("sweep.csv")
        with open(path, "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["element", "carried", "delivered", "lost", "cost_usd", "how"])
            for eid in elements:
                el = ("link", str(eid))
                carried = float(base.link_flow["crude"][sweep.lp.link_pos[str(eid)]])
                if not sweep.carries_flow(el, base, tol=1e-9):
                    idle += 1
                    row = [eid, carried, base.delivered["crude"], 0.0, base.cost_usd, "no flow: base optimum"]
                elif solves < cap:
                    t1 = time.perf_counter()
                    res = sweep.outcome([el])
                    solve_seconds += time.perf_counter() - t1
                    solves += 1
                    d = res.delivered["crude"] if res is not None else float("nan")
                    row = [eid, carried, d, base.delivered["crude"] - d, res.cost_usd if res else "", "re-solved warm"]
                else:
                    skipped += 1
                    row = [eid, carried, "", "", "", "skipped (--max-solves)"]
                w.writerow(row)
                fh.flush()  # streamed: one row at a time, memory flat
        rows = path.read_text(encoding="utf-8")
        try:
            import pyarrow as pa
            import pyarrow.csv as pacsv
            import pyarrow.parquet as pq

            pq.write_table(pacsv.read_csv(pa.py_buffer(rows.encode())), outputs.path("sweep.parquet"))
        except ImportError:
            pass
    per = solve_seconds / solves if solves else math.nan
    return {"seconds": time.perf_counter() - t0, "base seconds": t_base, "peak MB": _rss_mb(), "elements": len(elements),
            "with flow": len(elements) - idle, "solved": solves, "skipped": skipped,
            "s per re-solve": per, "rows": io.StringIO(rows).read().count("\n") - 1}


def _child(*argv: str) -> dict:
    """Run one step in a child process; its figures are printed at once (a stopped run keeps the earlier ones)."""
    out = subprocess.run([sys.executable, __file__, "--step", *argv], capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"step {argv[0]} failed:\n{out.stderr[-3000:]}")
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"  {argv[0]}: {json.dumps(figures)}", flush=True)
    return figures


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--links", type=int, default=100_000)
    ap.add_argument("--sweep", type=int, default=1000)
    ap.add_argument("--max-solves", type=int, default=0, help="cap on warm re-solves (0: none)")
    ap.add_argument("--keep", type=Path, default=None, help="write the folder and the sweep here (default: a temporary one)")
    ap.add_argument("--step", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.step:
        name, *rest = args.step
        fn = {"load": lambda: step_load(Path(rest[0])), "solve": lambda: step_solve(Path(rest[0])),
              "highs": lambda: step_highs(int(rest[0])), "maxflow": lambda: step_maxflow(int(rest[0])),
              "sweep": lambda: step_sweep(Path(rest[0]), int(rest[1]), int(rest[2]), Path(rest[3]))}[name]
        print(json.dumps(fn()))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        root = args.keep or Path(tmp)
        folder = root / "geodata"
        t0 = time.perf_counter()
        sizes = write_folder(args.links, folder)
        print(f"network: {sizes['nodes']:,} nodes, {sizes['links']:,} links; nodes.geojson {sizes['nodes MB']:.1f} MB, "
              f"links.geojson {sizes['links MB']:.1f} MB (written in {time.perf_counter() - t0:.1f} s)")
        load = _child("load", str(folder))
        solved = _child("solve", str(folder))
        highs = _child("highs", str(args.links))
        maxflow = _child("maxflow", str(args.links))
        sweep = _child("sweep", str(folder), str(args.sweep), str(args.max_solves), str(root / "sweep"))
    rows = [
        {"step": "load + validate", "seconds": load["seconds"], "peak MB": load["peak MB"], "ratio": ""},
        {"step": "tc.solve (after load)", "seconds": solved["seconds"], "peak MB": solved["peak MB"],
         "ratio": f"{solved['seconds'] / highs['seconds']:.1f}x raw HiGHS"},
        {"step": "  of which LP", "seconds": solved["LP seconds"], "peak MB": "", "ratio": ""},
        {"step": "raw HiGHS linprog (reference)", "seconds": highs["seconds"], "peak MB": highs["peak MB"], "ratio": "1.0"},
        {"step": "networkx max-flow (reference)", "seconds": maxflow["seconds"], "peak MB": maxflow["peak MB"],
         "ratio": f"{solved['seconds'] / maxflow['seconds']:.2f}x nx"},
        {"step": "  sweep's base (persistent model)", "seconds": sweep["base seconds"], "peak MB": "", "ratio": ""},
        {"step": f"sweep of {sweep['elements']} elements", "seconds": sweep["seconds"], "peak MB": sweep["peak MB"],
         "ratio": f"{sweep['with flow']} carry flow, {sweep['solved']} re-solved warm, {sweep['skipped']} skipped"},
    ]
    show(rows)
    # Phase 2 may give up DELIVERED_TOL (1e-11) of the shortfall share and the solvers work
    # to a feasibility tolerance of 1e-9 per row: equal means within 1e-8 of the volume.
    same = math.isclose(solved["delivered"], maxflow["delivered"], rel_tol=1e-8) and \
        math.isclose(solved["delivered"], highs["delivered"], rel_tol=1e-7)
    print(f"delivered: tc.solve {solved['delivered']:,.3f}, networkx max-flow {maxflow['delivered']:,.3f}, "
          f"raw HiGHS {highs['delivered']:,.3f} -> {'equal' if same else 'DIFFERENT'}")
    per = sweep["s per re-solve"]
    if sweep["skipped"]:
        print(f"sweep: {per:.1f} s per re-solve; the {sweep['with flow']} elements with flow would take about "
              f"{sweep['with flow'] * per / 60:.0f} min in all")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
