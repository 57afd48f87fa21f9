"""The département map: geometry, ranking, classes, accessible names, SVG, and the page's block."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import math
import re
import xml.etree.ElementTree as ET

import pandas as pd
import pytest
from factories import make_indicator

from barometre.charts import french, maps
from barometre.publish import published, secrecy, validation

NNBSP = "\u202f"
SPAN = "du 1er janvier 2025 au 31 décembre 2025"


@pytest.fixture(scope="module")
def departements(the_catalogue):
    return the_catalogue.breakdowns["departement"]


def totals(values: dict, threshold: int | None = None) -> pd.DataFrame:
    frame = pd.DataFrame({"membre": list(values), "valeur": [float(v) for v in values.values()]})
    if not threshold:
        return frame
    # Masked as the published layer masks one closed month (publish.secrecy.mask_row).
    hidden = secrecy.mask_row(frame["valeur"].tolist(), threshold)
    frame["masque"] = [i in hidden for i in range(len(frame))]
    frame.attrs[published.TOTAL_ATTR] = float(frame["valeur"].sum())
    frame.loc[frame["masque"], "valeur"] = math.nan
    return frame


# -- geometry ------------------------------------------------------------------------------------


def test_the_geometry_has_one_path_per_departement_of_the_catalogue(departements):
    shape = maps.geometry()
    assert sorted(shape.paths) == sorted(departements.codes)
    assert len(shape.paths) == 101
    for code, d in shape.paths.items():
        assert re.fullmatch(r"M[-\d ]+l[-\d ]+z(m[-\d ]+l[-\d ]+z)*", d), code
    assert [inset["code"] for inset in shape.insets] == ["971", "972", "973", "974", "976"]


def test_the_shipped_geometry_stays_small():
    raw = json.dumps(
        {"chemins": maps.geometry().paths}, ensure_ascii=False, separators=(",", ":")
    ).encode()
    assert len(raw) < 40_000
    assert len(gzip.compress(raw)) < 15_000


# -- ranking, classes, names ---------------------------------------------------------------------


def test_the_ranking_shares_ranks_on_ties_and_puts_masked_then_missing_last(departements):
    indicator = make_indicator(breakdowns=("departement",))
    # 2A and 2B are small; Nord (10, the smallest count of at least 9) protects them.
    frame = totals(
        {"33": 100, "75": 300, "13": 100, "69": 50, "2A": 3, "2B": 1, "59": 10}, threshold=5
    )
    entries = maps.ranking(frame, departements, indicator)
    shown = [(e.name, e.rank) for e in entries if e.value is not None]
    # Bouches-du-Rhône and Gironde tie for 2nd (listed by name); the next one is 4th.
    assert shown == [("Paris", 1), ("Bouches-du-Rhône", 2), ("Gironde", 2), ("Rhône", 4)]
    masked = [e for e in entries if e.masked]
    assert {e.code for e in masked} == {"2A", "2B", "59"}
    assert all(e.value is None and e.rank is None and e.share is None for e in masked)
    assert len(entries) == 101
    assert entries[4:7] == masked  # masked right after the ranked ones, before « no data »
    assert all(e.value is None and not e.masked for e in entries[7:])
    # shares of the exact total, masked counts included (564), as in the breakdown tables
    assert entries[0].share == pytest.approx(300 / 564)


@pytest.mark.parametrize(("rank", "text"), [(1, "1er"), (2, "2e"), (4, "4e"), (101, "101e")])
def test_french_ordinals(rank, text):
    assert maps.ordinal(rank) == text


def test_five_classes_with_rounded_breaks_and_french_ranges(departements):
    indicator = make_indicator(breakdowns=("departement",), unit="pré-plaintes")
    values = {code: 1000 + 137 * i for i, code in enumerate(departements.codes)}
    entries = maps.ranking(totals(values), departements, indicator)
    classes = maps.classes(entries, indicator)
    assert [c.index for c in classes] == [1, 2, 3, 4, 5]
    assert sum(c.count for c in classes) == 101
    assert classes[0].low == 1000 and classes[-1].high == 1000 + 137 * 100
    for c in classes[1:]:
        assert str(int(c.low)).rstrip("0") and len(str(int(c.low)).rstrip("0")) <= 2  # rounded
    assert classes[0].label == f"de 1{NNBSP}000 à moins de {french.format_number(classes[1].low)}"
    assert classes[-1].label.startswith("de ") and "moins" not in classes[-1].label
    for entry in entries:
        index = maps.class_of(entry.value, classes)
        assert classes[index - 1].low <= entry.value <= classes[index - 1].high


def test_few_or_equal_values_give_fewer_classes(departements):
    indicator = make_indicator(breakdowns=("departement",))
    entries = maps.ranking(totals({"33": 10, "75": 10}), departements, indicator)
    classes = maps.classes(entries, indicator)
    assert len(classes) == 1 and classes[0].count == 2
    assert maps.classes([], indicator) == []


def test_accessible_names_say_value_period_and_rank(departements):
    indicator = make_indicator(breakdowns=("departement",), unit="pré-plaintes")
    entries = maps.ranking(
        totals({"33": 1234, "75": 9000, "2A": 2, "2B": 40}, 5), departements, indicator
    )
    by_code = {e.code: e for e in entries}
    name = maps.accessible_name(by_code["33"], indicator, SPAN, 3, 5)
    assert name == f"Gironde\u00a0: 1{NNBSP}234\u00a0pré-plaintes {SPAN}, 2e rang sur 3"
    assert maps.accessible_name(by_code["75"], indicator, SPAN, 3, 5).endswith("1er rang sur 3")
    hidden = maps.accessible_name(by_code["2A"], indicator, SPAN, 3, 5)
    # « seuil », not « moins de 5 »: a cell masked to protect another is often larger
    assert hidden.startswith("Corse-du-Sud\u00a0: secret statistique (seuil\u00a0: 5)")
    assert "rang" not in hidden and " 2\u00a0" not in hidden  # neither its count nor a rank
    missing = maps.accessible_name(by_code["01"], indicator, SPAN, 3, 5)
    assert missing == f"Ain\u00a0: aucune donnée {SPAN}"


# -- the SVG -------------------------------------------------------------------------------------


def test_the_svg_has_101_named_links_in_code_order_and_masked_ones_hatched(departements):
    indicator = make_indicator(breakdowns=("departement",))
    values = {code: 10 + i for i, code in enumerate(departements.codes)}
    values.update({"2A": 2, "976": 1})
    entries = maps.ranking(totals(values, 5), departements, indicator)
    classes = maps.classes(entries, indicator)
    names = {e.code: maps.accessible_name(e, indicator, SPAN, 99, 5) for e in entries}
    markup = maps.svg(entries, classes, names, lambda c: f"/x?departement={c}&a=<b>", "33", "t")
    root = ET.fromstring(markup)  # well-formed XML
    ns = "{http://www.w3.org/2000/svg}"
    links = root.findall(f".//{ns}a")
    assert [a.get("data-departement") for a in links] == list(departements.codes)
    assert all(a.get("aria-label") == names[a.get("data-departement")] for a in links)
    assert links[0].get("href") == "/x?departement=01&a=<b>"  # escaped in the markup
    assert "&amp;a=&lt;b&gt;" in markup
    by_code = {a.get("data-departement"): a for a in links}
    assert by_code["2A"].get("class") == "masque"
    assert by_code["33"].get("aria-current") == "true" and "choisi" in by_code["33"].get("class")
    assert {a.get("class").split()[0] for a in links} <= {"c1", "c2", "c3", "c4", "c5", "masque"}
    assert root.get("aria-labelledby") == "t"
    assert f'id="{maps.HATCH_ID}"' in markup
    # no inline style or script: the CSP needs none
    assert "style=" not in markup and "<script" not in markup and " on" not in markup


def test_the_summary_names_highest_lowest_median_and_counts_the_masked(departements):
    indicator = make_indicator(breakdowns=("departement",), unit="pré-plaintes")
    frame = totals({"33": 50, "75": 90, "13": 70, "2A": 2, "2B": 3, "59": 10}, 5)
    entries = maps.ranking(frame, departements, indicator)
    text = maps.summary(entries, indicator, SPAN, 5)
    assert "le plus élevé, Paris (90\u00a0pré-plaintes)" in text
    assert "le plus bas, Gironde (50\u00a0pré-plaintes)" in text
    assert "département médian, Bouches-du-Rhône" in text
    assert "3\u00a0départements non diffusés" in text
    assert "Corse" not in text and "Nord" not in text


def test_table_rows_list_ranks_values_shares_then_secret(departements):
    indicator = make_indicator(breakdowns=("departement",))
    entries = maps.ranking(totals({"33": 60, "75": 40, "2A": 2}, 5), departements, indicator)
    rows = maps.table_rows(entries, indicator)
    assert rows[0][:3] == ("1er", "Gironde", "60")
    assert rows[0][3] == f"{french.format_percent(60 / 102)}"
    masked = [row for row in rows if row[2] == "secret statistique"]
    assert {row[1] for row in masked} >= {"Corse-du-Sud"}
    assert rows.index(masked[0]) < rows.index(next(r for r in rows if r[2] == "aucune donnée"))


# -- validation ----------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [None, "", "33", "2A", "971"])
def test_known_departements_are_accepted(the_catalogue, value):
    indicator = the_catalogue.indicator("pre-plainte-en-ligne")
    code = validation.departement(indicator, the_catalogue.breakdowns["departement"], value)
    assert code == (value or "")


@pytest.mark.parametrize(
    ("indicator", "value", "message"),
    [
        ("pre-plainte-en-ligne", "20", "Département inconnu"),
        ("pre-plainte-en-ligne", "2a", "Département inconnu"),
        ("pre-plainte-en-ligne", 33, "Département inconnu"),
        ("pre-plainte-en-ligne", ["33"], "Département inconnu"),
        ("brigade-numerique-demandes", "33", "pas ventilé par département"),
    ],
)
def test_unknown_departements_are_refused_in_french(the_catalogue, indicator, value, message):
    with pytest.raises(validation.InvalidInput) as error:
        validation.departement(
            the_catalogue.indicator(indicator), the_catalogue.breakdowns["departement"], value
        )
    assert error.value.parameter == "departement" and message in error.value.message


def test_with_departement_keeps_the_period(the_catalogue):
    indicator = the_catalogue.indicator("pre-plainte-en-ligne")
    query = validation.Query(indicator, dt.date(2025, 1, 1), dt.date(2025, 3, 31), "mois")
    chosen = validation.with_departement(query, the_catalogue.breakdowns, "33")
    assert (chosen.start, chosen.end, chosen.granularity, chosen.departement) == (
        query.start,
        query.end,
        "mois",
        "33",
    )
