"""The soak: minutes of steady mixed traffic, and whether a worker's memory stays flat under it.

A worker keeps whole answers in a bounded LRU (``web/answers.py``, ``BAROMETRE_ANSWERS_MB`` per
process) and the memoized data in the shared file cache or Redis. Until the LRU is full, memory
grows by design; the soak first fills it, then measures. The warm-up replays answers never asked
before (every one is kept) until the bytes received reach twice what every worker's LRU can hold,
so that each is full whatever the share of requests each worker took. From there on, every
minute of the mix (cached and uncached chart callbacks, API calls, pages and embeds) gives its
p50, p99, throughput and errors, and each worker's resident memory.

The verdict compares the memory at the end with the memory after the warm-up: less than 10 %
growth and no error. Nothing here asserts: the report prints whether the target is met.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from barometre.data import catalogue
from barometre.urls import Urls
from benchmarks import load, servers

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from dash_http import indicator_payload  # noqa: E402

CALLBACK = "/_dash-update-component"
FIRST_DAY = dt.date(2023, 1, 1)
# The cached requests of the mix: the ones a busy day repeats (the default page's chart and API).
CACHED_INDICATOR = "brigade-numerique-demandes"
# Memory growth allowed from the end of the warm-up to the end of the soak.
GROWTH_TARGET = 0.10
# Requests a second assumed before a first slice says: of uncached answers, of the mix.
FIRST_RATE = {"warm_up": 300, "mix": 1000}
# What a day's traffic looks like: mostly the default pages' requests, kept in memory; one
# request in ten asks for a period nobody asked before; pages and embeds in turn.
MIX = ("cached",) * 12 + ("cached_api",) * 3 + ("chart", "api", "page", "page", "embed")
# While warming up, seven uncached API calls a chart callback: both kinds of answers are kept,
# and a re-user's download of eight years of days (a few times cheaper to make than a chart, and
# larger) fills the caches sooner.
WARM_UP = ("download",) * 7 + ("chart",)
# The days of a download: eight years and some, from a first day in 2016 or 2017.
DOWNLOAD_FIRST_DAY = dt.date(2016, 1, 1)
DOWNLOAD_DAYS = 3000


@dataclass(frozen=True)
class Plan:
    """How long each part lasts (``quick``: a few seconds, to check that the machinery works)."""

    slices: int
    slice_seconds: int
    warm_up_slice_seconds: int
    warm_up_max_slices: int
    # Warm-up: as fast as the workers go. The mix: a steady load, which a handful of clients
    # that never pause already makes CPU-bound, without a queue of 32 in front of each answer.
    warm_up_connections: int = 32
    connections: int = 4

    @classmethod
    def of(cls, quick: bool) -> Plan:
        if quick:
            return cls(slices=2, slice_seconds=3, warm_up_slice_seconds=3, warm_up_max_slices=4)
        return cls(slices=4, slice_seconds=60, warm_up_slice_seconds=30, warm_up_max_slices=24)


class Traffic:
    """The soak's requests: never-asked periods for the uncached ones, the site's pages in turn.

    An uncached request is numbered: number n asks indicator n mod k for the n-th period of its
    list, so no number is asked twice in a run (``next_uncached`` moves on).
    """

    def __init__(self, prefix: str = "/") -> None:
        indicators = catalogue.load()
        self.urls = Urls(prefix)
        self.monthly = [i.id for i in indicators.indicators if "mois" in i.granularities]
        self.daily = [i.id for i in indicators.indicators if "jour" in i.granularities]
        departements = indicators.breakdowns["departement"].codes
        with_departements = [i.id for i in indicators.indicators if "departement" in i.breakdowns]
        self.pages = [
            self.urls.path("/"),
            *(self.urls.indicator(i.id) for i in indicators.indicators),
            *(self.urls.family(f.id) for f in indicators.families),
            *(
                self.urls.indicator(indicator, departement=code)
                for indicator in with_departements
                for code in departements
            ),
        ]
        self.embeds = [
            self.urls.path(f"/embed/{i.id}", theme=theme)
            for i in indicators.indicators
            for theme in ("clair", "sombre")
        ]
        self.next_uncached = 0
        self.next_page = 0

    def _period(
        self, number: int, count: int, first_day: dt.date = FIRST_DAY, days: int = 300
    ) -> tuple[str, str]:
        # 700 first days × 60 lengths: 42,000 periods an indicator.
        index = number // count
        first = first_day + dt.timedelta(days=index % 700)
        return str(first), str(first + dt.timedelta(days=days + (index // 700) % 60))

    def chart(self, number: int) -> load.Request:
        indicator = self.monthly[number % len(self.monthly)]
        return load.post_json(
            CALLBACK,
            indicator_payload(indicator, *self._period(number, len(self.monthly)), "mois"),
        )

    def api(self, number: int, download: bool = False) -> load.Request:
        indicator = self.daily[number % len(self.daily)]
        if download:
            start, end = self._period(number, len(self.daily), DOWNLOAD_FIRST_DAY, DOWNLOAD_DAYS)
        else:
            start, end = self._period(number, len(self.daily))
        return load.get(
            self.urls.path(
                f"/api/v1/indicateurs/{indicator}/observations",
                granularite="jour",
                debut=start,
                fin=end,
            )
        )

    def cached(self) -> list[load.Request]:
        """The two requests every visitor of the default page makes."""
        return [
            load.post_json(
                CALLBACK, indicator_payload(CACHED_INDICATOR, "2024-01-01", "2025-12-31", "mois")
            ),
            load.get(
                self.urls.path(
                    f"/api/v1/indicateurs/{CACHED_INDICATOR}/observations", granularite="mois"
                )
            ),
        ]

    def uncached(self, kind: str) -> load.Request:
        """A request never asked before: a chart callback, an API call or a long download."""
        number = self.next_uncached
        self.next_uncached += 1
        return self.chart(number) if kind == "chart" else self.api(number, kind == "download")

    def warm_up(self, count: int) -> list[load.Request]:
        """``count`` requests never asked before, in the proportions of ``WARM_UP``."""
        return [self.uncached(WARM_UP[position % len(WARM_UP)]) for position in range(count)]

    def mixed(self, count: int) -> list[load.Request]:
        """``count`` requests of the mix (``MIX``), in that order, over and over."""
        cached_chart, cached_api = self.cached()
        requests = []
        for position in range(count):
            kind = MIX[position % len(MIX)]
            if kind == "cached":
                requests.append(cached_chart)
            elif kind == "cached_api":
                requests.append(cached_api)
            elif kind in ("chart", "api"):
                requests.append(self.uncached(kind))
            else:
                targets = self.pages if kind == "page" else self.embeds
                requests.append(load.get(targets[self.next_page % len(targets)]))
                self.next_page += 1
        return requests


def lines_for(rate: float, seconds: int, instances: int) -> int:
    """Lines of a slice's list for each instance: twice what the last slice's rate would send."""
    return max(1000, int(2 * rate * seconds / instances))


def memory(instances: Sequence[servers.Server]) -> dict[str, float]:
    """Each worker's resident memory in MB, by process id (a worker gone meanwhile is left out:
    ``verdict`` reports it replaced)."""
    found = {}
    for instance in instances:
        for pid in instance.worker_pids():
            with contextlib.suppress(FileNotFoundError, ProcessLookupError):
                found[str(pid)] = round(servers.rss_mb(pid), 1)
    return found


def run_together(
    instances: Sequence[servers.Server],
    lists: Sequence[list[load.Request]],
    connections: int,
    seconds: int,
) -> dict:
    """Load every instance at once, each with its list of ``lists`` and its share of
    ``connections``; return the run's figures.

    p50 and p99 are the worst of the instances'; requests, errors and bytes are summed.
    """
    results: list[dict] = [{} for _ in instances]
    failures: list[BaseException] = []
    share = max(1, connections // len(instances))

    def one(position: int, instance: servers.Server) -> None:
        try:
            results[position] = load.run(instance.url, lists[position], share, seconds)
        except BaseException as error:  # noqa: BLE001 - raised again below, in the caller
            failures.append(error)

    threads = [
        threading.Thread(target=one, args=(position, instance))
        for position, instance in enumerate(instances)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
    return {
        "requetes": sum(r["requetes"] for r in results),
        "erreurs": sum(r["erreurs"] for r in results),
        "debit_par_s": round(sum(r["debit_par_s"] for r in results), 1),
        "p50_ms": max(r["p50_ms"] for r in results),
        "p99_ms": max(r["p99_ms"] for r in results),
        "octets": sum(r["octets"] for r in results),
        "charge_1min": max(r["charge_1min"] for r in results),
        # A list replayed from its start asks again what it asked: uncached lines become cached.
        "requetes_repetees": any(r["requetes_repetees"] for r in results),
    }


def one_slice(
    instances: Sequence[servers.Server],
    requests: Callable[[int], list[load.Request]],
    connections: int,
    seconds: int,
    rate: float,
) -> dict:
    """Run one slice: each instance replays ``requests(count)``, ``count`` sized from the last
    slice's ``rate`` so that the list lasts the slice."""
    count = lines_for(rate, seconds, len(instances))
    return run_together(instances, [requests(count) for _ in instances], connections, seconds)


def soak(
    instances: Sequence[servers.Server], answers_mb: int, quick: bool, prefix: str = "/"
) -> dict:
    """Warm every worker's caches up, then run the mix minute by minute; return the figures."""
    plan = Plan.of(quick)
    traffic = Traffic(prefix)
    workers = sum(len(instance.worker_pids()) for instance in instances)
    target_bytes = 2 * workers * answers_mb * 1024 * 1024
    started = time.monotonic()
    received = 0
    warm_up_slices = 0
    rate = FIRST_RATE["warm_up"]
    while received < target_bytes and warm_up_slices < plan.warm_up_max_slices:
        figures = one_slice(
            instances, traffic.warm_up, plan.warm_up_connections, plan.warm_up_slice_seconds, rate
        )
        rate = figures["debit_par_s"]
        received += figures["octets"]
        warm_up_slices += 1
        print(
            f"    préchauffage {warm_up_slices} : {received / 1e6:.1f} Mo reçus "
            f"sur {target_bytes / 1e6:.0f}",
            flush=True,
        )
    warm = memory(instances)
    minutes = []
    rate = FIRST_RATE["mix"]
    for number in range(plan.slices):
        figures = one_slice(instances, traffic.mixed, plan.connections, plan.slice_seconds, rate)
        rate = figures["debit_par_s"]
        figures["memoire_mo"] = memory(instances)
        minutes.append(figures)
        print(f"    tranche {number + 1} : {figures}", flush=True)
    return verdict(
        {
            "processus": workers,
            "reponses_mo_par_processus": answers_mb,
            "prechauffage": {
                "octets_recus": received,
                "octets_vises": target_bytes,
                "complet": received >= target_bytes,
                "tranches": warm_up_slices,
                "duree_s": round(time.monotonic() - started, 1),
            },
            "memoire_apres_prechauffage_mo": warm,
            "tranche_s": plan.slice_seconds,
            "tranches": minutes,
        }
    )


def verdict(figures: dict) -> dict:
    """Add the memory growth of each worker and whether the targets are met."""
    warm = figures["memoire_apres_prechauffage_mo"]
    end = figures["tranches"][-1]["memoire_mo"] if figures["tranches"] else {}
    replaced = sorted(set(warm) ^ set(end))
    growth = {
        pid: round((end[pid] - warm[pid]) / warm[pid], 3)
        for pid in warm
        if pid in end and warm[pid]
    }
    errors = sum(minute["erreurs"] for minute in figures["tranches"])
    return {
        **figures,
        "croissance_memoire": growth,
        "processus_remplaces": replaced,
        "erreurs": errors,
        "objectif_atteint": bool(
            growth
            and figures["prechauffage"]["complet"]
            and not replaced
            and max(growth.values()) < GROWTH_TARGET
            and errors == 0
        ),
    }
