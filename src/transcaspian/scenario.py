"""Scenarios: named, declarative changes of the baseline network.

A scenario disables or derates nodes and links, avoids transit countries, restricts
markets, changes supplies, switches on planned links and picks a date. It is a
plain frozen dataclass, read from and written to YAML; :meth:`Scenario.apply`
returns a new network and never touches its input.

Examples
--------
>>> import transcaspian as tc
>>> net = tc.load_network("tests/fixtures/mini")
>>> sc = tc.Scenario.from_dict({"name": "half terminal", "derate": {"Sea Terminal": 0.5}})
>>> sc.apply(net).effective_capacity("terminal"), net.effective_capacity("terminal")
(15.0, 30.0)
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import difflib
import logging
import math
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from .elements import contract_label
from .io import read_yaml, write_atomic
from .errors import NetworkDataError, ScenarioError, UnknownElementError
from .units import CANONICAL_UNITS, COMMODITIES

__all__ = ["Scenario", "FIELDS"]

log = logging.getLogger(__name__)

#: Fields a scenario file may set.
FIELDS = (
    "name", "description", "extends", "as_of", "disable", "derate", "avoid_countries",
    "markets", "supplies", "add_links", "drop_contracts", "objective", "commodity",
)
_OBJECTIVES = ("cost", "time", "emissions")
_LINK_MODES = ("pipeline", "tanker", "ferry", "rail", "road")


@dataclasses.dataclass(frozen=True)
class Scenario:
    """A declarative change of the baseline network.

    Parameters
    ----------
    name : str
    description : str
    extends : str, optional
        Parent scenario file (resolved relative to this file); already merged into
        the fields when read with :meth:`from_yaml`.
    as_of : datetime.date, optional
        Apply the dated events of events.yaml up to this day.
    disable : tuple of str
        Ids or aliases of nodes and links to switch off.
    derate : dict
        Id or alias -> remaining share of capacity, 0-1 (replaces any derate from
        events, it does not multiply it).
    avoid_countries : tuple of str
        ISO 3166-1 alpha-3 codes: every node there is disabled, with every link that
        starts or ends there. A link whose ends are both outside but whose geometry
        crosses the country is kept (transit over geometry is not checked).
    markets : dict
        ``{"*": [ids]}`` restricts every commodity to these markets; ``{commodity:
        [ids] | {id: cap}}`` sets a commodity's markets (and caps, canonical unit).
    supplies : dict
        ``{commodity: {origin: value | {value, markets}}}`` replaces the origin's
        supply; ``markets`` restricts where that origin's volume may go (without
        ``value`` the baseline volume is kept).
    add_links : tuple
        Ids of planned/proposed links to switch on (their planned end nodes too), or
        new link definitions ``{id, from, to, mode, commodities, capacity, unit,
        cost, time_days, length_km?, bidirectional?, geometry?}`` (no geometry: a
        straight line between the nodes).
    drop_contracts : tuple of str
        Contracts of baseline.yaml to lift: ``"all"``, a link id or alias (every
        contract on that link), or a contract label ``link:commodity`` /
        ``link:commodity@origin`` (as in ``FlowResult.contracts``). With ``"all"`` the
        solve shows the physical ceiling, free of transit plans, shipper allocations
        and quotas.
    objective : {"cost", "time", "emissions"}, optional
    commodity : str or tuple of str, optional
        Default commodity(ies) for :func:`transcaspian.solve`.
    source : pathlib.Path, optional
        File the scenario was read from (for messages).
    """

    name: str = "scenario"
    description: str = ""
    extends: str | None = dataclasses.field(default=None, compare=False)
    as_of: dt.date | None = None
    disable: tuple[str, ...] = ()
    derate: Mapping[str, float] = dataclasses.field(default_factory=dict)
    avoid_countries: tuple[str, ...] = ()
    markets: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    supplies: Mapping[str, Mapping[str, Any]] = dataclasses.field(default_factory=dict)
    add_links: tuple[Any, ...] = ()
    drop_contracts: tuple[str, ...] = ()
    objective: str | None = None
    commodity: str | tuple[str, ...] | None = None
    source: Path | None = dataclasses.field(default=None, compare=False)

    def __post_init__(self) -> None:
        def fix(name: str, value: Any) -> None:
            object.__setattr__(self, name, value)

        for name in ("disable", "avoid_countries", "add_links", "drop_contracts"):
            v = getattr(self, name)
            if isinstance(v, str | Mapping):
                v = (v,)
            fix(name, tuple(v or ()))
        fix("avoid_countries", tuple(str(c).upper() for c in self.avoid_countries))
        if self.as_of is not None and not isinstance(self.as_of, dt.date):
            fix("as_of", _date(self.as_of, self._where()))
        elif isinstance(self.as_of, dt.datetime):
            fix("as_of", self.as_of.date())
        if isinstance(self.markets, list | tuple | str):
            fix("markets", {"*": [self.markets] if isinstance(self.markets, str) else list(self.markets)})
        if isinstance(self.commodity, list):
            fix("commodity", tuple(self.commodity))
        problems = _check(self)
        if problems:
            raise ScenarioError(_format(problems, self._where()))

    def __hash__(self) -> int:  # dict fields: hash the canonical YAML instead
        return hash(self.to_yaml())

    def _where(self) -> str:
        return str(self.source) if self.source else f"scenario {self.name!r}"

    # ------------------------------------------------------------------ I/O
    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, source: str | Path | None = None) -> Scenario:
        """A scenario from plain data (the YAML mapping).

        Raises
        ------
        ScenarioError
            Listing every unknown or malformed field with its fix.

        Examples
        --------
        >>> Scenario.from_dict({"name": "x", "disable": "terminal"}).disable
        ('terminal',)
        """
        where = str(source) if source else f"scenario {data.get('name', 'scenario')!r}" if isinstance(data, Mapping) else "scenario"
        if not isinstance(data, Mapping):
            raise ScenarioError(f"{where}: a scenario is a mapping of fields ({', '.join(FIELDS)}); got {type(data).__name__}")
        problems = []
        for key in data:
            if key not in FIELDS:
                close = difflib.get_close_matches(str(key), FIELDS, n=1)
                hint = f"did you mean {close[0]!r}?" if close else f"use one of {', '.join(FIELDS)}"
                problems.append((str(key), "unknown field", hint))
        if problems:
            raise ScenarioError(_format(problems, where))
        kw: dict[str, Any] = {}
        for key in FIELDS:
            if key not in data or data[key] is None:
                continue
            v = data[key]
            if key in ("disable", "avoid_countries", "add_links", "drop_contracts"):
                v = tuple(v) if isinstance(v, list | tuple) else (v,)
            elif key == "as_of":
                v = _date(v, where)
            elif key == "commodity" and isinstance(v, list | tuple):
                v = tuple(v)
            elif key == "markets" and isinstance(v, list | tuple | str):
                v = {"*": [v] if isinstance(v, str) else list(v)}
            elif key in ("name", "description", "extends", "objective") and not isinstance(v, str):
                v = str(v)
            if key == "avoid_countries":
                v = tuple(str(c).upper() for c in v)
            kw[key] = v
        kw.setdefault("name", Path(source).stem if source else "scenario")
        return cls(**kw, source=Path(source) if source else None)

    @classmethod
    def from_yaml(cls, path: str | Path) -> Scenario:
        """Read a scenario file, merging the chain of ``extends`` parents.

        Child fields override the parent's; lists (disable, avoid_countries,
        add_links) are concatenated; mappings (derate, markets, supplies) are merged.

        Examples
        --------
        >>> sc = Scenario.from_yaml("examples/scenarios/cpc_outage.yaml")
        >>> sc.disable
        ('novorossiysk_cpc_terminal',)
        """
        path = Path(path)
        data = _read_chain(path, ())
        return cls.from_dict(data, source=path)

    def to_dict(self) -> dict[str, Any]:
        """Plain data (the YAML mapping), without empty fields.

        ``extends`` is left out: the parent's fields are already merged in, so the
        output stands alone.

        Examples
        --------
        >>> Scenario(name="x", derate={"terminal": 0.5}).to_dict()
        {'name': 'x', 'derate': {'terminal': 0.5}}
        """
        out: dict[str, Any] = {}
        for f in FIELDS:
            if f == "extends":  # the parent's fields are already merged in
                continue
            v = getattr(self, f)
            if v is None or v == () or v == {} or (f == "description" and not v):
                continue
            if f == "as_of":
                v = v.isoformat()
            elif isinstance(v, tuple):
                v = list(v)
            elif isinstance(v, Mapping):
                v = _plain(v)
            out[f] = v
        return out

    def to_yaml(self, path: str | Path | None = None) -> str:
        """The scenario as YAML text; also written (atomically) to ``path`` if given.

        Examples
        --------
        >>> print(Scenario(name="x", disable=("terminal",)).to_yaml().strip())
        name: x
        disable:
        - terminal
        """
        text = yaml.safe_dump(self.to_dict(), sort_keys=False, allow_unicode=True)
        if path is not None:
            write_atomic(path, text)
        return text

    # ---------------------------------------------------------------- apply
    def apply(self, net: Any) -> Any:
        """A new network with the scenario applied (``net`` is left untouched).

        Raises
        ------
        ScenarioError
            Naming the scenario file, the field and the unknown id with close
            matches, or the bad value and its fix.
        """
        where = self._where()
        if self.as_of is not None:
            if net.as_of is not None and net.as_of > self.as_of:
                raise ScenarioError(
                    f"{where}: as_of: the network already has events up to {net.as_of} applied, later than "
                    f"{self.as_of}; load it without as_of (tc.load_network()) and let the scenario pick the date"
                )
            from .events import apply_events

            try:
                net = apply_events(net, self.as_of)
            except (NetworkDataError, UnknownElementError) as exc:
                raise ScenarioError(f"{where}: as_of: applying events failed: {exc}") from None
        nodes = net.nodes.copy(deep=True)
        links = net.links.copy(deep=True)
        baseline = copy.deepcopy(dict(net.baseline or {}))
        problems: list[tuple[str, str, str]] = []

        def resolve(key: str, field: str, kind: str = "any") -> str | None:
            try:
                return net.resolve(str(key), kind=kind)
            except UnknownElementError as exc:
                problems.append((field, str(exc), "use an id or alias from `transcaspian validate --list`"))
                return None

        new_links = []
        for i, item in enumerate(self.add_links):
            if isinstance(item, str):
                lid = resolve(item, f"add_links[{i}]", "link")
                if lid is None:
                    continue
                links.loc[lid, ["disabled", "status"]] = [False, "operating"]
                for end in (links.at[lid, "from_node"], links.at[lid, "to_node"]):
                    if nodes.at[end, "status"] not in ("operating", "disrupted"):
                        log.info("%s: add_links %s also switches on node %s", where, lid, end)
                        nodes.loc[end, ["disabled", "status"]] = [False, "operating"]
            else:
                feat = _new_link(item, i, net, resolve, problems)
                if feat is not None:
                    new_links.append(feat)
        for i, key in enumerate(self.disable):
            eid = resolve(key, f"disable[{i}]")
            if eid is not None:
                (nodes if eid in nodes.index else links).loc[eid, "disabled"] = True
        for key, fac in self.derate.items():
            eid = resolve(key, f"derate.{key}")
            if eid is not None:
                (nodes if eid in nodes.index else links).loc[eid, "derate"] = float(fac)
        if self.avoid_countries:
            avoid = set(self.avoid_countries)
            unknown = avoid - set(nodes["country"])
            if unknown:
                log.info("%s: avoid_countries %s has no node in the network", where, ", ".join(sorted(unknown)))
            hit = nodes.index[nodes["country"].isin(avoid)]
            nodes.loc[hit, "disabled"] = True
            ends = links["from_node"].isin(hit) | links["to_node"].isin(hit)
            links.loc[ends, "disabled"] = True
        if new_links:
            links = _append_links(links, new_links)
        self._apply_markets(baseline, resolve)
        self._apply_supplies(baseline, resolve, problems)
        self._apply_contracts(baseline, resolve, problems)
        if problems:
            raise ScenarioError(_format(problems, where))
        return net.replace(
            nodes=nodes, links=links, baseline=baseline, applied=(*net.applied, f"scenario:{self.name}")
        )

    def _apply_markets(self, baseline: dict, resolve: Any) -> None:
        if not self.markets:
            return
        markets = baseline.setdefault("markets", {}) or {}
        baseline["markets"] = markets
        overall = self.markets.get("*")
        if overall is not None:
            keep = {m for m in (resolve(k, "markets") for k in overall) if m}
            for c, entries in list(markets.items()):
                markets[c] = [e for e in (entries or []) if _market_id(e, resolve) in keep]
        for c, spec in self.markets.items():
            if c == "*":
                continue
            old = {_market_id(e, resolve): e for e in (markets.get(c) or [])}
            items = spec.items() if isinstance(spec, Mapping) else ((k, None) for k in spec)
            entries = []
            for key, cap in items:
                m = resolve(key, f"markets.{c}", "node")
                if m is None:
                    continue
                if cap is not None:
                    entries.append({"node": m, "cap": float(cap)})
                else:
                    entries.append(old.get(m, m))
            markets[c] = entries

    def _apply_contracts(self, baseline: dict, resolve: Any, problems: list) -> None:
        if not self.drop_contracts:
            return
        contracts = list(baseline.get("contracts") or [])
        if "all" in self.drop_contracts:
            baseline["contracts"] = []
            return
        labels: dict[str, list[int]] = {}
        for c in contracts:
            labels.setdefault(contract_label(c), []).append(id(c))
        drop: set[int] = set()
        for i, key in enumerate(self.drop_contracts):
            key = str(key)
            if key in labels:
                drop.update(labels[key])
                continue
            if ":" in key:
                close = difflib.get_close_matches(key, list(labels), n=3)
                hint = f"close matches: {', '.join(close)}" if close else f"use one of {', '.join(sorted(labels)) or '(none)'}"
                problems.append((f"drop_contracts[{i}]", f"no contract labelled {key!r}", hint))
                continue
            lid = resolve(key, f"drop_contracts[{i}]", "link")
            if lid is None:
                continue
            hits = [id(c) for c in contracts if c.get("link") == lid]
            if not hits:
                problems.append((f"drop_contracts[{i}]", f"link {lid!r} has no contract", "list a link that has one, or 'all'"))
            drop.update(hits)
        baseline["contracts"] = [c for c in contracts if id(c) not in drop]

    def _apply_supplies(self, baseline: dict, resolve: Any, problems: list) -> None:
        if not self.supplies:
            return
        supplies = baseline.setdefault("supplies", {}) or {}
        baseline["supplies"] = supplies
        for c, per in self.supplies.items():
            entries = list(supplies.get(c) or [])
            for key, spec in per.items():
                origin = resolve(key, f"supplies.{c}.{key}", "node")
                if origin is None:
                    continue
                mine = [e for e in entries if _origin_id(e, resolve) == origin]
                entries = [e for e in entries if _origin_id(e, resolve) != origin]
                value = spec.get("value") if isinstance(spec, Mapping) else spec
                if value is None:  # only a market restriction: keep the baseline volume
                    value = sum(float(e.get("value") or 0.0) for e in mine)
                entry: dict[str, Any] = {"origin": origin, "value": float(value), "unit": CANONICAL_UNITS[c],
                                         "confidence": "estimate", "note": f"scenario {self.name}"}
                if isinstance(spec, Mapping) and spec.get("markets") is not None:
                    mk = spec["markets"]
                    ids = [resolve(m, f"supplies.{c}.{key}.markets", "node") for m in ([mk] if isinstance(mk, str) else mk)]
                    entry["markets"] = [m for m in ids if m]
                entries.append(entry)
            supplies[c] = entries


# ----------------------------------------------------------------- helpers
def _format(problems: list[tuple[str, str, str]], where: str) -> str:
    if len(problems) == 1:
        f, msg, fix = problems[0]
        return f"{where}: {f}: {msg} (fix: {fix})"
    lines = [f"{where}: {len(problems)} problem(s):"]
    lines += [f"  - {f}: {msg} (fix: {fix})" for f, msg, fix in problems]
    return "\n".join(lines)


def _date(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value)
    try:
        if len(text) == 7:  # YYYY-MM: the end of that month
            y, m = int(text[:4]), int(text[5:])
            nxt = dt.date(y + (m == 12), m % 12 + 1, 1)
            return nxt - dt.timedelta(days=1)
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ScenarioError(f"{where}: as_of: {value!r} is not a date (fix: write YYYY-MM-DD or YYYY-MM)") from None


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def _check(sc: Scenario) -> list[tuple[str, str, str]]:
    p: list[tuple[str, str, str]] = []
    if not isinstance(sc.name, str) or not sc.name:
        p.append(("name", "missing name", "give the scenario a short name"))
    for i, d in enumerate(sc.disable):
        if not isinstance(d, str):
            p.append((f"disable[{i}]", f"{d!r} is not an id", "list node or link ids"))
    if not isinstance(sc.derate, Mapping):
        p.append(("derate", "not a mapping", "write derate: {id: factor}"))
    else:
        for k, v in sc.derate.items():
            if not _is_number(v) or not 0 <= v <= 1:
                p.append((f"derate.{k}", f"factor {v!r} is not within 0-1",
                          "give the remaining share of capacity, e.g. 0.6 for 60%; use disable for 0"))
    for i, d in enumerate(sc.drop_contracts):
        if not isinstance(d, str):
            p.append((f"drop_contracts[{i}]", f"{d!r} is not a link id or contract label", "write 'all', a link id or link:commodity[@origin]"))
    for c in sc.avoid_countries:
        if not (isinstance(c, str) and len(c) == 3 and c.isalpha()):
            p.append(("avoid_countries", f"{c!r} is not an ISO 3166-1 alpha-3 code", "use e.g. RUS, IRN"))
    if not isinstance(sc.markets, Mapping):
        p.append(("markets", "not a list or mapping", "write markets: [ids] or markets: {commodity: [ids]}"))
    else:
        for c, spec in sc.markets.items():
            if c != "*" and c not in CANONICAL_UNITS:
                p.append((f"markets.{c}", f"unknown commodity {c!r}", f"use {', '.join(COMMODITIES)}"))
            if isinstance(spec, Mapping):
                for m, cap in spec.items():
                    if cap is not None and (not _is_number(cap) or cap < 0):
                        p.append((f"markets.{c}.{m}", f"cap {cap!r} is not a volume >= 0", "give the cap in the commodity's unit, or null"))
            elif not isinstance(spec, list | tuple):
                p.append((f"markets.{c}", "not a list of market ids", "write a list of node ids"))
    if not isinstance(sc.supplies, Mapping):
        p.append(("supplies", "not a mapping", "write supplies: {commodity: {origin: value}}"))
    else:
        for c, per in sc.supplies.items():
            if c not in CANONICAL_UNITS:
                p.append((f"supplies.{c}", f"unknown commodity {c!r}", f"use {', '.join(COMMODITIES)}"))
                continue
            if not isinstance(per, Mapping):
                p.append((f"supplies.{c}", "not a mapping", "write {origin: value}"))
                continue
            for o, spec in per.items():
                v = spec.get("value") if isinstance(spec, Mapping) else spec
                if v is None and isinstance(spec, Mapping) and spec.get("markets") is not None:
                    continue  # restriction only: the baseline volume is kept
                if not _is_number(v) or v < 0:
                    p.append((f"supplies.{c}.{o}", f"{v!r} is not a volume >= 0", f"give the supply in {CANONICAL_UNITS[c]}"))
    for i, item in enumerate(sc.add_links):
        if not isinstance(item, str | Mapping):
            p.append((f"add_links[{i}]", f"{item!r} is neither a link id nor a link definition", "give an id or {id, from, to, mode, ...}"))
    if sc.objective is not None and sc.objective not in _OBJECTIVES:
        p.append(("objective", f"unknown objective {sc.objective!r}", f"use one of {', '.join(_OBJECTIVES)}"))
    if sc.commodity is not None:
        names = [sc.commodity] if isinstance(sc.commodity, str) else list(sc.commodity)
        for c in names:
            if c not in CANONICAL_UNITS and c != "all":
                p.append(("commodity", f"unknown commodity {c!r}", f"use {', '.join(COMMODITIES)} or all"))
    return p


def _merge(parent: Any, child: Any) -> Any:
    if isinstance(parent, Mapping) and isinstance(child, Mapping):
        out = dict(parent)
        for k, v in child.items():
            out[k] = _merge(parent[k], v) if k in parent else v
        return out
    if isinstance(parent, list) and isinstance(child, list):
        return parent + [v for v in child if v not in parent]
    return child


def _read_chain(path: Path, seen: tuple[Path, ...]) -> dict[str, Any]:
    path = Path(path)
    if path.resolve() in seen:
        chain = " -> ".join(str(p) for p in (*seen, path.resolve()))
        raise ScenarioError(f"{path}: extends: circular chain {chain} (fix: remove one extends)")
    if not path.exists():
        raise ScenarioError(f"{path}: scenario file not found (fix: check the path)")
    try:
        data = read_yaml(path)
    except NetworkDataError as exc:
        raise ScenarioError(str(exc)) from None
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        raise ScenarioError(f"{path}: a scenario file holds a mapping of fields ({', '.join(FIELDS)})")
    data = dict(data)
    for key in ("disable", "avoid_countries", "add_links", "drop_contracts"):
        if isinstance(data.get(key), str):
            data[key] = [data[key]]
    parent = data.get("extends")
    if parent:
        ppath = (path.parent / str(parent)).resolve()
        base = _read_chain(ppath, (*seen, path.resolve()))
        base.pop("name", None)
        base.pop("description", None)
        data = _merge(base, data)
    return data


def _plain(v: Any) -> Any:
    if isinstance(v, Mapping):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_plain(x) for x in v]
    return v


def _market_id(entry: Any, resolve: Any) -> str | None:
    key = (entry.get("node") or entry.get("id")) if isinstance(entry, Mapping) else entry
    return resolve(key, "baseline markets", "node")


def _origin_id(entry: Any, resolve: Any) -> str | None:
    return resolve(entry.get("origin"), "baseline supplies", "node") if isinstance(entry, Mapping) else None


def _new_link(item: Mapping[str, Any], i: int, net: Any, resolve: Any, problems: list) -> dict | None:
    """A GeoJSON feature for a link defined in the scenario."""
    from shapely.geometry import LineString, mapping, shape

    field = f"add_links[{i}]"
    lid = item.get("id")
    bad = len(problems)
    if not isinstance(lid, str) or not lid:
        problems.append((field, "new link has no id", "give a snake_case id"))
        return None
    if lid in net.links.index or lid in net.nodes.index:
        problems.append((f"{field}.id", f"id {lid!r} already exists", "use a new id, or give just the id to switch on a planned link"))
    ends = []
    for key in ("from", "to"):
        v = item.get(key, item.get(f"{key}_node"))
        n = resolve(v, f"{field}.{key}", "node") if v is not None else None
        if v is None:
            problems.append((f"{field}.{key}", "missing end node", f"give {key}: <node id>"))
        ends.append(n)
    mode = item.get("mode")
    if mode not in _LINK_MODES:
        problems.append((f"{field}.mode", f"mode {mode!r} unknown", f"use one of {', '.join(_LINK_MODES)}"))
    comms = item.get("commodities")
    comms = [comms] if isinstance(comms, str) else list(comms or [])
    if not comms or any(c not in CANONICAL_UNITS for c in comms):
        problems.append((f"{field}.commodities", f"{comms!r} is not a list of known commodities", f"use {', '.join(COMMODITIES)}"))
    cap = item.get("capacity")
    if cap is not None and (not _is_number(cap) or cap < 0):
        problems.append((f"{field}.capacity", f"{cap!r} is not a capacity >= 0", "give a number in the unit, or null for uncapacitated"))
    cost = item.get("cost", 0.0)
    if _is_number(cost):
        cost = {c: float(cost) for c in comms}
    elif not isinstance(cost, Mapping) or not all(_is_number(cost.get(c)) for c in comms):
        problems.append((f"{field}.cost", f"{cost!r} is not a cost per commodity", "write cost: 12.0 or cost: {crude: 12.0}"))
    t = item.get("time_days", 0.0)
    if not _is_number(t) or t < 0:
        problems.append((f"{field}.time_days", f"{t!r} is not a duration >= 0", "give days"))
    if len(problems) > bad or None in ends:
        return None
    if item.get("geometry") is not None:
        try:
            geom = shape(item["geometry"]) if isinstance(item["geometry"], Mapping) else LineString(item["geometry"])
        except (TypeError, ValueError, AttributeError) as exc:
            problems.append((f"{field}.geometry", f"not a LineString: {exc}", "give GeoJSON or a list of [lon, lat]"))
            return None
    else:
        a, b = net.nodes.geometry[ends[0]], net.nodes.geometry[ends[1]]
        geom = LineString([(a.x, a.y), (b.x, b.y)])
    length = item.get("length_km")
    if not _is_number(length):
        from pyproj import Geod

        xs, ys = zip(*geom.coords, strict=True)
        length = Geod(ellps="WGS84").line_length(xs, ys) / 1000
    unit = item.get("unit") or (CANONICAL_UNITS[comms[0]] if cap is not None else None)
    props = {
        "id": lid, "name": item.get("name", lid), "from_node": ends[0], "to_node": ends[1], "mode": mode,
        "commodities": comms, "capacity": cap, "unit": unit, "cost": dict(cost),
        "time_days": float(t), "length_km": float(length), "status": "operating",
        "bidirectional": bool(item.get("bidirectional", False)), "confidence": "estimate",
        "notes": item.get("notes", "added by a scenario"),
    }
    return {"type": "Feature", "id": lid, "properties": props, "geometry": mapping(geom)}


def _append_links(links: Any, features: Iterable[dict]) -> Any:
    from .loader import LINK_DEFAULTS, frame_from_features

    extra = frame_from_features(list(features), LINK_DEFAULTS)
    out = pd.concat([links, extra[links.columns.intersection(extra.columns)]], axis=0)
    return out.set_crs(links.crs, allow_override=True) if hasattr(out, "set_crs") else out
