"""« Journal des mises à jour »: the most recent publications, or one year's, newest first."""

from __future__ import annotations

from dash import dcc, html

from barometre.charts.french import NBSP
from barometre.data.services import Services
from barometre.urls import Urls
from barometre.web.journal import (
    ATOM_PATH,
    JSON_PATH,
    PATH,
    RECENT,
    Entry,
    JournalPage,
    entry_path,
    page_model,
    year_path,
)
from barometre.web.layouts.common import SITE_NAME, Page

INTRO = (
    "Chaque publication des chiffres du Baromètre, la plus récente en premier\u00a0: sa date, "
    "son motif et, pour chaque indicateur, ce qu'elle a ajouté, corrigé ou retiré. Une "
    "correction n'est jamais silencieuse\u00a0: elle est signalée ici, et la page de "
    "l'indicateur montre, dans «\u00a0Révisions\u00a0», ses valeurs mensuelles telles que "
    "publiées d'abord et telles qu'elles sont aujourd'hui."
)


def page(services: Services, year: int | None = None) -> Page:
    """Return the journal's page: its ``RECENT`` latest publications, or those of ``year``
    (``views.NoSuchPage`` for a year without any)."""
    model = page_model(services, year)
    urls = Urls(services.settings.url_prefix)
    content = [
        html.H1(model.heading),
        html.P(INTRO, className="lead"),
        feeds(urls),
        years_navigation(model, urls),
    ]
    if not model.entries:
        content.append(html.P("Aucune publication pour l'instant."))
    for year_shown, shown in model.groups:
        content.append(html.H2(f"Publications de {year_shown}", className="journal-year"))
        content += [entry_block(entry, urls) for entry in shown]
    return Page(title=f"{model.heading} — {SITE_NAME}", content=content)


def feeds(urls: Urls) -> html.P:
    """Return the links to the journal's Atom feed and JSON (plain links: not Dash pages)."""
    return html.P(
        [
            "Le journal est aussi publié en ",
            html.A("flux Atom des publications récentes", href=urls.path(ATOM_PATH)),
            " et en ",
            html.A("JSON, toutes les publications", href=urls.path(JSON_PATH)),
            ".",
        ]
    )


def years_navigation(model: JournalPage, urls: Urls) -> html.Nav:
    """Return the links to the most recent publications and to each year's page."""
    choices = [(None, f"{RECENT} dernières publications", urls.path(PATH))]
    choices += [(year, str(year), urls.path(year_path(year))) for year in model.years]
    items = [
        html.Li(
            html.Span(text, **{"aria-current": "page"}, className="fw-bold")
            if year == model.year
            else dcc.Link(text, href=href),
            className="list-inline-item",
        )
        for year, text, href in choices
    ]
    return html.Nav(
        [
            html.Span(f"Pages du journal{NBSP}:", className="me-2"),
            html.Ul(items, className="list-inline d-inline mb-0"),
        ],
        className="journal-years mb-3",
        **{"aria-label": "Pages du journal"},
    )


def entry_block(entry: Entry, urls: Urls) -> html.Article:
    """Return one publication: heading, roll-back, motive, correction, counts per indicator."""
    parts: list = [html.H3(entry.heading, id=entry.anchor, className="h5")]
    if entry.restored and entry.restores_year is not None:
        target = urls.path(entry_path(entry.restores, entry.restores_year))
        parts.append(html.P(html.A(entry.restored, href=target), className="journal-retour"))
    if entry.taken_over:
        parts.append(html.P(entry.taken_over))
    if entry.motive_text:
        parts.append(html.P(entry.motive_text))
    if entry.correction:
        parts.append(html.P(html.Strong(entry.correction), className="journal-correction"))
    parts.append(html.P(entry.counts, className="mb-1"))
    if entry.changes:
        parts.append(
            html.Ul(
                [
                    html.Li(
                        [
                            dcc.Link(change.title, href=urls.indicator(change.indicator_id))
                            if change.listed
                            else change.title,
                            f"{NBSP}: {change.counts}",
                        ]
                    )
                    for change in entry.changes
                ],
                className="journal-changes small",
            )
        )
    return html.Article(parts, className="journal-entry mb-4")


# The fields of a publication in /journal.json (journal.json_document), as the API page says.
JSON_FIELDS = (
    ("numero", "Numéro de la publication (la plus récente en premier)."),
    ("date", "Date et heure de la publication, ISO 8601 en temps universel."),
    ("date_texte", "La même, en français, à l'heure de Paris."),
    ("titre, adresse", "Son titre, et son adresse dans le journal."),
    (
        "nature",
        "publication, retour (à l'état d'une publication antérieure) ou reprise (mise à jour "
        "antérieure au journal).",
    ),
    ("retour_a", "Pour un retour, le numéro de la publication dont l'état est rétabli."),
    ("motif", "Le motif donné à la publication."),
    ("correction", "La phrase qui signale des chiffres corrigés ou retirés, sinon null."),
    (
        "chiffres_ajoutes, chiffres_corriges, chiffres_retires, resume",
        "Combien de chiffres (valeurs d'un jour, nationales ou d'une ventilation) elle a "
        "ajoutés, corrigés et retirés, et la même chose en français.",
    ),
    (
        "indicateurs",
        "Pour chaque indicateur touché\u00a0: identifiant, titre et les mêmes décomptes.",
    ),
)


def api_section(urls: Urls) -> list:
    """Return what the API page says of the journal's JSON and Atom feed."""
    json_path, atom_path = urls.path(JSON_PATH), urls.path(ATOM_PATH)
    return [
        html.H2("Journal des mises à jour"),
        html.P(
            [
                html.Code(json_path),
                f" donne toutes les publications en JSON, sous «{NBSP}publications{NBSP}», et ",
                html.Code(atom_path),
                f" les {RECENT} plus récentes en flux Atom. Les champs d'une publication{NBSP}:",
            ]
        ),
        html.Dl(
            [
                item
                for name, text in JSON_FIELDS
                for item in (html.Dt(html.Code(name)), html.Dd(text))
            ]
        ),
    ]
