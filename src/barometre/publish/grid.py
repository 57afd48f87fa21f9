"""The publication grid of breakdowns of additive figures: closed calendar months.

A breakdown is published per calendar month once the month is over and its last day is in the
data — never for the current month, never finer than a month. Any other period is snapped to
the closed months it touches.
"""

from __future__ import annotations

import datetime as dt

FINER_THAN_MONTH = frozenset({"jour", "semaine"})
# A month whose last day never arrives (a source that stopped) is published this long after.
GRACE = dt.timedelta(days=7)


def month_start(day: dt.date) -> dt.date:
    """Return the first day of ``day``'s month."""
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    """Return the last day of ``day``'s month."""
    following = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def is_closed(month: dt.date, reference: dt.date, last_data: dt.date | None) -> bool:
    """Return whether ``month`` (its first day) may be published on ``reference``.

    Over (its last day before ``reference``) and covered (data up to its last day), or over
    for ``GRACE``: a month published before its last day arrived would be republished with one
    more day, and the two versions would give that day's breakdown.
    """
    end = month_end(month)
    if end >= reference:
        return False
    return (last_data is not None and last_data >= end) or reference - end > GRACE


def closed_months(
    start: dt.date, end: dt.date, reference: dt.date, last_data: dt.date | None
) -> list[dt.date]:
    """Return the first days of the closed months that ``start``–``end`` touches (snapped)."""
    months, month = [], month_start(start)
    while month <= end:
        if is_closed(month, reference, last_data):
            months.append(month)
        month = month_end(month) + dt.timedelta(days=1)
    return months


def snapped(
    start: dt.date, end: dt.date, reference: dt.date, last_data: dt.date | None
) -> tuple[dt.date, dt.date] | None:
    """Return the period a breakdown over ``start``–``end`` is published for, or ``None``."""
    months = closed_months(start, end, reference, last_data)
    return (months[0], month_end(months[-1])) if months else None


def breakdown_granularity(granularity: str) -> str:
    """Return the granularity a per-period breakdown is published at (a month at the finest)."""
    return "mois" if granularity in FINER_THAN_MONTH else granularity
