"""The demo data set: complete, exact, deterministic, and shaped like the published figures."""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from barometre.data import catalogue as catalogue_module
from barometre.data import demo
from barometre.data.store import OBSERVATION_COLUMNS

END = dt.date(2023, 12, 31)
CATALOGUE = catalogue_module.load()
INDICATORS = [i.id for i in CATALOGUE.indicators]
ADDITIVE = [i.id for i in CATALOGUE.indicators if i.aggregation != "moyenne"]
WHOLE = [i.id for i in CATALOGUE.indicators if i.decimals == 0]


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return demo.generate(CATALOGUE, END)


@pytest.fixture(scope="module")
def rows(frame) -> dict[str, pd.DataFrame]:
    """The frame's rows, per indicator."""
    return {key: group for key, group in frame.groupby("indicator", sort=False)}


def daily(rows: dict, indicator: str, dimension: str = "", member: str = "") -> pd.Series:
    """Return one series of the demo set, indexed by date."""
    block = rows[indicator]
    block = block[(block["dimension"] == dimension) & (block["member"] == member)]
    return block.set_index(pd.to_datetime(block["date"]))["value"]


def only(*indicator_ids: str):
    """Return the shipped catalogue restricted to some indicators (faster to generate)."""
    return replace(CATALOGUE, indicators=tuple(CATALOGUE.indicator(i) for i in indicator_ids))


def between(series: pd.Series, first: str, last: str) -> pd.Series:
    return series[(series.index >= first) & (series.index <= last)]


# -- shape of the frame ----------------------------------------------------------------------


def test_the_frame_has_the_store_columns_and_iso_dates(frame):
    assert list(frame.columns) == OBSERVATION_COLUMNS
    assert frame["date"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()


def test_the_same_seed_gives_the_same_frame():
    end = dt.date(2018, 12, 31)
    pd.testing.assert_frame_equal(demo.generate(CATALOGUE, end), demo.generate(CATALOGUE, end))


def test_another_seed_gives_other_values():
    end = dt.date(2018, 12, 31)
    first, other = demo.generate(CATALOGUE, end), demo.generate(CATALOGUE, end, seed=7)
    assert first[OBSERVATION_COLUMNS[:4]].equals(other[OBSERVATION_COLUMNS[:4]])
    assert (first["value"] != other["value"]).mean() > 0.5


def test_a_longer_demo_extends_a_shorter_one_without_changing_it(frame):
    shorter = demo.generate(CATALOGUE, dt.date(2019, 6, 30))
    prefix = frame[frame["date"] <= "2019-06-30"].reset_index(drop=True)
    pd.testing.assert_frame_equal(shorter, prefix)


@pytest.mark.parametrize("indicator_id", INDICATORS)
def test_every_series_runs_every_day_from_the_start_to_the_end(rows, indicator_id):
    indicator = CATALOGUE.indicator(indicator_id)
    days = pd.date_range(indicator.start, END).strftime("%Y-%m-%d").tolist()
    expected = [("", "")] + [
        (dim, code) for dim in indicator.breakdowns for code in CATALOGUE.breakdowns[dim].codes
    ]
    series = rows[indicator_id].groupby(["dimension", "member"], sort=False)["date"].agg(list)
    assert list(series.index) == expected
    assert all(dates == days for dates in series)


@pytest.mark.parametrize(
    ("indicator_id", "end"),
    [
        ("thesee-plaintes", dt.date(2022, 3, 14)),
        ("thesee-signalements", dt.date(2022, 3, 14)),
        ("perceval-signalements", dt.date(2018, 6, 8)),
        ("brigade-numerique-demandes", dt.date(2018, 2, 26)),
    ],
)
def test_no_row_before_a_service_opened(indicator_id, end):
    assert demo.generate(only(indicator_id), end).empty
    opening = CATALOGUE.indicator(indicator_id).start.isoformat()
    day_one = demo.generate(only(indicator_id), end + dt.timedelta(days=1))
    assert day_one["date"].unique().tolist() == [opening]


# -- exactness -------------------------------------------------------------------------------


@pytest.mark.parametrize("indicator_id", ADDITIVE)
def test_the_members_of_every_breakdown_add_up_exactly_to_the_total(rows, indicator_id):
    block = rows[indicator_id]
    total = block[block["dimension"] == ""].set_index("date")["value"]
    for dimension in CATALOGUE.indicator(indicator_id).breakdowns:
        sums = block[block["dimension"] == dimension].groupby("date")["value"].sum()
        assert (sums == total.loc[sums.index]).all(), dimension


def test_no_value_is_negative_or_missing(frame):
    assert frame["value"].notna().all()
    assert (frame["value"] >= 0).all()
    assert (frame["weight"] > 0).all()


@pytest.mark.parametrize("indicator_id", WHOLE)
def test_counts_and_euros_are_whole_numbers(rows, indicator_id):
    values = rows[indicator_id]["value"]
    assert (values == values.round()).all()


def test_the_weight_is_one_except_for_a_mean(frame):
    means = {i.id for i in CATALOGUE.indicators if i.aggregation == "moyenne"}
    assert (frame.loc[~frame["indicator"].isin(means), "weight"] == 1.0).all()


def test_the_response_delay_is_weighted_by_the_day_s_requests(rows):
    delay = rows["brigade-numerique-delai-reponse"]
    requests = daily(rows, "brigade-numerique-demandes")
    assert (delay["weight"].to_numpy() == requests.to_numpy()).all()


@pytest.mark.parametrize(
    ("totals", "shares", "expected"),
    [
        ([10], [[0.5, 0.5]], [[5, 5]]),
        ([10], [[1 / 3, 1 / 3, 1 / 3]], [[4, 3, 3]]),
        ([7], [[0.62, 0.25, 0.13]], [[4, 2, 1]]),
        ([1], [[0.1, 0.2, 0.7]], [[0, 0, 1]]),
        ([0], [[0.5, 0.5]], [[0, 0]]),
        ([1_000_001], [[0.5, 0.5]], [[500_001, 500_000]]),
    ],
)
def test_largest_remainder_splits_exactly(totals, shares, expected):
    parts = demo._largest_remainder(np.array(totals, float), np.array(shares))
    assert parts.tolist() == expected


# -- shapes and magnitudes (shared/reference/figures.md) -------------------------------------


@pytest.mark.parametrize(
    ("indicator_id", "first", "last", "statistic", "low", "high"),
    [
        ("brigade-numerique-demandes", "2020-01-01", "2020-02-29", "mean", 200, 320),
        ("brigade-numerique-demandes", "2020-03-17", "2020-05-11", "mean", 1_500, 2_500),
        ("brigade-numerique-demandes", "2023-01-01", "2023-12-31", "mean", 400, 700),
        ("brigade-numerique-demandes", "2018-02-27", "2020-02-27", "sum", 130_000, 190_000),
        ("brigade-numerique-delai-reponse", "2019-01-01", "2019-12-31", "mean", 1, 10),
        ("pre-plainte-en-ligne", "2013-03-01", "2013-03-31", "sum", 1_500, 2_200),
        ("pre-plainte-en-ligne", "2013-04-01", "2013-04-30", "sum", 1_400, 2_000),
        ("perceval-signalements", "2018-06-09", "2018-08-28", "mean", 200, 340),
        ("thesee-plaintes", "2022-03-15", "2023-03-14", "sum", 60_000, 77_000),
        ("thesee-signalements", "2022-03-15", "2023-03-14", "sum", 14_000, 19_000),
        ("violences-sexuelles-sexistes", "2019-01-01", "2019-12-31", "mean", 5, 60),
        ("recrutement-visites", "2019-01-01", "2019-12-31", "sum", 1e6, 2e7),
        ("site-institutionnel-visites", "2019-01-01", "2019-12-31", "sum", 1e6, 5e7),
        ("reseaux-sociaux-publications", "2023-01-01", "2023-12-31", "mean", 2, 20),
    ],
)
def test_magnitudes_match_the_published_orders(
    rows, indicator_id, first, last, statistic, low, high
):
    values = between(daily(rows, indicator_id), first, last)
    assert low <= values.agg(statistic) <= high


@pytest.mark.parametrize(
    ("indicator_id", "first", "last", "reference_first", "reference_last", "at_least"),
    [
        # First lockdown: several times the level of January and February 2020.
        ("brigade-numerique-demandes", "2020-03-17", "2020-05-11", "2020-01-01", "2020-02-29", 4),
        # Second lockdown: a raised level, compared with the October before it.
        ("brigade-numerique-demandes", "2020-10-30", "2020-12-15", "2020-10-01", "2020-10-29", 1.3),
        # More load, longer wait.
        (
            "brigade-numerique-delai-reponse",
            "2020-03-17",
            "2020-05-11",
            "2020-01-01",
            "2020-02-29",
            2,
        ),
        (
            "site-institutionnel-visites",
            "2020-03-17",
            "2020-05-11",
            "2020-01-01",
            "2020-02-29",
            1.5,
        ),
    ],
)
def test_lockdowns_raise_the_level(
    rows, indicator_id, first, last, reference_first, reference_last, at_least
):
    series = daily(rows, indicator_id)
    ratio = (
        between(series, first, last).mean()
        / between(series, reference_first, reference_last).mean()
    )
    assert ratio >= at_least


@pytest.mark.parametrize(
    "indicator_id",
    [
        "brigade-numerique-demandes",
        "pre-plainte-en-ligne",
        "recrutement-visites",
        "site-institutionnel-visites",
        "reseaux-sociaux-publications",
    ],
)
def test_sundays_are_quieter_than_weekdays(rows, indicator_id):
    series = daily(rows, indicator_id)
    by_day = series.groupby(series.index.day_of_week).mean()
    assert by_day[6] < by_day[0:5].min()


@pytest.mark.parametrize(
    ("indicator_id", "months", "compared_with_the_year"),
    [
        ("recrutement-visites", [7, 8], "below"),
        ("recrutement-candidatures", [7, 8], "below"),
        ("recrutement-candidatures", [9], "above"),
    ],
)
def test_recruitment_dips_in_summer_and_peaks_in_september(
    rows, indicator_id, months, compared_with_the_year
):
    series = between(daily(rows, indicator_id), "2019-01-01", "2023-12-31")
    ratio = series[series.index.month.isin(months)].mean() / series.mean()
    assert ratio < 0.9 if compared_with_the_year == "below" else ratio > 1.15


def test_perceval_amounts_average_a_few_hundred_euros_per_report(rows):
    reports = rows["perceval-signalements"].query("dimension != ''")
    amounts = rows["perceval-montant"].query("dimension != ''")
    assert (reports["member"].to_numpy() == amounts["member"].to_numpy()).all()
    assert 150 <= amounts["value"].sum() / reports["value"].sum() <= 600
    no_report = reports["value"].to_numpy() == 0
    assert no_report.any() and (amounts["value"].to_numpy()[no_report] == 0).all()


def test_most_contacts_are_requests_for_information(rows):
    motifs = (
        rows["brigade-numerique-demandes"]
        .query("dimension == 'motif'")
        .groupby("member")["value"]
        .sum()
    )
    assert motifs["je-m-informe"] > motifs.sum() / 2
    assert motifs["je-m-informe"] > motifs["je-signale"] > motifs["je-suis-victime"]


def test_nights_are_quiet_and_late_mornings_and_evenings_busy(rows):
    hours = (
        rows["brigade-numerique-demandes"]
        .query("dimension == 'heure'")
        .groupby("member")["value"]
        .mean()
    )
    night = hours[["02", "03", "04", "05"]].mean()
    assert hours[["10", "11"]].min() > 4 * night
    assert hours[["19", "20", "21"]].min() > 4 * night
    assert hours[["10", "11"]].min() > hours[["07", "13"]].max()


@pytest.mark.parametrize(
    ("small", "large"), [("48", "59"), ("23", "13"), ("976", "59"), ("2A", "69")]
)
def test_small_departements_get_small_but_not_zero_counts(rows, small, large):
    year = rows["pre-plainte-en-ligne"].query("date >= '2023-01-01'")
    per_day = year[year["dimension"] == "departement"].groupby("member")["value"].mean()
    assert 0 < per_day[small] < 3
    assert per_day[large] > 4 * per_day[small]


@pytest.mark.parametrize("network", ["x", "youtube", "linkedin", "tiktok"])
def test_followers_grow_smoothly(rows, network):
    series = daily(rows, "reseaux-sociaux-abonnes", "reseau", network)
    after_launch = series[series > 0]
    assert (after_launch.pct_change().dropna() > -0.005).all()
    assert after_launch.iloc[-1] > after_launch.iloc[0]


@pytest.mark.parametrize(
    "indicator_id", ["reseaux-sociaux-abonnes", "reseaux-sociaux-publications"]
)
def test_tiktok_is_zero_before_its_launch(rows, indicator_id):
    series = daily(rows, indicator_id, "reseau", "tiktok")
    assert (between(series, "2018-01-01", "2021-02-28") == 0).all()
    assert between(series, "2021-03-01", "2023-12-31").mean() > 0


# -- calibration as data ---------------------------------------------------------------------


def test_every_catalogue_indicator_and_breakdown_is_calibrated():
    assert demo.notes(CATALOGUE) == []


def catalogue_with_new_indicators():
    """The shipped catalogue's families and breakdowns, with two indicators unknown to demo.toml."""
    raw = tomllib.loads(catalogue_module.default_path().read_text(encoding="utf-8"))
    common = {
        "famille": "signalements",
        "decimales": 0,
        "source": "Essai",
        "methodologie": "Essai",
        "description": "Essai",
        "frequence": "quotidienne",
        "debut": dt.date(2023, 11, 1),
    }
    raw["indicateurs"] = [
        {
            **common,
            "identifiant": "nouveau-service",
            "titre": "Nouveau",
            "unite": "demandes",
            "agregation": "somme",
            "ventilations": ["departement", "motif"],
        },
        {
            **common,
            "identifiant": "nouveau-taux",
            "titre": "Taux",
            "unite": "%",
            "agregation": "moyenne",
            "decimales": 1,
            "ventilations": ["motif"],
        },
    ]
    return catalogue_module.parse(raw)


def test_a_new_indicator_gets_generic_parameters_and_a_note():
    catalogue = catalogue_with_new_indicators()
    frame = demo.generate(catalogue, END)
    notes = demo.notes(catalogue)
    assert any("nouveau-service" in n for n in notes) and any("nouveau-taux" in n for n in notes)
    new = frame[frame["indicator"] == "nouveau-service"]
    total = new[new["dimension"] == ""].set_index("date")["value"]
    assert len(total) == 61 and total.between(20, 1_000).all()
    for dimension in ("departement", "motif"):
        sums = new[new["dimension"] == dimension].groupby("date")["value"].sum()
        assert (sums == total).all()


def test_the_members_of_a_mean_average_to_its_value():
    frame = demo.generate(catalogue_with_new_indicators(), END)
    rate = frame[frame["indicator"] == "nouveau-taux"]
    total = rate[rate["dimension"] == ""].set_index("date")["value"]
    members = rate[rate["dimension"] == "motif"].assign(product=lambda f: f["value"] * f["weight"])
    sums = members.groupby("date")[["product", "weight"]].sum()
    assert np.allclose(sums["product"] / sums["weight"], total.loc[sums.index])


# -- installing into a store -----------------------------------------------------------------

SMALL = only("brigade-numerique-demandes", "brigade-numerique-delai-reponse")
TODAY = dt.date(2020, 6, 1)


@pytest.fixture
def store(empty_store):
    return empty_store


def ingest_one_real_figure(store):
    store.apply(
        pd.DataFrame(
            [
                {
                    "indicator": "brigade-numerique-demandes",
                    "dimension": "",
                    "member": "",
                    "date": "2020-01-01",
                    "value": 1.0,
                    "weight": 1.0,
                }
            ]
        ),
        kind="ingestion",
        source="essai",
    )


def test_install_fills_an_empty_store_with_the_demo_set(store):
    summary = demo.install(store, SMALL, today=TODAY)
    assert summary.added == len(demo.generate(SMALL, TODAY - dt.timedelta(days=1)))
    assert store.is_demo()
    assert set(store.updates()["source"]) == {demo.DEMO_SOURCE}
    # A backup is restored only if SQLite finds the store intact: it must, from the start.
    assert store._scalar("PRAGMA integrity_check") == "ok"
    assert store.bounds("brigade-numerique-demandes") == (
        dt.date(2018, 2, 27),
        dt.date(2020, 5, 31),
    )


@pytest.mark.parametrize(
    ("indicator_id", "dimension"),
    [
        ("brigade-numerique-demandes", ""),
        ("brigade-numerique-demandes", "motif"),
        ("brigade-numerique-demandes", "heure"),
        ("brigade-numerique-delai-reponse", ""),
    ],
)
def test_a_month_read_back_from_the_store_matches_the_generated_days(
    store, indicator_id, dimension
):
    demo.install(store, SMALL, today=TODAY)
    indicator = SMALL.indicator(indicator_id)
    read = store.series(indicator, dt.date(2020, 4, 1), dt.date(2020, 4, 30), "mois", dimension)
    days = demo.generate(SMALL, TODAY - dt.timedelta(days=1)).query(
        "indicator == @indicator_id and dimension == @dimension and date.str.startswith('2020-04')"
    )
    weighted = (days["value"] * days["weight"]).groupby(days["member"]).sum()
    expected = weighted / days.groupby("member")["weight"].sum()
    if indicator.aggregation == "somme":
        expected = days.groupby("member")["value"].sum()
    assert read["jours"].eq(30).all()
    assert np.allclose(read.set_index("membre")["valeur"], expected.loc[read["membre"]])


def test_install_refuses_to_erase_real_data(store):
    ingest_one_real_figure(store)
    with pytest.raises(demo.DemoRefused, match="--force"):
        demo.install(store, SMALL, today=TODAY)
    assert store.content() == "reel"
    assert store.bounds("brigade-numerique-demandes") == (dt.date(2020, 1, 1),) * 2


def test_install_with_force_replaces_real_data(store):
    ingest_one_real_figure(store)
    demo.install(store, SMALL, today=TODAY, force=True)
    assert store.is_demo()
    january = store.series(
        SMALL.indicator("brigade-numerique-demandes"),
        dt.date(2020, 1, 1),
        dt.date(2020, 1, 1),
        "jour",
    )
    assert january["valeur"].iloc[0] > 1
