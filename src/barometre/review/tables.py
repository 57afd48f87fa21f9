"""An indicator's series before and after the draft, as wide tables of days and of months.

Pure. Rows are the store's unaggregated observations (``dimension``, ``member``, ``date``,
``value``, ``weight``); a table has one column per series, keyed ``(dimension, member)``: the
national total is ``("", "")``. Months are aggregated by the indicator's rule exactly as the
store's ``series`` aggregates them (a test compares the two), so that what the review calls a
month's value is the figure the public reads.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from barometre.data.catalogue import Indicator

KEY = ["dimension", "member", "date"]
NATIONAL = ("", "")


def daily(rows: pd.DataFrame, days: pd.DatetimeIndex, column: str = "value") -> pd.DataFrame:
    """Return a column of the rows per day (``days``) and series; NaN: no row that day."""
    if rows.empty:
        return pd.DataFrame(index=days, columns=pd.MultiIndex.from_tuples([], names=KEY[:2]))
    table = rows.set_index(["date", "dimension", "member"])[column].unstack(["dimension", "member"])
    return table.reindex(days)


def monthly(values: pd.DataFrame, weights: pd.DataFrame | None, aggregation: str) -> pd.DataFrame:
    """Return daily ``values`` aggregated per month (``PeriodIndex``) by the indicator's rule.

    ``somme``: the sum; ``dernier``: the value of the month's last day with data; ``moyenne``:
    the mean weighted by ``weights``. A month without a value for a series is NaN.
    """
    months = values.index.to_period("M")
    if aggregation == "somme":
        return values.groupby(months).sum(min_count=1)
    if aggregation == "dernier":
        return values.groupby(months).last()
    weights = weights.where(values.notna())
    total = weights.groupby(months).sum(min_count=1)
    return (values * weights).groupby(months).sum(min_count=1) / total.where(total != 0)


@dataclass(frozen=True)
class Tables:
    """One indicator's series, public and with the draft applied, by day and by month.

    ``changed``: the draft's rows that differ from the public (dimension, member, date, old, new);
    ``last_day``: per dimension, the last day of data once the draft is published.
    """

    indicator: Indicator
    before_days: pd.DataFrame
    after_days: pd.DataFrame
    before_months: pd.DataFrame
    after_months: pd.DataFrame
    changed: pd.DataFrame
    last_day: dict[str, pd.Timestamp]

    @classmethod
    def build(
        cls, indicator: Indicator, public: pd.DataFrame, draft: pd.DataFrame, changed: pd.DataFrame
    ) -> Tables:
        """Return the tables of ``public`` rows and of the same with ``draft`` laid over them."""
        public, draft = (_dated(rows) for rows in (public, draft))
        dates = pd.concat([public["date"], draft["date"]])
        days = pd.date_range(dates.min(), dates.max(), freq="D")
        before = daily(public, days)
        after = daily(draft, days).combine_first(before)
        weights = {}
        if indicator.aggregation == "moyenne":
            weights[False] = daily(public, days, "weight")
            weights[True] = daily(draft, days, "weight").combine_first(weights[False])
        # The last day with data of each dimension, once the draft is published.
        last = after.apply(pd.Series.last_valid_index).dropna()
        return cls(
            indicator=indicator,
            before_days=before,
            after_days=after,
            before_months=monthly(before, weights.get(False), indicator.aggregation),
            after_months=monthly(after, weights.get(True), indicator.aggregation),
            changed=_dated(changed),
            last_day=last.groupby(level="dimension").max().to_dict(),
        )

    def complete(self, dimension: str | None, month: pd.Period) -> bool:
        """Return whether a dimension's data (``None``: the indicator's) reach the last day of
        ``month``: a month still open is not compared with whole months."""
        days = self.last_day.values() if dimension is None else [self.last_day.get(dimension)]
        last = max((d for d in days if d is not None), default=None)
        return last is not None and month.end_time.normalize() <= last

    def days_with_data(self, column: tuple[str, str], after: bool) -> pd.Series:
        """Return, per month, how many days of a series have a value."""
        days = (self.after_days if after else self.before_days).get(column)
        if days is None:
            return pd.Series(dtype=int)
        return days.notna().groupby(days.index.to_period("M")).sum()


def _dated(rows: pd.DataFrame) -> pd.DataFrame:
    rows = rows.copy()
    rows["date"] = pd.to_datetime(rows["date"])
    return rows
