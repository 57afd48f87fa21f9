"""What a reader's gestures cost on a slow phone: reading and hovering, then changing a control.

Chromium with the CPU slowed down 4× (Lighthouse's mobile preset) and a phone's viewport, one
fresh context per scenario and page:

- **lecture**: the reader scrolls to the end of the page and hovers a point of every chart (the
  server's drawings have tooltips, assets/explore.js); what was downloaded since the page was
  asked for, the longest task during these gestures (the load's are Lighthouse's), whether Dash
  or plotly.js started.
- **changement**: once the page is there, the reader presses « Comparer avec l'année précédente »
  (the baseline: the arrow key in its number field), then again 4 s after the result. For each
  change: INP, the interaction's duration as the Event Timing API reports it (the longest of its
  events: 16 ms or less is below what the API reports), and the time until its result is drawn.
  Presses are dispatched at the control's coordinates: a locator's click() would wait for a free
  main thread and hide the delay being measured.

The pages are measured as a live site serves them: asked for often enough beforehand that every
worker answers them from memory, at the best compression (web/answers.py; only the very first
request of a page in a worker gets the fast one).

Tasks are attributed with the Long Animation Frames API: the longest script run inside a long
frame, the site's own scripts (/assets/*.js) apart from Dash, React and plotly.js. The default
Dash app (benchmarks/baseline_app.py) is measured the same way in the same run.
"""

from __future__ import annotations

import statistics
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

from playwright.sync_api import sync_playwright

from benchmarks.transfer import CHROMIUM, DRAWN, NetworkLog

SLOWDOWN = 4
PHONE = {"width": 412, "height": 823}
PAUSE_MS = 4000
TIMEOUT_MS = 60000
BASELINE = "reference_dash"

OBSERVERS = """
window.__perf = {tasks: [], scripts: [], events: []};
new PerformanceObserver(list => list.getEntries().forEach(
    task => window.__perf.tasks.push([task.startTime, task.duration])
)).observe({type: 'longtask', buffered: true});
new PerformanceObserver(list => list.getEntries().forEach(frame => frame.scripts.forEach(
    script => window.__perf.scripts.push([script.sourceURL, script.startTime, script.duration])
))).observe({type: 'long-animation-frame', buffered: true});
new PerformanceObserver(list => list.getEntries().forEach(entry => {
    if (entry.interactionId) {
        window.__perf.events.push([entry.interactionId, entry.startTime, entry.duration]);
    }
})).observe({type: 'event', durationThreshold: 16, buffered: true});
"""

# Records when ``condition`` (a JavaScript expression) first holds, at the frame after.
WATCH = """condition => {
  window.__resultAt = undefined;
  const test = new Function('return (' + condition + ');');
  const check = () => {
    if (window.__resultAt === undefined && test()) {
      window.__resultAt = null;
      requestAnimationFrame(() => { window.__resultAt = performance.now(); });
      observer.disconnect();
      clearInterval(timer);
    }
  };
  const observer = new MutationObserver(check);
  observer.observe(document, {subtree: true, childList: true, attributes: true});
  const timer = setInterval(check, 20);
}"""

# What shows the comparison: the server's drawings of the copy, drawn again for the new display
# (explore.js), or Dash's charts; an embed's drawing, drawn again.
COPY_COMPARED = (
    "document.getElementById('prerendu') && !document.querySelector('#prerendu [aria-busy]')"
    " && JSON.parse(document.querySelector('#prerendu .svg-chart[data-points]').dataset.points)"
    ".series.length > 1"
)
COMPARED = (
    "!document.getElementById('prerendu') && [...document.querySelectorAll('.js-plotly-plot')]"
    ".some(g => (g.data || []).some(t => t.meta === 'comparaison' && t.visible === true))"
)
NOT_COMPARED = (
    "[...document.querySelectorAll('.js-plotly-plot')]"
    ".every(g => !(g.data || []).some(t => t.meta === 'comparaison' && t.visible === true))"
)
CHARTS_PLOTTED = """() => ({
  graphiques: document.querySelectorAll('#react-entry-point .chart-box').length,
  graphiques_plotly: document.querySelectorAll('#react-entry-point .chart-box .js-plotly-plot')
    .length,
})"""
EMBED_REDRAWN = "document.querySelector('#graphique .svg-chart') !== window.__before"


def _context(browser, url: str):
    context = browser.new_context(viewport=PHONE, bypass_csp=True, locale="fr-FR")
    page = context.new_page()
    page.add_init_script(OBSERVERS)
    context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": SLOWDOWN})
    log = NetworkLog(context, page)
    page.goto(url, wait_until="load", timeout=TIMEOUT_MS)
    page.wait_for_load_state("networkidle", timeout=TIMEOUT_MS)
    return context, page, log


def _longest(page, since: float, site_origin: str) -> dict:
    """The longest task, and the longest script runs of the site and of Dash and plotly.js."""
    perf = page.evaluate("window.__perf")
    tasks = [length for start, length in perf["tasks"] if start >= since]
    own, others = [0.0], [0.0]
    for url, start, length in perf["scripts"]:
        if start < since:
            continue
        path = urlsplit(url).path if url.startswith(site_origin) else ""
        mine = path.startswith("/assets/") and "plotly" not in path
        (own if mine else others).append(length)
    return {
        "tache_max_ms": round(max(tasks, default=0.0)),
        "script_site_max_ms": round(max(own)),
        "script_dash_plotly_max_ms": round(max(others)),
    }


def read(browser, name: str, url: str) -> dict:
    """Scroll to the end and hover a point of every chart; what it cost."""
    context, page, log = _context(browser, url)
    try:
        if name == BASELINE:
            page.wait_for_function(DRAWN, timeout=TIMEOUT_MS)
        since = page.evaluate("performance.now()")
        for _ in range(12):
            page.mouse.wheel(0, PHONE["height"] // 2)
            page.wait_for_timeout(150)
        drawings = page.locator(".svg-chart[data-points]:visible, .js-plotly-plot")
        for index in range(drawings.count()):
            drawing = drawings.nth(index)
            drawing.scroll_into_view_if_needed()
            box = drawing.bounding_box()
            if box:
                page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
                page.mouse.move(box["x"] + box["width"] / 3, box["y"] + box["height"] / 2)
        page.wait_for_timeout(1000)
        page.wait_for_load_state("networkidle", timeout=TIMEOUT_MS)
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(url))
        return {
            "octets_ko": round(log.body_bytes() / 1000, 1),
            "dash_demarre": page.evaluate("!!window.DashRenderer || !!window.Plotly"),
            **_longest(page, since, origin),
            "chargement_tache_max_ms": _longest(page, 0.0, origin)["tache_max_ms"],
        }
    finally:
        context.close()


def _act(page, name: str, control: str, condition: str) -> dict:
    """Press ``control`` (the baseline: its arrow key) and wait until ``condition`` holds."""
    if name.startswith("integration"):
        page.evaluate("window.__before = document.querySelector('#graphique .svg-chart')")
    if name != BASELINE:
        page.locator(control).scroll_into_view_if_needed()
        box = page.locator(control).bounding_box()
    page.evaluate(WATCH, condition)
    started = page.evaluate("performance.now()")
    if name == BASELINE:
        page.keyboard.press("ArrowUp")
    else:
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_function("typeof window.__resultAt === 'number'", timeout=TIMEOUT_MS)
    done = page.evaluate("window.__resultAt")
    events = page.evaluate("window.__perf.events")
    durations: dict[int, float] = {}
    for interaction, start, length in events:
        if start >= started:
            durations[interaction] = max(durations.get(interaction, 0.0), length)
    return {
        "inp_ms": round(max(durations.values(), default=0.0)),
        "resultat_ms": round(done - started),
        "started": started,
    }


def change(browser, name: str, url: str) -> dict:
    """Change a control, then again 4 s after its result: INP and time to the result of each."""
    context, page, _ = _context(browser, url)
    try:
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(url))
        if name == BASELINE:
            page.wait_for_function(DRAWN, timeout=TIMEOUT_MS)
            page.locator("#n").focus()
            first = _act(
                page,
                name,
                "#n",
                "document.querySelector('.js-plotly-plot').data[0].x.length === 31",
            )
            page.wait_for_timeout(PAUSE_MS)
            second = _act(
                page,
                name,
                "#n",
                "document.querySelector('.js-plotly-plot').data[0].x.length === 32",
            )
        elif name.startswith("integration"):
            control = "#comparer-annee-precedente"
            first = _act(page, name, control, EMBED_REDRAWN)
            page.wait_for_timeout(PAUSE_MS)
            second = _act(page, name, control, EMBED_REDRAWN)
        else:
            first = _act(
                page,
                name,
                "#prerendu-comparer-annee-precedente",
                f"({COPY_COMPARED}) || ({COMPARED})",
            )
            page.wait_for_timeout(PAUSE_MS)
            second = _act(page, name, "#comparer-annee-precedente", NOT_COMPARED)
            # How many charts plotly.js drew, the others being left until the reader comes
            # near them (assets/deferred-charts.js).
            second.update(page.evaluate(CHARTS_PLOTTED))
        tasks = _longest(page, first.pop("started"), origin)
        second.pop("started")
        return {"premier": first, "suivant": second, **tasks}
    finally:
        context.close()


# A page is asked for, CONCURRENT requests at a time, until SETTLED rounds in a row got it at
# the best compression from whichever worker answered: gunicorn's sync workers take turns only
# when requests overlap, and each must answer the page twice to keep it at the best compression
# (web/answers.py). A fixed number of requests once left a worker that had answered only one,
# busy drawing the page while the other answered all the rest.
CONCURRENT = 8
SETTLED = 3
MOST_ROUNDS = 40
# Answers from two workers may differ by a few bytes; the first, at a faster level, by a quarter.
SAME_COMPRESSION = 1.1


def served_often(browser, url: str) -> None:
    """Ask for ``url`` as the browser does (the same Accept headers: they are part of the key of
    a kept answer) until every worker answers it at the best compression."""
    context = browser.new_context()
    try:
        page = context.new_page()
        sent = page.goto(url, wait_until="commit", timeout=TIMEOUT_MS).request.all_headers()
        headers = {name: value for name, value in sent.items() if not name.startswith(":")}
    finally:
        context.close()

    def ask(_: int) -> int:
        request = urllib.request.Request(url, headers=headers)
        with urllib.request.urlopen(request, timeout=TIMEOUT_MS / 1000) as response:  # noqa: S310
            return len(response.read())

    settled, smallest = 0, float("inf")
    with ThreadPoolExecutor(CONCURRENT) as pool:
        for _ in range(MOST_ROUNDS):
            sizes = list(pool.map(ask, range(CONCURRENT)))
            smallest = min(smallest, *sizes)
            settled = settled + 1 if max(sizes) <= smallest * SAME_COMPRESSION else 0
            if settled == SETTLED:
                return
    raise RuntimeError(f"{url} : réponses jamais toutes à la meilleure compression")


def warm(urls) -> None:
    """Ask for each of ``urls`` until every worker keeps it at the best compression (as the
    server part of the benchmark leaves them before Lighthouse in a whole run)."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            for url in urls:
                served_often(browser, url)
        finally:
            browser.close()


def median_of(runs: list):
    """The runs' median, value by value: numbers their median (an observed value for an odd
    count), flags true when any run had them, other values the first run's."""
    first = runs[0]
    if isinstance(first, dict):
        return {key: median_of([run[key] for run in runs]) for key in first}
    if isinstance(first, bool):
        return any(runs)
    if isinstance(first, int | float):
        return statistics.median_low(runs)
    return first


def measure(urls: dict[str, str], repeats: int = 1) -> dict[str, dict]:
    """Return {page: {lecture: {...}, changement: {...}, mesures: n}} for each page and the
    baseline, each figure the median of ``repeats`` visits (``mesures``: how many)."""
    results = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            for name, url in urls.items():
                served_often(browser, url)
                runs = [
                    {"lecture": read(browser, name, url), "changement": change(browser, name, url)}
                    for _ in range(repeats)
                ]
                results[name] = {**median_of(runs), "mesures": repeats}
                print(name, results[name], flush=True)
        finally:
            browser.close()
    return results
