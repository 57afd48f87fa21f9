"""Bytes sent to a real browser (Chromium): first visit until the charts are drawn, and again.

The site's pages and embeds come as static HTML with charts drawn on the server; Dash and
plotly.js load at the reader's intent (assets/prerendered.js, embed.js). A visit counts what
a reader who only reads downloads (``reading_bytes``), then starts Dash and counts everything
until plotly.js has drawn every chart (``bytes``), the figure the targets apply to.

Sizes are the encoded (compressed as sent) body sizes reported by the Chrome DevTools protocol:
``Network.loadingFinished.encodedDataLength`` (everything received) minus the headers' length of
``Network.responseReceived``. A response served from the browser's cache counts zero bytes; a
revalidation (304) counts its request but no body.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from playwright.sync_api import Browser, sync_playwright

CHROMIUM = "/usr/bin/chromium"
# What the pages' scripts listen to for starting Dash without a reader's gesture.
START_EVENT = "barometre:demarrer"
# Charts are drawn when plotly has put its SVG in every dcc.Graph (and the embed page's chart)
# but those it leaves until the reader comes near them (assets/deferred-charts.js).
DRAWN = """() => {
  const charts = [...document.querySelectorAll('.dash-graph, .js-plotly-plot')];
  return charts.length > 0
    && charts.every(chart => chart.querySelector('.main-svg, [data-deferred]'));
}"""


@dataclass
class Visit:
    """What one page load downloaded."""

    url: str
    bytes: int = 0
    requests: int = 0
    downloaded: list[tuple[str, int]] = field(default_factory=list)
    revalidated: int = 0
    cached: int = 0
    charts_drawn: bool = False
    reading_bytes: int = 0


class NetworkLog:
    """The responses a page received, as the Chrome DevTools protocol reports them."""

    def __init__(self, context, page) -> None:
        self.seen: dict[str, dict] = {}
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.on("Network.requestWillBeSent", self._request)
        cdp.on("Network.responseReceived", self._response)
        cdp.on("Network.loadingFinished", self._finished)
        cdp.on("Network.requestServedFromCache", self._cached)
        self.cdp = cdp

    def _entry(self, event, url: str = "?") -> dict:
        return self.seen.setdefault(event["requestId"], {"url": url})

    def _request(self, event) -> None:
        self._entry(event, event["request"]["url"])

    def _response(self, event) -> None:
        response = event["response"]
        entry = self._entry(event, response["url"])
        entry["status"] = response["status"]
        entry["headers"] = response.get("encodedDataLength", 0)
        entry["cached"] = response.get("fromDiskCache") or response.get("fromPrefetchCache")

    def _finished(self, event) -> None:
        self._entry(event)["total"] = event["encodedDataLength"]

    def _cached(self, event) -> None:
        self._entry(event)["cached"] = True

    def body_bytes(self) -> int:
        """Return the body bytes received so far."""
        return sum(_body(entry) for entry in self.seen.values())


def start_dash(page) -> None:
    """Start Dash (an embed: plotly.js) as a reader's intent does (prerendered.js, embed.js)."""
    page.evaluate(f"document.dispatchEvent(new Event('{START_EVENT}'))")


def _visit(context, url: str, timeout_ms: int) -> Visit:
    page = context.new_page()
    log = NetworkLog(context, page)
    visit = Visit(url)
    page.goto(url, wait_until="load", timeout=timeout_ms)
    page.wait_for_load_state("networkidle", timeout=timeout_ms)
    visit.reading_bytes = log.body_bytes()
    start_dash(page)
    try:
        page.wait_for_function(DRAWN, timeout=timeout_ms)
        visit.charts_drawn = True
    except Exception:  # noqa: BLE001 - a page without chart is reported, not fatal
        visit.charts_drawn = False
    page.wait_for_timeout(800)  # the last callbacks' answers
    for entry in log.seen.values():
        if entry.get("url", "").startswith("data:"):
            continue
        visit.requests += 1
        body = _body(entry)
        if entry.get("cached"):
            visit.cached += 1
        elif entry.get("status") == 304:
            visit.revalidated += 1
        visit.bytes += body
        if body:
            visit.downloaded.append((entry["url"], body))
    visit.downloaded.sort(key=lambda item: -item[1])
    page.close()
    return visit


def _body(entry: dict) -> int:
    """Return the body bytes of a response (none from the cache, none for a 304)."""
    if entry.get("url", "").startswith("data:") or entry.get("cached"):
        return 0
    if entry.get("status") == 304:
        return 0
    return max(0, entry.get("total", 0) - entry.get("headers", 0))


def measure(urls: dict[str, str], timeout_ms: int = 20000) -> dict[str, dict]:
    """Load each URL twice in a fresh browser profile; return the first and repeat visits."""
    results = {}
    with sync_playwright() as playwright:
        browser: Browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox"]
        )
        try:
            for name, url in urls.items():
                context = browser.new_context()
                first = _visit(context, url, timeout_ms)
                repeat = _visit(context, url, timeout_ms)
                context.close()
                results[name] = {"first": first, "repeat": repeat}
                print(name, first.charts_drawn, first.bytes, flush=True)
        finally:
            browser.close()
    return results
