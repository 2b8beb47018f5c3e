"""Greedy label placement with bounding-box collision checks (internal).

Labels are placed in priority order. Each tries candidate positions around its anchor
(upper right first, as cartographers do); a position is taken if the label's box, as
measured by the renderer, stays inside the map and overlaps no label already placed
and no obstacle (node symbols, scale bar, callouts). Among free positions the one
covering the fewest flow lines wins. A label with no free position is dropped, unless
it is ``required`` (stranded-volume callouts), which then takes its least-bad position.
"""

from __future__ import annotations

import dataclasses
import logging
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib import patheffects
from matplotlib.transforms import Bbox
from shapely.geometry import Point

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes
    from matplotlib.backend_bases import RendererBase
    from matplotlib.figure import Figure, SubFigure
    from matplotlib.text import Annotation
    from matplotlib.transforms import Transform

__all__ = ["LabelSpec", "place_labels", "DIRECTIONS", "HALO", "get_renderer", "marker_boxes", "artist_boxes"]

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
    _prepared: Any = dataclasses.field(default=None, init=False, repr=False, compare=False)


def _alignment(dx: float, dy: float) -> tuple[str, str]:
    ha = "left" if dx > 0.2 else "right" if dx < -0.2 else "center"
    va = "bottom" if dy > 0.2 else "top" if dy < -0.2 else "center"
    return ha, va


def _prepared(spec: LabelSpec) -> Any:
    """The spec's region, prepared for fast point-in-polygon tests (once per spec)."""
    if spec._prepared is None:
        from shapely.prepared import prep

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
    """What placing labels on one axes needs: renderer, frame, boxes taken, line samples."""

    ax: Axes
    renderer: Any
    frame: Bbox
    placed: list[Bbox]
    obstacles: list[Bbox]
    pts: np.ndarray | None
    px_per_pt: float
    inverse: Transform


#: A candidate position: its score, display box, offset in points and (ha, va).
_Choice = tuple[float, Bbox, tuple[float, float], tuple[str, str]]


def place_labels(
    ax: Axes,
    specs: Sequence[LabelSpec],
    *,
    obstacles: Sequence[Bbox] = (),
    line_points: np.ndarray | None = None,
    placed: list[Bbox] | None = None,
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

    Returns
    -------
    list of matplotlib.text.Annotation
        Each carries ``_tc_key`` (the spec's key) and ``_tc_bbox`` (its display box).
    """
    renderer = get_renderer(ax.figure)
    cv = _Canvas(
        ax=ax,
        renderer=renderer,
        frame=ax.get_window_extent(renderer),
        placed=placed if placed is not None else [],
        obstacles=list(obstacles),
        pts=line_points if line_points is not None and len(line_points) else None,
        px_per_pt=ax.figure.dpi / 72.0,
        inverse=ax.transData.inverted(),
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
        _, bb, off, (ha, va) = choice
        kept.append(_annotate(ax, spec, bb, off, ha, va, first_radius=radii[0]))
        cv.placed.append(bb)
    if dropped:
        log.debug("label placement dropped %d of %d labels (no free position)", dropped, len(specs))
    return kept


def _measure(cv: _Canvas, spec: LabelSpec, off: tuple[float, float], ha: str, va: str) -> Bbox:
    """Display box of the label at offset ``off`` (points), with its margin."""
    ann = cv.ax.annotate(spec.text, xy=(spec.x, spec.y), xytext=off, textcoords="offset points", ha=ha, va=va, **spec.style)
    ann.set_parse_math(False)
    bb = ann.get_window_extent(cv.renderer).expanded(1.0, 1.0)
    m = spec.margin * cv.px_per_pt
    ann.remove()
    return Bbox.from_extents(bb.x0 - m, bb.y0 - m, bb.x1 + m, bb.y1 + m)


def _clash(cv: _Canvas, spec: LabelSpec, bb: Bbox, why: dict[str, int]) -> tuple[bool, int]:
    """Whether a box collides (labels, obstacles, too many lines, outside its region),
    and how many line samples it covers; counts the reasons in ``why``."""
    clash = _overlaps(bb, cv.placed) or _overlaps(bb, cv.obstacles)
    why["overlap"] += clash
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


def _search(cv: _Canvas, spec: LabelSpec, radii: Sequence[float]) -> tuple[_Choice | None, int, dict[str, int]]:
    """The best free position (else, for a required label, the least bad one).

    Returns the choice (``None``: no position), the number of positions tried and
    why positions were rejected.
    """
    frame = cv.frame
    best: _Choice | None = None
    fallback: _Choice | None = None
    order = 0
    why = {"outside": 0, "overlap": 0, "lines": 0, "region": 0}
    for r in radii:
        for dx, dy in spec.directions or DIRECTIONS:
            ha, va = _alignment(dx, dy)
            off = (dx * r, dy * r)
            bb = _measure(cv, spec, off, ha, va)
            inside = bb.x0 >= frame.x0 and bb.x1 <= frame.x1 and bb.y0 >= frame.y0 and bb.y1 <= frame.y1
            why["outside"] += not inside
            clash, cover = _clash(cv, spec, bb, why)
            score = order * 0.6 + cover * 1.0
            order += 1
            if inside and not clash:
                if best is None or score < best[0]:
                    best = (score, bb, off, (ha, va))
                if cover == 0:  # the most preferred free position with no line under it
                    return best, order, why
            elif inside and spec.required:
                bad = _overlap_area(bb, cv.placed) + _overlap_area(bb, cv.obstacles) + score
                if fallback is None or bad < fallback[0]:
                    fallback = (bad, bb, off, (ha, va))
    return best or fallback, order, why


def _annotate(
    ax: Axes, spec: LabelSpec, bb: Bbox, off: tuple[float, float], ha: str, va: str, *, first_radius: float
) -> Annotation:
    """Draw the label at its chosen position (with a leader line if asked for)."""
    style = dict(spec.style)
    far = math.hypot(*off) > first_radius + 0.5
    if spec.leader is True or (spec.leader == "auto" and far):
        strong = spec.leader is True or spec.required
        colour = style.get("color", "#333333") if strong else "#666666"
        style.setdefault(
            "arrowprops",
            {"arrowstyle": "-", "color": colour, "lw": 0.9 if strong else 0.6, "shrinkA": 0, "shrinkB": 3},
        )
    ann = ax.annotate(spec.text, xy=(spec.x, spec.y), xytext=off, textcoords="offset points", ha=ha, va=va, **style)
    ann.set_parse_math(False)
    ann._tc_key = spec.key  # type: ignore[attr-defined]
    ann._tc_bbox = bb  # type: ignore[attr-defined]
    return ann


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
