"""Sharing a chart: the oEmbed provider, and the discovery and social-card tags of pages and embeds.

A content management system (WordPress, Drupal…) turns a pasted Baromètre link into the embed's
iframe through oEmbed (oembed.com, version 1.0, type « rich »): ``/oembed?url=…`` answers with
the builder's snippet for the embed nearest to the link (its period, granularity and display; a
département, which an embed cannot show, is dropped and the title says which chart it is). Pages
and embeds name that endpoint in a ``<link rel="alternate" type="application/json+oembed">``,
and carry Open Graph and Twitter Card tags for social networks.

Absolute URLs come from ``settings.public_url``, never from the request's ``Host``: whole answers
are kept in memory (answers.py), and a forged host must not poison them.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, replace
from urllib.parse import parse_qs, urlsplit

import flask
from markupsafe import escape

from barometre.charts import french, image
from barometre.data.services import Services
from barometre.data.store import StoreError
from barometre.publish import validation
from barometre.publish.validation import DISPLAY_PARAMS, InvalidInput
from barometre.urls import Urls
from barometre.web import embed, errors, views

log = logging.getLogger(__name__)

PROVIDER_NAME = "Baromètre numérique — Gendarmerie nationale"
MAX_URL_LENGTH = 2048
DEFAULT_WIDTH = 640
MAX_SIZE = 10_000
# What a page's address says that an embed also reads.
FROM_PAGE = ("debut", "fin", "granularite", *DISPLAY_PARAMS)
# oEmbed answers may be kept by consumers this long (seconds): the data change daily at most.
CACHE_AGE = 3600
SUMMARY_LENGTH = 300


@dataclass(frozen=True)
class Shared:
    """The embed nearest to a page or an embed address: what it shows, and how to name it."""

    options: embed.Options
    parameters: dict[str, str]
    title: str
    summary: str
    # The address shared, under the site's prefix, with only what it shows in its query.
    canonical: str


def nearest_embed(
    services: Services, path: str, args: Mapping[str, str], today: dt.date
) -> Shared | None:
    """Return the embed for the site path ``path`` (prefix included) and its query ``args``, or
    None when the path is neither an indicator page nor an embed, or names nothing that exists."""
    urls = Urls(services.settings.url_prefix)
    parts = urls.strip(path).strip("/").split("/")
    if len(parts) != 2 or parts[0] not in ("indicateurs", "embed"):
        return None
    kind, indicator_id = parts
    allowed = FROM_PAGE if kind == "indicateurs" else embed.PARAMETERS
    chosen = {key: args.get(key, "") for key in allowed}
    try:
        options = embed.parse_options(services, indicator_id, chosen, today)
        if kind == "indicateurs":
            # A département the page would not show makes it a 404: no chart to share either.
            validation.departement(
                options.indicator,
                services.catalogue.breakdowns.get(validation.DEPARTEMENT),
                args.get("departement"),
            )
        chart, subtitle = embed.shown(services, options)
    except (embed.NotFound, InvalidInput):
        return None
    # A département's evolution is not an embed: the nation's is shared, and says so.
    where = " (France entière)" if kind == "indicateurs" and args.get("departement") else ""
    subtitle = subtitle[:1].lower() + subtitle[1:]
    parameters = options.parameters(chosen)
    if kind == "embed":
        canonical = urls.path(f"/embed/{indicator_id}", **parameters)
    else:
        kept = {key: args[key] for key in (*FROM_PAGE, validation.DEPARTEMENT) if args.get(key)}
        canonical = urls.indicator(indicator_id, **kept)
    return Shared(
        options=options,
        parameters=parameters,
        title=f"{options.indicator.title}{where} — {subtitle}",
        summary=chart.summary,
        canonical=canonical,
    )


def image_path(services: Services, shared: Shared, extension: str = "png") -> str:
    """Return the site path of the image of an embed's chart (its theme, in the light one)."""
    urls = Urls(services.settings.url_prefix)
    parameters = {k: v for k, v in shared.parameters.items() if k not in ("theme", "hauteur")}
    if shared.options.theme == "sombre":
        parameters["theme"] = "sombre"
    return urls.path(f"/embed/{shared.options.indicator.id}/image.{extension}", **parameters)


def first_values(query_string: str) -> dict[str, str]:
    """Return a query string's parameters, the first value of a repeated one (as pages read it)."""
    return {key: values[0] for key, values in parse_qs(query_string).items()}


def absolute(services: Services, path: str) -> str:
    """Return the public absolute URL of a site path (prefix included)."""
    return services.settings.public_url + path


def oembed_url(services: Services, page_url: str) -> str:
    """Return the public address of the oEmbed answer for ``page_url``."""
    urls = Urls(services.settings.url_prefix)
    return absolute(services, urls.path("/oembed", url=page_url, format="json"))


def head_tags(services: Services, shared: Shared, page_url: str) -> str:
    """Return the discovery link and the social-card tags of a page or embed at ``page_url``."""
    summary = shared.summary
    if len(summary) > SUMMARY_LENGTH:
        summary = summary[: SUMMARY_LENGTH - 1].rsplit(" ", 1)[0] + "…"
    picture = absolute(services, image_path(services, shared))
    tags = [
        ("link", {"rel": "alternate", "type": "application/json+oembed",
                  "href": oembed_url(services, page_url), "title": shared.title}),
        ("meta", {"property": "og:type", "content": "website"}),
        ("meta", {"property": "og:site_name", "content": embed.SITE_NAME}),
        ("meta", {"property": "og:locale", "content": "fr_FR"}),
        ("meta", {"property": "og:title", "content": shared.title}),
        ("meta", {"property": "og:description", "content": summary}),
        ("meta", {"property": "og:url", "content": page_url}),
        ("meta", {"property": "og:image", "content": picture}),
        ("meta", {"property": "og:image:type", "content": "image/png"}),
        ("meta", {"property": "og:image:width", "content": str(image.WIDTH)}),
        ("meta", {"property": "og:image:height", "content": str(image.HEIGHT)}),
        ("meta", {"property": "og:image:alt", "content": shared.title}),
        ("meta", {"name": "twitter:card", "content": "summary_large_image"}),
        ("meta", {"name": "twitter:title", "content": shared.title}),
        ("meta", {"name": "twitter:description", "content": summary}),
        ("meta", {"name": "twitter:image", "content": picture}),
    ]  # fmt: skip
    return "\n".join(
        f"<{name} "
        + " ".join(f'{key}="{escape(value)}"' for key, value in attributes.items())
        + ">"
        for name, attributes in tags
    )


def page_head(services: Services, path: str, query_string: str, today: dt.date) -> str:
    """Return the sharing tags of the page or embed at ``path``, or "" when it has none."""
    try:
        shared = nearest_embed(services, path, first_values(query_string), today)
    except StoreError:
        raise
    except Exception:
        # The tags are an extra: a chart that cannot be drawn leaves its page without them (its
        # own block says so), never takes the page down.
        log.exception("balises de partage impossibles : %s?%s", path, query_string)
        return ""
    if shared is None:
        return ""
    return head_tags(services, shared, absolute(services, shared.canonical))


# -- the provider ------------------------------------------------------------------------------


class Refused(Exception):
    """An oEmbed request answered with an error: HTTP status, French title and message."""

    def __init__(self, status: int, title: str, message: str):
        super().__init__(message)
        self.status, self.title, self.message = status, title, message


def answer(services: Services, args: Mapping[str, str], today: dt.date) -> dict:
    """Return the oEmbed answer (a dict for JSON) for the request's ``args``; ``Refused``."""
    if args.get("format", "json") != "json":
        raise Refused(501, "Format non pris en charge", "Seul le format json est proposé.")
    url = args.get("url", "")
    if not url:
        raise Refused(
            400, "Adresse manquante", "Le paramètre url (l'adresse d'un graphique) manque."
        )
    max_width, max_height = (_size(args, name) for name in ("maxwidth", "maxheight"))
    shared = _ours(services, url, today)
    width = min(max_width, embed.HEIGHT_MAX) if max_width else DEFAULT_WIDTH
    height = shared.options.height
    parameters = dict(shared.parameters)
    if max_height and max_height < height:
        height = max_height
        parameters["hauteur"] = str(max(height, embed.HEIGHT_MIN))
    urls = Urls(services.settings.url_prefix)
    origin = services.settings.public_url
    html = embed.snippet(origin, urls, shared.options, parameters, max_width=width, height=height)
    return {
        "version": "1.0",
        "type": "rich",
        "title": shared.title,
        "provider_name": PROVIDER_NAME,
        "provider_url": absolute(services, urls.path("/")),
        "cache_age": CACHE_AGE,
        "html": html,
        "width": width,
        "height": height,
        "thumbnail_url": absolute(services, image_path(services, shared)),
        "thumbnail_width": image.WIDTH,
        "thumbnail_height": image.HEIGHT,
    }


def _size(args: Mapping[str, str], name: str) -> int | None:
    value = args.get(name, "")
    if not value:
        return None
    if not (value.isascii() and value.isdigit()) or not 0 < int(value) <= MAX_SIZE:
        raise Refused(
            400,
            "Paramètre invalide",
            f"{name} doit être un nombre entier de pixels de 1 à {MAX_SIZE}.",
        )
    return int(value)


def _ours(services: Services, url: str, today: dt.date) -> Shared:
    """Return the embed for ``url``, one of this site's chart addresses; ``Refused`` (404)."""
    public = urlsplit(services.settings.public_url)
    unknown = Refused(
        404,
        "Adresse inconnue",
        f"Seules les adresses des graphiques de {services.settings.public_url} "
        "(pages d'indicateur et intégrations) ont une réponse oEmbed.",
    )
    if len(url) > MAX_URL_LENGTH:
        raise unknown
    try:
        parts = urlsplit(url)
        same = (parts.scheme, parts.hostname, parts.port) == (
            public.scheme,
            public.hostname,
            public.port,
        )
    except ValueError:
        raise unknown from None
    if not same or parts.username or parts.password:
        raise unknown
    shared = nearest_embed(services, parts.path, first_values(parts.query), today)
    if shared is None:
        raise unknown
    return shared


def _drawn(chart, caption: image.Caption, theme: str, extension: str) -> bytes:
    """Return a chart drawn as a standalone SVG document, or that document as PNG."""
    document = image.svg(chart, caption, theme)
    return image.png(document) if extension == "png" else document.encode()


def picture(services: Services, shared: Shared, extension: str) -> bytes:
    """Return the image of an embed's chart as SVG or PNG bytes (memoized on the data version)."""
    options = shared.options
    theme = "sombre" if options.theme == "sombre" else "clair"

    def draw() -> bytes:
        chart, subtitle = embed.shown(services, options)
        caption = image.Caption(
            title=options.indicator.title,
            period=subtitle,
            source=chart.source,
            summary=chart.summary,
            demo=services.store.is_demo(),
        )
        return _drawn(chart.model, caption, theme, extension)

    # What the image shows, not how it was asked (a height, « auto » or a date before the data
    # would each draw the same image again and keep it apart).
    breakdown = options.breakdown.id if options.breakdown else ""
    key = (extension, theme, *options.query.key(), breakdown, options.frozen)
    key += (tuple(sorted(options.display.params().items())), dt.date.today())
    return services.memoized("image", key, draw)


IMAGE_TYPES = {"png": "image/png", "svg": "image/svg+xml"}
# The address of a page's chart image: the page's parameters, and which chart.
PAGE_IMAGE_PARAMS = (*FROM_PAGE, validation.DEPARTEMENT, "graphique", "theme")


def page_picture(
    services: Services, indicator_id: str, args: Mapping[str, str], extension: str
) -> bytes | None:
    """Return the image of one chart of an indicator page (``args``: the page's parameters and
    ``graphique``), or None when the page or the chart does not exist."""
    indicator = services.catalogue.get(indicator_id)
    bounds = services.store.bounds(indicator_id) if indicator else None
    if bounds is None:
        return None
    try:
        query = validation.query(
            indicator, bounds, args.get("debut"), args.get("fin"), args.get("granularite")
        )
        breakdown = services.catalogue.breakdowns.get(validation.DEPARTEMENT)
        code = validation.departement(indicator, breakdown, args.get("departement"))
    except InvalidInput:
        return None
    query = replace(query, departement=code)
    display = validation.display_from_params(dict(args))
    wanted = f"{indicator.id}-{args.get('graphique') or 'evolution'}"
    theme = "sombre" if args.get("theme") == "sombre" else "clair"

    def draw() -> bytes | None:
        charts = views.with_display(views.indicator_charts(services, query), display)
        chart = next((c for c in charts if c.id == wanted), None)
        if chart is None:
            return None
        span = french.format_span(query.start, query.end, query.granularity)
        caption = image.Caption(
            title=indicator.title,
            period=f"{chart.title}, {span}",
            source=chart.source,
            summary=chart.summary,
            demo=services.store.is_demo(),
        )
        return _drawn(chart.model, caption, theme, extension)

    # A month closes at midnight: what a page publishes changes with the day (views.py).
    key = (extension, theme, wanted, *query.key(), tuple(sorted(display.params().items())))
    key += (dt.date.today(),)
    return services.memoized("page-image", key, draw)


def _image_response(body: bytes, name: str, extension: str) -> flask.Response:
    response = flask.Response(body, mimetype=IMAGE_TYPES[extension])
    response.headers["Content-Disposition"] = f'inline; filename="{name}.{extension}"'
    return response


def register(server: flask.Flask, services: Services) -> None:
    """Add the ``<prefix>oembed`` route and the charts' images to ``server``."""
    urls = Urls(services.settings.url_prefix)

    @server.get(urls.path("/embed/<indicator_id>/image.<extension>"))
    def chart_image(indicator_id: str, extension: str):
        if extension not in IMAGE_TYPES:
            return errors.answer(404)
        args = {key: flask.request.args.get(key, "") for key in embed.PARAMETERS}
        try:
            shared = nearest_embed(
                services, urls.path(f"/embed/{indicator_id}"), args, dt.date.today()
            )
            if shared is None:
                return errors.answer(404)
            body = picture(services, shared, extension)
        except StoreError:
            return errors.answer(503)
        return _image_response(body, indicator_id, extension)

    @server.get(urls.path("/indicateurs/<indicator_id>/image.<extension>"))
    def page_chart_image(indicator_id: str, extension: str):
        if extension not in IMAGE_TYPES:
            return errors.answer(404)
        args = {key: flask.request.args.get(key, "") for key in PAGE_IMAGE_PARAMS}
        try:
            body = page_picture(services, indicator_id, args, extension)
        except StoreError:
            return errors.answer(503)
        if body is None:
            return errors.answer(404)
        name = f"{indicator_id}-{args['graphique'] or 'evolution'}"
        return _image_response(body, name, extension)

    @server.get(urls.path("/oembed"))
    def oembed():
        args = {key: flask.request.args.get(key, "") for key in flask.request.args}
        try:
            body, status = answer(services, args, dt.date.today()), 200
        except Refused as refused:
            body = {"erreur": refused.title, "message": refused.message}
            status = refused.status
        except StoreError:
            return errors.answer(503)
        return flask.Response(
            json.dumps(body, ensure_ascii=False), status, mimetype="application/json"
        )
