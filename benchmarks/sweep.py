"""Benchmark the N-k sweeps and ensembles (not a test; run as ``python benchmarks/sweep.py``).

Each figure is a ratio against a reference measured in the same run:

1. corridor N-1 over nodes and links: ``tc.criticality(elements="both")`` (persistent
   model, pruning) against naive re-solving (``engine="resolve", prune=False``: one
   ``tc.solve`` per element), with the rows compared;
2. a grid of about 10k links, N-1 over every link (``--workers`` shares): the sweep against raw highspy (the
   single-LP penalty form in one model, each link's column bounds set to 0 and
   re-solved warm: the floor for this approach) and against naive re-solving
   (timed on a sample of links and extrapolated); delivered volumes compared with the
   raw model's for every link;
3. corridor N-2 over all pairs of the top 20 elements;
4. an ensemble on the corridor (one year, monthly) against a plain loop of ``tc.simulate``.

Usage: python benchmarks/sweep.py [--links 10000] [--naive-sample 8] [--draws 200] [--workers 2]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from _timing import timed  # noqa: E402
from solve import grid, show  # noqa: E402

import transcaspian as tc  # noqa: E402
from transcaspian.flow.highs import HighsLP  # noqa: E402


class RawPenalty:
    """The grid's penalty LP (an S->T bypass arc at a big cost) in one highspy model, arcs per link."""

    def __init__(self, net) -> None:
        nodes = {n: i for i, n in enumerate(net.nodes.index)}
        S, T = len(nodes), len(nodes) + 1
        tail, head, cost, cap, link = [], [], [], [], []
        for j, (_lid, r) in enumerate(net.links.iterrows()):
            a, b = nodes[r["from_node"]], nodes[r["to_node"]]
            for u, v in [(a, b)] + ([(b, a)] if r["bidirectional"] else []):
                tail.append(u), head.append(v), cost.append(r["cost"]["crude"]), cap.append(r["capacity"]), link.append(j)
        for e in net.baseline["supplies"]["crude"]:
            tail.append(S), head.append(nodes[e["origin"]]), cost.append(0), cap.append(e["value"]), link.append(-1)
        for m in net.baseline["markets"]["crude"]:
            tail.append(nodes[m]), head.append(T), cost.append(0), cap.append(np.inf), link.append(-1)
        self.total = sum(e["value"] for e in net.baseline["supplies"]["crude"])
        big = float(sum(cost)) + 1
        tail.append(S), head.append(T), cost.append(big), cap.append(np.inf), link.append(-1)
        n = len(tail)
        A = sp.csr_matrix((np.r_[np.ones(n), -np.ones(n)], (np.r_[tail, head], np.r_[np.arange(n), np.arange(n)])),
                          shape=(len(nodes) + 2, n))
        b = np.zeros(len(nodes) + 2)
        b[S], b[T] = self.total, -self.total
        self.cap = np.array(cap, float)
        self.link = np.array(link)
        self.m = HighsLP(A, b, sp.csr_matrix((0, n)), np.zeros(0), np.column_stack([np.zeros(n), self.cap]))
        self.m.set_cost(np.array(cost, float))
        self.bypass = n - 1
        order = np.argsort(self.link, kind="stable")
        self.cols = {int(self.link[g[0]]): g for g in np.split(order, np.flatnonzero(np.diff(self.link[order])) + 1)}

    def delivered(self, res) -> float:
        return float(self.total - res.x[self.bypass])

    def sweep(self) -> list[float]:
        out = []
        self.m.run("base")
        for j in range(len(self.cols) - (1 if -1 in self.cols else 0)):
            cols = self.cols[j]
            self.m.set_col_bounds(cols, np.zeros(len(cols)), np.zeros(len(cols)))
            out.append(self.delivered(self.m.run("cut")))
            self.m.set_col_bounds(cols, np.zeros(len(cols)), self.cap[cols])
        return out


def corridor_n1(repeat: int) -> list[dict]:
    net = tc.load_network()
    t_fast, fast = timed(lambda: tc.criticality(net, elements="both"), repeat)
    t_naive, naive = timed(lambda: tc.criticality(net, elements="both", engine="resolve", prune=False), 1)
    naive = naive.loc[fast.index]
    same = bool(np.allclose(fast["lost"], naive["lost"], atol=1e-6) and np.allclose(fast["cost_change"], naive["cost_change"],
                                                                                         rtol=1e-6, atol=1e-3))
    return [{"case": "corridor N-1, nodes+links", "elements": len(fast), "tc sweep s": t_fast, "naive s": t_naive,
             "naive/tc": t_naive / t_fast, "target s": 0.3, "met": t_fast < 0.3, "same rows": same}]


def grid_n1(n_links: int, sample: int, workers: int) -> list[dict]:
    net = grid(n_links)
    raw = RawPenalty(net)
    t_raw, raw_lost = timed(raw.sweep, 1)
    t0 = time.perf_counter()
    crit = tc.criticality(net, elements="links", workers=workers)
    t_tc = time.perf_counter() - t0
    base = tc.solve(net).total_delivered["crude"]
    lids = list(net.links.index)
    raw_by = dict(zip(lids, raw_lost, strict=True))  # delivered without each link, per the raw model
    lost_raw = np.array([base - raw_by[i] for i in crit.index])
    same = bool(np.allclose(crit["lost"].to_numpy(float), np.clip(lost_raw, 0, None), atol=1e-6 * raw.total))
    rng = np.random.default_rng(0)
    pick = [lids[i] for i in rng.choice(len(lids), size=min(sample, len(lids)), replace=False)]
    t1 = time.perf_counter()
    naive = tc.criticality(net, elements="links", candidates=pick, engine="resolve", prune=False)
    t_naive = (time.perf_counter() - t1) / len(pick) * len(lids)
    same_naive = bool(np.allclose(crit.loc[naive.index, "lost"], naive["lost"], atol=1e-6 * raw.total))
    idle = float((crit["lost"].eq(0) & crit["cost_change"].eq(0)).mean())
    return [{"case": "grid N-1 over links", "links": len(lids), "workers": workers, "tc sweep s": t_tc, "raw highspy s": t_raw,
             "tc/raw": t_tc / t_raw, "naive s (extrap.)": t_naive, "naive/tc": t_naive / t_tc, "no-change share": idle,
             "target": "<60 s, >=100x naive", "met": t_tc < 60 and t_naive / t_tc >= 100,
             "same as raw": same, "same as naive": same_naive}]


def corridor_n2(repeat: int) -> list[dict]:
    net = tc.load_network()
    t, pairs = timed(lambda: tc.criticality(net, elements="both", k=2, top=20), repeat)
    t_np, plain = timed(lambda: tc.criticality(net, elements="both", k=2, top=20, prune=False), 1)
    same = bool(np.allclose(pairs["lost"], plain.loc[pairs.index, "lost"], atol=1e-6))
    return [{"case": "corridor N-2, top 20", "pairs": len(pairs), "tc sweep s": t, "unpruned s": t_np,
             "unpruned/tc": t_np / t, "target s": 2.0, "met": t < 2.0, "same rows": same}]


def ensemble_rows(draws: int, workers: int) -> list[dict]:
    """tc.ensemble over one year, monthly, against a plain loop of tc.simulate calls (10 draws, extrapolated)."""
    from transcaspian.ensemble import ensemble
    from transcaspian.hazards import load_hazards, sample_windows

    net = tc.load_network()
    t0 = time.perf_counter()
    ens = ensemble(net, None, draws=draws, seed=1, start="2026-01", end="2026-12", step="month", workers=workers)
    t = time.perf_counter() - t0
    hz = load_hazards()
    t1 = time.perf_counter()
    for i in range(10):
        w = sample_windows(hz, "2026-01-01", "2026-12-31", np.random.default_rng([1, i]))
        outages = tuple({k: v for k, v in x.items() if k != "hazard"} for x in w)
        tc.simulate(net, tc.Scenario(name="d", outages=outages), start="2026-01", end="2026-12", method="penalty")
    per_sim = (time.perf_counter() - t1) / 10
    per_draw = t / draws
    return [{"case": "ensemble, corridor, 12 months", "draws": draws, "workers": workers, "tc s": t,
             "s per draw": per_draw, "10k draws s (extrap.)": per_draw * 10000, "simulate loop s per draw": per_sim,
             "loop/tc": per_sim / per_draw, "target s (10k)": 60.0, "met": per_draw * 10000 < 60,
             "P50 lost": float(ens.summary.loc["lost", "p50"]), "P90 lost": float(ens.summary.loc["lost", "p90"])}]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--links", type=int, default=10000)
    ap.add_argument("--naive-sample", type=int, default=8)
    ap.add_argument("--draws", type=int, default=200, help="draws measured (the 10k figure is extrapolated)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--only", choices=["corridor", "grid", "n2", "ensemble"], nargs="*", default=None)
    args = ap.parse_args(argv)
    parts = args.only or ["corridor", "grid", "n2", "ensemble"]
    if "corridor" in parts:
        print("Corridor N-1 (seconds; tc: median of", args.repeat, "runs)")
        show(corridor_n1(args.repeat))
        print()
    if "n2" in parts:
        print("Corridor N-2")
        show(corridor_n2(args.repeat))
        print()
    if "grid" in parts:
        print(f"Synthetic grid ~{args.links} links, N-1 over every link (seconds)")
        show(grid_n1(args.links, args.naive_sample, args.workers))
        print()
    if "ensemble" in parts:
        print("Ensemble on the corridor")
        show(ensemble_rows(args.draws, args.workers))
    return 0


if __name__ == "__main__":
    sys.exit(main())
