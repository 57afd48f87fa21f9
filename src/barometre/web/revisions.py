"""« Révisions »: an indicator's national values as first published, next to the current ones,
for the months whose value a later publication changed.

A month is « first published » by the first publication made after the month ended (its time,
UTC, on or after the first day of the next month) among those from which a value of that month
was public (the first that holds one of its days): before the month ended its value was partial,
and a day corrected then is no revision. The month's value is read as the evolution chart reads
it per month (the indicator's own aggregation), in that publication and in the current one. A
month is shown when a later publication added, corrected or removed one of its days and the
value, rounded as the page writes it, is no longer the same.

National series only: the totals are never masked, whereas a breakdown's cells are published
through the secrecy layer and a revision of a masked cell must never be shown. The page says so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from barometre.charts import french
from barometre.data.catalogue import Indicator
from barometre.data.services import Services
from barometre.web import journal, tables


@dataclass(frozen=True)
class Publication:
    """A publication as the table names it: number, time (ISO, UTC), motive."""

    number: int
    at: str
    motive: str

    @property
    def text(self) -> str:
        """« 3 juin 2026 (publication n° 159) », the date in Paris time."""
        day = journal.local_time(self.at).date()
        return f"{french.format_date(day)} ({journal.publication_name(self.number)})"


@dataclass(frozen=True)
class Revision:
    """A month of the national series: its value as first published and its value now."""

    month: dt.date  # the first day of the month
    first: float
    first_in: Publication
    current: float  # NaN: its days have been removed since
    corrected_in: tuple[Publication, ...]  # the publications that changed it since, in order


def revisions(services: Services, indicator: Indicator) -> tuple[Revision, ...]:
    """Return the revised months of an indicator's national series, newest first."""
    return services.memoized("revisions", (indicator.id,), lambda: _revisions(services, indicator))


def _revisions(services: Services, indicator: Indicator) -> tuple[Revision, ...]:
    store = services.store
    found = []
    with store.snapshot():
        versions = store.national_versions(indicator.id)
        if versions.empty:
            return ()
        log = store.publications().sort_values("number")
        named = {
            int(row.number): Publication(int(row.number), row.at, row.motive or "")
            for row in log.itertuples()
        }
        for month, rows in versions.groupby(versions["date"].str[:7], sort=False):
            start = dt.date.fromisoformat(f"{month}-01")
            after = (start + dt.timedelta(days=31)).replace(day=1)
            candidates = log[
                (log["at"] >= after.isoformat()) & (log["number"] >= rows["added_in"].min())
            ]
            if candidates.empty:
                continue  # not closed, or not published since it closed
            first = int(candidates["number"].iloc[0])
            later = set(rows.loc[rows["added_in"] > first, "added_in"].astype(int))
            later |= set(rows.loc[rows["replaced_in"] > first, "replaced_in"].astype(int))
            if not later:
                continue
            end = after - dt.timedelta(days=1)
            before = _month_value(services, indicator, start, end, first)
            now = _month_value(services, indicator, start, end, None)
            if french.round_half_up(before, indicator.decimals) == french.round_half_up(
                now, indicator.decimals
            ):
                continue
            found.append(
                Revision(start, before, named[first], now, tuple(named[n] for n in sorted(later)))
            )
    return tuple(sorted(found, key=lambda revision: revision.month, reverse=True))


def _month_value(
    services: Services, indicator: Indicator, start: dt.date, end: dt.date, as_of: int | None
) -> float:
    frame = services.store.series(indicator, start, end, "mois", as_of=as_of)
    national = frame[frame["membre"] == ""]
    return float(national["valeur"].iloc[0]) if not national.empty else float("nan")


COLUMNS = (
    "Mois",
    "Valeur publiée d'abord",
    "Publiée le",
    "Valeur actuelle",
    "Écart",
    "Corrigée le",
    "Motif de la correction",
)


def table(indicator: Indicator, found: tuple[Revision, ...]) -> tables.DataTable:
    """Return the revised months as a table: one row per month, newest first."""
    rows = []
    for revision in found:
        change = (
            revision.current - revision.first if not pd.isna(revision.current) else float("nan")
        )
        motives = [p.motive.strip() or "non précisé" for p in revision.corrected_in]
        rows.append(
            (
                french.format_period(revision.month, "mois"),
                french.format_value(revision.first, indicator),
                revision.first_in.text,
                french.format_value(revision.current, indicator),
                french.format_value(change, indicator, signed=True),
                "\u00a0; ".join(p.text for p in revision.corrected_in),
                "\u00a0; ".join(motives),
            )
        )
    return tables.DataTable(
        caption=f"{indicator.title}, France entière\u00a0: valeurs mensuelles révisées",
        columns=COLUMNS,
        rows=tuple(rows),
    )
