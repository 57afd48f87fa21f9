"""The indicator page: new period or granularity in, charts and a status message out."""

from __future__ import annotations

import json

from dash import ALL, Input, Output, State, html, no_update

from barometre import figures, ids, summaries, validation, views
from barometre.layouts import downloads
from barometre.layouts import indicator as layout
from barometre.layouts.common import MAIN_ID
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
    // The checkboxes keep their own parameters (DISPLAY_SCRIPT).
    var current = new URLSearchParams(window.location.search);
    DISPLAY_PARAMS.forEach(function (name) {
        if (current.has(name)) { params[name] = current.get(name); }
    });
    var search = '?' + new URLSearchParams(params).toString();
    if (search === window.location.search) { return nothing; }
    var state = {pathname: window.location.pathname, search: search};
    // A page just opened without parameters gets them in place: a second history entry would
    // bring Back to the bare address, which would add them again (Back would never leave).
    if (!window.location.search) {
        window.history.replaceState(window.history.state, '', state.pathname + search);
        return [dash_clientside.no_update, state];
    }
    return [search, state];
}
""".replace("DISPLAY_PARAMS", json.dumps(list(validation.DISPLAY_PARAMS)))

# The checkboxes of the evolution charts (indicator and home pages): an odd number of clicks
# turns the default over. The figures already drawn are changed in place (no round trip); the
# indicator page's callback draws new ones from the same click counts (see update). A choice
# other than the default goes into the URL (validation.Display.params), which the routing
# callback then leaves alone (same state).
DISPLAY_SCRIPT = (
    """
function (eventClicks, compareClicks) {
    var events = (eventClicks || 0) % 2 === 0;
    var comparison = (compareClicks || 0) % 2 === 1;
    var main = document.getElementById('{main}');
    var marks = {evenement: '{event}', comparaison: '{comparison}'};
    if (main && window.Plotly) {
        main.querySelectorAll('.js-plotly-plot').forEach(function (graph) {
            if (!graph.data) { return; }
            // Plotly.react with copies (assets/display.js), as assets/theme.js does:
            // relayout/restyle would let a responsive graph lose its height.
            var figure = window.barometreDisplay(graph, marks, events, comparison);
            window.Plotly.react(graph, figure.data, figure.layout);
        });
    }
    var params = new URLSearchParams(window.location.search);
    // validation.Display.params: only what differs from the defaults.
    if (events) { params.delete('{events_name}'); }
    else { params.set('{events_name}', '{events_hidden}'); }
    if (comparison) { params.set('{comparison_name}', '{comparison_shown}'); }
    else { params.delete('{comparison_name}'); }
    var search = params.toString() ? '?' + params.toString() : '';
    if (search === window.location.search) {
        return [String(events), String(comparison), dash_clientside.no_update,
                dash_clientside.no_update];
    }
    return [String(events), String(comparison), search,
            {pathname: window.location.pathname, search: search}];
}
""".replace("{main}", MAIN_ID)
    .replace("{event}", figures.EVENT_MARK)
    .replace("{comparison}", figures.COMPARISON_META)
    .replace("{events_name}", validation.EVENTS_HIDDEN[0])
    .replace("{events_hidden}", validation.EVENTS_HIDDEN[1])
    .replace("{comparison_name}", validation.COMPARISON_SHOWN[0])
    .replace("{comparison_shown}", validation.COMPARISON_SHOWN[1])
)

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


def update(
    services: Services,
    indicator_id,
    start,
    end,
    granularity,
    departement=None,
    event_clicks=0,
    compare_clicks=0,
) -> tuple:
    """Return the new charts and message for the submitted controls (validated here).

    The checkboxes' click counts say what the evolution chart shows (as DISPLAY_SCRIPT reads
    them), so that a new period keeps the reader's choice.
    """
    chosen = services.catalogue.get(indicator_id) if isinstance(indicator_id, str) else None
    if chosen is None:
        return no_update, "Indicateur inconnu."
    try:
        query = validation.query(chosen, services.store.bounds(chosen.id), start, end, granularity)
        query = validation.with_departement(query, services.catalogue.breakdowns, departement)
    except validation.InvalidInput as error:
        return no_update, html.Span(error.message, className="text-danger-emphasis")
    display = validation.display_from_clicks(event_clicks, compare_clicks)
    charts = views.with_display(views.indicator_charts(services, query), display)
    return layout.results(charts, services, query, display), updated_message(services, query)


def updated_message(services: Services, query) -> str:
    """Return what the live region says after an update: the new state.

    A screen reader announces a live region when its text changes: « Graphiques mis à jour. »
    twice in a row would be heard once.
    """
    parts = [
        f"par {summaries.PERIOD_NOUNS[query.granularity]}",
        summaries.format_span(query.start, query.end, "jour"),
    ]
    if query.departement:
        parts.insert(0, services.catalogue.breakdowns[views.DEPARTEMENT].label(query.departement))
    return f"Graphiques mis à jour{summaries.NBSP}: {', '.join(parts)}."


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
        State(ids.SHOW_EVENTS, "n_clicks"),
        State(ids.COMPARE, "n_clicks"),
        prevent_initial_call=True,
    )(
        # Dash passes the Inputs, then the States, in the order above.
        lambda start, end, granularity, departement, indicator_id, events, compare: update(
            services, indicator_id, start, end, granularity, departement, events, compare
        )
    )
    app.clientside_callback(
        DISPLAY_SCRIPT,
        Output(ids.SHOW_EVENTS, "aria-checked"),
        Output(ids.COMPARE, "aria-checked"),
        Output(ids.URL, "search", allow_duplicate=True),
        Output(ids.PAGE_STATE, "data", allow_duplicate=True),
        Input(ids.SHOW_EVENTS, "n_clicks"),
        Input(ids.COMPARE, "n_clicks"),
        prevent_initial_call=True,
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
