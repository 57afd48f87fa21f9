"""The personal-data guard: what looks like a person is refused, aggregated figures pass."""

import pandas as pd
import pytest

from barometre.data import guard

PERSONAL_VALUES = [
    ("jean.dupont@example.fr", "une adresse e-mail"),
    ("contact+test@gendarmerie.interieur.gouv.fr", "une adresse e-mail"),
    ("06 12 34 56 78", "un numéro de téléphone"),
    ("0612345678", "un numéro de téléphone"),
    ("+33 6 12 34 56 78", "un numéro de téléphone"),
    ("01.23.45.67.89", "un numéro de téléphone"),
    ("FR76 3000 6000 0112 3456 7890 189", "un IBAN"),
    ("FR7630006000011234567890189", "un IBAN"),
    ("AB-123-CD", "une plaque d'immatriculation"),
    ("GH 456 JK", "une plaque d'immatriculation"),
    ("12 rue de la Paix", "une adresse postale"),
    ("3 bis, avenue Foch", "une adresse postale"),
    ("Dossier n° PP-2024-001234", "un numéro de dossier ou de ticket"),
    ("ticket #A1B2C3", "un numéro de dossier ou de ticket"),
    ("2024/0012345", "un numéro de dossier ou de ticket"),
    ("192.168.1.10", "une adresse IP"),
    ("le plaignant a appelé deux fois pour son vélo volé", "du texte libre"),
]

AGGREGATES = [
    "pre-plainte-en-ligne",
    "2024-03-01",
    "01/03/2024",
    "1234567",
    "1 234 567,5",
    "12.5",
    "je-suis-victime",
    "Gendarme adjoint volontaire",
    "Territoire de Belfort",
    "departement",
    "moteurs-de-recherche",
    "FR7630006000011234567890188",  # wrong IBAN key: not an IBAN
]


@pytest.mark.parametrize(("value", "kind"), PERSONAL_VALUES)
def test_personal_values_are_recognised(value, kind):
    assert guard.value_finding(value) == kind


@pytest.mark.parametrize("value", AGGREGATES)
def test_aggregated_values_pass(value):
    assert guard.value_finding(value) is None


@pytest.mark.parametrize(
    ("column", "kind"),
    [
        ("nom", "nom de personne"),
        ("Prénom", "prénom"),
        ("E-mail", "adresse e-mail"),
        ("Téléphone portable", "numéro de téléphone"),
        ("adresse_postale", "adresse postale"),
        ("IBAN", "coordonnées bancaires"),
        ("immatriculation", "plaque d'immatriculation"),
        ("Commentaires", "texte libre"),
        ("numero_dossier", "numéro de dossier"),
        ("n° ticket", "numéro de ticket"),
    ],
)
def test_personal_column_names_are_recognised(column, kind):
    (finding,) = guard.column_findings([column])
    assert f"« {column} »" in finding and kind in finding


def test_the_columns_of_the_format_pass():
    assert guard.column_findings(["indicateur", "date", "ventilation", "membre", "valeur"]) == []


def test_check_names_the_line_and_column_of_the_first_occurrence():
    raw = pd.DataFrame({"membre": ["", "35", "x@y.fr", "x@y.fr"], "valeur": ["1", "2", "3", "4"]})
    (finding,) = guard.check(raw, list(raw.columns))
    assert finding.startswith("ligne 4, colonne « membre » : « x@y.fr »")
