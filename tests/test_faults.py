"""Faults with real servers: Redis stopped and restarted, PostgreSQL stopped and restarted, a
gunicorn worker killed. The site keeps answering, says so in French when it cannot, and comes
back by itself.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pandas as pd
import pytest
from conftest import LiveServer, require
from dash_http import route_payload_for
from servers import REDIS, PostgreSQL, Redis, postgres_available

from barometre import catalogue
from barometre.config import Settings
from barometre.store import Store

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
    return fetch(server.url + "/_dash-update-component",
                 json.dumps(route_payload_for(dependencies, path)).encode())


def wait_until(condition, seconds: float = 20) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.3)
    return False


# -- Redis -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def redis_and_server(demo_settings, tmp_path_factory):
    require(REDIS is not None, "redis-server")
    redis = Redis(tmp_path_factory.mktemp("redis"))
    server = LiveServer(demo_settings, workers=1, env={"BAROMETRE_CACHE_URL": redis.url})
    yield redis, server
    server.stop()
    redis.stop()


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
            # Bypassing a dead cache costs milliseconds (short socket timeouts), not seconds.
            assert page_seconds < 3 and callback_seconds < 3
    finally:
        redis.start()
    server.log.flush()
    assert "cache indisponible" in Path(server.log.name).read_text()
    assert wait_until(lambda: route(server, "/")[0] == 200)
    assert all(fetch(server.url + path)[0] == 200 for path in PAGES)


# -- PostgreSQL --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def postgres_and_server(tmp_path_factory):
    require(postgres_available(), "PostgreSQL (paquet postgresql) et psycopg")
    postgres = PostgreSQL()
    url = postgres.create_database("pannes")
    store = Store(url)
    store.init_schema()
    store.sync_catalogue(catalogue.load())
    store.apply(
        pd.DataFrame({"indicator": "brigade-numerique-demandes", "dimension": "", "member": "",
                      "date": pd.date_range("2025-01-01", periods=90), "value": 10.0}),
        kind="ingestion", source="pannes.csv",
    )
    store.close()
    folder = tmp_path_factory.mktemp("pg-server")
    server = LiveServer(Settings(data_dir=folder, database_url=url), workers=1)
    yield postgres, server
    server.stop()
    postgres.remove()


def test_a_stopped_database_is_a_french_503_then_service_returns(postgres_and_server):
    postgres, server = postgres_and_server
    assert fetch(server.url + "/healthz")[0] == 200
    postgres.stop()
    try:
        status, body, seconds = fetch(server.url + "/healthz")
        assert status == 503 and json.loads(body)["statut"] == "indisponible"
        assert seconds < 5
        # The page shell still loads (it needs no data); its content says what happens.
        status, html, _ = fetch(server.url + "/indicateurs")
        assert status == 200 and "Traceback" not in html
        status, body, _ = route(server, "/indicateurs/brigade-numerique-demandes")
        assert status == 200 and "Service momentan\\u00e9ment indisponible" in body
    finally:
        postgres.start()
    assert wait_until(lambda: fetch(server.url + "/healthz")[0] == 200)
    assert fetch(server.url + "/indicateurs")[0] == 200
    assert "indisponible" not in route(server, "/indicateurs/brigade-numerique-demandes")[1]


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
    time.sleep(1)
    victim = workers_of(server.process.pid)[0]
    os.kill(victim, signal.SIGKILL)
    replaced = wait_until(
        lambda: len(workers_of(server.process.pid)) == 2
        and victim not in workers_of(server.process.pid)
    )
    time.sleep(1)
    stop.set()
    thread.join(timeout=30)
    assert replaced
    failures = [status for status in results if status != 200]
    # One request at a time: at most the one in flight on the killed worker fails.
    assert len(failures) <= 1, failures
    assert len(results) > 10
