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
from collections.abc import Mapping
from dataclasses import dataclass

import flask
from markupsafe import Markup, escape

from barometre import __version__, drawings, errors, figures, ids, secrecy, summaries, views
from barometre.catalogue import Breakdown, Indicator
from barometre.services import Services
from barometre.store import StoreError
from barometre.urls import Urls
from barometre.validation import (
    COMPARISON_SHOWN,
    EVENTS_HIDDEN,
    InvalidInput,
    Query,
    parse_date,
    query,
)

log = logging.getLogger(__name__)

SITE_NAME = "Baromètre numérique"
THEMES = ("clair", "sombre", "auto")
HEIGHT_MIN = 200
HEIGHT_MAX = 3000
HEIGHT_DEFAULT = 500
MESSAGE_TYPE = "barometre:hauteur"
# Like the indicator page: a bar chart of the 101 départements keeps the largest ones.
TOP_MEMBERS = 15
# Parameters of the query string, in the order the snippet writes them.
PARAMETERS = ("debut", "fin", "granularite", "ventilation", "theme", "hauteur", "fige")


@dataclass(frozen=True)
class Options:
    """The validated options of one embed."""

    query: Query
    breakdown: Breakdown | None
    theme: str
    height: int
    frozen: dt.date | None

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
        }
        return {key: values[key] for key in PARAMETERS if values[key]}


class NotFound(LookupError):
    """The requested indicator does not exist."""


def _one(args: Mapping[str, str], name: str) -> str:
    value = args.get(name, "")
    return value.strip() if isinstance(value, str) else ""


def parse_options(
    services: Services, indicator_id: str, args: Mapping[str, str], today: dt.date
) -> Options:
    """Validate an embed's query string; ``InvalidInput`` (French message) or ``NotFound``."""
    indicator = services.catalogue.get(indicator_id)
    if indicator is None:
        raise NotFound(indicator_id)
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
            allowed = ", ".join(indicator.breakdowns) or "aucune pour cet indicateur"
            raise InvalidInput(
                "ventilation", f"Ventilation inconnue\u00a0; valeurs possibles\u00a0: {allowed}."
            )
        breakdown = services.catalogue.breakdowns[dimension]
    bounds = services.store.bounds(indicator.id, as_of=frozen)
    if bounds is None:
        when = f" au {summaries.format_date(frozen)}" if frozen else ""
        raise InvalidInput("fige", f"Aucune donnée n'était publiée pour cet indicateur{when}.")
    validated = query(
        indicator, bounds, _one(args, "debut"), _one(args, "fin"), _one(args, "granularite")
    )
    return Options(validated, breakdown, theme, height, frozen)


def _height(value: str) -> int:
    if not value:
        return HEIGHT_DEFAULT
    if not value.isdigit() or not HEIGHT_MIN <= int(value) <= HEIGHT_MAX:
        raise InvalidInput(
            "hauteur",
            f"«\u00a0hauteur\u00a0» doit être un nombre entier de pixels"
            f" entre {HEIGHT_MIN} et {HEIGHT_MAX}.",
        )
    return int(value)


# -- content ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Content:
    """What an embed shows, as plain data (cacheable)."""

    heading: str
    subtitle: str
    figures: dict  # theme name -> plotly figure dict
    summary: str
    note: str
    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    data_date: str
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
    )
    return services.memoized("embed", params, lambda: _content(services, options))


# The data arrays of a trace: with theme=auto they are sent once, with the first theme only.
DATA_KEYS = frozenset({"x", "y", "text", "customdata", "hovertext"})


def _by_theme(theme: str, build) -> dict:
    """Return {theme: figure dict}; for « auto » the dark figure keeps only its styles.

    embed.js merges each dark trace over the light one, so that a long daily series is not
    sent twice.
    """
    if theme != "auto":
        return {theme: build(theme).to_plotly_json()}
    light = build("clair").to_plotly_json()
    dark = build("sombre").to_plotly_json()
    dark["data"] = [{k: v for k, v in t.items() if k not in DATA_KEYS} for t in dark["data"]]
    return {"clair": light, "sombre": dark}


def _content(services: Services, options: Options) -> Content:
    q, breakdown, store = options.query, options.breakdown, services.store
    indicator = q.indicator
    if breakdown is None:
        frame = store.series(indicator, q.start, q.end, q.granularity, as_of=options.frozen)
        # The same periods a year earlier, for the overlay and the table's column.
        previous = store.series(
            indicator,
            summaries.shift_year_back(q.start, q.granularity),
            summaries.shift_year_back(q.end, q.granularity),
            q.granularity,
            as_of=options.frozen,
        )
        events = services.events.concerning(indicator)
        built = _by_theme(
            options.theme,
            lambda t: figures.time_series_figure(
                frame, indicator, q.granularity, t, events, previous
            ),
        )
        summary = summaries.chart_summary(indicator, frame, q.granularity, events)
        table = views.series_table(frame, indicator, q.granularity, events, previous)
        columns, rows = table.columns, table.rows
        subtitle = f"{summaries.format_span(q.start, q.end, q.granularity).capitalize()}, " + (
            f"par {summaries.PERIOD_NOUNS[q.granularity]}"
        )
        note = ""
        checkboxes = _checkboxes(next(iter(built.values())))
    else:
        # Statistical secrecy: small counts never leave the site, embedded or not.
        frame = secrecy.protect(
            store,
            services.catalogue,
            indicator,
            breakdown.id,
            store.breakdown(indicator, breakdown.id, q.start, q.end, as_of=options.frozen),
            services.settings.secrecy_threshold,
            q.start,
            q.end,
            as_of=options.frozen,
        )
        top = TOP_MEMBERS if len(breakdown.members) > 30 else None
        built = _by_theme(
            options.theme,
            lambda t: figures.breakdown_bar_figure(frame, indicator, breakdown, t, top),
        )
        summary = summaries.breakdown_summary(indicator, breakdown, frame)
        table = summaries.breakdown_rows(frame, indicator, breakdown)
        shares = any(r["part"] for r in table)
        columns = (breakdown.title, _value_heading(indicator)) + (("Part",) if shares else ())
        rows = tuple((r["membre"], r["valeur"]) + ((r["part"],) if shares else ()) for r in table)
        subtitle = (
            f"Répartition par {breakdown.title[0].lower()}{breakdown.title[1:]}, "
            f"{summaries.format_span(q.start, q.end, 'jour')}"
        )
        note = (
            f"Graphique limité aux {top} premiers sur {len(breakdown.members)}\u00a0; "
            "le tableau les donne tous."
            if top
            else ""
        )
        hidden = secrecy.note(
            secrecy.masked_count(frame), services.settings.secrecy_threshold, breakdown.id
        )
        note = " ".join(part for part in (note, hidden) if part)
        checkboxes = ()
    return Content(
        heading=indicator.title,
        subtitle=subtitle,
        figures=built,
        summary=summary,
        note=note,
        caption=f"{indicator.title} — {subtitle[0].lower()}{subtitle[1:]}",
        columns=columns,
        rows=rows,
        data_date=_data_date(services, options),
        checkboxes=checkboxes,
    )


def _checkboxes(figure: dict) -> tuple[str, ...]:
    """Return the checkboxes an embed shows, as the site's pages do, but only those whose chart
    has what they act on (events inside the period, a year-ago overlay)."""
    layout = figure.get("layout", {})
    marks = layout.get("shapes", []) + layout.get("annotations", [])
    found = []
    if any(mark.get("name") == figures.EVENT_MARK for mark in marks):
        found.append(ids.SHOW_EVENTS)
    if any(trace.get("meta") == figures.COMPARISON_META for trace in figure.get("data", [])):
        found.append(ids.COMPARE)
    return tuple(found)


def _value_heading(indicator: Indicator) -> str:
    unit = summaries.unit_text(indicator)
    return f"Valeur ({unit})" if unit else "Valeur"


def _data_date(services: Services, options: Options) -> str:
    if options.frozen is not None:
        return f"Données au {summaries.format_date(options.frozen)}"
    last = services.store.last_update()
    if not last:
        return ""
    day = dt.datetime.fromisoformat(last).date()
    return f"Données mises à jour le {summaries.format_date(day)}"


# -- HTML ------------------------------------------------------------------------------------


def _json_script(data: object) -> Markup:
    # Inside <script type="application/json">, "<" must never start "</script>".
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)  # noqa: S704  # nosec: escaped above


def _asset(urls: Urls, name: str) -> str:
    return urls.path(f"/assets/{name}", v=__version__)


def _head(urls: Urls, title: str, theme: str) -> str:
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="fr" data-theme="{escape(theme)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="robots" content="noindex">\n'
        f"<title>{escape(title)}</title>\n"
        f'<link rel="stylesheet" href="{escape(_asset(urls, "embed/embed.css"))}">\n'
        f'<link rel="stylesheet" href="{escape(_asset(urls, "drawings.css"))}">\n'
        "</head>\n"
    )


def render(services: Services, options: Options, explicit: Mapping[str, str]) -> str:
    """Return the HTML of an embed page."""
    urls = Urls(services.settings.url_prefix)
    shown = content(services, options)
    indicator = options.indicator
    full_page = urls.indicator(
        indicator.id,
        debut=explicit.get("debut", ""),
        fin=explicit.get("fin", ""),
        granularite="" if options.breakdown else options.query.granularity,
    )
    head_row = "".join(f'<th scope="col">{escape(c)}</th>' for c in shown.columns)
    body_rows = "".join(
        f'<tr><th scope="row">{escape(row[0])}</th>'
        + "".join(f"<td>{escape(cell)}</td>" for cell in row[1:])
        + "</tr>"
        for row in shown.rows
    )
    demo = (
        '<p class="embed-demo"><strong>Données de démonstration</strong>\u00a0: '
        "ce ne sont pas des chiffres officiels.</p>"
        if services.store.is_demo()
        else ""
    )
    facts = " · ".join(
        escape(part) for part in (f"Source\u00a0: {indicator.source}", shown.data_date) if part
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
        # Loaded by embed.js at the reader's first move: the server's drawing shows until then.
        "scripts": [
            _asset(urls, name)
            for name in ("vendor/plotly-basic.min.js", "plotly-locale-fr.js", "display.js")
        ],
    }
    checkboxes = "".join(
        f'<button type="button" class="embed-check" role="checkbox" id="{box_id}"'
        f' aria-checked="{"true" if box_id == ids.SHOW_EVENTS else "false"}">'
        f'<span class="embed-check-box" aria-hidden="true"></span>{escape(label)}</button>'
        for box_id, label in ids.DISPLAY_CHECKBOXES
        if box_id in shown.checkboxes
    )
    return (
        _head(urls, f"{indicator.title} — {SITE_NAME}", options.theme)
        + '<body>\n<main class="embed">\n'
        f'<h1 class="embed-title">{escape(shown.heading)}</h1>\n'
        f'<p class="embed-subtitle">{escape(shown.subtitle)}</p>\n'
        f"{demo}"
        '<figure class="embed-figure">\n'
        # The chart repeats the summary and the table in pictures: hidden from screen readers.
        '<div class="embed-chart" id="graphique" aria-hidden="true">'
        f"{drawings.chart_html(next(iter(shown.figures.values())), hidden=True, height=None)}"
        "</div>\n"
        f'<figcaption class="embed-summary">{escape(shown.summary)}</figcaption>\n'
        "</figure>\n"
        + (f'<p class="embed-note">{escape(shown.note)}</p>\n' if shown.note else "")
        + '<button type="button" class="embed-switch" id="voir-donnees" aria-expanded="true"'
        ' aria-controls="donnees" hidden>Masquer les données</button>\n'
        # Without JavaScript nothing would redraw the chart: the checkboxes wait for embed.js.
        + (
            '<div class="embed-checks" role="group" aria-label="Affichage du graphique" hidden>'
            f"{checkboxes}</div>\n"
            if checkboxes
            else ""
        )
        + '<div class="embed-table" id="donnees" role="region" aria-labelledby="donnees-legende"'
        ' tabindex="0">\n'
        f'<table><caption id="donnees-legende">{escape(shown.caption)}</caption>\n'
        f"<thead><tr>{head_row}</tr></thead>\n<tbody>{body_rows}</tbody></table>\n</div>\n"
        f'<p class="embed-facts">{facts}</p>\n'
        f'<p class="embed-link"><a id="voir-page" href="{escape(full_page)}" target="_top">'
        "Voir sur le Baromètre numérique</a></p>\n"
        "</main>\n"
        f'<script type="application/json" id="embed-config">{_json_script(config)}</script>\n'
        f'<script defer src="{escape(_asset(urls, "embed/embed.js"))}"></script>\n'
        "</body>\n</html>\n"
    )


def render_message(services: Services, title: str, message: str) -> str:
    """Return a small page that says, in the frame, why the chart cannot be shown."""
    urls = Urls(services.settings.url_prefix)
    return (
        _head(urls, f"{title} — {SITE_NAME}", "auto") + '<body>\n<main class="embed embed-error">\n'
        f'<h1 class="embed-title">{escape(title)}</h1>\n'
        f'<p role="alert">{escape(message)}</p>\n'
        f'<p class="embed-link"><a href="{escape(urls.path("/"))}" target="_top">'
        "Voir sur le Baromètre numérique</a></p>\n"
        "</main>\n</body>\n</html>\n"
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


def snippet(origin: str, urls: Urls, options: Options, parameters: Mapping[str, str]) -> str:
    """Return the copy-paste HTML: the iframe, then the script that resizes it."""
    src = embed_url(origin, urls, options.indicator.id, parameters)
    title = f"{options.indicator.title} — {SITE_NAME}"
    listener = _LISTENER % (json.dumps(origin.rstrip("/")), MESSAGE_TYPE)
    return (
        f'<iframe src="{escape(src)}" title="{escape(title)}" loading="lazy"'
        f' style="width:100%;border:0" height="{options.height}"></iframe>\n'
        f"<script>{listener}</script>"
    )


# -- route -----------------------------------------------------------------------------------


def register(server: flask.Flask, services: Services) -> None:
    """Add the ``<prefix>embed/<identifiant>`` route to ``server``."""
    urls = Urls(services.settings.url_prefix)

    @server.get(urls.path("/embed/<indicator_id>"))
    def embed_page(indicator_id: str):
        args = {key: flask.request.args.get(key, "") for key in PARAMETERS}
        try:
            options = parse_options(services, indicator_id, args, dt.date.today())
            html = render(services, options, args)
        except NotFound:
            return _page(services, "Indicateur introuvable", _not_found(indicator_id), 404)
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
