"""Period arithmetic: how long a period lasts, whether its data is complete, a year before.

Pure (no Dash, no store): a series is a frame with ``periode`` (the start of each period),
``valeur``, and, for daily indicators, ``jours`` (the days of data the period holds).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping

import pandas as pd

from barometre.data.catalogue import Indicator


def national_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Return the national rows of a series, sorted by period, without missing values."""
    if "membre" in frame:
        frame = frame[frame["membre"] == ""]
    return frame.dropna(subset=["valeur"]).sort_values("periode")


def expected_days(ts: dt.date, granularity: str) -> int:
    """Return how many days the period starting at ``ts`` has."""
    if granularity == "jour":
        return 1
    if granularity == "semaine":
        return 7
    if granularity == "mois":
        return calendar.monthrange(ts.year, ts.month)[1]
    return 366 if calendar.isleap(ts.year) else 365


def is_partial(row: pd.Series | Mapping, granularity: str, indicator: Indicator) -> bool:
    """Return whether a period of a daily indicator has fewer days of data than it has days
    (``row``: a frame's row, as a Series or a record)."""
    if indicator.frequency != "quotidienne" or "jours" not in row:
        return False
    return int(row["jours"]) < expected_days(row["periode"], granularity)


def year_before(ts: pd.Timestamp, granularity: str) -> pd.Timestamp:
    """Return the start of the period a year before: same day, same ISO weekday, same month."""
    if granularity == "semaine":
        return ts - pd.Timedelta(weeks=52)
    return ts - pd.DateOffset(years=1)


def shift_year_back(day: dt.date, granularity: str) -> dt.date:
    """Return the day a year before ``day`` as the comparison counts it (52 weeks for weeks)."""
    return year_before(pd.Timestamp(day), granularity).date()


def period_end(ts: dt.date, granularity: str) -> dt.date:
    """Return the last day of the period starting at ``ts``."""
    start = pd.Timestamp(ts)
    return (start + pd.Timedelta(days=expected_days(start, granularity) - 1)).date()


def year_ago(
    frame: pd.DataFrame, previous: pd.DataFrame, granularity: str, indicator: Indicator
) -> pd.DataFrame:
    """Return, for each period of ``frame``, the same period a year before as ``previous`` has it.

    Columns: ``periode`` (the period shown), ``periode_avant`` (its start a year before) and
    ``valeur_avant`` (NaN when the store has no such period or when either period is incomplete
    for a flow: the overlay never sets a partial count against a complete one). Vectorised: a
    daily series over the whole history has thousands of periods.
    """
    shown = frame[frame["membre"] == ""] if "membre" in frame else frame
    shown = shown.sort_values("periode").reset_index(drop=True)
    shift = pd.Timedelta(weeks=52) if granularity == "semaine" else pd.DateOffset(years=1)
    earlier = national_rows(previous).drop_duplicates("periode", keep="last")
    # Each period of ``earlier`` once: looked up by its start, as merging costs more.
    before = shown["periode"] - shift
    merged = pd.DataFrame(
        {
            "periode": shown["periode"],
            "periode_avant": before,
            "valeur_avant": before.map(
                pd.Series(earlier["valeur"].to_numpy(), index=earlier["periode"])
            ),
        }
    )
    if indicator.aggregation == "somme":
        partial_before = earlier.loc[_partial_mask(earlier, granularity, indicator), "periode"]
        incomplete = _partial_mask(shown, granularity, indicator) | before.isin(partial_before)
        merged.loc[incomplete, "valeur_avant"] = float("nan")
    return merged


def _partial_mask(frame: pd.DataFrame, granularity: str, indicator: Indicator) -> pd.Series:
    """Return ``is_partial`` of every row of ``frame`` at once."""
    if indicator.frequency != "quotidienne" or "jours" not in frame:
        return pd.Series(False, index=frame.index)
    starts = frame["periode"]
    expected = {
        "jour": 1,
        "semaine": 7,
        "mois": starts.dt.days_in_month,
        "annee": 365 + starts.dt.is_leap_year.astype(int),
    }[granularity]
    return frame["jours"] < expected


def events_in(events, frame: pd.DataFrame, granularity: str) -> tuple:
    """Return the events with at least one day in the periods ``frame`` shows."""
    national = national_rows(frame)
    if national.empty:
        return ()
    first = national["periode"].iloc[0].date()
    last = period_end(national["periode"].iloc[-1], granularity)
    return tuple(e for e in events if e.overlaps(first, last))


def events_during(events, ts: dt.date, granularity: str) -> list[str]:
    """Return the titles of the events with at least one day in the period starting at ``ts``."""
    first = pd.Timestamp(ts).date()
    return [e.title for e in events if e.overlaps(first, period_end(first, granularity))]
