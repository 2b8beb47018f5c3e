"""Which node or link - or pair, or triple - matters most: knock them out and re-solve.

The sweep runs on one persistent HiGHS model (:mod:`transcaspian.flow.sweep`): each
knock-out fixes the element's arcs at zero and re-solves warm from the last basis.
Elements that carry no flow in the baseline optimum are skipped (removing them leaves
that optimum feasible, so it stays optimal); for N-2 and N-3 the top elements of the
N-1 ranking are combined with the same rule applied along the way: adding an element
that carries nothing in the optimum without the others changes nothing.

Each row says what breaks (lost volume, its share, the cost change), who loses (the
markets) and where the barrels went (select-link: the links that gained flow).
Fields that strand their own supply (origins) are ranked apart from transit
infrastructure. With ``horizon=`` the same ranking runs on
:func:`transcaspian.simulate`, each element out for ``outage`` days.

Examples
--------
>>> import transcaspian as tc
>>> net = tc.load_network("tests/fixtures/mini")
>>> crit = tc.criticality(net, commodity="crude", elements="nodes")
>>> crit.index[:3].tolist()
['hub', 'terminal', 'east_gate']
>>> round(float(crit.loc["terminal", "lost"]), 6)
30.0
>>> crit.loc["hub", ["losing_markets", "gained_links"]].tolist()
['europe -30, china -6', 'a_port +4']
>>> crit[crit["role"] == "origin"].index.tolist()
['field_a', 'field_b']
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import itertools
import logging
import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .elements import usable_links, usable_nodes
from .errors import InputError
from .guards import check_criticality
from .network import CorridorNetwork
from .scenario import Scenario

if TYPE_CHECKING:
    from .flow.sweep import Element, KnockoutSweep, Outcome

__all__ = ["criticality", "NOISE_RTOL"]

log = logging.getLogger(__name__)

#: Volume changes below this share of supply, and cost changes below this share of the
#: baseline cost, are solver noise and reported as zero.
NOISE_RTOL = 1e-7
#: Role order in the ranking: transit infrastructure first, then origins, then markets.
ROLES = ("transit", "origin", "market")
#: At most this many gained links and losing markets are listed per row.
LIST_MAX = 5
#: An N-1 sweep starts every 16th knock-out of its list from the base's basis, the others
#: warm from the one before: fixed places, so the table is the same however many workers
#: share the list (each share starts at one of them).
RESTORE_EVERY = 16


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


def _candidates(net: CorridorNetwork, commodities: Sequence[str], kind: str) -> list[str]:
    mask = np.zeros(len(net.links), dtype=bool)
    for c in commodities:
        mask |= usable_links(net, c).to_numpy()
    links = net.links[mask]
    if kind == "link":
        return list(links.index)
    touched = set(links["from_node"]) | set(links["to_node"])
    ok = usable_nodes(net.nodes)
    # markets are demand proxies, not infrastructure: pass them as candidates to test them
    node_kind = net.nodes["kind"].astype(str)
    return [n for n in net.nodes.index if n in touched and ok[n] and node_kind[n] != "market"]


def _elements(net: CorridorNetwork, commodities: Sequence[str], elements: str, candidates: Iterable[str] | None) -> list[Element]:
    kinds = {"nodes": ("node",), "links": ("link",), "both": ("node", "link")}.get(elements)
    if kinds is None:
        raise InputError(f"elements must be 'nodes', 'links' or 'both', not {elements!r}")
    if candidates is None:
        return [(k, e) for k in kinds for e in _candidates(net, commodities, k)]
    out: list[Element] = []
    for c in candidates:
        if len(kinds) == 1:
            out.append((kinds[0], net.resolve(str(c), kind=kinds[0])))
        else:
            out.append(("link", str(c)) if str(c) in net.links.index else ("node", net.resolve(str(c), kind="node")))
    return list(dict.fromkeys(out))


class _Solver:
    """Outcomes of knock-out sets: the persistent sweep, or full re-solves where it does not apply."""

    def __init__(self, net: CorridorNetwork, commodities: tuple[str, ...], objective: str, allocation: str, *, fast: bool) -> None:
        from .flow.solver import prepare  # noqa: PLC0415 (the solver loads scipy; kept lazy)
        from .flow.sweep import KnockoutSweep  # noqa: PLC0415

        self.net, self.commodities, self.objective, self.allocation = net, commodities, objective, allocation
        lp = prepare(net, commodities, objective=objective, allocation="cost")  # type: ignore[arg-type]
        self.sweep: KnockoutSweep | None = KnockoutSweep(lp) if fast and allocation == "cost" else None
        self.lp = lp
        self.base = self.sweep.base if self.sweep is not None else self._full(())
        self.full_solves = 0

    def outcome(self, knocked: tuple[Element, ...], *, restore: bool = True) -> Outcome:
        if self.sweep is not None:
            out = self.sweep.outcome(knocked, restore=restore)
            if out is not None:
                return out
        self.full_solves += 1
        return self._full(knocked)

    def _full(self, knocked: tuple[Element, ...]) -> Outcome:
        """A fresh :func:`transcaspian.solve` of the network without ``knocked`` (the reference path)."""
        from .flow.solver import solve  # noqa: PLC0415
        from .flow.sweep import Outcome  # noqa: PLC0415

        scen = Scenario(name="without " + "+".join(e for _, e in knocked), disable=tuple(e for _, e in knocked))
        with _quiet_relaxations():
            res = solve(self.net, scen if knocked else None, commodity=list(self.commodities), objective=self.objective,
                        allocation=self.allocation)
        link_flow = {}
        for c in self.commodities:
            f = res.flows[res.flows["commodity"] == c]
            link_flow[c] = (f["forward"] + f["backward"]).reindex(self.lp.link_ids).fillna(0.0).to_numpy(dtype=float)
        nf = res.node_flows.groupby(level=0)["throughput"].sum().reindex(self.lp.node_ids).fillna(0.0).to_numpy(dtype=float)
        market = {(c, m): float(v) for (c, m), v in res.delivered["volume"].items()}
        return Outcome(dict(res.total_delivered), res.total_cost, dict(res.cost_by_commodity), market, link_flow, nf)

    def carries(self, element: Element, out: Outcome, tol: float) -> bool:
        kind, eid = element
        if kind == "link":
            pos = self.lp.link_pos[eid]
            return any(f[pos] > tol for f in out.link_flow.values())
        return bool(out.node_flow[self.lp.node_pos[eid]] > tol)


def criticality(
    net: CorridorNetwork,
    *,
    commodity: str | Sequence[str] = "crude",
    elements: str = "nodes",
    k: int = 1,
    scenario: Scenario | None = None,
    metric: str = "lost",
    allocation: str | None = None,
    objective: str = "cost",
    candidates: Iterable[str] | None = None,
    top: int = 20,
    prune: bool = True,
    horizon: tuple[str | dt.date, str | dt.date] | None = None,
    outage: int | None = None,
    step: str = "month",
    engine: str = "sweep",
    progress: Callable[[int, int], None] | None = None,
    workers: int = 1,
    executor: str = "process",
    scheduler: str | None = None,
) -> pd.DataFrame:
    """Knock out each element (or pair, or triple) and rank by lost delivery, then by cost increase.

    Parameters
    ----------
    net : CorridorNetwork
    commodity : str, list of str or "all"
        Solved together, as in :func:`transcaspian.solve`.
    elements : {"nodes", "links", "both"}
        Which elements to knock out: every usable one that carries the commodity
        (market nodes, which stand for demand rather than infrastructure, are left
        out unless named in ``candidates``).
    k : {1, 2, 3}
        Elements out at once. For ``k > 1`` the ``top`` elements of the N-1 ranking
        are combined (every pair or triple of them).
    scenario : Scenario, optional
        Applied first; each knock-out comes on top of it.
    metric : {"lost", "cost"}
        Rank by lost share (then cost change), or by cost change (then lost share).
    allocation : {"cost", "pro_rata"}, optional
        As in :func:`transcaspian.solve` (default: the scenario's, else ``"cost"``).
        ``pro_rata`` re-solves each knock-out in full (the pruning still applies).
    objective : {"cost", "time", "emissions"}
    candidates : iterable of str, optional
        Ids or aliases to test instead of every usable element.
    top : int, default 20
        How many N-1 elements ``k > 1`` combines.
    prune : bool, default True
        Skip knock-outs that cannot change the optimum (``False``: solve every one;
        the tests check both give the same table).
    horizon : (start, end), optional
        Rank on :func:`transcaspian.simulate` over this horizon instead: each element
        out from ``start`` for ``outage`` days (default: the whole horizon). Volumes
        are then totals over the horizon; ``k`` must be 1.
    outage : int, optional
        Days out, with ``horizon``.
    step : str, default "month"
        Period of the simulation, with ``horizon``.
    engine : {"sweep", "resolve"}
        ``"sweep"``: bounds changed in one persistent model, warm re-solves.
        ``"resolve"``: every knock-out a fresh :func:`transcaspian.solve` (the
        reference the tests compare the sweep with; 50-100x slower).
    progress : callable, optional
        Called as ``progress(done, total)`` after each knock-out (the CLI's bar); with
        ``workers > 1``, after each worker's share.
    workers : int, default 1
        Split the knock-outs into this many shares, each swept in its own persistent
        model by a worker (:func:`transcaspian.executors.run_tasks`); the table is the
        same whatever ran it.
    executor : {"process", "dask"}
        A local process pool, or ``dask.distributed`` (the ``dask`` extra).
    scheduler : str, optional
        Address of a running Dask scheduler.

    Returns
    -------
    pandas.DataFrame
        Index ``element`` (``a + b`` for a pair); ``elements`` (tuple of ids),
        ``kind``, ``name``, ``role`` (``transit``, ``origin``: a node with supply of its
        own, ``market``), ``country`` (nodes) or ``mode`` (links), ``lost_share``
        (share of supply no longer delivered, averaged over commodities),
        ``cost_usd``, ``cost_change`` (USD/y), ``losing_markets`` and
        ``gained_links`` (``id +volume``, largest first: where the volume went), and
        ``rank`` (1 = most critical, counted within each role), sorted by role then
        rank. One commodity: also ``delivered``, ``lost``, ``unit`` and
        ``unit_cost_change`` (cost unit per unit delivered); several:
        ``lost_<commodity>`` per commodity. Changes below :data:`NOISE_RTOL` are 0.

    Raises
    ------
    ValueError
        ``elements``, ``k``, ``metric`` or ``engine`` out of range.

    Examples
    --------
    >>> import transcaspian as tc
    >>> net = tc.load_network("tests/fixtures/mini")
    >>> tc.criticality(net, elements="links").iloc[0].name
    'hub_terminal'
    >>> pairs = tc.criticality(net, elements="links", k=2, top=3)
    >>> pairs.index[0], round(float(pairs["lost"].iloc[0]), 6)
    ('a_hub + hub_terminal', 30.0)
    """
    check_criticality(net, scenario, commodity, objective, elements)
    from .flow.solver import resolve_commodities  # noqa: PLC0415 (kept lazy: the solver loads scipy)

    if k not in (1, 2, 3):
        raise InputError(f"k must be 1, 2 or 3, not {k!r}")
    if engine not in ("sweep", "resolve"):
        raise InputError(f"engine must be 'sweep' or 'resolve', not {engine!r}")
    if metric not in ("lost", "cost"):
        raise InputError(f"metric must be 'lost' or 'cost', not {metric!r}")
    if allocation is None:
        allocation = getattr(scenario, "allocation", None) or "cost"
    base_net = scenario.apply(net) if scenario is not None else net
    commodities = _supplied(resolve_commodities(commodity, base_net), base_net, every=commodity == "all")
    ids = _elements(base_net, commodities, elements, candidates)
    if horizon is not None:
        if k != 1:
            raise InputError("with horizon=, k must be 1 (each element out for `outage` days)")
        return _over_time(net, scenario, commodities, ids, horizon=horizon, outage=outage, step=step, metric=metric,
                          allocation=allocation, progress=progress)
    def swept(sets: list[tuple[Element, ...]], block: int) -> list[dict[str, Any]]:
        job = _Job(base_net, commodities, objective, allocation, engine == "sweep", prune, block)
        return _swept(sets, job, workers=workers, executor=executor, scheduler=scheduler, progress=progress)

    table = _rank_rows(swept([(e,) for e in ids], RESTORE_EVERY), metric)
    if k == 1 or table.empty:
        return _public(table)
    best = [t[0] for t in table.sort_values("_order")["elements_kind"].head(top)]
    combos = [tuple(sorted(c)) for c in itertools.combinations(best, k)]
    return _public(_rank_rows(swept(combos, 1), metric))  # pairs: sub-sets solved on demand, so each from the base


def _supplied(commodities: tuple[str, ...], net: CorridorNetwork, *, every: bool) -> tuple[str, ...]:
    """The commodities with a supply to lose: with ``"all"`` the others are left out; named, they are an error.

    Raises
    ------
    InputError
        A commodity named on purpose has no supply (nothing flows, so no knock-out can
        lose any), or ``"all"`` finds none with a supply.
    """
    supplies = (net.baseline or {}).get("supplies") or {}
    have = tuple(c for c in commodities if supplies.get(c))
    missing = [c for c in commodities if c not in have]
    if missing and every and have:
        log.info("criticality: commodity='all' leaves out %s (no supply: nothing to lose)", ", ".join(missing))
    elif missing:
        others = [c for c in supplies if supplies.get(c)]
        fix = f"add supplies.{missing[0]} to baseline.yaml or the scenario"
        if others:
            fix = f"choose a commodity with supplies ({', '.join(others)}), or {fix}"
        raise InputError(f"criticality: no supply of {', '.join(missing)} in the baseline or the scenario: nothing "
                         f"flows, so no knock-out can lose any (fix: {fix})")
    return have


@dataclasses.dataclass(frozen=True)
class _Job:
    """What every share of a sweep needs (pickled to the workers)."""

    net: CorridorNetwork
    commodities: tuple[str, ...]
    objective: str
    allocation: str
    fast: bool
    prune: bool
    #: A knock-out at a multiple of ``block`` in the list starts from the base's basis;
    #: the others start warm from the knock-out before (shares are cut at those places).
    block: int = 1


def _sweep_share(task: tuple[_Job, list[tuple[Element, ...]], bool]) -> list[dict[str, Any]]:
    """The table rows of one share of the knock-out sets (module level: it runs in the workers).

    A share starts at a multiple of ``job.block`` in the whole list, so its knock-outs
    start from the same bases in any worker as in one process.
    """
    job, sets, report = task
    solver = _Solver(job.net, job.commodities, job.objective, job.allocation, fast=job.fast)
    supply = {c: float(sum(v for cl in solver.lp.classes if cl.commodity == c for _, v in cl.supplies)) for c in job.commodities}
    tol = NOISE_RTOL * max([*supply.values(), 1.0])
    progress = _PROGRESS if report else None
    return _rows(job.net, solver, _sweep(solver, sets, prune=job.prune, tol=tol, progress=progress, block=job.block), supply)


#: The caller's progress callback while one share runs in this process.
_PROGRESS: Callable[[int, int], None] | None = None


def _swept(sets: list[tuple[Element, ...]], job: _Job, *, workers: int, executor: str, scheduler: str | None,
           progress: Callable[[int, int], None] | None) -> list[dict[str, Any]]:
    """Rows for every knock-out set: in this process, or split into ``workers`` contiguous shares."""
    from .executors import run_tasks  # noqa: PLC0415

    global _PROGRESS
    if workers < 1:
        raise InputError(f"workers must be >= 1, not {workers}")
    if workers == 1 and executor == "process":
        _PROGRESS = progress
        try:
            return _sweep_share((job, sets, True))
        finally:
            _PROGRESS = None
    blocks = -(-len(sets) // job.block)  # shares are cut where a knock-out starts from the base's basis
    cuts = np.minimum(np.linspace(0, blocks, min(workers, max(blocks, 1)) + 1).astype(int) * job.block, len(sets))
    tasks = [(job, sets[a:b], False) for a, b in zip(cuts[:-1], cuts[1:], strict=True) if b > a]
    rows: list[dict[str, Any]] = []
    done = 0
    for share in run_tasks(_sweep_share, tasks, workers=workers, executor=executor, scheduler=scheduler):
        rows.extend(share)
        done += len(share)
        if progress is not None:
            progress(done, len(sets))
    return rows


def _sweep(solver: _Solver, sets: list[tuple[Element, ...]], *, prune: bool, tol: float,
           progress: Callable[[int, int], None] | None, block: int = 1) -> Iterator[tuple[tuple[Element, ...], Outcome]]:
    """Outcome per knock-out set, in order; pruned: a set with a member idle without the others is that smaller set.

    Only the smaller sets are remembered (the full-size outcomes are yielded and dropped:
    a 10k-link N-1 would otherwise hold 10k flow vectors). The first solve from each
    multiple of ``block`` in ``sets`` on starts from the base's basis; the others warm
    from the solve before. Setting the basis costs about as much as a warm re-solve on a
    10k-link grid; once per block it is cheap, and the answers still do not depend on
    how the list is shared out.
    """
    size = max((len(s) for s in sets), default=0)
    memo: dict[tuple[Element, ...], Outcome] = {(): solver.base}
    fresh = True

    def get(s: tuple[Element, ...]) -> Outcome:
        if s in memo:
            return memo[s]
        out = None
        if prune:
            for i, e in enumerate(s):  # any member idle without the others: drop it
                prev = get(s[:i] + s[i + 1 :])
                if not solver.carries(e, prev, tol):
                    out = prev
                    break
        if out is None:
            nonlocal fresh
            out = solver.outcome(s, restore=fresh or block == 1)
            fresh = False
        if len(s) < size:
            memo[s] = out
        return out

    for i, s in enumerate(sets):
        if i % block == 0:
            fresh = True
        yield s, get(s)
        if progress is not None:
            progress(i + 1, len(sets))


def _noise(v: float, scale: float) -> float:
    return 0.0 if abs(v) <= NOISE_RTOL * max(scale, 1.0) else v


def _listing(entries: Iterable[tuple[str, float, float]]) -> str:
    """``label +volume`` for the :data:`LIST_MAX` largest ``|volume| * weight``, ties by label.

    Examples
    --------
    >>> _listing([("a", -2.0, 1.0), ("b (gas)", 30.0, 0.01), ("c", 2.0000000001, 1.0)])
    'a -2, c +2, b (gas) +30'
    """
    top = sorted(entries, key=lambda p: (-float(f"{abs(p[1]) * p[2]:.6g}"), p[0]))[:LIST_MAX]  # ties: noise aside
    return ", ".join(f"{k} {v:+.4g}" for k, v, _ in top)


def _rows(net: CorridorNetwork, solver: _Solver, outcomes: Iterable[tuple[tuple[Element, ...], Outcome]],
          supply: dict[str, float]) -> list[dict[str, Any]]:
    """One table row per knock-out set (unranked)."""
    base = solver.base
    commodities = solver.commodities
    origins = {o for cl in solver.lp.classes for o, v in cl.supplies if v > 0}
    from .units import CANONICAL_UNITS  # noqa: PLC0415

    rows = []
    for s, res in outcomes:
        lost = {c: _noise(base.delivered.get(c, 0.0) - res.delivered.get(c, 0.0), supply.get(c, 0.0)) for c in commodities}
        shares = [max(lost[c], 0.0) / supply[c] for c in commodities if supply.get(c, 0) > 0]
        kinds = {kd for kd, _ in s}
        frames = [net.nodes if kd == "node" else net.links for kd, _ in s]
        roles = {("market" if str(net.nodes.at[e, "kind"]) == "market" else "origin" if e in origins else "transit")
                 if kd == "node" else "transit" for kd, e in s}
        row: dict[str, Any] = {
            "element": " + ".join(e for _, e in s),
            "elements": tuple(e for _, e in s),
            "elements_kind": s,
            "kind": kinds.pop() if len(kinds) == 1 else "mixed",
            "name": " + ".join(str(f.at[e, "name"]) for f, (_, e) in zip(frames, s, strict=True)),
            "role": next(r for r in ROLES if r in roles),
            "lost_share": float(np.mean(shares)) if shares else 0.0,
            "cost_usd": res.cost_usd,
            "cost_change": _noise(res.cost_usd - base.cost_usd, abs(base.cost_usd)),
        }
        if len(commodities) == 1:
            c = commodities[0]
            row["delivered"] = res.delivered.get(c, 0.0)
            row["lost"] = lost[c]
            row["unit"] = CANONICAL_UNITS[c]
            b, o = base.unit_cost(c), res.unit_cost(c)
            row["unit_cost_change"] = _noise(o - b, abs(b)) if math.isfinite(b) and math.isfinite(o) else math.nan
        else:
            for c in commodities:
                row[f"lost_{c}"] = lost[c]
        if len(s) == 1:
            kd, e = s[0]
            row["country" if kd == "node" else "mode"] = (net.nodes if kd == "node" else net.links).at[e, "country" if kd == "node" else "mode"]
        # several commodities: each entry names its commodity, and "largest first" compares shares of
        # each one's supply (a TEU and a Mt are not comparable volumes)
        def label(eid: str, c: str) -> str:
            return eid if len(commodities) == 1 else f"{eid} ({c})"

        def weight(c: str) -> float:
            return 1.0 if len(commodities) == 1 else 1.0 / max(supply.get(c, 0.0), 1e-300)

        losses = []
        for (c, m), was in base.market.items():
            v = was - res.market.get((c, m), 0.0)
            if _noise(v, supply.get(c, 0.0)) > 0:  # noise against this market's own commodity
                losses.append((label(m, c), -v, weight(c)))
        row["losing_markets"] = _listing(losses)
        gains = []
        for c in commodities:
            g = res.link_flow[c] - base.link_flow[c]
            gains += [(label(solver.lp.link_ids[i], c), float(g[i]), weight(c))
                      for i in np.flatnonzero(g > NOISE_RTOL * max(supply.get(c, 0.0), 1.0))]
        row["gained_links"] = _listing(gains)
        rows.append(row)
    return rows


def _rank_rows(rows: list[dict[str, Any]], metric: str) -> pd.DataFrame:
    """The ranked table of ``rows`` (:func:`_rows`)."""
    df = pd.DataFrame(rows)
    if df.empty:
        cols = ["elements", "kind", "name", "role", "delivered", "lost", "lost_share", "cost_usd", "cost_change", "rank"]
        return pd.DataFrame(columns=cols).rename_axis("element")
    return _rank(df, metric)


def _rank(df: pd.DataFrame, metric: str) -> pd.DataFrame:
    """Sort by role, then metric (rounded away from noise), then the other metric, then id; rank within role."""
    df["_role"] = df["role"].map({r: i for i, r in enumerate(ROLES)})
    df["_lost"] = df["lost_share"].round(9)
    scale = max(float(df["cost_usd"].abs().max()), 1.0) if "cost_usd" in df else 1.0
    df["_cost"] = (df["cost_change"] / scale).round(8)  # ties within solver precision keep id order
    keys = ["_lost", "_cost"] if metric == "lost" else ["_cost", "_lost"]
    df = df.sort_values(["_role", *keys, "element"], ascending=[True, False, False, True], kind="stable")
    df["rank"] = df.groupby("role", sort=False).cumcount() + 1
    # the N-1 order by metric alone, roles mixed (the elements k > 1 combines)
    order = df.sort_values([*keys, "element"], ascending=[False, False, True], kind="stable").index
    df["_order"] = pd.Series(np.arange(len(df)), index=order).reindex(df.index)
    df = df.drop(columns=["_role", "_lost", "_cost"])
    first = ["element", "elements", "kind", "name", "role", "country", "mode", "delivered", "lost", "unit", "lost_share",
             "cost_usd", "cost_change", "unit_cost_change", "losing_markets", "gained_links"]
    first = [c for c in first if c in df.columns]
    return df[first + [c for c in df.columns if c not in first]].set_index("element")


def _public(df: pd.DataFrame) -> pd.DataFrame:
    """Without the internal columns."""
    return df.drop(columns=[c for c in ("elements_kind", "_order") if c in df.columns])


def _over_time(net: CorridorNetwork, scenario: Scenario | None, commodities: tuple[str, ...], ids: list[Element], *,
               horizon: tuple[str | dt.date, str | dt.date], outage: int | None, step: str, metric: str, allocation: str,
               progress: Callable[[int, int], None] | None) -> pd.DataFrame:
    """N-1 on :func:`transcaspian.simulate`: each element out from the horizon's start for ``outage`` days."""
    from .dates import parse_date  # noqa: PLC0415
    from .flow.inputs import flow_classes  # noqa: PLC0415
    from .timeline.run import simulate  # noqa: PLC0415 (the time model: heavy, loaded on use)

    start, end = horizon
    start_d = start if isinstance(start, dt.date) else parse_date(start, month="start", field="horizon start")
    base_scen = scenario or Scenario(name="baseline")

    def run(extra: tuple[dict[str, Any], ...]) -> Any:
        scen = Scenario(**{**_fields(base_scen), "outages": tuple(base_scen.outages) + extra})
        with _quiet_relaxations():
            return simulate(net, scen, start=start, end=end, step=step, commodity=list(commodities), allocation=allocation)

    base = run(())
    origins = {o for c in commodities for cl in flow_classes(net, c) for o, v in cl.supplies if v > 0}
    rows = []
    for i, (kind, e) in enumerate(ids):
        window: dict[str, Any] = {"element": e, "off": True, "from": start_d}
        if outage is not None:
            window["to"] = start_d + dt.timedelta(days=int(outage))
        res = run((window,))
        row: dict[str, Any] = {"element": e, "elements": (e,), "elements_kind": ((kind, e),), "kind": kind,
                               "name": (net.nodes if kind == "node" else net.links).at[e, "name"]}
        shares, cost = [], 0.0
        for c in commodities:
            b, o = base.totals[c], res.totals[c]
            lost = _noise(float(b["delivered"]) - float(o["delivered"]), float(b["planned"]))
            deferred = _noise(float(o["deferred"]) - float(b["deferred"]), float(b["planned"]))
            row[f"lost_{c}" if len(commodities) > 1 else "lost"] = lost
            row[f"deferred_{c}" if len(commodities) > 1 else "deferred"] = deferred
            if len(commodities) == 1:
                row["unit"] = str(b.get("unit", ""))
            shares.append(max(lost, 0.0) / float(b["planned"]) if float(b["planned"]) > 0 else 0.0)
            cost += float(o["cost_usd"]) - float(b["cost_usd"])
        row["role"] = "origin" if kind == "node" and e in origins else "transit"
        row["lost_share"] = float(np.mean(shares)) if shares else 0.0
        row["cost_change"] = cost
        rows.append(row)
        if progress is not None:
            progress(i + 1, len(ids))
    df = pd.DataFrame(rows)
    return _public(_rank(df, metric)) if not df.empty else df


def _fields(s: Scenario) -> dict[str, Any]:
    return {f.name: getattr(s, f.name) for f in dataclasses.fields(s) if f.init}
