"""Reading a geodata folder into a CorridorNetwork (internal)."""

from __future__ import annotations

import logging
import math
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
from shapely.geometry import shape

from .io import read_json, read_yaml
from .errors import ValidationError

log = logging.getLogger(__name__)

FILES = {
    "nodes": "nodes.geojson",
    "links": "links.geojson",
    "sources": "sources.yaml",
    "baseline": "baseline.yaml",
    "events": "events.yaml",
    "parameters": "parameters.yaml",
}

# Column defaults, so code can rely on every column existing.
NODE_DEFAULTS: dict[str, Any] = {
    "name": "",
    "kind": "",
    "country": "",
    "aliases": list,
    "status": "operating",
    "location": "onshore",
    "coord_tolerance_km": 0.0,
    "capacity": math.nan,
    "unit": None,
    "capacity_commodities": list,
    "capacity_sources": list,
    "capacity_confidence": None,
    "capacity_note": "",
    "sources": list,
    "notes": "",
}
LINK_DEFAULTS: dict[str, Any] = {
    "name": "",
    "from_node": "",
    "to_node": "",
    "mode": "",
    "medium": None,
    "commodities": list,
    "capacity": math.nan,
    "unit": None,
    "capacity_sources": list,
    "capacity_confidence": None,
    "capacity_note": "",
    "cost": dict,
    "cost_sources": list,
    "cost_confidence": None,
    "cost_note": "",
    "time_days": math.nan,
    "time_sources": list,
    "time_confidence": None,
    "time_note": "",
    "length_km": math.nan,
    "length_published_km": math.nan,
    "length_sources": list,
    "length_note": "",
    "status": "operating",
    "bidirectional": False,
    "operator": "",
    "sources": list,
    "confidence": None,
    "notes": "",
}


def raw_files(folder: Path) -> dict[str, Any]:
    """Parse every file of a geodata folder (syntax errors raise NetworkDataError)."""
    out: dict[str, Any] = {}
    for key, name in FILES.items():
        p = folder / name
        if name.endswith(".geojson"):
            out[key] = read_json(p)
        else:
            out[key] = read_yaml(p, required=key in ("sources", "baseline"))
    return out


def frame_from_features(features: list[dict], defaults: dict[str, Any]) -> gpd.GeoDataFrame:
    """GeoDataFrame indexed by id from GeoJSON features, with default columns filled."""
    rows, geoms = [], []
    for f in features:
        props = dict(f.get("properties") or {})
        props.setdefault("id", f.get("id"))
        for col, default in defaults.items():
            if props.get(col) is None:
                props[col] = default() if callable(default) else default
        rows.append(props)
        geoms.append(shape(f["geometry"]))
    df = pd.DataFrame(rows)
    for col in ("capacity", "time_days", "length_km", "length_published_km", "coord_tolerance_km"):
        if col in df:
            df[col] = pd.to_numeric(df[col], errors="coerce").astype(float)
    gdf = gpd.GeoDataFrame(df, geometry=geoms, crs="EPSG:4326").set_index("id")
    gdf.index.name = "id"
    gdf["disabled"] = False
    gdf["derate"] = 1.0
    return gdf


def read_network(folder: Path, *, validate: bool = True):  # -> CorridorNetwork
    """Read and (optionally) validate a geodata folder."""
    from .network import CorridorNetwork
    from .validation import validate_raw

    folder = Path(folder)
    raw = raw_files(folder)
    if validate:
        report = validate_raw(raw, folder)
        if report.errors:
            raise ValidationError(report.errors)
        for w in report.warnings:
            log.warning("%s", w)
    nodes = frame_from_features(raw["nodes"]["features"], NODE_DEFAULTS)
    links = frame_from_features(raw["links"]["features"], LINK_DEFAULTS)
    sources = (raw["sources"] or {}).get("sources", {}) or {}
    events = tuple((raw["events"] or {}).get("events", []) or [])
    log.info("loaded %d nodes and %d links from %s", len(nodes), len(links), folder)
    return CorridorNetwork(
        nodes=nodes,
        links=links,
        sources=sources,
        baseline=raw["baseline"] or {},
        parameters=raw["parameters"] or {},
        events=events,
        path=folder,
    )
