"""Loading files: every format of tests/data/bons loads, every file of tests/data/mauvais is refused
with its French explanation and leaves the store byte for byte as it was; a file loaded twice
changes nothing; a correction is logged; the command line, drop folder and lock behave."""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from barometre.cli import main
from barometre.config import Settings
from barometre.data import ingest

DATA = Path(__file__).parent / "data"
TODAY = dt.date(2026, 11, 15)

GOOD = [
    # file, detected format (as said to the operator), rows added
    ("projet.csv", "CSV du projet (séparateur virgule, encodage UTF-8)", 5),
    (
        "tableur-windows-1252.csv",
        "CSV tableur français (séparateur ;, encodage Windows-1252, virgule décimale)",
        5,
    ),
    ("tableur-utf8-bom.csv", "CSV tableur français (séparateur ;, encodage UTF-8 avec BOM", 2),
    ("api.json", "JSON d'observations (format de l'API", 2),
    ("api-liste.json", "JSON d'observations", 2),
    ("paquet-donnees.csv", "CSV du projet", 2),
    ("matomo-visites.json", "export Matomo (VisitsSummary.get)", 2),
    ("matomo-sources.json", "export Matomo (Referrers.getReferrerType)", 4),
    ("matomo-appareils.json", "export Matomo (DevicesDetection.getType)", 3),
]

# What the store holds after each good file: (indicator, dimension, member, date) -> value.
EXPECTED_VALUES = {
    "tableur-windows-1252.csv": {
        ("brigade-numerique-demandes", "", "", "2024-03-01"): 1234,
        ("brigade-numerique-demandes", "motif", "je-m-informe", "2024-03-01"): 1000,
        ("brigade-numerique-delai-reponse", "", "", "2024-03-01"): 7.5,
    },
    "tableur-utf8-bom.csv": {("perceval-montant", "", "", "2024-03-02"): 1234567},
    "paquet-donnees.csv": {("perceval-signalements", "departement", "2A", "2024-03-05"): 3},
    "matomo-sources.json": {
        ("site-institutionnel-visites", "source-trafic", "moteurs-de-recherche", "2024-03-01"): 5000
    },
    "matomo-appareils.json": {
        ("site-institutionnel-visites", "appareil", "smartphone", "2024-03-01"): 5500
    },
}

BAD = [
    # file, fragments the explanation must contain
    (
        "indicateur-inconnu.csv",
        [
            "ligne 2",
            "« indicateur »",
            "« pre-plainte-en-lign »",
            "indicateur inconnu",
            "vouliez-vous dire « pre-plainte-en-ligne »",
        ],
    ),
    (
        "ventilation-inconnue.csv",
        ["ligne 2", "« ventilation »", "« motif »", "attendu : departement, type-personne"],
    ),
    ("membre-inconnu.csv", ["ligne 2", "« membre »", "« 999 »", "membre inconnu"]),
    (
        "date-avant-debut.csv",
        ["« 2001-03-01 »", "antérieure au début de l'indicateur (01/03/2013)"],
    ),
    ("date-futur.csv", ["« 2099-03-01 »", "date dans le futur"]),
    ("date-invalide.csv", ["« 31/02/2024 »", "AAAA-MM-JJ ou JJ/MM/AAAA"]),
    ("valeur-negative.csv", ["« valeur »", "« -4 »", "ne peut pas être négatif"]),
    ("valeur-texte.csv", ["« douze »", "un nombre est attendu"]),
    ("valeur-decimale.csv", ["« 12.5 »", "nombre entier est attendu"]),
    ("doublon.csv", ["ligne 3", "doublon", "qu'à la ligne 2"]),
    (
        "somme-incoherente.csv",
        ["ligne 2", "« 12 »", "différent de la somme", "« type-personne » (11)"],
    ),
    ("vide.csv", ["le fichier est vide"]),
    ("entete-seule.csv", ["aucune donnée"]),
    ("tronque.csv", ["ligne 3", "tronqué"]),
    ("tronque.json", ["JSON illisible ligne 2", "tronqué"]),
    ("encodage.csv", ["ligne 2", "octet 0x81", "UTF-8", "Windows-1252"]),
    ("utf16.csv", ["encodage non pris en charge"]),
    ("colonne-manquante.csv", ["obligatoire(s) absente(s) : date"]),
    ("champs-en-trop.csv", ["ligne 2 : 6 champs au lieu de 5"]),
    ("json-inconnu.json", ["JSON non reconnu"]),
    ("matomo-libelle.json", ["« Campaigns »", "non pris en charge", "« Direct Entry »"]),
    ("colonne-nom.csv", ["données personnelles", "colonne « nom »", "nom de personne"]),
    ("colonne-commentaire.csv", ["données personnelles", "« Commentaire »", "texte libre"]),
    ("valeur-email.csv", ["données personnelles", "ligne 2", "adresse e-mail"]),
    ("valeur-telephone.csv", ["numéro de téléphone"]),
    ("valeur-iban.csv", ["un IBAN"]),
    ("valeur-plaque.csv", ["plaque d'immatriculation"]),
    ("valeur-adresse.csv", ["adresse postale"]),
    ("valeur-dossier.csv", ["numéro de dossier ou de ticket"]),
    ("valeur-texte-libre.csv", ["texte libre"]),
    (
        "plusieurs-erreurs.csv",
        [
            "ligne 2, colonne « valeur » : valeur « -1 »",
            "ligne 3, colonne « date »",
            "ligne 4, colonne « membre »",
            "ligne 4, colonne « valeur » : valeur « x »",
        ],
    ),
]


def fingerprint(settings: Settings) -> str:
    """Return a hash of the SQLite file and its WAL: equal means byte-for-byte unchanged."""
    digest = hashlib.sha256()
    database = Path(settings.database_url.removeprefix("sqlite:///"))
    for path in (database, database.with_name(database.name + "-wal")):
        digest.update(path.read_bytes() if path.exists() else b"-")
    return digest.hexdigest()


def load(path, store, the_catalogue, settings, **options):
    """Load and publish a file: these tests are about loading (the draft: test_publishing_cli)."""
    options.setdefault("publish", True)
    return ingest.ingest_file(path, store, the_catalogue, settings, today=TODAY, **options)


def value(store, indicator, dimension, member, date):
    frame = store._read(
        "SELECT value FROM observations WHERE indicator = ? AND dimension = ? AND member = ?"
        " AND date = ? AND replaced_in IS NULL",
        (indicator, dimension, member, date),
    )
    return None if frame.empty else float(frame["value"].iloc[0])


def test_the_corpus_has_every_file_in_the_tables():
    assert {f for f, *_ in GOOD} == {p.name for p in (DATA / "bons").iterdir()}
    assert {f for f, _ in BAD} == {p.name for p in (DATA / "mauvais").iterdir()}


@pytest.mark.parametrize(("name", "detected", "added"), GOOD)
def test_good_files_load_and_say_their_format(
    name, detected, added, empty_store, the_catalogue, settings
):
    said = []
    report = load(DATA / "bons" / name, empty_store, the_catalogue, settings, log=said.append)
    assert report.status == "charge", report.errors
    assert detected in report.description and detected in said[0]
    assert report.summary.added == added
    assert empty_store.data_version() == 1
    for key, expected in EXPECTED_VALUES.get(name, {}).items():
        assert value(empty_store, *key) == expected


@pytest.mark.parametrize(("name", "fragments"), BAD)
def test_bad_files_are_refused_and_change_nothing(
    name, fragments, empty_store, the_catalogue, settings
):
    load(DATA / "bons" / "projet.csv", empty_store, the_catalogue, settings)
    before, version = fingerprint(settings), empty_store.data_version()
    report = load(DATA / "mauvais" / name, empty_store, the_catalogue, settings)
    assert report.status == "rejete" and report.summary is None
    text = "\n".join(report.errors)
    assert all(line.startswith(name) for line in report.errors)
    for fragment in fragments:
        assert fragment in text
    assert fingerprint(settings) == before
    assert empty_store.data_version() == version


def test_a_file_too_large_is_refused_before_reading(tmp_path, empty_store, the_catalogue):
    settings = Settings(data_dir=tmp_path, max_file_mb=1)
    big = tmp_path / "gros.csv"
    big.write_bytes(b"indicateur,date,ventilation,membre,valeur\n" + b"x" * (1024 * 1024 + 1))
    report = load(big, empty_store, the_catalogue, settings)
    assert report.status == "rejete"
    assert "trop volumineux" in report.errors[0] and "limite 1 Mo" in report.errors[0]


def test_errors_are_all_listed_up_to_the_limit(tmp_path, empty_store, the_catalogue):
    settings = Settings(data_dir=tmp_path, max_errors=5)
    rows = [f"thesee-plaintes,2024-01-{day:02d},,,-{day}" for day in range(1, 21)]
    path = tmp_path / "negatifs.csv"
    path.write_text("indicateur,date,ventilation,membre,valeur\n" + "\n".join(rows) + "\n")
    report = load(path, empty_store, the_catalogue, settings)
    assert len(report.errors) == 6 and report.rejected == 20
    assert "ligne 2," in report.errors[0] and "ligne 6," in report.errors[4]
    assert "… et 15 autres erreurs non affichées" in report.errors[5]


def test_the_same_file_twice_changes_nothing(empty_store, the_catalogue, settings):
    first = load(DATA / "bons" / "projet.csv", empty_store, the_catalogue, settings)
    before = fingerprint(settings)
    second = load(DATA / "bons" / "projet.csv", empty_store, the_catalogue, settings)
    assert second.status == "deja-charge" and second.previous["id"] == first.summary.update_id
    assert fingerprint(settings) == before


def test_a_correction_replaces_the_value_and_keeps_the_old_one(
    tmp_path, empty_store, the_catalogue, settings
):
    load(DATA / "bons" / "api.json", empty_store, the_catalogue, settings)
    fixed = tmp_path / "correction.csv"
    fixed.write_text("indicateur,date,valeur\nthesee-plaintes,2024-03-01,311\n")
    report = load(fixed, empty_store, the_catalogue, settings, source="THESEE")
    assert (report.summary.added, report.summary.corrected) == (0, 1)
    assert value(empty_store, "thesee-plaintes", "", "", "2024-03-01") == 311
    changes = empty_store.changes(empty_store.last_publication())
    assert changes[["old", "new"]].values.tolist() == [[310.0, 311.0]]
    assert empty_store.updates()["source"].iloc[0] == "THESEE"


def test_a_dry_run_writes_nothing(empty_store, the_catalogue, settings):
    before = fingerprint(settings)
    report = load(DATA / "bons" / "projet.csv", empty_store, the_catalogue, settings, dry_run=True)
    assert report.status == "essai" and report.rows == 5
    assert fingerprint(settings) == before


# -- command line ----------------------------------------------------------------------------


@pytest.fixture
def run(tmp_path):
    env = {"BAROMETRE_DATA_DIR": str(tmp_path / "donnees")}

    def invoke(*args):
        return CliRunner().invoke(main, list(args), env=env)

    assert invoke("init").exit_code == 0
    return invoke


def test_the_command_reports_a_summary_and_fails_on_a_bad_file(run):
    good = run("ingest", "--publier", str(DATA / "bons" / "projet.csv"))
    assert good.exit_code == 0, good.output
    assert "Format détecté" not in good.output  # said once, in lower case, per file
    assert "format détecté : CSV du projet" in good.output
    assert "5 ajoutées, 0 corrigées, 0 inchangées ; version des données 1" in good.output
    again = run("ingest", str(DATA / "bons" / "projet.csv"))
    assert again.exit_code == 0 and "déjà chargé, rien à faire" in again.output
    bad = run("ingest", str(DATA / "mauvais" / "plusieurs-erreurs.csv"))
    assert bad.exit_code == 1
    assert "REFUSÉ, rien n'a été écrit" in bad.output
    assert "rejetées 3 ; version des données 1" in bad.output
    assert "Traceback" not in bad.output


def test_the_drop_folder_files_accepted_and_rejected_files(run, tmp_path):
    drop = tmp_path / "depot"
    drop.mkdir()
    for name in ("projet.csv", "api.json"):
        (drop / name).write_bytes((DATA / "bons" / name).read_bytes())
    (drop / "b-doublon.csv").write_bytes((DATA / "mauvais" / "doublon.csv").read_bytes())
    (drop / "en-cours.csv.part").write_text("incomplet")
    result = run("ingest", "--dossier", str(drop))
    assert result.exit_code == 1
    order = [line.split(" ")[0] for line in result.output.splitlines() if "→" in line]
    assert order == ["api.json", "b-doublon.csv", "projet.csv"]  # name order
    assert sorted(p.name for p in (drop / "traités").iterdir()) == ["api.json", "projet.csv"]
    assert sorted(p.name for p in (drop / "rejetés").iterdir()) == [
        "b-doublon.csv",
        "b-doublon.csv.erreurs.txt",
    ]
    report = (drop / "rejetés" / "b-doublon.csv.erreurs.txt").read_text(encoding="utf-8")
    assert "doublon" in report and "ligne 3" in report
    assert sorted(p.name for p in drop.iterdir() if p.is_file()) == ["en-cours.csv.part"]
    quiet = run("ingest", "--dossier", str(drop))
    assert quiet.exit_code == 0 and "Bilan : 0 fichier(s)" in quiet.output


def test_two_runs_never_overlap(run, tmp_path):
    folder = tmp_path / "donnees"
    with open(folder / ingest.LOCK_NAME, "a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        result = run("ingest", str(DATA / "bons" / "projet.csv"))
    assert result.exit_code == 1
    assert "un autre chargement est en cours" in result.output


def test_a_store_without_schema_is_a_french_error(tmp_path):
    result = CliRunner().invoke(
        main,
        ["ingest", str(DATA / "bons" / "projet.csv")],
        env={"BAROMETRE_DATA_DIR": str(tmp_path)},
    )
    assert result.exit_code == 1 and "barometre init" in result.output


def test_the_table_schema_names_the_columns_of_the_format():
    from barometre.data import formats

    schema = formats.table_schema()
    assert [f["name"] for f in schema["fields"]] == formats.CANONICAL
    assert pd.Series(schema["primaryKey"]).isin(formats.CANONICAL).all()


@pytest.mark.parametrize(
    ("frequency", "age_in_days", "late"),
    [
        ("quotidienne", 2, False),
        ("quotidienne", 3, True),
        ("hebdomadaire", 14, False),
        ("hebdomadaire", 15, True),
        ("mensuelle", 62, False),
        ("mensuelle", 63, True),
    ],
)
def test_an_indicator_is_late_after_one_period_of_grace(frequency, age_in_days, late):
    assert ingest.is_late(frequency, TODAY - dt.timedelta(days=age_in_days), TODAY) is late
    assert ingest.is_late(frequency, None, TODAY) is False


def test_status_flags_late_indicators(run):
    run("ingest", "--publier", str(DATA / "bons" / "api.json"))  # thesee-plaintes, long ago
    result = run("status")
    assert result.exit_code == 0
    line = next(x for x in result.output.splitlines() if x.startswith("thesee-plaintes "))
    assert "EN RETARD (fréquence quotidienne)" in line
    never = next(x for x in result.output.splitlines() if x.startswith("thesee-signalements "))
    assert "EN RETARD" not in never and "jamais" in never and "nan" not in never


def test_each_indicator_knows_its_own_last_update(empty_store, the_catalogue, settings):
    load(DATA / "bons" / "api.json", empty_store, the_catalogue, settings)
    assert empty_store.last_update_of("thesee-plaintes") == empty_store.last_update()
    assert empty_store.last_update_of("thesee-signalements") is None
    assert empty_store.last_update_of("thesee") is None  # whole identifiers only


def test_a_matomo_export_feeds_the_indicator_chosen(run, tmp_path):
    result = run(
        "ingest",
        "--publier",
        str(DATA / "bons" / "matomo-visites.json"),
        "--indicateur",
        "recrutement-visites",
    )
    assert result.exit_code == 0, result.output
    assert "→ indicateur « recrutement-visites »" in result.output
    from barometre.data.store import Store

    store = Store(f"sqlite:///{(tmp_path / 'donnees').resolve()}/barometre.sqlite3")
    assert store.bounds("recrutement-visites") is not None
    assert store.bounds("site-institutionnel-visites") is None
    store.close()
    unknown = run("ingest", str(DATA / "bons" / "matomo-visites.json"), "--indicateur", "x")
    assert unknown.exit_code == 1 and "indicateur inconnu pour --indicateur" in unknown.output


@pytest.mark.parametrize(
    ("name", "valid"),
    [
        ("bons/projet.csv", True),
        ("mauvais/valeur-negative.csv", False),
        ("mauvais/indicateur-inconnu.csv", True),  # the catalogue is checked by ingest, not here
        ("mauvais/date-invalide.csv", False),
    ],
)
def test_the_shipped_table_schema_checks_the_project_format(name, valid):
    import importlib.util

    from conftest import require

    require(importlib.util.find_spec("frictionless") is not None, "frictionless")
    from frictionless import Resource, Schema

    from barometre.data import formats

    schema = Schema.from_descriptor(formats.table_schema())
    report = Resource(path=name, basepath=str(DATA), schema=schema).validate()
    assert report.valid is valid, report.flatten(["type", "fieldName"])


# -- round trips: what the site exports loads back -------------------------------------------


def test_the_data_package_national_series_load_back_unchanged(
    tmp_path, empty_store, the_catalogue, settings
):
    from barometre.publish import export

    for name in ("projet.csv", "api.json", "tableur-windows-1252.csv"):
        load(DATA / "bons" / name, empty_store, the_catalogue, settings)
    export.write_package(
        export.offline_services(settings, the_catalogue, empty_store), tmp_path / "paquet"
    )
    files = sorted((tmp_path / "paquet" / "donnees").iterdir())
    national = [p for p in files if "--" not in p.stem]
    assert {p.stem for p in national} >= {"pre-plainte-en-ligne", "thesee-plaintes"}
    version = empty_store.data_version()
    counts = [p for p in national if the_catalogue.indicator(p.stem).aggregation != "moyenne"]
    for path in counts:
        report = load(path, empty_store, the_catalogue, settings)
        assert report.status == "charge", report.errors
        assert "CSV du paquet de données" in report.description
        assert (report.summary.added, report.summary.corrected) == (0, 0)
        assert report.summary.unchanged > 0
    assert empty_store.data_version() == version
    # Averages: the package has no weights, so a reload keeps the values but resets weights to 1.
    average = load(
        tmp_path / "paquet/donnees/brigade-numerique-delai-reponse.csv",
        empty_store,
        the_catalogue,
        settings,
    )
    assert average.status == "charge" and average.summary.corrected == 1
    assert value(empty_store, "brigade-numerique-delai-reponse", "", "", "2024-03-01") == 7.5
    split = next(p for p in files if p.stem == "pre-plainte-en-ligne--type-personne")
    refused = load(split, empty_store, the_catalogue, settings)
    assert refused.status == "rejete" and "ventilation mensuelle" in refused.errors[0]


def test_api_observations_by_day_load_back(tmp_path, empty_store, the_catalogue, settings):
    from barometre.data.store import Store
    from barometre.web.app import create_app

    for name in ("matomo-visites.json", "matomo-sources.json"):
        load(DATA / "bons" / name, empty_store, the_catalogue, settings)
    client = create_app(settings).server.test_client()
    base = "/api/v1/indicateurs/site-institutionnel-visites/observations"
    # Breakdowns are published per closed month only (secret statistique): the daily series
    # that loads back is the national one.
    assert client.get(base + "?granularite=jour&ventilation=source-trafic").status_code == 400
    daily = client.get(base + "?granularite=jour")
    assert daily.status_code == 200, daily.get_data(as_text=True)
    (tmp_path / "api-jour.json").write_bytes(daily.get_data())
    other = Settings(data_dir=tmp_path / "autre")
    fresh = Store(other.database_url)
    fresh.init_schema()
    report = load(tmp_path / "api-jour.json", fresh, the_catalogue, other)
    assert report.status == "charge", report.errors
    assert report.summary.added == 2
    assert value(fresh, "site-institutionnel-visites", "", "", "2024-03-01") == 10500
    fresh.close()
    monthly = client.get(base + "?granularite=mois")
    (tmp_path / "api-mois.json").write_bytes(monthly.get_data())
    refused = load(tmp_path / "api-mois.json", empty_store, the_catalogue, settings)
    assert refused.status == "rejete" and "agrégées par « mois »" in refused.errors[0]


def test_a_page_reads_one_state_even_if_a_load_commits_meanwhile(
    store_url, the_catalogue, settings
):
    from barometre.data.store import Store

    writer, reader = Store(store_url), Store(store_url)
    writer.init_schema()
    writer.sync_catalogue(the_catalogue)
    load(DATA / "bons" / "api.json", writer, the_catalogue, settings)
    day = ("thesee-plaintes", "", "", "2024-03-01")
    with reader.snapshot():
        assert value(reader, *day) == 310
        fixed = settings.data_dir / "correction.csv"
        fixed.write_text("indicateur,date,valeur\nthesee-plaintes,2024-03-01,999\n")
        assert load(fixed, writer, the_catalogue, settings).status == "charge"
        assert value(reader, *day) == 310  # still the state the page started from
        with reader.snapshot():  # nested: same snapshot
            assert value(reader, *day) == 310
    assert value(reader, *day) == 999
    reader.close()
    writer.close()
