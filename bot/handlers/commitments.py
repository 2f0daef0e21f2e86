"""Thin adapters for agreed next steps: their buttons and the typed parts, in private."""

from __future__ import annotations

import contextlib

from telegram import Message, Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot import callbacks
from bot.actions import commitments
from bot.context import Services


class CommitmentHandlers:
    """Making a commitment, agreeing to one, answering its check-in."""

    def __init__(self, services: Services) -> None:
        self.s = services

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A commitment button: the action answers through the outbox; an old one says so."""
        query = update.callback_query
        assert query is not None
        tap = callbacks.decode_commitment(query.data)
        if tap is None:
            await query.answer(self.s.texts.plain("err.stale", self.s.settings.language.value))
            return
        toast = await commitments.tap(self.s, query.from_user.id, tap)
        await query.answer(toast)
        if toast is None and isinstance(query.message, Message):
            # Answered: the buttons of the tapped message are used up.
            with contextlib.suppress(TelegramError):
                await query.message.edit_reply_markup(None)

    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
        """A typed part of a commitment; False when the person types for none."""
        message, user = update.effective_message, update.effective_user
        if message is None or user is None:
            return False
        return await commitments.text(self.s, user.id, message.text or "")
