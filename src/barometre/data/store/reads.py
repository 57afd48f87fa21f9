"""Reads of the observations: bounds, status, series and breakdowns, of any publication."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd

from barometre.data.catalogue import Indicator
from barometre.data.store.publications import AsOf, Publications


class Reads(Publications):
    """Read observations, aggregated by the indicator's rule; every input is a bound parameter."""

    def has_observations(self) -> bool:
        """Return whether the store holds any observation."""
        return self._scalar("SELECT 1 FROM observations LIMIT 1") is not None

    def bounds(
        self, indicator_id: str, as_of: AsOf = None, dimension: str = ""
    ) -> tuple[dt.date, dt.date] | None:
        """Return the first and last dates of an indicator's national series, or ``None``.

        ``as_of`` reads a past publication (see ``_published``); ``dimension`` gives the dates
        of that breakdown instead of the national series.
        """
        # A breakdown's rows are all its members; the national series is the one empty member.
        national = " AND member = ''" if not dimension else ""
        source, params = self._published(as_of)
        sql = (
            f"SELECT MIN(date), MAX(date) FROM {source}"  # noqa: S608  # nosec: fixed text
            f" WHERE indicator = ? AND dimension = ?{national}"
        )
        params += (indicator_id, dimension)
        with self._driver_errors():
            row = self._connection().execute(self.dialect.prepare(sql), params).fetchone()
        if row is None or row[0] is None:
            return None
        return dt.date.fromisoformat(row[0]), dt.date.fromisoformat(row[1])

    def status(self) -> pd.DataFrame:
        """Return, per indicator: first and last date, observation count and last update."""
        return self._read(
            "SELECT i.id AS indicateur, MIN(o.date) AS premiere_date, MAX(o.date) AS derniere_date,"
            " COUNT(o.date) AS observations,"
            " (SELECT MAX(p.at) FROM publication_changes c"
            "   JOIN publications p ON p.number = c.publication WHERE c.indicator = i.id)"
            " AS derniere_mise_a_jour"
            " FROM indicators i LEFT JOIN observations o"
            "   ON o.indicator = i.id AND o.dimension = '' AND o.member = ''"
            "   AND o.replaced_in IS NULL"
            " GROUP BY i.id ORDER BY i.id"
        )

    def series(
        self,
        indicator: Indicator,
        start: dt.date,
        end: dt.date,
        granularity: str,
        dimension: str = "",
        as_of: AsOf = None,
        members: Sequence[str] = (),
    ) -> pd.DataFrame:
        """Return the indicator aggregated per period (and per member of ``dimension``).

        Columns: ``periode`` (first day of the period), ``membre`` ('' for the national total),
        ``valeur`` (aggregated by the indicator's rule) and ``jours`` (days with data).
        ``as_of`` gives the values as published at the end of that day (see ``_published``).
        ``members``: only these members; named, they let a short period use the whole primary
        key (one range of dates per member) instead of reading every date of the breakdown.
        """
        period = self.dialect.period(granularity)
        frame = self._aggregate(indicator, period, start, end, dimension, as_of, members)
        frame["periode"] = pd.to_datetime(frame["periode"])
        return frame

    def breakdown(
        self,
        indicator: Indicator,
        dimension: str,
        start: dt.date,
        end: dt.date,
        as_of: AsOf = None,
    ) -> pd.DataFrame:
        """Return the indicator per member of ``dimension`` over the whole period.

        Columns: ``membre``, ``valeur``, ``jours``. ``as_of`` as in ``series``.
        """
        frame = self._aggregate(indicator, "''", start, end, dimension, as_of)
        return frame.drop(columns="periode")

    def _aggregate(
        self,
        indicator: Indicator,
        period: str,
        start: dt.date,
        end: dt.date,
        dimension: str,
        as_of: AsOf = None,
        members: Sequence[str] = (),
    ) -> pd.DataFrame:
        # ``period`` and ``value`` come from fixed tables of SQL fragments, never from input;
        # every value from a request is a bound parameter.
        where = "indicator = ? AND dimension = ? AND date >= ? AND date <= ?"
        source, params = self._published(as_of)
        params += (indicator.id, dimension, start.isoformat(), end.isoformat())
        if members:
            where += f" AND member IN ({', '.join('?' * len(members))})"
            params += tuple(members)
        # PostgreSQL refuses a constant in GROUP BY: the whole-period read groups by member only.
        groups = "member" if period == "''" else f"{period}, member"
        if indicator.aggregation == "dernier":
            sql = (
                "SELECT periode, membre, value AS valeur, jours FROM ("  # noqa: S608  # nosec
                f" SELECT {period} AS periode, member AS membre, value,"
                f" COUNT(*) OVER (PARTITION BY {groups}) AS jours,"
                f" ROW_NUMBER() OVER (PARTITION BY {groups} ORDER BY date DESC) AS rang"
                f" FROM {source} WHERE {where}) AS ranked"
                " WHERE rang = 1 ORDER BY periode, membre"
            )
        else:
            value = (
                "SUM(value)"
                if indicator.aggregation == "somme"
                else ("SUM(value * weight) / NULLIF(SUM(weight), 0)")
            )
            sql = (
                f"SELECT {period} AS periode, member AS membre, {value} AS valeur,"  # noqa: S608  # nosec
                " COUNT(*) AS jours"
                f" FROM {source} WHERE {where}"
                f" GROUP BY {groups} ORDER BY periode, membre"
            )
        frame = self._read(sql, params)
        frame["valeur"] = frame["valeur"].astype(float)
        frame["jours"] = frame["jours"].astype(int)
        return frame

    def _published(self, as_of: AsOf) -> tuple[str, tuple]:
        """Return the observations of a publication as an SQL source and its parameters.

        ``None`` is the current publication; an ``int`` is that publication's number; a date is
        the last publication made by the end of that day (UTC), without the dates after it (a
        store migrated from before publications counts its earlier loads as published then).
        """
        columns = "indicator, dimension, member, date, value, weight"
        if as_of is None:
            return (
                f"(SELECT {columns} FROM observations"  # noqa: S608  # nosec: fixed text
                " WHERE replaced_in IS NULL) published",
                (),
            )
        number = self.publication_as_of(as_of)
        sql = (
            f"(SELECT {columns} FROM observations"  # noqa: S608  # nosec: fixed text
            " WHERE added_in <= ? AND (replaced_in IS NULL OR replaced_in > ?)"
        )
        params: tuple = (number, number)
        if isinstance(as_of, dt.date):
            sql += " AND date <= ?"
            params += (as_of.isoformat(),)
        return sql + ") published", params
