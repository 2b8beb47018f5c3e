"""Which single node or link matters most: knock each out in turn and re-solve.

Examples
--------
>>> import transcaspian as tc
>>> net = tc.load_network("tests/fixtures/mini")
>>> crit = tc.criticality(net, commodity="crude", elements="nodes")
>>> crit.index[:3].tolist()
['hub', 'terminal', 'field_a']
>>> float(crit.loc["terminal", "lost"])
30.0
"""

from __future__ import annotations

import contextlib
import logging
import math
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .elements import usable_links, usable_nodes
from .guards import check_criticality
from .network import CorridorNetwork
from .scenario import Scenario

__all__ = ["criticality"]

log = logging.getLogger(__name__)


@contextlib.contextmanager
def _quiet_relaxations() -> Iterator[None]:
    """Knocking elements out is expected to break contracts: keep those warnings at debug."""
    lp_log = logging.getLogger("transcaspian.flow.lp")
    level = lp_log.level
    lp_log.setLevel(logging.ERROR)
    try:
        yield
    finally:
        lp_log.setLevel(level)


def _candidates(net: CorridorNetwork, commodities: Sequence[str], elements: str) -> list[str]:
    mask = np.zeros(len(net.links), dtype=bool)
    for c in commodities:
        mask |= usable_links(net, c).to_numpy()
    links = net.links[mask]
    if elements == "links":
        return list(links.index)
    touched = set(links["from_node"]) | set(links["to_node"])
    ok = usable_nodes(net.nodes)
    # markets are demand proxies, not infrastructure: pass them as candidates to test them
    kind = net.nodes["kind"].astype(str)
    return [n for n in net.nodes.index if n in touched and ok[n] and kind[n] != "market"]


def criticality(
    net: CorridorNetwork,
    *,
    commodity: str | Sequence[str] = "crude",
    elements: str = "nodes",
    scenario: Scenario | None = None,
    objective: str = "cost",
    candidates: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Disable each element in turn and rank by lost delivery, then by cost increase.

    Parameters
    ----------
    net : CorridorNetwork
    commodity : str, list of str or "all"
        Solved together, as in :func:`transcaspian.solve`.
    elements : {"nodes", "links"}
        Which elements to knock out: every usable one that carries the commodity
        (market nodes, which stand for demand rather than infrastructure, are left
        out unless named in ``candidates``).
    scenario : Scenario, optional
        Applied first; each knock-out comes on top of it.
    objective : {"cost", "time", "emissions"}
    candidates : iterable of str, optional
        Ids or aliases to test instead of every usable element.

    Returns
    -------
    pandas.DataFrame
        Index ``element``; ``kind``, ``name``, ``country`` (nodes) or ``mode``
        (links), ``lost_share`` (share of supply no longer delivered, averaged over
        commodities), ``cost_usd``, ``cost_change`` (USD/y) and ``rank`` (1 = most
        critical), sorted by rank. One commodity: also ``delivered``, ``lost``
        (canonical unit) and ``unit_cost_change`` (cost unit per unit delivered);
        several: ``lost_<commodity>`` per commodity.

    Raises
    ------
    ValueError
        ``elements`` is neither "nodes" nor "links".

    Examples
    --------
    >>> import transcaspian as tc
    >>> net = tc.load_network("tests/fixtures/mini")
    >>> tc.criticality(net, elements="links").iloc[0].name
    'hub_terminal'
    """
    # imported here: the solver loads scipy.optimize, and `import transcaspian` imports this module
    check_criticality(net, scenario, commodity, objective, elements)
    from .flow.solver import resolve_commodities, solve  # noqa: PLC0415 (kept lazy: see the comment above)

    if elements not in ("nodes", "links"):
        raise ValueError(f"elements must be 'nodes' or 'links', not {elements!r}")
    base_net = scenario.apply(net) if scenario is not None else net
    commodities = resolve_commodities(commodity, base_net)
    base = solve(base_net, commodity=list(commodities), objective=objective)
    supply = base.unserved.groupby(level="commodity")["supply"].sum().to_dict()
    if candidates is None:
        ids = _candidates(base_net, commodities, elements)
    else:
        ids = [base_net.resolve(str(c), kind="node" if elements == "nodes" else "link") for c in candidates]
    frame = base_net.nodes if elements == "nodes" else base_net.links
    rows = []
    for eid in ids:
        with _quiet_relaxations():
            res = solve(base_net, Scenario(name=f"without {eid}", disable=(eid,)), commodity=list(commodities), objective=objective)
        lost = {c: base.total_delivered.get(c, 0.0) - res.total_delivered.get(c, 0.0) for c in commodities}
        shares = [max(lost[c], 0.0) / supply[c] for c in commodities if supply.get(c, 0) > 0]
        row: dict[str, Any] = {
            "element": eid,
            "kind": elements[:-1],
            "name": frame.at[eid, "name"],
            "lost_share": float(np.mean(shares)) if shares else 0.0,
            "cost_usd": res.total_cost,
            "cost_change": res.total_cost - base.total_cost,
        }
        if len(commodities) == 1:  # volumes add up only within one commodity
            c = commodities[0]
            row["delivered"] = res.total_delivered.get(c, 0.0)
            row["lost"] = lost[c] if lost[c] > 1e-9 else 0.0
        row["country" if elements == "nodes" else "mode"] = frame.at[eid, "country" if elements == "nodes" else "mode"]
        if len(commodities) == 1:
            c = commodities[0]
            b, o = base.unit_cost.get(c, math.nan), res.unit_cost.get(c, math.nan)
            row["unit_cost_change"] = o - b
        else:
            for c in commodities:
                row[f"lost_{c}"] = lost[c]
        rows.append(row)
        log.debug("without %s: lost share %.6g", eid, row["lost_share"])
    df = pd.DataFrame(rows)
    if df.empty:
        return pd.DataFrame(columns=["kind", "name", "delivered", "lost", "lost_share", "cost_usd", "cost_change", "rank"]).rename_axis("element")
    # rank: lost share (rounded away from solver noise), then cost increase, then id
    df["_lost"] = df["lost_share"].round(9)
    df["_cost"] = df["cost_change"].round(3)
    df = df.sort_values(["_lost", "_cost", "element"], ascending=[False, False, True], kind="stable")
    df = df.drop(columns=["_lost", "_cost"])
    df["rank"] = np.arange(1, len(df) + 1)
    first = ["element", "kind", "name", "country" if elements == "nodes" else "mode", "delivered", "lost", "lost_share",
             "cost_usd", "cost_change"]
    first = [c for c in first if c in df.columns]
    return df[first + [c for c in df.columns if c not in first]].set_index("element")
