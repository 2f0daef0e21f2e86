"""Shared plumbing of the thin Telegram adapters: services, keyboards, sending screens."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.constants import MessageLimit
from telegram.error import BadRequest, Forbidden, TelegramError

from bot import callbacks
from bot.config import Settings
from bot.dialogs import router, sharing
from bot.dialogs.base import Button, Ctx, Outcome, Screen
from bot.dialogs.team import announce_text
from core.model import Member, Round, Team
from core.protocol import Step
from prompts import Html, Texts
from storage.store import Store

log = logging.getLogger(__name__)

# Admin statuses in Telegram's getChatMember answer.
ADMIN_STATUSES = {"creator", "administrator"}
MEMBER_STATUSES = {"creator", "administrator", "member", "restricted"}
# Telegram's helper account that stands in for anonymous group admins.
ANONYMOUS_ADMIN_ID = 1087968824


@dataclass
class Services:
    """What every handler needs, built once at start."""

    settings: Settings
    store: Store
    texts: Texts

    def timezone(self, team: Team) -> str:
        """The team's time zone name: its own setting, else the bot's default."""
        return team.timezone or self.settings.timezone


async def run_action(
    services: Services,
    member_id: int,
    action: str,
    *,
    text: str = "",
    arg: str = "",
    seq: int | None = None,
    user_id: int | None = None,
) -> tuple[Member, Outcome] | None:
    """One member action in one transaction; None when the member or the button is stale, or
    (given user_id) the membership is not this person's.

    `action` is "text" (a typed message), "resume" (show the current screen again) or a
    button action. The new screen number is stored in the same transaction.
    """
    async with services.store.tx() as tx:
        member = await tx.member(member_id)
        if member is None or (seq is not None and seq != member.screen_seq):
            return None
        if user_id is not None and member.user_id != user_id:
            return None
        round_ = await tx.round(member.round_id)
        team = await tx.team(round_.team_id)
        ctx = Ctx(tx, services.texts, team, round_, member)
        if action == "text":
            outcome: Outcome | None = await router.on_text(ctx, text)
        elif action == "resume":
            outcome = Outcome([await router.current_screen(ctx)])
        else:
            outcome = await router.on_button(ctx, action, arg)
        if outcome is None:
            return None
        outcome.seq = await tx.bump_screen(member.id)
        return ctx.member, outcome


async def run_link(services: Services, member_id: int, text: str) -> tuple[Member, Outcome] | None:
    """/verband for a member, in one transaction."""
    from bot.dialogs import links

    async with services.store.tx() as tx:
        member = await tx.member(member_id)
        if member is None:
            return None
        round_ = await tx.round(member.round_id)
        team = await tx.team(round_.team_id)
        ctx = Ctx(tx, services.texts, team, round_, member)
        outcome = await links.on_link(ctx, text)
        outcome.seq = await tx.bump_screen(member.id)
        return ctx.member, outcome


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


def _cut(line: str, limit: int) -> tuple[str, str]:
    """Cut a too-long line at the limit without splitting an HTML entity like &amp;."""
    head = line[:limit]
    amp = head.rfind("&")
    if amp != -1 and ";" not in head[amp:]:
        head = head[:amp]
    return head, line[len(head) :]


def chunks(text: str, limit: int = MessageLimit.MAX_TEXT_LENGTH) -> list[str]:
    """Split a long HTML text at line breaks into messages Telegram accepts."""
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        pieces = []
        while len(line) > limit:
            head, line = _cut(line, limit)
            pieces.append(head)
        pieces.append(line)
        for piece in pieces:
            candidate = f"{current}\n{piece}" if current else piece
            if len(candidate) > limit and current:
                parts.append(current)
                current = piece
            else:
                current = candidate
    if current.strip():
        parts.append(current)
    return parts


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


@dataclass
class Outbox:
    """The sends of one planned action; each is recorded, so a resumed action skips it.

    Without a planned row (a command typed now) it simply sends. What can still go out twice
    is the message during which the process died, between Telegram's answer and the record
    (all parts of it, when a long text was split): at most one per interruption.
    """

    store: Store
    planned_id: int | None = None
    _sent: set[str] | None = None

    async def pending(self, key: str) -> bool:
        """True when this message has not gone out yet."""
        if self.planned_id is None:
            return True
        if self._sent is None:
            async with self.store.tx() as tx:
                self._sent = await tx.sent_keys(self.planned_id)
        return key not in self._sent

    async def record(self, key: str) -> None:
        """Note that this message went out (or Telegram refused it for good)."""
        if self.planned_id is None:
            return
        async with self.store.tx() as tx:
            await tx.record_sent(self.planned_id, key)
        if self._sent is not None:
            self._sent.add(key)

    async def once(self, key: str, send: Callable[[], Awaitable[object]]) -> None:
        """Run send unless it went out before under this key, then record it."""
        if await self.pending(key):
            await send()
            await self.record(key)

    async def text(
        self,
        bot: Bot,
        chat_id: int,
        text: Html,
        key: str,
        markup: InlineKeyboardMarkup | None = None,
    ) -> bool | None:
        """Send once: True when sent, False when the person cannot be reached, None if it
        went out before."""
        full_key = f"{chat_id}:{key}"
        if not await self.pending(full_key):
            return None
        sent = await send_text(bot, chat_id, text, markup) is not None
        await self.record(full_key)
        return sent

    async def to_people(self, bot: Bot, user_ids: list[int], text: Html, key: str) -> int:
        """Send text to each person once, never to whoever blocked the bot (Telegram would
        only answer 403 again); a new 403 is recorded. Returns how many cannot be reached."""
        async with self.store.tx() as tx:
            blocked = await tx.blocked(user_ids)
        unreachable = len(blocked)
        for user_id in user_ids:
            if user_id in blocked:
                continue
            if await self.text(bot, user_id, text, key) is False:
                unreachable += 1
                async with self.store.tx() as tx:
                    await tx.mark_blocked([user_id])
        return unreachable


def join_markup(texts: Texts, team: Team, round_: Round, bot_username: str) -> InlineKeyboardMarkup:
    """The button under the round's announcement that opens the private chat via a deep link."""
    url = f"https://t.me/{bot_username}?start={round_.token}"
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(texts.plain("btn.join", team.language.value), url=url)]]
    )


async def share_intro(bot: Bot, services: Services, round_id: int, *, force: bool) -> None:
    """Post step 1's answers to the group once everyone answered, or when the principal moves on.

    When forced after an earlier share, members who joined later are added as an addendum.
    """
    async with services.store.tx() as tx:
        round_ = await tx.round(round_id)
        team = await tx.team(round_.team_id)
        if round_.intro_posted_at is not None:
            if not force:
                return
            text = await sharing.intro_summary(tx, services.texts, team, round_, late_only=True)
        elif force or await sharing.everyone_past_intro(tx, round_):
            text = await sharing.intro_summary(tx, services.texts, team, round_)
        else:
            return
        if text is None or not await tx.members(round_id):
            return
        await tx.mark_intro_posted(round_id)
    await send_text(bot, team.chat_id, text)


async def refresh_progress(bot: Bot, services: Services, round_id: int) -> None:
    """Update the counts in the round's announcement; say so when everyone is done."""
    async with services.store.tx() as tx:
        round_ = await tx.round(round_id)
        team = await tx.team(round_.team_id)
        progress = await tx.progress(round_id)
    if round_.progress_message_id is None:
        return
    all_done = progress.joined > 0 and progress.finished == progress.joined
    if all_done and round_.step == Step.BRAINSTORM.value:
        await send_text(
            bot,
            team.chat_id,
            services.texts.t(
                "group.all_done",
                team.language.value,
                finished=progress.finished,
                joined=progress.joined,
            ),
        )
    text = announce_text(services.texts, team, round_, progress)
    try:
        await bot.edit_message_text(
            text,
            chat_id=team.chat_id,
            message_id=round_.progress_message_id,
            reply_markup=join_markup(services.texts, team, round_, bot.username),
        )
    except BadRequest as exc:
        # "message is not modified" is fine; a deleted announcement is not worth failing over.
        log.debug("progress not updated: %s", exc)
    except TelegramError as exc:
        log.warning("progress not updated: %s", exc)
