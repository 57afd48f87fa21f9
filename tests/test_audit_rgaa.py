"""The RGAA audit grid (issue 24): written from the official criteria and our verdicts, whole,
and every verdict traceable to a test that exists."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import audit_rgaa  # noqa: E402


def test_the_grid_covers_the_106_criteria_and_258_tests_of_the_rgaa_4_1():
    found = audit_rgaa.criteria()
    assert len(found) == 106
    assert sum(len(c["tests"]) for c in found) == 258
    assert found[0]["number"] == "1.1" and found[-1]["number"] == "13.12"


def test_the_published_grid_is_the_one_the_files_give():
    text, table = audit_rgaa.written()
    assert audit_rgaa.MARKDOWN.read_text(encoding="utf-8") == text, "python scripts/audit_rgaa.py"
    assert audit_rgaa.CSV.read_text(encoding="utf-8") == table, "python scripts/audit_rgaa.py"
    assert len(table.splitlines()) == 1 + 258


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
        ('[criteres."8.3"]\nverdict = "presque"\nmethode = "x"\n', "verdict « presque »"),
        ('[criteres."8.3"]\nverdict = "conforme"\n', "méthode manquante"),
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
