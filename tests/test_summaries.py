"""French formats and text summaries: the numbers, dates and sentences the public reads."""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import replace

import pandas as pd
import pytest
from factories import DEPARTEMENTS, HEURE, MOTIF, make_indicator

from barometre.charts import french, periods
from barometre.charts.french import (
    MISSING,
    format_date,
    format_number,
    format_percent,
    format_period,
    format_span,
    format_value,
)
from barometre.charts.summaries import (
    NO_DATA,
    breakdown_rows,
    breakdown_summary,
    chart_summary,
    describe_change,
    is_hour_breakdown,
    key_figure,
    table_rows,
)
from barometre.publish import published

NNBSP, NBSP, MINUS = "\u202f", "\u00a0", "\u2212"


DEMANDES = make_indicator()
EUROS = make_indicator(id="perceval-montant", title="Montant des fraudes", unit="euros")
MINUTES = make_indicator(
    id="delai", title="Délai moyen", unit="minutes", decimals=1, aggregation="moyenne"
)
ABONNES = make_indicator(id="abonnes", title="Abonnés", unit="abonnés", aggregation="dernier")


def monthly(values: dict[str, float], days: dict[str, int] | None = None) -> pd.DataFrame:
    """A national monthly series as Store.series returns it; months complete unless told."""
    starts = pd.to_datetime([f"{month}-01" for month in values])
    return pd.DataFrame(
        {
            "periode": starts,
            "membre": "",
            "valeur": [float(v) for v in values.values()],
            "jours": [
                (days or {}).get(m, p.days_in_month) for m, p in zip(values, starts, strict=True)
            ],
        }
    )


def series(granularity: str, start: str, values: list[float]) -> pd.DataFrame:
    frequency = {"jour": "D", "semaine": "W-MON", "mois": "MS", "annee": "YS"}[granularity]
    starts = pd.date_range(start, periods=len(values), freq=frequency)
    expected = [periods.expected_days(p, granularity) for p in starts]
    return pd.DataFrame(
        {"periode": starts, "membre": "", "valeur": [float(v) for v in values], "jours": expected}
    )


def totals(values: dict[str, float]) -> pd.DataFrame:
    return pd.DataFrame({"membre": list(values), "valeur": list(values.values()), "jours": 30})


def plain(text: str) -> str:
    """The text with both kinds of no-break space shown as plain spaces, to compare readably."""
    return text.replace(NNBSP, " ").replace(NBSP, " ")


def assert_french_typography(text: str) -> None:
    """No breakable space before « : ; ! ? % € » nor inside a number, no hyphen as minus sign."""
    assert not re.search(r" [:;!?%€]", text), text
    assert not re.search(r"\d \d", text), text
    assert not re.search(r"(?<![\w-])-\d", text), text


# -- numbers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (0, 0, "0"),
        (999, 0, "999"),
        (1234, 0, f"1{NNBSP}234"),
        (1234567, 0, f"1{NNBSP}234{NNBSP}567"),
        (1234567.891, 2, f"1{NNBSP}234{NNBSP}567,89"),
        (12.5, 1, "12,5"),
        (12, 1, "12,0"),
        (12.25, 1, "12,3"),  # half away from zero, as the browser's d3 formats
        (2.5, 0, "3"),
        (-2.5, 0, f"{MINUS}3"),
        (-3.45, 1, f"{MINUS}3,5"),
        (-1234567, 0, f"{MINUS}1{NNBSP}234{NNBSP}567"),
        (-0.4, 0, "0"),  # never "−0"
        (float("nan"), 0, MISSING),
        (None, 0, MISSING),
    ],
)
def test_format_number(value, decimals, expected):
    assert format_number(value, decimals) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(1234, f"+1{NNBSP}234"), (-5, f"{MINUS}5"), (0, "0"), (0.2, "0")],
)
def test_format_number_signed(value, expected):
    assert format_number(value, signed=True) == expected


@pytest.mark.parametrize(
    ("value", "indicator", "expected"),
    [
        (1234, DEMANDES, f"1{NNBSP}234{NBSP}demandes"),
        (2, DEMANDES, f"2{NBSP}demandes"),
        (1.6, DEMANDES, f"2{NBSP}demandes"),  # plural follows the number shown
        (1, DEMANDES, f"1{NBSP}demande"),  # French singular below two
        (0, DEMANDES, f"0{NBSP}demande"),
        (1234.4, EUROS, f"1{NNBSP}234{NNBSP}€"),
        (12.54, MINUTES, f"12,5{NBSP}minutes"),
        (1.5, MINUTES, f"1,5{NBSP}minute"),
        (120000, ABONNES, f"120{NNBSP}000{NBSP}abonnés"),
        (float("nan"), MINUTES, MISSING),
    ],
)
def test_format_value(value, indicator, expected):
    assert format_value(value, indicator) == expected


def test_format_value_signed():
    assert format_value(-1234, DEMANDES, signed=True) == f"{MINUS}1{NNBSP}234{NBSP}demandes"
    assert format_value(120, EUROS, signed=True) == f"+120{NNBSP}€"


@pytest.mark.parametrize(
    ("ratio", "expected"),
    [
        (0.12, f"12{NNBSP}%"),
        (-0.035, f"{MINUS}3,5{NNBSP}%"),  # one decimal below 10 %
        (0.03, f"3{NNBSP}%"),  # … but no ",0"
        (0.005, f"0,5{NNBSP}%"),
        (0.0996, f"10{NNBSP}%"),  # rounds up into the no-decimal range
        (0.125, f"13{NNBSP}%"),
        (0, f"0{NNBSP}%"),
        (1.5, f"150{NNBSP}%"),
        (12.345, f"1{NNBSP}235{NNBSP}%"),
        (None, MISSING),
    ],
)
def test_format_percent(ratio, expected):
    assert format_percent(ratio) == expected


def test_format_percent_signed():
    assert format_percent(0.12, signed=True) == f"+12{NNBSP}%"


# -- dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2026, 11, 28), "28 novembre 2026"),
        (dt.date(2026, 1, 1), "1er janvier 2026"),
        (dt.date(2025, 8, 1), "1er août 2025"),
        (dt.date(2025, 2, 2), "2 février 2025"),
        (dt.datetime(2025, 12, 31, 23, 59), "31 décembre 2025"),
        (pd.Timestamp("2025-02-14"), "14 février 2025"),
    ],
)
def test_format_date(day, expected):
    assert format_date(day) == expected


def test_the_published_notes_write_every_day_as_format_date_does():
    # publish sits below charts, so it keeps its own short copy of the date format: the two
    # producers of one fact must agree on every day of a leap year.
    days = pd.date_range("2024-01-01", "2024-12-31").date
    assert [published._day(day) for day in days] == [format_date(day) for day in days]


@pytest.mark.parametrize(
    ("start", "granularity", "expected"),
    [
        ("2025-01-06", "jour", "6 janvier 2025"),
        ("2025-01-01", "jour", "1er janvier 2025"),
        ("2025-01-06", "semaine", "semaine du 6 janvier 2025"),
        ("2024-04-01", "semaine", "semaine du 1er avril 2024"),
        ("2025-01-01", "mois", "janvier 2025"),
        ("2025-08-01", "mois", "août 2025"),
        ("2025-01-01", "annee", "2025"),
    ],
)
def test_format_period(start, granularity, expected):
    assert format_period(pd.Timestamp(start), granularity) == expected


def test_format_period_rejects_an_unknown_granularity():
    with pytest.raises(ValueError, match="trimestre"):
        format_period(dt.date(2025, 1, 1), "trimestre")


@pytest.mark.parametrize(
    ("first", "last", "granularity", "expected"),
    [
        ("2024-01-01", "2026-10-01", "mois", "de janvier 2024 à octobre 2026"),
        ("2024-04-01", "2026-10-01", "mois", "d'avril 2024 à octobre 2026"),
        ("2024-08-01", "2025-01-01", "mois", "d'août 2024 à janvier 2025"),
        ("2024-10-01", "2025-04-01", "mois", "d'octobre 2024 à avril 2025"),
        ("2025-01-01", "2026-11-28", "jour", "du 1er janvier 2025 au 28 novembre 2026"),
        (
            "2025-01-06",
            "2026-11-23",
            "semaine",
            "de la semaine du 6 janvier 2025 à celle du 23 novembre 2026",
        ),
        ("2018-01-01", "2026-01-01", "annee", "de 2018 à 2026"),
        ("2026-10-01", "2026-10-01", "mois", "en octobre 2026"),
        ("2025-01-06", "2025-01-06", "jour", "le 6 janvier 2025"),
        ("2025-01-06", "2025-01-06", "semaine", "la semaine du 6 janvier 2025"),
        ("2025-01-01", "2025-01-01", "annee", "en 2025"),
    ],
)
def test_format_span(first, last, granularity, expected):
    assert format_span(pd.Timestamp(first), pd.Timestamp(last), granularity) == expected


# -- changes -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "previous", "indicator", "direction", "arrow", "words"),
    [
        (11234, 10000, DEMANDES, "hausse", "↑", "en hausse de 12 % (+1 234 demandes)"),
        (970, 1000, DEMANDES, "baisse", "↓", "en baisse de 3 % (−30 demandes)"),
        (965, 1000, DEMANDES, "baisse", "↓", "en baisse de 3,5 % (−35 demandes)"),
        (1005, 1000, DEMANDES, "hausse", "↑", "en hausse de 0,5 % (+5 demandes)"),
        (1004, 1000, DEMANDES, "stable", "→", "stable"),  # below 0.5 %
        (996, 1000, DEMANDES, "stable", "→", "stable"),
        (1100, 1000, EUROS, "hausse", "↑", "en hausse de 10 % (+100 €)"),
        (13.5, 12, MINUTES, "hausse", "↑", "en hausse de 13 % (+1,5 minute)"),
        (1234, None, DEMANDES, None, "", "sans comparaison possible"),
        (1234, 0, DEMANDES, None, "", "sans comparaison possible"),
        (1234, float("nan"), DEMANDES, None, "", "sans comparaison possible"),
    ],
)
def test_describe_change(current, previous, indicator, direction, arrow, words):
    change = describe_change(current, previous, indicator)
    assert (change.direction, change.arrow, plain(change.words)) == (direction, arrow, words)
    assert_french_typography(change.words)


def test_describe_change_keeps_the_numbers():
    change = describe_change(1120, 1000, DEMANDES)
    assert change.ratio == pytest.approx(0.12)
    assert change.absolute == pytest.approx(120)
    assert plain(change.headline) == "en hausse de 12 %"
    assert describe_change(5, None, DEMANDES).ratio is None
    assert describe_change(5, None, DEMANDES).absolute is None


def test_a_change_is_told_in_words_not_only_by_colour_or_arrow():
    for current in (500, 1000, 1500):
        change = describe_change(current, 1000, DEMANDES)
        assert change.direction in change.words


# -- key figures -------------------------------------------------------------------------------

TWO_YEARS = {f"{y}-{m:02d}": 1000 + 10 * m for y in (2025, 2026) for m in range(1, 12)}
TWO_YEARS |= {"2025-12": 1110, "2026-10": 1232, "2025-10": 1100}


@pytest.mark.parametrize(
    ("today", "period"),
    [
        (dt.date(2026, 11, 28), dt.date(2026, 10, 1)),  # November is under way: October
        (dt.date(2026, 11, 1), dt.date(2026, 10, 1)),  # the 1st: October is over
        (dt.date(2026, 10, 31), dt.date(2026, 9, 1)),  # October not over yet
        (dt.date(2027, 3, 5), dt.date(2026, 11, 1)),  # past the data: its last month
    ],
)
def test_key_figure_takes_the_last_complete_month(today, period):
    figure = key_figure(monthly(TWO_YEARS), DEMANDES, today)
    assert figure.period == period
    assert figure.previous_period == period.replace(year=period.year - 1)


def test_key_figure_compares_with_the_same_month_a_year_before():
    figure = key_figure(monthly(TWO_YEARS), DEMANDES, dt.date(2026, 11, 28))
    assert figure.value == 1232
    assert figure.previous_value == 1100
    assert figure.label == "octobre 2026"
    assert plain(figure.value_text) == "1 232 demandes"
    assert figure.change.direction == "hausse"
    assert figure.change.arrow == "↑"
    assert plain(figure.change_text) == (
        "en hausse de 12 % (+132 demandes) par rapport à octobre 2025"
    )
    assert plain(figure.sentence) == (
        "Octobre 2026 : 1 232 demandes, en hausse de 12 % (+132 demandes) "
        "par rapport à octobre 2025."
    )
    assert not figure.partial
    assert_french_typography(figure.sentence)


def test_key_figure_reads_the_national_rows_only():
    frame = monthly(TWO_YEARS)
    member = frame.assign(membre="je-signale", valeur=99999.0)
    figure = key_figure(pd.concat([member, frame]), DEMANDES, dt.date(2026, 11, 28))
    assert figure.value == 1232


def test_key_figure_without_the_month_a_year_before():
    frame = monthly({"2026-09": 900, "2026-10": 1000})
    figure = key_figure(frame, DEMANDES, dt.date(2026, 11, 2))
    assert figure.change.direction is None
    assert figure.previous_value is None
    assert figure.change_text == "sans comparaison possible avec octobre 2025"


@pytest.mark.parametrize(
    "frame",
    [monthly({}), monthly({"2026-11": 500})],
    ids=["no data", "only the month under way"],
)
def test_key_figure_needs_a_complete_month(frame):
    assert key_figure(frame, DEMANDES, dt.date(2026, 11, 20)) is None


@pytest.mark.parametrize(
    ("indicator", "direction"),
    [(ABONNES, "hausse"), (DEMANDES, None)],
    ids=["a stock is compared", "a flow over a partial month is not"],
)
def test_key_figure_over_a_month_missing_days(indicator, direction):
    # October 2025 has 20 days of data: a count over it is not comparable, a stock still is.
    frame = monthly({"2025-10": 100000, "2026-10": 120000}, days={"2025-10": 20})
    figure = key_figure(frame, indicator, dt.date(2026, 11, 5))
    assert figure.change.direction == direction


def test_key_figure_of_a_stock_compares_end_of_month_values():
    frame = monthly({"2025-10": 100000, "2026-10": 120000})
    figure = key_figure(frame, ABONNES, dt.date(2026, 11, 5))
    assert plain(figure.value_text) == "120 000 abonnés"
    assert plain(figure.change.words) == "en hausse de 20 % (+20 000 abonnés)"
    assert plain(figure.change_text) == (
        "en hausse de 20 % (+20 000 abonnés) par rapport à octobre 2025"
    )


def test_key_figure_flags_a_month_with_missing_days():
    frame = monthly({"2025-10": 1000, "2026-10": 1000}, days={"2026-10": 30})
    assert key_figure(frame, DEMANDES, dt.date(2026, 11, 5)).partial


# -- chart summaries ---------------------------------------------------------------------------

PEAK = {f"2025-{m:02d}": 1000 for m in range(1, 13)} | {f"2026-{m:02d}": 1100 for m in range(1, 11)}
PEAK |= {"2025-04": 51234, "2025-10": 1000, "2026-10": 1120}


def test_chart_summary_tells_period_latest_value_change_and_maximum():
    text = chart_summary(DEMANDES, monthly(PEAK), "mois")
    assert plain(text) == (
        "Demandes à la Brigade numérique par mois, de janvier 2025 à octobre 2026. "
        "Dernière valeur : 1 120 demandes en octobre 2026, "
        "en hausse de 12 % (+120 demandes) par rapport à octobre 2025. "
        "Maximum : 51 234 demandes en avril 2025."
    )
    assert_french_typography(text)


@pytest.mark.parametrize(
    ("granularity", "start", "values", "expected"),
    [
        (
            "jour",
            "2026-09-01",
            [10, 30, 20],
            "Demandes à la Brigade numérique par jour, du 1er septembre 2026 au 3 septembre 2026. "
            "Dernière valeur : 20 demandes le 3 septembre 2026. "
            "Maximum : 30 demandes le 2 septembre 2026.",
        ),
        (
            "semaine",
            "2026-09-07",
            [700, 710],
            "Demandes à la Brigade numérique par semaine, "
            "de la semaine du 7 septembre 2026 à celle du 14 septembre 2026. "
            "Dernière valeur : 710 demandes la semaine du 14 septembre 2026. "
            "Maximum : 710 demandes la semaine du 14 septembre 2026.",
        ),
        (
            "annee",
            "2024-01-01",
            [1000, 1500],
            "Demandes à la Brigade numérique par an, de 2024 à 2025. "
            "Dernière valeur : 1 500 demandes en 2025, "
            "en hausse de 50 % (+500 demandes) par rapport à 2024. "
            "Maximum : 1 500 demandes en 2025.",
        ),
    ],
)
def test_chart_summary_for_each_granularity(granularity, start, values, expected):
    assert plain(chart_summary(DEMANDES, series(granularity, start, values), granularity)) == (
        expected
    )


def test_chart_summary_compares_a_week_with_the_same_week_a_year_before():
    weekly = series("semaine", "2025-09-08", [1000] * 53)
    weekly.loc[weekly.index[-1], "valeur"] = 800.0
    text = plain(chart_summary(DEMANDES, weekly, "semaine"))
    assert "la semaine du 7 septembre 2026, en baisse de 20 % (−200 demandes) " in text
    assert "par rapport à la semaine du 8 septembre 2025." in text


def test_chart_summary_says_when_the_last_period_is_incomplete():
    frame = monthly(PEAK | {"2026-11": 400}, days={"2026-11": 12})
    text = plain(chart_summary(DEMANDES, frame, "mois"))
    assert "Dernière valeur : 400 demandes en novembre 2026 (mois incomplet : 12 jours" in text
    assert "par rapport à novembre 2025" not in text  # a partial count is not compared


@pytest.mark.parametrize(
    "granularity, start, expected",
    [
        ("semaine", "2026-11-09", "(semaine incomplète : 3 jours"),
        ("annee", "2025-01-01", "(année incomplète : 3 jours"),
    ],
)
def test_an_incomplete_week_or_year_is_said_in_the_feminine(granularity, start, expected):
    frame = series(granularity, start, [1000, 10])
    frame.loc[frame.index[-1], "jours"] = 3
    assert expected in plain(chart_summary(DEMANDES, frame, granularity))


def test_chart_summary_of_a_single_period():
    text = plain(chart_summary(DEMANDES, monthly({"2026-10": 1234}), "mois"))
    assert (
        text
        == "Demandes à la Brigade numérique par mois, en octobre 2026. Valeur : 1 234 demandes."
    )


def test_chart_summary_with_decimals():
    frame = monthly({"2025-10": 12.0, "2026-10": 12.54})
    text = plain(chart_summary(MINUTES, frame, "mois"))
    assert (
        "Dernière valeur : 12,5 minutes en octobre 2026, en hausse de 4,5 % (+0,5 minute)" in text
    )


@pytest.mark.parametrize(
    "frame",
    [monthly({}), monthly({"2026-10": math.nan})],
    ids=["empty", "only missing values"],
)
def test_chart_summary_without_data(frame):
    assert (
        chart_summary(DEMANDES, frame, "mois") == NO_DATA == "Aucune donnée sur la période choisie."
    )


# -- breakdown summaries -----------------------------------------------------------------------


def test_breakdown_summary_names_every_member_of_a_small_breakdown():
    frame = totals({"je-signale": 3000, "je-m-informe": 6100, "je-suis-victime": 900})
    text = breakdown_summary(DEMANDES, MOTIF, frame)
    assert plain(text) == (
        "Répartition par motif de contact : Je m'informe 61 % (6 100 demandes), "
        "Je signale 30 % (3 000 demandes) et Je suis victime 9 % (900 demandes)."
    )
    assert_french_typography(text)


def test_breakdown_summary_names_the_first_three_of_many():
    values = {code: 100.0 for code in DEPARTEMENTS.codes}
    values |= {"59": 900.0, "75": 800.0, "69": 700.0}
    text = plain(breakdown_summary(DEMANDES, DEPARTEMENTS, totals(values)))
    assert text.startswith("Répartition par département : 101 au total ; les 3 plus importants : ")
    assert text.endswith(
        "Département 59 7,4 % (900 demandes), Département 75 6,6 % (800 demandes) "
        "et Département 69 5,7 % (700 demandes)."
    )


def test_breakdown_summary_of_hours_ranks_by_value():
    values = {f"{h:02d}": 10.0 + h for h in range(24)}
    text = plain(breakdown_summary(DEMANDES, HEURE, totals(values)))
    assert "24 au total ; les 3 plus importants : 23 h 6,4 % (33 demandes), 22 h " in text


def test_breakdown_summary_of_an_average_gives_no_shares():
    frame = totals({"je-m-informe": 12.54, "je-signale": 10.0})
    assert plain(breakdown_summary(MINUTES, MOTIF, frame)) == (
        "Répartition par motif de contact : Je m'informe 12,5 minutes et Je signale 10,0 minutes."
    )


def test_breakdown_summary_without_data():
    assert breakdown_summary(DEMANDES, MOTIF, totals({})) == NO_DATA


# -- table rows and hours ----------------------------------------------------------------------


def test_table_rows_give_french_cells_and_raw_values():
    frame = monthly({"2026-10": 1234.4, "2026-09": 1000}, days={"2026-10": 30})
    assert [
        (plain(r["periode"]), plain(r["valeur"])) for r in table_rows(frame, DEMANDES, "mois")
    ] == [
        ("septembre 2026", "1 000"),
        ("octobre 2026", "1 234"),
    ]
    last = table_rows(frame, DEMANDES, "mois")[-1]
    assert (last["date"], last["valeur_brute"], last["partiel"]) == ("2026-10-01", 1234.4, True)


def test_breakdown_rows_keep_hours_in_hour_order_and_others_by_size():
    hours = breakdown_rows(totals({"10": 5.0, "02": 9.0, "23": 1.0}), DEMANDES, HEURE)
    assert [r["membre"] for r in hours] == ["2 h", "10 h", "23 h"]
    motifs = breakdown_rows(totals({"je-signale": 1.0, "je-m-informe": 3.0}), DEMANDES, MOTIF)
    assert [(r["membre"], plain(r["part"]), r["part_brute"]) for r in motifs] == [
        ("Je m'informe", "75 %", 0.75),
        ("Je signale", "25 %", 0.25),
    ]


@pytest.mark.parametrize(
    ("breakdown", "expected"),
    [
        (HEURE, True),
        (replace(HEURE, id="tranche-horaire"), True),  # told by its codes, not only its name
        (DEPARTEMENTS, False),  # two-digit codes too, but up to 95 and "2A"
        (MOTIF, False),
    ],
)
def test_is_hour_breakdown(breakdown, expected):
    assert is_hour_breakdown(breakdown) is expected


# -- events and year-ago comparisons ----------------------------------------------------------


def dated(title: str, start: dt.date, end: dt.date | None = None):
    from barometre.data.events import Event

    return Event("e", title, start, end, "Description.", (DEMANDES.id,))


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        (dt.date(2020, 3, 17), dt.date(2020, 5, 11), "du 17 mars au 11 mai 2020"),
        (dt.date(2020, 5, 1), dt.date(2020, 5, 11), "du 1er au 11 mai 2020"),
        (dt.date(2020, 12, 30), dt.date(2021, 1, 3), "du 30 décembre 2020 au 3 janvier 2021"),
    ],
)
def test_format_date_range(first, last, expected):
    assert french.format_date_range(first, last) == expected


def test_the_summary_names_the_events_inside_the_period_shown():
    events = [
        dated("Premier confinement", dt.date(2020, 3, 17), dt.date(2020, 5, 11)),
        dated("Ouverture de THESEE", dt.date(2022, 3, 15)),
        dated("Plus tard", dt.date(2023, 1, 1)),
    ]
    frame = series("mois", "2020-01-01", [100.0] * 36)  # January 2020 to December 2022
    text = plain(chart_summary(DEMANDES, frame, "mois", events))
    assert text.endswith(
        "Événements sur la période : premier confinement (du 17 mars au 11 mai 2020) ; "
        "ouverture de THESEE (15 mars 2022)."
    )
    assert "Événement" not in chart_summary(DEMANDES, frame, "mois", events[2:])


@pytest.mark.parametrize(
    ("indicator", "compared"),
    [(DEMANDES, False), (MINUTES, True)],
    ids=["a partial count is not compared", "a partial average is"],
)
def test_year_ago_leaves_out_partial_counts(indicator, compared):
    shown = monthly({"2026-10": 10.0, "2026-11": 4.0}, days={"2026-11": 12})
    earlier = monthly({"2025-10": 8.0, "2025-11": 9.0})
    overlay = periods.year_ago(shown, earlier, "mois", indicator)
    assert overlay["periode_avant"].dt.strftime("%Y-%m").tolist() == ["2025-10", "2025-11"]
    assert overlay["valeur_avant"].iloc[0] == 8.0
    assert bool(overlay["valeur_avant"].iloc[1] == 9.0) == compared
