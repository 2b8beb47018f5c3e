"""Sea lanes from the maritime network (geometry and length baked at build time) and the optional Volga-Don waterway."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest
import yaml
from pyproj import Geod

import transcaspian as tc

ROOT = Path(__file__).resolve().parents[1]
GEOD = Geod(ellps="WGS84")
#: The legs issue 11 names: Black Sea, Bosporus, Dardanelles, Mediterranean, and the tanker legs
#: from Novorossiysk, Supsa, Batumi and Ceyhan to European ports.
NAMED_LEGS = {"cpc_terminal_bosporus", "sheskharis_bosporus", "supsa_bosporus", "batumi_bosporus",
              "bosporus_europe", "ceyhan_europe", "cpc_terminal_midia", "poti_constanta_ferry", "batumi_constanta_ferry"}
VOLGA_DON_ROUTE = ("aktau_astrakhan_tanker", "volga_don", "rostov_bosporus")
CASPIAN_LEGS = ("aktau_baku_tanker", "kuryk_baku_tanker_kcts", "turkmenbashi_baku_tanker", "aktau_makhachkala_tanker",
                "aktau_alat_ferry", "kuryk_alat_ferry", "turkmenbashi_alat_ferry")


@pytest.fixture(scope="module")
def net():
    return tc.load_network()


def _lanes() -> dict:
    return yaml.safe_load((ROOT / "tools" / "geodata_src" / "sealanes.yaml").read_text(encoding="utf-8"))["links"]


def _build_passages():
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import build_passages
    finally:
        sys.path.remove(str(ROOT / "tools"))
    return build_passages


def test_named_legs_follow_the_maritime_network_and_caspian_legs_stay_drawn(net):
    src = net.links["geometry_source"]
    assert set(src[src == "marnet"].index) == NAMED_LEGS | set(VOLGA_DON_ROUTE)
    assert (src[list(CASPIAN_LEGS)] == "drawn").all()
    assert set(src.unique()) == {"drawn", "marnet"}
    for lid in src[src == "marnet"].index:
        assert "S300" in net.links.at[lid, "sources"], lid
        assert "marnet" in net.links.at[lid, "length_note"], lid


def test_length_is_the_geodesic_length_of_the_baked_line_and_the_line_ends_at_the_nodes(net):
    lanes = _lanes()
    for lid in NAMED_LEGS | set(VOLGA_DON_ROUTE):
        row = net.links.loc[lid]
        coords = list(row.geometry.coords)
        # the build takes the line of sealanes.yaml, snapped to the end nodes
        baked = [v for c in lanes[lid]["coordinates"][1:-1] for v in c]
        assert baked == pytest.approx([v for c in coords[1:-1] for v in c], abs=1e-5), lid
        km = GEOD.geometry_length(row.geometry) / 1000
        assert row["length_km"] == pytest.approx(km, abs=0.06), lid
        assert lanes[lid]["length_km"] == pytest.approx(km, abs=0.06), lid
        for end, c in (("from_node", coords[0]), ("to_node", coords[-1])):
            node = net.nodes.loc[row[end]].geometry
            assert GEOD.inv(c[0], c[1], node.x, node.y)[2] < 1000.0, (lid, end)


def test_costs_follow_the_new_lengths(net):
    # the ocean tanker rule of tools/build_geodata.py: 1 USD/t dues + 0.005 USD/t-km
    for lid in ("bosporus_europe", "ceyhan_europe", "cpc_terminal_bosporus", "cpc_terminal_midia"):
        row = net.links.loc[lid]
        assert row["cost"]["crude"] == pytest.approx(1.0 + 0.005 * row["length_km"], abs=0.006), lid
    assert net.links.at["ceyhan_europe", "length_km"] == pytest.approx(2667.1, abs=0.05)


def test_build_recomputes_the_lanes_from_the_maritime_network():
    pytest.importorskip("searoute", reason="the sealanes extra (in .[test]) ships the maritime network")
    bp = _build_passages()
    from transcaspian.interop.lines import maritime_network

    tankers = bp.tanker_network(maritime_network())
    lanes = _lanes()
    nodes = tc.load_network().nodes
    for lid, (a, b) in {"ceyhan_europe": ("ceyhan", "europe"), "bosporus_europe": ("bosporus", "europe"),
                        "volga_don": ("astrakhan", "rostov_on_don")}.items():
        pa, pb = nodes.loc[a].geometry, nodes.loc[b].geometry
        coords, route = bp.lane_coords(tankers, lid, (pa.x, pa.y), (pb.x, pb.y))
        assert [list(c) for c in coords] == lanes[lid]["coordinates"], lid
        assert route.length_km == pytest.approx(lanes[lid]["maritime_km"], abs=0.06), lid
    # the Corinth Canal is out of the tanker graph: the Adriatic legs round the Peloponnese
    coords = lanes["ceyhan_europe"]["coordinates"]
    assert min(y for _, y in coords) < 36.5 and not any(22.9 < x < 23.1 and 37.85 < y < 38.0 for x, y in coords)


def test_volga_don_is_off_by_default(net):
    base = tc.solve(net, commodity="crude")
    assert set(VOLGA_DON_ROUTE).isdisjoint(base.flows.index[base.flows["flow"] > 0])
    assert net.links.at["volga_don", "status"] == "planned"
    assert (net.nodes.loc[["astrakhan", "rostov_on_don"], "status"] == "idle").all()
    # the winter closures alone never open it in a simulation
    sim = tc.simulate(net, start="2026-03", end="2026-04", step="month", commodity="crude")
    assert sim.flows.loc[sim.flows["link"].isin(VOLGA_DON_ROUTE), "flow"].sum() == pytest.approx(0.0)


def test_volga_don_scenario_adds_its_seasonal_capacity_to_the_cpc_outage(net):
    outage = tc.solve(net, ROOT / "examples" / "scenarios" / "cpc_outage.yaml", commodity="crude")
    volga = tc.solve(net, ROOT / "examples" / "scenarios" / "volga_don.yaml", commodity="crude")
    cap = float(net.links.at["volga_don", "capacity"])
    assert cap == pytest.approx(5.0)
    assert volga.total_delivered["crude"] - outage.total_delivered["crude"] == pytest.approx(cap, abs=1e-6)
    for lid in VOLGA_DON_ROUTE:
        assert volga.flows.at[lid, "flow"] == pytest.approx(cap, abs=1e-6), lid
    assert volga.total_cost > outage.total_cost  # the extra crude goes by a dear route


def test_volga_don_carries_nothing_in_its_closed_months(net):
    sim = tc.simulate(net, ROOT / "examples" / "scenarios" / "volga_don.yaml", start="2026-02", end="2026-05",
                      step="month", commodity="crude")
    f = sim.flows[sim.flows["link"] == "volga_don"].set_index("period")["flow"]
    cap = float(net.links.at["volga_don", "capacity"])
    assert f["2026-02"] == pytest.approx(0.0) and f["2026-03"] == pytest.approx(0.0)
    # open months: the annual capacity's daily rate, binding (the CPC terminal is out)
    assert f["2026-04"] == pytest.approx(cap * 30 / 365, rel=1e-6)
    assert f["2026-05"] == pytest.approx(cap * 31 / 365, rel=1e-6)


def test_static_snapshots_follow_the_season():
    winter = tc.load_network(as_of="2026-01-15")
    summer = tc.load_network(as_of="2026-06-15")
    assert bool(winter.links.at["volga_don", "disabled"]) and not bool(summer.links.at["volga_don", "disabled"])


def test_season_and_vessel_limits_are_sourced(net):
    sources = net.sources
    claims = {sid: [c["value"] for c in sources[sid]["claims"]] for sid in ("S310", "S311", "S312", "S313", "S314", "S315", "S316")}
    assert 244 in claims["S311"] and 141 in claims["S312"] and 5428 in claims["S313"] and 3.35 in claims["S316"]
    assert set(claims) <= set(net.links.at["volga_don", "sources"])
    winters = [e for e in net.events if str(e["id"]).startswith("volga_don_winter_")]
    assert len(winters) >= 6
    for e in winters:
        start, end = dt.date.fromisoformat(str(e["date"])), dt.date.fromisoformat(str(e["end"]))
        assert (start.month, start.day, end.month, end.day) == (12, 1, 4, 1) and end.year == start.year + 1
        assert e["changes"] == [{"disable": ["volga_don"]}]
        # open from 1 April to 30 November: the 244-day average season of S311
        assert (dt.date(end.year, 12, 1) - end).days == 244
    assert "navigable season" in net.links.at["volga_don", "capacity_note"]
