"""Scale of data: the demo volume (1×) and synthetic multiples (10×, 100×) of it.

A multiple k copies every indicator (its observations, national and every breakdown, all 101
départements, with the publications that added and replaced each row, and its line of every
publication's changes) k − 1 times under new indicator ids (``<id>-x<n>``), straight in SQLite:
this is a benchmark fixture, not a way to write data (the application writes only through the
store's ``stage`` and ``publish``). Each copy reads one real indicator by its primary key and
appends it in key order, so building 100× (≈ 134 M rows) takes minutes, linear in the factor;
the multiplied store is kept in a folder (``tmp/bench-volume`` by default) and reused while the
demo's content is the same.
The measured queries are the ones the pages make, uncached, repeated: the national monthly series
of every real indicator (``Store.series``) and its breakdown by département over a year
(``Store.breakdown``), each read as currently published and as published earlier, by a
publication's number and by a date (``as_of``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import shutil
import sqlite3
import statistics
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from barometre.data import catalogue
from barometre.data.store import AsOf, Store

DATABASE = "barometre.sqlite3"
STAMP = "copie.json"
# The breakdown read beside the series (the one the map and the published grids read), over
# the last year of its dates.
BREAKDOWN = "departement"
YEAR = dt.timedelta(days=364)
# The tables that hold rows per indicator, and the column naming it: what a copy copies.
INDICATOR_TABLES = (
    ("indicators", "id"),
    ("observations", "indicator"),
    ("publication_changes", "indicator"),
    ("publication_months", "indicator"),
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


def states(store: Store) -> dict[str, AsOf]:
    """Return the states of the data a read is timed at: current, then as published earlier.

    The earlier state is the publication in the middle of the history, asked for by its number
    and by its day (the date form also drops the days published after it).
    """
    middle = max(1, store.last_publication() // 2)
    return {"actuelle": None, "publication": middle, "date": store.publication_day(middle)}


def read_timings(data_dir: Path, repetitions: int) -> dict:
    """Time uncached reads of every real indicator; return the figures.

    The national monthly series over all its dates, as currently published; then, in each of
    the ``states``, the reads the earlier state can answer in full, so that each state reads the
    same rows and gives the same points: the series over the dates the earlier state holds, the
    breakdown by département over the last year of them. The reads are timed in turn, so that
    a change in the machine's load weighs on each alike.
    """
    database = data_dir / DATABASE
    store = Store(f"sqlite:///{database}")
    indicators = catalogue.load().indicators
    at = states(store)
    current = [
        partial(store.series, indicator, *bounds, "mois")
        for indicator in indicators
        if (bounds := store.bounds(indicator.id)) is not None
    ]
    versioned = {
        "serie": [
            partial(store.series, indicator, *bounds, "mois")
            for indicator in indicators
            if (bounds := store.bounds(indicator.id, as_of=at["publication"])) is not None
        ],
        "ventilation": [
            partial(store.breakdown, indicator, BREAKDOWN, *_last_year(dates))
            for indicator in indicators
            if BREAKDOWN in indicator.breakdowns
            and (dates := store.bounds(indicator.id, at["publication"], BREAKDOWN)) is not None
        ],
    }
    whole: list[float] = []
    timings = {read: {state: [] for state in at} for read in versioned}
    for _ in range(repetitions):
        for call in current:
            whole.append(_timed(call, None))
        for read, calls in versioned.items():
            for call in calls:
                for state, as_of in at.items():
                    timings[read][state].append(_timed(call, as_of))
    with sqlite3.connect(database) as connection:
        rows = connection.execute("SELECT count(*) FROM observations").fetchone()[0]
        first, last = connection.execute("SELECT min(date), max(date) FROM observations").fetchone()
    series = _figures(whole)
    figures = {
        "lignes": rows,
        "periode": f"{first} → {last}",
        "annees": round(
            (dt.date.fromisoformat(last) - dt.date.fromisoformat(first)).days / 365.25, 1
        ),
        "fichier_mo": round(
            sum(p.stat().st_size for p in data_dir.glob("barometre.sqlite3*")) / 1e6, 1
        ),
        "serie_p50_ms": series["p50_ms"],
        "serie_p95_ms": series["p95_ms"],
        "mesures": series["mesures"],
        "points": len(current[0](as_of=None)),
        "versions": {
            "publications": store.last_publication(),
            "publication": at["publication"],
            "date": at["date"].isoformat(),
            **{
                read: {state: _figures(measured) for state, measured in by_state.items()}
                for read, by_state in timings.items()
            },
            "plans": {
                read: plans(store, database, calls[0], at) for read, calls in versioned.items()
            },
        },
    }
    store.close()
    return figures


def _last_year(bounds: tuple[dt.date, dt.date]) -> tuple[dt.date, dt.date]:
    first, last = bounds
    return max(first, last - YEAR), last


def _timed(read: Callable, as_of: AsOf) -> float:
    started = time.perf_counter()
    read(as_of=as_of)
    return time.perf_counter() - started


def _figures(seconds: list[float]) -> dict:
    """Return the median and 95th percentile of timings, in milliseconds, and their number."""
    ordered = sorted(seconds)
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))] * 1000, 2),
        "mesures": len(ordered),
    }


def plans(store: Store, database: Path, read: Callable, at: dict[str, AsOf]) -> dict[str, str]:
    """Return, for each state, how SQLite reaches the observations in ``read`` (its query plan).

    The statements are the ones the store really runs (traced on its own connection, with their
    values); EXPLAIN QUERY PLAN runs them again on a connection of its own.
    """
    statements: list[str] = []
    connection = store._connection()  # noqa: SLF001 - the store's statements, as it runs them
    with contextlib.closing(sqlite3.connect(database)) as explaining:
        connection.set_trace_callback(statements.append)
        try:
            found = {}
            for state, as_of in at.items():
                statements.clear()
                read(as_of=as_of)
                found[state] = " ; ".join(
                    row[3]
                    for statement in statements
                    if "FROM observations" in statement
                    for row in explaining.execute(f"EXPLAIN QUERY PLAN {statement}")
                    if "observations" in row[3]
                )
        finally:
            connection.set_trace_callback(None)
    return found
