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
