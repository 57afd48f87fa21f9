"""Write the RGAA audit grid (docs/audit-rgaa.md, .csv) from the official criteria and our verdicts.

docs/rgaa-4.1/criteres.json holds the RGAA 4.1 criteria and tests (DINUM, Licence Ouverte 2.0);
docs/audit-rgaa.toml the audit's sample and, per criterion, its verdict and the evidence. Run
``python scripts/audit_rgaa.py`` after changing either; tests/test_audit_rgaa.py fails while the
grid written differs from the one these files give.
"""

from __future__ import annotations

import csv
import io
import json
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).parent.parent
CRITERIA = ROOT / "docs" / "rgaa-4.1" / "criteres.json"
VERDICTS = ROOT / "docs" / "audit-rgaa.toml"
MARKDOWN = ROOT / "docs" / "audit-rgaa.md"
CSV = ROOT / "docs" / "audit-rgaa.csv"
NOT_EVALUATED = "non évalué"
VERDICTS_ALLOWED = ("conforme", "non conforme", "non applicable")
# The criteria's Markdown links to the glossary: their text is kept, the target dropped.
GLOSSARY_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def plain(text: str) -> str:
    """The official wording without its glossary links."""
    return GLOSSARY_LINK.sub(r"\1", text)


def criteria(path: Path = CRITERIA) -> list[dict]:
    """Every criterion, in the official order: number (« 8.3 »), theme, title, tests."""
    found = []
    for topic in json.loads(path.read_text(encoding="utf-8"))["topics"]:
        for entry in topic["criteria"]:
            criterion = entry["criterium"]
            number = f"{topic['number']}.{criterion['number']}"
            found.append(
                {
                    "number": number,
                    "theme": topic["topic"],
                    "title": plain(criterion["title"]),
                    "tests": [f"{number}.{test}" for test in criterion["tests"]],
                }
            )
    return found


def audit(path: Path = VERDICTS) -> dict:
    """The sample and the verdicts, checked: a verdict is one of VERDICTS_ALLOWED, with evidence."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    for number, verdict in data.get("criteres", {}).items():
        if verdict.get("verdict") not in VERDICTS_ALLOWED:
            raise ValueError(
                f"{path.name} : critère {number} : verdict « {verdict.get('verdict')} »"
            )
        if not verdict.get("methode"):
            raise ValueError(f"{path.name} : critère {number} : méthode manquante")
    return data


def rows(found: list[dict], data: dict) -> list[dict]:
    """One row per criterion: its official wording, verdict, method and evidence."""
    verdicts = data.get("criteres", {})
    unknown = set(verdicts) - {c["number"] for c in found}
    if unknown:
        raise ValueError(f"critères inconnus du RGAA 4.1 : {sorted(unknown)}")
    return [
        {
            **criterion,
            "verdict": verdicts.get(criterion["number"], {}).get("verdict", NOT_EVALUATED),
            "methode": verdicts.get(criterion["number"], {}).get("methode", ""),
            "preuves": verdicts.get(criterion["number"], {}).get("preuves", []),
        }
        for criterion in found
    ]


def markdown(grid: list[dict], data: dict) -> str:
    """The grid as published in docs/audit-rgaa.md."""
    counts = {v: sum(r["verdict"] == v for r in grid) for v in (*VERDICTS_ALLOWED, NOT_EVALUATED)}
    lines = [
        "# Audit RGAA 4.1 — grille",
        "",
        "Écrit par `scripts/audit_rgaa.py` depuis `docs/rgaa-4.1/criteres.json` (RGAA 4.1, DINUM, "
        "Licence Ouverte 2.0) et `docs/audit-rgaa.toml` : ne pas modifier à la main.",
        "",
        f"Critères : {len(grid)} ; conformes : {counts['conforme']} ; non conformes : "
        f"{counts['non conforme']} ; non applicables : {counts['non applicable']} ; "
        f"non évalués : {counts[NOT_EVALUATED]}.",
    ]
    if counts[NOT_EVALUATED]:
        lines.append(
            "Audit en cours : tant qu'un critère n'est pas évalué, aucun taux de conformité n'est "
            "calculé et la déclaration reste « partiellement conforme »."
        )
    lines += ["", "## Échantillon", "", "| Page | Adresse |", "|---|---|"]
    lines += [f"| {name} | `{url}` |" for name, url in data.get("echantillon", {}).items()]
    theme = None
    for row in grid:
        if row["theme"] != theme:
            theme = row["theme"]
            lines += ["", f"## {row['number'].split('.')[0]}. {theme}", ""]
            lines += [
                "| Critère | Intitulé | Verdict | Comment il est établi |",
                "|---|---|---|---|",
            ]
        evidence = " ".join(f"`{p}`" for p in row["preuves"])
        how = " ".join(part for part in (row["methode"], evidence) if part) or "—"
        title = row["title"].replace("|", "\\|")
        lines.append(f"| {row['number']} | {title} | {row['verdict']} | {how} |")
    return "\n".join(lines) + "\n"


def csv_text(grid: list[dict]) -> str:
    """The grid as CSV, one line per official test, in the official numbering."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["critere", "test", "thematique", "verdict", "methode", "preuves"])
    for row in grid:
        for test in row["tests"]:
            writer.writerow(
                [row["number"], test, row["theme"], row["verdict"], row["methode"]]
                + [" ".join(row["preuves"])]
            )
    return out.getvalue()


def written() -> tuple[str, str]:
    """The Markdown and CSV the current files give."""
    data = audit()
    grid = rows(criteria(), data)
    return markdown(grid, data), csv_text(grid)


if __name__ == "__main__":
    text, table = written()
    MARKDOWN.write_text(text, encoding="utf-8")
    CSV.write_text(table, encoding="utf-8")
    print(f"{MARKDOWN.relative_to(ROOT)} et {CSV.relative_to(ROOT)} écrits")
