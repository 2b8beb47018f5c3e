"""Results as tidy tables, and one writer for results and tables: GeoPackage, Parquet, CSV.

:func:`result_frame` (a :class:`~transcaspian.flow.result.FlowResult`) and
:func:`simulation_frame` (a :class:`~transcaspian.timeline.result.SimulationResult`)
give one long table, a row per figure: ``table`` (``links``, ``nodes``,
``delivered``, ``unserved``; per period also ``storage``, ``production``, ...),
``element``, ``commodity``, ``variable``, ``value``, ``unit`` (and ``period`` for a
simulation) - what plotting libraries and databases take as they are.

:func:`write_table` writes a result, a simulation or any DataFrame (a criticality
ranking, a comparison's link table) by the path's suffix: ``.gpkg`` (a result: one
layer per table, the flows with their line geometry; a frame: one layer),
``.parquet`` and ``.csv`` (the tidy table, or the frame).

Examples
--------
>>> import transcaspian as tc
>>> res = tc.solve(tc.load_network("tests/fixtures/mini"))
>>> t = result_frame(res)
>>> t.columns.tolist()
['table', 'element', 'commodity', 'variable', 'value', 'unit']
>>> float(t.query("table == 'delivered' and variable == 'volume'")["value"].sum().round(6))
41.0
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError
from .tidy import _SIM_TABLES, RESULT_TABLES, result_frame, simulation_frame
from .writers import TABLE_FORMATS, format_of, replace_atomically, write_frame

__all__ = ["result_frame", "simulation_frame", "write_table", "routes_with_passages", "RESULT_TABLES"]

def routes_with_passages(res: Any) -> pd.DataFrame:
    """``res.routes`` with a ``passages`` column: the named straits each route's links cross.

    Examples
    --------
    >>> import transcaspian as tc
    >>> r = routes_with_passages(tc.solve(tc.load_network(), commodity="crude"))
    >>> sorted({p for ps in r["passages"] for p in ps})
    ['bosporus', 'dardanelles']
    """
    from ..routes import link_passages

    out = res.routes.copy()
    out["passages"] = [link_passages(res.network, links) for links in out["links"]] if len(out) else []
    return out


def _kind(obj: Any) -> str:
    if isinstance(obj, pd.DataFrame):
        return "frame"
    if hasattr(obj, "node_flows") and hasattr(obj, "flows"):
        return "result"
    if hasattr(obj, "periods") and hasattr(obj, "throughput"):
        return "simulation"
    raise InputError(f"write_table: cannot write a {type(obj).__name__}; give a FlowResult, a SimulationResult or a DataFrame")


def _result_layers(res: Any) -> dict[str, pd.DataFrame]:
    layers: dict[str, pd.DataFrame] = {"flows": res.flows, "node_flows": res.node_flows}
    for name in ("routes", "delivered", "unserved", "saturated", "shadow_prices", "emissions", "contracts"):
        df = getattr(res, name)
        if isinstance(df, pd.DataFrame) and len(df.columns):
            layers[name] = df
    return layers


def _sim_layers(sim: Any) -> dict[str, pd.DataFrame]:
    return {name: getattr(sim, name) for name in ("periods", *[t for t, _, _ in _SIM_TABLES])}


def write_table(obj: Any, path: str | os.PathLike[str], *, layer: str | None = None) -> Path:
    """Write a FlowResult, a SimulationResult or a DataFrame to ``.gpkg``, ``.parquet`` or ``.csv``.

    Parameters
    ----------
    obj : FlowResult, SimulationResult or pandas.DataFrame
    path : str or Path
        The suffix picks the format. A result in a GeoPackage is one layer per table
        (``flows`` keeps the link lines); in Parquet or CSV its tidy table
        (:func:`result_frame`, :func:`simulation_frame`).
    layer : str, optional
        Layer name of a DataFrame in a GeoPackage (default: the file's stem).

    Returns
    -------
    pathlib.Path

    Raises
    ------
    InputError
        For another suffix or object.

    Examples
    --------
    >>> import tempfile, pandas as pd, transcaspian as tc
    >>> res = tc.solve(tc.load_network("tests/fixtures/mini"))
    >>> with tempfile.TemporaryDirectory() as d:
    ...     back = pd.read_parquet(write_table(res, f"{d}/res.parquet"))
    >>> back.equals(result_frame(res))
    True
    """
    fmt = format_of(path, TABLE_FORMATS)
    kind = _kind(obj)
    path = Path(path)
    if kind == "frame":
        return write_frame(obj, path, layer=layer)
    if fmt != ".gpkg":
        return write_frame(result_frame(obj) if kind == "result" else simulation_frame(obj), path)
    layers = _result_layers(obj) if kind == "result" else _sim_layers(obj)
    import pyogrio

    from .columns import encode_json_columns

    def write(tmp: Path) -> None:
        for i, (name, df) in enumerate(layers.items()):
            flat, _ = encode_json_columns(df)
            if not isinstance(flat.index, pd.RangeIndex):
                flat = flat.reset_index()
            for col in flat.columns:  # GDAL has no type for arbitrary objects
                if flat[col].dtype == object and col != "geometry":
                    flat[col] = [None if v is None or (isinstance(v, float) and np.isnan(v)) else str(v) for v in flat[col]]
            pyogrio.write_dataframe(flat, tmp, layer=name, driver="GPKG", append=i > 0)

    return replace_atomically(path, write)
