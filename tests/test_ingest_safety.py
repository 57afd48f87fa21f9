"""A load that dies half-way leaves the previous state intact; readers of a live server never see
a half-loaded file. Both run the real ``barometre ingest`` in a separate process."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import LiveServer
from dash_http import graph_figures, indicator_payload

from barometre.config import Settings
from barometre.data import catalogue
from barometre.data.store import Store

# The last day of a month: breakdowns are published per closed month, and this one closes on it.
DAY = "2024-03-31"
BASELINE_DAYS = 400
OLD, NEW = 1000, 2000


def write_baseline(path: Path) -> None:
    """Write the state readers start from: ``BASELINE_DAYS`` days up to ``DAY``, ``OLD`` each."""
    dates = pd.date_range(end=DAY, periods=BASELINE_DAYS, freq="D").strftime("%Y-%m-%d")
    lines = ["indicateur,date,ventilation,membre,valeur"]
    for date in dates:
        lines += [
            f"pre-plainte-en-ligne,{date},,,{OLD}",
            f"pre-plainte-en-ligne,{date},type-personne,personne-physique,{OLD * 6 // 10}",
            f"pre-plainte-en-ligne,{date},type-personne,personne-morale,{OLD * 4 // 10}",
        ]
    path.write_text("\n".join(lines) + "\n")


def write_big_file(path: Path, days: int) -> int:
    """Write a valid file: per day a total, its split by type of person and by département.

    The last day is ``DAY`` with a new total (``NEW``), so that readers can tell old from new.
    """
    codes = list(catalogue.load().breakdowns["departement"].codes)
    dates = list(pd.date_range("2014-01-01", periods=days - 1, freq="D").strftime("%Y-%m-%d"))
    dates.append(DAY)
    rng = np.random.default_rng(7)
    by_department = rng.integers(5, 40, size=(days, len(codes)))
    by_department[-1] = 0
    by_department[-1, 0] = NEW
    totals = by_department.sum(axis=1)
    physical = totals * 3 // 4
    frames = [
        pd.DataFrame({"ventilation": "", "membre": "", "date": dates, "valeur": totals}),
        pd.DataFrame(
            {
                "ventilation": "type-personne",
                "membre": "personne-physique",
                "date": dates,
                "valeur": physical,
            }
        ),
        pd.DataFrame(
            {
                "ventilation": "type-personne",
                "membre": "personne-morale",
                "date": dates,
                "valeur": totals - physical,
            }
        ),
        pd.DataFrame(
            {
                "ventilation": "departement",
                "membre": np.tile(codes, days),
                "date": np.repeat(dates, len(codes)),
                "valeur": by_department.ravel(),
            }
        ),
    ]
    # National totals first, their split by type of person last: a load that committed batch by
    # batch would show readers a new total with an old split.
    frames = [frames[0], frames[3], frames[1], frames[2]]
    frame = pd.concat(frames, ignore_index=True)
    frame.insert(0, "indicateur", "pre-plainte-en-ligne")
    frame.to_csv(path, index=False)
    return len(frame)


@pytest.fixture
def small_store(tmp_path, the_catalogue):
    """A store of its own (never the session demo one) holding the baseline day."""
    settings = Settings(data_dir=tmp_path / "donnees")
    store = Store(settings.database_url)
    store.init_schema()
    store.sync_catalogue(the_catalogue)
    baseline = tmp_path / "base.csv"
    write_baseline(baseline)
    assert run_ingest(settings, baseline).returncode == 0
    yield settings, store
    store.close()


def run_ingest(settings: Settings, path: Path, **options) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "barometre", "ingest", "--publier", str(path)],
        env={**os.environ, "BAROMETRE_DATA_DIR": str(settings.data_dir)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        **options,
    )


def start_ingest(settings: Settings, path: Path) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "barometre", "ingest", "--publier", str(path)],
        env={**os.environ, "BAROMETRE_DATA_DIR": str(settings.data_dir)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def snapshot(store: Store) -> tuple:
    return (
        store.data_version(),
        store._scalar("SELECT COUNT(*) FROM observations"),
        store._scalar("SELECT COUNT(*) FROM updates"),
        store._scalar(
            "SELECT value FROM observations WHERE indicator = 'pre-plainte-en-ligne'"
            " AND dimension = '' AND date = ? AND replaced_in IS NULL",
            (DAY,),
        ),
    )


def test_a_load_killed_half_way_leaves_the_previous_state(small_store, tmp_path):
    settings, store = small_store
    big = tmp_path / "gros.csv"
    rows = write_big_file(big, 1500)
    before = snapshot(store)
    process = start_ingest(settings, big)
    deadline = time.monotonic() + 90
    # Non-interactive output: one line per batch written, inside the one transaction.
    for line in process.stdout:
        if "lignes écrites" in line or time.monotonic() > deadline:
            break
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    process.stdout.close()
    assert process.returncode == -signal.SIGKILL, "the load ended before it could be killed"
    store.close()
    assert snapshot(store) == before
    assert store._scalar("PRAGMA integrity_check") == "ok"
    # The lock died with the process: the same file now loads in full.
    again = run_ingest(settings, big)
    assert again.returncode == 0, again.stdout + again.stderr
    assert f"{rows - 3} ajoutées, 3 corrigées" in again.stdout
    assert snapshot(store)[3] == NEW


def read_day(url: str, days_before: int = 0) -> tuple[int, int]:
    """Return the national total of ``DAY`` and its split by type of person, both read beside
    the other days of the period (``days_before`` ``DAY``: a new period is a new cache key, so
    that the server really reads the store while the file loads)."""
    start = (pd.Timestamp(DAY) - pd.Timedelta(days=days_before)).strftime("%Y-%m-%d")
    payload = indicator_payload("pre-plainte-en-ligne", start, DAY, "jour")
    request = urllib.request.Request(  # noqa: S310
        url + "/_dash-update-component",
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        assert response.status == 200
        body = json.loads(response.read())["response"]
    assert body["message"]["children"].startswith("Graphiques mis à jour\u00a0: par jour, ")
    figures = graph_figures(body["resultats"]["children"])
    daily = figures[0]["data"][0]["y"]
    assert len(daily) == days_before + 1 and set(daily[:-1]) <= {OLD}
    split = next(f for f in figures if "Personne physique" in json.dumps(f, ensure_ascii=False))
    # The split covers the closed months the period touches, every day of them ``OLD`` but
    # ``DAY``: what is left once those days are taken away is ``DAY``'s split.
    first_month = pd.Timestamp(start).replace(day=1)
    other_days = (pd.Timestamp(DAY) - first_month).days
    return daily[-1], sum(split["data"][0]["x"]) - OLD * other_days


def test_readers_never_see_a_half_loaded_file(small_store, tmp_path):
    settings, _ = small_store
    big = tmp_path / "gros.csv"
    write_big_file(big, 1500)
    server = LiveServer(settings)
    try:
        assert read_day(server.url) == (OLD, OLD)
        process = start_ingest(settings, big)
        seen = []
        deadline = time.monotonic() + 90
        while process.poll() is None and time.monotonic() < deadline:
            # Periods whose first month lies wholly inside the baseline.
            seen.append(read_day(server.url, len(seen) % (BASELINE_DAYS - 31)))
        output = process.communicate(timeout=120)[0]
        assert process.returncode == 0, output
        seen.append(read_day(server.url))
    finally:
        server.stop()
    assert all(total in (OLD, NEW) and split == total for total, split in seen), set(seen)
    assert seen[-1] == (NEW, NEW)
    assert len(seen) > 3, len(seen)  # readers really read while the file loaded
