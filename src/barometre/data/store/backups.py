"""Backups and restorations of a SQLite store, through SQLite's online backup API.

A backup is one consistent state of the live file while writers keep writing; a restoration
writes a backup back into the live file through the same API, in one step, so that readers see
the old state or the restored one, never a mix, and no file is swapped under open connections
(a swap could leave a stale ``-wal`` beside the new file). The restored store's data version is
set above any version already served, so that no cache, ETag or ``304`` answers with what was
there before. PostgreSQL has its own tools (``pg_dump``, ``pg_restore``: docs/deploiement.md).
"""

from __future__ import annotations

import os
import sqlite3
import urllib.parse
from contextlib import closing, suppress
from pathlib import Path

import pandas as pd

from barometre.data.store.dialects import SQLiteDialect
from barometre.data.store.errors import StoreError
from barometre.data.store.schema import SCHEMA_VERSION
from barometre.data.store.updates import UpdateLog, _now

# One line of the log, on the store's connection or on a staged copy (both take ``?``).
LOG_OPERATION = (
    "INSERT INTO operations (at, kind, file, checksum, data_version) VALUES (?, ?, ?, ?, ?)"
)


class BackupError(StoreError):
    """A backup file that cannot be restored (not a Baromètre store, damaged, other schema)."""


class Backups(UpdateLog):
    """Copy the live SQLite file out, write a copy back in, and log both."""

    def _sqlite_only(self, command: str) -> SQLiteDialect:
        if not isinstance(self.dialect, SQLiteDialect):
            raise StoreError(
                f"{command} ne traite qu'une base SQLite ; pour PostgreSQL, utilisez pg_dump et "
                "pg_restore (docs/deploiement.md)."
            )
        return self.dialect

    def backup_into(self, target: Path) -> int:
        """Copy the live store into the new SQLite file ``target``; return its data version."""
        self._sqlite_only("barometre sauvegarde")
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
        dialect = self._sqlite_only("barometre restauration")
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
        history = self._read("SELECT id, at, kind, file, checksum, data_version FROM operations")
        # Immutable: read as it is, without locks or the -wal and -shm files SQLite would make
        # beside a backup in WAL mode (the backup is never written to).
        address = f"file:{urllib.parse.quote(str(backup))}?mode=ro&immutable=1"
        try:
            with closing(sqlite3.connect(address, uri=True)) as source:
                _check(source, backup, schema)
                with closing(sqlite3.connect(staging)) as staged:
                    source.backup(staged)
                    version = max(served, int(_meta(staged, "data_version"))) + 1
                    staged.execute(
                        "UPDATE meta SET value = ? WHERE key = 'data_version'", (str(version),)
                    )
                    staged.execute("DELETE FROM operations")
                    staged.executemany(
                        "INSERT INTO operations (id, at, kind, file, checksum, data_version)"
                        " VALUES (?, ?, ?, ?, ?, ?)",
                        history.itertuples(index=False, name=None),
                    )
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

    def record_backup(self, target: Path, checksum: str, version: int) -> None:
        """Log a backup written to ``target`` (its data unchanged: the version stays)."""
        with self._transaction() as connection:
            connection.execute(
                self.dialect.prepare(LOG_OPERATION),
                (_now(), "sauvegarde", str(target), checksum, version),
            )

    def operations(self, limit: int = 20) -> pd.DataFrame:
        """Return the most recent backups and restorations, newest first."""
        return self._read(
            "SELECT id, at, kind, file, checksum, data_version FROM operations"
            " ORDER BY id DESC LIMIT ?",
            (limit,),
        )


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
