"""The application factory: ``create_app(settings)`` builds one Dash app and its Flask server."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import dash
import flask
from flask_caching import Cache
from markupsafe import escape
from werkzeug.middleware.proxy_fix import ProxyFix

from barometre import __version__
from barometre.config import Settings
from barometre.data import catalogue, events, services
from barometre.data.store import Store, StoreError
from barometre.publish import api
from barometre.urls import Urls
from barometre.web import (
    answers,
    clientside,
    embed,
    errors,
    journal,
    prerender,
    security,
    sharing,
    static,
)
from barometre.web.callbacks import register_all
from barometre.web.callbacks.pages import answer
from barometre.web.layouts.common import SITE_NAME, shell

ASSETS = Path(__file__).parent.parent / "assets"

log = logging.getLogger(__name__)

# Dash's default template puts its scripts in a <footer>, which would be a second « contentinfo »
# landmark; a plain <div> holds them here.
INDEX_STRING = """<!DOCTYPE html>
<html lang="fr">
<head>
{%metas%}
<title>{%title%}</title>
{%favicon%}
{%css%}
</head>
<body>
{%app_entry%}
<div class="dash-scripts">
{%config%}
{%scripts%}
{%renderer%}
</div>
</body>
</html>"""

META_TAGS = [
    {"name": "viewport", "content": "width=device-width, initial-scale=1"},
    {
        "name": "description",
        "content": "Les chiffres clés des services numériques de la Gendarmerie nationale\u00a0: "
        "Brigade numérique, signalements en ligne, recrutement, information du public.",
    },
]


# Where interpolate_index leaves the status of the page it renders, for index() to send.
PAGE_STATUS = "barometre_page_status"


class BarometreDash(dash.Dash):
    """A Dash app whose initial HTML already carries the page's French title."""

    services: services.Services

    def _collect_and_register_resources(self, resources, include_async=True, url_attr="src"):
        # Dash always loads @babel/polyfill, which browsers that run React 18 do not need, and
        # the DataTable bundle, which no page uses (static.py, docs/performance.md).
        return super()._collect_and_register_resources(
            static.needed_scripts(resources), include_async, url_attr
        )

    def index(self, *args, **kwargs) -> flask.Response:
        """Return the index HTML with the status of the page it shows (404, 503 or 200), or
        the page's drawings alone when asked (``prerender.drawings_html``)."""
        if flask.request.args.get(prerender.PART) == prerender.DRAWINGS_PART:
            page, status = self._requested_page()
            html = prerender.drawings_html(page)
        else:
            html = super().index(*args, **kwargs)
            status = flask.g.get(PAGE_STATUS, 200)
        response = flask.Response(html, status, mimetype="text/html")
        if status == 503:  # as every other 503 of the site: when to try again
            response.headers["Retry-After"] = str(errors.RETRY_AFTER_SECONDS)
        return response

    def interpolate_index(self, **kwargs) -> str:
        """Return the index HTML with the requested page's title and content, set on the server."""
        try:
            page, status = self._requested_page()
            kwargs["title"] = str(escape(page.title))
            if status == 200:
                kwargs["metas"] += sharing.page_head(
                    self.services,
                    flask.request.path,
                    flask.request.query_string.decode(errors="replace"),
                    dt.date.today(),
                )
                if journal.is_journal(self.services, flask.request.path):
                    kwargs["metas"] += journal.head_links(self.services)
            kwargs["app_entry"] = prerender.page_html(self.services, page) + kwargs["app_entry"]
            kwargs["scripts"] = prerender.scripts_on_demand(kwargs["scripts"], kwargs["renderer"])
            kwargs["renderer"] = ""
        except StoreError:
            kwargs["title"] = SITE_NAME
            status = 503
        # Read by index(): Dash builds the HTML, the status is the page's.
        setattr(flask.g, PAGE_STATUS, status)
        return super().interpolate_index(**kwargs)

    def _requested_page(self):
        return answer(
            self.services,
            flask.request.path,
            flask.request.query_string.decode(errors="replace"),
            dt.date.today(),
        )


def create_app(settings: Settings | None = None) -> BarometreDash:
    """Build the Baromètre app for ``settings`` (read from the environment by default)."""
    settings = settings or Settings.from_env()
    indicators = catalogue.load(settings.catalogue or None)
    store = Store(settings.database_url, read_timeout_ms=settings.query_timeout_ms)
    cache = Cache()
    app = BarometreDash(
        __name__,
        # The package's assets, beside web/: a wheel and the Docker image carry them alike.
        assets_folder=str(ASSETS),
        title=SITE_NAME,
        update_title=None,
        url_base_pathname=settings.url_prefix,
        meta_tags=[*META_TAGS, clientside.meta_tag()],
        suppress_callback_exceptions=True,
        index_string=INDEX_STRING,
        # Bootstrap is linked first, explicitly, so that the site's own CSS overrides it.
        external_stylesheets=[
            # ?v= fingerprints it: browsers keep it a year (static.py).
            Urls(settings.url_prefix).path("/assets/vendor/bootstrap.min.css", v=__version__)
        ],
        # dcc's lazy chunks (dcc.Graph) call the global regeneratorRuntime that Dash's polyfill
        # (removed, static.py) or dash-bootstrap-components (no longer loaded) used to define:
        # regenerator-runtime 0.14.1 from npm, unchanged, far smaller than the polyfill.
        external_scripts=[
            Urls(settings.url_prefix).path("/assets/vendor/regenerator-runtime.js", v=__version__)
        ],
        # embed/ holds the embed pages' own script and CSS: never loaded by the site's pages.
        assets_path_ignore=["vendor", "embed"],
    )
    cache.init_app(app.server, config=services.cache_config(settings))
    app.services = services.Services(
        settings, indicators, store, cache, events.load(indicators, settings.events or None)
    )
    app.server.extensions[services.EXTENSION] = app.services
    app.layout = lambda: shell(app.services)
    register_all(app, app.services)
    _add_routes(app.server, app.services)
    embed.register(app.server, app.services, sharing.page_head)
    sharing.register(app.server, app.services)
    journal.register(app.server, app.services)
    api.register(app.server, settings.url_prefix)
    # Before static.register: the answers kept in memory are the compressed ones.
    answers.register(app.server, app.services)
    static.register(app.server, settings.data_dir, settings.url_prefix)
    _harden(app, settings)
    return app


def _harden(app: BarometreDash, settings: Settings) -> None:
    """Add the security headers, the request size limit, proxy trust and French error answers."""
    server = app.server
    server.config["MAX_CONTENT_LENGTH"] = settings.max_request_kb * 1024
    if settings.trusted_proxies:
        server.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            server.wsgi_app,
            x_for=settings.trusted_proxies,
            x_proto=settings.trusted_proxies,
            x_host=settings.trusted_proxies,
            x_port=settings.trusted_proxies,
            x_prefix=settings.trusted_proxies,
        )
    errors.register(server, settings.url_prefix)
    errors.guard_pages(server, errors.StoreProbe(app.services.store), settings.url_prefix)
    hashes: list[str] = []
    update_path = settings.url_prefix + "_dash-update-component"

    @server.before_request
    def check_callback_body():
        if flask.request.path != update_path or flask.request.method != "POST":
            return None
        body = flask.request.get_json(silent=True)
        problem = errors.callback_body_error(body, app.callback_map)
        if problem:
            log.info("requête de callback refusée : %s", problem)
            return errors.answer(400)
        return None

    @server.after_request
    def security_headers(response: flask.Response) -> flask.Response:
        # Dash's inline scripts are known only once every callback is registered: the hashes
        # are computed on the first response, after create_app has returned.
        if not hashes:
            hashes.extend(app.csp_hashes())
        response.headers.update(security.response_headers(flask.request.path, settings, hashes))
        # No cookie, ever (GDPR): nothing the app or a library might add reaches the browser.
        response.headers.pop("Set-Cookie", None)
        return response


def _add_routes(server: flask.Flask, shared: services.Services) -> None:
    urls = Urls(shared.settings.url_prefix)

    @server.get(urls.path("/healthz"))
    def healthz():
        try:
            body = {
                "statut": "ok",
                "version": __version__,
                "version_donnees": shared.store.data_version(),
                "derniere_mise_a_jour": shared.store.last_update(),
                "donnees_de_demonstration": shared.store.is_demo(),
            }
        except StoreError as error:
            log.error("healthz : base indisponible : %s", error)
            return flask.jsonify({"statut": "indisponible"}), 503
        return flask.jsonify(body)
