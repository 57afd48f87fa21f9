"""A bounded load test on loopback: pages, callbacks, API and embeds from several clients at
once while an ingestion commits a new value every half second. Zero errors, zero wrong answers.

A wrong answer is a value that was never committed, or a series mixing two commits (a reader
must see a transaction whole). The duration is 6 s by default (a dozen commits);
BAROMETRE_LOAD_SECONDS=60 runs the one-minute version. Throughput and latency percentiles are
printed.
"""

from __future__ import annotations

import json
import os
import statistics
import threading
import time
import urllib.error
import urllib.request

import pandas as pd
import pytest
from conftest import LiveServer
from dash_http import indicator_payload

from barometre.config import Settings
from barometre.data import catalogue
from barometre.data.store import Store

pytestmark = pytest.mark.server

SECONDS = float(os.environ.get("BAROMETRE_LOAD_SECONDS", "6"))
CLIENTS = 3
INDICATOR = "brigade-numerique-demandes"
DAYS = pd.date_range("2025-01-01", "2025-03-31", freq="D")
CALLBACK = json.dumps(indicator_payload(INDICATOR, "2025-02-01", "2025-02-03", "jour")).encode()
API = (
    f"/api/v1/indicateurs/{INDICATOR}/observations?debut=2025-02-01&fin=2025-02-03&granularite=jour"
)


def observations(value: float) -> pd.DataFrame:
    return pd.DataFrame(
        {"indicator": INDICATOR, "dimension": "", "member": "", "date": DAYS, "value": value}
    )


def callback_values(body: str) -> list[float]:
    figure = body.split('"figure":', 1)[1]
    ys = figure.split('"y":[', 1)[1].split("]", 1)[0]
    return [float(v) for v in ys.split(",")]


def api_values(body: str) -> list[float]:
    return [float(o["valeur"]) for o in json.loads(body)["observations"]]


REQUESTS = [
    ("page", "GET", f"/indicateurs/{INDICATOR}", None, None),
    ("callback", "POST", "/_dash-update-component", CALLBACK, callback_values),
    ("api", "GET", API, None, api_values),
    ("embed", "GET", f"/embed/{INDICATOR}", None, None),
    ("healthz", "GET", "/healthz", None, None),
]


# Sync processes (the default) and gthread ones: the answers kept in memory are shared by threads.
@pytest.mark.parametrize("threads", ["1", "2"], ids=["sync", "gthread"])
def test_load_with_a_concurrent_ingestion(tmp_path, capsys, threads):
    settings = Settings(data_dir=tmp_path)
    store = Store(settings.database_url)
    store.init_schema()
    store.sync_catalogue(catalogue.load())
    store.apply(observations(100), kind="ingestion", source="depart.csv")
    committed = {100.0}
    server = LiveServer(settings, workers=2, env={"BAROMETRE_SERVER_THREADS": threads})
    stop = threading.Event()
    latencies: dict[str, list[float]] = {name: [] for name, *_ in REQUESTS}
    problems: list[str] = []

    def client(offset: int) -> None:
        i = offset
        while not stop.is_set():
            name, method, path, body, values = REQUESTS[i % len(REQUESTS)]
            i += 1
            request = urllib.request.Request(
                server.url + path,
                data=body,
                method=method,
                headers={"Content-Type": "application/json"},
            )
            started = time.monotonic()
            try:
                with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                    text = response.read().decode()
                    status = response.status
            except (urllib.error.URLError, OSError) as error:
                problems.append(f"{name}: {error}")
                continue
            latencies[name].append(time.monotonic() - started)
            if status != 200:
                problems.append(f"{name}: HTTP {status}")
            elif values is not None:
                seen = values(text)
                if len(set(seen)) != 1 or seen[0] not in committed:
                    problems.append(f"{name}: valeurs {seen} (validées : {sorted(committed)})")

    def ingest() -> None:
        value = 100.0
        while not stop.is_set():
            value += 1
            committed.add(value)  # before the commit: a reader may see it as soon as it lands
            store.apply(observations(value), kind="ingestion", source=f"lot-{value:.0f}.csv")
            time.sleep(0.5)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    threads.append(threading.Thread(target=ingest))
    try:
        for thread in threads:
            thread.start()
        time.sleep(SECONDS)  # fixed wait: the load lasts its duration
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        server.stop()
        store.close()

    total = sum(len(v) for v in latencies.values())
    with capsys.disabled():
        print(
            f"\nCharge {SECONDS:.0f} s, {CLIENTS} clients, {len(committed) - 1} ingestions :"
            f" {total} requêtes, {total / SECONDS:.1f} req/s"
        )
        for name, values in latencies.items():
            if len(values) >= 2:
                q = statistics.quantiles(values, n=100)
                print(
                    f"  {name:<9} n={len(values):<5} p50={q[49] * 1000:6.0f} ms"
                    f"  p95={q[94] * 1000:6.0f} ms  p99={q[98] * 1000:6.0f} ms"
                )
    assert problems == []
    assert all(len(values) > 3 for values in latencies.values())
    assert len(committed) > 3
