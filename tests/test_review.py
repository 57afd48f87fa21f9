"""The review's rules on a realistic history: the demo's years up to September 2026, then an
October draft — the demo's own October (no flag, on every indicator), or the same month with a
mistake that a rule must catch: ten times too large, a département missing, a day counted twice,
a week of zeros, two members swapped, an old month corrected. In-process, pure: the rules read
tables, not the store (one test checks that the tables aggregate as the store does)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from barometre.data import catalogue as catalogue_module
from barometre.data import demo
from barometre.data.catalogue import Catalogue, Indicator
from barometre.review import anomalies, tables
from barometre.review.anomalies import Finding
from barometre.review.tables import NATIONAL, Tables

OCTOBER, OCTOBER_END = pd.Timestamp("2026-10-01"), pd.Timestamp("2026-10-31")
HISTORY_START = pd.Timestamp("2021-09-01")  # the 48 months the rules read, and a margin
TODAY = dt.date(2026, 11, 15)
KEY = ["dimension", "member", "date"]


@pytest.fixture(scope="module")
def history(the_catalogue: Catalogue) -> pd.DataFrame:
    frame = demo.generate(the_catalogue, OCTOBER_END.date())
    frame["date"] = pd.to_datetime(frame["date"])
    return frame[frame["date"] >= HISTORY_START]


def review(history, indicator: Indicator, catalogue, change=None, today=TODAY, draft=None):
    """Return the findings on a draft of ``indicator`` over its public rows before October.

    ``draft``: the draft's rows (default: the demo's October), then ``change(draft)``.
    """
    rows = history[history["indicator"] == indicator.id].drop(columns="indicator")
    public = rows[rows["date"] < OCTOBER]
    draft = rows[rows["date"] >= OCTOBER] if draft is None else draft(public)
    if change is not None:
        draft = change(draft.copy())
    old = public.set_index(KEY)["value"].rename("old")
    changed = draft.join(old, on=KEY).rename(columns={"value": "new"})
    changed = changed[changed["old"].isna() | (changed["old"] != changed["new"])]
    built = Tables.build(indicator, public, draft, changed[[*KEY, "old", "new"]])
    return anomalies.check(built, catalogue.breakdowns, today)


def where(findings: list[Finding], rule: str, column=NATIONAL, granularity=None) -> list:
    return [
        f
        for f in findings
        if f.rule == rule
        and (f.dimension, f.member) == column
        and (granularity is None or f.granularity == granularity)
    ]


CATALOGUE = catalogue_module.load()
ALL = CATALOGUE.indicators
WITH_DEPARTEMENTS = [i for i in ALL if "departement" in i.breakdowns]
BREAKDOWNS = [(i, b) for i in ALL for b in i.breakdowns]


# -- no false alarm ------------------------------------------------------------------------------


@pytest.mark.parametrize("indicator", ALL, ids=lambda i: i.id)
def test_the_genuine_next_month_raises_no_flag(history, the_catalogue, indicator):
    assert review(history, indicator, the_catalogue) == []


# -- each mistake, caught by its rule ------------------------------------------------------------


@pytest.mark.parametrize("indicator", ALL, ids=lambda i: i.id)
def test_a_month_ten_times_too_large_is_an_unusual_value(history, the_catalogue, indicator):
    def ten_times(draft):
        draft["value"] *= 10
        return draft

    found = review(history, indicator, the_catalogue, ten_times)
    (month,) = where(found, "unusual", granularity="mois")
    assert (month.start, month.end) == (OCTOBER.date(), OCTOBER_END.date())
    assert month.value > month.usual[1] > month.usual[0]
    assert "Valeur inhabituelle" in month.message and indicator.title in month.message


@pytest.mark.parametrize("indicator", WITH_DEPARTEMENTS, ids=lambda i: i.id)
def test_a_missing_departement_is_a_stopped_series_and_only_that(history, the_catalogue, indicator):
    """Lozère, the smallest département with a value every month: the hardest to notice."""

    def without_lozere(draft):
        return draft[~((draft["dimension"] == "departement") & (draft["member"] == "48"))]

    found = review(history, indicator, the_catalogue, without_lozere)
    assert [(f.rule, f.dimension, f.member, f.granularity) for f in found] == [
        ("stopped", "departement", "48", "mois")
    ]
    assert "Lozère" in found[0].message and "octobre 2026" in found[0].message


@pytest.mark.parametrize("indicator", WITH_DEPARTEMENTS, ids=lambda i: i.id)
def test_every_departement_that_goes_missing_is_flagged(history, the_catalogue, indicator):
    """Each series is judged on its own: drop every département at once, each one that had a
    value every month of the year before is flagged."""
    rows = history[(history["indicator"] == indicator.id) & (history["dimension"] == "departement")]
    year = rows[(rows["date"] >= OCTOBER - pd.DateOffset(months=12)) & (rows["date"] < OCTOBER)]
    monthly = year.groupby(["member", year["date"].dt.to_period("M")])["value"].sum().unstack()
    expected = set(monthly.index[(monthly > 0).all(axis=1) & (monthly.shape[1] == 12)])
    assert len(expected) > 80  # the test would prove little on a few members

    def without_departements(draft):
        return draft[draft["dimension"] != "departement"]

    found = review(history, indicator, the_catalogue, without_departements)
    flagged = {f.member for f in found if f.rule == "stopped" and f.dimension == "departement"}
    assert flagged == expected


# A day counted twice stands out where the daily series is steadier than about 14 % (log 2 over
# the threshold of 5 spreads): large counts. Small or noisy series, and averages (an average of a
# doubled day is the same average), hide it in their noise: docs/ingestion.md says so.
DOUBLED_DAY_SEEN = {
    "brigade-numerique-demandes": True,
    "brigade-numerique-delai-reponse": False,
    "pre-plainte-en-ligne": True,
    "perceval-signalements": True,
    "perceval-montant": True,
    "thesee-plaintes": True,
    "thesee-signalements": True,
    "violences-sexuelles-sexistes": False,
    "recrutement-visites": True,
    "recrutement-candidatures": False,
    "site-institutionnel-visites": True,
    "reseaux-sociaux-abonnes": True,
    "reseaux-sociaux-publications": False,
}


def test_the_doubled_day_table_covers_the_catalogue(the_catalogue):
    assert sorted(DOUBLED_DAY_SEEN) == sorted(i.id for i in the_catalogue.indicators)


@pytest.mark.parametrize("indicator", ALL, ids=lambda i: i.id)
def test_a_day_counted_twice_is_an_unusual_value_on_steady_series(
    history, the_catalogue, indicator
):
    day = pd.Timestamp("2026-10-14")

    def doubled(draft):
        draft.loc[draft["date"] == day, "value"] *= 2  # every breakdown with it, as an export
        return draft

    found = review(history, indicator, the_catalogue, doubled)
    days = [(f.start, f.granularity) for f in where(found, "unusual")]
    assert days == ([(day.date(), "jour")] if DOUBLED_DAY_SEEN[indicator.id] else [])


@pytest.mark.parametrize("indicator", ALL, ids=lambda i: i.id)
def test_a_week_of_zeros_is_a_stopped_series(history, the_catalogue, indicator):
    week = (pd.Timestamp("2026-10-12"), pd.Timestamp("2026-10-18"))

    def zeros(draft):
        draft.loc[draft["date"].between(*week), "value"] = 0
        return draft

    found = review(history, indicator, the_catalogue, zeros)
    (national,) = where(found, "stopped")
    assert (national.start, national.end, national.granularity) == (
        week[0].date(),
        week[1].date(),
        "jour",
    )
    assert "du 12 au 18 octobre 2026 (7 jours)" in national.message
    assert not where(found, "unusual", granularity="jour")  # the zeros are said once


@pytest.mark.parametrize(("indicator", "breakdown"), BREAKDOWNS, ids=lambda x: getattr(x, "id", x))
def test_two_members_swapped_are_flagged(history, the_catalogue, indicator, breakdown):
    """The largest and the smallest member of a breakdown exchange their figures (a mislabelled
    column): a breakdown of a few members shifts its shares; among the départements, the two
    series themselves jump."""
    rows = history[(history["indicator"] == indicator.id) & (history["dimension"] == breakdown)]
    sizes = rows[rows["date"] < OCTOBER].groupby("member")["value"].sum().sort_values()
    small, large = sizes.index[0], sizes.index[-1]

    def swapped(draft):
        members = draft.loc[draft["dimension"] == breakdown, "member"]
        draft.loc[members.index, "member"] = members.map({small: large, large: small}).fillna(
            members
        )
        return draft

    found = review(history, indicator, the_catalogue, swapped)
    if breakdown == "departement":
        flagged = {f.member for f in found if f.dimension == breakdown}
        assert large in flagged
    else:
        (shift,) = where(found, "shares", (breakdown, ""))
        assert shift.value > shift.usual[1]
        labels = the_catalogue.breakdowns[breakdown]
        assert labels.label(large) in shift.message and labels.label(small) in shift.message


@pytest.mark.parametrize(
    ("month", "factor", "today", "flagged"),
    [
        ("2025-03", 1.2, TODAY, True),  # an old month, 20 % higher
        ("2025-03", 0.8, TODAY, True),
        ("2025-03", 1.02, TODAY, False),  # within 5 %
        ("2026-09", 1.2, dt.date(2026, 10, 20), False),  # closed 20 days ago: not yet old
    ],
)
@pytest.mark.parametrize("indicator", ALL, ids=lambda i: i.id)
def test_a_correction_of_an_old_month_is_flagged_beyond_5_percent(
    history, the_catalogue, indicator, month, factor, today, flagged
):
    period = pd.Period(month, "M")

    def corrected(public):
        rows = public[(public["date"].dt.to_period("M") == period) & (public["dimension"] == "")]
        rows = rows.assign(value=rows["value"] * factor)
        if indicator.aggregation != "moyenne":
            rows["value"] = rows["value"].round()
        return rows

    found = review(history, indicator, the_catalogue, today=today, draft=corrected)
    corrections = where(found, "correction")
    assert len(corrections) == flagged
    if flagged:
        (correction,) = corrections
        assert correction.start == period.start_time.date()
        assert "mois clos depuis" in correction.message and "%" in correction.message


# -- the guard on a series that never varies ----------------------------------------------------


@pytest.mark.parametrize(("level", "flagged"), [(100, False), (105, False), (125, True)])
def test_a_constant_series_is_judged_against_a_floor_not_a_zero_spread(
    the_catalogue, level, flagged
):
    """MAD = 0: without a floor on the spread, any change would be infinitely unusual (and no
    change a division by zero). The floor, 2 % of log(1 + x) times 5, lets 10 % pass."""
    indicator = the_catalogue.indicator("thesee-plaintes")
    days = pd.date_range("2022-03-15", OCTOBER_END, freq="D")
    rows = pd.DataFrame({"dimension": "", "member": "", "date": days, "value": 100.0})
    rows["weight"] = 1.0
    public, draft = rows[rows["date"] < OCTOBER], rows[rows["date"] >= OCTOBER].copy()
    draft["value"] = float(level)
    changed = draft.assign(old=np.nan, new=draft["value"])[[*KEY, "old", "new"]]
    found = anomalies.check(
        Tables.build(indicator, public, draft, changed), the_catalogue.breakdowns, TODAY
    )
    assert {f.granularity for f in where(found, "unusual")} == (
        {"jour", "mois"} if flagged else set()
    )
    assert all(np.isfinite(f.score) for f in found)


# -- the tables read what the public reads ------------------------------------------------------


def test_months_are_aggregated_as_the_store_serves_them(empty_store, history):
    """Every indicator and breakdown: the review's months are the figures the public reads."""
    start, end = dt.date(2026, 5, 1), dt.date(2026, 10, 31)
    rows = history[history["date"] >= pd.Timestamp(start)]
    empty_store.apply(rows, kind="ingestion", source="six mois")
    days = pd.date_range(start, end, freq="D")
    compared = 0
    for indicator in ALL:
        read = empty_store.observation_rows(indicator.id, start.isoformat(), end.isoformat())
        read["date"] = pd.to_datetime(read["date"])
        weights = tables.daily(read, days, "weight")
        ours = tables.monthly(tables.daily(read, days), weights, indicator.aggregation)
        for dimension in ("", *indicator.breakdowns):
            served = empty_store.series(indicator, start, end, "mois", dimension)
            mine = ours[[c for c in ours.columns if c[0] == dimension]]
            assert mine.notna().sum().sum() == len(served) > 0
            for row in served.itertuples():
                value = mine.at[row.periode.to_period("M"), (dimension, row.membre)]
                assert value == pytest.approx(row.valeur, rel=1e-9), (dimension, row.membre)
                compared += 1
    assert compared > 1000


def test_french_messages_keep_their_typography():
    assert anomalies.spaced("valeur : 12 ; département « Lozère »") == (
        "valeur\u00a0: 12\u00a0; département «\u00a0Lozère\u00a0»"
    )
