"""Figures: what each builder draws, in French formats, readable without colour, small to send."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pandas as pd
import plotly
import pytest
from chart_data import national, per_member, totals
from colours import contrast
from factories import DEPARTEMENTS, HEURE, MOTIF, make_indicator

from barometre.charts import build, figures
from barometre.charts.build import MEMBER_DASHES
from barometre.charts.figures import GRAPH_CONFIG, THEMES, empty_figure, plotly_figure
from barometre.charts.model import SYMBOLS, EmptyChart
from barometre.web.app import ASSETS

NNBSP, NBSP = "\u202f", "\u00a0"
LOCALE_ASSET = ASSETS / "plotly-locale-fr.js"
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


DEMANDES = make_indicator()
MINUTES = make_indicator(id="delai", unit="minutes", decimals=1, aggregation="moyenne")
EUROS = make_indicator(id="montant", unit="euros")


def time_series_figure(frame, indicator, granularity, theme="clair", events=(), previous=None):
    """The plotly figure of an indicator's series: the model built from ``frame``, rendered."""
    model = build.time_series(frame, indicator, granularity, events=events, previous=previous)
    return plotly_figure(model, theme)


def breakdown_series_figure(frame, indicator, breakdown, granularity, theme="clair"):
    return plotly_figure(build.member_series(frame, indicator, breakdown, granularity), theme)


def breakdown_bar_figure(frame, indicator, breakdown, theme="clair", top=None):
    return plotly_figure(build.breakdown_bars(frame, indicator, breakdown, top=top), theme)


def every_builder(theme: str) -> list:
    return [
        time_series_figure(national([1.0, 2.0]), DEMANDES, "mois", theme),
        breakdown_series_figure(
            per_member({"je-signale": [1.0, 2.0]}), DEMANDES, MOTIF, "mois", theme
        ),
        breakdown_bar_figure(totals({"je-signale": 3.0}), DEMANDES, MOTIF, theme),
        breakdown_bar_figure(totals({"03": 3.0}), DEMANDES, HEURE, theme),
        empty_figure("Rien", theme),
    ]


# -- the theme ---------------------------------------------------------------------------------


def test_contrast_helper_matches_known_ratios():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("theme", THEMES)
def test_series_colours_reach_3_to_1_against_the_theme_background(theme):
    colours = THEMES[theme]
    for colour in colours.colours:
        assert contrast(colour, colours.background) >= 3, colour
    assert contrast(colours.text, colours.background) >= 4.5
    assert contrast(colours.text, colours.hover_background) >= 4.5
    assert len(set(colours.colours)) == len(colours.colours) == len(MEMBER_DASHES) == len(SYMBOLS)


def test_dark_theme_has_its_own_colours():
    clair, sombre = THEMES["clair"], THEMES["sombre"]
    assert clair.colours != sombre.colours
    assert clair.text != sombre.text
    light = time_series_figure(national([1.0, 2.0]), DEMANDES, "mois", "clair")
    dark = time_series_figure(national([1.0, 2.0]), DEMANDES, "mois", "sombre")
    assert light.data[0].line.color == clair.colours[0]
    assert dark.data[0].line.color == sombre.colours[0]
    assert dark.layout.template.layout.font.color == sombre.text


@pytest.mark.parametrize("theme", THEMES)
def test_every_figure_speaks_french_on_a_transparent_background(theme):
    for figure in every_builder(theme):
        layout = figure.layout.template.layout
        assert layout.separators == ",\u202f"  # decimal comma, narrow no-break space
        assert layout.paper_bgcolor == layout.plot_bgcolor == "rgba(0,0,0,0)"
        assert "sans-serif" in layout.font.family
        assert "://" not in figure.to_json()  # no web font, no remote resource
        assert figure.layout.title.text is None  # the page's heading titles the chart


def test_an_unknown_theme_is_refused():
    with pytest.raises(ValueError, match="violet"):
        time_series_figure(national([1.0]), DEMANDES, "mois", theme="violet")


def test_graph_config_has_a_french_locale_and_no_cloud_or_logo():
    assert GRAPH_CONFIG["locale"] == "fr"
    assert GRAPH_CONFIG["displaylogo"] is False
    assert GRAPH_CONFIG["showSendToCloud"] is False
    assert GRAPH_CONFIG["showEditInChartStudio"] is False
    assert {"lasso2d", "select2d"} <= set(GRAPH_CONFIG["modeBarButtonsToRemove"])
    assert GRAPH_CONFIG["responsive"] is True
    assert "filename" in GRAPH_CONFIG["toImageButtonOptions"]
    json.dumps(GRAPH_CONFIG)  # dcc.Graph sends it as JSON


def test_locale_asset_names_its_source_and_licence():
    head = LOCALE_ASSET.read_text(encoding="utf-8")[:3000]
    assert "plotly.js@4.1.1" in head
    assert "MIT" in head
    assert plotly.offline.get_plotlyjs_version() == "4.1.1"  # upgrade the asset with plotly.js


# -- time series -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("indicator", "values", "expected"),
    [
        (DEMANDES, [1234.4, 1234.5, 99.0], [1234, 1235, 99]),
        (MINUTES, [12.34, 12.35, 9.0], [12.3, 12.4, 9.0]),
    ],
)
def test_time_series_values_equal_the_input_rounded(indicator, values, expected):
    figure = time_series_figure(national(values), indicator, "mois")
    (trace,) = figure.data
    assert list(trace.y) == expected
    assert list(trace.x) == ["2025-01-01", "2025-02-01", "2025-03-01"]


def test_time_series_draws_the_national_rows_only_in_date_order():
    frame = pd.concat([national([5.0, 6.0]), national([99.0, 99.0]).assign(membre="je-signale")])
    figure = time_series_figure(frame.iloc[::-1], DEMANDES, "mois")
    assert len(figure.data) == 1
    assert list(figure.data[0].y) == [5, 6]


@pytest.mark.parametrize(
    ("points", "mode"),
    [(1, "lines+markers"), (40, "lines+markers"), (41, "lines"), (400, "lines")],
)
def test_time_series_shows_markers_only_when_points_are_few(points, mode):
    figure = time_series_figure(national([1.0] * points, freq="D"), DEMANDES, "jour")
    assert figure.data[0].mode == mode


@pytest.mark.parametrize(
    ("granularity", "hoverformat"),
    [
        ("jour", "%-d %B %Y"),
        ("semaine", "semaine du %-d %B %Y"),
        ("mois", "%B %Y"),
        ("annee", "%Y"),
    ],
)
def test_time_series_hover_tells_the_period_and_value_in_french(granularity, hoverformat):
    figure = time_series_figure(national([1.0, 2.0]), DEMANDES, granularity)
    assert figure.layout.xaxis.hoverformat == hoverformat
    assert figure.data[0].hovertemplate == f"%{{y:,.0f}}{NBSP}demandes<extra></extra>"


@pytest.mark.parametrize(
    ("indicator", "hover"),
    [
        (MINUTES, f"%{{y:,.1f}}{NBSP}minutes"),
        (EUROS, f"%{{y:,.0f}}{NNBSP}€"),
    ],
)
def test_hover_formats_follow_the_unit_and_decimals(indicator, hover):
    figure = time_series_figure(national([1.0, 2.0]), indicator, "mois")
    assert figure.data[0].hovertemplate.startswith(hover)


def test_time_series_axes_and_legend():
    figure = time_series_figure(national([1.0, 2.0]), DEMANDES, "mois")
    assert figure.layout.yaxis.title.text == "demandes"
    assert figure.layout.yaxis.rangemode == "tozero"
    assert figure.layout.showlegend is False
    assert figure.layout.template.layout.yaxis.separatethousands is True
    assert figure.layout.template.layout.yaxis.exponentformat == "none"  # "50 000", not "50k"
    margin = figure.layout.template.layout.margin
    assert max(margin.l, margin.r) <= 16  # the plot keeps its width on a 320 px phone


def test_figures_are_small_plain_lists_without_duplicated_data():
    figure = time_series_figure(national([1234.56] * 36), DEMANDES, "mois")
    text = figure.to_json()
    assert "bdata" not in text  # no base64 arrays
    assert "1234.56" not in text  # rounded
    trace = figure.to_plotly_json()["data"][0]
    assert not {"text", "customdata", "hovertext"} & set(trace)
    assert len(text) < 3000


# -- breakdown series --------------------------------------------------------------------------


def test_breakdown_series_draws_one_line_per_member_told_apart_without_colour():
    frame = per_member(
        {"je-suis-victime": [3.0, 4.0], "je-m-informe": [1.0, 2.0], "je-signale": [5.0, 6.0]}
    )
    figure = breakdown_series_figure(frame, DEMANDES, MOTIF, "mois")
    assert [t.name for t in figure.data] == ["Je m'informe", "Je signale", "Je suis victime"]
    assert [list(t.y) for t in figure.data] == [[1, 2], [5, 6], [3, 4]]
    assert len({t.line.dash for t in figure.data}) == 3
    assert len({t.marker.symbol for t in figure.data}) == 3
    assert len({t.line.color for t in figure.data}) == 3
    assert figure.layout.showlegend is True
    assert figure.layout.legend.orientation == "h"
    # at the bottom of the figure, below the axis labels (test_browser checks it at 320 px)
    legend = figure.layout.legend
    assert (legend.yref, legend.y, legend.yanchor) == ("container", 0, "bottom")


def test_breakdown_series_ignores_the_national_rows():
    frame = pd.concat([national([100.0, 100.0]), per_member({"je-signale": [1.0, 2.0]})])
    figure = breakdown_series_figure(frame, DEMANDES, MOTIF, "mois")
    assert [t.name for t in figure.data] == ["Je signale"]


def test_breakdown_series_keeps_markers_visible_on_long_lines():
    frame = per_member({"je-signale": [1.0] * 100, "je-m-informe": [2.0] * 100})
    figure = breakdown_series_figure(frame, DEMANDES, MOTIF, "mois")
    assert all(t.mode == "lines+markers" and 0 < t.marker.maxdisplayed <= 20 for t in figure.data)


def test_breakdown_series_refuses_too_many_members():
    frame = per_member({f"{h:02d}": [1.0] for h in range(9)})
    with pytest.raises(ValueError, match="breakdown_bars"):
        build.member_series(frame, DEMANDES, HEURE, "mois")


# -- breakdown bars ----------------------------------------------------------------------------


def test_bars_lie_sorted_largest_first_with_french_labels():
    frame = totals({"je-signale": 30.0, "je-m-informe": 61.4, "je-suis-victime": 9.0})
    figure = breakdown_bar_figure(frame, DEMANDES, MOTIF)
    (trace,) = figure.data
    assert trace.orientation == "h"
    assert list(trace.x) == [61, 30, 9]
    assert list(trace.y) == ["Je m'informe", "Je signale", "Je suis victime"]
    assert figure.layout.yaxis.autorange == "reversed"  # the first category on top
    assert trace.texttemplate == "%{x:,.0f}"  # each bar carries its value


def test_bars_keep_the_top_n():
    values = {code: float(n) for n, code in enumerate(DEPARTEMENTS.codes)}
    figure = breakdown_bar_figure(totals(values), DEMANDES, DEPARTEMENTS, top=15)
    (trace,) = figure.data
    assert len(trace.x) == 15
    assert list(trace.x) == list(range(100, 85, -1))
    assert trace.y[0] == "Mayotte"


@pytest.mark.parametrize(
    "breakdown",
    [HEURE, replace(HEURE, id="tranche-horaire")],
    ids=["by name", "by codes"],
)
def test_hour_bars_stand_in_hour_order(breakdown):
    values = {f"{h:02d}": float((h * 7) % 24) for h in range(24)}
    shuffled = totals(dict(sorted(values.items(), key=lambda item: -item[1])))
    figure = breakdown_bar_figure(shuffled, DEMANDES, breakdown)
    (trace,) = figure.data
    assert trace.orientation in (None, "v")
    assert list(trace.x) == [f"{h} h" for h in range(24)]
    assert list(trace.y) == [(h * 7) % 24 for h in range(24)]


def test_hour_bars_keep_every_hour_in_hour_order_even_with_top_and_gaps():
    # The hour axis reads as the table: no hour is dropped, an undisclosed one is a gap.
    values = {"08": 10.0, "14": 30.0, "03": 20.0, "22": float("nan")}
    figure = breakdown_bar_figure(totals(values), DEMANDES, HEURE, top=2)
    assert list(figure.data[0].x) == ["3 h", "8 h", "14 h", "22 h"]
    assert list(figure.data[0].y)[:3] == [20.0, 10.0, 30.0]
    assert figure.data[0].y[3] is None or figure.data[0].y[3] != figure.data[0].y[3]


def test_bar_text_carries_a_unit_symbol_but_not_a_unit_word():
    assert breakdown_bar_figure(totals({"x": 1.0}), EUROS, MOTIF).data[0].texttemplate == (
        f"%{{x:,.0f}}{NNBSP}€"
    )
    assert breakdown_bar_figure(totals({"x": 1.0}), MINUTES, MOTIF).data[0].texttemplate == (
        "%{x:,.1f}"
    )


# -- empty figures -----------------------------------------------------------------------------


def test_empty_figure_shows_its_message_without_axes():
    figure = empty_figure("Aucune donnée sur la période choisie.", theme="sombre")
    assert figure.data == ()
    assert figure.layout.annotations[0].text == "Aucune donnée sur la période choisie."
    assert figure.layout.xaxis.visible is False
    assert figure.layout.yaxis.visible is False


EMPTY_SERIES = national([])
ALL_MISSING = national([float("nan")] * 3)


@pytest.mark.parametrize(
    "model",
    [
        lambda: build.time_series(EMPTY_SERIES, DEMANDES, "mois"),
        lambda: build.time_series(ALL_MISSING, DEMANDES, "mois"),
        lambda: build.time_series(national([1.0]).assign(membre="x"), DEMANDES, "mois"),
        lambda: build.member_series(EMPTY_SERIES, DEMANDES, MOTIF, "mois"),
        lambda: build.member_series(national([1.0]), DEMANDES, MOTIF, "mois"),
        lambda: build.breakdown_bars(totals({}), DEMANDES, MOTIF),
        lambda: build.breakdown_bars(totals({"03": float("nan")}), DEMANDES, HEURE),
    ],
    ids=[
        "series, no rows",
        "series, only missing values",
        "series, no national row",
        "breakdown series, no rows",
        "breakdown series, national row only",
        "bars, no rows",
        "hour bars, only missing values",
    ],
)
def test_empty_data_gives_the_empty_figure(model):
    chart = model()
    assert chart == EmptyChart("Aucune donnée sur la période choisie.")
    figure = plotly_figure(chart)
    assert figure.data == ()
    assert figure.layout.annotations[0].text == "Aucune donnée sur la période choisie."


def test_a_chart_outside_the_model_is_refused():
    with pytest.raises(TypeError, match="graphique inconnu"):
        plotly_figure({"data": [], "layout": {}})


# -- in a browser: the locale asset and the separators -----------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize("locale_first", [True, False], ids=["locale first", "plotly first"])
def test_chromium_draws_french_months_and_separators(page, locale_first):
    """The asset registers the French locale whether plotly.js is loaded before or after it."""
    frame = national([12000.0, 20000.0, 30000.0, 35000.0, 38000.0, 40000.0])
    figure = time_series_figure(frame, DEMANDES, "mois").to_plotly_json()
    page.set_content('<div id="g" style="width:600px;height:400px"></div>')
    scripts = [LOCALE_ASSET, PLOTLY_JS] if locale_first else [PLOTLY_JS, LOCALE_ASSET]
    for script in scripts:
        page.add_script_tag(path=str(script))
    page.evaluate(
        "([figure, config]) => Plotly.newPlot('g', figure.data, figure.layout, config)",
        [figure, GRAPH_CONFIG],
    )
    ticks = page.evaluate(
        "[...document.querySelectorAll('#g .xtick text, #g .ytick text')].map(t => t.textContent)"
    )
    assert {"janv. 2025", "févr. 2025", "mars 2025"} <= set(ticks)
    assert f"30{NNBSP}000" in ticks
    page.evaluate("Plotly.Fx.hover('g', {xval: Date.UTC(2025, 2, 1)})")
    hover = page.evaluate(
        "[...document.querySelectorAll('#g .hoverlayer text')].map(t => t.textContent)"
    )
    assert hover == ["mars 2025", f"30{NNBSP}000{NBSP}demandes"]
    assert page.console_errors == []


# -- events, year-ago overlay, incomplete period ------------------------------------------------


def dated(title: str, start: str, end: str | None = None):
    from barometre.data.events import Event

    day = pd.Timestamp(start).date()
    return Event(
        id="e",
        title=title,
        start=day,
        end=end and pd.Timestamp(end).date(),
        description="Description.",
        concerns=(DEMANDES.id,),
    )


@pytest.mark.parametrize("theme", list(THEMES))
def test_events_inside_the_period_are_labelled_lines_and_bands(theme):
    events = [
        dated("Avant", "2024-12-31"),
        dated("Ouverture", "2025-02-10"),
        dated("Confinement", "2025-03-17", "2025-05-11"),
        dated("À cheval", "2025-06-20", "2025-08-15"),
        dated("Après", "2025-08-01"),
    ]
    figure = time_series_figure(national([1.0] * 6), DEMANDES, "mois", theme, events=events)
    colours = THEMES[theme]
    shapes = [s for s in figure.layout.shapes if s.name == figures.EVENT_MARK]
    assert [(s.type, s.x0, s.x1) for s in shapes] == [
        ("line", "2025-02-10", "2025-02-10"),
        ("rect", "2025-03-17", "2025-05-12"),
        ("rect", "2025-06-20", "2025-07-01"),  # cut at the end of the last month shown
    ]
    assert shapes[0].line.dash == "dot" and shapes[0].line.color == colours.axis
    labels = [a for a in figure.layout.annotations if a.name == figures.EVENT_MARK]
    assert [a.text for a in labels] == ["Ouverture", "Confinement", "À cheval"]
    # Text colour on the theme's background: readable in both themes, not only a colour.
    assert {(a.font.color, a.bgcolor) for a in labels} == {(colours.text, colours.background)}
    assert labels[1].hovertext.startswith("confinement (du 17 mars au 11 mai 2025)")


def test_set_display_hides_event_marks_and_shows_the_overlay_only():
    frame = national([1.0, 2.0, 3.0], start="2025-01-01")
    previous = national([4.0, 5.0, 6.0], start="2024-01-01")
    figure = time_series_figure(
        frame, DEMANDES, "mois", events=[dated("Ouverture", "2025-02-10")], previous=previous
    ).to_plotly_json()
    shown = figures.set_display(figure, events=False, comparison=True)
    assert [s.get("visible") for s in shown["layout"]["shapes"]] == [False]
    assert [a.get("visible") for a in shown["layout"]["annotations"]] == [False]
    assert [t.get("visible") for t in shown["data"]] == [None, True]
    assert [t["y"] for t in shown["data"]] == [[1, 2, 3], [4, 5, 6]]
    assert figure["data"][1]["visible"] is False  # the input is not changed


def test_a_series_without_partial_period_overlay_or_event_keeps_one_trace_and_no_legend():
    figure = time_series_figure(national([1.0, 2.0]), DEMANDES, "mois")
    assert len(figure.data) == 1 and figure.layout.showlegend is False
    assert figure.layout.shapes == () and figure.layout.annotations == ()


@pytest.mark.parametrize("masked", [-1, -2])
def test_a_masked_value_at_the_partial_period_draws_no_segment_and_no_error(masked):
    """A small département's last periods can be masked (None): the dashed segment that joins
    the last complete period to the current one has then nothing to join (it was a 500)."""
    from barometre.charts import drawings

    frame = national([10.0, 20.0, 30.0, 40.0])
    frame.loc[frame.index[-1], "jours"] = 5  # the current month, still incomplete
    frame.loc[frame.index[masked], "valeur"] = float("nan")
    chart = build.time_series(frame, DEMANDES, "mois")
    figure = plotly_figure(chart)
    assert [t.name for t in figure.data][-1] == build.PARTIAL_NAME
    assert chart.link is None
    assert not [s for s in figure.layout.shapes if s.name == figures.PARTIAL_MARK]
    assert "<svg" in drawings.chart_html(chart, hidden=True)
