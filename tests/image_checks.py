"""RGAA 4.1, theme 1 (images) and criterion 3.1 (colour), read from a page's HTML: the URL walk
(walk.visit) runs these checks on every page and embed the site serves; tests/test_rgaa_images.py
runs them on the pages of the site map and shows each of them failing.

Each check reads the server's copy of a page as the walk parses it (``walk.copy_document``: a
large table reduced to its caption, its row count kept in ``data-lignes``).
"""

from __future__ import annotations

import itertools
import re

from html_tree import Element, tagged

from barometre.charts import maps

# Longest short alternative the RGAA recommends (glossary, « Alternative courte et concise »).
SHORT = 80
# Elements that are images other than SVG: none on the site (criteria 1.1 to 1.9 then concern
# SVG drawings only, 1.8 none at all: the text of an SVG is text).
BITMAPS = {"img", "picture", "canvas", "object", "embed", "area", "map", "image", "video"}
FOCUSABLE = {"a", "button", "input", "select", "textarea", "summary"}
# What a sample's markup says of colour (and of a width no eye tells apart: 2 or 2.5 px).
STYLE = re.compile(r'\s(style|class|stroke-width)="[^"]*"')
# Each kind of drawing, by a mark of its markup: the walk reports those it met, so that a test
# proves the checks above read every kind (a chart without data, which the demo data never
# give, is checked from the layouts' markup in tests/test_rgaa_images.py).
KINDS = {
    'class="svg-chart" aria-hidden="true"': "graphique masqué",
    'class="carte-svg"': "carte",
    "stroke-dasharray": "tirets (un an avant, période incomplète)",
    'class="svg-fill svg-bars"': "barres",
    'class="svg-legend"': "légende",
    '<figure class="embed-figure"': "intégration",
}


def kinds_in(markup: str) -> list[str]:
    """The marks of ``KINDS`` that ``markup`` holds."""
    return [mark for mark in KINDS if mark in markup]


# -- theme 1: how each image is exposed --------------------------------------------------------


def block_text(element: Element) -> str:
    """The text of an element as assistive technologies join it: a space between its parts."""
    parts = [c.text() if isinstance(c, Element) else c for c in element.children]
    return re.sub(r"[ \t\n\r\f]+", " ", " ".join(parts)).strip()


def data_rows(table: Element) -> int:
    """The rows of a table under its heading row: counted before the walk cut them
    (``data-lignes``), else read."""
    if "data-lignes" in table.attrs:
        return int(table.attrs["data-lignes"])
    return len(table.find_all(tagged("tr"))) - 1


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
    if not tables or data_rows(tables[0]) < 1:
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


def _is_bitmap(element: Element) -> bool:
    return element.tag in BITMAPS or (
        element.tag == "input" and element.attrs.get("type") == "image"
    )


def _encloses(element: Element) -> bool:
    """Whether what is below ``element`` is checked with it (a drawing, or hidden)."""
    return (
        element.tag == "svg"
        or "svg-chart" in element.classes
        or element.attrs.get("aria-hidden") == "true"
    )


def image_problems(markup: str, document: Element) -> list[str]:
    """What RGAA theme 1 finds wrong with a page's images: ``document`` is the page's copy
    parsed, ``markup`` the page as served."""
    ids = {e.attrs["id"] for e in document.iter() if e.attrs.get("id")}
    problems = []
    if "captcha" in markup.lower():
        problems.append("un CAPTCHA : les critères 1.4 et 1.5 sont à auditer")
    _exposed_problems(document, [], ids, problems)
    return problems


def _exposed_problems(
    element: Element, path: list[Element], ids: set[str], problems: list[str]
) -> None:
    """The problems of ``element`` and of the elements below it, in document order (``path``:
    its ancestors, the root first); below a drawing, only images other than SVG."""
    if _is_bitmap(element):
        problems.append(f"image <{element.tag}> : les critères 1.1 à 1.9 sont à auditer")
    hidden = element.attrs.get("aria-hidden") == "true"
    label = element.attrs.get("aria-label", "").strip()
    if "svg-chart" in element.classes:
        name = f"dessin {element.attrs.get('class')}"
        if hidden:
            problems += _hidden_problems(element, name)
            problems += _beside_problems(path[::-1], name)
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
            problems += _map_problems(element, ids) + _beside_problems(path[::-1], "carte")
        else:
            problems.append(f"<svg> exposé sans role=img ni alternative (1.1) : {element.attrs}")
    elif element.tag == "figure":
        caption = element.find(lambda e: e.tag == "figcaption")
        if caption is not None:
            if element.attrs.get("role") not in ("figure", "group"):
                problems.append("figure légendée sans role figure ou group (1.9)")
            if element.attrs.get("aria-label") != block_text(caption):
                problems.append(
                    f"figure dont l'aria-label « {element.attrs.get('aria-label')} » n'est pas "
                    f"sa légende « {block_text(caption)} » (1.9)"
                )
    children = [child for child in element.children if isinstance(child, Element)]
    if _encloses(element):
        # Inside a drawing, checked with it: only what would be another kind of image.
        problems += [
            f"image <{inner.tag}> : les critères 1.1 à 1.9 sont à auditer"
            for child in children
            for inner in child.iter()
            if _is_bitmap(inner)
        ]
        return
    path.append(element)
    for child in children:
        _exposed_problems(child, path, ids, problems)
    path.pop()


# -- 3.1: no information by colour alone -------------------------------------------------------


def _without_colour(markup: str) -> str:
    """A drawing's markup with its colours (and the classes that carry them) and its line
    widths taken out."""
    return STYLE.sub("", markup)


def _markup(element: Element) -> str:
    attributes = "".join(f' {k}="{v}"' for k, v in element.attrs.items())
    inner = "".join(_markup(c) if isinstance(c, Element) else c for c in element.children)
    return f"<{element.tag}{attributes}>{inner}</{element.tag}>"


def colour_only_problems(document: Element) -> list[str]:
    """Series of a served drawing told apart by colour alone (RGAA 3.1): a drawing of several
    lines has a legend naming each, and its samples differ once their colours are taken out."""
    problems = []
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


def map_colour_problems(document: Element) -> list[str]:
    """The map's classes told otherwise than by colour (RGAA 3.1): each département's link
    names its value (or why it has none), each kind of shape drawn has its legend entry with
    its words, and masked or empty départements differ by a pattern or a dashed border."""
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


def page_image_problems(markup: str, document: Element) -> list[str]:
    """Every check of this module, on a page or an embed."""
    return [
        *image_problems(markup, document),
        *colour_only_problems(document),
        *map_colour_problems(document),
    ]
