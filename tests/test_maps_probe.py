"""Probes of the maps for silently wrong texts (labels, units, messages)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest

import transcaspian as tc
from netbuild import build_network
from transcaspian.maps.labels import placements
from transcaspian.units import CANONICAL_UNITS


@pytest.fixture(scope="module")
def two_commodities():
    """Crude and gas from ``a`` to ``b``, each on its own direct link with a detour via
    ``c``; the scenario cuts both direct links, so both commodities move."""
    nodes = [{"id": "a", "xy": (50.0, 44.0)}, {"id": "b", "xy": (58.0, 44.0)}, {"id": "c", "xy": (54.0, 47.0)}]
    links = [
        {"id": "ab_crude", "from": "a", "to": "b", "commodities": ["crude"], "capacity": 100, "cost": 1},
        {"id": "ab_gas", "from": "a", "to": "b", "commodities": ["gas"], "capacity": 100, "cost": 1},
        {"id": "ac", "from": "a", "to": "c", "commodities": ["crude", "gas"], "capacity": None, "cost": 3},
        {"id": "cb", "from": "c", "to": "b", "commodities": ["crude", "gas"], "capacity": None, "cost": 3},
    ]
    net = build_network(nodes, links, supplies={"crude": {"a": 30}, "gas": {"a": 20}}, markets={"crude": ["b"], "gas": ["b"]})
    base = tc.solve(net, commodity=["crude", "gas"])
    cut = tc.solve(net, tc.Scenario.from_dict({"name": "cut", "disable": ["ab_crude", "ab_gas"]}), commodity=["crude", "gas"])
    return net, base, cut


@pytest.mark.parametrize("layout", ["panels", "change"])
def test_change_labels_name_their_unit_when_units_mix(two_commodities, layout):
    """A "-30.0" beside a link on a map of crude (Mt/y) and gas (bcm/y) does not say which;
    every change label carries the unit of its own commodity's change."""
    _, base, cut = two_commodities
    fig = tc.plot_comparison(base, cut, layout=layout)
    try:
        changes = [p for p in placements(fig) if p.kind == "change"]
        by_link = {p.key.split(":", 1)[1]: p.text for p in changes}
        # the flows the result tables report, independently of the map's frames
        before = base.flows.reset_index()
        after = cut.flows.reset_index()
        expected = {}
        for frame, sign in ((before, -1.0), (after, 1.0)):
            for r in frame.itertuples(index=False):
                key = (str(r.link), str(r.commodity))
                expected[key] = expected.get(key, 0.0) + sign * abs(float(r.flow))
        seen = set()
        for p in changes:
            assert p.text.endswith((" Mt/y", " bcm/y")), f"change label {p.text!r} has no unit"
        for (lid, com), delta in expected.items():
            if abs(delta) < 1e-6 or lid not in {k for k in by_link}:
                continue
            unit = CANONICAL_UNITS[com]
            texts = [p.text for p in changes if p.key.split(":", 1)[1] == lid and p.text.endswith(" " + unit)]
            want = f"{'+' if delta > 0 else chr(0x2212)}{abs(delta):.1f} {unit}"
            assert want in texts, f"{lid} {com}: expected {want!r} among {texts}"
            seen.add((lid, com))
        assert {("ab_crude", "crude"), ("ab_gas", "gas")} <= seen
    finally:
        plt.close(fig)
