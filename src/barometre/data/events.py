"""Dated events marked on the time charts (openings, lockdowns, changes of method), as data.

The events live in ``events.toml`` beside the catalogue; each one says which indicators or
families it concerns, and only their charts, summaries and tables mention it. The file is read
with the catalogue's own field helpers, so its errors read like the catalogue's.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from barometre.data.catalogue import (
    Catalogue,
    CatalogueError,
    Indicator,
    choice_field,
    date_field,
    identifier_field,
    read_toml,
    text_field,
)

NATURES = ("contexte", "ouverture", "changement de méthode", "changement de source")


@dataclass(frozen=True)
class Event:
    """One dated event (``end`` set: a span of days, shown as a band) and what it concerns."""

    id: str
    title: str
    start: dt.date
    end: dt.date | None
    description: str
    concerns: tuple[str, ...]
    nature: str = "contexte"

    @property
    def last_day(self) -> dt.date:
        """The event's last day (its only day when it has no end)."""
        return self.end or self.start

    def concerns_indicator(self, indicator: Indicator) -> bool:
        """Return whether the event was declared for this indicator or for its family."""
        return indicator.id in self.concerns or indicator.family in self.concerns

    def overlaps(self, first: dt.date, last: dt.date) -> bool:
        """Return whether the event has at least one day between ``first`` and ``last``."""
        return self.start <= last and self.last_day >= first


@dataclass(frozen=True)
class Events:
    """Every declared event, in file order, with a digest that changes when the file does."""

    items: tuple[Event, ...] = ()

    @property
    def digest(self) -> str:
        """A short fingerprint of the events, part of the cache keys of the charts."""
        return hashlib.sha256(repr(self.items).encode()).hexdigest()[:16]

    def concerning(self, indicator: Indicator) -> tuple[Event, ...]:
        """Return the events that concern ``indicator``, in date order."""
        chosen = (e for e in self.items if e.concerns_indicator(indicator))
        return tuple(sorted(chosen, key=lambda e: (e.start, e.last_day)))


def default_path() -> Path:
    """Return the path of the events file shipped with the package."""
    return Path(str(resources.files("barometre.data") / "events.toml"))


def load(catalogue: Catalogue, path: str | Path | None = None) -> Events:
    """Read and validate an events file (the packaged one by default) against ``catalogue``."""
    path = Path(path) if path else default_path()
    return parse(read_toml(path, "des événements"), catalogue, where=str(path))


def parse(raw: dict, catalogue: Catalogue, where: str = "événements") -> Events:
    """Validate the decoded TOML of an events file and return its events."""
    known = {i.id for i in catalogue.indicators} | {f.id for f in catalogue.families}
    entries = raw.get("evenements", [])
    if not isinstance(entries, list):
        raise CatalogueError(f"{where} : les événements se déclarent en [[evenements]].")
    items = tuple(
        _event(entry, known, f"{where} [[evenements]] n° {n}")
        for n, entry in enumerate(entries, start=1)
    )
    seen: set[str] = set()
    for event in items:
        if event.id in seen:
            raise CatalogueError(
                f"{where} : l'événement « {event.id} » est déclaré deux fois ; "
                "donnez à chacun un identifiant différent."
            )
        seen.add(event.id)
    return Events(items)


def _event(entry: dict, known: set[str], where: str) -> Event:
    event_id = identifier_field(entry, "identifiant", where)
    where = f"{where} (« {event_id} »)"
    start = date_field(entry, "debut", where)
    end = date_field(entry, "fin", where) if "fin" in entry else None
    if end is not None and end < start:
        raise CatalogueError(
            f"{where} : « fin » ({end.isoformat()}) précède « debut » ({start.isoformat()}) ; "
            "inversez-les ou retirez « fin » pour un événement d'un jour."
        )
    concerns = entry.get("concerne")
    if (
        not isinstance(concerns, list)
        or not concerns
        or not all(isinstance(c, str) for c in concerns)
    ):
        raise CatalogueError(
            f"{where} : « concerne » doit être une liste non vide d'identifiants "
            'd\'indicateurs ou de familles, par exemple ["thesee-plaintes"].'
        )
    unknown = sorted(set(concerns) - known)
    if unknown:
        raise CatalogueError(
            f"{where} : « concerne » cite {unknown}, absent(s) du catalogue ; "
            f"identifiants admis : {sorted(known)}."
        )
    nature = choice_field(entry, "nature", NATURES, where) if "nature" in entry else "contexte"
    return Event(
        id=event_id,
        title=text_field(entry, "titre", where),
        start=start,
        end=end,
        description=text_field(entry, "description", where),
        concerns=tuple(concerns),
        nature=nature,
    )
