"""Validation of what users send: periods, granularities, breakdowns — with French messages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from barometre.data.catalogue import GRANULARITIES, Indicator


class InvalidInput(ValueError):
    """A request parameter is wrong; ``parameter`` names it and the message says how to fix it."""

    def __init__(self, parameter: str, message: str):
        super().__init__(message)
        self.parameter = parameter
        self.message = message


class UnknownPublication(InvalidInput):
    """A well-formed « au » that names no publication: none yet at that date, or no such
    number (a resource that does not exist, not a malformed request)."""


@dataclass(frozen=True)
class Query:
    """A validated request for one indicator's series."""

    indicator: Indicator
    start: dt.date
    end: dt.date
    granularity: str
    # A département code ('' for all of France) when the indicator has that breakdown.
    departement: str = ""
    # The data of a past publication: a day (a frozen embed: the last publication of that day)
    # or a publication's number; ``None`` for the current one.
    as_of: dt.date | int | None = None

    def key(self) -> tuple:
        """Return what identifies the query, in plain values (cache keys, log lines)."""
        return (
            self.indicator.id,
            self.start,
            self.end,
            self.granularity,
            self.departement,
            self.as_of,
        )


@dataclass(frozen=True)
class Display:
    """What the evolution charts show besides the series (the page's two checkboxes)."""

    events: bool = True
    comparison: bool = False

    def clicks(self) -> tuple[int, int]:
        """Return the checkboxes' click counts that give this display (odd = not the default)."""
        return int(not self.events), int(self.comparison)

    def params(self) -> dict[str, str]:
        """Return the permalink's parameters for this display (none for the defaults)."""
        chosen = ([] if self.events else [EVENTS_HIDDEN]) + (
            [COMPARISON_SHOWN] if self.comparison else []
        )
        return dict(chosen)


DEFAULT_DISPLAY = Display()
# A display other than the default in a permalink (indicator and home pages), as (name, value).
EVENTS_HIDDEN = ("evenements", "non")
COMPARISON_SHOWN = ("comparer", "oui")
DISPLAY_PARAMS = (EVENTS_HIDDEN[0], COMPARISON_SHOWN[0])


def display_from_clicks(event_clicks: object, compare_clicks: object) -> Display:
    """Return the display the checkboxes' click counts give (anything else counts as none)."""

    def count(value: object) -> int:
        return value if isinstance(value, int) and value >= 0 else 0

    return Display(events=count(event_clicks) % 2 == 0, comparison=count(compare_clicks) % 2 == 1)


def display_from_params(params: dict[str, str]) -> Display:
    """Return the display a permalink asks for; any other value keeps the default, as a stale
    or hand-edited link still opens the page."""
    name, hidden = EVENTS_HIDDEN
    return Display(
        events=params.get(name) != hidden,
        comparison=params.get(COMPARISON_SHOWN[0]) == COMPARISON_SHOWN[1],
    )


def parse_date(value: object, parameter: str) -> dt.date | None:
    """Return the ISO date in ``value`` (``None`` if empty); ``InvalidInput`` otherwise."""
    if value in (None, ""):
        return None
    if not isinstance(value, str) or len(value) != 10:
        raise InvalidInput(parameter, f"« {parameter} » doit être une date au format AAAA-MM-JJ.")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(
            parameter, f"« {parameter} » : la date {value} n'existe pas (format AAAA-MM-JJ)."
        ) from None


def query(
    indicator: Indicator,
    bounds: tuple[dt.date, dt.date] | None,
    start: object,
    end: object,
    granularity: object,
    *,
    empty: bool = False,
) -> Query:
    """Validate a period and granularity for ``indicator``; missing values take defaults.

    The default period is the whole series; the default granularity is the month. A period
    without data (outside the series, or ending before it starts) is an error, or with
    ``empty`` the query for it as asked, which reads no row (the API's empty answers).
    """
    first, last = bounds or (indicator.start, indicator.start)
    if granularity in (None, ""):
        granularity = "mois" if "mois" in indicator.granularities else indicator.granularities[0]
    if granularity not in indicator.granularities:
        allowed = ", ".join(g for g in GRANULARITIES if g in indicator.granularities)
        raise InvalidInput("granularite", f"Granularité inconnue ; valeurs possibles : {allowed}.")
    start_date = parse_date(start, "debut") or first
    end_date = parse_date(end, "fin") or last
    if empty and (start_date > end_date or end_date < first or start_date > last):
        return Query(indicator, start_date, end_date, str(granularity))
    if start_date > end_date:
        raise InvalidInput("debut", "La date de début doit précéder la date de fin.")
    if end_date < first or start_date > last:
        raise InvalidInput(
            "debut",
            f"Aucune donnée sur cette période : les données couvrent du {first:%d/%m/%Y} "
            f"au {last:%d/%m/%Y}.",
        )
    return Query(indicator, max(start_date, first), min(end_date, last), str(granularity))


DEPARTEMENT = "departement"


def departement(indicator: Indicator, breakdown, value: object) -> str:
    """Return the département code chosen for ``indicator`` ('' for all of France).

    ``breakdown`` is the catalogue's « departement » breakdown; ``InvalidInput`` when the
    indicator has no such breakdown or the code is not one of its members.
    """
    if value in (None, ""):
        return ""
    if DEPARTEMENT not in indicator.breakdowns:
        raise InvalidInput(
            DEPARTEMENT,
            "Cet indicateur n'est pas ventilé par département : retirez « departement ».",
        )
    if not isinstance(value, str) or value not in breakdown.codes:
        # The value is not echoed: it may be anything, of any length.
        raise InvalidInput(
            DEPARTEMENT,
            "Département inconnu : choisissez un code de la liste (01 à 95, 2A, 2B, 971 à 976) "
            "ou « France entière ».",
        )
    return value


def with_departement(query: Query, breakdowns: dict, value: object) -> Query:
    """Return ``query`` restricted to the département ``value`` (validated; '' = France)."""
    code = departement(query.indicator, breakdowns.get(DEPARTEMENT), value)
    return replace(query, departement=code)


AS_OF = "au"


def as_of(store, value: object, today: dt.date, parameter: str = AS_OF) -> dt.date | int | None:
    """Return the publication ``value`` asks for: a day (AAAA-MM-JJ: the last publication made
    by its end), a publication number, or ``None`` (the current one) when it is empty.

    ``InvalidInput`` when ``value`` is malformed; ``UnknownPublication`` when it names no
    publication (a future day, a day before the first publication, a number out of range).
    """
    if value in (None, ""):
        return None
    name = f"«\u00a0{parameter}\u00a0»"
    if not isinstance(value, str) or not value.isascii():
        raise InvalidInput(parameter, _AS_OF_FORMAT.format(name=name))
    last = store.last_publication()
    if value.isdigit():
        # Twelve digits at most are read: a longer number is out of range all the same.
        number = int(value[-12:]) if len(value.lstrip("0")) <= 12 else 0
        if last == 0:
            raise UnknownPublication(parameter, _NO_PUBLICATION.format(name=name))
        if not 1 <= number <= last:
            raise UnknownPublication(
                parameter,
                f"{name}\u00a0: aucune publication ne porte ce numéro\u00a0; les publications"
                f" sont numérotées de 1 à {last}.",
            )
        return number
    if len(value) != 10 or not (value[4] == value[7] == "-" and value.replace("-", "").isdigit()):
        raise InvalidInput(parameter, _AS_OF_FORMAT.format(name=name))
    day = parse_date(value, parameter)
    if day > today:
        raise UnknownPublication(
            parameter,
            f"{name}\u00a0: le {day:%d/%m/%Y} est une date future\u00a0; choisissez une date"
            f" jusqu'au {today:%d/%m/%Y}.",
        )
    if last == 0:
        raise UnknownPublication(parameter, _NO_PUBLICATION.format(name=name))
    if store.publication_as_of(day) == 0:
        first = store.publication_day(1)
        raise UnknownPublication(
            parameter,
            f"{name}\u00a0: rien n'était publié le {day:%d/%m/%Y}\u00a0; la première"
            f" publication date du {first:%d/%m/%Y}, choisissez une date à partir de celle-ci.",
        )
    return day


_AS_OF_FORMAT = (
    "{name} doit être une date au format AAAA-MM-JJ ou un numéro de publication (1, 2…)."
)
_NO_PUBLICATION = "Aucune publication n'a encore été faite\u00a0: retirez {name}."
