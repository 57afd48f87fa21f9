"""Drawing every chart of a page in a browser test (assets/deferred-charts.js).

plotly.js draws a chart of Dash's page when the reader comes within a screen of it; a test that
checks every chart's plotly.js drawing brings each one near first, as a reader scrolling would.
"""

from __future__ import annotations

from conftest import reader_moves

# Polled by wait_for_function: once Dash's page has replaced the server's copy, brings the next
# chart left for later into view until none is left, then is true once every chart has its
# plotly.js drawing.
EVERY_CHART_DRAWN = """() => {
    if (document.getElementById('prerendu')) {
        return false;
    }
    const later = document.querySelector('.chart [data-deferred]');
    if (later) {
        later.scrollIntoView({block: 'center'});
        return false;
    }
    return [...document.querySelectorAll('.chart')]
        .every(g => g.querySelector('.js-plotly-plot .main-svg'));
}"""


def draw_every_chart(page, timeout: float = 30_000) -> None:
    """Wait for Dash's page (tests start Dash at once: conftest.reader_moves), scroll each chart
    plotly.js left for later into view until all are drawn, then go back to the top."""
    page.wait_for_function(EVERY_CHART_DRAWN, timeout=timeout)
    page.evaluate("window.scrollTo(0, 0)")


def open_drawn(browser, url: str, width: int = 1280, height: int = 900, **options):
    """A new page of its own context at ``url``, once Dash has replaced the server's copy and
    plotly.js has drawn every chart (an embed: once plotly.js has drawn its chart). ``options``
    go to the context (colour scheme, device scale…); the CSP is bypassed for Playwright's
    waits, which it forbids."""
    context = browser.new_context(
        locale="fr-FR", viewport={"width": width, "height": height}, bypass_csp=True, **options
    )
    reader_moves(context)
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(url, wait_until="networkidle")
    if "/embed/" in url:
        page.wait_for_selector(".main-svg")
    else:
        page.wait_for_selector("#contenu h1")
        draw_every_chart(page, timeout=60_000)
    return page
