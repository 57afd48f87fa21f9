"""Statistical secrecy of one breakdown row (one closed month): which cells are not published.

The rule (explained to the public on « À propos des données », proved by
``tests/test_secrecy_adversary.py``):

- it applies to breakdowns of counts (``somme``, unit not a currency); an amount follows the
  mask of the count of the same source (``companion``); national totals are never masked;
- **primary** cells: counts from 1 to ``threshold - 1``. A zero is shown (it designates nobody);
- as soon as a row has a primary cell, **secondary** cells are masked too: every cell tied at the
  smallest count that is at least ``2 * threshold - 1``. Why not the smallest positive count, as
  before: its choice bounds it by the next shown count, and together with the row total that
  gave the primary cell back to whoever knew the rule. A secondary cell at least
  ``2 * threshold - 1`` can always swap places with any primary one (same publication), so every
  masked cell keeps at least two possible values at least ``threshold`` apart. Ties are all
  masked, so that the choice never depends on the order of members;
- when no count reaches ``2 * threshold - 1``, the whole row is masked, zeros included: the row
  total is then small and no narrower choice protects its cells;
- every masked cell is labelled « n.d. » (non diffusé): labelling the primary cells « < 5 » would
  tell which cells are small, and with the row total that narrows the others below the threshold;
- ``forced``: cells masked in an earlier version of the same month stay masked when the month is
  revised (see ``published``), and count as masked cells the rule builds on.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

UNDISCLOSED_LABEL = "n.d."
UNDISCLOSED_TEXT = "non diffusé"
CURRENCY_UNITS = frozenset({"euros", "euro", "€"})


def secondary_floor(threshold: int) -> int:
    """Return the smallest count that may be masked as a secondary cell (2 × threshold − 1)."""
    return 2 * threshold - 1


def mask_row(
    values: Sequence[float], threshold: int, forced: frozenset[int] | set[int] = frozenset()
) -> frozenset[int]:
    """Return the positions of the cells of one row (one month) that are not published.

    ``values`` are the counts of every member (absent members as 0, NaN read as 0);
    ``forced`` the positions masked in an earlier version of the row.
    """
    counts = [0.0 if v is None or math.isnan(v) else float(v) for v in values]
    masked = {i for i, v in enumerate(counts) if 1 <= v < threshold} | set(forced)
    if not masked:
        return frozenset()
    floor = secondary_floor(threshold)
    if any(counts[i] >= floor for i in masked):
        return frozenset(masked)
    candidates = [v for i, v in enumerate(counts) if i not in masked and v >= floor]
    if not candidates:
        return frozenset(range(len(counts)))
    smallest = min(candidates)
    return frozenset(masked | {i for i, v in enumerate(counts) if v == smallest})


def applies_to(indicator) -> bool:
    """Return whether breakdowns of ``indicator`` are subject to the secrecy rule (counts only)."""
    return indicator.aggregation == "somme" and indicator.unit.strip().lower() not in CURRENCY_UNITS


def is_additive(indicator) -> bool:
    """Return whether ``indicator``'s breakdowns are sums over days (published on the grid)."""
    return indicator.aggregation == "somme"


def companion(catalogue, indicator, dimension: str):
    """Return the count indicator whose mask an amount must follow (same source and breakdown).

    ``None`` when ``indicator`` is itself a count or has no such companion.
    """
    if indicator.aggregation != "somme" or applies_to(indicator):
        return None
    for other in catalogue.indicators:
        if other.source == indicator.source and dimension in other.breakdowns and applies_to(other):
            return other
    return None


def label(threshold: int | None = None) -> str:
    """Return the text written in place of a value that is not published (« n.d. »)."""
    return UNDISCLOSED_LABEL


def note(count: int, threshold: int, breakdown_id: str = "") -> str:
    """Return the French note under a chart that leaves undisclosed members out."""
    if count <= 0:
        return ""
    if breakdown_id == "departement":
        noun = "département non diffusé" if count == 1 else "départements non diffusés"
    else:
        noun = "valeur non diffusée" if count == 1 else "valeurs non diffusées"
    return masked_sentence(f"{count}\u00a0{noun}", threshold)


def masked_sentence(what: str, threshold: int) -> str:
    """Return « 3 départements non diffusés au titre du secret statistique (seuil : 5). »."""
    return f"{what} au titre du secret statistique (seuil\u00a0: {threshold})."
