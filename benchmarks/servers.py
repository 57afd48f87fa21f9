"""Start and stop the servers measured: ``barometre serve`` and the baseline under gunicorn."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """Return a free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def terminate(process: subprocess.Popen, seconds: float = 10) -> None:
    """Stop ``process``: SIGTERM, then SIGKILL if it is still there after ``seconds``."""
    process.terminate()
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class Server:
    """A server process on a free port of 127.0.0.1, stopped by ``stop`` (or ``with``)."""

    def __init__(self, command: list[str], env: dict[str, str], log: Path, probe: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log.open("w")
        command = [part.replace("{port}", str(self.port)) for part in command]
        self.process = subprocess.Popen(  # noqa: S603 - our own command line
            command, env={**os.environ, **env}, stdout=self.log, stderr=subprocess.STDOUT, cwd=ROOT
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(self.url + probe, timeout=10):  # noqa: S310
                    break
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"le serveur n'a pas démarré : {log.read_text()}") from None
                time.sleep(0.3)

    def worker_pids(self) -> list[int]:
        """Return the process ids of gunicorn's workers (the children of the arbiter)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            return []

    def stop(self) -> None:
        """Stop the process (SIGTERM, then SIGKILL after 10 s)."""
        terminate(self.process)
        self.log.close()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def barometre(
    data_dir: Path, workers: int = 2, env: dict[str, str] | None = None, log: str = "serve.log"
) -> Server:
    """Start ``barometre serve`` over ``data_dir``, its output in ``data_dir / log``."""
    command = [
        sys.executable,
        "-m",
        "barometre",
        "serve",
        "--port",
        "{port}",
        "--workers",
        str(workers),
    ]
    environ = {"BAROMETRE_DATA_DIR": str(data_dir), **(env or {})}
    return Server(command, environ, data_dir / log, "/healthz")


def baseline(folder: Path, workers: int = 2) -> Server:
    """Start the minimal default Dash app under gunicorn."""
    folder.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--bind",
        "127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--log-level",
        "warning",
        "benchmarks.baseline_app:server",
    ]
    return Server(command, {"PYTHONPATH": str(ROOT)}, folder / "baseline.log", "/")


def rss_mb(pid: int) -> float:
    """Return the resident memory of process ``pid``, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0
