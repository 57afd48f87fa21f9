"""The load generator: wrk (Debian's package, C, one event loop a thread) driven by wrk.lua.

Python threads on the same 2 cores as the server measured mostly themselves (the GIL, http.client):
wrk costs a fraction of a core for thousands of requests a second. Each run replays a list of
requests over N keep-alive connections for a fixed duration; the figures are wrk's latency
percentiles, the throughput, the answers by status (an error is any non-2xx answer or a socket
error) and, for a cached request, the answers whose bytes are none of the expected bodies.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

SCRIPT = Path(__file__).with_name("wrk.lua")
# What a browser sends: the cached answer is kept per Accept-Encoding (answers.py).
HEADERS = {"Content-Type": "application/json", "Accept-Encoding": "gzip, br"}
# wrk's threads: one event loop a core is what wrk advises; more would only compete with the server.
THREADS = 2


@dataclass(frozen=True)
class Request:
    """One HTTP request of a run: method, path and JSON body (empty for a GET)."""

    method: str
    path: str
    body: bytes = b""

    def line(self) -> str:
        """Return the request as a line of wrk.lua's file."""
        return f"{self.method}\t{self.path}\t{self.body.decode()}"


def post_json(path: str, body: dict) -> Request:
    """Return a POST of ``body`` as JSON (a Dash callback)."""
    return Request("POST", path, json.dumps(body).encode())


def get(path: str) -> Request:
    """Return a GET of ``path``."""
    return Request("GET", path)


def fetch(base_url: str, request: Request) -> tuple[int, bytes]:
    """Send ``request`` once, with the headers wrk sends; return the status and the raw body."""
    host = urlsplit(base_url)
    connection = http.client.HTTPConnection(host.hostname, host.port, timeout=60)
    try:
        connection.request(request.method, request.path, body=request.body or None, headers=HEADERS)
        answer = connection.getresponse()
        return answer.status, answer.read()
    finally:
        connection.close()


def available() -> bool:
    """Whether wrk is installed (``make bench`` installs it with apt-get)."""
    return shutil.which("wrk") is not None


def cpu_seconds(pids: list[int]) -> float:
    """Return the CPU time (user + system) the processes ``pids`` have used so far."""
    ticks = 0
    for pid in pids:
        # The fields after the command name, which may hold spaces: utime and stime are 12, 13.
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def run(
    base_url: str,
    requests: list[Request],
    connections: int,
    seconds: int,
    expected: list[bytes] | None = None,
    pids: list[int] = (),
) -> dict:
    """Replay ``requests`` on ``base_url`` with wrk; return the figures of the run.

    Every answer must be 2xx and, when ``expected`` is given, have exactly one of these bodies.
    With the server's process ids, the figures include the CPU time it used per request: unlike
    latency, it hardly depends on what else the machine runs.
    """
    if not available():
        raise RuntimeError("wrk est introuvable : apt-get install wrk (ou make bench).")
    with tempfile.TemporaryDirectory(prefix="barometre-wrk-") as scratch:
        folder = Path(scratch)
        (folder / "requetes.txt").write_text("\n".join(r.line() for r in requests) + "\n")
        expected_files = []
        for number, body in enumerate(expected or []):
            (folder / f"attendu-{number}").write_bytes(body)
            expected_files.append(str(folder / f"attendu-{number}"))
        threads = min(THREADS, connections)
        command = [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(SCRIPT),
            base_url,
            "--",
            str(folder / "requetes.txt"),
            str(threads),
            *expected_files,
        ]
        load = os.getloadavg()[0]
        cpu = cpu_seconds(pids)
        finished = subprocess.run(  # noqa: S603 - our own command line
            command, capture_output=True, text=True, check=False, timeout=seconds + 60
        )
        cpu = cpu_seconds(pids) - cpu
    line = next((x for x in finished.stdout.splitlines() if x.startswith("RESULTAT ")), None)
    if finished.returncode or line is None:
        raise RuntimeError(f"wrk n'a pas donné de résultat : {finished.stdout}{finished.stderr}")
    figures = summary(json.loads(line.removeprefix("RESULTAT ")), connections, load)
    if pids and figures["requetes"]:
        figures["cpu_serveur_us_par_requete"] = round(cpu / figures["requetes"] * 1e6)
    return figures


def summary(figures: dict, connections: int, load: float) -> dict:
    """Return the report's figures from wrk.lua's (milliseconds, requests a second, errors)."""
    statuses = {int(status): count for status, count in figures["statuts"].items()}
    failed = sum(count for status, count in statuses.items() if not 200 <= status < 300)
    seconds = figures["duree_us"] / 1e6
    return {
        "requetes": figures["requetes"],
        "erreurs": failed + figures["erreurs_socket"],
        "statuts": {str(status): count for status, count in sorted(statuses.items())},
        "reponses_differentes": figures["differences"],
        "requetes_repetees": figures["repetitions"] > 0,
        "debit_par_s": round(figures["requetes"] / seconds, 1) if seconds else 0.0,
        "p50_ms": round(figures["p50_us"] / 1000, 1),
        "p90_ms": round(figures["p90_us"] / 1000, 1),
        "p99_ms": round(figures["p99_us"] / 1000, 1),
        "max_ms": round(figures["max_us"] / 1000, 1),
        "octets": figures["octets"],
        "connexions": connections,
        "duree_s": round(seconds, 1),
        "charge_1min": round(load, 2),
    }
