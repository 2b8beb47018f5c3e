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

import dataclasses
import math
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Literal, get_args

__all__ = [
    "Commodity",
    "Mode",
    "Status",
    "Objective",
    "Allocation",
    "ALLOCATIONS",
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
    "VOLUME_MIN",
    "VOLUME_MAX",
    "COST_MAX",
    "check_magnitude",
    "SATURATION_RTOL",
    "FLOW_EPS",
    "ROUND_OFF",
    "SOLVER_FEAS_TOL",
    "DELIVERED_TOL",
    "DELIVERED_TOL_RETRY",
    "CONTRACT_TOL",
    "BINDING_RTOL",
    "DUAL_EPS",
    "is_saturated",
    "FieldType",
    "FieldSpec",
    "NODE_FIELDS",
    "LINK_FIELDS",
    "NUMERIC_FIELDS",
    "field_defaults",
    "type_ok",
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
#: How a bottleneck is shared between origins: cheapest first, or the same served share
#: for every origin behind it (max-min fair; :mod:`transcaspian.flow.allocation`).
Allocation = Literal["cost", "pro_rata"]
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
#: Allocation rules, the default first.
ALLOCATIONS: tuple[str, ...] = get_args(Allocation)
CONFIDENCES: frozenset[str] = frozenset(get_args(Confidence))
LOCATIONS: frozenset[str] = frozenset(get_args(Location))
NODE_KINDS: frozenset[str] = frozenset(get_args(NodeKind))

# --------------------------------------------------------------------------- bounds on values

#: The smallest positive volume (supply, capacity, market cap, contract bound; canonical
#: unit per year) the toolkit accepts. Smaller positive values are below what the solver
#: resolves beside the largest ones; write 0 for none.
VOLUME_MIN: float = 1e-6
#: The largest volume accepted (canonical unit per year): 1e7 Mt/y is some 2,000 times the
#: world's crude output, 1e7 TEU/y the scale of the largest container ports. Anything
#: larger is a unit or typing error. Between VOLUME_MIN and VOLUME_MAX the LP is scaled
#: (each commodity in units of its total supply, rows equilibrated) so that delivered
#: volumes are exact to 1e-8 of the total supply, ten times the solver's feasibility
#: tolerance (tests/test_flow_properties.py; the long profile found 2.5e-9 once).
VOLUME_MAX: float = 1e7
#: The largest transport cost accepted, in the commodity's cost unit (USD/t, USD/TEU,
#: USD/1000 m3): a thousand times the dearest real corridor cost.
COST_MAX: float = 1e6


def check_magnitude(value: float, *, kind: str = "volume") -> str | None:
    """Why ``value`` lies outside the documented bounds for a ``kind`` ("volume" or "cost"), or None.

    Examples
    --------
    >>> check_magnitude(1e9) is not None, check_magnitude(0.0), check_magnitude(30.0)
    (True, None, None)
    >>> check_magnitude(2e6, kind="cost")
    '2e+06 exceeds COST_MAX (1e+06); check the unit'
    """
    top, name = (COST_MAX, "COST_MAX") if kind == "cost" else (VOLUME_MAX, "VOLUME_MAX")
    if not math.isfinite(value) or value < 0:
        return f"{value!r} is not a finite number >= 0"
    if value > top:
        return f"{value:g} exceeds {name} ({top:g}); check the unit"
    if kind == "volume" and 0 < value < VOLUME_MIN:
        return f"{value:g} is below VOLUME_MIN ({VOLUME_MIN:g}), under the solver's resolution; write 0 for none"
    return None


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
#: A capacity row of the LP is binding when its activity is within this share of its
#: capacity: ``activity >= capacity - BINDING_RTOL * max(1, |capacity|)`` (shadow prices).
BINDING_RTOL: float = 1e-7
#: A dual value (shadow price, in the solver's scaled units) at or below this in
#: magnitude counts as zero.
DUAL_EPS: float = 1e-9


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


# --------------------------------------------------------------------------- field specs

#: The JSON type of a property of nodes.geojson / links.geojson.
FieldType = Literal["str", "number", "bool", "list[str]", "mapping"]


@dataclasses.dataclass(frozen=True)
class FieldSpec:
    """One property of a node or link Feature: what it holds and what it may be.

    The specs drive the loader's column defaults, the validation of types and
    enumerated values, and the field tables of docs/data_dictionary.md.

    Attributes
    ----------
    name : str
        Property name in the GeoJSON ``properties`` (and column of the frame).
    type : FieldType
        JSON type; ``number`` is an int or a float (not a bool), ``list[str]`` a
        list of strings.
    description : str
        One line for the data dictionary.
    required : bool
        The property must be given (not null, not an empty string).
    default : object
        Column value when the property is absent or null (a fresh list or dict when
        ``factory`` is set).
    factory : callable, optional
        ``list`` or ``dict``: the default is a new empty container per row.
    unit : str, optional
        Unit of a number.
    allowed : frozenset of str or tuple of str, optional
        Allowed values (of each item, for a list).
    column : bool
        Whether the loader always creates the column (filled with the default);
        when False the column exists only if the file gives the property.

    Examples
    --------
    >>> spec = NODE_FIELDS["kind"]
    >>> spec.required, "port" in spec.allowed
    (True, True)
    >>> LINK_FIELDS["time_days"].unit
    'd'
    """

    name: str
    type: FieldType
    description: str
    required: bool = False
    default: Any = None
    factory: Callable[[], Any] | None = None
    unit: str | None = None
    allowed: frozenset[str] | tuple[str, ...] | None = None
    column: bool = True

    @property
    def fill(self) -> Any:
        """The loader's default: the factory (called per row) or the default value."""
        return self.factory if self.factory is not None else self.default

    def allowed_text(self) -> str:
        """Allowed values, in canonical order when they have one, else sorted."""
        if self.allowed is None:
            return ""
        values = self.allowed if isinstance(self.allowed, tuple) else sorted(self.allowed)
        return ", ".join(values)


def _specs(*specs: FieldSpec) -> dict[str, FieldSpec]:
    return {s.name: s for s in specs}


def _provenance(field: str, what: str, *, confidence: bool = True) -> list[FieldSpec]:
    out = [FieldSpec(f"{field}_sources", "list[str]", f"source ids stating the {what}", factory=list)]
    if confidence:
        out.append(
            FieldSpec(f"{field}_confidence", "str", f"how the {what} was obtained: reported, derived or estimate", allowed=CONFIDENCES)
        )
    out.append(FieldSpec(f"{field}_note", "str", f"basis of the {what}; for derived/estimate, how it was obtained", default=""))
    return out


#: Properties of a node Feature (nodes.geojson), in file order.
NODE_FIELDS: dict[str, FieldSpec] = _specs(
    FieldSpec("id", "str", "stable snake_case identifier, unique (also the Feature id)", required=True, column=False),
    FieldSpec("name", "str", "display name", required=True, default=""),
    FieldSpec("kind", "str", "what the node is", required=True, default="", allowed=NODE_KINDS),
    FieldSpec("country", "str", "ISO 3166-1 alpha-3 code", required=True, default=""),
    FieldSpec("aliases", "list[str]", "other spellings and scripts (French, Russian, Kazakh, local)", factory=list),
    FieldSpec("status", "str", "whether the node is in service", default="operating", allowed=STATUSES),
    FieldSpec(
        "location",
        "str",
        "coastal/offshore nodes may lie outside their country polygon by up to coord_tolerance_km",
        default="onshore",
        allowed=LOCATIONS,
    ),
    FieldSpec("coord_tolerance_km", "number", "distance the point may lie outside its country outline (0 for onshore)", default=0.0, unit="km"),
    FieldSpec("capacity", "number", "throughput limit of the node, in `unit` (null: uncapacitated)", default=math.nan, unit="`unit`"),
    FieldSpec("unit", "str", "unit of `capacity` (see transcaspian.units)"),
    FieldSpec(
        "capacity_commodities",
        "list[str]",
        "commodities that share the node capacity (empty: every commodity whose unit converts to `unit`)",
        factory=list,
        allowed=COMMODITIES,
    ),
    *_provenance("capacity", "capacity"),
    FieldSpec("sources", "list[str]", "every source id the node cites", factory=list),
    FieldSpec("notes", "str", "free text", default=""),
)

#: Properties of a link Feature (links.geojson), in file order.
LINK_FIELDS: dict[str, FieldSpec] = _specs(
    FieldSpec("id", "str", "stable snake_case identifier, unique (also the Feature id)", required=True, column=False),
    FieldSpec("name", "str", "display name", required=True, default=""),
    FieldSpec("from_node", "str", "node id where the geometry starts", required=True, default=""),
    FieldSpec("to_node", "str", "node id where the geometry ends", required=True, default=""),
    FieldSpec("mode", "str", "transport mode", required=True, default="", allowed=MODES),
    FieldSpec("medium", "str", "whether the link runs over land, sea or both", allowed=MEDIA),
    FieldSpec("commodities", "list[str]", "commodities the link can carry", required=True, factory=list, allowed=COMMODITIES),
    FieldSpec("capacity", "number", "joint capacity of every listed commodity (see Shared capacities; null: uncapacitated)", default=math.nan, unit="`unit`"),
    FieldSpec("unit", "str", "unit of `capacity` (see transcaspian.units)"),
    *_provenance("capacity", "capacity"),
    FieldSpec("cost", "mapping", "`{commodity: number}`: USD per unit moved over the link, in the commodity's cost unit", required=True, factory=dict, unit="USD/t, USD/kcm, USD/TEU"),
    *_provenance("cost", "cost"),
    FieldSpec("time_days", "number", "transit time over the link", required=True, default=math.nan, unit="d"),
    *_provenance("time", "transit time"),
    FieldSpec("length_km", "number", "route length used for costs, tonne-km and emissions: the published length where one is known (`length_published_km`), else the geodesic length of the geometry (WGS84), set by tools/build_geodata.py", required=True, default=math.nan, unit="km"),
    FieldSpec("length_published_km", "number", "published route length where one was found", default=math.nan, unit="km"),
    *_provenance("length", "published length"),
    FieldSpec(
        "emission_factor",
        "number",
        "CO2 per tonne-km on this link, overriding the mode's factor in parameters.yaml (null: the mode's factor)",
        default=math.nan,
        unit="gCO2/tkm",
    ),
    FieldSpec(
        "transit_countries",
        "list[str]",
        "ISO 3166-1 alpha-3 codes of countries the link crosses besides those of its end nodes (avoid_countries keeps flows off it)",
        factory=list,
    ),
    FieldSpec(
        "passages",
        "list[str]",
        "named straits and canals a tanker or ferry link crosses (bosporus, dardanelles, suez, gibraltar, ...; from the maritime network, tools/build_passages.py); a scenario's close_passages disables every link crossing one",
        factory=list,
    ),
    FieldSpec(
        "geometry_source",
        "str",
        "where the geometry (and the geodesic length) comes from: `drawn` by hand over Natural Earth coastlines, or `marnet`, the shortest route on searoute's maritime network (source S300; tools/build_passages.py)",
        default="drawn",
        allowed=("drawn", "marnet"),
    ),
    FieldSpec("status", "str", "whether the link is in service", default="operating", allowed=STATUSES),
    FieldSpec("bidirectional", "bool", "flow may run either way (the capacity is shared by both directions)", default=False),
    FieldSpec("operator", "str", "operator or owners", default=""),
    FieldSpec("sources", "list[str]", "every source id the link cites", factory=list),
    FieldSpec("confidence", "str", "the weakest of its field confidences", allowed=CONFIDENCES),
    FieldSpec("notes", "str", "free text", default=""),
    FieldSpec("aliases", "list[str]", "other spellings (optional; no column when absent)", factory=list, column=False),
)

#: Fields of nodes or links that hold numbers (the loader makes them float columns).
NUMERIC_FIELDS: frozenset[str] = frozenset(
    s.name for s in (*NODE_FIELDS.values(), *LINK_FIELDS.values()) if s.type == "number"
)


def field_defaults(specs: Mapping[str, FieldSpec]) -> dict[str, Any]:
    """Column -> default (a value, or ``list``/``dict`` to call per row) for the loader.

    Examples
    --------
    >>> d = field_defaults(NODE_FIELDS)
    >>> d["status"], d["aliases"], "id" in d
    ('operating', <class 'list'>, False)
    """
    return {s.name: s.fill for s in specs.values() if s.column}


def type_ok(spec: FieldSpec, value: Any) -> bool:
    """Whether a (non-null) property value has the spec's JSON type.

    Examples
    --------
    >>> type_ok(LINK_FIELDS["capacity"], 3), type_ok(LINK_FIELDS["capacity"], True)
    (True, False)
    >>> type_ok(NODE_FIELDS["aliases"], ["a", 1])
    False
    """
    if spec.type == "str":
        return isinstance(value, str)
    if spec.type == "number":
        return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    if spec.type == "bool":
        return isinstance(value, bool)
    if spec.type == "list[str]":
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    return isinstance(value, Mapping)


def unknown_values(spec: FieldSpec, value: Any) -> list[str]:
    """Values of a well-typed property outside ``spec.allowed`` (each item, for a list).

    Examples
    --------
    >>> unknown_values(LINK_FIELDS["commodities"], ["crude", "coal"])
    ['coal']
    """
    if spec.allowed is None:
        return []
    items: Iterable[Any] = value if isinstance(value, list) else [value]
    return [v for v in items if v not in spec.allowed]


# --------------------------------------------------------------------------- events

#: A change a dated event of events.yaml may make to nodes and links.
EventChange = Literal["derate", "disable", "enable", "restore", "set_status", "moorings_out"]
#: Event changes in the order messages list them.
EVENT_CHANGES: tuple[str, ...] = get_args(EventChange)
