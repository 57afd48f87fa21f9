"""Scale of data: the demo volume (1×) and synthetic multiples (10×, 100×) of it.

A multiple k copies every indicator's observations (national and every breakdown, all 101
départements) k − 1 times under new indicator ids (``<id>-x<n>``), straight in SQLite: this is a
benchmark fixture, not a way to write data (the application writes only through ``Store.apply``).
The measured query is the one the pages make: the national monthly series of a real indicator,
uncached (``Store.series``), repeated.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import statistics
import time
from pathlib import Path

from barometre import catalogue
from barometre.store import Store


def multiply(database: Path, factor: int) -> None:
    """Add ``factor - 1`` synthetic copies of every indicator and its observations."""
    with sqlite3.connect(database) as connection:
        for copy in range(1, factor):
            suffix = f"-x{copy}"
            connection.execute(
                "INSERT INTO indicators SELECT id || ?, family, title, unit, aggregation,"
                " start_date, frequency FROM indicators WHERE id NOT LIKE '%-x%'",
                (suffix,),
            )
            connection.execute(
                "INSERT INTO observations SELECT indicator || ?, dimension, member, date, value,"
                " weight FROM observations WHERE indicator NOT LIKE '%-x%'",
                (suffix,),
            )
            connection.commit()
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def prepare(demo_dir: Path, target: Path, factor: int) -> float:
    """Copy the demo store into ``target`` and multiply it; return the seconds it took."""
    started = time.perf_counter()
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(demo_dir / "barometre.sqlite3", target / "barometre.sqlite3")
    if factor > 1:
        multiply(target / "barometre.sqlite3", factor)
    return time.perf_counter() - started


def series_timings(data_dir: Path, repetitions: int) -> dict:
    """Time the uncached national monthly series of every real indicator; return the figures."""
    database = data_dir / "barometre.sqlite3"
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
        "annees": round((dt.date.fromisoformat(last) - dt.date.fromisoformat(first)).days / 365.25,
                        1),
        "fichier_mo": round(sum(p.stat().st_size for p in data_dir.glob("barometre.sqlite3*"))
                            / 1e6, 1),
        "serie_p50_ms": round(statistics.median(timings) * 1000, 2),
        "serie_p95_ms": round(timings[int(0.95 * (len(timings) - 1))] * 1000, 2),
        "mesures": len(timings),
        "points": len(frame),
    }
