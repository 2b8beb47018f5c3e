"""Write the bad-input corpus (tests/corpus/) from the mini fixture.

Each network case is a folder holding only the file(s) it changes; the test copies
``tests/fixtures/mini`` and lays the case's files over it (``remove`` lists files the
case deletes). Scenario cases are YAML files under ``scenarios/``, read against the mini
network. ``cases.yaml`` says, for every case, the error class expected and the words its
message must hold: the file, the element, the field and the fix.

Run ``python tests/corpus/make_corpus.py`` after changing the mini fixture or a case.
"""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
MINI = HERE.parent / "fixtures" / "mini"
NODES = json.loads((MINI / "nodes.geojson").read_text())
LINKS = json.loads((MINI / "links.geojson").read_text())

CASES: list[dict[str, Any]] = []


def _dump(doc: Any) -> str:
    return json.dumps(doc, indent=1, allow_nan=True) + "\n"


def net_case(cid: str, files: dict[str, str | bytes], error: str, says: list[str], *, remove: tuple[str, ...] = ()) -> None:
    folder = HERE / "network" / cid
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        p = folder / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    if remove:
        (folder / ".remove").write_text("\n".join(remove) + "\n")
    CASES.append({"id": cid, "kind": "network", "error": error, "says": says})


def node_case(cid: str, change: Any, error: str, says: list[str], *, index: int = 2) -> None:
    doc = copy.deepcopy(NODES)
    change(doc["features"][index], doc)
    net_case(cid, {"nodes.geojson": _dump(doc)}, error, ["nodes.geojson", *says])


def link_case(cid: str, change: Any, error: str, says: list[str], *, index: int = 0) -> None:
    doc = copy.deepcopy(LINKS)
    change(doc["features"][index], doc)
    net_case(cid, {"links.geojson": _dump(doc)}, error, ["links.geojson", *says])


def yaml_case(cid: str, name: str, text: str | bytes, error: str, says: list[str]) -> None:
    net_case(cid, {name: text}, error, [name, *says])


def scen_case(cid: str, text: str | bytes | None, error: str, says: list[str], *, extra: dict[str, str] | None = None,
              entry: str | None = None) -> None:
    folder = HERE / "scenarios" / cid
    folder.mkdir(parents=True, exist_ok=True)
    if text is not None:
        (folder / "scenario.yaml").write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    for name, data in (extra or {}).items():
        p = folder / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(data)
    CASES.append({"id": cid, "kind": "scenario", "entry": entry or "scenario.yaml", "error": error, "says": says})


def setp(key: str, value: Any) -> Any:
    def change(f: dict, doc: dict) -> None:
        f["properties"][key] = value
    return change


def _deep_json(depth: int) -> str:
    return "[" * depth + "]" * depth


def _alias_bomb() -> str:
    """Nine lists of nine aliases: 9**9 nodes once expanded."""
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    lines += [f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]" for i in range(8)]
    return "\n".join(lines) + "\n"


def build() -> None:
    for sub in ("network", "scenarios"):
        shutil.rmtree(HERE / sub, ignore_errors=True)
    N, L = "NetworkDataError", "ValidationError"

    # ---------------------------------------------------------------- nodes.geojson
    text = _dump(NODES).replace('"Hub"', '"H\u00e9b"')
    node_bytes = text.encode("latin-1")
    net_case("nodes_not_utf8", {"nodes.geojson": node_bytes}, N, ["nodes.geojson", "line", "UTF-8"])
    net_case("nodes_deep_nesting", {"nodes.geojson": '{"type": "FeatureCollection", "features": ' + _deep_json(50_000) + "}"},
             N, ["nodes.geojson", "nested", "line 1", "fix"])
    node_case("nodes_properties_list", lambda f, d: f.update(properties=["hub", "Hub"]), L, ["hub", "properties", "mapping"])
    node_case("nodes_coordinates_strings", lambda f, d: f["geometry"].update(coordinates=["51.9", "47.1"]), L, ["hub", "geometry", "[lon, lat]"])
    node_case("nodes_capacity_nan", setp("capacity", float("nan")), L, ["hub", "capacity", "finite number"])
    node_case("nodes_capacity_inf", setp("capacity", float("inf")), L, ["hub", "capacity", "finite number"])
    node_case("nodes_coordinate_inf", lambda f, d: f["geometry"].update(coordinates=[float("inf"), 47.1]), L, ["hub", "geometry", "[lon, lat]"])
    node_case("nodes_duplicate_id", lambda f, d: (f.update(id="hub"), f["properties"].update(id="terminal")), L, ["terminal", "id", "rename"])
    node_case("nodes_id_not_snake_case", lambda f, d: (f.update(id="Hub-1"), f["properties"].update(id="Hub-1")), L, ["Hub-1", "id", "lower-case"])
    node_case("nodes_id_script", lambda f, d: (f.update(id="<script>x</script>"), f["properties"].update(id="<script>x</script>")), L,
              ["<script>x</script>", "id", "lower-case"])
    node_case("nodes_geometry_null", lambda f, d: f.update(geometry=None), L, ["hub", "geometry", "Point"])
    node_case("nodes_geometry_empty_coords", lambda f, d: f["geometry"].update(coordinates=[]), L, ["hub", "geometry", "[lon, lat]"])
    node_case("nodes_geometry_linestring", lambda f, d: f.update(geometry={"type": "LineString", "coordinates": [[51, 47], [52, 47]]}), L,
              ["hub", "geometry", "Point"])
    node_case("nodes_geometry_not_mapping", lambda f, d: f.update(geometry="POINT (51.9 47.1)"), L, ["hub", "geometry", "Point"])
    node_case("nodes_unknown_kind", setp("kind", "spaceport"), L, ["hub", "kind", "use one of"])
    node_case("nodes_bad_country", setp("country", "Kazakhstan"), L, ["hub", "country", "KAZ"])
    node_case("nodes_capacity_string", setp("capacity", "40"), L, ["hub", "capacity", "finite number"])
    node_case("nodes_capacity_bool", setp("capacity", True), L, ["hub", "capacity", "finite number"])
    node_case("nodes_aliases_string", setp("aliases", "Hub"), L, ["hub", "aliases", "list of strings"])
    node_case("nodes_name_number", setp("name", 12), L, ["hub", "name", "string"])

    def crs3857(f: dict, d: dict) -> None:
        d["crs"] = {"type": "name", "properties": {"name": "EPSG:3857"}}
        for g in d["features"]:
            lon, lat = g["geometry"]["coordinates"]
            g["geometry"]["coordinates"] = [lon * 111319.49, lat * 111319.49]
    node_case("nodes_crs_3857", crs3857, L, ["-", "crs", "EPSG:4326"])

    def metres(f: dict, d: dict) -> None:
        for g in d["features"]:
            lon, lat = g["geometry"]["coordinates"]
            g["geometry"]["coordinates"] = [lon * 111319.49, lat * 111319.49]
    node_case("nodes_metres_no_crs", metres, L, ["geometry", "[lon, lat]", "degrees"])
    node_case("nodes_feature_string", lambda f, d: d["features"].__setitem__(2, "hub"), L, ["feature #2", "-", "Feature"])
    node_case("nodes_features_mapping", lambda f, d: d.update(features={"hub": {}}), L, ["-", "features", "list"])
    net_case("nodes_top_level_list", {"nodes.geojson": _dump(NODES["features"])}, L, ["nodes.geojson", "-", "type", "FeatureCollection"])
    net_case("nodes_empty_file", {"nodes.geojson": ""}, N, ["nodes.geojson", "line 1", "fix"])
    net_case("nodes_truncated", {"nodes.geojson": _dump(NODES)[:500]}, N, ["nodes.geojson", "line", "fix"])
    net_case("nodes_duplicate_key", {"nodes.geojson": _dump(NODES).replace('"kind": "junction"', '"kind": "junction", "kind": "port"', 1)},
             N, ["nodes.geojson", "hub", "'kind'", "remove or rename"])
    net_case("nodes_missing", {}, N, ["nodes.geojson", "not found", "check"], remove=("nodes.geojson",))
    net_case("nodes_is_folder", {"nodes.geojson/README": "a folder where a file belongs\n"}, N, ["nodes.geojson", "folder", "file"])
    # the huge file is made at test time as a sparse file (see the test); listed here for the manifest
    CASES.append({"id": "nodes_huge", "kind": "network", "error": N, "says": ["nodes.geojson", "MB", "limit", "split"],
                  "generated": "sparse nodes.geojson beyond the size limit"})

    # ---------------------------------------------------------------- links.geojson
    link_case("links_dangling_end", setp("to_node", "nowhere"), L, ["a_hub", "to_node", "nowhere"])
    link_case("links_same_ends", setp("to_node", "field_a"), L, ["a_hub", "to_node", "two different"])
    link_case("links_unit_mismatch", setp("unit", "bcm/y"), L, ["a_hub", "unit", "Mt/y"])
    link_case("links_unknown_unit", setp("unit", "furlongs/y"), L, ["a_hub", "unit", "transcaspian.units"])
    link_case("links_unknown_commodity", setp("commodities", ["plutonium"]), L, ["a_hub", "commodities", "crude"])
    link_case("links_commodities_string", setp("commodities", "crude"), L, ["a_hub", "commodities", "list of strings"])
    link_case("links_cost_nan", setp("cost", {"crude": float("nan")}), L, ["a_hub", "cost", ">= 0"])
    link_case("links_cost_list", setp("cost", [1.0]), L, ["a_hub", "cost", "mapping"])
    link_case("links_capacity_negative", setp("capacity", -5), L, ["a_hub", "capacity", ">= 0"])
    link_case("links_one_point", lambda f, d: f["geometry"].update(coordinates=[[53.4, 46.1]]), L, ["a_hub", "geometry", "vertices"])
    link_case("links_nested_coordinate", lambda f, d: f["geometry"].update(coordinates=[[53.4, [46.1]], [51.9, 47.1]]), L,
              ["a_hub", "geometry", "[lon, lat]"])
    link_case("links_point_geometry", lambda f, d: f.update(geometry={"type": "Point", "coordinates": [53.4, 46.1]}), L,
              ["a_hub", "geometry", "LineString"])
    link_case("links_far_endpoint", lambda f, d: f["geometry"].update(coordinates=[[40.0, 40.0], [51.9, 47.1]]), L,
              ["a_hub", "geometry", "from_node"])
    link_case("links_unknown_status", setp("status", "sort of working"), L, ["a_hub", "status", "operating"])
    link_case("links_bidirectional_string", setp("bidirectional", "yes"), L, ["a_hub", "bidirectional", "true or false"])
    link_case("links_negative_time", setp("time_days", -1), L, ["a_hub", "time_days", "days"])
    link_case("links_length_zero", setp("length_km", 0), L, ["a_hub", "length_km", "geometry"])
    link_case("links_unknown_mode", setp("mode", "teleport"), L, ["a_hub", "mode", "pipeline"])
    link_case("links_unknown_source", setp("sources", ["NOPE"]), L, ["a_hub", "sources", "sources.yaml"])

    # ---------------------------------------------------------------- baseline.yaml
    base = (MINI / "baseline.yaml").read_text()
    yaml_case("baseline_unknown_origin", "baseline.yaml", base.replace("origin: field_b", "origin: field_zz"), L,
              ["supplies.crude[1]", "origin", "node id"])
    yaml_case("baseline_value_string", "baseline.yaml", base.replace("value: 15.0", "value: lots"), L, ["supplies.crude[1]", "value", "volume"])
    yaml_case("baseline_value_nan", "baseline.yaml", base.replace("value: 15.0", "value: .nan"), L, ["supplies.crude[1]", "value", "volume"])
    yaml_case("baseline_unit_mismatch", "baseline.yaml", base.replace("value: 15.0, unit: Mt/y", "value: 15.0, unit: bcm/y"), L,
              ["supplies.crude[1]", "unit", "Mt/y"])
    yaml_case("baseline_supplies_list", "baseline.yaml", "year: 2025\nsupplies: [field_a]\nmarkets: {crude: [europe]}\n", L,
              ["-", "supplies", "mapping"])
    yaml_case("baseline_entries_mapping", "baseline.yaml",
              "year: 2025\nsupplies:\n  crude: {origin: field_a, value: 3}\nmarkets: {crude: [europe]}\n", L,
              ["supplies.crude", "list"])
    yaml_case("baseline_entry_string", "baseline.yaml", "year: 2025\nsupplies:\n  crude: [field_a]\nmarkets: {crude: [europe]}\n", L,
              ["supplies.crude[0]", "mapping", "origin"])
    yaml_case("baseline_unknown_market", "baseline.yaml", base.replace("[europe, china]", "[europe, mars]"), L,
              ["markets.crude[1]", "node", "mars"])
    yaml_case("baseline_unknown_commodity", "baseline.yaml", base.replace("markets:\n  crude:", "markets:\n  oil:"), L,
              ["markets.oil", "commodity", "crude"])
    yaml_case("baseline_not_mapping", "baseline.yaml", "- year: 2025\n", L, ["-", "mapping", "supplies"])
    yaml_case("baseline_syntax", "baseline.yaml", base.replace("markets:", "markets: [", 1), N, ["line", "fix"])
    yaml_case("baseline_alias_bomb", "baseline.yaml",
              _alias_bomb(), N,
              ["line", "alias", "without anchors"])
    yaml_case("baseline_deep_nesting", "baseline.yaml", "year: 2025\nsupplies: " + "[" * 20_000 + "]" * 20_000 + "\n", N,
              ["line", "nested", "fix"])
    yaml_case("baseline_duplicate_key", "baseline.yaml", base + "year: 2026\n", N, ["'year'", "line", "remove or rename"])
    yaml_case("baseline_contract_min_over_max", "baseline.yaml",
              base.replace("contracts: []", "contracts:\n  - {link: a_hub, commodity: crude, min_flow: 9, max_flow: 3, "
                           "sources: [T1]}"), L, ["contracts[0]", "min_flow", "lower min_flow"])
    yaml_case("baseline_python_tag", "baseline.yaml", "year: !!python/object/apply:os.system ['true']\n", N,
              ["line 1", "python/object", "fix"])

    # ---------------------------------------------------------------- sources.yaml
    yaml_case("sources_missing_url", "sources.yaml", "sources:\n  T1: {title: t, outlet: o, date: '2025-01-01'}\n", L,
              ["T1", "url", "add the source"])
    yaml_case("sources_not_mapping", "sources.yaml", "sources: [T1]\n", L, ["-", "sources", "id:"])
    yaml_case("sources_not_utf8", "sources.yaml", "sources:\n  T1: {title: Caf\xe9, url: u}\n".encode("latin-1"), N, ["line 2", "UTF-8"])
    yaml_case("sources_bom_and_tab", "sources.yaml", "\ufeffsources:\n\tT1: {title: t, url: u}\n", N, ["line 2", "fix"])

    # ---------------------------------------------------------------- events.yaml
    ev = (MINI / "events.yaml").read_text()
    yaml_case("events_impossible_date", "events.yaml", ev.replace("'2025-11-29'", "2025-02-30"), L,
              ["terminal_strike", "date", "YYYY-MM-DD"])
    yaml_case("events_date_number", "events.yaml", ev.replace("'2025-11-29'", "20251129"), L, ["terminal_strike", "date", "YYYY-MM-DD"])
    yaml_case("events_unknown_element", "events.yaml", ev.replace("{terminal: 0.5}", "{termnal: 0.5}"), L,
              ["terminal_strike", "derate", "termnal"])
    yaml_case("events_derate_over_one", "events.yaml", ev.replace("0.5}", "1.5}"), L, ["terminal_strike", "derate", "0.6 for 60%"])
    yaml_case("events_derate_no_factor", "events.yaml", ev.replace("{terminal: 0.5}", "terminal"), L, ["terminal_strike", "derate", "share"])
    yaml_case("events_unknown_change", "events.yaml", ev.replace("derate: {terminal: 0.5}", "explode: terminal"), L,
              ["terminal_strike", "explode", "use derate"])
    yaml_case("events_not_list", "events.yaml", "events:\n  terminal_strike: {date: '2025-11-29'}\n", L, ["-", "events", "list"])
    yaml_case("events_changes_string", "events.yaml", ev.replace("changes:\n      - derate: {terminal: 0.5}", "changes: disable terminal"),
              L, ["terminal_strike", "changes", "list"])
    yaml_case("events_top_level_list", "events.yaml", "- id: x\n", L, ["-", "events", "mapping"])
    yaml_case("events_entry_string", "events.yaml", "events: [terminal_strike]\n", L, ["events[0]", "mapping", "date"])

    # ---------------------------------------------------------------- parameters.yaml
    yaml_case("parameters_unknown_key", "parameters.yaml", "emision_factors: {}\n", L, ["emision_factors", "emission_factors"])
    yaml_case("parameters_not_mapping", "parameters.yaml", "- 1\n- 2\n", L, ["-", "mapping"])

    # ---------------------------------------------------------------- scenarios
    S = "ScenarioError"
    scen_case("unknown_field", "name: x\ndisabled: [terminal]\n", S, ["scenario.yaml", "disabled", "did you mean 'disable'"])
    scen_case("disable_unknown_id", "name: x\ndisable: [termnal]\n", S, ["scenario.yaml", "disable", "termnal", "terminal"])
    scen_case("derate_over_one", "name: x\nderate: {terminal: 2}\n", S, ["scenario.yaml", "derate.terminal", "0"])
    scen_case("derate_string", "name: x\nderate: {terminal: half}\n", S, ["scenario.yaml", "derate.terminal", "0"])
    scen_case("derate_nan", "name: x\nderate: {terminal: .nan}\n", S, ["scenario.yaml", "derate.terminal", "0"])
    scen_case("as_of_impossible", "name: x\nas_of: 2025-02-30\n", S, ["scenario.yaml", "as_of", "YYYY-MM-DD"])
    scen_case("commodity_unknown", "name: x\ncommodity: gold\n", S, ["scenario.yaml", "commodity", "crude"])
    scen_case("objective_unknown", "name: x\nobjective: fastest\n", S, ["scenario.yaml", "objective", "cost"])
    scen_case("not_mapping", "- disable: terminal\n", S, ["scenario.yaml", "mapping", "disable"])
    scen_case("syntax", "name: x\ndisable: [terminal\n", S, ["scenario.yaml", "line", "fix"])
    scen_case("not_utf8", "name: caf\xe9\n".encode("latin-1"), S, ["scenario.yaml", "line 1", "UTF-8"])
    scen_case("deep_nesting", "name: x\ndisable: " + "[" * 20_000 + "]" * 20_000 + "\n", S, ["scenario.yaml", "nested", "fix"])
    scen_case("alias_bomb", _alias_bomb(), S,
        ["scenario.yaml", "alias", "without anchors"])
    scen_case("duplicate_key", "name: x\ndisable: [terminal]\ndisable: [hub]\n", S, ["scenario.yaml", "'disable'", "line 3"])
    scen_case("disables_everything", "name: x\ndisable: [" + ", ".join(f["id"] for f in LINKS["features"]) + "]\n", S,
              ["scenario.yaml", "disable", "every link", "fewer"])
    scen_case("add_link_dangling", "name: x\nadd_links:\n  - {id: new_link, from_node: hub, to_node: nowhere, mode: pipeline, "
              "commodities: [crude], capacity: 5, unit: Mt/y, cost: {crude: 1}}\n", S, ["scenario.yaml", "add_links", "nowhere"])
    scen_case("supplies_value_text", "name: x\nsupplies:\n  crude:\n    field_a: {value: lots}\n", S,
              ["scenario.yaml", "supplies.crude.field_a", "volume", "Mt/y"])
    scen_case("extends_cycle", "name: x\nextends: b.yaml\n", S, ["scenario.yaml", "extends", "circular", "remove one"],
              extra={"b.yaml": "name: b\nextends: scenario.yaml\n"})
    scen_case("extends_self", "name: x\nextends: scenario.yaml\n", S, ["scenario.yaml", "extends", "circular", "remove"])
    scen_case("extends_folder", "name: x\nextends: parent\n", S, ["scenario.yaml", "extends", "folder", "file"],
              extra={"parent/README": "a folder\n"})
    scen_case("extends_dev_zero", "name: x\nextends: /dev/zero\n", S, ["scenario.yaml", "extends", "/dev/zero", "--allow-outside"])
    scen_case("extends_absolute", "name: x\nextends: /etc/hostname\n", S, ["scenario.yaml", "extends", "outside", "--allow-outside"])
    scen_case("extends_dotdot", "name: x\nextends: ../../network/links_same_ends/../../scenarios/unknown_field/scenario.yaml\n", S,
              ["scenario.yaml", "extends", "outside", "--allow-outside"])
    scen_case("extends_missing", "name: x\nextends: parent.yaml\n", S, ["scenario.yaml", "extends", "parent.yaml", "not found"])
    scen_case("extends_not_text", "name: x\nextends: [a.yaml, b.yaml]\n", S, ["scenario.yaml", "extends", "one file"])
    chain = {f"c{i:02d}.yaml": f"name: c{i}\nextends: c{i + 1:02d}.yaml\n" for i in range(40)}
    chain["c40.yaml"] = "name: end\n"
    scen_case("extends_chain_too_deep", "name: x\nextends: c00.yaml\n", S, ["extends", "deep", "32", "fewer"], extra=chain)
    scen_case("is_folder", None, S, ["folder", "scenario", "file"], extra={"folder/README": "x\n"}, entry="folder")
    CASES.append({"id": "scenario_huge", "kind": "scenario", "entry": "huge.yaml", "error": S,
                  "says": ["huge.yaml", "MB", "limit", "split"], "generated": "sparse scenario beyond the size limit"})

    (HERE / "cases.yaml").write_text(
        "# written by make_corpus.py; the expectation of every corpus case\n" + yaml.safe_dump(CASES, sort_keys=False, width=140)
    )


if __name__ == "__main__":
    build()
    print(f"{len(CASES)} cases in {HERE}")
