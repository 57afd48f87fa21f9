"""The indicator catalogue: the shipped file is complete, and bad files say what is wrong."""

import copy
import tomllib

import pytest

from barometre.data import catalogue

FAMILIES = {"brigade-numerique", "signalements", "recrutement", "information"}


def test_the_shipped_catalogue_covers_the_four_families_with_at_least_twelve_indicators(
    the_catalogue,
):
    assert {f.id for f in the_catalogue.families} == FAMILIES
    assert len(the_catalogue.indicators) >= 12
    for family in FAMILIES:
        assert the_catalogue.of_family(family), family


@pytest.mark.parametrize(
    ("indicator", "breakdown"),
    [
        ("brigade-numerique-demandes", "motif"),
        ("brigade-numerique-demandes", "heure"),
        ("pre-plainte-en-ligne", "departement"),
        ("pre-plainte-en-ligne", "type-personne"),
        ("perceval-signalements", "departement"),
        ("perceval-montant", "departement"),
        ("site-institutionnel-visites", "appareil"),
        ("site-institutionnel-visites", "source-trafic"),
        ("reseaux-sociaux-abonnes", "reseau"),
    ],
)
def test_required_breakdowns_are_declared(the_catalogue, indicator, breakdown):
    assert breakdown in the_catalogue.indicator(indicator).breakdowns


def test_motifs_are_those_of_the_real_barometre(the_catalogue):
    labels = [label for _, label in the_catalogue.breakdowns["motif"].members]
    assert labels == ["Je m'informe", "Je signale", "Je suis victime"]


def test_departements_are_the_101_insee_codes(the_catalogue):
    codes = the_catalogue.breakdowns["departement"].codes
    assert len(codes) == len(set(codes)) == 101
    assert {"01", "2A", "2B", "75", "971", "976"} <= set(codes)
    assert "20" not in codes


def test_no_facebook_nor_instagram(the_catalogue):
    networks = {label.lower() for _, label in the_catalogue.breakdowns["reseau"].members}
    assert not networks & {"facebook", "instagram"}
    assert {"x", "youtube", "linkedin", "tiktok"} <= networks


def test_every_aggregation_rule_is_used(the_catalogue):
    assert {i.aggregation for i in the_catalogue.indicators} == set(catalogue.AGGREGATIONS)


def raw_catalogue() -> dict:
    return tomllib.loads(catalogue.default_path().read_text(encoding="utf-8"))


def test_an_indicator_is_added_by_data_alone():
    raw = raw_catalogue()
    added = copy.deepcopy(raw["indicateurs"][0])
    added["identifiant"] = "nouvel-indicateur"
    raw["indicateurs"].append(added)
    assert catalogue.parse(raw).indicator("nouvel-indicateur").title == added["titre"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda i: i.update(identifiant="Pas Bon"), "identifiant « Pas Bon » invalide"),
        (lambda i: i.update(famille="inconnue"), "famille « inconnue » inconnue"),
        (lambda i: i.update(agregation="max"), "« agregation » vaut 'max'"),
        (lambda i: i.update(ventilations=["age"]), "ventilation(s) inconnue(s) ['age']"),
        (lambda i: i.update(granularites=["heure"]), "granularité « heure » inconnue"),
        (lambda i: i.update(debut="hier"), "« debut » doit être une date"),
        (lambda i: i.pop("titre"), "le champ « titre »"),
        (lambda i: i.update(decimales=7), "« decimales » doit être un entier de 0 à 3"),
    ],
)
def test_a_bad_indicator_is_refused_with_a_message_that_names_it(change, message):
    raw = raw_catalogue()
    change(raw["indicateurs"][2])
    with pytest.raises(catalogue.CatalogueError) as error:
        catalogue.parse(raw, where="catalogue.toml")
    assert message in str(error.value)
    assert "[[indicateurs]] n° 3" in str(error.value)


def test_a_duplicate_identifier_is_refused():
    raw = raw_catalogue()
    raw["indicateurs"].append(copy.deepcopy(raw["indicateurs"][0]))
    with pytest.raises(catalogue.CatalogueError, match="déclaré deux fois"):
        catalogue.parse(raw)


def test_a_broken_file_names_the_file(tmp_path):
    path = tmp_path / "catalogue.toml"
    path.write_text("[[familles]\n", encoding="utf-8")
    with pytest.raises(catalogue.CatalogueError, match="catalogue.toml : TOML invalide"):
        catalogue.load(path)
