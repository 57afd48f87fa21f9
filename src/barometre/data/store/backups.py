"""Backups and restorations of the store: SQLite's online backup API, or PostgreSQL's tools.

SQLite: a backup is one consistent state of the live file while writers keep writing; a
restoration writes a backup back into the live file through the same API, in one step, so that
readers see the old state or the restored one, never a mix, and no file is swapped under open
connections (a swap could leave a stale ``-wal`` beside the new file).

PostgreSQL: ``pg_dump --format=custom`` (one snapshot, writers keep writing) and ``pg_restore
--clean --single-transaction`` (readers see the old state or the dumped one). The archive's
schema and data versions are read from it before anything is restored.

Either way, the restored store's data version is set above any version already served, so that
no cache, ETag or ``304`` answers with what was there before, and the log of backups and
restorations goes on from the live store's.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import urllib.parse
from contextlib import closing, suppress
from pathlib import Path

import pandas as pd

from barometre.data.store.dialects import PostgreSQLDialect, SQLiteDialect
from barometre.data.store.errors import StoreError
from barometre.data.store.schema import SCHEMA_VERSION
from barometre.data.store.updates import UpdateLog, _now

# One line of the log, on the store's connection or on a staged copy (both take ``?``).
# The longest a pg_dump or pg_restore may take.
PG_TOOL_SECONDS = 3600
LOG_OPERATION = (
    "INSERT INTO operations (at, kind, file, checksum, data_version) VALUES (?, ?, ?, ?, ?)"
)


class BackupError(StoreError):
    """A backup file that cannot be restored (not a Baromètre store, damaged, other schema)."""


HISTORY = "SELECT id, at, kind, file, checksum, data_version FROM operations"
RESTORE_HISTORY = (
    "INSERT INTO operations (id, at, kind, file, checksum, data_version) VALUES (?, ?, ?, ?, ?, ?)"
)
SET_VERSION = "UPDATE meta SET value = ? WHERE key = 'data_version'"


class Backups(UpdateLog):
    """Copy the live store out, write a copy back in, and log both."""

    def backup_into(self, target: Path) -> int:
        """Copy the live store into the new file ``target``; return its data version."""
        if isinstance(self.dialect, PostgreSQLDialect):
            _pg_run([_pg_tool("pg_dump"), "--format=custom", f"--file={target}"], self.dialect.url)
            return int(_dumped(target)["data_version"])
        with self._driver_errors():
            source = self._connection()
        try:
            with closing(sqlite3.connect(target)) as copy:
                source.backup(copy)
                return int(_meta(copy, "data_version"))
        except sqlite3.Error as error:
            raise SQLiteDialect(f"sqlite:///{target}").disk_error(error) or StoreError(
                f"Sauvegarde impossible dans {target} : {error}"
            ) from None

    def restore_from(self, backup: Path, checksum: str) -> int:
        """Write the backup file ``backup`` into the live store; return the new data version.

        The backup is first copied into a staging file beside the store (on the same disk),
        checked, given its new version and its log line; then written into the live store in one
        step. A failure at any point leaves the live store as it was.
        """
        dialect = self.dialect
        if isinstance(dialect, PostgreSQLDialect):
            return self._restore_postgresql(dialect, backup, checksum)
        staging = dialect.path.parent / f".restauration-{os.getpid()}.sqlite3"
        try:
            return self._restore_through(backup, staging, checksum)
        finally:
            for suffix in ("", "-journal", "-wal", "-shm"):
                with suppress(OSError):
                    staging.with_name(staging.name + suffix).unlink(missing_ok=True)

    def _restore_through(self, backup: Path, staging: Path, checksum: str) -> int:
        served = self.data_version()
        schema = int(self._scalar(SCHEMA_VERSION))
        # The log of backups and restorations is the live store's history, not the backup's:
        # it goes on in the restored store (the backup's own line was written after its copy).
        history = self._read(HISTORY)
        # Immutable: read as it is, without locks or the -wal and -shm files SQLite would make
        # beside a backup in WAL mode (the backup is never written to).
        address = f"file:{urllib.parse.quote(str(backup))}?mode=ro&immutable=1"
        try:
            with closing(sqlite3.connect(address, uri=True)) as source:
                _check(source, backup, schema)
                with closing(sqlite3.connect(staging)) as staged:
                    source.backup(staged)
                    version = max(served, int(_meta(staged, "data_version"))) + 1
                    staged.execute(SET_VERSION, (str(version),))
                    staged.execute("DELETE FROM operations")
                    staged.executemany(RESTORE_HISTORY, history.itertuples(index=False, name=None))
                    staged.execute(
                        LOG_OPERATION, (_now(), "restauration", str(backup), checksum, version)
                    )
                    staged.commit()
                    with self._driver_errors():
                        live = self._connection()
                    staged.backup(live)
        except sqlite3.Error as error:
            disk = SQLiteDialect(f"sqlite:///{staging}").disk_error(error)
            raise disk or StoreError(f"Restauration impossible : {error}") from None
        return version

    def _restore_postgresql(self, dialect: PostgreSQLDialect, backup: Path, checksum: str) -> int:
        dumped = _dumped(backup)
        schema = int(self._scalar(SCHEMA_VERSION))
        if int(dumped.get("schema_version", 0)) != schema:
            raise BackupError(
                f"{backup} est une base de schéma {dumped.get('schema_version', 'inconnu')}, la "
                f"base en service est de schéma {schema} : restaurez une sauvegarde faite par "
                "cette version du Baromètre. Rien n'a été restauré."
            )
        served = self.data_version()
        history = self._read(HISTORY)
        _pg_run(
            [
                _pg_tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--single-transaction",
                "--no-owner",
                str(backup),
            ],
            dialect.url,
        )
        # Until this commits, readers see the archive's own version: the data it was served
        # with, which no cache can mistake for another state.
        version = max(served, int(dumped["data_version"])) + 1
        with self._driver_errors(), self._transaction() as connection:
            connection.execute(dialect.prepare(SET_VERSION), (str(version),))
            connection.execute("DELETE FROM operations")
            connection.executemany(
                dialect.prepare(RESTORE_HISTORY), list(history.itertuples(index=False, name=None))
            )
            connection.execute(
                "SELECT setval(pg_get_serial_sequence('operations', 'id'),"
                " (SELECT COALESCE(MAX(id), 0) + 1 FROM operations), false)"
            )
            connection.execute(
                dialect.prepare(LOG_OPERATION),
                (_now(), "restauration", str(backup), checksum, version),
            )
        return version

    def record_backup(self, target: Path, checksum: str, version: int) -> None:
        """Log a backup written to ``target`` (its data unchanged: the version stays)."""
        with self._transaction() as connection:
            connection.execute(
                self.dialect.prepare(LOG_OPERATION),
                (_now(), "sauvegarde", str(target), checksum, version),
            )

    def operations(self, limit: int = 20) -> pd.DataFrame:
        """Return the most recent backups and restorations, newest first."""
        return self._read(HISTORY + " ORDER BY id DESC LIMIT ?", (limit,))


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise StoreError(
            f"{name} est introuvable : installez le client PostgreSQL de la version du serveur "
            "(Debian : paquet postgresql-client)."
        )
    return found


def _pg_run(command: list[str], url: str = "") -> str:
    """Run a PostgreSQL tool (on the database ``url``); return what it printed, or raise with
    what it said last.

    The password goes in the tool's environment, never on its command line (which every local
    user can read); the tool never waits for a password typed in, nor longer than an hour.
    """
    environment = dict(os.environ)
    if url:
        # psycopg is installed with PostgreSQL support only (the « postgresql » extra).
        from psycopg.conninfo import conninfo_to_dict, make_conninfo

        parameters = conninfo_to_dict(url)
        password = parameters.pop("password", None)
        if password:
            environment["PGPASSWORD"] = str(password)
        command = [*command, "--no-password", f"--dbname={make_conninfo(**parameters)}"]
    try:
        finished = subprocess.run(  # noqa: S603 - our own command line, no shell
            command,
            capture_output=True,
            text=True,
            check=False,
            stdin=subprocess.DEVNULL,
            env=environment,
            timeout=PG_TOOL_SECONDS,
        )
    except subprocess.TimeoutExpired:
        raise BackupError(
            f"{Path(command[0]).name} n'a pas fini en {PG_TOOL_SECONDS // 60} minutes : rien n'a "
            "été restauré ni sauvegardé de façon sûre ; vérifiez le serveur PostgreSQL."
        ) from None
    if finished.returncode:
        said = finished.stderr.strip().splitlines() or [f"code de sortie {finished.returncode}"]
        raise BackupError(f"{Path(command[0]).name} a échoué : {said[-1]}")
    return finished.stdout


def _dumped(archive: Path) -> dict[str, str]:
    """Return the data and schema versions of a ``pg_dump`` archive, read without restoring it."""
    script = _pg_run(
        [
            _pg_tool("pg_restore"),
            "--data-only",
            "--table=meta",
            "--table=schema_migrations",
            "--file=-",
            str(archive),
        ]
    )
    values: dict[str, str] = {}
    table = None
    for line in script.splitlines():
        if line.startswith("COPY "):
            table = line.split()[1].rsplit(".", 1)[-1]
        elif line == "\\.":
            table = None
        elif table == "meta":
            key, value = line.split("\t")[:2]
            values[key] = value
        elif table == "schema_migrations":
            version = line.split("\t")[0]
            values["schema_version"] = str(max(int(version), int(values.get("schema_version", 0))))
    if "data_version" not in values:
        raise BackupError(
            f"{archive} n'est pas une sauvegarde du Baromètre (aucune version des données). Rien "
            "n'a été restauré."
        )
    return values


def _meta(connection: sqlite3.Connection, key: str) -> str:
    row = connection.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else "0"


def _check(source: sqlite3.Connection, path: Path, schema: int) -> None:
    """Raise BackupError unless ``source`` is an intact store of schema ``schema``."""
    try:
        intact = source.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        tables = {row[0] for row in source.execute("SELECT name FROM sqlite_master")}
    except sqlite3.DatabaseError:
        intact, tables = False, set()
    if not intact or not {"meta", "observations", "schema_migrations"} <= tables:
        raise BackupError(
            f"{path} n'est pas une sauvegarde intacte d'une base du Baromètre. Rien n'a été "
            "restauré : la base en service est intacte."
        )
    found = source.execute(SCHEMA_VERSION).fetchone()[0]
    if found != schema:
        raise BackupError(
            f"{path} a le schéma n° {found}, la base en service le n° {schema} : restaurez-la "
            "avec la version du Baromètre qui l'a écrite, ou mettez la base en service au même "
            "schéma (barometre init). Rien n'a été restauré."
        )
