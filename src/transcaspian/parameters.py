"""Model parameters: money, mass and emission factors per commodity and mode (internal).

Emission factors come from ``parameters.yaml`` of the geodata folder (see
docs/data_dictionary.md). When the file or a mode is missing, :data:`DEFAULT_EMISSION_FACTORS`
is used and the result's ``meta["emission_factors_source"]`` says so.

The keys parameters.yaml may hold are :data:`PARAMETER_KEYS`; :func:`check_parameters`
reports an unknown key (with the close matches: a misspelt key would otherwise be
ignored and its default used without a word) and every malformed entry.

Examples
--------
>>> check_parameters({"tonnes_per_teu": {"value": 10, "confidence": "estimate", "note": "typical box"}})
[]
>>> [p[:3] for p in check_parameters({"tonnes_per_tue": 10})]
[('tonnes_per_tue', '-', "unknown key 'tonnes_per_tue'")]
"""

from __future__ import annotations

import difflib
import logging
import math
from collections.abc import Iterator, Mapping
from typing import Any

from .schema import COMMODITIES, CONFIDENCES, MODES
from .units import TONNES_PER_TEU, canonical_unit, convert, cost_unit

__all__ = [
    "DEFAULT_EMISSION_FACTORS",
    "DEFAULT_TONNES_PER_BCM",
    "PARAMETER_KEYS",
    "ENTRY_KEYS",
    "check_parameters",
    "cited_sources",
    "usd_factor",
    "tonnes_per_unit",
    "emission_factors",
]

log = logging.getLogger(__name__)

#: Fallback operational (tank-to-wheel) CO2 factors in gCO2 per tonne-km, used only
#: when parameters.yaml gives none. Round, order-of-magnitude values in the range of
#: the GLEC Framework defaults (pipeline ~5, large tanker ~5-10,
#: Ro-Ro/rail ferry ~30-60, diesel/electric rail mix ~20-30, heavy truck ~60-100).
DEFAULT_EMISSION_FACTORS: dict[str, float] = {
    "pipeline": 5.0,
    "tanker": 8.0,
    "ferry": 40.0,
    "rail": 25.0,
    "road": 80.0,
}

#: Mass of one bcm of natural gas in tonnes (density ~0.75 kg/m3 at standard conditions),
#: used for tonne-km of gas only when parameters.yaml gives no figure.
DEFAULT_TONNES_PER_BCM: float = 0.75e6

_G_PER = {"g": 1.0, "gco2": 1.0, "kg": 1e3, "kgco2": 1e3, "t": 1e6, "tco2": 1e6}

#: The top-level keys of parameters.yaml and what each holds. A single figure is a
#: number or an entry ``{value, unit?, sources?, confidence?, note?}`` (:data:`ENTRY_KEYS`).
PARAMETER_KEYS: dict[str, str] = {
    "emission_factors": "operational CO2 per tonne-km: {unit?, <mode>: figure | {<commodity>: figure}}",
    "bbl_per_tonne": "barrels per tonne of crude by grade: {<grade>: figure}",
    "tonnes_per_teu": "average cargo tonnes per loaded TEU: a figure",
    "uranium_u3o8_per_u": "tonnes of U3O8 per tonne of uranium: a figure",
    "gas_density_kg_per_m3": "natural gas density at standard conditions, kg/m3: a figure",
    "tonnes_per_bcm": "tonnes of natural gas per bcm: a figure",
    "gas_tonnes_per_bcm": "tonnes of natural gas per bcm (same as tonnes_per_bcm): a figure",
}
#: The keys of one figure's entry.
ENTRY_KEYS: tuple[str, ...] = ("value", "unit", "sources", "confidence", "note")
#: Keys of the emission_factors table that are not modes.
_TABLE_KEYS: tuple[str, ...] = ("unit", "sources", "note", "notes", "confidence", "factors")
#: Figures that must be strictly positive (a ratio or a density); emission factors may be 0.
_POSITIVE = frozenset({"bbl_per_tonne", "tonnes_per_teu", "uranium_u3o8_per_u", "gas_density_kg_per_m3",
                       "tonnes_per_bcm", "gas_tonnes_per_bcm"})

#: A problem in parameters.yaml: element (the key path), field, what is wrong, the fix.
ParameterProblem = tuple[str, str, str, str]


def _did_you_mean(key: str, choices: Any) -> str:
    close = difflib.get_close_matches(key, sorted(choices), n=3, cutoff=0.5)
    if close:
        return f"did you mean {', '.join(close)}?"
    return f"use one of {', '.join(sorted(choices))}"


def check_parameters(doc: Any) -> list[ParameterProblem]:
    """Every problem of a parsed parameters.yaml, as (element, field, message, fix).

    Checks the top-level keys against :data:`PARAMETER_KEYS` (close matches
    suggested), each figure (a finite number, > 0 for ratios and densities, >= 0
    for emission factors), the keys of each entry (:data:`ENTRY_KEYS`), its
    ``confidence``, that an estimate or derived figure has a note saying how it was
    obtained, that ``sources`` is a list, and the modes, commodities and units of
    ``emission_factors``. Whether the cited sources exist is for the caller, which
    knows sources.yaml (see :func:`cited_sources`).

    Examples
    --------
    >>> check_parameters({"emission_factors": {"rial": 30}})[0][:3]
    ('emission_factors.rial', '-', "unknown mode 'rial'")
    >>> check_parameters({"tonnes_per_teu": -1})[0][2]
    'tonnes_per_teu -1 is not a number > 0'
    """
    if doc is None:
        return []
    if not isinstance(doc, Mapping):
        return [("-", "-", f"parameters.yaml holds a {type(doc).__name__}, not a mapping",
                 f"write a mapping of {', '.join(PARAMETER_KEYS)}")]
    out: list[ParameterProblem] = []
    for key, value in doc.items():
        k = str(key)
        if k not in PARAMETER_KEYS:
            out.append((k, "-", f"unknown key {k!r}", f"{_did_you_mean(k, PARAMETER_KEYS)} (the keys are documented in "
                        "transcaspian.parameters.PARAMETER_KEYS); an unknown key is ignored and the default used"))
        elif k == "emission_factors":
            out += _check_emission_table(value)
        elif k == "bbl_per_tonne":
            if not isinstance(value, Mapping):
                out.append((k, "-", f"{value!r} is not a mapping of crude grades", "write bbl_per_tonne: {<grade>: {value, ...}}"))
                continue
            for grade, entry in value.items():
                out += _check_figure(f"{k}.{grade}", entry, positive=True)
        else:
            out += _check_figure(k, value, positive=k in _POSITIVE)
    return out


def cited_sources(doc: Any) -> Iterator[tuple[str, str]]:
    """(element, source id) for every source parameters.yaml cites.

    Examples
    --------
    >>> list(cited_sources({"tonnes_per_teu": {"value": 10, "sources": ["S1"]}}))
    [('tonnes_per_teu', 'S1')]
    """
    def walk(node: Any, path: str) -> Iterator[tuple[str, str]]:
        if isinstance(node, Mapping):
            srcs = node.get("sources")
            if isinstance(srcs, list):
                yield from ((path or "-", str(s)) for s in srcs)
            for k, v in node.items():
                if k != "sources":
                    yield from walk(v, f"{path}.{k}" if path else str(k))

    yield from walk(doc, "")


def _is_figure(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def _check_figure(el: str, entry: Any, *, positive: bool) -> list[ParameterProblem]:
    """Problems of one figure: a number, or an entry {value, unit, sources, confidence, note}."""
    bound = "> 0" if positive else ">= 0"
    fix = f"give a finite number {bound}, or {{value: <number>, sources: [...], confidence: ..., note: ...}}"
    if not isinstance(entry, Mapping):
        ok = _is_figure(entry) and (entry > 0 if positive else entry >= 0)
        return [] if ok else [(el, "-", f"{el} {entry!r} is not a number {bound}", fix)]
    out: list[ParameterProblem] = []
    for k in entry:
        if k not in ENTRY_KEYS:
            out.append((el, str(k), f"unknown key {k!r} in the entry", _did_you_mean(str(k), ENTRY_KEYS)))
    if "value" not in entry:
        out.append((el, "value", "the entry has no value", fix))
    else:
        v = entry["value"]
        if not (_is_figure(v) and (v > 0 if positive else v >= 0)):
            out.append((el, "value", f"value {v!r} is not a number {bound}", fix))
    out += _check_provenance(el, entry)
    return out


def _check_provenance(el: str, entry: Mapping[str, Any]) -> list[ParameterProblem]:
    out: list[ParameterProblem] = []
    srcs = entry.get("sources")
    if srcs is not None and not (isinstance(srcs, list) and all(isinstance(s, str) for s in srcs)):
        out.append((el, "sources", f"sources {srcs!r} is not a list of source ids", "write sources: [S1, S2]"))
    conf = entry.get("confidence")
    if conf is not None and (not isinstance(conf, str) or conf not in CONFIDENCES):
        out.append((el, "confidence", f"confidence {conf!r} unknown", "use reported, derived or estimate"))
    if conf in ("derived", "estimate") and not str(entry.get("note") or "").strip():
        out.append((el, "note", f"{conf} figure has no note saying how it was obtained", "explain the derivation or estimate in note"))
    unit = entry.get("unit")
    if unit is not None and not isinstance(unit, str):
        out.append((el, "unit", f"unit {unit!r} is not text", "write the unit, e.g. gCO2/tkm"))
    return out


def _check_emission_unit(el: str, unit: Any) -> list[ParameterProblem]:
    if unit is None:
        return []
    head, _, per = str(unit).replace(" ", "").lower().partition("/")
    if head in _G_PER and per == "tkm":
        return []
    return [(el, "unit", f"emission unit {unit!r} is not mass of CO2 per tonne-km",
             "write gCO2/tkm, kgCO2/tkm or tCO2/tkm")]


def _check_emission_table(table: Any) -> list[ParameterProblem]:
    el = "emission_factors"
    if not isinstance(table, Mapping):
        return [(el, "-", f"{table!r} is not a mapping of modes", "write emission_factors: {unit: gCO2/tkm, <mode>: {value, ...}}")]
    if isinstance(table.get("factors"), Mapping):
        table = {**table["factors"], **{k: v for k, v in table.items() if k != "factors"}}
    out = _check_emission_unit(el, table.get("unit"))
    for mode, entry in table.items():
        m = str(mode)
        if m in _TABLE_KEYS:
            continue
        if m not in MODES:
            out.append((f"{el}.{m}", "-", f"unknown mode {m!r}", _did_you_mean(m, MODES)))
            continue
        if isinstance(entry, Mapping) and "value" not in entry and any(k in COMMODITIES for k in entry):
            for comm, v in entry.items():  # per commodity
                if str(comm) in ENTRY_KEYS:
                    continue
                if comm not in COMMODITIES:
                    out.append((f"{el}.{m}.{comm}", "-", f"unknown commodity {comm!r}", _did_you_mean(str(comm), COMMODITIES)))
                else:
                    out += _check_figure(f"{el}.{m}.{comm}", v, positive=False)
                    if isinstance(v, Mapping):
                        out += _check_emission_unit(f"{el}.{m}.{comm}", v.get("unit"))
            out += _check_emission_unit(f"{el}.{m}", entry.get("unit"))
            continue
        out += _check_figure(f"{el}.{m}", entry, positive=False)
        if isinstance(entry, Mapping):
            out += _check_emission_unit(f"{el}.{m}", entry.get("unit"))
    return out


def usd_factor(commodity: str) -> float:
    """Cost units per canonical flow unit: USD/y = flow x cost x this factor.

    Examples
    --------
    >>> usd_factor("crude"), usd_factor("gas"), usd_factor("containers"), usd_factor("uranium")
    (1000000.0, 1000000.0, 1.0, 1000.0)
    """
    flow = canonical_unit(commodity)
    per = cost_unit(commodity).split("/", 1)[1]
    if per == "t":
        return convert(1.0, flow, "t/y")
    if per == "kcm":
        return convert(1.0, flow, "m3/y") / 1e3
    if per == "TEU":
        return convert(1.0, flow, "TEU/y")
    raise ValueError(f"no money factor for cost unit {cost_unit(commodity)}")  # pragma: no cover


def tonnes_per_unit(commodity: str, parameters: Mapping[str, Any] | None = None) -> float:
    """Tonnes moved per year by one canonical flow unit of ``commodity``.

    Examples
    --------
    >>> tonnes_per_unit("crude"), tonnes_per_unit("containers")
    (1000000.0, 10.0)
    """
    flow = canonical_unit(commodity)
    if flow == "TEU/y":
        return TONNES_PER_TEU
    if flow == "bcm/y":
        p = dict(parameters or {})
        for key in ("tonnes_per_bcm", "gas_tonnes_per_bcm"):
            v = p.get(key)
            if isinstance(v, Mapping):
                v = v.get("value")
            if isinstance(v, int | float) and v > 0:
                return float(v)
        dens = p.get("gas_density_kg_per_m3")
        if isinstance(dens, Mapping):
            dens = dens.get("value")
        if isinstance(dens, int | float) and dens > 0:
            return float(dens) * 1e9 / 1e3
        return DEFAULT_TONNES_PER_BCM
    return convert(1.0, flow, "t/y")


def _value_in_g(entry: Any, default_unit: str) -> float | None:
    unit = default_unit
    if isinstance(entry, Mapping):
        unit = str(entry.get("unit", default_unit))
        for key in ("value", "g_per_tkm", "factor", "co2"):
            if key in entry:
                entry = entry[key]
                break
        else:
            return None
    if not isinstance(entry, int | float) or isinstance(entry, bool) or not math.isfinite(entry):
        return None
    head = unit.replace(" ", "").lower().split("/", 1)[0]
    return float(entry) * _G_PER.get(head, 1.0)


def emission_factors(parameters: Mapping[str, Any] | None) -> tuple[dict[str, dict[str, float]], str]:
    """CO2 factors in g per tonne-km: ``{mode: {commodity or "*": g}}`` and where they came from.

    Reads ``parameters["emission_factors"]``: either ``{mode: number}``,
    ``{mode: {value, unit, ...}}`` or ``{mode: {commodity: number | {value, unit}}}``;
    an optional ``unit`` next to the modes (default ``gCO2/tkm``). Modes it does not
    give fall back to :data:`DEFAULT_EMISSION_FACTORS`.

    Examples
    --------
    >>> f, src = emission_factors({"emission_factors": {"rail": 22, "unit": "gCO2/tkm"}})
    >>> f["rail"]["*"], f["road"]["*"], src.startswith("parameters.yaml")
    (22.0, 80.0, True)
    """
    table = (parameters or {}).get("emission_factors") if parameters else None
    if isinstance(table, Mapping) and isinstance(table.get("factors"), Mapping):
        table = {**table["factors"], "unit": table.get("unit", "gCO2/tkm")}
    out: dict[str, dict[str, float]] = {}
    if isinstance(table, Mapping):
        unit = str(table.get("unit", "gCO2/tkm"))
        for mode, entry in table.items():
            if mode in ("unit", "sources", "note", "notes", "confidence"):
                continue
            g = _value_in_g(entry, unit)
            if g is not None:
                out[str(mode)] = {"*": g}
                continue
            if isinstance(entry, Mapping):
                sub_unit = str(entry.get("unit", unit))
                per = {}
                for comm, v in entry.items():
                    gv = _value_in_g(v, sub_unit)
                    if gv is not None:
                        per[str(comm)] = gv
                if per:
                    out[str(mode)] = per
    missing = [m for m in DEFAULT_EMISSION_FACTORS if m not in out]
    if not out:
        source = "built-in defaults (parameters.yaml gives no emission_factors)"
    elif missing:
        source = f"parameters.yaml; built-in defaults for {', '.join(missing)}"
    else:
        source = "parameters.yaml"
    for m in missing:
        out[m] = {"*": DEFAULT_EMISSION_FACTORS[m]}
    return out, source


def factor_for(table: Mapping[str, Mapping[str, float]], mode: str, commodity: str) -> float:
    """g CO2 per tonne-km for a mode and commodity (0 for an unknown mode)."""
    per = table.get(mode) or {}
    if commodity in per:
        return per[commodity]
    if "*" in per:
        return per["*"]
    if per:
        return sum(per.values()) / len(per)
    return 0.0

