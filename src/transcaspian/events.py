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
    """The network with every event dated on or before ``as_of`` applied, in date order.

    ``as_of`` is ``YYYY-MM-DD`` or ``YYYY-MM`` (the end of that month); an event's
    ``date`` is ``YYYY-MM-DD`` or ``YYYY-MM`` (the start of that month). An impossible
    date in either is an error naming it (:mod:`transcaspian.dates`).

    Raises
    ------
    NetworkDataError
        For an impossible ``as_of`` or event date, or a malformed change.

    Examples
    --------
    >>> import transcaspian as tc
    >>> apply_events(tc.load_network("tests/fixtures/mini"), "2025-12-31").applied
    ('terminal_strike',)
    """
    when = parse_date(as_of, month="end", field="as_of")
    dated = [(_event_date(ev), ev) for ev in net.events]
    changes: list[Change] = []
    applied = list(net.applied)
    for day, ev in sorted(dated, key=lambda pair: pair[0]):
        if day > when:
            continue
        for change in ev.get("changes") or []:
            changes += _parse_change(net, change, origin=f"events.yaml: {ev.get('id')}")
        applied.append(str(ev.get("id")))
        log.info("applied event %s (%s)", ev.get("id"), ev.get("date"))
    return apply_changes(net, changes).replace(as_of=when, applied=tuple(applied))


def _event_date(ev: Mapping[str, Any]) -> dt.date:
    """The day of an event (a bare month ``YYYY-MM`` is its first day)."""
    return parse_date(ev.get("date"), month="start", field=f"events.yaml: {ev.get('id')}: date")


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
