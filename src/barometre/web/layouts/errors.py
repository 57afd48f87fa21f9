"""Pages shown when a page does not exist or the service cannot answer."""

from __future__ import annotations

from dash import dcc, html

from barometre.urls import Urls
from barometre.web.layouts.common import SITE_NAME, Page


def not_found(urls: Urls) -> Page:
    """Return the French « page introuvable » page."""
    return Page(
        title=f"Page introuvable — {SITE_NAME}",
        content=[
            html.H1("Page introuvable"),
            html.P("L'adresse demandée ne correspond à aucune page du Baromètre numérique."),
            html.P(
                [
                    dcc.Link("Revenir à l'accueil", href=urls.path("/")),
                    " ou consulter ",
                    dcc.Link("la liste des indicateurs", href=urls.path("/indicateurs")),
                    ".",
                ]
            ),
        ],
    )


def unavailable() -> Page:
    """Return the page shown while the store cannot be read."""
    return Page(
        title=f"Service momentanément indisponible — {SITE_NAME}",
        content=[
            html.H1("Service momentanément indisponible"),
            html.P(
                "Les données ne peuvent pas être lues pour le moment. "
                "Réessayez dans quelques minutes."
            ),
        ],
    )
