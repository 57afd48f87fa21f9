"""Personal-data guard: only aggregated figures may enter the store.

A file is refused, before anything is written, when a column name or a cell looks like data about
a person: e-mail addresses, French phone numbers, IBANs (checked with their mod-97 key), licence
plates, street addresses, case or ticket numbers, free text. The checks run on the distinct
values of each column, so that a million-row file costs little. They err on the side of refusing:
an operator can always aggregate a file again, personal data published cannot be taken back.
"""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

MAX_FINDINGS = 10

# Column names, compared word by word after removing accents (« Prénom » → prenom).
PERSONAL_COLUMNS = {
    "nom": "nom de personne",
    "noms": "nom de personne",
    "prenom": "prénom",
    "prenoms": "prénom",
    "name": "nom de personne",
    "firstname": "prénom",
    "lastname": "nom de personne",
    "email": "adresse e-mail",
    "mail": "adresse e-mail",
    "courriel": "adresse e-mail",
    "telephone": "numéro de téléphone",
    "tel": "numéro de téléphone",
    "phone": "numéro de téléphone",
    "mobile": "numéro de téléphone",
    "portable": "numéro de téléphone",
    "adresse": "adresse postale",
    "address": "adresse postale",
    "rue": "adresse postale",
    "iban": "coordonnées bancaires",
    "rib": "coordonnées bancaires",
    "bic": "coordonnées bancaires",
    "immatriculation": "plaque d'immatriculation",
    "plaque": "plaque d'immatriculation",
    "commentaire": "texte libre",
    "commentaires": "texte libre",
    "comment": "texte libre",
    "remarque": "texte libre",
    "message": "texte libre",
    "texte": "texte libre",
    "description": "texte libre",
    "dossier": "numéro de dossier",
    "ticket": "numéro de ticket",
    "naissance": "date de naissance",
    "nir": "numéro de sécurité sociale",
    "ip": "adresse IP",
}

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?<![\d])(?:(?:\+|00)33[\s.-]?[1-9]|0[1-9])(?:[\s.-]?\d{2}){4}(?![\d])")
IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]){11,30}\b")
PLATE = re.compile(r"\b[A-HJ-NP-TV-Z]{2}[- ]?\d{3}[- ]?[A-HJ-NP-TV-Z]{2}\b")
STREET = re.compile(
    r"\b\d{1,4}\s*(?:bis|ter)?,?\s+(?:rue|avenue|av\.|boulevard|bd|place|chemin|impasse|all[ée]e"
    r"|route|quai|cours|square|passage|lotissement|lieu-dit)\b",
    re.IGNORECASE,
)
CASE_NUMBER = re.compile(
    r"(?:\b(?:dossier|ticket|affaire|plainte|proc[ée]dure|pv|r[ée]f[ée]rence|ref)\b\s*"
    r"(?:n[°o]\.?|num[ée]ro|#)?\s*[:#]?\s*[A-Z0-9][A-Z0-9/-]{3,})"
    r"|\b\d{4}/\d{5,}\b|\b[A-Z]{2,5}-\d{4}-\d{4,}\b",
    re.IGNORECASE,
)
IPV4 = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")
# Free text: a sentence rather than a code or a label (labels of the catalogue have few words).
FREE_TEXT_WORDS = 7
FREE_TEXT_LENGTH = 80

VALUE_CHECKS = (
    (EMAIL, "une adresse e-mail"),
    (PHONE, "un numéro de téléphone"),
    (STREET, "une adresse postale"),
    (PLATE, "une plaque d'immatriculation"),
    (CASE_NUMBER, "un numéro de dossier ou de ticket"),
    (IPV4, "une adresse IP"),
)


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def iban_valid(candidate: str) -> bool:
    """Return whether ``candidate`` is an IBAN with a correct mod-97 check."""
    compact = candidate.replace(" ", "").upper()
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}", compact):
        return False
    rearranged = compact[4:] + compact[:4]
    digits = "".join(str(int(c, 36)) for c in rearranged)
    return int(digits) % 97 == 1


def column_findings(columns: list[str]) -> list[str]:
    """Return a French explanation for every column whose name suggests personal data."""
    findings = []
    for column in columns:
        words = re.split(r"[^a-z0-9]+", _plain(str(column)))
        kinds = {PERSONAL_COLUMNS[w] for w in words if w in PERSONAL_COLUMNS}
        if kinds:
            findings.append(
                f"colonne « {column} » : son nom évoque une donnée personnelle "
                f"({', '.join(sorted(kinds))})."
            )
    return findings


def value_finding(value: str) -> str | None:
    """Return what personal data ``value`` looks like, or ``None``."""
    text = value.strip()
    if len(text) < 6:
        return None
    for pattern, kind in VALUE_CHECKS:
        if pattern.search(text):
            return kind
    for match in IBAN.finditer(text.upper()):
        if iban_valid(match.group(0)):
            return "un IBAN"
    if len(text) >= FREE_TEXT_LENGTH or len(text.split()) >= FREE_TEXT_WORDS:
        return "du texte libre"
    return None


def check(raw: pd.DataFrame | None, columns: list[str], unit: str = "ligne") -> list[str]:
    """Return French explanations of what looks like personal data in a table (empty if none).

    ``raw`` holds the file's cells as text; ``unit`` names what a row is (« ligne »,
    « élément »), the first row of data being line 2 of a CSV file and element 1 of a JSON one.
    """
    findings = column_findings(columns)
    if raw is None:
        return findings
    first = 2 if unit == "ligne" else 1
    for column in raw.columns:
        values = raw[column].astype(str)
        # Short cells (codes, dates, small numbers) cannot hold any of the patterns: skip them.
        distinct = pd.unique(values[values.str.len() >= 6])
        for value in distinct:
            kind = value_finding(value)
            if kind is None:
                continue
            position = int((values == value).to_numpy().argmax()) + first
            shown = value if len(value) <= 40 else value[:37] + "…"
            findings.append(
                f"{unit} {position}, colonne « {column} » : « {shown} » ressemble à {kind}."
            )
            if len(findings) >= MAX_FINDINGS:
                return findings
    return findings
