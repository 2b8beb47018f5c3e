"""The flow model: inputs from the baseline, the LP, route decomposition, results.

Modules, in the order a solve runs through them (which elements are usable, and their
capacities and costs, come from the data layer's :mod:`transcaspian.elements`):

* :mod:`~transcaspian.flow.inputs` - supplies, markets, contracts and flow classes read
  from ``net.baseline`` (after a scenario);
* :mod:`~transcaspian.flow.lp` - the two-phase lexicographic LP (deliver the most, then
  the cheapest), one function per constraint family;
* :mod:`~transcaspian.flow.decompose` - link flows into origin-to-market routes;
* :mod:`~transcaspian.flow.assemble` - the result tables;
* :mod:`~transcaspian.flow.result` - :class:`FlowResult`;
* :mod:`~transcaspian.flow.solver` - :func:`solve`, the entry point;
* :mod:`~transcaspian.flow.netflow` and :mod:`~transcaspian.flow.lazy` - ``method="netflow"``:
  a single-commodity problem as an integer min-cost max-flow on OR-Tools, and its
  result, whose tables are built on first access.

Examples
--------
>>> import transcaspian as tc
>>> from transcaspian.flow import solve
>>> res = solve(tc.load_network("tests/fixtures/mini"), commodity="crude")
>>> round(res.total_delivered["crude"], 3)
41.0
"""

from __future__ import annotations

from .result import FlowResult
from .solver import OBJECTIVES, resolve_commodities, solve

__all__ = ["solve", "resolve_commodities", "FlowResult", "OBJECTIVES"]
