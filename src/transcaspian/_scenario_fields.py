"""The checks of a scenario's fields, and the new links a scenario defines.

Internal to :mod:`transcaspian.scenario`: every check returns :data:`Problem` tuples
(field, what is wrong, the fix) so that a scenario reports all its problems at once.

Examples
--------
>>> import transcaspian as tc
>>> check_fields(tc.Scenario(name="x", derate={"terminal": 0.5}))
[]
>>> print(format_problems([("derate.terminal", "factor 2 is not within 0-1", "give 0-1")], "x.yaml"))
x.yaml: derate.terminal: factor 2 is not within 0-1 (fix: give 0-1)
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, TypeGuard, get_args

from pyproj import Geod
from shapely.geometry import LineString, mapping, shape

from .countries import check_country
from .errors import UnknownElementError
from .schema import ALLOCATIONS, COMMODITIES, OBJECTIVES, VOLUME_MAX, Mode, check_magnitude
from .units import CANONICAL_UNITS

if TYPE_CHECKING:
    from .network import CorridorNetwork
    from .scenario import Scenario

__all__ = ["Problem", "Resolver", "check_fields", "format_problems", "is_number", "new_link_feature",
           "STEPS", "OUTAGE_KEYS", "OUTAGE_KINDS", "check_outage"]

#: A problem found in a scenario: field, what is wrong, the fix.
Problem = tuple[str, str, str]
#: Link modes in the order messages list them (``schema.MODES`` is a set).
_MODES: tuple[str, ...] = get_args(Mode)
#: The fix of an unknown id.
_ID_FIX = "use an id or alias from `transcaspian validate --list`"


def format_problems(problems: list[Problem], where: str) -> str:
    """One message for every problem, naming the scenario (``where``), the field and the fix."""
    if len(problems) == 1:
        f, msg, fix = problems[0]
        return f"{where}: {f}: {msg} (fix: {fix})"
    lines = [f"{where}: {len(problems)} problem(s):"]
    lines += [f"  - {f}: {msg} (fix: {fix})" for f, msg, fix in problems]
    return "\n".join(lines)



def is_number(v: Any) -> TypeGuard[float]:
    """Whether ``v`` is a finite int or float (not a bool)."""
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


class Resolver:
    """Resolves ids and aliases on ``net``; an unknown one is a problem, and None.

    Examples
    --------
    >>> import transcaspian as tc
    >>> resolve = Resolver(tc.load_network("tests/fixtures/mini"))
    >>> resolve("Sea Terminal", "disable[0]"), resolve("nowhere", "disable[1]"), len(resolve.problems)
    ('terminal', None, 1)
    """

    def __init__(self, net: CorridorNetwork) -> None:
        self.net = net
        self.problems: list[Problem] = []

    def __call__(self, key: Any, field: str, kind: str = "any") -> str | None:
        try:
            return self.net.resolve(str(key), kind=kind)
        except UnknownElementError as exc:
            self.problems.append((field, str(exc), _ID_FIX))
            return None



# ----------------------------------------------------------------- field checks
def check_fields(sc: Scenario) -> list[Problem]:
    """Every problem of the fields of ``sc``, in field order."""
    return [p for check in _CHECKS for p in check(sc)]


def _check_name(sc: Scenario) -> Iterator[Problem]:
    if not isinstance(sc.name, str) or not sc.name:
        yield ("name", "missing name", "give the scenario a short name")


def _check_disable(sc: Scenario) -> Iterator[Problem]:
    for i, d in enumerate(sc.disable):
        if not isinstance(d, str):
            yield (f"disable[{i}]", f"{d!r} is not an id", "list node or link ids")


def _check_derate(sc: Scenario) -> Iterator[Problem]:
    if not isinstance(sc.derate, Mapping):
        yield ("derate", "not a mapping", "write derate: {id: factor}")
        return
    for k, v in sc.derate.items():
        if not is_number(v) or not 0 <= v <= 1:
            yield (f"derate.{k}", f"factor {v!r} is not within 0-1",
                   "give the remaining share of capacity, e.g. 0.6 for 60%; use disable for 0")


def _check_drop_contracts(sc: Scenario) -> Iterator[Problem]:
    for i, d in enumerate(sc.drop_contracts):
        if not isinstance(d, str):
            yield (f"drop_contracts[{i}]", f"{d!r} is not a link id or contract label",
                   "write 'all', a link id or link:commodity[@origin]")


def _country_problems(codes: Any, field: str) -> Iterator[Problem]:
    """Problems with a list of ISO 3166-1 alpha-3 codes (``field`` names where it stands)."""
    if isinstance(codes, str):
        codes = [codes]
    if not isinstance(codes, list | tuple):
        yield (field, f"{codes!r} is not a list of country codes", "write a list such as [RUS, BLR]")
        return
    for i, code in enumerate(codes):
        try:
            check_country(code)
        except ValueError as exc:
            head, _, fix = str(exc).partition("; ")
            yield (f"{field}[{i}]", head, fix)


def _check_avoid_countries(sc: Scenario) -> Iterator[Problem]:
    yield from _country_problems(list(sc.avoid_countries), "avoid_countries")


def _check_markets(sc: Scenario) -> Iterator[Problem]:
    if not isinstance(sc.markets, Mapping):
        yield ("markets", "not a list or mapping", "write markets: [ids] or markets: {commodity: [ids]}")
        return
    for c, spec in sc.markets.items():
        if c != "*" and c not in COMMODITIES:
            yield (f"markets.{c}", f"unknown commodity {c!r}", f"use {', '.join(COMMODITIES)}")
        if isinstance(spec, Mapping):
            for m, cap in spec.items():
                if cap is not None and (not is_number(cap) or cap < 0):
                    yield (f"markets.{c}.{m}", f"cap {cap!r} is not a volume >= 0",
                           "give the cap in the commodity's unit, or null")
        elif not isinstance(spec, list | tuple):
            yield (f"markets.{c}", "not a list of market ids", "write a list of node ids")


def _check_supplies(sc: Scenario) -> Iterator[Problem]:
    if not isinstance(sc.supplies, Mapping):
        yield ("supplies", "not a mapping", "write supplies: {commodity: {origin: value}}")
        return
    for c, per in sc.supplies.items():
        if c not in COMMODITIES:
            yield (f"supplies.{c}", f"unknown commodity {c!r}", f"use {', '.join(COMMODITIES)}")
        elif not isinstance(per, Mapping):
            yield (f"supplies.{c}", "not a mapping", "write {origin: value}")
        else:
            for o, spec in per.items():
                yield from _supply_problems(c, str(o), spec)


SUPPLY_KEYS = ("value", "markets", "avoid_countries")


def _supply_problems(c: str, o: str, spec: Any) -> Iterator[Problem]:
    """Problems with one scenario supply entry ``supplies.c.o``: a volume or a mapping of SUPPLY_KEYS."""
    field = f"supplies.{c}.{o}"
    if isinstance(spec, Mapping):
        for k in spec:
            if k not in SUPPLY_KEYS:
                close = difflib.get_close_matches(str(k), SUPPLY_KEYS, n=1)
                hint = f"did you mean {close[0]!r}?" if close else f"use {', '.join(SUPPLY_KEYS)}"
                yield (f"{field}.{k}", f"unknown key {k!r}", hint)
        if spec.get("avoid_countries") is not None:
            yield from _country_problems(spec["avoid_countries"], f"{field}.avoid_countries")
        v = spec.get("value")
        if v is None:
            return  # restrictions only: the baseline volume is kept
    else:
        v = spec
    if not is_number(v) or v < 0:
        yield (field, f"{v!r} is not a volume >= 0", f"give the supply in {CANONICAL_UNITS[c]}")
    elif (why := check_magnitude(float(v))) is not None:
        yield (field, why, f"give the supply in {CANONICAL_UNITS[c]}, at most {VOLUME_MAX:g}")


def _check_add_links(sc: Scenario) -> Iterator[Problem]:
    for i, item in enumerate(sc.add_links):
        if not isinstance(item, str | Mapping):
            yield (f"add_links[{i}]", f"{item!r} is neither a link id nor a link definition",
                   "give an id or {id, from, to, mode, ...}")


def _check_objective(sc: Scenario) -> Iterator[Problem]:
    if sc.objective is not None and sc.objective not in OBJECTIVES:
        yield ("objective", f"unknown objective {sc.objective!r}", f"use one of {', '.join(OBJECTIVES)}")


def _check_allocation(sc: Scenario) -> Iterator[Problem]:
    if sc.allocation is not None and sc.allocation not in ALLOCATIONS:
        yield ("allocation", f"unknown allocation {sc.allocation!r}", f"use one of {', '.join(ALLOCATIONS)}")


def _check_commodity(sc: Scenario) -> Iterator[Problem]:
    if sc.commodity is None:
        return
    if not isinstance(sc.commodity, str | list | tuple):
        yield ("commodity", f"{sc.commodity!r} is not a commodity name", f"give one of {', '.join(COMMODITIES)}, all, or a list of them")
        return
    for c in [sc.commodity] if isinstance(sc.commodity, str) else list(sc.commodity):
        if c not in COMMODITIES and c != "all":
            yield ("commodity", f"unknown commodity {c!r}", f"use {', '.join(COMMODITIES)} or all")


#: Period lengths of :func:`transcaspian.simulate` (``step``), shortest first.
STEPS: tuple[str, ...] = ("day", "week", "month", "year")
#: Keys an entry of a scenario's ``outages:`` may hold.
OUTAGE_KEYS = ("element", "event", "off", "derate", "moorings_out", "from", "to", "note", "sources")
#: The kinds of restriction an outage window imposes.
OUTAGE_KINDS = ("off", "derate", "moorings_out")


def _parse_date(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def check_outage(entry: Any, i: int) -> list[tuple[str, str, str]]:
    """The problems of entry ``i`` of a scenario's ``outages:`` (field, what, fix); ids are not resolved here.

    Examples
    --------
    >>> check_outage({"element": "terminal", "off": True, "from": "2025-12-29"}, 0)
    []
    >>> check_outage({"element": "terminal", "derate": 2, "from": "2025-12-29"}, 0)[0][1]
    'derate 2 is not within 0-1'
    """
    f = f"outages[{i}]"
    if not isinstance(entry, Mapping):
        return [(f, f"{entry!r} is not a mapping", "write {element, off|derate|moorings_out, from, to}")]
    out = [(f"{f}.{k}", "unknown key", f"use {', '.join(OUTAGE_KEYS)}") for k in entry if k not in OUTAGE_KEYS]
    out += _event_entry(entry, f) if entry.get("event") is not None else _element_entry(entry, f)
    for key in ("from", "to"):
        if entry.get(key) is not None:
            try:
                _parse_date(entry[key])
            except ValueError:
                out.append((f"{f}.{key}", f"{entry[key]!r} is not a date", "write YYYY-MM-DD"))
    if not out and entry.get("from") is not None and entry.get("to") is not None \
            and _parse_date(entry["to"]) <= _parse_date(entry["from"]):
        out.append((f, f"to {entry['to']} is not after from {entry['from']}", "`to` is the first day back; give a later day"))
    return out


def _event_entry(entry: Mapping[str, Any], f: str) -> list[Problem]:
    out = []
    if entry.get("to") is None:
        out.append((f, "an event entry needs `to`", "give the first day the event's targets are back"))
    if entry.get("element") is not None or any(entry.get(k) is not None for k in OUTAGE_KINDS):
        out.append((f, "an event entry takes only event and to", "write a separate element entry"))
    return out


def _element_entry(entry: Mapping[str, Any], f: str) -> list[Problem]:
    out = []
    if not entry.get("element"):
        out.append((f, "no element", "give the id of a node or link, or event: <id> with to:"))
    kinds = [k for k in OUTAGE_KINDS if entry.get(k) is not None]
    if len(kinds) != 1:
        out.append((f, f"{len(kinds)} of off/derate/moorings_out given", "give exactly one"))
    d = entry.get("derate")
    if d is not None and (not is_number(d) or not 0 <= d <= 1):
        out.append((f"{f}.derate", f"derate {d!r} is not within 0-1", "give the remaining share of capacity"))
    m = entry.get("moorings_out")
    if m is not None and (not is_number(m) or m < 0):
        out.append((f"{f}.moorings_out", f"{m!r} is not a count >= 0", "give how many moorings are out"))
    if entry.get("off") is not None and entry.get("off") is not True:
        out.append((f"{f}.off", f"{entry.get('off')!r}", "write off: true (or leave the entry out)"))
    if entry.get("from") is None:
        out.append((f, "no from date", "give from: YYYY-MM-DD"))
    return out


def _check_time(sc: Scenario) -> Iterator[Problem]:
    """The simulation fields: ``step``, ``start`` before ``end``, and each ``outages`` entry."""
    if sc.step is not None and sc.step not in STEPS:
        yield ("step", f"unknown step {sc.step!r}", f"use one of {', '.join(STEPS)}")
    if sc.start is not None and sc.end is not None and sc.end < sc.start:
        yield ("end", f"end {sc.end} is before start {sc.start}", "give an end on or after the start")
    for i, entry in enumerate(sc.outages):
        yield from check_outage(entry, i)


#: One check per field (family), in the order their problems are reported.
_CHECKS: tuple[Callable[[Scenario], Iterator[Problem]], ...] = (
    _check_name, _check_disable, _check_derate, _check_drop_contracts, _check_avoid_countries,
    _check_markets, _check_supplies, _check_add_links, _check_objective, _check_allocation, _check_commodity, _check_time,
)



# ----------------------------------------------------------------- new links
def new_link_feature(item: Mapping[str, Any], field: str, resolve: Resolver) -> dict[str, Any] | None:
    """A GeoJSON feature for a link defined in the scenario (None, and problems, if it is malformed)."""

    problems, net = resolve.problems, resolve.net
    lid = item.get("id")
    if not isinstance(lid, str) or not lid:
        problems.append((field, "new link has no id", "give a snake_case id"))
        return None
    bad = len(problems)
    if lid in net.links.index or lid in net.nodes.index:
        problems.append((f"{field}.id", f"id {lid!r} already exists",
                         "use a new id, or give just the id to switch on a planned link"))
    ends = [_link_end(item, key, field, resolve) for key in ("from", "to")]
    comms = item.get("commodities")
    comms = [comms] if isinstance(comms, str) else list(comms or [])
    problems += _check_link_values(item, field, comms)
    if len(problems) > bad or None in ends:
        return None
    geom = _link_geometry(item, field, net, ends, problems)
    if geom is None:
        return None
    cost, cap = item.get("cost", 0.0), item.get("capacity")
    props = {
        "id": lid, "name": item.get("name", lid), "from_node": ends[0], "to_node": ends[1], "mode": item.get("mode"),
        "commodities": comms, "capacity": cap,
        "unit": item.get("unit") or (CANONICAL_UNITS[comms[0]] if cap is not None else None),
        "cost": {c: float(cost) for c in comms} if is_number(cost) else dict(cost),
        "time_days": float(item.get("time_days", 0.0)), "length_km": _length_km(item, geom), "status": "operating",
        "bidirectional": bool(item.get("bidirectional", False)), "confidence": "estimate",
        "notes": item.get("notes", "added by a scenario"),
    }
    return {"type": "Feature", "id": lid, "properties": props, "geometry": mapping(geom)}


def _check_link_values(item: Mapping[str, Any], field: str, comms: list[Any]) -> Iterator[Problem]:
    """The problems of a new link's mode, commodities, capacity, cost and time_days."""
    mode = item.get("mode")
    if mode not in _MODES:
        yield (f"{field}.mode", f"mode {mode!r} unknown", f"use one of {', '.join(_MODES)}")
    if not comms or any(c not in COMMODITIES for c in comms):
        yield (f"{field}.commodities", f"{comms!r} is not a list of known commodities", f"use {', '.join(COMMODITIES)}")
    cap = item.get("capacity")
    if cap is not None and (not is_number(cap) or cap < 0):
        yield (f"{field}.capacity", f"{cap!r} is not a capacity >= 0", "give a number in the unit, or null for uncapacitated")
    cost = item.get("cost", 0.0)
    if not is_number(cost) and (not isinstance(cost, Mapping) or not all(is_number(cost.get(c)) for c in comms)):
        yield (f"{field}.cost", f"{cost!r} is not a cost per commodity", "write cost: 12.0 or cost: {crude: 12.0}")
    t = item.get("time_days", 0.0)
    if not is_number(t) or t < 0:
        yield (f"{field}.time_days", f"{t!r} is not a duration >= 0", "give days")


def _link_end(item: Mapping[str, Any], key: str, field: str, resolve: Resolver) -> str | None:
    """The node id of end ``key`` ("from" or "to", also "from_node"/"to_node") of a new link."""
    v = item.get(key, item.get(f"{key}_node"))
    if v is None:
        resolve.problems.append((f"{field}.{key}", "missing end node", f"give {key}: <node id>"))
        return None
    return resolve(v, f"{field}.{key}", "node")


def _link_geometry(item: Mapping[str, Any], field: str, net: CorridorNetwork, ends: list[Any], problems: list[Problem]) -> Any:
    """The new link's LineString: its ``geometry``, or a straight line between its ends."""

    if item.get("geometry") is None:
        a, b = net.nodes.geometry[ends[0]], net.nodes.geometry[ends[1]]
        return LineString([(a.x, a.y), (b.x, b.y)])
    try:
        return shape(item["geometry"]) if isinstance(item["geometry"], Mapping) else LineString(item["geometry"])
    except (TypeError, ValueError, AttributeError) as exc:
        problems.append((f"{field}.geometry", f"not a LineString: {exc}", "give GeoJSON or a list of [lon, lat]"))
        return None


def _length_km(item: Mapping[str, Any], geom: Any) -> float:
    """The new link's ``length_km``, or its geodesic length on WGS84."""
    length = item.get("length_km")
    if is_number(length):
        return float(length)

    xs, ys = zip(*geom.coords, strict=True)
    return float(Geod(ellps="WGS84").line_length(xs, ys) / 1000)

