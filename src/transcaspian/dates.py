"""Strict calendar dates: one parser for every date the toolkit reads.

A scenario's ``as_of``, ``load_network(as_of=...)``, ``transcaspian ... --as-of`` and
the ``date`` of each event in events.yaml all go through :func:`parse_date`, so an
impossible date is an error everywhere instead of a silently different day (before
this module ``as_of: 2025-13`` became 2025-01-31). Two forms are accepted:

``YYYY-MM-DD``
    A calendar day: four-digit year, month 01-12, a day that exists in that month.
``YYYY-MM``
    A whole month. As an ``as_of`` it means the month's last day (every event of the
    month applied, ``month="end"``); as an event date the month's first day
    (``month="start"``).

Anything else (``2025-13``, ``2025-00``, ``2025-02-30``, ``25-12-01``, ``20251201``,
``2025-W01``) is refused with the reason and the fix. :class:`datetime.date` and
:class:`datetime.datetime` values (what YAML makes of an unquoted valid date) pass
through.

Examples
--------
>>> from transcaspian.dates import parse_date, date_problem
>>> parse_date("2025-11-29"), parse_date("2025-02", month="end"), parse_date("2025-02", month="start")
(datetime.date(2025, 11, 29), datetime.date(2025, 2, 28), datetime.date(2025, 2, 1))
>>> date_problem("2025-02-30")
"'2025-02-30' is not a date: February 2025 has 28 days"
>>> parse_date("2025-13", field="as_of")
Traceback (most recent call last):
...
transcaspian.errors.NetworkDataError: as_of: '2025-13' is not a date: month 13 is not 01-12 (fix: write YYYY-MM-DD or YYYY-MM, e.g. 2025-12-01 or 2025-12)
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Literal

from .errors import NetworkDataError

__all__ = ["DATE_FIX", "MonthDay", "date_fix", "date_problem", "parse_date"]

#: Which day a bare month ``YYYY-MM`` stands for: its first, its last, or none (refused).
MonthDay = Literal["start", "end"] | None
#: The fix of every date problem.
DATE_FIX = "write YYYY-MM-DD or YYYY-MM, e.g. 2025-12-01 or 2025-12"
_DAY_FIX = "write YYYY-MM-DD, e.g. 2025-12-01"
_DATE_RE = re.compile(r"(?P<y>\d{4})-(?P<m>\d{2})(?:-(?P<d>\d{2}))?")


def date_problem(value: object, *, month: MonthDay = "end") -> str | None:
    """What is wrong with ``value`` as a date, or None if :func:`parse_date` accepts it.

    Parameters
    ----------
    value : object
        A string, a :class:`datetime.date` or anything else (refused).
    month : {"end", "start", None}, default "end"
        Whether a bare month ``YYYY-MM`` is accepted (``None``: only days).

    Examples
    --------
    >>> date_problem("2025-12"), date_problem("2025-12", month=None)
    (None, "'2025-12' is a month, not a day")
    >>> date_problem("25-12-01")
    "'25-12-01' is not a date: write the year with four digits"
    """
    reason = _reason(value, month)
    return None if reason is None else f"{value!r} is {reason}"


def _reason(value: object, month: MonthDay) -> str | None:
    """Why ``value`` is not a date (the text after "is"), or None."""
    if isinstance(value, dt.date):
        return None
    if value is None:
        return "not a date: no date given"
    if not isinstance(value, str):
        what = "a number" if isinstance(value, int | float) else f"a {type(value).__name__}"
        return f"{what}, not a date"
    text = value.strip()
    m = _DATE_RE.fullmatch(text)
    if m is None:
        if re.fullmatch(r"\d{1,3}-\d{1,2}(-\d{1,2})?", text):
            return "not a date: write the year with four digits"
        if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}|\d{4}-\d", text):
            return "not a date: write the month and the day with two digits"
        return "not a date in the form YYYY-MM-DD" + (" or YYYY-MM" if month is not None else "")
    year, mon = int(m["y"]), int(m["m"])
    if year < 1:
        return f"not a date: there is no year {m['y']}"
    if not 1 <= mon <= 12:
        return f"not a date: month {m['m']} is not 01-12"
    if m["d"] is None:
        return "a month, not a day" if month is None else None
    days = calendar.monthrange(year, mon)[1]
    if not 1 <= int(m["d"]) <= days:
        return f"not a date: {calendar.month_name[mon]} {year} has {days} days"
    return None


def parse_date(value: object, *, month: MonthDay = "end", field: str = "date") -> dt.date:
    """The calendar day ``value`` names (see the module docstring for the forms).

    Parameters
    ----------
    value : str or datetime.date
        ``YYYY-MM-DD``, ``YYYY-MM`` (when ``month`` is given) or a date; a
        :class:`datetime.datetime` gives its date.
    month : {"end", "start", None}, default "end"
        The day a bare month stands for: its last (an ``as_of``: the whole month's
        events), its first (an event dated to a month), or refused (``None``).
    field : str, default "date"
        What the value is, for the message (``as_of``, ``events.yaml: <id>: date``).

    Returns
    -------
    datetime.date

    Raises
    ------
    NetworkDataError
        Naming ``field``, the value, what is wrong and the fix.

    Examples
    --------
    >>> parse_date(dt.datetime(2025, 11, 29, 12)), parse_date("2024-02", month="end")
    (datetime.date(2025, 11, 29), datetime.date(2024, 2, 29))
    >>> parse_date("2025-02-30")
    Traceback (most recent call last):
    ...
    transcaspian.errors.NetworkDataError: date: '2025-02-30' is not a date: February 2025 has 28 days (fix: write YYYY-MM-DD or YYYY-MM, e.g. 2025-12-01 or 2025-12)
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    problem = date_problem(value, month=month)
    if problem is not None or not isinstance(value, str):
        raise NetworkDataError(f"{field}: {problem} (fix: {date_fix(month)})")
    parts = [int(p) for p in value.strip().split("-")]
    if len(parts) == 3:
        return dt.date(*parts)
    year, mon = parts
    if month == "start":
        return dt.date(year, mon, 1)
    return dt.date(year, mon, calendar.monthrange(year, mon)[1])


def date_fix(month: MonthDay = "end") -> str:
    """The fix of a date problem: the forms accepted.

    Examples
    --------
    >>> date_fix(None)
    'write YYYY-MM-DD, e.g. 2025-12-01'
    """
    return DATE_FIX if month is not None else _DAY_FIX
