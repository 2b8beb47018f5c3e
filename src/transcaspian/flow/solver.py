"""Recompute where the flows go: lexicographic min-cost multi-commodity flow.

Phase 1 delivers as much as the network can; phase 2 holds that volume and
minimises cost (or time, or emissions). See docs/methodology.md.

Examples
--------
>>> import transcaspian as tc
>>> net = tc.load_network("tests/fixtures/mini")
>>> res = tc.solve(net, commodity="crude")
>>> round(res.total_delivered["crude"], 3), round(res.total_unserved["crude"], 3)
(41.0, 4.0)
>>> res.routes.iloc[0][["origin", "market"]].tolist()
['field_a', 'europe']
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, cast

from .. import units
from ..errors import InputError, ScenarioError, UnitError
from ..guards import check_solve
from ..scenario import Scenario
from ..schema import OBJECTIVES, Objective
from . import penalty
from .allocation import ALLOCATIONS, Allocation
from .assemble import assemble
from .inputs import contracts_for, flow_classes, markets_for
from .lazy import assemble_lazy
from .lp import FlowLP
from .netflow import solve_netflow
from .result import FlowResult

if TYPE_CHECKING:
    from ..network import CorridorNetwork

__all__ = ["solve", "resolve_commodities", "prepare", "OBJECTIVES", "METHODS"]

log = logging.getLogger(__name__)

#: Values of ``solve(..., method=)``: ``"auto"`` (the LP; one certified penalty LP on a large plain
#: network flow, :mod:`.penalty`), ``"lp"`` (always the two phases), ``"netflow"`` (:mod:`.netflow`).
METHODS = ("auto", "lp", "netflow")


def resolve_commodities(commodity: str | Sequence[str], net: CorridorNetwork) -> tuple[str, ...]:
    """Commodities named by ``commodity``: one name, a list, or ``"all"``.

    ``"all"`` means every commodity some link carries. Order follows
    :data:`transcaspian.units.COMMODITIES`.

    Raises
    ------
    UnitError
        For an unknown commodity name.

    Examples
    --------
    >>> import transcaspian as tc
    >>> resolve_commodities(["gas", "crude"], tc.load_network("tests/fixtures/mini"))
    ('crude', 'gas')
    """
    if isinstance(commodity, str):
        names = list(net.commodities) if commodity == "all" else [commodity]
    else:
        names = list(commodity)
    if not names:
        raise UnitError("no commodity given; name one, a list, or 'all'")
    for c in names:
        units.check_commodity(c)
    return tuple(c for c in units.COMMODITIES if c in set(names))


def prepare(
    net: CorridorNetwork, commodities: tuple[str, ...], *, objective: Objective, allocation: Allocation = "cost"
) -> FlowLP:
    """The LP for ``commodities`` on ``net`` (a scenario already applied), not yet solved.

    Reads the contracts, the flow classes (an origin named by an origin-specific
    contract gets a class of its own) and the market caps from ``net.baseline``.

    Examples
    --------
    >>> import transcaspian as tc
    >>> lp = prepare(tc.load_network("tests/fixtures/mini"), ("crude",), objective="cost")
    >>> [cl.label for cl in lp.classes]
    ['crude']
    """
    contracts = contracts_for(net, commodities)
    classes = [
        cl
        for c in commodities
        for cl in flow_classes(net, c, split={o for ct in contracts if ct.commodity == c for o in ct.origins})
    ]
    caps = {c: markets_for(net, c) for c in commodities}
    return FlowLP(net, classes, caps, contracts, objective=objective, allocation=allocation)


def solve(
    net: CorridorNetwork,
    scenario: Scenario | str | Path | None = None,
    *,
    commodity: str | Sequence[str] | None = None,
    objective: str | None = None,
    allocation: str | None = None,
    method: str = "auto",
) -> FlowResult:
    """Route the supplies to the markets over the network.

    Parameters
    ----------
    net : CorridorNetwork
        The network (never modified).
    scenario : Scenario, str or Path, optional
        Applied to a copy of ``net`` first; a path is read with
        :meth:`Scenario.from_yaml`.
    commodity : str, list of str or "all", optional
        Commodities solved together in one LP (they share joint capacities).
        Default: the scenario's ``commodity``, else ``"crude"``.
    objective : {"cost", "time", "emissions"}, optional
        What phase 2 minimises once the delivered volume is maximal: USD per year,
        tonne-days per year, or tonnes of CO2 per year. Default: the scenario's
        ``objective``, else ``"cost"``.
    allocation : {"cost", "pro_rata"}, optional
        Who is stranded when a bottleneck binds. ``"cost"``: the most delivered, then
        the cheapest (remote origins strand first). ``"pro_rata"``: every origin sharing
        a bottleneck is served the same share of its supply (max-min fair, as CPC
        rations space among shippers), then the cheapest; the shares are in
        ``meta["served_share"]`` (:mod:`transcaspian.flow.allocation`). Default: the
        scenario's ``allocation``, else ``"cost"``.
    method : {"auto", "lp", "netflow"}, optional
        ``"lp"``: the two-phase LP on HiGHS, which solves every problem. ``"netflow"``:
        one commodity without contracts, restricted supplies or pro-rata allocation as
        an integer min-cost max-flow on OR-Tools (the extra ``transcaspian[netflow]``;
        :mod:`transcaspian.flow.netflow`): the same optimum, faster on large networks;
        its tables are built on first access, and reading ``shadow_prices`` solves the
        LP for its duals. ``"auto"`` (default): the two-phase LP, except on a plain
        network flow (one commodity and flow class, no contracts, allocation by cost) of
        :data:`~transcaspian.flow.penalty.PENALTY_MIN_VARS` columns or more, where one
        penalty LP gives the same optimum and a max-flow certificate proves it
        (:mod:`transcaspian.flow.penalty`; the two phases run if the proof fails); its
        tables are built on first access and ``shadow_prices`` solves the two-phase LP.

    Returns
    -------
    FlowResult

    Raises
    ------
    UnitError
        Unknown commodity.
    InfeasibleError
        Contradictory contracts (min_flow above max_flow).
    InputError
        An unknown ``method``; ``method="netflow"`` on a problem that is not a plain
        single-commodity network flow, or without OR-Tools installed.
    SolverError
        HiGHS (or OR-Tools) failed.

    Examples
    --------
    >>> import transcaspian as tc
    >>> net = tc.load_network("tests/fixtures/mini")
    >>> cut = tc.Scenario(name="no terminal", disable=["terminal"])
    >>> res = tc.solve(net, cut)
    >>> round(res.total_unserved["crude"], 2)
    34.0
    >>> res.saturated["element"].tolist()[:2]
    ['hub_gate', 'hub_port']
    """

    check_solve(net, scenario, commodity, objective)
    if not isinstance(method, str) or method not in METHODS:
        raise InputError(f"solve: method: got {method!r} (fix: use one of {', '.join(map(repr, METHODS))})")
    t0 = time.perf_counter()
    if isinstance(scenario, str | Path):
        scenario = Scenario.from_yaml(scenario)
    applied = scenario.apply(net) if scenario is not None else net
    if commodity is None:
        commodity = getattr(scenario, "commodity", None) or "crude"
    if objective is None:
        objective = getattr(scenario, "objective", None) or "cost"
    if objective not in OBJECTIVES:
        raise ScenarioError(f"objective {objective!r} is unknown; use one of {', '.join(OBJECTIVES)}")
    goal = cast(Objective, objective)
    if allocation is None:
        allocation = getattr(scenario, "allocation", None) or "cost"
    if allocation not in ALLOCATIONS:
        raise ScenarioError(f"allocation {allocation!r} is unknown; use one of {', '.join(ALLOCATIONS)}")
    commodities = resolve_commodities(commodity, applied)
    lp = prepare(applied, commodities, objective=goal, allocation=cast(Allocation, allocation))
    fast = penalty.solve_penalty(lp) if method == "auto" and penalty.eligible(lp) else None
    if method == "netflow":
        result = assemble_lazy(lp, solve_netflow(lp), scenario=scenario, objective=goal)
    elif fast is not None:
        result = assemble_lazy(lp, fast, scenario=scenario, objective=goal)
        result.meta["method"] = ("one penalty LP (min " + goal + " + M x unserved) with a max-flow certificate: the "
                                 "lexicographic LP's optimum (transcaspian.flow.penalty)")
    else:
        result = assemble(lp, lp.solve(), scenario=scenario, objective=goal)
    if method == "netflow":
        result.meta["method"] = ("integer network flow on OR-Tools: maximum flow, then min " + goal
                                 + " among the maximum flows (the lexicographic LP's optimum)")
    result.meta["total_seconds"] = time.perf_counter() - t0
    if log.isEnabledFor(logging.INFO):  # reading the delivered volumes builds a lazy result's routes
        log.info(
            "solved %s (%s) in %.3f s: delivered %s",
            ", ".join(commodities),
            getattr(scenario, "name", "baseline"),
            result.meta["total_seconds"],
            {k: round(v, 6) for k, v in result.total_delivered.items()},
        )
    return result
