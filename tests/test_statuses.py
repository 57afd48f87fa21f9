"""A page's status tells the truth: 404 for what does not exist, 200 for every real page.

The router (``pages.find``) decides without reading the store; the server's copy (GET), Dash's
routing callback and the answers kept in memory all show the page it decides. The whole space of
real pages is proven on the router (cheap: statuses only); each page kind, real and unknown, is
then followed through the three ways a page is served.
"""

from __future__ import annotations

import json

import pytest
from conftest import DEMO_TODAY
from dash import html
from dash_http import route_payload

from barometre.publish.validation import DEPARTEMENT
from barometre.web import answers
from barometre.web.callbacks import pages
from barometre.web.layouts import data, sources
from barometre.web.layouts.common import (
    ACCESSIBILITY_PATH,
    JOURNAL_PATH,
    NAV_ID,
    SITEMAP_PATH,
)
from barometre.web.prerender import ID_PREFIX

UPDATE = "/_dash-update-component"
FIXED = ["/", "/indicateurs", sources.PATH, ACCESSIBILITY_PATH, SITEMAP_PATH, JOURNAL_PATH]
FIXED += [data.DATA_PATH, data.API_PATH]


def real_pages(catalogue) -> list[tuple[str, str]]:
    """Every page of the site as (path, query string): fixed pages, every indicator, every
    family, every département of every indicator broken down by département."""
    codes = catalogue.breakdowns[DEPARTEMENT].codes
    return [
        *((path, "") for path in FIXED),
        *((f"/indicateurs/{i.id}", "") for i in catalogue.indicators),
        *((f"/familles/{f.id}", "") for f in catalogue.families),
        *(
            (f"/indicateurs/{i.id}", f"?departement={code}")
            for i in catalogue.indicators
            if DEPARTEMENT in i.breakdowns
            for code in codes
        ),
    ]


def unknown_pages(catalogue) -> list[tuple[str, str]]:
    """Addresses of no page: unknown page, indicator, family, département, and a breakdown (by
    département) asked of every indicator that does not have it."""
    with_departement = [i.id for i in catalogue.indicators if DEPARTEMENT in i.breakdowns]
    return [
        ("/page-qui-n-existe-pas", ""),
        ("/indicateurs/indicateur-inconnu", ""),
        (f"/indicateurs/{catalogue.indicators[0].id}/en-trop", ""),
        ("/familles/famille-inconnue", ""),
        ("/familles", ""),
        ("/a/b/c", ""),
        ("/journal/deux-mille", ""),
        ("/journal/2026/1", ""),
        *(
            (f"/indicateurs/{i}", f"?departement={code}")
            for i in with_departement
            for code in ("20", "999", "<script>", "France")
        ),
        *(
            (f"/indicateurs/{i.id}", "?departement=33")
            for i in catalogue.indicators
            if DEPARTEMENT not in i.breakdowns
        ),
    ]


def test_every_real_page_is_a_200_and_every_unknown_one_a_404(app, the_catalogue):
    real, unknown = real_pages(the_catalogue), unknown_pages(the_catalogue)
    assert len(real) > 300  # 101 départements for each indicator broken down by département
    status = {(path, search): pages.status(app.services, path, search) for path, search in real}
    assert [page for page, code in status.items() if code != 200] == []
    status = {(p, s): pages.status(app.services, p, s) for p, s in unknown}
    assert [page for page, code in status.items() if code != 404] == []


def test_every_link_of_the_sitemap_is_a_real_page(app, the_catalogue):
    """The sitemap is a second list of the site's pages: none of its links may be a 404."""
    sitemap = pages.render(app.services, SITEMAP_PATH, "", DEMO_TODAY)
    links = {
        node.href
        for node in html.Div(sitemap.content)._traverse()
        if isinstance(getattr(node, "href", None), str)
        and node.href.startswith("/")
        and not node.href.startswith("/api/v1/")
    }
    assert len(links) >= len(the_catalogue.indicators) + len(the_catalogue.families)
    assert [link for link in links if pages.status(app.services, link, "") != 200] == []


# One real and one unknown address of each page kind.
KINDS = [
    ("/a-propos-des-donnees", "", 200),
    ("/page-qui-n-existe-pas", "", 404),
    ("/indicateurs/brigade-numerique-delai-reponse", "", 200),
    ("/indicateurs/indicateur-inconnu", "", 404),
    ("/familles/signalements", "", 200),
    ("/familles/famille-inconnue", "", 404),
    ("/journal/2026", "", 200),
    ("/journal/02026", "", 404),
    # A small département, whose last periods are masked (it was a 500).
    ("/indicateurs/perceval-signalements", "?departement=971", 200),
    ("/indicateurs/perceval-signalements", "?departement=20", 404),
    # A breakdown the indicator does not have.
    ("/indicateurs/brigade-numerique-delai-reponse", "?departement=33", 404),
]


@pytest.mark.parametrize(("path", "search", "expected"), KINDS)
def test_the_copy_the_router_and_the_kept_answers_agree(app, path, search, expected):
    assert pages.status(app.services, path, search) == expected
    client = app.server.test_client()
    # Served by the server's copy: the status, the French page, the site's navigation.
    page = client.get(path + search)
    html = page.get_data(as_text=True)
    assert page.status_code == expected
    assert page.mimetype == "text/html"
    assert f'id="{ID_PREFIX}{NAV_ID}"' in html
    assert ("<title>Page introuvable" in html) == (expected == 404)
    assert ("<h1>Page introuvable</h1>" in html) == (expected == 404)
    # Served by Dash's routing callback (an answer of the callback protocol, always 200): the
    # same page, with the same title.
    flask_calls = []
    middleware = app.server.wsgi_app
    flask_app = middleware.app

    def counting(environ, start_response):
        flask_calls.append(environ["PATH_INFO"])
        return flask_app(environ, start_response)

    middleware.app = counting
    payload = route_payload(path, search)
    routed = client.post(UPDATE, json=payload)
    assert routed.status_code == 200
    body = routed.get_json()["response"]
    title = body["page-title"]["data"]
    assert f"<title>{title}</title>" in html.replace("&#39;", "'")
    content = json.dumps(body["page"]["children"], ensure_ascii=False)
    assert ('"Page introuvable"' in content) == (expected == 404)
    # Served from the answers kept in memory: the same bytes, without reaching Flask. The page
    # itself is kept too when it was found.
    kept = app.server.extensions[answers.EXTENSION]
    assert len(kept.entries) == 1 + (expected == 200)
    again = client.post(UPDATE, json=payload)
    assert again.status_code == 200 and again.get_data() == routed.get_data()
    assert flask_calls == [UPDATE]


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("POST", "/", {"GET", "HEAD", "OPTIONS"}),
        ("DELETE", "/indicateurs/brigade-numerique-demandes", {"GET", "HEAD", "OPTIONS"}),
        ("PUT", "/api/v1/indicateurs", {"GET", "HEAD", "OPTIONS"}),
        ("TRACE", "/api/v1/paquet.zip", {"GET", "HEAD", "OPTIONS"}),
        ("POST", "/healthz", {"GET", "HEAD", "OPTIONS"}),
    ],
)
def test_every_405_says_which_methods_are_allowed(client, method, path, allowed):
    answer = client.open(path, method=method)
    assert answer.status_code == 405
    assert {m.strip() for m in answer.headers["Allow"].split(",")} == allowed
    assert "Méthode non autorisée" in answer.get_data(as_text=True)
