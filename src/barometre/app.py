"""The application factory: ``create_app(settings)`` builds one Dash app and its Flask server."""

from __future__ import annotations

import datetime as dt
import logging

import dash
import flask
from flask_caching import Cache
from markupsafe import escape

from barometre import __version__, catalogue, embed, services
from barometre.callbacks import register_all
from barometre.callbacks.pages import render
from barometre.config import Settings
from barometre.layouts.common import SITE_NAME, shell
from barometre.store import Store, StoreError
from barometre.urls import Urls

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
        "content": "Les chiffres clés des services numériques de la Gendarmerie nationale : "
        "Brigade numérique, signalements en ligne, recrutement, information du public.",
    },
]

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "frame-ancestors 'none'",
}


class BarometreDash(dash.Dash):
    """A Dash app whose initial HTML already carries the page's French title."""

    services: services.Services

    def interpolate_index(self, **kwargs) -> str:
        """Return the index HTML with the title of the requested page, set on the server."""
        try:
            page = render(
                self.services,
                flask.request.path,
                flask.request.query_string.decode(),
                dt.date.today(),
            )
            kwargs["title"] = str(escape(page.title))
        except StoreError:
            kwargs["title"] = SITE_NAME
        return super().interpolate_index(**kwargs)


def create_app(settings: Settings | None = None) -> BarometreDash:
    """Build the Baromètre app for ``settings`` (read from the environment by default)."""
    settings = settings or Settings.from_env()
    indicators = catalogue.load(settings.catalogue or None)
    store = Store(settings.database_url)
    cache = Cache()
    app = BarometreDash(
        __name__,
        title=SITE_NAME,
        update_title=None,
        url_base_pathname=settings.url_prefix,
        meta_tags=META_TAGS,
        suppress_callback_exceptions=True,
        index_string=INDEX_STRING,
        # Bootstrap is linked first, explicitly, so that the site's own CSS overrides it.
        external_stylesheets=[Urls(settings.url_prefix).path("/assets/vendor/bootstrap.min.css")],
        # embed/ holds the embed pages' own script, CSS and plotly bundle: never the site's.
        assets_path_ignore=["vendor", "embed"],
    )
    cache.init_app(app.server, config=services.cache_config(settings))
    app.services = services.Services(settings, indicators, store, cache)
    app.server.extensions[services.EXTENSION] = app.services
    app.layout = lambda: shell(app.services)
    register_all(app, app.services)
    _add_routes(app.server, app.services)
    embed.register(app.server, app.services)
    return app


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

    @server.after_request
    def security_headers(response: flask.Response) -> flask.Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response
