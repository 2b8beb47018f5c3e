"""Loading, lookup by id or alias, graph conversion, events."""

from __future__ import annotations

import datetime as dt

import networkx as nx
import pytest

import transcaspian as tc
from transcaspian.aliases import normalize_key


def test_frames_indexed_by_id(mini_net):
    assert mini_net.nodes.index.name == "id" and mini_net.links.index.name == "id"
    assert mini_net.nodes.crs.to_epsg() == 4326 and mini_net.links.crs.to_epsg() == 4326
    assert set(mini_net.links.geometry.geom_type) == {"LineString"}
    assert set(mini_net.nodes.geometry.geom_type) == {"Point"}


@pytest.mark.parametrize("key,expected", [("field_b", "field_b"), ("Champ B", "field_b"), ("champ b", "field_b"), ("ХАБ", "hub"), ("Terminal maritime", "terminal"), ("Sea Terminal", "terminal")])
def test_lookup_by_alias(mini_net, key, expected):
    assert mini_net.node(key).name == expected


def test_unknown_name_lists_close_matches(mini_net):
    with pytest.raises(tc.UnknownElementError) as err:
        mini_net.node("termnal")
    assert "terminal" in str(err.value)
    assert isinstance(err.value, KeyError)


def test_link_lookup(mini_net):
    assert mini_net.link("hub_terminal")["mode"] == "pipeline"
    with pytest.raises(tc.UnknownElementError):
        mini_net.link("hub")  # a node, not a link


def test_graph_keeps_every_attribute(mini_net):
    G = mini_net.graph()
    assert isinstance(G, nx.MultiDiGraph)
    assert G.graph["crs"] == "EPSG:4326"
    data = G.edges["hub", "terminal", "hub_terminal"]
    for col in mini_net.links.columns:
        assert col in data
    # bidirectional links appear both ways
    assert G.has_edge("hub", "port_w", "hub_port") and G.has_edge("port_w", "hub", "hub_port")
    assert G.edges["port_w", "hub", "hub_port"]["reverse"] is True
    assert G.number_of_edges() == len(mini_net.links) + int(mini_net.links["bidirectional"].sum())
    assert G.nodes["terminal"]["x"] == pytest.approx(37.6)


def test_events_apply_up_to_date(mini_path):
    before = tc.load_network(mini_path, as_of="2025-11-28")
    after = tc.load_network(mini_path, as_of=dt.date(2025, 11, 29))
    assert before.effective_capacity("terminal") == 30.0
    assert after.effective_capacity("terminal") == 15.0
    assert after.applied == ("terminal_strike",) and before.applied == ()


def test_effective_capacity_disabled_and_uncapacitated(mini_net):
    assert mini_net.effective_capacity("hub") == float("inf")
    from transcaspian.events import apply_change

    off = apply_change(mini_net, {"disable": ["terminal"]}, origin="test")
    assert off.effective_capacity("terminal") == 0.0
    assert mini_net.effective_capacity("terminal") == 30.0  # input untouched


def test_normalize_key_folds_accents_and_case():
    assert normalize_key("Novorossiïsk") == "novorossiisk"
    assert normalize_key("  Baku–Tbilisi–Ceyhan ") == "baku_tbilisi_ceyhan"


def test_summary_by_mode_and_commodity(mini_net):
    s = mini_net.summary()
    assert s.loc[("pipeline", "crude"), "links"] == 6


def test_loader_defaults_come_from_the_field_specs():
    import math

    from transcaspian import loader, schema

    assert loader.NODE_DEFAULTS == schema.field_defaults(schema.NODE_FIELDS)
    assert loader.LINK_DEFAULTS == schema.field_defaults(schema.LINK_FIELDS)
    assert "id" not in loader.NODE_DEFAULTS and "aliases" not in loader.LINK_DEFAULTS
    assert loader.NODE_DEFAULTS["status"] == "operating" and loader.NODE_DEFAULTS["location"] == "onshore"
    assert loader.LINK_DEFAULTS["cost"] is dict and loader.LINK_DEFAULTS["bidirectional"] is False
    assert math.isnan(loader.LINK_DEFAULTS["capacity"])
    assert schema.NUMERIC_FIELDS == {"capacity", "time_days", "length_km", "length_published_km", "coord_tolerance_km", "emission_factor"}


def test_every_spec_column_exists(mini_net):
    from transcaspian import schema

    assert set(schema.field_defaults(schema.NODE_FIELDS)) <= set(mini_net.nodes.columns)
    assert set(schema.field_defaults(schema.LINK_FIELDS)) <= set(mini_net.links.columns)


def test_public_names_keep_working():
    from transcaspian import io, loader, network

    assert tc.load_network is loader.load_network and tc.default_data_path is io.default_data_path
    assert tc.CorridorNetwork is network.CorridorNetwork
    assert callable(tc.compare) and callable(tc.criticality) and callable(tc.solve)
