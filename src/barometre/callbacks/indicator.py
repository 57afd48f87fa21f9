"""The indicator page: new period or granularity in, charts and a status message out."""

from __future__ import annotations

from dash import ALL, Input, Output, State, html, no_update

from barometre import ids, validation, views
from barometre.layouts import downloads
from barometre.layouts import indicator as layout
from barometre.services import Services

PERMALINK_SCRIPT = """
function (start, end, granularity, departement) {
    var nothing = [dash_clientside.no_update, dash_clientside.no_update];
    var iso = /^\\d{4}-\\d{2}-\\d{2}$/;
    if (!iso.test(start || '') || !iso.test(end || '') || start > end || !granularity) {
        return nothing;
    }
    var params = {debut: start, fin: end, granularite: granularity};
    if (departement) { params.departement = departement; }
    var search = '?' + new URLSearchParams(params).toString();
    if (search === window.location.search) { return nothing; }
    return [search, {pathname: window.location.pathname, search: search}];
}
"""

# The clipboard needs a secure context (HTTPS or localhost): elsewhere the link is shown instead.
SHARE_SCRIPT = """
function (clicks) {
    if (!clicks) { return dash_clientside.no_update; }
    var url = window.location.href;
    var fallback = 'Copie impossible\\u00a0: copiez ce lien\\u00a0: ' + url;
    if (!navigator.clipboard || !window.isSecureContext) { return fallback; }
    return navigator.clipboard.writeText(url).then(
        function () { return 'Lien copié.'; },
        function () { return fallback; });
}
"""


def update(services: Services, indicator_id, start, end, granularity, departement=None) -> tuple:
    """Return the new charts and message for the submitted controls (validated here)."""
    chosen = services.catalogue.get(indicator_id) if isinstance(indicator_id, str) else None
    if chosen is None:
        return no_update, "Indicateur inconnu."
    try:
        query = validation.query(chosen, services.store.bounds(chosen.id), start, end, granularity)
        query = validation.with_departement(query, services.catalogue.breakdowns, departement)
    except validation.InvalidInput as error:
        return no_update, html.Span(error.message, className="text-danger-emphasis")
    charts = views.indicator_charts(services, query)
    done = "Graphiques mis à jour"
    if query.departement:
        name = services.catalogue.breakdowns[views.DEPARTEMENT].label(query.departement)
        done += f"\u00a0: {name}"
    return layout.results(charts, services, query), done + "."


def register(app, services: Services) -> None:
    """Attach the indicator page's callback to ``app``."""
    app.callback(
        Output(ids.RESULTS, "children"),
        Output(ids.MESSAGE, "children"),
        Input(ids.START, "value"),
        Input(ids.END, "value"),
        Input(ids.GRANULARITY, "value"),
        Input(ids.DEPARTEMENT_CHOICE, "data"),
        State(ids.INDICATOR, "data"),
        prevent_initial_call=True,
    )(
        lambda start, end, granularity, departement, indicator_id: update(
            services, indicator_id, start, end, granularity, departement
        )
    )
    # Permalink: the controls' state goes into the query string (a new history entry, no
    # reload); back and forward bring earlier states back through the routing callback.
    app.clientside_callback(
        PERMALINK_SCRIPT,
        Output(ids.URL, "search"),
        Output(ids.PAGE_STATE, "data", allow_duplicate=True),
        Input(ids.START, "value"),
        Input(ids.END, "value"),
        Input(ids.GRANULARITY, "value"),
        Input(ids.DEPARTEMENT_CHOICE, "data"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        SHARE_SCRIPT,
        Output(ids.SHARE_STATUS, "children"),
        Input(ids.SHARE, "n_clicks"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        downloads.IMAGE_SCRIPT,
        Output(downloads.IMAGE_SINK, "data"),
        Input({"type": downloads.IMAGE_BUTTON, "graphique": ALL, "format": ALL}, "n_clicks"),
        prevent_initial_call=True,
    )
