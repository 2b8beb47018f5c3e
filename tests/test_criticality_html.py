"""The criticality map as HTML: written offline, escaped, every element with its rank, the PNG's colours; the CLI."""

from __future__ import annotations

import importlib
import json
import re
from pathlib import Path

import pytest
from matplotlib import colormaps
from matplotlib.colors import to_hex

import transcaspian as tc
from test_webmap import driver  # noqa: F401 - the headless Chromium fixture
from transcaspian.maps.criticality import plot_criticality, save_criticality_map

pytest.importorskip("folium")

EVIL = "<script>alert(1)</script>"
EVIL_LINK = "`${alert(2)}`<img src=x onerror=alert(3)>"

# one drawn element of the page: its variable, constructor, options, and the texts bound to it
_LAYER = re.compile(r"var (\w+) = L\.(polyline|circleMarker)\(\s*\[.*?\],\s*(\{.*?\})\s*\)\.addTo", re.S)
_BIND = re.compile(r"(\w+)\.bind(Tooltip|Popup)\((\"(?:[^\"\\]|\\.)*\")")


def _elements(html: str) -> dict[str, dict]:
    """Per element id: the layer's options and its tooltip and popup (decoded), from the page's script."""
    options = {m.group(1): {"type": m.group(2), **json.loads(m.group(3))} for m in _LAYER.finditer(html)}
    texts: dict[str, dict[str, str]] = {}
    for m in _BIND.finditer(html):
        texts.setdefault(m.group(1), {})[m.group(2).lower()] = json.loads(m.group(3))
    out: dict[str, dict] = {}
    for var, opts in options.items():
        tip = texts.get(var, {}).get("tooltip", "")
        ids = re.findall(r'<span class="id">([^<]+)</span>', tip)
        if ids:
            out.setdefault(ids[0], {**opts, **texts[var]})
    return out


@pytest.fixture(scope="module")
def mini_crit(mini_net):
    return tc.criticality(mini_net, elements="both")


@pytest.fixture(scope="module")
def page(mini_net, mini_crit, tmp_path_factory) -> str:
    path = save_criticality_map(mini_net, mini_crit, tmp_path_factory.mktemp("crit") / "crit.html")
    assert path.suffix == ".html" and path.exists()
    return path.read_text(encoding="utf-8")


def test_page_is_written_and_offline(page):
    assert page.startswith("<!DOCTYPE html>")
    external = re.findall(r'<(?:script|link|img)[^>]+(?:src|href)\s*=\s*"(?!data:)([^"#]+)"', page)
    assert external == [], f"the page loads external resources: {external}"
    # any http(s) URL used as a source, link or stylesheet import: only Leaflet's attribution link
    urls = re.findall(r"""(?:src|href)\s*=\s*\\?["']?(https?://[^"'\\\s>]+)|url\(\s*["']?(https?://[^)"']+)|@import\s+["']?(https?:[^"';]+)""",
                      page)
    assert {u for group in urls for u in group if u} <= {"https://leafletjs.com"}
    assert "cdn." not in page and "L.tileLayer" not in page
    assert "L.geoJSON(" in page  # the offline Natural Earth base layer


def test_no_temporary_file_is_left(mini_net, mini_crit, tmp_path):
    save_criticality_map(mini_net, mini_crit, tmp_path / "a.html")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.html"]


def test_every_element_appears_with_its_rank(page, mini_crit):
    drawn = _elements(page)
    assert set(mini_crit.index) <= set(drawn)
    sizes = mini_crit.groupby("role").size()
    for eid, row in mini_crit.iterrows():
        el = drawn[eid]
        assert el["type"] == ("polyline" if row["kind"] == "link" else "circleMarker")
        rank = f"rank {int(row['rank'])} of {int(sizes[row['role']])} {row['role']} elements"
        assert rank in el["tooltip"] and rank in el["popup"]
        assert f"{100 * row['lost_share']:.1f}% of supply" in el["tooltip"]
        assert "Mt/y" in el["tooltip"] and "cost change" in el["tooltip"]


def test_popups_name_the_losing_markets_and_the_gained_links(page, mini_crit):
    hub = _elements(page)["hub"]["popup"]
    # independent of the page: the table says europe -30, china -6 and a_port +4
    assert mini_crit.loc["hub", "losing_markets"] == "europe -30, china -6"
    assert re.search(r"Europe <span class=\"id\">europe</span> <b>\u221230(\.0)? Mt/y</b>", hub)
    assert re.search(r"China <span class=\"id\">china</span> <b>\u22126(\.0)? Mt/y</b>", hub)
    assert "Links that gained flow" in hub and re.search(r"A Port <span class=\"id\">a_port</span> <b>\+4(\.0)? Mt/y</b>", hub)
    assert "36.0 Mt/y</b> lost (80.0% of supply)" in hub


def test_colours_follow_the_png_scale(page, mini_net, mini_crit):
    drawn = _elements(page)
    top = float(mini_crit["lost_share"].max())
    cmap = colormaps["inferno_r"]
    lost = mini_crit[mini_crit["lost_share"] > 0]
    # one link and one node with different, non-extreme shares
    picks = [lost[lost["kind"] == "link"].index[-1], lost[lost["kind"] == "node"].index[-1]]
    assert len({float(mini_crit.loc[p, "lost_share"]) for p in picks}) == 2
    for eid in picks:
        want = to_hex(cmap(float(mini_crit.loc[eid, "lost_share"]) / top))
        key = "color" if mini_crit.loc[eid, "kind"] == "link" else "fillColor"
        assert drawn[eid][key] == want, eid
    idle = mini_crit.index[mini_crit["lost_share"] == 0]
    assert len(idle) and all(drawn[e]["color"] == "#8c8c8c" for e in idle if mini_crit.loc[e, "kind"] == "link")
    # the PNG draws the nodes in the same colours
    fig = plot_criticality(mini_net, mini_crit)
    nodes = mini_crit[mini_crit["kind"] == "node"]
    scatter = next(c for c in fig.axes[0].collections if len(c.get_offsets()) == len(nodes))
    png = [to_hex(c) for c in scatter.get_facecolors()]
    assert png == [drawn[e]["fillColor"] for e in nodes.index]


def test_hostile_names_are_escaped(mini_net, tmp_path):
    net = mini_net.copy()
    net.nodes.loc["hub", "name"] = EVIL
    net.links.loc["hub_terminal", "name"] = EVIL_LINK
    crit = tc.criticality(net, elements="both")
    html = save_criticality_map(net, crit, tmp_path / "evil.html").read_text(encoding="utf-8")
    assert EVIL not in html and "<script>alert" not in html and "alert(1)</script>" not in html
    assert "<img src=x" not in html and "${alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # in the list of the most critical
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in _elements(html)["hub"]["tooltip"]  # decoded JS string: escaped HTML


def test_a_bad_suffix_is_refused_before_drawing(mini_net, mini_crit, tmp_path, monkeypatch):
    import transcaspian.maps.criticality as mod

    monkeypatch.setattr(mod, "plot_criticality", lambda *a, **k: pytest.fail("drew before checking the suffix"))
    with pytest.raises(tc.InputError, match=r"unknown suffix '\.txt'.*\.png, \.svg, \.pdf or \.html"):
        save_criticality_map(mini_net, mini_crit, tmp_path / "crit.txt")
    assert list(tmp_path.iterdir()) == []


def test_a_table_without_the_columns_is_refused(mini_net, mini_crit, tmp_path):
    with pytest.raises(tc.InputError, match="column 'rank' missing"):
        save_criticality_map(mini_net, mini_crit.drop(columns="rank"), tmp_path / "c.html")


def test_pair_and_horizon_tables(mini_net, tmp_path):
    pairs = tc.criticality(mini_net, elements="links", k=2, top=3)
    html = save_criticality_map(mini_net, pairs, tmp_path / "pairs.html").read_text(encoding="utf-8")
    assert f"The table holds {len(pairs)} pairs or triples and no single outage" in html
    assert _elements(html).keys().isdisjoint(pairs.index)
    timed = tc.criticality(mini_net, elements="nodes", horizon=("2025-01-01", "2025-03-31"), outage=30)
    drawn = _elements(save_criticality_map(mini_net, timed, tmp_path / "timed.html").read_text(encoding="utf-8"))
    for eid, row in timed.iterrows():
        tip = drawn[eid]["tooltip"]
        assert f"rank {int(row['rank'])} of" in tip and f" {row['unit']}</b> lost" in tip
        assert "USD/y" not in tip  # totals over the horizon, not rates


# ------------------------------------------------------------------------ CLI
def test_cli_map_html_on_the_mini_network(run, mini_path, mini_crit, tmp_path):
    out = tmp_path / "out.html"
    code, _, err = run("criticality", "--data", mini_path, "--elements", "both", "--map", out)
    assert code == 0 and "wrote map" in err
    drawn = _elements(out.read_text(encoding="utf-8"))
    assert set(mini_crit.index) <= set(drawn)
    code, _, err = run("criticality", "--data", mini_path, "--elements", "both", "--map", out)
    assert code == 1 and "--force" in err
    assert run("criticality", "--data", mini_path, "--elements", "both", "--map", out, "--force")[0] == 0


def test_cli_map_html_on_the_corridor(run, net, tmp_path):
    out = tmp_path / "corridor.html"
    code, _, err = run("criticality", "--elements", "both", "--map", out)
    assert code == 0, err
    html = out.read_text(encoding="utf-8")
    crit = tc.criticality(net, elements="both")
    drawn = _elements(html)
    assert set(crit.index) <= set(drawn)
    worst = crit["lost_share"].idxmax()
    assert f"rank {int(crit.loc[worst, 'rank'])} of" in drawn[worst]["tooltip"]
    assert drawn[worst]["type"] == ("polyline" if crit.loc[worst, "kind"] == "link" else "circleMarker")


@pytest.mark.parametrize("option, name", [("--map", "crit.txt"), ("--map", "crit"), ("--out", "rows.xlsx")])
def test_cli_bad_suffix_fails_before_the_sweep(run, mini_path, tmp_path, monkeypatch, option, name):
    crit_mod = importlib.import_module("transcaspian.criticality")  # the package's attribute is the function
    monkeypatch.setattr(crit_mod, "criticality", lambda *a, **k: pytest.fail("the sweep ran before the check"))
    code, out, err = run("criticality", "--data", mini_path, option, tmp_path / name)
    assert code == 1 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {option} ") and "unknown suffix" in lines[0]
    assert (".html" in lines[0]) == (option == "--map") and "fix:" in lines[0]
    assert not Path(tmp_path / name).exists()


# -------------------------------------------------------------------- browser
@pytest.fixture(scope="module")
def evil_page(mini_net, tmp_path_factory) -> Path:
    net = mini_net.copy()
    net.nodes.loc["hub", "name"] = EVIL
    net.links.loc["hub_terminal", "name"] = EVIL_LINK
    return save_criticality_map(net, tc.criticality(net, elements="both"), tmp_path_factory.mktemp("crit") / "evil.html")


@pytest.mark.browser
def test_page_in_chromium(driver, evil_page, mini_crit):  # noqa: F811 - the fixture imported above
    """Loads offline without errors; the hostile names show as text and run nothing; tooltips give the rank."""
    import time

    driver.get(evil_page.resolve().as_uri())
    for _ in range(50):
        if driver.execute_script("return !!(window.transcaspianCriticality && document.readyState === 'complete')"):
            break
        time.sleep(0.1)
    errors = [e for e in driver.get_log("browser") if e.get("level") in ("SEVERE", "ERROR")]
    assert errors == [], f"console errors: {errors}"
    remote = driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name).filter(n => !n.startsWith('data:') && !n.startsWith('file:'))"
    )
    assert remote == []
    listed = driver.execute_script("return Array.from(document.querySelectorAll('.tc-top tr[title]')).map(e => e.title)")
    assert listed[0] == EVIL and len(listed) == 10  # shown as text (full name on hover): the name of the worst (Hub)
    assert driver.execute_script("return document.querySelectorAll('.tc-top script, .leaflet-tooltip-pane img').length") == 0
    tips = driver.execute_script(
        """
        var out = [];
        window.transcaspianCriticality.map.eachLayer(function(l) {
          if (l instanceof L.Path && l.getTooltip()) { l.openTooltip(); out.push(l.getTooltip().getElement().textContent); l.closeTooltip(); }
        });
        return out;"""
    )
    for eid, row in mini_crit.iterrows():
        assert any(eid in t and f"rank {int(row['rank'])} of" in t for t in tips), eid
    assert any(EVIL in t and "rank 1 of" in t for t in tips)
    badges = driver.execute_script("return document.querySelectorAll('.leaflet-marker-icon .tc-badge').length")
    assert badges == 10
