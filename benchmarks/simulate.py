"""Benchmark tc.simulate on the corridor network (not a test; run with `python benchmarks/simulate.py`).

Two runs of the winter scenario's events and outage windows on the bundled network:

* 12 months by month (October 2025 - September 2026), target under 0.5 s;
* 365 days by day (the same year), target under 5 s;
* 12 months by month with pro-rata allocation by month (no target: the cost of the fair shares).

Each is timed end to end (scenario read, capacities by day, LP build, solve, tables),
median of ``--repeat`` runs, and set against a raw HiGHS LP of the same size in the
same process: the time-expanded matrices themselves, solved once by
``scipy.optimize.linprog(method="highs")`` with the phase-1 objective. Peak memory is
traced with tracemalloc (Python allocations, in a separate run since tracing slows it)
and read as the process's peak RSS.

Usage: python benchmarks/simulate.py [--repeat 3] [--method auto]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
from scipy.optimize import linprog

ROOT = Path(__file__).resolve().parents[1]
WINTER = ROOT / "examples" / "scenarios" / "winter_2025_26.yaml"

from _timing import timed  # noqa: E402

import transcaspian as tc  # noqa: E402
from transcaspian.timeline import model as tm  # noqa: E402

#: label, step, target seconds (None: no target), allocation
CASES = (("12 months, monthly", "month", 0.5, "cost"), ("365 days, daily", "day", 5.0, "cost"),
         ("12 months, pro rata", "month", None, "pro_rata"))



def capture_lp(net, sc, step: str, allocation: str = "cost"):
    """The time-expanded matrices simulate builds, captured from its first solver call."""
    got = {}
    real = tm._linprog_if_feasible

    def grab(c, A_ub, b_ub, A_eq, b_eq, bounds, *, phase):
        got.setdefault("lp", (c, A_ub, b_ub, A_eq, b_eq, bounds))
        return real(c, A_ub, b_ub, A_eq, b_eq, bounds, phase=phase)

    tm._linprog_if_feasible = grab
    try:
        tc.simulate(net, sc, start="2025-10-01", end="2026-09-30", step=step, method="lexicographic",
                    allocation=allocation)
    finally:
        tm._linprog_if_feasible = real
    return got["lp"]


def raw_highs(lp) -> float:
    c, A_ub, b_ub, A_eq, b_eq, bounds = lp
    t0 = time.perf_counter()
    res = linprog(c, A_ub=A_ub, b_ub=b_ub, A_eq=A_eq, b_eq=b_eq, bounds=bounds, method="highs")
    assert res.status == 0, res.message
    return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--method", default="auto", choices=["auto", "lexicographic", "penalty"])
    args = ap.parse_args(argv)
    net = tc.load_network()
    sc = tc.Scenario.from_yaml(WINTER)
    tc.simulate(net, sc, start="2025-10", end="2025-11", allocation="cost")  # warm-up: imports, caches
    print(f"tc.simulate on the corridor network ({len(net.nodes)} nodes, {len(net.links)} links), method={args.method}")
    print(f"{'case':22s} {'periods':>7s} {'columns':>8s} {'rows':>7s} {'simulate s':>10s} {'raw HiGHS s':>11s} "
          f"{'ratio':>6s} {'target':>7s} {'peak traced MB':>14s}")
    ok = True
    for label, step, target, allocation in CASES:
        def run(step: str = step, allocation: str = allocation):
            return tc.simulate(net, sc, start="2025-10-01", end="2026-09-30", step=step, method=args.method,
                               allocation=allocation)

        t, res = timed(run, args.repeat)
        raw = statistics.median(raw_highs(capture_lp(net, sc, step, allocation)) for _ in range(max(1, args.repeat // 2)))
        tracemalloc.start()
        run()
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        rows = res.meta["equality_rows"] + res.meta["inequality_rows"]
        flag = "-" if target is None else "ok" if t < target else "OVER"
        ok &= target is None or t < target
        goal = "-" if target is None else "<" + str(target)
        print(f"{label:22s} {res.meta['periods']:7d} {res.meta['variables']:8d} {rows:7d} {t:10.3f} {raw:11.3f} "
              f"{t / raw:6.2f} {goal:>7s} {peak:14.1f}  {flag} ({res.meta['method']}, {allocation})")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of the process: {rss:.0f} MB")
    print(f"numpy {np.__version__}, python {sys.version.split()[0]}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
