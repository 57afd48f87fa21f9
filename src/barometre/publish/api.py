"""The public JSON API, versioned under ``<prefix>api/v1/``: catalogue, metadata, observations.

Conventions for re-users (documented on the page « API » and in ``openapi.json``):

- every answer is JSON, or CSV with the ``.csv`` suffix or ``Accept: text/csv``;
- a wrong parameter is an HTTP 400 ``{"erreur": "<message>", "parametre": "<nom>"}``;
- at most ``MAX_PAGE_SIZE`` rows per answer: larger answers are paginated (``page``,
  ``par_page``), with the next and previous pages in a ``Link`` header (and in the JSON body);
- ``ETag`` and ``Last-Modified`` allow revalidation (304), ``Cache-Control: public``;
- ``au=AAAA-MM-JJ`` or ``au=N`` reads the figures as published on that day or by publication N,
  on every endpoint that gives figures; each says which publication it read (``publication`` in
  JSON, headers ``Barometre-Publication`` and ``Barometre-Publication-Date``); a past
  publication never changes, so its answers are cached long (``PAST_MAX_AGE``);
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
from barometre.data.store import AsOf
from barometre.publish import export, grid, openapi, published, secrecy, validation
from barometre.urls import Urls

MAX_PAGE_SIZE = 5000
MAX_PAGE = 100_000
MAX_AGE = 300
# What a past publication published never changes; the site around it may, with a new version.
PAST_MAX_AGE = 30 * 86400
PUBLICATION_HEADER = "Barometre-Publication"
PUBLICATION_DATE_HEADER = "Barometre-Publication-Date"
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
        as_of = _as_of(shared)
        body = {
            "licence": export.LICENCE["title"],
            "licence_url": export.LICENCE["path"],
            "publication": _publication(shared, as_of),
            "indicateurs": [
                {
                    "identifiant": i.id,
                    "titre": i.title,
                    "famille": i.family,
                    "unite": i.unit,
                    "ventilations": list(i.breakdowns),
                    "liens": _links(api_path, urls, i, as_of),
                }
                for i in shared.catalogue.indicators
            ],
        }
        return _json(body, as_of=as_of)

    @api.get("/indicateurs/<identifier>")
    def metadata(identifier: str):
        shared = services.current()
        indicator = _indicator(shared, identifier)
        as_of = _as_of(shared)
        body = export.indicator_metadata(shared, indicator, as_of)
        body["publication"] = _publication(shared, as_of)
        body["liens"] = _links(api_path, urls, indicator, as_of)
        return _json(body, as_of=as_of)

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
        as_of = _as_of(shared)
        path = export.package_zip(shared, as_of)
        response = flask.Response(path.read_bytes(), mimetype="application/zip")
        name = "barometre-donnees" + _file_suffix(as_of)
        response.headers["Content-Disposition"] = f'attachment; filename="{name}.zip"'
        return _conditional(response, as_of)

    @api.errorhandler(ApiError)
    def api_error(error: ApiError):
        body = {"erreur": error.message}
        if error.parameter:
            body["parametre"] = error.parameter
        return flask.Response(json.dumps(body, ensure_ascii=False), error.status, mimetype=JSON)

    @api.errorhandler(validation.InvalidInput)
    def invalid(error: validation.InvalidInput):
        return api_error(ApiError(400, error.message, error.parameter))

    @api.errorhandler(validation.UnknownPublication)
    def unknown_publication(error: validation.UnknownPublication):
        return api_error(ApiError(404, error.message, error.parameter))

    @api.after_request
    def open_data_headers(response: flask.Response) -> flask.Response:
        # Public data: any site may read it from a browser, with GET only and no credentials.
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Expose-Headers"] = (
            f"ETag, Last-Modified, Link, {PUBLICATION_HEADER}, {PUBLICATION_DATE_HEADER}"
        )
        if flask.request.method == "OPTIONS":
            response.headers["Access-Control-Allow-Methods"] = "GET, HEAD"
            response.headers["Access-Control-Allow-Headers"] = (
                "Accept, If-None-Match, If-Modified-Since"
            )
            response.headers["Access-Control-Max-Age"] = "86400"
        if response.status_code in (200, 304):
            # A past publication's answer has set its own (``_conditional``).
            response.headers.setdefault("Cache-Control", f"public, max-age={MAX_AGE}")
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
    as_of = _as_of(shared)
    query = _query(shared, indicator, _arg("granularite"), as_of)
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
        "au": export.as_of_text(as_of),
    }
    suffix = ".csv" if fmt == CSV else ""
    base = f"indicateurs/{indicator.id}/observations{suffix}"
    links = {}
    if page < pages:
        links["suivant"] = api_path(base, **params, page=page + 1)
    if page > 1:
        links["precedent"] = api_path(base, **params, page=page - 1)
    if fmt == CSV:
        name = f"{indicator.id}{'-' + dimension if dimension else ''}"
        response = _csv(chunk, shared, name, as_of)
    else:
        response = _json(
            {
                "indicateur": indicator.id,
                "publication": _publication(shared, as_of),
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
            },
            as_of=as_of,
        )
    rels = {"suivant": "next", "precedent": "prev"}
    if links:
        response.headers["Link"] = ", ".join(f'<{u}>; rel="{rels[k]}"' for k, u in links.items())
    return response


def _totals(identifier: str, dimension: str, fmt: str) -> flask.Response:
    shared = services.current()
    indicator = _indicator(shared, identifier)
    dimension = _dimension(shared, indicator, dimension, in_path=True)
    as_of = _as_of(shared)
    query = _query(shared, indicator, None, as_of)
    frame = export.totals(shared, indicator, dimension, query.start, query.end, as_of)
    if fmt == CSV:
        return _csv(frame, shared, f"{indicator.id}-{dimension}-total", as_of)
    # The period the breakdown is published for: the closed months the request touches.
    snapped = frame.attrs.get(published.PERIOD_ATTR, (query.start, query.end))
    undisclosed = frame.attrs.get(published.UNDISCLOSED_ATTR) or {}
    return _json(
        {
            "indicateur": indicator.id,
            "publication": _publication(shared, as_of),
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
        },
        as_of=as_of,
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


def _query(shared, indicator: Indicator, granularity: str | None, as_of: AsOf) -> validation.Query:
    """Return the validated period and granularity of the publication ``as_of``; a period
    without data reads no row (the default period is that publication's)."""
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
    bounds = shared.store.bounds(indicator.id, as_of=as_of)
    args = (_arg("debut"), _arg("fin"), granularity)
    return replace(validation.query(indicator, bounds, *args, empty=True), as_of=as_of)


def _as_of(shared) -> AsOf:
    """Return the publication « au » asks for (``None``: the current one); 400 when malformed,
    404 when it names no publication."""
    return validation.as_of(shared.store, _arg(validation.AS_OF), dt.date.today())


def _publication(shared, as_of: AsOf) -> dict | None:
    read = export.publication(shared, as_of)
    return read.fields() if read else None


def _file_suffix(as_of: AsOf) -> str:
    """Return what a downloaded file's name says of a past publication ('' for the current)."""
    return "" if as_of is None else f"-au-{export.as_of_text(as_of)}"


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


def _links(api_path, urls: Urls, indicator: Indicator, as_of: AsOf = None) -> dict:
    base, au = f"indicateurs/{indicator.id}", export.as_of_text(as_of)
    return {
        "metadonnees": api_path(base, au=au),
        "observations": api_path(base + "/observations", au=au),
        "observations_csv": api_path(base + "/observations.csv", au=au),
        "page": urls.indicator(indicator.id),
    }


def _json(body: dict, mimetype: str = JSON, as_of: AsOf = None) -> flask.Response:
    response = flask.Response(json.dumps(body, ensure_ascii=False), mimetype=mimetype)
    return _conditional(response, as_of)


def _csv(frame, shared, name: str, as_of: AsOf = None) -> flask.Response:
    text = export.to_csv(frame, shared.settings.secrecy_threshold)
    response = flask.Response(text, mimetype=CSV)
    response.headers["Content-Type"] = "text/csv; charset=utf-8; header=present"
    response.headers["Content-Disposition"] = f'inline; filename="{name}{_file_suffix(as_of)}.csv"'
    return _conditional(response, as_of)


def _conditional(response: flask.Response, as_of: AsOf = None) -> flask.Response:
    """Name the publication read, add ETag and Last-Modified; answer 304 when they match.

    The current publication's answers change with the data version; a past one's never do:
    its ETag is that publication's, its Last-Modified when it was made, and it is cached long.
    """
    shared = services.current()
    request = flask.request
    read = export.publication(shared, as_of)
    if read is not None:
        response.headers[PUBLICATION_HEADER] = str(read.number)
        response.headers[PUBLICATION_DATE_HEADER] = read.day.isoformat()
    past = read is not None and _is_past(as_of)
    version = [shared.context, read.number, read.at] if past else shared.store.data_version()
    key = json.dumps(
        [version, request.path, sorted(request.args.items(multi=True)), response.mimetype]
    )
    response.set_etag(hashlib.sha256(key.encode()).hexdigest()[:32])
    last = read.at if past else shared.store.last_update()
    if last:
        moment = dt.datetime.fromisoformat(last)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC)
        response.last_modified = moment.replace(microsecond=0)
    if past:
        response.headers["Cache-Control"] = f"public, max-age={PAST_MAX_AGE}"
    return response.make_conditional(request)


def _is_past(as_of: AsOf) -> bool:
    """Return whether what ``as_of`` reads can no longer change: a publication's number, or a
    day that is over (publications are dated in UTC: one may still come today)."""
    if isinstance(as_of, dt.date):
        return as_of < dt.datetime.now(dt.UTC).date()
    return as_of is not None
