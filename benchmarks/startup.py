"""Benchmark start-up: the CLI's wall time against a bare interpreter (not a test).

Each command runs in a fresh interpreter (``python -m transcaspian.cli``), so the
figure is what a user waits for; the bare ``python -c pass`` is the floor. The
``solve`` row also reports the solve itself (``tc.solve`` timed in-process on a
loaded network), so ``solve CLI - solve`` is the start-up and loading overhead.
``load_network`` is timed in-process (median, warm imports), and with the pure-Python
YAML loader for comparison.

Bytecode: an installed package runs from cached ``.pyc`` files, so by default the
commands run with a bytecode cache in a temporary folder (``PYTHONPYCACHEPREFIX``,
warmed by a first run) even where ``PYTHONDONTWRITEBYTECODE`` is set;
``--no-bytecode-cache`` compiles every module of the package on each run instead.

Usage: python benchmarks/startup.py [--repeat 5] [--no-bytecode-cache]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from _timing import timed  # noqa: E402

ENV = {**os.environ, "PYTHONPATH": str(ROOT / "src")}


def wall(argv: list[str], repeat: int) -> float:
    """Median wall time of running ``argv`` ``repeat`` times after one warm-up run (output discarded)."""
    subprocess.run(argv, env=ENV, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        proc = subprocess.run(argv, env=ENV, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        times.append(time.perf_counter() - t0)
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(argv)} failed: {proc.stderr.decode()[-2000:]}")
    return statistics.median(times)


def heavy_modules(argv_tail: list[str]) -> list[str]:
    """Heavy third-party modules loaded by ``transcaspian <argv_tail>``."""
    code = (
        "import sys, contextlib, io\n"
        "from transcaspian.cli import main\n"
        f"with contextlib.redirect_stdout(io.StringIO()): main({argv_tail!r})\n"
        "heavy = ('pandas', 'geopandas', 'networkx', 'scipy', 'scipy.optimize', 'shapely', 'pyproj', 'matplotlib', 'pyarrow')\n"
        "print(','.join(m for m in heavy if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], env=ENV, cwd=ROOT, capture_output=True, text=True, check=True)
    return [m for m in out.stdout.strip().split(",") if m]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--no-bytecode-cache", action="store_true", help="compile the package's modules on every run")
    args = ap.parse_args(argv)
    if args.no_bytecode_cache:
        ENV["PYTHONDONTWRITEBYTECODE"] = "1"
        ENV.pop("PYTHONPYCACHEPREFIX", None)
    else:
        ENV.pop("PYTHONDONTWRITEBYTECODE", None)
        ENV["PYTHONPYCACHEPREFIX"] = tempfile.mkdtemp(prefix="tc-pycache-")
    py = sys.executable
    cli = [py, "-m", "transcaspian.cli"]
    bare = wall([py, "-c", "pass"], args.repeat)
    rows = [("python -c pass", bare, None)]
    for label, tail in (("--version", ["--version"]), ("--help", ["--help"]), ("solve --help", ["solve", "--help"])):
        rows.append((f"transcaspian {label}", wall([*cli, *tail], args.repeat), None))

    import transcaspian as tc
    from transcaspian import io

    t_load, net = timed(lambda: tc.load_network(), args.repeat)
    t_solve, _ = timed(lambda: tc.solve(net), args.repeat)
    t_cli = wall([*cli, "solve"], args.repeat)
    floor = wall([py, "-c", "import pandas, geopandas, scipy.sparse, highspy"], args.repeat)
    rows.append(("import pandas geopandas ...", floor, None))
    rows.append(("transcaspian solve", t_cli, t_solve))

    cache = "no bytecode cache" if args.no_bytecode_cache else "bytecode cached"
    print(f"Start-up (wall seconds, median of {args.repeat}; fresh interpreter each run, {cache}; 'import pandas "
          "geopandas ...' is what a solve cannot avoid: pandas, geopandas, scipy.sparse, highspy)")
    print(f"{'command':28s} {'wall':>7s} {'/bare':>7s} {'- bare':>7s}  notes")
    for label, t, solve_t in rows:
        note = (f"solve itself {solve_t:.3f} s, overhead {t - solve_t:.3f} s, beyond the libraries' imports "
                f"{t - solve_t - floor:.3f} s") if solve_t is not None else ""
        print(f"{label:28s} {t:7.3f} {t / bare:7.1f} {t - bare:7.3f}  {note}")
    print()
    print("heavy modules loaded:")
    for label, tail in (("--version", ["--version"]), ("--help", ["--help"])):
        try:
            mods = heavy_modules(tail)
        except subprocess.CalledProcessError:
            mods = ["(failed)"]
        print(f"  {label:10s} {', '.join(mods) or 'none'}")
    print()
    pure = io.StrictSafeLoader
    t_pure = None
    if hasattr(io, "PureStrictSafeLoader"):
        io.StrictSafeLoader = io.PureStrictSafeLoader  # type: ignore[misc]
        try:
            t_pure, _ = timed(lambda: tc.load_network(), args.repeat)
        finally:
            io.StrictSafeLoader = pure  # type: ignore[misc]
    print(f"load_network (bundled data, in-process, median of {args.repeat}): {t_load:.3f} s"
          + (f"; with the pure-Python YAML loader {t_pure:.3f} s ({t_pure / t_load:.1f}x)" if t_pure else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
