"""A chart of the model as a standalone image: an SVG document that stands on its own, and its PNG.

The page's drawing (``drawings``) is HTML around SVG, placed by CSS and painted by the page's
CSS variables: neither a rasteriser nor a social network reads those. The image draws the same
plot (``drawings.plot``, the same markup in a box of known size) inside a document that carries
everything itself: the theme's colours written on each element, the labels of the one density
that fits its width, the title, the period, the legend, the source line and « Baromètre
numérique — Gendarmerie nationale », and the demo-data notice while the data are demo data.

The PNG is rasterised on the server by resvg (``resvg-py``), without a browser, with the font the
package ships (DejaVu Sans, fonts/LICENSE.txt) and no other: the same glyphs on every machine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import resvg_py
from markupsafe import escape

from barometre.charts import drawings
from barometre.charts.figures import THEMES
from barometre.charts.model import BarChart, Chart, EmptyChart, TimeChart

FONTS = Path(__file__).with_name("fonts")
FONT_FILES = tuple(str(FONTS / name) for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"))
FONT_FAMILY = "DejaVu Sans"
BRAND = "Baromètre numérique — Gendarmerie nationale"
DEMO_NOTICE = "Données de démonstration\u00a0: ce ne sont pas des chiffres officiels."
# The size social networks show (Open Graph's 1.91:1).
WIDTH, HEIGHT = 1200, 630
SIDE = 40  # px of margin left and right
TITLE_SIZE, SUBTITLE_SIZE, NOTE_SIZE = 34, 22, 18
FOOTER = 66  # px under the legend: the source line, then the brand's
SOURCE_CHARACTERS = 120  # what the width holds at 16 px
LEGEND = 34  # px of the legend's row, when the chart has one
PAINTED = re.compile(r'class="svg-(stroke|fill)([^"]*)" style="--clair:([^;"]*);--sombre:([^"]*)"')
TICK_GROUP = re.compile(r'<g class="svg-ticks([^"]*)"[^>]*>.*?</g>', re.DOTALL)


@dataclass(frozen=True)
class Caption:
    """What an image says around its chart (French)."""

    title: str
    period: str
    source: str
    summary: str
    demo: bool


def svg(chart: Chart, caption: Caption, theme: str = "clair") -> str:
    """Return ``chart`` as a standalone SVG document, ``WIDTH`` × ``HEIGHT`` px, in ``theme``."""
    colours = THEMES[theme]
    top = 122 + (30 if caption.demo else 0)
    legend = isinstance(chart, TimeChart) and chart.legend
    bottom = HEIGHT - FOOTER - (LEGEND if legend else 0)
    parts = [
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="{colours.background}"/>',
        _text(SIDE, 62, caption.title, TITLE_SIZE, weight="bold"),
        _text(SIDE, 100, caption.period, SUBTITLE_SIZE, fill=colours.axis),
    ]
    if caption.demo:
        parts.append(_text(SIDE, 134, DEMO_NOTICE, NOTE_SIZE, weight="bold"))
    if isinstance(chart, EmptyChart):
        parts.append(
            _text(WIDTH / 2, (top + bottom) / 2, chart.message, SUBTITLE_SIZE, anchor="middle")
        )
    else:
        parts.append(_plot(chart, top, bottom, theme))
    if legend:
        parts.append(_legend(chart, bottom + 8, theme))
    source = f"Source\u00a0: {caption.source}"
    if len(source) > SOURCE_CHARACTERS:
        source = source[: SOURCE_CHARACTERS - 1].rsplit(" ", 1)[0] + "…"
    parts += [
        _text(SIDE, HEIGHT - 40, source, 16, fill=colours.axis),
        _text(SIDE, HEIGHT - 16, BRAND, 16, weight="bold"),
    ]
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}"'
        f' viewBox="0 0 {WIDTH} {HEIGHT}" role="img" font-family="{FONT_FAMILY}, sans-serif"'
        f' color="{colours.text}" fill="{colours.text}">'
        f"<title>{escape(caption.title)} — {escape(caption.period)}</title>"
        f"<desc>{escape(caption.summary)}</desc>{''.join(parts)}</svg>"
    )


def png(document: str) -> bytes:
    """Return the PNG of a standalone SVG document, drawn with the shipped font only."""
    return bytes(
        resvg_py.svg_to_bytes(
            svg_string=document,
            skip_system_fonts=True,
            font_files=list(FONT_FILES),
            font_family=FONT_FAMILY,
            sans_serif_family=FONT_FAMILY,
        )
    )


def _plot(chart: TimeChart | BarChart, top: float, bottom: float, theme: str) -> str:
    """Return the page's plot, in the box from ``top`` to ``bottom``, painted for ``theme``."""
    area_height = bottom - top
    (left, right, under), body, _ = drawings.plot(chart, area_height - drawings.TOP)
    width = WIDTH - 2 * SIDE - left - right
    markup = "".join(body)
    # The labels along the width of the one density that fits this width.
    density = max(i for i, minimum in enumerate(drawings.DENSITIES) if minimum <= WIDTH)
    markup = TICK_GROUP.sub(
        lambda group: group[0] if f"svg-d{density}" in group[1].split() else "", markup
    )
    return (
        f'<svg x="{SIDE + left}" y="{top}" width="{width}" height="{area_height - under}"'
        f' overflow="visible">{_painted(markup, theme)}</svg>'
    )


def _legend(chart: TimeChart, y: float, theme: str) -> str:
    """Return the legend's row: each series' swatch and name, from the left."""
    items, x = [], SIDE
    for line in chart.shown():
        items.append(
            f'<svg x="{x}" y="{y}" width="40" height="16" overflow="visible">'
            f"{_painted(drawings.swatch(line), theme)}</svg>" + _text(x + 46, y + 14, line.name, 16)
        )
        x += 46 + 9.5 * len(line.name) + 28
    return "".join(items)


def _painted(markup: str, theme: str) -> str:
    """Return the drawing's markup with each element's colour for ``theme`` written on it."""
    chosen = 3 if theme == "clair" else 4
    return PAINTED.sub(
        lambda m: f'class="svg-{m[1]}{m[2]}" {m[1]}="{m[chosen]}"',
        markup,
    )


def _text(
    x: float,
    y: float,
    text: str,
    size: int,
    anchor: str = "start",
    weight: str = "normal",
    fill: str = "currentColor",
) -> str:
    return (
        f'<text x="{x:g}" y="{y:g}" font-size="{size}" font-weight="{weight}"'
        f' text-anchor="{anchor}" fill="{fill}">{escape(text)}</text>'
    )
