"""Wire the Application: every handler, in order, and the command menus."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from telegram import (
    BotCommand,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    LinkPreviewOptions,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import Forbidden, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    BaseRateLimiter,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest

from core.effects import Effect, Photo
from core.protocol import Typing
from prompts import LANGUAGES, Html, Texts
from storage.store import Store, from_message

from . import access
from .access import ADMIN_STATUSES
from .actions import maps, progress
from .actions.membercheck import PAYLOAD_PREFIX
from .config import Settings
from .context import Services
from .delivery import Deliverer
from .dialogs import help as help_dialog
from .dialogs import mapview
from .dialogs.base import StaleButton
from .handlers.commitments import CommitmentHandlers
from .handlers.group import GroupHandlers
from .handlers.private import PrivateHandlers
from .handlers.survey import SurveyHandlers
from .handlers.words import WordsHandlers
from .jobs import Scheduler
from .replies import send_text

log = logging.getLogger(__name__)

# Command names are Dutch; English aliases work too but are not in the menus.
PRIVATE_COMMANDS = (("start", "start"), ("lijst", "list"), ("verband", "link"),
                    ("bewerk", "edit"), ("rapport", "report"), ("mijngegevens", "mydata"),
                    ("vergeetmij", "forget"), ("gids", "guide"), ("help", "help"))  # fmt: skip
GROUP_COMMANDS = (("status", "status"), ("help", "help"))
ADMIN_COMMANDS = (("start", "start"), ("ronde", "round"), ("status", "status"),
                  ("sluit", "close"), ("prioriteit", "priority"), ("verdiep", "deep"),
                  ("afsluiter", "closing"), ("afronden", "finish"), ("kaart", "map"),
                  ("export", "export"),
                  ("taal", "language"), ("kleurenblind", "colourblind"),
                  ("deadline", "deadline"), ("membercheck", "membercheck"),
                  ("berichturen", "sendhours"), ("vrijedag", "freedays"),
                  ("namen", "names"), ("gids", "guide"),
                  ("help", "help"))  # fmt: skip


# Telegram allows about 30 private messages per second. A bucket of one message refilled 29
# times a second never exceeds that in any one-second window (PTB's default bucket of 30 allows
# bursts of up to 60); per group PTB's 20 per minute stays, so a step's results arrive promptly.
OVERALL_PER_SECOND = 29


def default_rate_limiter() -> AIORateLimiter:
    """Telegram's flood limits, strictly for private messages; 429s are waited out and retried."""
    return AIORateLimiter(
        overall_max_rate=1, overall_time_period=1 / OVERALL_PER_SECOND, max_retries=3
    )


def _rate_limiter(settings: Settings) -> AIORateLimiter:
    """Telegram's limits; without them (a fake server) 429s are still waited out and retried."""
    if settings.flood_limits:
        return default_rate_limiter()
    return AIORateLimiter(overall_max_rate=0, group_max_rate=0, max_retries=3)


def build_application(
    settings: Settings,
    store: Store,
    texts: Texts,
    *,
    request: BaseRequest | None = None,
    rate_limiter: BaseRateLimiter[Any] | None = None,
    clock: Callable[[], datetime] | None = None,
    start_scheduler: bool = False,
) -> Application:  # type: ignore[type-arg]
    """Build the bot; tests pass the fake Telegram as `request`, production passes nothing.

    With start_scheduler the ticker for deadlines and reminders runs; tests drive it by hand.
    """
    builder = (
        Application.builder()
        .token(settings.token)
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .rate_limiter(rate_limiter or _rate_limiter(settings))
        .post_init(_post_init)
        .post_stop(_post_stop)
    )
    if settings.api_url is not None:
        # The layout of Telegram's own server and of telegram-bot-api: /bot<token>/<method>.
        builder = builder.base_url(f"{settings.api_url}/bot").base_file_url(
            f"{settings.api_url}/file/bot"
        )
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    app = builder.build()
    services = Services(settings=settings, store=store, texts=texts)
    if clock is not None:
        services.clock = clock

    async def draw(photo: Photo) -> Effect:
        return await maps.draw(services, photo)

    deliverer = Deliverer(store, texts, services.clock, render=draw)

    async def principal_held(team_id: int) -> None:
        await progress.principal_held(services, team_id)

    deliverer.on_hold = principal_held

    async def flush() -> int:
        return await deliverer.flush()

    services.flush = flush
    app.bot_data["services"] = services
    app.bot_data["deliverer"] = deliverer
    add_handlers(app, services)
    app.bot_data["scheduler"] = Scheduler(services)
    app.bot_data["start_scheduler"] = start_scheduler
    return app


async def start_up(app: Application) -> None:  # type: ignore[type-arg]
    """Once the bot knows itself: deep links get its username, whatever the outbox still owes
    from before a stop or a crash goes out now, and the open rounds' merges are made ready."""
    services: Services = app.bot_data["services"]
    deliverer: Deliverer = app.bot_data["deliverer"]
    services.bot_username = app.bot.username
    services.group_size = functools.partial(access.people_in_group, app.bot)
    deliverer.bot = app.bot
    await deliverer.flush()
    async with services.store.tx() as tx:
        await mapview.warm(tx)


async def _post_init(app: Application) -> None:  # type: ignore[type-arg]
    """Command menus, pending messages, and the scheduler's ticker when asked for."""
    await set_command_menus(app)
    await start_up(app)
    if app.bot_data.get("start_scheduler"):
        app.bot_data["scheduler"].start()


async def _post_stop(app: Application) -> None:  # type: ignore[type-arg]
    """Stop the ticker before the application goes down."""
    app.bot_data["scheduler"].shutdown()


def add_handlers(
    app: Application,  # type: ignore[type-arg]
    services: Services,
) -> None:
    """Register every handler. Order matters: the first matching handler in a group wins."""
    group = GroupHandlers(services)
    private = PrivateHandlers(services)
    survey = SurveyHandlers(services)
    commitments = CommitmentHandlers(services)
    words = WordsHandlers(services)
    in_group = filters.ChatType.GROUPS
    in_private = filters.ChatType.PRIVATE
    # Before any handler: a person active in their private chat is reachable again.
    app.add_handler(TypeHandler(Update, private.note_reachable), group=-1)
    # ... and an update from a group means the bot is in it: what waited for it goes now.
    app.add_handler(TypeHandler(Update, group.seen_group), group=-2)

    # Edited messages never count as new input (nor run a command again): in private they
    # change what the original created, in groups they are ignored.
    app.add_handler(MessageHandler(in_private & filters.UpdateType.EDITED_MESSAGE, private.on_edit))
    app.add_handler(MessageHandler(filters.UpdateType.EDITED, ignore_edit))

    # Group chats: commands of the principal and the team.
    app.add_handler(CommandHandler("start", group.start, filters=in_group))
    app.add_handler(CommandHandler(["ronde", "round"], group.new_round, filters=in_group))
    app.add_handler(CommandHandler("status", group.status, filters=in_group))
    app.add_handler(CommandHandler(["sluit", "close"], group.close, filters=in_group))
    app.add_handler(
        CommandHandler(["prioriteit", "priority"], group.open_priorities, filters=in_group)
    )
    app.add_handler(CommandHandler(["verdiep", "deepen"], group.deep, filters=in_group))
    app.add_handler(CommandHandler(["afsluiter", "closing"], group.closing, filters=in_group))
    app.add_handler(CommandHandler(["afronden", "finish"], group.finish, filters=in_group))
    app.add_handler(CommandHandler("deadline", group.deadline, filters=in_group))
    app.add_handler(CommandHandler("membercheck", survey.command, filters=in_group))
    app.add_handler(CommandHandler(["rapport", "report"], group.report))
    app.add_handler(CommandHandler(["taal", "language"], group.language, filters=in_group))
    app.add_handler(
        CommandHandler(["kleurenblind", "colourblind"], group.colour_blind, filters=in_group)
    )
    app.add_handler(CommandHandler(["namen", "names"], group.names, filters=in_group))
    app.add_handler(
        CommandHandler(["berichturen", "sendhours"], group.send_hours, filters=in_group)
    )
    app.add_handler(CommandHandler(["vrijedag", "freedays"], group.free_days, filters=in_group))
    # The map: in the group for the principal/admins, in private for the principal.
    app.add_handler(CommandHandler(["kaart", "map"], group.show_map))
    app.add_handler(CommandHandler("export", group.export))
    # With privacy mode the bot only sees replies to its own messages: the school's name.
    app.add_handler(MessageHandler(in_group & filters.REPLY & filters.TEXT, group.on_reply))
    app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, group.migrate))
    app.add_handler(ChatMemberHandler(group.added, ChatMemberHandler.MY_CHAT_MEMBER))
    # Someone left, was removed or is back: chat_member (where the bot is admin) or the
    # group's service message.
    app.add_handler(ChatMemberHandler(group.member_changed, ChatMemberHandler.CHAT_MEMBER))
    app.add_handler(
        MessageHandler(
            in_group
            & (filters.StatusUpdate.LEFT_CHAT_MEMBER | filters.StatusUpdate.NEW_CHAT_MEMBERS),
            group.member_changed,
        )
    )

    # Private chats: joining, the member's dialog and their own data.
    survey_link = filters.Regex(rf"^/start(@\w+)? {PAYLOAD_PREFIX}")
    app.add_handler(CommandHandler("start", survey.join, filters=in_private & survey_link))
    app.add_handler(CommandHandler("start", private.start, filters=in_private))
    app.add_handler(CommandHandler(["lijst", "list"], private.my_list, filters=in_private))
    app.add_handler(CommandHandler(["verband", "link"], private.link, filters=in_private))
    app.add_handler(CommandHandler(["bewerk", "edit"], private.edit_map, filters=in_private))
    app.add_handler(CommandHandler(["mijngegevens", "mydata"], private.my_data, filters=in_private))
    app.add_handler(
        CommandHandler(["vergeetmij", "forgetme"], private.forget_me, filters=in_private)
    )
    app.add_handler(CommandHandler("help", help_command))
    app.add_handler(CommandHandler(["gids", "guide"], guide_command))
    app.add_handler(MessageHandler(in_private & filters.COMMAND, private.unknown_command))

    # Which conversation a typed private message is for, in this order (core.protocol.Typing);
    # each handler checks again in its own transaction and returns False when it does not take
    # the text, and the member's own dialog takes what none of them took.
    typed: tuple[tuple[Typing, Callable[..., Awaitable[bool]]], ...] = (
        (Typing.RENAME, private.editor_text),
        (Typing.COMMITMENT, commitments.on_text),
        (Typing.NOTE, private.note_text),
    )

    async def private_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A typed message: for the conversation that waits for it (the map editor's rename, an
        agreed next step, a team note, the member check), else the member's own dialog."""
        message, user = update.effective_message, update.effective_user
        assert message is not None and user is not None
        async with services.store.tx() as tx:
            waiting = await tx.typing_into(user.id)
            member = await tx.active_member(user.id)
        for typing, handler in typed:
            if typing in waiting and await handler(update, context):
                return
        # What the message creates is noted with its id, so an edit of it can change that.
        with from_message(message.chat.id, message.message_id):
            if Typing.SURVEY in waiting and await survey.on_text(update, context):
                return
            await private.act_as(update, context, member, "text", text=message.text or "")

    app.add_handler(MessageHandler(in_private & filters.TEXT, private_text))
    # A facilitator's file: the school's existing map (step 0); anyone else hears "only text".
    app.add_handler(MessageHandler(in_private & filters.Document.ALL, private.on_document))
    app.add_handler(
        MessageHandler(in_private & ~filters.TEXT & ~filters.StatusUpdate.ALL, private.on_other)
    )

    # Buttons: merge questions in the group, everything else in private chats.
    app.add_handler(CallbackQueryHandler(group.on_suggestion, pattern=r"^m:"))
    app.add_handler(CallbackQueryHandler(group.on_tie, pattern=r"^t:"))
    app.add_handler(CallbackQueryHandler(group.on_deep, pattern=r"^v:"))
    app.add_handler(CallbackQueryHandler(survey.on_button, pattern=r"^c:"))
    app.add_handler(CallbackQueryHandler(survey.on_addition, pattern=r"^a:"))
    app.add_handler(CallbackQueryHandler(survey.on_participants, pattern=r"^s:"))
    app.add_handler(CallbackQueryHandler(group.on_new_round_button, pattern=r"^y:"))
    app.add_handler(CallbackQueryHandler(group.on_term, pattern=r"^k:"))
    app.add_handler(CallbackQueryHandler(private.on_guide, pattern=r"^f:"))
    app.add_handler(CallbackQueryHandler(commitments.on_button, pattern=r"^o:"))
    app.add_handler(CallbackQueryHandler(private.on_note, pattern=r"^n:"))
    app.add_handler(CallbackQueryHandler(group.on_takeover, pattern=r"^g:"))
    app.add_handler(CallbackQueryHandler(words.on_tap, pattern=r"^w:"))
    app.add_handler(CallbackQueryHandler(private.on_button))

    app.add_error_handler(on_error)


async def ignore_edit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An edited group message or channel post changes nothing (the command already ran)."""


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Explains the commands this person can use right now, in this chat."""
    services: Services = context.application.bot_data["services"]
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return
    found = await access.chat_team(services, chat.type, chat.id, user.id)
    team, member, led = found.team, found.member, found.led
    round_ = None
    has_version = False
    if chat.type != "private" and team is not None:
        async with services.store.tx() as tx:
            round_ = await tx.open_round_of(team.id)
            has_version = bool(await tx.latest_map_version(team.id))
    lang = found.lang(services.settings.language.value)
    if chat.type == "private":
        keys = help_dialog.private_help(member, facilitator=bool(led))
    else:
        manager = team is not None and team.principal_user_id == user.id
        if not manager:
            try:
                status = (await context.bot.get_chat_member(chat.id, user.id)).status
            except TelegramError:
                status = "member"
            manager = status in ADMIN_STATUSES
        keys = help_dialog.group_help(team, round_, manager=manager, has_version=has_version)
    text = Html("\n".join(services.texts.t(key, lang) for key in keys))
    await send_text(context.bot, chat.id, text)


async def guide_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/gids: the one-page guide for the gespreksleider, as a short message and a PDF."""
    services: Services = context.application.bot_data["services"]
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return
    found = await access.chat_team(services, chat.type, chat.id, user.id)
    lang = found.lang(services.settings.language.value)
    await send_text(context.bot, chat.id, help_dialog.guide_message(services.texts, lang))
    pdf, filename = await asyncio.to_thread(help_dialog.guide_document, services.texts, lang)
    try:
        await context.bot.send_document(chat.id, pdf, filename=filename)
    except Forbidden:
        log.info("chat %s cannot be reached for the guide", chat.id)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Logs the failure and tells the person briefly, in Dutch, that nothing was lost.

    A button whose data does not fit (StaleButton, raised where a dialog reads its argument)
    is no failure: its transaction rolled back, and the person gets the calm "old button"
    answer, as for any other stale button.
    """
    if isinstance(context.error, StaleButton):
        await _answer_stale(update, context)
        return
    log.error("error while handling an update", exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    services: Services = context.application.bot_data["services"]
    if update.callback_query is not None:
        with contextlib.suppress(TelegramError):
            await update.callback_query.answer()
    text = services.texts.t("err.generic", services.settings.language.value)
    try:
        await send_text(context.bot, update.effective_chat.id, text)
    except TelegramError:
        log.warning("could not tell the chat about the error")


async def _answer_stale(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    log.debug("stale button: %s", context.error)
    if not isinstance(update, Update) or update.callback_query is None:
        return
    services: Services = context.application.bot_data["services"]
    lang = services.settings.language.value
    with contextlib.suppress(TelegramError):
        await update.callback_query.answer(services.texts.plain("err.stale", lang))


async def set_command_menus(app: Application) -> None:  # type: ignore[type-arg]
    """Set the command menus per scope (private, groups, group admins) in Dutch and English."""
    services: Services = app.bot_data["services"]
    scopes = (
        (BotCommandScopeAllPrivateChats(), PRIVATE_COMMANDS),
        (BotCommandScopeAllGroupChats(), GROUP_COMMANDS),
        (BotCommandScopeAllChatAdministrators(), ADMIN_COMMANDS),
    )
    for lang in LANGUAGES:
        for scope, commands in scopes:
            menu = [
                BotCommand(name, services.texts.plain(f"cmd.{key}", lang)) for name, key in commands
            ]
            await app.bot.set_my_commands(
                menu, scope=scope, language_code=None if lang == "nl" else lang
            )
