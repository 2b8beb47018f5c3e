"""The command line: output formats, files written, exit codes (0 ok, 1 bad input, 2 usage)."""

from __future__ import annotations

import csv
import io
import json

import pytest


@pytest.fixture()
def cut_yaml(tmp_path):
    p = tmp_path / "cut.yaml"
    p.write_text("name: cut\ndescription: terminal off\ndisable: [terminal]\n", encoding="utf-8")
    return p


def test_solve_table_json_csv(run, mini_path, cut_yaml):
    code, out, _ = run("solve", "--data", mini_path)
    assert code == 0 and "crude: delivered 41.00 Mt/y, stranded 4.00 Mt/y" in out and "Shadow prices" in out
    code, out, _ = run("solve", cut_yaml, "--data", mini_path, "--format", "json")
    doc = json.loads(out)
    assert code == 0 and doc["summary"]["scenario"] == "cut" and doc["summary"]["delivered"]["crude"] == pytest.approx(11)
    assert {"flows", "routes", "saturated", "shadow_prices", "unserved"} <= set(doc)
    code, out, _ = run("solve", "--data", mini_path, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and {r["link"] for r in rows} >= {"a_hub", "hub_terminal"} and "flow" in rows[0]


def test_solve_writes_files(run, mini_path, tmp_path):
    out_dir = tmp_path / "out"
    code, _, _ = run("solve", "--data", mini_path, "--out", out_dir, "--objective", "time")
    assert code == 0
    assert {p.name for p in out_dir.iterdir()} == {"flows.csv", "routes.csv", "summary.json"}
    summary = json.loads((out_dir / "summary.json").read_text(encoding="utf-8"))
    assert summary["objective"] == "time"
    assert "field_a>hub>terminal>europe" in (out_dir / "routes.csv").read_text(encoding="utf-8")
    assert not list(out_dir.glob(".*.tmp"))


def test_routes(run, mini_path):
    code, out, _ = run("routes", "Field A", "europe", "--data", mini_path, "--k", "2")
    assert code == 0 and "field_a > hub > terminal > europe" in out and "field_a > port_w" not in out
    code, out, _ = run("routes", "field_a", "europe", "--data", mini_path, "--format", "json", "--avoid-country", "RUS")
    doc = json.loads(out)
    assert all("RUS" not in r["countries"] for r in doc) and doc[0]["bottleneck"] == 4.0
    code, out, _ = run("routes", "field_a", "europe", "--data", mini_path, "--format", "csv", "--weight", "time")
    assert code == 0 and out.startswith("rank,path")


def test_compare_and_criticality(run, mini_path, cut_yaml, tmp_path):
    base = tmp_path / "base.yaml"
    base.write_text("name: baseline\n", encoding="utf-8")
    code, out, _ = run("compare", base, cut_yaml, "--data", mini_path)
    assert code == 0 and "baseline -> cut" in out and "Sea Terminal (terminal) is disabled." in out
    code, out, _ = run("compare", base, cut_yaml, "--data", mini_path, "--format", "json")
    assert json.loads(out)["delivered"][0]["change"] == pytest.approx(-30)
    code, out, _ = run("criticality", "--data", mini_path, "--elements", "links", "--top", "2", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and [r["element"] for r in rows] == ["hub_terminal", "terminal_europe"]


def test_exit_codes(run, mini_path, tmp_path):
    assert run("solve", "--data", mini_path, "--commodity", "oil")[0] == 2
    assert run("routes", "a", "b", "--k", "0")[0] == 2
    assert run("frobnicate")[0] == 2
    code, _, err = run("solve", tmp_path / "missing.yaml", "--data", mini_path)
    assert code == 1 and "not found" in err
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\ndisable: [termnal]\n", encoding="utf-8")
    code, _, err = run("solve", bad, "--data", mini_path)
    assert code == 1 and "termnal" in err and "terminal" in err and str(bad) in err
    code, _, err = run("routes", "nowhere", "europe", "--data", mini_path)
    assert code == 1 and "nowhere" in err
    assert run("--version")[0] == 0


def test_demo_on_bundled_data(run, tmp_path):
    code, out, err = run("demo", "--out", tmp_path / "demo")
    assert code == 0, err
    assert "baseline -> cpc_outage" in out and "is disabled" in out and "stranded" in out
    written = {p.name for p in (tmp_path / "demo").iterdir()}
    assert {"comparison.txt", "comparison.json", "baseline_flows.csv", "cpc_outage_flows.csv",
            "cpc_outage.png", "cpc_outage_panels.png", "cpc_outage.html"} <= written
    assert (tmp_path / "demo" / "cpc_outage.png").read_bytes()[:4] == b"\x89PNG"
    page = (tmp_path / "demo" / "cpc_outage.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "stranded" in page


def test_map_and_compare_map(run, mini_path, cut_yaml, tmp_path):
    code, out, err = run("map", cut_yaml, "--data", mini_path, "--out", tmp_path / "cut.png")
    assert code == 0, err
    assert (tmp_path / "cut.png").read_bytes()[:4] == b"\x89PNG"
    code, out, err = run("map", cut_yaml, "--data", mini_path, "--out", tmp_path / "cut.html")
    assert code == 0, err
    assert (tmp_path / "cut.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    base = tmp_path / "base.yaml"
    base.write_text("name: baseline\n", encoding="utf-8")
    code, out, err = run("compare", base, cut_yaml, "--data", mini_path, "--map", tmp_path / "cmp.svg")
    assert code == 0, err
    assert (tmp_path / "cmp.svg").exists() and "wrote map" in out
