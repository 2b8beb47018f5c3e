"""``simulate``: the flows period by period over a horizon, in one LP.

Examples
--------
>>> import transcaspian as tc
>>> net = tc.load_network("tests/fixtures/mini")
>>> res = tc.simulate(net, start="2025-10", end="2026-01", step="month")
>>> res.delivered.groupby("period")["value"].sum().round(2).tolist()
[3.48, 3.29, 2.21, 2.21]
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from ..errors import InputError, ScenarioError
from ..flow.solver import prepare, resolve_commodities
from ..guards import check_solve
from ..scenario import Scenario
from ..schema import ALLOCATIONS, OBJECTIVES, Objective
from .model import TimeExpandedLP
from .outages import Availability, Window, apply_restart_ramps, windows_from_outages
from .periods import STEPS, make_periods
from .result import SimulationResult, assemble_simulation
from .timedata import TimeData, load_time_data

if TYPE_CHECKING:
    from ..network import CorridorNetwork

__all__ = ["simulate"]

log = logging.getLogger(__name__)


def simulate(
    net: CorridorNetwork,
    scenario: Scenario | str | Path | None = None,
    *,
    start: str | dt.date | None = None,
    end: str | dt.date | None = None,
    step: str | None = None,
    commodity: str | Sequence[str] | None = None,
    objective: str | None = None,
    events: bool = True,
    time_data: TimeData | Mapping[str, Any] | str | Path | None = None,
    storage_end: str = "initial",
    method: str = "auto",
    transit_delay: bool = False,
    allocation: str | None = None,
    contracts: str = "month",
) -> SimulationResult:
    """Route the supplies period by period from ``start`` to ``end``, as one time-expanded LP.

    Parameters
    ----------
    net : CorridorNetwork
        The network, loaded without ``as_of`` (events are applied here, day by day).
    scenario : Scenario, str or Path, optional
        Its static changes hold in every period; its ``outages:`` windows restrict
        elements between dates; its ``start``, ``end`` and ``step`` are the defaults of
        the arguments below. A path is read with :meth:`Scenario.from_yaml`.
    start, end : str or date
        The horizon, inclusive (``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``; a month as
        ``end`` means its last day).
    step : {"day", "week", "month", "year"}, optional
        Period length (default: the scenario's, else ``"month"``).
    commodity : str or list of str, optional
        As in :func:`transcaspian.solve` (default: the scenario's, else ``"crude"``).
    objective : {"cost", "time", "emissions"}, optional
        What the last phase minimises.
    events : bool, default True
        Apply the dated record day by day: the events of events.yaml and the dated
        loading ``plans`` of time.yaml. ``False``: the network as loaded in every period
        (with a one-year period outside the months of any output ``profile`` this is
        :func:`solve`).
    time_data : TimeData, mapping, str or Path, optional
        Storage, moorings and production response; default ``time.yaml`` next to the
        network data (none for a folder without one).
    storage_end : {"initial", "free"}, default "initial"
        ``"initial"``: every tank ends the horizon at its initial level.
    method : {"auto", "lexicographic", "penalty"}, default "auto"
        ``"lexicographic"``: two LPs, most delivered then least cost, as :func:`solve`.
        ``"penalty"``: one LP in which unserved supply costs more than any route (the
        same optimum on a network flow, about half the time). ``"auto"``: the penalty
        form above 50,000 columns (a year of daily steps), else lexicographic.
    transit_delay : bool, default False
        Flow reaches the end of a link ``time_days`` later (rounded to whole periods;
        meant for daily and weekly steps): what leaves in the last periods is in transit
        at the end, and the line is taken as full at the start.
    allocation : {"cost", "pro_rata"}, optional
        Default: the scenario's ``allocation``, else ``"cost"``. How a shared bottleneck
        is split between shippers in each period: ``"cost"``
        serves the most and then the cheapest; ``"pro_rata"`` serves every origin the
        same max-min fair share of its available output in each period
        (:mod:`transcaspian.timeline.allocation`), then the cheapest.

    contracts : {"month", "horizon"}, default "month"
        The window a contract of baseline.yaml (a transit quota, a shipper's plan)
        bounds: each calendar month, at its annual bound x the month's days / 365
        (transit quotas and loading programmes are scheduled monthly), or the whole
        horizon (a yearly plan lifted faster in one month and slower in another).

    Returns
    -------
    SimulationResult

    Raises
    ------
    ScenarioError
        A missing or malformed horizon, an unknown element in ``outages``, or a network
        that already has events applied.

    Examples
    --------
    >>> import transcaspian as tc
    >>> net = tc.load_network("tests/fixtures/mini")
    >>> year = tc.simulate(net, start="2025", end="2025", step="year", events=False)
    >>> round(year.totals["crude"]["delivered"], 6) == round(tc.solve(net).total_delivered["crude"], 6)
    True
    """
    check_solve(net, scenario, commodity, None, "simulate")
    t0 = time.perf_counter()
    if isinstance(scenario, str | Path):
        scenario = Scenario.from_yaml(scenario)
    where = str(getattr(scenario, "source", None) or getattr(scenario, "name", None) or "simulate")
    if net.as_of is not None:
        raise ScenarioError(
            f"{where}: the network has events up to {net.as_of} applied; simulate applies events day by day "
            "(fix: load it without as_of, tc.load_network())"
        )
    _check_flags(where, events=events, transit_delay=transit_delay)
    allocation = _allocation(allocation, scenario, where)
    start = start if start is not None else getattr(scenario, "start", None)
    end = end if end is not None else getattr(scenario, "end", None)
    step = step or getattr(scenario, "step", None) or "month"
    if start is None or end is None:
        raise ScenarioError(f"{where}: no horizon (fix: give start and end, or set them in the scenario)")
    if step not in STEPS:
        raise ScenarioError(f"{where}: step {step!r} is unknown (fix: use one of {', '.join(STEPS)})")
    periods = make_periods(start, end, step=step, where=where)
    objective = objective or getattr(scenario, "objective", None) or "cost"
    if objective not in OBJECTIVES:
        raise ScenarioError(f"{where}: objective {objective!r} is unknown (fix: use one of {', '.join(OBJECTIVES)})")

    static_sc = _static(scenario)
    applied = static_sc.apply(net) if static_sc is not None else net
    if commodity is None:
        commodity = getattr(scenario, "commodity", None) or "crude"
    commodities = resolve_commodities(commodity, applied)
    td = load_time_data(net, time_data)
    windows, ends = windows_from_outages(net, tuple(getattr(scenario, "outages", ()) or ()), where=where,
                                         moorings=td.moorings)
    if not events:  # no dated record: no loading plans either
        td = dataclasses.replace(td, plans=())
    lp = prepare(applied, commodities, objective=cast(Objective, objective))
    if commodity != "all" and (idle := [c for c in commodities if c not in lp.commodities]):
        log.warning("%s: no supply of %s: its tables have no rows and totals no entry (fix: add supplies to the "
                    "baseline or the scenario)", where, ", ".join(idle))

    n_days = (periods[-1].end - periods[0].start).days + 1
    avail = Availability.empty(periods[0].start, n_days)
    static_ids = _static_ids(applied, scenario)
    for eid in static_ids:  # a scenario's derate replaces the events' on that element, every day
        frame = applied.nodes if eid in applied.nodes.index else applied.links
        f = 0.0 if bool(frame.at[eid, "disabled"]) else float(frame.at[eid, "derate"])
        avail.factor[eid] = np.full(n_days, f)
    touched: list[str] = []
    if events:
        touched = avail.add_events(net, ends=ends, skip=static_ids)
    elif ends:
        log.info("%s: events are off; the event end dates in outages have no effect", where)
    for w in windows:
        avail.add_window(w)
    for w in _plan_windows(applied, td):
        avail.add_window(w)
    apply_restart_ramps(avail, net, td.production, ends=ends if events else {}, skip=static_ids, windows=windows,
                        events=events)

    model = TimeExpandedLP(lp, periods, avail, td, storage_end=storage_end, method=method,
                           transit_delay=transit_delay, allocation=allocation, contracts=contracts)
    ignored = _ineffective_windows(model, windows, where)
    sol = model.solve()
    result = assemble_simulation(model, sol, scenario=scenario, step=step, events=events, windows=windows,
                                 touched=touched)
    result.meta["ineffective_windows"] = ignored
    result.meta["total_seconds"] = time.perf_counter() - t0
    log.info("simulated %s over %d %s periods in %.3f s", where, len(periods), step, result.meta["total_seconds"])
    return result


def _ineffective_windows(model: TimeExpandedLP, windows: Sequence[Window], where: str) -> list[str]:
    """Outage windows (or the periods of them) that cannot restrict anything, each logged as a warning.

    An element without a capacity (a junction, an uncapacitated link or market) has no
    period capacity to cut: a derate has no effect (as in ``solve``), and ``off`` only
    closes it in periods it covers entirely. Origins are exempt: a window cuts their supply
    day by day.
    """
    lp = model.lp
    origins = {lp.node_ids[o] for k in range(len(lp.classes)) for o in lp.origins[k]}
    out = []
    for w in windows:
        if w.element in origins or model._capacitated(w.element) or w.kind == "moorings_out":
            continue
        end = w.end or model.periods[-1].end + dt.timedelta(days=1)
        if w.start > model.periods[-1].end or end <= model.periods[0].start:
            continue  # outside the horizon
        if w.kind == "derate":
            out.append(f"{w.element}: derate {w.value:g} from {w.start}")
            log.warning("%s: the outage window derating %s from %s has no effect: it has no capacity (fix: off "
                        "instead, or give it a capacity)", where, w.element, w.start)
            continue
        partial = [p.label for p in model.periods if w.start <= p.end and end > p.start
                   and not (w.start <= p.start and end > p.end)]
        if partial:
            out.append(f"{w.element}: off from {w.start} in {', '.join(partial)}")
            log.warning("%s: the outage window switching off %s from %s has no effect in %s: without a capacity it is "
                        "closed only in periods it covers entirely (fix: step='day', or give %s a capacity)",
                        where, w.element, w.start, ", ".join(partial), w.element)
    return out


def _check_flags(where: str, **flags: Any) -> None:
    """Each flag is a bool: ``"no"`` is truthy, so the option would do the opposite of what was asked."""
    for name, flag in flags.items():
        if not isinstance(flag, bool | np.bool_):
            raise InputError(f"{where}: {name} must be True or False, not {flag!r} (fix: {name}=False or True)")


def _allocation(allocation: str | None, scenario: Scenario | None, where: str) -> str:
    """The allocation rule: the argument, else the scenario's, else ``cost``; an unknown one is an error."""
    if allocation is None:
        allocation = getattr(scenario, "allocation", None) or "cost"
    if allocation not in ALLOCATIONS:
        raise ScenarioError(f"{where}: allocation {allocation!r} is unknown (fix: use one of {', '.join(ALLOCATIONS)})")
    return allocation


def _plan_windows(net: CorridorNetwork, td: TimeData) -> list[Window]:
    """The published monthly plans of time.yaml as derate windows on their nodes' capacity."""
    out = []
    for plan in td.plans:
        cap = net.nodes.at[plan.node, "capacity"] if plan.node in net.nodes.index else None
        if cap is None or not np.isfinite(cap) or cap <= 0:
            log.warning("time.yaml: the plan for %s in %s has no node capacity to scale; ignored", plan.node, plan.first)
            continue
        factor = min(1.0, plan.rate_per_year / float(cap))
        out.append(Window(plan.node, "derate", factor, plan.first, plan.last + dt.timedelta(days=1),
                          f"plan {plan.first:%Y-%m}"))
    return out


def _static(scenario: Scenario | None) -> Scenario | None:
    """The scenario without its time fields and without ``as_of`` (events are applied by day)."""
    if scenario is None:
        return None
    if scenario.as_of is not None:
        log.info("%s: as_of %s is ignored by simulate (events apply day by day)", scenario.name, scenario.as_of)
    static = dataclasses.replace(scenario, as_of=None, outages=(), start=None, end=None, step=None)
    if not any((static.disable, static.derate, static.avoid_countries, static.markets, static.supplies,
                static.add_links, static.drop_contracts)):
        return None  # nothing static to apply: the network as loaded (no copy, no new alias index)
    return static


def _static_ids(net: CorridorNetwork, scenario: Scenario | None) -> set[str]:
    """Elements the scenario disables or derates (kept in that state every day)."""
    if scenario is None:
        return set()
    out = set()
    for key in (*scenario.disable, *scenario.derate):
        try:
            out.add(net.resolve(str(key)))
        except KeyError:
            continue
    return out
