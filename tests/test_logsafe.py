"""No log line contains the bot token, also not in exception texts."""

from __future__ import annotations

import io
import logging

from bot.logsafe import RedactToken

TOKEN = "123456:ABC-secret-token-value"


def test_token_is_redacted_in_messages_arguments_and_exceptions() -> None:
    """A message, an argument and a traceback that carry the token show <token> instead."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactToken(TOKEN))
    logger = logging.getLogger("test.logsafe")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("GET https://api.telegram.org/bot%s/getMe", TOKEN)
        try:
            raise RuntimeError(f"The token `{TOKEN}` was rejected by the server.")
        except RuntimeError:
            logger.exception("start-up failed")
    finally:
        logger.removeHandler(handler)
    written = stream.getvalue()
    assert "<token>" in written and "getMe" in written and "start-up failed" in written
    assert TOKEN not in written and "ABC-secret-token-value" not in written
