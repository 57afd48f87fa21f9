"""A tiny store for the open-data tests: a few days, one breakdown with small counts."""

from __future__ import annotations

import pandas as pd

DAYS = ["2025-01-01", "2025-01-02", "2025-01-03"]
# perceval-signalements per département, summed over DAYS (January 2025, a closed month): 01 → 3
# (below 5: masked), 04 → 30 (the smallest count of at least 2 × 5 − 1: masked too, secondary
# suppression), 02 → 60, 03 → 90.
PER_DAY = {"01": 1, "02": 20, "03": 30, "04": 10}
MASKED = ("01", "04")
AMOUNTS = {"01": 111.5, "02": 2000.25, "03": 3000.0, "04": 777.75}


def fill(store) -> None:
    """Write the tiny data set into an empty store."""
    rows = []
    for day in DAYS:
        total = sum(PER_DAY.values())
        rows.append(("perceval-signalements", "", "", day, float(total), 1.0))
        rows.append(("perceval-montant", "", "", day, sum(AMOUNTS.values()), 1.0))
        rows.append(("brigade-numerique-delai-reponse", "", "", day, -2.5, 1.0))
        for member, value in PER_DAY.items():
            rows.append(("perceval-signalements", "departement", member, day, float(value), 1.0))
            rows.append(("perceval-montant", "departement", member, day, AMOUNTS[member], 1.0))
    frame = pd.DataFrame(
        rows, columns=["indicator", "dimension", "member", "date", "value", "weight"]
    )
    store.apply(frame, kind="ingestion", source="tests")
