"""The text summaries read out in place of the charts, the key figures and the tables' rows.

Pure (no Dash, no store): frames in, French sentences out, written with the formats of
``french`` over the periods of ``periods``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pandas as pd

from barometre.charts.french import (
    GRANULARITY_PHRASES,
    NBSP,
    PERIOD_NOUNS,
    compared_with,
    during,
    format_date,
    format_date_range,
    format_number,
    format_percent,
    format_period,
    format_span,
    format_value,
    is_missing,
)
from barometre.charts.periods import events_in, is_partial, national_rows, year_before
from barometre.data.catalogue import Breakdown, Indicator
from barometre.publish import published, secrecy

NO_DATA = "Aucune donnée sur la période choisie."
# Below this relative change (0.5 %), a value is called stable.
STABLE_BELOW = 0.005
# Breakdowns with more members than this are summarised by their first few only.
MANY_MEMBERS = 8
TOP_NAMED = 3
HOUR_CODE = re.compile(r"^(?:[01]\d|2[0-3])$")


# -- events ------------------------------------------------------------------------------------


def event_phrase(event) -> str:
    """Return an event as a summary names it: "ouverture de THESEE (15 mars 2022)"."""
    title = event.title
    if not title[1:2].isupper():  # keep acronyms (« THESEE ») as they are
        title = title[:1].lower() + title[1:]
    when = format_date_range(event.start, event.end) if event.end else format_date(event.start)
    return f"{title} ({when})"


def events_sentence(events) -> str:
    """Return « Événements sur la période : a ; b. », or "" without events."""
    if not events:
        return ""
    return f"Événements sur la période{NBSP}: {f'{NBSP}; '.join(map(event_phrase, events))}."


# -- changes -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """How a value moved against a reference, in words that never rely on colour."""

    ratio: float | None
    absolute: float | None
    direction: str | None  # 'hausse', 'baisse', 'stable' or None (no comparison)
    arrow: str  # '↑', '↓', '→' or ''
    words: str  # "en hausse de 12 % (+1 234 demandes)", "stable", "sans comparaison possible"

    @property
    def headline(self) -> str:
        """Return the change without its absolute part: "en hausse de 12 %", "stable"."""
        if self.direction in ("hausse", "baisse"):
            return f"en {self.direction} de {format_percent(abs(self.ratio))}"
        return self.words


NO_COMPARISON = Change(None, None, None, "", "sans comparaison possible")


def describe_change(current: float, previous: float | None, indicator: Indicator) -> Change:
    """Return the change from ``previous`` to ``current`` (no comparison if previous is 0/None)."""
    if is_missing(previous) or is_missing(current) or previous == 0:
        return NO_COMPARISON
    absolute = float(current) - float(previous)
    ratio = absolute / abs(float(previous))
    if abs(ratio) < STABLE_BELOW:
        return Change(ratio, absolute, "stable", "→", "stable")
    direction, arrow = ("hausse", "↑") if ratio > 0 else ("baisse", "↓")
    amount = format_value(absolute, indicator, signed=True)
    words = f"en {direction} de {format_percent(abs(ratio))} ({amount})"
    return Change(ratio, absolute, direction, arrow, words)


# -- comparisons with the year before ----------------------------------------------------------


def _row_at(frame: pd.DataFrame, ts: pd.Timestamp) -> pd.Series | None:
    rows = frame[frame["periode"] == ts]
    return None if rows.empty else rows.iloc[-1]


def _comparable(
    row: pd.Series, previous: pd.Series | None, granularity: str, indicator: Indicator
) -> bool:
    """Return whether two periods can be set side by side: flows need both periods complete."""
    if previous is None:
        return False
    return indicator.aggregation != "somme" or not (
        is_partial(row, granularity, indicator) or is_partial(previous, granularity, indicator)
    )


def _year_change(
    frame: pd.DataFrame, row: pd.Series, granularity: str, indicator: Indicator
) -> tuple[Change, pd.Timestamp]:
    """Compare a row with the same period a year before; flows need both periods complete."""
    reference = year_before(row["periode"], granularity)
    previous = _row_at(frame, reference)
    if not _comparable(row, previous, granularity, indicator):
        return NO_COMPARISON, reference
    return describe_change(row["valeur"], previous["valeur"], indicator), reference


# -- key figures -------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyFigure:
    """The value of the last complete month, set against the same month a year before."""

    period: dt.date
    value: float
    previous_period: dt.date
    previous_value: float | None
    change: Change
    label: str  # "octobre 2026"
    value_text: str  # "12 345 demandes"
    change_text: str  # "en hausse de 12 % (+132 demandes) par rapport à octobre 2025"
    partial: bool  # the month misses days of data

    @property
    def sentence(self) -> str:
        """Return the whole key figure as one sentence, for screen readers and text exports."""
        label = f"{self.label[:1].upper()}{self.label[1:]}"
        return f"{label}{NBSP}: {self.value_text}, {self.change_text}."


def key_figure(frame: pd.DataFrame, indicator: Indicator, today: dt.date) -> KeyFigure | None:
    """Return the key figure of a monthly national series, or ``None`` without a complete month.

    A month is complete once it is over, i.e. before the month of ``today``.
    """
    national = national_rows(frame)
    current_month = pd.Timestamp(today.year, today.month, 1)
    complete = national[national["periode"] < current_month]
    if complete.empty:
        return None
    row = complete.iloc[-1]
    change, reference = _year_change(national, row, "mois", indicator)
    previous = _row_at(national, reference)
    previous_label = format_period(reference, "mois")
    if change.direction is None:
        change_text = f"sans comparaison possible avec {previous_label}"
    else:
        # Percent and absolute change: 12 % of a few dozen is not 12 % of thousands.
        change_text = f"{change.words} par rapport à {previous_label}"
    return KeyFigure(
        period=row["periode"].date(),
        value=float(row["valeur"]),
        previous_period=reference.date(),
        previous_value=None if previous is None else float(previous["valeur"]),
        change=change,
        label=format_period(row["periode"], "mois"),
        value_text=format_value(row["valeur"], indicator),
        change_text=change_text,
        partial=is_partial(row, "mois", indicator),
    )


# -- chart summaries ---------------------------------------------------------------------------


def chart_summary(indicator: Indicator, frame: pd.DataFrame, granularity: str, events=()) -> str:
    """Return what a time-series chart shows, in a few short French sentences.

    ``events`` are those that concern the indicator; the ones inside the period shown are named.
    """
    national = national_rows(frame)
    if national.empty:
        return NO_DATA
    first, last = national.iloc[0], national.iloc[-1]
    span = format_span(first["periode"], last["periode"], granularity)
    sentences = [f"{indicator.title} {GRANULARITY_PHRASES[granularity]}, {span}."]
    happened = events_sentence(events_in(events, national, granularity))
    if len(national) == 1:
        sentences.append(f"Valeur{NBSP}: {format_value(last['valeur'], indicator)}.")
        return " ".join([*sentences, happened]).strip()
    latest = f"Dernière valeur{NBSP}: {format_value(last['valeur'], indicator)} " + during(
        last["periode"], granularity
    )
    if is_partial(last, granularity, indicator):
        days = int(last["jours"])
        noun = PERIOD_NOUNS[granularity]
        adjective = "incomplète" if noun in ("semaine", "année") else "incomplet"
        latest += f" ({noun} {adjective}{NBSP}: "
        latest += f"{days} jour{'s' if days > 1 else ''} de données"
        if indicator.aggregation == "somme":
            # A partial count would look like a fall: say why no change is given.
            latest += ", non comparable à l'année précédente"
        latest += ")"
    change, reference = _year_change(national, last, granularity, indicator)
    if change.direction is not None:
        latest += f", {change.words} par rapport {compared_with(reference, granularity)}"
    sentences.append(latest + ".")
    top = national.loc[national["valeur"].idxmax()]
    sentences.append(
        f"Maximum{NBSP}: {format_value(top['valeur'], indicator)} "
        f"{during(top['periode'], granularity)}."
    )
    return " ".join([*sentences, happened]).strip()


def is_hour_breakdown(breakdown: Breakdown) -> bool:
    """Return whether a breakdown's members are the hours of the day ("00" to "23")."""
    return breakdown.id == "heure" or all(HOUR_CODE.match(code) for code in breakdown.codes)


def _shares(indicator: Indicator) -> bool:
    # Shares of a total make sense for counts and stocks, not for averages.
    return indicator.aggregation in ("somme", "dernier")


def _enumerate(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} et {items[-1]}"


def breakdown_summary(indicator: Indicator, breakdown: Breakdown, frame: pd.DataFrame) -> str:
    """Return the split of a total across a breakdown's members, largest first."""
    rows = breakdown_rows(frame, indicator, breakdown, order="valeur")
    if not rows:
        return NO_DATA
    title = f"{breakdown.title[:1].lower()}{breakdown.title[1:]}"

    hidden = sum(row["masque"] for row in rows if not row["non_diffuse"])
    rows = [row for row in rows if not row["masque"] and not row["non_diffuse"]]
    masked_note = f" ({hidden}{NBSP}non diffusés au titre du secret statistique)" if hidden else ""
    if not rows:
        return f"Répartition par {title}{NBSP}: toutes les valeurs sont masquées{masked_note}."

    def item(row: dict) -> str:
        if row["part"]:
            return f"{row['membre']} {row['part']} ({format_value(row['valeur_brute'], indicator)})"
        return f"{row['membre']} {format_value(row['valeur_brute'], indicator)}"

    if len(rows) > MANY_MEMBERS:
        named = _enumerate([item(row) for row in rows[:TOP_NAMED]])
        return (
            f"Répartition par {title}{NBSP}: {len(rows) + hidden} au total{masked_note}{NBSP}; "
            f"les {TOP_NAMED} plus importants{NBSP}: {named}."
        )
    return f"Répartition par {title}{NBSP}: {_enumerate([item(row) for row in rows])}{masked_note}."


# -- table rows --------------------------------------------------------------------------------


def table_rows(frame: pd.DataFrame, indicator: Indicator, granularity: str) -> list[dict]:
    """Return one dict per period of a national series: French cells and raw values.

    Keys: ``periode`` ("janvier 2025"), ``valeur`` ("12 345"), ``date`` (ISO), ``valeur_brute``
    (float or ``None``) and ``partiel`` (the period misses days of data).
    """
    national = frame[frame["membre"] == ""] if "membre" in frame else frame
    return [
        {
            "periode": format_period(row["periode"], granularity),
            "valeur": format_number(row["valeur"], indicator.decimals),
            "date": row["periode"].date().isoformat(),
            "valeur_brute": None if is_missing(row["valeur"]) else float(row["valeur"]),
            "partiel": is_partial(row, granularity, indicator),
        }
        # Plain records: a daily series has thousands of rows, and a row as a pandas Series
        # (iterrows) costs more than the formatting done with it.
        for row in national.sort_values("periode").to_dict("records")
    ]


def breakdown_rows(
    frame: pd.DataFrame, indicator: Indicator, breakdown: Breakdown, order: str = "auto"
) -> list[dict]:
    """Return one dict per member of a breakdown total: label, value and share, French and raw.

    Keys: ``code``, ``membre`` (label), ``valeur`` ("12 345"), ``part`` ("61 %"; "" for averages),
    ``valeur_brute``, ``part_brute``, ``masque`` and ``non_diffuse``. ``order`` "auto" keeps
    hours in hour order and sorts other breakdowns by value, largest first; "valeur" always
    sorts by value.

    Members not published (``masque`` column, see ``publish.published``) come next with
    ``valeur`` « n.d. » and no share; then, when there are some, one « Non diffusé » row
    (``non_diffuse`` True) gives what they add up to together (the exact total minus the
    members shown, itself a published figure), so that the table adds up to the total. Shares
    stay relative to the exact total.
    """
    masked = frame["masque"].astype(bool) if "masque" in frame else pd.Series(False, frame.index)
    data = frame[masked | frame["valeur"].notna()]
    if "membre" in data:
        data = data[data["membre"] != ""]
    if data.empty:
        return []
    if order == "auto" and is_hour_breakdown(breakdown):
        data = data.sort_values("membre")
    else:
        data = data.sort_values(["valeur", "membre"], ascending=[False, True], na_position="last")
    total = float(frame.attrs.get(published.TOTAL_ATTR, data["valeur"].sum()))
    with_shares = _shares(indicator) and total > 0
    hidden = secrecy.label()
    rows = []
    for index, row in data.iterrows():
        shown = not masked[index]
        share = float(row["valeur"]) / total if with_shares and shown else None
        rows.append(
            {
                "code": row["membre"],
                "membre": breakdown.label(row["membre"]),
                "valeur": format_number(row["valeur"], indicator.decimals) if shown else hidden,
                "part": format_percent(share) if share is not None else "",
                "valeur_brute": float(row["valeur"]) if shown else None,
                "part_brute": share,
                "masque": not shown,
                "non_diffuse": False,
            }
        )
    undisclosed = frame.attrs.get(published.UNDISCLOSED_ATTR) or {}
    if undisclosed.get("membres"):
        value = float(undisclosed["valeur"])
        share = value / total if with_shares else None
        count = undisclosed["membres"]
        rows.append(
            {
                "code": "",
                "membre": f"Non diffusé ({count}{NBSP}membre{'s' if count > 1 else ''})",
                "valeur": format_number(value, indicator.decimals),
                "part": format_percent(share) if share is not None else "",
                "valeur_brute": value,
                "part_brute": share,
                "masque": False,
                "non_diffuse": True,
            }
        )
    return rows
