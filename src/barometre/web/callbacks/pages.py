"""Routing: the URL decides which page fills the main region, and the document title."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable
from dataclasses import replace
from urllib.parse import parse_qs

from dash import Input, Output, State, no_update

from barometre.data.services import Services
from barometre.data.store import StoreError
from barometre.publish import validation
from barometre.urls import Urls
from barometre.web import answers, ids, views
from barometre.web.clientside import function
from barometre.web.layouts import (
    accessibility,
    data,
    errors,
    family,
    home,
    indicator,
    journal,
    sources,
)
from barometre.web.layouts.common import ACCESSIBILITY_PATH, SITEMAP_PATH, Page

log = logging.getLogger(__name__)


# What a page request's HTTP status says: the page exists, it does not, or the store is down.
FOUND, NOT_FOUND, UNAVAILABLE = 200, 404, 503
# A year of the journal, as its pages' addresses write it (never with a sign or leading zero).
YEAR = re.compile(r"[1-9][0-9]{3}")


def find(
    services: Services, pathname: str | None, search: str | None
) -> Callable[[dt.date], Page] | None:
    """Return the builder of the page a URL names, or None when no page has that address.

    Deciding costs no store read: the status of any URL is known before its page is built, and
    the page shown is always the one the status announces (``answer``). One exception: whether a
    year of the journal has publications only the store knows; its builder raises
    ``views.NoSuchPage`` when it has none, which ``answer`` turns into the 404 page.
    """
    path = Urls(services.settings.url_prefix).strip(pathname)
    params = _params(search)
    fixed = {
        "/": lambda today: home.page(services, today, validation.display_from_params(params)),
        "/indicateurs": lambda today: family.catalogue_page(services),
        sources.PATH: lambda today: sources.page(services),
        ACCESSIBILITY_PATH: lambda today: accessibility.declaration(services),
        SITEMAP_PATH: lambda today: accessibility.sitemap(services),
        data.DATA_PATH: lambda today: data.data_page(services),
        data.API_PATH: lambda today: data.api_page(services),
        journal.PATH: lambda today: journal.page(services),
    }
    if path in fixed:
        return fixed[path]
    kind, _, identifier = path.strip("/").partition("/")
    catalogue = services.catalogue
    if kind == "indicateurs" and catalogue.get(identifier):
        chosen = catalogue.indicator(identifier)
        try:
            # A département the catalogue does not list, or one of an indicator that is not
            # broken down by département, names no page: 404, like an unknown indicator.
            code = validation.departement(
                chosen, catalogue.breakdowns.get(validation.DEPARTEMENT), params.get("departement")
            )
        except validation.InvalidInput:
            return None
        return lambda today: _indicator_page(services, chosen, code, params)
    if kind == "familles" and identifier in {f.id for f in catalogue.families}:
        return lambda today: family.page(services, identifier, today)
    if kind == journal.PATH.strip("/") and YEAR.fullmatch(identifier):
        return lambda today: journal.page(services, int(identifier))
    return None


def answer(
    services: Services, pathname: str | None, search: str | None, today: dt.date
) -> tuple[Page, int]:
    """Return the page for a URL and its HTTP status (« Page introuvable » and 404 for an
    unknown one, the « indisponible » page and 503 while the store cannot be read)."""
    build = find(services, pathname, search)
    not_found = errors.not_found(Urls(services.settings.url_prefix)), NOT_FOUND
    if build is None:
        return not_found
    try:
        return build(today), FOUND
    except views.NoSuchPage:
        return not_found
    except StoreError as error:
        log.error("base indisponible : %s", error)
        # The page says so now; the same request must be answered afresh once the store is back.
        answers.do_not_keep()
        return errors.unavailable(), UNAVAILABLE


def render(services: Services, pathname: str | None, search: str | None, today: dt.date) -> Page:
    """Return the page for a URL (``Page introuvable`` for an unknown one)."""
    return answer(services, pathname, search, today)[0]


def status(services: Services, pathname: str | None, search: str | None) -> int:
    """Return the status a page request for this URL gets while the store can be read, as the
    router decides it (a year of the journal without publications is a 404 only once built)."""
    return NOT_FOUND if find(services, pathname, search) is None else FOUND


def _params(search: str | None) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs((search or "").lstrip("?")).items()}


def _indicator_page(services: Services, chosen, code: str, params: dict[str, str]) -> Page:
    bounds = services.store.bounds(chosen.id)
    if bounds is None:
        return indicator.page(services, chosen, None)
    try:
        query = validation.query(
            chosen, bounds, params.get("debut"), params.get("fin"), params.get("granularite")
        )
    except validation.InvalidInput:
        # A stale or hand-edited period still opens the page, on the default view.
        query = validation.query(chosen, bounds, None, None, None)
    query = replace(query, departement=code)
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
