"""Logging set-up: ids and outcomes only; answer text, names and payloads never reach a log."""

from __future__ import annotations

import json
import logging
import re
import traceback
from datetime import UTC, datetime
from typing import TextIO

# Slack and Teams ids are safe to log; tokens are not. A token that slips into a message
# (an SDK error quoting a request, say) is masked before it is written.
_SECRET = re.compile(r"(xox[abpr]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+|Bearer\s+\S+)")
# Our own code logs ids and outcomes; everything else may quote what it sent or received.
OWN = ("bot", "adapters", "scheduler", "prompts", "bench")
# The SDKs log request and response bodies (message text, answers) at DEBUG and INFO, and
# slack-bolt logs a badly signed request's whole body at INFO: they speak from WARNING up.
SDK_LOGGERS = ("slack_bolt", "slack_sdk", "microsoft_agents", "msal", "aiohttp", "apscheduler")
WITHHELD = "(details withheld: third-party log text may quote a request)"


def _is_own(name: str) -> bool:
    return name == "root" or name.split(".")[0] in OWN


def _where(exc: BaseException) -> str:
    # The innermost frame of our own code: enough to find the bug, no values.
    frames = traceback.extract_tb(exc.__traceback__)
    own = [f for f in frames if any(f"/{p}/" in f.filename for p in OWN)] or frames
    if not own:
        return ""
    return f" at {'/'.join(own[-1].filename.split('/')[-2:])}:{own[-1].lineno}"


class PrivacyFilter(logging.Filter):
    """Make every record safe to write.

    Secrets are masked; a traceback becomes its exception type and the line it came from
    (exception text can quote a payload); a third-party record keeps only its fixed message
    template, never the values interpolated into it. The record is never dropped.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite ``record`` in place; always keep it."""
        if record.exc_info and record.exc_info[1] is not None:
            exc = record.exc_info[1]
            record.msg = f"{record.getMessage()} [{type(exc).__name__}{_where(exc)}]"
            record.args, record.exc_info, record.exc_text = None, None, None
        if not _is_own(record.name):
            template = record.msg if isinstance(record.msg, str) and record.args else None
            record.msg = f"{template} {WITHHELD}" if template else WITHHELD
            record.args = None
        message = record.getMessage()
        masked = _SECRET.sub("[redacted]", message)
        if masked != message:
            record.msg, record.args = masked, None
        record.stack_info = None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ``time``, ``level``, ``logger`` and ``message``.

    The message is the one the privacy filter made safe; nothing else of the record (its
    arguments, a traceback) is written.
    """

    def format(self, record: logging.LogRecord) -> str:
        """Return the record as one line of JSON."""
        moment = datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")
        return json.dumps(
            {
                "time": moment,
                "level": record.levelname,
                "logger": record.name,
                "message": record.getMessage(),
            },
            ensure_ascii=False,
        )


def formatter(log_format: str = "text") -> logging.Formatter:
    """Return the formatter of ``REFLECTIEBOT_LOG_FORMAT``: ``text`` or ``json``."""
    if log_format == "json":
        return JsonFormatter()
    return logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")


def setup_logging(
    level: str = "INFO", log_format: str = "text", stream: TextIO | None = None
) -> logging.Handler:
    """Log to ``stream`` (stderr) through the privacy filter, as text or JSON lines.

    Our loggers follow ``level``; the SDKs' loggers never go below WARNING, whatever it is.

    Returns:
        The handler, which replaced every other handler of the root logger.
    """
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter(log_format))
    handler.addFilter(PrivacyFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in SDK_LOGGERS:
        sdk = logging.getLogger(name)
        sdk.setLevel(max(logging.WARNING, logging.getLevelName(level)))
    return handler
