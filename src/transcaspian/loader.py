"""Loading a geodata folder into a :class:`~transcaspian.network.CorridorNetwork`.

Reads the files (:mod:`transcaspian.io`), validates them
(:mod:`transcaspian.validation`), builds the node and link frames with every column
of the field specs (:mod:`transcaspian.schema`) and applies dated events
(:mod:`transcaspian.events`).

Examples
--------
>>> net = load_network("tests/fixtures/mini")
>>> sorted(net.links["status"].unique()), "length_confidence" in net.links
(['operating'], True)
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
from shapely.geometry import shape

from .dates import parse_date
from .errors import ValidationError
from .events import apply_events
from .guards import check_folder, check_path
from .io import FILES, default_data_path, raw_files
from .network import CRS, CorridorNetwork
from .schema import LINK_FIELDS, NODE_FIELDS, NUMERIC_FIELDS, field_defaults
from .validation import validate_raw

__all__ = [
    "FILES",
    "NODE_DEFAULTS",
    "LINK_DEFAULTS",
    "default_data_path",
    "frame_from_features",
    "load_network",
    "raw_files",
    "read_network",
]

log = logging.getLogger(__name__)

#: Node column defaults (from :data:`transcaspian.schema.NODE_FIELDS`), so code can
#: rely on every column existing; ``list``/``dict`` mean a new empty one per row.
NODE_DEFAULTS: dict[str, Any] = field_defaults(NODE_FIELDS)
#: Link column defaults (from :data:`transcaspian.schema.LINK_FIELDS`).
LINK_DEFAULTS: dict[str, Any] = field_defaults(LINK_FIELDS)


def frame_from_features(features: list[dict], defaults: Mapping[str, Any]) -> gpd.GeoDataFrame:
    """GeoDataFrame indexed by id from GeoJSON features, with default columns filled.

    Examples
    --------
    >>> feat = {"id": "a", "properties": {"name": "A"}, "geometry": {"type": "Point", "coordinates": [50, 45]}}
    >>> frame = frame_from_features([feat], NODE_DEFAULTS)
    >>> frame.loc["a", "status"], frame.loc["a", "aliases"], bool(frame.loc["a", "disabled"])
    ('operating', [], False)
    """
    rows, geoms = [], []
    for f in features:
        props = dict(f.get("properties") or {})
        props.setdefault("id", f.get("id"))
        for col, default in defaults.items():
            if props.get(col) is None:
                props[col] = default() if callable(default) else default
        rows.append(props)
        geoms.append(shape(f["geometry"]))
    df = pd.DataFrame(rows) if rows else pd.DataFrame(columns=["id", *defaults])  # an empty file: no rows, every column
    for col in df.columns:
        if col in NUMERIC_FIELDS:
            df[col] = pd.to_numeric(df[col], errors="coerce").astype(float)
    gdf = gpd.GeoDataFrame(df, geometry=geoms, crs=CRS).set_index("id")
    gdf.index.name = "id"
    gdf["disabled"] = False
    gdf["derate"] = 1.0
    return gdf


def read_network(folder: str | Path, *, validate: bool = True) -> CorridorNetwork:
    """Read and (optionally) validate a geodata folder; no events applied.

    Raises
    ------
    ValidationError
        When ``validate`` and the data has errors (every one listed).
    """
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


def load_network(
    path: str | Path | None = None, *, as_of: str | dt.date | None = None, validate: bool = True
) -> CorridorNetwork:
    """Load a corridor network from a geodata folder.

    Parameters
    ----------
    path : str or Path, optional
        Folder holding nodes.geojson, links.geojson, sources.yaml, baseline.yaml
        (and optionally events.yaml, parameters.yaml). Default: the bundled data.
    as_of : str or datetime.date, optional
        Apply every event in events.yaml dated on or before this date:
        ``YYYY-MM-DD``, or ``YYYY-MM`` for the end of that month.
    validate : bool, default True
        Check the data first and raise :class:`~transcaspian.errors.ValidationError`
        listing every problem.

    Returns
    -------
    CorridorNetwork

    Raises
    ------
    InputError
        If ``path`` is not a path, or names a file rather than a folder.
    NetworkDataError
        If the folder does not exist, if ``as_of`` is not a real date (``2025-13``, ``2025-02-30``: checked before
        any file is read), or a file does not parse.
    ValidationError
        When ``validate`` and the data has errors.

    Examples
    --------
    >>> import transcaspian as tc
    >>> net = tc.load_network(as_of="2025-12-01")
    >>> net.links.crs.to_string()
    'EPSG:4326'
    """
    if path is not None:
        check_path(path, "load_network", "path", "a geodata folder")
    when = parse_date(as_of, month="end", field="as_of") if as_of is not None else None
    folder = Path(path) if path is not None else default_data_path()
    check_folder(folder, "load_network")
    net = read_network(folder, validate=validate)
    if when is not None:
        net = apply_events(net, when)
    return net
