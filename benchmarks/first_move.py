"""What the reader's first move costs: Dash and plotly.js start only then (assets/prerendered.js).

Lighthouse loads a page and never touches it, so its scores say what a reader who reads gets.
This measures the other half in Chromium with the CPU slowed down 4×, as Lighthouse's mobile
preset simulates it: from the first move of the pointer until plotly.js has drawn every chart,
the time elapsed and the blocking time (the part of each long task beyond 50 ms, as Total
Blocking Time counts it). For the default Dash app, which has no such wait, the same figures are
taken from the start of the page load.
"""

from __future__ import annotations

from playwright.sync_api import sync_playwright

from benchmarks.transfer import CHROMIUM, DRAWN

SLOWDOWN = 4
LONG_TASKS = """
window.__longTasks = [];
new PerformanceObserver(list => list.getEntries().forEach(
    task => window.__longTasks.push([task.startTime, task.duration])
)).observe({type: 'longtask', buffered: true});
"""


def measure(urls: dict[str, str], waiting: set[str], timeout_ms: int = 60000) -> dict[str, dict]:
    """Return {name: {delai_ms, blocage_ms}}; the pages in ``waiting`` start at a move."""
    results = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            for name, url in urls.items():
                context = browser.new_context(viewport={"width": 412, "height": 823})
                page = context.new_page()
                page.add_init_script(LONG_TASKS)
                context.new_cdp_session(page).send(
                    "Emulation.setCPUThrottlingRate", {"rate": SLOWDOWN}
                )
                page.goto(url, wait_until="load", timeout=timeout_ms)
                start = 0.0
                if name in waiting:
                    page.wait_for_load_state("networkidle", timeout=timeout_ms)
                    start = page.evaluate("performance.now()")
                    page.mouse.move(10, 10)
                page.wait_for_function(DRAWN, timeout=timeout_ms, polling=50)
                end = page.evaluate("performance.now()")
                tasks = page.evaluate("window.__longTasks")
                blocking = sum(max(0.0, length - 50) for begin, length in tasks if begin >= start)
                results[name] = {"delai_ms": round(end - start), "blocage_ms": round(blocking)}
                print(name, results[name], flush=True)
                context.close()
        finally:
            browser.close()
    return results
