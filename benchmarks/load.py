"""A load generator on the same machine: N keep-alive connections (threads over http.client).

Each connection sends its requests one after the other for a fixed duration; the figures are the
latency percentiles, the throughput and the errors (non-200 answers or exceptions).
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from collections.abc import Callable
from urllib.parse import urlsplit

# A request: (method, path, body or None); the function receives the request's sequence number,
# so that an uncached run can vary a parameter per request.
Request = Callable[[int], tuple[str, str, bytes | None]]


def percentile(values: list[float], fraction: float) -> float:
    """Return the ``fraction`` percentile (nearest rank) of ``values``, 0 when empty."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def run(base_url: str, request: Request, connections: int, seconds: float,
        limit: int | None = None) -> dict:
    """Hammer ``base_url`` with ``request`` over ``connections`` for ``seconds`` (or ``limit``)."""
    host = urlsplit(base_url)
    latencies: list[float] = []
    errors = [0]
    counter = iter(range(10**9))
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    headers = {"Content-Type": "application/json", "Accept-Encoding": "gzip, br"}

    def worker() -> None:
        connection = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
        while time.monotonic() < deadline:
            with lock:
                number = next(counter)
            if limit is not None and number >= limit:
                break
            method, path, body = request(number)
            started = time.perf_counter()
            try:
                connection.request(method, path, body=body, headers=headers)
                answer = connection.getresponse()
                answer.read()
                ok = answer.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                connection.close()
                connection = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                if not ok:
                    errors[0] += 1
        connection.close()

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    return {
        "requetes": len(latencies),
        "erreurs": errors[0],
        "debit_par_s": round(len(latencies) / wall, 1) if wall else 0.0,
        "p50_ms": round(percentile(latencies, 0.50) * 1000, 1),
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 1),
        "connexions": connections,
        "duree_s": round(wall, 1),
    }


def post_json(path: str, body: dict) -> Request:
    """Return a request that always posts the same JSON body (a cached answer)."""
    data = json.dumps(body).encode()
    return lambda _number: ("POST", path, data)


def get(path_for: Callable[[int], str]) -> Request:
    """Return a GET request whose path may depend on the request's number."""
    return lambda number: ("GET", path_for(number), None)
