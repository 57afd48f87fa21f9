"""The embed builder: options in, snippet and preview out; open, close and copy in the browser."""

from __future__ import annotations

import datetime as dt

import flask
from dash import Input, Output, State, no_update

from barometre.data.services import Services
from barometre.publish.validation import InvalidInput
from barometre.urls import Urls
from barometre.web import embed, ids
from barometre.web.callbacks import fields
from barometre.web.clientside import function

# The builder's fields by the embed parameter each sets (a wrong one is marked, RGAA 11.10).
FIELDS = {
    "debut": ids.EMBED_START,
    "fin": ids.EMBED_END,
    "granularite": ids.EMBED_GRANULARITY,
    "ventilation": ids.EMBED_BREAKDOWN,
    "theme": ids.EMBED_THEME,
    "hauteur": ids.EMBED_HEIGHT,
    "fige": ids.EMBED_FROZEN,
}


def build(
    services: Services,
    origin: str,
    indicator_id,
    start,
    end,
    granularity,
    dimension,
    theme,
    height,
    frozen,
    today: dt.date,
) -> tuple:
    """Return (snippet, preview URL, message, parameter in error or "") for the builder's
    options, validated as embeds."""
    args = {
        "debut": start or "",
        "fin": end or "",
        "granularite": granularity or "",
        "ventilation": dimension or "",
        "theme": theme or "",
        "hauteur": "" if height in (None, "") else str(height),
        "fige": frozen or "",
    }
    if not isinstance(indicator_id, str):
        return no_update, no_update, "Indicateur inconnu.", ""
    try:
        options = embed.parse_options(services, indicator_id, args, today)
    except embed.NotFound:
        return no_update, no_update, "Indicateur inconnu.", ""
    except InvalidInput as error:
        return "", no_update, error.message, error.parameter
    urls = Urls(services.settings.url_prefix)
    parameters = options.parameters(args)
    code = embed.snippet(origin, urls, options, parameters)
    preview = urls.path(f"/embed/{indicator_id}", **parameters)
    return code, preview, "", ""


def register(app, services: Services) -> None:
    """Attach the builder's callbacks to ``app``."""

    def update(opened, *values):
        origin = flask.request.host_url.rstrip("/")
        *shown, invalid = build(services, origin, *values, today=dt.date.today())
        return *shown, *fields.states(FIELDS, invalid, ids.EMBED_MESSAGE)

    app.callback(
        Output(ids.EMBED_CODE, "value"),
        Output(ids.EMBED_PREVIEW, "src"),
        Output(ids.EMBED_MESSAGE, "children"),
        *fields.outputs(FIELDS),
        # Nothing is computed, and the preview (a whole embed) is not loaded, until the dialog
        # is first opened: an indicator page must stay light for those who never embed.
        Input(ids.EMBED_OPEN, "n_clicks"),
        Input(ids.INDICATOR, "data"),
        Input(ids.EMBED_START, "value"),
        Input(ids.EMBED_END, "value"),
        Input(ids.EMBED_GRANULARITY, "value"),
        Input(ids.EMBED_BREAKDOWN, "value"),
        Input(ids.EMBED_THEME, "value"),
        Input(ids.EMBED_HEIGHT, "value"),
        Input(ids.EMBED_FROZEN, "value"),
        prevent_initial_call=True,
    )(update)
    # The dialog opened and closed, its code copied: assets/embed-builder.js.
    app.clientside_callback(
        function("embedBuilder", "toggle"),
        Output(ids.EMBED_SINK, "data"),
        Input(ids.EMBED_OPEN, "n_clicks"),
        Input(ids.EMBED_CLOSE, "n_clicks"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        function("embedBuilder", "copy"),
        Output(ids.EMBED_STATUS, "children"),
        Input(ids.EMBED_COPY, "n_clicks"),
        State(ids.EMBED_CODE, "value"),
        prevent_initial_call=True,
    )
