"""An indicator's page: controls for the period and granularity, charts, methodology."""

from __future__ import annotations

import datetime as dt

from dash import dcc, html

from barometre.charts import french
from barometre.data.catalogue import GRANULARITY_LABELS, Indicator
from barometre.data.services import Services
from barometre.publish.validation import DEFAULT_DISPLAY, Display, Query
from barometre.urls import Urls
from barometre.web import ids, revisions, views
from barometre.web.layouts import controls as native
from barometre.web.layouts import downloads
from barometre.web.layouts.common import (
    JOURNAL_PATH,
    SITE_NAME,
    Page,
    busy_note,
    chart_block,
    display_options,
    table_region,
)
from barometre.web.layouts.embed_builder import builder
from barometre.web.layouts.map import map_block


def page(
    services: Services,
    indicator: Indicator,
    query: Query | None,
    display: Display = DEFAULT_DISPLAY,
) -> Page:
    """Return the page of one indicator with its charts for ``query`` shown as ``display``."""
    urls = Urls(services.settings.url_prefix)
    family = services.catalogue.family(indicator.family)
    bounds = views.coverage(services, indicator.id)
    content = [
        html.Nav(
            html.Ol(
                [
                    html.Li(dcc.Link("Accueil", href=urls.path("/")), className="breadcrumb-item"),
                    html.Li(
                        dcc.Link(family.title, href=urls.family(family.id)),
                        className="breadcrumb-item",
                    ),
                    html.Li(
                        indicator.title,
                        className="breadcrumb-item active",
                        **{"aria-current": "page"},
                    ),
                ],
                className="breadcrumb",
            ),
            **{"aria-label": "Fil d'Ariane"},
        ),
        html.H1(indicator.title),
        html.P(indicator.description, className="lead"),
        dcc.Store(id=ids.INDICATOR, data=indicator.id),
    ]
    if query is None:
        content.append(html.P("Aucune donnée n'est encore disponible pour cet indicateur."))
    else:
        content += [
            controls(indicator, query, bounds),
            departement_control(services, indicator, query),
            # Always there: the page's callbacks listen to it, with or without the select.
            dcc.Store(id=ids.DEPARTEMENT_CHOICE, data=query.departement),
            display_options(display),
            share(),
            html.Div(
                id=ids.MESSAGE, role="status", className="form-message", **{"aria-live": "polite"}
            ),
            # Empty until a wrong entry: an alert region must be there before what it says.
            html.Div(id=ids.MESSAGE_ERROR, role="alert", className="form-message"),
            # data-busy-region: assets/theme.js sets aria-busy while a callback updates it.
            busy_note(),
            html.Div(
                results(
                    views.with_display(views.indicator_charts(services, query), display),
                    services,
                    query,
                    display,
                ),
                id=ids.RESULTS,
                **{"data-busy-region": "true"},
            ),
            *builder(services.catalogue, indicator, bounds),
            revisions_block(services, indicator),
        ]
    content.append(about(services, indicator, bounds))
    return Page(title=f"{indicator.title} — {SITE_NAME}", content=content)


def controls(indicator: Indicator, query: Query, bounds) -> html.Form:
    """Return the period and granularity form (native, labelled controls)."""
    first, last = (d.isoformat() for d in bounds)
    granularity = native.Select(
        id=ids.GRANULARITY,
        options=[{"label": GRANULARITY_LABELS[g], "value": g} for g in indicator.granularities],
        value=query.granularity,
    )
    return html.Form(
        html.Div(
            [
                _field("Début de la période", _date_input(ids.START, query.start, first, last)),
                _field("Fin de la période", _date_input(ids.END, query.end, first, last)),
                _field("Regrouper par", granularity),
            ],
            className="row",
        ),
        className="controls mb-3",
        **{"aria-label": "Choix de la période et du regroupement"},
    )


def share() -> html.Div:
    """Return « Partager »: copies the page's permalink and says so in a live region."""
    return html.Div(
        [
            html.Button(
                "Partager",
                id=ids.SHARE,
                type="button",
                className="btn btn-sm btn-outline-primary",
                # The title holds the visible label (RGAA 11.9.2): it describes, never renames.
                title="Partager\u00a0: copier le lien de cette page avec la période et le "
                "regroupement choisis",
            ),
            html.Span(id=ids.SHARE_STATUS, role="status", className="ms-2 small"),
        ],
        className="share mb-3",
    )


def _date_input(component_id: str, value: dt.date, first: str, last: str) -> native.Input:
    # debounce: the value is sent on Enter or when the field loses focus, not at every keystroke
    # (a date typed digit by digit goes through years such as 0002).
    return native.Input(
        id=component_id, type="date", value=value.isoformat(), min=first, max=last, debounce=True
    )


def _field(label: str, control) -> html.Div:
    return html.Div(
        [html.Label(label, htmlFor=control.id, className="form-label"), control],
        className="col-12 col-sm-4 mb-2",
    )


def results(
    charts: list[views.Chart],
    services: Services | None = None,
    query: Query | None = None,
    display: Display = DEFAULT_DISPLAY,
) -> list:
    """Return the chart blocks of an indicator page (with their downloads given ``query``)."""
    blocks = [chart_block(chart) for chart in charts]
    if services is not None and query is not None:
        for block, chart in zip(blocks, charts, strict=True):
            block.children.append(
                downloads.downloads(services, query, chart.id, chart.title, display)
            )
        blocks[1:1] = departement_map(services, query, display)
    return blocks


def departement_control(services: Services, indicator: Indicator, query: Query) -> html.Div | None:
    """Return the « Département » select (a native one) of an indicator with that breakdown.

    assets/carte.js copies its value into the ``DEPARTEMENT_CHOICE`` store, which the page's
    callback and the permalink read (Dash's html.Select has no value to listen to).
    """
    if views.DEPARTEMENT not in indicator.breakdowns:
        return None
    members = services.catalogue.breakdowns[views.DEPARTEMENT].members
    options = [("", "France entière"), *((code, f"{code} — {name}") for code, name in members)]
    return html.Div(
        [
            html.Label("Département", htmlFor=ids.DEPARTEMENT, className="form-label"),
            html.Select(
                [
                    html.Option(label, value=code, selected=code == query.departement)
                    for code, label in options
                ],
                id=ids.DEPARTEMENT,
                className="form-select",
            ),
        ],
        className="departement-choix mb-3",
    )


def departement_map(services: Services, query: Query, display: Display) -> list:
    """Return the département map block (none for an indicator without that breakdown).

    Its shapes link to the page for that département, with the same period and display.
    """
    urls = Urls(services.settings.url_prefix)

    def href(code: str) -> str:
        return urls.indicator(
            query.indicator.id,
            debut=query.start.isoformat(),
            fin=query.end.isoformat(),
            granularite=query.granularity,
            departement=code,
            **display.params(),
        )

    chart = views.departement_map(services, query, href)
    return [] if chart is None else [map_block(chart)]


def revisions_block(services: Services, indicator: Indicator) -> html.Section | None:
    """Return « Révisions »: the national monthly values corrected since their first
    publication (revisions.py), or nothing when none was."""
    found = revisions.revisions(services, indicator)
    if not found:
        return None
    urls = Urls(services.settings.url_prefix)
    table = revisions.table(indicator, found)
    return html.Section(
        [
            html.H2("Révisions", id="revisions"),
            html.P(
                [
                    "Les mois dont la valeur nationale a changé depuis sa première publication, "
                    "celle qui a suivi la fin du mois\u00a0: la valeur publiée d'abord, la valeur "
                    "actuelle et la publication qui l'a corrigée. Les répartitions corrigées "
                    "suivent la règle du secret statistique et ne sont pas détaillées ici. "
                    "Chaque publication est décrite dans le ",
                    dcc.Link("journal des mises à jour", href=urls.path(JOURNAL_PATH)),
                    ".",
                ]
            ),
            table_region(table, "Tableau", "data-table revisions-table"),
        ],
        className="revisions mt-4",
        **{"aria-labelledby": "revisions"},
    )


def about(services: Services, indicator: Indicator, bounds) -> html.Section:
    """Return the methodology, source, coverage and last update of an indicator."""
    last_update = views.last_update(services, indicator.id)
    coverage = (
        f"du {french.format_date(bounds[0])} au {french.format_date(bounds[1])}"
        if bounds
        else "aucune donnée"
    )
    facts = [
        ("Source", indicator.source),
        ("Période couverte", coverage),
        ("Dernière mise à jour", _format_timestamp(last_update)),
        ("Fréquence de mise à jour", indicator.frequency),
        ("Unité", indicator.unit),
    ]
    return html.Section(
        [
            html.H2("À propos de cet indicateur", id="a-propos"),
            html.P(indicator.methodology),
            html.Dl(
                [item for term, value in facts for item in (html.Dt(term), html.Dd(value))],
                className="facts",
            ),
        ],
        className="about mt-4",
        **{"aria-labelledby": "a-propos"},
    )


def _format_timestamp(value: str | None) -> str:
    if not value:
        return "jamais"
    return french.format_date(dt.datetime.fromisoformat(value).date())
