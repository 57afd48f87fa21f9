"""The events file: what a valid file gives, and the French error of each mistake."""

from __future__ import annotations

import datetime as dt

import pytest

from barometre.data import events
from barometre.data.catalogue import CatalogueError


def event(**changes) -> dict:
    entry = {
        "identifiant": "ouverture-thesee",
        "titre": "Ouverture de THESEE",
        "debut": dt.date(2022, 3, 15),
        "description": "Ouverture de THESEE.",
        "concerne": ["thesee-plaintes"],
    }
    entry.update(changes)
    return {key: value for key, value in entry.items() if value is not None}


def test_the_shipped_file_is_valid_and_marks_the_known_dates(the_catalogue):
    shipped = events.load(the_catalogue)
    dates = {e.id: (e.start, e.end) for e in shipped.items}
    assert dates["ouverture-brigade-numerique"] == (dt.date(2018, 2, 27), None)
    assert dates["premier-confinement"] == (dt.date(2020, 3, 17), dt.date(2020, 5, 11))
    assert dates["second-confinement"] == (dt.date(2020, 10, 30), dt.date(2020, 12, 15))
    assert dates["ouverture-thesee"] == (dt.date(2022, 3, 15), None)


def test_an_event_concerns_its_indicators_and_the_indicators_of_its_families(the_catalogue):
    parsed = events.parse(
        {
            "evenements": [
                event(),
                event(identifiant="famille", concerne=["brigade-numerique"], fin=None),
            ]
        },
        the_catalogue,
    )
    of = {i.id: [e.id for e in parsed.concerning(i)] for i in the_catalogue.indicators}
    assert of["thesee-plaintes"] == ["ouverture-thesee"]
    assert of["brigade-numerique-demandes"] == ["famille"]
    assert of["brigade-numerique-delai-reponse"] == ["famille"]
    assert of["thesee-signalements"] == of["pre-plainte-en-ligne"] == []


def test_a_band_has_an_end_and_a_nature(the_catalogue):
    parsed = events.parse(
        {"evenements": [event(fin=dt.date(2022, 4, 1), nature="changement de méthode")]},
        the_catalogue,
    )
    (band,) = parsed.items
    assert (band.end, band.nature, band.last_day) == (
        dt.date(2022, 4, 1),
        "changement de méthode",
        dt.date(2022, 4, 1),
    )
    assert band.overlaps(dt.date(2022, 4, 1), dt.date(2022, 5, 1))
    assert not band.overlaps(dt.date(2022, 4, 2), dt.date(2022, 5, 1))


def test_an_empty_file_declares_no_event(the_catalogue):
    assert events.parse({}, the_catalogue).items == ()


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ([event(identifiant=None)], "le champ « identifiant » (texte non vide) est obligatoire"),
        ([event(identifiant="Ouverture THESEE")], "minuscules, chiffres et tirets seulement"),
        ([event(titre="")], "« titre » (texte non vide) est obligatoire"),
        ([event(description=None)], "« description » (texte non vide) est obligatoire"),
        ([event(debut="2022-03-15")], "« debut » doit être une date AAAA-MM-JJ, sans guillemets"),
        ([event(fin="demain")], "« fin » doit être une date AAAA-MM-JJ"),
        ([event(fin=dt.date(2022, 3, 1))], "« fin » (2022-03-01) précède « debut » (2022-03-15)"),
        ([event(concerne=None)], "« concerne » doit être une liste non vide"),
        ([event(concerne=[])], "« concerne » doit être une liste non vide"),
        ([event(concerne="thesee-plaintes")], "« concerne » doit être une liste non vide"),
        ([event(concerne=["thesee", "thesee-plaintes"])], "« concerne » cite ['thesee']"),
        ([event(nature="fête")], "« nature » vaut 'fête' ; valeurs admises"),
        ([event(), event()], "l'événement « ouverture-thesee » est déclaré deux fois"),
    ],
)
def test_each_mistake_is_named_with_where_and_how_to_fix(the_catalogue, entries, message):
    with pytest.raises(CatalogueError, match="^ici ") as raised:
        events.parse({"evenements": entries}, the_catalogue, where="ici")
    assert message in str(raised.value)


def test_an_unknown_identifier_lists_the_known_ones(the_catalogue):
    with pytest.raises(CatalogueError) as raised:
        events.parse({"evenements": [event(concerne=["inconnu"])]}, the_catalogue, where="ici")
    text = str(raised.value)
    assert "ici [[evenements]] n° 1 (« ouverture-thesee ») : « concerne » cite" in text
    assert "'thesee-plaintes'" in text and "'signalements'" in text


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "fichier des événements introuvable"), ("[[evenements]\n", "TOML invalide")],
)
def test_an_unreadable_file_is_named(the_catalogue, tmp_path, content, message):
    path = tmp_path / "evenements.toml"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(CatalogueError, match=message) as raised:
        events.load(the_catalogue, path)
    assert str(raised.value).startswith(str(path))


def test_the_app_reads_the_events_file_named_by_the_setting(demo_settings, tmp_path):
    from dataclasses import replace

    from barometre.web.app import create_app

    path = tmp_path / "evenements.toml"
    path.write_text(
        '[[evenements]]\nidentifiant = "essai"\ntitre = "Essai"\ndebut = 2024-01-01\n'
        'description = "Essai."\nconcerne = ["thesee-plaintes"]\n',
        encoding="utf-8",
    )
    app = create_app(replace(demo_settings, events=str(path)))
    assert [e.id for e in app.services.events.items] == ["essai"]
