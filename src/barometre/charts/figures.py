"""The plotly renderer: a chart model (``barometre.charts.model``) in, ``go.Figure`` out, in a
French, accessible theme.

``plotly_figure`` takes ``theme`` ('clair' or 'sombre'). Series differ by line dash and marker
symbol as well as by colour (Okabe–Ito hues, adjusted so that each has a contrast of at least 3:1
against the theme's background). Numbers use plotly's d3 formats with ``SEPARATORS``: decimal
comma, and a narrow no-break space (U+202F) between thousands. Month names in ticks and hover
labels come from the French plotly.js locale registered by ``assets/plotly-locale-fr.js`` and
selected by ``GRAPH_CONFIG``; without it (a figure exported elsewhere) they fall back to English.

Figures carry each value once, as the model rounded it, as plain lists (plotly would
base64-encode numpy arrays, which is larger for numbers of this size).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import plotly.graph_objects as go

from barometre.charts.french import NBSP, NNBSP
from barometre.charts.model import (
    COMPARISON,
    MEMBER,
    PARTIAL,
    BarChart,
    Chart,
    EmptyChart,
    EventMark,
    Link,
    Series,
    TimeChart,
    ValueFormat,
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
# d3 time formats of a period in hover labels, by granularity.
HOVER_DATES = {
    "jour": "%-d %B %Y",
    "semaine": "semaine du %-d %B %Y",
    "mois": "%B %Y",
    "annee": "%Y",
}

# Names that mark what the page's checkboxes show or hide (see set_display).
EVENT_MARK = "evenement"
PARTIAL_MARK = PARTIAL
COMPARISON_META = COMPARISON
BAR_GAP = 0.25  # share of a category left between two bars
FLAT_BARS_RIGHT = 72  # px on the right of flat bars, for the value after the longest
EVENT_LABEL_SIZE = 12
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
    return go.layout.Template(layout=_template_layout(theme))


def _template_layout(theme: str) -> dict:
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
    return {
        "separators": SEPARATORS,
        "font": {"family": FONT_FAMILY, "size": 14, "color": colours.text},
        "colorway": list(colours.colours),
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "margin": {"l": 8, "r": 8, "t": 16, "b": 8, "pad": 0},
        # The nearest point's label, wherever the pointer is in the plot: a pointer moved
        # onto a label keeps it (RGAA 10.13, WCAG 1.4.13), where plotly.js's 20 px reach
        # would drop it.
        "hoverdistance": -1,
        "hoverlabel": {
            "bgcolor": colours.hover_background,
            "bordercolor": colours.axis,
            "font": {"color": colours.text},
            "align": "left",
        },
        "xaxis": dict(axis, showgrid=False),
        "yaxis": dict(axis),
        # Plotly derives the modebar from the transparent paper: pale icons on a half-black
        # box, under 3:1. Its buttons are controls (RGAA 3.3): the theme's own colours.
        "modebar": {
            "bgcolor": colours.background,
            "color": colours.axis,
            "activecolor": colours.text,
        },
    }


def _layout(theme: str, **layout) -> dict:
    # A plain dict, validated once by the figure that takes it: a go.Layout (and its template)
    # would be validated, then copied whole into the figure.
    return {"template": {"layout": _template_layout(theme)}, **layout}


def number_format(values: ValueFormat) -> str:
    """Return the d3 format of a chart's values: ",.0f", ",.1f"…"""
    return f",.{values.decimals}f"


def value_hover(values: ValueFormat, field: str = "y") -> str:
    """Return the hover text of one value: "%{y:,.0f} demandes", "%{x:,.0f} €"."""
    number = f"%{{{field}:{number_format(values)}}}"
    if values.symbol:
        return f"{number}{NNBSP}{values.symbol}"
    return f"{number}{NBSP}{values.unit}"


def _time_axis(granularity: str) -> dict:
    axis = {"type": "date", "hoverformat": HOVER_DATES[granularity]}
    if granularity == "annee":
        axis.update(dtick="M12", tickformat="%Y")
    return axis


def _value_axis(values: ValueFormat) -> dict:
    # Counts, stocks and durations are never negative: start the axis at zero, honestly.
    return {"title": {"text": values.unit}, "rangemode": "tozero"}


def plotly_figure(chart: Chart, theme: str = "clair") -> go.Figure:
    """Return a chart of the model as a plotly figure in ``theme``, its display applied."""
    if isinstance(chart, TimeChart):
        return _time_figure(chart, theme)
    if isinstance(chart, BarChart):
        return _bar_figure(chart, theme)
    if isinstance(chart, EmptyChart):
        return empty_figure(chart.message, theme)
    raise TypeError(f"graphique inconnu du modèle : {type(chart).__name__}")


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


def _time_figure(chart: TimeChart, theme: str) -> go.Figure:
    colours = theme_colours(theme)
    traces = [_trace(series, chart, colours) for series in chart.series]
    shapes, annotations = _event_marks(chart.events, colours, chart.show_events)
    if chart.link is not None:
        shapes.append(_link(chart.link, colours))
    return go.Figure(
        data=traces,
        layout=_layout(
            theme,
            showlegend=chart.legend,
            legend=LEGEND_BELOW,
            # One label for the whole abscissa: easy to reach with a finger on a phone.
            hovermode="x unified",
            xaxis=_time_axis(chart.granularity),
            yaxis=_value_axis(chart.values),
            shapes=shapes,
            annotations=annotations,
        ),
    )


def _trace(series: Series, chart: TimeChart, colours: Theme) -> go.Scatter:
    colour = colours.colours[series.colour]
    value = value_hover(chart.values)
    if series.role == PARTIAL:
        hover = f"%{{customdata}}{NBSP}: {value}"
    elif series.role == COMPARISON:
        hover = f"Un an avant (%{{customdata}}){NBSP}: {value}"
    elif series.role == MEMBER:
        hover = f"%{{fullData.name}}{NBSP}: {value}"
    else:
        # The unified hover label heads with the period (xaxis.hoverformat): no date here.
        hover = value
    markers = series.markers
    marker: dict = {"symbol": markers.symbol, "size": markers.size}
    if markers.ring:
        marker["line"] = {"width": markers.ring}
    if not markers.every:
        # Long lines: plotly spreads at most this many markers (0: none) along the line.
        marker["maxdisplayed"] = markers.most
    trace = {
        "x": list(series.dates),
        "y": list(series.values),
        "name": series.name,
        "mode": "lines+markers" if markers.shown else "lines",
        "line": {"color": colour, "width": series.width}
        | ({"dash": series.dash} if series.dash != "solid" else {}),
        "marker": marker,
        "hovertemplate": f"{hover}<extra></extra>",
    }
    if series.labels:
        trace["customdata"] = list(series.labels)
    if series.role == COMPARISON:
        trace |= {"meta": COMPARISON_META, "visible": chart.show_comparison}
    return go.Scatter(**trace)


def _link(link: Link, colours: Theme) -> dict:
    (x0, y0), (x1, y1) = link.start, link.end
    return {
        "type": "line",
        "name": PARTIAL_MARK,
        "xref": "x",
        "yref": "y",
        "x0": x0,
        "x1": x1,
        "y0": y0,
        "y1": y1,
        "line": {"color": colours.colours[link.colour], "width": link.width, "dash": link.dash},
    }


def _event_marks(
    events: tuple[EventMark, ...], colours: Theme, shown: bool
) -> tuple[list[dict], list[dict]]:
    """Return a dotted line per dated event, a band per ranged one, each with a label."""
    shapes, annotations = [], []
    for event in events:
        common = {
            "name": EVENT_MARK,
            "xref": "x",
            "yref": "paper",
            "y0": 0,
            "y1": 1,
            "visible": shown,
        }
        if event.last_day is None:
            line = {"color": colours.axis, "width": 1.5, "dash": "dot"}
            x = str(event.start)
            shapes.append({**common, "type": "line", "x0": x, "x1": x, "line": line})
        else:
            shapes.append(
                {
                    **common,
                    "type": "rect",
                    "x0": str(event.start),
                    "x1": str(event.last_day + dt.timedelta(days=1)),
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
                "x": str(event.start),
                "xref": "x",
                "xanchor": "left",
                "y": 1,
                "yref": "paper",
                "yanchor": "top",
                "showarrow": False,
                "font": {"size": EVENT_LABEL_SIZE, "color": colours.text},
                "bgcolor": colours.background,
                "opacity": 0.85,
                "hovertext": event.description,
                "visible": shown,
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


def _bar_figure(chart: BarChart, theme: str) -> go.Figure:
    colour = theme_colours(theme).colours[chart.colour]
    labels, values = list(chart.labels), list(chart.values)
    fmt = chart.values_format
    if chart.upright:
        trace = go.Bar(
            x=labels,
            y=values,
            marker={"color": colour},
            hovertemplate=f"%{{x}}<br>{value_hover(fmt, 'y')}<extra></extra>",
        )
        layout = {
            "xaxis": {"type": "category", "title": {"text": chart.category_title}},
            "yaxis": _value_axis(fmt),
        }
    else:
        number = f"%{{x:{number_format(fmt)}}}"
        trace = go.Bar(
            x=values,
            y=labels,
            orientation="h",
            marker={"color": colour},
            texttemplate=f"{number}{NNBSP}{fmt.symbol}" if fmt.symbol else number,
            textposition="outside",
            cliponaxis=False,
            hovertemplate=f"%{{y}}<br>{value_hover(fmt, 'x')}<extra></extra>",
        )
        layout = {
            # Largest first, at the top: categories keep the data's order, read downwards.
            "yaxis": {"type": "category", "autorange": "reversed", "showgrid": False},
            # Each bar carries its value: the value axis keeps only its title (the unit).
            "xaxis": dict(_value_axis(fmt), showticklabels=False, showgrid=False),
            # Room for the value written after the longest bar.
            "margin": {"r": FLAT_BARS_RIGHT},
        }
    return go.Figure(
        data=[trace],
        # Along the categories, not « closest »: plotly.js then shows no label at all on a bar
        # chart whose last bar is masked (null).
        layout=_layout(
            theme,
            showlegend=False,
            hovermode="x" if chart.upright else "y",
            bargap=BAR_GAP,
            **layout,
        ),
    )
