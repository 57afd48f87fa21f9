"""RGAA 4.1, theme 1 (images) and criteria 3.1 and 3.3 (colours): what a machine can decide of
the site's images, charts and map (issue 24).

Images: every page the site map lists, every indicator's page at each granularity with all its
series shown (events, the year-ago overlay) and with a département chosen, and every embed (each
breakdown, both themes), requested in-process and read as served (the server's copy of the page,
which Dash's page repeats from the same layouts). The charts are drawn twice, a server drawing that
plotly.js later covers: both are hidden from assistive technologies when the chart's table is on
the page, since the figure's caption (the summary) and the table give the same information in
text; a chart without data is an image named by its message. The map is a group of named links.

Colours: series told apart without colour (dash, marker, legend) in every drawing served and in
every plotly trace the builders make; the map's classes by name, legend and table; contrasts of
3:1 for chart lines, bars, the modebar and the map against the backgrounds they are drawn on, and
of every form control against its own, in both themes (Chromium).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import replace

import pytest
import walk
from chart_data import DEMANDES, event, incomplete, national, per_member
from colours import contrast, luminance
from factories import MOTIF
from html_tree import Element, parse
from test_accessibility import open_page, set_theme

from barometre.charts import build, drawings, figures, maps
from barometre.charts.figures import THEMES
from barometre.charts.model import EmptyChart, TimeChart
from barometre.charts.summaries import NO_DATA
from barometre.urls import Urls
from barometre.web import prerender, views
from barometre.web.app import ASSETS, create_app
from barometre.web.layouts.common import chart_block

NOT_FOUND = "/page-qui-n-existe-pas"
# Longest short alternative the RGAA recommends (glossary, « Alternative courte et concise »).
SHORT = 80
# Elements that are images other than SVG: none on the site (criteria 1.1 to 1.9 then concern
# SVG drawings only, 1.8 none at all: the text of an SVG is text).
BITMAPS = {"img", "picture", "canvas", "object", "embed", "area", "map", "image", "video"}
FOCUSABLE = {"a", "button", "input", "select", "textarea", "summary"}
WITHOUT_TABLE_ROWS = re.compile(r"<table\b.*?</table>", re.DOTALL)
# What a sample's markup says of colour (and of a width no eye tells apart: 2 or 2.5 px).
STYLE = re.compile(r'\s(style|class|stroke-width)="[^"]*"')


# -- the pages -------------------------------------------------------------------------------


def served(markup: str) -> Element:
    """The server's copy of a page (an embed: all of it), each table emptied of its rows but
    keeping their count (``data-lignes``): a daily series' table holds thousands of cells."""
    return parse(
        WITHOUT_TABLE_ROWS.sub(
            lambda table: f'<table data-lignes="{table.group(0).count("<tr") - 1}"></table>',
            walk.the_copy(markup),
        )
    )


def space(client, urls: Urls) -> list[str]:
    """Every page of the site map and the 404; each indicator at each granularity with every
    series shown, and in one département; every embed, each breakdown, in both themes."""
    sitemap = served(client.get(urls.path("/plan-du-site")).get_data(as_text=True))
    main = sitemap.find(lambda e: e.tag == "main")
    found = [urls.path("/plan-du-site"), NOT_FOUND]
    for link in main.find_all(lambda e: e.tag == "a" and e.attrs.get("href", "").startswith("/")):
        if link.attrs["href"] not in found:
            found.append(link.attrs["href"])
    for indicator in walk.indicators(client, urls):
        found += [
            urls.indicator(indicator.id, granularite=g, comparer="oui")
            for g in indicator.granularities
        ]
        found += walk.departement_urls(urls, indicator)[:1]
        for dimension, theme in itertools.product(["", *indicator.breakdowns], ("", "sombre")):
            query = {"ventilation": dimension, "theme": theme}
            found.append(
                urls.path(f"/embed/{indicator.id}", **{k: v for k, v in query.items() if v})
            )
        found.append(urls.path(f"/embed/{indicator.id}", comparer="oui"))
    return found


@pytest.fixture(scope="module")
def site(demo_settings):
    """The demo site's pages as served, by URL (each requested once for the module)."""
    client = create_app(demo_settings).server.test_client()
    urls = Urls(demo_settings.url_prefix)
    pages = {}
    for url in space(client, urls):
        response = client.get(url)
        assert response.status_code == (404 if url == NOT_FOUND else 200), url
        pages[url] = response.get_data(as_text=True)
    return pages


# -- theme 1: how each image is exposed --------------------------------------------------------


def _ancestors(root: Element) -> dict[int, list[Element]]:
    """Each element's ancestors, nearest first, by id()."""
    found: dict[int, list[Element]] = {}

    def down(element: Element, above: list[Element]) -> None:
        found[id(element)] = above
        for child in element.children:
            if isinstance(child, Element):
                down(child, [element, *above])

    down(root, [])
    return found


def block_text(element: Element) -> str:
    """The text of an element as assistive technologies join it: a space between its parts."""
    parts = [c.text() if isinstance(c, Element) else c for c in element.children]
    return re.sub(r"[ \t\n\r\f]+", " ", " ".join(parts)).strip()


def _hidden_problems(drawing: Element, name: str) -> list[str]:
    """A drawing hidden from assistive technologies (RGAA 1.2.4): no alternative anywhere in
    it (aria-label, aria-labelledby, title attribute, <title> or <desc>), nothing focusable."""
    problems = []
    for element in drawing.iter():
        if element.tag in ("title", "desc") and element.text():
            problems.append(f"{name} : élément <{element.tag}> dans un dessin masqué (1.2)")
        for attribute in ("aria-label", "aria-labelledby", "title"):
            if element.attrs.get(attribute):
                problems.append(f"{name} : {attribute} dans un dessin masqué (1.2)")
        if element.tag in FOCUSABLE or element.attrs.get("tabindex", "-1") != "-1":
            problems.append(f"{name} : élément {element.tag} atteignable dans un dessin masqué")
    return problems


def _beside_problems(above: list[Element], name: str) -> list[str]:
    """A chart's (or the map's) information in text beside it (1.6, 1.7): its figure's caption
    holds the summary, and the table with its values comes after the figure (``above``: the
    drawing's ancestors, nearest first)."""
    figure = next((e for e in above if e.tag == "figure"), None)
    caption = figure and figure.find(lambda e: e.tag == "figcaption")
    if figure is None or caption is None or len(block_text(caption)) < 40:
        return [f"{name} : sans résumé dans la légende de sa figure (1.6)"]
    container = above[above.index(figure) + 1]
    siblings = [c for c in container.children if isinstance(c, Element)]
    after = siblings[siblings.index(figure) + 1 :]
    tables = [
        table
        for element in after
        for table in element.find_all(lambda e: e.tag == "table")
        if "hidden" not in element.attrs
    ]
    if not tables or int(tables[0].attrs["data-lignes"]) < 1:
        return [f"{name} : sans tableau de ses données après sa figure (1.6)"]
    return []


def _map_problems(svg: Element, ids: set[str]) -> list[str]:
    """The map: a group named by its heading, of links each named; its other parts hidden."""
    problems = []
    if svg.attrs.get("role") != "group" or svg.attrs.get("aria-labelledby") not in ids:
        problems.append("carte sans rôle group nommé par son titre (1.1)")
    for part in svg.children:
        if not isinstance(part, Element) or part.tag == "defs":
            continue
        if "carte-departements" in part.classes:
            unnamed = [
                a.attrs.get("data-departement", "?")
                for a in part.children
                if isinstance(a, Element) and not a.attrs.get("aria-label", "").strip()
            ]
            if unnamed:
                problems.append(f"carte : départements sans nom {unnamed} (1.1)")
        elif part.attrs.get("aria-hidden") != "true":
            problems.append(f"carte : partie <{part.tag}> non masquée (1.2)")
    return problems


def image_problems(markup: str) -> list[str]:
    """What RGAA theme 1 finds wrong with a page's images, read from its HTML."""
    document = served(markup)
    ancestry = _ancestors(document)
    ids = {e.attrs["id"] for e in document.iter() if e.attrs.get("id")}
    problems = []
    if "captcha" in markup.lower():
        problems.append("un CAPTCHA : les critères 1.4 et 1.5 sont à auditer")
    for element in document.iter():
        above = ancestry[id(element)]
        if element.tag in BITMAPS or (
            element.tag == "input" and element.attrs.get("type") == "image"
        ):
            problems.append(f"image <{element.tag}> : les critères 1.1 à 1.9 sont à auditer")
        if any(
            a.tag == "svg" or "svg-chart" in a.classes or a.attrs.get("aria-hidden") == "true"
            for a in above
        ):
            continue  # inside a drawing, checked with it
        hidden = element.attrs.get("aria-hidden") == "true"
        label = element.attrs.get("aria-label", "").strip()
        if "svg-chart" in element.classes:
            name = f"dessin {element.attrs.get('class')}"
            if hidden:
                problems += _hidden_problems(element, name)
                problems += _beside_problems(above, name)
            elif element.attrs.get("role") != "img" or not label:
                problems.append(f"{name} : ni masqué ni image nommée (1.1)")
            elif label != element.text() or len(label) > SHORT:
                problems.append(f"{name} : alternative « {label} » autre que son texte (1.3)")
        elif element.attrs.get("role") == "img":
            if not label:
                problems.append(f"image role=img sans alternative (1.1) : {element.attrs}")
            elif len(label) > SHORT:
                problems.append(f"alternative de plus de {SHORT} caractères (1.3) : {label}")
        elif element.tag == "svg" and not hidden:
            if "carte-svg" in element.classes:
                problems += _map_problems(element, ids) + _beside_problems(above, "carte")
            else:
                problems.append(
                    f"<svg> exposé sans role=img ni alternative (1.1) : {element.attrs}"
                )
        elif element.tag == "figure":
            caption = element.find(lambda e: e.tag == "figcaption")
            if caption is None:
                continue
            if element.attrs.get("role") not in ("figure", "group"):
                problems.append("figure légendée sans role figure ou group (1.9)")
            if element.attrs.get("aria-label") != block_text(caption):
                problems.append(
                    f"figure dont l'aria-label « {element.attrs.get('aria-label')} » n'est pas "
                    f"sa légende « {block_text(caption)} » (1.9)"
                )
    return problems


def test_the_space_holds_every_kind_of_image(site):
    """Every kind of drawing is in the space walked: lines with the year-ago overlay and the
    incomplete period, bars, the map, in pages and embeds (a chart without data, which the demo
    data never give, is checked from the layouts' markup below)."""
    markup = "".join(site.values())
    for mark in (
        'class="svg-chart" aria-hidden="true"',
        'class="carte-svg"',
        "stroke-dasharray",  # the overlay, the incomplete period
        'class="svg-fill svg-bars"',
        'class="svg-legend"',
        '<figure class="embed-figure"',
    ):
        assert mark in markup, mark
    assert sum("/embed/" in url for url in site) > 13


def test_every_image_is_hidden_or_named_and_every_chart_is_told_in_text(site):
    """RGAA 1.1, 1.2, 1.3, 1.6, 1.9 (and 1.4, 1.5, 1.8 non applicable: no CAPTCHA, no bitmap
    image), on every page and embed of the space."""
    problems = {url: found for url, markup in site.items() if (found := image_problems(markup))}
    assert not problems, "\n".join(f"{url} : {found[:3]}" for url, found in problems.items())


CHART = (
    '<section class="chart-block"><figure role="figure" aria-label="{label}">'
    '<div class="chart-box">{drawing}</div><figcaption><p>{summary}</p><p>Source.</p>'
    "</figcaption></figure>{table}</section>"
)
SUMMARY = "Demandes par mois, de janvier à mars 2025 : 3 demandes en mars."
HIDDEN = '<div class="svg-chart" aria-hidden="true"><svg class="svg-area"></svg></div>'
TABLE = (
    '<details class="chart-data"><summary>Voir les données</summary>'
    "<table><tr><th>Mois</th></tr><tr><td>1</td></tr></table></details>"
)
EMPTY = '<div class="svg-chart svg-empty" role="img" aria-label="{0}"><p>{0}</p></div>'


def _chart(drawing: str = HIDDEN, table: str = TABLE, summary: str = SUMMARY, label=None) -> str:
    label = f"{summary} Source." if label is None else label
    return CHART.format(drawing=drawing, table=table, summary=summary, label=label)


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        (_chart(), []),
        (
            _chart(
                '<h2 id="t">Carte</h2><svg class="carte-svg" role="group" aria-labelledby="t">'
                '<g aria-hidden="true"><rect/></g><g class="carte-departements">'
                '<a href="/x" aria-label="Gironde : 12 demandes" data-departement="33"><path/>'
                "</a></g></svg>",
                table="",
            ),
            ["carte : sans tableau de ses données après sa figure (1.6)"],
        ),
        (_chart(drawing=EMPTY.format("Aucune donnée"), table=""), []),
        (
            _chart(drawing=HIDDEN.replace('<svg class="svg-area">', "<svg><title>Courbe</title>")),
            ["dessin svg-chart : élément <title> dans un dessin masqué (1.2)"],
        ),
        (
            _chart(drawing=HIDDEN.replace("<svg ", '<svg aria-label="Courbe" ')),
            ["dessin svg-chart : aria-label dans un dessin masqué (1.2)"],
        ),
        (
            _chart(drawing=HIDDEN.replace(' aria-hidden="true"', "")),
            ["dessin svg-chart : ni masqué ni image nommée (1.1)"],
        ),
        (
            _chart(drawing=EMPTY.format("Aucune donnée").replace('="Aucune', '="Rien'), table=""),
            ["dessin svg-chart svg-empty : alternative « Rien donnée » autre que son texte (1.3)"],
        ),
        (
            _chart(table=""),
            ["dessin svg-chart : sans tableau de ses données après sa figure (1.6)"],
        ),
        (
            _chart(table=TABLE.replace("<tr><td>1</td></tr>", "")),
            ["dessin svg-chart : sans tableau de ses données après sa figure (1.6)"],
        ),
        (
            _chart(summary="Demandes."),
            ["dessin svg-chart : sans résumé dans la légende de sa figure (1.6)"],
        ),
        (
            _chart(label="Évolution"),
            [
                f"figure dont l'aria-label « Évolution » n'est pas sa légende « {SUMMARY} "
                "Source. » (1.9)"
            ],
        ),
        (
            _chart().replace(' role="figure"', ""),
            ["figure légendée sans role figure ou group (1.9)"],
        ),
        (
            '<p>Logo</p><img src="/logo.png" alt="">',
            ["image <img> : les critères 1.1 à 1.9 sont à auditer"],
        ),
        ("<canvas></canvas>", ["image <canvas> : les critères 1.1 à 1.9 sont à auditer"]),
        ('<svg><path d="M0 0"/></svg>', ["<svg> exposé sans role=img ni alternative (1.1) : {}"]),
        ('<svg aria-hidden="true"><path d="M0 0"/></svg>', []),
        ('<span role="img"></span>', ["image role=img sans alternative (1.1) : {'role': 'img'}"]),
        (
            '<form><div class="g-recaptcha"></div></form>',
            ["un CAPTCHA : les critères 1.4 et 1.5 sont à auditer"],
        ),
        (
            # The copy of a page prefixes its ids: a reference left bare names nothing.
            _chart(
                '<h2 id="prerendu-t">Carte</h2><svg class="carte-svg" role="group" '
                'aria-labelledby="t"><g class="carte-departements"></g></svg>'
            ),
            ["carte sans rôle group nommé par son titre (1.1)"],
        ),
        (
            _chart(
                '<h2 id="t">Carte</h2><svg class="carte-svg" role="group" aria-labelledby="t">'
                '<g class="carte-encarts"><rect/></g><g class="carte-departements">'
                '<a href="/x" data-departement="33"><path/></a></g></svg>'
            ),
            [
                "carte : partie <g> non masquée (1.2)",
                "carte : départements sans nom ['33'] (1.1)",
            ],
        ),
    ],
)
def test_the_image_checks_find_what_they_look_for(markup, expected):
    assert (
        image_problems(f"<!DOCTYPE html><html lang='fr'><body>{markup}</body></html>") == expected
    )


UNNAMED_IMAGE = re.compile(r"^(\s*)- img\s*$")
# A named button, with its states if any (« - button "Zoom" [pressed]: »).
NAMED_BUTTON = re.compile(r'^\s*- button "[^"]+"( \[[a-z=" ]+\])*:$')


def unnamed_images(snapshot: str) -> list[str]:
    """The images without a name in Chromium's accessibility tree (an ARIA snapshot), but for
    the icon of a named button (plotly.js's modebar: the button's name is the icon's)."""
    lines = snapshot.splitlines()
    return [
        f"image sans nom après « {lines[i - 1].strip() if i else ''} »"
        for i, line in enumerate(lines)
        if UNNAMED_IMAGE.match(line) and not (i and NAMED_BUTTON.match(lines[i - 1]))
    ]


def test_the_unnamed_image_check_finds_them():
    named = '- button "Zoom":\n  - img\n- button "Zoom" [pressed]:\n  - img\n- img "Aucune donnée"'
    assert unnamed_images(named) == []
    assert unnamed_images(named + '\n- link "Plan du site"\n- img') == [
        'image sans nom après « - link "Plan du site" »'
    ]


# -- 3.1: no information by colour alone -------------------------------------------------------


def _without_colour(markup: str) -> str:
    """A drawing's markup with its colours (and the classes that carry them) and its line
    widths taken out."""
    return STYLE.sub("", markup)


def colour_only_problems(markup: str) -> list[str]:
    """Series of a served drawing told apart by colour alone (RGAA 3.1): a drawing of several
    lines has a legend naming each, and its samples differ once their colours are taken out."""
    problems = []
    document = served(markup)
    for drawing in document.find_all(lambda e: "svg-chart" in e.classes):
        lines = drawing.find_all(lambda e: e.tag == "path" and "svg-line" in e.classes)
        if len(lines) < 2:
            continue
        legend = drawing.find(lambda e: "svg-legend" in e.classes)
        items = [] if legend is None else [i for i in legend.children if isinstance(i, Element)]
        if len(items) != len(lines):
            problems.append(f"{len(lines)} séries et {len(items)} entrées de légende (3.1)")
            continue
        names = [item.text() for item in items]
        samples = [_without_colour(_markup(item.find(lambda e: e.tag == "svg"))) for item in items]
        for (one, a), (other, b) in itertools.combinations(zip(names, samples, strict=True), 2):
            if a == b:
                problems.append(f"« {one} » et « {other} » ne diffèrent que par la couleur (3.1)")
        if len(set(names)) != len(names):
            problems.append(f"légende aux noms répétés {names} (3.1)")
    return problems


def _markup(element: Element) -> str:
    attributes = "".join(f' {k}="{v}"' for k, v in element.attrs.items())
    inner = "".join(_markup(c) if isinstance(c, Element) else c for c in element.children)
    return f"<{element.tag}{attributes}>{inner}</{element.tag}>"


def test_no_served_drawing_tells_its_series_apart_by_colour_alone(site):
    problems = {
        url: found for url, markup in site.items() if (found := colour_only_problems(markup))
    }
    assert not problems, "\n".join(f"{url} : {found[:3]}" for url, found in problems.items())
    # The check met drawings with several series: the year-ago overlay and the current period.
    assert any(markup.count('class="svg-legend"') for markup in site.values())


def _served_chart(chart) -> str:
    return walk.the_copy(drawings.chart_html(chart, hidden=True))


def test_the_colour_check_finds_series_told_apart_by_colour_alone():
    frame = national([5.0, 6.0, 7.0])
    previous = national([4.0, 5.0, 6.0], start="2024-01-01")
    chart = build.time_series(frame, DEMANDES, "mois", previous=previous)
    chart = chart.with_display(events=True, comparison=True)
    assert colour_only_problems(_served_chart(chart)) == []
    # The same overlay drawn as a plain line, in another colour only.
    main, overlay = chart.series
    plain = TimeChart(
        series=(main, replace(overlay, dash="solid", markers=main.markers)),
        granularity="mois",
        values=chart.values,
        legend=True,
        show_comparison=True,
    )
    assert colour_only_problems(_served_chart(plain)) == [
        f"« {DEMANDES.title} » et « Même période, un an avant » ne diffèrent que par la couleur"
        " (3.1)"
    ]
    unnamed = TimeChart(plain.series, "mois", chart.values, legend=False, show_comparison=True)
    assert colour_only_problems(_served_chart(unnamed)) == [
        "2 séries et 0 entrées de légende (3.1)"
    ]


def _plotly_signatures(figure) -> list[tuple]:
    """What tells each trace of a plotly figure apart besides its colour: its mode, dash and
    marker symbol (the marker only when drawn)."""
    return [
        (
            trace.mode,
            trace.line.dash or "solid",
            trace.marker.symbol if "markers" in (trace.mode or "") else None,
        )
        for trace in figure.data
    ]


def every_time_model() -> list[TimeChart]:
    """Each kind of line chart the builders make: the series with its incomplete period, the
    year-ago overlay (a marker on every point of a short series, spread along a long one) and
    an event; a small breakdown's members, as many as a chart takes, short and long."""
    charts = []
    for count in (3, 60):
        values = [float(v) for v in range(1, count + 1)]
        frame = incomplete(values, start="2020-01-01")
        chart = build.time_series(
            frame,
            DEMANDES,
            "mois",
            events=[event("Ouverture", "2020-02-10")],
            previous=national(values, start="2019-01-01"),
        )
        charts.append(chart.with_display(events=True, comparison=True))
        codes = [f"m{i}" for i in range(build.SERIES_MAX_MEMBERS)]
        breakdown = replace(MOTIF, members=tuple((c, c.upper()) for c in codes))
        frame = per_member({c: values for c in codes}, start="2020-01-01")
        charts.append(build.member_series(frame, DEMANDES, breakdown, "mois"))
    return charts


@pytest.mark.parametrize("theme", THEMES)
def test_every_kind_of_line_chart_tells_its_series_apart_without_colour(theme):
    """In plotly.js's drawing and in the server's, every pair of series shown together differs
    by its dash or its markers, and a legend names each."""
    charts = every_time_model()
    assert {len(c.shown()) for c in charts} >= {3, build.SERIES_MAX_MEMBERS}
    for chart in charts:
        figure = figures.plotly_figure(chart, theme)
        signatures = _plotly_signatures(figure)
        assert len(set(signatures)) == len(signatures), signatures
        assert figure.layout.showlegend is True
        assert colour_only_problems(_served_chart(chart)) == []


def map_colour_problems(markup: str) -> list[str]:
    """The map's classes told otherwise than by colour (RGAA 3.1): each département's link
    names its value (or why it has none), each kind of shape drawn has its legend entry with
    its words, and masked or empty départements differ by a pattern or a dashed border."""
    document = served(markup)
    problems = []
    for svg in document.find_all(lambda e: "carte-svg" in e.classes):
        kinds = {}
        for link in svg.find_all(lambda e: e.tag == "a" and "data-departement" in e.attrs):
            kinds[_kind(link, "choisi")] = named = link.attrs.get("aria-label", "")
            if not re.search(r"\d|" + maps.MASKED_TEXT + "|" + maps.NO_DATA_TEXT, named):
                problems.append(f"département {link.attrs['data-departement']} sans sa valeur")
        legend = document.find(lambda e: "carte-legende" in e.classes)
        entries = {}
        for item in legend.find_all(lambda e: e.tag == "li") if legend else []:
            swatch = item.find(lambda e: "carte-pastille" in e.classes)
            entries[_kind(swatch, "carte-pastille")] = item.text()
        for kind in kinds:
            if not entries.get(kind):
                problems.append(f"classe {kind} sans entrée de légende")
    return problems


def _kind(element: Element, other: str) -> str:
    """The kind of a map's shape or legend sample: its class besides ``other`` (c1…, masque…)."""
    return " ".join(sorted(element.classes - {other}))


def test_the_map_tells_its_classes_otherwise_than_by_colour(site):
    maps_seen = [url for url, markup in site.items() if 'class="carte-svg"' in markup]
    assert maps_seen
    problems = {url: found for url in maps_seen if (found := map_colour_problems(site[url]))}
    assert not problems, problems
    style = (ASSETS / "carte.css").read_text(encoding="utf-8")
    assert re.search(r"\.masque path \{ fill: url\(#" + maps.HATCH_ID, style)
    assert re.search(r"\.vide path \{[^}]*stroke-dasharray", style)
    # The check finds a map whose links say nothing of their value, or a class out of legend.
    first = site[maps_seen[0]]
    unvalued = re.sub(r'aria-label="[^"]*"( data-departement)', r'aria-label="Ain"\1', first)
    assert "département 01 sans sa valeur" in map_colour_problems(unvalued)
    assert map_colour_problems(first.replace('class="carte-pastille c1"', 'class="carte-pastille"'))


# -- 3.3: contrast of graphic elements and controls --------------------------------------------


def _custom_property(css: str, selector: str, name: str) -> str:
    """The value of custom property ``name`` in the first rule of ``css`` for ``selector``."""
    rule = re.search(re.escape(selector) + r"\s*\{([^}]*)\}", css)
    value = re.search(re.escape(name) + r"\s*:\s*(#[0-9a-fA-F]{3,6})\b", rule.group(1))
    return _six(value.group(1))


def backgrounds() -> dict[str, list[str]]:
    """By chart theme, the backgrounds its charts are drawn on: the site's body (Bootstrap's
    light and dark) and the embeds' (embed.css), read from the style sheets."""
    bootstrap = (ASSETS / "vendor" / "bootstrap.min.css").read_text(encoding="utf-8")
    embed = (ASSETS / "embed" / "embed.css").read_text(encoding="utf-8")
    return {
        "clair": [
            _custom_property(bootstrap, ":root,[data-bs-theme=light]", "--bs-body-bg"),
            _custom_property(embed, '[data-theme="clair"]', "--fond"),
        ],
        "sombre": [
            _custom_property(bootstrap, "[data-bs-theme=dark]", "--bs-body-bg"),
            _custom_property(embed, '[data-theme="sombre"]', "--fond"),
        ],
    }


def test_the_backgrounds_read_are_the_themes():
    assert backgrounds() == {"clair": ["#ffffff"] * 2, "sombre": ["#212529", "#1e1e1e"]}


@pytest.mark.parametrize("theme", THEMES)
def test_chart_lines_bars_and_modebar_stand_out_at_3_to_1_in_both_themes(theme):
    """RGAA 3.3.2: each series colour (lines, markers, bars, legend samples), the axis colour
    (axes, the dotted line of a dated event) and the modebar's icons, in their idle and active
    states, against each background the theme's charts are drawn on."""
    colours = THEMES[theme]
    template = figures.template(theme).layout
    modebar = template.modebar
    needed = {
        **{f"série {i + 1}": c for i, c in enumerate(colours.colours)},
        "axe": colours.axis,
        "marques d'événement": figures.plotly_figure(every_time_model()[0], theme)
        .layout.shapes[0]
        .line.color,
    }
    for background in (*backgrounds()[theme], colours.background):
        for name, colour in needed.items():
            assert contrast(colour, background) >= 3, (name, colour, background)
        assert contrast(modebar.bgcolor, background) < 1.2  # a box of the page's colour
    for state in (modebar.color, modebar.activecolor):
        assert contrast(state, modebar.bgcolor) >= 3, (state, modebar.bgcolor)


CARTE_FILL = re.compile(r"\.carte-svg \.(\w+) path[^{]*\{ fill: (#[0-9a-f]{3,6})\b")


def test_every_departement_stands_out_from_the_background_in_both_themes():
    """RGAA 3.3.2: a département's shape shows against the page by its border where the border
    contrasts with it (black, on the light theme), else by its fill, at 3:1; between two
    départements, the black border at 3:1 against each fill (their colours among themselves
    are a heat map's, exempt, and told in words: 3.1)."""
    style = (ASSETS / "carte.css").read_text(encoding="utf-8")
    fills = {kind: _six(fill) for kind, fill in CARTE_FILL.findall(style)}
    border = re.search(r"\.carte-svg path \{\s*stroke: (#[0-9a-f]{3,6})", style).group(1)
    hatch = re.search(r"\.hachures-fond \{ fill: (#[0-9a-f]{3,6})", style).group(1)
    assert set(fills) >= {"c1", "c2", "c3", "c4", "c5", "vide"}, fills
    for kind, fill in {**fills, "masque": _six(hatch)}.items():
        assert contrast(fill, _six(border)) >= 3, (kind, fill)
        for background in (backgrounds()["clair"][0], backgrounds()["sombre"][0]):
            if contrast(_six(border), _six(background)) < 3:
                assert contrast(fill, _six(background)) >= 3, (kind, fill, background)
    # The check bites: the former darkest class was under 3:1 on the dark theme's background.
    assert contrast("#2f6fb0", "#212529") < 3 <= contrast(fills["c5"], "#212529")


def _six(colour: str) -> str:
    """``#abc`` as ``#aabbcc``."""
    return "#" + "".join(c * 2 for c in colour[1:]) if len(colour) == 4 else colour


# In the browser: what shows each control's edge, and the background it sits on, as computed.
CONTROL_EDGES = """() => {
  const clear = c => !c || c === 'transparent' || /^rgba\\(.*, 0\\)$/.test(c);
  function behind(element) {
    for (let e = element.parentElement; e; e = e.parentElement) {
      const bg = getComputedStyle(e).backgroundColor;
      if (!clear(bg)) return bg;
    }
    return 'rgb(255, 255, 255)';
  }
  const line = (style, side) => parseFloat(style[side + 'Width']) >= 1
    && style[side + 'Style'] !== 'none' ? style[side + 'Color'] : null;
  const controls = document.querySelectorAll(
    'input:not([type=hidden]), select, textarea, button, [role=checkbox]');
  return [...controls].filter(c => c.getClientRects().length && !c.disabled
      && getComputedStyle(c).visibility === 'visible').map(control => {
    // A checkbox is its box; a modebar button its icon, on the modebar.
    const shown = control.querySelector('.form-check-input, .embed-check-box') || control;
    const icon = control.querySelector('.modebar-btn path');
    const style = getComputedStyle(shown);
    const fill = clear(style.backgroundColor) ? null : style.backgroundColor;
    const ground = icon && !clear(getComputedStyle(control.closest('.modebar-group'))
      .backgroundColor) ? getComputedStyle(control.closest('.modebar-group')).backgroundColor
      : behind(shown);
    return {
      name: (control.id || control.className) + ' '
        + (control.getAttribute('aria-label') || control.textContent || '').trim().slice(0, 30),
      border: icon ? getComputedStyle(icon).fill : line(style, 'borderTop'),
      fill: icon ? null : fill,
      outline: line(style, 'outline'),
      ground,
    };
  });
}"""


def edge_contrast(control: dict) -> float | None:
    """The best contrast of what shows a control's edge against the background around it: its
    border (seen over its fill), its fill, its focus outline; None for a control that has none
    of them, which is text (links, « Voir les données »: their contrast is 3.2's)."""
    ground = control["ground"]
    seen = []
    if control["border"]:
        over = control["fill"] if control["fill"] and "rgba" not in control["fill"] else ground
        seen.append((luminance(control["border"], over), luminance(ground)))
    seen += [
        (luminance(c, ground), luminance(ground))
        for c in (control["fill"], control["outline"])
        if c
    ]
    if not seen:
        return None
    return max((max(a, b) + 0.05) / (min(a, b) + 0.05) for a, b in seen)


def control_edge_problems(page) -> list[str]:
    """The visible, enabled controls of the page whose edge is under 3:1 against the
    background around it (``edge_contrast``)."""
    problems = []
    for control in page.evaluate(CONTROL_EDGES):
        ratio = edge_contrast(control)
        if ratio is not None and ratio < 3:
            problems.append(f"{control['name']} : {control}, {ratio:.2f}:1")
    return problems


@pytest.mark.parametrize(
    ("control", "expected"),
    [
        # Bootstrap's field border on white, and the site's (--bs-secondary-color).
        ({"border": "rgb(222, 226, 230)", "fill": "rgb(255, 255, 255)"}, 1.3),
        ({"border": "rgba(33, 37, 41, 0.75)", "fill": "rgb(255, 255, 255)"}, 6.8),
        # A white select on the header's blue: its fill shows it.
        (
            {
                "border": "rgba(33, 37, 41, 0.75)",
                "fill": "rgb(255, 255, 255)",
                "ground": "rgb(27, 58, 107)",
            },
            11.3,
        ),
        # plotly's own modebar: pale icons on a half-black box over white.
        ({"border": "rgba(255, 255, 255, 0.3)", "ground": "rgb(128, 128, 128)"}, 1.6),
        ({}, None),
    ],
)
def test_a_control_s_edge_is_measured_as_the_eye_sees_it(control, expected):
    control = {
        "border": None,
        "fill": None,
        "outline": None,
        "ground": "rgb(255, 255, 255)",
        **control,
    }
    ratio = edge_contrast(control)
    assert ratio == expected if expected is None else round(ratio, 1) == expected


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_embed_builder_s_control_edges_stand_out_at_3_to_1_in_both_themes(
    page, live_server, theme
):
    """RGAA 3.3.1, in Chromium, in the embed builder's dialog opened (each page of the sample:
    test_rgaa_sample): its fields, selects, buttons and checkboxes."""
    open_page(page, f"{live_server.url}/indicateurs/pre-plainte-en-ligne")
    set_theme(page, theme)
    page.click("#integrer-ouvrir")
    page.wait_for_selector("#integrer-dialogue[open]")
    assert control_edge_problems(page) == []


def test_a_chart_without_data_is_an_image_named_by_its_message():
    """The markup the layouts write for an empty chart (none in the demo data's pages) passes
    the image checks: an image (role="img") whose alternative is its visible message."""
    empty = views.make_chart(EmptyChart(NO_DATA), id="v", title="Évolution", summary=NO_DATA)
    markup = prerender.to_html(chart_block(empty))
    assert 'role="img"' in markup
    assert image_problems(markup) == []
