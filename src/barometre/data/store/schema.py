"""The schema: packaged migration scripts (``data/sql/<dialect>/``) and the catalogue table."""

from __future__ import annotations

from importlib import resources

from barometre.data.catalogue import Catalogue
from barometre.data.store.connection import Connections
from barometre.data.store.dialects import SQLiteDialect
from barometre.data.store.updates import _now

# The last migration applied, read from the live store and from a backup alike.
SCHEMA_VERSION = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations"


class Schema(Connections):
    """Create, migrate and describe the tables."""

    def schema_version(self) -> int:
        """Return the number of the last migration applied (0 for an empty database)."""
        with self._driver_errors():
            if not self.dialect.has_table(self._connection(), "schema_migrations"):
                return 0
        return int(self._scalar(SCHEMA_VERSION))

    def migrations(self) -> list[tuple[int, str]]:
        """Return the packaged migration scripts of this dialect, in order."""
        folder = resources.files("barometre.data") / "sql" / self.dialect.name
        scripts = sorted(p for p in folder.iterdir() if p.name.endswith(".sql"))
        return [(int(p.name.split("_", 1)[0]), p.read_text(encoding="utf-8")) for p in scripts]

    def init_schema(self) -> list[int]:
        """Create or migrate the schema; return the migrations applied (none if up to date)."""
        if isinstance(self.dialect, SQLiteDialect):
            self.dialect.path.parent.mkdir(parents=True, exist_ok=True)
        connection = self._connection(create=True)
        applied = []
        with self._transaction():
            connection.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations "
                "(version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)"
            )
        current = self.schema_version()
        for version, script in self.migrations():
            if version <= current:
                continue
            with self._transaction():
                for statement in _statements(script):
                    connection.execute(statement)
                connection.execute(
                    self.dialect.prepare(
                        "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)"
                    ),
                    (version, _now()),
                )
            applied.append(version)
        return applied

    def sync_catalogue(self, catalogue: Catalogue) -> None:
        """Write the catalogue's indicators into the store, replacing what was there."""
        rows = [
            (i.id, i.family, i.title, i.unit, i.aggregation, i.start.isoformat(), i.frequency)
            for i in catalogue.indicators
        ]
        with self._transaction() as connection:
            connection.execute("DELETE FROM indicators")
            connection.executemany(
                self.dialect.prepare(
                    "INSERT INTO indicators (id, family, title, unit, aggregation, start_date,"
                    " frequency) VALUES (?, ?, ?, ?, ?, ?, ?)"
                ),
                rows,
            )


def _statements(script: str) -> list[str]:
    # Migration scripts hold plain DDL and inserts: no semicolons inside literals.
    lines = [line for line in script.splitlines() if not line.strip().startswith("--")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]
