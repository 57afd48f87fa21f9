"""Static files as sent: the partial plotly.js bundle, compression and cache headers.

Citizens open the Baromètre on phones: every script and style sheet goes out compressed (brotli
when the client accepts it and the ``brotli`` module is installed, gzip otherwise), compressed once
per file and kept on disk in ``<data_dir>/compresse`` so that every worker and every restart reuses
it. Files whose URL carries a fingerprint (Dash's ``.v4_4_1m…`` paths, ``?v=`` or ``?m=`` queries)
are cached by browsers for a year; the others are revalidated with their ETag.

plotly.js: dcc.Graph loads ``_dash-component-suites/plotly/package_data/plotly.min.js`` (the full
bundle) when ``window.Plotly`` is missing. That URL answers here with the partial « basic »
bundle (scatter, bar, pie: a fraction of the full one), of the same plotly.js version, vendored in
``assets/vendor``. It stays lazily loaded, after the page's first render, as Dash intended.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import os
import re
import tempfile
from pathlib import Path

import flask
from dash.fingerprint import check_fingerprint

from barometre.urls import Urls

try:  # brotli is optional: gzip alone already divides the transfer by three or four.
    import brotli
except ImportError:  # pragma: no cover - depends on the installation
    brotli = None

log = logging.getLogger(__name__)

VENDOR = Path(__file__).parent.parent / "assets" / "vendor"
PLOTLY_BUNDLE = VENDOR / "plotly-basic.min.js"
# The URL dash-renderer gives dcc.Graph for plotly.js when serve_locally is on (the default).
PLOTLY_URL = "/_dash-component-suites/plotly/package_data/plotly.min.js"

ONE_YEAR = 31536000
COMPRESSIBLE = {
    "application/javascript",
    "text/javascript",
    "text/css",
    "application/json",
    "image/svg+xml",
    "text/plain",
}
# Pages and data answers (HTML, layout, callback answers, API) are made per request: compressed per
# request too, at a fast level: what it saves on the wire must not be lost again on the CPU
# (docs/performance.md). The ones asked again are kept at the best level (answers.py).
DYNAMIC = {"text/html", "application/json", "text/csv", "application/atom+xml"}
FAVICON = Path(__file__).parent.parent / "assets" / "favicon.ico"
# Below this size a compressed answer saves less than its headers cost.
MIN_SIZE = 512
VERSION_RE = re.compile(rb"plotly\.js \(basic - minified\) v(\d+\.\d+\.\d+)")


def bundle_version(path: Path = PLOTLY_BUNDLE) -> str:
    """Return the plotly.js version written in the vendored bundle's licence header."""
    with path.open("rb") as handle:
        match = VERSION_RE.search(handle.read(400))
    return match.group(1).decode() if match else ""


# Scripts Dash always lists that the Baromètre's pages do not need (checked in a browser: no error,
# charts drawn, French months).
UNNEEDED_SCRIPTS = ("polyfill@", "dash_table/")


def needed_scripts(resources: list[dict]) -> list[dict]:
    """Return Dash's script resources without ``UNNEEDED_SCRIPTS``."""
    kept = []
    for resource in resources:
        path = resource.get("relative_package_path", "")
        if isinstance(path, list):  # React and its companions come as one list
            paths = [item for item in path if not any(part in item for part in UNNEEDED_SCRIPTS)]
            resource = {**resource, "relative_package_path": paths}
        elif any(part in path for part in UNNEEDED_SCRIPTS):
            continue
        kept.append(resource)
    return kept


def fingerprinted(path: str, args: flask.Request | None = None) -> bool:
    """Whether a URL names one immutable version of a file (its content changes with its URL)."""
    if check_fingerprint(path)[1]:
        return True
    return args is not None and bool(args.args.get("v") or args.args.get("m"))


class Compressor:
    """Compressed copies of static answers, made once and kept on disk and in memory."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.memory: dict[tuple[str, str], bytes] = {}

    def get(self, key: str, encoding: str, body: bytes) -> bytes:
        """Return ``body`` compressed with ``encoding`` (``br`` or ``gzip``), cached by ``key``."""
        slot = (key, encoding)
        cached = self.memory.get(slot)
        if cached is not None:
            return cached
        name = hashlib.sha256(f"{encoding}\0{key}".encode()).hexdigest()
        path = self.folder / f"{name}.{encoding}"
        try:
            data = path.read_bytes()
        except OSError:
            data = compress(body, encoding)
            self._write(path, data)
        self.memory[slot] = data
        return data

    def _write(self, path: Path, data: bytes) -> None:
        # Written to a temporary file then renamed: a concurrent worker never reads half a file.
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, path)
        except OSError as error:
            log.warning("compression : copie non enregistrée dans %s : %s", self.folder, error)


def compressed_best(body: bytes, encoding: str) -> bytes:
    """Return ``body``, compressed fast with ``encoding`` (``dynamic_answer``), compressed again at
    the best level: worth its CPU only for an answer that is sent again and again (answers.py)."""
    plain = brotli.decompress(body) if encoding == "br" else gzip.decompress(body)
    return compress(plain, encoding)


def compress(body: bytes, encoding: str, fast: bool = False) -> bytes:
    """Return ``body`` compressed with ``encoding`` (``br`` or ``gzip``), fast or at the best."""
    if encoding == "br":
        return brotli.compress(body, quality=5 if fast else 11)
    return gzip.compress(body, compresslevel=5 if fast else 9, mtime=0)


def _encoding(request: flask.Request) -> str:
    accepted = request.accept_encodings
    if brotli is not None and accepted["br"]:
        return "br"
    return "gzip" if accepted["gzip"] else ""


def register(server: flask.Flask, data_dir: Path, prefix: str) -> None:
    """Serve the partial plotly.js bundle; compress and cache the static answers of ``server``."""
    urls = Urls(prefix)
    static_prefixes = (
        urls.path("/assets/"),
        urls.path("/_dash-component-suites/"),
        urls.path("/_favicon.ico"),
        urls.path("/favicon.ico"),
    )
    compressor = Compressor(data_dir / "compresse")

    @server.get(urls.path(PLOTLY_URL))
    def plotly_bundle():
        # No fingerprint in this URL (the renderer builds it): revalidated by ETag, never stale.
        response = flask.send_file(PLOTLY_BUNDLE, mimetype="text/javascript", conditional=True)
        response.cache_control.no_cache = True
        response.cache_control.public = True
        return response

    @server.get(urls.path("/favicon.ico"))
    def favicon():
        # Browsers ask for it on pages without Dash (embeds): a tiny icon instead of a 404 page.
        return flask.send_file(FAVICON, mimetype="image/vnd.microsoft.icon", conditional=True)

    @server.after_request
    def compressed_answers(response: flask.Response) -> flask.Response:
        request = flask.request
        if request.path.startswith(static_prefixes):
            return static_answer(request, response)
        if response.status_code == 200 and response.mimetype in DYNAMIC:
            return dynamic_answer(request, response)
        return response

    def static_answer(request: flask.Request, response: flask.Response) -> flask.Response:
        if request.method not in ("GET", "HEAD"):
            return response
        if response.status_code == 200 and fingerprinted(request.path, request):
            response.cache_control.max_age = ONE_YEAR
            response.cache_control.public = True
            response.cache_control.immutable = True
            response.cache_control.no_cache = None
        elif response.status_code in (200, 304):
            response.cache_control.no_cache = True
            response.cache_control.public = True
            response.cache_control.max_age = None
        if response.status_code != 200 or response.mimetype not in COMPRESSIBLE:
            return response
        response.vary.add("Accept-Encoding")
        if "Content-Encoding" in response.headers:
            return response
        encoding = _encoding(request)
        length = response.content_length
        if not encoding or (length is not None and length < MIN_SIZE):
            return response
        response.direct_passthrough = False
        body = response.get_data()
        if len(body) < MIN_SIZE:
            return response
        etag, _ = response.get_etag()
        if not etag and not fingerprinted(request.path, request):
            response.add_etag()
            etag, _ = response.get_etag()
        key = f"{request.full_path}\0{etag or ''}\0{len(body)}"
        response.set_data(compressor.get(key, encoding, body))
        response.headers["Content-Encoding"] = encoding
        if etag:
            # The same ETag, weak: the bytes differ from the uncompressed file's, the content not.
            response.set_etag(etag, weak=True)
        return response.make_conditional(request)


def dynamic_answer(request: flask.Request, response: flask.Response) -> flask.Response:
    """Compress a page or data answer made for this request (streamed answers are left alone)."""
    response.vary.add("Accept-Encoding")
    if response.is_streamed or response.direct_passthrough:
        return response
    if "Content-Encoding" in response.headers:
        return response
    encoding = _encoding(request)
    length = response.content_length
    if not encoding or length is None or length < MIN_SIZE:
        return response
    response.set_data(compress(response.get_data(), encoding, fast=True))
    response.headers["Content-Encoding"] = encoding
    etag, weak = response.get_etag()
    if etag and not weak:
        response.set_etag(etag, weak=True)
    return response
