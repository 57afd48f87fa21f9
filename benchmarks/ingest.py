"""Ingestion speed: generate a CSV of N rows (default 1,000,000) in a temporary folder, load it
into a fresh SQLite store and print rows per second for each stage.

    .venv/bin/python benchmarks/ingest.py [ROWS]
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from barometre.config import Settings
from barometre.data import catalogue, formats, guard, ingest
from barometre.data.store import Store

# One million rows of daily data by département run past today: the benchmark moves « today ».
FAR = dt.date(2060, 1, 1)


def generate(path: Path, rows: int, seed: int = 1) -> int:
    """Write a valid file of about ``rows`` rows: daily totals and their split by département."""
    cat = catalogue.load()
    codes = list(cat.breakdowns["departement"].codes)
    days = max(1, rows // (len(codes) + 1))
    dates = pd.date_range("2013-03-01", periods=days, freq="D").strftime("%Y-%m-%d")
    rng = np.random.default_rng(seed)
    values = rng.integers(0, 60, size=(days, len(codes)))
    parts = pd.DataFrame(
        {
            "indicateur": "pre-plainte-en-ligne",
            "date": np.repeat(dates, len(codes)),
            "ventilation": "departement",
            "membre": np.tile(codes, days),
            "valeur": values.ravel(),
        }
    )
    totals = pd.DataFrame(
        {
            "indicateur": "pre-plainte-en-ligne",
            "date": dates,
            "ventilation": "",
            "membre": "",
            "valeur": values.sum(axis=1),
        }
    )
    frame = pd.concat([totals, parts], ignore_index=True)
    frame.to_csv(path, index=False)
    return len(frame)


def main(rows: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        path = root / "gros.csv"
        started = time.perf_counter()
        count = generate(path, rows)
        print(
            f"fichier : {count} lignes, {path.stat().st_size / 1e6:.1f} Mo "
            f"(généré en {time.perf_counter() - started:.1f} s)"
        )
        settings = Settings(data_dir=root, max_file_mb=1000)
        store = Store(settings.database_url)
        store.init_schema()
        cat = catalogue.load()
        store.sync_catalogue(cat)
        data = path.read_bytes()
        stages = {}
        t = time.perf_counter()
        parsed = formats.parse(data)
        stages["lecture"] = time.perf_counter() - t
        t = time.perf_counter()
        guard.check(parsed.raw, parsed.columns)
        stages["garde données personnelles"] = time.perf_counter() - t
        t = time.perf_counter()
        ingest.validate(parsed, cat, FAR, path.name, 50)
        stages["validation"] = time.perf_counter() - t
        t = time.perf_counter()
        report = ingest.ingest_file(path, store, cat, settings, today=FAR, publish=True)
        total = time.perf_counter() - t
        assert report.status == "charge", report.errors
        for stage, seconds in stages.items():
            print(f"{stage:<28} {seconds:6.2f} s  {count / seconds:>12,.0f} lignes/s")
        print(f"{'chargement complet':<28} {total:6.2f} s  {count / total:>12,.0f} lignes/s")
        t = time.perf_counter()
        again = ingest.ingest_file(path, store, cat, settings, today=FAR, publish=True)
        print(
            f"{'même fichier (déjà chargé)':<28} {time.perf_counter() - t:6.2f} s  ({again.status})"
        )
        store.close()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
