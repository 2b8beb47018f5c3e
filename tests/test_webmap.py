"""Interactive HTML map: offline assets, escaping, layers; and in headless Chromium.

The browser tests need Debian's chromium and chromium-driver (/usr/bin/chromium,
/usr/bin/chromedriver); `make test` installs them with tools/ensure_browser.sh. Without
them the browser tests fail (they are not skipped) and say so.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import time
from pathlib import Path

import pytest

import transcaspian as tc
from flow_factory import mini_pair
from transcaspian.maps.interactive import explore_comparison, explore_map, write_html

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
EVIL_NAME = "<script>alert(1)</script>"
EVIL_LINK = "`${alert(2)}`<img src=x onerror=alert(3)>"


@pytest.fixture(scope="module")
def pair(mini_net):
    return mini_pair(mini_net)


@pytest.fixture(scope="module")
def evil_net(mini_net):
    """The mini network with hostile texts in names and a javascript: source URL."""
    net = mini_net.copy()
    net.nodes.loc["hub", "name"] = EVIL_NAME
    net.links.loc["a_hub", "name"] = EVIL_LINK
    net.links.at["a_hub", "operator"] = "\"'><svg onload=alert(4)>"
    sources = {
        "T1": {"title": "<b>bold</b> title", "outlet": "x", "date": "2025-01-01", "url": "javascript:alert(1)"},
        "T2": {"title": "Good", "url": "https://example.org/good?a=1&b=2"},
    }
    net.links.at["a_hub", "sources"] = ["T1", "T2"]
    return net.replace(sources=sources)


@pytest.fixture(scope="module")
def outage_html(mini_net, pair, tmp_path_factory) -> Path:
    return write_html(explore_map(mini_net, pair[1]), tmp_path_factory.mktemp("web") / "outage.html")


@pytest.fixture(scope="module")
def evil_html(evil_net, tmp_path_factory) -> Path:
    from flow_factory import MINI_OUTAGE, make_result

    res = make_result(evil_net, {**MINI_OUTAGE, "a_hub": 3.0}, disable=["terminal"])
    return write_html(explore_map(evil_net, res), tmp_path_factory.mktemp("web") / "evil.html")


@pytest.fixture(scope="module")
def comparison_html(pair, tmp_path_factory) -> Path:
    return write_html(explore_comparison(*pair), tmp_path_factory.mktemp("web") / "comparison.html")


# ------------------------------------------------------------- static checks
def test_html_is_self_contained(outage_html):
    html = outage_html.read_text()
    assert html.startswith("<!DOCTYPE html>")
    external = re.findall(r'<(?:script|link|img)[^>]+(?:src|href)\s*=\s*"(?!data:)([^"#]+)"', html)
    assert external == [], f"the page loads external resources: {external}"
    assert "cdn." not in html and "code.jquery" not in html and "bootstrapcdn" not in html
    assert "L.geoJSON(" in html  # the offline Natural Earth base layer
    assert "L.tileLayer" not in html


def test_html_escapes_every_data_text(evil_html):
    html = evil_html.read_text()
    assert "<script>alert(1)" not in html
    assert "alert(1)</script>" not in html
    assert "<svg onload" not in html and "<img src=x" not in html
    assert "${alert" not in html
    assert re.search(r"javascript\s*:", html, re.I) is None, "non-http(s) URLs must never reach the page"
    assert "<b>bold</b>" not in html
    assert "https://example.org/good?a=1\\u0026amp;b=2" in html  # escaped attribute, in an escaped JS string


def test_layers_per_mode_and_commodity(mini_net, pair):
    m = explore_map(mini_net, pair[1])
    names = [ch.layer_name for ch in m._children.values() if type(ch).__name__ == "FeatureGroup" and ch.control]
    assert names[:4] == ["Mode: Pipeline", "Mode: Tanker (sea)", "Mode: Rail", "Commodity: Crude oil"]
    assert {"Nodes", "Disabled / derated", "Stranded volume"} <= set(names)


def test_saturated_links_drawn_are_the_results_saturated_list(net):
    """The page halos exactly the links the result lists as saturated (CPC outage)."""
    import folium

    from transcaspian.maps.data import map_frames
    from transcaspian.maps.interactive import _LinkLayer

    scenario = Path(__file__).resolve().parents[1] / "examples" / "scenarios" / "cpc_outage.yaml"
    res = tc.solve(net, tc.Scenario.from_yaml(scenario))
    listed = set(res.saturated.loc[res.saturated["kind"] == "link", "element"])
    assert listed
    links = _LinkLayer(folium.Map(tiles=None), folium, net, map_frames(res.network, res), commodity=None).draw()
    assert links.saturated == listed
    assert "saturated" in links.marks


def test_commodity_filter(mini_net):
    with pytest.raises(tc.UnitError):
        explore_map(mini_net, commodity="plutonium")


# ----------------------------------------------------------------- browser
@pytest.fixture(scope="module")
def driver():
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not Path(p).exists()]
    if missing:
        pytest.fail(
            f"headless Chromium is missing ({', '.join(missing)}); run `bash tools/ensure_browser.sh` "
            "(as root; installs Debian's chromium and chromium-driver) or `make test`",
            pytrace=False,
        )
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="tc-chromium-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1280,800",
        f"--user-data-dir={profile}",
        # no page may reach the network: every host name fails to resolve
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost",
    ):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    drv = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    drv.set_page_load_timeout(30)
    yield drv
    drv.quit()
    shutil.rmtree(profile, ignore_errors=True)


def _load(driver, path: Path) -> list[dict]:
    driver.get(path.resolve().as_uri())
    for _ in range(50):
        if driver.execute_script("return !!(window.transcaspianMap && document.readyState === 'complete')"):
            break
        time.sleep(0.1)
    return driver.get_log("browser")


@pytest.mark.browser
def test_page_loads_offline_without_errors(driver, outage_html):
    logs = _load(driver, outage_html)
    errors = [e for e in logs if e.get("level") in ("SEVERE", "ERROR")]
    assert errors == [], f"console errors: {errors}"
    remote = driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name).filter(n => !n.startsWith('data:') && !n.startsWith('file:'))"
    )
    assert remote == []
    overlays = driver.execute_script(
        "return Array.from(document.querySelectorAll('.leaflet-control-layers-overlays label')).map(e => e.textContent.trim())"
    )
    assert overlays == [
        "Mode: Pipeline",
        "Mode: Tanker (sea)",
        "Mode: Rail",
        "Commodity: Crude oil",
        "Nodes",
        "Node names",
        "Disabled / derated",
        "Stranded volume",
    ]
    # the Natural Earth base layer and the link lines are drawn as SVG paths
    assert driver.execute_script("return document.querySelectorAll('path.leaflet-interactive').length") >= 9
    assert driver.execute_script("return document.querySelectorAll('.leaflet-marker-icon .tc-stranded').length") == 2
    assert driver.execute_script("return document.querySelectorAll('.leaflet-marker-icon .tc-x').length") >= 1
    # node names are decluttered: no two visible names overlap, at two zoom levels
    overlaps = """
        var r = Array.from(document.querySelectorAll('.leaflet-marker-icon .tc-name, .leaflet-marker-icon .tc-stranded'))
          .filter(e => getComputedStyle(e).visibility !== 'hidden').map(e => e.getBoundingClientRect());
        var n = 0;
        for (var i = 0; i < r.length; i++) for (var j = i + 1; j < r.length; j++)
          if (!(r[i].right <= r[j].left || r[i].left >= r[j].right || r[i].bottom <= r[j].top || r[i].top >= r[j].bottom)) n++;
        return [r.length, n];"""
    shown, clashes = driver.execute_script(overlaps)
    assert shown >= 4 and clashes == 0
    driver.execute_script("window.transcaspianMap.map.setZoom(3, {animate: false});")
    assert driver.execute_script(overlaps)[1] == 0


@pytest.mark.browser
def test_tooltips_and_layer_toggles(driver, outage_html):
    _load(driver, outage_html)
    tips = driver.execute_script(
        """
        var out = [];
        window.transcaspianMap.links.forEach(function(l) {
          if (l.layer.getTooltip()) { l.layer.openTooltip(); out.push(l.layer.getTooltip().getElement().textContent); l.layer.closeTooltip(); }
        });
        return out;"""
    )
    assert any("Mt/y" in t and "utilisation" in t for t in tips)
    assert any("AT CAPACITY" in t for t in tips)
    shown = "return window.transcaspianMap.links.filter(l => window.transcaspianMap.map.hasLayer(l.layer)).length"
    total = driver.execute_script(shown)
    label = driver.find_element("xpath", "//label[contains(., 'Mode: Pipeline')]//input")
    label.click()
    after = driver.execute_script(shown)
    assert 0 < after < total
    label.click()
    assert driver.execute_script(shown) == total
    driver.find_element("xpath", "//label[contains(., 'Commodity: Crude oil')]//input").click()
    assert driver.execute_script(shown) == 0


@pytest.mark.browser
def test_hostile_data_stays_text(driver, evil_html):
    from selenium.common.exceptions import NoAlertPresentException

    logs = _load(driver, evil_html)
    assert [e for e in logs if e.get("level") == "SEVERE"] == []
    popups = driver.execute_script(
        """
        var out = [];
        window.transcaspianMap.map.eachLayer(function(l) {
          if (l.getPopup && l.getPopup()) { l.openPopup(); var el = l.getPopup().getElement();
            out.push({text: el.textContent, links: Array.from(el.querySelectorAll('.leaflet-popup-content a')).map(a => a.getAttribute('href'))}); l.closePopup(); }
          if (l.getTooltip && l.getTooltip()) { l.openTooltip(); out.push({text: l.getTooltip().getElement().textContent, links: []}); l.closeTooltip(); }
        });
        return out;"""
    )
    texts = " ".join(p["text"] for p in popups)
    assert EVIL_NAME in texts  # shown as text ...
    assert "${alert(2)}" in texts and "<b>bold</b> title" in texts
    links = [h for p in popups for h in p["links"]]
    assert links and all(h.startswith("https://") for h in links), links
    assert driver.execute_script("return document.querySelectorAll('svg[onload], img[onerror]').length") == 0
    with pytest.raises(NoAlertPresentException):
        _ = driver.switch_to.alert.text  # ... and never runs


def test_comparison_page_shows_both_results_and_the_change(comparison_html):
    page = comparison_html.read_text(encoding="utf-8")
    assert "Flows: baseline vs terminal outage" in page
    external = re.findall(r'<(?:script|link|img)[^>]+(?:src|href)\s*=\s*"(?!data:)([^"#]+)"', page)
    assert external == [] and "cdn." not in page


@pytest.mark.browser
def test_comparison_page_in_the_browser(driver, comparison_html):
    """The comparison page: overlays for the change and the base, change tooltips before -> after."""
    logs = _load(driver, comparison_html)
    assert [e for e in logs if e.get("level") in ("SEVERE", "ERROR")] == []
    overlays = driver.execute_script(
        "return Array.from(document.querySelectorAll('.leaflet-control-layers-overlays label')).map(e => e.textContent.trim())"
    )
    assert "Change: baseline \u2192 terminal outage" in overlays and "Before: baseline (flows)" in overlays
    tips = driver.execute_script(
        """
        var out = [];
        window.transcaspianMap.map.eachLayer(function(l) {
          if (l.getTooltip && l.getTooltip() && l.options && (l.options.color === '#2166ac' || l.options.color === '#b2182b')) {
            l.openTooltip(); out.push(l.getTooltip().getElement().textContent); l.closeTooltip(); }
        });
        return out;"""
    )
    assert tips and all("baseline" in t and "terminal outage" in t and "\u2192" in t for t in tips), tips
    # the base layer starts hidden and shows when switched on
    before = driver.find_element("xpath", "//label[contains(., 'Before: baseline')]//input")
    assert not before.is_selected()
    before.click()
    assert before.is_selected()
    driver.save_screenshot(str(comparison_html.with_suffix(".png")))
