"""The public API /api/v1: answers, errors, pagination, conditional requests, CORS, secrecy."""

from __future__ import annotations

import io
import json

import pandas as pd
import plotly
import pytest
from open_data import MASKED, fill

from barometre.publish import openapi
from barometre.web.app import create_app

API = "/api/v1/"
SERIES = API + "indicateurs/brigade-numerique-demandes/observations"


@pytest.fixture
def small_client(settings, empty_store):
    fill(empty_store)
    return create_app(settings).server.test_client()


def test_catalogue_lists_every_indicator_with_links(client, the_catalogue):
    body = client.get(API + "indicateurs").get_json()
    assert [i["identifiant"] for i in body["indicateurs"]] == [
        i.id for i in the_catalogue.indicators
    ]
    assert body["licence"] == "Licence Ouverte / Open Licence 2.0"
    first = body["indicateurs"][0]["liens"]
    assert client.get(first["observations"]).status_code == 200
    assert client.get(first["metadonnees"]).status_code == 200


def test_metadata_has_the_documented_fields(client):
    body = client.get(API + "indicateurs/pre-plainte-en-ligne").get_json()
    for field in [
        "identifiant",
        "titre",
        "description",
        "famille",
        "unite",
        "agregation",
        "ventilations",
        "source",
        "methodologie",
        "debut",
        "frequence",
        "couverture",
        "derniere_mise_a_jour",
        "licence",
    ]:
        assert field in body, field
    departements = next(v for v in body["ventilations"] if v["identifiant"] == "departement")
    assert len(departements["membres"]) == 101
    assert body["couverture"]["fin"] == "2026-11-14"


def test_observations_json_and_csv_say_the_same(client):
    query = "?debut=2025-01-01&fin=2025-06-30&granularite=mois"
    body = client.get(SERIES + query).get_json()
    assert [o["date"] for o in body["observations"]][:2] == ["2025-01-01", "2025-02-01"]
    csv_answer = client.get(SERIES + ".csv" + query)
    assert csv_answer.headers["Content-Type"].startswith("text/csv; charset=utf-8")
    frame = pd.read_csv(io.StringIO(csv_answer.get_data(as_text=True)))
    assert list(frame.columns) == ["date", "valeur", "jours"]
    assert frame["valeur"].tolist() == [o["valeur"] for o in body["observations"]]
    by_accept = client.get(SERIES + query, headers={"Accept": "text/csv"})
    assert by_accept.get_data() == csv_answer.get_data()


TOTALS = API + "indicateurs/brigade-numerique-demandes/ventilations/motif"


@pytest.mark.parametrize("suffix", ["", ".csv"])
@pytest.mark.parametrize(
    ("path", "query", "parameter", "message"),
    [
        (SERIES, "?debut=2025-13-01", "debut", "n'existe pas"),
        (SERIES, "?debut=hier", "debut", "AAAA-MM-JJ"),
        (SERIES, "?fin=2025-1-1", "fin", "AAAA-MM-JJ"),
        (SERIES, "?debut=", "debut", "vide"),
        (SERIES, "?debut=&fin=&granularite=", "granularite", "vide"),
        (SERIES, "?granularite=", "granularite", "vide"),
        (SERIES, "?granularite=heure", "granularite", "Granularité inconnue"),
        (SERIES, "?ventilation=", "ventilation", "vide"),
        (SERIES, "?ventilation=pays", "ventilation", "motif, heure"),
        (SERIES, "?departement=", "departement", "vide"),
        (SERIES, "?page=0", "page", "entre 1 et 100000"),
        (SERIES, "?page=123456789012345678901", "page", "entre 1 et 100000"),
        (SERIES, "?page=abc", "page", "entier"),
        (SERIES, "?page=", "page", "vide"),
        (SERIES, "?par_page=5001", "par_page", "entre 1 et 5000"),
        (TOTALS, "?debut=2025-02-30", "debut", "n'existe pas"),
        (TOTALS, "?fin=demain", "fin", "AAAA-MM-JJ"),
        (TOTALS, "?fin=", "fin", "vide"),
    ],
)
def test_a_malformed_parameter_is_a_french_400_naming_it(
    client, path, query, parameter, message, suffix
):
    """JSON and CSV alike: the same status, the same French JSON body."""
    answer = client.get(path + suffix + query)
    assert answer.status_code == 400
    assert answer.mimetype == "application/json"
    body = answer.get_json()
    assert body["parametre"] == parameter
    assert message in body["erreur"]
    assert "Traceback" not in answer.get_data(as_text=True)


@pytest.mark.parametrize("suffix", ["", ".csv"])
@pytest.mark.parametrize(
    ("path", "query", "parameter", "message"),
    [
        (SERIES, "?ventilation=departement", "ventilation", "motif, heure"),
        (SERIES, "?departement=33", "departement", "pas ventilé par département"),
        (SERIES, "?page=99999", "page", "dépasse"),
        (
            API + "indicateurs/brigade-numerique-demandes/ventilations/appareil",
            "",
            "ventilation",
            "motif",
        ),
        (
            API + "indicateurs/brigade-numerique-demandes/ventilations/inconnue",
            "",
            "ventilation",
            "motif",
        ),
        (API + "indicateurs/inconnu/ventilations/motif", "", "identifiant", "inconnu"),
        (API + "indicateurs/inconnu/observations", "", "identifiant", "inconnu"),
    ],
)
def test_a_series_that_does_not_exist_is_a_french_404(
    client, path, query, parameter, message, suffix
):
    """A valid request for what the indicator does not have names no resource."""
    answer = client.get(path + suffix + query)
    assert answer.status_code == 404
    assert answer.mimetype == "application/json"
    body = answer.get_json()
    assert body["parametre"] == parameter and message in body["erreur"]


@pytest.mark.parametrize(
    "query",
    [
        "?debut=1990-01-01&fin=1990-12-31",
        "?debut=2100-01-01",
        "?fin=1990-01-01",
        "?debut=2025-06-01&fin=2025-01-01",
    ],
)
def test_a_period_without_data_is_an_empty_answer(client, query):
    """As documented in openapi.json: 200 and an empty list, JSON and CSV."""
    series = client.get(SERIES + query)
    assert series.status_code == 200
    body = series.get_json()
    assert body["observations"] == [] and body["pagination"]["total"] == 0
    csv_series = client.get(SERIES + ".csv" + query)
    assert csv_series.status_code == 200
    assert csv_series.get_data(as_text=True).strip() == "date,valeur,jours"
    totals = client.get(TOTALS + query)
    assert totals.status_code == 200 and totals.get_json()["repartition"] == []
    assert (
        "200"
        in client.get(API + "openapi.json").get_json()["paths"][
            "/indicateurs/{identifiant}/observations"
        ]["get"]["responses"]
    )


def test_unknown_indicator_is_a_json_404(client):
    answer = client.get(API + "indicateurs/inconnu/observations")
    assert answer.status_code == 404
    assert answer.get_json()["parametre"] == "identifiant"


def test_large_answers_are_paginated_with_links(client):
    # Breakdowns are published per month at the finest: the hours of the days of 2025 are
    # 12 months × 24 hours, so a smaller page size makes two pages.
    query = "?granularite=mois&ventilation=heure&debut=2025-01-01&fin=2025-12-31&par_page=200"
    first = client.get(SERIES + query)
    body = first.get_json()
    assert body["pagination"]["total"] == 12 * 24
    assert len(body["observations"]) == 200
    assert body["pagination"]["pages"] == 2
    assert 'rel="next"' in first.headers["Link"]
    second = client.get(body["liens"]["suivant"]).get_json()
    assert len(second["observations"]) == 12 * 24 - 200
    assert second["observations"][0] != body["observations"][0]


@pytest.mark.parametrize("path", ["indicateurs", SERIES.removeprefix(API) + ".csv", "openapi.json"])
def test_conditional_requests_answer_304(client, path):
    first = client.get(API + path)
    assert first.status_code == 200
    assert first.headers["Cache-Control"].startswith("public, max-age=")
    etag, last_modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert client.get(API + path, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(API + path, headers={"If-Modified-Since": last_modified}).status_code == 304
    other = client.get(API + path + ("&" if "?" in path else "?") + "debut=2025-01-01")
    assert other.headers.get("ETag") != etag


def test_cors_is_open_for_get_and_no_cookie_is_set(client):
    answer = client.get(API + "indicateurs", headers={"Origin": "https://exemple.fr"})
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    assert "Set-Cookie" not in answer.headers
    preflight = client.options(
        API + "indicateurs",
        headers={"Origin": "https://exemple.fr", "Access-Control-Request-Method": "GET"},
    )
    assert preflight.headers["Access-Control-Allow-Methods"] == "GET, HEAD"
    assert client.post(API + "indicateurs").status_code == 405


def test_masked_values_never_leave_in_clear(small_client):
    base = API + "indicateurs/perceval-signalements"
    for path in (
        "/observations?ventilation=departement&granularite=mois",
        "/ventilations/departement",
    ):
        body = small_client.get(base + path).get_json()
        rows = body.get("observations") or body["repartition"]
        hidden = [r for r in rows if r["membre"] in MASKED]
        assert hidden and all(r["valeur"] is None and r["masque"] for r in hidden)
        shown = [r for r in rows if r["membre"] not in MASKED]
        assert shown and all(r["valeur"] is not None for r in shown)
        text = small_client.get(
            base + path.replace("?", ".csv?", 1) if "?" in path else base + path + ".csv"
        ).get_data(as_text=True)
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
        assert set(frame.loc[frame["membre"].isin(MASKED), "valeur"]) == {"n.d."}
    # Amounts follow their count's mask (« perceval-montant »).
    amounts = small_client.get(
        API + "indicateurs/perceval-montant/ventilations/departement"
    ).get_json()["repartition"]
    assert {r["membre"] for r in amounts if r["masque"]} == set(MASKED)
    assert "111.5" not in json.dumps(amounts) and "777.75" not in json.dumps(amounts)


def test_openapi_document_is_valid_and_lists_every_route(client, the_catalogue):
    from openapi_spec_validator import validate

    document = client.get(API + "openapi.json").get_json()
    validate(document)
    assert document["openapi"] == "3.1.0"
    assert set(document["paths"]) == set(openapi.document(the_catalogue, "/")["paths"])
    routes = {
        rule.rule.removeprefix("/api/v1")
        .replace("<identifier>", "{identifiant}")
        .replace("<dimension>", "{ventilation}")
        for rule in client.application.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/")
    }
    assert routes == set(document["paths"])


def test_dcat_catalogue_has_one_dataset_per_indicator(client, the_catalogue):
    answer = client.get(API + "catalogue.jsonld")
    assert answer.mimetype == "application/ld+json"
    body = answer.get_json(force=True)
    assert body["@type"] == "dcat:Catalog"
    assert len(body["dcat:dataset"]) == len(the_catalogue.indicators)
    first = body["dcat:dataset"][0]
    assert {d["dct:format"] for d in first["dcat:distribution"]} == {"CSV", "JSON"}
    assert first["dct:accrualPeriodicity"]["@id"].endswith("/frequency/DAILY")
    assert first["dct:license"]["@id"] == "https://www.etalab.gouv.fr/licence-ouverte-open-licence"


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (
            "/donnees",
            # The licence's English half is marked as such (RGAA 8.7): a child of its own.
            ["Licence Ouverte / ", "Open Licence", "/api/v1/paquet.zip", "catalogue.jsonld"],
        ),
        ("/api", ["curl '", "/api/v1/openapi.json", "If-None-Match", "« n.d. »", "mois clos"]),
    ],
)
def test_data_and_api_pages(app, the_catalogue, path, expected):
    from conftest import DEMO_TODAY

    from barometre.web.callbacks.pages import render

    with app.server.test_request_context(path):
        page = render(app.services, path, "", DEMO_TODAY)
    text = json.dumps(page.content, cls=plotly.utils.PlotlyJSONEncoder, ensure_ascii=False)
    for fragment in expected:
        assert fragment in text, fragment
    if path == "/donnees":
        assert all(i.title in text for i in the_catalogue.indicators)
    assert app.server.test_client().get(path).status_code == 200


# Seeded and bounded: about a minute on the 2-core test machine, most of it the coverage phase
# (boundary values, missing and empty parameters, undeclared methods), whose size max-examples
# does not bound. schemathesis is pinned (pyproject.toml): a new version brings new checks.
# A request's timeout and the response-time check are guards against a hang, not speed targets
# (the benchmark measures speed): a loaded machine (make test-stress, a busy CI runner) answers a
# cold /paquet.zip of a past publication in more than schemathesis's default 10 s.
SCHEMATHESIS = (
    *("--checks", "all", "--seed", "1", "--max-examples", "5"),
    *("--request-timeout", "120", "--max-response-time", "60"),
)


@pytest.mark.server
@pytest.mark.slow
def test_schemathesis_with_every_check_finds_nothing(live_server, tmp_path):
    """The API does what openapi.json says: every phase (coverage, fuzzing, stateful), every
    check (valid requests accepted, invalid ones refused, statuses, headers, schemas, 405s)."""
    import subprocess
    import sys

    command = [
        sys.executable,
        "-c",
        "from schemathesis.cli import schemathesis; schemathesis()",
        "run",
        live_server.url + API + "openapi.json",
        *SCHEMATHESIS,
        "--generation-database",
        "none",
        "--no-color",
    ]
    run = subprocess.run(  # noqa: S603
        command, cwd=tmp_path, capture_output=True, text=True, timeout=600, check=False
    )
    report = run.stdout + run.stderr
    assert run.returncode == 0, report[-6000:]
    assert "8 selected / 8 total" in report and " passed" in report


@pytest.mark.browser
@pytest.mark.parametrize("path", ["/donnees", "/api"])
def test_data_and_api_pages_pass_axe(page, live_server, path):
    from test_accessibility import axe, open_page

    open_page(page, live_server.url + path)
    assert axe(page) == []


DEPARTEMENT_SERIES = API + "indicateurs/pre-plainte-en-ligne/observations"


def test_observations_of_one_departement_are_its_rows_of_the_masked_breakdown(client):
    period = "?debut=2025-01-01&fin=2025-06-30&granularite=mois"
    one = client.get(DEPARTEMENT_SERIES + period + "&departement=2A").get_json()
    every = client.get(DEPARTEMENT_SERIES + period + "&ventilation=departement").get_json()
    assert one["ventilation"] == "departement"
    rows = one["observations"]
    assert len(rows) == 6 and {row["membre"] for row in rows} == {"2A"}
    assert rows == [row for row in every["observations"] if row["membre"] == "2A"]
    csv = client.get(DEPARTEMENT_SERIES + ".csv" + period + "&departement=2A")
    assert csv.status_code == 200 and csv.get_data(as_text=True).count("\n2025-") == 6


@pytest.mark.parametrize(
    ("path", "query", "status", "message"),
    [
        (DEPARTEMENT_SERIES, "?departement=20", 400, "Département inconnu"),
        (DEPARTEMENT_SERIES, "?departement=<script>", 400, "Département inconnu"),
        (DEPARTEMENT_SERIES, "?departement=33&ventilation=type-personne", 404, "ne se combine"),
        (SERIES, "?departement=33", 404, "pas ventilé par département"),
        (SERIES, "?departement=<script>", 400, "pas ventilé par département"),
    ],
)
def test_a_bad_departement_is_a_french_error(client, path, query, status, message):
    answer = client.get(path + query)
    assert answer.status_code == status
    body = answer.get_json()
    assert body["parametre"] == "departement" and message in body["erreur"]
    assert "<script>" not in answer.get_data(as_text=True)
