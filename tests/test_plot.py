"""Static report maps: image baseline, artists drawn, file output, offline rendering.

The baseline image tests/baseline_images/mini_outage.png is the mini fixture with the
hand-made outage result of tests/flow_factory.py, drawn at 100 dpi. Regenerate it
after an intended change of the map style with

    TC_REGENERATE_BASELINE=1 .venv/bin/python -m pytest tests/test_plot.py -k baseline

and look at the new image before committing it (docs/maps.md).
"""

from __future__ import annotations

import dataclasses
import math
import os
import socket
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from matplotlib.legend import Legend
from matplotlib.testing.compare import compare_images
from PIL import Image

import transcaspian as tc
from flow_factory import make_result, mini_pair
from transcaspian.maps import style as S
from transcaspian.maps.basemap import make_view, scale_at
from transcaspian.maps.static import save_map

BASELINE = Path(__file__).parent / "baseline_images" / "mini_outage.png"
CPC_OUTAGE = Path(__file__).resolve().parents[1] / "examples" / "scenarios" / "cpc_outage.yaml"


@pytest.fixture(scope="module")
def pair(mini_net):
    return mini_pair(mini_net)


@pytest.fixture(scope="module")
def outage_fig(mini_net, pair):
    return tc.plot_map(mini_net, pair[1])


def _legends(fig) -> list[Legend]:
    return [a for ax in fig.axes for a in ax.artists if isinstance(a, Legend)]


def _legend_texts(fig) -> list[str]:
    out = []
    for leg in _legends(fig):
        out.append(leg.get_title().get_text())
        out += [t.get_text() for t in leg.get_texts()]
    return out


def _annotations(fig) -> list:
    return [t for ax in fig.axes for t in ax.texts if hasattr(t, "_tc_bbox")]


def _gid_lines(fig, gid: str) -> list:
    return [ln for ax in fig.axes for ln in ax.lines if ln.get_gid() == gid]


def _saturated_halo_links(ax) -> set[str]:
    """Links drawn with the at-capacity halo (their lines carry gid ``tc-saturated:<link>``)."""
    return {str(ln.get_gid()).split(":", 1)[1] for ln in ax.lines if str(ln.get_gid()).startswith("tc-saturated:")}


# ------------------------------------------------------------------ baseline
def test_baseline_image(mini_net, pair, tmp_path):
    fig = tc.plot_map(mini_net, pair[1])
    actual = tmp_path / "mini_outage.png"
    fig.savefig(actual, dpi=100, facecolor="white")
    if os.environ.get("TC_REGENERATE_BASELINE"):
        BASELINE.parent.mkdir(exist_ok=True)
        BASELINE.write_bytes(actual.read_bytes())
        pytest.skip(f"baseline regenerated: {BASELINE}")
    assert BASELINE.exists(), f"{BASELINE} is missing; regenerate it with TC_REGENERATE_BASELINE=1 (see the module docstring)"
    diff = compare_images(str(BASELINE), str(actual), tol=8)
    assert diff is None, f"map differs from the baseline: {diff}; if the change is intended, regenerate it (see docs/maps.md)"


# -------------------------------------------------------------- what is drawn
def test_network_map_has_legend_title_and_source(mini_net):
    fig = tc.plot_map(mini_net)
    texts = [t.get_text() for t in fig.texts]
    assert texts[0] == "Export corridors of Central Asia"
    assert S.SOURCE_LINE in texts
    legend = _legend_texts(fig)
    assert {"Commodity", "Mode", "Nodes"} <= set(legend)
    assert {"Pipeline", "Tanker (sea)", "Rail", "Oil field", "Market", "Crude oil"} <= set(legend)
    assert "Status" not in legend  # nothing disabled, nothing solved


def test_result_map_marks_disabled_derated_saturated_and_stranded(outage_fig):
    fig = outage_fig
    assert len(_gid_lines(fig, "tc-disabled")) == 1  # the terminal
    assert len(_gid_lines(fig, "tc-derated")) == 1  # hub_port at 50 %
    halos = [ln for ln in fig.axes[0].lines if ln.get_color() == S.SATURATED and ln.get_linewidth() > 5]
    assert halos, "saturated links must get a red halo"
    callouts = [t for t in _annotations(fig) if "stranded" in t.get_text()]
    assert sorted(t.get_text() for t in callouts) == ["Field A\n25.0 Mt/y stranded", "Field B\n9.0 Mt/y stranded"]
    assert any(t.get_text() == "50%" for t in _annotations(fig))
    legend = _legend_texts(fig)
    for label in ("Disabled (out of service)", "Derated (% of capacity left)", "At capacity (saturated)", "Stranded volume at origin"):
        assert label in legend
    assert "Crude oil flow" in legend and "6 Mt/y" in legend


def test_saturated_links_drawn_are_the_results_saturated_list(net):
    """One saturation rule (schema.is_saturated): a map marks exactly the links the result lists."""
    from transcaspian.maps.data import map_frames

    res = tc.solve(net, tc.Scenario.from_yaml(CPC_OUTAGE))
    listed = set(res.saturated.loc[res.saturated["kind"] == "link", "element"])
    assert listed, "the CPC outage saturates the bypasses"
    frames = map_frames(res.network, res)
    assert set(frames.flows.loc[frames.flows["saturated"], "link"]) == listed
    assert set(frames.nodes.index[frames.nodes["saturated"]]) == set(res.saturated.loc[res.saturated["kind"] == "node", "element"])
    assert _saturated_halo_links(tc.plot_map(res.network, res).axes[0]) == listed
    base = tc.solve(net)
    change = tc.plot_comparison(base, res, layout="change")
    assert _saturated_halo_links(change.axes[0]) == listed
    # 99.95 % full is not saturated for the solver, so not for the map either
    flows = res.flows.copy()
    flows.loc["aktau_baku_tanker", "utilisation"] = 0.9995
    near = map_frames(res.network, dataclasses.replace(res, flows=flows))
    assert set(near.flows.loc[near.flows["saturated"], "link"]) == listed


def test_line_width_proportional_to_flow(mini_net, pair):
    fig = tc.plot_map(mini_net, pair[0])
    widths = sorted({round(ln.get_linewidth(), 3) for ln in fig.axes[0].lines if ln.get_color() == S.COMMODITY_COLOURS["crude"]})
    # flows 35 (max), 30, 15, 6, 4 Mt/y -> 9 pt at 35
    assert max(widths) == pytest.approx(9.0)
    assert 9.0 * 30 / 35 == pytest.approx(sorted(widths)[-2], rel=1e-3)


def test_labels_do_not_collide(outage_fig):
    boxes = [t._tc_bbox for t in _annotations(outage_fig)]
    assert len(boxes) >= 8
    frame = outage_fig.axes[0].get_window_extent()
    for i, a in enumerate(boxes):
        assert frame.x0 <= a.x0 and a.x1 <= frame.x1 and frame.y0 <= a.y0 and a.y1 <= frame.y1
        for b in boxes[i + 1 :]:
            assert not (a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1), (a, b)


def test_map_is_projected_lambert_conic(outage_fig):
    ax = outage_fig.axes[0]
    x0, x1 = ax.get_xlim()
    assert x1 - x0 > 1e6  # metres, not degrees
    from pyproj import Transformer

    t = Transformer.from_crs("EPSG:4326", S.MAP_CRS, always_xy=True)
    assert t.transform(50.0, 44.0) == pytest.approx((0.0, 0.0), abs=1e-6)


def test_scale_bar_is_true_at_the_centre():
    view = make_view(S.DEFAULT_EXTENT)
    from pyproj import Geod

    cx, cy = (view.xmin + view.xmax) / 2, (view.ymin + view.ymax) / 2
    k = scale_at(view, cx, cy)
    length = 500_000 / k  # projected metres for 500 km
    lon0, lat0 = view.to_lonlat().transform(cx - length / 2, cy)
    lon1, lat1 = view.to_lonlat().transform(cx + length / 2, cy)
    dist = Geod(ellps="WGS84").inv(lon0, lat0, lon1, lat1)[2]
    assert dist == pytest.approx(500_000, rel=1e-3)


def test_extent_zooms(mini_net, pair):
    fig = tc.plot_map(mini_net, pair[1], extent=(45, 38, 60, 50))
    ax = fig.axes[0]
    w = ax.get_xlim()[1] - ax.get_xlim()[0]
    full = tc.plot_map(mini_net).axes[0]
    assert w < 0.4 * (full.get_xlim()[1] - full.get_xlim()[0])
    legend = _legend_texts(fig)
    assert "Market" not in legend and "Disabled (out of service)" not in legend  # off the zoomed map


def test_comparison_panels_and_change_map(mini_net, pair):
    base, out = pair
    fig = tc.plot_comparison(base, out)
    maps = [ax for ax in fig.axes if ax.get_title(loc="left")]
    assert [ax.get_title(loc="left") for ax in maps] == ["Before: baseline", "After: terminal outage"]
    texts = [t.get_text() for t in _annotations(fig)]
    assert "\u221235.0" in texts  # the terminal route lost its 35 Mt/y
    assert any("stranded" in t for t in texts)
    assert len(_gid_lines(fig, "tc-disabled")) == 1
    assert "Change in flow vs before" in _legend_texts(fig)
    change = tc.plot_comparison(base, out, layout="change")
    legend = _legend_texts(change)
    assert {"Flow gained", "Flow lost", "Crude oil flow change"} <= set(legend)
    assert "Delivered 45.0 Mt/y \u2192 11.0 Mt/y" in change.texts[1].get_text()
    with pytest.raises(ValueError, match="layout"):
        tc.plot_comparison(base, out, layout="sideways")
    stacked = tc.plot_comparison(base, out, layout="stacked")
    top, bottom = (ax.get_position() for ax in stacked.axes)
    assert top.y0 > bottom.y1 and top.x0 == pytest.approx(bottom.x0)
    assert stacked.get_figheight() > stacked.get_figwidth()


def test_off_map_destinations_are_named(mini_net, pair):
    fig = tc.plot_map(mini_net, pair[0], extent=(45, 38, 60, 50))
    texts = [t.get_text() for t in _annotations(fig)]
    assert "to Sea Terminal" in texts and "to East Gate" in texts


def test_highlight_and_commodity_errors(mini_net):
    fig = tc.plot_map(mini_net, highlight=["Хаб"])
    assert any(t.get_text() == "Hub" and t.get_fontweight() in ("bold", 700) for t in _annotations(fig))
    with pytest.raises(tc.UnknownElementError, match="no node or link named"):
        tc.plot_map(mini_net, highlight=["atlantis"])
    with pytest.raises(tc.UnitError):
        tc.plot_map(mini_net, make_result(mini_net, {}), commodity="gas")


def test_user_axes(mini_net, pair):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6, 4))
    ax = fig.add_subplot()
    assert tc.plot_map(mini_net, pair[1], ax=ax) is fig
    assert ax.get_title(loc="left").startswith("Crude oil flows")
    assert _legends(fig)


def test_inputs_not_mutated(mini_net, pair):
    before_nodes, before_links = mini_net.nodes.copy(), mini_net.links.copy()
    tc.plot_map(mini_net, pair[1])
    assert mini_net.nodes.equals(before_nodes) and mini_net.links.equals(before_links)
    assert not pair[0].network.nodes["disabled"].any()


# --------------------------------------------------------------------- output
@pytest.mark.parametrize("suffix", [".png", ".svg", ".pdf"])
def test_save_map_formats(outage_fig, tmp_path, suffix):
    path = save_map(outage_fig, tmp_path / f"map{suffix}")
    data = path.read_bytes()
    assert not list(tmp_path.glob(".*.tmp")), "atomic write leaves no temporary file"
    if suffix == ".png":
        img = Image.open(path)
        assert img.info["dpi"][0] == pytest.approx(200, abs=1)
        w, h = outage_fig.get_size_inches()
        assert img.size == pytest.approx((w * 200, h * 200), abs=1)
    elif suffix == ".svg":
        assert b"<svg" in data[:2000]
    else:
        assert data.startswith(b"%PDF")


def test_save_map_rejects_bad_format_and_dpi(outage_fig, tmp_path):
    with pytest.raises(ValueError, match="unsupported map format"):
        save_map(outage_fig, tmp_path / "map.jpg")
    with pytest.raises(ValueError, match="at least 150"):
        save_map(outage_fig, tmp_path / "map.png", dpi=72)
    path = save_map(outage_fig, tmp_path / "map150.png", dpi=150)
    assert Image.open(path).info["dpi"][0] == pytest.approx(150, abs=1)


def test_maps_render_with_network_unreachable(mini_net, pair, tmp_path, monkeypatch):
    """No tile, no CDN, no download: every socket connect fails, and both maps still render."""
    from transcaspian.maps import basemap as _basemap
    from transcaspian.maps import webassets as _webassets
    from transcaspian.maps.interactive import write_html

    def refuse(self, address):
        raise OSError(f"network unreachable (test): {address!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: refuse(None, a))
    _basemap.countries.cache_clear()
    _basemap.basemap.cache_clear()
    _webassets.leaflet_assets.cache_clear()
    png = save_map(tc.plot_map(mini_net, pair[1]), tmp_path / "offline.png", dpi=150)
    assert Image.open(png).size[0] > 1000
    html = write_html(tc.explore_map(mini_net, pair[1]), tmp_path / "offline.html").read_text()
    assert "L.map(" in html and "Leaflet" in html


def test_nice_values_and_widths():
    from transcaspian.maps.layers import MAX_WIDTH, MIN_WIDTH, WidthScale, nice_values

    assert nice_values(63) == [10, 30, 60]
    assert nice_values(0) == []
    s = WidthScale.from_values([("Mt/y", 60.0), ("bcm/y", 20.0)])
    assert s.width(60, "Mt/y") == MAX_WIDTH == s.width(20, "bcm/y")
    assert s.width(30, "Mt/y") == pytest.approx(MAX_WIDTH / 2)
    assert s.width(0.001, "Mt/y") == MIN_WIDTH
    assert math.isfinite(s.width(5, "TEU/y"))


def test_real_network_map(request, tmp_path):
    """The bundled network draws; a one-commodity map leaves out nodes that commodity never reaches."""
    net = request.getfixturevalue("net")
    fig = tc.plot_map(net)
    assert len(_annotations(fig)) > 10
    assert np.isfinite(fig.axes[0].get_xlim()).all()
    from transcaspian.maps.data import map_frames

    crude = map_frames(net, commodity="crude").nodes
    assert {"novorossiysk_cpc_terminal", "atyrau", "tengiz"} <= set(crude.index)
    assert "galkynysh" not in crude.index  # a gas field
    assert len(crude) < len(map_frames(net).nodes)


def test_export_map_dispatches_on_suffix(mini_net, pair, tmp_path):
    from transcaspian.maps.static import export_map

    assert export_map(tmp_path / "a.pdf", mini_net, pair[1]).read_bytes().startswith(b"%PDF")
    png = export_map(tmp_path / "b.png", mini_net, pair[1], base=pair[0], layout="change")
    assert Image.open(png).size[0] > 1500
    html = export_map(tmp_path / "c.html", mini_net, pair[1]).read_text()
    assert "transcaspianMap" in html
    with pytest.raises(ValueError, match="unsupported"):
        export_map(tmp_path / "d.gif", mini_net)
