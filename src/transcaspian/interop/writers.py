"""Writing a network or a table to GeoPackage, GeoParquet, CSV or a GeoJSON folder, atomically.

The format follows the path: ``.gpkg`` (layers ``nodes`` and ``links``, plus a table
``transcaspian_meta``), ``.parquet`` (one GeoParquet file, a row per node and per link
with an ``element`` column, the rest in the file's metadata), ``.csv`` (tables only),
anything else a folder in the geodata layout (nodes.geojson, links.geojson and the
YAML files), which :func:`transcaspian.load_network` reads too. Lists and mappings
are JSON text in GeoPackage and GeoParquet (:mod:`~transcaspian.interop.columns`).
A reader never sees a half-written file: each file is written beside its target and
renamed into place.

Examples
--------
>>> import tempfile, transcaspian as tc
>>> from transcaspian.interop.columns import networks_equal
>>> net = tc.load_network("tests/fixtures/mini")
>>> with tempfile.TemporaryDirectory() as d:
...     back = tc.read_network(net.to_file(f"{d}/mini.gpkg"))
>>> networks_equal(net, back)
True
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import pandas as pd
import yaml

from ..errors import InputError
from ..io import write_atomic
from .columns import STATE_COLUMNS, encode_json_columns, meta_of

if TYPE_CHECKING:
    from ..network import CorridorNetwork

__all__ = ["NETWORK_FORMATS", "TABLE_FORMATS", "META_LAYER", "format_of", "write_network", "write_frame", "replace_atomically"]

#: Suffixes a network can be written to ("" is a GeoJSON folder).
NETWORK_FORMATS: tuple[str, ...] = (".gpkg", ".parquet", "")
#: Suffixes a table can be written to.
TABLE_FORMATS: tuple[str, ...] = (".gpkg", ".parquet", ".csv")
#: Name of the GeoPackage table (and the GeoParquet metadata key) holding the rest of a network.
META_LAYER = "transcaspian_meta"


def format_of(path: str | os.PathLike[str], allowed: tuple[str, ...]) -> str:
    """The format suffix of ``path`` if it is one of ``allowed``, else an :class:`InputError`.

    Examples
    --------
    >>> format_of("out/flows.GPKG", TABLE_FORMATS)
    '.gpkg'
    >>> format_of("flows.xlsx", TABLE_FORMATS)
    Traceback (most recent call last):
    ...
    transcaspian.errors.InputError: cannot write flows.xlsx: unknown suffix '.xlsx'; use .gpkg, .parquet or .csv
    """
    suffix = Path(path).suffix.lower()
    if suffix in allowed:
        return suffix
    if "" in allowed and suffix not in (".gpkg", ".parquet", ".csv", ".geojson", ".json", ".shp"):
        return ""
    names = [s or "a folder" for s in allowed]
    raise InputError(f"cannot write {Path(path).name}: unknown suffix {suffix!r}; use {', '.join(names[:-1])} or {names[-1]}")


def replace_atomically(path: str | os.PathLike[str], write: Callable[[Path], Any]) -> Path:
    """Call ``write(tmp)`` on a temporary path beside ``path``, then rename it onto ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    tmp.unlink()  # the drivers create the file themselves
    try:
        write(tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def _meta_yaml(net: CorridorNetwork, json_columns: dict[str, list[str]], columns: dict[str, list[str]]) -> str:
    meta = {**meta_of(net), "json_columns": json_columns, "columns": columns, "format": 1}
    return yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)


def _flat(frame: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, list[str]]:
    enc, cols = encode_json_columns(frame)
    return enc.reset_index(), cols


def _write_gpkg(net: CorridorNetwork, path: Path) -> Path:
    import pyogrio

    nodes, ncols = _flat(net.nodes)
    links, lcols = _flat(net.links)
    meta = _meta_yaml(net, {"nodes": ncols, "links": lcols}, {"nodes": list(net.nodes.columns), "links": list(net.links.columns)})

    def write(tmp: Path) -> None:
        pyogrio.write_dataframe(nodes, tmp, layer="nodes", driver="GPKG")
        pyogrio.write_dataframe(links, tmp, layer="links", driver="GPKG", append=True)
        pyogrio.write_dataframe(pd.DataFrame({"key": ["network"], "yaml": [meta]}), tmp, layer=META_LAYER, driver="GPKG", append=True)

    return replace_atomically(path, write)


def _write_parquet(net: CorridorNetwork, path: Path) -> Path:
    import pyarrow.parquet as pq

    nodes, ncols = _flat(net.nodes)
    links, lcols = _flat(net.links)
    both = pd.concat([nodes.assign(element="node"), links.assign(element="link")], ignore_index=True)
    both = gpd.GeoDataFrame(both, geometry="geometry", crs=net.nodes.crs)
    meta = _meta_yaml(net, {"nodes": ncols, "links": lcols}, {"nodes": list(net.nodes.columns), "links": list(net.links.columns)})

    def write(tmp: Path) -> None:
        both.to_parquet(tmp, index=False)  # GeoParquet: geopandas writes the "geo" metadata
        table = pq.read_table(tmp)
        extra = {**(table.schema.metadata or {}), META_LAYER.encode(): meta.encode("utf-8")}
        pq.write_table(table.replace_schema_metadata(extra), tmp)

    return replace_atomically(path, write)


def _feature(eid: Any, row: pd.Series, columns: list[str]) -> dict[str, Any]:
    props: dict[str, Any] = {"id": eid}
    for col in columns:
        v = row[col]
        if isinstance(v, float) and math.isnan(v):
            v = None
        elif isinstance(v, tuple):
            v = list(v)
        elif hasattr(v, "item") and not isinstance(v, list | dict | str):
            v = v.item()
        props[col] = v
    return {"type": "Feature", "id": eid, "properties": props, "geometry": row.geometry.__geo_interface__}


def _feature_collection(frame: gpd.GeoDataFrame) -> str:
    columns = [c for c in frame.columns if c != frame.geometry.name and c not in STATE_COLUMNS]
    # the state columns only when some element is disabled or derated (the loader ignores them otherwise)
    if "disabled" in frame and bool(frame["disabled"].any()) or "derate" in frame and bool((frame["derate"] != 1.0).any()):
        columns += [c for c in STATE_COLUMNS if c in frame]
    feats = [_feature(eid, row, columns) for eid, row in frame.iterrows()]
    return json.dumps({"type": "FeatureCollection", "features": feats}, ensure_ascii=False, indent=1) + "\n"


def _write_folder(net: CorridorNetwork, folder: Path) -> Path:
    meta = meta_of(net)
    folder.mkdir(parents=True, exist_ok=True)
    write_atomic(folder / "nodes.geojson", _feature_collection(net.nodes))
    write_atomic(folder / "links.geojson", _feature_collection(net.links))
    dump = lambda data: yaml.safe_dump(data, allow_unicode=True, sort_keys=False)  # noqa: E731
    write_atomic(folder / "sources.yaml", dump({"sources": meta["sources"]}))
    write_atomic(folder / "baseline.yaml", dump(meta["baseline"]))
    write_atomic(folder / "events.yaml", dump({"events": meta["events"]}))
    write_atomic(folder / "parameters.yaml", dump(meta["parameters"]))
    state = {"as_of": meta["as_of"], "applied": meta["applied"]}
    if state["as_of"] or state["applied"]:
        write_atomic(folder / f"{META_LAYER}.yaml", dump(state))
    return folder


def write_network(net: CorridorNetwork, path: str | os.PathLike[str]) -> Path:
    """Write ``net`` to ``path``: ``.gpkg``, ``.parquet`` or a folder (see the module docs).

    Returns
    -------
    pathlib.Path
        The file or folder written; :func:`transcaspian.read_network` reads it back
        into an equal network.
    """
    path = Path(path)
    fmt = format_of(path, NETWORK_FORMATS)
    if fmt == ".gpkg":
        return _write_gpkg(net, path)
    if fmt == ".parquet":
        return _write_parquet(net, path)
    return _write_folder(net, path)


def write_frame(frame: pd.DataFrame, path: str | os.PathLike[str], *, layer: str | None = None) -> Path:
    """Write one table to ``.gpkg`` (a layer, spatial when it has geometry), ``.parquet`` or ``.csv``.

    List and mapping values become JSON text; a MultiIndex becomes columns. An
    existing GeoPackage keeps its other layers (``layer`` defaults to the file's stem).
    """
    path = Path(path)
    fmt = format_of(path, TABLE_FORMATS)
    flat, _ = encode_json_columns(frame)
    if not isinstance(flat.index, pd.RangeIndex):
        flat = flat.reset_index()
    if fmt == ".csv":
        if isinstance(flat, gpd.GeoDataFrame):
            flat = flat.to_wkt()
        return write_atomic(path, flat.to_csv(index=False))
    if fmt == ".parquet":
        if isinstance(flat, gpd.GeoDataFrame):
            return replace_atomically(path, lambda tmp: flat.to_parquet(tmp, index=False))
        return replace_atomically(path, lambda tmp: pd.DataFrame(flat).to_parquet(tmp, index=False))
    import pyogrio

    name = layer or path.stem
    if path.exists():
        pyogrio.write_dataframe(flat, path, layer=name, driver="GPKG")  # GDAL replaces that one layer in place
        return path
    return replace_atomically(path, lambda tmp: pyogrio.write_dataframe(flat, tmp, layer=name, driver="GPKG"))
