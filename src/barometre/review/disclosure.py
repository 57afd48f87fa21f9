"""The secrecy check of a draft: a revision that two publications' totals would give away.

A month of a breakdown published closed shows its small counts masked beside the exact national
total, so the masked cells' sum is public: the total minus the cells shown. If publishing the
draft changes exactly one masked cell of such a month, anyone who subtracts the two publications
reads that cell's change, and its new value when the cell was shown before. The plain case is a
late département alone in its month: absent (0, shown) in the first file, 2 in the next, masked
then, and the national total up by 2. Two or more masked cells changed give away only the sum of
their changes; when they were all shown before, that is the sum of their new values, which bounds
each of them, and gives them away when it is under the threshold (``revealed``).
``tests/test_disclosure.py`` holds the rule against a linear-programming adversary.

The masks compared are ``secrecy.mask_row`` of the month before and after the draft, the later
forced by the earlier, as the published layer forces each version by the one before. An amount
is masked where its count is (``secrecy.companion``): its masks are its count's, its changes its
own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pandas as pd

from barometre.charts import french
from barometre.data.catalogue import Breakdown
from barometre.publish import grid as grids
from barometre.publish import secrecy
from barometre.review.anomalies import Finding, Names
from barometre.review.tables import Tables

RULE = "secret"


def check(
    tables: Tables,
    breakdowns: Mapping[str, Breakdown],
    threshold: int,
    published_on: dt.date | None,
    last_public: Mapping[str, dt.date | None],
    counts: Mapping[str, Tables],
) -> list[Finding]:
    """Return a finding for each masked cell whose revision the draft would give away.

    ``published_on``: the day of the public state's publication (``None``: nothing public yet);
    ``last_public``: per breakdown, its last day of public data (the grid's closed months);
    ``counts``: per breakdown, the tables of the count whose masks apply (``tables`` itself for
    a count; none: the breakdown is not masked).
    """
    indicator = tables.indicator
    if published_on is None or tables.changed.empty:
        return []
    names = Names(indicator, breakdowns)
    changed = tables.changed[tables.changed["dimension"].isin(list(counts))]
    months = changed.assign(month=changed["date"].dt.to_period("M"))
    found = []
    for dimension, month in months[["dimension", "month"]].drop_duplicates().itertuples(False):
        first = month.start_time.date()
        if not grids.is_closed(first, published_on, last_public.get(dimension)):
            continue  # not public yet: the draft publishes it for the first time
        codes = list(breakdowns[dimension].codes)
        before = _row(tables.before_months, month, dimension, codes)
        after = _row(tables.after_months, month, dimension, codes)
        masks = counts[dimension]
        hidden_before = secrecy.mask_row(
            _row(masks.before_months, month, dimension, codes), threshold
        )
        hidden_after = secrecy.mask_row(
            _row(masks.after_months, month, dimension, codes), threshold, hidden_before
        )
        small = threshold if secrecy.applies_to(indicator) else None  # an amount is no count
        moved = revealed(before, after, hidden_before, hidden_after, small)
        for cell in moved:
            old, new = before[cell], after[cell]
            shown = "affiché" if cell not in hidden_before else "masqué"
            if len(moved) == 1:
                why = "seul chiffre masqué du mois à changer"
            else:
                others = ", ".join(names.member((dimension, codes[i])) for i in moved if i != cell)
                why = (
                    f"changé avec {others}, tous affichés avant : leur somme "
                    f"({names.value(sum(after[i] for i in moved))}) est sous le seuil"
                )
            found.append(
                names.finding(
                    RULE,
                    (dimension, codes[cell]),
                    "mois",
                    month.start_time,
                    month.end_time,
                    new,
                    (old, old),
                    abs(new - old),
                    f"{french.format_period(first, 'mois')}, mois déjà publié clos : "
                    f"{names.value(old)} ({shown}) → {names.value(new)} (masqué), {why} ; "
                    "l'écart entre les totaux nationaux des deux publications le donnerait.",
                )
            )
    return found


def revealed(
    before: list[float],
    after: list[float],
    hidden_before: frozenset[int],
    hidden_after: frozenset[int],
    threshold: int | None,
) -> list[int]:
    """Return the cells of a month masked after a revision that the difference of the two
    publications' totals gives away (positions, in order), or none.

    The difference gives the sum of the changes of the cells masked after; those not changed
    are no unknown to whoever assumes so. One cell changed: its change, and its value if it was
    shown before. Several, all shown before: the sum of their new values, each one at most that
    sum, which gives them away when it is under ``threshold`` (``None``: not a count).
    """
    moved = sorted(i for i in hidden_after if before[i] != after[i])
    if len(moved) == 1:
        return moved
    all_shown = moved and not set(moved) & hidden_before
    if all_shown and threshold is not None and sum(after[i] for i in moved) < threshold:
        return moved
    return []


def _row(months: pd.DataFrame, month: pd.Period, dimension: str, codes: list[str]) -> list[float]:
    """Return a month's counts of every member of a breakdown, absent members as 0."""
    if month not in months.index:
        return [0.0] * len(codes)
    values = months.loc[month]
    return [_count(values.get((dimension, code))) for code in codes]


def _count(value) -> float:
    return 0.0 if value is None or pd.isna(value) else float(value)
