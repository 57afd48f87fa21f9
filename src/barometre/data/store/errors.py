"""The store's exceptions: messages meant for an operator, in French."""

from __future__ import annotations

import errno
from pathlib import Path

FULL, READ_ONLY = "disque plein", "disque en lecture seule"


class StoreError(RuntimeError):
    """The store cannot be opened or queried; the message is meant for an operator."""


class QueryTimeout(StoreError):
    """A read query ran past the configured time limit and was interrupted."""


class DiskError(StoreError):
    """A write failed because the disk holding the data is full or read-only; nothing was written.

    ``problem`` is ``"disque plein"`` or ``"disque en lecture seule"``; ``where`` names the
    folder or the server.
    """

    def __init__(self, problem: str, where: str):
        self.problem = problem
        self.where = where
        super().__init__(self.advice("la commande"))

    def advice(self, command: str) -> str:
        """Return the French message: what happened, where, and how to fix it with ``command``."""
        if self.problem == FULL:
            fix = f"disque plein : libérez de la place sur {self.where} puis relancez {command}"
        else:
            fix = (
                f"disque en lecture seule : {self.where} n'accepte aucune écriture ; remontez-le "
                f"en lecture-écriture (ou changez BAROMETRE_DATA_DIR) puis relancez {command}"
            )
        return fix + ". Rien n'a été écrit : les données déjà chargées sont intactes."

    @classmethod
    def from_os_error(cls, error: OSError, where: Path | str) -> DiskError | None:
        """Return the DiskError for a full or read-only filesystem, ``None`` for other errors."""
        problem = {errno.ENOSPC: FULL, errno.EDQUOT: FULL, errno.EROFS: READ_ONLY}
        kind = problem.get(error.errno or 0)
        return cls(kind, str(where)) if kind else None

    @classmethod
    def of_write(
        cls, error: OSError, where: Path | str, other: type[StoreError] = StoreError
    ) -> StoreError:
        """Return the DiskError of a failed file write, or ``other`` for any other failure."""
        return cls.from_os_error(error, where) or other(
            f"écriture impossible dans {where} : {error.strerror}."
        )
