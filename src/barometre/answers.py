"""Whole answers of callbacks and API calls kept in each worker's memory, per data version and day.

The Baromètre's callbacks and API answers are pure functions of the request (its body or query),
of the published data (``data_version``) and of the day: the same request gets the same bytes. The
data layer is already memoized (``Services.memoized``, shared by workers), but rebuilding and
serializing a page's component tree still costs tens of milliseconds; an answer served from here
costs well under one, which is what keeps a traffic spike's p99 low. The entry is keyed by the
data version, so an ingestion makes every older answer unreachable (they age out of the LRU).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import OrderedDict

import flask

from barometre.services import Services
from barometre.store import StoreError
from barometre.urls import Urls

# Bytes kept per worker: the largest answers (an indicator page's results) weigh a few kilobytes
# compressed, so this holds thousands.
MAX_BYTES = 32 * 1024 * 1024
EXTENSION = "barometre.answers"
KEPT_HEADERS = (
    "Content-Type", "Content-Encoding", "Content-Disposition", "Content-Language", "Vary",
    "Cache-Control", "ETag", "Last-Modified", "Link",
)


class Answers:
    """A bounded LRU of (body, headers) by request key."""

    def __init__(self, max_bytes: int = MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self.entries: OrderedDict[str, tuple[bytes, list[tuple[str, str]]]] = OrderedDict()

    def get(self, key: str) -> tuple[bytes, list[tuple[str, str]]] | None:
        """Return the kept answer for ``key``, or None."""
        entry = self.entries.get(key)
        if entry is not None:
            self.entries.move_to_end(key)
        return entry

    def put(self, key: str, body: bytes, headers: list[tuple[str, str]]) -> None:
        """Keep an answer, dropping the least recently used ones beyond ``max_bytes``."""
        if len(body) > self.max_bytes // 8 or key in self.entries:
            return
        self.entries[key] = (body, headers)
        self.size += len(body)
        while self.size > self.max_bytes:
            _, (old, _) = self.entries.popitem(last=False)
            self.size -= len(old)


def register(server: flask.Flask, shared: Services) -> None:
    """Answer repeated callback and API requests of ``server`` from memory.

    Register it before the compression (static.register): Flask runs after-request functions in
    reverse order, so the answer kept is the compressed one.
    """
    urls = Urls(shared.settings.url_prefix)
    callback_path = urls.path("/_dash-update-component")
    api_prefix = urls.path("/api/v1/")
    answers = Answers()
    server.extensions[EXTENSION] = answers

    def key() -> str | None:
        request = flask.request
        if request.method == "POST" and request.path == callback_path:
            payload = request.get_data(cache=True)
        elif request.method == "GET" and request.path.startswith(api_prefix):
            payload = request.query_string
        else:
            return None
        try:
            version = shared.store.data_version()
        except StoreError:
            return None
        digest = hashlib.sha256(payload).hexdigest()
        encodings = request.headers.get("Accept-Encoding", "")
        accept = request.headers.get("Accept", "")
        return "\0".join(
            (request.method, request.path, digest, str(version), dt.date.today().isoformat(),
             encodings, accept)
        )

    @server.before_request
    def answer_from_memory():
        flask.g.answer_key = key()
        if flask.g.answer_key is None:
            return None
        kept = answers.get(flask.g.answer_key)
        if kept is None:
            return None
        flask.g.answer_key = None  # nothing to keep again
        body, headers = kept
        return flask.Response(body, headers=headers).make_conditional(flask.request)

    @server.after_request
    def keep_answer(response: flask.Response) -> flask.Response:
        answer_key = flask.g.pop("answer_key", None)
        if answer_key and response.status_code == 200 and not response.is_streamed:
            headers = [(name, response.headers[name]) for name in KEPT_HEADERS
                       if name in response.headers]
            answers.put(answer_key, response.get_data(), headers)
        return response
