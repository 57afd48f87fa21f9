"""The indicator page: new period or granularity in, charts and a status message out."""

from __future__ import annotations

from dash import Input, Output, State, html, no_update

from barometre.charts import french
from barometre.data.services import Services
from barometre.publish import validation
from barometre.web import ids, views
from barometre.web.callbacks import fields
from barometre.web.clientside import function
from barometre.web.layouts import indicator as layout

# The period form's fields by the parameter each sets (a wrong one is marked, RGAA 11.10).
FIELDS = {"debut": ids.START, "fin": ids.END, "granularite": ids.GRANULARITY}
# What the period form's callback sets, in order (tests/dash_http.py asks for them too): the
# results, a status message or an error's (RGAA 7.5), the fields' invalid states.
OUTPUTS = [
    (ids.RESULTS, "children"),
    (ids.MESSAGE, "children"),
    (ids.MESSAGE_ERROR, "children"),
    *fields.properties(FIELDS),
]


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
    """Return the new charts, the message, and the parameter in error for the submitted
    controls (validated here): None when they are right, "" for an error of no field.

    The checkboxes' click counts say what the evolution chart shows (as assets/indicator.js
    reads them), so that a new period keeps the reader's choice.
    """
    chosen = services.catalogue.get(indicator_id) if isinstance(indicator_id, str) else None
    if chosen is None:
        return no_update, "Indicateur inconnu.", ""
    try:
        query = validation.query(chosen, services.store.bounds(chosen.id), start, end, granularity)
        query = validation.with_departement(query, services.catalogue.breakdowns, departement)
    except validation.InvalidInput as error:
        return (
            no_update,
            html.Span(error.message, className="text-danger-emphasis"),
            error.parameter,
        )
    display = validation.display_from_clicks(event_clicks, compare_clicks)
    charts = views.with_display(views.indicator_charts(services, query), display)
    return (
        layout.results(charts, services, query, display),
        updated_message(services, query),
        None,
    )


def updated_message(services: Services, query) -> str:
    """Return what the live region says after an update: the new state.

    A screen reader announces a live region when its text changes: « Graphiques mis à jour. »
    twice in a row would be heard once.
    """
    parts = [
        f"par {french.PERIOD_NOUNS[query.granularity]}",
        french.format_span(query.start, query.end, "jour"),
    ]
    if query.departement:
        parts.insert(0, services.catalogue.breakdowns[views.DEPARTEMENT].label(query.departement))
    return f"Graphiques mis à jour{french.NBSP}: {', '.join(parts)}."


def register(app, services: Services) -> None:
    """Attach the indicator page's callback to ``app``."""

    def changed(start, end, granularity, departement, indicator_id, events, compare):
        # Dash passes the Inputs, then the States, in the order below.
        results, message, invalid = update(
            services, indicator_id, start, end, granularity, departement, events, compare
        )
        said = [message, None] if invalid is None else [None, message]
        return results, *said, *fields.states(FIELDS, invalid, ids.MESSAGE_ERROR)

    app.callback(
        *(Output(*pair) for pair in OUTPUTS),
        Input(ids.START, "value"),
        Input(ids.END, "value"),
        Input(ids.GRANULARITY, "value"),
        Input(ids.DEPARTEMENT_CHOICE, "data"),
        State(ids.INDICATOR, "data"),
        State(ids.SHOW_EVENTS, "n_clicks"),
        State(ids.COMPARE, "n_clicks"),
        prevent_initial_call=True,
    )(changed)
    # The checkboxes of the evolution charts (indicator and home pages): the figures drawn are
    # changed in the browser, and a choice other than the default goes into the URL.
    app.clientside_callback(
        function("indicator", "display"),
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
        function("indicator", "permalink"),
        Output(ids.URL, "search"),
        Output(ids.PAGE_STATE, "data", allow_duplicate=True),
        Input(ids.START, "value"),
        Input(ids.END, "value"),
        Input(ids.GRANULARITY, "value"),
        Input(ids.DEPARTEMENT_CHOICE, "data"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        function("indicator", "share"),
        Output(ids.SHARE_STATUS, "children"),
        Input(ids.SHARE, "n_clicks"),
        prevent_initial_call=True,
    )
