"""In Debian Chromium: pages render every chart, controls work from the keyboard, no errors."""

import pytest
from deferred import draw_every_chart

pytestmark = pytest.mark.browser

CHARTS_DRAWN = """(expected) => {
    const plots = document.querySelectorAll('.js-plotly-plot');
    return plots.length === expected
        && [...plots].every(p => p.querySelector('.main-svg') && p.data && p.data.length);
}"""


def open_page(page, url, charts):
    page.goto(url)
    draw_every_chart(page)
    page.wait_for_function(CHARTS_DRAWN, arg=charts, timeout=20_000)


def main_chart_points(page) -> int:
    return page.evaluate("document.querySelector('.chart-block .js-plotly-plot').data[0].x.length")


def test_the_home_page_draws_a_chart_per_family(live_server, page, the_catalogue):
    open_page(page, live_server.url + "/", len(the_catalogue.families))
    assert page.title() == "Baromètre numérique"
    assert page.locator("text=Données de démonstration").count() == 1
    assert page.locator(".key-figure").count() == len(the_catalogue.indicators)
    assert page.console_errors == []
    assert page.foreign_requests == []


def test_navigation_uses_links_and_updates_the_title(live_server, page, the_catalogue):
    open_page(page, live_server.url + "/", len(the_catalogue.families))
    page.get_by_role("link", name="Signalements en ligne").first.click()
    page.wait_for_function("document.title.startsWith('Signalements en ligne')")
    assert page.url.endswith("/familles/signalements")
    assert page.get_by_role("heading", level=1).inner_text() == "Signalements en ligne"


def test_period_and_granularity_change_with_the_keyboard(live_server, page):
    open_page(page, live_server.url + "/indicateurs/brigade-numerique-demandes", 3)
    assert page.title() == "Demandes à la Brigade numérique — Baromètre numérique"
    monthly = main_chart_points(page)

    page.focus("#granularite")
    page.keyboard.press("ArrowDown")  # mois -> annee
    page.wait_for_function(
        "document.querySelector('.chart-block .js-plotly-plot').data[0].x.length < 15"
    )
    yearly = main_chart_points(page)
    assert yearly < monthly

    page.focus("#periode-debut")
    page.keyboard.type("01012022")  # jj/mm/aaaa in a French Chromium
    page.keyboard.press("Enter")  # the date is sent on Enter or when the field loses focus
    page.wait_for_function(
        f"document.querySelector('.chart-block .js-plotly-plot').data[0].x.length < {yearly}"
    )
    assert page.input_value("#periode-debut") == "2022-01-01"
    # The live region names the new state: two updates in a row are two announcements.
    assert (
        page.locator("#message")
        .inner_text()
        .startswith("Graphiques mis à jour\u00a0: par année, du 1er janvier 2022 au ")
    )
    assert page.console_errors == []
    assert page.foreign_requests == []


# What the evolution chart draws: event labels, and the traces (lines) actually shown.
EVOLUTION = "document.querySelector('.chart-block .js-plotly-plot')"
EVENT_LABELS = f"{EVOLUTION}.querySelectorAll('.annotation').length"
DRAWN_TRACES = f"{EVOLUTION}.querySelectorAll('.scatterlayer .trace').length"
SHOWN_TRACES = f"{EVOLUTION}.data.filter(t => t.visible !== false).map(t => t.name)"


def tab_to(page, element_id: str) -> None:
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == element_id


def test_events_and_the_year_ago_overlay_toggle_with_the_keyboard(live_server, page):
    url = "/indicateurs/brigade-numerique-demandes?debut=2020-01-01&fin=2021-12-31&granularite=mois"
    open_page(page, live_server.url + url, 3)
    assert page.evaluate(EVENT_LABELS) == 2  # the two lockdowns of 2020
    assert page.evaluate(DRAWN_TRACES) == 1
    events = page.get_by_role("checkbox", name="Afficher les événements")
    compare = page.get_by_role("checkbox", name="Comparer avec l'année précédente")
    assert (events.get_attribute("aria-checked"), compare.get_attribute("aria-checked")) == (
        "true",
        "false",
    )

    page.focus("#granularite")
    tab_to(page, "afficher-evenements")
    page.keyboard.press("Space")
    page.wait_for_function(f"{EVENT_LABELS} === 0")
    assert events.get_attribute("aria-checked") == "false"

    tab_to(page, "comparer-annee-precedente")
    page.keyboard.press("Space")
    page.wait_for_function(f"{DRAWN_TRACES} === 2")
    assert compare.get_attribute("aria-checked") == "true"
    assert page.evaluate(SHOWN_TRACES) == [
        "Demandes à la Brigade numérique",
        "Même période, un an avant",
    ]

    # A new grouping redraws the charts on the server: the reader's choice stays.
    page.focus("#granularite")
    page.keyboard.press("ArrowUp")  # mois -> semaine
    page.wait_for_function(f"{EVOLUTION}.data[0].x.length > 60")
    page.wait_for_function(f"{DRAWN_TRACES} === {SHOWN_TRACES}.length")
    assert "Même période, un an avant" in page.evaluate(SHOWN_TRACES)
    assert page.evaluate(EVENT_LABELS) == 0
    assert page.console_errors == []


def test_the_home_page_compares_every_family_chart_with_the_year_before(
    live_server, page, the_catalogue
):
    families = len(the_catalogue.families)
    open_page(page, live_server.url + "/", families)
    # The figure each chart shows, or will show when the reader comes near it.
    overlays = (
        "[...document.querySelectorAll(`#contenu :is(${barometreCharts.GRAPHS})`)]"
        ".filter(g => barometreCharts.figure(g).data.some("
        "t => t.name === 'Même période, un an avant' && t.visible !== false)).length"
    )
    assert page.evaluate(overlays) == 0
    compare = page.get_by_role("checkbox", name="Comparer avec l'année précédente")
    compare.focus()
    page.keyboard.press("Space")
    page.wait_for_function(f"{overlays} === {families}")
    assert compare.get_attribute("aria-checked") == "true"
    page.get_by_role("checkbox", name="Afficher les événements").click()
    page.wait_for_function("document.querySelectorAll('#contenu .annotation').length === 0")
    # The choice is in the address: a reload (or a shared link) shows the same charts.
    page.wait_for_function("location.search.includes('evenements=non')")
    assert "comparer=oui" in page.url
    page.reload()
    page.wait_for_function(f"{overlays} === {families}")
    assert page.evaluate("document.querySelectorAll('#contenu .annotation').length") == 0
    assert compare.get_attribute("aria-checked") == "true"
    assert page.console_errors == []


def test_on_a_phone_the_legend_stays_clear_of_the_tilted_dates(live_server, page):
    page.set_viewport_size({"width": 320, "height": 800})
    url = "/indicateurs/brigade-numerique-demandes?debut=2020-01-01&fin=2021-12-31&comparer=oui"
    open_page(page, live_server.url + url, 3)
    gap = page.evaluate(
        f"""() => {{
        const graph = {EVOLUTION};
        const dates = [...graph.querySelectorAll('.xtick text')]
            .map(t => t.getBoundingClientRect());
        const legend = graph.querySelector('.legend').getBoundingClientRect();
        return legend.top - Math.max(...dates.map(r => r.bottom));
    }}"""
    )
    assert gap >= 0
    assert page.evaluate(f"{EVOLUTION}.querySelector('.xtick text').getAttribute('transform')")


def test_a_bad_period_gets_a_message(live_server, page):
    open_page(page, live_server.url + "/indicateurs/thesee-plaintes", 1)
    page.fill("#periode-fin", "2022-06-01")
    page.fill("#periode-debut", "2023-06-01")
    page.keyboard.press("Enter")
    # The end date, sent as its field lost the focus, gets its own answer first.
    error = "La date de début doit précéder la date de fin."
    page.locator("#message-erreur").filter(has_text=error).wait_for()
