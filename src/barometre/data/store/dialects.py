"""What differs between SQL engines: connection, placeholders, period arithmetic, locks, errors.

A PostgreSQL backend is one more dialect here; the SQL of the other modules stays the same.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import urllib.parse
from collections.abc import Sequence
from pathlib import Path

from barometre.data.store.errors import FULL, READ_ONLY, DiskError, StoreError

# How each engine opens a read transaction that sees one state of the data throughout (SQLite in
# WAL mode keeps its snapshot from the first read; PostgreSQL needs REPEATABLE READ for that).
READ_SNAPSHOT = {"sqlite": "BEGIN", "postgresql": "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"}

# Where a load's rows land first, to be compared with the public state in SQL.
INCOMING_TABLE = (
    "CREATE TEMPORARY TABLE IF NOT EXISTS incoming_observations"
    " (indicator TEXT, dimension TEXT, member TEXT, date TEXT,"
    " value DOUBLE PRECISION, weight DOUBLE PRECISION,"
    " PRIMARY KEY (indicator, dimension, member, date))"
)


class SQLiteDialect:
    """SQLite: one file, WAL journal so that readers never wait for a writer."""

    name = "sqlite"

    def __init__(self, url: str):
        path = url.removeprefix("sqlite:///")
        if not url.startswith("sqlite:///") or not path:
            raise StoreError(
                f"Adresse de base SQLite invalide : {url!r} (attendu sqlite:///chemin)."
            )
        self.path = Path(path)

    def connect(self, read_timeout_ms: int, create: bool = False) -> sqlite3.Connection:
        """Open a connection tuned for many readers and one writer at a time.

        Only ``create`` (``barometre init``) makes a missing file: anything else that created an
        empty database beside a moved one would let its journal be replayed into the file moved
        back.
        """
        if not self.path.parent.exists():
            raise StoreError(f"Le dossier de la base {self.path.parent} n'existe pas.")
        address = f"file:{urllib.parse.quote(str(self.path))}?mode={'rwc' if create else 'rw'}"
        connection = sqlite3.connect(address, uri=True, timeout=30, isolation_level=None)
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = NORMAL")
        connection.execute("PRAGMA foreign_keys = ON")
        connection.execute("PRAGMA mmap_size = 268435456")
        connection.execute("PRAGMA cache_size = -32000")
        return connection

    def identity(self) -> tuple[int, int]:
        """Return the file's (device, inode); StoreError if it is gone or cannot be read."""
        # Never open (and so close) the file here: closing any descriptor of the database file
        # drops every POSIX lock this process holds on it, SQLite's included; another process
        # could then take itself for the last reader and reset the WAL under our connections
        # (sqlite.org/howtocorrupt.html, 2.2). A stat, and the permission bits, say enough.
        try:
            status = os.stat(self.path)
            if not os.access(self.path, os.R_OK):
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))
        except OSError as error:
            raise StoreError(
                f"La base {self.path} est inaccessible ({error.strerror}) : remettez le fichier en "
                "place ou lancez « barometre init »."
            ) from None
        return status.st_dev, status.st_ino

    def disk_error(self, error: Exception) -> DiskError | None:
        """Return the DiskError behind a failed write (full or read-only disk), if it is one."""
        code = getattr(error, "sqlite_errorcode", None)
        if code == sqlite3.SQLITE_FULL:
            return DiskError(FULL, str(self.path.parent))
        if code is not None and code & 0xFF == sqlite3.SQLITE_READONLY:
            return DiskError(READ_ONLY, str(self.path.parent))
        if code is not None and code & 0xFF in (sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN):
            # The journal could not be written: the filesystem says why.
            probe = self.path.parent / f".{self.path.name}.ecriture"
            try:
                probe.touch()
                probe.unlink()
            except OSError as os_error:
                return DiskError.from_os_error(os_error, self.path.parent)
        return None

    def prepare(self, sql: str) -> str:
        """Return ``sql`` with this engine's placeholders (SQLite takes ``?`` as written)."""
        return sql

    def period(self, granularity: str, column: str = "date") -> str:
        """Return an SQL expression giving the first day (ISO text) of the period of ``column``."""
        return {
            "jour": column,
            # strftime('%w') is 0 on Sunday: step back to the Monday of the ISO week.
            "semaine": f"date({column}, '-' ||"
            f" ((CAST(strftime('%w', {column}) AS INTEGER) + 6) % 7)"
            " || ' days')",
            "mois": f"substr({column}, 1, 7) || '-01'",
            "annee": f"substr({column}, 1, 4) || '-01-01'",
        }[granularity]

    def begin_write(self, connection) -> None:
        """Start a write transaction that takes the write lock at once."""
        connection.execute("BEGIN IMMEDIATE")

    def write_incoming(self, connection, rows) -> None:
        """Add rows (indicator, dimension, member, date, value, weight) to the temporary table
        ``incoming_observations`` (created if needed; the caller empties it)."""
        connection.execute(INCOMING_TABLE)
        connection.executemany(
            "INSERT INTO incoming_observations (indicator, dimension, member, date, value,"
            " weight) VALUES (?, ?, ?, ?, ?, ?)",
            rows,
        )

    def has_table(self, connection, name: str) -> bool:
        """Return whether the table ``name`` exists."""
        row = connection.execute(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
        ).fetchone()
        return bool(row[0])

    def errors(self) -> tuple[type[Exception], ...]:
        """Return the driver's exception classes, turned into ``StoreError`` by the store."""
        return (sqlite3.Error,)

    def is_timeout(self, error: Exception) -> bool:
        """Return whether ``error`` is a read interrupted by the time limit."""
        return "interrupted" in str(error)


class _PostgreSQLConnection:
    """A psycopg connection with the small DB-API surface the store uses (``executemany``)."""

    def __init__(self, connection):
        self.raw = connection

    def execute(self, sql: str, params: Sequence | None = None):
        return self.raw.execute(sql, params)

    def executemany(self, sql: str, rows) -> None:
        with self.raw.cursor() as cursor:
            cursor.executemany(sql, rows)

    def commit(self) -> None:
        self.raw.execute("COMMIT")

    def rollback(self) -> None:
        if not self.raw.closed:
            self.raw.execute("ROLLBACK")

    def close(self) -> None:
        self.raw.close()


class PostgreSQLDialect:
    """PostgreSQL (psycopg 3): several app instances share one server.

    Connections are in autocommit mode and writes open explicit transactions; every write
    transaction takes one advisory lock, so that concurrent ingestions run one after the other
    (as SQLite's ``BEGIN IMMEDIATE`` does) while readers never wait.
    """

    name = "postgresql"
    # Any fixed number: the lock key shared by every writer of this database.
    WRITE_LOCK = 4_242_001

    def __init__(self, url: str):
        try:
            import psycopg  # noqa: F401
        except ImportError:
            raise StoreError(
                "Le pilote PostgreSQL n'est pas installé : pip install 'barometre[postgresql]'."
            ) from None
        self.url = url

    def connect(self, read_timeout_ms: int, create: bool = False) -> _PostgreSQLConnection:
        """Open an autocommit connection whose statements stop after ``read_timeout_ms``."""
        import psycopg

        connection = psycopg.connect(
            self.url,
            autocommit=True,
            # A server that does not answer must fail a request quickly, not hang a worker.
            connect_timeout=3,
            options=f"-c statement_timeout={int(read_timeout_ms)}",
            application_name="barometre",
        )
        return _PostgreSQLConnection(connection)

    def identity(self) -> None:
        """Return nothing: a server has no file to watch (a stopped one fails on the query)."""
        return None

    def disk_error(self, error: Exception) -> DiskError | None:
        """Return the DiskError behind a failed write (the server's disk full or read-only)."""
        problem = {"53100": FULL, "25006": READ_ONLY}.get(getattr(error, "sqlstate", ""))
        return DiskError(problem, "le serveur PostgreSQL") if problem else None

    def prepare(self, sql: str) -> str:
        """Return ``sql`` with psycopg's ``%s`` placeholders (and literal ``%`` doubled)."""
        return sql.replace("%", "%%").replace("?", "%s")

    def period(self, granularity: str, column: str = "date") -> str:
        """Return an SQL expression giving the first day (ISO text) of the period of ``column``."""
        return {
            "jour": column,
            # date_trunc('week') goes back to the Monday of the ISO week.
            "semaine": f"to_char(date_trunc('week', {column}::date), 'YYYY-MM-DD')",
            "mois": f"substr({column}, 1, 7) || '-01'",
            "annee": f"substr({column}, 1, 4) || '-01-01'",
        }[granularity]

    def begin_write(self, connection) -> None:
        """Start a write transaction holding the database's write lock, with no time limit."""
        connection.execute("BEGIN")
        connection.execute("SET LOCAL statement_timeout = 0")
        connection.execute(f"SELECT pg_advisory_xact_lock({self.WRITE_LOCK})")

    def write_incoming(self, connection, rows) -> None:
        """Add rows to the temporary table ``incoming_observations``, with COPY.

        Row-by-row inserts pay a round trip per row, far too slow for the demo's rows; COPY
        streams them all at once (docs/performance.md).
        """
        connection.execute(INCOMING_TABLE + " ON COMMIT DROP")
        with (
            connection.raw.cursor() as cursor,
            cursor.copy(
                "COPY incoming_observations (indicator, dimension, member, date, value, weight)"
                " FROM STDIN"
            ) as copy,
        ):
            for row in rows:
                copy.write_row(row)

    def has_table(self, connection, name: str) -> bool:
        """Return whether the table ``name`` exists in the connection's schema."""
        row = connection.execute("SELECT to_regclass(%s) IS NOT NULL", (name,)).fetchone()
        return bool(row[0])

    def errors(self) -> tuple[type[Exception], ...]:
        """Return the driver's exception classes, turned into ``StoreError`` by the store."""
        import psycopg

        return (psycopg.Error,)

    def is_timeout(self, error: Exception) -> bool:
        """Return whether ``error`` is a statement cancelled by ``statement_timeout``."""
        import psycopg

        return isinstance(error, psycopg.errors.QueryCanceled)


DIALECTS = {"sqlite": SQLiteDialect, "postgresql": PostgreSQLDialect}


def dialect_for(url: str):
    """Return the dialect object for a database URL."""
    scheme = url.split(":", 1)[0]
    if scheme == "postgres":
        scheme = "postgresql"
    if scheme not in DIALECTS:
        raise StoreError(
            f"Base de données non prise en charge : {scheme!r}. "
            f"BAROMETRE_DATABASE_URL doit commencer par {', '.join(s + ':' for s in DIALECTS)}."
        )
    return DIALECTS[scheme](url)
