"""Named passages on the sea legs, close_passages in scenarios, and the passages every route reports."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml

import transcaspian as tc

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def net():
    return tc.load_network()


def test_sea_legs_name_their_straits(net):
    p = net.links["passages"]
    assert list(p["bosporus_europe"]) == ["bosporus", "dardanelles"]
    for lid in ("cpc_terminal_bosporus", "sheskharis_bosporus", "supsa_bosporus", "batumi_bosporus"):
        assert list(p[lid]) == ["bosporus"], lid
    assert list(p["ceyhan_europe"]) == []  # the Mediterranean leg from Ceyhan passes no strait
    land = net.links[~net.links["mode"].isin(["tanker", "ferry"])]
    assert all(not ps for ps in land["passages"])  # rail tunnels and subsea pipes stay open
    # the committed table the build reads is what the GeoJSON holds
    table = yaml.safe_load((ROOT / "tools" / "geodata_src" / "passages.yaml").read_text(encoding="utf-8"))["links"]
    assert {lid: list(ps) for lid, ps in p.items() if ps} == table


def test_routes_report_their_passages(net):
    best = tc.find_routes(net, "tengiz", "europe", commodity="crude", k=3)
    assert best[0].passages == ("bosporus", "dardanelles")
    assert best[0].to_dict()["passages"] == ["bosporus", "dardanelles"]
    via_ceyhan = [r for r in tc.find_routes(net, "tengiz", "europe", commodity="crude", k=10) if "ceyhan" in r.path]
    assert via_ceyhan and all(r.passages == () for r in via_ceyhan)
    from transcaspian.interop.results import routes_with_passages

    routes = routes_with_passages(tc.solve(net, commodity="crude"))
    crossing = routes[[("bosporus_europe" in ls) for ls in routes["links"]]]
    assert len(crossing) and all("dardanelles" in ps for ps in crossing["passages"])


def test_close_passages_disables_the_legs_through_the_strait(net):
    sc = tc.Scenario.from_dict({"name": "bosporus_closed", "close_passages": ["Bosporus"]})
    closed = sc.apply(net)
    off = set(closed.links.index[closed.links["disabled"]])
    assert off == {lid for lid, ps in net.links["passages"].items() if "bosporus" in ps}
    base, cut = tc.solve(net, commodity="crude"), tc.solve(net, sc, commodity="crude")
    assert cut.total_delivered["crude"] < base.total_delivered["crude"] - 10
    assert float(cut.flows.loc[list(off), "flow"].abs().sum()) == 0.0
    # the same as disabling those links by hand
    by_hand = tc.solve(net, tc.Scenario(name="by_hand", disable=tuple(sorted(off))), commodity="crude")
    assert by_hand.total_delivered == pytest.approx(cut.total_delivered) and by_hand.total_cost == pytest.approx(cut.total_cost)
    with pytest.raises(tc.ScenarioError, match="no link crosses a passage named 'panama'.*bosporus, dardanelles"):
        tc.Scenario(name="x", close_passages=("panama",)).apply(net)
    assert "close_passages" in tc.Scenario(name="x", close_passages=("bosporus",)).to_yaml()


def test_build_passages_recomputes_the_table(net):
    pytest.importorskip("searoute", reason="the sealanes extra (in .[test]) ships the maritime network")
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import build_passages
    finally:
        sys.path.remove(str(ROOT / "tools"))
    from shapely.geometry import LineString

    lines = build_passages.passage_lines()
    assert {"bosporus", "dardanelles", "suez", "gibraltar"} <= set(lines)
    for lid in ("bosporus_europe", "ceyhan_europe", "cpc_terminal_bosporus"):
        got = build_passages.crossed(LineString(net.links.loc[lid].geometry.coords), lines)
        assert got == list(net.links.loc[lid, "passages"]), lid
