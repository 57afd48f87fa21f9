"""Charts a keyboard and a screen reader explore point by point, and hear (assets/explore.js).

In Chromium, on the server's copy of the page (Dash's scripts never arrive) and on Dash's page
once plotly.js has drawn: the arrow keys and the « Point précédent » button walk every point of
each kind of chart in order, and the live region says the data table's row for each point.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from conftest import reader_moves, start_dash
from deferred import draw_every_chart
from test_accessibility import axe

from barometre.charts.french import NBSP
from barometre.publish import export
from barometre.publish.validation import query, with_departement
from barometre.web import views

pytestmark = pytest.mark.browser

INDICATOR = "brigade-numerique-demandes"  # a motif breakdown (flat bars) and hours (upright)
PERIOD = "debut=2025-01-01&fin=2026-11-15"
LIVE = "[data-explore-tools] [aria-live=polite]"
# Each kind of chart: the page, the chart's id, the series walked (0: main, 1: the overlay).
CASES = {
    "national": (f"/indicateurs/{INDICATOR}?{PERIOD}", f"{INDICATOR}-evolution", 0),
    "un-an-avant": (f"/indicateurs/{INDICATOR}?{PERIOD}&comparer=oui", f"{INDICATOR}-evolution", 1),
    "heures": (f"/indicateurs/{INDICATOR}?{PERIOD}", f"{INDICATOR}-heure", 0),
    "motifs": (f"/indicateurs/{INDICATOR}?{PERIOD}", f"{INDICATOR}-motif", 0),
}


@pytest.fixture(scope="module")
def masked_case(demo_settings, demo_store, the_catalogue):
    """Return the case of a département's monthly chart that has undisclosed months (a
    département is published per closed month): the year around its first one."""
    services = export.offline_services(demo_settings, the_catalogue, demo_store)
    indicator = next(i for i in the_catalogue.indicators if "departement" in i.breakdowns)
    bounds = services.store.bounds(indicator.id)
    whole = query(indicator, bounds, bounds[0].isoformat(), bounds[1].isoformat(), "mois")
    for code in the_catalogue.breakdowns["departement"].codes:
        chosen = with_departement(whole, the_catalogue.breakdowns, code)
        series = views.departement_series(services, chosen)
        masked = series.loc[series["valeur"].isna(), "periode"]
        if not masked.empty:
            year = masked.iloc[0].year
            start = max(bounds[0], dt.date(year, 1, 1))
            end = min(bounds[1], dt.date(year, 12, 31))
            path = (
                f"/indicateurs/{indicator.id}?debut={start}&fin={end}&granularite=mois"
                f"&departement={code}"
            )
            return path, f"{indicator.id}-evolution", 0
    pytest.fail("aucun département n'a de mois non diffusé : le cas n'est pas couvert")


def open_chart(browser, url: str, phase: str, width: int = 1280, dark: bool = False):
    """Return a page at ``url``: the server's copy alone, or Dash's with plotly.js drawn."""
    context = browser.new_context(
        locale="fr-FR",
        viewport={"width": width, "height": 900},
        bypass_csp=True,
        color_scheme="dark" if dark else "light",
    )
    page = context.new_page()
    page.set_default_timeout(60_000)
    if phase == "copie":
        page.route("**/_dash-component-suites/**", lambda route: route.abort())
        page.goto(url)
    else:
        reader_moves(context)
        page.goto(url)
        draw_every_chart(page)
    return page


def block(page, chart_id: str) -> dict:
    """Return a chart's table rows and the number of points of each of its series."""
    return page.evaluate(
        """id => {
            const title = document.querySelector(`[id$="${id}-titre"]`);
            const section = title.closest('section');
            const rows = [...section.querySelectorAll('table tbody tr')]
                .map(tr => [...tr.children].map(cell => cell.textContent));
            const data = JSON.parse(section.querySelector('.svg-chart').dataset.points);
            return {rows, counts: data.series.map(s => s.points.length)};
        }""",
        chart_id,
    )


def said(page, chart_id: str) -> str:
    """Return what the chart's live region says now."""
    return page.evaluate(
        """id => document.querySelector(`[id$="${id}-titre-exploration"]`)
            .parentElement.nextElementSibling.querySelector('[aria-live]').textContent""",
        chart_id,
    )


def walk_with_keys(page, chart_id: str, series: int, count: int) -> list[str]:
    explorer = page.locator(f"[id$='{chart_id}-titre-exploration']")
    explorer.focus()
    for _ in range(series):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Home")
    heard = [said(page, chart_id)]
    for _ in range(count - 1):
        page.keyboard.press("ArrowRight")
        heard.append(said(page, chart_id))
    return heard


def walk_back_with_the_button(page, chart_id: str, count: int) -> list[str]:
    button = page.locator(f"[id$='{chart_id}-titre-precedent']")
    heard = [said(page, chart_id)]
    for _ in range(count - 1):
        button.click()
        heard.append(said(page, chart_id))
    return heard[::-1]


def assert_table_rows(heard: list[str], rows: list[list[str]], series: int, bars: bool) -> None:
    """Each announcement starts with its point's row of the table: date, then value."""
    if bars:  # the chart's bars are the table's first rows (the largest, or the hours)
        rows = rows[: len(heard)]
    assert len(heard) == len(rows)
    for text, row in zip(heard, rows, strict=True):
        head = row[0] + (", un an avant" if series else "")
        cell = row[2] if series else row[1]
        assert text.startswith(head), (text, row)
        value = text.split(f"{NBSP}: ", 1)[1]
        if any(char.isdigit() for char in cell):
            assert value.startswith(cell), (text, row)
        else:  # masked, or not comparable: the table's words, never a number
            assert cell in value and not any(char.isdigit() for char in value), (text, row)


@pytest.mark.parametrize("phase", ["copie", "dash"])
@pytest.mark.parametrize("case", [*CASES, "departement-masque"])
def test_keys_and_buttons_walk_every_point_saying_its_table_row(
    browser, live_server, masked_case, case, phase
):
    path, chart_id, series = masked_case if case == "departement-masque" else CASES[case]
    # Dash's page in the dark theme on a 320 px phone; the copy in the light one on a desktop.
    dash = phase == "dash"
    page = open_chart(browser, live_server.url + path, phase, 320 if dash else 1280, dash)
    try:
        shown = block(page, chart_id)
        count = shown["counts"][series]
        heard = walk_with_keys(page, chart_id, series, count)
        bars = case in ("heures", "motifs")
        assert_table_rows(heard, shown["rows"], series, bars)
        if case == "departement-masque":
            assert any("non diffusé" in text for text in heard)
        # The focus stayed on the chart, visibly, with its marker and tooltip shown.
        focused = page.evaluate(
            "() => { const el = document.activeElement; const style = getComputedStyle(el);"
            " return [el.id, style.outlineStyle, el.closest('.chart-box, .embed-chart')"
            ".querySelector('.explore-tip').hidden] }"
        )
        assert focused[0].endswith(f"{chart_id}-titre-exploration")
        assert focused[1] != "none" and focused[2] is False
        assert walk_back_with_the_button(page, chart_id, count) == heard
        if dash:
            assert page.evaluate("document.documentElement.dataset.bsTheme") == "dark"
            assert page.evaluate("document.documentElement.scrollWidth") <= 320
    finally:
        page.context.close()


def test_escape_and_tab_leave_the_chart_and_axe_finds_nothing(browser, live_server):
    path, chart_id, _ = CASES["un-an-avant"]
    page = open_chart(browser, live_server.url + path, "dash")
    try:
        explorer = page.locator(f"[id$='{chart_id}-titre-exploration']")
        explorer.focus()
        page.keyboard.press("End")
        page.keyboard.press("ArrowDown")
        assert said(page, chart_id).startswith("Même période, un an avant")
        assert axe(page) == []
        page.keyboard.press("Escape")
        assert page.evaluate("document.activeElement.id").endswith(f"{chart_id}-titre-precedent")
        assert page.locator(".explore-tip:not([hidden])").count() == 0
        explorer.focus()
        page.keyboard.press("Tab")
        assert not page.evaluate("document.activeElement.id").endswith("-exploration")
    finally:
        page.context.close()


# A recording AudioContext: every value a param is given, with its time, per node.
RECORDER = """
window.AudioContext = class {
  constructor() { this.currentTime = 0; this.destination = {}; window.tones = []; }
  resume() { return Promise.resolve(); }
  param(node, name) {
    return { setValueAtTime: (value, at) => window.tones.push({node, name, value, at}) };
  }
  createOscillator() {
    const node = {id: Math.random(), connect() {}, start() {}, stop() {}};
    node.frequency = this.param(node.id, 'frequency');
    return node;
  }
  createGain() {
    const node = {id: Math.random(), connect() {}};
    node.gain = this.param(node.id, 'gain');
    return node;
  }
};
"""


def test_listening_plays_one_tone_per_point_in_order_silent_where_masked(
    browser, live_server, masked_case
):
    path, chart_id, _ = masked_case
    page = open_chart(browser, live_server.url + path, "copie")
    try:
        page.add_init_script(RECORDER)
        page.reload()
        data = page.evaluate(
            """id => JSON.parse(document.querySelector(`[id$="${id}-titre"]`).closest('section')
                .querySelector('.svg-chart').dataset.points)""",
            chart_id,
        )
        points = data["series"][0]["points"]
        assert page.evaluate("window.tones === undefined")  # never on its own
        page.locator(f"[id$='{chart_id}-titre-ecouter']").click()
        tones = page.evaluate("window.tones")
        # The series' oscillator and volume: the first of each (the clicks of events follow).
        oscillator = next(t["node"] for t in tones if t["name"] == "frequency")
        volume = next(t["node"] for t in tones if t["name"] == "gain")
        pitches = [t for t in tones if t["node"] == oscillator]
        gains = [t for t in tones if t["node"] == volume][1:]  # after the silence at the start
        assert len(pitches) == len(points)
        times = [t["at"] for t in pitches]
        assert times == sorted(times) and len(set(times)) == len(times)
        loud = [g["value"] > 0 for g in gains[: len(points)]]
        assert loud == [p[1] is not None for p in points]
        heights = [1 - p[1] for p in points if p[1] is not None]
        heard = [t["value"] for t, p in zip(pitches, points, strict=True) if p[1] is not None]
        # Higher points sound higher.
        assert sorted(range(len(heard)), key=heard.__getitem__) == sorted(
            range(len(heights)), key=heights.__getitem__
        )
    finally:
        page.context.close()


def test_an_embed_is_walked_the_same_before_and_after_plotly(browser, live_server):
    url = f"{live_server.url}/embed/{INDICATOR}?{PERIOD}"
    heard = {}
    for phase in ("avant", "apres"):
        context = browser.new_context(locale="fr-FR", bypass_csp=True)
        page = context.new_page()
        page.set_default_timeout(60_000)
        page.goto(url)
        if phase == "apres":
            start_dash(page)
            page.wait_for_selector("#graphique .main-svg")
        explorer = page.locator("[id$='-exploration']")
        explorer.focus()
        data = json.loads(page.locator(".svg-chart").get_attribute("data-points"))
        page.keyboard.press("Home")
        texts = [page.locator(LIVE).text_content()]
        for _ in range(len(data["series"][0]["points"]) - 1):
            page.keyboard.press("ArrowRight")
            texts.append(page.locator(LIVE).text_content())
        rows = page.evaluate(
            "[...document.querySelectorAll('#donnees tbody tr')]"
            ".map(tr => [...tr.children].map(cell => cell.textContent))"
        )
        assert_table_rows(texts, rows, 0, bars=False)
        heard[phase] = texts
        if phase == "apres":
            assert page.locator("#graphique .svg-chart").is_visible()  # shown while explored
            assert axe(page) == []
        context.close()
    assert heard["avant"] == heard["apres"]


# The confinements of 2020 are events of every indicator.
WITH_EVENTS = "debut=2020-01-01&fin=2021-06-30"


def drawn_series(page) -> list[str]:
    """Return the roles of the series the first drawing of the page lets the keyboard walk."""
    return page.evaluate(
        "JSON.parse(document.querySelector('.svg-chart[data-points]').dataset.points)"
        ".series.map(s => s.role)"
    )


def event_labels(page) -> int:
    return page.locator(".svg-chart[data-points] .svg-event-label").count()


@pytest.mark.parametrize("where", ["page", "integration"])
def test_a_display_changed_in_the_browser_is_walked_as_it_is_drawn(browser, live_server, where):
    """« Comparer avec l'année précédente » checked once the chart is drawn: ↓ reaches the
    year-ago series and each of its points says its row's year-ago cell; « Afficher les
    événements » unchecked: the drawing loses its event marks. On Dash's page and in an embed."""
    chart_id = f"{INDICATOR}-evolution"
    if where == "page":
        page = open_chart(
            browser, f"{live_server.url}/indicateurs/{INDICATOR}?{WITH_EVENTS}", "dash"
        )
    else:
        context = browser.new_context(locale="fr-FR", bypass_csp=True)
        reader_moves(context)
        page = context.new_page()
        page.set_default_timeout(60_000)
        page.goto(f"{live_server.url}/embed/{INDICATOR}?{WITH_EVENTS}")
        page.wait_for_selector("#graphique .main-svg")
    try:
        assert drawn_series(page) == ["principale"]
        assert event_labels(page) > 0
        page.click("#comparer-annee-precedente")
        page.wait_for_function(
            "JSON.parse(document.querySelector('.svg-chart[data-points]').dataset.points)"
            ".series.length === 2"
        )
        assert drawn_series(page) == ["principale", "comparaison"]
        explorer = page.locator("[id$='-exploration']").first
        explorer.focus()
        page.keyboard.press("ArrowDown")
        page.keyboard.press("Home")
        count = page.evaluate(
            "JSON.parse(document.querySelector('.svg-chart[data-points]').dataset.points)"
            ".series[1].points.length"
        )
        heard = [page.locator(LIVE).first.text_content()]
        for _ in range(count - 1):
            page.keyboard.press("ArrowRight")
            heard.append(page.locator(LIVE).first.text_content())
        heard[0] = heard[0].split("\u00a0— ", 1)[-1]  # the series' name, said on arriving
        rows = page.evaluate(
            """id => {
                const title = document.querySelector(`[id$="${id}-titre"]`);
                const root = title ? title.closest('section') : document.getElementById('donnees');
                return [...root.querySelectorAll('tbody tr')]
                    .map(tr => [...tr.children].map(cell => cell.textContent));
            }""",
            chart_id,
        )
        assert_table_rows(heard, rows, 1, bars=False)
        page.click("#afficher-evenements")
        page.wait_for_function(
            "!document.querySelector('.svg-chart[data-points] .svg-event-label')"
        )
        assert drawn_series(page) == ["principale", "comparaison"]
        # The address says the display: a reload (or a shared link) keeps it.
        assert "comparer=oui" in page.url and "evenements=non" in page.url
        page.reload()
        assert drawn_series(page) == ["principale", "comparaison"] and event_labels(page) == 0
    finally:
        page.context.close()
