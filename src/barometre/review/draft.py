"""Review the draft: read it and the public state from the store, summarise, run the rules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import pandas as pd

from barometre.data.catalogue import Catalogue, Indicator
from barometre.data.store import Store
from barometre.publish import secrecy
from barometre.review import anomalies, disclosure
from barometre.review.anomalies import Finding, Names
from barometre.review.tables import Tables

# The rules look back 48 months from the first changed month (36 months of residuals, each over
# the 12 months before it) and 4 weeks past the last changed day (the weekday baseline).
MONTHS_BACK = anomalies.MONTH_HISTORY + anomalies.MONTH_BASELINE
DAYS_AFTER = 7 * anomalies.WEEKS_AROUND
EXAMPLES = 3


@dataclass(frozen=True)
class Correction:
    """One corrected row, as an example: the series' French name, the day, old and new."""

    series: str
    date: dt.date
    old: float
    new: float


@dataclass(frozen=True)
class IndicatorChanges:
    """What publishing the draft would change in one indicator."""

    indicator: Indicator
    added: int
    corrected: int
    removed: int
    first: dt.date
    last: dt.date
    examples: tuple[Correction, ...]


@dataclass(frozen=True)
class Review:
    """The draft's changes per indicator, the findings of the rules, and the tables they read
    (the report draws from them)."""

    changes: tuple[IndicatorChanges, ...]
    findings: tuple[Finding, ...]
    tables: dict[str, Tables]
    loads: pd.DataFrame

    @property
    def empty(self) -> bool:
        return not self.changes

    @property
    def disclosures(self) -> tuple[Finding, ...]:
        """The findings that block a publication: « Secret statistique par différence »."""
        return tuple(finding for finding in self.findings if finding.rule == disclosure.RULE)


def review(store: Store, catalogue: Catalogue, today: dt.date, threshold: int) -> Review:
    """Return the review of the store's draft against its current public state.

    ``threshold``: the secrecy threshold (``Settings.secrecy_threshold``).
    """
    with store.snapshot():
        changed = _draft_changes(store)
        loads = store.draft_loads()
        published_on = store.publication_day(None)
        summaries, findings, tables = [], [], {}
        for indicator, rows in _by_indicator(changed, catalogue):
            summaries.append(_summary(indicator, rows, Names(indicator, catalogue.breakdowns)))
            tables[indicator.id] = built = _tables(store, indicator, rows)
            findings += anomalies.check(built, catalogue.breakdowns, today)
            findings += _given_away(store, catalogue, built, threshold, published_on)
    return Review(tuple(summaries), tuple(findings), tables, loads)


def disclosures(store: Store, catalogue: Catalogue, threshold: int) -> list[Finding]:
    """Return what publishing the draft would give away of masked cells (``disclosure``).

    Reads only the months the draft changes: the check before an automatic publication.
    """
    with store.snapshot():
        changed = _draft_changes(store)
        published_on = store.publication_day(None)
        found = []
        for indicator, rows in _by_indicator(changed, catalogue):
            if indicator.breakdowns:
                built = _tables(store, indicator, rows, months_back=0, days_after=0)
                found += _given_away(store, catalogue, built, threshold, published_on)
    return found


def _by_indicator(changed: pd.DataFrame, catalogue: Catalogue) -> Iterator[tuple]:
    """Yield each indicator the draft changes, in the catalogue's order, with its rows."""
    for indicator in catalogue.indicators:
        rows = changed[changed["indicator"] == indicator.id].drop(columns="indicator")
        if not rows.empty:
            yield indicator, rows


def _given_away(store, catalogue, built: Tables, threshold: int, published_on) -> list[Finding]:
    """Run ``disclosure.check`` on one indicator's tables, with the masks of its breakdowns."""
    indicator, counts, companions = built.indicator, {}, {}
    for dimension in indicator.breakdowns:
        if secrecy.applies_to(indicator):
            counts[dimension] = built
        elif (other := secrecy.companion(catalogue, indicator, dimension)) is not None:
            # One count's tables hold all its breakdowns: read once for all that follow it.
            if other.id not in companions:
                companions[other.id] = _tables(
                    store, other, built.changed, months_back=0, days_after=0
                )
            counts[dimension] = companions[other.id]
    if not counts:
        return []
    last_public = _last_public(store, indicator)
    return disclosure.check(
        built, catalogue.breakdowns, threshold, published_on, last_public, counts
    )


def _draft_changes(store: Store) -> pd.DataFrame:
    changed = store.draft_changes()
    changed["date"] = pd.to_datetime(changed["date"])
    return changed


def _last_public(store: Store, indicator: Indicator) -> dict[str, dt.date | None]:
    """Return each breakdown's last day of public data, as the published layer reads it."""
    spans = {name: store.bounds(indicator.id, dimension=name) for name in indicator.breakdowns}
    return {name: span[1] if span else None for name, span in spans.items()}


def _tables(
    store: Store,
    indicator: Indicator,
    changed: pd.DataFrame,
    months_back: int = MONTHS_BACK,
    days_after: int = DAYS_AFTER,
) -> Tables:
    first, last = changed["date"].min(), changed["date"].max()
    start = (first.to_period("M") - months_back).start_time
    end = max(last + pd.Timedelta(days=days_after), last.to_period("M").end_time)
    span = (start.date().isoformat(), end.date().isoformat())
    public = store.observation_rows(indicator.id, *span)
    draft = store.observation_rows(indicator.id, *span, draft=True)
    return Tables.build(indicator, public, draft, changed)


def _summary(indicator: Indicator, rows: pd.DataFrame, names: Names) -> IndicatorChanges:
    corrected = rows[rows["old"].notna() & rows["new"].notna()]
    # The examples a reviewer should see first: the largest corrections, relative to the old.
    ratio = (corrected["new"] - corrected["old"]) / corrected["old"].where(corrected["old"] != 0)
    largest = corrected.assign(ratio=ratio.abs().fillna(float("inf"))).nlargest(EXAMPLES, "ratio")
    return IndicatorChanges(
        indicator=indicator,
        added=int(rows["old"].isna().sum()),
        corrected=len(corrected),
        removed=int(rows["new"].isna().sum()),
        first=rows["date"].min().date(),
        last=rows["date"].max().date(),
        examples=tuple(
            Correction(names.series((r.dimension, r.member)), r.date.date(), r.old, r.new)
            for r in largest.itertuples()
        ),
    )
