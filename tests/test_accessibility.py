"""Accessibility (RGAA 4.1 / WCAG 2.1 AA) in a real browser: axe-core, keyboard, chart alternatives,
themes, Lighthouse.

axe-core and Lighthouse come from tests/node_modules (``npm ci --prefix tests``, run by make test).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import rgaa_sample
from colours import contrast
from conftest import DEMO_TODAY, HeldCallbacks, reader_moves, require
from dash import dcc
from deferred import draw_every_chart
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from barometre.charts import figures
from barometre.data import catalogue as catalogue_module
from barometre.publish.secrecy import UNDISCLOSED_LABEL

TESTS = Path(__file__).parent
AXE = TESTS / "node_modules" / "axe-core" / "axe.min.js"
LIGHTHOUSE = TESTS / "node_modules" / ".bin" / "lighthouse"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
WIDTHS = (320, 768, 1280)
THEMES = ("light", "dark")
TIMEOUT_MS = 30_000

CATALOGUE = catalogue_module.load()
# An indicator with a département breakdown (101 members, top 15 charted), and a plain one.
WITH_DEPARTEMENTS = next(i.id for i in CATALOGUE.indicators if "departement" in i.breakdowns)
PLAIN = next(i.id for i in CATALOGUE.indicators if "departement" not in i.breakdowns)

# Pages checked at every width, in both themes (the home page, an indicator page with its
# 101 départements, the site map).
MATRIX = ["/", f"/indicateurs/{WITH_DEPARTEMENTS}", "/plan-du-site"]
# Every other page of the site map, plus a 404: checked at 1280 px in the light theme; the
# pages of the audit's sample are checked in both themes by test_rgaa_sample.
SITE_MAP = [
    path
    for path in (
        "/indicateurs",
        *(f"/familles/{family.id}" for family in CATALOGUE.families),
        *(f"/indicateurs/{i.id}" for i in CATALOGUE.indicators if i.id != WITH_DEPARTEMENTS),
        "/a-propos-des-donnees",
        "/journal",
        f"/journal/{DEMO_TODAY.year}",  # a year with corrections
        "/donnees",
        "/api",
        "/accessibilite",
        "/page-qui-n-existe-pas",
    )
    if path not in rgaa_sample.PAGES
]


@pytest.fixture
def page(browser, live_server):
    """Here, a page whose context bypasses the site's strict CSP: axe-core is injected as a
    script and Playwright's waits evaluate expressions (neither is allowed by the CSP)."""
    # reduced motion: colours are measured at once after a theme switch, not mid-transition.
    context = browser.new_context(
        locale="fr-FR",
        viewport={"width": 1280, "height": 900},
        bypass_csp=True,
        reduced_motion="reduce",
    )
    reader_moves(context)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    yield page
    context.close()


def open_page(page, url: str) -> None:
    """Load a page and wait until Dash has rendered it and every chart is drawn."""
    page.goto(url, wait_until="networkidle")
    page.wait_for_selector("#contenu h1")
    draw_every_chart(page)
    page.wait_for_function(
        "[...document.querySelectorAll('[data-chart-alternative] svg.main-svg')]"
        ".every(svg => svg.getAttribute('aria-hidden') === 'true')"
    )


def set_theme(page, theme: str) -> None:
    """Choose a theme with the header's switch (the system setting is tested on its own)."""
    page.select_option("#theme-choix", "sombre" if theme == "dark" else "clair")
    wanted = "dark" if theme == "dark" else "light"
    try:
        page.wait_for_function(f"document.documentElement.dataset.bsTheme === '{wanted}'")
    except PlaywrightTimeout:
        actual = page.evaluate("document.documentElement.dataset.bsTheme")
        pytest.fail(f"thème {theme} attendu, trouvé {actual!r}")


def reflow_overflow(page) -> int:
    """Return the horizontal scroll in px once charts have followed a new width (0 if none)."""
    script = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    with contextlib.suppress(PlaywrightTimeout):  # the overflow is then reported, not raised
        page.wait_for_function(f"{script} <= 0", timeout=5_000)
    return page.evaluate(script)


def axe(page) -> list[str]:
    """Return axe-core's violations on the page, one line each (rule, impact, first targets)."""
    require(AXE.exists(), "axe-core (npm ci --prefix tests)")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})",
        AXE_TAGS,
    )
    return [
        f"{v['id']} ({v['impact']}): {[node['target'] for node in v['nodes'][:3]]}"
        for v in result["violations"]
    ]


@pytest.mark.parametrize("path", SITE_MAP)
def test_axe_finds_no_violation_on_every_page(page, live_server, path):
    open_page(page, live_server.url + path)
    assert axe(page) == []


@pytest.mark.parametrize("path", MATRIX)
def test_axe_finds_no_violation_at_every_width_in_both_themes(page, live_server, path):
    open_page(page, live_server.url + path)
    found = {}
    for theme in THEMES:
        set_theme(page, theme)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            overflow = reflow_overflow(page)
            violations = axe(page) + (
                [f"défilement horizontal de {overflow} px"] if overflow > 0 else []
            )
            if violations:
                found[f"{theme} {width}px"] = violations
    assert found == {}


def test_axe_finds_no_violation_after_every_control_is_operated(page, live_server):
    open_page(page, f"{live_server.url}/indicateurs/{WITH_DEPARTEMENTS}")
    for summary in page.locator("details.chart-data > summary").all():
        summary.click()
    assert page.locator("details.chart-data[open]").count() > 0
    found = {"tableaux ouverts": axe(page)}
    page.select_option("#granularite", "annee")
    page.wait_for_function("document.getElementById('message').textContent.includes('mis à jour')")
    page.wait_for_function("document.querySelector('#resultats h2').textContent.includes('année')")
    found["regroupement changé"] = axe(page)
    page.select_option("#theme-choix", "sombre")
    page.wait_for_function("document.documentElement.dataset.bsTheme === 'dark'")
    found["thème sombre choisi"] = axe(page)
    assert found == {key: [] for key in found}


# --- Charts and their alternatives --------------------------------------------------------------

# Plotly charts only: the département map block has its own tests (test_carte, test_maps).
CHART_DATA = """() => [...document.querySelectorAll('.chart-block')]
  .filter(block => block.querySelector('.js-plotly-plot')).map(block => {
  const graph = block.querySelector('.js-plotly-plot');
  // The series, its incomplete last period included; not the year-ago overlay.
  const series = graph.data.filter(t => t.meta !== 'comparaison');
  const trace = series[0];
  const horizontal = trace.orientation === 'h';
  return {
    title: block.querySelector('h2, h3').textContent,
    summary: block.querySelector('.chart-summary').textContent,
    labels: series.flatMap(t => horizontal ? t.y : t.x).map(String),
    values: series.flatMap(t => horizontal ? t.x : t.y),
    ordered: trace.type === 'scatter',
    rows: [...block.querySelectorAll('table tbody tr')].map(tr =>
      [tr.querySelector('th').textContent, tr.querySelector('td').textContent]),
    hidden: [...graph.querySelectorAll('svg.main-svg')].every(
      svg => svg.getAttribute('aria-hidden') === 'true'),
  };
})"""


def french_number(text: str) -> float | None:
    """Parse a French number as written in the tables: "12 345,6", "−3", "—" (none)."""
    if text.strip() in {"—", ""}:
        return None
    cleaned = text.replace("\u202f", "").replace("\u00a0", "").replace("\u2212", "-")
    return float(cleaned.replace(",", "."))


@pytest.mark.parametrize(
    "path", ["/", f"/indicateurs/{WITH_DEPARTEMENTS}", f"/indicateurs/{PLAIN}"]
)
def test_every_chart_has_a_summary_and_a_table_with_the_charts_values(page, live_server, path):
    open_page(page, live_server.url + path)
    charts = page.evaluate(CHART_DATA)
    assert charts, "aucun graphique"
    for chart in charts:
        assert len(chart["summary"]) > 40, chart["title"]
        assert chart["rows"], f"pas de tableau : {chart['title']}"
        assert chart["hidden"], f"graphique non masqué malgré son tableau : {chart['title']}"
        # Undisclosed cells (« n.d. ») are left out of the charts as of the numbers compared.
        table = [
            (label, french_number(value))
            for label, value in chart["rows"]
            if value != UNDISCLOSED_LABEL
        ]
        if chart["ordered"]:
            # One row per period, in the chart's order.
            assert [value for _, value in table] == chart["values"], chart["title"]
        else:
            # Bars: every charted member has the same value in the table (which lists them all).
            by_label = dict(table)
            assert {label: by_label.get(label) for label in chart["labels"]} == dict(
                zip(chart["labels"], chart["values"], strict=True)
            ), chart["title"]


def test_tables_have_a_caption_and_scoped_headings(page, live_server):
    open_page(page, f"{live_server.url}/indicateurs/{WITH_DEPARTEMENTS}")
    tables = page.evaluate("""() => [...document.querySelectorAll('.chart-data table')].map(t => ({
        caption: t.caption && t.caption.textContent,
        cols: [...t.querySelectorAll('thead th')].every(th => th.scope === 'col'),
        rows: [...t.querySelectorAll('tbody th')].every(th => th.scope === 'row'),
        summary: t.closest('details').querySelector('summary').textContent}))""")
    assert tables
    assert all(t["caption"] and t["cols"] and t["rows"] for t in tables)
    assert {t["summary"] for t in tables} == {"Voir les données"}


# --- Keyboard ------------------------------------------------------------------------------------


def test_skip_link_moves_focus_to_the_main_region(page, live_server):
    open_page(page, f"{live_server.url}/indicateurs/{PLAIN}")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "contenu"
    assert page.evaluate("document.activeElement.tagName") == "MAIN"


def test_controls_work_with_the_keyboard_alone_and_are_announced(page, live_server):
    open_page(page, f"{live_server.url}/indicateurs/{PLAIN}")
    page.focus("#granularite")
    page.keyboard.press("End")  # the last option: by year
    page.wait_for_function(
        "document.getElementById('message').textContent.includes('mis à jour\u00a0: par année')"
    )
    assert "année" in page.locator("#resultats h2").first.text_content()
    assert page.get_attribute("#message", "aria-live") == "polite"
    assert page.evaluate("document.activeElement.id") == "granularite"  # focus did not move
    summary = page.locator("details.chart-data > summary").first
    summary.focus()
    page.keyboard.press("Enter")
    assert page.locator("details.chart-data").first.get_attribute("open") is not None


def test_landmarks_headings_and_current_page(page, live_server):
    family = CATALOGUE.families[0]
    open_page(page, f"{live_server.url}/familles/{family.id}")
    counts = page.evaluate("""() => ({
        header: document.querySelectorAll('header').length,
        nav: document.querySelectorAll('nav').length,
        main: document.querySelectorAll('main').length,
        footer: document.querySelectorAll('footer').length,
        h1: document.querySelectorAll('h1').length})""")
    assert counts == {"header": 1, "nav": 1, "main": 1, "footer": 1, "h1": 1}
    current = page.locator("#navigation-principale [aria-current='page']")
    assert current.count() == 1 and current.text_content() == family.title
    page.click("footer >> text=Plan du site")
    page.wait_for_selector("h1:has-text('Plan du site')")
    assert page.locator("#navigation-principale [aria-current='page']").count() == 0
    assert page.title().startswith("Plan du site")


# --- Themes ------------------------------------------------------------------------------------


def test_theme_switch_overrides_the_system_and_is_remembered_without_cookie(page, live_server):
    dark = figures.theme_colours("sombre")
    page.emulate_media(color_scheme="light")
    open_page(page, f"{live_server.url}/indicateurs/{PLAIN}")
    assert page.get_attribute("html", "data-bs-theme") == "light"
    page.select_option("#theme-choix", "sombre")
    page.wait_for_function(
        "document.querySelector('.chart .js-plotly-plot').layout.template.layout.font.color"
        f" === '{dark.text}'"
    )
    assert page.get_attribute("html", "data-bs-theme") == "dark"
    assert (
        page.evaluate("document.querySelector('.chart .js-plotly-plot').data[0].line.color")
        == (dark.colours[0])
    )
    open_page(page, f"{live_server.url}/")
    assert page.get_attribute("html", "data-bs-theme") == "dark"
    assert page.input_value("#theme-choix") == "sombre"
    assert page.context.cookies() == []
    # Back to « selon le système »: the system's dark setting applies, and follows its changes.
    page.select_option("#theme-choix", "auto")
    page.emulate_media(color_scheme="dark")
    page.reload(wait_until="networkidle")
    page.wait_for_function("document.documentElement.dataset.bsTheme === 'dark'")
    page.emulate_media(color_scheme="light")
    page.wait_for_function("document.documentElement.dataset.bsTheme === 'light'")
    page.emulate_media(color_scheme="dark")
    page.wait_for_function(
        "[...document.querySelectorAll('.chart .js-plotly-plot')].every(g =>"
        f" g.layout.template.layout.font.color === '{dark.text}')"
    )
    assert page.context.cookies() == []


def test_a_theme_chosen_the_instant_dash_draws_its_select_counts(page, live_server):
    # Dash may draw the header's select again; a choice made at once, before the select is synced
    # with the stored one, must still be stored and applied.
    page.emulate_media(color_scheme="light")
    open_page(page, f"{live_server.url}/")
    page.evaluate(
        """() => {
          const drawn = document.getElementById('theme-choix');
          const fresh = drawn.cloneNode(true);
          delete fresh.dataset.barometreReady;
          drawn.replaceWith(fresh);
          fresh.value = 'sombre';
          fresh.dispatchEvent(new Event('change', {bubbles: true}));
        }"""
    )
    assert page.evaluate("localStorage.getItem('barometre-theme')") == "sombre"
    assert page.get_attribute("html", "data-bs-theme") == "dark"


# --- Lighthouse ----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", f"/indicateurs/{WITH_DEPARTEMENTS}"])
def test_lighthouse_accessibility_score_is_100(live_server, path):
    require(LIGHTHOUSE.exists(), "lighthouse (npm ci --prefix tests)")
    require(shutil.which("chromium") is not None, "Chromium (/usr/bin/chromium)")
    completed = subprocess.run(
        [
            str(LIGHTHOUSE),
            live_server.url + path,
            "--only-categories=accessibility",
            "--chrome-flags=--headless --no-sandbox --disable-gpu",
            "--output=json",
            "--quiet",
        ],
        env={**os.environ, "CHROME_PATH": "/usr/bin/chromium"},
        capture_output=True,
        text=True,
        timeout=150,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    report = json.loads(completed.stdout)
    failed = [
        audit["id"]
        for audit in report["audits"].values()
        if audit.get("scoreDisplayMode") == "binary" and audit.get("score") == 0
    ]
    assert (report["categories"]["accessibility"]["score"], failed) == (1, [])


def test_no_style_sheet_of_the_site_depends_on_the_orientation():
    sheets = list((SOURCES / "assets").rglob("*.css"))
    assert sheets
    assert [path.name for path in sheets if "orientation" in path.read_text(encoding="utf-8")] == []


# --- Components with known accessibility defects in Dash 4 ---------------------------------------

SOURCES = Path(__file__).parent.parent / "src" / "barometre"


@pytest.mark.parametrize(
    "component",
    [
        "dcc.Tabs",  # tabs unreachable by keyboard
        "dbc.Tabs",  # every tab tabindex=-1
        "dcc.Dropdown",  # focusable aria-hidden input, unnamed listbox
        "dcc.DatePickerRange",  # invalid aria-labelledby
        "dcc.DatePickerSingle",
        "dcc.Slider",  # unnamed parts
        "dcc.RangeSlider",
        "dcc.RadioItems",  # nested interactive elements
        "dcc.Checklist",
        "dcc.Loading",  # announces nothing
    ],
)
def test_no_component_with_known_accessibility_defects(component):
    users = [
        path.relative_to(SOURCES).as_posix()
        for path in SOURCES.rglob("*.py")
        if component + "(" in path.read_text(encoding="utf-8")
    ]
    assert users == []


def test_results_are_marked_busy_while_a_callback_runs(page, live_server):
    open_page(page, f"{live_server.url}/indicateurs/{PLAIN}")
    held = HeldCallbacks(page)
    page.select_option("#granularite", "annee")
    # Times out (fails) unless the region is marked busy while its answer is held back.
    page.wait_for_function(
        "document.getElementById('resultats').getAttribute('aria-busy') === 'true'"
    )
    held.release()
    page.wait_for_function("!document.getElementById('resultats').hasAttribute('aria-busy')")
    assert "année" in page.locator("#resultats h2").first.text_content()


def test_results_are_marked_busy_while_the_page_around_them_is_redrawn(page, live_server):
    # A new address may make Dash redraw the whole page (its routing callback) before the
    # results' own callback: Dash then marks the page, not the results, as loading.
    open_page(page, f"{live_server.url}/indicateurs/{PLAIN}")
    page.evaluate(
        "document.getElementById('resultats').parentElement"
        ".setAttribute('data-dash-is-loading', 'true')"
    )
    page.wait_for_function(
        "document.getElementById('resultats').getAttribute('aria-busy') === 'true'"
    )
    page.evaluate(
        "document.getElementById('resultats').parentElement.removeAttribute('data-dash-is-loading')"
    )
    page.wait_for_function("!document.getElementById('resultats').hasAttribute('aria-busy')")


# --- Pages required by the RGAA (no browser) ------------------------------------------------------


def links(component) -> list[str]:
    """Return the href of every dcc.Link under a component tree, in order."""
    found = [component.href] if isinstance(component, dcc.Link) else []
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if child is not None and not isinstance(child, str | int | float):
            found += links(child)
    return found


def test_sitemap_lists_every_page_from_the_catalogue(app):
    from barometre.web.callbacks.pages import render

    page = render(app.services, "/plan-du-site", "", dt.date(2026, 11, 14))
    hrefs = [href for item in page.content for href in links(item)]
    expected = {"/", "/indicateurs", "/a-propos-des-donnees", "/journal", "/donnees", "/api"}
    expected |= {"/accessibilite", "/plan-du-site"}
    expected |= {f"/familles/{family.id}" for family in CATALOGUE.families}
    expected |= {f"/indicateurs/{indicator.id}" for indicator in CATALOGUE.indicators}
    assert set(hrefs) == expected
    assert len(hrefs) == len(expected)  # each page once


def test_every_page_footer_links_to_the_declaration_and_the_sitemap(app):
    from barometre.web.layouts.common import shell

    footer = next(c for c in shell(app.services).children if type(c).__name__ == "Footer")
    assert {"/accessibilite", "/plan-du-site"} <= set(links(footer))


@pytest.mark.parametrize(
    "words",
    [
        "Résultats des tests",
        "Lighthouse 12.2.3",
        "Contenus non accessibles",
        "Dérogations pour charge disproportionnée",
        "Outils pour évaluer l'accessibilité",
        "Pages du site ayant fait l'objet de la vérification de conformité",
        "Voies de recours",
        "Défenseur des droits",
        "Retour d'information et contact",
        "Parcourir un graphique",
        "Point précédent",
        "Écouter",
    ],
)
def test_declaration_states_conformance_results_and_recourse(app, words):
    from barometre.web.callbacks.pages import render

    page = render(app.services, "/accessibilite", "", dt.date(2026, 11, 14))
    assert words in str(page.content)


# --- RGAA criteria a machine can decide (issue 24) -----------------------------------------------


@pytest.mark.parametrize(
    ("one", "other", "expected"),
    [
        ("rgb(0, 0, 0)", "rgb(255, 255, 255)", 21.0),
        ("rgb(10, 88, 202)", "rgb(255, 255, 255)", 6.4),
        # Bootstrap's focus glow: a quarter of its blue over white.
        ("rgba(13, 110, 253, 0.25)", "rgb(255, 255, 255)", 1.4),
    ],
)
def test_contrast_is_computed_as_wcag_defines_it(one, other, expected):
    assert round(contrast(one, other), 1) == expected


# --- Time and windows stay the reader's (RGAA 13.1, 13.2) --------------------------------------

# What in a script would refresh the page, open a window or act on a timer by itself. None of the
# site's own scripts does (the pages: tests/walk.py, no meta refresh); one that starts to must be
# audited against 13.1 and 13.2.
NOT_THE_READER_S_DOING = re.compile(
    r"\bwindow\.open\s*\(|\bsetInterval\s*\(|\blocation\.(?:reload|assign|replace)\s*\(|"
    r"\.submit\s*\(|\blocation\.href\s*="
)


@pytest.mark.parametrize(
    "code", ["window.open(url)", "setInterval(poll, 1000)", "location.reload()", "form.submit()"]
)
def test_the_scan_for_timers_and_windows_finds_them(code):
    assert NOT_THE_READER_S_DOING.search(code)


# What a script would listen to for the device's motion (RGAA 13.12): nothing of the site does.
DEVICE_MOTION = re.compile(r"devicemotion|deviceorientation|Accelerometer|Gyroscope|shake", re.I)


def test_no_script_of_the_site_listens_to_the_device_s_motion():
    scripts = [path for path in (SOURCES / "assets").rglob("*.js") if "vendor" not in path.parts]
    assert DEVICE_MOTION.search("window.addEventListener('devicemotion', f)")
    assert [path.name for path in scripts if DEVICE_MOTION.search(path.read_text("utf-8"))] == []


def test_no_script_of_the_site_opens_a_window_or_refreshes_the_page_by_itself():
    scripts = [path for path in (SOURCES / "assets").rglob("*.js") if "vendor" not in path.parts]
    found = [
        f"{path.relative_to(SOURCES)} : {match.group(0)}"
        for path in scripts
        for match in NOT_THE_READER_S_DOING.finditer(path.read_text(encoding="utf-8"))
    ]
    assert len(scripts) >= 10
    assert found == []
