"""Logs as JSON lines, one object a line, for gunicorn's error log and the application's logs.

No personal data: the access log format (cli.ACCESS_LOG_FORMAT) leaves out the address and the
user agent, and nothing here adds them. A message that is itself a JSON object (errors.py logs
its events that way) is merged into the line instead of being quoted inside it.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager


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
        message = record.getMessage()
        try:
            event = json.loads(message) if message.startswith("{") else None
        except ValueError:
            event = None
        if isinstance(event, dict):
            line.update(event)
        else:
            line["message"] = message
        if record.exc_info:
            line["trace"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def gunicorn_logging() -> dict:
    """Return gunicorn's ``logconfig_dict``: JSON error/app logs on stderr, access log as is."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {"()": JsonFormatter},
            # The access lines are already JSON (cli.ACCESS_LOG_FORMAT).
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
