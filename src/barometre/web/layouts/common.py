"""Pieces shared by every page: header, footer, demo notice, chart blocks, key figure cards."""

from __future__ import annotations

import functools
import json
import logging
from dataclasses import dataclass
from importlib import resources

from dash import dcc, html

from barometre.charts import drawings, exploration, figures
from barometre.charts.model import EmptyChart
from barometre.data.services import Services
from barometre.publish import export
from barometre.publish.validation import DEFAULT_DISPLAY, Display
from barometre.urls import Urls
from barometre.web import ids, views
from barometre.web.layouts import controls as native
from barometre.web.tables import DataTable
from barometre.web.views import Chart, KeyFigureCard

SITE_NAME = "Baromètre numérique"
MAIN_ID = "contenu"
NAV_ID = "navigation-principale"
THEME_SELECT_ID = "theme-choix"
ACCESSIBILITY_PATH = "/accessibilite"
SITEMAP_PATH = "/plan-du-site"
JOURNAL_PATH = "/journal"


@dataclass(frozen=True)
class Page:
    """A page's title (for ``<title>``) and the content of its main region."""

    title: str
    content: list


def shell(services: Services) -> html.Div:
    """Return the frame of every page: skip link, header, main region, footer."""
    urls = Urls(services.settings.url_prefix)
    return html.Div(
        [
            dcc.Location(id=ids.URL, refresh=False),
            html.A("Aller au contenu", href=f"#{MAIN_ID}", className="skip-link"),
            header(services, urls),
            # The skip link's target: the main region, focusable so the link moves focus there.
            html.Main(html.Div(id=ids.PAGE), id=MAIN_ID, className="container py-4", tabIndex="-1"),
            colophon(),
            footer(urls),
            dcc.Store(id=ids.PAGE_TITLE),
            dcc.Store(id=ids.PAGE_TITLE_SINK),
            dcc.Store(id=ids.NAV_SINK),
            dcc.Store(id=ids.PAGE_STATE),
        ]
    )


def main_navigation(services: Services, urls: Urls) -> html.Nav:
    """Return the main navigation: the home page and each family."""
    links = [html.Li(dcc.Link("Accueil", href=urls.path("/"), className="nav-link"))]
    links += [
        html.Li(dcc.Link(family.title, href=urls.family(family.id), className="nav-link"))
        for family in services.catalogue.families
    ]
    return html.Nav(
        html.Ul(links, className="nav"), id=NAV_ID, **{"aria-label": "Navigation principale"}
    )


def header(services: Services, urls: Urls) -> html.Header:
    """Return the site header: name, navigation by family, and the demo-data notice."""
    return html.Header(
        [
            html.Div(
                [
                    html.P(
                        [
                            dcc.Link(SITE_NAME, href=urls.path("/"), className="site-name"),
                            html.Span("version test", className="badge text-bg-secondary ms-2"),
                        ],
                        className="mb-1",
                    ),
                    html.P("Gendarmerie nationale", className="site-owner mb-2"),
                    theme_switch(),
                    main_navigation(services, urls),
                ],
                className="container",
            ),
            demo_notice(services),
        ],
        className="site-header",
    )


def theme_switch() -> html.Div:
    """Return the labelled theme choice (system, light, dark), run by assets/theme.js.

    A native select: keyboard and screen-reader correct without any script. The choice is kept
    in localStorage (no cookie); the colours of both themes ride along for re-theming charts.
    """
    colours = {name: _theme_json(name) for name in figures.THEMES}
    return html.Div(
        [
            html.Label("Thème", htmlFor=THEME_SELECT_ID, className="me-2"),
            html.Select(
                [
                    html.Option("selon le système", value="auto"),
                    html.Option("clair", value="clair"),
                    html.Option("sombre", value="sombre"),
                ],
                id=THEME_SELECT_ID,
                className="form-select form-select-sm theme-select",
                **{"data-themes": json.dumps(colours)},
            ),
        ],
        className="theme-switch",
    )


def _theme_json(name: str) -> dict:
    theme = figures.theme_colours(name)
    return {
        "background": theme.background,
        "text": theme.text,
        "grid": theme.grid,
        "axis": theme.axis,
        "hover_background": theme.hover_background,
        "colours": list(theme.colours),
    }


def demo_notice(services: Services) -> html.Div | None:
    """Return the notice shown on every page while the store holds demo data."""
    if not views.shows_demo_data(services):
        return None
    return html.Div(
        html.P(
            [
                html.Strong("Données de démonstration"),
                "\u00a0: les chiffres affichés sont générés pour illustrer le Baromètre\u00a0; "
                "ce ne sont pas des chiffres officiels.",
            ],
            className="container mb-0",
        ),
        className="demo-notice",
        role="note",
    )


def english(text: str, words: str) -> list:
    """``text`` with ``words`` marked as English: a French voice reads them wrong otherwise
    (RGAA 8.7)."""
    before, found, after = text.partition(words)
    return [before, html.Span(words, lang="en"), after] if found else [text]


def licence_name() -> list:
    """The data's licence by its official name, its English part marked."""
    return english(export.LICENCE["title"], "Open Licence")


def colophon() -> html.Div:
    """Return what a printed page ends with: the licence and the page's address (print only)."""
    return html.Div(
        [
            html.P(
                [
                    f"{SITE_NAME} de la Gendarmerie nationale — données publiées sous ",
                    *licence_name(),
                    ".",
                ]
            ),
            # Filled in the browser (callbacks/pages.py): the address with its query string.
            html.P(["Adresse de cette page\u00a0: ", html.Span(id=ids.PRINT_ADDRESS)]),
        ],
        className="print-only colophon container small",
    )


# The audit's results: its date, the state of conformity and its rate, the counts, the sample and
# the non-conformities, as scripts/audit_rgaa.py writes them from docs/audit-rgaa.toml. The
# declaration states them; every page's footer, the state, as the RGAA requires.
AUDIT_FILE = "audit-rgaa.json"


@functools.cache
def audit() -> dict:
    """The audit's results the declaration states."""
    return json.loads((resources.files("barometre.web") / AUDIT_FILE).read_text(encoding="utf-8"))


def footer(urls: Urls) -> html.Footer:
    """Return the site footer."""
    return html.Footer(
        html.Div(
            [
                html.P(
                    "Baromètre numérique de la Gendarmerie nationale — données publiées sous "
                    "Licence Ouverte 2.0. Aucun cookie, aucun traceur.",
                    className="mb-1",
                ),
                html.Ul(
                    [
                        html.Li(
                            dcc.Link("Tous les indicateurs", href=urls.path("/indicateurs")),
                            className="list-inline-item",
                        ),
                        html.Li(
                            dcc.Link(
                                "À propos des données", href=urls.path("/a-propos-des-donnees")
                            ),
                            className="list-inline-item",
                        ),
                        html.Li(
                            dcc.Link("Journal des mises à jour", href=urls.path(JOURNAL_PATH)),
                            className="list-inline-item",
                        ),
                        html.Li(
                            dcc.Link("Données et API", href=urls.path("/donnees")),
                            className="list-inline-item",
                        ),
                        html.Li(
                            dcc.Link(
                                f"Accessibilité\u00a0: {audit()['etat']}",
                                href=urls.path(ACCESSIBILITY_PATH),
                            ),
                            className="list-inline-item",
                        ),
                        html.Li(
                            dcc.Link("Plan du site", href=urls.path(SITEMAP_PATH)),
                            className="list-inline-item",
                        ),
                    ],
                    className="list-inline mb-0",
                ),
            ],
            className="container",
        ),
        className="site-footer",
    )


LOG = logging.getLogger(__name__)
# The attribute of a chart's box, and of the département map (layouts/map.py), holding the
# server's drawing: prerender.py writes it into the server's copy of the page, explore.js and
# carte.js into Dash's (where plotly.js draws over a chart's).
DRAWING = "data-svg"


def chart_block(chart: Chart, heading: str = "h2") -> html.Section:
    """Return a chart as a figure with its alternatives: summary, source, update and data table.

    The plotly drawing is hidden from assistive technologies only when the table carries the same
    numbers (an empty chart has no table: its message stays readable).
    """
    title_id = f"{chart.id}-titre"
    heading_tag = getattr(html, heading.upper())
    has_table = chart.table is not None and bool(chart.table.rows)
    graph = dcc.Graph(
        id=f"{chart.id}-graphique",
        figure=chart.figure,
        config=figures.GRAPH_CONFIG,
        className="chart",
    )
    return html.Section(
        [
            heading_tag(chart.title, id=title_id),
            html.Figure(
                [
                    # The drawing (not the named modebar buttons) is hidden from assistive
                    # technologies by assets/theme.js when the table carries the same numbers.
                    # .chart-box keeps the drawing's height while plotly.js loads (no shift).
                    html.Div(
                        graph,
                        className="chart-box",
                        **({"data-chart-alternative": "table"} if has_table else {}),
                        **{DRAWING: drawing(chart)},
                    ),
                    explore_tools(title_id, chart.title) if has_table else None,
                    caption(chart),
                ],
                className="chart-figure mb-2",
                **figure_role(chart),
            ),
            data_table(chart) if has_table else None,
        ],
        className="chart-block",
        **{"aria-labelledby": title_id},
    )


def drawing(chart: Chart) -> str:
    """Return the server's drawing of a chart, explorable point by point; a chart that cannot
    be drawn leaves a French message in its place, and an ERROR in the log."""
    model = chart.model
    try:
        # A chart with data has its table beside it; an empty one is named by its message.
        return drawings.chart_html(
            model,
            hidden=not isinstance(model, EmptyChart),
            explore=exploration.exploration(model, chart.table, chart.title),
        )
    except Exception:
        LOG.exception("dessin du graphique %s impossible", chart.id)
        return drawings.chart_html(EmptyChart(drawings.FAILED), hidden=False)


def explore_tools(title_id: str, title: str) -> html.Div:
    """Return the buttons beside a chart that walk it point by point and play it, its help and
    its live region (run by assets/explore.js; hidden without scripts).

    Written by the server so that nothing moves when the script arrives; screen readers in
    browse mode, which keep the arrow keys, use these buttons.
    """
    return html.Div(
        [
            html.Button(
                "Point précédent",
                type="button",
                id=f"{title_id}-precedent",
                className="explore-previous",
            ),
            html.Button(
                "Point suivant", type="button", id=f"{title_id}-suivant", className="explore-next"
            ),
            html.Button(
                "Écouter", type="button", id=f"{title_id}-ecouter", className="explore-listen"
            ),
            html.P(
                exploration.HELP, id=f"{title_id}-aide", className="explore-hidden explore-help"
            ),
            html.P(className="explore-hidden", **{"aria-live": "polite"}),
        ],
        className="explore-tools",
        role="group",
        **{"aria-label": f"Parcourir le graphique «\u00a0{title}\u00a0»", "data-explore-tools": ""},
    )


def display_options(display: Display = DEFAULT_DISPLAY) -> html.Div:
    """Return the checkboxes « Afficher les événements » and « Comparer avec l'année précédente ».

    They act on every evolution chart of the page (the indicator's, or each family's on the home
    page). Buttons with role="checkbox": focusable, toggled by Space or a click, announced as
    checkboxes with their state; callbacks/indicator.py DISPLAY_SCRIPT redraws the charts in the
    browser from the click counts, which start at the parity that gives ``display``.
    """
    checked = (display.events, display.comparison)
    return html.Div(
        [
            _checkbox(box_id, label, on, clicks)
            for (box_id, label), on, clicks in zip(
                ids.DISPLAY_CHECKBOXES, checked, display.clicks(), strict=True
            )
        ],
        className="display-options d-flex flex-wrap column-gap-4 mb-2",
        role="group",
        **{"aria-label": "Affichage des graphiques d'évolution"},
    )


# A checkbox's state in words, for a reader without style sheets, which draw its tick (RGAA
# 10.2); assistive technologies have aria-checked. theme.js and embed.js keep them in step with
# the state, reading both from the element (``checked_words``).
CHECKED_WORDS = {True: " (case cochée)", False: " (case non cochée)"}
# What a region being updated (aria-busy) shows over its charts (barometre.css), in words.
BUSY_WORDS = "Mise à jour\u2026"


def unstyled(children: str = "", **attributes) -> html.Span:
    """Return words shown only without style sheets (hidden from assistive technologies,
    which have the same in an attribute)."""
    return html.Span(
        children=children, className="unstyled-only", **{"aria-hidden": "true"}, **attributes
    )


def checked_words(checked: bool) -> dict[str, str]:
    """Return the words of a checkbox's state and, for the scripts, both states' words."""
    return {
        "children": CHECKED_WORDS[checked],
        "data-coche": CHECKED_WORDS[True],
        "data-non-coche": CHECKED_WORDS[False],
    }


def busy_note() -> html.P:
    """Return the place, just before a ``data-busy-region``, where theme.js writes its words
    (``data-mots``) while the region is updated, for a reader without style sheets."""
    return html.P(unstyled(**{"data-mots": BUSY_WORDS}), className="busy-note mb-0")


def _checkbox(component_id: str, label: str, checked: bool, clicks: int) -> html.Button:
    return html.Button(
        [
            html.Span(className="form-check-input", **{"aria-hidden": "true"}),
            html.Span(label, className="form-check-label"),
            unstyled(**checked_words(checked)),
        ],
        id=component_id,
        type="button",
        role="checkbox",
        className="check-toggle",
        n_clicks=clicks,
        **{"aria-checked": "true" if checked else "false"},
    )


def figure_role(chart: Chart, *extra: str) -> dict[str, str]:
    """Return the attributes that tie a chart's figure to its caption (RGAA 1.9): the role
    ``figure`` and, as its ``aria-label``, the caption's text (summary, note, provenance, then
    ``extra``), word for word, for the assistive technologies that do not read ``figcaption``."""
    texts = [chart.summary, chart.note, chart.provenance, *extra]
    return {"role": "figure", "aria-label": " ".join(t for t in texts if t)}


def caption(chart: Chart, *extra) -> html.Figcaption:
    """Return a chart's caption: its summary, note, provenance, then ``extra`` components."""
    return html.Figcaption(
        [
            html.P(chart.summary, className="chart-summary"),
            html.P(chart.note, className="chart-note small") if chart.note else None,
            provenance(chart),
            *extra,
        ]
    )


def provenance(chart: Chart) -> html.P | None:
    """Return « Source : … — mise à jour le … » under a chart, or nothing when unknown."""
    return html.P(chart.provenance, className="chart-source small") if chart.provenance else None


def data_table(chart: Chart) -> html.Details:
    """Return the chart's full data as an HTML table behind a native « Voir les données »."""
    return html.Details(
        [
            html.Summary("Voir les données", className="data-toggle"),
            table_region(chart.table, "Données", "table-striped data-table"),
        ],
        className="chart-data",
    )


def table_region(table: DataTable, kind: str, classes: str) -> html.Div:
    """Return a table in a region that scrolls sideways on a narrow screen, focusable to scroll
    it by keyboard, and so named for a screen reader's stop (« Données : <caption> »)."""
    return html.Div(
        native.Table(
            table.caption,
            list(table.columns),
            [list(row) for row in table.rows],
            className=f"table table-sm {classes}",
        ),
        className="table-responsive",
        tabIndex="0",
        role="region",
        **{"aria-label": f"{kind}\u00a0: {table.caption}"},
    )


def key_figure_card(card: KeyFigureCard, urls: Urls) -> html.Div:
    """Return a card with an indicator's key figure and its change over a year."""
    indicator, figure = card.indicator, card.figure
    if figure is None:
        body = [html.P("Pas encore de données.", className="mb-0")]
    else:
        body = [
            html.P(figure.value_text, className="key-value mb-1"),
            html.P(figure.label, className="key-period small mb-1"),
            html.P(
                [
                    html.Span(figure.change.arrow, **{"aria-hidden": "true"}),
                    " ",
                    figure.change_text,
                ],
                className="key-change small mb-0",
            ),
        ]
    return html.Div(
        html.Div(
            [
                html.H3(
                    dcc.Link(indicator.title, href=urls.indicator(indicator.id)),
                    className="h6 card-title",
                ),
                *body,
            ],
            className="card-body",
        ),
        className="card key-figure h-100",
    )


def key_figure_grid(cards: list[KeyFigureCard], urls: Urls) -> html.Ul:
    """Return the key figure cards of a family, in a responsive grid: a list (RGAA 9.3, a
    series of like cards)."""
    return html.Ul(
        [
            html.Li(key_figure_card(card, urls), className="col-12 col-sm-6 col-lg-4 mb-3")
            for card in cards
        ],
        className="row list-unstyled",
    )
