"""The review and the list of publications as the terminal shows them, in French."""

from __future__ import annotations

import datetime as dt
import itertools
import zoneinfo
from collections.abc import Iterator

import pandas as pd

from barometre.charts import french
from barometre.charts.french import NBSP
from barometre.review.anomalies import RULES, spaced
from barometre.review.draft import Review

LISTED = 5  # findings written per indicator and rule; the report lists them all
PARIS = zoneinfo.ZoneInfo("Europe/Paris")
KINDS = {"publication": "publication", "reprise": "reprise des données d'avant les publications"}
NEXT_STEPS = (
    'Ensuite : publiez avec « barometre publier --motif "…" », ou abandonnez le brouillon avec '
    "« barometre abandon » (puis chargez le bon fichier)."
)
# When the review finds a « Secret statistique par différence »: no publication without a choice.
DISCLOSURE_NEXT_STEPS = (
    "La publication est refusée tant que le brouillon donnerait des chiffres masqués par le "
    "secret statistique : abandonnez-le (« barometre abandon ») et rechargez les fichiers sans "
    "ces lignes, ou, si ces chiffres peuvent être rendus publics, publiez avec « barometre "
    'publier --malgre-secret --motif "…" ».'
)


def count(number: int, noun: str) -> str:
    """Return « 0 ligne ajoutée », « 1 234 lignes »: French plural from 2, thin thousands."""
    words = noun if number < 2 else " ".join(w + "s" for w in noun.split(" "))
    return f"{french.format_number(number)}{NBSP}{words}"


def changed_rows(added: int, corrected: int, removed: int) -> str:
    """Return « 3 lignes ajoutées, 1 corrigée, 0 retirée »."""
    return (
        f"{count(added, 'ligne ajoutée')}, {count(corrected, 'corrigée')}, "
        f"{count(removed, 'retirée')}"
    )


def moment(at: str) -> str:
    """Return an ISO UTC timestamp as Paris time in French: « 3 novembre 2026 à 08:00 »."""
    local = dt.datetime.fromisoformat(at).astimezone(PARIS)
    return f"{french.format_date(local.date())} à {local:%H:%M}"


def review_lines(review: Review) -> Iterator[str]:
    """Yield the lines of the review: loads waiting, changes per indicator, findings, what next."""
    return map(spaced, _review_lines(review))


def publication_lines(publications: pd.DataFrame) -> Iterator[str]:
    """Yield one line per publication, newest first."""
    return map(spaced, _publication_lines(publications))


def _review_lines(review: Review) -> Iterator[str]:
    if review.empty:
        yield "Le brouillon est vide : aucun chiffre public ne changerait. Rien à relire."
        return
    yield f"Brouillon en attente : {count(len(review.loads), 'chargement')}, non publié."
    for load in review.loads.itertuples():
        who = f", par {load.loaded_by}" if load.loaded_by else ""
        yield f"  - {moment(load.at)}{who} : {load.source}"
    yield "Ce que la publication changerait :"
    for change in review.changes:
        span = (
            french.format_date_range(change.first, change.last)
            if change.first != change.last
            else f"le {french.format_date(change.first)}"
        )
        yield (
            f"  {change.indicator.title} ({change.indicator.id}) : "
            f"{changed_rows(change.added, change.corrected, change.removed)} — {span}"
        )
        for example in change.examples:
            yield (
                f"      correction : {example.series}, {french.format_date(example.date)} : "
                f"{french.format_value(example.old, change.indicator)} → "
                f"{french.format_value(example.new, change.indicator)}"
            )
    yield from _finding_lines(review)
    yield disclosure_steps(review) or NEXT_STEPS


def disclosure_steps(review: Review) -> str:
    """Return what to do when the review finds a « Secret statistique par différence », or
    ``""``."""
    return DISCLOSURE_NEXT_STEPS if review.disclosures else ""


def _finding_lines(review: Review) -> Iterator[str]:
    """Yield the findings, at most ``LISTED`` per indicator and rule, and how many more."""
    if not review.findings:
        yield "Aucun signalement : aucune règle de la revue ne relève d'anomalie."
        return
    yield (
        f"{count(len(review.findings), 'signalement')} (règles : docs/ingestion.md, "
        "« Revue du brouillon ») :"
    )
    # Findings come grouped by indicator, then by rule (anomalies.check).
    for (_, rule), group in itertools.groupby(review.findings, lambda f: (f.indicator, f.rule)):
        group = list(group)
        for finding in group[:LISTED]:
            yield f"  - {finding.message}"
        if len(group) > LISTED:
            yield f"  … et {count(len(group) - LISTED, 'autre signalement')} « {RULES[rule]} »."


def _publication_lines(publications: pd.DataFrame) -> Iterator[str]:
    if publications.empty:
        yield "Aucune publication : la base n'a encore rien rendu public."
        return
    for row in publications.itertuples():
        kind = (
            f"retour à la publication n° {int(row.restores)}"
            if row.kind == "retour"
            else KINDS.get(row.kind, row.kind)
        )
        people = ", ".join(
            text
            for text in (
                f"chargé par {row.loaded_by}" if row.loaded_by else "",
                f"publié par {row.published_by}" if row.published_by else "",
            )
            if text
        )
        yield " — ".join(
            part
            for part in (
                f"n° {row.number}",
                moment(row.at),
                kind,
                people,
                changed_rows(row.rows_added, row.rows_corrected, row.rows_removed),
                count(row.flags, "signalement"),
                f"motif : {row.motive}" if row.motive else "",
            )
            if part
        )
