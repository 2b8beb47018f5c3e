"""The wheel ships the geodata: load_network() works from any folder after a plain install."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_contains_geodata_and_loads_from_elsewhere(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(dist)], cwd=ROOT, check=True, capture_output=True)
    wheel = next(dist.glob("transcaspian-*.whl"))
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        zf.extractall(tmp_path / "site")
    for f in ("nodes.geojson", "links.geojson", "sources.yaml", "baseline.yaml"):
        assert f"transcaspian/geodata/{f}" in names
    assert "transcaspian/py.typed" in names
    assert any(n.endswith("entry_points.txt") for n in names)
    # Run from an unrelated folder with the unpacked wheel first on the path (it wins
    # over the editable install of the development venv).
    site = tmp_path / "site"
    code = (
        f"import sys; sys.path.insert(0, {str(site)!r});"
        "import transcaspian as tc;"
        "net = tc.load_network();"
        f"assert str(net.path).startswith({str(site)!r}), net.path;"
        "print(len(net.nodes), len(net.links), net.node('Kachagan').name)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    n_nodes, n_links, kashagan = out.stdout.split()
    assert int(n_nodes) >= 45 and int(n_links) >= 70 and kashagan == "kashagan"
