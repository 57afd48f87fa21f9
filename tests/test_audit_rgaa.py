"""The RGAA audit grid (issue 24): written from the official criteria and our verdicts, whole,
and every verdict traceable to a test that exists."""

from __future__ import annotations

import ast
import datetime as dt
import html as markup
import re
import sys
from pathlib import Path

import pytest

from barometre.urls import Urls
from barometre.web.callbacks.pages import render
from barometre.web.layouts.common import footer
from barometre.web.prerender import to_html

ROOT = Path(__file__).parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import audit_rgaa  # noqa: E402


def test_the_grid_covers_the_106_criteria_and_258_tests_of_the_rgaa_4_1():
    found = audit_rgaa.criteria()
    assert len(found) == 106
    assert sum(len(c["tests"]) for c in found) == 258
    assert found[0]["number"] == "1.1" and found[-1]["number"] == "13.12"


@pytest.fixture(scope="module")
def sample_pages() -> dict[str, str]:
    """The sample's pages as the script reads them (over demo data of its own)."""
    return audit_rgaa.sample_pages(audit_rgaa.audit())


def test_the_published_grid_and_declaration_are_the_ones_the_files_give(sample_pages):
    written = audit_rgaa.written(sample_pages)
    for path, text in written.items():
        assert path.read_text(encoding="utf-8") == text, "python scripts/audit_rgaa.py"
    assert len(written[audit_rgaa.CSV].splitlines()) == 1 + 258


def _grid(*verdicts: str) -> list[dict]:
    return [{"verdict": verdict, "number": str(i)} for i, verdict in enumerate(verdicts)]


@pytest.mark.parametrize(
    ("verdicts", "state", "rate"),
    [
        (("conforme", "non applicable", "conforme"), "totalement conforme", 100.0),
        (
            ("conforme", "conforme", "non conforme", "non applicable"),
            "partiellement conforme",
            66.7,
        ),
        (("conforme", "non conforme"), "partiellement conforme", 50.0),
        (("conforme", "non conforme", "non conforme"), "non conforme", 33.3),
        # No complete audit: no rate, and « non conforme » whatever the criteria evaluated say.
        (("conforme", "conforme", audit_rgaa.NOT_EVALUATED), "non conforme", None),
    ],
)
def test_the_state_of_conformity_follows_the_rgaa_s_three_states(verdicts, state, rate):
    assert audit_rgaa.conformity(_grid(*verdicts)) == (state, rate)
    # What is left to verify makes the audit incomplete, whatever the verdicts.
    assert audit_rgaa.conformity(_grid(*verdicts), "la page 404") == ("non conforme", None)


def test_an_audit_without_its_date_is_refused(tmp_path):
    path = tmp_path / "audit.toml"
    path.write_text('[criteres."8.3"]\nverdict = "conforme"\nmethode = "x"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="date de l'audit manquante"):
        audit_rgaa.audit(path)


def _tests_defined(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}


def test_every_evidence_names_a_test_of_the_suite():
    for number, verdict in audit_rgaa.audit()["criteres"].items():
        assert verdict["preuves"], number
        for evidence in verdict["preuves"]:
            path, _, name = evidence.partition("::")
            assert name.startswith("test_"), evidence
            assert name in _tests_defined(ROOT / path), evidence


@pytest.mark.parametrize(
    ("verdicts", "message"),
    [
        (
            'date = 2026-12-06\n[criteres."8.3"]\nverdict = "presque"\nmethode = "x"\n',
            "« presque »",
        ),
        ('date = 2026-12-06\n[criteres."8.3"]\nverdict = "conforme"\n', "méthode manquante"),
    ],
)
def test_a_verdict_must_be_official_and_say_how(tmp_path, verdicts, message):
    path = tmp_path / "audit.toml"
    path.write_text(verdicts, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        audit_rgaa.audit(path)


def test_a_criterion_the_rgaa_does_not_have_is_refused():
    with pytest.raises(ValueError, match="14.1"):
        audit_rgaa.rows(audit_rgaa.criteria(), {"criteres": {"14.1": {"verdict": "conforme"}}})


def declaration_text(app) -> str:
    """The words of the declaration page, as a reader gets them."""
    page = render(app.services, "/accessibilite", "", dt.date(2026, 11, 14))
    return " ".join(markup.unescape(re.sub(r"<[^>]+>", " ", to_html(page.content))).split())


@pytest.mark.parametrize(
    ("results", "expected", "absent"),
    [
        # The audit's own results (scripts/audit_rgaa.py keeps them equal to the grid's).
        (None, None, None),
        (
            {"etat": "totalement conforme", "taux": 100.0, "non_conformes": [], "reste": ""},
            [
                "est totalement conforme avec",
                "révèle que 100 % des critères applicables",
                "Non-conformités Aucune. Limites",
            ],
            ["en cours", "Aucune parmi les critères évalués"],
        ),
        # An audit in progress: « none » holds for the criteria evaluated only.
        (
            {"etat": "non conforme", "taux": None, "non_conformes": [], "reste": "7.3 (1)"},
            ["Aucune parmi les critères évalués à ce jour."],
            ["Non-conformités Aucune. Limites"],
        ),
        (
            {
                "etat": "partiellement conforme",
                "taux": 87.5,
                "non_conformes": [
                    {"critere": "3.3", "intitule": "Contrastes", "constat": "Carte pâle."}
                ],
            },
            ["est partiellement conforme avec", "87,5 % des critères", "Critère 3.3"],
            ["Aucune parmi les critères évalués"],
        ),
    ],
)
def test_the_declaration_states_the_audit_s_state_rate_and_non_conformities(
    app, monkeypatch, sample_pages, results, expected, absent
):
    from barometre.web.layouts import accessibility

    audit = accessibility.audit()
    if results is None:
        text = declaration_text(app)
        assert f"est {audit['etat']} avec" in text
        data = audit_rgaa.audit()
        grid = audit_rgaa.rows(audit_rgaa.criteria(), data, sample_pages)
        left = audit_rgaa.left_to_evaluate(grid, data)
        assert audit_rgaa.conformity(grid, left) == (audit["etat"], audit["taux"])
        # Every page's footer states it too.
        assert f"Accessibilité\u00a0: {audit['etat']}" in markup.unescape(
            to_html(footer(Urls("/")))
        )
        for name, address in audit["echantillon"].items():
            assert name in text and address in text
        assert accessibility.format_date(dt.date.fromisoformat(audit["date"])) in text
        return
    monkeypatch.setattr(accessibility, "audit", lambda: {**audit, **results})
    text = declaration_text(app)
    for words in expected:
        assert words in text, words
    for words in absent:
        assert words not in text, words


PAGES = {
    "avec": '<header></header><table><caption>T</caption></table><a href="/x">x</a>',
    "sans": "<header></header><p>Texte</p>",
    "autre": '<main><p role="status"></p></main>',
}


@pytest.mark.parametrize(
    ("objet", "expected"),
    [
        ("", {"avec", "sans", "autre"}),
        ("table", {"avec"}),
        ("a[href]", {"avec"}),
        ("a[href=/y]", set()),
        ("[role=status]", {"autre"}),
        ("header, [role=status]", {"avec", "sans", "autre"}),
    ],
)
def test_a_criterion_applies_to_the_pages_that_hold_its_object(objet, expected):
    found = {
        name for name, page in PAGES.items() if audit_rgaa.holds(audit_rgaa.elements(page), objet)
    }
    assert found == expected


def test_each_page_has_its_verdict_and_what_is_not_covered_is_left_to_evaluate():
    data = {
        "echantillon": {"avec": "/a", "sans": "/b", "autre": "/c"},
        "criteres": {
            "5.4": {"verdict": "conforme", "objet": "table", "methode": "x", "preuves": []},
            "8.3": {"verdict": "conforme", "pages": ["avec"], "methode": "x", "preuves": []},
            "4.1": {"verdict": "non applicable", "methode": "x", "preuves": []},
        },
    }
    grid = {row["number"]: row for row in audit_rgaa.rows(audit_rgaa.criteria(), data, PAGES)}
    assert grid["5.4"]["pages"] == {
        "avec": "conforme",
        "sans": "non applicable",
        "autre": "non applicable",
    }
    assert grid["8.3"]["pages"] == {
        "avec": "conforme",
        "sans": audit_rgaa.NOT_EVALUATED,
        "autre": audit_rgaa.NOT_EVALUATED,
    }
    assert set(grid["4.1"]["pages"].values()) == {"non applicable"}
    left = audit_rgaa.left_to_evaluate(list(grid.values()), data)
    assert "8.3 (2, 3)" in left and "5.4" not in left
    assert audit_rgaa.conformity(list(grid.values()), left) == ("non conforme", None)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ('pages = ["Ailleurs"]', "pages hors de l'échantillon"),
        ('objet = "table > td"', "objet « table > td » illisible"),
    ],
)
def test_a_page_or_an_object_the_audit_cannot_read_is_refused(tmp_path, entry, message):
    path = tmp_path / "audit.toml"
    path.write_text(
        'date = 2026-12-06\n[echantillon]\n"Accueil" = "/"\n[criteres."8.3"]\n'
        f'verdict = "conforme"\nmethode = "x"\n{entry}\n',
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match=message):
        audit_rgaa.audit(path)
