"""The result of a simulation: tidy tables with a ``period`` column, and totals over the horizon.

Volumes are per period in the commodity's mass or volume unit (``Mt`` for crude: the
canonical ``Mt/y`` times ``days / 365``), with ``kbpd`` beside them for crude (barrels
per tonne of the grade of the node, from time.yaml ``grades`` and parameters.yaml).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..errors import InputError
from ..flow.assemble import F, T, typed
from ..interop.tidy import simulation_frame
from ..units import canonical_unit

if TYPE_CHECKING:
    from ..scenario import Scenario
    from .model import TimeExpandedLP, TimeSolution
    from .outages import Window

__all__ = ["SimulationResult", "assemble_simulation", "kbpd"]

#: Deferred or stranded volumes at most this share of an origin's output are solver noise, reported as 0.
NOISE_RTOL = 1e-9


def kbpd(mt: float | np.ndarray, days: float | np.ndarray, bbl_per_tonne: float | np.ndarray) -> Any:
    """Thousand barrels per day from Mt over ``days``.

    Examples
    --------
    >>> round(kbpd(3.98, 31, 7.9), 1)
    1014.3
    """
    out = np.asarray(mt, dtype=float) * 1e6 * np.asarray(bbl_per_tonne, dtype=float) / np.asarray(days, dtype=float) / 1e3
    return float(out) if out.ndim == 0 else out


@dataclasses.dataclass
class SimulationResult:
    """Tables per period (each with a ``period`` column) and totals over the horizon.

    Attributes
    ----------
    periods : DataFrame
        ``period, start, end, days``.
    flows : DataFrame
        Per period and link: ``forward``, ``backward``, ``flow`` (their sum), the
        period's ``capacity`` (NaN: uncapacitated) in ``capacity_unit`` (the link's
        own: a rail line's Mt beside containers in TEU), ``unit`` (of the flow),
        ``kbpd`` (crude).
    throughput : DataFrame
        Per period and node: outflow plus delivered (a terminal's loadings), the
        period's capacity (in ``capacity_unit``), ``kbpd``.
    storage : DataFrame
        Per period and storage node: ``level`` at the end of the period, ``change``,
        ``capacity``, ``minimum``.
    production : DataFrame
        Per period and origin: ``planned`` output, ``available`` after events,
        ``deferred`` (shut in), ``stranded`` (produced, no outlet), ``produced``.
    delivered, stranded : DataFrame
        Per period and market (``value``, ``kbpd``), and per period and origin.
    totals : dict
        Per commodity: ``planned``, ``available``, ``produced``, ``delivered``,
        ``deferred``, ``stranded`` over the horizon, and ``cost`` (USD).
    """

    scenario: str
    step: str
    commodities: tuple[str, ...]
    periods: pd.DataFrame
    flows: pd.DataFrame
    throughput: pd.DataFrame
    storage: pd.DataFrame
    production: pd.DataFrame
    delivered: pd.DataFrame
    stranded: pd.DataFrame
    totals: dict[str, dict[str, Any]]
    relaxed_contracts: dict[str, float]
    meta: dict[str, Any]
    #: The network simulated (to resolve the ids and aliases :meth:`loadings` is given).
    network: Any = dataclasses.field(default=None, repr=False, compare=False)

    def to_frame(self) -> pd.DataFrame:
        """Every table as one tidy table with the period columns (:func:`transcaspian.interop.tidy.simulation_frame`)."""
        return simulation_frame(self)

    def loadings(self, node: str) -> pd.DataFrame:
        """Per period: the node's throughput (a terminal's loadings), capacity and kbpd.

        Examples
        --------
        >>> import transcaspian as tc
        >>> res = tc.simulate(tc.load_network("tests/fixtures/mini"), start="2025-11", end="2025-12")
        >>> res.loadings("terminal")["throughput"].round(3).tolist()
        [2.384, 1.274]
        """
        nid = self.network.resolve(str(node), kind="node") if self.network is not None else node
        cols = ["throughput", "capacity", "capacity_unit", "unit", "kbpd"]
        t = self.throughput[self.throughput["node"] == nid].set_index("period")[cols]
        if t.empty or t.index.has_duplicates:  # nothing passes it, or one row per commodity and period
            return t
        # a period in which nothing passes an uncapacitated node has no row: it loaded 0
        full = t.reindex(self.periods["period"].to_numpy())
        full.index.name = "period"
        missing = full["throughput"].isna()
        full.loc[missing, ["throughput", "kbpd"]] = [0.0, 0.0 if t["kbpd"].notna().any() else np.nan]
        full.loc[missing, ["capacity_unit", "unit"]] = [t["capacity_unit"].iloc[0], t["unit"].iloc[0]]
        return full

    def summary(self) -> dict[str, Any]:
        """Plain data: scenario, step, periods and the totals."""
        return {
            "scenario": self.scenario,
            "step": self.step,
            "start": str(self.periods["start"].iloc[0]),
            "end": str(self.periods["end"].iloc[-1]),
            "periods": len(self.periods),
            "totals": self.totals,
            "relaxed_contracts": self.relaxed_contracts,
        }

    def by_period(self, table: str, value: str | None = None, column: str | None = None) -> pd.DataFrame:
        """A wide table: one row per period, one column per ``column`` value, of ``value``.

        ``value`` and ``column`` default to the table's volume and element columns
        (``flows``: ``flow`` by ``link``; ``delivered``: ``value`` by ``market``, ...).

        Raises
        ------
        InputError
            An unknown table, or a column the table does not have, with the fix.
        """
        if table not in _BY_PERIOD:
            raise InputError(f"by_period: no table {table!r} (fix: one of {', '.join(_BY_PERIOD)})")
        df = getattr(self, table)
        value = value or _BY_PERIOD[table][0]
        column = column or _BY_PERIOD[table][1]
        for name, what in ((value, "value"), (column, "column")):
            if name not in df.columns:
                raise InputError(f"by_period: {table} has no column {name!r} for {what} "
                                 f"(fix: one of {', '.join(map(str, df.columns))})")
        return df.pivot_table(index="period", columns=column, values=value, aggfunc="sum", sort=False).fillna(0.0)


#: Per table of a result: the default value and element columns of :meth:`SimulationResult.by_period`.
_BY_PERIOD = {"flows": ("flow", "link"), "throughput": ("throughput", "node"), "storage": ("level", "node"),
              "production": ("deferred", "origin"), "delivered": ("value", "market"), "stranded": ("value", "origin")}


def assemble_simulation(
    model: TimeExpandedLP,
    sol: TimeSolution,
    *,
    scenario: Scenario | None,
    step: str,
    events: bool,
    windows: Sequence[Window],
    touched: Sequence[str],
) -> SimulationResult:
    """The result tables of a solved :class:`~transcaspian.timeline.model.TimeExpandedLP`."""
    lp, periods, td = model.lp, model.periods, model.td
    net = lp.net
    links, nodes = net.links, net.nodes
    params = net.parameters or {}
    per = pd.DataFrame({
        "period": [p.label for p in periods],
        "start": [p.start.isoformat() for p in periods],
        "end": [p.end.isoformat() for p in periods],
        "days": [p.days for p in periods],
    })
    days = {p.label: p.days for p in periods}
    bpt = {nid: td.bbl_per_tonne(nid, params) for nid in lp.node_ids}
    unit = {c: canonical_unit(c).split("/")[0] for c in lp.commodities}

    frm, to, mode = (links[c].to_numpy() for c in ("from_node", "to_node", "mode"))
    # capacities are in the element's own unit (a rail line in Mt/y carries containers in TEU): per period, without /y
    link_cu = [_period_unit(u) for u in (links["unit"] if "unit" in links else [None] * len(links))]
    node_cu = [_period_unit(u) for u in (nodes["unit"] if "unit" in nodes else [None] * len(nodes))]
    kind = nodes["kind"].to_numpy()
    cap_nodes = sorted({e for (k_, e) in sol.rhs if k_ == "node"})
    reach = {c: set(lp.arcs[c].tail.tolist()) | set(lp.arcs[c].head.tolist()) for c in lp.commodities}
    flow_rows, thr, cost = [], [], {c: 0.0 for c in lp.commodities}
    for t, p in enumerate(periods):
        for c in lp.commodities:
            fwd = np.zeros(len(lp.link_ids))
            bwd = np.zeros(len(lp.link_ids))
            out = np.zeros(len(lp.node_ids))
            for k, cl in enumerate(lp.classes):
                if cl.commodity != c:
                    continue
                arcs = lp.arcs[c]
                xv = sol.x[t][k]
                np.add.at(fwd, arcs.link[arcs.forward], xv[arcs.forward])
                np.add.at(bwd, arcs.link[~arcs.forward], xv[~arcs.forward])
                np.add.at(out, arcs.tail, xv)
                np.add.at(out, np.array(lp.markets[k], dtype=int), sol.d[t][k])
                cost[c] += float(xv @ lp.arc_coefficients(c)["usd"])
            for li in np.unique(lp.arcs[c].link):
                lid = lp.link_ids[li]
                cap = sol.rhs.get(("link", lid))
                flow_rows.append((p.label, lid, frm[li], to[li], mode[li], c, fwd[li], bwd[li], fwd[li] + bwd[li],
                                  float(cap[t]) if cap is not None else np.nan, link_cu[li] or unit[c], unit[c],
                                  bpt[frm[li]]))
            # capacitated nodes this commodity can pass (not the crude terminal among the gas rows)
            shown = set(np.flatnonzero(out > 0).tolist()) | ({lp.node_pos[n] for n in cap_nodes} & reach[c])
            for ni in sorted(shown):
                nid = lp.node_ids[ni]
                cap = sol.rhs.get(("node", nid))
                thr.append((p.label, nid, kind[ni], c, out[ni], float(cap[t]) if cap is not None else np.nan,
                            node_cu[ni] or unit[c], unit[c], bpt[nid]))
    flows = pd.DataFrame(flow_rows, columns=["period", "link", "from_node", "to_node", "mode", "commodity",
                                             "forward", "backward", "flow", "capacity", "capacity_unit", "unit",
                                             "bbl_per_tonne"])
    throughput = pd.DataFrame(thr, columns=["period", "node", "kind", "commodity", "throughput", "capacity",
                                            "capacity_unit", "unit", "bbl_per_tonne"])
    for df, col in ((flows, "flow"), (throughput, "throughput")):
        _add_kbpd(df, col, days)

    storage = _storage_table(sol, periods, unit)
    production = _production_table(model, sol, unit)
    delivered = _delivered_table(model, sol, unit, bpt, days)
    stranded = production[["period", "origin", "commodity", "stranded", "unit"]].rename(columns={"stranded": "value"})
    # a table with no rows (no commodity with supply) keeps the column types of one with rows
    flows, throughput, storage, production, delivered, stranded = (
        _typed(df) for df in (flows, throughput, storage, production, delivered, stranded))

    totals: dict[str, dict[str, Any]] = {}
    for c in lp.commodities:
        pc = production[production["commodity"] == c]
        totals[c] = {
            "planned": float(pc["planned"].sum()),
            "available": float(pc["available"].sum()),
            "produced": float(pc["produced"].sum()),
            "delivered": float(delivered.loc[delivered["commodity"] == c, "value"].sum()),
            "deferred": float(pc["deferred"].sum()),
            "stranded": float(pc["stranded"].sum()),
            "cost_usd": cost[c],
            "unit": unit[c],
        }
    ct_by_index = {ct.index: ct.label for ct in lp.contracts}
    meta = dict(sol.meta)
    meta.pop("duals_phase1", None)
    meta["relaxed_by_window"] = {ct_by_index.get(k, str(k)): v for k, v in meta.get("relaxed_by_window", {}).items()}
    meta.update({
        "events": events,
        "elements_with_events": list(touched),
        "outage_windows": [dataclasses.asdict(w) | {"start": w.start.isoformat(), "end": w.end.isoformat() if w.end else None}
                           for w in windows],
        "time_data": str(td.path) if td.path else None,
        "routes": dict(td.routes),
        "moorings": sorted(td.moorings),
        "short_names": {nid: _short(nid) for nid in (*td.moorings, *td.storage)},
        "objective": lp.objective,
        "objective_value": sol.objective_value,
    })
    return SimulationResult(
        scenario=getattr(scenario, "name", None) or "baseline",
        step=step,
        commodities=lp.commodities,
        periods=per,
        flows=flows,
        throughput=throughput,
        storage=storage,
        production=production,
        delivered=delivered,
        stranded=stranded,
        totals=totals,
        relaxed_contracts={ct_by_index.get(k, str(k)): v for k, v in sol.relaxed.items()},
        meta=meta,
        network=net,
    )


def _storage_table(sol: TimeSolution, periods: Sequence[Any], unit: dict[str, str]) -> pd.DataFrame:
    """Per period and storage node: level at the end, change, capacity, minimum."""
    st_rows = []
    for sc in sol.storage:
        prev = float(sol.z[sc.s0].sum())
        for t, p in enumerate(periods):
            level = float(np.clip(sol.z[sc.s[t]], 0, None).sum())
            st_rows.append((p.label, sc.node, sc.commodity, level, level - prev, sc.capacity, sc.minimum, unit[sc.commodity]))
            prev = level
    storage = pd.DataFrame(st_rows, columns=["period", "node", "commodity", "level", "change", "capacity", "minimum", "unit"])

    return storage


def _production_table(model: TimeExpandedLP, sol: TimeSolution, unit: dict[str, str]) -> pd.DataFrame:
    """Per period and origin: planned, available, deferred, stranded, produced."""
    lp, periods = model.lp, model.periods
    deferred = np.zeros_like(sol.supply)
    member_pos = {(k, i): j for j, (k, i, _) in enumerate(model.members)}
    for dc in sol.deferral:
        for c_, (k, i) in enumerate(dc.members):
            deferred[:, member_pos[(k, i)]] = np.clip(sol.z[dc.f[:, c_]], 0, None)
    prod_rows: dict[tuple[str, str, str], list[float]] = {}
    for t, p in enumerate(periods):
        for j, (k, i, o) in enumerate(model.members):
            c = lp.classes[k].commodity
            row = prod_rows.setdefault((p.label, o, c), [0.0, 0.0, 0.0, 0.0])
            row[0] += sol.planned[t, j]
            row[1] += sol.supply[t, j]
            row[2] += deferred[t, j]
            row[3] += float(sol.u[t][k][i])
    production = pd.DataFrame(
        [(per_, o, c, *v) for (per_, o, c), v in prod_rows.items()],
        columns=["period", "origin", "commodity", "planned", "available", "deferred", "stranded"],
    )
    for col in ("deferred", "stranded"):  # solver noise (below the LP's feasibility tolerance x supply) is zero
        noise = production[col].abs() <= NOISE_RTOL * production["available"].abs().clip(lower=1.0)
        production.loc[noise, col] = 0.0
    production["produced"] = production["available"] - production["deferred"]
    production["unit"] = production["commodity"].map(unit)

    return production


def _delivered_table(model: TimeExpandedLP, sol: TimeSolution, unit: dict[str, str], bpt: dict[str, float],
                     days: dict[str, int]) -> pd.DataFrame:
    """Per period and market: delivered, with kbpd for crude."""
    lp, periods = model.lp, model.periods
    dl = []
    for t, p in enumerate(periods):
        agg: dict[tuple[str, str], float] = {}
        for k, cl in enumerate(lp.classes):
            for j, m in enumerate(lp.markets[k]):
                key = (lp.node_ids[m], cl.commodity)
                agg[key] = agg.get(key, 0.0) + float(sol.d[t][k][j])
        dl += [(p.label, m, c, v, unit[c], bpt[m]) for (m, c), v in sorted(agg.items())]
    delivered = pd.DataFrame(dl, columns=["period", "market", "commodity", "value", "unit", "bbl_per_tonne"])
    _add_kbpd(delivered, "value", days)
    return delivered


#: Columns of the result tables that hold numbers; every other column is text.
_NUMBER_COLUMNS = frozenset({"forward", "backward", "flow", "capacity", "bbl_per_tonne", "kbpd", "throughput", "level",
                             "change", "minimum", "planned", "available", "deferred", "stranded", "produced", "value"})


def _typed(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with float number columns and text columns, also when it has no rows (``object`` columns then)."""
    return typed(df, {c: (F if c in _NUMBER_COLUMNS else T) for c in df.columns})


def _period_unit(unit: Any) -> str:
    """A capacity unit per year as the unit of a period's volume (``Mt/y`` -> ``Mt``); "" when missing."""
    return unit.split("/")[0] if isinstance(unit, str) and unit else ""


def _short(node: str) -> str:
    """A short column name for a node id (``novorossiysk_cpc_terminal`` -> ``CPC``)."""
    return "CPC" if "cpc" in node.split("_") else node


def _add_kbpd(df: pd.DataFrame, col: str, days: dict[str, int]) -> None:
    """A ``kbpd`` column for the crude rows of ``df`` (NaN for other commodities)."""
    d = df["period"].map(days).astype(float)
    k = df[col] * 1e6 * df["bbl_per_tonne"] / d / 1e3
    df["kbpd"] = np.where(df["commodity"] == "crude", k, np.nan)
