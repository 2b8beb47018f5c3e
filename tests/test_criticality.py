"""N-k criticality on the persistent sweep: pruned sweeps equal naive re-solving."""

from __future__ import annotations

import importlib
import itertools
import os
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings

import transcaspian as tc
from netbuild import random_networks
from transcaspian.criticality import NOISE_RTOL

crit_mod = importlib.import_module("transcaspian.criticality")  # the package exports a function of that name

COLS = ["lost", "cost_change"]


def _same(a: pd.DataFrame, b: pd.DataFrame, *, scale: float) -> None:
    assert sorted(a.index) == sorted(b.index)
    b = b.loc[a.index]
    np.testing.assert_allclose(a["lost"], b["lost"], atol=1e-6 * max(scale, 1.0))
    np.testing.assert_allclose(a["cost_change"], b["cost_change"], rtol=1e-6, atol=1e-3)


def test_corridor_pruned_sweep_equals_unpruned_sweep(net):
    """Both kinds at once: pruning skips the idle elements without changing any row."""
    pruned = tc.criticality(net, elements="both")
    full = tc.criticality(net, elements="both", prune=False)
    _same(pruned, full, scale=200)
    assert pruned.index.tolist() == full.index.tolist()


def test_corridor_sweep_equals_fresh_solves_on_a_sample(net):
    """The sweep's rows equal tc.solve with the element disabled (idle and loaded ones, nodes and links)."""
    crit = tc.criticality(net, elements="both")
    loaded = crit[crit["lost"] > 0].index[:6].tolist()
    idle = crit[(crit["lost"] == 0) & (crit["cost_change"] == 0)].index[:3].tolist()
    cand = loaded + idle + ["novorossiysk_cpc_terminal"]
    ref = tc.criticality(net, elements="both", candidates=cand, engine="resolve")
    _same(crit.loc[ref.index], ref, scale=200)


def test_cpc_terminal_tops_the_corridor_ranking(net):
    crit = tc.criticality(net, elements="nodes")
    # the terminal and the pumping station feeding it strand the same volume (ties go by id)
    assert set(crit.index[:2]) == {"novorossiysk_cpc_terminal", "kropotkin_ps"}
    top = crit.loc["novorossiysk_cpc_terminal"]
    assert top["role"] == "transit" and top["rank"] == 2 and top["lost"] == pytest.approx(crit.iloc[0]["lost"])
    assert top["losing_markets"].startswith("europe -")
    assert top["lost"] > 20 and top["unit"] == "Mt/y"
    # where the crude went: the links that gained flow are listed, with positive volumes
    assert top["gained_links"] and all(float(p.split(" ")[1]) > 0 for p in top["gained_links"].split(", "))
    base = tc.solve(net)
    without = tc.solve(net, tc.Scenario(name="x", disable=["novorossiysk_cpc_terminal"]))
    gained = (without.flows.groupby(level=0)["forward"].sum() + without.flows.groupby(level=0)["backward"].sum()) - (
        base.flows.groupby(level=0)["forward"].sum() + base.flows.groupby(level=0)["backward"].sum()
    )
    first = top["gained_links"].split(", ")[0].split(" ")
    assert gained.get(first[0], 0.0) == pytest.approx(float(first[1]), rel=1e-3)


def test_noise_is_zero(net):
    crit = tc.criticality(net, elements="links")
    small = crit["lost"].abs()
    assert ((small == 0) | (small > NOISE_RTOL * 100)).all()
    assert ((crit["cost_change"] == 0) | (crit["cost_change"].abs() > 1.0)).all()


def test_corridor_pairs_pruned_equal_unpruned(net):
    a = tc.criticality(net, elements="both", k=2, top=8)
    b = tc.criticality(net, elements="both", k=2, top=8, prune=False)
    assert len(a) == 28
    _same(a, b, scale=200)


def test_k_and_metric_checked(mini_net):
    with pytest.raises(ValueError, match="k must be"):
        tc.criticality(mini_net, k=4)
    with pytest.raises(ValueError, match="metric"):
        tc.criticality(mini_net, metric="volume")
    by_cost = tc.criticality(mini_net, elements="links", metric="cost")
    transit = by_cost[by_cost["role"] == "transit"]
    assert (transit["cost_change"].round(3).diff().dropna() <= 0).all()


#: Hypothesis examples for the naive comparison (each re-solves every knock-out in full);
#: TC_SWEEP_EXAMPLES=200 for a long run by hand.
EXAMPLES = int(os.environ.get("TC_SWEEP_EXAMPLES", "4"))


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_networks(max_nodes=6, max_links=9))
def test_random_networks_n1_and_n2_pruned_equal_naive(rnet):
    supply = sum(e["value"] for e in rnet.baseline["supplies"]["crude"])
    for kind in ("nodes", "links"):
        fast = tc.criticality(rnet, elements=kind)
        naive = tc.criticality(rnet, elements=kind, engine="resolve", prune=False)
        _same(fast, naive, scale=supply)
    fast2 = tc.criticality(rnet, elements="links", k=2, top=3)
    naive2 = tc.criticality(rnet, elements="links", k=2, top=3, engine="resolve", prune=False)
    _same(fast2, naive2, scale=supply)


def test_triples_on_mini_equal_brute_force(mini_net):
    crit = tc.criticality(mini_net, elements="links", k=3, top=5)
    assert len(crit) == 10
    for name, row in crit.iterrows():
        ids = row["elements"]
        res = tc.solve(mini_net, tc.Scenario(name="x", disable=ids))
        assert row["lost"] == pytest.approx(41.0 - res.total_delivered["crude"], abs=1e-6), name
    assert set(itertools.chain.from_iterable(crit["elements"])) <= set(mini_net.links.index)


def test_link_users(mini_net):
    res = tc.solve(mini_net)
    for lid in ("hub_terminal", "hub_port", "a_hub"):
        users = res.link_users(lid)
        f = res.flows.loc[lid]
        assert users["volume"].sum() == pytest.approx(float(f["forward"] + f["backward"]))
        assert users["share"].sum() == pytest.approx(1.0)
    assert set(res.link_users("hub_terminal").index.get_level_values("origin")) == {"field_a", "field_b"}
    assert set(res.link_users("a_hub").index.get_level_values("origin")) == {"field_a"}
    with pytest.raises(tc.UnknownElementError):
        res.link_users("no_such_link")


def test_horizon_runs_on_simulate(mini_net):
    month = tc.criticality(mini_net, horizon=("2025-11", "2026-02"), outage=30, candidates=["terminal", "hub"])
    whole = tc.criticality(mini_net, horizon=("2025-11", "2026-02"), candidates=["terminal", "hub"])
    assert (month["lost"] < whole["lost"].loc[month.index]).all() and (month["lost"] > 0).all()
    base = tc.simulate(mini_net, start="2025-11", end="2026-02")
    out = tc.simulate(mini_net, tc.Scenario(name="x", outages=({"element": "terminal", "off": True, "from": "2025-11-01",
                                                                "to": "2025-12-01"},)), start="2025-11", end="2026-02")
    lost = base.totals["crude"]["delivered"] - out.totals["crude"]["delivered"]
    assert month.loc["terminal", "lost"] == pytest.approx(lost, rel=1e-6)
    with pytest.raises(ValueError, match="k must be 1"):
        tc.criticality(mini_net, horizon=("2025-11", "2026-02"), k=2)


def test_workers_give_the_same_table(net, mini_net):
    """Shares swept by a process pool give the table one process gives (N-1 on the corridor, pairs on mini)."""
    one = tc.criticality(net, elements="both")
    two = tc.criticality(net, elements="both", workers=2)
    pd.testing.assert_frame_equal(one, two)
    pairs1 = tc.criticality(mini_net, elements="links", k=2, top=4)
    pairs3 = tc.criticality(mini_net, elements="links", k=2, top=4, workers=3)
    pd.testing.assert_frame_equal(pairs1, pairs3)
    with pytest.raises(ValueError, match="workers"):
        tc.criticality(mini_net, elements="links", workers=0)


def test_warm_blocks_give_the_values_of_base_starts(net, monkeypatch):
    """Knock-outs started warm from the one before (blocks of 16) lose what knock-outs from the base lose."""
    warm = tc.criticality(net, elements="both")
    monkeypatch.setattr(crit_mod, "RESTORE_EVERY", 1)
    cold = tc.criticality(net, elements="both")
    assert warm.index.tolist() == cold.index.tolist()
    for col in ("lost", "lost_share", "cost_change"):
        assert warm[col].to_numpy() == pytest.approx(cold[col].to_numpy(), rel=1e-7, abs=1e-6)
    monkeypatch.setattr(crit_mod, "RESTORE_EVERY", 5)
    pd.testing.assert_frame_equal(tc.criticality(net, elements="both"), tc.criticality(net, elements="both", workers=3))


def test_dask_executor_gives_the_same_table(mini_net, monkeypatch):
    pytest.importorskip("dask.distributed")
    monkeypatch.setattr(crit_mod, "RESTORE_EVERY", 3)  # mini's list is short: several shares all the same
    one = tc.criticality(mini_net, elements="both")
    d = tc.criticality(mini_net, elements="both", workers=2, executor="dask")
    pd.testing.assert_frame_equal(one, d)


def test_all_commodities_leaves_out_those_without_supply(net):
    """commodity="all" on the corridor: rare earths have markets and links but no supply. It used to end
    in a KeyError; they are left out, and each commodity with supply gets its lost column."""
    table = tc.criticality(net, commodity="all", elements="nodes")
    supplied = [c for c, v in net.baseline["supplies"].items() if v]
    assert "rare_earths" not in supplied and "rare_earths" in net.commodities
    assert {f"lost_{c}" for c in supplied} <= set(table.columns) and "lost_rare_earths" not in table.columns
    assert (table["lost_share"] > 0).any()
    # each entry names its commodity: "china -41.1, china -12.45" said nothing of which was gas (bcm/y)
    for col in ("losing_markets", "gained_links"):
        entries = [e for cell in table[col] if cell for e in cell.split(", ")]
        assert entries, col
        for e in entries:
            m = re.fullmatch(r"(\S+) \((\w+)\) ([+-]\S+)", e)
            assert m and m.group(2) in supplied, (col, e)
    shym = table.loc["shymkent", "losing_markets"]
    assert "china (gas) -41.1" in shym and "shymkent (crude)" in shym


def test_a_commodity_named_without_supply_is_a_clear_error(net):
    with pytest.raises(tc.InputError, match=r"no supply of rare_earths.*fix: choose a commodity with supplies \(crude"):
        tc.criticality(net, commodity="rare_earths")


@pytest.mark.parametrize("bad", [{"k": 4}, {"metric": "volume"}, {"engine": "fast"}, {"elements": "edges"}, {"workers": 0}])
def test_bad_options_are_the_toolkits_errors(mini_net, bad):
    with pytest.raises(tc.InputError):
        tc.criticality(mini_net, **bad)
