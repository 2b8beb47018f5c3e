"""Monte Carlo ensembles: deterministic per seed whichever executor, Parquet streaming, sourced hazards."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import transcaspian as tc
from transcaspian.errors import ScenarioError
from transcaspian.hazards import load_hazards, sample_windows

HZ = [
    {"id": "storm", "element": "terminal", "effect": {"off": True}, "per_month": 0.5, "durations_days": [5, 10]},
    {"id": "pipe", "element": "hub_terminal", "effect": {"derate": 0.5}, "per_month": 0.3, "durations_days": [20]},
]
KW = {"draws": 8, "seed": 11, "start": "2025-11", "end": "2026-01", "hazards": HZ, "history": False}


@pytest.fixture(scope="module")
def serial(mini_net):
    return tc.ensemble(mini_net, None, **KW)


def test_same_seed_same_answer_and_seed_matters(mini_net, serial):
    assert tc.ensemble(mini_net, None, **KW) == serial
    other = tc.ensemble(mini_net, None, **{**KW, "seed": 12})
    assert not other.draws["lost"].equals(serial.draws["lost"])


def test_process_pool_gives_identical_rows(mini_net, serial):
    pooled = tc.ensemble(mini_net, None, workers=2, chunk=3, **KW)
    pd.testing.assert_frame_equal(pooled.draws, serial.draws)


def test_dask_local_cluster_gives_identical_rows(mini_net, serial):
    pytest.importorskip("dask.distributed")
    d = tc.ensemble(mini_net, None, workers=1, executor="dask", chunk=4, **KW)
    pd.testing.assert_frame_equal(d.draws, serial.draws)
    assert d.meta["executor"] == "dask"


def test_summary_and_worst_decile_recomputed(serial):
    v = serial.draws["lost"].to_numpy()
    assert serial.summary.loc["lost", "p50"] == pytest.approx(np.percentile(v, 50))
    assert serial.summary.loc["lost", "p90"] == pytest.approx(np.percentile(v, 90))
    assert serial.summary.loc["lost", "mean"] == pytest.approx(v.mean())
    worst = serial.draws.sort_values(["lost", "draw"], ascending=[False, True]).head(1)
    for hid in ("storm", "pipe"):
        assert serial.worst_decile.loc[hid, "share_worst"] == float(hid in worst["hazards"].iloc[0].split(";"))


def test_a_draw_equals_simulate_with_its_windows(mini_net, serial):
    """Draw 5 rebuilt by hand: the same windows from the same stream, then tc.simulate."""
    from transcaspian.hazards import hazard_from_mapping

    hz = [hazard_from_mapping(h) for h in HZ]
    windows = sample_windows(hz, "2025-11-01", "2026-01-31", np.random.default_rng([11, 5]))
    outages = tuple({k: v for k, v in w.items() if k != "hazard"} for w in windows)
    base = tc.simulate(mini_net, start="2025-11", end="2026-01", method="penalty")
    res = tc.simulate(mini_net, tc.Scenario(name="d5", outages=outages), start="2025-11", end="2026-01", method="penalty")
    lost = base.totals["crude"]["delivered"] - res.totals["crude"]["delivered"]
    row = serial.draws.set_index("draw").loc[5]
    assert row["lost"] == pytest.approx(lost, abs=1e-9) and row["windows"] == len(windows)


def test_parquet_stream_holds_the_rows(mini_net, serial, tmp_path):
    path = tmp_path / "draws.parquet"
    streamed = tc.ensemble(mini_net, None, out=path, chunk=3, **KW)
    back = pd.read_parquet(path)
    pd.testing.assert_frame_equal(back, serial.draws)
    assert list(streamed.draws.columns) == ["draw", "lost", "deferred", "stranded", "cost_change"]
    assert streamed.summary.equals(serial.summary)
    assert not list(tmp_path.glob(".*.tmp"))


def test_sourced_history_cites_the_record():
    hz = {h.id: h for h in load_hazards()}
    assert set(hz) == {"cpc_mooring_loss", "cpc_storm_halt", "cpc_strike_halt"}
    assert dict(hz["cpc_mooring_loss"].effect) == {"moorings_out": 1}
    assert {"S201", "S202", "S14"} <= set(hz["cpc_mooring_loss"].sources)
    assert hz["cpc_storm_halt"].months == frozenset({11, 12, 1, 2, 3})
    # the frequencies are the incident counts over the record's months
    import yaml

    raw = yaml.safe_load((tc.default_data_path() / "hazards.yaml").read_text())
    months = {"all": raw["record"]["months"], "winter": raw["record"]["winter_months"]}
    for e in raw["hazards"]:
        n = months["all"] if e["months"] == "all" else months["winter"]
        assert e["per_month"] == pytest.approx(len(e["incidents"]) / n, abs=5e-4), e["id"]
        assert sorted(e["durations_days"]) == sorted(i["days"] for i in e["incidents"])


def test_windows_deterministic_and_seasonal():
    hz = load_hazards()
    a = sample_windows(hz, "2026-04", "2026-10", np.random.default_rng([1, 2]))
    assert a == sample_windows(hz, "2026-04", "2026-10", np.random.default_rng([1, 2]))
    assert all(w["hazard"] != "cpc_storm_halt" for w in a)  # no storms outside the winter months


def test_bad_hazards_are_named(mini_net):
    bad = [dict(HZ[0], per_month=1.5)]
    with pytest.raises(ScenarioError, match="storm.*per_month"):
        tc.ensemble(mini_net, None, **{**KW, "hazards": bad})
    with pytest.raises(ScenarioError, match="durations_days"):
        tc.ensemble(mini_net, None, **{**KW, "hazards": [{"id": "x", "element": "terminal", "per_month": 0.1}]})
    with pytest.raises(tc.UnknownElementError):
        tc.ensemble(mini_net, None, **{**KW, "hazards": [dict(HZ[0], element="nowhere")]})
    with pytest.raises(ValueError, match="executor"):
        tc.ensemble(mini_net, None, executor="spark", **KW)


def test_fast_engine_equals_simulate_on_the_corridor(net):
    """The shared highspy model of the horizon gives the rows simulate gives, draw by draw (sourced hazards)."""
    kw = {"draws": 6, "seed": 5, "start": "2025-11", "end": "2026-02", "chunk": 6}
    fast = tc.ensemble(net, None, **kw)
    slow = tc.ensemble(net, None, engine="simulate", **kw)
    assert fast.meta["engine"] == "fast" and slow.meta["engine"] == "simulate"
    assert (fast.draws["windows"] > 0).any()
    for m in ("lost", "deferred", "stranded"):
        np.testing.assert_allclose(fast.draws[m], slow.draws[m], atol=1e-6)
    np.testing.assert_allclose(fast.draws["cost_change"], slow.draws["cost_change"], rtol=1e-6, atol=10.0)


@pytest.mark.parametrize("bad", [{"commodity": "all"}, {"commodity": ["crude", "gas"]}, {"draws": 0}, {"draws": "10"},
                                 {"draws": True}, {"engine": "slow"}])
def test_bad_options_are_clear_errors(mini_net, bad):
    """One commodity (the measures are totals in its unit), a whole number of draws: else an InputError, not a
    KeyError after the base simulation (commodity="all" used to end that way)."""
    options = {"draws": 3, "seed": 1, "start": "2026-01", "end": "2026-02", **bad}
    with pytest.raises(tc.InputError, match="fix: |engine must be"):
        tc.ensemble(mini_net, None, **options)


def test_a_commodity_without_supply_is_a_clear_error():
    net = tc.load_network()  # rare earths: markets and links, no supply (it was a KeyError after the base run)
    with pytest.raises(tc.InputError, match=r"no supply of rare_earths.*fix: a commodity with supplies \(crude"):
        tc.ensemble(net, None, draws=2, seed=1, commodity="rare_earths", start="2026-01", end="2026-02")
