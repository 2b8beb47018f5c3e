"""Invariants of tc.simulate on random small networks and outage windows (hypothesis).

For every period and node: what flows in plus what its origin moves equals what flows
out, is delivered there and is added to its tanks (stock balance); tanks stay within
their minimum and capacity and end at the initial level; capacities hold; over the
horizon the available supply is delivered, deferred or stranded; and the penalty form
delivers what the lexicographic two phases deliver.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import transcaspian as tc
from netbuild import build_network
from profiles import examples

TOL = 1e-6


def corridor(caps, supply_a, supply_b):
    """a, b -> m (tanks) -> d (market), with a bypass a -> d and an uncapacitated b -> m."""
    return build_network(
        nodes=[{"id": "a", "kind": "oil_field"}, {"id": "b", "kind": "oil_field"},
               {"id": "m", "kind": "terminal", "capacity": caps[0]}, {"id": "d", "kind": "market"}],
        links=[{"id": "am", "from": "a", "to": "m", "capacity": caps[1], "cost": 1},
               {"id": "bm", "from": "b", "to": "m", "capacity": None, "cost": 2},
               {"id": "md", "from": "m", "to": "d", "capacity": caps[2], "cost": 1},
               {"id": "ad", "from": "a", "to": "d", "capacity": caps[3], "cost": 9}],
        supplies={"crude": {"a": supply_a, "b": supply_b}}, markets={"crude": ["d"]})


TIME = {
    "storage": [{"node": "m", "commodity": "crude", "capacity": 0.5, "initial_share": 0.4, "minimum_share": 0.1,
                 "sources": ["T"], "confidence": "reported"}],
    "production": [{"origin": "a", "ramp_down_per_day": 0.5, "ramp_up_per_day": 0.05, "restart_lag_days": 2,
                    "sources": ["T"], "confidence": "reported"}],
}

windows = st.lists(
    st.tuples(st.sampled_from(["m", "am", "md", "ad", "a", "bm"]),
              st.sampled_from(["off", "derate"]), st.floats(0.0, 1.0),
              st.integers(0, 40), st.integers(1, 30)),
    max_size=3,
)


def _scenario(ws):
    start = dt.date(2025, 1, 1)
    out = []
    for element, kind, f, a, length in ws:
        entry = {"element": element, "from": start + dt.timedelta(days=a), "to": start + dt.timedelta(days=a + length)}
        entry.update({"off": True} if kind == "off" else {"derate": round(f, 3)})
        out.append(entry)
    return tc.Scenario.from_dict({"name": "random", "outages": out})


def _balance(res):
    """Per period and node: in + moved from origin - out - delivered - stock change (should be 0)."""
    f = res.flows
    rows = []
    for p in res.periods["period"]:
        fp = f[f["period"] == p]
        net = {}
        for _, r in fp.iterrows():
            net[r["to_node"]] = net.get(r["to_node"], 0.0) + r["forward"] - r["backward"]
            net[r["from_node"]] = net.get(r["from_node"], 0.0) - r["forward"] + r["backward"]
        pr = res.production[res.production["period"] == p].set_index("origin")
        for o, r in pr.iterrows():
            net[o] = net.get(o, 0.0) + r["available"] - r["deferred"] - r["stranded"]
        for _, r in res.delivered[res.delivered["period"] == p].iterrows():
            net[r["market"]] = net.get(r["market"], 0.0) - r["value"]
        for _, r in res.storage[res.storage["period"] == p].iterrows():
            net[r["node"]] = net.get(r["node"], 0.0) - r["change"]
        rows += [(p, n, v) for n, v in net.items()]
    return pd.DataFrame(rows, columns=["period", "node", "residual"])


@settings(max_examples=examples(20), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    caps=st.tuples(st.floats(1, 30), st.floats(0.5, 30), st.floats(1, 30), st.floats(0, 10)),
    supply_a=st.floats(0.1, 25), supply_b=st.floats(0, 10),
    ws=windows, step=st.sampled_from(["day", "week", "month"]),
)
def test_stock_balance_conservation_and_bounds(caps, supply_a, supply_b, ws, step):
    net = corridor(caps, supply_a, supply_b)
    end = "2025-01-31" if step == "day" else "2025-03-31"
    res = tc.simulate(net, _scenario(ws), start="2025-01-01", end=end, step=step, time_data=TIME)
    bal = _balance(res)
    assert bal["residual"].abs().max() < TOL, bal.loc[bal["residual"].abs().idxmax()]
    s = res.storage
    assert (s["level"] >= s["minimum"] - TOL).all() and (s["level"] <= s["capacity"] + TOL).all()
    assert abs(s["level"].iloc[-1] - 0.5 * 0.4) < TOL  # ends at the initial level
    capped = res.flows.dropna(subset=["capacity"])
    assert (capped["flow"] <= capped["capacity"] + TOL).all()
    thr = res.loadings("m")
    assert (thr["throughput"] <= thr["capacity"] + TOL).all()
    t = res.totals["crude"]
    assert abs(t["available"] - (t["delivered"] + t["deferred"] + t["stranded"])) < TOL
    assert t["available"] <= t["planned"] + TOL
    pr = res.production
    assert (pr["deferred"] >= -TOL).all() and (pr["stranded"] >= -TOL).all()
    assert (pr.loc[pr["origin"] == "b", "deferred"] == 0).all()  # b has no production response: it strands


@settings(max_examples=examples(15), deadline=None)
@given(
    caps=st.tuples(st.floats(1, 30), st.floats(0.5, 30), st.floats(1, 30), st.floats(0, 10)),
    supply_a=st.floats(0.1, 25), supply_b=st.floats(0, 10), ws=windows,
)
def test_penalty_form_delivers_what_the_two_phases_deliver(caps, supply_a, supply_b, ws):
    net = corridor(caps, supply_a, supply_b)
    kw = dict(start="2025-01-01", end="2025-03-31", step="week", time_data=TIME)
    lex = tc.simulate(net, _scenario(ws), method="lexicographic", **kw)
    pen = tc.simulate(net, _scenario(ws), method="penalty", **kw)
    for key in ("delivered", "stranded", "cost_usd"):
        a, b = lex.totals["crude"][key], pen.totals["crude"][key]
        assert np.isclose(a, b, rtol=1e-5, atol=1e-5), (key, a, b)


@settings(max_examples=examples(15), deadline=None)
@given(caps=st.tuples(st.floats(1, 30), st.floats(0.5, 30), st.floats(1, 30), st.floats(0, 10)),
       supply_a=st.floats(0.1, 25), supply_b=st.floats(0, 10))
def test_one_year_period_is_solve(caps, supply_a, supply_b):
    net = corridor(caps, supply_a, supply_b)
    ref = tc.solve(net)
    year = tc.simulate(net, start="2025", end="2025", step="year", time_data={"storage": TIME["storage"]})
    assert np.isclose(year.totals["crude"]["delivered"], ref.total_delivered["crude"], rtol=1e-9, atol=1e-7)
    assert np.isclose(year.totals["crude"]["cost_usd"], ref.total_cost, rtol=1e-7, atol=1e-3)
