"""Under every chart: its data as CSV and JSON (links to the API) and the chart as PNG and SVG
(links to the images the server draws, web/sharing.py: no script needed)."""

from __future__ import annotations

from dash import html

from barometre.data.services import Services
from barometre.publish import export
from barometre.publish.validation import DEFAULT_DISPLAY, Display, Query
from barometre.urls import Urls

IMAGE_FORMATS = ("png", "svg")


def size_label(size: int) -> str:
    """Return a file size in French (« 850 octets », « 12 Ko », « 1,4 Mo »)."""
    if size < 1024:
        return f"{size}\u00a0octets"
    if size < 1024 * 1024:
        return f"{round(size / 1024)}\u00a0Ko"
    return f"{size / 1024 / 1024:.1f}".replace(".", ",") + "\u00a0Mo"


def data_urls(services: Services, query: Query, dimension: str) -> tuple[str, str, str]:
    """Return the API URLs (CSV, JSON) of a chart's data and the CSV text they serve."""
    urls = Urls(services.settings.url_prefix)
    indicator = query.indicator
    period = {"debut": query.start.isoformat(), "fin": query.end.isoformat()}
    if dimension:
        path = f"/api/v1/indicateurs/{indicator.id}/ventilations/{dimension}"
        frame = export.totals(services, indicator, dimension, query.start, query.end)
    else:
        path = f"/api/v1/indicateurs/{indicator.id}/observations"
        period["granularite"] = query.granularity
        # A chosen département's evolution: its own rows of the breakdown by département.
        period["departement"] = query.departement
        per_member = "departement" if query.departement else ""
        frame = export.observations(services, query, per_member, query.departement)
    text = export.to_csv(frame, services.settings.secrecy_threshold)
    return urls.path(path + ".csv", **period), urls.path(path, **period), text


def image_path(query: Query, display: Display, chart_id: str, extension: str, urls: Urls) -> str:
    """Return the site path of the image of one chart of an indicator page, as it shows."""
    indicator = query.indicator
    return urls.path(
        f"/indicateurs/{indicator.id}/image.{extension}",
        debut=query.start.isoformat(),
        fin=query.end.isoformat(),
        granularite=query.granularity,
        departement=query.departement,
        graphique=chart_id.removeprefix(indicator.id + "-"),
        **display.params(),
    )


def downloads(
    services: Services,
    query: Query,
    chart_id: str,
    title: str,
    display: Display = DEFAULT_DISPLAY,
) -> html.Div:
    """Return the download links (data and images) of one chart of an indicator page."""
    dimension = chart_id.removeprefix(query.indicator.id + "-")
    dimension = dimension if dimension in query.indicator.breakdowns else ""
    csv_url, json_url, text = data_urls(services, query, dimension)
    size = size_label(len(text.encode("utf-8")))
    named = f"«\u00a0{title}\u00a0»"
    # Accessible names come from the content (visible text plus hidden words around it), so
    # the visible text is always part of the name (WCAG 2.5.3, « label in name »). Browsers put
    # a space around the hidden words: the parentheses stay in the visible text.
    links = [
        html.A(
            _named(f"Télécharger les données du graphique {named}", visible, ""),
            href=href,
            download=f"{chart_id}.{extension}",
            className="btn btn-sm btn-outline-primary",
        )
        for visible, href, extension in (
            (f"(CSV, {size})", csv_url, "csv"),
            ("(JSON)", json_url, "json"),
        )
    ]
    urls = Urls(services.settings.url_prefix)
    images = [
        html.A(
            _named("", f"Image {fmt.upper()}", f" du graphique {named}"),
            href=image_path(query, display, chart_id, fmt, urls),
            download=f"{chart_id}.{fmt}",
            className="btn btn-sm btn-outline-secondary",
        )
        for fmt in IMAGE_FORMATS
    ]
    return html.Div(
        [
            html.Span("Télécharger\u00a0:", className="me-2", **{"aria-hidden": "true"}),
            # A row of like links is a list (RGAA 9.3): a reader hears how many there are.
            html.Ul(
                [html.Li(link) for link in (*links, *images)],
                className="list-unstyled d-flex flex-wrap gap-2 mb-0",
            ),
        ],
        className="chart-downloads d-flex flex-wrap gap-2 align-items-center mb-3",
        role="group",
        **{"aria-label": f"Téléchargements\u00a0: {title[:1].lower()}{title[1:]}"},
    )


def _named(before: str, visible: str, after: str) -> list:
    hidden = [
        html.Span(text, className="visually-hidden") if text else None for text in (before, after)
    ]
    return [hidden[0], visible, hidden[1]]
