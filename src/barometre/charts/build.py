"""Data in, chart model out: the charts of the Baromètre built from the store's frames.

Pure functions over pandas frames (``periode``, ``membre``, ``valeur``, ``jours`` columns, as
the store and the published data return them). They decide what a chart shows; how it looks in
plotly or SVG is the renderers' business (``charts.figures``, ``charts.drawings``).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from barometre.charts import french, periods, summaries
from barometre.charts.french import NBSP, UNIT_SYMBOLS, round_half_up
from barometre.charts.model import (
    COMPARISON,
    DASHES,
    MAIN,
    MEMBER,
    NO_MARKERS,
    PARTIAL,
    SYMBOLS,
    BarChart,
    EmptyChart,
    EventMark,
    Link,
    Markers,
    Series,
    TimeChart,
    ValueFormat,
)
from barometre.charts.periods import is_partial
from barometre.charts.summaries import NO_DATA
from barometre.data.catalogue import Breakdown, Indicator
from barometre.data.events import Event

# Up to this many points a line also shows its markers (a lone point has no line to draw).
MARKERS_MAX_POINTS = 40
# On longer breakdown lines, this many markers still show which symbol belongs to which series.
MARKERS_SHOWN = 12
# Line patterns of a breakdown's members, beyond the palette's six named ones.
MEMBER_DASHES = (*DASHES, "8px,3px,2px,3px,2px,3px", "2px,6px")
SERIES_MAX_MEMBERS = len(MEMBER_DASHES)
COMPARISON_NAME = "Même période, un an avant"
PARTIAL_NAME = "Période en cours (incomplète)"


def value_format(indicator: Indicator) -> ValueFormat:
    """Return how an indicator's values are written: decimals, unit, symbol."""
    return ValueFormat(indicator.decimals, indicator.unit, UNIT_SYMBOLS.get(indicator.unit, ""))


def values(series: pd.Series, decimals: int) -> tuple:
    """Return values rounded to ``decimals`` (ints when 0; None where missing or masked)."""
    rounded = [round_half_up(v, decimals) for v in series]
    if decimals == 0:
        return tuple(None if v is None else int(v) for v in rounded)
    return tuple(rounded)


def dates(series: pd.Series) -> tuple[str, ...]:
    return tuple(ts.strftime("%Y-%m-%d") for ts in pd.to_datetime(series))


def time_series(
    frame: pd.DataFrame,
    indicator: Indicator,
    granularity: str,
    events: Sequence[Event] = (),
    previous: pd.DataFrame | None = None,
) -> TimeChart | EmptyChart:
    """Return the national (or one département's) series of an indicator as one line.

    An incomplete last period is a separate, ringed point (« période en cours »), linked to the
    last complete one by a dashed segment when both have a value. ``events`` (those that
    concern the indicator) inside the period shown are marked; ``previous`` (the series a year
    earlier) becomes the overlay the comparison checkbox shows.
    """
    if "membre" in frame:
        frame = frame[frame["membre"] == ""]
    frame = frame.sort_values("periode")
    if frame["valeur"].notna().sum() == 0:
        return EmptyChart(NO_DATA)
    fmt = value_format(indicator)
    partial = len(frame) > 1 and is_partial(frame.iloc[-1], granularity, indicator)
    complete = frame.iloc[:-1] if partial else frame
    markers = Markers(size=7) if len(frame) <= MARKERS_MAX_POINTS else NO_MARKERS
    series = [
        Series(
            name=indicator.title,
            dates=dates(complete["periode"]),
            values=values(complete["valeur"], fmt.decimals),
            role=MAIN,
            markers=markers,
        )
    ]
    link = None
    if partial:
        last = frame.iloc[-1:]
        series.append(
            Series(
                name=PARTIAL_NAME,
                dates=dates(last["periode"]),
                values=values(last["valeur"], fmt.decimals),
                role=PARTIAL,
                dash="dash",
                markers=Markers(symbol="circle-open", size=9, ring=2),
                labels=(_days_text(int(last["jours"].iloc[0])),),
            )
        )
        pair = frame.iloc[-2:]
        (x0, x1), (y0, y1) = dates(pair["periode"]), values(pair["valeur"], fmt.decimals)
        if y0 is not None and y1 is not None:
            link = Link((x0, y0), (x1, y1))
    if previous is not None:
        overlay = periods.year_ago(frame, previous, granularity, indicator)
        if overlay["valeur_avant"].notna().any():
            many = len(overlay) > MARKERS_MAX_POINTS
            series.append(
                Series(
                    name=COMPARISON_NAME,
                    # Drawn at the period it is compared with, so both share one hover label.
                    dates=dates(overlay["periode"]),
                    values=values(overlay["valeur_avant"], fmt.decimals),
                    role=COMPARISON,
                    colour=1,
                    dash="dash",
                    width=2,
                    markers=Markers(symbol="square", size=7, every=not many, most=12 * many),
                    labels=tuple(
                        french.format_period(ts, granularity) for ts in overlay["periode_avant"]
                    ),
                )
            )
    return TimeChart(
        series=tuple(series),
        granularity=granularity,
        values=fmt,
        link=link,
        events=event_marks(periods.events_in(events, frame, granularity), frame, granularity),
        # Beside « Période en cours » and « Même période, un an avant », the main line must say
        # what it is. Alone, it has no legend.
        legend=len(series) > 1,
    )


def _days_text(days: int) -> str:
    return f"Période en cours, {days}{NBSP}jour{'s' if days > 1 else ''} de données"


def event_marks(
    events: Sequence[Event], frame: pd.DataFrame, granularity: str
) -> tuple[EventMark, ...]:
    """Return the events clipped to the period shown: a day, or a band of days."""
    first = frame["periode"].iloc[0].date()
    last = periods.period_end(frame["periode"].iloc[-1], granularity)
    return tuple(
        EventMark(
            title=event.title,
            start=max(event.start, first),
            last_day=None if event.end is None else min(event.last_day, last),
            description=f"{summaries.event_phrase(event)}{NBSP}: {event.description}",
        )
        for event in events
    )


def member_series(
    frame: pd.DataFrame, indicator: Indicator, breakdown: Breakdown, granularity: str
) -> TimeChart | EmptyChart:
    """Return one line per member of a small breakdown (at most 8), each with its own dash."""
    if "membre" in frame:
        frame = frame[frame["membre"] != ""]
    frame = frame.dropna(subset=["valeur"])
    if frame.empty:
        return EmptyChart(NO_DATA)
    present = set(frame["membre"])
    codes = [c for c in breakdown.codes if c in present]
    codes += sorted(present - set(codes))
    if len(codes) > SERIES_MAX_MEMBERS:
        raise ValueError(
            f"{len(codes)} séries pour « {breakdown.id} » : au plus {SERIES_MAX_MEMBERS} ; "
            "utiliser breakdown_bars."
        )
    fmt = value_format(indicator)
    series = []
    for index, code in enumerate(codes):
        member = frame[frame["membre"] == code].sort_values("periode")
        many = len(member) > MARKERS_MAX_POINTS
        series.append(
            Series(
                name=breakdown.label(code),
                dates=dates(member["periode"]),
                values=values(member["valeur"], fmt.decimals),
                role=MEMBER,
                colour=index,
                dash=MEMBER_DASHES[index],
                markers=Markers(symbol=SYMBOLS[index], size=8, every=not many, most=12 * many),
            )
        )
    return TimeChart(series=tuple(series), granularity=granularity, values=fmt, legend=True)


def breakdown_bars(
    frame: pd.DataFrame, indicator: Indicator, breakdown: Breakdown, top: int | None = None
) -> BarChart | EmptyChart:
    """Return a breakdown's totals as bars: hours upright in hour order, others flat, largest
    first. ``top`` keeps the N largest ranked members only (hours are never cut); the caller says
    so next to the chart."""
    if "membre" in frame:
        frame = frame[frame["membre"] != ""]
    if frame["valeur"].isna().all():
        return EmptyChart(NO_DATA)
    hours = summaries.is_hour_breakdown(breakdown)
    if hours:
        # Every hour in its place, an undisclosed one as a gap: the axis reads as the table.
        ranked = frame.sort_values("membre")
    else:
        # Ranked bars show what is disclosed; the table says what is not.
        ranked = frame.dropna(subset=["valeur"])
        ranked = ranked.sort_values(["valeur", "membre"], ascending=[False, True])
        if top is not None:
            ranked = ranked.head(top)
    fmt = value_format(indicator)
    return BarChart(
        labels=tuple(breakdown.label(code) for code in ranked["membre"]),
        values=values(ranked["valeur"], fmt.decimals),
        values_format=fmt,
        upright=hours,
        category_title=breakdown.title if hours else "",
    )
