"""The département map: ranking, classes, accessible names and the inline SVG, as pure functions.

The geometry (``data/departements-carte.json``, built by ``scripts/carte_departements.py``) is
read once; everything else is computed from a breakdown frame as published (``publish.published``):
a masked département is drawn hatched in its own class and never gets a value, a rank or a share.
"""

from __future__ import annotations

import bisect
import functools
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from importlib import resources

import pandas as pd

from barometre.charts import french
from barometre.data.catalogue import Breakdown, Indicator
from barometre.publish import published, secrecy

GEOMETRY_FILE = "departements-carte.json"
CLASS_COUNT = 5
ATTRIBUTION = (
    "Fond de carte\u00a0: MapSVG (CC BY 4.0) pour la métropole, Natural Earth (domaine public) "
    "pour l'outre-mer, tracés simplifiés\u00a0; encarts d'outre-mer à des échelles différentes."
)
MASKED_TEXT = "secret statistique"
NO_DATA_TEXT = "aucune donnée"
HATCH_ID = "carte-hachures"
INSET_NAMES = {
    "971": "Guadeloupe",
    "972": "Martinique",
    "973": "Guyane",
    "974": "La Réunion",
    "976": "Mayotte",
}


@dataclass(frozen=True)
class Geometry:
    """The map's drawing: its size and one SVG path per département code, plus the insets."""

    width: int
    height: int
    paths: dict[str, str]
    insets: tuple[dict, ...]
    zoom: dict  # Paris and its suburbs enlarged: codes, frame (x, y, w, h), SVG transform


@functools.cache
def geometry() -> Geometry:
    """Return the packaged département geometry (read once per process)."""
    text = (resources.files("barometre") / "data" / GEOMETRY_FILE).read_text(encoding="utf-8")
    data = json.loads(text)
    return Geometry(
        data["largeur"], data["hauteur"], data["chemins"], tuple(data["encarts"]), data["zoom"]
    )


@dataclass(frozen=True)
class Entry:
    """One département on the map: its value, or why it has none (masked, no data)."""

    code: str
    name: str
    value: float | None
    masked: bool
    rank: int | None = None
    share: float | None = None


@dataclass(frozen=True)
class MapClass:
    """One class of the legend: values in [low, high) (the last one includes ``high``)."""

    index: int
    low: float
    high: float
    label: str
    count: int


def ordinal(rank: int) -> str:
    """Return a French ordinal: 1 → « 1er », 4 → « 4e »."""
    return "1er" if rank == 1 else f"{rank}e"


def ranking(frame: pd.DataFrame, breakdown: Breakdown, indicator: Indicator) -> list[Entry]:
    """Return every member of ``breakdown``, highest value first, then masked, then no data.

    Ties share a rank (« 1, 2, 2, 4 ») and are listed by name; masked members get neither rank
    nor share. Shares are relative to the exact total (``published.TOTAL_ATTR``) for counts only.
    """
    rows = frame[frame["membre"] != ""] if "membre" in frame else frame
    masked_codes = (
        set(rows.loc[rows["masque"].astype(bool), "membre"]) if "masque" in rows else set()
    )
    values = {
        row.membre: float(row.valeur)
        for row in rows.itertuples()
        if row.membre not in masked_codes and not pd.isna(row.valeur)
    }
    total = float(frame.attrs.get(published.TOTAL_ATTR, sum(values.values())))
    with_shares = indicator.aggregation == "somme" and total > 0
    shown = sorted(
        (code for code in breakdown.codes if code in values),
        key=lambda code: (-values[code], breakdown.label(code)),
    )
    descending = sorted(-v for v in values.values())
    entries = [
        Entry(
            code,
            breakdown.label(code),
            values[code],
            False,
            rank=bisect.bisect_left(descending, -values[code]) + 1,
            share=values[code] / total if with_shares else None,
        )
        for code in shown
    ]
    by_name = sorted((code for code in breakdown.codes if code not in values), key=breakdown.label)
    entries += [Entry(c, breakdown.label(c), None, True) for c in by_name if c in masked_codes]
    entries += [Entry(c, breakdown.label(c), None, False) for c in by_name if c not in masked_codes]
    return entries


def _nice(value: float) -> float:
    """Return ``value`` rounded to two significant digits (legend breaks people can read)."""
    if value <= 0:
        return 0.0
    step = 10 ** (math.floor(math.log10(value)) - 1)
    return round(value / step) * step


def classes(entries: list[Entry], indicator: Indicator, count: int = CLASS_COUNT) -> list[MapClass]:
    """Return up to ``count`` classes of the shown values: quantile breaks, rounded.

    Labels are French ranges (« de 1 200 à moins de 3 400 »); each class says how many
    départements it holds. Fewer classes come back when values are few or equal.
    """
    values = sorted(e.value for e in entries if e.value is not None)
    if not values:
        return []
    low, high = values[0], values[-1]
    breaks = []
    for i in range(1, count):
        cut = _nice(values[min(len(values) - 1, math.ceil(i * len(values) / count))])
        if low < cut <= high and (not breaks or cut > breaks[-1]):
            breaks.append(cut)
    bounds = [low, *breaks, high]
    result = []
    for index in range(len(bounds) - 1):
        start, stop = bounds[index], bounds[index + 1]
        last = index == len(bounds) - 2
        start_text = french.format_number(start, indicator.decimals)
        stop_text = french.format_number(stop, indicator.decimals)
        label = (
            f"de {start_text} à {stop_text}" if last else f"de {start_text} à moins de {stop_text}"
        )
        members = sum(1 for v in values if start <= v < stop or (last and v == stop))
        result.append(MapClass(index + 1, start, stop, label, members))
    return result


def class_of(value: float, map_classes: list[MapClass]) -> int:
    """Return the 1-based class index of ``value``."""
    return max(1, bisect.bisect_right([c.low for c in map_classes], value))


def accessible_name(
    entry: Entry, indicator: Indicator, span: str, ranked: int, threshold: int
) -> str:
    """Return what a shape says: « Gironde : 1 234 pré-plaintes du … au …, 4e rang sur 101 »."""
    if entry.masked:
        return f"{entry.name}\u00a0: {MASKED_TEXT} (seuil\u00a0: {threshold}) {span}"
    if entry.value is None:
        return f"{entry.name}\u00a0: {NO_DATA_TEXT} {span}"
    value = french.format_value(entry.value, indicator)
    return f"{entry.name}\u00a0: {value} {span}, {ordinal(entry.rank)} rang sur {ranked}"


def _kind(entry: Entry, map_classes: list[MapClass]) -> str:
    """Return the CSS class of a shape: its class (c1…c5), « masque » or « vide »."""
    if entry.masked:
        return "masque"
    if entry.value is None:
        return "vide"
    return f"c{class_of(entry.value, map_classes)}"


def _code_order(code: str) -> float:
    return {"2A": 20.1, "2B": 20.2}.get(code) or float(code)


def svg(
    entries: list[Entry],
    map_classes: list[MapClass],
    names: dict[str, str],
    href: Callable[[str], str],
    selected: str = "",
    labelled_by: str = "",
) -> str:
    """Return the map as an SVG document fragment: one named link per département.

    ``names`` gives each code's accessible name, ``href`` its link (the page with that
    département chosen). Colours come from CSS classes (``c1``…``c5``, ``masque``, ``vide``),
    so that both themes and the print style sheet can restyle them.
    """
    shape = geometry()
    by_code = {entry.code: entry for entry in entries}
    kinds = {code: _kind(entry, map_classes) for code, entry in by_code.items()}
    links = []
    # Tab order follows the département codes (2A and 2B between 19 and 21), not the ranking.
    for code in sorted(by_code, key=_code_order):
        kind = kinds[code]
        current = ' aria-current="true"' if code == selected else ""
        links.append(
            f'<a href="{escape(href(code))}" aria-label="{escape(names[code])}"'
            f' data-departement="{code}" class="{kind}{" choisi" if current else ""}"{current}>'
            f'<path d="{shape.paths[code]}"/></a>'
        )
    insets = "".join(
        f'<rect class="carte-encart" x="{i["x"]}" y="{i["y"]}" width="{i["w"]}" height="{i["h"]}"/>'
        f'<text class="carte-encart-nom" x="{i["x"] + 3}" y="{i["y"] + i["h"] + 12}">'
        f"{escape(INSET_NAMES[i['code']])}</text>"
        for i in shape.insets
    )
    hatch = (
        f'<defs><pattern id="{HATCH_ID}" width="5" height="5" patternUnits="userSpaceOnUse"'
        ' patternTransform="rotate(45)"><rect width="5" height="5" class="hachures-fond"/>'
        '<line x1="0" y1="0" x2="0" y2="5" class="hachures-trait"/></pattern></defs>'
    )
    # The enlarged copies are for the mouse only (hidden, not focusable): the links above carry
    # the names and the keyboard.
    zoom = shape.zoom
    copies = "".join(
        f'<g class="{kinds[code]}{" choisi" if code == selected else ""}"'
        f' data-departement="{code}"><path d="{shape.paths[code]}"/></g>'
        for code in zoom["codes"]
        if code in kinds
    )
    insets += (
        f'<rect class="carte-encart" x="{zoom["x"]}" y="{zoom["y"]}" width="{zoom["w"]}"'
        f' height="{zoom["h"]}"/><text class="carte-encart-nom" x="{zoom["x"] + 3}"'
        f' y="{zoom["y"] + 12}">Paris et petite couronne</text>'
        f'<g class="carte-zoom" transform="{zoom["transform"]}">{copies}</g>'
    )
    label = f' aria-labelledby="{escape(labelled_by)}"' if labelled_by else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg"'
        f' viewBox="-4 -4 {shape.width + 8} {shape.height + 18}"'
        f' class="carte-svg" role="group"{label}>{hatch}'
        f'<g aria-hidden="true">{insets}</g>'
        f'<g class="carte-departements">{"".join(links)}</g></svg>'
    )


def summary(entries: list[Entry], indicator: Indicator, span: str, threshold: int) -> str:
    """Return the map in words: highest, lowest and median département, how many are masked."""
    shown = [e for e in entries if e.value is not None]
    masked = sum(1 for e in entries if e.masked)
    if not shown:
        text = f"Aucune valeur par département {span}."
    else:

        def named(entry: Entry) -> str:
            return f"{entry.name} ({french.format_value(entry.value, indicator)})"

        median = shown[(len(shown) - 1) // 2]
        text = (
            f"{indicator.title} par département, {span}\u00a0: le plus élevé, {named(shown[0])}"
            f"\u00a0; le plus bas, {named(shown[-1])}\u00a0; département médian, "
            f"{named(median)}."
        )
    if masked:
        noun = "département non diffusé" if masked == 1 else "départements non diffusés"
        text += " " + secrecy.masked_sentence(f"{masked}\u00a0{noun}", threshold)
    return text


def table_rows(entries: list[Entry], indicator: Indicator) -> tuple[tuple[str, ...], ...]:
    """Return the ranking as table rows: rank, département, value, share (masked ones last)."""
    rows = []
    for entry in entries:
        if entry.value is None:
            text = MASKED_TEXT if entry.masked else NO_DATA_TEXT
            rows.append(("—", entry.name, text, ""))
            continue
        share = french.format_percent(entry.share) if entry.share is not None else ""
        value = french.format_number(entry.value, indicator.decimals)
        rows.append((ordinal(entry.rank), entry.name, value, share))
    return tuple(rows)
