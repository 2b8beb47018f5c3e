"""No silently wrong answers (issue 8, part A): each test here failed before its fix.

Scenario semantics a user relies on, country codes, comparable results, tables that
say what they hold, values and dates, magnitudes, files, shipped examples.
"""

from __future__ import annotations

import csv
import json
import math
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import transcaspian as tc
from transcaspian.cli import main
from transcaspian.scenario import Scenario

ROOT = Path(__file__).resolve().parents[1]


def _touches(res, net, countries):
    """Links with flow whose end node lies in one of ``countries``."""
    f = res.flows[(res.flows["forward"] + res.flows["backward"]) > 1e-9]
    country = net.nodes["country"]
    hit = f["from_node"].map(country).isin(countries) | f["to_node"].map(country).isin(countries)
    return sorted(set(f.index[hit]))


# ------------------------------------------------------------- A1 supplies field by field
def test_supply_volume_keeps_the_baseline_restrictions(net):
    sc = Scenario.from_dict({"name": "fewer_boxes", "supplies": {"containers": {"xian": 60000}}})
    applied = sc.apply(net)
    (entry,) = [e for e in applied.baseline["supplies"]["containers"] if e["origin"] == "xian"]
    assert entry["value"] == 60000
    assert sorted(entry["avoid_countries"]) == ["BLR", "RUS"]
    res = tc.solve(net, sc, commodity="containers")
    assert res.total_delivered["containers"] == pytest.approx(60000)
    assert _touches(res, net, {"RUS", "BLR"}) == []


def test_supply_avoid_countries_in_a_scenario_is_honoured(net):
    base = tc.solve(net, commodity="crude")
    sc = Scenario.from_dict({"name": "kashagan_no_russia", "supplies": {"crude": {"kashagan": {"avoid_countries": ["RUS"]}}}})
    res = tc.solve(net, sc, commodity="crude")
    routes = res.routes[res.routes["origin"] == "kashagan"]
    country = net.nodes["country"]
    for links in routes["links"]:
        ids = links.split(" ") if isinstance(links, str) else list(links)
        ends = set(net.links.loc[ids, "from_node"]) | set(net.links.loc[ids, "to_node"])
        assert "RUS" not in set(country.reindex(list(ends))), links
    # Kashagan's baseline volume goes mostly through Russia (CPC): avoiding it must cost volume.
    assert res.total_delivered["crude"] < base.total_delivered["crude"]


def test_unknown_key_in_a_supply_entry_is_an_error_with_close_match():
    with pytest.raises(tc.ScenarioError, match=r"supplies\.crude\.tengiz.*valeu.*value"):
        Scenario.from_dict({"name": "typo", "supplies": {"crude": {"tengiz": {"valeu": 30}}}})


# ------------------------------------------------------------------ A2 country codes
@pytest.mark.parametrize("bad", ["RU", "RUSSIA", "RUX"])
def test_scenario_country_codes_are_iso_alpha3(bad):
    with pytest.raises(tc.ScenarioError, match=r"avoid_countries.*RUS"):
        Scenario.from_dict({"name": "x", "avoid_countries": [bad]})
    with pytest.raises(tc.ScenarioError, match=r"avoid_countries.*RUS"):
        Scenario.from_dict({"name": "x", "supplies": {"crude": {"kashagan": {"avoid_countries": [bad]}}}})


@pytest.mark.parametrize("bad", ["RU", "RUSSIA", "RUX"])
def test_route_country_codes_are_iso_alpha3(net, bad, capsys):
    with pytest.raises(tc.TranscaspianError, match="RUS"):
        tc.find_routes(net, "kashagan", "europe", commodity="crude", avoid_countries=[bad])
    code = main(["routes", "kashagan", "europe", "--avoid-country", bad])
    err = capsys.readouterr().err
    assert code != 0 and "RUS" in err and "Traceback" not in err


def test_node_country_is_iso_alpha3(tmp_path, mini_path):
    folder = tmp_path / "net"
    shutil.copytree(mini_path, folder)
    doc = json.loads((folder / "nodes.geojson").read_text(encoding="utf-8"))
    doc["features"][0]["properties"]["country"] = "RUX"
    (folder / "nodes.geojson").write_text(json.dumps(doc), encoding="utf-8")
    report = tc.validate_network(folder)
    assert not report.ok
    assert any(p.field == "country" and "RUS" in (p.message + p.fix) for p in report.problems)


def test_baseline_supply_avoid_countries_is_iso_alpha3(tmp_path, mini_path):
    folder = tmp_path / "net"
    shutil.copytree(mini_path, folder)
    text = (folder / "baseline.yaml").read_text(encoding="utf-8")
    text = text.replace("origin: field_a", "origin: field_a\n      avoid_countries: [RU]", 1)
    assert "avoid_countries: [RU]" in text
    (folder / "baseline.yaml").write_text(text, encoding="utf-8")
    report = tc.validate_network(folder)
    assert any(p.field == "avoid_countries" and "RUS" in (p.message + p.fix) for p in report.problems)


# ------------------------------------------------------------- A3 comparable results only
def test_compare_refuses_different_commodities(net):
    a = tc.solve(net, commodity="crude")
    b = tc.solve(net, commodity="containers")
    with pytest.raises(tc.TranscaspianError, match=r"crude.*containers|containers.*crude"):
        tc.compare(a, b)


def test_compare_refuses_different_objectives_and_networks(net, mini_net):
    a = tc.solve(net, commodity="crude")
    b = tc.solve(net, commodity="crude", objective="time")
    with pytest.raises(tc.TranscaspianError, match=r"objective.*cost.*time"):
        tc.compare(a, b)
    c = tc.solve(mini_net, commodity="crude")
    with pytest.raises(tc.TranscaspianError, match="network"):
        tc.compare(a, c)


def test_cli_compare_takes_the_commodity_from_the_scenarios(tmp_path, capsys):
    p = tmp_path / "minerals_cut.yaml"
    p.write_text(
        f"name: minerals_cut\nextends: {ROOT / 'examples/scenarios/middle_corridor_minerals.yaml'}\ndisable: [kuryk_alat_ferry]\n",
        encoding="utf-8",
    )
    code = main(["compare", str(ROOT / "examples/scenarios/middle_corridor_minerals.yaml"), str(p), "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 0
    assert {r["commodity"] for r in doc["delivered"]} == {"rare_earths", "uranium"}


# ----------------------------------------------------------- A4 tables say what they hold
def test_flow_unit_is_the_flow_unit_and_capacity_units_have_their_own_column(net):
    res = tc.solve(net, commodity="rare_earths")
    assert set(res.flows["unit"]) == {"kt/y"}
    assert {"capacity_unit", "cost_unit"} <= set(res.flows.columns)
    ferry = res.flows.loc["aktau_alat_ferry"]
    assert ferry["capacity_unit"] == "TEU/y"


def test_flow_tables_keep_zero_and_disabled_links_and_join_row_for_row(tmp_path):
    assert main(["demo", "--out", str(tmp_path)]) == 0
    def links(name):
        with open(tmp_path / name, newline="", encoding="utf-8") as fh:
            return [(r["link"], r["commodity"]) for r in csv.DictReader(fh)]
    base, out = links("baseline_flows.csv"), links("cpc_outage_flows.csv")
    assert base == out
    with open(tmp_path / "cpc_outage_flows.csv", newline="", encoding="utf-8") as fh:
        rows = {r["link"]: r for r in csv.DictReader(fh)}
    assert rows["kropotkin_cpc_terminal"]["flow"] in ("0", "0.0")


def test_csv_and_json_carry_rounded_values(tmp_path):
    assert main(["demo", "--out", str(tmp_path)]) == 0
    noise = re.compile(r"\d\.\d*(?:0000000|9999999)\d*")
    for f in list(tmp_path.glob("*.csv")) + list(tmp_path.glob("*.json")):
        text = f.read_text(encoding="utf-8")
        bad = noise.findall(text)
        assert not bad, f"{f.name}: {bad[:3]}"


def test_comparison_is_labelled_with_scenario_names(net):
    out = Scenario.from_yaml(ROOT / "examples/scenarios/cpc_outage.yaml")
    cmp = tc.compare(tc.solve(net, commodity="crude"), tc.solve(net, out, commodity="crude"))
    assert {"baseline", "cpc_outage"} <= set(cmp.delivered.columns)
    assert "base" not in cmp.delivered.columns and "other" not in cmp.delivered.columns
    text = str(cmp)
    assert "per unit delivered" in text or "per tonne delivered" in text


def test_a_cost_that_falls_because_less_is_shipped_is_not_a_saving(net):
    out = Scenario.from_yaml(ROOT / "examples/scenarios/cpc_outage.yaml")
    cmp = tc.compare(tc.solve(net, commodity="crude"), tc.solve(net, out, commodity="crude"))
    (line,) = [ln for ln in cmp.lines if "transport cost" in ln.lower()]
    assert "delivered" in line and ("per t" in line or "USD/t" in line)


# ------------------------------------------------------------------- A5 values and dates
@pytest.mark.parametrize("text", ["2025-13", "2025-02-30", "2025-00", "25-12-01"])
def test_impossible_dates_are_errors_in_every_path(text, net, capsys):
    with pytest.raises(tc.ScenarioError, match="as_of"):
        Scenario.from_dict({"name": "x", "as_of": text})
    with pytest.raises(tc.TranscaspianError):
        tc.load_network(as_of=text)
    code = main(["summary", "--as-of", text])
    assert code != 0 and "Traceback" not in capsys.readouterr().err


def test_event_dates_and_factors_are_checked(tmp_path, mini_path):
    folder = tmp_path / "net"
    shutil.copytree(mini_path, folder)
    events = (folder / "events.yaml").read_text(encoding="utf-8")
    assert "date:" in events
    bad_date = re.sub(r"date: *['\"]?\d{4}-\d{2}-\d{2}['\"]?", "date: '2025-02-30'", events, count=1)
    (folder / "events.yaml").write_text(bad_date, encoding="utf-8")
    with pytest.raises(tc.TranscaspianError, match=r"2025-02-30"):
        tc.load_network(folder, as_of="2026-01-01")


def test_derate_outside_unit_interval_is_an_error_everywhere(tmp_path, mini_path, mini_net):
    from transcaspian.events import apply_change

    with pytest.raises(tc.ScenarioError, match="derate"):
        Scenario.from_dict({"name": "x", "derate": {"terminal": 2.0}})
    for bad in (2.0, -0.5, float("nan")):
        with pytest.raises(tc.TranscaspianError, match=r"derate.*terminal|terminal.*derate"):
            apply_change(mini_net, {"derate": {"terminal": bad}}, origin="test")
    folder = tmp_path / "net"
    shutil.copytree(mini_path, folder)
    text = (folder / "events.yaml").read_text(encoding="utf-8")
    new = text.replace("derate: {terminal: 0.5}", "derate: {terminal: 2.0}")
    assert new != text, "mini fixture events.yaml has no derate to corrupt"
    (folder / "events.yaml").write_text(new, encoding="utf-8")
    with pytest.raises(tc.TranscaspianError, match=r"factor|derate"):
        tc.load_network(folder, as_of="2030-01-01")


def test_derate_on_an_uncapacitated_element_warns_and_says_it_had_no_effect(mini_net, caplog):
    uncapped = [n for n, row in mini_net.nodes.iterrows() if row["capacity"] is None or (isinstance(row["capacity"], float) and math.isnan(row["capacity"]))]
    assert uncapped
    sc = Scenario.from_dict({"name": "noop", "derate": {uncapped[0]: 0.5}})
    with caplog.at_level("WARNING", logger="transcaspian"):
        res = tc.solve(mini_net, sc, commodity="crude")
    assert any("no capacity" in r.getMessage() for r in caplog.records)
    assert uncapped[0] in res.summary()["ineffective_changes"]


# -------------------------------------------------------------------- A6 magnitudes
def test_absurd_supply_is_rejected_not_solved(net):
    with pytest.raises(tc.ScenarioError, match=r"supplies\.crude\.tengiz"):
        tc.solve(net, Scenario.from_dict({"name": "huge", "supplies": {"crude": {"tengiz": 1e9}}}), commodity="crude")


def test_more_supply_never_delivers_less(net):
    base = tc.solve(net, commodity="crude")
    big = tc.solve(net, Scenario.from_dict({"name": "big", "supplies": {"crude": {"tengiz": 1e7}}}), commodity="crude")
    assert big.total_delivered["crude"] >= base.total_delivered["crude"] - 1e-6


# ------------------------------------------------------------------------- A7 files
def test_duplicate_keys_are_reported(tmp_path, mini_path):
    folder = tmp_path / "net"
    shutil.copytree(mini_path, folder)
    text = (folder / "baseline.yaml").read_text(encoding="utf-8")
    (folder / "baseline.yaml").write_text(text + "\nyear: 2031\nyear: 2032\n", encoding="utf-8")
    with pytest.raises(tc.TranscaspianError, match=r"baseline\.yaml.*duplicate.*year"):
        tc.load_network(folder)
    folder2 = tmp_path / "net2"
    shutil.copytree(mini_path, folder2)
    raw = (folder2 / "nodes.geojson").read_text(encoding="utf-8")
    raw = raw.replace('"type": "FeatureCollection"', '"type": "FeatureCollection", "type": "FeatureCollection"', 1)
    assert raw.count('"type": "FeatureCollection"') == 2
    (folder2 / "nodes.geojson").write_text(raw, encoding="utf-8")
    with pytest.raises(tc.TranscaspianError, match=r"nodes\.geojson.*duplicate.*type"):
        tc.load_network(folder2)


def test_yaml_alias_bomb_is_refused_quickly(tmp_path):
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for i, name in enumerate("bcdefghi"):
        prev = "abcdefghi"[i]
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    lines.append("name: bomb")
    p = tmp_path / "bomb.yaml"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code = (
        "import resource, time, transcaspian as tc\n"
        f"t = time.perf_counter()\n"
        "try:\n"
        f"    tc.Scenario.from_yaml({str(p)!r})\n"
        "except tc.TranscaspianError as e:\n"
        "    print('refused', e)\n"
        "print(time.perf_counter() - t)\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    lines_out = out.stdout.strip().splitlines()
    assert lines_out and lines_out[0].startswith("refused") and "alias" in lines_out[0], out.stdout + out.stderr
    assert float(lines_out[1]) < 1.0
    assert int(lines_out[2]) < 400_000  # KiB: the interpreter with the toolkit imported, far from 3 GB


def test_parameters_yaml_is_validated(tmp_path, mini_path):
    folder = tmp_path / "net"
    shutil.copytree(tc.default_data_path(), folder)
    text = (folder / "parameters.yaml").read_text(encoding="utf-8")
    (folder / "parameters.yaml").write_text(text + "\nbarrels_per_tonne_typo: 7.5\n", encoding="utf-8")
    report = tc.validate_network(folder)
    assert not report.ok
    assert any("parameters.yaml" in str(p.file) and "barrels_per_tonne_typo" in (p.element + p.field + p.message) for p in report.problems)


# --------------------------------------------------------------- A8 examples ship with the package
def test_example_scenarios_are_reachable_by_name_from_an_installed_wheel(tmp_path):
    wheel_dir = tmp_path / "wheel"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(wheel_dir), str(ROOT)],
        check=True, capture_output=True, timeout=300,
    )
    (whl,) = wheel_dir.glob("transcaspian-*.whl")
    site = tmp_path / "site"
    with zipfile.ZipFile(whl) as z:
        names = z.namelist()
        assert "transcaspian/example_scenarios/cpc_outage.yaml" in names
        z.extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code = (
        "import transcaspian as tc, pathlib\n"
        "assert 'site' in pathlib.Path(tc.__file__).parts, tc.__file__\n"
        "for name in ('cpc_outage', 'cpc_outage.yaml', 'examples/scenarios/cpc_outage.yaml'):\n"
        "    sc = tc.Scenario.from_yaml(name)\n"
        "    assert sc.name == 'cpc_outage', sc\n"
        "print('ok')\n"
    )
    env = {"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", code], cwd=elsewhere, capture_output=True, text=True, timeout=120, env=env)
    assert out.stdout.strip() == "ok", out.stderr
