"""The deterministic demo data set: plausible daily series for every indicator of the catalogue.

The calibration is data (``demo.toml``, one entry per indicator identifier); this module only knows
shapes: a level interpolated between dated anchors, weekly and yearly profiles, dated events
(lockdowns), autocorrelated noise, and the split of each day's total between the members of every
breakdown so that they add up exactly. Each random draw comes from its own generator, seeded by the
seed and a stable hash of (indicator, purpose), and is one array over the days in date order: a
day's values depend on the seed only, not on ``end``, so a longer demo extends a shorter one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from barometre.data import geographies
from barometre.data.catalogue import Catalogue, Indicator
from barometre.data.store import OBSERVATION_COLUMNS, Store, UpdateSummary

DEMO_SOURCE = "Données de démonstration (générées)"
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


class DemoRefused(RuntimeError):
    """The store holds real data, which installing the demo set would erase."""


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


# -- public API ------------------------------------------------------------------------------


def generate(catalogue: Catalogue, end: dt.date, seed: int = 2018) -> pd.DataFrame:
    """Return the demo observations (``OBSERVATION_COLUMNS``) of every indicator up to ``end``."""
    if not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, not {seed!r}")
    plan = _Plan(catalogue, _read_config())
    builder = _Builder(catalogue, plan, end, seed)
    blocks = [builder.rows(indicator) for indicator in catalogue.indicators]
    blocks = [b for b in blocks if b is not None]
    if not blocks:
        return pd.DataFrame(
            {
                c: pd.Series(dtype=float if c in ("value", "weight") else str)
                for c in OBSERVATION_COLUMNS
            }
        )
    return pd.DataFrame(
        {column: np.concatenate([b[column] for b in blocks]) for column in OBSERVATION_COLUMNS}
    )


def install(
    store: Store, catalogue: Catalogue, *, today: dt.date, force: bool = False, seed: int = 2018
) -> UpdateSummary:
    """Replace the store's observations with the demo set up to yesterday; refuse over real data."""
    if store.has_real_data() and not force:
        raise DemoRefused(
            "La base contient des données réelles (au moins une ingestion) : les données de "
            "démonstration les effaceraient. Relancez avec --force pour les remplacer quand même."
        )
    # Generate first: a calibration error must leave the store as it was.
    frame = generate(catalogue, today - dt.timedelta(days=1), seed)
    store.clear_observations()
    store.sync_catalogue(catalogue)
    return store.apply(frame, kind="demo", source=DEMO_SOURCE)


def notes(catalogue: Catalogue) -> list[str]:
    """Return, in French, where the demo falls back on generic parameters or ignores an entry."""
    return list(_Plan(catalogue, _read_config()).notes)


def geography(catalogue: Catalogue) -> dict[str, str]:
    """Return the geography (a key of ``geographies.GEOGRAPHIES``) of every catalogue indicator."""
    return dict(_Plan(catalogue, _read_config()).geography)


# -- calibration file ------------------------------------------------------------------------


def _read_config(path: Path | None = None) -> dict:
    path = path or Path(str(resources.files("barometre.data") / "demo.toml"))
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise CalibrationError(f"{path} : TOML invalide ({error}).") from None


class _Plan:
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


# -- generation ------------------------------------------------------------------------------


@dataclass
class _Result:
    """One indicator's generated days, national series and breakdowns."""

    start: int  # first day, as days since 1970-01-01
    total: np.ndarray  # (days,)
    routine: np.ndarray  # the usual level (no event, no noise): the reference of a load
    weight: np.ndarray  # (days,)
    parts: dict[str, np.ndarray]  # dimension -> (days, members)
    part_weights: dict[str, np.ndarray]


class _Builder:
    """Generates the indicators of one demo set, each once, dependencies (base, poids) first."""

    def __init__(self, catalogue: Catalogue, plan: _Plan, end: dt.date, seed: int):
        self.catalogue, self.plan, self.seed = catalogue, plan, seed
        self.end = np.datetime64(end, "D").astype(np.int64)
        self.results: dict[str, _Result] = {}
        self.pending: set[str] = set()

    def rows(self, indicator: Indicator) -> dict[str, np.ndarray] | None:
        """Return the observation columns of one indicator, or ``None`` if it has no day yet."""
        result = self.result(indicator.id)
        n = len(result.total)
        if n == 0:
            return None
        labels, values, weights = [("", "")], [result.total], [result.weight]
        for dim in indicator.breakdowns:
            labels += [(dim, code) for code in self.catalogue.breakdowns[dim].codes]
            values.append(result.parts[dim].T.ravel())
            part_weights = result.part_weights.get(dim)
            weights.append(
                np.ones(result.parts[dim].size) if part_weights is None else part_weights.T.ravel()
            )
        days = np.arange(result.start, result.start + n).astype("datetime64[D]")
        return {
            "indicator": np.full(n * len(labels), indicator.id),
            "dimension": np.repeat(np.array([d for d, _ in labels]), n),
            "member": np.repeat(np.array([m for _, m in labels]), n),
            "date": np.tile(np.datetime_as_string(days, unit="D"), len(labels)),
            "value": np.concatenate(values).astype(float),
            "weight": np.concatenate(weights).astype(float),
        }

    def result(self, indicator_id: str) -> _Result:
        """Return the generated series of an indicator, building what it depends on first."""
        if indicator_id not in self.results:
            if indicator_id in self.pending:
                raise CalibrationError(
                    f"demo.toml : « base » ou « poids » circulaire ({indicator_id})."
                )
            self.pending.add(indicator_id)
            self.results[indicator_id] = self._build(self.catalogue.indicator(indicator_id))
        return self.results[indicator_id]

    def _rng(self, *key: str) -> np.random.Generator:
        digest = hashlib.blake2b("/".join(key).encode(), digest_size=8).digest()
        return np.random.default_rng([self.seed, int.from_bytes(digest, "little")])

    def _build(self, indicator: Indicator) -> _Result:
        p = self.plan.params[indicator.id]
        start = np.datetime64(indicator.start, "D").astype(np.int64)
        t = np.arange(start, max(start, self.end + 1))
        key, scale = (indicator.id,), 10.0**indicator.decimals
        weight, parts, part_weights, base = np.ones(len(t)), {}, {}, None
        if p.components:
            ((dim, members),) = p.components.items()
            columns = [
                self._series(members[c], t, (*key, dim, c), scale)
                if c in members
                else (np.zeros(len(t)), np.zeros(len(t)))
                for c in self.catalogue.breakdowns[dim].codes
            ]
            parts[dim] = np.column_stack([v for v, _ in columns])
            total, routine = parts[dim].sum(axis=1), np.sum([r for _, r in columns], axis=0)
        elif p.nature == "montant" and p.base:
            base = self.result(p.base)
            total, parts = self._amounts(indicator, p, t, base, scale)
            routine = total
        else:
            load = None
            if p.weight:
                source = self.result(p.weight)
                counts = _align(source.start, source.total, t, np.nan)
                usual = _align(source.start, source.routine, t, np.nan)
                known = ~np.isnan(counts) & (usual > 0)
                load = np.where(known, counts / np.where(known, usual, 1.0), 1.0)
                weight = np.where(np.isnan(counts), 1.0, counts)
            total, routine = self._series(p, t, key, scale, load)
        for dim in indicator.breakdowns:
            if dim in parts:
                continue
            shares = self._prior(indicator.id, dim, t)
            if base is not None and dim in base.parts:
                counts = _align(base.start, base.parts[dim], t, 0.0)
                sums = counts.sum(axis=1, keepdims=True)
                shares = np.where(sums > 0, counts / np.where(sums > 0, sums, 1.0), shares)
            parts[dim], part_weights[dim] = _split(
                p,
                total,
                weight,
                shares,
                scale,
                self._rng(*key, dim, "parts"),
                self._rng(*key, dim, "tirage"),
            )
        return _Result(int(start), total, routine, weight, parts, part_weights)

    def _series(self, p: Params, t: np.ndarray, key: tuple, scale: float, load=None):
        """Return (values, usual level) of one series drawn on its own."""
        level = _interpolate(p.levels, t)
        if p.start is not None:
            level = np.where(t >= np.datetime64(p.start, "D").astype(np.int64), level, 0.0)
        if p.nature == "stock":
            return _stock(level, p.noise, self._rng(*key, "bruit")), level
        routine = level * _weekly(p.weekly, t) * _yearly(p.yearly, t)
        expected = (
            routine
            * _events(p.events, t)
            * _noise(p.noise, p.persistence, len(t), self._rng(*key, "bruit"))
        )
        if p.nature == "comptage":
            return self._rng(*key, "tirage").poisson(expected).astype(float), routine
        if p.nature == "moyenne" and load is not None:
            expected = expected * load**p.elasticity
        return np.round(expected * scale) / scale, routine

    def _amounts(self, indicator: Indicator, p: Params, t, base: _Result, scale: float):
        """Return an amount derived from a count: per member, the sum of each unit's amount."""
        key = (indicator.id,)
        unit = _interpolate(p.levels, t) * _noise(
            p.noise, p.persistence, len(t), self._rng(*key, "bruit")
        )
        # A sum of c amounts with coefficient of variation v is close to a gamma of shape c / v².
        spread = p.dispersion**2
        draw = self._rng(*key, "montant")
        shared = [d for d in indicator.breakdowns if d in base.parts]
        if shared:
            counts = _align(base.start, base.parts[shared[0]], t, 0.0)
            units = np.rint(draw.gamma(counts / spread) * (unit * spread * scale)[:, None])
            return units.sum(axis=1) / scale, {shared[0]: units / scale}
        counts = _align(base.start, base.total, t, 0.0)
        return np.rint(draw.gamma(counts / spread) * unit * spread * scale) / scale, {}

    def _prior(self, indicator_id: str, dim: str, t: np.ndarray) -> np.ndarray:
        codes = self.catalogue.breakdowns[dim].codes
        anchors = self.plan.shares[indicator_id, dim]
        table = np.array([[w.get(c, np.mean(list(w.values()))) for c in codes] for _, w in anchors])
        if len(anchors) == 1:
            return np.broadcast_to(table[0] / table[0].sum(), (len(t), len(codes)))
        x = [np.datetime64(d, "D").astype(np.int64) for d, _ in anchors]
        shares = np.column_stack([np.interp(t, x, table[:, k]) for k in range(len(codes))])
        return shares / shares.sum(axis=1, keepdims=True)


def _split(p: Params, total, weight, shares, scale, noise_rng, draw_rng):
    """Split each day's total between members, so that they add up exactly (or average to it)."""
    n, k = shares.shape
    wobble = np.exp(p.share_noise * noise_rng.normal(size=(n, k)) - p.share_noise**2 / 2)
    if p.nature == "moyenne":
        # Members of a mean: their weighted mean is the day's value.
        factor = wobble / (shares * wobble).sum(axis=1, keepdims=True)
        return total[:, None] * factor, weight[:, None] * shares
    if p.nature != "stock":  # a stock's members move smoothly: no daily wobble
        shares = shares * wobble
        shares = shares / shares.sum(axis=1, keepdims=True)
    if p.nature == "comptage":
        # Each unit lands in one member: a multinomial draw is exact and unbiased, even for the
        # tiny expected counts of small départements (rounding would give them nothing at all).
        return draw_rng.multinomial(total.astype(np.int64), shares).astype(float), None
    return _largest_remainder(np.rint(total * scale), shares) / scale, None


def _largest_remainder(totals: np.ndarray, shares: np.ndarray) -> np.ndarray:
    """Return integer parts of ``totals`` proportional to ``shares``, adding up exactly."""
    raw = totals[:, None] * shares
    parts = np.floor(raw)
    missing = totals - parts.sum(axis=1)
    order = np.argsort(parts - raw, axis=1, kind="stable")  # largest remainder first
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.broadcast_to(np.arange(shares.shape[1]), order.shape), axis=1)
    return parts + (rank < missing[:, None])


def _interpolate(anchors, t: np.ndarray) -> np.ndarray:
    x = np.array([np.datetime64(d, "D").astype(np.int64) for d, _ in anchors])
    y = np.array([v for _, v in anchors])
    if (y > 0).all():  # geometric: growth reads as a steady rate
        return np.exp(np.interp(t, x, np.log(y)))
    return np.interp(t, x, y)


def _weekly(profile, t: np.ndarray) -> np.ndarray:
    profile = np.asarray(profile)
    return (profile / profile.mean())[(t + 3) % 7]  # 1970-01-01 was a Thursday; Monday is 0


def _yearly(profile, t: np.ndarray) -> np.ndarray:
    profile = np.asarray(profile)
    days = t.astype("datetime64[D]")
    year = days.astype("datetime64[Y]")
    first = year.astype("datetime64[D]")
    fraction = (days - first) / ((year + 1).astype("datetime64[D]") - first)
    # Monthly values sit mid-month; between them, periodic linear interpolation.
    return np.interp(12 * fraction - 0.5, np.arange(12), profile / profile.mean(), period=12)


def _events(events, t: np.ndarray) -> np.ndarray:
    factor = np.ones(len(t))
    for event in events:
        first, last = (np.datetime64(d, "D").astype(np.int64) for d in (event.start, event.end))
        shock = np.where((t >= first) & (t <= last), event.factor, 1.0)
        if event.fade:
            fading = (t > last) & (t <= last + event.fade)
            progress = (t - last) / (event.fade + 1)
            shock = np.where(fading, event.factor + (1 - event.factor) * progress, shock)
        factor *= shock
    return factor


def _noise(sigma: float, persistence: float, n: int, rng: np.random.Generator) -> np.ndarray:
    """Return a multiplicative noise of mean 1, remembered from day to day (causal filter)."""
    white = rng.normal(size=n)
    if sigma == 0 or n == 0:
        return np.ones(n)
    length = 1 if persistence == 0 else min(90, int(np.ceil(np.log(0.01) / np.log(persistence))))
    kernel = persistence ** np.arange(length)
    kernel /= np.sqrt((kernel**2).sum())
    walk = np.convolve(white, kernel)[:n]
    return np.exp(sigma * walk - sigma**2 / 2)


def _stock(trend: np.ndarray, sigma: float, rng: np.random.Generator) -> np.ndarray:
    """Return a stock that follows ``trend`` with noisy daily gains (never noisy losses)."""
    steps = np.diff(trend, prepend=0.0)
    shape = 1 / sigma**2 if sigma > 0 else np.inf
    gains = rng.gamma(shape, 1 / shape, size=len(trend)) if sigma > 0 else np.ones(len(trend))
    # The first day (or a launch) sets the level: only later gains are noisy.
    before = np.concatenate([[0.0], trend[:-1]])
    steps = np.where(before > 0, steps * gains, steps)
    return np.maximum(np.rint(np.cumsum(steps)), 0.0)


def _align(start: int, values: np.ndarray, t: np.ndarray, fill: float) -> np.ndarray:
    """Return ``values`` (starting on day ``start``) re-indexed on the days ``t``."""
    index = t - start
    known = (index >= 0) & (index < len(values))
    out = np.full((len(t), *values.shape[1:]), fill, dtype=float)
    out[known] = values[index[known]]
    return out
