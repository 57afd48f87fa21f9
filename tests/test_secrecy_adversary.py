"""Two adversaries against statistical secrecy, run on every ``make test``.

1. One who knows the rule (``publish.secrecy.mask_row``), exhaustive on small tables: every
   table of up to 5 members with counts up to twice the threshold, published with its total;
   every table the rule maps to the same publication is a possible truth. Each masked cell must
   keep at least two possible values spread over at least the threshold — or, when the row total
   is too small for that, as wide as masking the whole row would leave it.
2. One with a linear program (scipy's HiGHS) at realistic size: every figure the site publishes
   about a breakdown (the grid by month and year through the API in JSON and CSV, totals over
   every run of months and over periods that are snapped, the data package, and every earlier
   version as frozen embeds read it) becomes a linear constraint, with the national totals, cells
   at least 0, and — stronger than anyone outside can know — a cell whose value did not change
   between two versions is one unknown. Each masked cell is then bounded by two linear programs;
   its interval must be at least the threshold wide (or the row total, when the whole row is).
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import math
import random
from collections import defaultdict

import pandas as pd
import pytest
from cachelib import SimpleCache

from barometre.data.services import Services
from barometre.publish import export, published, secrecy

scipy_optimize = pytest.importorskip("scipy.optimize")

T = 5
SOLVER_SAMPLE = 20  # single-row programs also solved by HiGHS, per breakdown


# -- 1. the adversary who knows the rule ---------------------------------------------------------


def _exhaustive_failures(rule, members_max: int = 5, top: int = 2 * T) -> list:
    """Return (table, position, possible values, spread needed) for every cell too narrow."""
    failures = []
    for size in range(1, members_max + 1):
        groups: dict[tuple, list] = defaultdict(list)
        ideal: dict[tuple, set] = defaultdict(set)
        for values in itertools.product(range(top + 1), repeat=size):
            hidden = rule(values)
            key = tuple(None if i in hidden else v for i, v in enumerate(values))
            groups[(sum(values), key)].append(values)
            if any(1 <= v < T for v in values):
                # What masking the whole row (every table with this total) would leave.
                for i, v in enumerate(values):
                    ideal[(sum(values), i)].add(v)
        for (total, key), tables in groups.items():
            for i, shown in enumerate(key):
                if shown is not None:
                    continue
                possible = {t[i] for t in tables}
                best = ideal[(total, i)]
                need = min(T, max(best) - min(best))
                if len(possible) < min(2, len(best)) or max(possible) - min(possible) < need:
                    failures.append((tables[0], i, sorted(possible), need))
    return failures


def test_knowing_the_rule_recovers_no_masked_cell():
    failures = _exhaustive_failures(lambda values: secrecy.mask_row(values, T))
    assert failures == []


def _smallest_positive_rule(values) -> frozenset:
    """The former rule (barometre/secrecy.py before the published layer), for the record."""
    hidden = {i for i, v in enumerate(values) if 1 <= v < T}
    if len(hidden) == 1:
        rest = [(v, i) for i, v in enumerate(values) if i not in hidden]
        positive = [pair for pair in rest if pair[0] > 0] or rest
        if positive:
            hidden.add(min(positive)[1])
    return frozenset(hidden)


def test_the_former_rule_fails_the_same_adversary():
    # The example: Lozère 4 and Cantal 5 masked, their sum 9 from the national total,
    # and a shown 5 after Cantal: the smallest-positive choice leaves Lozère 4 or 5, no more.
    failures = _exhaustive_failures(_smallest_positive_rule, members_max=3)
    assert ((4, 5, 5), 0, [4, 5], T) in failures
    # two small counts « protecting each other »: their sum (2) is known, both are given back
    assert ((0, 1, 1), 1, [1], 2) in failures
    assert secrecy.mask_row((4, 5, 5), T) == {0, 1, 2}  # now: no count reaches 9, all masked


# -- 2. the adversary with a linear program -------------------------------------------------------

HARD = "pre-plainte-en-ligne"
MONTHS = [dt.date(2024, m, 1) for m in range(1, 7)]
# Cells just under and over the threshold and the secondary floor, a member non-zero in one
# month only, and the two-member « type-personne » breakdown.
NEAR = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 20, 60]


def _hard_rows(seed: int) -> list[tuple]:
    rng = random.Random(seed)
    codes = ["01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "2A", "2B", "48", "15"]
    rows = []
    for month in MONTHS:
        day = month.isoformat()
        cells = {code: rng.choice(NEAR) for code in codes}
        cells["48"] = 3 if month == MONTHS[2] else 0  # one non-zero month
        if month == MONTHS[4]:  # one small count alone, protected by 02 (12)
            cells = {code: 0 for code in codes} | {"01": 3, "02": 12, "03": 20, "04": 60}
        for code, value in cells.items():
            rows.append((HARD, "departement", code, day, float(value)))
        moral = rng.choice([1, 2, 3, 4, 6, 9, 12])
        physical = rng.choice([3, 5, 8, 10, 40])
        rows.append((HARD, "type-personne", "personne-morale", day, float(moral)))
        rows.append((HARD, "type-personne", "personne-physique", day, float(physical)))
        rows.append((HARD, "", "", day, float(sum(cells.values()))))
    return rows


def _frame(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["indicator", "dimension", "member", "date", "value"])


def _revise(rows, changes: dict) -> list[tuple]:
    """Return rows with some cells changed (a late file or a correction), totals kept exact."""
    revised = []
    for indicator, dimension, member, day, value in rows:
        revised.append(
            (indicator, dimension, member, day, changes.get((dimension, member, day), value))
        )
    # A key not there before is a late row: a département missing from the first file.
    known = {(d, m, day) for _, d, m, day, _ in rows}
    for (dimension, member, day), value in changes.items():
        if (dimension, member, day) not in known:
            revised.append((HARD, dimension, member, day, value))
            if ("", "", day) not in known:
                known.add(("", "", day))
                revised.append((HARD, "", "", day, 0.0))
    totals = defaultdict(float)
    for _, dimension, _, day, value in revised:
        if dimension == "departement":
            totals[day] += value
    return [(i, d, m, day, totals[day] if d == "" else v) for i, d, m, day, v in revised]


@pytest.fixture
def hard_services(settings, empty_store, the_catalogue, monkeypatch):
    """A store with four versions of the hard data set (three corrections of closed months)."""
    # The update log stamps each update with its clock: the versions get the dates they had.
    from barometre.data.store import updates as update_log

    rows = _hard_rows(16)
    march, april = MONTHS[2].isoformat(), MONTHS[3].isoformat()
    masks = {
        # a masked small count corrected, a shown count corrected into the small ones, a zero
        # that becomes small, and the two-member breakdown corrected
        ("departement", "48", march): 5.0,
        ("departement", "01", march): 2.0,
        ("departement", "05", march): 4.0,
        # late reports on both members of the two-member breakdown
        ("type-personne", "personne-morale", march): 2.0,
        ("type-personne", "personne-physique", march): 47.0,
    }
    later = {("departement", "2A", april): 1.0, ("departement", "03", april): 9.0}
    # May's small count grows out of secrecy with late reports, nothing else changes: 02,
    # unchanged, must stay masked, or May's first version gives 01 back.
    # It grows by a late row on another day of the month (a back-fill, no value replaced),
    # and June, published whole, gets late reports from a département absent until then.
    mid_may, june = MONTHS[4].replace(day=15).isoformat(), MONTHS[5].isoformat()
    grown = {
        ("departement", "01", mid_may): 4.0,
        ("type-personne", "personne-physique", mid_may): 4.0,
        ("departement", "19", june): 2.0,
        ("departement", "2B", june): 4.0,
        ("departement", "10", june): 3.0,
    }
    second = _revise(rows, masks)
    third = _revise(second, later)
    versions = [rows, second, third, _revise(third, grown)]
    stamps = ("2024-07-20", "2024-08-20", "2024-09-20", "2024-10-20")
    for when, content in zip(stamps, versions, strict=True):
        monkeypatch.setattr(update_log, "_now", lambda when=when: f"{when}T10:00:00+00:00")
        empty_store.apply(_frame(content), kind="ingestion", source=f"version {when}")
    services = Services(settings, the_catalogue, empty_store, SimpleCache(threshold=100_000))
    days = [dt.date.fromisoformat(day) for day in stamps]
    return services, days


class Adversary:
    """Linear constraints on the masked cells of one breakdown, over all versions."""

    def __init__(self, truth: dict, masks: dict):
        # truth[(version, month, member)] = value; masks[(version, month)] = masked members
        self.truth, self.masks = truth, masks
        self.variable: dict[tuple, int] = {}
        self.links: list[tuple[int, int]] = []
        self.equations: list[tuple[dict, float]] = []
        versions = sorted({k[0] for k in masks})
        for (version, month), members in sorted(masks.items()):
            for member in members:
                self.variable[(version, month, member)] = len(self.variable)
        for before, after in itertools.pairwise(versions):
            for month in {m for v, m in masks if v in (before, after)}:
                for member in set(masks.get((before, month), ())) | set(
                    masks.get((after, month), ())
                ):
                    self._link(before, after, month, member)

    def _link(self, before, after, month, member) -> None:
        """Tie a cell across two versions when its value did not change (known to no one
        outside, assumed here): one unknown, or a known value if one version shows it."""
        old = self.truth.get((before, month, member), 0.0)
        if old != self.truth.get((after, month, member), 0.0):
            return
        first = self.variable.get((before, month, member))
        second = self.variable.get((after, month, member))
        if first is not None and second is not None:
            self.links.append((first, second))
        elif first is None and (before, month) in self.masks:  # shown before
            self.equations.append(({second: 1.0}, old))
        elif second is None and (after, month) in self.masks:  # shown after
            self.equations.append(({first: 1.0}, old))

    def add(self, version, months, members, value: float) -> None:
        """Add « the sum of these cells of ``version`` is ``value`` » (published figure)."""
        wanted = set(members)
        if all(self.masks.get((version, m), frozenset()) <= wanted for m in months):
            # Whole masked rows only: the sum of the rows' own totals, which are constraints
            # already; checked, then left out so that months stay separate small programs.
            truth = sum(self.truth.get((version, m, c), 0.0) for m in months for c in wanted)
            assert value == pytest.approx(truth), (version, months, members)
            if any(self.masks.get((version, m)) for m in months) and len(months) > 1:
                return
        coefficients: dict[int, float] = defaultdict(float)
        constant = 0.0
        for month in months:
            hidden = self.masks.get((version, month), frozenset())
            for member in members:
                if member in hidden:
                    coefficients[self.variable[(version, month, member)]] += 1.0
                else:
                    constant += self.truth.get((version, month, member), 0.0)
        if not coefficients:
            assert value == pytest.approx(constant), (version, months, members)
            return
        self.equations.append((dict(coefficients), value - constant))

    def intervals(self) -> dict[tuple, tuple[float, float]]:
        """Return the narrowest interval of every masked cell, one component at a time."""
        parent = list(range(len(self.variable)))

        def find(i):
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        for a, b in self.links:
            parent[find(a)] = find(b)
        for coefficients, _ in self.equations:
            first, *rest = coefficients
            for other in rest:
                parent[find(other)] = find(first)
        components = defaultdict(list)
        for index in range(len(self.variable)):
            components[find(index)].append(index)
        equations_of, links_of = defaultdict(list), defaultdict(list)
        for coefficients, value in self.equations:
            equations_of[find(next(iter(coefficients)))].append((coefficients, value))
        for a, b in self.links:
            links_of[find(a)].append((a, b))
        names = {index: key for key, index in self.variable.items()}
        result = {}
        checked = 0
        for root, indices in components.items():
            equations, links = equations_of[root], links_of[root]
            single = len(equations) == 1 and not links
            if single and len(indices) >= 2 and all(c == 1.0 for c in equations[0][0].values()):
                # One row, « these cells add up to R », cells at least 0: each lies in [0, R],
                # the linear program's own answer, checked by HiGHS on a sample.
                value = equations[0][1]
                for index in indices:
                    result[names[index]] = (0.0, value)
                if checked < SOLVER_SAMPLE:
                    assert self._solve(indices, equations, links) == {
                        names[i]: pytest.approx((0.0, value), abs=1e-6) for i in indices
                    }
                    checked += 1
                continue
            for index, bounds in self._solve(indices, equations, links).items():
                result[index] = bounds
        return result

    def _solve(self, indices, equations, links) -> dict:
        """Return the bounds of every variable of one component from two linear programs each."""
        names = {index: key for key, index in self.variable.items()}
        local = {index: n for n, index in enumerate(indices)}
        rows, rhs = [], []
        for coefficients, value in equations:
            row = [0.0] * len(indices)
            for index, c in coefficients.items():
                row[local[index]] = c
            rows.append(row)
            rhs.append(value)
        for a, b in links:
            row = [0.0] * len(indices)
            row[local[a]], row[local[b]] = 1.0, -1.0
            rows.append(row)
            rhs.append(0.0)
        result = {}
        for index in indices:
            bounds = []
            for sign in (1.0, -1.0):
                objective = [0.0] * len(indices)
                objective[local[index]] = sign
                answer = scipy_optimize.linprog(
                    objective,
                    A_eq=rows or None,
                    b_eq=rhs or None,
                    bounds=(0, None),
                    method="highs",
                )
                assert answer.status in (0, 3), answer.message
                bounds.append(math.inf if answer.status == 3 else sign * answer.fun)
            result[names[index]] = (bounds[0], bounds[1])
        return result


def every_run(count: int):
    """Every run of consecutive months (i, j), first and last included."""
    return itertools.combinations_with_replacement(range(count), 2)


def some_runs(count: int):
    """Every single month, every run of twelve, the whole history, and random runs."""
    rng = random.Random(count)
    chosen = {(i, i) for i in range(count)} | {(0, count - 1)}
    chosen |= {(i, min(i + 11, count - 1)) for i in range(0, count, 12)}
    chosen |= {tuple(sorted(rng.sample(range(count), 2))) for _ in range(20)}
    return sorted(chosen)


def _collect(services, indicator, dimension, days, runs=every_run) -> Adversary:
    """Read every published figure of a breakdown in every version; return the adversary."""
    store, catalogue = services.store, services.catalogue
    codes = list(catalogue.breakdowns[dimension].codes)
    truth, masks, readers = {}, {}, {}
    for version in days:
        grid = published.grid(services, indicator, dimension, as_of=version)
        last_day = store.publication_day(version)
        cells = store.series(
            indicator, dt.date(2000, 1, 1), last_day, "mois", dimension, as_of=version
        )
        for row in cells.itertuples():
            truth[(version, row.periode.date(), row.membre)] = float(row.valeur)
        for month, part in grid.groupby("periode"):
            masks[(version, month.date())] = frozenset(part.loc[part["masque"], "membre"])
        readers[version] = grid
    adversary = Adversary(truth, masks)
    for version in days:
        months = sorted({m for v, m in masks if v == version})
        for month in months:
            total = sum(truth.get((version, month, c), 0.0) for c in codes)
            adversary.add(version, [month], codes, total)  # exact national totals
        # runs of consecutive months: each member's total and the « non diffusé » figure
        for i, j in runs(len(months)):
            start, end = months[i], _month_end(months[j])
            frame = published.breakdown(services, indicator, dimension, start, end, as_of=version)
            _add_breakdown(adversary, version, months[i : j + 1], frame, codes)
        for granularity in ("mois", "annee"):
            frame = published.series(
                services,
                indicator,
                dimension,
                months[0],
                _month_end(months[-1]),
                granularity,
                as_of=version,
            )
            spans = defaultdict(list)
            for month in months:
                spans[month if granularity == "mois" else month.replace(month=1)].append(month)
            for row in frame[~frame["masque"]].itertuples():
                adversary.add(version, spans[row.periode.date()], [row.membre], row.valeur)
    return adversary


def _month_end(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def _add_breakdown(adversary, version, months, frame, codes) -> None:
    shown = frame[~frame["masque"]]
    for row in shown.itertuples():
        adversary.add(version, months, [row.membre], row.valeur)
    # « Non diffusé »: the exact total minus the members shown, i.e. the sum of the others.
    rest = frame.attrs[published.TOTAL_ATTR] - float(shown["valeur"].sum())
    undisclosed = frame.attrs[published.UNDISCLOSED_ATTR]
    if undisclosed["membres"]:
        assert undisclosed["valeur"] == pytest.approx(rest)
    visible = set(shown["membre"])
    hidden = [c for c in codes if c not in visible]
    adversary.add(version, months, hidden, rest)


def _shown_before(adversary: Adversary, version, month, member) -> bool:
    value = adversary.truth.get((version, month, member), 0.0)
    return any(
        earlier < version
        and member not in hidden
        and adversary.truth.get((earlier, month, member), 0.0) == value
        for (earlier, shown_month), hidden in adversary.masks.items()
        if shown_month == month
    )


def _too_narrow(adversary: Adversary, members: int) -> list:
    """Return the masked cells whose interval is narrower than the threshold (or than the row
    total, when the whole row of ``members`` members is masked).

    A cell an earlier version showed, with the same value, is no secret: masking it later
    (as a secondary cell of a revised month) hides nothing, and it is left out.
    """
    totals: dict[tuple, float] = defaultdict(float)
    for (version, month, _), value in adversary.truth.items():
        totals[(version, month)] += value
    narrow = []
    for (version, month, member), (low, high) in adversary.intervals().items():
        if _shown_before(adversary, version, month, member):
            continue
        low, high = math.ceil(low - 1e-6), math.floor(high + 1e-6)  # counts are integers
        whole = len(adversary.masks[(version, month)]) >= members
        need = min(T, totals[(version, month)]) if whole else T
        if high - low < need:
            value = adversary.truth.get((version, month, member))
            narrow.append((version, month, member, value, low, high))
    return narrow


@pytest.mark.parametrize("dimension", ["departement", "type-personne"])
def test_a_linear_program_over_every_version_narrows_no_masked_cell(hard_services, dimension):
    services, days = hard_services
    indicator = services.catalogue.indicator(HARD)
    adversary = _collect(services, indicator, dimension, days)
    assert adversary.variable, "the hard data set must have masked cells"
    assert _too_narrow(adversary, len(services.catalogue.breakdowns[dimension].codes)) == []


def _demo_breakdowns():
    from barometre.data import catalogue

    loaded = catalogue.load()
    return [
        (indicator.id, dimension)
        for indicator in loaded.indicators
        if secrecy.is_additive(indicator)
        for dimension in indicator.breakdowns
    ]


@pytest.mark.parametrize(("indicator_id", "dimension"), _demo_breakdowns())
def test_a_linear_program_narrows_no_masked_cell_of_the_demo_data(
    demo_store, demo_settings, the_catalogue, indicator_id, dimension
):
    """Over every state the demo's publications gave: the current one, and before and after
    each revision (the states between are the current one's months, fewer)."""
    services = Services(demo_settings, the_catalogue, demo_store, SimpleCache(threshold=100_000))
    indicator = the_catalogue.indicator(indicator_id)
    versions = {demo_store.last_publication()}
    for number, _ in demo_store.revisions(indicator_id, dimension):
        versions |= {number - 1, number}
    adversary = _collect(services, indicator, dimension, sorted(versions), some_runs)
    assert _too_narrow(adversary, len(services.catalogue.breakdowns[dimension].codes)) == []


@pytest.mark.parametrize("dimension", ["departement", "type-personne"])
def test_every_way_out_publishes_the_figures_the_adversary_read(
    hard_services, settings, dimension, tmp_path
):
    """The API (JSON and CSV), its periods snapped or not, and the data package give exactly
    the published layer's figures: the linear programs above read everything there is."""
    from barometre.web.app import create_app

    services, _ = hard_services
    indicator = services.catalogue.indicator(HARD)
    client = create_app(settings).server.test_client()
    api = f"/api/v1/indicateurs/{HARD}"
    months = MONTHS
    periods = [(m, _month_end(n)) for m, n in itertools.combinations_with_replacement(months, 2)]
    periods += [
        (dt.date(2024, 1, 15), dt.date(2024, 3, 3)),
        (dt.date(2024, 2, 29), dt.date(2024, 2, 29)),
    ]
    for start, end in periods:
        expected = published.breakdown(services, indicator, dimension, start, end)
        query = f"debut={start.isoformat()}&fin={end.isoformat()}"
        body = client.get(f"{api}/ventilations/{dimension}?{query}").get_json()
        assert body["debut"] == expected.attrs[published.PERIOD_ATTR][0].isoformat()
        got = {r["membre"]: r["valeur"] for r in body["repartition"]}
        assert got == {r.membre: (None if r.masque else r.valeur) for r in expected.itertuples()}
        text = client.get(f"{api}/ventilations/{dimension}.csv?{query}").get_data(as_text=True)
        csv = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
        assert set(csv.loc[csv["masque"] == "true", "valeur"]) <= {"n.d."}
        assert set(csv.loc[csv["masque"] == "true", "membre"]) == set(
            expected.loc[expected["masque"], "membre"]
        )
    for granularity in ("mois", "annee"):
        expected = published.series(
            services, indicator, dimension, months[0], _month_end(months[-1]), granularity
        )
        query = f"debut=2024-01-01&fin=2024-06-30&granularite={granularity}"
        rows = client.get(f"{api}/observations?{query}&ventilation={dimension}").get_json()
        got = {(r["date"], r["membre"]): r["valeur"] for r in rows["observations"]}
        assert got == {
            (r.periode.date().isoformat(), r.membre): (None if r.masque else r.valeur)
            for r in expected.itertuples()
        }
    export.write_package(services, tmp_path)
    package = pd.read_csv(
        tmp_path / f"donnees/{HARD}--{dimension}.csv", dtype=str, keep_default_na=False
    )
    grid = published.grid(services, indicator, dimension)
    assert set(
        zip(
            package.loc[package["masque"] == "true", "date"],
            package.loc[package["masque"] == "true", "membre"],
            strict=True,
        )
    ) == {(r.periode.date().isoformat(), r.membre) for r in grid[grid["masque"]].itertuples()}


RULE = secrecy.mask_row


@pytest.mark.parametrize(
    "weaker",
    [
        # small counts masked alone: the row total gives them back
        lambda values, threshold, forced=frozenset(): frozenset(
            i for i, v in enumerate(values) if 1 <= v < threshold
        ),
        # the rule without sticky masks: a revised month forgets what it masked before
        lambda values, threshold, forced=frozenset(): RULE(values, threshold),
    ],
    ids=["primary-only", "no-sticky-masks"],
)
def test_the_linear_program_catches_a_weaker_rule(hard_services, monkeypatch, weaker):
    # Without this, the adversary above could be one that never finds anything.
    services, days = hard_services
    monkeypatch.setattr(secrecy, "mask_row", weaker)
    indicator = services.catalogue.indicator(HARD)
    codes = len(services.catalogue.breakdowns["departement"].codes)
    adversary = _collect(services, indicator, "departement", days)
    assert _too_narrow(adversary, codes) != []
