"""Thin adapter for the map in words: a tap under a map, a page or a partner, in private."""

from __future__ import annotations

import logging

from telegram import Message, Update
from telegram.error import Forbidden
from telegram.ext import ContextTypes

from bot import access, callbacks
from bot.actions import mapwords
from bot.context import Services
from bot.dialogs.base import Button

from ..replies import replace_screen, send_screens

log = logging.getLogger(__name__)


class WordsHandlers:
    """The map as text, for phones and screen readers."""

    def __init__(self, services: Services) -> None:
        self.s = services

    async def on_tap(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Shows the map in words in the person's private chat: a tap under a picture sends the
        list, a page or a partner edits the tapped message in place."""
        query, user = update.callback_query, update.effective_user
        assert query is not None and user is not None
        tap = callbacks.decode(query.data)
        default = self.s.settings.language.value
        team = (
            await mapwords.team_of(self.s, tap.round_id)
            if isinstance(tap, callbacks.WordsTap)
            else None
        )
        if not isinstance(tap, callbacks.WordsTap) or team is None:
            await query.answer(self.s.texts.plain("err.stale", default))
            return
        lang = team.language.value
        present = await access.still_in_group(self.s, context.bot, team, user.id)
        answer = await mapwords.tap(
            self.s, team, tap.round_id, user.id, bool(present), tap.action, tap.arg
        )
        if not answer.screens:
            await query.answer(self.s.texts.plain(answer.toast or "err.stale", lang))
            return

        def encode(button: Button) -> str:
            return callbacks.words(tap.round_id, button.action, button.arg)

        message = query.message if isinstance(query.message, Message) else None
        private = message is not None and message.chat.type == "private"
        edit = answer.in_place and private and message is not None and len(answer.screens) == 1
        if (
            edit
            and message is not None
            and await replace_screen(context.bot, message, answer.screens[0], 0, 0, encode)
        ):
            await query.answer(self.s.texts.plain(answer.toast, lang) if answer.toast else None)
            return
        try:
            await send_screens(context.bot, user.id, answer.screens, 0, 0, encode)
        except Forbidden:
            await query.answer(self.s.texts.plain("words.open_private", lang), show_alert=True)
            return
        toast = answer.toast or (None if private else "words.sent_private")
        await query.answer(self.s.texts.plain(toast, lang) if toast else None)
