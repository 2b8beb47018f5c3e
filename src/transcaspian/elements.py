"""Which nodes and links can carry what, and how much.

Shared by the flow solver and the route finder so both agree on what is usable:
an element is usable when it is not disabled and its status is ``operating`` or
``disrupted`` (planned, proposed, idle, stalled and under-construction elements are
switched on only by a scenario's ``add_links`` or an ``enable`` event). A link is
usable for a commodity when it lists the commodity and both its end nodes are usable.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .errors import UnitError
from .schema import OPERATING_STATUSES
from .units import CANONICAL_UNITS, capacity_factor

if TYPE_CHECKING:  # the network sits in the data layer, above this module
    from .network import CorridorNetwork

log = logging.getLogger(__name__)

#: Statuses under which an element carries flow (see :mod:`transcaspian.schema`).
OPERATING = OPERATING_STATUSES


def is_missing(value: Any) -> bool:
    """True for None and NaN (an uncapacitated element)."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def usable_nodes(nodes: pd.DataFrame) -> pd.Series:
    """Boolean Series: node not disabled and operating."""
    return pd.Series(_usable(nodes), index=nodes.index)


def _usable(frame: pd.DataFrame) -> np.ndarray:
    """Per row: not disabled and operating (``tolist`` and a set: Arrow-backed ``isin`` is slow)."""
    operating = set(OPERATING)
    status = np.fromiter((v in operating for v in frame["status"].tolist()), dtype=bool, count=len(frame))
    return status & ~frame["disabled"].to_numpy(dtype=bool)


def usable_links(net: CorridorNetwork, commodity: str) -> pd.Series:
    """Boolean Series over ``net.links``: usable for ``commodity``."""
    links = net.links
    ok = set(net.nodes.index[_usable(net.nodes)].tolist())

    def member(values: list[Any], allowed: set[Any]) -> np.ndarray:  # set lookups: pandas' Arrow isin is slow
        return np.fromiter((v in allowed for v in values), dtype=bool, count=len(values))

    ok_mask = (
        np.fromiter((commodity in (cs or []) for cs in links["commodities"].tolist()), dtype=bool, count=len(links))
        & _usable(links)
        & member(links["from_node"].tolist(), ok)
        & member(links["to_node"].tolist(), ok)
    )
    return pd.Series(ok_mask, index=links.index)


def effective_capacity(row: Any) -> float:
    """Capacity x derate of a node or link row, in the row's own unit.

    The one definition the solver, the route finder and
    :meth:`CorridorNetwork.effective_capacity` share: ``0.0`` when the element is
    disabled, ``inf`` when it has no capacity (uncapacitated), else capacity x derate.

    Examples
    --------
    >>> effective_capacity({"disabled": False, "capacity": 10.0, "derate": 0.5})
    5.0
    >>> effective_capacity({"disabled": False, "capacity": None, "derate": 1.0})
    inf
    >>> effective_capacity({"disabled": True, "capacity": None, "derate": 1.0})
    0.0
    """
    if bool(row["disabled"]):
        return 0.0
    cap = row["capacity"]
    if is_missing(cap):
        return math.inf
    return float(cap) * float(row["derate"])


def effective_capacities(frame: pd.DataFrame) -> np.ndarray:
    """Vector version of :func:`effective_capacity` over a frame (``inf`` = uncapacitated)."""
    cap = frame["capacity"].to_numpy(dtype=float) * frame["derate"].to_numpy(dtype=float)
    cap = np.where(np.isnan(cap), np.inf, cap)
    return np.where(frame["disabled"].to_numpy(dtype=bool), 0.0, cap)


def node_capacity_commodities(row: Any, commodities: Iterable[str]) -> list[str]:
    """Commodities (among ``commodities``) that count against a node's capacity.

    The node's ``capacity_commodities`` if given, else every commodity whose canonical
    unit converts to the node's capacity unit.
    """
    listed = list(row.get("capacity_commodities") or [])
    unit = row.get("unit")
    out = []
    for c in commodities:
        if listed and c not in listed:
            continue
        if not unit:
            continue
        try:
            capacity_factor(c, str(unit))
        except UnitError:
            if listed:
                raise
            continue
        out.append(c)
    return out


def factor(commodity: str, unit: Any) -> float:
    """Capacity units used per canonical unit of ``commodity`` (1 when no unit)."""
    if not unit or is_missing(unit):
        return 1.0
    return capacity_factor(commodity, str(unit))


def link_cost(row: Any, commodity: str) -> float:
    """Unit cost of moving ``commodity`` over a link (cost unit, e.g. USD/t); NaN if absent."""
    return _cost_value(row.get("cost"), commodity)


def link_costs(costs: Iterable[Any], commodity: str) -> np.ndarray:
    """:func:`link_cost` over a sequence of ``cost`` cells (e.g. ``links["cost"].tolist()``).

    Examples
    --------
    >>> link_costs([{"crude": 2}, 3.5, None, True], "crude").tolist()
    [2.0, 3.5, nan, nan]
    """
    return np.array([_cost_value(v, commodity) for v in costs], dtype=float)


def _cost_value(cost: Any, commodity: str) -> float:
    """The unit cost of ``commodity`` in one ``cost`` cell (a dict per commodity or one number); NaN if absent."""
    if isinstance(cost, dict):
        v = cost.get(commodity)
    elif isinstance(cost, int | float) and not isinstance(cost, bool):
        v = cost
    else:
        v = None
    try:
        return float(v) if v is not None else math.nan
    except (TypeError, ValueError):
        return math.nan


def canonical(commodity: str) -> str:
    """Canonical unit of a commodity."""
    return CANONICAL_UNITS[commodity]


def contract_links(entry: Mapping[str, Any]) -> list[str]:
    """The links a baseline.yaml contract bounds: ``links`` (a group) or ``link``.

    Examples
    --------
    >>> contract_links({"link": "a"}), contract_links({"links": ["a", "b"]})
    (['a'], ['a', 'b'])
    """
    many = entry.get("links")
    if many is not None:
        return [str(x) for x in ([many] if isinstance(many, str) else many)]
    return [str(entry["link"])] if entry.get("link") is not None else []


def contract_origins(entry: Mapping[str, Any]) -> list[str]:
    """The origins whose volume a contract counts: ``origins`` or ``origin`` (empty: every origin)."""
    many = entry.get("origins")
    if many is not None:
        return [str(x) for x in ([many] if isinstance(many, str) else many)]
    return [str(entry["origin"])] if entry.get("origin") else []


def contract_label(entry: Mapping[str, Any]) -> str:
    """``link:commodity`` or ``link:commodity@origin`` of a baseline.yaml contract entry.

    A group contract joins its links and origins with ``+``; a named contract is
    labelled ``name:commodity``.

    Examples
    --------
    >>> contract_label({"link": "atyrau_samara", "commodity": "crude", "origin": "uzen"})
    'atyrau_samara:crude@uzen'
    >>> contract_label({"links": ["a", "b"], "origins": ["x", "y"], "commodity": "crude"})
    'a+b:crude@x+y'
    >>> contract_label({"name": "transneft_quota", "links": ["a", "b"], "origins": ["x"], "commodity": "crude"})
    'transneft_quota:crude'
    """
    if entry.get("name"):
        return f"{entry['name']}:{entry.get('commodity')}"
    origins = contract_origins(entry)
    tail = f"@{'+'.join(origins)}" if origins else ""
    head = "+".join(contract_links(entry)) or str(entry.get("link"))
    return f"{head}:{entry.get('commodity')}{tail}"


def crosses_countries(links: pd.DataFrame, countries: Iterable[str]) -> np.ndarray:
    """Per link, whether it crosses one of ``countries`` between its ends (its ``transit_countries``).

    The end nodes' own countries are not looked at here; callers check those.

    Examples
    --------
    >>> import pandas as pd
    >>> links = pd.DataFrame({"transit_countries": [["BLR", "POL"], [], None]}, index=["druzhba", "a", "b"])
    >>> crosses_countries(links, ["BLR"]).tolist()
    [True, False, False]
    """
    avoid = set(countries)
    if not avoid or "transit_countries" not in links.columns:
        return np.zeros(len(links), dtype=bool)
    return np.array([bool(avoid & set(v or ())) if isinstance(v, list | tuple) else False
                     for v in links["transit_countries"]], dtype=bool)
