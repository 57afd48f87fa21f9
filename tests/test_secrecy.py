"""Statistical secrecy: small counts of a breakdown are masked, with secondary suppression."""

import json
import math

import pandas as pd
import pytest
from factories import make_indicator

from barometre.charts import summaries
from barometre.publish import api as api_module
from barometre.publish import published, secrecy

THRESHOLD = 5


def frame(values: dict) -> pd.DataFrame:
    return pd.DataFrame({"membre": list(values), "valeur": list(values.values()), "jours": 1})


def masked(values: dict, forced=frozenset()) -> set:
    names = list(values)
    hidden = secrecy.mask_row(list(values.values()), THRESHOLD, {names.index(f) for f in forced})
    return {names[i] for i in hidden}


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        # nothing small: nothing masked
        ({"a": 10, "b": 20, "c": 30}, set()),
        # one small cell: the smallest count of at least 2 × 5 − 1 is masked too; not 8, whose
        # choice (the smallest positive) would bound it by the next shown count
        ({"a": 3, "b": 20, "c": 8, "d": 0}, {"a", "b"}),
        # two small cells do not protect each other: their sum is known
        ({"a": 1, "b": 4, "c": 100}, {"a", "b", "c"}),
        # zero says « nobody »: it is shown, and never chosen as a secondary cell
        ({"a": 0, "b": 2, "c": 0, "d": 50}, {"b", "d"}),
        # the threshold itself is shown
        ({"a": 5, "b": 5}, set()),
        # ties at the secondary count are all masked: the choice never depends on the order
        ({"a": 2, "b": 12, "c": 12, "d": 30}, {"a", "b", "c"}),
        # no count reaches 9: the whole row is masked, zeros included
        ({"a": 3, "b": 5, "c": 0}, {"a", "b", "c"}),
        ({"a": 1, "b": 2, "c": 3, "d": 8}, {"a", "b", "c", "d"}),
    ],
)
def test_small_counts_and_secondary_cells_are_masked(values, expected):
    assert masked(values) == expected


@pytest.mark.parametrize(
    ("values", "forced", "expected"),
    [
        # masked in an earlier version: stays masked, and protects with its large count
        ({"a": 20, "b": 30, "c": 40}, {"a", "b"}, {"a", "b"}),
        # an earlier mask of small counts only gets a secondary cell
        ({"a": 6, "b": 7, "c": 40}, {"a", "b"}, {"a", "b", "c"}),
        # a new small count joins the earlier mask
        ({"a": 20, "b": 30, "c": 2}, {"a", "b"}, {"a", "b", "c"}),
    ],
)
def test_a_cell_masked_in_an_earlier_version_stays_masked(values, forced, expected):
    assert masked(values, forced) == expected


def test_the_secondary_floor_is_twice_the_threshold_minus_one():
    assert secrecy.secondary_floor(5) == 9 and secrecy.secondary_floor(10) == 19


@pytest.mark.parametrize(
    ("aggregation", "unit", "applies"),
    [
        ("somme", "demandes", True),
        ("somme", "euros", False),
        ("moyenne", "minutes", False),
        ("dernier", "abonnés", False),
    ],
)
def test_the_rule_applies_to_counts_only(aggregation, unit, applies):
    assert secrecy.applies_to(make_indicator(aggregation=aggregation, unit=unit)) is applies


def test_label_and_note_are_french():
    assert secrecy.label(5) == "n.d."
    assert secrecy.note(3, 5, "departement") == (
        "3\u00a0départements non diffusés au titre du secret statistique (seuil\u00a0: 5)."
    )
    assert secrecy.note(1, 5, "motif").startswith("1\u00a0valeur non diffusée")
    assert secrecy.note(0, 5) == ""


# -- on the site: table rows, summary, chart and note ---------------------------------------

SMALL_FILE = """indicateur,date,ventilation,membre,valeur
pre-plainte-en-ligne,2024-03-01,,,120
pre-plainte-en-ligne,2024-03-01,departement,35,100
pre-plainte-en-ligne,2024-03-01,departement,75,16
pre-plainte-en-ligne,2024-03-01,departement,2A,3
pre-plainte-en-ligne,2024-03-01,departement,13,1
pre-plainte-en-ligne,2024-03-01,type-personne,personne-physique,117
pre-plainte-en-ligne,2024-03-01,type-personne,personne-morale,3
"""


def test_table_rows_show_undisclosed_members_and_what_they_add_up_to(the_catalogue):
    indicator = the_catalogue.indicator("pre-plainte-en-ligne")
    breakdown = the_catalogue.breakdowns["departement"]
    hidden = frame({"35": 100, "75": math.nan, "2A": math.nan, "13": math.nan})
    hidden["masque"] = [False, True, True, True]
    hidden.attrs.update(
        {
            published.TOTAL_ATTR: 120.0,
            published.UNDISCLOSED_ATTR: {"membres": 3, "cellules": 3, "valeur": 20.0},
        }
    )
    rows = summaries.breakdown_rows(hidden, indicator, breakdown)
    assert [(r["code"], r["valeur"], r["masque"]) for r in rows] == [
        ("35", "100", False),
        ("13", "n.d.", True),
        ("2A", "n.d.", True),
        ("75", "n.d.", True),
        ("", "20", False),
    ]
    assert rows[-1]["membre"] == "Non diffusé (3\u00a0membres)" and rows[-1]["non_diffuse"]
    assert rows[0]["part_brute"] == 100 / 120  # shares of the exact total
    assert rows[1]["valeur_brute"] is None and rows[1]["part"] == ""
    summary = summaries.breakdown_summary(indicator, breakdown, hidden)
    assert "Corse-du-Sud" not in summary and "Bouches-du-Rhône" not in summary
    assert "Paris" not in summary and "Non diffusé" not in summary
    assert "3\u00a0non diffusés au titre du secret statistique" in summary


def site_with_small_counts(tmp_path, the_catalogue, content=SMALL_FILE, **settings):
    """Return a store loaded with SMALL_FILE and a test client of an app over it."""
    import datetime as dt

    from barometre.config import Settings
    from barometre.data import ingest
    from barometre.data.store import Store
    from barometre.web.app import create_app

    settings = Settings(data_dir=tmp_path, **settings)
    store = Store(settings.database_url)
    store.init_schema()
    store.sync_catalogue(the_catalogue)
    path = tmp_path / "petits.csv"
    path.write_text(content)
    report = ingest.ingest_file(
        path, store, the_catalogue, settings, today=dt.date(2026, 1, 1), publish=True
    )
    assert report.status == "charge", report.errors
    return store, create_app(settings).server.test_client()


def test_the_indicator_page_leaves_masked_members_out_of_charts(tmp_path, the_catalogue):
    from dash_http import graph_figures, indicator_payload

    store, client = site_with_small_counts(tmp_path, the_catalogue)
    payload = indicator_payload("pre-plainte-en-ligne", "2024-03-01", "2024-03-01", "jour")
    body = client.post("/_dash-update-component", json=payload).get_json()["response"]
    tree = body["resultats"]["children"]
    text = json.dumps(tree, ensure_ascii=False)
    charts = json.dumps(graph_figures(tree), ensure_ascii=False)
    # 2A (3) and 13 (1) are small; Paris (16, the smallest count of at least 9) protects them.
    assert "Corse-du-Sud" not in charts and "Bouches-du-Rhône" not in charts
    assert "Ille-et-Vilaine" in charts and "Paris" not in charts
    assert "3\u00a0départements non diffusés au titre du secret statistique" in text
    # two members only: the small one and, by secondary suppression, the other one
    assert "Personne morale" not in charts and "Personne physique" not in charts
    assert "2\u00a0valeurs non diffusées au titre du secret statistique" in text
    # the text summaries never name a masked member; tables (if any) say « n.d. »
    split_summaries = _texts_with(tree, "Répartition par")
    assert len(split_summaries) >= 2
    for summary in split_summaries:
        assert "Corse" not in summary and "Personne" not in summary
    for member in ("Corse-du-Sud", "Bouches-du-Rhône", "Personne morale"):
        assert member not in text or "n.d." in text
    assert "< 5" not in text
    store.close()


def _texts_with(tree, start: str) -> list[str]:
    if isinstance(tree, str):
        return [tree] if tree.startswith(start) else []
    if isinstance(tree, list):
        return [t for item in tree for t in _texts_with(item, start)]
    if isinstance(tree, dict):
        return [t for v in tree.get("props", {}).values() for t in _texts_with(v, start)]
    return []


def test_the_data_page_lists_sources_and_explains_the_rule(tmp_path, the_catalogue):
    from dash_http import route_payload

    store, client = site_with_small_counts(tmp_path, the_catalogue, secrecy_threshold=10)
    payload = route_payload("/a-propos-des-donnees")
    body = client.post("/_dash-update-component", json=payload).get_json()["response"]
    text = json.dumps(body, ensure_ascii=False)
    assert body["page-title"]["data"].startswith("À propos des données")
    for indicator in the_catalogue.indicators:
        assert indicator.source in text
    assert "1er mars 2024" in text  # last day covered by the pre-plainte source
    assert "compris entre 1 et 9" in text and "d'au moins 19" in text
    assert "secret secondaire" in text and "jamais" in text and "\u00a0n.d.\u00a0" in text
    assert "mois entier" in text and "Non diffusé" in text
    store.close()


def test_amounts_by_departement_are_masked_where_their_count_is(
    settings, empty_store, the_catalogue
):
    import datetime as dt

    from barometre.publish import export

    rows = [
        ("perceval-signalements", "35", 40.0),
        ("perceval-signalements", "75", 2.0),
        ("perceval-signalements", "13", 9.0),
        ("perceval-montant", "35", 9000.0),
        ("perceval-montant", "75", 700.0),
        ("perceval-montant", "13", 2500.0),
    ]
    empty_store.apply(
        pd.DataFrame(
            {
                "indicator": [r[0] for r in rows],
                "dimension": "departement",
                "member": [r[1] for r in rows],
                "date": "2024-03-01",
                "value": [r[2] for r in rows],
            }
        ),
        kind="ingestion",
        source="test",
    )
    amount = the_catalogue.indicator("perceval-montant")
    assert secrecy.companion(the_catalogue, amount, "departement").id == "perceval-signalements"
    day = dt.date(2024, 3, 1)
    services = export.offline_services(settings, the_catalogue, empty_store)
    shown = published.breakdown(services, amount, "departement", day, day)
    # 75 (2 reports) is small; 13 (9 reports, at least 2 × 5 − 1) protects it.
    assert set(shown.loc[shown["masque"], "membre"]) == {"75", "13"}
    assert shown.loc[~shown["masque"], "valeur"].tolist() == [9000.0]


def test_embedded_breakdowns_are_masked_too(tmp_path, the_catalogue):
    store, client = site_with_small_counts(tmp_path, the_catalogue)
    response = client.get(
        "/embed/pre-plainte-en-ligne?ventilation=departement&debut=2024-03-01&fin=2024-03-01"
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "3\u00a0départements non diffusés au titre du secret statistique" in page
    assert "n.d." in page and "&lt; 5" not in page
    assert "Ille-et-Vilaine" in page
    store.close()


@pytest.mark.parametrize("code", ["2A", "13"])  # 3 and 1 pré-plaintes: both below 5
def test_a_masked_departement_shows_no_value_on_its_chart_or_map(tmp_path, the_catalogue, code):
    from dash_http import graph_figures, indicator_payload

    store, client = site_with_small_counts(tmp_path, the_catalogue)
    payload = indicator_payload("pre-plainte-en-ligne", "2024-03-01", "2024-03-01", "jour", code)
    body = client.post("/_dash-update-component", json=payload).get_json()["response"]
    tree = body["resultats"]["children"]
    text = json.dumps(tree, ensure_ascii=False).replace('\\"', '"')  # the SVG's own quotes
    evolution = graph_figures(tree)[0]
    assert all(y is None for trace in evolution.get("data", []) for y in trace["y"])
    assert '"n.d."' in text
    assert "1\u00a0période non diffusée au titre du secret statistique (seuil\u00a0: 5)" in text
    # Asked per day, a département is published per closed month, and the page says so.
    assert "Par département, les chiffres sont publiés par mois clos" in text
    # the map: both masked départements are hatched, named without a value, listed last
    assert f'data-departement="{code}" class="masque choisi"' in text
    assert "Corse-du-Sud\u00a0: secret statistique" in text
    assert "Bouches-du-Rhône\u00a0: secret statistique" in text
    assert "3\u00a0départements non diffusés" in text
    store.close()


SECONDARY_FILE = """indicateur,date,ventilation,membre,valeur
pre-plainte-en-ligne,2024-03-01,,,142
pre-plainte-en-ligne,2024-03-01,departement,35,100
pre-plainte-en-ligne,2024-03-01,departement,75,30
pre-plainte-en-ligne,2024-03-01,departement,13,10
pre-plainte-en-ligne,2024-03-01,departement,2A,2
pre-plainte-en-ligne,2024-04-02,,,190
pre-plainte-en-ligne,2024-04-02,departement,35,100
pre-plainte-en-ligne,2024-04-02,departement,75,30
pre-plainte-en-ligne,2024-04-02,departement,13,60
"""


def test_a_member_masked_in_one_month_is_masked_over_any_period_holding_it(tmp_path, the_catalogue):
    # March: Corse-du-Sud (2) is small, Bouches-du-Rhône (10) protects it. Over March–April,
    # Bouches-du-Rhône's total would be March + April (60, shown): it is not published.
    store, client = site_with_small_counts(tmp_path, the_catalogue, SECONDARY_FILE)
    payload = indicator_payload_for("2024-03-01", "2024-04-30", "mois", "13")
    body = client.post("/_dash-update-component", json=payload).get_json()["response"]
    text = json.dumps(body["resultats"]["children"], ensure_ascii=False)
    assert "Bouches-du-Rhône\u00a0: secret statistique" in text
    assert "Bouches-du-Rhône\u00a0: 70" not in text and "1\u00a0période non diffusée" in text
    api = "/api/v1/indicateurs/pre-plainte-en-ligne/ventilations/departement"
    whole = client.get(f"{api}?debut=2024-03-01&fin=2024-04-30").get_json()
    values = {row["membre"]: row["valeur"] for row in whole["repartition"]}
    assert values == {"13": None, "2A": None, "35": 200, "75": 60}
    # what is not shown is one figure, the exact total minus the members shown
    assert whole["secret_statistique"]["non_diffuse"] == 72
    store.close()


@pytest.mark.parametrize("granularity", ["mois", "annee"])
def test_no_total_minus_its_shown_periods_gives_a_masked_count_back(
    tmp_path, the_catalogue, granularity
):
    """The API's per-period breakdown beside its totals over the same period: a member whose
    total is shown has every period shown, and a masked cell gives no day count either."""
    store, client = site_with_small_counts(tmp_path, the_catalogue, SECONDARY_FILE)
    api = "/api/v1/indicateurs/pre-plainte-en-ligne"
    period = "debut=2024-03-01&fin=2024-04-30"
    per_period = client.get(
        f"{api}/observations?{period}&granularite={granularity}&ventilation=departement"
    ).get_json()["observations"]
    whole = client.get(f"{api}/ventilations/departement?{period}").get_json()["repartition"]
    shown_totals = {row["membre"]: row["valeur"] for row in whole if not row["masque"]}
    for member in {row["membre"] for row in per_period}:
        rows = [row for row in per_period if row["membre"] == member]
        masked = [row for row in rows if row["masque"]]
        if member in shown_totals:
            assert not masked and sum(r["valeur"] for r in rows) == shown_totals[member]
        assert all(row["jours"] is None and row["valeur"] is None for row in masked)
    store.close()


@pytest.mark.parametrize("granularity", ["jour", "semaine"])
def test_the_api_refuses_a_breakdown_finer_than_a_month(tmp_path, the_catalogue, granularity):
    store, client = site_with_small_counts(tmp_path, the_catalogue, SECONDARY_FILE)
    api = "/api/v1/indicateurs/pre-plainte-en-ligne/observations"
    for query in ("ventilation=departement", "departement=13", "ventilation=type-personne"):
        answer = client.get(f"{api}?granularite={granularity}&{query}")
        assert answer.status_code == 400
        assert answer.get_json() == {
            "erreur": api_module.BREAKDOWN_GRANULARITY_MESSAGE,
            "parametre": "granularite",
        }
        assert "mois clos" in answer.get_json()["erreur"]
    # the national series stays exact at every granularity
    assert client.get(f"{api}?granularite={granularity}").status_code == 200
    store.close()


def indicator_payload_for(start, end, granularity, departement):
    from dash_http import indicator_payload

    return indicator_payload("pre-plainte-en-ligne", start, end, granularity, departement)
