"""Path decomposition of an arc flow (internal).

The LP gives a flow per arc. To report routes (origin -> market paths with volumes)
the flow is first cleared of cycles (a cycle carries nothing from an origin to a
market; costs are non-negative so removing it never makes the solution worse), then
split greedily into paths: from each origin follow the arc with the most remaining
flow until a market with remaining delivery is reached. Each step empties an arc,
an origin or a market, so the loop ends; the paths sum back to the cleaned flow.
Flows below the solver's tolerance that lead nowhere are dropped and their total
reported. Cancelling cycles and reporting the circulation left at the end (through
arcs a ``min_flow`` contract holds) share one loop, :func:`_peel_cycles`.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # networkx is imported only when a flow has cycles (0.2 s saved per start-up)
    import networkx as nx

__all__ = ["PathFlow", "cancel_cycles", "decompose"]


@dataclasses.dataclass(frozen=True)
class PathFlow:
    """One route: node positions, arc indices and volume."""

    origin: int
    market: int
    nodes: tuple[int, ...]
    arcs: tuple[int, ...]
    volume: float
    circulation: bool = False


def cancel_cycles(
    x: np.ndarray, tail: np.ndarray, head: np.ndarray, *, eps: float, protected: Sequence[int] = ()
) -> np.ndarray:
    """Flow with every cycle of positive arcs removed (cycles through ``protected`` arcs kept).

    Examples
    --------
    >>> x = np.array([2.0, 1.0, 1.0])
    >>> cancel_cycles(x, np.array([0, 1, 2]), np.array([1, 2, 0]), eps=1e-9).tolist()
    [1.0, 0.0, 0.0]
    """
    x = np.where(x > eps, x, 0.0)
    if _acyclic(x, tail, head, eps=eps, skip=protected):
        return x
    import networkx as nx  # noqa: PLC0415

    G = _arc_graph(x, tail, head, eps=eps, skip={int(a) for a in protected})
    for comp in sorted(nx.strongly_connected_components(G), key=min):
        if len(comp) < 2:
            continue
        for _ in _peel_cycles(G.subgraph(comp).copy(), x, eps=eps):
            pass
    return x


def _acyclic(x: np.ndarray, tail: np.ndarray, head: np.ndarray, *, eps: float, skip: Sequence[int] = ()) -> bool:
    """Whether the arcs with flow above ``eps`` (but ``skip``) form no cycle (Kahn's topological peel).

    Numpy and a list walk rather than :func:`scipy.sparse.csgraph.connected_components`:
    importing ``scipy.sparse.csgraph`` pulls in ``scipy.sparse.linalg`` and ``scipy.linalg``
    (0.1-0.3 s of every solve's start-up).

    Examples
    --------
    >>> _acyclic(np.ones(3), np.array([0, 1, 2]), np.array([1, 2, 0]), eps=0.0)
    False
    >>> _acyclic(np.ones(3), np.array([0, 1, 0]), np.array([1, 2, 2]), eps=0.0)
    True
    """
    keep = x > eps
    if len(skip):
        keep[np.asarray(list(skip), dtype=int)] = False
    if not keep.any():
        return True
    t, h = tail[keep].astype(np.int64), head[keep].astype(np.int64)
    if np.any(t == h):
        return False
    n = int(max(t.max(), h.max())) + 1
    order = np.argsort(t, kind="stable")
    heads = h[order].tolist()
    starts = np.searchsorted(t[order], np.arange(n + 1)).tolist()
    indeg = np.bincount(h, minlength=n).tolist()
    ready = [v for v in range(n) if indeg[v] == 0]
    peeled = 0
    while ready:
        v = ready.pop()
        peeled += 1
        for w in heads[starts[v]:starts[v + 1]]:
            indeg[w] -= 1
            if indeg[w] == 0:
                ready.append(w)
    return peeled == n


def _arc_graph(x: np.ndarray, tail: np.ndarray, head: np.ndarray, *, eps: float, skip: set[int] | None = None) -> nx.MultiDiGraph:
    """The arcs with flow above ``eps`` (but those in ``skip``), as a multigraph keyed by arc index."""
    import networkx as nx  # noqa: PLC0415

    G = nx.MultiDiGraph()
    for a in np.flatnonzero(x > eps):
        if skip is None or int(a) not in skip:
            G.add_edge(int(tail[a]), int(head[a]), key=int(a))
    return G


def _peel_cycles(G: nx.MultiDiGraph, x: np.ndarray, *, eps: float) -> Iterator[tuple[list[tuple[int, int, int]], float]]:
    """Take cycles out of the flow ``x`` until ``G`` has none; yield each cycle and its volume.

    Each step finds a cycle of ``G`` (edges keyed by arc index), subtracts its smallest
    arc flow from every arc on it, drops from ``G`` (and zeroes in ``x``) the arcs left
    at or below ``eps`` (so at least one arc goes per step), then yields the cycle's
    edges ``(tail, head, arc)`` and the volume taken. Modifies ``G`` and ``x``.

    Examples
    --------
    >>> x = np.array([2.0, 1.0, 1.0])
    >>> G = _arc_graph(x, np.array([0, 1, 2]), np.array([1, 2, 0]), eps=0.0)
    >>> [(len(cyc), m) for cyc, m in _peel_cycles(G, x, eps=0.0)], x.tolist()
    ([(3, 1.0)], [1.0, 0.0, 0.0])
    """
    import networkx as nx  # noqa: PLC0415

    while G.number_of_edges():
        try:
            cyc = nx.find_cycle(G)
        except nx.NetworkXNoCycle:
            return
        m = float(min(x[a] for _, _, a in cyc))
        for u, v, a in cyc:
            x[a] -= m
            if x[a] <= eps:
                x[a] = 0.0
                G.remove_edge(u, v, key=a)
        yield cyc, m


def decompose(
    x: np.ndarray,
    tail: np.ndarray,
    head: np.ndarray,
    origins: Sequence[int],
    sent: np.ndarray,
    markets: Sequence[int],
    delivered: np.ndarray,
    *,
    eps: float,
) -> tuple[list[PathFlow], float]:
    """Split an acyclic flow into origin -> market paths.

    Parameters
    ----------
    x : array
        Flow per arc (cycles already cancelled, except protected ones).
    tail, head : array of int
        Arc end nodes; among arcs with equal remaining flow the lower index goes first.
    origins, sent : origin node positions and the volume each sends.
    markets, delivered : market node positions and the volume each receives.
    eps : float
        Volumes at or below this are zero.

    Returns
    -------
    paths : list of PathFlow
    dropped : float
        Volume of flow fragments that led nowhere (solver round-off), discarded.

    Examples
    --------
    >>> x = np.array([2.0, 2.0, 1.0])  # arcs 0 -> 1 -> 2, and 0 -> 2
    >>> paths, dropped = decompose(x, np.array([0, 1, 0]), np.array([1, 2, 2]), [0], np.array([3.0]),
    ...                            [2], np.array([3.0]), eps=1e-9)
    >>> [(p.nodes, float(p.volume)) for p in paths], float(dropped)
    ([((0, 1, 2), 2.0), ((0, 2), 1.0)], 0.0)
    """
    rem = np.where(x > eps, x, 0.0).astype(float)
    out: dict[int, list[int]] = {}
    for a in range(len(tail)):
        out.setdefault(int(tail[a]), []).append(a)
    rem_d: dict[int, float] = {}
    for m, v in zip(markets, delivered, strict=True):
        rem_d[int(m)] = rem_d.get(int(m), 0.0) + float(v)
    paths: list[PathFlow] = []
    dropped = 0.0
    for o, s in zip(origins, sent, strict=True):
        left = float(s)
        guard = 0
        while left > eps:
            guard += 1
            if guard > 10 * (len(rem) + len(rem_d) + 10):  # pragma: no cover - defensive
                dropped += left
                break
            v, nodes, arcs, stuck = _walk(int(o), out, rem, head, rem_d, eps=eps)
            amount = min([left] + [rem[a] for a in arcs] + ([] if stuck else [rem_d[v]]))
            for a in arcs:
                rem[a] -= amount
                if rem[a] <= eps:
                    rem[a] = 0.0
            left -= amount
            if stuck:
                dropped += amount
                if not arcs:  # nothing leaves the origin: the rest is round-off
                    dropped += left
                    left = 0.0
                continue
            rem_d[v] -= amount
            paths.append(PathFlow(int(o), v, tuple(nodes), tuple(arcs), amount))
    # everything sent that no path carries is dropped: the fragments that led nowhere, and the
    # pieces at or below eps (an arc's flow, an origin's last bit) that were zeroed on the way
    carried = math.fsum(p.volume for p in paths)
    dropped = max(dropped, math.fsum(float(v) for v in sent) - carried, 0.0)
    # what remains is circulation through protected arcs (or round-off)
    paths.extend(_circulations(rem, tail, head, eps=eps))
    return paths, dropped


def _walk(
    o: int, out: dict[int, list[int]], rem: np.ndarray, head: np.ndarray, rem_d: dict[int, float], *, eps: float
) -> tuple[int, list[int], list[int], bool]:
    """From ``o`` follow the arc with the most remaining flow until a market still taking flow.

    Returns the last node, the nodes and arcs walked, and whether the walk got stuck
    (no arc with flow left, or it would revisit a node).
    """
    v, nodes, seen = o, [o], {o}
    arcs: list[int] = []
    while rem_d.get(v, 0.0) <= eps:
        best, best_flow = -1, eps
        for a in out.get(v, ()):
            if rem[a] > best_flow:
                best, best_flow = a, rem[a]
        if best < 0 or int(head[best]) in seen:
            return v, nodes, arcs, True
        arcs.append(best)
        v = int(head[best])
        nodes.append(v)
        seen.add(v)
    return v, nodes, arcs, False


def _circulations(rem: np.ndarray, tail: np.ndarray, head: np.ndarray, *, eps: float) -> list[PathFlow]:
    """The flow left after decomposition (circulation through protected arcs) as closed routes."""
    out: list[PathFlow] = []
    if not np.any(rem > eps):
        return out
    for cyc, m in _peel_cycles(_arc_graph(rem, tail, head, eps=eps), rem, eps=eps):
        nodes = tuple([cyc[0][0]] + [v for _, v, _ in cyc])
        out.append(PathFlow(nodes[0], nodes[0], nodes, tuple(a for _, _, a in cyc), m, circulation=True))
    return out
