"""Embeddable charts: server-rendered pages at ``<prefix>embed/<identifiant>`` and their snippet.

An embed is a plain HTML page (no Dash renderer, no callback round trip): the title, the figure as
JSON drawn by the partial plotly.js bundle, the French summary, the data table behind a « Voir les
données » button, the source and the date of the data. ``assets/embed/embed.js`` draws the chart,
runs the table switch and posts the page's height to the host page, whose copy-paste snippet
(``snippet``) resizes the iframe. The framing policy (which origins may frame these pages) lives in
``security.py``.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

import flask
import jinja2
from markupsafe import Markup

from barometre import __version__
from barometre.charts import drawings, exploration, figures, french
from barometre.charts import model as chart_model
from barometre.data.catalogue import Breakdown, Indicator
from barometre.data.services import Services
from barometre.data.store import StoreError
from barometre.publish.validation import (
    COMPARISON_SHOWN,
    DEFAULT_DISPLAY,
    DISPLAY_PARAMS,
    EVENTS_HIDDEN,
    Display,
    InvalidInput,
    Query,
    display_from_params,
    parse_date,
    query,
)
from barometre.urls import Urls
from barometre.web import errors, ids, views
from barometre.web.layouts.common import CHECKED_WORDS

log = logging.getLogger(__name__)

SITE_NAME = "Baromètre numérique"
THEMES = ("clair", "sombre", "auto")
HEIGHT_MIN = 200
HEIGHT_MAX = 3000
HEIGHT_DEFAULT = 500
MESSAGE_TYPE = "barometre:hauteur"
# Parameters of the query string, in the order the snippet writes them; the display ones (events
# hidden, year-ago overlay shown) as in the site's permalinks: what embed.js's checkboxes ask the
# server's drawing for, and what a snippet may start with.
PARAMETERS = ("debut", "fin", "granularite", "ventilation", "theme", "hauteur", "fige")
PARAMETERS += DISPLAY_PARAMS


@dataclass(frozen=True)
class Options:
    """The validated options of one embed."""

    query: Query
    breakdown: Breakdown | None
    theme: str
    height: int
    frozen: dt.date | None
    display: Display = DEFAULT_DISPLAY

    @property
    def indicator(self) -> Indicator:
        """The indicator shown."""
        return self.query.indicator

    def parameters(self, explicit: Mapping[str, str] | None = None) -> dict[str, str]:
        """Return the query-string parameters that reproduce these options.

        ``explicit`` lists what the user chose: a live embed without a period keeps following
        new data instead of being pinned to today's last date.
        """
        explicit = explicit or {}
        values = {
            "debut": explicit.get("debut", ""),
            "fin": explicit.get("fin", ""),
            "granularite": "" if self.breakdown else self.query.granularity,
            "ventilation": self.breakdown.id if self.breakdown else "",
            "theme": self.theme if self.theme != "clair" else "",
            "hauteur": str(self.height) if self.height != HEIGHT_DEFAULT else "",
            "fige": self.frozen.isoformat() if self.frozen else "",
            **dict.fromkeys(DISPLAY_PARAMS, ""),
            **self.display.params(),
        }
        return {key: values[key] for key in PARAMETERS if values[key]}


class NotFound(LookupError):
    """The requested indicator, or breakdown of it, does not exist; ``args[0]`` says which."""


def _one(args: Mapping[str, str], name: str) -> str:
    value = args.get(name, "")
    return value.strip() if isinstance(value, str) else ""


def parse_options(
    services: Services, indicator_id: str, args: Mapping[str, str], today: dt.date
) -> Options:
    """Validate an embed's query string; ``InvalidInput`` (French message) or ``NotFound``."""
    indicator = services.catalogue.get(indicator_id)
    if indicator is None:
        raise NotFound(_not_found(indicator_id))
    frozen = parse_date(_one(args, "fige"), "fige")
    if frozen is not None and frozen > today:
        raise InvalidInput("fige", "«\u00a0fige\u00a0» ne peut pas être une date future.")
    theme = _one(args, "theme") or "clair"
    if theme not in THEMES:
        raise InvalidInput("theme", "«\u00a0theme\u00a0» doit valoir clair, sombre ou auto.")
    height = _height(_one(args, "hauteur"))
    breakdown = None
    dimension = _one(args, "ventilation")
    if dimension:
        if dimension not in indicator.breakdowns:
            # A chart that does not exist, as an unknown indicator: 404, not a bad value.
            allowed = ", ".join(indicator.breakdowns) or "aucune pour cet indicateur"
            raise NotFound(f"Ventilation inconnue\u00a0; valeurs possibles\u00a0: {allowed}.")
        breakdown = services.catalogue.breakdowns[dimension]
    bounds = services.store.bounds(indicator.id, as_of=frozen)
    if bounds is None:
        when = f" au {french.format_date(frozen)}" if frozen else ""
        # What to enter instead (RGAA 11.11): the builder shows this message under its fields.
        raise InvalidInput(
            "fige",
            f"Aucune donnée n'était publiée pour cet indicateur{when}. Choisissez une date plus "
            "récente, ou aucune pour suivre les mises à jour.",
        )
    validated = query(
        indicator, bounds, _one(args, "debut"), _one(args, "fin"), _one(args, "granularite")
    )
    # A breakdown's bars have no display: its parameters are left out, as on the site.
    display = DEFAULT_DISPLAY if breakdown else display_from_params(dict(args))
    return Options(validated, breakdown, theme, height, frozen, display)


def _height(value: str) -> int:
    if not value:
        return HEIGHT_DEFAULT
    if not (value.isascii() and value.isdigit()) or not HEIGHT_MIN <= int(value) <= HEIGHT_MAX:
        raise InvalidInput(
            "hauteur",
            f"«\u00a0hauteur\u00a0» doit être un nombre entier de pixels"
            f" entre {HEIGHT_MIN} et {HEIGHT_MAX}.",
        )
    return int(value)


# -- content ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Content:
    """What an embed shows: the site's chart (one view for both), and what only a frame says."""

    chart: views.Chart
    subtitle: str
    figures: dict  # theme name -> plotly figure dict
    # The checkboxes the chart needs (ids.SHOW_EVENTS, ids.COMPARE).
    checkboxes: tuple[str, ...] = ()


def content(services: Services, options: Options) -> Content:
    """Return the chart, summary and table of an embed (memoized on the data version)."""
    q = options.query
    params = (
        q.indicator.id,
        q.start,
        q.end,
        q.granularity,
        options.breakdown.id if options.breakdown else "",
        options.theme,
        options.frozen,
        options.display.params(),
    )
    return services.memoized("embed", params, lambda: _content(services, options))


# The data arrays of a trace: with theme=auto they are sent once, with the first theme only.
DATA_KEYS = frozenset({"x", "y", "text", "customdata", "hovertext"})


def _unzoomable(figure: dict) -> dict:
    """Return a figure nothing zooms by dragging: an embed has no modebar, whose buttons would
    zoom in single presses (RGAA 13.10); its period is its address's."""
    layout = figure["layout"]
    layout["dragmode"] = False
    for axis in [name for name in layout if name.startswith(("xaxis", "yaxis"))]:
        layout[axis] = {**layout[axis], "fixedrange": True}
    return figure


def _by_theme(theme: str, chart: chart_model.Chart) -> dict:
    """Return {theme: figure dict}; for « auto » the dark figure keeps only its styles.

    embed.js merges each dark trace over the light one, so that a long daily series is not
    sent twice.
    """
    if theme != "auto":
        return {theme: _unzoomable(figures.plotly_figure(chart, theme).to_plotly_json())}
    light = _unzoomable(figures.plotly_figure(chart, "clair").to_plotly_json())
    dark = _unzoomable(figures.plotly_figure(chart, "sombre").to_plotly_json())
    dark["data"] = [{k: v for k, v in t.items() if k not in DATA_KEYS} for t in dark["data"]]
    return {"clair": light, "sombre": dark}


def shown(services: Services, options: Options) -> tuple[views.Chart, str]:
    """Return the chart an embed shows and its subtitle, without its plotly figures (what its
    sharing tags say)."""
    q = replace(options.query, as_of=options.frozen)
    if options.breakdown is None:
        [chart] = views.with_display([views.evolution(services, q)], options.display)
        subtitle = f"{french.format_span(q.start, q.end, q.granularity).capitalize()}, " + (
            f"par {french.PERIOD_NOUNS[q.granularity]}"
        )
    else:
        chart = views.breakdown_chart(services, q, options.breakdown.id)
        subtitle = f"{chart.title}, {french.format_span(q.start, q.end, 'jour')}"
    return chart, subtitle


def _content(services: Services, options: Options) -> Content:
    chart, subtitle = shown(services, options)
    return Content(
        chart=chart,
        subtitle=subtitle,
        figures=_by_theme(options.theme, chart.model),
        checkboxes=_checkboxes(chart.model),
    )


def _checkboxes(chart: chart_model.Chart) -> tuple[str, ...]:
    """Return the checkboxes an embed shows, as the site's pages do, but only those whose chart
    has what they act on (events inside the period, a year-ago overlay)."""
    if not isinstance(chart, chart_model.TimeChart):
        return ()
    found = []
    if chart.events:
        found.append(ids.SHOW_EVENTS)
    if chart.has_comparison:
        found.append(ids.COMPARE)
    return tuple(found)


# -- HTML ------------------------------------------------------------------------------------

# Templates with autoescape: the embed is a small static page, not a Dash layout, and
# Jinja (Flask's own) escapes every value it writes.
TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("barometre.web", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=False,
)


def _json_script(data: object) -> Markup:
    # Inside <script type="application/json">, "<" must never start "</script>".
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)  # noqa: S704  # nosec: escaped above


def _rendered(urls: Urls, template: str, **values) -> str:
    def asset(name: str) -> str:
        return urls.path(f"/assets/{name}", v=__version__)

    return TEMPLATES.get_template(template).render(asset=asset, site_name=SITE_NAME, **values)


def render(
    services: Services, options: Options, explicit: Mapping[str, str], head: str = ""
) -> str:
    """Return the HTML of an embed page (``head``: more tags for its ``<head>``, escaped)."""
    urls = Urls(services.settings.url_prefix)
    shown = content(services, options)
    indicator = options.indicator
    full_page = urls.indicator(
        indicator.id,
        debut=explicit.get("debut", ""),
        fin=explicit.get("fin", ""),
        granularite="" if options.breakdown else options.query.granularity,
        **options.display.params(),
    )
    config = {
        "id": indicator.id,
        "theme": options.theme,
        "hauteur": options.height,
        "figures": shown.figures,
        "config": dict(figures.GRAPH_CONFIG, displayModeBar=False),
        "messageType": MESSAGE_TYPE,
        # What embed.js's checkboxes show or hide (figures.set_display does the same).
        "marques": {"evenement": figures.EVENT_MARK, "comparaison": figures.COMPARISON_META},
        # What the link to the full page says of a display other than the default (as the
        # site's permalink: validation.Display.params).
        "parametres": {"evenement": EVENTS_HIDDEN, "comparaison": COMPARISON_SHOWN},
        # What the checkboxes show at first: the display the address asks for.
        "affichage": {
            "evenement": options.display.events,
            "comparaison": options.display.comparison,
        },
        # Loaded by embed.js when the reader asks to zoom: the server's drawing shows until then.
        "scripts": [
            urls.path(f"/assets/{name}", v=__version__)
            for name in ("vendor/plotly-basic.min.js", "plotly-locale-fr.js", "display.js")
        ],
    }
    return _rendered(
        urls,
        "embed.html",
        title=indicator.title,
        theme=options.theme,
        heading=indicator.title,
        subtitle=shown.subtitle,
        demo=services.store.is_demo(),
        chart=shown.chart,
        drawing=Markup(  # noqa: S704  # nosec: drawings escapes
            drawings.chart_html(
                shown.chart.model,
                hidden=True,
                height=None,
                explore=exploration.exploration(
                    shown.chart.model, shown.chart.table, indicator.title
                ),
            )
        ),
        explore_help=exploration.HELP,
        checkboxes=[
            (box_id, label, checked)
            for (box_id, label), checked in zip(
                ids.DISPLAY_CHECKBOXES,
                (options.display.events, options.display.comparison),
                strict=True,
            )
            if box_id in shown.checkboxes
        ],
        checked_words=CHECKED_WORDS,
        full_page=full_page,
        config=_json_script(config),
        head=Markup(head),  # noqa: S704  # nosec: sharing.head_tags escapes
    )


def render_message(services: Services, title: str, message: str) -> str:
    """Return a small page that says, in the frame, why the chart cannot be shown."""
    urls = Urls(services.settings.url_prefix)
    return _rendered(
        urls, "embed_message.html", title=title, theme="auto", message=message, home=urls.path("/")
    )


# -- snippet ---------------------------------------------------------------------------------

# The host page's listener: only messages from the Baromètre's origin, only for the iframe that
# sent them. ES5 on purpose: it is pasted into pages we do not control.
_LISTENER = (
    "(function(){var o=%s;window.addEventListener('message',function(e){"
    "var d=e.data;if(e.origin!==o||!d||d.type!=='%s')return;"
    "var h=Math.ceil(Number(d.hauteur));if(!(h>0&&h<20000))return;"
    "var f=document.getElementsByTagName('iframe');"
    "for(var i=0;i<f.length;i++){if(f[i].contentWindow===e.source){f[i].style.height=h+'px';}}"
    "});})();"
)


def embed_url(origin: str, urls: Urls, indicator_id: str, parameters: Mapping[str, str]) -> str:
    """Return the absolute URL of an embed."""
    return origin.rstrip("/") + urls.path(f"/embed/{indicator_id}", **parameters)


def snippet(
    origin: str,
    urls: Urls,
    options: Options,
    parameters: Mapping[str, str],
    max_width: int | None = None,
    height: int | None = None,
) -> str:
    """Return the copy-paste HTML: the iframe, then the script that resizes it.

    ``max_width`` and ``height`` (px): the size an oEmbed consumer asked for; by default the
    frame takes the host's width and the embed's height.
    """
    quoted = json.dumps(origin.rstrip("/")).replace("<", "\\u003c")
    listener = _LISTENER % (quoted, MESSAGE_TYPE)
    return _rendered(
        urls,
        "embed_snippet.html",
        src=embed_url(origin, urls, options.indicator.id, parameters),
        title=options.indicator.title,
        height=height or options.height,
        max_width=max_width,
        # Our own code, with the origin as a JSON string that cannot close the script.
        listener=Markup(listener),  # noqa: S704  # nosec
    )


# -- route -----------------------------------------------------------------------------------


def register(
    server: flask.Flask,
    services: Services,
    head: Callable[[Services, str, str, dt.date], str] = lambda *_: "",
) -> None:
    """Add the ``<prefix>embed/<identifiant>`` route to ``server``; ``head`` returns the tags an
    embed's ``<head>`` gets for the path and query string it is asked with (sharing.py)."""
    urls = Urls(services.settings.url_prefix)

    @server.get(urls.path("/embed/<indicator_id>"))
    def embed_page(indicator_id: str):
        args = {key: flask.request.args.get(key, "") for key in PARAMETERS}
        try:
            today = dt.date.today()
            options = parse_options(services, indicator_id, args, today)
            tags = head(
                services,
                flask.request.path,
                flask.request.query_string.decode(errors="replace"),
                today,
            )
            html = render(services, options, args, tags)
        except NotFound as missing:
            return _page(services, "Graphique introuvable", missing.args[0], 404)
        except InvalidInput as error:
            return _page(services, "Paramètre invalide", error.message, 400)
        except StoreError as error:
            log.error("embed : base indisponible : %s", error)
            return _page(
                services,
                "Service indisponible",
                "Les données ne peuvent pas être lues pour le moment\u00a0; réessayez plus tard.",
                503,
            )
        # Compressed by static.py like every page (a daily series' table weighs 10 times less).
        return flask.Response(html, mimetype="text/html")


def _not_found(indicator_id: str) -> str:
    return f"Aucun indicateur ne porte l'identifiant «\u00a0{indicator_id[:80]}\u00a0»."


def _page(services: Services, title: str, message: str, status: int) -> flask.Response:
    page = render_message(services, title, message)
    response = flask.Response(page, status, mimetype="text/html")
    if status == 503:  # as every other 503 of the site: when to try again
        response.headers["Retry-After"] = str(errors.RETRY_AFTER_SECONDS)
    return response
