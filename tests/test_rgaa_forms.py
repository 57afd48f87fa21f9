"""RGAA 4.1, theme 11 (forms) and theme 7 (scripts), criteria 11.2 to 11.13 and 7.1 to 7.4.

Two halves. In-process, over every page the site serves (every page of the site map, every
indicator in each granularity and display, every département page, every embed and the 404):
each field, group and button is one of a reviewed inventory, labelled as reviewed, its label
beside it; no field asks anything of the reader (11.13), no form writes anything (11.12). In
Chromium, through the accessibility tree (Playwright's ARIA snapshots and Chromium's own tree):
every scripted component has a name, a role and its state (7.1), works with the keyboard and a
pointer without losing the focus (7.3), changes no context by itself (7.4), and a wrong entry is
said in text, next to its field and tied to it (11.10, 11.11).

The inventories are the review: a field, group or button that appears or changes fails these
tests until its label, legend or name has been read and added here.
"""

from __future__ import annotations

import re
import unicodedata

import pytest
import walk
from html_tree import Element

from barometre.config import Settings
from barometre.urls import Urls
from barometre.web import ids
from barometre.web.app import create_app
from barometre.web.prerender import ID_PREFIX

# -- the reviewed inventories --------------------------------------------------------------------

# Every field of the site, by id: its label (RGAA 11.2, read for relevance: the builder's fields
# sit in the modal dialog « Intégrer ce graphique », which names what they set) and its kind.
# None asks for information about the reader (11.13): they set what a page or an embed shows.
FIELDS = {
    "theme-choix": ("Thème", "select"),
    ids.START: ("Début de la période", "date"),
    ids.END: ("Fin de la période", "date"),
    ids.GRANULARITY: ("Regrouper par", "select"),
    ids.DEPARTEMENT: ("Département", "select"),
    ids.EMBED_START: ("Début de la période (vide\u00a0: depuis le début)", "date"),
    ids.EMBED_END: ("Fin de la période (vide\u00a0: jusqu'aux dernières données)", "date"),
    ids.EMBED_GRANULARITY: ("Regrouper par", "select"),
    ids.EMBED_BREAKDOWN: ("Ventilation", "select"),
    ids.EMBED_THEME: ("Thème", "select"),
    ids.EMBED_HEIGHT: ("Hauteur minimale en pixels (200 à 3000)", "number"),
    ids.EMBED_FROZEN: ("Figer les données au (vide\u00a0: suivre les mises à jour)", "date"),
    ids.EMBED_CODE: ("Code à copier", "textarea"),
}

# Every group (fieldset or role="group") holding fields or checkboxes, by its legend (11.6,
# 11.7). The period's start and end need none: each label says « de la période » (RGAA
# glossary, « Légende », note 1).
GROUP_LEGENDS = {"Affichage des graphiques d'évolution", "Affichage du graphique"}

# Every button's name (11.9), as patterns: the explore buttons are named in their group,
# « Parcourir le graphique « … » », which a screen reader says on entering it.
BUTTONS = [
    "Partager",
    "Intégrer ce graphique",
    "Copier le code",
    "Fermer",
    "Point précédent",
    "Point suivant",
    "Écouter",
    "Masquer les données",
]
# Checkboxes (role="checkbox" on a button): named by their visible label, with their state.
CHECKBOXES = {label for _, label in ids.DISPLAY_CHECKBOXES}

# Input types and autocomplete tokens of information about the reader (HTML's autofill field
# names, RGAA glossary « Liste des valeurs possibles pour l'attribut autocomplete »): none may
# appear without criterion 11.13 being audited again.
PERSONAL_TYPES = {"email", "tel", "password", "url", "file"}
PERSONAL_WORDS = re.compile(
    r"\b(nom|prénom|courriel|e-?mail|adresse|téléphone|code postal|naissance|identifiant"
    r"|mot de passe|organisation|sexe|carte)\b",
    re.IGNORECASE,
)
FIELD_TAGS = ("input", "select", "textarea")


# -- reading a page -------------------------------------------------------------------------------


def bare(identifier: str) -> str:
    """An id of the server's copy without the copy's prefix."""
    return identifier.removeprefix(ID_PREFIX)


def words(text: str) -> str:
    """Text compared as a reader hears it: case, punctuation and spacing aside (RGAA 11.2.5 and
    11.9.2, « cas particuliers »)."""
    text = unicodedata.normalize("NFC", text).casefold()
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def is_field(element: Element) -> bool:
    return element.tag in FIELD_TAGS and element.attrs.get("type") != "hidden"


def kind(element: Element) -> str:
    return element.attrs.get("type", "text") if element.tag == "input" else element.tag


def is_button(element: Element) -> bool:
    role = element.attrs.get("role")
    if role is not None:
        return role == "button"
    return element.tag == "button" or (
        element.tag == "input" and element.attrs.get("type") in ("button", "submit", "reset")
    )


def form_problems(document: Element) -> list[str]:
    """What a page's fields, groups, buttons and forms break of RGAA 11.2 to 11.9, 11.12 and
    11.13, against the reviewed inventories above."""
    problems = []
    labels = {
        bare(e.attrs["for"]): e for e in document.iter() if e.tag == "label" and "for" in e.attrs
    }
    parents = {id(child): parent for parent in document.iter() for child in parent.children}
    for field in document.find_all(is_field):
        name = bare(field.attrs.get("id", ""))
        if name not in FIELDS:
            what = name or field.attrs
            problems.append(f"champ {field.tag} {what} hors inventaire (11.2, 11.13)")
            continue
        expected, expected_kind = FIELDS[name]
        label = labels.get(name)
        if kind(field) != expected_kind:
            problems.append(f"champ {name} de type {kind(field)}, pas {expected_kind} (11.13)")
        if label is None or label.text() != expected:
            found = label.text() if label is not None else None
            problems.append(f"champ {name} : étiquette {found!r}, pas {expected!r} (11.2, 11.3)")
        elif "visually-hidden" in label.classes:
            problems.append(f"champ {name} : étiquette masquée (11.4)")
        else:
            # Beside its field: the label is the element just before it, in the same parent.
            siblings = [c for c in parents[id(field)].children if isinstance(c, Element)]
            at = siblings.index(field)
            if at == 0 or siblings[at - 1] is not label:
                problems.append(f"champ {name} : étiquette éloignée du champ (11.4)")
        for attribute in ("aria-label", "aria-labelledby", "title"):
            if attribute in field.attrs:
                problems.append(f"champ {name} : {attribute} en plus de l'étiquette (11.2)")
        if kind(field) in PERSONAL_TYPES or PERSONAL_WORDS.search(expected):
            problems.append(f"champ {name} : information sur l'utilisateur (11.13)")
        if field.attrs.get("autocomplete", "off") != "off":
            problems.append(f"champ {name} : autocomplete {field.attrs['autocomplete']} (11.13)")
    for group in document.find_all(
        lambda e: e.tag == "fieldset" or e.attrs.get("role") in ("group", "radiogroup")
    ):
        members = group.find_all(
            lambda e: is_field(e) or e.attrs.get("role") in ("checkbox", "radio", "switch")
        )
        if not members:
            continue  # a group of buttons or links (chart tools, downloads): no fields
        legend = group.find(lambda e: e.tag == "legend") if group.tag == "fieldset" else None
        name = legend.text() if legend is not None else group.attrs.get("aria-label", "")
        if name not in GROUP_LEGENDS:
            problems.append(f"regroupement {name!r} hors inventaire ou sans légende (11.6, 11.7)")
    for checkbox in document.find_all(lambda e: e.attrs.get("role") in ("checkbox", "radio")):
        group = checkbox
        while id(group) in parents and group.attrs.get("role") not in ("group", "radiogroup"):
            group = parents[id(group)]
        if group.attrs.get("role") not in ("group", "radiogroup"):
            problems.append(f"case {checkbox.text()!r} hors d'un regroupement (11.5)")
        if checkbox.text() not in CHECKBOXES:
            problems.append(f"case {checkbox.text()!r} hors inventaire (11.2)")
        if checkbox.attrs.get("aria-checked") not in ("true", "false"):
            problems.append(f"case {checkbox.text()!r} sans état aria-checked (7.1)")
    for optgroup in document.find_all(lambda e: e.tag == "optgroup"):
        if not optgroup.attrs.get("label", "").strip():
            problems.append("groupe d'options sans label (11.8)")
    for button in document.find_all(is_button):
        visible = button.text()
        name = button.attrs.get("aria-label") or visible
        if name not in BUTTONS:
            problems.append(f"bouton {name!r} hors inventaire (11.9)")
        for attribute in ("aria-label", "title"):
            if attribute in button.attrs and words(visible) not in words(button.attrs[attribute]):
                problems.append(
                    f"bouton {visible!r} : {attribute} {button.attrs[attribute]!r} sans "
                    "l'intitulé visible (11.9)"
                )
    # Nothing the reader enters is sent anywhere: no form has an action, a POST or a submit.
    for form in document.find_all(lambda e: e.tag == "form" or e.attrs.get("role") == "form"):
        if {"action", "method"} & set(form.attrs) or form.find(
            lambda e: e.attrs.get("type") in ("submit", "image")
        ):
            problems.append("formulaire qui envoie des données : le critère 11.12 est à auditer")
    return problems


# -- the space ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(demo_settings, tmp_path_factory):
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("formulaires"), database_url=demo_settings.database_url
    )
    return create_app(settings).server.test_client(), Urls(settings.url_prefix)


def every_url(client, urls: Urls) -> list[str]:
    """Every page kind the site serves, from its own lists: the site map's pages, every indicator
    in each granularity and display, every département page, every embed and its breakdowns,
    the 404."""
    sitemap = walk.copy_document(client.get(urls.path("/plan-du-site")).get_data(as_text=True))
    found = sorted(
        {
            a.attrs["href"]
            for a in sitemap.find_all(lambda e: e.tag == "a")
            if a.attrs.get("href", "").startswith("/")
        }
    )
    for indicator in walk.indicators(client, urls):
        found += [urls.indicator(indicator.id, granularite=g) for g in indicator.granularities]
        found += [urls.indicator(indicator.id, **d.params()) for d in walk.DISPLAYS if d.params()]
        found += walk.departement_urls(urls, indicator)
        found.append(urls.path(f"/embed/{indicator.id}"))
        found += [
            urls.path(f"/embed/{indicator.id}", ventilation=dimension)
            for dimension in indicator.breakdowns
        ]
    found.append(urls.path("/page-qui-n-existe-pas"))
    return found


def test_every_field_group_and_button_is_labelled_as_reviewed(site):
    """RGAA 11.2 to 11.9, 11.12, 11.13 over every page kind the site serves."""
    client, urls = site
    found, seen_fields, seen_buttons = {}, set(), set()
    all_urls = every_url(client, urls)
    for url in all_urls:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        document = walk.copy_document(response.get_data(as_text=True))
        problems = form_problems(document)
        if problems:
            found[url] = problems
        seen_fields |= {bare(e.attrs.get("id", "")) for e in document.find_all(is_field)}
        seen_buttons |= {e.text() for e in document.find_all(is_button)}
    assert len(all_urls) > 300
    assert found == {}
    # The inventories hold nothing the site no longer has: each entry was met on some page.
    assert seen_fields == set(FIELDS)
    assert seen_buttons == set(BUTTONS)


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
            LABELLED.replace('class=""', "").replace("<label", '<label class="visually-hidden"')
            + "</div>",
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
