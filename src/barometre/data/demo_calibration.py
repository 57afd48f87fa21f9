"""The demo's calibration: ``demo.toml`` validated and resolved against the catalogue.

Every indicator gets its ``Params`` (the shapes to draw: levels, profiles, events, noise, and how
its breakdowns split it), falling back on the generic parameters of its nature, and every
fallback or ignored entry becomes a note in French. A malformed file raises ``CalibrationError``
with where and how; nothing is drawn here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from barometre.data import geographies
from barometre.data.catalogue import Catalogue, Indicator

NATURES = ("comptage", "montant", "stock", "moyenne")
DEFAULT_NATURE = {"somme": "comptage", "dernier": "stock", "moyenne": "moyenne"}
FIELDS = frozenset(
    {
        "nature",
        "niveaux",
        "semaine",
        "annee",
        "bruit",
        "persistance",
        "evenements",
        "variation_parts",
        "parts",
        "base",
        "dispersion",
        "poids",
        "elasticite",
        "composantes",
        "debut",
    }
)
# What a component inherits from its indicator: the shapes, not the wiring.
INHERITED = ("semaine", "annee", "bruit", "persistance", "evenements", "dispersion")
# The breakdown whose shares come from an indicator's « geographie », not from « parts ».
DEPARTEMENTS = "departement"
DEFAULT_GEOGRAPHY = "population"


class CalibrationError(ValueError):
    """``demo.toml`` is malformed; the message says where and how."""


@dataclass(frozen=True)
class Event:
    """A dated shock: the level is multiplied by ``factor``, then fades back over ``fade`` days."""

    start: dt.date
    end: dt.date
    factor: float
    fade: int = 0


@dataclass(frozen=True)
class Params:
    """How to draw one series (an indicator, or one member of a bottom-up breakdown)."""

    nature: str
    levels: tuple[tuple[dt.date, float], ...]
    weekly: tuple[float, ...] = (1.0,) * 7
    yearly: tuple[float, ...] = (1.0,) * 12
    noise: float = 0.1
    persistence: float = 0.5
    events: tuple[Event, ...] = ()
    share_noise: float = 0.15
    base: str = ""
    dispersion: float = 1.0
    weight: str = ""
    elasticity: float = 0.0
    start: dt.date | None = None
    components: Mapping[str, Mapping[str, Params]] = field(default_factory=dict)


class Plan:
    """The parameters of every catalogue indicator, resolved against the catalogue, with notes."""

    def __init__(self, catalogue: Catalogue, config: dict):
        self.notes: list[str] = []
        self.params: dict[str, Params] = {}
        self.geography: dict[str, str] = {}
        self.shares: dict[tuple[str, str], tuple[tuple[dt.date | None, dict[str, float]], ...]] = {}
        entries = config.get("indicateurs", {})
        generic = config.get("generique", {})
        ventilations = config.get("ventilations", {})
        ids = {i.id for i in catalogue.indicators}
        try:
            departements = geographies.load()
        except geographies.GeographyError as error:
            raise CalibrationError(str(error)) from None
        for table, known in (("indicateurs", ids), ("ventilations", set(catalogue.breakdowns))):
            for unknown in sorted(set(config.get(table, {})) - known):
                self.notes.append(f"demo.toml : [{table}.{unknown}] hors du catalogue ; ignoré.")
        for indicator in catalogue.indicators:
            entry = entries.get(indicator.id)
            nature = (entry or {}).get("nature", DEFAULT_NATURE[indicator.aggregation])
            if nature not in NATURES:
                raise CalibrationError(
                    f"demo.toml [indicateurs.{indicator.id}] : nature {nature!r} inconnue ; "
                    f"attendue : {NATURES}."
                )
            if entry is None:
                self.notes.append(
                    f"« {indicator.id} » : pas de paramètres dans demo.toml, paramètres génériques "
                    f"« {nature} », géographie « {DEFAULT_GEOGRAPHY} »."
                )
            raw = {**generic.get(nature, {}), **(entry or {}), "nature": nature}
            place = self.geography[indicator.id] = self._geography(indicator.id, raw, entry)
            self.params[indicator.id] = self._resolve(catalogue, indicator, raw, ids)
            for dim in indicator.breakdowns:
                own = raw.get("parts", {}).get(dim)
                shared = ventilations.get(dim, {}).get("parts")
                if dim == DEPARTEMENTS:
                    if own is not None or shared is not None:
                        raise CalibrationError(
                            f"demo.toml : pas de parts pour « {dim} » ; elles suivent la "
                            f"« geographie » de chaque indicateur (data/{geographies.TABLE})."
                        )
                    own = geographies.weights(place, departements)
                self.shares[indicator.id, dim] = self._anchors(
                    catalogue, indicator.id, dim, own if own is not None else shared
                )
        for indicator_id, params in self.params.items():
            # An amount is split like the count it derives from: the same geography.
            if params.base and self.geography[indicator_id] != self.geography[params.base]:
                raise CalibrationError(
                    f"demo.toml [indicateurs.{indicator_id}] : géographie "
                    f"« {self.geography[indicator_id]} », mais sa base « {params.base} » a "
                    f"« {self.geography[params.base]} » ; elles doivent être les mêmes."
                )

    def _geography(self, indicator_id: str, raw: dict, entry: dict | None) -> str:
        """Return (and take out of ``raw``) the declared geography of an indicator."""
        value = raw.pop("geographie", None)
        if value is None:
            if entry is not None:
                self.notes.append(
                    f"« {indicator_id} » : pas de « geographie » dans demo.toml, "
                    f"« {DEFAULT_GEOGRAPHY} » par défaut."
                )
            return DEFAULT_GEOGRAPHY
        if not isinstance(value, str) or value not in geographies.GEOGRAPHIES:
            raise CalibrationError(
                f"demo.toml [indicateurs.{indicator_id}] : geographie {value!r} inconnue ; "
                f"attendue : {', '.join(geographies.GEOGRAPHIES)}."
            )
        return value

    def _resolve(self, catalogue: Catalogue, indicator: Indicator, raw: dict, ids: set) -> Params:
        where = f"demo.toml [indicateurs.{indicator.id}]"
        params = _params(raw, where)
        if params.base and params.base not in ids:
            self.notes.append(f"« {indicator.id} » : base « {params.base} » absente du catalogue.")
            params = replace(params, base="")
        if params.weight and params.weight not in ids:
            self.notes.append(
                f"« {indicator.id} » : poids « {params.weight} » absent du catalogue ; poids 1."
            )
            params = replace(params, weight="")
        components = {}
        for dim, members in raw.get("composantes", {}).items():
            if dim not in indicator.breakdowns:
                self.notes.append(
                    f"« {indicator.id} » : composantes « {dim} » hors de ses ventilations ; "
                    "ignorées."
                )
                continue
            if params.nature == "moyenne" or params.base:
                raise CalibrationError(
                    f"{where} : pas de composantes pour une moyenne ou un montant dérivé."
                )
            codes = catalogue.breakdowns[dim].codes
            self._mismatch(indicator.id, f"composantes « {dim} »", codes, members, "zéro")
            inherited = {k: raw[k] for k in INHERITED if k in raw}
            components[dim] = {
                code: _params(
                    {**inherited, **member, "nature": params.nature},
                    f"{where} composantes.{dim}.{code}",
                )
                for code, member in members.items()
                if code in codes
            }
        if len(components) > 1:
            raise CalibrationError(f"{where} : une seule ventilation peut avoir des composantes.")
        return replace(params, components=components)

    def _anchors(self, catalogue: Catalogue, indicator_id: str, dim: str, raw):
        codes = catalogue.breakdowns[dim].codes
        if raw is None:
            self.notes.append(f"« {indicator_id} » : pas de parts pour « {dim} », membres égaux.")
            return ((None, dict.fromkeys(codes, 1.0)),)
        tables = raw if isinstance(raw, list) else [raw]
        anchors = []
        for table in tables:
            if not isinstance(table, dict):
                raise CalibrationError(f"demo.toml : parts de « {dim} » : table attendue.")
            date = table.get("date")
            if len(tables) > 1 and not _is_date(date):
                raise CalibrationError(
                    f"demo.toml : parts de « {dim} » : chaque table de la liste a une « date »."
                )
            weights = {
                str(k): _positive(v, f"parts de « {dim} »", k, zero=True)
                for k, v in table.items()
                if k != "date"
            }
            if not any(weights.values()):
                raise CalibrationError(f"demo.toml : parts de « {dim} » toutes nulles.")
            self._mismatch(indicator_id, f"parts de « {dim} »", codes, weights, "poids moyen")
            anchors.append((date, weights))
        anchors.sort(key=lambda a: a[0] or dt.date.min)
        return tuple(anchors)

    def _mismatch(self, indicator_id: str, what: str, codes, given: Mapping, fallback: str):
        missing = ", ".join(c for c in codes if c not in given)
        unknown = ", ".join(c for c in given if c not in codes)
        if missing:
            self.notes.append(f"« {indicator_id} » : {what} sans {missing} ({fallback}).")
        if unknown:
            self.notes.append(f"« {indicator_id} » : {what}, inconnus ignorés : {unknown}.")


def _params(raw: dict, where: str) -> Params:
    unknown = sorted(set(raw) - FIELDS)
    if unknown:
        raise CalibrationError(
            f"{where} : champ(s) inconnu(s) {unknown} ; admis : {sorted(FIELDS)}."
        )
    levels = raw.get("niveaux")
    if not isinstance(levels, list) or not levels:
        raise CalibrationError(f"{where} : « niveaux » = [[date, valeur], …] est obligatoire.")
    anchors = []
    for anchor in levels:
        if not (isinstance(anchor, list) and len(anchor) == 2 and _is_date(anchor[0])):
            raise CalibrationError(
                f"{where} : « niveaux » : [date, valeur] attendu, pas {anchor!r}."
            )
        anchors.append((anchor[0], _positive(anchor[1], where, "niveaux", zero=True)))
    return Params(
        nature=raw["nature"],
        levels=tuple(sorted(anchors)),
        weekly=_profile(raw, "semaine", 7, where),
        yearly=_profile(raw, "annee", 12, where),
        noise=_positive(raw.get("bruit", 0.1), where, "bruit", zero=True),
        persistence=_fraction(raw.get("persistance", 0.5), where, "persistance"),
        events=tuple(_event(e, where) for e in raw.get("evenements", [])),
        share_noise=_positive(raw.get("variation_parts", 0.15), where, "variation_parts", True),
        base=str(raw.get("base", "")),
        dispersion=_positive(raw.get("dispersion", 1.0), where, "dispersion"),
        weight=str(raw.get("poids", "")),
        elasticity=float(raw.get("elasticite", 0.0)),
        start=_optional_date(raw.get("debut"), where, "debut"),
    )


def _profile(raw: dict, key: str, size: int, where: str) -> tuple[float, ...]:
    values = raw.get(key, [1.0] * size)
    if not isinstance(values, list) or len(values) != size:
        raise CalibrationError(f"{where} : « {key} » doit compter {size} coefficients.")
    return tuple(_positive(v, where, key) for v in values)


def _event(raw, where: str) -> Event:
    if not isinstance(raw, dict) or not (_is_date(raw.get("debut")) and _is_date(raw.get("fin"))):
        raise CalibrationError(f"{where} : événement {{debut, fin, facteur, retour}} attendu.")
    fade = raw.get("retour", 0)
    if not isinstance(fade, int) or fade < 0:
        raise CalibrationError(f"{where} : « retour » est un nombre de jours.")
    return Event(raw["debut"], raw["fin"], _positive(raw.get("facteur"), where, "facteur"), fade)


def _positive(value, where: str, key, zero: bool = False) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or value < 0
        or (value == 0 and not zero)
    ):
        raise CalibrationError(f"{where} : « {key} » doit être un nombre positif, pas {value!r}.")
    return float(value)


def _fraction(value, where: str, key: str) -> float:
    value = _positive(value, where, key, zero=True)
    if value >= 1:
        raise CalibrationError(f"{where} : « {key} » doit être compris entre 0 et 1 (exclu).")
    return value


def _is_date(value) -> bool:
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


def _optional_date(value, where: str, key: str) -> dt.date | None:
    if value is not None and not _is_date(value):
        raise CalibrationError(f"{where} : « {key} » doit être une date AAAA-MM-JJ.")
    return value
