"""The ``barometre`` command: a thin layer over the store, the demo generator and the app."""

from __future__ import annotations

import contextlib
import datetime as dt
import getpass
import json
import logging
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import click

from barometre.config import Settings
from barometre.data import catalogue as catalogue_module
from barometre.data.store import DiskError, Store, StoreError
from barometre.web.logs import json_on_stderr

log = logging.getLogger(__name__)


class Context:
    """Settings, catalogue and store, opened lazily for the command that runs."""

    def __init__(self):
        self.settings = Settings.from_env()
        self._catalogue = None
        self._store = None

    @property
    def catalogue(self) -> catalogue_module.Catalogue:
        if self._catalogue is None:
            self._catalogue = catalogue_module.load(self.settings.catalogue or None)
        return self._catalogue

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = Store(self.settings.database_url)
        return self._store

    def close(self) -> None:
        """Close the store's connection, if the command opened one."""
        if self._store is not None:
            self._store.close()


def fail(message: str) -> None:
    """Print a French error on stderr and exit with status 1."""
    click.echo(f"Erreur : {message}", err=True)
    sys.exit(1)


def fail_on_disk(error: DiskError, command: str, event: str) -> None:
    """Log a full or read-only disk as one JSON line, then fail with what to free or remount."""
    message = error.advice(command)
    with json_on_stderr():
        log.error(
            json.dumps(
                {
                    "evenement": event,
                    "probleme": error.problem,
                    "emplacement": error.where,
                    "message": message,
                },
                ensure_ascii=False,
            )
        )
    fail(message)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.pass_context
def main(ctx: click.Context) -> None:
    """Baromètre numérique : les chiffres clés des services numériques de la gendarmerie."""
    try:
        ctx.obj = Context()
    except ValueError as error:
        fail(str(error))
    ctx.call_on_close(ctx.obj.close)


@main.command()
@click.pass_obj
def init(ctx: Context) -> None:
    """Crée ou met à jour le schéma de la base et y inscrit le catalogue."""
    try:
        applied = ctx.store.init_schema()
        ctx.store.sync_catalogue(ctx.catalogue)
    except DiskError as error:
        fail_on_disk(error, "barometre init", "initialisation_impossible")
    except (StoreError, catalogue_module.CatalogueError) as error:
        fail(str(error))
    state = f"migrations appliquées : {applied}" if applied else "schéma déjà à jour"
    click.echo(f"Base prête ({ctx.settings.database_url}) — {state}.")


@main.command()
@click.option("--force", is_flag=True, help="Remplace aussi des données réelles.")
@click.option("--if-empty", is_flag=True, help="Ne fait rien si la base contient déjà des données.")
@click.pass_obj
def demo(ctx: Context, force: bool, if_empty: bool) -> None:
    """Remplit la base avec le jeu de données de démonstration."""
    from barometre.data import demo as demo_module

    try:
        ctx.store.init_schema()
        if if_empty and ctx.store.has_observations():
            click.echo("La base contient déjà des données : rien à faire.")
            return
        summary = demo_module.install(ctx.store, ctx.catalogue, today=dt.date.today(), force=force)
    except DiskError as error:
        fail_on_disk(error, "barometre demo", "demonstration_impossible")
    except (demo_module.DemoRefused, demo_module.CalibrationError, StoreError) as error:
        fail(str(error))
    click.echo(
        f"Données de démonstration chargées : {summary.added} lignes ajoutées, "
        f"version des données {summary.data_version}."
    )


@main.command()
@click.pass_obj
def status(ctx: Context) -> None:
    """Affiche, par indicateur, la période couverte et la dernière mise à jour."""
    try:
        frame = ctx.store.status()
        content = ctx.store.content()
        version = ctx.store.data_version()
    except StoreError as error:
        fail(str(error))
    click.echo(f"Base : {ctx.settings.database_url}")
    click.echo(f"Contenu : {content} — version des données {version}")
    click.echo(_last_operation(ctx.store))
    click.echo(_publication_state(ctx.store))
    from barometre.data.ingest import is_late

    today = dt.date.today()
    frame = frame.astype(object).where(frame.notna(), None)  # « — », not « nan », when no data
    for row in frame.itertuples(index=False):
        indicator = ctx.catalogue.get(row.indicateur)
        dated = isinstance(row.derniere_date, str)
        last = dt.date.fromisoformat(row.derniere_date) if dated else None
        late = indicator is not None and is_late(indicator.frequency, last, today)
        click.echo(
            f"{row.indicateur:<34} {row.premiere_date or '—':>10} → {row.derniere_date or '—':<10}"
            f" {row.observations:>7} obs.  mise à jour : {row.derniere_mise_a_jour or 'jamais'}"
            + (f"  EN RETARD (fréquence {indicator.frequency})" if late else "")
        )


def _last_operation(store: Store) -> str:
    """Return the status line of the last backup and restoration (an operator's first check)."""
    try:
        done = store.operations()
    except StoreError:
        return "Sauvegardes : journal illisible."
    said = []
    for kind, noun in (("sauvegarde", "Dernière sauvegarde"), ("restauration", "restauration")):
        last = done[done["kind"] == kind].head(1)
        if not last.empty:
            row = last.iloc[0]
            said.append(f"{noun} le {row['at']} : {row['file']} (version {row['data_version']})")
    return (" ; ".join(said) or "Aucune sauvegarde inscrite (barometre sauvegarde FICHIER)") + "."


def _publication_state(store: Store) -> str:
    """Return the status line of the public state and of the draft waiting for review."""
    from barometre.review.text import count, moment

    try:
        last = store.publications(limit=1)
        loads = store.draft_loads()
        rows = store.draft_size()
    except StoreError:
        return "Publications : journal illisible."
    public = (
        f"Publication en cours : n° {last['number'].iloc[0]} du {moment(last['at'].iloc[0])}"
        if not last.empty
        else "Aucune publication"
    )
    if loads.empty and not rows:
        return f"{public} ; brouillon vide."
    people = sorted({who for who in loads["loaded_by"] if who})
    return (
        f"{public} ; BROUILLON EN ATTENTE : {count(rows, 'ligne')} à publier, "
        f"{count(len(loads), 'chargement')}"
        + (f" de {', '.join(people)}" if people else "")
        + " — relisez-le (barometre revue), puis publiez-le (barometre publier) ou abandonnez-le"
        " (barometre abandon)."
    )


LOOPBACK = ("127.0.0.1", "localhost", "::1")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Adresse d'écoute.")
@click.option("--port", default=8050, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64))
@click.option("--timeout", default=30, show_default=True, type=click.IntRange(1, 600))
@click.pass_obj
def serve(ctx: Context, host: str, port: int, workers: int, timeout: int) -> None:
    """Sert l'application avec gunicorn."""
    from gunicorn.app.base import BaseApplication

    from barometre.web.app import create_app

    settings = ctx.settings
    if host not in LOOPBACK and settings.public_url == Settings().public_url:
        # Served beyond this machine with the local address as its public one: every shared
        # link (oEmbed, social cards, images) would point to 127.0.0.1.
        click.echo(
            f"Attention : BAROMETRE_PUBLIC_URL vaut {settings.public_url} alors que le site est "
            f"servi sur {host} ; les liens de partage (oEmbed, cartes, images) pointeront vers "
            "cette adresse locale. Donnez l'adresse publique du site (https://…).",
            err=True,
        )

    class Server(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("timeout", timeout)
            # Sync processes by default: the lowest cached p99 on a quiet machine and never a
            # connection error. gthread keeps serving cached answers while a thread computes a
            # slow one, but wrk sometimes sees a kept-alive connection closed unanswered, and
            # 4 threads lengthen the p99 (GIL): docs/performance.md.
            self.cfg.set("worker_class", "gthread" if settings.server_threads > 1 else "sync")
            self.cfg.set("threads", settings.server_threads)
            # Access lines as JSON, with neither the client's address nor its user agent (GDPR).
            self.cfg.set("accesslog", "-")
            self.cfg.set("limit_request_line", 4094)
            self.cfg.set("limit_request_fields", 50)
            # gunicorn always sends « Server: gunicorn »: say only the site's name instead (a
            # second Server header from the app would be sent alongside, not instead).
            from gunicorn.http import wsgi as gunicorn_wsgi

            from barometre.web.security import SERVER_NAME

            gunicorn_wsgi.SERVER = SERVER_NAME
            from barometre.web.logs import AccessLogger, gunicorn_logging

            self.cfg.set("logger_class", AccessLogger)
            self.cfg.set("logconfig_dict", gunicorn_logging())
            # gunicorn ≥ 25 opens an admin socket in $HOME, shared by every instance of the host:
            # not needed (signals do the same) and one attack surface less.
            if "control_socket_disable" in self.cfg.settings:
                self.cfg.set("control_socket_disable", True)

        def load(self):
            return create_app(settings).server

    click.echo(f"Baromètre numérique sur http://{host}:{port}{settings.url_prefix}")
    Server().run()


@main.command()
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--source", default="", help="Source inscrite au journal (défaut : le fichier).")
@click.option("--dry-run", is_flag=True, help="Vérifie les fichiers sans rien écrire.")
@click.option(
    "--dossier",
    type=click.Path(file_okay=False, path_type=Path),
    help="Dossier de dépôt : traite chaque nouveau fichier, range traités/ et rejetés/.",
)
@click.option(
    "--indicateur",
    default="site-institutionnel-visites",
    show_default=True,
    help="Indicateur alimenté par un export Matomo.",
)
@click.option(
    "--publier",
    is_flag=True,
    help="Publie aussitôt, sans passer par la revue du brouillon (l'ancien comportement).",
)
@click.option("--motif", default="", help="Avec --publier : pourquoi, pour le journal public.")
@click.pass_obj
def ingest(
    ctx: Context,
    files: tuple[Path, ...],
    source: str,
    dry_run: bool,
    dossier: Path | None,
    indicateur: str,
    publier: bool,
    motif: str,
) -> None:
    """Charge des fichiers d'observations (CSV, CSV tableur, JSON, export Matomo) dans le
    brouillon, à relire (barometre revue) puis publier (barometre publier) ; --publier publie
    aussitôt. Le dossier de dépôt publie aussitôt, sauf BAROMETRE_DROP_REVIEW=true."""
    from barometre.data import ingest as ingest_module

    if not files and dossier is None:
        fail("indiquez au moins un fichier ou --dossier DOSSIER.")
    # An existing cron job on the drop folder keeps publishing unless the operator asks for review.
    publish = publier or (dossier is not None and not ctx.settings.drop_review)
    if motif and not publish:
        fail(
            "--motif accompagne --publier ; sans lui, le chargement va au brouillon et le motif "
            "se donne à la publication : barometre publier --motif « … »."
        )
    if dossier is not None and not dossier.is_dir():
        fail(f"le dossier {dossier} n'existe pas.")
    if ctx.catalogue.get(indicateur) is None:
        fail(f"indicateur inconnu pour --indicateur : {indicateur!r}.")
    try:
        ctx.store.data_version()
        with ingest_module.lock(ctx.settings.data_dir):
            paths = list(files) + (ingest_module.pending(dossier) if dossier else [])
            load = {"publish": publish, "loaded_by": _user(), "motive": motif}
            if publish:
                load["withhold"] = lambda: _disclosure_reasons(ctx)
            reports = [
                _ingest_one(ctx, path, source, dry_run, indicateur, dossier is not None, load)
                for path in paths
            ]
    except DiskError as error:
        fail_on_disk(error, "barometre ingest", "ingestion_impossible")
    except (StoreError, ingest_module.Busy) as error:
        fail(str(error))
    _ingest_summary(ctx, reports, dry_run)
    if any(r.withheld for r in reports):
        from barometre.review import text

        click.echo(text.DISCLOSURE_NEXT_STEPS, err=True)
    elif any(r.summary is not None and not r.published for r in reports):
        click.echo(
            "Ces chiffres sont dans le brouillon : rien n'est encore public. Relisez-les avec "
            "« barometre revue » (--html revue.html pour le rapport et ses graphiques), puis "
            'publiez-les avec « barometre publier --motif "…" », ou retirez-les avec '
            "« barometre abandon »."
        )
    if any(not r.ok or r.withheld for r in reports):
        sys.exit(1)


def _disclosure_reasons(ctx: Context) -> list[str]:
    """Return the review's « Secret statistique par différence » findings on the draft: an
    automatic publication (--publier, the drop folder) waits for them to be dealt with."""
    from barometre.review import draft

    found = draft.disclosures(ctx.store, ctx.catalogue, ctx.settings.secrecy_threshold)
    return [finding.message for finding in found]


def _user() -> str:
    """Return the name of the system user running the command (a record, not an identity)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name and no passwd entry, as in some containers
        return ""


def _ingest_one(
    ctx: Context, path: Path, source: str, dry_run: bool, indicator: str, drop: bool, load: dict
):
    from barometre.data import ingest as ingest_module

    tty = sys.stdout.isatty()
    bar = None
    started = time.monotonic()
    done = 0

    writing = {"since": 0.0, "rate": 0.0}

    def progress(rows: int, total: int) -> None:
        nonlocal bar, done
        if not writing["since"]:
            writing["since"] = time.monotonic() - 1e-6
        if not rows:  # called once before the first batch: the clock starts now
            return
        done += rows
        writing["rate"] = done / (time.monotonic() - writing["since"])
        if tty:
            if bar is None:
                bar = click.progressbar(
                    length=total,
                    label=f"{path.name} : écriture",
                    show_eta=True,
                    show_pos=True,
                    item_show_func=lambda _: _speed(writing["rate"], total - done),
                )
                bar.__enter__()
            bar.update(rows, done)
        else:
            click.echo(
                f"{path.name} : {done}/{total} lignes écrites ({writing['rate']:.0f} lignes/s)"
            )

    report = ingest_module.ingest_file(
        path,
        ctx.store,
        ctx.catalogue,
        ctx.settings,
        today=dt.date.today(),
        source=source,
        dry_run=dry_run,
        matomo_indicator=indicator,
        log=click.echo,
        progress=progress,
        **load,
    )
    if bar is not None:
        bar.__exit__(None, None, None)
    elapsed = time.monotonic() - started
    if report.status == "deja-charge":
        previous = report.previous or {}
        where = "dans le brouillon" if previous.get("publication") is None else "publié"
        click.echo(
            f"{path.name} : déjà chargé, rien à faire ({where} ; chargement n° "
            f"{previous.get('id', '?')} du {previous.get('at', '?')})."
        )
    elif report.status == "essai":
        click.echo(f"{path.name} : valide, {report.rows} lignes — essai, rien n'est écrit.")
    elif report.status == "charge":
        s = report.summary
        where = "chargé et publié" if report.published else "chargé dans le brouillon"
        click.echo(
            f"{path.name} : {where} en {elapsed:.1f} s — {s.added} ajoutées, {s.corrected} "
            f"corrigées, {s.unchanged} inchangées ; version des données {s.data_version}."
        )
    else:
        for error in report.errors:
            click.echo(error, err=True)
        click.echo(f"{path.name} : REFUSÉ, rien n'a été écrit.", err=True)
    if report.withheld:
        for message in report.withheld:
            click.echo(f"  - {message}", err=True)
        click.echo(f"{path.name} : chargé dans le brouillon, NON PUBLIÉ (ci-dessus).", err=True)
    if drop and not dry_run:
        target = ingest_module.file_away(report, path.parent)
        click.echo(f"{path.name} → {target.parent.name}/")
    return report


def _speed(rate: float, left: int) -> str:
    """Return « 123 456 lignes/s, reste 12 s » for the progress bar."""
    seconds = round(left / rate) if rate > 0 else 0
    speed = f"{rate:,.0f}".replace(",", "\u202f")
    return f"{speed} lignes/s, reste {seconds}\u00a0s"


def _ingest_summary(ctx: Context, reports: list, dry_run: bool) -> None:
    loaded = [r for r in reports if r.summary is not None]
    refused = [r for r in reports if not r.ok]
    already = [r for r in reports if r.status == "deja-charge"]
    click.echo(
        f"Bilan : {len(reports)} fichier(s) — {len(loaded)} chargé(s), {len(already)} déjà "
        f"chargé(s), {len(refused)} refusé(s)"
        + (" (essai : rien n'est écrit)" if dry_run else "")
        + f" ; lignes ajoutées {sum(r.summary.added for r in loaded)}, "
        f"corrigées {sum(r.summary.corrected for r in loaded)}, "
        f"inchangées {sum(r.summary.unchanged for r in loaded)}, "
        f"rejetées {sum(r.rejected for r in refused)} ; "
        f"version des données {ctx.store.data_version()}."
    )


@main.command("export")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--au",
    "as_of",
    metavar="AAAA-MM-JJ|N",
    help="Les chiffres tels que publiés ce jour-là, ou par la publication n° N"
    " (défaut : la publication en cours).",
)
@click.pass_obj
def export_command(ctx: Context, directory: Path, as_of: str | None) -> None:
    """Écrit le paquet de données (Frictionless : datapackage.json et CSV) dans DIRECTORY."""
    from barometre.publish import export, validation

    try:
        services = export.offline_services(ctx.settings, ctx.catalogue, ctx.store)
        read = validation.as_of(ctx.store, as_of, dt.date.today())
        target = export.write_package(services, directory, read)
        publication = export.publication(services, read)
    except validation.InvalidInput as error:
        fail(error.message)
    except DiskError as error:
        fail_on_disk(error, "barometre export", "export_impossible")
    except StoreError as error:
        fail(str(error))
    files = len(list((directory / "donnees").glob("*.csv")))
    which = (
        f", publication n° {publication.number} du {publication.day:%d/%m/%Y}"
        if publication
        else ""
    )
    click.echo(f"Paquet de données écrit : {target} ({files} fichiers CSV{which}).")


@main.command("sauvegarde")
@click.argument("fichier", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_obj
def backup_command(ctx: Context, fichier: Path) -> None:
    """Sauvegarde la base en service dans FICHIER, avec FICHIER.sha256 à côté.

    Copie cohérente, les écritures continuent pendant la copie : API de sauvegarde de SQLite, ou
    pg_dump --format=custom pour PostgreSQL.
    """
    from barometre.data import backups

    try:
        saved = backups.save(ctx.store, fichier)
    except DiskError as error:
        fail_on_disk(error, "barometre sauvegarde", "sauvegarde_impossible")
    except StoreError as error:
        fail(str(error))
    try:
        ctx.store.record_backup(saved.path, saved.checksum, saved.data_version)
    except StoreError as error:
        click.echo(f"Attention : sauvegarde non inscrite au journal ({error}).", err=True)
    click.echo(
        f"Sauvegarde écrite : {saved.path} (version des données {saved.data_version}) ; "
        f"somme de contrôle SHA-256 dans {backups.checksum_path(saved.path)}."
    )


@main.command("restauration")
@click.argument("fichier", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_obj
def restore_command(ctx: Context, fichier: Path) -> None:
    """Restaure dans la base en service la sauvegarde FICHIER (somme de contrôle vérifiée).

    Les lecteurs voient l'état d'avant ou l'état restauré, jamais un mélange (PostgreSQL :
    pg_restore en une transaction) ; la version des données restaurées dépasse toutes celles déjà
    servies (aucun cache ne répond l'ancien état).
    """
    from barometre.data import backups
    from barometre.data import ingest as ingest_module

    try:
        # No ingestion may write while the store is replaced.
        with ingest_module.lock(ctx.settings.data_dir):
            version = backups.restore(ctx.store, fichier)
    except DiskError as error:
        fail_on_disk(error, "barometre restauration", "restauration_impossible")
    except (StoreError, ingest_module.Busy) as error:
        fail(str(error))
    click.echo(f"Sauvegarde {fichier} restaurée : version des données {version}.")


# -- publications: review the draft, publish it, list, roll back, discard --------------------------


@main.command("revue")
@click.option(
    "--html",
    "html_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Écrit aussi le rapport en HTML (autonome : graphiques avant/après de chaque série "
    "signalée) dans ce fichier.",
)
@click.pass_obj
def review_command(ctx: Context, html_file: Path | None) -> None:
    """Relit le brouillon : ce que sa publication changerait, et les anomalies relevées."""
    from barometre.review import draft, page, text

    today = dt.date.today()
    try:
        found = draft.review(ctx.store, ctx.catalogue, today, ctx.settings.secrecy_threshold)
    except StoreError as error:
        fail(str(error))
    for line in text.review_lines(found):
        click.echo(line)
    if html_file is not None:
        try:
            page.write(found, ctx.catalogue, today, html_file)
        except OSError as error:
            fail(f"rapport {html_file} impossible à écrire ({error.strerror}).")
        click.echo(f"Rapport écrit : {html_file}")


@main.command("publier")
@click.option("--motif", default="", help="Pourquoi : inscrit au journal public des publications.")
@click.option(
    "--malgre-secret",
    "despite_secrecy",
    is_flag=True,
    help="Publie même si la revue relève un « Secret statistique par différence » (à éviter : "
    "le chiffre masqué se lirait dans l'écart des totaux).",
)
@click.pass_obj
def publish_command(ctx: Context, motif: str, despite_secrecy: bool) -> None:
    """Rend public le brouillon, d'un coup : une nouvelle publication numérotée."""
    from barometre.review import draft, text

    user = _user()
    # No load may change the draft between its review and its publication.
    with _writing(ctx, "barometre publier", "publication_impossible"):
        threshold = ctx.settings.secrecy_threshold
        found = draft.review(ctx.store, ctx.catalogue, dt.date.today(), threshold)
        if found.empty:
            fail(
                "le brouillon est vide : rien à publier (chargez d'abord un fichier avec "
                "barometre ingest)."
            )
        loaders = sorted({who for who in found.loads["loaded_by"] if who})
        if ctx.settings.separate_publisher and user in loaders:
            fail(
                f"BAROMETRE_SEPARATE_PUBLISHER est activé et le brouillon a été chargé par "
                f"{user} : une autre personne doit le relire et le publier. Le brouillon est "
                "gardé tel quel."
            )
        if found.disclosures and not despite_secrecy:
            _refuse_disclosure(found.disclosures)
        summary = ctx.store.publish(by=user, motive=motif, flags=len(found.findings))
    flags = len(found.findings)
    click.echo(
        f"Publication n° {summary.number} faite"
        + (f" par {user}" if user else "")
        + f" : {text.changed_rows(summary.added, summary.corrected, summary.removed)} ;"
        f" version des données {summary.data_version}"
        + (f" ; revue : {text.count(flags, 'signalement inscrit')}." if flags else ".")
    )


def _refuse_disclosure(findings: tuple) -> None:
    from barometre.review import text

    for finding in findings:
        click.echo(f"  - {finding.message}", err=True)
    fail(f"brouillon gardé tel quel. {text.DISCLOSURE_NEXT_STEPS}")


@main.command("publications")
@click.option("--nombre", type=click.IntRange(1), help="N'affiche que les N dernières.")
@click.pass_obj
def publications_command(ctx: Context, nombre: int | None) -> None:
    """Liste les publications, la plus récente d'abord."""
    from barometre.review import text

    try:
        listed = ctx.store.publications(limit=nombre)
    except StoreError as error:
        fail(str(error))
    for line in text.publication_lines(listed):
        click.echo(line)


@main.command("retour")
@click.argument("numero", type=int)
@click.option("--motif", default="", help="Pourquoi : inscrit au journal public des publications.")
@click.pass_obj
def roll_back_command(ctx: Context, numero: int, motif: str) -> None:
    """Rend publique à nouveau la publication NUMERO, d'un coup : une nouvelle publication."""
    from barometre.review import text

    with _writing(ctx, "barometre retour", "retour_impossible"):
        current = ctx.store.publications(limit=1)
        if not current.empty and numero in (current["number"].iloc[0], current["restores"].iloc[0]):
            fail(f"la publication n° {numero} est déjà l'état public : rien à faire.")
        summary = ctx.store.roll_back(numero, by=_user(), motive=motif)
        waiting = not ctx.store.draft_loads().empty
    click.echo(
        f"Publication n° {summary.number} : l'état de la publication n° {numero} est de nouveau "
        f"public ({text.changed_rows(summary.added, summary.corrected, summary.removed)}) ;"
        f" version des données {summary.data_version}."
    )
    if waiting:
        click.echo(
            "Attention : un brouillon est en attente ; il s'appliquerait sur l'état rétabli. "
            "Relisez-le (barometre revue) avant de le publier, ou abandonnez-le "
            "(barometre abandon)."
        )


@main.command("abandon")
@click.pass_obj
def discard_command(ctx: Context) -> None:
    """Abandonne le brouillon (un mauvais fichier relevé à la revue) ; rien de public ne change."""
    from barometre.review import text

    with _writing(ctx, "barometre abandon", "abandon_impossible"):
        loads = ctx.store.draft_loads()
        if loads.empty:
            fail("le brouillon est déjà vide : rien à abandonner.")
        dropped = ctx.store.discard_draft()
    click.echo(
        f"Brouillon abandonné : {text.count(dropped, 'ligne')} et "
        f"{text.count(len(loads), 'chargement')} écartés ; les chiffres publics n'ont pas changé. "
        "Chargez le bon fichier avec barometre ingest (un fichier écarté peut être rechargé)."
    )


@contextlib.contextmanager
def _writing(ctx: Context, command: str, event: str) -> Iterator[None]:
    """Hold the lock of the loads while a command changes the draft or the public state, and
    end on the store's errors in French (a full or read-only disk logged as one JSON line)."""
    from barometre.data import ingest as ingest_module

    try:
        with ingest_module.lock(ctx.settings.data_dir):
            yield
    except DiskError as error:
        fail_on_disk(error, command, event)
    except (StoreError, ingest_module.Busy) as error:
        fail(str(error))
