"""The axes of the SVG drawings (``drawings``), and the small SVG pieces they share with them.

Scales and value axes (round steps from zero, as plotly chooses them), date ticks, the labels
along the width in each density the container queries of ``assets/drawings.css`` show, titles,
paint in both themes, estimated text widths, and the percentages and tenths the markup is
written in.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable, Iterator

from markupsafe import escape

from barometre.charts.figures import THEMES
from barometre.charts.french import NNBSP, format_number

# Sizes of the plotly template's text (14 px) and of its axis titles (× 1.2, rounded).
TICK_SIZE = 14
TITLE_SIZE = 17
LINE_HEIGHT = 18  # px from one line of an axis label to the next
LABEL_GAP = 10  # px at least between two labels along the width
EDGE = 8  # the template's other margins
PAD = 0.05  # plotly's room beyond the data, as a share of the axis
SHORT_MONTHS = (
    *("janv.", "févr.", "mars", "avr.", "mai", "juin"),
    *("juil.", "août", "sept.", "oct.", "nov.", "déc."),
)
# Steps of date ticks, finest first, as plotly chooses them (weeks start on Mondays here).
DATE_STEPS = (
    *(("jour", 1), ("jour", 2), ("jour", 7), ("jour", 14)),
    *(("mois", 1), ("mois", 2), ("mois", 3), ("mois", 6)),
    *(("an", 1), ("an", 2), ("an", 5), ("an", 10), ("an", 20), ("an", 50)),
)
UNIT_DAYS = {"jour": 1, "mois": 30.44, "an": 365.25}

# Plotly's dash patterns, in multiples of the line width (at least 3 px).
DASH_PATTERNS = {
    "solid": (),
    "dot": (1, 1),
    "dash": (3, 3),
    "longdash": (5, 5),
    "dashdot": (3, 1, 1, 1),
    "longdashdot": (5, 2, 1, 2),
}

Ticks = list[tuple[float, list[str]]]  # labels along an axis: position (0–1) and lines of text
Role = int | str  # a palette index, or a theme colour's name ("axis", "grid", "background")


# -- scales and value axes ---------------------------------------------------------------------


class Scale:
    """A linear axis: a value's fraction of the plot's width or height, from ``low``."""

    def __init__(self, low: float, high: float):
        self.low, self.high = low, (high if high > low else low + 1)

    def __call__(self, value: float) -> float:
        return (value - self.low) / (self.high - self.low)


def value_axis(values: Iterable, length: float) -> tuple[Scale, list[tuple[float, str]]]:
    """Return the scale (from zero) and the round ticks of a value axis ``length`` px long.

    Like plotly: 5 % of room beyond the data, steps of 1, 2 or 5 × 10ⁿ, from 5 to 10 ticks,
    one every 40 px or so.
    """
    numbers = [float(v) for v in values if v is not None]
    low, high = min([0.0, *numbers]), max([0.0, *numbers])
    if low == high:
        high = 1.0
    span = high - low
    scale = Scale(low - PAD * span * (low < 0), high + PAD * span * (high > 0))
    rough = (scale.high - scale.low) / (min(max(length / 40, 4), 9) + 1)
    power = 10 ** math.floor(math.log10(rough))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= rough)
    decimals = max(0, -math.floor(math.log10(step) + 1e-9))
    first, last = math.ceil(scale.low / step - 1e-9), math.floor(scale.high / step + 1e-9)
    return scale, [(i * step, format_number(i * step, decimals)) for i in range(first, last + 1)]


def value_labels(scale: Scale, ticks: list, title: str, left: float) -> list[str]:
    """Return the grid, the zero line, the tick labels and the title of a vertical value axis."""
    grid, labels = [], []
    for value, text in ticks:
        y = pc(1 - scale(value))
        if value != 0:
            grid.append(f'<line x2="100%" y1="{y}" y2="{y}"/>')
        labels.append(f'<text x="-4" y="{y}" dy="0.35em">{escape(text)}</text>')
    zero = pc(1 - scale(0))
    parts = [
        f'<g{paint("stroke", "grid")} shape-rendering="crispEdges">{"".join(grid)}</g>',
        f'<line{paint("stroke", "axis")} x2="100%" y1="{zero}" y2="{zero}"'
        ' shape-rendering="crispEdges"/>',
        f'<g fill="currentColor" font-size="{TICK_SIZE}" text-anchor="end">{"".join(labels)}</g>',
    ]
    if title:  # read upwards, at the left edge of the chart, like plotly's
        parts.append(
            f'<svg y="50%" overflow="visible"><text fill="currentColor" font-size="{TITLE_SIZE}"'
            f' text-anchor="middle" transform="translate({EDGE + 0.8 * TITLE_SIZE - left:g} 0)'
            f' rotate(-90)">{escape(title)}</text></svg>'
        )
    return parts


def value_margin(ticks: list, title: str) -> int:
    """Return the left margin of a value axis: its widest label, and its title if any."""
    widest = max(text_width(text, TICK_SIZE) for _, text in ticks)
    return round(EDGE + (TITLE_SIZE * 1.2 + 8 if title else 0) + widest + 6)


def title_below(title: str, baseline: float) -> str:
    """Return an axis title centred under the plot, ``baseline`` px below it ("" without one)."""
    if not title:
        return ""
    return (
        f'<text fill="currentColor" font-size="{TITLE_SIZE}" text-anchor="middle" x="50%"'
        f' y="100%" dy="{baseline:g}">{escape(title)}</text>'
    )


# -- labels along the width -------------------------------------------------------------------


def day_number(value) -> int:
    """Return a plotly date ("2025-01-31", maybe with a time) as a day number."""
    return dt.date.fromisoformat(str(value)[:10]).toordinal()


def date_ticks(xscale: Scale, yearly: bool, width: float) -> Iterator[Ticks]:
    """Yield the dates to label along a time axis ``width`` px long, from the finest step to the
    coarsest; like plotly, never more than one every 80 px nor more than 10."""
    start = dt.date.fromordinal(math.ceil(xscale.low))
    end = dt.date.fromordinal(math.floor(xscale.high))
    most = min(max(width / 80, 4), 9) + 1
    for unit, step in DATE_STEPS:
        # Yearly series only label years (figures.py's dtick "M12").
        if (xscale.high - xscale.low) / (UNIT_DAYS[unit] * step) > most or (
            yearly and unit != "an"
        ):
            continue
        previous_year = None
        ticks = []
        for day in _every(start, end, unit, step):
            if unit == "an":
                lines = [str(day.year)]
            elif unit == "mois":
                lines = [f"{SHORT_MONTHS[day.month - 1]} {day.year}"]
            else:  # the year under the first day of each year shown, as plotly does
                year = str(day.year) if day.year != previous_year else ""
                lines = [f"{day.day} {SHORT_MONTHS[day.month - 1]}", year]
                previous_year = day.year
            ticks.append((xscale(day.toordinal()), lines))
        yield ticks


def _every(start: dt.date, end: dt.date, unit: str, step: int) -> Iterator[dt.date]:
    """Yield the round dates from ``start`` to ``end``: every ``step`` days, months or years."""
    if unit == "jour":
        # Weeks start on Mondays; other days at multiples of the step.
        offset = -start.weekday() % 7 if step >= 7 else -start.toordinal() % step
        day = start + dt.timedelta(days=offset)
        while day <= end:
            yield day
            day += dt.timedelta(days=step)
        return
    months = 12 * step if unit == "an" else step
    index = start.year * 12 + start.month - 1 + (start.day > 1)
    index += -index % months
    while (day := dt.date(index // 12, index % 12 + 1, 1)) <= end:
        yield day
        index += months


def labels_along(
    choices: Callable[[float], Iterable[Ticks]], left: float, right: float, densities: Iterable[int]
) -> tuple[str, int]:
    """Return the labels along the width, one group per density that differs, and their lines.

    ``choices(width)`` yields the lists of labels plotly could show on a plot ``width`` px wide,
    from the most labels to the fewest; ``densities`` are the chart widths (px) from which each
    group shows (``drawings.DENSITIES``, the container queries of ``assets/drawings.css``).
    """
    by_density = [_fitting(choices, left, right, minimum) for minimum in densities]
    groups = []
    for ticks in dict.fromkeys(map(repr, by_density)):
        shown = [i for i, t in enumerate(by_density) if repr(t) == ticks]
        classes = "".join(f" svg-d{i}" for i in shown)
        texts = (
            f'<text x="{pc(position)}" y="100%" dy="{LINE_HEIGHT * (row + 1)}">'
            f"{escape(line)}</text>"
            for position, lines in by_density[shown[0]]
            for row, line in enumerate(lines)
            if line
        )
        groups.append(
            f'<g class="svg-ticks{classes}" fill="currentColor" font-size="{TICK_SIZE}"'
            f' text-anchor="middle">{"".join(texts)}</g>'
        )
    rows = max((len(lines) for ticks in by_density for _, lines in ticks), default=0)
    return "".join(groups), rows


def _fitting(
    choices: Callable[[float], Iterable[Ticks]], left: float, right: float, minimum: int
) -> Ticks:
    """Return the first list of labels that fits a chart ``minimum`` px wide, without the labels
    that would stick out of the chart."""
    width = minimum - left - right
    ticks: Ticks = []
    for ticks in choices(width):
        widest = max((_widest(lines) for _, lines in ticks), default=0)
        if len(ticks) * (widest + LABEL_GAP) <= width:
            break
    return [
        (position, lines)
        for position, lines in ticks
        if -left <= position * width - _widest(lines) / 2
        and position * width + _widest(lines) / 2 <= width + right
    ]


def _widest(lines: list[str]) -> float:
    return max(text_width(line, TICK_SIZE) for line in lines)


# -- colours, text and numbers -----------------------------------------------------------------


def paint(kind: str, role: Role, more: str = "") -> str:
    """Return the class and style that paint an element's stroke or fill in both themes."""
    light, dark = (
        (THEMES["clair"].colours[role], THEMES["sombre"].colours[role])
        if isinstance(role, int)
        else (getattr(THEMES["clair"], role), getattr(THEMES["sombre"], role))
    )
    classes = f"svg-{kind} {more}".strip()
    return f' class="{classes}" style="--clair:{escape(light)};--sombre:{escape(dark)}"'


def dasharray(dash: str | None, width: float) -> str:
    """Return the stroke-dasharray attribute of a plotly dash for a line ``width`` px wide."""
    unit = max(width, 3)
    if dash in DASH_PATTERNS:
        lengths = [f"{unit * k:g}" for k in DASH_PATTERNS[dash]]
    else:  # plotly's own list of lengths: "8px,3px,2px"
        lengths = re.findall(r"[\d.]+", str(dash or ""))
    return f' stroke-dasharray="{",".join(lengths)}"' if lengths else ""


def text_lines(x: str, y: str, lines: list[str]) -> str:
    """Return a text of one or more lines, centred on ``y``."""
    first = 0.35 - 0.6 * (len(lines) - 1)
    spans = "".join(
        f'<tspan x="{x}" dy="{first if row == 0 else 1.2:g}em">{escape(line)}</tspan>'
        for row, line in enumerate(lines)
    )
    return f'<text y="{y}">{spans}</text>'


def text_width(text: str, size: float) -> float:
    """Return a generous estimate of a text's width in px (DejaVu Sans, a wide usual font)."""
    ems = 0.0
    for char in text:
        if char == NNBSP:
            ems += 0.2
        elif char.isdigit():
            ems += 0.64
        elif char in " .,;:'’-()":
            ems += 0.34
        else:
            ems += 0.72 if char.isupper() else 0.6
    return ems * size


def pc(fraction: float) -> str:
    """Return a position along an axis as an SVG percentage."""
    return f"{fraction * 100:.2f}".rstrip("0").rstrip(".") + "%"


def tenths(value: int) -> str:
    """Return a length counted in tenths as SVG writes it: 125 → "12.5", −40 → "-4"."""
    whole, tenth = divmod(abs(value), 10)
    return ("-" if value < 0 else "") + str(whole) + (f".{tenth}" if tenth else "")


def wrap(name: str) -> list[str]:
    """Return a name on two lines, cut at the space nearest its middle (long names only)."""
    spaces = [i for i, char in enumerate(name) if char == " "]
    if len(name) <= 16 or not spaces:
        return [name]
    cut = min(spaces, key=lambda i: abs(i - len(name) / 2))
    return [name[:cut], name[cut + 1 :]]
