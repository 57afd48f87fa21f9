"""The demo's geographies: départements weighted by who lives there, or by whom the gendarmerie
serves (data/departements-population.csv, declared in demo.toml per indicator)."""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from barometre.data import catalogue as catalogue_module
from barometre.data import demo, geographies

END = dt.date(2023, 12, 31)
CATALOGUE = catalogue_module.load()
TABLE = geographies.load()
SHARE = {row.code: row.gendarmerie_share for row in TABLE}
PLACES = demo.geography(CATALOGUE)
MAPPED = [i.id for i in CATALOGUE.indicators if demo.DEPARTEMENTS in i.breakdowns]
ZONE = [i for i in MAPPED if PLACES[i] == "zone-gendarmerie"]
RESIDENTS = [i for i in MAPPED if PLACES[i] == "population"]
PARIS_AND_INNER_SUBURBS = ("75", "92", "93", "94")
CONFIG = tomllib.loads(Path(demo.__file__).with_name("demo.toml").read_text(encoding="utf-8"))


def maps_by_year(frame: pd.DataFrame, indicator_id: str) -> dict[int, pd.Series]:
    """Return, per year of the demo, the map of an indicator: its yearly sum per département."""
    block = frame[(frame["indicator"] == indicator_id) & (frame["dimension"] == demo.DEPARTEMENTS)]
    year = block["date"].str[:4].astype(int)
    sums = block.groupby([year, "member"])["value"].sum()
    return {y: sums.loc[y] for y in sums.index.levels[0]}


@pytest.fixture(scope="module")
def maps() -> dict[str, dict[int, pd.Series]]:
    """The generated values before masking, per indicator with a map, per year."""
    mapped = replace(CATALOGUE, indicators=tuple(CATALOGUE.indicator(i) for i in MAPPED))
    frame = demo.generate(mapped, END)
    return {indicator_id: maps_by_year(frame, indicator_id) for indicator_id in MAPPED}


def every_year(indicators: list[str]) -> list[tuple[str, int]]:
    return [
        (i, year)
        for i in indicators
        for year in range(CATALOGUE.indicator(i).start.year, END.year + 1)
    ]


# -- the table -------------------------------------------------------------------------------


def test_the_table_covers_exactly_the_catalogue_s_departements():
    codes = [row.code for row in TABLE]
    assert codes == list(CATALOGUE.breakdowns[demo.DEPARTEMENTS].codes)
    assert len(codes) == 101


@pytest.mark.parametrize("geography", list(geographies.GEOGRAPHIES))
def test_the_weights_of_every_geography_cover_every_departement_and_sum_sensibly(geography):
    weights = geographies.weights(geography)
    assert set(weights) == {row.code for row in TABLE}
    assert all(w >= 0 for w in weights.values())
    # INSEE: about 67 million residents; the gendarmerie serves about half of them.
    low, high = (60_000, 70_000) if geography == "population" else (30_000, 38_000)
    assert low <= sum(weights.values()) <= high


def test_the_gendarmerie_serves_about_half_of_the_population():
    assert 0.45 <= geographies.gendarmerie_share() <= 0.55


@pytest.mark.parametrize("code", PARIS_AND_INNER_SUBURBS)
def test_the_police_alone_serves_paris_and_its_inner_suburbs(code):
    assert SHARE[code] <= 0.02


@pytest.mark.parametrize("row", [r for r in TABLE if r.population < 250], ids=lambda r: r.code)
def test_the_gendarmerie_serves_most_residents_of_every_small_departement(row):
    assert row.gendarmerie_share >= 0.5


@pytest.mark.parametrize("row", TABLE, ids=lambda r: r.code)
def test_every_estimate_names_the_police_s_towns_it_left_out(row):
    assert row.police.strip()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("code,population\n01,660\n", "colonnes attendues"),
        (
            "code,population_milliers,zone_gendarmerie_pct,police_nationale\n01,six,80,X\n",
            "nombres",
        ),
        (
            "code,population_milliers,zone_gendarmerie_pct,police_nationale\n01,660,120,X\n",
            "entre 0",
        ),
        ("code,population_milliers,zone_gendarmerie_pct,police_nationale\n01,0,80,X\n", "positive"),
        (
            "code,population_milliers,zone_gendarmerie_pct,police_nationale\n01,nan,80,X\n",
            "positive",
        ),
        (
            "code,population_milliers,zone_gendarmerie_pct,police_nationale\n01,1,80,X\n01,2,80,X\n",
            "deux fois",
        ),
    ],
)
def test_a_malformed_table_is_refused_with_a_clear_message(tmp_path, content, message):
    path = tmp_path / "table.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(geographies.GeographyError, match=message):
        geographies.load(path)


def test_an_unknown_geography_has_no_weights():
    with pytest.raises(geographies.GeographyError, match="inconnue"):
        geographies.weights("zone-police")


# -- the declaration in demo.toml ------------------------------------------------------------


@pytest.mark.parametrize("indicator_id", sorted(CONFIG["indicateurs"]))
def test_every_indicator_of_the_demo_declares_a_known_geography(indicator_id):
    assert CONFIG["indicateurs"][indicator_id].get("geographie") in geographies.GEOGRAPHIES


def test_every_catalogue_indicator_has_a_declared_geography():
    assert {i.id for i in CATALOGUE.indicators} <= set(CONFIG["indicateurs"])
    assert set(PLACES) == {i.id for i in CATALOGUE.indicators}
    assert set(PLACES.values()) <= set(geographies.GEOGRAPHIES)


def test_the_pre_plaintes_of_the_gendarmerie_follow_its_zone():
    # Guards the tests over ZONE below against passing on an empty list.
    assert ZONE == ["pre-plainte-en-ligne"]
    assert {"perceval-signalements", "perceval-montant"} <= set(RESIDENTS)


def with_config(monkeypatch, change) -> None:
    """Make demo.py read the shipped demo.toml as changed by ``change(config)``."""
    config = tomllib.loads(Path(demo.__file__).with_name("demo.toml").read_text(encoding="utf-8"))
    change(config)
    monkeypatch.setattr(demo, "_read_config", lambda path=None: config)


def test_a_missing_geography_is_noted(monkeypatch):
    with_config(monkeypatch, lambda c: c["indicateurs"]["thesee-plaintes"].pop("geographie"))
    assert any("thesee-plaintes" in n and "geographie" in n for n in demo.notes(CATALOGUE))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda c: c["indicateurs"]["pre-plainte-en-ligne"].update(geographie="zone-police"),
            "inconnue",
        ),
        (
            lambda c: c["indicateurs"]["pre-plainte-en-ligne"].update(geographie=["population"]),
            "inconnue",
        ),
        (
            lambda c: c["indicateurs"]["perceval-montant"].update(geographie="zone-gendarmerie"),
            "sa base",
        ),
        (
            lambda c: c.setdefault("ventilations", {}).update(departement={"parts": {"01": 1}}),
            "geographie",
        ),
        (
            lambda c: c["indicateurs"]["perceval-signalements"].update(
                parts={"departement": {"75": 1}}
            ),
            "geographie",
        ),
    ],
    ids=["unknown", "not-a-name", "amount-unlike-its-base", "shared-parts", "own-parts"],
)
def test_a_geography_that_cannot_be_followed_is_refused(monkeypatch, change, message):
    with_config(monkeypatch, change)
    with pytest.raises(demo.CalibrationError, match=message):
        demo.generate(CATALOGUE, dt.date(2018, 12, 31))


def test_the_geography_changes_the_map_but_not_the_national_totals(monkeypatch):
    only = replace(CATALOGUE, indicators=(CATALOGUE.indicator("pre-plainte-en-ligne"),))
    zone = demo.generate(only, dt.date(2016, 12, 31))
    with_config(
        monkeypatch,
        lambda c: c["indicateurs"]["pre-plainte-en-ligne"].update(geographie="population"),
    )
    residents = demo.generate(only, dt.date(2016, 12, 31))
    national = zone["dimension"] == ""
    assert zone.loc[national, "value"].tolist() == residents.loc[national, "value"].tolist()
    by_departement = zone["dimension"] == demo.DEPARTEMENTS
    assert not zone.loc[by_departement, "value"].equals(residents.loc[by_departement, "value"])


# -- the generated maps, before masking, for every year of the demo --------------------------


@pytest.mark.parametrize(("indicator_id", "year"), every_year(ZONE))
def test_paris_and_its_inner_suburbs_are_at_the_bottom_of_a_gendarmerie_map(
    maps, indicator_id, year
):
    rank = maps[indicator_id][year].rank(ascending=False, method="min")
    bottom_tenth = len(rank) - len(rank) // 10 + 1  # 101 départements: rank 92 or lower
    for code in PARIS_AND_INNER_SUBURBS:
        assert rank[code] >= bottom_tenth, code


@pytest.mark.parametrize(("indicator_id", "year"), every_year(ZONE))
def test_the_top_ten_of_a_gendarmerie_map_are_departements_it_serves_widely(
    maps, indicator_id, year
):
    top = maps[indicator_id][year].nlargest(10).index
    zone = pd.Series(geographies.weights("zone-gendarmerie"))
    # Noise aside, the ten where the gendarmerie serves the most residents …
    assert set(top) <= set(zone.nlargest(20).index)
    # … and never a département that the police nationale mostly serves (Paris was second).
    assert all(SHARE[code] >= 1 / 3 for code in top), list(top)


@pytest.mark.parametrize(
    ("indicator_id", "year"), every_year(ZONE) + every_year(RESIDENTS), ids=str
)
def test_every_map_ranks_the_departements_as_its_geography_does(maps, indicator_id, year):
    weights = pd.Series(geographies.weights(PLACES[indicator_id]))
    values = maps[indicator_id][year]
    # Spearman's correlation: Pearson's over the ranks.
    assert values.rank().corr(weights.loc[values.index].rank()) >= 0.9


# -- the methodology page --------------------------------------------------------------------


def site(tmp_path, the_catalogue, kind: str):
    """Return a test client over a store holding one day of data, demo or real."""
    from barometre.config import Settings
    from barometre.data.store import Store
    from barometre.web.app import create_app

    settings = Settings(data_dir=tmp_path)
    store = Store(settings.database_url)
    store.init_schema()
    store.sync_catalogue(the_catalogue)
    day = {"indicator": "pre-plainte-en-ligne", "date": "2024-03-01", "weight": 1.0}
    store.apply(
        pd.DataFrame([{**day, "dimension": "", "member": "", "value": 10.0}]),
        kind=kind,
        source="essai",
    )
    store.close()
    return create_app(settings).server.test_client()


def about_the_data(client) -> str:
    from dash_http import route_payload

    payload = route_payload("/a-propos-des-donnees")
    body = client.post("/_dash-update-component", json=payload).get_json()["response"]
    return json.dumps(body, ensure_ascii=False)


def test_the_methodology_page_says_how_the_demo_s_geography_is_approximated(
    tmp_path, the_catalogue
):
    text = about_the_data(site(tmp_path, the_catalogue, "demo"))
    assert "Données de démonstration" in text and "approchée" in text
    for place in geographies.GEOGRAPHIES.values():
        assert place in text
    for indicator_id in MAPPED:
        assert CATALOGUE.indicator(indicator_id).title in text
    assert "police nationale" in text and "Seine-Saint-Denis" in text
    share = round(geographies.gendarmerie_share() * 100)
    assert f"{share}\u202f%" in text


def test_the_methodology_page_speaks_of_demo_data_only_over_demo_data(tmp_path, the_catalogue):
    text = about_the_data(site(tmp_path, the_catalogue, "ingestion"))
    assert "À propos des données" in text and "approchée" not in text
