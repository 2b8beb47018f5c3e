"""Periods of a simulation horizon: calendar days, weeks, months or years.

A horizon runs from ``start`` to ``end`` inclusive. Months and years are calendar
months and years cut to the horizon (a horizon from 15 January has a first "month"
of 17 days); weeks are 7-day blocks counted from ``start``. Every period knows its
length in days; annual figures (capacities in Mt/y, supplies, contracts) become
volumes per period by the factor ``days / 365`` (:data:`DAYS_PER_YEAR`).

Examples
--------
>>> ps = make_periods("2025-10", "2026-02", step="month")
>>> [p.label for p in ps], [p.days for p in ps]
(['2025-10', '2025-11', '2025-12', '2026-01', '2026-02'], [31, 30, 31, 31, 28])
>>> make_periods("2025-01-01", "2025-12-31", step="year")[0].year_fraction
1.0
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Literal, get_args

from .._scenario_fields import STEPS
from ..errors import ScenarioError

__all__ = ["Step", "STEPS", "DAYS_PER_YEAR", "Period", "make_periods", "parse_bound"]

#: A period length.
Step = Literal["day", "week", "month", "year"]
# STEPS (every step, shortest first) is defined with the scenario fields that check ``step``.
assert STEPS == get_args(Step)
#: Days per year behind every annual figure (capacity and supply in units per year).
DAYS_PER_YEAR = 365.0


@dataclasses.dataclass(frozen=True)
class Period:
    """One period: ``start`` to ``end`` inclusive.

    Examples
    --------
    >>> p = Period(0, "2025-12", dt.date(2025, 12, 1), dt.date(2025, 12, 31))
    >>> p.days, round(p.year_fraction, 4)
    (31, 0.0849)
    """

    index: int
    label: str
    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        """Length in days."""
        return (self.end - self.start).days + 1

    @property
    def year_fraction(self) -> float:
        """``days / 365``: the share of an annual figure that falls in this period."""
        return self.days / DAYS_PER_YEAR

    def day_range(self, origin: dt.date) -> slice:
        """This period's days as a slice of a daily array that starts on ``origin``."""
        a = (self.start - origin).days
        return slice(a, a + self.days)


def parse_bound(value: str | dt.date, *, end: bool, where: str = "simulate") -> dt.date:
    """A horizon bound from a date, ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``.

    A month or year stands for its first day as a start and its last day as an end.

    Raises
    ------
    ScenarioError
        For anything else, naming ``where`` and the fix.

    Examples
    --------
    >>> parse_bound("2026-02", end=True), parse_bound("2025", end=False)
    (datetime.date(2026, 2, 28), datetime.date(2025, 1, 1))
    """
    field = "end" if end else "start"
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        if len(text) == 4 and text.isdigit():
            return dt.date(int(text), 12, 31) if end else dt.date(int(text), 1, 1)
        if len(text) == 7 and text[4] == "-":
            y, m = int(text[:4]), int(text[5:])
            first = dt.date(y, m, 1)
            return _next_month(first) - dt.timedelta(days=1) if end else first
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ScenarioError(f"{where}: {field}: {value!r} is not a date (fix: write YYYY-MM-DD, YYYY-MM or YYYY)") from None


def _next_month(d: dt.date) -> dt.date:
    return dt.date(d.year + (d.month == 12), d.month % 12 + 1, 1)


def make_periods(start: str | dt.date, end: str | dt.date, *, step: str = "month", where: str = "simulate") -> list[Period]:
    """The periods from ``start`` to ``end`` (inclusive) in steps of ``step``.

    Labels: ``YYYY-MM-DD`` (days, and weeks by their first day), ``YYYY-MM``
    (months), ``YYYY`` (years).

    Raises
    ------
    ScenarioError
        Unknown step, an unreadable date, or ``end`` before ``start``.

    Examples
    --------
    >>> [p.label for p in make_periods("2026-01-29", "2026-02-02", step="day")][:2]
    ['2026-01-29', '2026-01-30']
    >>> [(p.label, p.days) for p in make_periods("2025-12-20", "2026-01-05", step="week")]
    [('2025-12-20', 7), ('2025-12-27', 7), ('2026-01-03', 3)]
    """
    if step not in STEPS:
        raise ScenarioError(f"{where}: step: {step!r} is unknown (fix: use one of {', '.join(STEPS)})")
    a, b = parse_bound(start, end=False, where=where), parse_bound(end, end=True, where=where)
    if b < a:
        raise ScenarioError(f"{where}: end {b} is before start {a} (fix: give an end on or after the start)")
    out: list[Period] = []
    cur = a
    while cur <= b:
        if step == "day":
            nxt, label = cur + dt.timedelta(days=1), cur.isoformat()
        elif step == "week":
            nxt, label = cur + dt.timedelta(days=7), cur.isoformat()
        elif step == "month":
            nxt, label = _next_month(cur), f"{cur.year:04d}-{cur.month:02d}"
        else:
            nxt, label = dt.date(cur.year + 1, 1, 1), f"{cur.year:04d}"
        last = min(nxt - dt.timedelta(days=1), b)
        out.append(Period(len(out), label, cur, last))
        cur = last + dt.timedelta(days=1)
    return out
