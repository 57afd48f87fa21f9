"""The pages the RGAA requires: « Déclaration d'accessibilité » and « Plan du site »."""

from __future__ import annotations

import datetime as dt

from dash import dcc, html

from barometre.charts.french import NBSP, NNBSP, format_date, format_number
from barometre.data.services import Services
from barometre.urls import Urls
from barometre.web.layouts import data, journal, sources
from barometre.web.layouts.common import (
    ACCESSIBILITY_PATH,
    SITE_NAME,
    SITEMAP_PATH,
    Page,
    audit,
)

# What the tests replayed with every version check besides the criteria (test_accessibility.py).
AUDIT_RESULTS = (
    "axe-core 4.14 (règles WCAG 2.0 et 2.1 niveaux A et AA, bonnes pratiques)\u00a0: aucune "
    "erreur sur les pages vérifiées (ci-dessous), en thème clair, et pour l'accueil, une page "
    "d'indicateur et le plan du site à 320, 768 et 1\u202f280 pixels de large dans les deux "
    "thèmes, tableaux de données ouverts, listes déroulantes et thème utilisés.",
    "Lighthouse 12.2.3, catégorie accessibilité\u00a0: 100 sur 100 sur la page d'accueil et sur "
    "une page d'indicateur.",
    "Parcours au clavier (Tab et Maj+Tab) de chaque page vérifiée, dans les deux thèmes\u00a0: "
    "tous les éléments interactifs sont atteints dans l'ordre de la page, ont un nom accessible "
    "et un indicateur de focus visible, sans piège\u00a0; le texte de chaque sorte de commande "
    "garde un contraste d'au moins 4,5:1 au focus comme au survol.",
    "Chaque graphique a un résumé textuel et un tableau de données dont les valeurs sont "
    "vérifiées égales à celles du graphique.",
    "Chaque sorte de graphique (évolution, même période un an avant, département avec des "
    "périodes masquées, barres des heures et des motifs, intégrations) est parcourue point par "
    "point au clavier et avec le bouton « Point précédent », avant et après le chargement des "
    "graphiques interactifs, à 320 et 1\u202f280 pixels de large dans les deux thèmes\u00a0: "
    "chaque point annoncé commence par sa ligne du tableau de données.",
)
# How a chart is explored (assets/explore.js): the keys, as the reader presses them.
CHART_KEYS = (
    ("Tab", "atteindre le graphique (un seul arrêt par graphique), puis le quitter"),
    ("Flèche droite, flèche gauche", "point suivant, point précédent"),
    ("Flèche bas, flèche haut", "autre série au même moment (la même période un an avant)"),
    ("Début, Fin", "premier point, dernier point"),
    ("Page suivante, Page précédente", "un an plus loin ou plus tôt (dix points ailleurs)"),
    ("Espace", "écouter le point\u00a0: plus la valeur est haute, plus le son est aigu"),
    ("Échap", "quitter le graphique (le focus passe au bouton « Point précédent »)"),
)
NOT_ACCESSIBLE = (
    "Le déplacement dans un graphique agrandi ne se fait qu'au pointeur (le zoom a ses boutons, "
    "atteints au clavier). Alternative\u00a0: "
    "chaque graphique se parcourt point par point au clavier et avec un lecteur d'écran (voir "
    "« Parcourir un graphique » ci-dessous), a un résumé textuel et toutes ses données dans un "
    "tableau (« Voir les données »), et ses données sont téléchargeables.",
    "Le graphique des départements ne montre que les 15 premiers. Alternative\u00a0: le "
    "tableau « Voir les données » liste tous les départements.",
)
# The tools of the audit, as the RGAA's model of declaration lists them.
TOOLS = (
    "axe-core 4.14 (règles WCAG 2.0 et 2.1, niveaux A et AA)",
    "Lighthouse 12.2.3 (catégorie accessibilité)",
    "Nu Html Checker 26.9.27, le validateur du W3C (validité du code)",
    "Playwright pilotant Chromium, et ses instantanés de l'arbre d'accessibilité",
    "les tests du projet, un par critère qu'une machine peut décider (grille d'audit)",
)


def _counted(counts: dict) -> str:
    """« 24 conformes, 0 non conforme, 8 non applicables »: French singular below two."""
    return ", ".join(
        f"{counts[verdict]} {verdict}{'s' if counts[verdict] >= 2 else ''}"
        for verdict in ("conforme", "non conforme", "non applicable")
    )


def state_paragraphs(results: dict) -> list:
    """« État de conformité » and « Résultats des tests »: the RGAA's state, and its grounds."""
    counts = results["decomptes"]
    if results["taux"] is None:
        why = (
            f"{NBSP}: l'audit de ses {results['criteres']} critères est en cours, et le RGAA "
            "impose cet état tant qu'aucun audit complet ne mesure chacun d'eux."
        )
        evaluated = results["criteres"] - counts["non évalué"]
        left = (
            f"{counts['non évalué']} restent à évaluer."
            if counts["non évalué"]
            else f"reste à vérifier{NBSP}: {results['reste']}"
        )
        measure = (
            f"L'audit interne en cours, mené par l'équipe du {SITE_NAME}, a évalué {evaluated} "
            f"des {results['criteres']} critères du RGAA 4.1{NBSP}: {_counted(counts)}{NBSP}; "
            f"{left} Le taux de conformité sera calculé quand l'audit sera complet."
        )
    else:
        why = (
            ", en raison des non-conformités énumérées ci-dessous."
            if results["non_conformes"]
            else "."
        )
        measure = (
            f"L'audit interne mené par l'équipe du {SITE_NAME} révèle que "
            f"{format_number(results['taux'], 1).removesuffix(',0')}{NNBSP}% des critères "
            f"applicables du RGAA 4.1 sont respectés (critères{NBSP}: {_counted(counts)})."
        )
    return [
        html.H2("État de conformité"),
        html.P(
            [
                f"Le {SITE_NAME} est ",
                html.Strong(results["etat"]),
                " avec le référentiel général d'amélioration de l'accessibilité (RGAA), "
                f"version 4.1{why}",
            ]
        ),
        html.H2("Résultats des tests"),
        html.P(measure),
    ]


def unmet(results: dict) -> list:
    """« Contenus non accessibles »: the non-conformities found, derogations, exemptions."""
    failures = [
        html.Li(f"Critère {row['critere']} ({row['intitule']}){NBSP}: {row['constat']}")
        for row in results["non_conformes"]
    ]
    # While some criteria are left to evaluate, « none » holds for those evaluated only.
    none_found = "Aucune parmi les critères évalués à ce jour." if results["reste"] else "Aucune."
    return [
        html.H2("Contenus non accessibles"),
        html.H3("Non-conformités"),
        html.Ul(failures) if failures else html.P(none_found),
        html.H3("Limites et alternatives"),
        html.Ul([html.Li(item) for item in NOT_ACCESSIBLE]),
        html.H3("Dérogations pour charge disproportionnée"),
        html.P("Aucune."),
        html.H3("Contenus non soumis à l'obligation d'accessibilité"),
        html.P("Aucun."),
    ]


def declaration(services: Services) -> Page:
    """Return the « Déclaration d'accessibilité » page (model of the RGAA 4.1)."""
    urls = Urls(services.settings.url_prefix)
    results = audit()
    content = [
        html.H1("Déclaration d'accessibilité"),
        html.P(
            "La Gendarmerie nationale s'engage à rendre ses sites internet accessibles "
            "conformément à l'article 47 de la loi n° 2005-102 du 11 février 2005. Cette "
            f"déclaration s'applique au {SITE_NAME}."
        ),
        *state_paragraphs(results),
        html.P("Tests automatisés, rejoués à chaque version du site\u00a0:"),
        html.Ul([html.Li(item) for item in AUDIT_RESULTS]),
        *unmet(results),
        html.H2("Parcourir un graphique"),
        html.P(
            "Chaque graphique se parcourt point par point. Le point est montré sur le graphique "
            "avec une infobulle et annoncé aux lecteurs d'écran avec les mots de sa ligne du "
            "tableau de données, par exemple « avril 2020\u00a0: 55\u202f936 demandes, maximum "
            "de la période »\u00a0; un point masqué par le secret statistique est annoncé « non "
            "diffusé ». Au clavier\u00a0:"
        ),
        html.Table(
            [
                html.Caption("Touches d'un graphique"),
                html.Thead(
                    html.Tr([html.Th("Touche", scope="col"), html.Th("Effet", scope="col")])
                ),
                html.Tbody(
                    [
                        html.Tr([html.Th(key, scope="row"), html.Td(effect)])
                        for key, effect in CHART_KEYS
                    ]
                ),
            ],
            className="table table-sm",
        ),
        html.P(
            "Avec un lecteur d'écran en mode navigation, qui garde les flèches pour lui, les "
            "boutons « Point précédent » et « Point suivant » sous chaque graphique font de "
            "même. Le bouton « Écouter » fait entendre la forme de la série en quelques "
            "secondes\u00a0: un son par point, plus aigu quand la valeur est plus haute, un "
            "silence pour un point masqué, un clic à chaque événement\u00a0; il ne joue jamais "
            "de lui-même. Au pointeur ou au toucher, une infobulle donne le point le plus "
            "proche\u00a0; Échap la ferme."
        ),
        html.H2("Établissement de cette déclaration"),
        html.P(
            "Cette déclaration a été établie le "
            f"{format_date(dt.date.fromisoformat(results['date']))}."
        ),
        html.H3("Technologies utilisées pour la réalisation du site"),
        html.P("HTML5, CSS, JavaScript, SVG (Dash, Bootstrap, Plotly)."),
        html.H3("Environnement de test"),
        html.P(
            "Chromium (Debian) piloté par Playwright\u00a0; largeurs de 320, 768 et "
            "1\u202f280 pixels, téléphone tenu droit et couché\u00a0; thèmes clair et "
            "sombre\u00a0; clavier seul. Aucun lecteur d'écran ne fonctionne sur la machine de "
            "test\u00a0: ce qu'il aurait annoncé a été lu dans l'arbre d'accessibilité que "
            "Chromium lui donne, ce que la grille d'audit indique pour chaque critère concerné."
        ),
        html.H3("Outils pour évaluer l'accessibilité"),
        html.Ul([html.Li(tool) for tool in TOOLS]),
        html.H3("Pages du site ayant fait l'objet de la vérification de conformité"),
        html.Ul(
            [
                html.Li([f"{name}{NBSP}: ", html.Code(address)])
                if address.startswith("/")
                else html.Li(f"{name}{NBSP}: {address}")
                for name, address in results["echantillon"].items()
            ]
        ),
        html.P(
            [
                "Tout le site se parcourt depuis le ",
                dcc.Link("plan du site", href=urls.path(SITEMAP_PATH)),
                ".",
            ]
        ),
        html.H2("Retour d'information et contact"),
        html.P(
            "Si vous n'arrivez pas à accéder à un contenu ou à un service, contactez-nous pour "
            "être orienté vers une alternative accessible ou obtenir le contenu sous une autre "
            "forme\u00a0: écrivez à la Brigade numérique de la Gendarmerie nationale, en précisant "
            "la page concernée et la difficulté rencontrée."
        ),
        html.H2("Voies de recours"),
        html.P(
            "Si vous constatez un défaut d'accessibilité vous empêchant d'accéder à un contenu ou "
            "à une fonctionnalité du site, que vous nous le signalez et que vous ne parvenez pas "
            "à obtenir une réponse de notre part, vous êtes en droit de faire parvenir vos "
            "doléances ou une demande de saisine au Défenseur des droits\u00a0:"
        ),
        html.Ul(
            [
                html.Li(
                    "écrire un message au Défenseur des droits (formulaire sur son site "
                    "internet, defenseurdesdroits.fr)\u00a0;"
                ),
                html.Li("contacter le délégué du Défenseur des droits dans votre région\u00a0;"),
                html.Li(
                    "envoyer un courrier par la poste (gratuit, ne pas mettre de timbre)\u00a0: "
                    "Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07."
                ),
            ]
        ),
    ]
    return Page(title=f"Déclaration d'accessibilité — {SITE_NAME}", content=content)


def sitemap(services: Services) -> Page:
    """Return the « Plan du site » page: every page, generated from the catalogue."""
    urls = Urls(services.settings.url_prefix)
    catalogue = services.catalogue
    families = [
        html.Li(
            [
                dcc.Link(family.title, href=urls.family(family.id)),
                html.Ul(
                    [
                        html.Li(dcc.Link(indicator.title, href=urls.indicator(indicator.id)))
                        for indicator in catalogue.of_family(family.id)
                    ]
                ),
            ]
        )
        for family in catalogue.families
    ]
    content = [
        html.H1("Plan du site"),
        html.Ul(
            [
                html.Li(dcc.Link("Accueil", href=urls.path("/"))),
                html.Li(
                    [
                        dcc.Link("Tous les indicateurs", href=urls.path("/indicateurs")),
                        html.Ul(families),
                    ]
                ),
                html.Li(dcc.Link("À propos des données", href=urls.path(sources.PATH))),
                html.Li(dcc.Link("Journal des mises à jour", href=urls.path(journal.PATH))),
                html.Li(dcc.Link("Données et téléchargements", href=urls.path(data.DATA_PATH))),
                html.Li(dcc.Link("API", href=urls.path(data.API_PATH))),
                html.Li(
                    dcc.Link("Déclaration d'accessibilité", href=urls.path(ACCESSIBILITY_PATH))
                ),
                html.Li(dcc.Link("Plan du site", href=urls.path(SITEMAP_PATH))),
            ],
            className="sitemap",
        ),
    ]
    return Page(title=f"Plan du site — {SITE_NAME}", content=content)
