"""« Journal des mises à jour »: every publication, newest first, on the pages, in the JSON and in
the Atom feed, which agree; never a user name; corrections and roll-backs said in words.

The demo's log (about 165 monthly publications, two of which corrected a day) is read as the
public reads it: the server's copy of each page, the JSON, the Atom feed parsed as XML.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET  # noqa: S405  # nosec: the site's own feed, in a test
from zoneinfo import ZoneInfo

import pytest
import walk
from conftest import wait_until
from dash_http import route_payload
from html_tree import Element, parse
from test_publications import frame

from barometre.config import Settings
from barometre.web.app import create_app

ATOM = "{http://www.w3.org/2005/Atom}"
PARIS = ZoneInfo("Europe/Paris")
NBSP, NNBSP = "\u00a0", "\u202f"
DEMANDES = "brigade-numerique-demandes"
RECENT = 20  # what the page and the feed say they hold (« 20 dernières publications »)


# -- reading what the public reads -----------------------------------------------------------------


def copy_of(client, path: str) -> Element:
    response = client.get(path)
    assert response.status_code == 200, path
    return walk.copy_document(response.get_data(as_text=True))


def number(text: str) -> int:
    """« 11 010 » (narrow no-break spaces) as 11010."""
    return int(text.replace(NNBSP, ""))


COUNTS = re.compile(
    rf"([\d{NNBSP}]+){NBSP}chiffres? ajoutés?, ([\d{NNBSP}]+){NBSP}corrigés?, "
    rf"([\d{NNBSP}]+){NBSP}retirés?"
)


def counts(text: str) -> tuple[int, int, int]:
    """The three counts of « 11 010 chiffres ajoutés, 69 corrigés, 0 retiré »."""
    found = COUNTS.search(text)
    assert found, text
    return tuple(number(group) for group in found.groups())


def said(element: Element) -> dict:
    """What a publication says, read from its HTML (the page's article or the Atom content):
    its paragraphs in order and, per indicator, its link and counts."""
    paragraphs = [p.text() for p in element.find_all(lambda e: e.tag == "p")]
    changes = []
    for item in element.find_all(lambda e: e.tag == "li"):
        link = item.find(lambda e: e.tag == "a")
        changes.append(
            (
                item.text().rsplit(f"{NBSP}:", 1)[0].strip(),
                link.attrs["href"].rsplit("/", 1)[-1] if link is not None else None,
                counts(item.text()),
            )
        )
    return {"paragraphs": paragraphs, "changes": changes}


def articles(document: Element) -> dict[int, Element]:
    """The page's publications by number, in the page's order."""
    found = {}
    for article in document.find_all(lambda e: e.tag == "article"):
        heading = article.find(lambda e: e.tag == "h3")
        found[int(re.search(r"n°\s*(\d+)", heading.text()).group(1))] = article
    return found


def journal_pages(client) -> dict[str, Element]:
    """/journal and every page its navigation links to."""
    first = copy_of(client, "/journal")
    nav = first.find(lambda e: e.tag == "nav" and e.attrs.get("aria-label") == "Pages du journal")
    paths = [a.attrs["href"] for a in nav.find_all(lambda e: e.tag == "a")]
    return {"/journal": first, **{path: copy_of(client, path) for path in paths}}


@pytest.fixture(scope="module")
def demo_client(demo_settings):
    return create_app(demo_settings).server.test_client()


@pytest.fixture(scope="module")
def demo_pages(demo_client) -> dict[str, Element]:
    return journal_pages(demo_client)


# -- the pages -------------------------------------------------------------------------------------


def test_the_journal_lists_every_publication_newest_first_by_year(demo_pages, demo_store):
    log = demo_store.publications()
    assert len(log) > 100
    numbers = log["number"].tolist()  # newest first
    # A publication belongs to the year of its date in Paris.
    years = {
        int(n): dt.datetime.fromisoformat(at).astimezone(PARIS).year
        for n, at in zip(log["number"], log["at"], strict=True)
    }
    seen: list[int] = []
    for path, document in demo_pages.items():
        shown = list(articles(document))
        assert shown == sorted(shown, reverse=True), path
        assert document.find(lambda e: e.tag == "h1").text().startswith("Journal des mises à jour")
        headings = [h.text() for h in document.find_all(lambda e: e.tag == "h2")]
        expected = list(dict.fromkeys(f"Publications de {years[n]}" for n in shown))
        assert headings == expected, path
        if path == "/journal":
            assert shown == numbers[:RECENT]
        else:
            year = int(path.rsplit("/", 1)[-1])
            assert shown == [n for n in numbers if years[n] == year], path
            seen += shown
    assert sorted(seen, reverse=True) == numbers  # every publication, each on one year page


def test_a_publication_says_when_in_paris_time_its_motive_and_what_it_changed(
    demo_pages, demo_store
):
    log = demo_store.publications().set_index("number")
    changes = demo_store.publication_changes()
    # The demo publishes on the 3rd at 07:00 UTC: 8 h in winter (CET), 9 h in summer (CEST).
    november = log.index[log["at"] == "2026-11-03T07:00:00+00:00"][0]
    october = log.index[log["at"] == "2026-10-03T07:00:00+00:00"][0]
    article = {n: a for page in demo_pages.values() for n, a in articles(page).items()}
    heading = article[november].find(lambda e: e.tag == "h3").text()
    assert heading == f"Publication n°{NBSP}{november} — 3 novembre 2026 à 8{NBSP}h{NBSP}00"
    assert (
        article[october]
        .find(lambda e: e.tag == "h3")
        .text()
        .endswith(f"3 octobre 2026 à 9{NBSP}h{NBSP}00")
    )
    for n in (november, october):
        content = said(article[n])
        assert f"Motif{NBSP}: {log.loc[n, 'motive']}" in content["paragraphs"]
        expected = changes[changes["publication"] == n].set_index("indicator")
        assert {link for _, link, _ in content["changes"]} == set(expected.index)
        for _, link, found in content["changes"]:
            row = expected.loc[link]
            assert found == (row.rows_added, row.rows_corrected, row.rows_removed)


def test_a_publication_that_corrected_figures_says_so_visibly(demo_pages, demo_store):
    log = demo_store.publications().set_index("number")
    corrected = set(log.index[(log["rows_corrected"] > 0) | (log["rows_removed"] > 0)])
    assert len(corrected) == 2
    article = {n: a for page in demo_pages.values() for n, a in articles(page).items()}
    flagged = {
        n
        for n, a in article.items()
        if a.find(
            lambda e: "journal-correction" in e.classes and e.find(lambda s: s.tag == "strong")
        )
    }
    assert flagged == corrected
    for n in corrected:
        assert (
            f"Cette publication corrige {log.loc[n, 'rows_corrected']}{NBSP}chiffres déjà publiés."
            in said(article[n])["paragraphs"]
        )


@pytest.mark.parametrize(
    "path", ["/journal/2012", "/journal/3000", "/journal/02026", "/journal/deux", "/journal/2026/1"]
)
def test_a_journal_page_that_does_not_exist_is_a_404(demo_client, path):
    response = demo_client.get(path)
    assert response.status_code == 404
    assert "<h1>Page introuvable</h1>" in response.get_data(as_text=True)
    routed = demo_client.post("/_dash-update-component", json=route_payload(path))
    assert '"Page introuvable"' in routed.get_data(as_text=True)


def test_a_journal_page_names_its_feeds_in_the_head_and_in_the_page(demo_client):
    for path in ("/journal", "/journal/2026"):
        markup = demo_client.get(path).get_data(as_text=True)
        head = parse(markup[: markup.index("</head>")])
        alternates = {
            link.attrs["type"]: link.attrs["href"]
            for link in head.find_all(
                lambda e: e.tag == "link" and e.attrs.get("rel") == "alternate"
            )
        }
        assert alternates == {
            "application/atom+xml": "/journal.atom",
            "application/json": "/journal.json",
        }
        links = {
            a.attrs["href"] for a in walk.copy_document(markup).find_all(lambda e: e.tag == "a")
        }
        assert {"/journal.atom", "/journal.json"} <= links
    other = demo_client.get("/a-propos-des-donnees").get_data(as_text=True)
    assert "application/atom+xml" not in other[: other.index("</head>")]


# -- the feeds ---------------------------------------------------------------------------------


def atom_feed(client) -> ET.Element:
    response = client.get("/journal.atom")
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    return ET.fromstring(response.get_data())  # noqa: S314  # nosec: the site's own feed


def test_the_atom_feed_is_atom_1_0(demo_client, demo_settings):
    feed = atom_feed(demo_client)
    assert feed.tag == f"{ATOM}feed"
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "fr"
    # RFC 4287 4.1.1: one id, title, updated; an author (the entries have none of their own).
    for name in ("id", "title", "updated", "author"):
        assert len(feed.findall(f"{ATOM}{name}")) == 1, name
    assert feed.find(f"{ATOM}author/{ATOM}name").text == "Gendarmerie nationale"
    links = {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}
    assert links["self"] == demo_settings.public_url + "/journal.atom"
    assert links["alternate"] == demo_settings.public_url + "/journal"
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == RECENT
    for entry in entries:
        for name in ("id", "title", "updated", "content"):
            assert len(entry.findall(f"{ATOM}{name}")) == 1, name
        dt.datetime.fromisoformat(entry.find(f"{ATOM}updated").text)  # RFC 3339
        assert entry.find(f"{ATOM}link[@rel='alternate']").get("href").startswith("http")
        assert entry.find(f"{ATOM}content").get("type") == "html"
    assert len({e.find(f"{ATOM}id").text for e in entries}) == RECENT
    newest = max(e.find(f"{ATOM}updated").text for e in entries)
    assert feed.find(f"{ATOM}updated").text == newest


def test_the_page_the_json_and_the_atom_feed_say_the_same(
    demo_client, demo_pages, demo_settings, demo_store
):
    """Three renderers of one log: each publication's heading, paragraphs and counts per
    indicator are the same on its year's page, in the JSON and (the recent ones) in the feed;
    and the JSON's counts are the store's."""
    log = demo_client.get("/journal.json").get_json()
    publications = log["publications"]
    stored = {
        (row.publication, row.indicator): (row.rows_added, row.rows_corrected, row.rows_removed)
        for row in demo_store.publication_changes().itertuples()
    }
    assert {
        (p["numero"], c["identifiant"]): (
            c["chiffres_ajoutes"],
            c["chiffres_corriges"],
            c["chiffres_retires"],
        )
        for p in publications
        for c in p["indicateurs"]
    } == stored
    article = {}
    for path, page in demo_pages.items():
        if path != "/journal":
            article.update(articles(page))
    assert [p["numero"] for p in publications] == sorted(article, reverse=True)
    public = demo_settings.public_url
    for publication in publications:
        page = article[publication["numero"]]
        content = said(page)
        assert page.find(lambda e: e.tag == "h3").text() == publication["titre"]
        year = dt.datetime.fromisoformat(publication["date"]).astimezone(PARIS).year
        assert (
            publication["adresse"] == f"{public}/journal/{year}#publication-{publication['numero']}"
        )
        assert f"Motif{NBSP}: {publication['motif']}" in content["paragraphs"]
        assert (
            (publication["correction"] in content["paragraphs"])
            if publication["correction"]
            else True
        )
        assert [
            (
                c["titre"],
                c["identifiant"],
                (c["chiffres_ajoutes"], c["chiffres_corriges"], c["chiffres_retires"]),
            )
            for c in publication["indicateurs"]
        ] == content["changes"]
        totals = (
            publication["chiffres_ajoutes"],
            publication["chiffres_corriges"],
            publication["chiffres_retires"],
        )
        assert counts(next(p for p in content["paragraphs"] if p.startswith("En tout"))) == totals
    entries = atom_feed(demo_client).findall(f"{ATOM}entry")
    recent = articles(demo_pages["/journal"])
    assert [int(e.find(f"{ATOM}id").text.rsplit("-", 1)[1]) for e in entries] == list(recent)
    for entry, publication in zip(entries, publications, strict=False):
        assert entry.find(f"{ATOM}id").text == publication["adresse"]
        assert entry.find(f"{ATOM}title").text == publication["titre"]
        assert entry.find(f"{ATOM}updated").text == publication["date"]
        html = parse(entry.find(f"{ATOM}content").text)
        assert said(html) == said(recent[publication["numero"]])


# -- stores of their own -----------------------------------------------------------------------


@pytest.fixture
def site(settings, empty_store):
    """A client of the site over ``empty_store``, built once the test has published."""
    return lambda: create_app(settings).server.test_client()


# Names given to the store that must never reach the public.
LOADER, PUBLISHER = "agent.chargeur-7f3a", "agent.publieur-9c1e"


def test_who_loaded_or_published_never_reaches_the_public(site, empty_store, clock):
    clock(dt.date(2024, 2, 3))
    empty_store.stage(frame({0: 10, 1: 12}), kind="ingestion", source="janvier", loaded_by=LOADER)
    empty_store.publish(by=PUBLISHER, motive="Chiffres de janvier")
    clock(dt.date(2024, 3, 3))
    empty_store.stage(frame({1: 15, 40: 3}), kind="ingestion", source="fevrier", loaded_by=LOADER)
    empty_store.publish(by=PUBLISHER, motive="Chiffres de février")
    client = site()
    for path in (
        "/journal",
        "/journal/2024",
        "/journal.json",
        "/journal.atom",
        f"/indicateurs/{DEMANDES}",
    ):
        body = client.get(path).get_data(as_text=True)
        assert "Chiffres de février" in body or path.startswith("/indicateurs"), path
        assert LOADER not in body and PUBLISHER not in body, path
        assert "agent." not in body, path


def test_a_roll_back_says_which_state_it_restores_and_links_to_it(site, empty_store, clock):
    clock(dt.date(2024, 2, 3))
    empty_store.apply(frame({0: 10, 1: 12}), kind="ingestion", source="a")
    clock(dt.date(2024, 3, 3))
    empty_store.apply(frame({1: 99}), kind="ingestion", source="b")
    clock(dt.date(2024, 3, 4))
    empty_store.roll_back(1, by=PUBLISHER, motive="Envoi du 3 mars erroné")
    document = copy_of(site(), "/journal/2024")
    back = articles(document)[3]
    restored = back.find(lambda e: e.tag == "p" and "journal-retour" in e.classes)
    link = restored.find(lambda e: e.tag == "a")
    assert link.text() == f"Retour à l'état de la publication n°{NBSP}1"
    assert link.attrs["href"] == "/journal/2024#publication-1"
    target = articles(document)[1].find(lambda e: e.tag == "h3")
    assert target.attrs["id"] == "prerendu-publication-1"  # the copy's prefix (prerendered.js)
    assert f"Cette publication corrige 1{NBSP}chiffre déjà publié." in said(back)["paragraphs"]
    assert f"Motif{NBSP}: Envoi du 3 mars erroné" in said(back)["paragraphs"]


def test_an_empty_log_is_a_page_an_empty_json_and_a_valid_feed(site, empty_store):
    client = site()
    assert "Aucune publication pour l'instant." in copy_of(client, "/journal").text()
    assert client.get("/journal.json").get_json()["publications"] == []
    feed = atom_feed(client)
    assert feed.find(f"{ATOM}updated").text and feed.findall(f"{ATOM}entry") == []
    assert client.get("/journal/2024").status_code == 404


def test_the_feeds_are_503_while_the_store_cannot_be_read(tmp_path):
    client = create_app(Settings(data_dir=tmp_path / "vide")).server.test_client()
    for path in ("/journal.json", "/journal.atom", "/journal"):
        assert client.get(path).status_code == 503, path


@pytest.mark.browser
def test_an_address_to_a_publication_shows_it_before_dash_has_started(
    live_server, browser, demo_store
):
    """The server's copy names the entry « prerendu-publication-N »: prerendered.js scrolls the
    address's « #publication-N » into view all the same, on load and when the fragment changes."""
    log = demo_store.publications()
    # Two publications of the same year, far enough apart that each needs a scroll of its own.
    years = log["at"].map(lambda at: dt.datetime.fromisoformat(at).astimezone(PARIS).year)
    year = int(years.iloc[RECENT])
    numbers = log.loc[years == year, "number"].tolist()
    later, earlier = numbers[1], numbers[-1]
    context = browser.new_context(locale="fr-FR", viewport={"width": 320, "height": 700})
    page = context.new_page()
    # Dash never starts here: the server's copy stays, as it is until the reader's first move.
    page.route("**/_dash-component-suites/**", lambda route: route.abort())
    try:
        page.goto(f"{live_server.url}/journal/{year}#publication-{later}")

        def at_the_top(number: int) -> bool:
            box = page.locator(f"#prerendu-publication-{number}").bounding_box()
            # Layout is in fractions of a pixel and a scroll may stop on a whole one: an entry
            # brought to the top can sit a fraction above it.
            return box is not None and -1 < box["y"] < 100

        assert wait_until(lambda: at_the_top(later)), page.evaluate("window.scrollY")
        page.evaluate(f"window.location.hash = 'publication-{earlier}'")
        assert wait_until(lambda: at_the_top(earlier)), page.evaluate("window.scrollY")
        assert page.locator("#prerendu").count() == 1  # still the copy: Dash never started
    finally:
        context.close()
