"""Regression tests from probing the time model (simulate, its tables, ensembles) for silently wrong answers."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from pathlib import Path

import numpy as np
import pytest

import transcaspian as tc

WINTER = "examples/scenarios/winter_2025_26.yaml"
MINI = Path(__file__).parent / "fixtures" / "mini"


def test_ensemble_fast_engine_keeps_the_scenarios_pro_rata_allocation(net):
    """The fast engine is cost-first: on a pro-rata scenario (the winter run) its deferred and stranded
    figures were the cost allocation's (2.41 Mt deferred, 0 stranded on a quiet draw, beside a base of
    1.62 and 0.79). Such a scenario now runs every draw by simulate, and says so."""
    kw = {"draws": 3, "seed": 1, "chunk": 3}
    fast = tc.ensemble(net, WINTER, **kw)
    slow = tc.ensemble(net, WINTER, engine="simulate", **kw)
    assert fast.meta["engine"] == "simulate" and "pro_rata" in fast.meta["engine_note"]
    for m in ("lost", "deferred", "stranded", "cost_change"):
        np.testing.assert_allclose(fast.draws[m], slow.draws[m], rtol=1e-9, atol=1e-6)
    quiet = fast.draws[fast.draws["lost"] == 0.0]
    sim = tc.simulate(net, WINTER, method="penalty").totals["crude"]
    np.testing.assert_allclose(quiet["deferred"], sim["deferred"], atol=1e-6)
    np.testing.assert_allclose(quiet["stranded"], sim["stranded"], atol=1e-6)


def test_moorings_out_on_an_element_without_moorings_is_an_error(mini_net):
    """The mini terminal has no moorings (no time.yaml): a moorings_out window restricted nothing, silently."""
    sc = tc.Scenario(name="m", outages=({"element": "terminal", "moorings_out": 1, "from": "2025-12-10"},))
    with pytest.raises(tc.ScenarioError, match=r"outages\[0\]\.moorings_out: terminal has no moorings.*fix: use off or derate"):
        tc.simulate(mini_net, sc, start="2025-12", end="2025-12")


def test_an_event_end_before_the_event_is_an_error(mini_net):
    """{event, to} with `to` before the event's date: the end came first and the derate then lasted for ever."""
    sc = tc.Scenario(name="e", outages=({"event": "terminal_strike", "to": "2025-11-15"},))
    with pytest.raises(tc.ScenarioError, match=r"outages\[0\]\.to: 2025-11-15 is not after the date of event 'terminal_strike'"):
        tc.simulate(mini_net, sc, start="2025-11", end="2025-12")


def test_an_event_dated_to_a_month_starts_on_its_first_day_as_in_load_network(tmp_path):
    """An event dated 2025-12 applies from 1 December in load_network(as_of=...); simulate applied it on the 31st."""
    d = tmp_path / "mini"
    shutil.copytree(MINI, d)
    (d / "events.yaml").write_text("events:\n  - id: strike\n    date: '2025-12'\n    end: '2026-01'\n    title: t\n"
                                   "    sources: [T1]\n    changes:\n      - derate: {terminal: 0.5}\n")
    net = tc.load_network(d)
    assert tc.load_network(d, as_of="2025-12-15").nodes.at["terminal", "derate"] == 0.5
    res = tc.simulate(net, start="2025-11-30", end="2026-01-01", step="day")
    cap = res.throughput[res.throughput["node"] == "terminal"].set_index("period")["capacity"]
    full = 30.0 / 365  # Mt/y capacity of the terminal, one day
    assert cap["2025-11-30"] == pytest.approx(full)
    assert cap["2025-12-01"] == pytest.approx(full / 2) and cap["2025-12-31"] == pytest.approx(full / 2)
    assert cap["2026-01-01"] == pytest.approx(full)


HZ = {"id": "storm", "element": "terminal", "effect": {"off": True}, "per_month": 0.5, "durations_days": [5, 10]}


@pytest.mark.parametrize(("change", "match"), [
    ({"per_month": "often"}, "per_month 'often' is not a probability"),
    ({"durations_days": [2.5]}, r"durations_days \[2.5\] must list whole days"),  # was cut to 2 days
    ({"durations_days": "15"}, "durations_days '15' must list whole days"),  # was read as 1 and 5 days
    ({"durations_days": ["x"]}, "durations_days"),
    ({"effect": "off"}, "effect 'off' is not a mapping"),
    ({"effect": {"derate": 2}}, "derate: f \\(0 to 1\\)"),  # was accepted and restricted nothing
    ({"effect": {"off": False}}, "must be one of off: true"),  # was a full outage
    ({"months": "winter"}, "months 'winter' must list calendar months"),
])
def test_malformed_hazards_are_scenario_errors(mini_net, change, match):
    """Each was a ValueError/TypeError from float()/int()/dict(), or accepted and silently different."""
    with pytest.raises(tc.ScenarioError, match=match):
        tc.ensemble(mini_net, None, draws=2, seed=1, start="2025-11", end="2025-12", hazards=[{**HZ, **change}],
                    history=False)


def test_a_moorings_hazard_without_moorings_and_a_bad_seed_are_errors(mini_net):
    """moorings_out on the mini terminal (no moorings) lost nothing in every draw; a seed of -1 or 'a' was numpy's ValueError."""
    kw = {"draws": 2, "start": "2025-11", "end": "2025-12", "history": False}
    with pytest.raises(tc.ScenarioError, match="hazard 'storm': effect moorings_out on terminal, which has no moorings"):
        tc.ensemble(mini_net, None, seed=1, hazards=[{**HZ, "effect": {"moorings_out": 1}}], **kw)
    for seed in (-1, "a", 1.5):
        with pytest.raises(tc.InputError, match="seed must be a whole number"):
            tc.ensemble(mini_net, None, seed=seed, hazards=[HZ], **kw)


def test_capacities_carry_their_own_unit(net):
    """Containers move in TEU on rail lines whose capacity is in Mt/y: the flows table showed 0.24 "TEU" of
    capacity beside 6,540 TEU of flow. The capacity is in its element's unit, named in capacity_unit."""
    from transcaspian.units import TONNES_PER_TEU

    res = tc.simulate(net, start="2025-10", end="2025-11", commodity="containers")
    fl = res.flows.set_index(["period", "link"])
    row = fl.loc[("2025-10", "alashankou_dostyk_rail")]
    assert (row["unit"], row["capacity_unit"]) == ("TEU", "Mt")
    assert row["flow"] * TONNES_PER_TEU / 1e6 <= row["capacity"] * (1 + 1e-9)
    assert row["capacity"] == pytest.approx(net.links.at["alashankou_dostyk_rail", "capacity"] * 31 / 365)
    units = net.links["unit"].str.split("/").str[0]
    capped = res.flows[res.flows["capacity"].notna()]
    assert (capped["capacity_unit"].to_numpy() == units.loc[capped["link"]].to_numpy()).all()
    thr = res.throughput[res.throughput["capacity"].notna()]
    assert (thr["capacity_unit"].to_numpy() == net.nodes["unit"].str.split("/").str[0].loc[thr["node"]].to_numpy()).all()
    tidy = res.to_frame()
    cap = tidy[(tidy["element"] == "alashankou_dostyk_rail") & (tidy["variable"] == "capacity")]
    assert set(cap["unit"]) == {"Mt"}


def test_pro_rata_relaxes_contracts_the_horizon_cannot_meet(net):
    """Gas over the winter: the Orenburg strike makes the Karachaganak-Orenburg minimum unmeetable. The cost
    allocation relaxes it (as solve does); pro_rata ended in an InfeasibleError in its first filling round."""
    kw = {"start": "2025-10", "end": "2026-02", "commodity": "gas"}
    cost = tc.simulate(net, allocation="cost", **kw)
    fair = tc.simulate(net, allocation="pro_rata", **kw)
    assert cost.relaxed_contracts and set(fair.relaxed_contracts) == set(cost.relaxed_contracts)
    for k, v in cost.relaxed_contracts.items():
        assert fair.relaxed_contracts[k] == pytest.approx(v, rel=1e-6)
    assert fair.totals["gas"]["delivered"] == pytest.approx(cost.totals["gas"]["delivered"], rel=1e-9)
    assert fair.meta["served_share"] and all(0.0 <= s <= 1.0 for s in fair.meta["served_share"].values())


def test_a_result_without_supply_has_the_tables_and_types_of_a_full_one(net, caplog):
    """Rare earths have markets and links but no supply: every table had object columns (production's unit
    float), so concatenating or comparing with a full result changed types."""
    kw = {"start": "2025-11", "end": "2025-12"}
    with caplog.at_level("WARNING", logger="transcaspian.timeline.run"):
        empty = tc.simulate(net, commodity="rare_earths", **kw)
    assert "no supply of rare_earths" in caplog.text
    full = tc.simulate(net, **kw)
    for name in ("periods", "flows", "throughput", "storage", "production", "delivered", "stranded"):
        a, b = getattr(empty, name), getattr(full, name)
        assert list(a.columns) == list(b.columns), name
        assert a.dtypes.astype(str).to_dict() == b.dtypes.astype(str).to_dict(), name
    assert len(empty.delivered) == 0 and empty.totals == {}


def test_cli_simulate_table_keeps_commodities_and_units_apart(run, net):
    """`simulate --commodity crude,gas` added Mt of crude and bcm of gas into one "delivered Mt" column
    (uranium's kt were headed Mt too), and `--commodity all` was a pandas InvalidIndexError (Aktau has crude
    and container rows)."""
    import io

    import pandas as pd

    code, out, _ = run("simulate", "--commodity", "crude,gas", "--start", "2025-11", "--end", "2025-12",
                       "--format", "csv", "--no-chart")
    assert code == 0
    table = pd.read_csv(io.StringIO(out)).set_index("period")
    res = tc.simulate(net, start="2025-11", end="2025-12", commodity=["crude", "gas"])
    for c, unit in (("crude", "Mt"), ("gas", "bcm")):
        d = res.delivered[res.delivered["commodity"] == c].groupby("period")["value"].sum()
        np.testing.assert_allclose(table[f"{c} delivered {unit}"].to_numpy(), d.loc[table.index].to_numpy(), rtol=1e-3)
    assert "delivered Mt" not in table and "gas CPC loadings bcm" not in table  # gas cannot pass the crude terminal
    code, out, _ = run("simulate", "--commodity", "uranium", "--start", "2025-11", "--end", "2025-11", "--no-chart")
    assert code == 0 and "delivered kt" in out and "delivered Mt" not in out
    code, out, _ = run("simulate", "--commodity", "all", "--start", "2025-11", "--end", "2025-11", "--no-chart")
    assert code == 0 and "containers delivered TEU" in out


def test_windows_an_uncapacitated_element_cannot_feel_are_reported(mini_net, caplog):
    """The hub has no capacity: switched off 10-20 December in a monthly run it carried December's flow as
    before, without a word (a daily run cuts it). Such windows are now warned about and listed in meta."""
    sc = tc.Scenario(name="hub", outages=({"element": "hub", "off": True, "from": "2025-12-10", "to": "2025-12-20"},
                                          {"element": "hub", "derate": 0.5, "from": "2025-11-01", "to": "2025-11-05"}))
    with caplog.at_level("WARNING", logger="transcaspian.timeline.run"):
        monthly = tc.simulate(mini_net, sc, start="2025-11", end="2025-12")
    assert "switching off hub from 2025-12-10 has no effect in 2025-12" in caplog.text
    assert "derating hub" in caplog.text
    assert monthly.meta["ineffective_windows"] == ["hub: off from 2025-12-10 in 2025-12", "hub: derate 0.5 from 2025-11-01"]
    base = tc.simulate(mini_net, start="2025-11", end="2025-12")
    assert monthly.totals["crude"]["delivered"] == pytest.approx(base.totals["crude"]["delivered"])  # what is reported
    caplog.clear()
    with caplog.at_level("WARNING", logger="transcaspian.timeline.run"):
        daily = tc.simulate(mini_net, sc, start="2025-12-01", end="2025-12-31", step="day")
    assert "switching off" not in caplog.text and daily.meta["ineffective_windows"] == []
    per_day = daily.delivered.groupby("period")["value"].sum()
    assert per_day["2025-12-15"] < per_day["2025-12-05"] - 1e-6


def test_loadings_resolve_names_and_keep_every_period(mini_net, net):
    """loadings() of a typo or an alias was an empty table (a typo accepted); a period in which nothing passed
    an uncapacitated node was missing instead of 0."""
    res = tc.simulate(net, start="2025-11", end="2025-12")
    pd_cpc = res.loadings("novorossiysk_cpc_terminal")
    assert res.loadings("CPC terminal").equals(pd_cpc) and len(pd_cpc) == 2
    with pytest.raises(tc.UnknownElementError, match="did you mean novorossiysk_cpc_terminal"):
        res.loadings("novorossiysk_cpc_terminl")
    sc = tc.Scenario(name="gate", outages=({"element": "hub_gate", "off": True, "from": "2025-12-01", "to": "2026-01-01"},))
    mini = tc.simulate(mini_net, sc, start="2025-10", end="2025-12")
    gate = mini.loadings("east_gate")
    assert gate.index.tolist() == ["2025-10", "2025-11", "2025-12"]
    assert gate.loc["2025-12", "throughput"] == 0.0 and gate.loc["2025-10", "throughput"] > 0
    assert gate.loc["2025-12", "unit"] == "Mt"


def test_by_period_defaults_and_errors(mini_net):
    """by_period("delivered") was a KeyError ('node'), an unknown table an AttributeError."""
    res = tc.simulate(mini_net, start="2025-10", end="2025-11")
    wide = res.by_period("delivered")
    assert wide.loc["2025-10"].sum() == pytest.approx(res.delivered.loc[res.delivered["period"] == "2025-10", "value"].sum())
    assert set(res.by_period("flows").columns) == set(res.flows["link"])
    with pytest.raises(tc.InputError, match="no table 'flow'.*fix: one of flows"):
        res.by_period("flow")
    with pytest.raises(tc.InputError, match="delivered has no column 'volume'"):
        res.by_period("delivered", value="volume")


@pytest.mark.parametrize("flag", ["events", "transit_delay"])
def test_flags_must_be_booleans(mini_net, flag):
    """events="no" is truthy: the events were applied, the opposite of what was asked."""
    with pytest.raises(tc.InputError, match=f"{flag} must be True or False, not 'no'"):
        tc.simulate(mini_net, start="2025-10", end="2025-11", **{flag: "no"})


def test_a_horizon_opening_mid_restart_keeps_the_restart_curve(net):
    """Tengiz restarted on 31 Jan 2026 along its restart curve; a horizon opening on 5 Feb showed it at full
    output (the cut before the horizon was not seen), 0.104 Mt/day against 0.050 from a horizon opening in January."""
    long = tc.simulate(net, start="2026-01-10", end="2026-02-10", step="day")
    short = tc.simulate(net, start="2026-02-05", end="2026-02-10", step="day")

    def tengiz(r):
        return r.production[r.production["origin"] == "tengiz"].set_index("period")["available"]

    a, b = tengiz(long).loc["2026-02-05":], tengiz(short)
    np.testing.assert_allclose(b.to_numpy(), a.to_numpy(), rtol=1e-9)
    assert b.iloc[0] < 0.6 * tengiz(long).loc["2026-01-16"]  # still well below the planned rate


def test_backtest_leaves_out_part_months_and_refuses_weekly_results(net):
    """A horizon opening on 15 October compared half of October with the whole reported month (about -50%),
    and a weekly result passed as result= summed weeks that cross months into the month they start in."""
    from transcaspian.timeline.backtest import winter_backtest

    part = tc.simulate(net, WINTER, start="2025-10-15", end="2025-12-31")
    table = winter_backtest(net, result=part)
    assert "2025-10" not in set(table["month"]) and {"2025-11", "2025-12"} <= set(table["month"])
    whole = tc.simulate(net, WINTER, start="2025-10-01", end="2025-12-31")
    assert "2025-10" in set(winter_backtest(net, result=whole)["month"])
    weekly = tc.simulate(net, WINTER, step="week", start="2025-11-01", end="2025-11-30")
    with pytest.raises(tc.ScenarioError, match="week steps, which cross months"):
        winter_backtest(net, result=weekly)


def test_ensemble_takes_the_scenarios_commodity(net):
    """commodity defaulted to crude whatever the scenario named: a uranium scenario's ensemble measured crude."""
    sc = tc.Scenario(name="u", commodity="uranium")
    ens = tc.ensemble(net, sc, draws=1, seed=1, start="2025-11", end="2025-11")
    sim = tc.simulate(net, start="2025-11", end="2025-11", commodity="uranium", method="penalty")
    assert ens.meta["unit"] == "kt"
    assert ens.meta["base"]["delivered"] == pytest.approx(sim.totals["uranium"]["delivered"])
    with pytest.raises(tc.InputError, match="commodity must name one commodity"):
        tc.ensemble(net, "examples/scenarios/middle_corridor_minerals.yaml", draws=1, seed=1, start="2025-11",
                    end="2025-11")


def test_a_misspelt_storage_commodity_is_an_error(net):
    """storage.commodity 'oil' left the CPC tank farm out of the model without a word."""
    from transcaspian.io import read_yaml

    data = read_yaml(Path("geodata/time.yaml"))
    data["storage"][0]["commodity"] = "oil"
    with pytest.raises(tc.NetworkDataError, match=r"storage\[0\]\.commodity: 'oil' is not a commodity \(fix: one of crude"):
        tc.simulate(net, start="2025-12", end="2025-12", time_data=data)


def test_days_out_counts_only_days_of_the_horizon(mini_net):
    """A window drawn near the end runs on past the horizon: days_out counted those days too."""
    from transcaspian.hazards import hazard_from_mapping, sample_windows

    hz = {"id": "long", "element": "terminal", "effect": {"off": True}, "per_month": 1.0, "durations_days": [40]}
    ens = tc.ensemble(mini_net, None, draws=3, seed=2, start="2025-12", end="2025-12", hazards=[hz], history=False)
    end = dt.date(2026, 1, 1)
    for i, row in ens.draws.iterrows():
        ws = sample_windows([hazard_from_mapping(hz)], "2025-12-01", "2025-12-31", np.random.default_rng([2, i]))
        assert row["days_out"] == sum((min(w["to"], end) - w["from"]).days for w in ws) <= 31


def test_a_window_that_shuts_the_terminal_is_not_undone_by_the_storm_rule(net):
    """The storm of 29 Dec lets each mooring at berth finish half a cargo; with the terminal already shut by an
    outage window (20 Dec - 10 Jan) it still loaded 0.0675 Mt on the 29th."""
    sc = tc.Scenario.from_yaml(WINTER)
    shut = dataclasses.replace(sc, outages=({"element": "novorossiysk_cpc_terminal", "off": True,
                                             "from": "2025-12-20", "to": "2026-01-10"},))
    kw = {"start": "2025-12-25", "end": "2026-01-01", "step": "day", "allocation": "cost"}
    cap = tc.simulate(net, shut, **kw).loadings("novorossiysk_cpc_terminal")
    assert (cap["capacity"] == 0.0).all() and (cap["throughput"] == 0.0).all()
    free = tc.simulate(net, sc, **kw).loadings("novorossiysk_cpc_terminal")["capacity"]
    assert free["2025-12-29"] == pytest.approx(0.135 / 2)  # the storm rule itself: one mooring, half a 135 kt cargo


def test_relaxed_contracts_are_rates_per_year_over_the_horizon(net):
    """Karachaganak-Orenburg (gas, min 7.2 bcm/y) cannot be met over the winter. With one contract row per month
    the relaxed minimum reported was one month's volume (0.445 bcm, February's, the others overwritten), read as
    a bcm/y figure beside the 7.2. It is now the horizon's relaxed minimum per year, with each month's in meta."""
    res = tc.simulate(net, start="2025-10", end="2026-02", commodity="gas")
    (label, rate), = res.relaxed_contracts.items()
    assert label == "karachaganak_orenburg:gas"
    flow = res.flows.loc[res.flows["link"] == "karachaganak_orenburg", "flow"].sum()
    years = res.periods["days"].sum() / 365
    assert rate == pytest.approx(flow / years, rel=1e-6) and 1.0 < rate < 7.2
    months = res.meta["relaxed_by_window"][label]
    assert sorted(months) == res.periods["period"].tolist()
    assert all(0.0 <= v <= 7.2 + 1e-9 for v in months.values())


def test_tidy_tables_of_a_result_without_supply(net):
    """to_frame() of a rare-earths simulation (or solve) was pandas' 'No objects to concatenate' ValueError."""
    empty = tc.simulate(net, start="2025-11", end="2025-11", commodity="rare_earths").to_frame()
    full = tc.simulate(net, start="2025-11", end="2025-11").to_frame()
    assert len(empty) == 0 and list(empty.columns) == list(full.columns)
    assert empty.dtypes.astype(str).to_dict() == full.dtypes.astype(str).to_dict()
    solved = tc.solve(net, commodity="rare_earths").to_frame()
    assert len(solved) == 0 and list(solved.columns) == ["table", "element", "commodity", "variable", "value", "unit"]
