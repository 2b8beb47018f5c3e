"""No silently wrong answers in files and values (issue 8, A.2 in part, A.5, A.7, A.8).

Each test here failed before its fix: country codes in the geodata, impossible dates
and derates in every path, duplicate keys and alias bombs in the files, a validated
parameters.yaml, and example scenarios shipped with the package.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import transcaspian as tc
from transcaspian.cli import main
from transcaspian.scenario import Scenario

ROOT = Path(__file__).resolve().parents[1]


# ---- A2 (validation part)
def test_node_country_is_iso_alpha3(tmp_path, mini_path):
    folder = tmp_path / "net"
    shutil.copytree(mini_path, folder)
    doc = json.loads((folder / "nodes.geojson").read_text(encoding="utf-8"))
    doc["features"][0]["properties"]["country"] = "RUX"
    (folder / "nodes.geojson").write_text(json.dumps(doc), encoding="utf-8")
    report = tc.validate_network(folder)
    assert not report.ok
    assert any(p.field == "country" and "RUS" in (p.message + p.fix) for p in report.problems)


def test_baseline_supply_avoid_countries_is_iso_alpha3(tmp_path, mini_path):
    folder = tmp_path / "net"
    shutil.copytree(mini_path, folder)
    text = (folder / "baseline.yaml").read_text(encoding="utf-8")
    # the mini fixture writes supplies as flow mappings: add the key inside the braces
    text = text.replace("origin: field_a", "origin: field_a, avoid_countries: [RU]", 1)
    assert "avoid_countries: [RU]" in text
    (folder / "baseline.yaml").write_text(text, encoding="utf-8")
    report = tc.validate_network(folder)
    assert any(p.field == "avoid_countries" and "RUS" in (p.message + p.fix) for p in report.problems)


# ---- A5 values and dates
@pytest.mark.parametrize("text", ["2025-13", "2025-02-30", "2025-00", "25-12-01"])
def test_impossible_dates_are_errors_in_every_path(text, net, capsys):
    with pytest.raises(tc.ScenarioError, match="as_of"):
        Scenario.from_dict({"name": "x", "as_of": text})
    with pytest.raises(tc.TranscaspianError):
        tc.load_network(as_of=text)
    code = main(["summary", "--as-of", text])
    assert code != 0 and "Traceback" not in capsys.readouterr().err


def test_event_dates_and_factors_are_checked(tmp_path, mini_path):
    folder = tmp_path / "net"
    shutil.copytree(mini_path, folder)
    events = (folder / "events.yaml").read_text(encoding="utf-8")
    assert "date:" in events
    bad_date = re.sub(r"date: *['\"]?\d{4}-\d{2}-\d{2}['\"]?", "date: '2025-02-30'", events, count=1)
    (folder / "events.yaml").write_text(bad_date, encoding="utf-8")
    with pytest.raises(tc.TranscaspianError, match=r"2025-02-30"):
        tc.load_network(folder, as_of="2026-01-01")


def test_derate_outside_unit_interval_is_an_error_everywhere(tmp_path, mini_path, mini_net):
    from transcaspian.events import apply_change

    with pytest.raises(tc.ScenarioError, match="derate"):
        Scenario.from_dict({"name": "x", "derate": {"terminal": 2.0}})
    for bad in (2.0, -0.5, float("nan")):
        with pytest.raises(tc.TranscaspianError, match=r"derate.*terminal|terminal.*derate"):
            apply_change(mini_net, {"derate": {"terminal": bad}}, origin="test")
    folder = tmp_path / "net"
    shutil.copytree(mini_path, folder)
    text = (folder / "events.yaml").read_text(encoding="utf-8")
    new = text.replace("derate: {terminal: 0.5}", "derate: {terminal: 2.0}")
    assert new != text, "mini fixture events.yaml has no derate to corrupt"
    (folder / "events.yaml").write_text(new, encoding="utf-8")
    with pytest.raises(tc.TranscaspianError, match=r"factor|derate"):
        tc.load_network(folder, as_of="2030-01-01")


# ---- A7 files
def test_duplicate_keys_are_reported(tmp_path, mini_path):
    folder = tmp_path / "net"
    shutil.copytree(mini_path, folder)
    text = (folder / "baseline.yaml").read_text(encoding="utf-8")
    (folder / "baseline.yaml").write_text(text + "\nyear: 2031\nyear: 2032\n", encoding="utf-8")
    with pytest.raises(tc.TranscaspianError, match=r"baseline\.yaml.*duplicate.*year"):
        tc.load_network(folder)
    folder2 = tmp_path / "net2"
    shutil.copytree(mini_path, folder2)
    raw = (folder2 / "nodes.geojson").read_text(encoding="utf-8")
    raw = raw.replace('"type": "FeatureCollection"', '"type": "FeatureCollection", "type": "FeatureCollection"', 1)
    assert raw.count('"type": "FeatureCollection"') == 2
    (folder2 / "nodes.geojson").write_text(raw, encoding="utf-8")
    with pytest.raises(tc.TranscaspianError, match=r"nodes\.geojson.*duplicate.*type"):
        tc.load_network(folder2)


def test_yaml_alias_bomb_is_refused_quickly(tmp_path):
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for i, name in enumerate("bcdefghi"):
        prev = "abcdefghi"[i]
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    lines.append("name: bomb")
    p = tmp_path / "bomb.yaml"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code = (
        "import resource, time, transcaspian as tc\n"
        "Scenario = tc.Scenario  # imported before the clock starts: the refusal is timed, not the import\n"
        f"t = time.perf_counter()\n"
        "try:\n"
        f"    Scenario.from_yaml({str(p)!r})\n"
        "except tc.TranscaspianError as e:\n"
        "    print('refused', e)\n"
        "print(time.perf_counter() - t)\n"
        # Linux carries ru_maxrss over fork and exec, so in a child of a big pytest process it reports the
        # parent's peak; VmHWM is this interpreter's own peak resident set (KiB). ru_maxrss elsewhere.
        "try:\n"
        "    import re; print(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1))\n"
        "except OSError:\n"
        "    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    lines_out = out.stdout.strip().splitlines()
    assert lines_out and lines_out[0].startswith("refused") and "alias" in lines_out[0], out.stdout + out.stderr
    assert float(lines_out[1]) < 1.0
    assert int(lines_out[2]) < 400_000  # KiB: the interpreter with the toolkit imported, far from 3 GB


def test_parameters_yaml_is_validated(tmp_path, mini_path):
    folder = tmp_path / "net"
    shutil.copytree(tc.default_data_path(), folder)
    text = (folder / "parameters.yaml").read_text(encoding="utf-8")
    (folder / "parameters.yaml").write_text(text + "\nbarrels_per_tonne_typo: 7.5\n", encoding="utf-8")
    report = tc.validate_network(folder)
    assert not report.ok
    assert any("parameters.yaml" in str(p.file) and "barrels_per_tonne_typo" in (p.element + p.field + p.message) for p in report.problems)


# --------------------------------------------------------------- A8 examples ship with the package
def test_example_scenarios_are_reachable_by_name_from_an_installed_wheel(tmp_path):
    wheel_dir = tmp_path / "wheel"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(wheel_dir), str(ROOT)],
        check=True, capture_output=True, timeout=300,
    )
    (whl,) = wheel_dir.glob("transcaspian-*.whl")
    site = tmp_path / "site"
    with zipfile.ZipFile(whl) as z:
        names = z.namelist()
        assert "transcaspian/example_scenarios/cpc_outage.yaml" in names
        z.extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code = (
        "import transcaspian as tc, pathlib\n"
        "assert 'site' in pathlib.Path(tc.__file__).parts, tc.__file__\n"
        "for name in ('cpc_outage', 'cpc_outage.yaml', 'examples/scenarios/cpc_outage.yaml'):\n"
        "    sc = tc.Scenario.from_yaml(name)\n"
        "    assert sc.name == 'cpc_outage', sc\n"
        "print('ok')\n"
    )
    env = {"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", code], cwd=elsewhere, capture_output=True, text=True, timeout=120, env=env)
    assert out.stdout.strip() == "ok", out.stderr


# ---- the same rules at their edges
def _copy(tmp_path, mini_path):
    folder = tmp_path / "net"
    shutil.copytree(mini_path, folder)
    return folder


def test_an_unquoted_impossible_event_date_is_reported_with_its_event(tmp_path, mini_path):
    # YAML itself cannot build 2025-02-30: before, a bare ValueError escaped the parser
    folder = _copy(tmp_path, mini_path)
    events = (folder / "events.yaml").read_text(encoding="utf-8")
    (folder / "events.yaml").write_text(re.sub(r"date: *'[^']+'", "date: 2025-02-30", events, count=1), encoding="utf-8")
    with pytest.raises(tc.ValidationError, match=r"events\.yaml: terminal_strike: date: .*February 2025 has 28 days.*YYYY-MM-DD"):
        tc.load_network(folder, as_of="2026-01-01")
    report = tc.validate_network(folder)
    assert [p.field for p in report.errors] == ["date"]


@pytest.mark.parametrize(("as_of", "applied"), [("2025-10", ()), ("2025-11", ("terminal_strike",)), ("2025-11-30", ("terminal_strike",))])
def test_a_month_as_of_is_its_last_day_and_a_month_event_its_first(tmp_path, mini_path, as_of, applied):
    folder = _copy(tmp_path, mini_path)
    events = (folder / "events.yaml").read_text(encoding="utf-8")
    (folder / "events.yaml").write_text(re.sub(r"date: *'[^']+'", "date: '2025-11'", events, count=1), encoding="utf-8")
    net = tc.load_network(folder, as_of=as_of)
    assert net.applied == applied
    assert net.as_of.isoformat() == {"2025-10": "2025-10-31", "2025-11": "2025-11-30"}.get(as_of, as_of)
    assert Scenario.from_dict({"name": "x", "as_of": "2024-02"}).as_of.isoformat() == "2024-02-29"


@pytest.mark.parametrize("text", ["2025-1-05", "20251201", "2025-W01-1", "0000-01-01", "2025-12-01T00:00"])
def test_other_non_dates_are_errors_with_the_fix(text):
    with pytest.raises(tc.ScenarioError, match=r"as_of.*YYYY-MM-DD or YYYY-MM"):
        Scenario.from_dict({"name": "x", "as_of": text})
    with pytest.raises(tc.NetworkDataError, match=r"as_of.*YYYY-MM-DD or YYYY-MM"):
        tc.load_network("tests/fixtures/mini", as_of=text)


def test_cli_reports_a_bad_as_of_on_one_line(capsys):
    assert main(["summary", "--as-of", "2025-13"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "month 13" in err and "YYYY-MM" in err


@pytest.mark.parametrize("bad", [1.5, -0.01, float("inf"), "half", None, True])
def test_the_change_engine_refuses_a_derate_outside_the_unit_interval(bad):
    from transcaspian.changes import Change

    with pytest.raises(tc.NetworkDataError, match=r"derate of terminal: factor .* (not within 0-1|not a (finite )?number)"):
        Change("derate", ("terminal",), bad)
    assert Change("derate", ("terminal",), 0).value == 0.0 and Change("derate", ("terminal",), 1).value == 1.0


def test_a_scenario_file_with_a_duplicate_key_names_file_key_and_lines(tmp_path):
    p = tmp_path / "dup.yaml"
    p.write_text("name: dup\ndisable: [terminal]\nname: other\n", encoding="utf-8")
    with pytest.raises(tc.ScenarioError, match=r"dup\.yaml: duplicate key 'name' at line 3.*first at line 1.*remove or rename"):
        Scenario.from_yaml(p)


def test_yaml_anchors_merge_keys_and_modest_aliases_still_load(tmp_path, monkeypatch):
    from transcaspian import io

    p = tmp_path / "ok.yaml"
    p.write_text("base: &b {value: 1, unit: x}\nother:\n  <<: *b\n  value: 2\nlist: [*b, *b]\n", encoding="utf-8")
    assert io.read_yaml(p) == {"base": {"value": 1, "unit": "x"}, "other": {"value": 2, "unit": "x"},
                               "list": [{"value": 1, "unit": "x"}] * 2}
    # the limit counts expanded nodes: through an alias just over it is refused; written out, it is no alias bomb
    monkeypatch.setattr(io, "MAX_YAML_NODES", 1000)
    items = ",".join(["1"] * 500)
    p.write_text(f"a: &a [{items}]\nb: [*a]\n", encoding="utf-8")
    with pytest.raises(tc.NetworkDataError, match=r"ok\.yaml: refused: YAML aliases .* more than 1,000 nodes"):
        io.read_yaml(p)
    p.write_text(f"a: [{items}]\nb: [[{items}]]\n", encoding="utf-8")
    assert len(io.read_yaml(p)["b"][0]) == 500


def test_a_duplicate_json_key_names_the_line_and_the_feature(tmp_path, mini_path):
    folder = _copy(tmp_path, mini_path)
    doc = json.loads((folder / "links.geojson").read_text(encoding="utf-8"))
    text = json.dumps(doc, indent=1)
    first = doc["features"][0]["properties"]
    key = next(k for k in first if k != "id")
    needle = json.dumps(key) + ":"
    at = text.index(needle)
    text = text[:at] + f"{needle} null, " + text[at:]
    (folder / "links.geojson").write_text(text, encoding="utf-8")
    line = text.count("\n", 0, text.index(needle, at + 1)) + 1
    with pytest.raises(tc.NetworkDataError, match=rf"links\.geojson: duplicate key '{key}'.*object with id '{first['id']}'.*near line {line}"):
        tc.load_network(folder)
    report = tc.validate_network(folder)
    assert not report.ok and "remove or rename one" in report.errors[0].fix


def test_parameters_yaml_entries_are_checked_with_close_matches(tmp_path):
    folder = tmp_path / "net"
    shutil.copytree(tc.default_data_path(), folder)
    text = (folder / "parameters.yaml").read_text(encoding="utf-8")
    text = text.replace("  rail:\n", "  rial:\n", 1).replace("tonnes_per_teu:\n  value: 10", "tonnes_per_teu:\n  value: -10", 1)
    text = text.replace("gas_density_kg_per_m3:\n  value: 0.75", "gas_density_kg_per_m3:\n  valeu: 0.75\n  value: 0.75", 1)
    text += "bbl_per_tonne_extra:\n  value: 7\n  sources: [NO_SUCH_SOURCE]\n"
    (folder / "parameters.yaml").write_text(text, encoding="utf-8")
    report = tc.validate_network(folder)
    found = {(p.element, p.field): p for p in report.errors if p.file.endswith("parameters.yaml")}
    assert "rail" in found["emission_factors.rial", "-"].fix
    assert "> 0" in found["tonnes_per_teu", "value"].message
    assert "value" in found["gas_density_kg_per_m3", "valeu"].fix
    assert "bbl_per_tonne" in found["bbl_per_tonne_extra", "-"].fix
    assert "NO_SUCH_SOURCE" in found["bbl_per_tonne_extra", "sources"].message
    assert tc.validate_network().ok  # the bundled parameters.yaml passes
