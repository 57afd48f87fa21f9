"""A family's page, and the list of every indicator."""

from __future__ import annotations

import datetime as dt

from dash import dcc, html

from barometre.data.catalogue import Indicator
from barometre.data.services import Services
from barometre.urls import Urls
from barometre.web import views
from barometre.web.layouts.common import SITE_NAME, Page, key_figure_grid


def page(services: Services, family_id: str, today: dt.date) -> Page:
    """Return the page of one family: its key figures and its indicators."""
    urls = Urls(services.settings.url_prefix)
    family = services.catalogue.family(family_id)
    indicators = services.catalogue.of_family(family_id)
    content = [
        html.H1(family.title),
        html.P(family.description, className="lead"),
        html.H2("Chiffres clés"),
        key_figure_grid(views.key_figures(services, family_id, today), urls),
        html.H2("Indicateurs"),
        indicator_list(indicators, urls),
    ]
    return Page(title=f"{family.title} — {SITE_NAME}", content=content)


def catalogue_page(services: Services) -> Page:
    """Return the list of every indicator, grouped by family."""
    urls = Urls(services.settings.url_prefix)
    content = [html.H1("Tous les indicateurs")]
    for family in services.catalogue.families:
        content += [
            html.H2(dcc.Link(family.title, href=urls.family(family.id))),
            indicator_list(services.catalogue.of_family(family.id), urls),
        ]
    return Page(title=f"Tous les indicateurs — {SITE_NAME}", content=content)


def indicator_list(indicators: tuple[Indicator, ...], urls: Urls) -> html.Ul:
    """Return a list of links to indicator pages, each with its description."""
    return html.Ul(
        [
            html.Li(
                [
                    dcc.Link(indicator.title, href=urls.indicator(indicator.id)),
                    html.Br(),
                    html.Span(indicator.description, className="small"),
                ],
                className="mb-2",
            )
            for indicator in indicators
        ],
        className="indicator-list",
    )
