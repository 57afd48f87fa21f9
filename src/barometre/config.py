"""Settings: one declared list, read from ``BAROMETRE_*`` environment variables.

Every setting has a default and a help text; the README's table is checked against this list by a
test, so a setting cannot exist without being documented.
"""

from __future__ import annotations

import os
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path

ENV_PREFIX = "BAROMETRE_"
BOOLEANS = {"true": True, "1": True, "oui": True, "false": False, "0": False, "non": False}


@dataclass(frozen=True)
class Setting:
    """One configurable value: its name, default (as text) and what it does."""

    name: str
    default: str
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("data_dir", "./data", "Dossier des données locales (base SQLite, cache fichier)."),
    Setting(
        "database_url",
        "",
        "Base de données : sqlite:///chemin.sqlite3 ou postgresql://… "
        "(par défaut : <data_dir>/barometre.sqlite3).",
    ),
    Setting(
        "cache_url",
        "",
        "Cache partagé : redis://hôte:port/n ; vide = cache fichier dans <data_dir>/cache, "
        "partagé par les processus gunicorn.",
    ),
    Setting("cache_timeout", "86400", "Durée de vie d'une entrée de cache, en secondes."),
    Setting(
        "catalogue",
        "",
        "Fichier catalogue des indicateurs (TOML) ; vide = le catalogue livré avec le paquet.",
    ),
    Setting(
        "events",
        "",
        "Fichier des événements marqués sur les graphiques (TOML) ; vide = le fichier livré avec "
        "le paquet.",
    ),
    Setting(
        "public_url",
        "http://127.0.0.1:8050",
        "Adresse publique du site (schéma, hôte et port, sans chemin) : les adresses absolues "
        "des réponses oEmbed et des cartes de partage en viennent, jamais de l'en-tête Host.",
    ),
    Setting("url_prefix", "/", "Préfixe d'URL quand l'application est servie sous un sous-chemin."),
    Setting(
        "secrecy_threshold", "5", "Seuil du secret statistique : effectifs masqués sous ce seuil."
    ),
    Setting(
        "max_file_mb", "200", "Taille maximale d'un fichier chargé par barometre ingest, en Mo."
    ),
    Setting(
        "max_errors",
        "50",
        "Nombre maximal d'erreurs listées par fichier refusé (barometre ingest).",
    ),
    Setting(
        "drop_review",
        "false",
        "true : les fichiers du dossier de dépôt (barometre ingest --dossier) vont au brouillon, "
        "publié après relecture (barometre revue, barometre publier) ; false : publiés aussitôt.",
    ),
    Setting(
        "separate_publisher",
        "false",
        "true : barometre publier refuse de publier un brouillon chargé par le même utilisateur "
        "(nom de l'utilisateur du système, inscrit pour la traçabilité : ce n'est pas un contrôle "
        "d'accès).",
    ),
    Setting(
        "frame_ancestors",
        "'self' https://www.gendarmerie.interieur.gouv.fr",
        "Sites autorisés à intégrer les pages /embed/ dans un cadre (directive CSP "
        "frame-ancestors) ; les autres pages ne peuvent jamais être encadrées.",
    ),
    Setting(
        "hsts",
        "false",
        "true : en-tête Strict-Transport-Security (un an) — seulement si le site est servi en "
        "HTTPS.",
    ),
    Setting(
        "trusted_proxies",
        "0",
        "Nombre de mandataires inverses de confiance devant l'application dont les en-têtes "
        "X-Forwarded-* sont pris en compte (0 = aucun).",
    ),
    Setting(
        "max_request_kb",
        "64",
        "Taille maximale du corps d'une requête HTTP, en Ko (au-delà : 413).",
    ),
    Setting(
        "query_timeout_ms",
        "5000",
        "Durée maximale d'une lecture en base, en millisecondes (au-delà : la requête est "
        "interrompue).",
    ),
    Setting(
        "server_threads",
        "1",
        "Fils par processus gunicorn de barometre serve : 1 = processus synchrones (une requête "
        "à la fois, aucune erreur mesurée) ; 2 ou plus = gthread (connexions gardées ouvertes, "
        "une réponse lente n'arrête pas celles en cache ; docs/performance.md compare les deux).",
    ),
    Setting(
        "answers_mb",
        "32",
        "Mémoire de chaque processus gunicorn pour les réponses déjà faites (pages, rappels, "
        "API), en Mo : au-delà, les moins demandées sont oubliées (docs/performance.md, "
        "endurance).",
    ),
)

_DEFAULTS = {s.name: s.default for s in SETTINGS}


@dataclass(frozen=True)
class Settings:
    """The application's configuration, immutable once read."""

    data_dir: Path = Path(_DEFAULTS["data_dir"])
    database_url: str = ""
    cache_url: str = ""
    cache_timeout: int = int(_DEFAULTS["cache_timeout"])
    catalogue: str = ""
    events: str = ""
    public_url: str = _DEFAULTS["public_url"]
    url_prefix: str = "/"
    secrecy_threshold: int = int(_DEFAULTS["secrecy_threshold"])
    max_file_mb: int = int(_DEFAULTS["max_file_mb"])
    max_errors: int = int(_DEFAULTS["max_errors"])
    drop_review: bool = False
    separate_publisher: bool = False
    frame_ancestors: str = _DEFAULTS["frame_ancestors"]
    hsts: bool = False
    trusted_proxies: int = int(_DEFAULTS["trusted_proxies"])
    max_request_kb: int = int(_DEFAULTS["max_request_kb"])
    query_timeout_ms: int = int(_DEFAULTS["query_timeout_ms"])
    server_threads: int = int(_DEFAULTS["server_threads"])
    answers_mb: int = int(_DEFAULTS["answers_mb"])

    def __post_init__(self) -> None:
        object.__setattr__(self, "data_dir", Path(self.data_dir))
        prefix = "/" + self.url_prefix.strip("/") + "/" if self.url_prefix.strip("/") else "/"
        object.__setattr__(self, "url_prefix", prefix)
        public = self.public_url.rstrip("/")
        parts = urllib.parse.urlsplit(public)
        if (
            parts.scheme not in ("http", "https")
            or not parts.hostname
            or parts.path
            or (parts.query or parts.fragment or "@" in parts.netloc)
        ):
            raise ValueError(
                f"BAROMETRE_PUBLIC_URL={self.public_url!r} : une adresse http(s)://hôte[:port] "
                "sans chemin est attendue (le chemin vient de BAROMETRE_URL_PREFIX)."
            )
        object.__setattr__(self, "public_url", public)
        if not self.database_url:
            sqlite_path = (self.data_dir / "barometre.sqlite3").resolve()
            object.__setattr__(self, "database_url", f"sqlite:///{sqlite_path}")
        if self.cache_timeout < 0:
            raise ValueError("BAROMETRE_CACHE_TIMEOUT doit être un nombre positif de secondes.")
        if self.secrecy_threshold < 1:
            raise ValueError(
                "BAROMETRE_SECRECY_THRESHOLD doit être un entier supérieur ou égal à 1."
            )
        if self.max_file_mb < 1 or self.max_errors < 1:
            raise ValueError(
                "BAROMETRE_MAX_FILE_MB et BAROMETRE_MAX_ERRORS doivent être des entiers positifs."
            )
        if self.trusted_proxies < 0 or self.max_request_kb < 1 or self.query_timeout_ms < 1:
            raise ValueError(
                "BAROMETRE_TRUSTED_PROXIES (≥ 0), BAROMETRE_MAX_REQUEST_KB et "
                "BAROMETRE_QUERY_TIMEOUT_MS (≥ 1) doivent être des entiers."
            )
        if self.server_threads < 1 or self.answers_mb < 1:
            raise ValueError(
                "BAROMETRE_SERVER_THREADS et BAROMETRE_ANSWERS_MB doivent être des entiers "
                "supérieurs ou égaux à 1."
            )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides) -> Settings:
        """Return settings read from ``BAROMETRE_*`` variables, then ``overrides``."""
        environ = os.environ if environ is None else environ
        values: dict = {}
        types = {f.name: f.type for f in fields(cls)}
        for setting in SETTINGS:
            raw = environ.get(ENV_PREFIX + setting.name.upper(), setting.default)
            if types[setting.name] == "int":
                try:
                    values[setting.name] = int(raw)
                except ValueError:
                    raise ValueError(
                        f"{ENV_PREFIX}{setting.name.upper()}={raw!r} : "
                        "un nombre entier est attendu."
                    ) from None
            elif types[setting.name] == "bool":
                if raw.strip().lower() not in BOOLEANS:
                    raise ValueError(
                        f"{ENV_PREFIX}{setting.name.upper()}={raw!r} : true ou false est attendu."
                    )
                values[setting.name] = BOOLEANS[raw.strip().lower()]
            else:
                values[setting.name] = raw
        values.update(overrides)
        return cls(**values)

    @property
    def cache_dir(self) -> Path:
        """Folder of the file cache shared by the worker processes."""
        return self.data_dir / "cache"
