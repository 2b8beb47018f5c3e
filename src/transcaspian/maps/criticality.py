"""A criticality map: every knocked-out element coloured by what losing it costs.

Links are drawn as lines and nodes as dots, coloured (and sized) by the share of
supply lost without them; elements that change nothing are grey. The ten worst are
labelled with their number in the list of the most critical. The interactive HTML
page (:mod:`transcaspian.maps.critweb`) uses the same colour scale
(:func:`~transcaspian.maps.critweb.share_colour`); :func:`save_criticality_map` writes
either by the suffix.

Examples
--------
>>> import transcaspian as tc
>>> net = tc.load_network("tests/fixtures/mini")
>>> crit = tc.criticality(net, elements="both")
>>> fig = plot_criticality(net, crit)
>>> len(fig.axes)
2
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.colors import Normalize  # noqa: E402

from ..errors import InputError  # noqa: E402
from ..io import save_figure_atomic  # noqa: E402
from . import style as S  # noqa: E402
from .basemap import draw_basemap, make_view  # noqa: E402
from .critweb import CMAP, LABELLED, NEUTRAL, commodity_text, share_scale, single_rows  # noqa: E402

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ..network import CorridorNetwork

__all__ = ["plot_criticality", "save_criticality_map", "SUFFIXES"]

#: The map formats :func:`save_criticality_map` writes, by suffix.
SUFFIXES = (".png", ".svg", ".pdf", ".html")


def plot_criticality(net: CorridorNetwork, crit: pd.DataFrame, *, title: str | None = None) -> Figure:
    """Draw the rows of :func:`transcaspian.criticality` (N-1) on the network.

    Parameters
    ----------
    net : CorridorNetwork
    crit : DataFrame
        N-1 rows (index element id; ``kind``, ``lost_share``, ``rank``, ``role``).
    title : str, optional
    """
    crit = single_rows(crit)
    vmax = share_scale(crit)
    norm = Normalize(0.0, vmax)
    cmap = plt.get_cmap(CMAP)
    lon = net.nodes.geometry.x
    lat = net.nodes.geometry.y
    pad = 2.0
    view = make_view((float(lon.min()) - pad, float(lat.min()) - pad, float(lon.max()) + pad, float(lat.max()) + pad),
                     min_aspect=0.55, max_aspect=0.9)
    fig, ax = plt.subplots(figsize=(11, 7.5), dpi=110)
    draw_basemap(ax, view)
    links = net.links.to_crs(view.crs)
    nodes = net.nodes.to_crs(view.crs)
    links.plot(ax=ax, color="#9a9a9a", linewidth=0.6, zorder=2)
    lk = crit[crit["kind"] == "link"]
    for lid, row in lk.sort_values("lost_share").iterrows():
        share = float(row["lost_share"])
        colour = cmap(norm(share)) if share > 0 else NEUTRAL
        links.loc[[lid]].plot(ax=ax, color=colour, linewidth=1.0 + 4.0 * share / vmax, zorder=3 + share / vmax)
    nd = crit[crit["kind"] == "node"]
    pts = nodes.loc[nd.index]
    shares = nd["lost_share"].to_numpy(dtype=float)
    colours = [cmap(norm(s)) if s > 0 else NEUTRAL for s in shares]
    ax.scatter(pts.geometry.x, pts.geometry.y, s=12 + 160 * shares / vmax, c=colours, edgecolors="#222222",
               linewidths=0.5, zorder=6)
    worst = crit[crit["lost_share"] > 0].sort_values(["lost_share", "rank"], ascending=[False, True], kind="stable")
    worst = worst.head(LABELLED)
    lines = []
    for i, (eid, row) in enumerate(worst.iterrows(), start=1):
        geom = nodes.geometry[eid] if row["kind"] == "node" else links.geometry[eid].interpolate(0.5, normalized=True)
        ax.annotate(str(i), (geom.x, geom.y), xytext=(0, 0), textcoords="offset points", fontsize=7, zorder=9,
                    ha="center", va="center", color="white", fontweight="bold",
                    bbox={"boxstyle": "circle,pad=0.2", "fc": "#1f1f1f", "ec": "white", "lw": 0.6})
        name = str(row.get("name", eid))
        name = name if len(name) <= 46 else name[:45] + "\u2026"
        lines.append(f"{i:>2}  {name}  {100 * float(row['lost_share']):.0f}%")
    if lines:
        ax.text(0.99, 0.99, "Most critical (share of supply lost)\n" + "\n".join(lines), transform=ax.transAxes,
                fontsize=7.5, va="top", ha="right", multialignment="left", family="monospace", zorder=10,
                bbox={"boxstyle": "round,pad=0.4", "fc": "white", "ec": "#777777", "alpha": 0.92})
    ax.set_xlabel("")
    ax.set_ylabel("")
    sm = plt.cm.ScalarMappable(norm=norm, cmap=cmap)
    cbar = fig.colorbar(sm, ax=ax, fraction=0.03, pad=0.01)
    cbar.set_label("share of supply lost when the element is out")
    what = commodity_text(crit)
    ax.set_title(title or f"Criticality{what}: what each single outage strands (grey: nothing)", fontsize=11)
    fig.tight_layout()
    return fig


def save_criticality_map(net: CorridorNetwork, crit: pd.DataFrame, path: str | Path, **kwargs: Any) -> Path:
    """Draw and save the criticality map, written atomically; returns the path.

    Parameters
    ----------
    net : CorridorNetwork
    crit : DataFrame
        The table of :func:`transcaspian.criticality`.
    path : str or Path
        ``.png``, ``.svg`` or ``.pdf``: :func:`plot_criticality`; ``.html``: the
        interactive page of :func:`transcaspian.maps.critweb.explore_criticality`.
    **kwargs
        ``title=``.

    Raises
    ------
    InputError
        The suffix of ``path`` is none of :data:`SUFFIXES` (checked before drawing).

    Examples
    --------
    >>> import tempfile, transcaspian as tc
    >>> net = tc.load_network("tests/fixtures/mini")
    >>> crit = tc.criticality(net, elements="both")
    >>> folder = tempfile.mkdtemp()
    >>> save_criticality_map(net, crit, folder + "/crit.html").suffix
    '.html'
    >>> save_criticality_map(net, crit, folder + "/crit.txt")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    transcaspian.errors.InputError: save_criticality_map: path ...crit.txt: unknown suffix '.txt' (fix: end the name in .png, .svg, .pdf or .html)
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(f"save_criticality_map: path {path}: unknown suffix {path.suffix!r} "
                         f"(fix: end the name in {', '.join(SUFFIXES[:-1])} or {SUFFIXES[-1]})")
    if suffix == ".html":
        from .critweb import save_criticality_html  # noqa: PLC0415 - folium is loaded only for the page

        return save_criticality_html(net, crit, path, **kwargs)
    fig = plot_criticality(net, crit, **kwargs)
    try:
        return save_figure_atomic(fig, path, dpi=S.DPI if hasattr(S, "DPI") else 130)
    finally:
        plt.close(fig)
