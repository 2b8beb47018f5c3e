"""One engine for changes of nodes and links, shared by events and scenarios.

A :class:`Change` is one typed operation (disable, enable, restore, derate,
set_status, switch_on) on one or more elements, named by their resolved ids. The
dated events of events.yaml (:mod:`transcaspian.events`) and
:meth:`transcaspian.Scenario.apply` both turn their own syntax into changes and apply
them here, so the two cannot disagree about what "disable" or "derate" does to a
network. The engine copies the frames and never touches its input.

Examples
--------
>>> import transcaspian as tc
>>> from transcaspian.changes import Change, apply_changes
>>> net = tc.load_network("tests/fixtures/mini")
>>> half = apply_changes(net, [Change("derate", ("terminal",), 0.5)])
>>> half.effective_capacity("terminal"), net.effective_capacity("terminal")
(15.0, 30.0)
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Literal, get_args

from .errors import NetworkDataError, UnknownElementError
from .schema import OPERATING_STATUSES, EventChange

if TYPE_CHECKING:
    import pandas as pd

    from .network import CorridorNetwork

__all__ = ["Op", "OPS", "Change", "apply_changes", "apply_to_frames", "derate_factor"]

#: What a change does to its elements: the changes of events.yaml, plus ``switch_on``
#: (a planned element put into service by a scenario's ``add_links``).
Op = Literal[EventChange, "switch_on"]
#: Every operation, in the order of :data:`Op`.
OPS: tuple[str, ...] = get_args(Op)
#: The fix of a derate factor outside [0, 1].
DERATE_FIX = "give the remaining share of capacity, a number from 0 to 1 (e.g. 0.6 for 60%); use disable to shut it"


def derate_factor(value: Any, *, ids: Iterable[str], origin: str | None = None) -> float:
    """``value`` as a derate factor: a finite number in [0, 1], else an error.

    A factor above 1 would raise the capacity (2.0 doubles it), a negative one or NaN
    would make the flow problem meaningless, so both are refused rather than used.

    Parameters
    ----------
    value : object
        The factor (a number, or text holding one such as ``"0.5"``).
    ids : iterable of str
        The elements derated, for the message.
    origin : str, optional
        Where the change comes from (a file and event, a scenario), for the message.

    Raises
    ------
    NetworkDataError
        Naming the origin, the elements, the value and the fix.

    Examples
    --------
    >>> derate_factor("0.5", ids=["terminal"])
    0.5
    >>> derate_factor(2.0, ids=["terminal"], origin="events.yaml: strike")
    Traceback (most recent call last):
    ...
    transcaspian.errors.NetworkDataError: events.yaml: strike: derate of terminal: factor 2.0 is not within 0-1 (fix: give the remaining share of capacity, a number from 0 to 1 (e.g. 0.6 for 60%); use disable to shut it)
    """
    where = f"{origin}: " if origin else ""
    what = f"{where}derate of {', '.join(ids) or '(no element)'}"
    try:
        factor = float(value) if not isinstance(value, bool) else math.nan
    except (TypeError, ValueError):
        raise NetworkDataError(f"{what}: factor {value!r} is not a number (fix: {DERATE_FIX})") from None
    if not math.isfinite(factor):
        raise NetworkDataError(f"{what}: factor {value!r} is not a finite number (fix: {DERATE_FIX})")
    if not 0.0 <= factor <= 1.0:
        raise NetworkDataError(f"{what}: factor {value!r} is not within 0-1 (fix: {DERATE_FIX})")
    return factor


@dataclasses.dataclass(frozen=True)
class Change:
    """One typed operation on one or more nodes or links.

    Parameters
    ----------
    op : {"derate", "disable", "enable", "restore", "set_status", "switch_on"}
        ``derate``: capacity factor ``value`` (replaces any earlier derate);
        ``disable``: switched off; ``restore``: switched on at full capacity (status
        kept); ``enable``: restored, and ``operating`` unless already operating or
        disrupted; ``set_status``: status ``value``; ``switch_on``: switched on with
        status ``operating`` (derate kept).
    ids : tuple of str
        Resolved node or link ids (see :meth:`CorridorNetwork.resolve`); a single
        id may be given as a string.
    value : float or str, optional
        The factor of ``derate`` (a finite number in [0, 1], converted with
        ``float``; see :func:`derate_factor`), the status of ``set_status``
        (converted with ``str``); ignored otherwise.
    kind : {"any", "node", "link"}, default "any"
        Where the ids are looked up, as in :meth:`CorridorNetwork.resolve`: with
        ``"any"`` an id that names both a node and a link is the node.

    Examples
    --------
    >>> Change("derate", ("terminal",), "0.5").value
    0.5
    """

    op: Op
    ids: tuple[str, ...]
    value: float | str | None = None
    kind: Literal["any", "node", "link"] = "any"

    def __post_init__(self) -> None:
        if self.op not in OPS:
            raise NetworkDataError(f"unknown change {self.op!r}; use one of {', '.join(OPS)}")
        if self.kind not in ("any", "node", "link"):
            raise NetworkDataError(f"change kind must be 'any', 'node' or 'link', not {self.kind!r}")
        object.__setattr__(self, "ids", (self.ids,) if isinstance(self.ids, str) else tuple(self.ids))
        if self.op == "derate":
            object.__setattr__(self, "value", derate_factor(self.value, ids=self.ids))
        elif self.op == "set_status":
            object.__setattr__(self, "value", str(self.value))


#: Stands for the change's own value in :data:`_SETS`.
_VALUE = object()
#: The columns each operation sets, and to what.
_SETS: dict[str, dict[str, Any]] = {
    "derate": {"derate": _VALUE},
    "disable": {"disabled": True},
    "enable": {"disabled": False, "derate": 1.0},  # and the status of inactive elements
    "restore": {"disabled": False, "derate": 1.0},
    "set_status": {"status": _VALUE},
    "switch_on": {"disabled": False, "status": "operating"},
}


def apply_changes(net: CorridorNetwork, changes: Iterable[Change]) -> CorridorNetwork:
    """A new network with ``changes`` applied in order (``net`` is left untouched).

    Raises
    ------
    UnknownElementError
        If a change names an id that is neither a node nor a link of ``net``.

    Examples
    --------
    >>> import transcaspian as tc
    >>> net = tc.load_network("tests/fixtures/mini")
    >>> off = apply_changes(net, [Change("disable", ("terminal", "hub_terminal"))])
    >>> off.effective_capacity("hub_terminal"), bool(net.links.at["hub_terminal", "disabled"])
    (0.0, False)
    """
    nodes, links = apply_to_frames(net.nodes, net.links, changes)
    return net.replace(nodes=nodes, links=links, same_names=True)  # status columns only: names kept


def apply_to_frames(nodes: pd.DataFrame, links: pd.DataFrame, changes: Iterable[Change]) -> tuple[Any, Any]:
    """Copies of the ``nodes`` and ``links`` frames with ``changes`` applied in order.

    Examples
    --------
    >>> import transcaspian as tc
    >>> net = tc.load_network("tests/fixtures/mini")
    >>> nodes, links = apply_to_frames(net.nodes, net.links, [Change("set_status", ("hub_gate",), "idle")])
    >>> links.at["hub_gate", "status"], net.links.at["hub_gate", "status"]
    ('idle', 'operating')
    """
    nodes, links = nodes.copy(deep=True), links.copy(deep=True)
    for change in changes:
        for frame, ids in _split(nodes, links, change):
            if not ids:
                continue
            for column, value in _SETS[change.op].items():
                frame.loc[ids, column] = change.value if value is _VALUE else value
            if change.op == "enable":  # back in service unless already operating or disrupted
                inactive = [eid for eid in ids if frame.at[eid, "status"] not in OPERATING_STATUSES]
                if inactive:
                    frame.loc[inactive, "status"] = "operating"
    return nodes, links


def _split(nodes: pd.DataFrame, links: pd.DataFrame, change: Change) -> tuple[tuple[Any, list[str]], ...]:
    """The ids of ``change`` that are nodes and those that are links."""
    on_nodes: list[str] = []
    on_links: list[str] = []
    for eid in change.ids:
        if change.kind != "link" and eid in nodes.index:
            on_nodes.append(eid)
        elif change.kind != "node" and eid in links.index:
            on_links.append(eid)
        else:
            what = {"any": "node or link", "node": "node", "link": "link"}[change.kind]
            raise UnknownElementError(f"no {what} with id {eid!r} to {change.op}")
    return (nodes, on_nodes), (links, on_links)
