"""Loading files into the store: read, validate, guard against personal data, load atomically.

Every check runs before anything is written; a file is loaded in one transaction or not at all:
into the draft (``Store.stage``), which the public sees only once it is reviewed and published,
or, when asked, published at once (``Store.apply``). A file already loaded (same bytes, same
SHA-256), public or in the draft, is recognised and left alone. Errors are French sentences
naming the file, the line, the column, the value and what is expected.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import difflib
import fcntl
import hashlib
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from barometre.config import Settings
from barometre.data import formats, guard
from barometre.data.catalogue import Catalogue
from barometre.data.store import DiskError, Store, UpdateSummary

ACCEPTED_DIR = "traités"
REJECTED_DIR = "rejetés"
LOCK_NAME = "ingestion.lock"
SKIPPED_SUFFIXES = (".part", ".tmp", ".erreurs.txt")


class Busy(RuntimeError):
    """Another ingestion holds the lock."""


@dataclass
class FileReport:
    """What happened to one file: its status, format, errors and the store's summary."""

    path: Path
    status: str = "rejete"  # charge | deja-charge | essai | rejete
    description: str = ""
    rows: int = 0
    errors: list[str] = field(default_factory=list)
    rejected: int = 0
    summary: UpdateSummary | None = None
    previous: dict | None = None
    published: bool = False  # loaded and published at once, not left in the draft
    withheld: list[str] = field(default_factory=list)  # why a publication asked was not made

    @property
    def ok(self) -> bool:
        """Return whether the file was (or would be, or already was) loaded."""
        return self.status != "rejete"


# -- validation --------------------------------------------------------------------------------


def _per_distinct(values: pd.Series, convert: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """Return ``convert(values)``, computed once per distinct value (dates and counts repeat)."""
    codes, uniques = pd.factorize(values)
    converted = convert(pd.Series(uniques, dtype=values.dtype)).to_numpy()
    return pd.Series(converted[codes], index=values.index)


def _numbers(values: pd.Series, decimal_comma: bool) -> pd.Series:
    """Return ``values`` as floats (NaN where not a number), French separators understood."""
    return _per_distinct(values, lambda distinct: _parse_numbers(distinct, decimal_comma))


def _dates(values: pd.Series) -> pd.Series:
    """Return ``values`` as dates, from ISO (AAAA-MM-JJ) or French (JJ/MM/AAAA) text."""
    return pd.to_datetime(_per_distinct(values, _parse_dates))


def _parse_numbers(values: pd.Series, decimal_comma: bool) -> pd.Series:
    """Return ``values`` as floats (NaN where not a number), French separators understood."""
    text = values.str.replace(r"[\s\u00a0\u202f]", "", regex=True)
    if decimal_comma:
        # « 1.234,5 » : points are thousands separators only when a comma is the decimal mark.
        dotted = text.str.fullmatch(r"-?\d{1,3}(\.\d{3})+(,\d*)?")
        text = text.where(~dotted, text.str.replace(".", "", regex=False))
        text = text.str.replace(",", ".", regex=False)
    valid = text.str.fullmatch(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?")
    return pd.to_numeric(text.where(valid, None), errors="coerce")


def _parse_dates(values: pd.Series) -> pd.Series:
    iso = pd.to_datetime(
        values.where(values.str.fullmatch(r"\d{4}-\d{2}-\d{2}")), format="%Y-%m-%d", errors="coerce"
    )
    french = pd.to_datetime(
        values.where(values.str.fullmatch(r"\d{2}/\d{2}/\d{4}")), format="%d/%m/%Y", errors="coerce"
    )
    return iso.fillna(french)


def _folded(text):
    """Return labels in a comparable form: lower case, typographic apostrophes made straight."""
    return (
        text.lower().replace("\u2019", "'")
        if isinstance(text, str)
        else (text.str.lower().str.replace("\u2019", "'", regex=False))
    )


class _Errors:
    """Collects error sentences up to a limit, counting those left out."""

    def __init__(self, name: str, parsed: formats.Parsed, limit: int):
        self.name, self.parsed, self.limit = name, parsed, limit
        self.items: list[tuple[int, str]] = []
        self.rows: set[int] = set()
        self.total = 0

    def add(self, mask: pd.Series, column: str, expected: Callable[[pd.Series], str] | str) -> None:
        frame = self.parsed.frame
        bad = frame[mask.to_numpy()]
        self.total += len(bad)
        self.rows.update(bad["ligne"].tolist())
        header = self.parsed.renamed.get(column, column)
        for _, row in bad.head(self.limit).iterrows():
            text = expected(row) if callable(expected) else expected
            self.items.append(
                (
                    int(row["ligne"]),
                    f"{self.name}, {self.parsed.unit} {int(row['ligne'])}, colonne « {header} » : "
                    f"valeur « {row[column]} » — {text}",
                )
            )

    def messages(self) -> list[str]:
        ordered = [m for _, m in sorted(self.items, key=lambda item: item[0])][: self.limit]
        if self.total > len(ordered):
            ordered.append(
                f"{self.name} : … et {self.total - len(ordered)} autres erreurs non affichées."
            )
        return ordered


def validate(
    parsed: formats.Parsed, catalogue: Catalogue, today: dt.date, name: str, limit: int
) -> tuple[pd.DataFrame, list[str], int]:
    """Return the observations of a parsed file, the French errors found and the rejected rows."""
    frame = parsed.frame
    errors = _Errors(name, parsed, limit)
    known = {i.id: i for i in catalogue.indicators}

    indicator_ok = frame["indicateur"].isin(known)
    suggestions = {}
    for value in frame.loc[~indicator_ok, "indicateur"].unique():
        close = difflib.get_close_matches(value, known, n=1)
        suggestions[value] = f" (vouliez-vous dire « {close[0]} » ?)" if close else ""
    errors.add(
        ~indicator_ok,
        "indicateur",
        lambda row: (
            "indicateur inconnu du catalogue"
            + suggestions.get(row["indicateur"], "")
            + " ; la liste est donnée par « barometre status »."
        ),
    )

    # Members may be given by code or by label (as a spreadsheet user sees them).
    allowed_dims = {(i.id, "") for i in catalogue.indicators} | {
        (i.id, d) for i in catalogue.indicators for d in i.breakdowns
    }
    pair = frame["indicateur"] + "\x1f" + frame["ventilation"]
    dims_ok = pair.isin({f"{a}\x1f{b}" for a, b in allowed_dims})
    errors.add(
        indicator_ok & ~dims_ok,
        "ventilation",
        lambda row: (
            "ventilation inconnue pour cet indicateur ; attendu : "
            + (", ".join(known[row["indicateur"]].breakdowns) or "aucune (laisser vide)")
            + "."
        ),
    )
    labels = {}
    for breakdown in catalogue.breakdowns.values():
        for code, label_text in breakdown.members:
            labels[(breakdown.id, code.lower())] = code
            labels[(breakdown.id, _folded(label_text))] = code
    members = frame["membre"].copy()
    with_dim = frame["ventilation"] != ""
    if with_dim.any():
        keys = list(
            zip(
                frame.loc[with_dim, "ventilation"],
                _folded(frame.loc[with_dim, "membre"]),
                strict=True,
            )
        )
        members.loc[with_dim] = [labels.get(k) for k in keys]
    member_bad = (
        indicator_ok
        & dims_ok
        & ((with_dim & members.isna()) | (~with_dim & (frame["membre"] != "")))
    )
    errors.add(
        member_bad,
        "membre",
        lambda row: (
            "membre inconnu de la ventilation « "
            + row["ventilation"]
            + " » ; attendu par exemple : "
            + ", ".join(catalogue.breakdowns[row["ventilation"]].codes[:5])
            + "…"
            if row["ventilation"]
            else "membre donné sans ventilation : laissez-le vide pour le total national"
        ),
    )

    dates = _dates(frame["date"])
    errors.add(dates.isna(), "date", "date attendue au format AAAA-MM-JJ ou JJ/MM/AAAA")
    starts = pd.to_datetime(frame["indicateur"].map({k: i.start for k, i in known.items()}))
    early = dates.notna() & indicator_ok & (dates < starts)
    errors.add(
        early,
        "date",
        lambda row: (
            f"antérieure au début de l'indicateur ({known[row['indicateur']].start:%d/%m/%Y})"
        ),
    )
    future = dates.notna() & (dates > pd.Timestamp(today))
    errors.add(future, "date", f"date dans le futur (nous sommes le {today:%d/%m/%Y})")

    values = _numbers(frame["valeur"], parsed.decimal_comma)
    empty = frame["valeur"] == ""
    errors.add(empty, "valeur", "valeur manquante : un nombre est attendu")
    errors.add(values.isna() & ~empty, "valeur", "un nombre est attendu (ex. 1234 ou 1 234,5)")
    aggregation = frame["indicateur"].map({k: i.aggregation for k, i in known.items()})
    counts = aggregation.isin(["somme", "dernier"])
    errors.add(counts & (values < 0), "valeur", "un effectif ne peut pas être négatif")
    integer = frame["indicateur"].isin(
        [k for k, i in known.items() if i.aggregation == "somme" and i.decimals == 0]
    )
    errors.add(
        integer & values.notna() & (values >= 0) & (values % 1 != 0),
        "valeur",
        "un nombre entier est attendu pour cet indicateur",
    )
    weights = _numbers(frame["poids"], parsed.decimal_comma)
    weight_given = frame["poids"] != ""
    errors.add(
        weight_given & ~(weights > 0),
        "poids",
        "un poids strictement positif est attendu (ou rien)",
    )

    observations = pd.DataFrame(
        {
            "indicator": frame["indicateur"],
            "dimension": frame["ventilation"],
            "member": members.where(with_dim, ""),
            "date": dates.dt.strftime("%Y-%m-%d"),
            "value": values,
            "weight": weights.where(weight_given, 1.0),
            "ligne": frame["ligne"],
        }
    )
    key = ["indicator", "dimension", "member", "date"]
    clean = observations.dropna(subset=["date", "value"])
    duplicated = clean.duplicated(subset=key, keep=False)
    if duplicated.any():
        first_line = clean[duplicated].groupby(key)["ligne"].transform("min")
        repeat = duplicated & clean.duplicated(subset=key, keep="first")
        origin = dict(
            zip(clean.index[repeat], first_line[repeat[duplicated]].to_numpy(), strict=True)
        )
        mask = frame.index.isin(origin.keys())
        errors.add(
            pd.Series(mask, index=frame.index),
            "date",
            lambda row: (
                f"doublon : même indicateur, ventilation, membre et date qu'à la "
                f"{parsed.unit} {origin[row.name]}"
            ),
        )
    _check_totals(clean[~duplicated], known, errors, frame)
    rejected = len(errors.rows)
    return observations.drop(columns="ligne"), errors.messages(), rejected


def _check_totals(clean: pd.DataFrame, known: dict, errors: _Errors, frame: pd.DataFrame) -> None:
    """Flag breakdowns whose members do not add up to the national total given in the file."""
    additive = clean["indicator"].isin(
        [k for k, i in known.items() if i.aggregation in ("somme", "dernier")]
    )
    data = clean[additive]
    totals = data[data["dimension"] == ""].set_index(["indicator", "date"])["value"]
    parts = data[data["dimension"] != ""]
    if totals.empty or parts.empty:
        return
    sums = parts.groupby(["indicator", "date", "dimension"])["value"].sum().reset_index()
    sums = sums.join(totals.rename("total"), on=["indicator", "date"], how="inner")
    wrong = sums[(sums["value"] - sums["total"]).abs() > 1e-6 * sums["total"].abs().clip(lower=1)]
    if wrong.empty:
        return
    flagged = data[data["dimension"] == ""].merge(
        wrong[["indicator", "date", "dimension", "value"]].rename(
            columns={"value": "somme", "dimension": "ventilation"}
        ),
        on=["indicator", "date"],
    )
    details = {int(r.ligne): (r.ventilation, r.somme) for r in flagged.itertuples()}
    mask = frame["ligne"].isin(details)
    errors.add(
        mask,
        "valeur",
        lambda row: (
            f"total national différent de la somme de la ventilation "
            f"« {details[int(row['ligne'])][0]} » ({details[int(row['ligne'])][1]:g}) pour ce jour"
        ),
    )


# -- one file ----------------------------------------------------------------------------------


def ingest_file(
    path: Path,
    store: Store,
    catalogue: Catalogue,
    settings: Settings,
    *,
    today: dt.date,
    source: str = "",
    dry_run: bool = False,
    matomo_indicator: str = "site-institutionnel-visites",
    log: Callable[[str], None] = lambda _: None,
    progress: Callable[[int, int], None] | None = None,
    publish: bool = False,
    loaded_by: str = "",
    motive: str = "",
    withhold: Callable[[], list[str]] | None = None,
) -> FileReport:
    """Read, check and load one file into the draft, or with ``publish`` publish it at once
    (``motive``: why, for the public log); return what happened. Writes nothing unless all is
    valid. ``loaded_by``: who runs the load, recorded for traceability.

    ``withhold``: asked, with ``publish``, once the file is in the draft: the reasons (French)
    not to publish the draft; any keeps it there, unpublished (``FileReport.withheld``).
    """
    report = FileReport(path=path)
    name = path.name
    try:
        size = path.stat().st_size
        if size > settings.max_file_mb * 1024 * 1024:
            report.errors = [
                f"{name} : fichier trop volumineux ({size / 1024 / 1024:.1f} Mo) — limite "
                f"{settings.max_file_mb} Mo (BAROMETRE_MAX_FILE_MB) ; découpez-le par année."
            ]
            return report
        data = path.read_bytes()
    except OSError as error:
        report.errors = [f"{name} : lecture impossible ({error.strerror})."]
        return report
    content_hash = hashlib.sha256(data).hexdigest()
    previous = store.update_by_hash(content_hash)
    if previous is not None:
        report.status, report.previous = "deja-charge", previous
        return report
    named, _, dimension = path.stem.partition("--")
    if dimension and catalogue.get(named) is not None:
        report.errors = [
            f"{name} : ventilation mensuelle du paquet de données — des totaux par mois, masqués "
            "par le secret statistique, ne se rechargent pas comme des observations par jour ; "
            "rechargez les séries nationales (donnees/<indicateur>.csv) ou les fichiers d'origine."
        ]
        return report
    try:
        parsed = formats.parse(
            data,
            matomo_indicator=matomo_indicator,
            named_indicator=named if catalogue.get(named) is not None else "",
        )
    except formats.FormatError as error:
        report.errors = [f"{name} : {error}"]
        return report
    report.description = parsed.description
    report.rows = len(parsed.frame)
    log(f"{name} : format détecté : {parsed.description} ; {report.rows} lignes.")
    findings = guard.check(parsed.raw, parsed.columns, parsed.unit)
    if findings:
        report.errors = [
            f"{name} : refusé, données personnelles possibles — seuls des effectifs et mesures "
            "agrégés sont acceptés."
        ] + [f"{name}, {f}" for f in findings]
        return report
    if parsed.problems:
        report.errors = [f"{name} : {problem}" for problem in parsed.problems]
        return report
    observations, errors, rejected = validate(parsed, catalogue, today, name, settings.max_errors)
    if errors:
        report.errors = errors
        report.rows = len(observations)
        report.summary = None
        report.rejected = rejected
        return report
    if dry_run:
        report.status = "essai"
        return report
    total = len(observations)
    if progress is not None:
        progress(0, total)
    options = {
        "kind": "ingestion",
        "source": source or name,
        "content_hash": content_hash,
        "loaded_by": loaded_by,
        "progress": (lambda n: progress(n, total)) if progress else None,
    }
    if publish and withhold is None:
        report.summary = store.apply(observations, motive=motive, **options)
    else:
        report.summary = store.stage(observations, **options)
        report.withheld = withhold() if publish else []
        if publish and not report.withheld and store.draft_size():
            published = store.publish(by=loaded_by, motive=motive or options["source"])
            report.summary = dataclasses.replace(
                report.summary, data_version=published.data_version
            )
    report.status, report.published = "charge", publish and not report.withheld
    return report


# -- several files, drop folder, lock ----------------------------------------------------------


@contextlib.contextmanager
def lock(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` so that two runs (cron, operator) never overlap."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle = open(folder / LOCK_NAME, "a+")  # noqa: SIM115 - held for the whole block
    except OSError as error:
        raise DiskError.from_os_error(error, folder) or error from None
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise Busy(
                "un autre chargement est en cours (verrou "
                f"{folder / LOCK_NAME}) ; réessayez plus tard."
            ) from None
        yield
    finally:
        handle.close()


def pending(folder: Path) -> list[Path]:
    """Return the files waiting in a drop folder, in name order (partial uploads skipped)."""
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file()
        and not p.name.startswith(".")
        and p.name != LOCK_NAME
        and not p.name.endswith(SKIPPED_SUFFIXES)
    )


def file_away(report: FileReport, folder: Path) -> Path:
    """Move a processed file to ``traités/`` or ``rejetés/`` (with its error report); return it.

    The error report is written before the file moves: on a full or read-only disk the file stays
    where it was (DiskError), to be processed again by the next run.
    """
    target_dir = folder / (ACCEPTED_DIR if report.ok else REJECTED_DIR)
    target = target_dir / report.path.name
    if target.exists():
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        target = target_dir / f"{report.path.stem}.{stamp}{report.path.suffix}"
    tmp = target.with_name(target.name + ".erreurs.txt.tmp")
    try:
        target_dir.mkdir(exist_ok=True)
        if not report.ok:
            tmp.write_text("\n".join(report.errors) + "\n", encoding="utf-8")
        shutil.move(report.path, target)
        if not report.ok:
            os.replace(tmp, target.with_name(target.name + ".erreurs.txt"))
    except OSError as error:
        tmp.unlink(missing_ok=True)
        raise DiskError.from_os_error(error, folder) or error from None
    return target


# -- freshness ---------------------------------------------------------------------------------


def is_late(frequency: str, last: dt.date | None, today: dt.date) -> bool:
    """Return whether an indicator's last day is older than its declared frequency allows.

    One period of grace: a daily indicator is late when its last day is more than 2 days old,
    a weekly one after 14 days, a monthly one after 62 days. No data at all is not « late ».
    """
    from barometre.data.catalogue import FREQUENCIES

    return last is not None and (today - last).days > 2 * FREQUENCIES[frequency]
