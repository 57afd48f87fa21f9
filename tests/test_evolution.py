"""Evolution charts: events, the year-ago overlay and the incomplete last period, checked on the
figure, the text summary and the data table together, from real SQLite stores."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from factories import make_indicator

from barometre.charts import build, figures, french, periods, summaries
from barometre.charts.model import COMPARISON
from barometre.data.events import Event
from barometre.publish import validation
from barometre.web import tables, views

DEMANDES = make_indicator()
D = dt.date


def event(title: str, start: dt.date, end: dt.date | None = None) -> Event:
    return Event(
        id=title.lower().replace(" ", "-"),
        title=title,
        start=start,
        end=end,
        description=f"{title}.",
        concerns=(DEMANDES.id,),
    )


THESEE = event("Ouverture de THESEE", D(2022, 3, 15))
CONFINEMENT = event("Premier confinement", D(2020, 3, 17), D(2020, 5, 11))


@pytest.fixture
def daily_store(empty_store):
    """Two years and a half of distinct daily counts; the last month (March 2025) is partial."""
    days = pd.date_range("2022-12-01", "2025-03-15", freq="D")
    values = list(range(1, len(days) + 1))
    empty_store.apply(
        pd.DataFrame(
            {"indicator": DEMANDES.id, "dimension": "", "member": "", "date": days, "value": values}
        ),
        kind="demo",
        source="test",
    )
    return empty_store, pd.Series(values, index=days, dtype=float)


def expected_sums(raw: pd.Series, starts: list[str], granularity: str) -> list[float]:
    """The raw daily values summed over each period starting at ``starts`` (pandas, not SQL)."""
    sums = []
    for start in pd.to_datetime(starts):
        end = start + pd.Timedelta(days=periods.expected_days(start, granularity) - 1)
        sums.append(float(raw[start:end].sum()))
    return sums


@pytest.mark.parametrize(
    ("granularity", "start", "end"),
    [("mois", D(2024, 1, 1), D(2025, 3, 15)), ("semaine", D(2024, 6, 3), D(2024, 12, 29))],
)
def test_the_overlay_equals_the_store_a_year_earlier(daily_store, granularity, start, end):
    store, raw = daily_store
    national = store.series(DEMANDES, start, end, granularity)
    previous = store.series(
        DEMANDES,
        periods.shift_year_back(start, granularity),
        periods.shift_year_back(end, granularity),
        granularity,
    )
    figure = figures.plotly_figure(
        build.time_series(national, DEMANDES, granularity, previous=previous)
    )
    (overlay,) = [t for t in figure.data if t.meta == figures.COMPARISON_META]
    before = [periods.year_before(ts, granularity) for ts in national["periode"]]
    complete = [not periods.is_partial(r, granularity, DEMANDES) for _, r in national.iterrows()]
    expected = expected_sums(raw, [ts.strftime("%Y-%m-%d") for ts in before], granularity)
    assert list(overlay.y) == [v if ok else None for v, ok in zip(expected, complete, strict=True)]
    # Drawn at the periods shown, named and styled apart from the series, hidden until asked.
    assert list(overlay.x) == [ts.strftime("%Y-%m-%d") for ts in national["periode"]]
    assert (overlay.name, overlay.line.dash, overlay.marker.symbol, overlay.visible) == (
        "Même période, un an avant",
        "dash",
        "square",
        False,
    )
    assert overlay.customdata[0] == french.format_period(before[0], granularity)
    assert "Un an avant (%{customdata})" in overlay.hovertemplate
    if granularity == "semaine":
        assert before[0] == pd.Timestamp("2023-06-05")  # 52 weeks: same weekday


def test_the_partial_last_period_is_a_separate_dashed_trace_never_compared(daily_store):
    store, _ = daily_store
    national = store.series(DEMANDES, D(2024, 1, 1), D(2025, 3, 15), "mois")
    previous = store.series(DEMANDES, D(2023, 1, 1), D(2024, 3, 15), "mois")
    figure = figures.plotly_figure(build.time_series(national, DEMANDES, "mois", previous=previous))
    main, partial, overlay = figure.data
    assert figure.layout.showlegend and main.showlegend is not False  # the legend names all three
    assert main.x[-1] == "2025-02-01" and main.line.dash is None
    assert (partial.x, partial.name, partial.line.dash) == (
        ("2025-03-01",),
        "Période en cours (incomplète)",
        "dash",
    )
    # The hover label says how many days the period holds (its text now travels as customdata).
    assert partial.customdata == ("Période en cours, 15\u00a0jours de données",)
    assert partial.hovertemplate.startswith("%{customdata}\u00a0: ")
    (segment,) = [s for s in figure.layout.shapes if s.name == figures.PARTIAL_MARK]
    assert (segment.x0, segment.x1, segment.line.dash) == ("2025-02-01", "2025-03-01", "dash")
    assert overlay.y[-1] is None  # 15 days of March 2025 are not set against March 2024
    text = summaries.chart_summary(DEMANDES, national, "mois")
    assert (
        "(mois incomplet\u00a0: 15 jours de données, non comparable à l'année précédente)" in text
    )
    assert "par rapport à mars 2024" not in text
    # the table says why its year-ago cell is empty (not « non disponible »: March 2024 exists)
    rows = tables.series_table(national, DEMANDES, "mois", previous=previous).rows
    assert rows[-1][0] == "mars 2025 (incomplet)" and rows[-1][2] == "non comparable"
    assert rows[-2][2] != "non comparable"


def test_the_table_has_the_year_ago_and_event_columns(daily_store):
    store, raw = daily_store
    national = store.series(DEMANDES, D(2024, 1, 1), D(2024, 3, 31), "mois")
    previous = store.series(DEMANDES, D(2023, 1, 1), D(2023, 3, 31), "mois")
    band = event("Grève", D(2024, 1, 20), D(2024, 2, 3))
    table = tables.series_table(
        national, DEMANDES, "mois", [band, event("Plus tard", D(2025, 1, 1))], previous
    )
    assert table.columns == (
        "Mois",
        "Valeur (demandes)",
        "Même période un an avant (demandes)",
        "Événement",
    )
    year_ago = expected_sums(raw, ["2023-01-01", "2023-02-01", "2023-03-01"], "mois")
    assert [row[2] for row in table.rows] == [french.format_number(v) for v in year_ago]
    assert [row[3] for row in table.rows] == ["Grève", "Grève", ""]


def test_without_events_in_the_period_the_table_has_no_event_column(daily_store):
    store, _ = daily_store
    national = store.series(DEMANDES, D(2024, 1, 1), D(2024, 3, 31), "mois")
    table = tables.series_table(national, DEMANDES, "mois", [THESEE, CONFINEMENT])
    assert table.columns == ("Mois", "Valeur (demandes)")


# -- the shipped events on the demo data: where they show, and nowhere else --------------------


def charts(app, indicator_id: str, start: str, end: str, granularity: str = "mois"):
    services = app.services
    indicator = services.catalogue.indicator(indicator_id)
    query = validation.query(
        indicator, services.store.bounds(indicator_id), start, end, granularity
    )
    return views.indicator_charts(services, query)[0]


def event_marks(chart) -> tuple[list, list]:
    layout = chart.figure["layout"]
    shapes = [s for s in layout.get("shapes", []) if s.get("name") == figures.EVENT_MARK]
    labels = [a["text"] for a in layout.get("annotations", []) if a.get("name") == "evenement"]
    return shapes, labels


def test_an_event_shows_on_the_chart_summary_and_table_of_the_indicators_it_concerns(app):
    chart = charts(app, "thesee-plaintes", "2022-03-15", "2022-12-31")
    shapes, labels = event_marks(chart)
    assert [(s["type"], s["x0"]) for s in shapes] == [("line", "2022-03-15")]
    assert labels == ["Ouverture de THESEE"]
    assert "Événements sur la période\u00a0: ouverture de THESEE (15 mars 2022)." in chart.summary
    assert chart.table.columns[-1] == "Événement"
    assert chart.table.rows[0][-1] == "Ouverture de THESEE"
    assert {row[-1] for row in chart.table.rows[1:]} == {""}


def test_a_ranged_event_is_a_band_named_with_its_dates(app):
    chart = charts(app, "brigade-numerique-demandes", "2020-01-01", "2020-12-31")
    shapes, labels = event_marks(chart)
    assert [(s["type"], s["x0"], s["x1"]) for s in shapes] == [
        ("rect", "2020-03-17", "2020-05-12"),
        ("rect", "2020-10-30", "2020-12-16"),
    ]
    assert labels == ["Premier confinement", "Second confinement"]
    assert (
        "Événements sur la période\u00a0: premier confinement (du 17 mars au 11 mai 2020)\u00a0; "
        "second confinement (du 30 octobre au 15 décembre 2020)." in chart.summary
    )
    months = {row[0]: row[-1] for row in chart.table.rows}
    assert months["mai 2020"] == "Premier confinement"
    assert months["juin 2020"] == ""


@pytest.mark.parametrize(
    ("indicator_id", "start", "end"),
    [
        ("pre-plainte-en-ligne", "2022-03-01", "2022-12-31"),  # THESEE concerns THESEE only
        ("brigade-numerique-demandes", "2021-01-01", "2021-12-31"),  # no event in 2021
    ],
)
def test_no_event_shows_elsewhere(app, indicator_id, start, end):
    chart = charts(app, indicator_id, start, end)
    assert event_marks(chart) == ([], [])
    assert "Événement" not in chart.summary
    assert "Événement" not in chart.table.columns


def test_the_page_choice_hides_events_and_shows_the_overlay(app):
    chart = charts(app, "brigade-numerique-demandes", "2020-01-01", "2020-12-31")
    (shown,) = views.with_display([chart], validation.Display(events=False, comparison=True))
    shapes, _ = event_marks(shown)
    assert {s["visible"] for s in shapes} == {False}
    overlay = [t for t in shown.figure["data"] if t.get("meta") == figures.COMPARISON_META]
    assert [t["visible"] for t in overlay] == [True]
    assert chart.figure["data"][-1]["visible"] is False  # the cached chart is left alone
    # The model the server's copy draws follows the same choice, in the same place.
    assert (shown.model.show_events, shown.model.show_comparison) == (False, True)
    assert (chart.model.show_events, chart.model.show_comparison) == (True, False)
    assert [s.role for s in shown.model.shown()].count(COMPARISON) == 1


def test_the_home_page_chart_carries_the_year_ago_overlay_and_column(app):
    chart = views.family_chart(app.services, "brigade-numerique")
    overlay = [t for t in chart.figure["data"] if t.get("meta") == figures.COMPARISON_META]
    assert [t["visible"] for t in overlay] == [False]  # shown by the page's checkbox
    assert chart.table.columns[2] == "Même période un an avant (demandes)"
    months = {row[0]: row for row in chart.table.rows}
    assert months["mars 2021"][2] == months["mars 2020"][1]


# -- the page's choice in its permalink ---------------------------------------------------------

DISPLAYS = [
    validation.Display(events=events, comparison=comparison)
    for events in (True, False)
    for comparison in (False, True)
]


@pytest.mark.parametrize("display", DISPLAYS)
def test_a_display_goes_through_the_permalink_and_the_click_counts(display):
    assert validation.display_from_params(display.params()) == display
    assert validation.display_from_clicks(*display.clicks()) == display


def test_the_defaults_leave_the_permalink_alone():
    assert validation.DEFAULT_DISPLAY.params() == {}


@pytest.mark.parametrize(
    ("params", "clicks"),
    [
        ({"comparer": "<script>", "evenements": "0"}, ("9", None)),
        ({"comparer": "OUI", "evenements": ""}, (-1, 3.5)),
        ({"comparer": "oui " * 1000}, ([1], {"n": 1})),
    ],
)
def test_anything_else_is_the_default_display(params, clicks):
    assert validation.display_from_params(params) == validation.DEFAULT_DISPLAY
    assert validation.display_from_clicks(*clicks) == validation.DEFAULT_DISPLAY


def test_a_permalink_opens_the_page_with_its_display(client):
    from dash_http import components
    from test_app import route

    content, _ = route(
        client,
        "/indicateurs/brigade-numerique-demandes",
        "?debut=2020-01-01&fin=2020-12-31&granularite=mois&comparer=oui&evenements=non",
    )
    boxes = {
        b["props"]["id"]: b["props"]
        for b in components(content, "Button")
        if b["props"].get("role") == "checkbox"
    }
    assert boxes["afficher-evenements"]["aria-checked"] == "false"
    assert boxes["comparer-annee-precedente"]["aria-checked"] == "true"
    # The click counts assets/indicator.js and the page's callback read give the same display.
    clicks = (
        boxes["afficher-evenements"]["n_clicks"],
        boxes["comparer-annee-precedente"]["n_clicks"],
    )
    assert validation.display_from_clicks(*clicks) == validation.Display(False, True)
    figure = components(content, "Graph")[0]["props"]["figure"]
    overlay = [t for t in figure["data"] if t.get("meta") == figures.COMPARISON_META]
    assert [t["visible"] for t in overlay] == [True]
    marks = [s for s in figure["layout"]["shapes"] if s.get("name") == figures.EVENT_MARK]
    assert marks and {s["visible"] for s in marks} == {False}
