"""The département map block of an indicator page: map, legend, summary and ranking table.

The SVG is built on the server (``maps.svg``) and travels as a data attribute: Dash has no SVG
components, so assets/carte.js draws it into the block, keeps the chosen shape focused after an
update and turns a click (or Enter) on a shape into a choice of the « Département » select.
"""

from __future__ import annotations

from dash import html

from barometre.web import ids
from barometre.web.layouts.common import DRAWING, caption, data_table, figure_role
from barometre.web.views import MapChart

HELP = "Survolez un département ou parcourez-les avec la touche Tab pour lire sa valeur."


def map_block(chart: MapChart) -> html.Section:
    """Return the map with its alternatives: summary, legend, attribution and ranking table."""
    title_id = f"{chart.id}-titre"
    table_id = f"{chart.id}-classement"
    return html.Section(
        [
            html.H2(chart.title, id=title_id),
            html.A(
                "Passer la carte et aller au classement",
                href=f"#{table_id}",
                className="visually-hidden-focusable",
            ),
            html.Figure(
                [
                    html.Div(
                        id=ids.MAP,
                        className="carte",
                        **{DRAWING: chart.svg},
                    ),
                    html.P(HELP, className="carte-info small", **{"aria-hidden": "true"}),
                    html.Ul(
                        [
                            html.Li(
                                [html.Span(className=f"carte-pastille {kind}"), label],
                                className="carte-legende-classe",
                            )
                            for kind, label in chart.legend
                        ],
                        className="carte-legende list-unstyled small",
                        **{"aria-label": "Légende de la carte"},
                    ),
                    caption(chart, html.P(chart.attribution, className="carte-attribution small")),
                ],
                className="chart-figure mb-2",
                **figure_role(chart, chart.attribution),
            ),
            html.Div(data_table(chart), id=table_id),
        ],
        className="chart-block carte-bloc",
        **{"aria-labelledby": title_id},
    )
