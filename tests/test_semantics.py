"""No silently wrong answers (issue 8, part A): each test here failed before its fix.

Scenario semantics a user relies on, country codes, comparable results, tables that
say what they hold, values and dates, magnitudes, files, shipped examples.
"""

from __future__ import annotations

import csv
import json
import math
import re
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


# (node country and baseline avoid_countries codes: tests/test_semantics_files.py)


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
    code = main(["compare", str(ROOT / "examples/scenarios/middle_corridor_minerals.yaml"), str(p), "--format", "json", "--allow-outside"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 0
    assert {r["commodity"] for r in doc["delivered"]} == {"rare_earths", "uranium"}


# ----------------------------------------------------------- A4 tables say what they hold
def test_flow_unit_is_the_flow_unit_and_capacity_units_have_their_own_column(net):
    res = tc.solve(net, commodity="uranium")  # 1 kt/y of uranium concentrate is not "Mt/y"
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
# (A5 date and derate-range tests live in tests/test_semantics_files.py)

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
# (A7 and A8 tests live in tests/test_semantics_files.py)
