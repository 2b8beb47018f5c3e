"""Report maps of the corridor network and of flow results (matplotlib).

Maps are drawn in a Lambert conformal conic projection centred on the Caspian over
Natural Earth outlines read offline, with flows as lines whose width is proportional
to the volume, and disabled, derated and saturated elements and stranded volume
marked so a reader sees them at a glance. See docs/maps.md.

Examples
--------
>>> import tempfile, transcaspian as tc
>>> from transcaspian.maps.static import save_map
>>> net = tc.load_network("tests/fixtures/mini")
>>> fig = tc.plot_map(net, title="Mini network")
>>> save_map(fig, tempfile.mkdtemp() + "/mini_network.png").suffix
'.png'
"""

from __future__ import annotations

import dataclasses
import logging
import math
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import matplotlib as mpl
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from shapely.geometry import box

from .. import __version__
from ..errors import InputError
from ..guards import check_network
from ..io import save_figure_atomic
from ..schema import FLOW_EPS
from ..units import CANONICAL_UNITS
from . import style as S
from .basemap import View, country_labels, draw_basemap, draw_north_arrow, draw_scale_bar, make_view
from .data import MapFrames, check_extent, check_pair, data_bounds, flow_changes, map_frames, resolve_ids
from .labels import DIRECTIONS, HALO, LabelSpec, artist_boxes, get_renderer, place_labels
from .layers import Layers, WidthScale, project
from .legend import lay_out_legends, legend_groups
from .text import fmt_volume

if TYPE_CHECKING:
    import geopandas as gpd
    from matplotlib.axes import Axes
    from matplotlib.legend import Legend
    from matplotlib.text import Annotation
    from matplotlib.transforms import Bbox

    from ..flow.result import FlowResult
    from ..network import CorridorNetwork

__all__ = ["plot_map", "plot_comparison", "save_map", "export_map"]

log = logging.getLogger(__name__)

# Layout in inches.
_LEFT, _RIGHT, _GAP, _TOP, _PANEL_TITLE, _BOTTOM = 0.3, 0.3, 0.3, 0.85, 0.32, 0.38
_CORRIDOR_COUNTRIES = {
    "KAZ", "RUS", "AZE", "GEO", "ARM", "TUR", "TKM", "UZB", "KGZ", "TJK", "CHN", "IRN", "AFG", "UKR", "ROU", "BGR", "MNG",
}
_SUB_LINE = 0.19  # inches per extra subtitle line
_MINOR = 40.0  # node labels below this priority come after country names
_AROUND = ((0.0, 0.0), (0.0, 1.0), (0.0, -1.0), (1.0, 0.0), (-1.0, 0.0))
_SEAS = (("Caspian\nSea", 50.9, 42.3), ("Black Sea", 34.3, 43.4), ("Mediterranean Sea", 27.0, 33.9), ("Persian Gulf", 51.5, 27.0))


# --------------------------------------------------------------------- layout
class _Layout:
    """Figure geometry in inches: title band, map panels, legend strip, source line.

    Panels sit side by side, or one above the other with ``stacked=True``.
    """

    def __init__(
        self, aspect: float, *, panels: int = 1, stacked: bool = False, map_width: float = 10.4, max_height: float = 7.2
    ) -> None:
        self.panels = panels
        self.cols, self.rows = (1, panels) if stacked else (panels, 1)
        self.map_w = map_width if self.cols == 1 else 7.4
        max_height = max_height if self.rows == 1 else 5.6
        self.map_h = self.map_w * aspect
        if self.map_h > max_height:
            self.map_h = max_height
            self.map_w = self.map_h / aspect
        self.vgap = _PANEL_TITLE + 0.15
        self.top = _TOP + (_PANEL_TITLE if panels > 1 else 0.0)
        self.width = math.ceil(max(_LEFT + self.cols * self.map_w + (self.cols - 1) * _GAP + _RIGHT, 8.0) * 20) / 20
        self.strip = 1.6
        self.fig = Figure(figsize=(self.width, self.height), dpi=100)
        FigureCanvasAgg(self.fig)
        self.fig._tc_own_layout = True  # type: ignore[attr-defined]
        self.axes = [self.fig.add_axes(self._rect(i)) for i in range(panels)]

    def _wrap(self, text: str, *, fontsize: float) -> list[str]:
        """``text`` in lines no wider than the page, broken at " \u00b7 ", then " \u2192 "."""
        renderer = get_renderer(self.fig)
        room = (self.width - _LEFT - _RIGHT) * self.fig.dpi

        def width(t: str) -> float:
            probe = self.fig.text(0, 0, t, fontsize=fontsize, parse_math=False)
            w = float(probe.get_window_extent(renderer).width)
            probe.remove()
            return w

        pieces: list[str] = []
        for part in text.split(" \u00b7 "):
            if width(part) <= room or " \u2192 " not in part:
                pieces.append(part)
            else:
                a, b = part.split(" \u2192 ", 1)
                pieces += [a + " \u2192", b]
        lines: list[str] = []
        for piece in pieces:
            sep = " " if lines and lines[-1].endswith("\u2192") else " \u00b7 "
            if lines and width(lines[-1] + sep + piece) <= room:
                lines[-1] += sep + piece
            else:
                lines.append(piece)
        return lines

    @property
    def height(self) -> float:
        return self.top + self.rows * self.map_h + (self.rows - 1) * self.vgap + self.strip + _BOTTOM

    @property
    def legend_ax(self) -> Axes:
        """The axes the legend strip hangs under (the lowest, leftmost panel)."""
        return self.axes[-1] if self.rows > 1 else self.axes[0]

    def _rect(self, i: int) -> tuple[float, float, float, float]:
        col, row = (0, i) if self.rows > 1 else (i, 0)
        x0 = (self.width - (self.cols * self.map_w + (self.cols - 1) * _GAP)) / 2 + col * (self.map_w + _GAP)
        y0 = _BOTTOM + self.strip + (self.rows - 1 - row) * (self.map_h + self.vgap)
        return (x0 / self.width, y0 / self.height, self.map_w / self.width, self.map_h / self.height)

    def fit_strip(self, legends: Sequence[Legend]) -> None:
        """Resize the figure so the legend strip just holds the legends."""
        if legends:
            renderer = get_renderer(self.fig)
            ax_bottom = self.legend_ax.get_window_extent(renderer).y0
            low = min(leg.get_window_extent(renderer).y0 for leg in legends)
            self.strip = max(0.25, (ax_bottom - low) / self.fig.dpi + 0.12)
        else:
            self.strip = 0.1
        self.strip += math.ceil(self.height * 20) / 20 - self.height  # whole pixels at 100/200 dpi
        self.fig.set_size_inches(self.width, self.height)
        for i, ax in enumerate(self.axes):
            ax.set_position(self._rect(i))

    def texts(self, title: str, subtitle: str) -> None:
        """Title, subtitle and source line; a subtitle wider than the page is wrapped at its
        " \u00b7 " (then " \u2192 ") breaks and the title band grows to hold it."""
        lines = self._wrap(subtitle, fontsize=9.5) if subtitle else []
        if len(lines) > 1:
            self.top += (len(lines) - 1) * _SUB_LINE
            self.fig.set_size_inches(self.width, self.height)
            for i, ax in enumerate(self.axes):
                ax.set_position(self._rect(i))
        h = self.height
        x = _LEFT / self.width
        self.fig.text(x, 1 - 0.14 / h, title, ha="left", va="top", fontsize=14, fontweight="bold", color=S.INK, parse_math=False)
        if lines:
            self.fig.text(x, 1 - 0.50 / h, "\n".join(lines), ha="left", va="top", fontsize=9.5, color="#555555",
                          parse_math=False, linespacing=1.35)
        self.fig.text(x, 0.16 / h, S.SOURCE_LINE, ha="left", va="bottom", fontsize=7.5, color="#555555", parse_math=False)


# ----------------------------------------------------------------------- view
def _default_extent(frames: Iterable[MapFrames]) -> tuple[float, float, float, float]:
    bounds = [b for b in (data_bounds(f) for f in frames) if b is not None]
    if not bounds:
        return S.DEFAULT_EXTENT
    x0 = min(b[0] for b in bounds)
    y0 = min(b[1] for b in bounds)
    x1 = max(b[2] for b in bounds)
    y1 = max(b[3] for b in bounds)
    px, py = max(1.5, 0.05 * (x1 - x0)), max(1.2, 0.08 * (y1 - y0))
    mx0, my0, mx1, my1 = S.MAX_EXTENT
    x0, y0, x1, y1 = max(mx0, x0 - px), max(my0, y0 - py), min(mx1, x1 + px), min(my1, y1 + py)
    for lo, hi, span, idx in ((x0, x1, 10.0, 0), (y0, y1, 6.0, 1)):
        if hi - lo < span:
            c = (lo + hi) / 2
            lo, hi = c - span / 2, c + span / 2
            if idx == 0:
                x0, x1 = lo, hi
            else:
                y0, y1 = lo, hi
    return (x0, y0, x1, y1)


def _view(frames: Sequence[MapFrames], extent: Sequence[float] | None) -> View:
    if extent is None:
        return make_view(_default_extent(frames), min_aspect=0.5, max_aspect=0.8)
    x0, y0, x1, y1 = check_extent(extent)
    return make_view((x0, y0, x1, y1), min_aspect=0.45, max_aspect=1.0)


# --------------------------------------------------------------------- panels
def _m_per_pt(ax: Axes, view: View) -> float:
    fig = cast("Figure", ax.figure)  # a map axes sits on a figure, not a subfigure
    width_in = ax.get_position().width * fig.get_figwidth()
    return view.width / (width_in * 72.0)


def _need_scale(scale: WidthScale | None) -> WidthScale:
    if scale is None:
        raise ValueError("a map of flows or changes needs their width scale")
    return scale


def _draw_panel(
    ax: Axes,
    frames: MapFrames,
    view: View,
    *,
    scale: WidthScale | None,
    commodity: str | None,
    highlight: set[str],
    changes: gpd.GeoDataFrame | None = None,
    stranded_delta: dict[tuple[str, str], float] | None = None,
) -> Layers:
    """Basemap and network layers of one map panel (labels are placed later)."""
    draw_basemap(ax, view)
    ax.set_autoscale_on(False)
    lay = Layers(ax, _m_per_pt(ax, view), box(view.xmin, view.ymin, view.xmax, view.ymax))
    links = project(frames.links, view.crs)
    nodes = project(frames.nodes, view.crs)
    used: set[str] | None = None
    if changes is not None:
        lay.backdrop(links)
        lay.saturated_halos(project(frames.flows, view.crs))
        lay.changes(project(changes, view.crs), _need_scale(scale))
    elif frames.has_result:
        lay.backdrop(links)
        flows = project(frames.flows, view.crs)
        lay.flows(flows, _need_scale(scale), highlight=highlight)
        used = _used_nodes(frames, flows)
    else:
        lay.network_links(links, commodity=commodity, highlight=highlight)
    lay.disabled_links(links)
    lay.derated_links(links)
    lay.off_map(links, nodes, used=used)
    stranded = lay.stranded(frames.stranded, nodes, delta=stranded_delta)
    lay.nodes(nodes, used=used, highlight=highlight, stranded=stranded)
    return lay


def _used_nodes(frames: MapFrames, flows: gpd.GeoDataFrame) -> set[str]:
    """Ends of the links with flow (``""`` stands for a link missing from the frames)."""
    used: set[str] = set()
    links = frames.links
    for lid in flows.loc[flows["flow"] > FLOW_EPS, "link"]:
        used.add(str(links.at[lid, "from_node"]) if lid in links.index else "")
        used.add(str(links.at[lid, "to_node"]) if lid in links.index else "")
    return used


def _place_all(ax: Axes, view: View, lay: Layers, extra: Sequence[LabelSpec] = ()) -> list[Annotation]:
    """Scale bar, north arrow, then node, callout, change, sea and country labels."""
    renderer = get_renderer(ax.figure)
    furniture = draw_scale_bar(ax, view) + draw_north_arrow(ax, view)
    obstacles = lay.symbol_boxes() + artist_boxes(furniture, renderer)
    placed: list[Bbox] = []
    pts = lay.line_points()
    # key labels first, then sea and country names, then minor nodes (junctions ...)
    first = [sp for sp in [*lay.labels, *extra] if sp.priority >= _MINOR]
    minor = [sp for sp in lay.labels if sp.priority < _MINOR]
    syms = lay.symbols
    kept = place_labels(ax, first, obstacles=obstacles, line_points=pts, placed=placed, symbols=syms)
    inv = view.to_map()
    seas = []
    for text, lon, lat in _SEAS:
        x, y = inv.transform(lon, lat)
        if view.xmin < x < view.xmax and view.ymin < y < view.ymax:
            style = {"fontsize": 8.5, "color": "#4f7391", "fontstyle": "italic", "zorder": 2, "linespacing": 1.0}
            seas.append(
                LabelSpec(x, y, text, priority=3, radius=(0, 14, 28, 42), style=style, directions=_AROUND, max_cover=0, kind="sea")
            )
    kept += place_labels(ax, seas, obstacles=obstacles, placed=placed, line_points=pts, symbols=syms)
    countries = []
    for i, c in enumerate(country_labels(view)):
        if c["code"] not in _CORRIDOR_COUNTRIES and c["area"] < 0.015:
            continue
        size = 10.5 if c["area"] > 0.06 else 9.0 if c["area"] > 0.02 else 7.5
        style = {"fontsize": size, "color": S.COUNTRY_LABEL, "zorder": 2, "alpha": 0.95}
        countries.append(
            LabelSpec(
                c["x"], c["y"], c["text"].upper(), priority=2 - i * 0.01, radius=(0, 16, 32, 56, 90, 130),
                style=style, directions=((0.0, 0.0), *DIRECTIONS), region=c["geom"],
                max_cover=4 if c["code"] in _CORRIDOR_COUNTRIES else 1, kind="country",
            )
        )
    kept += place_labels(ax, countries, obstacles=obstacles, placed=placed, line_points=pts, symbols=syms)
    kept += place_labels(ax, minor, obstacles=obstacles, placed=placed, line_points=pts, symbols=syms)
    return kept


def _change_labels(changes: gpd.GeoDataFrame | None, view: View, scale: WidthScale) -> list[LabelSpec]:
    """"+8.0" / "-30.0" labels on links whose flow changed noticeably.

    On a map of one commodity the legend gives the unit; when the changes mix
    commodities each label names its unit ("-30.0 Mt/y", "+20.0 bcm/y"), and its
    commodity too where two of them share a unit ("+5.0 kt/y uranium").
    """
    if changes is None or len(changes) == 0:
        return []
    specs = []
    proj = project(changes, view.crs)
    top = {u: v for u, v in scale.vmax.items()}
    rows: list[Any] = list(proj.itertuples())
    coms = {str(r.commodity) for r in rows}
    per_unit: dict[str, set[str]] = {}
    for r in rows:
        per_unit.setdefault(str(r.unit), set()).add(str(r.commodity))
    for r in rows:
        if r.geometry is None or abs(r.delta) < 0.05 * top.get(r.unit, math.inf):
            continue
        mid = r.geometry.interpolate(0.5, normalized=True)
        col = S.GAIN if r.delta > 0 else S.LOSS
        sign = "+" if r.delta > 0 else "\u2212"
        style = {"fontsize": 7.5, "color": col, "fontweight": "bold", "zorder": 22, "path_effects": HALO}
        text = f"{sign}{fmt_volume(abs(r.delta))}"
        if len(coms) > 1:
            text += f" {r.unit}"
            if len(per_unit.get(str(r.unit), ())) > 1:
                text += f" {S.COMMODITY_LABELS.get(str(r.commodity), str(r.commodity)).lower()}"
        width = scale.width(r.delta, r.unit)
        radius = (width / 2 + 3, width / 2 + 12)
        specs.append(
            LabelSpec(
                mid.x, mid.y, text, priority=600 + abs(r.delta), radius=radius, style=style, leader="auto",
                key=f"delta:{r.link}", symbol=str(r.link), anchor_size=width, kind="change",
            )
        )
    return specs


# ------------------------------------------------------------------ captions
def _scenario_name(result: FlowResult) -> str:
    sc = getattr(result, "scenario", None)
    if sc is None:
        return "baseline"
    for attr in ("title", "name", "id"):
        v = getattr(sc, attr, None)
        if v:
            return str(v)
    return "scenario"


def _totals(result: FlowResult, commodities: Sequence[str]) -> tuple[str, str]:
    """Delivered and stranded volumes, one per commodity in its unit (named where two share a unit)."""
    d, u = result.total_delivered, result.total_unserved
    units = [CANONICAL_UNITS.get(c, "") for c in commodities]

    def unit(c: str) -> str:
        own = CANONICAL_UNITS.get(c, "")
        shared = units.count(own) > 1  # uranium and rare earths are both kt/y
        return f"{own} {S.COMMODITY_LABELS.get(c, c).lower()}" if shared else own

    parts_d = [f"{fmt_volume(d.get(c, 0.0))} {unit(c)}" for c in commodities]
    parts_u = [f"{fmt_volume(u.get(c, 0.0))} {unit(c)}" for c in commodities]
    return " + ".join(parts_d), " + ".join(parts_u)


def _flows(commodities: Sequence[str]) -> str:
    """ "Crude oil flows" for one commodity, "Flows" for several."""
    if len(commodities) == 1:
        return f"{S.COMMODITY_LABELS.get(commodities[0], commodities[0])} flows"
    return "Flows"


# ---------------------------------------------------------------------- public
def plot_map(
    net: CorridorNetwork,
    result: FlowResult | None = None,
    *,
    ax: Axes | None = None,
    extent: Sequence[float] | None = None,
    commodity: str | None = None,
    highlight: Sequence[str] = (),
    title: str | None = None,
    legend: bool = True,
) -> Figure:
    """Map of the corridor network, or of a flow result on it.

    Parameters
    ----------
    net : CorridorNetwork
    result : FlowResult, optional
        Flows to draw (line width proportional to flow), with disabled, derated and
        saturated elements marked and stranded volume in callouts at the origins.
        Without it the map shows the network (colour by commodity, style by mode).
    ax : matplotlib.axes.Axes, optional
        Draw into this axes (the legend goes under it; save with
        ``bbox_inches="tight"``, as :func:`save_map` does). Default: a new figure
        laid out for a report page.
    extent : (min lon, min lat, max lon, max lat), optional
        Area to show, e.g. ``(46, 36, 56, 48)`` for the Caspian. Default: the data,
        padded (the corridor region, roughly lon 12-90, lat 34-60).
    commodity : str, optional
        Show one commodity only.
    highlight : sequence of str
        Ids or aliases of nodes or links to emphasise (yellow glow, label forced).
    title : str, optional
        Default: the commodity and scenario.
    legend : bool, default True

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    UnknownElementError
        If a ``highlight`` key names no node or link.
    UnitError
        If ``commodity`` is not in the data.

    Examples
    --------
    >>> import transcaspian as tc
    >>> net = tc.load_network("tests/fixtures/mini")
    >>> fig = tc.plot_map(net, extent=(45, 38, 60, 50), title="Caspian")
    >>> fig.axes[0].get_title() == "" and len(fig.texts) >= 2
    True
    """
    check_network(net, "plot_map")
    with mpl.rc_context(S.rc_params()):
        frames = map_frames(net, result, commodity=commodity)
        hl = resolve_ids(net, highlight)
        view = _view([frames], extent)
        layout: _Layout | None = None
        if ax is None:
            layout = _Layout(view.aspect)
            ax = layout.axes[0]
        scale = None
        if result is not None:
            scale = WidthScale.from_values(zip(frames.flows["unit"], frames.flows["flow"], strict=True))
        lay = _draw_panel(ax, frames, view, scale=scale, commodity=commodity, highlight=hl)
        legends = []
        if legend:
            groups = legend_groups(lay.present, scale=scale, commodities=frames.commodities)
            if layout is not None:
                width_px = (layout.width - _LEFT - _RIGHT) * ax.figure.dpi
            else:
                width_px = ax.get_window_extent(get_renderer(ax.figure)).width
            legends = lay_out_legends(ax, groups, max_width_px=width_px)
        default_title, subtitle = _captions(net, result, frames, commodity)
        if layout is not None:
            layout.fit_strip(legends)
            layout.texts(title or default_title, subtitle)
        else:
            ax.set_title(title or default_title, loc="left", fontweight="bold")
            ax.text(
                1, 0.005, S.SOURCE_LINE, transform=ax.transAxes, ha="right", va="bottom", fontsize=6.5, color="#555555", zorder=31
            )
        _place_all(ax, view, lay)
        return cast("Figure", ax.figure)  # the figure the map is on (a subfigure for an axes of one)


def _captions(net: CorridorNetwork, result: FlowResult | None, frames: MapFrames, commodity: str | None) -> tuple[str, str]:
    """Default title and subtitle of a single map."""
    if result is not None:
        deliv, strand = _totals(result, frames.commodities)
        title = f"{_flows(frames.commodities)} \u2014 {_scenario_name(result)}"
        return title, f"Delivered {deliv} \u00b7 stranded {strand} \u00b7 line width proportional to flow"
    title = "Export corridors of Central Asia" + (f": {S.COMMODITY_LABELS.get(commodity, commodity)}" if commodity else "")
    asof = f" \u00b7 as of {net.as_of}" if getattr(net, "as_of", None) else ""
    return title, f"{len(net.nodes)} nodes, {len(net.links)} links{asof}"


def plot_comparison(
    base: FlowResult,
    other: FlowResult,
    *,
    commodity: str | None = None,
    extent: Sequence[float] | None = None,
    layout: str = "panels",
    highlight: Sequence[str] = (),
    title: str | None = None,
) -> Figure:
    """Where flows moved between two results: before/after panels or one change map.

    Parameters
    ----------
    base, other : FlowResult
        The reference (e.g. baseline) and the scenario result.
    commodity : str, optional
        Show one commodity only.
    extent : (min lon, min lat, max lon, max lat), optional
    layout : {"panels", "stacked", "change"}
        ``"panels"``: before and after side by side with the same width scale; the
        after panel labels the links whose flow changed (+/-). ``"stacked"``: the
        same, one above the other (wider maps, for a portrait page). ``"change"``: one map,
        links coloured blue where flow was gained and red where it was lost, width by
        the size of the change, with the scenario's disabled, saturated and stranded
        marks.
    highlight : sequence of str
        Ids or aliases to emphasise.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import transcaspian as tc
    >>> net = tc.load_network("tests/fixtures/mini")
    >>> scen = tc.Scenario.from_dict({"name": "terminal outage", "disable": ["terminal"]})
    >>> fig = tc.plot_comparison(tc.solve(net), tc.solve(net, scen))
    >>> [ax.get_title(loc="left") for ax in fig.axes]
    ['Before: baseline', 'After: terminal outage']
    """
    if layout not in ("panels", "stacked", "change"):
        raise InputError(f"layout must be 'panels', 'stacked' or 'change', not {layout!r}")
    check_pair(base, other, commodity)
    with mpl.rc_context(S.rc_params()):
        fb = map_frames(base.network, base, commodity=commodity)
        fa = map_frames(other.network, other, commodity=commodity)
        coms = tuple(dict.fromkeys(fb.commodities + fa.commodities))
        db, sb = _totals(base, coms)
        da, sa = _totals(other, coms)
        cmp = _Comparison(
            before=fb,
            after=fa,
            commodities=coms,
            commodity=commodity,
            highlight=resolve_ids(other.network, highlight),
            view=_view([fb, fa], extent),
            changes=flow_changes(fb, fa),
            stranded_delta=_stranded_delta(fb, fa),
            names=(_scenario_name(base), _scenario_name(other)),
            subtitle=f"Delivered {db} \u2192 {da} \u00b7 stranded {sb} \u2192 {sa}",
        )
        if layout in ("panels", "stacked"):
            return _before_after(cmp, stacked=layout == "stacked", title=title)
        return _change_map(cmp, title=title)


@dataclasses.dataclass(frozen=True)
class _Comparison:
    """What both comparison layouts draw from."""

    before: MapFrames
    after: MapFrames
    commodities: tuple[str, ...]
    commodity: str | None
    highlight: set[str]
    view: View
    changes: gpd.GeoDataFrame
    stranded_delta: dict[tuple[str, str], float]
    names: tuple[str, str]
    subtitle: str


def _before_after(cmp: _Comparison, *, stacked: bool, title: str | None) -> Figure:
    """Before and after panels with one width scale; the after panel labels the changes."""
    fb, fa, view, coms = cmp.before, cmp.after, cmp.view, cmp.commodities
    name_b, name_a = cmp.names
    lo = _Layout(view.aspect, panels=2, stacked=stacked)
    scale = WidthScale.from_values(
        [*zip(fb.flows["unit"], fb.flows["flow"], strict=True), *zip(fa.flows["unit"], fa.flows["flow"], strict=True)]
    )
    kw: dict[str, Any] = {"scale": scale, "commodity": cmp.commodity, "highlight": cmp.highlight}
    lay_b = _draw_panel(lo.axes[0], fb, view, **kw)
    lay_a = _draw_panel(lo.axes[1], fa, view, **kw, stranded_delta=cmp.stranded_delta)
    present = {k: lay_b.present[k] | lay_a.present[k] for k in lay_b.present}
    if _signs(cmp.changes):
        present["marks"].add("delta")
    groups = legend_groups(present, scale=scale, commodities=coms)
    legends = lay_out_legends(lo.legend_ax, groups, max_width_px=(lo.width - _LEFT - _RIGHT) * lo.fig.dpi)
    lo.fit_strip(legends)
    lo.texts(title or f"{_flows(coms)}: {name_b} vs {name_a}", cmp.subtitle)
    for ax, head in zip(lo.axes, (f"Before: {name_b}", f"After: {name_a}"), strict=True):
        t = ax.set_title(head, loc="left", fontsize=11, fontweight="bold", pad=5)
        t.set_parse_math(False)
    _place_all(lo.axes[0], view, lay_b)
    _place_all(lo.axes[1], view, lay_a, _change_labels(cmp.changes, view, scale))
    return lo.fig


def _change_map(cmp: _Comparison, *, title: str | None) -> Figure:
    """One map of gains and losses, width by the change, with the scenario's marks."""
    changes, view, coms = cmp.changes, cmp.view, cmp.commodities
    name_b, name_a = cmp.names
    lo = _Layout(view.aspect)
    ax = lo.axes[0]
    scale = WidthScale.from_values(zip(changes["unit"], changes["delta"].abs(), strict=True))
    lay = _draw_panel(
        ax, cmp.after, view, scale=scale, commodity=cmp.commodity, highlight=cmp.highlight, changes=changes,
        stranded_delta=cmp.stranded_delta,
    )
    changed = [c for c in coms if c in set(changes["commodity"])]
    groups = legend_groups(lay.present, scale=scale, commodities=changed, change=True)
    legends = lay_out_legends(ax, groups, max_width_px=(lo.width - _LEFT - _RIGHT) * lo.fig.dpi)
    lo.fit_strip(legends)
    lo.texts(title or f"Change in {_flows(coms).lower()}: {name_a} vs {name_b}", cmp.subtitle)
    _place_all(ax, view, lay, _change_labels(changes, view, scale))
    return lo.fig


def _signs(changes: gpd.GeoDataFrame) -> set[str]:
    out: set[str] = set()
    if (changes["delta"] > FLOW_EPS * 10).any():
        out.add("gain")
    if (changes["delta"] < -FLOW_EPS * 10).any():
        out.add("loss")
    return out


def _stranded_delta(fb: MapFrames, fa: MapFrames) -> dict[tuple[str, str], float]:
    def table(f: MapFrames) -> dict[tuple[str, str], float]:
        rows: list[Any] = list(f.stranded.itertuples())
        return {(str(r.origin), str(r.commodity)): float(r.unserved) for r in rows}

    b, a = table(fb), table(fa)
    return {k: a.get(k, 0.0) - b.get(k, 0.0) for k in set(a) | set(b)}


def export_map(
    path: str | os.PathLike[str],
    net: CorridorNetwork,
    result: FlowResult | None = None,
    *,
    base: FlowResult | None = None,
    commodity: str | None = None,
    extent: Sequence[float] | None = None,
    layout: str = "panels",
    title: str | None = None,
    dpi: int = 200,
) -> Path:
    """Draw and write a map in one call; the suffix picks the kind (for the CLI).

    ``.png``/``.svg``/``.pdf``: :func:`plot_map`, or :func:`plot_comparison` of
    ``base`` and ``result`` when ``base`` is given. ``.html``: the interactive map of
    ``result`` (:func:`transcaspian.maps.interactive.explore_map`), or of the
    comparison when ``base`` is given
    (:func:`transcaspian.maps.interactive.explore_comparison`).

    Parameters
    ----------
    path : str or PathLike
    net : CorridorNetwork
    result : FlowResult, optional
    base : FlowResult, optional
        Reference result: draw the comparison of ``base`` and ``result``.
    commodity, extent, title
        As for :func:`plot_map`.
    layout : {"panels", "change"}
        Comparison layout.
    dpi : int, default 200

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> import tempfile, transcaspian as tc
    >>> from transcaspian.maps.static import export_map
    >>> net = tc.load_network("tests/fixtures/mini")
    >>> export_map(tempfile.mkdtemp() + "/mini.html", net).suffix
    '.html'
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".html":
        from .interactive import explore_comparison, explore_map, write_html  # noqa: PLC0415 - folium only for HTML

        if base is not None and result is not None:
            return write_html(explore_comparison(base, result, commodity=commodity, extent=extent, title=title), path)
        return write_html(explore_map(net, result, commodity=commodity, extent=extent, title=title), path)
    if suffix not in _FORMATS:
        raise InputError(f"{path}: unsupported map format {path.suffix!r}; use .png, .svg, .pdf or .html")
    if base is not None and result is not None:
        fig = plot_comparison(base, result, commodity=commodity, extent=extent, layout=layout, title=title)
    else:
        fig = plot_map(net, result, commodity=commodity, extent=extent, title=title)
    try:
        return save_map(fig, path, dpi=dpi)
    finally:  # the figure is ours: free it (the CLI and batch scripts draw many)
        import matplotlib.pyplot as plt  # noqa: PLC0415 - pyplot only to free a figure the CLI drew

        plt.close(fig)


_FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}


def save_map(fig: Figure, path: str | os.PathLike[str], *, dpi: int = 200) -> Path:
    """Write a map to PNG, SVG or PDF (by suffix), atomically.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    path : str or PathLike
        ``.png``, ``.svg`` or ``.pdf``.
    dpi : int, default 200
        Resolution of a PNG (at least 150, for print); ignored for vector formats
        except for embedded images.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    ValueError
        For another suffix or a PNG below 150 dpi.

    Examples
    --------
    >>> import tempfile, transcaspian as tc
    >>> from transcaspian.maps.static import save_map
    >>> fig = tc.plot_map(tc.load_network("tests/fixtures/mini"))
    >>> save_map(fig, tempfile.mkdtemp() + "/mini.svg").suffix
    '.svg'
    """
    path = Path(path)
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(f"{path}: unsupported map format {path.suffix!r}; use .png, .svg or .pdf")
    if isinstance(dpi, bool) or not isinstance(dpi, int | float) or not math.isfinite(dpi) or dpi <= 0:
        raise InputError(f"{path}: dpi={dpi!r} is not a resolution (fix: give a number of dots per inch, e.g. dpi=200)")
    if fmt == "png" and dpi < 150:
        raise InputError(f"{path}: dpi={dpi} is too coarse for a report map; use at least 150")
    meta: dict[str, Any] = {"Software": f"transcaspian {__version__} (matplotlib)"}
    if fmt == "png":
        meta["Source"] = S.SOURCE_LINE
    elif fmt == "pdf":
        meta = {"Creator": meta["Software"], "Subject": S.SOURCE_LINE, "CreationDate": None}
    else:
        meta = {"Creator": meta["Software"], "Source": S.SOURCE_LINE, "Date": None}
    tight = not getattr(fig, "_tc_own_layout", False)
    with mpl.rc_context({"svg.hashsalt": "transcaspian"}):
        out = save_figure_atomic(fig, path, dpi=dpi, metadata=meta, bbox_inches="tight" if tight else None, facecolor="white")
    log.info("wrote map %s", out)
    return out
