"""Backup files of the store: a copy with its SHA-256 checksum beside it (``sha256sum -c``
reads it), written whole or not at all, and restored only when the checksum matches.

The SQL side (SQLite's online backup API, the data version, the log) is the store's
(``store/backups.py``); this module handles the files around it.
"""

from __future__ import annotations

import hashlib
import os
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from barometre.data.store import BackupError, DiskError, Store

CHECKSUM_SUFFIX = ".sha256"
PARTIAL_SUFFIX = ".partiel"


@dataclass(frozen=True)
class Saved:
    """A backup written: its file, its checksum and the data version it holds."""

    path: Path
    checksum: str
    data_version: int


def checksum_path(path: Path) -> Path:
    """Return the file holding the checksum of the backup ``path``."""
    return path.with_name(path.name + CHECKSUM_SUFFIX)


def save(store: Store, target: Path) -> Saved:
    """Write a backup of the live store to ``target`` and its checksum beside it.

    Both are written under temporary names and renamed once complete: a full or read-only disk
    leaves nothing behind (``DiskError``), and an existing backup is never replaced.
    """
    sums = checksum_path(target)
    if target.exists() or sums.exists():
        raise BackupError(
            f"{target} existe déjà : une sauvegarde n'en remplace jamais une autre ; choisissez "
            "un autre nom (par exemple avec la date)."
        )
    if not target.parent.is_dir():
        raise BackupError(f"le dossier {target.parent} n'existe pas : créez-le ou changez FICHIER.")
    partial = target.with_name(target.name + PARTIAL_SUFFIX)
    partial_sums = sums.with_name(sums.name + PARTIAL_SUFFIX)
    try:
        version = store.backup_into(partial)
        digest = sha256(partial)
        partial_sums.write_text(f"{digest}  {target.name}\n", encoding="utf-8")
        os.replace(partial, target)
        os.replace(partial_sums, sums)
    except OSError as error:
        raise DiskError.of_write(error, target.parent, BackupError) from None
    finally:
        for leftover in (partial, partial_sums):
            with suppress(OSError):
                leftover.unlink(missing_ok=True)
    return Saved(target, digest, version)


def restore(store: Store, source: Path) -> int:
    """Restore the backup ``source`` into the live store once its checksum is verified; return
    the new data version (above any served before)."""
    sums = checksum_path(source)
    if not source.is_file():
        raise BackupError(f"{source} n'existe pas : indiquez le fichier d'une sauvegarde.")
    if not sums.is_file():
        raise BackupError(
            f"{sums} manque : sans sa somme de contrôle, rien ne dit que {source} est intacte. "
            "Rien n'a été restauré."
        )
    try:
        expected = (sums.read_text(encoding="utf-8").split() or [""])[0]
        digest = sha256(source)
    except OSError as error:
        raise BackupError(f"lecture impossible de {error.filename} : {error.strerror}.") from None
    if digest != expected:
        raise BackupError(
            f"{source} ne correspond pas à sa somme de contrôle ({sums}) : le fichier est abîmé "
            "ou a été modifié. Rien n'a été restauré : la base en service est intacte."
        )
    return store.restore_from(source, digest)


def sha256(path: Path) -> str:
    """Return the SHA-256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
