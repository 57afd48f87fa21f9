"""« As published on »: every API answer and the data package read back as they stood.

A store gets six publications, each on its own day (the ``clock``): a first load, a month more,
a late back-fill (a département new to a month already published, days missing at first), a
correction, a month with a new small count, and a roll-back. After each, read as on its day,
every endpoint's answer (JSON and CSV, each indicator touched, each of its breakdowns) and the
data package are captured; after all of them, each is asked again with ``au=<its day>`` and
``au=<its number>`` (on SQLite and PostgreSQL; the package also by ``barometre export --au``) and
must be the same byte for byte, except what names the request: the links, which keep ``au``
(``liens`` and the ``Link`` header), a download's file name (not compared), and the package's
generation time (``created``). Then secrecy in every past state, what « au » refuses and how
long its answers are kept.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import types
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import pandas as pd
import pytest
from click.testing import CliRunner

from barometre.cli import main
from barometre.config import Settings
from barometre.data import catalogue as catalogue_module
from barometre.data.store import Store, updates
from barometre.publish import api, export, openapi, published
from barometre.web.app import create_app

API = "/api/v1/"
COUNT, AMOUNT = "perceval-signalements", "perceval-montant"
MEAN, LAST = "brigade-numerique-delai-reponse", "reseaux-sociaux-abonnes"
TOUCHED = (COUNT, AMOUNT, MEAN, LAST)
NETWORKS = ("x", "youtube", "linkedin", "tiktok")
COLUMNS = ["indicator", "dimension", "member", "date", "value", "weight"]


# -- the history -------------------------------------------------------------------------------


def days(first: str, last: str) -> list[str]:
    return [d.date().isoformat() for d in pd.date_range(first, last, freq="D")]


@dataclass
class Perceval:
    """The counts per département and day known so far; each load sends the cells it changes
    and the national totals of the days they touch (every day of a new period)."""

    cells: dict[tuple[str, str], float] = field(default_factory=dict)

    def rows(self, cells: dict[tuple[str, str], float], national_days: list[str]) -> list:
        self.cells.update(cells)
        rows = []
        for (day, member), count in cells.items():
            rows.append((COUNT, "departement", member, day, count, 1.0))
            rows.append((AMOUNT, "departement", member, day, count * 12.5, 1.0))
        touched = sorted(set(national_days) | {day for day, _ in cells})
        for day in touched:
            total = sum(v for (d, _), v in self.cells.items() if d == day)
            rows.append((COUNT, "", "", day, total, 1.0))
            rows.append((AMOUNT, "", "", day, total * 12.5, 1.0))
        return rows


def mean(day_list: list[str], shift: float = 0.0) -> list:
    """The mean response time: a value and a weight (requests) that vary from day to day."""
    rows = []
    for day in day_list:
        n = dt.date.fromisoformat(day).toordinal()
        rows.append((MEAN, "", "", day, 10 + (n % 7) * 0.5 + shift, 1.0 + n % 3))
    return rows


def followers(day_list: list[str], shift: float = 0.0) -> list:
    """Followers per network, the national figure their sum (a stock: the last of a period)."""
    rows = []
    for day in day_list:
        n = dt.date.fromisoformat(day).toordinal() - 738000
        values = {net: 1000.0 * (i + 1) + n + shift for i, net in enumerate(NETWORKS)}
        rows += [(LAST, "reseau", net, day, value, 1.0) for net, value in values.items()]
        rows.append((LAST, "", "", day, sum(values.values()), 1.0))
    return rows


def daily(first: str, last: str) -> list:
    """The figures without secrecy of every day from ``first`` to ``last``."""
    return mean(days(first, last)) + followers(days(first, last))


def frame(rows: list) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=COLUMNS)


def history() -> list[tuple[dt.date, object]]:
    """The publications, in order: (day, what to do with a store)."""
    perceval = Perceval()
    # January: 01 is a small count (masked), 04 the smallest one at least 9 (masked with it).
    first = perceval.rows(
        {
            ("2024-01-05", "02"): 20.0,
            ("2024-01-20", "02"): 20.0,
            ("2024-01-10", "01"): 3.0,
            ("2024-01-12", "03"): 50.0,
            ("2024-01-15", "04"): 10.0,
            ("2024-02-01", "02"): 6.0,
        },
        days("2024-01-01", "2024-02-02"),
    )
    first_days = [d for d in days("2024-01-01", "2024-02-02") if d != "2024-01-15"]
    february = perceval.rows(
        {
            ("2024-02-08", "01"): 2.0,
            ("2024-02-10", "02"): 30.0,
            ("2024-02-14", "03"): 12.0,
            ("2024-02-20", "04"): 40.0,
            ("2024-03-02", "03"): 7.0,
        },
        days("2024-02-03", "2024-03-03"),
    )
    # Late: a département absent from January when it was published, and the missing days.
    late = perceval.rows({("2024-01-12", "05"): 9.0}, [])
    correction = perceval.rows({("2024-01-20", "02"): 25.0}, [])
    # March: a département new to the data, with a small count.
    march = perceval.rows(
        {
            ("2024-03-31", "2A"): 2.0,
            ("2024-03-09", "02"): 15.0,
            ("2024-03-15", "03"): 11.0,
            ("2024-03-28", "04"): 9.0,
        },
        days("2024-03-04", "2024-04-04"),
    )

    def staged(rows, by, motive):
        def act(store):
            store.stage(frame(rows), kind="ingestion", source=motive, loaded_by=by)
            store.publish(by="bruno", motive=motive)

        return act

    def applied(rows, motive):
        return lambda store: store.apply(frame(rows), kind="ingestion", source=motive)

    return [
        (
            dt.date(2024, 2, 3),
            staged(
                first + mean(first_days) + followers(days("2024-01-01", "2024-02-02")),
                "ana",
                "Premier envoi",
            ),
        ),
        (
            dt.date(2024, 3, 4),
            applied(february + daily("2024-02-03", "2024-03-03"), "Février"),
        ),
        (
            dt.date(2024, 3, 12),
            staged(late + mean(["2024-01-15"]) + followers(["2024-01-20"]), "ana", "Envoi tardif"),
        ),
        (
            dt.date(2024, 3, 20),
            staged(
                correction + mean(["2024-01-03"], 4.0) + followers(["2024-02-10"], 50.0),
                "chloe",
                "Correction",
            ),
        ),
        (
            dt.date(2024, 4, 5),
            applied(march + daily("2024-03-04", "2024-04-04"), "Mars"),
        ),
        # Publication 4's figures again, on a day when March is over (closed with what it has).
        (dt.date(2024, 4, 8), lambda store: store.roll_back(4, by="bruno", motive="Mars erroné")),
    ]


# -- what is asked -----------------------------------------------------------------------------


def urls(catalogue) -> list[str]:
    """Every answer captured: each endpoint, JSON and CSV, each indicator touched, each of its
    breakdowns, default and chosen periods, a second page, two départements (one added late)."""
    found = [API + "indicateurs"]
    for indicator_id in TOUCHED:
        indicator = catalogue.indicator(indicator_id)
        base = f"{API}indicateurs/{indicator_id}"
        series = base + "/observations"
        found += [base, series, series + ".csv"]
        found += [f"{series}?granularite={g}" for g in indicator.granularities]
        found += [
            f"{series}.csv?granularite=jour",
            f"{series}?debut=2024-01-10&fin=2024-02-10&granularite=semaine",
            f"{series}?granularite=jour&par_page=20&page=2",
            f"{series}.csv?granularite=jour&par_page=20&page=2",
        ]
        for dimension in indicator.breakdowns:
            found += [
                f"{series}?ventilation={dimension}&granularite=mois",
                f"{series}.csv?ventilation={dimension}&granularite=mois",
                f"{series}?ventilation={dimension}&granularite=annee",
                f"{base}/ventilations/{dimension}",
                f"{base}/ventilations/{dimension}.csv",
                f"{base}/ventilations/{dimension}?debut=2024-01-01&fin=2024-01-31",
                f"{base}/ventilations/{dimension}.csv?debut=2024-01-15&fin=2024-02-20",
            ]
        if "departement" in indicator.breakdowns:
            found += [f"{series}?departement=01", f"{series}.csv?departement=05"]
    return found


def with_au(url: str, value: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}au={value}"


@dataclass(frozen=True)
class Answer:
    """What is compared of an answer: status, body and the headers that say what it is."""

    status: int
    body: bytes
    headers: tuple

    @classmethod
    def of(cls, response) -> Answer:
        kept = ("Content-Type", "Link", api.PUBLICATION_HEADER, api.PUBLICATION_DATE_HEADER)
        return cls(
            response.status_code,
            response.get_data(),
            tuple((name, response.headers.get(name)) for name in kept),
        )


def without_au(url: str, value: str) -> str:
    """Return a link of an ``au=value`` answer without its ``au`` (which it must hold)."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    assert ("au", value) in query, url
    rest = urlencode([(k, v) for k, v in query if k != "au"])
    return parts.path + (f"?{rest}" if rest else "")


def links_without_au(body, value: str):
    """Return a JSON body with ``au`` taken out of its links (``liens``), anywhere in it."""
    if isinstance(body, dict):
        # The link to the indicator's page is the site's, which « au » is not a parameter of.
        return {
            key: (
                {name: without_au(link, value) if "/api/" in link else link
                 for name, link in item.items()}
                if key == "liens"
                else links_without_au(item, value)
            )
            for key, item in body.items()
        }  # fmt: skip
    if isinstance(body, list):
        return [links_without_au(item, value) for item in body]
    return body


def as_captured(answer: Answer, value: str) -> Answer:
    """Return an ``au=value`` answer as it would read without ``au``: the links only differ."""
    headers = []
    for name, header in answer.headers:
        if name == "Link" and header:
            header = ", ".join(
                f"<{without_au(part.split('>')[0].lstrip(' <'), value)}>{part.split('>', 1)[1]}"
                for part in header.split(", ")
            )
        headers.append((name, header))
    body = answer.body
    if dict(answer.headers)["Content-Type"].startswith("application/json"):
        parsed = json.loads(body)
        # The API writes json.dumps(body, ensure_ascii=False): the same text once parsed again.
        assert json.dumps(parsed, ensure_ascii=False).encode() == body
        body = json.dumps(links_without_au(parsed, value), ensure_ascii=False).encode()
    return Answer(answer.status, body, tuple(headers))


def package_files(data: bytes) -> dict[str, bytes]:
    """Return the files of a zipped data package, its generation time left out."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return without_created({name: archive.read(name) for name in archive.namelist()})


def folder_files(folder: Path) -> dict[str, bytes]:
    files = {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*.*")}
    return without_created(files)


def without_created(files: dict[str, bytes]) -> dict[str, bytes]:
    descriptor = json.loads(files["datapackage.json"])
    assert descriptor.pop("created")
    files["datapackage.json"] = json.dumps(descriptor, ensure_ascii=False).encode()
    return files


@contextlib.contextmanager
def reading_on(day: dt.date):
    """Read as on ``day``: the published layer closes its months, and the exports key their
    caches, with that day, as a reader saw the site then."""

    class Day(dt.date):
        @classmethod
        def today(cls) -> dt.date:
            return day

    clock = types.ModuleType("datetime")
    clock.__dict__.update(vars(dt))
    clock.date = Day
    with pytest.MonkeyPatch.context() as patch:
        for module in (published, export):
            patch.setattr(module, "dt", clock)
        yield


@dataclass
class Captured:
    """Each publication's day, its answers by URL and its package, as read on its day."""

    days: dict[int, dt.date] = field(default_factory=dict)
    answers: dict[int, dict[str, Answer]] = field(default_factory=dict)
    packages: dict[int, dict[str, bytes]] = field(default_factory=dict)


@contextlib.contextmanager
def publications(store_url: str, data_dir: Path, catalogue, clock, asked: list[str]):
    """Make the history's publications and capture, after each, every answer ``asked`` and the
    package; yield the settings, a client of the app and what was captured."""
    settings = Settings(data_dir=data_dir, database_url=store_url)
    store = Store(store_url)
    app = None
    try:
        store.init_schema()
        store.sync_catalogue(catalogue)
        app = create_app(settings)
        client = app.server.test_client()
        captured = Captured()
        for number, (day, act) in enumerate(history(), start=1):
            clock(day)
            act(store)
            assert store.last_publication() == number
            captured.days[number] = day
            with reading_on(day):
                captured.answers[number] = {url: Answer.of(client.get(url)) for url in asked}
                package = client.get(API + "paquet.zip")
                captured.packages[number] = package_files(package.get_data())
            failed = [u for u, a in captured.answers[number].items() if a.status != 200]
            assert not failed, failed
        yield settings, client, captured
    finally:
        store.close()
        if app is not None:
            app.services.store.close()


# -- the tests ---------------------------------------------------------------------------------


def test_every_answer_and_the_package_read_back_as_published(
    store_url, settings, the_catalogue, clock
):
    """On SQLite and PostgreSQL: every endpoint and the package, by day and by number."""
    asked = urls(the_catalogue)
    with publications(store_url, settings.data_dir, the_catalogue, clock, asked) as (
        _,
        client,
        captured,
    ):
        differences = []
        for number, day in captured.days.items():
            for value in (day.isoformat(), str(number)):
                for url in asked:
                    answer = Answer.of(client.get(with_au(url, value)))
                    if as_captured(answer, value) != captured.answers[number][url]:
                        differences.append(f"au={value} {url}")
                package = client.get(API + "paquet.zip?au=" + value)
                if package_files(package.get_data()) != captured.packages[number]:
                    differences.append(f"au={value} paquet.zip")
        assert not differences, "\n".join(differences)
    # The figures differ from one state to the next (the roll-back's may equal those it
    # restores): answers that all said the same would prove nothing.
    grid = f"{API}indicateurs/{COUNT}/observations?ventilation=departement&granularite=mois"
    figures = [json.loads(captured.answers[n][grid].body)["observations"] for n in range(1, 6)]
    assert all(a != b for a, b in zip(figures, figures[1:], strict=False))


def test_the_command_exports_the_package_of_a_past_publication(
    settings, the_catalogue, clock, tmp_path, monkeypatch
):
    """« barometre export DIR --au »: by day and by number, the package captured then."""
    with publications(settings.database_url, settings.data_dir, the_catalogue, clock, []) as (
        settings,
        _,
        captured,
    ):
        monkeypatch.setenv("BAROMETRE_DATA_DIR", str(settings.data_dir))
        for number, day in captured.days.items():
            expected = captured.packages[number]
            descriptor = json.loads(expected["datapackage.json"])
            assert descriptor["publication"] == {"numero": number, "date": day.isoformat()}
            assert descriptor["version"] == str(number)
            for value in (day.isoformat(), str(number)):
                folder = tmp_path / f"paquet-{value}"
                result = CliRunner().invoke(main, ["export", str(folder), "--au", value])
                assert result.exit_code == 0, result.output
                assert f"publication n° {number} du {day:%d/%m/%Y}" in result.output
                assert folder_files(folder) == expected, (number, value)


# -- secrecy in every past state -----------------------------------------------------------------

SECRET = ((COUNT, "departement"), (AMOUNT, "departement"))


def cells(client, indicator_id: str, dimension: str, value: str) -> tuple[dict, set]:
    """Return a breakdown's grid in an ``au=value`` answer, as {(month, member): value} shown and
    {(month, member)} masked; its CSV and the package's CSV must say the same."""
    query = f"ventilation={dimension}&granularite=mois&au={value}"
    series = f"{API}indicateurs/{indicator_id}/observations"
    rows = client.get(f"{series}?{query}").get_json()["observations"]
    shown = {(r["date"], r["membre"]): r["valeur"] for r in rows if not r["masque"]}
    masked = {(r["date"], r["membre"]) for r in rows if r["masque"]}
    assert all(r["valeur"] is None and r["jours"] is None for r in rows if r["masque"])
    package = client.get(f"{API}paquet.zip?au={value}").get_data()
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        packaged = archive.read(f"donnees/{indicator_id}--{dimension}.csv").decode()
    for text in (client.get(f"{series}.csv?{query}").get_data(as_text=True), packaged):
        table = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
        hidden = table[table["masque"] == "true"]
        assert set(hidden["valeur"]) <= {"n.d."} and set(hidden["jours"]) <= {""}
        assert set(zip(hidden["date"], hidden["membre"], strict=True)) == masked
        visible = table[table["masque"] == "false"]
        assert {
            (d, m): float(v)
            for d, m, v in zip(visible["date"], visible["membre"], visible["valeur"], strict=True)
        } == shown
    return shown, masked


def test_every_past_state_is_masked_by_the_published_layer(settings, the_catalogue, clock):
    """« au » reads the published layer that tests/test_secrecy_adversary.py attacks: the same
    cells masked and shown, in the API's JSON and CSV and in the package, in every state."""
    with publications(settings.database_url, settings.data_dir, the_catalogue, clock, []) as (
        settings,
        client,
        captured,
    ):
        services = client.application.extensions["barometre"]
        for number, day in captured.days.items():
            for indicator_id, dimension in SECRET:
                grid = published.grid(
                    services, the_catalogue.indicator(indicator_id), dimension, as_of=number
                )
                expected_masked = {
                    (r.periode.date().isoformat(), r.membre)
                    for r in grid[grid["masque"]].itertuples()
                }
                expected_shown = {
                    (r.periode.date().isoformat(), r.membre): r.valeur
                    for r in grid[~grid["masque"]].itertuples()
                }
                for value in (day.isoformat(), str(number)):
                    shown, masked = cells(client, indicator_id, dimension, value)
                    assert masked == expected_masked, (indicator_id, value)
                    assert shown == expected_shown, (indicator_id, value)
                    assert masked, "every state of the history has a masked cell"


def test_no_cell_masked_in_a_past_state_is_shown_in_a_later_one(settings, the_catalogue, clock):
    """A cell masked once stays masked: shown later, it would give back what it protected."""
    with publications(settings.database_url, settings.data_dir, the_catalogue, clock, []) as (
        settings,
        client,
        captured,
    ):
        states = {
            (number, indicator_id): cells(client, indicator_id, "departement", str(number))
            for number in captured.days
            for indicator_id, _ in SECRET
        }
    given_back = [
        (indicator_id, earlier, later, sorted(masked & set(states[(later, indicator_id)][0])))
        for (earlier, indicator_id), (_, masked) in states.items()
        for later in captured.days
        if later > earlier and masked & set(states[(later, indicator_id)][0])
    ]
    assert given_back == []


# -- what « au » accepts, and how long its answers keep --------------------------------------------

FIRST_DAYS = (dt.date(2024, 2, 3), dt.date(2024, 3, 4))


def two_publications(store: Store) -> None:
    """Two publications of the mean response time, on FIRST_DAYS (10:00 UTC)."""
    for day in FIRST_DAYS:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(updates, "_now", lambda day=day: f"{day.isoformat()}T10:00:00+00:00")
            rows = mean(days((day - dt.timedelta(days=30)).isoformat(), day.isoformat()))
            store.apply(frame(rows), kind="ingestion", source=str(day))


@pytest.fixture(scope="module")
def au_client(tmp_path_factory, the_catalogue):
    settings = Settings(data_dir=tmp_path_factory.mktemp("au"))
    store = Store(settings.database_url)
    store.init_schema()
    store.sync_catalogue(the_catalogue)
    two_publications(store)
    store.close()
    return create_app(settings).server.test_client()


def documented_with_au() -> list[str]:
    """The API's paths whose operation documents « au », with an indicator and a breakdown."""
    document = openapi.document(catalogue_module.load(), "/")
    return [
        API.rstrip("/")
        + path.replace("{identifiant}", COUNT).replace("{ventilation}", "departement")
        for path, item in document["paths"].items()
        if any(p["name"] == "au" for p in item["get"]["parameters"])
    ]


def test_every_endpoint_that_gives_figures_documents_au():
    document = openapi.document(catalogue_module.load(), "/")
    assert {p.removeprefix(API.rstrip("/")) for p in documented_with_au()} == {
        path.replace("{identifiant}", COUNT).replace("{ventilation}", "departement")
        for path in document["paths"]
    } - {"/openapi.json", "/catalogue.jsonld"}


MALFORMED = "doit être une date au format AAAA-MM-JJ ou un numéro de publication (1, 2…)."
UNKNOWN = "aucune publication ne porte ce numéro\u00a0; les publications sont numérotées de 1 à 2."


@pytest.mark.parametrize(
    ("value", "status", "message"),
    [
        ("hier", 400, MALFORMED),
        ("2024-2-3", 400, MALFORMED),
        ("-1", 400, MALFORMED),
        ("1.5", 400, MALFORMED),
        ("２", 400, MALFORMED),
        ("", 400, "« au » est vide"),
        ("2024-02-30", 400, "la date 2024-02-30 n'existe pas"),
        (
            "2999-01-01",
            404,
            "le 01/01/2999 est une date future\u00a0; choisissez une date jusqu'au",
        ),
        (
            "2024-02-02",
            404,
            "rien n'était publié le 02/02/2024\u00a0; la première publication date du 03/02/2024",
        ),
        ("0", 404, UNKNOWN),
        ("3", 404, UNKNOWN),
        ("9" * 30, 404, UNKNOWN),
    ],
)
def test_a_wrong_au_is_a_french_error_naming_it_on_every_endpoint(
    au_client, value, status, message
):
    """Malformed: 400; well formed but naming no publication: 404 — what, where, how to fix."""
    for path in documented_with_au():
        answer = au_client.get(f"{path}?au={value}")
        assert answer.status_code == status, path
        assert answer.mimetype == "application/json", path
        body = answer.get_json()
        assert body["parametre"] == "au", path
        assert message in body["erreur"], (path, body["erreur"])
        assert answer.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(("value", "message"), [("3", UNKNOWN), ("2024-2-3", MALFORMED)])
def test_the_command_refuses_an_au_naming_no_publication(
    settings, empty_store, tmp_path, monkeypatch, value, message
):
    monkeypatch.setenv("BAROMETRE_DATA_DIR", str(settings.data_dir))
    two_publications(empty_store)
    result = CliRunner().invoke(main, ["export", str(tmp_path / "paquet"), "--au", value])
    assert result.exit_code == 1
    assert message in result.output
    assert not (tmp_path / "paquet").exists()


@pytest.mark.parametrize("value", ["1", "2024-03-04"])
def test_au_before_any_publication_says_there_is_none(settings, empty_store, value):
    client = create_app(settings).server.test_client()
    body = client.get(f"{API}indicateurs/{MEAN}/observations?au={value}").get_json()
    assert body == {
        "erreur": "Aucune publication n'a encore été faite\u00a0: retirez «\u00a0au\u00a0».",
        "parametre": "au",
    }


def test_a_past_publication_s_answers_keep_while_the_current_one_s_change(
    settings, empty_store, clock
):
    client = create_app(settings).server.test_client()
    two_publications(empty_store)
    series = f"{API}indicateurs/{MEAN}/observations.csv"
    past, by_day = client.get(f"{series}?au=1"), client.get(f"{series}?au=2024-02-03")
    current = client.get(series)
    assert past.headers["Cache-Control"] == f"public, max-age={api.PAST_MAX_AGE}"
    assert by_day.headers["Cache-Control"] == f"public, max-age={api.PAST_MAX_AGE}"
    assert current.headers["Cache-Control"] == f"public, max-age={api.MAX_AGE}"
    assert past.headers["Last-Modified"] == "Sat, 03 Feb 2024 10:00:00 GMT"
    assert past.headers[api.PUBLICATION_HEADER] == "1"
    assert past.headers[api.PUBLICATION_DATE_HEADER] == "2024-02-03"
    assert current.headers[api.PUBLICATION_HEADER] == "2"
    assert api.PUBLICATION_HEADER in past.headers["Access-Control-Expose-Headers"]
    assert past.headers["Content-Disposition"].endswith('-au-1.csv"')
    # A third publication: publication 1's answer is the same, its ETag too (304).
    clock(dt.date(2024, 4, 3))
    empty_store.apply(frame(mean(["2024-01-10"], 3.0)), kind="ingestion", source="correction")
    again = client.get(f"{series}?au=1")
    assert again.get_data() == past.get_data() and again.headers["ETag"] == past.headers["ETag"]
    revalidated = client.get(f"{series}?au=1", headers={"If-None-Match": past.headers["ETag"]})
    assert revalidated.status_code == 304
    assert client.get(series).headers["ETag"] != current.headers["ETag"]
    # A day not over yet may still get a publication: it is kept as the current one.
    today = client.get(f"{series}?au={dt.datetime.now(dt.UTC).date().isoformat()}")
    assert today.headers["Cache-Control"] == f"public, max-age={api.MAX_AGE}"
    assert today.headers[api.PUBLICATION_HEADER] == "3"
