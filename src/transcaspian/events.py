"""Dated events that change the network (events.yaml), applied up to a date.

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
from typing import Any

from .errors import NetworkDataError

__all__ = ["apply_events", "apply_change", "parse_date"]

log = logging.getLogger(__name__)


def parse_date(value: str | dt.date) -> dt.date:
    """An ISO date from a string or date."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise NetworkDataError(f"date {value!r} is not YYYY-MM-DD") from None


def apply_change(net, change: Mapping[str, Any], *, origin: str):  # -> CorridorNetwork
    """Apply one change ({derate|disable|enable|restore|set_status: ...}) to a copy."""
    out = net.copy()
    for op, arg in change.items():
        for eid, value in _targets(op, arg):
            rid = net.resolve(eid)
            frame = out.nodes if rid in out.nodes.index else out.links
            if op == "derate":
                frame.loc[rid, "derate"] = float(value)
            elif op == "disable":
                frame.loc[rid, "disabled"] = True
            elif op in ("enable", "restore"):
                frame.loc[rid, "disabled"] = False
                frame.loc[rid, "derate"] = 1.0
                if op == "enable" and frame.loc[rid, "status"] not in ("operating", "disrupted"):
                    frame.loc[rid, "status"] = "operating"
            elif op == "set_status":
                frame.loc[rid, "status"] = str(value)
            else:
                raise NetworkDataError(f"{origin}: unknown change {op!r}; use derate, disable, enable, restore or set_status")
    return out


def _targets(op: str, arg: Any) -> list[tuple[str, Any]]:
    if isinstance(arg, Mapping):
        return list(arg.items())
    if isinstance(arg, list | tuple):
        return [(a, None) for a in arg]
    return [(arg, None)]


def apply_events(net, as_of: str | dt.date):  # -> CorridorNetwork
    """The network with every event dated on or before ``as_of`` applied, in date order."""
    when = parse_date(as_of)
    events = sorted(net.events, key=lambda e: parse_date(e["date"]))
    applied = list(net.applied)
    for ev in events:
        if parse_date(ev["date"]) > when:
            continue
        for change in ev.get("changes") or []:
            net = apply_change(net, change, origin=f"events.yaml: {ev.get('id')}")
        applied.append(str(ev.get("id")))
        log.info("applied event %s (%s)", ev.get("id"), ev.get("date"))
    return net.replace(as_of=when, applied=tuple(applied))
