"""Fixtures: settings over temporary folders, stores, apps, a live gunicorn server, a browser.

Named variants in the spirit of Datasette's ``tests/fixtures.py``: ``empty_store`` (schema only),
``demo_settings`` (a session-wide demo database, read-only for tests), ``app``/``client`` over it,
``live_server`` (the real ``barometre serve``) and ``browser`` (Debian Chromium via Playwright).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from barometre.config import Settings
from barometre.data import catalogue
from barometre.data.store import Store
from benchmarks.servers import free_port, terminate

# The demo data ends on a fixed day, so that tests do not depend on today's date.
DEMO_TODAY = dt.date(2026, 11, 15)
CHROMIUM = "/usr/bin/chromium"
IN_CI = os.environ.get("CI") == "true"


def require(condition: bool, what: str) -> None:
    """Skip a test whose tool is missing — except in CI, where a missing tool is a failure."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{what} est requis en CI (CI=true) et n'est pas disponible.")
    pytest.skip(f"{what} n'est pas disponible.")


# The longest modules, first: with --dist loadfile a worker runs a whole module, and a long one
# handed out last would run alone at the end while the other workers wait.
LONGEST_FIRST = (
    "test_rgaa_sample.py",
    "test_accessibility.py",
    "test_walk.py",
    "test_prerender.py",
    "test_api.py",
    "test_chart_points.py",
    "test_rgaa_presentation.py",
    "test_embed.py",
)


def pytest_collection_modifyitems(config, items) -> None:
    rank = {name: position for position, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))


@pytest.fixture(scope="session")
def the_catalogue() -> catalogue.Catalogue:
    return catalogue.load()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path)


@pytest.fixture
def empty_store(settings: Settings, the_catalogue) -> Store:
    store = Store(settings.database_url)
    store.init_schema()
    store.sync_catalogue(the_catalogue)
    yield store
    store.close()


@pytest.fixture
def clock(monkeypatch):
    """Set the day the store stamps its loads and publications with: ``clock(day)``."""
    from barometre.data.store import updates

    def set_day(day: dt.date) -> None:
        monkeypatch.setattr(updates, "_now", lambda: f"{day.isoformat()}T10:00:00+00:00")

    return set_day


@pytest.fixture(scope="session")
def demo_settings(tmp_path_factory, the_catalogue, worker_id) -> Settings:
    """Settings over a session-wide demo database. Tests must not write to it.

    With several workers, the first one to get here builds the database in the run's shared
    folder while the others wait on a lock; each then reads its own copy.
    """
    settings = Settings(data_dir=tmp_path_factory.mktemp("demo"))
    if worker_id == "master":
        _install_demo(settings.database_url, the_catalogue)
        return settings
    shared = tmp_path_factory.getbasetemp().parent / "demo-partagee"
    shared.mkdir(exist_ok=True)
    with open(shared / "verrou", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        built = shared / "barometre.sqlite3"
        if not (shared / "prete").exists():
            _install_demo(f"sqlite:///{built}", the_catalogue)
            (shared / "prete").touch()
    shutil.copy2(built, settings.data_dir / "barometre.sqlite3")
    return settings


def _install_demo(url: str, the_catalogue) -> None:
    from barometre.data import demo

    store = Store(url)
    store.init_schema()
    demo.install(store, the_catalogue, today=DEMO_TODAY)
    store.close()


@pytest.fixture(scope="session")
def demo_store(demo_settings) -> Store:
    store = Store(demo_settings.database_url)
    yield store
    store.close()


@pytest.fixture
def app(demo_settings):
    from barometre.web.app import create_app

    return create_app(demo_settings)


@pytest.fixture
def client(app):
    return app.server.test_client()


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


class LiveServer:
    """A real ``barometre serve`` (gunicorn) process on a free port of 127.0.0.1."""

    def __init__(self, settings: Settings, workers: int = 2, env: dict | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        environ = {
            **os.environ,
            "BAROMETRE_DATA_DIR": str(settings.data_dir),
            "BAROMETRE_DATABASE_URL": settings.database_url,
            **(env or {}),
        }
        self.log = open(settings.data_dir / f"server-{self.port}.log", "w+")  # noqa: SIM115
        self.process = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "barometre",
                "serve",
                "--port",
                str(self.port),
                "--workers",
                str(workers),
            ],
            env=environ,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        prefix = environ.get("BAROMETRE_URL_PREFIX", "/").strip("/")
        self.base = self.url + ("/" + prefix if prefix else "")
        try:
            wait_for(self.base + "/healthz")
        except OSError:
            self.stop()
            self.log.seek(0)
            raise RuntimeError(f"le serveur n'a pas démarré :\n{self.log.read()}") from None

    def stop(self) -> None:
        terminate(self.process)
        self.log.close()


@pytest.fixture(scope="session")
def live_server(demo_settings) -> LiveServer:
    server = LiveServer(demo_settings)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    require(shutil.which(CHROMIUM) is not None, "Chromium (/usr/bin/chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield chromium
        chromium.close()


# Dash and plotly.js start at the reader's intent to change something (assets/prerendered.js,
# embed.js); most browser tests are about what they then run, so Dash starts as soon as a page
# is there, as the pages' scripts let tests and the benchmark ask (their START_EVENT). What
# starts Dash for a reader, and what does not, is tested in test_prerender.py.
START_EVENT = "barometre:demarrer"
FIRST_MOVE = (
    "window.addEventListener('DOMContentLoaded',"
    f" () => document.dispatchEvent(new Event('{START_EVENT}')));"
)


def start_dash(page) -> None:
    """Start Dash (or an embed's plotly.js) on ``page`` now, as a reader's intent would."""
    page.evaluate(f"document.dispatchEvent(new Event('{START_EVENT}'))")


# Where on the screen a point of a server's drawing is (explore.js's data-points: the point's
# place in the plot area), for a pointer to show its tooltip.
POINT_ON_SCREEN = """drawing => {
  const area = drawing.querySelector('.svg-area').getBoundingClientRect();
  const points = JSON.parse(drawing.dataset.points).series[0].points;
  const point = points[Math.floor(points.length / 2)];
  return [area.left + point[0] * area.width, area.top + point[1] * area.height];
}"""


def hover_a_point(page, drawing: str) -> None:
    """Move the pointer onto the middle point of the drawing ``drawing`` (a CSS selector)."""
    page.locator(drawing).first.scroll_into_view_if_needed()
    x, y = page.locator(drawing).first.evaluate(POINT_ON_SCREEN)
    page.mouse.move(x, y)


def let_go(page, held: list) -> None:
    """Let the first request held by a route that appends to ``held`` go on, once it is made
    (the route's handler runs while Playwright is called: ``evaluate`` gives it the turn)."""
    assert wait_until(lambda: page.evaluate("true") and held)
    held[0].continue_()


class HeldCallbacks:
    """Dash's callback answers held back on ``page`` until ``release()``: the page stays in
    its « being updated » state meanwhile. Dash adds a query string to the callback address."""

    PATTERN = "**/_dash-update-component*"

    def __init__(self, page) -> None:
        self.page = page
        self.routes = []
        self.released = False
        page.route(self.PATTERN, self._hold)

    def _hold(self, route) -> None:
        if self.released:
            route.continue_()
        else:
            self.routes.append(route)

    def release(self) -> None:
        # A hold that caught nothing tested nothing: the address would have changed.
        assert self.routes, "aucun appel de callback retenu : l'adresse a changé ?"
        self.released = True
        for route in self.routes:
            route.continue_()
        self.page.unroute(self.PATTERN, self._hold)


def reader_moves(context) -> None:
    """Make every page (and frame) of a browser ``context`` start Dash once loaded."""
    context.add_init_script(FIRST_MOVE)


@pytest.fixture
def page(browser):
    """A fresh browser page that records console errors and requests to other hosts."""
    # Playwright evaluates wait_for_function predicates with eval, which the site's CSP forbids
    # (no 'unsafe-eval'): test pages bypass it; test_security checks the CSP in its own context.
    context = browser.new_context(
        locale="fr-FR", viewport={"width": 1280, "height": 900}, bypass_csp=True
    )
    reader_moves(context)
    page = context.new_page()
    page.console_errors = []
    page.foreign_requests = []
    page.on(
        "console",
        lambda message: (
            page.console_errors.append(message.text) if message.type == "error" else None
        ),
    )
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    page.on(
        "request",
        lambda request: (
            page.foreign_requests.append(request.url)
            if not request.url.startswith(("http://127.0.0.1", "data:", "blob:"))
            else None
        ),
    )
    yield page
    context.close()


@pytest.fixture(scope="session")
def postgres_server():
    """One real PostgreSQL server for the session (tests/servers.py), started on first use."""
    from servers import PostgreSQL, postgres_available

    require(postgres_available(), "PostgreSQL (paquet postgresql) et psycopg")
    server = PostgreSQL()
    yield server
    server.remove()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, settings) -> str:
    """The URL of an empty database, once on SQLite and once on a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return settings.database_url
    server = request.getfixturevalue("postgres_server")
    name = "".join(c if c.isalnum() else "_" for c in request.node.name.lower())
    return server.create_database(f"t{free_port()}_{name}"[:60])


def wait_until(condition, seconds: float = 20) -> bool:
    """Return whether ``condition()`` became true within ``seconds``, asked every 0.1 s: tests
    wait for a state, never for a fixed time that a busy machine could exceed."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()
