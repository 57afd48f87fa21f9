"""Reads of the publications: which one was public when, what each changed, what the draft holds.

A publication is named by its number; ``AsOf`` is how readers ask for a past one: ``None`` for
the current state, a number, or a date (the last publication made by the end of that day, UTC).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from barometre.data.store.connection import Connections

AsOf = dt.date | int | None

_KEY = "indicator, dimension, member, date"

# One row per key publication N changed: the value it replaced (NULL: added) and the value it
# holds now (NULL: removed). Four parameters: N, N, N, N.
CHANGES = (
    "SELECT indicator, dimension, member, date,"
    " MAX(CASE WHEN replaced_in = ? THEN value END) AS old,"
    " MAX(CASE WHEN added_in = ? THEN value END) AS new"
    " FROM observations WHERE added_in = ? OR replaced_in = ?"
    " GROUP BY indicator, dimension, member, date"
)


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


class Publications(Connections):
    """Read the publication log, the changes of a publication and of the draft."""

    def last_publication(self) -> int:
        """Return the number of the current publication (0 before any)."""
        return int(self._scalar("SELECT COALESCE(MAX(number), 0) FROM publications"))

    def publication_as_of(self, as_of: dt.date | int) -> int:
        """Return the number of the publication public at ``as_of`` (0: none yet)."""
        if not isinstance(as_of, dt.date):
            return int(as_of)
        # ``at`` is an ISO timestamp in UTC: the next day's date sorts after the whole day.
        next_day = (as_of + dt.timedelta(days=1)).isoformat()
        return int(
            self._scalar(
                "SELECT COALESCE(MAX(number), 0) FROM publications WHERE at < ?", (next_day,)
            )
        )

    def publication_day(self, as_of: AsOf) -> dt.date | None:
        """Return the day (UTC) of the publication read at ``as_of`` (``None``: none yet)."""
        if isinstance(as_of, dt.date):
            return as_of
        number = self.last_publication() if as_of is None else as_of
        at = self._scalar("SELECT at FROM publications WHERE number = ?", (number,))
        return None if at is None else dt.date.fromisoformat(at[:10])

    def publications(self, limit: int | None = None) -> pd.DataFrame:
        """Return the publications, newest first, with the indicators each changed.

        Columns: number, at, kind, loaded_by, published_by, motive, restores, rows_added,
        rows_corrected, rows_removed, flags, indicators (comma-separated ids).
        """
        frame = self._read(
            "SELECT number, at, kind, loaded_by, published_by, motive, restores, rows_added,"  # noqa: S608  # nosec: fixed text
            " rows_corrected, rows_removed, flags FROM publications ORDER BY number DESC"
            + (" LIMIT ?" if limit is not None else ""),
            () if limit is None else (limit,),
        )
        changes = self.publication_changes()
        touched = changes.groupby("publication")["indicator"].agg(",".join)
        frame["indicators"] = frame["number"].map(touched).fillna("")
        return frame

    def publication_changes(self, indicator_id: str | None = None) -> pd.DataFrame:
        """Return what each publication changed per indicator (rows added, corrected, removed)."""
        sql = (
            "SELECT publication, indicator, rows_added, rows_corrected, rows_removed"
            " FROM publication_changes"
        )
        params: tuple = ()
        if indicator_id is not None:
            sql += " WHERE indicator = ?"
            params = (indicator_id,)
        return self._read(sql + " ORDER BY publication, indicator", params)

    def changes(self, number: int) -> pd.DataFrame:
        """Return the rows publication ``number`` changed: key, ``old`` and ``new`` values.

        ``old`` is NaN for a row added, ``new`` NaN for a row removed.
        """
        return self._typed(self._read(f"{CHANGES} ORDER BY {_KEY}", (number,) * 4))

    def draft_changes(self) -> pd.DataFrame:
        """Return what publishing the draft would change: key, ``old`` (public) and ``new``."""
        return self._typed(
            self._read(
                "SELECT d.indicator, d.dimension, d.member, d.date, o.value AS old,"
                " d.value AS new FROM draft_observations d LEFT JOIN observations o"
                " ON o.indicator = d.indicator AND o.dimension = d.dimension"
                " AND o.member = d.member AND o.date = d.date AND o.replaced_in IS NULL"
                " WHERE o.value IS NULL OR o.value <> d.value OR o.weight <> d.weight"
                " ORDER BY d.indicator, d.dimension, d.member, d.date"
            )
        )

    def draft_loads(self) -> pd.DataFrame:
        """Return the loads waiting in the draft (id, at, source, loaded_by, counts)."""
        return self._read(
            "SELECT id, at, source, loaded_by, rows_added, rows_corrected, indicators"
            " FROM updates WHERE publication IS NULL ORDER BY id"
        )

    def national_versions(self, indicator_id: str) -> pd.DataFrame:
        """Return every value ever published of an indicator's national series, as its day,
        the publication that added it and the one that replaced it (NaN: still current).

        Columns: date, added_in, replaced_in; no value (the series are read by ``series``).
        """
        frame = self._read(
            "SELECT date, added_in, replaced_in FROM observations"
            " WHERE indicator = ? AND dimension = '' AND member = '' ORDER BY date, added_in",
            (indicator_id,),
        )
        frame["replaced_in"] = frame["replaced_in"].astype(float)
        return frame

    def revisions(self, indicator_id: str, dimension: str) -> list[tuple[int, dt.date]]:
        """Return the (publication, month) pairs where a publication changed a month of a
        breakdown that an earlier publication, made after the month ended, had published.

        Months are their first days; in publication order. Secrecy masks each such month in
        every state around the revision.
        """
        touched = self._read(
            "SELECT publication, month FROM publication_months"
            " WHERE indicator = ? AND dimension = ? ORDER BY publication, month",
            (indicator_id, dimension),
        )
        days = self._read("SELECT number, at FROM publications ORDER BY number")
        made = list(zip(days["number"], days["at"].str[:10], strict=True))
        revised = []
        for number, month in touched.itertuples(index=False, name=None):
            first = dt.date.fromisoformat(f"{month}-01")
            after_end = _next_month(first).isoformat()
            if any(earlier < number and day >= after_end for earlier, day in made):
                revised.append((int(number), first))
        return revised

    @staticmethod
    def _typed(frame: pd.DataFrame) -> pd.DataFrame:
        for column in ("old", "new"):
            frame[column] = frame[column].astype(float)
        return frame
