"""Writes: loads go into a draft; publishing or rolling back makes a new numbered publication.

The public only ever reads a publication: ``replaced_in IS NULL`` rows are the current one, and
``added_in <= N AND (replaced_in IS NULL OR replaced_in > N)`` is publication N. A load
(``stage``) writes the rows that differ from the public state into ``draft_observations``;
``publish`` copies them in one transaction, marking the rows they replace. ``roll_back`` makes an
earlier publication the current state again, itself a publication. Nothing is ever deleted from
the observations, so every published figure can be read again as it stood.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from barometre.data.store import updates
from barometre.data.store.errors import StoreError
from barometre.data.store.publications import CHANGES
from barometre.data.store.updates import UpdateLog, UpdateSummary

OBSERVATION_COLUMNS = ["indicator", "dimension", "member", "date", "value", "weight"]
KEY = ["indicator", "dimension", "member", "date"]
WRITE_BATCH = 50_000


def _against_public(source: str) -> str:
    """Return the FROM clause of the rows of ``source`` that differ from the public state."""
    if source not in ("draft_observations", "incoming_observations"):
        raise ValueError(f"unknown source of rows: {source!r}")
    return (
        f" FROM {source} d LEFT JOIN observations o"
        " ON o.indicator = d.indicator AND o.dimension = d.dimension AND o.member = d.member"
        " AND o.date = d.date AND o.replaced_in IS NULL"
        " WHERE o.value IS NULL OR o.value <> d.value OR o.weight <> d.weight"
    )


class NothingToPublish(StoreError):
    """The draft is empty, or the publication asked for does not exist."""


@dataclass(frozen=True)
class HistoricalLoad:
    """A load published at a given time, with its motive (``apply_history``)."""

    frame: pd.DataFrame
    motive: str
    at: str


@dataclass(frozen=True)
class PublicationSummary:
    """What one publication changed in the public state."""

    number: int
    added: int
    corrected: int
    removed: int
    data_version: int


class Writes(UpdateLog):
    """Stage loads, publish them, roll back (the log and version live in ``UpdateLog``)."""

    def stage(
        self,
        frame: pd.DataFrame,
        *,
        kind: str,
        source: str,
        content_hash: str = "",
        loaded_by: str = "",
        progress: Callable[[int], None] | None = None,
    ) -> UpdateSummary:
        """Load observations into the draft, in one transaction, and log the load.

        ``frame`` has the columns of ``OBSERVATION_COLUMNS``. Counts compare with what the
        public reads with the draft so far applied: new keys are added, changed values
        corrected, equal values left alone. The public state and the data version do not
        change until ``publish``. ``progress``, if given, gets the rows written after each batch.
        """
        with self._transaction() as connection:
            return self._stage(connection, frame, kind, source, content_hash, loaded_by, progress)

    def publish(
        self, *, by: str = "", motive: str = "", flags: int = 0, at: str | None = None
    ) -> PublicationSummary:
        """Make the draft the public state in one transaction; refuse an empty draft."""
        with self._transaction() as connection:
            return self._publish(connection, by=by, motive=motive, flags=flags, at=at)

    def apply(
        self,
        frame: pd.DataFrame,
        *,
        kind: str,
        source: str,
        content_hash: str = "",
        loaded_by: str = "",
        motive: str = "",
        progress: Callable[[int], None] | None = None,
    ) -> UpdateSummary:
        """Load and publish at once, in one transaction (demo, drop folder, ``--publier``).

        Rows already in the draft are published with it. Nothing changed: no publication.
        """
        with self._transaction() as connection:
            summary = self._stage(
                connection, frame, kind, source, content_hash, loaded_by, progress
            )
            if self._draft_size(connection):
                published = self._publish(
                    connection, by=loaded_by, motive=motive or source, flags=0, at=None
                )
                summary = UpdateSummary(
                    update_id=summary.update_id,
                    added=summary.added,
                    corrected=summary.corrected,
                    unchanged=summary.unchanged,
                    data_version=published.data_version,
                )
        return summary

    def apply_history(
        self, loads: list[HistoricalLoad], *, kind: str, source: str
    ) -> UpdateSummary:
        """Load and publish each of ``loads`` in turn, at its own time, all in one transaction.

        The demo's past: what a store fed by monthly loads would hold, and as fast as one load.
        Returns the counts of all the loads together.
        """
        added = corrected = unchanged = 0
        with self._transaction() as connection:
            for load in loads:
                summary = self._stage(
                    connection, load.frame, kind, source, "", "", None, at=load.at, draft=False
                )
                added, corrected = added + summary.added, corrected + summary.corrected
                unchanged += summary.unchanged
                if summary.added or summary.corrected:
                    self._publish(
                        connection,
                        by="",
                        motive=load.motive,
                        flags=0,
                        at=load.at,
                        source="incoming_observations",
                    )
                connection.execute("DELETE FROM incoming_observations")
            version = self.data_version()
        return UpdateSummary(summary.update_id, added, corrected, unchanged, version)

    def roll_back(self, number: int, *, by: str = "", motive: str = "") -> PublicationSummary:
        """Make publication ``number`` the public state again, as a new publication."""
        with self._transaction() as connection:
            last = self._last_publication(connection)
            if not 1 <= number <= last:
                raise NothingToPublish(
                    f"Publication n° {number} inconnue : les publications vont de 1 à {last}"
                    " (barometre publications les liste)."
                )
            new = last + 1
            self._record_publication(
                connection, new, kind="retour", by=by, motive=motive, restores=number
            )
            # Rows public now that publication ``number`` did not hold are replaced; rows it
            # held that were replaced since come back, as rows of the new publication.
            connection.execute(
                self.dialect.prepare(
                    "UPDATE observations SET replaced_in = ?"
                    " WHERE replaced_in IS NULL AND added_in > ?"
                ),
                (new, number),
            )
            connection.execute(
                self.dialect.prepare(
                    "INSERT INTO observations (indicator, dimension, member, date, value, weight,"
                    " added_in) SELECT indicator, dimension, member, date, value, weight, ?"
                    " FROM observations WHERE added_in <= ? AND replaced_in > ?"
                    " AND replaced_in <> ?"
                ),
                (new, number, number, new),
            )
            connection.execute(
                self.dialect.prepare(
                    "INSERT INTO publication_months (publication, indicator, dimension, month)"
                    " SELECT DISTINCT ?, indicator, dimension, substr(date, 1, 7)"
                    " FROM observations WHERE added_in = ? OR replaced_in = ?"
                ),
                (new, new, new),
            )
            counts = connection.execute(
                self.dialect.prepare(
                    "SELECT indicator, SUM(CASE WHEN old IS NULL THEN 1 ELSE 0 END),"  # noqa: S608  # nosec: fixed text
                    " SUM(CASE WHEN old <> new THEN 1 ELSE 0 END),"
                    " SUM(CASE WHEN new IS NULL THEN 1 ELSE 0 END)"
                    f" FROM ({CHANGES}) AS changes GROUP BY indicator ORDER BY indicator"
                ),
                (new,) * 4,
            ).fetchall()
            return self._close_publication(connection, new, counts)

    def discard_draft(self) -> int:
        """Empty the draft (its loads stay in the log, unpublished); return the rows dropped."""
        with self._transaction() as connection:
            size = self._draft_size(connection)
            connection.execute("DELETE FROM draft_observations")
            connection.execute("UPDATE updates SET publication = 0 WHERE publication IS NULL")
        return size

    def draft_size(self) -> int:
        """Return how many rows the draft would change in the public state."""
        return int(self._scalar("SELECT COUNT(*) FROM draft_observations"))

    def observation_rows(
        self, indicator_id: str, start: str, end: str, *, draft: bool = False
    ) -> pd.DataFrame:
        """Return an indicator's rows between two ISO days, every breakdown, unaggregated: the
        public ones, or with ``draft`` those of the draft (the review lays them over the public).

        Columns: dimension, member, date, value, weight.
        """
        source = (
            "draft_observations WHERE" if draft else "observations WHERE replaced_in IS NULL AND"
        )
        frame = self._read(
            f"SELECT dimension, member, date, value, weight FROM {source}"  # noqa: S608  # nosec: fixed text
            " indicator = ? AND date >= ? AND date <= ? ORDER BY dimension, member, date",
            (indicator_id, start, end),
        )
        return frame.astype({"value": float, "weight": float})

    def clear_observations(self) -> None:
        """Delete every observation, publication and draft (before regenerating demo data)."""
        with self._transaction() as connection:
            for table in (
                "draft_observations",
                "observations",
                "publication_changes",
                "publication_months",
            ):
                connection.execute(f"DELETE FROM {table}")  # noqa: S608  # nosec: fixed names
            connection.execute("DELETE FROM publications")
            connection.execute("UPDATE updates SET publication = 0")
            self._set_meta(connection, "content", "vide")
            self._bump_version(connection)

    # -- in a transaction ---------------------------------------------------------------------

    def _stage(
        self,
        connection,
        frame,
        kind,
        source,
        content_hash,
        loaded_by,
        progress,
        at=None,
        *,
        draft=True,
    ):
        """Compare a load with the public state; ``draft``: keep its changes in the draft,
        else leave its rows in ``incoming_observations`` for ``_publish`` to take."""
        frame = _normalised(frame)
        columns = [frame[c].tolist() for c in OBSERVATION_COLUMNS]
        rows = list(zip(*columns, strict=True))
        # Batches only to report progress: all of them are in the same transaction.
        for start in range(0, len(rows), WRITE_BATCH):
            batch = rows[start : start + WRITE_BATCH]
            self.dialect.write_incoming(connection, batch)
            if progress is not None:
                progress(len(batch))
        # Counted against what the public would read with the draft so far published.
        total, added, corrected = connection.execute(
            "SELECT COUNT(*), COALESCE(SUM(CASE WHEN o.value IS NULL AND d.value IS NULL"
            " THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN"
            " COALESCE(d.value, o.value) <> i.value OR COALESCE(d.weight, o.weight) <> i.weight"
            " THEN 1 ELSE 0 END), 0)"
            " FROM incoming_observations i"
            " LEFT JOIN draft_observations d ON d.indicator = i.indicator"
            " AND d.dimension = i.dimension AND d.member = i.member AND d.date = i.date"
            " LEFT JOIN observations o ON o.indicator = i.indicator"
            " AND o.dimension = i.dimension AND o.member = i.member AND o.date = i.date"
            " AND o.replaced_in IS NULL"
        ).fetchone()
        if draft:
            self._keep_in_draft(connection)
        counts = (int(added), int(corrected), int(total) - int(added) - int(corrected))
        update_id = self._log(
            connection,
            kind=kind,
            source=source,
            content_hash=content_hash,
            counts=counts,
            indicators=sorted(frame["indicator"].unique()),
            loaded_by=loaded_by,
            at=at,
        )
        if kind == "demo":
            self._set_meta(connection, "content", "demo")
        elif self.content() == "vide":
            self._set_meta(connection, "content", "reel")
        return UpdateSummary(update_id, *counts, data_version=self.data_version())

    def _keep_in_draft(self, connection) -> None:
        """Move the load's rows into the draft: those that differ from the public state."""
        connection.execute(
            "INSERT INTO draft_observations (indicator, dimension, member, date, value, weight)"  # noqa: S608  # nosec: fixed text
            " SELECT d.indicator, d.dimension, d.member, d.date, d.value, d.weight"
            f"{_against_public('incoming_observations')}"
            " ON CONFLICT (indicator, dimension, member, date)"
            " DO UPDATE SET value = excluded.value, weight = excluded.weight"
        )
        connection.execute(
            "DELETE FROM draft_observations WHERE (indicator, dimension, member, date) IN ("
            " SELECT i.indicator, i.dimension, i.member, i.date FROM incoming_observations i"
            " WHERE EXISTS (SELECT 1 FROM observations o WHERE o.indicator = i.indicator"
            " AND o.dimension = i.dimension AND o.member = i.member AND o.date = i.date"
            " AND o.replaced_in IS NULL AND o.value = i.value AND o.weight = i.weight))"
        )
        connection.execute("DELETE FROM incoming_observations")

    def _publish(
        self, connection, *, by, motive, flags, at, source="draft_observations"
    ) -> PublicationSummary:
        """Publish the rows of ``source`` (the draft, or a load's rows) that differ from the
        public state, then empty ``source``."""
        against = _against_public(source)
        counts = connection.execute(
            "SELECT d.indicator, SUM(CASE WHEN o.value IS NULL THEN 1 ELSE 0 END),"  # noqa: S608
            " SUM(CASE WHEN o.value IS NULL THEN 0 ELSE 1 END), 0"
            f"{against} GROUP BY d.indicator ORDER BY d.indicator"
        ).fetchall()
        if not counts:
            raise NothingToPublish(
                "Rien à publier : le brouillon ne change aucun chiffre public"
                " (chargez un fichier avec barometre ingest)."
            )
        number = self._last_publication(connection) + 1
        loaders = connection.execute(
            "SELECT DISTINCT loaded_by FROM updates WHERE publication IS NULL AND loaded_by <> ''"
            " ORDER BY loaded_by"
        ).fetchall()
        self._record_publication(
            connection,
            number,
            kind="publication",
            by=by,
            motive=motive,
            loaded_by=", ".join(row[0] for row in loaders),
            flags=flags,
            at=at,
        )
        connection.execute(
            self.dialect.prepare(
                "INSERT INTO publication_months (publication, indicator, dimension, month)"
                f" SELECT DISTINCT ?, d.indicator, d.dimension, substr(d.date, 1, 7){against}"
            ),
            (number,),
        )
        connection.execute(
            self.dialect.prepare(
                "UPDATE observations SET replaced_in = ? WHERE replaced_in IS NULL"  # noqa: S608  # nosec: fixed text
                " AND (indicator, dimension, member, date) IN ("
                f" SELECT d.indicator, d.dimension, d.member, d.date{against})"
            ),
            (number,),
        )
        connection.execute(
            self.dialect.prepare(
                "INSERT INTO observations (indicator, dimension, member, date, value, weight,"
                " added_in) SELECT d.indicator, d.dimension, d.member, d.date, d.value, d.weight, ?"
                + against
            ),
            (number,),
        )
        connection.execute(f"DELETE FROM {source}")  # noqa: S608  # nosec: a fixed name
        connection.execute(
            self.dialect.prepare("UPDATE updates SET publication = ? WHERE publication IS NULL"),
            (number,),
        )
        return self._close_publication(connection, number, counts)

    def _record_publication(
        self, connection, number, *, kind, by, motive, loaded_by="", restores=None, flags=0, at=None
    ) -> None:
        connection.execute(
            self.dialect.prepare(
                "INSERT INTO publications (number, at, kind, loaded_by, published_by, motive,"
                " restores, flags) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            ),
            (number, at or updates._now(), kind, loaded_by, by, motive, restores, flags),
        )

    def _close_publication(self, connection, number: int, counts: list) -> PublicationSummary:
        """Record what publication ``number`` changed per indicator; bump the data version.

        ``counts``: rows (indicator, added, corrected, removed).
        """
        connection.executemany(
            self.dialect.prepare(
                "INSERT INTO publication_changes (publication, indicator, rows_added,"
                " rows_corrected, rows_removed) VALUES (?, ?, ?, ?, ?)"
            ),
            [(number, row[0], int(row[1]), int(row[2]), int(row[3])) for row in counts],
        )
        added, corrected, removed = (sum(int(row[i]) for row in counts) for i in (1, 2, 3))
        connection.execute(
            self.dialect.prepare(
                "UPDATE publications SET rows_added = ?, rows_corrected = ?, rows_removed = ?"
                " WHERE number = ?"
            ),
            (added, corrected, removed, number),
        )
        return PublicationSummary(number, added, corrected, removed, self._bump_version(connection))

    def _draft_size(self, connection) -> int:
        return int(connection.execute("SELECT COUNT(*) FROM draft_observations").fetchone()[0])

    def _last_publication(self, connection) -> int:
        row = connection.execute("SELECT COALESCE(MAX(number), 0) FROM publications").fetchone()
        return int(row[0])


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
    # One row per key, the last one given winning, as successive upserts would.
    return frame[OBSERVATION_COLUMNS].drop_duplicates(KEY, keep="last")
