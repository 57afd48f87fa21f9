"""Statistical secrecy: small counts of a breakdown are masked, with secondary suppression."""

import json
import math

import pandas as pd
import pytest
from factories import make_indicator

from barometre import secrecy, summaries

THRESHOLD = 5


def frame(values: dict) -> pd.DataFrame:
    return pd.DataFrame({"membre": list(values), "valeur": list(values.values()), "jours": 1})


@pytest.mark.parametrize(
    ("values", "masked"),
    [
        # nothing small: nothing masked
        ({"a": 10, "b": 20, "c": 30}, set()),
        # one small cell: the next smallest positive one is masked too (secondary suppression)
        ({"a": 3, "b": 20, "c": 8, "d": 0}, {"a", "c"}),
        # two small cells already protect each other
        ({"a": 1, "b": 4, "c": 100}, {"a", "b"}),
        # zero says « nobody »: it is shown, and never chosen as the secondary cell
        ({"a": 0, "b": 2, "c": 0, "d": 50}, {"b", "d"}),
        # the threshold itself is shown
        ({"a": 5, "b": 5}, set()),
        # three small cells
        ({"a": 1, "b": 2, "c": 3, "d": 9}, {"a", "b", "c"}),
    ],
)
def test_small_counts_and_a_secondary_cell_are_masked(values, masked):
    result = secrecy.mask_breakdown(frame(values), THRESHOLD)
    assert set(result.loc[result["masque"], "membre"]) == masked
    assert result.loc[result["masque"], "valeur"].isna().all()
    shown = result[~result["masque"]]
    assert dict(zip(shown["membre"], shown["valeur"], strict=True)) == {
        k: v for k, v in values.items() if k not in masked
    }


def test_the_masked_cell_cannot_be_recomputed_from_the_total():
    values = {"a": 3, "b": 20, "c": 8}
    result = secrecy.mask_breakdown(frame(values), THRESHOLD)
    total = sum(values.values())
    hidden = total - result["valeur"].sum()
    assert result["masque"].sum() >= 2 and hidden == values["a"] + values["c"]


def test_without_a_published_total_one_cell_is_enough():
    result = secrecy.mask_breakdown(frame({"a": 3, "b": 20}), THRESHOLD, total_published=False)
    assert result["masque"].tolist() == [True, False]


def test_national_totals_stay_exact_and_each_period_is_masked_on_its_own():
    data = pd.DataFrame(
        {
            "periode": pd.to_datetime(["2024-01-01"] * 3 + ["2024-02-01"] * 3),
            "membre": ["", "a", "b", "", "a", "b"],
            "valeur": [13, 3, 10, 20, 10, 10],
            "jours": 31,
        }
    )
    result = secrecy.mask_breakdown(data, THRESHOLD)
    assert result["masque"].tolist() == [False, True, True, False, False, False]
    assert result["valeur"].iloc[0] == 13 and result["valeur"].iloc[3] == 20


def test_the_input_frame_is_left_alone():
    data = frame({"a": 3, "b": 20})
    secrecy.mask_breakdown(data, THRESHOLD)
    assert "masque" not in data and data["valeur"].tolist() == [3, 20]


def test_amounts_follow_the_mask_of_their_counts():
    counts = secrecy.mask_breakdown(frame({"35": 2, "75": 40, "13": 9}), THRESHOLD)
    amounts = secrecy.mask_like(frame({"35": 900.0, "75": 12000.0, "13": 4000.0}), counts)
    assert amounts["masque"].tolist() == [True, False, True]
    assert math.isnan(amounts["valeur"].iloc[0]) and amounts["valeur"].iloc[1] == 12000


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
    assert secrecy.label(5) == "< 5"
    assert secrecy.note(3, 5, "departement") == (
        "3\u00a0départements masqués au titre du secret statistique (seuil\u00a0: 5)."
    )
    assert secrecy.note(1, 5, "motif").startswith("1\u00a0valeur masquée")
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


def test_table_rows_show_masked_members_as_below_the_threshold(the_catalogue):
    indicator = the_catalogue.indicator("pre-plainte-en-ligne")
    breakdown = the_catalogue.breakdowns["departement"]
    masked = secrecy.mask_breakdown(frame({"35": 100, "75": 16, "2A": 3, "13": 1}), 5)
    rows = summaries.breakdown_rows(masked, indicator, breakdown)
    assert [(r["code"], r["valeur"], r["masque"]) for r in rows] == [
        ("35", "100", False),
        ("75", "16", False),
        ("13", "< 5", True),
        ("2A", "< 5", True),
    ]
    assert rows[0]["part_brute"] == 100 / 120  # shares of the exact total
    assert rows[2]["valeur_brute"] is None and rows[2]["part"] == ""
    summary = summaries.breakdown_summary(indicator, breakdown, masked)
    assert "Corse-du-Sud" not in summary and "Bouches-du-Rhône" not in summary
    assert "2\u00a0masqués au titre du secret statistique" in summary


def site_with_small_counts(tmp_path, the_catalogue, content=SMALL_FILE, **settings):
    """Return a store loaded with SMALL_FILE and a test client of an app over it."""
    import datetime as dt

    from barometre import ingest
    from barometre.app import create_app
    from barometre.config import Settings
    from barometre.store import Store

    settings = Settings(data_dir=tmp_path, **settings)
    store = Store(settings.database_url)
    store.init_schema()
    store.sync_catalogue(the_catalogue)
    path = tmp_path / "petits.csv"
    path.write_text(content)
    report = ingest.ingest_file(path, store, the_catalogue, settings, today=dt.date(2026, 1, 1))
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
    assert "Corse-du-Sud" not in charts and "Bouches-du-Rhône" not in charts
    assert "Ille-et-Vilaine" in charts and "Paris" in charts
    assert "2\u00a0départements masqués au titre du secret statistique" in text
    # two members only: the small one and, by secondary suppression, the other one
    assert "Personne morale" not in charts and "Personne physique" not in charts
    assert "2\u00a0valeurs masquées au titre du secret statistique" in text
    # the text summaries never name a masked member; tables (if any) say « < 5 »
    split_summaries = _texts_with(tree, "Répartition par")
    assert len(split_summaries) >= 2
    for summary in split_summaries:
        assert "Corse" not in summary and "Personne" not in summary
    for member in ("Corse-du-Sud", "Bouches-du-Rhône", "Personne morale"):
        assert member not in text or "< 5" in text
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
    assert "compris entre 1 et 9" in text and "\u00a0< 10\u00a0" in text
    assert "secret secondaire" in text and "jamais" in text
    store.close()


def test_amounts_by_departement_are_masked_where_their_count_is(empty_store, the_catalogue):
    import datetime as dt

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
    frame = empty_store.breakdown(amount, "departement", day, day)
    masked = secrecy.protect(empty_store, the_catalogue, amount, "departement", frame, 5, day, day)
    assert set(masked.loc[masked["masque"], "membre"]) == {"75", "13"}
    assert masked.loc[~masked["masque"], "valeur"].tolist() == [9000.0]


def test_embedded_breakdowns_are_masked_too(tmp_path, the_catalogue):
    store, client = site_with_small_counts(tmp_path, the_catalogue)
    response = client.get(
        "/embed/pre-plainte-en-ligne?ventilation=departement&debut=2024-03-01&fin=2024-03-01"
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "2\u00a0départements masqués au titre du secret statistique" in page
    assert "&lt; 5" in page or "< 5" in page
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
    assert "<td>secret statistique</td>" in text or '"secret statistique"' in text
    assert "1\u00a0période masquée au titre du secret statistique (seuil\u00a0: 5)" in text
    # the map: both masked départements are hatched, named without a value, listed last
    assert f'data-departement="{code}" class="masque choisi"' in text
    assert "Corse-du-Sud\u00a0: secret statistique" in text
    assert "Bouches-du-Rhône\u00a0: secret statistique" in text
    assert "2\u00a0départements masqués" in text
    store.close()


SECONDARY_FILE = """indicateur,date,ventilation,membre,valeur
pre-plainte-en-ligne,2024-03-01,,,142
pre-plainte-en-ligne,2024-03-01,departement,35,100
pre-plainte-en-ligne,2024-03-01,departement,75,30
pre-plainte-en-ligne,2024-03-01,departement,13,10
pre-plainte-en-ligne,2024-03-01,departement,2A,2
pre-plainte-en-ligne,2024-03-02,,,190
pre-plainte-en-ligne,2024-03-02,departement,35,100
pre-plainte-en-ligne,2024-03-02,departement,75,30
pre-plainte-en-ligne,2024-03-02,departement,13,60
"""


def test_a_departement_masked_over_the_period_is_masked_in_every_period(tmp_path, the_catalogue):
    # Over both days Paris (60, below Bouches-du-Rhône's 70) is the secondary cell protecting
    # Corse-du-Sud (2); day by day
    # Paris (30, 30) is never masked: shown, its days would add up to its hidden total.
    store, client = site_with_small_counts(tmp_path, the_catalogue, SECONDARY_FILE)
    payload = indicator_payload_for("2024-03-01", "2024-03-02", "jour", "75")
    body = client.post("/_dash-update-component", json=payload).get_json()["response"]
    tree = body["resultats"]["children"]
    from dash_http import graph_figures

    evolution = graph_figures(tree)[0]
    assert all(y is None for trace in evolution.get("data", []) for y in trace["y"])
    text = json.dumps(tree, ensure_ascii=False)
    assert "2\u00a0périodes masquées" in text and "30" not in json.dumps(evolution)
    # Bouches-du-Rhône, masked on 1 March only (secondary that day): its total over both days
    # (70) is on the map, so 2 March (60) shown alone would give 1 March (10) back.
    payload = indicator_payload_for("2024-03-01", "2024-03-02", "jour", "13")
    body = client.post("/_dash-update-component", json=payload).get_json()["response"]
    tree = body["resultats"]["children"]
    evolution = graph_figures(tree)[0]
    assert all(y is None for trace in evolution.get("data", []) for y in trace["y"])
    text = json.dumps(tree, ensure_ascii=False)
    assert "2\u00a0périodes masquées" in text and "Bouches-du-Rhône\u00a0: 70" in text
    store.close()


def test_no_total_minus_its_shown_periods_gives_a_masked_count_back(tmp_path, the_catalogue):
    """The API's per-period breakdown beside its totals over the same period: for every
    member, either the total is masked or at least two of its periods are (or none)."""
    store, client = site_with_small_counts(tmp_path, the_catalogue, SECONDARY_FILE)
    api = "/api/v1/indicateurs/pre-plainte-en-ligne"
    period = "debut=2024-03-01&fin=2024-03-02"
    per_day = client.get(
        f"{api}/observations?{period}&granularite=jour&ventilation=departement&par_page=5000"
    ).get_json()["observations"]
    whole = client.get(f"{api}/ventilations/departement?{period}").get_json()["repartition"]
    shown_totals = {row["membre"] for row in whole if not row["masque"]}
    for member in {row["membre"] for row in per_day}:
        days = [row for row in per_day if row["membre"] == member]
        masked = [row for row in days if row["masque"]]
        assert len(masked) != 1 or member not in shown_totals, member
        # a masked cell gives no day count either (zeros may be left out of the data)
        assert all(row["jours"] is None and row["valeur"] is None for row in masked)
    store.close()


def indicator_payload_for(start, end, granularity, departement):
    from dash_http import indicator_payload

    return indicator_payload("pre-plainte-en-ligne", start, end, granularity, departement)
