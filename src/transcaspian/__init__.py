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
from importlib import import_module
from typing import TYPE_CHECKING, Any

# Defined before any submodule is imported: submodules may read it from here.
__version__ = "0.1.0"

from . import errors, schema, units

# Imported eagerly: a submodule named like the function it exports would otherwise
# replace the function on the package as soon as anything imports the submodule.
# Both stay light: they import the solver (scipy.optimize) only when called.
from .compare import Comparison, compare  # noqa: E402
from .criticality import criticality  # noqa: E402
from .ensemble import ensemble  # noqa: E402
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
from .io import default_data_path
from .loader import load_network
from .network import CorridorNetwork
from .validation import Problem, ValidationReport, validate_network

if TYPE_CHECKING:  # the lazily exported names below, for type checkers and IDEs
    from .calibration import calibration_table as calibration_table
    from .flow.result import FlowResult as FlowResult
    from .flow.solver import solve as solve
    from .interop.files import read_network as read_network
    from .interop.frames import network_from_frames as network_from_frames
    from .interop.lines import network_from_lines as network_from_lines
    from .interop.pypsa import to_pypsa as to_pypsa
    from .interop.results import write_table as write_table
    from .maps.interactive import explore_map as explore_map
    from .maps.interactive import write_html as write_html
    from .maps.static import export_map as export_map
    from .maps.static import plot_comparison as plot_comparison
    from .maps.static import plot_map as plot_map
    from .maps.static import save_map as save_map
    from .routes import Route as Route
    from .routes import find_routes as find_routes
    from .scenario import Scenario as Scenario
    from .timeline.result import SimulationResult as SimulationResult
    from .timeline.run import simulate as simulate

logging.getLogger(__name__).addHandler(logging.NullHandler())

# Heavier parts load on first use so `import transcaspian` stays fast.
_LAZY = {
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


def __getattr__(name: str) -> Any:
    mod = _LAZY.get(name)
    if mod is None:
        raise AttributeError(f"module 'transcaspian' has no attribute {name!r}")
    return getattr(import_module(f".{mod}", __name__), name)


__all__ = [
    "__version__",
    "errors",
    "schema",
    "units",
    "CorridorNetwork",
    "load_network",
    "default_data_path",
    "validate_network",
    "ValidationReport",
    "Problem",
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
    "compare",
    "Comparison",
    "criticality",
    "ensemble",
    *_LAZY,
]
