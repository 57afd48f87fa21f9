"""What each page shows, computed from the store and memoized: charts, summaries, key figures.

Functions here take validated arguments and return plain data (figures as dicts), so that the
cache can hold them and layouts and callbacks stay thin.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace

import pandas as pd

from barometre.charts import build, figures, french, maps, periods, summaries
from barometre.charts import model as chart_model
from barometre.charts.french import NBSP
from barometre.data.catalogue import Indicator
from barometre.data.services import Services
from barometre.data.store import StoreError
from barometre.publish import grid, published, secrecy
from barometre.publish.validation import Display, Query
from barometre.web import tables

LOG = logging.getLogger(__name__)
CHART_FAILED = (
    "Ce graphique n'a pas pu être préparé\u00a0; le reste de la page est à jour. "
    "L'incident est signalé à l'équipe du Baromètre."
)
DEPARTEMENT_TOP = 15
DEPARTEMENT = "departement"


class NoSuchPage(LookupError):
    """The page an address names does not exist, which only the store could tell (a year of
    the journal without publications): the router answers it as any unknown page, a 404."""


class Provenance:
    """What every chart and map says under it: its source and how recent its data are."""

    source: str
    updated: str
    as_of: str

    @property
    def provenance(self) -> str:
        """Return « Source : … — dernière mise à jour le … » (« données au … » when frozen)."""
        parts = [f"Source\u00a0: {self.source}"] if self.source else []
        if self.as_of:
            parts.append(f"données au {self.as_of}")
        elif self.updated:
            parts.append(f"dernière mise à jour le {self.updated}")
        return " — ".join(parts) + "." if parts else ""


@dataclass(frozen=True)
class Chart(Provenance):
    """A chart ready to render: heading, model, text summary, note, data table, source, update.

    ``figure`` is the model rendered by plotly (light theme), made once with the chart by
    ``make_chart``: the page's Dash graph shows it, the server's copy draws ``model`` in SVG.
    """

    id: str
    title: str
    model: chart_model.Chart
    figure: dict
    summary: str
    note: str = ""
    table: tables.DataTable | None = None
    source: str = ""
    updated: str = ""
    as_of: str = ""  # the day of the data shown, for a chart frozen on that day (embeds)


@dataclass(frozen=True)
class KeyFigureCard:
    """One indicator's key figure, for the cards of the home and family pages."""

    indicator: Indicator
    figure: summaries.KeyFigure | None


def indicator_charts(services: Services, query: Query) -> list[Chart]:
    """Return the main chart then one chart per breakdown of the indicator."""
    # A month closes at midnight, without new data: what is published changes with the day.
    params = (*query.key(), dt.date.today())
    return services.memoized("indicator-charts", params, lambda: _consistent(services, query))


def make_chart(model: chart_model.Chart, **fields) -> Chart:
    """Return a chart of the page from its model and its texts, with its plotly figure."""
    return Chart(model=model, figure=figures.plotly_figure(model).to_plotly_json(), **fields)


def with_display(charts: list[Chart], display: Display) -> list[Chart]:
    """Return the charts with their event marks and year-ago overlay shown as the page asks."""
    return [
        replace(
            chart,
            model=chart_model.with_display(chart.model, display.events, display.comparison),
            figure=figures.set_display(chart.figure, display.events, display.comparison),
        )
        for chart in charts
    ]


def _consistent(services: Services, query: Query) -> list[Chart]:
    # All charts of a page from one state of the data, even if a load commits meanwhile.
    with services.store.snapshot():
        return _indicator_charts(services, query)


def _indicator_charts(services: Services, query: Query) -> list[Chart]:
    charts = [_or_message(query, "evolution", "Évolution", lambda: evolution(services, query))]
    for dimension in query.indicator.breakdowns:
        title = breakdown_title(services.catalogue.breakdowns[dimension])
        charts.append(
            _or_message(
                query, dimension, title, lambda d=dimension: breakdown_chart(services, query, d)
            )
        )
    return charts


def _or_message(query: Query, part: str, title: str, build: Callable[[], Chart]) -> Chart:
    """Return ``build()``, or a chart that says it could not be made: one chart that fails
    never takes the page down with it. The store's own failures still make the page a 503."""
    try:
        return build()
    except StoreError:
        raise
    except Exception:
        LOG.exception(
            "graphique %s impossible : indicateur=%s debut=%s fin=%s granularite=%s "
            "departement=%s au=%s",
            part,
            *query.key(),
        )
        return make_chart(
            chart_model.EmptyChart(CHART_FAILED),
            id=f"{query.indicator.id}-{part}",
            title=title,
            summary=CHART_FAILED,
        )


def breakdown_title(breakdown) -> str:
    """Return the heading of a breakdown's chart: « Répartition par motif »."""
    return f"Répartition par {breakdown.title[0].lower()}{breakdown.title[1:]}"


def breakdown_chart(services: Services, query: Query, dimension: str) -> Chart:
    """Return the chart of one breakdown's totals over the period, small counts masked."""
    # Memoized on its own, on what it shows (not the granularity): a page and its embeds in
    # every theme show this chart.
    params = (query.indicator.id, query.start, query.end, query.as_of, dimension)
    return services.memoized(
        "breakdown",
        (*params, dt.date.today()),
        lambda: _breakdown_chart(services, query, dimension),
    )


def _breakdown_chart(services: Services, query: Query, dimension: str) -> Chart:
    indicator = query.indicator
    breakdown = services.catalogue.breakdowns[dimension]
    totals = published.breakdown(
        services, indicator, dimension, query.start, query.end, as_of=query.as_of
    )
    top = DEPARTEMENT_TOP if len(breakdown.members) > 30 else None
    note = (
        f"Graphique limité aux {top} premiers sur {len(breakdown.members)}\u00a0; "
        "le tableau les donne tous."
        if top
        else ""
    )
    # Masked members are NaN: the chart leaves them out, the note says how many.
    hidden = published.note(totals, dimension, (query.start, query.end))
    return make_chart(
        build.breakdown_bars(totals, indicator, breakdown, top=top),
        id=f"{indicator.id}-{dimension}",
        title=breakdown_title(breakdown),
        summary=summaries.breakdown_summary(indicator, breakdown, totals),
        note=" ".join(part for part in (note, hidden) if part),
        table=tables.breakdown_table(totals, indicator, breakdown),
        **_provenance(services, indicator, query.as_of),
    )


@dataclass(frozen=True)
class MapChart(Provenance):
    """The département map of an indicator: SVG, legend, summary, ranking table, provenance."""

    id: str
    title: str
    svg: str
    legend: tuple[tuple[str, str], ...]  # (CSS class of the swatch, French label)
    summary: str
    note: str
    table: tables.DataTable
    source: str = ""
    updated: str = ""
    as_of: str = ""
    attribution: str = maps.ATTRIBUTION


def _departements(services: Services, query: Query):
    """Return the indicator per département over the period, as published."""
    return published.breakdown(
        services, query.indicator, DEPARTEMENT, query.start, query.end, as_of=query.as_of
    )


def evolution(services: Services, query: Query) -> Chart:
    """Return the evolution chart, national or of the chosen département, with the indicator's
    events and the same periods a year earlier (52 weeks for weeks) as a hidden overlay."""
    # Memoized on its own: a page, its sharing tags and its embed all show this chart.
    params = (*query.key(), dt.date.today())
    return services.memoized("evolution", params, lambda: _evolution(services, query))


def _evolution(services: Services, query: Query) -> Chart:
    indicator, granularity = query.indicator, query.granularity
    query_granularity = granularity
    if query.departement and secrecy.is_additive(indicator):
        # A département's figures are a breakdown: published per closed month at the finest.
        granularity = grid.breakdown_granularity(granularity)
        query = replace(query, granularity=granularity)
    year_ago = replace(
        query,
        start=periods.shift_year_back(query.start, granularity),
        end=periods.shift_year_back(query.end, granularity),
    )
    events = services.events.concerning(indicator)
    title = f"Évolution par {tables.GRANULARITY_NOUNS[granularity]}"
    place = note = masked = ""
    if query.departement:
        place = services.catalogue.breakdowns[DEPARTEMENT].label(query.departement)
        frame, previous = (
            departement_series(services, query),
            departement_series(services, year_ago),
        )
        hidden = published.masked_count(frame)
        threshold = services.settings.secrecy_threshold
        notes = []
        if granularity != query_granularity:
            notes.append(
                f"Par département, les chiffres sont publiés par mois clos\u00a0: "
                f"graphique par mois plutôt que par {tables.GRANULARITY_NOUNS[query_granularity]}."
            )
        if hidden:
            plural = "s" if hidden > 1 else ""
            masked_periods = f"{hidden}{NBSP}période{plural} non diffusée{plural}"
            notes.append(secrecy.masked_sentence(masked_periods, threshold))
        note = " ".join(notes)
        masked = secrecy.label(threshold)
    else:
        frame = services.store.series(
            indicator, query.start, query.end, granularity, as_of=query.as_of
        )
        previous = services.store.series(
            indicator, year_ago.start, year_ago.end, granularity, as_of=query.as_of
        )
    text = summaries.chart_summary(indicator, frame, granularity, events)
    return make_chart(
        build.time_series(frame, indicator, granularity, events=events, previous=previous),
        id=f"{indicator.id}-evolution",
        title=f"{title} — {place}" if place else title,
        # No capital after the colon: « Gironde : pré-plaintes en ligne par mois… ».
        summary=f"{place}{NBSP}: {text[:1].lower()}{text[1:]}" if place else text,
        note=note,
        table=tables.series_table(frame, indicator, granularity, events, previous, place, masked),
        **_provenance(services, indicator, query.as_of),
    )


def departement_series(services: Services, query: Query) -> pd.DataFrame:
    """Return the chosen département's series as a national one (undisclosed periods stay
    undisclosed): its rows of the published grid, the same the downloads read."""
    frame = published.series(
        services,
        query.indicator,
        DEPARTEMENT,
        query.start,
        query.end,
        query.granularity,
        member=query.departement,
        as_of=query.as_of,
    )
    return frame.assign(membre="")


def departement_map(services: Services, query: Query, href) -> MapChart | None:
    """Return the département map for the period, or ``None`` without that breakdown.

    ``href(code)`` is the page's URL with that département chosen (the shapes are links).
    """
    indicator = query.indicator
    if DEPARTEMENT not in indicator.breakdowns:
        return None
    links = {code: href(code) for code in services.catalogue.breakdowns[DEPARTEMENT].codes}
    # The links carry the URL prefix and the period: one of them stands for all in the key.
    params = (
        indicator.id,
        query.start,
        query.end,
        query.departement,
        query.as_of,
        links["01"],
        dt.date.today(),  # months close at midnight
    )
    return services.memoized(
        "departement-map", params, lambda: _departement_map(services, query, links)
    )


def _departement_map(services: Services, query: Query, links: dict[str, str]) -> MapChart:
    indicator = query.indicator
    breakdown = services.catalogue.breakdowns[DEPARTEMENT]
    threshold = services.settings.secrecy_threshold
    with services.store.snapshot():
        totals = _departements(services, query)
        provenance = _provenance(services, indicator)
    entries = maps.ranking(totals, breakdown, indicator)
    classes = maps.classes(entries, indicator)
    # The closed months the map covers, which the page's period may not fill.
    published_span = totals.attrs.get(published.PERIOD_ATTR) or (query.start, query.end)
    span = french.format_span(*published_span, "jour")
    ranked = sum(1 for e in entries if e.value is not None)
    names = {e.code: maps.accessible_name(e, indicator, span, ranked, threshold) for e in entries}
    chart_id = f"{indicator.id}-carte"
    legend = [(f"c{c.index}", f"{c.label} ({c.count}\u00a0dép.)") for c in classes]
    masked = sum(1 for e in entries if e.masked)
    if masked:
        legend.append(("masque", f"{maps.MASKED_TEXT} ({masked}\u00a0dép.)"))
    if any(e.value is None and not e.masked for e in entries):
        legend.append(("vide", maps.NO_DATA_TEXT))
    unit = tables.value_heading(indicator)
    return MapChart(
        id=chart_id,
        title="Carte par département",
        svg=maps.svg(
            entries, classes, names, links.__getitem__, query.departement, f"{chart_id}-titre"
        ),
        legend=tuple(legend),
        summary=maps.summary(entries, indicator, span, threshold),
        note=published.note(totals, DEPARTEMENT, (query.start, query.end)),
        table=tables.DataTable(
            caption=f"{indicator.title}, classement des départements {span}",
            columns=("Rang", "Département", unit, "Part"),
            rows=maps.table_rows(entries, indicator),
        ),
        **provenance,
    )


def shows_demo_data(services: Services) -> bool:
    """Return whether the store holds demo data (``False`` when it cannot be read: the page
    itself then says the service is unavailable)."""
    try:
        return services.store.is_demo()
    except StoreError:
        return False


def coverage(services: Services, indicator_id: str) -> tuple[dt.date, dt.date] | None:
    """Return the first and last days of an indicator's data, or ``None`` without data."""
    return services.store.bounds(indicator_id)


def last_update(services: Services, indicator_id: str) -> str | None:
    """Return the ISO timestamp of the last load that touched an indicator, or ``None``."""
    return services.store.last_update_of(indicator_id)


def status(services: Services) -> pd.DataFrame:
    """Return per indicator the period covered and the last update (``barometre status``)."""
    return services.store.status()


def key_figures(services: Services, family_id: str, today: dt.date) -> list[KeyFigureCard]:
    """Return the key figure of every indicator of a family (last complete month vs a year ago)."""
    return services.memoized(
        "key-figures", (family_id, today), lambda: _key_figures(services, family_id, today)
    )


def _key_figures(services: Services, family_id: str, today: dt.date) -> list[KeyFigureCard]:
    cards = []
    for indicator in services.catalogue.of_family(family_id):
        bounds = services.store.bounds(indicator.id)
        figure = None
        if bounds:
            start = max(bounds[0], dt.date(bounds[1].year - 2, 1, 1))
            monthly = services.store.series(indicator, start, bounds[1], "mois")
            figure = summaries.key_figure(monthly, indicator, today)
        cards.append(KeyFigureCard(indicator, figure))
    return cards


def family_chart(services: Services, family_id: str) -> Chart | None:
    """Return the monthly chart of the family's first indicator over its whole history."""
    indicators = services.catalogue.of_family(family_id)
    if not indicators:
        return None
    indicator = indicators[0]
    return services.memoized(
        "family-chart", (family_id,), lambda: _family_chart(services, indicator)
    )


def _family_chart(services: Services, indicator: Indicator) -> Chart | None:
    bounds = services.store.bounds(indicator.id)
    if not bounds:
        return None
    monthly = services.store.series(indicator, bounds[0], bounds[1], "mois")
    events = services.events.concerning(indicator)
    return make_chart(
        # The whole history holds its own year-ago values: it is its own ``previous``.
        build.time_series(monthly, indicator, "mois", events=events, previous=monthly),
        id=f"{indicator.id}-accueil",
        title=f"{indicator.title}, par mois",
        summary=summaries.chart_summary(indicator, monthly, "mois", events),
        table=tables.series_table(monthly, indicator, "mois", events, previous=monthly),
        **_provenance(services, indicator),
    )


def _provenance(services: Services, indicator: Indicator, as_of: dt.date | None = None) -> dict:
    """Return the source and the last update date (or the frozen day) shown under every chart."""
    if as_of is not None:
        return {"source": indicator.source, "as_of": french.format_date(as_of)}
    stamp = services.store.last_update_of(indicator.id)
    updated = french.format_date(dt.datetime.fromisoformat(stamp).date()) if stamp else ""
    return {"source": indicator.source, "updated": updated}
