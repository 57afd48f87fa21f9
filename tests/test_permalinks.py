"""Permalinks: an indicator page's state lives in its URL; reload, back, forward, « Partager »."""

from __future__ import annotations

import pytest
from conftest import reader_moves

pytestmark = pytest.mark.browser

PATH = "/indicateurs/brigade-numerique-demandes"
WAIT = 30_000  # generous: the machine is shared


def state(page) -> dict:
    return page.evaluate(
        "() => ({debut: document.querySelector('#periode-debut').value,"
        " fin: document.querySelector('#periode-fin').value,"
        " granularite: document.querySelector('#granularite').value,"
        " points: document.querySelector('.chart-block .js-plotly-plot').data[0].x.length})"
    )


def wait_for_state(page, granularity: str) -> None:
    page.wait_for_function(
        "(g) => { const s = document.querySelector('#granularite');"
        " const p = document.querySelector('.chart-block .js-plotly-plot');"
        " return s && s.value === g && p && p.data && p.data.length; }",
        arg=granularity,
        timeout=WAIT,
    )


def choose(page, granularity: str) -> None:
    before = state(page)["points"]
    page.select_option("#granularite", granularity)
    page.wait_for_function(
        "(g) => window.location.search.includes('granularite=' + g)", arg=granularity, timeout=WAIT
    )
    page.wait_for_function(
        "(n) => document.querySelector('.chart-block .js-plotly-plot').data[0].x.length !== n",
        arg=before,
        timeout=WAIT,
    )


def test_state_survives_reload_and_history(live_server, page):
    # One year keeps the charts light; the page starts from a permalink already.
    page.goto(live_server.url + PATH + "?debut=2025-01-01&fin=2025-12-31&granularite=mois")
    wait_for_state(page, "mois")
    entries = page.evaluate("() => history.length")
    choose(page, "semaine")
    assert page.evaluate("() => history.length") == entries + 1  # a new entry, no reload
    weekly = state(page)
    assert "debut=" in page.url and "fin=" in page.url

    page.reload()
    wait_for_state(page, "semaine")
    assert state(page) == weekly

    choose(page, "annee")
    yearly = state(page)
    page.go_back()
    wait_for_state(page, "semaine")
    assert state(page) == weekly
    page.go_forward()
    wait_for_state(page, "annee")
    assert state(page) == yearly
    assert page.console_errors == []
    assert page.foreign_requests == []


def test_share_copies_the_permalink_and_says_so(live_server, browser):
    context = browser.new_context(locale="fr-FR", permissions=["clipboard-read", "clipboard-write"])
    reader_moves(context)
    page = context.new_page()
    try:
        page.goto(live_server.url + PATH + "?debut=2025-01-01&fin=2025-06-30&granularite=semaine")
        wait_for_state(page, "semaine")
        page.get_by_role("button", name="Partager").click()
        status = page.locator("#partager-statut")
        status.filter(has_text="Lien copié.").wait_for(timeout=WAIT)
        assert status.get_attribute("role") == "status"
        assert page.evaluate("() => navigator.clipboard.readText()") == page.url
        assert "granularite=semaine" in page.url
    finally:
        context.close()


# What the evolution chart shows, in Dash's page (not the server's copy shown before it).
SHOWN = (
    "() => { const g = document.querySelector('#react-entry-point .chart-block .js-plotly-plot');"
    " if (!g || !g.data) { return null; }"
    " return {comparaison: g.data.some(t => t.name === 'Même période, un an avant'"
    " && t.visible !== false), evenements: g.querySelectorAll('.annotation').length > 0}; }"
)


def wait_for_display(page, comparison: bool, events: bool) -> None:
    page.wait_for_function(
        f"([c, e]) => {{ const s = ({SHOWN})(); "
        "return s !== null && s.comparaison === c && s.evenements === e; }",
        arg=[comparison, events],
        timeout=WAIT,
    )


def test_the_chart_display_is_in_the_permalink(live_server, page):
    page.goto(live_server.url + PATH + "?debut=2020-01-01&fin=2020-12-31&granularite=mois")
    wait_for_display(page, comparison=False, events=True)
    page.click("#comparer-annee-precedente")
    page.wait_for_function("() => location.search.includes('comparer=oui')", timeout=WAIT)
    page.click("#afficher-evenements")
    page.wait_for_function("() => location.search.includes('evenements=non')", timeout=WAIT)
    wait_for_display(page, comparison=True, events=False)

    page.reload()
    wait_for_display(page, comparison=True, events=False)
    assert page.get_attribute("#comparer-annee-precedente", "aria-checked") == "true"
    assert page.get_attribute("#afficher-evenements", "aria-checked") == "false"
    # One more click is the default again, and leaves the URL.
    page.click("#comparer-annee-precedente")
    page.wait_for_function("() => !location.search.includes('comparer')", timeout=WAIT)
    wait_for_display(page, comparison=False, events=False)
    # A new period keeps the choice (the page's callback reads the same click counts).
    page.select_option("#granularite", "semaine")
    page.wait_for_function("() => location.search.includes('granularite=semaine')", timeout=WAIT)
    assert "evenements=non" in page.url
    assert page.console_errors == []


def test_back_leaves_an_indicator_page_opened_from_a_family_page(live_server, page):
    # The page opened without parameters gets them in place (no second history entry): Back
    # goes to the family page, not to the bare address, which would add them again.
    page.goto(live_server.url + "/familles/brigade-numerique")
    page.locator("#prerendu").wait_for(state="detached", timeout=WAIT)
    page.locator("#react-entry-point").get_by_role(
        "link", name="Demandes à la Brigade numérique"
    ).first.click()
    page.wait_for_url("**" + PATH + "?debut=*", timeout=WAIT)
    wait_for_state(page, "mois")
    page.go_back()
    page.wait_for_url("**/familles/brigade-numerique", timeout=WAIT)
    page.get_by_role("heading", level=1, name="Brigade numérique").wait_for(timeout=WAIT)
    # fixed wait: nothing must bring the page back
    page.wait_for_timeout(1000)  # nothing brings the indicator page back
    assert page.url.endswith("/familles/brigade-numerique")
