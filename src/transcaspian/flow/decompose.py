"""Path decomposition of an arc flow (internal).

The LP gives a flow per arc. To report routes (origin -> market paths with volumes)
the flow is first cleared of cycles (a cycle carries nothing from an origin to a
market; costs are non-negative so removing it never makes the solution worse), then
split greedily into paths: from each origin follow the arc with the most remaining
flow until a market with remaining delivery is reached. Each step empties an arc,
an origin or a market, so the loop ends; the paths sum back to the cleaned flow.
Flows below the solver's tolerance that lead nowhere are dropped and their total
reported.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import networkx as nx
import numpy as np

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
    keep = set(int(a) for a in protected)
    G = nx.MultiDiGraph()
    for a in np.flatnonzero(x):
        if int(a) not in keep:
            G.add_edge(int(tail[a]), int(head[a]), key=int(a))
    if nx.is_directed_acyclic_graph(G):
        return x
    for comp in sorted(nx.strongly_connected_components(G), key=min):
        if len(comp) < 2:
            continue
        H = G.subgraph(comp).copy()
        while True:
            try:
                cyc = nx.find_cycle(H)
            except nx.NetworkXNoCycle:
                break
            arcs = [k for _, _, k in cyc]
            m = min(x[a] for a in arcs)
            for u, v, a in cyc:
                x[a] -= m
                if x[a] <= eps:
                    x[a] = 0.0
                    H.remove_edge(u, v, key=a)
    return x


def decompose(
    x: np.ndarray,
    tail: np.ndarray,
    head: np.ndarray,
    order: np.ndarray,
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
        Arc end nodes.
    order : array of int
        Tie-break rank per arc (lower first) for equal remaining flows.
    origins, sent : origin node positions and the volume each sends.
    markets, delivered : market node positions and the volume each receives.
    eps : float
        Volumes at or below this are zero.

    Returns
    -------
    paths : list of PathFlow
    dropped : float
        Volume of flow fragments that led nowhere (solver round-off), discarded.
    """
    rem = np.where(x > eps, x, 0.0).astype(float)
    out: dict[int, list[int]] = {}
    for a in np.argsort(order, kind="stable"):
        out.setdefault(int(tail[a]), []).append(int(a))
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
            v, nodes, arcs, seen = int(o), [int(o)], [], {int(o)}
            stuck = False
            while rem_d.get(v, 0.0) <= eps:
                best, best_flow = -1, eps
                for a in out.get(v, ()):
                    if rem[a] > best_flow:
                        best, best_flow = a, rem[a]
                if best < 0 or int(head[best]) in seen:
                    stuck = True
                    break
                arcs.append(best)
                v = int(head[best])
                nodes.append(v)
                seen.add(v)
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
    # what remains is circulation through protected arcs (or round-off)
    paths.extend(_circulations(rem, tail, head, eps=eps))
    return paths, dropped


def _circulations(rem: np.ndarray, tail: np.ndarray, head: np.ndarray, *, eps: float) -> list[PathFlow]:
    G = nx.MultiDiGraph()
    for a in np.flatnonzero(rem > eps):
        G.add_edge(int(tail[a]), int(head[a]), key=int(a))
    out = []
    while G.number_of_edges():
        try:
            cyc = nx.find_cycle(G)
        except nx.NetworkXNoCycle:
            break
        arcs = [k for _, _, k in cyc]
        m = min(rem[a] for a in arcs)
        nodes = tuple([cyc[0][0]] + [v for _, v, _ in cyc])
        out.append(PathFlow(nodes[0], nodes[0], nodes, tuple(arcs), float(m), circulation=True))
        for u, v, a in cyc:
            rem[a] -= m
            if rem[a] <= eps:
                rem[a] = 0.0
                G.remove_edge(u, v, key=a)
    return out
