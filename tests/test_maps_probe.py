"""Probes of the maps for silently wrong texts (labels, units, messages)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest

import transcaspian as tc
from netbuild import build_network
from transcaspian.maps.labels import placements
from transcaspian.units import CANONICAL_UNITS


@pytest.fixture(scope="module")
def two_commodities():
    """Crude and gas from ``a`` to ``b``, each on its own direct link with a detour via
    ``c``; the scenario cuts both direct links, so both commodities move."""
    nodes = [{"id": "a", "xy": (50.0, 44.0)}, {"id": "b", "xy": (58.0, 44.0)}, {"id": "c", "xy": (54.0, 47.0)}]
    links = [
        {"id": "ab_crude", "from": "a", "to": "b", "commodities": ["crude"], "capacity": 100, "cost": 1},
        {"id": "ab_gas", "from": "a", "to": "b", "commodities": ["gas"], "capacity": 100, "cost": 1},
        {"id": "ac", "from": "a", "to": "c", "commodities": ["crude", "gas"], "capacity": None, "cost": 3},
        {"id": "cb", "from": "c", "to": "b", "commodities": ["crude", "gas"], "capacity": None, "cost": 3},
    ]
    net = build_network(nodes, links, supplies={"crude": {"a": 30}, "gas": {"a": 20}}, markets={"crude": ["b"], "gas": ["b"]})
    base = tc.solve(net, commodity=["crude", "gas"])
    cut = tc.solve(net, tc.Scenario.from_dict({"name": "cut", "disable": ["ab_crude", "ab_gas"]}), commodity=["crude", "gas"])
    return net, base, cut


@pytest.mark.parametrize("layout", ["panels", "change"])
def test_change_labels_name_their_unit_when_units_mix(two_commodities, layout):
    """A "-30.0" beside a link on a map of crude (Mt/y) and gas (bcm/y) does not say which;
    every change label carries the unit of its own commodity's change."""
    _, base, cut = two_commodities
    fig = tc.plot_comparison(base, cut, layout=layout)
    try:
        changes = [p for p in placements(fig) if p.kind == "change"]
        by_link = {p.key.split(":", 1)[1]: p.text for p in changes}
        # the flows the result tables report, independently of the map's frames
        before = base.flows.reset_index()
        after = cut.flows.reset_index()
        expected = {}
        for frame, sign in ((before, -1.0), (after, 1.0)):
            for r in frame.itertuples(index=False):
                key = (str(r.link), str(r.commodity))
                expected[key] = expected.get(key, 0.0) + sign * abs(float(r.flow))
        seen = set()
        for p in changes:
            assert p.text.endswith((" Mt/y", " bcm/y")), f"change label {p.text!r} has no unit"
        for (lid, com), delta in expected.items():
            if abs(delta) < 1e-6 or lid not in {k for k in by_link}:
                continue
            unit = CANONICAL_UNITS[com]
            texts = [p.text for p in changes if p.key.split(":", 1)[1] == lid and p.text.endswith(" " + unit)]
            want = f"{'+' if delta > 0 else chr(0x2212)}{abs(delta):.1f} {unit}"
            assert want in texts, f"{lid} {com}: expected {want!r} among {texts}"
            seen.add((lid, com))
        assert {("ab_crude", "crude"), ("ab_gas", "gas")} <= seen
    finally:
        plt.close(fig)


@pytest.fixture(scope="module")
def mini():
    net = tc.load_network("tests/fixtures/mini")
    return net, tc.solve(net)


@pytest.mark.parametrize("suffix", [".png", ".html"])
@pytest.mark.parametrize(
    "extent",
    [(45, 38, 60), ("a", 38, 60, 50), "45,38,60,50", (60, 50, 45, 38), (45, float("nan"), 60, 50), 45],
)
def test_bad_extent_is_an_input_error_on_both_maps(mini, tmp_path, suffix, extent):
    """The static map rejected three numbers but raised a bare ValueError on text; the
    HTML map unpacked three numbers into a ValueError and drew swapped corners without
    a word. Both now raise the same InputError with the fix."""
    from transcaspian.errors import InputError
    from transcaspian.maps.static import export_map

    net, res = mini
    with pytest.raises(InputError, match=r"extent .*\(fix: give extent=\(min lon, min lat, max lon, max lat\)"):
        export_map(tmp_path / f"m{suffix}", net, res, extent=extent)
    assert not (tmp_path / f"m{suffix}").exists()


@pytest.mark.parametrize("dpi", ["300", None, float("nan"), -200, True])
def test_bad_dpi_is_an_input_error(mini, tmp_path, dpi):
    from transcaspian.errors import InputError
    from transcaspian.maps.static import export_map

    net, res = mini
    with pytest.raises(InputError, match=r"dpi=.*\(fix: give a number of dots per inch"):
        export_map(tmp_path / "m.png", net, res, dpi=dpi)


def test_highlight_one_string_is_one_element(mini):
    """highlight="terminal" was read letter by letter: "no node or link named 't'"."""
    from transcaspian.maps.data import resolve_ids

    net, res = mini
    assert resolve_ids(net, "terminal") == {"terminal"}
    fig = tc.plot_map(net, res, highlight="terminal")
    try:
        label = [p for p in placements(fig) if p.key == "terminal"]
        assert label and label[0].kind == "node"
        assert any(t.get_fontweight() == "bold" for t in fig.axes[0].texts if getattr(t, "_tc_key", None) == "terminal")
    finally:
        plt.close(fig)


def test_commodity_without_flows_says_the_fix(mini):
    """A result with no commodity (rare earths solved where there is no supply) said
    "use one of (none)"; a commodity the result lacks says which to use, with the fix."""
    from transcaspian.errors import UnitError

    net, res = mini
    empty = tc.solve(net, commodity="rare_earths")
    assert tuple(empty.commodities) == ()
    with pytest.raises(UnitError, match=r"no flows of any commodity \(fix: solve a commodity with supply"):
        tc.plot_map(net, empty, commodity="rare_earths")
    with pytest.raises(UnitError, match=r"'gas' is not in this map's data \(fix: use one of crude\)"):
        tc.plot_map(net, res, commodity="gas")


@pytest.fixture(scope="module")
def uranium_sim():
    return tc.simulate(tc.load_network(), start="2025-11", end="2026-01", commodity="uranium")


def test_timeseries_charts_the_simulated_commodity(uranium_sim):
    """simulate --commodity uranium --chart drew the crude chart of a uranium run: empty
    panels, "nothing deferred or stranded", no commodity in the title. The chart now
    draws the commodity simulated, names it, and refuses one that was not simulated."""
    from transcaspian.errors import InputError
    from transcaspian.maps.timeseries import plot_timeseries

    fig = plot_timeseries(uranium_sim)
    try:
        assert "Uranium" in fig.get_suptitle()
        assert fig.axes[0].get_ylabel() == "kt per month"
        drawn = sum(b.get_height() for b in fig.axes[0].patches)
        thr = uranium_sim.throughput
        if len(fig.axes[0].patches):  # the bars are the uranium throughput of the nodes stacked
            nodes = {t.get_text() for t in fig.axes[0].get_legend().get_texts()}
            assert drawn == pytest.approx(float(thr[thr["node"].isin(nodes)]["throughput"].sum()))
        else:
            assert any("no export route" in t.get_text() for t in fig.axes[0].texts)
    finally:
        plt.close(fig)
    with pytest.raises(InputError, match=r"commodity 'crude' was not simulated \(fix: use one of uranium"):
        plot_timeseries(uranium_sim, commodity="crude")


@pytest.mark.parametrize("kind", ["png", "html"])
def test_comparison_map_refuses_results_of_different_commodities(two_commodities, kind):
    """Crude+gas against crude only drew every gas flow as "gained" though nothing moved;
    the map now refuses it (the CLI's compare does too), and a commodity both solved maps."""
    from transcaspian.errors import ComparisonError
    from transcaspian.maps.interactive import explore_comparison

    net, base, _ = two_commodities
    crude_only = tc.solve(net, tc.Scenario.from_dict({"name": "cut", "disable": ["ab_crude"]}), commodity="crude")
    draw = explore_comparison if kind == "html" else tc.plot_comparison
    with pytest.raises(ComparisonError, match=r"gained or lost everywhere \(fix: .*commodity= one both solved \(crude\)"):
        draw(base, crude_only)
    with pytest.raises(ComparisonError, match=r"'gas'.*\(fix: use commodity= one both solved \(crude\)\)"):
        draw(base, crude_only, commodity="gas")
    out = draw(base, crude_only, commodity="crude")
    if kind == "png":
        changes = {p.key: p.text for p in placements(out) if p.kind == "change"}
        assert changes.get("delta:ab_crude") == "\u221230.0"  # the crude moved off the cut link
        plt.close(out)


def _page_texts(fig):
    """Figure-level texts (title, subtitle, source) that run past the page edge."""
    from transcaspian.maps.labels import get_renderer

    fig.canvas.draw()
    r = get_renderer(fig)
    return [t.get_text() for t in fig.texts if t.get_window_extent(r).x1 > fig.bbox.width + 0.5]


def test_long_subtitle_is_wrapped_not_clipped():
    """A comparison of every commodity on one map: the subtitle ran ~290 px off a 1105 px
    page, cutting off the stranded totals; it is now wrapped, and two commodities in kt/y
    are named."""
    nodes = [{"id": "a", "xy": (50.0, 44.0)}, {"id": "b", "xy": (58.0, 44.0)}]
    coms = ["crude", "gas", "containers", "rare_earths", "uranium"]
    links = [{"id": f"ab_{c}", "from": "a", "to": "b", "commodities": [c], "capacity": 1000, "cost": 1} for c in coms]
    net = build_network(nodes, links, supplies={c: {"a": 12345.6} for c in coms}, markets={c: ["b"] for c in coms})
    base = tc.solve(net, commodity=coms)
    cut = tc.solve(net, tc.Scenario.from_dict({"name": "a long scenario name", "derate": {f"ab_{c}": 0.5 for c in coms}}),
                   commodity=coms)
    fig = tc.plot_comparison(base, cut, layout="change")
    try:
        assert _page_texts(fig) == []
        sub = fig.texts[1].get_text()
        assert "\n" in sub and "stranded" in sub
        # every total of the tables is on the page, in its unit
        for c in coms:
            for v in (base.total_delivered[c], cut.total_delivered[c], cut.total_unserved[c]):
                assert f"{v:,.0f}" in sub or f"{v:.0f}" in sub
        assert "kt/y rare earths" in sub and "kt/y uranium" in sub
    finally:
        plt.close(fig)


@pytest.mark.parametrize(
    ("value", "text"),
    [(999.96, "1,000"), (-999.7, "-1,000"), (1250.0, "1,250"), (99.96, "100"), (0.9996, "1.0"), (62.5, "62.5"),
     (0.06, "0.06"), (1.2e-5, "0.000012"), (1e-5, "0.00001")],
)
def test_volume_text_precision_from_the_rounded_value(value, text):
    """999.96 was written "1000" beside "1,000" elsewhere on the same map, and a stranded
    1.2e-05 Mt/y was written in exponent notation."""
    from transcaspian.maps.text import fmt_volume

    assert fmt_volume(value) == text


def test_criticality_png_title_names_the_commodity(two_commodities):
    """The criticality map of gas was titled like that of crude ("Criticality: what each
    single outage strands"); its title now names the commodity (or commodities)."""
    from transcaspian.maps.criticality import plot_criticality

    net, _, _ = two_commodities
    for commodity, want in (("gas", "Criticality of natural gas:"), ("all", "Criticality of crude oil, natural gas:")):
        fig = plot_criticality(net, tc.criticality(net, commodity=commodity, elements="links"))
        try:
            assert fig.axes[0].get_title().startswith(want)
        finally:
            plt.close(fig)


def test_criticality_html_title_names_the_commodity(two_commodities):
    from transcaspian.maps.critweb import explore_criticality

    net, _, _ = two_commodities
    page = explore_criticality(net, tc.criticality(net, commodity="gas", elements="links")).get_root().render()
    assert "<h1>Criticality of natural gas: what each single outage strands</h1>" in page
