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
from typing import Any

__version__ = "0.1.0"

from . import errors, units
from .errors import (
    InfeasibleError,
    NetworkDataError,
    ScenarioError,
    SolverError,
    TranscaspianError,
    UnitError,
    UnknownElementError,
    ValidationError,
)
from .network import CorridorNetwork, default_data_path, load_network
from .validation import Problem, ValidationReport, validate_network

# Imported eagerly: a submodule named like the function it exports would otherwise
# replace the function on the package as soon as anything imports the submodule.
from .compare import Comparison, compare  # noqa: E402
from .criticality import criticality  # noqa: E402

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
}


def __getattr__(name: str) -> Any:
    mod = _LAZY.get(name)
    if mod is None:
        raise AttributeError(f"module 'transcaspian' has no attribute {name!r}")
    return getattr(import_module(f".{mod}", __name__), name)


__all__ = [
    "__version__",
    "errors",
    "units",
    "CorridorNetwork",
    "load_network",
    "default_data_path",
    "validate_network",
    "ValidationReport",
    "Problem",
    "TranscaspianError",
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
    *_LAZY,
]
