"""A revision that two publications' totals would give away (``review.disclosure``): found by the
review, and no publication makes it without the operator's explicit « --malgre-secret ».

The rule, in-process over every breakdown of every count of the demo: September 2026 published
closed on 3 October, then a late file. The commands, as an operator runs them, on SQLite and on a
real PostgreSQL server.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from scipy.optimize import linprog

from barometre.cli import main
from barometre.data import catalogue as catalogue_module
from barometre.data.store import Store
from barometre.publish import secrecy
from barometre.review import anomalies, disclosure
from barometre.review.tables import Tables

CATALOGUE = catalogue_module.load()
COUNTED = [(i, b) for i in CATALOGUE.indicators if secrecy.applies_to(i) for b in i.breakdowns]
SEPTEMBER, OCTOBER = pd.Timestamp("2026-09-01"), pd.Timestamp("2026-10-01")
PUBLISHED_ON = dt.date(2026, 10, 3)  # September is closed and published
THRESHOLD = 5
KEY = ["dimension", "member", "date"]
NBSP = "\u00a0"


@pytest.fixture(scope="module")
def september(demo_store) -> pd.DataFrame:
    """The demo's September 2026, every indicator (the store the run builds once)."""
    frame = pd.concat(
        demo_store.observation_rows(i.id, "2026-09-01", "2026-09-30").assign(indicator=i.id)
        for i in CATALOGUE.indicators
    )
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def named(value) -> str:
    return getattr(value, "id", value)


def month_row(rows: pd.DataFrame, breakdown: str) -> pd.Series:
    cells = rows[rows["dimension"] == breakdown].groupby("member")["value"].sum()
    return cells.reindex(list(CATALOGUE.breakdowns[breakdown].codes), fill_value=0.0)


def findings(september, indicator, breakdown, late, public_too=None, published_on=PUBLISHED_ON):
    """Return the rule's findings on a draft of ``late`` rows {member: (day, value)} of September.

    The public state is the demo's September without those members (``public_too``: their
    values there, if any).
    """
    rows = september[september["indicator"] == indicator.id].drop(columns="indicator")
    public = rows[~((rows["dimension"] == breakdown) & rows["member"].isin(list(late)))]
    for member, (day, value) in (public_too or {}).items():
        public = pd.concat([public, one_row(breakdown, member, day, value)])
    draft = pd.concat(
        [one_row(breakdown, member, day, value) for member, (day, value) in late.items()]
    )
    old = public.set_index(KEY)["value"].rename("old")
    changed = draft.join(old, on=KEY).rename(columns={"value": "new"})[[*KEY, "old", "new"]]
    built = Tables.build(indicator, public, draft, changed)
    return check(built, breakdown, published_on, {breakdown: built})


def check(built, breakdown, published_on, counts):
    last_public = {breakdown: dt.date(2026, 9, 30)}
    return disclosure.check(
        built, CATALOGUE.breakdowns, THRESHOLD, published_on, last_public, counts
    )


def one_row(breakdown: str, member: str, day: int, value: float) -> pd.DataFrame:
    date = pd.Timestamp(2026, 9, day)
    return pd.DataFrame(
        {"dimension": [breakdown], "member": [member], "date": [date], "value": [float(value)]}
    ).assign(weight=1.0)


def smallest(september, indicator, breakdown, rank: int = 0) -> str:
    """Return the member with the ``rank``-th smallest non-zero September: a plausible late one."""
    values = month_row(september[september["indicator"] == indicator.id], breakdown)
    return values[values > 0].sort_values(kind="stable").index[rank]


@pytest.mark.parametrize(("indicator", "breakdown"), COUNTED, ids=named)
def test_a_lone_late_small_count_is_found_in_every_breakdown(september, indicator, breakdown):
    """Absent (0, shown) from the first file, 2 in the late one: masked then, and the national
    total up by 2 — the only masked cell of the month to change."""
    member = smallest(september, indicator, breakdown)
    (found,) = findings(september, indicator, breakdown, {member: (15, 2)})
    assert (found.rule, found.dimension, found.member) == ("secret", breakdown, member)
    assert (found.start, found.end) == (dt.date(2026, 9, 1), dt.date(2026, 9, 30))
    assert (found.value, found.usual) == (2.0, (0.0, 0.0))
    label = CATALOGUE.breakdowns[breakdown].label(member)
    assert found.message.startswith("Secret statistique par différence — ")
    assert label in found.message and "septembre 2026, mois déjà publié clos" in found.message
    assert "(affiché) → 2" in found.message


@pytest.mark.parametrize(("indicator", "breakdown"), COUNTED, ids=named)
def test_what_a_revision_cannot_give_away_is_not_found(september, indicator, breakdown):
    first, second = (smallest(september, indicator, breakdown, rank) for rank in (0, 1))
    # Two masked cells changed: the totals give their sum only, here no narrower than the
    # threshold.
    assert findings(september, indicator, breakdown, {first: (15, 2), second: (16, 3)}) == []
    # A late count shown as it is: nothing masked changed.
    assert findings(september, indicator, breakdown, {first: (15, 50)}) == []
    # A month not yet published closed: the draft publishes its breakdown for the first time.
    assert (
        findings(september, indicator, breakdown, {first: (15, 2)}, None, dt.date(2026, 9, 20))
        == []
    )


@pytest.mark.parametrize(("indicator", "breakdown"), COUNTED, ids=named)
def test_late_small_counts_whose_sum_is_under_the_threshold_are_found(
    september, indicator, breakdown
):
    """Two members absent from the first file, 2 and 2 in the late one: the totals give their
    sum, 4, and so bound each of them by 4."""
    first, second = (smallest(september, indicator, breakdown, rank) for rank in (0, 1))
    found = findings(september, indicator, breakdown, {first: (15, 2), second: (16, 2)})
    assert sorted(f.member for f in found) == sorted([first, second])
    assert all("leur somme (4" in f.message for f in found)


@pytest.mark.parametrize(("indicator", "breakdown"), COUNTED[:1], ids=named)
def test_a_masked_cell_corrected_alone_is_found_with_its_old_value(september, indicator, breakdown):
    member = smallest(september, indicator, breakdown)
    (found,) = findings(september, indicator, breakdown, {member: (15, 4)}, {member: (15, 3)})
    assert found.usual == (3.0, 3.0) and found.value == 4.0
    assert "(masqué) → 4" in found.message


AMOUNTS = [
    (i, b, secrecy.companion(CATALOGUE, i, b))
    for i in CATALOGUE.indicators
    for b in i.breakdowns
    if secrecy.companion(CATALOGUE, i, b) is not None
]


@pytest.mark.parametrize(("amount", "breakdown", "count"), AMOUNTS, ids=named)
def test_an_amount_corrected_alone_where_its_count_is_masked_is_found(
    september, amount, breakdown, count
):
    """An amount is masked where its count is: 2 frauds of the month, their sum corrected from
    300 to 450 €, and the national amount up by 150 €."""
    member = smallest(september, count, breakdown)
    counted = september[september["indicator"] == count.id].drop(columns="indicator")
    counted = pd.concat(
        [
            counted[~((counted["dimension"] == breakdown) & (counted["member"] == member))],
            one_row(breakdown, member, 15, 2),
        ]
    )
    masks = Tables.build(count, counted, counted.iloc[:0], counted.iloc[:0][KEY])
    rows = september[september["indicator"] == amount.id].drop(columns="indicator")
    public = pd.concat(
        [
            rows[~((rows["dimension"] == breakdown) & (rows["member"] == member))],
            one_row(breakdown, member, 15, 300),
        ]
    )
    draft = one_row(breakdown, member, 15, 450)
    changed = draft.assign(old=300.0, new=450.0)[[*KEY, "old", "new"]]
    built = Tables.build(amount, public, draft, changed)
    (found,) = check(built, breakdown, PUBLISHED_ON, {breakdown: masks})
    assert (found.indicator, found.member, found.usual, found.value) == (
        amount.id,
        member,
        (300.0, 300.0),
        450.0,
    )
    # Where its count is shown, an amount is shown: its correction gives nothing away.
    assert check(built, breakdown, PUBLISHED_ON, {breakdown: built}) == []


# -- the rule against an adversary --------------------------------------------------------------


def narrowed(before, after, hidden_before, hidden_after) -> list[int]:
    """Return the cells masked after a revision that a linear program over the two publications
    bounds more narrowly than the threshold (or the row's total, when smaller).

    Its unknowns are every cell of both versions, at least 0; its constraints are what the two
    publications show (cells shown, totals) and, stronger than anyone outside can know, a cell
    not changed by the revision is one unknown. A cell shown before with the same value is no
    secret, and is left out.
    """
    size = len(before)
    rows, values = [], []

    def equal(coefficients: dict[int, float], value: float) -> None:
        row = [0.0] * (2 * size)
        for position, coefficient in coefficients.items():
            row[position] = coefficient
        rows.append(row)
        values.append(value)

    equal(dict.fromkeys(range(size), 1.0), sum(before))
    equal(dict.fromkeys(range(size, 2 * size), 1.0), sum(after))
    for i in range(size):
        if i not in hidden_before:
            equal({i: 1.0}, before[i])
        if i not in hidden_after:
            equal({size + i: 1.0}, after[i])
        if before[i] == after[i]:
            equal({i: 1.0, size + i: -1.0}, 0.0)
    found = []
    for i in sorted(hidden_after):
        if i not in hidden_before and before[i] == after[i]:
            continue
        ends = []
        for sign in (1.0, -1.0):
            objective = [0.0] * (2 * size)
            objective[size + i] = sign
            result = linprog(objective, A_eq=rows, b_eq=values, method="highs")
            ends.append(sign * result.fun)
        if ends[1] - ends[0] < min(THRESHOLD, sum(after)) - 1e-9:
            found.append(i)
    return found


def test_every_revision_a_linear_program_narrows_is_found_by_the_rule():
    """Random revisions of a month (late members, corrections up and down, one to three cells of
    three to seven): whenever a linear program over the two publications narrows a masked cell,
    the rule finds the month. Rows whose total is under the threshold are the documented limit
    (docs/ingestion.md): one publication alone already bounds their cells by that total."""
    chance = random.Random(2026)
    narrowed_and_found = 0
    for _ in range(1500):
        size = chance.randint(3, 7)
        before = [
            float(chance.choice([0, 0, 1, 2, 3, 4, 6, 9, 12, 20, 35, 60])) for _ in range(size)
        ]
        after = list(before)
        for i in chance.sample(range(size), chance.randint(1, 3)):
            after[i] = max(0.0, after[i] + chance.choice([-3, -2, -1, 1, 2, 3, 5, 10]))
        if after == before or min(sum(before), sum(after)) < THRESHOLD:
            continue
        hidden_before = secrecy.mask_row(before, THRESHOLD)
        hidden_after = secrecy.mask_row(after, THRESHOLD, hidden_before)
        found = disclosure.revealed(before, after, hidden_before, hidden_after, THRESHOLD)
        cells = narrowed(before, after, hidden_before, hidden_after)
        assert not cells or found, (before, after, cells)
        narrowed_and_found += bool(cells)
    assert narrowed_and_found > 50  # the adversary had something to find


def test_the_rule_is_named_in_the_reviews_rules():
    assert anomalies.RULES[disclosure.RULE] == "Secret statistique par différence"


# -- the commands ----------------------------------------------------------------------------------

INDICATOR = "pre-plainte-en-ligne"


@pytest.fixture
def published(store_url, the_catalogue, clock, tmp_path):
    """September 2026 of pré-plaintes, published on 3 October: Ain 60 and Aisne 40 a day, no
    Lozère; national 100 a day."""
    clock(PUBLISHED_ON)
    store = Store(store_url)
    store.init_schema()
    store.sync_catalogue(the_catalogue)
    days = pd.date_range(SEPTEMBER, "2026-09-30", freq="D")
    rows = pd.concat(
        pd.DataFrame(
            {"indicator": INDICATOR, "dimension": d, "member": m, "date": days, "value": v}
        )
        for d, m, v in (("", "", 100.0), ("departement", "01", 60.0), ("departement", "02", 40.0))
    )
    store.apply(rows, kind="ingestion", source="septembre")
    clock(dt.date(2026, 11, 3))
    yield store, tmp_path
    store.close()


def late_file(path: Path, lozere: int = 2) -> Path:
    """15 September sent again, with Lozère's pré-plaintes that the first file missed."""
    path.write_text(
        "indicateur,date,ventilation,membre,valeur\n"
        f"{INDICATOR},2026-09-15,,,{100 + lozere}\n"
        f"{INDICATOR},2026-09-15,departement,01,60\n"
        f"{INDICATOR},2026-09-15,departement,02,40\n"
        f"{INDICATOR},2026-09-15,departement,48,{lozere}\n",
        encoding="utf-8",
    )
    return path


def run(url: str, data_dir: Path, *args: str):
    env = {"BAROMETRE_DATA_DIR": str(data_dir), "BAROMETRE_DATABASE_URL": url, "LOGNAME": "alice"}
    return CliRunner().invoke(main, list(args), env=env)


def test_no_command_publishes_a_revision_the_totals_give_away(published, store_url):
    store, tmp_path = published
    data = tmp_path / "donnees"
    late = late_file(tmp_path / "tardif.csv")

    at_once = run(store_url, data, "ingest", "--publier", str(late))
    assert at_once.exit_code == 1, at_once.output
    assert "tardif.csv : chargé dans le brouillon, NON PUBLIÉ" in at_once.output
    assert "Secret statistique par différence — " in at_once.output
    assert "département «" in at_once.output and "Lozère" in at_once.output
    assert store.last_publication() == 1 and store.draft_size() == 2  # kept, not lost

    report = tmp_path / "revue.html"
    reviewed = run(store_url, data, "revue", "--html", str(report))
    assert reviewed.exit_code == 0, reviewed.output
    assert "Secret statistique par différence" in reviewed.output
    assert f"Secret statistique par différence{NBSP}: département" in report.read_text("utf-8")

    refused = run(store_url, data, "publier", "--motif", "Lozère en retard")
    assert refused.exit_code == 1, refused.output
    assert "secret statistique" in refused.output and "--malgre-secret" in refused.output
    assert "barometre abandon" in refused.output
    assert store.last_publication() == 1 and store.draft_size() == 2

    forced = run(store_url, data, "publier", "--malgre-secret", "--motif", "Lozère en retard")
    assert forced.exit_code == 0, forced.output
    assert store.last_publication() == 2 and store.draft_size() == 0
    assert store.publications(limit=1).iloc[0]["flags"] == 1


def test_the_drop_folder_keeps_such_a_file_in_the_draft_and_says_so(published, store_url):
    store, tmp_path = published
    drop = tmp_path / "depot"
    drop.mkdir()
    late_file(drop / "tardif.csv")
    result = run(store_url, tmp_path / "donnees", "ingest", "--dossier", str(drop))
    assert result.exit_code == 1, result.output  # cron mails a failing job's output
    assert "tardif.csv : chargé dans le brouillon, NON PUBLIÉ" in result.output
    assert store.last_publication() == 1 and store.draft_size() == 2
    assert (drop / "traités" / "tardif.csv").exists()  # in the draft: not to be loaded again


def test_a_late_file_that_gives_nothing_away_is_published_at_once(published, store_url):
    store, tmp_path = published
    late = late_file(tmp_path / "tardif.csv", lozere=30)
    done = run(store_url, tmp_path / "donnees", "ingest", "--publier", str(late))
    assert done.exit_code == 0, done.output
    assert "chargé et publié" in done.output and "NON PUBLIÉ" not in done.output
    assert store.last_publication() == 2 and store.draft_size() == 0
