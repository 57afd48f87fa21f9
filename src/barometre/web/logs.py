"""Logs as JSON lines, one object a line, for gunicorn's error log and the application's logs.

No personal data: the access lines (``AccessLogger``) leave out the address and the user agent,
and nothing here adds them. A message that is itself a JSON object (errors.py logs
its events that way) is merged into the line instead of being quoted inside it.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from gunicorn.glogging import Logger

# gunicorn writes the client's address in some of its own messages (« Invalid request from
# ip=… »): an IP address is personal data, masked in every line.
ADDRESS = re.compile(
    r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w.])"  # IPv4
    r"|(?<![\w:])(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}(?![\w:])"  # IPv6, full
    r"|(?<![\w:])(?:[0-9A-Fa-f]{1,4}:){1,6}:(?:[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4})*)?"  # ::
    r"|(?<![\w:])::(?:[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4})*)?(?![\w:])"
)
MASKED_ADDRESS = "[adresse masquée]"


def without_addresses(text: str) -> str:
    """Return ``text`` with every IPv4 and IPv6 address replaced by « [adresse masquée] »."""
    return ADDRESS.sub(MASKED_ADDRESS, text)


class JsonFormatter(logging.Formatter):
    """Format a record as one JSON object: time, level, logger, message, traceback."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict = {
            "horodatage": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "niveau": record.levelname,
            "journal": record.name,
        }
        message = without_addresses(record.getMessage())
        try:
            event = json.loads(message) if message.startswith("{") else None
        except ValueError:
            event = None
        if isinstance(event, dict):
            line.update(event)
        else:
            line["message"] = message
        if record.exc_info:
            line["trace"] = without_addresses(self.formatException(record.exc_info))
        return json.dumps(line, ensure_ascii=False)


class AccessLogger(Logger):
    """gunicorn's logger, whose access line is built from the six fields it holds.

    gunicorn's own ``access`` first gathers an « atom » for every header and WSGI variable, for
    any format: a large share of the CPU a cached answer costs a worker
    (docs/performance.md). The line is the same JSON object, escaped by ``json.dumps``.
    """

    def access(self, resp, req, environ, request_time) -> None:
        """Log one answered request as a JSON line: time, method, path, status, bytes, duration."""
        if not self.access_log_enabled:
            return
        status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) else resp.status
        line = {
            "heure": self.now(),
            "methode": environ.get("REQUEST_METHOD"),
            "chemin": environ.get("PATH_INFO"),
            "statut": int(status),
            "octets": str(getattr(resp, "sent", None)),
            "duree_us": request_time.seconds * 1_000_000 + request_time.microseconds,
        }
        self.access_log.info(json.dumps(line, ensure_ascii=False))


def gunicorn_logging() -> dict:
    """Return gunicorn's ``logconfig_dict``: JSON error/app logs on stderr, access log as is."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {"()": JsonFormatter},
            # The access lines are already JSON (AccessLogger).
            "access": {"format": "%(message)s"},
        },
        "handlers": {
            "error": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            },
            "access": {
                "class": "logging.StreamHandler",
                "formatter": "access",
                "stream": "ext://sys.stdout",
            },
        },
        "root": {"level": "INFO", "handlers": ["error"]},
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["error"], "propagate": False},
            "gunicorn.access": {"level": "INFO", "handlers": ["access"], "propagate": False},
        },
    }


@contextmanager
def json_on_stderr(name: str = "barometre") -> Iterator[None]:
    """Write the warnings and errors of logger ``name`` to stderr as JSON lines during the block.

    For the commands: cron and systemd keep stderr, so an operator finds the event in the journal
    next to the French message. The handler is removed afterwards (tests run many commands).
    """
    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(logging.WARNING)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger(name)
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
