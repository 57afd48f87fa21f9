"""The embed builder of an indicator page: a dialog « Intégrer ce graphique ».

A native ``<dialog>`` opened with ``showModal()``: the browser traps focus inside it, closes it on
Escape and gives focus back to the button that opened it. The controls are native and labelled;
the preview is an iframe of the embed itself and the snippet sits in a read-only textarea.
"""

from __future__ import annotations

import datetime as dt

from dash import dcc, html

from barometre.data.catalogue import GRANULARITY_LABELS, Catalogue, Indicator
from barometre.web import embed, ids
from barometre.web.layouts import controls as native

TITLE_ID = "integrer-titre"
THEME_LABELS = {"clair": "Clair", "sombre": "Sombre", "auto": "Selon le réglage de l'appareil"}


def builder(catalogue: Catalogue, indicator: Indicator, bounds: tuple[dt.date, dt.date]) -> list:
    """Return the « Intégrer ce graphique » button and its dialog."""
    first, last = (d.isoformat() for d in bounds)
    breakdowns = [{"label": "Aucune\u00a0: évolution dans le temps", "value": ""}] + [
        {"label": catalogue.breakdowns[b].title, "value": b} for b in indicator.breakdowns
    ]
    default = "mois" if "mois" in indicator.granularities else indicator.granularities[0]
    fields = [
        _field(
            "Début de la période (vide\u00a0: depuis le début)", _date(ids.EMBED_START, first, last)
        ),
        _field(
            "Fin de la période (vide\u00a0: jusqu'aux dernières données)",
            _date(ids.EMBED_END, first, last),
        ),
        _field(
            "Regrouper par",
            _select(
                ids.EMBED_GRANULARITY,
                [{"label": GRANULARITY_LABELS[g], "value": g} for g in indicator.granularities],
                default,
            ),
        ),
        _field("Ventilation", _select(ids.EMBED_BREAKDOWN, breakdowns, "")),
        _field(
            "Thème",
            _select(
                ids.EMBED_THEME,
                [{"label": v, "value": k} for k, v in THEME_LABELS.items()],
                "clair",
            ),
        ),
        _field(
            f"Hauteur minimale en pixels ({embed.HEIGHT_MIN} à {embed.HEIGHT_MAX})",
            native.Input(
                id=ids.EMBED_HEIGHT,
                type="number",
                min=embed.HEIGHT_MIN,
                max=embed.HEIGHT_MAX,
                step=10,
                value=embed.HEIGHT_DEFAULT,
                debounce=True,
            ),
        ),
        _field(
            "Figer les données au (vide\u00a0: suivre les mises à jour)",
            _date(ids.EMBED_FROZEN, first, dt.date.today().isoformat()),
        ),
    ]
    dialog = html.Dialog(
        [
            html.H2("Intégrer ce graphique", id=TITLE_ID, className="h4"),
            html.P(
                "Choisissez les options, vérifiez l'aperçu, puis copiez le code et collez-le "
                "dans votre page. Le graphique s'adapte à la largeur et à la hauteur de son "
                "contenu\u00a0; sans le script, il garde la hauteur minimale."
            ),
            html.Div(fields, className="embed-builder-fields"),
            # Only ever a wrong entry's message: an alert (RGAA 7.5).
            html.P(id=ids.EMBED_MESSAGE, role="alert", className="form-message"),
            html.H3("Aperçu", className="h5"),
            html.Iframe(
                id=ids.EMBED_PREVIEW,
                title=f"Aperçu\u00a0: {indicator.title}",
                className="embed-builder-preview",
                # Sized by its style: a height attribute is presentation (RGAA 10.1).
                style={
                    "width": "100%",
                    "height": f"{embed.HEIGHT_DEFAULT}px",
                    "border": "1px solid #ced4da",
                },
            ),
            html.Label("Code à copier", htmlFor=ids.EMBED_CODE, className="form-label mt-2"),
            dcc.Textarea(
                id=ids.EMBED_CODE, readOnly=True, rows=6, className="form-control font-monospace"
            ),
            html.Div(
                [
                    html.Button(
                        "Copier le code",
                        id=ids.EMBED_COPY,
                        type="button",
                        className="btn btn-primary",
                    ),
                    html.Button(
                        "Fermer", id=ids.EMBED_CLOSE, type="button", className="btn btn-secondary"
                    ),
                    html.Span(id=ids.EMBED_STATUS, role="status", className="ms-2"),
                ],
                className="d-flex gap-2 align-items-center mt-2",
            ),
        ],
        id=ids.EMBED_DIALOG,
        className="embed-builder",
        # Styled here, not in barometre.css: the builder is the only dialog of the site.
        style={"width": "calc(100% - 2rem)", "maxWidth": "60rem", "padding": "1.5rem"},
        **{"aria-labelledby": TITLE_ID},
    )
    return [
        html.Button(
            "Intégrer ce graphique",
            id=ids.EMBED_OPEN,
            type="button",
            className="btn btn-outline-primary mb-3",
            **{"aria-haspopup": "dialog"},
        ),
        dialog,
        dcc.Store(id=ids.EMBED_SINK),
    ]


def _date(component_id: str, first: str, last: str) -> native.Input:
    # debounce: sent on Enter or blur, not for every digit typed (as on the indicator page).
    return native.Input(id=component_id, type="date", min=first, max=last, debounce=True)


def _select(component_id: str, options: list[dict], value: str) -> native.Select:
    return native.Select(id=component_id, options=options, value=value)


def _field(label: str, control) -> html.Div:
    return html.Div([html.Label(label, htmlFor=control.id, className="form-label"), control])
