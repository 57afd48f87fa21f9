"""Open-data serialisation shared by the API, the downloads and the data package.

Every frame that leaves the site goes through here, so that three rules hold everywhere:

- breakdowns pass the statistical secrecy rule (``secrecy``) first: a masked value is an empty
  JSON ``null`` with ``"masque": true``, and the text « < 5 » in CSV — never the number;
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
import tempfile
import zipfile
from pathlib import Path

import pandas as pd

from barometre import secrecy
from barometre.catalogue import Catalogue, Indicator
from barometre.services import Services
from barometre.validation import Query

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
# Breakdowns of the data package are monthly: daily counts per département would be mostly
# masked by the secrecy rule and weigh tens of megabytes for little use.
PACKAGE_BREAKDOWN_GRANULARITY = "mois"

FIELD_DESCRIPTIONS = {
    "date": "Premier jour de la période (AAAA-MM-JJ).",
    "membre": "Code du membre de la ventilation.",
    "libelle": "Libellé du membre de la ventilation.",
    "valeur": "Valeur de l'indicateur sur la période, agrégée selon sa règle ; vide ou « < seuil »"
    " si masquée.",
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
    ``member`` keeps that member's rows only, masked over the whole breakdown first and beside
    the period's totals (see ``_beside_totals``).
    """
    params = (query.indicator.id, query.start, query.end, query.granularity, dimension, member)
    return services.memoized(
        "export-observations", params, lambda: _observations(services, query, dimension, member)
    )


def _observations(services: Services, query: Query, dimension: str, member: str) -> pd.DataFrame:
    store, indicator = services.store, query.indicator
    frame = store.series(indicator, query.start, query.end, query.granularity, dimension)
    if dimension:
        frame = _protect_series(services, query, dimension, frame)
        frame = _beside_totals(services, query, dimension, frame)
    if member:
        frame = frame[frame["membre"] == member]
    frame = frame.assign(date=frame["periode"].dt.strftime("%Y-%m-%d"))
    return _shape(services.catalogue, frame, dimension, ["date"])


def _beside_totals(
    services: Services, query: Query, dimension: str, frame: pd.DataFrame
) -> pd.DataFrame:
    """Mask more of a per-period breakdown so that the totals published for the same period
    (``totals``: the map, the breakdown charts, the API) give no masked count back.

    - A member masked over the whole period (perhaps as the secondary cell) is masked in every
      period: the sum of its periods would otherwise give its total back, and with it the
      primary cell that the secondary one protects.
    - A member shown over the whole period with exactly one masked period gets a second one
      (its smallest positive period): its total minus its other periods would otherwise give
      the masked one back.
    """
    if "masque" not in frame:
        return frame
    whole = totals(services, query.indicator, dimension, query.start, query.end)
    hidden = set(whole.loc[whole["masque"].astype(bool), "membre"])
    frame = frame.copy()
    masked = frame["masque"].astype(bool) | frame["membre"].isin(hidden)
    members = frame["membre"] != ""
    per_member = masked[members].groupby(frame.loc[members, "membre"]).sum()
    lonely = per_member.index[per_member == 1].difference(sorted(hidden))
    candidates = frame[frame["membre"].isin(lonely) & ~masked & (frame["valeur"] > 0)]
    second = candidates.sort_values(["valeur", "periode"]).groupby("membre").head(1).index
    masked.loc[second] = True
    frame.loc[masked, "valeur"] = math.nan
    frame["masque"] = masked
    return frame


def _protect_series(services: Services, query: Query, dimension: str, frame: pd.DataFrame):
    """Mask a per-period breakdown: counts per period, amounts like their count."""
    return secrecy.protect(
        services.store,
        services.catalogue,
        query.indicator,
        dimension,
        frame,
        services.settings.secrecy_threshold,
        query.start,
        query.end,
        query.granularity,
    )


def totals(
    services: Services, indicator: Indicator, dimension: str, start: dt.date, end: dt.date
) -> pd.DataFrame:
    """Return an indicator per member of ``dimension`` over a period (a breakdown chart's data).

    Columns ``membre``, ``libelle``, ``valeur``, ``jours``, ``masque``; masked as on the site.
    """
    params = (indicator.id, dimension, start, end)

    def compute() -> pd.DataFrame:
        store = services.store
        frame = secrecy.protect(
            store,
            services.catalogue,
            indicator,
            dimension,
            store.breakdown(indicator, dimension, start, end),
            services.settings.secrecy_threshold,
            start,
            end,
        )
        return _shape(services.catalogue, frame, dimension, [])

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


def _number(value: float) -> int | float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    value = float(value)
    return int(value) if value.is_integer() else value


def _csv_cell(column: str, value, masked: bool, threshold: int) -> str:
    if column == "valeur":
        number = _number(value)
        if masked:
            return secrecy.label(threshold)
        return "" if number is None else repr(number)
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
                value = None if row.get("masque") else _number(value)
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


def indicator_metadata(services: Services, indicator: Indicator) -> dict:
    """Return an indicator's public metadata with French field names."""
    catalogue, store = services.catalogue, services.store
    bounds = store.bounds(indicator.id)
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
        "derniere_mise_a_jour": store.last_update_of(indicator.id),
        "licence": LICENCE["title"],
        "licence_url": LICENCE["path"],
        "secret_statistique": secrecy.applies_to(indicator),
    }


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
    # « < 5 » is how a masked value is written: for a reader of the schema it is a missing value.
    return {"fields": fields, "primaryKey": keys, "missingValues": ["", secrecy.label(threshold)]}


# -- data package ------------------------------------------------------------------------------


def write_package(services: Services, directory: Path) -> Path:
    """Write the complete Frictionless Data Package in ``directory``; return datapackage.json.

    One CSV of the daily national series per indicator, one CSV per indicator and breakdown
    (monthly, masked by the secrecy rule), and ``datapackage.json`` describing every column.
    """
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "donnees").mkdir(exist_ok=True)
    threshold = services.settings.secrecy_threshold
    resources = []
    for indicator in services.catalogue.indicators:
        bounds = services.store.bounds(indicator.id)
        if bounds is None:
            continue
        parts = [("", "jour")] + [(d, PACKAGE_BREAKDOWN_GRANULARITY) for d in indicator.breakdowns]
        for dimension, granularity in parts:
            granularity = granularity if granularity in indicator.granularities else "jour"
            query = Query(indicator, bounds[0], bounds[1], granularity)
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
    descriptor = {
        "profile": "tabular-data-package",
        "name": "barometre-numerique-gendarmerie",
        "title": "Baromètre numérique de la Gendarmerie nationale",
        "description": "Les chiffres clés des services numériques de la Gendarmerie nationale."
        f" Les effectifs inférieurs à {threshold} des ventilations sont masqués (secret"
        " statistique) et écrits « " + secrecy.label(threshold) + " ».",
        "version": str(services.store.data_version()),
        "created": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "licenses": [LICENCE],
        "resources": resources,
    }
    target = directory / "datapackage.json"
    target.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2), encoding="utf-8")
    return target


def package_zip(services: Services) -> Path:
    """Return the zip of the data package for the current data version, built once per version."""
    version = services.store.data_version()
    folder = Path(services.settings.data_dir) / "exports"
    target = folder / f"barometre-donnees-v{version}.zip"
    if target.exists():
        return target
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder) as work:
        build = Path(work) / "paquet"
        write_package(services, build)
        partial = Path(work) / target.name
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(build.rglob("*")):
                if path.is_file():
                    archive.write(path, path.relative_to(build).as_posix())
        # Moved only once complete: a concurrent request never serves half a zip.
        partial.replace(target)
    for stale in folder.glob("barometre-donnees-v*.zip"):
        if stale != target:
            stale.unlink(missing_ok=True)  # older data versions are never served again
    return target


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


class _NoCache:
    """A cache that keeps nothing: ``barometre export`` reads everything once."""

    def get(self, key: str) -> None:
        return None

    def set(self, key: str, value: object) -> None:
        return None


def offline_services(settings, catalogue: Catalogue, store) -> Services:
    """Return services for the command line, without the app's cache."""
    return Services(settings, catalogue, store, _NoCache())  # type: ignore[arg-type]
