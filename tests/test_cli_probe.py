"""Command-line defects found by probing: options that were ignored, files that differed from the
printed table, and raw Python errors on plausible input. Each test fails without its fix."""

from __future__ import annotations

import csv
import io
import json

import pandas as pd
import pytest

import transcaspian as tc
from transcaspian.errors import InputError
from transcaspian.executors import run_tasks
from transcaspian.hazards import load_hazards
from transcaspian.interop.results import result_frame, simulation_frame

_HORIZON = ("--start", "2025-10", "--end", "2025-11")


@pytest.fixture()
def season(tmp_path):
    p = tmp_path / "season.yaml"
    p.write_text("name: season\nstart: 2025-11-01\nend: 2025-12-31\nstep: month\n", encoding="utf-8")
    return p


# ------------------------------------------------ --out of solve / simulate: a table file or a folder
@pytest.mark.parametrize("suffix", [".parquet", ".gpkg"])
def test_solve_out_table_file_is_replaced_with_force(run, mini_path, mini_net, tmp_path, suffix):
    # was: a second run said "is a file, not a folder", with or without --force
    out = tmp_path / f"res{suffix}"
    assert run("solve", "--data", mini_path, "--out", out)[0] == 0
    code, _, err = run("solve", "--data", mini_path, "--out", out)
    assert code == 1 and "exists" in err and "--force" in err
    cut = tmp_path / "cut.yaml"
    cut.write_text("name: cut\ndisable: [terminal]\n", encoding="utf-8")
    code, _, err = run("solve", cut, "--data", mini_path, "--out", out, "--force")
    assert code == 0, err
    if suffix == ".parquet":  # the file now holds the second run's numbers
        back = pd.read_parquet(out)
        assert back.equals(result_frame(tc.solve(mini_net, tc.Scenario.from_yaml(cut))))


def test_simulate_out_parquet_is_replaced_with_force(run, mini_path, mini_net, tmp_path):
    out = tmp_path / "sim.parquet"
    assert run("simulate", "--data", mini_path, *_HORIZON, "--out", out)[0] == 0
    code, _, err = run("simulate", "--data", mini_path, *_HORIZON, "--out", out)
    assert code == 1 and "exists" in err
    code, _, err = run("simulate", "--data", mini_path, "--start", "2025-10", "--end", "2025-10", "--out", out, "--force")
    assert code == 0, err
    back = pd.read_parquet(out)
    assert back.equals(simulation_frame(tc.simulate(mini_net, start="2025-10", end="2025-10")))


@pytest.mark.parametrize("command", ["solve", "simulate", "demo"])
@pytest.mark.parametrize("name", ["flows.csv", "result.json", "map.png"])
def test_out_named_like_a_file_is_not_made_a_folder(run, mini_path, tmp_path, command, name):
    # was: `solve --out flows.csv` made a folder called flows.csv and wrote three files in it
    out = tmp_path / name
    code, _, err = run(command, "--data", mini_path, "--out", out)
    assert code == 1 and f"names a {out.suffix} file" in err and "(fix:" in err
    assert not out.exists()


# ------------------------------------------------ criticality: options that need another one
def test_criticality_horizon_without_colon_is_an_input_error(run, mini_path):
    # was: ValueError (not enough values to unpack) out of main
    code, _, err = run("criticality", "--data", mini_path, "--horizon", "2025-10-01")
    assert code == 1 and "--horizon '2025-10-01'" in err and "START:END" in err
    assert run("criticality", "--data", mini_path, "--horizon", ":2025-12")[0] == 1


def test_criticality_outage_days_needs_horizon(run, mini_path, mini_net):
    # was: accepted and ignored (the N-1 ranking of the static model, as without it)
    code, out, err = run("criticality", "--data", mini_path, "--outage-days", "10")
    assert code == 1 and "--outage-days 10" in err and "--horizon" in err and out == ""
    code, out, _ = run("criticality", "--data", mini_path, "--horizon", "2025-11:2025-12", "--outage-days", "10",
                       "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    api = tc.criticality(mini_net, horizon=("2025-11", "2025-12"), outage=10)
    assert code == 0 and [float(r["lost"]) for r in rows] == pytest.approx(api["lost"].tolist(), abs=1e-6)


def test_criticality_combine_needs_k_above_one(run, mini_path, mini_net):
    # was: --combine with --k 1 accepted and ignored
    code, _, err = run("criticality", "--data", mini_path, "--combine", "3")
    assert code == 1 and "--combine 3" in err and "--k 2" in err
    code, out, _ = run("criticality", "--data", mini_path, "--elements", "links", "--k", "2", "--combine", "3",
                       "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(rows) == 3  # the pairs of the top 3: C(3, 2)
    assert [r["element"] for r in rows] == tc.criticality(mini_net, elements="links", k=2, top=3).index.tolist()


def test_criticality_csv_file_is_the_printed_csv(run, mini_path, tmp_path):
    # was: the file had unrounded floats (41.000000001) and '+' where the screen had '>'
    out = tmp_path / "pairs.csv"
    code, printed, err = run("criticality", "--data", mini_path, "--elements", "both", "--k", "2", "--combine", "4",
                             "--format", "csv", "--out", out)
    assert code == 0, err
    assert out.read_text(encoding="utf-8") == printed
    rows = list(csv.DictReader(io.StringIO(printed)))
    assert all(r["elements"].count("+") == 1 and ">" not in r["elements"] for r in rows)


def test_scheduler_that_cannot_be_reached_is_an_input_error(run, mini_path):
    # was: ValueError / OSError traceback from dask.distributed
    code, _, err = run("criticality", "--data", mini_path, "--scheduler", "not-an-address")
    assert code == 1 and "scheduler 'not-an-address'" in err and "(fix:" in err



def test_scheduler_timeout_is_an_input_error(monkeypatch):
    # an unreachable scheduler: Client raises OSError after its connect timeout (30 s); here at once
    import dask.distributed

    def unreachable(address, *args, **kwargs):
        raise OSError(f"Timed out trying to connect to {address} after 30 s")

    monkeypatch.setattr(dask.distributed, "Client", unreachable)
    with pytest.raises(InputError, match=r"scheduler 'tcp://10\.0\.0\.1:8786': cannot connect.*\(fix: "):
        list(run_tasks(abs, [1, -2], executor="dask", scheduler="tcp://10.0.0.1:8786"))


# ------------------------------------------------ ensemble --out
def test_ensemble_out_checked_before_the_run(run, mini_path, season, tmp_path):
    # was: .gpkg ended in AttributeError after every draw ran; .txt was written as CSV; an
    # existing file was replaced without --force
    code, _, err = run("ensemble", season, "--data", mini_path, "--draws", "2", "--out", tmp_path / "d.gpkg")
    assert code == 1 and "unknown suffix '.gpkg'" in err and not (tmp_path / "d.gpkg").exists()
    code, _, err = run("ensemble", season, "--data", mini_path, "--draws", "2", "--out", tmp_path / "d.txt")
    assert code == 1 and not (tmp_path / "d.txt").exists()
    out = tmp_path / "d.csv"
    out.write_text("keep me\n", encoding="utf-8")
    code, _, err = run("ensemble", season, "--data", mini_path, "--draws", "2", "--out", out)
    assert code == 1 and "--force" in err and out.read_text(encoding="utf-8") == "keep me\n"
    code, _, err = run("ensemble", season, "--data", mini_path, "--draws", "2", "--out", out, "--force")
    assert code == 0, err
    api = tc.ensemble(tc.load_network(mini_path), season, draws=2, seed=0)
    assert pd.read_csv(out)["lost"].tolist() == pytest.approx(api.draws["lost"].tolist(), abs=1e-6)


# ------------------------------------------------ --allow-outside on simulate and ensemble
@pytest.mark.parametrize("command", ["simulate", "ensemble"])
def test_allow_outside_reaches_simulate_and_ensemble(run, mini_path, tmp_path, command):
    # was: ignored: the error asked for --allow-outside while it was given
    (tmp_path / "parent.yaml").write_text("name: parent\nstart: 2025-11-01\nend: 2025-11-30\ndisable: [terminal]\n",
                                          encoding="utf-8")
    (tmp_path / "sub").mkdir()
    child = tmp_path / "sub" / "child.yaml"
    child.write_text("name: child\nextends: ../parent.yaml\n", encoding="utf-8")
    extra = ["--draws", "2"] if command == "ensemble" else ["--no-chart", "--format", "json"]
    code, _, err = run(command, child, "--data", mini_path, *extra)
    assert code == 1 and "outside" in err
    code, out, err = run(command, child, "--data", mini_path, *extra, "--allow-outside")
    assert code == 0, err
    if command == "simulate":  # the parent's horizon and its disabled terminal were read
        sim = tc.simulate(tc.load_network(mini_path), tc.Scenario.from_yaml(child, allow_outside=True))
        doc = json.loads(out)["summary"]
        assert (doc["start"], doc["end"]) == ("2025-11-01", "2025-11-30") == (sim.summary()["start"], sim.summary()["end"])
        assert doc["totals"]["crude"]["delivered"] == pytest.approx(sim.summary()["totals"]["crude"]["delivered"], abs=1e-6)


# ------------------------------------------------ simulate / ensemble options that never work
def test_simulate_chart_and_no_chart_together(run, mini_path, tmp_path):
    # was: --chart silently not drawn
    code, _, err = run("simulate", "--data", mini_path, *_HORIZON, "--chart", tmp_path / "c.png", "--no-chart")
    assert code == 1 and "--no-chart" in err and not (tmp_path / "c.png").exists()


@pytest.mark.parametrize("argv", [("simulate", *_HORIZON, "--no-chart"), ("ensemble", "--draws", "2"),
                                  ("criticality", "--horizon", "2025-10:2025-11")])
def test_as_of_on_the_time_model_says_to_drop_it(run, mini_path, argv):
    # was: "load it without as_of, tc.load_network()": library advice for a command-line user
    code, _, err = run(*argv, "--data", mini_path, "--as-of", "2025-12-01")
    assert code == 1 and "drop --as-of" in err and "tc.load_network" not in err


# ------------------------------------------------ a commodity asked for without supply is said so
def test_commodity_without_supply_is_named(run, mini_path):
    # was: nothing printed about it ("transport cost 0 USD/y" and empty tables)
    code, out, _ = run("solve", "--data", mini_path, "--commodity", "crude,uranium")
    lines = out.splitlines()
    assert code == 0 and lines[2].startswith("crude: delivered 41.00 Mt/y")
    assert lines[3].startswith("uranium: no supply in this scenario")
    code, out, _ = run("solve", "--data", mini_path, "--commodity", "crude")
    assert code == 0 and "no supply" not in out
    code, out, _ = run("simulate", "--data", mini_path, *_HORIZON, "--commodity", "gas", "--no-chart")
    assert code == 0 and "gas: no supply in this scenario" in out


# ------------------------------------------------ --commodity values
@pytest.mark.parametrize("value", ["", "crude,all", "crude,,gas"])
def test_commodity_empty_or_all_in_a_list_is_a_usage_error(run, mini_path, value):
    # was: criticality --commodity '' ranked crude without a word; solve gave an error without a fix
    for command in ("criticality", "solve"):
        code, out, err = run(command, "--data", mini_path, "--commodity", value)
        assert code == 2 and out == "" and f"--commodity {value!r}" in err and "(fix:" in err


def test_commodity_list_with_spaces(run, mini_path):
    # was: "unknown commodity  gas" for `--commodity "crude, uranium"`
    code, out, err = run("solve", "--data", mini_path, "--commodity", "crude, uranium")
    assert code == 0, err
    assert "crude: delivered 41.00 Mt/y" in out and "uranium: no supply in this scenario" in out


# ------------------------------------------------ ensemble --hazards and --seed
@pytest.mark.parametrize(("text", "what"), [("- a\n- b\n", "got a list"), ("hazards: {a: 1}\n", "hazards: a list"),
                                            ("hazards:\n  - 3\n", "hazards[0]")])
def test_ensemble_hazards_file_of_the_wrong_form(run, mini_path, season, tmp_path, text, what):
    # was: AttributeError ('list' object has no attribute 'get')
    hz = tmp_path / "hz.yaml"
    hz.write_text(text, encoding="utf-8")
    code, _, err = run("ensemble", season, "--data", mini_path, "--draws", "2", "--hazards", hz)
    assert code == 1 and what in err and str(hz) in err and "(fix:" in err


def test_ensemble_hazards_file_without_hazards(run, mini_path, season):
    # was: a scenario file given as --hazards was read as no hazards, without a word
    code, _, err = run("ensemble", season, "--data", mini_path, "--draws", "2", "--hazards", season)
    assert code == 1 and "lists no hazards" in err


def test_ensemble_negative_seed_is_a_usage_error(run, mini_path, season):
    # was: ValueError (expected non-negative integer) from numpy
    code, _, err = run("ensemble", season, "--data", mini_path, "--draws", "2", "--seed", "-5")
    assert code == 2 and "--seed" in err


# ------------------------------------------------ simulate's table: units and commodities
def test_simulate_table_names_the_commodity_unit(run, net):
    # was: gas in bcm and containers in TEU under columns labelled "Mt"
    code, out, _ = run("simulate", "--commodity", "gas", "--start", "2025-10", "--end", "2025-10", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    sim = tc.simulate(net, start="2025-10", end="2025-10", commodity="gas")
    assert code == 0 and "delivered bcm" in rows[0] and not any(k.endswith(" Mt") for k in rows[0])
    assert float(rows[0]["delivered bcm"]) == pytest.approx(sim.delivered["value"].sum(), abs=1e-6)


def test_simulate_table_of_two_commodities(run, net):
    # was: InvalidIndexError (a node's throughput per commodity), and Mt + kt summed into one column
    code, out, err = run("simulate", "--commodity", "crude,uranium", "--start", "2025-10", "--end", "2025-11",
                         "--format", "csv")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    sim = tc.simulate(net, start="2025-10", end="2025-11", commodity=["crude", "uranium"])
    d = sim.delivered
    for r in rows:
        for c, u in (("crude", "Mt"), ("uranium", "kt")):
            want = d[(d["commodity"] == c) & (d["period"] == r["period"])]["value"].sum()
            assert float(r[f"{c} delivered {u}"]) == pytest.approx(want, abs=1e-6)
    assert "delivered Mt" not in rows[0]
    cpc = [k for k in rows[0] if k.startswith("CPC")]
    assert "CPC crude loadings Mt" in cpc and "CPC crude capacity Mt" in cpc
    # uranium does not pass the CPC terminal: no zero columns of it (the throughput table lists only
    # the nodes a commodity touches), and nothing of uranium is labelled Mt
    assert not [k for k in cpc if "uranium" in k]
    assert not [k for k in rows[0] if "uranium" in k and k.endswith(" Mt")]


# ------------------------------------------------ simulate's chart: the commodity simulated
def test_simulate_chart_draws_the_simulated_commodity(run, tmp_path, monkeypatch):
    # was: the chart of a gas run drew crude (nothing) and said "nothing deferred or stranded"
    from transcaspian.maps import timeseries

    seen = []
    real = timeseries.save_timeseries

    def spy(res, path, **kw):
        seen.append(kw)
        return real(res, path, **kw)

    monkeypatch.setattr(timeseries, "save_timeseries", spy)
    code, out, err = run("simulate", "--commodity", "gas", "--start", "2025-10", "--end", "2025-11",
                         "--chart", tmp_path / "gas.png")
    assert code == 0, err
    assert seen[-1]["commodity"] == "gas" and (tmp_path / "gas.png").exists()
    code, out, err = run("simulate", "--commodity", "uranium,crude", "--start", "2025-10", "--end", "2025-11",
                         "--chart", tmp_path / "two.png")
    assert code == 0 and seen[-1]["commodity"] == "crude" and "crude (of crude, uranium)" in seen[-1]["title"]
    assert "wrote chart of crude" in out


def test_timeseries_chart_unit_and_deferred_of_its_commodity(net):
    # was: the unit was the first production row's (Mt for a uranium chart), and the gas
    # chart's route panel legend warned of no artists
    from transcaspian.maps.timeseries import plot_timeseries

    sim = tc.simulate(net, start="2025-10", end="2025-11", commodity=["crude", "uranium", "gas"])
    ax1, _, ax3 = plot_timeseries(sim, commodity="uranium").axes[:3]
    assert ax1.get_ylabel() == "kt per month" and ax3.get_ylabel() == "kt per month"
    gas = plot_timeseries(sim, commodity="gas")
    deferred = sim.production[sim.production["commodity"] == "gas"]["deferred"].sum()
    bars = sum(p.get_height() for p in gas.axes[2].patches)
    assert deferred > 0 and bars == pytest.approx(deferred, abs=1e-9)
    assert gas.axes[0].get_ylabel() == "bcm per month"


# ------------------------------------------------ tables cut short say so
def test_cut_tables_say_how_many_rows_are_left_out(run, net):
    # was: the solve sections stopped at 25 rows (simulate at 400, compare links at 15) without a word
    code, out, _ = run("solve", "--commodity", "all")
    n = len(tc.solve(net, commodity="all").routes)
    assert code == 0 and n > 25 and f"... and {n - 25} more rows ({n} in all)" in out
    code, out, _ = run("simulate", "--start", "2025-01", "--end", "2026-12", "--step", "day", "--no-chart")
    assert code == 0 and "... and 330 more rows (730 in all)" in out  # 730 days, 400 shown
    code, out, _ = run("solve", "--commodity", "crude")
    assert code == 0 and "more row" not in out  # 7 routes: nothing cut


def test_criticality_combine_below_k_is_an_input_error(run, mini_path):
    # was: an empty table and exit 0 (2 elements make no triple)
    code, out, err = run("criticality", "--data", mini_path, "--k", "3", "--combine", "2", "--format", "csv")
    assert code == 1 and out == "" and "--combine 2 with --k 3" in err
    code, out, _ = run("criticality", "--data", mini_path, "--k", "2", "--combine", "2", "--format", "csv")
    assert code == 0 and len(list(csv.DictReader(io.StringIO(out)))) == 1  # C(2, 2)


# ------------------------------------------------ ensemble output: every number labelled
def test_ensemble_output_labels_measures_and_units(run, mini_path, season):
    # was: --format json printed four records without saying which measure each was; the text
    # put "(Mt)" over a table whose cost_change is in USD
    hz = season.with_name("hz.yaml")
    hz.write_text("hazards:\n  - {id: storm, element: terminal, effect: {off: true}, per_month: 0.6, durations_days: [7]}\n",
                  encoding="utf-8")
    code, out, err = run("ensemble", season, "--data", mini_path, "--draws", "4", "--seed", "2", "--hazards", hz,
                         "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    api = tc.ensemble(tc.load_network(mini_path), season, draws=4, seed=2, hazards=load_hazards(hz))
    by = {r["measure"]: r for r in doc["summary"]}
    assert set(by) == set(api.summary.index) and by["cost_change"]["unit"] == "USD" and by["lost"]["unit"] == "Mt"
    assert by["lost"]["p90"] == pytest.approx(api.summary.loc["lost", "p90"], abs=1e-6)
    assert (doc["draws"], doc["seed"]) == (4, 2) and doc["worst_decile"][0]["hazard"] == "storm"
    code, out, _ = run("ensemble", season, "--data", mini_path, "--draws", "4", "--seed", "2", "--hazards", hz)
    line = next(ln for ln in out.splitlines() if ln.startswith("cost_change"))
    assert code == 0 and line.rstrip().endswith("USD") and "volumes in Mt, costs in USD" in out


# ------------------------------------------------ --as-of against a scenario's own as_of
@pytest.mark.parametrize("command", ["solve", "routes"])
def test_as_of_other_than_the_scenarios_is_an_input_error(run, mini_path, tmp_path, command):
    # was: an earlier --as-of lost to the scenario's date without a word; a later one gave library advice
    sc = tmp_path / "dated.yaml"
    sc.write_text("name: dated\nas_of: 2025-12-01\n", encoding="utf-8")
    argv = ["solve", sc] if command == "solve" else ["routes", "field_a", "europe", "--scenario", sc]
    for when in ("2025-11-01", "2026-01"):
        code, out, err = run(*argv, "--data", mini_path, "--as-of", when)
        assert code == 1 and out == "" and "sets as_of 2025-12-01" in err and "drop --as-of" in err
    code, same, _ = run(*argv, "--data", mini_path, "--as-of", "2025-12-01")
    assert code == 0 and same == run(*argv, "--data", mini_path)[1]


@pytest.mark.parametrize("command", ["criticality", "ensemble"])
def test_workers_with_a_scheduler_is_an_input_error(run, mini_path, season, command):
    # was: --workers ignored (the scheduler's cluster has its own), and the run went on
    argv = [command, "--data", mini_path] + ([season, "--draws", "2"] if command == "ensemble" else [])
    code, out, err = run(*argv, "--workers", "2", "--scheduler", "tcp://127.0.0.1:1")
    assert code == 1 and out == "" and "--workers 2 with --scheduler" in err


def test_routes_avoid_node_unknown_names_the_option(run, mini_path):
    code, _, err = run("routes", "field_a", "europe", "--data", mini_path, "--avoid-node", "nowhere")
    assert code == 1 and "--avoid-node" in err and "nowhere" in err


def test_compare_scenarios_of_other_commodities_says_to_pass_commodity(run, mini_path, tmp_path):
    # was: "solve both with the same settings on the same network", which the command line did itself
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text("name: a\ncommodity: crude\n", encoding="utf-8")
    b.write_text("name: b\ncommodity: [crude, gas]\nsupplies:\n  gas:\n    field_a: 1.0\n", encoding="utf-8")
    code, out, err = run("compare", a, b, "--data", mini_path)
    assert code == 1 and out == "" and "--commodity" in err and "crude, gas" in err


def test_network_only_map_of_several_commodities_is_refused(run, tmp_path):
    """map --network-only --commodity crude,gas drew all five commodities without a word."""
    out = tmp_path / "net.png"
    code, _, err = run("map", "--network-only", "--commodity", "crude,gas", "--out", str(out))
    assert code != 0 and "names several commodities" in err and "fix:" in err and not out.exists()
    code, _, err = run("map", "--network-only", "--commodity", "gas", "--out", str(out))
    assert code == 0, err
