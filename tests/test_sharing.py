"""Sharing (issue 23): the oEmbed provider, its discovery tag and the social cards.

Every indicator's page (national and département) and every embed (national and each breakdown)
advertises an oEmbed answer that follows the spec (oembed.com, 1.0, « rich ») and whose iframe
is an embed that answers; a real oEmbed client (micawber) turns a pasted link into that iframe;
hostile addresses are refused without a 5xx; every absolute URL comes from BAROMETRE_PUBLIC_URL,
whatever Host the request names.
"""

from __future__ import annotations

import functools
import json
import struct
from dataclasses import replace
from urllib.parse import quote, urlsplit
from xml.etree import ElementTree

import png
import pytest
import walk
from html_tree import Element, parse

from barometre.charts import image
from barometre.charts.figures import THEMES
from barometre.urls import Urls
from barometre.web import embed

PUBLIC = "http://127.0.0.1:8050"
URLS = Urls("/")


@pytest.fixture(scope="module")
def site(demo_settings):
    from barometre.web.app import create_app

    return create_app(demo_settings)


@pytest.fixture(scope="module")
def client(site):
    return site.server.test_client()


def shared_addresses(site) -> list[str]:
    """Every kind of page and embed that names a chart, for every indicator."""
    catalogue = site.services.catalogue
    departement = catalogue.breakdowns["departement"].codes[0]
    addresses = []
    for indicator in catalogue.indicators:
        addresses += [
            URLS.indicator(indicator.id),
            URLS.indicator(indicator.id, granularite=indicator.granularities[0]),
            URLS.path(f"/embed/{indicator.id}", theme="sombre"),
            *(URLS.path(f"/embed/{indicator.id}", ventilation=b) for b in indicator.breakdowns),
        ]
        if "departement" in indicator.breakdowns:
            addresses.append(URLS.indicator(indicator.id, departement=departement))
    return addresses


def served(client, path: str, **headers) -> str:
    answer = client.get(path, headers=headers)
    assert answer.status_code == 200, path
    return answer.get_data(as_text=True)


def head_in(markup: str) -> Element:
    """A page's head, parsed alone: the body's tables hold thousands of cells."""
    return parse(markup.partition("</head>")[0]).find(lambda e: e.tag == "head")


def head_of(client, path: str, **headers) -> Element:
    return head_in(served(client, path, **headers))


def discovery(head: Element) -> Element:
    [link] = head.find_all(
        lambda e: e.tag == "link" and e.attrs.get("type") == "application/json+oembed"
    )
    return link


def cards(head: Element) -> dict[str, str]:
    return {
        e.attrs.get("property") or e.attrs.get("name"): e.attrs.get("content", "")
        for e in head.iter()
        if e.tag == "meta"
        and (e.attrs.get("property") or e.attrs.get("name", "")).startswith(("og:", "twitter:"))
    }


def check_rich(answer: dict, max_width: int | None = None, max_height: int | None = None) -> str:
    """Check an oEmbed 1.0 « rich » answer against the spec; return its iframe's address."""
    assert answer["version"] == "1.0" and answer["type"] == "rich"
    for field in ("html", "title", "provider_name", "provider_url"):
        assert isinstance(answer[field], str) and answer[field], field
    for field in ("width", "height"):
        assert isinstance(answer[field], int) and answer[field] > 0, field
    if max_width:
        assert answer["width"] <= max_width
    if max_height:
        assert answer["height"] <= max_height
    assert isinstance(answer["cache_age"], int)
    assert answer["provider_url"].startswith(PUBLIC + "/")
    frame = parse(answer["html"]).find(lambda e: e.tag == "iframe")
    assert frame is not None and frame.attrs["title"]
    # Its height in its style, not a presentational attribute (RGAA 10.1) the host would inherit.
    assert "height" not in frame.attrs
    assert f"height:{answer['height']}px;" in frame.attrs["style"]
    assert frame.attrs["src"].startswith(PUBLIC + "/embed/")
    return frame.attrs["src"]


def test_every_chart_address_is_shared_with_oembed_social_cards_and_pictures(site, client):
    """Over every indicator and every kind of chart address, each page fetched once (a
    canonical address is often one of the addresses shared)."""
    demo = site.services.store.is_demo()
    fetched = functools.cache(functools.partial(served, client))
    for path in shared_addresses(site):
        markup = fetched(path)
        head = head_in(markup)
        check_discovery(client, path, head)
        check_cards(fetched, path, cards(head))
        check_pictures(client, path, cards(head), demo)
        if path.startswith("/indicateurs/"):
            check_download_links(client, path, markup)


def check_download_links(client, path: str, markup: str) -> None:
    """Each chart of the page downloads as PNG and SVG through a plain link: no script."""
    page = parse(walk.without_tables(markup))
    links = page.find_all(
        lambda e: e.tag == "a" and "/image." in e.attrs.get("href", "") and "download" in e.attrs
    )
    charts = page.find_all(lambda e: e.tag == "div" and "chart-downloads" in e.classes)
    assert charts and len(links) == 2 * len(charts), path
    for link in links:
        answer = client.get(link.attrs["href"])
        extension = link.attrs["href"].split("?")[0].rsplit(".", 1)[1]
        assert answer.status_code == 200, link.attrs["href"]
        assert answer.mimetype == {"png": "image/png", "svg": "image/svg+xml"}[extension]
        assert link.attrs["download"].endswith("." + extension)
        if extension == "png":
            assert png_size(answer.data) == (1200, 630)


def test_a_downloaded_image_shows_the_page_s_display_and_departement(client):
    page = "/indicateurs/pre-plainte-en-ligne?departement=29&comparer=oui&granularite=mois"
    tree = parse(client.get(page).get_data(as_text=True))
    [link] = tree.find_all(
        lambda e: (
            e.tag == "a"
            and "graphique=evolution" in e.attrs.get("href", "")
            and ".svg" in e.attrs.get("href", "")
        )
    )
    assert "comparer=oui" in link.attrs["href"] and "departement=29" in link.attrs["href"]
    texts = " ".join(ElementTree.fromstring(client.get(link.attrs["href"]).data).itertext())
    assert "Finistère" in texts and "un an avant" in texts
    national = client.get(link.attrs["href"].replace("departement=29&", ""))
    assert "Finistère" not in national.get_data(as_text=True)


@pytest.mark.parametrize(
    "query",
    ["graphique=inconnu", "departement=999", "debut=zzz", "graphique=evolution&granularite=siecle"],
)
def test_an_image_of_a_chart_that_does_not_exist_is_a_404(client, query):
    answer = client.get(f"/indicateurs/pre-plainte-en-ligne/image.png?{query}")
    assert answer.status_code == 404
    assert client.get(f"/indicateurs/inconnu/image.png?{query}").status_code == 404
    assert client.get("/indicateurs/pre-plainte-en-ligne/image.gif").status_code == 404


def check_discovery(client, path: str, head: Element) -> None:
    """The oEmbed answer the page advertises follows the spec, and its frame answers."""
    link = discovery(head)
    endpoint = urlsplit(link.attrs["href"])
    assert link.attrs["href"].startswith(PUBLIC + "/oembed?"), path
    answer = client.get(f"{endpoint.path}?{endpoint.query}")
    assert answer.status_code == 200, path
    assert answer.mimetype == "application/json"
    source = urlsplit(check_rich(answer.get_json()))
    frame = client.get(f"{source.path}?{source.query}")
    assert frame.status_code == 200, (path, source)
    assert link.attrs["title"] == answer.get_json()["title"]


def check_cards(fetched, path: str, tags: dict[str, str]) -> None:
    """Absolute social cards; the canonical address shows the same chart and is its own
    (``fetched(path)``: the page served at ``path``)."""
    canonical = tags["og:url"].removeprefix(PUBLIC)
    assert canonical.startswith("/") and canonical.split("?")[0] == path.split("?")[0]
    assert cards(head_in(fetched(canonical)))["og:url"] == tags["og:url"], path
    assert tags["og:title"] and tags["og:description"], path
    assert tags["og:locale"] == "fr_FR" and tags["twitter:card"] == "summary_large_image"
    assert all(
        value.startswith(PUBLIC + "/")
        for key, value in tags.items()
        if key.endswith((":url", ":image"))
    )


def check_pictures(client, path: str, tags: dict[str, str], demo: bool) -> None:
    """The card's picture, 1200 × 630 PNG, and its SVG, with the chart's caption."""
    picture = urlsplit(tags["og:image"])
    assert tags["og:image"] == tags["twitter:image"]
    assert tags["og:image"].startswith(PUBLIC + "/embed/"), path
    answer = client.get(f"{picture.path}?{picture.query}")
    assert answer.status_code == 200 and answer.mimetype == "image/png", path
    assert png_size(answer.data) == (1200, 630)
    assert (int(tags["og:image:width"]), int(tags["og:image:height"])) == (1200, 630)
    drawn = client.get(f"{picture.path.replace('.png', '.svg')}?{picture.query}")
    assert drawn.status_code == 200 and drawn.mimetype == "image/svg+xml"
    texts = " ".join(ElementTree.fromstring(drawn.data).itertext())
    indicator_title = tags["og:title"].split(" — ")[0].removesuffix(" (France entière)")
    assert indicator_title in texts
    assert "Baromètre numérique — Gendarmerie nationale" in texts and "Source\u00a0:" in texts
    assert ("Données de démonstration" in texts) is demo


def test_pages_without_a_chart_of_their_own_advertise_none(client):
    for path in (
        "/",
        "/indicateurs",
        "/a-propos-des-donnees",
        "/donnees",
        "/familles/signalements",
    ):
        head = head_of(client, path)
        assert not head.find_all(lambda e: e.attrs.get("type") == "application/json+oembed")


def test_what_an_embed_cannot_show_is_dropped_and_the_title_says_which_chart(client):
    page = "/indicateurs/pre-plainte-en-ligne?departement=2A&granularite=semaine"
    answer = oembed(client, PUBLIC + page)
    assert answer.status_code == 200
    body = answer.get_json()
    assert "(France entière)" in body["title"] and "par semaine" in body["title"]
    source = check_rich(body)
    assert "departement" not in source and "granularite=semaine" in source


@pytest.mark.parametrize(
    ("max_width", "max_height"), [(None, None), (300, None), (None, 240), (900, 150), (1, 1)]
)
def test_sizes_asked_for_are_honoured(client, max_width, max_height):
    answer = oembed(
        client,
        PUBLIC + "/embed/thesee-plaintes",
        maxwidth=max_width or "",
        maxheight=max_height or "",
    )
    assert answer.status_code == 200
    source = check_rich(answer.get_json(), max_width, max_height)
    if max_height and max_height < embed.HEIGHT_DEFAULT:
        assert f"hauteur={max(max_height, embed.HEIGHT_MIN)}" in source


def oembed(client, url: str, **params):
    query = "&".join(f"{k}={quote(str(v), safe='')}" for k, v in params.items())
    return client.get(f"/oembed?url={quote(url, safe='')}&{query}")


@pytest.mark.parametrize(
    "url",
    [
        "http://evil.example/indicateurs/pre-plainte-en-ligne",
        "https://127.0.0.1:8050/indicateurs/pre-plainte-en-ligne",
        "http://127.0.0.1:8051/indicateurs/pre-plainte-en-ligne",
        "http://user@127.0.0.1:8050/indicateurs/pre-plainte-en-ligne",
        "javascript:alert(document.domain)",
        "data:text/html,<script>alert(1)</script>",
        "//127.0.0.1:8050/indicateurs/pre-plainte-en-ligne",
        "http://[::1/indicateurs/x",
        PUBLIC + "/indicateurs/inconnu",
        PUBLIC + "/indicateurs/pre-plainte-en-ligne/autre",
        PUBLIC + "/embed/pre-plainte-en-ligne?ventilation=inconnue",
        PUBLIC + "/indicateurs/pre-plainte-en-ligne?debut=" + "9" * 100_000,
        PUBLIC + "/indicateurs/pre-plainte-en-ligne?departement=999",
        PUBLIC + "/a-propos-des-donnees",
        PUBLIC + "/",
    ],
)
def test_a_hostile_or_foreign_address_is_a_404_in_french(client, url):
    answer = oembed(client, url)
    assert answer.status_code == 404
    assert answer.get_json()["erreur"] == "Adresse inconnue"


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("url=" + quote(PUBLIC + "/embed/thesee-plaintes", safe="") + "&format=xml", 501),
        ("url=" + quote(PUBLIC + "/embed/thesee-plaintes", safe="") + "&maxwidth=abc", 400),
        ("url=" + quote(PUBLIC + "/embed/thesee-plaintes", safe="") + "&maxheight=0", 400),
        ("url=" + quote(PUBLIC + "/embed/thesee-plaintes", safe="") + "&maxwidth=-5", 400),
        ("url=", 400),
        ("", 400),
    ],
)
def test_a_bad_request_says_what_is_wrong(client, query, status):
    answer = client.get(f"/oembed?{query}")
    assert answer.status_code == status
    body = answer.get_json()
    assert body["erreur"] and body["message"]


def test_absolute_addresses_never_come_from_the_host_header(client):
    forged = {"Host": "evil.example"}
    for path in ("/indicateurs/perceval-signalements", "/embed/perceval-signalements"):
        head = head_of(client, path, **forged)
        assert "evil.example" not in json.dumps([e.attrs for e in head.iter()])
    answer = client.get(
        "/oembed?url=" + quote(PUBLIC + "/embed/perceval-signalements", safe=""), headers=forged
    )
    assert answer.status_code == 200 and "evil.example" not in answer.get_data(as_text=True)


def test_the_public_address_is_the_operator_s_setting(demo_settings):
    from barometre.web.app import create_app

    public = "https://www.gendarmerie.interieur.gouv.fr"
    settings = replace(demo_settings, public_url=public + "/", url_prefix="/barometre/")
    client = create_app(settings).server.test_client()
    page = public + "/barometre/indicateurs/thesee-plaintes"
    answer = client.get("/barometre/oembed?url=" + quote(page, safe=""))
    assert answer.status_code == 200
    assert check_rich_under(
        answer.get_json(), public + "/barometre/embed/thesee-plaintes?granularite=mois"
    )
    head = head_of(client, "/barometre/embed/thesee-plaintes")
    assert discovery(head).attrs["href"].startswith(public + "/barometre/oembed?")
    # The same address without the prefix is not a chart of this site.
    other = client.get("/barometre/oembed?url=" + quote(public + "/indicateurs/x", safe=""))
    assert other.status_code == 404


def check_rich_under(answer: dict, expected_source: str) -> bool:
    frame = parse(answer["html"]).find(lambda e: e.tag == "iframe")
    return frame.attrs["src"] == expected_source and answer["provider_url"].endswith("/barometre/")


def test_a_real_oembed_client_turns_a_pasted_link_into_the_chart(live_server):
    import micawber

    providers = micawber.ProviderRegistry()
    providers.register(
        r"http://127\.0\.0\.1:8050/(indicateurs|embed)/\S+",
        micawber.Provider(live_server.url + "/oembed"),
    )
    link = PUBLIC + "/indicateurs/violences-sexuelles-sexistes?granularite=annee"
    text = f"Les signalements de l'année :\n\n{link}\n\nSource : Gendarmerie nationale."
    rendered = micawber.parse_text(text, providers)
    frame = parse(rendered).find(lambda e: e.tag == "iframe")
    assert frame is not None, rendered
    assert frame.attrs["src"] == (PUBLIC + "/embed/violences-sexuelles-sexistes?granularite=annee")
    assert "Source : Gendarmerie nationale." in rendered
    # What the client was given is what the endpoint answers.
    data = providers.request(link, maxwidth=400)
    assert data["type"] == "rich" and data["width"] <= 400


# -- images made by the server -------------------------------------------------------------------


def png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(png.SIGNATURE)
    return struct.unpack(">II", data[16:24])


def test_an_image_is_the_page_s_drawing_in_a_document_of_its_own(site):
    """The plot is drawings.plot's markup: the lines of the image are those of the page."""
    import datetime as dt
    import re

    from barometre.charts import drawings

    services = site.services
    with site.server.test_request_context():
        for breakdown in ("", "motif"):
            args = {"ventilation": breakdown} if breakdown else {}
            options = embed.parse_options(
                services, "brigade-numerique-demandes", args, dt.date.today()
            )
            shown = embed.content(services, options)
            page = drawings.chart_html(shown.chart.model, hidden=True)
            document = image.svg(shown.chart.model, CAPTION, "clair")
            shapes = re.findall(r' d="([^"]+)"| width="([\d.]+)" height="([\d.]+)"/>', page)
            assert shapes and all(
                (f' d="{d}"' if d else f' width="{w}" height="{h}"/>') in document
                for d, w, h in shapes
            )
            # Nothing is left for a stylesheet to paint: every colour is written.
            assert "var(" not in document and "--clair" not in document


CAPTION = image.Caption(
    title="Demandes à la Brigade numérique",
    period="De janvier 2024 à décembre 2025, par mois",
    source="Gendarmerie nationale",
    summary="Résumé.",
    demo=True,
)


@pytest.mark.parametrize("theme", ["clair", "sombre"])
def test_the_png_is_drawn_with_the_shipped_font_in_its_theme(site, theme):
    import datetime as dt

    import resvg_py

    services = site.services
    with site.server.test_request_context():
        options = embed.parse_options(
            services, "pre-plainte-en-ligne", {"theme": theme}, dt.date.today()
        )
        shown = embed.content(services, options)
    document = image.svg(shown.chart.model, CAPTION, theme)
    picture = png.read(image.png(document))
    assert (picture.width, picture.height) == (1200, 630)
    background = picture.rows[5][5]
    expected = THEMES[theme].background.lstrip("#")
    assert background[:3] == tuple(int(expected[i : i + 2], 16) for i in (0, 2, 4))
    title_band = (40, 25, 700, 75)
    # Glyphs, anti-aliased: many shades between the text's colour and the background.
    assert len(picture.colours(title_band)) > 10
    assert len(picture.colours()) > 50
    # Without the shipped font nothing writes the title: the band stays the background.
    fontless = png.read(
        bytes(resvg_py.svg_to_bytes(svg_string=document, skip_system_fonts=True, font_files=[]))
    )
    assert fontless.colours(title_band) == {background}
