"""Fuzzing: the loaders, the scenario parser and the command line let only the toolkit's own
errors out (:class:`transcaspian.errors.TranscaspianError`), whatever they are fed.

Counts follow the hypothesis profile (tests/profiles.py): a few dozen per property in the
``ci`` profile, 20 times as many with ``--hypothesis-profile=long``.
"""

from __future__ import annotations

import copy
import json
import shutil
import tempfile
from pathlib import Path

import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

import transcaspian as tc
from profiles import examples
from transcaspian.cli import build_parser, check_arguments, main
from transcaspian.errors import TranscaspianError
from transcaspian.io import loads_yaml
from transcaspian.scenario import FIELDS

MINI = Path(__file__).parent / "fixtures" / "mini"
NODES = json.loads((MINI / "nodes.geojson").read_text(encoding="utf-8"))
LINKS = json.loads((MINI / "links.geojson").read_text(encoding="utf-8"))
YAMLS = {name: loads_yaml((MINI / name).read_text(encoding="utf-8")) for name in ("baseline.yaml", "events.yaml", "sources.yaml")}
YAMLS["parameters.yaml"] = loads_yaml((tc.default_data_path() / "parameters.yaml").read_text(encoding="utf-8"))
IDS = [f["id"] for f in NODES["features"]] + [f["id"] for f in LINKS["features"]]

#: Any JSON/YAML value: the odd numbers (NaN, inf, huge, negative), ids of the network, nested lists and mappings.
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10**12, 10**12), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12), st.sampled_from(IDS), st.sampled_from(["crude", "Mt/y", "bcm/y", "2025-02-30", "<b>x</b>", ""]),
)
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(st.text(max_size=8), inner, max_size=4)), max_leaves=12)


def _paths(doc, prefix=()):
    """Every (container, key) pair of a parsed document, to replace one value."""
    if isinstance(doc, dict):
        for k, v in doc.items():
            yield doc, k
            yield from _paths(v)
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            yield doc, i
            yield from _paths(v)


def _mutate(doc, data):
    doc = copy.deepcopy(doc)
    spots = list(_paths(doc))
    for _ in range(data.draw(st.integers(1, 3))):
        parent, key = data.draw(st.sampled_from(spots))
        if isinstance(parent, dict) and data.draw(st.booleans()) and data.draw(st.booleans()):
            parent.pop(key, None)
        else:
            try:
                parent[key] = data.draw(values)
            except (IndexError, KeyError):
                pass
        spots = list(_paths(doc)) or [(doc, 0)]
    return doc


def _load_only_toolkit_errors(folder: Path) -> None:
    try:
        tc.load_network(folder)
    except TranscaspianError:
        pass
    report = tc.validate_network(folder)  # never raises: every problem is in the report
    assert isinstance(report.ok, bool)


def _folder(tmp: str) -> Path:
    folder = Path(tmp) / "data"
    shutil.copytree(MINI, folder)
    return folder


@settings(max_examples=examples(60))
@given(st.data(), st.sampled_from(["nodes.geojson", "links.geojson"]))
def test_geojson_mutations_give_only_toolkit_errors(data, name):
    doc = _mutate(NODES if name == "nodes.geojson" else LINKS, data)
    with tempfile.TemporaryDirectory() as tmp:
        folder = _folder(tmp)
        (folder / name).write_text(json.dumps(doc, allow_nan=True), encoding="utf-8")
        _load_only_toolkit_errors(folder)


@settings(max_examples=examples(60))
@given(st.data(), st.sampled_from(sorted(YAMLS)))
def test_yaml_mutations_give_only_toolkit_errors(data, name):
    doc = _mutate(YAMLS[name], data)
    with tempfile.TemporaryDirectory() as tmp:
        folder = _folder(tmp)
        if name == "parameters.yaml":  # the bundled parameters cite the bundled sources
            shutil.copyfile(tc.default_data_path() / "sources.yaml", folder / "sources.yaml")
        (folder / name).write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
        _load_only_toolkit_errors(folder)


@settings(max_examples=examples(40))
@given(st.sampled_from(["nodes.geojson", "links.geojson", "baseline.yaml", "events.yaml", "parameters.yaml"]),
       st.binary(max_size=300), st.integers(0, 2000))
def test_raw_bytes_give_only_toolkit_errors(name, junk, at):
    """Bytes spliced into a file (or a whole file of junk): a syntax, encoding or data error, nothing else."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = _folder(tmp)
        p = folder / name
        old = p.read_bytes() if p.exists() else b""
        p.write_bytes(old[:at] + junk + old[at + len(junk) // 2:])
        _load_only_toolkit_errors(folder)


@settings(max_examples=examples(80))
@example({"commodity": False})  # found by the long profile: TypeError, 'bool' object is not iterable
@given(st.dictionaries(st.one_of(st.sampled_from(FIELDS), st.text(max_size=6)), values, max_size=5))
def test_scenario_from_dict_and_apply_give_only_toolkit_errors(fields):
    net = _mini()
    try:
        sc = tc.Scenario.from_dict(fields)
        sc.apply(net)
        sc.to_yaml()
    except TranscaspianError:
        pass


@settings(max_examples=examples(40))
@given(st.text(max_size=200))
def test_scenario_files_give_only_toolkit_errors(text):
    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "s.yaml"
        p.write_text(text, encoding="utf-8")
        try:
            tc.Scenario.from_yaml(p).apply(_mini())
        except TranscaspianError:
            pass


_TOKENS = st.one_of(
    st.sampled_from(["validate", "summary", "solve", "routes", "compare", "criticality", "map", "simulate", "demo",
                     "--data", "--as-of", "--commodity", "--objective", "--k", "--weight", "--top", "--format",
                     "--elements", "--out", "--map", "--chart", "--start", "--end", "--step", "--force", "-v",
                     "field_a", "europe", "crude", "all", "2025-13", "2025-02-30", "0", "-1", "x.bmp", str(MINI)]),
    st.text(max_size=8),
)


@settings(max_examples=examples(150))
@given(st.lists(_TOKENS, max_size=7))
def test_argument_parser_and_checks_give_only_usage_or_toolkit_errors(argv):
    """Parsing any argv ends in a namespace or argparse's usage exit (one line, code 2);
    the checks before work raise only toolkit errors."""
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:
        assert exc.code in (0, 2)
        return
    try:
        check_arguments(args)
    except TranscaspianError:
        pass


_SAFE = st.sampled_from(["validate", "summary", "solve", "routes", "criticality"])
_OPTS = st.lists(st.sampled_from(["--as-of", "2025-12", "2025-13", "--commodity", "crude", "gas", "gold", "--objective",
                                  "time", "--k", "2", "0", "--weight", "distance", "--top", "1", "--format", "json",
                                  "csv", "--elements", "links", "field_a", "europe", "nowhere", "--list", ""]), max_size=6)


@settings(max_examples=examples(30))
@given(_SAFE, _OPTS)
def test_commands_never_raise(command, options):
    """The command line on the mini network with random options: an exit code, never an exception."""
    folder = ["--data", str(MINI)] if command not in ("validate", "summary") else [str(MINI)]
    code = main([command, *folder, *options])
    assert code in (0, 1, 2)


_MINI_NET = []


def _mini():
    if not _MINI_NET:
        _MINI_NET.append(tc.load_network(MINI))
    return _MINI_NET[0]
