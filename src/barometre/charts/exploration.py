"""What a reader reads and hears at each point of a chart explored with the keyboard.

``assets/explore.js`` walks the server's drawing point by point (arrow keys, buttons, pointer)
and announces each point in French. The words come from the chart's data table, row by row, so
that the chart and its table never say two things: « avril 2020 : 55 936 demandes », then what
the table and the model add (maximum of the period, the event, an incomplete period). Masked
points say « non diffusé », never a value. The drawing writes these texts beside the positions
of the points (``drawings.chart_html``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from barometre.charts.french import MISSING, NBSP, NNBSP
from barometre.charts.model import (
    COMPARISON,
    MAIN,
    PARTIAL,
    BarChart,
    Chart,
    EmptyChart,
    TimeChart,
    ValueFormat,
)

# What the keys do, said once when a chart gets the focus (its description).
HELP = (
    "Flèches gauche et droite\u00a0: point précédent ou suivant\u00a0; haut et bas\u00a0: autre "
    "série\u00a0; Début, Fin, Page précédente, Page suivante\u00a0: aller plus loin\u00a0; "
    "Espace\u00a0: écouter le point\u00a0; Échap\u00a0: quitter le graphique."
)
MASKED = "non diffusé"
MAXIMUM = "maximum de la période"
MINIMUM = "minimum de la période"
YEAR_AGO = "un an avant"
# Page préc. / Page suiv.: a year of points, or ten.
PAGE_STEPS = {"jour": 365, "semaine": 52, "mois": 12, "annee": 10}
PAGE_STEP = 10


@dataclass(frozen=True)
class Point:
    """One point as the reader hears it: the table's date and value, then the context."""

    text: str
    context: str = ""
    event: bool = False  # an event marker at this point: the audio graph clicks there

    @property
    def spoken(self) -> str:
        """Return the whole announcement: « avril 2020 : 55 936 demandes, maximum… »."""
        return f"{self.text}, {self.context}" if self.context else self.text


@dataclass(frozen=True)
class Exploration:
    """A chart's name and, for each series of its model (bars: one), the texts of its points."""

    name: str
    series: tuple[tuple[Point, ...], ...]
    page: int = PAGE_STEP


def exploration(chart: Chart, table, name: str) -> Exploration | None:
    """Return the texts of every point of ``chart``, read from its data ``table`` (rows of
    texts), or None when the chart has nothing to explore or the table does not match it."""
    if isinstance(chart, EmptyChart) or table is None or not table.rows:
        return None
    if isinstance(chart, BarChart):
        return _bars(chart, table, name)
    if isinstance(chart, TimeChart):
        return _lines(chart, table, name)
    return None


def with_unit(cell: str, values: ValueFormat) -> str:
    """Return a table's value cell with the unit, as ``ValueFormat.text`` writes a number."""
    if values.symbol:
        return f"{cell}{NNBSP}{values.symbol}"
    return f"{cell}{NBSP}{values.unit}" if values.unit else cell


def _said(head: str, value: float | None, cell: str, values: ValueFormat) -> str:
    if value is None:  # masked or missing: the table's words, never a number
        if cell == MISSING or not cell:
            return f"{head}{NBSP}: {MISSING}"
        # The table row first, as every point says it; then what the cell means.
        return f"{head}{NBSP}: {cell}, {MASKED}"
    return f"{head}{NBSP}: {with_unit(cell, values)}"


def _lines(chart: TimeChart, table, name: str) -> Exploration | None:
    rows = table.rows
    mains = [s for s in chart.series if s.role == MAIN]
    partials = [s for s in chart.series if s.role == PARTIAL]
    complete = sum(len(s.values) for s in mains)
    if len(mains) != 1 or complete + sum(len(s.values) for s in partials) != len(rows):
        return None  # the members of a breakdown have no table row per point
    event_column = _column(table, "Événement")
    before_column = _column(table, "Même période")
    known = [v for v in mains[0].values if v is not None]
    top, bottom = (max(known), min(known)) if len(known) > 1 else (None, None)

    def context(row: tuple, value: float | None, extra: str = "") -> tuple[str, bool]:
        parts = [extra] if extra else []
        if value is not None and value == top:
            parts.append(MAXIMUM)
        elif value is not None and value == bottom:
            parts.append(MINIMUM)
        event = row[event_column] if event_column is not None else ""
        if event:
            parts.append(event)
        return ", ".join(parts), bool(event)

    series = []
    for line in chart.series:
        points = []
        for index, value in enumerate(line.values):
            if line.role == MAIN:
                row = rows[index]
                said = _said(row[0], value, row[1], chart.values)
                more, event = context(row, value)
            elif line.role == PARTIAL:
                row = rows[complete + index]
                label = line.labels[index] if line.labels else ""
                more, event = context(row, None, label[:1].lower() + label[1:])
                said = _said(row[0], value, row[1], chart.values)
            elif line.role == COMPARISON and before_column is not None:
                row = rows[index]
                when = f" ({line.labels[index]})" if line.labels else ""
                head = f"{row[0]}, {YEAR_AGO}{when}"
                cell = row[before_column]
                # « non comparable » (an incomplete period) is said as the table says it.
                number = _is_number(cell)
                said = _said(head, value, cell, chart.values) if number else f"{head}{NBSP}: {cell}"
                more, event = "", False
            else:
                return None
            points.append(Point(said, more, event))
        series.append(tuple(points))
    step = PAGE_STEPS.get(chart.granularity, PAGE_STEP)
    return Exploration(name, tuple(series), step)


def _bars(chart: BarChart, table, name: str) -> Exploration | None:
    rows = {row[0]: row for row in table.rows}
    if any(label not in rows for label in chart.labels):
        return None
    known = [v for v in chart.values if v is not None]
    top = max(known) if len(known) > 1 else None
    points = []
    for label, value in zip(chart.labels, chart.values, strict=True):
        row = rows[label]
        parts = [f"{row[2]} du total"] if len(row) > 2 and row[2] else []
        if value is not None and value == top:
            parts.append("la plus grande valeur")
        points.append(Point(_said(label, value, row[1], chart.values_format), ", ".join(parts)))
    return Exploration(name, (tuple(points),))


def _column(table, heading: str) -> int | None:
    return next((i for i, c in enumerate(table.columns) if c.startswith(heading)), None)


def _is_number(cell: str) -> bool:
    return any(char.isdigit() for char in cell)


def points_json(chart: Chart, explore: Exploration, places: dict[int, list]) -> str:
    """Return what assets/explore.js reads on a drawing: its name, its page step and, per series
    it can walk, each point's place in the plot area (fractions; null: no value) and texts.

    The incomplete current period continues the main line: → goes on to it.
    """
    series: list[dict] = []
    names = (
        [s.name for s in chart.series] if isinstance(chart, TimeChart) else [chart.category_title]
    )
    roles = [s.role for s in chart.series] if isinstance(chart, TimeChart) else [MAIN]
    for index, at in places.items():
        points = [
            [x, y, p.text, p.context, 1 if p.event else 0]
            for (x, y), p in zip(at, explore.series[index], strict=True)
        ]
        if roles[index] == PARTIAL and series and series[0]["role"] == MAIN:
            series[0]["points"].extend(points)
            continue
        series.append({"nom": names[index], "role": roles[index], "points": points})
    data = {"nom": explore.name, "pas": explore.page, "series": series}
    if isinstance(chart, BarChart) and not chart.upright:
        data["axe"] = "x"  # flat bars: values along the width (the audio graph's pitch)
    return json.dumps(
        data,
        ensure_ascii=False,
        separators=(",", ":"),
    )
