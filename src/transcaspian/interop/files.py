"""Reading a network back from GeoPackage, GeoParquet or a geodata (GeoJSON) folder.

:func:`read_network` reads what :meth:`CorridorNetwork.to_file
<transcaspian.network.CorridorNetwork.to_file>` writes (see
:mod:`transcaspian.interop.writers`) into an equal network, and a GeoPackage or
GeoParquet file of someone else's with ``nodes`` and ``links`` (layers, or an
``element`` column), through :func:`~transcaspian.interop.frames.network_from_frames`.

Examples
--------
>>> import tempfile, transcaspian as tc
>>> from transcaspian.interop.columns import network_differences
>>> net = tc.load_network("tests/fixtures/mini")
>>> with tempfile.TemporaryDirectory() as d:
...     diffs = [network_differences(net, read_network(net.to_file(f"{d}/mini{s}"))) for s in (".gpkg", ".parquet", "")]
>>> diffs
[[], [], []]
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import geopandas as gpd
import yaml

from ..errors import NetworkDataError
from ..io import FILES, raw_files, read_yaml
from ..loader import LINK_DEFAULTS, NODE_DEFAULTS, frame_from_features
from ..network import CorridorNetwork
from .columns import STATE_COLUMNS, decode_json_columns
from .frames import network_from_frames
from .writers import META_LAYER, NETWORK_FORMATS, format_of

__all__ = ["read_network"]


def _meta_from_yaml(text: str | None, path: Path) -> dict[str, Any]:
    if not text:
        return {}
    try:
        meta = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise NetworkDataError(f"{path}: {META_LAYER}: not YAML ({exc}); rewrite the file with net.to_file") from None
    return meta if isinstance(meta, dict) else {}


def _gpkg_frames(path: Path) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, dict[str, Any]]:
    import pyogrio

    layers = {str(name) for name, _ in pyogrio.list_layers(path)}
    missing = {"nodes", "links"} - layers
    if missing:
        raise NetworkDataError(f"{path}: no layer {', '.join(sorted(missing))} (layers: {', '.join(sorted(layers)) or 'none'}); a network GeoPackage has layers nodes and links")
    nodes = pyogrio.read_dataframe(path, layer="nodes")
    links = pyogrio.read_dataframe(path, layer="links")
    meta: dict[str, Any] = {}
    if META_LAYER in layers:
        table = pyogrio.read_dataframe(path, layer=META_LAYER, read_geometry=False)
        meta = _meta_from_yaml(str(table["yaml"].iloc[0]) if len(table) else None, path)
    return nodes, links, meta


def _parquet_frames(path: Path) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, dict[str, Any]]:
    import pyarrow.parquet as pq

    both = gpd.read_parquet(path)
    if "element" not in both.columns:
        raise NetworkDataError(f"{path}: no column 'element'; a network GeoParquet has one row per node and link with element = node or link")
    md = pq.read_schema(path).metadata or {}
    raw = md.get(META_LAYER.encode())
    meta = _meta_from_yaml(raw.decode("utf-8") if raw else None, path)
    kinds = both.pop("element")
    return both[kinds == "node"], both[kinds == "link"], meta


def _restore(frame: gpd.GeoDataFrame, kind: str, meta: dict[str, Any]) -> gpd.GeoDataFrame:
    frame = decode_json_columns(frame, (meta.get("json_columns") or {}).get(kind, []))
    cols = (meta.get("columns") or {}).get(kind)
    if cols:
        frame = frame[["id", *[c for c in cols if c in frame.columns]]]
    if "disabled" in frame:
        frame["disabled"] = frame["disabled"].astype(bool)
    if "derate" in frame:
        frame["derate"] = frame["derate"].astype(float)
    return frame.reset_index(drop=True)


def _folder_frames(folder: Path) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, dict[str, Any]]:
    raw = raw_files(folder)
    frames = []
    for key, defaults in (("nodes", NODE_DEFAULTS), ("links", LINK_DEFAULTS)):
        feats = (raw[key] or {}).get("features") or []
        frame = frame_from_features(feats, defaults)
        for col in STATE_COLUMNS:  # written only when some element is disabled or derated
            given = [(f.get("properties") or {}).get(col) for f in feats]
            if any(v is not None for v in given):
                frame[col] = [(False if col == "disabled" else 1.0) if v is None else v for v in given]
        frames.append(frame)
    state = read_yaml(folder / f"{META_LAYER}.yaml", required=False) or {}
    meta = {
        "sources": (raw["sources"] or {}).get("sources") or {},
        "baseline": raw["baseline"] or {},
        "parameters": raw["parameters"] or {},
        "events": (raw["events"] or {}).get("events") or [],
        **state,
    }
    return frames[0], frames[1], meta


def read_network(path: str | os.PathLike[str], *, strict: bool | None = None, crs: Any = None) -> CorridorNetwork:
    """Read a network from ``.gpkg``, ``.parquet`` or a geodata folder; no events applied.

    Parameters
    ----------
    path : str or Path
    strict : bool, optional
        As in :func:`~transcaspian.interop.frames.network_from_frames`. Default: strict
        for a geodata folder and for a file written from a strict network, lenient for
        a file whose network has an ``unsourced`` column (built leniently) or that
        :meth:`~transcaspian.network.CorridorNetwork.to_file` did not write.
    crs : optional
        CRS of layers that declare none.

    Raises
    ------
    NetworkDataError
        If the file lacks the node or link layer, or does not parse.
    ValidationError
        Listing every problem of the data.
    """
    path = Path(path)
    if not path.exists():
        raise NetworkDataError(f"{path}: no such file or folder; give a .gpkg, a .parquet or a geodata folder ({', '.join(FILES.values())})")
    fmt = "" if path.is_dir() else format_of(path, NETWORK_FORMATS)
    if fmt == ".gpkg":
        nodes, links, meta = _gpkg_frames(path)
    elif fmt == ".parquet":
        nodes, links, meta = _parquet_frames(path)
    else:
        nodes, links, meta = _folder_frames(path)
    if fmt:
        nodes, links = _restore(nodes, "nodes", meta), _restore(links, "links", meta)
    lenient = "unsourced" in links.columns or (fmt != "" and "columns" not in meta)
    as_of = meta.get("as_of")
    net = network_from_frames(
        nodes,
        links,
        strict=(not lenient) if strict is None else strict,
        sources=meta.get("sources") or {},
        baseline=meta.get("baseline") or {},
        parameters=meta.get("parameters") or {},
        events=meta.get("events") or (),
        crs=crs,
        name=str(path),
    )
    if fmt:  # keep the columns exactly as written (network_from_frames adds none to a full frame)
        net = net.replace(nodes=_order(net.nodes, meta, "nodes"), links=_order(net.links, meta, "links"))
    return net.replace(
        path=path,
        as_of=dt.date.fromisoformat(as_of) if isinstance(as_of, str) else as_of,
        applied=tuple(meta.get("applied") or ()),
    )


def _order(frame: gpd.GeoDataFrame, meta: dict[str, Any], kind: str) -> gpd.GeoDataFrame:
    cols = (meta.get("columns") or {}).get(kind)
    if not cols:
        return frame
    return frame[[c for c in cols if c in frame.columns] + [c for c in frame.columns if c not in cols]]


