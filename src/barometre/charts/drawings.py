"""The SVG renderer: a chart of the model (``barometre.charts.model``) drawn on the server as
static SVG, close to the plotly drawing that later replaces it.

Pages load as the server's HTML, and Dash with plotly.js only at the reader's first move. Until
then each chart is this drawing, in the same box (dcc.Graph's default height), so that the swap
moves nothing on the page. It reads the model only, never a plotly figure: a chart outside the
model's vocabulary cannot reach it.

The server does not know the width of the screen (320 px phone … 1280 px desktop), and scaling a
whole drawing with a viewBox would make its text tiny or huge. So the plot area is an ``<svg>``
placed by CSS (margins in px, width ``calc(100% - …)``); text, grid lines, shapes and markers are
placed in percentages of it, with px offsets; lines and bars are drawn in a nested 1000 × 1000
viewBox stretched over it (``preserveAspectRatio="none"``, lines with
``vector-effect="non-scaling-stroke"`` so that they keep their width and dashes). Labels along the
width come in up to four densities, each shown by a container query of ``assets/drawings.css``
from the chart width it fits (``DENSITIES``).

Colours: the model names roles (a palette index, the axis, the grid); each goes on its element as
the pair ``--clair``/``--sombre`` (the colour of that role in ``figures.THEMES``), and
``assets/drawings.css`` paints ``.svg-stroke`` and ``.svg-fill`` with the one the page's theme
(site or embed) asks for. Text is ``currentColor``. The markup has no script, no event handler
and no external reference.

This module draws the plot (lines, bars, events, markers, legend); ``svg_axes`` holds the axes,
the labels along the width and the small pieces of markup both write.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator

from markupsafe import escape

from barometre.charts.exploration import Exploration, points_json
from barometre.charts.figures import BAR_GAP, EVENT_LABEL_SIZE, FLAT_BARS_RIGHT
from barometre.charts.model import (
    BarChart,
    Chart,
    EmptyChart,
    EventMark,
    Link,
    Markers,
    Series,
    TimeChart,
)
from barometre.charts.svg_axes import (
    EDGE,
    LINE_HEIGHT,
    PAD,
    TICK_SIZE,
    TITLE_SIZE,
    Role,
    Scale,
    Ticks,
    dasharray,
    date_ticks,
    day_number,
    labels_along,
    paint,
    pc,
    tenths,
    text_lines,
    text_width,
    title_below,
    value_axis,
    value_labels,
    value_margin,
    wrap,
)

FAILED = "Ce graphique n'a pas pu être dessiné\u00a0; ses données restent dans le tableau."
HEIGHT = 450  # dcc.Graph's default height: the box plotly.js draws in later
FILLED = 300  # px, the height assumed for the value ticks of a drawing that fills its container
# Chart widths (px) from which each density of labels along the width shows; the container
# queries of assets/drawings.css use the same numbers. 296: a 320 px phone's.
DENSITIES = (296, 480, 760, 1100)
TOP = 16  # the template's top margin
SLICES = 500  # slices of the width in which a long line keeps its lowest and highest points
CATEGORY_STEPS = (1, 2, 3, 4, 6, 8, 12, 24)


def chart_html(
    chart: Chart,
    hidden: bool,
    height: int | None = HEIGHT,
    explore: Exploration | None = None,
) -> str:
    """Return a chart of the model drawn as static, escaped HTML and SVG, ``height`` px high.

    ``hidden``: a data table carries the same numbers, so the drawing is hidden from assistive
    technologies; otherwise it is an image named by its series (or its message).
    ``height`` None: the drawing takes the height of its container (embeds, by CSS).
    ``explore``: the texts of the points, written with their places in the plot area
    (``data-points``) for assets/explore.js, which lets a keyboard walk the drawing.
    """
    box = f' style="height:{height}px"' if height else ""
    if isinstance(chart, EmptyChart):
        access = (
            ' aria-hidden="true"' if hidden else f' role="img" aria-label="{escape(chart.message)}"'
        )
        return f'<div class="svg-chart svg-empty"{access}{box}><p>{escape(chart.message)}</p></div>'
    if isinstance(chart, TimeChart):
        names = [s.name for s in chart.shown()]
    elif isinstance(chart, BarChart):
        names = []
    else:
        raise TypeError(f"graphique inconnu du modèle : {type(chart).__name__}")
    access = (
        ' aria-hidden="true"' if hidden else f' role="img" aria-label="{escape(", ".join(names))}"'
    )
    legend = _legend(chart) if isinstance(chart, TimeChart) else ""
    # Below the plot: one line of labels, and the legend's first row (the others are unknown).
    plot_height = (height or FILLED) - TOP - 2 * LINE_HEIGHT - (24 if legend else 0)
    (left, right, bottom), body, scales = plot(chart, plot_height)
    if explore is None:
        places = None
    elif isinstance(chart, BarChart):
        places = _bar_places(chart)
    else:
        places = _line_places(chart, *scales)
    if legend:  # under the plot area, as plotly's when there is room (drawings.css)
        legend = f'<ul class="svg-legend" style="--left:{left}px">{legend}</ul>'
    if places is not None:
        access += f' data-points="{escape(points_json(chart, explore, places))}"'
    return (
        f'<div class="svg-chart"{access}{box}><div class="svg-plot">'
        f'<svg class="svg-area" style="left:{left}px;top:{TOP}px;width:calc(100% - '
        f'{left + right}px);height:calc(100% - {TOP + bottom}px)">{"".join(body)}</svg></div>'
        f"{legend}</div>"
    )


def plot(chart: TimeChart | BarChart, plot_height: float) -> tuple[tuple, list[str], tuple]:
    """Return the margins (left, right, bottom, px) of a chart's plot area ``plot_height`` px
    high, the markup drawn in it (placed in its percentages) and, for lines, its two scales."""
    if isinstance(chart, BarChart):
        margins, body = _bars(chart, plot_height)
        return margins, body, ()
    return _lines(chart, plot_height)


# -- line charts -------------------------------------------------------------------------------


def _lines(chart: TimeChart, plot_height: float) -> tuple[tuple, list[str]]:
    """Return the margins and the drawing of a time chart: lines, markers, events, labels."""
    shown = chart.shown()
    events = chart.events if chart.show_events else ()
    series = [(s, [day_number(d) for d in s.dates], list(s.values)) for s in shown]
    marked = _marked(shown)
    days = [x for _, xs, _ in series for x in xs]
    for event in events:
        days.append(day_number(event.start))
        if event.last_day is not None:
            days.append(day_number(event.last_day) + 1)
        else:
            days.append(day_number(event.start))
    low, high = min(days), max(days)
    if low == high:
        low, high = low - 15, high + 15
    span = high - low
    # Plotly leaves room beyond a marker at either end, so that it is not cut in half.
    ends = {xs[i] for (_, xs, _), points in zip(series, marked, strict=True) for i in points}
    xscale = Scale(low - PAD * span * (low in ends), high + PAD * span * (high in ends))
    yscale, ticks = value_axis([v for _, _, ys in series for v in ys], plot_height)
    title = chart.values.unit
    left, right = value_margin(ticks, title), EDGE
    yearly = chart.granularity == "annee"

    def choices(width: float) -> Iterator[Ticks]:
        return date_ticks(xscale, yearly, width)

    labels, rows = labels_along(choices, left, right, DENSITIES)
    paths, dots = [], []
    for (line, xs, ys), points in zip(series, marked, strict=True):
        paths.append(
            f'<path{paint("stroke", line.colour, "svg-line")} fill="none"'
            f' stroke-width="{line.width:g}"{dasharray(line.dash, line.width)}'
            ' stroke-linejoin="round" vector-effect="non-scaling-stroke"'
            f' d="{_path(xs, ys, xscale, yscale)}"/>'
        )
        if points:
            at = [(pc(xscale(xs[i])), pc(1 - yscale(ys[i]))) for i in points]
            dots.append(_markers(line.markers, line.colour, at))
    # Bands under the lines; the incomplete period's segment under the markers, so that the
    # ring stays clear; event lines and their labels over everything.
    return (
        (left, right, rows * LINE_HEIGHT + 10),
        [
            *value_labels(yscale, ticks, title, left),
            *(_band(e, xscale) for e in events if e.is_band),
            _data("".join(paths)),
            _link(chart.link, xscale, yscale) if chart.link else "",
            *dots,
            *(_event_line(e, xscale) for e in events if not e.is_band),
            *(_event_label(e, xscale) for e in events),
            labels,
        ],
        (xscale, yscale),
    )


def _marked(series: list[Series]) -> list[list[int]]:
    """Return, for each series, the indices of the points that carry a marker, as plotly shows
    them: with at most ``most`` markers, one point in so many, each line starting a little
    further than the previous one so that markers do not all stand in columns."""
    marked, thinned = [], 0
    for line in series:
        points = [i for i, y in enumerate(line.values) if y is not None]
        markers = line.markers
        if not markers.shown:
            points = []
        elif not markers.every:  # plotly.js scatter/plot.js selectMarkers
            every = math.ceil(len(points) / markers.most)
            start = round(thinned * every / 3 + thinned // 3 * every / 7.1)
            points = [p for k, p in enumerate(points) if (k + start) % every == 0]
            thinned += 1
        marked.append(points)
    return marked


def _path(xs: list[int], ys: list, xscale: Scale, yscale: Scale) -> str:
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
            segments.append([f"M{tenths(point[0])} {tenths(point[1])}"])
        else:
            dx, dy = point[0] - previous[0], point[1] - previous[1]
            segments[-1].append(f"{tenths(dx)} {tenths(dy)}")
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


def _line_places(chart: TimeChart, xscale: Scale, yscale: Scale) -> dict[int, list]:
    """Return, by index of the model's series shown, its points' places in the plot area
    (fractions from its top left corner); a point without a value sits on the axis."""
    shown = {id(line) for line in chart.shown()}
    return {
        index: [
            (_fraction(xscale(day_number(d))), None if v is None else _fraction(1 - yscale(v)))
            for d, v in zip(line.dates, line.values, strict=True)
        ]
        for index, line in enumerate(chart.series)
        if id(line) in shown
    }


def _bar_places(chart: BarChart) -> dict[int, list]:
    """Return the places of the ends of the bars: the top of an upright one, the right of a
    flat one, in the middle of its band."""
    scale, _ = value_axis(chart.values, 0)
    count = len(chart.values)
    places = []
    for index, value in enumerate(chart.values):
        middle = _fraction((index + 0.5) / count)
        end = None if value is None else scale(value)
        if chart.upright:
            places.append((middle, None if end is None else _fraction(1 - end)))
        else:
            places.append((None if end is None else _fraction(end), middle))
    return {0: places}


def _fraction(value: float) -> float:
    return round(value, 4)


# -- bar charts --------------------------------------------------------------------------------


def _bars(chart: BarChart, plot_height: float) -> tuple[tuple, list[str]]:
    """Return the margins and the drawing of a bar chart: upright (hours) or flat, valued."""
    names, values = list(chart.labels), list(chart.values)
    gap = BAR_GAP / 2 / len(names)
    # Upright: categories from left to right; flat: largest first, from the top down.
    bands = [(i / len(names) + gap, (i + 1) / len(names) - gap) for i in range(len(names))]
    if not chart.upright:
        return _flat_bars(chart, names, values, bands, plot_height)
    scale, ticks = value_axis(values, plot_height)
    title = chart.values_format.unit
    left, right = value_margin(ticks, title), EDGE

    def choices(width: float) -> Iterator[Ticks]:
        # Plotly labels one category in so many, at most one every 17 px.
        for step in CATEGORY_STEPS:
            if step * width >= len(names) * 17:
                yield [((a + b) / 2, [names[i]]) for i, (a, b) in enumerate(bands) if i % step == 0]

    labels, rows = labels_along(choices, left, right, DENSITIES)
    rects = [
        _rect(a, 1 - scale(max(v, 0)), b - a, abs(scale(v) - scale(0)))
        for (a, b), v in zip(bands, values, strict=True)
        if v is not None
    ]
    bottom = rows * LINE_HEIGHT + 10
    x_title = chart.category_title
    return (left, right, bottom + (TITLE_SIZE + 10 if x_title else 0)), [
        *value_labels(scale, ticks, title, left),
        _bars_data(chart.colour, rects),
        labels,
        title_below(x_title, bottom + TITLE_SIZE + 2),
    ]


def _flat_bars(
    chart: BarChart,
    names: list[str],
    values: list,
    bands: list[tuple[float, float]],
    plot_height: float,
) -> tuple[tuple, list[str]]:
    """Return the margins and drawing of flat bars: names on the left, each value after its bar."""
    scale, _ = value_axis(values, 0)
    texts = ["" if v is None else chart.values_format.bar_text(v) for v in values]
    # A long name takes two lines when the bars are high enough (a few members).
    two_lines = (bands[0][1] - bands[0][0]) * plot_height > 2.2 * LINE_HEIGHT
    lines = [wrap(n) if two_lines else [n] for n in names]
    left = round(EDGE + max(text_width(t, TICK_SIZE) for n in lines for t in n) + 6)
    widest = max(text_width(t, TICK_SIZE) for t in texts)
    right = round(max(FLAT_BARS_RIGHT, widest + 10))
    rects, labels, numbers = [], [], []
    for (a, b), value, name, text in zip(bands, values, lines, texts, strict=True):
        middle = pc((a + b) / 2)
        labels.append(text_lines("-6", middle, name))
        if value is None:
            continue
        rects.append(_rect(scale(min(value, 0)), a, abs(scale(value) - scale(0)), b - a))
        numbers.append(
            f'<text x="{pc(scale(value))}" y="{middle}" dx="4" dy="0.35em">{escape(text)}</text>'
        )
    zero = pc(scale(0))
    return (left, right, TITLE_SIZE + 2 * EDGE), [
        _bars_data(chart.colour, rects),
        f'<line{paint("stroke", "axis")} x1="{zero}" x2="{zero}" y2="100%"'
        ' shape-rendering="crispEdges"/>',
        f'<g fill="currentColor" font-size="{TICK_SIZE}" text-anchor="end">{"".join(labels)}</g>',
        f'<g class="svg-values" fill="currentColor" font-size="{TICK_SIZE}">{"".join(numbers)}</g>',
        title_below(chart.values_format.unit, TITLE_SIZE + 2),
    ]


def _rect(x: float, y: float, width: float, height: float) -> str:
    """Return a bar in the 1000 × 1000 viewBox, from fractions of the plot area."""
    numbers = (round(v * 10000) for v in (x, y, width, height))
    x, y, width, height = map(tenths, numbers)
    return f'<rect x="{x}" y="{y}" width="{width}" height="{height}"/>'


def _bars_data(colour: Role, rects: list[str]) -> str:
    return _data(f"<g{paint('fill', colour, 'svg-bars')}>{''.join(rects)}</g>")


def _data(drawing: str) -> str:
    """Return lines or bars drawn in 1000 × 1000 units, stretched over the plot area."""
    return (
        '<svg class="svg-data" width="100%" height="100%" viewBox="0 0 1000 1000"'
        f' preserveAspectRatio="none" overflow="visible">{drawing}</svg>'
    )


# -- shapes, annotations, legend --------------------------------------------------------------


def _band(event: EventMark, xscale: Scale) -> str:
    """Return the band of an event over its days, under the lines."""
    x0, x1 = xscale(day_number(event.start)), xscale(day_number(event.last_day) + 1)
    return (
        f'<rect{paint("fill", "grid")} opacity="0.6" x="{pc(x0)}" width="{pc(x1 - x0)}"'
        ' y="0%" height="100%"/>'
    )


def _event_line(event: EventMark, xscale: Scale) -> str:
    """Return the dotted line of an event on its day, across the plot."""
    x = pc(xscale(day_number(event.start)))
    return (
        f'<line{paint("stroke", "axis")} stroke-width="1.5"{dasharray("dot", 1.5)}'
        f' x1="{x}" x2="{x}" y1="100%" y2="0%"/>'
    )


def _link(link: Link, xscale: Scale, yscale: Scale) -> str:
    """Return the dashed segment from the last complete period to the incomplete one."""
    (x0, y0), (x1, y1) = link.start, link.end
    return (
        f'<line{paint("stroke", link.colour)} stroke-width="{link.width:g}"'
        f'{dasharray(link.dash, link.width)} x1="{pc(xscale(day_number(x0)))}"'
        f' x2="{pc(xscale(day_number(x1)))}" y1="{pc(1 - yscale(y0))}" y2="{pc(1 - yscale(y1))}"/>'
    )


def _event_label(event: EventMark, xscale: Scale) -> str:
    """Return an event's title, turned a quarter: it reads upwards from the top, on the right of
    its day, with a halo of the background over the lines it crosses (hidden on narrow charts
    by drawings.css)."""
    return (
        f'<svg class="svg-event-label" x="{pc(xscale(day_number(event.start)))}" y="0%"'
        f' overflow="visible"><text{paint("stroke", "background")} stroke-width="3"'
        ' paint-order="stroke" stroke-linejoin="round" fill="currentColor"'
        f' font-size="{EVENT_LABEL_SIZE}" text-anchor="end" transform="rotate(-90)" dx="-4"'
        f' dy="1em">{escape(event.title)}</text></svg>'
    )


def _legend(chart: TimeChart) -> str:
    """Return the items of the legend below the plot, in HTML (it wraps): a swatch and the name
    of each series shown, when the chart has a legend."""
    if not chart.legend:
        return ""
    return "".join(
        f'<li><svg width="40" height="16">{swatch(line)}</svg>{escape(line.name)}</li>'
        for line in chart.shown()
    )


def swatch(line: Series) -> str:
    """Return a series' sample for a legend, 40 × 16 px: a stretch of its line, its marker."""
    drawn = (
        f'<line{paint("stroke", line.colour)} x1="5" x2="35" y1="8" y2="8"'
        f' stroke-width="{line.width:g}"{dasharray(line.dash, line.width)}/>'
    )
    if line.markers.shown:
        small = Markers(line.markers.symbol, min(line.markers.size, 10), ring=line.markers.ring)
        drawn += _markers(small, line.colour, [("20", "8")])
    return drawn


def _markers(markers: Markers, colour: Role, points: list[tuple[str, str]]) -> str:
    """Return markers at (x, y) positions: small shapes in px, whatever the plot's scale.

    Plotly's symbols with its proportions; an "-open" one is a ring of its colour.
    """
    radius = markers.size / 2
    if markers.symbol.endswith("-open"):
        ring = markers.ring or 1
        brush = f'{paint("stroke", colour, "svg-markers")} fill="none" stroke-width="{ring:g}"'
    else:
        brush = paint("fill", colour, "svg-markers")
    shape = markers.symbol.removesuffix("-open")
    if shape == "circle":
        drawn = (f'<circle cx="{x}" cy="{y}" r="{radius:g}"/>' for x, y in points)
    else:
        path = "M" + "L".join(f"{a * radius:.3g} {b * radius:.3g}" for a, b in SYMBOLS[shape])
        drawn = (
            f'<svg x="{x}" y="{y}" overflow="visible"><path d="{path}Z"/></svg>' for x, y in points
        )
    return f"<g{brush}>{''.join(drawn)}</g>"


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
