"""The deterministic demo data set: plausible daily series for every indicator of the catalogue.

The calibration is data (``demo.toml``, one entry per indicator identifier, validated by
``demo_calibration``); the shapes of a series are ``demo_shapes``. This module draws them, splits
each day's total between the members of every breakdown so that they add up exactly, and installs
the set in the store. Each random draw comes from its own generator, seeded by the seed and a
stable hash of (indicator, purpose), and is one array over the days in date order: a day's values
depend on the seed only, not on ``end``, so a longer demo extends a shorter one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from barometre.data import demo_shapes as shapes
from barometre.data.catalogue import Catalogue, Indicator
from barometre.data.demo_calibration import DEPARTEMENTS, CalibrationError, Params, Plan
from barometre.data.store import OBSERVATION_COLUMNS, HistoricalLoad, Store, UpdateSummary

# The demo's interface: callers (the CLI, the sources page) need only this module.
__all__ = [
    "DEMO_SOURCE",
    "DEPARTEMENTS",
    "CalibrationError",
    "DemoRefused",
    "generate",
    "geography",
    "history",
    "install",
    "notes",
]

DEMO_SOURCE = "Données de démonstration (générées)"


class DemoRefused(RuntimeError):
    """The store holds real data, which installing the demo set would erase."""


# -- public API ------------------------------------------------------------------------------


def generate(catalogue: Catalogue, end: dt.date, seed: int = 2018) -> pd.DataFrame:
    """Return the demo observations (``OBSERVATION_COLUMNS``) of every indicator up to ``end``."""
    if not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, not {seed!r}")
    plan = Plan(catalogue, _read_config())
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
    """Replace the store's observations with the demo set up to yesterday; refuse over real data.

    The set is published as a store fed every month would have been (``history``), so that
    frozen embeds, the « Révisions » and the public log of updates have a past to show.
    """
    if store.has_real_data() and not force:
        raise DemoRefused(
            "La base contient des données réelles (au moins une ingestion) : les données de "
            "démonstration les effaceraient. Relancez avec --force pour les remplacer quand même."
        )
    # Generate first: a calibration error must leave the store as it was.
    frame = generate(catalogue, today - dt.timedelta(days=1), seed)
    loads = history(frame, catalogue, today)
    store.clear_observations()
    store.sync_catalogue(catalogue)
    return store.apply_history(loads, kind="demo", source=DEMO_SOURCE)


# The day of the month and the hour (UTC) the demo's monthly publications are made.
PUBLICATION_DAY, PUBLICATION_TIME = 3, "07:00:00+00:00"
# Published months, counted back from the last one, in which an export counted a day twice,
# corrected in the next month's publication.
DOUBLED_MONTHS_BACK = (7, 3)
DOUBLED_DAY = 12


def history(frame: pd.DataFrame, catalogue: Catalogue, today: dt.date) -> list[HistoricalLoad]:
    """Split the demo set into the publications of a store loaded on the 3rd of every month.

    Each closed month is published on the 3rd of the next (07:00 UTC); the days since are
    published now. Twice, a day of a count is first published doubled (a duplicated export,
    every breakdown with it, so the sums still agree) and corrected the next month.
    """
    months = pd.to_datetime(frame["date"]).dt.to_period("M")
    loads, open_rows = [], []
    schedule = []
    for month, rows in frame.groupby(months, sort=True):
        published = (month + 1).start_time.date().replace(day=PUBLICATION_DAY)
        if published < today:
            schedule.append((month, published, rows))
        else:
            open_rows.append(rows)
    counts = [i for i in catalogue.indicators if i.aggregation == "somme" and i.breakdowns]
    doubled = {
        len(schedule) - back: counts[n % len(counts)]
        for n, back in enumerate(DOUBLED_MONTHS_BACK)
        if counts and back < len(schedule)
    }
    for position, (month, published, rows) in enumerate(schedule):
        motive = f"Chiffres de {month.strftime('%m/%Y')}"
        if position in doubled:
            rows = _doubled(rows, doubled[position].id, month)
        if position - 1 in doubled:
            fixed = _day_rows(schedule[position - 1][2], doubled[position - 1].id, month - 1)
            rows = pd.concat([rows, fixed], ignore_index=True)
            day = dt.date(month.year, month.month, 1) - dt.timedelta(days=1)
            motive += (
                f"\u00a0; correction du {DOUBLED_DAY:02d}/{day.strftime('%m/%Y')}"
                f" ({doubled[position - 1].title})\u00a0: journée comptée deux fois dans"
                " l'envoi précédent"
            )
        at = f"{published.isoformat()}T{PUBLICATION_TIME}"
        loads.append(HistoricalLoad(rows, motive, at))
    if open_rows:
        last = today - dt.timedelta(days=1)
        loads.append(
            HistoricalLoad(
                pd.concat(open_rows, ignore_index=True),
                f"Chiffres jusqu'au {last.strftime('%d/%m/%Y')}",
                dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            )
        )
    return loads


def _day_rows(rows: pd.DataFrame, indicator_id: str, month) -> pd.DataFrame:
    day = dt.date(month.year, month.month, DOUBLED_DAY).isoformat()
    dates = pd.to_datetime(rows["date"]).dt.strftime("%Y-%m-%d")
    return rows[(rows["indicator"] == indicator_id) & (dates == day)]


def _doubled(rows: pd.DataFrame, indicator_id: str, month) -> pd.DataFrame:
    rows = rows.copy()
    day = _day_rows(rows, indicator_id, month)
    rows.loc[day.index, "value"] = day["value"] * 2
    return rows


def notes(catalogue: Catalogue) -> list[str]:
    """Return, in French, where the demo falls back on generic parameters or ignores an entry."""
    return list(Plan(catalogue, _read_config()).notes)


def geography(catalogue: Catalogue) -> dict[str, str]:
    """Return the geography (a key of ``geographies.GEOGRAPHIES``) of every catalogue indicator."""
    return dict(Plan(catalogue, _read_config()).geography)


# -- calibration file ------------------------------------------------------------------------


def _read_config(path: Path | None = None) -> dict:
    """Return the raw calibration (``demo.toml`` beside this module), parsed but not validated."""
    path = path or Path(str(resources.files("barometre.data") / "demo.toml"))
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise CalibrationError(f"{path} : TOML invalide ({error}).") from None


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

    def __init__(self, catalogue: Catalogue, plan: Plan, end: dt.date, seed: int):
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
                counts = shapes.align(source.start, source.total, t, np.nan)
                usual = shapes.align(source.start, source.routine, t, np.nan)
                known = ~np.isnan(counts) & (usual > 0)
                load = np.where(known, counts / np.where(known, usual, 1.0), 1.0)
                weight = np.where(np.isnan(counts), 1.0, counts)
            total, routine = self._series(p, t, key, scale, load)
        for dim in indicator.breakdowns:
            if dim in parts:
                continue
            shares = self._prior(indicator.id, dim, t)
            if base is not None and dim in base.parts:
                counts = shapes.align(base.start, base.parts[dim], t, 0.0)
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
        level = shapes.interpolate(p.levels, t)
        if p.start is not None:
            level = np.where(t >= np.datetime64(p.start, "D").astype(np.int64), level, 0.0)
        if p.nature == "stock":
            return shapes.stock(level, p.noise, self._rng(*key, "bruit")), level
        routine = level * shapes.weekly(p.weekly, t) * shapes.yearly(p.yearly, t)
        expected = (
            routine
            * shapes.events(p.events, t)
            * shapes.noise(p.noise, p.persistence, len(t), self._rng(*key, "bruit"))
        )
        if p.nature == "comptage":
            return self._rng(*key, "tirage").poisson(expected).astype(float), routine
        if p.nature == "moyenne" and load is not None:
            expected = expected * load**p.elasticity
        return np.round(expected * scale) / scale, routine

    def _amounts(self, indicator: Indicator, p: Params, t, base: _Result, scale: float):
        """Return an amount derived from a count: per member, the sum of each unit's amount."""
        key = (indicator.id,)
        unit = shapes.interpolate(p.levels, t) * shapes.noise(
            p.noise, p.persistence, len(t), self._rng(*key, "bruit")
        )
        # A sum of c amounts with coefficient of variation v is close to a gamma of shape c / v².
        spread = p.dispersion**2
        draw = self._rng(*key, "montant")
        shared = [d for d in indicator.breakdowns if d in base.parts]
        if shared:
            counts = shapes.align(base.start, base.parts[shared[0]], t, 0.0)
            units = np.rint(draw.gamma(counts / spread) * (unit * spread * scale)[:, None])
            return units.sum(axis=1) / scale, {shared[0]: units / scale}
        counts = shapes.align(base.start, base.total, t, 0.0)
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
