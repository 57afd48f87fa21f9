"""The reviewed drawings: every chart kind × the data shapes that matter, drawn by the server.

Each drawing is kept in ``tests/snapshots/`` as a standalone HTML page (the drawing at a
phone's and a desktop's width, the drawings stylesheet inlined: nothing external), for a
reviewer to open; ``tests/test_snapshots.py`` fails on any difference. After a change to the
drawings, the model or its builders, regenerate them, review the diff, and commit:

    make snapshots        # or: python tests/drawing_corpus.py

The data are made here, from a frozen « today », never from the demo database: a drawing
changes only when the drawing code does.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Callable
from html import escape
from pathlib import Path

from chart_data import DEMANDES, event, incomplete, national, per_member, totals
from factories import DEPARTEMENTS, HEURE, MOTIF, make_indicator

from barometre.charts import build, drawings
from barometre.charts.model import Chart, EmptyChart, TimeChart
from barometre.charts.summaries import NO_DATA
from barometre.data.catalogue import Breakdown
from barometre.web.app import ASSETS

TODAY = dt.date(2026, 11, 15)  # frozen: the current month holds 15 days of data
FOLDER = Path(__file__).parent / "snapshots"
STYLESHEET = ASSETS / "drawings.css"
WIDTHS = (320, 960)  # a phone's chart and a desktop's
COMMAND = "make snapshots"
NBSP = "\u00a0"
BREAKS = re.compile(r"><(?=/?(?:div|ul|li|svg|g|path|rect|circle|line|text)\b)")

EUROS = make_indicator(id="montant", unit="euros", decimals=1)
SOLDE = make_indicator(id="solde-abonnes", unit="abonnés", decimals=0)
EIGHT = Breakdown(
    id="huit", title="Huit", members=tuple((f"m{i}", f"Membre numéro {i}") for i in range(8))
)


def _months(count: int, end: dt.date = TODAY) -> str:
    """The first month of ``count`` months ending with the month of ``end``."""
    index = end.year * 12 + end.month - count
    return f"{index // 12}-{index % 12 + 1:02d}-01"


def _current(values: list, masked_last: bool = False):
    """A monthly series up to TODAY's month, which holds TODAY.day days of data."""
    frame = incomplete(values, _months(len(values)), days=TODAY.day)
    if masked_last:
        frame.loc[frame.index[-1], "valeur"] = None
    return frame


def _daily_years() -> TimeChart:
    """Four years of days, weekly rhythm, a peak and a trough: thinned by the drawing."""
    count = 4 * 365
    values = [1000.0 + 300 * (i % 7 == 0) + (i * 37) % 200 for i in range(count)]
    values[700], values[1100] = 9000.0, 2.0
    start = (TODAY - dt.timedelta(days=count)).isoformat()
    return build.time_series(national(values, start, "D", 1), DEMANDES, "jour")


def _time(frame, **options) -> Callable[[], Chart]:
    granularity = options.pop("granularity", "mois")
    indicator = options.pop("indicator", DEMANDES)
    display = options.pop("display", None)

    def make() -> Chart:
        chart = build.time_series(frame, indicator, granularity, **options)
        return chart.with_display(*display) if display and isinstance(chart, TimeChart) else chart

    return make


EVENTS = [
    event("Ouverture", _months(10)[:8] + "12"),
    event("Confinement", _months(8)[:8] + "03", _months(6)[:8] + "20"),
]
OVERLAPPING = [
    event("Campagne nationale", _months(9)[:8] + "05", _months(4)[:8] + "25"),
    event("Grève", _months(7)[:8] + "10", _months(5)[:8] + "15"),
    event("Nouvelle version", _months(6)[:8] + "01"),
    event("Mise à jour", _months(6)[:8] + "03"),
]
TWELVE = [float(v) for v in (1200, 1350, 1280, 1500, 1720, 1650, 1600, 1810, 1900, 2100, 2050)]

CORPUS: dict[str, Callable[[], Chart]] = {
    # time charts, national
    "serie-un-point": _time(national([1234.0], _months(1))),
    "serie-un-point-annuel": _time(
        national([41234.0], "2025-01-01", "YS", 365), granularity="annee"
    ),
    "serie-trou": _time(national([*TWELVE[:4], None, None, *TWELVE[6:]], _months(11))),
    "serie-masquee": _time(national([None, 12.0, None, 15.0, 11.0, None, 18.0], _months(7))),
    "serie-periode-en-cours": _time(_current([*TWELVE, 700.0])),
    "serie-periode-en-cours-masquee": _time(_current([*TWELVE, 700.0], masked_last=True)),
    "serie-comparaison": _time(
        _current([*TWELVE, 700.0]),
        previous=national([v * 0.8 for v in TWELVE] + [900.0] * 2, _months(25)),
        display=(True, True),
    ),
    "serie-evenements": _time(national(TWELVE, _months(11)), events=EVENTS),
    "serie-evenements-chevauchants": _time(national(TWELVE, _months(11)), events=OVERLAPPING),
    "serie-evenements-caches": _time(
        national(TWELVE, _months(11)), events=EVENTS, display=(False, False)
    ),
    "serie-quotidienne-longue": _daily_years,
    "serie-hebdomadaire": _time(
        national([float(300 + (i * 53) % 90) for i in range(30)], "2026-04-06", "W-MON", 7),
        granularity="semaine",
    ),
    "serie-negative-et-zero": _time(
        national([120.0, 40.0, 0.0, -35.0, -80.0, 0.0, 60.0], _months(7)), indicator=SOLDE
    ),
    "serie-zero": _time(national([0.0] * 6, _months(6))),
    "serie-decimales-euros": _time(
        national([1234.56, 99.94, 15020.05], _months(3)), indicator=EUROS
    ),
    # member lines
    "lignes-huit": lambda: build.member_series(
        per_member(
            {f"m{i}": [900.0 + 100 * i + (j % 5) * 20 for j in range(12)] for i in range(8)},
            _months(12),
        ),
        DEMANDES,
        EIGHT,
        "mois",
    ),
    "lignes-longues": lambda: build.member_series(
        per_member(
            {
                c: [100.0 + 30 * n + (j * 7) % 25 for j in range(60)]
                for n, c in enumerate(MOTIF.codes)
            },
            _months(60),
        ),
        DEMANDES,
        MOTIF,
        "mois",
    ),
    "lignes-un-point": lambda: build.member_series(
        per_member({"je-signale": [5.0], "je-m-informe": [8.0]}, _months(1)),
        DEMANDES,
        MOTIF,
        "mois",
    ),
    # bars
    "barres-heures": lambda: build.breakdown_bars(
        totals({f"{h:02d}": 40000.0 + 2500 * ((h * 7) % 24) for h in range(24)}), DEMANDES, HEURE
    ),
    "barres-heures-masquees-et-zero": lambda: build.breakdown_bars(
        totals(
            {
                f"{h:02d}": None if h in (2, 3, 4) else 0.0 if h == 5 else 100.0 + h
                for h in range(24)
            }
        ),
        DEMANDES,
        HEURE,
    ),
    "barres-plates": lambda: build.breakdown_bars(
        totals({"je-signale": 385144.0, "je-m-informe": 919444.0, "je-suis-victime": 231187.5}),
        DEMANDES,
        MOTIF,
    ),
    "barres-plates-euros": lambda: build.breakdown_bars(
        totals({"je-signale": 1234567.8, "je-m-informe": 45678.9, "je-suis-victime": 0.0}),
        EUROS,
        MOTIF,
    ),
    "barres-plates-une": lambda: build.breakdown_bars(totals({"je-signale": 3.0}), DEMANDES, MOTIF),
    "barres-plates-negatives": lambda: build.breakdown_bars(
        totals({"je-signale": 120.0, "je-m-informe": -45.0, "je-suis-victime": 0.0}), SOLDE, MOTIF
    ),
    "barres-departements-15-premiers": lambda: build.breakdown_bars(
        totals({code: 27441.0 - 250 * n for n, code in enumerate(DEPARTEMENTS.codes)}),
        DEMANDES,
        DEPARTEMENTS,
        top=15,
    ),
    # empty
    "vide": lambda: EmptyChart(NO_DATA),
    "vide-tout-masque": _time(national([None, None, None], _months(3))),
}


def readable(markup: str) -> str:
    """Return the markup with one element a line, for a diff that says which shape changed
    (never inside a text: its lines are tspans, where a line break could show)."""
    return BREAKS.sub(">\n<", markup)


def page(name: str, chart: Chart) -> str:
    """Return a standalone HTML page showing a drawing at each width, with nothing external."""
    css = STYLESHEET.read_text(encoding="utf-8")
    drawn = readable(drawings.chart_html(chart, hidden=True))
    boxes = "".join(
        f'<h2>{width}{NBSP}px</h2>\n<div style="width:{width}px">\n{drawn}\n</div>\n'
        for width in WIDTHS
    )
    return (
        '<!DOCTYPE html>\n<html lang="fr">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(name)}</title>\n<style>\n{css}\n"
        "body { font-family: system-ui, sans-serif; color: #212529; margin: 1rem; }\n"
        "</style>\n</head>\n<body>\n"
        f"<h1>{escape(name)}</h1>\n{boxes}\n</body>\n</html>\n"
    )


def pages() -> dict[str, str]:
    """Return every page of the corpus by its file name."""
    return {f"{name}.html": page(name, make()) for name, make in CORPUS.items()}


def write(folder: Path = FOLDER) -> list[str]:
    """Write the corpus, removing drawings no longer in it; return the names that changed."""
    folder.mkdir(exist_ok=True)
    wanted = pages()
    changed = []
    for stale in sorted(set(p.name for p in folder.glob("*.html")) - set(wanted)):
        (folder / stale).unlink()
        changed.append(stale)
    for name, text in wanted.items():
        path = folder / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            changed.append(name)
    return changed


if __name__ == "__main__":
    changed = write()
    print(f"{len(CORPUS)} dessins dans {FOLDER} ; modifiés : {', '.join(changed) or 'aucun'}")
    sys.exit(0)
