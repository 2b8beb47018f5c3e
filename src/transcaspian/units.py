"""Commodities, their canonical units, and explicit unit conversions.

One canonical unit per commodity: crude (and condensate) in ``Mt/y``, gas in
``bcm/y``, containers in ``TEU/y``, rare earths and uranium in ``kt/y``. Capacities
published in other units (barrels per day, million m3 per day, FEU) are converted by
the functions here, never inline.

Examples
--------
>>> from transcaspian import units
>>> round(units.convert(1.2, "Mbpd", "Mt/y", bbl_per_tonne=7.45), 2)
58.79
>>> units.canonical_unit("crude")
'Mt/y'
>>> units.convert(2, "FEU/y", "TEU/y")
4.0
"""

from __future__ import annotations

from collections.abc import Iterable

from .errors import UnitError
from .schema import COMMODITIES

__all__ = [
    "COMMODITIES",
    "CANONICAL_UNITS",
    "COST_UNITS",
    "BBL_PER_TONNE",
    "TONNES_PER_TEU",
    "DAYS_PER_YEAR",
    "canonical_unit",
    "cost_unit",
    "convert",
    "is_convertible",
    "bbl_per_day_to_mt_per_year",
    "mt_per_year_to_bbl_per_day",
    "capacity_factor",
    "check_commodity",
    "commodities_for_unit",
]

# COMMODITIES (the commodities the model knows, in display order) is
# :data:`transcaspian.schema.COMMODITIES`, re-exported here.

#: Canonical flow/capacity unit of each commodity.
CANONICAL_UNITS: dict[str, str] = {
    "crude": "Mt/y",
    "gas": "bcm/y",
    "containers": "TEU/y",
    "rare_earths": "kt/y",
    "uranium": "kt/y",
}

#: Unit of link costs, per commodity (USD per unit moved).
COST_UNITS: dict[str, str] = {
    "crude": "USD/t",
    "gas": "USD/kcm",
    "containers": "USD/TEU",
    "rare_earths": "USD/t",
    "uranium": "USD/t",
}

#: Barrels per tonne by grade (FACTS.md section 8). CPC Blend 7.9 is an estimate from
#: Tengizchevroil figures (7.96-7.98) and Reuters' BTC figures (~7.8); the Kazakh
#: national average 7.5 is the Reuters convention; Azeri/BTC 7.45 from 591 Mt = 4.4 bn bbl.
BBL_PER_TONNE: dict[str, float] = {"cpc_blend": 7.9, "kazakh_average": 7.5, "azeri_btc": 7.45}

#: Average gross tonnes per loaded TEU, used only to share a mass capacity between
#: containers and bulk. Estimate: 10 t/TEU, between the typical 7-14 t cargo per TEU
#: of loaded intermodal boxes; see docs/data_dictionary.md (Shared capacities).
TONNES_PER_TEU: float = 10.0

DAYS_PER_YEAR: float = 365.0

# Each unit: (dimension, factor to the dimension's base unit).
# Bases: mass -> t/y, gas -> m3/y, boxes -> TEU/y, volume (oil) -> bbl/y.
_UNITS: dict[str, tuple[str, float]] = {
    "Mt/y": ("mass", 1e6),
    "kt/y": ("mass", 1e3),
    "t/y": ("mass", 1.0),
    "bcm/y": ("gas", 1e9),
    "mcm/d": ("gas", 1e6 * DAYS_PER_YEAR),
    "m3/y": ("gas", 1.0),
    "TEU/y": ("boxes", 1.0),
    "FEU/y": ("boxes", 2.0),
    "bbl/d": ("volume", DAYS_PER_YEAR),
    "bpd": ("volume", DAYS_PER_YEAR),
    "kbpd": ("volume", 1e3 * DAYS_PER_YEAR),
    "Mbpd": ("volume", 1e6 * DAYS_PER_YEAR),
}


def check_commodity(commodity: str) -> str:
    """Return ``commodity`` if it is known, else raise :class:`UnitError`.

    Examples
    --------
    >>> check_commodity("gas")
    'gas'
    """
    if commodity not in CANONICAL_UNITS:
        raise UnitError(
            f"unknown commodity {commodity!r}; use one of {', '.join(COMMODITIES)}"
        )
    return commodity


def canonical_unit(commodity: str) -> str:
    """Canonical flow unit of ``commodity`` (e.g. ``'Mt/y'`` for crude)."""
    return CANONICAL_UNITS[check_commodity(commodity)]


def cost_unit(commodity: str) -> str:
    """Cost unit of ``commodity`` (e.g. ``'USD/t'`` for crude)."""
    return COST_UNITS[check_commodity(commodity)]


def _dim(unit: str) -> tuple[str, float]:
    try:
        return _UNITS[unit]
    except KeyError:
        raise UnitError(f"unknown unit {unit!r}; use one of {', '.join(_UNITS)}") from None


def is_convertible(src: str, dst: str) -> bool:
    """Whether ``src`` converts to ``dst`` (barrels count as mass, given a grade).

    Examples
    --------
    >>> is_convertible("kbpd", "Mt/y"), is_convertible("bcm/y", "Mt/y")
    (True, False)
    """
    a, b = _dim(src)[0], _dim(dst)[0]
    return a == b or {a, b} == {"volume", "mass"}


def convert(value: float, src: str, dst: str, *, bbl_per_tonne: float | None = None) -> float:
    """Convert ``value`` from unit ``src`` to unit ``dst``.

    Parameters
    ----------
    value : float
    src, dst : str
        Units such as ``'Mt/y'``, ``'kbpd'``, ``'bcm/y'``, ``'TEU/y'``.
    bbl_per_tonne : float, optional
        Required to convert between barrels and tonnes.

    Raises
    ------
    UnitError
        If either unit is unknown or the two do not measure the same thing.

    Examples
    --------
    >>> convert(145_000, "bpd", "Mt/y", bbl_per_tonne=7.3) > 7
    True
    """
    (da, fa), (db, fb) = _dim(src), _dim(dst)
    base = value * fa
    if da == db:
        return base / fb
    if {da, db} == {"volume", "mass"}:
        if not bbl_per_tonne or bbl_per_tonne <= 0:
            raise UnitError(
                f"converting {src} to {dst} needs bbl_per_tonne (e.g. {BBL_PER_TONNE})"
            )
        base = base / bbl_per_tonne if da == "volume" else base * bbl_per_tonne
        return base / fb
    raise UnitError(f"cannot convert {src} to {dst}: they measure {da} and {db}")


def bbl_per_day_to_mt_per_year(bbl_per_day: float, *, bbl_per_tonne: float) -> float:
    """Barrels per day to million tonnes per year.

    Examples
    --------
    >>> round(bbl_per_day_to_mt_per_year(1_000_000, bbl_per_tonne=7.3), 1)
    50.0
    """
    return convert(bbl_per_day, "bbl/d", "Mt/y", bbl_per_tonne=bbl_per_tonne)


def mt_per_year_to_bbl_per_day(mt_per_year: float, *, bbl_per_tonne: float) -> float:
    """Million tonnes per year to barrels per day (inverse of the above).

    Examples
    --------
    >>> round(mt_per_year_to_bbl_per_day(1.0, bbl_per_tonne=7.9))
    21644
    """
    return convert(mt_per_year, "Mt/y", "bbl/d", bbl_per_tonne=bbl_per_tonne)


def capacity_factor(commodity: str, capacity_unit: str) -> float:
    """Capacity units used by one canonical unit of ``commodity`` on a shared capacity.

    A capacity in ``capacity_unit`` shared by several commodities is the sum of each
    commodity's flow times this factor. Containers count ``TONNES_PER_TEU`` tonnes per
    TEU against a mass capacity; crude against a barrel capacity uses the CPC Blend
    barrels per tonne.

    Raises
    ------
    UnitError
        If the commodity's flow cannot be expressed in ``capacity_unit`` (e.g. gas on a
        Mt/y capacity).

    Examples
    --------
    >>> capacity_factor("rare_earths", "Mt/y")
    0.001
    >>> capacity_factor("containers", "Mt/y")
    1e-05
    """
    cu = canonical_unit(commodity)
    if is_convertible(cu, capacity_unit):
        return convert(1.0, cu, capacity_unit, bbl_per_tonne=BBL_PER_TONNE["cpc_blend"])
    dc, dcap = _dim(cu)[0], _dim(capacity_unit)[0]
    if dc == "boxes" and dcap in ("mass", "volume"):
        tonnes = convert(1.0, cu, "TEU/y") * TONNES_PER_TEU
        return convert(tonnes, "t/y", capacity_unit, bbl_per_tonne=BBL_PER_TONNE["cpc_blend"])
    if dc == "mass" and dcap == "boxes":
        return convert(1.0, cu, "t/y") / TONNES_PER_TEU / convert(1.0, capacity_unit, "TEU/y")
    raise UnitError(
        f"a capacity in {capacity_unit} cannot limit {commodity} (measured in {cu}); "
        f"give the capacity in {cu} or drop {commodity} from the element's commodities"
    )


def commodities_for_unit(unit: str, commodities: Iterable[str] = COMMODITIES) -> list[str]:
    """Commodities among ``commodities`` whose flow can count against ``unit``."""
    out = []
    for c in commodities:
        try:
            capacity_factor(c, unit)
        except UnitError:
            continue
        out.append(c)
    return out
