"""RGAA 4.1, theme 11 (forms) and theme 7 (scripts), criteria 11.2 to 11.13 and 7.1 to 7.4.

Two halves. In-process, over every page the site serves (the URL walk runs forms_inventory's
check on each page and embed; here, the audit's sample and the check shown failing): each field,
group and button is one of a reviewed inventory, labelled as reviewed, its label beside it; no
field asks anything of the reader (11.13), no form writes anything (11.12). In
Chromium, through the accessibility tree (Playwright's ARIA snapshots and Chromium's own tree):
every scripted component has a name, a role and its state (7.1), works with the keyboard and a
pointer without losing the focus (7.3), changes no context by itself (7.4), and a wrong entry is
said in text, next to its field and tied to it (11.10, 11.11).
"""

from __future__ import annotations

import re

import pytest
import walk
from forms_inventory import BUTTONS, FIELDS, bare, form_problems, is_button, is_field, words
from html_tree import Element
from rgaa_sample import EMBEDS, PAGES

from barometre.config import Settings
from barometre.urls import Urls
from barometre.web import ids
from barometre.web.app import create_app

# -- the space ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(demo_settings, tmp_path_factory):
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("formulaires"), database_url=demo_settings.database_url
    )
    return create_app(settings).server.test_client(), Urls(settings.url_prefix)


def test_every_field_group_and_button_is_labelled_as_reviewed(site):
    """RGAA 11.2 to 11.9, 11.12, 11.13: the URL walk checks every page and embed the site serves
    against the inventory (walk.visit); here, the audit's sample, and the inventory holds nothing
    the site no longer has: each entry is met on some page of the sample."""
    client, urls = site
    found, seen_fields, seen_buttons = {}, set(), set()
    for address in [*PAGES, *EMBEDS, *walk_embeds(client, urls)]:
        response = client.get(urls.path(address))
        assert response.status_code in (200, 404), address
        document = walk.copy_document(response.get_data(as_text=True))
        problems = form_problems(document)
        if problems:
            found[address] = problems
        seen_fields |= {bare(e.attrs.get("id", "")) for e in document.find_all(is_field)}
        seen_buttons |= {e.spoken() for e in document.find_all(is_button)}
    assert found == {}
    assert seen_fields == set(FIELDS)
    assert seen_buttons == set(BUTTONS)


def walk_embeds(client, urls: Urls) -> list[str]:
    """An embed of each breakdown kind (their buttons differ from a time series')."""
    indicator = next(i for i in walk.indicators(client, urls) if i.breakdowns)
    return [f"/embed/{indicator.id}?ventilation={d}" for d in indicator.breakdowns]


def _page(body: str) -> Element:
    return walk.parse(f'<html lang="fr"><body>{body}</body></html>')


LABELLED = '<div><label for="granularite">Regrouper par</label><select id="granularite"></select>'
GROUP = (
    '<div role="group" aria-label="Affichage des graphiques d\'évolution">'
    '<button type="button" role="checkbox" aria-checked="true">Afficher les événements</button>'
    "</div>"
)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (LABELLED + "</div>", []),
        (GROUP, []),
        ('<button type="button">Partager</button>', []),
        (
            '<label for="courriel">Courriel</label><input type="email" id="courriel">',
            ["champ input courriel hors inventaire (11.2, 11.13)"],
        ),
        (
            LABELLED.replace("Regrouper par", "Granularité") + "</div>",
            ["champ granularite : étiquette 'Granularité', pas 'Regrouper par' (11.2, 11.3)"],
        ),
        (
            LABELLED.replace("</label>", "</label><p>Aide</p>") + "</div>",
            ["champ granularite : étiquette éloignée du champ (11.4)"],
        ),
        (
            LABELLED.replace("<label", '<label class="visually-hidden"') + "</div>",
            ["champ granularite : étiquette masquée (11.4)"],
        ),
        (
            LABELLED.replace('<select id="granularite">', '<select id="granularite" title="G">')
            + "</div>",
            ["champ granularite : title en plus de l'étiquette (11.2)"],
        ),
        (
            LABELLED.replace("<select", '<select autocomplete="name"') + "</div>",
            ["champ granularite : autocomplete name (11.13)"],
        ),
        (
            GROUP.replace(' aria-label="Affichage des graphiques d\'évolution"', ""),
            ["regroupement '' hors inventaire ou sans légende (11.6, 11.7)"],
        ),
        (
            GROUP.replace('role="group" ', ""),
            ["case 'Afficher les événements' hors d'un regroupement (11.5)"],
        ),
        (
            GROUP.replace(' aria-checked="true"', ""),
            ["case 'Afficher les événements' sans état aria-checked (7.1)"],
        ),
        (
            '<select id="departement"><optgroup><option>01</option></optgroup></select>',
            [
                "champ departement : étiquette None, pas 'Département' (11.2, 11.3)",
                "groupe d'options sans label (11.8)",
            ],
        ),
        (
            '<button type="button" title="Copier le lien de cette page">Partager</button>',
            [
                "bouton 'Partager' : title 'Copier le lien de cette page' sans l'intitulé "
                "visible (11.9)"
            ],
        ),
        ('<button type="button">Envoyer</button>', ["bouton 'Envoyer' hors inventaire (11.9)"]),
        (
            '<form method="post"><button type="button">Partager</button></form>',
            ["formulaire qui envoie des données : le critère 11.12 est à auditer"],
        ),
    ],
)
def test_the_form_checks_find_what_they_look_for(body, expected):
    assert form_problems(_page(body)) == expected


# -- in Chromium: the accessibility tree ----------------------------------------------------------

WITH_MAP = "pre-plainte-en-ligne"
PLAIN = "thesee-plaintes"
# Roles that are no control of their own: the page, its regions (a table scrolled by keyboard, the
# skip link's target), a dialog (its fields are checked), a frame (its own page is checked).
NOT_CONTROLS = {"RootWebArea", "main", "region", "dialog", "Iframe", "combobox", "textbox"}
NO_ROLE = {"", "generic", "none", "StaticText", "InlineTextBox", "Ignored"}
FOCUSABLE_CONTROLS = """function () {
  if (!(this instanceof Element)) {
    return {shadow: false, text: "", tag: "#document", id: ""};
  }
  const shadow = this.getRootNode() instanceof ShadowRoot;  // a date field's parts (Chromium's)
  return {shadow, text: shadow || this instanceof SVGElement ? "" : this.innerText || "",
          tag: this.tagName.toLowerCase(), id: this.id};
}"""


def open_dash_page(page, url: str) -> None:
    """Load a page, start Dash (conftest.reader_moves) and wait for every chart to be drawn."""
    from deferred import draw_every_chart

    page.goto(url)
    page.wait_for_selector("#contenu h1")
    draw_every_chart(page, timeout=60_000)


def controls(page) -> list[dict]:
    """Every focusable node of Chromium's accessibility tree: its role, name, description,
    states, and the visible text of its element."""
    cdp = page.context.new_cdp_session(page)
    found = []
    for node in cdp.send("Accessibility.getFullAXTree")["nodes"]:
        states = {p["name"]: p["value"].get("value") for p in node.get("properties", [])}
        if node.get("ignored") or not states.get("focusable") or "backendDOMNodeId" not in node:
            continue
        remote = cdp.send("DOM.resolveNode", {"backendNodeId": node["backendDOMNodeId"]})
        element = cdp.send(
            "Runtime.callFunctionOn",
            {
                "functionDeclaration": FOCUSABLE_CONTROLS,
                "objectId": remote["object"]["objectId"],
                "returnByValue": True,
            },
        )["result"]["value"]
        if element["shadow"]:
            continue
        found.append(
            {
                "role": node.get("role", {}).get("value", ""),
                "name": node.get("name", {}).get("value", ""),
                "description": node.get("description", {}).get("value", ""),
                "states": states,
                **element,
            }
        )
    cdp.detach()
    return found


def control_problems(found: list[dict]) -> list[str]:
    """RGAA 7.1.1 and 7.1.3: each scripted or native control has a role and a name, and its name
    holds its visible label."""
    problems = []
    for control in found:
        what = f"{control['tag']}#{control['id']} ({control['role']})"
        if control["role"] in NO_ROLE:
            problems.append(f"{what} sans rôle (7.1)")
        elif control["role"] in NOT_CONTROLS:
            continue
        if not control["name"].strip():
            problems.append(f"{what} sans nom (7.1)")
        elif words(control["text"]) not in words(control["name"]):
            label = control["text"]
            problems.append(
                f"{what} : nom {control['name']!r} sans l'intitulé visible {label!r} (7.1)"
            )
    return problems


@pytest.mark.parametrize(
    ("found", "expected"),
    [
        (
            [{"role": "button", "name": "Partager", "text": "Partager", "tag": "button", "id": ""}],
            [],
        ),
        (
            [{"role": "generic", "name": "", "text": "", "tag": "div", "id": "x"}],
            ["div#x (generic) sans rôle (7.1)", "div#x (generic) sans nom (7.1)"],
        ),
        (
            [{"role": "button", "name": "Copier", "text": "Partager", "tag": "button", "id": "p"}],
            ["button#p (button) : nom 'Copier' sans l'intitulé visible 'Partager' (7.1)"],
        ),
    ],
)
def test_the_control_checks_find_what_they_look_for(found, expected):
    assert control_problems(found) == expected


def test_the_embed_builder_s_controls_have_a_role_and_a_name_holding_their_label(page, live_server):
    """RGAA 7.1 (and 11.2.5, 11.9.2 as Chromium computes names) in the embed builder's dialog,
    opened (each page of the sample: test_rgaa_sample)."""
    open_dash_page(page, f"{live_server.url}/indicateurs/{PLAIN}")
    page.click(f"#{ids.EMBED_OPEN}")
    page.wait_for_selector(f"#{ids.EMBED_DIALOG}[open]")
    found = controls(page)
    # The dialog is modal: the page behind is inert.
    assert {"dialog", "spinbutton", "button"} <= {control["role"] for control in found}
    assert control_problems(found) == []


def focused(page) -> str:
    """The focused element, as « tag#id » (its text when it has no id); « body » when lost."""
    return page.evaluate(
        "(() => { const e = document.activeElement;"
        " return e ? e.tagName.toLowerCase() + '#' + (e.id || e.textContent.trim()) : ''; })()"
    )


def snapshot(page, selector: str) -> str:
    return page.locator(selector).first.aria_snapshot()


def test_every_scripted_component_says_its_state_and_works_by_keyboard_and_pointer(
    page, live_server
):
    """RGAA 7.1 (name, role, state and its changes, read in Chromium's accessibility tree),
    7.3.1 (keyboard and pointer) and 7.3.2 (the focus is never lost), on the indicator page with
    the map: checkboxes, modebar, chart explorer, « Écouter », « Voir les données », « Partager »,
    the builder's dialog, a département of the map."""
    open_dash_page(page, f"{live_server.url}/indicateurs/{WITH_MAP}")
    group = "[role=group][aria-label^='Affichage']"
    # The checkboxes: Space, then a click.
    assert 'checkbox "Afficher les événements" [checked]' in snapshot(page, group)
    page.focus(f"#{ids.SHOW_EVENTS}")
    page.keyboard.press("Space")
    page.wait_for_function(
        f"document.getElementById('{ids.SHOW_EVENTS}').getAttribute('aria-checked') === 'false'"
    )
    assert 'checkbox "Afficher les événements" [checked]' not in snapshot(page, group)
    assert focused(page) == f"button#{ids.SHOW_EVENTS}"
    page.click(f"#{ids.COMPARE}")
    page.wait_for_function(
        f"document.getElementById('{ids.COMPARE}').getAttribute('aria-checked') === 'true'"
    )
    assert 'checkbox "Comparer avec l\'année précédente" [checked]' in snapshot(page, group)
    # The modebar's drag modes: toggle buttons whose state follows a click or Enter.
    evolution = f"section[aria-labelledby='{WITH_MAP}-evolution-titre']"
    page.hover(f"{evolution} .js-plotly-plot")
    page.click(f"{evolution} .modebar-btn[data-val='pan']")
    page.wait_for_function(
        "document.querySelector(\".modebar-btn[data-val='pan']\")"
        ".getAttribute('aria-pressed') === 'true'"
    )
    toolbar = snapshot(page, f"{evolution} .modebar")
    assert 'button "Translation" [pressed]' in toolbar and 'button "Zoom" [pressed]' not in toolbar
    page.focus(f"{evolution} .modebar-btn[data-val='zoom']")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "document.querySelector(\".modebar-btn[data-val='zoom']\")"
        ".getAttribute('aria-pressed') === 'true'"
    )
    # The chart explorer: one Tab stop, named, described by its help; each step is said.
    explorer = f"{evolution} .explore-focus"
    assert re.search(r'application "Évolution par mois, \d+ points"', snapshot(page, evolution))
    live = f"{evolution} [data-explore-tools] [aria-live]"
    page.focus(explorer)
    page.keyboard.press("End")
    last = page.locator(live).text_content()
    assert last, "rien n'est annoncé"
    page.keyboard.press("ArrowLeft")
    page.wait_for_function(
        f"document.querySelector({live!r}).textContent !== {last!r}", timeout=5_000
    )
    assert focused(page).endswith("-exploration")
    # « Point précédent » by Enter, « Point suivant » by a click: the focus stays on the button.
    before = page.locator(live).text_content()
    page.focus(f"{evolution} .explore-previous")
    page.keyboard.press("Enter")
    page.wait_for_function(f"document.querySelector({live!r}).textContent !== {before!r}")
    assert focused(page).endswith("-precedent")
    page.click(f"{evolution} .explore-next")
    page.wait_for_function(f"document.querySelector({live!r}).textContent === {before!r}")
    # « Voir les données »: a native disclosure, Enter then a click.
    summary = f"{evolution} details.chart-data > summary"
    page.focus(summary)
    page.keyboard.press("Enter")
    assert page.locator(f"{evolution} details.chart-data[open]").count() == 1
    page.click(summary)
    assert page.locator(f"{evolution} details.chart-data[open]").count() == 0
    # « Partager »: the result is said in its status region, the focus stays.
    page.focus(f"#{ids.SHARE}")
    page.keyboard.press("Enter")
    page.wait_for_function(f"document.getElementById('{ids.SHARE_STATUS}').textContent !== ''")
    assert focused(page) == f"button#{ids.SHARE}"
    # The builder: a modal dialog named by its title, opened by Enter or a click, closed by
    # Escape or « Fermer », the focus back on the button that opened it.
    page.focus(f"#{ids.EMBED_OPEN}")
    page.keyboard.press("Enter")
    page.wait_for_selector(f"#{ids.EMBED_DIALOG}[open]")
    dialog = snapshot(page, f"#{ids.EMBED_DIALOG}")
    assert dialog.startswith('- dialog "Intégrer ce graphique"'), dialog
    assert page.evaluate(f"document.getElementById('{ids.EMBED_DIALOG}').matches(':modal')")
    assert page.evaluate(
        f"document.getElementById('{ids.EMBED_DIALOG}').contains(document.activeElement)"
    )
    page.keyboard.press("Escape")
    page.wait_for_selector(f"#{ids.EMBED_DIALOG}:not([open])", state="attached")
    assert focused(page) == f"button#{ids.EMBED_OPEN}"
    page.click(f"#{ids.EMBED_OPEN}")
    page.wait_for_selector(f"#{ids.EMBED_DIALOG}[open]")
    page.click(f"#{ids.EMBED_CLOSE}")
    page.wait_for_selector(f"#{ids.EMBED_DIALOG}:not([open])", state="attached")
    assert focused(page) == f"button#{ids.EMBED_OPEN}"
    # A département of the map, by Enter: the charts follow, the focus comes back to its shape.
    shape = f"#{ids.MAP} a[data-departement='33']"
    page.focus(shape)
    page.keyboard.press("Enter")
    page.locator(f"#{ids.MESSAGE}").filter(has_text="Gironde").wait_for()
    page.wait_for_function(
        "document.activeElement && document.activeElement.getAttribute('data-departement') === '33'"
    )
    assert page.locator(f"#{ids.DEPARTEMENT}").input_value() == "33"


def test_choices_change_no_context_by_themselves(page, live_server):
    """RGAA 7.4: a choice in a select or a field redraws the charts below in place (said in the
    status region, 7.5) and changes no context: same page, same title and main heading, the
    focus where the reader left it, no new window."""
    open_dash_page(page, f"{live_server.url}/indicateurs/{WITH_MAP}")
    before = page.evaluate(
        "({path: location.pathname, title: document.title,"
        " h1: document.querySelector('#contenu h1').textContent})"
    )
    steps = [
        (f"#{ids.GRANULARITY}", lambda: page.keyboard.press("End"), "par année"),
        (f"#{ids.DEPARTEMENT}", lambda: page.keyboard.press("ArrowDown"), "Ain"),
        (
            f"#{ids.START}",
            lambda: (page.fill(f"#{ids.START}", "2020-01-01"), page.keyboard.press("Enter")),
            "2020",
        ),
        ("#theme-choix", lambda: page.keyboard.press("End"), None),
    ]
    for selector, act, said in steps:
        page.focus(selector)
        act()
        if said:
            page.locator(f"#{ids.MESSAGE}").filter(has_text=said).wait_for()
        else:
            page.wait_for_function("document.documentElement.dataset.bsTheme === 'dark'")
        after = page.evaluate(
            "({path: location.pathname, title: document.title,"
            " h1: document.querySelector('#contenu h1').textContent})"
        )
        assert after == before, selector
        assert page.evaluate("document.activeElement.id") == selector[1:], selector
    assert len(page.context.pages) == 1


def invalid_state(page, field: str) -> dict:
    """What Chromium's accessibility tree says of a field: invalid, and its description."""
    found = [c for c in controls(page) if c["id"] == field]
    assert len(found) == 1, field
    invalid = found[0]["states"].get("invalid", "false") != "false"
    return {"invalid": invalid, "description": found[0]["description"]}


def near(page, message: str, field: str, distance: float = 200) -> bool:
    """Whether the message is shown within ``distance`` px below or beside its field."""
    return page.evaluate(
        """([message, field, distance]) => {
        const m = document.getElementById(message).getBoundingClientRect();
        const f = document.getElementById(field).getBoundingClientRect();
        return m.width > 0 && m.height > 0 && m.top >= f.top - distance
            && m.top - f.bottom <= distance;
    }""",
        [message, field, distance],
    )


@pytest.mark.parametrize(
    ("where", "field", "entered", "said", "corrected"),
    [
        # The period's end before its start: the start is in error.
        (
            "page",
            ids.START,
            "2023-06-01",
            "La date de début doit précéder la date de fin",
            "2022-04-01",
        ),
        ("builder", ids.EMBED_HEIGHT, "50", "entre 200 et 3000", "400"),
        ("builder", ids.EMBED_FROZEN, "2099-01-01", "ne peut pas être une date future", ""),
        ("builder", ids.EMBED_FROZEN, "2001-01-01", "Choisissez une date plus récente", ""),
    ],
)
def test_a_wrong_entry_is_said_in_text_tied_to_its_field(
    page, live_server, where, field, entered, said, corrected
):
    """RGAA 11.10 and 11.11: a wrong entry is said in visible text next to the fields, which
    says what is expected (the values allowed, the order of the dates); the field is marked
    invalid and described by that text in the accessibility tree, until corrected."""
    open_dash_page(page, f"{live_server.url}/indicateurs/{PLAIN}")
    message = ids.MESSAGE_ERROR
    if where == "builder":
        page.click(f"#{ids.EMBED_OPEN}")
        page.wait_for_selector(f"#{ids.EMBED_DIALOG}[open]")
        message = ids.EMBED_MESSAGE
    else:
        page.fill(f"#{ids.END}", "2022-06-01")
        page.keyboard.press("Enter")
        page.locator(f"#{ids.MESSAGE}").filter(has_text="mis à jour").wait_for()
    # RGAA 7.5.2: the message that says an entry is wrong is an alert.
    assert page.get_attribute(f"#{message}", "role") == "alert"
    assert invalid_state(page, field) == {"invalid": False, "description": ""}
    page.fill(f"#{field}", entered)
    page.keyboard.press("Enter")
    page.locator(f"#{message}").filter(has_text=said).wait_for()
    text = page.locator(f"#{message}").text_content()
    assert page.get_attribute(f"#{field}", "aria-invalid") == "true"
    assert invalid_state(page, field) == {"invalid": True, "description": text}
    assert near(page, message, field), "message loin du champ ou invisible"
    if where != "builder":  # the status no longer says the former result
        assert page.locator(f"#{ids.MESSAGE}").text_content() == ""
    assert page.evaluate("document.activeElement.id") == field  # the reader stays on the field
    page.fill(f"#{field}", corrected)
    page.keyboard.press("Enter")
    page.wait_for_function(
        f"document.getElementById('{field}').getAttribute('aria-invalid') === null"
    )
    assert invalid_state(page, field) == {"invalid": False, "description": ""}


LABEL_BESIDE = """() => [...document.querySelectorAll('label[for]')].map(label => {
  const field = document.getElementById(label.htmlFor);
  if (!field || !field.checkVisibility()) { return null; }
  const l = label.getBoundingClientRect(), f = field.getBoundingClientRect();
  const above = l.bottom <= f.top + 1 && f.top - l.bottom <= 16
      && l.left < f.right && f.left < l.right;
  const left = l.right <= f.left + 1 && f.left - l.right <= 24
      && l.top < f.bottom && f.top < l.bottom;
  return {field: field.id, above, left};
}).filter(Boolean)"""


def test_a_chart_redrawn_by_a_script_has_its_alternatives_redrawn(page, live_server):
    """RGAA 7.2.2: when a choice redraws the evolution chart, its summary and data table follow."""
    open_dash_page(page, f"{live_server.url}/indicateurs/{PLAIN}")
    page.select_option(f"#{ids.GRANULARITY}", "annee")
    page.locator(f"#{ids.MESSAGE}").filter(has_text="par année").wait_for()
    from deferred import draw_every_chart

    draw_every_chart(page)
    block = page.locator(f"section[aria-labelledby='{PLAIN}-evolution-titre']")
    assert "par année" in block.locator("h2").text_content()
    assert " par an, " in block.locator(".chart-summary").text_content()
    rows = block.locator("table tbody th").all_text_contents()
    drawn = block.locator(".js-plotly-plot").evaluate(
        "g => g.data.filter(t => t.meta !== 'comparaison').flatMap(t => t.x.map(String))"
    )
    assert len(set(rows)) == len(rows) and all(re.fullmatch(r"\d{4}( .*)?", r) for r in rows), rows
    assert {r[:4] for r in rows} == {x[:4] for x in drawn}
