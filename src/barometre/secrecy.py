"""Statistical secrecy: small counts of a breakdown are masked before anything is shown or exported.

The rule (explained to the public on « À propos des données ») :

- it applies to breakdowns of counts (indicators aggregated by ``somme`` whose unit is not a
  currency); national totals are never masked;
- a member whose count is at least 1 and below the threshold (``settings.secrecy_threshold``,
  5 by default) is masked. A zero is not masked: it says that nobody is concerned, which identifies
  no one, and masking zeros would hide most of the small départements for no benefit;
- secondary suppression: when exactly one member is masked, the national total (always published)
  minus the other members would give it back, so the next smallest positive member is masked too;
- when a breakdown is shown per period (a ``periode`` column), the rule applies to each period.

Known limits: when every other member is zero, the masked count equals the national total, which
stays published (the breakdown then says nothing the total does not); and since visitors choose
the period, a small count could be derived by differencing two overlapping periods (1–31 March
minus 1–30 March). That differencing risk is NOT handled here: it needs breakdowns published on
fixed periods only (whole months, say), a product decision left open.

Amounts in euros (« perceval-montant ») are not counts and are not masked by this rule; an amount
per département computed from few reports may still tell something about them, so the site
masks an amount wherever the matching count is masked (see ``mask_like``).
"""

from __future__ import annotations

import math

import pandas as pd

from barometre.config import Settings

MASK_LABEL = "< {threshold}"
CURRENCY_UNITS = frozenset({"euros", "euro", "€"})
# Keys of ``DataFrame.attrs`` set on masked frames, read by ``summaries.breakdown_rows``.
TOTAL_ATTR = "total_exact"
THRESHOLD_ATTR = "seuil_secret"
DEFAULT_THRESHOLD = Settings.secrecy_threshold  # used when a frame does not say its threshold


def label(threshold: int) -> str:
    """Return the French text shown in place of a masked value (« < 5 »)."""
    return MASK_LABEL.format(threshold=threshold)


def applies_to(indicator) -> bool:
    """Return whether breakdowns of ``indicator`` are subject to the secrecy rule (counts only)."""
    return indicator.aggregation == "somme" and indicator.unit.strip().lower() not in CURRENCY_UNITS


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


def protect(
    store,
    catalogue,
    indicator,
    dimension: str,
    frame: pd.DataFrame,
    threshold: int,
    start,
    end,
    granularity: str | None = None,
    **read_options,
) -> pd.DataFrame:
    """Return a breakdown frame as it may be published: counts masked, amounts by their count.

    Frames the rule does not cover come back unchanged (no ``masque`` column). With a
    ``granularity``, ``frame`` is a per-period breakdown (``store.series`` with the dimension)
    and the companion count is read per period too. ``read_options`` (e.g. ``as_of``) are passed
    to the store when the companion count is read.
    """
    if applies_to(indicator):
        return mask_breakdown(frame, threshold)
    other = companion(catalogue, indicator, dimension)
    if other is None:
        return frame
    if granularity is None:
        counts = store.breakdown(other, dimension, start, end, **read_options)
    else:
        counts = store.series(other, start, end, granularity, dimension, **read_options)
    return mask_like(frame, mask_breakdown(counts, threshold))


def _mask_groups(
    values: pd.Series, groups: pd.Series, threshold: int, total_published: bool
) -> pd.Series:
    """Return the boolean mask of breakdowns (one per value of ``groups``): primary, secondary.

    Vectorised over the groups: a per-day breakdown over years has thousands of periods.
    """
    numeric = pd.to_numeric(values, errors="coerce")
    masked = (numeric >= 1) & (numeric < threshold)
    if not total_published:
        return masked
    # Where exactly one member is masked, mask the smallest positive remaining member too (any
    # remaining one if none is positive), so that the masked one cannot be computed as total
    # minus the others; ties are broken by position so the result is stable.
    alone = masked.groupby(groups, sort=False).transform("sum") == 1
    remaining = alone & ~masked & numeric.notna()
    positive = remaining & (numeric > 0)
    some_positive = positive.groupby(groups, sort=False).transform("any")
    candidates = positive | (remaining & ~some_positive)
    ranked = pd.DataFrame(
        {"groupe": groups, "valeur": numeric, "position": range(len(numeric))}, index=values.index
    )[candidates]
    chosen = ranked.sort_values(["valeur", "position"]).drop_duplicates("groupe").index
    masked.loc[chosen] = True
    return masked


def mask_breakdown(
    frame: pd.DataFrame, threshold: int, *, total_published: bool = True
) -> pd.DataFrame:
    """Return a copy of a per-member frame (columns membre, valeur, …) with a boolean ``masque``.

    ``masque`` is True where the count is in [1, threshold) plus the secondary cell (see module
    docstring); masked ``valeur`` become NaN. Rows with ``membre == ""`` (national totals) are kept
    exact and never masked. With a ``periode`` column the rule applies to each period separately.
    """
    result = frame.copy()
    result["masque"] = False
    if result.empty:
        return result
    members = result["membre"] != "" if "membre" in result else pd.Series(True, result.index)
    part = result[members]
    if part.empty:
        return result
    groups = part["periode"] if "periode" in part else pd.Series(0, part.index)
    mask = _mask_groups(part["valeur"], groups, threshold, total_published)
    result.loc[mask.index, "masque"] = mask.astype(bool)
    result["valeur"] = result["valeur"].astype(float)
    # Shares stay relative to the exact total (published anyway), not to the visible members.
    result.attrs[TOTAL_ATTR] = float(pd.to_numeric(part["valeur"], errors="coerce").sum())
    result.attrs[THRESHOLD_ATTR] = threshold
    result.loc[result["masque"], "valeur"] = math.nan
    return result


def mask_like(frame: pd.DataFrame, reference: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``frame`` masked wherever ``reference`` (a masked frame) is masked.

    Used for amounts: the amount of a département is hidden when its count of reports is.
    Rows are matched on ``membre`` (and ``periode`` when both frames have it).
    """
    result = frame.copy()
    keys = ["membre"] + (["periode"] if "periode" in frame and "periode" in reference else [])
    hidden = reference.loc[reference["masque"], keys].drop_duplicates()
    flag = result[keys].merge(hidden.assign(_hidden=True), on=keys, how="left")["_hidden"]
    result["masque"] = flag.eq(True).to_numpy()
    result["valeur"] = result["valeur"].astype(float)
    members = result["membre"] != ""
    result.attrs[TOTAL_ATTR] = float(result.loc[members, "valeur"].sum())
    if THRESHOLD_ATTR in reference.attrs:
        result.attrs[THRESHOLD_ATTR] = reference.attrs[THRESHOLD_ATTR]
    result.loc[result["masque"], "valeur"] = math.nan
    return result


def masked_count(frame: pd.DataFrame) -> int:
    """Return how many members of a masked frame are hidden."""
    return int(frame["masque"].sum()) if "masque" in frame else 0


def note(count: int, threshold: int, breakdown_id: str = "") -> str:
    """Return the French note under a chart that leaves masked members out."""
    if count <= 0:
        return ""
    if breakdown_id == "departement":
        noun = "département masqué" if count == 1 else "départements masqués"
    else:
        noun = "valeur masquée" if count == 1 else "valeurs masquées"
    return masked_sentence(f"{count}\u00a0{noun}", threshold)


def masked_sentence(what: str, threshold: int) -> str:
    """Return « 3 départements masqués au titre du secret statistique (seuil : 5). ».

    Not « moins de 5 »: the cells masked so that a small count cannot be worked out by
    subtraction are often larger, and saying which is which would point at the small ones.
    """
    return f"{what} au titre du secret statistique (seuil\u00a0: {threshold})."
