"""The public JSON API, versioned under ``<prefix>api/v1/``: catalogue, metadata, observations.

Conventions for re-users (documented on the page « API » and in ``openapi.json``):

- every answer is JSON, or CSV with the ``.csv`` suffix or ``Accept: text/csv``;
- a wrong parameter is an HTTP 400 ``{"erreur": "<message>", "parametre": "<nom>"}``;
- at most ``MAX_PAGE_SIZE`` rows per answer: larger answers are paginated (``page``,
  ``par_page``), with the next and previous pages in a ``Link`` header (and in the JSON body);
- ``ETag`` and ``Last-Modified`` allow revalidation (304), ``Cache-Control: public``;
- CORS is open for GET (public data), and no cookie is ever set.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import replace

import flask

from barometre.data import services
from barometre.data.catalogue import GRANULARITIES, Indicator
from barometre.publish import export, grid, openapi, published, secrecy, validation
from barometre.urls import Urls

MAX_PAGE_SIZE = 5000
MAX_PAGE = 100_000
MAX_AGE = 300
BREAKDOWN_GRANULARITY_MESSAGE = (
    "Les ventilations sont publiées par mois clos, jamais plus finement (secret statistique)"
    "\u00a0: « granularite » doit valoir mois ou annee avec une ventilation."
)
JSON = "application/json"
CSV = "text/csv"


class ApiError(Exception):
    """An API request that cannot be answered: HTTP ``status`` with a French message."""

    def __init__(self, status: int, message: str, parameter: str | None = None):
        super().__init__(message)
        self.status, self.message, self.parameter = status, message, parameter


def blueprint(prefix: str) -> flask.Blueprint:
    """Return the API blueprint for an app served under ``prefix``."""
    api = flask.Blueprint("api_v1", __name__)
    urls = Urls(prefix)

    def api_path(path: str, **query: object) -> str:
        return urls.path("/api/v1/" + path.lstrip("/"), **query)

    @api.get("/indicateurs")
    def catalogue():
        shared = services.current()
        body = {
            "licence": export.LICENCE["title"],
            "licence_url": export.LICENCE["path"],
            "indicateurs": [
                {
                    "identifiant": i.id,
                    "titre": i.title,
                    "famille": i.family,
                    "unite": i.unit,
                    "ventilations": list(i.breakdowns),
                    "liens": _links(api_path, urls, i),
                }
                for i in shared.catalogue.indicators
            ],
        }
        return _json(body)

    @api.get("/indicateurs/<identifier>")
    def metadata(identifier: str):
        shared = services.current()
        indicator = _indicator(shared, identifier)
        body = export.indicator_metadata(shared, indicator)
        body["liens"] = _links(api_path, urls, indicator)
        return _json(body)

    @api.get("/indicateurs/<identifier>/observations")
    def observations(identifier: str):
        return _observations(identifier, _wanted_format(), api_path)

    @api.get("/indicateurs/<identifier>/observations.csv")
    def observations_csv(identifier: str):
        return _observations(identifier, CSV, api_path)

    @api.get("/indicateurs/<identifier>/ventilations/<dimension>")
    def totals(identifier: str, dimension: str):
        return _totals(identifier, dimension, _wanted_format())

    @api.get("/indicateurs/<identifier>/ventilations/<dimension>.csv")
    def totals_csv(identifier: str, dimension: str):
        return _totals(identifier, dimension, CSV)

    @api.get("/openapi.json")
    def openapi_document():
        shared = services.current()
        return _json(openapi.document(shared.catalogue, api_path("/")))

    @api.get("/catalogue.jsonld")
    def dcat():
        shared = services.current()
        base = flask.request.host_url.rstrip("/")
        body = export.dcat_catalogue(shared, base, api_path, urls)
        return _json(body, mimetype="application/ld+json")

    @api.get("/paquet.zip")
    def package():
        shared = services.current()
        path = export.package_zip(shared)
        response = flask.Response(path.read_bytes(), mimetype="application/zip")
        response.headers["Content-Disposition"] = 'attachment; filename="barometre-donnees.zip"'
        return _conditional(response)

    @api.errorhandler(ApiError)
    def api_error(error: ApiError):
        body = {"erreur": error.message}
        if error.parameter:
            body["parametre"] = error.parameter
        return flask.Response(json.dumps(body, ensure_ascii=False), error.status, mimetype=JSON)

    @api.errorhandler(validation.InvalidInput)
    def invalid(error: validation.InvalidInput):
        return api_error(ApiError(400, error.message, error.parameter))

    @api.after_request
    def open_data_headers(response: flask.Response) -> flask.Response:
        # Public data: any site may read it from a browser, with GET only and no credentials.
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Expose-Headers"] = "ETag, Last-Modified, Link"
        if flask.request.method == "OPTIONS":
            response.headers["Access-Control-Allow-Methods"] = "GET, HEAD"
            response.headers["Access-Control-Allow-Headers"] = (
                "Accept, If-None-Match, If-Modified-Since"
            )
            response.headers["Access-Control-Max-Age"] = "86400"
        if response.status_code in (200, 304):
            response.headers["Cache-Control"] = f"public, max-age={MAX_AGE}"
        else:
            response.headers["Cache-Control"] = "no-store"
        response.vary.add("Accept")
        return response

    return api


def register(server: flask.Flask, prefix: str) -> None:
    """Mount the API at ``<prefix>api/v1``."""
    server.register_blueprint(blueprint(prefix), url_prefix=Urls(prefix).path("/api/v1"))


# -- observations --------------------------------------------------------------------------------


def _observations(identifier: str, fmt: str, api_path) -> flask.Response:
    shared = services.current()
    indicator = _indicator(shared, identifier)
    dimension = _dimension(shared, indicator, _arg("ventilation"), in_path=False)
    query = _query(shared, indicator, _arg("granularite"))
    code = _departement(shared, indicator, _arg("departement"))
    if code and dimension not in ("", validation.DEPARTEMENT):
        # The values of one département are published without any other breakdown.
        raise ApiError(
            404,
            "Aucune série ne ventile un département\u00a0: « departement » ne se combine "
            "qu'avec ventilation=departement.",
            "departement",
        )
    query = replace(query, departement=code)
    dimension = validation.DEPARTEMENT if query.departement else dimension
    if dimension and secrecy.is_additive(indicator) and query.granularity in grid.FINER_THAN_MONTH:
        raise ApiError(400, BREAKDOWN_GRANULARITY_MESSAGE, "granularite")
    frame = export.observations(shared, query, dimension, query.departement)
    page, size = (
        _integer("page", 1, 1, MAX_PAGE),
        _integer("par_page", MAX_PAGE_SIZE, 1, MAX_PAGE_SIZE),
    )
    total = len(frame)
    pages = max(1, -(-total // size))
    if page > pages:
        raise ApiError(404, f"« page » dépasse le nombre de pages ({pages}).", "page")
    chunk = frame.iloc[(page - 1) * size : page * size]
    params = {
        "debut": query.start.isoformat(),
        "fin": query.end.isoformat(),
        "granularite": query.granularity,
        "ventilation": dimension,
        "departement": query.departement,
        "par_page": size if size != MAX_PAGE_SIZE else None,
    }
    suffix = ".csv" if fmt == CSV else ""
    base = f"indicateurs/{indicator.id}/observations{suffix}"
    links = {}
    if page < pages:
        links["suivant"] = api_path(base, **params, page=page + 1)
    if page > 1:
        links["precedent"] = api_path(base, **params, page=page - 1)
    if fmt == CSV:
        response = _csv(chunk, shared, f"{indicator.id}{'-' + dimension if dimension else ''}")
    else:
        response = _json(
            {
                "indicateur": indicator.id,
                "unite": indicator.unit,
                "agregation": indicator.aggregation,
                "debut": query.start.isoformat(),
                "fin": query.end.isoformat(),
                "granularite": query.granularity,
                "ventilation": dimension or None,
                "licence": export.LICENCE["title"],
                "pagination": {"page": page, "par_page": size, "total": total, "pages": pages},
                "liens": links,
                "observations": export.to_records(chunk),
            }
        )
    rels = {"suivant": "next", "precedent": "prev"}
    if links:
        response.headers["Link"] = ", ".join(f'<{u}>; rel="{rels[k]}"' for k, u in links.items())
    return response


def _totals(identifier: str, dimension: str, fmt: str) -> flask.Response:
    shared = services.current()
    indicator = _indicator(shared, identifier)
    dimension = _dimension(shared, indicator, dimension, in_path=True)
    query = _query(shared, indicator, None)
    frame = export.totals(shared, indicator, dimension, query.start, query.end)
    if fmt == CSV:
        return _csv(frame, shared, f"{indicator.id}-{dimension}-total")
    # The period the breakdown is published for: the closed months the request touches.
    snapped = frame.attrs.get(published.PERIOD_ATTR, (query.start, query.end))
    undisclosed = frame.attrs.get(published.UNDISCLOSED_ATTR) or {}
    return _json(
        {
            "indicateur": indicator.id,
            "unite": indicator.unit,
            "ventilation": dimension,
            "debut": snapped[0].isoformat() if snapped else None,
            "fin": snapped[1].isoformat() if snapped else None,
            "licence": export.LICENCE["title"],
            "secret_statistique": {
                "seuil": shared.settings.secrecy_threshold,
                "masques": published.masked_count(frame),
                "non_diffuse": export.number(undisclosed.get("valeur", 0.0)),
            },
            "repartition": export.to_records(frame),
        }
    )


# -- helpers -------------------------------------------------------------------------------------


def _indicator(shared, identifier: str) -> Indicator:
    indicator = shared.catalogue.get(identifier)
    if indicator is None:
        raise ApiError(404, f"Indicateur inconnu : « {identifier[:60]} ».", "identifiant")
    return indicator


def _arg(name: str) -> str | None:
    """Return a query parameter, None when absent; an empty one is malformed (400)."""
    value = flask.request.args.get(name)
    if value == "":
        raise ApiError(
            400, f"« {name} » est vide\u00a0: donnez-lui une valeur ou retirez-le.", name
        )
    return value


def _query(shared, indicator: Indicator, granularity: str | None) -> validation.Query:
    """Return the validated period and granularity; a period without data reads no row."""
    # A granularity of the document that this indicator lacks names no series (404); any other
    # value is malformed, and validation.query says so (400).
    if granularity in GRANULARITIES and granularity not in indicator.granularities:
        allowed = ", ".join(g for g in GRANULARITIES if g in indicator.granularities)
        raise ApiError(
            404,
            f"Cet indicateur n'est pas publié par {granularity}\u00a0; granularités\u00a0:"
            f" {allowed}.",
            "granularite",
        )
    bounds = shared.store.bounds(indicator.id)
    args = (_arg("debut"), _arg("fin"), granularity)
    return validation.query(indicator, bounds, *args, empty=True)


def _dimension(shared, indicator: Indicator, value: str | None, in_path: bool) -> str:
    """Return a breakdown of ``indicator``: one it does not have is a 404 (no such series),
    a value the catalogue does not know a 400 when it is a query parameter (malformed)."""
    if value is None:
        return ""
    if value in indicator.breakdowns:
        return value
    allowed = ", ".join(indicator.breakdowns) or "aucune pour cet indicateur"
    status = 404 if in_path or value in shared.catalogue.breakdowns else 400
    raise ApiError(status, f"Ventilation inconnue ; valeurs possibles : {allowed}.", "ventilation")


def _departement(shared, indicator: Indicator, value: str | None) -> str:
    """Return a département code ('' for all of France): 400 for a code the catalogue does not
    list, 404 for an indicator not broken down by département (no such series)."""
    if value is None:
        return ""
    breakdown = shared.catalogue.breakdowns.get(validation.DEPARTEMENT)
    if breakdown is not None and value in breakdown.codes:
        try:
            return validation.departement(indicator, breakdown, value)
        except validation.InvalidInput as error:
            raise ApiError(404, error.message, error.parameter) from None
    return validation.departement(indicator, breakdown, value)


def _integer(name: str, default: int, low: int, high: int) -> int:
    raw = _arg(name)
    if raw is None:
        return default
    if not raw.isascii() or not raw.isdigit():
        raise ApiError(400, f"« {name} » doit être un entier positif.", name)
    value = int(raw[-12:]) if len(raw.lstrip("0")) <= 12 else high + 1
    if value < low or value > high:
        raise ApiError(400, f"« {name} » doit être entre {low} et {high}.", name)
    return value


def _wanted_format() -> str:
    best = flask.request.accept_mimetypes.best_match([JSON, CSV], default=JSON)
    return CSV if best == CSV else JSON


def _links(api_path, urls: Urls, indicator: Indicator) -> dict:
    base = f"indicateurs/{indicator.id}"
    return {
        "metadonnees": api_path(base),
        "observations": api_path(base + "/observations"),
        "observations_csv": api_path(base + "/observations.csv"),
        "page": urls.indicator(indicator.id),
    }


def _json(body: dict, mimetype: str = JSON) -> flask.Response:
    response = flask.Response(json.dumps(body, ensure_ascii=False), mimetype=mimetype)
    return _conditional(response)


def _csv(frame, shared, name: str) -> flask.Response:
    text = export.to_csv(frame, shared.settings.secrecy_threshold)
    response = flask.Response(text, mimetype=CSV)
    response.headers["Content-Type"] = "text/csv; charset=utf-8; header=present"
    response.headers["Content-Disposition"] = f'inline; filename="{name}.csv"'
    return _conditional(response)


def _conditional(response: flask.Response) -> flask.Response:
    """Add ETag (data version + request) and Last-Modified; answer 304 when they match."""
    shared = services.current()
    request = flask.request
    key = json.dumps(
        [
            shared.store.data_version(),
            request.path,
            sorted(request.args.items(multi=True)),
            response.mimetype,
        ]
    )
    response.set_etag(hashlib.sha256(key.encode()).hexdigest()[:32])
    last = shared.store.last_update()
    if last:
        moment = dt.datetime.fromisoformat(last)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC)
        response.last_modified = moment.replace(microsecond=0)
    return response.make_conditional(request)
