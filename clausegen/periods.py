"""Calendar arithmetic for contract periods: the rule is stated in docs/format.md ("Dates and periods").

A period of N months whose first day is S ends at the end of the day before the day with S's date
N months later; when that day does not exist in that month, it ends on the month's last day
(in the manner of Regulation (EEC, Euratom) No 1182/71, Art. 3(2)(c)). So 60 months from
1 March 2027 end on 29 February 2032, and 1 month from 31 January ends on 28 or 29 February.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

_ISO = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class PeriodError(ValueError):
    """A computed date falls outside the calendar (before 1 January 1 or after 31 December 9999)."""


def _month_index(day: dt.date, months: int) -> tuple[int, int]:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        raise PeriodError(f"{months} months from {day.isoformat()} falls outside the years 1 to 9999")
    return year, month + 1


def add_months(day: dt.date, months: int) -> dt.date:
    """The day with the same date `months` later (or earlier, if negative), clamped to the month's
    last day: 31 January + 1 month = 28 or 29 February."""
    year, month = _month_index(day, months)
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_days(day: dt.date, days: int) -> dt.date:
    """`days` calendar days later; the day counted from is not part of the period (Art. 3(1))."""
    try:
        return day + dt.timedelta(days=days)
    except OverflowError as e:
        raise PeriodError(f"{days} days from {day.isoformat()} falls outside the years 1 to 9999") from e


def term_end(first_day: dt.date, months: int) -> dt.date:
    """The last day of a period of `months` months (at least 1) whose first day is `first_day`."""
    if months < 1:
        raise PeriodError(f"a period of {months} months has no last day; it must be at least 1 month")
    try:
        if first_day.day == 1:  # the day before the 1st is the last day of the month before
            year, month = _month_index(first_day, months - 1)
            return dt.date(year, month, calendar.monthrange(year, month)[1])
        year, month = _month_index(first_day, months)
    except PeriodError as e:
        raise PeriodError(f"a period of {months} months from {first_day.isoformat()} ends after the year 9999") from e
    return dt.date(year, month, min(first_day.day - 1, calendar.monthrange(year, month)[1]))


def months_before(day: dt.date, months: int) -> dt.date:
    """The date `months` before `day`, clamped to the month's last day."""
    return add_months(day, -months)


def parse_iso(text: str) -> dt.date:
    """A date written YYYY-MM-DD (the only form profiles use)."""
    if not _ISO.fullmatch(text):
        raise PeriodError(f"{text!r} is not a date written YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(text)
    except ValueError as e:
        raise PeriodError(f"{text!r} is not a date written YYYY-MM-DD") from e
