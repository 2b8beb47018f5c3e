"""tc.simulate: periods, capacities from events and outage windows, moorings, storage, deferral, and solve equivalence."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

import transcaspian as tc
from netbuild import build_network
from transcaspian.cli import main
from transcaspian.timeline.periods import make_periods, parse_bound
from transcaspian.timeline.timedata import TimeData

ROOT = Path(__file__).resolve().parents[1]
WINTER = ROOT / "examples" / "scenarios" / "winter_2025_26.yaml"
CPC = "novorossiysk_cpc_terminal"


@pytest.fixture(scope="module")
def net():
    return tc.load_network()


@pytest.fixture(scope="module")
def winter(net):
    return tc.simulate(net, WINTER)


def terminal_time_data(**over):
    """Time data for the mini fixture: tanks and three moorings at the terminal, field_a may defer."""
    data = {
        "storage": [{"node": "terminal", "commodity": "crude", "capacity": 2.0, "initial_share": 0.5,
                     "minimum_share": 0.1, "sources": ["T1"], "confidence": "reported"}],
        "moorings": [{"node": "terminal", "count": 3, "in_service": 2, "rate": 1.0, "rate_unit": "Mt/month",
                      "sources": ["T1"], "confidence": "reported"}],
        "production": [{"origin": "field_a", "ramp_down_per_day": 1.0, "ramp_up_per_day": 0.05,
                        "sources": ["T1"], "confidence": "reported"}],
    }
    data.update(over)
    return data


# ------------------------------------------------------------------------ periods
def test_periods_by_step():
    months = make_periods("2025-10", "2026-02", step="month")
    assert [p.label for p in months] == ["2025-10", "2025-11", "2025-12", "2026-01", "2026-02"]
    assert sum(p.days for p in months) == 151
    weeks = make_periods("2025-12-20", "2026-01-05", step="week")
    assert [p.days for p in weeks] == [7, 7, 3]
    assert len(make_periods("2025-01-01", "2025-12-31", step="day")) == 365
    part = make_periods("2025-01-15", "2025-02-10", step="month")
    assert [(p.label, p.days) for p in part] == [("2025-01", 17), ("2025-02", 10)]
    assert parse_bound("2024-02", end=True) == dt.date(2024, 2, 29)


@pytest.mark.parametrize(
    ("kw", "fragment"),
    [({"step": "fortnight"}, "step"), ({"end": "2025-09-30"}, "before start"), ({"end": "2025-13"}, "not a date")],
)
def test_bad_horizon_is_an_error(mini_net, kw, fragment):
    args = {"start": "2025-10-01", "end": "2025-12-31", "step": "month", **kw}
    with pytest.raises(tc.ScenarioError, match=fragment):
        tc.simulate(mini_net, **args)


def test_no_horizon_and_applied_events_are_errors(mini_net, mini_path):
    with pytest.raises(tc.ScenarioError, match="no horizon"):
        tc.simulate(mini_net)
    with pytest.raises(tc.ScenarioError, match="without as_of"):
        tc.simulate(tc.load_network(mini_path, as_of="2025-12-31"), start="2025-12", end="2025-12")


# ------------------------------------------------------------ one period = solve
@pytest.mark.parametrize("scenario", [None, "cpc_outage"])
def test_one_year_period_equals_solve(net, scenario):
    sc = tc.Scenario.from_yaml(ROOT / "examples" / "scenarios" / f"{scenario}.yaml") if scenario else None
    ref = tc.solve(net, sc, commodity="crude")
    # 2027: a 365-day year outside the months of time.yaml's output profiles (Tengiz, Oct 2025)
    year = tc.simulate(net, sc, start="2027", end="2027", step="year", events=False)
    tot = year.totals["crude"]
    assert tot["delivered"] == pytest.approx(ref.total_delivered["crude"], rel=1e-9, abs=1e-7)
    assert tot["deferred"] + tot["stranded"] == pytest.approx(ref.total_unserved["crude"], rel=1e-7, abs=1e-6)
    assert tot["cost_usd"] == pytest.approx(ref.total_cost, rel=1e-7)
    got = year.delivered.set_index("market")["value"]
    want = ref.delivered.reset_index().set_index("market")["volume"]
    pd.testing.assert_series_equal(got.sort_index(), want.reindex(got.index).sort_index(), check_names=False, atol=1e-6)
    unserved = ref.unserved.reset_index().groupby("origin")["unserved"].sum()
    lost = year.production.set_index("origin")[["deferred", "stranded"]].sum(axis=1)
    assert lost.reindex(unserved.index).to_numpy() == pytest.approx(unserved.to_numpy(), abs=1e-6)


def test_one_year_period_equals_solve_link_by_link(mini_net):
    ref = tc.solve(mini_net, tc.Scenario(name="half", derate={"hub_terminal": 0.5}))
    year = tc.simulate(mini_net, tc.Scenario(name="half", derate={"hub_terminal": 0.5}),
                       start="2025", end="2025", step="year", events=False)
    f = year.flows.set_index("link")["flow"]
    r = (ref.flows["forward"] + ref.flows["backward"]).reindex(f.index)
    assert f.to_numpy() == pytest.approx(r.to_numpy(), abs=1e-7)


def test_methods_agree(net):
    a = tc.simulate(net, WINTER, method="lexicographic")
    b = tc.simulate(net, WINTER, method="penalty")
    assert a.meta["method"] == "lexicographic" and b.meta["method"] == "penalty"
    for key in ("delivered", "deferred", "stranded", "cost_usd"):
        assert a.totals["crude"][key] == pytest.approx(b.totals["crude"][key], rel=1e-6, abs=1e-6), key


# --------------------------------------------------------------- events, windows
def test_event_derate_applies_from_its_date(mini_net):
    # terminal_strike halves the terminal (30 Mt/y) from 29 Nov 2025
    res = tc.simulate(mini_net, start="2025-11", end="2025-12", time_data={})
    cap = res.loadings("terminal")["capacity"]
    assert cap["2025-11"] == pytest.approx(30 * 28 / 365 + 15 * 2 / 365)
    assert cap["2025-12"] == pytest.approx(15 * 31 / 365)
    off = tc.simulate(mini_net, start="2025-11", end="2025-12", time_data={}, events=False)
    assert off.loadings("terminal")["capacity"]["2025-12"] == pytest.approx(30 * 31 / 365)


def test_outage_window_can_end_an_event_and_restrict(mini_net):
    sc = tc.Scenario.from_dict({
        "name": "w", "start": "2025-12", "end": "2026-01", "outages": [
            {"event": "terminal_strike", "to": "2025-12-16"},
            {"element": "hub_gate", "off": True, "from": "2026-01-01", "to": "2026-01-11"},
        ]})
    res = tc.simulate(mini_net, sc, time_data={})
    cap = res.loadings("terminal")["capacity"]
    assert cap["2025-12"] == pytest.approx((15 * 15 + 30 * 16) / 365)
    gate = res.flows.set_index(["period", "link"])["capacity"]
    assert gate[("2026-01", "hub_gate")] == pytest.approx(6 * 21 / 365)


def test_off_window_on_an_uncapacitated_link_stops_it(mini_net):
    net = build_network(
        nodes=[{"id": "a"}, {"id": "b", "kind": "market"}, {"id": "c"}],
        links=[{"id": "ab", "from": "a", "to": "b", "capacity": None, "cost": 1},
               {"id": "ac", "from": "a", "to": "c", "capacity": None, "cost": 5},
               {"id": "cb", "from": "c", "to": "b", "capacity": 1, "cost": 5}],
        supplies={"crude": {"a": 12}}, markets={"crude": ["b"]})
    sc = tc.Scenario.from_dict({"name": "x", "outages": [{"element": "ab", "off": True, "from": "2025-02-01", "to": "2025-03-01"}]})
    res = tc.simulate(net, sc, start="2025-01", end="2025-03", time_data={})
    by = res.delivered.set_index("period")["value"]
    assert by["2025-02"] == pytest.approx(1 * 28 / 365)  # only the 1 Mt/y detour
    assert by["2025-03"] == pytest.approx(12 * 31 / 365)


# ---------------------------------------------------------- moorings, storage, deferral
def test_moorings_cap_the_terminal(mini_net):
    td = terminal_time_data(storage=[], production=[])
    sc = tc.Scenario.from_dict({"name": "m", "outages": [
        {"element": "terminal", "moorings_out": 2, "from": "2025-02-01", "to": "2025-03-01"}]})
    res = tc.simulate(mini_net, sc, start="2025-01", end="2025-03", time_data=td, events=False)
    cap = res.loadings("terminal")["capacity"]
    assert cap["2025-01"] == pytest.approx(24 * 31 / 365)  # two in service x 12 Mt/y < the node's 30
    assert cap["2025-02"] == pytest.approx(12 * 28 / 365)  # one of three left
    assert res.loadings("terminal")["throughput"]["2025-02"] <= cap["2025-02"] + 1e-9


def test_tanks_fill_while_loadings_stop_and_empty_after(mini_net):
    """No other outlet: a 10-day storm from the first day fills the tanks, then strands the rest; they drain after.

    (The LP sees the whole horizon: given days before a storm it draws the tanks down to make room.)
    """
    sc = tc.Scenario.from_dict({
        "name": "storm", "disable": ["hub_gate", "a_port", "hub_port"],
        "supplies": {"crude": {"field_a": 10.0, "field_b": 5.0}},
        "outages": [{"element": "terminal", "off": True, "from": "2025-02-01", "to": "2025-02-11"}]})
    tanks = [{"node": "terminal", "commodity": "crude", "capacity": 0.6, "initial_share": 0.5,
              "minimum_share": 0.1, "sources": ["T1"], "confidence": "reported"}]
    res = tc.simulate(mini_net, sc, start="2025-02-01", end="2025-03-20", step="day",
                      time_data=terminal_time_data(storage=tanks, production=[]), events=False)
    st = res.storage.set_index("period")["level"]
    load = res.loadings("terminal")["throughput"]
    stranded = res.stranded.groupby("period")["value"].sum()
    assert load["2025-02-03"] == pytest.approx(0.0, abs=1e-9)
    assert st["2025-02-10"] == pytest.approx(0.6)  # full when the storm ends
    inflow = 15 / 365 * 10  # ten days of supply against 0.3 of room
    assert stranded.sum() == pytest.approx(inflow - 0.3, rel=1e-6)
    assert stranded["2025-02-11":].sum() == pytest.approx(0.0, abs=1e-9)
    assert st["2025-03-20"] == pytest.approx(0.3)  # back to the initial level at the end
    assert st.min() >= 0.06 - 1e-9
    big = tc.simulate(mini_net, sc, start="2025-02-01", end="2025-03-20", step="day",
                      time_data=terminal_time_data(production=[]), events=False)
    assert big.totals["crude"]["stranded"] == pytest.approx(0.0, abs=1e-9)  # 2 Mt of tanks take the storm


def test_shut_in_is_deferred_not_stranded_within_ramp_limits(mini_net):
    sc = tc.Scenario.from_dict({"name": "cut", "outages": [
        {"element": "terminal", "off": True, "from": "2025-03-01", "to": "2025-04-01"}]})
    td = terminal_time_data(storage=[])
    res = tc.simulate(mini_net, sc, start="2025-02", end="2025-05", time_data=td, events=False)
    prod = res.production.set_index(["period", "origin"])
    assert prod.loc[("2025-03", "field_a"), "deferred"] > 1.0
    assert prod.loc[("2025-03", "field_a"), "stranded"] == pytest.approx(0.0, abs=1e-9)
    # field_b has no production response in the time data: what it cannot move is stranded
    assert prod.loc[("2025-03", "field_b"), "stranded"] > 0.0
    assert prod.loc[("2025-03", "field_b"), "deferred"] == 0.0
    # restart: 5% of the planned rate per day, so April's rate rises by at most 0.05 x ~30.5 days
    rate = (prod["produced"] / res.periods.set_index("period")["days"].reindex(prod.index.get_level_values(0)).to_numpy())
    planned = 30 / 365
    assert rate[("2025-04", "field_a")] - rate[("2025-03", "field_a")] <= 0.05 * 30.5 * planned + 1e-9


def test_production_profile_and_restart_ramp(mini_net):
    td = terminal_time_data(storage=[], moorings=[], production=[
        {"origin": "field_b", "ramp_up_per_day": 0.1, "profile": {"2025-02": 7.5},
         "sources": ["T1"], "confidence": "reported"}])
    sc = tc.Scenario.from_dict({"name": "fire", "outages": [
        {"element": "field_b", "off": True, "from": "2025-01-10", "to": "2025-01-20"}]})
    res = tc.simulate(mini_net, sc, start="2025-01-01", end="2025-02-28", step="day", time_data=td, events=False)
    pl = res.production[res.production["origin"] == "field_b"].set_index("period")
    assert pl.loc["2025-02-10", "planned"] == pytest.approx(7.5 / 365)
    assert pl.loc["2025-01-15", "available"] == 0.0
    assert pl.loc["2025-01-20", "available"] == pytest.approx(0.1 * 15 / 365)  # 10% on the first day back
    assert pl.loc["2025-01-29", "available"] == pytest.approx(15 / 365)


# ------------------------------------------------------------------- data checks
def test_time_data_errors_name_the_entry_and_the_fix(mini_net):
    bad = {"storage": [{"node": "nowhere", "capacity": 1, "sources": ["T1"], "confidence": "reported", "colour": 1}],
           "moorings": [{"node": "terminal", "count": 2, "in_service": 3, "rate": 1, "confidence": "reported"}],
           "tanks": []}
    with pytest.raises(tc.NetworkDataError) as exc:
        tc.simulate(mini_net, start="2025-01", end="2025-01", time_data=bad)
    text = str(exc.value)
    assert "storage[0].colour: unknown field" in text and "nowhere" in text
    assert "moorings[0]: no sources" in text and "in_service 3 exceeds count 2" in text
    assert "tanks: unknown section" in text


def test_bundled_time_data_cites_known_sources(net):
    data = yaml.safe_load((ROOT / "geodata" / "time.yaml").read_text(encoding="utf-8"))
    cited = {s for section in ("storage", "moorings", "production") for e in data[section] for s in e["sources"]}
    assert cited and cited <= set(net.sources)
    td = TimeData.from_mapping(data, net=net)
    assert td.storage[CPC].capacity == pytest.approx(1e6 / (0.158987294928 * 7.9) / 1e6)
    assert td.moorings[CPC].capacity_per_year(0) == pytest.approx(2 * 1e6 * 365 / 7.9 / 1e6)  # two in service, 1 Mb/d each


# -------------------------------------------------------------- scenario fields
def test_scenario_time_fields_round_trip():
    text = """
name: t
start: 2025-10
end: 2026-02
step: week
outages:
  - {element: terminal, off: true, from: 2025-12-29, to: 2026-01-01}
  - {event: terminal_strike, to: 2025-12-10}
"""
    sc = tc.Scenario.from_dict(yaml.safe_load(text))
    assert sc.start == dt.date(2025, 10, 1) and sc.end == dt.date(2026, 2, 28) and sc.step == "week"
    assert sc.outages[0]["off"] is True  # YAML's `off:` key (a boolean) read as the outage kind
    again = tc.Scenario.from_dict(yaml.safe_load(sc.to_yaml()))
    assert again == sc


@pytest.mark.parametrize(
    ("outage", "fragment"),
    [
        ({"element": "terminal", "off": True, "from": "2025-12-01", "until": "2026-01-01"}, "outages[0].until: unknown key"),
        ({"element": "terminal", "derate": 1.5, "from": "2025-12-01"}, "derate 1.5 is not within 0-1"),
        ({"element": "terminal", "from": "2025-12-01"}, "0 of off/derate/moorings_out"),
        ({"event": "terminal_strike"}, "needs `to`"),
        ({"element": "terminal", "off": True, "from": "2025-12-05", "to": "2025-12-01"}, "is not after"),
    ],
)
def test_bad_outages_are_errors(outage, fragment):
    with pytest.raises(tc.ScenarioError) as exc:
        tc.Scenario.from_dict({"name": "x", "outages": [outage]})
    assert fragment in str(exc.value)


def test_unknown_elements_in_outages_are_errors(mini_net):
    sc = tc.Scenario.from_dict({"name": "x", "outages": [{"element": "nowhere", "off": True, "from": "2025-01-02"},
                                                          {"event": "no_such_event", "to": "2025-01-05"}]})
    with pytest.raises(tc.ScenarioError) as exc:
        tc.simulate(mini_net, sc, start="2025-01", end="2025-01")
    assert "nowhere" in str(exc.value) and "no_such_event" in str(exc.value)


def test_unknown_scenario_keys_stay_errors():
    with pytest.raises(tc.ScenarioError, match="unknown field"):
        tc.Scenario.from_dict({"name": "x", "horizon": "2025"})
    with pytest.raises(tc.ScenarioError, match="step"):
        tc.Scenario.from_dict({"name": "x", "step": "fortnight"})


# ---------------------------------------------------------------- the winter run
def test_winter_one_mooring_december_is_the_mechanism(winter):
    """December loadings are one mooring's rate over the days the storm left, and the tanks end it full."""
    load = winter.loadings(CPC)
    one_spm = 1.0e6 * 365 / 7.9 / 1e6  # one mooring loads 1 Mb/d [S256], CPC Blend at 7.9 bbl/t, in Mt/y
    half_cargo = 0.135 / 2  # the tanker at the mooring completes its cargo when the storm stops new moorings
    assert load.loc["2025-12", "capacity"] == pytest.approx(one_spm * 28 / 365 + half_cargo)  # storm halt 29-31 Dec
    assert load.loc["2025-12", "throughput"] == pytest.approx(load.loc["2025-12", "capacity"], rel=1e-6)
    # November: the 1.55 Mb/d programme on the 27 days the strikes of 25 and 29-30 Nov left
    assert load.loc["2025-11", "capacity"] == pytest.approx(1.55e6 * 27 / 7.9 / 1e6)
    tanks = winter.storage.set_index("period")["level"]
    assert tanks["2025-12"] == pytest.approx(winter.storage["capacity"].iloc[0])
    assert load.loc["2025-10", "throughput"] > 1.5 * load.loc["2025-12", "throughput"]
    cut = winter.production.set_index(["period", "origin"])
    assert cut.loc[("2026-01", "tengiz"), "available"] < 0.7 * cut.loc[("2026-01", "tengiz"), "planned"]


def test_winter_daily_follows_the_record_of_each_day(net):
    """Day by day: halts, one mooring, two moorings back on 25 Jan, and the Tengiz restart curve."""
    res = tc.simulate(net, WINTER, step="day", start="2025-11-20", end="2026-02-10")
    cap = res.loadings(CPC)["capacity"]
    one, plan_nov = 1.0e6 / 7.9 / 1e6, 1.55e6 / 7.9 / 1e6
    assert cap["2025-11-24"] == pytest.approx(plan_nov) and cap["2025-11-25"] == 0.0  # strike, back on 26 Nov
    assert cap["2025-11-29"] == 0.0 and cap["2025-11-30"] == 0.0 and cap["2025-12-01"] == pytest.approx(one)
    # weather halts: moorings stop taking tankers, the one at berth finishes (half a 135 kt cargo on average)
    assert cap["2025-12-29"] == pytest.approx(0.135 / 2) and cap["2025-12-30"] == 0.0
    assert cap["2026-01-01"] == pytest.approx(one)
    assert cap["2026-01-08"] == pytest.approx(0.135 / 2) and cap["2026-01-10"] == 0.0
    assert cap["2026-01-13"] == pytest.approx(one)
    assert cap["2025-11-25"] == 0.0  # a strike stops loading at once
    assert cap["2026-01-25"] == pytest.approx(81.5 / 365)  # two moorings (92 Mt/y) above the terminal's 81.5
    assert cap["2026-02-05"] == pytest.approx(1.7e6 / 7.9 / 1e6)  # the February programme binds
    prod = res.production[res.production["origin"] == "tengiz"].set_index("period")
    share = prod["available"] / prod["planned"]
    assert share["2026-01-20"] == 0.0
    assert share["2026-01-31"] == pytest.approx(0.124) and share["2026-02-01"] == pytest.approx(0.19)
    assert share["2026-02-06"] == pytest.approx(0.45 + (0.58 - 0.45) * 2 / 4)  # linear between the record's days


def test_winter_tables_have_periods_and_kbpd(winter):
    for name in ("flows", "throughput", "storage", "production", "delivered", "stranded"):
        df = getattr(winter, name)
        assert "period" in df.columns and set(df["period"]) == set(winter.periods["period"]), name
    t = winter.throughput[winter.throughput["node"] == CPC].iloc[0]
    assert t["kbpd"] == pytest.approx(t["throughput"] * 1e6 * 7.9 / 31 / 1e3)


# ------------------------------------------------------------------------- CLI
def test_cli_simulate_prints_months_and_writes_the_chart(tmp_path, capsys):
    assert main(["simulate", str(WINTER), "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "CPC loadings Mt" in out and "CPC tanks Mt" in out and "deferred Mt" in out
    assert all(m in out for m in ("2025-10", "2025-12", "2026-02"))
    png = tmp_path / "timeseries.png"
    assert png.exists() and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (tmp_path / "storage.csv").exists()


def test_cli_simulate_json_and_overrides(capsys):
    assert main(["simulate", str(WINTER), "--start", "2025-12", "--end", "2025-12", "--format", "json", "--no-chart"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["summary"]["periods"] == 1 and doc["by_period"][0]["period"] == "2025-12"
    assert main(["simulate", str(WINTER), "--step", "fortnight"]) == 2


def test_chart_draws_three_panels(winter):
    from transcaspian.maps.timeseries import plot_timeseries

    fig = plot_timeseries(winter)
    titles = [ax.get_title(loc="left") for ax in fig.axes]
    assert titles == ["Exports by route", "Storage", "Deferred (shut-in) and stranded output"]
    bars = [p for p in fig.axes[0].patches]
    assert len(bars) == 4 * len(winter.periods)  # four routes stacked per month
    assert np.isclose(sum(b.get_height() for b in bars[: len(winter.periods)]),
                      winter.loadings(CPC)["throughput"].sum())


def test_transit_delay_shifts_arrivals_by_the_link_time():
    net = build_network(
        nodes=[{"id": "a"}, {"id": "b", "kind": "market"}],
        links=[{"id": "ab", "from": "a", "to": "b", "capacity": None, "cost": 1, "time_days": 3}],
        supplies={"crude": {"a": 36.5}}, markets={"crude": ["b"]})
    sc = tc.Scenario.from_dict({"name": "x", "outages": [{"element": "a", "off": True, "from": "2025-01-05", "to": "2025-01-07"}]})
    kw = dict(start="2025-01-01", end="2025-01-12", step="day", time_data={})
    late = tc.simulate(net, sc, transit_delay=True, **kw).delivered.set_index("period")["value"]
    now = tc.simulate(net, sc, **kw).delivered.set_index("period")["value"]
    assert now["2025-01-05"] == 0.0 and now["2025-01-08"] == pytest.approx(0.1)
    assert late["2025-01-05"] == pytest.approx(0.1)  # still arriving: shipped on 2 Jan
    assert late["2025-01-08"] == 0.0 and late["2025-01-09"] == 0.0  # the two days without shipments, 3 days on
    assert late["2025-01-01"] == pytest.approx(0.1)  # the line is full at the start


def test_to_frame_is_the_tidy_table(mini_net):
    sim = tc.simulate(mini_net, start="2025-11", end="2025-12")
    t = sim.to_frame()
    assert {"period", "table", "element", "variable", "value", "unit"} <= set(t.columns)
    loads = t.query("table == 'throughput' and element == 'terminal' and variable == 'throughput'")
    assert loads.set_index("period")["value"].to_dict() == pytest.approx(sim.loadings("terminal")["throughput"].to_dict())
