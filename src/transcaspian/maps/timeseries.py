"""The time-series chart of a simulation: exports by route, storage, deferred output (matplotlib).

Three panels over the periods of a :class:`~transcaspian.timeline.SimulationResult`:

1. exports by route, stacked bars (the routes of time.yaml, a node's throughput or a
   link's flow per period), with a dashed step for the first route's capacity;
2. storage levels at the end of each period against capacity and minimum;
3. deferred (shut-in) and stranded output per origin, stacked bars.

Examples
--------
>>> import tempfile, transcaspian as tc
>>> from transcaspian.maps.timeseries import save_timeseries
>>> res = tc.simulate(tc.load_network(), start="2025-11", end="2026-01")
>>> path = save_timeseries(res, tempfile.mkdtemp() + "/winter.png")
>>> path.suffix
'.png'
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ..errors import InputError
from ..io import save_figure_atomic
from ..schema import COMMODITIES
from ..units import CANONICAL_UNITS
from .style import COMMODITY_LABELS

if TYPE_CHECKING:
    from ..timeline.result import SimulationResult

__all__ = ["plot_timeseries", "save_timeseries"]

log = logging.getLogger(__name__)

#: Colours of the stacked routes, then of origins (colour-blind safe, Okabe-Ito).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999")


def _route_series(res: SimulationResult, routes: Mapping[str, str], commodity: str) -> dict[str, np.ndarray]:
    labels = res.periods["period"].tolist()
    out = {}
    thr = res.throughput[res.throughput["commodity"] == commodity]
    flows = res.flows[res.flows["commodity"] == commodity]
    for label, eid in routes.items():
        if eid in set(thr["node"]):
            s = thr[thr["node"] == eid].set_index("period")["throughput"]
        elif eid in set(flows["link"]):
            s = flows[flows["link"] == eid].set_index("period")["flow"]
        else:
            log.info("route %s (%s) carries no %s; left out of the chart", label, eid, commodity)
            continue
        out[label] = s.reindex(labels).fillna(0.0).to_numpy(dtype=float)
    return out


#: Legends beside their panel, so that none covers a bar.
_OUTSIDE: dict[str, Any] = {"loc": "upper left", "bbox_to_anchor": (1.01, 1.0), "fontsize": 8, "frameon": False}


def _commodity(res: SimulationResult, commodity: str | None) -> str:
    """The commodity to chart: the one asked for (if simulated), else crude, else the first."""
    simulated = tuple(getattr(res, "commodities", ()) or ())
    if commodity is None:
        return next((c for c in COMMODITIES if c in simulated), simulated[0] if simulated else "crude")
    if simulated and commodity not in simulated:
        raise InputError(f"plot_timeseries: commodity {commodity!r} was not simulated "
                         f"(fix: use one of {', '.join(simulated)}, or simulate {commodity!r})")
    return commodity


def _routes(res: SimulationResult, routes: Mapping[str, str] | None, commodity: str, thr: Any) -> dict[str, str]:
    """The routes to stack: those given, else the time data's when they carry ``commodity``,
    else the capacitated nodes it passes through."""
    if routes:
        return dict(routes)
    found = dict(res.meta.get("routes") or {})
    if found and _route_series(res, found, commodity):
        return found
    busy = thr.groupby("node", sort=False)["throughput"].sum() > 1e-9
    return {n: n for n in thr.loc[thr["capacity"].notna(), "node"].unique() if busy.get(n, False)}


def plot_timeseries(
    res: SimulationResult,
    *,
    routes: Mapping[str, str] | None = None,
    commodity: str | None = None,
    title: str | None = None,
) -> Figure:
    """The three-panel chart of ``res`` as a matplotlib Figure (not shown, not saved).

    Parameters
    ----------
    res : SimulationResult
    routes : mapping, optional
        Label -> node or link id to stack in the top panel (default: the time data's
        ``routes``, else every node with a capacity).
    commodity : str, optional
        The commodity charted (one of the simulation's). Default: crude when simulated,
        else the first commodity simulated. The title names it.
    title : str, optional

    Raises
    ------
    InputError
        If ``commodity`` was not simulated (the chart would be empty and read as
        "nothing deferred or stranded").
    """
    commodity = _commodity(res, commodity)
    thr = res.throughput[res.throughput["commodity"] == commodity]
    routes = _routes(res, routes, commodity, thr)
    labels = res.periods["period"].tolist()
    x = np.arange(len(labels))
    units = res.production.loc[res.production["commodity"] == commodity, "unit"]
    base_unit = str(units.iloc[0]) if len(units) else CANONICAL_UNITS.get(commodity, "").split("/")[0]
    unit = f"{base_unit} per {res.step}"
    fig = Figure(figsize=(12.5, 9), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    ax1, ax2, ax3 = fig.subplots(3, 1, sharex=True, height_ratios=[2.2, 1, 1.2])

    series = _route_series(res, routes, commodity)
    bottom = np.zeros(len(x))
    for i, (label, values) in enumerate(series.items()):
        ax1.bar(x, values, bottom=bottom, color=PALETTE[i % len(PALETTE)], label=label, width=0.8)
        bottom += values
    first = next(iter(routes.values()), None)
    cap = thr[thr["node"] == first].set_index("period")["capacity"].reindex(labels) if first else None
    if cap is not None and cap.notna().any():
        ax1.step(x, cap.to_numpy(dtype=float), where="mid", color="black", ls="--", lw=1.2,
                 label=f"{next(iter(routes))}: loading capacity")
    ax1.set_ylabel(unit)
    ax1.set_title("Exports by route", loc="left", fontsize=11)
    if series or (cap is not None and cap.notna().any()):
        ax1.legend(**_OUTSIDE)
    else:
        ax1.text(0.5, 0.5, f"no export route in the time data carries {commodity}", transform=ax1.transAxes,
                 ha="center", va="center")
    ax1.grid(axis="y", alpha=0.3)

    st = res.storage[res.storage["commodity"] == commodity]
    for i, (node, g) in enumerate(st.groupby("node", sort=False)):
        g = g.set_index("period").reindex(labels)
        c = PALETTE[i % len(PALETTE)]
        ax2.plot(x, g["level"].to_numpy(dtype=float), marker="o", color=c, label=f"{node}: level (end of period)")
        ax2.axhline(float(g["capacity"].iloc[0]), color=c, ls="--", lw=1, label="capacity")
        ax2.axhline(float(g["minimum"].iloc[0]), color=c, ls=":", lw=1, label="minimum")
    if st.empty:
        ax2.text(0.5, 0.5, "no storage in the time data", transform=ax2.transAxes, ha="center", va="center")
    else:
        ax2.legend(**_OUTSIDE)
    ax2.set_ylabel(unit.split(" per ")[0])
    ax2.set_title("Storage", loc="left", fontsize=11)
    ax2.grid(axis="y", alpha=0.3)

    pr = res.production[res.production["commodity"] == commodity]
    bottom = np.zeros(len(x))
    shown = 0
    for col, hatch in (("deferred", None), ("stranded", "//")):
        wide = pr.pivot_table(index="period", columns="origin", values=col, aggfunc="sum").reindex(labels).fillna(0.0)
        for origin in wide.columns:
            v = wide[origin].to_numpy(dtype=float)
            if v.max(initial=0.0) <= 1e-9:
                continue
            ax3.bar(x, v, bottom=bottom, color=PALETTE[(shown + 3) % len(PALETTE)], hatch=hatch,
                    label=f"{origin} {col}", width=0.8)
            bottom += v
            shown += 1
    lost = (pr["planned"] - pr["available"]).groupby(pr["period"]).sum().reindex(labels).fillna(0.0)
    if lost.max() > 1e-9:
        cut = lost.to_numpy(dtype=float)
        cut = np.where(cut > 1e-9, cut, np.nan)  # no marker where nothing was cut
        ax3.plot(x, cut, color="black", marker="x", ls="none", label="cut by events (not produced)")
    if shown or lost.max() > 1e-9:
        ax3.legend(**_OUTSIDE)
    else:
        ax3.text(0.5, 0.5, "nothing deferred or stranded", transform=ax3.transAxes, ha="center", va="center")
    ax3.set_ylabel(unit)
    ax3.set_title("Deferred (shut-in) and stranded output", loc="left", fontsize=11)
    ax3.grid(axis="y", alpha=0.3)
    ax3.set_xticks(x, labels, rotation=0 if len(labels) <= 14 else 90, fontsize=8 if len(labels) > 14 else 9)
    step = max(1, len(labels) // 24)
    for i, lab in enumerate(ax3.get_xticklabels()):
        lab.set_visible(i % step == 0)
    name = COMMODITY_LABELS.get(commodity, commodity)
    fig.suptitle(title or f"{res.scenario}: {name}, {labels[0]} to {labels[-1]}, by {res.step}", fontsize=13)
    return fig


def save_timeseries(res: SimulationResult, path: str | Path, *, dpi: int = 150, **kw: object) -> Path:
    """Draw :func:`plot_timeseries` and write it (PNG, SVG or PDF by suffix), atomically."""
    fig = plot_timeseries(res, **kw)  # type: ignore[arg-type]
    return save_figure_atomic(fig, Path(path), dpi=dpi)
