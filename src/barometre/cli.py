"""The ``barometre`` command: a thin layer over the store, the demo generator and the app."""

from __future__ import annotations

import datetime as dt
import sys

import click

from barometre import catalogue as catalogue_module
from barometre.config import Settings
from barometre.store import Store, StoreError

# Access log lines as JSON, with neither the client's address nor its user agent (GDPR).
ACCESS_LOG_FORMAT = (
    '{"heure": "%(t)s", "methode": "%(m)s", "chemin": "%(U)s", "statut": %(s)s, '
    '"octets": "%(B)s", "duree_us": %(D)s}'
)


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


def fail(message: str) -> None:
    """Print a French error on stderr and exit with status 1."""
    click.echo(f"Erreur : {message}", err=True)
    sys.exit(1)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.pass_context
def main(ctx: click.Context) -> None:
    """Baromètre numérique : les chiffres clés des services numériques de la gendarmerie."""
    try:
        ctx.obj = Context()
    except ValueError as error:
        fail(str(error))


@main.command()
@click.pass_obj
def init(ctx: Context) -> None:
    """Crée ou met à jour le schéma de la base et y inscrit le catalogue."""
    try:
        applied = ctx.store.init_schema()
        ctx.store.sync_catalogue(ctx.catalogue)
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
    from barometre import demo as demo_module

    try:
        ctx.store.init_schema()
        if if_empty and ctx.store.has_observations():
            click.echo("La base contient déjà des données : rien à faire.")
            return
        summary = demo_module.install(ctx.store, ctx.catalogue, today=dt.date.today(), force=force)
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
    for row in frame.itertuples(index=False):
        click.echo(
            f"{row.indicateur:<34} {row.premiere_date or '—':>10} → {row.derniere_date or '—':<10}"
            f" {row.observations:>7} obs.  mise à jour : {row.derniere_mise_a_jour or 'jamais'}"
        )


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Adresse d'écoute.")
@click.option("--port", default=8050, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64))
@click.option("--timeout", default=30, show_default=True, type=click.IntRange(1, 600))
@click.pass_obj
def serve(ctx: Context, host: str, port: int, workers: int, timeout: int) -> None:
    """Sert l'application avec gunicorn."""
    from gunicorn.app.base import BaseApplication

    from barometre.app import create_app

    settings = ctx.settings

    class Server(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("timeout", timeout)
            self.cfg.set("accesslog", "-")
            self.cfg.set("access_log_format", ACCESS_LOG_FORMAT)
            self.cfg.set("limit_request_line", 4094)
            self.cfg.set("limit_request_fields", 50)

        def load(self):
            return create_app(settings).server

    click.echo(f"Baromètre numérique sur http://{host}:{port}{settings.url_prefix}")
    Server().run()
