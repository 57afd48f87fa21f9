"""The reviewed drawings (tests/snapshots/): the server's SVG of every chart kind × data shape,
as committed after review. Any difference fails until someone regenerates and reviews it."""

from __future__ import annotations

import difflib

import pytest
from drawing_corpus import COMMAND, CORPUS, FOLDER, pages

PAGES = pages()


def test_the_corpus_has_each_file_and_no_other():
    kept = sorted(p.name for p in FOLDER.glob("*.html"))
    assert kept == sorted(PAGES), (
        f"tests/snapshots/ ne correspond pas au corpus (manquants : "
        f"{sorted(set(PAGES) - set(kept))}, en trop : {sorted(set(kept) - set(PAGES))}) : "
        f"lancer « {COMMAND} », relire les dessins, puis les committer."
    )


@pytest.mark.parametrize("name", sorted(PAGES))
def test_each_drawing_is_the_reviewed_one(name):
    path = FOLDER / name
    if not path.exists():
        pytest.fail(f"{path} manque : lancer « {COMMAND} », le relire, puis le committer.")
    kept = path.read_text(encoding="utf-8")
    if kept != PAGES[name]:
        diff = difflib.unified_diff(
            kept.splitlines(), PAGES[name].splitlines(), "relu", "dessiné", n=0, lineterm=""
        )
        lines = list(diff)
        pytest.fail(
            f"{path} diffère du dessin relu ({len(lines)} lignes de diff). Si le changement est "
            f"voulu : lancer « {COMMAND} », ouvrir le fichier dans un navigateur, relire "
            f"« git diff tests/snapshots », puis committer.\n" + "\n".join(lines[:12])[:2000]
        )


def test_every_kind_and_shape_is_in_the_corpus():
    kinds = {name.split("-")[0] for name in CORPUS}
    assert kinds == {"serie", "lignes", "barres", "vide"}
    for shape in ("un-point", "trou", "masquee", "periode-en-cours", "periode-en-cours-masquee"):
        assert f"serie-{shape}" in CORPUS
    for shape in ("comparaison", "evenements", "evenements-chevauchants", "quotidienne-longue"):
        assert f"serie-{shape}" in CORPUS
    assert {"serie-negative-et-zero", "barres-heures", "barres-plates", "lignes-huit"} <= set(
        CORPUS
    )
