"""Hostile input: whatever a client sends, the answer is a 2xx/4xx in bounded time, never a 5xx.

Known attacks are listed as tables; hypothesis then throws arbitrary values at the parsers, at
every server-side Dash callback (read from ``/_dash-dependencies``, so a new callback is covered
without editing this file) and at the routes.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from urllib.parse import urlencode

import pytest
from dash_http import indicator_payload, route_payload_for
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from barometre.publish import validation
from barometre.urls import Urls
from barometre.web.app import create_app

# CPU seconds of this process (the test client runs the app in it): a refusal computes nothing,
# a slow query would take far longer; other processes' load does not count (make test-stress).
SECONDS = 3.0
FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=8,
)

ATTACKS = [
    "9999-12-31",
    "0001-01-01",
    "2024-02-30",
    "' OR 1=1 --",
    "'; DROP TABLE observations; --",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "../../../../etc/passwd",
    "%00",
    "\u202e",
    "x" * 5000,
]


@pytest.fixture(scope="module")
def hostile_app(demo_settings):
    return create_app(demo_settings)


@pytest.fixture(scope="module")
def hostile_client(hostile_app):
    return hostile_app.server.test_client()


def route_payload(client, pathname: str, search: str = "") -> dict:
    return route_payload_for(client.get("/_dash-dependencies").json, pathname, search)


def post_callback(client, body) -> tuple[int, str, float]:
    started = time.process_time()
    response = client.post("/_dash-update-component", json=body)
    elapsed = time.process_time() - started
    return response.status_code, response.get_data(as_text=True), elapsed


def assert_safe(status: int, text: str, elapsed: float) -> None:
    assert status < 500, text[:500]
    assert elapsed < SECONDS
    assert "Traceback" not in text


# -- known attacks -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "granularity"),
    [
        ("9999-01-01", "9999-12-31", "jour"),
        ("0001-01-01", "9999-12-31", "jour"),  # a period of 10 000 years, per day
        ("2024-01-01", "2023-01-01", "mois"),
        (20240101, ["2024"], {"a": 1}),
        (None, None, "heure"),
        *[(attack, attack, attack) for attack in ATTACKS],
    ],
)
def test_the_indicator_callback_refuses_bad_periods_in_french(
    hostile_client, start, end, granularity
):
    body = indicator_payload("brigade-numerique-demandes", start, end, granularity)
    status, text, elapsed = post_callback(hostile_client, body)
    assert_safe(status, text, elapsed)
    assert "<script>" not in text  # JSON-escaped if echoed at all


@pytest.mark.parametrize("indicator", [*ATTACKS, None, 42, ["brigade-numerique-demandes"], {}])
def test_the_indicator_callback_refuses_unknown_indicators(hostile_client, indicator):
    status, text, elapsed = post_callback(
        hostile_client, indicator_payload(indicator, "2024-01-01", "2024-12-31", "mois")
    )
    assert_safe(status, text, elapsed)
    assert status == 200 and "Indicateur inconnu" in text


@pytest.mark.parametrize(
    ("indicator", "departement"),
    [
        *[("pre-plainte-en-ligne", attack) for attack in ATTACKS],
        ("pre-plainte-en-ligne", 33),
        ("pre-plainte-en-ligne", ["33"]),
        ("pre-plainte-en-ligne", {"code": "33"}),
        ("pre-plainte-en-ligne", "20"),  # Corsica has been 2A and 2B since 1976
        ("brigade-numerique-demandes", "33"),  # no département breakdown
    ],
)
def test_the_indicator_callback_refuses_bad_departements_in_french(
    hostile_client, indicator, departement
):
    body = indicator_payload(indicator, "2025-01-01", "2025-01-31", "mois", departement)
    status, text, elapsed = post_callback(hostile_client, body)
    assert_safe(status, text, elapsed)
    assert status == 200
    message = json.loads(text)["response"]["message-erreur"]["children"]["props"]["children"]
    assert "Département inconnu" in message or "pas ventilé par département" in message
    assert "<script>" not in text and "x" * 100 not in text  # the value is never echoed


@pytest.mark.parametrize("value", [*ATTACKS, "20", "2a"])
def test_a_bad_departement_in_the_url_is_the_french_404(hostile_client, value):
    """A département the catalogue does not list names no page (test_statuses.py)."""
    search = "?" + urlencode({"departement": value})
    status, text, elapsed = post_callback(
        hostile_client,
        route_payload(hostile_client, "/indicateurs/pre-plainte-en-ligne", search),
    )
    assert_safe(status, text, elapsed)
    assert "Page introuvable" in text and "<img" not in text
    page = hostile_client.get("/indicateurs/pre-plainte-en-ligne" + search)
    assert page.status_code == 404 and "<img src=x" not in page.get_data(as_text=True)


@pytest.mark.parametrize(
    "path", [f"/indicateurs/{a}" for a in ATTACKS] + ["/" + a for a in ATTACKS]
)
def test_the_router_answers_unknown_pages_with_the_french_404(hostile_client, path):
    status, text, elapsed = post_callback(hostile_client, route_payload(hostile_client, path))
    assert_safe(status, text, elapsed)
    assert "Page introuvable" in text


@pytest.mark.parametrize("value", ATTACKS)
def test_query_parameters_never_break_a_page(hostile_client, value):
    for name in (
        "debut",
        "fin",
        "granularite",
        "theme",
        "fige",
        "hauteur",
        "ventilation",
        "departement",
    ):
        for path in (
            "/indicateurs/brigade-numerique-demandes",
            "/embed/brigade-numerique-demandes",
        ):
            started = time.process_time()
            response = hostile_client.get(path, query_string={name: value})
            assert_safe(
                response.status_code, response.get_data(as_text=True), time.process_time() - started
            )


# The routing callback's body (two inputs, one state) with one field replaced.
ROUTE_WITH = (
    b'{"output": "ROUTER", "outputs": [{"id": "page", "property": "children"},'
    b' {"id": "page-title", "property": "data"}, {"id": "etat-page", "property": "data"}],'
    b' "inputs": [{"id": "url", "property": "pathname", "value": "/"},'
    b' {"id": "url", "property": "search", "value": ""}],'
    b' "state": [{"id": "etat-page", "property": "data", "value": null}], %s}'
)


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"null",
        b"{",
        b'{"output": 1}',
        b'{"output": "ROUTER", "outputs": [], "inputs": "x"}',
        b'{"output": "ROUTER", "outputs": [], "inputs": [1, 2]}',
        b'{"output": "ROUTER", "outputs": [],'
        b' "inputs": [{"id": "url", "property": "pathname", "value": "/"}]}',
        b'{"output": "ROUTER", "outputs": 3, "inputs": []}',
        # The review's reproductions: outputs of the wrong count or shape, changedPropIds that
        # are not texts, and a callback that runs in the browser (Dash's KeyError, a 500).
        ROUTE_WITH % b'"outputs": []',
        ROUTE_WITH % b'"outputs": [{"id": "page", "property": "children"}]',
        ROUTE_WITH % b'"changedPropIds": [1, {"a": 2}]',
        ROUTE_WITH % b'"outputs": [{"id": 1, "property": "children"}, {}, {}]',
        b'{"output": "adresse-impression.children", "outputs": {"id": "adresse-impression",'
        b' "property": "children"}, "inputs": [{"id": "url", "property": "href", "value": "/"}]}',
        json.dumps({"output": "x" * 10_000}).encode(),
        b"\xff\xfe\x00",
    ],
)
def test_malformed_callback_bodies_are_400(hostile_client, body):
    # ROUTER stands for the routing callback's real output, so that only the body's shape is wrong.
    router = route_payload(hostile_client, "/")["output"]
    body = body.replace(b"ROUTER", router.encode())
    response = hostile_client.post(
        "/_dash-update-component", data=body, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json["erreur"] == "Requête invalide"


def test_an_oversized_body_is_413(hostile_client):
    response = hostile_client.post(
        "/_dash-update-component", data=b"[" * 200_000, content_type="application/json"
    )
    assert response.status_code == 413


# -- arbitrary values --------------------------------------------------------------------------


@FUZZ
@given(start=JSON, end=JSON, granularity=JSON)
def test_query_validation_accepts_or_explains(the_catalogue, start, end, granularity):
    indicator = the_catalogue.indicator("brigade-numerique-demandes")
    bounds = (dt.date(2020, 1, 1), dt.date(2026, 11, 14))
    try:
        query = validation.query(indicator, bounds, start, end, granularity)
    except validation.InvalidInput as error:
        assert error.message and error.parameter in {"debut", "fin", "granularite"}
    else:
        assert bounds[0] <= query.start <= query.end <= bounds[1]
        assert query.granularity in indicator.granularities


@FUZZ
@given(path=st.text(max_size=60))
def test_urls_strip_always_gives_an_absolute_path(path):
    for prefix in ("/", "/barometre-numerique/"):
        stripped = Urls(prefix).strip(path)
        assert stripped.startswith("/")


def dependencies(app) -> list[dict]:
    """Return the server-side callbacks as (outputs, inputs, state) id/property lists."""
    found = []
    for dependency in app.server.test_client().get("/_dash-dependencies").json:
        if dependency.get("clientside_function"):
            continue
        output = dependency["output"]
        names = output.strip(".").split("...") if output.startswith("..") else [output]
        found.append(
            {
                "output": output,
                "outputs": [
                    dict(zip(("id", "property"), n.rsplit(".", 1), strict=True)) for n in names
                ],
                "inputs": [(i["id"], i["property"]) for i in dependency["inputs"]],
                "state": [(s["id"], s["property"]) for s in dependency["state"]],
                "multi": output.startswith(".."),
            }
        )
    return found


@FUZZ
@given(data=st.data())
def test_every_callback_survives_arbitrary_values(hostile_app, hostile_client, data):
    bodies = []
    for callback in dependencies(hostile_app):
        values = [data.draw(JSON | st.sampled_from(ATTACKS)) for _ in callback["inputs"]]
        states = [data.draw(JSON | st.sampled_from(ATTACKS)) for _ in callback["state"]]
        bodies.append(
            {
                "output": callback["output"],
                "outputs": callback["outputs"] if callback["multi"] else callback["outputs"][0],
                "inputs": [
                    {"id": i, "property": p, "value": v}
                    for (i, p), v in zip(callback["inputs"], values, strict=True)
                ],
                "state": [
                    {"id": i, "property": p, "value": v}
                    for (i, p), v in zip(callback["state"], states, strict=True)
                ],
                "changedPropIds": [f"{i}.{p}" for i, p in callback["inputs"][:1]],
            }
        )
    for body in bodies:
        assert_safe(*post_callback(hostile_client, body))


@FUZZ
@given(path=st.text(max_size=40), search=st.text(max_size=60))
def test_the_router_survives_arbitrary_urls(hostile_client, path, search):
    assert_safe(*post_callback(hostile_client, route_payload(hostile_client, "/" + path, search)))


@FUZZ
@given(
    path=st.text(st.characters(codec="ascii", exclude_characters="?#"), max_size=40),
    query=st.dictionaries(st.text(max_size=10), st.text(max_size=30), max_size=3),
)
def test_any_get_request_gets_a_non_5xx_answer(hostile_client, path, query):
    started = time.process_time()
    response = hostile_client.get("/" + path, query_string=query)
    text = response.get_data(as_text=True)
    response.close()
    assert_safe(response.status_code, text, time.process_time() - started)
