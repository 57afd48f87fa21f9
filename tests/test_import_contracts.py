"""The layers are enforced: each import-linter contract (pyproject.toml) holds on the package, and
an import that crosses it makes ``lint-imports`` (make lint) fail with the contract's name."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONTRACTS = [
    contract["name"]
    for contract in tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "importlinter"
    ]["contracts"]
]
# For each contract, a module of the package and an import it must never have.
CROSSINGS = {
    "The architecture's layers: web above charts above publish above data": (
        "data/store/reads.py",
        "barometre.charts.figures",
    ),
    "The web app's layers: app above callbacks above layouts": (
        "web/layouts/home.py",
        "barometre.web.callbacks.pages",
    ),
    "Layouts never import the store (they get what they show from view models)": (
        "web/layouts/home.py",
        "barometre.data.store",
    ),
}


def lint_imports(tree: Path) -> subprocess.CompletedProcess:
    """Run lint-imports with the project's contracts over the package under ``tree/src``."""
    binary = Path(sys.executable).parent / "lint-imports"
    if not binary.exists():
        pytest.fail("lint-imports est introuvable : make test installe import-linter")
    return subprocess.run(
        [str(binary), str(ROOT / "pyproject.toml"), "--no-cache", "--no-logo"],
        cwd=tree,
        env={"PYTHONPATH": str(tree / "src"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_every_contract_has_a_crossing_to_prove_it() -> None:
    assert sorted(CROSSINGS) == sorted(CONTRACTS)


@pytest.mark.slow
def test_the_package_keeps_every_contract(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "src" / "barometre", tmp_path / "src" / "barometre")
    result = lint_imports(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
@pytest.mark.parametrize("contract", CONTRACTS)
def test_a_crossing_import_breaks_the_contract_by_name(tmp_path: Path, contract: str) -> None:
    module, forbidden = CROSSINGS[contract]
    package = tmp_path / "src" / "barometre"
    shutil.copytree(ROOT / "src" / "barometre", package, ignore=shutil.ignore_patterns("*.pyc"))
    path = package / module
    path.write_text(path.read_text(encoding="utf-8") + f"\nimport {forbidden}\n", "utf-8")
    result = lint_imports(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{contract} BROKEN" in result.stdout
    assert forbidden in result.stdout.split(f"{contract}\n", 1)[-1]


def test_layouts_never_reach_the_store_through_services():
    """import-linter sees imports only: a layout reading ``services.store`` would cross the
    layer unseen. Layouts get what they show from the view models (views)."""
    import ast
    from pathlib import Path

    import barometre.web.layouts as layouts

    crossings = []
    for path in sorted(Path(layouts.__file__).parent.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr == "store":
                crossings.append(f"{path.name}:{node.lineno}")
    assert not crossings, f"layouts lisant la base directement : {crossings}"
