"""The operator's commands around publications, as an operator runs them: ``ingest`` loads into the
draft (``--publier`` at once, the drop folder at once unless asked), ``revue`` (terminal and HTML
report), ``publier``, ``publications``, ``retour``, ``abandon``, and their French errors.

The round trip runs on SQLite and on a real PostgreSQL server (``store_url``). The store holds
the demo's history of two indicators to September 2026; the draft is their October, one of them
ten times too large. Who runs a command is the system user name: LOGNAME, which getpass reads
first, names alice (who loads) or bruno (who publishes).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from html_tree import parse, tagged

from barometre.cli import main
from barometre.data import demo, ingest
from barometre.data.store import Store
from barometre.review import draft

INDICATORS = ("thesee-plaintes", "site-institutionnel-visites")
WRONG = "thesee-plaintes"  # ten times too large in the draft
OCTOBER = pd.Timestamp("2026-10-01")
NBSP = "\u00a0"


@pytest.fixture(scope="module")
def history(the_catalogue) -> pd.DataFrame:
    """The demo's rows of two indicators, from September 2021 to October 2026."""
    chosen = tuple(i for i in the_catalogue.indicators if i.id in INDICATORS)
    frame = demo.generate(
        dataclasses.replace(the_catalogue, indicators=chosen), dt.date(2026, 10, 31)
    )
    frame["date"] = pd.to_datetime(frame["date"])
    return frame[frame["date"] >= "2021-09-01"]


def october_file(history: pd.DataFrame, path: Path, wrong: str | None = WRONG) -> Path:
    """Write October as a file of the project's format, ``wrong`` ten times too large."""
    rows = history[history["date"] >= OCTOBER].copy()
    rows.loc[rows["indicator"] == wrong, "value"] *= 10
    rows = rows.rename(
        columns={"indicator": "indicateur", "dimension": "ventilation", "member": "membre"}
    )
    rows["date"] = rows["date"].dt.strftime("%Y-%m-%d")
    rows["valeur"] = rows["value"].astype(int)
    rows[["indicateur", "date", "ventilation", "membre", "valeur"]].to_csv(path, index=False)
    return path


class Operator:
    """Runs ``barometre`` on one store as a named system user."""

    def __init__(self, url: str, data_dir: Path, **settings: str):
        self.env = {"BAROMETRE_DATA_DIR": str(data_dir), "BAROMETRE_DATABASE_URL": url, **settings}

    def __call__(self, user: str, *args: str):
        return CliRunner().invoke(main, list(args), env={**self.env, "LOGNAME": user})


def published_store(url: str, catalogue, history: pd.DataFrame) -> Store:
    """Return a store whose publication n° 1 is the history to September."""
    store = Store(url)
    store.init_schema()
    store.sync_catalogue(catalogue)
    store.apply(history[history["date"] < OCTOBER], kind="ingestion", source="historique")
    return store


@pytest.fixture
def setup(store_url, the_catalogue, history, tmp_path):
    store = published_store(store_url, the_catalogue, history)
    yield store, Operator(store_url, tmp_path / "donnees"), tmp_path
    store.close()


def last_day(store: Store, indicator: str, as_of=None) -> dt.date:
    return store.bounds(indicator, as_of)[1]


# -- the round trip --------------------------------------------------------------------------------


def test_stage_review_publish_roll_back(setup, the_catalogue, history):
    store, run, tmp_path = setup
    version = store.data_version()
    october = october_file(history, tmp_path / "octobre.csv")

    staged = run("alice", "ingest", str(october))
    assert staged.exit_code == 0, staged.output
    assert "chargé dans le brouillon" in staged.output
    assert "rien n'est encore public" in staged.output
    assert "barometre revue" in staged.output and "barometre publier" in staged.output
    assert last_day(store, WRONG) == dt.date(2026, 9, 30)  # nothing public yet
    assert store.data_version() == version
    assert list(store.draft_loads()["loaded_by"]) == ["alice"]
    assert "BROUILLON EN ATTENTE" in run("alice", "status").output

    report = tmp_path / "revue.html"
    reviewed = run("bruno", "revue", "--html", str(report))
    assert reviewed.exit_code == 0, reviewed.output
    assert "Valeur inhabituelle — Plaintes pour escroquerie en ligne (THESEE)" in reviewed.output
    assert f"Rapport écrit : {report}" in reviewed.output
    flags = len(draft.review(store, the_catalogue, dt.date.today(), 5).findings)
    assert flags > 0
    assert_report(report.read_text(encoding="utf-8"))

    done = run("bruno", "publier", "--motif", "Chiffres d'octobre")
    assert done.exit_code == 0, done.output
    assert "Publication n° 2 faite par bruno" in done.output
    assert last_day(store, WRONG) == dt.date(2026, 10, 31)
    latest = store.publications(limit=1).iloc[0]
    rows = len(history[history["date"] >= OCTOBER])
    assert (latest.number, latest.kind, latest.loaded_by, latest.published_by) == (
        2,
        "publication",
        "alice",
        "bruno",
    )
    assert (latest.motive, latest["flags"]) == ("Chiffres d'octobre", flags)
    assert latest.rows_added == rows
    assert store.draft_loads().empty

    listed = run("bruno", "publications")
    assert listed.exit_code == 0, listed.output
    lines = listed.output.splitlines()
    assert lines[0].startswith("n° 2 — ") and lines[1].startswith("n° 1 — ")
    assert "chargé par alice, publié par bruno" in lines[0]
    assert f"motif{NBSP}: Chiffres d'octobre" in lines[0]
    assert f"{flags}{NBSP}signalement" in lines[0]

    back = run("bruno", "retour", "1", "--motif", "Octobre de THESEE faux")
    assert back.exit_code == 0, back.output
    assert "Publication n° 3" in back.output and "publication n° 1 est de nouveau" in back.output
    assert last_day(store, WRONG) == dt.date(2026, 9, 30)
    start, end = dt.date(2026, 1, 1), dt.date(2026, 10, 31)
    for indicator_id in INDICATORS:
        indicator = the_catalogue.indicator(indicator_id)
        now = store.series(indicator, start, end, "jour")
        pd.testing.assert_frame_equal(now, store.series(indicator, start, end, "jour", as_of=1))
    latest = store.publications(limit=1).iloc[0]
    assert (latest.kind, latest.restores, latest.published_by) == ("retour", 1, "bruno")
    assert "retour à la publication n° 1" in run("bruno", "publications").output.splitlines()[0]

    # Errors: a French sentence, status 1, nothing changed.
    version = store.data_version()
    for args, said in [
        (("publier",), "le brouillon est vide"),
        (("retour", "99"), "inconnue"),
        (("retour", "1"), "déjà l'état public"),
        (("abandon",), "déjà vide"),
    ]:
        refused = run("bruno", *args)
        assert refused.exit_code == 1, args
        assert refused.output.startswith("Erreur") and said in refused.output, refused.output
        assert "Traceback" not in refused.output
    assert store.data_version() == version and len(store.publications()) == 3


def assert_report(page: str) -> None:
    """The HTML report makes no request, and draws the flagged series before and after."""
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page)
    assert "<script" not in page and "<link" not in page and "url(" not in page
    tree = parse(page)
    assert tree.find(tagged("html")).attrs["lang"] == "fr"
    assert all(table.find(tagged("caption")) for table in tree.find_all(tagged("table")))
    flagged = [
        figure
        for figure in tree.find_all(tagged("figure"))
        if "Valeur inhabituelle" in figure.text()
        and "total national, octobre 2026" in figure.text()
        and "THESEE" in figure.find(tagged("figcaption")).text()
    ]
    assert flagged, "no figure of the flagged month"
    panels = flagged[0].find_all(tagged("section"))
    assert [p.find(tagged("h5")).text() for p in panels] == [
        "Aujourd'hui (public)",
        "Après publication",
    ]
    for panel in panels:
        assert panel.find(lambda e: "svg-chart" in e.classes).find(tagged("svg")) is not None
        assert panel.find(lambda e: "alternative" in e.classes).text().startswith("Courbe")


@pytest.mark.browser
@pytest.mark.parametrize("width", [320, 1280])
def test_the_report_reflows_and_its_tables_scroll_in_named_regions(
    the_catalogue, history, tmp_path, settings, browser, width
):
    """RGAA 10.11: at 320 px the page has no horizontal scroll; a wider table scrolls in its own
    region, which the keyboard reaches and a screen reader names by the table's caption."""
    store = published_store(settings.database_url, the_catalogue, history)
    run = Operator(settings.database_url, tmp_path / "donnees")
    assert run("alice", "ingest", str(october_file(history, tmp_path / "o.csv"))).exit_code == 0
    report = tmp_path / "revue.html"
    assert run("bruno", "revue", "--html", str(report)).exit_code == 0
    store.close()
    context = browser.new_context(locale="fr-FR", viewport={"width": width, "height": 800})
    page = context.new_page()
    try:
        page.goto(report.as_uri())
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        regions = page.evaluate(
            """[...document.querySelectorAll('table')].map(table => {
                const region = table.parentElement;
                const name = document.getElementById(region.getAttribute('aria-labelledby'));
                return [region.getAttribute('role'), region.tabIndex,
                        name === table.querySelector('caption')];
            })"""
        )
        assert len(regions) >= 3 and all(r == ["region", 0, True] for r in regions), regions
        focused = []
        for _ in regions:
            page.keyboard.press("Tab")
            while page.evaluate("document.activeElement.tagName") == "A":
                page.keyboard.press("Tab")
            held = "document.activeElement.querySelector('caption') !== null"
            focused.append(page.evaluate(held))
        assert all(focused), focused
    finally:
        context.close()


# -- who may publish -------------------------------------------------------------------------------


def test_the_loader_may_not_publish_when_the_setting_asks_for_another_person(
    the_catalogue, history, tmp_path, settings
):
    store = published_store(settings.database_url, the_catalogue, history)
    run = Operator(settings.database_url, tmp_path / "donnees", BAROMETRE_SEPARATE_PUBLISHER="true")
    assert run("alice", "ingest", str(october_file(history, tmp_path / "o.csv"))).exit_code == 0
    refused = run("alice", "publier")
    assert refused.exit_code == 1
    assert "chargé par alice" in refused.output and "une autre personne" in refused.output
    assert not store.draft_loads().empty and last_day(store, WRONG) == dt.date(2026, 9, 30)
    assert run("bruno", "publier").exit_code == 0
    assert store.publications(limit=1)["published_by"].iloc[0] == "bruno"
    store.close()


def test_without_the_setting_the_loader_publishes_its_own_load(
    the_catalogue, history, tmp_path, settings
):
    store = published_store(settings.database_url, the_catalogue, history)
    run = Operator(settings.database_url, tmp_path / "donnees")
    assert run("alice", "ingest", str(october_file(history, tmp_path / "o.csv"))).exit_code == 0
    assert run("alice", "publier").exit_code == 0
    store.close()


# -- loading: draft, at once, drop folder ----------------------------------------------------------


def test_a_file_goes_to_the_draft_and_a_second_load_of_it_is_recognised(
    the_catalogue, history, tmp_path, settings
):
    store = published_store(settings.database_url, the_catalogue, history)
    october = october_file(history, tmp_path / "o.csv", wrong=None)
    report = ingest.ingest_file(
        october, store, the_catalogue, settings, today=dt.date(2026, 11, 15), loaded_by="ana"
    )
    assert (report.status, report.published) == ("charge", False)
    assert last_day(store, WRONG) == dt.date(2026, 9, 30)
    assert len(store.draft_changes()) == report.summary.added > 0
    again = Operator(settings.database_url, tmp_path / "donnees")("ana", "ingest", str(october))
    assert again.exit_code == 0 and "déjà chargé, rien à faire (dans le brouillon" in again.output
    store.close()


def test_publier_publishes_at_once_with_its_motive(the_catalogue, history, tmp_path, settings):
    store = published_store(settings.database_url, the_catalogue, history)
    run = Operator(settings.database_url, tmp_path / "donnees")
    october = october_file(history, tmp_path / "o.csv", wrong=None)
    done = run("alice", "ingest", "--publier", "--motif", "Octobre", str(october))
    assert done.exit_code == 0, done.output
    assert "chargé et publié" in done.output and "brouillon" not in done.output
    latest = store.publications(limit=1).iloc[0]
    assert (latest.motive, latest.loaded_by, latest.published_by) == ("Octobre", "alice", "alice")
    assert store.draft_loads().empty and last_day(store, WRONG) == dt.date(2026, 10, 31)
    store.close()


def test_a_motive_without_publier_is_refused(the_catalogue, history, tmp_path, settings):
    store = published_store(settings.database_url, the_catalogue, history)
    run = Operator(settings.database_url, tmp_path / "donnees")
    refused = run(
        "alice", "ingest", "--motif", "Octobre", str(october_file(history, tmp_path / "o.csv"))
    )
    assert refused.exit_code == 1 and "barometre publier --motif" in refused.output
    assert store.draft_loads().empty
    store.close()


@pytest.mark.parametrize(("review", "published"), [("", True), ("false", True), ("true", False)])
def test_the_drop_folder_publishes_unless_its_setting_asks_for_review(
    the_catalogue, history, tmp_path, settings, review, published
):
    """An existing cron job on the drop folder must not silently stop publishing."""
    store = published_store(settings.database_url, the_catalogue, history)
    drop = tmp_path / "depot"
    drop.mkdir()
    october_file(history, drop / "octobre.csv", wrong=None)
    run = Operator(
        settings.database_url,
        tmp_path / "donnees",
        **({"BAROMETRE_DROP_REVIEW": review} if review else {}),
    )
    result = run("cron", "ingest", "--dossier", str(drop))
    assert result.exit_code == 0, result.output
    assert (drop / "traités" / "octobre.csv").exists()
    assert last_day(store, WRONG) == (dt.date(2026, 10, 31) if published else dt.date(2026, 9, 30))
    assert len(store.publications()) == (2 if published else 1)
    assert store.draft_loads().empty is published
    assert ("rien n'est encore public" in result.output) is not published
    store.close()


def test_abandon_discards_the_draft_and_the_same_file_loads_again(
    the_catalogue, history, tmp_path, settings
):
    store = published_store(settings.database_url, the_catalogue, history)
    run = Operator(settings.database_url, tmp_path / "donnees")
    october = october_file(history, tmp_path / "o.csv")
    assert run("alice", "ingest", str(october)).exit_code == 0
    version = store.data_version()
    dropped = run("alice", "abandon")
    assert dropped.exit_code == 0, dropped.output
    assert "Brouillon abandonné" in dropped.output and "n'ont pas changé" in dropped.output
    assert store.draft_changes().empty and store.draft_loads().empty
    assert store.data_version() == version and last_day(store, WRONG) == dt.date(2026, 9, 30)
    assert "brouillon vide" in run("alice", "status").output
    again = run("alice", "ingest", str(october))
    assert "chargé dans le brouillon" in again.output, again.output
    store.close()


def test_an_empty_draft_reviews_to_a_sentence(the_catalogue, history, tmp_path, settings):
    store = published_store(settings.database_url, the_catalogue, history)
    result = Operator(settings.database_url, tmp_path / "donnees")("alice", "revue")
    assert result.exit_code == 0 and "Le brouillon est vide" in result.output
    store.close()
