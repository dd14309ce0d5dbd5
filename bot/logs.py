"""Logging set-up: ids and outcomes only; answer text, names and payloads never reach a log."""

from __future__ import annotations

import logging
import re

# Slack and Teams ids are safe to log; tokens are not. A token that slips into a message
# (an SDK error quoting a request, say) is masked before it is written.
_SECRET = re.compile(r"(xox[abpr]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+|Bearer\s+\S+)")


class RedactSecrets(logging.Filter):
    """Mask anything that looks like a Slack token or a bearer token in a log record."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's message with secrets masked; never drop the record."""
        message = record.getMessage()
        masked = _SECRET.sub("[redacted]", message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


def setup_logging(level: str = "INFO") -> None:
    """Log to stderr with timestamps; quiet the chattiest third-party loggers."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactSecrets())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("apscheduler.executors.default", "aiohttp.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
