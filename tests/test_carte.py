"""The département map in a real browser: named focusable shapes, keyboard, select, permalink."""

from __future__ import annotations

import pytest
from test_accessibility import axe, open_page
from test_accessibility import page as page  # noqa: F401 - the CSP-bypassing page fixture

pytestmark = pytest.mark.browser

PATH = "/indicateurs/pre-plainte-en-ligne"
PERIOD = "?debut=2025-01-01&fin=2025-12-31&granularite=mois"
SHAPES = "#carte-departements a[data-departement]"
WAIT = 30_000


# Dash's page, not the server's copy shown until Dash has rendered (prerender.py).
EVOLUTION_TITLE = "#react-entry-point .chart-block h2"


def evolution_title(page) -> str:
    return page.locator(EVOLUTION_TITLE).first.inner_text()


def wait_for_title(page, text: str) -> None:
    page.wait_for_function(
        "([s, t]) => { const h = document.querySelector(s);"
        " return h !== null && h.textContent === t; }",
        arg=[EVOLUTION_TITLE, text],
        timeout=WAIT,
    )


def test_the_map_has_101_focusable_named_shapes_reached_with_tab(page, live_server):
    open_page(page, live_server.url + PATH + PERIOD)
    page.wait_for_selector(SHAPES)
    shapes = page.evaluate(
        f"[...document.querySelectorAll('{SHAPES}')].map(a => ({{"
        " code: a.dataset.departement, name: a.getAttribute('aria-label'),"
        " focusable: a.tabIndex >= 0, role: a.closest('svg').getAttribute('role')}))"
    )
    assert len(shapes) == 101
    assert len({s["code"] for s in shapes}) == 101
    assert all(s["focusable"] for s in shapes)
    by_code = {s["code"]: s["name"] for s in shapes}
    assert by_code["33"].startswith("Gironde\u00a0: ")
    assert "du 1er janvier 2025 au 31 décembre 2025" in by_code["33"]
    # Ranked among the départements shown: those with a month not diffused over the year are
    # not ranked (publish.published: a masked month never enters a published sum).
    ranked = int(by_code["33"].rsplit(" sur ", 1)[1])
    assert 80 <= ranked <= 101 and " rang " in by_code["33"]
    assert by_code["2A"].startswith("Corse-du-Sud\u00a0: ")
    assert by_code["971"].startswith("Guadeloupe\u00a0: ")
    # The ranking table lists all 101, first the highest, whom the summary names too.
    rows = page.evaluate(
        "[...document.querySelectorAll('.carte-bloc table tbody tr')]"
        ".map(tr => [...tr.children].map(cell => cell.textContent))"
    )
    assert len(rows) == 101 and rows[0][0] == "1er"
    summary = page.locator(".carte-bloc .chart-summary").inner_text()
    assert f"le plus élevé, {rows[0][1]} (" in summary
    assert by_code[next(c for c, n in by_code.items() if n.startswith(rows[0][1]))].endswith(
        f"1er rang sur {ranked}"
    )
    # Tab from the skip link goes to the first shape (Ain), then the next (Aisne).
    page.focus(".carte-bloc .visually-hidden-focusable")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.dataset.departement") == "01"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.dataset.departement") == "02"
    # the line under the map repeats the focused shape's name for sighted keyboard users
    assert page.locator(".carte-info").inner_text().startswith("Aisne\u00a0: ")


def test_choosing_a_departement_updates_the_evolution_chart_and_the_permalink(page, live_server):
    open_page(page, live_server.url + PATH + PERIOD)
    assert evolution_title(page) == "Évolution par mois"
    page.select_option("#departement", "33")
    wait_for_title(page, "Évolution par mois — Gironde")
    summary = page.locator(".chart-block .chart-summary").first.inner_text()
    assert summary.startswith("Gironde\u00a0: ")
    assert "departement=33" in page.url and "debut=2025-01-01" in page.url
    assert (
        page.locator("#message")
        .inner_text()
        .startswith("Graphiques mis à jour\u00a0: Gironde, par mois, du 1er janvier 2025 au ")
    )
    # the evolution chart's data links give that département's series
    csv = page.locator(".chart-block").first.locator("a[download$='.csv']").get_attribute("href")
    assert "departement=33" in csv and "granularite=mois" in csv
    assert page.locator(f"{SHAPES}[aria-current='true']").get_attribute("data-departement") == "33"
    # the permalink restores it
    page.reload()
    wait_for_title(page, "Évolution par mois — Gironde")
    assert page.eval_on_selector("#departement", "s => s.value") == "33"
    page.select_option("#departement", "")
    wait_for_title(page, "Évolution par mois")
    assert "departement=" not in page.url


def test_enter_on_a_shape_chooses_that_departement_and_keeps_the_focus(page, live_server):
    open_page(page, live_server.url + PATH + PERIOD)
    page.wait_for_selector(SHAPES)
    page.focus(f"{SHAPES}[data-departement='69']")
    page.keyboard.press("Enter")
    wait_for_title(page, "Évolution par mois — Rhône")
    assert page.eval_on_selector("#departement", "s => s.value") == "69"
    assert "departement=69" in page.url
    page.wait_for_function(
        "() => document.activeElement && document.activeElement.dataset.departement === '69'",
        timeout=WAIT,
    )


def test_axe_finds_no_violation_on_the_map_in_both_themes_and_widths(page, live_server):
    found = {}
    for width in (320, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        open_page(page, live_server.url + PATH + PERIOD + "&departement=33")
        page.wait_for_selector(SHAPES)
        for theme in ("clair", "sombre"):
            page.select_option("#theme-choix", theme)
            # fixed wait: the theme's colours settle before axe reads them
            page.wait_for_timeout(200)
            found[(width, theme)] = axe(page)
    assert found == {key: [] for key in found}


def test_pages_without_a_departement_breakdown_load_no_map(page, live_server):
    open_page(page, live_server.url + "/indicateurs/brigade-numerique-demandes")
    assert page.locator("#carte-departements").count() == 0
    assert page.locator("#departement").count() == 0
    assert "data-departement" not in page.content()  # the map's shapes


def test_arrow_keys_in_the_select_update_once_for_the_departement_reached(page, live_server):
    open_page(page, live_server.url + PATH + PERIOD)
    entries = page.evaluate("history.length")
    updates = []
    page.on(
        "request",
        lambda request: (
            updates.append(request.post_data)
            if "/_dash-update-component" in request.url
            and "resultats.children" in (request.post_data or "")
            else None
        ),
    )
    page.focus("#departement")
    for _ in range(4):
        page.keyboard.press("ArrowDown")
    label = page.eval_on_selector("#departement", "s => s.options[s.selectedIndex].text")
    wait_for_title(page, "Évolution par mois — " + label.split(" — ", 1)[1])
    # fixed wait: nothing more must come
    page.wait_for_timeout(1000)  # nothing more comes after the one update
    assert len(updates) == 1
    assert page.evaluate("history.length") == entries + 1


def test_the_map_s_links_keep_the_period_and_the_display(page, live_server):
    # Opened in a new tab (or before Dash, or without JavaScript), a shape's link must give the
    # same page for that département: period, « comparer » and « événements » included.
    open_page(page, live_server.url + PATH + PERIOD + "&comparer=oui&evenements=non")
    page.wait_for_selector(SHAPES)
    href = page.locator(SHAPES).first.get_attribute("href")
    assert "debut=2025-01-01" in href and "departement=01" in href
    assert "comparer=oui" in href and "evenements=non" in href
