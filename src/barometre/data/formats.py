"""Parsers of the files teams send: they turn bytes into a table of raw text cells, and say what
they detected. Nothing here judges the figures (that is ``ingest``'s validation) or the personal
data (``guard``); a parser only fails when the file cannot be read as a table at all.

Every parser returns a ``Parsed``: a frame with the canonical columns ``indicateur``, ``date``,
``ventilation``, ``membre``, ``valeur``, ``poids`` (text), a ``ligne`` column (line in the file, or
element number for JSON) and the original cells, for the personal-data guard.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field

import pandas as pd

CANONICAL = ["indicateur", "date", "ventilation", "membre", "valeur", "poids"]
REQUIRED = ["indicateur", "date", "valeur"]
# Other spellings of the canonical columns: the data-package export, the API, English exports.
ALIASES = {
    "identifiant": "indicateur",
    "indicateur_id": "indicateur",
    "indicator": "indicateur",
    "jour": "date",
    "dimension": "ventilation",
    "member": "membre",
    "code": "membre",
    "value": "valeur",
    "weight": "poids",
}
# Descriptive columns of our own exports, ignored on the way back in.
IGNORED = {"titre", "libelle", "membre_libelle", "unite", "jours", "partiel", "source", "masque"}
UTF8_BOM = b"\xef\xbb\xbf"

MATOMO_LABELS = {
    "source-trafic": {
        "Direct Entry": "acces-direct",
        "Search Engines": "moteurs-de-recherche",
        "Websites": "sites-externes",
        "Social Networks": "reseaux-sociaux",
    },
    "appareil": {
        "Desktop": "ordinateur",
        "Smartphone": "smartphone",
        "Tablet": "tablette",
    },
}
ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class FormatError(ValueError):
    """The file cannot be read as a table; the message is French and names the problem."""


@dataclass
class Parsed:
    """A file read as a table of text cells, and what was detected about it."""

    frame: pd.DataFrame
    description: str
    unit: str = "ligne"  # what ``ligne`` counts: « ligne » (CSV) or « élément » (JSON)
    columns: list[str] = field(default_factory=list)  # original column names / keys
    raw: pd.DataFrame | None = None  # original cells (text), for the guard
    decimal_comma: bool = False
    renamed: dict[str, str] = field(default_factory=dict)  # canonical -> original column name
    problems: list[str] = field(default_factory=list)  # missing or unexpected columns


def decode(data: bytes) -> tuple[str, str]:
    """Return the text of a file and the name of its encoding (UTF-8, BOM, Windows-1252)."""
    if not data.strip():
        raise FormatError("le fichier est vide.")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:4096]:
        raise FormatError(
            "encodage non pris en charge (UTF-16 ?) : enregistrez le fichier en UTF-8 "
            "ou en « CSV (séparateur : point-virgule) »."
        )
    if data.startswith(UTF8_BOM):
        try:
            return data[len(UTF8_BOM) :].decode("utf-8"), "UTF-8 avec BOM"
        except UnicodeDecodeError as error:
            raise FormatError(_encoding_message(data, error)) from None
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError as utf8_error:
        try:
            return data.decode("cp1252"), "Windows-1252"
        except UnicodeDecodeError:
            raise FormatError(_encoding_message(data, utf8_error)) from None


def _encoding_message(data: bytes, error: UnicodeDecodeError) -> str:
    line = data[: error.start].count(b"\n") + 1
    return (
        f"ligne {line} : octet 0x{data[error.start]:02X} illisible — encodage attendu : UTF-8 "
        "(avec ou sans BOM) ou Windows-1252."
    )


def parse(
    data: bytes,
    *,
    matomo_indicator: str = "site-institutionnel-visites",
    named_indicator: str = "",
) -> Parsed:
    """Return the table held by ``data``, whatever its supported format.

    ``named_indicator`` is the indicator a file is named after (``donnees/<indicateur>.csv`` of
    the data package): it fills the ``indicateur`` column when the file has none.
    """
    text, encoding = decode(data)
    stripped = text.lstrip()
    if stripped[:1] in ("[", "{"):
        return parse_json(stripped, encoding, matomo_indicator=matomo_indicator)
    return parse_csv(
        text,
        encoding,
        truncated=not data.endswith((b"\n", b"\r")),
        named_indicator=named_indicator,
    )


# -- CSV ---------------------------------------------------------------------------------------


def parse_csv(
    text: str, encoding: str, *, truncated: bool = False, named_indicator: str = ""
) -> Parsed:
    """Return the table of a CSV file: the project's format or a French spreadsheet's."""
    header = text.split("\n", 1)[0]
    separator = ";" if header.count(";") > header.count(",") else ","
    # pandas would silently take an extra field of the first row as an index: count them first.
    first_rows = list(
        csv.reader(io.StringIO("\n".join(text.splitlines()[:2])), delimiter=separator)
    )
    if len(first_rows) == 2 and len(first_rows[1]) > len(first_rows[0]):
        raise FormatError(
            f"ligne 2 : {len(first_rows[1])} champs au lieu de {len(first_rows[0])} — vérifiez "
            "le séparateur et les guillemets."
        )
    try:
        raw = pd.read_csv(
            io.StringIO(text),
            sep=separator,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
            index_col=False,
            engine="c",
        )
    except pd.errors.EmptyDataError:
        raise FormatError("le fichier est vide.") from None
    except pd.errors.ParserError as error:
        raise FormatError(_csv_error(str(error))) from None
    raw.columns = [str(c).strip() for c in raw.columns]
    raw.insert(0, "_ligne", range(2, len(raw) + 2))
    blank = (raw.drop(columns="_ligne") == "").all(axis=1)
    raw = raw[~blank]
    if raw.empty:
        raise FormatError("le fichier ne contient que la ligne d'en-tête, aucune donnée.")
    from_name = named_indicator and not any(
        ALIASES.get(_key(c), _key(c)) == "indicateur" for c in raw.columns
    )
    if from_name:  # a national series of the data package: the file name says the indicator
        raw.insert(1, "indicateur", named_indicator)
    frame, renamed, problems = _canonical(raw, "_ligne")
    if from_name:
        raw = raw.drop(columns="indicateur")
    if truncated and (raw.iloc[-1].drop("_ligne") == "").any():
        raise FormatError(
            f"ligne {int(raw['_ligne'].iloc[-1])} incomplète et sans fin de ligne : "
            "le fichier semble tronqué (transfert interrompu ?)."
        )
    # A « ; » file is read with a decimal comma; say so only when some value actually has one.
    comma = bool(frame["valeur"].str.contains(",", regex=False).any())
    if separator == ";":
        description = (
            f"CSV tableur français (séparateur ;, encodage {encoding}"
            f"{', virgule décimale' if comma else ''})"
        )
    elif from_name:
        description = (
            f"CSV du paquet de données (indicateur « {named_indicator} » d'après le nom du "
            f"fichier, encodage {encoding})"
        )
    else:
        description = f"CSV du projet (séparateur virgule, encodage {encoding})"
    return Parsed(
        frame=frame,
        description=description,
        columns=[c for c in raw.columns if c != "_ligne"],
        raw=raw.drop(columns="_ligne"),
        decimal_comma=separator == ";",
        renamed=renamed,
        problems=problems,
    )


def _csv_error(message: str) -> str:
    found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", message)
    if found:
        expected, line, seen = found.groups()
        return (
            f"ligne {line} : {seen} champs au lieu de {expected} — vérifiez le séparateur "
            "et les guillemets."
        )
    if "EOF inside string" in message:
        return "guillemet ouvert jamais refermé : le fichier semble tronqué."
    return "le fichier n'est pas un CSV lisible."


def _canonical(
    raw: pd.DataFrame, line_column: str
) -> tuple[pd.DataFrame, dict[str, str], list[str]]:
    renamed: dict[str, str] = {}
    unexpected = []
    for column in raw.columns:
        if column == line_column:
            continue
        key = _key(column)
        name = ALIASES.get(key, key)
        if name in CANONICAL and name not in renamed:
            renamed[name] = column
        elif name not in IGNORED:
            unexpected.append(column)
    # Column problems are reported after the personal-data guard has seen the columns, so that
    # a « nom » column is refused as personal data, not merely as unexpected.
    problems = []
    missing = [c for c in REQUIRED if c not in renamed]
    if missing:
        problems.append(
            f"colonne(s) obligatoire(s) absente(s) : {', '.join(missing)} — colonnes attendues : "
            f"{', '.join(CANONICAL)} (ventilation, membre et poids facultatives) ; "
            f"colonnes trouvées : {', '.join(str(c) for c in raw.columns if c != line_column)}."
        )
    if unexpected:
        problems.append(
            f"colonne(s) inattendue(s) : {', '.join(unexpected)} — seules les colonnes "
            f"{', '.join(CANONICAL)} sont acceptées (données agrégées uniquement)."
        )
    frame = pd.DataFrame({"ligne": raw[line_column].astype(int).to_numpy()})
    for name in CANONICAL:
        values = raw[renamed[name]] if name in renamed else pd.Series("", index=raw.index)
        frame[name] = values.fillna("").astype(str).str.strip().to_numpy()
    return frame, renamed, problems


def _key(column: str) -> str:
    text = column.strip().lower().replace("é", "e").replace("è", "e").replace(" ", "_")
    return text.strip('"')


# -- JSON --------------------------------------------------------------------------------------


def parse_json(text: str, encoding: str, *, matomo_indicator: str) -> Parsed:
    """Return the table of a JSON file: API observations or a Matomo Reporting API export."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise FormatError(
            f"JSON illisible ligne {error.lineno}, colonne {error.colno} "
            f"({_json_reason(error.msg)}) : le fichier est peut-être tronqué."
        ) from None
    if isinstance(document, dict) and document and all(ISO_DAY.match(k) for k in document):
        return _matomo(document, matomo_indicator)
    if isinstance(document, dict) and isinstance(
        document.get("observations", document.get("donnees")), list
    ):
        records = document.get("observations", document.get("donnees"))
        granularity = document.get("granularite")
        if granularity not in (None, "", "jour"):
            raise FormatError(
                f"observations agrégées par « {granularity} » : seules des observations par jour "
                "se rechargent (API : granularite=jour)."
            )
        default = {
            k: document[k]
            for k in ("indicateur", "identifiant", "ventilation")
            if document.get(k) not in (None, "")
        }
        records = [{**default, **r} if isinstance(r, dict) else r for r in records]
    elif isinstance(document, list):
        records = document
    else:
        raise FormatError(
            "JSON non reconnu : attendu une liste d'observations "
            '[{"indicateur", "date", "ventilation", "membre", "valeur"}], un objet '
            '{"indicateur": …, "observations": […]} ou un export Matomo par jour.'
        )
    if not records:
        raise FormatError("le fichier ne contient aucune observation.")
    bad = next((i for i, r in enumerate(records, 1) if not isinstance(r, dict)), None)
    if bad is not None:
        raise FormatError(f"élément {bad} : un objet {{…}} est attendu.")
    raw = pd.DataFrame.from_records(records)
    raw = raw.map(_cell)
    raw.insert(0, "_ligne", range(1, len(raw) + 1))
    frame, renamed, problems = _canonical(raw, "_ligne")
    return Parsed(
        frame=frame,
        description=f"JSON d'observations (format de l'API, encodage {encoding})",
        unit="élément",
        columns=[c for c in raw.columns if c != "_ligne"],
        raw=raw.drop(columns="_ligne"),
        renamed=renamed,
        problems=problems,
    )


def _cell(value) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _json_reason(message: str) -> str:
    return {
        "Expecting value": "valeur attendue",
        "Expecting ',' delimiter": "virgule attendue",
        "Unterminated string starting at": "texte non terminé",
        "Expecting property name enclosed in double quotes": "nom de champ attendu",
    }.get(message, message)


def _matomo(document: dict, indicator: str) -> Parsed:
    rows: list[dict] = []
    kinds = set()
    for day in sorted(document):
        content = document[day]
        if isinstance(content, dict):  # VisitsSummary.get: one object per day
            kinds.add("VisitsSummary.get")
            if content:
                if "nb_visits" not in content:
                    raise FormatError(f"jour {day} : champ « nb_visits » absent.")
                rows.append(_matomo_row(indicator, day, "", "", content["nb_visits"], len(rows)))
        elif isinstance(content, list):  # Referrers.getReferrerType, DevicesDetection.getType
            for item in content:
                label = str(item.get("label", "")) if isinstance(item, dict) else ""
                dimension = next((d for d, m in MATOMO_LABELS.items() if label in m), None)
                if dimension is None:
                    known = ", ".join(f"« {k} »" for m in MATOMO_LABELS.values() for k in m)
                    raise FormatError(
                        f"jour {day} : libellé Matomo « {label} » non pris en charge — libellés "
                        f"acceptés : {known}. Regroupez ou retirez cette ligne de l'export."
                    )
                kinds.add(
                    "Referrers.getReferrerType"
                    if dimension == "source-trafic"
                    else "DevicesDetection.getType"
                )
                rows.append(
                    _matomo_row(
                        indicator,
                        day,
                        dimension,
                        MATOMO_LABELS[dimension][label],
                        item.get("nb_visits", ""),
                        len(rows),
                    )
                )
        else:
            raise FormatError(f"jour {day} : objet ou liste Matomo attendu.")
    if not rows:
        raise FormatError("l'export Matomo ne contient aucune visite.")
    frame = pd.DataFrame(rows, columns=["ligne", *CANONICAL])
    return Parsed(
        frame=frame,
        description=(f"export Matomo ({', '.join(sorted(kinds))}) → indicateur « {indicator} »"),
        unit="élément",
        columns=["label", "nb_visits"],
        raw=frame[["membre", "valeur"]],
    )


def _matomo_row(indicator: str, day: str, dimension: str, member: str, value, index: int) -> dict:
    return {
        "ligne": index + 1,
        "indicateur": indicator,
        "date": day,
        "ventilation": dimension,
        "membre": member,
        "valeur": _cell(value),
        "poids": "",
    }


def table_schema() -> dict:
    """Return the Table Schema (frictionless) of the project's CSV format, as shipped."""
    from importlib import resources

    path = resources.files("barometre.data") / "schema" / "observations.schema.json"
    return json.loads(path.read_text(encoding="utf-8"))
