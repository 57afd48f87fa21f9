"""Security headers on every response, no cookie, French error answers, no CSP violation."""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import reader_moves, wait_until

from barometre.config import Settings
from barometre.web import security
from barometre.web.app import create_app

ROUTES = [
    "/",
    "/indicateurs",
    "/familles/signalements",
    "/indicateurs/brigade-numerique-demandes",
    "/indicateurs/brigade-numerique-demandes?debut=2025-01-01&fin=2025-06-30&granularite=mois",
    "/page-inexistante",
    "/healthz",
    "/assets/barometre.css",
    "/assets/inexistant.css",
    "/_dash-layout",
    "/_dash-dependencies",
    "/api/v1/indicateurs",
    "/embed/brigade-numerique-demandes",
    "/embed/inconnu",
]

COMMON = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": security.PERMISSIONS_POLICY,
}


def fetch(client, path: str, **kwargs):
    """Return the response to ``path``, read and closed (file responses hold an open file)."""
    response = client.open(path, **kwargs)
    response.get_data()
    response.close()
    return response


def csp(response) -> dict[str, str]:
    """Return the response's CSP as {directive: value}."""
    policy = response.headers["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in policy.split(";"))


@pytest.mark.parametrize("path", ROUTES)
def test_every_route_carries_the_security_headers_and_no_cookie(client, path):
    response = fetch(client, path)
    assert response.status_code < 500
    for name, value in COMMON.items():
        assert response.headers[name] == value
    policy = csp(response)
    assert policy["default-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["base-uri"] == "'none'"
    assert policy["form-action"] == "'self'"
    assert policy["connect-src"] == "'self'"
    assert "unsafe-eval" not in response.headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "Set-Cookie" not in response.headers
    assert "Strict-Transport-Security" not in response.headers


@pytest.mark.parametrize(
    ("path", "ancestors", "frame_options"),
    [
        ("/", "'none'", "DENY"),
        ("/indicateurs/brigade-numerique-demandes", "'none'", "DENY"),
        ("/embedded", "'none'", "DENY"),
        (
            "/embed/brigade-numerique-demandes",
            "'self' https://www.gendarmerie.interieur.gouv.fr",
            None,
        ),
    ],
)
def test_only_embed_pages_may_be_framed(client, path, ancestors, frame_options):
    response = fetch(client, path)
    assert csp(response)["frame-ancestors"] == ancestors
    assert response.headers.get("X-Frame-Options") == frame_options


def test_dash_inline_scripts_are_allowed_by_hash(app, client):
    response = client.get("/")
    hashes = app.csp_hashes()
    assert hashes
    assert csp(response)["script-src"] == " ".join(["'self'", *hashes])


def test_headers_follow_the_settings(demo_settings):
    settings = Settings(
        data_dir=demo_settings.data_dir,
        database_url=demo_settings.database_url,
        hsts=True,
        frame_ancestors="https://exemple.gouv.fr",
        url_prefix="/barometre-numerique/",
    )
    client = create_app(settings).server.test_client()
    page = client.get("/barometre-numerique/")
    assert page.headers["Strict-Transport-Security"] == security.HSTS
    embed = client.get("/barometre-numerique/embed/brigade-numerique-demandes")
    assert csp(embed)["frame-ancestors"] == "https://exemple.gouv.fr"
    # /embed/ outside the prefix is not an embed page.
    assert csp(client.get("/embed/brigade-numerique-demandes"))["frame-ancestors"] == "'none'"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("true", True), ("oui", True), ("1", True), ("false", False), ("0", False)],
)
def test_hsts_reads_a_boolean(value, expected):
    assert Settings.from_env({"BAROMETRE_HSTS": value}).hsts is expected


def test_hsts_refuses_anything_else():
    with pytest.raises(ValueError, match="true ou false"):
        Settings.from_env({"BAROMETRE_HSTS": "peut-être"})


# -- French error answers ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "kind", "text"),
    [
        ("GET", "/assets/inexistant.css", None, 404, "html", "Page introuvable"),
        ("GET", "/assets/../../../../etc/passwd", None, 404, "html", "Page introuvable"),
        ("GET", "/assets/%2e%2e/%2e%2e/etc/passwd", None, 404, "html", "Page introuvable"),
        ("POST", "/", b"x", 405, "html", "Méthode non autorisée"),
        ("DELETE", "/healthz", None, 405, "json", "Méthode non autorisée"),
        ("POST", "/_dash-update-component", b"{pas du json", 400, "json", "Requête invalide"),
        ("POST", "/_dash-update-component", b"[]", 400, "json", "Requête invalide"),
        (
            "POST",
            "/_dash-update-component",
            b'{"output": "inconnu.children"}',
            400,
            "json",
            "Requête invalide",
        ),
        ("POST", "/_dash-update-component", b"x" * 70_000, 413, "json", "Requête trop volumineuse"),
        (
            "GET",
            "/_dash-component-suites/dash/../../../etc/passwd",
            None,
            404,
            "json",
            "Page introuvable",
        ),
    ],
)
def test_errors_are_french_and_without_details(client, method, path, body, status, kind, text):
    response = fetch(client, path, method=method, data=body, content_type="application/json")
    assert response.status_code == status
    content = response.get_data(as_text=True)
    if kind == "json":
        assert response.mimetype == "application/json"
        assert json.loads(content)["erreur"] == text
    else:
        assert response.mimetype == "text/html"
        assert '<html lang="fr">' in content and f"<h1>{text}</h1>" in content
        assert "/assets/barometre.css" in content
    assert "Traceback" not in content and "File " not in content


def test_a_bug_is_a_bare_french_500_and_a_json_log_line(app, caplog):
    @app.server.get("/panne")
    def broken():
        raise RuntimeError("secret interne")

    response = app.server.test_client().get("/panne")
    assert response.status_code == 500
    content = response.get_data(as_text=True)
    assert "Erreur du service" in content
    assert "secret interne" not in content and "Traceback" not in content
    logged = json.loads(caplog.records[-1].getMessage())
    assert logged["evenement"] == "erreur_interne"
    assert logged["exception"] == "RuntimeError"
    assert "secret interne" in logged["trace"]


# -- through the real server -------------------------------------------------------------------


@pytest.mark.server
def test_the_real_server_names_no_software(live_server):
    with urllib.request.urlopen(live_server.url + "/healthz") as response:  # noqa: S310
        servers = response.headers.get_all("Server")
        assert servers == [security.SERVER_NAME]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers.get("Set-Cookie") is None


@pytest.mark.server
def test_the_real_server_answers_a_bad_request_in_french(live_server):
    request = urllib.request.Request(
        live_server.url + "/_dash-update-component",
        data=b"{",
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(request)  # noqa: S310
    assert error.value.code == 400
    assert json.loads(error.value.read())["erreur"] == "Requête invalide"


# -- in the browser: no CSP violation anywhere --------------------------------------------------

COLLECT_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(
    e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sample || '')));
"""

BROWSER_PAGES = [
    ("/", ".js-plotly-plot"),
    ("/indicateurs", "h1"),
    ("/familles/signalements", "main h1"),
    ("/indicateurs/brigade-numerique-demandes", ".js-plotly-plot"),
    ("/indicateurs/reseaux-sociaux-abonnes?granularite=mois", ".js-plotly-plot"),
    ("/indicateurs/pre-plainte-en-ligne", ".js-plotly-plot"),
    ("/page-inexistante", "h1"),
    ("/embed/brigade-numerique-demandes", ".js-plotly-plot"),
]


@pytest.mark.browser
def test_no_page_violates_the_content_security_policy(live_server, browser):
    # A context of its own: the shared ``page`` fixture bypasses the CSP.
    context = browser.new_context(locale="fr-FR")
    reader_moves(context)
    page = context.new_page()
    console_errors: list[str] = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    page.add_init_script(COLLECT_VIOLATIONS)
    for path, ready in BROWSER_PAGES:
        page.goto(live_server.url + path)
        page.wait_for_selector(ready, timeout=20_000)
        page.wait_for_timeout(200)  # fixed wait: violations are reported after load
        violations = page.evaluate("window.__violations")
        assert violations == [], f"{path} : {violations}"
    context.close()
    assert [e for e in console_errors if "Content Security Policy" in e] == []


@pytest.mark.parametrize(
    ("trusted", "expected"), [(0, "http://localhost/t"), (1, "https://exemple.gouv.fr/t")]
)
def test_forwarded_headers_count_only_from_trusted_proxies(demo_settings, trusted, expected):
    settings = Settings(
        data_dir=demo_settings.data_dir,
        database_url=demo_settings.database_url,
        trusted_proxies=trusted,
    )
    app = create_app(settings)
    app.server.add_url_rule("/t", "t", lambda: __import__("flask").request.url)
    response = app.server.test_client().get(
        "/t", headers={"X-Forwarded-Proto": "https", "X-Forwarded-Host": "exemple.gouv.fr"}
    )
    assert response.get_data(as_text=True) == expected


@pytest.mark.server
def test_the_real_server_logs_json_lines_without_address_or_user_agent(live_server):
    request = urllib.request.Request(
        live_server.url + "/healthz", headers={"User-Agent": "Navigateur-Secret/1.0"}
    )
    with urllib.request.urlopen(request) as response:  # noqa: S310
        assert response.status == 200

    def logged() -> list[str]:
        text = Path(live_server.log.name).read_text()
        return [line for line in text.splitlines() if line.startswith("{")]

    # The access line is written once the answer is sent.
    assert wait_until(lambda: any('"chemin": "/healthz"' in line for line in logged()))
    lines = logged()
    for line in lines:
        json.loads(line)
    access = [line for line in lines if '"chemin": "/healthz"' in line]
    assert access
    assert all("127.0.0.1" not in line and "Navigateur-Secret" not in line for line in access)


@pytest.mark.server
def test_gunicorn_s_own_messages_lose_the_client_address(live_server):
    # A request line gunicorn refuses itself: its warning names the client (« ip=… »).
    host, port = live_server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(b"GET /\xff\x00 HTTP/1.1\r\nHost: x\r\n\r\n")
        assert connection.recv(100).startswith(b"HTTP/1.1 400")

    def logged() -> list[str]:
        # The log lines (not the command's own « Baromètre numérique sur http://… » banner).
        text = Path(live_server.log.name).read_text()
        return [line for line in text.splitlines() if line.startswith("{")]

    assert wait_until(lambda: any("Invalid request" in line for line in logged()))
    lines = logged()
    refused = [line for line in lines if "Invalid request" in line]
    assert refused and all("[adresse masquée]" in line for line in refused)
    assert not any("127.0.0.1" in line for line in lines)
