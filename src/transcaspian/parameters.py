"""Model parameters: money, mass and emission factors per commodity and mode (internal).

Emission factors come from ``parameters.yaml`` of the geodata folder (see
docs/data_dictionary.md). When the file or a mode is missing, :data:`DEFAULT_EMISSION_FACTORS`
is used and the result's ``meta["emission_factors_source"]`` says so.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from typing import Any

from .units import TONNES_PER_TEU, canonical_unit, convert, cost_unit

__all__ = [
    "DEFAULT_EMISSION_FACTORS",
    "DEFAULT_TONNES_PER_BCM",
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

