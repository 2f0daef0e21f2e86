"""The deliverer: sends what the outbox owes, in order per chat, and records how it went.

Actions write messages as outbox rows in the transaction that decides them; after COMMIT they
(and the ticker, and the start-up) ask the deliverer to flush. A row is marked sent, with
Telegram's message id, in its own transaction right after Telegram answered. What a kill can
still do: send again the one message that was in flight (Telegram had it, the record did not),
never lose one.

- 429 (after the rate limiter's own retries): the chat waits until Telegram's retry_after.
- 403: the person blocked the bot or never opened it; recorded once, never retried. For the
  team's principal (term offers, merge questions, the report), the rows are held instead and
  the group gets ONE short line with a button that opens the private chat; the held rows go
  out once the principal writes to the bot. A group that refuses (the bot was removed) is
  parked instead: its rows stay pending, in order, and go out when the bot is back
  (my_chat_member, or any update from that group).
- 400: Telegram refuses the message itself; recorded once as failed and reported to the
  team's principal, never retried.
- Timeouts, network and server errors: retried with a growing pause, at most MAX_ATTEMPTS
  times, then failed and reported.
A chat with a waiting row gets nothing newer until that row is settled: order per chat holds.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.constants import MessageLimit
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter, TelegramError

from core.effects import Buttons, Document, Effect, Notice, Photo, Tap, Text
from core.textsplit import CAPTION_LIMIT, split_html, utf16_len
from prompts import Texts
from storage.queries.outbox import OutboxRow
from storage.store import Store, Tx

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
FIRST_PAUSE = timedelta(seconds=30)
# Failure reports to the principal are themselves never reported.
FAILURE_BATCH = "delivery-failure"

Renderer = Callable[[Photo], Awaitable[Effect]]


def markup(buttons: Buttons) -> InlineKeyboardMarkup | None:
    """Inline keyboard for the effect's buttons."""
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(b.label, callback_data=b.data)
                if isinstance(b, Tap)
                else InlineKeyboardButton(b.label, url=b.url)
                for b in row
            ]
            for row in buttons
        ]
    )


def chunks(text: str, limit: int = MessageLimit.MAX_TEXT_LENGTH) -> list[str]:
    """Split a long HTML text into messages Telegram accepts (UTF-16 units, never inside a tag
    or an entity; an open tag is closed and opened again)."""
    return split_html(text, limit)


class _Wait(Exception):
    """The row must wait (429, or a failure worth retrying)."""

    def __init__(self, until: timedelta | None, error: str) -> None:
        super().__init__(error)
        self.until = until
        self.error = error


class Deliverer:
    """One per process: flushes the outbox; a flush asked for while one runs joins it."""

    def __init__(
        self,
        store: Store,
        texts: Texts,
        clock: Callable[[], datetime],
        render: Renderer | None = None,
    ) -> None:
        self.store = store
        self.texts = texts
        self.clock = clock
        self.render = render
        self.bot: Bot | None = None
        # Told (with the team's id) when rows start waiting for the principal's private chat.
        self.on_hold: Callable[[int], Awaitable[None]] | None = None
        self._lock = asyncio.Lock()
        self._dirty = False
        self._gone: set[int] = set()

    async def flush(self) -> int:
        """Send every pending row that may go now; returns how many were settled.

        When a flush is already running, it picks up the new rows before it ends.
        """
        self._dirty = True
        if self._lock.locked() or self.bot is None:
            return 0
        settled = 0
        async with self._lock:
            # People who answered 403 in this flush: the rest of their rows is not tried.
            self._gone = set()
            while self._dirty:
                self._dirty = False
                while True:
                    async with self.store.tx() as tx:
                        now = self.clock()
                        rows = await tx.pending_outbox(now)
                        waiting = await tx.waiting_chats(now) | await tx.parked_chats()
                    done = 0
                    for row in rows:
                        if row.effect.chat_id in waiting:
                            continue
                        if not await self._deliver_row(row):
                            waiting.add(row.effect.chat_id)
                        done += 1
                    settled += done
                    if done == 0:
                        break  # nothing left that may go now (rows sent may have owed more)
        return settled

    async def _deliver_row(self, row: OutboxRow) -> bool:
        """Deliver one row and record it; False when the row has to wait."""
        assert self.bot is not None
        effect = row.effect
        status, message_id, error = "sent", None, None
        try:
            if effect.chat_id in self._gone:
                raise Forbidden("Forbidden: already refused in this delivery")
            sent = await self._send(effect, row.id)
            if sent is None:
                status = "skipped"
            else:
                message_id = sent.message_id
        except Forbidden as exc:
            if effect.chat_id < 0:
                # The bot is not in this group (removed): nothing is lost, it waits.
                async with self.store.tx() as tx:
                    await tx.park_chat(effect.chat_id, str(exc))
                log.info("group %s refuses the bot; its messages wait: %s", effect.chat_id, exc)
                return False
            status, error = "unreachable", str(exc)
            if effect.chat_id > 0:
                self._gone.add(effect.chat_id)
                if await self._hold_for_principal(row):
                    return False
        except ChatMigrated as exc:
            async with self.store.tx() as tx:
                await tx.migrate_chat(effect.chat_id, exc.new_chat_id)
            return False
        except RetryAfter as exc:
            return await self._wait(row, _Wait(_seconds(exc.retry_after), str(exc)))
        except BadRequest as exc:
            status, error = "failed", str(exc)
        except _Wait as exc:
            return await self._wait(row, exc)
        except (TelegramError, OSError) as exc:
            return await self._wait(row, _Wait(None, f"{type(exc).__name__}: {exc}"))
        except Exception as exc:
            log.exception("outbox row %s could not be delivered", row.id)
            return await self._wait(row, _Wait(None, f"{type(exc).__name__}: {exc}"))
        async with self.store.tx() as tx:
            await tx.settle(row.id, status, message_id, error)
            if message_id is not None and isinstance(effect, Text) and effect.living:
                await tx.set_living_message(effect.chat_id, effect.living, message_id)
            if status == "unreachable" and effect.chat_id > 0:
                await tx.mark_blocked([effect.chat_id])
            if status == "failed":
                await self._report(tx, row)
        if status == "failed":
            log.warning("outbox row %s refused by Telegram: %s", row.id, error)
        return True

    async def _hold_for_principal(self, row: OutboxRow) -> bool:
        """A row for the team's principal, who has no private chat yet: it waits for them, and
        the group is asked once to open it (on_hold). True when held."""
        if row.team_id is None:
            return False
        async with self.store.tx() as tx:
            team = await tx.team(row.team_id)
            if row.effect.chat_id != team.principal_user_id:
                return False
            first = not await tx.holds_for(team.principal_user_id)
            # A batch with its own notice already tells the group how to get it.
            told = row.effect.batch is not None and await tx.batch_has_notice(row.effect.batch)
            await tx.hold_for_chat(row.id)
        log.info("outbox row %s held until the principal opens the private chat", row.id)
        if first and not told and self.on_hold is not None:
            await self.on_hold(team.id)
        return True

    async def _wait(self, row: OutboxRow, wait: _Wait) -> bool:
        """Let the row wait; after MAX_ATTEMPTS it fails for good and is reported."""
        now = self.clock()
        pause = wait.until if wait.until is not None else FIRST_PAUSE * (2**row.attempts)
        async with self.store.tx() as tx:
            attempts = await tx.retry_later(row.id, now + pause, wait.error)
            if wait.until is None and attempts >= MAX_ATTEMPTS:
                await tx.settle(row.id, "failed", None, wait.error)
                await self._report(tx, row)
                log.error("outbox row %s given up after %s attempts", row.id, attempts)
                return True
        log.info("outbox row %s waits %s: %s", row.id, pause, wait.error)
        return False

    async def _report(self, tx: Tx, row: OutboxRow) -> None:
        """Tell the team's principal, in private, that a message could not be delivered."""
        if row.team_id is None or row.effect.batch == FAILURE_BATCH:
            return
        team = await tx.team(row.team_id)
        text = self.texts.t("err.delivery_failed", team.language.value)
        await tx.enqueue(Text(team.principal_user_id, text, batch=FAILURE_BATCH), team.id)

    async def _send(self, effect: Effect, row_id: int) -> Message | None:
        """The Bot API calls for one effect; None when there was nothing to send."""
        assert self.bot is not None
        bot = self.bot
        if isinstance(effect, Text):
            return await self._text(bot, effect)
        if isinstance(effect, Photo):
            if effect.render is not None:
                if self.render is None:
                    raise RuntimeError("no renderer for " + effect.render)
                drawn = await self.render(effect)
                if not isinstance(drawn, Photo):
                    return await self._send(drawn, row_id)
                effect = drawn
            caption = effect.caption or None
            keyboard = markup(effect.buttons)
            if caption is not None and utf16_len(caption) > CAPTION_LIMIT:
                # Too long for a caption (Telegram would refuse the picture): the picture
                # goes alone (with its buttons), the text right after it.
                photo = await bot.send_photo(
                    effect.chat_id, effect.data or b"", reply_markup=keyboard
                )
                for part in chunks(caption):
                    await bot.send_message(effect.chat_id, part)
                return photo
            return await bot.send_photo(
                effect.chat_id, effect.data or b"", caption=caption, reply_markup=keyboard
            )
        if isinstance(effect, Document):
            return await bot.send_document(effect.chat_id, effect.data, filename=effect.filename)
        return await self._notice(bot, effect, row_id)

    async def _text(self, bot: Bot, effect: Text) -> Message | None:
        parts = chunks(effect.text)
        keyboard = markup(effect.buttons)
        if effect.living and not effect.fresh and len(parts) == 1:
            async with self.store.tx() as tx:
                message_id = await tx.living_message(effect.chat_id, effect.living)
            if message_id is not None:
                try:
                    edited = await bot.edit_message_text(
                        parts[0], chat_id=effect.chat_id, message_id=message_id,
                        reply_markup=keyboard,
                    )  # fmt: skip
                    return edited if isinstance(edited, Message) else None
                except BadRequest as exc:
                    if "not modified" in exc.message.lower():
                        return _Known(message_id)  # type: ignore[return-value]
                    if "not found" not in exc.message.lower():
                        raise
                    # The living message was deleted: a new one takes its place.
        last: Message | None = None
        for index, part in enumerate(parts):
            last = await bot.send_message(
                effect.chat_id, part, reply_markup=keyboard if index == len(parts) - 1 else None
            )
        return last

    async def _notice(self, bot: Bot, notice: Notice, row_id: int) -> Message | None:
        async with self.store.tx() as tx:
            pending, unreachable = await tx.batch_counts(notice.batch, row_id)
        count = unreachable + notice.blocked
        if pending:
            # Some of the batch still waits for a retry: count them once they are settled.
            raise _Wait(FIRST_PAUSE, "batch not settled yet")
        if count == 0:
            return None
        text = self.texts.t(notice.key, notice.lang, **{**notice.fields, "count": count})
        return await bot.send_message(notice.chat_id, text, reply_markup=markup(notice.buttons))


class _Known:
    """A living message that already shows this text: sent, under its known id."""

    def __init__(self, message_id: int) -> None:
        self.message_id = message_id


def _seconds(value: int | timedelta) -> timedelta:
    return value if isinstance(value, timedelta) else timedelta(seconds=value)
