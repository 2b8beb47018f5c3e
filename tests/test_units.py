"""Unit conversions are explicit and tested, including round trips."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from transcaspian import units
from transcaspian.errors import UnitError


def test_fact_sheet_conversions():
    # FACTS.md section 8: 1 Mt/y = 20.0 kbpd at 7.3, 20.5 at 7.5, 21.6 at 7.9
    for bpt, kbpd in ((7.3, 20.0), (7.5, 20.5), (7.9, 21.6)):
        assert units.convert(1, "Mt/y", "kbpd", bbl_per_tonne=bpt) == pytest.approx(kbpd, abs=0.05)
    # 1 Mbpd = 50.0 / 48.7 / 46.2 Mt/y
    for bpt, mt in ((7.3, 50.0), (7.5, 48.7), (7.9, 46.2)):
        assert units.convert(1, "Mbpd", "Mt/y", bbl_per_tonne=bpt) == pytest.approx(mt, abs=0.05)
    # 1 bcm/y = 2.74 mcm/d
    assert units.convert(1, "bcm/y", "mcm/d") == pytest.approx(2.74, abs=0.005)
    assert units.convert(1, "FEU/y", "TEU/y") == 2


@given(st.floats(0.001, 1e4), st.floats(6.5, 8.5))
def test_barrel_round_trip(v, bpt):
    back = units.mt_per_year_to_bbl_per_day(units.bbl_per_day_to_mt_per_year(v, bbl_per_tonne=bpt), bbl_per_tonne=bpt)
    assert math.isclose(back, v, rel_tol=1e-12)


def test_barrels_need_a_grade():
    with pytest.raises(UnitError, match="bbl_per_tonne"):
        units.convert(1, "kbpd", "Mt/y")


@pytest.mark.parametrize("src,dst", [("bcm/y", "Mt/y"), ("TEU/y", "kt/y"), ("Mt/y", "bcm/y")])
def test_incompatible_units_raise(src, dst):
    with pytest.raises(UnitError):
        units.convert(1, src, dst)


def test_unknown_unit_and_commodity():
    with pytest.raises(UnitError, match="unknown unit"):
        units.convert(1, "barrels", "Mt/y")
    with pytest.raises(UnitError, match="unknown commodity"):
        units.canonical_unit("wheat")


def test_shared_capacity_factors():
    assert units.capacity_factor("crude", "Mt/y") == 1
    assert units.capacity_factor("uranium", "Mt/y") == pytest.approx(1e-3)
    assert units.capacity_factor("containers", "Mt/y") == pytest.approx(units.TONNES_PER_TEU / 1e6)
    assert units.capacity_factor("rare_earths", "TEU/y") == pytest.approx(1e3 / units.TONNES_PER_TEU)
    with pytest.raises(UnitError):
        units.capacity_factor("gas", "Mt/y")
    assert units.commodities_for_unit("bcm/y") == ["gas"]


def test_commodities_are_the_schema_vocabulary():
    from transcaspian import schema

    assert units.COMMODITIES is schema.COMMODITIES
    assert set(units.CANONICAL_UNITS) == set(schema.COMMODITIES)
