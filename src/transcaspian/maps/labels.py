"""Greedy label placement with bounding-box collision checks (internal).

Labels are placed in priority order. Each tries candidate positions around its anchor
(upper right first, as cartographers do); a position is taken if the label's box, as
measured by the renderer, stays inside the map and overlaps no label already placed
and no obstacle (node symbols, scale bar, callouts). Among free positions the one
covering the fewest flow lines wins. A label with no free position is dropped, unless
it is ``required`` (stranded-volume callouts), which then takes its least-bad position.

**The placement rule.** A label that names a symbol (a node, a status mark, a flow
line) either sits within :data:`LABEL_GAP_PT` points of that symbol's edge, and nearer
to it than to any other node symbol, or gets a leader line to it: a line at least
:data:`LEADER_WIDTH_PT` wide with a white casing, from the label's box to the symbol's
edge. Positions that would put a leaderless label nearer another symbol than its own
are not taken. :func:`placements` measures every label of a drawn figure against this
rule (text, anchor, box, gap, leader), so a test can check it on the real maps.
"""

from __future__ import annotations

import dataclasses
import logging
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

import numpy as np
from matplotlib import patheffects
from matplotlib.text import Text
from matplotlib.transforms import Bbox
from shapely.geometry import LineString, Point
from shapely.geometry import box as shapely_box
from shapely.prepared import prep

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes
    from matplotlib.backend_bases import RendererBase
    from matplotlib.figure import Figure, SubFigure
    from matplotlib.text import Annotation
    from matplotlib.transforms import Transform

__all__ = [
    "LabelSpec",
    "Placement",
    "place_labels",
    "placements",
    "DIRECTIONS",
    "HALO",
    "LABEL_GAP_PT",
    "LEADER_WIDTH_PT",
    "get_renderer",
    "marker_boxes",
    "artist_boxes",
]

log = logging.getLogger(__name__)

_D = math.sqrt(0.5)
#: Unit directions in order of preference: NE, SE, NW, SW, E, W, N, S.
DIRECTIONS: tuple[tuple[float, float], ...] = (
    (_D, _D),
    (_D, -_D),
    (-_D, _D),
    (-_D, -_D),
    (1.0, 0.0),
    (-1.0, 0.0),
    (0.0, 1.0),
    (0.0, -1.0),
)

HALO = [patheffects.withStroke(linewidth=2.6, foreground="white")]

#: The one constant of the placement rule: the largest distance, in points, between a
#: label's box and the edge of the symbol it names for the label to go without a
#: leader line (6 pt, about 2 mm on the page). A label placed further out gets a leader.
LABEL_GAP_PT = 6.0

#: Width of a leader line in points; it is drawn over a white casing
#: (:data:`LEADER_CASING`) so it shows over flow lines of any colour.
LEADER_WIDTH_PT = 0.9
LEADER_CASING = [patheffects.withStroke(linewidth=LEADER_WIDTH_PT + 2.0, foreground="white")]

#: Label kinds that name no symbol (placed in an area, never with a leader).
AREA_KINDS = frozenset({"area", "sea", "country"})


@dataclasses.dataclass
class LabelSpec:
    """One label to place.

    Attributes
    ----------
    x, y : float
        Anchor in data coordinates.
    text : str
    priority : float
        Higher is placed first.
    radius : float
        Distance in points from the anchor to the label (marker radius plus a gap);
        a sequence tries each distance in turn.
    style : dict
        Keyword arguments for :meth:`matplotlib.axes.Axes.annotate`.
    required : bool
        Place even if every position collides.
    leader : bool or "auto"
        Draw a thin leader line from the label to the anchor; ``"auto"``: only when
        the label sits beyond the first radius.
    directions : sequence of (dx, dy), optional
        Candidate directions (default :data:`DIRECTIONS`); ``(0, 0)`` centres the
        label on the anchor.
    margin : float
        Extra space in points kept around the label box.
    max_cover : int, optional
        Reject positions covering more than this many line samples (for labels
        drawn under the network, such as country and sea names).
    region : shapely geometry, optional
        The label's centre must fall inside it (data coordinates), e.g. a country
        name stays inside its country.
    key : str
        Identifier for callers (e.g. the node id).
    symbol : str, optional
        Key of the symbol the label names (a node or link id); ``None`` for labels of
        areas (seas, countries), which the placement rule leaves alone.
    anchor_size : float
        Size in points of that symbol (its diameter, or a line's width): the gap of
        :data:`LABEL_GAP_PT` is measured from its edge.
    kind : str
        What the label is: ``"node"``, ``"callout"``, ``"derate"``, ``"change"``,
        ``"offmap"``, ``"sea"``, ``"country"`` (``"area"`` by default). A node label
        may not sit nearer another node symbol than its own without a leader.
    """

    x: float
    y: float
    text: str
    priority: float = 0.0
    radius: float | Sequence[float] = 5.0
    style: dict[str, Any] = dataclasses.field(default_factory=dict)
    required: bool = False
    leader: bool | str = False
    directions: Sequence[tuple[float, float]] | None = None
    margin: float = 1.5
    max_cover: int | None = None
    region: Any = None
    key: str = ""
    symbol: str | None = None
    anchor_size: float = 0.0
    kind: str = "area"
    _prepared: Any = dataclasses.field(default=None, init=False, repr=False, compare=False)


def _alignment(dx: float, dy: float) -> tuple[str, str]:
    ha = "left" if dx > 0.2 else "right" if dx < -0.2 else "center"
    va = "bottom" if dy > 0.2 else "top" if dy < -0.2 else "center"
    return ha, va


def _prepared(spec: LabelSpec) -> Any:
    """The spec's region, prepared for fast point-in-polygon tests (once per spec)."""
    if spec._prepared is None:
        spec._prepared = prep(spec.region)
    return spec._prepared


def _overlaps(b: Bbox, others: Sequence[Bbox]) -> bool:
    for o in others:
        if b.x0 < o.x1 and o.x0 < b.x1 and b.y0 < o.y1 and o.y0 < b.y1:
            return True
    return False


def _overlap_area(b: Bbox, others: Sequence[Bbox]) -> float:
    total = 0.0
    for o in others:
        w = min(b.x1, o.x1) - max(b.x0, o.x0)
        h = min(b.y1, o.y1) - max(b.y0, o.y0)
        if w > 0 and h > 0:
            total += w * h
    return total


@dataclasses.dataclass
class _Canvas:
    """What placing labels on one axes needs: renderer, frame, boxes taken, line samples, symbols."""

    ax: Axes
    renderer: Any
    frame: Bbox
    placed: list[Bbox]
    obstacles: list[Bbox]
    pts: np.ndarray | None
    px_per_pt: float
    inverse: Transform
    sym_keys: np.ndarray  # (n,) keys of the symbols
    sym_xy: np.ndarray  # (n, 2) display coordinates of their centres
    sym_r: np.ndarray  # (n,) half sizes in pixels
    leaders: list[LineString] = dataclasses.field(default_factory=list)  # leader lines drawn (display)


#: A candidate position: its score, display box (with margin), offset in points,
#: (ha, va) and whether it needs a leader line.
_Choice = tuple[float, Bbox, tuple[float, float], tuple[str, str], bool]

#: A symbol labels refer to: its key, centre (data coordinates) and size in points.
Symbol = tuple[str, float, float, float]


def _point_box_distance(box: Bbox, x: np.ndarray | float, y: np.ndarray | float) -> Any:
    """Distance from points to a box (0 inside), in the box's units."""
    dx = np.maximum(np.maximum(box.x0 - np.asarray(x), 0.0), np.asarray(x) - box.x1)
    dy = np.maximum(np.maximum(box.y0 - np.asarray(y), 0.0), np.asarray(y) - box.y1)
    return np.hypot(dx, dy)


def place_labels(
    ax: Axes,
    specs: Sequence[LabelSpec],
    *,
    obstacles: Sequence[Bbox] = (),
    line_points: np.ndarray | None = None,
    placed: list[Bbox] | None = None,
    symbols: Sequence[Symbol] = (),
) -> list[Annotation]:
    """Place labels greedily by priority; return the text artists kept.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    specs : sequence of LabelSpec
    obstacles : sequence of Bbox
        Display-space boxes no label may overlap (node symbols, scale bar ...).
    line_points : (n, 2) array, optional
        Display coordinates sampled along drawn lines; positions covering fewer of
        them are preferred.
    placed : list of Bbox, optional
        Boxes of labels already placed; extended in place (so several calls share it).
    symbols : sequence of (key, x, y, size)
        The symbols labels may refer to (data coordinates, size in points): a node
        label is not placed, without a leader, nearer another one than its own. They
        are kept on the axes for :func:`placements`.

    Returns
    -------
    list of matplotlib.text.Annotation
        Each carries ``_tc_key`` (the spec's key), ``_tc_bbox`` (its display box) and
        ``_tc_spec`` (the spec).
    """
    renderer = get_renderer(ax.figure)
    ax._tc_symbols = list(symbols)  # type: ignore[attr-defined]
    sym = np.array([(s[1], s[2]) for s in symbols], dtype=float).reshape(-1, 2)
    px_per_pt = ax.figure.dpi / 72.0
    cv = _Canvas(
        ax=ax,
        renderer=renderer,
        frame=ax.get_window_extent(renderer),
        placed=placed if placed is not None else [],
        obstacles=list(obstacles),
        pts=line_points if line_points is not None and len(line_points) else None,
        px_per_pt=px_per_pt,
        inverse=ax.transData.inverted(),
        sym_keys=np.array([s[0] for s in symbols], dtype=object),
        sym_xy=ax.transData.transform(sym) if len(sym) else sym,
        sym_r=np.array([s[3] for s in symbols], dtype=float) * px_per_pt / 2,
        leaders=_shared_leaders(ax),
    )
    kept: list[Annotation] = []
    dropped = 0
    for spec in sorted(specs, key=lambda s: -s.priority):
        radii = [spec.radius] if isinstance(spec.radius, int | float) else list(spec.radius)
        choice, tried, why = _search(cv, spec, radii)
        if choice is None:
            dropped += 1
            log.debug("label %r dropped; %d positions tried: %s", spec.text, tried, why)
            continue
        _, bb, off, (ha, va), leader = choice
        kept.append(_annotate(ax, spec, bb, off, ha, va, leader=leader))
        cv.placed.append(bb)
        if leader:
            cv.leaders.append(_leader_line(cv, spec, bb))
    if dropped:
        log.debug("label placement dropped %d of %d labels (no free position)", dropped, len(specs))
    return kept


def _shared_leaders(ax: Axes) -> list[LineString]:
    """The leader lines drawn on an axes so far (kept on it, so later calls avoid them too)."""
    leaders: list[LineString] | None = getattr(ax, "_tc_leaders", None)
    if leaders is None:
        leaders = []
        ax._tc_leaders = leaders  # type: ignore[attr-defined]
    return leaders


def _measure(cv: _Canvas, spec: LabelSpec, off: tuple[float, float], ha: str, va: str) -> tuple[Bbox, Bbox]:
    """Display box of the label at offset ``off`` (points): as drawn, and with its margin."""
    ann = cv.ax.annotate(spec.text, xy=(spec.x, spec.y), xytext=off, textcoords="offset points", ha=ha, va=va, **spec.style)
    ann.set_parse_math(False)
    bb = ann.get_window_extent(cv.renderer).expanded(1.0, 1.0)
    m = spec.margin * cv.px_per_pt
    ann.remove()
    return bb, Bbox.from_extents(bb.x0 - m, bb.y0 - m, bb.x1 + m, bb.y1 + m)


def _gap(cv: _Canvas, spec: LabelSpec, box: Bbox) -> float:
    """Points between a label box and the edge of the symbol it names."""
    x, y = cv.ax.transData.transform((spec.x, spec.y))
    return max(0.0, float(_point_box_distance(box, x, y)) / cv.px_per_pt - spec.anchor_size / 2)


def _ambiguous(cv: _Canvas, spec: LabelSpec, box: Bbox, gap: float) -> bool:
    """Whether another symbol is as near to the label box as the one it names."""
    if not len(cv.sym_keys):
        return False
    other = cv.sym_keys != spec.symbol
    if not other.any():
        return False
    d = _point_box_distance(box, cv.sym_xy[other, 0], cv.sym_xy[other, 1]) - cv.sym_r[other]
    return bool(np.min(d) / cv.px_per_pt <= gap)


def _leader_line(cv: _Canvas, spec: LabelSpec, bb: Bbox) -> LineString:
    """The leader a label at ``bb`` would get: from its box towards the anchor (display)."""
    x, y = cv.ax.transData.transform((spec.x, spec.y))
    cx, cy = (bb.x0 + bb.x1) / 2, (bb.y0 + bb.y1) / 2
    full = LineString([(cx, cy), (x, y)])
    outside = full.difference(shapely_box(bb.x0, bb.y0, bb.x1, bb.y1))
    return outside if isinstance(outside, LineString) and not outside.is_empty else full


def _crosses(cv: _Canvas, bb: Bbox, leader: LineString | None) -> bool:
    """Whether a box crosses a leader line drawn, or its own leader crosses a label placed."""
    if cv.leaders:
        rect = shapely_box(bb.x0, bb.y0, bb.x1, bb.y1)
        if any(line.intersects(rect) for line in cv.leaders):
            return True
    if leader is not None:
        for o in cv.placed:
            if leader.intersects(shapely_box(o.x0, o.y0, o.x1, o.y1)):
                return True
    return False


def _clash(cv: _Canvas, spec: LabelSpec, bb: Bbox, why: dict[str, int], *, leader: bool = False) -> tuple[bool, int]:
    """Whether a box collides (labels, obstacles, leader lines, too many lines, outside its
    region), and how many line samples it covers; counts the reasons in ``why``."""
    clash = _overlaps(bb, cv.placed) or _overlaps(bb, cv.obstacles)
    why["overlap"] += clash
    if not clash and _crosses(cv, bb, _leader_line(cv, spec, bb) if leader else None):
        clash = True
        why["leaders"] += 1
    cover = 0
    if cv.pts is not None:
        pts = cv.pts
        inb = (pts[:, 0] > bb.x0) & (pts[:, 0] < bb.x1) & (pts[:, 1] > bb.y0) & (pts[:, 1] < bb.y1)
        cover = int(inb.sum())
        if spec.max_cover is not None and cover > spec.max_cover:
            why["lines"] += not clash
            clash = True
    if spec.region is not None and not clash:
        cx, cy = cv.inverse.transform(((bb.x0 + bb.x1) / 2, (bb.y0 + bb.y1) / 2))
        clash = not _prepared(spec).contains(Point(cx, cy))
        why["region"] += clash
    return clash, cover


def _leader_needed(cv: _Canvas, spec: LabelSpec, raw: Bbox, why: dict[str, int]) -> bool | None:
    """Whether a position needs a leader line (the placement rule); ``None``: not allowed.

    A label naming a symbol needs one beyond :data:`LABEL_GAP_PT`; a node label
    within it may not sit as near another symbol as its own (it would name the wrong
    one), and a label that may not have a leader may not go beyond the gap.
    """
    if spec.symbol is None or spec.kind in AREA_KINDS:
        return spec.leader is True
    gap = _gap(cv, spec, raw)
    if gap > LABEL_GAP_PT:
        if spec.leader is False:
            why["far"] += 1
            return None
        return True
    if spec.leader is True:
        return True
    if spec.kind == "node" and _ambiguous(cv, spec, raw, gap):
        why["ambiguous"] += 1
        return None
    return False


def _search(cv: _Canvas, spec: LabelSpec, radii: Sequence[float]) -> tuple[_Choice | None, int, dict[str, int]]:
    """The best free position (else, for a required label, the least bad one).

    Returns the choice (``None``: no position), the number of positions tried and
    why positions were rejected.
    """
    frame = cv.frame
    best: _Choice | None = None
    fallback: _Choice | None = None
    order = 0
    why = {"outside": 0, "overlap": 0, "lines": 0, "region": 0, "far": 0, "ambiguous": 0, "leaders": 0}
    for r in radii:
        for dx, dy in spec.directions or DIRECTIONS:
            ha, va = _alignment(dx, dy)
            off = (dx * r, dy * r)
            raw, bb = _measure(cv, spec, off, ha, va)
            order += 1
            leader = _leader_needed(cv, spec, raw, why)
            if leader is None:
                continue
            inside = bb.x0 >= frame.x0 and bb.x1 <= frame.x1 and bb.y0 >= frame.y0 and bb.y1 <= frame.y1
            why["outside"] += not inside
            clash, cover = _clash(cv, spec, bb, why, leader=leader)
            score = (order - 1) * 0.6 + cover * 1.0 + (math.hypot(*off) * 0.5 if leader else 0.0)
            if inside and not clash:
                if best is None or score < best[0]:
                    best = (score, bb, off, (ha, va), leader)
                if cover == 0:  # the most preferred free position with no line under it
                    return best, order, why
            elif inside and spec.required:
                bad = _overlap_area(bb, cv.placed) + _overlap_area(bb, cv.obstacles) + score
                if _crosses(cv, bb, _leader_line(cv, spec, bb) if leader else None):
                    bad += 2000.0  # a leader through a label misleads more than a small overlap
                if fallback is None or bad < fallback[0]:
                    fallback = (bad, bb, off, (ha, va), leader)
    return best or fallback, order, why


def _annotate(ax: Axes, spec: LabelSpec, bb: Bbox, off: tuple[float, float], ha: str, va: str, *, leader: bool) -> Annotation:
    """Draw the label at its chosen position, with a leader line to its symbol if needed."""
    style = dict(spec.style)
    if leader:
        style.setdefault(
            "arrowprops",
            {
                "arrowstyle": "-",
                "color": style.get("color", "#333333"),
                "lw": LEADER_WIDTH_PT,
                "shrinkA": 0,
                "shrinkB": spec.anchor_size / 2 + 0.5,
                "path_effects": LEADER_CASING,
            },
        )
    ann = ax.annotate(spec.text, xy=(spec.x, spec.y), xytext=off, textcoords="offset points", ha=ha, va=va, **style)
    ann.set_parse_math(False)
    if ann.arrow_patch is not None:
        ann.arrow_patch.set_zorder(float(style.get("zorder", 20)) - 0.05)
    ann._tc_key = spec.key  # type: ignore[attr-defined]
    ann._tc_bbox = bb  # type: ignore[attr-defined]
    ann._tc_spec = spec  # type: ignore[attr-defined]
    return ann


@dataclasses.dataclass(frozen=True)
class Placement:
    """Where one label of a drawn map sits, measured against the placement rule.

    All coordinates are display pixels of the figure as drawn (at its own dpi).

    Attributes
    ----------
    text : str
        The label's text.
    key : str
        The label's key (``novorossiysk_cpc_terminal``, ``stranded:tengiz``,
        ``delta:<link>``, ``derate:<id>``, ``offmap:<id>``; ``""`` for areas).
    kind : str
        ``"node"``, ``"callout"``, ``"derate"``, ``"change"``, ``"offmap"``, ``"sea"``
        or ``"country"``.
    symbol : str or None
        Key of the symbol it names (``None``: an area label).
    axes : int
        Index of its axes in ``fig.axes`` (the panel).
    anchor : (float, float)
        The symbol's centre.
    anchor_size : float
        The symbol's size in points.
    box : matplotlib.transforms.Bbox
        The label's box as drawn (a callout's frame).
    gap : float
        Points between the box and the symbol's edge.
    leader : bool
        Whether a leader line is drawn.
    leader_width : float
        Its width in points (0 without one).
    leader_cased : bool
        Whether it has a white casing.
    leader_ends : tuple of two (x, y), or None
        Its first (at the label) and last point (at the symbol).
    nearest_other : str or None
        The nearest other symbol to the box, and ``nearest_other_gap`` its distance
        from the box in points (from its edge).
    nearest_other_gap : float
    """

    text: str
    key: str
    kind: str
    symbol: str | None
    axes: int
    anchor: tuple[float, float]
    anchor_size: float
    box: Bbox
    gap: float
    leader: bool
    leader_width: float
    leader_cased: bool
    leader_ends: tuple[tuple[float, float], tuple[float, float]] | None
    nearest_other: str | None
    nearest_other_gap: float

    @property
    def ok(self) -> bool:
        """Whether the label keeps the rule: near its symbol (and nearer it than any
        other), or joined to it by a visible leader line."""
        if self.symbol is None or self.kind in AREA_KINDS:
            return True
        if self.leader:
            return self.leader_width >= LEADER_WIDTH_PT - 1e-9 and self.leader_cased and self.leader_ends is not None
        if self.gap > LABEL_GAP_PT:
            return False
        return self.kind != "node" or self.nearest_other is None or self.nearest_other_gap > self.gap


def placements(fig: Figure | SubFigure) -> list[Placement]:
    """Measure every placed label of a map figure (after drawing it, as when saved).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        A map from :func:`~transcaspian.maps.static.plot_map` or
        :func:`~transcaspian.maps.static.plot_comparison`.

    Returns
    -------
    list of Placement
        One per label, in drawing order; :attr:`Placement.ok` tells whether it keeps
        the placement rule.

    Examples
    --------
    >>> import transcaspian as tc
    >>> from transcaspian.maps.labels import placements
    >>> net = tc.load_network("tests/fixtures/mini")
    >>> fig = tc.plot_map(net, tc.solve(net))
    >>> all(p.ok for p in placements(fig))
    True
    """
    fig.canvas.draw()  # apply the axes' aspect, as saving does
    renderer = get_renderer(fig)
    out: list[Placement] = []
    for i, ax in enumerate(fig.axes):
        syms: list[Symbol] = getattr(ax, "_tc_symbols", [])
        px = ax.figure.dpi / 72.0
        sym_xy = ax.transData.transform(np.array([(s[1], s[2]) for s in syms], dtype=float).reshape(-1, 2)) if syms else None
        for ann in ax.texts:
            spec: LabelSpec | None = getattr(ann, "_tc_spec", None)
            if spec is None:
                continue
            out.append(_placement(cast("Annotation", ann), spec, i, ax, renderer, px, syms, sym_xy))
    return out


def _placement(
    ann: Annotation,
    spec: LabelSpec,
    index: int,
    ax: Axes,
    renderer: RendererBase,
    px: float,
    syms: Sequence[Symbol],
    sym_xy: np.ndarray | None,
) -> Placement:
    """One label's :class:`Placement`."""
    patch = ann.get_bbox_patch()
    box = patch.get_window_extent(renderer) if patch is not None else Text.get_window_extent(ann, renderer)
    ax_, ay_ = (float(v) for v in ax.transData.transform((spec.x, spec.y)))
    gap = max(0.0, float(_point_box_distance(box, ax_, ay_)) / px - spec.anchor_size / 2)
    arrow = ann.arrow_patch
    leader = arrow is not None and arrow.get_visible()
    ends = None
    width, cased = 0.0, False
    if arrow is not None and leader:
        verts = arrow.get_transform().transform(arrow.get_path().vertices)
        ends = ((float(verts[0][0]), float(verts[0][1])), (float(verts[-1][0]), float(verts[-1][1])))
        width = float(arrow.get_linewidth())
        cased = any(isinstance(e, patheffects.withStroke) for e in arrow.get_path_effects())
    nearest, near_gap = None, math.inf
    if sym_xy is not None:
        for (key, *_rest), (sx, sy) in zip(syms, sym_xy, strict=True):
            if key == spec.symbol:
                continue
            d = float(_point_box_distance(box, sx, sy)) / px - _rest[2] / 2
            if d < near_gap:
                nearest, near_gap = key, d
    return Placement(
        text=ann.get_text(), key=spec.key, kind=spec.kind, symbol=spec.symbol, axes=index, anchor=(ax_, ay_),
        anchor_size=spec.anchor_size, box=box, gap=gap, leader=leader, leader_width=width, leader_cased=cased,
        leader_ends=ends, nearest_other=nearest, nearest_other_gap=near_gap,
    )


def get_renderer(fig: Figure | SubFigure) -> RendererBase:
    """The renderer that measures text (the figure's own when its canvas has none)."""
    # a bare FigureCanvasBase has no renderer: the figure then makes one of its own
    get = getattr(fig.canvas, "get_renderer", None) or getattr(fig, "_get_renderer", None)
    if get is None:  # pragma: no cover - every matplotlib figure has one of the two
        raise TypeError(f"cannot measure text on {fig!r}: its canvas has no renderer")
    renderer: RendererBase = get()
    return renderer


def marker_boxes(ax: Axes, xy: np.ndarray, sizes_pt: Sequence[float] | np.ndarray) -> list[Bbox]:
    """Display-space boxes of point symbols (centres in data coords, sizes in points)."""
    if len(xy) == 0:
        return []
    disp = ax.transData.transform(np.asarray(xy, dtype=float))
    px = ax.figure.dpi / 72.0
    out = []
    for (x, y), s in zip(disp, sizes_pt, strict=True):
        h = s * px / 2
        out.append(Bbox.from_extents(x - h, y - h, x + h, y + h))
    return out


def artist_boxes(artists: Sequence[Artist], renderer: RendererBase) -> list[Bbox]:
    """Display-space boxes of artists (e.g. the scale bar), for use as obstacles."""
    out = []
    for a in artists:
        try:
            out.append(a.get_window_extent(renderer))
        except (AttributeError, RuntimeError, TypeError):  # pragma: no cover - artists without extent
            continue
    return out
