"""The performance benchmark: ``python benchmarks/run.py`` (make bench) or ``--quick`` (make test).

One run measures the Baromètre and, side by side, a minimal default Dash app (the baseline), so
that every figure has a ratio that does not depend on how loaded the machine is. It writes
docs/performance.md and docs/performance.json (``--out`` elsewhere). Nothing here asserts a time:
the targets are printed as met or not, and tests/test_performance.py only checks the machinery.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import gzip
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import brotli

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from barometre.config import Settings  # noqa: E402
from barometre.web import static  # noqa: E402
from benchmarks import (  # noqa: E402
    first_move,
    lighthouse,
    load,
    report,
    scale,
    servers,
    soak,
    transfer,
)

INDICATOR = "brigade-numerique-demandes"
# Visits of each page whose gestures are measured: the report gives each figure's median, for
# a 4× slowed CPU on a shared machine makes single visits vary by tens of milliseconds.
GESTURE_REPEATS = 3
CALLBACK_START, CALLBACK_END = "2024-01-01", "2025-12-31"


def machine() -> dict:
    """Describe the machine the figures come from."""
    cpu = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
    return {
        "processeur": cpu,
        "coeurs": os.cpu_count(),
        "memoire_go": round(int(memory) / 1024 / 1024, 1),
        "systeme": platform.platform(),
        "python": platform.python_version(),
        "charge_1min": round(os.getloadavg()[0], 2),
    }


def demo_store(folder: Path) -> tuple[Path, float]:
    """Create a data folder with the demo data set (the 1× volume); return it and the seconds
    that ``barometre demo`` took (the install of every monthly publication)."""
    data_dir = folder / "demo"
    env = {**os.environ, "BAROMETRE_DATA_DIR": str(data_dir)}
    barometre = [sys.executable, "-m", "barometre"]
    subprocess.run([*barometre, "init"], env=env, check=True, capture_output=True)  # noqa: S603
    started = time.perf_counter()
    subprocess.run([*barometre, "demo"], env=env, check=True, capture_output=True)  # noqa: S603
    return data_dir, time.perf_counter() - started


def pages(app: servers.Server, base: servers.Server) -> dict[str, str]:
    """The pages measured: home, an indicator, an embed (when the app has them), the baseline."""
    urls = {
        "accueil": app.url + "/",
        "indicateur": app.url + f"/indicateurs/{INDICATOR}",
        "integration": app.url + f"/embed/{INDICATOR}",
        "reference_dash": base.url + "/",
    }
    if not _exists(urls["integration"]):
        del urls["integration"]
    return urls


def measure_transfer(app: servers.Server, base: servers.Server, quick: bool) -> dict:
    """First and repeat visits in Chromium, the Baromètre's pages and the baseline."""
    results = transfer.measure(pages(app, base))
    return {
        name: {
            "premiere_visite_ko": round(visits["first"].bytes / 1000, 1),
            "lecture_seule_ko": round(visits["first"].reading_bytes / 1000, 1),
            "requetes": visits["first"].requests,
            "graphiques_dessines": visits["first"].charts_drawn,
            "visite_suivante_ko": round(visits["repeat"].bytes / 1000, 1),
            "visite_suivante_retelecharge": [
                url.split("?")[0].replace(app.url, "").replace(base.url, "")
                for url, _ in visits["repeat"].downloaded
            ],
            "plus_gros": [
                [
                    url.split("?")[0].replace(app.url, "").replace(base.url, ""),
                    round(size / 1000, 1),
                ]
                for url, size in visits["first"].downloaded[:6]
            ],
        }
        for name, visits in results.items()
    }


def _exists(url: str) -> bool:
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=30):  # noqa: S310 - our own local server
            return True
    except OSError:
        return False


# The server configurations compared side by side (cached chart callback, 32 connections): what
# ``barometre serve`` runs by default first, then the alternatives it was chosen against.
CONFIGURATIONS = {
    "2 processus sync (défaut)": (2, {}),
    "2 processus gthread × 2 fils": (2, {"BAROMETRE_SERVER_THREADS": "2"}),
    "2 processus gthread × 4 fils": (2, {"BAROMETRE_SERVER_THREADS": "4"}),
    "4 processus sync": (4, {}),
}


def dated(start: dt.date, number: int) -> tuple[str, str]:
    """Return the ``number``-th distinct (start, end) period after ``start``: 700 × 60 of them."""
    first = start + dt.timedelta(days=number % 700)
    return str(first), str(first + dt.timedelta(days=300 + (number // 700) % 60))


def expected_answers(url: str, request: load.Request) -> list[bytes]:
    """Return the bytes a cached answer to ``request`` may have, checked: a 200 whose JSON
    decodes, the same content computed and kept.

    Each worker sends its first answer compressed fast and every later one compressed at the best
    level (answers.py): under load every answer must have exactly one of these two.
    """
    answers = [load.fetch(url, request) for _ in range(2)]
    for status, _ in answers:
        if status != 200:
            raise RuntimeError(f"{request.path} : HTTP {status}")
    contents = {_decoded(body) for _, body in answers}
    if len(contents) != 1:
        raise RuntimeError(f"{request.path} : la réponse gardée en mémoire diffère de la calculée")
    content = contents.pop()
    json.loads(content)
    encoding = "gzip" if answers[0][1][:2] == b"\x1f\x8b" else "br"
    return [static.compress(content, encoding, fast=True), static.compress(content, encoding)]


def _decoded(body: bytes) -> bytes:
    if body[:2] == b"\x1f\x8b":
        return gzip.decompress(body)
    try:
        return brotli.decompress(body)
    except brotli.error:
        return body


def measure_server(app: servers.Server, base: servers.Server, quick: bool, data_dir: Path) -> dict:
    """Cached and uncached chart callback and API call at 32 connections, and the baseline's.

    An uncached run sends requests that all differ (another period each), so that neither the
    kept answers nor the memoized data can serve them: what the first visitor of a period costs.
    """
    sys.path.insert(0, str(ROOT / "tests"))
    from dash_http import callback_payload, indicator_payload

    seconds = 2 if quick else 10
    connections = 32
    start = dt.date.fromisoformat(CALLBACK_START)
    callback = "/_dash-update-component"
    distinct = range(2000 if quick else 40000)
    cached_chart = load.post_json(
        callback, indicator_payload(INDICATOR, CALLBACK_START, CALLBACK_END, "mois")
    )
    charts = [
        load.post_json(callback, indicator_payload(INDICATOR, *dated(start, n), "mois"))
        for n in distinct
    ]
    api_path = f"/api/v1/indicateurs/{INDICATOR}/observations"
    results = {"generateur": f"wrk, {load.THREADS} fils, {connections} connexions"}

    def measure(server: servers.Server, requests: list[load.Request], cached: bool) -> dict:
        expected = expected_answers(server.url, requests[0]) if cached else None
        return load.run(server.url, requests, connections, seconds, expected, server.worker_pids())

    results["graphique_en_cache"] = measure(app, [cached_chart], cached=True)
    results["graphique_sans_cache"] = measure(app, charts, cached=False)
    if _exists(app.url + api_path + "?granularite=mois"):
        cached_api = load.get(api_path + "?granularite=mois")
        apis = [
            load.get(api_path + "?granularite=jour&debut={}&fin={}".format(*dated(start, n)))
            for n in distinct
        ]
        results["api_en_cache"] = measure(app, [cached_api], cached=True)
        results["api_sans_cache"] = measure(app, apis, cached=False)
    baseline = load.post_json(
        callback, callback_payload([("graph", "figure")], [("n", "value", 30)])
    )
    results["reference_dash_callback"] = measure(base, [baseline], cached=True)
    for name in ("graphique", "api"):
        cached, uncached = results.get(f"{name}_en_cache"), results.get(f"{name}_sans_cache")
        if cached and uncached and uncached["debit_par_s"]:
            results[f"{name}_rapport_debit"] = round(
                cached["debit_par_s"] / uncached["debit_par_s"], 1
            )
    if not quick:
        results["configurations"] = measure_configurations(data_dir, cached_chart)
    return results


def measure_configurations(data_dir: Path, request: load.Request, rounds: int = 3) -> dict:
    """The cached chart callback under each of ``CONFIGURATIONS``, in turn, ``rounds`` times.

    Every server runs at once (an idle one costs no CPU) and each round measures each of them
    for 3 s: a change in the machine's load hits every configuration alike. The run kept for a
    configuration is its median by p99; the p99 of every round is kept beside it.
    """
    with contextlib.ExitStack() as stack:
        started = {
            name: stack.enter_context(
                servers.barometre(
                    data_dir, workers=workers, env=env, log=f"configuration-{number}.log"
                )
            )
            for number, (name, (workers, env)) in enumerate(CONFIGURATIONS.items())
        }
        expected = {name: expected_answers(server.url, request) for name, server in started.items()}
        runs: dict[str, list[dict]] = {name: [] for name in started}
        for _ in range(rounds):
            for name, server in started.items():
                runs[name].append(
                    load.run(server.url, [request], 32, 3, expected[name], server.worker_pids())
                )
    figures = {}
    for name, measured in runs.items():
        measured.sort(key=lambda run: run["p99_ms"])
        figures[name] = {
            **measured[len(measured) // 2],
            "p99_des_tours_ms": [run["p99_ms"] for run in measured],
        }
    return figures


def measure_lighthouse(app: servers.Server, base: servers.Server) -> dict:
    """Lighthouse performance, mobile and desktop, on each page and on the baseline."""
    return {
        name: {preset: lighthouse.score(url, preset) for preset in ("mobile", "desktop")}
        for name, url in pages(app, base).items()
    }


def measure_scale(
    demo_dir: Path, folder: Path, factors: list[int], quick: bool, demo_s: float
) -> dict:
    """Store size, uncached reads (current and as published earlier) and one worker's memory
    at each multiple of the demo; at 1×, the seconds ``demo_s`` its install took.

    The multiplied stores are kept in ``folder`` and reused by the next run with the same demo.
    """
    results = {}
    for factor in factors:
        target = folder / f"x{factor}"
        print(f"  {factor}× : préparation…", flush=True)
        preparation, reused = scale.prepare(demo_dir, target, factor)
        figures = scale.read_timings(target, 3 if quick else 10)
        figures["preparation_s"] = round(preparation, 1)
        figures["base_reprise"] = reused
        if factor == 1:
            figures["installation_demo_s"] = round(demo_s, 1)
        # A kept store's folder keeps the file cache of its last run: a worker would serve the
        # pages from it without computing them, and hold less than the first one did.
        shutil.rmtree(Settings(data_dir=target).cache_dir, ignore_errors=True)
        with servers.barometre(target, workers=1) as server:
            # The pages a visitor opens, so that the worker holds what it holds in production.
            for path in ("/", f"/indicateurs/{INDICATOR}", f"/api/v1/indicateurs/{INDICATOR}"):
                _exists(server.url + path)
            pids = server.worker_pids()
            figures["rss_worker_mo"] = round(max(servers.rss_mb(pid) for pid in pids), 1)
        figures["date"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        figures["charge_1min"] = round(os.getloadavg()[0], 2)
        results[f"{factor}x"] = figures
        print(f"  {factor}× : {figures}", flush=True)
    return results


SOAK_SETUPS = ("sqlite", "postgresql_redis")


def measure_soak(
    demo_dir: Path, folder: Path, quick: bool, setups: tuple[str, ...] = SOAK_SETUPS
) -> dict:
    """The soak (benchmarks/soak.py) on the SQLite store, then on two instances sharing one
    PostgreSQL and one Redis (full run only); ``setups`` says which of the two.

    The quick run gives each worker a 1 MB answers cache, which a few seconds fill: it checks
    the machinery, its figures say nothing of the default's.
    """
    answers_mb = 1 if quick else Settings().answers_mb
    env = {"BAROMETRE_ANSWERS_MB": str(answers_mb)}
    results = {}
    if "sqlite" in setups:
        print("  SQLite, 2 processus…", flush=True)
        with servers.barometre(demo_dir, env=env, log="endurance.log") as app:
            results["sqlite"] = soak.soak([app], answers_mb, quick)
    if quick or "postgresql_redis" not in setups:
        return results
    sys.path.insert(0, str(ROOT / "tests"))
    from servers import PostgreSQL, Redis

    print("  PostgreSQL + Redis, 2 instances d'un processus : chargement de la démo…", flush=True)
    postgresql = PostgreSQL()
    redis = Redis(folder / "redis")
    try:
        url = postgresql.create_database("endurance")
        shared = {**env, "BAROMETRE_DATABASE_URL": url, "BAROMETRE_CACHE_URL": redis.url}
        loading = {**os.environ, **shared, "BAROMETRE_DATA_DIR": str(folder / "pg-demo")}
        for command in ("init", "demo"):
            subprocess.run(  # noqa: S603 - our own command line
                [sys.executable, "-m", "barometre", command],
                env=loading,
                check=True,
                capture_output=True,
            )
        with contextlib.ExitStack() as stack:
            instances = []
            for name in ("a", "b"):
                data_dir = folder / f"instance-{name}"
                data_dir.mkdir()
                instances.append(
                    stack.enter_context(servers.barometre(data_dir, workers=1, env=shared))
                )
            results["postgresql_redis"] = soak.soak(instances, answers_mb, quick)
    finally:
        redis.stop()
        postgresql.remove()
    return results


def carried_over(previous: Path, measured: dict) -> dict:
    """Return the volumes measured by an earlier run (``--scale 100`` alone) and not by this one."""
    try:
        volume = json.loads(previous.read_text(encoding="utf-8")).get("volume", {})
    except (OSError, ValueError):
        return {}
    return {
        factor: {**figures, "mesure_anterieure": True}
        for factor, figures in volume.items()
        if factor not in measured
    }


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and write its report."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small variant, no Lighthouse")
    parser.add_argument("--out", type=Path, default=ROOT / "docs", help="report folder")
    parser.add_argument("--scale", default="", help="multiples of the demo, e.g. 1,10")
    parser.add_argument(
        "--volume-only",
        action="store_true",
        help="measure only the --scale volumes, added to the existing report",
    )
    parser.add_argument(
        "--server-only",
        action="store_true",
        help="measure only the server part, in place of the existing report's",
    )
    parser.add_argument(
        "--gestures-only",
        action="store_true",
        help="measure only the reader's gestures on a slow phone, in place of the report's",
    )
    parser.add_argument(
        "--lighthouse-only",
        action="store_true",
        help="measure only Lighthouse, in place of the existing report's",
    )
    parser.add_argument(
        "--soak-only",
        nargs="?",
        const=",".join(SOAK_SETUPS),
        default="",
        help="measure only the soak (or only some of its set-ups: sqlite, postgresql_redis), "
        "in place of the existing report's",
    )
    parser.add_argument(
        "--volume-dir",
        type=Path,
        default=ROOT / "tmp" / "bench-volume",
        help="where the multiplied stores are kept for the next run",
    )
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="rewrite performance.md from the existing performance.json",
    )
    arguments = parser.parse_args(argv)
    previous = arguments.out / "performance.json"
    if arguments.report_only:
        result = json.loads(previous.read_text(encoding="utf-8"))
        (arguments.out / "performance.md").write_text(report.markdown(result), encoding="utf-8")
        print(report.summary(result))
        return 0
    quick = arguments.quick
    factors = [int(x) for x in (arguments.scale or ("1" if quick else "1,10")).split(",")]
    started = time.perf_counter()
    result = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "variante": "rapide" if quick else "complete",
        "machine": machine(),
    }
    with tempfile.TemporaryDirectory(prefix="barometre-bench-") as scratch:
        folder = Path(scratch)
        print("données de démonstration…", flush=True)
        demo_dir, demo_s = demo_store(folder)
        if (
            arguments.volume_only
            or arguments.server_only
            or arguments.soak_only
            or arguments.gestures_only
            or arguments.lighthouse_only
        ):
            # One part measured again, the rest of the report kept: the part says when.
            if previous.exists():
                result = json.loads(previous.read_text(encoding="utf-8"))
            if arguments.volume_only:
                volume = measure_scale(demo_dir, arguments.volume_dir, factors, quick, demo_s)
                result["volume"] = {**result.get("volume", {}), **volume}
            elif arguments.gestures_only:
                with (
                    servers.barometre(demo_dir) as app,
                    servers.baseline(folder / "reference") as base,
                ):
                    result["gestes"] = {
                        **first_move.measure(pages(app, base), repeats=GESTURE_REPEATS),
                        "mesure_a_part": {
                            "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                            "charge_1min": round(os.getloadavg()[0], 2),
                        },
                    }
                result.pop("premier_geste", None)
            elif arguments.lighthouse_only:
                with (
                    servers.barometre(demo_dir) as app,
                    servers.baseline(folder / "reference") as base,
                ):
                    first_move.warm(pages(app, base).values())
                    result["lighthouse"] = {
                        **measure_lighthouse(app, base),
                        "mesure_a_part": {
                            "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                            "charge_1min": round(os.getloadavg()[0], 2),
                        },
                    }
            elif arguments.soak_only:
                setups = tuple(arguments.soak_only.split(","))
                unknown = set(setups) - set(SOAK_SETUPS)
                if unknown:
                    parser.error(f"--soak-only : {', '.join(sorted(unknown))} inconnu(s)")
                measured = measure_soak(demo_dir, folder, quick, setups)
                result["endurance"] = {**result.get("endurance", {}), **measured}
            else:
                separately = {
                    "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                    "charge_1min": round(os.getloadavg()[0], 2),
                }
                with (
                    servers.barometre(demo_dir) as app,
                    servers.baseline(folder / "reference") as base,
                ):
                    result["serveur"] = {
                        **measure_server(app, base, quick, demo_dir),
                        "mesure_a_part": separately,
                    }
            result.setdefault("duree_s", round(time.perf_counter() - started, 1))
            arguments.out.mkdir(parents=True, exist_ok=True)
            _write(arguments.out, result)
            return 0
        with servers.barometre(demo_dir) as app, servers.baseline(folder / "reference") as base:
            print("transfert (Chromium)…", flush=True)
            result["transfert"] = measure_transfer(app, base, quick)
            print("serveur (32 connexions)…", flush=True)
            result["serveur"] = measure_server(app, base, quick, demo_dir)
            if quick:
                result["lighthouse"] = {}
            else:
                print("Lighthouse…", flush=True)
                result["lighthouse"] = measure_lighthouse(app, base)
            print("gestes du lecteur (Chromium, processeur ralenti 4×)…", flush=True)
            result["gestes"] = first_move.measure(
                pages(app, base), repeats=1 if quick else GESTURE_REPEATS
            )
        print("volume de données…", flush=True)
        result["volume"] = measure_scale(demo_dir, arguments.volume_dir, factors, quick, demo_s)
        result["volume"].update(carried_over(previous, result["volume"]))
        print("endurance…", flush=True)
        result["endurance"] = measure_soak(demo_dir, folder, quick)
    result["duree_s"] = round(time.perf_counter() - started, 1)
    arguments.out.mkdir(parents=True, exist_ok=True)
    _write(arguments.out, result)
    return 0


def _write(out: Path, result: dict) -> None:
    (out / "performance.json").write_text(
        json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    (out / "performance.md").write_text(report.markdown(result), encoding="utf-8")
    print(report.summary(result))


if __name__ == "__main__":
    sys.exit(main())
