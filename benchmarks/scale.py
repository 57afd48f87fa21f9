"""Scale of data: the demo volume (1×) and synthetic multiples (10×, 100×) of it.

A multiple k copies every indicator (its observations, national and every breakdown, all 101
départements, with the publications that added and replaced each row, and its line of every
publication's changes) k − 1 times under new indicator ids (``<id>-x<n>``), straight in SQLite:
this is a benchmark fixture, not a way to write data (the application writes only through the
store's ``stage`` and ``publish``). Each copy reads one real indicator by its primary key and
appends it in key order, so building 100× (≈ 134 M rows) takes minutes, linear in the factor;
the multiplied store is kept in a folder (``tmp/bench-volume`` by default) and reused while the
demo's content is the same.
The measured query is the one the pages make: the national monthly series of a real indicator,
uncached (``Store.series``), repeated.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
import statistics
import time
from pathlib import Path

from barometre.data import catalogue
from barometre.data.store import Store

DATABASE = "barometre.sqlite3"
STAMP = "copie.json"
# The tables that hold rows per indicator, and the column naming it: what a copy copies.
INDICATOR_TABLES = (
    ("indicators", "id"),
    ("observations", "indicator"),
    ("publication_changes", "indicator"),
)


def fingerprint(database: Path) -> list:
    """Return what identifies the demo's content (its rows, dates and total)."""
    with sqlite3.connect(database) as connection:
        return list(
            connection.execute(
                "SELECT count(*), min(date), max(date), total(value) FROM observations"
            ).fetchone()
        )


def multiply(database: Path, factor: int) -> None:
    """Add ``factor - 1`` synthetic copies of every indicator and its observations."""
    connection = sqlite3.connect(database, isolation_level=None)
    try:
        # A fixture built in one go: no WAL (it would write every page twice), no fsync.
        connection.execute("PRAGMA journal_mode = DELETE")
        connection.execute("PRAGMA synchronous = OFF")
        connection.execute("PRAGMA cache_size = -262144")
        originals = [
            row[0]
            for row in connection.execute(
                "SELECT id FROM indicators WHERE id NOT LIKE '%-x%' ORDER BY id"
            )
        ]
        copies = [_copy(connection, table, key) for table, key in INDICATOR_TABLES]
        for copy in range(1, factor):
            suffix = f"-x{copy}"
            connection.execute("BEGIN")
            for indicator in originals:
                for statement in copies:
                    connection.execute(statement, (indicator + suffix, indicator))
            connection.execute("COMMIT")
        connection.execute("PRAGMA journal_mode = WAL")
    finally:
        connection.close()


def _copy(connection: sqlite3.Connection, table: str, key: str) -> str:
    """Return the statement copying ``table``'s rows of one indicator (parameters: copy, original).

    Every column is copied, listed from the schema, so that a column a migration adds (as the
    publications added ``added_in`` and ``replaced_in``) is never left out of the copies.
    """
    columns = [row[1] for row in connection.execute(f"PRAGMA table_info({table})")]
    values = ", ".join("?" if column == key else column for column in columns)
    return (
        f"INSERT INTO {table} ({', '.join(columns)})"  # noqa: S608 - names from the schema
        f" SELECT {values} FROM {table} WHERE {key} = ?"
    )


def prepare(demo_dir: Path, target: Path, factor: int) -> tuple[float, bool]:
    """Make ``target`` hold the demo store multiplied by ``factor``.

    Return the seconds it took and whether a store kept there from an earlier run was reused.
    """
    started = time.perf_counter()
    stamp = {"facteur": factor, "demo": fingerprint(demo_dir / DATABASE)}
    kept = target / STAMP
    if factor > 1 and kept.exists() and json.loads(kept.read_text()) == stamp:
        return time.perf_counter() - started, True
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    shutil.copy2(demo_dir / DATABASE, target / DATABASE)
    if factor > 1:
        multiply(target / DATABASE, factor)
    kept.write_text(json.dumps(stamp))
    return time.perf_counter() - started, False


def series_timings(data_dir: Path, repetitions: int) -> dict:
    """Time the uncached national monthly series of every real indicator; return the figures."""
    database = data_dir / DATABASE
    store = Store(f"sqlite:///{database}")
    indicators = catalogue.load().indicators
    timings = []
    rows = 0
    for _ in range(repetitions):
        for indicator in indicators:
            bounds = store.bounds(indicator.id)
            if bounds is None:
                continue
            started = time.perf_counter()
            frame = store.series(indicator, bounds[0], bounds[1], "mois")
            timings.append(time.perf_counter() - started)
    with sqlite3.connect(database) as connection:
        rows = connection.execute("SELECT count(*) FROM observations").fetchone()[0]
        first, last = connection.execute("SELECT min(date), max(date) FROM observations").fetchone()
    timings.sort()
    return {
        "lignes": rows,
        "periode": f"{first} → {last}",
        "annees": round(
            (dt.date.fromisoformat(last) - dt.date.fromisoformat(first)).days / 365.25, 1
        ),
        "fichier_mo": round(
            sum(p.stat().st_size for p in data_dir.glob("barometre.sqlite3*")) / 1e6, 1
        ),
        "serie_p50_ms": round(statistics.median(timings) * 1000, 2),
        "serie_p95_ms": round(timings[int(0.95 * (len(timings) - 1))] * 1000, 2),
        "mesures": len(timings),
        "points": len(frame),
    }
