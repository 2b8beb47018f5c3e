"""The alias index: built from columns, equal to the row-by-row definition, shared by knock-outs."""

from __future__ import annotations

import unicodedata

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import transcaspian as tc
from transcaspian import aliases, network
from transcaspian.aliases import build_alias_index, normalize_key


# ------------------------------------------------------------------ reference: the definition, row by row
def ref_normalize(text) -> str:
    decomposed = unicodedata.normalize("NFKD", str(text))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    key = "".join(ch if ch.isalnum() else "_" for ch in stripped.casefold().strip())
    while "__" in key:
        key = key.replace("__", "_")
    return key.strip("_")


def ref_index(nodes: pd.DataFrame, links: pd.DataFrame) -> dict[str, tuple[str, str]]:
    index: dict[str, tuple[str, str]] = {}
    for kind, frame in (("link", links), ("node", nodes)):
        for eid, row in frame.iterrows():
            for k in [eid, row.get("name") or "", *(row.get("aliases") or [])]:
                nk = ref_normalize(k)
                if nk:
                    index[nk] = (kind, eid)
    for kind, frame in (("link", links), ("node", nodes)):
        for eid in frame.index:
            index[ref_normalize(eid)] = (kind, eid)
    return index


TEXT = st.one_of(st.text(alphabet=st.sampled_from(list("aAbB _-–.'éïØßİı1२Ⅻнд") + ["ﬁ", "\u0301", "\t", "\u00a0"]), max_size=12),
                 st.text(max_size=8), st.just("Новороссийск"))


@given(TEXT)
@settings(max_examples=300, deadline=None)
def test_normalize_key_matches_the_definition(text):
    assert normalize_key(text) == ref_normalize(text)


@st.composite
def frames(draw):
    pool = st.sampled_from(["a", "b", "A", "Sea Terminal", "sea-terminal", "é", "x1", "hub", "Hub", "-", ""])
    def frame(prefix):
        ids = draw(st.lists(st.one_of(pool, st.text(alphabet="abé_ ", max_size=3)).map(lambda s, p=prefix: p + s),
                            min_size=0, max_size=5, unique=True))
        names = [draw(st.one_of(st.none(), pool, TEXT)) for _ in ids]
        alias_lists = [draw(st.lists(st.one_of(pool, TEXT), max_size=3)) for _ in ids]
        return pd.DataFrame({"name": names, "aliases": alias_lists}, index=pd.Index(ids, dtype=object))
    return frame(draw(st.sampled_from(["", "n"]))), frame(draw(st.sampled_from(["", "l"])))


@given(frames())
@settings(max_examples=200, deadline=None)
def test_the_index_matches_the_row_by_row_definition(pair):
    nodes, links = pair
    assert build_alias_index(nodes, links) == ref_index(nodes, links)


def test_the_index_of_the_bundled_network_matches_the_definition():
    net = tc.load_network()
    assert build_alias_index(net.nodes, net.links) == ref_index(net.nodes, net.links)


def test_frames_without_name_or_aliases_columns():
    nodes = pd.DataFrame({"x": [1]}, index=["Hub"])
    links = pd.DataFrame({"name": ["Hub Link"]}, index=["hl"])
    assert build_alias_index(nodes, links) == ref_index(nodes, links) == {"hub": ("node", "Hub"), "hub_link": ("link", "hl"),
                                                                         "hl": ("link", "hl")}


# ------------------------------------------------------------------ sharing
@pytest.fixture
def counted(monkeypatch):
    calls = []

    def spy(nodes, links):
        calls.append(len(links))
        return aliases.build_alias_index(nodes, links)

    monkeypatch.setattr(network, "build_alias_index", spy)
    return calls


def test_knock_outs_share_the_index_of_their_network(counted):
    net = tc.load_network("tests/fixtures/mini")
    outs = [tc.Scenario(name=f"ko {lid}", disable=(lid,)).apply(net) for lid in net.links.index]
    outs += [tc.Scenario(name="half", derate={"Sea Terminal": 0.5}).apply(outs[0])]
    assert counted == [len(net.links)]  # one index, built by the first lookup by name
    assert all(o._names is net._names for o in outs)
    assert all(o.resolve("Sea Terminal") == "terminal" for o in outs)
    dated = tc.load_network("tests/fixtures/mini", as_of="2026-01-01")
    assert dated.resolve("Sea Terminal") == "terminal" and len(counted) == 2


def test_a_network_with_other_names_gets_its_own_index(counted):
    net = tc.load_network("tests/fixtures/mini")
    assert net.resolve("Sea Terminal") == "terminal"
    renamed = net.replace(nodes=net.nodes.assign(name=net.nodes["name"].where(net.nodes.index != "terminal", "Quay")))
    assert renamed._names is not net._names
    assert renamed.resolve("Quay") == "terminal"
    with pytest.raises(tc.UnknownElementError):
        renamed.resolve("Sea Terminal")
    assert net.copy()._names is not net._names
    assert net.replace(applied=("x",))._names is net._names  # frames kept: index kept


def test_a_scenario_adding_links_indexes_them(tmp_path):
    net = tc.load_network()
    planned = net.links.index[net.links["status"] == "planned"]
    if not len(planned):
        pytest.skip("no planned link in the bundled data")
    assert net.resolve("Sea Terminal" if "terminal" in net.nodes.index else net.nodes.index[0])
    sc = tc.Scenario.from_dict({"name": "new", "add_links": [{"id": "brand_new_link", "name": "Brand New Link",
                                                               "from": net.nodes.index[0], "to": net.nodes.index[1],
                                                               "mode": "pipeline", "commodities": ["crude"],
                                                               "capacity": 1, "unit": "Mt/y", "cost": 1,
                                                               "time_days": 1, "length_km": 1}]})
    try:
        out = sc.apply(net)
    except tc.ScenarioError as exc:
        pytest.skip(f"add_links needs other fields here: {exc}")
    assert out._names is not net._names
    assert out.resolve("brand new link") == "brand_new_link"
