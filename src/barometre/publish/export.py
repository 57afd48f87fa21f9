"""Open-data serialisation shared by the API, the downloads and the data package.

Every frame that leaves the site goes through here, so that three rules hold everywhere:

- breakdowns are read from the published layer (``publish.published``) only: a value not
  published is a JSON ``null`` with ``"masque": true``, and the text « n.d. » in CSV;
- CSV is UTF-8, comma-separated, with a header, ISO dates, dot decimals and RFC 4180 quoting
  (Python's ``csv`` module), and a text cell that a spreadsheet would run as a formula is
  prefixed with ``'``; numbers are written as numbers, so a negative value stays a number;
- field names are French (``date``, ``membre``, ``libelle``, ``valeur``, ``jours``, ``masque``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import os
import shutil
import tempfile
import zipfile
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from barometre.data.catalogue import Catalogue, Indicator
from barometre.data.services import Services
from barometre.data.store import AsOf, DiskError
from barometre.publish import published, secrecy
from barometre.publish.validation import Query

# The folder a package is written in before its files are moved to where they were asked.
PARTIAL_FOLDER = ".paquet.partiel"

LICENCE = {
    "name": "etalab-2.0",
    "title": "Licence Ouverte / Open Licence 2.0",
    "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence",
}
# The EU vocabulary of frequencies, which DCAT-AP harvesters (data.gouv.fr, data.europa.eu) read.
FREQUENCIES = {
    f: "http://publications.europa.eu/resource/authority/frequency/" + code
    for f, code in (("quotidienne", "DAILY"), ("hebdomadaire", "WEEKLY"), ("mensuelle", "MONTHLY"))
}
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Zips of past publications kept beside the current one (each asked for once, then cached).
PAST_PACKAGES_KEPT = 16
# Breakdowns are published per closed month (the grid of ``publish.grid``), never finer.
PACKAGE_BREAKDOWN_GRANULARITY = "mois"

FIELD_DESCRIPTIONS = {
    "date": "Premier jour de la période (AAAA-MM-JJ).",
    "membre": "Code du membre de la ventilation.",
    "libelle": "Libellé du membre de la ventilation.",
    "valeur": "Valeur de l'indicateur sur la période, agrégée selon sa règle ; vide ou « n.d. »"
    " (non diffusée) si masquée.",
    "jours": "Nombre de jours avec une donnée dans la période ; vide si la valeur est masquée"
    " (des jours sans donnée peuvent être des jours à zéro : ce nombre dirait la valeur).",
    "masque": "Vrai si la valeur est masquée au titre du secret statistique.",
}
FIELD_TYPES = {
    "date": "date",
    "membre": "string",
    "libelle": "string",
    "valeur": "number",
    "jours": "integer",
    "masque": "boolean",
}


# -- frames as published -----------------------------------------------------------------------


def observations(
    services: Services, query: Query, dimension: str = "", member: str = ""
) -> pd.DataFrame:
    """Return an indicator's values per period (per member of ``dimension``), as published.

    Columns: ``date`` (ISO text), then with a breakdown ``membre``, ``libelle``, then ``valeur``,
    ``jours`` and with a breakdown ``masque``. Memoized on the query and the data version.
    ``member`` keeps that member's rows only. A breakdown is published per closed month at the
    finest (a day or a week is read as its month): see ``publish.published.series``. The values
    are those of the publication ``query.as_of`` (the current one when ``None``).
    """
    # Today is in the key: a month closes at midnight without any new data.
    params = (*query.key(), dimension, member, dt.date.today())
    return services.memoized(
        "export-observations", params, lambda: _observations(services, query, dimension, member)
    )


def _observations(services: Services, query: Query, dimension: str, member: str) -> pd.DataFrame:
    store, indicator = services.store, query.indicator
    if dimension:
        # Breakdowns come from the published grid only (closed months, masked once).
        frame = published.series(
            services,
            indicator,
            dimension,
            query.start,
            query.end,
            query.granularity,
            member,
            as_of=query.as_of,
        )
    else:
        frame = store.series(
            indicator, query.start, query.end, query.granularity, as_of=query.as_of
        )
    frame = frame.assign(date=frame["periode"].dt.strftime("%Y-%m-%d"))
    return _shape(services.catalogue, frame, dimension, ["date"])


def totals(
    services: Services,
    indicator: Indicator,
    dimension: str,
    start: dt.date,
    end: dt.date,
    as_of: AsOf = None,
) -> pd.DataFrame:
    """Return an indicator per member of ``dimension`` over a period (a breakdown chart's data).

    Columns ``membre``, ``libelle``, ``valeur``, ``jours``, ``masque``; as published
    (``published.breakdown``: snapped to closed months, masked) in the publication ``as_of``,
    its ``attrs`` kept.
    """
    params = (indicator.id, dimension, start, end, as_of, dt.date.today())

    def compute() -> pd.DataFrame:
        frame = published.breakdown(services, indicator, dimension, start, end, as_of=as_of)
        shaped = _shape(services.catalogue, frame, dimension, [])
        shaped.attrs = dict(frame.attrs)
        return shaped

    return services.memoized("export-totals", params, compute)


def _shape(catalogue: Catalogue, frame: pd.DataFrame, dimension: str, first: list[str]):
    columns = list(first)
    frame = frame.copy()
    if dimension:
        breakdown = catalogue.breakdowns[dimension]
        frame["libelle"] = frame["membre"].map(breakdown.label)
        if "masque" not in frame:
            frame["masque"] = False
        columns += ["membre", "libelle"]
    columns += ["valeur", "jours"] + (["masque"] if dimension else [])
    result = frame[columns].reset_index(drop=True)
    result["valeur"] = result["valeur"].astype(float)
    result["jours"] = result["jours"].astype(int)
    if dimension:
        result["masque"] = result["masque"].astype(bool)
    return result


# -- serialisation -----------------------------------------------------------------------------


def neutralise(cell: str) -> str:
    """Return a text cell that no spreadsheet runs as a formula (prefixed with ``'`` if needed)."""
    return "'" + cell if cell.startswith(FORMULA_PREFIXES) else cell


def number(value: float) -> int | float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    value = float(value)
    return int(value) if value.is_integer() else value


def _csv_cell(column: str, value, masked: bool, threshold: int) -> str:
    if column == "valeur":
        shown = number(value)
        if masked:
            return secrecy.label(threshold)
        return "" if shown is None else repr(shown)
    if column == "masque":
        return "true" if value else "false"
    if column == "jours":
        # Days with data can be the count itself when zeros are left out: masked like it.
        return "" if masked else str(int(value))
    return neutralise(str(value))


def to_csv(frame: pd.DataFrame, threshold: int) -> str:
    """Return ``frame`` as CSV text (RFC 4180, masked values written « < seuil »)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    columns = list(frame.columns)
    writer.writerow(columns)
    masks = frame["masque"] if "masque" in frame else pd.Series(False, frame.index)
    for row, masked in zip(frame.itertuples(index=False), masks, strict=True):
        writer.writerow(
            _csv_cell(c, v, bool(masked), threshold) for c, v in zip(columns, row, strict=True)
        )
    return out.getvalue()


def to_records(frame: pd.DataFrame) -> list[dict]:
    """Return ``frame`` as JSON-ready dicts (masked or missing values are ``None``)."""
    records = []
    for row in frame.to_dict("records"):
        record = {}
        for column, value in row.items():
            if column == "valeur":
                value = None if row.get("masque") else number(value)
            elif column == "jours":
                value = None if row.get("masque") else int(value)
            elif column == "masque":
                value = bool(value)
            else:
                value = str(value)
            record[column] = value
        records.append(record)
    return records


# -- metadata ----------------------------------------------------------------------------------


def indicator_metadata(services: Services, indicator: Indicator, as_of: AsOf = None) -> dict:
    """Return an indicator's public metadata with French field names, its coverage and last
    update those of the publication ``as_of`` (the current one for ``None``)."""
    catalogue, store = services.catalogue, services.store
    bounds = store.bounds(indicator.id, as_of=as_of)
    return {
        "identifiant": indicator.id,
        "titre": indicator.title,
        "description": indicator.description,
        "famille": indicator.family,
        "unite": indicator.unit,
        "agregation": indicator.aggregation,
        "decimales": indicator.decimals,
        "granularites": list(indicator.granularities),
        "ventilations": [
            {
                "identifiant": dimension,
                "titre": catalogue.breakdowns[dimension].title,
                "membres": [
                    {"code": code, "libelle": label}
                    for code, label in catalogue.breakdowns[dimension].members
                ],
            }
            for dimension in indicator.breakdowns
        ],
        "source": indicator.source,
        "methodologie": indicator.methodology,
        "debut": indicator.start.isoformat(),
        "frequence": indicator.frequency,
        "couverture": (
            {"debut": bounds[0].isoformat(), "fin": bounds[1].isoformat()} if bounds else None
        ),
        "derniere_mise_a_jour": _last_change(services, indicator, as_of),
        "licence": LICENCE["title"],
        "licence_url": LICENCE["path"],
        "secret_statistique": secrecy.applies_to(indicator),
    }


@dataclass(frozen=True)
class Publication:
    """A publication as answers and packages name it: its number and when it was made."""

    number: int
    at: str  # ISO timestamp, UTC

    @property
    def day(self) -> dt.date:
        """Return the day it was made (UTC)."""
        return dt.date.fromisoformat(self.at[:10])

    def fields(self) -> dict:
        """Return what an answer says of it: « numero », « date » (AAAA-MM-JJ, UTC)."""
        return {"numero": self.number, "date": self.day.isoformat()}


def publication(services: Services, as_of: AsOf = None) -> Publication | None:
    """Return the publication read at ``as_of`` (the current one for ``None``), ``None``
    before the first."""
    store = services.store
    number = store.last_publication() if as_of is None else store.publication_as_of(as_of)
    made = _publications(services).set_index("number")["at"]
    return Publication(number, str(made[number])) if number in made.index else None


def _publications(services: Services) -> pd.DataFrame:
    """Return the publication log (memoized on the data version: every request names one)."""
    return services.memoized("publications", (), services.store.publications)


def _last_change(services: Services, indicator: Indicator, as_of: AsOf) -> str | None:
    """Return when the last publication up to ``as_of`` that changed ``indicator`` was made."""
    read = publication(services, as_of)
    if read is None:
        return None
    changes = services.store.publication_changes(indicator.id)
    changed = changes.loc[changes["publication"] <= read.number, "publication"]
    log = _publications(services)
    made = log.loc[log["number"].isin(changed), "at"]
    return str(made.max()) if len(made) else None


def table_schema(columns: list[str], threshold: int) -> dict:
    """Return the Frictionless Table Schema of a CSV written by ``to_csv``."""
    fields = []
    for column in columns:
        field = {"name": column, "type": FIELD_TYPES[column]}
        field["description"] = FIELD_DESCRIPTIONS[column]
        if column == "date":
            field["constraints"] = {"required": True}
        if column == "masque":
            field["trueValues"] = ["true"]
            field["falseValues"] = ["false"]
        fields.append(field)
    keys = [c for c in ("date", "membre") if c in columns]
    # « n.d. » is how a masked value is written: for a reader of the schema it is a missing value.
    return {"fields": fields, "primaryKey": keys, "missingValues": ["", secrecy.label(threshold)]}


# -- data package ------------------------------------------------------------------------------


def write_package(services: Services, directory: Path, as_of: AsOf = None) -> Path:
    """Write the complete Frictionless Data Package in ``directory``; return datapackage.json.

    One CSV of the daily national series per indicator, one CSV per indicator and breakdown
    (closed months, as published), and ``datapackage.json`` describing every column and naming
    the publication: the current one, or the one read at ``as_of``.

    The package is written whole in a hidden folder inside ``directory``, then its files are
    moved in place (renames on the same disk): a full or read-only disk (``DiskError``) leaves
    ``directory`` as it was, with no half-written file, and nothing is written beside it.
    """
    partial = directory / PARTIAL_FOLDER
    try:
        shutil.rmtree(partial, ignore_errors=True)
        _write_package_into(services, partial, as_of)
        for written in sorted(partial.rglob("*")):
            if written.is_file():
                moved = directory / written.relative_to(partial)
                moved.parent.mkdir(parents=True, exist_ok=True)
                os.replace(written, moved)
    except OSError as error:
        raise DiskError.of_write(error, directory.parent) from None
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return directory / "datapackage.json"


def _write_package_into(services: Services, directory: Path, as_of: AsOf) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "donnees").mkdir(exist_ok=True)
    threshold = services.settings.secrecy_threshold
    resources = []
    for indicator in services.catalogue.indicators:
        bounds = services.store.bounds(indicator.id, as_of=as_of)
        if bounds is None:
            continue
        parts = [("", "jour")] + [(d, PACKAGE_BREAKDOWN_GRANULARITY) for d in indicator.breakdowns]
        for dimension, granularity in parts:
            granularity = granularity if granularity in indicator.granularities else "jour"
            query = Query(indicator, bounds[0], bounds[1], granularity, as_of=as_of)
            frame = observations(services, query, dimension)
            name = indicator.id + (f"--{dimension}" if dimension else "")
            path = f"donnees/{name}.csv"
            (directory / path).write_text(to_csv(frame, threshold), encoding="utf-8", newline="")
            title = indicator.title + (
                f" par {services.catalogue.breakdowns[dimension].title.lower()}"
                if dimension
                else ""
            )
            resources.append(
                {
                    "name": name,
                    "path": path,
                    "title": title,
                    "description": f"{indicator.description} Valeurs par {granularity}"
                    f" ({indicator.unit}), agrégées par {indicator.aggregation}.",
                    "format": "csv",
                    "mediatype": "text/csv",
                    "encoding": "utf-8",
                    "profile": "tabular-data-resource",
                    "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "header": True},
                    "sources": [{"title": indicator.source}],
                    "licenses": [LICENCE],
                    "schema": table_schema(list(frame.columns), threshold),
                }
            )
    read = publication(services, as_of)
    descriptor = {
        "profile": "tabular-data-package",
        "name": "barometre-numerique-gendarmerie",
        "title": "Baromètre numérique de la Gendarmerie nationale",
        "description": "Les chiffres clés des services numériques de la Gendarmerie nationale."
        " Les ventilations sont publiées par mois clos ; les effectifs inférieurs à"
        f" {threshold}, et ceux qui permettraient de les retrouver, sont masqués (secret"
        " statistique) et écrits « " + secrecy.label(threshold) + " » (non diffusé).",
        # The figures' version is their publication's number: what « au » asks for again.
        "version": str(read.number if read else 0),
        **({"publication": read.fields()} if read else {}),
        "created": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "licenses": [LICENCE],
        "resources": resources,
    }
    (directory / "datapackage.json").write_text(
        json.dumps(descriptor, ensure_ascii=False, indent=2), encoding="utf-8"
    )


def package_zip(services: Services, as_of: AsOf = None) -> Path:
    """Return the zip of the data package of the publication read at ``as_of`` (the current
    one for ``None``), built once per data version and ``as_of``."""
    version = services.store.data_version()
    folder = Path(services.settings.data_dir) / "exports"
    current = f"barometre-donnees-v{version}"
    label = "" if as_of is None else f"-au-{as_of_text(as_of)}"
    target = folder / f"{current}{label}.zip"
    if target.exists():
        return target
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder) as work:
        build = Path(work) / "paquet"
        write_package(services, build, as_of)
        partial = Path(work) / target.name
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(build.rglob("*")):
                if path.is_file():
                    archive.write(path, path.relative_to(build).as_posix())
        # Moved only once complete: a concurrent request never serves half a zip.
        partial.replace(target)
    past = []
    for built in folder.glob("barometre-donnees-v*.zip"):
        if not built.name.startswith((f"{current}.", f"{current}-")):
            built.unlink(missing_ok=True)  # older data versions are never served again
        elif built.name != f"{current}.zip":
            past.append(built)
    # Any day can be asked for: the past packages kept are bounded, the oldest built go first.
    past.sort(key=_built_at, reverse=True)
    for built in past[PAST_PACKAGES_KEPT:]:
        built.unlink(missing_ok=True)
    return target


def _built_at(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except FileNotFoundError:  # removed meanwhile by another request's clean-up
        return 0


def as_of_text(as_of: AsOf) -> str | None:
    """Return ``as_of`` as « au » writes it (AAAA-MM-JJ or a number; ``None``: the current)."""
    if as_of is None:
        return None
    return as_of.isoformat() if isinstance(as_of, dt.date) else str(as_of)


# -- DCAT --------------------------------------------------------------------------------------


def dcat_catalogue(services: Services, base: str, api_path, urls) -> dict:
    """Return the DCAT-AP-style JSON-LD catalogue: one dataset per indicator, CSV and JSON."""
    datasets = []
    for indicator in services.catalogue.indicators:
        bounds = services.store.bounds(indicator.id)
        observations_url = base + api_path(f"indicateurs/{indicator.id}/observations")
        dataset = {
            "@id": base + urls.indicator(indicator.id),
            "@type": "dcat:Dataset",
            "dct:identifier": indicator.id,
            "dct:title": {"@value": indicator.title, "@language": "fr"},
            "dct:description": {"@value": indicator.description, "@language": "fr"},
            "dcat:keyword": [indicator.family, "gendarmerie", "numérique"],
            "dct:publisher": {"@type": "foaf:Agent", "foaf:name": "Gendarmerie nationale"},
            "dct:license": {"@id": LICENCE["path"]},
            "dct:accrualPeriodicity": {"@id": FREQUENCIES.get(indicator.frequency, "")}
            if indicator.frequency in FREQUENCIES
            else indicator.frequency,
            "dct:provenance": indicator.source,
            "dcat:landingPage": {"@id": base + urls.indicator(indicator.id)},
            "dcat:distribution": [
                {
                    "@type": "dcat:Distribution",
                    "dct:title": f"{indicator.title} ({fmt})",
                    "dcat:accessURL": {"@id": url},
                    "dcat:downloadURL": {"@id": url},
                    "dcat:mediaType": media,
                    "dct:format": fmt,
                    "dct:license": {"@id": LICENCE["path"]},
                }
                for fmt, media, url in (
                    ("CSV", "text/csv", observations_url + ".csv"),
                    ("JSON", "application/json", observations_url),
                )
            ],
        }
        if bounds:
            dataset["dct:temporal"] = {
                "@type": "dct:PeriodOfTime",
                "dcat:startDate": {"@value": bounds[0].isoformat(), "@type": "xsd:date"},
                "dcat:endDate": {"@value": bounds[1].isoformat(), "@type": "xsd:date"},
            }
        datasets.append(dataset)
    return {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
        },
        "@id": base + api_path("catalogue.jsonld"),
        "@type": "dcat:Catalog",
        "dct:title": {
            "@value": "Baromètre numérique de la Gendarmerie nationale",
            "@language": "fr",
        },
        "dct:description": {
            "@value": "Les chiffres clés des services numériques de la Gendarmerie nationale.",
            "@language": "fr",
        },
        "dct:language": {"@id": "http://publications.europa.eu/resource/authority/language/FRA"},
        "dct:license": {"@id": LICENCE["path"]},
        "dcat:dataset": datasets,
    }


class RunCache:
    """A cache for one command's run, in its own memory: the published grid that every
    département's figures are cut from is read once, not once per département. The data do not
    change under a command (its store's version is in every key), so nothing expires; the
    oldest entries go past ``size``, so that a whole export keeps its memory bounded."""

    def __init__(self, size: int = 256):
        self.size = size
        self.kept: OrderedDict[str, object] = OrderedDict()

    def get(self, key: str) -> object | None:
        if key in self.kept:
            self.kept.move_to_end(key)
        return self.kept.get(key)

    def set(self, key: str, value: object) -> None:
        self.kept[key] = value
        self.kept.move_to_end(key)
        while len(self.kept) > self.size:
            self.kept.popitem(last=False)


def offline_services(settings, catalogue: Catalogue, store) -> Services:
    """Return services for the command line, with a cache of the run's own (not the app's)."""
    return Services(settings, catalogue, store, RunCache())  # type: ignore[arg-type]
