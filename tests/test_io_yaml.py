"""The C YAML loader gives what the pure-Python strict loader gives: data, errors and limits."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from transcaspian import io

ROOT = Path(__file__).resolve().parents[1]
FILES = sorted([*ROOT.glob("geodata/*.yaml"), *ROOT.glob("examples/scenarios/*.yaml"), *ROOT.glob("tests/fixtures/**/*.yaml")])

needs_c = pytest.mark.skipif(io.StrictSafeLoader is io.PureStrictSafeLoader, reason="PyYAML without libyaml")


def _pure(text: str):
    return io.PureStrictSafeLoader(text).get_single_data()


@pytest.fixture
def no_fallback(monkeypatch):
    """Fail if the C loader hands the text to the pure loader."""
    def refuse(self):
        raise AssertionError("the C loader fell back to the pure loader")

    monkeypatch.setattr(io.StrictSafeLoader, "_pure", refuse)


@needs_c
def test_every_bundled_yaml_file_loads_the_same_with_both_loaders(no_fallback):
    assert len(FILES) > 20
    for path in FILES:
        text = path.read_text(encoding="utf-8")
        fast = yaml.load(text, Loader=io.StrictSafeLoader)
        assert fast == _pure(text) and repr(fast) == repr(_pure(text)), path


@needs_c
def test_the_bundled_data_is_parsed_by_libyaml_without_fallback(no_fallback):
    """loads_yaml parses with libyaml's C parser and never hands the bundled files to the pure one.

    How much faster that is, is measured in benchmarks/startup.py (speed goes in benchmarks,
    not in timed tests: a timed assertion here failed once on a loaded CI machine).
    """
    assert issubclass(io.StrictSafeLoader, yaml.CSafeLoader)
    for path in FILES:
        text = path.read_text(encoding="utf-8")
        assert io.loads_yaml(text) == _pure(text), path


@needs_c
@pytest.mark.parametrize("text", [
    "base: &b {value: 1, unit: x}\nother:\n  <<: *b\n  value: 2\nlist: [*b, *b]\n",
    "date: 2025-02-30\nreal: 2025-02-28\n",
    "a: &a [1, 2]\nb: [*a, *a, {c: *a}]\n",
    "- !!str 12\n- 0x1f\n- 1e3\n- .inf\n- ~\n- yes\n",
    "",
    "just text",
])
def test_anchors_merges_dates_and_scalars_match_without_fallback(text, no_fallback):
    assert yaml.load(text, Loader=io.StrictSafeLoader) == _pure(text)


@needs_c
@pytest.mark.parametrize("text", [
    "a: 1\nb: 2\na: 3\n",  # duplicate key
    "a: [1, 2\nb: 3\n",  # syntax error
    "a: b: c\n",
    "x: !!python/object:os.system ls\n",  # not safe
    "a: {[1]: 2}\n",  # unhashable key
    "a: 1\n---\nb: 2\n",  # two documents
])
def test_errors_are_the_pure_loaders_errors(text):
    with pytest.raises(yaml.YAMLError) as pure:
        _pure(text)
    with pytest.raises(yaml.YAMLError) as fast:
        yaml.load(text, Loader=io.StrictSafeLoader)
    assert type(fast.value) is type(pure.value) and str(fast.value) == str(pure.value)


def _bomb(levels: int) -> str:
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for i in range(1, levels):
        name, prev = "abcdefghij"[i], "abcdefghij"[i - 1]
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines) + "\n"


@needs_c
def test_an_alias_bomb_is_refused_like_the_pure_loader_and_quickly():
    text = _bomb(9)
    with pytest.raises(io.StrictYAMLError) as pure:
        _pure(text)
    t0 = time.perf_counter()
    with pytest.raises(io.StrictYAMLError) as fast:
        yaml.load(text, Loader=io.StrictSafeLoader)
    assert time.perf_counter() - t0 < 1.0
    assert str(fast.value) == str(pure.value) and "alias" in str(fast.value)


@needs_c
@pytest.mark.parametrize("text", [_bomb(3), _bomb(5), "a: &a [1, 2]\nb: [*a, *a, {c: *a}]\n", "a: [1, [2, [3, {b: 4}]]]\n"])
def test_the_expanded_size_is_counted_as_the_pure_loader_counts_it(text):
    pure = io.PureStrictSafeLoader(text)
    node = pure.get_single_node()
    fast = io.StrictSafeLoader(text)
    size, aliases, _ = io._expanded_size(fast.get_single_node())
    assert size == pure._sizes[id(node)]
    assert aliases == ("*" in text)


@needs_c
def test_the_node_limit_counts_through_aliases_in_the_c_loader(monkeypatch):
    monkeypatch.setattr(io, "MAX_YAML_NODES", 1000)
    items = ",".join(["1"] * 500)
    with pytest.raises(io.StrictYAMLError, match="more than 1,000 nodes"):
        yaml.load(f"a: &a [{items}]\nb: [*a]\n", Loader=io.StrictSafeLoader)
    assert len(yaml.load(f"a: [{items}]\nb: [[{items}]]\n", Loader=io.StrictSafeLoader)["b"][0]) == 500


@needs_c
def test_deep_nesting_is_left_to_the_pure_loader(monkeypatch):
    calls = []
    real = io.StrictSafeLoader._pure

    def spy(self):
        calls.append(1)
        return real(self)

    monkeypatch.setattr(io.StrictSafeLoader, "_pure", spy)
    shallow = "a: " + "[" * 50 + "]" * 50
    assert yaml.load(shallow, Loader=io.StrictSafeLoader) == _pure(shallow) and not calls
    deep = "a: " + "[" * 150 + "]" * 150
    assert yaml.load(deep, Loader=io.StrictSafeLoader) == _pure(deep) and calls


@needs_c
def test_a_recursive_alias_is_left_to_the_pure_loader():
    with pytest.raises(io._Fallback):
        io._expanded_size(io.StrictSafeLoader("a: &a [1, *a]\n").get_single_node())
    data = yaml.load("a: &a [1, *a]\n", Loader=io.StrictSafeLoader)
    assert data["a"][0] == 1 and data["a"][1] is data["a"]


@pytest.mark.parametrize("text", [
    '{"a":&x 1, b: *x}\n', "[&x 1, *x]\n", "- &x 1\n- *x\n", "--- &x\na: 1\n", "a: !!str &x a\nb: *x\n",
    "a:\n\t&x [1]\n", "? &k a\n: 1\nb: *k\n", "&x a", "a: [1,&x 2, *x]\n",
])
def test_every_anchor_is_seen_before_the_size_walk_is_skipped(text):
    pure = io.PureStrictSafeLoader(text)
    try:
        pure.get_single_data()
    except yaml.YAMLError:
        return  # not a document either loader accepts
    assert io._may_anchor(text)  # every one of these has an anchor


@given(st.recursive(st.integers() | st.text(alphabet="a&b :,[{", max_size=5),
                    lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.text(alphabet="ab&", max_size=3), kids, max_size=3),
                    max_leaves=8), st.booleans())
@settings(max_examples=100, deadline=None)
def test_dumped_documents_with_shared_parts_are_seen_to_anchor(data, flow):
    shared = [data, data]  # the dumper writes an anchor and an alias for a repeated collection
    text = yaml.dump({"x": shared, "y": data}, default_flow_style=flow)
    loader = io.PureStrictSafeLoader(text)
    assert yaml.load(text, Loader=io.StrictSafeLoader) == loader.get_single_data()
    if loader._aliases:
        assert io._may_anchor(text)
