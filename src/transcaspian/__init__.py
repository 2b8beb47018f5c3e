"""transcaspian: the export corridors of Central Asia as a geospatial network.

Load the curated network, knock out nodes or links with scenarios, and recompute
where oil, gas, containers and critical minerals can go.

Examples
--------
>>> import transcaspian as tc
>>> net = tc.load_network()
>>> net.node("Kachagan").name
'kashagan'
"""

from __future__ import annotations

import logging
import sys
import types
from importlib import import_module
from typing import TYPE_CHECKING, Any

# Defined before any submodule is imported: submodules may read it from here.
__version__ = "0.1.0"

from . import errors, schema, units
from .errors import (
    ComparisonError,
    InfeasibleError,
    InputError,
    NetworkDataError,
    ScenarioError,
    SolverError,
    TranscaspianError,
    UnitError,
    UnknownElementError,
    ValidationError,
)

if TYPE_CHECKING:  # the lazily exported names below, for type checkers and IDEs
    from .calibration import calibration_table as calibration_table
    from .compare import Comparison as Comparison
    from .compare import compare as compare
    from .criticality import criticality as criticality
    from .ensemble import ensemble as ensemble
    from .flow.result import FlowResult as FlowResult
    from .flow.solver import solve as solve
    from .interop.files import read_network as read_network
    from .interop.frames import network_from_frames as network_from_frames
    from .interop.lines import network_from_lines as network_from_lines
    from .interop.pypsa import to_pypsa as to_pypsa
    from .interop.results import write_table as write_table
    from .io import default_data_path as default_data_path
    from .loader import load_network as load_network
    from .maps.interactive import explore_map as explore_map
    from .maps.interactive import write_html as write_html
    from .maps.static import export_map as export_map
    from .maps.static import plot_comparison as plot_comparison
    from .maps.static import plot_map as plot_map
    from .maps.static import save_map as save_map
    from .network import CorridorNetwork as CorridorNetwork
    from .routes import Route as Route
    from .routes import find_routes as find_routes
    from .scenario import Scenario as Scenario
    from .timeline.result import SimulationResult as SimulationResult
    from .timeline.run import simulate as simulate
    from .validation import Problem as Problem
    from .validation import ValidationReport as ValidationReport
    from .validation import validate_network as validate_network

logging.getLogger(__name__).addHandler(logging.NullHandler())

# Everything but the errors loads on first use, so `import transcaspian` (and with it
# `transcaspian --version`) imports no pandas, geopandas, networkx or scipy.
_LAZY = {
    "CorridorNetwork": "network",
    "load_network": "loader",
    "default_data_path": "io",
    "validate_network": "validation",
    "ValidationReport": "validation",
    "Problem": "validation",
    "compare": "compare",
    "Comparison": "compare",
    "criticality": "criticality",
    "ensemble": "ensemble",
    "Scenario": "scenario",
    "solve": "flow.solver",
    "FlowResult": "flow.result",
    "find_routes": "routes",
    "Route": "routes",
    "plot_map": "maps.static",
    "plot_comparison": "maps.static",
    "explore_map": "maps.interactive",
    "write_html": "maps.interactive",
    "save_map": "maps.static",
    "export_map": "maps.static",
    "calibration_table": "calibration",
    "simulate": "timeline.run",
    "SimulationResult": "timeline.result",
    "network_from_frames": "interop.frames",
    "network_from_lines": "interop.lines",
    "read_network": "interop.files",
    "write_table": "interop.results",
    "to_pypsa": "interop.pypsa",
}
#: Functions named like the submodule that defines them (``transcaspian.compare``).
_SHADOWED = frozenset(name for name, mod in _LAZY.items() if name == mod)


def __getattr__(name: str) -> Any:
    mod = _LAZY.get(name)
    if mod is None:
        raise AttributeError(f"module 'transcaspian' has no attribute {name!r}")
    value = getattr(import_module(f".{mod}", __name__), name)
    globals()[name] = value  # later lookups skip __getattr__
    return value


class _Package(types.ModuleType):
    """The package module: importing submodule ``compare`` leaves ``transcaspian.compare`` the function.

    Python binds an imported submodule as an attribute of its package, which would
    replace a function of the same name (:data:`_SHADOWED`) with its module.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _SHADOWED and isinstance(value, types.ModuleType):
            value = getattr(value, name)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package

__all__ = [
    "__version__",
    "errors",
    "schema",
    "units",
    "TranscaspianError",
    "InputError",
    "ComparisonError",
    "NetworkDataError",
    "ValidationError",
    "UnknownElementError",
    "ScenarioError",
    "UnitError",
    "SolverError",
    "InfeasibleError",
    *_LAZY,
]
