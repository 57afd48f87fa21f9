"""The update log and the data version: what each load did, and when the public saw it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from barometre.data.store.connection import Connections
from barometre.data.store.errors import QueryTimeout, StoreError


@dataclass(frozen=True)
class UpdateSummary:
    """What one write did to the store."""

    update_id: int
    added: int
    corrected: int
    unchanged: int
    data_version: int


class UpdateLog(Connections):
    """Read and write the update log (the loads) and the data version."""

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
        """Return the ISO timestamp of the last publication, or ``None``."""
        return self._scalar("SELECT MAX(at) FROM publications")

    def last_update_of(self, indicator_id: str) -> str | None:
        """Return the ISO timestamp of the last publication that changed an indicator."""
        return self._scalar(
            "SELECT MAX(p.at) FROM publication_changes c"
            " JOIN publications p ON p.number = c.publication WHERE c.indicator = ?",
            (indicator_id,),
        )

    def updates(self, limit: int = 50) -> pd.DataFrame:
        """Return the most recent entries of the update log."""
        return self._read(
            "SELECT id, at, kind, source, rows_added, rows_corrected, rows_unchanged, indicators"
            " FROM updates ORDER BY id DESC LIMIT ?",
            (limit,),
        )

    def has_real_data(self) -> bool:
        """Return whether any ingestion (not demo) has been committed."""
        return bool(self._scalar("SELECT COUNT(*) FROM updates WHERE kind = 'ingestion'"))

    def update_by_hash(self, content_hash: str) -> dict | None:
        """Return the first load of a file with this content hash that is public or in the
        draft (id, at, source, publication: ``None`` while in the draft); a load whose draft was
        discarded does not count, so that the same file can be loaded again."""
        if not content_hash:
            return None
        frame = self._read(
            "SELECT id, at, source, publication FROM updates WHERE content_hash = ?"
            " AND (publication IS NULL OR publication <> 0) ORDER BY id LIMIT 1",
            (content_hash,),
        )
        if frame.empty:
            return None
        found = frame.iloc[0].to_dict()
        number = found["publication"]
        found["publication"] = None if pd.isna(number) else int(number)
        return found

    def _log(
        self, connection, *, kind, source, content_hash, counts, indicators, loaded_by, at=None
    ) -> int:
        cursor = connection.execute(
            self.dialect.prepare(
                "INSERT INTO updates (at, kind, source, content_hash, rows_added, rows_corrected,"
                " rows_unchanged, indicators, loaded_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " RETURNING id"
            ),
            (at or _now(), kind, source, content_hash, *counts, ",".join(indicators), loaded_by),
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


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
