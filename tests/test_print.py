"""Printing an indicator page, in Debian Chromium: a clean A4 document with the title, chart,
summary, data table (even when « Voir les données » is closed), source, date, licence and the
page's address, without navigation, controls or footer links, black on white in either theme.
"""

from __future__ import annotations

import re

import pytest
from test_browser import open_page

pytestmark = pytest.mark.browser

PAGE = "/indicateurs/brigade-numerique-demandes?debut=2025-01-01&fin=2025-06-30&granularite=mois"
CHARTS = 3
# Seen on paper: (what, selector, text it contains or None).
PRINTED = [
    ("titre", "h1", "Demandes à la Brigade numérique"),
    ("graphique", ".chart-block .js-plotly-plot svg.main-svg", None),
    ("résumé", ".chart-summary", None),
    ("lignes du tableau", ".chart-data tbody tr", None),
    ("source", ".chart-source", "Source"),
    ("date des données", ".facts", "Dernière mise à jour"),
    ("licence", ".colophon", "Licence Ouverte / Open Licence 2.0"),
    ("adresse", "#adresse-impression", "http://127.0.0.1"),
]
# Not on paper: navigation, header controls, the form, sharing, downloads, embedding, footer.
NOT_PRINTED = [
    "#navigation-principale",
    ".theme-switch",
    ".breadcrumb",
    "form.controls",
    "#granularite",
    "#partager",
    ".chart-downloads",
    "#integrer-ouvrir",
    ".chart-data > summary",
    ".site-footer",
]


def printed(page, url: str, theme: str = "clair"):
    page.add_init_script(f"window.localStorage.setItem('barometre-theme', '{theme}')")
    open_page(page, url, CHARTS)
    # What another helper's control would carry: it must vanish on paper too.
    page.evaluate(
        "document.querySelector('h1').insertAdjacentHTML('afterend',"
        ' \'<p class="no-print" id="ajout-ecran">écran seulement</p>\')'
    )
    page.emulate_media(media="print")


@pytest.mark.parametrize("theme", ["clair", "sombre"])
def test_an_indicator_page_prints_what_it_shows_and_nothing_to_click(live_server, page, theme):
    url = live_server.url + PAGE
    printed(page, url, theme)
    assert page.locator(".chart-data[open]").count() == 0  # closed, as on screen
    for what, selector, text in PRINTED:
        element = page.locator(selector).first
        assert element.is_visible(), what
        if text:
            assert text in element.inner_text(), what
    assert page.locator("#adresse-impression").inner_text() == url
    assert page.locator(".chart-data tbody tr:visible").count() >= 6  # six months, each chart
    for selector in [*NOT_PRINTED, "#ajout-ecran"]:
        assert all(not e.is_visible() for e in page.locator(selector).all()), selector
    # Black on white whatever the theme, charts included (redrawn in the light theme).
    colours = page.evaluate(
        """() => [getComputedStyle(document.body).color,
                  getComputedStyle(document.body).backgroundColor,
                  getComputedStyle(document.querySelector('.data-table td')).color,
                  (document.querySelector('.js-plotly-plot').layout.meta || {}).barometreTheme
                  || 'clair']"""
    )
    assert colours == ["rgb(0, 0, 0)", "rgb(255, 255, 255)", "rgb(0, 0, 0)", "clair"]
    # Every chart fits the width of an A4 page's text.
    widths = page.evaluate(
        "[...document.querySelectorAll('.js-plotly-plot svg.main-svg')]"
        ".map(svg => svg.getBoundingClientRect().width)"
    )
    assert widths and all(width <= 703 for width in widths), widths
    assert page.console_errors == []


def test_the_pdf_is_a_few_clean_a4_pages(live_server, page, tmp_path):
    printed(page, live_server.url + PAGE)
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    (tmp_path / "indicateur.pdf").write_bytes(pdf)
    pages = len(re.findall(rb"/Type\s*/Page\b", pdf))
    assert 1 <= pages <= 6, pages
    # A4 portrait: 595 × 842 points.
    sizes = set(re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf))
    assert {(round(float(w)), round(float(h))) for w, h in sizes} == {(595, 842)}


def test_the_printed_address_follows_the_controls(live_server, page):
    open_page(page, live_server.url + PAGE, CHARTS)
    page.select_option("#granularite", "annee")
    page.wait_for_url(re.compile("granularite=annee"))
    page.emulate_media(media="print")
    page.wait_for_function(
        "document.getElementById('adresse-impression').textContent === window.location.href"
    )
    assert "granularite=annee" in page.locator("#adresse-impression").inner_text()
