"""Argument checks at the top of the public functions: a wrong type is a clear error.

A library call with the wrong kind of argument (``tc.solve("x")``, a dict where a
:class:`~transcaspian.scenario.Scenario` belongs, ``commodity=5``, ``tc.compare(1, 2)``,
``find_routes(k="3")``) raises :class:`~transcaspian.errors.InputError` naming the
function, the argument, what it got and the fix, instead of an ``AttributeError`` from
deep inside. Each public function calls one check of this module on its first line.

A network whose frames are not in EPSG:4326 (e.g. reprojected to Web Mercator,
EPSG:3857, for a plot) is refused too: its coordinates are metres, and a map or a
length computed from them would read metres as degrees.

Examples
--------
>>> import transcaspian as tc
>>> check_count("3", "find_routes", "k")
Traceback (most recent call last):
...
transcaspian.errors.InputError: find_routes: k: got str '3', expected a whole number >= 1 (fix: pass an int, e.g. k=3)
>>> check_network(tc.load_network("tests/fixtures/mini"), "solve")
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from .errors import InputError, NetworkDataError
from .network import CRS, CorridorNetwork
from .schema import COMMODITIES, OBJECTIVES

__all__ = [
    "check_choice",
    "check_commodity",
    "check_criticality",
    "check_count",
    "check_folder",
    "check_network",
    "check_path",
    "check_result",
    "check_results",
    "check_routes",
    "check_scenario",
    "check_solve",
    "check_text",
    "check_text_option",
]


def _got(value: Any) -> str:
    text = repr(value)
    return f"{type(value).__name__} {text if len(text) <= 40 else text[:37] + '...'}"


def _is_a(value: Any, name: str) -> bool:
    """Whether ``value``'s class, or a base of it, is called ``name`` (for the types of modules that import this one)."""
    return any(c.__name__ == name for c in type(value).__mro__)


#: Networks whose frames passed :func:`check_network`, with the frames and the CRS objects
#: checked (naming a CRS takes most of a millisecond, longer than a route query on the
#: corridor). A frame replaced, or reprojected or given a CRS in place (a new CRS
#: object), is checked again.
_CHECKED: weakref.WeakKeyDictionary[Any, tuple[Any, ...]] = weakref.WeakKeyDictionary()


def check_network(net: Any, func: str, arg: str = "net") -> None:
    """``net`` is a :class:`~transcaspian.network.CorridorNetwork` with frames in EPSG:4326."""
    if not isinstance(net, CorridorNetwork):
        raise InputError(f"{func}: {arg}: got {_got(net)}, expected a CorridorNetwork "
                         "(fix: load one with tc.load_network(path), or tc.load_network() for the bundled data)")
    frames = (net.nodes, net.links, getattr(net.nodes, "crs", None), getattr(net.links, "crs", None))
    seen = _CHECKED.get(net)
    if seen is not None and all(a is b for a, b in zip(seen, frames, strict=True)):
        return
    for name in ("nodes", "links"):
        crs = getattr(getattr(net, name), "crs", None)
        if crs is not None and crs.to_string() != CRS:
            raise InputError(f"{func}: {arg}: the {name} frame is in {crs.to_string()}, not {CRS}: its coordinates are "
                             f"not degrees (fix: reproject with net.{name}.to_crs(4326), or load with tc.load_network)")
    _CHECKED[net] = frames


def check_scenario(scenario: Any, func: str, arg: str = "scenario") -> None:
    """``scenario`` is None, a Scenario, or the path of a scenario file."""
    if scenario is None or isinstance(scenario, str | os.PathLike) or _is_a(scenario, "Scenario"):
        return
    if isinstance(scenario, Mapping):
        raise InputError(f"{func}: {arg}: got a {type(scenario).__name__}, expected a Scenario or a file path "
                         "(fix: build one with tc.Scenario.from_dict(data))")
    raise InputError(f"{func}: {arg}: got {_got(scenario)}, expected a Scenario or the path of a scenario YAML file "
                     "(fix: tc.Scenario(...), tc.Scenario.from_yaml(path) or tc.Scenario.from_dict(data))")


def check_commodity(commodity: Any, func: str, arg: str = "commodity") -> None:
    """``commodity`` is None, a string or a list of strings (the names are checked by the solver: a UnitError)."""
    if commodity is None or isinstance(commodity, str):
        return
    if isinstance(commodity, Iterable) and not isinstance(commodity, Mapping) and all(isinstance(c, str) for c in commodity):
        return
    raise InputError(f"{func}: {arg}: got {_got(commodity)}, not a commodity name "
                     f"(fix: use one of {', '.join((*COMMODITIES, 'all'))}, or a list of them)")


def check_text_option(value: Any, func: str, arg: str, choices: Iterable[str]) -> None:
    """``value`` is None or a string (which string is checked where it is used)."""
    if value is not None and not isinstance(value, str):
        raise InputError(f"{func}: {arg}: got {_got(value)} (fix: use one of {', '.join(choices)})")


def check_choice(value: Any, func: str, arg: str, choices: Iterable[str], *, optional: bool = True) -> None:
    """``value`` is one of ``choices`` (or None when ``optional``)."""
    options = list(choices)
    if (value is None and optional) or (isinstance(value, str) and value in options):
        return
    raise InputError(f"{func}: {arg}: got {_got(value)} (fix: use one of {', '.join(options)})")


def check_count(value: Any, func: str, arg: str) -> None:
    """``value`` is an int >= 1 (not a bool, not a string)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError(f"{func}: {arg}: got {_got(value)}, expected a whole number >= 1 (fix: pass an int, e.g. {arg}=3)")
    if value < 1:
        raise InputError(f"{func}: {arg}: {arg} must be at least 1, got {value} (fix: pass {arg}=1 or more)")


def check_text(value: Any, func: str, arg: str, what: str) -> None:
    """``value`` is a string (an id, an alias)."""
    if not isinstance(value, str):
        raise InputError(f"{func}: {arg}: got {_got(value)}, expected {what} (fix: pass the id as a string)")


def check_path(value: Any, func: str, arg: str, what: str) -> None:
    """``value`` is a str or an ``os.PathLike``."""
    if not isinstance(value, str | os.PathLike):
        raise InputError(f"{func}: {arg}: got {_got(value)}, expected the path of {what} (fix: pass a str or a pathlib.Path)")


def check_folder(folder: Path, func: str, arg: str = "path") -> None:
    """``folder`` is an existing folder (a geodata folder), not a file."""
    if folder.is_file():
        raise InputError(f"{func}: {arg}: {folder} is a file, not a folder (fix: give the geodata folder holding "
                         "nodes.geojson, links.geojson, sources.yaml and baseline.yaml)")
    if not folder.exists():
        raise NetworkDataError(f"{folder}: folder not found (fix: give the geodata folder holding nodes.geojson, "
                               "links.geojson, sources.yaml and baseline.yaml)")


def check_result(value: Any, func: str, arg: str) -> None:
    """``value`` is a :class:`~transcaspian.flow.result.FlowResult` (checked by class name: the flow layer is above)."""
    if not _is_a(value, "FlowResult"):
        raise InputError(f"{func}: {arg}: got {_got(value)}, expected a FlowResult (fix: pass what tc.solve(net, scenario) returns)")


# ------------------------------------------------------------- one call per public function
def check_solve(net: Any, scenario: Any, commodity: Any, objective: Any, func: str = "solve") -> None:
    """The arguments of :func:`transcaspian.solve` (and of the functions taking the same)."""
    check_network(net, func)
    check_scenario(scenario, func)
    check_commodity(commodity, func)
    check_text_option(objective, func, "objective", OBJECTIVES)


def check_results(func: str, **results: Any) -> None:
    """Every keyword is a FlowResult (``tc.compare(base, other)``)."""
    for arg, value in results.items():
        check_result(value, func, arg)


def check_routes(net: Any, origin: Any, destination: Any, k: Any) -> None:
    """The arguments of :func:`transcaspian.find_routes`."""
    check_network(net, "find_routes")
    check_text(origin, "find_routes", "origin", "a node id or alias")
    check_text(destination, "find_routes", "destination", "a node id or alias")
    check_count(k, "find_routes", "k")


def check_criticality(net: Any, scenario: Any, commodity: Any, objective: Any, elements: Any) -> None:
    """The arguments of :func:`transcaspian.criticality`."""
    check_solve(net, scenario, commodity, objective, "criticality")
    check_choice(elements, "criticality", "elements", ("nodes", "links", "both"), optional=False)
