"""Open-data files: CSV rules, formula injection, secrecy, and the Frictionless data package."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import DEMO_TODAY
from open_data import AMOUNTS, MASKED, fill

from barometre.cli import main
from barometre.publish import export
from barometre.web.layouts.downloads import size_label


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+33 1 23", "'+33 1 23"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Ain", "Ain"),
        ("a=b", "a=b"),
    ],
)
def test_text_cells_that_would_run_as_formulas_are_neutralised(cell, written):
    frame = pd.DataFrame(
        {"membre": [cell], "libelle": ["x"], "valeur": [-2.5], "jours": [1], "masque": [False]}
    )
    rows = list(pd.read_csv(io.StringIO(export.to_csv(frame, 5)), dtype=str).itertuples())
    assert rows[0].membre == written
    # A negative number is a number, not text: it is left as it is.
    assert rows[0].valeur == "-2.5"


def test_csv_follows_rfc_4180_with_dot_decimals_and_iso_dates():
    frame = pd.DataFrame(
        {
            "date": ["2025-01-01"],
            "membre": ["x"],
            "libelle": ['Dit « "oui", non »'],
            "valeur": [1234.5],
            "jours": [31],
            "masque": [False],
        }
    )
    text = export.to_csv(frame, 5)
    assert text.splitlines()[0] == "date,membre,libelle,valeur,jours,masque"
    assert '"Dit « ""oui"", non »"' in text and ",1234.5," in text
    assert text.endswith("\r\n")
    back = pd.read_csv(io.StringIO(text))
    assert back.loc[0, "libelle"] == 'Dit « "oui", non »' and back.loc[0, "valeur"] == 1234.5


@pytest.fixture
def small_services(settings, empty_store, the_catalogue):
    fill(empty_store)
    return export.offline_services(settings, the_catalogue, empty_store)


def test_package_masks_small_counts_and_their_amounts(small_services, tmp_path):
    export.write_package(small_services, tmp_path)
    for name in ("perceval-signalements--departement", "perceval-montant--departement"):
        frame = pd.read_csv(tmp_path / f"donnees/{name}.csv", dtype=str, keep_default_na=False)
        hidden = frame[frame["membre"].isin(MASKED)]
        assert not hidden.empty and set(hidden["valeur"]) == {"n.d."}
        assert set(hidden["masque"]) == {"true"}
    text = (tmp_path / "donnees/perceval-montant--departement.csv").read_text()
    assert all(repr(AMOUNTS[m] * 3) not in text for m in MASKED)


def test_package_describes_every_column_and_the_licence(small_services, tmp_path):
    descriptor = json.loads(export.write_package(small_services, tmp_path).read_text())
    assert descriptor["licenses"][0]["title"] == "Licence Ouverte / Open Licence 2.0"
    assert descriptor["licenses"][0]["path"] == (
        "https://www.etalab.gouv.fr/licence-ouverte-open-licence"
    )
    for resource in descriptor["resources"]:
        header = (tmp_path / resource["path"]).read_text().splitlines()[0].split(",")
        assert [f["name"] for f in resource["schema"]["fields"]] == header
        assert all(f["description"] for f in resource["schema"]["fields"])


@pytest.mark.slow
def test_cli_export_validates_with_frictionless(settings, empty_store, tmp_path, monkeypatch):
    fill(empty_store)
    monkeypatch.setenv("BAROMETRE_DATA_DIR", str(settings.data_dir))
    result = CliRunner().invoke(main, ["export", str(tmp_path / "paquet")])
    assert result.exit_code == 0, result.output
    assert "Paquet de données écrit" in result.output
    tool = Path(sys.executable).with_name("frictionless")
    checked = subprocess.run(
        [str(tool), "validate", "--json", str(tmp_path / "paquet" / "datapackage.json")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    report = json.loads(checked.stdout)
    assert report["valid"], json.dumps(report, ensure_ascii=False)[:3000]
    assert len(report["tasks"]) == 5  # 3 national series, 2 breakdowns by département


def test_package_zip_is_built_once_per_data_version(small_services):
    first = export.package_zip(small_services)
    assert export.package_zip(small_services) == first
    first.touch()
    built = first.stat().st_mtime_ns
    assert export.package_zip(small_services).stat().st_mtime_ns == built
    with zipfile.ZipFile(first) as archive:
        names = archive.namelist()
    assert "datapackage.json" in names
    assert "donnees/perceval-signalements--departement.csv" in names
    fill_more = pd.DataFrame(
        [("perceval-signalements", "", "", "2025-01-04", 5.0, 1.0)],
        columns=["indicator", "dimension", "member", "date", "value", "weight"],
    )
    small_services.store.apply(fill_more, kind="ingestion", source="tests")
    second = export.package_zip(small_services)
    assert second != first and second.exists() and not first.exists()


def test_the_package_zip_is_served(settings, empty_store):
    from barometre.web.app import create_app

    fill(empty_store)
    client = create_app(settings).server.test_client()
    answer = client.get("/api/v1/paquet.zip")
    assert answer.status_code == 200 and answer.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(answer.get_data())) as archive:
        package = json.loads(archive.read("datapackage.json"))
    assert len(package["resources"]) == 5


def _walk(component):
    yield component
    children = getattr(component, "children", None)
    if children is None:
        return
    for child in children if isinstance(children, list | tuple) else [children]:
        if hasattr(child, "to_plotly_json"):
            yield from _walk(child)


@pytest.mark.parametrize(
    ("chart", "search"),
    [
        ("evolution", "?debut=2025-01-01&fin=2025-06-30&granularite=mois"),
        ("evolution", "?debut=2025-03-01&fin=2025-03-20&granularite=jour"),
        ("motif", "?debut=2025-01-01&fin=2025-12-31&granularite=semaine"),
    ],
)
def test_chart_downloads_give_back_what_the_chart_shows(app, chart, search):
    from barometre.web.callbacks.pages import render

    page = render(app.services, "/indicateurs/brigade-numerique-demandes", search, DEMO_TODAY)
    nodes = [n for item in page.content for n in _walk(item)]
    prefix = f"brigade-numerique-demandes-{chart}"
    graph = next(n for n in nodes if getattr(n, "id", None) == prefix + "-graphique")
    links = [
        n for n in nodes if getattr(n, "download", None) in (prefix + ".csv", prefix + ".json")
    ]
    csv_link = next(n for n in links if n.download.endswith(".csv"))
    label = " ".join(c if isinstance(c, str) else c.children for c in csv_link.children if c)
    assert label.startswith("Télécharger les données du graphique «\u00a0") and "(CSV, " in label
    client = app.server.test_client()
    answer = client.get(csv_link.href)
    assert answer.status_code == 200
    size = label.rsplit(", ", 1)[1].rstrip(")")
    assert size == size_label(len(answer.get_data()))
    frame = pd.read_csv(io.StringIO(answer.get_data(as_text=True)))
    trace = graph.figure["data"][0]
    if chart == "evolution":
        assert list(frame["valeur"]) == pytest.approx(list(trace["y"]))
        assert list(frame["date"]) == [str(x)[:10] for x in trace["x"]]
    else:
        shown = dict(zip(trace["y"], trace["x"], strict=True))  # horizontal bars: label → value
        assert {r.libelle: r.valeur for r in frame.itertuples()} == pytest.approx(shown)
    json_link = next(n for n in links if n.download.endswith(".json"))
    assert client.get(json_link.href).status_code == 200
    # The images: links to the server's drawing of this chart, as the page shows it.
    images = [
        n for n in nodes if getattr(n, "download", None) in (prefix + ".png", prefix + ".svg")
    ]
    assert sorted(n.download.rsplit(".", 1)[1] for n in images) == ["png", "svg"]
    for image in images:
        assert f"graphique={chart}" in image.href and search.lstrip("?") in image.href
        answer = client.get(image.href)
        assert answer.status_code == 200 and answer.mimetype.startswith("image/")


@pytest.mark.browser
def test_chart_image_and_data_downloads_in_the_browser(live_server, page):
    page.goto(
        live_server.url
        + "/indicateurs/brigade-numerique-demandes?debut=2025-01-01&fin=2025-03-31&granularite=mois"
    )
    page.wait_for_function(
        "() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= 3", timeout=30_000
    )
    block = page.locator(".chart-block").first
    for fmt in ("png", "svg"):
        with page.expect_download(timeout=30_000) as download:
            block.get_by_role("link", name=f"image {fmt.upper()}").click()
        assert download.value.suggested_filename == f"brigade-numerique-demandes-evolution.{fmt}"
        drawn = Path(download.value.path()).read_bytes()
        assert drawn.startswith(b"\x89PNG" if fmt == "png" else b"<svg")
    link = block.get_by_role(
        "link", name="Télécharger les données du graphique «\u00a0Évolution par mois\u00a0» (CSV"
    )
    with page.expect_download(timeout=30_000) as download:
        link.click()
    frame = pd.read_csv(download.value.path())
    assert list(frame["date"]) == ["2025-01-01", "2025-02-01", "2025-03-01"]
    assert page.console_errors == []
    assert page.foreign_requests == []
