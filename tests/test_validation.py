"""Validation: every kind of broken input is reported with file, element, field and fix."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import yaml

import transcaspian as tc
from transcaspian.cli import main

BROKEN = Path(__file__).parent / "fixtures" / "broken"
CASES = sorted(p.name for p in BROKEN.iterdir() if p.is_dir() and p.name != "many_errors")


def _expected(case: str) -> dict:
    return yaml.safe_load((BROKEN / case / "expected.yaml").read_text(encoding="utf-8"))


def test_every_fixture_case_is_present():
    assert len(CASES) >= 12


def test_mini_fixture_is_valid(mini_path):
    report = tc.validate_network(mini_path)
    assert report.ok, str(report)
    assert report.counts == {"nodes": 8, "links": 9, "sources": 1}


@pytest.mark.parametrize("case", CASES)
def test_broken_case_is_reported_precisely(case):
    exp = _expected(case)
    report = tc.validate_network(BROKEN / case)
    assert not report.ok
    hits = [p for p in report.errors if p.file.endswith(exp["file"]) and p.element == exp["element"] and p.field == exp["field"]]
    assert hits, f"expected a problem at {exp}, got:\n{report}"
    text = str(hits[0])
    assert exp["file"] in text and exp["element"] in text and exp["field"] in text
    assert hits[0].fix, "every problem says how to fix it"
    assert str(BROKEN / case) in hits[0].file, "the file is named with its folder"


@pytest.mark.parametrize("case", CASES)
def test_broken_case_raises_on_load(case):
    with pytest.raises(tc.NetworkDataError) as err:
        tc.load_network(BROKEN / case)
    assert _expected(case)["file"] in str(err.value)


def test_all_problems_reported_at_once():
    exp = _expected("many_errors")["all"]
    report = tc.validate_network(BROKEN / "many_errors")
    got = {(Path(p.file).name, p.element, p.field) for p in report.errors}
    for e in exp:
        assert (e["file"], e["element"], e["field"]) in got, report
    with pytest.raises(tc.ValidationError) as err:
        tc.load_network(BROKEN / "many_errors")
    assert len(err.value.problems) >= len(exp)


@pytest.mark.parametrize("case", ["unknown_endpoint", "invalid_json"])
def test_cli_exit_codes(case, capsys, mini_path):
    assert main(["validate", str(BROKEN / case)]) == 1
    out = capsys.readouterr().out
    assert _expected(case)["file"] in out
    assert main(["validate", str(mini_path)]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and "OK" in out[0]


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def test_validation_and_loading_never_modify_inputs(tmp_path, mini_path):
    before = _digest(mini_path)
    tc.validate_network(mini_path)
    net = tc.load_network(mini_path, as_of="2026-01-01")
    net.graph()
    assert _digest(mini_path) == before


def test_missing_file_is_named(tmp_path):
    report = tc.validate_network(tmp_path)
    assert not report.ok
    assert any("nodes.geojson" in p.file for p in report.errors)


# ------------------------------------------------------------------ field specs drive validation
def _mini_raw(mini_path):
    import copy

    from transcaspian.io import raw_files

    return copy.deepcopy(raw_files(mini_path))


_WRONG_TYPE = {"str": 7, "number": "12 Mt", "bool": "yes", "list[str]": "not a list", "mapping": [1, 2]}


def _spec_cases(kind):
    from transcaspian.schema import LINK_FIELDS, NODE_FIELDS

    specs = NODE_FIELDS if kind == "nodes" else LINK_FIELDS
    return [(kind, name) for name in specs if name != "id"]


@pytest.mark.parametrize("kind,field", _spec_cases("nodes") + _spec_cases("links"))
def test_every_field_spec_type_is_checked(kind, field, mini_path):
    raw = _mini_raw(mini_path)
    from transcaspian.schema import LINK_FIELDS, NODE_FIELDS
    from transcaspian.validation import validate_raw

    spec = (NODE_FIELDS if kind == "nodes" else LINK_FIELDS)[field]
    feat = raw[kind]["features"][0]
    feat["properties"][field] = _WRONG_TYPE[spec.type]
    report = validate_raw(raw, mini_path)
    eid = feat["properties"].get("id", feat.get("id"))
    hits = [p for p in report.errors if p.file.endswith(f"{kind}.geojson") and p.element == eid and p.field == field]
    assert hits, f"{kind}.{field} = {_WRONG_TYPE[spec.type]!r} not reported:\n{report}"


def _enumerated(kind):
    from transcaspian.schema import LINK_FIELDS, NODE_FIELDS

    specs = NODE_FIELDS if kind == "nodes" else LINK_FIELDS
    return [(kind, name) for name, spec in specs.items() if spec.allowed is not None]


@pytest.mark.parametrize("kind,field", _enumerated("nodes") + _enumerated("links"))
def test_every_enumerated_field_rejects_unknown_values(kind, field, mini_path):
    from transcaspian.schema import LINK_FIELDS, NODE_FIELDS
    from transcaspian.validation import validate_raw

    spec = (NODE_FIELDS if kind == "nodes" else LINK_FIELDS)[field]
    raw = _mini_raw(mini_path)
    feat = raw[kind]["features"][0]
    feat["properties"][field] = ["bogus"] if spec.type == "list[str]" else "bogus"
    report = validate_raw(raw, mini_path)
    eid = feat["properties"].get("id", feat.get("id"))
    hits = [p for p in report.errors if p.element == eid and p.field == field]
    assert hits and "bogus" in hits[0].message, f"{kind}.{field} = 'bogus' not reported:\n{report}"


@pytest.mark.parametrize("kind,field", _spec_cases("nodes") + _spec_cases("links"))
def test_required_fields_are_required(kind, field, mini_path):
    from transcaspian.schema import LINK_FIELDS, NODE_FIELDS
    from transcaspian.validation import validate_raw

    spec = (NODE_FIELDS if kind == "nodes" else LINK_FIELDS)[field]
    raw = _mini_raw(mini_path)
    feat = raw[kind]["features"][0]
    feat["properties"].pop(field, None)
    report = validate_raw(raw, mini_path)
    eid = feat["properties"].get("id", feat.get("id"))
    hit = [p for p in report.errors if p.element == eid and p.field == field]
    if spec.required:
        assert hit, f"missing required {kind}.{field} not reported:\n{report}"
    elif field not in ("capacity", "unit") and not field.endswith(("_sources", "_confidence", "_note")):
        # (a capacity needs a unit, a figure its provenance: rules beyond the specs)
        assert not hit, f"optional {kind}.{field} reported when absent: {hit}"


def test_data_dictionary_tables_match_the_field_specs():
    import importlib.util

    tool = Path(__file__).resolve().parents[1] / "tools" / "data_dictionary.py"
    spec = importlib.util.spec_from_file_location("data_dictionary", tool)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    current = module.DOC.read_text(encoding="utf-8")
    assert module.update(current) == current, "docs/data_dictionary.md is out of step with transcaspian.schema: run tools/data_dictionary.py"
    for name in ("coord_tolerance_km", "capacity_commodities", "length_published_km", "bidirectional"):
        assert f"| `{name}` |" in current


@pytest.mark.parametrize("name", ["links.geojson", "nodes.geojson"])
def test_an_empty_features_list_is_a_warning_or_a_clear_error(tmp_path, mini_path, name):
    """Found by the long fuzz profile: an empty links file crashed the loader with a pandas KeyError."""
    import json
    import shutil

    folder = tmp_path / "data"
    shutil.copytree(mini_path, folder)
    doc = json.loads((folder / name).read_text(encoding="utf-8"))
    doc["features"] = []
    (folder / name).write_text(json.dumps(doc), encoding="utf-8")
    report = tc.validate_network(folder)
    assert any(p.field == "features" and "holds no" in p.message and p.file.endswith(name) for p in report.warnings)
    if name == "nodes.geojson":  # the links then point at nodes that are not there: errors, raised as such
        with pytest.raises(tc.ValidationError, match="unknown endpoint"):
            tc.load_network(folder)
        return
    net = tc.load_network(folder)
    assert len(net.links) == 0
    res = tc.solve(net, commodity="crude")
    assert res.summary()["delivered"]["crude"] == 0.0
    assert res.summary()["unserved"]["crude"] > 0
