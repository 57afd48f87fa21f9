"""The page sent as HTML with the index (issue #7): shown before, and without, JavaScript."""

from __future__ import annotations

import html as markup
import logging
import re
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from conftest import hover_a_point, let_go, start_dash, wait_until
from dash import dcc, html
from dash_http import components
from html_tree import Element, parse
from test_app import route
from walk import DISPLAYS, the_copy

from barometre.charts import drawings, figures
from barometre.charts.model import BarChart, EmptyChart, TimeChart, ValueFormat
from barometre.config import Settings
from barometre.web import ids, tables, views
from barometre.web.app import create_app
from barometre.web.layouts import controls
from barometre.web.layouts.common import THEME_SELECT_ID, chart_block
from barometre.web.prerender import DRAWINGS_PART, PART, to_html

ASSETS = Path(__file__).parent.parent / "src" / "barometre" / "assets"
OPTIONS = [{"label": "Mois", "value": "mois"}, {"label": "Année", "value": "annee"}]


@pytest.mark.parametrize(
    ("component", "expected"),
    [
        (html.P("a < b & c", className="lead"), '<p class="lead">a &lt; b &amp; c</p>'),
        (html.P(['"x"', 3, None, False]), "<p>&#34;x&#34;3</p>"),
        (html.P(title='"><script>'), '<p title="&#34;&gt;&lt;script&gt;"></p>'),
        (
            dcc.Link("Accueil", href="/x", className="nav-link"),
            '<a class="nav-link" href="/x">Accueil</a>',
        ),
        # ids (and what names them) carry a prefix: both trees share the document for a while.
        (html.Label("Début", htmlFor="debut"), '<label for="prerendu-debut">Début</label>'),
        (
            html.Section(id="s", **{"aria-labelledby": "t", "data-x": "1"}),
            '<section aria-labelledby="prerendu-t" data-x="1" id="prerendu-s"></section>',
        ),
        (
            html.A("Aller au contenu", href="#contenu"),
            '<a href="#prerendu-contenu">Aller au contenu</a>',
        ),
        (html.Th("2024", scope="row", colSpan=2), '<th colspan="2" scope="row">2024</th>'),
        # the map's drawing, which carte.js puts in Dash's tree, is in the copy already
        (
            html.Div(id="carte", **{"data-svg": '<svg role="group"></svg>'}),
            '<div id="prerendu-carte"><svg role="group"></svg></div>',
        ),
        (
            html.Select(
                [html.Option("Ain", value="01"), html.Option("Gironde", value="33", selected=True)]
            ),
            '<select autocomplete="off"><option value="01">Ain</option>'
            '<option selected value="33">Gironde</option></select>',
        ),
        (html.Div(tabIndex="-1", role="region"), '<div role="region" tabindex="-1"></div>'),
        (
            html.Details(html.Summary("Voir"), open=True),
            "<details open><summary>Voir</summary></details>",
        ),
        # What only scripts use or draw has no place in the HTML.
        (html.Button("Copier", n_clicks=0, style={"color": "red"}), "<button>Copier</button>"),
        # a pattern-matching id is no HTML id (it would hold spaces and braces)
        (html.Button("PNG", id={"type": "image", "graphique": "g"}), "<button>PNG</button>"),
        (dcc.Store(id="s", data={"a": 1}), ""),
        (dcc.Location(id="url"), ""),
        (
            controls.Select(id="g", options=OPTIONS, value="annee"),
            '<select class="form-select" id="prerendu-g" autocomplete="off">'
            '<option value="mois">Mois</option>'
            '<option value="annee" selected>Année</option></select>',
        ),
        (
            controls.Table("Demandes", ["Mois", "Valeur"], [["mai", "1 <2"]], className="table"),
            '<table class="table"><caption>Demandes</caption><thead><tr><th scope="col">Mois</th>'
            '<th scope="col">Valeur</th></tr></thead><tbody><tr><th scope="row">mai</th>'
            "<td>1 &lt;2</td></tr></tbody></table>",
        ),
        (
            controls.Input(id="d", type="date", value="2024-01-01", debounce=True),
            '<input class="form-control" id="prerendu-d" type="date" value="2024-01-01"'
            ' autocomplete="off">',
        ),
    ],
)
def test_components_become_the_html_react_renders(component, expected):
    assert to_html(component) == expected


def visible_texts(tree) -> list[str]:
    """The strings of the paragraphs, headings and cards Dash renders for a page."""
    found = []
    for kind in ("H1", "H2", "P"):
        for component in components(tree, kind):
            children = component["props"].get("children")
            if isinstance(children, str):
                found.append(children)
    return found


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/indicateurs/brigade-numerique-demandes",
        "/familles/recrutement",
        "/journal",
        "/nulle-part",
    ],
)
def test_the_index_carries_the_text_dash_renders(client, path):
    content, title = route(client, path)
    page = client.get(path).get_data(as_text=True)
    texts = visible_texts(content)
    assert len(texts) >= 2
    for text in texts:
        assert str(markup.escape(text, quote=False)) in quotes_plain(page), text


def drawings_by_chart(markup: str) -> dict[str, Element]:
    """The drawings of a page by chart, as explore.js's ``byChart`` finds them: each
    ``.svg-chart[data-points]`` under the label of its closest labelled ancestor."""
    found: dict[str, Element] = {}

    def walk(element: Element, label: str) -> None:
        label = element.attrs.get("aria-labelledby", label)
        if "svg-chart" in element.classes and "data-points" in element.attrs:
            found[label] = element
            return
        for child in element.children:
            if isinstance(child, Element):
                walk(child, label)

    walk(parse(the_copy(markup)), "")
    return found


def test_the_drawings_part_of_a_page_is_its_drawings_by_chart(app, client):
    # Every page with the display's checkboxes, for every display: what explore.js fetches to
    # draw a display choice again holds the page's very drawings, under the same names.
    paths = ["/"] + [f"/indicateurs/{i.id}" for i in app.services.catalogue.indicators]
    for path in paths:
        for display in DISPLAYS:
            query = urlencode(display.params())
            page = client.get(f"{path}?{query}")
            part = client.get(f"{path}?{urlencode({**display.params(), PART: DRAWINGS_PART})}")
            assert page.status_code == part.status_code == 200, (path, query)
            expected = drawings_by_chart(page.get_data(as_text=True))
            assert expected, (path, query)
            assert drawings_by_chart(part.get_data(as_text=True)) == expected, (path, query)
            assert b"<table" not in part.get_data() and b"<script" not in part.get_data()


def test_explore_js_asks_for_the_drawings_part_by_its_python_name():
    script = (ASSETS / "explore.js").read_text(encoding="utf-8")
    assert f'drawings.set("{PART}", "{DRAWINGS_PART}")' in script


def test_an_unknown_page_s_drawings_part_is_a_404_too(client):
    assert client.get(f"/nulle-part?{PART}={DRAWINGS_PART}").status_code == 404


def test_the_home_page_html_has_its_title_key_figures_and_chart_summaries(client):
    content, _ = route(client, "/")
    page = client.get("/").get_data(as_text=True)
    assert "<h1>Baromètre numérique</h1>" in page
    values = [
        c["props"]["children"]
        for c in components(content, "P")
        if "key-value" in c["props"].get("className", "")
    ]
    summaries = [
        c["props"]["children"]
        for c in components(content, "P")
        if c["props"].get("className") == "chart-summary"
    ]
    assert values and summaries
    for text in values + summaries:
        assert f">{markup.escape(text, quote=False)}</p>" in quotes_plain(page)


def quotes_plain(page: str) -> str:
    """Return ``page`` with the quotes that markupsafe escapes in text (« l'an ») as typed."""
    return page.replace("&#34;", '"').replace("&#39;", "'")


def test_the_copy_comes_before_dash_s_entry_point_and_follows_the_prefix(demo_settings):
    settings = Settings(
        data_dir=demo_settings.data_dir,
        database_url=demo_settings.database_url,
        url_prefix="/barometre/",
    )
    page = create_app(settings).server.test_client().get("/barometre/").get_data(as_text=True)
    assert page.index('<div id="prerendu"') < page.index('<div id="react-entry-point"')
    assert 'href="/barometre/familles/recrutement"' in page
    assert 'href="/familles/' not in page
    # Dash's style props stay out of the copy; only the drawings place their parts with styles.
    assert styled_outside_drawings(page.split('id="react-entry-point"')[0]) == []


def styled_outside_drawings(page: str) -> list[str]:
    """Return the tags with a style attribute that are not inside a drawing (.svg-chart)."""
    from html.parser import HTMLParser

    found: list[str] = []

    class Walker(HTMLParser):
        depth = 0  # > 0 inside a drawing: the number of its elements still open

        def handle_starttag(self, tag, attrs):
            attributes = dict(attrs)
            if self.depth or "svg-chart" in (attributes.get("class") or "").split():
                self.depth += tag not in VOID_TAGS
            elif "style" in attributes:
                found.append(tag)

        def handle_startendtag(self, tag, attrs):
            if not self.depth and "style" in dict(attrs):
                found.append(tag)

        def handle_endtag(self, tag):
            if self.depth:
                self.depth -= 1

    Walker().feed(page)
    return found


VOID_TAGS = {"area", "br", "col", "hr", "img", "input", "meta", "link", "wbr"}


# --- in Chromium ---------------------------------------------------------------------------------

PAGES = [("/", 4), ("/indicateurs/brigade-numerique-demandes", 3)]
# Every layout shift of the page so far, as Lighthouse adds them up (without user input).
LAYOUT_SHIFT = """() => new Promise(resolve => {
    let total = 0;
    new PerformanceObserver(list => {
        for (const entry of list.getEntries()) { if (!entry.hadRecentInput) total += entry.value; }
    }).observe({type: 'layout-shift', buffered: true});
    setTimeout(() => resolve(total), 100);
})"""


@pytest.mark.browser
@pytest.mark.parametrize("width", [320, 1280])
@pytest.mark.parametrize(("path", "charts"), PAGES)
def test_without_javascript_the_page_shows_its_content(live_server, browser, path, charts, width):
    context = browser.new_context(
        java_script_enabled=False, locale="fr-FR", viewport={"width": width, "height": 800}
    )
    try:
        page = context.new_page()
        page.goto(live_server.url + path)
        heading = page.get_by_role("heading", level=1)
        assert heading.count() == 1 and heading.is_visible()
        summaries = page.locator(".chart-summary")
        assert summaries.count() == charts
        assert all(summaries.nth(i).is_visible() for i in range(charts))
        assert page.get_by_role("navigation", name="Navigation principale").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.parametrize(("path", "charts"), PAGES)
def test_dash_takes_over_without_duplicates_or_layout_shift(live_server, page, path, charts):
    # A tall window and a late plotly.js: the charts are drawn in view, after Dash's tree has
    # replaced the copy (without the room kept for them, the shift is about 0.04).
    page.set_viewport_size({"width": 1280, "height": 2000})
    # fixed wait: a slow network, simulated
    page.route("**/plotly.min.js", lambda route: (time.sleep(1.5), route.continue_()))
    page.goto(live_server.url + path)
    page.wait_for_function(
        "(n) => document.querySelectorAll('.js-plotly-plot .main-svg').length >= n",
        arg=charts,
        timeout=20_000,
    )
    assert page.locator("#prerendu, [id^='prerendu-']").count() == 0
    assert page.get_by_role("heading", level=1).count() == 1
    assert page.locator(".chart-summary").count() == charts
    duplicates = page.evaluate(
        "() => { const ids = [...document.querySelectorAll('[id]')].map(e => e.id);"
        " return ids.filter((id, i) => ids.indexOf(id) !== i); }"
    )
    assert duplicates == []
    assert page.evaluate(LAYOUT_SHIFT) < 0.01
    assert page.console_errors == []


@pytest.mark.browser
@pytest.mark.parametrize(("path", "charts"), PAGES)
def test_axe_finds_no_violation_in_the_copy_alone(live_server, page, path, charts):
    from test_accessibility import axe

    # Dash never starts: what shows is the copy, as on a slow phone before the scripts arrive.
    page.route("**/_dash-component-suites/**", lambda route: route.abort())
    page.goto(live_server.url + path)
    assert page.locator("#prerendu .chart-summary").count() == charts
    assert axe(page) == []


def test_dash_s_scripts_wait_in_a_template_but_four(demo_settings):
    page = create_app(demo_settings).server.test_client().get("/").get_data(as_text=True)
    template = page.split('<template id="dash-a-la-demande">')[1].split("</template>")[0]
    outside = page.replace(template, "")
    assert "dash_renderer" in template and "react-dom" in template
    assert 'id="_dash-renderer"' in template and "new DashRenderer()" in template
    tags = re.findall(r"<script\b[^>]*\bsrc=[^>]*>", outside)
    assert len(tags) == 4
    # Only the theme before the first paint (test_the_page_is_parsed_in_the_reader_s_theme_…).
    assert [tag for tag in tags if " defer " not in tag] == [
        tag for tag in tags if "/assets/theme.js?" in tag
    ]
    assert "/assets/prerendered.js?" in outside
    # The address arithmetic, which the copy's checkboxes use before Dash as Dash's do after.
    assert outside.index("/assets/addresses.js?") < outside.index("/assets/prerendered.js?")
    # The chart explorer works on the server's drawings, before Dash and after.
    assert outside.index("/assets/explore.js?") < outside.index("/assets/prerendered.js?")
    # the renderer starts Dash: it must come after every bundle it needs
    assert template.rindex("<script src=") < template.index('id="_dash-renderer"')


@pytest.mark.browser
def test_the_page_is_parsed_in_the_reader_s_theme_before_its_other_scripts_arrive(
    live_server, browser
):
    context = browser.new_context(
        locale="fr-FR", viewport={"width": 412, "height": 823}, color_scheme="dark"
    )
    page = context.new_page()
    held: list = []
    page.route(
        re.compile(r"/assets/(addresses|explore|prerendered)\.js"), lambda route: held.append(route)
    )
    page.goto(live_server.url + "/", wait_until="commit")
    # Parsed to the end (the footer and every chart there, in the dark theme) while the three
    # scripts are still on their way: the browser need not wait for them to paint.
    assert wait_until(lambda: page.evaluate("document.readyState") == "interactive", 10)
    assert len(held) == 3
    assert page.evaluate("document.documentElement.getAttribute('data-bs-theme')") == "dark"
    assert page.locator("footer").count() == 1
    for waiting in held:
        waiting.continue_()
    assert wait_until(lambda: page.evaluate("document.readyState") == "complete")
    context.close()


def test_without_a_page_to_copy_dash_starts_at_once(demo_settings, tmp_path):
    # The store is unavailable: no copy, so nothing would ever start Dash later.
    settings = Settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path}/absente/b.sqlite3")
    page = create_app(settings).server.test_client().get("/").get_data(as_text=True)
    assert "<template" not in page


def requests_to_dash(page) -> list[str]:
    requested: list[str] = []
    page.on(
        "request",
        lambda r: requested.append(r.url) if "_dash-" in r.url or "plotly" in r.url else None,
    )
    return requested


# What each chart box of the page shows over it: « Mise à jour… » while its results are updated.
UPDATING_LABELS = (
    "[...document.querySelectorAll('.chart-box')]"
    ".map(box => getComputedStyle(box, '::after').content)"
)


@pytest.fixture
def reader(browser):
    """A page of its own context: no move until the test makes one, and the real CSP."""
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def held_back(page, url: str) -> list:
    """Open ``url`` in ``page`` with Dash's renderer held back: ``let_go`` to go on."""
    held: list = []
    page.route("**/dash_renderer*.js", lambda route: held.append(route))
    page.goto(url)
    return held


@pytest.mark.browser
def test_a_reader_who_only_reads_never_loads_dash(live_server, reader):
    # The real CSP (no bypass): the scripts added later run under it too.
    page = reader
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    requested = requests_to_dash(page)
    # Dash's renderer, once asked for, is held back until the test has seen the copy's answer.
    held = held_back(page, live_server.url + "/indicateurs/brigade-numerique-demandes")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)  # fixed wait: nothing must be requested: no state to wait for
    assert requested == []
    assert page.locator("#prerendu .chart-summary").count() == 3
    # Scrolling, hovering a chart (its tooltip shows), tabbing through links start nothing. The
    # pointer stays off the controls (over one, Dash's scripts are fetched: below): the wheel
    # where it starts, the window's corner, and back there before the keys move the page.
    page.mouse.wheel(0, 600)
    hover_a_point(page, "#prerendu .svg-chart[data-points]")
    page.locator("#prerendu .explore-tip:visible").first.wait_for()
    page.mouse.move(0, 0)
    for _ in range(5):
        page.keyboard.press("Tab")
    page.wait_for_timeout(500)  # fixed wait: nothing must be requested: no state to wait for
    assert requested == []
    assert page.locator("#prerendu").count() == 1
    # A pointer over a control fetches Dash's scripts without running them.
    page.hover(f"#prerendu-{ids.COMPARE}")
    # (a Playwright call lets its events, the requests, reach this thread)
    assert wait_until(
        lambda: page.evaluate("true") and any("dash_renderer" in url for url in requested)
    )
    assert page.evaluate("window.dash_clientside === undefined || !window.DashRenderer")
    assert page.locator("#prerendu").count() == 1
    # Pressing it starts Dash, and the checkbox says at once what it will show.
    page.click(f"#prerendu-{ids.COMPARE}")
    assert page.get_attribute(f"#prerendu-{ids.COMPARE}", "aria-checked") == "true"
    for waiting in held:  # the preload's request, which the script's shares
        waiting.continue_()
    page.unroute("**/dash_renderer*.js")
    page.locator("#prerendu").wait_for(state="detached", timeout=20_000)
    # plotly.js draws them a task each (deferred-charts.js), soon after the copy is gone.
    assert wait_until(
        lambda: page.locator("#react-entry-point .js-plotly-plot .main-svg").count() >= 3
    )
    assert page.get_attribute(f"#{ids.COMPARE}", "aria-checked") == "true"
    assert errors == []


@pytest.mark.browser
def test_what_the_reader_did_before_dash_is_carried_over(live_server, reader):
    page = reader
    # Dash's renderer is held back until the reader has acted on the copy.
    held = held_back(page, live_server.url + "/indicateurs/brigade-numerique-demandes")
    # Keyboard only: a Tab onto a link starts nothing; the focus on a control starts Dash.
    page.keyboard.press("Tab")
    page.focus(f"#prerendu-{ids.GRANULARITY}")
    page.keyboard.press("ArrowDown")  # a native select changes at once
    chosen = page.eval_on_selector(f"#prerendu-{ids.GRANULARITY}", "s => s.value")
    assert chosen == "annee"  # after « mois », the default
    page.click(f"#prerendu-{ids.COMPARE}")
    assert page.get_attribute(f"#prerendu-{ids.COMPARE}", "aria-checked") == "true"
    # the results say at once that they are being updated, while Dash starts
    assert page.get_attribute("#prerendu [data-busy-region]", "aria-busy") == "true"
    assert page.evaluate(UPDATING_LABELS) == ['"Mise à jour…"'] * 3
    page.focus(f"#prerendu-{ids.GRANULARITY}")
    assert page.locator("#prerendu").count() == 1  # all that happened before Dash
    assert len(held) == 1  # the focus on the select started Dash
    let_go(page, held)
    page.locator("#prerendu").wait_for(state="detached", timeout=20_000)
    assert page.eval_on_selector(f"#{ids.GRANULARITY}", "s => s.value") == chosen
    assert page.evaluate("document.activeElement.id") == ids.GRANULARITY
    assert page.get_attribute(f"#{ids.COMPARE}", "aria-checked") == "true"
    # the chart and the permalink follow the choices made in the copy
    page.get_by_role("heading", name="Évolution par année").wait_for(timeout=20_000)
    page.wait_for_function("!document.querySelector('[aria-busy]')")
    assert page.evaluate(UPDATING_LABELS) == ["none"] * 3
    assert f"granularite={chosen}" in page.url and "comparer=oui" in page.url


def test_a_chart_is_drawn_in_the_copy_hidden_when_its_table_says_the_same():
    bars = BarChart(("a", "b"), (1, 2), ValueFormat(0, "demandes"))
    table = tables.DataTable("Demandes", ("Motif", "Valeur"), (("b", "2"), ("a", "1")))
    chart = views.make_chart(bars, id="g", title="Répartition", summary="", table=table)
    drawn = to_html(chart_block(chart))
    box = drawn.split('<div class="chart-box"')[1].split("</figure>")[0]
    assert '<div class="svg-chart" aria-hidden="true"' in box and "<rect" in box
    assert "data-svg" not in box  # the markup is written once, as the drawing
    message = EmptyChart("Aucune donnée sur la période")
    empty = views.make_chart(message, id="v", title="", summary="")
    drawn = to_html(chart_block(empty))
    assert 'role="img"' in drawn and 'aria-label="Aucune donnée sur la période"' in drawn


def test_a_chart_the_copy_cannot_draw_leaves_a_french_message_and_an_error_logged(caplog):
    # A series longer than its dates cannot be built; a chart the drawing fails on is forged.
    broken = TimeChart(series=(), granularity="mois", values=ValueFormat(0, "demandes"))
    chart = views.Chart(id="g", title="Évolution", model=broken, figure={}, summary="")
    with caplog.at_level(logging.ERROR, logger="barometre.web.layouts.common"):
        drawn = to_html(html.Div([chart_block(chart), html.P("La suite de la page.")]))
    assert drawings.FAILED.replace("'", "&#39;") in drawn
    assert "La suite de la page." in drawn  # the rest of the page is there
    [record] = caplog.records
    assert record.levelno == logging.ERROR and "g" in record.getMessage()


INDICATOR_PAGE = "/indicateurs/brigade-numerique-demandes"
# The names of the series of the page's first drawing (explore.js's data-points).
FIRST_SERIES = (
    "JSON.parse(document.querySelector('.svg-chart[data-points]').dataset.points)"
    ".series.map(s => s.nom)"
)


@pytest.mark.browser
@pytest.mark.parametrize("path", ["/", INDICATOR_PAGE])
def test_a_display_checkbox_answers_before_dash_with_the_server_s_drawing(
    live_server, reader, path
):
    page = reader
    held = held_back(page, live_server.url + path)
    assert page.evaluate(FIRST_SERIES)[1:] == []
    page.click(f"#prerendu-{ids.COMPARE}")
    # The server draws the copy's charts again with the year-ago series, Dash held back.
    assert wait_until(lambda: len(page.evaluate(FIRST_SERIES)) == 2)
    assert page.evaluate(FIRST_SERIES)[1] == "Même période, un an avant"
    assert wait_until(lambda: page.locator("[aria-busy]").count() == 0)
    assert page.locator("#prerendu").count() == 1 and "comparer" not in page.url
    # Dash then takes over with the same choice, which it writes into the address.
    let_go(page, held)
    page.locator("#prerendu").wait_for(state="detached", timeout=20_000)
    assert page.get_attribute(f"#{ids.COMPARE}", "aria-checked") == "true"
    page.wait_for_url("**comparer=oui**", timeout=20_000)
    compared = (
        "[...document.querySelectorAll('.js-plotly-plot')].some(g => g.data.some("
        "t => t.meta === 'comparaison' && t.visible === true))"
    )
    assert wait_until(lambda: page.evaluate(compared))


@pytest.mark.browser
def test_the_focus_stays_where_the_keyboard_left_it_outside_the_page_region(live_server, reader):
    # The skip link and the header are outside Dash's page region: matched in the whole tree.
    page = reader
    held = held_back(page, live_server.url + "/indicateurs/brigade-numerique-demandes")
    for _ in range(4):  # skip link, site name, theme, then the first link of the menu
        page.keyboard.press("Tab")
    focused = "() => { const e = document.activeElement;"
    focused += " return [e.closest('#react-entry-point') !== null, e.textContent]; }"
    assert page.evaluate(focused) == [False, "Accueil"]
    start_dash(page)  # as a press on a control would, the focus staying where it is
    let_go(page, held)
    page.locator("#prerendu").wait_for(state="detached", timeout=20_000)
    assert page.evaluate(focused) == [True, "Accueil"]
    page.keyboard.press("Tab")
    assert page.evaluate(focused) == [True, "Brigade numérique"]


@pytest.mark.browser
@pytest.mark.parametrize(("width", "shown"), [(320, False), (1280, True)])
def test_plotly_s_event_labels_hide_on_narrow_screens_as_the_drawings_do(
    live_server, page, width, shown
):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server.url + "/indicateurs/brigade-numerique-demandes")
    page.locator("#prerendu").wait_for(state="detached", timeout=20_000)
    labels = page.locator("#react-entry-point .annotation-text-g[transform^='rotate(-90']")
    assert labels.count() >= 1  # the demo's events: the opening and the lockdowns
    assert labels.first.is_visible() is shown


@pytest.mark.browser
def test_a_date_typed_before_dash_is_applied_and_a_half_typed_one_is_waited_for(
    live_server, reader
):
    page = reader
    held = held_back(page, live_server.url + INDICATOR_PAGE)
    start = f"#prerendu-{ids.START}"
    page.focus(start)  # starts Dash (held back)
    page.keyboard.type("0315")  # two parts of the date (their order follows the browser's language)
    let_go(page, held)
    # fixed wait: the reader types while Dash is ready
    page.wait_for_timeout(3000)  # Dash is ready by now, but the reader is typing
    assert page.locator("#prerendu").count() == 1
    page.fill(start, "2020-03-15")  # the whole date, whatever the parts' order
    page.keyboard.press("Enter")
    page.locator("#prerendu").wait_for(state="detached", timeout=20_000)
    assert page.eval_on_selector(f"#{ids.START}", "f => f.value") == "2020-03-15"
    assert page.evaluate("document.activeElement.id") == ids.START
    # applied, not only shown: the permalink and the charts follow
    page.wait_for_url("**debut=2020-03-15**", timeout=20_000)


@pytest.mark.browser
def test_a_button_pressed_before_dash_keeps_the_focus_through_the_redraw(live_server, reader):
    page = reader
    held = held_back(page, live_server.url + INDICATOR_PAGE)
    page.focus(f"#prerendu-{ids.GRANULARITY}")
    page.keyboard.press("ArrowDown")  # the results will be redrawn by the year
    button = page.locator(f"#prerendu-{ids.SHARE}")
    button.focus()
    page.keyboard.press("Enter")
    let_go(page, held)
    page.locator("#prerendu").wait_for(state="detached", timeout=20_000)
    page.get_by_role("heading", name="Évolution par année").wait_for(timeout=20_000)
    page.wait_for_function("document.activeElement.closest('#react-entry-point') !== null")
    focused = "() => [document.activeElement.closest('#react-entry-point') !== null,"
    focused += " document.activeElement.id]"
    inside, name = page.evaluate(focused)
    assert inside and name == ids.SHARE
    # The press made before Dash was carried over: the status says what became of the link.
    status = page.locator(f"#{ids.SHARE_STATUS}")
    status.filter(has_text="ien").wait_for(timeout=20_000)
    assert status.inner_text().startswith(("Lien copié.", "Copie impossible"))


@pytest.mark.browser
def test_without_plotly_the_drawings_stay_in_dash_s_page(live_server, reader):
    page = reader
    page.route("**/plotly.min.js", lambda route: route.abort())
    page.goto(live_server.url + INDICATOR_PAGE)
    page.focus(f"#prerendu-{ids.GRANULARITY}")
    page.locator("#prerendu").wait_for(state="detached", timeout=30_000)  # after 10 s
    kept = page.locator("#react-entry-point .chart-box > .svg-chart")
    assert kept.count() == 3
    assert all(kept.nth(i).bounding_box()["height"] > 400 for i in range(3))


# Each chart box of Dash's page: where it is, and whether plotly.js has drawn it or left it for
# later (deferred-charts.js), the server's drawing standing there, seen.
CHART_BOXES = """() => [...document.querySelectorAll('#react-entry-point .chart-box')].map(box => {
    const rect = box.getBoundingClientRect();
    const drawing = box.querySelector(':scope > .svg-chart');
    return {
        top: rect.top, bottom: rect.bottom, screen: innerHeight,
        drawn: box.querySelector('.main-svg') !== null,
        deferred: box.querySelector('[data-deferred]') !== null,
        drawingSeen: drawing !== null && getComputedStyle(drawing).visibility === 'visible'
            && drawing.getBoundingClientRect().height > 400,
    };
})"""


@pytest.mark.browser
def test_plotly_draws_a_chart_when_the_reader_comes_within_a_screen_of_it(live_server, reader):
    dark = figures.theme_colours("sombre")
    page = reader
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(live_server.url + "/")
    start_dash(page)
    page.locator("#prerendu").wait_for(state="detached", timeout=30_000)
    page.wait_for_function(
        "[...document.querySelectorAll('#react-entry-point .chart-box')]"
        ".every(box => box.querySelector('.main-svg, [data-deferred]'))"
    )
    boxes = page.evaluate(CHART_BOXES)
    assert sum(box["deferred"] for box in boxes) >= 2, boxes
    for box in boxes:
        within_a_screen = box["bottom"] > -box["screen"] and box["top"] < 2 * box["screen"]
        assert box["drawn"] == within_a_screen, boxes
        assert box["deferred"] == (not within_a_screen), boxes
        assert box["drawingSeen"] == (not within_a_screen), boxes
    # Choices made while they wait apply when they are drawn: the year before, the dark theme.
    page.get_by_role("checkbox", name="Comparer avec l'année précédente").click()
    page.wait_for_function("location.search.includes('comparer=oui')")
    page.select_option(f"#{THEME_SELECT_ID}", "sombre")
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    last = "[...document.querySelectorAll('#react-entry-point .chart-box')].at(-1)"
    page.wait_for_function(f"{last}.querySelector('.main-svg') !== null")
    page.wait_for_function(
        f"{last}.querySelector('.js-plotly-plot').layout.template.layout.font.color"
        f" === '{dark.text}'"
    )
    assert page.evaluate(
        f"{last}.querySelector('.js-plotly-plot').data"
        ".some(t => t.name === 'Même période, un an avant' && t.visible !== false)"
    )
    assert page.evaluate(CHART_BOXES)[-1]["drawingSeen"] is False


@pytest.mark.browser
def test_the_figures_of_charts_dash_removed_before_drawing_them_are_let_go(live_server, reader):
    page = reader
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(live_server.url + "/")
    start_dash(page)
    page.locator("#prerendu").wait_for(state="detached", timeout=30_000)
    page.locator("[data-deferred]").first.wait_for(state="attached")
    assert page.evaluate("barometreCharts.waiting()") >= 2
    # Another page in Dash, its far charts left for later: the home page's are forgotten.
    page.locator(f"#react-entry-point a[href^='{INDICATOR_PAGE}']").first.click()
    page.locator("h1", has_text="Brigade numérique").wait_for()
    page.locator("[data-deferred]").first.wait_for(state="attached")
    assert page.evaluate("barometreCharts.waiting()") == page.locator("[data-deferred]").count()


@pytest.mark.browser
def test_dash_fetches_the_drawings_again_only_for_a_new_display(live_server, reader):
    page = reader
    asked: list[str] = []
    page.on(
        "request", lambda r: asked.append(r.url) if f"{PART}={DRAWINGS_PART}" in r.url else None
    )
    page.goto(live_server.url + INDICATOR_PAGE + "?comparer=oui")
    start_dash(page)
    page.locator("#prerendu").wait_for(state="detached", timeout=30_000)
    page.wait_for_load_state("networkidle")
    # The address's display is the one the page was drawn with: nothing to draw again.
    assert asked == []
    page.get_by_role("checkbox", name="Comparer avec l'année précédente").click()
    page.wait_for_function("!location.search.includes('comparer=oui')")
    page.wait_for_load_state("networkidle")
    assert len(asked) == 1, asked
    assert "comparer=oui" not in asked[0]


@pytest.mark.browser
def test_the_skip_link_followed_before_dash_leaves_dash_s_anchor_in_the_address(
    live_server, reader
):
    page = reader
    held = held_back(page, live_server.url + INDICATOR_PAGE)
    page.keyboard.press("Tab")
    focused = "document.activeElement.classList.contains('skip-link')"
    assert wait_until(lambda: page.evaluate(focused))
    page.keyboard.press("Enter")  # « Aller au contenu »
    # A loaded machine tells Playwright of the new address a little later: wait for it.
    page.wait_for_url("**#prerendu-contenu", timeout=20_000)
    start_dash(page)
    let_go(page, held)
    page.locator("#prerendu").wait_for(state="detached", timeout=20_000)
    page.wait_for_url("**#contenu", timeout=20_000)


@pytest.mark.browser
def test_when_dash_cannot_be_loaded_the_reader_is_told_and_the_checkboxes_stay_true(
    live_server, reader
):
    page = reader
    page.route("**/dash_renderer*.js", lambda route: route.abort())
    page.goto(live_server.url + INDICATOR_PAGE)
    compare = f"#prerendu-{ids.COMPARE}"
    page.click(compare)  # starts Dash, whose renderer never comes
    alert = page.get_by_role("alert")
    alert.wait_for(timeout=10_000)
    assert alert.inner_text().startswith("Les commandes de la page n'ont pas pu être chargées")
    # the checkbox does not claim a comparison the chart does not show
    assert page.get_attribute(compare, "aria-checked") == "false"
    assert page.locator("[aria-busy]").count() == 0  # nothing is being updated
    page.click(compare)
    assert page.get_attribute(compare, "aria-checked") == "false"
    assert page.locator("#prerendu .chart-summary").count() == 3  # still readable
    from test_embed import axe_violations, require_axe

    require_axe()
    assert axe_violations(page) == []  # evaluated: the page's CSP forbids an axe script tag


@pytest.mark.browser
def test_the_copy_s_theme_select_works_before_dash(live_server, reader):
    page = reader
    held_back(page, live_server.url + "/")
    page.select_option("#prerendu-theme-choix", "sombre")
    assert page.get_attribute("html", "data-bs-theme") == "dark"
    assert page.locator("#prerendu").count() == 1  # still the server's copy
