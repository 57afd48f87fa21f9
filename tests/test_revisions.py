"""« Révisions » on an indicator's page: the national monthly values as first published, next to
the current ones, for the months a later publication changed; nothing otherwise.

Expected values are summed here from the rows each store was given, never read back from the
site: a month is « first published » by the first publication made after it ended.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
import walk
from html_tree import Element

from barometre.data.catalogue import Catalogue
from barometre.web.app import create_app

NBSP, NNBSP, MINUS = "\u00a0", "\u202f", "\u2212"
DEMANDES = "brigade-numerique-demandes"
COLUMNS = [
    "Mois",
    "Valeur publiée d'abord",
    "Publiée le",
    "Valeur actuelle",
    "Écart",
    "Corrigée le",
    "Motif de la correction",
]


def french(value: float) -> str:
    """A count as the page writes it: « 1 234 demandes » (a narrow no-break space per
    thousand, a no-break space before the unit), « −464 demandes » for a change."""
    digits = f"{abs(round(value)):,}".replace(",", NNBSP)
    sign = MINUS if value < 0 else ""
    return f"{sign}{digits}{NBSP}demandes"


def revisions_table(client, indicator_id: str) -> list[list[str]] | None:
    """The « Révisions » table of an indicator's page (server's copy): heading row, then rows;
    None when the page has no such section."""
    response = client.get(f"/indicateurs/{indicator_id}")
    assert response.status_code == 200
    document = walk.copy_document(response.get_data(as_text=True))
    section = document.find(lambda e: e.tag == "section" and "revisions" in e.classes)
    if section is None:
        assert "Révisions" not in [h.text() for h in document.find_all(lambda e: e.tag == "h2")]
        return None
    assert section.find(lambda e: e.tag == "h2").text() == "Révisions"
    table = section.find(lambda e: e.tag == "table")
    assert table.find(lambda e: e.tag == "caption").text()
    return [
        [cell.text() for cell in row.children if isinstance(cell, Element)]
        for row in table.find_all(lambda e: e.tag == "tr")
    ]


def days(
    month: int, values: dict[int, float], dimension: str = "", member: str = ""
) -> pd.DataFrame:
    """Rows of 2024-``month``-``day`` for each day of ``values``."""
    return pd.DataFrame(
        {
            "indicator": DEMANDES,
            "dimension": dimension,
            "member": member,
            "date": [dt.date(2024, month, day) for day in values],
            "value": list(values.values()),
        }
    )


JANUARY = {day: float(100 + day) for day in range(1, 32)}
FEBRUARY = {day: float(200 + day) for day in range(1, 30)}


@pytest.fixture
def client(settings):
    return lambda: create_app(settings).server.test_client()


@pytest.fixture
def published(empty_store, clock):
    """Publish ``rows`` on ``day`` with ``motive``; returns the publication's number."""

    def publish(day: dt.date, rows: pd.DataFrame, motive: str) -> int:
        clock(day)
        empty_store.stage(rows, kind="ingestion", source=motive)
        return empty_store.publish(motive=motive).number

    return publish


def test_a_corrected_month_shows_its_first_and_current_values(published, client):
    published(dt.date(2024, 2, 3), days(1, JANUARY), "Chiffres de janvier")
    corrected = {15: 1000.0, 20: 7.0}
    motive = "Chiffres de février ; correction des 15 et 20 janvier"
    published(dt.date(2024, 3, 3), pd.concat([days(2, FEBRUARY), days(1, corrected)]), motive)
    rows = revisions_table(client(), DEMANDES)
    first = sum(JANUARY.values())
    now = sum({**JANUARY, **corrected}.values())
    assert rows == [
        COLUMNS,
        [
            "janvier 2024",
            french(first),
            f"3 février 2024 (publication n°{NBSP}1)",
            french(now),
            "+" + french(now - first),  # 1 000 for 115, 7 for 120
            f"3 mars 2024 (publication n°{NBSP}2)",
            motive,
        ],
    ]


def test_a_day_added_after_the_first_publication_revises_its_month(published, client):
    published(dt.date(2024, 2, 3), days(1, {d: v for d, v in JANUARY.items() if d < 31}), "a")
    published(dt.date(2024, 3, 3), pd.concat([days(2, FEBRUARY), days(1, {31: 131.0})]), "b")
    rows = revisions_table(client(), DEMANDES)
    assert [row[:2] + row[3:5] for row in rows[1:]] == [
        [
            "janvier 2024",
            french(sum(JANUARY.values()) - 131),
            french(sum(JANUARY.values())),
            "+" + french(131),
        ]
    ]


@pytest.mark.parametrize(
    "case",
    [
        "corrigé avant la fin du mois",
        "seulement une ventilation corrigée",
        "correction annulée par un retour",
        "aucune correction",
    ],
)
def test_no_revision_is_shown_when_no_first_published_national_value_changed(
    published, client, empty_store, clock, case
):
    """Values published before the month ended were partial; a breakdown's cell is never
    shown here (it could be masked); a value restored is no change; nor is a new month."""
    if case == "corrigé avant la fin du mois":
        published(dt.date(2024, 1, 16), days(1, {d: JANUARY[d] for d in range(1, 16)}), "mi-mois")
        published(dt.date(2024, 1, 20), days(1, {5: 999.0}), "correction du 5")
        published(dt.date(2024, 2, 3), days(1, {d: JANUARY[d] for d in range(16, 32)}), "fin")
    else:
        published(
            dt.date(2024, 2, 3),
            pd.concat([days(1, JANUARY), days(1, {3: 2.0}, "motif", "je-signale")]),
            "janvier",
        )
        later = [days(2, FEBRUARY)]
        if case == "seulement une ventilation corrigée":
            later.append(days(1, {3: 4.0}, "motif", "je-signale"))
        if case == "correction annulée par un retour":
            later.append(days(1, {3: 500.0}))
        published(dt.date(2024, 3, 3), pd.concat(later), "février")
        if case == "correction annulée par un retour":
            clock(dt.date(2024, 3, 4))
            empty_store.roll_back(1, motive="retour")
            published(dt.date(2024, 3, 5), days(2, FEBRUARY), "février de nouveau")
    assert revisions_table(client(), DEMANDES) is None


def held(rows: pd.DataFrame, number: int) -> float:
    """The sum of the values publication ``number`` held: added by then, not yet replaced."""
    public = (rows["added_in"] <= number) & ~(rows["replaced_in"] <= number)
    return float(rows.loc[public, "value"].sum())


def test_the_demo_s_two_corrected_days_are_its_only_revisions(
    demo_settings, demo_store, the_catalogue: Catalogue
):
    """Every indicator of the catalogue: the two the demo corrected show their month, with
    values summed here from the store's rows as each publication held them; no other shows any."""
    site = create_app(demo_settings).server.test_client()
    log = demo_store.publications().set_index("number")
    expected = {}
    for number, row in log[log["rows_corrected"] > 0].iterrows():
        replaced = demo_store._read(
            "SELECT indicator, date FROM observations"
            " WHERE dimension = '' AND member = '' AND replaced_in = ?",
            (number,),
        )
        assert len(replaced) == 1, replaced  # one day of one indicator's national series
        indicator, day = replaced.iloc[0]
        title = demo_store._scalar("SELECT title FROM indicators WHERE id = ?", (indicator,))
        assert f"({title})" in row["motive"]
        month = dt.date.fromisoformat(day).replace(day=1)
        next_month = (month + dt.timedelta(days=31)).replace(day=1).isoformat()
        first = int(log[log["at"] >= next_month].index.min())
        rows = demo_store._read(
            "SELECT value, added_in, replaced_in FROM observations"
            " WHERE indicator = ? AND dimension = '' AND member = '' AND date LIKE ?",
            (indicator, month.isoformat()[:8] + "%"),
        )
        expected[indicator] = (held(rows, first), held(rows, log.index.max()), first, number)
    assert set(expected) == {"brigade-numerique-demandes", "pre-plainte-en-ligne"}
    for indicator in the_catalogue.indicators:
        rows = revisions_table(site, indicator.id)
        if indicator.id not in expected:
            assert rows is None, indicator.id
            continue
        first, now, first_number, correcting = expected[indicator.id]
        assert first != now
        assert len(rows) == 2, rows
        cells = rows[1]
        assert cells[1] == french(first).replace("demandes", indicator.unit)
        assert cells[3] == french(now).replace("demandes", indicator.unit)
        assert cells[2].endswith(f"(publication n°{NBSP}{first_number})")
        assert cells[5].endswith(f"(publication n°{NBSP}{correcting})")
        assert cells[6] == log.loc[correcting, "motive"]
