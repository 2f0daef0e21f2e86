"""Direct replies to the person acting: screens with keyboards, texts split to fit.

Everything else the bot sends (to the group, to other people, later) goes through the outbox
(bot/delivery.py); a direct reply that a kill cuts off is repaired by the person repeating
what they did, which shows the same screen again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.error import BadRequest, Forbidden, TelegramError

from bot import callbacks
from bot.dialogs.base import Button, Screen
from prompts import Html

from .delivery import chunks

log = logging.getLogger(__name__)


def keyboard(
    screen: Screen, member_id: int, seq: int, encode: Callable[[Button], str] | None = None
) -> InlineKeyboardMarkup | None:
    """Turn a screen's buttons into an inline keyboard carrying the screen number."""
    if not screen.rows:
        return None

    def data(button: Button) -> str:
        if encode is not None:
            return encode(button)
        return callbacks.dialog(member_id, seq, button.action, button.arg)

    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(button.label, url=button.url)
                if button.url
                else InlineKeyboardButton(button.label, callback_data=data(button))
                for button in row
            ]
            for row in screen.rows
        ]
    )


async def send_screens(
    bot: Bot,
    chat_id: int,
    screens: list[Screen],
    member_id: int,
    seq: int,
    encode: Callable[[Button], str] | None = None,
) -> Message | None:
    """Send the screens in order; only the last one carries live buttons."""
    last: Message | None = None
    for index, screen in enumerate(screens):
        markup = keyboard(screen, member_id, seq, encode) if index == len(screens) - 1 else None
        parts = chunks(screen.text)
        for part_index, part in enumerate(parts):
            last = await bot.send_message(
                chat_id, part, reply_markup=markup if part_index == len(parts) - 1 else None
            )
    return last


async def replace_screen(
    bot: Bot,
    message: Message,
    screen: Screen,
    member_id: int,
    seq: int,
    encode: Callable[[Button], str] | None = None,
    *,
    live: bool = True,
) -> bool:
    """Edit the tapped message into this screen (its buttons live when `live`); False when it
    cannot be edited (a photo, a text too long for one message, Telegram refused): the caller
    then sends the screen as a new message."""
    parts = chunks(screen.text)
    if message.text is None or len(parts) != 1:
        return False
    markup = keyboard(screen, member_id, seq, encode) if live else None
    try:
        await bot.edit_message_text(
            parts[0], chat_id=message.chat.id, message_id=message.message_id, reply_markup=markup
        )
    except BadRequest as exc:
        if "not modified" in str(exc).lower():
            return True  # a double tap: the message already shows this screen
        log.debug("could not edit message %s: %s", message.message_id, exc)
        return False
    except TelegramError as exc:
        log.debug("could not edit message %s: %s", message.message_id, exc)
        return False
    return True


async def send_text(
    bot: Bot, chat_id: int, text: Html, reply_markup: InlineKeyboardMarkup | None = None
) -> Message | None:
    """Send an HTML text, split when it is long (buttons under the last part); None when the
    person cannot be reached."""
    last: Message | None = None
    try:
        parts = chunks(text)
        for index, part in enumerate(parts):
            markup = reply_markup if index == len(parts) - 1 else None
            last = await bot.send_message(chat_id, part, reply_markup=markup)
    except Forbidden:
        log.info("chat %s cannot be reached (never started or blocked the bot)", chat_id)
        return None
    return last
