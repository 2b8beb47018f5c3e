"""The time data of the network (geodata/time.yaml): storage, moorings, production response, grades.

``time.yaml`` holds what an annual steady state does not need and a simulation does:

* ``storage``: tanks at a node (``node``, ``commodity``, ``capacity`` in Mt or
  ``volume_m3`` with a ``grade`` to turn cubic metres into tonnes, ``initial_share``
  and ``minimum_share`` of the capacity);
* ``moorings``: loading points of a terminal as a count (``node``, ``count`` installed,
  ``in_service`` at most at once, ``rate`` per mooring and its ``rate_unit``);
* ``production``: how an origin's output responds (``ramp_down_per_day`` and
  ``ramp_up_per_day`` as shares of its planned rate, ``restart_lag_days``, and a
  ``profile`` of planned output by month ``{YYYY-MM: Mt/y}``); an origin listed here may
  defer (shut in) output that cannot move, an origin not listed strands it;
* ``routes``: labelled elements (node or link ids) whose flow per period the
  time-series chart stacks as "exports by route";
* ``grades``: the crude grade (a key of ``bbl_per_tonne`` in parameters.yaml) of a
  node's crude, for kbpd; ``default`` for every other node.

Every entry carries ``sources`` (ids in sources.yaml) and a ``confidence``; estimates
say their method in ``note``.

Examples
--------
>>> td = TimeData.from_mapping({"moorings": [{"node": "terminal", "count": 3, "in_service": 2,
...     "rate": 1.0, "rate_unit": "Mt/month", "sources": ["T1"], "confidence": "reported"}]})
>>> td.moorings["terminal"].rate_per_year
12.0
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import functools
import logging
import math
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import NetworkDataError
from ..io import read_yaml
from ..terminals import BARREL_RATE_UNITS, DEFAULT_BBL_PER_TONNE, RATE_UNITS, Moorings, parse_moorings, rate_per_year
from ..terminals import bbl_per_tonne as _grade_bbl
from ..terminals import number as _number
from ..units import COMMODITIES

if TYPE_CHECKING:
    from ..network import CorridorNetwork

__all__ = ["Storage", "Moorings", "Plan", "Production", "TimeData", "load_time_data", "M3_PER_BBL", "RATE_UNITS"]

log = logging.getLogger(__name__)

#: Cubic metres per US barrel.
M3_PER_BBL = 0.158987294928
#: Mooring rate units and their factor to units per year.
#: Keys each section accepts.
_KEYS = {
    "storage": {"node", "commodity", "capacity", "volume_m3", "grade", "initial_share", "minimum_share",
                "sources", "confidence", "note", "unit"},
    "moorings": {"node", "count", "in_service", "rate", "rate_unit", "cargo_kt", "sources", "confidence", "note"},
    "plans": {"node", "month", "rate", "rate_unit", "sources", "confidence", "note"},
    "production": {"origin", "ramp_down_per_day", "ramp_up_per_day", "restart_lag_days", "restart_curve", "profile",
                   "sources", "confidence", "note"},
}


@dataclasses.dataclass(frozen=True)
class Storage:
    """Tanks at a node: capacity, initial and minimum level (canonical unit, e.g. Mt)."""

    node: str
    commodity: str
    capacity: float
    initial: float
    minimum: float
    sources: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class Production:
    """How an origin's output responds: ramp limits, restart lag and a planned profile."""

    origin: str
    ramp_down_per_day: float = math.inf
    ramp_up_per_day: float = math.inf
    restart_lag_days: float = 0.0
    #: ``(first day, last day, Mt/y)`` of planned output, from the ``profile`` months.
    profile: tuple[tuple[dt.date, dt.date, float], ...] = ()
    sources: tuple[str, ...] = ()
    #: ``(day after the restart, share of the planned rate)``: the most output can be, linear in between;
    #: after the last point ``ramp_up_per_day`` applies from the last share.
    restart_curve: tuple[tuple[float, float], ...] = ()

    def restart_cap(self, day: int) -> float:
        """The most output can be (a share of the planned rate) ``day`` days after a restart.

        Examples
        --------
        >>> p = Production("field", ramp_up_per_day=0.1, restart_curve=((0, 0.2), (4, 0.6)))
        >>> [round(p.restart_cap(d), 2) for d in (0, 2, 4, 6, 12)]
        [0.2, 0.4, 0.6, 0.8, 1.0]
        """
        if not self.restart_curve:
            return 1.0 if not math.isfinite(self.ramp_up_per_day) else min(1.0, self.ramp_up_per_day * (day + 1))
        days = [d for d, _ in self.restart_curve]
        shares = [s for _, s in self.restart_curve]
        if day <= days[-1]:
            return float(np.interp(day, days, shares))
        up = self.ramp_up_per_day if math.isfinite(self.ramp_up_per_day) else math.inf
        return min(1.0, shares[-1] + up * (day - days[-1]))


@dataclasses.dataclass(frozen=True)
class Plan:
    """A published monthly plan at a node (e.g. a terminal's loading programme): at most ``rate`` per day that month."""

    node: str
    first: dt.date
    last: dt.date
    rate_per_year: float  # canonical unit per year
    sources: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class TimeData:
    """Storage, moorings, production response and grades, keyed by resolved node id."""

    storage: Mapping[str, Storage] = dataclasses.field(default_factory=dict)
    moorings: Mapping[str, Moorings] = dataclasses.field(default_factory=dict)
    production: Mapping[str, Production] = dataclasses.field(default_factory=dict)
    grades: Mapping[str, str] = dataclasses.field(default_factory=dict)
    default_grade: str = "kazakh_average"
    routes: Mapping[str, str] = dataclasses.field(default_factory=dict)
    path: Path | None = None
    plans: tuple[Plan, ...] = ()

    @classmethod
    def from_mapping(
        cls,
        data: Mapping[str, Any] | None,
        *,
        net: CorridorNetwork | None = None,
        where: str = "time.yaml",
        path: Path | None = None,
    ) -> TimeData:
        """Read the sections of time.yaml (ids resolved on ``net`` when given).

        Raises
        ------
        NetworkDataError
            Listing every malformed entry with its file, entry, field and fix.
        """
        data = data or {}
        problems: list[str] = []
        for key in data:
            if key not in (*_KEYS, "grades", "routes"):
                problems.append(f"{where}: {key}: unknown section (fix: use storage, moorings, plans, production, grades or routes)")
        resolve = _resolver(net, problems, where)
        params = (net.parameters if net is not None else {}) or {}
        storage, moorings, production = {}, {}, {}
        for i, e in enumerate(_entries(data, "storage", problems, where)):
            st = _storage(e, f"{where}: storage[{i}]", resolve, params, problems)
            if st is not None:
                storage[st.node] = st
        for i, e in enumerate(_entries(data, "production", problems, where)):
            pr = _production(e, f"{where}: production[{i}]", resolve, problems)
            if pr is not None:
                production[pr.origin] = pr
        grades_raw = data.get("grades") or {}
        default = str(grades_raw.get("default", "kazakh_average"))
        grades = _grades(grades_raw, default, resolve, params, net is not None, problems, where)

        def grade_of(node: str) -> float | None:
            return _grade_bbl(grades.get(node, default), params) if params.get("bbl_per_tonne") else DEFAULT_BBL_PER_TONNE

        for i, e in enumerate(_entries(data, "moorings", problems, where)):
            mo = parse_moorings(e, f"{where}: moorings[{i}]", resolve, grade_of, problems)
            if mo is not None:
                moorings[mo.node] = mo
        routes = _routes(data.get("routes") or {}, net, problems, where)
        plans = [pl for i, e in enumerate(_entries(data, "plans", problems, where))
                 if (pl := _plan(e, f"{where}: plans[{i}]", resolve, grade_of, problems)) is not None]
        if problems:
            raise NetworkDataError("\n".join(problems))
        return cls(storage, moorings, production, grades, default, routes, path, tuple(plans))

    def bbl_per_tonne(self, node: str, parameters: Mapping[str, Any]) -> float:
        """Barrels per tonne of the crude at ``node`` (its grade, else the default grade)."""
        table = parameters.get("bbl_per_tonne") or {}
        entry = table.get(self.grades.get(node, self.default_grade)) or table.get(self.default_grade) or {}
        value = entry.get("value") if isinstance(entry, Mapping) else entry
        return float(value) if value is not None else DEFAULT_BBL_PER_TONNE


def load_time_data(net: CorridorNetwork, source: TimeData | Mapping[str, Any] | str | Path | None = None) -> TimeData:
    """The time data for ``net``: ``source``, else ``time.yaml`` in the network's folder, else none.

    Examples
    --------
    >>> import transcaspian as tc
    >>> td = load_time_data(tc.load_network())
    >>> td.moorings["novorossiysk_cpc_terminal"].count
    3
    """
    if isinstance(source, TimeData):
        return source
    if isinstance(source, Mapping):
        return TimeData.from_mapping(source, net=net, where="time data")
    path = Path(source) if source is not None else (Path(net.path) / "time.yaml" if net.path is not None else None)
    if path is None or not path.exists():
        if source is not None:
            raise NetworkDataError(f"{path}: time data file not found (fix: check the path)")
        log.info("no time.yaml next to the network data: no storage, moorings or production response")
        return TimeData()
    return TimeData.from_mapping(_read_time_yaml(path), net=net, where=str(path), path=path)


def _read_time_yaml(path: Path) -> Any:
    """time.yaml parsed, from a cache keyed on the file's path, size and modification time (a copy each call)."""
    st = path.stat()
    return copy.deepcopy(_parsed(str(path.resolve()), st.st_size, st.st_mtime_ns))


@functools.lru_cache(maxsize=8)
def _parsed(path: str, size: int, mtime_ns: int) -> Any:
    return read_yaml(Path(path))


# ----------------------------------------------------------------- helpers
def _resolver(net: CorridorNetwork | None, problems: list[str], where: str) -> Any:
    def resolve(key: Any, field: str) -> str | None:
        if net is None:
            return str(key)
        try:
            return net.resolve(str(key), kind="node")
        except KeyError as exc:
            problems.append(f"{field}: {exc} (fix: use a node id or alias of nodes.geojson)")
            return None

    return resolve


def _grades(raw: Mapping[str, Any], default: str, resolve: Any, params: Mapping[str, Any], check: bool,
            problems: list[str], where: str) -> dict[str, str]:
    """The ``grades`` section: node -> grade, each grade checked against parameters.yaml when ``check``."""
    grades = {}
    for key, grade in (raw.get("nodes") or {}).items():
        nid = resolve(key, f"{where}: grades.nodes.{key}")
        if nid is not None:
            grades[nid] = str(grade)
    known = set(params.get("bbl_per_tonne") or {})
    if check and raw:
        for node, grade in [("default", default), *grades.items()]:
            if grade not in known:
                problems.append(f"{where}: grades: {node}: grade {grade!r} is not in parameters.yaml bbl_per_tonne "
                                f"(fix: use one of {', '.join(sorted(known)) or '(none)'})")
    return grades


def _routes(raw: Mapping[str, Any], net: CorridorNetwork | None, problems: list[str], where: str) -> dict[str, str]:
    """The ``routes`` section: chart label -> resolved node or link id."""
    routes = {}
    for label, eid in raw.items():
        if net is None:
            routes[str(label)] = str(eid)
            continue
        try:
            routes[str(label)] = net.resolve(str(eid))
        except KeyError as exc:
            problems.append(f"{where}: routes.{label}: {exc} (fix: use a node or link id)")
    return routes


def _entries(data: Mapping[str, Any], key: str, problems: list[str], where: str) -> list[Mapping[str, Any]]:
    raw = data.get(key) or []
    if not isinstance(raw, list):
        problems.append(f"{where}: {key}: not a list (fix: write a list of entries)")
        return []
    out = []
    for i, e in enumerate(raw):
        if not isinstance(e, Mapping):
            problems.append(f"{where}: {key}[{i}]: not a mapping (fix: write {{{', '.join(sorted(_KEYS[key]))}}})")
            continue
        for k in e:
            if k not in _KEYS[key]:
                problems.append(f"{where}: {key}[{i}].{k}: unknown field (fix: use {', '.join(sorted(_KEYS[key]))})")
        if not e.get("sources") and e.get("confidence") != "estimate":
            problems.append(f"{where}: {key}[{i}]: no sources (fix: cite ids of sources.yaml, or mark it "
                            "confidence: estimate with its method in note)")
        if e.get("confidence") == "estimate" and not e.get("note"):
            problems.append(f"{where}: {key}[{i}]: an estimate without a note (fix: say how it was made in note)")
        out.append(e)
    return out


def _storage(e: Mapping[str, Any], field: str, resolve: Any, params: Mapping[str, Any],
             problems: list[str]) -> Storage | None:
    node = resolve(e.get("node"), f"{field}.node")
    commodity = e.get("commodity", "crude")
    if commodity not in COMMODITIES:  # a misspelt commodity: the tanks would be left out without a word
        problems.append(f"{field}.commodity: {commodity!r} is not a commodity (fix: one of {', '.join(COMMODITIES)})")
        return None
    if e.get("capacity") is None and e.get("volume_m3") is None:
        problems.append(f"{field}: neither capacity (Mt) nor volume_m3 (fix: give one)")
        return None
    if e.get("capacity") is not None:
        cap = _number(e, "capacity", field, problems)
    else:
        vol = _number(e, "volume_m3", field, problems)
        grade = e.get("grade")
        table = params.get("bbl_per_tonne") or {}
        entry = table.get(grade) if grade else None
        bpt = entry.get("value") if isinstance(entry, Mapping) else entry
        if bpt is None:
            problems.append(f"{field}.grade: {grade!r} is not in parameters.yaml bbl_per_tonne "
                            f"(fix: use one of {', '.join(sorted(table)) or '(none)'})")
            return None
        cap = None if vol is None else vol / (M3_PER_BBL * float(bpt)) / 1e6  # m3 -> t -> Mt
    ini = _number(e, "initial_share", field, problems, hi=1.0, default=0.5)
    mini = _number(e, "minimum_share", field, problems, hi=1.0, default=0.0)
    if None in (node, cap, ini, mini):
        return None
    assert cap is not None and ini is not None and mini is not None
    if ini < mini:
        problems.append(f"{field}: initial_share {ini:g} is below minimum_share {mini:g} (fix: raise the initial level)")
        return None
    return Storage(str(node), str(commodity), cap, ini * cap, mini * cap, tuple(e.get("sources") or ()))


def _production(e: Mapping[str, Any], field: str, resolve: Any, problems: list[str]) -> Production | None:
    origin = resolve(e.get("origin"), f"{field}.origin")
    down = _number(e, "ramp_down_per_day", field, problems, default=math.inf) if e.get("ramp_down_per_day") is not None else math.inf
    up = _number(e, "ramp_up_per_day", field, problems, default=math.inf) if e.get("ramp_up_per_day") is not None else math.inf
    lag = _number(e, "restart_lag_days", field, problems, default=0.0)
    profile = []
    raw = e.get("profile") or {}
    if not isinstance(raw, Mapping):
        problems.append(f"{field}.profile: not a mapping (fix: write {{YYYY-MM: Mt/y}})")
        raw = {}
    for month, value in raw.items():
        try:
            y, m = int(str(month)[:4]), int(str(month)[5:7])
            first = dt.date(y, m, 1)
            last = dt.date(y + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1)
        except ValueError:
            problems.append(f"{field}.profile.{month}: not a month (fix: write YYYY-MM)")
            continue
        v = _number({"v": value}, "v", f"{field}.profile.{month}", problems)
        if v is not None:
            profile.append((first, last, v))
    curve = _restart_curve(e.get("restart_curve"), field, problems)
    if origin is None or down is None or up is None or lag is None:
        return None
    return Production(str(origin), down, up, lag, tuple(sorted(profile)), tuple(e.get("sources") or ()), curve)


def _plan(e: Mapping[str, Any], field: str, resolve: Any, grade_of: Any, problems: list[str]) -> Plan | None:
    """One ``plans`` entry: ``{node, month: YYYY-MM, rate, rate_unit}``."""
    node = resolve(e.get("node"), f"{field}.node")
    rate = _number(e, "rate", field, problems)
    unit = str(e.get("rate_unit", "Mt/y"))
    try:
        y, m = int(str(e.get("month"))[:4]), int(str(e.get("month"))[5:7])
        first = dt.date(y, m, 1)
        last = dt.date(y + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1)
    except ValueError:
        problems.append(f"{field}.month: {e.get('month')!r} is not a month (fix: write YYYY-MM)")
        return None
    if unit not in RATE_UNITS and unit not in BARREL_RATE_UNITS:
        problems.append(f"{field}.rate_unit: {unit!r} unknown (fix: use one of {', '.join([*RATE_UNITS, *BARREL_RATE_UNITS])})")
        return None
    if node is None or rate is None:
        return None
    bpt = grade_of(str(node)) if unit in BARREL_RATE_UNITS else DEFAULT_BBL_PER_TONNE
    return Plan(str(node), first, last, rate_per_year(rate, unit, bbl_per_tonne=bpt or DEFAULT_BBL_PER_TONNE),
                tuple(e.get("sources") or ()))


def _restart_curve(raw: Any, field: str, problems: list[str]) -> tuple[tuple[float, float], ...]:
    """``restart_curve: {day: share}``: days >= 0, shares in [0, 1] and not falling."""
    if raw is None:
        return ()
    if not isinstance(raw, Mapping) or not raw:
        problems.append(f"{field}.restart_curve: not a mapping (fix: write {{day after restart: share of planned rate}})")
        return ()
    points = []
    for day, share in raw.items():
        d = _number({"d": day}, "d", f"{field}.restart_curve day", problems)
        s = _number({"s": share}, "s", f"{field}.restart_curve.{day}", problems, hi=1.0)
        if d is not None and s is not None:
            points.append((d, s))
    points.sort()
    if any(b[1] < a[1] for a, b in zip(points, points[1:], strict=False)):
        problems.append(f"{field}.restart_curve: shares fall with the days (fix: a restart curve only rises)")
        return ()
    return tuple(points)
