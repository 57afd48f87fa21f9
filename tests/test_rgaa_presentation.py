"""RGAA 4.1, themes 4, 10, 12 and 13 (media, presentation, navigation, consultation).

Over every page of the site map, in-process (the server's copy of each page, as a browser without
scripts gets it), and on the pages of the audit's sample in Chromium once Dash and plotly.js have
drawn them: what the criteria ask that a machine can decide. Each check returns what it finds
wrong, tagged with its criterion, and is shown finding it on a page made wrong on purpose.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from pathlib import Path

import pytest
from conftest import HeldCallbacks, hover_a_point, reader_moves
from deferred import open_drawn
from html_tree import parse
from rgaa_sample import EMBEDS
from rgaa_sample import PAGES as SAMPLE  # the audit's sample, as Chromium draws it

from barometre.charts import figures
from barometre.config import Settings
from barometre.data import catalogue as catalogue_module
from barometre.web import ids
from barometre.web.app import create_app

CATALOGUE = catalogue_module.load()
INDICATOR = "brigade-numerique-demandes"  # an evolution, flat bars (motifs) and upright (hours)
WITH_MAP = next(i.id for i in CATALOGUE.indicators if "departement" in i.breakdowns)
ASSETS = Path(__file__).parent.parent / "src" / "barometre" / "assets"
SCRIPTS = sorted(p for p in ASSETS.rglob("*.js") if "vendor" not in p.parts)
STYLES = sorted(p for p in ASSETS.rglob("*.css") if "vendor" not in p.parts)

EMBED = EMBEDS[0]  # the sample's embed


def sitemap_paths(client) -> list[str]:
    """Every page the site map lists, then a page that does not exist (the 404)."""
    page = parse(client.get("/plan-du-site").get_data(as_text=True))
    listed = page.find(lambda e: e.tag == "main")
    paths = [a.attrs["href"] for a in listed.iter() if a.tag == "a" and "href" in a.attrs]
    paths = [p for p in dict.fromkeys(paths) if p.startswith("/") and not p.startswith("/api/")]
    assert len(paths) > 10
    return [*paths, "/page-qui-n-existe-pas"]


# --- What a page shows, in Chromium (10.2, 10.3, 10.5, 10.6, 10.8, 13.7, 13.8) ---------------

# Run on a drawn page; returns what is wrong, each line tagged with its criterion.
#  10.5: every visible text has a background colour declared on it or an ancestor (the body's).
#  10.6: no link in running text is told from it by colour alone (underline, or a button's
#        border), in no state: a rule that drops the underline on hover or focus counts.
#  10.8: no content hidden from assistive technologies (aria-hidden) holds what a keyboard
#        reaches, and each kind hidden is one whose words are said elsewhere (HIDDEN_KINDS).
#  13.7, 13.8: no animation repeats (no blinking, no flash) or moves for more than 5 s.
#  10.2: no information comes from style sheets alone (generated text, ::before and ::after).
#  10.3: with style sheets off, content reads in the document's order: the order on screen is
#        the same (each block below the previous one, or beside it, on its right).
PAGE_CHECKS = """(hiddenKinds) => {
  const problems = [];
  const shown = el => el.checkVisibility({visibilityProperty: true, opacityProperty: true});
  const opaque = colour => !/^rgba\\(.*,\\s*0\\)$|^transparent$/.test(colour);
  const own = el => [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + [...el.classList].map(c => '.' + c).join('');
  const words = el => `« ${el.textContent.trim().slice(0, 30)} »`;
  const texts = [...document.body.querySelectorAll('*')].filter(el => own(el) && shown(el));
  // 10.5
  for (const el of texts) {
    let node = el;
    while (node && !opaque(getComputedStyle(node).backgroundColor)) node = node.parentElement;
    if (!node) problems.push(`10.5 texte sans couleur de fond : ${name(el)}`);
  }
  // 10.6
  const links = [...document.querySelectorAll('a[href]')]
    .filter(a => shown(a) && !a.closest('svg'));
  const marked = a => {
    const style = getComputedStyle(a);
    return style.textDecorationLine.includes('underline')
      || (a.matches('.btn') && parseFloat(style.borderBottomWidth) > 0);
  };
  for (const a of links.filter(a => !marked(a))) {
    problems.push(`10.6 lien sans soulignement : ${name(a)} ${words(a)}`);
  }
  const rules = [];
  const collect = list => {
    for (const rule of list) {
      if (rule.cssRules) collect(rule.cssRules);
      if (rule.selectorText) rules.push(rule);
    }
  };
  for (const sheet of document.styleSheets) {
    try { collect(sheet.cssRules); } catch (e) { /* a sheet of another origin */ }
  }
  const states = /:(hover|focus-visible|focus-within|focus|active)/g;
  for (const rule of rules) {
    const decoration = rule.style.textDecorationLine || rule.style.textDecoration || '';
    if (!/(^|\\s)none/.test(decoration)) continue;
    for (const selector of rule.selectorText.split(',')) {
      if (!selector.match(states)) continue;
      const base = selector.replace(states, '').trim() || '*';
      let matching = [];
      try {
        matching = links.filter(a => a.matches(base) && !a.matches('.btn'));
      } catch (e) {
        continue;
      }
      if (matching.length) {
        problems.push(`10.6 « ${selector.trim()} » ôte le soulignement de ${name(matching[0])}`);
      }
    }
  }
  // 10.8
  const focusable = 'a[href], button:not([disabled]), input:not([type=hidden]), select, '
    + 'textarea, summary, [tabindex]:not([tabindex^="-"])';
  for (const el of document.querySelectorAll('[aria-hidden="true"]')) {
    const inside = [...el.querySelectorAll(focusable)].filter(shown);
    if (inside.length) {
      problems.push(`10.8 ${name(el)} caché des aides techniques contient ${name(inside[0])}`);
    }
    if (el.textContent.trim() && !hiddenKinds.some(kind => el.matches(kind))) {
      problems.push(`10.8 contenu caché non répertorié : ${name(el)} ${words(el)}`);
    }
  }
  // 13.7, 13.8
  for (const animation of document.getAnimations()) {
    const timing = animation.effect.getComputedTiming();
    if (!isFinite(timing.endTime) || timing.endTime > 5000) {
      const target = animation.effect.target;
      problems.push(`13.8 animation de plus de 5 s : ${target ? name(target) : '?'}`);
    }
  }
  // 10.2
  // The names plotly.js's modebar shows on hover are its buttons' aria-label (10.13, 10.14).
  for (const el of [...document.body.querySelectorAll('*')].filter(shown)) {
    if (el.matches('.modebar-btn[data-title]')) continue;
    for (const pseudo of ['::before', '::after']) {
      const content = getComputedStyle(el, pseudo).content;
      if (/[\\p{L}\\p{N}]/u.test(content) && content !== 'normal' && content !== 'none') {
        problems.push(`10.2 texte donné par la feuille de style : ${name(el)}${pseudo} ${content}`);
      }
    }
  }
  // 10.3
  const blocks = [...document.querySelectorAll(
    ['h1', 'h2', 'h3', 'h4', 'p', 'li', 'dt', 'dd', 'summary', 'caption', 'label']
      .map(tag => `main ${tag}`).join(', ') + ', header p, footer p, footer li'
  )].filter(el => shown(el) && el.textContent.trim()
    && !el.closest('.svg-chart, .js-plotly-plot, table, .explore-hidden, .visually-hidden')
    // A modal dialog open: the page behind it is inert, the dialog is what is read.
    && (!document.querySelector('dialog:modal') || el.closest('dialog:modal')));
  let previous = null;
  for (const el of blocks) {
    const box = el.getBoundingClientRect();
    if (box.width < 2 || box.height < 2) continue;
    if (previous && box.top < previous.box.top - 1 && box.left < previous.box.right - 1) {
      problems.push(`10.3 ${name(el)} ${words(el)} est avant ${name(previous.el)} à l'écran`
        + " mais après dans le code");
    }
    previous = {el, box};
  }
  return problems;
}"""


# What is hidden from assistive technologies, and why it may be (10.8): said elsewhere.
HIDDEN_KINDS = {
    # The tooltip and marker of a chart's point: the live region beside the chart says it.
    ".explore-layer": "l'infobulle du point parcouru, dite par la région « aria-live » voisine",
    # The drawings of a chart: its table (« Voir les données ») holds the same numbers.
    ".svg-chart, .plot-container, .main-svg, .js-plotly-plot *": "le dessin d'un graphique, "
    "dont le tableau de données donne les mêmes nombres",
    # ↑ ↓ before « hausse de … » / « baisse de … ».
    ".key-change > span": "la flèche d'une évolution, dite en mots à sa suite",
    # « Télécharger : » before the links, which the group's name and each link say.
    ".chart-downloads > span": "« Télécharger », dit par le nom du groupe et de chaque lien",
    # The line under the map, for sighted mouse users: the name of the département under the
    # pointer, which is its link's name (carte.js).
    ".carte-info": "la ligne sous la carte, qui répète le nom du lien du département survolé",
    # Words shown only without style sheets: a checkbox's state, « Mise à jour… »
    # (aria-checked, aria-busy for assistive technologies).
    ".unstyled-only": "l'état d'une case ou « Mise à jour… », en mots pour une lecture sans styles",
    # The map's drawing: each département is a link named with its value; the legend is text.
    ".carte-svg *, .carte-svg": "le dessin de la carte, dont chaque département est un lien nommé",
}


def page_problems(page) -> list[str]:
    """What PAGE_CHECKS finds wrong on a drawn page."""
    return page.evaluate(PAGE_CHECKS, list(HIDDEN_KINDS))


# Pages made wrong on purpose: each check finds what it looks for, and only that.
BROKEN = {
    "10.5": (
        "<p style='background: none'>Texte</p>",
        "html, body { background: transparent !important; }",
    ),
    "10.6": ("<p>Voir <a href='/x' style='text-decoration: none'>la page</a>.</p>", ""),
    "10.6 survol": ("<p>Voir <a href='/x'>la page</a>.</p>", "a:hover { text-decoration: none }"),
    "10.8": ("<div aria-hidden='true'><a href='/x'>Lien</a></div>", ""),
    "10.8 répertoire": ("<p aria-hidden='true'>Secret</p>", ""),
    "13.8": (
        "<p class='clignote'>Nouveau</p>",
        "@keyframes c { to { opacity: 0 } } .clignote { animation: c 0.3s infinite; }",
    ),
    "10.2": ("<p class='x'></p>", ".x::after { content: 'Nouveau'; }"),
    "10.3": (
        "<main style='display: flex; flex-direction: column-reverse'><p>Un</p><p>Deux</p></main>",
        "",
    ),
}


@pytest.mark.parametrize("criterion", list(BROKEN))
def test_the_page_checks_find_what_they_look_for(browser, criterion):
    body, style = BROKEN[criterion]
    context = browser.new_context(bypass_csp=True)
    try:
        page = context.new_page()
        page.set_content(
            "<!DOCTYPE html><html lang='fr'><head><style>body { background: #fff; color: #000 }"
            f"{style}</style></head><body><main><p>Bien</p>{body}</main></body></html>"
        )
        found = page_problems(page)
    finally:
        context.close()
    assert found, criterion
    assert {line.split()[0] for line in found} == {criterion.split()[0]}, found


# With style sheets off (10.2, 10.3): each text the styled page shows is still drawn. Marks the
# text nodes shown, turns every style sheet off, returns those no longer drawn.
TEXT_SHOWN = """() => {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const drawn = node => {
    const range = document.createRange();
    range.selectNodeContents(node);
    return [...range.getClientRects()].some(r => r.width > 0 && r.height > 0);
  };
  const shown = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (node.textContent.trim() && parent.checkVisibility({visibilityProperty: true})
        && !parent.closest('svg, script, style') && drawn(node)) {
      shown.push(node);
    }
  }
  return shown;
}"""
STYLES_OFF = """() => {
  document.querySelectorAll('link[rel=stylesheet], style').forEach(node => node.remove());
  document.querySelectorAll('[style]').forEach(node => node.removeAttribute('style'));
  document.adoptedStyleSheets = [];
}"""
LOST = """shown => shown.filter(node => {
  const range = document.createRange();
  range.selectNodeContents(node);
  return !node.isConnected || ![...range.getClientRects()].some(r => r.width > 0 && r.height > 0);
}).map(node => node.textContent.trim().slice(0, 40))"""


# Information drawn by a style sheet (10.2): images it draws (background-image) where something
# is shown, and checkboxes drawn by it (role="checkbox"), whose state must then be said in words
# shown without style sheets (.unstyled-only, layouts/common.CHECKED_WORDS).
STYLE_ONLY = """() => {
  const found = [];
  const shown = el => el.checkVisibility({visibilityProperty: true});
  const name = el => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}`;
  const words = {true: ' (case cochée)', false: ' (case non cochée)'};
  const said = box => {
    const text = box.querySelector(':scope > .unstyled-only');
    return text !== null && text.textContent === words[box.getAttribute('aria-checked')];
  };
  for (const box of document.querySelectorAll('[role=checkbox]:not(input)')) {
    if (shown(box) && !said(box)) found.push(`case sans son état en mots : ${name(box)}`);
  }
  for (const el of document.body.querySelectorAll('*')) {
    // A select draws its own arrow without style sheets; plotly.js's drawing has its table; a
    // checkbox's tick is said in words (above).
    if (!shown(el) || el.matches('select') || el.closest('.js-plotly-plot, [role=checkbox]')) {
      continue;
    }
    const image = getComputedStyle(el).backgroundImage;
    if (image && image !== 'none' && !/gradient/.test(image)) {
      found.push(`image de fond : ${name(el)}`);
    }
  }
  return [...new Set(found)];
}"""
GENERATED_TEXT = re.compile(r"content:\s*\"([^\"]*\w[^\"]*)\"")
# Text a style sheet generates, and where it is said in words without style sheets.
SAID_WITHOUT_STYLES = {
    "barometre.css : Mise à jour\\2026": "la note « Mise à jour… » avant la région (theme.js)",
}


def test_every_text_a_style_sheet_generates_is_said_without_it():
    found = {
        f"{sheet.name} : {text}"
        for sheet in STYLES
        for text in GENERATED_TEXT.findall(sheet.read_text(encoding="utf-8"))
    }
    assert GENERATED_TEXT.findall('.x::after { content: "Nouveau"; }') == ["Nouveau"]
    assert found == set(SAID_WITHOUT_STYLES)


def _states_said(page, button: str) -> None:
    """Press the checkbox ``button`` twice: each time its words follow its state."""
    box = page.locator(button).first
    for _ in range(2):
        assert page.evaluate(STYLE_ONLY) == []
        before = box.get_attribute("aria-checked")
        box.click()
        page.wait_for_function(
            "([b, before]) => document.querySelector(b).getAttribute('aria-checked') !== before",
            arg=[button, before],
        )
        page.wait_for_function(f"() => ({STYLE_ONLY})().length === 0")


@pytest.mark.browser
def test_what_style_sheets_draw_is_also_said_in_words(browser, live_server):
    """10.2: the state of the display's checkboxes (their tick is drawn by style sheets) is in
    words, on the page, in the server's copy of it and in an embed, after each press; while
    results are updated, « Mise à jour… » (drawn over each chart) is written before them, and
    shows once style sheets are off; no other image of a style sheet carries information."""
    url = f"{live_server.url}/indicateurs/{INDICATOR}"
    page = open_drawn(browser, url)
    try:
        _states_said(page, "#" + ids.SHOW_EVENTS)
        note = page.locator(".busy-note .unstyled-only").first
        # At rest, once the presses' redraws are answered, nothing is being updated.
        page.wait_for_function(
            "document.querySelector('.busy-note .unstyled-only').textContent === ''"
        )
        # A callback held back: the results are being updated (aria-busy, theme.js).
        held = HeldCallbacks(page)
        page.select_option("#granularite", "annee")
        page.wait_for_function(
            "document.querySelector('.busy-note .unstyled-only').textContent === 'Mise à jour…'"
        )
        page.evaluate(STYLES_OFF)
        assert note.is_visible()
        held.release()
        page.wait_for_function(
            "document.querySelector('.busy-note .unstyled-only').textContent === ''"
        )
    finally:
        page.context.close()
    context = browser.new_context(locale="fr-FR", bypass_csp=True)
    try:
        copy = context.new_page()
        copy.route("**/_dash-component-suites/**", lambda route: route.abort())
        copy.goto(url)
        # The copy's checkbox flips at a press (prerendered.js) before Dash takes over: as it.
        assert copy.evaluate(STYLE_ONLY) == []
        copy.evaluate(
            f"""() => {{
                const box = document.getElementById('prerendu-{ids.SHOW_EVENTS}');
                box.setAttribute('aria-checked', box.getAttribute('aria-checked') === 'true'
                    ? 'false' : 'true');
            }}"""
        )
        copy.wait_for_function(f"() => ({STYLE_ONLY})().length === 0")
        embed = context.new_page()
        embed.goto(live_server.url + EMBED)
        _states_said(embed, "#afficher-evenements")
        assert embed.evaluate(STYLE_ONLY) == []
    finally:
        context.close()


# --- Tooltips and the modebar (10.13, 10.14, 12.11) -------------------------------------------


def _corners(box: dict) -> list[tuple[float, float]]:
    return [
        (box["x"] + box["width"] * dx, box["y"] + box["height"] * dy)
        for dx, dy in ((0.05, 0.1), (0.95, 0.1), (0.05, 0.9), (0.95, 0.9), (0.5, 0.5))
    ]


# The label plotly.js shows for the points under the pointer (one point, or every series'
# « x unified »).
PLOTLY_LABEL = ".hoverlayer .hovertext, .hoverlayer .legend"
# The buttons of plotly.js's modebar that zoom in one press each (13.10).
ZOOM_BUTTONS = {"Zoom intérieur", "Zoom extérieur", "Réinitialiser les axes"}


def _plotly_label(page, section: str):
    return page.locator(section).locator(PLOTLY_LABEL)


def _hover_plotly(page, section: str) -> dict:
    """Put the pointer on a chart's middle point or third bar; return its label's box."""
    bars = page.locator(f"{section} .bars .point path")
    target = bars.nth(2) if bars.count() > 2 else page.locator(f"{section} .nsewdrag").first
    target.scroll_into_view_if_needed()
    box = target.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    label = _plotly_label(page, section)
    label.first.wait_for(state="visible")
    return label.first.bounding_box()


@pytest.mark.browser
def test_chart_tooltips_can_be_hovered_and_go_with_escape(browser, live_server):
    """10.13: the tooltip a pointer brings on a chart stays while the pointer is on it, until
    the pointer leaves or Échap hides it (the pointer unmoved); it holds nothing to reach with
    the keyboard (12.11). The server's drawing (explore.js) and plotly.js's, each kind of chart."""
    url = f"{live_server.url}/indicateurs/{INDICATOR}?debut=2025-01-01&fin=2026-11-15"
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    try:
        copy = context.new_page()
        copy.route("**/_dash-component-suites/**", lambda route: route.abort())
        copy.goto(url)
        section = f"section:has([id$='{INDICATOR}-evolution-titre'])"
        tip = copy.locator(f"{section} .explore-tip")
        for corner in range(5):
            hover_a_point(copy, f"{section} .svg-chart")
            assert tip.is_visible()
            x, y = _corners(tip.bounding_box())[corner]
            copy.mouse.move(x, y, steps=4)
            assert tip.is_visible(), f"l'infobulle disparaît sous le pointeur (coin {corner})"
        assert tip.locator("a, button, input, select, [tabindex]").count() == 0
        copy.keyboard.press("Escape")
        assert not tip.is_visible()
    finally:
        context.close()
    page = open_drawn(browser, url)
    try:
        for chart in ("evolution", "motif", "heure"):
            section = f"section:has([id$='{INDICATOR}-{chart}-titre'])"
            label = _plotly_label(page, section)
            for x, y in _corners(_hover_plotly(page, section)):
                _hover_plotly(page, section)
                page.mouse.move(x, y, steps=6)
                assert label.count(), f"{chart} : l'étiquette disparaît sous le pointeur"
            assert (
                page.locator(f"{section} .hoverlayer a, {section} .hoverlayer button").count() == 0
            )
            page.keyboard.press("Escape")
            assert label.count() == 0, f"{chart} : Échap laisse l'étiquette"
        # The closest point within plotly.js's own reach (20 px) would drop a flat bar's label
        # under the pointer: the check above sees it.
        section = f"section:has([id$='{INDICATOR}-motif-titre'])"
        page.evaluate(
            "s => Plotly.relayout(document.querySelector(s + ' .js-plotly-plot'),"
            " {hovermode: 'closest', hoverdistance: 20})",
            section,
        )
        x, y = _corners(_hover_plotly(page, section))[1]
        page.mouse.move(x, y, steps=6)
        assert _plotly_label(page, section).count() == 0
    finally:
        page.context.close()


TIP = "el => getComputedStyle(el, '::after').display"


@pytest.mark.browser
def test_the_modebar_names_its_buttons_on_focus_too_and_escape_hides_them(browser, live_server):
    """10.14: the names plotly.js shows under its modebar's buttons on hover (CSS) show on
    keyboard focus too; 10.13: Échap hides them, pointer and focus unmoved, until they move."""
    page = open_drawn(browser, f"{live_server.url}/indicateurs/{INDICATOR}")
    try:
        buttons = page.locator(".modebar-btn[data-title]")
        first, second = buttons.nth(0), buttons.nth(1)
        assert first.evaluate(TIP) == "none"
        page.locator(f"[id$='{INDICATOR}-evolution-titre']").scroll_into_view_if_needed()
        first.hover()
        assert first.evaluate(TIP) == "block"
        page.keyboard.press("Escape")
        assert first.evaluate(TIP) == "none"
        second.hover()
        assert second.evaluate(TIP) == "block"
        page.mouse.move(0, 0)
        assert second.evaluate(TIP) == "none"
        # The keyboard: Tab to the button, the modebar and the name show.
        first.evaluate("el => el.previousElementSibling ? el.previousElementSibling.focus() : 0")
        first.focus()
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement") is not None
        assert first.evaluate("el => el === document.activeElement")
        assert first.evaluate(TIP) == "block"
        # The modebar fades in (0.3 s).
        page.wait_for_function(
            "el => getComputedStyle(el.closest('.modebar-group')).opacity === '1'",
            arg=first.element_handle(),
        )
        page.keyboard.press("Escape")
        assert first.evaluate(TIP) == "none"
        page.keyboard.press("Tab")
        assert (
            page.evaluate("getComputedStyle(document.activeElement, '::after').display") == "block"
        )
    finally:
        page.context.close()


# --- Keyboard shortcuts (12.10) ----------------------------------------------------------------

# Every listener of keys in the site's scripts, and why it is no single-key shortcut: a key of a
# component acts only while that component has the focus; Échap and Entrée are no characters.
KEY_LISTENERS = {
    (
        "explore.js",
        'focus.addEventListener("keydown"',
    ): "les flèches, Début, Fin, Page préc./suiv., "
    "Espace et Échap du graphique, seulement quand il a le focus",
    ("explore.js", 'document.addEventListener("keydown"'): "Échap seul (infobulles)",
    ("prerendered.js", 'copy.addEventListener("keydown"'): "Entrée dans un champ de saisie",
}
KEY_LISTENER = re.compile(
    r"\w+\.addEventListener\(\s*\"key(?:down|up|press)\"|\.onkey(?:down|up|press)\s*=|accesskey"
)


def key_listeners(text: str) -> list[str]:
    """Each place a script listens to keys, as its first words."""
    return [match.group(0) for match in KEY_LISTENER.finditer(text)]


def test_the_scan_for_key_listeners_finds_them():
    assert key_listeners('window.addEventListener("keydown", f); el.onkeyup = g;') == [
        'window.addEventListener("keydown"',
        ".onkeyup =",
    ]


def test_no_single_key_shortcut_acts_outside_the_focused_component():
    found = {
        (path.name, listener)
        for path in SCRIPTS
        for listener in key_listeners(path.read_text(encoding="utf-8"))
    }
    assert found == set(KEY_LISTENERS)


@pytest.mark.browser
def test_typing_characters_on_a_page_changes_nothing(browser, live_server):
    """12.10 in Chromium: every letter, digit and punctuation key pressed with the focus on the
    page (no component) leaves the address, the focus and the page as they were."""
    page = open_drawn(browser, f"{live_server.url}/indicateurs/{INDICATOR}")
    try:
        state = "() => [location.href, document.activeElement.tagName, document.body.innerText]"
        page.locator("h1").click()
        before = page.evaluate(state)
        for key in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789?/.,;:!-+*#$ ":
            page.keyboard.press(key)
        assert page.evaluate(state) == before
    finally:
        page.context.close()


# --- Navigation (12.1, 12.2) --------------------------------------------------------------------


def header_of(markup: str) -> str:
    """The page's header with its main navigation, the current page's mark left out."""
    start, end = markup.index("<header"), markup.index("</header>")
    return markup[start:end].replace(' aria-current="page"', "")


def test_every_page_has_the_main_menu_and_the_site_map_in_the_same_place(client, tmp_path):
    """12.1: each page has the main navigation menu (the families) and a link to the site map;
    12.2: the same header and menu on every page, before the main region, the site map's link in
    the footer after it, the breadcrumb first in the main region wherever there is one; the
    outage page (503) has the same menu and footer."""
    pages = {path: client.get(path).get_data(as_text=True) for path in sitemap_paths(client)}
    headers = {path: header_of(markup) for path, markup in pages.items()}
    reference = headers["/"]
    assert 'aria-label="Navigation principale"' in reference
    menu = parse(reference).find(lambda e: e.tag == "nav")
    assert len([a for a in menu.iter() if a.tag == "a"]) == 1 + len(CATALOGUE.families)
    with_breadcrumb = []
    for path, markup in pages.items():
        assert headers[path] == reference, path
        order = [markup.index(tag) for tag in ("<header", "<main", "<footer")]
        assert order == sorted(order), path
        footer = markup[markup.index("<footer") :]
        assert 'href="/plan-du-site"' in footer, path
        main = parse(markup[markup.index("<main") :]).find(lambda e: e.tag == "main")
        order = [e for e in main.iter() if e.tag in ("nav", "h1")]
        if any(e.attrs.get("aria-label") == "Fil d'Ariane" for e in order):
            with_breadcrumb.append(path)
            assert order[0].tag == "nav" and order[1].tag == "h1", path
    # The indicator pages have one.
    assert len(with_breadcrumb) >= len(CATALOGUE.indicators)
    # The outage page, written without Dash (errors.py), has the same menu and footer.
    outage = create_app(Settings(data_dir=tmp_path)).server.test_client().get("/indicateurs")
    assert outage.status_code == 503
    markup = outage.get_data(as_text=True)
    assert menu_of(markup) == menu_of(reference)
    order = [markup.index(tag) for tag in ("<header", "<main", "<footer")]
    assert order == sorted(order)
    assert 'href="/plan-du-site"' in markup[markup.index("<footer") :]


def menu_of(markup: str) -> str:
    """The main navigation of a page, as markup."""
    start = markup.index('<nav aria-label="Navigation principale"')
    return markup[start : markup.index("</nav>", start)]


@pytest.mark.browser
def test_the_menu_is_in_the_same_place_and_marks_the_current_page(browser, live_server):
    """12.2 in Chromium: the header's menu has the same position and size on each page of the
    sample. 10.9, 10.10: the current page, shown in bold in the menu, is also said by words
    (aria-current="page", and the page's title, h1)."""
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    reader_moves(context)
    boxes, current = {}, {}
    try:
        page = context.new_page()
        for path in SAMPLE:
            page.goto(live_server.url + path, wait_until="networkidle")
            page.wait_for_selector("#contenu h1")
            boxes[path] = page.locator("#navigation-principale").bounding_box()
            current[path] = page.evaluate(
                "[...document.querySelectorAll('#navigation-principale [aria-current=page]')]"
                ".map(a => [new URL(a.href).pathname, getComputedStyle(a).fontWeight])"
            )
    finally:
        context.close()
    assert len(set(map(str, boxes.values()))) == 1, boxes
    assert current["/"] == [["/", "700"]]
    assert current["/familles/signalements"] == [["/familles/signalements", "700"]]
    assert all(
        current[path] == [] for path in SAMPLE if path not in ("/", "/familles/signalements")
    )


# --- Media (theme 4) ----------------------------------------------------------------------------

# A temporal media or a plug-in, an animated image: none on the site (4.1 to 4.6 and 4.8 to 4.9
# would then be audited for it).
MEDIA = re.compile(r"<(audio|video|object|embed|bgsound|track|source|applet)\b", re.I)
MEDIA_FILES = {".gif", ".apng", ".webp", ".mp3", ".mp4", ".ogg", ".oga", ".ogv", ".wav", ".webm"}
MEDIA_FILES |= {".m4a", ".avi", ".mov", ".swf", ".flac", ".aac", ".vtt", ".srt"}


def test_the_scan_for_media_finds_them():
    assert [m.group(1) for m in MEDIA.finditer("<video src=x><AUDIO><embed src=y>")] == [
        "video",
        "AUDIO",
        "embed",
    ]
    assert not MEDIA.search("<embedded-chart><p>objet</p>")


def test_no_page_holds_a_sound_a_video_a_plug_in_or_an_animated_image(client):
    """Theme 4: no ``audio``, ``video``, ``object``, ``embed``, ``bgsound`` on any page of the
    site map, the 404 or an embed; no sound, video or animated image among the site's files. The
    one sound of the site is « Écouter », played by explore.js at the reader's request."""
    found = []
    for path in [*sitemap_paths(client), EMBED]:
        markup = client.get(path).get_data(as_text=True)
        found += [f"{path} : <{m.group(1)}>" for m in MEDIA.finditer(markup)]
        found += [
            f"{path} : image {src}"
            for src in re.findall(r"<img\b[^>]*\bsrc=\"([^\"]+)\"", markup)
            if Path(src.split("?")[0]).suffix.lower() in MEDIA_FILES
        ]
    package = ASSETS.parent
    found += [
        str(file.relative_to(package))
        for file in package.rglob("*")
        if file.suffix.lower() in MEDIA_FILES
    ]
    assert found == []


# Counts what makes a sound: every AudioContext built and every tone started.
SOUNDS = """
window.sounds = {contexts: 0, tones: 0};
const Real = window.AudioContext;
window.AudioContext = class extends Real {
  constructor(...args) { super(...args); window.sounds.contexts += 1; }
  createOscillator() {
    const node = super.createOscillator();
    const start = node.start.bind(node);
    node.start = (...args) => { window.sounds.tones += 1; return start(...args); };
    return node;
  }
};
window.webkitAudioContext = window.AudioContext;
"""


@pytest.mark.browser
@pytest.mark.parametrize("path", [f"/indicateurs/{INDICATOR}", EMBED])
def test_the_only_sound_plays_when_asked_and_stops_when_asked(browser, live_server, path):
    """4.10: nothing sounds by itself (no AudioContext before the reader asks); 4.11: « Écouter »
    is a button the keyboard and the pointer press, that says « Arrêter » while it plays and
    stops at the next press; 4.13: its name and state reach the accessibility tree."""
    context = browser.new_context(
        locale="fr-FR", bypass_csp=True, viewport={"width": 1280, "height": 900}
    )
    context.add_init_script(SOUNDS)
    reader_moves(context)
    try:
        page = context.new_page()
        page.goto(live_server.url + path, wait_until="networkidle")
        # fixed wait: what is tested must not happen (a sound by itself): nothing to wait for.
        page.wait_for_timeout(1_000)
        assert page.evaluate("window.sounds") == {"contexts": 0, "tones": 0}
        listen = page.locator(".explore-listen").first
        listen.focus()
        page.keyboard.press("Enter")
        page.wait_for_function("window.sounds.tones > 0")
        assert listen.text_content() == "Arrêter"
        group = page.locator("[data-explore-tools]").first
        # 4.7: the sound is named by the group around its button, after its chart's title.
        assert group.get_attribute("aria-label").startswith("Parcourir le graphique")
        assert '- button "Arrêter"' in group.aria_snapshot()
        page.keyboard.press("Enter")
        assert listen.text_content() == "Écouter"
        assert '- button "Écouter"' in group.aria_snapshot()
        listen.click()
        assert listen.text_content() == "Arrêter"
        # It stops by itself too, after LONGEST (6 s) at most.
        page.wait_for_function(
            "document.querySelector('.explore-listen').textContent === 'Écouter'", timeout=8_000
        )
    finally:
        context.close()


# --- Consultation (13.3 to 13.6, 13.10, 13.11) --------------------------------------------------

OFFICE = re.compile(r"\.(pdf|docx?|odt|ods|odp|xlsx?|pptx?|rtf|epub)(?:[?#\"]|$)", re.IGNORECASE)


def test_no_office_document_is_offered_for_download(client):
    """13.3, 13.4: every link of every page, and the data package, offer data (CSV, JSON, ZIP of
    them) and images (PNG, SVG), never an office document (PDF, Word, OpenDocument, EPUB…)."""
    assert OFFICE.search('href="/guide.pdf"') and OFFICE.search("/x.ODS?v=1")
    offered = set()
    for path in [*sitemap_paths(client), EMBED]:
        page = parse(client.get(path).get_data(as_text=True))
        offered |= {a.attrs["href"] for a in page.iter() if a.tag == "a" and "href" in a.attrs}
    assert [href for href in offered if OFFICE.search(href)] == []
    package = client.get("/api/v1/paquet.zip")
    assert package.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(package.get_data())).namelist()
    assert names and [name for name in names if OFFICE.search(name)] == []


# Emoticons and symbols that would need a definition (13.5): pictographs, and their ASCII forms.
EMOTICON = re.compile(r"(?<![\w/])(?:[:;=][-']?[()DPpOo|\\/\]\[]|<3|\^\^|\bxD\b)(?!\w)")
ARROWS = "↑↓↗↘→←"


def cryptic(text: str) -> list[str]:
    """The emoticons and pictographs of a text (arrows are checked where they stand)."""
    found = EMOTICON.findall(text)
    found += [
        char
        for char in text
        if char not in ARROWS and unicodedata.category(char) == "So" and ord(char) > 0x2100
    ]
    return found


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Hausse de 3 % :)", [":)"]), ("Bravo 👍", ["👍"]), ("08:30 (heure) : 12", []), ("Oui", [])],
)
def test_the_scan_for_cryptic_content_finds_it(text, expected):
    assert cryptic(text) == expected


def with_parents(element, parent=None):
    """Each element under ``element`` with its parent."""
    yield element, parent
    for child in element.children:
        if not isinstance(child, str):
            yield from with_parents(child, element)


def own_text(element) -> str:
    """The text directly inside an element (not its children's)."""
    return "".join(child for child in element.children if isinstance(child, str))


def test_no_page_holds_an_emoticon_and_each_arrow_is_said_in_words(client):
    """13.5, 13.6: no emoticon, pictograph or ASCII art on any page; each arrow of a change
    (↑ ↓) is hidden from assistive technologies and followed by its words (« hausse »,
    « baisse »)."""
    found, arrows = [], 0
    for path in [*sitemap_paths(client), EMBED]:
        body = parse(client.get(path).get_data(as_text=True)).find(lambda e: e.tag == "body")
        for element, parent in with_parents(body):
            if element.tag in ("script", "style", "pre", "code"):
                continue
            text = own_text(element)
            found += [f"{path} : {c}" for c in cryptic(text)]
            if any(arrow in text for arrow in ARROWS):
                arrows += 1
                said = re.search(r"\b(hausse|baisse)\b", parent.text() if parent else "")
                if element.attrs.get("aria-hidden") != "true" or not said:
                    found.append(f"{path} : flèche « {text.strip()} » sans ses mots")
    assert arrows  # the key figures of the home and family pages have theirs
    assert found == []


def test_every_zoom_by_dragging_has_buttons_and_no_gesture_needs_two_fingers():
    """13.10: plotly.js zooms by dragging a box and pans by dragging; its modebar keeps « Zoom
    intérieur », « Zoom extérieur » and « Réinitialiser les axes » (one press each), and the
    period's fields choose what is shown; zooming with the wheel or two fingers is off."""
    config = figures.GRAPH_CONFIG
    assert config["scrollZoom"] is False
    assert config.get("displayModeBar", True) is not False
    removed = set(config["modeBarButtonsToRemove"])
    assert not removed & {"zoomIn2d", "zoomOut2d", "resetScale2d", "zoom2d", "pan2d"}
    # No script of the site listens to touches or gestures of several fingers.
    listens = re.compile(r"touchstart|touchmove|gesturestart|gesturechange|pointers?\.length")
    assert [p.name for p in SCRIPTS if listens.search(p.read_text(encoding="utf-8"))] == []


@pytest.mark.browser
def test_the_modebar_zooms_with_single_presses(browser, live_server):
    page = open_drawn(browser, f"{live_server.url}/indicateurs/{INDICATOR}")
    try:
        for chart in page.locator(".js-plotly-plot").all():
            names = chart.locator(".modebar-btn").evaluate_all(
                "buttons => buttons.map(b => b.getAttribute('data-title'))"
            )
            assert set(names) >= ZOOM_BUTTONS
        chart = page.locator(".js-plotly-plot").first
        before = chart.evaluate("gd => gd.layout.xaxis.range.slice()")
        chart.locator(".modebar-btn[data-title='Zoom intérieur']").click()
        page.wait_for_function(
            "r => JSON.stringify(document.querySelector('.js-plotly-plot').layout.xaxis.range)"
            " !== JSON.stringify(r)",
            arg=before,
        )
        assert page.get_by_label("Début").count() and page.get_by_label("Fin").count()
    finally:
        page.context.close()


# Every place a script acts when a pointer is pressed (not released), and why it may (13.11):
# nothing a reader would need to undo happens then.
POINTER_DOWN = {
    ("explore.js", "box.onpointerdown"): "montre l'infobulle du point (Échap ou le départ du "
    "pointeur la retire ; rien ne change dans la page)",
    ("embed.js", 'chart.addEventListener("pointerdown"'): "charge plotly.js, qui redessine le "
    "même graphique (le zoom n'agit qu'au relâchement)",
    ("prerendered.js", '"pointerdown"'): "l'intention du lecteur : Dash prend le relais, sans "
    "rien changer à ce qui est montré",
}
POINTER_LISTENER = re.compile(
    r"\w+\.onpointerdown|\w+\.addEventListener\(\s*\"(?:pointerdown|mousedown|touchstart)\"|"
    r"(?<!removeEventListener\()\"(?:pointerdown|mousedown|touchstart)\""
)


def test_every_action_on_pointer_down_is_one_nothing_needs_undoing():
    """13.11: the site's scripts act on a press only where POINTER_DOWN says (what Dash's and
    plotly.js's controls do happens on release: tested in Chromium below)."""
    found = set()
    for path in SCRIPTS:
        for match in POINTER_LISTENER.finditer(path.read_text(encoding="utf-8")):
            found.add((path.name, match.group(0)))
    assert {key for key in found if key not in POINTER_DOWN} == set()
    assert set(POINTER_DOWN) <= found


PRESS_STATE = """() => [location.href,
  [...document.querySelectorAll('[aria-checked], [aria-expanded], details, dialog')]
    .map(el => [el.getAttribute('aria-checked'), el.getAttribute('aria-expanded'), el.open])]"""


def press_changes(page, target) -> bool:
    """Press ``target`` and release the pointer away from it: whether the address or any
    state changed (13.11). A target not drawn is not pressed."""
    target.scroll_into_view_if_needed()
    box = target.bounding_box()
    if not box:
        return False
    before = page.evaluate(PRESS_STATE)
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] - 80, steps=4)
    page.mouse.up()
    return page.evaluate(PRESS_STATE) != before


@pytest.mark.browser
def test_a_press_released_elsewhere_does_nothing(browser, live_server):
    """13.11 in Chromium: each link, button and summary of an indicator page, pressed and the
    pointer released away from it, changes neither the address nor any state. The map's 101
    links are one kind of link, drawn by one function: three of them are pressed."""
    page = open_drawn(browser, f"{live_server.url}/indicateurs/{WITH_MAP}")
    try:
        targets = page.locator(
            "main a[href]:visible:not(.carte-departements a), main button:visible,"
            " main summary:visible, header a:visible"
        )
        departements = page.locator(".carte-departements a")
        pressed = [targets.nth(i) for i in range(targets.count())]
        pressed += [departements.nth(i) for i in range(3)]
        assert len(pressed) > 20
        for target in pressed:
            assert not press_changes(page, target), target.evaluate("el => el.outerHTML")
    finally:
        page.context.close()


# --- Presentation by style sheets (10.1), on the whole page as the browser holds it ------------


# Spaces that present (10.1.3): a word's letters spaced out, spaces lined up to align text.
SPACED = re.compile(r"(?<!\S)(?:\w ){4,}\w(?!\S)|[ \u00a0\u2007\u202f]{3,}")


def spacing_problems(text: str) -> list[str]:
    """The places of ``text`` where spaces present rather than separate words."""
    return [match.group(0) for match in SPACED.finditer(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("T I T R E", ["T I T R E"]),
        ("Mois\u00a0\u00a0\u00a0 12", ["\u00a0\u00a0\u00a0 "]),
        ("a b c", []),
    ],
)
def test_the_scan_for_presentational_spaces_finds_them(text, expected):
    assert spacing_problems(text) == expected
