"""Routing: the URL decides which page fills the main region, and the document title."""

from __future__ import annotations

import datetime as dt
import logging
from urllib.parse import parse_qs

from dash import Input, Output, State, no_update

from barometre import answers, ids, validation
from barometre.clientside import function
from barometre.layouts import accessibility, data, errors, family, home, indicator, sources
from barometre.layouts.common import ACCESSIBILITY_PATH, SITEMAP_PATH, Page
from barometre.services import Services
from barometre.store import StoreError
from barometre.urls import Urls

log = logging.getLogger(__name__)


def render(services: Services, pathname: str | None, search: str | None, today: dt.date) -> Page:
    """Return the page for a URL (``Page introuvable`` for an unknown one)."""
    urls = Urls(services.settings.url_prefix)
    path = urls.strip(pathname)
    parts = path.strip("/").split("/")
    catalogue = services.catalogue
    try:
        if path == "/":
            return home.page(services, today, validation.display_from_params(_params(search)))
        if path == "/indicateurs":
            return family.catalogue_page(services)
        if path == sources.PATH:
            return sources.page(services)
        if path == ACCESSIBILITY_PATH:
            return accessibility.declaration(services)
        if path == SITEMAP_PATH:
            return accessibility.sitemap(services)
        if path == data.DATA_PATH:
            return data.data_page(services)
        if path == data.API_PATH:
            return data.api_page(services)
        if len(parts) == 2 and parts[0] == "indicateurs" and catalogue.get(parts[1]):
            return _indicator_page(services, catalogue.indicator(parts[1]), search)
        if (
            len(parts) == 2
            and parts[0] == "familles"
            and parts[1] in {f.id for f in catalogue.families}
        ):
            return family.page(services, parts[1], today)
    except StoreError as error:
        log.error("base indisponible : %s", error)
        # The page says so now; the same request must be answered afresh once the store is back.
        answers.do_not_keep()
        return errors.unavailable()
    return errors.not_found(urls)


def _params(search: str | None) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs((search or "").lstrip("?")).items()}


def _indicator_page(services: Services, chosen, search: str | None) -> Page:
    params = _params(search)
    bounds = services.store.bounds(chosen.id)
    if bounds is None:
        return indicator.page(services, chosen, None)
    try:
        query = validation.query(
            chosen, bounds, params.get("debut"), params.get("fin"), params.get("granularite")
        )
    except validation.InvalidInput:
        # A stale or hand-edited link still opens the page, on the default view.
        query = validation.query(chosen, bounds, None, None, None)
    try:
        departement = params.get("departement")
        query = validation.with_departement(query, services.catalogue.breakdowns, departement)
    except validation.InvalidInput:
        pass  # an unknown département: the page shows all of France
    return indicator.page(services, chosen, query, validation.display_from_params(params))


def register(app, services: Services) -> None:
    """Attach the routing callback and the client-side title update."""

    def route(pathname, search, shown=None):
        # Anyone can post any JSON to the callback endpoint: a non-text URL is no URL.
        pathname = pathname if isinstance(pathname, str) else None
        search = search if isinstance(search, str) else None
        state = {"pathname": pathname, "search": search or ""}
        # A control that wrote its state into the URL (permalink) has already updated the
        # page: rendering it again would replace the control being used.
        if shown == state:
            return no_update, no_update, no_update
        page = render(services, pathname, search, dt.date.today())
        return page.content, page.title, state

    app.callback(
        Output(ids.PAGE, "children"),
        Output(ids.PAGE_TITLE, "data"),
        Output(ids.PAGE_STATE, "data"),
        Input(ids.URL, "pathname"),
        Input(ids.URL, "search"),
        State(ids.PAGE_STATE, "data"),
    )(route)
    # The title, the current link and the printed address: assets/pages.js.
    app.clientside_callback(
        function("pages", "title"),
        Output(ids.PAGE_TITLE_SINK, "data"),
        Input(ids.PAGE_TITLE, "data"),
    )
    app.clientside_callback(
        function("pages", "currentLink"),
        Output(ids.NAV_SINK, "data"),
        Input(ids.URL, "pathname"),
    )
    app.clientside_callback(
        function("pages", "printAddress"),
        Output(ids.PRINT_ADDRESS, "children"),
        Input(ids.PAGE_STATE, "data"),
    )
