"""RGAA 4.1, the structure of the pages (criteria 8.2 and the page Dash draws).

The URL walk (tests/walk.py) decides 5.5, 6.1, 8.7 to 8.10 and 9.1 to 9.4 on the server's copy
of every URL the site serves, in-process. Here:

- valid code (8.2): the Nu Html Checker (vnu.jar, the W3C's validator, from tests/node_modules,
  run by Debian's Java) reads every page kind as the server sends it, and as Chromium holds it
  once Dash (or an embed's plotly.js) has drawn it: the « code source généré » the RGAA asks for;
- the page Dash draws: the walk's checks read Chromium's document of one page of each kind, as
  they read the server's copy of every URL; and no English of plotly.js is left in it (8.7).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import walk
from conftest import require
from deferred import draw_every_chart
from html_tree import parse
from rgaa_sample import PAGES

from barometre.config import Settings
from barometre.data import catalogue as catalogue_module
from barometre.web.app import create_app

TESTS = Path(__file__).parent
VNU = TESTS / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
TIMEOUT_MS = 30_000

CATALOGUE = catalogue_module.load()
WITH_DEPARTEMENTS = next(i.id for i in CATALOGUE.indicators if "departement" in i.breakdowns)
PLAIN = next(i.id for i in CATALOGUE.indicators if "departement" not in i.breakdowns)

# One page of each kind: the audit's sample.
KINDS = PAGES


# -- the Nu Html Checker ---------------------------------------------------------------------------


# Not the markup's: the style sheets Dash's components put in the page use container queries,
# which the checker's CSS grammar predates (CSS is no part of 8.2); and in a document a browser
# has filled, its injected styles push the charset past the first 1,024 bytes, which only a byte
# stream must respect (the server's pages have it first, and are checked too).
NOT_MARKUP = re.compile(r"CSS: |A “charset” attribute on a “meta” element found after the first")


def nu_errors(pages: dict[str, str], folder: Path) -> list[str]:
    """The Nu Html Checker's errors on ``pages`` (name -> markup), one line each: page, line,
    message. Warnings are left out: they are advice, not invalid code."""
    require(shutil.which("java") is not None and VNU.exists(), "vnu.jar (npm ci --prefix tests)")
    files = []
    for number, (name, markup) in enumerate(pages.items()):
        path = folder / f"{number:03d}.html"
        path.write_text(markup, encoding="utf-8")
        files.append((path, name))
    by_file = {path.name: name for path, name in files}
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, dict(files))],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    messages = json.loads(result.stderr)["messages"]  # its report, even when all is valid
    return [
        f"{by_file.get(m.get('url', '').rsplit('/', 1)[-1], m.get('url'))}:"
        f"{m.get('lastLine', '?')}: {m['message']}"
        for m in messages
        if m.get("type") in ("error", "non-document-error") and not NOT_MARKUP.match(m["message"])
    ]


BROKEN = (
    '<!DOCTYPE html><html lang="fr"><head><title>x</title></head><body>'
    '<p id="a">x<div id="a" taille="2" aria-labeledby="a">y</div></p></body></html>'
)


VALID = '<!DOCTYPE html><html lang="fr"><head><title>x</title></head><body><p>x</p></body></html>'


def test_the_nu_html_checker_finds_what_it_looks_for(tmp_path):
    errors = nu_errors({"cassée": BROKEN, "valide": VALID}, tmp_path)
    text = "\n".join(errors)
    assert all(line.startswith("cassée:") for line in errors), text
    for expected in (
        "Duplicate ID “a”",
        "Attribute “taille” not allowed on element “div”",
        "Attribute “aria-labeledby” not allowed on element “div”",
        "No “p” element in scope but a “p” end tag seen",
    ):
        assert expected in text, text


def served_pages(client) -> dict[str, str]:
    """Every page of the site map, the 404, and each indicator's embed (default, and for each
    breakdown), as the server sends them."""
    sitemap = parse(client.get("/plan-du-site").get_data(as_text=True))
    main = sitemap.find(lambda e: e.tag == "main")
    paths = ["/plan-du-site", "/page-qui-n-existe-pas", *KINDS]
    paths += [a.attrs["href"] for a in main.find_all(lambda e: e.tag == "a" and "href" in e.attrs)]
    for indicator in CATALOGUE.indicators:
        paths.append(f"/embed/{indicator.id}")
        paths += [f"/embed/{indicator.id}?ventilation={b}" for b in indicator.breakdowns]
    return {path: client.get(path).get_data(as_text=True) for path in dict.fromkeys(paths)}


@pytest.mark.slow
def test_every_page_kind_the_server_sends_is_valid_html(client, tmp_path):
    """8.2: every page of the site map, the 404, every embed, and the 503 page of an outage."""
    pages = served_pages(client)
    outage = create_app(Settings(data_dir=tmp_path / "vide")).server.test_client()
    response = outage.get("/indicateurs")
    assert response.status_code == 503
    pages["503"] = response.get_data(as_text=True)
    assert len(pages) > 30
    assert nu_errors(pages, tmp_path) == []


# -- the page Dash draws ---------------------------------------------------------------------------


@pytest.fixture
def page(page):
    """conftest's page (Dash started, the CSP bypassed for Playwright's waits), given longer."""
    page.set_default_timeout(TIMEOUT_MS)
    return page


# plotly.js's own words, when its French locale is not applied (assets/plotly-locale-fr.js).
PLOTLY_ENGLISH = re.compile(
    r"\b(?:Download plot|Zoom in|Zoom out|Autoscale|Reset axes|Produced with Plotly|Box Select"
    r"|Lasso Select|Toggle Spike|closest data on hover|Compare data on hover|Double-click)\b"
)
# Playwright's page.content() gives the document without its doctype line.
DOCUMENT = "() => '<!DOCTYPE html>' + document.documentElement.outerHTML"


def drawn_document(page, url: str) -> str:
    """The document of ``url`` once Dash has replaced the server's copy and plotly.js has drawn
    every chart (an embed: once its plotly.js has drawn its chart)."""
    page.goto(url, wait_until="networkidle")
    if "/embed/" in url:
        page.wait_for_selector(".main-svg")
    else:
        page.wait_for_selector("#contenu h1")
        draw_every_chart(page)
    return page.evaluate(DOCUMENT)


def dash_problems(markup: str) -> list[str]:
    """The walk's checks on a document Dash has drawn (no server's copy to cut: all of it)."""
    document = parse(walk.without_tables(markup))
    problems = walk.structure_problems(markup, document) + walk.document_problems(markup, document)
    if document.find(lambda e: e.tag == "header") is not None:  # a site page, not an embed
        problems += walk.landmark_problems(markup, document)
        mains = len(document.find_all(lambda e: e.tag == "main"))
        problems += [] if mains == 1 else [f"{mains} éléments main au lieu d'un (9.2)"]
    problems += sorted(set(PLOTLY_ENGLISH.findall(markup)))
    return problems


@pytest.mark.browser
@pytest.mark.slow
def test_the_open_embed_builder_is_valid_and_well_structured(page, live_server, tmp_path):
    """The same, with the embed builder's dialog open and its preview loaded."""
    drawn_document(page, f"{live_server.url}/indicateurs/{PLAIN}")
    page.get_by_role("button", name="Intégrer ce graphique").click()
    page.get_by_role("dialog", name="Intégrer ce graphique").wait_for(state="visible")
    page.wait_for_function(
        "() => document.getElementById('integrer-code').value.includes('<iframe')"
    )
    markup = page.evaluate(DOCUMENT)
    assert "<iframe" in markup
    assert dash_problems(markup) == []
    assert nu_errors({"constructeur": markup}, tmp_path) == []


def test_the_dash_checks_find_plotly_s_english():
    markup = (
        '<!DOCTYPE html><html lang="fr"><head><title>A — Baromètre numérique</title></head>'
        '<body><h1>A</h1><a data-title="Download plot as a PNG" class="modebar-btn"></a></body>'
        "</html>"
    )
    assert dash_problems(markup) == ["Download plot"]


def test_the_server_s_copy_of_the_map_is_named_by_its_heading(client):
    """8.2: the map's drawing, put in the copy as markup, names it by the copy's own id."""
    markup = client.get(f"/indicateurs/{WITH_DEPARTEMENTS}").get_data(as_text=True)
    document = walk.copy_document(markup)
    drawing = document.find(lambda e: e.tag == "svg" and "carte-svg" in e.classes)
    named = drawing.attrs["aria-labelledby"]
    heading = document.find(lambda e: e.attrs.get("id") == named)
    assert heading is not None and heading.tag == "h2", named
