"""Write the RGAA audit grid (docs/audit-rgaa.md, .csv) from the official criteria and our verdicts,
and the results the site's accessibility declaration states (src/barometre/web/audit-rgaa.json).

docs/rgaa-4.1/criteres.json holds the RGAA 4.1 criteria and tests (DINUM, Licence Ouverte 2.0);
docs/audit-rgaa.toml the audit's date, sample and, per criterion, its verdict and the evidence.
Run ``python scripts/audit_rgaa.py`` after changing either; tests/test_audit_rgaa.py fails while
what is written differs from what these files give.
"""

from __future__ import annotations

import csv
import datetime as dt
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
DECLARATION = ROOT / "src" / "barometre" / "web" / "audit-rgaa.json"
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
    if not isinstance(data.get("date"), dt.date):
        raise ValueError(f"{path.name} : date de l'audit manquante (date = AAAA-MM-JJ)")
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
    if data.get("reste"):
        lines.append(f"Reste à vérifier avant tout taux de conformité : {data['reste']}")
    if counts[NOT_EVALUATED]:
        lines.append(
            "Audit en cours : tant qu'un critère n'est pas évalué, aucun taux de conformité n'est "
            "calculé et la déclaration dit « non conforme », comme le veut le RGAA en l'absence "
            "d'un audit complet."
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


def conformity(grid: list[dict], left: str = "") -> tuple[str, float | None]:
    """The state of conformity the declaration must state, and the rate it rests on.

    The RGAA's three states: « totalement conforme » when every applicable criterion is met,
    « partiellement conforme » from 50 %, « non conforme » below or while no complete audit
    measures every criterion (then no rate): a criterion not evaluated, or what is ``left`` to
    verify (the audit's ``reste``), leaves it incomplete.
    """
    if left or any(row["verdict"] == NOT_EVALUATED for row in grid):
        return "non conforme", None
    met = sum(row["verdict"] == "conforme" for row in grid)
    failed = sum(row["verdict"] == "non conforme" for row in grid)
    rate = round(100 * met / (met + failed), 1) if met + failed else 100.0
    if failed == 0:
        return "totalement conforme", rate
    return ("partiellement conforme" if rate >= 50 else "non conforme"), rate


def declaration(grid: list[dict], data: dict) -> str:
    """What the site's declaration states, as JSON (read by web/layouts/accessibility.py)."""
    state, rate = conformity(grid, data.get("reste", ""))
    counts = {v: sum(r["verdict"] == v for r in grid) for v in (*VERDICTS_ALLOWED, NOT_EVALUATED)}
    summary = {
        "date": data["date"].isoformat(),
        "etat": state,
        "taux": rate,
        "criteres": len(grid),
        "decomptes": counts,
        "reste": data.get("reste", ""),
        "echantillon": data.get("echantillon", {}),
        "non_conformes": [
            {"critere": row["number"], "intitule": row["title"], "constat": row["methode"]}
            for row in grid
            if row["verdict"] == "non conforme"
        ],
    }
    return json.dumps(summary, ensure_ascii=False, indent=1) + "\n"


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


def written() -> dict[Path, str]:
    """Each file written, with the text the current files give."""
    data = audit()
    grid = rows(criteria(), data)
    return {
        MARKDOWN: markdown(grid, data),
        CSV: csv_text(grid),
        DECLARATION: declaration(grid, data),
    }


if __name__ == "__main__":
    for path, text in written().items():
        path.write_text(text, encoding="utf-8")
        print(f"{path.relative_to(ROOT)} écrit")
