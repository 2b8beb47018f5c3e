"""The bad-input corpus (tests/corpus/): every case a toolkit error that names the file, the
element, the field and the fix; through the CLI a non-zero exit and one line on stderr, no
traceback; inputs byte-identical afterwards.

The file cases and their expectations are written by ``tests/corpus/make_corpus.py`` into
``tests/corpus/cases.yaml``; the command-line and library-call cases are below.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest
import yaml

import transcaspian as tc
from transcaspian import errors
from transcaspian.cli import main
from transcaspian.io import MAX_FILE_BYTES

CORPUS = Path(__file__).parent / "corpus"
MINI = Path(__file__).parent / "fixtures" / "mini"
CASES = yaml.safe_load((CORPUS / "cases.yaml").read_text(encoding="utf-8"))
NETWORK = [c for c in CASES if c["kind"] == "network"]
SCENARIO = [c for c in CASES if c["kind"] == "scenario"]


def _hashes(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and p.stat().st_size < 2**24}


def _says(message: str, words: list[str]) -> None:
    missing = [w for w in words if w not in message]
    assert not missing, f"message lacks {missing}: {message}"


def _one_line(code: int, err: str) -> None:
    assert code != 0
    assert "Traceback" not in err
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, f"expected one line on stderr, got: {err!r}"


def _network_folder(case: dict, tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(MINI, folder)
    src = CORPUS / "network" / case["id"]
    if case["id"] == "nodes_huge":  # sparse: no disk used, refused from its size before a byte is read
        with open(folder / "nodes.geojson", "r+b") as fh:
            fh.truncate(MAX_FILE_BYTES["nodes"] + 1)
        return folder
    remove = src / ".remove"
    for name in remove.read_text().split() if remove.exists() else []:
        (folder / name).unlink()
    for p in src.iterdir():
        if p.name == ".remove":
            continue
        target = folder / p.name
        if target.is_file() and p.is_dir():
            target.unlink()
        if p.is_dir():
            shutil.copytree(p, target)
        else:
            shutil.copyfile(p, target)
    return folder


def test_the_corpus_is_large_enough():
    assert len(NETWORK) + len(SCENARIO) + len(CLI_CASES) + len(LIBRARY_CASES) >= 60
    assert len(CASES) == len({c["id"] for c in CASES})


@pytest.mark.parametrize("case", NETWORK, ids=[c["id"] for c in NETWORK])
def test_network_case(case, tmp_path, run):
    folder = _network_folder(case, tmp_path)
    before = _hashes(folder)
    kind = getattr(errors, case["error"])
    with pytest.raises(kind) as info:
        tc.load_network(folder)
    assert type(info.value).__module__.startswith("transcaspian")
    _says(str(info.value), case["says"])
    report = tc.validate_network(folder)
    assert not report.ok
    _says(str(report), [w for w in case["says"] if w != "-"])
    code, _, err = run("solve", "--data", folder)
    _one_line(code, err)
    code, out, err = run("validate", folder)
    assert code == 1 and "Traceback" not in out + err
    assert _hashes(folder) == before


def _scenario_dir(case: dict, tmp_path: Path) -> Path:
    folder = tmp_path / "sc"
    shutil.copytree(CORPUS / "scenarios" / case["id"], folder) if (CORPUS / "scenarios" / case["id"]).exists() \
        else folder.mkdir()
    if case["id"] == "scenario_huge":
        with open(folder / "huge.yaml", "wb") as fh:
            fh.write(b"name: huge\n")
            fh.truncate(MAX_FILE_BYTES["scenario"] + 1)
    return folder


@pytest.mark.parametrize("case", SCENARIO, ids=[c["id"] for c in SCENARIO])
def test_scenario_case(case, tmp_path, run, mini_net):
    folder = _scenario_dir(case, tmp_path)
    path = folder / case["entry"]
    before = _hashes(folder)
    with pytest.raises(errors.ScenarioError) as info:
        tc.solve(mini_net, tc.Scenario.from_yaml(path))
    _says(str(info.value), case["says"])
    code, _, err = run("solve", path, "--data", MINI)
    _one_line(code, err)
    assert _hashes(folder) == before


# ----------------------------------------------------------------------------- command line
def _file(tmp_path: Path) -> Path:
    p = tmp_path / "plain.txt"
    p.write_text("x\n")
    return p


#: (id, argv builder (tmp_path -> argv), words the one stderr line must hold)
CLI_CASES = [
    ("unknown_commodity", lambda t: ["solve", "--data", MINI, "--commodity", "gold"], ["--commodity", "gold", "crude"]),
    ("k_zero", lambda t: ["routes", "field_a", "europe", "--data", MINI, "--k", "0"], ["--k", "at least 1"]),
    ("k_text", lambda t: ["routes", "field_a", "europe", "--data", MINI, "--k", "three"], ["--k", "whole number"]),
    ("unknown_command", lambda t: ["frobnicate"], ["frobnicate", "choose from"]),
    ("missing_argument", lambda t: ["compare", "a.yaml"], ["other", "required"]),
    ("unknown_option", lambda t: ["solve", "--frobnicate"], ["--frobnicate", "unrecognized"]),
    ("unknown_origin", lambda t: ["routes", "nowhere", "europe", "--data", MINI], ["nowhere", "origin"]),
    ("as_of_month_13", lambda t: ["solve", "--data", MINI, "--as-of", "2025-13"], ["as_of", "2025-13", "YYYY-MM-DD"]),
    ("data_is_file", lambda t: ["solve", "--data", _file(t)], ["plain.txt", "--data", "folder"]),
    ("data_missing", lambda t: ["solve", "--data", t / "nope"], ["nope", "--data", "folder"]),
    ("validate_file", lambda t: ["validate", _file(t)], ["plain.txt", "folder"]),
    ("scenario_missing", lambda t: ["solve", t / "missing.yaml", "--data", MINI], ["missing.yaml", "not found"]),
    ("map_unknown_suffix", lambda t: ["map", "--data", MINI, "--out", t / "map.bmp"], ["map.bmp", "--out", ".png"]),
    ("out_parent_is_file", lambda t: ["solve", "--data", MINI, "--out", _file(t) / "out"], ["plain.txt", "--out", "folder"]),
    ("out_not_writable", lambda t: ["solve", "--data", MINI, "--out", "/proc/transcaspian_out"], ["/proc", "--out", "writable"]),
    ("map_out_is_folder", lambda t: ["map", "--data", MINI, "--out", t], [str(Path("")), "--out", "file"]),
    ("criticality_top_text", lambda t: ["criticality", "--data", MINI, "--top", "x"], ["--top", "whole number"]),
    ("simulate_bad_start", lambda t: ["simulate", "--data", MINI, "--start", "2025-02-30", "--end", "2025-12"], ["start", "2025-02-30"]),
    ("simulate_bad_step", lambda t: ["simulate", "--data", MINI, "--step", "fortnight"], ["--step", "fortnight", "month"]),
    ("chart_unknown_suffix", lambda t: ["simulate", "--data", MINI, "--chart", t / "c.bmp"], ["c.bmp", "--chart", ".png"]),
]


@pytest.mark.parametrize(("argv", "words"), [c[1:] for c in CLI_CASES], ids=[c[0] for c in CLI_CASES])
def test_cli_case(argv, words, tmp_path, run):
    before = _hashes(MINI)
    code, _, err = run(*argv(tmp_path))
    _one_line(code, err)
    _says(err, words)
    assert _hashes(MINI) == before


# ----------------------------------------------------------------------------- library calls
def _net():
    return tc.load_network(MINI)


def _net_3857():
    net = _net()
    import dataclasses

    return dataclasses.replace(net, nodes=net.nodes.to_crs(3857), links=net.links.to_crs(3857))


#: (id, call, error class, words the message must hold: the function, the argument, the fix)
LIBRARY_CASES = [
    ("solve_str", lambda: tc.solve("x"), errors.InputError, ["solve", "net", "str", "tc.load_network"]),
    ("solve_dict_scenario", lambda: tc.solve(_net(), {"disable": ["terminal"]}), errors.InputError,
     ["solve", "scenario", "dict", "Scenario.from_dict"]),
    ("solve_commodity_int", lambda: tc.solve(_net(), commodity=5), errors.InputError, ["solve", "commodity", "5", "crude"]),
    ("solve_commodity_unknown", lambda: tc.solve(_net(), commodity="gold"), errors.UnitError, ["unknown commodity", "gold", "crude"]),
    ("solve_objective_unknown", lambda: tc.solve(_net(), objective="fast"), errors.ScenarioError, ["objective", "fast", "cost"]),
    ("solve_objective_int", lambda: tc.solve(_net(), objective=3), errors.InputError, ["solve", "objective", "int", "cost"]),
    ("solve_3857", lambda: tc.solve(_net_3857()), errors.InputError, ["solve", "net", "EPSG:3857", "to_crs(4326)"]),
    ("compare_ints", lambda: tc.compare(1, 2), errors.InputError, ["compare", "base", "int", "tc.solve"]),
    ("compare_other", lambda: tc.compare(tc.solve(_net()), "x"), errors.InputError, ["compare", "other", "str", "tc.solve"]),
    ("find_routes_k_str", lambda: tc.find_routes(_net(), "field_a", "europe", k="3", commodity="crude"), errors.InputError,
     ["find_routes", "k", "'3'", "whole number"]),
    ("find_routes_k_zero", lambda: tc.find_routes(_net(), "field_a", "europe", k=0, commodity="crude"), errors.InputError, ["find_routes", "k", "at least 1"]),
    ("find_routes_net", lambda: tc.find_routes(None, "a", "b", commodity="crude"), errors.InputError, ["find_routes", "net", "NoneType", "tc.load_network"]),
    ("find_routes_origin_int", lambda: tc.find_routes(_net(), 3, "europe", commodity="crude"), errors.InputError, ["find_routes", "origin", "3", "id"]),
    ("find_routes_unknown", lambda: tc.find_routes(_net(), "nowhere", "europe", commodity="crude"), errors.UnknownElementError, ["nowhere"]),
    ("load_network_int", lambda: tc.load_network(5), errors.InputError, ["load_network", "path", "int", "folder"]),
    ("load_network_file", lambda: tc.load_network(MINI / "nodes.geojson"), errors.InputError,
     ["load_network", "nodes.geojson", "folder"]),
    ("load_network_as_of_int", lambda: tc.load_network(MINI, as_of=20251201), errors.NetworkDataError, ["as_of", "YYYY-MM-DD"]),
    ("from_dict_list", lambda: tc.Scenario.from_dict([1, 2]), errors.ScenarioError, ["scenario", "mapping", "list"]),
    # found by the long hypothesis profile: a bool is not iterable
    ("from_dict_commodity_bool", lambda: tc.Scenario.from_dict({"commodity": False}), errors.ScenarioError,
     ["commodity", "False", "not a commodity name", "crude"]),
    ("from_yaml_int", lambda: tc.Scenario.from_yaml(5), errors.InputError, ["from_yaml", "path", "int", "file"]),
    ("criticality_elements", lambda: tc.criticality(_net(), elements="edges"), errors.InputError,
     ["criticality", "elements", "edges", "nodes"]),
    ("criticality_net", lambda: tc.criticality("x"), errors.InputError, ["criticality", "net", "str", "tc.load_network"]),
    ("simulate_str", lambda: tc.simulate("x"), errors.InputError, ["simulate", "net", "str", "tc.load_network"]),
    ("plot_3857", lambda: tc.plot_map(_net_3857()), errors.InputError, ["plot_map", "net", "EPSG:3857", "to_crs(4326)"]),
    ("explore_3857", lambda: tc.explore_map(_net_3857()), errors.InputError, ["explore_map", "net", "EPSG:3857", "to_crs(4326)"]),
]


@pytest.mark.parametrize(("call", "kind", "words"), [c[1:] for c in LIBRARY_CASES], ids=[c[0] for c in LIBRARY_CASES])
def test_library_case(call, kind, words):
    before = _hashes(MINI)
    with pytest.raises(kind) as info:
        call()
    assert isinstance(info.value, errors.TranscaspianError)
    _says(str(info.value), words)
    assert _hashes(MINI) == before


# ----------------------------------------------------------------------------- accepted, not refused
def test_a_bom_is_accepted(tmp_path):
    """A UTF-8 byte-order mark (Windows editors write one) is not an error: same network as without."""
    folder = tmp_path / "data"
    shutil.copytree(MINI, folder)
    for name in ("nodes.geojson", "baseline.yaml"):
        (folder / name).write_bytes(b"\xef\xbb\xbf" + (MINI / name).read_bytes())
    a, b = tc.load_network(folder), tc.load_network(MINI)
    assert a.nodes.equals(b.nodes) and a.baseline == b.baseline


def test_html_in_a_name_is_escaped_in_the_map(tmp_path):
    pytest.importorskip("folium")
    folder = tmp_path / "data"
    shutil.copytree(MINI, folder)
    text = (folder / "nodes.geojson").read_text(encoding="utf-8").replace('"Hub"', '"<script>alert(1)</script>"', 1)
    (folder / "nodes.geojson").write_text(text, encoding="utf-8")
    out = tmp_path / "m.html"
    assert main(["map", "--data", str(folder), "--out", str(out), "--network-only"]) == 0
    assert "<script>alert(1)</script>" not in out.read_text(encoding="utf-8")


def test_size_limits_are_documented():
    doc = (Path(__file__).parents[1] / "docs" / "reliability.md").read_text(encoding="utf-8")
    for key, limit in MAX_FILE_BYTES.items():
        assert key in doc and f"{limit // 2**20} MB" in doc, key
    assert os.path.exists(CORPUS / "make_corpus.py")


def test_no_pickle_no_eval_yaml_only_through_the_safe_loader():
    """Nothing in the package can run code from a data file: no pickle, eval or exec, and every
    ``yaml.load`` names the strict safe loader (``!!python/object`` is refused: corpus case baseline_python_tag)."""
    import re

    src = Path(tc.__file__).parent
    for p in src.rglob("*.py"):
        text = p.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(import pickle|from pickle|import marshal)", text, re.M), p
        assert not re.search(r"(?<![\w.])(eval|exec)\(", text), p
        for m in re.finditer(r"yaml\.(load|unsafe_load|full_load)\(([^)]*)\)", text):
            assert m.group(1) == "load" and "Loader=StrictSafeLoader" in m.group(2), (p, m.group(0))


def test_allow_outside_lets_extends_leave_the_folder(tmp_path, run):
    (tmp_path / "sub").mkdir()
    (tmp_path / "parent.yaml").write_text("name: parent\ndisable: [terminal]\n")
    child = tmp_path / "sub" / "child.yaml"
    child.write_text("name: child\nextends: ../parent.yaml\n")
    code, _, err = run("solve", child, "--data", MINI)
    _one_line(code, err)
    _says(err, ["child.yaml", "extends", "outside", "--allow-outside"])
    code, out, err = run("solve", child, "--data", MINI, "--allow-outside")
    assert code == 0 and "crude: delivered 11.00 Mt/y" in out, err


def test_a_network_reprojected_in_place_after_a_check_is_refused():
    """check_network remembers networks that passed; reprojecting a frame in place must still be caught."""
    net = tc.load_network(MINI)
    assert tc.find_routes(net, "field_a", "europe", commodity="crude")
    net.nodes.to_crs(3857, inplace=True)
    with pytest.raises(errors.InputError, match="EPSG:3857"):
        tc.find_routes(net, "field_a", "europe", commodity="crude")
    with pytest.raises(errors.InputError, match="EPSG:3857"):
        tc.solve(net)
