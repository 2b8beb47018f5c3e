"""Rendering tables for people (text) and machines (JSON, CSV).

Examples
--------
>>> import pandas as pd
>>> print(format_table(pd.DataFrame({"volume": [63.8, 0.05]}, index=["a", "b"])))
  volume
a  63.80
b   0.05
>>> fmt_number(1234567.0), fmt_number(float("nan")), fmt_number(0.0)
('1,234,567', '-', '0')
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["fmt_number", "format_table", "to_json", "to_csv", "frame_records", "FORMATS"]

FORMATS = ("table", "json", "csv")


def fmt_number(v: Any) -> str:
    """A number for a human table: thousands separators, few decimals, '-' for NaN."""
    if isinstance(v, bool | np.bool_):
        return "yes" if v else "no"
    if isinstance(v, int | np.integer):
        return f"{int(v):,d}"
    if not isinstance(v, float | np.floating):
        return str(v)
    v = float(v)
    if math.isnan(v):
        return "-"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    a = abs(v)
    if a < 5e-10:
        return "0"
    if a >= 1e4:
        return f"{v:,.0f}"
    if a >= 1:
        return f"{v:,.2f}"
    return f"{v:.3g}" if a >= 1e-3 else f"{v:.2e}"


def _cell(v: Any) -> str:
    if isinstance(v, tuple | list):
        return " > ".join(str(x) for x in v)
    return fmt_number(v)


def format_table(df: pd.DataFrame, *, max_rows: int | None = None) -> str:
    """A DataFrame as an aligned text table (geometry dropped, numbers rounded).

    With ``max_rows``, the first rows and a last line saying how many more there are.

    Examples
    --------
    >>> print(format_table(pd.DataFrame({"v": [1.0, 2.0, 3.0]}), max_rows=2))
          v
    0  1.00
    1  2.00
    ... and 1 more row (3 in all)
    """
    df = pd.DataFrame(df).drop(columns=["geometry"], errors="ignore")
    more = len(df) - max_rows if max_rows is not None and len(df) > max_rows else 0
    if more:
        df = df.head(max_rows)
    if len(df) == 0:
        return "(none)"
    out = df.copy()
    for col in out.columns:
        out[col] = out[col].map(_cell).astype(object)
    text = out.to_string()
    if more:
        text += f"\n... and {more} more row{'s' if more > 1 else ''} ({len(df) + more} in all)"
    return text


#: Significant digits written to CSV and JSON.
DIGITS = 9
#: Decimal places written to CSV and JSON: the reporting resolution of volumes
#: (schema.FLOW_EPS = 1e-6), under which the solver's round-off (``4.099999999``,
#: ``0.9399999994``) lies.
DECIMALS = 6


def rounded(v: float) -> float:
    """``v`` to :data:`DECIMALS` decimal places and at most :data:`DIGITS` significant digits.

    Examples
    --------
    >>> rounded(4.099999999), rounded(0.9399999994), rounded(3e-9), rounded(1807603200.4)
    (4.1, 0.94, 0.0, 1807603200.0)
    """
    if not math.isfinite(v):
        return v
    r = round(v, DECIMALS)
    return float(f"{r:.{DIGITS}g}") if r else 0.0


def _plain(v: Any) -> Any:
    if isinstance(v, Mapping):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, list | tuple | set):
        return [_plain(x) for x in v]
    if isinstance(v, np.bool_ | bool):
        return bool(v)
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, float | np.floating):
        f = float(v)
        return None if math.isnan(f) or math.isinf(f) else rounded(f)
    if hasattr(v, "isoformat"):
        return v.isoformat()
    if v is None or isinstance(v, int | str):
        return v
    return str(v)


def frame_records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of a frame (index reset, geometry dropped) as JSON-safe dicts."""
    df = pd.DataFrame(df).drop(columns=["geometry"], errors="ignore")
    if any(n is not None for n in df.index.names):
        df = df.reset_index()
    return [_plain(r) for r in df.to_dict(orient="records")]


def to_json(obj: Any) -> str:
    """JSON text of plain data or frames (NaN and inf become null)."""
    if isinstance(obj, pd.DataFrame):
        obj = frame_records(obj)
    return json.dumps(_plain(obj), indent=2, ensure_ascii=False, allow_nan=False)


def to_csv(df: pd.DataFrame) -> str:
    """CSV text of a frame (index kept as columns, geometry dropped, tuples joined by '>').

    Floats are written with :data:`DIGITS` significant digits (:func:`rounded`), so
    solver round-off such as ``63.900000000000006`` or ``4.099999999`` reads ``63.9``
    and ``4.1``.
    """
    df = pd.DataFrame(df).drop(columns=["geometry"], errors="ignore")
    if any(n is not None for n in df.index.names):
        df = df.reset_index()
    df = df.copy()
    for col in df.columns:
        if df[col].map(lambda v: isinstance(v, tuple | list)).any():
            df[col] = df[col].map(lambda v: ">".join(map(str, v)) if isinstance(v, tuple | list) else v)
    buf = io.StringIO()
    for col in df.columns:
        if pd.api.types.is_float_dtype(df[col]):
            df[col] = df[col].map(rounded)
    df.to_csv(buf, index=False, lineterminator="\n", float_format=f"%.{DIGITS}g")
    return buf.getvalue()
