"""The toolkit's vocabulary and tolerances, in one place.

Every allowed value of a categorical field (commodity, mode, status, objective,
confidence, node kind, ...) is defined here once, as a ``Literal`` alias for type
checkers and a ``frozenset`` (or ordered tuple) for run-time checks. Every numerical
tolerance the toolkit applies (saturation, round-off, solver feasibility) is defined
here too, with what it means, so two parts of the toolkit cannot disagree about when
a link is saturated.

Examples
--------
>>> from transcaspian import schema
>>> "tanker" in schema.MODES
True
>>> schema.is_saturated(9.9999999, 10.0)
True
>>> schema.is_saturated(9.99, 10.0)
False
"""

from __future__ import annotations

import math
from typing import Literal, get_args

__all__ = [
    "Commodity",
    "Mode",
    "Status",
    "Objective",
    "Confidence",
    "NodeKind",
    "COMMODITIES",
    "MODES",
    "MEDIA",
    "STATUSES",
    "OPERATING_STATUSES",
    "INACTIVE_STATUSES",
    "OBJECTIVES",
    "CONFIDENCES",
    "LOCATIONS",
    "NODE_KINDS",
    "SATURATION_RTOL",
    "FLOW_EPS",
    "ROUND_OFF",
    "SOLVER_FEAS_TOL",
    "DELIVERED_TOL",
    "DELIVERED_TOL_RETRY",
    "CONTRACT_TOL",
    "is_saturated",
    "EventChange",
    "EVENT_CHANGES",
]

# --------------------------------------------------------------------------- vocabulary

#: A commodity the network carries.
Commodity = Literal["crude", "gas", "containers", "rare_earths", "uranium"]
#: A transport mode of a link.
Mode = Literal["pipeline", "tanker", "ferry", "rail", "road"]
#: The status of a node or link.
Status = Literal["operating", "disrupted", "planned", "under_construction", "stalled", "idle", "proposed"]
#: What phase 2 of the solve minimises once the delivered volume is fixed.
Objective = Literal["cost", "time", "emissions"]
#: How a figure was obtained: reported by a source, derived from reported figures, or estimated.
Confidence = Literal["reported", "derived", "estimate"]
#: What a node is.
NodeKind = Literal[
    "oil_field",
    "gas_field",
    "gas_condensate_field",
    "processing_plant",
    "terminal",
    "port",
    "pump_station",
    "junction",
    "border_crossing",
    "rail_hub",
    "refinery",
    "gas_hub",
    "chokepoint",
    "mine",
    "market",
]
#: Whether a link runs over land, sea or both.
Medium = Literal["land", "sea", "mixed"]
#: Where a node lies relative to the coast.
Location = Literal["onshore", "coastal", "offshore"]

#: Commodities in their canonical order (tables and "all" follow it).
COMMODITIES: tuple[str, ...] = get_args(Commodity)
MODES: frozenset[str] = frozenset(get_args(Mode))
MEDIA: frozenset[str] = frozenset(get_args(Medium))
STATUSES: frozenset[str] = frozenset(get_args(Status))
#: Statuses under which an element carries flow (a disrupted element still works, derated).
OPERATING_STATUSES: frozenset[str] = frozenset({"operating", "disrupted"})
#: Statuses drawn as inactive on maps (not built, or not in service).
INACTIVE_STATUSES: frozenset[str] = STATUSES - OPERATING_STATUSES
#: Objectives in the order the CLI lists them (the first is the default).
OBJECTIVES: tuple[str, ...] = get_args(Objective)
CONFIDENCES: frozenset[str] = frozenset(get_args(Confidence))
LOCATIONS: frozenset[str] = frozenset(get_args(Location))
NODE_KINDS: frozenset[str] = frozenset(get_args(NodeKind))

# --------------------------------------------------------------------------- tolerances

#: A link (or node) is saturated when its flow is within this share of its capacity:
#: ``flow >= capacity * (1 - SATURATION_RTOL)``. Used by result tables and maps alike.
SATURATION_RTOL: float = 1e-6
#: Flows at or below this (canonical unit per year) are drawn and reported as zero.
FLOW_EPS: float = 1e-6
#: Relative round-off under which two volumes or costs count as equal (ties, noise).
ROUND_OFF: float = 1e-9
#: HiGHS primal/dual feasibility tolerance (tighter than its 1e-7 default, so the
#: delivered volume held in phase 2 is exact to reporting precision).
SOLVER_FEAS_TOL: float = 1e-9
#: Slack on the phase-1 optimum allowed in phase 2, relative to the largest total supply.
DELIVERED_TOL: float = 1e-11
#: Looser slack tried if phase 2 is numerically infeasible with the tight one.
DELIVERED_TOL_RETRY: float = 1e-7
#: Relative slack when a ``min_flow`` contract had to be relaxed.
CONTRACT_TOL: float = 1e-7


def is_saturated(flow: float, capacity: float) -> bool:
    """Whether ``flow`` fills ``capacity`` (within :data:`SATURATION_RTOL`).

    An infinite, missing (NaN) or non-positive capacity is never saturated.

    Examples
    --------
    >>> is_saturated(10.0, 10.0), is_saturated(5.0, 10.0), is_saturated(1.0, math.inf)
    (True, False, False)
    """
    if not math.isfinite(capacity) or capacity <= 0:
        return False
    return flow >= capacity * (1.0 - SATURATION_RTOL)


# --------------------------------------------------------------------------- events

#: A change a dated event of events.yaml may make to nodes and links.
EventChange = Literal["derate", "disable", "enable", "restore", "set_status"]
#: Event changes in the order messages list them.
EVENT_CHANGES: tuple[str, ...] = get_args(EventChange)
