"""What each part of the toolkit imports: the web map never loads matplotlib.

Each check runs in a fresh interpreter, so modules imported by other tests do not count.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run(code: str) -> str:
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_import_transcaspian_loads_no_map_library():
    code = """
        import sys
        import transcaspian
        print(sorted(m for m in ("matplotlib", "folium", "branca") if m in sys.modules))
    """
    assert _run(code).strip() == "[]"


def test_web_map_does_not_import_matplotlib(tmp_path):
    page = tmp_path / "mini.html"
    code = f"""
        import sys
        import transcaspian.maps.interactive as web
        assert "matplotlib" not in sys.modules, "importing the web map loaded matplotlib"
        import transcaspian as tc
        net = tc.load_network("tests/fixtures/mini")
        scen = tc.Scenario.from_dict({{"name": "terminal outage", "disable": ["terminal"]}})
        web.write_html(web.explore_map(net), {str(page)!r})
        web.write_html(web.explore_map(net, tc.solve(net, scen), commodity="crude"), {str(page)!r})
        print("matplotlib" in sys.modules)
    """
    assert _run(code).strip() == "False"
    assert "transcaspianMap" in page.read_text(encoding="utf-8")
