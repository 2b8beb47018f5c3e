"""A :class:`~transcaspian.network.CorridorNetwork` from anyone's GeoDataFrames.

:func:`network_from_frames` takes a node frame (Points) and a link frame
(LineStrings) as another model or a GIS keeps them, fills every column the schema
(:mod:`transcaspian.schema`) defines with its default, checks or converts the CRS to
EPSG:4326 and validates everything at once with the rules of a geodata folder
(:func:`transcaspian.validation.validate_raw`): one
:class:`~transcaspian.errors.ValidationError` lists every problem, each naming the
frame, the element, the field and the fix.

Lenient mode (the default, ``strict=False``) accepts figures that cite no source or
lack a confidence, and nodes without a country (a junction at sea): those problems
become warnings, and the column ``unsourced``
lists, per element, the figures (``capacity``, ``cost``, ``time``, ``length``)
without provenance. ``strict=True`` holds frames to the geodata folder's rules.

Examples
--------
>>> import geopandas as gpd
>>> from shapely.geometry import LineString, Point
>>> nodes = gpd.GeoDataFrame({"id": ["a", "b"], "name": ["A", "B"], "kind": ["port", "port"], "country": ["KAZ", "AZE"]},
...                          geometry=[Point(51.0, 43.6), Point(49.9, 40.4)], crs=4326)
>>> links = gpd.GeoDataFrame({"id": ["ab"], "name": ["ferry"], "from_node": ["a"], "to_node": ["b"], "mode": ["ferry"],
...                           "commodities": [["crude"]], "capacity": [5.0], "unit": ["Mt/y"], "cost": [12.0], "time_days": [2.0]},
...                          geometry=[LineString([(51.0, 43.6), (49.9, 40.4)])], crs=4326)
>>> net = network_from_frames(nodes, links, supplies={"crude": {"a": 3.0}}, markets={"crude": ["b"]})
>>> net.links.loc["ab", "cost"], round(net.links.loc["ab", "length_km"]), net.links.loc["ab", "unsourced"]
({'crude': 12.0}, 367, ['capacity', 'cost', 'time'])
>>> import transcaspian as tc
>>> tc.solve(net).summary()["delivered"]
{'crude': 3.0}
"""

from __future__ import annotations

import dataclasses
import json
import logging
import math
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import CRS as ProjCRS
from pyproj import Geod

from ..errors import InputError, ValidationError
from ..loader import LINK_DEFAULTS, NODE_DEFAULTS, frame_from_features
from ..network import CRS, CorridorNetwork
from ..schema import LINK_FIELDS, NODE_FIELDS, FieldSpec
from ..validation import Problem, validate_raw
from .columns import STATE_COLUMNS

__all__ = ["network_from_frames", "network_from_features", "PROVENANCE_FIGURES", "geodesic_km"]

log = logging.getLogger(__name__)

#: Figures whose provenance (``<figure>_sources``, ``_confidence``, ``_note``) lenient mode may lack.
PROVENANCE_FIGURES: tuple[str, ...] = ("capacity", "cost", "time", "length")
_GEOD = Geod(ellps="WGS84")
_FIGURE_OF_FIELD = {"capacity": "capacity", "cost": "cost", "time_days": "time", "length_published_km": "length"}


def geodesic_km(geometry: Any) -> float:
    """Geodesic length (WGS84) of a lon/lat line, in km.

    Examples
    --------
    >>> from shapely.geometry import LineString
    >>> round(geodesic_km(LineString([(0, 0), (1, 0)])), 3)
    111.319
    """
    return float(_GEOD.geometry_length(geometry)) / 1000.0


def _to_wgs84(frame: gpd.GeoDataFrame, label: str, crs: Any, problems: list[Problem]) -> gpd.GeoDataFrame | None:
    if not isinstance(frame, gpd.GeoDataFrame):
        raise InputError(f"{label}: expected a GeoDataFrame, got {type(frame).__name__}; build one with geopandas.GeoDataFrame(df, geometry=..., crs=4326)")
    if frame.crs is None and crs is None:
        problems.append(Problem(label, "-", "crs", "the frame has no CRS", "set it (frame.set_crs(4326) for lon/lat degrees) or pass crs= to network_from_frames"))
        return None
    if frame.crs is None:
        frame = frame.set_crs(crs)
    if ProjCRS.from_user_input(frame.crs) != ProjCRS.from_user_input(CRS):
        log.info("%s: converting from %s to %s", label, frame.crs.to_string(), CRS)
        frame = frame.to_crs(CRS)
    return frame


def _ids(frame: pd.DataFrame, id_column: str) -> pd.DataFrame:
    if id_column in frame.columns:
        out = frame.set_index(id_column)
    else:
        out = frame.copy()
    out.index = out.index.map(lambda v: v if isinstance(v, str) else str(v))
    out.index.name = "id"
    return out


def _plain(value: Any, spec: FieldSpec | None) -> Any:
    """A cell as the JSON value a geodata file would hold (NaN -> None, numpy -> Python)."""
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NaT or value is pd.NA:
        return None
    if spec is not None and spec.type in ("list[str]", "mapping") and isinstance(value, str):
        text = value.strip()
        if text[:1] in "[{":
            try:
                return json.loads(text)
            except ValueError:
                return value  # validation names the field
        if spec.type == "list[str]":
            return [v.strip() for v in text.split(",") if v.strip()]
    if isinstance(value, tuple):
        return list(value)
    return value


def _features(frame: gpd.GeoDataFrame, specs: Mapping[str, FieldSpec]) -> list[dict]:
    geom_col = frame.geometry.name
    cols = [c for c in frame.columns if c != geom_col]
    feats = []
    for eid, row in zip(frame.index, frame[cols].itertuples(index=False, name=None)):
        props = {"id": eid}
        props.update({c: _plain(v, specs.get(c)) for c, v in zip(cols, row)})
        feats.append(props)
    for props, geom in zip(feats, frame.geometry):
        props["__geometry__"] = None if geom is None else geom.__geo_interface__
    return [{"type": "Feature", "id": p["id"], "geometry": p.pop("__geometry__"), "properties": p} for p in feats]


def _fill_link_figures(feats: list[dict]) -> None:
    """A number as cost means that cost for every commodity; a missing length is the geometry's geodesic length."""
    from shapely.geometry import shape

    for f in feats:
        p = f["properties"]
        comms = p.get("commodities") if isinstance(p.get("commodities"), list) else []
        cost = p.get("cost")
        if isinstance(cost, int | float) and not isinstance(cost, bool):
            p["cost"] = {c: float(cost) for c in comms}
        if p.get("length_km") is None and (f.get("geometry") or {}).get("type") == "LineString":
            try:
                p["length_km"] = geodesic_km(shape(f["geometry"]))
            except (ValueError, TypeError):  # a bad geometry: validation reports it
                pass


def _relaxed(p: Problem) -> bool:
    """Whether lenient mode turns the problem into a warning: missing provenance, or a node with no country (at sea)."""
    base = p.field.rsplit("_", 1)[0] if p.field.endswith(("_sources", "_confidence", "_note")) else None
    if base in PROVENANCE_FIGURES:
        return True
    if p.field == "country" and p.message == "missing country":
        return True
    return p.field == "capacity" and "estimate flag" in p.message


def _unsourced(feat: dict) -> list[str]:
    p = feat["properties"]
    out = []
    for field, fig in _FIGURE_OF_FIELD.items():
        if p.get(field) is None or p.get(field) == {}:
            continue
        if not p.get(f"{fig}_sources"):
            out.append(fig)
    return out


def _relabel(p: Problem, labels: Mapping[str, str]) -> Problem:
    name = Path(p.file).name
    return dataclasses.replace(p, file=labels.get(name, p.file))


def _build(feats: list[dict], defaults: Mapping[str, Any], original: gpd.GeoDataFrame | None, specs: Mapping[str, FieldSpec]) -> gpd.GeoDataFrame:
    gdf = frame_from_features(feats, defaults)
    if original is None:
        return gdf
    geom_col = original.geometry.name
    for col in original.columns:
        if col == geom_col:
            continue
        if col in STATE_COLUMNS:
            gdf[col] = original[col].to_numpy(dtype=bool if col == "disabled" else float)
        elif col not in specs and col not in ("unsourced",):
            gdf[col] = original[col].to_numpy()  # a column of the user's: kept as given
    order = [c if c != geom_col else "geometry" for c in original.columns]
    cols = [c for c in order if c in gdf.columns] + [c for c in gdf.columns if c not in order]
    return gdf[cols]


def network_from_frames(
    nodes: gpd.GeoDataFrame,
    links: gpd.GeoDataFrame,
    *,
    strict: bool = False,
    sources: Mapping[str, Any] | None = None,
    baseline: Mapping[str, Any] | None = None,
    supplies: Mapping[str, Any] | None = None,
    markets: Mapping[str, Any] | None = None,
    parameters: Mapping[str, Any] | None = None,
    events: Iterable[Mapping[str, Any]] = (),
    crs: Any = None,
    id_column: str = "id",
    name: str = "frames",
) -> CorridorNetwork:
    """A network from a node and a link GeoDataFrame, validated like a geodata folder.

    Parameters
    ----------
    nodes, links : geopandas.GeoDataFrame
        Points and LineStrings, ids in ``id_column`` or the index. Columns are the
        properties of docs/data_dictionary.md; absent ones take the schema defaults.
        List fields may be lists, JSON text or comma-separated text, ``cost`` a
        mapping, JSON text or one number for every commodity of the link; a missing
        ``length_km`` is the geodesic length of the geometry.
    strict : bool, default False
        Require provenance (sources, confidence, notes) for every figure as the
        bundled data does. When False, missing provenance is a warning and the column
        ``unsourced`` lists the figures without a source.
    sources : mapping, optional
        Source register: id -> {title, url, ...}.
    baseline : mapping, optional
        ``{year, supplies, markets, contracts}``; or give ``supplies`` and
        ``markets`` alone (the short form of tests/netbuild.py:
        ``{"crude": {"a": 3.0}}`` and ``{"crude": ["b"]}``).
    parameters : mapping, optional
        As geodata/parameters.yaml.
    events : iterable of mapping
        As geodata/events.yaml ``events``.
    crs : optional
        The CRS of frames that have none (else a frame without a CRS is a problem).
        Frames in another CRS are converted to EPSG:4326.
    id_column : str, default "id"
    name : str
        How problems name the input (``"<name>:nodes"``, ``"<name>:links"``).

    Returns
    -------
    CorridorNetwork

    Raises
    ------
    ValidationError
        Listing every problem found.
    InputError
        If an argument is not a GeoDataFrame.
    """
    problems: list[Problem] = []
    n = _to_wgs84(nodes, f"{name}:nodes", crs, problems)
    lk = _to_wgs84(links, f"{name}:links", crs, problems)
    if n is None or lk is None:
        raise ValidationError(problems)
    n, lk = _ids(n, id_column), _ids(lk, id_column)
    node_feats, link_feats = _features(n, NODE_FIELDS), _features(lk, LINK_FIELDS)
    _fill_link_figures(link_feats)
    base = dict(baseline) if baseline is not None else _short_baseline(supplies, markets)
    return network_from_features(
        node_feats, link_feats, strict=strict, sources=sources, baseline=base, parameters=parameters, events=events,
        name=name, originals=(n, lk), problems=problems,
    )


def network_from_features(
    node_feats: list[dict],
    link_feats: list[dict],
    *,
    strict: bool = False,
    sources: Mapping[str, Any] | None = None,
    baseline: Mapping[str, Any] | None = None,
    parameters: Mapping[str, Any] | None = None,
    events: Iterable[Mapping[str, Any]] = (),
    name: str = "features",
    originals: tuple[gpd.GeoDataFrame, gpd.GeoDataFrame] | None = None,
    problems: list[Problem] | None = None,
) -> CorridorNetwork:
    """A network from GeoJSON-like node and link features (the common end of the frame and line readers).

    ``originals`` are the frames the features came from: their own columns (not in the
    schema) and their column order are kept.
    """
    problems = list(problems or [])
    labels = {f: f"{name}:{f.split('.')[0]}" for f in ("nodes.geojson", "links.geojson", "baseline.yaml", "sources.yaml", "events.yaml", "parameters.yaml")}
    events = tuple(dict(e) for e in events)
    base = dict(baseline or {})
    raw = {
        "nodes": {"type": "FeatureCollection", "features": node_feats},
        "links": {"type": "FeatureCollection", "features": link_feats},
        "sources": {"sources": dict(sources or {})},
        "baseline": base,
        "events": {"events": list(events)},
        "parameters": dict(parameters or {}),
    }
    report = validate_raw(raw, Path(""))
    for p in report.problems:
        p = _relabel(p, labels)
        if not strict and p.severity == "error" and _relaxed(p):
            p = dataclasses.replace(p, severity="warning")
        problems.append(p)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise ValidationError(errors)
    if problems:
        log.info("%d warning(s) in %s, first: %s", len(problems), name, problems[0])
    node_frame = _build(node_feats, NODE_DEFAULTS, originals[0] if originals else None, NODE_FIELDS)
    link_frame = _build(link_feats, LINK_DEFAULTS, originals[1] if originals else None, LINK_FIELDS)
    if not strict:
        node_frame["unsourced"] = [_unsourced(f) for f in node_feats]
        link_frame["unsourced"] = [_unsourced(f) for f in link_feats]
    return CorridorNetwork(
        nodes=node_frame,
        links=link_frame,
        sources=dict(sources or {}),
        baseline=base,
        parameters=dict(parameters or {}),
        events=events,
    )


def _short_baseline(supplies: Mapping[str, Any] | None, markets: Mapping[str, Any] | None) -> dict[str, Any]:
    """``{commodity: {origin: value}}`` and ``{commodity: [market, ...]}`` as a baseline mapping."""
    from ..units import CANONICAL_UNITS

    out: dict[str, Any] = {"supplies": {}, "markets": {}, "contracts": []}
    for comm, entries in (supplies or {}).items():
        rows = entries.items() if isinstance(entries, Mapping) else [(e["origin"], e) for e in entries]
        out["supplies"][comm] = [
            {"origin": o, "unit": CANONICAL_UNITS.get(comm, "Mt/y"), "confidence": "estimate", "note": "given to network_from_frames",
             **(v if isinstance(v, Mapping) else {"value": float(v)})}
            for o, v in rows
        ]
    for comm, ms in (markets or {}).items():
        out["markets"][comm] = list(ms) if not isinstance(ms, Mapping) else dict(ms)
    return out
