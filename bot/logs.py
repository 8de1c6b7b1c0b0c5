"""Where log lines go and how they look: plain text, or JSON lines with
``COPBOT_LOG_FORMAT=json`` (one object per line: time, level, logger, message, any fields a
call passes with ``extra=`` such as ``error_ref``, and the traceback as ``exc_info``)."""

from __future__ import annotations

import logging
import sys
from typing import TextIO

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def log_formatter(log_format: str) -> logging.Formatter:
    if log_format == "json":
        from pythonjsonlogger.json import JsonFormatter  # only for JSON logs

        return JsonFormatter("{asctime}{levelname}{name}{message}", style="{",
                             rename_fields={"asctime": "time", "levelname": "level",
                                            "name": "logger"},
                             json_ensure_ascii=False)
    return logging.Formatter(TEXT_FORMAT)


def log_handler(log_format: str, stream: TextIO | None = None) -> logging.Handler:
    """A handler writing to ``stream`` (standard error by default) in ``log_format``."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(log_formatter(log_format))
    return handler


def configure_logging(level: str, log_format: str) -> None:
    """Send every log line to standard error, as text or as JSON lines."""
    logging.basicConfig(level=level.upper(), handlers=[log_handler(log_format)], force=True)
