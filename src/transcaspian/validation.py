"""Validation of a geodata folder: every problem reported at once.

Each :class:`Problem` names the file, the element id, the field, what is wrong and
the fix. Types and enumerated values of node and link properties are checked
against the field specs of :mod:`transcaspian.schema`; the checks here add what a
spec cannot say (references between files, ranges, provenance, geometry).

Examples
--------
>>> import transcaspian as tc
>>> report = tc.validate_network()
>>> report.ok
True
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, TypeGuard

from pyproj import Geod

from .aliases import normalize_key
from .countries import country_name, is_country, suggest_country
from .dates import date_fix, date_problem, parse_date
from .elements import contract_links, contract_origins
from .errors import NetworkDataError, UnitError
from .io import FILES, OPTIONAL_FILES, default_data_path, raw_files, read_json, read_yaml
from .parameters import check_parameters, cited_sources
from .schema import COMMODITIES, CONFIDENCES, LINK_FIELDS, NODE_FIELDS, FieldSpec, type_ok, unknown_values
from .units import CANONICAL_UNITS, capacity_factor, is_convertible

__all__ = ["Problem", "ValidationReport", "validate_network", "validate_raw"]

ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
#: Largest distance (km) allowed between a link geometry's end and its node.
ENDPOINT_TOLERANCE_KM = 5.0
#: Operations an event's change may use.
CHANGE_OPS = ("derate", "disable", "enable", "set_status", "restore", "moorings_out")
#: Kinds an event of events.yaml may declare (``kind: weather``: see the time model's moorings).
EVENT_KINDS = ("weather",)
_GEOD = Geod(ellps="WGS84")
_ACCEPTED_CRS = {"EPSG:4326", "urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:EPSG::4326", "OGC:CRS84"}
#: How to write a value of each field type (the fix of a type problem).
_TYPE_FIX = {
    "str": "write a string",
    "number": "write a finite number",
    "bool": "write true or false",
    "list[str]": "write a list of strings",
    "mapping": "write a mapping",
}


@dataclasses.dataclass(frozen=True)
class Problem:
    """One problem in the data."""

    file: str
    element: str
    field: str
    message: str
    fix: str
    severity: str = "error"

    def __str__(self) -> str:
        return f"{self.file}: {self.element}: {self.field}: {self.message} (fix: {self.fix})"


@dataclasses.dataclass
class ValidationReport:
    """Every problem found in a geodata folder.

    Attributes
    ----------
    path : Path
    problems : list of Problem
    counts : dict
        Number of nodes, links and sources read.
    """

    path: Path
    problems: list[Problem] = dataclasses.field(default_factory=list)
    counts: dict[str, int] = dataclasses.field(default_factory=dict)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        """One line: counts and verdict."""
        c = self.counts
        head = f"{c.get('nodes', 0)} nodes, {c.get('links', 0)} links, {c.get('sources', 0)} sources"
        if self.ok:
            w = f", {len(self.warnings)} warning(s)" if self.warnings else ""
            return f"{self.path}: OK ({head}{w})"
        return f"{self.path}: {len(self.errors)} error(s) ({head})"

    def __str__(self) -> str:
        lines = [self.summary()]
        lines += [f"  {p.severity.upper()}: {p}" for p in self.problems]
        return "\n".join(lines)


class _Collector:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, file: str, element: str, field: str, message: str, fix: str, *, warn: bool = False) -> None:
        self.problems.append(Problem(file, element, field, message, fix, "warning" if warn else "error"))


def validate_network(path: str | Path | None = None) -> ValidationReport:
    """Check a geodata folder and return every problem found.

    Parameters
    ----------
    path : str or Path, optional
        The folder; default the bundled geodata.

    Returns
    -------
    ValidationReport
        ``report.ok`` is False when any error was found. Syntax errors that stop a
        file from being read at all are reported as problems too.

    Examples
    --------
    >>> import transcaspian as tc
    >>> tc.validate_network().counts["nodes"] >= 45
    True
    """
    folder = Path(path) if path is not None else default_data_path()
    try:
        raw = raw_files(folder)
    except NetworkDataError as exc:
        return _syntax_report(folder, exc)
    return validate_raw(raw, folder)


def _syntax_report(folder: Path, exc: NetworkDataError) -> ValidationReport:
    """Parse every file separately so all syntax errors are reported together."""
    col = _Collector()
    for key, name in FILES.items():
        try:
            (read_json if name.endswith(".geojson") else read_yaml)(folder / name)
        except NetworkDataError as e:
            if key in OPTIONAL_FILES and not (folder / name).exists():
                continue
            msg, _, fix = str(e).split(": ", 1)[-1].rpartition("; ")
            col.add(str(folder / name), "-", "-", msg or fix, fix if msg else "fix the file so it parses")
    if not col.problems:  # pragma: no cover - defensive
        col.add("-", "-", "-", str(exc), "fix the file")
    return ValidationReport(folder, col.problems)


def validate_raw(raw: Mapping[str, Any], folder: Path) -> ValidationReport:
    """Validate already-parsed files (see :func:`validate_network`)."""
    col = _Collector()
    sources = _check_sources(raw.get("sources"), col)
    nodes = _check_features(raw.get("nodes"), "nodes.geojson", "Point", col)
    links = _check_features(raw.get("links"), "links.geojson", "LineString", col)
    node_ids = {f["_id"] for f in nodes}
    for f in nodes:
        _check_node(f, sources, col)
    _check_aliases(nodes, links, col)
    node_geom = {f["_id"]: f["geometry"]["coordinates"] for f in nodes if _coords_ok(f)}
    for f in links:
        _check_link(f, node_ids, node_geom, sources, col)
    link_ids = {f["_id"] for f in links}
    _check_baseline(raw.get("baseline"), node_ids, link_ids, sources, col)
    _check_events(raw.get("events"), node_ids | link_ids, sources, col)
    _check_parameters(raw.get("parameters"), sources, col)
    counts = {"nodes": len(nodes), "links": len(links), "sources": len(sources)}
    problems = [dataclasses.replace(p, file=str(folder / p.file)) for p in col.problems]
    return ValidationReport(folder, problems, counts)


# ----------------------------------------------------------------------------- files
def _check_sources(doc: Any, col: _Collector) -> dict[str, Any]:
    f = "sources.yaml"
    if not isinstance(doc, dict) or not isinstance(doc.get("sources"), dict):
        col.add(f, "-", "sources", "no 'sources:' mapping at the top level", "write `sources:` followed by id: {title, url, ...}")
        return {}
    out = doc["sources"]
    for sid, entry in out.items():
        if not isinstance(entry, dict):
            col.add(f, str(sid), "-", "entry is not a mapping", "give title, outlet, date, url and claims")
            continue
        for key in ("title", "url"):
            if not entry.get(key):
                col.add(f, str(sid), key, f"missing {key}", f"add the source's {key}")
        claims = entry.get("claims", [])
        if claims is not None and not isinstance(claims, list):
            col.add(f, str(sid), "claims", "claims is not a list", "write claims as a list of {field, value, unit, text}")
    return out


def _check_features(doc: Any, file: str, geom_type: str, col: _Collector) -> list[dict]:
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        col.add(file, "-", "type", "not a GeoJSON FeatureCollection", 'set "type": "FeatureCollection" with a "features" list')
        return []
    _check_crs(doc.get("crs"), file, col)
    feats = doc.get("features")
    if not isinstance(feats, list):
        col.add(file, "-", "features", "no features list", 'add "features": [...]')
        return []
    if not feats:
        kind = "links" if geom_type == "LineString" else "nodes"
        col.add(file, "-", "features", f"the file holds no {kind}: nothing can be moved",
                f"add the {kind} as GeoJSON Features", warn=True)
    out: list[dict] = []
    seen: Counter[str] = Counter()
    for i, feat in enumerate(feats):
        if not isinstance(feat, dict):
            col.add(file, f"feature #{i}", "-", f"{type(feat).__name__} {_short(feat)} is not a GeoJSON Feature",
                    'write {"type": "Feature", "id": ..., "properties": {...}, "geometry": {...}}')
            continue
        props = feat.get("properties") or {}
        if not isinstance(props, dict):
            col.add(file, feat["id"] if isinstance(feat.get("id"), str) else f"feature #{i}", "properties", f"properties is a {type(props).__name__}, not a mapping",
                    'write "properties": {"name": ..., ...} (a JSON object)')
            continue
        fid = props.get("id", feat.get("id"))
        label = str(fid) if fid else f"feature #{i}"
        if not fid or not isinstance(fid, str):
            col.add(file, label, "id", "missing id", "give every feature a snake_case `id`")
            continue
        if not ID_RE.match(fid):
            col.add(file, fid, "id", "id is not snake_case ascii", "use lower-case letters, digits and underscores")
        seen[fid] += 1
        if seen[fid] == 2:
            col.add(file, fid, "id", "duplicate id", "rename one of the features; ids must be unique")
        geom = feat.get("geometry") or {}
        _check_geometry(geom, geom_type, file, fid, col)
        if seen[fid] == 1:
            out.append({"_id": fid, "_file": file, "props": props, "geometry": geom if isinstance(geom, dict) else {}})
    return out


def _short(value: Any) -> str:
    """``repr`` of a value, cut to 60 characters (a message stays one readable line)."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _check_crs(crs: Any, file: str, col: _Collector) -> None:
    if crs is None:
        return
    name = (crs.get("properties") or {}).get("name") if isinstance(crs, dict) else crs
    if str(name) not in _ACCEPTED_CRS:
        col.add(file, "-", "crs", f"CRS is {name!r}, not EPSG:4326", "reproject to EPSG:4326 (lon, lat), e.g. GeoDataFrame.to_crs(4326), or drop the crs member")


def _check_geometry(geom: Any, geom_type: str, file: str, fid: str, col: _Collector) -> None:
    if not isinstance(geom, dict):
        col.add(file, fid, "geometry", f"geometry {_short(geom)} is not a GeoJSON geometry object",
                f'write {{"type": "{geom_type}", "coordinates": ...}} in EPSG:4326')
        return
    gtype = geom.get("type")
    if gtype != geom_type:
        col.add(file, fid, "geometry", f"geometry type is {gtype!r}, expected {geom_type}", f"store a {geom_type} in EPSG:4326")
        return
    coords = geom.get("coordinates")
    pts = [coords] if geom_type == "Point" else (list(coords) if isinstance(coords, list | tuple) else [])
    if geom_type == "LineString" and len(pts) < 2:
        col.add(file, fid, "geometry", "LineString with fewer than 2 points", "give the route's vertices from start to end")
    bad = [p for p in pts if not _lonlat(p)]
    if bad:
        col.add(file, fid, "geometry", f"coordinate {_short(bad[0])} is not lon/lat in EPSG:4326",
                "give [lon, lat] in degrees (numbers; metres mean the data is projected: reproject to EPSG:4326)")


def _lonlat(p: Any) -> bool:
    """Whether ``p`` is a ``[lon, lat]`` (optionally with a height) of finite numbers in range."""
    return (isinstance(p, list | tuple) and 2 <= len(p) <= 3 and all(_is_number(v) for v in p)
            and -180 <= p[0] <= 180 and -90 <= p[1] <= 90)


def _coords_ok(f: dict) -> bool:
    return _lonlat(f["geometry"].get("coordinates"))


def _is_number(v: Any) -> TypeGuard[int | float]:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


# ------------------------------------------------------------------ field specs
def _check_fields(f: dict, specs: Mapping[str, FieldSpec], col: _Collector) -> None:
    """Presence of required properties, their types and enumerated values, per the specs.

    The id is checked by :func:`_check_features`. Every later check relies on this
    one: it looks only at present, well-typed values.
    """
    file, eid, p = f["_file"], f["_id"], f["props"]
    for spec in specs.values():
        if spec.name == "id":
            continue
        value = p.get(spec.name)
        if value is None or (spec.type == "str" and value == ""):
            if spec.required:
                _missing(file, eid, spec, value, col)
            continue
        if not type_ok(spec, value):
            col.add(file, eid, spec.name, f"{spec.name} {value!r} is not a {spec.type}", f"{_TYPE_FIX[spec.type]} ({spec.description})")
            continue
        unknown = unknown_values(spec, value)
        if not unknown:
            continue
        if spec.type == "list[str]":
            col.add(file, eid, spec.name, f"unknown {spec.name} {unknown}", f"use {spec.allowed_text()}")
        else:
            col.add(file, eid, spec.name, f"{spec.name} {value!r} unknown", f"use one of {spec.allowed_text()}")


def _missing(file: str, eid: str, spec: FieldSpec, value: Any, col: _Collector) -> None:
    if spec.allowed is not None and spec.type == "str":
        col.add(file, eid, spec.name, f"{spec.name} {value!r} unknown", f"use one of {spec.allowed_text()}")
    elif spec.type == "list[str]":
        col.add(file, eid, spec.name, f"no {spec.name}", f"list them ({spec.allowed_text() or spec.description})")
    else:
        col.add(file, eid, spec.name, f"missing {spec.name}", f"give the {spec.description}")


def _source_ids(value: Any) -> list[Any]:
    """Cited source ids (a non-list was reported by :func:`_check_fields`)."""
    return value if isinstance(value, list) else []


def _check_cited(file: str, eid: str, field: str, srcs: Iterable[Any], sources: Mapping[str, Any], col: _Collector) -> None:
    for s in srcs:
        if not isinstance(s, str) or s not in sources:
            col.add(file, eid, field, f"source id {s!r} is not in sources.yaml", f"add {s} to sources.yaml or cite an existing id")


# ------------------------------------------------------------------ provenance
def _check_provenance(f: dict, field: str, sources: Mapping[str, Any], col: _Collector, *, value_present: bool) -> None:
    file, eid, p = f["_file"], f["_id"], f["props"]
    srcs = _source_ids(p.get(f"{field}_sources"))
    conf = p.get(f"{field}_confidence")
    note = p.get(f"{field}_note") or ""
    _check_cited(file, eid, f"{field}_sources", srcs, sources, col)
    if not value_present:
        return
    if conf is None:
        col.add(file, eid, f"{field}_confidence", f"confidence {conf!r} is not one of reported/derived/estimate", "set reported (with sources), derived (with sources and a note) or estimate (with a note)")
    elif conf in ("reported", "derived") and not srcs:
        col.add(file, eid, f"{field}_sources", f"{conf} {field} cites no source", f"cite the source ids stating the {field}, or mark it estimate with a note")
    if conf in ("derived", "estimate") and not str(note).strip():
        col.add(file, eid, f"{field}_note", f"{conf} {field} has no note saying how it was obtained", "explain the derivation or estimate in the note")


def _check_unit(f: dict, unit: Any, commodities: Iterable[str], col: _Collector) -> None:
    for c in commodities:
        if c not in CANONICAL_UNITS:
            continue
        try:
            capacity_factor(c, str(unit))
        except UnitError as exc:
            col.add(f["_file"], f["_id"], "unit", str(exc), f"give the capacity in {CANONICAL_UNITS[c]} for {c}")


def _check_capacity(f: dict, commodities: list[str], sources: Mapping[str, Any], col: _Collector) -> None:
    file, eid, p = f["_file"], f["_id"], f["props"]
    cap, unit = p.get("capacity"), p.get("unit")
    if cap is None:
        if p.get("capacity_confidence") != "estimate" and file == "links.geojson":
            col.add(file, eid, "capacity", "missing capacity without an estimate flag", "give the capacity and unit with sources, or set capacity_confidence: estimate with a note (then the link is uncapacitated)")
        _check_provenance(f, "capacity", sources, col, value_present=False)
        return
    if not _is_number(cap):  # reported by _check_fields
        return
    if cap < 0:
        col.add(file, eid, "capacity", f"negative capacity {cap}", "capacities are >= 0; use 0 with status idle, or disable the element in a scenario")
    if not unit:
        col.add(file, eid, "unit", "capacity has no unit", f"add a unit, e.g. {CANONICAL_UNITS.get(commodities[0] if commodities else 'crude', 'Mt/y')}")
    elif isinstance(unit, str):
        try:
            is_convertible(unit, "Mt/y")
        except UnitError as exc:
            col.add(file, eid, "unit", str(exc), "use a unit listed in transcaspian.units")
        else:
            _check_unit(f, unit, commodities, col)
    _check_provenance(f, "capacity", sources, col, value_present=True)


# ------------------------------------------------------------------ nodes and links
def _check_common(f: dict, specs: Mapping[str, FieldSpec], sources: Mapping[str, Any], col: _Collector) -> None:
    _check_fields(f, specs, col)
    file, eid, p = f["_file"], f["_id"], f["props"]
    _check_cited(file, eid, "sources", _source_ids(p.get("sources")), sources, col)


def _known_commodities(value: Any) -> list[str]:
    return [c for c in value if isinstance(c, str) and c in CANONICAL_UNITS] if isinstance(value, list) else []


def _check_node(f: dict, sources: Mapping[str, Any], col: _Collector) -> None:
    file, eid, p = f["_file"], f["_id"], f["props"]
    _check_common(f, NODE_FIELDS, sources, col)
    country = p.get("country")
    if isinstance(country, str) and country and not is_country(country):
        col.add(file, eid, "country", f"country {country!r} is not an ISO 3166-1 alpha-3 code", _country_fix(country))
    tol = p.get("coord_tolerance_km")
    if _is_number(tol) and tol < 0:
        col.add(file, eid, "coord_tolerance_km", f"{tol!r} is not a distance >= 0", "give kilometres")
    _check_capacity(f, _known_commodities(p.get("capacity_commodities")), sources, col)


def _check_link(f: dict, node_ids: set[str], node_geom: dict, sources: Mapping[str, Any], col: _Collector) -> None:
    file, eid, p = f["_file"], f["_id"], f["props"]
    _check_common(f, LINK_FIELDS, sources, col)
    for end in ("from_node", "to_node"):
        nid = p.get(end)
        if isinstance(nid, str) and nid and nid not in node_ids:
            col.add(file, eid, end, f"unknown endpoint {nid!r}", "use the id of a node in nodes.geojson")
    if p.get("from_node") == p.get("to_node") and p.get("from_node"):
        col.add(file, eid, "to_node", "link starts and ends at the same node", "connect two different nodes")
    if p.get("commodities") == []:
        col.add(file, eid, "commodities", "no commodities", f"list what the link carries ({', '.join(COMMODITIES)})")
    known = _known_commodities(p.get("commodities"))
    _check_capacity(f, known, sources, col)
    _check_cost(f, known, sources, col)
    _check_time_and_length(f, sources, col)
    _check_link_ends(f, node_geom, col)


def _check_cost(f: dict, known: list[str], sources: Mapping[str, Any], col: _Collector) -> None:
    file, eid, cost = f["_file"], f["_id"], f["props"].get("cost")
    if not isinstance(cost, dict):  # missing or mistyped: reported by _check_fields
        return
    for c in known:
        v = cost.get(c)
        if not _is_number(v) or v < 0:
            col.add(file, eid, "cost", f"no valid cost for {c} (got {v!r})", f"give cost.{c} >= 0 in the commodity's cost unit")
    for c in cost:
        if c not in known:
            col.add(file, eid, "cost", f"cost given for {c!r}, which the link does not carry", "drop it or add the commodity")
    _check_provenance(f, "cost", sources, col, value_present=True)


def _check_time_and_length(f: dict, sources: Mapping[str, Any], col: _Collector) -> None:
    file, eid, p = f["_file"], f["_id"], f["props"]
    t = p.get("time_days")
    if _is_number(t):
        if t < 0:
            col.add(file, eid, "time_days", f"time_days {t!r} is not a duration >= 0", "give the transit time in days")
        else:
            _check_provenance(f, "time", sources, col, value_present=True)
    length = p.get("length_km")
    if _is_number(length) and length <= 0:
        col.add(file, eid, "length_km", f"length_km {length!r} is not a positive number", "recompute it from the geometry (tools/build_geodata.py)")
    pub = p.get("length_published_km")
    if pub is not None:
        if _is_number(pub) and pub <= 0:
            col.add(file, eid, "length_published_km", f"{pub!r} is not a positive number", "give km or null")
        _check_provenance(f, "length", sources, col, value_present=True)


def _check_link_ends(f: dict, node_geom: dict, col: _Collector) -> None:
    p, coords = f["props"], f["geometry"].get("coordinates") or []
    if f["geometry"].get("type") != "LineString" or not isinstance(coords, list) or len(coords) < 2:
        return
    for end, pt in (("from_node", coords[0]), ("to_node", coords[-1])):
        node = node_geom.get(p.get(end)) if isinstance(p.get(end), str) else None
        if node is None or not _lonlat(pt):
            continue
        try:
            _, _, d = _GEOD.inv(pt[0], pt[1], node[0], node[1])
        except (TypeError, ValueError, IndexError):
            continue
        if d / 1000 > ENDPOINT_TOLERANCE_KM:
            which = "first" if end == "from_node" else "last"
            col.add(f["_file"], f["_id"], "geometry", f"{which} vertex is {d / 1000:.0f} km from {end} {p.get(end)!r}", f"start/end the line at the node (within {ENDPOINT_TOLERANCE_KM:g} km) or fix {end}")


def _check_aliases(nodes: list[dict], links: list[dict], col: _Collector) -> None:
    owner: dict[str, str] = {normalize_key(f["_id"]): f["_id"] for f in nodes + links}
    for f in nodes:
        aliases = f["props"].get("aliases")
        for a in aliases if isinstance(aliases, list) else []:
            if not isinstance(a, str):
                continue
            k = normalize_key(a)
            other = owner.get(k)
            if other is not None and other != f["_id"]:
                col.add(f["_file"], f["_id"], "aliases", f"alias {a!r} also names {other!r}", "make aliases unique across nodes and links")
            owner.setdefault(k, f["_id"])


# ----------------------------------------------------------------------------- baseline
def _check_baseline(doc: Any, node_ids: set[str], link_ids: set[str], sources: Mapping[str, Any], col: _Collector) -> None:
    file = "baseline.yaml"
    if not isinstance(doc, dict):
        col.add(file, "-", "-", f"the file holds a {type(doc).__name__}, not a mapping",
                "write year, supplies, markets and contracts as top-level keys")
        return
    for comm, entries in _section(doc, "supplies", file, col).items():
        if _known_commodity(file, f"supplies.{comm}", comm, col):
            for i, e in enumerate(_entries(entries, file, f"supplies.{comm}", col)):
                if _entry_is_mapping(e, file, f"supplies.{comm}[{i}]", "{origin: ID, value: N, unit: U, sources: [...]}", col):
                    _check_supply(file, f"supplies.{comm}[{i}]", comm, e, node_ids, sources, col)
    for comm, entries in _section(doc, "markets", file, col).items():
        if _known_commodity(file, f"markets.{comm}", comm, col):
            for i, e in enumerate(_entries(entries, file, f"markets.{comm}", col)):
                nid = e.get("node") if isinstance(e, dict) else e
                if not isinstance(nid, str) or nid not in node_ids:
                    col.add(file, f"markets.{comm}[{i}]", "node", f"unknown market {_short(nid)}", "use a node id (kind market)")
    for i, e in enumerate(_entries(doc.get("contracts"), file, "contracts", col)):
        if _entry_is_mapping(e, file, f"contracts[{i}]", "{link: ID, commodity: C, min_flow: N, sources: [...]}", col):
            _check_contract(file, f"contracts[{i}]", e, node_ids, link_ids, sources, col)


def _section(doc: dict, key: str, file: str, col: _Collector) -> dict:
    """``doc[key]`` when it is a mapping (by commodity); else a problem and an empty one."""
    value = doc.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        col.add(file, "-", key, f"{key} is a {type(value).__name__}, not a mapping by commodity",
                f"write {key}: {{crude: [...], gas: [...]}}")
        return {}
    return value


def _entries(value: Any, file: str, el: str, col: _Collector) -> list:
    """A list of entries (None is none); anything else is a problem."""
    if value is None:
        return []
    if not isinstance(value, list):
        col.add(file, el, "-", f"{el} is a {type(value).__name__}, not a list", f"write {el} as a list: one '- ' line per entry")
        return []
    return value


def _entry_is_mapping(e: Any, file: str, el: str, shape: str, col: _Collector) -> bool:
    if isinstance(e, dict):
        return True
    col.add(file, el, "-", f"entry {_short(e)} is not a mapping", f"write it as {shape}")
    return False


def _known_commodity(file: str, el: str, comm: Any, col: _Collector) -> bool:
    if comm in CANONICAL_UNITS:
        return True
    col.add(file, el, "commodity", f"unknown commodity {comm!r}", f"use {', '.join(COMMODITIES)}")
    return False


def _country_fix(code: Any) -> str:
    """The fix of a country code that is not ISO 3166-1 alpha-3: the code it most likely means."""
    guess = suggest_country(code) if isinstance(code, str) else None
    if guess is None:
        return "write an ISO 3166-1 alpha-3 code in upper case, e.g. KAZ, RUS, AZE"
    return f"write {guess} ({country_name(guess)}), an ISO 3166-1 alpha-3 code"


def _check_supply(file: str, el: str, comm: str, e: dict, node_ids: set[str], sources: Mapping[str, Any], col: _Collector) -> None:
    origin = e.get("origin")
    if not isinstance(origin, str) or origin not in node_ids:
        col.add(file, el, "origin", f"unknown origin {_short(origin)}", "use a node id")
    v = e.get("value")
    if not _is_number(v) or v < 0:
        col.add(file, el, "value", f"supply {v!r} is not a number >= 0", "give the volume")
    avoid = e.get("avoid_countries")
    if avoid is not None:
        codes = [avoid] if isinstance(avoid, str) else avoid
        if not isinstance(codes, list):
            col.add(file, el, "avoid_countries", f"{avoid!r} is not a list of ISO 3166-1 alpha-3 codes", "write e.g. [RUS, BLR]")
        else:
            for code in codes:
                if not isinstance(code, str) or not is_country(code):
                    col.add(file, el, "avoid_countries", f"{code!r} is not an ISO 3166-1 alpha-3 code", _country_fix(code))
    unit = e.get("unit", CANONICAL_UNITS[comm])
    if unit != CANONICAL_UNITS[comm]:
        col.add(file, el, "unit", f"unit {unit!r} does not fit {comm}", f"give supplies of {comm} in {CANONICAL_UNITS[comm]}")
    _check_entry_sources(file, el, e, sources, col)


def _check_contract(
    file: str, el: str, e: dict, node_ids: set[str], link_ids: set[str], sources: Mapping[str, Any], col: _Collector
) -> None:
    if ("link" in e) == ("links" in e):
        col.add(file, el, "link", "give exactly one of link (one link) or links (a group)", "write link: ID or links: [ID, ...]")
    for key in ("links", "origins"):
        if key in e and not isinstance(e[key], str | list):
            col.add(file, el, key, f"{key} {_short(e[key])} is not a list of ids", f"write {key}: [ID, ...]")
            return
    for lid in contract_links(e):
        if lid not in link_ids:
            col.add(file, el, "links" if "links" in e else "link", f"unknown link {lid!r}", "use a link id")
    if "origin" in e and "origins" in e:
        col.add(file, el, "origin", "both origin and origins given", "write origin: ID or origins: [ID, ...]")
    for origin in contract_origins(e):
        if origin not in node_ids:
            col.add(file, el, "origins" if "origins" in e else "origin", f"unknown origin {origin!r}",
                    "use the node id of a supply origin, or drop the field")
    lo, hi = e.get("min_flow"), e.get("max_flow")
    if _is_number(lo) and _is_number(hi) and lo > hi:
        col.add(file, el, "min_flow", f"min_flow {lo!r} exceeds max_flow {hi!r}", "lower min_flow or raise max_flow")
    for k in ("min_flow", "max_flow"):
        v = e.get(k)
        if v is not None and (not _is_number(v) or v < 0):
            col.add(file, el, k, f"{k} {v!r} is not a number >= 0", "give the volume or drop the field")
    if not isinstance(e.get("commodity"), str) or e.get("commodity") not in CANONICAL_UNITS:
        col.add(file, el, "commodity", f"unknown commodity {e.get('commodity')!r}", f"use {', '.join(COMMODITIES)}")
    _check_entry_sources(file, el, e, sources, col)


def _check_entry_sources(file: str, el: str, e: dict, sources: Mapping[str, Any], col: _Collector) -> None:
    cited = e.get("sources")
    if cited is not None and not isinstance(cited, list):
        col.add(file, el, "sources", f"sources {_short(cited)} is not a list of source ids", "write sources: [ID, ...]")
    _check_cited(file, el, "sources", _source_ids(cited), sources, col)
    conf = e.get("confidence", "reported")
    if not isinstance(conf, str) or conf not in CONFIDENCES:
        col.add(file, el, "confidence", f"confidence {conf!r} unknown", "use reported, derived or estimate")
    elif conf != "estimate" and not e.get("sources"):
        col.add(file, el, "sources", "figure cites no source", "cite sources or mark confidence: estimate with a note")
    elif conf == "estimate" and not e.get("note"):
        col.add(file, el, "note", "estimate without a note", "say how it was estimated")


# ----------------------------------------------------------------------------- parameters
def _check_parameters(doc: Any, sources: Mapping[str, Any], col: _Collector) -> None:
    """parameters.yaml: known keys (close matches for unknown ones), well-formed figures, cited sources."""
    file = "parameters.yaml"
    for el, field, message, fix in check_parameters(doc):
        col.add(file, el, field, message, fix)
    for el, sid in cited_sources(doc):
        if sid not in sources:
            col.add(file, el, "sources", f"source id {sid!r} is not in sources.yaml", f"add {sid} to sources.yaml or cite an existing id")


# ----------------------------------------------------------------------------- events
def _check_events(doc: Any, ids: set[str], sources: Mapping[str, Any], col: _Collector) -> None:
    file = "events.yaml"
    if doc is None:
        return
    if not isinstance(doc, dict):
        col.add(file, "-", "events", f"the file holds a {type(doc).__name__}, not a mapping", "write `events:` followed by a list of events")
        return
    for i, ev in enumerate(_entries(doc.get("events"), file, "events", col)):
        if not _entry_is_mapping(ev, file, f"events[{i}]", "{id: ID, date: YYYY-MM-DD, sources: [...], changes: [...]}", col):
            continue
        el = ev.get("id") if isinstance(ev.get("id"), str) and ev.get("id") else f"events[{i}]"
        d = ev.get("date")
        problem = date_problem(d, month="start")
        if problem is not None:
            col.add(file, el, "date", problem, date_fix("start"))
        if ev.get("kind") not in (None, *EVENT_KINDS):
            col.add(file, el, "kind", f"unknown kind {_short(ev.get('kind'))}",
                    f"use {' or '.join(EVENT_KINDS)} (a halt for weather: moorings stop, tankers at berth finish), or drop kind")
        end = ev.get("end")
        if end is not None:
            end_problem = date_problem(end, month="start")
            if end_problem is not None:
                col.add(file, el, "end", end_problem, date_fix("start"))
            elif problem is None and parse_date(end, month="start") <= parse_date(d, month="start"):
                col.add(file, el, "end", f"end {end} is not after date {d}",
                        "give the first day back (after the event's date), or drop end for an open-ended event")
        _check_entry_sources(file, el, ev, sources, col)
        changes = ev.get("changes")
        if changes is not None and not isinstance(changes, list):
            col.add(file, el, "changes", f"changes is a {type(changes).__name__}, not a list",
                    "write changes as a list, e.g. changes: [{disable: [ID]}]")
            continue
        for ch in changes or []:
            if not isinstance(ch, dict):
                col.add(file, el, "changes", f"change {_short(ch)} is not a mapping", "write e.g. - disable: [ID] or - derate: {ID: 0.5}")
                continue
            for op, arg in ch.items():
                _check_change(file, el, str(op), arg, ids, col)


def _check_change(file: str, el: str, op: str, arg: Any, ids: set[str], col: _Collector) -> None:
    targets = list(arg) if isinstance(arg, dict | list) else [arg]
    for t in targets:
        if not isinstance(t, str) or t not in ids:
            col.add(file, el, op, f"unknown element {_short(t)}", "use a node or link id")
    if op == "derate" and isinstance(arg, dict):
        for t, fac in arg.items():
            if not _is_number(fac) or not 0 <= fac <= 1:
                col.add(file, el, "derate", f"derate factor {fac!r} for {t} is not a finite number within 0-1",
                        "give the remaining share of capacity, e.g. 0.6 for 60%; use disable for none")
    elif op == "derate":
        col.add(file, el, "derate", f"derate of {arg!r} gives no factor", "write derate: {<id>: <remaining share, 0-1>}")
    elif op == "moorings_out":
        counts = arg.items() if isinstance(arg, dict) else [(arg, None)]
        for t, n in counts:
            if isinstance(n, bool) or not isinstance(n, int) or n < 0:
                col.add(file, el, "moorings_out", f"moorings_out {n!r} for {t} is not a whole number of moorings",
                        "write moorings_out: {<terminal id>: <moorings taken out of service, e.g. 1>}")
    elif op not in CHANGE_OPS:
        col.add(file, el, op, f"unknown change {op!r}", "use derate, disable, enable, restore, set_status or moorings_out")
