"""A full or read-only disk under ``barometre ingest``, on a real small filesystem: a French
failure that says what, where and how to fix, nothing lost, the file kept, and a retry that
succeeds once the disk is fixed.

The data folder is a real 2 MiB tmpfs, filled up or remounted read-only with ``mount``: chmod
would not do, since the tests run as root. Mounting needs root with CAP_SYS_ADMIN, as CI runs the
tests: under CI=true, not being able to mount is a failure. Elsewhere (a developer's account, a
container without the capability), SQLite itself refuses the writes instead: a page limit
(``PRAGMA max_page_count``) for a full disk, a read-only opening (``mode=ro``) for a read-only one,
with the command run in-process so that its connections can be made so.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import IN_CI

from barometre.cli import main
from barometre.data.store import SQLiteDialect

pytestmark = pytest.mark.slow

FIRST_DAYS, BIG_DAYS = 30, 2000  # 90 rows, then 6 000 rows: about 1 MiB once in SQLite


def observations_csv(year: int, days: int) -> str:
    """Return a project CSV of an indicator's national total and its breakdown, day by day."""
    lines = ["indicateur,date,ventilation,membre,valeur"]
    for day in range(days):
        date = dt.date(year, 1, 1) + dt.timedelta(days=day)
        lines += [
            f"pre-plainte-en-ligne,{date},,,{120 + day % 7}",
            f"pre-plainte-en-ligne,{date},type-personne,personne-physique,{100 + day % 7}",
            f"pre-plainte-en-ligne,{date},type-personne,personne-morale,20",
        ]
    return "\n".join(lines) + "\n"


class SmallDisk:
    """A tmpfs mounted on ``path``, that the test fills up or makes read-only, then repairs."""

    def __init__(self, path: Path):
        self.path = path
        self.filler = path / "remplissage"

    def mount(self) -> bool:
        """Mount the tmpfs; return whether this machine allowed it."""
        try:
            mounted = subprocess.run(  # noqa: S603
                ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(self.path)],  # noqa: S607
                capture_output=True,
            )
        except FileNotFoundError:
            return False
        return mounted.returncode == 0

    def run(self, *args: str) -> subprocess.CompletedProcess:
        """Run the real ``barometre`` command, as cron or an operator does."""
        return subprocess.run(  # noqa: S603
            [sys.executable, "-m", "barometre", *args],
            env={**os.environ, "BAROMETRE_DATA_DIR": str(self.path), "BAROMETRE_DATABASE_URL": ""},
            capture_output=True,
            text=True,
            timeout=120,
        )

    def _remount(self, mode: str) -> None:
        remount = ["mount", "-o", f"remount,{mode}", str(self.path)]
        subprocess.run(remount, check=True)  # noqa: S603, S607

    def break_(self, fault: str) -> None:
        if fault == "plein":
            # Leave 48 KiB: enough to start a write, not enough to finish it.
            free = os.statvfs(self.path).f_bavail * os.statvfs(self.path).f_frsize
            self.filler.write_bytes(b"\0" * (free - 48 * 1024))
        else:
            self._remount("ro")

    def repair(self, fault: str) -> None:
        if fault == "plein":
            self.filler.unlink()
        else:
            self._remount("rw")

    def unmount(self) -> None:
        subprocess.run(["umount", "-l", str(self.path)], check=False)  # noqa: S603, S607


class RefusingSQLite:
    """Where mounting is not allowed: SQLite refuses writes as a full or read-only disk would."""

    def __init__(self, path: Path, monkeypatch):
        self.path = path
        self.fault: str | None = None
        connect = SQLiteDialect.connect

        def refusing(dialect, read_timeout_ms, create=False):
            if self.fault == "lecture seule":
                address = f"file:{dialect.path}?mode=ro"
                return sqlite3.connect(address, uri=True, isolation_level=None)
            connection = connect(dialect, read_timeout_ms, create)
            if self.fault == "plein":
                pages = connection.execute("PRAGMA page_count").fetchone()[0]
                connection.execute(f"PRAGMA max_page_count = {pages + 1}")
            return connection

        monkeypatch.setattr(SQLiteDialect, "connect", refusing)

    def break_(self, fault: str) -> None:
        self.fault = fault

    def repair(self, fault: str) -> None:
        self.fault = None

    def run(self, *args: str) -> subprocess.CompletedProcess:
        """Run the ``barometre`` command in this process, where its connections refuse writes."""
        env = {"BAROMETRE_DATA_DIR": str(self.path), "BAROMETRE_DATABASE_URL": ""}
        result = CliRunner().invoke(main, list(args), env=env)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception  # what a user would have seen as a traceback
        return subprocess.CompletedProcess(args, result.exit_code, result.stdout, result.stderr)


@pytest.fixture
def disk(tmp_path, monkeypatch):
    path = tmp_path / "disque"
    path.mkdir()
    small = SmallDisk(path)
    if small.mount():
        yield small
        small.unmount()
        return
    if IN_CI:
        pytest.fail("CI (CI=true) doit pouvoir monter un tmpfs (root avec CAP_SYS_ADMIN).")
    yield RefusingSQLite(path, monkeypatch)


def contents(data_dir: Path) -> tuple:
    """Return the observations, data version and update count, read straight from SQLite."""
    # closing(): a connection left open keeps files open for writing, and remount,ro refuses.
    with closing(sqlite3.connect(data_dir / "barometre.sqlite3")) as connection:
        rows = connection.execute("SELECT * FROM observations ORDER BY 1, 2, 3, 4").fetchall()
        version = connection.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchone()
        updates = connection.execute("SELECT COUNT(*) FROM updates").fetchone()
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    return rows, version, updates


@pytest.mark.parametrize("mode", ["fichier", "dossier"])
@pytest.mark.parametrize(
    "fault, explanation",
    [
        ("plein", "disque plein : libérez de la place sur {disk} puis relancez barometre ingest"),
        ("lecture seule", "disque en lecture seule : {disk} n'accepte aucune écriture ; remontez"),
    ],
)
def test_a_broken_disk_fails_cleanly_and_the_retry_succeeds(
    disk, tmp_path, fault, explanation, mode
):
    assert disk.run("init").returncode == 0
    first = tmp_path / "premier.csv"
    first.write_text(observations_csv(2019, FIRST_DAYS), encoding="utf-8")
    assert disk.run("ingest", "--publier", str(first)).returncode == 0
    before = contents(disk.path)
    drop = tmp_path / "depot"
    drop.mkdir()
    incoming = drop / "observations.csv"
    incoming.write_text(observations_csv(2020, BIG_DAYS), encoding="utf-8")
    digest = hashlib.sha256(incoming.read_bytes()).hexdigest()
    command = (
        ["ingest", "--dossier", str(drop)]
        if mode == "dossier"
        else ["ingest", "--publier", str(incoming)]
    )

    disk.break_(fault)
    try:
        failed = disk.run(*command)
    finally:
        disk.repair(fault)

    assert failed.returncode != 0
    assert "Traceback" not in failed.stderr + failed.stdout
    assert f"Erreur : {explanation.format(disk=disk.path)}" in failed.stderr
    assert "les données déjà chargées sont intactes" in failed.stderr
    events = [json.loads(line) for line in failed.stderr.splitlines() if line.startswith("{")]
    assert [(e["niveau"], e["evenement"], e["emplacement"]) for e in events] == [
        ("ERROR", "ingestion_impossible", str(disk.path))
    ]
    assert "trace" not in events[0]
    # Nothing lost: the same rows, data version and update log; the file untouched, in place.
    assert contents(disk.path) == before
    assert incoming.exists() and not (drop / "traités").exists()
    assert hashlib.sha256(incoming.read_bytes()).hexdigest() == digest

    # What the failed write left behind (journal, WAL) does not stand in the way of the retry.
    retried = disk.run(*command)
    assert retried.returncode == 0, retried.stderr
    rows, version, updates = contents(disk.path)
    assert len(rows) == len(before[0]) + 3 * BIG_DAYS
    assert int(version[0]) == int(before[1][0]) + 1 and updates[0] == before[2][0] + 1
    assert (drop / "traités" / incoming.name).exists() == (mode == "dossier")
