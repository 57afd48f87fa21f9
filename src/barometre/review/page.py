"""The review as one self-contained HTML page for the staff who publish (``barometre revue
--html``): what the draft changes, every finding, and each flagged series drawn as the public
reads it today and as it would read it once published, side by side.

The charts are the site's own server-side drawings (``charts.drawings`` over the chart model),
with the stylesheet that paints them (``assets/drawings.css``) inlined: the page makes no
request, needs no script, and opens from a file or a mail attachment.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import jinja2
import pandas as pd
from markupsafe import Markup

from barometre.charts import build, drawings, french
from barometre.charts.build import MARKERS_MAX_POINTS
from barometre.charts.model import (
    NO_MARKERS,
    BarChart,
    Chart,
    EmptyChart,
    EventMark,
    Markers,
    Series,
    TimeChart,
    ValueFormat,
)
from barometre.data.catalogue import Catalogue, Indicator
from barometre.review.anomalies import RULES, Finding, Names, share_distances, spaced
from barometre.review.draft import IndicatorChanges, Review
from barometre.review.tables import Tables
from barometre.review.text import count, disclosure_steps, moment

CHARTED = 8  # flagged series drawn per indicator; the table lists every finding
HEIGHT = 300
DAYS_BEFORE, DAYS_AFTER = 56, 14
MONTHS_BEFORE, MONTHS_AFTER = 24, 2
BARS = 12  # members drawn in a breakdown's bars: those whose share moved most
MARK = "Signalé"
NOTHING = "Aucune donnée sur cette période"
PERCENT = ValueFormat(decimals=1, unit="%", symbol="%")

TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("barometre.review", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)


@dataclass(frozen=True)
class Panel:
    """One drawing of a flagged series: its heading, the drawing and its text alternative."""

    heading: str
    drawing: Markup
    alternative: str


@dataclass(frozen=True)
class Figure:
    """A flagged series before and after the draft."""

    title: str
    message: str
    panels: tuple[Panel, Panel]


@dataclass(frozen=True)
class Section:
    """What the page shows of one indicator."""

    indicator: Indicator
    change: IndicatorChanges
    findings: tuple[Finding, ...]
    figures: tuple[Figure, ...]


def render(review: Review, catalogue: Catalogue, today: dt.date) -> str:
    """Return the HTML page of a review."""
    sections = []
    for change in review.changes:
        indicator = change.indicator
        findings = tuple(f for f in review.findings if f.indicator == indicator.id)
        tables = review.tables[indicator.id]
        names = Names(indicator, catalogue.breakdowns)
        figures = tuple(_figure(tables, names, f) for f in _charted(findings))
        sections.append(Section(indicator, change, findings, figures))
    return TEMPLATES.get_template("revue.html").render(
        today=french.format_date(today),
        review=review,
        sections=sections,
        rules=RULES,
        disclosure_steps=spaced(disclosure_steps(review)),
        charted=CHARTED,
        styles=Markup(_styles()),  # noqa: S704  # nosec: the package's own stylesheet
        count=count,
        moment=moment,
        french=french,
    )


def write(review: Review, catalogue: Catalogue, today: dt.date, path: Path) -> None:
    """Write the page to ``path``, whole or not at all (a temporary file, then renamed)."""
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        temporary.write_text(render(review, catalogue, today), encoding="utf-8")
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def _styles() -> str:
    return (resources.files("barometre") / "assets" / "drawings.css").read_text(encoding="utf-8")


def _charted(findings: tuple[Finding, ...]) -> list[Finding]:
    """Return the findings to draw: one per series and rule, strongest first, at most CHARTED."""
    seen, chosen = set(), []
    for finding in sorted(findings, key=lambda f: -f.score):
        key = (finding.rule, finding.dimension, finding.member, finding.granularity)
        if key not in seen:
            seen.add(key)
            chosen.append(finding)
    return chosen[:CHARTED]


def _figure(tables: Tables, names: Names, finding: Finding) -> Figure:
    column = (finding.dimension, finding.member)
    series = names.series(column)
    if finding.rule == "shares":
        panels = _bars(tables, names, finding)
    else:
        panels = tuple(
            _line(tables, names, finding, after, heading)
            for after, heading in ((False, "Aujourd'hui (public)"), (True, "Après publication"))
        )
    period = french.format_span(finding.start, finding.end, "jour")
    if finding.granularity == "mois":
        period = french.format_period(finding.start, "mois")
    return Figure(spaced(f"{RULES[finding.rule]} : {series}, {period}"), finding.message, panels)


def _line(tables: Tables, names: Names, finding: Finding, after: bool, heading: str) -> Panel:
    """Return a flagged series around its period, in one state, the period marked."""
    column = (finding.dimension, finding.member)
    start = pd.Timestamp(finding.start)
    if finding.granularity == "jour":
        table = tables.after_days if after else tables.before_days
        index = tables.after_days.index
        last = pd.Timestamp(finding.end) + pd.Timedelta(days=DAYS_AFTER)
        index = index[(index >= start - pd.Timedelta(days=DAYS_BEFORE)) & (index <= last)]
        dates, flagged = index, start
        mark = EventMark(MARK, finding.start, finding.end if finding.end > finding.start else None)
    else:
        table = tables.after_months if after else tables.before_months
        month = start.to_period("M")
        index = tables.after_months.index
        index = index[(index >= month - MONTHS_BEFORE) & (index <= month + MONTHS_AFTER)]
        dates, flagged = index.to_timestamp(), month
        mark = EventMark(MARK, finding.start)
    values = table[column].reindex(index) if column in table else pd.Series(math.nan, index)
    if not after:  # the public state stops where its data stop
        values = values.loc[: values.last_valid_index()] if values.notna().any() else values[:0]
    dates = dates[: len(values)]
    indicator, state = names.indicator, "après publication" if after else "aujourd'hui"
    value = values.get(flagged, math.nan)
    said = "sans valeur" if pd.isna(value) else names.value(value)
    if values.notna().any():
        fmt = build.value_format(indicator)
        line = Series(
            name=f"{indicator.title} — {names.series(column)}",
            dates=build.dates(pd.Series(dates)),
            values=build.values(values, fmt.decimals),
            markers=Markers(size=7) if len(values) <= MARKERS_MAX_POINTS else NO_MARKERS,
        )
        chart = TimeChart((line,), finding.granularity, fmt, events=(mark,))
        span = french.format_span(dates[0].date(), dates[-1].date(), finding.granularity)
        alternative = (
            f"Courbe de {names.series(column)} {span}, {state} ; période signalée : {said}."
        )
    else:
        chart = EmptyChart(NOTHING)
        alternative = f"{NOTHING} ({state})."
    return Panel(heading, _drawing(chart), spaced(alternative))


def _bars(tables: Tables, names: Names, finding: Finding) -> tuple[Panel, Panel]:
    """Return a breakdown's usual shares and its shares in the flagged month, as bars."""
    month = pd.Timestamp(finding.start).to_period("M")
    columns = [c for c in tables.after_months.columns if c[0] == finding.dimension]
    _, shares, usual = share_distances(tables.after_months[columns])
    now, before = shares.loc[month], usual.loc[month]
    shown = (now - before).abs().sort_values(ascending=False).index[:BARS]
    shown = sorted(shown, key=lambda c: -before[c])
    panels = []
    for heading, values in (
        ("Parts habituelles (12 mois précédents)", before),
        (f"Parts {french.during(finding.start, 'mois')} (après publication)", now),
    ):
        labels = tuple(names.breakdowns[c[0]].label(c[1]) for c in shown)
        percents = tuple(round(float(values[c]) * 100, 1) for c in shown)
        chart = BarChart(labels=labels, values=percents, values_format=PERCENT)
        alternative = "Barres : " + ", ".join(
            f"{label} {french.format_percent(value / 100)}"
            for label, value in zip(labels, percents, strict=True)
        )
        panels.append(Panel(heading, _drawing(chart), spaced(alternative + ".")))
    return panels[0], panels[1]


def _drawing(chart: Chart) -> Markup:
    """Return a chart drawn by the site's SVG renderer, hidden from assistive technologies: the
    page gives each drawing its text alternative."""
    html = drawings.chart_html(chart, hidden=True, height=HEIGHT)
    return Markup(html)  # noqa: S704  # nosec: drawings escapes every text it writes
