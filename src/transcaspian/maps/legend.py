"""The legend strip under a map: flow widths, modes, node symbols, status marks (internal)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from matplotlib.legend import Legend
from matplotlib.legend_handler import HandlerTuple
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from ..schema import COMMODITIES
from ..units import CANONICAL_UNITS
from . import style as S
from .labels import get_renderer
from .layers import BACKDROP_WIDTH, NETWORK_WIDTH, WidthScale, nice_values

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["legend_groups", "lay_out_legends", "LegendGroup"]

#: A legend box: title, (handle, label) pairs (a handle is an artist or a tuple of them), columns.
LegendGroup = tuple[str, list[tuple[Any, str]], int]


class SideBySide(tuple):
    """Legend handles drawn next to each other (a plain tuple is drawn on top of each other)."""


def _dashes(mode: str) -> Any:
    d = S.MODE_STYLES.get(mode, {}).get("dashes")
    return (0, d) if d else "-"


def _mark_handles(marks: set[str]) -> list[tuple[Any, str]]:
    out: list[tuple[Any, str]] = []
    if "disabled" in marks:
        h = (
            Line2D([], [], color=S.MUTED, lw=1.6, linestyle=(0, (3, 2))),
            Line2D([], [], marker="x", ms=9, mec=S.DISABLED, mew=2.2, ls="none"),
        )
        out.append((h, "Disabled (out of service)"))
    if "derated" in marks:
        ring = Line2D([], [], marker="o", ms=10, mfc="none", mec=S.DERATED, mew=2.0, ls="none")
        out.append((ring, "Derated (% of capacity left)"))
    if "saturated" in marks:
        h = (Line2D([], [], color=S.SATURATED, lw=7, alpha=0.45), Line2D([], [], color="#555555", lw=2.5))
        out.append((h, "At capacity (saturated)"))
    if "stranded" in marks:
        out.append((Patch(fc="white", ec=S.STRANDED, lw=1.2), "Stranded volume at origin"))
    if "gain" in marks:
        out.append((Line2D([], [], color=S.GAIN, lw=4), "Flow gained"))
    if "loss" in marks:
        out.append((Line2D([], [], color=S.LOSS, lw=4), "Flow lost"))
    if "delta" in marks:
        h = SideBySide(
            (
                Line2D([], [], marker="$+$", ms=8, color=S.GAIN, ls="none"),
                Line2D([], [], marker="$\u2212$", ms=8, color=S.LOSS, ls="none"),
            )
        )
        out.append((h, "Change in flow vs before"))
    if "idle" in marks:
        out.append((Line2D([], [], color=S.BACKDROP, lw=BACKDROP_WIDTH, alpha=0.75), "No flow"))
    if "inactive" in marks:
        out.append((Line2D([], [], color="#555555", lw=NETWORK_WIDTH, alpha=0.45), "Planned / not operating"))
    return out


def legend_groups(
    present: dict[str, set[str]],
    *,
    scale: WidthScale | None,
    commodities: Sequence[str],
    change: bool = False,
) -> list[LegendGroup]:
    """Legend boxes as (title, [(handle, label)], ncol), in display order."""
    groups: list[LegendGroup] = []
    shown = [c for c in COMMODITIES if c in set(commodities) & present["commodities"]] if not change else list(commodities)
    if scale is not None:
        for c in shown:
            unit = CANONICAL_UNITS.get(c, "")
            vals = nice_values(scale.vmax.get(unit, 0.0))
            if not vals:
                continue
            colour = "#555555" if change else S.commodity_colour(c)
            items: list[tuple[Any, str]] = [
                (Line2D([], [], color=colour, lw=scale.width(v, unit), solid_capstyle="butt"), f"{v:g} {unit}") for v in vals
            ]
            title = f"{S.COMMODITY_LABELS.get(c, c)} {'flow change' if change else 'flow'}"
            groups.append((title, items, 1))
    elif shown:
        items = [(Line2D([], [], color=S.commodity_colour(c), lw=3), S.COMMODITY_LABELS.get(c, c)) for c in shown]
        groups.append(("Commodity", items, 1))
    modes = [m for m in S.MODE_ORDER if m in present["modes"]]
    if modes:
        items = [(Line2D([], [], color="#444444", lw=1.8, linestyle=_dashes(m)), S.MODE_STYLES[m]["label"]) for m in modes]
        groups.append(("Mode", items, 1))
    kinds = [k for k in S.NODE_STYLES if k in present["kinds"]] + sorted(k for k in present["kinds"] if k not in S.NODE_STYLES)
    if kinds:
        items = []
        for k in kinds:
            st = S.node_style(k)
            h = Line2D([], [], marker=st["marker"], ms=st["size"], mfc=st["face"], mec=st["edge"], mew=0.8, ls="none")
            items.append((h, st["label"] if k in S.NODE_STYLES else k.replace("_", " ").capitalize()))
        groups.append(("Nodes", items, 2 if len(items) > 5 else 1))
    marks = _mark_handles(present["marks"])
    if marks:
        groups.append(("Status", marks, 1))
    return groups


def lay_out_legends(
    ax: Axes,
    groups: list[LegendGroup],
    *,
    max_width_px: float,
    gap_px: float = 18.0,
    top_px: float = 6.0,
) -> list[Legend]:
    """Legends left to right under ``ax``, wrapping into rows; returns them.

    The legends are artists of ``ax`` anchored in its axes coordinates, so they move
    with the axes and count in ``bbox_inches="tight"``.
    """
    fig = ax.figure
    renderer = get_renderer(fig)
    frame = ax.get_window_extent(renderer)
    out: list[Legend] = []
    x_px, y_px, row_h = 0.0, -top_px, 0.0
    for title, items, ncol in groups:
        handles = [h for h, _ in items]
        labels = [lab for _, lab in items]
        leg = Legend(
            ax,
            handles,
            labels,
            title=title,
            loc="upper left",
            ncol=ncol,
            frameon=False,
            alignment="left",
            handlelength=2.6,
            handleheight=1.1,
            columnspacing=1.2,
            borderaxespad=0.0,
            borderpad=0.2,
            handler_map={SideBySide: HandlerTuple(ndivide=None, pad=0.0), tuple: HandlerTuple(ndivide=1)},
        )
        leg.get_title().set_fontweight("bold")
        for t in leg.get_texts():
            t.set_parse_math(False)
        leg.set_bbox_to_anchor((0.0, 0.0), transform=ax.transAxes)
        ax.add_artist(leg)
        bb = leg.get_window_extent(renderer)
        if x_px > 0 and x_px + bb.width > max_width_px:
            x_px, y_px, row_h = 0.0, y_px - row_h - gap_px * 0.6, 0.0
        leg.set_bbox_to_anchor((x_px / frame.width, y_px / frame.height), transform=ax.transAxes)
        x_px += bb.width + gap_px
        row_h = max(row_h, bb.height)
        out.append(leg)
    return out
