"""Events that end and moorings taken out: the static network on a date agrees with the time model.

``load_network(as_of=...)`` restores an event's targets on its ``end`` (the first day back),
as :func:`transcaspian.simulate` does, and turns ``moorings_out`` into the terminal's derate
from the moorings of time.yaml (:mod:`transcaspian.terminals`).
"""

from __future__ import annotations

import shutil

import pytest
import yaml

import transcaspian as tc

CPC = "novorossiysk_cpc_terminal"
ONE_SPM = 1.0e6 * 365 / 7.9 / 1e6  # Mt/y: one mooring at 1 Mb/d of CPC Blend (time.yaml)


@pytest.mark.parametrize(
    ("day", "capacity"),
    [
        ("2025-11-11", 81.5),  # three moorings, two in service
        ("2025-11-20", 81.5),  # SPM-3 out: two left, both in service
        ("2025-11-25", 0.0),  # strike on the terminal, back on 26 Nov
        ("2025-11-26", 81.5),
        ("2025-11-30", 0.0),  # all loading stopped after the SPM-2 attack
        ("2025-12-15", ONE_SPM),  # SPM-1 alone
        ("2025-12-30", 0.0),  # storm halt
        ("2026-01-20", ONE_SPM),
        ("2026-01-25", 81.5),  # SPM-3 back: two in service again
    ],
)
def test_cpc_terminal_capacity_on_each_day_of_the_winter(day, capacity):
    net = tc.load_network(as_of=day)
    assert net.effective_capacity(CPC) == pytest.approx(capacity)


def test_static_capacity_on_a_day_equals_the_time_models_day():
    net = tc.load_network()
    res = tc.simulate(net, start="2025-11-20", end="2026-01-31", step="day")
    cap = res.loadings(CPC)["capacity"] * 365
    for day in ("2025-11-25", "2025-12-15", "2025-12-30", "2026-01-20", "2026-01-27"):
        static = tc.load_network(as_of=day).effective_capacity(CPC)
        plan = {"2025-11": 1.55, "2025-12": 1.7}.get(day[:7])  # time.yaml's loading programmes also cap a day
        want = min(static, plan * 1e6 * 365 / 7.9 / 1e6) if plan else static
        assert cap[day] == pytest.approx(want), day


def test_an_ended_event_is_over_and_an_open_one_is_not(tmp_path, mini_path):
    folder = tmp_path / "net"
    shutil.copytree(mini_path, folder)
    doc = yaml.safe_load((folder / "events.yaml").read_text(encoding="utf-8"))
    doc["events"][0]["end"] = "2025-12-10"
    (folder / "events.yaml").write_text(yaml.safe_dump(doc), encoding="utf-8")
    assert tc.load_network(folder, as_of="2025-12-09").effective_capacity("terminal") == pytest.approx(15.0)
    back = tc.load_network(folder, as_of="2025-12-10")
    assert back.effective_capacity("terminal") == pytest.approx(30.0)
    assert back.applied == ("terminal_strike",)  # it happened, and is over


@pytest.mark.parametrize(
    ("change", "end", "fragment"),
    [
        ({"moorings_out": {"terminal": 1.5}}, None, "whole number of moorings"),
        ({"moorings_out": {"terminal": -1}}, None, "whole number of moorings"),
        ({"moorings_out": ["terminal"]}, None, "whole number of moorings"),
        ({"derate": {"terminal": 0.5}}, "2025-11-01", "not after date"),
        ({"derate": {"terminal": 0.5}}, "2025-11-31", "2025-11-31"),
        ({"disable": ["terminal"], "kind": "storm"}, None, "unknown kind"),
    ],
)
def test_bad_event_windows_and_mooring_counts_are_reported(tmp_path, mini_path, change, end, fragment):
    folder = tmp_path / "net"
    shutil.copytree(mini_path, folder)
    doc = yaml.safe_load((folder / "events.yaml").read_text(encoding="utf-8"))
    kind = change.pop("kind", None)
    doc["events"][0]["changes"] = [change]
    if kind is not None:
        doc["events"][0]["kind"] = kind
    if end is not None:
        doc["events"][0]["end"] = end
    (folder / "events.yaml").write_text(yaml.safe_dump(doc), encoding="utf-8")
    with pytest.raises(tc.ValidationError) as exc:
        tc.load_network(folder)
    msg = str(exc.value)
    assert fragment in msg and "terminal_strike" in msg and "fix" in msg.lower()
