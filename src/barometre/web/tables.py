"""Charts' data as tables: the text twin of every chart, one row per period or member."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from barometre.charts import french, periods, summaries
from barometre.charts.french import NBSP
from barometre.data.catalogue import Indicator
from barometre.data.events import Event

GRANULARITY_NOUNS = {"jour": "jour", "semaine": "semaine", "mois": "mois", "annee": "année"}
YEAR_AGO_HEADING = "Même période un an avant"
EVENT_HEADING = "Événement"
PERIOD_HEADINGS = {"jour": "Jour", "semaine": "Semaine", "mois": "Mois", "annee": "Année"}


@dataclass(frozen=True)
class DataTable:
    """A chart's full data as a table: caption, column headings, rows (first cell heads the row)."""

    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def series_table(
    frame,
    indicator: Indicator,
    granularity: str,
    events: Sequence[Event] = (),
    previous=None,
    place: str = "",
    masked: str = "",
) -> DataTable:
    """Return a series as a table: one row per period, partial periods marked.

    With ``previous`` (the series a year earlier), a column gives the same period a year
    before, whether or not the chart shows the overlay: the table is the chart's text twin.
    With ``events`` inside the period shown, an « Événement » column names them. ``place``
    names a département in the caption; ``masked`` is the text of a period without a value
    (a département's periods masked by statistical secrecy).
    """
    rows = summaries.table_rows(frame, indicator, granularity)
    columns = [PERIOD_HEADINGS[granularity], value_heading(indicator)]
    cells = [
        [
            row["periode"] + (" (incomplet)" if row["partiel"] else ""),
            masked if masked and row["valeur_brute"] is None else row["valeur"],
        ]
        for row in rows
    ]
    if previous is not None:
        columns.append(value_heading(indicator, YEAR_AGO_HEADING))
        overlay = periods.year_ago(frame, previous, granularity, indicator)
        for line, row, value in zip(cells, rows, overlay["valeur_avant"], strict=True):
            # An incomplete period is never set against a complete one (periods.year_ago).
            incomplete = row["partiel"] and indicator.aggregation == "somme"
            before = french.format_number(value, indicator.decimals)
            line.append("non comparable" if incomplete else before)
    shown = periods.events_in(events, frame, granularity)
    if shown:
        columns.append(EVENT_HEADING)
        for line, row in zip(cells, rows, strict=True):
            line.append(f"{NBSP}; ".join(periods.events_during(shown, row["date"], granularity)))
    where = f", {place}" if place else ""
    return DataTable(
        caption=f"{indicator.title}{where}, par {GRANULARITY_NOUNS[granularity]}",
        columns=tuple(columns),
        rows=tuple(tuple(line) for line in cells),
    )


def breakdown_table(frame, indicator: Indicator, breakdown) -> DataTable:
    """Return a breakdown's totals as a table: every member (not only the charted ones)."""
    rows = summaries.breakdown_rows(frame, indicator, breakdown)
    shares = any(row["part"] for row in rows)
    columns = (breakdown.title, value_heading(indicator)) + (("Part",) if shares else ())
    return DataTable(
        caption=f"{indicator.title}, répartition par {breakdown.title[:1].lower()}"
        f"{breakdown.title[1:]}",
        columns=columns,
        rows=tuple(
            (row["membre"], row["valeur"]) + ((row["part"],) if shares else ()) for row in rows
        ),
    )


def value_heading(indicator: Indicator, heading: str = "Valeur") -> str:
    unit = french.unit_text(indicator)
    return f"{heading} ({unit})" if unit else heading
