"""The store: schema migrations, aggregation rules, breakdowns, upserts and the data version."""

import datetime as dt
import sqlite3

import pandas as pd
import pytest

from barometre.data.store import QueryTimeout, Store, StoreError
from barometre.publish import export, published

D = dt.date


@pytest.fixture
def empty_store(store_url, the_catalogue) -> Store:
    """Here the empty store is built twice: on SQLite and on a real PostgreSQL server."""
    store = Store(store_url)
    store.init_schema()
    store.sync_catalogue(the_catalogue)
    yield store
    store.close()


def rows(indicator, values, start="2024-01-01", dimension="", member="", weights=None):
    dates = pd.date_range(start, periods=len(values), freq="D")
    frame = pd.DataFrame(
        {
            "indicator": indicator,
            "dimension": dimension,
            "member": member,
            "date": dates,
            "value": values,
        }
    )
    if weights is not None:
        frame["weight"] = weights
    return frame


def test_init_schema_is_idempotent(store_url):
    store = Store(store_url)
    migrations = [version for version, _ in store.migrations()]
    assert migrations == list(range(1, len(migrations) + 1))
    assert store.init_schema() == migrations
    assert store.init_schema() == []
    assert store.schema_version() == migrations[-1]
    assert store.data_version() == 0
    store.close()


def test_the_database_runs_in_wal_mode(settings):
    empty_store = Store(settings.database_url)
    empty_store.init_schema()
    journal = sqlite3.connect(empty_store.dialect.path).execute("PRAGMA journal_mode").fetchone()
    assert journal == ("wal",)


def test_an_uninitialised_database_says_to_run_init(settings, store_url):
    settings.data_dir.mkdir(exist_ok=True)
    store = Store(store_url)
    with pytest.raises(StoreError, match="barometre init"):
        store.data_version()
    store.close()


def test_an_unknown_database_scheme_is_refused():
    with pytest.raises(StoreError, match="BAROMETRE_DATABASE_URL doit commencer par sqlite:"):
        Store("mysql://localhost/x")


# 2024-01-01 is a Monday; 31 days of January then 29 of February (leap year).
@pytest.mark.parametrize(
    ("indicator", "granularity", "expected"),
    [
        # flows are summed: values 1..60
        ("brigade-numerique-demandes", "mois", [sum(range(1, 32)), sum(range(32, 61))]),
        ("brigade-numerique-demandes", "annee", [sum(range(1, 61))]),
        ("brigade-numerique-demandes", "semaine", [sum(range(1, 8)), sum(range(8, 15))]),
        # stocks take the last value of the period
        ("reseaux-sociaux-abonnes", "mois", [31, 60]),
        ("reseaux-sociaux-abonnes", "semaine", [7, 14]),
    ],
)
def test_aggregation_follows_the_indicator_rule(
    empty_store, the_catalogue, indicator, granularity, expected
):
    empty_store.apply(rows(indicator, list(range(1, 61))), kind="demo", source="test")
    series = empty_store.series(
        the_catalogue.indicator(indicator), D(2024, 1, 1), D(2024, 2, 29), granularity
    )
    assert series["valeur"].tolist()[: len(expected)] == expected


def test_weeks_start_on_monday_and_count_their_days(empty_store, the_catalogue):
    indicator = the_catalogue.indicator("brigade-numerique-demandes")
    empty_store.apply(rows(indicator.id, [1] * 10, start="2024-01-03"), kind="demo", source="t")
    series = empty_store.series(indicator, D(2024, 1, 1), D(2024, 1, 31), "semaine")
    assert series["periode"].dt.strftime("%Y-%m-%d").tolist() == ["2024-01-01", "2024-01-08"]
    assert series["jours"].tolist() == [5, 5]


def test_means_are_weighted(empty_store, the_catalogue):
    indicator = the_catalogue.indicator("brigade-numerique-delai-reponse")
    # 10 minutes for 1 request, then 4 minutes for 3 requests: (10 + 12) / 4 = 5.5
    empty_store.apply(rows(indicator.id, [10, 4], weights=[1, 3]), kind="demo", source="t")
    series = empty_store.series(indicator, D(2024, 1, 1), D(2024, 1, 31), "mois")
    assert series["valeur"].tolist() == [5.5]


def test_breakdowns_are_read_apart_from_the_total(empty_store, the_catalogue):
    indicator = the_catalogue.indicator("brigade-numerique-demandes")
    frame = pd.concat(
        [
            rows(indicator.id, [10, 10]),
            rows(indicator.id, [7, 6], dimension="motif", member="je-m-informe"),
            rows(indicator.id, [3, 4], dimension="motif", member="je-signale"),
        ]
    )
    empty_store.apply(frame, kind="demo", source="t")
    total = empty_store.series(indicator, D(2024, 1, 1), D(2024, 1, 2), "mois")
    assert total["valeur"].tolist() == [20] and total["membre"].tolist() == [""]
    parts = empty_store.breakdown(indicator, "motif", D(2024, 1, 1), D(2024, 1, 2))
    assert dict(zip(parts["membre"], parts["valeur"], strict=True)) == {
        "je-m-informe": 13,
        "je-signale": 7,
    }


def test_a_stock_breakdown_takes_each_members_last_value(empty_store, the_catalogue):
    indicator = the_catalogue.indicator("reseaux-sociaux-abonnes")
    frame = pd.concat(
        [
            rows(indicator.id, [100, 110, 120], dimension="reseau", member="x"),
            rows(indicator.id, [5, 6, 7], dimension="reseau", member="tiktok"),
        ]
    )
    empty_store.apply(frame, kind="demo", source="t")
    parts = empty_store.breakdown(indicator, "reseau", D(2024, 1, 1), D(2024, 1, 2))
    assert dict(zip(parts["membre"], parts["valeur"], strict=True)) == {"tiktok": 6, "x": 110}


def test_a_write_adds_corrects_and_leaves_unchanged_then_keeps_the_replaced_value(
    empty_store, the_catalogue
):
    indicator = the_catalogue.indicator("brigade-numerique-demandes")
    first = empty_store.apply(rows(indicator.id, [1, 2, 3]), kind="ingestion", source="a.csv")
    assert (first.added, first.corrected, first.unchanged) == (3, 0, 0)
    second = empty_store.apply(rows(indicator.id, [1, 5, 3, 4]), kind="ingestion", source="b.csv")
    assert (second.added, second.corrected, second.unchanged) == (1, 1, 2)
    assert second.data_version == first.data_version + 1
    changes = empty_store.changes(2).fillna(0)
    assert list(changes[["date", "old", "new"]].itertuples(index=False, name=None)) == [
        ("2024-01-02", 2.0, 5.0),
        ("2024-01-04", 0.0, 4.0),
    ]
    latest = empty_store.publications().iloc[0]
    assert (latest["number"], latest["motive"], latest["rows_added"]) == (2, "b.csv", 1)
    assert latest["rows_corrected"] == 1


def test_the_data_version_changes_only_when_data_changes(empty_store):
    frame = rows("brigade-numerique-demandes", [1, 2])
    version = empty_store.apply(frame, kind="ingestion", source="a").data_version
    assert empty_store.apply(frame, kind="ingestion", source="a").data_version == version
    assert empty_store.data_version() == version


def test_a_failed_write_leaves_nothing(empty_store):
    good = rows("brigade-numerique-demandes", [1, 2])
    empty_store.apply(good, kind="ingestion", source="a")
    version = empty_store.data_version()
    bad = rows("brigade-numerique-demandes", [9, 9]).assign(date=["2024-01-05", "2024-13-01"])
    with pytest.raises(Exception):  # noqa: B017 - any failure must roll back
        empty_store.apply(bad, kind="ingestion", source="b")
    assert empty_store.data_version() == version
    assert len(empty_store.updates()) == 1


def test_content_tracks_demo_data(empty_store):
    assert empty_store.content() == "vide"
    empty_store.apply(rows("brigade-numerique-demandes", [1]), kind="demo", source="d")
    assert empty_store.is_demo()
    empty_store.clear_observations()
    assert not empty_store.has_observations() and empty_store.content() == "vide"


def test_status_lists_every_indicator(empty_store, the_catalogue):
    empty_store.apply(rows("thesee-plaintes", [1, 2, 3]), kind="ingestion", source="x")
    status = empty_store.status().set_index("indicateur")
    assert set(status.index) == {i.id for i in the_catalogue.indicators}
    assert status.loc["thesee-plaintes", "observations"] == 3
    assert status.loc["thesee-plaintes", "derniere_date"] == "2024-01-03"
    assert status.loc["thesee-plaintes", "derniere_mise_a_jour"] is not None
    assert status.loc["perceval-montant", "observations"] == 0


def test_a_read_past_the_time_limit_is_interrupted(empty_store, the_catalogue):
    empty_store.apply(rows("brigade-numerique-demandes", list(range(400))), kind="demo", source="d")
    slow = Store(empty_store.url, read_timeout_ms=1)
    with pytest.raises(QueryTimeout):
        slow._read(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000000)"
            " SELECT COUNT(*) FROM n"
        )
    slow.close()


def test_values_as_published_at_the_end_of_a_day(empty_store, the_catalogue, clock):
    indicator = the_catalogue.indicator("brigade-numerique-demandes")
    today = dt.date.today()
    yesterday = today - dt.timedelta(days=1)
    first = yesterday - dt.timedelta(days=3)
    clock(yesterday)
    empty_store.apply(rows(indicator.id, [1, 2, 3, 4], start=first), kind="ingestion", source="a")
    clock(today)
    empty_store.apply(
        rows(indicator.id, [1, 9, 3, 4, 5], start=first), kind="ingestion", source="b"
    )
    frozen = empty_store.series(indicator, first, today, "jour", as_of=yesterday)
    current = empty_store.series(indicator, first, today, "jour")
    assert frozen["valeur"].tolist() == [1, 2, 3, 4]
    assert current["valeur"].tolist() == [1, 9, 3, 4, 5]
    assert empty_store.bounds(indicator.id, as_of=yesterday) == (first, yesterday)
    total = empty_store.breakdown(indicator, "", first, today, as_of=yesterday)
    assert total["valeur"].tolist() == [10]


def test_a_departement_series_is_read_and_masked_period_by_period(
    settings, empty_store, the_catalogue
):
    # What the « Département » selector shows: one member's series, from the published grid
    # masked month by month (an amount follows its count in each month).
    count = the_catalogue.indicator("perceval-signalements")
    amount = the_catalogue.indicator("perceval-montant")
    january = {"33": [3, 1], "75": [20, 20], "13": [30]}
    february = {"33": [10], "75": [2], "13": [40]}
    frame = pd.concat(
        [
            rows(indicator.id, [v * factor for v in values], start, "departement", member)
            for indicator, factor in ((count, 1), (amount, 100))
            for start, month in (("2024-01-01", january), ("2024-02-01", february))
            for member, values in month.items()
        ]
    )
    empty_store.apply(frame, kind="ingestion", source="t")
    start, end = D(2024, 1, 1), D(2024, 2, 29)
    series = empty_store.series(count, start, end, "mois", "departement")
    cells = {
        (p.month, m): v
        for p, m, v in zip(series["periode"], series["membre"], series["valeur"], strict=True)
    }
    assert cells == {
        (1, "13"): 30,
        (1, "33"): 4,
        (1, "75"): 40,
        (2, "13"): 40,
        (2, "33"): 10,
        (2, "75"): 2,
    }
    services = export.offline_services(settings, the_catalogue, empty_store)
    masked = published.series(services, amount, "departement", start, end, "mois")
    hidden = {
        (p.month, m)
        for p, m in zip(
            masked.loc[masked["masque"], "periode"],
            masked.loc[masked["masque"], "membre"],
            strict=True,
        )
    }
    # January: 33 (4) and, secondarily, 13; February: 75 (2) and, secondarily, 33.
    assert hidden == {(1, "33"), (1, "13"), (2, "75"), (2, "33")}
    assert masked.loc[masked["masque"], "valeur"].isna().all()
    assert masked.loc[~masked["masque"], "valeur"].tolist() == [4000.0, 4000.0]
