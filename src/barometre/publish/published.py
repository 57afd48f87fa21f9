"""Breakdowns as published: read from the grid of closed months, masked once, summed from it.

Every way out reads breakdowns here (pages, embeds, API, CSV, data package):

- the grid (``grid``): each closed month × member of an additive figure, masked by
  ``secrecy.mask_row``; a month revised later keeps every cell masked in an earlier version
  (``_versions``: every publication that corrected it), so comparing versions gives no masked
  cell back;
- a breakdown over any period is the sum of the grid's cells over the closed months it touches
  (``breakdown``): a member is shown only when all its cells are published, so a masked cell never
  enters a published sum; what is not shown is one « non diffusé » figure (the exact total minus
  the members shown, itself a sum of published figures) with the number of members it covers;
- a member's own series (``series``) is the grid per month, or per year when all its months are
  published;
- figures that are not sums over days (stocks at a date: ``dernier``; averages: ``moyenne``) are
  published as the store reads them, over any period: their differences are not counts.
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd

from barometre.publish import grid as grids
from barometre.publish import secrecy

TOTAL_ATTR = "total_exact"
THRESHOLD_ATTR = "seuil_secret"
PERIOD_ATTR = "periode_publiee"
UNDISCLOSED_ATTR = "non_diffuse"
ROW_TOTAL = "total_ligne"  # a month's exact total over all members (published: the national one)


def _reference(services, as_of, today: dt.date | None) -> dt.date:
    """Return the day months are closed at: the day of the publication read, or today."""
    if as_of is None:
        return today or dt.date.today()
    return services.store.publication_day(as_of) or today or dt.date.today()


def grid(services, indicator, dimension: str, as_of=None, today=None) -> pd.DataFrame:
    """Return the published grid: one row per closed month and member, masked.

    Columns ``periode`` (first day of the month), ``membre``, ``valeur`` (NaN where masked),
    ``jours`` and ``masque``. Memoized on the data version.
    """
    reference = _reference(services, as_of, today)
    params = (indicator.id, dimension, as_of, reference, services.settings.secrecy_threshold)
    return services.memoized(
        "published-grid",
        params,
        lambda: _grid(services, indicator, dimension, as_of, reference),
    )


def _grid(services, indicator, dimension, as_of, reference) -> pd.DataFrame:
    catalogue = services.catalogue
    codes = list(catalogue.breakdowns[dimension].codes)
    if secrecy.applies_to(indicator):
        return _versions(services, indicator, dimension, codes, as_of, reference)
    cells = _cells(services, indicator, dimension, as_of, reference)
    other = secrecy.companion(catalogue, indicator, dimension)
    if other is None:
        return _with_row_totals(cells).assign(masque=False)
    # An amount is hidden wherever the count of the same source is (same months, members).
    counts = grid(services, other, dimension, as_of, reference)
    return _hide(cells, counts.loc[counts["masque"], ["periode", "membre"]])


def _cells(services, indicator, dimension, as_of, reference, within=None) -> pd.DataFrame:
    """Return the closed months' cells as stored at ``as_of`` (unmasked).

    ``within``: only these months (first days), if given.
    """
    store = services.store
    bounds = _bounds(services, indicator, dimension, as_of)
    columns = ["periode", "membre", "valeur", "jours"]
    if bounds is None:
        return pd.DataFrame(columns=columns)
    months = grids.closed_months(bounds[0], bounds[1], reference, bounds[1])
    if within is not None:
        months = [month for month in months if month in within]
    if not months:
        return pd.DataFrame(columns=columns)
    if within is None:
        frame = store.series(
            indicator, months[0], grids.month_end(months[-1]), "mois", dimension, as_of=as_of
        )
    else:
        # A few revised months, often years apart: each run of them is read on its own, by
        # member, rather than every date between the first and the last.
        codes = services.catalogue.breakdowns[dimension].codes
        frame = pd.concat(
            store.series(
                indicator, run[0], grids.month_end(run[-1]), "mois", dimension, as_of, codes
            )
            for run in _runs(months)
        )
    closed = pd.to_datetime(pd.Series(months))
    return frame[frame["periode"].isin(closed)][columns].reset_index(drop=True)


def _runs(months: list[dt.date]) -> list[list[dt.date]]:
    """Return consecutive months (first days, in order) grouped in runs."""
    runs: list[list[dt.date]] = []
    for month in months:
        if runs and grids.month_end(runs[-1][-1]) + dt.timedelta(days=1) == month:
            runs[-1].append(month)
        else:
            runs.append([month])
    return runs


def _bounds(services, indicator, dimension, as_of):
    """Return the first and last dates of a breakdown (memoized on the data version)."""
    return services.memoized(
        "published-bounds",
        (indicator.id, dimension, as_of),
        lambda: services.store.bounds(indicator.id, as_of=as_of, dimension=dimension),
    )


def _with_row_totals(cells: pd.DataFrame) -> pd.DataFrame:
    return cells.assign(**{ROW_TOTAL: cells.groupby("periode")["valeur"].transform("sum")})


def _checkpoints(store, indicator, dimension, as_of) -> tuple[list, set[dt.date]]:
    """Return the earlier publications to mask, in order, and the months they revised.

    Around each revision (a correction, or a late row of a month already published closed),
    the state before and after it; a month never revised reads the same in every state, so
    only the revised months are read in earlier ones.
    """
    read = store.last_publication() if as_of is None else store.publication_as_of(as_of)
    numbers, months = set(), set()
    for number, month in store.revisions(indicator.id, dimension):
        if number <= read:
            numbers |= {number - 1, number}
            months.add(month)
    return sorted(n for n in numbers if 0 < n < read), months


def _versions(services, indicator, dimension, codes, as_of, reference) -> pd.DataFrame:
    """Mask the grid of a count in every version since it was first published, in order.

    A cell masked in one version stays masked in the next (``forced``): published later with
    an unchanged value, it would give back the cells it protected.
    """
    store, threshold = services.store, services.settings.secrecy_threshold
    position = {code: i for i, code in enumerate(codes)}
    masks: dict[pd.Timestamp, frozenset[str]] = {}
    cells = pd.DataFrame()
    earlier, revised = _checkpoints(store, indicator, dimension, as_of)
    states = [(n, store.publication_day(n), revised) for n in earlier]
    for checkpoint, seen, within in [*states, (as_of, reference, None)]:
        cells = _cells(services, indicator, dimension, checkpoint, seen, within)
        # One row per month, one column per member of the catalogue (absent members are 0).
        table = (
            cells.pivot_table(index="periode", columns="membre", values="valeur", aggfunc="sum")
            .reindex(columns=codes)
            .fillna(0.0)
        )
        for month, values in zip(table.index, table.to_numpy().tolist(), strict=True):
            forced = {position[c] for c in masks.get(month, ()) if c in position}
            hidden = secrecy.mask_row(values, threshold, forced)
            masks[month] = frozenset(codes[i] for i in hidden)
    if cells.empty:
        return _with_row_totals(cells).assign(masque=pd.Series(dtype=bool))
    keys = pd.DataFrame(
        [(month, code) for month in cells["periode"].unique() for code in masks.get(month, ())],
        columns=["periode", "membre"],
    )
    return _hide(cells, keys)


def _hide(cells: pd.DataFrame, keys: pd.DataFrame) -> pd.DataFrame:
    """Return the cells with a ``masque`` column, masked at ``keys`` (periode, membre).

    Members masked without a row (a whole row masked) are listed, masked, with no value.
    """
    merged = _with_row_totals(cells).merge(
        keys.assign(_hidden=True), on=["periode", "membre"], how="outer"
    )
    merged["valeur"] = merged["valeur"].astype(float)
    merged["jours"] = merged["jours"].fillna(0).astype(int)
    merged["masque"] = merged["_hidden"].eq(True)
    merged.loc[merged["masque"], "valeur"] = math.nan
    merged[ROW_TOTAL] = merged.groupby("periode")[ROW_TOTAL].transform("max")
    return merged.drop(columns="_hidden").sort_values(["periode", "membre"], ignore_index=True)


def period(
    services, indicator, dimension: str, start, end, as_of=None, today=None
) -> tuple[dt.date, dt.date] | None:
    """Return the closed months a breakdown over ``start``–``end`` is published for."""
    if not secrecy.is_additive(indicator):
        return (start, end)
    bounds = _bounds(services, indicator, dimension, as_of)
    last = bounds[1] if bounds else None
    return grids.snapped(start, end, _reference(services, as_of, today), last)


def breakdown(
    services, indicator, dimension: str, start, end, as_of=None, today=None
) -> pd.DataFrame:
    """Return a breakdown over a period as published (the shape of the former ``protect``).

    Columns ``membre``, ``valeur``, ``jours`` and, for additive figures, ``masque``; ``attrs``
    hold the exact total (shares), the threshold, the snapped period and the « non diffusé »
    figure (``UNDISCLOSED_ATTR``: ``membres``, ``cellules``, ``valeur``).
    """
    threshold = services.settings.secrecy_threshold
    if not secrecy.is_additive(indicator):
        frame = services.store.breakdown(indicator, dimension, start, end, as_of=as_of)
        frame.attrs[PERIOD_ATTR] = (start, end)
        return frame
    snapped = period(services, indicator, dimension, start, end, as_of, today)
    # The whole grid, read once per data version and day; each period is a slice of it.
    cells = grid(services, indicator, dimension, as_of, today)
    if snapped is not None:
        low, high = pd.Timestamp(snapped[0]), pd.Timestamp(snapped[1])
        cells = cells[(cells["periode"] >= low) & (cells["periode"] <= high)]
    else:
        cells = cells.iloc[0:0]
    grouped = cells.groupby("membre", sort=True)
    frame = pd.DataFrame(
        {
            "valeur": grouped["valeur"].sum(min_count=1),
            "jours": grouped["jours"].sum(),
            "masque": grouped["masque"].any(),
        }
    ).reset_index()
    frame["valeur"] = frame["valeur"].astype(float)
    frame["masque"] = frame["masque"].astype(bool)
    frame.loc[frame["masque"], ["valeur"]] = math.nan
    frame.loc[frame["masque"], ["jours"]] = 0
    total = _exact_total(cells)
    shown = float(frame.loc[~frame["masque"], "valeur"].sum())
    frame.attrs.update(
        {
            TOTAL_ATTR: total,
            THRESHOLD_ATTR: threshold,
            PERIOD_ATTR: snapped,
            UNDISCLOSED_ATTR: {
                "membres": int(frame["masque"].sum()),
                "cellules": int(cells["masque"].sum()),
                "valeur": total - shown if frame["masque"].any() else 0.0,
            },
        }
    )
    return frame


def _exact_total(cells) -> float:
    """Return the exact total of the breakdown's cells (a sum of published row totals)."""
    if cells.empty:
        return 0.0
    return float(cells.groupby("periode")[ROW_TOTAL].max().sum())


def series(
    services,
    indicator,
    dimension: str,
    start,
    end,
    granularity: str,
    member: str = "",
    as_of=None,
    today=None,
) -> pd.DataFrame:
    """Return a breakdown per period (``periode``, ``membre``, ``valeur``, ``jours``, ``masque``).

    Additive figures: the grid's months, or years summed from them (a member's year is masked
    when one of its months is); a day or a week is published as its month. ``member`` keeps
    that member's rows only.
    """
    if not secrecy.is_additive(indicator):
        frame = services.store.series(indicator, start, end, granularity, dimension, as_of=as_of)
        frame["masque"] = False
    else:
        snapped = period(services, indicator, dimension, start, end, as_of, today)
        cells = grid(services, indicator, dimension, as_of, today)
        if snapped is None:
            cells = cells.iloc[0:0]
        else:
            low, high = pd.Timestamp(snapped[0]), pd.Timestamp(snapped[1])
            cells = cells[(cells["periode"] >= low) & (cells["periode"] <= high)]
        if grids.breakdown_granularity(granularity) == "annee":
            cells = cells.assign(periode=cells["periode"].dt.to_period("Y").dt.start_time)
            grouped = cells.groupby(["periode", "membre"], sort=True)
            cells = pd.DataFrame(
                {
                    "valeur": grouped["valeur"].sum(min_count=1),
                    "jours": grouped["jours"].sum(),
                    "masque": grouped["masque"].any(),
                }
            ).reset_index()
            cells.loc[cells["masque"], "valeur"] = math.nan
        frame = cells
    if member:
        frame = frame[frame["membre"] == member]
    frame = frame.sort_values(["periode", "membre"], ignore_index=True)
    frame["periode"] = pd.to_datetime(frame["periode"])  # also when no month is published
    frame["valeur"] = frame["valeur"].astype(float)
    frame["jours"] = frame["jours"].astype(int)
    frame["masque"] = frame["masque"].astype(bool)
    return frame


def masked_count(frame: pd.DataFrame) -> int:
    """Return how many members of a published frame are not disclosed."""
    return int(frame["masque"].sum()) if "masque" in frame else 0


def note(frame: pd.DataFrame, breakdown_id: str = "", requested=None) -> str:
    """Return the French note a page shows under a published breakdown.

    Says which closed months the breakdown covers when they differ from ``requested``
    (start, end), and how many members are not disclosed.
    """
    parts = []
    snapped = frame.attrs.get(PERIOD_ATTR, requested)
    threshold = int(frame.attrs.get(THRESHOLD_ATTR, 5))
    if PERIOD_ATTR in frame.attrs and "masque" in frame:
        if snapped is None:
            parts.append(
                "Aucun mois clos sur cette période\u00a0: les répartitions sont publiées par "
                "mois entiers, une fois le mois terminé."
            )
        elif requested is None or tuple(snapped) != tuple(requested):
            parts.append(
                f"Répartition publiée par mois clos, du {_day(snapped[0])} au {_day(snapped[1])}."
            )
    parts.append(secrecy.note(masked_count(frame), threshold, breakdown_id))
    return " ".join(part for part in parts if part)


MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip


def _day(day: dt.date) -> str:
    # French, as charts.french.format_date, without importing the charts' layer from here.
    return f"{'1er' if day.day == 1 else day.day} {MONTHS[day.month - 1]} {day.year}"
