"""Supplies, markets and contracts read from ``net.baseline`` (internal).

``baseline.yaml`` (after any scenario) holds, per commodity:

* ``supplies``: ``[{origin, value, unit, markets?, avoid_countries?}]`` - ``markets``
  (optional) restricts where that origin's volume may be delivered (e.g. Kashagan crude
  to China only), among the commodity's markets (a scenario that narrows the markets
  narrows every restriction too); ``avoid_countries`` (ISO alpha-3) keeps that volume off
  every link that touches a node in those countries (shippers that will not transit
  them, e.g. Middle Corridor freight that avoids Russia); entries with the same origin
  and restrictions add up;
* ``markets``: ``[node | {node, cap}]`` - nodes that accept the commodity, each with
  an optional cap on what it takes (canonical unit per year);
* ``contracts``: ``[{link, commodity, origin?, min_flow?, max_flow?}]`` - bounds on the
  flow along the link from ``from_node`` to ``to_node``; with ``origin`` the bound holds
  for that origin's volume only (a shipper's allocation or ship-or-pay commitment), and
  the origin is solved as a flow class of its own.
"""

from __future__ import annotations

import dataclasses
import logging
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..elements import contract_label, contract_links, contract_origins  # re-exported; defined in transcaspian.elements
from ..errors import InfeasibleError, NetworkDataError

if TYPE_CHECKING:
    from ..network import CorridorNetwork

__all__ = ["FlowClass", "Contract", "contract_label", "flow_classes", "markets_for", "contracts_for"]

log = logging.getLogger(__name__)

#: Keys accepted for a market's cap.
CAP_KEYS = ("cap", "max", "max_flow", "demand", "capacity")


@dataclasses.dataclass(frozen=True)
class FlowClass:
    """Flow of one commodity from a group of origins that may reach the same markets."""

    commodity: str
    supplies: tuple[tuple[str, float], ...]
    markets: tuple[str, ...]
    restricted: bool = False
    #: Set when the class holds one origin on its own (an origin-specific contract).
    origin: str | None = None
    #: Countries (ISO alpha-3) whose nodes this class's flow may not touch.
    avoid: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        base = self.commodity if self.origin is None else f"{self.commodity}@{self.origin}"
        if self.avoid:
            base += f"!{'+'.join(self.avoid)}"
        if not self.restricted:
            return base
        return f"{base}->{'+'.join(self.markets) or 'none'}"


@dataclasses.dataclass(frozen=True)
class Contract:
    """Bounds on a commodity's flow along one link (from_node -> to_node) or the sum over a group of links."""

    index: int
    links: tuple[str, ...]
    commodity: str
    min_flow: float
    max_flow: float
    note: str = ""
    #: Origins whose volume the bound counts (empty: all the commodity's flow).
    origins: tuple[str, ...] = ()
    name: str = ""

    @property
    def link(self) -> str:
        """The link, or the group's links joined by ``+``."""
        return "+".join(self.links)

    @property
    def origin(self) -> str | None:
        """The single origin the contract counts, or None (every origin, or a group of them)."""
        return self.origins[0] if len(self.origins) == 1 else None

    @property
    def label(self) -> str:
        entry = {"links": list(self.links), "commodity": self.commodity, "origins": list(self.origins), "name": self.name}
        return contract_label(entry)


def _num(value: Any, where: str) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise NetworkDataError(f"baseline: {where}: {value!r} is not a number; give a volume >= 0") from None
    if not math.isfinite(v) or v < 0:
        raise NetworkDataError(f"baseline: {where}: {value!r} is not a finite volume >= 0; fix the value")
    return v


def markets_for(net: CorridorNetwork, commodity: str) -> dict[str, float]:
    """Market node -> cap (``inf`` when uncapped) for ``commodity``."""
    out: dict[str, float] = {}
    entries = ((net.baseline or {}).get("markets") or {}).get(commodity) or []
    if isinstance(entries, Mapping):  # {node: cap}
        entries = [{"node": k, "cap": v} for k, v in entries.items()]
    for i, e in enumerate(entries):
        if isinstance(e, Mapping):
            node = e.get("node") or e.get("id")
            cap = next((e[k] for k in CAP_KEYS if e.get(k) is not None), None)
        else:
            node, cap = e, None
        nid = net.resolve(str(node), kind="node")
        value = math.inf if cap is None else _num(cap, f"markets.{commodity}[{i}] cap")
        out[nid] = min(out.get(nid, math.inf), value)
    return out


def flow_classes(net: CorridorNetwork, commodity: str, *, split: frozenset[str] | set[str] = frozenset()) -> list[FlowClass]:
    """Supplies of ``commodity`` grouped by where they may go.

    The first class (if any) holds every origin free to reach all the commodity's
    markets; each distinct ``markets`` restriction gets its own class. Origins in
    ``split`` (those named by an origin-specific contract) get a class of their own.
    """
    markets = markets_for(net, commodity)
    entries = ((net.baseline or {}).get("supplies") or {}).get(commodity) or []
    groups: dict[tuple[tuple[str, ...] | None, str | None, tuple[str, ...]], dict[str, float]] = {}
    for i, e in enumerate(entries):
        if not isinstance(e, Mapping):
            raise NetworkDataError(f"baseline: supplies.{commodity}[{i}] is not a mapping; write {{origin, value, unit}}")
        origin = net.resolve(str(e.get("origin")), kind="node")
        value = _num(e.get("value"), f"supplies.{commodity}[{i}] value")
        restrict = e.get("markets")
        key: tuple[str, ...] | None = None
        if restrict is not None:
            if isinstance(restrict, str):
                restrict = [restrict]
            wanted = {net.resolve(str(m), kind="node") for m in restrict}
            dropped = wanted - set(markets)
            if dropped:
                log.warning(
                    "supplies.%s[%d] (%s): %s not among the %s markets; that volume cannot go there",
                    commodity, i, origin, ", ".join(sorted(dropped)), commodity,
                )
            key = tuple(m for m in markets if m in wanted)
            if set(key) == set(markets):
                key = None
        pinned = origin if origin in split else None
        avoid_raw = e.get("avoid_countries") or ()
        avoid = tuple(sorted({str(a).upper() for a in ([avoid_raw] if isinstance(avoid_raw, str) else avoid_raw)}))
        bucket = groups.setdefault((key, pinned, avoid), {})
        bucket[origin] = bucket.get(origin, 0.0) + value
    out = []
    order = sorted(groups, key=lambda k: (k[1] is not None, k[1] or "", bool(k[2]), k[2], k[0] is not None, k[0] or ()))
    for key, pinned, avoid in order:
        sup = tuple(sorted(groups[(key, pinned, avoid)].items()))
        if key is None:
            out.append(FlowClass(commodity, sup, tuple(markets), False, pinned, avoid))
        else:
            out.append(FlowClass(commodity, sup, key, True, pinned, avoid))
    return out


def contracts_for(net: CorridorNetwork, commodities: tuple[str, ...]) -> list[Contract]:
    """Contracts on the solved commodities, checked for min <= max."""
    out = []
    for i, e in enumerate((net.baseline or {}).get("contracts") or []):
        if not isinstance(e, Mapping) or e.get("commodity") not in commodities:
            continue
        lids = tuple(net.resolve(str(x), kind="link") for x in contract_links(e))
        origins = tuple(net.resolve(str(o), kind="node") for o in contract_origins(e))
        lo = _num(e["min_flow"], f"contracts[{i}] min_flow") if e.get("min_flow") is not None else 0.0
        hi = _num(e["max_flow"], f"contracts[{i}] max_flow") if e.get("max_flow") is not None else math.inf
        if lo > hi:
            raise InfeasibleError(
                f"baseline: contracts[{i}] on {'+'.join(lids)!r} ({e.get('commodity')}): min_flow {lo:g} exceeds "
                f"max_flow {hi:g}; fix one of the two bounds"
            )
        out.append(Contract(i, lids, str(e["commodity"]), lo, hi, str(e.get("note") or ""), origins, str(e.get("name") or "")))
    return out
