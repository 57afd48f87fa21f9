"""Real PostgreSQL, Redis and nginx servers for the tests, on free ports of 127.0.0.1.

Each class starts its server in a temporary folder, waits until it answers, and ``stop()`` ends
exactly the process it started. PostgreSQL refuses to run as root: when the tests run as root,
it runs as the Debian ``postgres`` user through ``runuser``.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from benchmarks.servers import free_port, terminate

POSTGRES_BIN = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
REDIS = shutil.which("redis-server")
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


def wait_port(port: int, seconds: float = 20) -> None:
    """Wait until something accepts connections on 127.0.0.1:``port``."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def postgres_available() -> bool:
    """Return whether PostgreSQL's server binaries and the psycopg driver are installed."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return False
    return bool(POSTGRES_BIN)


class PostgreSQL:
    """A throw-away PostgreSQL cluster: ``url(database)`` gives a ``postgresql://`` address."""

    def __init__(self):
        self.bin = Path(POSTGRES_BIN[-1])
        # Not under pytest's tmp folders: they are private to root, and postgres must enter.
        folder = Path(tempfile.mkdtemp(prefix="barometre-pg-"))
        self.folder = folder
        self.data = folder / "pgdata"
        self.port = free_port()
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            shutil.chown(folder, "postgres", "postgres")
        self._run(
            str(self.bin / "initdb"),
            "-D",
            str(self.data),
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        self.start()

    def _run(self, *command: str) -> None:
        subprocess.run(  # noqa: S603
            [*self.as_user, *command], check=True, capture_output=True, cwd=self.folder
        )

    def start(self) -> None:
        """Start (or restart) the server and wait until it accepts connections."""
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
            " -c synchronous_commit=off -c full_page_writes=off -c max_connections=100"
        )
        self._run(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.folder / "postgres.log"),
            "-w",
            "start",
        )

    def stop(self) -> None:
        """Stop the server (fast shutdown: open connections are cut)."""
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        """Stop the server if it runs, and delete its folder."""
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """Create an empty database and return its URL."""
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


class Redis:
    """A redis-server without persistence."""

    def __init__(self, folder: Path):
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603
            [
                REDIS,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_port(self.port)

    def stop(self) -> None:
        if self.process is not None:
            terminate(self.process)
            self.process = None


class Nginx:
    """nginx run from a generated configuration in its own prefix folder."""

    def __init__(self, folder: Path, config: str):
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "logs").mkdir(exist_ok=True)
        self.folder = folder
        self.config = folder / "nginx.conf"
        self.config.write_text(config, encoding="utf-8")
        self.process = subprocess.Popen(  # noqa: S603
            [
                NGINX,
                "-p",
                str(folder),
                "-c",
                str(self.config),
                "-e",
                str(folder / "logs/error.log"),
                "-g",
                "daemon off; master_process on;",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )

    def stop(self) -> None:
        terminate(self.process)
