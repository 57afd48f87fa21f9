"""Site and embed agree (issue 15): the same chart says the same things on both.

For every indicator, without a breakdown and with each of its breakdowns, the embed (default
period and granularity, live, light theme) and the same chart on the indicator's page (default
view) have the same title, table caption, column headings, unit, rows, note and source line.
Both are read as HTML, as a reader gets them.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

import pytest
import walk
from html_tree import Element, has_class, parse, tagged

from barometre.urls import Urls

UNIT = re.compile(r"\(([^()]*)\)\s*$")


@dataclass(frozen=True)
class Said:
    """What a chart says besides its drawing, as read in the HTML."""

    titre: str
    legende: str
    colonnes: tuple[str, ...]
    unite: str
    lignes: tuple[tuple[str, ...], ...]
    note: str
    source: str


def _text(element: Element | None) -> str:
    return element.text() if element is not None else ""


def said(title: Element | None, table: Element | None, note, source) -> Said:
    """Read a chart's title, table, unit, note and source line."""
    columns: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    caption = ""
    if table is not None:
        caption = _text(table.find(tagged("caption")))
        head = table.find(tagged("thead"))
        columns = tuple(th.text() for th in head.find_all(tagged("th"))) if head else ()
        body = table.find(tagged("tbody"))
        rows = tuple(
            tuple(cell.text() for cell in tr.find_all(lambda e: e.tag in ("th", "td")))
            for tr in (body.find_all(tagged("tr")) if body else [])
        )
    units = [m.group(1) for m in map(UNIT.search, columns[1:2]) if m]
    return Said(
        titre=_text(title),
        legende=caption,
        colonnes=columns,
        unite=units[0] if units else "",
        lignes=rows,
        note=_text(note),
        source=_text(source),
    )


def site_chart(page: Element, heading: str) -> Said:
    """What the chart of the site's page whose heading starts with ``heading`` says."""
    sections = [
        section
        for section in page.find_all(has_class("chart-block", "section"))
        if _text(section.find(lambda e: e.tag in ("h2", "h3"))).startswith(heading)
    ]
    assert len(sections) == 1, f"{len(sections)} sections « {heading}… » sur la page"
    section = sections[0]
    return said(
        page.find(tagged("h1")),
        section.find(tagged("table")),
        section.find(has_class("chart-note")),
        section.find(has_class("chart-source")),
    )


def embed_chart(page: Element) -> Said:
    """What an embed says."""
    return said(
        page.find(has_class("embed-title")),
        page.find(tagged("table")),
        page.find(has_class("embed-note")),
        page.find(has_class("embed-facts")),
    )


def heading_of(indicator: walk.Indicator, dimension: str) -> str:
    """The site's heading of the chart an embed with breakdown ``dimension`` shows."""
    if not dimension:
        return "Évolution"
    title = indicator.breakdowns[dimension]["titre"]
    return f"Répartition par {title[:1].lower()}{title[1:]}"


@pytest.fixture(scope="module")
def agree_client(demo_settings):
    from barometre.web.app import create_app

    return create_app(demo_settings).server.test_client()


def test_site_and_embed_say_the_same(agree_client, demo_settings):
    """Every indicator × (no breakdown, each breakdown): the embed says what the site says."""
    urls = Urls(demo_settings.url_prefix)
    differences = []
    pairs = 0
    for indicator in walk.indicators(agree_client, urls):
        response = agree_client.get(urls.indicator(indicator.id))
        assert response.status_code == 200, indicator.id
        page = parse(walk.the_copy(response.get_data(as_text=True)))
        for dimension in ("", *indicator.breakdowns):
            pairs += 1
            parameters = (
                {"ventilation": dimension}
                if dimension
                else {"granularite": indicator.default_granularity}
            )
            embed_url = urls.path(f"/embed/{indicator.id}", **parameters)
            answer = agree_client.get(embed_url)
            if answer.status_code != 200:
                differences.append(f"{embed_url} : {answer.status_code}")
                continue
            embed = asdict(embed_chart(parse(answer.get_data(as_text=True))))
            site = asdict(site_chart(page, heading_of(indicator, dimension)))
            for name in site:
                if site[name] != embed[name]:
                    shown = (site[name], embed[name])
                    if name == "lignes":
                        rows = [(s, e) for s, e in zip(*shown, strict=False) if s != e]
                        shown = (f"{len(shown[0])} lignes, ex. {rows[:1]}", len(shown[1]))
                    differences.append(
                        f"{embed_url} — {name} : site {shown[0]!r} ≠ intégration {shown[1]!r}"
                    )
    assert pairs >= 13
    assert not differences, (
        f"{len(differences)} différences sur {pairs} graphiques :\n" + "\n".join(differences)
    )
