"""Drawing the network layers of a static map: links, flows, nodes, status marks (internal).

Everything here draws on a matplotlib Axes in the projected map CRS and returns the
label requests (:class:`~transcaspian.maps.labels.LabelSpec`) and obstacle boxes that
:mod:`transcaspian.maps.static` hands to the label placer.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.markers import MarkerStyle
from matplotlib.transforms import Affine2D
from shapely.geometry import LineString, MultiLineString

from ..schema import COMMODITIES, FLOW_EPS, INACTIVE_STATUSES
from . import style as S
from .labels import DIRECTIONS, HALO, LabelSpec, marker_boxes
from .text import fmt_volume, short_label

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.transforms import Bbox
    from shapely.geometry.base import BaseGeometry
    from shapely.geometry.polygon import Polygon

__all__ = ["WidthScale", "Layers", "nice_values", "project"]

MAX_WIDTH = 9.0  # points, at the largest flow of a unit
CROSS_SIZE = 13.0  # points, the red cross on a disabled element
RING_SIZE = 15.0  # points, the orange ring on a derated one
MIN_WIDTH = 0.9  # points, floor so small flows stay visible
BACKDROP_WIDTH = 0.8
NETWORK_WIDTH = 1.7


def nice_values(vmax: float, n: int = 3) -> list[float]:
    """Up to ``n`` round values for a width legend, the largest not above ``vmax``.

    Examples
    --------
    >>> nice_values(63.0)
    [10.0, 30.0, 60.0]
    >>> nice_values(4.2)
    [0.6, 2.0, 4.0]
    """
    if not (vmax > 0 and math.isfinite(vmax)):
        return []

    def floor_nice(v: float) -> float:
        e = 10 ** math.floor(math.log10(v))
        for m in (10, 8, 6, 5, 4, 3, 2, 1.5, 1):
            if m * e <= v * (1 + 1e-9):
                return float(f"{m * e:.12g}")
        return float(f"{e:.12g}")

    top = floor_nice(vmax)
    vals = {top, floor_nice(top / 2), floor_nice(top / 6)}
    return sorted(v for v in vals if v > 0)[-n:]


@dataclasses.dataclass
class WidthScale:
    """Line width proportional to flow, one factor per unit (points per unit of flow).

    ``width = max(MIN_WIDTH, flow * factor[unit])``; the largest flow of a unit is
    drawn ``MAX_WIDTH`` points wide.
    """

    vmax: dict[str, float]

    @classmethod
    def from_values(cls, pairs: Iterable[tuple[str, float]]) -> WidthScale:
        vmax: dict[str, float] = {}
        for unit, v in pairs:
            if v > FLOW_EPS and math.isfinite(v):
                vmax[unit] = max(vmax.get(unit, 0.0), float(v))
        return cls(vmax)

    def width(self, value: float, unit: str) -> float:
        top = self.vmax.get(unit)
        if not top:
            return MIN_WIDTH
        return max(MIN_WIDTH, MAX_WIDTH * abs(value) / top)


def _lines(geom: BaseGeometry | None) -> list[np.ndarray]:
    if geom is None or geom.is_empty:
        return []
    if isinstance(geom, MultiLineString):
        return [np.asarray(g.coords) for g in geom.geoms]
    return [np.asarray(geom.coords)]


def _dashes(mode: str, width: float = 1.0) -> Any:
    """Dash pattern for a mode; dash lengths grow with the square root of the width.

    matplotlib multiplies dash lengths by the line width; a 9-point flow would get
    36-point dashes, so the pattern is divided by ``sqrt(width)`` first.
    """
    d = S.MODE_STYLES.get(mode, {}).get("dashes")
    if not d:
        return None
    k = 1.0 / math.sqrt(max(width, 1.0))
    return (0, tuple(v * k for v in d))


def _midpoint(geom: BaseGeometry) -> tuple[float, float, float]:
    """Point halfway along a line and the direction there (degrees, display = data)."""
    line = geom if isinstance(geom, LineString) else max(geom.geoms, key=lambda g: g.length)
    p = line.interpolate(0.5, normalized=True)
    a = line.interpolate(0.47, normalized=True)
    b = line.interpolate(0.53, normalized=True)
    return p.x, p.y, math.degrees(math.atan2(b.y - a.y, b.x - a.x))


#: Sixteen directions for required labels: the eight of :data:`labels.DIRECTIONS`, then
#: the eight between them (a crowded hub finds a free position more often).
_MANY_DIRECTIONS = (
    *DIRECTIONS,
    *((math.cos(math.radians(a)), math.sin(math.radians(a))) for a in (22.5, 67.5, 112.5, 157.5, 202.5, 247.5, 292.5, 337.5)),
)


def _node_label(nid: str, row: pd.Series, size: float, *, used: set[str] | None, highlight: set[str]) -> LabelSpec:
    """The name label request of a node.

    Disabled and highlighted names and the corridor's key hubs (:data:`style.KEY_HUBS`)
    are required: they are always placed, with a leader line when there is no room
    beside the symbol.
    """
    kind = str(row["kind"])
    pri = float(S.LABEL_PRIORITY.get(kind, 20))
    if used is not None:
        pri += 12 if nid in used else -15
    style: dict[str, Any] = {"fontsize": 7.8, "color": S.INK, "zorder": 20, "path_effects": HALO}
    required = False
    if bool(row["disabled"]):  # before the stranded callouts: the name belongs next to its cross
        pri, required = 2000, True
        style.update(color=S.DISABLED, fontweight="bold", fontsize=8.5)
        size = max(size, CROSS_SIZE)
    elif nid in highlight:
        pri, required = 900, True
        style.update(fontweight="bold")
    elif nid in S.KEY_HUBS:
        pri, required = 500 + pri, True
        style.update(fontweight="bold")
    elif kind in ("terminal", "market", "port", "chokepoint"):
        style.update(fontweight="bold")
    base = size / 2 + 2.5
    radius: float | tuple[float, ...] = base
    if required:
        radius = (base, base + 10, base + 20, base + 32, base + 46, base + 62, base + 80)
    elif pri >= 40:
        radius = (base, base + 10, base + 22)
    return LabelSpec(
        row.geometry.x, row.geometry.y, short_label(row["name"]), priority=pri, radius=radius, style=style,
        required=required, leader="auto", key=nid, symbol=nid, anchor_size=size, kind="node",
        directions=_MANY_DIRECTIONS if required else None,
    )


def _callout_style() -> dict[str, Any]:
    """Text style of a stranded-volume callout (a fresh dict each time)."""
    return {
        "fontsize": 7.6,
        "color": S.STRANDED,
        "fontweight": "bold",
        "zorder": 25,
        "linespacing": 1.25,
        "multialignment": "left",
        "bbox": {"boxstyle": "round,pad=0.35", "fc": "white", "ec": S.STRANDED, "lw": 1.2, "alpha": 0.95},
    }


def _stranded_lines(
    name: str, origin: str, grp: pd.DataFrame, *, named: bool, delta: dict[tuple[str, str], float] | None
) -> list[str]:
    """A callout's text: the origin's name, then the stranded volume per commodity
    (named when ``named``; with the change against ``delta`` when given)."""
    lines = [short_label(name, width=30).replace("\n", " ")]
    rows: list[Any] = list(grp.itertuples())
    for r in rows:
        text = f"{fmt_volume(r.unserved)} {r.unit} stranded"
        if named:
            text = f"{S.COMMODITY_LABELS.get(r.commodity, r.commodity)}: {text}"
        if delta is not None:
            d = delta.get((origin, str(r.commodity)))
            if d is not None and abs(d) > FLOW_EPS and abs(d - r.unserved) > FLOW_EPS:
                text += f" ({'+' if d > 0 else '-'}{fmt_volume(abs(d))})"
        lines.append(text)
    return lines


class Layers:
    """Draws on one map axes; collects obstacles, line samples and label requests.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    m_per_pt : float
        Projected metres per typographic point on this axes (for parallel offsets).
    frame : shapely Polygon, optional
        The map frame in projected coordinates: only what shows in it gets a legend
        entry, and links leaving it get a "to ..." label.
    """

    def __init__(self, ax: Axes, m_per_pt: float, frame: Polygon | None = None) -> None:
        self.ax = ax
        self.frame = frame
        self.m_per_pt = m_per_pt
        self.labels: list[LabelSpec] = []
        self.symbols: list[tuple[str, float, float, float]] = []  # key, x, y, size in points
        self.samples: list[np.ndarray] = []  # data coords along drawn lines
        self.present: dict[str, set[str]] = {"modes": set(), "kinds": set(), "marks": set(), "commodities": set()}

    # ------------------------------------------------------------ primitives
    def _seen(self, geom: BaseGeometry | None) -> bool:
        """Whether a geometry shows in the map frame (only what shows gets a legend entry)."""
        return self.frame is None or (geom is not None and geom.intersects(self.frame))

    def _plot(self, coords: np.ndarray, *, sample: bool = True, dashes: Any = None, **kw: Any) -> Line2D:
        (line,) = self.ax.plot(coords[:, 0], coords[:, 1], **kw)
        if dashes is not None:
            line.set_linestyle(dashes)
        if sample:
            self.samples.append(_resample(coords, self.m_per_pt * 6))
        return line

    # ----------------------------------------------------------------- links
    def network_links(self, links: gpd.GeoDataFrame, *, commodity: str | None, highlight: set[str]) -> None:
        """Links of a network map (no result): one thin strand per commodity, mode style."""
        for lid, row in links.iterrows():
            if bool(row["disabled"]):
                continue
            coms = [c for c in COMMODITIES if c in (row["commodities"] or [])]
            if commodity is not None:
                if commodity not in coms:
                    continue
                coms = [commodity]
            coms = coms or [""]
            inactive = str(row.get("status", "operating")) in INACTIVE_STATUSES
            w, gap = NETWORK_WIDTH if len(coms) == 1 else NETWORK_WIDTH * 0.8, 0.4
            if lid in highlight:
                self._halo(row.geometry, w * len(coms) + 6, S.HIGHLIGHT, 0.8, z=4.5)
            total = len(coms) * w + (len(coms) - 1) * gap
            for i, com in enumerate(coms):
                off = -total / 2 + w / 2 + i * (w + gap)
                geom = row.geometry
                if abs(off) > 1e-6:
                    geom = geom.offset_curve(off * self.m_per_pt, join_style="round")
                for c in _lines(geom):
                    self._plot(
                        c, color=S.commodity_colour(com or None), lw=w, alpha=0.45 if inactive else 0.95,
                        dashes=_dashes(row["mode"]), zorder=6,
                    )
            if not self._seen(row.geometry):
                continue
            self.present["modes"].add(str(row["mode"]))
            self.present["commodities"].update(c for c in coms if c)
            if inactive:
                self.present["marks"].add("inactive")

    def backdrop(self, links: gpd.GeoDataFrame) -> None:
        """All enabled links as thin grey lines in their mode style (idle infrastructure)."""
        for _, row in links.iterrows():
            if bool(row["disabled"]):
                continue
            inactive = str(row.get("status", "operating")) in INACTIVE_STATUSES
            for c in _lines(row.geometry):
                alpha = 0.35 if inactive else 0.75
                dashes = _dashes(row["mode"])
                self._plot(c, sample=False, color=S.BACKDROP, lw=BACKDROP_WIDTH, alpha=alpha, dashes=dashes, zorder=3)
            if self._seen(row.geometry):
                self.present["modes"].add(str(row["mode"]))
                self.present["marks"].add("idle")

    def flows(self, flows: gpd.GeoDataFrame, scale: WidthScale, *, highlight: set[str], arrows: bool = True) -> None:
        """Flows per link and commodity: width by flow, parallel strands per commodity."""
        if len(flows) == 0:
            return
        active = flows[flows["flow"] > FLOW_EPS]
        order = {c: i for i, c in enumerate(COMMODITIES)}
        for lid, grp in active.groupby("link", sort=False):
            grp = grp.sort_values("commodity", key=lambda s: s.map(lambda c: order.get(c, 99)))
            rows = list(grp.itertuples())
            widths = [scale.width(r.flow, r.unit) for r in rows]
            gap = 0.5
            total = sum(widths) + gap * (len(widths) - 1)
            pos = -total / 2
            for w, r in zip(widths, rows, strict=True):
                off_pt = pos + w / 2
                pos += w + gap
                geom = r.geometry
                if geom is None or geom.is_empty:
                    continue
                if len(widths) > 1 and abs(off_pt) > 1e-6:
                    geom = geom.offset_curve(off_pt * self.m_per_pt, join_style="round")
                self._strand(str(lid), r, geom, w, highlight=highlight, arrows=arrows)

    def _strand(self, lid: str, r: Any, geom: BaseGeometry, w: float, *, highlight: set[str], arrows: bool) -> None:
        """One commodity's flow line on a link (halos under it, an arrow on it)."""
        if lid in highlight:
            self._halo(geom, w + 7, S.HIGHLIGHT, 0.85, z=4.5)
        seen = self._seen(geom)
        if bool(r.saturated):
            self._halo(geom, w + 5.5, S.SATURATED, 0.45, z=5, gid=f"tc-saturated:{lid}")
            if seen:
                self.present["marks"].add("saturated")
        col = S.commodity_colour(r.commodity)
        for c in _lines(geom):
            self._plot(c, color=col, lw=w, dashes=_dashes(r.mode, w), zorder=6, solid_capstyle="butt")
        if arrows:
            self._arrow(geom, col, w, reverse=r.signed < 0)
        if seen:
            self.present["modes"].add(str(r.mode))
            self.present["commodities"].add(str(r.commodity))

    def saturated_halos(self, flows: gpd.GeoDataFrame) -> None:
        """A red halo on each saturated flow (a change map draws these under the changes)."""
        for r in flows[flows["saturated"]].itertuples():
            self._halo(r.geometry, 10.0, S.SATURATED, 0.4, z=5, gid=f"tc-saturated:{r.link}")
            if self._seen(r.geometry):
                self.present["marks"].add("saturated")

    def changes(self, changes: gpd.GeoDataFrame, scale: WidthScale) -> None:
        """Flow changes: blue where a link gained flow, red where it lost, width by change."""
        for r in changes.itertuples():
            if abs(r.delta) <= FLOW_EPS * 10 or r.geometry is None:
                continue
            col = S.GAIN if r.delta > 0 else S.LOSS
            w = scale.width(abs(r.delta), r.unit)
            for c in _lines(r.geometry):
                self._plot(c, color=col, lw=w, alpha=0.9, dashes=_dashes(r.mode, w), zorder=6, solid_capstyle="butt")
            if self._seen(r.geometry):
                self.present["modes"].add(str(r.mode))
                self.present["marks"].add("gain" if r.delta > 0 else "loss")

    def _halo(
        self, geom: BaseGeometry | None, width: float, colour: str, alpha: float, *, z: float, gid: str | None = None
    ) -> None:
        """A wide translucent line under ``geom``; ``gid`` names it (e.g. ``tc-saturated:<link>``)."""
        extra = {"gid": gid} if gid is not None else {}
        for c in _lines(geom):
            self._plot(c, sample=False, color=colour, lw=width, alpha=alpha, zorder=z, solid_capstyle="round", **extra)

    def _arrow(self, geom: BaseGeometry, colour: str, width: float, *, reverse: bool) -> None:
        if geom.length / self.m_per_pt < 45:  # too short on the page for an arrowhead
            return
        x, y, ang = _midpoint(geom)
        if reverse:
            ang += 180.0
        marker = MarkerStyle(">", transform=Affine2D().rotate_deg(ang))
        size = min(13.0, max(5.0, width * 1.1 + 3.5))
        self.ax.plot([x], [y], marker=marker, ms=size, mfc=colour, mec="white", mew=0.7, ls="none", zorder=7)

    def disabled_links(self, links: gpd.GeoDataFrame) -> None:
        """Disabled links greyed and dashed, with a red cross halfway."""
        for lid, row in links[links["disabled"]].iterrows():
            for c in _lines(row.geometry):
                self._plot(c, sample=False, color=S.MUTED, lw=1.6, alpha=0.9, dashes=(0, (3, 2)), zorder=4)
            x, y, _ = _midpoint(row.geometry)
            self._cross(x, y, key=str(lid))
            if self._seen(row.geometry):
                self.present["marks"].add("disabled")

    def derated_links(self, links: gpd.GeoDataFrame) -> None:
        """Derated links: an orange ring halfway with the remaining capacity share."""
        sel = links[(~links["disabled"]) & (links["derate"] < 1.0 - 1e-9)]
        for lid, row in sel.iterrows():
            x, y, _ = _midpoint(row.geometry)
            self._ring(x, y, row["derate"], key=str(lid), seen=self._seen(row.geometry))

    # ----------------------------------------------------------------- nodes
    def nodes(
        self,
        nodes: gpd.GeoDataFrame,
        *,
        used: set[str] | None,
        highlight: set[str],
        stranded: set[str],
        labels: bool = True,
    ) -> None:
        """Node symbols by kind, status marks and label requests."""
        for nid, row in nodes.iterrows():
            size = self._node_symbol(str(nid), row, used=used, highlight=highlight)
            if labels and nid not in stranded:
                self.labels.append(_node_label(str(nid), row, size, used=used, highlight=highlight))

    def _node_symbol(self, nid: str, row: pd.Series, *, used: set[str] | None, highlight: set[str]) -> float:
        """One node's symbol with its glows, cross or ring; returns the symbol size (points)."""
        kind = str(row["kind"])
        st = S.node_style(kind)
        x, y = row.geometry.x, row.geometry.y
        disabled = bool(row["disabled"])
        idle = used is not None and nid not in used
        inactive = str(row.get("status", "operating")) in INACTIVE_STATUSES
        alpha = 0.45 if (disabled or inactive) else (0.7 if idle else 1.0)
        size = st["size"] * (0.85 if idle and not disabled else 1.0)
        seen = self._seen(row.geometry)
        if nid in highlight:
            self._dot(x, y, size + 10, S.HIGHLIGHT, 0.85, z=7.5)
        if bool(row.get("saturated", False)):
            self._dot(x, y, size + 9, S.SATURATED, 0.45, z=7.6)
            if seen:
                self.present["marks"].add("saturated")
        self.ax.plot(
            [x], [y], marker=st["marker"], ms=size, mfc=st["face"], mec=st["edge"], mew=0.8, alpha=alpha, ls="none", zorder=8,
            gid=f"tc-node:{nid}",
        )
        self.symbols.append((nid, x, y, size))
        if seen:
            self.present["kinds"].add(kind)
        if disabled:
            self._cross(x, y, key=nid)
            if seen:
                self.present["marks"].add("disabled")
        elif float(row["derate"]) < 1.0 - 1e-9:
            self._ring(x, y, float(row["derate"]), key=nid, seen=seen)
        return float(size)

    def _dot(self, x: float, y: float, size: float, colour: str, alpha: float, *, z: float) -> None:
        """A round glow of ``size`` points under a node symbol."""
        self.ax.plot([x], [y], marker="o", ms=size, mfc=colour, mec="none", alpha=alpha, ls="none", zorder=z)

    def _cross(self, x: float, y: float, *, key: str) -> None:
        self.ax.plot([x], [y], marker="x", ms=CROSS_SIZE, mec="white", mew=5.0, ls="none", zorder=9.9)
        self.ax.plot([x], [y], marker="x", ms=CROSS_SIZE, mec=S.DISABLED, mew=2.6, ls="none", zorder=10, gid="tc-disabled")
        self.symbols.append((key, x, y, CROSS_SIZE))

    def _ring(self, x: float, y: float, derate: float, *, key: str, seen: bool = True) -> None:
        self.ax.plot(
            [x], [y], marker="o", ms=RING_SIZE, mfc="none", mec=S.DERATED, mew=2.2, ls="none", zorder=9, gid="tc-derated"
        )
        self.symbols.append((key, x, y, RING_SIZE))
        if seen:
            self.present["marks"].add("derated")
        style = {"fontsize": 7.5, "color": "#b35806", "fontweight": "bold", "zorder": 21, "path_effects": HALO}
        self.labels.append(
            LabelSpec(
                x, y, f"{derate * 100:.0f}%", priority=800, radius=(9.0, 14.0, 22.0), style=style, required=True,
                leader="auto", key=f"derate:{key}", symbol=key, anchor_size=RING_SIZE, kind="derate",
            )
        )

    def off_map(self, links: gpd.GeoDataFrame, nodes: gpd.GeoDataFrame, *, used: set[str] | None) -> None:
        """Where a drawn link leaves the map, name the node it leads to ("to Shanghai")."""
        if self.frame is None:
            return
        edge = self.frame.exterior
        seen: set[str] = set()
        for _, row in links.iterrows():
            if bool(row["disabled"]):
                continue
            a, b = str(row["from_node"]), str(row["to_node"])
            if a not in nodes.index or b not in nodes.index:
                continue
            ina, inb = self.frame.contains(nodes.geometry[a]), self.frame.contains(nodes.geometry[b])
            if ina == inb or (used is not None and (a not in used or b not in used)):
                continue
            outside = b if ina else a
            if outside in seen:
                continue
            cut = row.geometry.intersection(edge)
            pts = list(getattr(cut, "geoms", [cut])) if not cut.is_empty else []
            if not pts:
                continue
            target = nodes.geometry[outside]
            p = min(pts, key=lambda q: q.distance(target))
            seen.add(outside)
            style = {"fontsize": 7.2, "color": "#444444", "fontstyle": "italic", "zorder": 20, "path_effects": HALO}
            text = "to " + short_label(nodes.at[outside, "name"], width=26).replace("\n", " ")
            self.labels.append(
                LabelSpec(
                    p.x, p.y, text, priority=35, radius=(4.0, 12.0), style=style, leader="auto", key=f"offmap:{outside}",
                    symbol=f"edge:{outside}", kind="offmap",
                )
            )

    # -------------------------------------------------------------- stranded
    def stranded(
        self, stranded: pd.DataFrame | None, nodes: gpd.GeoDataFrame, *, delta: dict[tuple[str, str], float] | None = None
    ) -> set[str]:
        """Callout boxes with the stranded volume at each origin; returns the origins."""
        out: set[str] = set()
        if stranded is None or len(stranded) == 0:
            return out
        several = len(stranded["commodity"].unique()) > 1
        for origin, grp in stranded.groupby("origin", sort=False):
            if origin not in nodes.index:
                continue
            row = nodes.loc[origin]
            lines = _stranded_lines(row["name"], str(origin), grp, named=len(grp) > 1 or several, delta=delta)
            self.labels.append(
                LabelSpec(
                    row.geometry.x,
                    row.geometry.y,
                    "\n".join(lines),
                    priority=1000 + float(grp["unserved"].sum()),
                    radius=(26.0, 42.0, 64.0),
                    style=_callout_style(),
                    required=True,
                    leader=True,
                    margin=5.0,
                    key=f"stranded:{origin}",
                    symbol=str(origin),
                    anchor_size=float(S.node_style(str(row["kind"]))["size"]),
                    kind="callout",
                )
            )
            out.add(str(origin))
            if self._seen(row.geometry):
                self.present["marks"].add("stranded")
        return out

    # ------------------------------------------------------------- samples
    def line_points(self) -> np.ndarray:
        """Display coordinates sampled along the flow lines drawn so far."""
        if not self.samples:
            return np.empty((0, 2))
        return self.ax.transData.transform(np.vstack(self.samples))

    def symbol_boxes(self) -> list[Bbox]:
        """Display-space boxes of the symbols drawn (obstacles for labels)."""
        if not self.symbols:
            return []
        arr = np.array([s[1:] for s in self.symbols], dtype=float)
        return marker_boxes(self.ax, arr[:, :2], arr[:, 2] + 2)


def _resample(coords: np.ndarray, step: float) -> np.ndarray:
    """Points every ``step`` (data units) along a polyline."""
    if len(coords) < 2 or step <= 0:
        return coords
    seg = np.diff(coords, axis=0)
    lens = np.hypot(seg[:, 0], seg[:, 1])
    total = float(lens.sum())
    if total == 0:
        return coords[:1]
    n = max(2, min(2000, int(total / step) + 1))
    cum = np.concatenate([[0.0], np.cumsum(lens)])
    t = np.linspace(0, total, n)
    return np.column_stack([np.interp(t, cum, coords[:, 0]), np.interp(t, cum, coords[:, 1])])


def project(frame: gpd.GeoDataFrame, crs: str) -> gpd.GeoDataFrame:
    """A projected copy (empty frames pass through)."""
    if len(frame) == 0:
        return frame.set_crs("EPSG:4326", allow_override=True).to_crs(crs) if frame.crs is None else frame.to_crs(crs)
    return frame.to_crs(crs)

