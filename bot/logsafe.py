"""No log line ever contains the bot token: a filter on every handler redacts it everywhere
(messages, arguments, exception texts of PTB and httpx, whose request URLs carry it)."""

from __future__ import annotations

import logging

REDACTED = "<token>"


class RedactToken(logging.Filter):
    """Replaces the token (and its secret part) in a record before any handler writes it."""

    def __init__(self, token: str) -> None:
        super().__init__()
        secret = token.split(":", 1)[-1]
        self.secrets = [s for s in (token, secret) if len(s) >= 8]

    def redact(self, text: str) -> str:
        """The text with every occurrence of the token replaced."""
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self.redact(record.getMessage())
        record.args = None
        if record.exc_info:
            record.exc_text = self.redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def install(token: str) -> RedactToken:
    """Put the filter on every handler of the root logger (set up before)."""
    redact = RedactToken(token)
    for handler in logging.getLogger().handlers:
        handler.addFilter(redact)
    return redact
