"""The performance benchmark: ``python benchmarks/run.py`` (make bench) or ``--quick`` (make test).

One run measures the Baromètre and, side by side, a minimal default Dash app (the baseline), so
that every figure has a ratio that does not depend on how loaded the machine is. It writes
docs/performance.md and docs/performance.json (``--out`` elsewhere). Nothing here asserts a time:
the targets are printed as met or not, and tests/test_performance.py only checks the machinery.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import lighthouse, load, report, scale, servers, transfer  # noqa: E402

INDICATOR = "brigade-numerique-demandes"
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


def demo_store(folder: Path, quick: bool) -> Path:
    """Create a data folder with the demo data set (the 1× volume)."""
    data_dir = folder / "demo"
    env = {**os.environ, "BAROMETRE_DATA_DIR": str(data_dir)}
    barometre = [sys.executable, "-m", "barometre"]
    subprocess.run([*barometre, "init"], env=env, check=True, capture_output=True)  # noqa: S603
    subprocess.run([*barometre, "demo"], env=env, check=True, capture_output=True)  # noqa: S603
    return data_dir


def measure_transfer(app: servers.Server, base: servers.Server, quick: bool) -> dict:
    """First and repeat visits in Chromium, the Baromètre's pages and the baseline."""
    urls = {
        "accueil": app.url + "/",
        "indicateur": app.url + f"/indicateurs/{INDICATOR}",
        "integration": app.url + f"/embed/{INDICATOR}",
        "reference_dash": base.url + "/",
    }
    if not _exists(urls["integration"]):
        del urls["integration"]
    results = transfer.measure(urls)
    return {
        name: {
            "premiere_visite_ko": round(visits["first"].bytes / 1000, 1),
            "requetes": visits["first"].requests,
            "graphiques_dessines": visits["first"].charts_drawn,
            "visite_suivante_ko": round(visits["repeat"].bytes / 1000, 1),
            "visite_suivante_retelecharge": [
                url.split("?")[0].replace(app.url, "").replace(base.url, "")
                for url, _ in visits["repeat"].downloaded
            ],
            "plus_gros": [
                [url.split("?")[0].replace(app.url, "").replace(base.url, ""),
                 round(size / 1000, 1)]
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


def measure_server(app: servers.Server, base: servers.Server, quick: bool) -> dict:
    """Cached and uncached chart callback and API call at 32 connections, and the baseline's."""
    sys.path.insert(0, str(ROOT / "tests"))
    from dash_http import callback_payload, indicator_payload

    seconds = 1.5 if quick else 10
    connections = 32
    start = dt.date.fromisoformat(CALLBACK_START)

    def chart(number: int) -> tuple[str, str, bytes]:
        body = indicator_payload(INDICATOR, str(start + dt.timedelta(days=number % 700)),
                                 CALLBACK_END, "mois")
        return "POST", "/_dash-update-component", json.dumps(body).encode()

    cached_chart = load.post_json(
        "/_dash-update-component",
        indicator_payload(INDICATOR, CALLBACK_START, CALLBACK_END, "mois"),
    )
    api_path = f"/api/v1/indicateurs/{INDICATOR}/observations"
    results = {}
    # Warm the cached answers once, as the first visitor would.
    load.run(app.url, cached_chart, 1, 5, limit=2)
    results["graphique_en_cache"] = load.run(app.url, cached_chart, connections, seconds)
    results["graphique_sans_cache"] = load.run(app.url, chart, connections, seconds)
    if _exists(app.url + api_path + "?granularite=mois"):
        cached_api = load.get(lambda _n: api_path + "?granularite=mois")
        uncached_api = load.get(
            lambda n: api_path
            + f"?granularite=mois&debut={start + dt.timedelta(days=n % 700)}"
        )
        load.run(app.url, cached_api, 1, 5, limit=2)
        results["api_en_cache"] = load.run(app.url, cached_api, connections, seconds)
        results["api_sans_cache"] = load.run(app.url, uncached_api, connections, seconds)
    baseline_body = callback_payload([("graph", "figure")], [("n", "value", 30)])
    results["reference_dash_callback"] = load.run(
        base.url, load.post_json("/_dash-update-component", baseline_body), connections, seconds
    )
    for name in ("graphique", "api"):
        cached, uncached = results.get(f"{name}_en_cache"), results.get(f"{name}_sans_cache")
        if cached and uncached and uncached["debit_par_s"]:
            results[f"{name}_rapport_debit"] = round(
                cached["debit_par_s"] / uncached["debit_par_s"], 1
            )
    return results


def measure_lighthouse(app: servers.Server, base: servers.Server) -> dict:
    """Lighthouse performance, mobile and desktop, on each page and on the baseline."""
    pages = {
        "accueil": app.url + "/",
        "indicateur": app.url + f"/indicateurs/{INDICATOR}",
        "integration": app.url + f"/embed/{INDICATOR}",
        "reference_dash": base.url + "/",
    }
    if not _exists(pages["integration"]):
        del pages["integration"]
    return {
        name: {preset: lighthouse.score(url, preset) for preset in ("mobile", "desktop")}
        for name, url in pages.items()
    }


def measure_scale(demo_dir: Path, folder: Path, factors: list[int], quick: bool) -> dict:
    """Store size, uncached series time and one worker's memory at each multiple of the demo."""
    results = {}
    for factor in factors:
        target = folder / f"x{factor}"
        preparation = scale.prepare(demo_dir, target, factor)
        figures = scale.series_timings(target, 3 if quick else 10)
        figures["preparation_s"] = round(preparation, 1)
        with servers.barometre(target, workers=1) as server:
            # The pages a visitor opens, so that the worker holds what it holds in production.
            for path in ("/", f"/indicateurs/{INDICATOR}", f"/api/v1/indicateurs/{INDICATOR}"):
                _exists(server.url + path)
            pids = server.worker_pids()
            figures["rss_worker_mo"] = round(max(servers.rss_mb(pid) for pid in pids), 1)
        results[f"{factor}x"] = figures
        if factor > 1:
            shutil.rmtree(target)
    return results


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and write its report."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small variant, no Lighthouse")
    parser.add_argument("--out", type=Path, default=ROOT / "docs", help="report folder")
    parser.add_argument("--scale", default="", help="multiples of the demo, e.g. 1,10")
    parser.add_argument("--report-only", action="store_true",
                        help="rewrite performance.md from the existing performance.json")
    arguments = parser.parse_args(argv)
    if arguments.report_only:
        result = json.loads((arguments.out / "performance.json").read_text(encoding="utf-8"))
        (arguments.out / "performance.md").write_text(report.markdown(result), encoding="utf-8")
        print(report.summary(result))
        return 0
    quick = arguments.quick
    factors = [int(x) for x in (arguments.scale or ("1" if quick else "1,10")).split(",")]
    started = time.perf_counter()
    result = {"date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
              "variante": "rapide" if quick else "complete", "machine": machine()}
    with tempfile.TemporaryDirectory(prefix="barometre-bench-") as scratch:
        folder = Path(scratch)
        print("données de démonstration…", flush=True)
        demo_dir = demo_store(folder, quick)
        with servers.barometre(demo_dir) as app, servers.baseline(folder / "reference") as base:
            print("transfert (Chromium)…", flush=True)
            result["transfert"] = measure_transfer(app, base, quick)
            print("serveur (32 connexions)…", flush=True)
            result["serveur"] = measure_server(app, base, quick)
            if quick:
                result["lighthouse"] = {}
            else:
                print("Lighthouse…", flush=True)
                result["lighthouse"] = measure_lighthouse(app, base)
        print("volume de données…", flush=True)
        result["volume"] = measure_scale(demo_dir, folder, factors, quick)
    result["duree_s"] = round(time.perf_counter() - started, 1)
    arguments.out.mkdir(parents=True, exist_ok=True)
    (arguments.out / "performance.json").write_text(
        json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    (arguments.out / "performance.md").write_text(report.markdown(result), encoding="utf-8")
    print(report.summary(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
