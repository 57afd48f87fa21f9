"""Embeds: options and their errors, frozen data, the snippet, and real frames on another origin.

The browser tests serve ``tests/embed_host/host.html`` from a second origin (another port of
127.0.0.1) with the snippets that the builder gives, and check that every frame draws its chart
and takes exactly the height of its content, at 320 and 1280 px and after the table is opened.
"""

from __future__ import annotations

import datetime as dt
import functools
import gzip
import http.server
import json
import re
import threading
from html import unescape
from pathlib import Path
from urllib.parse import urlencode

import pandas as pd
import pytest
from conftest import (
    DEMO_TODAY,
    LiveServer,
    free_port,
    hover_a_point,
    let_go,
    reader_moves,
    require,
    start_dash,
)

from barometre.charts import french
from barometre.config import Settings
from barometre.data.store import Store
from barometre.publish.validation import Display
from barometre.urls import Urls
from barometre.web import embed
from barometre.web.app import create_app
from barometre.web.callbacks import embed as builder_callbacks

HOST_PAGE = Path(__file__).parent / "embed_host"
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
DEMANDES = "brigade-numerique-demandes"


@pytest.fixture(scope="module")
def embed_client(demo_settings):
    return create_app(demo_settings).server.test_client()


def get(client, query: str, indicator: str = DEMANDES):
    response = client.get(f"/embed/{indicator}{query}")
    return response.status_code, response.get_data(as_text=True)


def text(html: str) -> str:
    """The page's text with ordinary spaces (the typography is checked on its own)."""
    return unescape(html).replace("\u00a0", " ").replace("\u202f", " ")


def values(html: str) -> list[str]:
    """The table's value column (the first after the period), one cell a row."""
    return re.findall(r"</th><td>([^<]*)</td>", html)


# -- options ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ['data-theme="clair"', '"hauteur":500', "par mois", "dernière mise à jour le"]),
        ("?granularite=jour", ["par jour", '<th scope="col">Jour</th>']),
        ("?granularite=semaine", ["par semaine"]),
        ("?granularite=mois", ["par mois"]),
        ("?granularite=annee", ["De 2018 à 2026, par année"]),
        ("?ventilation=motif", ["Répartition par motif de contact", '<th scope="col">Part</th>']),
        ("?ventilation=heure", ["Répartition par heure"]),
        ("?theme=clair", ['data-theme="clair"', '"figures":{"clair"']),
        ("?theme=sombre", ['data-theme="sombre"', '"figures":{"sombre"']),
        ("?theme=auto", ['data-theme="auto"', '"figures":{"clair"', '"sombre":{']),
        ("?hauteur=200", ['"hauteur":200']),
        ("?hauteur=3000", ['"hauteur":3000']),
        ("?debut=2025-01-01&fin=2025-12-31", ["De janvier 2025 à décembre 2025"]),
        ("?debut=2026-01-01", ["2026"]),
        ("?fige=2026-06-30", ["données au 30 juin 2026"]),
        (
            "?fige=2026-06-30&granularite=annee&ventilation=motif&theme=auto&hauteur=640",
            [
                "données au 30 juin 2026",
                "Répartition par motif",
                '"hauteur":640',
            ],
        ),
    ],
)
def test_every_option_value_is_shown(embed_client, query, expected):
    status, html = get(embed_client, query)
    assert status == 200
    for part in expected:
        assert part in text(html)
    assert '<html lang="fr"' in html
    assert 'target="_top">Voir sur le Baromètre numérique</a>' in html
    assert "Source : " in text(html)


@pytest.mark.parametrize(
    ("indicator", "marked"),
    [("thesee-plaintes", True), ("pre-plainte-en-ligne", False)],
    ids=["an event of the indicator", "nowhere else"],
)
def test_an_embed_marks_and_names_the_events_of_its_indicator(embed_client, indicator, marked):
    _, html = get(embed_client, "?debut=2022-01-01&fin=2022-12-31", indicator)
    assert ('"text":"Ouverture de THESEE"' in html) is marked
    assert ("Événements sur la période : ouverture de THESEE (15 mars 2022)." in text(html)) is (
        marked
    )


def test_a_time_series_embed_has_the_site_s_checkboxes_and_table_columns(embed_client):
    _, html = get(embed_client, "?debut=2020-01-01&fin=2020-12-31")
    assert 'class="embed-checks" role="group" aria-label="Affichage du graphique" hidden' in html
    assert 'id="afficher-evenements" aria-checked="true"' in html
    assert 'id="comparer-annee-precedente" aria-checked="false"' in html
    headings = re.findall(r'<th scope="col">([^<]*)</th>', html)
    assert headings == [
        "Mois",
        "Valeur (demandes)",
        "Même période un an avant (demandes)",
        "Événement",
    ]


@pytest.mark.parametrize("events", [True, False])
@pytest.mark.parametrize("comparison", [True, False])
def test_an_embed_s_address_chooses_its_display_as_the_site_s_permalink(
    embed_client, events, comparison
):
    """What the checkboxes choose is in the address (embed.js writes it, explore.js fetches the
    drawing for it): the drawing, the checkboxes and the link to the full page follow it."""
    display = Display(events, comparison)
    query = "?debut=2020-01-01&fin=2020-12-31&" + urlencode(display.params())
    status, html = get(embed_client, query)
    assert status == 200
    assert f'id="afficher-evenements" aria-checked="{str(events).lower()}"' in html
    assert f'id="comparer-annee-precedente" aria-checked="{str(comparison).lower()}"' in html
    points = json.loads(unescape(re.search(r'data-points="([^"]*)"', html).group(1)))
    roles = [series["role"] for series in points["series"]]
    assert roles == ["principale", "comparaison"] if comparison else ["principale"]
    assert ("svg-event-label" in html) is events
    link = unescape(re.search(r'id="voir-page" href="([^"]*)"', html).group(1))
    assert ("comparer=oui" in link) is comparison and ("evenements=non" in link) is not events


def test_a_breakdown_embed_has_no_display_to_choose(embed_client):
    _, plain = get(embed_client, "?ventilation=motif")
    _, asked = get(embed_client, "?ventilation=motif&comparer=oui&evenements=non")
    assert asked == plain


@pytest.mark.parametrize(
    ("query", "present"),
    [
        ("?debut=2021-01-01&fin=2021-12-31", ["comparer-annee-precedente"]),  # no event in 2021
        ("?ventilation=motif", []),  # a breakdown: nothing to compare or mark
    ],
)
def test_an_embed_offers_only_the_checkboxes_its_chart_needs(embed_client, query, present):
    _, html = get(embed_client, query)
    found = re.findall(r'role="checkbox" id="([^"]+)"', html)
    assert found == present
    assert ('class="embed-checks"' in html) is bool(present)


def test_a_frozen_embed_ends_at_its_date(embed_client):
    _, html = get(embed_client, "?fige=2026-06-30&granularite=mois")
    assert "juin 2026" in html and "juillet 2026" not in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?theme=rose", "« theme » doit valoir clair, sombre ou auto."),
        ("?hauteur=abc", "« hauteur » doit être un nombre entier de pixels entre 200 et 3000."),
        ("?hauteur=199", "entre 200 et 3000"),
        ("?hauteur=3001", "entre 200 et 3000"),
        ("?hauteur=-5", "entre 200 et 3000"),
        ("?hauteur=4.5", "entre 200 et 3000"),
        ("?granularite=heure", "Granularité inconnue ; valeurs possibles : jour, semaine"),
        ("?debut=2026-13-01", "« debut » : la date 2026-13-01 n'existe pas"),
        ("?debut=hier", "« debut » doit être une date au format AAAA-MM-JJ."),
        ("?fin=2026-1-1", "« fin » doit être une date au format AAAA-MM-JJ."),
        ("?fin=01/02/2026", "« fin » : la date 01/02/2026 n'existe pas"),
        ("?debut=2026-02-01&fin=2026-01-01", "La date de début doit précéder la date de fin."),
        ("?debut=2030-01-01&fin=2030-12-31", "Aucune donnée sur cette période"),
        ("?fige=2999-01-01", "« fige » ne peut pas être une date future."),
        (
            "?fige=2001-01-01",
            "Aucune donnée n'était publiée pour cet indicateur au 1er janvier 2001.",
        ),
        ("?fige=31-12-2025", "« fige » : la date 31-12-2025 n'existe pas"),
        ("?theme=%3Cscript%3E", "« theme » doit valoir clair, sombre ou auto."),
    ],
)
def test_every_bad_value_gets_a_french_message_in_the_frame(embed_client, query, message):
    status, html = get(embed_client, query)
    assert status == 400
    assert message in text(html)
    assert '<p role="alert">' in html and "Traceback" not in html and "<script>" not in html


def test_messages_follow_french_typography(embed_client):
    _, html = get(embed_client, "?theme=rose")
    assert "«\u00a0theme\u00a0» doit valoir clair, sombre ou auto." in unescape(html)
    _, html = get(embed_client, "")
    assert "Source\u00a0: " in html


@pytest.mark.parametrize(
    ("indicator", "query", "message"),
    [
        ("thesee-plaintes", "?ventilation=motif", "aucune pour cet indicateur."),
        ("brigade-numerique-demandes", "?ventilation=inconnue", "motif, heure."),
    ],
)
def test_a_breakdown_the_indicator_lacks_is_a_404_page_in_french(
    embed_client, indicator, query, message
):
    # A chart that does not exist, like an unknown indicator: 404, as every HTML page kind.
    status, html = get(embed_client, query, indicator)
    assert status == 404
    assert f"Ventilation inconnue ; valeurs possibles : {message}" in text(html)


@pytest.mark.parametrize("indicator", ["inconnu", "%3Cscript%3Ealert(1)"])
def test_an_unknown_indicator_is_a_404_page_in_french(embed_client, indicator):
    status, html = get(embed_client, "", indicator)
    assert status == 404
    assert "Aucun indicateur ne porte l'identifiant" in text(html) and "<script>" not in html


@pytest.mark.parametrize(
    ("indicator", "query", "expected"),
    [
        ("pre-plainte-en-ligne", "?ventilation=departement", "Graphique limité aux 15 premiers"),
        ("pre-plainte-en-ligne", "?ventilation=type-personne", "Répartition par"),
        ("brigade-numerique-delai-reponse", "?granularite=semaine", "par semaine"),
        ("reseaux-sociaux-abonnes", "?ventilation=reseau&theme=auto", "Répartition par"),
        ("recrutement-candidatures", "?ventilation=voie&fige=2025-12-31", "données au 31 décembre"),
    ],
)
def test_every_kind_of_indicator_embeds(embed_client, indicator, query, expected):
    status, html = get(embed_client, query, indicator)
    assert status == 200 and expected in text(html)


def test_the_site_pages_do_not_load_the_embed_assets(embed_client):
    html = embed_client.get("/indicateurs/" + DEMANDES).get_data(as_text=True)
    assert "/assets/plotly-locale-fr.js" in html and "assets/embed/" not in html


def test_an_embed_loads_only_its_own_assets(embed_client):
    _, html = get(embed_client, "")
    assets = re.findall(r'(?:src|href)="(/[^"]+)"', html)
    assert sorted(a.split("?")[0] for a in assets) == [
        "/assets/drawings.css",
        "/assets/embed/embed.css",
        "/assets/embed/embed.js",
        "/assets/explore.js",
        "/indicateurs/" + DEMANDES,
    ]
    # plotly.js, its French locale and the checkboxes' redraw: fetched at the first move
    config = json.loads(html.split('id="embed-config">')[1].split("</script>")[0])
    assert [url.split("?")[0] for url in config["scripts"]] == [
        "/assets/vendor/plotly-basic.min.js",
        "/assets/plotly-locale-fr.js",
        "/assets/display.js",
    ]


def test_an_embed_comes_with_its_chart_drawn_and_two_deferred_scripts(embed_client):
    # Title, summary, chart (SVG drawn by the server) and table are painted before any script:
    # the embed's own and the chart explorer's.
    _, html = get(embed_client, "")
    scripts = re.findall(r"<script\b[^>]*\bsrc=[^>]*>", html)
    assert len(scripts) == 2, scripts
    assert all(re.search(r"\sdefer[\s>]", script) for script in scripts), scripts
    chart = html.split('id="graphique"')[1].split("</figure>")[0]
    assert '<div class="svg-chart"' in chart and "<path" in chart


def test_an_embed_is_sent_compressed_to_browsers_that_accept_it(embed_client):
    response = embed_client.get(
        f"/embed/{DEMANDES}?granularite=jour", headers={"Accept-Encoding": "gzip"}
    )
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["Vary"]
    html = gzip.decompress(response.get_data()).decode()
    assert len(response.get_data()) < len(html) / 4 and "</html>" in html


def test_theme_auto_sends_the_data_once(embed_client):
    _, html = get(embed_client, "?theme=auto&granularite=jour")
    config = json.loads(re.search(r'id="embed-config">(.*?)</script>', html).group(1))
    light, dark = config["figures"]["clair"]["data"][0], config["figures"]["sombre"]["data"][0]
    assert len(light["x"]) > 1000 and "x" not in dark and "y" not in dark
    assert dark["line"]["color"] != light["line"]["color"]


def test_an_embed_works_under_a_url_prefix(demo_settings):
    settings = Settings(
        data_dir=demo_settings.data_dir,
        database_url=demo_settings.database_url,
        url_prefix="/barometre/",
    )
    client = create_app(settings).server.test_client()
    response = client.get(f"/barometre/embed/{DEMANDES}?granularite=annee")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "/barometre/assets/embed/embed.js?v=" in html
    assert f'href="/barometre/indicateurs/{DEMANDES}?granularite=annee" target="_top"' in html


# -- the builder and the snippet -------------------------------------------------------------


def build(services, **values):
    options = {
        "start": None,
        "end": None,
        "granularity": "mois",
        "dimension": "",
        "theme": "clair",
        "height": 500,
        "frozen": None,
    } | values
    return builder_callbacks.build(
        services, "https://barometre.example", DEMANDES, *options.values(), today=DEMO_TODAY
    )


def test_the_builder_gives_a_snippet_that_follows_the_rules(demo_settings):
    services = create_app(demo_settings).services
    code, preview, message, invalid = build(services, dimension="motif", theme="auto", height=600)
    assert message == invalid == ""
    assert preview == f"/embed/{DEMANDES}?ventilation=motif&theme=auto&hauteur=600"
    iframe, script = code.split("\n")
    assert iframe == (
        f'<iframe src="https://barometre.example/embed/{DEMANDES}?ventilation=motif&amp;'
        'theme=auto&amp;hauteur=600" title="Demandes à la Brigade numérique — Baromètre '
        'numérique" loading="lazy" style="width:100%;height:600px;border:0"></iframe>'
    )
    # Only messages from the Baromètre's origin, only for the frame that sent them.
    assert 'var o="https://barometre.example"' in script
    assert "e.origin!==o" in script and "f[i].contentWindow===e.source" in script


def test_the_builder_says_what_is_wrong_and_gives_no_snippet(demo_settings):
    services = create_app(demo_settings).services
    assert build(services, height=50) == (
        "",
        builder_callbacks.no_update,
        "«\u00a0hauteur\u00a0» doit être un nombre entier de pixels entre 200 et 3000.",
        "hauteur",
    )


def test_a_live_embed_keeps_following_new_data(demo_settings):
    services = create_app(demo_settings).services
    _, preview, *_ = build(services, start="2024-01-01")
    assert preview == f"/embed/{DEMANDES}?debut=2024-01-01&granularite=mois"  # no fin pinned


# -- frozen or live --------------------------------------------------------------------------


def observations(days: pd.DatetimeIndex, value: float) -> pd.DataFrame:
    return pd.DataFrame(
        {"indicator": DEMANDES, "dimension": "", "member": "", "date": days, "value": value}
    )


def test_the_store_gives_values_as_published_at_the_end_of_a_day(store_url, the_catalogue, clock):
    """On SQLite and PostgreSQL: later corrections are undone, later dates are left out."""
    store = Store(store_url)
    store.init_schema()
    store.sync_catalogue(the_catalogue)
    indicator = the_catalogue.indicator(DEMANDES)
    today = dt.date.today()
    as_of = today - dt.timedelta(days=1)
    days = pd.date_range(end=as_of, periods=4, freq="D")
    clock(as_of)
    store.apply(observations(days, 10.0), kind="ingestion", source="envoi")
    clock(today)
    store.apply(observations(days[-2:], 20.0), kind="ingestion", source="correction 1")
    store.apply(observations(days[-1:], 30.0), kind="ingestion", source="correction 2")
    store.apply(observations(pd.DatetimeIndex([today]), 40.0), kind="ingestion", source="suite")
    first, last = days[0].date(), today
    try:
        live = store.series(indicator, first, last, "jour")["valeur"].tolist()
        frozen = store.series(indicator, first, last, "jour", as_of=as_of)["valeur"].tolist()
        total = store.breakdown(indicator, "", first, last, as_of=as_of)["valeur"].tolist()
        assert live == [10.0, 10.0, 20.0, 30.0, 40.0]
        assert frozen == [10.0] * 4
        assert total == [40.0]
        assert store.bounds(DEMANDES, as_of=as_of) == (first, as_of)
        assert store.bounds(DEMANDES) == (first, today)
    finally:
        store.close()


def test_a_frozen_embed_keeps_its_values_when_data_is_corrected_and_added(
    tmp_path, the_catalogue, clock
):
    """New data after the date of a frozen embed changes the live embed only."""
    settings = Settings(data_dir=tmp_path)
    store = Store(settings.database_url)
    store.init_schema()
    store.sync_catalogue(the_catalogue)
    today = dt.date.today()
    frozen = today - dt.timedelta(days=1)
    published = pd.date_range(end=frozen, periods=3, freq="D")
    clock(frozen)
    store.apply(observations(published, 100.0), kind="ingestion", source="premier envoi")
    client = create_app(settings).server.test_client()
    live_query = "?granularite=jour"
    frozen_query = f"?granularite=jour&fige={frozen.isoformat()}"
    assert values(get(client, live_query)[1]) == ["100"] * 3
    assert values(get(client, frozen_query)[1]) == ["100"] * 3

    # Today: the last published day is corrected and a new day is added.
    clock(today)
    store.apply(observations(published[-1:], 250.0), kind="ingestion", source="correction")
    store.apply(observations(pd.DatetimeIndex([today]), 300.0), kind="ingestion", source="suite")
    store.close()

    assert values(get(client, live_query)[1]) == ["100", "100", "250", "300"]
    status, html = get(client, frozen_query)
    assert status == 200
    assert values(html) == ["100"] * 3
    assert f"données au {french.format_date(frozen)}" in html


def test_a_frozen_embed_leaves_out_a_late_figure_of_a_day_before_it(settings, empty_store, clock):
    """A day missing on the frozen day, loaded and published after it: the frozen embed shows
    what was public on its day (the day missing, the year without it), the live one shows it."""
    store = empty_store
    today = dt.date.today()
    frozen = today - dt.timedelta(days=1)
    days = pd.date_range(end=frozen, periods=4, freq="D")
    late = days[1]
    clock(frozen)
    store.apply(observations(days.delete(1), 100.0), kind="ingestion", source="premier envoi")
    clock(today)
    store.apply(observations(pd.DatetimeIndex([late]), 70.0), kind="ingestion", source="tardif")
    client = create_app(settings).server.test_client()
    period = f"debut={days[0].date().isoformat()}&fin={frozen.isoformat()}"
    live, then = f"?{period}&granularite=jour", f"?{period}&granularite=jour&fige={frozen}"
    assert values(get(client, live)[1]) == ["100", "70", "100", "100"]
    assert values(get(client, then)[1]) == ["100"] * 3
    # Per year (the days' year or years), the late figure is in the live sum only.
    yearly = f"?{period}&granularite=annee"
    assert sum(map(float, values(get(client, yearly)[1]))) == 370
    assert sum(map(float, values(get(client, f"{yearly}&fige={frozen}")[1]))) == 300


# -- in a browser, on another origin ---------------------------------------------------------


class StaticHost:
    """A static web server on a free port of 127.0.0.1: the « other site » of the tests."""

    def __init__(self, folder: Path):
        self.port = free_port()
        self.origin = f"http://127.0.0.1:{self.port}"
        handler = functools.partial(_QuietHandler, directory=str(folder))
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


EMBEDS = [
    {},
    {"ventilation": "motif", "theme": "sombre"},
    {"granularite": "annee", "hauteur": "300", "fige": "2026-06-30"},
]


@pytest.fixture(scope="module")
def sites(demo_settings, tmp_path_factory):
    """The Baromètre (allowing one host origin to frame it), that host, and a refused host."""
    folder = tmp_path_factory.mktemp("hote")
    allowed, refused = StaticHost(folder), StaticHost(folder)
    server = LiveServer(
        demo_settings,
        workers=1,
        env={"BAROMETRE_FRAME_ANCESTORS": f"'self' {allowed.origin}"},
    )
    services = create_app(demo_settings).services
    snippets = []
    for parameters in EMBEDS:
        options = embed.parse_options(services, DEMANDES, parameters, DEMO_TODAY)
        snippets.append(embed.snippet(server.url, Urls("/"), options, parameters))
    page = (HOST_PAGE / "host.html").read_text(encoding="utf-8")
    (folder / "host.html").write_text(
        page.replace("<!-- SNIPPETS -->", "\n".join(snippets)), encoding="utf-8"
    )
    (folder / "autre-origine.html").write_bytes((HOST_PAGE / "autre-origine.html").read_bytes())
    yield server, allowed, refused
    server.stop()
    allowed.stop()
    refused.stop()


FRAME_FITS = """() => {
    const body = document.body.getBoundingClientRect().height;
    const inner = document.documentElement;
    return window.frameElement === null && document.querySelector('.main-svg') !== null
        && inner.scrollHeight <= window.innerHeight + 1 && body > 0
        && Math.abs(window.innerHeight - body) <= 2;
}"""


def embed_frames(page):
    return page.locator('iframe[src*="/embed/"]')


def wait_until_every_frame_fits(page, count: int) -> None:
    frames = embed_frames(page)
    for index in range(count):
        handle = frames.nth(index)
        handle.scroll_into_view_if_needed()  # loading="lazy": frames load near the viewport
        content = handle.element_handle().content_frame()
        content.wait_for_function(FRAME_FITS, timeout=20_000)


@pytest.fixture
def host_page(browser):
    context = browser.new_context(locale="fr-FR")
    reader_moves(context)
    page = context.new_page()
    page.console_messages = []
    page.on("console", lambda message: page.console_messages.append(message.text))
    yield page
    context.close()


@pytest.mark.browser
@pytest.mark.parametrize("width", [320, 1280])
def test_every_frame_draws_and_fits_its_content(sites, host_page, width):
    server, allowed, _ = sites
    page = host_page
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(allowed.origin + "/host.html")
    wait_until_every_frame_fits(page, len(EMBEDS))

    # The table switch works from the keyboard inside the frame, and the frame grows with it.
    frame = embed_frames(page).nth(0)
    before = frame.bounding_box()["height"]
    content = frame.element_handle().content_frame()
    # From the host page, the first Tab enters the first frame on its chart (explore.js), then
    # its three buttons, then the table switch.
    page.keyboard.press("Tab")
    assert content.evaluate("() => document.activeElement.id") == "graphique-exploration"
    for _ in range(4):
        page.keyboard.press("Tab")
    assert content.evaluate("() => document.activeElement.id") == "voir-donnees"
    page.keyboard.press("Enter")
    switch = content.locator("#voir-donnees")
    assert switch.get_attribute("aria-expanded") == "true"
    assert switch.inner_text() == "Masquer les données"
    assert content.locator("#donnees table").is_visible()
    content.wait_for_function(FRAME_FITS, timeout=20_000)
    page.wait_for_function(
        f"() => document.querySelector('iframe[src*=\"/embed/\"]').offsetHeight > {before + 50}"
    )
    assert not any("frame-ancestors" in text for text in page.console_messages)


@pytest.mark.browser
def test_messages_from_another_origin_resize_nothing(sites, host_page):
    _, allowed, _ = sites
    page = host_page
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(allowed.origin + "/host.html")
    wait_until_every_frame_fits(page, 1)
    heights = embed_frames(page).evaluate_all("frames => frames.map(f => f.offsetHeight)")
    page.evaluate(
        "window.postMessage({type: 'barometre:hauteur', id: 'brigade-numerique-demandes',"
        " hauteur: 4321}, '*')"
    )
    # fixed wait: nothing must resize
    page.wait_for_timeout(500)  # the other-origin frame posts every 100 ms meanwhile
    assert page.locator("#autre-origine").evaluate("f => f.offsetHeight") == 150
    assert embed_frames(page).evaluate_all("fs => fs.map(f => f.offsetHeight)") == heights


@pytest.mark.browser
def test_a_host_origin_not_allowed_cannot_frame_the_barometre(sites, host_page):
    server, _, refused = sites
    page = host_page
    page.goto(refused.origin + "/host.html")
    page.wait_for_function(
        "() => [...document.querySelectorAll('iframe')].length > 0", timeout=10_000
    )
    embed_frames(page).nth(0).scroll_into_view_if_needed()
    page.wait_for_timeout(1500)  # fixed wait: the frames settle before every frame is read
    for frame in page.frames:
        if frame.url.startswith(server.url):
            try:
                drawn = frame.evaluate("document.querySelector('.embed') !== null")
            except Exception:  # noqa: BLE001 — a blocked frame holds the browser's error page
                drawn = False
            assert not drawn
    assert any("frame-ancestors" in text for text in page.console_messages)


AXE_RULES = "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']"


def axe_violations(page, context: str = "document") -> list[str]:
    """Run axe-core in ``page``; evaluate() is not subject to the page's CSP, a script tag is."""
    page.evaluate(AXE.read_text(encoding="utf-8"))
    return page.evaluate(
        f"async () => (await axe.run({context}, {{runOnly: {AXE_RULES}}}))"
        ".violations.map(v => v.id + ' ' + v.nodes.map(n => n.target).join(','))"
    )


def require_axe() -> None:
    require(AXE.exists(), "axe-core (npm install dans tests/)")


@pytest.mark.browser
@pytest.mark.parametrize("query", ["?theme=clair", "?ventilation=motif&theme=sombre", "?theme=x"])
def test_an_embed_is_axe_clean(sites, host_page, query):
    require_axe()
    server, _, _ = sites
    page = host_page
    page.goto(f"{server.url}/embed/{DEMANDES}{query}")
    if "theme=x" not in query:
        page.wait_for_selector(".main-svg", timeout=20_000)
        page.get_by_role("button", name="Voir les données").click()
    assert axe_violations(page) == []


@pytest.mark.browser
@pytest.mark.parametrize("theme", ["clair", "sombre"])
def test_an_embed_read_without_a_move_loads_no_plotly_and_is_axe_clean(sites, browser, theme):
    require_axe()
    server, _, _ = sites
    context = browser.new_context(locale="fr-FR", viewport={"width": 320, "height": 700})
    try:
        page = context.new_page()
        fetched: list[str] = []
        page.on("request", lambda r: fetched.append(r.url) if "plotly" in r.url else None)
        page.goto(f"{server.url}/embed/{DEMANDES}?theme={theme}")
        page.wait_for_load_state("networkidle")
        assert fetched == []
        drawing = page.locator("#graphique .svg-chart")
        assert drawing.count() == 1 and drawing.bounding_box()["height"] > 200
        assert axe_violations(page) == []
        # hovering and tapping show the drawing's tooltips (explore.js): no plotly.js
        hover_a_point(page, "#graphique .svg-chart[data-points]")
        page.locator("#graphique .explore-tip:visible").wait_for()
        page.wait_for_timeout(300)  # fixed wait: nothing must be requested: no state to wait for
        assert fetched == []
        # a mouse press (zooming is plotly.js's): it comes and draws over the drawing, which
        # stays, unseen, as the keyboard's chart (explore.js)
        page.mouse.down()
        page.mouse.up()
        page.wait_for_selector("#graphique .main-svg", timeout=20_000)
        assert not page.locator("#graphique .svg-chart").is_visible()
        assert len(fetched) == 2  # plotly.js and its French locale
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.parametrize("theme", ["clair", "sombre"])
def test_an_embed_s_checkboxes_show_the_year_before_and_hide_the_events(sites, host_page, theme):
    require_axe()
    server, _, _ = sites
    page = host_page
    page.goto(f"{server.url}/embed/{DEMANDES}?debut=2020-01-01&fin=2020-12-31&theme={theme}")
    page.wait_for_selector(".main-svg", timeout=20_000)
    chart = "document.getElementById('graphique')"
    overlay = (
        f"{chart}.data.some(t => t.name === 'Même période, un an avant' && t.visible !== false)"
    )
    assert page.evaluate(overlay) is False
    assert page.evaluate(f"{chart}.querySelectorAll('.annotation').length") == 2
    compare = page.get_by_role("checkbox", name="Comparer avec l'année précédente")
    compare.focus()
    page.keyboard.press("Space")
    page.wait_for_function(overlay)
    assert compare.get_attribute("aria-checked") == "true"
    page.get_by_role("checkbox", name="Afficher les événements").click()
    page.wait_for_function(f"{chart}.querySelectorAll('.annotation').length === 0")
    # the link to the full page opens it showing the same
    link = page.get_by_role("link", name="Voir sur le Baromètre numérique").get_attribute("href")
    assert "comparer=oui" in link and "evenements=non" in link and "debut=2020-01-01" in link
    page.get_by_role("checkbox", name="Comparer avec l'année précédente").click()
    link = page.get_by_role("link", name="Voir sur le Baromètre numérique").get_attribute("href")
    assert "comparer" not in link and "evenements=non" in link
    assert axe_violations(page) == []
    assert page.console_messages == []


@pytest.mark.browser
@pytest.mark.parametrize(("scheme", "colour"), [("light", "#0072B2"), ("dark", "#56B4E9")])
def test_theme_auto_follows_the_device(sites, host_page, scheme, colour):
    server, _, _ = sites
    page = host_page
    page.emulate_media(color_scheme=scheme)
    page.goto(f"{server.url}/embed/{DEMANDES}?theme=auto")
    page.wait_for_selector(".main-svg", timeout=20_000)
    trace = page.evaluate("() => document.getElementById('graphique').data[0]")
    assert trace["line"]["color"] == colour and len(trace["x"]) > 12


@pytest.mark.browser
def test_the_builder_dialog_works_from_the_keyboard(live_server, browser):
    context = browser.new_context(locale="fr-FR", permissions=["clipboard-read", "clipboard-write"])
    reader_moves(context)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/indicateurs/{DEMANDES}")
        opener = page.get_by_role("button", name="Intégrer ce graphique")
        opener.wait_for()
        # The preview (a whole embed) is not loaded for readers who never open the builder.
        assert page.locator("#integrer-apercu").get_attribute("src") is None
        opener.focus()
        page.keyboard.press("Enter")
        dialog = page.get_by_role("dialog", name="Intégrer ce graphique")
        dialog.wait_for(state="visible")
        code = page.get_by_label("Code à copier")
        # Predicates as functions: the site's CSP has no 'unsafe-eval' for string expressions.
        page.wait_for_function(
            "() => document.getElementById('integrer-code').value.includes('<iframe')"
        )
        page.get_by_label("Ventilation").select_option("motif")
        page.wait_for_function(
            "() => document.getElementById('integrer-code').value.includes('ventilation=motif')"
        )
        assert "ventilation=motif" in page.locator("#integrer-apercu").get_attribute("src")
        page.get_by_role("button", name="Copier le code").click()
        page.wait_for_function(
            "() => document.getElementById('integrer-statut').textContent.startsWith('Code copié')"
        )
        assert page.evaluate("navigator.clipboard.readText()") == code.input_value()
        if AXE.exists():  # the dialog only: the rest of the page is test_accessibility's
            dialog_only = "document.getElementById('integrer-dialogue')"
            assert axe_violations(page, dialog_only) == []
        page.keyboard.press("Escape")
        dialog.wait_for(state="hidden")
        assert page.evaluate("document.activeElement.id") == "integrer-ouvrir"
    finally:
        context.close()


@pytest.mark.browser
def test_a_checkbox_pressed_while_the_scripts_arrive_waits_for_all_of_them(sites, browser):
    # plotly.js has run but display.js (last) has not: the press must not draw yet, nor fail.
    server, _, _ = sites
    context = browser.new_context(locale="fr-FR")
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        held = []
        page.route("**/display.js*", lambda route: held.append(route))
        page.goto(f"{server.url}/embed/{DEMANDES}?debut=2020-01-01&fin=2020-12-31")
        compare = page.get_by_role("checkbox", name="Comparer avec l'année précédente")
        start_dash(page)  # as a mouse press on the chart does: the scripts are fetched
        compare.click()
        page.wait_for_function("() => window.Plotly !== undefined")
        page.get_by_role("checkbox", name="Afficher les événements").click()
        assert errors == [] and page.locator("#graphique .svg-chart").count() == 1
        let_go(page, held)
        page.wait_for_selector("#graphique .main-svg", timeout=20_000)
        overlay = "() => document.getElementById('graphique').data.some("
        overlay += "t => t.name === 'Même période, un an avant' && t.visible !== false)"
        assert page.evaluate(overlay) is True
        assert (
            page.evaluate(
                "document.getElementById('graphique').querySelectorAll('.annotation').length"
            )
            == 0
        )
        assert errors == []
    finally:
        context.close()
