"""docs/criticality.md: every figure recomputed from the code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import transcaspian as tc

DOC = (Path(__file__).resolve().parents[1] / "docs" / "criticality.md").read_text(encoding="utf-8")


def _table(header: str) -> dict[str, list[float]]:
    """The rows of the markdown table starting with ``header``: first cell -> the numbers."""
    block = DOC[DOC.index(header):].split("\n\n")[0]
    return {m.group(1): [float(x) for x in m.group(2).split(" | ")]
            for m in re.finditer(r"^\| ([a-z_]+) \| ([\d. |]+?) \|$", block, flags=re.M)}


@pytest.fixture(scope="module")
def crit(net):
    return tc.criticality(net, elements="nodes")


def test_cpc_terminal_paragraph(net, crit):
    row = crit.loc["novorossiysk_cpc_terminal"]
    assert f"**{row['lost']:.2f} Mt/y, {100 * row['lost_share']:.1f}% of" in DOC
    supply = row["lost"] / row["lost_share"]
    assert f"the {supply:.1f} Mt/y of crude supply" in DOC
    assert crit.loc["kropotkin_ps", "lost"] == pytest.approx(row["lost"]) and set(crit.index[:2]) == {
        "kropotkin_ps", "novorossiysk_cpc_terminal"}
    assert f"falls by {-row['cost_change'] / 1e6:,.0f} M USD/y" in DOC
    assert f"costs {row['unit_cost_change']:.2f} USD more" in DOC
    for part in row["losing_markets"].split(", "):
        m, v = part.split(" ")
        assert f"{m} loses {-float(v):g} Mt/y" in DOC
    gains = dict(p.split(" ") for p in row["gained_links"].split(", "))
    assert set(gains) == {"uzen_aktau", "btc", "ceyhan_europe", "aktau_baku_tanker", "alashankou_china"}
    assert float(gains["btc"]) == pytest.approx(0.94) and float(gains["alashankou_china"]) == pytest.approx(0.2)
    origins = crit[crit["role"] == "origin"]
    assert origins.index[0] == "atyrau" and f"({origins.iloc[0]['lost']:.1f} Mt/y" in DOC
    assert origins.index[1:3].tolist() == ["komsomolskaya", "tengiz"]


def test_origin_table_and_why(net):
    rows = _table("| origin |")
    base = tc.solve(net)
    users = base.link_users("kropotkin_cpc_terminal").groupby(level="origin")["volume"].sum()
    out = tc.solve(net, tc.Scenario(name="no terminal", disable=["novorossiysk_cpc_terminal"]))
    stranded = out.unserved.xs("crude")["unserved"]
    assert set(rows) == set(users.index)
    for origin, (through, lost) in rows.items():
        assert users[origin] == pytest.approx(through, abs=0.006) and stranded[origin] == pytest.approx(lost, abs=0.006)
    ct = out.contracts
    quota = ct[(ct["link"] == "atyrau_samara+aktau_makhachkala_tanker")].iloc[0]
    assert quota["flow"] == pytest.approx(quota["max_flow"]) == pytest.approx(11.0)
    baku = ct[(ct["link"] == "aktau_baku_tanker") & (ct["max_flow"] < 1e9)].iloc[0]
    assert baku["flow"] == pytest.approx(baku["max_flow"]) == pytest.approx(2.44)
    assert "atyrau_kenkiyak" in set(out.saturated["element"])
    assert net.links.at["atyrau_kenkiyak", "capacity"] == pytest.approx(6.0)


def test_winter_ensemble_table(net):
    ens = tc.ensemble(net, draws=40, seed=1, start="2025-11", end="2026-02", workers=2)
    rows = _table("| measure |")
    for m, (p10, p50, p90) in rows.items():
        got = ens.summary.loc[m]
        assert [round(got["p10"], 3), round(got["p50"], 3), round(got["p90"], 3)] == [p10, p50, p90], m
    wd = ens.worst_decile
    assert wd.loc["cpc_mooring_loss", "share_worst"] == 1.0 and f"lift of {wd.loc['cpc_mooring_loss', 'lift']:.1f}" in DOC
    assert wd.loc["cpc_storm_halt", "share_worst"] == 0.5
    assert f"In {(ens.draws['lost'] == 0).mean():.0%} of the draws nothing more is lost" in DOC
