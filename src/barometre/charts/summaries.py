"""French number and date formats, and the text summaries read out in place of the charts.

Everything here is pure (no Dash, no store): values and frames in, French strings out. French
typography: a narrow no-break space (U+202F) groups thousands and precedes « % » and « € »; a
no-break space (U+00A0) joins a number to its unit and precedes « : »; the decimal mark is a comma;
negative numbers take the true minus sign U+2212, which screen readers announce as « moins ».
Month names are spelt here rather than taken from a system locale, which servers seldom have.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from barometre.data.catalogue import Breakdown, Indicator
from barometre.publish import published, secrecy

NNBSP = "\u202f"  # narrow no-break space: thousands, before % and €
NBSP = "\u00a0"  # no-break space: between a number and its unit, before « : »
MINUS = "\u2212"
MISSING = "non disponible"
NO_DATA = "Aucune donnée sur la période choisie."

MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
# Units written as a symbol after the number rather than as a word.
UNIT_SYMBOLS = {"euros": "€", "%": "%"}
GRANULARITY_PHRASES = {
    "jour": "par jour",
    "semaine": "par semaine",
    "mois": "par mois",
    "annee": "par an",
}
PERIOD_NOUNS = {"jour": "jour", "semaine": "semaine", "mois": "mois", "annee": "année"}
# Below this relative change (0.5 %), a value is called stable.
STABLE_BELOW = 0.005
# Breakdowns with more members than this are summarised by their first few only.
MANY_MEMBERS = 8
TOP_NAMED = 3
HOUR_CODE = re.compile(r"^(?:[01]\d|2[0-3])$")


# -- numbers -----------------------------------------------------------------------------------


def _missing(value: float | None) -> bool:
    return value is None or bool(pd.isna(value))


def _rounded(value: float, decimals: int) -> Decimal:
    # Half away from zero, like the browser's d3 formats; never a negative zero.
    quantum = Decimal(1).scaleb(-decimals)
    rounded = Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP)
    return abs(rounded) if rounded == 0 else rounded


def round_half_up(value: float | None, decimals: int = 0) -> float | None:
    """Return ``value`` rounded as the formats here round it (``None`` for a missing value)."""
    return None if _missing(value) else float(_rounded(value, decimals))


def format_number(value: float | None, decimals: int = 0, *, signed: bool = False) -> str:
    """Return ``value`` in French: "1 234 567" (U+202F), "12,5", "−3" (U+2212), "+3" if signed.

    Rounds half away from zero, like the browser's d3 formats, and never writes "−0".
    """
    if _missing(value):
        return MISSING
    rounded = _rounded(value, decimals)
    sign = MINUS if rounded < 0 else ("+" if signed and rounded > 0 else "")
    integer, _, fraction = f"{abs(rounded):,.{decimals}f}".partition(".")
    return sign + integer.replace(",", NNBSP) + ("," + fraction if fraction else "")


def unit_text(indicator: Indicator, value: float | None = None) -> str:
    """Return the unit to write after ``value``: a symbol (€), else the word, singular below 2."""
    unit = indicator.unit
    if unit in UNIT_SYMBOLS:
        return UNIT_SYMBOLS[unit]
    # French takes the singular below two ("1,5 minute", "0 demande"); catalogue units are
    # plural single words, so dropping the final s is enough. Longer units are left alone.
    if (
        not _missing(value)
        and abs(_rounded(value, indicator.decimals)) < 2
        and " " not in unit
        and unit.endswith("s")
        and not unit.endswith("ss")
    ):
        return unit[:-1]
    return unit


def format_value(value: float | None, indicator: Indicator, *, signed: bool = False) -> str:
    """Return a value with its unit: "1 234 demandes", "1 234 €", "12,5 minutes"."""
    if _missing(value):
        return MISSING
    number = format_number(value, indicator.decimals, signed=signed)
    space = NNBSP if indicator.unit in UNIT_SYMBOLS else NBSP
    return f"{number}{space}{unit_text(indicator, value)}"


def format_percent(ratio: float | None, *, signed: bool = False) -> str:
    """Return a ratio as a French percentage: 0.12 → "12 %", −0.035 → "−3,5 %", 0.03 → "3 %".

    One decimal below 10 %, none from 10 % up; a trailing ",0" is dropped.
    """
    if _missing(ratio):
        return MISSING
    percent = float(ratio) * 100
    decimals = 1 if abs(percent) < 9.95 else 0
    text = format_number(percent, decimals, signed=signed).removesuffix(",0")
    return f"{text}{NNBSP}%"


# -- dates -------------------------------------------------------------------------------------


def format_date(d: dt.date) -> str:
    """Return a date in French: "28 novembre 2026", "1er janvier 2026"."""
    day = "1er" if d.day == 1 else str(d.day)
    return f"{day} {MONTHS[d.month - 1]} {d.year}"


def format_period(ts: dt.date, granularity: str) -> str:
    """Return the period starting at ``ts``: "6 janvier 2025", "semaine du 6 janvier 2025",
    "janvier 2025" or "2025" for jour, semaine, mois, annee."""
    if granularity == "jour":
        return format_date(ts)
    if granularity == "semaine":
        return f"semaine du {format_date(ts)}"
    if granularity == "mois":
        return f"{MONTHS[ts.month - 1]} {ts.year}"
    if granularity == "annee":
        return str(ts.year)
    raise ValueError(f"granularité inconnue : {granularity!r}")


def _elide(preposition: str, text: str) -> str:
    # "de avril" → "d'avril", "de octobre" → "d'octobre".
    if preposition == "de" and text[:1] in tuple("aeiouyéèêâà"):
        return f"d'{text}"
    return f"{preposition} {text}"


def _during(ts: dt.date, granularity: str) -> str:
    """Return "le 6 janvier 2025", "la semaine du …", "en janvier 2025", "en 2025"."""
    text = format_period(ts, granularity)
    return {"jour": "le", "semaine": "la", "mois": "en", "annee": "en"}[granularity] + " " + text


def _compared_with(ts: dt.date, granularity: str) -> str:
    """Return "au 6 janvier 2025", "à la semaine du …", "à janvier 2025", "à 2025"."""
    text = format_period(ts, granularity)
    return {"jour": "au", "semaine": "à la", "mois": "à", "annee": "à"}[granularity] + " " + text


def format_span(first: dt.date, last: dt.date, granularity: str) -> str:
    """Return the span of a series: "de janvier 2024 à octobre 2026", "du 1er au …", "en 2025"."""
    if first == last:
        return _during(first, granularity)
    if granularity == "jour":
        return f"du {format_date(first)} au {format_date(last)}"
    if granularity == "semaine":
        return f"de la semaine du {format_date(first)} à celle du {format_date(last)}"
    return f"{_elide('de', format_period(first, granularity))} à {format_period(last, granularity)}"


def format_date_range(first: dt.date, last: dt.date) -> str:
    """Return "du 17 mars au 11 mai 2020", or "du 30 décembre 2020 au 3 janvier 2021"."""
    if first.year != last.year:
        return f"du {format_date(first)} au {format_date(last)}"
    start = format_date(first).removesuffix(f" {first.year}")
    if first.month == last.month:
        start = start.split(" ")[0]
    return f"du {start} au {format_date(last)}"


def period_end(ts: dt.date, granularity: str) -> dt.date:
    """Return the last day of the period starting at ``ts``."""
    start = pd.Timestamp(ts)
    return (start + pd.Timedelta(days=expected_days(start, granularity) - 1)).date()


def events_in(events, frame: pd.DataFrame, granularity: str) -> tuple:
    """Return the events with at least one day in the periods ``frame`` shows."""
    national = _national(frame)
    if national.empty:
        return ()
    first = national["periode"].iloc[0].date()
    last = period_end(national["periode"].iloc[-1], granularity)
    return tuple(e for e in events if e.overlaps(first, last))


def events_during(events, ts: dt.date, granularity: str) -> list[str]:
    """Return the titles of the events with at least one day in the period starting at ``ts``."""
    first = pd.Timestamp(ts).date()
    return [e.title for e in events if e.overlaps(first, period_end(first, granularity))]


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
    if _missing(previous) or _missing(current) or previous == 0:
        return NO_COMPARISON
    absolute = float(current) - float(previous)
    ratio = absolute / abs(float(previous))
    if abs(ratio) < STABLE_BELOW:
        return Change(ratio, absolute, "stable", "→", "stable")
    direction, arrow = ("hausse", "↑") if ratio > 0 else ("baisse", "↓")
    amount = format_value(absolute, indicator, signed=True)
    words = f"en {direction} de {format_percent(abs(ratio))} ({amount})"
    return Change(ratio, absolute, direction, arrow, words)


# -- series helpers ----------------------------------------------------------------------------


def _national(frame: pd.DataFrame) -> pd.DataFrame:
    """Return the national rows of a series, sorted by period, without missing values."""
    if "membre" in frame:
        frame = frame[frame["membre"] == ""]
    return frame.dropna(subset=["valeur"]).sort_values("periode")


def expected_days(ts: dt.date, granularity: str) -> int:
    """Return how many days the period starting at ``ts`` has."""
    if granularity == "jour":
        return 1
    if granularity == "semaine":
        return 7
    if granularity == "mois":
        return calendar.monthrange(ts.year, ts.month)[1]
    return 366 if calendar.isleap(ts.year) else 365


def is_partial(row: pd.Series, granularity: str, indicator: Indicator) -> bool:
    """Return whether a period of a daily indicator has fewer days of data than it has days."""
    if indicator.frequency != "quotidienne" or "jours" not in row:
        return False
    return int(row["jours"]) < expected_days(row["periode"], granularity)


def year_before(ts: pd.Timestamp, granularity: str) -> pd.Timestamp:
    """Return the start of the period a year before: same day, same ISO weekday, same month."""
    if granularity == "semaine":
        return ts - pd.Timedelta(weeks=52)
    return ts - pd.DateOffset(years=1)


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


def year_ago(
    frame: pd.DataFrame, previous: pd.DataFrame, granularity: str, indicator: Indicator
) -> pd.DataFrame:
    """Return, for each period of ``frame``, the same period a year before as ``previous`` has it.

    Columns: ``periode`` (the period shown), ``periode_avant`` (its start a year before) and
    ``valeur_avant`` (NaN when the store has no such period or when either period is incomplete
    for a flow: the overlay never sets a partial count against a complete one). Vectorised: a
    daily series over the whole history has thousands of periods.
    """
    shown = frame[frame["membre"] == ""] if "membre" in frame else frame
    shown = shown.sort_values("periode").reset_index(drop=True)
    shift = pd.Timedelta(weeks=52) if granularity == "semaine" else pd.DateOffset(years=1)
    earlier = _national(previous).drop_duplicates("periode", keep="last")
    merged = pd.DataFrame(
        {
            "periode": shown["periode"],
            "periode_avant": shown["periode"] - shift,
            "partiel": _partial_mask(shown, granularity, indicator),
        }
    ).merge(
        pd.DataFrame(
            {
                "periode_avant": earlier["periode"],
                "valeur_avant": earlier["valeur"],
                "partiel_avant": _partial_mask(earlier, granularity, indicator),
            }
        ),
        on="periode_avant",
        how="left",
    )
    if indicator.aggregation == "somme":
        incomplete = merged["partiel"] | merged["partiel_avant"].fillna(False).astype(bool)
        merged.loc[incomplete, "valeur_avant"] = float("nan")
    return merged[["periode", "periode_avant", "valeur_avant"]]


def _partial_mask(frame: pd.DataFrame, granularity: str, indicator: Indicator) -> pd.Series:
    """Return ``is_partial`` of every row of ``frame`` at once."""
    if indicator.frequency != "quotidienne" or "jours" not in frame:
        return pd.Series(False, index=frame.index)
    periods = frame["periode"]
    expected = {
        "jour": 1,
        "semaine": 7,
        "mois": periods.dt.days_in_month,
        "annee": 365 + periods.dt.is_leap_year.astype(int),
    }[granularity]
    return frame["jours"] < expected


def shift_year_back(day: dt.date, granularity: str) -> dt.date:
    """Return the day a year before ``day`` as the comparison counts it (52 weeks for weeks)."""
    return year_before(pd.Timestamp(day), granularity).date()


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
    national = _national(frame)
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
    national = _national(frame)
    if national.empty:
        return NO_DATA
    first, last = national.iloc[0], national.iloc[-1]
    span = format_span(first["periode"], last["periode"], granularity)
    sentences = [f"{indicator.title} {GRANULARITY_PHRASES[granularity]}, {span}."]
    happened = events_sentence(events_in(events, national, granularity))
    if len(national) == 1:
        sentences.append(f"Valeur{NBSP}: {format_value(last['valeur'], indicator)}.")
        return " ".join([*sentences, happened]).strip()
    latest = f"Dernière valeur{NBSP}: {format_value(last['valeur'], indicator)} " + _during(
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
        latest += f", {change.words} par rapport {_compared_with(reference, granularity)}"
    sentences.append(latest + ".")
    top = national.loc[national["valeur"].idxmax()]
    sentences.append(
        f"Maximum{NBSP}: {format_value(top['valeur'], indicator)} "
        f"{_during(top['periode'], granularity)}."
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
            "valeur_brute": None if _missing(row["valeur"]) else float(row["valeur"]),
            "partiel": is_partial(row, granularity, indicator),
        }
        for _, row in national.sort_values("periode").iterrows()
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
