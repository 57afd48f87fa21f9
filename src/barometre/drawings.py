"""Charts drawn on the server as static SVG, close to the plotly drawing that later replaces them.

Issue #7: pages load as the server's HTML, and Dash with plotly.js only at the first interaction.
Until then each chart is this drawing, in the same box (450 px high, dcc.Graph's default), so that
the swap moves nothing on the page.

The server does not know the width of the screen (320 px phone … 1280 px desktop), and scaling a
whole drawing with a viewBox would make its text tiny or huge. So the plot area is an ``<svg>``
placed by CSS (margins in px, width ``calc(100% - …)``); text, grid lines, shapes and markers are
placed in percentages of it, with px offsets; lines and bars are drawn in a nested 1000 × 1000
viewBox stretched over it (``preserveAspectRatio="none"``, lines with
``vector-effect="non-scaling-stroke"`` so that they keep their width and dashes). Labels along the
width come in up to four densities, each shown by a container query of ``assets/drawings.css``
from the chart width it fits (``DENSITIES``).

Colours: a figure is built in one theme; each colour goes on its element as the pair
``--clair``/``--sombre`` (the colour of the same role in ``figures.THEMES``), and
``assets/drawings.css`` paints ``.svg-stroke`` and ``.svg-fill`` with the one the page's theme
(site or embed) asks for. Text is ``currentColor``. The markup has no script, no event handler
and no external reference.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
from collections.abc import Callable, Iterable, Iterator

import plotly.graph_objects as go
from markupsafe import escape

from barometre.figures import THEMES
from barometre.summaries import NNBSP, format_number

HEIGHT = 450  # dcc.Graph's default height: the box plotly.js draws in later
FILLED = 300  # px, the height assumed for the value ticks of a drawing that fills its container
# Chart widths (px) from which each density of labels along the width shows; the container
# queries of assets/drawings.css use the same numbers. 296: a 320 px phone's.
DENSITIES = (296, 480, 760, 1100)
# Sizes of the plotly template's text (14 px) and of its axis titles (× 1.2, rounded).
TICK_SIZE = 14
TITLE_SIZE = 17
LINE_HEIGHT = 18  # px from one line of an axis label to the next
LABEL_GAP = 10  # px at least between two labels along the width
TOP = 16  # the template's top margin
EDGE = 8  # the template's other margins
PAD = 0.05  # plotly's room beyond the data, as a share of the axis
SLICES = 500  # slices of the width in which a long line keeps its lowest and highest points
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
CATEGORY_STEPS = (1, 2, 3, 4, 6, 8, 12, 24)
# Plotly's dash patterns, in multiples of the line width (at least 3 px).
DASH_PATTERNS = {
    "solid": (),
    "dot": (1, 1),
    "dash": (3, 3),
    "longdash": (5, 5),
    "dashdot": (3, 1, 1, 1),
    "longdashdot": (5, 2, 1, 2),
}
TEMPLATE_FIELD = re.compile(r"%\{(\w+)(?::,?\.(\d+)f)?\}")

Ticks = list[tuple[float, list[str]]]  # labels along an axis: position (0–1) and lines of text


def chart_html(figure: go.Figure | dict, hidden: bool, height: int | None = HEIGHT) -> str:
    """Return a figure of ``figures`` drawn as static, escaped HTML and SVG, ``height`` px high.

    ``hidden``: a data table carries the same numbers, so the drawing is hidden from assistive
    technologies; otherwise (an empty figure and its message) it is an image named by its text.
    ``height`` None: the drawing takes the height of its container (embeds, by CSS).
    """
    if isinstance(figure, go.Figure):
        figure = figure.to_plotly_json()
    layout = figure.get("layout") or {}
    # Traces shown and holding data (dates or names along x, for lines and both kinds of bars).
    traces = [t for t in figure.get("data") or () if t.get("visible", True) is True and t.get("x")]
    words = [str(a.get("text", "")) for a in layout.get("annotations") or () if _shown(a)]
    if hidden:
        access = ' aria-hidden="true"'
    else:
        names = ", ".join(str(t.get("name") or "") for t in traces)
        access = f' role="img" aria-label="{escape(names if traces else " ".join(words))}"'
    box = f' style="height:{height}px"' if height else ""
    if not traces:
        message = "".join(f"<p>{escape(w)}</p>" for w in words)
        return f'<div class="svg-chart svg-empty"{access}{box}>{message}</div>'
    legend = _legend(traces, layout)
    # Below the plot: one line of labels, and the legend's first row (the others are unknown).
    plot_height = (height or FILLED) - TOP - 2 * LINE_HEIGHT - (24 if legend else 0)
    if traces[0].get("type") == "bar":
        (left, right, bottom), body = _bars(traces[0], layout, plot_height)
    else:
        (left, right, bottom), body = _lines(traces, layout, plot_height)
    if legend:  # under the plot area, as plotly's when there is room (drawings.css)
        legend = f'<ul class="svg-legend" style="--left:{left}px">{legend}</ul>'
    return (
        f'<div class="svg-chart"{access}{box}><div class="svg-plot">'
        f'<svg class="svg-area" style="left:{left}px;top:{TOP}px;width:calc(100% - '
        f'{left + right}px);height:calc(100% - {TOP + bottom}px)">{"".join(body)}</svg></div>'
        f"{legend}</div>"
    )


# -- line charts -------------------------------------------------------------------------------


def _lines(traces: list[dict], layout: dict, plot_height: float) -> tuple[tuple, list[str]]:
    """Return the margins and the drawing of a time series: lines, markers, shapes, labels."""
    shapes = [s for s in layout.get("shapes") or () if _shown(s)]
    series = [
        (trace, [_day(x) for x in trace.get("x") or ()], list(trace.get("y") or ()))
        for trace in traces
    ]
    marked = _marked(traces)
    days = [x for _, xs, _ in series for x in xs]
    days += [_day(s[k]) for s in shapes if s.get("xref") == "x" for k in ("x0", "x1")]
    low, high = min(days), max(days)
    if low == high:
        low, high = low - 15, high + 15
    span = high - low
    # Plotly leaves room beyond a marker at either end, so that it is not cut in half.
    ends = {xs[i] for (_, xs, _), shown in zip(series, marked, strict=True) for i in shown}
    xscale = _Scale(low - PAD * span * (low in ends), high + PAD * span * (high in ends))
    values = [v for _, _, ys in series for v in ys]
    values += [s[k] for s in shapes if s.get("yref") == "y" for k in ("y0", "y1")]
    yscale, ticks = _value_axis(values, plot_height)
    xaxis, title = layout.get("xaxis") or {}, _axis_title(layout.get("yaxis") or {})
    left, right = _value_margin(ticks, title), EDGE
    yearly = str(xaxis.get("dtick", "")) == "M12"

    def choices(width: float) -> Iterator[Ticks]:
        return _date_ticks(xscale, yearly, width)

    labels, rows = _labels_along(choices, left, right)
    # Bands under the lines; other marks over them, those on the data (the incomplete period's
    # segment) under the markers, so that the open circle stays clear.
    layers: dict[str, list[str]] = {"below": [], "data": [], "above": []}
    for shape in shapes:
        if shape.get("layer") == "below":
            layer = "below"
        else:
            layer = "data" if shape.get("yref") == "y" else "above"
        layers[layer].append(_shape(shape, xscale, yscale))
    paths, dots = [], []
    for index, ((trace, xs, ys), shown) in enumerate(zip(series, marked, strict=True)):
        colour = _colour(trace, index, layout)
        if "lines" in trace.get("mode", "lines+markers"):
            line = trace.get("line") or {}
            width = line.get("width", 2)
            paths.append(
                f'<path{_paint("stroke", colour, "svg-line")} fill="none" stroke-width="{width}"'
                f'{_dasharray(line.get("dash"), width)} stroke-linejoin="round"'
                f' vector-effect="non-scaling-stroke" d="{_path(xs, ys, xscale, yscale)}"/>'
            )
        if shown:
            points = [(_pc(xscale(xs[i])), _pc(1 - yscale(ys[i]))) for i in shown]
            dots.append(_markers(trace.get("marker") or {}, colour, points))
    annotations = [_annotation(a, xscale) for a in layout.get("annotations") or () if _shown(a)]
    return (left, right, rows * LINE_HEIGHT + 10), [
        *_value_labels(yscale, ticks, title, left),
        *layers["below"],
        _data("".join(paths)),
        *layers["data"],
        *dots,
        *layers["above"],
        *annotations,
        labels,
    ]


def _day(value) -> int:
    """Return a plotly date ("2025-01-31", maybe with a time) as a day number."""
    return dt.date.fromisoformat(str(value)[:10]).toordinal()


def _marked(traces: list[dict]) -> list[list[int]]:
    """Return, for each trace, the indices of the points that carry a marker, as plotly shows
    them: with ``marker.maxdisplayed``, one point in so many, each line starting a little
    further than the previous one so that markers do not all stand in columns."""
    marked, thinned = [], 0
    for trace in traces:
        points = [i for i, y in enumerate(trace.get("y") or ()) if y is not None]
        most = (trace.get("marker") or {}).get("maxdisplayed") or 0
        if "markers" not in trace.get("mode", "lines+markers"):
            points = []
        elif most:  # plotly.js scatter/plot.js selectMarkers
            every = math.ceil(len(points) / most)
            start = round(thinned * every / 3 + thinned // 3 * every / 7.1)
            points = [p for k, p in enumerate(points) if (k + start) % every == 0]
            thinned += 1
        marked.append(points)
    return marked


def _path(xs: list[int], ys: list, xscale: _Scale, yscale: _Scale) -> str:
    """Return the path of a line in the 1000 × 1000 viewBox, broken where a value is missing.

    Each point is a move relative to the previous one: short numbers, for long daily series.
    """
    points = [
        None if y is None else (round(xscale(x) * 10000), round((1 - yscale(y)) * 10000))
        for x, y in zip(xs, ys, strict=True)
    ]
    segments: list[list[str]] = []
    previous = None
    for point in _thinned(points):
        if point is None:
            previous = None
        elif previous is None:
            segments.append([f"M{_tenths(point[0])} {_tenths(point[1])}"])
        else:
            dx, dy = point[0] - previous[0], point[1] - previous[1]
            segments[-1].append(f"{_tenths(dx)} {_tenths(dy)}")
        previous = point
    path = "".join(s[0] + ("l" + " ".join(s[1:]) if len(s) > 1 else "") for s in segments)
    return path.replace(" -", "-")


def _thinned(points: list) -> list:
    """Return the points of a line that a screen can tell apart: when there are more than two
    per slice of the width (a daily series over years), the first, lowest, highest and last of
    each slice (2 px on a desktop), so that peaks stay where they are."""
    if len(points) <= 2 * SLICES:
        return points
    kept = []
    for _, run in itertools.groupby(
        points, key=lambda p: None if p is None else p[0] * SLICES // 10000
    ):
        run = list(run)
        if run[0] is None:  # a gap stays a gap
            kept.append(None)
            continue
        heights = [p[1] for p in run]
        chosen = {0, heights.index(min(heights)), heights.index(max(heights)), len(run) - 1}
        kept.extend(run[i] for i in sorted(chosen))
    return kept


def _dasharray(dash: str | None, width: float) -> str:
    unit = max(width, 3)
    if dash in DASH_PATTERNS:
        lengths = [f"{unit * k:g}" for k in DASH_PATTERNS[dash]]
    else:  # plotly's own list of lengths: "8px,3px,2px"
        lengths = re.findall(r"[\d.]+", str(dash or ""))
    return f' stroke-dasharray="{",".join(lengths)}"' if lengths else ""


def _date_ticks(xscale: _Scale, yearly: bool, width: float) -> Iterator[Ticks]:
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


# -- bar charts --------------------------------------------------------------------------------


def _bars(trace: dict, layout: dict, plot_height: float) -> tuple[tuple, list[str]]:
    """Return the margins and the drawing of a bar chart: upright (hours) or flat, valued."""
    flat = trace.get("orientation") == "h"
    names = [str(c) for c in trace.get("y" if flat else "x") or ()]
    values = list(trace.get("x" if flat else "y") or ())
    colour = _colour(trace, 0, layout)
    gap = layout.get("bargap", 0.2) / 2 / len(names)
    bands = [(i / len(names) + gap, (i + 1) / len(names) - gap) for i in range(len(names))]
    if flat:
        # Plotly counts categories upwards, unless the axis is reversed (largest first).
        if (layout.get("yaxis") or {}).get("autorange") != "reversed":
            bands = [(1 - b, 1 - a) for a, b in bands]
        return _flat_bars(trace, names, values, bands, colour, layout, plot_height)
    scale, ticks = _value_axis(values, plot_height)
    title = _axis_title(layout.get("yaxis") or {})
    left, right = _value_margin(ticks, title), EDGE

    def choices(width: float) -> Iterator[Ticks]:
        # Plotly labels one category in so many, at most one every 17 px.
        for step in CATEGORY_STEPS:
            if step * width >= len(names) * 17:
                yield [((a + b) / 2, [names[i]]) for i, (a, b) in enumerate(bands) if i % step == 0]

    labels, rows = _labels_along(choices, left, right)
    rects = [
        _rect(a, 1 - scale(max(v, 0)), b - a, abs(scale(v) - scale(0)))
        for (a, b), v in zip(bands, values, strict=True)
        if v is not None
    ]
    bottom = rows * LINE_HEIGHT + 10
    x_title = _axis_title(layout.get("xaxis") or {})
    return (left, right, bottom + (TITLE_SIZE + 10 if x_title else 0)), [
        *_value_labels(scale, ticks, title, left),
        _bars_data(colour, rects),
        labels,
        _title_below(x_title, bottom + TITLE_SIZE + 2),
    ]


def _flat_bars(
    trace: dict,
    names: list[str],
    values: list,
    bands: list[tuple[float, float]],
    colour: str,
    layout: dict,
    plot_height: float,
) -> tuple[tuple, list[str]]:
    """Return the margins and drawing of flat bars: names on the left, each value after its bar."""
    scale, _ = _value_axis(values, 0)
    template = trace.get("texttemplate") or "%{x}"
    texts = [_fill(template, {"x": v, "y": n}) for n, v in zip(names, values, strict=True)]
    # A long name takes two lines when the bars are high enough (a few members).
    two_lines = (bands[0][1] - bands[0][0]) * plot_height > 2.2 * LINE_HEIGHT
    lines = [_wrap(n) if two_lines else [n] for n in names]
    left = round(EDGE + max(_text_width(t, TICK_SIZE) for n in lines for t in n) + 6)
    widest = max(_text_width(t, TICK_SIZE) for t in texts)
    right = round(max((layout.get("margin") or {}).get("r", EDGE), widest + 10))
    rects, labels, numbers = [], [], []
    for (a, b), value, name, text in zip(bands, values, lines, texts, strict=True):
        middle = _pc((a + b) / 2)
        labels.append(_text_lines("-6", middle, name))
        if value is None:
            continue
        rects.append(_rect(scale(min(value, 0)), a, abs(scale(value) - scale(0)), b - a))
        numbers.append(
            f'<text x="{_pc(scale(value))}" y="{middle}" dx="4" dy="0.35em">{escape(text)}</text>'
        )
    zero = _pc(scale(0))
    return (left, right, TITLE_SIZE + 2 * EDGE), [
        _bars_data(colour, rects),
        f'<line{_paint("stroke", THEMES["clair"].axis)} x1="{zero}" x2="{zero}" y2="100%"'
        ' shape-rendering="crispEdges"/>',
        f'<g fill="currentColor" font-size="{TICK_SIZE}" text-anchor="end">{"".join(labels)}</g>',
        f'<g class="svg-values" fill="currentColor" font-size="{TICK_SIZE}">{"".join(numbers)}</g>',
        _title_below(_axis_title(layout.get("xaxis") or {}), TITLE_SIZE + 2),
    ]


def _rect(x: float, y: float, width: float, height: float) -> str:
    """Return a bar in the 1000 × 1000 viewBox, from fractions of the plot area."""
    numbers = (round(v * 10000) for v in (x, y, width, height))
    x, y, width, height = map(_tenths, numbers)
    return f'<rect x="{x}" y="{y}" width="{width}" height="{height}"/>'


def _bars_data(colour: str, rects: list[str]) -> str:
    return _data(f"<g{_paint('fill', colour, 'svg-bars')}>{''.join(rects)}</g>")


def _data(drawing: str) -> str:
    """Return lines or bars drawn in 1000 × 1000 units, stretched over the plot area."""
    return (
        '<svg class="svg-data" width="100%" height="100%" viewBox="0 0 1000 1000"'
        f' preserveAspectRatio="none" overflow="visible">{drawing}</svg>'
    )


def _fill(template: str, values: dict) -> str:
    """Return a plotly text template filled in French: "%{x:,.0f} €" → "1 234 €"."""

    def field(found: re.Match) -> str:
        value = values.get(found[1])
        if found[2] is None or value is None:
            return str(value if value is not None else "")
        return format_number(value, int(found[2]))

    return TEMPLATE_FIELD.sub(field, template)


def _wrap(name: str) -> list[str]:
    """Return a name on two lines, cut at the space nearest its middle (long names only)."""
    spaces = [i for i, char in enumerate(name) if char == " "]
    if len(name) <= 16 or not spaces:
        return [name]
    cut = min(spaces, key=lambda i: abs(i - len(name) / 2))
    return [name[:cut], name[cut + 1 :]]


# -- axes, shapes, annotations, legend ---------------------------------------------------------


class _Scale:
    """A linear axis: a value's fraction of the plot's width or height, from ``low``."""

    def __init__(self, low: float, high: float):
        self.low, self.high = low, (high if high > low else low + 1)

    def __call__(self, value: float) -> float:
        return (value - self.low) / (self.high - self.low)


def _value_axis(values: Iterable, length: float) -> tuple[_Scale, list[tuple[float, str]]]:
    """Return the scale (from zero) and the round ticks of a value axis ``length`` px long.

    Like plotly: 5 % of room beyond the data, steps of 1, 2 or 5 × 10ⁿ, from 5 to 10 ticks,
    one every 40 px or so.
    """
    numbers = [float(v) for v in values if v is not None]
    low, high = min([0.0, *numbers]), max([0.0, *numbers])
    if low == high:
        high = 1.0
    span = high - low
    scale = _Scale(low - PAD * span * (low < 0), high + PAD * span * (high > 0))
    rough = (scale.high - scale.low) / (min(max(length / 40, 4), 9) + 1)
    power = 10 ** math.floor(math.log10(rough))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= rough)
    decimals = max(0, -math.floor(math.log10(step) + 1e-9))
    first, last = math.ceil(scale.low / step - 1e-9), math.floor(scale.high / step + 1e-9)
    return scale, [(i * step, format_number(i * step, decimals)) for i in range(first, last + 1)]


def _value_labels(scale: _Scale, ticks: list, title: str, left: float) -> list[str]:
    """Return the grid, the zero line, the tick labels and the title of a vertical value axis."""
    grid, labels = [], []
    for value, text in ticks:
        y = _pc(1 - scale(value))
        if value != 0:
            grid.append(f'<line x2="100%" y1="{y}" y2="{y}"/>')
        labels.append(f'<text x="-4" y="{y}" dy="0.35em">{escape(text)}</text>')
    zero = _pc(1 - scale(0))
    parts = [
        f'<g{_paint("stroke", THEMES["clair"].grid)} shape-rendering="crispEdges">'
        f"{''.join(grid)}</g>",
        f'<line{_paint("stroke", THEMES["clair"].axis)} x2="100%" y1="{zero}" y2="{zero}"'
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


def _value_margin(ticks: list, title: str) -> int:
    """Return the left margin of a value axis: its widest label, and its title if any."""
    widest = max(_text_width(text, TICK_SIZE) for _, text in ticks)
    return round(EDGE + (TITLE_SIZE * 1.2 + 8 if title else 0) + widest + 6)


def _axis_title(axis: dict) -> str:
    title = axis.get("title") or {}
    return str(title.get("text") or "") if isinstance(title, dict) else str(title)


def _title_below(title: str, baseline: float) -> str:
    if not title:
        return ""
    return (
        f'<text fill="currentColor" font-size="{TITLE_SIZE}" text-anchor="middle" x="50%"'
        f' y="100%" dy="{baseline:g}">{escape(title)}</text>'
    )


def _labels_along(
    choices: Callable[[float], Iterable[Ticks]], left: float, right: float
) -> tuple[str, int]:
    """Return the labels along the width, one group per density that differs, and their lines.

    ``choices(width)`` yields the lists of labels plotly could show on a plot ``width`` px wide,
    from the most labels to the fewest.
    """
    by_density = [_fitting(choices, left, right, minimum) for minimum in DENSITIES]
    groups = []
    for ticks in dict.fromkeys(map(repr, by_density)):
        shown = [i for i, t in enumerate(by_density) if repr(t) == ticks]
        classes = "".join(f" svg-d{i}" for i in shown)
        texts = (
            f'<text x="{_pc(position)}" y="100%" dy="{LINE_HEIGHT * (row + 1)}">'
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
    return max(_text_width(line, TICK_SIZE) for line in lines)


def _shape(shape: dict, xscale: _Scale, yscale: _Scale) -> str:
    """Return a line or a rectangle of the layout (events, the incomplete period's segment)."""
    xs = [xscale(_day(shape[k])) if shape.get("xref") == "x" else shape[k] for k in ("x0", "x1")]
    ys = [yscale(shape[k]) if shape.get("yref") == "y" else shape[k] for k in ("y0", "y1")]
    line = shape.get("line") or {}
    opacity = f' opacity="{shape["opacity"]}"' if "opacity" in shape else ""
    if shape.get("type") == "rect":
        return (
            f"<rect{_paint('fill', shape.get('fillcolor', '#000'))}{opacity}"
            f' x="{_pc(min(xs))}" width="{_pc(abs(xs[1] - xs[0]))}"'
            f' y="{_pc(1 - max(ys))}" height="{_pc(abs(ys[1] - ys[0]))}"/>'
        )
    width = line.get("width", 2)
    return (
        f'<line{_paint("stroke", line.get("color", "#000"))}{opacity} stroke-width="{width}"'
        f'{_dasharray(line.get("dash"), width)} x1="{_pc(xs[0])}" x2="{_pc(xs[1])}"'
        f' y1="{_pc(1 - ys[0])}" y2="{_pc(1 - ys[1])}"/>'
    )


def _annotation(note: dict, xscale: _Scale) -> str:
    """Return an annotation's text; turned a quarter (events), it reads upwards from the top,
    on the right of its position, with a halo of the background over the lines it crosses."""
    x = xscale(_day(note["x"])) if note.get("xref") == "x" else note.get("x", 0.5)
    y = 1 - note.get("y", 0.5) if note.get("yref") == "paper" else 0.5
    size = (note.get("font") or {}).get("size", TICK_SIZE)
    text = escape(str(note.get("text", "")))
    turned = note.get("textangle") in (-90, 270)
    place = (
        'text-anchor="end" transform="rotate(-90)" dx="-4" dy="1em"'
        if turned
        else 'text-anchor="middle" dy="0.35em"'
    )
    # Turned labels are events': hidden on narrow charts (drawings.css).
    kind = ' class="svg-event-label"' if turned else ""
    return (
        f'<svg{kind} x="{_pc(x)}" y="{_pc(y)}" overflow="visible"><text'
        f'{_paint("stroke", THEMES["clair"].background)} stroke-width="3" paint-order="stroke"'
        f' stroke-linejoin="round" fill="currentColor" font-size="{size}" {place}>{text}</text>'
        "</svg>"
    )


def _legend(traces: list[dict], layout: dict) -> str:
    """Return the items of the legend below the plot, in HTML (it wraps): a swatch and the name
    of each series shown. Like plotly, a figure that asks for a legend has one even if a single
    series shows (the others hidden), and one that does not say has one from two series."""
    shown = [(i, t) for i, t in enumerate(traces) if t.get("showlegend", True) is not False]
    wanted = layout.get("showlegend")
    if not shown or wanted is False or (wanted is None and len(shown) < 2):
        return ""
    items = []
    for index, trace in shown:
        colour, mode = _colour(trace, index, layout), trace.get("mode", "lines+markers")
        line = trace.get("line") or {}
        swatch = []
        if "lines" in mode:
            width = line.get("width", 2)
            swatch.append(
                f'<line{_paint("stroke", colour)} x1="5" x2="35" y1="8" y2="8"'
                f' stroke-width="{width}"{_dasharray(line.get("dash"), width)}/>'
            )
        if "markers" in mode:
            marker = dict(trace.get("marker") or {})
            marker["size"] = min(marker.get("size", 6), 10)
            swatch.append(_markers(marker, colour, [("20", "8")]))
        items.append(
            f'<li><svg width="40" height="16">{"".join(swatch)}</svg>'
            f"{escape(str(trace.get('name') or ''))}</li>"
        )
    return "".join(items)


def _markers(marker: dict, colour: str, points: list[tuple[str, str]]) -> str:
    """Return markers at (x, y) positions: small shapes in px, whatever the plot's scale.

    Plotly's symbols with its proportions; an "-open" one is a ring of its colour.
    """
    symbol = str(marker.get("symbol", "circle"))
    radius = marker.get("size", 6) / 2
    hollow = symbol.endswith("-open")
    if hollow:
        line = (marker.get("line") or {}).get("width") or 1
        paint = f'{_paint("stroke", colour, "svg-markers")} fill="none" stroke-width="{line}"'
    else:
        paint = _paint("fill", colour, "svg-markers")
    shape = symbol.removesuffix("-open")
    if shape == "circle":
        drawn = (f'<circle cx="{x}" cy="{y}" r="{radius:g}"/>' for x, y in points)
    else:
        path = "M" + "L".join(f"{a * radius:.3g} {b * radius:.3g}" for a, b in SYMBOLS[shape])
        drawn = (
            f'<svg x="{x}" y="{y}" overflow="visible"><path d="{path}Z"/></svg>' for x, y in points
        )
    return f"<g{paint}>{''.join(drawn)}</g>"


def _star() -> tuple[tuple[float, float], ...]:
    # Five points 1.4 radii out, inner corners at 0.382 of that, the first point upwards.
    corners = []
    for k in range(10):
        reach = 1.4 if k % 2 == 0 else 1.4 * 0.382
        angle = math.pi * (k / 5 - 0.5)
        corners.append((reach * math.cos(angle), reach * math.sin(angle)))
    return tuple(corners)


_T, _H = 2 / math.sqrt(3), 0.4 * math.sqrt(2)  # triangle half-base; arm of the x, in radii
SYMBOLS = {  # corners in radii of the marker, as plotly draws its symbols
    "square": ((1, 1), (-1, 1), (-1, -1), (1, -1)),
    "diamond": ((1.3, 0), (0, 1.3), (-1.3, 0), (0, -1.3)),
    "triangle-up": ((-_T, 0.5), (_T, 0.5), (0, -1)),
    "triangle-down": ((-_T, -0.5), (_T, -0.5), (0, 1)),
    "cross": (
        *((1.2, 0.4), (0.4, 0.4), (0.4, 1.2), (-0.4, 1.2), (-0.4, 0.4), (-1.2, 0.4)),
        *((-1.2, -0.4), (-0.4, -0.4), (-0.4, -1.2), (0.4, -1.2), (0.4, -0.4), (1.2, -0.4)),
    ),
    "x": tuple(
        (a * _H, b * _H)
        for a, b in (
            *((0, 1), (1, 2), (2, 1), (1, 0), (2, -1), (1, -2)),
            *((0, -1), (-1, -2), (-2, -1), (-1, 0), (-2, 1), (-1, 2)),
        )
    ),
    "star": _star(),
}


# -- colours, text and numbers -----------------------------------------------------------------


def _roles() -> dict[str, tuple[str, str]]:
    """Return {colour: (light, dark)} for every colour of both themes, by the role it plays."""
    light, dark = THEMES["clair"], THEMES["sombre"]
    pairs = [(getattr(light, n), getattr(dark, n)) for n in ("background", "text", "grid", "axis")]
    pairs += list(zip(light.colours, dark.colours, strict=True))
    roles: dict[str, tuple[str, str]] = {}
    for pair in pairs:
        for colour in pair:
            roles.setdefault(colour.lower(), pair)
    return roles


ROLES = _roles()


def _paint(kind: str, colour: str, more: str = "") -> str:
    """Return the class and style that paint an element's stroke or fill in both themes."""
    light, dark = ROLES.get(str(colour).lower(), (colour, colour))
    classes = f"svg-{kind} {more}".strip()
    return f' class="{classes}" style="--clair:{escape(light)};--sombre:{escape(dark)}"'


def _colour(trace: dict, index: int, layout: dict) -> str:
    """Return a trace's colour: its line's, its markers', else the colourway's by position."""
    for part in ("line", "marker"):
        colour = (trace.get(part) or {}).get("color")
        if isinstance(colour, str):
            return colour
    template = (layout.get("template") or {}).get("layout") or {}
    colourway = layout.get("colorway") or template.get("colorway") or THEMES["clair"].colours
    return colourway[index % len(colourway)]


def _text_lines(x: str, y: str, lines: list[str]) -> str:
    """Return a text of one or more lines, centred on ``y``."""
    first = 0.35 - 0.6 * (len(lines) - 1)
    spans = "".join(
        f'<tspan x="{x}" dy="{first if row == 0 else 1.2:g}em">{escape(line)}</tspan>'
        for row, line in enumerate(lines)
    )
    return f'<text y="{y}">{spans}</text>'


def _text_width(text: str, size: float) -> float:
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


def _pc(fraction: float) -> str:
    """Return a position along an axis as an SVG percentage."""
    return f"{fraction * 100:.2f}".rstrip("0").rstrip(".") + "%"


def _tenths(value: int) -> str:
    """Return a length counted in tenths as SVG writes it: 125 → "12.5", −40 → "-4"."""
    whole, tenth = divmod(abs(value), 10)
    return ("-" if value < 0 else "") + str(whole) + (f".{tenth}" if tenth else "")


def _shown(item: dict) -> bool:
    return item.get("visible", True) is not False
