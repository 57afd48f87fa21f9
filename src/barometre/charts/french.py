"""French number and date formats: the way every figure and date of the site is written.

Pure (no Dash, no store): values in, French strings out. French typography: a narrow no-break
space (U+202F) groups thousands and precedes « % » and « € »; a no-break space (U+00A0) joins a
number to its unit and precedes « : »; the decimal mark is a comma; negative numbers take the true
minus sign U+2212, which screen readers announce as « moins ». Month names are spelt here rather
than taken from a system locale, which servers seldom have.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from barometre.data.catalogue import Indicator

NNBSP = "\u202f"  # narrow no-break space: thousands, before % and €
NBSP = "\u00a0"  # no-break space: between a number and its unit, before « : »
MINUS = "\u2212"
MISSING = "non disponible"

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


# -- numbers -----------------------------------------------------------------------------------


def is_missing(value: float | None) -> bool:
    """Return whether ``value`` is missing (``None`` or NaN): it is written « non disponible »."""
    return value is None or bool(pd.isna(value))


def _rounded(value: float, decimals: int) -> Decimal:
    # Half away from zero, like the browser's d3 formats; never a negative zero.
    quantum = Decimal(1).scaleb(-decimals)
    rounded = Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP)
    return abs(rounded) if rounded == 0 else rounded


def round_half_up(value: float | None, decimals: int = 0) -> float | None:
    """Return ``value`` rounded as the formats here round it (``None`` for a missing value)."""
    return None if is_missing(value) else float(_rounded(value, decimals))


def format_number(value: float | None, decimals: int = 0, *, signed: bool = False) -> str:
    """Return ``value`` in French: "1 234 567" (U+202F), "12,5", "−3" (U+2212), "+3" if signed.

    Rounds half away from zero, like the browser's d3 formats, and never writes "−0".
    """
    if is_missing(value):
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
        not is_missing(value)
        and abs(_rounded(value, indicator.decimals)) < 2
        and " " not in unit
        and unit.endswith("s")
        and not unit.endswith("ss")
    ):
        return unit[:-1]
    return unit


def format_value(value: float | None, indicator: Indicator, *, signed: bool = False) -> str:
    """Return a value with its unit: "1 234 demandes", "1 234 €", "12,5 minutes"."""
    if is_missing(value):
        return MISSING
    number = format_number(value, indicator.decimals, signed=signed)
    space = NNBSP if indicator.unit in UNIT_SYMBOLS else NBSP
    return f"{number}{space}{unit_text(indicator, value)}"


def format_percent(ratio: float | None, *, signed: bool = False) -> str:
    """Return a ratio as a French percentage: 0.12 → "12 %", −0.035 → "−3,5 %", 0.03 → "3 %".

    One decimal below 10 %, none from 10 % up; a trailing ",0" is dropped.
    """
    if is_missing(ratio):
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


def during(ts: dt.date, granularity: str) -> str:
    """Return "le 6 janvier 2025", "la semaine du …", "en janvier 2025", "en 2025"."""
    text = format_period(ts, granularity)
    return {"jour": "le", "semaine": "la", "mois": "en", "annee": "en"}[granularity] + " " + text


def compared_with(ts: dt.date, granularity: str) -> str:
    """Return "au 6 janvier 2025", "à la semaine du …", "à janvier 2025", "à 2025"."""
    text = format_period(ts, granularity)
    return {"jour": "au", "semaine": "à la", "mois": "à", "annee": "à"}[granularity] + " " + text


def format_span(first: dt.date, last: dt.date, granularity: str) -> str:
    """Return the span of a series: "de janvier 2024 à octobre 2026", "du 1er au …", "en 2025"."""
    if first == last:
        return during(first, granularity)
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
