"""Both drawings hold the same points (issue 15): every chart the views make from the demo data,
read back from the server's SVG through its axes, and from the plotly figure, equals its model.

The space: every indicator × granularity × period (the whole range, one month, one day, no data,
the incomplete current period alone) × France and every département, the breakdown bars of each,
the home page's charts, and the member lines of every small breakdown. Two worker processes, each
with its own connection to the session's demo database.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import datetime as dt
import functools
import multiprocessing
import time
import traceback

import pytest
from chart_data import DEMANDES, event, incomplete, national
from chart_points import compare

from barometre.charts import build, drawings, figures
from barometre.charts.model import TimeChart
from barometre.config import Settings
from barometre.data import events
from barometre.data.catalogue import Catalogue
from barometre.data.services import Services
from barometre.data.store import Store
from barometre.publish import export
from barometre.publish.export import _observations
from barometre.publish.grid import FINER_THAN_MONTH
from barometre.publish.validation import Query
from barometre.web import views

WORKERS = 2
BUDGET = 90  # seconds for the whole walk
# One process's services over the demo database, made by its initializer: a worker's own
# connection (SQLite connections do not cross a fork).
_services = None


PERIODS = ("toute la période", "un mois", "un jour", "sans données", "période en cours")


def periods(first: dt.date, last: dt.date, granularity: str) -> dict[str, tuple[dt.date, dt.date]]:
    """The periods every chart is drawn over, inside the data's bounds or outside for none."""
    month_end = last.replace(day=1) - dt.timedelta(days=1)
    current = {
        "jour": last,
        "semaine": last - dt.timedelta(days=last.weekday()),
        "mois": last.replace(day=1),
        "annee": last.replace(month=1, day=1),
    }[granularity]
    return {
        "toute la période": (first, last),
        "un mois": (max(first, month_end.replace(day=1)), month_end),
        "un jour": (last - dt.timedelta(days=30),) * 2,
        "sans données": (first - dt.timedelta(days=400), first - dt.timedelta(days=1)),
        "période en cours": (max(first, current), last),
    }


def _start(settings: Settings, catalogue: Catalogue) -> None:
    global _services
    # Whole daily ranges of every département in one read: more than a page's time limit on a
    # machine shared by the whole suite. The walk compares drawings, not response times.
    settings = dataclasses.replace(settings, query_timeout_ms=600_000)
    store = Store(settings.database_url)
    loaded = events.load(catalogue, settings.events or None)
    # The app's events too, as create_app loads them: the charts mark them.
    _services = Services(settings, catalogue, store, export.RunCache(size=100_000), loaded)
    # A département's rows are the whole breakdown's, masked as a whole, then filtered
    # (export._observations): read the breakdown once per period, not once per département.
    whole = functools.lru_cache(maxsize=64)(
        lambda query, dimension: _observations(_services, query, dimension, "")
    )

    def observations(services, query, dimension="", member=""):
        frame = whole(dataclasses.replace(query, departement=""), dimension)
        return frame[frame["membre"] == member] if member else frame

    export.observations = observations


def _compare(model, figure: dict) -> None:
    # Everything the model can show (events, the year-ago overlay) is drawn and compared.
    if isinstance(model, TimeChart):
        model = model.with_display(events=True, comparison=True)
    compare(model, figure, drawings.chart_html(model, hidden=True))


def _walk(task: tuple[str, str, bool]) -> tuple[int, list[str]]:
    """Compare every chart of one indicator at one granularity, in France (its breakdowns too)
    or in every département; return the count and the failures."""
    indicator_id, granularity, departements = task
    services = _services
    indicator = services.catalogue.indicator(indicator_id)
    bounds = services.store.bounds(indicator_id)
    places = list(services.catalogue.breakdowns["departement"].codes) if departements else [""]
    count, failures = 0, []

    def check(what: str, model, figure: dict) -> None:
        nonlocal count
        count += 1
        try:
            _compare(model, figure)
        except Exception as error:  # noqa: BLE001 — every failure is reported, with its chart
            where = traceback.extract_tb(error.__traceback__)[-1]
            failures.append(
                f"{what} : {type(error).__name__} {error} ({where.name}:{where.lineno})"
            )

    for name, (start, end) in periods(*bounds, granularity).items():
        for place in places:
            if place and name == "sans données":
                continue  # the site refuses it (a 400); France's empty chart is checked
            query = Query(indicator, start, end, granularity, place)
            what = f"{indicator_id} {granularity} {name} {place or 'France'}"
            try:
                charts = (
                    [views.evolution(services, query)]
                    if place
                    else views.indicator_charts(services, query)
                )
            except Exception as error:  # noqa: BLE001
                failures.append(f"{what} : la vue échoue : {type(error).__name__} {error}")
                continue
            for chart in charts:
                check(f"{what} {chart.id}", chart.model, chart.figure)
    if granularity == "mois" and not departements:
        for dimension in indicator.breakdowns:
            breakdown = services.catalogue.breakdowns[dimension]
            if len(breakdown.members) > build.SERIES_MAX_MEMBERS:
                continue
            frame = services.store.series(indicator, *bounds, granularity, dimension)
            model = build.member_series(frame, indicator, breakdown, granularity)
            check(
                f"{indicator_id} {dimension} lignes",
                model,
                figures.plotly_figure(model).to_plotly_json(),
            )
    return count, failures


def _family(family_id: str) -> tuple[int, list[str]]:
    chart = views.family_chart(_services, family_id)
    if chart is None:
        return 0, []
    try:
        _compare(chart.model, chart.figure)
    except AssertionError as error:
        return 1, [f"accueil {family_id} : {error}"]
    return 1, []


def _run(settings, catalogue, tasks, families=()) -> tuple[int, list[str], float]:
    began = time.monotonic()
    with concurrent.futures.ProcessPoolExecutor(
        WORKERS,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_start,
        initargs=(settings, catalogue),
    ) as pool:
        results = list(pool.map(_walk, tasks)) + list(pool.map(_family, families))
    count = sum(n for n, _ in results)
    failures = [f for _, found in results for f in found]
    took = time.monotonic() - began
    print(f"\n{count} graphiques comparés (modèle, plotly, SVG) en {took:.0f} s")
    assert not failures, f"{len(failures)} graphiques sur {count} diffèrent :\n" + "\n".join(
        failures[:30]
    )
    return count, failures, took


def test_both_drawings_hold_the_models_points_in_france(demo_settings, the_catalogue):
    """Every indicator × granularity × period, its breakdown bars, its member lines, and the
    home page's charts."""
    tasks = [(i.id, g, False) for i in the_catalogue.indicators for g in i.granularities]
    families = [f.id for f in the_catalogue.families]
    count, _, took = _run(demo_settings, the_catalogue, tasks, families)
    assert count >= len(tasks) * len(PERIODS)
    # Not asserted: the machine is shared; the walk is meant to stay within BUDGET seconds.
    if took > BUDGET:
        print(f"au-delà du budget de {BUDGET} s")


@pytest.mark.slow
def test_both_drawings_hold_the_models_points_in_every_departement(demo_settings, the_catalogue):
    """Every indicator with départements × granularity × period × the 101 départements.

    A département is published per closed month at the finest: its day and week charts are its
    month charts, walked once."""
    tasks = [
        (i.id, g, True)
        for i in the_catalogue.indicators
        if "departement" in i.breakdowns
        for g in i.granularities
        if g not in FINER_THAN_MONTH
    ]
    count, _, _ = _run(demo_settings, the_catalogue, tasks)
    places = len(the_catalogue.breakdowns["departement"].codes)
    assert tasks and count == len(tasks) * (len(PERIODS) - 1) * places


# -- the comparison can fail --------------------------------------------------------------------


def _drawn_wrong(model, changed) -> None:
    figure = figures.plotly_figure(model).to_plotly_json()
    compare(model, figure, drawings.chart_html(changed, hidden=True))


def _with_values(model: TimeChart, values: list) -> TimeChart:
    main = dataclasses.replace(model.series[0], values=tuple(values))
    return dataclasses.replace(model, series=(main, *model.series[1:]))


SHORT = build.time_series(
    incomplete([120.0, 80.0, None, 150.0, 90.0, 95.0]),
    DEMANDES,
    "mois",
    events=[event("Ouverture", "2025-02-10"), event("Grève", "2025-04-03", "2025-04-20")],
)
LONG = build.time_series(
    national([100.0 + (i * 37) % 50 for i in range(1500)], "2021-01-01", "D", 1), DEMANDES, "jour"
)


@pytest.mark.parametrize(
    "changed",
    [
        _with_values(SHORT, [120, 84, None, 150, 90]),  # a value a little off
        _with_values(SHORT, [120, 80, 0, 150, 90]),  # a masked point drawn
        _with_values(SHORT, [120, None, None, 150, 90]),  # a point left out
        dataclasses.replace(
            SHORT,
            events=(
                dataclasses.replace(SHORT.events[0], start=dt.date(2025, 2, 11)),
                SHORT.events[1],
            ),
        ),
        dataclasses.replace(SHORT, link=None),
        _with_values(LONG, [*LONG.series[0].values[:700], 1000, *LONG.series[0].values[701:]]),
    ],
    ids=["valeur", "masquée dessinée", "point omis", "événement", "lien", "pic"],
)
def test_a_drawing_of_other_points_is_caught(changed):
    model = SHORT if changed.series[0].dates == SHORT.series[0].dates else LONG
    with pytest.raises(AssertionError):
        _drawn_wrong(model, changed)


@pytest.mark.parametrize("model", [SHORT, LONG], ids=["court", "long"])
def test_the_same_model_drawn_passes(model):
    _drawn_wrong(model, model)
