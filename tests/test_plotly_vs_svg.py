"""What plotly.js draws equals what the server's SVG draws (issue 15), read back from each.

A sample of charts covers every kind the model has: a monthly national series with an event
line, an event band and the incomplete current period; the same with the year-ago overlay
shown; a daily series over years (thinned in the SVG); a département's series with masked
gaps; upright hour bars; flat bars. Plotly.js draws each figure in Chromium at a fixed size,
and its drawing is read back through its own axes (``xaxis.p2l``, ``yaxis.p2l`` on the pixels
of the paths it wrote), never from the figure. The SVG is read back through its tick labels
(svg_reader). Both must hold the same points in the same order, with the same gaps, extremes,
events, link and bars, up to the SVG's documented thinning (``drawings._thinned``).

One browser page draws every chart, including deliberately wrong figures that the comparison
must catch.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import plotly
import pytest
from chart_data import DEMANDES, event, incomplete, national, totals
from chart_points import _check_every, _check_thinned, _Reader
from factories import HEURE, MOTIF
from svg_reader import Axis, bands, french_number, lines, of_class, rects, straight_lines
from svg_reader import read as read_drawing

from barometre.charts import build, drawings, figures
from barometre.charts.model import BarChart, TimeChart

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
WIDTH, HEIGHT = 900, 450  # px: the box plotly.js draws in
EPOCH = dt.date(1970, 1, 1).toordinal()
DAY_MS = 86_400_000
# Plotly.js writes pixels with two decimals: a point read back is off by at most half of that.
PIXEL = 0.006

# Reads one drawn graph through plotly.js's own axes. Paths are parsed into absolute pixels;
# shapes are drawn in the whole figure's pixels, traces in the plot area's.
READ = """(id) => {
    const gd = document.getElementById(id), xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
    const points = d => {
        const out = []; let x = 0, y = 0;
        for (const [, c, args] of d.matchAll(/([MLHVZ])([^MLHVZ]*)/g)) {
            const n = args.split(/[ ,]+/).filter(s => s).map(Number);
            if (c === 'M' || c === 'L') { [x, y] = n; out.push([x, y, c === 'M']); }
            else if (c === 'H') { x = n[0]; out.push([x, y, false]); }
            else if (c === 'V') { y = n[0]; out.push([x, y, false]); }
        }
        return out;
    };
    const pieces = d => points(d).reduce((all, [x, y, move]) => {
        if (move) all.push([]);
        all[all.length - 1].push([xa.p2l(x), ya.p2l(y)]);
        return all;
    }, []);
    const perPixel = ax => Math.abs(ax.p2l(1) - ax.p2l(0));
    return {
        perPixel: [perPixel(xa), perPixel(ya)],
        traces: [...gd.querySelectorAll('.scatterlayer .trace')].map(
            t => [...t.querySelectorAll('path.js-line')].flatMap(p => pieces(p.getAttribute('d')))),
        shapes: [...gd.querySelectorAll('.shapelayer path')].map(p => {
            const at = points(p.getAttribute('d'));
            const ys = at.map(([, y]) => y);
            return {
                xs: at.map(([x]) => xa.p2l(x - xa._offset)),
                ys: at.map(([, y]) => ya.p2l(y - ya._offset)),
                tall: Math.abs(Math.min(...ys) - ya._offset) < 0.5
                    && Math.abs(Math.max(...ys) - ya._offset - ya._length) < 0.5,
            };
        }),
        // A missing value is drawn as an empty path (M0,0Z): a gap, not a bar.
        bars: [...gd.querySelectorAll('.barlayer .point path')].filter(
            p => points(p.getAttribute('d')).some(([x, y]) => x !== 0 || y !== 0)).map(p => {
            const at = points(p.getAttribute('d'));
            const xs = at.map(([x]) => x), ys = at.map(([, y]) => y);
            const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys),
                                      Math.max(...ys)];
            return {x0: xa.p2l(x0), x1: xa.p2l(x1), y0: ya.p2l(y0), y1: ya.p2l(y1),
                    middle: [xa.p2l((x0 + x1) / 2), ya.p2l((y0 + y1) / 2)], top: y0,
                    categories: [xa._categories, ya._categories]};
        }),
    };
}"""


# -- the sample ---------------------------------------------------------------------------------


def _monthly() -> TimeChart:
    values = [float(4000 + 2500 * ((i * 7) % 11)) for i in range(30)]
    values[17] = 61234.0  # the highest, mid-series
    return build.time_series(
        incomplete(values, "2023-01-01"),
        DEMANDES,
        "mois",
        events=[event("Ouverture", "2023-06-14"), event("Grève", "2024-03-04", "2024-04-21")],
        previous=national([float(3000 + 1700 * (i % 5)) for i in range(30)], "2022-01-01"),
    )


def _daily() -> TimeChart:
    values = [100.0 + (i * 37) % 50 + (i % 365) / 10 for i in range(1600)]
    values[700], values[1234] = 1000.0, 3.0
    return build.time_series(
        national(values, "2021-01-01", "D", 1),
        DEMANDES,
        "jour",
        events=[event("Confinement", "2021-04-03", "2021-05-02"), event("Loi", "2023-01-01")],
    )


def _departement() -> TimeChart:
    values = [float(30 + (i * 13) % 40) for i in range(40)]
    for masked in (0, 6, 7, 8, 21, 39):  # at the start, a run, alone, at the end
        values[masked] = None
    return build.time_series(national(values, "2022-01-01"), DEMANDES, "mois")


MONTHLY = _monthly()
SAMPLE = {
    "mensuelle": MONTHLY,
    "un an avant": MONTHLY.with_display(events=True, comparison=True),
    "quotidienne": _daily(),
    "département masqué": _departement(),
    "heures": build.breakdown_bars(
        totals({f"{h:02d}": 40000.0 + 2500 * ((h * 5) % 24) for h in range(24)} | {"04": None}),
        DEMANDES,
        HEURE,
    ),
    "barres": build.breakdown_bars(
        totals({"je-m-informe": 1234.0, "je-signale": 98765.0, "je-suis-victime": 45678.0}),
        DEMANDES,
        MOTIF,
    ),
}


def _with_values(model: TimeChart, change) -> TimeChart:
    values = list(model.series[0].values)
    change(values)
    main = dataclasses.replace(model.series[0], values=tuple(values))
    return dataclasses.replace(model, series=(main, *model.series[1:]))


def _swapped_dates(model: TimeChart, i: int) -> TimeChart:
    dates = list(model.series[0].dates)
    dates[i], dates[i + 1] = dates[i + 1], dates[i]
    main = dataclasses.replace(model.series[0], dates=tuple(dates))
    return dataclasses.replace(model, series=(main, *model.series[1:]))


def _set(i: int, value):
    return lambda values: values.__setitem__(i, value)


def _moved_event(model: TimeChart) -> TimeChart:
    first = model.events[0]
    moved = dataclasses.replace(first, start=first.start + dt.timedelta(days=1))
    return dataclasses.replace(model, events=(moved, *model.events[1:]))


def _swapped_bars(model: BarChart) -> BarChart:
    values = list(model.values)
    values[0], values[1] = values[1], values[0]
    return dataclasses.replace(model, values=tuple(values))


# Each case draws one renderer from a wrong model: (sample drawn right, wrong side, wrong model).
WRONG = {
    "plotly : valeur": (
        "mensuelle",
        "plotly",
        _with_values(MONTHLY, lambda v: v.__setitem__(3, v[3] + 40)),
    ),
    "plotly : point omis": ("mensuelle", "plotly", _with_values(MONTHLY, _set(5, None))),
    "plotly : dates dans le désordre": ("mensuelle", "plotly", _swapped_dates(MONTHLY, 10)),
    "plotly : événement déplacé": ("mensuelle", "plotly", _moved_event(MONTHLY)),
    "plotly : pic déplacé": (
        "quotidienne",
        "plotly",
        _with_values(
            SAMPLE["quotidienne"], lambda v: v.__setitem__(slice(700, 702), [v[701], 1e3])
        ),
    ),
    "plotly : barres échangées": ("heures", "plotly", _swapped_bars(SAMPLE["heures"])),
    "SVG : pic omis": ("quotidienne", "svg", _with_values(SAMPLE["quotidienne"], _set(1234, None))),
    "SVG : barres échangées": ("barres", "svg", _swapped_bars(SAMPLE["barres"])),
}


# -- drawn once, in one page --------------------------------------------------------------------


def _plotly_json(model) -> dict:
    figure = figures.plotly_figure(model).to_plotly_json()
    # Plotly.js would simplify a line's path (dropping points it finds in line with their
    # neighbours): without that, its path holds every point, which the SVG's thinning is checked
    # against. Positions are plotly.js's own either way.
    for trace in figure["data"]:
        if trace.get("type") == "scatter":
            trace["line"] = {**trace.get("line", {}), "simplify": False}
    return json.loads(json.dumps(figure, default=str))


@pytest.fixture(scope="module")
def drawn(browser) -> dict[str, dict]:
    """What plotly.js drew of every sample chart and every wrong figure, read back."""
    figures_by_id = {name: SAMPLE[name] for name in SAMPLE}
    figures_by_id |= {name: model for name, (_, side, model) in WRONG.items() if side == "plotly"}
    context = browser.new_context(viewport={"width": WIDTH + 40, "height": HEIGHT + 40})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    boxes = "".join(
        f'<div id="g{i}" style="width:{WIDTH}px;height:{HEIGHT}px"></div>'
        for i in range(len(figures_by_id))
    )
    page.set_content(f"<!DOCTYPE html><html><body>{boxes}</body></html>")
    page.add_script_tag(path=str(PLOTLY_JS))
    read = {}
    for i, (name, model) in enumerate(figures_by_id.items()):
        page.evaluate(
            "([id, f]) => Plotly.newPlot(id, f.data, f.layout, {staticPlot: true})",
            [f"g{i}", _plotly_json(model)],
        )
        read[name] = page.evaluate(READ, f"g{i}")
    context.close()
    assert errors == []
    return read


# -- the comparison -----------------------------------------------------------------------------


def _day(ms: float, tolerance: float) -> int:
    days = ms / DAY_MS
    assert abs(days - round(days)) <= max(tolerance, 1e-6), f"plotly : entre deux jours : {days}"
    return EPOCH + round(days)


def compare(model, plotly: dict, markup: str) -> None:
    """Raise AssertionError unless plotly.js's drawing (read back) and the SVG's agree."""
    if isinstance(model, BarChart):
        _compare_bars(model, plotly, markup)
    else:
        _compare_lines(model, plotly, markup)


def _compare_lines(model: TimeChart, plotly: dict, markup: str) -> None:
    day_tolerance, value_tolerance = (PIXEL * p for p in plotly["perPixel"])
    day_tolerance /= DAY_MS
    traces = [
        [[(_day(x, day_tolerance), y) for x, y in piece] for piece in trace]
        for trace in plotly["traces"]
    ]
    drawing = read_drawing(markup)
    every_day = {d for trace in traces for piece in trace for d, _ in piece}
    reader = _Reader(drawing, every_day)
    # A point read from either drawing: each drawing's rounding.
    reader.value_tolerance += value_tolerance
    svg_lines = lines(drawing)
    shown = model.shown()
    assert len(traces) == len(svg_lines) == len(shown), "autant de lignes de part et d'autre"
    for series, trace, pieces in zip(shown, traces, svg_lines, strict=True):
        name = series.name
        assert len(trace) == len(pieces), f"{name} : {len(trace)} morceaux (plotly), {len(pieces)}"
        days = [d for piece in trace for d, _ in piece]
        assert days == sorted(set(days)), f"{name} : plotly trace ses dates dans le désordre"
        thinned = len(series.values) > 2 * drawings.SLICES  # the SVG's documented rule
        for run, piece in zip(trace, pieces, strict=True):
            (_check_thinned if thinned else _check_every)(piece, run, reader, name)
        _check_extremes(trace, pieces, reader, name)
    _compare_shapes(plotly, drawing, reader, day_tolerance)


def _check_extremes(trace, pieces, reader: _Reader, name: str) -> None:
    """The lowest and highest points: the same values, at a date where plotly has that value."""
    drawn = [(reader.day(x / 10_000), reader.value(y / 10_000)) for p in pieces for x, y in p]
    points = [point for piece in trace for point in piece]
    for pick in (min, max):
        date, value = pick(drawn, key=lambda p: p[1])
        assert reader.close(value, pick(v for _, v in points)), f"{name} : {pick.__name__}"
        assert any(d == date and reader.close(value, v) for d, v in points), (
            f"{name} : {pick.__name__} au {dt.date.fromordinal(date)} absent de plotly"
        )


def _compare_shapes(plotly: dict, drawing, reader: _Reader, day_tolerance: float) -> None:
    """Event lines and bands at the same days; the incomplete period's link at the same points."""
    event_lines, event_bands, links = [], [], []
    for shape in plotly["shapes"]:
        days = [_day(x, day_tolerance) for x in shape["xs"]]
        if shape["tall"] and len(set(days)) == 1:
            event_lines.append(days[0])
        elif shape["tall"]:
            event_bands.append((min(days), max(days)))
        else:
            links.append(tuple(zip(days, shape["ys"], strict=True)))
    svg_events, segments = straight_lines(drawing)
    assert [reader.day(x) for x in svg_events] == event_lines, "événements (lignes)"
    assert [(reader.day(a), reader.day(b)) for a, b in bands(drawing)] == event_bands, "bandes"
    assert len(links) == len(segments), "segment de la période en cours"
    for link, (x1, y1, x2, y2) in zip(links, segments, strict=True):
        for (date, value), (x, y) in zip(link, ((x1, y1), (x2, y2)), strict=True):
            assert reader.day(x) == date and reader.close(reader.value(y), value), "lien"


def _compare_bars(model: BarChart, plotly: dict, markup: str) -> None:
    """The same bars in the same order (left to right, top to bottom), of the same values."""
    upright = model.upright
    along, across = ("x", "y") if upright else ("y", "x")
    drawn = []
    for bar in sorted(plotly["bars"], key=lambda b: b["middle"][0] if upright else b["top"]):
        categories = bar["categories"][0 if upright else 1]
        index = bar["middle"][0 if upright else 1]
        assert abs(index - round(index)) < 0.01, "plotly : barre entre deux catégories"
        ends = (bar[f"{across}0"], bar[f"{across}1"])
        drawn.append((categories[round(index)], max(ends, key=abs)))
    per_pixel = plotly["perPixel"][1 if upright else 0]
    svg = _svg_bars(model, read_drawing(markup))
    assert [n for n, _ in drawn] == [n for n, *_ in svg], f"barres dans l'ordre ({along})"
    for (name, value), (_, read, tolerance) in zip(drawn, svg, strict=True):
        assert abs(value - read) <= tolerance + PIXEL * per_pixel, f"barre {name} : {value}, {read}"


def _svg_bars(model: BarChart, drawing) -> list[tuple[str, float, float]]:
    """The SVG's bars in order as (name, value, tolerance of the reading)."""
    bars = rects(drawing)
    if model.upright:
        values = drawing.values
        # The category labels shown (one in so many) place the categories evenly.
        shown = [(p, model.labels.index(n)) for p, n in drawing.categories.items()]
        categories = Axis.through(shown)
        read = []
        for x, y, width, height in sorted(bars):
            index = categories(x + width / 2)
            assert abs(index - round(index)) < 0.01, "SVG : barre entre deux catégories"
            ends = (values(1 - y), values(1 - y - height))
            read.append((model.labels[round(index)], max(ends, key=abs), values.tolerance()))
        return read
    # Flat bars: each carries its name before it and its value after it.
    [written] = of_class(drawing.root, "svg-values")
    names = [t for t in drawing.root.iter("text") if t.find("tspan") is not None]
    texts = written.findall("text")
    ordered = sorted(bars, key=lambda r: r[1])
    assert len(names) == len(texts) == len(ordered), "SVG : un nom et une valeur par barre"
    symbol = model.values_format.symbol
    read = [
        (
            " ".join(s.text for s in n.findall("tspan")),
            french_number("".join(t.itertext()).removesuffix(symbol)),
        )
        for n, t in zip(names, texts, strict=True)
    ]
    scale = max(abs(v) for _, v in read) / max(w for _, _, w, _ in ordered)
    for (_, _, width, _), (name, value) in zip(ordered, read, strict=True):
        assert abs(width * scale - value) <= 2 * scale * 1e-4, f"SVG : longueur de {name}"
    # The written value is the model's, to its decimals: exact.
    return [(name, value, 1e-9) for name, value in read]


# -- the tests ----------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize("name", list(SAMPLE))
def test_plotly_js_and_the_svg_draw_the_same_points(drawn, name):
    model = SAMPLE[name]
    compare(model, drawn[name], drawings.chart_html(model, hidden=True))


@pytest.mark.browser
@pytest.mark.parametrize("case", list(WRONG))
def test_a_renderer_that_drops_reorders_or_moves_a_point_is_caught(drawn, case):
    sample, side, wrong = WRONG[case]
    model = SAMPLE[sample]
    plotly, svg = (drawn[case], model) if side == "plotly" else (drawn[sample], wrong)
    with pytest.raises(AssertionError):
        compare(model, plotly, drawings.chart_html(svg, hidden=True))
