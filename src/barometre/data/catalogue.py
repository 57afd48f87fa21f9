"""The indicator catalogue: families, breakdowns and indicators declared in a TOML file."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

AGGREGATIONS = ("somme", "dernier", "moyenne")
GRANULARITIES = ("jour", "semaine", "mois", "annee")
GRANULARITY_LABELS = {"jour": "Jour", "semaine": "Semaine", "mois": "Mois", "annee": "Année"}
FREQUENCIES = {"quotidienne": 1, "hebdomadaire": 7, "mensuelle": 31}
IDENTIFIER = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class CatalogueError(ValueError):
    """The catalogue file is malformed; the message says where and how to fix it."""


@dataclass(frozen=True)
class Family:
    """A group of indicators shown together (one section of the home page)."""

    id: str
    title: str
    description: str


@dataclass(frozen=True)
class Breakdown:
    """A dimension along which an indicator is split (motif, département…)."""

    id: str
    title: str
    members: tuple[tuple[str, str], ...]

    def label(self, code: str) -> str:
        """Return the French label of a member code (the code itself if unknown)."""
        return self._labels.get(code, code)

    @functools.cached_property
    def _labels(self) -> dict[str, str]:
        # Built once: exports label every row, and a daily breakdown has very many.
        return dict(self.members)

    @property
    def codes(self) -> tuple[str, ...]:
        """The member codes, in catalogue order."""
        return tuple(code for code, _ in self.members)


@dataclass(frozen=True)
class Indicator:
    """One published figure and how to read, aggregate and present it."""

    id: str
    title: str
    description: str
    family: str
    unit: str
    aggregation: str
    decimals: int
    breakdowns: tuple[str, ...]
    source: str
    methodology: str
    start: dt.date
    frequency: str
    granularities: tuple[str, ...]


@dataclass(frozen=True)
class Catalogue:
    """Everything the catalogue file declares, validated."""

    families: tuple[Family, ...]
    breakdowns: dict[str, Breakdown]
    indicators: tuple[Indicator, ...]

    def indicator(self, indicator_id: str) -> Indicator:
        """Return the indicator with this identifier; ``KeyError`` if there is none."""
        for indicator in self.indicators:
            if indicator.id == indicator_id:
                return indicator
        raise KeyError(indicator_id)

    def get(self, indicator_id: str) -> Indicator | None:
        """Return the indicator with this identifier, or ``None``."""
        try:
            return self.indicator(indicator_id)
        except KeyError:
            return None

    def family(self, family_id: str) -> Family:
        """Return the family with this identifier."""
        return next(f for f in self.families if f.id == family_id)

    def of_family(self, family_id: str) -> tuple[Indicator, ...]:
        """Return the indicators of one family, in catalogue order."""
        return tuple(i for i in self.indicators if i.family == family_id)


def default_path() -> Path:
    """Return the path of the catalogue shipped with the package."""
    return Path(str(resources.files("barometre.data") / "catalogue.toml"))


def load(path: str | Path | None = None) -> Catalogue:
    """Read and validate a catalogue file (the packaged one by default)."""
    path = Path(path) if path else default_path()
    return parse(read_toml(path, "catalogue"), where=str(path))


def read_toml(path: Path, kind: str) -> dict:
    """Return the decoded TOML of a data file; ``CatalogueError`` naming the file if unreadable."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CatalogueError(f"{path} : fichier {kind} introuvable.") from None
    except tomllib.TOMLDecodeError as error:
        raise CatalogueError(f"{path} : TOML invalide ({error}).") from None


def parse(raw: dict, where: str = "catalogue") -> Catalogue:
    """Validate the decoded TOML of a catalogue and return it as objects."""
    families = tuple(
        Family(
            id=identifier_field(f, "identifiant", f"{where} [[familles]]"),
            title=text_field(f, "titre", f"{where} famille {f.get('identifiant')}"),
            description=text_field(f, "description", f"{where} famille {f.get('identifiant')}"),
        )
        for f in raw.get("familles", [])
    )
    if not families:
        raise CatalogueError(f"{where} : aucune [[familles]] déclarée.")
    breakdowns = {
        key: _breakdown(key, value, f"{where} [ventilations.{key}]")
        for key, value in raw.get("ventilations", {}).items()
    }
    indicators = tuple(
        _indicator(entry, {f.id for f in families}, breakdowns, f"{where} [[indicateurs]] n° {n}")
        for n, entry in enumerate(raw.get("indicateurs", []), start=1)
    )
    seen: set[str] = set()
    for indicator in indicators:
        if indicator.id in seen:
            raise CatalogueError(
                f"{where} : l'identifiant « {indicator.id} » est déclaré deux fois."
            )
        seen.add(indicator.id)
    return Catalogue(families=families, breakdowns=breakdowns, indicators=indicators)


def _breakdown(key: str, value: dict, where: str) -> Breakdown:
    if not IDENTIFIER.match(key):
        raise CatalogueError(f"{where} : identifiant invalide (minuscules, chiffres et tirets).")
    if "membres_fichier" in value:
        data = resources.files("barometre") / "data" / value["membres_fichier"]
        with data.open(encoding="utf-8") as handle:
            members = tuple((row["code"], row["nom"]) for row in csv.DictReader(handle))
    else:
        members = tuple((str(code), str(label)) for code, label in value.get("membres", []))
    if not members:
        raise CatalogueError(f"{where} : « membres » ou « membres_fichier » est obligatoire.")
    return Breakdown(id=key, title=text_field(value, "titre", where), members=members)


def _indicator(entry: dict, families: set[str], breakdowns: dict, where: str) -> Indicator:
    indicator_id = identifier_field(entry, "identifiant", where)
    where = f"{where} (« {indicator_id} »)"
    family = text_field(entry, "famille", where)
    if family not in families:
        raise CatalogueError(
            f"{where} : famille « {family} » inconnue ; attendue : {sorted(families)}."
        )
    aggregation = choice_field(entry, "agregation", AGGREGATIONS, where)
    unknown = [b for b in entry.get("ventilations", []) if b not in breakdowns]
    if unknown:
        raise CatalogueError(f"{where} : ventilation(s) inconnue(s) {unknown}.")
    granularities = tuple(entry.get("granularites", GRANULARITIES))
    for granularity in granularities:
        if granularity not in GRANULARITIES:
            raise CatalogueError(
                f"{where} : granularité « {granularity} » inconnue ; attendue : {GRANULARITIES}."
            )
    start = date_field(entry, "debut", where)
    decimals = entry.get("decimales", 0)
    if not isinstance(decimals, int) or not 0 <= decimals <= 3:
        raise CatalogueError(f"{where} : « decimales » doit être un entier de 0 à 3.")
    return Indicator(
        id=indicator_id,
        title=text_field(entry, "titre", where),
        description=text_field(entry, "description", where),
        family=family,
        unit=text_field(entry, "unite", where),
        aggregation=aggregation,
        decimals=decimals,
        breakdowns=tuple(entry.get("ventilations", [])),
        source=text_field(entry, "source", where),
        methodology=text_field(entry, "methodologie", where),
        start=start,
        frequency=choice_field(entry, "frequence", tuple(FREQUENCIES), where),
        granularities=granularities,
    )


def date_field(entry: dict, key: str, where: str) -> dt.date:
    """Return a TOML date field (a bare AAAA-MM-JJ, not a date-time) or raise naming it."""
    value = entry.get(key)
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise CatalogueError(f"{where} : « {key} » doit être une date AAAA-MM-JJ, sans guillemets.")
    return value


def text_field(entry: dict, key: str, where: str) -> str:
    """Return a required, non-empty text field or raise naming it."""
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise CatalogueError(f"{where} : le champ « {key} » (texte non vide) est obligatoire.")
    return value.strip()


def identifier_field(entry: dict, key: str, where: str) -> str:
    """Return an identifier field (lowercase letters, digits, dashes) or raise naming it."""
    value = text_field(entry, key, where)
    if not IDENTIFIER.match(value):
        raise CatalogueError(
            f"{where} : identifiant « {value} » invalide : "
            "minuscules, chiffres et tirets seulement."
        )
    return value


def choice_field(entry: dict, key: str, allowed: tuple[str, ...], where: str) -> str:
    """Return a field whose value must be one of ``allowed`` or raise listing them."""
    value = entry.get(key)
    if value not in allowed:
        raise CatalogueError(f"{where} : « {key} » vaut {value!r} ; valeurs admises : {allowed}.")
    return value
