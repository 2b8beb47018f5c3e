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
        f"t = time.perf_counter()\n"
        "try:\n"
        f"    tc.Scenario.from_yaml({str(p)!r})\n"
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
