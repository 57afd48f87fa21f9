"""The ``barometre`` command: init, demo and status, as an operator runs them."""

import pandas as pd
import pytest
from click.testing import CliRunner

from barometre.cli import main
from barometre.data.store import Store


@pytest.fixture
def run(tmp_path):
    def invoke(*args):
        return CliRunner().invoke(main, list(args), env={"BAROMETRE_DATA_DIR": str(tmp_path)})

    return invoke


def test_init_creates_then_leaves_the_schema(run):
    first = run("init")
    assert first.exit_code == 0, first.output
    assert "migrations appliquées : [1, 2, 3]" in first.output
    second = run("init")
    assert second.exit_code == 0 and "schéma déjà à jour" in second.output


def test_demo_refuses_to_overwrite_real_data(run, tmp_path):
    run("init")
    store = Store(f"sqlite:///{tmp_path.resolve()}/barometre.sqlite3")
    store.apply(
        pd.DataFrame(
            {
                "indicator": ["thesee-plaintes"],
                "dimension": [""],
                "member": [""],
                "date": ["2024-01-01"],
                "value": [3.0],
            }
        ),
        kind="ingestion",
        source="vrai.csv",
    )
    refused = run("demo")
    assert refused.exit_code == 1
    assert "--force" in refused.output
    assert store.has_real_data() and store.content() == "reel"
    skipped = run("demo", "--if-empty")
    assert skipped.exit_code == 0 and "rien à faire" in skipped.output


def test_status_lists_indicators_and_content(run):
    run("init")
    result = run("status")
    assert result.exit_code == 0
    assert "Contenu : vide" in result.output
    assert "brigade-numerique-demandes" in result.output


def test_a_bad_setting_is_a_french_error(tmp_path):
    result = CliRunner().invoke(
        main, ["status"], env={"BAROMETRE_DATA_DIR": str(tmp_path), "BAROMETRE_CACHE_TIMEOUT": "x"}
    )
    assert result.exit_code == 1
    assert "BAROMETRE_CACHE_TIMEOUT='x'" in result.output


@pytest.mark.parametrize(
    ("host", "public", "warned"),
    [
        ("0.0.0.0", "", True),
        ("0.0.0.0", "https://barometre.example", False),
        ("127.0.0.1", "", False),
    ],
)
def test_serving_beyond_this_machine_without_a_public_address_warns(
    tmp_path, monkeypatch, host, public, warned
):
    from gunicorn.app.base import BaseApplication

    monkeypatch.setattr(BaseApplication, "run", lambda self: None)
    env = {"BAROMETRE_DATA_DIR": str(tmp_path)}
    if public:
        env["BAROMETRE_PUBLIC_URL"] = public
    result = CliRunner().invoke(main, ["serve", "--host", host], env=env)
    assert result.exit_code == 0, result.output
    assert ("BAROMETRE_PUBLIC_URL vaut" in result.stderr) is warned
