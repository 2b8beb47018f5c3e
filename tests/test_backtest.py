"""The winter backtest (docs/backtest.md): its tables are the engine's, and the record is only compared with."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

import transcaspian as tc
from transcaspian.errors import NetworkDataError
from transcaspian.timeline.backtest import load_record, winter_backtest

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "backtest.md"


@pytest.fixture(scope="module")
def net():
    return tc.load_network()


def _tool():
    spec = importlib.util.spec_from_file_location("backtest_tool", ROOT / "tools" / "backtest.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules["backtest_tool"] = mod
    spec.loader.exec_module(mod)
    return mod


def test_the_page_shows_what_the_engine_computes(net):
    tool = _tool()
    text = DOC.read_text(encoding="utf-8")
    assert tool.splice(text, tool.render(net)) == text, "docs/backtest.md is stale: run python tools/backtest.py"


def test_splice_can_fail():
    tool = _tool()
    with pytest.raises(SystemExit, match="no <!-- backtest:cpc -->"):
        tool.splice("no markers here", {"cpc": "x"})


def test_december_row_is_the_reported_figure_and_the_model(net):
    t = winter_backtest(net).set_index(["series", "month"])
    dec = t.loc[("cpc_loadings", "2025-12")]
    assert dec["reported"] == pytest.approx(3.98)
    # one mooring at 1 Mb/d on the 28 days before the storm, and half a 135 kt cargo finished at berth on 29 Dec
    assert dec["model"] == pytest.approx(1.0e6 / 7.9 / 1e6 * 28 + 0.135 / 2)
    assert dec["deviation"] == pytest.approx(dec["model"] / 3.98 - 1)
    jan = t.loc[("cpc_loadings", "2026-01")]
    assert jan["reported"] == pytest.approx(0.88e6 * 31 / 7.9 / 1e6)  # b/d turned into Mt at 7.9 bbl/t


def test_the_record_is_not_an_input(net, tmp_path):
    """Halving every reported figure changes the deviations, never the model."""
    import yaml

    doc = yaml.safe_load((ROOT / "geodata" / "record_2025_26.yaml").read_text(encoding="utf-8"))
    for f in doc["figures"]:
        f["value"] = f["value"] / 2
    a = winter_backtest(net)
    b = winter_backtest(net, record=doc)
    assert a["model"].tolist() == b["model"].tolist()
    assert b["reported"].tolist() == pytest.approx([x / 2 for x in a["reported"]])


@pytest.mark.parametrize(
    ("figure", "fragment"),
    [
        ({"series": "nowhere", "month": "2025-12", "value": 1, "unit": "Mt"}, "unknown series"),
        ({"series": "cpc_loadings", "month": "2025-13", "value": 1, "unit": "Mt"}, "not a month"),
        ({"series": "cpc_loadings", "month": "2025-12", "value": 1, "unit": "bbl"}, "Mt, Mb/d"),
    ],
)
def test_bad_record_figures_are_errors_with_the_fix(net, figure, fragment):
    record = {"series": {"cpc_loadings": {"measure": "throughput", "elements": ["novorossiysk_cpc_terminal"],
                                          "grade": "cpc_blend"}}, "figures": [figure]}
    with pytest.raises(NetworkDataError, match=fragment) as exc:
        load_record(net, record)
    assert "fix" in str(exc.value)


def test_weekly_steps_are_refused(net):
    with pytest.raises(tc.ScenarioError, match="weeks cross months"):
        winter_backtest(net, step="week")


def test_the_readme_shows_the_same_months(net):
    tool = _tool()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "<!-- backtest:cpc -->" in readme
    assert tool.splice(readme, {"cpc": tool.main_table(tool.runs(net))}) == readme, "README is stale: copy docs/backtest.md's table"
