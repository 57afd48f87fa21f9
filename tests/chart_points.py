"""Compare a chart of the model with its two drawings: the plotly figure and the server's SVG.

``compare(model, figure, markup)`` raises AssertionError, naming what differs, unless:
- the plotly figure holds exactly the model's points (masked ones as None: plotly breaks the
  line there), its events and its incomplete period's link;
- the SVG, read back through its axes (svg_reader), holds the model's points after the
  drawing's documented thinning (``drawings._thinned``: beyond 2 points per slice of the width,
  each slice keeps its first, lowest, highest and last point), breaks its lines where the model
  has no value, marks the points the model marks, and puts events and the link at their dates.
"""

from __future__ import annotations

import datetime as dt
import itertools

from svg_reader import (
    UNIT,
    Axis,
    Drawing,
    bands,
    french_number,
    lines,
    marker_groups,
    of_class,
    rects,
    straight_lines,
)
from svg_reader import read as read_drawing

from barometre.charts import drawings
from barometre.charts.model import BarChart, EmptyChart, Series, TimeChart

KEY = 10_000 // drawings.SLICES  # tenths of the box per slice of the width (documented)


def day(iso: str | dt.date) -> int:
    return dt.date.fromisoformat(str(iso)[:10]).toordinal()


def compare(model, figure: dict, markup: str) -> None:
    """Raise AssertionError unless both drawings hold the model's points (see the module)."""
    if isinstance(model, EmptyChart):
        assert figure["data"] == [] or figure["data"] == ()
        assert [a["text"] for a in figure["layout"]["annotations"]] == [model.message]
        drawing = read_drawing(markup)
        assert "svg-empty" in drawing.root.get("class")
        assert "".join(drawing.root.itertext()) == model.message
        return
    if isinstance(model, BarChart):
        _plotly_bars(model, figure)
        _svg_bars(model, read_drawing(markup))
        return
    assert isinstance(model, TimeChart), type(model)
    _plotly_time(model, figure)
    _svg_time(model, read_drawing(markup))


# -- plotly -------------------------------------------------------------------------------------


def _plotly_time(model: TimeChart, figure: dict) -> None:
    traces = figure["data"]
    assert len(traces) == len(model.series), "une trace par série"
    for series, trace in zip(model.series, traces, strict=True):
        assert trace["x"] == list(series.dates), series.name
        assert trace["y"] == list(series.values), series.name
        assert not trace.get("connectgaps"), "plotly relierait les valeurs masquées"
    layout = figure["layout"]
    shapes = [s for s in layout.get("shapes", ()) if s.get("name") == "evenement"]
    expected = [
        ("line", str(e.start), str(e.start))
        if e.last_day is None
        else ("rect", str(e.start), str(e.last_day + dt.timedelta(days=1)))
        for e in model.events
    ]
    assert [(s["type"], s["x0"], s["x1"]) for s in shapes] == expected, "événements (plotly)"
    links = [s for s in layout.get("shapes", ()) if s.get("name") != "evenement"]
    if model.link is None:
        assert links == [], "segment de la période en cours sans modèle"
    else:
        assert len(links) == 1, f"{len(links)} segments de la période en cours, 1 attendu"
        [link] = links
        (x0, y0), (x1, y1) = model.link.start, model.link.end
        assert (link["x0"], link["y0"], link["x1"], link["y1"]) == (x0, y0, x1, y1)


def _plotly_bars(model: BarChart, figure: dict) -> None:
    [trace] = figure["data"]
    labels, values = list(model.labels), list(model.values)
    if model.upright:
        assert (trace["x"], trace["y"]) == (labels, values)
    else:
        assert (trace["x"], trace["y"]) == (values, labels)


# -- SVG: time charts ---------------------------------------------------------------------------


class _Reader:
    """A drawing's two axes as functions of the box: x (fraction) → day, y (from top) → value."""

    def __init__(self, drawing: Drawing, every_day: set[int]):
        self.drawing = drawing
        self.values = drawing.values
        assert self.values is not None, "pas d'axe des valeurs"
        self.value_tolerance = self.values.tolerance()
        self.single = None
        if drawing.dates is None:
            # One date label only (a lone year): the points can only stand on it.
            assert len(drawing.date_ticks) == 1 and len(every_day) == 1, drawing.date_ticks
            self.single = drawing.date_ticks[0]

    def day(self, x: float) -> int:
        if self.single is not None:
            position, ordinal = self.single
            assert abs(x - position) <= UNIT, (x, position)
            return ordinal
        read = self.drawing.dates(x)
        tolerance = self.drawing.dates.tolerance()
        assert abs(read - round(read)) <= max(tolerance, 1e-6), f"entre deux jours : {read}"
        return round(read)

    def value(self, y_from_top: float) -> float:
        return self.values(1 - y_from_top)

    def close(self, read: float, value: float) -> bool:
        return abs(read - value) <= self.value_tolerance


def _runs(series: Series) -> list[list[tuple[int, float]]]:
    """The model's pieces of line: its points split where a value is missing."""
    points = [
        None if v is None else (day(d), v) for d, v in zip(series.dates, series.values, strict=True)
    ]
    return [list(run) for valued, run in itertools.groupby(points, bool) if valued]


def _svg_time(model: TimeChart, drawing: Drawing) -> None:
    shown = model.shown()
    every_day = {day(d) for s in shown for d in s.dates} | {
        e.start.toordinal() for e in model.events
    }
    reader = _Reader(drawing, every_day)
    drawn_lines = lines(drawing)
    assert len(drawn_lines) == len(shown), "une ligne par série montrée"
    for series, pieces in zip(shown, drawn_lines, strict=True):
        runs = _runs(series)
        assert len(pieces) == len(runs), (
            f"{series.name} : {len(pieces)} morceaux, {len(runs)} attendus"
        )
        thinned = len(series.values) > 2 * drawings.SLICES
        for piece, run in zip(pieces, runs, strict=True):
            (_check_thinned if thinned else _check_every)(piece, run, reader, series.name)
    _check_markers(shown, drawing, reader)
    events, segments = straight_lines(drawing)
    if model.link is None:
        assert segments == [], "segment de la période en cours sans modèle"
    else:
        assert len(segments) == 1, f"{len(segments)} segments de la période en cours, 1 attendu"
        [(x1, y1, x2, y2)] = segments
        for (x, y), (date, value) in zip(
            ((x1, y1), (x2, y2)), (model.link.start, model.link.end), strict=True
        ):
            assert reader.day(x) == day(date) and reader.close(reader.value(y), value), "lien"
    shown_events = model.events if model.show_events else ()
    lines_at = [e.start.toordinal() for e in shown_events if e.last_day is None]
    assert [reader.day(x) for x in events] == lines_at, "événements (lignes)"
    bands_at = [
        (e.start.toordinal(), e.last_day.toordinal() + 1) for e in shown_events if e.last_day
    ]
    assert [(reader.day(a), reader.day(b)) for a, b in bands(drawing)] == bands_at, "bandes"


def _read_points(piece, reader: _Reader) -> list[tuple[int, float, int]]:
    """The points of a piece of line as (day, value, slice of the width)."""
    return [(reader.day(x / 10_000), reader.value(y / 10_000), x // KEY) for x, y in piece]


def _check_every(piece, run, reader: _Reader, name: str) -> None:
    drawn = _read_points(piece, reader)
    assert [d for d, _, _ in drawn] == [d for d, _ in run], f"{name} : dates"
    for (date, read, _), (_, value) in zip(drawn, run, strict=True):
        assert reader.close(read, value), f"{name} : {dt.date.fromordinal(date)} lu {read}, {value}"


def _check_thinned(piece, run, reader: _Reader, name: str) -> None:
    """Each slice of the width keeps the first, lowest, highest and last of its model points,
    and only model points; together the slices cover the whole run."""
    drawn = _read_points(piece, reader)
    model = dict(run)
    covered = 0
    dates = [d for d, _ in run]
    for key, group in itertools.groupby(drawn, key=lambda p: p[2]):
        group = list(group)
        assert len(group) <= 4, f"{name} : {len(group)} points dans une tranche"
        for date, read, _ in group:
            assert date in model and reader.close(read, model[date]), f"{name} : {date}"
        first, last = dates.index(group[0][0]), dates.index(group[-1][0])
        inside = [v for _, v in run[first : last + 1]]
        covered += len(inside)
        shown = [v for _, v, _ in group]
        assert reader.close(min(shown), min(inside)), f"{name} : le plus bas de la tranche {key}"
        assert reader.close(max(shown), max(inside)), f"{name} : le plus haut de la tranche {key}"
    assert drawn[0][0] == run[0][0] and drawn[-1][0] == run[-1][0], f"{name} : extrémités"
    assert covered == len(run), f"{name} : des points entre deux tranches"
    keys = [k for k, _ in itertools.groupby(p[2] for p in drawn)]
    assert keys == sorted(set(keys)), f"{name} : tranches dans le désordre"


def _check_markers(shown: list[Series], drawing: Drawing, reader: _Reader) -> None:
    marked = [s for s in shown if s.markers.shown and s.points]
    groups = marker_groups(drawing)
    assert len(groups) == len(marked), "un groupe de marqueurs par série marquée"
    for series, group in zip(marked, groups, strict=True):
        points = dict((day(d), v) for d, v in series.points)
        at = [(reader.day(x), reader.value(y)) for x, y in group]
        for date, read in at:
            assert date in points and reader.close(read, points[date]), (series.name, date)
        if series.markers.every:
            assert [d for d, _ in at] == sorted(points), f"{series.name} : un marqueur par point"
        else:
            assert 0 < len(at) <= series.markers.most + 1, series.name


# -- SVG: bars ----------------------------------------------------------------------------------


def _svg_bars(model: BarChart, drawing: Drawing) -> None:
    bars = rects(drawing)
    valued = [(n, v) for n, v in zip(model.labels, model.values, strict=True) if v is not None]
    assert len(bars) == len(valued), "une barre par valeur"
    if model.upright:
        values = drawing.values
        tolerance = values.tolerance()
        # The category axis: the labels shown (one in so many on narrow charts) place the
        # categories, in order, evenly along the width.
        shown = [(p, model.labels.index(n)) for p, n in drawing.categories.items()]
        assert shown and all(n in model.labels for n in drawing.categories.values())
        categories = Axis.through(shown) if len(shown) > 1 else None
        for (x, y, width, height), (name, value) in zip(sorted(bars), valued, strict=True):
            middle = x + width / 2
            if categories is None:
                [(position, index)] = shown
                assert abs(middle - position) <= UNIT, f"barre {name} hors de son étiquette"
            else:
                index = categories(middle)
                assert abs(index - round(index)) < 0.01, f"barre {name} entre deux catégories"
            assert model.labels[round(index)] == name, (
                f"barre {name} : {model.labels[round(index)]}"
            )
            top, bottom = values(1 - y), values(1 - y - height)
            read = top if abs(bottom) <= tolerance else bottom
            assert abs(read - value) <= tolerance, f"barre {name} : lu {read}, {value}"
        return
    # Flat bars have no value ticks: each bar carries its value, written after it.
    [written] = of_class(drawing.root, "svg-values")
    texts = written.findall("text")
    names = [t for t in drawing.root.iter("text") if t.find("tspan") is not None]
    ordered = sorted(bars, key=lambda r: r[1])
    assert len(texts) == len(names) == len(ordered) == len(valued)
    longest = max(w for _, _, w, _ in ordered)
    if longest == 0:  # every value zero: no length to compare
        assert all(v == 0 for _, v in valued), "barres sans longueur"
        longest = 1
    scale = max(abs(v) for _, v in valued) / longest
    for (x, _, width, _), text, label, (name, value) in zip(
        ordered, texts, names, valued, strict=True
    ):
        assert " ".join(s.text for s in label.findall("tspan")) == name
        number = french_number("".join(text.itertext()).removesuffix(model.values_format.symbol))
        assert number == value, f"barre {name} : écrit {number}, {value}"
        assert abs(float(text.get("x")[:-1]) / 100 - (x + width)) <= 2 * UNIT, name
        # Lengths in proportion to the values (from the longest bar, itself read to a unit).
        assert abs(width * scale - value) <= 1.25 * scale * UNIT, f"barre {name} : longueur"
