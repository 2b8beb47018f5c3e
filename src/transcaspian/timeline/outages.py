"""Day-by-day availability of nodes and links from dated events and outage windows.

Two sources of time-varying capacity, read day by day over the horizon:

* **Events** of events.yaml, applied in date order as :func:`transcaspian.load_network`
  applies them up to ``as_of`` (derate replaces, disable/enable/restore switch off and
  on, ``set_status`` to an inactive status switches off). An event may carry an ``end``
  (its repair or return date, the first day back): on that day its targets are
  restored. ``moorings_out: {node: n}`` takes moorings of a terminal out of service.
* **Outage windows** of a scenario's ``outages:`` list, each ``{element, off | derate |
  moorings_out, from, to?}``; ``to`` is the first day back (absent: to the end of the
  horizon). A window only restricts: the day's factor is the smaller of the event state
  and the window's. ``{event: id, to: date}`` gives an event (that has none) its end.

Elements a scenario disables or derates statically keep that state every day (as a
scenario's derate replaces an event's in :meth:`Scenario.apply`).

Examples
--------
>>> import datetime as dt
>>> w = Window("terminal", "derate", 0.5, dt.date(2025, 12, 1), dt.date(2025, 12, 3))
>>> days = Availability.empty(dt.date(2025, 11, 30), 5)
>>> days.add_window(w)
>>> days.factor["terminal"].tolist()
[1.0, 0.5, 0.5, 1.0, 1.0]
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .._scenario_fields import OUTAGE_KEYS, OUTAGE_KINDS, check_outage
from ..errors import ScenarioError
from ..events import _event_date, _event_end, parse_date
from ..schema import OPERATING_STATUSES

if TYPE_CHECKING:
    from ..network import CorridorNetwork
    from .timedata import Production

__all__ = ["Window", "Availability", "windows_from_outages", "apply_restart_ramps", "OUTAGE_KEYS", "check_outage"]

log = logging.getLogger(__name__)

#: The kinds of restriction a window imposes.
_KINDS = OUTAGE_KINDS


@dataclasses.dataclass(frozen=True)
class Window:
    """An element restricted from ``start`` until the day before ``end`` (``None``: open-ended)."""

    element: str
    kind: str  # "off", "derate" or "moorings_out"
    value: float
    start: dt.date
    end: dt.date | None = None
    label: str = ""


def windows_from_outages(
    net: CorridorNetwork, outages: Sequence[Mapping[str, Any]], *, where: str,
    moorings: Collection[str] | None = None,
) -> tuple[list[Window], dict[str, dt.date]]:
    """Resolved windows of a scenario's ``outages:``, and the end dates they give events.

    ``moorings``: the nodes with moorings in time.yaml; when given, a ``moorings_out``
    window on any other element is an error (it would restrict nothing).

    Raises
    ------
    ScenarioError
        An unknown element or event id, an event's ``to`` not after its date, or
        ``moorings_out`` on an element without moorings, with the fix.
    """
    windows: list[Window] = []
    ends: dict[str, dt.date] = {}
    events = {str(e.get("id")): e for e in net.events}
    problems = []
    for i, e in enumerate(outages):
        if e.get("event") is not None:
            eid = str(e["event"])
            if eid not in events:
                problems.append(f"outages[{i}].event: no event {eid!r} in events.yaml (fix: use one of {', '.join(sorted(events))})")
                continue
            ends[eid] = parse_date(e["to"])
            day = _event_date(events[eid])
            if ends[eid] <= day:  # restored before it happened: the end would be dropped and the event last for ever
                problems.append(f"outages[{i}].to: {ends[eid]} is not after the date of event {eid!r} ({day}) "
                                "(fix: `to` is the first day back, after the event's date)")
            continue
        try:
            eid = net.resolve(str(e["element"]))
        except KeyError as exc:
            problems.append(f"outages[{i}].element: {exc} (fix: use an id or alias from `transcaspian validate --list`)")
            continue
        kind = next(k for k in _KINDS if e.get(k) is not None)
        if kind == "moorings_out" and moorings is not None and eid not in moorings:
            have = ", ".join(sorted(moorings)) or "none"
            problems.append(f"outages[{i}].moorings_out: {eid} has no moorings in time.yaml, so taking them out "
                            f"restricts nothing (fix: use off or derate, or add {eid} to the moorings of time.yaml; "
                            f"nodes with moorings: {have})")
            continue
        value = 0.0 if kind == "off" else float(e[kind])
        end = parse_date(e["to"]) if e.get("to") is not None else None
        windows.append(Window(eid, kind, value, parse_date(e["from"]), end, str(e.get("note") or "")))
    if problems:
        raise ScenarioError(f"{where}: " + "; ".join(problems))
    return windows, ends


@dataclasses.dataclass
class Availability:
    """Per element, a daily capacity factor (0-1) and moorings out of service, from ``origin`` on."""

    origin: dt.date
    n_days: int
    factor: dict[str, np.ndarray] = dataclasses.field(default_factory=dict)
    moorings_out: dict[str, np.ndarray] = dataclasses.field(default_factory=dict)
    #: Per element, the days (indices) on which a weather halt (an event of ``kind: weather``) begins.
    weather_starts: dict[str, list[int]] = dataclasses.field(default_factory=dict)
    #: Per element, the days an outage window switches it off (no tanker completes a cargo then).
    window_off: dict[str, np.ndarray] = dataclasses.field(default_factory=dict)

    @classmethod
    def empty(cls, origin: dt.date, n_days: int) -> Availability:
        return cls(origin, n_days)

    def _day(self, d: dt.date | None) -> int:
        if d is None:
            return self.n_days
        return min(max((d - self.origin).days, 0), self.n_days)

    def factor_of(self, element: str) -> np.ndarray:
        """The daily factor of ``element`` (ones when nothing touches it)."""
        f = self.factor.get(element)
        return f if f is not None else np.ones(self.n_days)

    def add_window(self, w: Window) -> None:
        """Apply an outage window (it only restricts)."""
        a, b = self._day(w.start), self._day(w.end)
        if a >= b:
            return
        if w.kind == "moorings_out":
            arr = self.moorings_out.setdefault(w.element, np.zeros(self.n_days))
            arr[a:b] += w.value
        else:
            arr = self.factor.setdefault(w.element, np.ones(self.n_days))
            arr[a:b] = np.minimum(arr[a:b], w.value)
            if w.value <= 0.0:  # a new array: copies of this availability may share the old one
                off = self.window_off.get(w.element, np.zeros(self.n_days, dtype=bool)).copy()
                off[a:b] = True
                self.window_off[w.element] = off

    def add_events(
        self,
        net: CorridorNetwork,
        *,
        ends: Mapping[str, dt.date] | None = None,
        skip: Iterable[str] = (),
    ) -> list[str]:
        """Walk the events of ``net`` in date order; set each touched element's daily factor.

        ``ends`` gives events an end date (overriding their own ``end``); elements in
        ``skip`` (statically set by the scenario) are left alone. Returns the elements
        whose state the events set on some day of the horizon.
        """
        ends = dict(ends or {})
        skip = set(skip)
        points: list[tuple[dt.date, int, str, str, Any]] = []  # date, order, element, op, value
        # the event's day and end as load_network(as_of=...) reads them (a bare month YYYY-MM is its first day)
        for order, ev in enumerate(sorted(net.events, key=_event_date)):
            start = _event_date(ev)
            end = ends.get(str(ev.get("id")))
            if end is None:
                end = _event_end(ev)
            weather = ev.get("kind") == "weather"
            for change in ev.get("changes") or []:
                for op, arg in change.items():
                    for eid, value in _targets(net, arg):
                        points.append((start, 2 * order, eid, op, value))
                        if weather and op == "disable" and 0 <= (start - self.origin).days < self.n_days:
                            self.weather_starts.setdefault(eid, []).append((start - self.origin).days)
                        if end is not None:
                            back = "moorings_back" if op == "moorings_out" else "restore"
                            points.append((end, 2 * order + 1, eid, back, value))
        points.sort(key=lambda p: (p[0], p[1]))
        touched: list[str] = []
        state: dict[str, list[Any]] = {}
        for day, _, eid, op, value in points:
            if eid in skip:
                continue
            if eid not in state:
                frame = net.nodes if eid in net.nodes.index else net.links
                state[eid] = [bool(frame.at[eid, "disabled"]), float(frame.at[eid, "derate"]), 0.0]
            st = state[eid]
            _step(st, op, value)
            i = self._day(day)
            if i < self.n_days:  # an event before the horizon sets the state the horizon starts in
                self.factor.setdefault(eid, np.ones(self.n_days))[i:] = 0.0 if st[0] else st[1]
                if op.startswith("moorings"):
                    self.moorings_out.setdefault(eid, np.zeros(self.n_days))[i:] = st[2]
                touched.append(eid)
        return sorted(set(touched))

    def restart_ramp(self, origin: str, prod: Production) -> None:
        """Limit an origin's recovery after a cut: ``restart_lag_days`` at zero, then its restart curve.

        The curve is :meth:`Production.restart_cap` (``restart_curve`` points, then
        ``ramp_up_per_day``), counted from the first day back after the lag; a later cut
        starts it again.
        """
        f = self.factor.get(origin)
        if f is None:
            return
        lag = int(math.ceil(prod.restart_lag_days))
        limited = prod.restart_curve or math.isfinite(prod.ramp_up_per_day)
        out = f.copy()
        hold, since = 0, -1  # days held at zero; days since the restart (-1: not restarting)
        for i in range(1, len(out)):
            if out[i - 1] <= 0.0 and f[i] > 0.0 and hold == 0 and since < 0:
                hold, since = lag, 0
            if hold:
                out[i] = 0.0
                hold -= 1
                continue
            if since >= 0 and limited:
                cap = prod.restart_cap(since)
                out[i] = min(f[i], cap)
                since = -1 if cap >= 1.0 or f[i] <= 0.0 else since + 1
            elif math.isfinite(prod.ramp_up_per_day):  # a rise from a partial cut
                out[i] = min(f[i], out[i - 1] + prod.ramp_up_per_day)
        self.factor[origin] = out


def apply_restart_ramps(
    avail: Availability,
    net: CorridorNetwork,
    production: Mapping[str, Production],
    *,
    ends: Mapping[str, dt.date] | None = None,
    skip: Iterable[str] = (),
    windows: Sequence[Window] = (),
    events: bool = True,
) -> None:
    """Each origin's restart ramp (:meth:`Availability.restart_ramp`), counted from its cut even before the horizon.

    A field cut before ``avail.origin`` and restarting then is still on its restart curve
    when the horizon opens: the days since the earliest event (or window) are walked too,
    so that a horizon starting mid-restart gives the output a longer one gives on those days.
    """
    skip = set(skip)
    dated = [_event_date(ev) for ev in net.events] if events else []
    first = min([*dated, *(w.start for w in windows if w.element in production)], default=avail.origin)
    lead = max(0, (avail.origin - first).days)
    hist = None
    if lead:
        hist = Availability.empty(avail.origin - dt.timedelta(days=lead), lead + avail.n_days)
        if events:
            hist.add_events(net, ends=ends, skip=skip)
        for w in windows:
            hist.add_window(w)
    for origin, prod in production.items():
        if hist is not None and origin not in skip and origin in hist.factor:
            hist.restart_ramp(origin, prod)
            avail.factor[origin] = np.minimum(avail.factor_of(origin), hist.factor[origin][lead:])
        else:
            avail.restart_ramp(origin, prod)


def _step(st: list[Any], op: str, value: Any) -> None:
    """One event change on an element's state ``[disabled, derate, moorings out]``."""
    if op == "derate":
        st[1] = float(value)
    elif op == "disable":
        st[0] = True
    elif op in ("enable", "restore"):
        st[0], st[1] = False, 1.0
    elif op == "set_status":
        st[0] = str(value) not in OPERATING_STATUSES
    elif op == "moorings_out":
        st[2] += float(value)
    elif op == "moorings_back":
        st[2] = max(0.0, st[2] - float(value))


def _targets(net: CorridorNetwork, arg: Any) -> list[tuple[str, Any]]:
    """Resolved ``(id, value)`` targets of one change of an event."""
    if isinstance(arg, Mapping):
        return [(net.resolve(str(k)), v) for k, v in arg.items()]
    items = arg if isinstance(arg, list | tuple) else [arg]
    return [(net.resolve(str(k)), None) for k in items]
