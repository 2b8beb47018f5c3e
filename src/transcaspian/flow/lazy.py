"""A FlowResult whose tables are built on first access (internal; the netflow path's result).

On a large network the result tables (route decomposition, link and node tables) cost
several times what OR-Tools takes to solve the flow. :func:`assemble_lazy` returns a
:class:`LazyFlowResult`: the network, scenario, commodities, objective, status and
``meta`` are set at once; every other field (``flows``, ``routes``, ``delivered``,
``total_cost``, ...) is built by the same functions as :func:`.assemble.assemble`, the
first time it is read, and kept. The values are those of an eager result. ``meta``'s
``dropped_roundoff`` and ``tonne_days``, which need the routes, are added to ``meta``
when the routes are first built (reading any table but ``contracts`` builds them). A
network-flow solution has no duals: reading ``shadow_prices`` solves the LP for them
(:func:`.netflow.with_lp_duals`).

A lazy result pickles (and :func:`dataclasses.replace` copies) as a plain
:class:`~.result.FlowResult` with every table built, shadow prices included (for a
network-flow result that solves the LP once).

Examples
--------
>>> import transcaspian as tc
>>> res = tc.solve(tc.load_network("tests/fixtures/mini"), method="netflow")
>>> "flows" in vars(res), "dropped_roundoff" in res.meta
(False, False)
>>> round(res.total_delivered["crude"], 3), "flows" in vars(res), res.meta["dropped_roundoff"]
(41.0, False, 0.0)
>>> len(res.flows) == len(tc.solve(tc.load_network("tests/fixtures/mini")).flows)
True
"""

from __future__ import annotations

import dataclasses
import functools
from typing import TYPE_CHECKING, Any

from ..schema import Objective
from .assemble import (
    PerCommodity,
    _contracts_frame,
    _delivered_frame,
    _emissions_frame,
    _flows_frame,
    _node_frame,
    _route_classes,
    _routes_frame,
    _saturated_frame,
    _shadow_frame,
    _Tally,
    _unserved_frame,
    meta_now,
    meta_routes,
)
from .lp import FlowLP, LPSolution
from .netflow import with_lp_duals
from .result import FlowResult

if TYPE_CHECKING:
    from ..scenario import Scenario

__all__ = ["LazyFlowResult", "assemble_lazy"]

#: The fields built on first access.
LAZY_FIELDS = frozenset(
    {"flows", "node_flows", "routes", "delivered", "unserved", "total_cost", "saturated", "shadow_prices", "emissions",
     "contracts"}
)


class _Tables:
    """Builds each table of a result once, from the LP (or network flow) and its solution."""

    def __init__(self, lp: FlowLP, sol: LPSolution, objective: Objective, meta: dict[str, Any]) -> None:
        self.lp, self.sol, self.objective, self.meta = lp, sol, objective, meta

    @functools.cached_property
    def coef(self) -> dict[str, PerCommodity]:
        return {c: self.lp.arc_coefficients(c) for c in self.lp.commodities}

    @functools.cached_property
    def tally(self) -> _Tally:
        tally = _route_classes(self.lp, self.sol, self.coef)
        self.meta.update(meta_routes(self.lp, tally, self.coef))
        return tally

    def build(self, name: str) -> Any:
        """The value of table ``name`` (those built from the routes, and ``contracts``)."""
        lp = self.lp
        if name == "contracts":
            return _contracts_frame(lp, self.sol, self.tally.fwd if lp.contracts else {})
        tally = self.tally
        builders = {
            "flows": lambda: _flows_frame(lp, tally.fwd, tally.bwd),
            "node_flows": lambda: _node_frame(lp, tally),
            "routes": lambda: _routes_frame(tally.routes, lp.commodities),
            "delivered": lambda: _delivered_frame(lp, tally.got),
            "unserved": lambda: _unserved_frame(lp, tally.sent, self.sol),
            "emissions": lambda: _emissions_frame(lp, tally.fwd, tally.bwd, self.coef),
        }
        return builders[name]()


class LazyFlowResult(FlowResult):
    """A :class:`~.result.FlowResult` built table by table on first access (see the module docstring)."""

    def __init__(self, *args: Any, _tables: _Tables | None = None, **kwargs: Any) -> None:
        if _tables is None:  # dataclasses.replace, unpickling: a plain result
            super().__init__(*args, **kwargs)
            return
        for k, v in kwargs.items():
            object.__setattr__(self, k, v)
        object.__setattr__(self, "_tables", _tables)

    def __getattr__(self, name: str) -> Any:
        tables = self.__dict__.get("_tables")
        if tables is None or name not in LAZY_FIELDS:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        value = self._derived(name) if name in ("total_cost", "saturated", "shadow_prices") else tables.build(name)
        object.__setattr__(self, name, value)
        return value

    def _derived(self, name: str) -> Any:
        """Fields computed from other tables, as :func:`.assemble.assemble` does."""
        tables: _Tables = self.__dict__["_tables"]
        if name == "total_cost":
            return float(self.flows["cost_usd"].sum()) if len(self.flows) else 0.0
        if name == "saturated":
            return _saturated_frame(self.flows, self.node_flows)
        lp, tally = tables.lp, tables.tally
        gross = {c: tally.fwd[c] + tally.bwd[c] for c in lp.commodities}
        through = {c: tally.outflow[c] + tally.got[c] for c in lp.commodities}
        deferred = "netflow" in tables.sol.meta or tables.sol.meta.get("duals_deferred")
        sol = tables.sol if tables.sol.rows or not deferred else with_lp_duals(lp, tables.sol)
        if "shadow_prices" in sol.meta:
            self.meta["shadow_prices"] = sol.meta["shadow_prices"]
        return _shadow_frame(lp, sol, gross, through, tables.objective)

    def materialize(self) -> FlowResult:
        """A plain FlowResult with every table built."""
        return FlowResult(**{f.name: getattr(self, f.name) for f in dataclasses.fields(FlowResult)})

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, ({f.name: getattr(self, f.name) for f in dataclasses.fields(FlowResult)},))


def _rebuild(fields: dict[str, Any]) -> FlowResult:
    """Unpickle a lazy result as a plain one."""
    return FlowResult(**fields)


def assemble_lazy(lp: FlowLP, sol: LPSolution, *, scenario: Scenario | None, objective: Objective) -> FlowResult:
    """Like :func:`.assemble.assemble`, with the tables built on first access."""
    meta = meta_now(lp, sol, scenario=scenario, objective=objective)
    return LazyFlowResult(
        _tables=_Tables(lp, sol, objective, meta),
        network=lp.net,
        scenario=scenario,
        commodities=lp.commodities,
        objective=objective,
        status="optimal",
        meta=meta,
    )
