"""Read a server drawing (drawings.chart_html) back into dates and values, through its axes.

What a reader of the chart sees: the value ticks (their heights and texts), the date or
category ticks (their positions and texts), and the shapes. Nothing is read from an attribute
that repeats the model: positions are turned into values by the axes' labels alone.

Precision: the drawing writes shapes in tenths of its 1000 × 1000 box and labels in hundredths
of a percent, both 1/10 000 of an axis; ``UNIT`` is that rounding unit.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

UNIT = 1e-4  # of an axis: the rounding of shapes (0.1 of 1000) and of labels (0.01 %)
LINE_HEIGHT = 18  # px between the rows of a label along the width (the year under a day)
MONTHS = ("janv.", "févr.", "mars", "avr.", "mai", "juin")
MONTHS += ("juil.", "août", "sept.", "oct.", "nov.", "déc.")


def classes(element: ET.Element) -> set[str]:
    return set((element.get("class") or "").split())


def of_class(root: ET.Element, name: str) -> list[ET.Element]:
    return [e for e in root.iter() if name in classes(e)]


def fraction(percent: str) -> float:
    """Return "12.34%" as 0.1234."""
    assert percent.endswith("%"), percent
    return float(percent[:-1]) / 100


def french_number(text: str) -> float:
    """Return a number written in French: "1 234,5" (narrow spaces), "−3"."""
    cleaned = text.replace("\u202f", "").replace("\u00a0", "").replace("−", "-")
    return float(cleaned.replace(",", "."))


@dataclass
class Axis:
    """A linear axis read from two labels: position (fraction of the plot) → value."""

    positions: tuple[float, float]
    values: tuple[float, float]

    @classmethod
    def through(cls, labels: list[tuple[float, float]]) -> Axis:
        """The axis through the two labels farthest apart (the most precise reading)."""
        ordered = sorted(set(labels))
        assert len({p for p, _ in ordered}) >= 2, f"moins de deux étiquettes : {labels}"
        (p0, v0), (p1, v1) = ordered[0], ordered[-1]
        return cls((p0, p1), (v0, v1))

    @property
    def per_unit(self) -> float:
        """What one rounding unit of the axis is worth, in values."""
        (p0, p1), (v0, v1) = self.positions, self.values
        return abs((v1 - v0) / (p1 - p0)) * UNIT

    def __call__(self, position: float) -> float:
        (p0, p1), (v0, v1) = self.positions, self.values
        return v0 + (position - p0) * (v1 - v0) / (p1 - p0)

    def tolerance(self) -> float:
        """A point read through two labels: its own rounding and theirs (within the labels'
        range, at most one unit in all; a little more above the highest label)."""
        return 1.25 * self.per_unit + 1e-9


@dataclass
class Drawing:
    """A drawn chart, read back: what each shape says through the axes."""

    root: ET.Element
    values: Axis | None = None
    dates: Axis | None = None  # day ordinals
    date_ticks: list[tuple[float, int]] = field(default_factory=list)
    categories: dict[float, str] = field(default_factory=dict)


def read(markup: str) -> Drawing:
    """Parse a drawing and read its axes."""
    root = ET.fromstring(markup)
    drawing = Drawing(root)
    [area] = of_class(root, "svg-area") or [None]
    if area is None:
        return drawing
    value_labels = [
        (1 - fraction(t.get("y")), french_number("".join(t.itertext())))
        for g in area.iter("g")
        if g.get("text-anchor") == "end"
        for t in g.findall("text")
        if t.get("x") == "-4"
    ]
    if value_labels:
        drawing.values = Axis.through(value_labels)
    ticks = [_read_ticks(group) for group in of_class(area, "svg-ticks")]
    dated = sorted({tick for group in ticks for tick in group if isinstance(tick[1], int)})
    drawing.date_ticks = dated
    if len({p for p, _ in dated}) >= 2:
        drawing.dates = Axis.through(dated)
    drawing.categories = {
        position: label for group in ticks for position, label in group if isinstance(label, str)
    }
    return drawing


def _read_ticks(group: ET.Element) -> list[tuple[float, int | str]]:
    """Return a group of labels along the width: dates as day ordinals, else category names.

    Day labels carry the year under the first day of each year shown; the days before the first
    year written (cut at the chart's left edge) cannot be dated and are left out.
    """
    rows: dict[float, list[str]] = {}
    for text in group.findall("text"):
        row = round(float(text.get("dy")) / LINE_HEIGHT) - 1
        lines = rows.setdefault(fraction(text.get("x")), ["", ""])
        lines[row] = "".join(text.itertext())
    read: list[tuple[float, int | str]] = []
    year = None
    for position, (first, second) in sorted(rows.items()):
        if re.fullmatch(r"\d{4}", first):
            read.append((position, dt.date(int(first), 1, 1).toordinal()))
        elif (month := re.fullmatch(r"(\S+) (\d{4})", first)) and month[1] in MONTHS:
            day = dt.date(int(month[2]), MONTHS.index(month[1]) + 1, 1)
            read.append((position, day.toordinal()))
        elif (day := re.fullmatch(r"(\d{1,2}) (\S+)", first)) and day[2] in MONTHS:
            year = int(second) if second else year
            if year is not None:
                date = dt.date(year, MONTHS.index(day[2]) + 1, int(day[1]))
                read.append((position, date.toordinal()))
        else:
            read.append((position, first))
    return read


def path_segments(d: str) -> list[list[tuple[int, int]]]:
    """Return the pieces of a line's path (``M`` starts one) as points in tenths of the
    1000 × 1000 box: the first absolute, the others moves from the previous one."""
    segments = []
    for piece in re.findall(r"M[^M]*", d):
        numbers = [round(float(n) * 10) for n in re.findall(r"-?\d+(?:\.\d+)?", piece)]
        assert len(numbers) % 2 == 0, piece
        points = [(numbers[0], numbers[1])]
        for dx, dy in zip(numbers[2::2], numbers[3::2], strict=True):
            points.append((points[-1][0] + dx, points[-1][1] + dy))
        segments.append(points)
    return segments


def lines(drawing: Drawing) -> list[list[list[tuple[int, int]]]]:
    """Return each drawn line (in order) as its pieces of points, in tenths of the box."""
    return [path_segments(p.get("d")) for p in of_class(drawing.root, "svg-line")]


def marker_groups(drawing: Drawing) -> list[list[tuple[float, float]]]:
    """Return the markers of each series that has some, as fractions (x, y from the top)."""
    [area] = of_class(drawing.root, "svg-area")
    groups = []
    for group in of_class(area, "svg-markers"):
        points = []
        for child in group:
            x, y = (
                (child.get("cx"), child.get("cy"))
                if child.tag == "circle"
                else (
                    child.get("x"),
                    child.get("y"),
                )
            )
            points.append((fraction(x), fraction(y)))
        groups.append(points)
    return groups


def straight_lines(drawing: Drawing) -> tuple[list[float], list[tuple[float, float, float, float]]]:
    """Return the plot's vertical event lines (x) and its other segments (x1, y1, x2, y2) drawn
    over the data: the incomplete period's link."""
    [area] = of_class(drawing.root, "svg-area")
    events, segments = [], []
    for line in area.findall("line"):
        if line.get("y1") == "100%" and line.get("y2") == "0%" and line.get("x1") == line.get("x2"):
            events.append(fraction(line.get("x1")))
        elif line.get("x1") and line.get("x2") and line.get("stroke-dasharray"):
            segments.append(tuple(fraction(line.get(k)) for k in ("x1", "y1", "x2", "y2")))
    return events, segments


def bands(drawing: Drawing) -> list[tuple[float, float]]:
    """Return the event bands as (left, right) fractions of the width."""
    [area] = of_class(drawing.root, "svg-area")
    return [
        (fraction(r.get("x")), fraction(r.get("x")) + fraction(r.get("width")))
        for r in area.findall("rect")
        if r.get("height") == "100%"
    ]


def rects(drawing: Drawing) -> list[tuple[float, float, float, float]]:
    """Return the bars as (x, y, width, height) fractions of the plot area (y from the top)."""
    [bars] = of_class(drawing.root, "svg-bars")
    return [tuple(float(r.get(k)) / 1000 for k in ("x", "y", "width", "height")) for r in bars]
