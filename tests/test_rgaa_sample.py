"""The audit's sample in Chromium: one visit per page and theme, every browser check (issue 24).

Each page of the RGAA sample (docs/audit-rgaa.toml) and its embeds is opened once in the light
theme and once in the dark one, drawn by Dash and plotly.js as a reader gets it, and goes through
every check that needs a browser, in an order where none disturbs the next: what the page shows
(10.2, 10.3, 10.5, 10.6, 10.8, 13.8) with a tooltip shown; in the light theme, the drawn document
(8.2 and the walk's structure checks, 10.1); axe-core; images left unnamed (1.1, 1.2); controls'
roles and names (7.1) and edges (3.3); then, with reduced motion asked for, no motion left (13.8)
and the keyboard walk (10.7, 12.8, 12.13, the focus ring at 3:1); in the light theme, zoom at
200 % (10.4), reflow and text spacing (10.11, 10.12), both orientations (13.9), and last, style
sheets off (10.2, 10.3).

A module fixture makes the visits and keeps what each check finds, per page; each test below
asserts one check over the whole sample. The audit grid names these tests as the evidence for
every page of the sample. Each check is shown finding what it looks for in the modules that
define it (test_rgaa_presentation, test_rgaa_images, test_rgaa_forms, test_accessibility,
test_rgaa_structure).
"""

from __future__ import annotations

import re
import traceback
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from colours import contrast
from conftest import LiveServer, hover_a_point, wait_until
from deferred import open_drawn
from html_tree import parse
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from rgaa_sample import EMBEDS, PAGES
from test_accessibility import axe, reflow_overflow
from test_rgaa_forms import FIELDS, LABEL_BESIDE, control_problems, controls
from test_rgaa_images import control_edge_problems, unnamed_images
from test_rgaa_presentation import (
    LOST,
    PLOTLY_LABEL,
    STYLES_OFF,
    TEXT_SHOWN,
    TIP,
    ZOOM_BUTTONS,
    page_problems,
    press_changes,
    spacing_problems,
)
from test_rgaa_structure import DOCUMENT, dash_problems, nu_errors
from walk import presentation_problems

from barometre.config import Settings
from barometre.data import catalogue as catalogue_module
from barometre.data.store import Store
from barometre.web import ids
from barometre.web.layouts.common import THEME_SELECT_ID

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CATALOGUE = catalogue_module.load()
WITH_DEPARTEMENTS = next(i.id for i in CATALOGUE.indicators if "departement" in i.breakdowns)
# The embed builder of the sample: its indicator page, the dialog opened.
BUILDER = "/indicateurs/brigade-numerique-demandes#constructeur"
# The outage page of the sample: any page while the store cannot be read.
OUTAGE = "/indicateurs#panne"
# The sample's pages, its embed, and an embed of the map's indicator (by département).
VISITED = [
    *PAGES,
    BUILDER,
    OUTAGE,
    *EMBEDS,
    f"/embed/{WITH_DEPARTEMENTS}?ventilation=departement",
]
THEMES = ("light", "dark")

# An element's key: its id, else its link and name.
KEY = (
    "el.id || el.getAttribute('href') + '|'"
    " + (el.getAttribute('aria-label') || el.textContent.trim()).slice(0, 40)"
)
# What Tab reaches, in document order: each visible, enabled focusable element (in a modal
# dialog, when one is open: the page behind is inert). A frame's elements are its document's:
# the embed builder's preview is an embed, walked on its own visit.
FOCUSABLE_ELEMENTS = """[...document.querySelectorAll(
  'a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex="-1"])')]
  .filter(el => !el.disabled && el.checkVisibility({visibilityProperty: true})
    && !el.closest('[aria-hidden="true"]')
    && (!document.querySelector('dialog:modal') || el.closest('dialog:modal')))"""
FOCUSABLE = f"() => {FOCUSABLE_ELEMENTS}.map(el => {KEY})"
COLOUR = re.compile(r"rgba?\([^)]*\)")
# A phone held upright, then on its side (13.9).
ORIENTATIONS = {"portrait": (360, 740), "paysage": (740, 360)}
# What a page shows: which of its headings, paragraphs, charts, tables and links are visible, and
# those cut off at the side (a table scrolls in its own region).
SHOWN = """() => {
    const all = [...document.querySelectorAll('h1, h2, main p, .chart-box, table, nav a')];
    const width = document.documentElement.clientWidth;
    return {
        visible: all.flatMap((e, index) => e.checkVisibility() ? [index] : []),
        cut: all.filter(e => e.checkVisibility() && !e.closest('.table-responsive, .modebar'))
            .filter(e => { const r = e.getBoundingClientRect();
                return r.right > width + 1 || r.left < -1; })
            .map(e => e.tagName + ' ' + e.textContent.slice(0, 30)),
    };
}"""
# WCAG 1.4.12 (RGAA 10.12): the spacing a reader's style sheet may impose.
TEXT_SPACING = """
* { line-height: 1.5 !important; letter-spacing: 0.12em !important;
    word-spacing: 0.16em !important; }
p { margin-bottom: 2em !important; }
"""
# Elements whose text is cut: they clip their overflow and hold more than they show. Visually
# hidden text (1 px boxes for screen readers) is clipped by design.
CLIPPED = """() => [...document.querySelectorAll('body *')].filter(el => {
  const style = getComputedStyle(el);
  const clips = [style.overflowX, style.overflowY].some(v => v === 'hidden' || v === 'clip');
  if (!clips || el.clientWidth <= 1 || !el.textContent.trim()) return false;
  if (!el.checkVisibility({visibilityProperty: true})) return false;
  return el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1;
}).map(el => el.tagName + '.' + el.className + ' ' + el.textContent.trim().slice(0, 40))"""
# Every element's transitions and animations, as computed.
MOTION = """() => [...document.querySelectorAll('*')].filter(el => {
  const style = getComputedStyle(el);
  const moves = d => d.split(',').some(t => parseFloat(t) > 0);
  return moves(style.transitionDuration) || style.animationName !== 'none';
}).map(el => el.tagName + '.' + el.className)"""

# What is behind a node: the first opaque background from it up.
OPAQUE = """const opaque = node => {
      while (node) {
        const colour = getComputedStyle(node).backgroundColor;
        if (colour !== 'transparent' && !/rgba\\(.*, 0\\)$/.test(colour)) return colour;
        node = node.parentElement;
      }
      return 'rgb(255, 255, 255)';
    };"""
# Each focused element, recorded as focus reaches it: its key (KEY), its
# accessible name, whether a ring shows it, and the colours of that ring and of what is behind.
RECORD_FOCUS = (
    """() => {
  window.focusWalk = [];
  const shape = el => {
    const path = el instanceof SVGElement ? el.querySelector('path') : null;
    if (!path) return [];
    const style = getComputedStyle(path);
    return parseFloat(style.strokeWidth) >= 2 ? [style.fill, style.stroke] : [style.fill];
  };
  const record = el => {
    const style = getComputedStyle(el);
    const label = el.labels && el.labels.length ? el.labels[0].textContent : '';
    """
    + OPAQUE
    + """
    const background = opaque(el.parentElement);
    window.focusWalk.push({
      key: """
    + KEY
    + """,
      name: (el.getAttribute('aria-label') || label || el.textContent || el.title || '').trim(),
      outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0,
      ring: style.outlineStyle === 'none' ? null : style.outlineColor,
      shadow: style.boxShadow,
      shape: shape(el),
      background,
      // The focused element's own text, on its own background (3.2 in the focus state).
      text: el instanceof SVGElement || !el.textContent.trim() ? null : style.color,
      textBackground: opaque(el),
    });
  };
  document.addEventListener('focusin', event => record(event.target), true);
  // Where focus already is (a dialog opened by the keyboard puts it on its first field).
  if (document.activeElement && document.activeElement !== document.body) {
    record(document.activeElement);
  }
}"""
)
# The n-th element Tab reaches (FOCUSABLE's order), focused by script: where a walk back with
# Shift+Tab starts.
FOCUS_NTH = f"n => {FOCUSABLE_ELEMENTS}[n].focus()"
ACTIVE_KEY = f"() => {{ const el = document.activeElement; return el ? {KEY} : null; }}"


@dataclass
class Visit:
    """One page of the sample in one theme: what each check found wrong, by check."""

    path: str
    theme: str
    found: dict[str, list[str]] = field(default_factory=dict)
    markup: str = ""
    fields: set[str] = field(default_factory=set)  # the fields whose label was placed
    moving: int = 0  # elements that move while the system does not ask for less motion

    @property
    def site_page(self) -> bool:
        return not self.path.startswith("/embed/")

    @property
    def skip_link_first(self) -> bool:
        """Whether Tab's first stop is « Aller au contenu »: on a site page, no dialog open."""
        return self.site_page and self.path != BUILDER

    def check(self, name: str, run: Callable[[], list[str]]) -> None:
        """Run a check; an exception is a finding of its own, the other checks go on."""
        try:
            self.found[name] = run()
        except Exception as error:  # noqa: BLE001 - reported with the page, as any failure
            line = traceback.format_exception_only(error)[-1].strip()
            self.found[name] = [f"exception : {line[:300]}"]


# One control of each look (tag, classes, its parent's classes) among those Tab reaches, with
# text: its hover state forced through the DevTools protocol (nothing moves, nothing opens),
# all at once, then its text read against what is behind it (3.2 in the hover state).
MARK_HOVERED = f"""() => {{
  const seen = new Set();
  for (const el of {FOCUSABLE_ELEMENTS}) {{
    const parent = el.parentElement ? el.parentElement.className : '';
    const look = `${{el.tagName}}.${{[...el.classList].sort().join('.')}}<${{parent}}`;
    if (el instanceof SVGElement || !el.textContent.trim() || seen.has(look)) continue;
    seen.add(look);
    el.setAttribute('data-survol', '');
  }}
}}"""
READ_HOVERED = (
    """() => [...document.querySelectorAll('[data-survol]')].map(el => {
  """
    + OPAQUE
    + """
  const style = getComputedStyle(el);
  const size = parseFloat(style.fontSize);
  el.removeAttribute('data-survol');
  return {key: """
    + KEY
    + """, text: style.color, background: opaque(el),
    large: size >= 24 || (parseInt(style.fontWeight) >= 700 && size >= 18.66)};
})"""
)


def hover_problems(page) -> list[str]:
    """The text of each kind of control, hovered, stands out at 4.5:1 (3:1 when large)."""
    page.evaluate(MARK_HOVERED)
    session = page.context.new_cdp_session(page)
    try:
        session.send("DOM.enable")
        session.send("CSS.enable")
        root = session.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        nodes = session.send("DOM.querySelectorAll", {"nodeId": root, "selector": "[data-survol]"})
        for node in nodes["nodeIds"]:
            session.send("CSS.forcePseudoState", {"nodeId": node, "forcedPseudoClasses": ["hover"]})
        hovered = page.evaluate(READ_HOVERED)
        for node in nodes["nodeIds"]:
            session.send("CSS.forcePseudoState", {"nodeId": node, "forcedPseudoClasses": []})
    finally:
        session.detach()
    problems = []
    for control in hovered:
        ratio = contrast(control["text"], control["background"])
        if ratio < (3 if control["large"] else 4.5):
            problems.append(f"texte survolé à {ratio:.2f}:1 : {control['key']} (3.2)")
    return problems


def keyboard_problems(page, skip_link_first: bool) -> list[str]:
    """Tab from the top reaches every focusable element once, in the document's order, each
    named and shown by a ring that stands out at 3:1 from what is behind it (RGAA 3.3, 10.7,
    12.8); no trap; Shift+Tab walks back (12.13). The page is emulated with reduced motion, so
    that the ring is read as it ends, not mid-transition."""
    expected = page.evaluate(FOCUSABLE)  # in document order
    page.evaluate(RECORD_FOCUS)
    # Tab until focus comes back to where it started (a date input takes three presses, one
    # per part, for one focus event); bounded: a trap cannot hang the test.
    log = []
    for _ in range(4):
        for _ in range(len(expected) + 2):
            page.keyboard.press("Tab")
        log = page.evaluate("window.focusWalk")
        if [f["key"] for f in log[1:]].count(log[0]["key"] if log else None):
            break
    # A modal dialog taller than the window is itself a stop, as a scroll container: Chromium
    # lets the keyboard scroll it. Not an element of the page's order.
    modal = page.evaluate("() => document.querySelector('dialog:modal')?.id")
    walk = []
    for focused in (f for f in log if f["key"] != modal):
        if walk and focused["key"] == walk[0]["key"]:
            break  # back where it started: every element was reached
        walk.append(focused)
    # Compared from the first element in the document's order (a dialog may start elsewhere).
    keys = [f["key"] for f in walk]
    if expected and expected[0] in keys:
        start = keys.index(expected[0])
        walk = walk[start:] + walk[:start]
        keys = [f["key"] for f in walk]
    problems = []
    if keys != expected:
        missed = [key for key in expected if key not in keys]
        extra = [key for key in keys if key not in expected]
        problems.append(
            f"ordre : {len(keys)} atteints sur {len(expected)} ; non atteints {missed[:5]},"
            f" en trop ou en double {extra[:5]}"
        )
    if skip_link_first and (not walk or walk[0]["name"] != "Aller au contenu"):
        problems.append("le premier arrêt n'est pas « Aller au contenu » (12.7)")
    problems += [f"sans nom accessible : {f['key']}" for f in walk if not f["name"]]
    for focused in walk:
        shadow = COLOUR.search(focused["shadow"]) if focused["shadow"] != "none" else None
        if not (focused["outline"] or shadow or focused["shape"]):
            problems.append(f"focus invisible : {focused['key']}")
            continue
        rings = [focused["ring"]] if focused["ring"] else [shadow.group(0)] if shadow else []
        rings = rings or [colour for colour in focused["shape"] if COLOUR.match(colour)]
        ratio = max((contrast(ring, focused["background"]) for ring in rings), default=0)
        if ratio < 3:
            problems.append(f"anneau de focus à {ratio:.2f}:1 : {focused['key']} (3.3)")
        if focused["text"] and contrast(focused["text"], focused["textBackground"]) < 4.5:
            problems.append(
                f"texte focalisé à {contrast(focused['text'], focused['textBackground']):.2f}:1"
                f" : {focused['key']} (3.2)"
            )
    # Shift+Tab walks back through the first stops in the reverse order, from the sixth.
    first = keys[:6]
    page.evaluate(FOCUS_NTH, len(first) - 1)
    back = []
    for _ in range(3 * len(first)):  # a date input's parts: three presses, one element
        if len(back) == len(first) - 1:
            break
        page.keyboard.press("Shift+Tab")
        key = page.evaluate(ACTIVE_KEY)
        if key != (back[-1] if back else first[-1]):
            back.append(key)
    if back != first[:-1][::-1]:
        problems.append(
            f"Maj+Tab ne revient pas sur ses pas : {back} au lieu de {first[:-1][::-1]}"
        )
    return problems


def motion_problems(page) -> list[str]:
    """With reduced motion asked for, no transition or animation is left (13.8)."""
    return [f"mouvement malgré la préférence du système : {what}" for what in page.evaluate(MOTION)]


def whole_problems(page) -> list[str]:
    """No horizontal scroll, no text cut (a table scrolls in its own region)."""
    overflow = reflow_overflow(page)
    return ([f"défilement horizontal de {overflow} px"] if overflow else []) + [
        f"texte coupé : {cut}" for cut in page.evaluate(CLIPPED)
    ]


def zoom_problems(page) -> list[str]:
    """200 % zoom of a 1 280 × 900 window (the context's scale is 2): 640 × 450 CSS px, text
    whole and twice as large on screen (10.4)."""
    page.set_viewport_size({"width": 640, "height": 450})
    problems = whole_problems(page)
    body_px = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    if body_px * page.evaluate("window.devicePixelRatio") < 2 * 16:
        problems.append(f"texte de {body_px} px CSS : pas deux fois plus grand à l'écran")
    return problems


def spacing_reflow_problems(page) -> list[str]:
    """At 320 CSS px (10.11), then with WCAG 1.4.12's spacing at 320 and 1 280 px (10.12)."""
    page.set_viewport_size({"width": 320, "height": 900})
    problems = [f"320 px : {line}" for line in whole_problems(page)]
    style = page.add_style_tag(content=TEXT_SPACING)
    if page.evaluate("getComputedStyle(document.body).letterSpacing") == "normal":
        problems.append("les espacements imposés ne s'appliquent pas")
    problems += [f"320 px, espacements : {line}" for line in whole_problems(page)]
    page.set_viewport_size({"width": 1280, "height": 900})
    problems += [f"1 280 px, espacements : {line}" for line in whole_problems(page)]
    style.evaluate("node => node.remove()")
    return problems


def orientation_problems(page) -> list[str]:
    """A phone upright, then on its side: nothing scrolls or is cut, the same is shown (13.9)."""
    problems, seen = [], {}
    for name, (width, height) in ORIENTATIONS.items():
        page.set_viewport_size({"width": width, "height": height})
        overflow = reflow_overflow(page)
        shown = page.evaluate(SHOWN)
        if overflow or shown["cut"]:
            problems.append(f"{name} : défilement {overflow} px, coupés {shown['cut'][:3]}")
        seen[name] = shown["visible"]
    if seen["portrait"] != seen["paysage"]:
        problems.append("le téléphone debout et couché ne montrent pas les mêmes éléments")
    if len(seen["portrait"]) < 3:
        problems.append(f"trop peu d'éléments vus ({len(seen['portrait'])})")
    return problems


def styles_off_problems(page) -> list[str]:
    """Each text drawn on the styled page (charts aside) is still drawn once every style sheet
    and style attribute is gone (10.2). Leaves the page unstyled: run it last."""
    page.set_viewport_size({"width": 1280, "height": 900})
    page.evaluate("window.scrollTo(0, 0)")
    # A redraw the resize starts would replace the texts read before it: read them at rest.
    page.wait_for_timeout(300)  # fixed wait: a redraw the resize starts is not busy at once
    page.wait_for_function(
        "() => !document.querySelector('[aria-busy=true], [data-dash-is-loading=true]')"
    )
    shown = page.evaluate_handle(TEXT_SHOWN)
    if page.evaluate("shown => shown.length", shown) <= 5:
        return ["trop peu de textes vus pour juger"]
    page.evaluate(STYLES_OFF)
    page.wait_for_function("document.styleSheets.length === 0")
    return [f"texte perdu sans styles : « {text} »" for text in page.evaluate(LOST, shown)]


def drawn_markup_problems(visit: Visit, page) -> list[str]:
    """The document as Dash and plotly.js leave it: the walk's structure checks (8.x, 9.x) and
    no presentational markup or spacing (10.1). Kept for the Nu Html Checker (8.2)."""
    visit.markup = page.evaluate(DOCUMENT)
    text = page.evaluate("document.body.innerText")
    for code in page.evaluate("[...document.querySelectorAll('pre')].map(p => p.innerText)"):
        text = text.replace(code, "")  # code keeps its own spaces (the API page's examples)
    return (
        dash_problems(visit.markup)
        + presentation_problems(parse(visit.markup))
        + [f"espaces de présentation : « {s} » (10.1)" for s in spacing_problems(text)]
    )


def open_builder(page) -> None:
    """Open the embed builder's dialog with the keyboard, its preview loaded."""
    page.get_by_role("button", name="Intégrer ce graphique").focus()
    page.keyboard.press("Enter")
    page.get_by_role("dialog", name="Intégrer ce graphique").wait_for(state="visible")
    page.wait_for_function(
        "() => document.getElementById('integrer-code').value.includes('<iframe')"
    )


def label_problems(visit: Visit, page) -> list[str]:
    """Each visible label just above or at the left of its field, on a desktop and on a phone
    (11.4); the fields seen are kept, to show every field of the site was."""
    problems = []
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 900})
        for found in page.evaluate(LABEL_BESIDE):
            visit.fields.add(found["field"])
            if not (found["above"] or found["left"]):
                problems.append(f"{width} px : étiquette loin de son champ {found['field']}")
    page.set_viewport_size({"width": 1280, "height": 900})
    return problems


# Of each kind of element a pointer presses, the first ones on the page (13.11).
PRESSED = {
    "lien": "main a[href]:visible",
    "bouton": "main button:visible",
    "résumé": "main summary:visible",
    "lien de l'en-tête": "header a:visible",
}


def press_problems(page) -> list[str]:
    """Pressed, then the pointer released away from it, none of the first three elements of
    each kind changes the address or any state (13.11); the map's links are one kind."""
    problems = []
    for kind, selector in PRESSED.items():
        targets = page.locator(selector)
        for index in range(min(3, targets.count())):
            if press_changes(page, targets.nth(index)):
                problems.append(f"{kind} {index + 1} appuyé puis relâché ailleurs : changement")
    page.mouse.move(0, 0)
    return problems


# With JavaScript off, what each scripted part leaves (7.2): every chart's section keeps its
# server drawing, summary and data table; the map, its links.
# Each chart as a reader meets it (RGAA 4.7, 4.11, 4.12, 4.13, 10.13, 10.14, 12.11, 13.10).
# test_explore and test_rgaa_presentation check each kind of chart in depth on one page; here,
# every chart of every page of the sample: its group of commands names it, the keyboard walks
# its points saying its table's rows and Échap leaves it, « Écouter » plays and stops at Entrée,
# plotly.js's label stays under the pointer and goes with Échap, its modebar shows with its
# buttons' names at keyboard focus, and every zoom by dragging has its buttons.
FIRST_ROW_CELL = """group => {
  const place = group.closest('section') || document;
  const cell = place.querySelector('table tbody tr > *');
  return cell ? cell.textContent : '';
}"""
ZOOMABLE = """gd => ['xaxis', 'yaxis'].some(axis => gd._fullLayout[axis] &&
  !gd._fullLayout[axis].fixedrange) && gd._fullLayout.dragmode !== false"""


def chart_problems(page) -> list[str]:
    """What a reader of each chart of the page, by keyboard or pointer, would miss."""
    found = []
    groups = page.locator("[data-explore-tools]")
    for index in range(groups.count()):
        group = groups.nth(index)
        name = group.get_attribute("aria-label") or ""
        where = name.removeprefix("Parcourir le graphique ") or f"graphique {index + 1}"
        found += [f"{where} : {problem}" for problem in _exploration_problems(page, group, name)]
    plots = page.locator(".js-plotly-plot")
    for index in range(plots.count()):
        found += [
            f"tracé plotly.js {index + 1} : {problem}"
            for problem in _plotly_problems(page, plots.nth(index))
        ]
    return found


def _exploration_problems(page, group, name: str) -> list[str]:
    found = []
    if not name.startswith("Parcourir le graphique"):
        found.append("ses commandes ne le nomment pas (4.7)")
    explorer = group.locator("xpath=preceding-sibling::*[1]").locator("[role=application]")
    if explorer.count() != 1:
        return [*found, "aucun composant à parcourir au clavier (4.12)"]
    live = group.locator("[aria-live]")
    points = int(re.search(r"(\d+) points?$", explorer.get_attribute("aria-label")).group(1))
    explorer.focus()
    page.keyboard.press("Home")
    first, row = live.text_content(), group.evaluate(FIRST_ROW_CELL)
    if not first or not first.startswith(row):
        found.append(f"Début dit {first!r}, son tableau commence par {row!r} (4.12, 4.13)")
    page.keyboard.press("ArrowRight")
    if points > 1 and live.text_content() == first:
        found.append("la flèche droite ne dit pas le point suivant (4.12)")
    page.keyboard.press("Escape")
    if not page.evaluate("document.activeElement.id.endsWith('-precedent')"):
        found.append("Échap ne rend pas le focus à « Point précédent » (4.13)")
    tip_shown = (
        "g => !(g.previousElementSibling.querySelector('.explore-tip') || {hidden: 1}).hidden"
    )
    if group.evaluate(tip_shown):
        found.append("Échap laisse l'infobulle du point (10.13)")
    listen = group.locator(".explore-listen")
    listen.focus()
    page.keyboard.press("Enter")
    playing = listen.text_content()
    page.keyboard.press("Enter")
    if (playing, listen.text_content()) != ("Arrêter", "Écouter"):
        found.append(f"« Écouter » à Entrée dit {playing!r} puis {listen.text_content()!r} (4.11)")
    # Leaving the chart's commands gives the place back to plotly.js's chart and its pointer.
    page.evaluate("document.activeElement.blur()")
    return found


def _plotly_problems(page, plot) -> list[str]:
    found = []
    buttons = plot.locator(".modebar-btn[data-title]")
    names = set(buttons.evaluate_all("all => all.map(b => b.getAttribute('data-title'))"))
    if plot.evaluate(ZOOMABLE) and not names >= ZOOM_BUTTONS:
        missing = ", ".join(sorted(ZOOM_BUTTONS - names))
        found.append(f"zoom en glissant sans bouton {missing} (13.10)")
    # 10.13, 12.11: the label a pointer brings stays under it, holds nothing to reach, and goes
    # with Échap.
    plot.scroll_into_view_if_needed()
    bars = plot.locator(".bars .point path")
    target = bars.nth(bars.count() // 2) if bars.count() else plot.locator(".nsewdrag").first
    box = target.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    label = plot.locator(PLOTLY_LABEL)
    try:
        label.first.wait_for(state="visible", timeout=5_000)
    except PlaywrightTimeout:
        found.append("le pointeur sur un point n'affiche pas son étiquette")
    else:
        shown = label.first.bounding_box()
        page.mouse.move(shown["x"] + shown["width"] / 2, shown["y"] + shown["height"] / 2, steps=4)
        if not label.count():
            found.append("l'étiquette disparaît sous le pointeur (10.13)")
        if plot.locator(".hoverlayer a, .hoverlayer button").count():
            found.append("l'étiquette contient un élément à atteindre (12.11)")
        page.keyboard.press("Escape")
        if label.count():
            found.append("Échap laisse l'étiquette (10.13)")
    # 10.14, 12.11: Tab to the modebar's first button shows the modebar and the button's name.
    page.mouse.move(0, 0)
    if names:
        first = buttons.first
        first.focus()
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")
        if not first.evaluate("el => el === document.activeElement"):
            found.append("la barre d'outils n'est pas atteinte à la touche Tab (12.11)")
        elif first.evaluate(TIP) != "block":
            found.append("le nom du bouton n'apparaît pas au focus (10.14)")
        else:
            try:
                page.wait_for_function(
                    "el => getComputedStyle(el.closest('.modebar-group')).opacity === '1'",
                    arg=first.element_handle(),
                    timeout=5_000,
                )
            except PlaywrightTimeout:
                found.append("la barre d'outils n'apparaît pas au focus (10.14)")
        page.keyboard.press("Escape")
    return found


# Each scripted component of the page as a reader uses it (RGAA 7.3, 7.4, 7.5, 11.10, 11.11):
# test_rgaa_forms checks them in depth on the indicator page with the map; here, on every page
# of the sample. A checkbox flips at Space and back at a click; a select changed from the
# keyboard redraws in place and says so in the status region; a start after the data is said
# in the alert region, tied to its field, until corrected. Each time the focus stays on the
# component and the context is the same: address, title, main heading.
CONTEXT = """() => ({path: location.pathname, title: document.title,
  h1: (document.querySelector('h1') || {}).textContent})"""
SELECTS = (ids.GRANULARITY, ids.DEPARTEMENT, THEME_SELECT_ID)
TOO_LATE = "2099-12-31"  # after every indicator's last day


def script_problems(page, wait_ms: int = 10_000) -> list[str]:
    """What a reader of the page's scripted components, by keyboard or pointer, would miss;
    ``wait_ms``: how long a callback may take to answer."""
    found: list[str] = []
    context = page.evaluate(CONTEXT)

    def in_place(what: str, element_id: str) -> None:
        now = page.evaluate(CONTEXT)
        if now != context:
            found.append(f"{what} : le contexte change ({context} puis {now}) (7.4)")
        if page.evaluate("document.activeElement.id") != element_id:
            found.append(f"{what} : le focus quitte la commande (7.3)")

    def becomes(script: str, arg, what: str) -> bool:
        try:
            page.wait_for_function(script, arg=arg, timeout=wait_ms)
        except PlaywrightTimeout:
            found.append(what)
            return False
        return True

    boxes = page.locator("[role=checkbox]")
    for index in range(boxes.count()):
        box = boxes.nth(index)
        if not box.is_visible():
            continue
        box_id, state = box.get_attribute("id"), box.get_attribute("aria-checked")
        flipped = "([id, state]) => document.getElementById(id).getAttribute('aria-checked')"
        box.focus()
        page.keyboard.press("Space")
        if becomes(f"{flipped} !== state", [box_id, state], f"{box_id} : Espace sans effet (7.3)"):
            box.click()
            becomes(f"{flipped} === state", [box_id, state], f"{box_id} : clic sans effet (7.3)")
        in_place(box_id, box_id)
    status = page.locator(f"#{ids.MESSAGE}")
    for select_id in SELECTS:
        select = page.locator(f"#{select_id}")
        if not select.count():
            continue
        said, value = status.text_content() if status.count() else "", select.input_value()
        last = select.evaluate("s => s.selectedIndex === s.length - 1")
        select.focus()
        page.keyboard.press("ArrowUp" if last else "ArrowDown")
        if select.input_value() == value:
            found.append(f"{select_id} : la flèche ne change pas le choix (7.3)")
        elif select_id == THEME_SELECT_ID:
            pass  # the theme's own tests read the page's colours
        elif status.get_attribute("role") != "status":
            found.append(f"{select_id} : pas de région de statut (7.5)")
        else:
            becomes(
                "([id, said]) => { const text = document.getElementById(id).textContent;"
                " return text !== said && text.includes('mis à jour'); }",
                [ids.MESSAGE, said],
                f"{select_id} : la région de statut ne dit pas la mise à jour (7.5)",
            )
        in_place(select_id, select_id)
    start = page.locator(f"#{ids.START}")
    if start.count():
        found += _wrong_entry_problems(page, start, wait_ms)
        in_place(ids.START, ids.START)
    # The last change's redraw ends before the next check reads the page.
    becomes(
        "() => !document.querySelector('[aria-busy=true], [data-dash-is-loading=true]')",
        None,
        "la page reste en cours de mise à jour (7.5)",
    )
    return found


def _wrong_entry_problems(page, field, wait_ms: int) -> list[str]:
    """11.10, 11.11: a start after every day of data, said in the alert region in a sentence,
    tied to the field marked invalid, until corrected."""
    found = []
    field_id = field.get_attribute("id")
    alert = page.locator(f"#{ids.MESSAGE_ERROR}")
    kept = field.input_value()
    field.fill(TOO_LATE)
    page.keyboard.press("Enter")
    try:
        page.wait_for_function(
            "id => document.getElementById(id).textContent.trim() !== ''",
            arg=ids.MESSAGE_ERROR,
            timeout=wait_ms,
        )
    except PlaywrightTimeout:
        return [f"{field_id} : une date après les données n'est pas signalée (11.10)"]
    text = alert.text_content()
    if alert.get_attribute("role") != "alert":
        found.append(f"{field_id} : le message d'erreur n'est pas une alerte (7.5)")
    if field.get_attribute("aria-invalid") != "true":
        found.append(f"{field_id} : le champ n'est pas marqué invalide (11.10)")
    described = field.evaluate(
        "field => (field.getAttribute('aria-describedby') || '').split(' ')"
        ".map(id => (document.getElementById(id) || {}).textContent).join(' ')"
    )
    if text not in described:
        found.append(f"{field_id} : le message n'est pas lié au champ (11.10)")
    if len(text.split()) < 4:
        found.append(f"{field_id} : le message ne dit pas ce qui est attendu : {text!r} (11.11)")
    field.fill(kept)
    page.keyboard.press("Enter")
    try:
        page.wait_for_function(
            "id => document.getElementById(id).getAttribute('aria-invalid') === null",
            arg=field_id,
            timeout=wait_ms,
        )
    except PlaywrightTimeout:
        found.append(f"{field_id} : corrigé, le champ reste marqué invalide (11.10)")
    return found


WITHOUT_SCRIPTS = """() => [...document.querySelectorAll('section.chart-block')].flatMap(block => {
  const problems = [];
  const name = block.getAttribute('aria-labelledby') || block.id;
  if (!block.querySelector('svg, [role=img]')) problems.push(`${name} : sans dessin`);
  if (block.querySelector('.chart-box')) {
    if (!block.querySelector('.chart-summary')?.textContent.trim()) {
      problems.push(`${name} : sans résumé`);
    }
    if (!block.querySelector('table caption')) problems.push(`${name} : sans tableau`);
  }
  return problems;
}).concat([...document.querySelectorAll('.carte-svg')].filter(
  map => map.querySelectorAll('a[href]').length < 101).map(() => 'carte sans ses 101 liens'))"""


def without_scripts_problems(browser, url: str) -> list[str]:
    context = browser.new_context(java_script_enabled=False, locale="fr-FR")
    try:
        page = context.new_page()
        page.goto(url)
        return page.evaluate(WITHOUT_SCRIPTS)
    finally:
        context.close()


def make_visit(browser, site: str, outage: str, path: str, theme: str) -> Visit:
    visit = Visit(path, theme)
    url = (outage if path == OUTAGE else site) + path.partition("#")[0]
    if theme == "dark" and not visit.site_page:
        # An embed is light unless its code asks otherwise (theme=sombre, or auto to follow
        # the system): the builder's choice, not the reader's system.
        url += ("&" if "?" in url else "?") + "theme=sombre"
    page = open_drawn(browser, url, color_scheme=theme, device_scale_factor=2)
    try:
        if path == BUILDER:
            open_builder(page)  # modal: the page behind takes no pointer
        drawing = page.locator(".svg-chart[data-points]")
        if drawing.count() and path != BUILDER:
            # A tooltip shown: what a reader's pointer brings is read too.
            hover_a_point(page, ".svg-chart[data-points]")
        visit.check("lecture", lambda: page_problems(page))
        if theme == "light":
            # Before axe-core's script is put in the page: the document is the site's alone.
            visit.check("document", lambda: drawn_markup_problems(visit, page))
        visit.check("axe", lambda: axe(page))
        if page.locator(".js-plotly-plot").count():
            page.wait_for_selector("#js-plotly-tester", state="attached")
        visit.check("images", lambda: unnamed_images(page.locator("body").aria_snapshot()))
        visit.check("commandes", lambda: control_problems(controls(page)))
        if page.locator(".chart-box").count() and path != BUILDER:
            page.locator(".chart-box").first.hover()  # the modebar shows
        visit.check("bords", lambda: control_edge_problems(page))
        page.mouse.move(0, 0)
        visit.moving = len(page.evaluate(MOTION))
        page.emulate_media(reduced_motion="reduce")
        visit.check("mouvement", lambda: motion_problems(page))
        visit.check("clavier", lambda: keyboard_problems(page, visit.skip_link_first))
        visit.check("survol", lambda: hover_problems(page))
        if theme == "light":
            visit.check("sans scripts", lambda: without_scripts_problems(browser, url))
            if path != BUILDER:  # modal: the page behind takes no pointer
                visit.check("appuis", lambda: press_problems(page))
            visit.check("étiquettes", lambda: label_problems(visit, page))
            visit.check("zoom", lambda: zoom_problems(page))
            visit.check("reflow", lambda: spacing_reflow_problems(page))
            visit.check("orientation", lambda: orientation_problems(page))
            if path != BUILDER:  # modal: the page behind takes no key nor pointer
                visit.check("graphiques", lambda: chart_problems(page))
                visit.check("scripts", lambda: script_problems(page))
            visit.check("sans styles", lambda: styles_off_problems(page))
    finally:
        page.context.close()
    return visit


@pytest.fixture(scope="module")
def outage_server(tmp_path_factory):
    """A live server whose store was moved away once started: every page answers 503."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("panne"))
    store = Store(settings.database_url)
    store.init_schema()
    store.close()
    server = LiveServer(settings, workers=1)
    database = Path(settings.database_url.removeprefix("sqlite:///"))
    database.rename(database.with_name("ailleurs.sqlite3"))
    assert wait_until(lambda: _status(server.url + OUTAGE.partition("#")[0]) == 503)
    yield server
    server.stop()


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture(scope="module")
def visits(browser, live_server, outage_server) -> list[Visit]:
    return [
        make_visit(browser, live_server.url, outage_server.url, path, theme)
        for path in VISITED
        for theme in THEMES
    ]


def findings(visits: list[Visit], check: str) -> str:
    """What ``check`` found, page by page and in both themes, one line each: empty when it found
    nothing; fails if the check did not run on every page it is meant for."""
    ran = [v for v in visits if check in v.found]
    expected = len(visits) if check in EVERY_THEME else len(visits) // len(THEMES)
    expected -= len(VISITED_WITHOUT.get(check, ())) * (2 if check in EVERY_THEME else 1)
    assert len(ran) == expected, f"{check} n'a pas été fait sur chaque page"
    return "\n".join(f"{v.path} ({v.theme}) : {line}" for v in ran for line in v.found[check])


# Checks not made on some visits, and why: a modal dialog takes the pointer from the page.
VISITED_WITHOUT = {"appuis": (BUILDER,), "graphiques": (BUILDER,), "scripts": (BUILDER,)}
EVERY_THEME = {
    "lecture",
    "axe",
    "images",
    "commandes",
    "bords",
    "mouvement",
    "clavier",
    "survol",
}


def test_the_sample_is_visited_whole(visits):
    assert {v.path for v in visits} == set(VISITED)
    assert {(v.path, v.theme) for v in visits} == {(p, t) for p in VISITED for t in THEMES}


def test_every_page_reads_without_colour_alone_motion_or_styles(visits):
    """10.2, 10.3, 10.5, 10.6, 10.8, 13.7, 13.8 (test_rgaa_presentation.PAGE_CHECKS)."""
    assert findings(visits, "lecture") == ""


def test_axe_finds_no_violation_in_both_themes(visits):
    assert findings(visits, "axe") == ""


def test_once_drawn_no_image_is_left_unnamed(visits):
    """1.1, 1.2: every image of Chromium's accessibility tree has a name, but the modebar's
    icons, named by their buttons."""
    assert findings(visits, "images") == ""


def test_every_control_has_a_role_and_a_name_holding_its_label(visits):
    """7.1 (and 11.2.5, 11.9.2 as Chromium computes names)."""
    assert findings(visits, "commandes") == ""


def test_every_control_s_edge_stands_out_at_3_to_1(visits):
    """3.3.1: fields, selects, buttons, checkboxes, the modebar shown by hovering a chart."""
    assert findings(visits, "bords") == ""


def test_a_reader_who_asks_for_less_motion_gets_none(visits):
    """13.8 / WCAG 2.3.3: the site's transitions (Bootstrap's fields, buttons…) stop when the
    system asks for reduced motion; without it, they are there to stop."""
    assert findings(visits, "mouvement") == ""
    assert all(v.moving for v in visits if v.site_page and v.path != OUTAGE)


def test_keyboard_reaches_everything_in_order_with_a_ring_at_3_to_1(visits):
    """10.7, 12.8, 12.13 and 3.3 for the focus ring, in both themes."""
    assert findings(visits, "clavier") == ""


def test_every_kind_of_control_hovered_keeps_its_text_readable(visits):
    """3.2 in the hover state, in both themes: links, buttons, fields and summaries hovered."""
    assert findings(visits, "survol") == ""


def test_the_drawn_document_is_valid_well_structured_and_styled_apart(visits, tmp_path):
    """8.2 on the generated code (the Nu Html Checker, once over every drawn document), the walk's
    structure checks (5.5, 6.1, 8.7 to 8.10, 9.1 to 9.4), 10.1."""
    assert findings(visits, "document") == ""
    drawn = {v.path: v.markup for v in visits if v.markup}
    assert len(drawn) == len(VISITED)
    assert nu_errors(drawn, tmp_path) == []


def test_text_stays_whole_at_200_percent_zoom(visits):
    assert findings(visits, "zoom") == ""


def test_reflow_at_320_px_and_text_spacing_lose_nothing(visits):
    assert findings(visits, "reflow") == ""


def test_every_page_reads_the_same_with_the_phone_upright_or_on_its_side(visits):
    assert findings(visits, "orientation") == ""


def test_every_text_shown_is_still_there_with_style_sheets_off(visits):
    assert findings(visits, "sans styles") == ""


def test_without_scripts_every_chart_keeps_its_alternatives_and_the_map_its_links(visits):
    """7.2.1: with JavaScript off, each chart keeps its server drawing, summary and table."""
    assert findings(visits, "sans scripts") == ""


def test_a_press_released_elsewhere_does_nothing(visits):
    """13.11: the first links, buttons and summaries of each page, pressed then released away."""
    assert findings(visits, "appuis") == ""


def test_every_chart_is_walked_heard_hovered_and_zoomed_by_keyboard_and_pointer(visits):
    """4.7, 4.11, 4.12, 4.13, 10.13, 10.14, 12.11, 13.10 on every chart of every page."""
    assert findings(visits, "graphiques") == ""


def test_every_scripted_component_works_in_place_by_keyboard_and_pointer(visits):
    """7.3, 7.4, 7.5, 11.10, 11.11 on every component of every page."""
    assert findings(visits, "scripts") == ""


def test_every_label_sits_just_above_or_left_of_its_field(visits):
    """11.4 at 1 280 and 320 px; every field of the site's inventory was seen."""
    assert findings(visits, "étiquettes") == ""
    assert set(FIELDS) <= set().union(*(v.fields for v in visits))


# Pages made wrong on purpose: each check of this module's own finds what it looks for.
BROKEN = {
    "sans scripts": (
        '<section class="chart-block" id="s"><div class="chart-box"></div>'
        '<p class="chart-summary">Résumé</p></section>',
        "s : sans dessin",
    ),
    "appuis": (
        '<main><button aria-expanded="false" '
        "onpointerdown=\"this.setAttribute('aria-expanded', 'true')\">Ouvrir</button></main>",
        "bouton 1 appuyé puis relâché ailleurs : changement",
    ),
    "graphiques": (
        '<div class="chart-box"><div role="application" aria-label="Courbe, 2 points"'
        ' tabindex="0"></div></div><div data-explore-tools role="group" aria-label="Outils">'
        '<p aria-live="polite"></p><button class="explore-listen">Écouter</button></div>',
        "Outils : ses commandes ne le nomment pas (4.7)",
    ),
    "scripts": (
        '<button role="checkbox" id="case" aria-checked="false">Case</button>',
        "case : Espace sans effet (7.3)",
    ),
    "survol": (
        '<style>a:hover { color: #ccc; }</style><a href="#x">Lien</a>',
        "texte survolé à 1.61:1 : #x|Lien (3.2)",
    ),
    "étiquettes": (
        '<label for="c">Champ</label><div style="height: 200px"></div><input id="c">',
        "1280 px : étiquette loin de son champ c",
    ),
}


@pytest.mark.parametrize("check", list(BROKEN))
def test_the_sample_checks_find_what_they_look_for(browser, check):
    body, expected = BROKEN[check]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.set_content(f'<!DOCTYPE html><html lang="fr"><body>{body}</body></html>')
        if check == "sans scripts":
            found = page.evaluate(WITHOUT_SCRIPTS)
        elif check == "appuis":
            found = press_problems(page)
        elif check == "graphiques":
            found = chart_problems(page)
        elif check == "scripts":
            found = script_problems(page, wait_ms=500)
        elif check == "survol":
            found = hover_problems(page)
        else:
            found = label_problems(Visit("/", "light"), page)
    finally:
        context.close()
    assert expected in found, found
