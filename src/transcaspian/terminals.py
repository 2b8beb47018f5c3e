"""Loading points of marine terminals as a count (the ``moorings`` of ``time.yaml``).

A terminal such as the CPC terminal loads tankers at single-point moorings (SPMs): so
many installed, so many in service at once, each loading at a sourced rate. "One
mooring out" is then a number, not a guessed derate. Both halves of the toolkit read
the same table:

* the time model (:mod:`transcaspian.timeline`) takes, day by day, the smaller of the
  terminal's capacity and *moorings in service x rate*;
* :func:`transcaspian.load_network` with ``as_of`` turns the moorings that events took
  out of service on that day into the terminal's derate (:func:`mooring_factor`).

A rate is given per mooring in ``rate_unit``: ``Mt/y``, ``Mt/month``, ``Mt/d``,
``kt/d``, or in barrels (``Mb/d``, ``kb/d``), turned into tonnes with the barrels per
tonne of the terminal's grade (``grades`` of time.yaml, values in parameters.yaml).

Examples
--------
>>> m = Moorings("terminal", count=3, in_service=2, rate_per_year=42.0)
>>> m.capacity_per_year(0), m.capacity_per_year(2)
(84.0, 42.0)
>>> round(rate_per_year(1.0, "Mb/d", bbl_per_tonne=7.9), 2)
46.2
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import NetworkDataError
from .io import read_yaml

if TYPE_CHECKING:
    from .network import CorridorNetwork

__all__ = ["Moorings", "RATE_UNITS", "BARREL_RATE_UNITS", "rate_per_year", "parse_moorings", "read_moorings",
           "mooring_factor", "bbl_per_tonne", "number"]

#: Mass rate units of a mooring's ``rate``, as factors to the canonical Mt/y.
RATE_UNITS: dict[str, float] = {"Mt/y": 1.0, "Mt/month": 12.0, "Mt/d": 365.0, "kt/d": 0.365}
#: Barrel rate units, as barrels per day (turned into tonnes with the grade's barrels per tonne).
BARREL_RATE_UNITS: dict[str, float] = {"Mb/d": 1e6, "kb/d": 1e3}
#: Barrels per tonne when parameters.yaml has no grade table (the Reuters convention for Kazakh crude, S100).
DEFAULT_BBL_PER_TONNE = 7.5


@dataclasses.dataclass(frozen=True)
class Moorings:
    """Loading points of a terminal as a count, each with a loading rate (canonical unit per year)."""

    node: str
    count: int
    in_service: int
    rate_per_year: float
    sources: tuple[str, ...] = ()
    #: A typical cargo (Mt): when a weather halt begins, the tanker at each mooring in
    #: service is, on average, half loaded and completes its cargo (moorings stop taking
    #: new tankers first). 0: a halt stops loading at once.
    cargo: float = 0.0

    def capacity_per_year(self, out: float) -> float:
        """Terminal loading capacity per year with ``out`` moorings out of service."""
        return max(0.0, min(float(self.in_service), self.count - out)) * self.rate_per_year


def rate_per_year(rate: float, unit: str, *, bbl_per_tonne: float) -> float:
    """A mooring's rate in Mt/y from ``rate`` in ``unit`` (barrel units use ``bbl_per_tonne``).

    Raises
    ------
    KeyError
        For a unit that is not in :data:`RATE_UNITS` or :data:`BARREL_RATE_UNITS`.
    """
    if unit in BARREL_RATE_UNITS:
        return rate * BARREL_RATE_UNITS[unit] * 365.0 / bbl_per_tonne / 1e6
    return rate * RATE_UNITS[unit]


def bbl_per_tonne(grade: str | None, parameters: Mapping[str, Any]) -> float | None:
    """Barrels per tonne of ``grade`` in parameters.yaml's ``bbl_per_tonne`` (None when absent)."""
    entry = (parameters.get("bbl_per_tonne") or {}).get(grade) if grade else None
    value = entry.get("value") if isinstance(entry, Mapping) else entry
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def number(e: Mapping[str, Any], key: str, field: str, problems: list[str], *, lo: float = 0.0,
           hi: float = math.inf, default: float | None = None) -> float | None:
    """The finite number ``e[key]`` within ``[lo, hi]``, or None with a problem naming ``field.key``."""
    v = e.get(key, default)
    if v is None:
        problems.append(f"{field}.{key}: missing (fix: give a number)")
        return None
    if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v) or not lo <= v <= hi:
        problems.append(f"{field}.{key}: {v!r} is not a number within [{lo:g}, {hi:g}] (fix: give one)")
        return None
    return float(v)


def parse_moorings(e: Mapping[str, Any], field: str, resolve: Callable[[Any, str], str | None],
                   grade_of: Callable[[str], float | None], problems: list[str]) -> Moorings | None:
    """One ``moorings`` entry; problems (with their fix) are appended, None returned on any.

    ``grade_of(node)`` gives the barrels per tonne of the node's crude, for barrel units.
    """
    node = resolve(e.get("node"), f"{field}.node")
    count = number(e, "count", field, problems, lo=1)
    in_service = number(e, "in_service", field, problems, lo=1, default=count)
    rate = number(e, "rate", field, problems)
    unit = e.get("rate_unit", "Mt/y")
    if unit not in RATE_UNITS and unit not in BARREL_RATE_UNITS:
        problems.append(f"{field}.rate_unit: {unit!r} unknown (fix: use one of {', '.join([*RATE_UNITS, *BARREL_RATE_UNITS])})")
        return None
    if node is None or count is None or in_service is None or rate is None:
        return None
    if in_service > count:
        problems.append(f"{field}: in_service {in_service:g} exceeds count {count:g} (fix: at most count)")
        return None
    bpt = grade_of(str(node)) if unit in BARREL_RATE_UNITS else DEFAULT_BBL_PER_TONNE
    if bpt is None:
        problems.append(f"{field}.rate_unit: {unit} needs the barrels per tonne of {node}'s grade (fix: give the node a "
                        "grade under grades.nodes whose bbl_per_tonne is in parameters.yaml, or a rate in Mt)")
        return None
    cargo = number(e, "cargo_kt", field, problems, hi=1e4, default=0.0)
    if cargo is None:
        return None
    return Moorings(str(node), int(count), int(in_service), rate_per_year(rate, str(unit), bbl_per_tonne=bpt),
                    tuple(e.get("sources") or ()), cargo / 1e3)


def read_moorings(net: CorridorNetwork, path: str | Path | None = None) -> dict[str, Moorings]:
    """The moorings of ``time.yaml`` in the network's folder (or ``path``), by node id; {} without a file.

    Raises
    ------
    NetworkDataError
        For a malformed entry, naming the file, the entry and the field, with the fix.
    """
    if path is None:
        if net.path is None:
            return {}
        path = Path(net.path) / "time.yaml"
    path = Path(path)
    if not path.exists():
        return {}
    data = read_yaml(path) or {}
    raw = data.get("moorings") or [] if isinstance(data, Mapping) else []
    grades = data.get("grades") or {} if isinstance(data, Mapping) else {}
    default = str(grades.get("default", "kazakh_average")) if isinstance(grades, Mapping) else "kazakh_average"
    nodes = grades.get("nodes") or {} if isinstance(grades, Mapping) else {}
    problems: list[str] = []

    def resolve(key: Any, field: str) -> str | None:
        try:
            return net.resolve(str(key), kind="node")
        except KeyError as exc:
            problems.append(f"{field}: {exc} (fix: use a node id or alias of nodes.geojson)")
            return None

    def grade_of(node: str) -> float | None:
        grade = next((str(g) for k, g in nodes.items() if resolve(k, f"{path}: grades.nodes.{k}") == node), default)
        return bbl_per_tonne(grade, net.parameters or {})

    out = {}
    for i, e in enumerate(raw if isinstance(raw, list) else []):
        if isinstance(e, Mapping):
            m = parse_moorings(e, f"{path}: moorings[{i}]", resolve, grade_of, problems)
            if m is not None:
                out[m.node] = m
    if problems:
        raise NetworkDataError("\n".join(problems))
    return out


def mooring_factor(net: CorridorNetwork, node: str, out: float, moorings: Mapping[str, Moorings]) -> float:
    """The derate of ``node`` with ``out`` moorings out of service: moorings capacity over the node's, at most 1.

    A node without moorings data keeps its capacity (factor 1).
    """
    m = moorings.get(node)
    cap = net.nodes.at[node, "capacity"] if node in net.nodes.index else None
    if m is None or cap is None or not isinstance(cap, int | float) or not math.isfinite(cap) or cap <= 0:
        return 1.0
    return min(1.0, m.capacity_per_year(out) / float(cap))
