"""The app over HTTP (Flask test client): pages, routing callback, indicator callback, health."""

import json
import re

import pandas as pd
import pytest
from dash_http import components, indicator_payload, route_payload

from barometre.config import Settings
from barometre.web.app import create_app

UPDATE = "/_dash-update-component"


def texts(tree) -> list[str]:
    """Every string in a Dash component tree (as JSON), in document order."""
    if isinstance(tree, str):
        return [tree]
    if isinstance(tree, list):
        return [t for item in tree for t in texts(item)]
    if isinstance(tree, dict):
        props = tree.get("props", {})
        return texts(props.get("children")) if "children" in props else []
    return []


def route(client, pathname, search=""):
    response = client.post(UPDATE, json=route_payload(pathname, search))
    assert response.status_code == 200, response.data
    body = response.get_json()["response"]
    return body["page"]["children"], body["page-title"]["data"]


def test_the_index_is_french_with_a_server_side_title(client):
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="fr">' in html
    assert "<title>Baromètre numérique</title>" in html
    assert 'name="viewport"' in html
    # Dash's scripts are not a second contentinfo landmark: the one footer is the site's.
    assert html.count("<footer") == 1
    assert '<footer class="site-footer">' in html


def test_an_indicator_page_has_its_title_in_the_html(client):
    html = client.get("/indicateurs/perceval-montant").get_data(as_text=True)
    assert "<title>Montant des fraudes signalées (Perceval) — Baromètre numérique</title>" in html


def test_nothing_is_loaded_from_another_host(client):
    html = client.get("/").get_data(as_text=True)
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assert "/assets/vendor/bootstrap.min.css" in html
    response = client.get("/assets/vendor/bootstrap.min.css")
    response.close()
    assert response.status_code == 200


def test_the_home_page_has_every_family_with_key_figures_and_a_chart(client, the_catalogue):
    content, title = route(client, "/")
    words = texts(content)
    assert title == "Baromètre numérique"
    for family in the_catalogue.families:
        assert family.title in words
    assert len(components(content, "Graph")) == len(the_catalogue.families)
    cards = [
        c for c in components(content, "Div") if "key-figure" in c["props"].get("className", "")
    ]
    assert len(cards) == len(the_catalogue.indicators)


def test_every_indicator_of_the_catalogue_has_its_page(client, the_catalogue):
    for indicator in the_catalogue.indicators:
        content, title = route(client, f"/indicateurs/{indicator.id}")
        assert title.startswith(indicator.title)
        assert indicator.title in texts(content)
        graphs = components(content, "Graph")
        assert len(graphs) == 1 + len(indicator.breakdowns), indicator.id
        assert indicator.methodology in texts(content)


@pytest.mark.parametrize("path", ["/nulle-part", "/indicateurs/inconnu", "/familles/x", "/a/b/c"])
def test_an_unknown_page_says_so_in_french(client, path):
    content, title = route(client, path)
    assert "Page introuvable" in texts(content)
    assert title.startswith("Page introuvable")


def test_family_pages_list_their_indicators(client, the_catalogue):
    content, _ = route(client, "/familles/signalements")
    words = texts(content)
    for indicator in the_catalogue.of_family("signalements"):
        assert indicator.title in words


def test_the_indicator_callback_redraws_for_a_new_period_and_granularity(client):
    payload = indicator_payload("brigade-numerique-demandes", "2020-01-01", "2020-12-31", "mois")
    body = client.post(UPDATE, json=payload).get_json()["response"]
    figure = components(body["resultats"]["children"], "Graph")[0]["props"]["figure"]
    assert len(figure["data"][0]["x"]) == 12
    assert body["message"]["children"] == (
        "Graphiques mis à jour\u00a0: par mois, du 1er janvier 2020 au 31 décembre 2020."
    )
    assert body["message-erreur"]["children"] is None  # a former error's message goes


@pytest.mark.parametrize(
    ("start", "end", "granularity", "message"),
    [
        ("2021-01-01", "2020-01-01", "mois", "La date de début doit précéder la date de fin."),
        ("2020-02-30", "2020-12-31", "mois", "n'existe pas"),
        ("2020-01-01", "2020-12-31", "siecle", "Granularité inconnue"),
        ("1990-01-01", "1991-01-01", "mois", "Aucune donnée sur cette période"),
        (["x"], {"y": 1}, "mois", "AAAA-MM-JJ"),
        ("2020-01-01", "2020-12-31", 3, "Granularité inconnue"),
    ],
)
def test_bad_controls_get_a_french_message_and_keep_the_charts(
    client, start, end, granularity, message
):
    payload = indicator_payload("brigade-numerique-demandes", start, end, granularity)
    response = client.post(UPDATE, json=payload)
    assert response.status_code == 200
    body = response.get_json()["response"]
    assert "resultats" not in body  # the charts on screen stay as they were
    # An error's message is an alert, and the status says nothing (RGAA 7.5).
    assert message in json.dumps(body["message-erreur"], ensure_ascii=False)
    assert body["message"]["children"] is None


def test_healthz_reports_the_data_version(client, demo_store):
    body = client.get("/healthz").get_json()
    assert body["statut"] == "ok"
    assert body["version_donnees"] == demo_store.data_version()
    assert body["donnees_de_demonstration"] is True


def test_healthz_is_503_when_the_store_is_unreadable(tmp_path):
    settings = Settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path}/absent/x.sqlite3")
    response = create_app(settings).server.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"statut": "indisponible"}


def test_every_page_says_when_demo_data_is_shown(client):
    layout = client.get("/_dash-layout").get_json()
    assert "Données de démonstration" in json.dumps(layout, ensure_ascii=False)


def test_new_data_is_never_hidden_by_the_cache(empty_store, settings):
    indicator = "thesee-plaintes"
    frame = pd.DataFrame(
        {
            "indicator": indicator,
            "dimension": "",
            "member": "",
            "date": pd.date_range("2024-01-01", periods=31),
            "value": 1.0,
        }
    )
    empty_store.apply(frame, kind="ingestion", source="a")
    client = create_app(settings).server.test_client()
    payload = indicator_payload(indicator, "2024-01-01", "2024-01-31", "mois")

    def january():
        body = client.post(UPDATE, json=payload).get_json()["response"]
        return components(body["resultats"]["children"], "Graph")[0]["props"]["figure"]["data"][0]

    assert january()["y"] == [31]
    empty_store.apply(frame.assign(value=2.0), kind="ingestion", source="b")
    assert january()["y"] == [62]


def test_security_headers_are_sent(client):
    headers = client.get("/").headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "Set-Cookie" not in headers
