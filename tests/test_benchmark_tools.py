"""The benchmark's own tools, on small inputs: the wrk load generator counts what it should, and
the data volume multiplies a store linearly, every publication with it, and reuses it. (Figures
are never asserted here: see benchmarks/run.py and docs/performance.md.)"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import sqlite3
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pandas as pd
import pytest
from conftest import require

from barometre.data.store import Store
from benchmarks import first_move, lighthouse, load, scale, soak

ANSWERS = {"/attendu": (200, b"attendu"), "/autre": (200, b"autre"), "/absent": (404, b"non")}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):  # noqa: N802 - http.server's naming
        status, body = ANSWERS[self.path]
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def tiny_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_wrk_counts_statuses_errors_and_answers_that_differ(tiny_server):
    require(load.available(), "wrk (apt-get install wrk)")
    requests = [load.get(path) for path in ANSWERS]
    # The tiny server runs in this process: its CPU time is this process's.
    figures = load.run(
        tiny_server, requests, connections=3, seconds=1, expected=[b"attendu"], pids=[os.getpid()]
    )
    statuses = figures["statuts"]
    assert set(statuses) == {"200", "404"}
    assert figures["requetes"] == sum(statuses.values()) > 30
    assert figures["erreurs"] == statuses["404"]
    # Each connection (one per wrk thread here, 2 threads) replays the list in turn: « /autre »
    # and « /absent » differ from the expected body, « /attendu » never does.
    assert 0 < figures["reponses_differentes"] < figures["requetes"]
    assert figures["requetes_repetees"]
    # Headers and bodies: at least the shortest answer's body a request.
    assert figures["octets"] > figures["requetes"] * len(b"non")
    assert figures["p50_ms"] <= figures["p90_ms"] <= figures["p99_ms"] <= figures["max_ms"]
    assert figures["cpu_serveur_us_par_requete"] > 0


def test_wrk_accepts_any_of_the_expected_bodies(tiny_server):
    # A kept answer has two right forms: compressed fast (a worker's first) and at the best level.
    require(load.available(), "wrk (apt-get install wrk)")
    requests = [load.get(path) for path in ("/attendu", "/autre")]
    both = load.run(tiny_server, requests, 2, 1, expected=[b"attendu", b"autre"])
    one = load.run(tiny_server, requests, 2, 1, expected=[b"attendu"])
    assert both["reponses_differentes"] == 0 and both["requetes"] > 10
    assert 0 < one["reponses_differentes"] < one["requetes"]


@pytest.mark.parametrize(
    ("statuses", "socket_errors", "errors"),
    [({"200": 10}, 0, 0), ({"200": 8, "304": 1, "503": 1}, 0, 2), ({"204": 5}, 3, 3)],
)
def test_an_error_is_any_answer_outside_2xx_or_a_socket_error(statuses, socket_errors, errors):
    figures = {
        "requetes": 10,
        "duree_us": 1_000_000,
        "statuts": statuses,
        "differences": 0,
        "repetitions": 0,
        "erreurs_socket": socket_errors,
        "p50_us": 1000,
        "p90_us": 2000,
        "p99_us": 3000,
        "max_us": 4000,
        "octets": 12_000,
    }
    assert load.summary(figures, 32, 1.0)["erreurs"] == errors


def observation_count(database: Path) -> int:
    with sqlite3.connect(database) as connection:
        return connection.execute("SELECT count(*) FROM observations").fetchone()[0]


INDICATOR = "pre-plainte-en-ligne"
BREAKDOWN = "departement"
# The days the test store publishes on, in order: the earlier states the copies must keep.
DAYS = [dt.date(2025, 2, 3), dt.date(2025, 3, 3), dt.date(2025, 4, 3), dt.date(2025, 5, 3)]


def observations(days, value: float) -> pd.DataFrame:
    """Return the national series and its split between two départements, over ``days``."""
    parts = [
        pd.DataFrame(
            {
                "indicator": INDICATOR,
                "dimension": dimension,
                "member": member,
                "date": days,
                "value": value * share,
            }
        )
        for dimension, member, share in (
            ("", "", 1),
            (BREAKDOWN, "01", 0.25),
            (BREAKDOWN, "02", 0.75),
        )
    ]
    return pd.concat(parts, ignore_index=True)


@pytest.fixture
def published(settings, empty_store, clock) -> Path:
    """A data folder whose store went through every kind of publication: figures added, then
    corrected and extended, a roll back to the first, then published again."""
    january = pd.date_range("2025-01-01", "2025-01-31", freq="D")
    february = pd.date_range("2025-02-01", "2025-02-28", freq="D")
    clock(DAYS[0])
    empty_store.apply(observations(january, 4.0), kind="ingestion", source="janvier.csv")
    clock(DAYS[1])
    empty_store.apply(
        pd.concat([observations(january[10:12], 8.0), observations(february, 2.0)]),
        kind="ingestion",
        source="fevrier.csv",
    )
    clock(DAYS[2])
    empty_store.roll_back(1, by="essai", motive="envoi de février erroné")
    clock(DAYS[3])
    empty_store.apply(observations(february, 3.0), kind="ingestion", source="fevrier-bis.csv")
    empty_store.close()
    return settings.data_dir


def test_a_multiple_copies_every_indicator_and_is_reused_while_the_demo_is_the_same(
    tmp_path, published, empty_store
):
    target = tmp_path / "x3"
    rows = observation_count(published / scale.DATABASE)
    _, reused = scale.prepare(published, target, 3)
    assert not reused
    assert observation_count(target / scale.DATABASE) == 3 * rows
    with sqlite3.connect(target / scale.DATABASE) as connection:
        copies = {
            row[0] for row in connection.execute("SELECT DISTINCT indicator FROM observations")
        }
    assert copies == {INDICATOR, f"{INDICATOR}-x1", f"{INDICATOR}-x2"}
    assert scale.prepare(published, target, 3)[1]  # same demo: reused
    empty_store.apply(observations(DAYS[:1], 9.0), kind="ingestion", source="autre.csv")
    empty_store.close()
    assert not scale.prepare(published, target, 3)[1]  # another demo: built again


def as_of_values(store: Store, indicator, as_of) -> list:
    """Return every read of an indicator in one state: its national series and breakdown."""
    start, end = dt.date(2025, 1, 1), dt.date(2025, 2, 28)
    return [
        store.series(indicator, start, end, "jour", dimension, as_of=as_of).to_dict("records")
        for dimension in ("", BREAKDOWN)
    ]


def test_a_copy_reads_as_its_original_in_every_state_and_in_the_log_of_changes(
    tmp_path, published, the_catalogue
):
    target = tmp_path / "x2"
    scale.prepare(published, target, 2)
    store = Store(f"sqlite:///{target / scale.DATABASE}")
    original = the_catalogue.get(INDICATOR)
    copy = dataclasses.replace(original, id=f"{INDICATOR}-x1")
    states = [None, *range(1, store.last_publication() + 1), *DAYS]
    assert store.last_publication() == len(DAYS)
    for as_of in states:
        assert as_of_values(store, copy, as_of) == as_of_values(store, original, as_of), as_of
    # Each publication differs from the one before: a copy whose versions were lost or mixed
    # cannot read as its original in every one.
    assert all(
        as_of_values(store, original, n) != as_of_values(store, original, n + 1)
        for n in range(1, len(DAYS))
    )
    changes = store.publication_changes(copy.id)
    assert changes.assign(indicator=INDICATOR).equals(store.publication_changes(INDICATOR))
    assert store.last_update_of(copy.id) == store.last_update_of(INDICATOR) is not None
    store.close()


def test_the_reads_are_timed_in_each_state_and_reach_the_rows_by_the_primary_key(published):
    figures = scale.read_timings(published, repetitions=1)
    versions = figures["versions"]
    assert (versions["publications"], versions["publication"]) == (4, 2)
    assert versions["date"] == DAYS[1].isoformat()
    for read in ("serie", "ventilation"):
        assert set(versions[read]) == {"actuelle", "publication", "date"}
        assert {state: timing["mesures"] for state, timing in versions[read].items()} == {
            "actuelle": 1,
            "publication": 1,
            "date": 1,
        }
        assert set(versions["plans"][read].values()) == {
            "SEARCH observations USING PRIMARY KEY (indicator=? AND dimension=?)"
        }


def test_the_soak_never_asks_an_uncached_request_twice_and_mixes_every_kind():
    traffic = soak.Traffic()
    warm_up = traffic.warm_up(400)
    mixed = traffic.mixed(4000)
    uncached = warm_up + [r for r in mixed if r.method == "POST" or "granularite=jour" in r.path]
    cached_chart, cached_api = traffic.cached()
    uncached = [r for r in uncached if r not in (cached_chart, cached_api)]
    assert len(uncached) == len(set(uncached)) == 400 + 4000 * 2 // len(soak.MIX)
    paths = {r.path.split("?")[0] for r in mixed}
    assert {"/", "/_dash-update-component"} <= paths
    assert any(p.startswith("/embed/") for p in paths)
    assert any("departement=" in r.path for r in mixed)


def soak_figures(warm: dict, end: dict, errors: int = 0, complete: bool = True) -> dict:
    minute = {"erreurs": errors, "memoire_mo": end}
    return {
        "prechauffage": {"complet": complete},
        "memoire_apres_prechauffage_mo": warm,
        "tranches": [{"erreurs": 0, "memoire_mo": warm}, minute],
    }


@pytest.mark.parametrize(
    ("end", "errors", "complete", "met"),
    [
        ({"1": 109.0, "2": 100.0}, 0, True, True),
        ({"1": 110.0, "2": 100.0}, 0, True, False),  # 10 % is not less than 10 %
        ({"1": 100.0, "2": 100.0}, 1, True, False),  # an error
        ({"1": 100.0, "2": 100.0}, 0, False, False),  # caches maybe not full yet
        ({"1": 100.0, "3": 60.0}, 0, True, False),  # a worker replaced: its growth is unknown
    ],
)
def test_the_soak_target_needs_flat_memory_no_error_and_full_caches(end, errors, complete, met):
    figures = soak.verdict(soak_figures({"1": 100.0, "2": 100.0}, end, errors, complete))
    assert figures["objectif_atteint"] is met
    assert figures["erreurs"] == errors


def test_the_gestures_median_is_taken_value_by_value_and_a_started_dash_counts_once():
    runs = [
        {"lecture": {"octets_ko": 57.7, "dash_demarre": False}, "changement": {"inp_ms": 312}},
        {"lecture": {"octets_ko": 62.9, "dash_demarre": True}, "changement": {"inp_ms": 56}},
        {"lecture": {"octets_ko": 57.6, "dash_demarre": False}, "changement": {"inp_ms": 104}},
    ]
    assert first_move.median_of(runs) == {
        "lecture": {"octets_ko": 57.7, "dash_demarre": True},
        "changement": {"inp_ms": 104},
    }


def test_lighthouse_reports_the_run_of_median_score_and_every_run_s(monkeypatch):
    runs = iter(
        [
            {"score": 100, "fcp_ms": 1400},
            {"erreur": "lighthouse a échoué : NO_NAVSTART"},
            {"score": 99, "fcp_ms": 1550},
            {"score": 100, "fcp_ms": 1380},
            {"score": 98, "fcp_ms": 1600},
            {"score": 100, "fcp_ms": 1420},
        ]
    )
    monkeypatch.setattr(lighthouse, "_run", lambda url, preset: next(runs))
    result = lighthouse.score("http://127.0.0.1/", "mobile", runs=5)
    # The failed run was measured again; of 98, 99, 100, 100, 100 the median is a 100.
    assert result["score"] == 100 and result["passages"] == [100, 99, 100, 98, 100]
    monkeypatch.setattr(lighthouse, "_run", lambda url, preset: {"erreur": "lighthouse absent"})
    assert lighthouse.score("http://127.0.0.1/", "mobile", runs=2) == {
        "erreur": "lighthouse absent"
    }
