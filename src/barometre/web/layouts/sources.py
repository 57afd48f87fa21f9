"""« À propos des données »: every source with its last update, and the rules the figures follow
(statistical secrecy, no personal data, corrections)."""

from __future__ import annotations

import datetime as dt

from dash import dcc, html

from barometre.charts import french
from barometre.data import demo, geographies
from barometre.data.services import Services
from barometre.urls import Urls
from barometre.web import views
from barometre.web.layouts.common import JOURNAL_PATH, SITE_NAME, Page

PATH = "/a-propos-des-donnees"
TITLE = "À propos des données"
NBSP = "\u00a0"


def _date(value) -> str:
    if not isinstance(value, str) or not value:
        return "jamais"
    return french.format_date(dt.datetime.fromisoformat(value).date())


def sources(services: Services) -> list[dict]:
    """Return one dict per source: name, its indicators, last update and last day of data."""
    status = views.status(services).set_index("indicateur")
    grouped: dict[str, dict] = {}
    for indicator in services.catalogue.indicators:
        entry = grouped.setdefault(
            indicator.source,
            {"source": indicator.source, "indicators": [], "updated": "", "last": ""},
        )
        entry["indicators"].append(indicator)
        if indicator.id in status.index:
            row = status.loc[indicator.id]
            for key, column in (("updated", "derniere_mise_a_jour"), ("last", "derniere_date")):
                value = row[column]
                if isinstance(value, str) and value > entry[key]:
                    entry[key] = value
    return list(grouped.values())


# What each geography of the demo stands for, in the sentence that lists its indicators.
DEMO_SPLITS = (
    ("population", "Les services ouverts à tout résident, où qu'il habite, suivent la "),
    ("zone-gendarmerie", "Ce qui se compte dans la zone de la gendarmerie suit la "),
)


def _listed(links: list) -> list:
    """Return links separated by commas, as the children of a sentence."""
    return [part for k, link in enumerate(links) for part in ([", "] if k else []) + [link]]


def demo_geography(services: Services, urls: Urls) -> list:
    """Return the section saying how the demo data are split between départements."""
    places = demo.geography(services.catalogue)
    mapped = [i for i in services.catalogue.indicators if demo.DEPARTEMENTS in i.breakdowns]
    splits = []
    for place, lead in DEMO_SPLITS:
        links = [
            dcc.Link(i.title, href=urls.indicator(i.id)) for i in mapped if places[i.id] == place
        ]
        if links:
            splits.append(
                html.Li([f"{lead}{geographies.GEOGRAPHIES[place]}{NBSP}: ", *_listed(links), "."])
            )
    served = french.format_percent(geographies.gendarmerie_share())
    return [
        html.H2("Données de démonstration", id="donnees-de-demonstration"),
        html.P(
            f"Les chiffres affichés sont générés{NBSP}: leurs ordres de grandeur sont calés sur "
            "des chiffres publiés, mais ce ne sont pas des statistiques officielles. Leur "
            "répartition entre départements est approchée, selon deux géographies."
        ),
        html.Ul(splits),
        html.P(
            "La population de la zone gendarmerie est estimée, département par département, "
            "comme celle qui vit hors des villes et agglomérations où la police nationale assure "
            f"la sécurité publique{NBSP}: personne à Paris ni dans les Hauts-de-Seine, la "
            "Seine-Saint-Denis et le Val-de-Marne, l'essentiel de la population dans les "
            f"départements ruraux. Au total, la gendarmerie sert ainsi {served} de la "
            "population, l'ordre de grandeur publié (environ la moitié). Chaque part, arrondie "
            "à 5 points, peut s'écarter d'une dizaine de points de la réalité"
            f"{NBSP}: ce n'est pas une table officielle, que des données réelles remplaceraient."
        ),
    ]


def page(services: Services) -> Page:
    """Return the page listing sources, their freshness and the secrecy rule."""
    urls = Urls(services.settings.url_prefix)
    threshold = services.settings.secrecy_threshold
    rows = [
        html.Tr(
            [
                html.Th(entry["source"], scope="row"),
                html.Td(
                    html.Ul(
                        [
                            html.Li(dcc.Link(i.title, href=urls.indicator(i.id)))
                            for i in entry["indicators"]
                        ],
                        className="list-unstyled mb-0",
                    )
                ),
                html.Td(_date(entry["last"])),
                html.Td(_date(entry["updated"])),
            ]
        )
        for entry in sources(services)
    ]
    content = [
        html.H1(TITLE),
        html.P(
            "Les chiffres du Baromètre sont transmis par les services qui gèrent chaque "
            "plateforme, puis chargés après vérification. Ils sont agrégés par jour : aucune "
            "donnée personnelle n'est reçue ni publiée.",
            className="lead",
        ),
        html.H2("Sources et fraîcheur", id="sources"),
        html.Table(
            [
                html.Caption(
                    "Sources des indicateurs, dernier jour couvert et dernière mise à jour"
                ),
                html.Thead(
                    html.Tr(
                        [
                            html.Th("Source", scope="col"),
                            html.Th("Indicateurs", scope="col"),
                            html.Th("Dernier jour couvert", scope="col"),
                            html.Th("Dernière mise à jour", scope="col"),
                        ]
                    )
                ),
                html.Tbody(rows),
            ],
            className="table",
        ),
        html.H2("Secret statistique", id="secret-statistique"),
        html.P(
            "Les répartitions (par département, par type, par motif…) sont publiées par mois "
            "entier, une fois le mois terminé : jamais pour le mois en cours, jamais par jour ni "
            "par semaine. Une répartition sur une autre période est ramenée aux mois terminés "
            "qu'elle touche, et chaque chiffre est la somme de mois publiés : comparer deux "
            "périodes ou deux versions ne redonne jamais une valeur masquée. Les totaux "
            "nationaux restent exacts, à toute période."
        ),
        html.P(
            f"Dans chaque mois, un effectif compris entre 1 et {threshold - 1} n'est jamais "
            "affiché ni exporté. Le masquer seul ne suffirait pas : le total national moins les "
            "autres valeurs le redonnerait. On masque donc aussi, dans ce mois, la plus petite "
            f"valeur d'au moins {2 * threshold - 1} (secret secondaire), et tout le mois si "
            "aucune n'atteint ce nombre. Toutes les valeurs masquées sont écrites "
            f"«{NBSP}n.d.{NBSP}» (non diffusé), sans dire lesquelles sont petites. Un zéro "
            "reste affiché : il ne désigne personne."
        ),
        html.P(
            f"Exemple, avec un seuil de {threshold}{NBSP}: en mars, 4 pré-plaintes en Lozère, "
            f"{2 * threshold + 1} dans le Cantal, {116 - 2 * threshold} en Corrèze, 120 en "
            "tout. La Lozère "
            f"est masquée, et le Cantal aussi ({2 * threshold + 1} est la plus petite valeur "
            f"d'au moins {2 * threshold - 1}){NBSP}: on lit «{NBSP}Lozère n.d., Cantal n.d., "
            f"Corrèze {116 - 2 * threshold}{NBSP}», et une ligne «{NBSP}Non diffusé{NBSP}» de "
            f"{4 + 2 * threshold + 1}. Même en connaissant la règle, on ne sait pas lequel "
            f"des deux a 4 et lequel a {2 * threshold + 1}{NBSP}: les deux restent possibles. "
            "Sur le trimestre, le Cantal et la Lozère restent non diffusés, puisque leur mois "
            "de mars l'est."
        ),
        html.P(
            "Un mois corrigé plus tard est republié sous la même règle, et une valeur masquée "
            "dans une version reste masquée dans les suivantes. Les abonnés à une date et les "
            "moyennes ne sont pas des effectifs de personnes additionnés jour après jour : ils "
            "sont publiés sur toute période. Les montants en euros d'un département sont "
            "masqués quand le nombre de signalements correspondant l'est. La règle est "
            "vérifiée à chaque version du site par un programme qui cherche à retrouver les "
            "valeurs masquées (secret secondaire compris) à partir de tout ce qui est publié."
        ),
        *(demo_geography(services, urls) if views.shows_demo_data(services) else []),
        html.H2("Données personnelles", id="donnees-personnelles"),
        html.P(
            "Seuls des effectifs et des mesures agrégés sont acceptés. Un fichier qui contient "
            "des noms, adresses électroniques ou postales, numéros de téléphone, IBAN, plaques "
            "d'immatriculation, numéros de dossier ou du texte libre est refusé en entier avant "
            "tout enregistrement."
        ),
        html.H2("Corrections", id="corrections"),
        html.P(
            [
                f"Un chiffre peut être corrigé par une publication ultérieure{NBSP}: la nouvelle "
                "valeur remplace l'ancienne, qui reste conservée. Chaque publication, son motif "
                "et ce qu'elle a ajouté, corrigé ou retiré sont décrits dans le ",
                dcc.Link("journal des mises à jour", href=urls.path(JOURNAL_PATH)),
                f"{NBSP}; la page d'un indicateur montre, dans «\u00a0Révisions\u00a0», ses "
                "valeurs nationales mensuelles telles que publiées d'abord et telles qu'elles "
                "sont aujourd'hui.",
            ]
        ),
    ]
    return Page(title=f"{TITLE} — {SITE_NAME}", content=content)
