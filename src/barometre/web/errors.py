"""French error answers for every route that Dash does not render: HTML pages or JSON, no details.

Dash renders its own French « page introuvable » for unknown pages under the prefix; these
handlers cover the rest (assets, callbacks, API, methods not allowed, oversized bodies, bugs). A
bug is logged server-side as one JSON line with its traceback and answered with a bare 500.
"""

from __future__ import annotations

import json
import logging
import time
import traceback

import flask
from dash.exceptions import DependencyException, InvalidResourceError
from markupsafe import escape
from werkzeug.exceptions import HTTPException

from barometre.data import services
from barometre.data.store import Store, StoreError
from barometre.urls import Urls
from barometre.web.layouts.common import footer, main_navigation
from barometre.web.prerender import to_html

log = logging.getLogger(__name__)

# What a 503 tells browsers, crawlers and proxies: ask again in this many seconds.
RETRY_AFTER_SECONDS = 30

MESSAGES = {
    400: ("Requête invalide", "La requête reçue est mal formée ou contient des valeurs invalides."),
    403: ("Accès refusé", "Cette ressource n'est pas accessible."),
    404: ("Page introuvable", "L'adresse demandée ne correspond à aucune page du Baromètre."),
    405: ("Méthode non autorisée", "Cette adresse n'accepte pas cette méthode HTTP."),
    413: ("Requête trop volumineuse", "Le corps de la requête dépasse la taille autorisée."),
    414: ("Adresse trop longue", "L'adresse demandée dépasse la longueur autorisée."),
    429: ("Trop de requêtes", "Trop de requêtes ont été reçues ; réessayez dans un moment."),
    500: (
        "Erreur du service",
        "Une erreur inattendue est survenue. Elle a été consignée ; réessayez plus tard.",
    ),
    503: (
        "Service momentanément indisponible",
        "Les données ne peuvent pas être lues pour le moment. Réessayez dans quelques minutes.",
    ),
}

PAGE = """<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} — Baromètre numérique</title>
<link rel="stylesheet" href="{bootstrap}">
<link rel="stylesheet" href="{css}">
</head>
<body>
<a class="skip-link" href="#contenu">Aller au contenu</a>
<header class="site-header"><div class="container">
<p class="mb-1"><a class="site-name" href="{home}">Baromètre numérique</a></p>
<p class="site-owner mb-2">Gendarmerie nationale</p>
{navigation}
</div></header>
<main id="contenu" class="container py-4" tabindex="-1">
<h1>{title}</h1>
<p>{message}</p>
<p><a href="{home}">Revenir à l'accueil</a> ou consulter
<a href="{indicators}">la liste des indicateurs</a>.</p>
</main>
{footer}
</body>
</html>"""


def wants_json(path: str, prefix: str) -> bool:
    """Return whether errors on ``path`` are answered in JSON (API and Dash's own endpoints)."""
    return path.startswith((prefix + "api/", prefix + "_dash-", prefix + "healthz"))


def answer(status: int) -> flask.Response:
    """Return the French error response for ``status``, as JSON or as an HTML page."""
    title, message = MESSAGES.get(status, MESSAGES[500 if status >= 500 else 400])
    prefix = flask.current_app.config.get("BAROMETRE_URL_PREFIX", "/")
    if wants_json(flask.request.path, prefix):
        body = json.dumps({"erreur": title, "message": message}, ensure_ascii=False)
        response = flask.Response(body, status, mimetype="application/json")
    else:
        urls = Urls(prefix)
        # The site's navigation and footer, as on every page (RGAA 12.1, 12.2): they read the
        # catalogue, never the store, so that an outage page has them too.
        html = PAGE.format(
            title=escape(title),
            message=escape(message),
            bootstrap=urls.path("/assets/vendor/bootstrap.min.css"),
            css=urls.path("/assets/barometre.css"),
            home=urls.path("/"),
            indicators=urls.path("/indicateurs"),
            navigation=to_html(main_navigation(services.current(), urls)),
            footer=to_html(footer(urls)),
        )
        response = flask.Response(html, status, mimetype="text/html")
    if status == 503:
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class StoreProbe:
    """Whether the store can be read, asked (as /healthz does) at most once every ``ttl`` s."""

    TTL_SECONDS = 2.0

    def __init__(self, store: Store, ttl: float = TTL_SECONDS):
        self.store = store
        self.ttl = ttl
        self._checked = -ttl
        self._error: StoreError | None = None

    def error(self) -> StoreError | None:
        """Return why the store cannot be read, or ``None`` when it can (memoized ``ttl`` s)."""
        # Per worker, without a lock: two threads that both refresh cost one query more.
        if time.monotonic() - self._checked >= self.ttl:
            try:
                self.store.data_version()
                self._error = None
            except StoreError as error:
                self._error = error
            self._checked = time.monotonic()
        return self._error


def guard_pages(server: flask.Flask, probe: StoreProbe, prefix: str) -> None:
    """Answer page requests with the French 503 page while the store is down.

    Before Dash builds the index: a page that cannot show data must not answer 200 (crawlers,
    monitoring and caches would take the empty shell for the page).
    """
    pages = {prefix, prefix + "<path:path>"}  # the endpoints of Dash's index and catch-all

    @server.before_request
    def unavailable_page():
        if flask.request.endpoint not in pages:
            return None
        error = probe.error()
        if error is None:
            return None
        _log_store_error(error)
        return answer(503)


def _log_store_error(error: StoreError) -> None:
    log.error(
        json.dumps(
            {"evenement": "base_indisponible", "chemin": flask.request.path, "erreur": str(error)},
            ensure_ascii=False,
        )
    )


def register(server: flask.Flask, prefix: str) -> None:
    """Install the French error handlers on ``server`` and turn off exception propagation."""
    server.config["BAROMETRE_URL_PREFIX"] = prefix
    server.config["PROPAGATE_EXCEPTIONS"] = False
    server.debug = False

    @server.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        response = answer(error.code or 500)
        # What werkzeug says besides the body: a 405's Allow (RFC 9110 requires it), a 416's
        # Content-Range, a 401's WWW-Authenticate.
        for name, value in error.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @server.errorhandler(DependencyException)
    @server.errorhandler(InvalidResourceError)
    def unknown_dash_file(error: Exception):
        # A component-suite path that Dash does not serve (unknown package, traversal).
        return answer(404)

    @server.errorhandler(StoreError)
    def store_unavailable(error: StoreError):
        _log_store_error(error)
        return answer(503)

    @server.errorhandler(Exception)
    def unexpected(error: Exception):
        log.error(
            json.dumps(
                {
                    "evenement": "erreur_interne",
                    "chemin": flask.request.path,
                    "methode": flask.request.method,
                    "exception": type(error).__name__,
                    "trace": "".join(traceback.format_exception(error)),
                },
                ensure_ascii=False,
            )
        )
        return answer(500)


def callback_body_error(body: object, callback_map: dict) -> str | None:
    """Return why ``body`` is not a well-formed Dash callback request, or ``None`` if it is.

    Dash indexes the request body without checking it: a body of the wrong shape would be a
    500. Checked here first, it is a 400.
    """
    if not isinstance(body, dict):
        return "le corps doit être un objet JSON"
    if not isinstance(body.get("output"), str) or body["output"] not in callback_map:
        return "sortie inconnue"
    expected = callback_map[body["output"]]
    if "callback" not in expected:
        return "sortie calculée dans le navigateur, pas sur le serveur"
    # One output: an {id, property} object; several (output "..a.x...b.y.."): a list of them,
    # as many as the callback has.
    several = body["output"].startswith("..")
    names = body["output"][2:-2].split("...") if several else [body["output"]]
    outputs = body.get("outputs")
    if several != isinstance(outputs, list):
        return "outputs invalide"
    items = outputs if several else [outputs]
    if len(items) != len(names) or not all(_is_reference(item) for item in items):
        return "outputs invalide"
    for key in ("inputs", "state"):
        items = body.get(key, [])
        if not isinstance(items, list):
            return f"{key} doit être une liste"
        for item in items:
            entries = item if isinstance(item, list) else [item]
            for entry in entries:
                if not isinstance(entry, dict) or "id" not in entry or "property" not in entry:
                    return f"{key} : entrée invalide"
    if len(body.get("inputs", [])) != len(expected.get("inputs", [])) or len(
        body.get("state", [])
    ) != len(expected.get("state", [])):
        return "nombre d'entrées inattendu"
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(item, str) for item in changed):
        return "changedPropIds doit être une liste de textes"
    return None


def _is_reference(item: object) -> bool:
    """Whether ``item`` names a component property: {id, property}, or a list of them (ALL)."""
    if isinstance(item, list):
        return all(_is_reference(entry) for entry in item)
    return (
        isinstance(item, dict)
        and isinstance(item.get("id"), str | dict)
        and isinstance(item.get("property"), str)
    )
