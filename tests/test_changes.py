"""The change engine shared by events.yaml and scenarios: each operation, and that both use it alike."""

from __future__ import annotations

import pytest
from geopandas.testing import assert_geodataframe_equal

import transcaspian as tc
from transcaspian.changes import OPS, Change, apply_changes, apply_to_frames
from transcaspian.events import apply_change
from transcaspian.schema import EVENT_CHANGES


@pytest.fixture
def off_net(mini_net):
    """The mini network with hub_gate planned, disabled and derated, and its east end planned."""
    links = mini_net.links.copy(deep=True)
    links.loc["hub_gate", ["status", "disabled", "derate"]] = ["planned", True, 0.5]
    nodes = mini_net.nodes.copy(deep=True)
    nodes.loc["east_gate", "status"] = "planned"
    return mini_net.replace(nodes=nodes, links=links)


def row(net, eid):
    frame = net.nodes if eid in net.nodes.index else net.links
    return frame.loc[eid, "disabled"], frame.loc[eid, "derate"], frame.loc[eid, "status"]


def test_each_operation(off_net):
    def after(op, value=None):
        return row(apply_changes(off_net, [Change(op, ("hub_gate",), value)]), "hub_gate")

    assert after("derate", 0.25) == (True, 0.25, "planned")
    assert after("disable") == (True, 0.5, "planned")
    assert after("restore") == (False, 1.0, "planned")
    assert after("enable") == (False, 1.0, "operating")
    assert after("set_status", "idle") == (True, 0.5, "idle")
    assert after("switch_on") == (False, 0.5, "operating")


def test_enable_keeps_a_disrupted_status(mini_net):
    hurt = apply_changes(mini_net, [Change("set_status", ("terminal",), "disrupted"), Change("derate", ("terminal",), 0.5)])
    assert row(apply_changes(hurt, [Change("enable", ("terminal",))]), "terminal") == (False, 1.0, "disrupted")


def test_changes_apply_in_order_and_leave_the_input_alone(mini_net):
    nodes, links = mini_net.nodes.copy(deep=True), mini_net.links.copy(deep=True)
    out = apply_changes(mini_net, [Change("disable", ("terminal", "hub_terminal")), Change("restore", "terminal")])
    assert out.effective_capacity("terminal") == 30.0 and out.effective_capacity("hub_terminal") == 0.0
    assert_geodataframe_equal(mini_net.nodes, nodes)
    assert_geodataframe_equal(mini_net.links, links)
    new_nodes, new_links = apply_to_frames(mini_net.nodes, mini_net.links, [])
    assert new_nodes is not mini_net.nodes and new_links is not mini_net.links


def test_values_are_typed_and_ops_checked():
    assert Change("derate", ("x",), "0.5").value == 0.5
    assert Change("set_status", ("x",), "idle").value == "idle"
    assert Change("disable", "x").ids == ("x",)
    assert set(EVENT_CHANGES) < set(OPS)
    with pytest.raises(tc.NetworkDataError, match="unknown change 'explode'"):
        Change("explode", ("x",))  # type: ignore[arg-type]
    with pytest.raises(tc.NetworkDataError, match="kind"):
        Change("disable", ("x",), kind="edge")  # type: ignore[arg-type]


def test_unknown_or_misplaced_ids_are_refused(mini_net):
    with pytest.raises(tc.UnknownElementError, match="no node or link with id 'nowhere'"):
        apply_changes(mini_net, [Change("disable", ("nowhere",))])
    with pytest.raises(tc.UnknownElementError, match="no link with id 'terminal'"):
        apply_changes(mini_net, [Change("disable", ("terminal",), kind="link")])
    assert apply_changes(mini_net, [Change("disable", ("terminal",), kind="node")]).nodes.at["terminal", "disabled"]


def test_event_syntax_goes_through_the_engine(mini_net):
    by_event = apply_change(mini_net, {"derate": {"Sea Terminal": 0.5}, "disable": "hub_gate"}, origin="test")
    by_engine = apply_changes(mini_net, [Change("derate", ("terminal",), 0.5), Change("disable", ("hub_gate",))])
    assert_geodataframe_equal(by_event.nodes, by_engine.nodes)
    assert_geodataframe_equal(by_event.links, by_engine.links)
    expected = "test: unknown change 'bogus'; use derate, disable, enable, restore, set_status or moorings_out"
    with pytest.raises(tc.NetworkDataError, match=expected):
        apply_change(mini_net, {"bogus": ["terminal"]}, origin="test")


def test_scenario_and_events_agree(mini_net):
    """A scenario's disable and derate do to the frames what the same events do."""
    sc = tc.Scenario(name="same", disable=("hub_gate",), derate={"terminal": 0.5})
    by_scenario = sc.apply(mini_net)
    by_event = apply_change(mini_net, {"disable": ["hub_gate"], "derate": {"terminal": 0.5}}, origin="test")
    assert_geodataframe_equal(by_scenario.nodes, by_event.nodes)
    assert_geodataframe_equal(by_scenario.links, by_event.links)


def test_add_links_switches_on_planned_link_and_ends(off_net):
    out = tc.Scenario(name="on", add_links=("hub_gate",)).apply(off_net)
    assert row(out, "hub_gate") == (False, 0.5, "operating")  # derate kept, unlike enable
    assert row(out, "east_gate")[::2] == (False, "operating")
    assert out.nodes.at["hub", "status"] == "operating"
