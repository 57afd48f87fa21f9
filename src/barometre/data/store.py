"""The store: the only module that speaks SQL. Reads return pandas DataFrames.

SQL is written once, in a portable subset (bound parameters, ``ON CONFLICT`` upserts, window
functions); what differs between engines (connection, placeholders, period arithmetic, migration
scripts) lives in a small ``Dialect`` class, so that a PostgreSQL backend is one more dialect and no
caller changes.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import sqlite3
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pandas as pd

from barometre.data.catalogue import Catalogue, Indicator

OBSERVATION_COLUMNS = ["indicator", "dimension", "member", "date", "value", "weight"]
WRITE_BATCH = 50_000


# How each engine opens a read transaction that sees one state of the data throughout (SQLite in
# WAL mode keeps its snapshot from the first read; PostgreSQL needs REPEATABLE READ for that).
READ_SNAPSHOT = {"sqlite": "BEGIN", "postgresql": "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"}

# An open SQLite connection keeps reading a file that was moved, deleted or replaced: each thread
# looks at the path again (one stat) at most this often, and reopens or fails when it changed.
FILE_CHECK_SECONDS = 1.0

FULL, READ_ONLY = "disque plein", "disque en lecture seule"


class StoreError(RuntimeError):
    """The store cannot be opened or queried; the message is meant for an operator."""


class QueryTimeout(StoreError):
    """A read query ran past the configured time limit and was interrupted."""


class DiskError(StoreError):
    """A write failed because the disk holding the data is full or read-only; nothing was written.

    ``problem`` is ``"disque plein"`` or ``"disque en lecture seule"``; ``where`` names the
    folder or the server.
    """

    def __init__(self, problem: str, where: str):
        self.problem = problem
        self.where = where
        super().__init__(self.advice("la commande"))

    def advice(self, command: str) -> str:
        """Return the French message: what happened, where, and how to fix it with ``command``."""
        if self.problem == FULL:
            fix = f"disque plein : libérez de la place sur {self.where} puis relancez {command}"
        else:
            fix = (
                f"disque en lecture seule : {self.where} n'accepte aucune écriture ; remontez-le "
                f"en lecture-écriture (ou changez BAROMETRE_DATA_DIR) puis relancez {command}"
            )
        return fix + ". Rien n'a été écrit : les données déjà chargées sont intactes."

    @classmethod
    def from_os_error(cls, error: OSError, where: Path | str) -> DiskError | None:
        """Return the DiskError for a full or read-only filesystem, ``None`` for other errors."""
        problem = {errno.ENOSPC: FULL, errno.EDQUOT: FULL, errno.EROFS: READ_ONLY}
        kind = problem.get(error.errno or 0)
        return cls(kind, str(where)) if kind else None


@dataclass(frozen=True)
class UpdateSummary:
    """What one write did to the store."""

    update_id: int
    added: int
    corrected: int
    unchanged: int
    data_version: int


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
        try:
            status = os.stat(self.path)
            with open(self.path, "rb"):  # as root, only a real failure to open says unreadable
                pass
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

    def write_observations(self, connection, upsert: str, rows) -> None:
        """Upsert observation rows with the prepared ``upsert`` statement."""
        connection.executemany(upsert, rows)

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

    def write_observations(self, connection, upsert: str, rows) -> None:
        """Upsert observation rows: COPY into a temporary table, then one INSERT … SELECT.

        Row-by-row upserts pay a round trip per row, far too slow for the demo's rows; COPY
        streams them all at once (docs/performance.md). ``upsert`` (the row-by-row statement) is
        not needed here.
        """
        connection.execute(
            "CREATE TEMPORARY TABLE IF NOT EXISTS incoming_observations"
            " (indicator TEXT, dimension TEXT, member TEXT, date TEXT,"
            " value DOUBLE PRECISION, weight DOUBLE PRECISION) ON COMMIT DROP"
        )
        with (
            connection.raw.cursor() as cursor,
            cursor.copy(
                "COPY incoming_observations (indicator, dimension, member, date, value, weight)"
                " FROM STDIN"
            ) as copy,
        ):
            for row in rows:
                copy.write_row(row)
        connection.execute(
            "INSERT INTO observations (indicator, dimension, member, date, value, weight)"
            " SELECT indicator, dimension, member, date, value, weight FROM incoming_observations"
            " ON CONFLICT (indicator, dimension, member, date)"
            " DO UPDATE SET value = excluded.value, weight = excluded.weight"
        )
        connection.execute("TRUNCATE incoming_observations")

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


class Store:
    """Read and write the Baromètre's observations, catalogue and update log."""

    def __init__(self, url: str, read_timeout_ms: int = 5000):
        self.url = url
        self.dialect = dialect_for(url)
        self.read_timeout_ms = read_timeout_ms
        self._local = threading.local()

    # -- connections -------------------------------------------------------------------------

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

    # -- schema ------------------------------------------------------------------------------

    def schema_version(self) -> int:
        """Return the number of the last migration applied (0 for an empty database)."""
        with self._driver_errors():
            if not self.dialect.has_table(self._connection(), "schema_migrations"):
                return 0
        return int(self._scalar("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"))

    def migrations(self) -> list[tuple[int, str]]:
        """Return the packaged migration scripts of this dialect, in order."""
        folder = resources.files("barometre.data") / "sql" / self.dialect.name
        scripts = sorted(p for p in folder.iterdir() if p.name.endswith(".sql"))
        return [(int(p.name.split("_", 1)[0]), p.read_text(encoding="utf-8")) for p in scripts]

    def init_schema(self) -> list[int]:
        """Create or migrate the schema; return the migrations applied (none if up to date)."""
        if isinstance(self.dialect, SQLiteDialect):
            self.dialect.path.parent.mkdir(parents=True, exist_ok=True)
        connection = self._connection(create=True)
        applied = []
        with self._transaction():
            connection.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations "
                "(version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)"
            )
        current = self.schema_version()
        for version, script in self.migrations():
            if version <= current:
                continue
            with self._transaction():
                for statement in _statements(script):
                    connection.execute(statement)
                connection.execute(
                    self.dialect.prepare(
                        "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)"
                    ),
                    (version, _now()),
                )
            applied.append(version)
        return applied

    def sync_catalogue(self, catalogue: Catalogue) -> None:
        """Write the catalogue's indicators into the store, replacing what was there."""
        rows = [
            (i.id, i.family, i.title, i.unit, i.aggregation, i.start.isoformat(), i.frequency)
            for i in catalogue.indicators
        ]
        with self._transaction() as connection:
            connection.execute("DELETE FROM indicators")
            connection.executemany(
                self.dialect.prepare(
                    "INSERT INTO indicators (id, family, title, unit, aggregation, start_date,"
                    " frequency) VALUES (?, ?, ?, ?, ?, ?, ?)"
                ),
                rows,
            )

    # -- facts about the data ----------------------------------------------------------------

    def data_version(self) -> int:
        """Return a number that changes with every committed write (0 before any data)."""
        try:
            value = self._scalar("SELECT value FROM meta WHERE key = 'data_version'")
        except QueryTimeout:
            raise
        except StoreError:
            with self._driver_errors():
                initialised = self.dialect.has_table(self._connection(), "meta")
            if not initialised:
                raise StoreError(
                    "Base non initialisée (pas de table meta) : lancez « barometre init »."
                ) from None
            raise
        return int(value or 0)

    def content(self) -> str:
        """Return what the store holds: 'vide', 'demo' or 'reel'."""
        return str(self._scalar("SELECT value FROM meta WHERE key = 'content'") or "vide")

    def is_demo(self) -> bool:
        """Return whether the observations shown are (at least partly) demo data."""
        return self.content() == "demo"

    def last_update(self) -> str | None:
        """Return the ISO timestamp of the last committed write, or ``None``."""
        return self._scalar("SELECT MAX(at) FROM updates")

    def last_update_of(self, indicator_id: str) -> str | None:
        """Return the ISO timestamp of the last committed write that touched an indicator."""
        return self._scalar(
            "SELECT MAX(at) FROM updates WHERE ',' || indicators || ',' LIKE ?",
            (f"%,{indicator_id},%",),
        )

    def bounds(
        self, indicator_id: str, as_of: dt.date | None = None, dimension: str = ""
    ) -> tuple[dt.date, dt.date] | None:
        """Return the first and last dates of an indicator's national series, or ``None``.

        ``as_of`` keeps the dates that could have been published by the end of that day;
        ``dimension`` gives the dates of that breakdown instead of the national series.
        """
        # A breakdown's rows are all its members; the national series is the one empty member.
        national = " AND member = ''" if not dimension else ""
        sql = (
            "SELECT MIN(date), MAX(date) FROM observations"  # noqa: S608  # nosec: fixed text
            f" WHERE indicator = ? AND dimension = ?{national}"
        )
        params: tuple = (indicator_id, dimension)
        if as_of is not None:
            sql += " AND date <= ?"
            params += (as_of.isoformat(),)
        with self._driver_errors():
            row = self._connection().execute(self.dialect.prepare(sql), params).fetchone()
        if row is None or row[0] is None:
            return None
        return dt.date.fromisoformat(row[0]), dt.date.fromisoformat(row[1])

    def revision_days(self, indicator_id: str, dimension: str) -> list[dt.date]:
        """Return the days (UTC) of the updates that corrected values of a breakdown, in order.

        The published layer rebuilds every version of a closed month from them (``as_of``).
        """
        frame = self._read(
            "SELECT DISTINCT substr(u.at, 1, 10) AS jour FROM revisions r"
            " JOIN updates u ON u.id = r.update_id"
            " WHERE r.indicator = ? AND r.dimension = ? ORDER BY jour",
            (indicator_id, dimension),
        )
        return [dt.date.fromisoformat(day) for day in frame["jour"]]

    def status(self) -> pd.DataFrame:
        """Return, per indicator: first and last date, observation count and last update."""
        return self._read(
            "SELECT i.id AS indicateur, MIN(o.date) AS premiere_date, MAX(o.date) AS derniere_date,"
            " COUNT(o.date) AS observations,"
            " (SELECT MAX(u.at) FROM updates u"
            "   WHERE ',' || u.indicators || ',' LIKE '%,' || i.id || ',%') AS derniere_mise_a_jour"
            " FROM indicators i LEFT JOIN observations o"
            "   ON o.indicator = i.id AND o.dimension = '' AND o.member = ''"
            " GROUP BY i.id ORDER BY i.id"
        )

    def updates(self, limit: int = 50) -> pd.DataFrame:
        """Return the most recent entries of the update log."""
        return self._read(
            "SELECT id, at, kind, source, rows_added, rows_corrected, rows_unchanged, indicators"
            " FROM updates ORDER BY id DESC LIMIT ?",
            (limit,),
        )

    # -- reading series ----------------------------------------------------------------------

    def series(
        self,
        indicator: Indicator,
        start: dt.date,
        end: dt.date,
        granularity: str,
        dimension: str = "",
        as_of: dt.date | None = None,
    ) -> pd.DataFrame:
        """Return the indicator aggregated per period (and per member of ``dimension``).

        Columns: ``periode`` (first day of the period), ``membre`` ('' for the national total),
        ``valeur`` (aggregated by the indicator's rule) and ``jours`` (days with data).
        ``as_of`` gives the values as published at the end of that day (see ``_published``).
        """
        period = self.dialect.period(granularity)
        frame = self._aggregate(indicator, period, start, end, dimension, as_of)
        frame["periode"] = pd.to_datetime(frame["periode"])
        return frame

    def breakdown(
        self,
        indicator: Indicator,
        dimension: str,
        start: dt.date,
        end: dt.date,
        as_of: dt.date | None = None,
    ) -> pd.DataFrame:
        """Return the indicator per member of ``dimension`` over the whole period.

        Columns: ``membre``, ``valeur``, ``jours``. ``as_of`` as in ``series``.
        """
        frame = self._aggregate(indicator, "''", start, end, dimension, as_of)
        return frame.drop(columns="periode")

    def _aggregate(
        self,
        indicator: Indicator,
        period: str,
        start: dt.date,
        end: dt.date,
        dimension: str,
        as_of: dt.date | None = None,
    ) -> pd.DataFrame:
        # ``period`` and ``value`` come from fixed tables of SQL fragments, never from input;
        # every value from a request is a bound parameter.
        where = "indicator = ? AND dimension = ? AND date >= ? AND date <= ?"
        source, params = self._published(indicator.id, dimension, as_of)
        params += (indicator.id, dimension, start.isoformat(), end.isoformat())
        # PostgreSQL refuses a constant in GROUP BY: the whole-period read groups by member only.
        groups = "member" if period == "''" else f"{period}, member"
        if indicator.aggregation == "dernier":
            sql = (
                "SELECT periode, membre, value AS valeur, jours FROM ("  # noqa: S608  # nosec
                f" SELECT {period} AS periode, member AS membre, value,"
                f" COUNT(*) OVER (PARTITION BY {groups}) AS jours,"
                f" ROW_NUMBER() OVER (PARTITION BY {groups} ORDER BY date DESC) AS rang"
                f" FROM {source} WHERE {where}) AS ranked"
                " WHERE rang = 1 ORDER BY periode, membre"
            )
        else:
            value = (
                "SUM(value)"
                if indicator.aggregation == "somme"
                else ("SUM(value * weight) / NULLIF(SUM(weight), 0)")
            )
            sql = (
                f"SELECT {period} AS periode, member AS membre, {value} AS valeur,"  # noqa: S608  # nosec
                " COUNT(*) AS jours"
                f" FROM {source} WHERE {where}"
                f" GROUP BY {groups} ORDER BY periode, membre"
            )
        frame = self._read(sql, params)
        frame["valeur"] = frame["valeur"].astype(float)
        frame["jours"] = frame["jours"].astype(int)
        return frame

    def _published(
        self, indicator_id: str, dimension: str, as_of: dt.date | None
    ) -> tuple[str, tuple]:
        """Return the observations as published at the end of ``as_of`` (SQL source, params).

        A frozen embed must keep showing what an article was written about: dates after
        ``as_of`` cannot have been published yet, and a value corrected by a later update is
        replaced by the old value of the first such revision. Limit: the update log does not
        record which update added a row, so a late back-fill of dates before ``as_of`` shows.
        Weights are not kept in revisions: a corrected weighted mean keeps its new weight.
        """
        if as_of is None:
            return "observations", ()
        sql = (
            "(SELECT o.indicator, o.dimension, o.member, o.date,"
            " COALESCE(late.old_value, o.value) AS value, o.weight"
            " FROM observations o LEFT JOIN ("
            "  SELECT r.indicator, r.dimension, r.member, r.date, r.old_value,"
            "  ROW_NUMBER() OVER (PARTITION BY r.indicator, r.dimension, r.member, r.date"
            "   ORDER BY r.update_id) AS rang"
            "  FROM revisions r JOIN updates u ON u.id = r.update_id"
            "  WHERE u.at >= ? AND r.indicator = ? AND r.dimension = ?) late"
            " ON late.rang = 1 AND late.indicator = o.indicator"
            " AND late.dimension = o.dimension AND late.member = o.member AND late.date = o.date"
            " WHERE o.date <= ?) published"
        )
        # updates.at is an ISO timestamp in UTC: the next day's date sorts after the whole day.
        next_day = (as_of + dt.timedelta(days=1)).isoformat()
        return sql, (next_day, indicator_id, dimension, as_of.isoformat())

    # -- writing -----------------------------------------------------------------------------

    def apply(
        self,
        frame: pd.DataFrame,
        *,
        kind: str,
        source: str,
        content_hash: str = "",
        progress: Callable[[int], None] | None = None,
    ) -> UpdateSummary:
        """Upsert observations in one transaction and log the update.

        ``frame`` has the columns of ``OBSERVATION_COLUMNS``. New keys are added, changed values are
        corrected (the old value is kept in ``revisions``), equal values are left alone. The data
        version changes only if something changed, and only when the transaction commits.
        ``progress``, if given, is called with the number of rows written after each batch.
        """
        frame = _normalised(frame)
        with self._transaction() as connection:
            existing = self._existing(connection, frame)
            merged = frame.merge(
                existing, on=["indicator", "dimension", "member", "date"], how="left"
            )
            is_new = merged["old_value"].isna()
            is_changed = ~is_new & (
                (merged["old_value"] != merged["value"])
                | (merged["old_weight"] != merged["weight"])
            )
            written = merged[is_new | is_changed]
            upsert = self.dialect.prepare(
                "INSERT INTO observations (indicator, dimension, member, date, value, weight)"
                " VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (indicator, dimension, member, date)"
                " DO UPDATE SET value = excluded.value, weight = excluded.weight"
            )
            # Batches only to report progress: all of them are in the same transaction.
            for start in range(0, len(written), WRITE_BATCH):
                batch = written.iloc[start : start + WRITE_BATCH]
                rows = batch[OBSERVATION_COLUMNS].itertuples(index=False, name=None)
                self.dialect.write_observations(connection, upsert, rows)
                if progress is not None:
                    progress(len(batch))
            update_id = self._log(
                connection,
                kind=kind,
                source=source,
                content_hash=content_hash,
                counts=(
                    int(is_new.sum()),
                    int(is_changed.sum()),
                    int((~is_new & ~is_changed).sum()),
                ),
                indicators=sorted(frame["indicator"].unique()),
            )
            corrected = merged[is_changed]
            connection.executemany(
                self.dialect.prepare(
                    "INSERT INTO revisions (update_id, indicator, dimension, member, date,"
                    " old_value, new_value) VALUES (?, ?, ?, ?, ?, ?, ?)"
                ),
                (
                    (update_id, *row)
                    for row in corrected[
                        ["indicator", "dimension", "member", "date", "old_value", "value"]
                    ].itertuples(index=False, name=None)
                ),
            )
            if kind == "demo":
                self._set_meta(connection, "content", "demo")
            elif self.content() == "vide":
                self._set_meta(connection, "content", "reel")
            version = self._bump_version(connection) if len(written) else self.data_version()
        return UpdateSummary(
            update_id=update_id,
            added=int(is_new.sum()),
            corrected=int(is_changed.sum()),
            unchanged=int((~is_new & ~is_changed).sum()),
            data_version=version,
        )

    def clear_observations(self) -> None:
        """Delete every observation and revision (used before regenerating demo data)."""
        with self._transaction() as connection:
            connection.execute("DELETE FROM revisions")
            connection.execute("DELETE FROM observations")
            self._set_meta(connection, "content", "vide")
            self._bump_version(connection)

    def has_real_data(self) -> bool:
        """Return whether any ingestion (not demo) has been committed."""
        return bool(self._scalar("SELECT COUNT(*) FROM updates WHERE kind = 'ingestion'"))

    def has_observations(self) -> bool:
        """Return whether the store holds any observation."""
        return self._scalar("SELECT 1 FROM observations LIMIT 1") is not None

    def update_by_hash(self, content_hash: str) -> dict | None:
        """Return the first committed update of a file with this content hash (id, at, source)."""
        if not content_hash:
            return None
        frame = self._read(
            "SELECT id, at, source FROM updates WHERE content_hash = ? ORDER BY id LIMIT 1",
            (content_hash,),
        )
        return None if frame.empty else frame.iloc[0].to_dict()

    def _existing(self, connection, frame: pd.DataFrame) -> pd.DataFrame:
        # Read back only the rows that share an indicator and date range with the new data.
        parts = []
        for indicator, group in frame.groupby("indicator"):
            cursor = connection.execute(
                self.dialect.prepare(
                    "SELECT indicator, dimension, member, date, value AS old_value,"
                    " weight AS old_weight FROM observations"
                    " WHERE indicator = ? AND date >= ? AND date <= ?"
                ),
                (indicator, group["date"].min(), group["date"].max()),
            )
            parts.append(
                pd.DataFrame(
                    cursor.fetchall(),
                    columns=[
                        "indicator",
                        "dimension",
                        "member",
                        "date",
                        "old_value",
                        "old_weight",
                    ],
                )
            )
        existing = (
            pd.concat(parts, ignore_index=True)
            if parts
            else pd.DataFrame(
                columns=["indicator", "dimension", "member", "date", "old_value", "old_weight"]
            )
        )
        for column in ("indicator", "dimension", "member", "date"):
            existing[column] = existing[column].astype(str)
        for column in ("old_value", "old_weight"):
            existing[column] = existing[column].astype(float)
        return existing

    def _log(self, connection, *, kind, source, content_hash, counts, indicators) -> int:
        cursor = connection.execute(
            self.dialect.prepare(
                "INSERT INTO updates (at, kind, source, content_hash, rows_added, rows_corrected,"
                " rows_unchanged, indicators) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"
            ),
            (_now(), kind, source, content_hash, *counts, ",".join(indicators)),
        )
        return int(cursor.fetchone()[0])

    def _set_meta(self, connection, key: str, value: str) -> None:
        connection.execute(
            self.dialect.prepare(
                "INSERT INTO meta (key, value) VALUES (?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value"
            ),
            (key, value),
        )

    def _bump_version(self, connection) -> int:
        cursor = connection.execute(
            "UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)"
            " WHERE key = 'data_version' RETURNING value"
        )
        return int(cursor.fetchone()[0])


def _normalised(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    if "weight" not in frame:
        frame["weight"] = 1.0
    for column in ("dimension", "member"):
        frame[column] = frame[column].fillna("") if column in frame else ""
    frame["date"] = pd.to_datetime(frame["date"]).dt.strftime("%Y-%m-%d")
    for column in ("indicator", "dimension", "member"):
        frame[column] = frame[column].astype(str)
    frame["value"] = frame["value"].astype(float)
    frame["weight"] = frame["weight"].astype(float)
    return frame[OBSERVATION_COLUMNS]


def _statements(script: str) -> list[str]:
    # Migration scripts hold plain DDL and inserts: no semicolons inside literals.
    lines = [line for line in script.splitlines() if not line.strip().startswith("--")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
