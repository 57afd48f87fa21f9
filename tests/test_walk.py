"""The URL walk (issue 15): every page the site can serve answers 200, its charts drawn, no ERROR.

Over the session's demo database, in-process: every département of the map for each indicator
that has them (default parameters, the map's own links); every indicator × granularity × display
× period (whole range, one month, one day, no data, the incomplete current period alone, a day
whose breakdown is wholly masked); every embed URL the builder gives (indicator × breakdown ×
granularity × theme × frozen or live); every page of the journal of updates (its most recent
publications, each year's). Pages are requested twice: their URL (the server's copy)
and the routing callback for that URL (what Dash shows). Two worker processes, each with its own
``create_app``, share the list: the walk is CPU-bound and the machine has two cores; the lists are
never sampled. Each group fails once, listing every failing URL with its first ERROR line.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import image_checks
import pytest
import walk
from html_tree import parse

from barometre.config import Settings
from barometre.data.store import Store
from barometre.urls import Urls
from barometre.web import ids
from barometre.web.app import create_app

WORKERS = 2
# Months proposed per breakdown when looking for one whose cells are all masked (smallest first).
CANDIDATES = 3
READ_TIMEOUT_MS = 10 * 60 * 1000


class Summary:
    """A pytest plugin that prints, after the run, how many URLs each group of the walk held."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def pytest_terminal_summary(self, terminalreporter) -> None:
        if self.lines:
            terminalreporter.section("parcours des URL (issue 15)")
            for line in self.lines:
                terminalreporter.write_line(line)


@pytest.fixture(scope="module")
def summary(request) -> Summary:
    plugin = Summary()
    request.config.pluginmanager.register(plugin, f"walk-summary-{id(plugin)}")
    return plugin


@pytest.fixture(scope="module")
def walk_settings(demo_settings, tmp_path_factory) -> Settings:
    # The demo database, read-only; a cache of the walk's own so that no other test's entries
    # stand in for the computations walked; reads without a deadline, as the walk checks what
    # pages show, not how fast a loaded machine shows them.
    return Settings(
        data_dir=tmp_path_factory.mktemp("parcours"),
        database_url=demo_settings.database_url,
        query_timeout_ms=READ_TIMEOUT_MS,
    )


@pytest.fixture(scope="module")
def walk_client(walk_settings):
    return create_app(walk_settings).server.test_client()


@pytest.fixture(scope="module")
def pool(walk_settings):
    # spawn: the workers import afresh rather than fork a pytest process that may hold threads.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        WORKERS, mp_context=context, initializer=walk.start, initargs=(walk_settings,)
    ) as executor:
        yield executor


class Space:
    """The lists walked, read from the site: URLs by group, and the embed builder's answers."""

    def __init__(self, client, urls: Urls, catalogue, store, threshold: int) -> None:
        self.indicators = walk.indicators(client, urls)
        self.masked: dict[str, list[dt.date]] = {}
        self.departements: list[str] = []
        self.pages: list[str] = []
        self.embeds: list[str] = []
        self.journal = journal_urls(client, urls)
        self.builder_failures: list[str] = []
        self.builder_offers: dict[str, dict[str, list[str]]] = {}
        builder = walk.builder_callback(client.get(urls.path("/_dash-dependencies")).get_json())
        for indicator in self.indicators:

            def candidates(dimension, indicator=indicator):
                # Breakdowns are published per closed month, and a month's whole breakdown is
                # masked when no cell reaches twice the threshold less one: months whose largest
                # cell is below that are candidates. The API decides among them.
                if not indicator.secrecy:
                    return []
                frame = store.series(
                    catalogue.indicator(indicator.id),
                    indicator.first,
                    indicator.last,
                    "mois",
                    dimension,
                )
                tops = frame.groupby("periode")["valeur"].max()
                possible = tops[tops < 2 * threshold - 1]
                return [
                    month.date() for month in possible.sort_values(kind="stable").index[:CANDIDATES]
                ]

            self.masked[indicator.id] = walk.all_masked_days(client, urls, indicator, candidates)
            self.departements += walk.departement_urls(urls, indicator)
            self.pages += walk.page_urls(urls, indicator, self.masked[indicator.id])
            self._embeds(client, urls, builder, indicator)

    def _embeds(self, client, urls: Urls, builder: dict, indicator: walk.Indicator) -> None:
        page = parse(client.get(urls.indicator(indicator.id)).get_data(as_text=True))
        offers = {
            name: walk.select_options(page, component_id)
            for name, component_id in (
                ("granularite", ids.EMBED_GRANULARITY),
                ("ventilation", ids.EMBED_BREAKDOWN),
                ("theme", ids.EMBED_THEME),
            )
        }
        self.builder_offers[indicator.id] = offers
        # Frozen on a day inside the data (the builder accepts the first date to today).
        frozen = (indicator.first + (indicator.last - indicator.first) / 2).isoformat()
        for granularity, dimension, theme, fige in (
            (g, d, t, f)
            for g in offers["granularite"]
            for d in offers["ventilation"]
            for t in offers["theme"]
            for f in ("", frozen)
        ):
            values = {
                ids.EMBED_OPEN: 1,
                ids.INDICATOR: indicator.id,
                ids.EMBED_GRANULARITY: granularity,
                ids.EMBED_BREAKDOWN: dimension,
                ids.EMBED_THEME: theme,
                ids.EMBED_FROZEN: fige,
            }
            chosen = f"{indicator.id} {granularity} {dimension or '-'} {theme} {fige or 'vivant'}"
            response = client.post(
                urls.path(walk.UPDATE), json=walk.builder_payload(builder, values)
            )
            if response.status_code != 200:
                self.builder_failures.append(f"{chosen} : {response.status_code}")
                continue
            answer = response.get_json()["response"]
            message = answer.get(ids.EMBED_MESSAGE, {}).get("children")
            if message:
                self.builder_failures.append(f"{chosen} : {message}")
            src = answer.get(ids.EMBED_PREVIEW, {}).get("src")
            if src and src not in self.embeds:
                self.embeds.append(src)
            # The displays embed.js's checkboxes ask the server's drawing for, on every live
            # evolution embed (in one theme: the drawing is the same in all of them).
            if src and not dimension and not fige and "theme=" not in src:
                self.embeds += [
                    f"{src}{'&' if '?' in src else '?'}{urlencode(display.params())}"
                    for display in walk.DISPLAYS
                    if display.params()
                ]


def journal_urls(client, urls: Urls) -> list[str]:
    """The journal's pages: its first, and every page its navigation links to (each year)."""
    first = urls.path("/journal")
    page = walk.copy_document(client.get(first).get_data(as_text=True))
    nav = page.find(lambda e: e.tag == "nav" and e.attrs.get("aria-label") == "Pages du journal")
    return list(
        dict.fromkeys([first, *(a.attrs["href"] for a in nav.find_all(lambda e: e.tag == "a"))])
    )


@pytest.fixture(scope="module")
def space(walk_client, walk_settings, the_catalogue, summary) -> Space:
    store = Store(walk_settings.database_url, read_timeout_ms=READ_TIMEOUT_MS)
    try:
        space = Space(
            walk_client,
            Urls(walk_settings.url_prefix),
            the_catalogue,
            store,
            walk_settings.secrecy_threshold,
        )
    finally:
        store.close()
    masked = ", ".join(f"{k} {[str(d) for d in v]}" for k, v in space.masked.items() if v)
    summary.lines.append(f"mois où une ventilation est entièrement masquée : {masked or 'aucun'}")
    return space


def test_the_space_is_the_whole_catalogue(space, the_catalogue):
    """The walk's lists cover every indicator, granularity, breakdown and the 101 départements."""
    assert {i.id for i in space.indicators} == {i.id for i in the_catalogue.indicators}
    codes = set(the_catalogue.breakdowns["departement"].codes)
    assert len(codes) == 101
    with_map = [i for i in space.indicators if "departement" in i.breakdowns]
    assert with_map, "aucun indicateur n'a de carte des départements"
    assert len(space.departements) == len(set(space.departements)) == 101 * len(with_map)


def test_the_journal_s_pages_cover_every_year_of_publications(space, walk_settings):
    """Each year in which a publication was made (Paris time) has its page in the walk."""
    store = Store(walk_settings.database_url)
    try:
        stamps = store.publications()["at"]
    finally:
        store.close()
    paris = ZoneInfo("Europe/Paris")
    years = {dt.datetime.fromisoformat(at).astimezone(paris).year for at in stamps}
    assert len(years) > 10
    assert set(space.journal) == {"/journal", *(f"/journal/{year}" for year in years)}
    for indicator in space.indicators:
        offers = space.builder_offers[indicator.id]
        assert offers["granularite"] == list(indicator.granularities)
        assert offers["ventilation"] == ["", *indicator.breakdowns]
        assert set(offers["theme"]) == {"clair", "sombre", "auto"}
    # A month whose breakdown is wholly masked is walked when the demo data hold one;
    # test_a_wholly_masked_month_is_a_page_like_any_other proves it on data made for it.


# March 2024: three départements below the threshold and the one that protects them: every cell
# of the month's breakdown is masked; the national total stays published.
WHOLLY_MASKED = "indicateur,date,ventilation,membre,valeur\n" + "".join(
    f"pre-plainte-en-ligne,2024-03-{day:02d},,,{3 * 4}\n"
    + "".join(
        f"pre-plainte-en-ligne,2024-03-{day:02d},departement,{code},1\n"
        for code in ("35", "56", "22")
    )
    + f"pre-plainte-en-ligne,2024-03-{day:02d},departement,29,9\n"
    for day in (1,)
)


def test_a_wholly_masked_month_is_a_page_like_any_other(tmp_path, the_catalogue):
    from test_secrecy import site_with_small_counts

    _, client = site_with_small_counts(tmp_path, the_catalogue, WHOLLY_MASKED)
    for url in (
        "/indicateurs/pre-plainte-en-ligne?debut=2024-03-01&fin=2024-03-31&granularite=mois",
        "/indicateurs/pre-plainte-en-ligne?debut=2024-03-01&fin=2024-03-31&departement=35",
        "/embed/pre-plainte-en-ligne?ventilation=departement&debut=2024-03-01&fin=2024-03-31",
    ):
        response = client.get(url)
        page = response.get_data(as_text=True)
        assert response.status_code == 200, url
        problems = walk.embed_problems(page) if "/embed/" in url else walk.page_problems(page)
        assert not problems, (url, problems)
        assert 'class="svg-chart' in page, url
    api = client.get(
        "/api/v1/indicateurs/pre-plainte-en-ligne/ventilations/departement"
        "?debut=2024-03-01&fin=2024-03-31"
    ).get_json()
    assert api["repartition"] and all(c["valeur"] is None for c in api["repartition"]), api


def test_the_map_links_are_the_walked_urls(space, walk_client, walk_settings):
    """The département URLs walked are exactly the links of each default page's map."""
    urls = Urls(walk_settings.url_prefix)
    for indicator in space.indicators:
        walked = set(walk.departement_urls(urls, indicator))
        if not walked:
            continue
        page = parse(walk_client.get(urls.indicator(indicator.id)).get_data(as_text=True))
        maps = page.find_all(lambda e: e.tag == "section" and "carte-bloc" in e.classes)
        assert len(maps) == 1, indicator.id
        links = {a.attrs["href"] for a in maps[0].find_all(lambda e: e.tag == "a")}
        assert walked <= links, (indicator.id, sorted(walked - links)[:5])
        assert links - walked <= {a for a in links if a.startswith("#")}, indicator.id


def test_the_builder_gives_an_url_for_every_choice(space):
    """Every combination of the embed builder's options gives a URL, without a message."""
    assert not space.builder_failures, "\n".join(space.builder_failures)


GROUPS = [
    ("départements", "page"),
    ("départements", "route"),
    ("pages", "page"),
    ("pages", "route"),
    ("intégrations", "embed"),
    ("journal", "page"),
    ("journal", "route"),
]


# ASCII test ids: pytest would print the accents escaped.
IDS = [f"{g}-{k}".replace("é", "e") for g, k in GROUPS]
# The kinds of drawing (image_checks.KINDS) a kind of request cannot hold: every other kind
# must be met, so that the image checks are proven on each.
NOT_HELD = {"page": {'<figure class="embed-figure"'}, "embed": {'class="carte-svg"'}}


@pytest.mark.parametrize(("group", "kind"), GROUPS, ids=IDS)
def test_every_url_answers_with_its_charts_drawn(space, pool, summary, group, kind):
    """Each URL of the group answers 200, each chart section has its drawing, nothing logged
    at ERROR level and no warning; the pages' and embeds' images pass the image checks, which
    meet every kind of drawing they can hold."""
    urls = {
        "départements": space.departements,
        "pages": space.pages,
        "intégrations": space.embeds,
        "journal": space.journal,
    }
    # The journal's pages have no chart: every other check holds for them.
    charted = group != "journal"
    jobs = [walk.Job(kind, url, charted) for url in urls[group]]
    began = time.monotonic()
    outcomes = list(pool.map(walk.visit, jobs, chunksize=4))
    elapsed = time.monotonic() - began
    failed = sum(o.failed for o in outcomes)
    cpu = sum(o.cpu for o in outcomes)
    summary.lines.append(
        f"{group} ({kind}) : {len(jobs)} URL parcourues, {failed} en échec,"
        f" {elapsed:.0f} s ({cpu:.0f} s de calcul dans les {WORKERS} processus)"
    )
    assert jobs
    assert not failed, walk.report(f"{group} ({kind})", outcomes)
    if kind != "route" and charted:
        met = {mark for outcome in outcomes for mark in outcome.kinds}
        assert set(image_checks.KINDS) - NOT_HELD[kind] <= met, met


def _page(body: str, title: str = "Accueil — Baromètre numérique", lang: str = "fr") -> str:
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><title>{title}</title></head>'
        f"<body><h1>Accueil</h1>{body}</body></html>"
    )


TABLE = '<table><caption>Demandes</caption><tr><th scope="col">Mois</th></tr></table>'

SIMPLE = (
    '<table><caption>D</caption><thead><tr><th scope="col">Mois</th><th scope="col">N</th></tr>'
    '</thead><tbody><tr><th scope="row">mai</th><td>1</td></tr></tbody></table>'
)


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        (_page('<h2>A</h2><a href="/a">CSV</a><label for="x">X</label><input id="x">'), []),
        (_page("", lang="en"), ["langue de la page absente (8.3)"]),
        (_page("", title=""), ["titre de page absent (8.5)"]),
        (
            _page("", title="Baromètre"),
            [
                "titre « Baromètre » sans le h1 « Accueil » (8.6)",
                "titre « Baromètre » sans le nom du site (8.6)",
            ],
        ),
        (_page("", title="Accueil"), ["titre « Accueil » sans le nom du site (8.6)"]),
        (_page("<h2>A</h2><h4>B</h4>"), ["titre h4 « B » après un h2 (9.1)"]),
        (_page('<select id="x"></select>'), ["champ select {'id': 'x'} sans étiquette (11.1)"]),
        (_page('<input type="hidden"><input aria-label="Début">'), []),
        (_page('<a href="/a"></a>'), ["lien vers /a sans intitulé (6.2)"]),
        (_page('<a href="/a"><img alt="Accueil"></a>'), []),
        (
            _page('<h2>A</h2><a href="/a">CSV</a><a href="/b">CSV</a>'),
            ["lien « CSV » vers /a et /b sous « A » (6.1)"],
        ),
        # The same words under another heading: their context tells them apart.
        (_page('<h2>A</h2><a href="/a">CSV</a><h2>B</h2><a href="/b">CSV</a>'), []),
        (_page('<a href="/a" target="_top">A</a>'), []),
        (_page('<a href="/a" target="_blank">A</a>'), ["lien vers /a ouvrant une fenêtre (13.2)"]),
        (
            _page('<meta http-equiv="Refresh" content="300">'),
            ["rafraîchissement ou redirection automatique (meta refresh) (13.1)"],
        ),
        # Tables and the doctype.
        (_page(TABLE), []),
        (_page(TABLE).replace("<!DOCTYPE html>", ""), ["type de document absent (8.1)"]),
        (
            _page(TABLE.replace("<caption>Demandes</caption>", "")),
            ["tableau 1 sans titre (caption) (5.4)"],
        ),
        (_page(TABLE.replace(' scope="col"', "")), ["tableau 1 : en-tête sans scope (5.6, 5.7)"]),
        # Complex tables, frames, a search engine.
        (_page(SIMPLE), []),
        (
            _page(SIMPLE.replace("<td>1</td>", '<th scope="row">x</th>')),
            ["tableau 1 complexe, sans résumé prévu (5.1)"],
        ),
        (
            _page(SIMPLE.replace("</thead>", '<tr><th scope="col">a</th></tr></thead>')),
            ["tableau 1 complexe, sans résumé prévu (5.1)"],
        ),
        (_page('<iframe src="/embed/x" title="Aperçu"></iframe>'), []),
        (_page('<iframe id="apercu" src="/embed/x"></iframe>'), ["cadre apercu sans titre (2.1)"]),
        (
            _page('<input type="search" aria-label="Rechercher">'),
            ["un moteur de recherche : le critère 12.5 est à auditer"],
        ),
        # Link purposes (6.1): words that say nothing; a name that leaves out the visible text.
        (
            _page('<a href="/a">En savoir plus</a>'),
            ["lien « En savoir plus » qui ne dit pas où il mène (6.1)"],
        ),
        (
            _page('<a href="/a" aria-label="Données (CSV)">Télécharger le fichier</a>'),
            ["lien « Télécharger le fichier » nommé « Données (CSV) » (6.1)"],
        ),
        (_page('<a href="/a" aria-label="Demandes, valeurs (CSV)">valeurs (CSV)</a>'), []),
    ],
)
def test_the_walk_s_structure_checks_find_what_they_look_for(markup, expected):
    assert walk.structure_problems(markup) == expected


LANDMARKS = (
    '<header><a href="#contenu">Aller au contenu</a><nav><a href="/">Accueil</a></nav></header>'
)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (LANDMARKS + '<main id="contenu"></main><footer></footer>', []),
        (
            LANDMARKS + '<main id="autre"></main><footer></footer>',
            ["« Aller au contenu » mène à #contenu, pas au contenu principal (12.7)"],
        ),
        (
            LANDMARKS.replace("Aller au contenu", "Accueil")
            + '<main id="contenu"></main><footer></footer>',
            ["pas de lien « Aller au contenu » en premier (12.7)"],
        ),
        (LANDMARKS + '<main id="contenu"></main>', ["0 éléments footer au lieu d'un (12.6)"]),
        (
            LANDMARKS
            + '<nav aria-label="Fil d’Ariane"><a href="/">Accueil</a></nav>'
            + '<main id="contenu"></main><footer></footer>',
            ["2 navigations, pas toutes nommées (12.6)"],
        ),
        # The document's structure (9.2) and its first heading (9.1).
        (
            LANDMARKS.replace('<a href="/">Accueil</a></nav>', "</nav>")
            + '<main id="contenu"></main><footer></footer>',
            ["navigation sans lien (9.2)"],
        ),
        (
            LANDMARKS + '<main id="contenu"><article><footer></footer></article></main>',
            ["footer dans un élément article : pas celui de la page (9.2)"],
        ),
        (
            LANDMARKS + '<div role="main" id="contenu"></div><main></main><footer></footer>',
            [
                "rôle main sur div : la structure passe par les éléments HTML (9.2)",
                "« Aller au contenu » mène à #contenu, pas au contenu principal (12.7)",
            ],
        ),
        (
            LANDMARKS + '<main id="contenu" hidden></main><footer></footer>',
            ["contenu principal masqué (9.2)"],
        ),
        (
            LANDMARKS
            + '<main id="contenu"><h2>Chiffres</h2><h1>Accueil</h1></main><footer></footer>',
            ["premier titre h2 « Chiffres », avant le h1 (9.1)"],
        ),
    ],
)
def test_the_walk_s_landmark_checks_find_what_they_look_for(body, expected):
    assert (
        walk.landmark_problems(f'<!DOCTYPE html><html lang="fr"><body>{body}</body></html>')
        == expected
    )


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('<iframe title="Aperçu" style="height:500px"></iframe><img width="10" alt="">', []),
        ('<svg width="10"><rect width="4" height="2"></rect></svg>', []),
        (
            '<iframe title="Aperçu" height="500"></iframe>',
            ["attribut de présentation height sur iframe (10.1)"],
        ),
        ("<center>x</center>", ["élément de présentation center (10.1)"]),
        ('<td align="right">1</td>', ["attribut de présentation align sur td (10.1)"]),
    ],
)
def test_the_walk_s_presentation_check_finds_what_it_looks_for(body, expected):
    assert walk.presentation_problems(walk.parse(body)) == expected


def _document(body: str) -> str:
    return f'<!DOCTYPE html><html lang="fr"><body><h1>Demandes</h1>{body}</body></html>'


CHART = '<section class="chart-block"><h2>Évolution par mois</h2>{}</section>'


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            '<p id="a">x</p><label for="a">A</label><span lang="en">Open Licence</span>'
            '<p aria-live="polite"></p><ul><li>a</li></ul><dl><dt>a</dt><dd>b</dd></dl>'
            + CHART.format("<table><caption>Demandes, par mois</caption></table>"),
            [],
        ),
        # Valid code (8.2): ids, references, ARIA attributes and roles.
        ('<p id="a">x</p><p id="a">y</p>', ["identifiant « a » en double (8.2)"]),
        (
            '<section aria-labelledby="t"></section>',
            ["aria-labelledby sur section renvoie à « t », absent de la page (8.2)"],
        ),
        ('<div aria-labeledby="t"></div>', ["attribut ARIA inconnu aria-labeledby sur div (8.2)"]),
        ('<div aria-hidden="oui"></div>', ["aria-hidden=« oui » sur div : valeur invalide (8.2)"]),
        ('<div role="buton"></div>', ["rôle ARIA inconnu « buton » sur div (8.2)"]),
        # Languages (8.7, 8.8) and the direction of reading (8.10).
        ("<p>Licence Ouverte / Open Licence 2.0</p>", ['« Open Licence » sans lang="en" (8.7)']),
        ('<p lang="en">Licence Ouverte / <span>Open Licence</span></p>', []),
        ('<span lang="english">open data</span>', ["code de langue « english » sur span (8.8)"]),
        ('<p dir="rtl">x</p>', ["sens de lecture dir=rtl : à auditer (8.10)"]),
        ("<p>مرحبا</p>", ["texte écrit de droite à gauche « مرحبا » (8.10)"]),
        # Elements for what they mean (8.9), lists (9.3), quotations (9.4).
        ("<p></p><p><br></p>", ["paragraphe vide (8.9)", "paragraphe vide (8.9)"]),
        ("<p>a<br> <br>b</p>", ["suite de <br> pour espacer (8.9)"]),
        ("<h2> </h2>", ["titre h2 vide (8.9, 9.1)"]),
        ("<ul><p>a</p></ul>", ["p directement dans une liste ul (9.3)"]),
        ("<dl><p>a</p></dl>", ["p directement dans une liste de description (9.3)"]),
        ("<div><li>a</li></div>", ["li hors d'une liste (9.3)"]),
        ("<p>• Brigade numérique</p>", ["liste dessinée à la main « • Brigade numérique » (9.3)"]),
        (
            '<div><a href="/a">A</a><a href="/b">B</a><a href="/c">C</a></div>',
            ["3 liens à la suite dans un div, hors d'une liste (9.3)"],
        ),
        ('<p><a href="/a">A</a>, <a href="/b">B</a> ou <a href="/c">C</a></p>', []),
        ("<p>1. Ouvrir</p>", ["liste dessinée à la main « 1. Ouvrir » (9.3)"]),
        ("<p><q>x</q></p>", ["citation (q) : le critère 9.4 est à auditer"]),
        ("<blockquote>x</blockquote>", ["citation (blockquote) : le critère 9.4 est à auditer"]),
        # Table titles (5.5).
        (
            "<table><caption>Données</caption></table>",
            ["titre de tableau « Données » trop vague (5.5)"],
        ),
        (
            "<table><caption>Demandes, par mois</caption></table>" * 2,
            ["2 tableaux titrés « Demandes, par mois » (5.5)"],
        ),
        (
            CHART.format("<table><caption>Tableau des valeurs</caption></table>"),
            [
                "le tableau « Tableau des valeurs » ne nomme pas le graphique "
                "« évolution par mois » (5.5)"
            ],
        ),
    ],
)
def test_the_walk_s_document_checks_find_what_they_look_for(body, expected):
    assert walk.document_problems(_document(body)) == expected


def test_the_walk_keeps_each_table_s_caption_and_cuts_the_rows_of_large_ones():
    rows = "<tr><td>1</td></tr>" * 2_000
    page = f'<p>a</p><table class="x"><caption>Demandes</caption>{rows}</table>'
    assert walk.without_tables(page) == (
        '<p>a</p><table data-lignes="1999"><caption>Demandes</caption></table>'
    )
    small = '<table><caption>Sources</caption><tr><td><a href="/">A</a></td></tr></table>'
    assert walk.without_tables(small) == small
