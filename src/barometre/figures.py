"""Figures: pure functions, data in, ``go.Figure`` out, in a French, accessible theme.

Every builder takes ``theme`` ('clair' or 'sombre'). Series differ by line dash and marker symbol
as well as by colour (Okabe–Ito hues, adjusted so that each has a contrast of at least 3:1 against
the theme's background). Numbers use plotly's d3 formats with ``SEPARATORS``: decimal comma, and a
narrow no-break space (U+202F) between thousands. Month names in ticks and hover labels come from
the French plotly.js locale registered by ``assets/plotly-locale-fr.js`` and selected by
``GRAPH_CONFIG``; without it (a figure exported elsewhere) they fall back to English.

Figures carry each value once, rounded to the indicator's decimals, as plain lists (plotly would
base64-encode numpy arrays, which is larger for numbers of this size).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from barometre import summaries
from barometre.catalogue import Breakdown, Indicator
from barometre.events import Event
from barometre.summaries import (
    NBSP,
    NNBSP,
    NO_DATA,
    UNIT_SYMBOLS,
    is_hour_breakdown,
    is_partial,
    round_half_up,
)

SEPARATORS = ",\u202f"
FONT_FAMILY = (
    'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Liberation Sans", '
    "Arial, sans-serif"
)
THEME_NAMES = ("clair", "sombre")


@dataclass(frozen=True)
class Theme:
    """Colours of one theme; ``background`` is the page colour the contrasts are computed for."""

    name: str
    background: str
    text: str
    grid: str
    axis: str
    hover_background: str
    colours: tuple[str, ...]


THEMES = {
    # Okabe–Ito hues in a fixed order (blue, vermillion, bluish green, reddish purple, orange, sky
    # blue, yellow, grey), darkened on white and lightened on dark grey where needed for 3:1.
    "clair": Theme(
        name="clair",
        background="#ffffff",
        text="#212529",
        grid="#dee2e6",
        axis="#6c757d",
        hover_background="#ffffff",
        colours=(
            "#0072B2",
            "#D55E00",
            "#009E73",
            "#C76C9F",
            "#B87F00",
            "#1C92D4",
            "#958B0C",
            "#555555",
        ),
    ),
    "sombre": Theme(
        name="sombre",
        background="#1e1e1e",
        text="#e9ecef",
        grid="#3a3f44",
        axis="#adb5bd",
        hover_background="#2b3035",
        colours=(
            "#56B4E9",
            "#D55E00",
            "#009E73",
            "#CC79A7",
            "#E69F00",
            "#008CDB",
            "#F0E442",
            "#BDBDBD",
        ),
    ),
}
# Line dashes and marker symbols that tell series apart without colour (index-aligned).
DASHES = (
    "solid",
    "dash",
    "dot",
    "dashdot",
    "longdash",
    "longdashdot",
    "8px,3px,2px,3px,2px,3px",
    "2px,6px",
)
SYMBOLS = (
    "circle",
    "square",
    "diamond",
    "triangle-up",
    "x",
    "cross",
    "triangle-down",
    "star",
)
# Up to this many points a line also shows its markers (a lone point has no line to draw).
MARKERS_MAX_POINTS = 40
# On longer breakdown lines, this many markers still show which symbol belongs to which series.
MARKERS_SHOWN = 12
SERIES_MAX_MEMBERS = len(DASHES)
# d3 time formats of a period in hover labels, by granularity.
HOVER_DATES = {
    "jour": "%-d %B %Y",
    "semaine": "semaine du %-d %B %Y",
    "mois": "%B %Y",
    "annee": "%Y",
}

# Names that mark what the page's checkboxes show or hide (see set_display).
EVENT_MARK = "evenement"
PARTIAL_MARK = "periode-en-cours"
COMPARISON_META = "comparaison"
COMPARISON_NAME = "Même période, un an avant"
PARTIAL_NAME = "Période en cours (incomplète)"
LEGEND_BELOW = {
    "orientation": "h",
    "x": 0,
    "xanchor": "left",
    # At the bottom of the whole figure, below the axis labels however they wrap or turn (at
    # 320 px the dates are tilted): plotly widens the bottom margin for it.
    "yref": "container",
    "y": 0,
    "yanchor": "bottom",
    "title": {"text": ""},
}

GRAPH_CONFIG: dict = {
    "locale": "fr",
    "displaylogo": False,
    "showSendToCloud": False,
    "showEditInChartStudio": False,
    "showTips": False,
    "scrollZoom": False,
    "modeBarButtonsToRemove": [
        "select2d",
        "lasso2d",
        "autoScale2d",
        "toggleSpikelines",
        "hoverClosestCartesian",
        "hoverCompareCartesian",
    ],
    "toImageButtonOptions": {
        "format": "png",
        "filename": "barometre-numerique",
        "width": 1200,
        "height": 675,
        "scale": 1,
    },
    "responsive": True,
}


def theme_colours(theme: str) -> Theme:
    """Return the colours of a theme; ``ValueError`` for an unknown name."""
    try:
        return THEMES[theme]
    except KeyError:
        raise ValueError(f"thème inconnu : {theme!r} ; attendu : {THEME_NAMES}") from None


def template(theme: str = "clair") -> go.layout.Template:
    """Return the French plotly template of a theme (built on each call, never registered)."""
    colours = theme_colours(theme)
    axis = {
        "automargin": True,
        "color": colours.text,
        "gridcolor": colours.grid,
        "linecolor": colours.axis,
        "zerolinecolor": colours.axis,
        "spikecolor": colours.axis,
        "separatethousands": True,
        "exponentformat": "none",
        "title": {"standoff": 8},
    }
    return go.layout.Template(
        layout={
            "separators": SEPARATORS,
            "font": {"family": FONT_FAMILY, "size": 14, "color": colours.text},
            "colorway": list(colours.colours),
            "paper_bgcolor": "rgba(0,0,0,0)",
            "plot_bgcolor": "rgba(0,0,0,0)",
            "margin": {"l": 8, "r": 8, "t": 16, "b": 8, "pad": 0},
            "hoverlabel": {
                "bgcolor": colours.hover_background,
                "bordercolor": colours.axis,
                "font": {"color": colours.text},
                "align": "left",
            },
            "xaxis": dict(axis, showgrid=False),
            "yaxis": dict(axis),
        }
    )


def _layout(theme: str, **layout) -> go.Layout:
    return go.Layout(template=template(theme), **layout)


def _values(series: pd.Series, decimals: int) -> list:
    """Return values rounded to ``decimals`` as a JSON-friendly list (ints when 0, None if NaN)."""
    rounded = [round_half_up(v, decimals) for v in series]
    if decimals == 0:
        return [None if v is None else int(v) for v in rounded]
    return rounded


def _dates(series: pd.Series) -> list[str]:
    return [ts.strftime("%Y-%m-%d") for ts in pd.to_datetime(series)]


def number_format(indicator: Indicator) -> str:
    """Return the d3 format of the indicator's values: ",.0f", ",.1f"…"""
    return f",.{indicator.decimals}f"


def value_hover(indicator: Indicator, field: str = "y") -> str:
    """Return the hover text of one value: "%{y:,.0f} demandes", "%{x:,.0f} €"."""
    number = f"%{{{field}:{number_format(indicator)}}}"
    if indicator.unit in UNIT_SYMBOLS:
        return f"{number}{NNBSP}{UNIT_SYMBOLS[indicator.unit]}"
    return f"{number}{NBSP}{indicator.unit}"


def bar_text(indicator: Indicator) -> str:
    """Return the value written after a bar: the number, with its symbol if the unit has one."""
    symbol = UNIT_SYMBOLS.get(indicator.unit)
    number = f"%{{x:{number_format(indicator)}}}"
    return f"{number}{NNBSP}{symbol}" if symbol else number


def _time_axis(granularity: str) -> dict:
    axis = {"type": "date", "hoverformat": HOVER_DATES[granularity]}
    if granularity == "annee":
        axis.update(dtick="M12", tickformat="%Y")
    return axis


def _value_axis(indicator: Indicator) -> dict:
    # Counts, stocks and durations are never negative: start the axis at zero, honestly.
    return {"title": {"text": indicator.unit}, "rangemode": "tozero"}


def empty_figure(message: str, theme: str = "clair") -> go.Figure:
    """Return a figure with no data, only ``message`` in its middle and no axes."""
    return go.Figure(
        layout=_layout(
            theme,
            xaxis={"visible": False},
            yaxis={"visible": False},
            annotations=[
                {
                    "text": message,
                    "xref": "paper",
                    "yref": "paper",
                    "x": 0.5,
                    "y": 0.5,
                    "showarrow": False,
                    "font": {"size": 16},
                }
            ],
        )
    )


def time_series_figure(
    frame: pd.DataFrame,
    indicator: Indicator,
    granularity: str,
    theme: str = "clair",
    events: Sequence[Event] = (),
    previous: pd.DataFrame | None = None,
) -> go.Figure:
    """Return the national series of an indicator as one line (markers when points are few).

    An incomplete last period is a separate, dashed point (« période en cours »). ``events``
    (those that concern the indicator) inside the period shown are drawn as labelled lines or
    bands; ``previous`` (the store's series a year earlier) becomes a hidden overlay that
    ``set_display`` shows.
    """
    if "membre" in frame:
        frame = frame[frame["membre"] == ""]
    frame = frame.sort_values("periode")
    if frame["valeur"].notna().sum() == 0:
        return empty_figure(NO_DATA, theme)
    colours = theme_colours(theme)
    partial = len(frame) > 1 and is_partial(frame.iloc[-1], granularity, indicator)
    complete = frame.iloc[:-1] if partial else frame
    traces = [
        go.Scatter(
            x=_dates(complete["periode"]),
            y=_values(complete["valeur"], indicator.decimals),
            name=indicator.title,
            # Named in the legend too: beside « Période en cours » (dashed) and « Même période,
            # un an avant », the solid line must say what it is. Alone, it has no legend.
            mode="lines+markers" if len(frame) <= MARKERS_MAX_POINTS else "lines",
            line={"color": colours.colours[0], "width": 2.5},
            marker={"size": 7},
            # The unified hover label heads with the period (xaxis.hoverformat): no date here.
            hovertemplate=f"{value_hover(indicator)}<extra></extra>",
        )
    ]
    shapes, annotations = _event_marks(
        summaries.events_in(events, frame, granularity), frame, granularity, colours
    )
    if partial:
        traces.append(_partial_trace(frame, indicator, colours))
        # No segment to or from a value masked by statistical secrecy (None): nothing to join.
        if frame["valeur"].iloc[-2:].notna().all():
            shapes.append(_partial_segment(frame.iloc[-2:], indicator, colours))
    if previous is not None:
        overlay = summaries.year_ago(frame, previous, granularity, indicator)
        if overlay["valeur_avant"].notna().any():
            traces.append(_comparison_trace(overlay, indicator, granularity, colours))
    return go.Figure(
        data=traces,
        layout=_layout(
            theme,
            showlegend=len(traces) > 1,
            legend=LEGEND_BELOW,
            # One label for the whole abscissa: easy to reach with a finger on a phone.
            hovermode="x unified",
            xaxis=_time_axis(granularity),
            yaxis=_value_axis(indicator),
            shapes=shapes,
            annotations=annotations,
        ),
    )


def _partial_trace(frame: pd.DataFrame, indicator: Indicator, colours: Theme) -> go.Scatter:
    last = frame.iloc[-1]
    days = int(last["jours"])
    return go.Scatter(
        x=_dates(frame["periode"].iloc[-1:]),
        y=_values(frame["valeur"].iloc[-1:], indicator.decimals),
        name=PARTIAL_NAME,
        mode="lines+markers",
        # The dash shows in the legend; the segment itself is a shape (no second hover label).
        line={"color": colours.colours[0], "width": 2.5, "dash": "dash"},
        marker={"size": 9, "symbol": "circle-open", "line": {"width": 2}},
        hovertemplate=f"Période en cours, {days}{NBSP}jour{'s' if days > 1 else ''} de données"
        f"{NBSP}: {value_hover(indicator)}<extra></extra>",
    )


def _partial_segment(pair: pd.DataFrame, indicator: Indicator, colours: Theme) -> dict:
    (x0, x1), (y0, y1) = _dates(pair["periode"]), _values(pair["valeur"], indicator.decimals)
    return {
        "type": "line",
        "name": PARTIAL_MARK,
        "xref": "x",
        "yref": "y",
        "x0": x0,
        "x1": x1,
        "y0": y0,
        "y1": y1,
        "line": {"color": colours.colours[0], "width": 2.5, "dash": "dash"},
    }


def _comparison_trace(
    overlay: pd.DataFrame, indicator: Indicator, granularity: str, colours: Theme
) -> go.Scatter:
    # Drawn at the period it is compared with, so both values share one hover label.
    return go.Scatter(
        x=_dates(overlay["periode"]),
        y=_values(overlay["valeur_avant"], indicator.decimals),
        customdata=[summaries.format_period(ts, granularity) for ts in overlay["periode_avant"]],
        name=COMPARISON_NAME,
        meta=COMPARISON_META,
        visible=False,
        mode="lines+markers",
        line={"color": colours.colours[1], "width": 2, "dash": "dash"},
        marker={
            "symbol": "square",
            "size": 7,
            "maxdisplayed": 0 if len(overlay) <= MARKERS_MAX_POINTS else MARKERS_SHOWN,
        },
        hovertemplate=f"Un an avant (%{{customdata}}){NBSP}: {value_hover(indicator)}"
        "<extra></extra>",
    )


def _event_marks(
    events: Sequence[Event], frame: pd.DataFrame, granularity: str, colours: Theme
) -> tuple[list[dict], list[dict]]:
    """Return a dotted line per dated event, a band per ranged one, each with a label."""
    first = frame["periode"].iloc[0].date()
    last = summaries.period_end(frame["periode"].iloc[-1], granularity)
    shapes, annotations = [], []
    for event in events:
        start, end = max(event.start, first), min(event.last_day, last)
        common = {"name": EVENT_MARK, "xref": "x", "yref": "paper", "y0": 0, "y1": 1}
        if event.end is None:
            line = {"color": colours.axis, "width": 1.5, "dash": "dot"}
            shapes.append(
                {**common, "type": "line", "x0": str(start), "x1": str(start), "line": line}
            )
        else:
            shapes.append(
                {
                    **common,
                    "type": "rect",
                    "x0": str(start),
                    "x1": str(end + dt.timedelta(days=1)),
                    "fillcolor": colours.grid,
                    "opacity": 0.6,
                    "layer": "below",
                    "line": {"width": 0},
                }
            )
        annotations.append(
            {
                "name": EVENT_MARK,
                "text": event.title,
                # Read along the line, from the top: labels of close events do not overlap.
                "textangle": -90,
                "x": str(start),
                "xref": "x",
                "xanchor": "left",
                "y": 1,
                "yref": "paper",
                "yanchor": "top",
                "showarrow": False,
                "font": {"size": 12, "color": colours.text},
                "bgcolor": colours.background,
                "opacity": 0.85,
                "hovertext": f"{summaries.event_phrase(event)}{NBSP}: {event.description}",
            }
        )
    return shapes, annotations


def set_display(figure: dict, events: bool = True, comparison: bool = False) -> dict:
    """Return a copy of a time-series figure (as a dict) with its events and overlay shown or not.

    The checkboxes of the pages and embeds do the same in the browser (assets/display.js).
    """
    layout = dict(figure.get("layout", {}))
    for part in ("shapes", "annotations"):
        if part in layout:
            layout[part] = [
                dict(item, visible=events) if item.get("name") == EVENT_MARK else item
                for item in layout[part]
            ]
    data = [
        dict(trace, visible=comparison) if trace.get("meta") == COMPARISON_META else trace
        for trace in figure.get("data", [])
    ]
    return {**figure, "data": data, "layout": layout}


def breakdown_series_figure(
    frame: pd.DataFrame,
    indicator: Indicator,
    breakdown: Breakdown,
    granularity: str,
    theme: str = "clair",
) -> go.Figure:
    """Return one line per member of a small breakdown (at most 8), each with its own dash."""
    if "membre" in frame:
        frame = frame[frame["membre"] != ""]
    frame = frame.dropna(subset=["valeur"])
    if frame.empty:
        return empty_figure(NO_DATA, theme)
    present = set(frame["membre"])
    codes = [c for c in breakdown.codes if c in present]
    codes += sorted(present - set(codes))
    if len(codes) > SERIES_MAX_MEMBERS:
        raise ValueError(
            f"{len(codes)} séries pour « {breakdown.id} » : au plus {SERIES_MAX_MEMBERS} ; "
            "utiliser breakdown_bar_figure."
        )
    colours = theme_colours(theme)
    traces = []
    for index, code in enumerate(codes):
        member = frame[frame["membre"] == code].sort_values("periode")
        traces.append(
            go.Scatter(
                x=_dates(member["periode"]),
                y=_values(member["valeur"], indicator.decimals),
                name=breakdown.label(code),
                mode="lines+markers",
                line={"color": colours.colours[index], "dash": DASHES[index], "width": 2.5},
                marker={
                    "symbol": SYMBOLS[index],
                    "size": 8,
                    "maxdisplayed": 0 if len(member) <= MARKERS_MAX_POINTS else MARKERS_SHOWN,
                },
                hovertemplate=f"%{{fullData.name}}{NBSP}: {value_hover(indicator)}<extra></extra>",
            )
        )
    return go.Figure(
        data=traces,
        layout=_layout(
            theme,
            showlegend=True,
            hovermode="x unified",
            legend=LEGEND_BELOW,
            xaxis=_time_axis(granularity),
            yaxis=_value_axis(indicator),
        ),
    )


def breakdown_bar_figure(
    frame: pd.DataFrame,
    indicator: Indicator,
    breakdown: Breakdown,
    theme: str = "clair",
    top: int | None = None,
) -> go.Figure:
    """Return a breakdown's totals as bars: hours upright in hour order, others flat, largest first.

    ``top`` keeps the N largest members only; the caller says so next to the chart.
    """
    if "membre" in frame:
        frame = frame[frame["membre"] != ""]
    frame = frame.dropna(subset=["valeur"])
    if frame.empty:
        return empty_figure(NO_DATA, theme)
    colour = theme_colours(theme).colours[0]
    hours = is_hour_breakdown(breakdown)
    ranked = frame.sort_values(["valeur", "membre"], ascending=[False, True])
    if top is not None:
        ranked = ranked.head(top)
    if hours:
        ranked = ranked.sort_values("membre")
    labels = [breakdown.label(code) for code in ranked["membre"]]
    values = _values(ranked["valeur"], indicator.decimals)
    if hours:
        trace = go.Bar(
            x=labels,
            y=values,
            marker={"color": colour},
            hovertemplate=f"%{{x}}<br>{value_hover(indicator, 'y')}<extra></extra>",
        )
        layout = {
            "xaxis": {"type": "category", "title": {"text": breakdown.title}},
            "yaxis": _value_axis(indicator),
        }
    else:
        trace = go.Bar(
            x=values,
            y=labels,
            orientation="h",
            marker={"color": colour},
            texttemplate=bar_text(indicator),
            textposition="outside",
            cliponaxis=False,
            hovertemplate=f"%{{y}}<br>{value_hover(indicator, 'x')}<extra></extra>",
        )
        layout = {
            # Largest first, at the top: categories keep the data's order, read downwards.
            "yaxis": {"type": "category", "autorange": "reversed", "showgrid": False},
            # Each bar carries its value: the value axis keeps only its title (the unit).
            "xaxis": dict(_value_axis(indicator), showticklabels=False, showgrid=False),
            # Room for the value written after the longest bar.
            "margin": {"r": 72},
        }
    return go.Figure(
        data=[trace],
        layout=_layout(theme, showlegend=False, hovermode="closest", bargap=0.25, **layout),
    )
