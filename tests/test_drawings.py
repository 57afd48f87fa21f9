"""Charts drawn by the server: what each chart of the model becomes as static SVG and HTML."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pandas as pd
import pytest
from chart_data import DEMANDES, event, incomplete, national, per_member, totals
from factories import HEURE, MOTIF, make_indicator

from barometre.charts import build, drawings, summaries
from barometre.charts.build import MARKERS_SHOWN, MEMBER_DASHES
from barometre.charts.figures import THEMES, plotly_figure
from barometre.charts.model import EmptyChart
from barometre.data.catalogue import Breakdown
from barometre.web.app import ASSETS

NNBSP = "\u202f"
EUROS = make_indicator(id="montant", unit="euros", decimals=1)

MONTHS = {"janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct."}
MONTHS |= {"nov.", "déc."}
EIGHT = Breakdown(
    id="huit", title="Huit", members=tuple((f"m{i}", f"Membre numéro {i}") for i in range(8))
)


def drawn(chart, hidden: bool = True) -> ET.Element:
    return ET.fromstring(drawings.chart_html(chart, hidden))


def of_class(root: ET.Element, name: str) -> list[ET.Element]:
    return [e for e in root.iter() if name in (e.get("class") or "").split()]


def plot_area(root: ET.Element) -> ET.Element:
    """The drawing without the legend (whose swatches repeat dashes and markers)."""
    [area] = of_class(root, "svg-area")
    return area


def in_plot(root: ET.Element, name: str) -> list[ET.Element]:
    return of_class(plot_area(root), name)


def heights(path: str) -> list[float]:
    """The heights (0 at the top, 1000 at the bottom) of a line's points: the first of each
    piece absolute (M), the others relative to the previous one."""
    found = []
    for piece in re.findall(r"M[^M]+", path):
        numbers = [float(n) for n in re.findall(r"-?[\d.]+", piece)]
        for index in range(1, len(numbers), 2):
            found.append(numbers[index] + (found[-1] if index > 1 else 0))
    return found


def texts(element: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in element.iter("text")]


def markers(group: ET.Element) -> list[ET.Element]:
    """The markers of a group: circles, or small <svg> holding a symbol's path."""
    return [child for child in group if child.tag in ("circle", "svg")]


def tick_groups(root: ET.Element) -> list[ET.Element]:
    return of_class(root, "svg-ticks")


def every_chart() -> dict[str, object]:
    """A chart of each kind the model has, with what it can hold."""
    frame = incomplete([12000.0, 18000.0, 25000.0, 31000.0, 30000.0])
    return {
        "series": build.time_series(
            frame,
            DEMANDES,
            "mois",
            events=[event("Ouverture", "2025-02-10"), event("Grève", "2025-03-03", "2025-03-20")],
            previous=national([1.0, 2.0, 3.0, 4.0, 5.0], start="2024-01-01"),
        ),
        "lines": build.member_series(
            per_member({f"m{i}": [i + 1.0, i + 2.0] for i in range(8)}), DEMANDES, EIGHT, "mois"
        ),
        "flat bars": build.breakdown_bars(
            totals({"je-signale": 3.0, "je-m-informe": 5.0}), DEMANDES, MOTIF
        ),
        "hour bars": build.breakdown_bars(
            totals({f"{h:02d}": 100.0 + h for h in range(24)}), DEMANDES, HEURE
        ),
        "empty": EmptyChart(summaries.NO_DATA),
    }


# -- markup: well formed, static, hidden or named -----------------------------------------------


@pytest.mark.parametrize("name", list(every_chart()))
@pytest.mark.parametrize("hidden", [True, False])
def test_markup_is_xml_without_script_handler_or_address(name, hidden):
    figure = every_chart()[name]
    markup = drawings.chart_html(figure, hidden)
    root = ET.fromstring(markup)  # well formed: every tag closed, every attribute quoted
    assert root.tag == "div" and "svg-chart" in root.get("class").split()
    assert "<script" not in markup.lower()
    assert not re.search(r"\son\w+\s*=", markup)
    assert "http" not in markup and "url(" not in markup


def test_only_a_chart_of_the_model_is_drawn_never_a_plotly_figure():
    # The drawing used to read plotly figures (dicts); it knows the model's vocabulary only.
    figure = plotly_figure(every_chart()["series"]).to_plotly_json()
    with pytest.raises(TypeError, match="graphique inconnu"):
        drawings.chart_html(figure, hidden=True)


@pytest.mark.parametrize("name", ["series", "lines", "flat bars", "hour bars"])
def test_a_chart_with_a_table_is_hidden_from_assistive_technologies_in_a_450_px_box(name):
    root = drawn(every_chart()[name])
    assert root.get("aria-hidden") == "true" and root.get("role") is None
    assert root.get("style") == "height:450px"
    assert root.find("div/svg") is not None


def test_the_empty_figure_is_an_image_named_by_its_message():
    root = drawn(EmptyChart(summaries.NO_DATA), hidden=False)
    assert root.get("role") == "img"
    assert root.get("aria-label") == summaries.NO_DATA
    assert "".join(root.itertext()) == summaries.NO_DATA
    assert root.get("style") == "height:450px"  # the box plotly.js will draw in


def test_a_drawing_without_height_takes_its_containers():
    root = ET.fromstring(drawings.chart_html(every_chart()["series"], True, height=None))
    assert root.get("style") is None
    assert ".embed-chart > .svg-chart" in (ASSETS / "embed" / "embed.css").read_text()


def test_hostile_labels_are_escaped():
    hostile = Breakdown(
        id="motif",
        title='Motif "<b>"',
        members=(("a", "<script>alert(1)</script>"), ("b", "Tom & Jerry")),
    )
    figure = build.member_series(
        per_member({"a": [1.0, 2.0], "b": [3.0, 4.0]}), DEMANDES, hostile, "mois"
    )
    for built in (figure, build.breakdown_bars(totals({"a": 1.0, "b": 2.0}), DEMANDES, hostile)):
        markup = drawings.chart_html(built, hidden=False)
        assert "<script" not in markup and "&lt;script&gt;" in markup
        assert "Tom &amp; Jerry" in markup
        root = ET.fromstring(markup)
        assert "<script>alert(1)</script>" in "".join(root.itertext()) + root.get("aria-label")


# -- time series -------------------------------------------------------------------------------


def test_a_short_series_is_one_line_with_a_marker_at_each_point_and_no_legend():
    root = drawn(build.time_series(national([1.0, 2.0, 3.0, 4.0]), DEMANDES, "mois"))
    [line] = of_class(root, "svg-line")
    assert (
        line.get("vector-effect") == "non-scaling-stroke" and line.get("stroke-dasharray") is None
    )
    [group] = in_plot(root, "svg-markers")
    assert [m.tag for m in markers(group)] == ["circle"] * 4
    assert of_class(root, "svg-legend") == []


def test_a_long_series_has_no_markers_and_breaks_at_missing_values():
    values = [float(v) for v in range(1, 51)]
    values[20] = None
    root = drawn(build.time_series(national(values), DEMANDES, "mois"))
    [line] = of_class(root, "svg-line")
    assert line.get("d").count("M") == 2  # one move to start, one after the gap
    assert in_plot(root, "svg-markers") == []


def test_the_incomplete_period_is_a_dashed_segment_to_an_open_circle_named_in_the_legend():
    root = drawn(build.time_series(incomplete([10.0, 20.0, 30.0, 25.0]), DEMANDES, "mois"))
    full, last = in_plot(root, "svg-markers")
    assert len(markers(full)) == 3
    [ring] = markers(last)
    assert ring.tag == "circle" and last.get("fill") == "none"
    segments = [e for e in plot_area(root).iter("line") if e.get("stroke-dasharray") == "9,9"]
    assert len(segments) == 1  # plotly's dash: 3 × the width (at least 3 px) on, as much off
    legend = of_class(root, "svg-legend")[0]
    assert ["".join(li.itertext()) for li in legend] == [DEMANDES.title, build.PARTIAL_NAME]


def test_the_year_ago_overlay_is_drawn_only_when_shown():
    frame = national([10.0, 20.0, 30.0])
    previous = national([5.0, 6.0, 7.0], start="2024-01-01")
    chart = build.time_series(frame, DEMANDES, "mois", previous=previous)
    hidden = drawn(chart)
    assert len(of_class(hidden, "svg-line")) == 1
    # Like plotly: the figure asks for a legend, which names the one series shown.
    legend = of_class(hidden, "svg-legend")[0]
    assert ["".join(li.itertext()) for li in legend] == [DEMANDES.title]
    shown = drawn(chart.with_display(events=True, comparison=True))
    main, overlay = of_class(shown, "svg-line")
    assert overlay.get("stroke-dasharray") == "9,9"
    squares = markers(in_plot(shown, "svg-markers")[1])
    assert len(squares) == 3 and all(m.tag == "svg" for m in squares)
    assert build.COMPARISON_NAME in "".join(of_class(shown, "svg-legend")[0].itertext())


def test_events_are_dotted_lines_and_bands_labelled_upwards_unless_hidden():
    chart = every_chart()["series"]
    root = drawn(chart)
    # Turned a quarter, anchored at their end: from the top, reading upwards.
    labels = [t for t in root.iter("text") if t.get("transform") == "rotate(-90)"]
    assert ["".join(t.itertext()) for t in labels] == ["Ouverture", "Grève"]
    assert all(t.get("text-anchor") == "end" for t in labels)
    dotted = [e for e in root.iter("line") if e.get("stroke-dasharray") == "3,3"]
    bands = [e for e in root.iter("rect") if e.get("opacity") == "0.6"]
    assert len(dotted) == 1 and len(bands) == 1 and bands[0].get("height") == "100%"
    quiet = drawn(chart.with_display(events=False, comparison=False))
    assert not any(t.get("transform") == "rotate(-90)" for t in quiet.iter("text"))
    assert not any(e.get("opacity") == "0.6" for e in quiet.iter("rect"))
    assert not any(e.get("stroke-dasharray") == "3,3" for e in quiet.iter("line"))


def test_month_ticks_are_french_abbreviations_and_values_have_narrow_spaces():
    values = [12000.0, 18000.0, 25000.0, 31000.0, 30000.0, 41000.0, 38000.0, 35000.0]
    root = drawn(build.time_series(national(values, start="2025-01-01"), DEMANDES, "mois"))
    dates = [t for group in tick_groups(root) for t in texts(group)]
    assert "janv. 2025" in dates
    assert {d.split()[0] for d in dates if " " in d} <= MONTHS
    assert not any(name in " ".join(dates) for name in ("Jan", "Feb", "Mar", "Apr"))
    assert f"10{NNBSP}000" in value_ticks(root)


def test_day_ticks_put_the_year_under_the_first_day_of_each_year():
    frame = national([5.0] * 20, start="2025-12-20", freq="D", days=1)
    root = drawn(build.time_series(frame, DEMANDES, "jour"))
    widest = tick_groups(root)[-1]
    shown = [t for t in texts(widest)]
    assert shown.count("2025") == 1 and shown.count("2026") == 1
    assert any(re.fullmatch(r"\d{1,2} (déc\.|janv\.)", t) for t in shown)


def test_yearly_series_only_label_years():
    frame = national([5.0, 6.0, 7.0, 8.0], start="2021-01-01", freq="YS", days=366)
    root = drawn(build.time_series(frame, DEMANDES, "annee"))
    assert {t for g in tick_groups(root) for t in texts(g)} <= {"2021", "2022", "2023", "2024"}


def value_ticks(root: ET.Element) -> list[str]:
    """The labels of the value axis, bottom to top."""
    [group] = [
        g
        for g in root.iter("g")
        if g.get("text-anchor") == "end"
        and g.find("text") is not None
        and g.find("text").get("x") == "-4"
    ]
    return texts(group)


def number(text: str) -> float:
    return float(text.replace(NNBSP, "").replace(",", "."))


@pytest.mark.parametrize(
    "values", [[3.0, 7.0], [12000.0, 55500.0, 31000.0], [0.4, 0.7, 0.6], [98.0, 101.0]]
)
def test_value_ticks_are_round_from_zero_and_reach_the_largest_value(values):
    root = drawn(build.time_series(national(values), EUROS, "mois"))
    ticks = [number(t) for t in value_ticks(root)]
    step = ticks[1] - ticks[0]
    assert ticks[0] == 0 and len(ticks) >= 4
    assert all(abs((b - a) - step) < 1e-9 for a, b in zip(ticks, ticks[1:], strict=False))
    assert re.fullmatch(r"[125]0*|0?\.[0-9]*[125]", f"{step:g}")
    assert ticks[-1] <= max(values) * 1.05 < ticks[-1] + step  # no tick above the axis's top
    [line] = of_class(root, "svg-line")
    drawn_heights = heights(line.get("d"))
    assert len(drawn_heights) == len(values)
    assert min(drawn_heights) > 0 and max(drawn_heights) < 1000  # inside the plot area


def test_the_model_names_colour_roles_so_one_drawing_serves_both_themes():
    # Figures used to be built per theme and drawn alike; now the model carries no colour at
    # all: plotly paints it in a theme, the drawing in both (test_every_colour_...).
    frame = incomplete([10.0, 20.0, 30.0, 25.0])
    events = [event("Ouverture", "2025-02-10"), event("Grève", "2025-03-03", "2025-03-20")]
    chart = build.time_series(frame, DEMANDES, "mois", events=events)
    assert not re.search(r"#[0-9a-fA-F]{3,6}\b", repr(chart))
    light, dark = (plotly_figure(chart, theme) for theme in ("clair", "sombre"))
    assert light.data[0].line.color != dark.data[0].line.color
    assert drawings.chart_html(chart, True) == drawings.chart_html(chart, True)


def test_every_colour_carries_both_themes_by_its_role():
    root = drawn(every_chart()["lines"])
    light, dark = THEMES["clair"], THEMES["sombre"]
    pairs = set(zip(light.colours, dark.colours, strict=True))
    pairs |= {(getattr(light, n), getattr(dark, n)) for n in ("grid", "axis", "background")}
    painted = of_class(root, "svg-stroke") + of_class(root, "svg-fill")
    found = {
        tuple(re.fullmatch(r"--clair:(#\w+);--sombre:(#\w+)", e.get("style")).groups())
        for e in painted
    }
    assert found <= pairs and len(found & set(zip(light.colours, dark.colours, strict=True))) == 8


# -- breakdowns --------------------------------------------------------------------------------


def test_eight_lines_each_with_its_dash_and_symbol_and_a_legend_entry():
    root = drawn(every_chart()["lines"])
    lines = of_class(root, "svg-line")
    assert len(lines) == 8
    assert len({line.get("stroke-dasharray") for line in lines}) == len(MEMBER_DASHES)
    groups = in_plot(root, "svg-markers")
    shapes = [
        m.find("path").get("d") if m.tag == "svg" else "circle" for g in groups for m in markers(g)
    ]
    assert len(set(shapes)) == 8 and len(shapes) == 16
    legend = of_class(root, "svg-legend")[0]
    assert ["".join(li.itertext()) for li in legend] == [label for _, label in EIGHT.members]
    # Each swatch repeats its series' dash and symbol.
    assert [li.find("svg/line").get("stroke-dasharray") for li in legend] == [
        line.get("stroke-dasharray") for line in lines
    ]


def test_long_breakdown_lines_show_a_dozen_markers_each_staggered():
    frame = per_member({f"m{i}": [100.0 + i] * 60 for i in range(3)})
    root = drawn(build.member_series(frame, DEMANDES, EIGHT, "mois"))
    groups = in_plot(root, "svg-markers")
    counts = [len(markers(g)) for g in groups]
    assert len(groups) == 3 and all(0 < c <= MARKERS_SHOWN for c in counts)
    firsts = [markers(g)[0].get("cx") or markers(g)[0].get("x") for g in groups]
    assert len(set(firsts)) == 3  # plotly starts each line's markers a little further


def test_flat_bars_largest_first_each_with_the_tables_value_and_no_value_ticks():
    frame = totals({"je-signale": 385144.0, "je-m-informe": 919444.0, "je-suis-victime": 231187.5})
    root = drawn(build.breakdown_bars(frame, DEMANDES, MOTIF))
    [bars] = of_class(root, "svg-bars")
    tops = [float(rect.get("y")) for rect in bars]
    assert len(tops) == 3 and tops == sorted(tops)
    rows = summaries.breakdown_rows(frame, DEMANDES, MOTIF)
    [values] = of_class(root, "svg-values")
    assert texts(values) == [row["valeur"] for row in rows]
    names = [t for t in root.iter("text") if t.find("tspan") is not None]
    assert ["".join(t.itertext()) for t in names] == [row["membre"] for row in rows]
    assert not any(re.fullmatch(r"[\d\u202f,]+", t) for g in tick_groups(root) for t in texts(g))
    widths = [float(rect.get("width")) for rect in bars]
    assert widths == sorted(widths, reverse=True) and max(widths) < 1000


def test_flat_bars_write_the_unit_symbol_after_the_value():
    root = drawn(build.breakdown_bars(totals({"je-signale": 1234.56}), EUROS, MOTIF))
    assert texts(of_class(root, "svg-values")[0]) == [f"1{NNBSP}234,6{NNBSP}€"]


def test_hour_bars_stand_in_hour_order_with_fewer_labels_on_narrow_charts():
    root = drawn(every_chart()["hour bars"])
    [bars] = of_class(root, "svg-bars")
    lefts = [float(rect.get("x")) for rect in bars]
    heights = [float(rect.get("height")) for rect in bars]
    assert len(lefts) == 24 and lefts == sorted(lefts) and heights == sorted(heights)
    groups = tick_groups(root)
    counts = [len(texts(g)) for g in groups]
    assert counts == sorted(counts) and counts[0] <= 6 and counts[-1] == 24
    assert texts(groups[0])[0] == "0 h"


@pytest.mark.parametrize("name", ["series", "lines", "hour bars"])
def test_each_width_shows_exactly_one_group_of_labels(name):
    groups = tick_groups(drawn(every_chart()[name]))
    shown = [set(g.get("class").split()) - {"svg-ticks"} for g in groups]
    densities = [f"svg-d{i}" for i in range(len(drawings.DENSITIES))]
    assert sorted(d for classes in shown for d in classes) == densities
    css = (ASSETS / "drawings.css").read_text(encoding="utf-8")
    for width in drawings.DENSITIES[1:]:
        assert f"@container (min-width: {width}px)" in css


# -- in a browser: every width, both themes, paper ------------------------------------------------


def browser_charts() -> dict[str, object]:
    """The charts of a real page: long series with events, many lines, both kinds of bars."""
    monthly = incomplete([float(5000 + 9000 * (i % 7) + 1234567 * (i == 30)) for i in range(106)])
    monthly["periode"] = pd.date_range("2018-01-01", periods=106, freq="MS")
    events = [
        event("Ouverture de la Brigade numérique", "2018-02-27"),
        event("Premier confinement", "2020-03-17", "2020-05-11"),
        event("Second confinement", "2020-10-30", "2020-12-15"),
    ]
    names = ["Nord", "Paris", "Bouches-du-Rhône", "Rhône", "Seine-Saint-Denis", "Hauts-de-Seine"]
    names += ["Alpes-de-Haute-Provence", "Pas-de-Calais", "Loire-Atlantique", "Yvelines"]
    names += ["Haute-Garonne", "Seine-et-Marne", "Val-de-Marne", "Essonne", "Isère"]
    places = Breakdown(
        id="departement",
        title="Département",
        members=tuple((f"d{i}", n) for i, n in enumerate(names)),
    )
    long_names = Breakdown(
        id="voie",
        title="Voie",
        members=(("a", "Gendarme adjoint volontaire"), ("b", "Sous-officier"), ("c", "Officier")),
    )
    return {
        "serie": build.time_series(monthly, DEMANDES, "mois", events=events),
        "jours": build.time_series(
            national([float(100 + i % 9) for i in range(90)], "2026-09-01", "D", 1),
            DEMANDES,
            "jour",
        ),
        "huit": build.member_series(
            per_member(
                {f"m{i}": [900.0 + 100 * i + (j % 5) * 20 for j in range(46)] for i in range(8)}
            ),
            DEMANDES,
            EIGHT,
            "mois",
        ),
        "heures": build.breakdown_bars(
            totals({f"{h:02d}": 40000.0 + 2500 * h for h in range(24)}), DEMANDES, HEURE
        ),
        "departements": build.breakdown_bars(
            totals({code: 27441.0 - 900 * i for i, (code, _) in enumerate(places.members)}),
            DEMANDES,
            places,
        ),
        "voies": build.breakdown_bars(
            totals({"a": 1234567.0, "b": 45678.0, "c": 9876.0}), EUROS, long_names
        ),
    }


MEASURE = """(id) => {
    const chart = document.getElementById(id).querySelector('.svg-chart');
    const box = chart.getBoundingClientRect();
    const rect = e => { const r = e.getBoundingClientRect();
        return {left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width,
                height: r.height, text: e.textContent}; };
    const shown = e => e.getBoundingClientRect().width > 0;
    const texts = [...chart.querySelectorAll('text')].filter(shown);
    return {
        box: {left: box.left, right: box.right, top: box.top, bottom: box.bottom,
              height: box.height},
        overflow: [chart.scrollWidth, chart.clientWidth],
        page: [document.documentElement.scrollWidth, document.documentElement.clientWidth],
        texts: texts.map(t => Object.assign(rect(t), {
            size: parseFloat(getComputedStyle(t).fontSize),
            turned: (t.getAttribute('transform') || '').includes('rotate')})),
        legend: [...chart.querySelectorAll('.svg-legend li')].map(rect),
        along: [...chart.querySelectorAll('.svg-ticks text')].filter(shown).map(rect),
        values: [...chart.querySelectorAll('g[text-anchor=end] > text[x="-4"]')].map(rect),
        names: [...chart.querySelectorAll('text > tspan:first-child')].map(
            s => rect(s.parentNode)),
    };
}"""


def apart(boxes: list[dict], start: str, end: str) -> bool:
    """Whether boxes on one line do not overlap along it."""
    ordered = sorted(boxes, key=lambda b: b[start])
    return all(a[end] <= b[start] + 0.5 for a, b in zip(ordered, ordered[1:], strict=False))


@pytest.mark.browser
@pytest.mark.parametrize("width", [320, 768, 1280])
def test_drawings_fit_every_width_with_readable_labels_that_never_overlap(page, width):
    charts = browser_charts()
    page.set_viewport_size({"width": width, "height": 900})
    page.set_content(
        '<!DOCTYPE html><html lang="fr"><head><meta name="viewport" '
        'content="width=device-width, initial-scale=1"></head><body><main class="container">'
        + "".join(
            f'<div class="chart-box" id="{name}">{drawings.chart_html(figure, True)}</div>'
            for name, figure in charts.items()
        )
        + "</main></body></html>"
    )
    for css in ("vendor/bootstrap.min.css", "barometre.css", "drawings.css"):
        page.add_style_tag(path=str(ASSETS / css))
    for name in charts:
        found = page.evaluate(MEASURE, name)
        box = found["box"]
        assert box["height"] == 450, name
        assert found["overflow"][0] <= found["overflow"][1], name
        assert found["page"][0] <= found["page"][1], name
        for text in found["texts"] + found["legend"]:
            inside = box["left"] - 0.5 <= text["left"] and text["right"] <= box["right"] + 0.5
            assert inside and box["top"] <= text["top"] and text["bottom"] <= box["bottom"], (
                name,
                text,
            )
        for text in found["texts"]:
            across = text["width"] if text["turned"] else text["height"]
            assert text["size"] >= 11 and across >= 11, (name, text)
        rows: dict[float, list] = {}
        for label in found["along"]:
            rows.setdefault(round(label["top"]), []).append(label)
        assert found["along"] or found["names"], name  # dates, hours or flat bars' names
        assert all(apart(row, "left", "right") for row in rows.values()), (name, rows)
        assert apart(found["values"], "top", "bottom"), name
        assert apart(found["names"], "top", "bottom"), name


@pytest.mark.browser
@pytest.mark.parametrize(("width", "labels"), [(320, 0), (1280, 3)])
def test_event_labels_show_only_where_they_do_not_overlap(page, width, labels):
    page.set_viewport_size({"width": width, "height": 900})
    figure = browser_charts()["serie"]
    page.set_content(f'<div class="chart-box">{drawings.chart_html(figure, True)}</div>')
    page.add_style_tag(path=str(ASSETS / "drawings.css"))
    shown = "[...document.querySelectorAll('.svg-event-label text')]"
    shown += ".filter(t => t.getBoundingClientRect().width > 0).length"
    assert page.evaluate(shown) == labels
    # the lines and bands themselves stay
    assert page.locator(".svg-chart line, .svg-chart rect").count() >= 3


@pytest.mark.browser
def test_drawings_take_the_dark_theme_on_screen_and_the_light_one_on_paper(page):
    figure = build.breakdown_bars(totals({"je-signale": 3.0}), DEMANDES, MOTIF)
    page.set_content(f'<div class="chart-box">{drawings.chart_html(figure, True)}</div>')
    page.add_style_tag(path=str(ASSETS / "drawings.css"))
    fill = "getComputedStyle(document.querySelector('.svg-bars')).fill"
    assert page.evaluate(fill) == "rgb(0, 114, 178)"  # #0072B2
    page.evaluate("document.documentElement.setAttribute('data-bs-theme', 'dark')")
    assert page.evaluate(fill) == "rgb(86, 180, 233)"  # #56B4E9
    page.emulate_media(media="print")
    assert page.evaluate(fill) == "rgb(0, 114, 178)"
    page.emulate_media(media="screen")
    page.evaluate(
        "document.documentElement.removeAttribute('data-bs-theme');"
        "document.documentElement.setAttribute('data-theme', 'auto')"
    )
    page.emulate_media(color_scheme="dark")  # an embed with theme=auto on a dark system
    assert page.evaluate(fill) == "rgb(86, 180, 233)"


def test_a_line_with_more_points_than_pixels_keeps_its_peaks():
    values = [100.0 + (i % 7) * 10 for i in range(3000)]
    values[1234], values[2345] = 5000.0, 1.0
    frame = national(values, start="2018-01-01", freq="D", days=1)
    root = drawn(build.time_series(frame, DEMANDES, "jour"))
    [line] = of_class(root, "svg-line")
    drawn_heights = heights(line.get("d"))
    assert len(drawn_heights) <= 4 * drawings.SLICES < len(values)
    full = drawn(build.time_series(frame.iloc[:900], DEMANDES, "jour"))
    assert len(heights(of_class(full, "svg-line")[0].get("d"))) == 900  # short lines: every point
    # The highest and lowest values are still drawn: 5 % under the top, and near the bottom.
    assert min(drawn_heights) == pytest.approx(1000 * (1 - 1 / 1.05), abs=0.2)
    assert max(drawn_heights) > 999
