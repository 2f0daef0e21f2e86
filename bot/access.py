"""The gates, in one place: who may manage a team, who is in its group, which team a chat is.

Every entry point (group commands, buttons in the group, the principal's private commands)
asks here; a person who may not gets a polite answer, never a traceback.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TypeVar

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes

from bot import callbacks
from bot.actions import presence
from bot.context import Services
from core.model import Member, Team
from prompts import Html

from .replies import send_text

log = logging.getLogger(__name__)

# Admin statuses in Telegram's getChatMember answer.
ADMIN_STATUSES = {"creator", "administrator"}
MEMBER_STATUSES = {"creator", "administrator", "member", "restricted"}
# Telegram's helper account that stands in for anonymous group admins.
ANONYMOUS_ADMIN_ID = 1087968824

TapT = TypeVar(
    "TapT",
    callbacks.SuggestionTap,
    callbacks.TieTap,
    callbacks.DeepTap,
    callbacks.NewRoundTap,
    callbacks.TermTap,
    callbacks.TakeoverTap,
)


async def is_admin(bot: Bot, chat_id: int, user_id: int) -> bool:
    """True when the person is an admin of the group (asked of Telegram each time)."""
    try:
        member = await bot.get_chat_member(chat_id, user_id)
    except TelegramError as exc:
        log.warning("could not check admin status: %s", exc)
        return False
    return member.status in ADMIN_STATUSES


async def in_group(bot: Bot, chat_id: int, user_id: int) -> bool | None:
    """True when the person is in the group; None when Telegram could not tell now."""
    try:
        status = (await bot.get_chat_member(chat_id, user_id)).status
    except BadRequest as exc:
        if "chat not found" in exc.message.lower():
            return None  # about the group, not the person
        return False
    except TelegramError as exc:
        log.warning("membership check failed: %s", exc)
        return None
    return status in MEMBER_STATUSES


async def people_in_group(bot: Bot, chat_id: int) -> int | None:
    """How many people are in the group, the bot itself not counted; None when Telegram could
    not tell now. Other bots in the group are counted as people (so "everyone" is never
    reached too early, only late)."""
    try:
        count = await bot.get_chat_member_count(chat_id)
    except TelegramError as exc:
        log.warning("member count failed: %s", exc)
        return None
    return max(count - 1, 0)


async def is_facilitator(services: Services, team: Team, user_id: int) -> bool:
    """The team's principal, or someone the principal handed the role to as well."""
    if user_id == team.principal_user_id:
        return True
    async with services.store.tx() as tx:
        return await tx.is_co_facilitator(team.id, user_id)


async def guide_tap(services: Services, update: Update) -> tuple[Team, callbacks.GuideTap] | None:
    """Decode a control-message button of a facilitator; others get a toast."""
    query = update.callback_query
    assert query is not None
    tap = callbacks.decode_guide(query.data)
    team = None
    if tap is not None:
        async with services.store.tx() as tx:
            found = await tx.team(tap.team_id) if await tx.team_exists(tap.team_id) else None
        team = found
    if tap is None or team is None:
        await query.answer(services.texts.plain("err.stale", services.settings.language.value))
        return None
    if not await is_facilitator(services, team, query.from_user.id):
        await query.answer(services.texts.plain("map.only_principal", team.language.value))
        return None
    return team, tap


async def still_in_group(services: Services, bot: Bot, team: Team, user_id: int) -> bool | None:
    """Whether the person is still in the team's group (Telegram's answer, trusted for a
    minute); what Telegram says is stored at once, so counts follow. None when Telegram could
    not tell (e.g. the bot itself is not in the group now)."""
    return await _ask(services, bot, team.id, team.chat_id, user_id, None)


async def _ask(
    services: Services, bot: Bot, team_id: int, chat_id: int, user_id: int, known: bool | None
) -> bool | None:
    """The cached answer, else Telegram's; stored when it differs from what was `known`."""
    now = services.clock()
    cached = services.presence.get(chat_id, user_id, now)
    if cached is not None:
        return cached
    present = await in_group(bot, chat_id, user_id)
    if present is not None:
        services.presence.put(chat_id, user_id, present, now)
        if present is not known:
            await presence.record(services, team_id, user_id, present)
    return present


async def member_present(
    services: Services, bot: Bot, member_id: int, user_id: int, round_id: int
) -> tuple[bool, int]:
    """Whether a member may still act in their team, and the team's id; when Telegram cannot
    tell, what was last known counts. A fresh answer costs no transaction."""
    group = services.presence.groups.get(round_id)
    if group is None:
        async with services.store.tx() as tx:
            team = await tx.team((await tx.round(round_id)).team_id)
        group = services.presence.groups[round_id] = (team.id, team.chat_id)
    team_id, chat_id = group
    cached = services.presence.get(chat_id, user_id, services.clock())
    if cached is not None:
        return cached, team_id
    async with services.store.tx() as tx:
        member = await tx.member(member_id)
    known = member is not None and member.left_at is None
    present = await _ask(services, bot, team_id, chat_id, user_id, known)
    return (known if present is None else present), team_id


async def principal_present(services: Services, bot: Bot, team: Team) -> bool:
    """The recorded principal is still in the group (when Telegram cannot tell: yes)."""
    return await still_in_group(services, bot, team, team.principal_user_id) is not False


def takeover_key(team: Team) -> str:
    """The living key of the newest offer to take over the role of conversation leader."""
    return f"takeover:{team.id}"


async def offer_takeover(services: Services, bot: Bot, team: Team, *, again: bool = False) -> None:
    """When the recorded principal left the group, offer the group's admins a button to take
    the role over (once, unless `again`: /start shows it again)."""
    if await principal_present(services, bot, team):
        return
    async with services.store.tx() as tx:
        known = await tx.living_message(team.chat_id, takeover_key(team))
    if known is not None and not again:
        return
    lang = team.language.value
    button = InlineKeyboardButton(
        services.texts.plain("btn.takeover", lang), callback_data=callbacks.takeover(team.id)
    )
    text = services.texts.t("group.takeover_offer", lang)
    message = await send_text(bot, team.chat_id, text, InlineKeyboardMarkup([[button]]))
    if message is not None:
        async with services.store.tx() as tx:
            await tx.set_living_message(team.chat_id, takeover_key(team), message.message_id)


async def team_of_chat(services: Services, chat_id: int) -> Team | None:
    """The team registered for this group chat."""
    async with services.store.tx() as tx:
        return await tx.team_by_chat(chat_id)


@dataclass(frozen=True)
class ChatTeam:
    """Whose chat this is: the team it belongs to (its language is the chat's), and in a
    private chat the person's active membership and the teams they lead."""

    team: Team | None
    member: Member | None
    led: list[Team]

    def lang(self, default: str) -> str:
        """The language to answer in: the team's, else the bot's default."""
        return self.team.language.value if self.team else default


async def chat_team(services: Services, chat_type: str, chat_id: int, user_id: int) -> ChatTeam:
    """The team a command in this chat is about: the group's team; in private, the team of the
    person's active membership, else the first team they lead."""
    async with services.store.tx() as tx:
        if chat_type != "private":
            return ChatTeam(await tx.team_by_chat(chat_id), None, [])
        member = await tx.active_member(user_id)
        team = await tx.team((await tx.round(member.round_id)).team_id) if member else None
        led = await tx.teams_led_by(user_id)
    return ChatTeam(team or (led[0] if led else None), member, led)


async def may_manage(
    services: Services, update: Update, context: ContextTypes.DEFAULT_TYPE, team: Team | None
) -> bool:
    """The team's principal or a group admin may run the protocol; others get a polite no."""
    user, chat = update.effective_user, update.effective_chat
    assert chat is not None
    lang = team.language.value if team else services.settings.language.value
    if user is not None and user.id == ANONYMOUS_ADMIN_ID:
        await send_text(context.bot, chat.id, services.texts.t("group.anonymous_admin", lang))
        return False
    if user is not None and team is not None and await is_facilitator(services, team, user.id):
        return True
    if user is not None and await is_admin(context.bot, chat.id, user.id):
        if team is not None and team.is_ready:
            await offer_takeover(services, context.bot, team)
        return True
    text = services.texts.t("group.only_admin", lang, name=user.first_name if user else "")
    await send_text(context.bot, chat.id, text)
    return False


async def ready_team(
    services: Services, update: Update, context: ContextTypes.DEFAULT_TYPE
) -> Team | None:
    """The registered team of this group; tells the group what to do when there is none."""
    chat = update.effective_chat
    assert chat is not None
    team = await team_of_chat(services, chat.id)
    if team is None or not team.is_ready:
        key = "group.not_registered" if team is None else "group.ask_name_again"
        lang = team.language.value if team else services.settings.language.value
        text = services.texts.t(key, lang)
        if team is None:
            await send_text(context.bot, chat.id, text)
        else:
            await ask_name(services, context.bot, team, text)
        return None
    return team


async def managed_group_team(
    services: Services, update: Update, context: ContextTypes.DEFAULT_TYPE
) -> Team | None:
    """A group command of the principal or an admin: the team, or None (the group was told)."""
    team = await ready_team(services, update, context)
    if team is None or not await may_manage(services, update, context, team):
        return None
    return team


async def managed_team(
    services: Services, update: Update, context: ContextTypes.DEFAULT_TYPE
) -> Team | None:
    """The team this principal (private chat) or principal/admin (group) may manage."""
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    if chat.type != "private":
        return await managed_group_team(services, update, context)
    team, present = await led_team(services, context.bot, user.id)
    if team is None:
        lang = services.settings.language.value
        await send_text(context.bot, chat.id, services.texts.t("map.not_principal", lang))
        return None
    if not present:
        await tell_principal_left(services, context.bot, chat.id, team)
        return None
    return team


async def led_team(services: Services, bot: Bot, user_id: int) -> tuple[Team | None, bool]:
    """The team this person leads (one whose group they are still in, first) and whether they
    are still in its group: a principal who left keeps no rights."""
    async with services.store.tx() as tx:
        led = await tx.teams_led_by(user_id)
    for team in led:
        if await principal_present(services, bot, team):
            return team, True
    return (led[0], False) if led else (None, False)


async def tell_principal_left(services: Services, bot: Bot, chat_id: int, team: Team) -> None:
    """A principal who left the group: the map, the export and the report are no longer theirs."""
    text = services.texts.t("map.principal_left", team.language.value,
                            school=team.school_name or "")  # fmt: skip
    await send_text(bot, chat_id, text)


async def principal_tap(
    services: Services, update: Update, context: ContextTypes.DEFAULT_TYPE, kind: type[TapT]
) -> tuple[Team, TapT] | None:
    """Decode a button only the principal or an admin may use; others get a toast.

    In the group the chat names the team; in the principal's private chat (term offers, merge
    and tie questions) the button's round does, and only the principal may use it there."""
    query = update.callback_query
    assert query is not None
    tap = callbacks.decode(query.data)
    chat = update.effective_chat
    private = chat is not None and chat.type == "private"
    if private:
        team = await _team_of_tap(services, tap)
    else:
        team = await team_of_chat(services, chat.id) if chat else None
    if not isinstance(tap, kind) or team is None or chat is None:
        await query.answer(services.texts.plain("err.stale", services.settings.language.value))
        return None
    if not await is_facilitator(services, team, query.from_user.id) and (
        private or not await is_admin(context.bot, chat.id, query.from_user.id)
    ):
        await query.answer(services.texts.plain("map.only_principal", team.language.value))
        return None
    return team, tap


async def _team_of_tap(services: Services, tap: object) -> Team | None:
    """The team a button in a private chat belongs to, through its round."""
    async with services.store.tx() as tx:
        if isinstance(tap, callbacks.NewRoundTap):
            # The button under an imported map (in the facilitator's chat) names the team.
            return await tx.team(tap.team_id) if await tx.team_exists(tap.team_id) else None
        round_id = getattr(tap, "round_id", None)
        if isinstance(tap, callbacks.SuggestionTap):
            suggestion = await tx.suggestion(tap.suggestion_id)
            round_id = suggestion.round_id if suggestion else None
        if not isinstance(round_id, int) or not await tx.round_exists(round_id):
            return None
        return await tx.team((await tx.round(round_id)).team_id)


async def ask_name(services: Services, bot: Bot, team: Team, text: Html) -> None:
    """Ask the school's name as a reply-to question (privacy mode shows the bot replies only)."""
    from telegram import ForceReply

    message = await bot.send_message(team.chat_id, text, reply_markup=ForceReply(selective=False))
    async with services.store.tx() as tx:
        await tx.set_name_prompt(team.id, message.message_id)
