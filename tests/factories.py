"""Hand-made catalogue objects for unit tests that should not depend on the shipped catalogue."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from barometre.catalogue import GRANULARITIES, Indicator


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
