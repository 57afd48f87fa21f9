"""The reviewed inventory of the site's fields, groups and buttons (RGAA 11.2 to 11.9, 11.12,
11.13), and the check of a page against it: the URL walk (walk.visit) runs it on every page and
embed the site serves; tests/test_rgaa_forms.py shows it failing and keeps the inventory true.

The inventories are the review: a field, group or button that appears or changes fails the walk
until its label, legend or name has been read and added here.
"""

from __future__ import annotations

import re
import unicodedata

from html_tree import Element

from barometre.web import ids
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
            problems.append(f"case {checkbox.spoken()!r} hors d'un regroupement (11.5)")
        if checkbox.spoken() not in CHECKBOXES:
            problems.append(f"case {checkbox.spoken()!r} hors inventaire (11.2)")
        if checkbox.attrs.get("aria-checked") not in ("true", "false"):
            problems.append(f"case {checkbox.spoken()!r} sans état aria-checked (7.1)")
    for optgroup in document.find_all(lambda e: e.tag == "optgroup"):
        if not optgroup.attrs.get("label", "").strip():
            problems.append("groupe d'options sans label (11.8)")
    for button in document.find_all(is_button):
        visible = button.spoken()
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
