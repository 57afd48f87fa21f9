"""The home page: what the Baromètre is, then each family's key figures and one chart."""

from __future__ import annotations

import datetime as dt

from dash import dcc, html

from barometre.data.services import Services
from barometre.publish.validation import DEFAULT_DISPLAY, Display
from barometre.urls import Urls
from barometre.web import views
from barometre.web.layouts.common import (
    SITE_NAME,
    Page,
    busy_note,
    chart_block,
    display_options,
    key_figure_grid,
)


def page(services: Services, today: dt.date, display: Display = DEFAULT_DISPLAY) -> Page:
    """Return the home page, its family charts shown as ``display``."""
    urls = Urls(services.settings.url_prefix)
    sections = []
    for family in services.catalogue.families:
        chart = views.family_chart(services, family.id)
        if chart:
            (chart,) = views.with_display([chart], display)
        heading_id = f"famille-{family.id}"
        sections.append(
            html.Section(
                [
                    html.H2(dcc.Link(family.title, href=urls.family(family.id)), id=heading_id),
                    html.P(family.description),
                    key_figure_grid(views.key_figures(services, family.id, today), urls),
                    chart_block(chart, heading="h3") if chart else None,
                ],
                className="family-section mb-5",
                **{"aria-labelledby": heading_id},
            )
        )
    intro = html.Div(
        [
            html.H1(SITE_NAME),
            html.P(
                "Le Baromètre numérique présente les chiffres clés des services numériques de la "
                "Gendarmerie nationale\u00a0: la Brigade numérique, les plateformes de signalement "
                "en ligne, le site de recrutement et l'information du public. Les données sont "
                "statistiques, régulièrement actualisées et réutilisables librement.",
                className="lead",
            ),
            html.P(
                "Les chiffres clés comparent le dernier mois complet au même mois de l'année "
                "précédente.",
            ),
            display_options(display),
        ],
        className="mb-4",
    )
    # data-busy-region: the display options redraw every family's chart (see indicator.py).
    return Page(
        title=SITE_NAME,
        content=[intro, busy_note(), html.Div(sections, **{"data-busy-region": "true"})],
    )
