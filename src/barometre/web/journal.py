"""« Journal des mises à jour »: every publication, what it changed and why.

One view model (``Entry``, ``JournalPage``) feeds three renderers: the pages (layouts/journal.py:
the most recent publications at ``/journal``, each year's at ``/journal/<année>``), the whole log
in JSON (``/journal.json``, its fields documented on the API page) and an Atom 1.0 feed of the
most recent publications (``/journal.atom``). Who loaded or published a file is internal: no
renderer is given it.

Times are shown in Paris time (« 3 novembre 2026 à 8 h 00 »), and a publication belongs to the
year of that local date; the JSON and Atom give the instant itself, in UTC.
"""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET  # noqa: S405  # nosec: builds XML, never parses it
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import flask
import pandas as pd
from markupsafe import escape

from barometre.charts import french
from barometre.charts.french import NBSP
from barometre.data.services import Services
from barometre.data.store import StoreError
from barometre.urls import Urls
from barometre.web import errors, views
from barometre.web.layouts.common import JOURNAL_PATH as PATH
from barometre.web.layouts.common import SITE_NAME

JSON_PATH = PATH + ".json"
ATOM_PATH = PATH + ".atom"
TITLE = "Journal des mises à jour"
PUBLISHER = "Gendarmerie nationale"
# The publications on /journal and in the Atom feed: more than a year of monthly ones.
RECENT = 20
PARIS = ZoneInfo("Europe/Paris")
ATOM = "http://www.w3.org/2005/Atom"
ATOM_TYPE = "application/atom+xml"
DESCRIPTION = (
    "Chaque publication des chiffres du Baromètre numérique\u00a0: sa date, son motif, ce "
    "qu'elle a ajouté, corrigé ou retiré pour chaque indicateur."
)


def local_time(at: str) -> dt.datetime:
    """Return a publication's instant (ISO 8601, UTC in the store) in Paris time."""
    return dt.datetime.fromisoformat(at).astimezone(PARIS)


def format_moment(at: str) -> str:
    """Return a publication's time in French, Paris time: « 3 novembre 2026 à 8 h 00 »."""
    moment = local_time(at)
    return f"{french.format_date(moment.date())} à {moment.hour}{NBSP}h{NBSP}{moment.minute:02d}"


def counted(count: int, singular: str, plural: str) -> str:
    """Return « 1 chiffre », « 0 retiré », « 11 010 chiffres »: French singular below two."""
    return f"{french.format_number(count)}{NBSP}{singular if count < 2 else plural}"


def counts_text(added: int, corrected: int, removed: int) -> str:
    """Return « 11 010 chiffres ajoutés, 69 corrigés, 0 retiré »."""
    return ", ".join(
        (
            counted(added, "chiffre ajouté", "chiffres ajoutés"),
            counted(corrected, "corrigé", "corrigés"),
            counted(removed, "retiré", "retirés"),
        )
    )


def publication_name(number: int) -> str:
    """Return « publication n° 12 » (no-break space after « n° »)."""
    return f"publication n°{NBSP}{number}"


@dataclass(frozen=True)
class Change:
    """What a publication changed in one indicator: rows (figures) added, corrected, removed."""

    indicator_id: str
    title: str
    listed: bool  # in the catalogue: its page exists
    added: int
    corrected: int
    removed: int

    @property
    def counts(self) -> str:
        """« 11 010 chiffres ajoutés, 69 corrigés, 0 retiré »."""
        return counts_text(self.added, self.corrected, self.removed)


@dataclass(frozen=True)
class Entry:
    """One publication as the public reads it (no user name: those are internal)."""

    number: int
    at: str  # ISO 8601, UTC
    kind: str  # 'publication', 'retour' (a roll-back) or 'reprise' (from before the log)
    motive: str
    restores: int | None  # a roll-back: the publication whose state it makes current again
    restores_year: int | None  # the year (of its Paris date) of that publication
    added: int
    corrected: int
    removed: int
    changes: tuple[Change, ...]

    @property
    def anchor(self) -> str:
        """The id of the entry on its page (``publication-12``)."""
        return f"publication-{self.number}"

    @property
    def year(self) -> int:
        """The year of its Paris date: the page it belongs to."""
        return local_time(self.at).year

    @property
    def date_text(self) -> str:
        """« 3 novembre 2026 à 8 h 00 »."""
        return format_moment(self.at)

    @property
    def heading(self) -> str:
        """« Publication n° 165 — 3 novembre 2026 à 8 h 00 »."""
        name = publication_name(self.number)
        return f"{name[:1].upper()}{name[1:]} — {self.date_text}"

    @property
    def restored(self) -> str:
        """« Retour à l'état de la publication n° 12 » for a roll-back, else ""."""
        if self.restores is None:
            return ""
        return f"Retour à l'état de la {publication_name(self.restores)}"

    @property
    def taken_over(self) -> str:
        """What an entry carried over from the log of before publications says of itself."""
        if self.kind != "reprise":
            return ""
        return "Mise à jour antérieure à ce journal, reprise du registre des chargements."

    @property
    def correction(self) -> str:
        """« Cette publication corrige 69 chiffres déjà publiés. » when it corrected or removed
        figures (never silent), else ""."""
        corrected, removed = self.corrected, self.removed
        if corrected and removed:
            what = (
                f"corrige {counted(corrected, 'chiffre', 'chiffres')} déjà "
                f"{'publié' if corrected < 2 else 'publiés'} et en retire "
                f"{french.format_number(removed)}"
            )
        elif corrected:
            what = f"corrige {counted(corrected, 'chiffre déjà publié', 'chiffres déjà publiés')}"
        elif removed:
            what = f"retire {counted(removed, 'chiffre déjà publié', 'chiffres déjà publiés')}"
        else:
            return ""
        return f"Cette publication {what}."

    @property
    def motive_text(self) -> str:
        """« Motif : … », or "" when none was given."""
        return f"Motif{NBSP}: {self.motive}" if self.motive.strip() else ""

    @property
    def counts(self) -> str:
        """« En tout : 11 010 chiffres ajoutés, 69 corrigés, 0 retiré. »"""
        return f"En tout{NBSP}: {counts_text(self.added, self.corrected, self.removed)}."


@dataclass(frozen=True)
class JournalPage:
    """A page of the journal: its heading, its publications (newest first), every year."""

    heading: str
    year: int | None  # None: the most recent publications
    entries: tuple[Entry, ...]
    years: tuple[int, ...]  # every year with a publication, newest first

    @property
    def groups(self) -> list[tuple[int, tuple[Entry, ...]]]:
        """The entries by year, newest first."""
        years = dict.fromkeys(entry.year for entry in self.entries)
        return [(y, tuple(e for e in self.entries if e.year == y)) for y in years]


def entries(services: Services) -> tuple[Entry, ...]:
    """Return every publication, newest first (memoized on the data version)."""
    return services.memoized("journal", (), lambda: _entries(services))


def _entries(services: Services) -> tuple[Entry, ...]:
    with services.store.snapshot():
        log = services.store.publications()
        changes = services.store.publication_changes()
    catalogue = services.catalogue
    order = {indicator.id: k for k, indicator in enumerate(catalogue.indicators)}
    by_publication: dict[int, list[Change]] = {}
    for row in changes.itertuples():
        known = catalogue.get(row.indicator)
        by_publication.setdefault(int(row.publication), []).append(
            Change(
                indicator_id=row.indicator,
                title=known.title if known else row.indicator,
                listed=known is not None,
                added=int(row.rows_added),
                corrected=int(row.rows_corrected),
                removed=int(row.rows_removed),
            )
        )
    years = {int(row.number): local_time(row.at).year for row in log.itertuples()}
    found = []
    for row in log.itertuples():
        number = int(row.number)
        restores = None if pd.isna(row.restores) else int(row.restores)
        touched = by_publication.get(number, [])
        found.append(
            Entry(
                number=number,
                at=row.at,
                kind=row.kind,
                motive=row.motive or "",
                restores=restores,
                restores_year=years.get(restores) if restores is not None else None,
                added=int(row.rows_added),
                corrected=int(row.rows_corrected),
                removed=int(row.rows_removed),
                changes=tuple(
                    sorted(touched, key=lambda c: (order.get(c.indicator_id, len(order)), c.title))
                ),
            )
        )
    return tuple(found)


def page_model(services: Services, year: int | None = None) -> JournalPage:
    """Return the most recent publications (``year`` None) or those of ``year``.

    Raises ``views.NoSuchPage`` for a year without any publication.
    """
    every = entries(services)
    years = tuple(dict.fromkeys(entry.year for entry in every))
    if year is None:
        return JournalPage(TITLE, None, every[:RECENT], years)
    if year not in years:
        raise views.NoSuchPage(f"{PATH}/{year}")
    shown = tuple(entry for entry in every if entry.year == year)
    return JournalPage(f"{TITLE} — {year}", year, shown, years)


def year_path(year: int) -> str:
    """Return the path of a year's page (without the prefix)."""
    return f"{PATH}/{year}"


def entry_path(number: int, year: int) -> str:
    """Return the path of a publication on its year's page (without the prefix)."""
    return f"{year_path(year)}#publication-{number}"


# -- the feeds -----------------------------------------------------------------------------------


def _absolute(services: Services, path: str, **query: object) -> str:
    return services.settings.public_url + Urls(services.settings.url_prefix).path(path, **query)


def json_document(services: Services) -> dict:
    """Return the whole log as the JSON ``/journal.json`` sends (fields in French)."""

    def indicator(change: Change) -> dict:
        return {
            "identifiant": change.indicator_id,
            "titre": change.title,
            "chiffres_ajoutes": change.added,
            "chiffres_corriges": change.corrected,
            "chiffres_retires": change.removed,
        }

    return {
        "titre": f"{TITLE} — {SITE_NAME}",
        "description": DESCRIPTION,
        "adresse": _absolute(services, PATH),
        "flux_atom": _absolute(services, ATOM_PATH),
        "publications": [
            {
                "numero": entry.number,
                "date": entry.at,
                "date_texte": entry.date_text,
                "titre": entry.heading,
                "adresse": _absolute(services, entry_path(entry.number, entry.year)),
                "nature": entry.kind,
                "retour_a": entry.restores,
                "motif": entry.motive,
                "correction": entry.correction or None,
                "chiffres_ajoutes": entry.added,
                "chiffres_corriges": entry.corrected,
                "chiffres_retires": entry.removed,
                "resume": entry.counts,
                "indicateurs": [indicator(change) for change in entry.changes],
            }
            for entry in entries(services)
        ],
    }


def entry_html(services: Services, entry: Entry) -> str:
    """Return what an Atom entry's content says, as HTML with absolute links: the page's
    paragraphs and list of indicators, from the same ``Entry``."""
    urls = Urls(services.settings.url_prefix)
    parts = []
    if entry.restored and entry.restores_year is not None:
        link = _absolute(services, entry_path(entry.restores, entry.restores_year))
        parts.append(f'<p><a href="{escape(link)}">{escape(entry.restored)}</a></p>')
    for text in (entry.taken_over, entry.motive_text):
        if text:
            parts.append(f"<p>{escape(text)}</p>")
    if entry.correction:
        parts.append(f"<p><strong>{escape(entry.correction)}</strong></p>")
    parts.append(f"<p>{escape(entry.counts)}</p>")
    items = []
    for change in entry.changes:
        name = escape(change.title)
        if change.listed:
            href = services.settings.public_url + urls.indicator(change.indicator_id)
            name = f'<a href="{escape(href)}">{name}</a>'
        items.append(f"<li>{name}{NBSP}: {escape(change.counts)}</li>")
    if items:
        parts.append(f"<ul>{''.join(items)}</ul>")
    return "".join(parts)


def atom_document(services: Services) -> bytes:
    """Return the Atom 1.0 feed of the ``RECENT`` most recent publications."""
    recent = entries(services)[:RECENT]

    def child(parent: ET.Element, tag: str, text: str | None = None, **attributes: str):
        element = ET.SubElement(parent, tag, attributes)
        element.text = text
        return element

    # Names without a namespace, the root declaring Atom's as the default: ElementTree would
    # otherwise need a prefix registered process-wide.
    feed = ET.Element("feed", {"xmlns": ATOM, "xml:lang": "fr"})
    child(feed, "id", _absolute(services, PATH))
    child(feed, "title", f"{TITLE} — {SITE_NAME}")
    child(feed, "subtitle", DESCRIPTION)
    # An empty log still has a valid feed: updated as of the epoch, nothing published yet.
    child(feed, "updated", recent[0].at if recent else "1970-01-01T00:00:00+00:00")
    child(child(feed, "author"), "name", PUBLISHER)
    child(feed, "link", rel="self", type=ATOM_TYPE, href=_absolute(services, ATOM_PATH))
    child(feed, "link", rel="alternate", type="text/html", href=_absolute(services, PATH))
    for entry in recent:
        item = child(feed, "entry")
        address = _absolute(services, entry_path(entry.number, entry.year))
        # The year of a publication never changes: its address on that page is permanent.
        child(item, "id", address)
        child(item, "title", entry.heading)
        child(item, "published", entry.at)
        child(item, "updated", entry.at)
        child(item, "link", rel="alternate", type="text/html", href=address)
        child(item, "content", entry_html(services, entry), type="html")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def head_links(services: Services) -> str:
    """Return the ``<link rel="alternate">`` tags naming the journal's JSON and Atom feed."""
    links = (
        (ATOM_TYPE, ATOM_PATH, f"{TITLE} (Atom)"),
        ("application/json", JSON_PATH, f"{TITLE} (JSON)"),
    )
    urls = Urls(services.settings.url_prefix)
    return "\n".join(
        f'<link rel="alternate" type="{kind}" href="{escape(urls.path(path))}"'
        f' title="{escape(title)}">'
        for kind, path, title in links
    )


def is_journal(services: Services, path: str) -> bool:
    """Return whether a request path (prefix included) is one of the journal's pages."""
    stripped = Urls(services.settings.url_prefix).strip(path)
    return stripped == PATH or stripped.startswith(PATH + "/")


def register(server: flask.Flask, services: Services) -> None:
    """Add ``/journal.json`` and ``/journal.atom`` to ``server``."""
    urls = Urls(services.settings.url_prefix)

    @server.get(urls.path(JSON_PATH))
    def journal_json():
        try:
            body = json.dumps(json_document(services), ensure_ascii=False)
        except StoreError:
            return errors.answer(503)
        return flask.Response(body, mimetype="application/json")

    @server.get(urls.path(ATOM_PATH))
    def journal_atom():
        try:
            body = atom_document(services)
        except StoreError:
            return errors.answer(503)
        return flask.Response(body, mimetype=ATOM_TYPE)
