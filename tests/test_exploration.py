"""What a chart explored point by point says (exploration.py), compared with its data table.

Over every chart the catalogue allows (each indicator at each granularity, nationally and in
every département of one indicator, every breakdown), in-process: the drawing's points carry,
in the chart's order, the words of the table's rows. The browser tests (test_explore.py) then
check that the keyboard reads those words.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re

import pytest

from barometre.charts.french import NBSP
from barometre.charts.model import BarChart, EmptyChart, TimeChart
from barometre.publish import export
from barometre.publish.validation import query, with_departement
from barometre.web import views
from barometre.web.layouts.common import drawing

START, END = dt.date(2024, 1, 1), dt.date(2026, 11, 15)
# Days: the last months only (hundreds of points per chart already).
DAYS_FROM = dt.date(2026, 1, 1)


@pytest.fixture(scope="module")
def services(demo_settings, demo_store, the_catalogue):
    return export.offline_services(demo_settings, the_catalogue, demo_store)


def points_of(chart: views.Chart) -> dict | None:
    """Return the data-points the server's drawing of ``chart`` carries, or None."""
    found = re.search(r'data-points="([^"]*)"', drawing(chart))
    return json.loads(html.unescape(found.group(1))) if found else None


def assert_said_as_the_table(chart: views.Chart) -> int:
    """Check every point's words against its row of the table; return how many points."""
    data = points_of(chart)
    if isinstance(chart.model, EmptyChart):
        assert data is None
        return 0
    assert data is not None, f"{chart.id} : aucun point à parcourir"
    assert data["nom"] == chart.title
    rows = [list(row) for row in chart.table.rows]
    main = data["series"][0]["points"]
    if isinstance(chart.model, TimeChart):
        # The main line, then its incomplete period: every row of the table, in order.
        assert len(main) == len(rows), chart.id
        for point, row in zip(main, rows, strict=True):
            assert point[2].startswith(f"{row[0]}{NBSP}: "), (point, row)
            spoken = point[2].split(f"{NBSP}: ", 1)[1]
            if point[1] is None:
                assert not re.search(r"\d", spoken), ("valeur d'un point masqué", point)
            else:
                assert spoken.startswith(row[1]), (point, row)
        for overlay in data["series"][1:]:
            assert overlay["role"] == "comparaison"
            for point, row in zip(overlay["points"], rows, strict=True):
                assert point[2].startswith(f"{row[0]}, un an avant"), (point, row)
    else:
        assert isinstance(chart.model, BarChart)
        by_head = {row[0]: row for row in rows}
        heads = [point[2].split(f"{NBSP}: ", 1)[0] for point in main]
        # Bars: the table's rows in its order (the chart may keep only the largest).
        assert heads == [row[0] for row in rows][: len(heads)], chart.id
        for point, head in zip(main, heads, strict=True):
            assert point[2].startswith(f"{head}{NBSP}: {by_head[head][1]}"), point
    places = [value for series in data["series"] for p in series["points"] for value in p[:2]]
    assert all(value is None or -0.01 <= value <= 1.01 for value in places), chart.id
    return sum(len(series["points"]) for series in data["series"])


def test_every_chart_of_every_indicator_says_what_its_table_says(services, the_catalogue):
    walked = 0
    for indicator in the_catalogue.indicators:
        bounds = services.store.bounds(indicator.id)
        for granularity in indicator.granularities:
            start = max(bounds[0], DAYS_FROM) if granularity == "jour" else bounds[0]
            chosen = query(indicator, bounds, start.isoformat(), bounds[1].isoformat(), granularity)
            charts = views.with_display(
                views.indicator_charts(services, chosen), views.Display(True, True)
            )
            for chart in charts:
                walked += assert_said_as_the_table(chart)
    assert walked > 10_000


def test_every_departement_s_chart_says_what_its_table_says_masked_points_included(
    services, the_catalogue
):
    indicator = next(i for i in the_catalogue.indicators if "departement" in i.breakdowns)
    bounds = services.store.bounds(indicator.id)
    masked = 0
    for code in the_catalogue.breakdowns["departement"].codes:
        chosen = with_departement(
            # A département is published per closed month: its whole history holds months
            # that are not disclosed.
            query(indicator, bounds, bounds[0].isoformat(), bounds[1].isoformat(), "mois"),
            the_catalogue.breakdowns,
            code,
        )
        chart = views.evolution(services, chosen)
        assert_said_as_the_table(chart)
        data = points_of(chart)
        masked += sum(1 for p in data["series"][0]["points"] if p[1] is None) if data else 0
    assert masked > 0, "aucun point masqué : le cas n'est pas couvert"


def test_the_home_page_charts_say_what_their_tables_say(services, the_catalogue):
    for family in the_catalogue.families:
        chart = views.family_chart(services, family.id)
        if chart is not None:
            assert assert_said_as_the_table(chart) > 0
