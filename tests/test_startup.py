"""Start-up: what `transcaspian --version`, `--help` and `solve` import, and the light stand-ins they use."""

from __future__ import annotations

import subprocess
import sys

import networkx as nx
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import transcaspian as tc
from transcaspian.flow.decompose import _acyclic

HEAVY = ("pandas", "geopandas", "networkx", "scipy", "shapely", "pyproj", "pyarrow", "matplotlib", "yaml")


def _loaded_after(argv: list[str], modules: tuple[str, ...]) -> list[str]:
    code = (
        "import contextlib, io, sys\n"
        "from transcaspian.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    code = main({argv!r})\n"
        "assert code == 0, code\n"
        f"print(','.join(m for m in {modules!r} if m in sys.modules))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return [m for m in proc.stdout.strip().split(",") if m]


def test_version_and_help_import_nothing_heavy():
    assert _loaded_after(["--version"], HEAVY) == []
    assert _loaded_after(["--help"], HEAVY) == []
    assert _loaded_after(["solve", "--help"], HEAVY) == []


def test_solve_imports_only_what_it_needs():
    slow = ("networkx", "scipy.optimize", "scipy.sparse.csgraph", "scipy.linalg", "matplotlib", "folium")
    assert _loaded_after(["solve", "--data", "tests/fixtures/mini"], slow) == []


def test_the_package_names_stay_the_functions_after_their_modules_load():
    import transcaspian.compare
    import transcaspian.criticality
    import transcaspian.ensemble  # noqa: F401

    assert callable(tc.compare) and tc.compare.__module__ == "transcaspian.compare"
    assert callable(tc.criticality) and tc.criticality.__name__ == "criticality"
    assert callable(tc.ensemble) and tc.ensemble.__name__ == "ensemble"
    assert tc.CorridorNetwork.__name__ == "CorridorNetwork" and tc.load_network.__module__ == "transcaspian.loader"
    assert set(tc.__all__) >= {"load_network", "CorridorNetwork", "compare", "criticality", "solve", "InputError"}


@st.composite
def arcs(draw):
    n = draw(st.integers(1, 8))
    m = draw(st.integers(0, 16))
    tail = np.array(draw(st.lists(st.integers(0, n - 1), min_size=m, max_size=m)), dtype=int)
    head = np.array(draw(st.lists(st.integers(0, n - 1), min_size=m, max_size=m)), dtype=int)
    x = np.array(draw(st.lists(st.sampled_from([0.0, 1e-12, 0.5, 2.0]), min_size=m, max_size=m)), dtype=float)
    skip = draw(st.lists(st.integers(0, max(m - 1, 0)), max_size=3)) if m else []
    return x, tail, head, skip


@given(arcs())
@settings(max_examples=300, deadline=None)
def test_acyclic_equals_networkx(case):
    x, tail, head, skip = case
    G = nx.MultiDiGraph()
    for a in range(len(x)):
        if x[a] > 1e-9 and a not in skip:
            G.add_edge(int(tail[a]), int(head[a]))
    assert _acyclic(x.copy(), tail, head, eps=1e-9, skip=skip) == nx.is_directed_acyclic_graph(G)
