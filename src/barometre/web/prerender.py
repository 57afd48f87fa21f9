"""The page as static HTML, sent with the index so that it shows before the JavaScript runs.

The first meaningful content (title, key figures, text summaries) must not wait for the whole
Dash application. ``interpolate_index`` (app.py) puts this copy of the page before
``#react-entry-point``; Dash renders its own tree unseen on top of it (barometre.css) and
``assets/prerendered.js`` removes the copy once Dash has filled the page, in one frame, so nothing
moves. React cannot take it over in place: its first render empties ``#react-entry-point`` and
shows « Loading... » until the layout and the page's callback have answered.

The copy's ids carry a prefix: until it is removed, both trees are in the document, and scripts
(theme.js, Dash's clientside callbacks) must find Dash's elements, not the copy's.

Dash itself (React, its bundles, plotly.js: most of a phone's script time, and all the time the
page would be blocked, docs/performance.md) starts only when the reader means to change something
(focus or press on a control, a mouse press on a chart): ``scripts_on_demand`` puts its scripts
in an inert ``<template>`` that ``prerendered.js`` runs then. Until that moment the copy is the
page, charts included (drawn as SVG by ``drawings``), with their tooltips (``explore.js``).
"""

from __future__ import annotations

import re

from dash.development.base_component import Component
from markupsafe import escape

from barometre.data.services import Services
from barometre.web import ids
from barometre.web.layouts.common import DRAWING, Page, shell
from barometre.web.layouts.controls import NAMESPACE

ROOT_ID = "prerendu"
ID_PREFIX = "prerendu-"
VOID = {"area", "br", "col", "hr", "img", "input", "wbr"}
# React prop → HTML attribute, for the props the site's components use; any other prop
# (n_clicks, style, figure, …) has no place in static HTML. data-* and aria-* pass as they are.
ATTRIBUTES = {
    "className": "class",
    "htmlFor": "for",
    "tabIndex": "tabindex",
    "readOnly": "readonly",
    "colSpan": "colspan",
    "rowSpan": "rowspan",
    **{
        name: name
        for name in (
            *("role", "title", "href", "type", "scope", "lang", "dir", "hidden", "open"),
            *("value", "label", "min", "max", "step", "rows", "disabled", "alt", "height"),
            *("width", "rel", "target", "download", "selected"),
        )
    },
}
# Attributes naming other elements by id: they follow the prefix.
REFERENCES = {"for", "aria-labelledby", "aria-describedby", "aria-controls"}
# Dash components drawn by JavaScript only: nothing to show before it runs. A graph's box
# carries the server's drawing instead (layouts/common.DRAWING): the copy has it drawn.
SCRIPT_ONLY = {"Store", "Location", "Download", "Interval", "Graph"}
# On reload, browsers put back the values fields had: the copy's would then contradict the page
# it shows (and prerendered.js would carry them over to Dash).
NOT_RESTORED = ' autocomplete="off"'
FIELDS = {"input", "select", "textarea"}
# The id of the <template> holding Dash's scripts, and the assets that run at load without Dash.
ON_DEMAND_ID = "dash-a-la-demande"
AT_LOAD = (
    "/assets/addresses.js",
    "/assets/theme.js",
    "/assets/explore.js",
    "/assets/prerendered.js",
)
# Of those, the one that must run before the first paint: the theme (a dark reader would see the
# page flash light). The others wait for the end of parsing (``defer``), so that the browser need
# not fetch them before it paints the page.
BEFORE_PAINT = ("/assets/theme.js",)
SCRIPT_TAG = re.compile(r"<script\b.*?</script>", re.DOTALL)


def page_html(services: Services, page: Page) -> str:
    """Return the whole page (header, ``page``'s content, footer) as static HTML."""
    tree = shell(services)
    _find(tree, ids.PAGE).children = page.content
    # For prerendered.js (and theme.js): Dash's page region, which it watches; the prefix of the
    # copy's ids; the template of Dash's scripts.
    data = f'data-page="{ids.PAGE}" data-prefix="{ID_PREFIX}" data-scripts="{ON_DEMAND_ID}"'
    return f'<div id="{ROOT_ID}" class="prerendered" {data}>{to_html(tree)}</div>'


# ``?partie=dessins`` on a page's address: its drawings alone (``drawings_html``).
PART = "partie"
DRAWINGS_PART = "dessins"


def drawings_html(page: Page) -> str:
    """Return the drawings of ``page``'s charts alone, each in an element that names its chart as
    the page does (the ``aria-labelledby`` of its section, with the copy's prefix).

    A display choice made before Dash (the copy's checkboxes, explore.js) fetches this instead of
    the whole page: the same drawings, a fraction of the markup to parse on the reader's phone.
    """
    out = [f'<div data-prefix="{ID_PREFIX}">']
    _drawings(page.content, "", out)
    out.append("</div>")
    return "".join(out)


def _drawings(node, label: str, out: list[str]) -> None:
    if isinstance(node, list | tuple):
        for child in node:
            _drawings(child, label, out)
        return
    if not isinstance(node, Component):
        return
    props = vars(node)
    label = props.get("aria-labelledby") or label
    drawing = props.get(DRAWING)
    if drawing:
        out.append(
            f'<section aria-labelledby="{escape(ID_PREFIX + label)}"><div>{prefixed(drawing)}'
        )
        out.append("</div></section>")
    _drawings(getattr(node, "children", None), label, out)


# An element of a drawing named by the page's heading (the map's aria-labelledby).
DRAWING_REFERENCE = re.compile(r'\saria-labelledby="([^"]*)"')


def prefixed_ids(value: str) -> str:
    """Return an id, or a list of ids (``aria-labelledby``), as the copy names them."""
    return " ".join(ID_PREFIX + part for part in value.split())


def prefixed(drawing: str) -> str:
    """Return a drawing whose references to the page's ids carry the copy's prefix, as the
    copy's own attributes do (``_attributes``): the map's group keeps its heading as name."""
    return DRAWING_REFERENCE.sub(
        lambda found: ' aria-labelledby="' + prefixed_ids(found.group(1)) + '"',
        drawing,
    )


def scripts_on_demand(scripts: str, renderer: str) -> str:
    """Return Dash's script tags with all but ``AT_LOAD`` in an inert template, renderer last;
    those of ``AT_LOAD`` but ``BEFORE_PAINT`` deferred."""
    now, later = [], []
    for tag in SCRIPT_TAG.findall(scripts):
        if not any(f"{asset}?" in tag for asset in AT_LOAD):
            later.append(tag)
        elif any(f"{asset}?" in tag for asset in BEFORE_PAINT):
            now.append(tag)
        else:
            now.append(tag.replace("<script ", "<script defer ", 1))
    # The template first: prerendered.js reads it as it runs.
    return f'<template id="{ON_DEMAND_ID}">{"".join(later)}{renderer}</template>\n' + "\n".join(now)


def to_html(node) -> str:
    """Return the HTML of a component tree (``dash.html``, ``dcc`` and text), escaped."""
    out: list[str] = []
    _write(node, out)
    return "".join(out)


def _write(node, out: list[str]) -> None:
    # Appends to one list: nested generators would pass every string up through each level.
    if node is None or isinstance(node, bool):
        return
    if isinstance(node, str | int | float):
        out.append(escape(str(node)))
        return
    if isinstance(node, list | tuple):
        for child in node:
            _write(child, out)
        return
    kind = node._type
    if kind in SCRIPT_ONLY:
        return
    if kind == "Select" and node._namespace == NAMESPACE:
        out.append(f"<select{_attributes(node, skip='value')}{NOT_RESTORED}>")
        for option in node.options:
            selected = " selected" if option["value"] == node.value else ""
            out.append(f'<option value="{escape(option["value"])}"{selected}>')
            out.append(f"{escape(option['label'])}</option>")
        out.append("</select>")
        return
    if kind == "Table" and node._namespace == NAMESPACE:
        out.append(f'<table class="{escape(node.className)}"><caption>{escape(node.caption)}')
        out.append("</caption><thead><tr>")
        out.extend(f'<th scope="col">{escape(name)}</th>' for name in node.columns)
        out.append("</tr></thead><tbody>")
        for head, *cells in node.rows:
            out.append(f'<tr><th scope="row">{escape(head)}</th>')
            out.extend(f"<td>{escape(cell)}</td>" for cell in cells)
            out.append("</tr>")
        out.append("</tbody></table>")
        return
    tag = "a" if kind == "Link" else kind.lower()
    out.append(f"<{tag}{_attributes(node)}{NOT_RESTORED if tag in FIELDS else ''}>")
    if tag in VOID:
        return
    drawing = vars(node).get(DRAWING)
    if drawing:
        out.append(prefixed(drawing))  # built and escaped by drawings or maps.svg
    _write(getattr(node, "children", None), out)
    out.append(f"</{tag}>")


def _attributes(node: Component, skip: str = "") -> str:
    parts = []
    # The props as set (vars: to_plotly_json copies every prop first), sorted: the same HTML always.
    for name, value in sorted(vars(node).items()):
        wildcard = name == "id" or name.startswith(("data-", "aria-"))
        attribute = name if wildcard else ATTRIBUTES.get(name)
        if attribute is None or name in (skip, DRAWING) or value is None or value is False:
            continue
        if attribute == "id" and not isinstance(value, str):
            # A pattern-matching id ({"type": …, …}) is no HTML id: prerendered.js finds the
            # element's twin by its position instead.
            continue
        if attribute in REFERENCES or attribute == "id":
            value = prefixed_ids(str(value))
        elif attribute == "href" and str(value).startswith("#"):
            value = "#" + ID_PREFIX + str(value)[1:]
        parts.append(f" {attribute}" if value is True else f' {attribute}="{escape(str(value))}"')
    return "".join(parts)


def _find(tree, component_id: str) -> Component:
    """Return the component of ``tree`` whose id is ``component_id``."""
    for component in tree._traverse():
        if getattr(component, "id", None) == component_id:
            return component
    raise LookupError(component_id)
