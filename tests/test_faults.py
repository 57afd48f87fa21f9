"""Faults with real servers: Redis stopped and restarted, PostgreSQL stopped and restarted, the
SQLite file moved, replaced or made unreadable under a running server, a gunicorn worker killed.
The site keeps answering, says so in French when it cannot (pages and API in 503), and comes back
by itself.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pytest
from conftest import LiveServer, require, wait_until
from dash_http import route_payload_for
from servers import REDIS, PostgreSQL, Redis, postgres_available

from barometre.config import Settings
from barometre.data import catalogue
from barometre.data.store import Store
from barometre.web import errors
from barometre.web.app import create_app

pytestmark = pytest.mark.server

PAGES = ["/", "/indicateurs", "/indicateurs/brigade-numerique-demandes", "/familles/signalements"]


def fetch(url: str, data: bytes | None = None) -> tuple[int, str, float]:
    started = time.monotonic()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310
            body = response.read().decode(errors="replace")
            return response.status, body, time.monotonic() - started
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace"), time.monotonic() - started


def route(server: LiveServer, path: str) -> tuple[int, str, float]:
    dependencies = json.loads(fetch(server.url + "/_dash-dependencies")[1])
    return fetch(
        server.url + "/_dash-update-component",
        json.dumps(route_payload_for(dependencies, path)).encode(),
    )


def steadily(condition, times: int = 6) -> bool:
    """Return whether ``condition`` holds several times over, asked at once: gunicorn's sync
    workers take turns only when requests overlap (asked one after the other, the worker that
    just answered takes the next), and every worker must be seen."""
    with ThreadPoolExecutor(times) as pool:
        return all(pool.map(lambda _: condition(), range(times)))


# -- Redis -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def redis_and_server(demo_settings, tmp_path_factory):
    require(REDIS is not None, "redis-server")
    redis = Redis(tmp_path_factory.mktemp("redis"))
    server = LiveServer(demo_settings, workers=1, env={"BAROMETRE_CACHE_URL": redis.url})
    yield redis, server
    server.stop()
    redis.stop()


HANG_SECONDS = 30


def test_a_dead_redis_costs_a_request_at_most_its_short_socket_timeouts():
    from barometre.config import Settings
    from barometre.data.services import cache_config

    options = cache_config(Settings(cache_url="redis://127.0.0.1:1/0"))["CACHE_OPTIONS"]
    assert options["socket_connect_timeout"] <= 0.25 and options["socket_timeout"] <= 0.5


def test_pages_survive_redis_stopping_and_restarting(redis_and_server):
    redis, server = redis_and_server
    for path in PAGES:  # warm the cache
        assert fetch(server.url + path)[0] == 200
    redis.stop()
    try:
        for path in PAGES:
            status, html, page_seconds = fetch(server.url + path)
            assert status == 200
            status, body, callback_seconds = route(server, path)
            assert status == 200 and "Page introuvable" not in body
            # No request waits on the dead cache: its socket timeouts are short (checked in
            # test_a_dead_redis_costs_a_request_at_most_its_short_socket_timeouts); this bound
            # only catches a hang, which a loaded machine cannot reach (make test-stress).
            assert page_seconds < HANG_SECONDS and callback_seconds < HANG_SECONDS
    finally:
        redis.start()
    server.log.flush()
    assert "cache indisponible" in Path(server.log.name).read_text()
    assert wait_until(lambda: route(server, "/")[0] == 200)
    assert all(fetch(server.url + path)[0] == 200 for path in PAGES)


# -- the store: PostgreSQL stopped, the SQLite file moved, replaced or made unreadable ------------


def with_small_data(url: str) -> str:
    """Create the schema and 90 days of one indicator in the database at ``url``; return it."""
    store = Store(url)
    store.init_schema()
    store.sync_catalogue(catalogue.load())
    store.apply(
        pd.DataFrame(
            {
                "indicator": "brigade-numerique-demandes",
                "dimension": "",
                "member": "",
                "date": pd.date_range("2025-01-01", periods=90),
                "value": 10.0,
            }
        ),
        kind="ingestion",
        source="pannes.csv",
    )
    store.close()
    return url


@pytest.fixture(scope="module")
def postgres_and_server(tmp_path_factory):
    require(postgres_available(), "PostgreSQL (paquet postgresql) et psycopg")
    postgres = PostgreSQL()
    url = with_small_data(postgres.create_database("pannes"))
    folder = tmp_path_factory.mktemp("pg-server")
    server = LiveServer(Settings(data_dir=folder, database_url=url), workers=1)
    yield postgres, server
    server.stop()
    postgres.remove()


@pytest.fixture(scope="module")
def sqlite_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sqlite-server")
    settings = Settings(data_dir=folder)
    with_small_data(settings.database_url)
    server = LiveServer(settings, workers=2)
    yield server, Path(settings.database_url.removeprefix("sqlite:///"))
    server.stop()


def sqlite_fault(kind: str, database: Path) -> tuple:
    """Return (break, repair) for one way of losing the SQLite file under a running server."""
    aside = database.with_name("ailleurs.sqlite3")

    def move_away():
        database.rename(aside)
        if kind == "illisible":  # something that is not a database takes its place
            database.write_bytes(b"ceci n'est pas une base SQLite\n" * 200)

    return move_away, lambda: aside.replace(database)


@pytest.fixture(params=["postgresql-arrete", "sqlite-deplace", "sqlite-illisible"])
def outage(request):
    """A live server and (break, repair) of its store: a real server stopped, a real file moved."""
    if request.param == "postgresql-arrete":
        postgres, server = request.getfixturevalue("postgres_and_server")
        return server, postgres.stop, postgres.start
    server, database = request.getfixturevalue("sqlite_server")
    return server, *sqlite_fault(request.param.removeprefix("sqlite-"), database)


def headers_of(url: str):
    try:
        with urllib.request.urlopen(url, timeout=20) as response:  # noqa: S310
            return response.headers
    except urllib.error.HTTPError as error:
        return error.headers


def test_an_unavailable_store_is_a_french_503_then_service_returns(outage):
    server, break_store, repair_store = outage
    healthz = server.url + "/healthz"
    api = server.url + "/api/v1/indicateurs/brigade-numerique-demandes/observations"
    assert fetch(healthz)[0] == 200
    break_store()
    try:
        # Each worker looks at the SQLite file again within a second (store.FILE_CHECK_SECONDS).
        assert wait_until(lambda: steadily(lambda: fetch(healthz)[0] == 503), 10)
        status, body, seconds = fetch(healthz)
        assert status == 503 and json.loads(body)["statut"] == "indisponible"
        assert seconds < 5
        # Every page, the API and the callbacks say it in French once each worker's probe has
        # looked again (errors.StoreProbe: at most ttl seconds later, whichever worker answers).
        # fixed wait: the probe's time to live must run out
        time.sleep(errors.StoreProbe.TTL_SECONDS + 0.5)
        for path in PAGES:
            status, html, _ = fetch(server.url + path)
            assert "<h1>Service momentanément indisponible</h1>" in html
            assert '<html lang="fr">' in html and 'class="site-header' in html
            assert "Traceback" not in html and "Error" not in html
            assert headers_of(server.url + path)["Retry-After"] == "30"
        status, body, _ = fetch(api)
        assert status == 503 and json.loads(body)["erreur"] == "Service momentanément indisponible"
        assert headers_of(api)["Retry-After"] == "30"
        embed = server.url + "/embed/brigade-numerique-demandes"
        assert fetch(embed)[0] == 503 and headers_of(embed)["Retry-After"] == "30"
        status, body, _ = route(server, "/indicateurs/brigade-numerique-demandes")
        assert status == 200 and "Service momentan\\u00e9ment indisponible" in body
    finally:
        repair_store()
    assert wait_until(lambda: steadily(lambda: fetch(healthz)[0] == 200))
    # Every page, each worker's probe having looked again: one page kept in a worker's memory
    # from before the outage answers 200 at once, the others once the probe's time is out.
    assert wait_until(
        lambda: steadily(lambda: all(fetch(server.url + path)[0] == 200 for path in PAGES))
    )
    assert fetch(api)[0] == 200
    assert "indisponible" not in route(server, "/indicateurs/brigade-numerique-demandes")[1]


def version(server: LiveServer) -> int | None:
    return json.loads(fetch(server.url + "/healthz")[1]).get("version_donnees")


@pytest.mark.parametrize("prefix", ["/", "/barometre-numerique/"])
def test_every_page_but_no_asset_is_a_503_while_the_database_file_is_missing(tmp_path, prefix):
    client = create_app(Settings(data_dir=tmp_path, url_prefix=prefix)).server.test_client()
    for path in ["", "indicateurs", "indicateurs/brigade-numerique-demandes", "nulle-part"]:
        response = client.get(prefix + path)
        assert response.status_code == 503, path
        assert response.headers["Retry-After"] == "30"
        assert "Service momentanément indisponible" in response.get_data(as_text=True)
    with client.get(prefix + "assets/barometre.css") as asset:
        assert asset.status_code == 200
    assert not (tmp_path / "barometre.sqlite3").exists()  # the app does not create an empty one


def test_a_replaced_sqlite_file_is_served_without_a_restart(sqlite_server, tmp_path):
    server, database = sqlite_server
    assert json.loads(fetch(server.url + "/healthz")[1])["version_donnees"] == 1
    replacement = Settings(data_dir=tmp_path).database_url
    store = Store(with_small_data(replacement))
    store.clear_observations()  # a different file: version 2, no observation
    store.close()
    original = database.with_name("original.sqlite3")
    database.rename(original)
    Path(replacement.removeprefix("sqlite:///")).rename(database)  # a new inode at the same path
    try:
        assert wait_until(lambda: steadily(lambda: version(server) == 2), 10)
    finally:
        original.replace(database)
    assert wait_until(lambda: steadily(lambda: version(server) == 1), 10)


# -- gunicorn workers --------------------------------------------------------------------------


def workers_of(pid: int) -> list[int]:
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            children.append(int(stat.parent.name))
    return children


def test_a_killed_worker_is_replaced_without_failing_other_requests(live_server):
    # The session's server: gunicorn puts it back as it was.
    server = live_server
    assert wait_until(lambda: len(workers_of(server.process.pid)) == 2)
    results: list[int] = []
    stop = threading.Event()

    def client():
        while not stop.is_set():
            try:
                results.append(fetch(server.url + "/healthz")[0])
            except Exception:  # noqa: BLE001 - any failure counts as a failed request
                results.append(0)

    thread = threading.Thread(target=client)
    thread.start()
    time.sleep(1)  # fixed wait: the client's requests run before a worker is killed
    victim = workers_of(server.process.pid)[0]
    os.kill(victim, signal.SIGKILL)
    replaced = wait_until(
        lambda: (
            len(workers_of(server.process.pid)) == 2
            and victim not in workers_of(server.process.pid)
        )
    )
    time.sleep(1)  # fixed wait: the client goes on after the replacement
    stop.set()
    thread.join(timeout=30)
    assert replaced
    failures = [status for status in results if status != 200]
    # One request at a time: at most the one in flight on the killed worker fails.
    assert len(failures) <= 1, failures
    assert len(results) > 10
