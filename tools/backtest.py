"""Write the tables of docs/backtest.md from the engine: the winter of 2025-26 against the record.

Run ``python tools/backtest.py`` after changing the data or the time model; it rewrites the
parts of docs/backtest.md (and README.md's CPC table) between ``<!-- backtest:NAME -->`` and
``<!-- /backtest:NAME -->`` and leaves the prose alone. ``tests/test_backtest.py`` recomputes every table and fails
when the page no longer matches the engine.
"""

from __future__ import annotations

import copy
import re
import sys
from pathlib import Path
from typing import Any

import pandas as pd

import transcaspian as tc
from transcaspian.examples import example_path
from transcaspian.io import read_yaml, write_atomic
from transcaspian.timeline.backtest import winter_backtest

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "backtest.md"
CPC = "novorossiysk_cpc_terminal"


def _pct(x: float) -> str:
    return f"{x:+.1%}".replace("%", " %")


def _time_data_with(**fields: Any) -> dict[str, Any]:
    """time.yaml with other values for the CPC terminal's moorings (a sensitivity)."""
    data = copy.deepcopy(read_yaml(ROOT / "geodata" / "time.yaml"))
    for m in data["moorings"]:
        if m["node"] == CPC:
            m.update(fields)
    return data


def runs(net: tc.CorridorNetwork) -> dict[str, pd.DataFrame]:
    """The backtest tables: the scenario monthly (its own allocation, pro rata) and daily (cost)."""
    return {
        "month": winter_backtest(net, step="month"),
        "day": winter_backtest(net, step="day", result=tc.simulate(net, example_path("winter_2025_26"),
                                                                    step="day", allocation="cost")),
    }


def main_table(tables: dict[str, pd.DataFrame]) -> str:
    """CPC loadings by month: model (monthly, daily) beside the record."""
    m = tables["month"].set_index(["series", "month"])
    d = tables["day"].set_index(["series", "month"])
    lines = ["| month | model, monthly steps (Mt) | deviation | model, daily steps (Mt) | deviation | reported (Mt) | reported as | sources |",
             "|---|---|---|---|---|---|---|---|"]
    for (series, month), row in m.iterrows():
        if series != "cpc_loadings":
            continue
        day = d.loc[(series, month)]
        bold = "**" if month == "2025-12" else ""
        lines.append(f"| {bold}{month}{bold} | {bold}{row['model']:.2f}{bold} | {bold}{_pct(row['deviation'])}{bold} | "
                     f"{day['model']:.2f} | {_pct(day['deviation'])} | {bold}{row['reported']:.2f}{bold} | "
                     f"{row['reported_as']} | {row['sources']} |")
    return "\n".join(lines)


def other_table(tables: dict[str, pd.DataFrame]) -> str:
    """The fields' output and the alternative routes by month beside the record."""
    m = tables["month"].set_index(["series", "month"])
    d = tables["day"].set_index(["series", "month"])
    lines = ["| series | month | model, monthly (pro rata) | model, daily (cost) | reported | sources |", "|---|---|---|---|---|---|"]
    for (series, month), row in m.iterrows():
        if series == "cpc_loadings":
            continue
        day = d.loc[(series, month)]
        lines.append(f"| {row['label']} | {month} | {row['model']:.2f} ({_pct(row['deviation'])}) | "
                     f"{day['model']:.2f} ({_pct(day['deviation'])}) | {row['reported']:.2f} ({row['reported_as']}) | "
                     f"{row['sources']} |")
    return "\n".join(lines)


def sensitivity_table(net: tc.CorridorNetwork) -> str:
    """December and January CPC loadings (monthly steps) under other readings of the sources."""
    cases = [
        ("as in the scenario: one mooring 1.0 Mb/d (S256), pro rata, contracts by month", {}),
        ("one mooring 3.5 Mt/month (CPC's 2022 figure, S209)", {"time_data": _time_data_with(rate=3.5, rate_unit="Mt/month")}),
        ("a storm stops loading at once (no tanker at berth completes)", {"time_data": _time_data_with(cargo_kt=0)}),
        ("allocation cost (cheapest first)", {"allocation": "cost"}),
        ("contracts over the whole horizon", {"contracts": "horizon"}),
    ]
    sc = example_path("winter_2025_26")
    lines = ["| case | Dec 2025 (Mt) | deviation | Jan 2026 (Mt) | deviation |", "|---|---|---|---|---|"]
    for label, kw in cases:
        res = tc.simulate(net, sc, **kw)
        t = winter_backtest(net, result=res).set_index(["series", "month"])
        dec, jan = t.loc[("cpc_loadings", "2025-12")], t.loc[("cpc_loadings", "2026-01")]
        lines.append(f"| {label} | {dec['model']:.2f} | {_pct(dec['deviation'])} | {jan['model']:.2f} | {_pct(jan['deviation'])} |")
    return "\n".join(lines)


def render(net: tc.CorridorNetwork | None = None) -> dict[str, str]:
    """Every generated part of docs/backtest.md, by name."""
    net = net or tc.load_network()
    tables = runs(net)
    return {"cpc": main_table(tables), "other": other_table(tables), "sensitivity": sensitivity_table(net)}


def splice(text: str, parts: dict[str, str]) -> str:
    """``text`` with each ``<!-- backtest:NAME -->...<!-- /backtest:NAME -->`` block replaced."""
    for name, body in parts.items():
        pattern = re.compile(rf"(<!-- backtest:{name} -->\n).*?(\n<!-- /backtest:{name} -->)", re.S)
        if not pattern.search(text):
            raise SystemExit(f"{DOC}: no <!-- backtest:{name} --> block (fix: add the markers)")
        text = pattern.sub(lambda m, body=body: m.group(1) + body + m.group(2), text)
    return text


def main() -> int:
    parts = render()
    write_atomic(DOC, splice(DOC.read_text(encoding="utf-8"), parts))
    readme = ROOT / "README.md"
    write_atomic(readme, splice(readme.read_text(encoding="utf-8"), {"cpc": parts["cpc"]}))
    print(f"wrote {DOC} and the table in {readme}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
