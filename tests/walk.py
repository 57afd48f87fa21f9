"""The URL walk (issue 15): every page the site can serve, requested in-process and checked.

The space is read from the site itself (the API's catalogue, the embed builder's callback and
select), the URLs are built by ``barometre.urls.Urls`` as the map's links are, and each URL is
requested from a WSGI app built by ``create_app`` in a worker process (``start``/``visit``), so
that a pool of workers shares the walk. A visit returns what went wrong, never raises: the tests
collect every outcome and fail once per group with the whole list.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import logging
import re
import time
import traceback
import warnings
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from dash_http import callback_payload, components, route_payload_for
from forms_inventory import form_problems
from html_tree import Element, parse
from image_checks import kinds_in, page_image_problems

from barometre.publish.validation import Display
from barometre.urls import Urls
from barometre.web import ids
from barometre.web.layouts.common import SITE_NAME

UPDATE = "_dash-update-component"
DEPARTEMENT = "departement"
DISPLAYS = tuple(
    Display(events, comparison) for events in (True, False) for comparison in (False, True)
)


# -- the space ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Indicator:
    """What the API says of an indicator: what a URL may ask of it."""

    id: str
    title: str
    unit: str
    granularities: tuple[str, ...]
    breakdowns: dict[str, dict]  # id -> {"titre": …, "membres": [{"code", "libelle"}]}
    first: dt.date
    last: dt.date
    secrecy: bool

    @property
    def default_granularity(self) -> str:
        """The granularity of a page without one (the month when allowed)."""
        return "mois" if "mois" in self.granularities else self.granularities[0]


def indicators(client, urls: Urls) -> list[Indicator]:
    """Return every indicator of the catalogue, read from the public API."""
    listing = client.get(urls.path("/api/v1/indicateurs")).get_json()["indicateurs"]
    found = []
    for entry in listing:
        meta = client.get(urls.path(f"/api/v1/indicateurs/{entry['identifiant']}")).get_json()
        found.append(
            Indicator(
                id=meta["identifiant"],
                title=meta["titre"],
                unit=meta["unite"],
                granularities=tuple(meta["granularites"]),
                breakdowns={b["identifiant"]: b for b in meta["ventilations"]},
                first=dt.date.fromisoformat(meta["couverture"]["debut"]),
                last=dt.date.fromisoformat(meta["couverture"]["fin"]),
                secrecy=bool(meta["secret_statistique"]),
            )
        )
    return found


def departement_urls(urls: Urls, indicator: Indicator) -> list[str]:
    """The map's links of an indicator's default page: each département, default parameters."""
    if DEPARTEMENT not in indicator.breakdowns:
        return []
    return [
        urls.indicator(
            indicator.id,
            debut=indicator.first.isoformat(),
            fin=indicator.last.isoformat(),
            granularite=indicator.default_granularity,
            departement=member["code"],
        )
        for member in indicator.breakdowns[DEPARTEMENT]["membres"]
    ]


def current_period_start(day: dt.date, granularity: str) -> dt.date:
    """The first day of the ``granularity`` period holding ``day`` (weeks start on Monday)."""
    if granularity == "semaine":
        return day - dt.timedelta(days=day.weekday())
    if granularity == "mois":
        return day.replace(day=1)
    if granularity == "annee":
        return day.replace(month=1, day=1)
    return day


def periods(
    indicator: Indicator, granularity: str, masked_days: list[dt.date]
) -> dict[str, tuple[dt.date, dt.date]]:
    """The periods walked for a granularity, by name: whole range, one month, one day, no data,
    only the incomplete current period, and each day where a breakdown is wholly masked."""
    first, last = indicator.first, indicator.last
    month_end = last.replace(day=1) - dt.timedelta(days=1)
    middle = first + (last - first) / 2
    chosen = {
        "toute la période": (first, last),
        "un mois": (month_end.replace(day=1), month_end),
        "un jour": (middle, middle),
        "sans données": (first - dt.timedelta(days=31), first - dt.timedelta(days=1)),
        "période en cours": (current_period_start(last, granularity), last),
    }
    for month in masked_days:
        end = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        chosen[f"tout masqué ({month:%Y-%m})"] = (month, end)
    return chosen


def page_urls(urls: Urls, indicator: Indicator, masked_days: list[dt.date]) -> list[str]:
    """Every granularity × display × period URL of an indicator's page (no duplicates)."""
    found = []
    for granularity, display in itertools.product(indicator.granularities, DISPLAYS):
        for start, end in periods(indicator, granularity, masked_days).values():
            url = urls.indicator(
                indicator.id,
                debut=start.isoformat(),
                fin=end.isoformat(),
                granularite=granularity,
                **display.params(),
            )
            if url not in found:
                found.append(url)
    return found


def all_masked_days(client, urls: Urls, indicator: Indicator, candidates) -> list[dt.date]:
    """Months in which a breakdown of ``indicator`` has every cell masked, as the API publishes.

    ``candidates(dimension)`` proposes months (smallest values first); the API's totals decide.
    """
    days = []
    for dimension in indicator.breakdowns:
        for day in candidates(dimension):
            answer = client.get(
                urls.path(
                    f"/api/v1/indicateurs/{indicator.id}/ventilations/{dimension}",
                    debut=day.isoformat(),
                    fin=(
                        (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
                        - dt.timedelta(days=1)
                    ).isoformat(),
                )
            ).get_json()
            cells = answer["repartition"]
            if cells and all(cell["valeur"] is None for cell in cells):
                if day not in days:
                    days.append(day)
                break
    return days


def builder_callback(dependencies: list[dict]) -> dict:
    """The embed builder's callback, read from /_dash-dependencies (its output: the preview)."""
    for dependency in dependencies:
        if f"{ids.EMBED_PREVIEW}.src" in dependency["output"]:
            return dependency
    raise LookupError("aucun callback ne donne l'aperçu du générateur d'intégration")


def builder_payload(dependency: dict, values: dict[str, object]) -> dict:
    """The builder callback's body for ``values`` by component id (others left empty)."""
    names = dependency["output"].strip(".").split("...")
    outputs = [tuple(name.rsplit(".", 1)) for name in names]
    inputs = [(i["id"], i["property"], values.get(i["id"])) for i in dependency["inputs"]]
    return callback_payload(outputs, inputs)


def select_options(page: Element, component_id: str) -> list[str]:
    """The option values of the select whose id ends with ``component_id`` (the page's copy)."""
    select = page.find(lambda e: e.tag == "select" and e.attrs.get("id", "").endswith(component_id))
    if select is None:
        raise LookupError(f"aucun select {component_id} dans la page")
    return [
        option.attrs.get("value", "") for option in select.find_all(lambda e: e.tag == "option")
    ]


# -- checks --------------------------------------------------------------------------------------


def _is_drawing(element: Element) -> bool:
    return "svg-chart" in element.classes or element.tag == "svg"


def drawings_in(element: Element) -> list[Element]:
    """The drawings under ``element``: server charts (``svg-chart``) and the map's ``<svg>``,
    not descending into a drawing (a chart's plot is itself an ``<svg>``)."""
    found = []
    for child in element.children:
        if isinstance(child, Element):
            found += [child] if _is_drawing(child) else drawings_in(child)
    return found


def drawing_problem(drawing: Element) -> str | None:
    """Why a drawing shows nothing, or None: a chart has its plot, or an empty one its message."""
    if drawing.tag == "svg" or "svg-empty" in drawing.classes:
        return None if drawing.children else "dessin vide"
    if drawing.find(lambda e: e.tag == "svg" and e is not drawing) is None:
        return "graphique sans <svg>"
    return None


def the_copy(markup: str) -> str:
    """The server's copy of the page (what precedes Dash's entry point), or the whole page."""
    end = markup.find('<div id="react-entry-point"')
    return markup[:end] if end > 0 else markup


# A chart's data table holds most of a page's elements (a daily series: thousands of cells) and
# no drawing: its rows are cut before the page is parsed, keeping its caption (RGAA 5.5 reads
# it). A table of a few rows (the sources', with links) is parsed whole.
TABLE = re.compile(r"<table\b.*?</table>", re.DOTALL)
CAPTION_ELEMENT = re.compile(r"<caption\b.*?</caption>", re.DOTALL)
SMALL_TABLE = 20_000  # characters


def _caption_only(table: re.Match) -> str:
    if len(table.group(0)) <= SMALL_TABLE:
        return table.group(0)
    caption = CAPTION_ELEMENT.search(table.group(0))
    # The rows under the heading row are counted: a chart's table must hold some (RGAA 1.6).
    rows = table.group(0).count("<tr") - 1
    return f'<table data-lignes="{rows}">{caption.group(0) if caption else ""}</table>'


def without_tables(markup: str) -> str:
    """``markup`` with each large table reduced to its caption and its count of rows."""
    return TABLE.sub(_caption_only, markup)


def copy_document(markup: str) -> Element:
    """The server's copy of a page (an embed: the whole of it), tables cut, parsed: what every
    check below reads, parsed once per page by ``visit``."""
    return parse(without_tables(the_copy(markup)))


def page_problems(markup: str, document: Element | None = None, charts: bool = True) -> list[str]:
    """What is wrong with a page's drawn charts: each chart section holds exactly one drawing
    (a page of ``charts`` has some); and the copy, which Dash's page replaces whole, has one
    ``h1`` and one ``main``."""
    document = copy_document(markup) if document is None else document
    problems = [
        f"{count} éléments {tag} dans la copie du serveur au lieu d'un"
        for tag in ("h1", "main")
        if (count := len(document.find_all(lambda e, tag=tag: e.tag == tag))) != 1
    ]
    sections = document.find_all(lambda e: e.tag == "section" and "chart-block" in e.classes)
    if not sections:
        return [*problems, "aucune section de graphique"] if charts else problems
    drawn = 0
    for section in sections:
        heading = section.find(lambda e: e.tag in ("h2", "h3"))
        name = heading.text() if heading else "?"
        found = drawings_in(section)
        drawn += len(found)
        if len(found) != 1:
            problems.append(f"section « {name} » : {len(found)} dessins au lieu d'un")
        problems += [f"section « {name} » : {p}" for p in map(drawing_problem, found) if p]
    if drawn != len(sections):
        problems.insert(0, f"{len(sections)} sections de graphique, {drawn} dessins")
    return problems


HEADING = re.compile(r"h([1-6])")
DOCTYPE = re.compile(r"\s*<!doctype html>", re.IGNORECASE)
HEADER_CELL = re.compile(r"<th\b[^>]*>")
SCOPED = re.compile(r'\sscope="(col|row)"')
CAPTION = re.compile(r"<caption\b")
ROW = re.compile(r"<tr\b.*?</tr>", re.DOTALL)


def table_problems(markup: str) -> list[str]:
    """Data tables (RGAA 5.4, 5.6, 5.7): each has a caption, each header cell its scope. Read
    from the markup, not parsed: a daily series' table holds thousands of cells."""
    problems = []
    for number, table in enumerate(TABLE.findall(markup), 1):
        if not CAPTION.search(table):
            problems.append(f"tableau {number} sans titre (caption) (5.4)")
        if not all(SCOPED.search(cell) for cell in HEADER_CELL.findall(table)):
            problems.append(f"tableau {number} : en-tête sans scope (5.6, 5.7)")
        # Simple tables only (RGAA 5.1: a complex one would need a summary): one row of column
        # headers, then one row header per row.
        head, _, body = table.partition("</thead>")
        rows = ROW.findall(body)
        if len(ROW.findall(head)) != 1 or any(len(HEADER_CELL.findall(row)) != 1 for row in rows):
            problems.append(f"tableau {number} complexe, sans résumé prévu (5.1)")
    return problems


# RGAA 10.1 (glossary, « Présentation de l'information »): elements and attributes that present
# instead of CSS; width and height only on img, object, embed, canvas and svg (and the drawing
# inside an svg, whose geometry they are).
PRESENTATIONAL_TAGS = {"basefont", "blink", "center", "font", "marquee", "s", "strike", "tt", "big"}
PRESENTATIONAL_ATTRIBUTES = {
    *("align", "alink", "background", "bgcolor", "border", "cellpadding", "cellspacing", "char"),
    *("charoff", "clear", "compact", "color", "frameborder", "hspace", "link", "marginheight"),
    *("marginwidth", "text", "valign", "vlink", "vspace", "size"),
}
SIZED = {"img", "object", "embed", "canvas", "svg"}


def presentation_problems(element: Element, in_svg: bool = False) -> list[str]:
    """Presentational elements and attributes in an HTML tree (RGAA 10.1)."""
    problems = []
    for child in element.children:
        if not isinstance(child, Element):
            continue
        drawing = in_svg or child.tag == "svg"
        if not drawing:
            if child.tag in PRESENTATIONAL_TAGS:
                problems.append(f"élément de présentation {child.tag} (10.1)")
            sized = {"width", "height"} if child.tag not in SIZED else set()
            for name in sorted(set(child.attrs) & (PRESENTATIONAL_ATTRIBUTES | sized)):
                problems.append(f"attribut de présentation {name} sur {child.tag} (10.1)")
        problems += presentation_problems(child, drawing and child.tag != "foreignobject")
    return problems


# A header or footer inside these is theirs, not the page's (9.2).
SECTIONING = {"main", "article", "aside", "nav", "section"}
LANDMARK_ROLES = {"banner", "navigation", "main", "contentinfo"}


def _nested_landmarks(element: Element, inside: str = "") -> list[tuple[Element, str]]:
    """Each header and footer inside a sectioning element, with the nearest one's tag."""
    found = []
    for child in element.children:
        if isinstance(child, Element):
            if child.tag in ("header", "footer") and inside:
                found.append((child, inside))
            found += _nested_landmarks(child, child.tag if child.tag in SECTIONING else inside)
    return found


def landmark_problems(markup: str, document: Element | None = None) -> list[str]:
    """A site page (not an embed), RGAA 9.2, 12.6 and 12.7: one header and footer, the page's
    (one main region, not hidden: ``page_problems``), made of HTML elements rather than roles;
    a navigation (several, each named: the main one, the breadcrumb), each made of links; the
    first heading is the h1 (9.1); the first link skips to the main region."""
    document = copy_document(markup) if document is None else document
    problems = [
        f"{count} éléments {tag} au lieu d'un (12.6)"
        for tag in ("header", "footer")
        if (count := len(document.find_all(lambda e, tag=tag: e.tag == tag))) != 1
    ]
    navigations = document.find_all(lambda e: e.tag == "nav")
    if not navigations:
        problems.append("aucune navigation (12.6)")
    elif len(navigations) > 1 and not all(n.attrs.get("aria-label") for n in navigations):
        problems.append(f"{len(navigations)} navigations, pas toutes nommées (12.6)")
    problems += [
        f"navigation {nav.attrs.get('aria-label', '')} sans lien (9.2)".replace("  ", " ")
        for nav in navigations
        if nav.find(lambda e: e.tag == "a" and "href" in e.attrs) is None
    ]
    problems += [
        f"{inner.tag} dans un élément {outer} : pas celui de la page (9.2)"
        for inner, outer in _nested_landmarks(document)
    ]
    problems += [
        f"rôle {e.attrs['role']} sur {e.tag} : la structure passe par les éléments HTML (9.2)"
        for e in document.find_all(lambda e: e.attrs.get("role") in LANDMARK_ROLES)
    ]
    headings = document.find_all(lambda e: HEADING.fullmatch(e.tag) is not None)
    if headings and headings[0].tag != "h1":
        problems.append(
            f"premier titre {headings[0].tag} « {headings[0].text()} », avant le h1 (9.1)"
        )
    first = document.find(lambda e: e.tag == "a" and "href" in e.attrs)
    target = first.attrs["href"].lstrip("#") if first is not None else ""
    main = document.find(lambda e: e.tag == "main")
    if main is not None and "hidden" in main.attrs:
        problems.append("contenu principal masqué (9.2)")
    if first is None or first.text() != "Aller au contenu" or main is None:
        problems.append("pas de lien « Aller au contenu » en premier (12.7)")
    elif main.attrs.get("id") != target:
        problems.append(f"« Aller au contenu » mène à #{target}, pas au contenu principal (12.7)")
    return problems


FIELDS = ("input", "select", "textarea")


def _name(element: Element) -> str:
    """An element's accessible name as far as static HTML tells: aria-label, else its text and
    the alternatives of its images."""
    if element.attrs.get("aria-label"):
        return element.attrs["aria-label"].strip()
    alternatives = [e.attrs.get("alt", "") for e in element.iter() if e.tag == "img"]
    return " ".join([element.text(), *alternatives]).strip()


SAME_WINDOW = {"_self", "_parent", "_top"}
# Link names that say nothing of where they lead (6.1): the site uses none, even where the
# context would tell.
GENERIC = {
    *("ici", "cliquez ici", "en savoir plus", "lire la suite", "suite", "plus", "voir"),
    *("voir plus", "lien", "cette page", "télécharger", "détails", "accéder", "consulter"),
}


def _words(text: str) -> str:
    """``text`` as words alone, lower case: a name contains the visible text of its link
    when their words agree (6.1.5 ignores case and punctuation)."""
    return " ".join(re.findall(r"\w+", text.lower()))


def structure_problems(markup: str, document: Element | None = None) -> list[str]:
    """What a machine can decide of a page against the RGAA: its language (8.3), a title that
    names the page by its h1 (8.5, 8.6), headings that never skip a level (9.1), every field
    labelled (11.1), every link named and, under one heading, one destination per name (6.1,
    6.2: the same words must not lead to two places in the same context), no page that
    refreshes or redirects itself (13.1), no link that opens a new window (13.2); no link
    named by words that say nothing of where it leads, and none whose name leaves out its
    visible text (6.1)."""
    document = copy_document(markup) if document is None else document
    problems = [] if DOCTYPE.match(markup) else ["type de document absent (8.1)"]
    problems += table_problems(the_copy(markup))
    root = document.find(lambda e: e.tag == "html")
    if root is None or root.attrs.get("lang") != "fr":
        problems.append("langue de la page absente (8.3)")
    title = document.find(lambda e: e.tag == "title")
    heading = document.find(lambda e: e.tag == "h1")
    if title is None or not title.text():
        problems.append("titre de page absent (8.5)")
    else:
        if heading is not None and heading.text() not in title.text():
            problems.append(f"titre « {title.text()} » sans le h1 « {heading.text()} » (8.6)")
        if not title.text().endswith(SITE_NAME):
            problems.append(f"titre « {title.text()} » sans le nom du site (8.6)")
    problems += [
        f"cadre {frame.attrs.get('id', '')} sans titre (2.1)"
        for frame in document.find_all(lambda e: e.tag == "iframe")
        if not frame.attrs.get("title", "").strip()
    ]
    # The site has no search engine (RGAA 12.5 non applicable): one added must be audited.
    if document.find(lambda e: e.attrs.get("role") == "search" or e.attrs.get("type") == "search"):
        problems.append("un moteur de recherche : le critère 12.5 est à auditer")
    problems += presentation_problems(document)
    # No page reloads or redirects itself after a delay: the reader controls time (13.1).
    if document.find(
        lambda e: e.tag == "meta" and e.attrs.get("http-equiv", "").lower() == "refresh"
    ):
        problems.append("rafraîchissement ou redirection automatique (meta refresh) (13.1)")
    labelled = {e.attrs["for"] for e in document.iter() if e.tag == "label" and "for" in e.attrs}
    level, context, destinations = 0, "", {}
    for element in document.iter():
        match = HEADING.fullmatch(element.tag)
        if match:
            if int(match.group(1)) > level + 1 and level:
                problems.append(f"titre {element.tag} « {element.text()} » après un h{level} (9.1)")
            level, context = int(match.group(1)), element.text()
        elif element.tag in FIELDS and element.attrs.get("type") != "hidden":
            named = element.attrs.get("id") in labelled or any(
                element.attrs.get(a) for a in ("aria-label", "aria-labelledby", "title")
            )
            if not named:
                problems.append(f"champ {element.tag} {element.attrs} sans étiquette (11.1)")
        elif element.tag == "a" and "href" in element.attrs:
            # No link opens a new window (13.2 non applicable): one that does must be audited.
            if element.attrs.get("target", "_self") not in SAME_WINDOW:
                problems.append(f"lien vers {element.attrs['href']} ouvrant une fenêtre (13.2)")
            name = _name(element)
            if not name:
                problems.append(f"lien vers {element.attrs['href']} sans intitulé (6.2)")
                continue
            if _words(name) in GENERIC:
                problems.append(f"lien « {name} » qui ne dit pas où il mène (6.1)")
            if _words(element.text()) not in _words(name):
                problems.append(f"lien « {element.text()} » nommé « {name} » (6.1)")
            other = destinations.setdefault((context, name), element.attrs["href"])
            if other != element.attrs["href"]:
                problems.append(
                    f"lien « {name} » vers {other} et {element.attrs['href']} "
                    f"sous « {context} » (6.1)"
                )
    return problems


def embed_problems(markup: str, document: Element | None = None) -> list[str]:
    """What is wrong with an embed: exactly one drawn chart."""
    found = drawings_in(copy_document(markup) if document is None else document)
    if len(found) != 1:
        return [f"{len(found)} dessins au lieu d'un"]
    problem = drawing_problem(found[0])
    return [problem] if problem else []


def route_problems(body: dict, charts: bool = True) -> list[str]:
    """What is wrong with the routing callback's page: one h1; each chart section holds one
    chart (a ``dcc.Graph``, or the map's drawing carried in ``data-svg``), and a page of
    ``charts`` has some."""
    tree = [value for output in body.get("response", {}).values() for value in output.values()]
    sections = [
        s for s in components(tree, "Section") if "chart-block" in s["props"].get("className", "")
    ]
    headings = len(components(tree, "H1"))
    problems = [] if headings == 1 else [f"{headings} titres h1 dans la page de Dash au lieu d'un"]
    if not sections:
        return [*problems, "aucune section de graphique"] if charts else problems
    for section in sections:
        # A chart is a dcc.Graph (its box also carries the drawing in data-svg, for the
        # keyboard); the map is a drawing carried in data-svg alone.
        graphs = components(section, "Graph")
        maps = [d for d in components(section, "Div") if d["props"].get("data-svg")]
        found = len(graphs) or len(maps)
        if found != 1:
            problems.append(
                f"section {section['props'].get('aria-labelledby')} : {found} graphiques"
            )
    return problems


# -- RGAA 5.5, 8.2, 8.7 to 8.10, 9.1 to 9.4: what the markup says of itself ----------------------

# WAI-ARIA 1.2's states and properties, and its roles that a page may use (not the abstract
# ones), with the graphics roles of SVG: a name outside these is a typing error (8.2).
ARIA_ATTRIBUTES = {
    f"aria-{name}"
    for name in (
        *("activedescendant", "atomic", "autocomplete", "braillelabel", "brailleroledescription"),
        *("busy", "checked", "colcount", "colindex", "colindextext", "colspan", "controls"),
        *("current", "describedby", "description", "details", "disabled", "dropeffect"),
        *("errormessage", "expanded", "flowto", "grabbed", "haspopup", "hidden", "invalid"),
        *("keyshortcuts", "label", "labelledby", "level", "live", "modal", "multiline"),
        *("multiselectable", "orientation", "owns", "placeholder", "posinset", "pressed"),
        *("readonly", "relevant", "required", "roledescription", "rowcount", "rowindex"),
        *("rowindextext", "rowspan", "selected", "setsize", "sort", "valuemax", "valuemin"),
        *("valuenow", "valuetext"),
    )
}
ROLES = {
    *("alert", "alertdialog", "application", "article", "banner", "blockquote", "button"),
    *("caption", "cell", "checkbox", "code", "columnheader", "combobox", "complementary"),
    *("contentinfo", "definition", "deletion", "dialog", "document", "emphasis", "feed"),
    *("figure", "form", "generic", "grid", "gridcell", "group", "heading", "img", "insertion"),
    *("link", "list", "listbox", "listitem", "log", "main", "mark", "marquee", "math", "menu"),
    *("menubar", "menuitem", "menuitemcheckbox", "menuitemradio", "meter", "navigation"),
    *("none", "note", "option", "paragraph", "presentation", "progressbar", "radio"),
    *("radiogroup", "region", "row", "rowgroup", "rowheader", "scrollbar", "search"),
    *("searchbox", "separator", "slider", "spinbutton", "status", "strong", "subscript"),
    *("superscript", "switch", "tab", "table", "tablist", "tabpanel", "term", "textbox"),
    *("time", "timer", "toolbar", "tooltip", "tree", "treegrid", "treeitem"),
    *("graphics-document", "graphics-object", "graphics-symbol"),
}
TRUE_FALSE = {"true", "false"}
ARIA_VALUES = {
    "aria-hidden": TRUE_FALSE | {"undefined"},
    "aria-expanded": TRUE_FALSE | {"undefined"},
    "aria-busy": TRUE_FALSE,
    "aria-atomic": TRUE_FALSE,
    "aria-modal": TRUE_FALSE,
    "aria-disabled": TRUE_FALSE,
    "aria-checked": TRUE_FALSE | {"mixed", "undefined"},
    "aria-pressed": TRUE_FALSE | {"mixed", "undefined"},
    "aria-selected": TRUE_FALSE | {"undefined"},
    "aria-live": {"off", "polite", "assertive"},
    "aria-current": TRUE_FALSE | {"page", "step", "location", "date", "time"},
    "aria-orientation": {"horizontal", "vertical", "undefined"},
}
# Attributes that name other elements by their ids.
REFERENCES = (
    *("aria-labelledby", "aria-describedby", "aria-controls", "aria-owns", "aria-details"),
    *("aria-errormessage", "aria-activedescendant", "aria-flowto", "for", "headers"),
)


def _outside_templates(element: Element) -> Iterator[Element]:
    """``element`` and those below it, but the content of a ``template``, which is no part of
    the document (Dash's scripts wait in one until the reader moves, and run as copies)."""
    yield element
    if element.tag != "template":
        for child in element.children:
            if isinstance(child, Element):
                yield from _outside_templates(child)


def markup_problems(document: Element) -> list[str]:
    """Code that is not valid as a machine can tell it without a validator (8.2): an id given
    twice, an id referred to that no element has, an ARIA attribute or role that does not
    exist or a value it does not take. The Nu Html Checker reads the sample pages in full
    (tests/test_rgaa_structure.py)."""
    problems = []
    seen: set[str] = set()
    elements = list(_outside_templates(document))
    for element in elements:
        identifier = element.attrs.get("id")
        if identifier is None:
            continue
        if identifier in seen:
            problems.append(f"identifiant « {identifier} » en double (8.2)")
        seen.add(identifier)
    for element in elements:
        for name, value in element.attrs.items():
            if name.startswith("aria-") and name not in ARIA_ATTRIBUTES:
                problems.append(f"attribut ARIA inconnu {name} sur {element.tag} (8.2)")
            elif value not in ARIA_VALUES.get(name, {value}):
                problems.append(f"{name}=« {value} » sur {element.tag} : valeur invalide (8.2)")
            if name in REFERENCES:
                problems += [
                    f"{name} sur {element.tag} renvoie à « {target} », absent de la page (8.2)"
                    for target in value.split()
                    if target not in seen
                ]
        role = element.attrs.get("role")
        if role is not None and role not in ROLES:
            problems.append(f"rôle ARIA inconnu « {role} » sur {element.tag} (8.2)")
    return problems


# The languages the site's content may be in (8.7): French, and English for the few words it
# quotes. A code outside them is not necessarily wrong, but must be audited (8.8).
LANGUAGES = {"fr", "en"}
# English words the site uses, that a French voice reads wrong unless they are marked (8.7).
ENGLISH = ("Open Licence", "Frictionless Data Package", "Last-Modified", "Retry-After")
# Right-to-left scripts (Hebrew, Arabic, Syriac, Thaana, N'Ko…): text in them changes the
# direction of reading (8.10).
RIGHT_TO_LEFT = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")
NOT_TEXT = {"script", "style", "svg", "template"}


def _texts(element: Element, language: str, found: list[tuple[str, str, Element]]) -> None:
    """Each text of ``element`` with the language it is in and the element holding it."""
    if element.tag in NOT_TEXT:
        return
    language = element.attrs.get("lang", language)
    for child in element.children:
        if isinstance(child, Element):
            _texts(child, language, found)
        elif child.strip():
            found.append((child, language, element))


def language_problems(document: Element) -> list[str]:
    """Changes of language and direction (8.7, 8.8, 8.10): each code is one the site's
    content is in; each English word the site uses is inside an element marked English; no
    text changes the direction of reading, and no ``dir`` attribute (8.10 non applicable)."""
    problems = []
    for element in document.iter():
        code = element.attrs.get("lang")
        if code is not None and code not in LANGUAGES:
            problems.append(f"code de langue « {code} » sur {element.tag} (8.8)")
        if "dir" in element.attrs:
            problems.append(f"sens de lecture dir={element.attrs['dir']} : à auditer (8.10)")
    texts: list[tuple[str, str, Element]] = []
    _texts(document, "fr", texts)
    for text, language, _ in texts:
        problems += [
            f'« {words} » sans lang="en" (8.7)'
            for words in ENGLISH
            if words in text and language != "en"
        ]
        if RIGHT_TO_LEFT.search(text):
            problems.append(f"texte écrit de droite à gauche « {text.strip()[:40]} » (8.10)")
    return problems


LIST_ITEM_PARENTS = {"ul", "ol", "menu"}
# What a list may hold besides its items (scripts and templates are allowed by HTML).
LIST_EXTRAS = {"script", "template"}
DESCRIPTION_CHILDREN = {"dt", "dd", "div", "script", "template"}
# A text that starts with one of these is an item of a list drawn by hand (9.3).
BULLET = re.compile(r"\s*(?:[•◦▪▫‣∙·●○■□➢►–—*-]\s|\d+[.)]\s)")
BLOCKS = {"p", "div", "span", "td", "dd"}
# Links side by side are a list (a menu, a row of downloads: 9.3), unless they are in a
# sentence or already in a list's item (or a drawing's shapes, the map's départements).
LINK_RUN = 3
PROSE = {"p", "li", "dd", "dt", "td", "th", "span", "svg", "g", "figcaption", "caption"}


def _children(element: Element) -> list[Element]:
    return [child for child in element.children if isinstance(child, Element)]


def _significant(node: Element | str) -> bool:
    return isinstance(node, Element) or bool(node.strip())


def semantics_problems(document: Element) -> list[str]:
    """Elements used for what they mean (8.9, 9.1, 9.3, 9.4): no empty paragraph (but a live
    region, filled by what it announces) or heading,
    no run of ``br`` for spacing; lists made of list elements and no list drawn by hand with
    bullets; no quotation, so that 9.4 stays non applicable (one added must be audited)."""
    problems = []
    for element in document.iter():
        tag = element.tag
        children = _children(element)
        if tag == "p" and not element.text() and all(c.tag == "br" for c in children):
            # A live region is empty until it has something to announce.
            if not ({"aria-live", "role"} & set(element.attrs)):
                problems.append("paragraphe vide (8.9)")
        elif HEADING.fullmatch(tag) and not element.text() and not _name(element):
            problems.append(f"titre {tag} vide (8.9, 9.1)")
        elif tag in ("ul", "ol"):
            problems += [
                f"{child.tag} directement dans une liste {tag} (9.3)"
                for child in children
                if child.tag != "li" and child.tag not in LIST_EXTRAS
            ]
        elif tag == "dl":
            problems += [
                f"{child.tag} directement dans une liste de description (9.3)"
                for child in children
                if child.tag not in DESCRIPTION_CHILDREN
            ]
        elif tag in ("q", "blockquote"):
            problems.append(f"citation ({tag}) : le critère 9.4 est à auditer")
        if tag in BLOCKS and element.children:
            first = next((c for c in element.children if _significant(c)), "")
            if isinstance(first, str) and BULLET.match(first):
                problems.append(f"liste dessinée à la main « {first.strip()[:30]} » (9.3)")
        significant = [c for c in element.children if _significant(c)]
        problems += [
            "suite de <br> pour espacer (8.9)"
            for before, after in itertools.pairwise(significant)
            if isinstance(before, Element)
            and isinstance(after, Element)
            and before.tag == after.tag == "br"
        ]
        links = [child for child in children if child.tag == "a"]
        if len(links) >= LINK_RUN and tag not in PROSE:
            problems.append(f"{len(links)} liens à la suite dans un {tag}, hors d'une liste (9.3)")
        problems += [
            f"{child.tag} hors d'une liste (9.3)"
            for child in children
            if child.tag == "li"
            and tag not in LIST_ITEM_PARENTS
            or child.tag in ("dt", "dd")
            and tag not in ("dl", "div")
        ]
    return problems


def caption_problems(document: Element) -> list[str]:
    """Table titles that identify their table (5.5): each caption says something, no two
    tables of a page share one, and the table of a chart is titled with what the chart shows
    (its section's heading or the page's title, the indicator's name)."""
    problems = []
    heading = document.find(lambda e: e.tag == "h1")
    title = heading.text() if heading else ""
    captions: dict[str, int] = {}
    for table in document.find_all(lambda e: e.tag == "table"):
        caption = table.find(lambda e: e.tag == "caption")
        text = caption.text() if caption else ""
        if caption is not None and len(text.split()) < 2:
            problems.append(f"titre de tableau « {text} » trop vague (5.5)")
        captions[text] = captions.get(text, 0) + 1
    problems += [
        f"{count} tableaux titrés « {text} » (5.5)"
        for text, count in captions.items()
        if count > 1 and text
    ]
    for section in document.find_all(lambda e: e.tag == "section" and "chart-block" in e.classes):
        named = section.find(lambda e: e.tag in ("h2", "h3"))
        names = [n.lower() for n in (named.text() if named else "", title) if n]
        for caption in section.find_all(lambda e: e.tag == "caption"):
            if not any(name in caption.text().lower() for name in names):
                problems.append(
                    f"le tableau « {caption.text()} » ne nomme pas le graphique "
                    f"« {names[0] if names else '?'} » (5.5)"
                )
    return problems


def document_problems(markup: str, document: Element | None = None) -> list[str]:
    """Every check of this section, on a page or an embed."""
    document = copy_document(markup) if document is None else document
    return [
        *markup_problems(document),
        *language_problems(document),
        *semantics_problems(document),
        *caption_problems(document),
    ]


# -- the worker ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Job:
    """One request of the walk: ``kind`` is "page" (GET, the copy), "route" (the routing
    callback for that URL) or "embed" (GET); a page without ``charts`` has none to check."""

    kind: str
    url: str
    charts: bool = True


@dataclass
class Outcome:
    """What a request gave: status, problems with the page, ERROR lines logged, warnings."""

    job: Job
    status: int = 0
    problems: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    cpu: float = 0.0  # seconds of this worker's CPU, to tell the walk's cost on a busy machine
    kinds: list[str] = field(default_factory=list)  # the kinds of drawing met (image_checks)

    @property
    def failed(self) -> bool:
        """Whether anything went wrong."""
        return self.status != 200 or bool(self.problems or self.errors or self.warnings)


class _Keep(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


_state: dict = {}


def start(settings) -> None:
    """Build this worker's app over ``settings`` and listen to every ERROR record."""
    from barometre.web.app import create_app

    app = create_app(settings)
    client = app.server.test_client()
    urls = Urls(settings.url_prefix)
    keep = _Keep()
    logging.getLogger().addHandler(keep)
    dependencies = client.get(urls.path("/_dash-dependencies")).get_json()
    _state.update(client=client, urls=urls, keep=keep, dependencies=dependencies)


def visit(job: Job) -> Outcome:
    """Request ``job`` from this worker's app and return what went wrong."""
    client, keep = _state["client"], _state["keep"]
    keep.records.clear()
    outcome = Outcome(job)
    began = time.process_time()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            if job.kind == "route":
                parts = urlsplit(job.url)
                payload = route_payload_for(
                    _state["dependencies"], parts.path, f"?{parts.query}" if parts.query else ""
                )
                response = client.post(_state["urls"].path(UPDATE), json=payload)
            else:
                response = client.get(job.url)
            outcome.status = response.status_code
            if outcome.status == 200:
                if job.kind == "route":
                    outcome.problems = route_problems(response.get_json(), job.charts)
                else:
                    markup = response.get_data(as_text=True)
                    document = copy_document(markup)
                    if job.kind == "embed":
                        outcome.problems = embed_problems(markup, document)
                    else:
                        outcome.problems = page_problems(markup, document, job.charts)
                        outcome.problems += landmark_problems(markup, document)
                    outcome.problems += structure_problems(markup, document)
                    outcome.problems += document_problems(markup, document)
                    outcome.problems += form_problems(document)
                    outcome.problems += page_image_problems(markup, document)
                    outcome.kinds = kinds_in(the_copy(markup))
        except Exception as error:  # noqa: BLE001 - reported with the URL, as any failure
            outcome.problems.append("exception : " + _last_line(traceback.format_exception(error)))
    outcome.errors = [error_line(record) for record in keep.records]
    outcome.warnings = [f"{w.category.__name__}: {w.message}" for w in caught]
    outcome.cpu = time.process_time() - began
    return outcome


# -- the report ----------------------------------------------------------------------------------

FRAME = re.compile(r'File "[^"]*/(barometre/[^"]+)", line (\d+), in (\S+)')


def _last_line(lines) -> str:
    text = "".join(lines).strip().splitlines()
    return text[-1] if text else ""


def error_line(record: logging.LogRecord) -> str:
    """The first line that says what an ERROR record is: the exception and where the
    site's code raised it, for the JSON lines of errors.py; the message otherwise."""
    message = record.getMessage()
    trace = ""
    try:
        event = json.loads(message) if message.startswith("{") else {}
    except ValueError:
        event = {}
    if isinstance(event, dict) and event.get("trace"):
        trace = event["trace"]
    elif record.exc_info:
        trace = "".join(traceback.format_exception(*record.exc_info))
    if not trace:
        return f"{record.name}: {message.splitlines()[0] if message else ''}"
    frames = FRAME.findall(trace)
    where = f" ({frames[-1][0]}:{frames[-1][1]} in {frames[-1][2]})" if frames else ""
    return _last_line([trace]) + where


def failure_class(outcome: Outcome) -> str:
    """A failure's class: its status and its first error line (or first problem)."""
    first = (outcome.errors or outcome.problems or outcome.warnings or [""])[0]
    return f"{outcome.status} {first}".strip()


def report(group: str, outcomes: list[Outcome]) -> str:
    """Every failing URL of a group, by failure class, with its first ERROR line."""
    failed = [o for o in outcomes if o.failed]
    by_class: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in failed:
        by_class[failure_class(outcome)].append(outcome)
    lines = [f"{group} : {len(failed)} URL en échec sur {len(outcomes)}"]
    for name, members in sorted(by_class.items(), key=lambda item: -len(item[1])):
        lines.append(f"- {len(members)} × {name}")
    lines.append("")
    for outcome in failed:
        details = outcome.errors[:1] + outcome.problems + outcome.warnings[:1]
        lines.append(f"{outcome.status} {outcome.job.url} — {' | '.join(details)}")
    return "\n".join(lines)
