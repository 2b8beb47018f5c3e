"""Failure histories for ensembles: per element, a chance per month and the durations seen.

``geodata/hazards.yaml`` carries the sourced ones (CPC mooring losses, storm halts and
strikes on the terminal, 2022-2026); a scenario or the caller adds others as mappings
of the same form. :func:`sample_windows` turns them into outage windows of one draw.

Examples
--------
>>> import numpy as np
>>> hz = load_hazards()
>>> [h.id for h in hz]
['cpc_mooring_loss', 'cpc_storm_halt', 'cpc_strike_halt']
>>> w = sample_windows(hz, "2026-01", "2026-12", np.random.default_rng(7))
>>> sorted({x["element"] for x in w})
['novorossiysk_cpc_terminal']
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from .dates import parse_date
from .errors import ScenarioError
from .io import default_data_path, read_yaml

__all__ = ["Hazard", "load_hazards", "hazard_from_mapping", "sample_windows"]


@dataclasses.dataclass(frozen=True)
class Hazard:
    """One kind of failure of one element."""

    id: str
    element: str
    effect: tuple[tuple[str, Any], ...]  # e.g. (("off", True),) or (("moorings_out", 1),)
    per_month: float  # chance that one starts in a month it may occur in
    months: frozenset[int]  # calendar months it may start in
    durations_days: tuple[int, ...]
    sources: tuple[str, ...] = ()


def hazard_from_mapping(e: Mapping[str, Any], *, where: str = "hazards") -> Hazard:
    """A :class:`Hazard` from one entry of hazards.yaml (or a caller's mapping), checked.

    Raises
    ------
    ScenarioError
        A field is missing or out of range; the message names the entry and the fix.
    """
    hid = str(e.get("id") or e.get("element") or "?")
    at = f"{where}: hazard {hid!r}"
    for key in ("element", "per_month", "durations_days"):
        if e.get(key) is None:
            raise ScenarioError(f"{at}: no {key} (fix: add {key}: ...)")
    p = e["per_month"]
    if not _is_number(p) or not 0.0 <= p <= 1.0:
        raise ScenarioError(f"{at}: per_month {p!r} is not a probability (fix: a number from 0 to 1)")
    raw = e["durations_days"]
    raw = list(raw) if isinstance(raw, list | tuple) else [raw]
    if not raw or not all(_is_number(d) and d == int(d) and d >= 1 for d in raw):
        raise ScenarioError(f"{at}: durations_days {e['durations_days']!r} must list whole days >= 1 (fix: e.g. [3, 5])")
    durations = tuple(int(d) for d in raw)
    effect_raw = e.get("effect") or {"off": True}
    if not isinstance(effect_raw, Mapping):
        raise ScenarioError(f"{at}: effect {effect_raw!r} is not a mapping (fix: one of off: true, moorings_out: n, derate: f)")
    # YAML 1.1 reads a bare `off:` key as False, as scenario files do
    effect = {("off" if k is False else str(k)): v for k, v in effect_raw.items()}
    if set(effect) - {"off", "moorings_out", "derate"} or len(effect) != 1 or not _effect_ok(effect):
        raise ScenarioError(f"{at}: effect {effect!r} must be one of off: true, moorings_out: n (a whole number >= 1) "
                            "or derate: f (0 to 1) (fix: write one of those)")
    months_raw = e.get("months", "all")
    if months_raw in ("all", None):
        months = frozenset(range(1, 13))
    else:
        listed = list(months_raw) if isinstance(months_raw, list | tuple) else [months_raw]
        if not all(_is_number(m) and m == int(m) for m in listed):
            raise ScenarioError(f"{at}: months {months_raw!r} must list calendar months 1..12 "
                                "(fix: e.g. [11, 12, 1], or 'all')")
        months = frozenset(int(m) for m in listed)
    if not months <= frozenset(range(1, 13)):
        raise ScenarioError(f"{at}: months {sorted(months)} must be 1..12 (fix: list calendar months, or 'all')")
    sources = tuple(sorted({str(s) for i in e.get("incidents") or () for s in (i.get("sources") or ())}))
    return Hazard(hid, str(e["element"]), tuple(effect.items()), p, months, durations, sources)


def _is_number(v: Any) -> bool:
    """A real, finite number (not a bool, not a string)."""
    return isinstance(v, int | float) and not isinstance(v, bool) and bool(np.isfinite(v))


def _effect_ok(effect: Mapping[str, Any]) -> bool:
    """``off: true``, ``moorings_out`` a whole number >= 1, or ``derate`` within 0-1 (what an outage window takes)."""
    (kind, v), = effect.items()
    if kind == "off":
        return v is True
    if kind == "moorings_out":
        return _is_number(v) and v == int(v) and v >= 1
    return _is_number(v) and 0.0 <= v <= 1.0


def load_hazards(path: str | Path | None = None) -> list[Hazard]:
    """The hazards of ``path`` (default: hazards.yaml of the packaged data).

    Raises
    ------
    ScenarioError
        The file is not a mapping, its ``hazards`` is not a list of mappings, or an entry
        is not a valid hazard.
    """
    path = Path(path) if path is not None else default_data_path() / "hazards.yaml"
    raw = read_yaml(path)
    if raw is None:
        return []
    form = "(fix: list them under a top-level `hazards:` key, each {id, element, effect, per_month, durations_days}, " \
           "as in geodata/hazards.yaml)"
    if not isinstance(raw, Mapping):
        raise ScenarioError(f"{path}: a mapping with a hazards list expected, got a {type(raw).__name__} {form}")
    entries = raw.get("hazards")
    if entries is None:
        return []
    if not isinstance(entries, list):
        raise ScenarioError(f"{path}: hazards: a list expected, got a {type(entries).__name__} {form}")
    for i, e in enumerate(entries):
        if not isinstance(e, Mapping):
            raise ScenarioError(f"{path}: hazards[{i}]: a mapping expected, got {e!r} {form}")
    return [hazard_from_mapping(e, where=str(path)) for e in entries]


def sample_windows(hazards: Iterable[Hazard], start: str | dt.date, end: str | dt.date,
                   rng: np.random.Generator) -> list[dict[str, Any]]:
    """Outage windows of one draw over ``start``..``end``: per hazard and month, a start with its chance.

    A window starts on a uniformly drawn day of the month and lasts one of the hazard's
    durations (uniformly drawn); ``to`` is the first day back. The order of the random
    calls is fixed (hazard by hazard, month by month), so a seeded ``rng`` gives the same
    windows every time.
    """
    s = start if isinstance(start, dt.date) else parse_date(start, month="start", field="ensemble start")
    e = end if isinstance(end, dt.date) else parse_date(end, month="end", field="ensemble end")
    months = []
    d = dt.date(s.year, s.month, 1)
    while d <= e:
        nxt = dt.date(d.year + (d.month == 12), d.month % 12 + 1, 1)
        months.append((max(d, s), min(nxt - dt.timedelta(days=1), e)))
        d = nxt
    out = []
    for hz in hazards:
        u = rng.random(len(months))
        day = rng.random(len(months))
        pick = rng.integers(0, len(hz.durations_days), size=len(months))
        for i, (a, b) in enumerate(months):
            if a.month not in hz.months or u[i] >= hz.per_month:
                continue
            first = a + dt.timedelta(days=int(day[i] * ((b - a).days + 1)))
            w: dict[str, Any] = {"element": hz.element, "from": first,
                                 "to": first + dt.timedelta(days=hz.durations_days[int(pick[i])]), "hazard": hz.id}
            w.update(dict(hz.effect))
            out.append(w)
    return out
