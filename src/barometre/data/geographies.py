"""The demo's two geographies of the départements: who lives there, and whom the gendarmerie serves.

``data/departements-population.csv`` holds, per département, the resident population and the
estimated share of it that lives in the gendarmerie's zone (outside the police nationale's
districts). It is a declared approximation for the demo data only: its rule and sources are in
``data/departements-population.NOTICE.md``.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

# The values of « geographie » in demo.toml, with what they mean for a reader.
GEOGRAPHIES = {
    "population": "population résidente",
    "zone-gendarmerie": "population de la zone gendarmerie",
}
TABLE = "departements-population.csv"
COLUMNS = ("code", "population_milliers", "zone_gendarmerie_pct", "police_nationale")


class GeographyError(ValueError):
    """The table of départements is malformed, or a geography is unknown."""


@dataclass(frozen=True)
class Departement:
    """One row of the table: population in thousands, gendarmerie share between 0 and 1."""

    code: str
    population: float
    gendarmerie_share: float
    police: str

    def weight(self, geography: str) -> float:
        """Return the population (thousands) that counts for ``geography``."""
        if geography == "zone-gendarmerie":
            return self.population * self.gendarmerie_share
        return self.population


def default_path() -> Path:
    """Return the table shipped with the package."""
    return Path(str(resources.files("barometre") / "data" / TABLE))


def load(path: Path | None = None) -> tuple[Departement, ...]:
    """Return the rows of the table, checked: unique codes, positive populations, shares in %."""
    path = path or default_path()
    with path.open(encoding="utf-8", newline="") as file:
        reader = csv.DictReader(file)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise GeographyError(f"{path.name} : colonnes attendues {', '.join(COLUMNS)}.")
        rows = [_row(record, path.name, line) for line, record in enumerate(reader, start=2)]
    codes = [row.code for row in rows]
    if len(set(codes)) != len(codes):
        raise GeographyError(f"{path.name} : un code de département y figure deux fois.")
    return tuple(rows)


def weights(geography: str, table: tuple[Departement, ...] | None = None) -> dict[str, float]:
    """Return the weight of every département for ``geography``, in thousands of residents."""
    if geography not in GEOGRAPHIES:
        raise GeographyError(
            f"géographie {geography!r} inconnue ; attendue : {', '.join(GEOGRAPHIES)}."
        )
    return {row.code: row.weight(geography) for row in table or load()}


def gendarmerie_share(table: tuple[Departement, ...] | None = None) -> float:
    """Return the share of the whole population that lives in the gendarmerie's zone."""
    table = table or load()
    served = sum(row.weight("zone-gendarmerie") for row in table)
    return served / sum(row.population for row in table)


def _row(record: dict, name: str, line: int) -> Departement:
    try:
        population = float(record["population_milliers"])
        share = float(record["zone_gendarmerie_pct"])
    except (TypeError, ValueError):
        raise GeographyError(f"{name}, ligne {line} : nombres attendus.") from None
    if not (math.isfinite(population) and population > 0 and 0 <= share <= 100):
        raise GeographyError(
            f"{name}, ligne {line} : population positive et part entre 0 et 100 attendues."
        )
    return Departement(record["code"], population, share / 100, record["police_nationale"])
