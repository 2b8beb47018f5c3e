"""Dated events that change the network (events.yaml), applied up to a date.

Each event lists changes ``{derate|disable|enable|restore|set_status: targets}``;
they are turned into typed :class:`~transcaspian.changes.Change` objects and applied
by the engine that scenarios use too (:mod:`transcaspian.changes`).

Examples
--------
>>> import transcaspian as tc
>>> before = tc.load_network(as_of="2025-11-01")
>>> after = tc.load_network(as_of="2025-12-01")
>>> after.effective_capacity("novorossiysk_cpc_terminal") < before.effective_capacity("novorossiysk_cpc_terminal")
True
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

from . import dates
from .changes import Change, Op, apply_changes, derate_factor
from .errors import NetworkDataError
from .schema import EVENT_CHANGES
from .terminals import mooring_factor, read_moorings

if TYPE_CHECKING:
    from .network import CorridorNetwork

__all__ = ["apply_events", "apply_change", "parse_date"]

log = logging.getLogger(__name__)


def parse_date(value: object, *, month: dates.MonthDay = "end", field: str = "date") -> dt.date:
    """A strict calendar date from a string or date (see :func:`transcaspian.dates.parse_date`).

    ``YYYY-MM-DD`` or, unless ``month`` is None, ``YYYY-MM`` (its last day with
    ``month="end"``, its first with ``"start"``).

    Raises
    ------
    NetworkDataError
        If ``value`` is not a real date (``2025-13``, ``2025-02-30``, ``25-12-01``).

    Examples
    --------
    >>> parse_date("2025-11-29"), parse_date(dt.datetime(2025, 11, 29, 12)), parse_date("2025-12")
    (datetime.date(2025, 11, 29), datetime.date(2025, 11, 29), datetime.date(2025, 12, 31))
    """
    return dates.parse_date(value, month=month, field=field)


def apply_change(net: CorridorNetwork, change: Mapping[str, Any], *, origin: str) -> CorridorNetwork:
    """Apply one change ``{derate|disable|enable|restore|set_status: ...}`` to a copy.

    Parameters
    ----------
    net : CorridorNetwork
    change : mapping
        Operation to its targets: an id or alias, a list of them, or a mapping of
        them to a value (the factor of ``derate``, the status of ``set_status``).
    origin : str
        Where the change comes from, for messages.

    Raises
    ------
    NetworkDataError
        For an unknown operation, or a derate factor that is not a number in [0, 1]
        (the message names ``origin``, the element and the value).
    UnknownElementError
        For an unknown id or alias.

    Examples
    --------
    >>> import transcaspian as tc
    >>> net = tc.load_network("tests/fixtures/mini")
    >>> apply_change(net, {"derate": {"terminal": 0.5}}, origin="example").effective_capacity("terminal")
    15.0
    """
    return apply_changes(net, _parse_change(net, change, origin=origin))


def apply_events(net: CorridorNetwork, as_of: str | dt.date) -> CorridorNetwork:
    """The network on ``as_of``: every event dated on or before it applied, in date order.

    ``as_of`` is ``YYYY-MM-DD`` or ``YYYY-MM`` (the end of that month); an event's
    ``date`` is ``YYYY-MM-DD`` or ``YYYY-MM`` (the start of that month). An impossible
    date in either is an error naming it (:mod:`transcaspian.dates`).

    An event with an ``end`` (its repair or return date, the first day back) that is on
    or before ``as_of`` is over: its targets are restored on that day, as the time model
    (:func:`transcaspian.simulate`) restores them. ``moorings_out: {terminal: n}`` takes
    ``n`` loading points of a terminal out of service; on ``as_of`` the terminal is
    derated to *moorings in service x rate* over its capacity, from the ``moorings`` of
    time.yaml (:mod:`transcaspian.terminals`).

    Raises
    ------
    NetworkDataError
        For an impossible ``as_of`` or event date, or a malformed change.

    Examples
    --------
    >>> import transcaspian as tc
    >>> apply_events(tc.load_network("tests/fixtures/mini"), "2025-12-31").applied
    ('terminal_strike',)
    >>> net = tc.load_network()
    >>> [round(apply_events(net, d).effective_capacity("novorossiysk_cpc_terminal"), 1)
    ...  for d in ("2025-11-20", "2025-12-15", "2026-02-01")]
    [81.5, 46.2, 81.5]
    """
    when = parse_date(as_of, month="end", field="as_of")
    steps: list[tuple[dt.date, int, list[Change], dict[str, float]]] = []  # day, order, changes, moorings delta
    applied = list(net.applied)
    for order, ev in enumerate(sorted(net.events, key=_event_date)):
        day = _event_date(ev)
        if day > when:
            continue
        origin = f"events.yaml: {ev.get('id')}"
        changes: list[Change] = []
        moorings: dict[str, float] = {}
        for change in ev.get("changes") or []:
            for op, arg in change.items():
                if op == "moorings_out":
                    for rid, n in _mooring_targets(net, arg, origin=origin):
                        moorings[rid] = moorings.get(rid, 0.0) + n
                else:
                    changes += _parse_change(net, {op: arg}, origin=origin)
        steps.append((day, 2 * order, changes, moorings))
        end = _event_end(ev)
        if end is not None and end <= when:
            back = [Change("restore", c.ids) for c in changes]
            steps.append((end, 2 * order + 1, back, {k: -v for k, v in moorings.items()}))
        applied.append(str(ev.get("id")))
        log.info("applied event %s (%s%s)", ev.get("id"), ev.get("date"), f" to {end}" if end and end <= when else "")
    steps.sort(key=lambda s: (s[0], s[1]))
    out = apply_changes(net, [c for s in steps for c in s[2]])
    moorings_out: dict[str, float] = {}
    for s in steps:
        for rid, n in s[3].items():
            moorings_out[rid] = max(0.0, moorings_out.get(rid, 0.0) + n)
    if any(moorings_out.values()):
        table = read_moorings(net)
        extra = []
        for rid, n in moorings_out.items():
            factor = mooring_factor(out, rid, n, table) if n else 1.0
            if factor < 1.0 and not bool(out.nodes.at[rid, "disabled"]):
                extra.append(Change("derate", (rid,), min(float(out.nodes.at[rid, "derate"]), factor)))
        out = apply_changes(out, extra)
    return out.replace(as_of=when, applied=tuple(applied))


def _event_date(ev: Mapping[str, Any]) -> dt.date:
    """The day of an event (a bare month ``YYYY-MM`` is its first day)."""
    return parse_date(ev.get("date"), month="start", field=f"events.yaml: {ev.get('id')}: date")


def _event_end(ev: Mapping[str, Any]) -> dt.date | None:
    """The first day back of an event with an ``end`` (a bare month is its first day), else None."""
    if ev.get("end") is None:
        return None
    return parse_date(ev.get("end"), month="start", field=f"events.yaml: {ev.get('id')}: end")


def _mooring_targets(net: CorridorNetwork, arg: Any, *, origin: str) -> list[tuple[str, float]]:
    """The ``(terminal id, moorings out)`` pairs of a ``moorings_out`` change."""
    if not isinstance(arg, Mapping):
        raise NetworkDataError(f"{origin}: moorings_out: {arg!r} gives no count (fix: write moorings_out: {{<terminal>: <n>}})")
    out = []
    for key, n in arg.items():
        if isinstance(n, bool) or not isinstance(n, int | float) or not 0 <= n < 1e3 or n != int(n):
            raise NetworkDataError(f"{origin}: moorings_out: {key}: {n!r} is not a whole number of moorings "
                                   "(fix: the count taken out of service, e.g. 1)")
        out.append((net.resolve(str(key), kind="node"), float(n)))
    return out


def _parse_change(net: CorridorNetwork, change: Mapping[str, Any], *, origin: str) -> list[Change]:
    """The typed changes of one events.yaml change, its targets resolved on ``net``."""
    out: list[Change] = []
    for op, arg in change.items():
        if isinstance(arg, Mapping):  # {target: value}
            targets = [(net.resolve(key), value) for key, value in arg.items()]
        else:
            targets = [(net.resolve(key), None) for key in (arg if isinstance(arg, list | tuple) else [arg])]
        if targets and op not in EVENT_CHANGES:
            raise NetworkDataError(f"{origin}: unknown change {op!r}; use {', '.join(EVENT_CHANGES[:-1])} or {EVENT_CHANGES[-1]}")
        if op == "derate":
            targets = [(rid, derate_factor(value, ids=[rid], origin=origin)) for rid, value in targets]
        out += [Change(cast(Op, op), (rid,), value) for rid, value in targets]
    return out
