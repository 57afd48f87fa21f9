"""Hand-made catalogue objects for unit tests that should not depend on the shipped catalogue."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from barometre.data.catalogue import GRANULARITIES, Breakdown, Indicator


def make_indicator(**changes) -> Indicator:
    """Return a daily count indicator, with ``changes`` applied."""
    base = Indicator(
        id="brigade-numerique-demandes",
        title="Demandes à la Brigade numérique",
        description="Demandes reçues.",
        family="brigade-numerique",
        unit="demandes",
        aggregation="somme",
        decimals=0,
        breakdowns=(),
        source="Source",
        methodology="Méthode",
        start=dt.date(2018, 1, 1),
        frequency="quotidienne",
        granularities=GRANULARITIES,
    )
    return replace(base, **changes)


MOTIF = Breakdown(
    id="motif",
    title="Motif de contact",
    members=(
        ("je-m-informe", "Je m'informe"),
        ("je-signale", "Je signale"),
        ("je-suis-victime", "Je suis victime"),
    ),
)
HEURE = Breakdown(
    id="heure",
    title="Heure de la journée",
    members=tuple((f"{h:02d}", f"{h} h") for h in range(24)),
)
DEPARTEMENTS = Breakdown(
    id="departement",
    title="Département",
    members=tuple((f"{n:02d}", f"Département {n:02d}") for n in range(1, 96) if n != 20)
    + (("2A", "Corse-du-Sud"), ("2B", "Haute-Corse"), ("971", "Guadeloupe"))
    + (("972", "Martinique"), ("973", "Guyane"), ("974", "La Réunion"), ("976", "Mayotte")),
)
