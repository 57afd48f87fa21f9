"""Whole answers of pages, callbacks and API calls kept in each worker's memory, per data version
and day.

The Baromètre's pages, callbacks and API answers are pure functions of the request (its body or
query), of the published data (``data_version``) and of the day: the same request gets the same
content. The data layer is already memoized (``Services.memoized``, shared by workers), but
rebuilding and serializing a page's component tree still costs far more than sending bytes
already made, and sending them is what keeps a traffic spike's p99 low. The entry is keyed by the
data version, so an ingestion makes every older answer unreachable (they age out of the LRU).

A kept answer is replayed by a WSGI middleware in front of Flask, with the status and every header
Flask sent the first time (security headers, compression): a hit skips Flask's request context,
Dash's dispatch and the after-request functions, most of what a hit cost through Flask
(docs/performance.md). Only a body that was answered 200 is ever kept, so a hit needs no
validation; any other request (or a miss) goes through Flask and its checks as before.

An answer is kept as Flask compressed it, fast (static.dynamic_answer); asked again, it is
compressed again at the best level, once: a page every visitor opens (the home page) then costs
them a few kilobytes less, and a page asked once never costs the CPU of the best level.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable

import flask
from werkzeug.wrappers import Response

from barometre.data.services import Services
from barometre.data.store import StoreError
from barometre.urls import Urls
from barometre.web import static

# Bytes kept per worker by default (settings.answers_mb sets them): the largest answers (an
# indicator page's results) weigh a few kilobytes compressed, so this holds thousands.
MAX_BYTES = 32 * 1024 * 1024
EXTENSION = "barometre.web.answers"
# What Flask's after-request functions use to ask the middleware to keep the answer being sent.
KEEP = "barometre.web.answers.keep"
# Set on a request whose 200 answer must not be kept (see ``do_not_keep``).
PASSING = "barometre.web.answers.passing"
# A conditional or partial request is answered through werkzeug, which compares the validators.
CONDITIONAL = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_RANGE", "HTTP_IF_RANGE")
# What an entry holds: the body, the status, the headers, and whether the body is as small as it
# gets (compressed at the best level already, or not compressed at all).
Entry = tuple[bytes, str, list[tuple[str, str]], bool]
# GET requests answered from files (static.py keeps their compressed copies) or saying the live
# state of the service: never kept here.
NOT_KEPT = ("/assets/", "/_dash-component-suites/", "/favicon.ico", "/_favicon.ico", "/healthz")


class Answers:
    """A bounded LRU of (body, headers) by request key, shared by a process's threads."""

    def __init__(self, max_bytes: int = MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self.entries: OrderedDict[str, Entry] = OrderedDict()
        # gthread workers (BAROMETRE_SERVER_THREADS) read and write it from several threads.
        self.lock = threading.Lock()

    def get(self, key: str) -> Entry | None:
        """Return the kept answer for ``key``, or None."""
        with self.lock:
            entry = self.entries.get(key)
            if entry is not None:
                self.entries.move_to_end(key)
            return entry

    def put(
        self, key: str, body: bytes, headers: list[tuple[str, str]], status: str = "200 OK"
    ) -> None:
        """Keep an answer, dropping the least recently used ones beyond ``max_bytes``."""
        with self.lock:
            if len(body) > self.max_bytes // 8 or key in self.entries:
                return
            encoding = next((v for n, v in headers if n.lower() == "content-encoding"), "")
            self.entries[key] = (body, status, headers, encoding not in ("br", "gzip"))
            self.size += cost(key, self.entries[key])
            self._bound()

    def polished(self, key: str, entry: Entry) -> Entry:
        """Return ``entry`` with its body compressed at the best level, kept so from now on."""
        body, status, headers, best = entry
        if best:  # every hit but the first
            return entry
        encoding = next(v for n, v in headers if n.lower() == "content-encoding")
        smaller = static.compressed_best(body, encoding)
        length = str(len(smaller))
        headers = [(n, length if n.lower() == "content-length" else v) for n, v in headers]
        better = (smaller, status, headers, True)
        with self.lock:
            # Another thread may have polished it, or the LRU dropped it, meanwhile.
            if self.entries.get(key) is entry:
                self.entries[key] = better
                self.size += cost(key, better) - cost(key, entry)
                self._bound()
        return better

    def _bound(self) -> None:
        while self.size > self.max_bytes:
            old_key, old = self.entries.popitem(last=False)
            self.size -= cost(old_key, old)


# Python's own objects around an entry (tuples, list, string headers), as tracemalloc counts them
# for an answer with a dozen headers, rounded up (docs/performance.md).
ENTRY_OVERHEAD = 1024


def cost(key: str, entry: Entry) -> int:
    """Return the bytes an entry holds: not only its body but its key and headers, which a
    visitor can make large (long Accept or Host headers, unknown query parameters)."""
    body, status, headers, _ = entry
    return (
        len(body)
        + len(key)
        + len(status)
        + sum(len(name) + len(value) for name, value in headers)
        + ENTRY_OVERHEAD
    )


def register(server: flask.Flask, shared: Services) -> None:
    """Answer repeated callback and API requests of ``server`` from memory, in front of Flask."""
    answers = Answers(shared.settings.answers_mb * 1024 * 1024)
    server.extensions[EXTENSION] = answers
    server.wsgi_app = Middleware(  # type: ignore[method-assign]
        server.wsgi_app, answers, shared, shared.settings.max_request_kb * 1024
    )

    @server.after_request
    def keep_answer(response: flask.Response) -> flask.Response:
        # Flask runs after-request functions in reverse order: this one, registered before the
        # compression and the security headers, sees the answer as sent.
        if (
            response.status_code == 200
            and not response.is_streamed
            and not flask.request.environ.get(PASSING)
        ):
            flask.request.environ[KEEP] = True
        return response


def do_not_keep() -> None:
    """Keep the current request's answer out of memory: it says something passing (a page that
    says the store could not be read), which the data version would not make stale."""
    flask.request.environ[PASSING] = True


class Middleware:
    """The WSGI app that answers a kept request itself and keeps Flask's 200 answers."""

    def __init__(self, app: Callable, answers: Answers, shared: Services, max_body: int) -> None:
        urls = Urls(shared.settings.url_prefix)
        self.app = app
        self.answers = answers
        self.shared = shared
        self.max_body = max_body
        self.callback_path = urls.path("/_dash-update-component")
        self.not_kept = tuple(urls.path(path) for path in NOT_KEPT)

    def key(self, environ: dict) -> str | None:
        """Return the key of the request's answer, or None when it is not kept."""
        method, path = environ.get("REQUEST_METHOD"), environ.get("PATH_INFO", "")
        if method == "POST" and path == self.callback_path:
            try:
                length = int(environ.get("CONTENT_LENGTH") or -1)
            except ValueError:
                return None
            if not 0 <= length <= self.max_body:
                return None  # chunked or too large: Flask answers it (413, 400…)
            payload = environ["wsgi.input"].read(length)
            # Flask reads the same body on a miss.
            environ["wsgi.input"] = io.BytesIO(payload)
        elif method == "GET" and not path.startswith(self.not_kept):
            payload = environ.get("QUERY_STRING", "").encode("latin-1")
        else:
            return None
        try:
            version = self.shared.store.data_version()
        except StoreError:
            return None
        return "\0".join(
            (
                method,
                path,
                hashlib.sha256(payload).hexdigest(),
                str(version),
                dt.date.today().isoformat(),
                environ.get("HTTP_ACCEPT_ENCODING", ""),
                environ.get("HTTP_ACCEPT", ""),
                # Some answers name the site (catalogue.jsonld's absolute URLs): one Host header
                # must never get an answer made for another.
                environ.get("wsgi.url_scheme", ""),
                environ.get("HTTP_HOST", ""),
            )
        )

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        key = self.key(environ)
        kept = self.answers.get(key) if key else None
        if kept is not None:
            body, status, headers, _ = self.answers.polished(key, kept)
            if any(name in environ for name in CONDITIONAL):
                response = Response(body, status, headers).make_conditional(environ)
                return response(environ, start_response)
            start_response(status, list(headers))
            return [body]
        if key is None:
            return self.app(environ, start_response)
        sent: list = []

        def recording(status: str, headers: list, exc_info=None):
            sent[:] = [status, headers]
            return start_response(status, headers, exc_info)

        answer = self.app(environ, recording)
        if not environ.get(KEEP):
            return answer
        try:
            body = b"".join(answer)
        finally:
            if hasattr(answer, "close"):
                answer.close()
        status, headers = sent
        self.answers.put(
            key, body, [(n, v) for n, v in headers if n.lower() != "set-cookie"], status
        )
        return [body]
