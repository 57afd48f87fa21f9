"""The real server: ``barometre serve`` (gunicorn, 2 workers) over a demo database."""

import contextlib
import json
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from dash_http import indicator_payload

pytestmark = pytest.mark.server


def get(url: str):
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310
        return response.status, response.headers, response.read().decode()


def post_json(url: str, body: dict):
    request = urllib.request.Request(  # noqa: S310
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return response.status, json.loads(response.read())


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/", "<title>Baromètre numérique</title>"),
        ("/indicateurs/brigade-numerique-demandes", "Demandes à la Brigade numérique"),
        ("/_dash-layout", "Donn\\u00e9es de d\\u00e9monstration"),
    ],
)
def test_pages_are_served(live_server, path, expected):
    status, _, body = get(live_server.url + path)
    assert status == 200
    assert expected in body


def test_healthz(live_server):
    status, headers, body = get(live_server.url + "/healthz")
    assert status == 200 and headers["Content-Type"] == "application/json"
    assert json.loads(body)["statut"] == "ok"


def test_a_callback_answers(live_server):
    payload = indicator_payload("perceval-signalements", "2023-01-01", "2023-12-31", "annee")
    status, body = post_json(live_server.url + "/_dash-update-component", payload)
    assert status == 200
    assert body["response"]["message"]["children"] == (
        "Graphiques mis à jour\u00a0: par année, du 1er janvier 2023 au 31 décembre 2023."
    )


def test_the_server_banner_and_logs_reveal_nothing_personal(live_server):
    request = urllib.request.Request(  # noqa: S310
        live_server.url + "/healthz", headers={"User-Agent": "Agent-Secret/1.0"}
    )
    urllib.request.urlopen(request, timeout=10).close()  # noqa: S310
    live_server.log.flush()
    log = Path(live_server.log.name).read_text()
    access = [json.loads(line) for line in log.splitlines() if line.startswith('{"heure"')]
    assert any(entry["chemin"] == "/healthz" for entry in access)
    assert "127.0.0.1" not in "\n".join(json.dumps(a) for a in access)
    assert "Agent-Secret" not in log


def test_every_access_line_is_json_even_for_a_path_with_quotes(live_server):
    # The path is written by json.dumps (logs.AccessLogger), not pasted into a format string.
    with contextlib.suppress(urllib.error.HTTPError):  # whatever the page answers
        urllib.request.urlopen(live_server.url + "/x%22%5Cy", timeout=10).close()  # noqa: S310
    for _ in range(50):  # the line is written once the answer is sent
        lines = Path(live_server.log.name).read_text().splitlines()
        access = [json.loads(line) for line in lines if line.startswith('{"heure"')]
        mine = [entry for entry in access if entry["chemin"].startswith("/x")]
        if mine:
            break
        time.sleep(0.1)
    assert mine[0]["chemin"] == '/x"\\y'
    assert all(
        set(entry) == {"heure", "methode", "chemin", "statut", "octets", "duree_us"}
        for entry in access
    )
