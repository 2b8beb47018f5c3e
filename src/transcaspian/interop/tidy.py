"""Results as tidy tables: a row per figure (the base of :mod:`transcaspian.interop.results`).

:func:`result_frame` (a :class:`~transcaspian.flow.result.FlowResult`, also
``res.to_frame()``) and :func:`simulation_frame` (a
:class:`~transcaspian.timeline.result.SimulationResult`, also ``sim.to_frame()``) give one
long table: ``table``, ``element``, ``commodity``, ``variable``, ``value``, ``unit`` (and the
``period`` columns for a simulation).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = ["result_frame", "simulation_frame", "RESULT_TABLES"]

#: (attribute, table name, element column, numeric variables) of a FlowResult in the tidy table.
RESULT_TABLES: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("flows", "links", "link", ("flow", "forward", "backward", "capacity", "utilisation", "cost", "cost_usd", "tonne_km", "co2_t")),
    ("node_flows", "nodes", "node", ("supply", "sent", "delivered", "throughput", "capacity", "utilisation")),
    ("delivered", "delivered", "market", ("volume",)),
    ("unserved", "unserved", "origin", ("supply", "delivered", "unserved")),
)
_SIM_TABLES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("flows", "link", ("forward", "backward", "flow", "capacity", "kbpd")),
    ("throughput", "node", ("throughput", "capacity", "kbpd")),
    ("storage", "node", ("level", "change", "capacity", "minimum")),
    ("production", "origin", ("planned", "available", "deferred", "stranded", "produced")),
    ("delivered", "market", ("value", "kbpd")),
    ("stranded", "origin", ("value",)),
)


def _melt(df: pd.DataFrame, table: str, element: str, variables: tuple[str, ...], keep: tuple[str, ...] = ()) -> pd.DataFrame:
    flat = pd.DataFrame(df).drop(columns="geometry", errors="ignore").reset_index()
    if element not in flat.columns and "index" in flat.columns:
        flat = flat.rename(columns={"index": element})
    cols = [v for v in variables if v in flat.columns]
    units = flat["unit"] if "unit" in flat.columns else pd.Series([None] * len(flat))
    flat = flat.assign(_unit=units.to_numpy())
    long = flat.melt(id_vars=[*keep, element, "commodity", "_unit"], value_vars=cols, var_name="variable", value_name="_value")
    long = long.rename(columns={"_value": "value"})
    long["unit"] = [_unit_of(v, u, flat) for v, u in zip(long["variable"], long["_unit"])]
    if "capacity_unit" in flat.columns and "capacity" in cols:  # a capacity is in its element's unit, not the flow's
        cap_unit = flat["capacity_unit"].to_numpy()
        at = (long["variable"] == "capacity").to_numpy()
        long.loc[at, "unit"] = cap_unit[np.flatnonzero(at) % len(flat)] if len(flat) else []
    long["value"] = long["value"].astype(float)
    return long.rename(columns={element: "element"}).drop(columns="_unit").assign(table=table)


def _unit_of(variable: str, unit: Any, _: pd.DataFrame) -> str | None:
    if variable in ("utilisation",):
        return "1"
    if variable == "cost_usd":
        return "USD/y"
    if variable == "co2_t":
        return "t/y"
    if variable == "tonne_km":
        return "t km/y"
    if variable == "kbpd":
        return "kbbl/d"
    if variable == "cost":
        return None  # the commodity's cost unit, in the cost_unit column of res.flows
    return unit if isinstance(unit, str) else None


def result_frame(res: Any) -> pd.DataFrame:
    """A flow result as one tidy table (see the module docs)."""
    parts = [_melt(getattr(res, attr), table, el, vs) for attr, table, el, vs in RESULT_TABLES if len(getattr(res, attr))]
    if not parts:  # nothing flowed (a commodity without supply): the columns, no rows
        return _empty(["table", "element", "commodity", "variable", "value", "unit"])
    out = pd.concat(parts, ignore_index=True)
    if len(res.flows) and "cost_unit" in res.flows:
        cu = dict(zip(res.flows["commodity"], res.flows["cost_unit"]))
        mask = out["variable"] == "cost"
        out.loc[mask, "unit"] = out.loc[mask, "commodity"].map(cu)
    return out[["table", "element", "commodity", "variable", "value", "unit"]]


def simulation_frame(sim: Any) -> pd.DataFrame:
    """A simulation as one tidy table with a ``period`` column (see the module docs).

    Examples
    --------
    >>> import transcaspian as tc
    >>> sim = tc.simulate(tc.load_network("tests/fixtures/mini"), start="2025-11", end="2025-12")
    >>> t = simulation_frame(sim)
    >>> sorted(t["period"].unique()) == sorted(sim.periods["period"]), "start" in t
    (True, True)
    """
    parts = [_melt(getattr(sim, attr), attr, el, vs, keep=("period",)) for attr, el, vs in _SIM_TABLES if len(getattr(sim, attr))]
    cols = ["period", "start", "end", "days", "table", "element", "commodity", "variable", "value", "unit"]
    if not parts:  # nothing flowed (a commodity without supply): the columns, no rows
        return _empty(cols, days=int)
    out = pd.concat(parts, ignore_index=True).merge(sim.periods, on="period", how="left")
    return out[cols]


def _empty(cols: list[str], **types: Any) -> pd.DataFrame:
    """A table with ``cols`` and no rows: ``value`` float, ``types`` as given, the rest text."""
    text = pd.Series(["x"]).dtype
    return pd.DataFrame(columns=cols).astype({c: types.get(c, float if c == "value" else text) for c in cols})
