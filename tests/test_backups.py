"""Backups and restorations of a real SQLite store by the real commands (``barometre sauvegarde``,
``barometre restauration``), and every command that writes met with a full or read-only disk.

A restored store serves what it served at the backup, every API answer equal but for its ETag,
under a data version above any served before; a backup taken while a load writes is one
consistent state; a damaged or unchecked backup is refused and the store left as it was.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import threading
from contextlib import closing
from pathlib import Path

import pytest
from conftest import free_port
from test_disk_faults import SmallDisk, contents, disk, observations_csv  # noqa: F401

from barometre.config import Settings
from barometre.data.store import Store
from barometre.web.app import create_app

pytestmark = pytest.mark.slow

# Every kind of API answer over the loaded indicator: metadata, series, breakdown, CSV, package.
ANSWERS = (
    "/api/v1/indicateurs",
    "/api/v1/indicateurs/pre-plainte-en-ligne",
    "/api/v1/indicateurs/pre-plainte-en-ligne/observations?granularite=jour",
    "/api/v1/indicateurs/pre-plainte-en-ligne/observations?granularite=mois",
    "/api/v1/indicateurs/pre-plainte-en-ligne/observations.csv?granularite=semaine",
    "/api/v1/indicateurs/pre-plainte-en-ligne/ventilations/type-personne"
    "?debut=2019-01-01&fin=2019-12-31",
)


def barometre(settings: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    """Run the real ``barometre`` command with these settings only, as an operator does."""
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "barometre", *args],
        env={"PATH": "/usr/bin:/bin", **settings},
        capture_output=True,
        text=True,
        timeout=300,
    )


def run(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    """Run ``barometre`` on the SQLite store in ``data_dir``."""
    return barometre({"BAROMETRE_DATA_DIR": str(data_dir)}, *args)


def load(data_dir: Path, tmp_path: Path, year: int, days: int) -> None:
    source = tmp_path / f"observations-{year}.csv"
    source.write_text(observations_csv(year, days), encoding="utf-8")
    loaded = run(data_dir, "ingest", "--publier", str(source))
    assert loaded.returncode == 0, loaded.stderr


@pytest.fixture
def store_dir(tmp_path) -> Path:
    data_dir = tmp_path / "donnees"
    assert run(data_dir, "init").returncode == 0
    load(data_dir, tmp_path, 2019, 400)
    return data_dir


def answers(data_dir: Path) -> dict[str, tuple]:
    """Return the API's answers (the bodies: the ETag names the data version).

    Read in this process, which then keeps its connection to the store while the commands
    write: the store must never drop SQLite's locks on the file (a descriptor of it closed in
    this process would), or a command that ends would reset the WAL under this process, whose
    next connection would read « database disk image is malformed » (howtocorrupt.html, 2.2).
    """
    client = create_app(Settings(data_dir=data_dir)).server.test_client()
    found = {}
    for path in ANSWERS:
        response = client.get(path)
        assert response.status_code == 200, (path, response.get_data(as_text=True)[:300])
        found[path] = (response.mimetype, response.get_data(as_text=True))
    return found


def data_version(data_dir: Path) -> int:
    with closing(sqlite3.connect(data_dir / "barometre.sqlite3")) as connection:
        row = connection.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchone()
    return int(row[0])


def operation_times(data_dir: Path) -> list[str]:
    with closing(sqlite3.connect(data_dir / "barometre.sqlite3")) as connection:
        return [row[0] for row in connection.execute("SELECT at FROM operations ORDER BY id")]


def operations(data_dir: Path) -> list[tuple]:
    with closing(sqlite3.connect(data_dir / "barometre.sqlite3")) as connection:
        return connection.execute(
            "SELECT kind, file, checksum, data_version FROM operations ORDER BY id"
        ).fetchall()


def test_a_restored_store_serves_what_it_served_at_the_backup(store_dir, tmp_path):
    at_backup, version_at_backup = answers(store_dir), data_version(store_dir)
    backup = tmp_path / "sauvegardes" / "barometre-2026-12-05.sqlite3"
    backup.parent.mkdir()
    saved = run(store_dir, "sauvegarde", str(backup))
    assert saved.returncode == 0, saved.stderr
    assert f"Sauvegarde écrite : {backup}" in saved.stdout
    # The checksum beside it, in the format sha256sum -c reads.
    checked = subprocess.run(  # noqa: S603
        ["sha256sum", "-c", backup.name + ".sha256"],  # noqa: S607
        cwd=backup.parent,
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0 and ": OK" in checked.stdout
    digest = hashlib.sha256(backup.read_bytes()).hexdigest()
    assert sorted(p.name for p in backup.parent.iterdir()) == [backup.name, backup.name + ".sha256"]

    load(store_dir, tmp_path, 2021, 30)  # new figures, a new version served
    served = data_version(store_dir)
    assert served > version_at_backup and answers(store_dir) != at_backup

    restored = run(store_dir, "restauration", str(backup))
    assert restored.returncode == 0, restored.stderr
    assert answers(store_dir) == at_backup
    # Above any version served: no cache, ETag or 304 keeps answering with the later state.
    assert data_version(store_dir) == served + 1
    assert f"version des données {served + 1}" in restored.stdout
    assert operations(store_dir) == [
        ("sauvegarde", str(backup), digest, version_at_backup),
        ("restauration", str(backup), digest, served + 1),
    ]
    status, at = run(store_dir, "status").stdout, operation_times(store_dir)
    assert f"Dernière sauvegarde le {at[0]} : {backup} (version {version_at_backup})" in status
    assert f"restauration le {at[1]} : {backup} (version {served + 1})" in status
    # Nothing left beside the backup or the store by the restoration.
    assert sorted(p.name for p in backup.parent.iterdir()) == [backup.name, backup.name + ".sha256"]
    assert not [p for p in store_dir.iterdir() if p.name.startswith(".restauration")]
    with closing(sqlite3.connect(store_dir / "barometre.sqlite3")) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_a_backup_taken_while_a_load_writes_is_one_consistent_state(store_dir, tmp_path):
    big = tmp_path / "gros.csv"
    big.write_text(observations_csv(2014, 1800), encoding="utf-8")  # before 2019: all new
    before = data_version(store_dir)
    loaded = []
    loading = threading.Thread(
        target=lambda: loaded.append(run(store_dir, "ingest", "--publier", str(big)))
    )
    loading.start()
    copies = []
    while loading.is_alive() or not copies:
        target = tmp_path / f"copie-{len(copies)}.sqlite3"
        assert run(store_dir, "sauvegarde", str(target)).returncode == 0
        copies.append(target)
    loading.join()
    assert loaded[0].returncode == 0, loaded[0].stderr
    assert data_version(store_dir) == before + 1  # the load went through while copies were made
    for copy in copies:
        with closing(sqlite3.connect(copy)) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            meta = connection.execute("SELECT value FROM meta WHERE key = 'data_version'")
            version = int(meta.fetchone()[0])
            rows = connection.execute("SELECT COUNT(*) FROM observations").fetchone()[0]
        # Either the state before the load or the state after it: never a part of it.
        assert (version, rows) in ((before, 3 * 400), (before + 1, 3 * 2200)), (version, rows)


@pytest.mark.parametrize("damage", ["altéré", "sans somme", "autre fichier"])
def test_a_damaged_or_unchecked_backup_is_refused_and_the_store_kept(store_dir, tmp_path, damage):
    backup = tmp_path / "sauvegarde.sqlite3"
    assert run(store_dir, "sauvegarde", str(backup)).returncode == 0
    sums = backup.with_name(backup.name + ".sha256")
    if damage == "altéré":
        data = bytearray(backup.read_bytes())
        data[len(data) // 2] ^= 0xFF
        backup.write_bytes(bytes(data))
        expected = "ne correspond pas à sa somme de contrôle"
    elif damage == "sans somme":
        sums.unlink()
        expected = "sans sa somme de contrôle"
    else:  # a file with a matching checksum that is no store of the Baromètre
        backup.write_text("indicateur,date\n", encoding="utf-8")
        digest = hashlib.sha256(backup.read_bytes()).hexdigest()
        sums.write_text(f"{digest}  {backup.name}\n", encoding="utf-8")
        expected = "n'est pas une sauvegarde intacte"
    before = contents(store_dir)
    refused = run(store_dir, "restauration", str(backup))
    assert refused.returncode == 1
    assert expected in refused.stderr and "Rien n'a été restauré" in refused.stderr
    assert "Traceback" not in refused.stderr + refused.stdout
    assert contents(store_dir) == before


def test_a_backup_never_replaces_another(store_dir, tmp_path):
    backup = tmp_path / "sauvegarde.sqlite3"
    assert run(store_dir, "sauvegarde", str(backup)).returncode == 0
    first = backup.read_bytes()
    again = run(store_dir, "sauvegarde", str(backup))
    assert again.returncode == 1 and "existe déjà" in again.stderr
    assert backup.read_bytes() == first


# -- a full or read-only disk under every command that writes ------------------------------------


def listing(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


@pytest.mark.parametrize("fault", ["plein", "lecture seule"])
@pytest.mark.parametrize("command", ["sauvegarde", "export"])
def test_a_broken_target_disk_leaves_no_half_written_file(
    disk,  # noqa: F811
    store_dir,
    fault,
    command,
):
    if not isinstance(disk, SmallDisk):
        pytest.skip("un disque plein hors de la base demande un tmpfs (root) ; CI le monte")
    target = disk.path / ("sauvegarde.sqlite3" if command == "sauvegarde" else "paquet")
    if command == "export":  # a package already there stays whole
        assert run(store_dir, "export", str(target)).returncode == 0
        load(store_dir, disk.path.parent, 2022, 10)
    before_files, before_store = listing(disk.path), contents(store_dir)
    if fault == "plein":  # every byte taken: even a small package cannot be written
        free = os.statvfs(disk.path).f_bavail * os.statvfs(disk.path).f_frsize
        disk.filler.write_bytes(b"\0" * free)
    else:
        disk.break_(fault)
    try:
        failed = run(store_dir, command, str(target))
    finally:
        disk.repair(fault)
    problem = "disque plein" if fault == "plein" else "disque en lecture seule"
    assert failed.returncode == 1
    assert f"Erreur : {problem}" in failed.stderr and str(disk.path) in failed.stderr
    assert "Traceback" not in failed.stderr + failed.stdout
    events = [json.loads(line) for line in failed.stderr.splitlines() if line.startswith("{")]
    assert [(e["probleme"], e["emplacement"]) for e in events] == [(problem, str(disk.path))]
    assert listing(disk.path) == before_files  # nothing half-written, the previous package whole
    assert contents(store_dir) == before_store
    # Once the disk is repaired, the same command succeeds.
    assert run(store_dir, command, str(target)).returncode == 0


@pytest.mark.parametrize(
    ("command", "fault"),
    [
        ("restauration", "plein"),
        ("restauration", "lecture seule"),
        ("demo", "plein"),
        ("demo", "lecture seule"),
        # A migration's few pages fit in what a full disk leaves: only a read-only one stops it.
        ("init", "lecture seule"),
    ],
)
def test_a_broken_store_disk_stops_with_a_french_message_and_keeps_the_store(
    disk,  # noqa: F811
    tmp_path,
    fault,
    command,
):
    assert disk.run("init").returncode == 0
    load_into = tmp_path / "premier.csv"
    load_into.write_text(observations_csv(2019, 30), encoding="utf-8")
    assert disk.run("ingest", "--publier", str(load_into)).returncode == 0
    backup = tmp_path / "sauvegarde.sqlite3"
    assert disk.run("sauvegarde", str(backup)).returncode == 0
    load_into.write_text(observations_csv(2021, 30), encoding="utf-8")
    assert disk.run("ingest", "--publier", str(load_into)).returncode == 0
    arguments = {"restauration": [str(backup)], "demo": ["--force"], "init": []}[command]
    if command == "init":  # a migration to apply: init has something to write
        with closing(sqlite3.connect(disk.path / "barometre.sqlite3")) as connection:
            connection.execute("DELETE FROM schema_migrations WHERE version = 2")
            connection.execute("DROP TABLE operations")
            connection.commit()
    before = contents(disk.path)
    disk.break_(fault)
    try:
        failed = disk.run(command, *arguments)
    finally:
        disk.repair(fault)
    problem = "disque plein" if fault == "plein" else "disque en lecture seule"
    assert failed.returncode == 1, failed.stdout
    assert f"Erreur : {problem}" in failed.stderr and str(disk.path) in failed.stderr
    assert f"relancez barometre {command}" in failed.stderr
    assert "Traceback" not in failed.stderr + failed.stdout
    assert contents(disk.path) == before
    leftovers = [p.name for p in disk.path.iterdir() if p.name.startswith(".restauration")]
    assert leftovers == []
    if command != "demo":  # the demo data do not fit on this small disk at all
        assert disk.run(command, *arguments).returncode == 0


# -- PostgreSQL: the same commands, through pg_dump and pg_restore ---------------------------------


def test_postgresql_backup_and_restore_bring_the_figures_back_with_a_higher_version(
    postgres_server, tmp_path
):
    url = postgres_server.create_database(f"t{free_port()}_sauvegarde")
    on_postgresql = {"BAROMETRE_DATABASE_URL": url}

    def figures() -> tuple:
        store = Store(url)
        try:
            rows = store._read("SELECT * FROM observations ORDER BY 1, 2, 3, 4")
            return store.data_version(), rows.to_csv(index=False)
        finally:
            store.close()

    def operations() -> list[tuple]:
        store = Store(url)
        try:
            return [(op.kind, op.data_version) for op in store.operations().itertuples()]
        finally:
            store.close()

    dump = tmp_path / "barometre.dump"
    assert barometre(on_postgresql, "init").returncode == 0
    for year, days in ((2019, 60), (2021, 30)):
        source = tmp_path / f"{year}.csv"
        source.write_text(observations_csv(year, days), encoding="utf-8")
        assert barometre(on_postgresql, "ingest", "--publier", str(source)).returncode == 0, year
        if year == 2019:
            at_dump = figures()
            saved = barometre(on_postgresql, "sauvegarde", str(dump))
            assert saved.returncode == 0, saved.stderr
            assert f"version des données {at_dump[0]}" in saved.stdout
    served = figures()
    assert served != at_dump
    # sha256sum reads the checksum file as written.
    assert (
        subprocess.run(  # noqa: S603
            ["sha256sum", "-c", dump.name + ".sha256"], cwd=tmp_path, capture_output=True
        ).returncode
        == 0
    )

    restored = barometre(on_postgresql, "restauration", str(dump))
    assert restored.returncode == 0, restored.stderr
    version, rows = figures()
    assert rows == at_dump[1]
    assert version == served[0] + 1 > at_dump[0]
    # The log goes on from the live store's: the backup, then the restoration, and a backup
    # after it is logged too (its numbering was taken past the restored history).
    assert barometre(on_postgresql, "sauvegarde", str(tmp_path / "apres.dump")).returncode == 0
    assert operations() == [
        ("sauvegarde", version),
        ("restauration", version),
        ("sauvegarde", at_dump[0]),
    ]

    # An archive of something else is refused before anything is restored.
    foreign = tmp_path / "autre.dump"
    foreign.write_bytes(b"PGDMP ceci n'est pas une archive")
    (tmp_path / "autre.dump.sha256").write_text(
        subprocess.run(  # noqa: S603
            ["sha256sum", foreign.name], cwd=tmp_path, capture_output=True, text=True
        ).stdout
    )
    refused = barometre(on_postgresql, "restauration", str(foreign))
    assert refused.returncode == 1 and "pg_restore a échoué" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert figures() == (version, at_dump[1])


def test_a_postgresql_password_goes_to_the_tool_s_environment_never_its_command_line(
    monkeypatch,
):
    from barometre.data.store import backups as store_backups

    seen = {}

    def run(command, **options):
        seen.update(command=command, env=options["env"], stdin=options["stdin"])
        return subprocess.CompletedProcess(command, 0, stdout="", stderr="")

    monkeypatch.setattr(store_backups.subprocess, "run", run)
    store_backups._pg_run(["pg_dump"], "postgresql://barometre:s3cr%C3%A8t@db.example:5433/prod")
    assert not any("s3cr" in part for part in seen["command"])
    assert seen["env"]["PGPASSWORD"] == "s3crèt"
    assert "--no-password" in seen["command"] and seen["stdin"] is subprocess.DEVNULL
    [target] = [part for part in seen["command"] if part.startswith("--dbname=")]
    assert "host=db.example" in target and "port=5433" in target and "dbname=prod" in target
