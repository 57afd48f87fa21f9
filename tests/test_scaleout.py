"""Scale-out under a prefix: nginx (deploy/nginx/barometre.conf) → two instances → one
PostgreSQL and one Redis, all real servers on loopback.

Pages, assets, callbacks and /healthz work through nginx under /barometre-numerique/, the two
instances share the load, and a value committed to the store is served by both right away.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pandas as pd
import pytest
from conftest import LiveServer, free_port, require, wait_until
from dash_http import indicator_payload, route_payload_for
from servers import NGINX, REDIS, Nginx, Redis, wait_port

from barometre.config import Settings
from barometre.data import catalogue
from barometre.data.store import Store

pytestmark = pytest.mark.server

PREFIX = "/barometre-numerique/"
CONFIG = Path(__file__).parents[1] / "deploy" / "nginx" / "barometre.conf"
INDICATOR = "brigade-numerique-demandes"
DAYS = pd.date_range("2025-01-01", "2025-03-31", freq="D")

MAIN = """
worker_processes 1;
pid {folder}/nginx.pid;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {site};
}}
"""


def get(url: str, data: bytes | None = None) -> tuple[int, dict, str]:
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310
            return response.status, dict(response.headers), response.read().decode(errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode(errors="replace")


def observations(value: float) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "indicator": INDICATOR,
            "dimension": "",
            "member": "",
            "date": DAYS,
            "value": [value] * len(DAYS),
        }
    )


@pytest.fixture(scope="module")
def cluster(postgres_server, tmp_path_factory):
    require(REDIS is not None, "redis-server")
    require(NGINX is not None, "nginx")
    folder = tmp_path_factory.mktemp("scaleout")
    url = postgres_server.create_database(f"scaleout{free_port()}")
    store = Store(url)
    store.init_schema()
    store.sync_catalogue(catalogue.load())
    store.apply(observations(1000), kind="ingestion", source="premier.csv")
    redis = Redis(folder / "redis")
    env = {
        "BAROMETRE_DATABASE_URL": url,
        "BAROMETRE_CACHE_URL": redis.url,
        "BAROMETRE_URL_PREFIX": PREFIX,
        "BAROMETRE_TRUSTED_PROXIES": "1",
    }
    instances = []
    nginx = None
    try:
        for name in ("a", "b"):
            data_dir = folder / name
            data_dir.mkdir()
            instances.append(
                LiveServer(Settings(data_dir=data_dir, database_url=url), workers=1, env=env)
            )
        port = free_port()
        site = CONFIG.read_text(encoding="utf-8")
        site = site.replace("127.0.0.1:8050", f"127.0.0.1:{instances[0].port}")
        site = site.replace("127.0.0.1:8051", f"127.0.0.1:{instances[1].port}")
        site = re.sub(r"listen 80;", f"listen 127.0.0.1:{port};", site)
        site_file = folder / "barometre.conf"
        site_file.write_text(site, encoding="utf-8")
        nginx = Nginx(folder / "nginx", MAIN.format(folder=folder / "nginx", site=site_file))
        wait_port(port)
        yield {
            "url": f"http://127.0.0.1:{port}",
            "instances": instances,
            "store": store,
            "nginx": nginx,
        }
    finally:
        if nginx is not None:
            nginx.stop()
        for instance in instances:
            instance.stop()
        redis.stop()
        store.close()
        shutil.rmtree(folder / "nginx", ignore_errors=True)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("", 301),
        ("/", 200),
        ("/indicateurs", 200),
        (f"/indicateurs/{INDICATOR}", 200),
        ("/healthz", 200),
        ("/assets/barometre.css", 200),
        ("/assets/vendor/bootstrap.min.css", 200),
        ("/_dash-layout", 200),
        ("/_dash-dependencies", 200),
        (f"/embed/{INDICATOR}", 200),
        ("/assets/../../../etc/passwd", 400),  # nginx refuses a path above its root
        ("/assets/%2e%2e/%2e%2e/etc/passwd", 403),
    ],
)
def test_nginx_serves_the_site_under_the_prefix(cluster, path, expected):
    url = cluster["url"] + PREFIX.rstrip("/") + path
    request = urllib.request.Request(url, method="GET")
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=15) as response:
            status, headers = response.status, response.headers
    except urllib.error.HTTPError as error:
        status, headers = error.code, error.headers
    assert status == expected
    assert headers["Server"] == "nginx"  # server_tokens off: no version
    if status == 200:
        assert headers["X-Content-Type-Options"] == "nosniff"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_pages_link_everything_under_the_prefix(cluster):
    status, _, html = get(cluster["url"] + PREFIX)
    assert status == 200
    links = re.findall(r'(?:href|src)="([^"#]+)"', html)
    assert links
    for link in links:
        assert link.startswith(PREFIX), link
        assert get(cluster["url"] + link)[0] == 200, link
    layout = get(cluster["url"] + PREFIX + "_dash-layout")[2]
    hrefs = re.findall(r'"href":\s*"([^"]+)"', layout)
    assert hrefs and all(h.startswith(PREFIX) for h in hrefs if h.startswith("/"))


def test_callbacks_work_through_nginx(cluster):
    dependencies = json.loads(get(cluster["url"] + PREFIX + "_dash-dependencies")[2])
    route = json.dumps(route_payload_for(dependencies, PREFIX + "indicateurs")).encode()
    status, _, body = get(cluster["url"] + PREFIX + "_dash-update-component", route)
    assert status == 200 and "Tous les indicateurs" in body


def test_both_instances_take_requests(cluster):
    for instance in cluster["instances"]:
        instance.log.flush()
    before = [Path(i.log.name).read_text().count('"chemin"') for i in cluster["instances"]]
    for _ in range(10):
        assert get(cluster["url"] + PREFIX + "healthz")[0] == 200

    def served() -> list[int]:
        return [Path(i.log.name).read_text().count('"chemin"') for i in cluster["instances"]]

    # Access lines are written once the answers are sent.
    more = wait_until(lambda: all(a > b for a, b in zip(served(), before, strict=True)), 10)
    assert more, (before, served())


def served_value(base: str) -> str:
    body = json.dumps(indicator_payload(INDICATOR, "2025-02-01", "2025-02-03", "jour")).encode()
    status, _, text = get(base + "_dash-update-component", body)
    assert status == 200
    return text


def test_a_commit_is_served_fresh_by_both_instances(cluster):
    bases = [cluster["url"] + PREFIX] + [i.base + "/" for i in cluster["instances"]]
    for base in bases:  # warms the shared cache with the old value
        assert '"y":[1000.0,1000.0,1000.0]' in served_value(base).replace(
            " ", ""
        ) or '"y":[1000,1000,1000]' in served_value(base).replace(" ", "")
    summary = cluster["store"].apply(observations(4321), kind="ingestion", source="second.csv")
    assert summary.corrected == len(DAYS)
    for base in bases:
        text = served_value(base).replace(" ", "")
        assert "4321" in text and "1000" not in text.split('"y":', 1)[1][:40]
    health = json.loads(get(cluster["instances"][1].base + "/healthz")[2])
    assert health["version_donnees"] == summary.data_version


def test_access_logs_hold_no_address(cluster):
    assert get(cluster["url"] + PREFIX + "healthz")[0] == 200
    assert wait_until(
        lambda: all('{"heure"' in Path(i.log.name).read_text() for i in cluster["instances"])
    )
    for instance in cluster["instances"]:
        lines = [
            json.loads(line)
            for line in Path(instance.log.name).read_text().splitlines()
            if line.startswith('{"heure"')
        ]
        assert lines
        assert all("127.0.0.1" not in json.dumps(line) for line in lines)
    nginx_log = (cluster["nginx"].folder / "logs" / "barometre.access.log").read_text()
    lines = [json.loads(line) for line in nginx_log.splitlines()]
    assert lines and all(
        set(line) == {"heure", "methode", "chemin", "statut", "octets", "duree_s", "amont"}
        for line in lines
    )


def test_one_address_asking_too_often_is_told_to_wait_but_files_are_not_counted(cluster):
    from concurrent.futures import ThreadPoolExecutor

    def hammer(path: str) -> list[tuple[int, dict, str]]:
        # 300 requests at once from one address: more than the burst of 100 plus 20 a second.
        with ThreadPoolExecutor(8) as pool:
            return list(pool.map(get, [cluster["url"] + PREFIX + path] * 300))

    try:
        files = hammer("assets/barometre.css")
        assert {status for status, _, _ in files} == {200}
        answers = hammer("healthz")
        refused = [answer for answer in answers if answer[0] == 429]
        assert 0 < len(refused) < 300 and {a[0] for a in answers} == {200, 429}
        status, headers, body = refused[0]
        assert body.startswith("Trop de requêtes depuis votre adresse")
        assert headers["Retry-After"] == "5" and "text/plain" in headers["Content-Type"]
    finally:
        # fixed wait: the allowance must run out
        time.sleep(5.5)  # the other tests of this cluster start with a full allowance


def test_barometre_ingest_on_postgresql_is_served_by_both_instances(cluster, tmp_path):
    csv = tmp_path / "fevrier.csv"
    csv.write_text(
        "indicateur,date,ventilation,membre,valeur\n"
        + "".join(f"{INDICATOR},2025-02-0{day},,,777\n" for day in (1, 2, 3)),
        encoding="utf-8",
    )
    env = {
        **os.environ,
        "BAROMETRE_DATA_DIR": str(tmp_path),
        "BAROMETRE_DATABASE_URL": cluster["store"].url,
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "barometre", "ingest", "--publier", str(csv)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 corrigées" in result.stdout
    for base in [cluster["url"] + PREFIX] + [i.base + "/" for i in cluster["instances"]]:
        text = served_value(base).replace(" ", "")
        assert '"y":[777' in text
