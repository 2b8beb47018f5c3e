"""The import contract of the package: layers, no cycles, no stray heavy imports.

Every module of ``src/transcaspian`` is parsed with :mod:`ast`; every import counts,
at module level and inside functions (a function-level import still runs, just
later), relative imports resolved. Imports under ``if TYPE_CHECKING:`` never run
and are exempt from every rule: that is the way for a lower layer to name a type
of a higher one.

Layers, lowest first (:data:`LAYERS`)::

    base      errors, schema, units, _numeric, io, aliases, parameters, elements, countries, examples, dates
    data      network, loader, validation, events, scenario
    flow      flow, flow.*
    analysis  routes, compare, calibration, tables
    timeline  timeline, timeline.*  (simulate: the flow LP over periods)
    sweeps    criticality, ensemble, executors, hazards  (many solves or simulations)
    maps      maps, maps.*
    cli       cli

A module may import any module of a lower layer. Within the base, data and analysis
layers it may import only the modules :data:`SAME_LAYER` lists for it (e.g. the
loader may import network, validation and events; network and validation import no
data module). Within ``flow`` and ``maps`` a module may import any module of its own
subpackage except the subpackage's ``__init__`` (which exports, and is imported by
nobody inside). Over all of it the import graph must have no cycle. Every module
must belong to a layer: a new top-level module is added to :data:`LAYERS`. Importing ``a.b.c`` also runs the package ``a.b``: an
import from outside a subpackage counts as an import of the subpackage's
``__init__`` too.

The package root (``transcaspian/__init__.py``) is the facade: it may import the
base, data and analysis layers; the flow and maps layers, heavy, it exports lazily
(``__getattr__``). A submodule may import from the root only ``__version__``, which
the root defines before it imports any submodule.

Nothing outside ``maps`` imports matplotlib, folium or branca.
"""

from __future__ import annotations

import ast
import dataclasses
import subprocess
import sys
import textwrap
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

PACKAGE = "transcaspian"
SRC = Path(__file__).resolve().parents[1] / "src" / PACKAGE

#: Layers, lowest first; modules by their name inside the package ("" is the root).
LAYERS: dict[str, tuple[str, ...]] = {
    "base": ("errors", "schema", "units", "_numeric", "io", "aliases", "parameters", "elements", "countries", "examples", "dates",
             "interop", "interop.columns", "interop.writers", "interop.graph", "interop.tidy"),
    "data": ("network", "guards", "loader", "validation", "changes", "terminals", "events", "_scenario_fields", "scenario"),
    "flow": ("flow", "flow.*"),
    "analysis": ("tables", "routes", "compare", "calibration"),
    "timeline": ("timeline", "timeline.*"),
    # interop: networks from frames, files and lines, results out, PyPSA (the network type's
    # export helpers, which it calls, sit in the base layer above)
    "interop": ("interop.*",),
    # many solves (N-k) or simulations (ensembles); criticality ranks on simulate too
    "sweeps": ("criticality", "ensemble", "executors", "hazards"),
    "maps": ("maps", "maps.*"),
    "cli": ("cli",),
}
#: Subpackages whose modules import each other freely (never their own __init__).
SUBPACKAGES = ("flow", "timeline", "maps", "interop")

#: Same-layer imports allowed in the base, data and analysis layers (importer -> imported).
#: Anything not listed is forbidden.
SAME_LAYER: dict[str, frozenset[str]] = {
    "errors": frozenset(),
    "schema": frozenset(),
    "units": frozenset({"errors", "schema"}),
    "io": frozenset({"errors"}),
    "aliases": frozenset(),
    "parameters": frozenset({"errors", "schema", "units"}),
    "elements": frozenset({"errors", "schema", "units"}),
    "countries": frozenset(),
    "examples": frozenset({"errors"}),
    "dates": frozenset({"errors"}),
    "interop": frozenset(),
    "interop.columns": frozenset({"schema"}),
    "interop.writers": frozenset({"errors", "io", "interop.columns"}),
    "interop.graph": frozenset({"elements", "errors", "units"}),
    # data: the network type knows nothing of files; validation checks raw files only;
    # the loader puts files, validation, the network and events together.
    "network": frozenset(),
    "guards": frozenset({"network"}),
    "validation": frozenset(),
    "changes": frozenset(),
    "terminals": frozenset(),
    "events": frozenset({"changes", "terminals"}),
    "_scenario_fields": frozenset({"loader", "network"}),
    "loader": frozenset({"network", "validation", "events", "guards"}),
    "scenario": frozenset({"network", "loader", "events", "changes", "_scenario_fields", "guards"}),
    # analysis: the report helpers are shared
    "tables": frozenset(),
    "routes": frozenset({"tables"}),
    "compare": frozenset({"tables"}),
    "criticality": frozenset({"tables", "executors"}),
    "ensemble": frozenset({"tables", "executors", "hazards"}),
    "executors": frozenset(),
    "hazards": frozenset(),
    "calibration": frozenset({"tables", "compare"}),
}
#: Layers the package root may import eagerly.
ROOT_LAYERS = frozenset({"base", "data", "analysis", "sweeps"})
#: What a submodule may import from the package root.
ROOT_NAMES = frozenset({"__version__"})
#: Third-party packages only ``maps`` may import.
MAPS_ONLY = frozenset({"matplotlib", "folium", "branca"})
#: Heavy modules ``import transcaspian`` must not load.
HEAVY = ("matplotlib", "folium", "branca", "scipy.optimize", f"{PACKAGE}.flow", f"{PACKAGE}.timeline", f"{PACKAGE}.maps")


@dataclasses.dataclass(frozen=True)
class Import:
    """One import statement's target, as seen in a module."""

    importer: str  # module name inside the package ("" = root)
    target: str  # module inside the package, or a third-party dotted name
    internal: bool
    line: int
    where: str  # "module-level" or "function-level"
    names: tuple[str, ...] = ()  # names imported from ``target`` when it is a package
    implicit: bool = False  # the package __init__ run by importing one of its modules

    def __str__(self) -> str:
        what = _display(self.target) if self.internal else self.target
        via = " (its package __init__ runs first)" if self.implicit else ""
        names = f" ({', '.join(self.names)})" if self.names else ""
        return f"{_display(self.importer)} imports {what}{names}{via} at line {self.line} ({self.where})"


def _display(name: str) -> str:
    return f"{PACKAGE}.{name}" if name else PACKAGE


# ----------------------------------------------------------------------------- parsing
def module_names(src: Path) -> dict[str, Path]:
    """Package-relative module name -> file, for every module under ``src``."""
    out = {}
    for path in sorted(src.rglob("*.py")):
        parts = list(path.relative_to(src).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _walk(node: ast.AST, in_function: bool = False) -> Iterable[tuple[ast.AST, bool]]:
    """Import nodes that run, with whether they sit inside a function."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and _is_type_checking(child.test):
            for sub in child.orelse:  # the else branch runs
                yield from _walk(ast.Module(body=[sub], type_ignores=[]), in_function)
            continue
        if isinstance(child, ast.Import | ast.ImportFrom):
            yield child, in_function
        inner = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
        yield from _walk(child, inner)


def _package_of(name: str, path: Path) -> str:
    """The package a relative import in module ``name`` starts from."""
    if path.name == "__init__.py":
        return name
    return name.rpartition(".")[0]


def parse_imports(src: Path) -> list[Import]:
    """Every import of every module under ``src`` (a package folder)."""
    modules = module_names(src)
    out: list[Import] = []
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node, in_fn in _walk(tree):
            where = "function-level" if in_fn else "module-level"
            for target, names in _targets(node, name, path, modules):
                internal = target is not None and not target.startswith("\0")
                if target is None:
                    continue
                out.append(Import(name, target.lstrip("\0"), internal, node.lineno, where, names))
    return _with_packages(out, modules)


def _targets(node: ast.AST, name: str, path: Path, modules: Mapping[str, Path]) -> list[tuple[str | None, tuple[str, ...]]]:
    """(target, names) pairs: internal targets by package name, third-party ones prefixed with NUL."""
    if isinstance(node, ast.Import):
        return [_absolute(alias.name, modules, ()) for alias in node.names]
    assert isinstance(node, ast.ImportFrom)
    if node.level == 0:
        base = node.module or ""
        if base != PACKAGE and not base.startswith(PACKAGE + "."):
            return [("\0" + base, ())]
        base = base[len(PACKAGE) + 1 :] if base != PACKAGE else ""
    else:
        pkg = _package_of(name, path).split(".") if _package_of(name, path) else []
        up = node.level - 1
        pkg = pkg[: len(pkg) - up] if up else pkg
        base = ".".join([*pkg, *([node.module] if node.module else [])])
    out: list[tuple[str | None, tuple[str, ...]]] = []
    attrs = []
    for alias in node.names:
        sub = f"{base}.{alias.name}" if base else alias.name
        if sub in modules:
            out.append((sub, ()))
        else:
            attrs.append(alias.name)
    if attrs:
        out.append((base, tuple(attrs)))
    return out


def _absolute(dotted: str, modules: Mapping[str, Path], names: tuple[str, ...]) -> tuple[str | None, tuple[str, ...]]:
    if dotted == PACKAGE:
        return "", names
    if dotted.startswith(PACKAGE + "."):
        return dotted[len(PACKAGE) + 1 :], names
    return "\0" + dotted, names


def _with_packages(imports: list[Import], modules: Mapping[str, Path]) -> list[Import]:
    """Add the subpackage __init__ each import from outside that subpackage runs."""
    out = list(imports)
    for imp in imports:
        if not imp.internal:
            continue
        parts = imp.target.split(".")
        for i in range(1, len(parts)):
            pkg = ".".join(parts[:i])
            inside = imp.importer == pkg or imp.importer.startswith(pkg + ".")
            if pkg in modules and not inside:
                out.append(dataclasses.replace(imp, target=pkg, names=(), implicit=True))
    return out


# ----------------------------------------------------------------------------- rules
def layer_of(module: str) -> str | None:
    """Layer name of a package module, or None for the root and unknown modules."""
    for layer, members in LAYERS.items():
        for member in members:
            if module == member or (member.endswith(".*") and module.startswith(member[:-1])):
                return layer
    return None


def _rank(layer: str) -> int:
    return list(LAYERS).index(layer)


def _same_layer_ok(importer: str, target: str, layer: str) -> bool:
    if layer in SUBPACKAGES:
        return target != layer
    return target in SAME_LAYER.get(importer, frozenset())


def layer_violations(imports: Iterable[Import], modules: Iterable[str]) -> list[str]:
    """Broken layer rules, one sentence each."""
    problems = []
    for m in modules:
        if m and layer_of(m) is None:
            problems.append(f"{_display(m)} is in no layer: add it to LAYERS in tests/test_architecture.py")
    for imp in imports:
        if not imp.internal:
            continue
        src, dst = imp.importer, imp.target
        if dst == "":
            extra = set(imp.names) - ROOT_NAMES
            if src and extra:
                problems.append(f"{imp}: a submodule may import only {', '.join(sorted(ROOT_NAMES))} from the package root; import from the defining module")
            continue
        if src == "":
            dl = layer_of(dst)
            if dl is not None and dl not in ROOT_LAYERS:
                problems.append(f"{imp}: the package root imports only the {', '.join(sorted(ROOT_LAYERS))} layers eagerly; export {dl} names lazily (_LAZY)")
            continue
        sl, dl = layer_of(src), layer_of(dst)
        if sl is None or dl is None:
            continue
        if _rank(dl) > _rank(sl):
            problems.append(f"{imp}: the {sl} layer may not import the higher {dl} layer")
        elif dl == sl and src != dst and not _same_layer_ok(src, dst, sl):
            problems.append(f"{imp}: same-layer import ({sl}) not allowed; SAME_LAYER lists what {_display(src)} may import")
    return problems


def forbidden_third_party(imports: Iterable[Import]) -> list[str]:
    """Imports of maps-only packages outside ``maps``."""
    problems = []
    for imp in imports:
        if imp.internal or imp.target.split(".")[0] not in MAPS_ONLY:
            continue
        if imp.importer == "maps" or imp.importer.startswith("maps."):
            continue
        problems.append(f"{imp}: only transcaspian.maps may import {', '.join(sorted(MAPS_ONLY))}")
    return problems


def find_cycles(imports: Iterable[Import]) -> list[list[str]]:
    """Import cycles among the package's modules (each as a closed path), root excluded."""
    graph: dict[str, set[str]] = {}
    for imp in imports:
        if imp.internal and imp.importer and imp.target and imp.importer != imp.target:
            graph.setdefault(imp.importer, set()).add(imp.target)
    cycles, seen_sets = [], set()
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycle = [*stack[stack.index(nxt) :], nxt]
                key = frozenset(cycle)
                if key not in seen_sets:
                    seen_sets.add(key)
                    cycles.append(cycle)
            elif state.get(nxt) is None:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if state.get(node) is None:
            visit(node)
    return cycles


def _describe_cycle(cycle: list[str], imports: Iterable[Import]) -> str:
    by_edge = {(i.importer, i.target): i for i in imports if i.internal}
    steps = [str(by_edge[(a, b)]) for a, b in zip(cycle, cycle[1:], strict=False)]
    return " -> ".join(_display(m) for m in cycle) + "\n      " + "\n      ".join(steps)


# ----------------------------------------------------------------------------- tests
@pytest.fixture(scope="module")
def imports() -> list[Import]:
    return parse_imports(SRC)


def test_every_module_is_parsed(imports):
    names = module_names(SRC)
    assert {"network", "loader", "aliases", "flow.solver", "maps.static", ""} <= set(names)
    assert any(i.importer == "loader" and i.target == "network" for i in imports)


def test_no_import_cycles(imports):
    cycles = find_cycles(imports)
    assert not cycles, "import cycles:\n  " + "\n  ".join(_describe_cycle(c, imports) for c in cycles)


def test_layers_are_respected(imports):
    problems = layer_violations(imports, module_names(SRC))
    assert not problems, "layer rules broken:\n  " + "\n  ".join(problems)


def test_maps_only_packages_stay_in_maps(imports):
    problems = forbidden_third_party(imports)
    assert not problems, "\n  ".join(["heavy map packages imported outside transcaspian.maps:", *problems])


def test_root_defines_version_before_importing_submodules():
    tree = ast.parse((SRC / "__init__.py").read_text(encoding="utf-8"))
    version_at = first_relative = None
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "__version__" for t in node.targets):
            version_at = version_at or node.lineno
        if isinstance(node, ast.ImportFrom) and node.level > 0:
            first_relative = first_relative or node.lineno
    assert version_at is not None and first_relative is not None and version_at < first_relative


def test_lazy_names_are_typed_for_checkers():
    """Every lazily exported name is imported under TYPE_CHECKING from the module _LAZY names."""
    import transcaspian

    tree = ast.parse((SRC / "__init__.py").read_text(encoding="utf-8"))
    typed: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for sub in node.body:
                if isinstance(sub, ast.ImportFrom):
                    for alias in sub.names:
                        typed[alias.asname or alias.name] = (sub.module or "")
    assert typed == dict(transcaspian._LAZY), "the TYPE_CHECKING imports of transcaspian/__init__.py must match _LAZY"


def _run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)


def test_import_transcaspian_is_cheap():
    code = f"import sys, transcaspian\nprint(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    proc = _run(code)
    assert proc.returncode == 0, proc.stderr
    loaded = proc.stdout.strip()
    assert not loaded, f"`import transcaspian` loads {loaded}; import those lazily"


def test_interactive_map_does_not_import_matplotlib():
    proc = _run("import transcaspian.maps.interactive, sys; assert 'matplotlib' not in sys.modules")
    assert proc.returncode == 0, (
        "transcaspian.maps.interactive loads matplotlib (directly, or through maps.layers/maps.labels/"
        "maps.legend); the web map must not need it\n" + proc.stderr[-2000:]
    )


# --------------------------------------------------------------------- the contract can fail
def _fake_package(tmp_path: Path, files: Mapping[str, str]) -> Path:
    root = tmp_path / PACKAGE
    for rel, text in {"__init__.py": "", **files}.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def test_contract_reports_a_hidden_cycle(tmp_path):
    src = _fake_package(
        tmp_path,
        {
            "network.py": "def load():\n    from .loader import read\n",
            "loader.py": "from .validation import check\n",
            "validation.py": "from transcaspian import network\n",
        },
    )
    found = parse_imports(src)
    cycles = find_cycles(found)
    assert cycles == [["loader", "validation", "network", "loader"]]
    text = _describe_cycle(cycles[0], found)
    assert "transcaspian.network imports transcaspian.loader (read) at line 2 (function-level)" in text
    problems = layer_violations(found, module_names(src))
    assert any("transcaspian.network imports transcaspian.loader" in p and "same-layer" in p for p in problems)


def test_contract_reports_forbidden_imports(tmp_path):
    src = _fake_package(
        tmp_path,
        {
            "units.py": "import matplotlib.pyplot as plt\n",
            "elements.py": """
                from typing import TYPE_CHECKING
                from .flow.solver import solve
                if TYPE_CHECKING:
                    from .network import CorridorNetwork
                """,
            "network.py": "from . import __version__, load_network\n",
            "cli.py": "def f():\n    import folium\n",
            "flow/__init__.py": "",
            "flow/solver.py": "from ..maps import static\nfrom . import solve\n",
            "maps/__init__.py": "",
            "maps/static.py": "import matplotlib\n",
            "extra.py": "",
        },
    )
    found = parse_imports(src)
    third = forbidden_third_party(found)
    assert len(third) == 2, third
    assert any(p.startswith("transcaspian.units imports matplotlib.pyplot at line 1 (module-level)") for p in third)
    assert any("transcaspian.cli imports folium" in p and "function-level" in p for p in third)
    problems = layer_violations(found, module_names(src))
    joined = "\n".join(problems)
    assert "transcaspian.elements imports transcaspian.flow.solver (solve) at line 3 (module-level): the base layer may not import the higher flow layer" in joined
    assert "transcaspian.elements imports transcaspian.flow (its package __init__ runs first)" in joined
    assert "CorridorNetwork" not in joined, "TYPE_CHECKING imports are exempt"
    assert "transcaspian.flow.solver imports transcaspian.maps.static" in joined
    assert "transcaspian.flow.solver imports transcaspian.flow (solve) at line 2 (module-level): same-layer" in joined
    assert "only __version__ from the package root" in joined and "load_network" in joined
    assert "transcaspian.extra is in no layer" in joined
