"""The review's rules: what in a draft looks like a mistake, before the public sees it.

Pure: an indicator's tables before and after the draft (``tables.Tables``) in, findings out,
each with a French message. The rules, their numbers and why are in docs/ingestion.md
(« Revue : les signalements »):

- ``unusual``: a value far from its usual range. Values are compared as log(1 + x), so that
  « ten times » weighs the same on a large series as on a small one. The baseline of a day is
  the median of the same weekday in the 4 weeks before and after it; of a month, the median of
  the 12 months before it. The residual (log value − baseline) is centred and scaled by its own
  past — median and 1.4826 × MAD of the residuals of the 365 days, or 36 months, before the
  draft — the scale floored at 2 % (``MIN_SPREAD``: a series whose MAD is 0 is not flagged for
  a rounding). Flagged beyond ``THRESHOLD`` (5) scales. Days: the national series; months:
  every series.
- ``stopped``: a series that had values goes empty (no row, or 0). Over days: a run of L empty
  days of the draft, where the series was empty on a share p of the 365 days before, counted
  (k + 1) / (n + 1), is flagged when p^L < 10^-8. Over a whole month: empty, while it had a
  value in each of the 12 months before.
- ``shares``: a breakdown whose month departs from its usual shares (those of the 12 months
  before, pooled): the total-variation distance (half the sum of the share differences) is
  flagged when it exceeds the median of its 24 months before by ``THRESHOLD`` × 1.4826 × MAD,
  the MAD floored at 1 point.
- ``correction``: a correction of a month closed more than ``CLOSED_DAYS`` days ago that moves
  its value by more than 5 % (and, for a sum, by at least 10 units).

Only whole months are compared as months: a month the data do not yet reach the end of is left
to the daily rules.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from barometre.charts import french
from barometre.data.catalogue import Breakdown, Indicator
from barometre.review.tables import NATIONAL, Tables

THRESHOLD = 5.0
MAD_TO_SIGMA = 1.4826  # the MAD of a normal distribution times this is its standard deviation
MIN_SPREAD = 0.02  # in log(1 + x): 2 %
WEEKS_AROUND = 4
MIN_NEIGHBOURS = 4
DAY_HISTORY = 365
MIN_DAY_HISTORY = 56
MONTH_BASELINE, MIN_MONTH_BASELINE = 12, 6
MONTH_HISTORY, MIN_MONTH_HISTORY = 36, 12
EMPTY_RUN_CHANCE = -8.0  # log10 of the chance below which an empty run is flagged
SHARE_HISTORY, MIN_SHARE_SPREAD = 24, 0.01
CORRECTION_SHARE, CORRECTION_UNITS, CLOSED_DAYS = 0.05, 10.0, 30

RULES = {
    "unusual": "Valeur inhabituelle",
    "stopped": "Série interrompue",
    "shares": "Répartition bouleversée",
    "correction": "Correction d'un chiffre ancien",
    "secret": "Secret statistique par différence",  # review.disclosure: it blocks a publication
}


@dataclass(frozen=True)
class Finding:
    """One flag of the review: which rule, on which series and period, and why, in French.

    ``dimension``/``member``: ``""`` for the national series; a ``shares`` finding names its
    breakdown with ``member`` ``""``. ``value``: the value once the draft is published (``None``:
    no value); ``usual``: the range the rule expected (low, high), in the same unit.
    """

    rule: str
    indicator: str
    dimension: str
    member: str
    granularity: str  # "jour" or "mois"
    start: dt.date
    end: dt.date
    value: float | None
    usual: tuple[float, float] | None
    score: float
    series: str  # its French name: « total national », « département « Lozère » »
    detail: str  # what is wrong, in French
    message: str  # the rule, the indicator, the series and the detail, in one sentence


def check(tables: Tables, breakdowns: Mapping[str, Breakdown], today: dt.date) -> list[Finding]:
    """Return every finding of the four rules on one indicator, strongest first within a rule.

    A value or month flagged as empty (``stopped``) is not flagged again as ``unusual``, nor a
    run of empty days inside a month flagged as empty.
    """
    names = Names(tables.indicator, breakdowns)
    months = _stopped_months(tables, names)
    covered = {(f.dimension, f.member, d) for f in months for d in _days(f)}
    stopped = months + [
        f
        for f in _stopped_runs(tables, names)
        if not all((f.dimension, f.member, d) in covered for d in _days(f))
    ]
    empty = {(f.dimension, f.member, d) for f in stopped for d in _days(f)}
    unusual = [
        f
        for f in _unusual_days(tables, names) + _unusual_months(tables, names)
        if not any((f.dimension, f.member, d) in empty for d in _days(f))
    ]
    found = unusual + stopped + _shares(tables, names) + _corrections(tables, names, today)
    order = list(RULES)
    return sorted(found, key=lambda f: (order.index(f.rule), -f.score, f.start, f.member))


# -- unusual values ------------------------------------------------------------------------------


def _log(values: pd.DataFrame | pd.Series):
    """Return log(1 + x); negative values are not judged (NaN)."""
    return np.log1p(values.where(values >= 0))


def _centre_spread(residuals: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Return the median of each column's residuals and 1.4826 × their MAD, floored."""
    centre = residuals.median()
    spread = (residuals - centre).abs().median() * MAD_TO_SIGMA
    return centre, spread.clip(lower=MIN_SPREAD)


def _weekday_baseline(days: pd.Series) -> pd.Series:
    """Return, per day, the median of log(1 + x) on the same weekday in the weeks around it."""
    logged = _log(days)
    around = pd.concat(
        [logged.shift(7 * k) for k in range(-WEEKS_AROUND, WEEKS_AROUND + 1) if k], axis=1
    )
    return around.median(axis=1).where(around.notna().sum(axis=1) >= MIN_NEIGHBOURS)


def _unusual_days(tables: Tables, names: Names) -> list[Finding]:
    changed = tables.changed
    days = changed.loc[(changed["dimension"] == "") & (changed["member"] == ""), "date"]
    if days.empty or NATIONAL not in tables.before_days:
        return []
    first = days.min()
    before = tables.before_days[NATIONAL]
    past = (_log(before) - _weekday_baseline(before))[first - pd.Timedelta(days=DAY_HISTORY) :]
    past = past[: first - pd.Timedelta(days=1)].dropna()
    if len(past) < MIN_DAY_HISTORY:
        return []
    centre, spread = (s.iloc[0] for s in _centre_spread(past.to_frame()))
    after = tables.after_days[NATIONAL]
    baseline = _weekday_baseline(after)
    found = []
    for day in sorted(days):
        value, base = after.get(day), baseline.get(day)
        if pd.isna(value) or pd.isna(base) or value < 0:
            continue
        score = abs(math.log1p(value) - base - centre) / spread
        if score > THRESHOLD:
            usual = _usual(base + centre, spread)
            found.append(
                names.finding(
                    "unusual",
                    NATIONAL,
                    "jour",
                    day,
                    day,
                    value,
                    usual,
                    score,
                    f"{names.value(value)} ; plage habituelle : {names.range(usual)}.",
                )
            )
    return found


def _unusual_months(tables: Tables, names: Names) -> list[Finding]:
    after, before = tables.after_months, tables.before_months
    if after.empty or before.empty:
        return []
    logged_after, logged_before = _log(after), _log(before)
    baseline = _month_baseline(logged_after)
    residuals = logged_before - _month_baseline(logged_before)
    found = []
    for dimension, month in _checked_months(tables):
        columns = [c for c in after.columns if c[0] == dimension and c in before.columns]
        past = residuals.loc[
            (residuals.index >= month - MONTH_HISTORY) & (residuals.index < month), columns
        ]
        centre, spread = _centre_spread(past)
        scores = (logged_after.loc[month, columns] - baseline.loc[month, columns] - centre).abs()
        scores = (scores / spread)[past.notna().sum() >= MIN_MONTH_HISTORY]
        for column, score in scores[scores > THRESHOLD].items():
            value = after.at[month, column]
            usual = _usual(baseline.at[month, column] + centre[column], spread[column])
            found.append(
                names.finding(
                    "unusual",
                    column,
                    "mois",
                    month.start_time,
                    month.end_time,
                    value,
                    usual,
                    score,
                    f"{names.value(value)} ; plage habituelle : {names.range(usual)}.",
                )
            )
    return found


def _month_baseline(logged: pd.DataFrame) -> pd.DataFrame:
    return logged.shift(1).rolling(MONTH_BASELINE, min_periods=MIN_MONTH_BASELINE).median()


def _usual(centre: float, spread: float) -> tuple[float, float]:
    """Return the values a rule on log(1 + x) does not flag, around ``centre``."""
    width = THRESHOLD * spread
    return max(math.expm1(centre - width), 0.0), math.expm1(centre + width)


def _checked_months(tables: Tables) -> list[tuple[str, pd.Period]]:
    """Return the whole months the draft changes, per dimension it changes in them."""
    changed = tables.changed
    months = changed.assign(month=changed["date"].dt.to_period("M"))[["dimension", "month"]]
    return [
        (dimension, month)
        for dimension, month in months.drop_duplicates().sort_values(["dimension", "month"]).values
        if tables.complete(dimension, month) and month in tables.after_months.index
    ]


def _months_of_every_series(tables: Tables) -> list[tuple[str, pd.Period]]:
    """Return, for every dimension, the months the draft changes that the indicator's data
    cover to their end: a breakdown missing from a whole month is judged, not skipped."""
    months = sorted(set(tables.changed["date"].dt.to_period("M")))
    dimensions = sorted(set(tables.after_months.columns.get_level_values("dimension")))
    return [
        (dimension, month)
        for month in months
        if tables.complete(None, month) and month in tables.after_months.index
        for dimension in dimensions
    ]


# -- series that stop ----------------------------------------------------------------------------


def _stopped_runs(tables: Tables, names: Names) -> list[Finding]:
    """Flag runs of empty draft days that the series' past year makes very unlikely."""
    draft_days = pd.DatetimeIndex(sorted(set(tables.changed["date"])))
    if draft_days.empty or tables.before_days.empty:
        return []
    first = draft_days[0]
    past = tables.before_days[first - pd.Timedelta(days=DAY_HISTORY) : first - pd.Timedelta(days=1)]
    # Only series with a value in the past year; each counted from its first day in it.
    started = past.notna().cummax()
    empty_past = (past.isna() | (past == 0)) & started
    days_past = started.sum()
    columns = [c for c in past.columns if days_past[c] > 0 and (past[c] > 0).any()]
    if not columns:
        return []
    empty_days = empty_past[columns].sum()
    chance = np.log10((empty_days + 1) / (days_past[columns] + 1))
    after = tables.after_days.loc[draft_days, columns]
    zeroed = _draft_values(tables).reindex(index=draft_days, columns=columns) == 0
    empty = after.isna() | zeroed
    found = []
    for column in columns:
        for run in _runs(draft_days[empty[column].to_numpy()]):
            if len(run) * chance[column] >= EMPTY_RUN_CHANCE:
                continue
            expected = _expected(tables, column, run)
            first, last = run[0].date(), run[-1].date()
            span = (
                f"{french.format_date_range(first, last)} ({len(run)} jours)"
                if len(run) > 1
                else f"le {french.format_date(first)}"
            )
            found.append(
                names.finding(
                    "stopped",
                    column,
                    "jour",
                    first,
                    last,
                    None,
                    (expected, expected),
                    -len(run) * chance[column],
                    f"à zéro ou absente {span}, alors qu'on attendait environ "
                    f"{names.value(expected)} ; elle ne l'avait été "
                    f"{_day_count(empty_days[column], days_past[column])}.",
                )
            )
    return found


def _stopped_months(tables: Tables, names: Names) -> list[Finding]:
    """Flag whole months without a value of a series that had one every month of the year."""
    after = tables.after_months
    found = []
    for dimension, month in _months_of_every_series(tables):
        columns = [c for c in after.columns if c[0] == dimension]
        previous = after.loc[
            (after.index >= month - MONTH_BASELINE) & (after.index < month), columns
        ]
        if len(previous) < MONTH_BASELINE:
            continue
        filled = (previous.notna() & (previous != 0)).all()
        now = after.loc[month, columns]
        for column in now[(now.isna() | (now == 0)) & filled].index:
            usual = (previous[column].min(), previous[column].max())
            found.append(
                names.finding(
                    "stopped",
                    column,
                    "mois",
                    month.start_time,
                    month.end_time,
                    None,
                    usual,
                    float(previous[column].median()),
                    f"à zéro ou absente {french.during(month.start_time, 'mois')}, alors "
                    "qu'elle avait une valeur chaque mois de l'année précédente "
                    f"({names.range(usual)} par mois).",
                )
            )
    return found


def _day_count(empty: int, days: int) -> str:
    """Return « aucun des 365 jours précédents », « que 3 jours sur les 365 précédents »."""
    if not empty:
        return f"aucun des {int(days)}{french.NBSP}jours précédents"
    plural = "s" if empty > 1 else ""
    return f"que {int(empty)}{french.NBSP}jour{plural} sur les {int(days)} précédents"


def _draft_values(tables: Tables) -> pd.DataFrame:
    """Return the values the draft gives, per day and series."""
    return tables.changed.pivot_table(
        index="date", columns=["dimension", "member"], values="new", aggfunc="last"
    )


def _runs(days: pd.DatetimeIndex) -> list[list[pd.Timestamp]]:
    """Return consecutive days grouped in runs."""
    runs: list[list[pd.Timestamp]] = []
    for day in days:
        if runs and day - runs[-1][-1] == pd.Timedelta(days=1):
            runs[-1].append(day)
        else:
            runs.append([day])
    return runs


def _expected(tables: Tables, column: tuple[str, str], run: list[pd.Timestamp]) -> float:
    """Return what a series usually holds over a run of days: its mean over the 28 days before
    times the run's length for a sum, else its median."""
    before = tables.before_days[column][run[0] - pd.Timedelta(days=28) : run[0]].dropna()
    if tables.indicator.aggregation == "somme":
        return float(before.mean() * len(run))
    return float(before.median())


def _days(finding: Finding) -> list[dt.date]:
    return list(pd.date_range(finding.start, finding.end, freq="D").date)


# -- shares of a breakdown -----------------------------------------------------------------------


def share_distances(table: pd.DataFrame) -> tuple[pd.Series, pd.DataFrame, pd.DataFrame]:
    """Return, per month, the total-variation distance between the month's shares and those of
    the 12 months before, pooled; and both tables of shares."""
    table = table.fillna(0)
    pooled = table.shift(1).rolling(MONTH_BASELINE, min_periods=MIN_MONTH_BASELINE).sum()
    shares = table.div(table.sum(axis=1).where(lambda s: s > 0), axis=0)
    usual = pooled.div(pooled.sum(axis=1).where(lambda s: s > 0), axis=0)
    distance = (shares - usual).abs().sum(axis=1, min_count=1) / 2
    return distance, shares, usual


def _shares(tables: Tables, names: Names) -> list[Finding]:
    if tables.indicator.aggregation not in ("somme", "dernier"):
        return []
    found = []
    for dimension, month in _checked_months(tables):
        if not dimension:
            continue
        after = tables.after_months[[c for c in tables.after_months.columns if c[0] == dimension]]
        before = tables.before_months[
            [c for c in tables.before_months.columns if c[0] == dimension]
        ]
        if before.empty:
            continue
        distance, shares, usual = share_distances(after)
        past = share_distances(before)[0]
        past = past[(past.index >= month - SHARE_HISTORY) & (past.index < month)].dropna()
        if len(past) < MIN_MONTH_HISTORY or pd.isna(distance.get(month)):
            continue
        centre = float(past.median())
        spread = max(float((past - centre).abs().median()) * MAD_TO_SIGMA, MIN_SHARE_SPREAD)
        score = (distance[month] - centre) / spread
        if score <= THRESHOLD:
            continue
        moved = (shares.loc[month] - usual.loc[month]).abs().sort_values(ascending=False)
        details = ", ".join(
            f"{names.member(column)} passe de {french.format_percent(usual.at[month, column])} "
            f"à {french.format_percent(shares.at[month, column])}"
            for column in moved.index[:2]
        )
        low, high = max(centre - THRESHOLD * spread, 0.0), centre + THRESHOLD * spread
        found.append(
            names.finding(
                "shares",
                (dimension, ""),
                "mois",
                month.start_time,
                month.end_time,
                float(distance[month]),
                (low, high),
                score,
                f"{french.during(month.start_time, 'mois')}, les parts s'écartent de "
                f"{_points(distance[month])} des parts habituelles (habituellement "
                f"{_points(centre)}, signalé au-delà de {_points(high)}) : {details}.",
            )
        )
    return found


def _points(distance: float) -> str:
    """Return a distance between shares in percentage points: « 0,6 point », « 45 points »."""
    points = distance * 100
    number = french.format_number(points, 1).removesuffix(",0")
    return f"{number}{french.NBSP}point{'s' if abs(points) >= 2 else ''}"


# -- corrections of old figures ------------------------------------------------------------------


def _corrections(tables: Tables, names: Names, today: dt.date) -> list[Finding]:
    changed = tables.changed[tables.changed["old"].notna()]
    if changed.empty:
        return []
    pairs = changed.assign(month=changed["date"].dt.to_period("M"))
    pairs = pairs[["dimension", "member", "month"]].drop_duplicates()
    closed = pairs["month"].map(lambda m: (today - m.end_time.date()).days) > CLOSED_DAYS
    found = []
    for dimension, member, month in pairs[closed].itertuples(index=False):
        column = (dimension, member)
        old = tables.before_months.at[month, column]
        new = tables.after_months.at[month, column]
        change = new - old
        relative = abs(change) / abs(old) if old else math.inf
        units = tables.indicator.aggregation != "somme" or abs(change) >= CORRECTION_UNITS
        if relative <= CORRECTION_SHARE or not units:
            continue
        age = (today - month.end_time.date()).days
        found.append(
            names.finding(
                "correction",
                column,
                "mois",
                month.start_time,
                month.end_time,
                new,
                (old, old),
                relative,
                f"{french.format_period(month.start_time, 'mois')}, mois clos depuis {age} "
                f"jours : {names.value(old)} → {names.value(new)} "
                f"({french.format_percent(change / old if old else None, signed=True)}).",
            )
        )
    return found


# -- French --------------------------------------------------------------------------------------


def spaced(text: str) -> str:
    """Return French text with a no-break space before « : ; ! ? » and inside « guillemets »."""
    text = re.sub(r" ([:;!?»])", french.NBSP + r"\1", text)
    return text.replace("« ", "«" + french.NBSP)


class Names:
    """Names of an indicator's series, values and ranges, in French, for the messages."""

    def __init__(self, indicator: Indicator, breakdowns: Mapping[str, Breakdown]):
        self.indicator, self.breakdowns = indicator, breakdowns

    def series(self, column: tuple[str, str]) -> str:
        dimension, member = column
        if not dimension:
            return "total national"
        breakdown = self.breakdowns[dimension]
        if not member:
            return f"ventilation « {breakdown.title} »"
        return f"{breakdown.title.lower()} « {breakdown.label(member)} »"

    def member(self, column: tuple[str, str]) -> str:
        return f"« {self.breakdowns[column[0]].label(column[1])} »"

    def value(self, value: float) -> str:
        return french.format_value(value, self.indicator)

    def range(self, usual: tuple[float, float]) -> str:
        low, high = (french.format_number(v, self.indicator.decimals) for v in usual)
        return f"{low} à {self.value(usual[1])}" if low != high else self.value(usual[0])

    def finding(self, rule, column, granularity, start, end, value, usual, score, text) -> Finding:
        start, end = pd.Timestamp(start).date(), pd.Timestamp(end).date()
        if rule == "unusual":
            text = f"{french.format_period(start, granularity)} : {text}"
        series = self.series(column)
        return Finding(
            rule=rule,
            indicator=self.indicator.id,
            dimension=column[0],
            member=column[1],
            granularity=granularity,
            start=start,
            end=end,
            value=None if value is None or pd.isna(value) else float(value),
            usual=None if usual is None else (float(usual[0]), float(usual[1])),
            score=float(score),
            series=spaced(series),
            detail=spaced(text),
            message=spaced(f"{RULES[rule]} — {self.indicator.title}, {series}, {text}"),
        )
