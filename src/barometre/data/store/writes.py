"""Writes of observations: one transaction per load, corrections kept as revisions."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from barometre.data.store.updates import UpdateLog, UpdateSummary

OBSERVATION_COLUMNS = ["indicator", "dimension", "member", "date", "value", "weight"]
WRITE_BATCH = 50_000


class Writes(UpdateLog):
    """Upsert observations and log each write (the log and version live in ``UpdateLog``)."""

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
