"""The criticality map as one offline HTML page (folium/Leaflet).

The page of :func:`explore_criticality` draws the rows of :func:`transcaspian.criticality`
(N-1) on the network as the PNG of :mod:`transcaspian.maps.criticality` does: links as
lines and nodes as circles, coloured (and sized) by the share of supply lost without
them on the same colour map and scale (:func:`share_colour`), grey where losing the
element strands no supply; the ten worst carry their number. Hover an element for its
rank, lost volume and share and cost change; click it for the losing markets and the
links that gained flow (select-link). The page is built like the flow map of
:mod:`transcaspian.maps.interactive`: Leaflet inlined, Natural Earth outlines as the base
layer, no tile or CDN, every data text HTML-escaped. Colours come from matplotlib's
colour map (matplotlib is loaded for that, not for drawing).

Examples
--------
>>> import tempfile, transcaspian as tc
>>> from transcaspian.maps.critweb import explore_criticality, share_colour
>>> net = tc.load_network("tests/fixtures/mini")
>>> crit = tc.criticality(net, elements="both")
>>> m = explore_criticality(net, crit)
>>> page = m.get_root().render()
>>> "cdn" in page, "hub_terminal" in page
(False, True)
>>> share_colour(0.0, 0.5), share_colour(0.5, 0.5)
('#8c8c8c', '#000004')
"""

from __future__ import annotations

import functools
import logging
import math
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import pandas as pd

from ..errors import InputError
from ..guards import check_network
from ..schema import COMMODITIES
from ..units import CANONICAL_UNITS, COST_UNITS
from . import style as S
from .interactive import _add_base_layer, _bind, _folium, _latlon, _new_map, _script, _svg_line, write_html
from .text import fmt_volume, short_label
from .webassets import esc, leaflet_assets

if TYPE_CHECKING:
    import folium

    from ..network import CorridorNetwork

__all__ = ["explore_criticality", "save_criticality_html", "commodity_text", "share_colour", "share_scale", "single_rows"]

log = logging.getLogger(__name__)

#: Colour map of the lost share (0 = nothing lost); the PNG uses the same.
CMAP = "inferno_r"
#: Colour of an element whose loss strands no supply.
NEUTRAL = "#8c8c8c"
#: Elements numbered on the map (the worst by lost share).
LABELLED = 10
#: Columns the map needs in the table.
REQUIRED = ("kind", "lost_share", "rank", "role")


# ------------------------------------------------------------- shared scale
def commodity_text(crit: pd.DataFrame) -> str:
    """" of crude oil" / " of crude oil, natural gas" for the title, from the table's
    ``lost_<commodity>`` columns (several commodities) or its ``unit`` (one)."""
    coms = [c for c in COMMODITIES if f"lost_{c}" in crit.columns]
    if not coms and "unit" in crit.columns:
        units = set(crit["unit"].dropna().astype(str))
        coms = [c for c in COMMODITIES if CANONICAL_UNITS.get(c) in units]
        if len(coms) != 1:  # kt/y is uranium or rare earths: do not guess
            coms = []
    return (" of " + ", ".join(S.COMMODITY_LABELS.get(c, c).lower() for c in coms)) if coms else ""


def single_rows(crit: pd.DataFrame) -> pd.DataFrame:
    """The N-1 rows of a criticality table (pairs and triples left out).

    Examples
    --------
    >>> import transcaspian as tc
    >>> net = tc.load_network("tests/fixtures/mini")
    >>> len(single_rows(tc.criticality(net, elements="links", k=2, top=3)))
    0
    """
    return crit[crit["elements"].map(len) == 1] if "elements" in crit.columns else crit


def share_scale(crit: pd.DataFrame) -> float:
    """The top of the colour scale: the largest lost share of the N-1 rows (at least 1e-9).

    Examples
    --------
    >>> share_scale(pd.DataFrame({"lost_share": [0.1, 0.4]}))
    0.4
    """
    rows = single_rows(crit)
    return max(float(rows["lost_share"].max()) if len(rows) else 0.0, 1e-9)


@functools.lru_cache(maxsize=1)
def _cmap() -> Any:
    from matplotlib import colormaps  # noqa: PLC0415 - only the colour map; loaded on use

    return colormaps[CMAP]


def share_colour(share: float, vmax: float) -> str:
    """Hex colour of a lost share on the scale ``0..vmax`` (:data:`NEUTRAL` for nothing lost).

    The PNG map colours with ``inferno_r`` normalised the same way, so an element has
    the same colour on both.

    Examples
    --------
    >>> share_colour(0.25, 0.5) == share_colour(0.5, 1.0)
    True
    """
    if not share > 0:
        return NEUTRAL
    from matplotlib.colors import to_hex  # noqa: PLC0415 - loaded with the colour map

    return str(to_hex(_cmap()(min(share / vmax, 1.0)), keep_alpha=False))


# ------------------------------------------------------------------- texts
_ITEM = re.compile(r"^(.*\S) ([+-](?:inf|nan|\d[\d.]*(?:e[+-]?\d+)?))$")


def _pairs(text: Any) -> list[tuple[str, float]] | None:
    """``"a +4, b -2.5"`` (the table's listings) as pairs; ``None`` if it does not parse."""
    if not isinstance(text, str) or not text.strip():
        return []
    out = []
    for item in text.split(", "):
        m = _ITEM.match(item.strip())
        if m is None:
            return None
        out.append((m.group(1), float(m.group(2))))
    return out


def _signed(v: float) -> str:
    return ("+" if v > 0 else "\u2212" if v < 0 else "") + fmt_volume(abs(v))


def _money(v: Any, per: str) -> str:
    """``+3,679 M USD/y``; ``n/a`` for a missing value."""
    try:
        x = float(v)
    except (TypeError, ValueError):
        return "n/a"
    if not math.isfinite(x):
        return "n/a"
    sign = "+" if x > 0 else "\u2212" if x < 0 else ""
    a = abs(x)
    if a >= 1e9:
        body = f"{a / 1e9:,.2f} bn"
    elif a >= 1e6:
        body = f"{a / 1e6:,.1f} M"
    else:
        body = f"{a:,.0f}"
    return f"{sign}{body} USD{per}"


def _cost_unit(unit: str) -> str:
    """The cost unit of the commodity measured in ``unit`` (``USD/t`` for ``Mt/y``)."""
    found = {COST_UNITS[c] for c, u in CANONICAL_UNITS.items() if u == unit and c in COST_UNITS}
    return found.pop() if len(found) == 1 else "USD per unit"


class _Texts:
    """Tooltip and popup HTML of the table's rows (every data text escaped)."""

    def __init__(self, net: CorridorNetwork, crit: pd.DataFrame, order: dict[str, int]) -> None:
        self.net = net
        self.order = order
        self.per = "" if "deferred" in crit.columns else "/y"  # a horizon table: totals over the horizon
        self.role_size = crit.groupby("role").size().to_dict() if len(crit) else {}
        self.lost_cols = [c for c in crit.columns if c.startswith("lost_") and c != "lost_share"]
        self.unit = str(crit["unit"].iloc[0]) if "unit" in crit.columns and len(crit) else ""
        self.node_names = net.nodes["name"].astype(str).to_dict()
        self.link_names = net.links["name"].astype(str).to_dict()

    def lost(self, row: pd.Series) -> str:
        share = f"{100 * float(row['lost_share']):.1f}% of supply"
        if "lost" in row.index:
            unit = esc(row.get("unit", self.unit) or "")
            return f"<b>{esc(fmt_volume(max(float(row['lost']), 0.0)))} {unit}</b> lost ({share})"
        parts = []
        for col in self.lost_cols:
            c = col[len("lost_"):]
            v = float(row[col])
            if v > 0:
                parts.append(f"{esc(S.COMMODITY_LABELS.get(c, c))} {esc(fmt_volume(v))} {esc(CANONICAL_UNITS.get(c, ''))}")
        return ("<b>" + "; ".join(parts) + "</b> lost" if parts else "nothing lost") + f" ({share})"

    def cost(self, row: pd.Series) -> str:
        text = f"cost change {esc(_money(row.get('cost_change'), self.per))}"
        ucc = row.get("unit_cost_change")
        if ucc is not None and isinstance(ucc, (int, float)) and math.isfinite(float(ucc)):
            signed = f"{float(ucc):+.2f}".replace("-", "\u2212")
            text += f" ({signed} {esc(_cost_unit(str(row.get('unit', self.unit))))} delivered)"
        return text

    def _listing(self, text: Any, names: dict[str, str]) -> str:
        pairs = _pairs(text)
        if pairs is None:
            return esc(text)
        unit = f" {esc(self.unit)}" if self.unit and not self.lost_cols else ""
        items = []
        for eid, v in pairs:
            name = names.get(eid)
            label = f"{esc(name)} <span class=\"id\">{esc(eid)}</span>" if name and name != eid else esc(eid)
            items.append(f"<li>{label} <b>{esc(_signed(v))}{unit}</b></li>")
        return "<ul>" + "".join(items) + "</ul>" if items else ""

    def element(self, eid: str, row: pd.Series) -> tuple[str, str]:
        """(tooltip, popup) of one row."""
        kind = str(row["kind"])
        if kind == "node":
            what = esc(S.node_style(str(self.net.nodes.at[eid, "kind"])).get("label", self.net.nodes.at[eid, "kind"]))
        else:
            what = esc(S.MODE_STYLES.get(str(self.net.links.at[eid, "mode"]), {}).get("label", self.net.links.at[eid, "mode"]))
        role = str(row["role"])
        rank = f"rank {int(row['rank'])} of {self.role_size.get(role, 0)} {esc(role)} elements"
        num = self.order.get(eid)
        badge = f'<span class="tc-badge in-text">{num}</span> ' if num is not None else ""
        name = esc(row.get("name", eid))
        head = f"{badge}<b>{name}</b> ({what}) <span class=\"id\">{esc(eid)}</span>"
        tip = "<br>".join([head, rank, self.lost(row), self.cost(row)])
        if float(row["lost_share"]) <= 0:
            moved = bool(_pairs(row.get("gained_links"))) or float(row.get("cost_change", 0.0) or 0.0) != 0
            tip += "<br>no supply lost: " + ("the volume is rerouted" if moved else "losing it changes nothing")
        tip = f'<div class="tc-crit">{tip}</div>'
        lines = [f'<div class="tc-pop tc-crit">{head}', rank, self.lost(row), self.cost(row)]
        if "deferred" in row.index and float(row["deferred"]) > 0:
            lines.append(f"deferred {esc(fmt_volume(float(row['deferred'])))} {esc(row.get('unit', self.unit))}")
        markets = self._listing(row.get("losing_markets"), self.node_names)
        gained = self._listing(row.get("gained_links"), self.link_names)
        if "losing_markets" in row.index:
            lines.append("<b>Losing markets</b>" + (markets or ": none"))
        if "gained_links" in row.index:
            lines.append("<b>Links that gained flow</b> (select-link)" + (gained or ": none"))
        pop = "<br>".join(lines).replace("</ul><br>", "</ul>") + "</div>"
        return tip, pop


# ----------------------------------------------------------------- drawing
def _check_table(net: CorridorNetwork, crit: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(crit, pd.DataFrame):
        raise InputError(f"explore_criticality: crit: got {type(crit).__name__}, expected the DataFrame of "
                         "tc.criticality (fix: pass crit = tc.criticality(net, ...))")
    missing = [c for c in REQUIRED if c not in crit.columns]
    if missing:
        raise InputError(f"explore_criticality: crit: column {missing[0]!r} missing (fix: pass the table "
                         "tc.criticality returns, with its kind, lost_share, rank and role columns)")
    rows = single_rows(crit)
    for eid, kind in rows["kind"].items():
        frame = net.nodes if kind == "node" else net.links
        if eid not in frame.index:
            raise InputError(f"explore_criticality: crit: {kind} {eid!r} is not in the network (fix: draw the table "
                             "on the network it was computed on)")
    return rows


def _bounds(net: CorridorNetwork, rows: pd.DataFrame) -> tuple[float, float, float, float]:
    geoms = [net.nodes.geometry[rows.index[rows["kind"] == "node"]], net.links.geometry[rows.index[rows["kind"] == "link"]]]
    parts = [g.total_bounds for g in geoms if len(g)]
    if not parts:
        parts = [net.nodes.geometry.total_bounds]
    x0 = min(p[0] for p in parts) - 1
    y0 = min(p[1] for p in parts) - 1
    x1 = max(p[2] for p in parts) + 1
    y1 = max(p[3] for p in parts) + 1
    mx0, my0, mx1, my1 = S.MAX_EXTENT
    return max(mx0, float(x0)), max(my0, float(y0)), min(mx1, float(x1)), min(my1, float(y1))


def _worst(rows: pd.DataFrame) -> pd.DataFrame:
    """The :data:`LABELLED` rows losing most (the PNG numbers the same, in the same order)."""
    bad = rows[rows["lost_share"] > 0]
    return bad.sort_values(["lost_share", "rank"], ascending=[False, True], kind="stable").head(LABELLED)


def _badge_point(net: CorridorNetwork, eid: str, kind: str) -> tuple[float, float]:
    if kind == "node":
        g = net.nodes.geometry[eid]
    else:
        g = net.links.geometry[eid].interpolate(0.5, normalized=True)
    return float(g.y), float(g.x)


def _node_radius(share: float, vmax: float) -> float:
    return round(4.0 + 7.0 * max(share, 0.0) / vmax, 2)


def _draw_backdrop(m: Any, folium: Any, net: CorridorNetwork, rows: pd.DataFrame) -> None:
    """Elements not knocked out: thin grey links, small white nodes."""
    fg = folium.FeatureGroup(name="Not knocked out").add_to(m)
    tested = set(rows.index)
    for lid, row in net.links.iterrows():
        if lid in tested or row.geometry is None or row.geometry.is_empty:
            continue
        line = folium.PolyLine(_latlon(row.geometry), color=S.MUTED, weight=1.2, opacity=0.7).add_to(fg)
        _bind(line, f"<b>{esc(row['name'])}</b> <span class=\"id\">{esc(lid)}</span><br>not knocked out "
                    "(carries none of the commodity, or not a candidate)")
    for nid, row in net.nodes.iterrows():
        if nid in tested:
            continue
        cm = folium.CircleMarker([row.geometry.y, row.geometry.x], radius=3, color="#555555", weight=1, fill=True,
                                 fill_color="#ffffff", fill_opacity=0.9).add_to(fg)
        why = "a market (demand, not infrastructure)" if str(row["kind"]) == "market" else "not a candidate"
        _bind(cm, f"<b>{esc(row['name'])}</b> <span class=\"id\">{esc(nid)}</span><br>not knocked out: {why}")


def _draw_elements(m: Any, folium: Any, net: CorridorNetwork, rows: pd.DataFrame, texts: _Texts, vmax: float) -> None:
    """Knocked-out links and nodes, the worst drawn last (on top)."""
    links_fg = folium.FeatureGroup(name="Links by lost share").add_to(m)
    nodes_fg = folium.FeatureGroup(name="Nodes by lost share").add_to(m)
    ordered = rows.sort_values("lost_share", kind="stable")
    for eid, row in ordered[ordered["kind"] == "link"].iterrows():
        share = float(row["lost_share"])
        geom = net.links.geometry[eid]
        if geom is None or geom.is_empty:
            continue
        weight = round(2.0 + 6.0 * max(share, 0.0) / vmax, 2)
        line = folium.PolyLine(_latlon(geom), color=share_colour(share, vmax), weight=weight, opacity=0.95).add_to(links_fg)
        _bind(line, *texts.element(str(eid), row))
    for eid, row in ordered[ordered["kind"] == "node"].iterrows():
        share = float(row["lost_share"])
        g = net.nodes.geometry[eid]
        cm = folium.CircleMarker([g.y, g.x], radius=_node_radius(share, vmax), color="#222222", weight=1, fill=True,
                                 fill_color=share_colour(share, vmax), fill_opacity=0.95).add_to(nodes_fg)
        _bind(cm, *texts.element(str(eid), row))


def _draw_badges(m: Any, folium: Any, net: CorridorNetwork, worst: pd.DataFrame, texts: _Texts, vmax: float) -> None:
    """The number of each of the worst elements: above right of a node's circle, on a link's midpoint."""
    fg = folium.FeatureGroup(name=f"Numbers of the {LABELLED} worst").add_to(m)
    for i, (eid, row) in enumerate(worst.iterrows(), start=1):
        kind = str(row["kind"])
        lat, lon = _badge_point(net, str(eid), kind)
        if kind == "node":
            r = _node_radius(float(row["lost_share"]), vmax)
            anchor = (-int(r * 0.6), int(r * 0.6) + 18)  # the badge's bottom-left corner at the circle's upper right
        else:
            anchor = (9, 9)
        icon = folium.DivIcon(html=f'<div class="tc-badge">{i}</div>', icon_size=(18, 18), icon_anchor=anchor,
                              class_name="tc-mark")
        mk = folium.Marker([lat, lon], icon=icon, z_index_offset=100 * (LABELLED - i)).add_to(fg)  # the worst on top
        _bind(mk, *texts.element(str(eid), row))


# ------------------------------------------------------------------ panels
def _pct(v: float, vmax: float) -> str:
    return f"{100 * v:.0f}%" if vmax >= 0.1 else f"{100 * v:.1f}%"


def _supply(rows: pd.DataFrame) -> float | None:
    """Supply behind the shares (one commodity): lost / lost_share of the rows that lose."""
    if "lost" not in rows.columns:
        return None
    some = rows[rows["lost_share"] > 1e-9]
    if not len(some):
        return None
    return float((some["lost"] / some["lost_share"]).median())


def _legend_html(rows: pd.DataFrame, vmax: float, unit: str, has_backdrop: bool) -> str:
    stops = ", ".join(f"{share_colour(max(vmax * i / 10, 1e-12), vmax)} {i * 10}%" for i in range(11))
    supply = _supply(rows)
    ticks = []
    for f in (0.0, 0.5, 1.0):
        vol = f"<br>{esc(fmt_volume(f * vmax * supply))}" if supply is not None else ""
        ticks.append(f'<span style="left:{f * 100:.0f}%">{_pct(f * vmax, vmax)}{vol}</span>')
    vol_line = (f'<div class="row">second row: lost volume, {esc(unit)} (of {esc(fmt_volume(supply))} {esc(unit)} '
                "supply)</div>") if supply is not None and unit else ""
    lost_cols = [c[len("lost_"):] for c in rows.columns if c.startswith("lost_") and c != "lost_share"]
    mean = (" (mean over " + ", ".join(esc(S.COMMODITY_LABELS.get(c, c)) for c in lost_cols) + ")") if lost_cols else ""
    rows_html = [
        f"<h2>Share of supply lost when the element is out{mean}</h2>",
        f'<div class="tc-ramp" style="background: linear-gradient(to right, {stops})"></div>',
        f'<div class="tc-ticks{" two" if supply is not None else ""}">{"".join(ticks)}</div>',
        vol_line,
        '<div class="row">thicker line, bigger circle: more lost</div>',
        f'<div class="row">{_svg_line(NEUTRAL, 3)}<svg width="16" height="14"><circle cx="8" cy="7" r="4.5" '
        f'fill="{NEUTRAL}" stroke="#222" stroke-width="1"/></svg>no supply lost</div>',
    ]
    if has_backdrop:
        rows_html.append(
            f'<div class="row">{_svg_line(S.MUTED, 1.2, opacity=0.7)}<svg width="16" height="14"><circle cx="8" cy="7" '
            'r="3" fill="#fff" stroke="#555" stroke-width="1"/></svg>not knocked out</div>'
        )
    rows_html.append('<div class="row"><span class="tc-badge in-text">1</span> the worst, numbered (list at right)</div>')
    return f'<div class="tc-panel tc-legend tc-crit-legend">{"".join(rows_html)}</div>'


def _top_html(worst: pd.DataFrame, texts: _Texts) -> str:
    """The list of the numbered elements: number, share, volume, short name (full name on hover)."""
    if not len(worst):
        return ""
    vol = "lost" in worst.columns
    items = []
    for i, (eid, row) in enumerate(worst.iterrows(), start=1):
        name = str(row.get("name", eid))
        short = short_label(name, width=60).replace("\n", " ")
        lost = f"<td>{esc(fmt_volume(max(float(row['lost']), 0.0)))}</td>" if vol else ""
        items.append(
            f'<tr title="{esc(name)}"><td><span class="tc-badge in-text">{i}</span></td>'
            f'<td>{100 * float(row["lost_share"]):.1f}%</td>{lost}<td class="name">{esc(short)}</td></tr>'
        )
    unit = f"<th>{esc(texts.unit)}</th>" if vol else ""
    return (f'<div class="tc-panel tc-top"><h2>Most critical</h2><table><tr><th></th><th>lost</th>{unit}<th></th></tr>'
            f'{"".join(items)}</table></div>')


def explore_criticality(net: CorridorNetwork, crit: pd.DataFrame, *, title: str | None = None) -> folium.Map:
    """Interactive map (folium.Map) of the N-1 rows of :func:`transcaspian.criticality`.

    Parameters
    ----------
    net : CorridorNetwork
        The network the table was computed on (without a scenario applied, as the
        CLI draws it).
    crit : DataFrame
        The table of :func:`transcaspian.criticality` (index element id; ``kind``,
        ``lost_share``, ``rank``, ``role``; ``name``, ``lost``, ``unit``,
        ``cost_change``, ``losing_markets`` and ``gained_links`` when present). Rows
        of pairs and triples are not drawn (they are counted in the subtitle).
    title : str, optional

    Returns
    -------
    folium.Map
        Write it with :func:`transcaspian.maps.interactive.write_html`, or use
        :func:`save_criticality_html`.

    Raises
    ------
    InputError
        ``crit`` is not such a table, or names an element that is not in ``net``.

    Examples
    --------
    >>> import transcaspian as tc
    >>> net = tc.load_network("tests/fixtures/mini")
    >>> m = explore_criticality(net, tc.criticality(net, elements="links"), title="Links of the mini network")
    >>> "Links of the mini network" in m.get_root().render()
    True
    """
    from branca.element import Element  # noqa: PLC0415 - folium (with branca) is optional, loaded on use

    check_network(net, "explore_criticality")
    rows = _check_table(net, crit)
    folium = _folium()
    vmax = share_scale(crit)
    bounds = _bounds(net, rows)
    m = _new_map(folium, bounds, leaflet_assets())
    _add_base_layer(m, bounds)
    worst = _worst(rows)
    order = {str(e): i for i, e in enumerate(worst.index, start=1)}
    texts = _Texts(net, rows, order)
    has_backdrop = len((set(net.links.index) | set(net.nodes.index)) - set(rows.index)) > 0
    _draw_backdrop(m, folium, net, rows)
    _draw_elements(m, folium, net, rows, texts, vmax)
    _draw_badges(m, folium, net, worst, texts, vmax)
    folium.LayerControl(collapsed=True, position="bottomright").add_to(m)
    # a popup opens clear of the title box (Leaflet pans the map to fit it)
    m.add_child(_script(f"L.Popup.prototype.options.autoPanPaddingTopLeft = L.point(10, 95);\n"
                        f"window.transcaspianCriticality = {{map: {m.get_name()}}};"))
    nothing = int((rows["lost_share"] <= 0).sum())
    kinds = rows["kind"].value_counts()
    parts = [f"{int(kinds.get('node', 0))} nodes" if kinds.get("node") else "", f"{int(kinds.get('link', 0))} links" if kinds.get("link") else ""]
    sub = (f"{len(rows)} elements knocked out one at a time ({', '.join(p for p in parts if p)}); "
           f"{nothing} {'loses' if nothing == 1 else 'lose'} no supply (grey). Hover an element for its rank and "
           "losses, click it for the losing markets and where the volume went.")
    skipped = len(crit) - len(rows)
    if skipped and not len(rows):
        sub = (f"The table holds {skipped} pairs or triples and no single outage: the map draws single outages "
               "only (run tc.criticality with k=1, or the CLI without --k).")
    elif skipped:
        sub += f" {skipped} rows of pairs or triples are not drawn: the map shows single outages."
    head = (f'<div class="tc-panel tc-title"><h1>{esc(title or f"Criticality{commodity_text(crit)}: what each single outage strands")}</h1>'
            f"<p>{esc(sub)}</p></div>")
    html = head + _legend_html(rows, vmax, texts.unit, has_backdrop) + _top_html(worst, texts)
    root = cast("Any", m.get_root())
    root.html.add_child(Element(html), name="tc_panels")
    return m


def save_criticality_html(net: CorridorNetwork, crit: pd.DataFrame, path: str | os.PathLike[str], *,
                          title: str | None = None) -> Path:
    """Write :func:`explore_criticality` to ``path`` atomically; returns the path.

    Examples
    --------
    >>> import tempfile, transcaspian as tc
    >>> net = tc.load_network("tests/fixtures/mini")
    >>> p = save_criticality_html(net, tc.criticality(net), tempfile.mkdtemp() + "/crit.html")
    >>> p.read_text().startswith("<!DOCTYPE html>")
    True
    """
    return write_html(explore_criticality(net, crit, title=title), path)
