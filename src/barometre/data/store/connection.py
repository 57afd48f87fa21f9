"""One connection per thread and process, reads under a time limit, transactions, snapshots.

Every other part of the store reaches the database through ``_read``, ``_scalar``,
``_transaction`` and ``snapshot`` here, so that driver errors, time limits and a moved file are
handled in one place.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress

import pandas as pd

from barometre.data.store.dialects import READ_SNAPSHOT, dialect_for
from barometre.data.store.errors import QueryTimeout, StoreError

# An open SQLite connection keeps reading a file that was moved, deleted or replaced: each thread
# looks at the path again (one stat) at most this often, and reopens or fails when it changed.
FILE_CHECK_SECONDS = 1.0


class Connections:
    """The store's access to its database: the base every part of ``Store`` builds on."""

    def __init__(self, url: str, read_timeout_ms: int = 5000):
        self.url = url
        self.dialect = dialect_for(url)
        self.read_timeout_ms = read_timeout_ms
        self._local = threading.local()

    def _connection(self, create: bool = False):
        # One connection per thread and per process: gunicorn forks workers after import, and a
        # SQLite connection must never cross a fork.
        owner = (os.getpid(), threading.get_ident())
        if getattr(self._local, "owner", None) == owner and not self._file_changed():
            return self._local.connection
        if not create:
            self.dialect.identity()  # a missing file is the operator's message, not a new file
        try:
            self._local.connection = self.dialect.connect(self.read_timeout_ms, create=create)
        except self.dialect.errors() as error:
            # On a read-only disk SQLite cannot even open a WAL database to read it.
            raise self.dialect.disk_error(error) or StoreError(
                f"La base de données est injoignable : {error}"
            ) from None
        self._local.owner = owner
        self._local.identity = self.dialect.identity()
        self._local.checked = time.monotonic()
        return self._local.connection

    def _file_changed(self) -> bool:
        # Never inside a snapshot or a write: the block must end on the connection it began on.
        if getattr(self._local, "snapshot", False) or getattr(self._local, "writing", False):
            return False
        if self._local.identity is None or time.monotonic() - self._local.checked < (
            FILE_CHECK_SECONDS
        ):
            return False
        self._local.checked = time.monotonic()
        try:
            same = self.dialect.identity() == self._local.identity
        except StoreError:
            same = False
        if not same:
            self._forget_connection()
        return not same

    def _forget_connection(self) -> None:
        # After a driver error the connection may be dead (server restarted, file moved): the
        # next call opens a new one, so that service comes back by itself.
        connection = getattr(self._local, "connection", None)
        self._local.connection = None
        self._local.owner = None
        if connection is not None:
            with suppress(Exception):  # already broken: nothing to save
                connection.close()

    @contextmanager
    def _driver_errors(self) -> Iterator[None]:
        # Driver exceptions become StoreError (an operator's message; a 503 for the public).
        try:
            yield
        except StoreError:
            raise
        except self.dialect.errors() as error:
            if self.dialect.is_timeout(error):
                raise QueryTimeout("La requête a dépassé la durée maximale autorisée.") from None
            self._forget_connection()
            raise StoreError(f"Erreur de la base de données : {error}") from error

    def close(self) -> None:
        """Close this thread's connection, if any."""
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
            self._local.connection = None
            self._local.owner = None

    @contextmanager
    def _deadline(self, connection) -> Iterator[None]:
        # Interrupt a read that runs too long instead of letting one request hold a worker.
        if not isinstance(connection, sqlite3.Connection):
            yield
            return
        limit = time.monotonic() + self.read_timeout_ms / 1000
        connection.set_progress_handler(lambda: int(time.monotonic() > limit), 10_000)
        try:
            yield
        except sqlite3.OperationalError as error:
            if "interrupted" in str(error):
                raise QueryTimeout("La requête a dépassé la durée maximale autorisée.") from None
            raise
        finally:
            connection.set_progress_handler(None, 0)

    def _read(self, sql: str, params: Sequence = ()) -> pd.DataFrame:
        with self._driver_errors():
            connection = self._connection()
            with self._deadline(connection):
                cursor = connection.execute(self.dialect.prepare(sql), tuple(params))
                columns = [d[0] for d in cursor.description]
                return pd.DataFrame(cursor.fetchall(), columns=columns)

    def _scalar(self, sql: str, params: Sequence = ()):
        with self._driver_errors():
            connection = self._connection()
            row = connection.execute(self.dialect.prepare(sql), tuple(params)).fetchone()
        return None if row is None else row[0]

    @contextmanager
    def _transaction(self) -> Iterator:
        connection = self._connection()
        self._local.writing = True
        try:
            self.dialect.begin_write(connection)
            yield connection
            connection.commit()
        except BaseException as error:
            # A full disk may already have ended the transaction: the rollback is best effort.
            with suppress(*self.dialect.errors()):
                connection.rollback()
            disk = self.dialect.disk_error(error) if isinstance(error, Exception) else None
            if disk is not None:
                self._forget_connection()
                raise disk from None
            raise
        finally:
            self._local.writing = False

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Run every read of the block on one state of the data (one read-only transaction).

        A page computes several queries (series, then each breakdown); without this, a load that
        commits between two of them would give a page whose total is old and breakdown new.
        Nested blocks share the outer snapshot.
        """
        if getattr(self._local, "snapshot", False):
            yield
            return
        connection = self._connection()
        connection.execute(READ_SNAPSHOT.get(self.dialect.name, "BEGIN"))
        self._local.snapshot = True
        try:
            yield
        finally:
            self._local.snapshot = False
            connection.execute("ROLLBACK")  # nothing was written: ending the snapshot is enough
