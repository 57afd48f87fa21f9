"""The objects a running app shares: settings, catalogue, store and cache, plus memoization."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import math
import os
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import flask
from flask_caching import Cache
from flask_caching.backends.filesystemcache import FileSystemCache

from barometre.config import Settings
from barometre.data.catalogue import Catalogue
from barometre.data.events import Events
from barometre.data.store import Store

log = logging.getLogger(__name__)
T = TypeVar("T")
EXTENSION = "barometre"


def _code_version() -> str:
    """Return a digest of the package's Python sources.

    Part of every memoized key: the file or Redis cache outlives a deployment, and what a new
    version computes (a figure with one more trace, a table with one more column) must never be
    answered by what the old one kept for the same data.
    """
    digest = hashlib.sha256()
    for source in sorted(Path(__file__).parent.parent.rglob("*.py")):
        digest.update(source.read_bytes())
    return digest.hexdigest()[:12]


CODE_VERSION = _code_version()


@dataclass
class Services:
    """What callbacks, routes and layouts need, created once per app by ``create_app``."""

    settings: Settings
    catalogue: Catalogue
    store: Store
    cache: Cache
    events: Events = Events()

    @functools.cached_property
    def context(self) -> str:
        """Return a digest of the code, the catalogue, the events and the secrecy threshold:
        a figure kept under another threshold must never be shown under this one."""
        parts = (CODE_VERSION, repr(self.catalogue), self.events.digest)
        text = repr((*parts, self.settings.secrecy_threshold))
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def memoized(self, name: str, params: tuple, compute: Callable[[], T]) -> T:
        """Return ``compute()``, cached under ``name``, ``params``, the store's data version and
        what the answer depends on besides them (``context``).

        The data version is part of the key, so a committed write makes every older entry
        unreachable: new data is never hidden behind a stale cache; so is the context, for the
        same reason after a deployment or a change of settings (the file or Redis cache outlives
        both, and is shared by instances). A cache that fails (Redis down) is bypassed with a
        warning, never turned into an error page.
        """
        digest = hashlib.sha256(json.dumps(params, default=str).encode()).hexdigest()[:32]
        key = f"barometre:{name}:{self.context}:{self.store.data_version()}:{digest}"
        try:
            value = self.cache.get(key)
        except Exception as error:  # noqa: BLE001 - any cache backend failure is bypassed
            log.warning("cache indisponible, lecture directe : %s", error)
            return compute()
        if value is not None:
            return value
        value = compute()
        try:
            self.cache.set(key, value)
        except Exception as error:  # noqa: BLE001
            log.warning("cache indisponible, valeur non conservée : %s", error)
        return value


class FileCache(FileSystemCache):
    """flask-caching's file cache, pruned in bulk.

    Past its threshold, cachelib's file cache reads every file of its folder to remove the expired
    entries, then the oldest down to the threshold exactly: each new entry then reads the whole
    folder again, and a worker that computes new answers slows down by orders of magnitude (the
    soak of docs/performance.md found it). This one reads the folder once and removes the expired
    entries, then those that expire first, down to ``PRUNED_TO`` of the threshold: a full folder
    is read once every few hundred new entries. It rests on cachelib's private helpers
    (``_list_dir``, ``_update_count``): tests/test_performance.py checks it on each upgrade.
    """

    PRUNED_TO = 0.8
    # gthread workers (BAROMETRE_SERVER_THREADS): one thread of a process prunes, the others go on.
    _pruning = threading.Lock()

    def _prune(self) -> None:
        if not self._over_threshold() or not self._pruning.acquire(blocking=False):
            return
        try:
            now = time.time()
            entries = []
            for name in self._list_dir():
                try:
                    with open(name, "rb") as file:
                        expires = struct.unpack("I", file.read(4))[0]
                except (OSError, struct.error):
                    continue  # gone meanwhile (another process pruned it), or being written
                # Expired first, then those that expire soonest; never-expiring ones last.
                entries.append((not (expires and expires < now), expires or math.inf, name))
            entries.sort()
            excess = len(entries) - int(self._threshold * self.PRUNED_TO)
            for _, _, name in entries[: max(excess, 0)]:
                with contextlib.suppress(FileNotFoundError):
                    os.remove(name)
            self._update_count(value=min(len(entries), len(entries) - excess))
        finally:
            self._pruning.release()


def cache_config(settings: Settings) -> dict[str, Any]:
    """Return the flask-caching configuration: Redis if configured, else a shared file cache."""
    common = {"CACHE_DEFAULT_TIMEOUT": settings.cache_timeout, "CACHE_KEY_PREFIX": ""}
    if settings.cache_url:
        if not settings.cache_url.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError(
                f"BAROMETRE_CACHE_URL={settings.cache_url!r} : une adresse redis://… est attendue."
            )
        return {
            **common,
            "CACHE_TYPE": "RedisCache",
            "CACHE_REDIS_URL": settings.cache_url,
            # A dead Redis must cost a request milliseconds, not seconds: the cache is bypassed.
            "CACHE_OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.5},
        }
    return {
        **common,
        "CACHE_TYPE": f"{__name__}.FileCache",
        "CACHE_DIR": str(settings.cache_dir),
        "CACHE_THRESHOLD": 5000,
    }


def current() -> Services:
    """Return the services of the app handling the current request."""
    return flask.current_app.extensions[EXTENSION]
