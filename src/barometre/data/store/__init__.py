"""The store: the only package that speaks SQL. Reads return pandas DataFrames.

SQL is written once, in a portable subset (bound parameters, ``ON CONFLICT`` upserts, window
functions); what differs between engines (connection, placeholders, period arithmetic, migration
scripts) lives in a small ``Dialect`` class, so that a PostgreSQL backend is one more dialect and no
caller changes.

The modules, each one concern of ``Store``:

- ``errors``: ``StoreError`` and its kinds (time limit, full or read-only disk);
- ``dialects``: SQLite and PostgreSQL, and ``dialect_for(url)``;
- ``connection``: per-thread connections, time limits, transactions and snapshots;
- ``schema``: migrations (packaged under ``barometre/data/sql/<dialect>/``), the catalogue table;
- ``updates``: the update log (the loads) and the data version;
- ``publications``: which publication was public when, what each changed, what the draft holds;
- ``reads``: bounds, status, series and breakdowns (of any publication);
- ``writes``: loads into the draft, publications and roll-backs;
- ``backups``: backups and restorations of a SQLite store (SQLite's online backup API).
"""

from __future__ import annotations

from barometre.data.store.backups import BackupError, Backups
from barometre.data.store.connection import FILE_CHECK_SECONDS
from barometre.data.store.dialects import (
    DIALECTS,
    READ_SNAPSHOT,
    PostgreSQLDialect,
    SQLiteDialect,
    dialect_for,
)
from barometre.data.store.errors import FULL, READ_ONLY, DiskError, QueryTimeout, StoreError
from barometre.data.store.publications import AsOf
from barometre.data.store.reads import Reads
from barometre.data.store.schema import Schema
from barometre.data.store.updates import UpdateSummary
from barometre.data.store.writes import (
    OBSERVATION_COLUMNS,
    WRITE_BATCH,
    HistoricalLoad,
    NothingToPublish,
    PublicationSummary,
    Writes,
)

__all__ = [
    "DIALECTS",
    "FILE_CHECK_SECONDS",
    "FULL",
    "HistoricalLoad",
    "OBSERVATION_COLUMNS",
    "READ_ONLY",
    "READ_SNAPSHOT",
    "WRITE_BATCH",
    "AsOf",
    "BackupError",
    "DiskError",
    "NothingToPublish",
    "PostgreSQLDialect",
    "PublicationSummary",
    "QueryTimeout",
    "SQLiteDialect",
    "Store",
    "StoreError",
    "UpdateSummary",
    "dialect_for",
]


class Store(Schema, Reads, Writes, Backups):
    """Read and write the Baromètre's observations, catalogue and update log.

    One object, composed of one mixin per concern over a shared ``Connections`` base: every
    part runs its SQL through the same per-thread connection, transaction and time limit.
    """
