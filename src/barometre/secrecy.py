"""Former home of statistical secrecy: a thin bridge to ``barometre.publish``.

Kept only while ``views.py`` and ``embed.py`` still call ``secrecy.protect``; the rule, the
grid and the published reads live in ``barometre.publish`` (delete this file once no module
imports it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pandas as pd

from barometre.config import Settings
from barometre.publish.published import THRESHOLD_ATTR, TOTAL_ATTR, masked_count
from barometre.publish.secrecy import applies_to, companion, label, masked_sentence, note

DEFAULT_THRESHOLD = Settings.secrecy_threshold

__all__ = [
    "DEFAULT_THRESHOLD",
    "THRESHOLD_ATTR",
    "TOTAL_ATTR",
    "applies_to",
    "companion",
    "label",
    "masked_count",
    "masked_sentence",
    "note",
    "protect",
]


def protect(
    store,
    catalogue,
    indicator,
    dimension: str,
    frame: pd.DataFrame,
    threshold: int,
    start: dt.date,
    end: dt.date,
    granularity: str | None = None,
    as_of: dt.date | None = None,
) -> pd.DataFrame:
    """Return the published breakdown (``frame`` is ignored: the grid is the one source)."""
    from barometre import services as shared
    from barometre.export import offline_services
    from barometre.publish import published

    try:
        services = shared.current()
    except (RuntimeError, KeyError):  # outside a request: no app, no cache
        services = None
    if services is None or services.store is not store:
        services = offline_services(Settings(), catalogue, store)
    if services.settings.secrecy_threshold != threshold:
        settings = replace(services.settings, secrecy_threshold=threshold)
        services = replace(services, settings=settings)
    if granularity is None:
        return published.breakdown(services, indicator, dimension, start, end, as_of=as_of)
    return published.series(services, indicator, dimension, start, end, granularity, as_of=as_of)
