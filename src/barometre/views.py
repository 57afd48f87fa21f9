"""What each page shows, computed from the store and memoized: charts, summaries, key figures.

Functions here take validated arguments and return plain data (figures as dicts), so that the
cache can hold them and layouts and callbacks stay thin.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from barometre import figures, secrecy, summaries
from barometre.catalogue import Indicator
from barometre.services import Services
from barometre.validation import Query

DEPARTEMENT_TOP = 15
GRANULARITY_NOUNS = {"jour": "jour", "semaine": "semaine", "mois": "mois", "annee": "année"}


@dataclass(frozen=True)
class Chart:
    """A chart ready to render: its heading, figure, text summary and an optional note."""

    id: str
    title: str
    figure: dict
    summary: str
    note: str = ""


@dataclass(frozen=True)
class KeyFigureCard:
    """One indicator's key figure, for the cards of the home and family pages."""

    indicator: Indicator
    figure: summaries.KeyFigure | None


def indicator_charts(services: Services, query: Query) -> list[Chart]:
    """Return the main chart then one chart per breakdown of the indicator."""
    params = (query.indicator.id, query.start, query.end, query.granularity)
    return services.memoized("indicator-charts", params, lambda: _indicator_charts(services, query))


def _indicator_charts(services: Services, query: Query) -> list[Chart]:
    indicator = query.indicator
    store = services.store
    national = store.series(indicator, query.start, query.end, query.granularity)
    charts = [
        Chart(
            id=f"{indicator.id}-evolution",
            title=f"Évolution par {GRANULARITY_NOUNS[query.granularity]}",
            figure=_json(figures.time_series_figure(national, indicator, query.granularity)),
            summary=summaries.chart_summary(indicator, national, query.granularity),
        )
    ]
    for dimension in indicator.breakdowns:
        breakdown = services.catalogue.breakdowns[dimension]
        totals = secrecy.protect(
            store,
            services.catalogue,
            indicator,
            dimension,
            store.breakdown(indicator, dimension, query.start, query.end),
            services.settings.secrecy_threshold,
            query.start,
            query.end,
        )
        top = DEPARTEMENT_TOP if len(breakdown.members) > 30 else None
        note = f"Graphique limité aux {top} premiers sur {len(breakdown.members)}." if top else ""
        # Masked members are NaN: the chart leaves them out, the note says how many.
        hidden = secrecy.note(
            secrecy.masked_count(totals), services.settings.secrecy_threshold, dimension
        )
        note = " ".join(part for part in (note, hidden) if part)
        charts.append(
            Chart(
                id=f"{indicator.id}-{dimension}",
                title=f"Répartition par {breakdown.title[0].lower()}{breakdown.title[1:]}",
                figure=_json(figures.breakdown_bar_figure(totals, indicator, breakdown, top=top)),
                summary=summaries.breakdown_summary(indicator, breakdown, totals),
                note=note,
            )
        )
    return charts


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
    return Chart(
        id=f"{indicator.id}-accueil",
        title=f"{indicator.title}, par mois",
        figure=_json(figures.time_series_figure(monthly, indicator, "mois")),
        summary=summaries.chart_summary(indicator, monthly, "mois"),
    )


def _json(figure) -> dict:
    return figure.to_plotly_json()
