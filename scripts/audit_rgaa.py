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
import logging
import re
import tempfile
import tomllib
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).parent.parent
CRITERIA = ROOT / "docs" / "rgaa-4.1" / "criteres.json"
VERDICTS = ROOT / "docs" / "audit-rgaa.toml"
MARKDOWN = ROOT / "docs" / "audit-rgaa.md"
CSV = ROOT / "docs" / "audit-rgaa.csv"
DECLARATION = ROOT / "src" / "barometre" / "web" / "audit-rgaa.json"
NOT_EVALUATED = "non évalué"
VERDICTS_ALLOWED = ("conforme", "non conforme", "non applicable")
# The day the demo data end on, as in the tests (tests/conftest.py): the sample's pages are read
# over them to know what each page holds.
DEMO_TODAY = dt.date(2026, 11, 15)
# How the grid abbreviates a page's verdict.
SHORT = {"conforme": "C", "non conforme": "NC", "non applicable": "NA", NOT_EVALUATED: "NE"}
# A simple selector of ``objet``: a tag, an attribute, or both, with an optional value.
SELECTOR = re.compile(
    r"^(?P<tag>[a-z][a-z0-9]*)?(?:\[(?P<attr>[a-z-]+)(?:=(?P<value>[^\]]+))?\])?$"
)
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
        unknown = set(verdict.get("pages", [])) - set(data.get("echantillon", {}))
        if unknown:
            raise ValueError(
                f"{path.name} : critère {number} : pages hors de l'échantillon {sorted(unknown)}"
            )
        for selector in verdict.get("objet", "").split(","):
            if selector.strip() and not SELECTOR.match(selector.strip()):
                raise ValueError(
                    f"{path.name} : critère {number} : objet « {selector.strip()} » illisible "
                    "(une balise, un [attribut] ou un [attribut=valeur], séparés par des virgules)"
                )
    return data


class _Elements(HTMLParser):
    """Every element of a page: its tag and attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.found.append((tag, {name: value or "" for name, value in attrs}))


def elements(markup: str) -> list[tuple[str, dict[str, str]]]:
    """The elements of ``markup``, tag and attributes, in document order."""
    parser = _Elements()
    parser.feed(markup)
    return parser.found


def holds(found: list[tuple[str, dict[str, str]]], objet: str) -> bool:
    """Whether a page's elements hold what a criterion applies to (``objet``: selectors separated
    by commas; an empty one: every page)."""
    if not objet.strip():
        return True
    for selector in objet.split(","):
        wanted = SELECTOR.match(selector.strip())
        tag, attr, value = wanted["tag"], wanted["attr"], wanted["value"]
        for name, attrs in found:
            if tag and name != tag:
                continue
            if attr and (attr not in attrs or (value is not None and attrs[attr] != value)):
                continue
            return True
    return False


def sample_pages(data: dict) -> dict[str, str]:
    """The markup of each page of the sample as the server sends it, over the demo data; the
    outage page, from an app whose store cannot be read."""
    from barometre.config import Settings
    from barometre.data import catalogue, demo
    from barometre.data.store import Store
    from barometre.web.app import create_app

    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(data_dir=Path(folder) / "demo")
        settings.data_dir.mkdir()
        store = Store(settings.database_url)
        store.init_schema()
        found = catalogue.load()
        store.sync_catalogue(found)
        demo.install(store, found, today=DEMO_TODAY)
        store.close()
        client = create_app(settings).server.test_client()
        outage = create_app(Settings(data_dir=Path(folder) / "vide")).server.test_client()
        pages = {}
        # The outage is made on purpose: its ERROR line would read as a failure of the script.
        logging.disable(logging.ERROR)
        try:
            for name, address in data.get("echantillon", {}).items():
                served = client.get(address) if address.startswith("/") else outage.get("/")
                pages[name] = served.get_data(as_text=True)
        finally:
            logging.disable(logging.NOTSET)
        return pages


def rows(found: list[dict], data: dict, pages: dict[str, str] | None = None) -> list[dict]:
    """One row per criterion: its official wording, verdict, method, evidence and, given the
    sample's ``pages`` (name -> markup), its verdict on each page.

    On a page, a criterion is « non applicable » when it is for the whole sample or when the page
    holds nothing it applies to (its ``objet``); otherwise it has the criterion's verdict if its
    evidence covers the page (``pages``, the whole sample by default), else it is « non évalué ».
    """
    verdicts = data.get("criteres", {})
    unknown = set(verdicts) - {c["number"] for c in found}
    if unknown:
        raise ValueError(f"critères inconnus du RGAA 4.1 : {sorted(unknown)}")
    held = {name: elements(markup) for name, markup in (pages or {}).items()}
    grid = []
    for criterion in found:
        entry = verdicts.get(criterion["number"], {})
        verdict = entry.get("verdict", NOT_EVALUATED)
        covered = entry.get("pages", list(held))
        by_page = {}
        for name, found_on_page in held.items():
            if verdict == "non applicable" or not holds(found_on_page, entry.get("objet", "")):
                by_page[name] = "non applicable"
            else:
                by_page[name] = verdict if name in covered else NOT_EVALUATED
        grid.append(
            {
                **criterion,
                "verdict": verdict,
                "methode": entry.get("methode", ""),
                "preuves": entry.get("preuves", []),
                "pages": by_page,
            }
        )
    return grid


def left_to_evaluate(grid: list[dict], data: dict) -> str:
    """What the audit has still to verify, in French: the audit's own ``reste``, and each
    criterion with the pages of the sample its evidence does not cover."""
    names = list(data.get("echantillon", {}))
    missing = [
        f"{row['number']} ("
        + ", ".join(
            str(names.index(name) + 1) for name, v in row["pages"].items() if v == NOT_EVALUATED
        )
        + ")"
        for row in grid
        if row["verdict"] != NOT_EVALUATED and NOT_EVALUATED in row["pages"].values()
    ]
    parts = [data.get("reste", "")] if data.get("reste") else []
    if missing:
        parts.append(
            "critères encore non vérifiés sur certaines pages de l'échantillon (numéros des pages "
            "entre parenthèses) : " + " ; ".join(missing) + "."
        )
    return " ".join(parts)


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
    left = left_to_evaluate(grid, data)
    if left:
        lines.append(f"Reste à vérifier avant tout taux de conformité : {left}")
    if counts[NOT_EVALUATED]:
        lines.append(
            "Audit en cours : tant qu'un critère n'est pas évalué, aucun taux de conformité n'est "
            "calculé et la déclaration dit « non conforme », comme le veut le RGAA en l'absence "
            "d'un audit complet."
        )
    sample = data.get("echantillon", {})
    lines += ["", "## Échantillon", "", "| N° | Page | Adresse |", "|---|---|---|"]
    lines += [f"| {n} | {name} | `{url}` |" for n, (name, url) in enumerate(sample.items(), 1)]
    lines += [
        "",
        "## Verdicts par page",
        "",
        "Pour chaque critère, son verdict sur chaque page de l'échantillon (numérotées comme "
        "ci-dessus) : C conforme, NC non conforme, NA non applicable (la page ne contient rien à "
        "quoi le critère s'applique, ou le critère ne s'applique à aucune page), NE non évalué. "
        "Chaque verdict est établi comme le dit, plus bas, la ligne du critère.",
        "",
        "| Critère | " + " | ".join(str(n) for n in range(1, len(sample) + 1)) + " |",
        "|---|" + "---|" * len(sample),
    ]
    lines += [
        f"| {row['number']} | "
        + " | ".join(SHORT[row["pages"].get(name, NOT_EVALUATED)] for name in sample)
        + " |"
        for row in grid
    ]
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
    left = left_to_evaluate(grid, data)
    state, rate = conformity(grid, left)
    counts = {v: sum(r["verdict"] == v for r in grid) for v in (*VERDICTS_ALLOWED, NOT_EVALUATED)}
    summary = {
        "date": data["date"].isoformat(),
        "etat": state,
        "taux": rate,
        "criteres": len(grid),
        "decomptes": counts,
        "reste": left,
        "echantillon": data.get("echantillon", {}),
        "non_conformes": [
            {"critere": row["number"], "intitule": row["title"], "constat": row["methode"]}
            for row in grid
            if row["verdict"] == "non conforme"
        ],
    }
    return json.dumps(summary, ensure_ascii=False, indent=1) + "\n"


def csv_text(grid: list[dict], data: dict) -> str:
    """The grid as CSV, one line per official test, in the official numbering: its verdict on
    the sample, then on each page of the sample (a column per page, named by its address)."""
    sample = data.get("echantillon", {})
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["critere", "test", "thematique", "verdict", *sample.values(), "methode", "preuves"]
    )
    for row in grid:
        for test in row["tests"]:
            writer.writerow(
                [row["number"], test, row["theme"], row["verdict"]]
                + [row["pages"].get(name, NOT_EVALUATED) for name in sample]
                + [row["methode"], " ".join(row["preuves"])]
            )
    return out.getvalue()


def written(pages: dict[str, str] | None = None) -> dict[Path, str]:
    """Each file written, with the text the current files give (the sample's ``pages`` read
    again unless given)."""
    data = audit()
    grid = rows(criteria(), data, sample_pages(data) if pages is None else pages)
    return {
        MARKDOWN: markdown(grid, data),
        CSV: csv_text(grid, data),
        DECLARATION: declaration(grid, data),
    }


if __name__ == "__main__":
    for path, text in written().items():
        path.write_text(text, encoding="utf-8")
        print(f"{path.relative_to(ROOT)} écrit")
