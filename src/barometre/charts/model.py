"""The chart model: what the Baromètre draws, independent of any renderer and of the theme.

A chart is one of three kinds: a ``TimeChart`` (lines over dates: the national or a
département's series, its incomplete current period, the same periods a year earlier, the
events of the period, or the members of a small breakdown), a ``BarChart`` (a breakdown's
totals: hours upright, other members flat), or an ``EmptyChart`` (a message). Colours are roles
(an index into a theme's palette), never colour values: renderers paint them in either theme.

Values are already rounded to the indicator's decimals; a ``None`` value is a point that is
not shown (masked by statistical secrecy, or missing): both renderers leave it out alike.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Literal

from barometre.charts.french import NBSP, NNBSP, format_number

# What a series stands for: the renderers and the display checkboxes act on roles.
MAIN = "principale"  # the indicator's series
PARTIAL = "periode-en-cours"  # the incomplete current period, one point
COMPARISON = "comparaison"  # the same periods a year earlier, hidden unless asked for
MEMBER = "membre"  # one member of a breakdown
ROLES = (MAIN, PARTIAL, COMPARISON, MEMBER)
# Line patterns, in the renderers' common vocabulary (plotly's names).
DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
# Marker shapes; "-open" after one draws a ring.
SYMBOLS = ("circle", "square", "diamond", "triangle-up", "x", "cross", "triangle-down", "star")
Granularity = Literal["jour", "semaine", "mois", "annee"]


@dataclass(frozen=True)
class ValueFormat:
    """How a chart writes its values: decimals, the unit (axis title) and its symbol if any."""

    decimals: int
    unit: str
    symbol: str = ""

    def text(self, value: float) -> str:
        """Return a value in French with its unit: « 1 234 demandes », « 1 234 € »."""
        number = format_number(value, self.decimals)
        if self.symbol:
            return f"{number}{NNBSP}{self.symbol}"
        return f"{number}{NBSP}{self.unit}" if self.unit else number

    def bar_text(self, value: float) -> str:
        """Return the value written after a bar: the number, with its symbol if it has one."""
        number = format_number(value, self.decimals)
        return f"{number}{NNBSP}{self.symbol}" if self.symbol else number


@dataclass(frozen=True)
class Markers:
    """The markers of a series: every point's (``every``), or at most ``most`` of them spread
    along a long line so that the symbol stays recognisable, or none."""

    symbol: str = "circle"
    size: int = 7
    every: bool = True
    most: int = 0
    ring: float = 0.0  # width of a ring marker's line; 0 for a filled one

    @property
    def shown(self) -> bool:
        return self.every or self.most > 0


NO_MARKERS = Markers(every=False)


@dataclass(frozen=True)
class Series:
    """One line: its name in the legend, its points (ISO date, value), role and style."""

    name: str
    dates: tuple[str, ...]
    values: tuple[float | None, ...]
    role: str = MAIN
    colour: int = 0  # the theme's palette index
    dash: str = "solid"
    width: float = 2.5
    markers: Markers = NO_MARKERS
    # Per point, what the hover label says of it (the year-ago period's name).
    labels: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if len(self.dates) != len(self.values):
            raise ValueError(f"série « {self.name} » : autant de dates que de valeurs attendues")
        if self.role not in ROLES:
            raise ValueError(f"série « {self.name} » : rôle inconnu {self.role!r}")

    @property
    def points(self) -> list[tuple[str, float]]:
        """Return the points that are drawn: those with a value."""
        return [(d, v) for d, v in zip(self.dates, self.values, strict=True) if v is not None]


@dataclass(frozen=True)
class Link:
    """A dashed segment from the last complete period to the incomplete one."""

    start: tuple[str, float]
    end: tuple[str, float]
    colour: int = 0
    dash: str = "dash"
    width: float = 2.5


@dataclass(frozen=True)
class EventMark:
    """An event of the period: a dotted line on its day, or a band over its days (inclusive),
    labelled with its title; ``description`` is what hovering it says."""

    title: str
    start: dt.date
    last_day: dt.date | None = None
    description: str = ""

    @property
    def is_band(self) -> bool:
        return self.last_day is not None


@dataclass(frozen=True)
class TimeChart:
    """Lines over dates, with what the page's checkboxes show or hide."""

    series: tuple[Series, ...]
    granularity: Granularity
    values: ValueFormat
    link: Link | None = None
    events: tuple[EventMark, ...] = ()
    legend: bool = False
    # Hover labels head with the period; unified: one label for every series at a date.
    show_events: bool = True
    show_comparison: bool = False
    kind: str = "temps"

    def shown(self) -> list[Series]:
        """Return the series drawn as the display asks (the overlay only when compared)."""
        return [s for s in self.series if s.role != COMPARISON or self.show_comparison]

    def with_display(self, events: bool, comparison: bool) -> TimeChart:
        """Return the chart with its events and year-ago overlay shown or not."""
        return replace(self, show_events=events, show_comparison=comparison)

    @property
    def has_comparison(self) -> bool:
        return any(s.role == COMPARISON for s in self.series)


@dataclass(frozen=True)
class BarChart:
    """A breakdown's totals: ``upright`` bars in the members' order (hours), else flat bars,
    largest first, each with its value written after it."""

    labels: tuple[str, ...]
    values: tuple[float | None, ...]
    values_format: ValueFormat
    upright: bool = False
    category_title: str = ""
    colour: int = 0
    kind: str = "barres"

    def __post_init__(self) -> None:
        if len(self.labels) != len(self.values):
            raise ValueError("barres : autant de noms que de valeurs attendus")


@dataclass(frozen=True)
class EmptyChart:
    """No data to draw: only a message in the middle of the chart's box."""

    message: str
    kind: str = "vide"


Chart = TimeChart | BarChart | EmptyChart


def with_display(chart: Chart, events: bool, comparison: bool) -> Chart:
    """Return any chart with the page's display applied (only time charts have one)."""
    return chart.with_display(events, comparison) if isinstance(chart, TimeChart) else chart
