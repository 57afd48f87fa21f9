"""Pages « Données » (every indicator, its metadata and downloads) and « API » (how to script)."""

from __future__ import annotations

import flask
from dash import dcc, html

from barometre.charts import french
from barometre.data.services import Services
from barometre.publish import export
from barometre.urls import Urls
from barometre.web import views
from barometre.web.layouts import journal
from barometre.web.layouts.common import SITE_NAME, Page, licence_name

DATA_PATH = "/donnees"
API_PATH = "/api"
NBSP = "\u00a0"


def _coverage(bounds) -> str:
    if not bounds:
        return "aucune donnée"
    return f"du {french.format_date(bounds[0])} au {french.format_date(bounds[1])}"


def licence_link() -> html.A:
    """A link to the licence, named by its official name."""
    return html.A(licence_name(), href=export.LICENCE["path"])


def data_page(services: Services) -> Page:
    """Return the « Données » page: metadata of every indicator, links, bulk download."""
    urls = Urls(services.settings.url_prefix)
    api = urls.path("/api/v1")
    threshold = services.settings.secrecy_threshold
    licence = licence_link()
    entries = []
    for indicator in services.catalogue.indicators:
        bounds = views.coverage(services, indicator.id)
        heading_id = f"donnees-{indicator.id}"
        breakdowns = ", ".join(
            services.catalogue.breakdowns[d].title.lower() for d in indicator.breakdowns
        )
        facts = [
            ("Unité", indicator.unit),
            ("Source", indicator.source),
            ("Fréquence de mise à jour", indicator.frequency),
            ("Période couverte", _coverage(bounds)),
            ("Ventilations", breakdowns or "aucune"),
            ("Licence", licence),
        ]
        base = f"{api}/indicateurs/{indicator.id}"
        monthly, q, title = f"{base}/observations", "?granularite=mois", indicator.title
        entries.append(
            html.Section(
                [
                    html.H3(indicator.title, id=heading_id),
                    html.P(indicator.description),
                    html.Dl(
                        [item for term, value in facts for item in (html.Dt(term), html.Dd(value))],
                        className="facts",
                    ),
                    html.Ul(
                        [
                            html.Li(
                                dcc.Link("Page de l'indicateur", href=urls.indicator(indicator.id))
                            ),
                            *(
                                html.Li(html.A(text, href=href, **{"aria-label": f"{t}, {text}"}))
                                for t, text, href in (
                                    (title, "valeurs mensuelles (CSV)", f"{monthly}.csv{q}"),
                                    (title, "valeurs mensuelles (JSON)", f"{monthly}{q}"),
                                    (title, "métadonnées (JSON)", base),
                                )
                            ),
                        ],
                        className="list-inline-links",
                    ),
                ],
                className="data-entry mb-4",
                **{"aria-labelledby": heading_id},
            )
        )
    content = [
        html.H1("Données"),
        html.P(
            [
                "Toutes les données du Baromètre sont publiques, sous ",
                licence,
                f"{NBSP}: vous pouvez les réutiliser librement, y compris commercialement, en "
                "citant la source (« Gendarmerie nationale — Baromètre numérique ») et la date de "
                "mise à jour.",
            ]
        ),
        html.H2("Tout télécharger", id="tout-telecharger"),
        html.P(
            [
                "Le paquet de données complet au format ",
                html.A("Frictionless Data Package", href="https://datapackage.org/", lang="en"),
                f"{NBSP}: un fichier datapackage.json qui décrit chaque colonne, et un fichier "
                "CSV par série (séries nationales quotidiennes, ventilations par mois clos). Les "
                f"effectifs inférieurs à {threshold}, et ceux qui permettraient de les "
                "retrouver, sont masqués au titre du secret statistique et écrits « n.d. » "
                "(non diffusé).",
            ]
        ),
        html.P(
            html.A(
                "Télécharger le paquet de données (zip)",
                href=f"{api}/paquet.zip",
                download="barometre-donnees.zip",
                className="btn btn-primary",
            )
        ),
        html.P(
            [
                "Pour les portails de données ouvertes, un catalogue DCAT (JSON-LD)\u202f: ",
                html.A(f"{api}/catalogue.jsonld", href=f"{api}/catalogue.jsonld"),
                ". Pour les programmes, voir ",
                dcc.Link("la documentation de l'API", href=urls.path(API_PATH)),
                ".",
            ]
        ),
        html.H2("Les indicateurs", id="indicateurs"),
        *entries,
    ]
    return Page(title=f"Données — {SITE_NAME}", content=content)


def _header(name: str) -> html.Code:
    """An HTTP header's name, as code and in English (RGAA 8.7)."""
    return html.Code(name, lang="en")


def _example(title: str, command: str, explanation: str | list) -> html.Div:
    return html.Div(
        [
            html.H3(title),
            html.P(explanation),
            # Focusable to scroll it by keyboard, so a region named for a screen reader's stop.
            html.Pre(
                html.Code(command),
                className="code-example",
                tabIndex=0,
                role="region",
                **{"aria-label": f"Exemple\u00a0: {title}"},
            ),
        ]
    )


def api_page(services: Services) -> Page:
    """Return the human documentation of the API, in French, with curl examples."""
    # The examples show this site's own address, so that they can be pasted as they are.
    host = flask.request.host_url if flask.has_request_context() else "https://exemple.gouv.fr/"
    urls = Urls(services.settings.url_prefix)
    api = urls.path("/api/v1")
    base = host.rstrip("/") + api
    example = services.catalogue.indicators[0]
    breakdown = example.breakdowns[0] if example.breakdowns else ""
    parameters = [
        ("debut", "Premier jour de la période, AAAA-MM-JJ (défaut : début des données)."),
        ("fin", "Dernier jour de la période, AAAA-MM-JJ (défaut : dernières données)."),
        ("granularite", "jour, semaine, mois (défaut) ou annee."),
        (
            "ventilation",
            "Ventiler par membre : " + ", ".join(sorted(services.catalogue.breakdowns)) + ".",
        ),
        (
            "departement",
            "Code d'un département (33, 2A, 971…)\u00a0: ses seules valeurs\u00a0; indicateurs "
            "ventilés par département seulement.",
        ),
        ("page", "Numéro de page, à partir de 1."),
        ("par_page", "Lignes par page, de 1 à 5000 (défaut : 5000)."),
    ]
    content = [
        html.H1("API des données"),
        html.P(
            "Une API publique, sans inscription ni clé, permet de lire toutes les données du "
            "Baromètre depuis un programme. Les réponses sont en JSON, ou en CSV avec le suffixe "
            "« .csv » ou l'en-tête « Accept: text/csv ». Les noms de champs sont en français."
        ),
        html.P(
            [
                "Description formelle (OpenAPI 3.1)\u202f: ",
                html.A(f"{api}/openapi.json", href=f"{api}/openapi.json"),
                ". Données sous ",
                licence_link(),
                ".",
            ]
        ),
        html.H2("Adresses"),
        html.Ul(
            [
                html.Li([html.Code(f"{api}/indicateurs"), " — le catalogue des indicateurs."]),
                html.Li(
                    [
                        html.Code(f"{api}/indicateurs/<identifiant>"),
                        " — les métadonnées d'un indicateur.",
                    ]
                ),
                html.Li(
                    [
                        html.Code(f"{api}/indicateurs/<identifiant>/observations"),
                        " — ses valeurs par période (et par membre d'une ventilation).",
                    ]
                ),
                html.Li(
                    [
                        html.Code(f"{api}/indicateurs/<identifiant>/ventilations/<ventilation>"),
                        " — sa répartition sur une période (graphiques de répartition).",
                    ]
                ),
                html.Li([html.Code(f"{api}/catalogue.jsonld"), " — le catalogue DCAT."]),
                html.Li([html.Code(f"{api}/paquet.zip"), " — le paquet de données complet."]),
            ]
        ),
        html.H2("Paramètres des observations"),
        html.Dl(
            [
                item
                for name, text in parameters
                for item in (html.Dt(html.Code(name)), html.Dd(text))
            ]
        ),
        html.H2("Exemples"),
        _example(
            "Le catalogue",
            f"curl '{base}/indicateurs'",
            "La liste des indicateurs, avec les liens vers leurs données.",
        ),
        _example(
            "Valeurs mensuelles d'une année, en CSV",
            f"curl '{base}/indicateurs/{example.id}/observations.csv"
            "?debut=2025-01-01&fin=2025-12-31&granularite=mois'",
            "Une ligne par mois : date (premier jour du mois), valeur, jours (avec une donnée).",
        ),
        _example(
            "Valeurs hebdomadaires par membre, en JSON",
            f"curl -H 'Accept: application/json' '{base}/indicateurs/{example.id}/observations"
            f"?granularite=semaine&ventilation={breakdown}'",
            "Une ligne par semaine et par membre (membre, libelle, valeur, jours, masque).",
        ),
        _example(
            "Ne télécharger que si les données ont changé",
            f"curl -H 'If-None-Match: \"<ETag reçu>\"' -i '{base}/indicateurs'",
            [
                "Chaque réponse porte un en-tête ",
                _header("ETag"),
                " et une date ",
                _header("Last-Modified"),
                " : la réponse 304 (non modifié) évite de retélécharger des données inchangées.",
            ],
        ),
        html.H2("Règles"),
        html.Ul(
            [
                html.Li(
                    "Un paramètre mal formé (vide, date invalide, valeur hors de la liste) donne "
                    "une erreur 400 en JSON, CSV demandé ou non, avec un message en français et "
                    'le nom du paramètre\u00a0: {"erreur": "…", "parametre": "debut"}.'
                ),
                html.Li(
                    "Ce qui n'existe pas donne une erreur 404, dans la même forme\u00a0: un "
                    "indicateur inconnu, une ventilation, un département ou une granularité que "
                    "l'indicateur n'a pas, une page au-delà de la dernière."
                ),
                html.Li(
                    "Une période sans données (hors de la couverture de l'indicateur, ou dont la "
                    "fin précède le début) n'est pas une erreur\u00a0: la réponse est vide."
                ),
                html.Li(
                    [
                        "Si les données ne peuvent pas être lues, la réponse est 503, avec "
                        "l'en-tête ",
                        _header("Retry-After"),
                        " (le délai en secondes avant de réessayer).",
                    ]
                ),
                html.Li(
                    [
                        "Au plus 5000 lignes par réponse : au-delà, la réponse est découpée en "
                        "pages ; l'en-tête ",
                        _header("Link"),
                        ' (rel="next") et le champ « liens.suivant » mènent à la suivante.',
                    ]
                ),
                html.Li(
                    "Secret statistique : les ventilations sont publiées par mois clos (une "
                    "ventilation par jour ou par semaine est refusée, code 400) ; les effectifs "
                    f"inférieurs à {services.settings.secrecy_threshold}, et ceux qui "
                    "permettraient de les retrouver, sont masqués — « valeur »: null et "
                    "« masque »: true en JSON, « n.d. » (non diffusé) en CSV."
                ),
                html.Li(
                    "L'API est ouverte aux autres sites (CORS, méthode GET) ; elle ne dépose aucun "
                    "cookie. Les réponses peuvent être gardées en cache 5 minutes."
                ),
                html.Li(
                    "Les CSV sont en UTF-8, séparés par des virgules, avec une ligne d'en-tête, "
                    "des dates ISO (AAAA-MM-JJ) et un point décimal."
                ),
            ]
        ),
        *journal.api_section(urls),
    ]
    return Page(title=f"API des données — {SITE_NAME}", content=content)
