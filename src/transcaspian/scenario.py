"""Scenarios: named, declarative changes of the baseline network.

A scenario disables or derates nodes and links, avoids transit countries, restricts
markets, changes supplies, switches on planned links and picks a date. It is a
plain frozen dataclass, read from and written to YAML; :meth:`Scenario.apply`
returns a new network and never touches its input. Its changes of nodes and links go
through the engine dated events use too (:mod:`transcaspian.changes`).

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
from typing import TYPE_CHECKING, Any

import pandas as pd
import yaml

from ._scenario_fields import Problem, Resolver, check_fields, format_problems, new_link_feature
from .changes import Change, apply_to_frames
from .dates import parse_date
from .elements import contract_label, contract_links, crosses_countries
from .errors import NetworkDataError, ScenarioError, UnknownElementError
from .events import apply_events
from .examples import resolve_scenario_path
from .guards import check_path
from .io import read_yaml, write_atomic
from .loader import LINK_DEFAULTS, frame_from_features
from .schema import OPERATING_STATUSES, Objective
from .units import CANONICAL_UNITS

if TYPE_CHECKING:
    from .network import CorridorNetwork

__all__ = ["Scenario", "FIELDS"]

log = logging.getLogger(__name__)

#: Fields a scenario file may set.
FIELDS = (
    "name", "description", "extends", "as_of", "disable", "derate", "avoid_countries", "close_passages",
    "markets", "supplies", "add_links", "drop_contracts", "objective", "allocation", "commodity",
    "start", "end", "step", "outages",
)
#: Fields holding a list (a single value is a list of one).
_LIST_FIELDS = ("disable", "avoid_countries", "close_passages", "add_links", "drop_contracts", "outages")
#: Fields holding text (other values are converted with ``str``).
_TEXT_FIELDS = ("name", "description", "extends", "objective", "allocation", "step")
#: Horizon fields of :func:`transcaspian.simulate` (dates; ``YYYY-MM`` is a month's first or last day).
_HORIZON_FIELDS = ("start", "end")


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
    close_passages : tuple of str
        Named straits and canals (``bosporus``, ``dardanelles``, ...): every link whose
        ``passages`` lists one is disabled (tanker and ferry legs; a rail tunnel or a
        subsea pipeline under the strait is not).
    markets : dict
        ``{"*": [ids]}`` restricts every commodity to these markets; ``{commodity:
        [ids] | {id: cap}}`` sets a commodity's markets (and caps, canonical unit).
    supplies : dict
        ``{commodity: {origin: value | {value?, markets?, avoid_countries?}}}``
        updates the origin's baseline supply field by field: ``value`` sets its volume
        (the baseline's ``markets`` and ``avoid_countries`` are kept), ``markets``
        restricts where that volume may go, ``avoid_countries`` (ISO 3166-1 alpha-3)
        keeps it off nodes in those countries. A field left out keeps its baseline value.
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
    allocation : {"cost", "pro_rata"}, optional
        Who is stranded at a bottleneck (see :func:`transcaspian.solve`): cheapest
        first, or the same served share for every origin behind it.
    commodity : str or tuple of str, optional
        Default commodity(ies) for :func:`transcaspian.solve`.
    start, end : datetime.date, optional
        The horizon of :func:`transcaspian.simulate` (inclusive); ignored by ``solve``.
    step : {"day", "week", "month", "year"}, optional
        The period length of :func:`transcaspian.simulate`.
    outages : tuple of mappings
        Windows in time for :func:`transcaspian.simulate`: ``{element, off: true |
        derate: f | moorings_out: n, from, to?}`` (``to`` is the first day back), or
        ``{event: id, to}`` to give a dated event its end. ``solve`` ignores them.
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
    close_passages: tuple[str, ...] = ()
    markets: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    supplies: Mapping[str, Mapping[str, Any]] = dataclasses.field(default_factory=dict)
    add_links: tuple[Any, ...] = ()
    drop_contracts: tuple[str, ...] = ()
    objective: Objective | None = None
    allocation: str | None = None
    commodity: str | tuple[str, ...] | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    step: str | None = None
    outages: tuple[Mapping[str, Any], ...] = ()
    source: Path | None = dataclasses.field(default=None, compare=False)

    def __post_init__(self) -> None:
        def fix(name: str, value: Any) -> None:
            object.__setattr__(self, name, value)

        for name in _LIST_FIELDS:
            v = getattr(self, name)
            fix(name, (v,) if isinstance(v, str | Mapping) else tuple(v or ()))
        fix("avoid_countries", tuple(str(c).upper() for c in self.avoid_countries))
        fix("close_passages", tuple(str(p).strip().lower() for p in self.close_passages))
        if self.as_of is not None:
            fix("as_of", _date(self.as_of, self._where()))
        # YAML 1.1 reads an unquoted `off:` key as the boolean False: it means the outage kind "off"
        fix("outages", tuple({("off" if k is False else k): v for k, v in e.items()} if isinstance(e, Mapping) else e
                             for e in self.outages))
        for name in _HORIZON_FIELDS:
            if getattr(self, name) is not None:
                fix(name, _horizon_date(name, getattr(self, name), self._where()))
        if isinstance(self.markets, list | tuple | str):
            fix("markets", {"*": [self.markets] if isinstance(self.markets, str) else list(self.markets)})
        if isinstance(self.commodity, list):
            fix("commodity", tuple(self.commodity))
        problems = check_fields(self)
        if problems:
            raise ScenarioError(format_problems(problems, self._where()))

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
        if source:
            where = str(source)
        else:
            where = f"scenario {data.get('name', 'scenario')!r}" if isinstance(data, Mapping) else "scenario"
        if not isinstance(data, Mapping):
            raise ScenarioError(f"{where}: a scenario is a mapping of fields ({', '.join(FIELDS)}); got {type(data).__name__}")
        problems = [_unknown_field(str(key)) for key in data if key not in FIELDS]
        if problems:
            raise ScenarioError(format_problems(problems, where))
        # the rest (markets as a list, commodity as a list, country case) is __post_init__'s
        kw = {key: _field_value(key, data[key], where) for key in FIELDS if data.get(key) is not None}
        kw.setdefault("name", Path(source).stem if source else "scenario")
        return cls(**kw, source=Path(source) if source else None)

    @classmethod
    def from_yaml(cls, path: str | Path, *, allow_outside: bool = False) -> Scenario:
        """Read a scenario file, merging the chain of ``extends`` parents.

        Child fields override the parent's; lists (disable, avoid_countries,
        add_links) are concatenated; mappings (derate, markets, supplies) are merged.
        ``path`` may also name a bundled example scenario from any directory
        (``"cpc_outage"``, ``"cpc_outage.yaml"`` or ``"examples/scenarios/cpc_outage.yaml"``;
        see :func:`transcaspian.examples.resolve_scenario_path`).

        Examples
        --------
        >>> sc = Scenario.from_yaml("examples/scenarios/cpc_outage.yaml")
        >>> sc.disable, Scenario.from_yaml("cpc_outage").name
        (('novorossiysk_cpc_terminal',), 'cpc_outage')
        """
        check_path(path, "Scenario.from_yaml", "path", "a scenario YAML file")
        path = resolve_scenario_path(path)
        data = _read_chain(path, (), allow_outside=allow_outside)
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
            if f in ("as_of", *_HORIZON_FIELDS):
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
    def apply(self, net: CorridorNetwork) -> CorridorNetwork:
        """A new network with the scenario applied (``net`` is left untouched).

        The steps: the events up to ``as_of``; then, on nodes and links, ``add_links``
        (planned links switched on), ``disable``, ``derate`` and ``avoid_countries``
        (one engine with the events, :mod:`transcaspian.changes`), and the new links
        appended; then, on the baseline, ``markets``, ``supplies`` and
        ``drop_contracts``. Every problem of every step is reported at once.

        Raises
        ------
        ScenarioError
            Naming the scenario file, the field and the unknown id with close
            matches, or the bad value and its fix.

        Examples
        --------
        >>> import transcaspian as tc
        >>> net = tc.load_network("tests/fixtures/mini")
        >>> Scenario(name="no terminal", disable=("terminal",)).apply(net).effective_capacity("terminal")
        0.0
        """
        net = self._with_events(net)
        if self.outages:
            log.info("%s: outages apply in transcaspian.simulate only; the static changes apply here", self._where())
        resolve = Resolver(net)
        switch_on, new_links = self._add_links(resolve)
        changes = [*switch_on, *self._disable(resolve), *self._derate(resolve), *self._avoid_countries(net),
                   *self._close_passages(net, resolve)]
        baseline = copy.deepcopy(dict(net.baseline or {}))
        self._apply_markets(baseline, resolve)
        self._apply_supplies(baseline, resolve)
        self._apply_contracts(baseline, resolve)
        if resolve.problems:
            raise ScenarioError(format_problems(resolve.problems, self._where()))
        nodes, links = apply_to_frames(net.nodes, net.links, changes)
        # a scenario file that switches off every link is almost surely a mistake; a knock-out made in code (a
        # criticality sweep's reference, an ensemble draw) may legitimately take everything out
        if (self.source is not None and len(self.disable) > 1 and len(links) and bool(links["disabled"].all())
                and not bool(net.links["disabled"].all())):
            raise ScenarioError(f"{self._where()}: disable: the scenario disables every link, so nothing can flow "
                                "(fix: disable fewer elements; the outage of one corridor is a list of its links or nodes)")
        if new_links:
            links = _append_links(links, new_links)
        # the changes set status columns only, so without new links the names and aliases (and their index) are net's
        return net.replace(nodes=nodes, links=links, baseline=baseline, applied=(*net.applied, f"scenario:{self.name}"),
                           same_names=not new_links)

    def _with_events(self, net: CorridorNetwork) -> CorridorNetwork:
        """``net`` with the events up to ``as_of`` applied (``net`` itself without as_of)."""
        if self.as_of is None:
            return net
        where = self._where()
        if net.as_of is not None and net.as_of > self.as_of:
            raise ScenarioError(
                f"{where}: as_of: the network already has events up to {net.as_of} applied, later than "
                f"{self.as_of}; load it without as_of (tc.load_network()) and let the scenario pick the date"
            )
        try:
            return apply_events(net, self.as_of)
        except (NetworkDataError, UnknownElementError) as exc:
            raise ScenarioError(f"{where}: as_of: applying events failed: {exc}") from None

    def _add_links(self, resolve: Resolver) -> tuple[list[Change], list[dict[str, Any]]]:
        """Changes switching on planned links (and their planned ends), and features of new links."""
        nodes, links = resolve.net.nodes, resolve.net.links
        changes: list[Change] = []
        features: list[dict[str, Any]] = []
        switched: set[str] = set()
        for i, item in enumerate(self.add_links):
            if not isinstance(item, str):
                feat = new_link_feature(item, f"add_links[{i}]", resolve)
                if feat is not None:
                    features.append(feat)
                continue
            lid = resolve(item, f"add_links[{i}]", "link")
            if lid is None:
                continue
            changes.append(Change("switch_on", (lid,), kind="link"))
            for end in (links.at[lid, "from_node"], links.at[lid, "to_node"]):
                if end not in switched and nodes.at[end, "status"] not in OPERATING_STATUSES:
                    log.info("%s: add_links %s also switches on node %s", self._where(), lid, end)
                    switched.add(end)
                    changes.append(Change("switch_on", (end,), kind="node"))
        return changes, features

    def _disable(self, resolve: Resolver) -> list[Change]:
        ids = (resolve(key, f"disable[{i}]") for i, key in enumerate(self.disable))
        return [Change("disable", tuple(eid for eid in ids if eid is not None))]

    def _derate(self, resolve: Resolver) -> list[Change]:
        ids = [(resolve(key, f"derate.{key}"), fac) for key, fac in self.derate.items()]
        for eid in self.ineffective_changes(resolve.net):
            log.warning(
                "%s: derate.%s has no effect: %s has no capacity (uncapacitated), so there is nothing to derate; "
                "disable it, or give it a capacity in the network data", self._where(), eid, eid,
            )
        return [Change("derate", (eid,), fac) for eid, fac in ids if eid is not None]

    def ineffective_changes(self, net: CorridorNetwork) -> list[str]:
        """Elements this scenario derates although they have no capacity (the derate changes nothing).

        Examples
        --------
        >>> import transcaspian as tc
        >>> net = tc.load_network("tests/fixtures/mini")
        >>> Scenario(name="x", derate={"terminal": 0.5}).ineffective_changes(net)
        []
        """
        out = []
        for key in self.derate:
            try:
                eid = net.resolve(str(key))
            except UnknownElementError:
                continue  # reported by apply
            frame = net.nodes if eid in net.nodes.index else net.links
            cap = frame.at[eid, "capacity"]
            if cap is None or (isinstance(cap, float) and math.isnan(cap)):
                out.append(eid)
        return out

    def _avoid_countries(self, net: CorridorNetwork) -> list[Change]:
        """Every node in the avoided countries, and every link that starts, ends or crosses there, disabled."""
        if not self.avoid_countries:
            return []
        nodes, links = net.nodes, net.links
        avoid = set(self.avoid_countries)
        unknown = avoid - set(nodes["country"])
        if unknown:
            log.info("%s: avoid_countries %s has no node in the network", self._where(), ", ".join(sorted(unknown)))
        hit = nodes.index[nodes["country"].isin(avoid)]
        ends = links["from_node"].isin(hit) | links["to_node"].isin(hit) | crosses_countries(links, avoid)
        return [Change("disable", tuple(hit), kind="node"), Change("disable", tuple(links.index[ends]), kind="link")]

    def _close_passages(self, net: CorridorNetwork, resolve: Resolver) -> list[Change]:
        """Every link crossing a closed passage, disabled; a passage no link crosses is a problem."""
        if not self.close_passages:
            return []
        crossing = net.links["passages"] if "passages" in net.links else None
        known = sorted({p for ps in crossing for p in (ps or [])}) if crossing is not None else []
        hit: list[str] = []
        for i, name in enumerate(self.close_passages):
            ids = [lid for lid, ps in crossing.items() if name in (ps or [])] if crossing is not None else []
            if not ids:
                resolve.problems.append((f"close_passages[{i}]", f"no link crosses a passage named {name!r}",
                                         f"use one of {', '.join(known) or '(none in this network)'}"))
            hit += ids
        return [Change("disable", tuple(dict.fromkeys(hit)), kind="link")] if hit else []

    def _apply_markets(self, baseline: dict[str, Any], resolve: Resolver) -> None:
        if not self.markets:
            return
        markets = _section(baseline, "markets")
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

    def _apply_supplies(self, baseline: dict[str, Any], resolve: Resolver) -> None:
        if not self.supplies:
            return
        supplies = _section(baseline, "supplies")
        for c, per in self.supplies.items():
            entries = list(supplies.get(c) or [])
            for key, spec in per.items():
                origin = resolve(key, f"supplies.{c}.{key}", "node")
                if origin is None:
                    continue
                mine = [e for e in entries if _origin_id(e, resolve) == origin]
                entries = [e for e in entries if _origin_id(e, resolve) != origin]
                entries.extend(self._supply_entries(c, key, spec, origin, mine, resolve))
            supplies[c] = entries

    def _supply_entries(
        self, c: str, key: str, spec: Any, origin: str, mine: list[Mapping[str, Any]], resolve: Resolver
    ) -> list[dict[str, Any]]:
        """The baseline supply entries of ``origin`` updated field by field by ``supplies.c.key: spec``.

        ``mine`` are the origin's baseline entries. A new ``value`` is spread over them in
        proportion to their volumes (one entry: it replaces that volume); ``markets`` and
        ``avoid_countries`` replace those fields; every other field of the baseline entry
        (its restrictions, sources, unit) is kept. An origin without a baseline entry gets
        a new one.
        """
        fields = dict(spec) if isinstance(spec, Mapping) else {"value": spec}
        note = f"scenario {self.name}"
        olds = [dict(e) for e in mine] or [{"origin": origin, "value": 0.0, "unit": CANONICAL_UNITS[c]}]
        if fields.get("value") is not None:
            total = sum(float(e.get("value") or 0.0) for e in olds)
            new = float(fields["value"])
            for e in olds:
                share = float(e.get("value") or 0.0) / total if total > 0 else 1.0 / len(olds)
                e["value"] = new * share
                e["confidence"] = "estimate"
                e["note"] = f"{note}: volume set to {new:g} {CANONICAL_UNITS[c]} (baseline {total:g})"
        if fields.get("markets") is not None:
            mk = fields["markets"]
            ids = [resolve(m, f"supplies.{c}.{key}.markets", "node") for m in ([mk] if isinstance(mk, str) else mk)]
            for e in olds:
                e["markets"] = [m for m in ids if m]
        if fields.get("avoid_countries") is not None:
            av = fields["avoid_countries"]
            codes = sorted({str(a).upper() for a in ([av] if isinstance(av, str) else av)})
            for e in olds:
                e["avoid_countries"] = codes
        for e in olds:
            e["origin"] = origin
            e.setdefault("unit", CANONICAL_UNITS[c])
        return olds

    def _apply_contracts(self, baseline: dict[str, Any], resolve: Resolver) -> None:
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
            drop.update(_dropped(str(key), f"drop_contracts[{i}]", labels, contracts, resolve))
        baseline["contracts"] = [c for c in contracts if id(c) not in drop]


# ----------------------------------------------------------------- helpers
def _section(baseline: dict[str, Any], key: str) -> dict[str, Any]:
    """``baseline[key]``, made a (new, empty) mapping when missing or null."""
    section = baseline.setdefault(key, {}) or {}
    baseline[key] = section
    return section


def _dropped(key: str, field: str, labels: Mapping[str, list[int]], contracts: list[Any], resolve: Resolver) -> list[int]:
    """The contracts (by ``id()``) that ``drop_contracts`` entry ``key`` lifts."""
    if key in labels:
        return labels[key]
    if ":" in key:
        close = difflib.get_close_matches(key, list(labels), n=3)
        hint = f"close matches: {', '.join(close)}" if close else f"use one of {', '.join(sorted(labels)) or '(none)'}"
        resolve.problems.append((field, f"no contract labelled {key!r}", hint))
        return []
    lid = resolve(key, field, "link")
    if lid is None:
        return []
    hits = [id(c) for c in contracts if lid in contract_links(c)]
    if not hits:
        resolve.problems.append((field, f"link {lid!r} has no contract", "list a link that has one, or 'all'"))
    return hits


def _unknown_field(key: str) -> Problem:
    close = difflib.get_close_matches(key, FIELDS, n=1)
    return (key, "unknown field", f"did you mean {close[0]!r}?" if close else f"use one of {', '.join(FIELDS)}")


def _field_value(key: str, value: Any, where: str) -> Any:
    """The value of field ``key`` read from plain data."""
    if key in _LIST_FIELDS:
        return tuple(value) if isinstance(value, list | tuple) else (value,)
    if key == "as_of":
        return _date(value, where)
    if key in _HORIZON_FIELDS:
        return _horizon_date(key, value, where)
    if key in _TEXT_FIELDS and not isinstance(value, str):
        return str(value)
    return value


def _date(value: Any, where: str) -> dt.date:
    """A date from a date, ``YYYY-MM-DD`` or ``YYYY-MM`` (the end of that month); strict."""
    try:
        return parse_date(value, month="end", field=f"{where}: as_of")
    except NetworkDataError as exc:
        raise ScenarioError(str(exc)) from None


def _horizon_date(field: str, value: Any, where: str) -> dt.date:
    """``start`` or ``end`` of a simulation horizon: a date, ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``."""
    if isinstance(value, dt.date):
        return value.date() if isinstance(value, dt.datetime) else value
    text = str(value)
    if len(text) == 4 and text.isdigit():
        return dt.date(int(text), 1, 1) if field == "start" else dt.date(int(text), 12, 31)
    try:
        return parse_date(text, month="start" if field == "start" else "end", field=f"{where}: {field}")
    except NetworkDataError as exc:
        raise ScenarioError(f"{exc} (a year YYYY is accepted too)") from None


# ----------------------------------------------------------------- files
def _merge(parent: Any, child: Any) -> Any:
    if isinstance(parent, Mapping) and isinstance(child, Mapping):
        out = dict(parent)
        for k, v in child.items():
            out[k] = _merge(parent[k], v) if k in parent else v
        return out
    if isinstance(parent, list) and isinstance(child, list):
        return parent + [v for v in child if v not in parent]
    return child


#: Most files a chain of ``extends`` may hold (the scenario itself included).
MAX_EXTENDS_DEPTH = 32


def _read_chain(path: Path, seen: tuple[Path, ...], *, root: Path | None = None, allow_outside: bool = False) -> dict[str, Any]:
    """The fields of ``path`` merged over its ``extends`` parents.

    A parent must be a file inside the folder of the first scenario (``root``) unless
    ``allow_outside``; the chain holds at most :data:`MAX_EXTENDS_DEPTH` files.
    """
    path = Path(path)
    root = root if root is not None else path.resolve().parent
    if path.resolve() in seen:
        chain = " -> ".join(str(p) for p in (*seen, path.resolve()))
        raise ScenarioError(f"{path}: extends: circular chain {chain} (fix: remove one extends)")
    if len(seen) >= MAX_EXTENDS_DEPTH:
        raise ScenarioError(f"{seen[0]}: extends: chain deeper than {MAX_EXTENDS_DEPTH} files (at {path}) "
                            "(fix: use fewer levels of extends, e.g. merge parents into one file)")
    if not path.exists():
        raise ScenarioError(f"{path}: scenario file not found (fix: check the path)")
    try:
        data = read_yaml(path, kind="scenario", what="scenario file")
    except NetworkDataError as exc:
        raise ScenarioError(str(exc)) from None
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        raise ScenarioError(f"{path}: a scenario file holds a mapping of fields ({', '.join(FIELDS)}); "
                            f"got a {type(data).__name__} (fix: write one field per line, e.g. disable: [id])")
    data = dict(data)
    for key in _LIST_FIELDS:
        if isinstance(data.get(key), str):
            data[key] = [data[key]]
    parent = data.get("extends")
    if parent:
        ppath = _parent_path(path, parent, root, allow_outside)
        base = _read_chain(ppath, (*seen, path.resolve()), root=root, allow_outside=allow_outside)
        base.pop("name", None)
        base.pop("description", None)
        data = dict(_merge(base, data))  # two mappings merge into a mapping
    return data


def _parent_path(path: Path, parent: Any, root: Path, allow_outside: bool) -> Path:
    """The file ``extends: parent`` of scenario ``path`` names, checked (inside ``root``, a file)."""
    if not isinstance(parent, str):
        raise ScenarioError(f"{path}: extends: {parent!r} is not one file name (fix: give one file, e.g. extends: baseline.yaml)")
    ppath = (path.parent / parent).resolve()
    if not allow_outside and not ppath.is_relative_to(root):
        raise ScenarioError(
            f"{path}: extends: {parent} is outside the scenario's folder {root} (fix: copy the parent into that folder, "
            "or pass --allow-outside on the command line, allow_outside=True in Scenario.from_yaml)"
        )
    if ppath.is_dir():
        raise ScenarioError(f"{path}: extends: {parent} is a folder, not a scenario file (fix: name a .yaml file)")
    if not ppath.exists():
        raise ScenarioError(f"{path}: extends: {parent} not found in {path.parent} (fix: check the name)")
    return ppath


def _plain(v: Any) -> Any:
    if isinstance(v, Mapping):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_plain(x) for x in v]
    return v


def _market_id(entry: Any, resolve: Resolver) -> str | None:
    key = (entry.get("node") or entry.get("id")) if isinstance(entry, Mapping) else entry
    return resolve(key, "baseline markets", "node")


def _origin_id(entry: Any, resolve: Resolver) -> str | None:
    return resolve(entry.get("origin"), "baseline supplies", "node") if isinstance(entry, Mapping) else None


def _append_links(links: Any, features: Iterable[dict[str, Any]]) -> Any:

    extra = frame_from_features(list(features), LINK_DEFAULTS)
    out = pd.concat([links, extra[links.columns.intersection(extra.columns)]], axis=0)
    return out.set_crs(links.crs, allow_override=True) if hasattr(out, "set_crs") else out
